"""Soak run (issue #18): many generated instances of the three models solved, checked and compared.

Not part of the test suite. Each round solves one instance of one model (roster R, mentoring
M, funding F, in turn), of one of three sizes:

``tiny``
    the random instances of the cross-check tests (tests/roster/test_roster_crosscheck.py,
    tests/mentoring_fixtures.py, tests/funding/funding_fixtures.py), built directly: solved,
    checked by the model's independent checker, and compared with the independent HiGHS MIP
    (roster/mip.py, pairing/mip.py, funding/mip.py) through MathOpt — both infeasible, or both
    optimal with the same objective levels (the weighted sum in weighted mode);
``small``
    the workbook generators (scripts/generate_*.py) at a few dozen to a few hundred records,
    written as a workbook and read back by the model's reader, solved and checked;
``county``
    the generators at county size (roster 300 staff / 25 departments / 12 quarters, mentoring
    1,200 teachers, funding 150 projects), every ``--county-every`` rounds, solved and checked.

A **violation** is a checker finding of a HARD rule (or a solve that raises the checker's
``SolutionCheckError``); findings are counted by rule key through the model's rule registry,
and a finding of a SOFT rule (an objective level, such as the roster's R11 fair turns, which a
plan not proven optimal may keep and lists as a warning) is counted as ``soft``, listed with
its seed, and is not a violation; a **disagreement** a tiny instance on which the solver and the MIP
differ (status or levels) when both claim a proven answer; a **crash** any other exception.
Solves that stop at their time limit without proof are checked but not compared. A
generated instance the model refuses with a located input message (``InputError``) counts as
``refused``, not as a crash, and is listed. Every violation, disagreement, crash and refusal is
printed with its model, size and seed (re-run with ``--seed``). Usage::

    PYTHONPATH=src python scripts/soak.py --solves 200 --minutes 3
    PYTHONPATH=src python scripts/soak.py --solves 10000 --minutes 1440   # the full target

Exit status 1 when any violation, disagreement or crash was found.
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import sys
import tempfile
import time
import traceback
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
for extra in (ROOT / "src", ROOT / "tests", ROOT / "tests" / "roster", ROOT / "tests" / "funding"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

MODELS = ("roster", "mentoring", "funding")


def _script(name: str) -> Any:
    """A module of scripts/ (not a package) by file name."""
    spec = importlib.util.spec_from_file_location(f"soak_{name}", ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


@dataclass
class Outcome:
    """One round: what happened."""

    status: str = ""
    violations: int = 0
    soft: int = 0
    rules: Counter[str] = field(default_factory=Counter)
    compared: bool = False
    disagreement: str = ""
    crash: str = ""
    refusal: str = ""


@dataclass
class Tally:
    """Counts of one model and size."""

    solves: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    violations: int = 0
    soft: int = 0
    rules: Counter[str] = field(default_factory=Counter)
    compared: int = 0
    disagreements: int = 0
    crashes: int = 0
    seconds: float = 0.0


# ---------------------------------------------------------------- instances


def _via_workbook(write: Callable[[Path, Any], Any], read: Callable[[Path], Any],
                  records: Any) -> Any:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "soak.xlsx"
        write(path, records)
        return read(path)


def instance(model: str, size: str, seed: int) -> Any:
    """The instance of ``model`` at ``size`` for ``seed`` (same arguments, same instance)."""
    rng = random.Random(seed)
    if model == "roster":
        if size == "tiny":
            from test_roster_crosscheck import DEFAULT, HEAVY, random_instance

            return random_instance(seed, DEFAULT if seed % 3 else HEAVY)
        from assignments.roster.data import read_roster

        gen = _script("generate_roster")
        if size == "county":
            kw = dict(gen.PRESETS["county"])
        else:
            centers, depts, quarters = rng.randint(1, 3), rng.randint(3, 10), rng.randint(4, 8)
            # the turns share the programme's seats; each department needs its turn plus 3
            seats = gen.SEATS_PER_CENTER * centers * quarters
            staff = seats + 4 * depts + rng.randint(0, 60)
            kw = {"departments": depts, "centers": centers, "staff": staff,
                  "quarters": quarters, "first_quarter": "2027Q1"}
        try:
            records = gen.generate(**kw, seed=seed)
        except ValueError:  # the generator cannot place its 2 deferral requests in this shape
            records = gen.generate(**kw, seed=seed, deferrals=0)
        return _via_workbook(gen.write, read_roster, records)
    if model == "mentoring":
        if size == "tiny":
            from mentoring_fixtures import random_data

            return random_data(seed)
        from assignments.mentoring.data import read_mentoring

        gen = _script("generate_mentoring")
        if size == "county":
            kw = {**gen.PRESETS["district"], "seed": seed}
        else:
            kw = {"schools": rng.randint(3, 10), "teachers": rng.randint(30, 200),
                  "districts": rng.randint(1, 3), "seed": seed, "name": "soak"}
        return _via_workbook(lambda p, r: gen.write(p, r), read_mentoring, gen.generate(**kw))
    if size == "tiny":
        from funding_fixtures import random_data as funding_random

        return funding_random(seed, n_projects=(5, 11))
    from assignments.funding.data import read_funding

    gen = _script("generate_funding")
    if size == "county":
        records = gen.county_records(seed)
    else:
        n = rng.randint(15, 60)
        nv = rng.randint(6, 20)
        records = gen.generate(n, nv, max(1, nv // 3), 1, seed)
    return _via_workbook(lambda p, r: gen.write(r, p), read_funding, records)


# ---------------------------------------------------------------- solve, check, compare


def _book(model: str) -> Any:
    if model == "roster":
        from assignments.roster.rules import RULES
    elif model == "mentoring":
        from assignments.mentoring.rules import RULES
    else:
        from assignments.funding.rules import RULES
    return RULES


def tally_findings(model: str, findings: Any, out: Outcome) -> None:
    """Count the checker's ``findings`` by rule: a broken HARD rule is a violation; a finding
    of a SOFT rule (an objective level, e.g. roster R11 fair turns, which a plan not proven
    optimal may keep and lists as a warning) is counted apart. A finding whose rule the
    registry does not know counts as a violation (never hidden)."""
    book = _book(model)
    for f in findings:
        key = str(getattr(f, "rule", "?"))
        try:
            hard = book.hard(key)
        except KeyError:
            hard = True
        out.rules[key] += 1
        if hard:
            out.violations += 1
        else:
            out.soft += 1


def run_roster(data: Any, size: str, limit: float, workers: int, out: Outcome) -> None:
    from assignments.core.solver import SolveStatus
    from assignments.roster import check, solve

    r = solve(data, time_limit=limit, num_workers=workers, explain=False)
    out.status = r.status.name.lower()
    if r.solution is not None:
        tally_findings("roster", check(data, r.solution), out)
    if size != "tiny" or r.status not in (SolveStatus.OPTIMAL, SolveStatus.INFEASIBLE):
        return
    from test_roster_crosscheck import _reference, _same

    from assignments.roster.mip import solve_mip

    m = solve_mip(data, time_limit=60)
    if m.status not in ("optimal", "infeasible"):
        return
    out.compared = True
    if m.solution is not None and check(data, m.solution):
        out.violations += 1
    if r.status is SolveStatus.INFEASIBLE or m.status == "infeasible":
        if not (r.status is SolveStatus.INFEASIBLE and m.status == "infeasible"):
            out.disagreement = f"solver {out.status}, MIP {m.status}"
        return
    ref = _reference(data, r)
    if not _same(data, ref, m.levels):
        out.disagreement = f"solver {ref}, MIP {m.levels}"


def run_mentoring(data: Any, size: str, limit: float, workers: int, out: Outcome) -> None:
    from assignments.core.solver import SolveStatus
    from assignments.mentoring import build_problem, check, check_pairing, solve
    from assignments.pairing.mip import solve_mip

    mp = build_problem(data)
    r = solve(data, time_limit=limit, num_workers=workers, mentor_problem=mp)
    out.status = r.status.name.lower()
    if r.solution is not None:
        tally_findings("mentoring", check(data, r.solution), out)
    if size != "tiny" or r.status not in (SolveStatus.OPTIMAL, SolveStatus.INFEASIBLE):
        return
    if any(why == "forced" for _m, _e, why in mp.forced_missing):
        return  # infeasible before any solver runs (a forced pair is not allowed)
    m = solve_mip(mp.problem, time_limit=60)
    if m.status not in ("optimal", "infeasible"):
        return
    out.compared = True
    if m.solution is not None and check_pairing(mp.problem, m.solution):
        out.violations += 1
    if r.status is SolveStatus.INFEASIBLE or m.status == "infeasible":
        if not (r.status is SolveStatus.INFEASIBLE and m.status == "infeasible"):
            out.disagreement = f"solver {out.status}, MIP {m.status}"
        return
    ours = {k: int(v) for k, v in r.objectives.items()}
    if mp.problem.objective_mode == "weighted":
        w = mp.problem.weights

        def total(levels: dict[str, Any]) -> float:
            return sum(w.get(k, 1) * (-v if k == "quality" else v) for k, v in levels.items())

        if total(ours) != total(m.levels):
            out.disagreement = f"solver {ours}, MIP {m.levels} (weighted)"
    elif ours != m.levels:
        out.disagreement = f"solver {ours}, MIP {m.levels}"


def run_funding(data: Any, size: str, limit: float, workers: int, out: Outcome,
                seed: int) -> None:
    from assignments.core.solver import SolveStatus
    from assignments.funding.mip import solve_mip
    from assignments.funding.solution import check, level_order
    from assignments.funding.solve import solve

    engine = "cpsat" if seed % 2 else "auto"  # CP-SAT and the default engine, in turn
    r = solve(data, time_limit=limit, num_workers=workers, explain=False, engine=engine)
    out.status = r.status.name.lower()
    if r.solution is not None:
        tally_findings("funding", check(data, r.solution), out)
    if size != "tiny" or r.status not in (SolveStatus.OPTIMAL, SolveStatus.INFEASIBLE):
        return
    m = solve_mip(data, time_limit=60)
    if m.status not in ("optimal", "infeasible"):
        return
    out.compared = True
    if m.solution is not None and check(data, m.solution):
        out.violations += 1
    if r.status is SolveStatus.INFEASIBLE or m.status == "infeasible":
        if not (r.status is SolveStatus.INFEASIBLE and m.status == "infeasible"):
            out.disagreement = f"solver {out.status}, MIP {m.status}"
        return
    order = level_order(data)
    ours = {k: int(v) for k, v in r.objectives.items()}
    theirs = {k: m.levels[k] for k in order}
    if ours != theirs:
        out.disagreement = f"solver {ours}, MIP {theirs}"


def one_round(model: str, size: str, seed: int, limit: float, workers: int) -> Outcome:
    from assignments.core.errors import InputError, SolutionCheckError

    out = Outcome()
    try:
        data = instance(model, size, seed)
        if model == "roster":
            run_roster(data, size, limit, workers, out)
        elif model == "mentoring":
            run_mentoring(data, size, limit, workers, out)
        else:
            run_funding(data, size, limit, workers, out, seed)
    except InputError as exc:  # a located refusal of the instance: not a crash, but listed
        out.status = "refused"
        out.refusal = str(exc.issues[0])[:300]
    except SolutionCheckError as exc:  # the solve's own final check refused its plan
        out.status = "checked-out"
        tally_findings(model, getattr(exc, "violations", []) or [], out)
        out.violations = max(1, out.violations)
    except Exception:  # a crash: kept with its traceback's last lines
        out.crash = "".join(traceback.format_exc().strip().splitlines(keepends=True)[-3:])
    return out


# ---------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--solves", type=int, default=200, help="rounds to run (default 200)")
    ap.add_argument("--minutes", type=float, default=3.0,
                    help="stop starting rounds after this many minutes (default 3)")
    ap.add_argument("--seed", type=int, default=0, help="first seed (round k uses seed+k)")
    ap.add_argument("--models", default=",".join(MODELS))
    ap.add_argument("--small-every", type=int, default=4,
                    help="every k-th round of a model is small-sized (default 4)")
    ap.add_argument("--county-every", type=int, default=50,
                    help="every k-th round of a model is county-sized (default 50; 0: never)")
    ap.add_argument("--time-limit", type=float, default=10.0,
                    help="seconds per tiny/small solve (default 10)")
    ap.add_argument("--county-time-limit", type=float, default=30.0)
    ap.add_argument("--workers", type=int, default=1, help="solver threads (default 1)")
    args = ap.parse_args(argv)
    models = [m.strip() for m in args.models.split(",") if m.strip()]
    unknown = set(models) - set(MODELS)
    if unknown:
        ap.error(f"unknown model(s): {', '.join(sorted(unknown))}")
    tallies: dict[tuple[str, str], Tally] = defaultdict(Tally)
    problems: list[str] = []
    refusals: list[str] = []
    notes: list[str] = []  # soft-rule findings (not violations), listed with their seeds
    start = time.perf_counter()
    done = 0  # rounds run
    for k in range(args.solves):
        if time.perf_counter() - start > args.minutes * 60:
            break
        model = models[k % len(models)]
        turn = k // len(models)
        if args.county_every and turn % args.county_every == args.county_every - 1:
            size = "county"
        elif args.small_every and turn % args.small_every == args.small_every - 1:
            size = "small"
        else:
            size = "tiny"
        seed = args.seed + k
        limit = args.county_time_limit if size == "county" else args.time_limit
        t0 = time.perf_counter()
        out = one_round(model, size, seed, limit, args.workers)
        t = tallies[(model, size)]
        t.seconds += time.perf_counter() - t0
        t.solves += 1
        done = k + 1
        t.statuses[out.status or "crash"] += 1
        t.violations += out.violations
        t.soft += out.soft
        t.rules.update(out.rules)
        t.compared += out.compared
        where = f"{model} {size} seed {seed}"
        by_rule = ", ".join(f"{k} {n}" for k, n in sorted(out.rules.items()))
        if out.violations:
            problems.append(f"VIOLATION {where}: {out.violations} hard-rule finding(s) "
                            f"({by_rule})")
        elif out.soft:
            notes.append(f"soft findings {where} ({out.status}): {by_rule}")
        if out.disagreement:
            t.disagreements += 1
            problems.append(f"DISAGREEMENT {where}: {out.disagreement}")
        if out.crash:
            t.crashes += 1
            problems.append(f"CRASH {where}: {out.crash}")
        if out.refusal:
            refusals.append(f"refused (located input message) {where}: {out.refusal}")
        if done % 50 == 0:
            print(f"... {done} solves, {time.perf_counter() - start:.0f} s", flush=True)
    elapsed = time.perf_counter() - start
    print(f"{'model':<10} {'size':<7} {'solves':>6} {'compared':>8} {'violations':>10} "
          f"{'soft':>5} {'disagree':>8} {'crashes':>7} {'seconds':>8}  statuses")
    total = Tally()
    for (model, size), t in sorted(tallies.items()):
        statuses = ", ".join(f"{s} {n}" for s, n in sorted(t.statuses.items()))
        print(f"{model:<10} {size:<7} {t.solves:>6} {t.compared:>8} {t.violations:>10} "
              f"{t.soft:>5} {t.disagreements:>8} {t.crashes:>7} {t.seconds:>8.1f}  {statuses}")
        total.solves += t.solves
        total.compared += t.compared
        total.violations += t.violations
        total.soft += t.soft
        total.rules.update(t.rules)
        total.disagreements += t.disagreements
        total.crashes += t.crashes
    print(f"TOTAL: {total.solves} solves, {total.violations} violations, {total.compared} "
          f"differential comparisons, {total.disagreements} disagreements, {total.crashes} "
          f"crashes, {elapsed:.0f} s ({elapsed / max(total.solves, 1):.2f} s a solve)")
    if total.rules:
        print("checker findings by rule (hard ones are violations; soft ones are objective "
              "levels a plan not proven optimal may keep): " + ", ".join(
                  f"{k} {n}" for k, n in sorted(total.rules.items())))
    print(f"soft-rule findings: {total.soft} (not violations)")
    for line in [*problems, *refusals, *notes]:
        print(line)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
