"""Same results before and after a speed-up of the mentoring solve? Dump, then compare.

Run once with the old sources and once with the new ones on the same workbooks; every output
the speed-ups touch is dumped — the candidate pairs (mentor, mentee, score, load), every score
term, travel, the forced pairs that cannot hold; the greedy pairing; for that pairing the
suggested periods, the unpaired reasons, the checker's verdicts (``check``, ``check_pairing``),
the recomputed levels, the same-school warnings, the preference lists and blocking pairs; and,
in deterministic mode, a whole solve (status, objective, pairs, warnings, explanation)::

    PYTHONPATH=/tmp/old/src python scripts/mentoring_equivalence.py dump old.pkl \\
        instances/mentoring/tiny.xlsx instances/mentoring/district.xlsx --limit 5
    PYTHONPATH=src python scripts/mentoring_equivalence.py dump new.pkl (same workbooks)
    python scripts/mentoring_equivalence.py compare old.pkl new.pkl

``compare`` prints the first difference of each output and exits 1 when any differs. The
whole solve is only comparable when both runs ended the same way (``--limit`` long enough for
the instance, or ``--engine greedy``-like short limits where both return the greedy start):
a solve cut short at a different moment is reported as such, not as a difference.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import pickle
import sys
import time
from pathlib import Path
from typing import Any


def _h(obj: Any) -> str:
    return hashlib.sha256(repr(obj).encode()).hexdigest()[:16]


def dump_one(path: Path, limit: float, solve_too: bool) -> dict[str, Any]:
    """Every compared output of one workbook (full values; ``compare`` hashes big ones)."""
    from assignments.mentoring.data import read_mentoring
    from assignments.mentoring.explain import unpaired_reasons
    from assignments.mentoring.solution import (
        MentorPair,
        MentorSolution,
        check,
        check_pairing,
        idle_same_school,
        objective_levels,
        pairing_levels,
    )
    from assignments.mentoring.stable import blocking_pairs, pairing_of, teacher_preferences
    from assignments.pairing.arrays import PairArrays
    from assignments.pairing.heuristics.greedy import greedy

    solve_mod = importlib.import_module("assignments.mentoring.solve")
    cand_mod = importlib.import_module("assignments.mentoring.candidates")
    data = read_mentoring(path)
    out: dict[str, Any] = {}
    t = time.perf_counter()
    mp = cand_mod.build_problem(data)
    out["_build_s"] = round(time.perf_counter() - t, 2)
    p = mp.problem
    out["candidates"] = [tuple(c) for c in p.candidates]
    out["components"] = {n: a.tolist() for n, a in mp.components.items()}
    out["travel"] = mp.travel.tolist()
    out["forced_missing"] = list(mp.forced_missing)
    out["forced"] = sorted(p.forced)
    out["problem"] = (p.mentors, p.mentees, p.capacity, p.budget, p.mandatory,
                      p.mentor_group, p.mentee_group, p.drain_limit)
    arr = PairArrays(p)
    out["arrays"] = [a.tolist() for a in (arr.mi, arr.ei, arr.score, arr.load, arr.forced_idx,
                                          arr.outside, arr.group)]
    pool = mp.filters()
    out["exclusions"] = [cand_mod.exclusions(pool, j) for j in range(min(len(pool.mentees), 300))]
    g = greedy(p)
    out["greedy"] = g.chosen
    pairs = []
    forced = {(p.mentors[i], p.mentees[e]) for i, e in p.forced}
    for i, e in g.pairs(p):
        a, b = pool.suggested_periods(e, i) if pool.timetable else (None, None)
        pairs.append(MentorPair(p.mentors[i], p.mentees[e], (p.mentors[i], p.mentees[e]) in forced,
                                None if a is None else tuple(a), None if b is None else tuple(b)))
    sol = MentorSolution(pairs=sorted(pairs, key=lambda x: (x.mentor, x.mentee)),
                         unpaired=unpaired_reasons(mp, g))
    out["solution"] = (sol.pairs, sol.unpaired)
    out["check"] = [str(v) for v in check(data, sol)]
    out["check_pairing"] = [str(v) for v in check_pairing(p, g)]
    out["pairing_levels"] = pairing_levels(p, g)
    out["objective_levels"] = objective_levels(data, sol)
    out["idle_same_school"] = [str(v) for v in idle_same_school(data, sol)]
    # a broken plan: every rule the checker knows must still be found, with the same messages
    if len(p.candidates) > 2:
        bad = MentorSolution(pairs=[MentorPair(p.mentees[0], p.mentors[0]),
                                    *sol.pairs[:50],
                                    *[MentorPair(p.mentors[c.mentor], p.mentees[c.mentee])
                                      for c in p.candidates[:: max(1, len(p.candidates) // 40)]]])
        out["check_bad"] = [str(v) for v in check(data, bad)]
    prefs = teacher_preferences(mp)
    out["prefs"] = (prefs.mentee, prefs.mentor, sorted(prefs.stated))
    pg = pairing_of(p, [(x.mentor, x.mentee) for x in sol.pairs])
    out["pairing_of"] = pg.chosen
    out["blocking_stated"] = blocking_pairs(p, pg, prefs, stated_only=True)
    if len(p.candidates) < 100_000:
        out["blocking_all"] = blocking_pairs(p, pg, prefs)
    if solve_too:
        t = time.perf_counter()
        res = solve_mod.solve(data, time_limit=limit, deterministic=True, num_workers=2)
        out["_solve_s"] = round(time.perf_counter() - t, 2)
        stats = res.stats
        out["solve"] = {
            "status": res.status.value, "objective": res.objective,
            "objectives": res.objectives,
            "pairs": None if res.solution is None else res.solution.pairs,
            "unpaired": None if res.solution is None else res.solution.unpaired,
            "explanation": res.explanation,
            "warnings": [w for w in res.warnings if "time limit" not in w and "时间" not in w],
            "engine": stats.get("engine"), "cut_short": stats.get("cut_short"),
            "blocking_pairs": stats.get("blocking_pairs"),
        }
    return out


def compare(a: dict[str, dict[str, Any]], b: dict[str, dict[str, Any]]) -> int:
    """Print every differing output; 0 when none differs."""
    bad = 0
    for name in sorted(set(a) | set(b)):
        if name not in a or name not in b:
            print(f"{name}: only in one dump")
            bad += 1
            continue
        x, y = a[name], b[name]
        print(f"{name}: build {x.get('_build_s')} s → {y.get('_build_s')} s; "
              f"solve {x.get('_solve_s')} s → {y.get('_solve_s')} s; "
              f"{len(x['candidates'])} candidate pairs")
        for key in sorted(set(x) | set(y)):
            if key.startswith("_"):
                continue
            if key == "solve" and (key not in x or key not in y):
                print("  solve: in one dump only (--no-solve): not compared")
                continue
            if key == "solve":
                sx, sy = x[key], y[key]
                if (sx["engine"], sx["cut_short"]) != (sy["engine"], sy["cut_short"]):
                    print(f"  solve: ended differently ({sx['engine']}, {sx['cut_short']} vs "
                          f"{sy['engine']}, {sy['cut_short']}): not compared")
                    continue
            if x.get(key) != y.get(key):
                bad += 1
                vx, vy = x.get(key), y.get(key)
                detail = ""
                if isinstance(vx, list) and isinstance(vy, list):
                    k = next((i for i, (u, v) in enumerate(zip(vx, vy, strict=False)) if u != v),
                             min(len(vx), len(vy)))
                    detail = (f" (lengths {len(vx)}/{len(vy)}, first difference at {k}: "
                              f"{vx[k] if k < len(vx) else '-'!r:.200} vs "
                              f"{vy[k] if k < len(vy) else '-'!r:.200})")
                print(f"  DIFFERENT {key}: {_h(vx)} vs {_h(vy)}{detail}")
            else:
                print(f"  same {key} ({_h(x.get(key))})")
    print("IDENTICAL" if not bad else f"{bad} output(s) differ")
    return 1 if bad else 0


def main(argv: list[str] | None = None) -> int:
    """``dump OUT WORKBOOK...`` or ``compare OLD NEW``."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("dump")
    d.add_argument("out", type=Path)
    d.add_argument("workbooks", type=Path, nargs="+")
    d.add_argument("--limit", type=float, default=5.0)
    d.add_argument("--no-solve", action="store_true", help="skip the whole solve")
    c = sub.add_parser("compare")
    c.add_argument("old", type=Path)
    c.add_argument("new", type=Path)
    args = ap.parse_args(argv)
    if args.cmd == "dump":
        out = {}
        for wb in args.workbooks:
            out[wb.name] = dump_one(wb, args.limit, not args.no_solve)
            print(f"{wb.name}: {len(out[wb.name]['candidates'])} pairs, "
                  f"build {out[wb.name]['_build_s']} s, solve {out[wb.name].get('_solve_s')} s",
                  file=sys.stderr)
        args.out.write_bytes(pickle.dumps(out))
        return 0
    return compare(pickle.loads(args.old.read_bytes()), pickle.loads(args.new.read_bytes()))


if __name__ == "__main__":
    sys.exit(main())
