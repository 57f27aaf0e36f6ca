"""Duty plans for each rotation (DOMAIN §R "Duties and assessment", seed 篇1 四(二)).

Each person sent gives a teaching session (授课) every 14 days — at least 4, never two less
than 7 days apart — and a ward round (查房) every week — at least 8 — on working days of the
calendar (:class:`assignments.core.calendar.WorkCalendar`: official holidays, make-up workdays
(调休) and the workbook's 节假日 sheet). The figures are the 方案 parameters 授课间隔天数,
授课最少次数, 授课最小间隔天数, 查房间隔天数, 查房最少次数.

The plan: one teaching session for each full interval of the rotation (``days // 14``: 6 in a
quarter of 13 weeks, 7 in one of 14 weeks), the first in the second week and then every
interval; the people at one center in one quarter teach on different days (Monday, Wednesday,
Friday, Tuesday, Thursday of the week, and never a day a colleague already teaches). One ward
round in each calendar week (Monday–Sunday) of the rotation on its Wednesday, not before the
third day of the rotation (a first partial week without a working day from then has none). A
target that is not a working day moves to the next working day (teaching: as long as it stays
at least the minimum gap before the next session; else the previous working day; rounds:
inside the same week); the note says 顺延自 (moved later) or 提前自 (moved earlier). A rotation
in which fewer than the minimum fit (a very short quarter) is reported, never silently planned
short. :func:`check_duties` checks a plan independently (rules RD1–RD4 of ``roster/rules.py``).

Outputs: one Excel sheet per center and quarter (plus an overview) and one ``.ics`` file per
person (the ``icalendar`` library: all-day events, stable UIDs, reproducible).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from assignments.core.calendar import WorkCalendar
from assignments.core.i18n import tr, trc, use_lang
from assignments.core.rules import Violation
from assignments.roster.data import RosterData
from assignments.roster.solution import Assignment

__all__ = [
    "Duty",
    "DutyPlan",
    "check_duties",
    "duty_plan",
    "duty_tables",
    "person_calendar",
    "plan_rounds",
    "plan_teaching",
    "write_duties",
]

TEACHING_OFFSET_DAYS = 7
"""The first teaching session is planned one week after the handover day."""
ROUNDS_OFFSET_DAYS = 2
"""The first ward round is planned two days after the handover day (a Wednesday)."""

_WEEKDAY_ZH = "一二三四五六日"


@dataclass(frozen=True)
class Duty:
    """One planned activity.

    Attributes
    ----------
    staff, center
        Ids.
    quarter
        Quarter index of the rotation.
    kind
        ``"teaching"`` (授课) or ``"rounds"`` (查房).
    number
        1 for the first session of its kind in the rotation, 2 for the next, ...
    day
        The planned working day.
    target
        The day the interval asked for (differs from ``day`` when that was not a working day).
    """

    staff: str
    quarter: int
    center: str
    kind: str
    number: int
    day: dt.date
    target: dt.date

    @property
    def moved(self) -> bool:
        return self.day != self.target

    def move_note(self, lang: str = "zh") -> str:
        """``顺延自 <target>`` (moved later) or ``提前自 <target>`` (moved earlier); empty when
        the duty is held on its target day."""
        if not self.moved:
            return ""
        later = self.day > self.target
        if later:
            return tr("moved from {date} (not a working day)", lang=lang, date=self.target)
        return tr("moved forward from {date} (not a working day)", lang=lang, date=self.target)


@dataclass
class DutyPlan:
    """Duties of every rotation planned, and rotations where the minimum does not fit."""

    duties: list[Duty] = field(default_factory=list)
    rotations: list[Assignment] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def of(self, staff: str, quarter: int, kind: str | None = None) -> list[Duty]:
        """Duties of one rotation (of one kind), in date order."""
        return [
            d for d in self.duties
            if d.staff == staff and d.quarter == quarter and (kind is None or d.kind == kind)
        ]


def _weekday(day: dt.date) -> dt.date:
    """``day``, or the Monday after when it is a Saturday or Sunday: the intended day."""
    return day + dt.timedelta(days=(7 - day.weekday()) % 7) if day.weekday() >= 5 else day


def _next_working(cal: WorkCalendar, day: dt.date, last: dt.date,
                  skip: frozenset[dt.date] | set[dt.date] = frozenset()) -> dt.date | None:
    while day <= last:
        if cal.is_working_day(day) and day not in skip:
            return day
        day += dt.timedelta(days=1)
    return None


def _prev_working(cal: WorkCalendar, day: dt.date, first: dt.date,
                  skip: frozenset[dt.date] | set[dt.date] = frozenset()) -> dt.date | None:
    while day >= first:
        if cal.is_working_day(day) and day not in skip:
            return day
        day -= dt.timedelta(days=1)
    return None


TEACHING_SHIFTS = (0, 2, 4, 1, 3)
"""Days added to the teaching target of the 1st, 2nd, ... person at a center in a quarter
(Monday, Wednesday, Friday, Tuesday, Thursday when the handover is a Monday)."""


def plan_teaching(
    cal: WorkCalendar,
    start: dt.date,
    end: dt.date,
    *,
    interval: int = 14,
    min_gap: int = 7,
    offset: int = TEACHING_OFFSET_DAYS,
    shift: int = 0,
    taken: frozenset[dt.date] | set[dt.date] = frozenset(),
) -> list[tuple[dt.date, dt.date]]:
    """Teaching sessions of a rotation from ``start`` to ``end``: ``(day, target)`` pairs.

    One target for each full ``interval`` of the rotation, every ``interval`` days from
    ``start + offset + shift`` (a weekend target is planned on the Monday after; that is the
    intended day, not a move); each moves to the next working day not in ``taken`` (days a
    colleague at the same center teaches) when that keeps ``min_gap`` days before the next
    target, else to the previous such working day at least ``min_gap`` days after the previous
    session; with no such day, a day in ``taken`` is shared rather than the session dropped; a
    target with no working day at all is dropped.
    """
    out: list[tuple[dt.date, dt.date]] = []
    base = _weekday(start + dt.timedelta(days=offset + shift))
    sessions = ((end - start).days + 1) // interval
    k = 0
    while k < sessions and (target := _weekday(base + dt.timedelta(days=k * interval))) <= end:
        k += 1
        nxt_target = _weekday(base + dt.timedelta(days=k * interval))
        latest = min(end, nxt_target - dt.timedelta(days=min_gap))
        earliest = start if not out else out[-1][0] + dt.timedelta(days=min_gap)
        day = (_next_working(cal, max(target, earliest), latest, taken)
               or _prev_working(cal, min(target, latest), earliest, taken)
               # no free day: share a colleague's day rather than drop the session
               or _next_working(cal, max(target, earliest), latest)
               or _prev_working(cal, min(target, latest), earliest))
        if day is not None:
            out.append((day, target))
    return out


def plan_rounds(
    cal: WorkCalendar,
    start: dt.date,
    end: dt.date,
    *,
    interval: int = 7,
    offset: int = ROUNDS_OFFSET_DAYS,
) -> list[tuple[dt.date, dt.date]]:
    """Ward rounds of a rotation: one in each calendar week (Monday–Sunday) when ``interval``
    is 7, else one per ``interval`` days from ``start``; the target is the week's day
    ``offset`` (Wednesday), never before ``start + offset``; each is held on the first working
    day of its week from the target (else the last one before it in the week)."""
    if interval == 7:
        return _weekly_rounds(cal, start, end, offset)
    out: list[tuple[dt.date, dt.date]] = []
    target = _weekday(start + dt.timedelta(days=offset))
    week_start = start
    while week_start <= end:
        week_end = min(end, week_start + dt.timedelta(days=interval - 1))
        if target > end:
            break
        earliest = max(week_start, out[-1][0] + dt.timedelta(days=1) if out else start)
        day = _next_working(cal, max(target, earliest), week_end)
        if day is None:
            day = _prev_working(cal, min(target, week_end), earliest)
        if day is not None:
            out.append((day, target))
        week_start += dt.timedelta(days=interval)
        target += dt.timedelta(days=interval)
    return out


def _weekly_rounds(
    cal: WorkCalendar, start: dt.date, end: dt.date, offset: int
) -> list[tuple[dt.date, dt.date]]:
    out: list[tuple[dt.date, dt.date]] = []
    first = start + dt.timedelta(days=offset)  # not before the third day of the rotation
    monday = start - dt.timedelta(days=start.weekday())
    while monday <= end:
        lo, hi = max(monday, first), min(end, monday + dt.timedelta(days=6))
        target = max(monday + dt.timedelta(days=offset), first)
        if target <= hi:
            day = _next_working(cal, target, hi) or _prev_working(cal, target, lo)
            if day is not None:
                out.append((day, target))
        monday += dt.timedelta(days=7)
    return out


def _move_colleague(plan: DutyPlan, data: RosterData, a: Assignment, day: dt.date,
                    cell: set[dt.date]) -> None:
    """``a``'s person must teach on ``day``, which a colleague at the same center already has:
    move the colleague's session to a free working day their own sessions and the minimum gap
    allow (nearest to their target), when there is one."""
    cal, gap = data.calendar, dt.timedelta(days=data.policy.teaching_min_gap_days)
    start, end = data.periods()[a.quarter]
    for i, d in enumerate(plan.duties):
        if not (d.kind == "teaching" and d.quarter == a.quarter and d.center == a.center
                and d.day == day and d.staff != a.staff):
            continue
        mine = sorted(x.day for x in plan.of(d.staff, d.quarter, "teaching"))
        k = mine.index(day)
        lo = mine[k - 1] + gap if k > 0 else start
        hi = mine[k + 1] - gap if k + 1 < len(mine) else end
        free = [lo + dt.timedelta(days=j) for j in range((hi - lo).days + 1)]
        free = [x for x in free if x != day and x not in cell and cal.is_working_day(x)]
        if free:
            new = min(free, key=lambda x: (abs((x - d.target).days), x))
            plan.duties[i] = dataclasses.replace(d, day=new)
            cell.discard(day)
            cell.add(new)
            return


def duty_plan(
    data: RosterData, rotations: Iterable[Assignment], *, quarters: Sequence[int] | None = None
) -> DutyPlan:
    """Plan teaching and ward rounds for every rotation (of the given quarter indices).

    Parameters
    ----------
    data
        The roster problem (calendar and the 方案 parameters).
    rotations
        The roster's assignments (a solution, or a published roster read back).
    quarters
        Only these quarter indices (default: all).
    """
    pol = data.policy
    cal = data.calendar
    periods = data.periods()
    plan = DutyPlan()
    staff = {s.id: s for s in data.staff}
    taken: dict[tuple[int, str], set[dt.date]] = defaultdict(set)
    for a in sorted(rotations, key=lambda a: (a.quarter, a.center, a.staff)):
        if quarters is not None and a.quarter not in quarters:
            continue
        cell = taken[(a.quarter, a.center)]
        colleague = sum(1 for b in plan.rotations if (b.quarter, b.center) == (a.quarter,
                                                                               a.center))
        plan.rotations.append(a)
        start, end = periods[a.quarter]
        teach = plan_teaching(cal, start, end, interval=pol.teaching_interval_days,
                              min_gap=pol.teaching_min_gap_days,
                              shift=TEACHING_SHIFTS[colleague % len(TEACHING_SHIFTS)],
                              taken=cell)
        for day, _t in teach:
            if day in cell:  # forced to share: move the colleague who holds the day instead
                _move_colleague(plan, data, a, day, cell)
        cell.update(day for day, _t in teach)
        rounds = plan_rounds(cal, start, end, interval=pol.rounds_interval_days)
        for kind, dates in (("teaching", teach), ("rounds", rounds)):
            for n, (day, target) in enumerate(dates, start=1):
                plan.duties.append(Duty(a.staff, a.quarter, a.center, kind, n, day, target))
        who = f"{staff[a.staff].label} {data.policy.first_quarter + a.quarter}"
        if len(teach) < pol.teaching_min_sessions:
            plan.notes.append(
                tr("{who}: only {n} teaching sessions fit in {start}–{end} (at least {need} "
                   "are required)", who=who, n=len(teach), start=start, end=end,
                   need=pol.teaching_min_sessions)
            )
        if len(rounds) < pol.rounds_min:
            plan.notes.append(
                tr("{who}: only {n} ward rounds fit in {start}–{end} (at least {need} are "
                   "required)", who=who, n=len(rounds), start=start, end=end,
                   need=pol.rounds_min)
            )
    return plan


def _kind_label(kind: str) -> str:
    """A duty's kind in the current language (授课 / teaching, 查房 / ward round)."""
    return {"teaching": tr("teaching"), "rounds": tr("ward round")}[kind]


def _sheet_name(label: str, quarter: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "", label)[: 31 - len(quarter) - 1]
    name = f"{base} {quarter}"
    k = 2
    while name in used:
        suffix = f"~{k}"
        name = f"{base[: 31 - len(quarter) - 1 - len(suffix)]}{suffix} {quarter}"
        k += 1
    used.add(name)
    return name


def duty_tables(data: RosterData, plan: DutyPlan, *, lang: str = "zh") -> dict[str, pd.DataFrame]:
    """An overview sheet and one sheet per center and quarter (date order)."""
    with use_lang(lang):
        return _duty_tables(data, plan, lang)


def _duty_tables(data: RosterData, plan: DutyPlan, lang: str) -> dict[str, pd.DataFrame]:
    zh = lang == "zh"  # the weekday's name
    staff = {s.id: s for s in data.staff}
    depts = {d.id: d for d in data.departments}
    centers = {c.id: c for c in data.centers}
    first = data.policy.first_quarter
    periods = data.periods()
    overview = []
    for a in plan.rotations:
        teach = plan.of(a.staff, a.quarter, "teaching")
        gaps = [(b.day - x.day).days for x, b in itertools.pairwise(teach)]
        start, end = periods[a.quarter]
        overview.append({
            tr("quarter"): str(first + a.quarter),
            tr("health center"): centers[a.center].label,
            tr("staff id"): a.staff,
            tr("name"): staff[a.staff].label,
            tr("department"): depts[staff[a.staff].department].label,
            tr("handover day"): start.isoformat(),
            tr("last day"): end.isoformat(),
            tr("teaching sessions"): len(teach),
            tr("smallest teaching gap (days)"): min(gaps, default=""),
            trc("count", "ward rounds"): len(plan.of(a.staff, a.quarter, "rounds")),
            tr("moved for holidays"): sum(
                d.moved for d in plan.of(a.staff, a.quarter)),
        })
    sheets: dict[str, pd.DataFrame] = {tr("overview"): pd.DataFrame(overview)}
    cells: dict[tuple[int, str], list[Duty]] = defaultdict(list)
    for d in plan.duties:
        cells[(d.quarter, d.center)].append(d)
    used: set[str] = set(sheets)
    for (q, cid), duties in sorted(cells.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        rows = []
        for d in sorted(duties, key=lambda d: (d.day, d.kind != "teaching", d.staff)):
            s = staff[d.staff]
            note = d.move_note(lang)
            rows.append({
                tr("date"): d.day.isoformat(),
                tr("weekday"): ("周" + _WEEKDAY_ZH[d.day.weekday()]) if zh
                else d.day.strftime("%a"),
                tr("activity"): _kind_label(d.kind),
                tr("number"): d.number,
                tr("staff id"): d.staff,
                tr("name"): s.label,
                tr("department"): depts[s.department].label,
                tr("note"): note,
            })
        sheets[_sheet_name(centers[cid].label, str(first + q), used)] = pd.DataFrame(rows)
    return sheets


def person_calendar(data: RosterData, plan: DutyPlan, staff_id: str, *, lang: str = "zh"):
    """An ``icalendar.Calendar`` with one person's rotations and duties (all-day events)."""
    with use_lang(lang):
        return _person_calendar(data, plan, staff_id, lang)


def _person_calendar(data: RosterData, plan: DutyPlan, staff_id: str, lang: str):
    from icalendar import Calendar, Event

    s = next(x for x in data.staff if x.id == staff_id)
    centers = {c.id: c for c in data.centers}
    first = data.policy.first_quarter
    periods = data.periods()
    cal = Calendar()
    cal.add("prodid", "-//assignments//roster duties//ZH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", tr("Rural rotation {name}", name=s.label))
    for a in plan.rotations:
        if a.staff != staff_id:
            continue
        q = first + a.quarter
        start, end = periods[a.quarter]
        stamp = dt.datetime.combine(start, dt.time(0), tzinfo=dt.UTC)
        center = centers[a.center].label
        ev = Event()
        ev.add("uid", f"{staff_id}-{q}-rotation@assignments")
        ev.add("dtstamp", stamp)
        ev.add("dtstart", start)
        ev.add("dtend", end + dt.timedelta(days=1))
        ev.add("summary", tr("Rural rotation · {center}", center=center))
        ev.add("description", f"{q}: {start} – {end}")
        ev.add("transp", "TRANSPARENT")
        cal.add_component(ev)
        for d in plan.of(staff_id, a.quarter):
            ev = Event()
            ev.add("uid", f"{staff_id}-{q}-{d.kind}-{d.number}@assignments")
            ev.add("dtstamp", stamp)
            ev.add("dtstart", d.day)
            ev.add("dtend", d.day + dt.timedelta(days=1))
            ev.add("summary", tr("{kind} #{number} · {center}", kind=_kind_label(d.kind),
                                 number=d.number, center=center))
            if d.moved:
                ev.add("description", d.move_note(lang))
            cal.add_component(ev)
    return cal


def _file_name(staff_id: str, label: str) -> str:
    text = f"{staff_id}_{label}" if label != staff_id else staff_id
    return re.sub(r'[\\/:*?"<>|\s]+', "_", text) + ".ics"


def write_duties(
    data: RosterData, plan: DutyPlan, out_dir: str | Path, *, lang: str = "zh"
) -> list[Path]:
    """Write ``duties.xlsx`` and ``ics/<staff>.ics`` into ``out_dir`` (all or nothing)."""
    from assignments.core.io import staged_output, write_excel

    staff = {s.id: s for s in data.staff}
    people = sorted({a.staff for a in plan.rotations})
    with staged_output(out_dir) as stage:
        write_excel(stage / "duties.xlsx", duty_tables(data, plan, lang=lang))
        (stage / "ics").mkdir()
        for sid in people:
            cal = person_calendar(data, plan, sid, lang=lang)
            (stage / "ics" / _file_name(sid, staff[sid].label)).write_bytes(cal.to_ical())
    return [Path(out_dir) / "duties.xlsx", Path(out_dir) / "ics"]


# ------------------------------------------------------------------ the independent checker

_NOTE = re.compile(r"^(顺延自|提前自|moved from|moved forward from) (\d{4}-\d{2}-\d{2})")


def check_duties(
    data: RosterData, plan: DutyPlan, sheets: dict[str, pd.DataFrame] | None = None
) -> list[Violation]:
    """Every broken duty rule of a plan (rules RD1–RD4 of ``roster/rules.py``), recomputed from
    the dates alone (it does not call the planner): RD1 teaching (one session for each full
    interval of the rotation, working days inside it, at least the minimum gap apart), RD2
    ward rounds (exactly one in each calendar week of the rotation with a working day from its
    third day, never two in one week), RD3 the people of one center and quarter teach on
    different days (unless the shared day is the only working day the person's neighbouring
    sessions and the minimum gap leave), RD4 a moved date says 顺延自 when held later and
    提前自 when held earlier
    (``sheets``: the tables of :func:`duty_tables`; default: made here in Chinese)."""
    pol = data.policy
    cal = data.calendar
    periods = data.periods()
    first = pol.first_quarter
    staff = {s.id: s for s in data.staff}
    out: list[Violation] = []
    for a in plan.rotations:
        start, end = periods[a.quarter]
        who = f"{staff[a.staff].label if a.staff in staff else a.staff} {first + a.quarter}"
        teach = sorted(d.day for d in plan.of(a.staff, a.quarter, "teaching"))
        rounds = sorted(d.day for d in plan.of(a.staff, a.quarter, "rounds"))
        expected = ((end - start).days + 1) // pol.teaching_interval_days
        if len(teach) != expected:
            out.append(Violation("RD1", tr("{who}: {n} teaching sessions, the rotation "
                                           "{start}–{end} has {expected} full {days}-day "
                                           "periods", who=who, n=len(teach), start=start,
                                           end=end, expected=expected,
                                           days=pol.teaching_interval_days)))
        for x, y in itertools.pairwise(teach):
            if (y - x).days < pol.teaching_min_gap_days:
                out.append(Violation("RD1", tr("{who}: teaching on {a} and {b}, less than "
                                               "{days} days apart", who=who, a=x, b=y,
                                               days=pol.teaching_min_gap_days)))
        for kind, days in (("RD1", teach), ("RD2", rounds)):
            for d in days:
                if not (start <= d <= end and cal.is_working_day(d)):
                    out.append(Violation(kind, tr("{who}: {day} is not a working day of the "
                                                  "rotation {start}–{end}", who=who, day=d,
                                                  start=start, end=end)))
        if pol.rounds_interval_days == 7:
            from_day = start + dt.timedelta(days=ROUNDS_OFFSET_DAYS)
            monday = start - dt.timedelta(days=start.weekday())
            while monday <= end:
                sunday = monday + dt.timedelta(days=6)
                held = [d for d in rounds if monday <= d <= sunday]
                lo, hi = max(monday, from_day), min(sunday, end)
                open_days = [lo + dt.timedelta(days=k) for k in range((hi - lo).days + 1)
                             if cal.is_working_day(lo + dt.timedelta(days=k))]
                if len(held) > 1:
                    out.append(Violation("RD2", tr("{who}: {n} ward rounds in the week of "
                                                   "{monday} ({days})", who=who, n=len(held),
                                                   monday=monday,
                                                   days=", ".join(map(str, held)))))
                elif not held and open_days:
                    out.append(Violation("RD2", tr("{who}: no ward round in the week of "
                                                   "{monday} although {day} is a working day",
                                                   who=who, monday=monday,
                                                   day=open_days[0])))
                monday += dt.timedelta(days=7)
    by_cell: dict[tuple[int, str, dt.date], list[str]] = defaultdict(list)
    for d in plan.duties:
        if d.kind == "teaching":
            by_cell[(d.quarter, d.center, d.day)].append(d.staff)
    used: dict[tuple[int, str], set[dt.date]] = defaultdict(set)
    for q, center, day in by_cell:
        used[(q, center)].add(day)

    def free_day_left(sid: str, q: int, center: str, day: dt.date) -> bool:
        """Whether ``sid`` had another working day no colleague uses for this session."""
        start, end = periods[q]
        mine = sorted(d.day for d in plan.of(sid, q, "teaching"))
        k = mine.index(day)
        gap = dt.timedelta(days=pol.teaching_min_gap_days)
        lo = mine[k - 1] + gap if k > 0 else start
        hi = mine[k + 1] - gap if k + 1 < len(mine) else end
        x = lo
        while x <= hi:
            if x != day and cal.is_working_day(x) and x not in used[(q, center)]:
                return True
            x += dt.timedelta(days=1)
        return False

    for (q, center, day), people in sorted(by_cell.items()):
        if len(people) > 1 and any(free_day_left(p, q, center, day) for p in people):
            names = "、".join(staff[p].label if p in staff else p for p in people)
            out.append(Violation("RD3", tr("{center} {quarter}: {names} all teach on {day}",
                                           center=center, quarter=first + q, names=names,
                                           day=day)))
    tables = sheets if sheets is not None else duty_tables(data, plan)
    for name, df in tables.items():
        cols = {c: c for c in df.columns}
        date_col = cols.get("日期") or cols.get("date")
        note_col = cols.get("备注") or cols.get("note")
        if date_col is None or note_col is None:
            continue
        for i, row in df.iterrows():
            m = _NOTE.match(str(row[note_col] or ""))
            if not m:
                continue
            target, day = dt.date.fromisoformat(m.group(2)), dt.date.fromisoformat(
                str(row[date_col]))
            later = m.group(1) in ("顺延自", "moved from")
            if later != (day > target) or day == target:
                right = "顺延自 (later)" if day > target else "提前自 (earlier)"
                said = m.group(1) + " " + str(target)
                out.append(Violation("RD4", tr("sheet {sheet}, row {row}: {day} says '{note}', "
                                               "should be {right}", sheet=name,
                                               row=int(str(i)) + 2, day=day, note=said,
                                               right=right)))
    return out
