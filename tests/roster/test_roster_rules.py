"""Hard rules R1–R8: the checker accepts the solved tiny roster and catches each broken rule."""

from __future__ import annotations

import dataclasses
import itertools
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from roster_fixtures import TINY_XLSX, Records, read_records, write_records

from assignments.core.calendar import Quarter
from assignments.core.i18n import use_lang
from assignments.core.solver import Result, SolveParams, SolveStatus
from assignments.roster.data import DeferralDecision, RosterData, read_roster
from assignments.roster.solution import (
    Assignment,
    RosterSolution,
    check,
    objective_levels,
)
from assignments.roster.solve import solve

RULES = [
    "R1",
    "R2",
    "R3",
    "R4",
    "R5",
    "R6",
    "R7",
    "R8",
]


@dataclasses.dataclass
class Solved:
    data: RosterData
    result: Result[RosterSolution]

    @property
    def sol(self) -> RosterSolution:
        assert self.result.solution is not None
        return self.result.solution


@pytest.fixture(scope="module")
def tiny() -> Solved:
    """The tiny instance and its solved roster."""
    data = read_roster(TINY_XLSX)
    return Solved(data, solve(data, time_limit=20, seed=0))


def labels(data: RosterData, sol: RosterSolution) -> set[str]:
    return {v.rule for v in check(data, sol)}


def messages(data: RosterData, sol: RosterSolution, rule: str) -> str:
    """The checker's messages of one rule, in English (``--lang en``; Chinese is the default:
    :func:`test_checker_messages_are_chinese_by_default`)."""
    with use_lang("en"):
        return "\n".join(v.message for v in check(data, sol) if v.rule == rule)


def find(sol: RosterSolution, staff: str) -> list[Assignment]:
    return [a for a in sol.assignments if a.staff == staff]


def edit(sol: RosterSolution, target: Assignment, **changes: Any) -> RosterSolution:
    """The roster with one assignment changed (``dataclasses.replace``)."""
    return dataclasses.replace(
        sol,
        assignments=[
            dataclasses.replace(a, **changes) if a is target else a for a in sol.assignments
        ],
    )


def without(sol: RosterSolution, target: Assignment) -> RosterSolution:
    return dataclasses.replace(sol, assignments=[a for a in sol.assignments if a is not target])


def with_extra(sol: RosterSolution, extra: Assignment) -> RosterSolution:
    return dataclasses.replace(sol, assignments=[*sol.assignments, extra])


# ------------------------------------------------------------------ the valid tiny roster


def test_tiny_roster_is_valid(tiny: Solved) -> None:
    """The solved tiny roster breaks no rule and its levels match the solver's."""
    assert tiny.result.status.has_solution
    assert check(tiny.data, tiny.sol) == []
    levels = objective_levels(tiny.data, tiny.sol)
    assert tiny.result.objectives
    assert {k: levels[k] for k in tiny.result.objectives} == tiny.result.objectives


def test_tiny_roster_matches_the_hand_check(tiny: Solved) -> None:
    """Q1 D1 + pulled candidate S12, Q2 D3 (D2 deferred next), Q3 D2, Q4 D4 + D1's swap seat."""
    by_q = {q: sorted(a.staff for a in v) for q, v in tiny.sol.by_quarter().items()}
    assert by_q == {
        0: ["S01", "S02", "S12"],
        1: ["S07", "S08", "S09"],
        2: ["S04", "S05", "S06"],
        3: ["S03", "S10", "S11"],
    }
    (s12,) = find(tiny.sol, "S12")
    assert (s12.kind, s12.seat_from, s12.credit_quarter) == ("pulled", "D1", 3)
    assert tiny.sol.deferrals == [("D2", 1, DeferralDecision.NEXT)]


@pytest.mark.parametrize("rule", RULES)
def test_rule_holds_on_tiny_roster(tiny: Solved, rule: str) -> None:
    """The solved tiny roster satisfies the rule."""
    assert rule not in labels(tiny.data, tiny.sol)


# ------------------------------------------------------------------ broken rosters


def test_r1_missing_person_is_caught(tiny: Solved) -> None:
    """Dropping one assignment leaves a seat empty: R1."""
    broken = without(tiny.sol, find(tiny.sol, "S07")[0])
    assert "R1" in labels(tiny.data, broken)
    assert "has 2 people in quarter 2, needs 3" in messages(tiny.data, broken, "R1")


def test_r1_extra_person_is_caught(tiny: Solved) -> None:
    """A fourth person at a 3-seat center: R1."""
    a = find(tiny.sol, "S04")[0]
    broken = with_extra(
        tiny.sol,
        dataclasses.replace(
            a,
            staff="S01",
            quarter=3,
            start=find(tiny.sol, "S10")[0].start,
            end=find(tiny.sol, "S10")[0].end,
        ),
    )
    assert "R1" in labels(tiny.data, broken)


def test_r2_serving_during_leave_is_caught(tiny: Solved) -> None:
    """陈静 (S05) on 进修 2027-04-01..06-30 cannot serve 2027Q2: R2."""
    a = find(tiny.sol, "S07")[0]
    assert a.quarter == 1
    broken = edit(tiny.sol, a, staff="S05")
    assert "R2" in labels(tiny.data, broken)
    assert "unavailable 2027-04-01–2027-06-30 (进修)" in messages(
        tiny.data, broken, "R2"
    )


def test_r2_leave_touching_the_handover_week_is_caught(tiny: Solved) -> None:
    """A leave overlapping only the last day of a quarter (before the next handover) counts."""
    data = tiny.data
    a = find(tiny.sol, "S01")[0]
    assert a.quarter == 0 and a.end == date(2027, 4, 5)
    leave = data.unavailability[0].model_copy(
        update={"staff": "S01", "start": a.end, "end": a.end + timedelta(days=3)}
    )
    other = dataclasses.replace(data, unavailability=[*data.unavailability, leave])
    assert "R2" in labels(other, tiny.sol)
    later = leave.model_copy(update={"start": a.end + timedelta(days=1)})
    assert "R2" not in labels(
        dataclasses.replace(data, unavailability=[*data.unavailability, later]), tiny.sol
    )


def test_r2_two_places_in_one_quarter_is_caught(tiny: Solved) -> None:
    """One person twice in the same quarter: R2."""
    a = find(tiny.sol, "S01")[0]
    b = next(x for x in tiny.sol.assignments if x.quarter == a.quarter and x.staff == "S02")
    broken = edit(tiny.sol, b, staff="S01")
    assert "assigned twice in quarter 1" in messages(tiny.data, broken, "R2")


def test_r3_wrong_handover_day_is_caught(tiny: Solved) -> None:
    """A rotation starting a day after the calendar's handover day: R3."""
    a = find(tiny.sol, "S10")[0]
    broken = edit(tiny.sol, a, start=a.start + timedelta(days=1))
    assert labels(tiny.data, broken) == {"R3"}


def test_r3_wrong_end_day_is_caught(tiny: Solved) -> None:
    """A rotation ending on the quarter's last calendar day instead of before the handover: R3."""
    a = find(tiny.sol, "S01")[0]
    broken = edit(tiny.sol, a, end=date(2027, 3, 31))
    assert labels(tiny.data, broken) == {"R3"}


def test_r4_person_without_a_turn_is_caught(tiny: Solved) -> None:
    """吴刚 (S10, 骨科) in 儿科's turn instead of 赵敏: R4."""
    a = find(tiny.sol, "S07")[0]
    broken = edit(tiny.sol, a, staff="S10")
    assert "R4" in labels(tiny.data, broken)
    assert "outside the department's turn" in messages(tiny.data, broken, "R4")


def test_r4_turn_order_is_the_published_one(tmp_path: Path) -> None:
    """Without deferrals, D1's turn is quarter 1: a D2 person there is out of order (R4)."""
    data = read_records(tmp_path, lambda r: r.update(deferrals=[], unavailability=[]))
    result = solve(data, time_limit=10)
    assert result.status.has_solution and check(data, result.solution) == []
    sol = result.solution
    assert sol is not None
    depts = {s.id: s.department for s in data.staff}
    firsts = [
        sorted({depts[a.staff] for a in v if a.kind == "turn"})
        for _, v in sorted(sol.by_quarter().items())
    ]
    assert firsts[:3] == [["D1"], ["D2"], ["D3"]]
    a = next(a for a in sol.assignments if a.quarter == 1)
    broken = edit(sol, a, staff="S07")  # 儿科 in 普外科's quarter
    assert "R4" in labels(data, broken)


def test_r5_missing_deferral_is_caught(tiny: Solved) -> None:
    """A roster that ignores 普外科's deferral request: R5."""
    broken = dataclasses.replace(tiny.sol, deferrals=[])
    assert "R5" in labels(tiny.data, broken)


def test_r5_wrong_decision_is_caught(tiny: Solved) -> None:
    """The office decided 'next'; applying 'last' instead: R5."""
    broken = dataclasses.replace(tiny.sol, deferrals=[("D2", 1, DeferralDecision.LAST)])
    assert "decided 'next' but not applied so" in messages(tiny.data, broken, "R5")


def test_r5_extra_deferral_is_caught(tiny: Solved) -> None:
    """A deferral nobody asked for (a second one for D3 in cycle 1): R5."""
    broken = dataclasses.replace(
        tiny.sol, deferrals=[*tiny.sol.deferrals, ("D3", 1, DeferralDecision.NEXT)]
    )
    assert "R5" in labels(tiny.data, broken)


def test_r5_auto_may_go_either_way(tmp_path: Path) -> None:
    """An 'auto' request holds when resolved as next or last, and fails when not applied."""
    data = read_records(tmp_path, lambda r: r["deferrals"][0].update(decision="auto"))
    result = solve(data, time_limit=10)
    assert result.status.has_solution
    sol = result.solution
    assert sol is not None and check(data, sol) == []
    assert "R5" in labels(data, dataclasses.replace(sol, deferrals=[]))


def test_r6_pulled_forward_mark_removed_is_caught(tiny: Solved) -> None:
    """孙强 (S12) serves before 骨科's turn but is not marked pulled forward: R6."""
    (a,) = find(tiny.sol, "S12")
    broken = edit(tiny.sol, a, kind="turn", seat_from=None, credit_quarter=None)
    assert "not marked as pulled forward" in messages(tiny.data, broken, "R6")


def test_r6_seat_from_a_department_without_a_turn_is_caught(tiny: Solved) -> None:
    """A pulled-forward seat given by 儿科, which has no turn in quarter 1: R6."""
    (a,) = find(tiny.sol, "S12")
    broken = edit(tiny.sol, a, seat_from="D3")
    assert "which has no turn in quarter 1" in messages(tiny.data, broken, "R6")


def test_r6_deadline_missed_is_caught(tiny: Solved) -> None:
    """孙强 (deadline 2027Q2) served only in 2027Q4: R6."""
    (a,) = find(tiny.sol, "S12")
    s10 = find(tiny.sol, "S10")[0]
    moved = edit(
        tiny.sol,
        a,
        quarter=3,
        start=s10.start,
        end=s10.end,
        kind="turn",
        seat_from=None,
        credit_quarter=None,
    )
    assert "has not served by the deadline 2027Q2" in messages(tiny.data, moved, "R6")


def test_r6_candidate_without_deadline_may_wait(tmp_path: Path) -> None:
    """Without a deadline the candidate need not be pulled forward: no R6 when not served early."""

    def no_deadline(r: Records) -> None:
        r["staff"][-1].pop("promotion_deadline")

    data = read_records(tmp_path, no_deadline)
    result = solve(data, time_limit=10)
    assert result.status.has_solution and result.solution is not None
    assert check(data, result.solution) == []


def test_r7_twice_in_one_cycle_is_caught(tiny: Solved) -> None:
    """孙强, pulled forward for 骨科's turn, serving in that turn again: R7."""
    a = find(tiny.sol, "S10")[0]
    broken = edit(tiny.sol, a, staff="S12")
    assert "S12 serves 2 times in cycle 1" in messages(tiny.data, broken, "R7")


def test_checker_messages_are_chinese_by_default(tiny: Solved) -> None:
    """The checker's messages are shown to people: Chinese unless English is asked for, with
    the same figures in both (R7 twice in a cycle, R2 twice in a quarter)."""
    from untranslated import english_runs

    a = find(tiny.sol, "S10")[0]
    broken = edit(tiny.sol, a, staff="S12")
    zh = [v.message for v in check(tiny.data, broken)]
    assert zh and not [m for m in zh if english_runs(m)], zh
    assert any("S12 在第 1 轮下乡 2 次" in m for m in zh), zh
    assert "S12 serves 2 times in cycle 1" in messages(tiny.data, broken, "R7")


def test_r7_consecutive_quarters_is_caught(tiny: Solved) -> None:
    """张伟 (S01) in quarter 1 and again in quarter 2: R7."""
    a = find(tiny.sol, "S07")[0]
    broken = edit(tiny.sol, a, staff="S01")
    assert "S01 serves in consecutive quarters 1 and 2" in messages(
        tiny.data, broken, "R7"
    )


def test_r7_across_the_programme_start_is_caught(tmp_path: Path, tiny: Solved) -> None:
    """Someone who served in 2026Q4 may not serve in 2027Q1: R7 (then no roster exists)."""

    def served_before(r: Records) -> None:
        r["staff"][0].update(times_served=1, last_served="2026Q4")

    data = read_records(tmp_path, served_before)
    assert "S01 served in 2026Q4 and again" in messages(data, tiny.sol, "R7")
    # without 张伟, 心内科 has one 中级 left for 2027Q1: the solver says so instead
    result = solve(data, time_limit=10, lang="en")
    assert result.status is SolveStatus.INFEASIBLE
    text = "\n".join(result.explanation)
    assert "张伟 served in 2026Q4" in text and "R8 title mix" in text


def test_r8_too_few_intermediates_is_caught(tiny: Solved) -> None:
    """Swapping 王芳 (中级, Q1) with 李娜 (副高, Q4) leaves Q1 one intermediate short: R8 only."""
    a = next(a for a in find(tiny.sol, "S02") if a.quarter == 0)
    b = next(b for b in find(tiny.sol, "S03") if b.quarter == 3)
    swapped = edit(edit(tiny.sol, a, staff="S03"), b, staff="S02")
    assert labels(tiny.data, swapped) == {"R8"}
    assert "quarter 1: 1 of the required titles, needs 2" in messages(
        tiny.data, swapped, "R8"
    )


def test_r8_soft_when_configured(tmp_path: Path, tiny: Solved) -> None:
    """With 职称为硬约束 = 否 the same roster breaks no hard rule."""
    data = read_records(
        tmp_path, lambda r: r["policy"].append({"parameter": "职称为硬约束", "value": "否"})
    )
    a = next(a for a in find(tiny.sol, "S02") if a.quarter == 0)
    b = next(b for b in find(tiny.sol, "S03") if b.quarter == 3)
    swapped = edit(edit(tiny.sol, a, staff="S03"), b, staff="S02")
    assert check(data, swapped) == []
    assert objective_levels(data, swapped)["mix"] > objective_levels(data, tiny.sol)["mix"]


def test_r8_minimum_per_center(tmp_path: Path, tiny: Solved) -> None:
    """中级最少 = 3 at the center: the tiny roster (2 intermediates with S12) breaks R8."""
    data = read_records(tmp_path, lambda r: r["centers"][0].update(min_intermediate=3))
    assert "R8" in labels(data, tiny.sol)


# ------------------------------------------------------------------ handover days


def test_handover_days_come_from_the_calendar(tiny: Solved) -> None:
    """2027Q1 starts Monday 2027-01-04; every rotation runs handover to day before the next."""
    periods = tiny.data.periods()
    assert periods[0][0] == date(2027, 1, 4)
    for (_, end), (nxt, _) in itertools.pairwise(periods):
        assert end == nxt - timedelta(days=1)
    for a in tiny.sol.assignments:
        assert (a.start, a.end) == periods[a.quarter]
    assert {a.start for a in tiny.sol.assignments if a.quarter == 0} == {date(2027, 1, 4)}


def test_holiday_override_moves_the_handover(tmp_path: Path, tiny: Solved) -> None:
    """A 节假日 row making 2027-01-04 a holiday moves Q1's handover to 2027-01-05."""
    data = read_records(
        tmp_path, lambda r: r.update(holidays=[{"day": "2027-01-04", "kind": "休", "name": "调休"}])
    )
    assert data.periods()[0][0] == date(2027, 1, 5)
    result = solve(data, time_limit=10)
    assert result.status.has_solution and result.solution is not None
    assert check(data, result.solution) == []
    assert {a.start for a in result.solution.assignments if a.quarter == 0} == {date(2027, 1, 5)}
    # the roster built on the library calendar now hands over on the wrong day
    assert "R3" in labels(data, tiny.sol)


# ------------------------------------------------------------------ generated instances

TITLES = ["中级"] * 12 + ["初级", "副高"]


@st.composite
def roster_records(draw: st.DrawFn) -> Records:
    """Small random valid roster records (mostly, not always, solvable)."""
    seats = draw(st.integers(2, 3))
    n_dept = draw(st.integers(2, 4))
    n_q = draw(st.integers(3, 5))
    first = draw(st.sampled_from(["2026Q1", "2026Q3", "2027Q1", "2027Q2"]))
    order = draw(st.permutations(list(range(1, n_dept + 1))))
    depts = [{"id": f"D{i + 1}", "name": f"科{i + 1}", "order": order[i]} for i in range(n_dept)]
    # usually enough people for every department's turn; the rest are spread at random
    n_staff = draw(st.integers(max(4, min(12, n_dept * seats)), 12))
    dept_of = [k % n_dept for k in range(min(n_staff, n_dept * seats))]
    dept_of += [draw(st.integers(0, n_dept - 1)) for _ in range(n_staff - len(dept_of))]
    staff: list[dict[str, Any]] = []
    for k, d in enumerate(dept_of):
        s: dict[str, Any] = {
            "id": f"S{k + 1:02d}",
            "department": f"D{d + 1}",
            "title": draw(st.sampled_from(TITLES)),
        }
        if draw(st.integers(0, 9)) == 0:  # occasional promotion candidate
            s["promotion_candidate"] = True
            if draw(st.booleans()):
                s["promotion_deadline"] = str(Quarter.parse(first) + draw(st.integers(1, 2)))
        staff.append(s)
    start = date(int(first[:4]), 3 * int(first[-1]) - 2, 1)
    leaves = []
    for _ in range(draw(st.integers(0, 3))):
        k = draw(st.integers(0, n_staff - 1))
        begin = start + timedelta(days=draw(st.integers(0, 90 * n_q)))
        leaves.append(
            {
                "staff": staff[k]["id"],
                "start": begin.isoformat(),
                "end": (begin + timedelta(days=draw(st.integers(1, 120)))).isoformat(),
                "reason": "休假",
            }
        )
    rec: Records = {
        "policy": [
            {"parameter": "起始季度", "value": first},
            {"parameter": "季度数", "value": n_q},
        ],
        "centers": [{"id": "C1", "seats": seats}],
        "departments": depts,
        "staff": staff,
    }
    if leaves:
        rec["unavailability"] = leaves
    return rec


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rec=roster_records())
def test_generated_instances_have_no_violations(tmp_path: Path, rec: Records) -> None:
    """Random small instances: a roster found breaks no rule; none found is explained."""
    data = read_roster(write_records(tmp_path, rec, "gen.xlsx"))
    result = solve(data, time_limit=5)
    if result.status.has_solution:
        assert result.solution is not None
        assert check(data, result.solution) == []
        levels = objective_levels(data, result.solution)
        assert {k: levels[k] for k in result.objectives} == result.objectives
    else:
        assert result.explanation, result.status


# 科1 (S01, S03, S04) and 科2 (S02 only), all candidates, 2 seats, 3 quarters: no roster; the
# conflict CP-SAT finds (it varies between runs) may contain the seat-swap balance of rule 6.
SWAP_CONFLICT: Records = {
    "policy": [{"parameter": "起始季度", "value": "2026Q1"}, {"parameter": "季度数", "value": 3}],
    "centers": [{"id": "C1", "seats": 2}],
    "departments": [
        {"id": "D1", "name": "科1", "order": 1},
        {"id": "D2", "name": "科2", "order": 2},
    ],
    "staff": [
        {"id": sid, "department": d, "title": "中级", "promotion_candidate": True}
        for sid, d in (("S01", "D1"), ("S02", "D2"), ("S03", "D1"), ("S04", "D1"))
    ],
}


def test_infeasible_with_seat_swap_is_explained(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A conflict holding the seat-swap balance ("pull", ("swap", q)) is put into words."""
    import assignments.roster.explain as explain
    from assignments.roster.schedule import alternatives

    data = read_roster(write_records(tmp_path, SWAP_CONFLICT, "swap.xlsx"))
    assert solve(data, time_limit=5, explain=False).status is SolveStatus.INFEASIBLE
    # pin the conflict CP-SAT may return, so the formatting is tested deterministically
    from assignments.core.conflict import Conflict

    monkeypatch.setattr(
        explain, "find_conflict",
        lambda *a, **k: Conflict([("pull", ("swap", 2))], True, True, True),
    )
    lines = explain.explain_infeasible(data, alternatives(data)[0], SolveParams(time_limit=5))
    assert len(lines) == 2 and "2026Q3" in lines[1]


# ------------------------------------------------------------------ the rule registry


def test_model_builds_every_hard_family_in_registry_order() -> None:
    """model.FAMILIES is the registry's hard families, in the same order, one function each."""
    from assignments.roster.model import FAMILIES
    from assignments.roster.rules import RULES as BOOK

    hard = [f for f in BOOK.families if BOOK.hard(f)]
    assert [name for name, _add in FAMILIES] == hard
    assert all(add.__doc__ and BOOK.rule(name).key in add.__doc__ for name, add in FAMILIES)


def test_rule_labels_and_figures() -> None:
    """Labels in both languages; a family that is part of its rule says which part; the docs
    carry the instance's own figures."""
    from assignments.roster.rules import RULES as BOOK
    from assignments.roster.rules import figures

    assert BOOK.label("R4", "zh") == "R4 下乡排序"
    assert BOOK.label("order", "en") == "R4 published order"
    assert BOOK.label("deadline", "zh") == "R6 晋升优先·截止期限"
    assert BOOK.label("deadline", "en") == "R6 promotion (deadline)"
    assert not BOOK.hard("fairness") and BOOK.hard("title")
    data = read_roster(TINY_XLSX)
    with use_lang("en"):
        assert f"({data.seats_per_quarter} a quarter)" in BOOK.describe("R1", figures(data))
    assert f"每季度共 {data.seats_per_quarter} 个" in BOOK.describe("R1", figures(data))


@pytest.mark.parametrize("key", [f"R{i}" for i in range(1, 11)])
def test_rule_key_found_in_model_checker_and_docs(key: str) -> None:
    """A search for a rule key finds the checker and the docs, and the model for every rule
    the model enforces (R3 and R5 are kept by the calendar and the turn schedule)."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    while not (root / "pyproject.toml").exists():
        root = root.parent
    src = root / "src" / "assignments" / "roster"
    pattern = re.compile(rf"\b{key}\b")
    assert pattern.search((src / "solution.py").read_text(encoding="utf-8"))
    assert pattern.search((root / "docs" / "roster_operations.md").read_text(encoding="utf-8"))
    if key not in ("R3", "R5"):
        assert pattern.search((src / "model.py").read_text(encoding="utf-8"))


def test_report_rules_table() -> None:
    """The rules table (for a 规则 sheet) lists every rule of the registry, in order."""
    from assignments.roster.report import rules_table
    from assignments.roster.rules import RULES as BOOK

    data = read_roster(TINY_XLSX)
    table = rules_table(data, "zh")
    assert list(table["规则"]) == [r.key for r in BOOK]


# ------------------------------------------------------------------ the checker's own layout


def _moved(data: RosterData, sol: RosterSolution, moves: dict[str, int]) -> RosterSolution:
    """The roster with the people of ``moves`` serving another quarter (dates to match)."""
    periods = data.periods()
    return dataclasses.replace(sol, assignments=[
        dataclasses.replace(a, quarter=moves[a.staff], start=periods[moves[a.staff]][0],
                            end=periods[moves[a.staff]][1]) if a.staff in moves else a
        for a in sol.assignments
    ])


def test_checker_catches_wrong_turn_order(tiny: Solved) -> None:
    """D2 deferred 'next': D3 serves quarter 2, D2 quarter 3. Putting them back in the
    published order (ignoring the deferral) breaks R4 in both quarters."""
    moves = {"S07": 2, "S08": 2, "S09": 2, "S04": 1, "S05": 1, "S06": 1}
    msgs = messages(tiny.data, _moved(tiny.data, tiny.sol, moves), "R4")
    assert "S04 (D2) serves in quarter 2, outside the department's turn" in msgs
    assert "S07 (D3) serves in quarter 3, outside the department's turn" in msgs
    assert "department 'D3' sends 0 in quarter 2; its turn has 3 seats" in msgs
    assert "department 'D2' sends 0 in quarter 3; its turn has 3 seats" in msgs


def test_checker_catches_wrong_cycle(tiny: Solved) -> None:
    """D1's swapped seat in quarter 4 counts in D1's cycle-1 turn (its last turn before):
    S01, who served D1's own turn in quarter 1, cannot take it (R7 once per cycle)."""
    (s03,) = find(tiny.sol, "S03")
    assert s03.kind == "swap"
    broken = edit(tiny.sol, s03, staff="S01")
    assert "S01 serves 2 times in cycle 1" in messages(tiny.data, broken, "R7")


def test_checker_catches_pull_forward_not_allowed(tiny: Solved) -> None:
    """Only a promotion candidate may be pulled forward (R4 otherwise), and only credited to a
    quarter of the department's next turn (R6)."""
    (s12,) = find(tiny.sol, "S12")
    non_candidate = edit(tiny.sol, s12, staff="S10")
    non_candidate = edit(non_candidate, find(non_candidate, "S10")[1], staff="S12",
                         kind="turn")
    assert "S10 (D4) serves in quarter 1, outside the department's turn, and is not a " \
        "promotion candidate" in messages(tiny.data, non_candidate, "R4")
    wrong_credit = edit(tiny.sol, s12, credit_quarter=2)
    assert "credited to quarter 3, not a quarter of the department's next turn" in messages(
        tiny.data, wrong_credit, "R6")


@pytest.mark.parametrize("seed", range(30))
def test_checker_layout_agrees_with_schedule(seed: int) -> None:
    """Two implementations of rules 4–5, written apart: the checker's Layout and the model's
    schedule give the same seats per department and quarter, next and previous turns."""
    from test_roster_crosscheck import random_instance

    from assignments.roster.schedule import alternatives, classify, previous_turn
    from assignments.roster.solution import Layout

    data = random_instance(seed)
    try:
        alts = alternatives(data)
    except ValueError:
        return
    H = data.policy.quarters
    for sched in alts:
        deferrals, not_needed = sched.requests(data)
        lay = Layout(data, deferrals, not_needed)
        assert lay.idle == [] and lay.needed == []  # both agree on what is not needed (R5)
        for d in data.departments:
            for q in range(H):
                assert lay.demand(d.id, q) == sched.demand(d.id, q)
                svc = classify(sched, d.id, q, True)
                own = lay.own_turn(d.id, q)
                nxt = lay.next_turn(d.id, q)
                mine = own or nxt
                assert (svc is None) == (mine is None)
                if svc is not None and mine is not None:
                    assert svc.turn is not None
                    assert (svc.turn.cycle, svc.turn.seats) == (mine.cycle, mine.seats)
                prev, last = previous_turn(sched, d.id, q), lay.last_turn_before(d.id, q)
                assert (prev is None) == (last is None)
                if prev is not None and last is not None:
                    assert (prev.cycle, prev.seats) == (last.cycle, last.seats)
