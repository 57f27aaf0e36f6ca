"""Issue #16 point 2: "pulled forward only for the first service" must not forbid rosters in
which a candidate has several services before a pull-forward option that is not used.

The constraint used to read ``pulled[q] + Σ served[r < q] <= 1``: with two earlier services it
fails even when the pull-forward is not taken. The model now states it pairwise, the MIP as
``n · pulled[q] + Σ served[r < q] <= n``; the checker rejects a pull-forward after an earlier
service.
"""

from __future__ import annotations

import functools
import random
from collections import Counter
from typing import Any

import pytest

from assignments.core.calendar import Quarter, WorkCalendar
from assignments.core.solver import SolveStatus
from assignments.roster import check, objective_levels, solve
from assignments.roster.data import Center, Department, Policy, RosterData, Staff, Title
from assignments.roster.mip import LEVELS, solve_mip
from assignments.roster.schedule import alternatives, classify
from assignments.roster.solution import Assignment, RosterSolution


@pytest.fixture(autouse=True)
def _english():
    """These tests read the English messages (``use_lang("en")``); the Chinese ones are
    checked by test_roster_zh_outputs.py."""
    from assignments.core.i18n import use_lang

    with use_lang("en"):
        yield


def four_by_three(candidate: bool = True) -> RosterData:
    """4 departments × 3 staff, one center of 3 seats, 8 quarters: every department sends all
    its staff at each turn, so the candidate (D1) serves in 2025Q1 and 2026Q1 and then has an
    unused pull-forward option in 2026Q2–2026Q4 (credited to D1's turn after the programme)."""
    staff = [
        Staff(id=f"S{d}{i}", department=f"D{d}", title=Title.INTERMEDIATE,
              promotion_candidate=candidate and d == 1 and i == 0)
        for d in range(1, 5) for i in range(3)
    ]
    return RosterData(
        policy=Policy(first_quarter=Quarter(2025, 1), quarters=8),
        centers=[Center(id="C1", seats=3)],
        departments=[Department(id=f"D{d}", order=d) for d in range(1, 5)],
        staff=staff,
        calendar=WorkCalendar(),
    )


@pytest.mark.parametrize("candidate", [False, True])
def test_four_by_three_with_a_candidate_is_feasible(candidate: bool) -> None:
    data = four_by_three(candidate)
    res = solve(data, time_limit=5, num_workers=2, explain=False)
    assert res.status is SolveStatus.OPTIMAL and res.solution is not None
    assert check(data, res.solution) == []
    n = Counter(a.staff for a in res.solution.assignments)
    assert n["S10"] == 2  # the candidate serves twice, before the unused pull-forward options
    mip = solve_mip(data, time_limit=10)
    assert mip.status == "optimal"
    assert {k: round(v) for k, v in res.objectives.items()} == {
        k: mip.levels[k] for k in res.objectives
    }


def test_checker_rejects_a_pull_forward_after_a_service() -> None:
    """The rule itself still holds: a candidate pulled forward after serving is reported."""
    data = four_by_three()
    res = solve(data, time_limit=5, num_workers=2, explain=False)
    assert res.solution is not None
    sol = res.solution
    # move one of D4's 2026Q4 people (quarter 7) out and pull S10 in, after their 2026Q1 service
    periods = data.periods()
    out = next(a for a in sol.assignments if a.quarter == 7)
    s10 = [a for a in sol.assignments if a.staff == "S10"]
    assert s10 and all(a.kind == "turn" for a in s10)
    edited = [a for a in sol.assignments if a is not out] + [
        Assignment("S10", 7, "C1", *periods[7], kind="pulled", seat_from="D4",
                   credit_quarter=None)
    ]
    bad = check(data, RosterSolution(edited, sol.deferrals))
    assert any(v.rule == "R6" and "already served earlier" in v.message for v in bad)


# ------------------------------------------------------------------ cross-check, several cycles
def random_multicycle(seed: int) -> RosterData:
    """Small departments that send most of their staff at each turn, long horizons: promotion
    candidates serve in several cycles and keep pull-forward options after two services."""
    rng = random.Random(seed)
    n_dept = rng.randint(2, 4)
    seats = rng.randint(2, 3)
    H = rng.randint(6, 9)
    depts = [Department(id=f"D{i + 1}", order=i + 1) for i in range(n_dept)]
    staff = []
    for d in depts:
        for i in range(rng.randint(seats, seats + 1)):
            staff.append(Staff(
                id=f"{d.id}S{i}", department=d.id,
                title=rng.choice([Title.INTERMEDIATE] * 3 + [Title.JUNIOR, Title.ASSOCIATE]),
                times_served=rng.randint(0, 2), last_served=None,
            ))
    for s in rng.sample(staff, rng.randint(1, 2)):
        s.promotion_candidate = True
        if rng.random() < 0.3:
            s.promotion_deadline = Quarter(2025, 1) + rng.randint(1, H - 1)
    data = RosterData(
        policy=Policy(first_quarter=Quarter(2025, 1), quarters=H),
        centers=[Center(id="C1", seats=seats)],
        departments=depts,
        staff=staff,
        calendar=WorkCalendar(),
    )
    data.policy.title_mix_hard = rng.random() < 0.5
    return data


SEEDS = range(24)


@functools.cache
def _both(seed: int) -> tuple[RosterData, Any, Any]:
    data = random_multicycle(seed)
    return data, solve(data, time_limit=5, num_workers=2, explain=False), solve_mip(data,
                                                                                   time_limit=10)


@pytest.mark.parametrize("seed", SEEDS)
def test_multicycle_cpsat_agrees_with_mip(seed: int) -> None:
    """Both infeasible, or both optimal with the same levels; both rosters checker-clean."""
    data, cp, mip = _both(seed)
    if cp.status is SolveStatus.INFEASIBLE:
        assert mip.status == "infeasible"
        return
    assert cp.status is SolveStatus.OPTIMAL and mip.status == "optimal"
    assert cp.solution is not None and mip.solution is not None
    assert check(data, cp.solution) == []
    assert check(data, mip.solution) == []
    assert objective_levels(data, mip.solution) == mip.levels
    got = objective_levels(data, cp.solution)
    assert {n: got[n] for n in LEVELS} == mip.levels


def _unused_pull_after_two(data: RosterData, sol: RosterSolution) -> bool:
    """A candidate with two services before a quarter where they could be pulled forward
    (the case the old constraint forbade)."""
    sched = alternatives(data)[0]
    for s in data.staff:
        if not s.promotion_candidate:
            continue
        qs = sorted(a.quarter for a in sol.assignments if a.staff == s.id)
        for q in range(data.policy.quarters):
            svc = classify(sched, s.department, q, True)
            if svc is not None and svc.kind == "pulled" and sum(r < q for r in qs) >= 2:
                return True
    return False


def test_multicycle_instances_cover_the_case() -> None:
    solved = [_both(s) for s in SEEDS]
    feasible = [(d, cp) for d, cp, _m in solved if cp.status is SolveStatus.OPTIMAL]
    assert len(feasible) >= 12
    assert sum(_unused_pull_after_two(d, cp.solution) for d, cp in feasible) >= 5
    assert any(a.kind == "pulled" for _d, cp in feasible for a in cp.solution.assignments)


def test_county_replan_redispatches_pulled_candidates_early(county: RosterData) -> None:
    """The county re-plan flow of docs/roster_operations.md (as of 2027-05-20, 2027Q1–Q3
    frozen) with two candidates pulled forward into 2027Q2 re-dispatched (as 王琳 and 陆鹏成 in
    the issue): the old constraint counted their frozen service and the re-dispatch as "two
    services before" every later pull-forward option and pushed the re-dispatch past the last
    one (2029Q4); now both serve again in the first open quarter, 2027Q4."""
    import datetime as dt

    from assignments.roster.events import Event, EventKind
    from assignments.roster.replan import replan

    res = solve(county, time_limit=5, num_workers=2, explain=False)
    assert res.status is SolveStatus.OPTIMAL and res.solution is not None
    first = county.policy.first_quarter
    pulled = sorted({a.staff for a in res.solution.assignments
                     if a.kind == "pulled" and a.quarter == 1})[:2]
    assert len(pulled) == 2
    events = [Event(id=f"R{i}", kind=EventKind.REDISPATCH, staff=sid, quarter=first + 1)
              for i, sid in enumerate(pulled)]
    out = replan(county, res.solution, events, as_of=dt.date(2027, 5, 20), announce=1,
                 time_limit=5, num_workers=2, explain=False)
    assert out.result.status is SolveStatus.OPTIMAL and out.result.solution is not None
    assert check(out.data, out.result.solution) == []
    assert out.data.replan is not None and out.data.replan.frozen == 3
    redo: dict[str, int] = {}
    for a in out.result.solution.assignments:
        if a.kind == "redo":
            redo[a.staff] = min(a.quarter, redo.get(a.staff, a.quarter))
    assert redo == dict.fromkeys(pulled, 3)  # both serve again in 2027Q4
