"""The duty calendars' independent checker (rules RD1–RD4) and the generator it checks
(issue #16.7): moves to an earlier date say 提前自, one ward round per calendar week, one
teaching session per full 14-day period, colleagues of one center teach on different days."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools

import pytest
from roster_ops_fixtures import ROOT, tiny
from untranslated import english_runs

from assignments.core.calendar import HolidayOverride, WorkCalendar
from assignments.core.i18n import use_lang
from assignments.roster import read_roster, solve
from assignments.roster.duties import (
    Duty,
    DutyPlan,
    check_duties,
    duty_plan,
    duty_tables,
    plan_rounds,
    plan_teaching,
)
from assignments.roster.rules import RULES

D = dt.date


@pytest.fixture(scope="module")
def tiny_plan():
    data = tiny()
    r = solve(data, time_limit=5, num_workers=2)
    assert r.solution is not None
    return data, r.solution, duty_plan(data, r.solution.assignments)


def rules_of(data, plan, sheets=None) -> set[str]:
    return {v.rule for v in check_duties(data, plan, sheets)}


def test_rule_keys_are_registered() -> None:
    for key in ("RD1", "RD2", "RD3", "RD4"):
        assert key in RULES and RULES.rule(key).zh and RULES.rule(key).en


@pytest.mark.parametrize("instance", ["tiny", "county_hospital"])
def test_shipped_plans_pass_the_checker(instance: str) -> None:
    """The plans of the shipped instances break no duty rule: 6 sessions in a 13-week quarter
    (7 only with 98 days), one round a calendar week, colleagues on different days."""
    data = read_roster(ROOT / "instances" / "roster" / f"{instance}.xlsx")
    r = solve(data, time_limit=5, num_workers=2, explain=False)
    assert r.solution is not None
    plan = duty_plan(data, r.solution.assignments)
    assert check_duties(data, plan) == []
    periods = data.periods()
    for a in plan.rotations:
        start, end = periods[a.quarter]
        n = len(plan.of(a.staff, a.quarter, "teaching"))
        assert n == ((end - start).days + 1) // 14


def test_tiny_2027q4_rounds_one_per_calendar_week(tiny_plan) -> None:
    """2027Q4 starts on Friday 2027-10-08: two rounds used to fall in the week of 12-27 (27th
    and 31st) while the week before had none; now every calendar week has exactly one."""
    data, _sol, plan = tiny_plan
    q4 = next(a for a in plan.rotations if str(data.policy.first_quarter + a.quarter)
              == "2027Q4")
    days = [d.day for d in plan.of(q4.staff, q4.quarter, "rounds")]
    weeks = [d.isocalendar()[:2] for d in days]
    assert len(weeks) == len(set(weeks))
    assert D(2027, 12, 31) not in days or D(2027, 12, 27) not in days


def test_colleagues_teach_on_different_days(tiny_plan) -> None:
    _data, _sol, plan = tiny_plan
    seen: dict[tuple[int, str, dt.date], str] = {}
    for d in plan.duties:
        if d.kind == "teaching":
            assert (d.quarter, d.center, d.day) not in seen
            seen[(d.quarter, d.center, d.day)] = d.staff


def test_a_move_to_an_earlier_day_says_so() -> None:
    """Holidays 2027-02-08 to 02-15: the session due on 02-08 cannot move later (the next
    session would be closer than 7 days), so it is held on the working day before: 提前自, not
    顺延自."""
    start, end = D(2027, 1, 4), D(2027, 4, 5)
    cal = WorkCalendar([HolidayOverride(D(2027, 2, 8) + dt.timedelta(days=k), False, "test")
                        for k in range(8)])
    teach = dict((t, d) for d, t in plan_teaching(cal, start, end))
    assert teach[D(2027, 2, 8)] < D(2027, 2, 8)
    duty = Duty("S01", 0, "WSY1", "teaching", 3, teach[D(2027, 2, 8)], D(2027, 2, 8))
    assert duty.move_note("zh").startswith("提前自 2027-02-08")
    assert duty.move_note("en").startswith("moved forward from 2027-02-08")
    later = dataclasses.replace(duty, day=D(2027, 2, 16))
    assert later.move_note("zh").startswith("顺延自 2027-02-08")


def test_rounds_of_a_friday_handover_fill_every_week() -> None:
    """A rotation from Friday 2027-10-08 to 2028-01-03: one round in every calendar week from
    the week of 10-11 to the week of 12-27, none twice."""
    cal = WorkCalendar()
    days = [d for d, _t in plan_rounds(cal, D(2027, 10, 8), D(2028, 1, 3))]
    weeks = sorted({d - dt.timedelta(days=d.weekday()) for d in days})
    assert len(weeks) == len(days)
    assert weeks[0] == D(2027, 10, 11) and weeks[-1] == D(2027, 12, 27)
    assert all((b - a).days == 7 for a, b in itertools.pairwise(weeks))


# ------------------------------------------------------------------ each rule caught


def _broken(plan: DutyPlan, duties: list[Duty]) -> DutyPlan:
    return DutyPlan(duties, list(plan.rotations))


def test_checker_reports_each_rule(tiny_plan) -> None:
    data, _sol, plan = tiny_plan
    assert rules_of(data, plan) == set()
    a = plan.rotations[0]
    teach = plan.of(a.staff, a.quarter, "teaching")
    rounds = plan.of(a.staff, a.quarter, "rounds")
    # RD1: a 7th session in a quarter of 6 full periods
    extra = dataclasses.replace(teach[-1], number=7, day=teach[-1].day + dt.timedelta(days=14))
    assert "RD1" in rules_of(data, _broken(plan, duties=[*plan.duties, extra]))
    # RD2: two rounds in one calendar week, the week before left without
    second = rounds[1]
    moved = dataclasses.replace(second, day=rounds[2].day - dt.timedelta(days=1))
    duties = [moved if d is second else d for d in plan.duties]
    with use_lang("en"):
        found = check_duties(data, _broken(plan, duties=duties))
    assert {v.rule for v in found} >= {"RD2"}
    assert any("2 ward rounds in the week" in v.message for v in found)
    assert any("no ward round in the week" in v.message for v in found)
    # shown to people: Chinese by default, the same figures
    zh = [v.message for v in check_duties(data, _broken(plan, duties=duties))]
    assert any("那一周查房 2 次" in m for m in zh) and not [m for m in zh if english_runs(m)]
    # RD3: a colleague at the same center teaches the same day
    mate = next(b for b in plan.rotations if (b.quarter, b.center) == (a.quarter, a.center)
                and b.staff != a.staff)
    theirs = plan.of(mate.staff, mate.quarter, "teaching")[2]
    same = dataclasses.replace(theirs, day=teach[2].day)
    duties = [same if d is theirs else d for d in plan.duties]
    assert "RD3" in rules_of(data, _broken(plan, duties=duties))
    # RD4: a sheet that says 顺延自 for a day held earlier than its target
    sheets = duty_tables(data, plan)
    name = next(k for k in sheets if k != "概览")
    df = sheets[name].copy()
    df.loc[0, "备注"] = f"顺延自 {dt.date.fromisoformat(df.loc[0, '日期']) + dt.timedelta(days=2)}"
    sheets[name] = df
    with use_lang("en"):
        found = check_duties(data, plan, sheets)
    assert [v.rule for v in found] == ["RD4"] and "row 2" in found[0].message
