"""The roster's printable notice (下乡轮转安排通知, ``notice.pdf``) and the print titles of
``roster.xlsx``: who goes to which health center in which quarter, with the handover days."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from assignments.core.notice import Notice, write_notice_pdf
from assignments.core.printsetup import PrintOptions
from assignments.roster.data import RosterData
from assignments.roster.solution import RosterSolution

__all__ = ["NOTICE", "print_options", "roster_notice", "write_notice"]

#: The notice's file name in the output folder.
NOTICE = "notice.pdf"

_KIND = {
    "zh": {"pulled": "晋升提前", "swap": "换位补席", "redo": "重新下乡"},
    "en": {"pulled": "promotion, pulled forward", "swap": "seat swap", "redo": "re-dispatch"},
}


def _organisation(data: RosterData) -> str | None:
    """The hospital's name, when the input gives one (a ``organisation`` programme parameter)."""
    value = getattr(data.policy, "organisation", None)
    return str(value) if value else None


def _period(data: RosterData) -> str:
    qs = data.quarters
    return f"{qs[0]}–{qs[-1]}" if len(qs) > 1 else str(qs[0])


def print_options(data: RosterData, *, lang: str = "zh") -> PrintOptions:
    """Page header of ``roster.xlsx``: the hospital, 下乡轮转排班表, the programme's quarters."""
    return PrintOptions(title="下乡轮转排班表" if lang == "zh" else "Rural rotation roster",
                        organisation=_organisation(data), period=_period(data), lang=lang)


def roster_notice(data: RosterData, sol: RosterSolution, *, lang: str = "zh") -> Notice:
    """下乡轮转安排通知: one row per quarter and health center, with the handover day, the last
    day and the people sent (name, department, title; a note when not their department's own
    turn)."""
    zh = lang != "en"
    staff = {s.id: s for s in data.staff}
    depts = {d.id: d for d in data.departments}
    centers = {c.id: c for c in data.centers}
    order = {c.id: i for i, c in enumerate(data.centers)}
    cells: dict[tuple[int, str], list[str]] = defaultdict(list)
    days: dict[tuple[int, str], list[tuple[str, str]]] = defaultdict(list)
    for a in sorted(sol.assignments, key=lambda a: (a.quarter, order.get(a.center, 0), a.staff)):
        s = staff[a.staff]
        what = [depts[s.department].label if s.department in depts else s.department,
                s.title.value if zh else s.title.en]
        kinds = _KIND["zh" if zh else "en"]
        if a.kind in kinds:
            what.append(kinds[a.kind])
        cells[(a.quarter, a.center)].append(
            f"{s.label}（{'，'.join(what)}）" if zh else f"{s.label} ({', '.join(what)})")
        days[(a.quarter, a.center)].append((a.start.isoformat(), a.end.isoformat()))
    first = data.policy.first_quarter
    rows = [[str(first + q), f"{min(days[(q, c)])[0]}\n{'至' if zh else 'to'} "
             f"{max(e for _, e in days[(q, c)])}",
             centers[c].label if c in centers else c, "\n".join(names)]
            for (q, c), names in cells.items()]
    period = _period(data)
    people = len({a.staff for a in sol.assignments})
    if zh:
        intro = [f"根据城乡医院对口支援工作安排，现将 {period} 下乡轮转人员安排通知如下"
                 f"（共 {len(rows)} 个批次，{people} 人）。",
                 "下乡人员应于交接日到卫生院报到，服务至结束日；派出科室请提前安排好工作交接。"]
        closing = ["如有特殊情况需调整，请尽早向主管部门提出，不得自行调换。", "特此通知。"]
        if data.calendar.estimated_years:
            years = "、".join(map(str, data.calendar.estimated_years))
            closing.insert(0, f"注意：{years} 年节假日为估算（日历库未收录），"
                              "交接日请核对后再发布。")
        columns = ["季度", "下乡时间", "卫生院", "下乡人员（科室，职称）"]
    else:
        intro = [f"The rural rotation of {period} is as follows ({len(rows)} groups, "
                 f"{people} people).",
                 "Each person reports to the health center on the handover day and serves until "
                 "the last day; departments arrange the handover of their work in advance."]
        closing = ["Changes must be requested from the programme office in good time; do not "
                   "swap places on your own."]
        if data.calendar.estimated_years:
            years = ", ".join(map(str, data.calendar.estimated_years))
            closing.insert(0, f"Note: the holidays of {years} are estimated (not in the calendar "
                              "library); check the handover days before publishing.")
        columns = ["Quarter", "Dates", "Health center", "People (department, title)"]
    return Notice(title="下乡轮转安排通知" if zh else "Rural rotation notice",
                  subtitle=[period], columns=columns, rows=rows, intro=intro, closing=closing,
                  organisation=_organisation(data), widths=[1.0, 1.7, 1.8, 4.5], lang=lang)


def write_notice(path: Path, data: RosterData, sol: RosterSolution, *, lang: str = "zh") -> Path:
    """Write :func:`roster_notice` as a PDF to ``path``."""
    return write_notice_pdf(path, roster_notice(data, sol, lang=lang))
