"""Benchmark mentor pairing: teacher instances against baselines, and the GAP literature.

Teacher instances (``district`` from instances/, ``city`` generated once with a fixed seed and
cached in the temp folder), one process per measurement (peak memory = that solve's):

* ``auto``   — what the CLI runs (``engine="auto"``);
* ``cpsat``  — the same model through CP-SAT only (2 workers);
* ``greedy`` — mandatory mentees first, each to the best mentor with room;
* ``stable`` — hospital–resident stable matching (mentees propose) on score-ranked lists;
* ``lsa1``   — the one-to-one variant (every capacity 1): our engine, and in the same process
  ``scipy.optimize.linear_sum_assignment`` on weights W·mandatory + score (exact for the first
  two levels when capacities are 1, since every allowed pair fits a budget alone).

GAP (``--gap-dir``, default the team's shared benchmark folder): gap1–gap12 in both senses
(time to a proven optimum, compared with the published optima), and gapa–gapd plus the small
type-E files (distance to the best known value after ``--gap-limit`` seconds).

    python scripts/bench_mentoring.py                     # everything (about 15 minutes)
    python scripts/bench_mentoring.py --only district city --methods auto greedy lsa1
    python scripts/bench_mentoring.py --only --methods --gap small    # gap1–12 only
    python scripts/bench_mentoring.py --only --methods --gap cde --gap-limit 10
    python scripts/bench_mentoring.py --only --methods --gap cde --gap-only d20100 e20100

Figures depend on the machine: the targets are for 2 cores, and a shared machine is noisy.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "src"))

INSTANCES = {"district": ROOT / "instances/mentoring/district.xlsx", "city": None}
METHODS = ("auto", "cpsat", "greedy", "stable", "lsa1")
DEFAULT_GAP_DIR = ROOT.parent / "shared" / "benchmarks" / "gap"

# best known values (minimisation) from shared/benchmarks/gap/BEST_KNOWN.md, used only to
# measure the distance of our results; the solver never sees them
BEST_KNOWN: dict[str, int] = {
    "a05100": 1698, "a05200": 3235, "a10100": 1360, "a10200": 2623, "a20100": 1158,
    "a20200": 2339, "b05100": 1843, "b05200": 3552, "b10100": 1407, "b10200": 2827,
    "b20100": 1166, "b20200": 2339, "c05100": 1931, "c05200": 3456, "c10100": 1402,
    "c10200": 2806, "c20100": 1243, "c20200": 2391, "d05100": 6353, "d05200": 12742,
    "d10100": 6347, "d10200": 12430, "d20100": 6185, "d20200": 12238, "e05100": 12681,
    "e05200": 24930, "e10100": 11577, "e10200": 23307, "e20100": 8436, "e20200": 22379,
}
ABCD_NAMES = {
    "gapa": ["a05100", "a05200", "a10100", "a10200", "a20100", "a20200"],
    "gapb": ["b05100", "b05200", "b10100", "b10200", "b20100", "b20200"],
    "gapc": ["c05100", "c05200", "c10100", "c10200", "c20100", "c20200"],
    "gapd": ["d05100", "d05200", "d10100", "d10200", "d20100", "d20200"],
}
SMALL_E = ["e05100", "e05200", "e10100", "e10200", "e20100", "e20200"]


def _path(name: str) -> Path:
    target = INSTANCES[name]
    if target is not None:
        return target
    from generate_mentoring import PRESETS, generate, write  # type: ignore[import-not-found]

    out = Path(tempfile.gettempdir()) / "assignments_bench_city.xlsx"
    if not out.exists():
        write(out, generate(**PRESETS["city"]))
    return out


def _levels(data: Any, pairs: list[tuple[str, str]]) -> dict[str, int]:
    from assignments.mentoring import MentorPair, MentorSolution, check, objective_levels

    sol = MentorSolution([MentorPair(m, e) for m, e in pairs])
    broken = check(data, sol)
    assert not broken, broken[:3]
    return objective_levels(data, sol)


def one(name: str, method: str, time_limit: float, workers: int) -> dict[str, Any]:
    """Run one measurement in this process and return its figures."""
    from assignments.mentoring import build_problem, read_mentoring, solve

    t0 = time.perf_counter()
    data = read_mentoring(_path(name))
    read_s = time.perf_counter() - t0
    row: dict[str, Any] = {"instance": name, "method": method, "read_s": round(read_s, 1)}
    if method == "lsa1":
        from dataclasses import replace

        policy = data.policy.model_copy(update={"capacity_default": 1})
        teachers = [t.model_copy(update={"capacity": None}) for t in data.teachers]
        data = replace(data, policy=policy, teachers=teachers)
    t1 = time.perf_counter()
    mp = build_problem(data)
    p = mp.problem
    row["size"] = f"{len(p.mentors)}m/{len(p.mentees)}e/{len(p.candidates)}c"
    row["build_s"] = round(time.perf_counter() - t1, 1)
    t1 = time.perf_counter()
    if method in ("auto", "cpsat", "lsa1"):
        r = solve(data, time_limit=time_limit, num_workers=workers, seed=0,
                  engine="auto" if method == "lsa1" else method, mentor_problem=mp)
        row.update(status=r.status.value, levels=r.objectives, objective=r.objective,
                   bound=r.bound, gap=r.gap, engine=r.stats.get("engine"),
                   level_bounds=r.stats.get("level_bounds"))
        quality = r.stats.get("reduce", {}).get("quality")
        if quality:  # the reduce engine: when its quality level ended, and how many unproven
            row["quality_level"] = quality
        row["solve_s"] = round(time.perf_counter() - t1, 2)
        if method == "lsa1":
            import numpy as np
            from scipy.optimize import linear_sum_assignment

            t2 = time.perf_counter()
            # W above any difference of total scores: W·mandatory + score is lexicographic
            w_mand = max((abs(c.score) for c in p.candidates), default=0) * len(p.mentees) + 1
            weight = np.zeros((len(p.mentors), len(p.mentees)))
            for c in p.candidates:
                value = c.score + (w_mand if p.mandatory[c.mentee] else 0)
                weight[c.mentor, c.mentee] = max(0.0, value)
            rows, cols = linear_sum_assignment(weight, maximize=True)
            pairs = [(p.mentors[i], p.mentees[e]) for i, e in zip(rows, cols, strict=True)
                     if weight[i, e] > 0]
            lv = _levels(data, pairs)
            row["lsa"] = {"levels": {k: lv[k] for k in ("mandatory", "quality")},
                          "seconds": round(time.perf_counter() - t2, 2)}
    elif method == "greedy":
        from assignments.pairing.heuristics.greedy import greedy

        g = greedy(p)
        row.update(status="heuristic", levels=_levels(data, [
            (p.mentors[i], p.mentees[e]) for i, e in g.pairs(p)]))
        row["solve_s"] = round(time.perf_counter() - t1, 2)
    elif method == "stable":
        from assignments.mentoring.stable import (
            blocking_pairs,
            stable_matching,
            teacher_preferences,
        )

        prefs = teacher_preferences(mp)
        s = stable_matching(p, prefs)
        row.update(status=f"{len(blocking_pairs(p, s, prefs))} blocking pairs",
                   levels=_levels(data, [(p.mentors[i], p.mentees[e]) for i, e in s.pairs(p)]))
        row["solve_s"] = round(time.perf_counter() - t1, 2)
    row["peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return row


def teachers(args: argparse.Namespace) -> None:
    header = (f"{'instance':9} {'size':24} {'method':7} {'status':22} {'objective':>9} "
              f"{'bound':>9} {'gap':>7} {'read s':>6} {'solve s':>7} {'peak MB':>7}  levels")
    print(header)
    print("-" * len(header))
    for name in args.only:
        _path(name)  # generate once, outside the timed runs
        for method in args.methods:
            cmd = [sys.executable, __file__, "--one", name, method, "--time-limit",
                   str(args.time_limit), "--workers", str(args.workers)]
            p = subprocess.run(cmd, capture_output=True, text=True)
            if p.returncode != 0:
                tail = p.stderr.strip().splitlines()[-1:] or ["?"]
                print(f"{name:9} {'':24} {method:7} failed: {tail[0]}", flush=True)
                continue
            r = json.loads(p.stdout.strip().splitlines()[-1])
            gap = "" if r.get("gap") is None else f"{100 * float(r['gap']):.2f}%"
            obj = "" if r.get("objective") is None else f"{r['objective']:.0f}"
            bnd = "" if r.get("bound") is None else f"{r['bound']:.0f}"
            status = r["status"] + (f" ({r['engine']})" if r.get("engine") else "")
            print(f"{r['instance']:9} {r['size']:24} {r['method']:7} {status:22} {obj:>9} "
                  f"{bnd:>9} {gap:>7} {r['read_s']:>6} {r['solve_s']:>7} {r['peak_mb']:>7}  "
                  f"{r.get('levels')}", flush=True)
            if r.get("level_bounds"):
                q = r.get("quality_level") or {}
                ended = (f"; quality level ended after {q['seconds']} s, {q['unproven']} of "
                         f"{q['components']} components unproven") if q else ""
                print(f"{'':9} {'':24} {'':7} level bounds {r['level_bounds']}{ended}",
                      flush=True)
            if "lsa" in r:
                print(f"{'':9} {'':24} {'  scipy':7} {'linear_sum_assignment':22} {'':>9} {'':>9} "
                      f"{'':>7} {'':>6} {r['lsa']['seconds']:>7} {'':>7}  {r['lsa']['levels']}",
                      flush=True)


def gap_small(gap_dir: Path, time_limit: float, workers: int) -> None:
    """gap1–gap12, both senses: time to a proven optimum and agreement with the optima."""
    from assignments.pairing import read_gap, solve_pairing

    optima: dict[tuple[str, int], dict[str, str]] = {}
    with (ROOT / "instances/mentoring/gap/optima.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            optima[(row["file"], int(row["problem"]))] = row
    print(f"{'file':6} {'sense':5} {'optimal':>8} {'= optimum':>9} {'max s':>7} {'mean s':>7}")
    worst = 0.0
    for i in range(1, 13):
        name = f"gap{i}"
        path = gap_dir / f"{name}.txt"
        if not path.exists():
            path = ROOT / "instances/mentoring/gap" / f"{name}.txt"
        for sense in ("max", "min"):
            times, opt, same = [], 0, 0
            for k, p in enumerate(read_gap(path, sense=sense), start=1):  # type: ignore[arg-type]
                r = solve_pairing(p, time_limit=time_limit, num_workers=workers)
                times.append(r.runtime)
                opt += r.status.value == "optimal"
                same += r.objective == int(optima[(name, k)][sense])
            worst = max(worst, max(times))
            print(f"{name:6} {sense:5} {opt:>6}/5 {same:>7}/5 {max(times):>7.2f} "
                  f"{sum(times) / len(times):>7.2f}", flush=True)
    print(f"slowest of the 120 solves: {worst:.2f} s (target: each ≤ 1 s)")


def gap_large(gap_dir: Path, which: str, time_limit: float, workers: int,
              only: list[str] | None = None) -> None:
    """gapa–gapd and the small type-E files: distance to the best known value (``only``: just
    these instances, e.g. ``d20100``)."""
    from assignments.pairing import read_gap, solve_pairing

    jobs: list[tuple[str, Any]] = []
    files = {"abcd": ["gapa", "gapb", "gapc", "gapd"], "cde": ["gapc", "gapd"]}.get(which, [])
    for f in files:
        for name, p in zip(ABCD_NAMES[f], read_gap(gap_dir / f"{f}.txt", sense="min"),
                           strict=True):
            jobs.append((name, p))
    if which in ("abcd", "cde", "e"):
        for name in SMALL_E:
            (p,) = read_gap(gap_dir / "yagiura2004" / name, sense="min")
            jobs.append((name, p))
    if only:
        jobs = [(name, p) for name, p in jobs if name in only]
    print(f"{'instance':9} {'status':9} {'objective':>9} {'bound':>9} {'best known':>10} "
          f"{'to best':>8} {'time s':>7}")
    by_type: dict[str, list[float]] = {}
    for name, p in jobs:
        r = solve_pairing(p, time_limit=time_limit, num_workers=workers)
        best = BEST_KNOWN[name]
        rel = None if r.objective is None else (r.objective - best) / best
        by_type.setdefault(name[0], []).append(float("nan") if rel is None else rel)
        print(f"{name:9} {r.status.value:9} {r.objective or float('nan'):>9.0f} "
              f"{r.bound or float('nan'):>9.0f} {best:>10} "
              f"{'' if rel is None else f'{100 * rel:.2f}%':>8} {r.runtime:>7.2f}", flush=True)
    for t, rels in sorted(by_type.items()):
        print(f"type {t.upper()}: worst {100 * max(rels):.2f}%, mean "
              f"{100 * sum(rels) / len(rels):.2f}% above the best known (target ≤ 0.3%)")


def _load() -> str:
    """The machine's 1/5/15-minute load averages (the machine is shared; timings are noisy)."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", nargs="*", default=list(INSTANCES), choices=list(INSTANCES))
    ap.add_argument("--methods", nargs="*", default=list(METHODS), choices=list(METHODS))
    ap.add_argument("--time-limit", type=float, default=60.0, help="seconds per teacher solve")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--gap", choices=["all", "small", "abcd", "cde", "e", "none"], default="all")
    ap.add_argument("--gap-limit", type=float, default=10.0, help="seconds per GAP problem")
    ap.add_argument("--gap-dir", type=Path, default=DEFAULT_GAP_DIR)
    ap.add_argument("--gap-only", nargs="*", metavar="NAME", choices=sorted(BEST_KNOWN),
                    help="with --gap abcd|cde|e: only these instances (e.g. d20100 e20100)")
    ap.add_argument("--one", nargs=2, metavar=("INSTANCE", "METHOD"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one(args.one[0], args.one[1], args.time_limit, args.workers),
                         ensure_ascii=False, default=str))
        return
    if args.only:
        teachers(args)
    if args.gap in ("all", "small"):
        print(f"\nload average {_load()}")
        gap_small(args.gap_dir, args.gap_limit, args.workers)
        print(f"load average {_load()}")
    if args.gap in ("all", "abcd", "cde", "e"):
        print(f"\nload average {_load()}")
        gap_large(args.gap_dir, "abcd" if args.gap == "all" else args.gap, args.gap_limit,
                  args.workers, args.gap_only)
        print(f"load average {_load()}")


if __name__ == "__main__":
    main()
