"""Rule R6 seat swaps pair by pair (issue 16.4): the department whose seat a pulled-forward
candidate took fills the very seat the candidate's credit frees, in that quarter."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from roster_fixtures import write_records

from assignments.core.i18n import use_lang
from assignments.roster.data import RosterData, read_roster
from assignments.roster.report import roster_tables
from assignments.roster.solution import RosterSolution, check
from assignments.roster.solve import solve

DEPTS = ["A", "B", "C", "D", "E", "F"]


def two_givers(tmp_path: Path) -> RosterData:
    """2 centers x 3 seats, six departments with turns of 3 (A+B in 2027Q1, C+D in Q2, E+F in
    Q3). A and B each have one of 3 staff away in 2027Q1, so each gives exactly one seat to
    the two candidates who must serve in 2027Q1: C1 (C's turn: 2027Q2) and E1 (E's: 2027Q3)."""
    staff: list[dict[str, Any]] = []
    for d in DEPTS:
        for k in range(1, 4 if d in "AB" else 5):
            row: dict[str, Any] = {"id": f"{d}{k}", "name": f"{d}{k}", "department": d,
                                   "title": "中级"}
            if (d, k) in (("C", 1), ("E", 1)):
                row.update(promotion_candidate=True, promotion_deadline="2027Q1")
            staff.append(row)
    rec: dict[str, list[dict[str, Any]]] = {
        "policy": [
            {"parameter": "起始季度", "value": "2027Q1"},
            {"parameter": "季度数", "value": 3},
        ],
        "centers": [{"id": "W1", "seats": 3}, {"id": "W2", "seats": 3}],
        "departments": [
            {"id": d, "name": f"科{d}", "order": i + 1, "turn_size": 3}
            for i, d in enumerate(DEPTS)
        ],
        "staff": staff,
        "unavailability": [
            {"staff": s, "start": "2027-01-01", "end": "2027-03-31", "reason": "进修"}
            for s in ("A3", "B3")
        ],
    }
    return read_roster(write_records(tmp_path, rec))


def _dept(sid: str) -> str:
    return sid[0]


def test_each_giver_fills_the_seat_its_candidate_frees(tmp_path: Path) -> None:
    """The solved roster pairs every pulled-forward candidate's giver with a swap filler of
    that department in the candidate's credit quarter; 科室汇总 shows who gave, who gets back
    and when, in both languages."""
    data = two_givers(tmp_path)
    result = solve(data, time_limit=5, seed=0)
    sol = result.solution
    assert sol is not None and check(data, sol) == []
    pulled = sorted((a for a in sol.assignments if a.kind == "pulled"), key=lambda a: a.staff)
    assert [a.staff for a in pulled] == ["C1", "E1"]
    assert {a.seat_from for a in pulled} == {"A", "B"}
    for a in pulled:
        assert a.credit_quarter is not None
        fillers = [b for b in sol.assignments if b.kind == "swap"
                   and b.quarter == a.credit_quarter and _dept(b.staff) == a.seat_from]
        assert len(fillers) == 1, (a, fillers)
    zh = roster_tables(data, sol, result, lang="zh")["科室汇总"]
    en = list(roster_tables(data, sol, result, lang="en").values())[1]
    for a in pulled:
        giver = f"科{a.seat_from}"
        text = f"{giver}让出2027Q1席位给科{_dept(a.staff)}{a.staff}"
        assert zh["席位调换"].str.contains(text).any()
        assert en["seat swaps"].str.contains(
            f"{giver} gets it back in {data.policy.first_quarter + a.credit_quarter}").any()


def _mispair(sol: RosterSolution) -> RosterSolution:
    """Exchange the givers of the two candidates: every count still balances (each giver gave
    one seat and fills one), but each fills the seat freed by the other's candidate."""
    c1, e1 = sorted((a for a in sol.assignments if a.kind == "pulled"), key=lambda a: a.staff)
    rest = [a for a in sol.assignments if a not in (c1, e1)]
    return dataclasses.replace(sol, assignments=[
        *rest, dataclasses.replace(c1, seat_from=e1.seat_from),
        dataclasses.replace(e1, seat_from=c1.seat_from)])


def test_checker_rejects_a_swap_paid_back_by_another_department(tmp_path: Path) -> None:
    """Counts alone balance in the mispaired roster; the checker reports R6 per giver."""
    data = two_givers(tmp_path)
    sol = solve(data, time_limit=5, seed=0).solution
    assert sol is not None and check(data, sol) == []
    broken = _mispair(sol)
    with use_lang("en"):
        msgs = [v.message for v in check(data, broken) if v.rule == "R6"]
    assert any("fills the seat its candidate frees" in m for m in msgs), msgs
