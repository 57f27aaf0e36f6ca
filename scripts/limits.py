"""Time limits kept? Each model solved on given workbooks at given limits, one process each.

The promise (DEVELOPERS.md, README "Architecture"): a solve never runs past its time limit by
more than ``max(1 s, 5 %)``, and never returns worse than the greedy baseline. For every
workbook and limit this prints

* ``solve s`` — the model's ``solve(...)`` call, from its start to its return (what the
  promise is about: reading and writing excluded; numba's one-time compile is excluded by the
  solve itself and shown in ``compile``);
* ``wall s`` — the process from its start to the outputs written (imports, reading, solving,
  writing: what a person waits for), and its peak memory;
* ``over %`` — ``solve s`` past the limit, in % of the limit; ``OVER`` when beyond
  ``max(1 s, 5 %)``;
* the status, the phases the limit cut short (``stats["cut_short"]``), and the objective
  against the model's greedy baseline (mentoring: the pairing greedy; funding: the greedy
  allocation; roster: the office's greedy roster, which may break rules — its broken rules
  are counted instead); ``WORSE`` when the result is worse than the greedy.

No timing is asserted anywhere: this is a measuring script, its exit status is 1 when any line
is flagged. Usage::

    PYTHONPATH=src python scripts/limits.py mentoring:instances/mentoring/district.xlsx \\
        funding:instances/funding/county.xlsx --limits 5 10 30 --workers 2
    PYTHONPATH=src python scripts/limits.py --shipped --limits 5      # every instances/*/*.xlsx
"""

from __future__ import annotations

import time

T_START = time.perf_counter()  # before the heavy imports: the child's wall clock starts here

import argparse  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
MODELS = ("roster", "mentoring", "funding")
NOT_SOLVABLE = ("_events", "_logs")  # event / log workbooks of the roster operations


def _read(model: str, path: Path) -> Any:
    if model == "mentoring":
        from assignments.mentoring.data import read_mentoring

        return read_mentoring(path)
    if model == "roster":
        from assignments.roster import read_roster

        return read_roster(path)
    from assignments.funding.data import read_funding

    return read_funding(path)


def _versus_greedy(model: str, data: Any, result: Any) -> tuple[str, bool]:
    """A short text of the result against the greedy baseline, and whether it is worse."""
    if model == "mentoring":
        from assignments.mentoring.candidates import build_problem
        from assignments.pairing.heuristics.greedy import greedy
        from assignments.pairing.solve import _levels_of, _worse

        p = build_problem(data).problem
        g = _levels_of(p, greedy(p))
        if result.solution is None:
            return f"none vs greedy {g}", True
        mine = {n: int(v) for n, v in result.objectives.items()}
        if p.sense == "max":
            mine["quality"] = -mine["quality"]
        worse = _worse(p, mine, g)
        return (f"q {abs(mine['quality'])} vs {abs(g['quality'])}, mand {mine.get('mandatory')} "
                f"vs {g.get('mandatory')}"), worse
    if model == "funding":
        from assignments.funding.data import problem
        from assignments.funding.greedy import greedy as f_greedy
        from assignments.funding.solve import _stage_value

        prob = problem(data)
        g_sol = f_greedy(data, prob)
        names = list(result.levels)
        g = [_stage_value(data, prob, g_sol, n) for n in names]
        if result.solution is None:
            return f"none vs greedy {g}", True
        mine = [_stage_value(data, prob, result.solution, n) for n in names]
        return f"{mine[:2]} vs {g[:2]} (min form)", mine > g
    from assignments.roster.greedy import greedy_roster
    from assignments.roster.solution import check

    broken = len(check(data, greedy_roster(data)))
    if result.solution is None:
        return f"no roster; greedy breaks {broken} rule(s)", broken == 0
    return f"checked roster; greedy breaks {broken} rule(s)", False


def one(model: str, path: Path, limit: float, workers: int, out: Path) -> dict[str, Any]:
    """Read, solve and write once in this process; the figures as a dict."""
    import importlib

    t = time.perf_counter()
    data = _read(model, path)
    read_s = time.perf_counter() - t
    solve = importlib.import_module(f"assignments.{model}").solve
    t = time.perf_counter()
    result = solve(data, time_limit=limit, num_workers=workers, seed=0)
    solve_s = time.perf_counter() - t
    write = importlib.import_module(f"assignments.{model}.report").write_outputs
    t = time.perf_counter()
    if result.solution is not None:
        write(data, result, out, lang="en")
    write_s = time.perf_counter() - t
    wall = time.perf_counter() - T_START
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    text, worse = _versus_greedy(model, data, result)
    return {"read": read_s, "solve": solve_s, "write": write_s, "wall": wall, "peak_mb": peak,
            "status": result.status.value, "cut": result.stats.get("cut_short") or [],
            "compiled": result.stats.get("compiled_seconds") or 0.0,
            "greedy": text, "worse": worse}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("items", nargs="*", metavar="MODEL:WORKBOOK")
    ap.add_argument("--shipped", action="store_true", help="every instances/*/*.xlsx")
    ap.add_argument("--limits", nargs="+", type=float, default=[5.0, 10.0, 30.0])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--one", nargs=4, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        model, path, limit, out = args.one
        print(json.dumps(one(model, Path(path), float(limit), args.workers, Path(out))))
        return
    items = [tuple(i.split(":", 1)) for i in args.items]
    if args.shipped:
        items += [(f.parent.name, str(f)) for f in sorted(ROOT.glob("instances/*/*.xlsx"))
                  if f.parent.name in MODELS and not f.stem.endswith(NOT_SOLVABLE)]
    head = (f"{'model':9} {'instance':18} {'limit':>5} {'solve s':>8} {'wall s':>7} "
            f"{'peak MB':>7} {'over %':>7} {'status':9} flags / cut short / vs greedy")
    print(head, flush=True)
    flagged = 0
    for limit in args.limits:
        for model, path in items:
            with tempfile.TemporaryDirectory() as tmp:
                cmd = [sys.executable, __file__, "--one", model, path, str(limit), tmp,
                       "--workers", str(args.workers)]
                t = time.perf_counter()
                run = subprocess.run(cmd, capture_output=True, text=True, check=False)
                total = time.perf_counter() - t
            name = Path(path).stem
            if run.returncode != 0 or not run.stdout.strip():
                print(f"{model:9} {name:18} {limit:5g} failed: "
                      f"{(run.stderr.strip().splitlines() or ['?'])[-1][:80]}", flush=True)
                flagged += 1
                continue
            r = json.loads(run.stdout.strip().splitlines()[-1])
            allowed = max(1.0, 0.05 * limit)
            over = 100.0 * (r["solve"] - limit) / limit
            flags = []
            if r["solve"] > limit + allowed:
                flags.append("OVER")
            if r["worse"]:
                flags.append("WORSE")
            flagged += bool(flags)
            cut = ",".join(r["cut"]) or "-"
            comp = f" compile {r['compiled']:g}s" if r["compiled"] else ""
            print(f"{model:9} {name:18} {limit:5g} {r['solve']:8.2f} {r['wall']:7.1f} "
                  f"{r['peak_mb']:7.0f} {over:+7.1f} {r['status']:9} {' '.join(flags) or 'ok'}"
                  f" / {cut} / {r['greedy']}{comp} (process {total:.1f}s)", flush=True)
    sys.exit(1 if flagged else 0)


if __name__ == "__main__":
    main()
