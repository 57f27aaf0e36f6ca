"""Duty plans for each rotation (DOMAIN §R "Duties and assessment", seed 篇1 四(二)).

Each person sent gives a teaching session (授课) every 14 days — at least 4, never two less
than 7 days apart — and a ward round (查房) every week — at least 8 — on working days of the
calendar (:class:`assignments.core.calendar.WorkCalendar`: official holidays, make-up workdays
(调休) and the workbook's 节假日 sheet). The figures are the 方案 parameters 授课间隔天数,
授课最少次数, 授课最小间隔天数, 查房间隔天数, 查房最少次数.

The plan: a target date every interval from the handover day (teaching from the second week,
rounds from the third day); a target that is not a working day moves to the next working day
(teaching: as long as it stays at least the minimum gap before the next session; else the
previous working day; rounds: inside the same week). A rotation in which fewer than the minimum
fit (a very short quarter) is reported, never silently planned short.

Outputs: one Excel sheet per center and quarter (plus an overview) and one ``.ics`` file per
person (the ``icalendar`` library: all-day events, stable UIDs, reproducible).
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from assignments.core.calendar import WorkCalendar
from assignments.roster.data import RosterData
from assignments.roster.solution import Assignment

__all__ = [
    "Duty",
    "DutyPlan",
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


def _next_working(cal: WorkCalendar, day: dt.date, last: dt.date) -> dt.date | None:
    while day <= last:
        if cal.is_working_day(day):
            return day
        day += dt.timedelta(days=1)
    return None


def _prev_working(cal: WorkCalendar, day: dt.date, first: dt.date) -> dt.date | None:
    while day >= first:
        if cal.is_working_day(day):
            return day
        day -= dt.timedelta(days=1)
    return None


def plan_teaching(
    cal: WorkCalendar,
    start: dt.date,
    end: dt.date,
    *,
    interval: int = 14,
    min_gap: int = 7,
    offset: int = TEACHING_OFFSET_DAYS,
) -> list[tuple[dt.date, dt.date]]:
    """Teaching sessions of a rotation from ``start`` to ``end``: ``(day, target)`` pairs.

    Targets every ``interval`` days from ``start + offset`` (a weekend target is planned on the
    Monday after; that is the intended day, not a move); each moves to the next working day
    when that keeps ``min_gap`` days before the next target, else to the previous working day
    at least ``min_gap`` days after the previous session; a target with neither is dropped.
    """
    out: list[tuple[dt.date, dt.date]] = []
    base = _weekday(start + dt.timedelta(days=offset))
    k = 0
    while (target := _weekday(base + dt.timedelta(days=k * interval))) <= end:
        k += 1
        nxt_target = _weekday(base + dt.timedelta(days=k * interval))
        latest = min(end, nxt_target - dt.timedelta(days=min_gap))
        earliest = start if not out else out[-1][0] + dt.timedelta(days=min_gap)
        day = _next_working(cal, max(target, earliest), latest)
        if day is None:
            day = _prev_working(cal, min(target, latest), earliest)
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
    """Ward rounds of a rotation: one per ``interval`` days from ``start + offset``, each on the
    first working day of its week from the target (else the last one before it in the week)."""
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
    for a in sorted(rotations, key=lambda a: (a.quarter, a.center, a.staff)):
        if quarters is not None and a.quarter not in quarters:
            continue
        plan.rotations.append(a)
        start, end = periods[a.quarter]
        teach = plan_teaching(cal, start, end, interval=pol.teaching_interval_days,
                              min_gap=pol.teaching_min_gap_days)
        rounds = plan_rounds(cal, start, end, interval=pol.rounds_interval_days)
        for kind, dates in (("teaching", teach), ("rounds", rounds)):
            for n, (day, target) in enumerate(dates, start=1):
                plan.duties.append(Duty(a.staff, a.quarter, a.center, kind, n, day, target))
        who = f"{staff[a.staff].label} {data.policy.first_quarter + a.quarter}"
        if len(teach) < pol.teaching_min_sessions:
            plan.notes.append(
                f"{who}: only {len(teach)} teaching sessions fit in {start}–{end} "
                f"(at least {pol.teaching_min_sessions} are required)"
            )
        if len(rounds) < pol.rounds_min:
            plan.notes.append(
                f"{who}: only {len(rounds)} ward rounds fit in {start}–{end} "
                f"(at least {pol.rounds_min} are required)"
            )
    return plan


_KIND = {"zh": {"teaching": "授课", "rounds": "查房"}, "en": {"teaching": "teaching",
                                                           "rounds": "ward round"}}


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
    zh = lang == "zh"
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
            "季度" if zh else "quarter": str(first + a.quarter),
            "卫生院" if zh else "health center": centers[a.center].label,
            "工号" if zh else "staff id": a.staff,
            "姓名" if zh else "name": staff[a.staff].label,
            "科室" if zh else "department": depts[staff[a.staff].department].label,
            "交接日" if zh else "handover day": start.isoformat(),
            "结束日" if zh else "last day": end.isoformat(),
            "授课次数" if zh else "teaching sessions": len(teach),
            "授课最小间隔(天)" if zh else "smallest teaching gap (days)": min(gaps, default=""),
            "查房次数" if zh else "ward rounds": len(plan.of(a.staff, a.quarter, "rounds")),
            "顺延次数" if zh else "moved for holidays": sum(
                d.moved for d in plan.of(a.staff, a.quarter)),
        })
    sheets: dict[str, pd.DataFrame] = {("概览" if zh else "overview"): pd.DataFrame(overview)}
    cells: dict[tuple[int, str], list[Duty]] = defaultdict(list)
    for d in plan.duties:
        cells[(d.quarter, d.center)].append(d)
    used: set[str] = set(sheets)
    for (q, cid), duties in sorted(cells.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        rows = []
        for d in sorted(duties, key=lambda d: (d.day, d.kind != "teaching", d.staff)):
            s = staff[d.staff]
            note = ""
            if d.moved:
                note = (f"顺延自 {d.target}（非工作日）" if zh
                        else f"moved from {d.target} (not a working day)")
            rows.append({
                "日期" if zh else "date": d.day.isoformat(),
                "星期" if zh else "weekday": ("周" + _WEEKDAY_ZH[d.day.weekday()]) if zh
                else d.day.strftime("%a"),
                "活动" if zh else "activity": _KIND[lang][d.kind],
                "次序" if zh else "number": d.number,
                "工号" if zh else "staff id": d.staff,
                "姓名" if zh else "name": s.label,
                "科室" if zh else "department": depts[s.department].label,
                "备注" if zh else "note": note,
            })
        sheets[_sheet_name(centers[cid].label, str(first + q), used)] = pd.DataFrame(rows)
    return sheets


def person_calendar(data: RosterData, plan: DutyPlan, staff_id: str, *, lang: str = "zh"):
    """An ``icalendar.Calendar`` with one person's rotations and duties (all-day events)."""
    from icalendar import Calendar, Event

    zh = lang == "zh"
    s = next(x for x in data.staff if x.id == staff_id)
    centers = {c.id: c for c in data.centers}
    first = data.policy.first_quarter
    periods = data.periods()
    cal = Calendar()
    cal.add("prodid", "-//assignments//roster duties//ZH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"{'下乡任务' if zh else 'Rural rotation'} {s.label}")
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
        ev.add("summary", f"{'下乡轮转' if zh else 'Rural rotation'} · {center}")
        ev.add("description", f"{q}: {start} – {end}")
        ev.add("transp", "TRANSPARENT")
        cal.add_component(ev)
        for d in plan.of(staff_id, a.quarter):
            ev = Event()
            ev.add("uid", f"{staff_id}-{q}-{d.kind}-{d.number}@assignments")
            ev.add("dtstamp", stamp)
            ev.add("dtstart", d.day)
            ev.add("dtend", d.day + dt.timedelta(days=1))
            label = _KIND[lang][d.kind]
            ev.add("summary", f"{label}（第{d.number}次）· {center}" if zh
                   else f"{label} #{d.number} · {center}")
            if d.moved:
                ev.add("description", f"顺延自 {d.target}（非工作日）" if zh
                       else f"moved from {d.target} (not a working day)")
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
