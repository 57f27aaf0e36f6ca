"""Benchmark the roster solver: CP-SAT vs a greedy baseline vs the MIP through HiGHS.

Prints one row per instance and method: instance, size, status, objective levels, objective,
bound, gap, time, peak memory. Each measurement runs in its own process so that the peak memory
(ru_maxrss) belongs to that solve alone. Targets (issue #2): city proven optimal in ≤ 10 s on 2
cores, regional within 1 % gap in ≤ 60 s, faster than HiGHS.

    python scripts/bench_roster.py                   # tiny, county, city, regional
    python scripts/bench_roster.py --only tiny county --highs-limit 60
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

INSTANCES = {
    "tiny": ROOT / "instances/roster/tiny.xlsx",
    "county": ROOT / "instances/roster/county_hospital.xlsx",
    "city": ROOT / "instances/roster/city_hospital.xlsx",
    "regional": "regional",  # generated on the fly (200 departments, 10,000 staff, 50 centers)
}


def _path(name: str) -> Path:
    target = INSTANCES[name]
    if isinstance(target, Path):
        return target
    from generate_roster import generate, write  # type: ignore[import-not-found]

    out = Path(tempfile.gettempdir()) / "assignments_bench_regional.xlsx"
    if not out.exists():
        write(out, generate(departments=200, staff=10_000, centers=50, quarters=20, seed=1))
    return out


def one(name: str, method: str, time_limit: float, workers: int) -> dict[str, object]:
    """Run one measurement in this process and return its figures."""
    from assignments.roster import check, objective_levels, read_roster

    data = read_roster(_path(name))
    size = (
        f"{len(data.departments)}d/{len(data.staff)}s/{len(data.centers)}c/{data.policy.quarters}q"
    )
    t0 = time.perf_counter()
    row: dict[str, object] = {"instance": name, "size": size, "method": method}
    if method == "cpsat":
        from assignments.roster import solve

        r = solve(data, time_limit=time_limit, num_workers=workers, seed=0, explain=False)
        row.update(
            status=r.status.value,
            levels=r.stats.get("levels"),
            objective=r.objective,
            bound=r.bound,
            gap=r.gap,
        )
    elif method == "greedy":
        from assignments.roster.greedy import greedy_roster

        sol = greedy_roster(data)
        broken = check(data, sol)
        rules = sorted({v.rule for v in broken})
        row.update(
            status=f"{len(broken)} violations",
            levels=objective_levels(data, sol),
            broken_rules=rules,
        )
    elif method == "highs":
        from assignments.roster.mip import solve_mip

        m = solve_mip(data, time_limit=time_limit)
        row.update(status=m.status, levels=m.levels)
    row["time"] = round(time.perf_counter() - t0, 2)
    row["peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--only", nargs="*", default=list(INSTANCES))
    ap.add_argument("--time-limit", type=float, default=60.0, help="CP-SAT seconds")
    ap.add_argument("--highs-limit", type=float, default=120.0, help="HiGHS seconds")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--no-highs", action="store_true")
    ap.add_argument("--one", nargs=2, metavar=("INSTANCE", "METHOD"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        limit = args.highs_limit if args.one[1] == "highs" else args.time_limit
        print(json.dumps(one(args.one[0], args.one[1], limit, args.workers), ensure_ascii=False))
        return
    methods = ["cpsat", "greedy"] + ([] if args.no_highs else ["highs"])
    header = (
        f"{'instance':9} {'size':22} {'method':7} {'status':16} {'objective':>14} "
        f"{'bound':>14} {'gap':>7} {'time s':>8} {'peak MB':>8}  levels"
    )
    print(header)
    print("-" * len(header))
    for name in args.only:
        _path(name)  # generate once, outside the timed runs
        for method in methods:
            cmd = [
                sys.executable,
                __file__,
                "--one",
                name,
                method,
                "--time-limit",
                str(args.time_limit),
                "--highs-limit",
                str(args.highs_limit),
                "--workers",
                str(args.workers),
            ]
            p = subprocess.run(cmd, capture_output=True, text=True)
            if p.returncode != 0:
                print(f"{name:9} {'':22} {method:7} failed: {p.stderr.strip().splitlines()[-1:]}")
                continue
            r = json.loads(p.stdout.strip().splitlines()[-1])
            gap = "" if r.get("gap") is None else f"{100 * float(r['gap']):.2f}%"
            obj = "" if r.get("objective") is None else f"{r['objective']:.0f}"
            bnd = "" if r.get("bound") is None else f"{r['bound']:.0f}"
            extra = f" broken: {', '.join(r['broken_rules'])}" if r.get("broken_rules") else ""
            print(
                f"{r['instance']:9} {r['size']:22} {r['method']:7} {r['status']:16} {obj:>14} "
                f"{bnd:>14} {gap:>7} {r['time']:>8} {r['peak_mb']:>8}  {r.get('levels')}"
                f"{extra}",
                flush=True,
            )


if __name__ == "__main__":
    main()
