"""Checking a roster that an office edited by hand (``assignments roster check``).

The 排班 sheet of ``roster.xlsx`` is read back (:func:`assignments.roster.replan.read_published`);
each row is classified without the solver — 类型 and the 备注 that ``roster solve`` writes
(``占用口腔科席位；计入呼吸内科 2028Q2 轮次``) when present, else from the turn schedule: the
department's own turn, a promotion candidate pulled forward into the seat of a department whose
turn it is, a swapped seat filled, a re-dispatch — and the independent checker
(:func:`assignments.roster.solution.check`) lists every broken rule. Each violation is located
at the rows of ``ROSTER.xlsx`` it concerns (the people, center or department and quarter its
message names). With deferrals left to the solver (``auto``), the schedule with the fewest
broken rules is taken. No solver types here; the comparison with the optimum is the caller's
(``roster check`` solves with ``--time-limit``).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from assignments.core.calendar import Quarter
from assignments.core.errors import Location
from assignments.core.i18n import current_lang, use_lang
from assignments.core.io import read_tables
from assignments.core.rules import Violation
from assignments.core.schema import parse_table
from assignments.roster.data import DeferralDecision, RosterData
from assignments.roster.schedule import Schedule, ScheduleError, alternatives
from assignments.roster.solution import Assignment, RosterSolution, check

__all__ = ["HandCheck", "Located", "check_hand_edited", "classify"]


@dataclass
class Located:
    """A broken rule and the rows of the roster file it concerns."""

    violation: Violation
    rows: list[Location] = field(default_factory=list)


@dataclass
class HandCheck:
    """The roster as read and classified, and every broken rule, located."""

    solution: RosterSolution
    problems: list[Located]
    rows: dict[tuple[str, int], Location]


# the 备注 (note) as roster solve writes it, in Chinese or English (--lang en)
_SEAT = re.compile(r"占用(?P<zh>.+?)席位|seat from (?P<en>.+?)(?:;|$)")
_CREDIT = re.compile(r"计入(.+?) (?P<zh>\d{4}Q\d) 轮次|counts for .+? in (?P<en>\d{4}Q\d)")


def _dept_ids(data: RosterData) -> dict[str, str]:
    out = {d.id: d.id for d in data.departments}
    for d in data.departments:
        out.setdefault(d.label, d.id)
        if d.name:
            out.setdefault(d.name, d.id)
    return out


def _deferrals(data: RosterData, alt: Schedule) -> list[tuple[str, int, DeferralDecision]]:
    first = data.policy.first_quarter
    out = []
    for k, r in enumerate(data.deferrals):
        decision = r.decision
        if decision is DeferralDecision.AUTO:
            decision = alt.auto.get(alt.applied[k], DeferralDecision.NEXT)
        out.append((r.department, r.quarter - first, decision))
    return out


def classify(
    data: RosterData,
    cells: list[tuple[str, int, str, str | None, str | None]],
    alt: Schedule,
) -> RosterSolution:
    """Assignments from ``(staff, quarter index, center, kind, note)`` rows under a schedule:
    the kind, the seat's giver and the credited quarter as the tool writes them, else derived
    from the turns (a giver whose turn still has seats that quarter)."""
    staff = {s.id: s for s in data.staff}
    depts = _dept_ids(data)
    first = data.policy.first_quarter
    periods = data.periods()
    redo = {t.staff for t in data.replan.redispatch} if data.replan is not None else set()
    own: Counter[tuple[str, int]] = Counter()
    for sid, q, _c, kind, _n in cells:
        if kind in (None, "turn") and alt.demand(staff[sid].department, q) > 0:
            own[(staff[sid].department, q)] += 1
    given: Counter[tuple[str, int]] = Counter()
    out: list[Assignment] = []
    for sid, q, center, kind, note in cells:
        s = staff[sid]
        has_turn = alt.demand(s.department, q) > 0
        if kind is None:
            if has_turn:
                kind = "turn"
            elif s.promotion_candidate:
                kind = "pulled"
            elif sid in redo:
                kind = "redo"
            else:
                kind = "swap"
        giver: str | None = None
        credit: int | None = None
        if kind in ("pulled", "redo"):
            m = _SEAT.search(note or "")
            giver = depts.get(m.group("zh") or m.group("en")) if m else None
            if giver is None:
                turns = [t.dept for t in alt.turns_in(q) if t.dept != s.department]
                giver = next((d for d in turns
                              if own[(d, q)] + given[(d, q)] < alt.demand(d, q)),
                             turns[0] if turns else None)
            if giver is not None:
                given[(giver, q)] += 1
        if kind == "pulled":
            m = _CREDIT.search(note or "")
            if m:
                credit = Quarter.parse(m.group("zh") or m.group("en")) - first
            else:
                nxt = alt.next_turn(s.department, q)
                inside = sorted(k for k, n in (nxt.seats if nxt else {}).items() if n > 0)
                credit = inside[0] if inside else None
        a = Assignment(sid, q, center, *periods[q], kind=kind, seat_from=giver,
                       credit_quarter=credit)
        out.append(a)
    return RosterSolution(assignments=out, deferrals=_deferrals(data, alt))


def check_hand_edited(data: RosterData, path: str | Path) -> HandCheck:
    """Read ``path`` (the 排班 sheet), classify every row and list every broken rule with its
    rows.

    Raises
    ------
    InputError
        The file cannot be read, or a row names an unknown person or center, a quarter outside
        the programme, or a person twice in a quarter (located).
    """
    from assignments.roster.replan import PUBLISHED_SHEETS, PublishedRow, read_published

    published = read_published(path, data)  # every reading problem, located
    tables = read_tables(path, PUBLISHED_SHEETS)
    index = parse_table(tables["roster"], PublishedRow, label="staff", record_key="staff",
                        issues=[])
    first = data.policy.first_quarter
    rows: dict[tuple[str, int], Location] = {}
    written: dict[tuple[str, int], tuple[bool, str | None]] = {}
    for i, r in enumerate(index.records):
        key = (r.staff, r.quarter - first)
        if key in rows:
            continue
        rows[key] = index.loc(i, None, r.staff)
        # the parsed index keeps row numbers only: the note is a field of the record
        written[key] = (bool(r.kind and str(r.kind).strip()), r.note or None)
    cells = []
    for a in published.assignments:
        has_kind, note = written.get((a.staff, a.quarter), (False, None))
        cells.append((a.staff, a.quarter, a.center, a.kind if has_kind else None, note))
    try:
        alts = alternatives(data)
    except ScheduleError as exc:
        return HandCheck(RosterSolution(published.assignments), [Located(Violation("R5",
                                                                                   str(exc)))],
                         rows)
    best: tuple[int, RosterSolution, list[Violation]] | None = None
    with use_lang("en"):  # the located messages are read in English (locate), shown translated
        for alt in alts:
            sol = classify(data, cells, alt)
            found = check(data, sol)
            if best is None or len(found) < best[0]:
                best = (len(found), sol, found)
    assert best is not None
    _n, sol, found_en = best
    found = found_en if current_lang() == "en" else check(data, sol)
    return HandCheck(sol, [Located(v, locate(data, e, sol, rows))
                           for v, e in zip(found, found_en, strict=True)], rows)


_QUARTER = re.compile(r"quarter (\d+)")


def locate(data: RosterData, v: Violation, sol: RosterSolution,
           rows: dict[tuple[str, int], Location]) -> list[Location]:
    """The rows a violation concerns: the people its message names (in the quarter it names),
    else every row of the center or department it names in that quarter (``v``: the
    violation as the checker words it in English)."""
    text = v.message
    quarters = {int(m) - 1 for m in _QUARTER.findall(text)}
    quarters |= {q for q in range(data.policy.quarters)
                 if str(data.policy.first_quarter + q) in text}
    staff = {s.id: s for s in data.staff}
    people = [sid for sid in staff if re.search(rf"(?<![\w]){re.escape(sid)}(?![\w])", text)]
    by_q: dict[int, list[Assignment]] = defaultdict(list)
    for a in sol.assignments:
        by_q[a.quarter].append(a)
    keys: list[tuple[str, int]] = []
    if people:
        keys = [(a.staff, a.quarter) for a in sol.assignments
                if a.staff in people and (not quarters or a.quarter in quarters)]
    else:
        center = re.search(r"center '([^']+)'", text)
        dept = re.search(r"department '([^']+)'", text)
        for q in sorted(quarters):
            for a in by_q[q]:
                if (center and a.center == center.group(1)) or (
                        dept and staff[a.staff].department == dept.group(1)):
                    keys.append((a.staff, a.quarter))
    return [rows[k] for k in sorted(set(keys), key=lambda k: (rows[k].row or 0))
            if k in rows]
