"""The roster's printable notice (下乡轮转安排通知, ``notice.pdf``) and the print titles of
``roster.xlsx``: who goes to which health center in which quarter, with the handover days."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from assignments.core.i18n import tr, trc, use_lang
from assignments.core.notice import Notice, write_notice_pdf
from assignments.core.printsetup import PrintOptions
from assignments.roster.data import RosterData
from assignments.roster.solution import RosterSolution

__all__ = ["NOTICE", "print_options", "roster_notice", "write_notice"]

#: The notice's file name in the output folder.
NOTICE = "notice.pdf"


def _kinds() -> dict[str, str]:
    """The note on a rotation that is not its department's own turn."""
    return {"pulled": tr("promotion, pulled forward"), "swap": tr("seat swap"),
            "redo": tr("re-dispatch")}


def _organisation(data: RosterData) -> str | None:
    """The hospital's name, when the input gives one (a ``organisation`` programme parameter)."""
    value = getattr(data.policy, "organisation", None)
    return str(value) if value else None


def _period(data: RosterData) -> str:
    qs = data.quarters
    return f"{qs[0]}–{qs[-1]}" if len(qs) > 1 else str(qs[0])


def print_options(data: RosterData, *, lang: str = "zh") -> PrintOptions:
    """Page header of ``roster.xlsx``: the hospital, 下乡轮转排班表, the programme's quarters."""
    return PrintOptions(title=tr("Rural rotation roster", lang=lang),
                        organisation=_organisation(data), period=_period(data), lang=lang)


def roster_notice(data: RosterData, sol: RosterSolution, *, lang: str = "zh") -> Notice:
    """下乡轮转安排通知: one row per quarter and health center, with the handover day, the last
    day and the people sent (name, department, title; a note when not their department's own
    turn)."""
    with use_lang(lang):
        return _roster_notice(data, sol, lang)


def _roster_notice(data: RosterData, sol: RosterSolution, lang: str) -> Notice:
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
        kinds = _kinds()
        if a.kind in kinds:
            what.append(kinds[a.kind])
        cells[(a.quarter, a.center)].append(
            f"{s.label}（{'，'.join(what)}）" if zh else f"{s.label} ({', '.join(what)})")
        days[(a.quarter, a.center)].append((a.start.isoformat(), a.end.isoformat()))
    first = data.policy.first_quarter
    rows = [[str(first + q), f"{min(days[(q, c)])[0]}\n{tr('to')} "
             f"{max(e for _, e in days[(q, c)])}",
             centers[c].label if c in centers else c, "\n".join(names)]
            for (q, c), names in cells.items()]
    period = _period(data)
    people = len({a.staff for a in sol.assignments})
    intro = [tr("The rural rotation of {period} is as follows ({groups} groups, {people} people).",
                period=period, groups=len(rows), people=people),
             tr("Each person reports to the health center on the handover day and serves until "
                "the last day; departments arrange the handover of their work in advance.")]
    closing = [tr("Changes must be requested from the programme office in good time; do not "
                  "swap places on your own.")]
    if zh:  # the closing formula of a Chinese notice; an English one has none
        closing.append("特此通知。")
    if data.calendar.estimated_years:
        years = trc("list", ", ").join(map(str, data.calendar.estimated_years))
        closing.insert(0, tr("Note: the holidays of {years} are estimated (not in the calendar "
                             "library); check the handover days before publishing.", years=years))
    columns = [trc("notice", "Quarter"), trc("notice", "Dates"), trc("notice", "Health center"),
               trc("notice", "People (department, title)")]
    return Notice(title=tr("Rural rotation notice"),
                  subtitle=[period], columns=columns, rows=rows, intro=intro, closing=closing,
                  organisation=_organisation(data), widths=[1.0, 1.7, 1.8, 4.5], lang=lang)


def write_notice(path: Path, data: RosterData, sol: RosterSolution, *, lang: str = "zh") -> Path:
    """Write :func:`roster_notice` as a PDF to ``path``."""
    return write_notice_pdf(path, roster_notice(data, sol, lang=lang))
