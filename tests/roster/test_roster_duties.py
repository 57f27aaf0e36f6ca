"""Duty plans: teaching every 14 days (≥ 4, ≥ 7 days apart), ward rounds weekly (≥ 8), on
working days of the calendar (holidays and make-up workdays), Excel sheets and .ics files."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from pathlib import Path

import pandas as pd
import pytest
from icalendar import Calendar
from roster_ops_fixtures import tiny

from assignments.core.calendar import HolidayOverride, Quarter, WorkCalendar
from assignments.core.i18n import use_lang
from assignments.roster import solve
from assignments.roster.duties import (
    duty_plan,
    duty_tables,
    person_calendar,
    plan_rounds,
    plan_teaching,
    write_duties,
)

D = dt.date


@pytest.fixture(scope="module")
def tiny_plan():
    data = tiny()
    r = solve(data, time_limit=10)
    assert r.solution is not None
    return data, r.solution, duty_plan(data, r.solution.assignments)


def test_every_rotation_meets_the_rules(tiny_plan) -> None:
    """For each of tiny's 12 rotations: ≥ 4 teaching sessions ≥ 7 days apart, ≥ 8 rounds, all
    inside the rotation and on working days."""
    data, sol, plan = tiny_plan
    periods = data.periods()
    assert len(plan.rotations) == 12 and plan.notes == []
    for a in sol.assignments:
        start, end = periods[a.quarter]
        teach = [d.day for d in plan.of(a.staff, a.quarter, "teaching")]
        rounds = [d.day for d in plan.of(a.staff, a.quarter, "rounds")]
        assert len(teach) >= 4 and len(rounds) >= 8
        assert min((b - x).days for x, b in itertools.pairwise(teach)) >= 7
        assert all((b - x).days >= 1 for x, b in itertools.pairwise(rounds))
        for d in teach + rounds:
            assert start <= d <= end and data.calendar.is_working_day(d)


def test_teaching_every_14_days_when_no_holiday() -> None:
    """2026Q3 (2026-07-06 – 2026-10-07) has no holiday until National Day: sessions fall on the
    Monday of week 2, then every 14 days, unmoved; rounds every Wednesday."""
    cal = WorkCalendar()
    start, end = cal.quarter_period(Quarter(2026, 3))
    teach = plan_teaching(cal, start, end)
    assert [d for d, _t in teach][:5] == [D(2026, 7, 13) + dt.timedelta(days=14 * k)
                                          for k in range(5)]
    assert all(d == t for d, t in teach[:5])
    rounds = plan_rounds(cal, start, end)
    assert [d for d, _t in rounds][:4] == [D(2026, 7, 8) + dt.timedelta(days=7 * k)
                                           for k in range(4)]


def test_spring_festival_moves_duty_dates() -> None:
    """2026Q1 (handover 2026-01-05): the teaching session due on 2026-02-23 falls in the Spring
    Festival holiday (15–23 Feb, chinesecalendar) and moves to the 24th; the Wednesday round of
    that holiday week cannot be held and the next one is on the 25th."""
    cal = WorkCalendar()
    start, end = D(2026, 1, 5), D(2026, 4, 6)
    teach = dict((t, d) for d, t in plan_teaching(cal, start, end))
    assert teach[D(2026, 2, 23)] == D(2026, 2, 24)
    assert teach[D(2026, 2, 9)] == D(2026, 2, 9)
    rounds = [d for d, _t in plan_rounds(cal, start, end)]
    assert D(2026, 2, 18) not in rounds and D(2026, 2, 25) in rounds
    assert not any(D(2026, 2, 15) <= d <= D(2026, 2, 23) for d in rounds)


def test_holiday_sheet_and_makeup_workday_move_dates() -> None:
    """A 节假日 row makes 2027-01-11 (a teaching day) a holiday: the session moves to the 12th.
    With the whole week 2027-02-08–12 off and Saturday 13 Feb a make-up workday (班), the
    session due on the 8th is held on Saturday the 13th; without the 班 row, on Monday the
    15th."""
    start, end = D(2027, 1, 4), D(2027, 4, 5)
    cal = WorkCalendar([HolidayOverride(D(2027, 1, 11), False, "test")])
    teach = dict((t, d) for d, t in plan_teaching(cal, start, end))
    assert teach[D(2027, 1, 11)] == D(2027, 1, 12)
    week = [HolidayOverride(D(2027, 2, 8) + dt.timedelta(days=k), False, "春节") for k in range(5)]
    with_makeup = WorkCalendar([*week, HolidayOverride(D(2027, 2, 13), True, "调休")])
    assert dict((t, d) for d, t in plan_teaching(with_makeup, start, end))[
        D(2027, 2, 8)] == D(2027, 2, 13)
    without = WorkCalendar(week)
    assert dict((t, d) for d, t in plan_teaching(without, start, end))[
        D(2027, 2, 8)] == D(2027, 2, 15)


def test_duty_plan_uses_the_workbook_holidays(tiny_plan) -> None:
    """The plan of a roster follows the workbook's calendar: a holiday added on a planned day
    moves that day for every person of the quarter, and the sheet says so."""
    data, sol, plan = tiny_plan
    day = next(d.day for d in plan.duties if d.quarter == 0 and d.kind == "teaching")
    cal = WorkCalendar([HolidayOverride(day, False, "test")])
    moved = duty_plan(dataclasses.replace(data, calendar=cal), sol.assignments)
    assert not any(d.day == day for d in moved.duties)
    shifted = [d for d in moved.duties if d.target == day and d.kind == "teaching"]
    assert shifted and all(d.moved and d.day > day for d in shifted)
    sheets = duty_tables(data, moved)
    q1 = sheets["石桥镇卫生院 2027Q1"]
    assert q1["备注"].str.contains(f"顺延自 {day}").sum() == len(shifted)


def test_too_short_a_quarter_is_reported() -> None:
    """With teaching every 40 days only 3 sessions fit in a quarter: the plan says so."""
    data = tiny()
    data = dataclasses.replace(data, policy=data.policy.model_copy(
        update={"teaching_interval_days": 40}))
    r = solve(data, time_limit=10)
    with use_lang("en"):
        plan = duty_plan(data, r.solution.assignments, quarters=[0])
    assert len(plan.notes) == 3 and all("teaching sessions fit" in n for n in plan.notes)
    zh = duty_plan(data, r.solution.assignments, quarters=[0]).notes  # Chinese by default
    assert len(zh) == 3 and all("只能安排 2 次授课（至少需要 4 次）" in n for n in zh), zh


def test_sheets_per_center_and_quarter(tiny_plan, tmp_path: Path) -> None:
    """duties.xlsx holds an overview and one sheet per center and quarter, dates in order;
    two centers with long names still get distinct sheet names of at most 31 characters."""
    data, sol, plan = tiny_plan
    write_duties(data, plan, tmp_path / "o")
    book = pd.read_excel(tmp_path / "o" / "duties.xlsx", sheet_name=None, engine="openpyxl")
    assert list(book) == ["概览", "石桥镇卫生院 2027Q1", "石桥镇卫生院 2027Q2",
                          "石桥镇卫生院 2027Q3", "石桥镇卫生院 2027Q4"]
    q = book["石桥镇卫生院 2027Q1"]
    assert list(q["日期"]) == sorted(q["日期"])
    assert (book["概览"]["授课次数"] >= 4).all() and (book["概览"]["查房次数"] >= 8).all()
    long = [c.model_copy(update={"name": "某某县某某镇中心卫生院第一分院（东区）"})
            for c in data.centers]
    long.append(long[0].model_copy(update={"id": "WSY2"}))
    a = dataclasses.replace(sol.assignments[0], center="WSY2")
    d2 = dataclasses.replace(data, centers=long)
    names = list(duty_tables(d2, duty_plan(d2, [sol.assignments[0], a])))
    assert len(names) == 3 and len(set(names)) == 3 and all(len(n) <= 31 for n in names)


def test_ics_files(tiny_plan, tmp_path: Path) -> None:
    """One .ics per person: the rotation and every duty as all-day events with unique UIDs,
    dates as planned; writing twice gives the same bytes (reproducible)."""
    data, sol, plan = tiny_plan
    write_duties(data, plan, tmp_path / "a")
    write_duties(data, plan, tmp_path / "b")
    files = sorted((tmp_path / "a" / "ics").glob("*.ics"))
    assert len(files) == len({a.staff for a in sol.assignments}) == 12
    for f in files:
        assert f.read_bytes() == (tmp_path / "b" / "ics" / f.name).read_bytes()
    zhang = Calendar.from_ical((tmp_path / "a" / "ics" / "S01_张伟.ics").read_bytes())
    events = list(zhang.walk("VEVENT"))
    mine = plan.of("S01", 0)
    assert len(events) == 1 + len(mine)
    assert len({str(e["UID"]) for e in events}) == len(events)
    days = sorted(e.decoded("DTSTART") for e in events if "授课" in str(e["SUMMARY"]))
    assert days == sorted(d.day for d in mine if d.kind == "teaching")
    rotation = next(e for e in events if "下乡轮转" in str(e["SUMMARY"]))
    assert rotation.decoded("DTSTART") == D(2027, 1, 4)
    assert rotation.decoded("DTEND") == D(2027, 4, 6)  # exclusive: last day 2027-04-05
    en = person_calendar(data, plan, "S01", lang="en")
    assert any("teaching #1" in str(e["SUMMARY"]) for e in en.walk("VEVENT"))
