"""Assessment of rotations from activity logs (DOMAIN §R "Duties and assessment", 篇1 四).

Three items per rotation, each decided with its reason:

* teaching (授课): fails with fewer than 4 sessions, or two sessions less than 7 days apart
  (the smallest spacing between consecutive sessions is reported);
* ward rounds (查房): fails with fewer than 8;
* attendance (考勤): the working days marked present in the daily sheet, over the rotation's
  working days less the days of documented leave; fails below 80 %.

Consequences (方案 parameter 扣除补助月数, default 1、2、2): one item failed deducts 1 month of
subsidy; two deduct 2 months and the center does not sign the appraisal form (《医生到农村医疗
卫生机构服务鉴定表》); three deduct 2 months, no form, the person is dispatched again — a
重新下乡 event that ``roster replan`` reads directly — and the department is fined 500 yuan.

A rotation with no record at all in 授课, 查房 and 考勤 is *missing logs*, not a rotation that
failed everything: its items are shown, but no consequence (deduction, appraisal form,
re-dispatch, fine) is drawn until the office confirms that the person really did nothing
(``confirm_missing``; ``roster assess --confirm-missing S01:2027Q1``, or ``all``). A rotation
still running on the assessment date counts only the working days up to that date.

Leave (请假) during a rotation: under 3 working days needs the center's approval and a phone
note to the office; 3 days or more the center's approval and a written note. Leave without the
documentation is flagged, and its days count as absences.

Every figure is a parameter of the 方案 sheet. No solver types here.
"""

from __future__ import annotations

import datetime as dt
import itertools
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import field_validator

from assignments.core.errors import InputError, Issue, Location
from assignments.core.i18n import N_, tr, trc
from assignments.core.io import ColumnSpec, SheetSpec, read_tables
from assignments.core.schema import (
    Day,
    RecordIndex,
    Schema,
    YesNo,
    check_names,
    id_text,
    parse_table,
)
from assignments.roster._i18n import speaks_lang
from assignments.roster.data import SHEET, RosterData
from assignments.roster.events import Event, EventKind
from assignments.roster.solution import Assignment

__all__ = [
    "LOG_SHEETS",
    "Assessment",
    "ItemResult",
    "LeaveCheck",
    "Logs",
    "RotationAssessment",
    "assess",
    "assessment_tables",
    "attendance_item",
    "read_logs",
    "redispatch_events",
    "rounds_item",
    "teaching_item",
    "write_assessment",
]

C = ColumnSpec
_STAFF = C("staff", "工号", "staff", note=N_("staff id (or a unique name)"), example="S01",
           aliases=("staff id",))
_NAME = C("name", "姓名", "name", required=False,
          note=N_("the person's name, checked against the 工号 (a mismatch is an error)"),
          example="张伟")
_CENTER = C("center", "卫生院", "center", required=False, note=N_("center id or name"))
_YES_NO = ("是", "否")
LOG_SHEETS: tuple[SheetSpec, ...] = (
    SheetSpec("teaching", "授课", "teaching",
              (_STAFF, _NAME, C("day", "日期", "date", note=N_("date of the session"),
                                example="2027-01-11"),
               _CENTER, C("topic", "内容", "topic", required=False)),
              aliases=("授课记录", "教学")),
    SheetSpec("rounds", "查房", "rounds",
              (_STAFF, _NAME, C("day", "日期", "date", note=N_("date of the ward round"),
                                example="2027-01-06"), _CENTER),
              aliases=("查房记录", "ward rounds")),
    SheetSpec("attendance", "考勤", "attendance",
              (_STAFF, _NAME, C("day", "日期", "date", note=N_("a day of the rotation"),
                                example="2027-01-04"),
               C("status", "状态", "status", required=False,
                 note=N_("出勤 (present, default) / 缺勤 (absent) / 请假 (leave)"), example="出勤",
                 choices=("出勤", "缺勤", "请假"), open_choices=True),
               _CENTER),
              aliases=("考勤表", "考勤记录")),
    SheetSpec("leave", "请假", "leave",
              (_STAFF, _NAME, C("start", "开始", "start", note=N_("first day of leave")),
               C("end", "结束", "end", note=N_("last day of leave")),
               C("approved", "卫生院批准", "center approved", required=False,
                 note=N_("是/否: the center's head approved"), choices=_YES_NO),
               C("phone", "电话报备", "phone note", required=False,
                 note=N_("是/否: phoned to the medical affairs office (under 3 days)"),
                 choices=_YES_NO),
               C("written", "书面说明", "written note", required=False,
                 note=N_("是/否: written note to the office (3 days or more)"),
                 choices=_YES_NO),
               C("reason", "原因", "reason", required=False)),
              required=False, aliases=("请假记录",)),
)

_PRESENT = {"出勤", "在岗", "present", "p", "√", "✓", "1", "是", "y", "yes"}
_ABSENT = {"缺勤", "旷工", "absent", "a", "×", "0", "否", "n", "no"}
_LEAVE = {"请假", "休假", "病假", "leave", "l"}


class LogRow(Schema):
    """A dated activity (teaching, ward round)."""

    staff: str
    name: str | None = None
    day: Day
    center: str | None = None

    _ids = field_validator("staff", "center", mode="before")(
        lambda v: id_text(v) if v is not None else v
    )


class AttendanceRow(LogRow):
    """A day of the attendance sheet."""

    status: str = "present"

    @field_validator("status", mode="before")
    @classmethod
    def _status(cls, v: Any) -> Any:
        if v is None:
            return "present"
        key = unicodedata.normalize("NFKC", str(v)).strip().lower()
        if key in _PRESENT:
            return "present"
        if key in _ABSENT:
            return "absent"
        if key in _LEAVE:
            return "leave"
        raise ValueError(tr("expected 出勤 (present), 缺勤 (absent) or 请假 (leave), got "
                            "'{value}'", value=v))


class LeaveRow(Schema):
    """A leave record."""

    staff: str
    name: str | None = None
    start: Day
    end: Day
    approved: YesNo = False
    phone: YesNo = False
    written: YesNo = False
    reason: str | None = None

    _ids = field_validator("staff", mode="before")(lambda v: id_text(v) if v is not None else v)


@dataclass
class Logs:
    """Validated activity logs, each record with its location."""

    teaching: RecordIndex[LogRow]
    rounds: RecordIndex[LogRow]
    attendance: RecordIndex[AttendanceRow]
    leave: RecordIndex[LeaveRow]
    source: str = ""
    warnings: list[str] = field(default_factory=list)

    def latest(self) -> dt.date | None:
        """The latest date in the logs."""
        days = [r.day for idx in (self.teaching, self.rounds, self.attendance) for r in idx]
        days += [r.end for r in self.leave]
        return max(days, default=None)


def read_logs(path: str | Path, data: RosterData) -> Logs:
    """Read and validate an activity-log workbook (or CSV folder / JSON / YAML).

    Raises
    ------
    InputError
        Every problem at once, located (file, sheet, row, column, staff id): bad dates, unknown
        staff or centers, an unknown attendance status, leave ending before it starts.
    """
    tables = read_tables(path, LOG_SHEETS)
    issues: list[Issue] = []
    notices: list[Issue] = []

    def parse(key: str, model: type[Any]) -> RecordIndex[Any]:
        return parse_table(tables.get(key), model, label="staff", record_key="staff",
                           issues=issues, warnings=notices)

    logs = Logs(parse("teaching", LogRow), parse("rounds", LogRow),
                parse("attendance", AttendanceRow), parse("leave", LeaveRow), str(path))
    staff = {s.id for s in data.staff}
    names: dict[str, list[str]] = defaultdict(list)
    for s in data.staff:
        if s.name:
            names[s.name].append(s.id)
    centers = {c.id: c.id for c in data.centers} | {
        c.name: c.id for c in data.centers if c.name
    }
    indexes: tuple[RecordIndex[Any], ...] = (
        logs.teaching, logs.rounds, logs.attendance, logs.leave)
    for index in indexes:
        for i, r in enumerate(index.records):
            if r.staff not in staff:
                if len(names.get(r.staff, [])) == 1:
                    r.staff = names[r.staff][0]
                else:
                    issues.append(Issue(index.loc(i, "staff", r.staff),
                                        tr("unknown staff '{value}'", value=r.staff)))
            center = getattr(r, "center", None)
            if center is not None:
                if center in centers:
                    r.center = centers[center]
                else:
                    issues.append(Issue(index.loc(i, "center", r.staff),
                                        tr("unknown center '{value}'", value=center)))
    # a 姓名 beside the 工号 (the id or unique name resolved above) must be that person's name
    for index in indexes:
        check_names(index, (("staff", "name"),), {s.id: s.name for s in data.staff}, issues,
                    sheet=SHEET["staff"].zh)
    for i, r in enumerate(logs.leave.records):
        if r.end < r.start:
            issues.append(Issue(logs.leave.loc(i, "end", r.staff),
                                tr("end date {end} is before start date {start}", end=r.end,
                                   start=r.start)))
    if issues:
        raise InputError(issues)
    logs.warnings = [str(n) for n in notices]
    return logs


# ------------------------------------------------------------------ the three items


@dataclass(frozen=True)
class ItemResult:
    """One assessment item: passed or failed, and why."""

    item: str
    passed: bool
    reason: str


def teaching_item(dates: Sequence[dt.date], *, min_sessions: int = 4,
                  min_gap: int = 7) -> ItemResult:
    """Teaching: at least ``min_sessions`` distinct days, consecutive ones ≥ ``min_gap`` apart."""
    days = sorted(set(dates))
    gaps = [(b - a).days for a, b in itertools.pairwise(days)]
    smallest = min(gaps, default=None)
    parts = [tr("{n} sessions", n=len(days))]
    if smallest is not None:
        parts.append(tr("smallest spacing {n} days", n=smallest))
    ok = len(days) >= min_sessions and (smallest is None or smallest >= min_gap)
    why = []
    if len(days) < min_sessions:
        why.append(tr("fewer than {n} sessions", n=min_sessions))
    if smallest is not None and smallest < min_gap:
        a, b = next((a, b) for a, b in itertools.pairwise(days) if (b - a).days == smallest)
        why.append(tr("{a} and {b} are less than {n} days apart", a=a, b=b, n=min_gap))
    text = tr(", ").join(parts)
    if why:
        text = tr("{what}: {why}", what=text, why=tr("; ").join(why))
    return ItemResult("teaching", ok, text)


def rounds_item(dates: Sequence[dt.date], *, minimum: int = 8) -> ItemResult:
    """Ward rounds: at least ``minimum`` distinct days."""
    n = len(set(dates))
    ok = n >= minimum
    return ItemResult("rounds", ok, tr("{n} ward rounds", n=n) if ok else
                      tr("{n} ward rounds (fewer than {minimum})", n=n, minimum=minimum))


def attendance_item(present: int, required: int, *, min_percent: float = 80.0) -> ItemResult:
    """Attendance: ``present / required`` at least ``min_percent`` % (exact arithmetic)."""
    rate = Fraction(present, required) if required else Fraction(1)
    ok = rate * 100 >= Fraction(str(min_percent))
    text = tr("{present}/{required} working days = {percent}%", present=present,
              required=required, percent=f"{float(rate) * 100:.1f}")
    return ItemResult("attendance", ok, text if ok else
                      tr("{text} (below {minimum}%)", text=text, minimum=f"{min_percent:g}"))


# ------------------------------------------------------------------ the evaluator


@dataclass
class LeaveCheck:
    """A leave record checked against the documentation rule."""

    staff: str
    quarter: int | None
    start: dt.date
    end: dt.date
    working_days: int
    needs: tuple[str, ...]
    missing: tuple[str, ...]
    location: Location

    @property
    def documented(self) -> bool:
        return not self.missing


@dataclass
class RotationAssessment:
    """The assessment of one rotation."""

    rotation: Assignment
    items: dict[str, ItemResult]
    present: int
    required: int
    in_progress: bool = False
    flags: list[str] = field(default_factory=list)
    missing_logs: bool = False
    confirmed: bool = False
    deduction_months: int = 0
    deduction: int = 0
    appraisal_form: bool = True
    redispatch: bool = False
    department_fine: int = 0

    @property
    def failed(self) -> list[str]:
        return [k for k, r in self.items.items() if not r.passed]

    @property
    def pending(self) -> bool:
        """No log record at all and not confirmed: no consequence is drawn yet."""
        return self.missing_logs and not self.confirmed


@dataclass
class Assessment:
    """The assessment of every rotation considered."""

    rotations: list[RotationAssessment]
    leaves: list[LeaveCheck]
    as_of: dt.date | None
    warnings: list[str] = field(default_factory=list)


def _rotations_from_logs(data: RosterData, logs: Logs) -> list[Assignment]:
    periods = data.periods()
    centers: dict[tuple[str, int], str] = {}
    seen: set[tuple[str, int]] = set()
    for index in (logs.teaching, logs.rounds, logs.attendance):
        for r in index:
            q = next((i for i, (a, b) in enumerate(periods) if a <= r.day <= b), None)
            if q is None:
                continue
            seen.add((r.staff, q))
            if r.center and (r.staff, q) not in centers:
                centers[(r.staff, q)] = r.center
    return [
        Assignment(sid, q, centers.get((sid, q), ""), *periods[q]) for sid, q in sorted(seen)
    ]


def assess(
    data: RosterData,
    logs: Logs,
    rotations: Iterable[Assignment] | None = None,
    *,
    quarters: Sequence[int] | None = None,
    as_of: dt.date | None = None,
    confirm_missing: Iterable[str | tuple[str, int]] | str = (),
) -> Assessment:
    """Decide every item of every rotation, with consequences.

    Parameters
    ----------
    data
        The roster problem (calendar and 方案 parameters).
    logs
        The activity logs (:func:`read_logs`).
    rotations
        The roster's rotations; default: the (person, quarter) pairs found in the logs.
    quarters
        Only these quarter indices. Without it, the rotations that have ended by ``as_of``
        (or end within a week of it: the form is handed in a week before the end).
    as_of
        Default: the latest date in the logs. A rotation still running then counts the working
        days up to this date only (attendance), and records dated after it are not counted.
    confirm_missing
        Rotations without any log record whose consequences the office confirms: ``"all"``,
        staff ids (every rotation of that person) or ``(staff id, quarter index)`` pairs.
        Without a confirmation such a rotation is *pending*: a warning, no consequence.
    """
    pol = data.policy
    cal = data.calendar
    periods = data.periods()
    staff = {s.id: s for s in data.staff}
    when = as_of or logs.latest()
    warnings: list[str] = list(logs.warnings)
    rots = list(rotations) if rotations is not None else _rotations_from_logs(data, logs)
    chosen: list[Assignment] = []
    for a in sorted(rots, key=lambda a: (a.quarter, a.center, a.staff)):
        if quarters is not None:
            if a.quarter in quarters:
                chosen.append(a)
        elif when is not None and periods[a.quarter][1] <= when + dt.timedelta(days=7):
            chosen.append(a)
    confirm_all = confirm_missing == "all"
    confirmed: set[Any] = set() if isinstance(confirm_missing, str) else set(confirm_missing)
    rot_of: dict[str, list[Assignment]] = defaultdict(list)
    for a in rots:
        rot_of[a.staff].append(a)

    def rotation_at(sid: str, day: dt.date) -> Assignment | None:
        return next((a for a in rot_of[sid] if a.start <= day <= a.end), None)

    by_rot: dict[tuple[str, int], dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for key, index in (("teaching", logs.teaching), ("rounds", logs.rounds),
                       ("attendance", logs.attendance)):
        for i, r in enumerate(index.records):
            if when is not None and r.day > when:
                continue  # after the assessment date: not counted yet
            a = rotation_at(r.staff, r.day)
            if a is None:
                who = staff[r.staff].label
                warnings.append(tr("{where}: {name} has no rotation on {day}; the record is "
                                   "ignored", where=index.loc(i, "day", r.staff), name=who,
                                   day=r.day))
                continue
            by_rot[(a.staff, a.quarter)][key].append(r)
    # leave documentation
    leaves: list[LeaveCheck] = []
    excused: dict[tuple[str, int], set[dt.date]] = defaultdict(set)
    for i, r in enumerate(logs.leave.records):
        a = rotation_at(r.staff, r.start) or rotation_at(r.staff, r.end)
        lo, hi = (max(r.start, a.start), min(r.end, a.end)) if a else (r.start, r.end)
        days = cal.working_days(lo, hi)
        needs = ("approved", "phone") if len(days) < pol.leave_written_days else (
            "approved", "written")
        missing = tuple(n for n in needs if not getattr(r, n))
        check = LeaveCheck(r.staff, a.quarter if a else None, r.start, r.end, len(days), needs,
                           missing, logs.leave.loc(i, None, r.staff))
        leaves.append(check)
        if a is not None and check.documented:
            excused[(a.staff, a.quarter)].update(days)
        if a is None:
            warnings.append(tr("{where}: {name} has no rotation during the leave {start}–{end}",
                               where=check.location, name=staff[r.staff].label, start=r.start,
                               end=r.end))
    out: list[RotationAssessment] = []
    for a in chosen:
        recs = by_rot[(a.staff, a.quarter)]
        start, end = periods[a.quarter]
        t = teaching_item([r.day for r in recs["teaching"]],
                          min_sessions=pol.teaching_min_sessions,
                          min_gap=pol.teaching_min_gap_days)
        ro = rounds_item([r.day for r in recs["rounds"]], minimum=pol.rounds_min)
        running = when is not None and end > when
        workdays = set(cal.working_days(start, min(end, when) if running and when else end))
        off = excused[(a.staff, a.quarter)] & workdays
        present_days = {r.day for r in recs["attendance"] if r.status == "present"} & workdays
        required = len(workdays - off)
        present = len(present_days - off)
        at = attendance_item(present, required, min_percent=pol.attendance_min_percent)
        ra = RotationAssessment(a, {"teaching": t, "rounds": ro, "attendance": at},
                                present, required,
                                in_progress=running)
        if running:
            at = ItemResult("attendance", at.passed,
                            tr("{text} (up to {date})", text=at.reason, date=when))
            ra.items["attendance"] = at
        leave_days = {r.day for r in recs["attendance"] if r.status == "leave"} & workdays
        if leave_days - off:
            ra.flags.append(tr("{n} day(s) marked as leave without a documented leave record "
                               "(counted as absence)", n=len(leave_days - off)))
        for lc in leaves:
            if lc.staff == a.staff and lc.quarter == a.quarter and not lc.documented:
                ra.flags.append(tr("leave {start}–{end}: missing {missing}", start=lc.start,
                                   end=lc.end, missing=tr(", ").join(
                                       _leave_need(n) for n in lc.missing)))
        if len(recs["teaching"]) > len({r.day for r in recs["teaching"]}):
            ra.flags.append(tr("duplicate teaching dates counted once"))
        if ra.in_progress:
            ra.flags.append(tr("rotation still running on {date} (ends {end})", date=when,
                               end=end))
        ra.missing_logs = not any(recs[k] for k in ("teaching", "rounds", "attendance"))
        ra.confirmed = ra.missing_logs and (
            confirm_all or a.staff in confirmed or (a.staff, a.quarter) in confirmed)
        if ra.pending:
            who = staff[a.staff].label
            q_text = str(data.policy.first_quarter + a.quarter)
            msg = tr("{name} {quarter}: no teaching, ward-round or attendance record at all — "
                     "the logs look missing; no deduction, re-dispatch or fine until confirmed "
                     "(add the records, or confirm with --confirm-missing {staff}:{quarter})",
                     name=who, quarter=q_text, staff=a.staff)
            ra.flags.append(msg)
            warnings.append(msg)
            out.append(ra)
            continue
        if ra.confirmed:
            ra.flags.append(tr("no log record at all: confirmed by the office"))
        failed = len(ra.failed)
        if failed:
            ra.deduction_months = pol.deduction_months[min(failed, 3) - 1]
            ra.deduction = ra.deduction_months * pol.subsidy_per_month
        ra.appraisal_form = failed < 2
        ra.redispatch = failed >= 3
        ra.department_fine = pol.redispatch_fine if failed >= 3 else 0
        out.append(ra)
    return Assessment(out, leaves, when, warnings)


def redispatch_events(data: RosterData, assessment: Assessment) -> list[Event]:
    """The 重新下乡 events of rotations that failed every item (``roster replan`` reads them)."""
    first = data.policy.first_quarter
    names = {s.id: s.name for s in data.staff}
    out = []
    for ra in assessment.rotations:
        if not ra.redispatch:
            continue
        a = ra.rotation
        q = first + a.quarter
        reasons = tr("; ").join(f"{_item_name(k)}: {r.reason}" for k, r in ra.items.items())
        out.append(Event(id=f"KH-{a.staff}-{q}", kind=EventKind.REDISPATCH, staff=a.staff,
                         name=names.get(a.staff),
                         quarter=q, reason=tr("all three assessment items failed ({reasons})",
                                              reasons=reasons), reported=a.end))
    return out


def _item_column(key: str) -> str:
    """An assessment item's column name in the current language (授课 / teaching, 查房 /
    rounds)."""
    return {"teaching": tr("teaching"), "rounds": tr("rounds"),
            "attendance": tr("attendance")}[key]


def _item_name(key: str) -> str:
    """An assessment item's name in the current language (授课 / teaching)."""
    return {"teaching": tr("teaching"), "rounds": tr("ward rounds"),
            "attendance": tr("attendance")}[key]


def _leave_need(key: str) -> str:
    """A leave document in the current language (书面说明 / written note)."""
    return {"approved": tr("center approval"), "phone": tr("phone note"),
            "written": tr("written note")}[key]


@speaks_lang
def assessment_tables(
    data: RosterData, assessment: Assessment, *, lang: str = "zh"
) -> dict[str, pd.DataFrame]:
    """Sheets 考核结果 (one row per rotation), 请假检查 (leave records), 说明 (notes)."""
    staff = {s.id: s for s in data.staff}
    depts = {d.id: d for d in data.departments}
    centers = {c.id: c for c in data.centers}
    first = data.policy.first_quarter
    yes, no = tr("yes"), tr("no")
    rows = []
    for ra in assessment.rotations:
        a = ra.rotation
        s = staff[a.staff]
        row: dict[str, Any] = {
            tr("quarter"): str(first + a.quarter),
            tr("health center"): centers[a.center].label
            if a.center in centers else "",
            tr("staff id"): a.staff,
            tr("name"): s.label,
            tr("department"): depts[s.department].label,
        }
        pending = tr("pending") if ra.pending else None
        for key, res in ra.items.items():
            name = _item_column(key)
            row[name] = pending or (tr("pass") if res.passed else tr("fail"))
            row[tr("{item} reason", item=name)] = res.reason
        row.update({
            tr("items failed"): len(ra.failed),
            tr("months deducted"): ra.deduction_months,
            tr("subsidy deducted (yuan)"): ra.deduction,
            tr("appraisal form"): pending
            or (yes if ra.appraisal_form else no),
            tr("re-dispatched"): pending or (yes if ra.redispatch else no),
            tr("department fine (yuan)"): ra.department_fine,
            tr("flags"): "；".join(ra.flags),
        })
        rows.append(row)
    leave_rows = []
    for lc in assessment.leaves:
        leave_rows.append({
            tr("staff id"): lc.staff,
            tr("name"): staff[lc.staff].label,
            tr("quarter"): "" if lc.quarter is None else str(first + lc.quarter),
            tr("start"): lc.start.isoformat(),
            tr("end"): lc.end.isoformat(),
            tr("working days"): lc.working_days,
            tr("needs"): tr(", ").join(_leave_need(n) for n in lc.needs),
            tr("missing"): tr(", ").join(_leave_need(n) for n in lc.missing),
            tr("documentation"): tr("complete") if lc.documented
            else tr("MISSING"),
            tr("where"): str(lc.location),
        })
    notes = [{tr("text"): w} for w in assessment.warnings]
    return {
        trc("sheet", "assessment"): pd.DataFrame(rows),
        tr("leave"): pd.DataFrame(leave_rows),
        tr("notes"): pd.DataFrame(notes),
    }


def write_assessment(
    data: RosterData, assessment: Assessment, out_dir: str | Path, *, lang: str = "zh"
) -> list[Path]:
    """Write ``assessment.xlsx`` and ``redispatch_events.xlsx`` (the 事件 format; no rows when
    nobody failed all three items) into ``out_dir``, all or nothing."""
    from assignments.core.io import staged_output, write_excel, write_input_workbook
    from assignments.roster.events import EVENT_SHEETS, event_records

    with staged_output(out_dir) as stage:
        write_excel(stage / "assessment.xlsx", assessment_tables(data, assessment, lang=lang))
        write_input_workbook(stage / "redispatch_events.xlsx", EVENT_SHEETS,
                             {"events": event_records(redispatch_events(data, assessment))})
    return [Path(out_dir) / "assessment.xlsx", Path(out_dir) / "redispatch_events.xlsx"]


@speaks_lang
def summary_lines(data: RosterData, assessment: Assessment, *, lang: str = "zh") -> list[str]:
    """A printed summary: one line per rotation, then the totals."""
    staff = {s.id: s for s in data.staff}
    first = data.policy.first_quarter
    lines = []
    for ra in assessment.rotations:
        a = ra.rotation
        marks = " ".join(
            f"{_item_column(k)}{'✓' if r.passed else '✗'}" for k, r in ra.items.items()
        )
        tail = ""
        if ra.pending:
            marks = tr("no records")
            tail = tr("  pending: no deduction, fine or re-dispatch until confirmed")
        elif ra.failed:
            tail = tr("  deduct {months} month(s), {amount} yuan",
                      months=ra.deduction_months, amount=ra.deduction)
            if not ra.appraisal_form:
                tail += tr(", no appraisal form")
            if ra.redispatch:
                tail += tr(", re-dispatched, department fined {fine} yuan",
                           fine=ra.department_fine)
        lines.append(f"  {first + a.quarter} {staff[a.staff].label}: {marks}{tail}")
    n_fail = sum(1 for ra in assessment.rotations if ra.failed and not ra.pending)
    n_pending = sum(1 for ra in assessment.rotations if ra.pending)
    lines.append(
        tr("{n} rotations assessed, {failed} with failed items, {undocumented} leave records "
           "undocumented", n=len(assessment.rotations), failed=n_fail,
           undocumented=sum(1 for x in assessment.leaves if not x.documented))
        + (tr(", {n} without any record (pending)", n=n_pending) if n_pending else "")
    )
    lines += [tr("Warning: {text}", text=w) for w in assessment.warnings]
    return lines
