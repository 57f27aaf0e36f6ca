"""Issue #16 point 1: fairness counts planned rotations (DOMAIN §R objective 4).

The fairness level costs a person's k-th service ``B × (past + k − 1) + rank``
(:func:`solution.fairness_unit`), convex in their total rotations; the checker's rule R11
reports anyone sent two or more times more (past + planned) than an equally available colleague
of the same department, title and specialty; roster.xlsx has a 人员统计 sheet and the
per-department min/max in 科室汇总.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

from roster_fair_fixtures import issue_workbook

from assignments.core.calendar import Quarter, WorkCalendar
from assignments.core.i18n import use_lang
from assignments.core.solver import SolveStatus
from assignments.roster import check, objective_levels, solve
from assignments.roster.data import (
    Center,
    Department,
    Policy,
    ReplanTerms,
    RosterData,
    Staff,
    Title,
    Unavailability,
)
from assignments.roster.mip import solve_mip
from assignments.roster.report import roster_tables, summary_lines
from assignments.roster.solution import Assignment, RosterSolution, fair_turns, fairness_unit


def test_issue_workbook_sends_nobody_again_before_an_equal_colleague(tmp_path: Path) -> None:
    """5 departments, 30 staff, 2 centers, 8 quarters: before the fix 刘洋 went 4 times while
    张敏 (same title) never went; now nobody goes two or more times more (past + planned)
    than an equally available colleague, and in each group of the same department, title and
    past rotations (nobody is on leave) the planned rotations differ by at most one."""
    data = issue_workbook(tmp_path)
    res = solve(data, time_limit=5, num_workers=2, explain=False)
    assert res.status is SolveStatus.OPTIMAL and res.solution is not None
    assert check(data, res.solution) == []  # includes R11
    assert fair_turns(data, res.solution) == []
    planned = Counter(a.staff for a in res.solution.assignments)
    groups: dict[tuple[str, Title, int], list[int]] = defaultdict(list)
    for s in data.staff:
        groups[(s.department, s.title, s.times_served)].append(planned[s.id])
    for key, counts in groups.items():
        assert max(counts) - min(counts) <= 1, (key, counts)
    total = {s.id: s.times_served + planned[s.id] for s in data.staff}
    for d in data.departments:
        same = [s for s in data.staff if s.department == d.id and s.title is Title.INTERMEDIATE]
        assert max(total[s.id] for s in same) - min(total[s.id] for s in same) <= 1


def _two_departments(**kw: object) -> RosterData:
    """One center of 1 seat, D1 (A, B) and D2 (C, D), 4 quarters: D1, D2, D1, D2."""
    return RosterData(
        policy=Policy(first_quarter=Quarter(2025, 1), quarters=4),
        centers=[Center(id="C1", seats=1)],
        departments=[Department(id="D1", order=1), Department(id="D2", order=2)],
        staff=[
            Staff(id="A", department="D1", title=Title.INTERMEDIATE),
            Staff(id="B", department="D1", title=kw.get("b_title", Title.INTERMEDIATE)),
            Staff(id="C", department="D2", title=Title.INTERMEDIATE),
            Staff(id="D", department="D2", title=Title.INTERMEDIATE),
        ],
        calendar=WorkCalendar(),
    )


def _roster(data: RosterData, people: list[str]) -> RosterSolution:
    periods = data.periods()
    return RosterSolution(
        [Assignment(p, q, "C1", *periods[q]) for q, p in enumerate(people)]
    )


def test_checker_reports_the_same_people_again() -> None:
    data = _two_departments()
    unfair = _roster(data, ["A", "C", "A", "C"])
    with use_lang("en"):
        found = [v for v in check(data, unfair) if v.rule == "R11"]
    assert len(found) == 2
    assert "A (A, D1) goes 2 times" in found[0].message and "B (B)" in found[0].message
    assert "C (C, D2) goes 2 times" in found[1].message
    # shown to people: Chinese by default, the same figures
    zh = [v.message for v in check(data, unfair) if v.rule == "R11"]
    assert "A（A，D1）下乡 2 次（连同以往共 2 次），而同职称的 B（B）下乡 0 次" in zh[0], zh
    # the level: B = 2; ranks A 0, B 1, C 0, D 1; A's second service costs 2 × 1 + 0
    assert fairness_unit(data) == 2
    assert objective_levels(data, unfair)["fairness"] == (0 + 2) + (0 + 2)
    fair = _roster(data, ["A", "C", "B", "D"])
    assert check(data, fair) == []
    assert objective_levels(data, fair)["fairness"] == 0 + 0 + 1 + 1


def test_not_equally_available_is_not_reported() -> None:
    """B on leave in both D1 quarters, or B of another title: A going twice is not unfair."""
    data = _two_departments()
    p = data.periods()
    data.unavailability = [Unavailability(staff="B", start=p[0][0], end=p[2][1])]
    assert [v.rule for v in check(data, _roster(data, ["A", "C", "A", "D"]))] == []
    other = _two_departments(b_title=Title.JUNIOR)
    assert [v.rule for v in check(other, _roster(other, ["A", "C", "A", "D"]))] == []


def test_past_rotations_count() -> None:
    """B served twice before the programme: A may go twice (totals 2 and 2), C not (D has 0)."""
    data = _two_departments()
    data.staff[1].times_served = 2
    data.staff[1].last_served = Quarter(2023, 1)
    with use_lang("en"):
        found = [v.message for v in check(data, _roster(data, ["A", "C", "A", "C"]))
                 if v.rule == "R11"]
    assert len(found) == 1 and found[0].startswith("C ")


def test_solve_and_mip_send_the_colleague() -> None:
    data = _two_departments()
    res = solve(data, time_limit=5, num_workers=2, explain=False)
    assert res.status is SolveStatus.OPTIMAL and res.solution is not None
    assert check(data, res.solution) == []
    assert Counter(a.staff for a in res.solution.assignments) == Counter("ABCD")
    assert res.objectives["fairness"] == 2
    assert solve_mip(data, time_limit=10).levels["fairness"] == 2


def test_unfair_published_roster_kept_with_a_warning() -> None:
    """Re-planning with 变更 first keeps a published roster that sends A and C twice: the solve
    says so (R11 as a warning), never silently."""
    data = _two_departments()
    data.policy.objective_order = ("changes", "promotion", "departures", "mix", "fairness")
    data.replan = ReplanTerms(
        published={("A", 0): "C1", ("C", 1): "C1", ("A", 2): "C1", ("C", 3): "C1"}, frozen=0
    )
    res = solve(data, time_limit=5, num_workers=2, explain=False)
    assert res.status is SolveStatus.OPTIMAL and res.solution is not None
    assert Counter(a.staff for a in res.solution.assignments) == Counter("AACC")
    assert sum("R11" in w for w in res.warnings) == 2


def test_people_sheet_and_department_spread(tmp_path: Path) -> None:
    data = issue_workbook(tmp_path)
    res = solve(data, time_limit=5, num_workers=2, explain=False)
    assert res.solution is not None
    tables = roster_tables(data, res.solution, res, lang="zh")
    people = tables["人员统计"]
    assert list(people.columns) == ["工号", "姓名", "科室", "职称", "往期下乡次数", "本期下乡次数",
                                    "下乡季度", "合计次数"]
    planned = Counter(a.staff for a in res.solution.assignments)
    assert len(people) == len(data.staff)
    for row in people.itertuples(index=False):
        s = next(x for x in data.staff if x.id == row[0])
        assert (row[4], row[5], row[7]) == (s.times_served, planned[s.id],
                                            s.times_served + planned[s.id])
        assert len(row[6].split("、")) == planned[s.id] if planned[s.id] else row[6] == ""
    zy = people[people["姓名"] == "曾毅"].iloc[0]
    assert zy["职称"] == "主治中医师（中级）"
    depts = tables["科室汇总"]
    for d, row in zip(data.departments, depts.itertuples(index=False), strict=True):
        counts = [planned[s.id] for s in data.staff if s.department == d.id]
        assert (row.本期每人最少, row.本期每人最多) == (min(counts),
                                                                           max(counts))
    assert "people" in roster_tables(data, res.solution, res, lang="en")
    text = "\n".join(summary_lines(data, res, lang="zh"))
    assert f"最多 {max(planned.values())}" in text
