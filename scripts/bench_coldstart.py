"""Benchmark the first solve against the tenth: cold (an empty numba cache) vs warm.

For each instance (``d20100`` of the GAP set; the mentoring ``city`` instance) in a fresh temp
``NUMBA_CACHE_DIR``:

1. ``assignments warmup`` — what the README's install command runs (timed on its own);
2. ``cold`` — the first solve after it, in a new process;
3. ``warm`` — a second solve, in a new process;

and, with ``--no-warmup``, also the first solve in an empty cache without the warmup (the
engines are then compiled before the solve's clock starts: the limit is kept, the wall is not).
Each solve runs in its own process (wall = the solve call, and the process from start to end);
``new cache files`` counts files numba wrote during that solve (0 when the warmup compiled every
specialisation the path uses). Target: cold ≤ 1.1 × warm wall with the same answer quality.

    python scripts/bench_coldstart.py                      # both instances, 10 s
    python scripts/bench_coldstart.py --only d20100 --time-limit 10 --no-warmup

Figures depend on the machine; on a shared CPU they are noisy.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GAP_DIR = next((d for d in (Path(os.environ.get("GAP_DIR", "/nonexistent")),
                             ROOT.parent / "shared" / "benchmarks" / "gap",
                             ROOT.parents[1] / "shared" / "benchmarks" / "gap")
                if (d / "gapd.txt").exists()), ROOT.parent / "shared" / "benchmarks" / "gap")
BEST_KNOWN = {"d20100": 6185}


def _files(folder: str) -> int:
    return sum(len(f) for _, _, f in os.walk(folder))


def child(name: str, time_limit: float) -> None:
    """One solve in this process; prints a JSON line."""
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT / "scripts"))
    cache = os.environ["NUMBA_CACHE_DIR"]
    before = _files(cache)
    if name == "d20100":
        from assignments.pairing import read_gap, solve_pairing

        p = read_gap(GAP_DIR / "gapd.txt", sense="min")[4]
        t1 = time.perf_counter()
        r = solve_pairing(p, time_limit=time_limit, num_workers=2)
    else:
        from bench_mentoring import _path  # type: ignore[import-not-found]

        from assignments.mentoring import read_mentoring, solve

        data = read_mentoring(_path(name))
        t1 = time.perf_counter()
        r = solve(data, time_limit=time_limit, num_workers=2)
    t2 = time.perf_counter()
    import threading

    for t in threading.enumerate():  # a compile thread still writing the cache
        if t is not threading.main_thread() and not t.daemon:
            t.join()
    print(json.dumps({"solve_wall": round(t2 - t1, 2), "runtime": round(r.runtime, 2),
                      "objective": r.objective, "status": r.status.value,
                      "compiled_s": r.stats.get("compiled_seconds"),
                      "new_cache_files": _files(cache) - before}), flush=True)


def _run(args: list[str], env: dict[str, str]) -> tuple[float, str]:
    t0 = time.perf_counter()
    p = subprocess.run([sys.executable, *args], env=env, capture_output=True, text=True,
                       cwd=ROOT, timeout=900)
    if p.returncode != 0:
        raise SystemExit(f"failed: {' '.join(args)}\n{p.stderr[-2000:]}")
    return time.perf_counter() - t0, p.stdout


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", nargs="*", default=["d20100", "city"])
    ap.add_argument("--time-limit", type=float, default=10.0)
    ap.add_argument("--no-warmup", action="store_true",
                    help="also: the first solve in an empty cache without the warmup")
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child[0], float(args.child[1]))
        return
    if "city" in args.only:  # generate the city workbook once, outside the timings
        sys.path.insert(0, str(ROOT / "scripts"))
        sys.path.insert(0, str(ROOT / "src"))
        from bench_mentoring import _path

        _path("city")
    env0 = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    print(f"time limit {args.time_limit:g} s; load average {os.getloadavg()[0]:.2f} "
          "(shared machine: figures are noisy)")
    print(f"{'instance':<8} {'run':<16} {'process s':>9} {'solve s':>8} {'runtime':>8} "
          f"{'objective':>10} {'status':<9} {'compiled s':>10} {'new cache files':>15}")
    for name in args.only:
        rows = []
        with tempfile.TemporaryDirectory(prefix="numba-cold-") as cache:
            env = {**env0, "NUMBA_CACHE_DIR": cache}
            t, out = _run(["-m", "assignments", "warmup"], env)
            print(f"{name:<8} {'warmup (install)':<16} {t:>9.1f}  {out.strip()}", flush=True)
            for run in ("cold", "warm"):
                t, out = _run([__file__, "--child", name, str(args.time_limit)], env)
                rows.append((run, t, json.loads(out.strip().splitlines()[-1])))
        if args.no_warmup:
            with tempfile.TemporaryDirectory(prefix="numba-empty-") as cache:
                env = {**env0, "NUMBA_CACHE_DIR": cache}
                t, out = _run([__file__, "--child", name, str(args.time_limit)], env)
                rows.append(("empty, no warmup", t, json.loads(out.strip().splitlines()[-1])))
        for run, t, r in rows:
            print(f"{name:<8} {run:<16} {t:>9.1f} {r['solve_wall']:>8.1f} {r['runtime']:>8.1f} "
                  f"{r['objective'] or float('nan'):>10,.0f} {r['status']:<9} "
                  f"{r['compiled_s'] or 0:>10.1f} {r['new_cache_files']:>15}", flush=True)
        cold, warm = rows[0][2], rows[1][2]
        ratio = cold["solve_wall"] / warm["solve_wall"]
        best = BEST_KNOWN.get(name)
        quality = "" if best is None or cold["objective"] is None else (
            f"; to best known: cold {100 * (cold['objective'] - best) / best:.2f}%, "
            f"warm {100 * (warm['objective'] - best) / best:.2f}%")
        print(f"{name}: cold / warm solve wall = {ratio:.2f} (target ≤ 1.1){quality}", flush=True)


if __name__ == "__main__":
    main()
