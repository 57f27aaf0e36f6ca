"""Benchmark the batch executors: N funding scenarios on the local process pool and on
``dask-local`` (2 worker processes on 127.0.0.1), against N × one scenario ÷ cores.

    python scripts/bench_executor.py                    # 8 scenarios of county.xlsx, 2 s each
    python scripts/bench_executor.py -n 50 --time-limit 5

Each scenario scales the budget (a different problem each). "Alone" is every scenario solved one
after the other in this process with one CP-SAT worker (the per-scenario cost without any
parallel overhead); the ideal parallel wall is alone ÷ cores; the ratio is the measured wall ÷
that ideal (target ≤ 1.2). The dask-local wall includes starting the cluster (about 2 s) and is
also shown without it. Figures depend on the machine: on a shared CPU they are noisy.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=8, help="number of scenarios")
    ap.add_argument("--time-limit", type=float, default=2.0)
    ap.add_argument("--cores", type=int, default=2)
    ap.add_argument("--workbook", type=Path, default=ROOT / "instances/funding/county.xlsx")
    args = ap.parse_args()

    from assignments.core.executor import open_executor
    from assignments.funding.data import read_funding
    from assignments.funding.scenarios import Scenario, derive, run_scenarios, solve_job

    base = read_funding(args.workbook)
    n = args.n
    datas = [derive(base, Scenario(name=f"s{i}", budget=f"×{0.7 + 0.6 * i / max(1, n - 1)}"))
             for i in range(n)]
    kw = {"time_limit": args.time_limit, "seed": 0, "deterministic": False}
    print(f"{n} scenarios of {args.workbook.name}, {args.time_limit:g} s each, "
          f"{args.cores} cores; load average {os.getloadavg()[0]:.2f} (shared machine)")

    t0 = time.perf_counter()
    alone = 0.0
    for d in datas:
        out = solve_job({"data": d, **kw, "workers": 1})
        alone += out.seconds
    seq = time.perf_counter() - t0
    ideal = alone / args.cores
    print(f"alone (one after the other, 1 worker): {alone:.1f} s (wall {seq:.1f} s); "
          f"ideal parallel = alone / {args.cores} = {ideal:.1f} s")

    rows = []
    for spec in ("local", "dask-local"):
        t0 = time.perf_counter()
        with open_executor(spec, jobs=n, cores=args.cores) as ex:
            t1 = time.perf_counter()
            outs = run_scenarios(datas, **kw, executor=ex.executor,
                                 workers_per_solve=ex.solve_workers)
            t2 = time.perf_counter()
        failed = sum(1 for o in outs if o.error)
        rows.append((spec, ex.where, t2 - t0, t2 - t1, failed))
    print(f"{'executor':<11} {'where':<36} {'wall s':>7} {'ratio':>6} {'w/o start':>9} "
          f"{'ratio':>6} {'failed':>6}")
    for spec, where, wall, run, failed in rows:
        print(f"{spec:<11} {where:<36} {wall:>7.1f} {wall / ideal:>6.2f} {run:>9.1f} "
              f"{run / ideal:>6.2f} {failed:>6}")


if __name__ == "__main__":
    main()
