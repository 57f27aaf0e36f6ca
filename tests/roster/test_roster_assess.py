"""Assessment: each item at its edge, the consequences of 0–3 failed items, leave
documentation, the re-dispatch event the re-planner accepts, malformed logs located."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from roster_ops_fixtures import ROOT, tiny

from assignments.core.errors import InputError
from assignments.core.i18n import use_lang
from assignments.core.io import write_input_workbook
from assignments.roster import solve
from assignments.roster.assess import (
    LOG_SHEETS,
    assess,
    attendance_item,
    read_logs,
    redispatch_events,
    rounds_item,
    teaching_item,
    write_assessment,
)
from assignments.roster.events import read_events
from assignments.roster.replan import replan

D = dt.date
TINY_LOGS = ROOT / "instances" / "roster" / "tiny_logs.xlsx"


@pytest.fixture(autouse=True)
def _english():
    """These tests read the English messages (``use_lang("en")``); the Chinese ones are
    checked by test_roster_zh_outputs.py."""
    with use_lang("en"):
        yield


@pytest.fixture(scope="module")
def tiny_roster():
    data = tiny()
    r = solve(data, time_limit=10)
    assert r.solution is not None
    return data, r.solution


# ------------------------------------------------------------------ each rule at its edge


def test_four_sessions_with_one_six_day_gap_fail() -> None:
    """Exactly 4 sessions, but two of them 6 days apart: teaching fails, and says which."""
    r = teaching_item([D(2027, 1, 11), D(2027, 2, 8), D(2027, 2, 22), D(2027, 2, 28)])
    assert not r.passed
    assert "4 sessions" in r.reason and "smallest spacing 6 days" in r.reason
    assert "2027-02-22 and 2027-02-28" in r.reason


def test_four_sessions_seven_days_apart_pass_three_fail() -> None:
    """4 sessions exactly 7 days apart pass; 3 sessions fail however spaced."""
    four = [D(2027, 1, 4) + dt.timedelta(days=7 * k) for k in range(4)]
    assert teaching_item(four).passed
    assert not teaching_item(four[:3]).passed
    assert "fewer than 4 sessions" in teaching_item(four[:3]).reason


def test_same_day_twice_counts_once() -> None:
    """A session logged twice is one session (not two sessions 0 days apart)."""
    four = [D(2027, 1, 4) + dt.timedelta(days=14 * k) for k in range(4)]
    assert teaching_item([*four, four[0]]).passed


@pytest.mark.parametrize(("n", "ok"), [(8, True), (7, False), (13, True)])
def test_rounds_edge(n: int, ok: bool) -> None:
    """8 ward rounds pass, 7 fail."""
    days = [D(2027, 1, 6) + dt.timedelta(days=7 * k) for k in range(n)]
    assert rounds_item(days).passed is ok


@pytest.mark.parametrize(
    ("present", "required", "ok"),
    [(799, 1000, False), (800, 1000, True), (48, 60, True), (47, 60, False), (0, 0, True)],
)
def test_attendance_edge(present: int, required: int, ok: bool) -> None:
    """79.9 % fails, 80 % passes (exact arithmetic: 48/60 is 80 %)."""
    r = attendance_item(present, required)
    assert r.passed is ok
    if not ok:
        assert "below 80%" in r.reason


# ------------------------------------------------------------------ the shipped logs


def test_tiny_logs(tiny_roster) -> None:
    """tiny_logs.xlsx (2027Q1): 张伟 fails all three items (re-dispatch, 500 yuan fine, 2 months
    deducted, no form); 王芳 passes (52/61 working days: 2 excused leave days, 5 recalled and 4
    undocumented leave days absent); 孙强 fails teaching only (1 month, 440 yuan)."""
    data, sol = tiny_roster
    result = assess(data, read_logs(TINY_LOGS, data), sol.assignments)
    by = {ra.rotation.staff: ra for ra in result.rotations}
    assert set(by) == {"S01", "S02", "S12"}
    zhang, wang, sun = by["S01"], by["S02"], by["S12"]
    assert zhang.failed == ["teaching", "rounds", "attendance"]
    assert (zhang.deduction_months, zhang.deduction, zhang.appraisal_form) == (2, 880, False)
    assert zhang.redispatch and zhang.department_fine == 500
    assert wang.failed == [] and (wang.present, wang.required) == (52, 61)
    assert wang.appraisal_form and wang.deduction == 0
    assert any("without a documented leave record" in f for f in wang.flags)
    assert sun.failed == ["teaching"] and sun.deduction == 440 and sun.appraisal_form
    assert not sun.redispatch
    docs = {(lc.start, lc.documented, lc.missing) for lc in result.leaves}
    assert docs == {(D(2027, 2, 8), True, ()), (D(2027, 3, 15), False, ("written",))}


def test_redispatch_event_is_accepted_by_replan(tiny_roster, tmp_path: Path) -> None:
    """The 重新下乡 event written by the assessment is read and applied by the re-planner as
    it is: 张伟 serves again in the first open quarter."""
    data, sol = tiny_roster
    result = assess(data, read_logs(TINY_LOGS, data), sol.assignments)
    write_assessment(data, result, tmp_path / "a")
    log = read_events(tmp_path / "a" / "redispatch_events.xlsx", data)
    assert [(e.id, e.kind.value, e.staff, str(e.quarter)) for e in log.events] == [
        ("KH-S01-2027Q1", "redispatch", "S01", "2027Q1")]
    out = replan(data, sol, log, as_of=D(2027, 3, 29), time_limit=10)
    assert out.result.status.has_solution
    redo = [a for a in out.result.solution.assignments if a.kind == "redo"]
    assert [(a.staff, a.quarter) for a in redo] == [("S01", 2)]
    assert any(c.causes == ["KH-S01-2027Q1"] for c in out.changes)


# ------------------------------------------------------------------ consequences and leave


def _logs(tmp_path: Path, teaching: int, rounds: int, present: int,
          leave: list[dict[str, Any]] | None = None, name: str = "logs.xlsx") -> Path:
    """Logs of 王芳 (S02) for tiny's 2027Q1 with the given counts."""
    data = tiny()
    start, end = data.periods()[0]
    work = data.calendar.working_days(start, end)
    recs: dict[str, list[dict[str, Any]]] = {
        "teaching": [{"staff": "S02", "day": start + dt.timedelta(days=7 + 14 * k)}
                     for k in range(teaching)],
        "rounds": [{"staff": "S02", "day": start + dt.timedelta(days=2 + 7 * k)}
                   for k in range(rounds)],
        "attendance": [{"staff": "S02", "day": d, "status": "出勤" if i < present else "缺勤"}
                       for i, d in enumerate(work)],
    }
    if leave is not None:
        recs["leave"] = leave
    return write_input_workbook(tmp_path / name, LOG_SHEETS, recs)


@pytest.mark.parametrize(
    ("teaching", "rounds", "present", "failed", "months", "form", "redo", "fine"),
    [
        (6, 13, 65, 0, 0, True, False, 0),
        (3, 13, 65, 1, 1, True, False, 0),
        (3, 7, 65, 2, 2, False, False, 0),
        (3, 7, 40, 3, 2, False, True, 500),
    ],
)
def test_consequences(tmp_path: Path, tiny_roster, teaching, rounds, present, failed, months,
                      form, redo, fine) -> None:
    """0 items failed: nothing; 1: one month; 2: two months and no appraisal form; 3: two
    months, no form, re-dispatch and a 500-yuan department fine."""
    data, sol = tiny_roster
    result = assess(data, read_logs(_logs(tmp_path, teaching, rounds, present), data),
                    sol.assignments, quarters=[0])
    ra = next(r for r in result.rotations if r.rotation.staff == "S02")
    assert len(ra.failed) == failed
    assert (ra.deduction_months, ra.deduction) == (months, months * 440)
    assert (ra.appraisal_form, ra.redispatch, ra.department_fine) == (form, redo, fine)
    assert len(redispatch_events(data, result)) >= int(redo)


def test_leave_documentation_edge(tmp_path: Path, tiny_roster) -> None:
    """2 working days need the center's approval and a phone note; 3 working days need the
    approval and a written note (a weekend inside does not count); missing pieces are listed,
    and only documented leave is excused from attendance."""
    data, sol = tiny_roster
    leave = [
        # Thu–Fri: 2 working days, phoned in: documented
        {"staff": "S02", "start": "2027-01-14", "end": "2027-01-15", "approved": "是",
         "phone": "是"},
        # Fri–Tue: 3 working days (weekend between), only phoned in: written note missing
        {"staff": "S02", "start": "2027-01-29", "end": "2027-02-02", "approved": "是",
         "phone": "是"},
        # Mon: 1 day, not approved
        {"staff": "S02", "start": "2027-03-08", "end": "2027-03-08", "phone": "是"},
    ]
    result = assess(data, read_logs(_logs(tmp_path, 6, 13, 65, leave), data), sol.assignments,
                    quarters=[0])
    checks = {lc.start: lc for lc in result.leaves}
    assert checks[D(2027, 1, 14)].working_days == 2 and checks[D(2027, 1, 14)].documented
    assert checks[D(2027, 1, 29)].working_days == 3
    assert checks[D(2027, 1, 29)].needs == ("approved", "written")
    assert checks[D(2027, 1, 29)].missing == ("written",)
    assert checks[D(2027, 3, 8)].missing == ("approved",)
    ra = next(r for r in result.rotations if r.rotation.staff == "S02")
    working = len(data.calendar.working_days(*data.periods()[0]))  # 61: 春节 is off
    assert ra.required == working - 2  # only the documented 2 days are excused


def test_rotations_inferred_from_logs_and_stray_records(tmp_path: Path) -> None:
    """Without a roster the rotations are the (person, quarter) pairs of the logs; a record of
    someone outside their rotations is ignored with a located warning."""
    data = tiny()
    path = write_input_workbook(tmp_path / "l.xlsx", LOG_SHEETS, {
        "teaching": [{"staff": "S02", "day": "2027-01-11", "center": "石桥镇卫生院"}],
        "rounds": [{"staff": "S02", "day": "2027-01-06"}],
        "attendance": [{"staff": "S02", "day": "2027-01-04"}],
    })
    result = assess(data, read_logs(path, data), quarters=[0])
    assert [(r.rotation.staff, r.rotation.center) for r in result.rotations] == [("S02", "WSY1")]
    path = write_input_workbook(tmp_path / "m.xlsx", LOG_SHEETS, {
        "teaching": [{"staff": "S02", "day": "2027-05-11"}],
        "rounds": [], "attendance": [],
    })
    sol = solve(data, time_limit=10).solution
    result = assess(data, read_logs(path, data), sol.assignments, quarters=[0])
    assert any("m.xlsx" in w and "sheet 授课" in w and "row 2" in w and "no rotation" in w
               for w in result.warnings)


# ------------------------------------------------------------------ malformed logs


@pytest.mark.parametrize(
    ("sheet", "row", "column", "needle"),
    [
        # a date that is not a date
        ("teaching", {"staff": "S01", "day": "下周一"}, "日期", "expected a date"),
        # an unknown staff id
        ("rounds", {"staff": "S99", "day": "2027-01-06"}, "工号", "unknown staff 'S99'"),
        # an unknown attendance status
        ("attendance", {"staff": "S01", "day": "2027-01-04", "status": "迟到"}, "状态",
         "expected 出勤"),
        # leave that ends before it starts
        ("leave", {"staff": "S01", "start": "2027-01-10", "end": "2027-01-08"}, "结束",
         "before start"),
        # a center that does not exist
        ("teaching", {"staff": "S01", "day": "2027-01-11", "center": "北山卫生院"}, "卫生院",
         "unknown center"),
        # a yes/no cell that is neither
        ("leave", {"staff": "S01", "start": "2027-01-10", "end": "2027-01-11",
                   "approved": "也许"}, "卫生院批准", "expected yes/no"),
    ],
)
def test_malformed_logs_are_located(tmp_path: Path, sheet, row, column, needle) -> None:
    """One message naming file, sheet, row, column and the staff id; nothing assessed."""
    recs: dict[str, list[dict[str, Any]]] = {
        "teaching": [{"staff": "S01", "day": "2027-01-11"}],
        "rounds": [{"staff": "S01", "day": "2027-01-06"}],
        "attendance": [{"staff": "S01", "day": "2027-01-04"}],
        "leave": [{"staff": "S01", "start": "2027-02-01", "end": "2027-02-01"}],
    }
    recs[sheet].append(row)
    path = write_input_workbook(tmp_path / "bad_logs.xlsx", LOG_SHEETS, recs)
    with pytest.raises(InputError) as err:
        read_logs(path, tiny())
    text = str(err.value)
    zh = next(s.zh for s in LOG_SHEETS if s.key == sheet)
    assert "bad_logs.xlsx" in text and f"sheet {zh}" in text and "row 3" in text
    assert column in text and f"staff '{row['staff']}'" in text and needle in text


def test_missing_sheet_and_column(tmp_path: Path) -> None:
    """A logs file without the 考勤 sheet, or without the 日期 column, says which."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "授课"
    ws.append(["工号", "内容"])
    ws.append(["S01", "高血压"])
    wb.create_sheet("查房").append(["工号", "日期"])
    wb.save(tmp_path / "partial.xlsx")
    with pytest.raises(InputError) as err:
        read_logs(tmp_path / "partial.xlsx", tiny())
    text = str(err.value)
    assert "missing sheet 考勤 (attendance)" in text
    assert "sheet 授课" in text and "missing column 日期 (date)" in text


def test_assessment_parameters_from_the_programme_sheet(tmp_path: Path) -> None:
    """考勤最低比例 '85%' and 扣除补助月数 '1、1、2' are read from 方案; a malformed value is
    located at its cell."""
    from roster_fixtures import read_records, tiny_records, write_records

    from assignments.roster.data import read_roster

    def edit(r: dict[str, list[dict[str, Any]]]) -> None:
        r["policy"] += [{"parameter": "考勤最低比例", "value": "85%"},
                        {"parameter": "扣除补助月数", "value": "1、1、2"},
                        {"parameter": "查房最少次数", "value": 10}]

    data = read_records(tmp_path, edit)
    assert data.policy.attendance_min_percent == 85.0
    assert data.policy.deduction_months == (1, 1, 2)
    assert data.policy.rounds_min == 10
    rec = tiny_records()
    rec["policy"].append({"parameter": "扣除补助月数", "value": "1、2"})
    with pytest.raises(InputError) as err:
        read_roster(write_records(tmp_path, rec, "bad.xlsx"))
    text = str(err.value)
    row = len(rec["policy"]) + 1  # the last row of 方案 (the header is row 1)
    assert "bad.xlsx" in text and "sheet 方案" in text and f"row {row}" in text
    assert "扣除补助月数" in text and "three whole months" in text


# ------------------------------------------------------------------ missing logs, as-of (#16.6)


def test_rotation_without_any_record_is_pending_until_confirmed(tmp_path: Path,
                                                                 tiny_roster) -> None:
    """Logs of 王芳 only: 张伟 and 孙强 (also on 2027Q1) have no record at all. They are not
    failed silently (re-dispatch, fine, 880 deducted): each is a located warning and has no
    consequence until the office confirms; confirmed, the three failed items count."""
    from assignments.roster.ledger import EntryKind, build_ledger

    data, sol = tiny_roster
    logs = read_logs(_logs(tmp_path, 6, 13, 65), data)
    result = assess(data, logs, sol.assignments, quarters=[0])
    by = {ra.rotation.staff: ra for ra in result.rotations}
    zhang = by["S01"]
    assert zhang.missing_logs and zhang.pending and not by["S02"].missing_logs
    assert (zhang.deduction, zhang.department_fine, zhang.redispatch) == (0, 0, False)
    assert redispatch_events(data, result) == []
    assert any("张伟" in w and "no teaching, ward-round or attendance record" in w
               and "S01:2027Q1" in w for w in result.warnings)
    with use_lang("zh"):  # the default language of people's outputs
        zh = assess(data, logs, sol.assignments, quarters=[0]).warnings
    assert any("张伟" in w and "没有任何授课、查房或考勤记录" in w and "S01:2027Q1" in w
               for w in zh)
    ledger = build_ledger(data, sol.assignments, assessment=result)
    assert ledger.total(EntryKind.DEDUCTION) == 0
    for confirm in (["S01"], [("S01", 0)], "all"):
        done = assess(data, logs, sol.assignments, quarters=[0], confirm_missing=confirm)
        z = next(ra for ra in done.rotations if ra.rotation.staff == "S01")
        assert not z.pending and z.failed == ["teaching", "rounds", "attendance"]
        assert (z.deduction, z.department_fine, z.redispatch) == (880, 500, True)


def test_running_rotation_counts_days_up_to_the_assessment_date(tmp_path: Path,
                                                               tiny_roster) -> None:
    """Assessed on 2027-03-01 with perfect attendance so far, 王芳's attendance is 100 % of the
    working days up to that date — not the 61 days of the whole quarter."""
    data, sol = tiny_roster
    when = D(2027, 3, 1)
    start, _end = data.periods()[0]
    so_far = len(data.calendar.working_days(start, when))
    result = assess(data, read_logs(_logs(tmp_path, 6, 13, 65), data), sol.assignments,
                    quarters=[0], as_of=when)
    wang = next(ra for ra in result.rotations if ra.rotation.staff == "S02")
    assert wang.in_progress
    assert (wang.present, wang.required) == (so_far, so_far)
    assert wang.items["attendance"].passed and "up to 2027-03-01" in wang.items[
        "attendance"].reason


def test_refusal_of_a_turn_the_roster_does_not_have_is_refused(tiny_roster) -> None:
    """A 拒派 event for a quarter in which the department has no turn is refused with a
    located message (no fine booked); one for a real turn is booked."""
    from assignments.roster.events import Event, EventKind, EventLog
    from assignments.roster.ledger import EntryKind, build_ledger
    from assignments.roster.schedule import alternatives

    data, sol = tiny_roster
    alt = alternatives(data)[0]
    staff = {s.id: s for s in data.staff}
    first = data.policy.first_quarter
    dept = staff["S01"].department  # 张伟's department serves 2027Q1
    idle = next(q for q in range(data.policy.quarters) if alt.demand(dept, q) == 0
                and not any(a.quarter == q and staff[a.staff].department == dept
                            for a in sol.assignments))
    from assignments.core.errors import Location

    bad = Event(id="R1", kind=EventKind.REFUSAL, department=dept, quarter=first + idle)
    log = EventLog(events=[bad], locations={"R1": Location("ev.xlsx", "事件", 2,
                                                           record="event 'R1'")})
    with pytest.raises(InputError) as exc:
        build_ledger(data, sol.assignments, events=log)
    text = str(exc.value)
    assert "ev.xlsx" in text and "row 2" in text and "event 'R1'" in text
    assert f"has no turn in {first + idle}" in text
    ok = Event(id="R2", kind=EventKind.REFUSAL, department=dept, quarter=first)
    ledger = build_ledger(data, sol.assignments, events=[ok])
    assert ledger.total(EntryKind.REFUSAL_FINE) == -data.policy.refusal_fine
