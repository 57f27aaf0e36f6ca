"""Rule R5 deferrals: ``next`` moves a turn to the next batch, a request that would move
nothing is "not needed" (无需后延) and does not use the department's deferral (issue 16.3)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from roster_fixtures import ROOT, write_records

from assignments.roster.data import DeferralDecision, RosterData, read_roster
from assignments.roster.report import roster_tables
from assignments.roster.schedule import alternatives
from assignments.roster.solution import check
from assignments.roster.solve import solve

DEPTS = ["A", "B", "C", "D", "E", "F"]


@pytest.fixture(autouse=True)
def _english():
    """These tests read the English messages (``use_lang("en")``); the Chinese ones are
    checked by test_roster_zh_outputs.py."""
    from assignments.core.i18n import use_lang

    with use_lang("en"):
        yield


def shared_quarters(
    tmp_path: Path, deferrals: list[dict[str, Any]], away: int = 0, quarters: int = 6
) -> RosterData:
    """2 centers x 3 seats, six departments with turns of 3: two departments share each
    quarter (A+B, C+D, E+F, then the next cycle). ``away`` of A's 3 staff are on study leave
    in 2027Q1."""
    rec: dict[str, list[dict[str, Any]]] = {
        "policy": [
            {"parameter": "起始季度", "value": "2027Q1"},
            {"parameter": "季度数", "value": quarters},
        ],
        "centers": [{"id": "W1", "seats": 3}, {"id": "W2", "seats": 3}],
        "departments": [
            {"id": d, "name": f"科{d}", "order": i + 1, "turn_size": 3}
            for i, d in enumerate(DEPTS)
        ],
        "staff": [
            {"id": f"{d}{k}", "name": f"{d}{k}", "department": d, "title": "中级"}
            for d in DEPTS
            for k in range(1, 4 if d == "A" else 5)
        ],
        "unavailability": [
            {"staff": f"A{k}", "start": "2027-01-01", "end": "2027-03-31", "reason": "进修"}
            for k in range(1, away + 1)
        ],
        "deferrals": deferrals,
    }
    return read_roster(write_records(tmp_path, rec))


def _req(dept: str, quarter: str, decision: str) -> dict[str, Any]:
    return {"department": dept, "quarter": quarter, "decision": decision, "reason": "进修"}


def test_next_moves_the_turn_to_the_next_batch(tmp_path: Path) -> None:
    """A and B share 2027Q1: A's 'next' moves A to 2027Q2 (C moves up), not a swap with B."""
    data = shared_quarters(tmp_path, [_req("A", "2027Q1", "next")])
    (alt,) = alternatives(data)
    assert alt.demand("A", 0) == 0 and alt.demand("A", 1) == 3
    assert alt.demand("B", 0) == 3 and alt.demand("C", 0) == 3
    assert alt.not_needed == set()


def test_study_leave_case_is_feasible(tmp_path: Path) -> None:
    """All three of A's staff are away in 2027Q1 and A asked for 'next': a roster exists, A
    serves in 2027Q2, the checker finds nothing (a swap with B, in the same quarter, left A in
    2027Q1: infeasible)."""
    data = shared_quarters(tmp_path, [_req("A", "2027Q1", "next")], away=3)
    result = solve(data, time_limit=5, seed=0)
    assert result.status.has_solution
    sol = result.solution
    assert sol is not None and check(data, sol) == []
    qs = {a.quarter for a in sol.assignments if a.staff.startswith("A")}
    assert 0 not in qs and 1 in qs
    assert sol.deferrals == [("A", 0, DeferralDecision.NEXT)] and sol.not_needed == []


def test_auto_never_chooses_a_move_that_changes_nothing(tmp_path: Path) -> None:
    """'auto' for A in 2027Q1: every alternative the solver may choose moves A out of 2027Q1,
    and the solved roster has nobody of A there."""
    data = shared_quarters(tmp_path, [_req("A", "2027Q1", "auto")])
    alts = alternatives(data)
    assert alts and all(alt.demand("A", 0) == 0 for alt in alts)
    result = solve(data, time_limit=5, seed=0)
    sol = result.solution
    assert sol is not None and check(data, sol) == []
    assert not [a for a in sol.assignments if a.quarter == 0 and a.staff.startswith("A")]


@pytest.mark.parametrize("decision", ["last", "auto"])
def test_a_move_that_changes_nothing_is_not_needed(tmp_path: Path, decision: str) -> None:
    """E and F share the cycle's last quarter: E's 'last' puts it behind F in the same quarter
    (no seat changes), 'next' has no later batch in the cycle. The request is reported not
    needed, does not use E's deferral, and 科室汇总 says so (both languages)."""
    data = shared_quarters(tmp_path, [_req("E", "2027Q3", decision)])
    (alt,) = alternatives(data)
    assert alt.not_needed == {0} and alt.choices == {}
    result = solve(data, time_limit=5, seed=0)
    sol = result.solution
    assert sol is not None and check(data, sol) == []
    assert sol.deferrals == [] and sol.not_needed == [("E", 2, DeferralDecision(decision))]
    assert any("not needed" in w for w in result.warnings)
    zh = roster_tables(data, sol, result, lang="zh")["科室汇总"]
    en = list(roster_tables(data, sol, result, lang="en").values())[1]  # departments
    assert zh.iloc[4].astype(str).str.contains("无需后延").any()
    assert en.iloc[4].astype(str).str.contains("not needed").any()
    # the checker: the same request counted as the department's deferral is a violation
    used = dataclasses.replace(sol, deferrals=[("E", 2, DeferralDecision.LAST)], not_needed=[])
    assert any(v.rule == "R5" and "moves nothing" in v.message for v in check(data, used))


def test_checker_rejects_a_needed_request_reported_as_not_needed(tmp_path: Path) -> None:
    """A's 'next' moves A's turn: reporting it not needed (and leaving A in 2027Q1) is R5."""
    data = shared_quarters(tmp_path, [_req("A", "2027Q1", "next")])
    result = solve(data, time_limit=5, seed=0)
    sol = result.solution
    assert sol is not None and check(data, sol) == []
    idle = dataclasses.replace(sol, deferrals=[], not_needed=[("A", 0, DeferralDecision.NEXT)])
    assert any(v.rule == "R5" and "would move its turn" in v.message
               for v in check(data, idle))


def test_checker_lays_out_next_as_the_next_batch(tmp_path: Path) -> None:
    """A roster laid out with the old swap (A stays in 2027Q1 with C... B moved) is rejected:
    after A's 'next', A has no seat in 2027Q1."""
    data = shared_quarters(tmp_path, [_req("A", "2027Q1", "next")])
    sol = solve(data, time_limit=5, seed=0).solution
    assert sol is not None
    a_q2 = [a for a in sol.assignments if a.quarter == 1 and a.staff.startswith("A")]
    c_q1 = [a for a in sol.assignments if a.quarter == 0 and a.staff.startswith("C")]
    assert len(a_q2) == 3 and len(c_q1) == 3
    # put A back in 2027Q1 in C's seats and C in 2027Q2 in A's: what a same-quarter swap gives
    moved = [a for a in sol.assignments if a not in a_q2 + c_q1]
    for x, y in zip(a_q2, c_q1, strict=True):
        moved.append(dataclasses.replace(y, staff=x.staff))
        moved.append(dataclasses.replace(x, staff=y.staff))
    broken = dataclasses.replace(sol, assignments=moved)
    assert any(v.rule == "R4" for v in check(data, broken))


def test_county_deferrals_all_move_the_turn() -> None:
    """The shipped county workbook: 耳鼻喉科 (2028Q4, 'auto', 两人休产假) and the 'next' request
    leave their quarter under every alternative (a same-quarter swap left 耳鼻喉科 there)."""
    data = read_roster(ROOT / "instances" / "roster" / "county_hospital.xlsx")
    first = data.policy.first_quarter
    for alt in alternatives(data):
        for k, r in enumerate(data.deferrals):
            assert k not in alt.not_needed
            assert alt.demand(r.department, r.quarter - first) == 0, (r, alt.choices)
