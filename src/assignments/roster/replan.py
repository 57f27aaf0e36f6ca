"""Re-planning a published roster after events (DOMAIN §R "Changes", seed 篇1 三(四)).

The office republishes the roster when something happens. :func:`replan`

1. fixes the *frozen* quarters: those already started on the re-planning date, and the next
   ``announce`` quarters (announced; default 1, the next quarter) — rule R9, hard;
2. applies the events to the problem (:func:`apply_events`): unavailability and departures
   become unavailable periods (clipped to the quarters that may still change), deferral
   requests and promotion applications join the workbook's, seat changes change a center's
   seats from a quarter on, re-dispatches (from the assessment) become rule R10;
3. solves with the published roster as the reference of the fifth objective level,
   ``changes`` (people removed from a quarter, added to one, or moved to another center),
   in the order of the 目标顺序 parameter (default: after promotion, departures, mix and
   fairness), and checks the result with the independent checker;
4. lists every change with the event that caused it (:func:`attribute`).

No solver types here (the model is :mod:`assignments.roster.model`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict, deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import ConfigDict, field_validator

from assignments.core.calendar import Quarter
from assignments.core.errors import InputError, Issue, Location
from assignments.core.i18n import tr, trc, use_lang
from assignments.core.io import ColumnSpec, SheetSpec, read_tables
from assignments.core.schema import Schema, id_text, parse_table
from assignments.core.solver import Result
from assignments.roster._i18n import speaks_lang
from assignments.roster.data import (
    DeferralDecision,
    DeferralRequest,
    RedispatchTerm,
    ReplanTerms,
    RosterData,
    Unavailability,
)
from assignments.roster.events import Event, EventKind, EventLog
from assignments.roster.schedule import ScheduleError, alternatives
from assignments.roster.solution import Assignment, RosterSolution, changed_cells

__all__ = [
    "PUBLISHED_SHEETS",
    "Change",
    "Footprint",
    "ReplanOutcome",
    "apply_events",
    "attribute",
    "changes_table",
    "events_table",
    "frozen_count",
    "read_published",
    "replan",
]

C = ColumnSpec
PUBLISHED_SHEETS: tuple[SheetSpec, ...] = (
    SheetSpec(
        "roster",
        "排班",
        "roster",
        (
            C("quarter", "季度", "quarter", note="quarter, e.g. 2027Q1"),
            C("start", "交接日", "handover day", required=False),
            C("end", "结束日", "last day", required=False),
            C("center", "卫生院", "health center", note="center id or name", aliases=("center",)),
            C("staff", "工号", "staff id", note="staff id", aliases=("staff",)),
            C("name", "姓名", "name", required=False),
            C("department", "科室", "department", required=False),
            C("title", "职称", "title", required=False),
            C("specialty", "专业", "specialty", required=False),
            C("kind", "类型", "kind", required=False),
            C("note", "备注", "note", required=False),
        ),
        aliases=("排班表", "published roster"),
    ),
)

_KIND_TEXT = {
    "本科室轮次": "turn",
    "own turn": "turn",
    "晋升提前": "pulled",
    "promotion, pulled forward": "pulled",
    "换位补席": "swap",
    "seat swap": "swap",
    "重新下乡": "redo",
    "re-dispatch": "redo",
}


class PublishedRow(Schema):
    """A row of the published roster (the 排班 sheet written by ``roster solve``)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    quarter: Quarter
    center: str
    staff: str
    kind: str | None = None
    note: str | None = None  # 备注 as roster solve writes it (the hand check reads the seat)

    _ids = field_validator("center", "staff", mode="before")(
        lambda v: id_text(v) if v is not None else v
    )
    _q = field_validator("quarter", mode="before")(
        lambda v: Quarter.parse(v) if v not in (None, "") else v
    )


def read_published(path: str | Path, data: RosterData) -> RosterSolution:
    """Read a published roster (the 排班 sheet of ``roster.xlsx``) for ``data``.

    Raises
    ------
    InputError
        Unknown staff or center, a quarter outside the programme, a person twice in a quarter;
        located (file, sheet, row, column, staff id).
    """
    tables = read_tables(path, PUBLISHED_SHEETS)
    issues: list[Issue] = []
    index = parse_table(
        tables["roster"], PublishedRow, label="staff", record_key="staff", issues=issues
    )
    staff = {s.id for s in data.staff}
    centers = {c.id: c.id for c in data.centers}
    for c in data.centers:
        if c.name:
            centers.setdefault(c.name, c.id)
    first = data.policy.first_quarter
    periods = data.periods()
    seen: dict[tuple[str, int], int] = {}
    out: list[Assignment] = []
    for i, r in enumerate(index.records):
        ok = True
        if r.staff not in staff:
            issues.append(Issue(index.loc(i, "staff", r.staff),
                                tr("unknown staff '{staff}'", staff=r.staff)))
            ok = False
        if r.center not in centers:
            issues.append(Issue(index.loc(i, "center", r.staff),
                                tr("unknown center '{center}'", center=r.center)))
            ok = False
        q = r.quarter - first
        if not 0 <= q < data.policy.quarters:
            issues.append(
                Issue(
                    index.loc(i, "quarter", r.staff),
                    tr("quarter {quarter} is outside the programme {first}–{last}",
                       quarter=r.quarter, first=first, last=first + (data.policy.quarters - 1)),
                )
            )
            ok = False
        if not ok:
            continue
        row = index.rows[i]
        if (r.staff, q) in seen:
            issues.append(
                Issue(
                    index.loc(i, "staff", r.staff),
                    tr("'{staff}' is listed twice in {quarter} (first in row {row})",
                       staff=r.staff, quarter=r.quarter, row=seen[(r.staff, q)]),
                )
            )
            continue
        seen[(r.staff, q)] = row.number if row is not None else 0
        kind = _KIND_TEXT.get((r.kind or "").strip().lower(), "turn")
        a, b = periods[q]
        out.append(Assignment(r.staff, q, centers[r.center], a, b, kind))
    if issues:
        raise InputError(issues)
    return RosterSolution(assignments=out)


def frozen_count(data: RosterData, as_of: dt.date, announce: int) -> int:
    """Quarters kept as published: those started by ``as_of`` plus ``announce`` more."""
    started = sum(1 for start, _end in data.periods() if start <= as_of)
    return min(data.policy.quarters, started + max(0, announce))


@dataclass
class Footprint:
    """What an event touches, to tell which changes it caused.

    Attributes
    ----------
    event
        The event id.
    persons
        Staff the event names.
    cells
        (department, quarter index) whose seats or people the event affects.
    centers
        (center, quarter index) whose seats the event changes.
    quarters
        Quarter indices the event affects.
    """

    event: str
    persons: set[str] = field(default_factory=set)
    cells: set[tuple[str, int]] = field(default_factory=set)
    centers: set[tuple[str, int]] = field(default_factory=set)
    quarters: set[int] = field(default_factory=set)


@dataclass
class Effect:
    """How an event was applied (for the 事件 sheet)."""

    event: Event
    text: str
    warnings: list[str] = field(default_factory=list)


@dataclass
class Change:
    """One difference between the published and the new roster (a row of 变更).

    Attributes
    ----------
    staff, quarter
        The person and the quarter index.
    before, after
        Center ids (``None``: not serving that quarter).
    causes
        Ids of the events that caused it.
    how
        How the causes were found: ``"person"`` (the event names the person), ``"cell"`` (it
        touches the department's seats in that quarter), ``"center"`` (it changes the center's
        seats), ``"knock-on"`` (linked to a directly caused change, see ``via``) or ``"none"``.
    via
        For a knock-on effect: what links it (``"person"``, ``"cell"``, ``"quarter"``,
        ``"department"``).
    """

    staff: str
    quarter: int
    before: str | None
    after: str | None
    causes: list[str] = field(default_factory=list)
    how: str = "none"
    via: str = ""

    def why(self, data: RosterData, lang: str | None = None) -> str:
        """How the causes were found, in words (in ``lang``, default the current language)."""
        with use_lang(lang):
            if self.how == "knock-on":
                return tr("knock-on effect (via {via})", via=_via(self.via, _q(data, self.quarter)))
            return _how(self.how)

    @property
    def kind(self) -> str:
        """``removed``, ``added`` or ``moved``."""
        if self.after is None:
            return "removed"
        if self.before is None:
            return "added"
        return "moved"


@dataclass
class ReplanOutcome:
    """Everything a re-planning run produced.

    Attributes
    ----------
    data
        The re-planning problem (the workbook with the events applied and the R9/R10 terms).
    published
        The published roster.
    result
        The solve result (checked), whose solution is the new roster.
    changes
        Every difference from the published roster, each with its causes.
    effects
        How each event was applied.
    as_of, announce, frozen
        The re-planning date, the announce horizon and the number of frozen quarters.
    warnings
        Events that touch frozen quarters, and other notices.
    """

    data: RosterData
    published: RosterSolution
    result: Result[RosterSolution]
    changes: list[Change]
    effects: list[Effect]
    as_of: dt.date
    announce: int
    frozen: int
    warnings: list[str] = field(default_factory=list)


def _q(data: RosterData, q: int) -> str:
    return str(data.policy.first_quarter + q)


def _overlap(data: RosterData, start: dt.date, end: dt.date) -> list[int]:
    return [i for i, (a, b) in enumerate(data.periods()) if start <= b and a <= end]


def _turn_cells(data: RosterData, quarters: Sequence[int]) -> set[tuple[str, int]]:
    """(department, quarter) of every turn in these quarters, under any schedule alternative."""
    out: set[tuple[str, int]] = set()
    try:
        alts = alternatives(data)
    except ScheduleError:
        return out
    for alt in alts:
        for q in quarters:
            for t in alt.turns_in(q):
                out.add((t.dept, q))
    return out


def apply_events(
    data: RosterData,
    events: Sequence[Event],
    published: RosterSolution,
    frozen: int,
    *,
    log: EventLog | None = None,
) -> tuple[RosterData, list[Footprint], list[Effect]]:
    """The problem after the events, and what each event touches.

    Events act only on the quarters that may still change (from quarter index ``frozen`` on).
    An unavailable period that reaches into a frozen quarter where the person serves is kept
    out of the roster and reported (the rotation goes on; record it as leave, 请假).

    Raises
    ------
    InputError
        An event that cannot be applied: a deferral, seat change or deadline inside the frozen
        quarters, a deferral the published order does not allow, ... (located).
    """
    H = data.policy.quarters
    first = data.policy.first_quarter
    periods = data.periods()
    cut = periods[frozen][0] if frozen < H else None
    staff = {s.id: s.model_copy() for s in data.staff}
    depts = {d.id: d for d in data.departments}
    centers = {c.id: c for c in data.centers}
    unav = list(data.unavailability)
    deferrals = list(data.deferrals)
    seat_changes = list(data.seat_changes)
    redispatch: list[RedispatchTerm] = []
    redispatched: dict[str, Event] = {}  # staff -> the event re-dispatching them (R10: once)
    pub_q: dict[str, list[int]] = defaultdict(list)
    for a in published.assignments:
        pub_q[a.staff].append(a.quarter)
    issues: list[Issue] = []
    footprints: list[Footprint] = []
    effects: list[Effect] = []
    open_q = list(range(frozen, H))
    frozen_text = f"{_q(data, frozen - 1)}" if frozen else ""

    def loc(e: Event, key: str | None = None) -> Location:
        base = log.where(e.id) if log else Location(record=f"event '{e.id}'")
        column = None
        if key is not None:
            spec = next(c for c in _event_columns() if c.key == key)
            column = spec.header
        return dataclasses.replace(base, column=column or base.column)

    for e in events:
        fp = Footprint(e.id)
        eff = Effect(e, "")
        if e.kind in (EventKind.UNAVAILABLE, EventKind.LEFT):
            assert e.staff is not None and e.start is not None
            s = staff[e.staff]
            end = e.end if e.kind is EventKind.UNAVAILABLE else periods[-1][1]
            assert end is not None
            fp.persons.add(s.id)
            hit_frozen = [
                q for q in _overlap(data, e.start, end) if q < frozen and q in pub_q[s.id]
            ]
            for q in hit_frozen:
                eff.warnings.append(tr(
                    "{event}: {name} is away {start}–{end} during {quarter}, a frozen quarter in "
                    "which they serve; the rotation is kept (record the days as leave in the "
                    "activity log) — re-plan with a shorter announce horizon if {quarter} has "
                    "not started", event=e.id, name=s.label, start=e.start, end=end,
                    quarter=_q(data, q)))
            if cut is None or end < cut:
                eff.text = tr("only frozen quarters: no roster change")
            else:
                start = max(e.start, cut)
                reason = (e.reason or e.kind.zh) + f" [{e.id}]"
                unav.append(Unavailability(staff=s.id, start=start, end=end, reason=reason))
                qs = [q for q in _overlap(data, start, end) if q >= frozen]
                fp.quarters.update(qs)
                fp.cells.update((s.department, q) for q in qs)
                eff.text = tr("{name} unavailable {start}–{end}: {quarters}", name=s.label,
                              start=start, end=end,
                              quarters="、".join(_q(data, q) for q in qs) or tr("no quarter"))
        elif e.kind is EventKind.DEFERRAL:
            assert e.department is not None and e.quarter is not None
            qi = e.quarter - first
            d = depts[e.department]
            if qi < frozen:
                issues.append(
                    Issue(loc(e, "quarter"),
                          tr("{quarter} is frozen (started or announced, up to {frozen}); a "
                             "deferral can only move a later turn", quarter=e.quarter,
                             frozen=frozen_text))
                )
                continue
            trial = dataclasses.replace(data, deferrals=deferrals, seat_changes=seat_changes)
            try:
                alts = alternatives(trial)
            except ScheduleError:
                alts = []
            turn = next((a.turn_at(d.id, qi) for a in alts if a.turn_at(d.id, qi)), None)
            if turn is not None and turn.first is not None and turn.first < frozen:
                issues.append(
                    Issue(loc(e, "quarter"),
                          tr("{dept}'s turn that includes {quarter} started in {first}, a frozen "
                             "quarter; it can no longer be deferred", dept=d.label,
                             quarter=e.quarter, first=_q(data, turn.first)))
                )
                continue
            req = DeferralRequest(
                department=d.id,
                quarter=e.quarter,
                decision=e.decision or DeferralDecision.AUTO,
                reason=e.reason,
            )
            try:
                alternatives(dataclasses.replace(trial, deferrals=[*deferrals, req]))
            except ScheduleError as exc:
                issues.append(Issue(loc(e, "quarter"), str(exc)))
                continue
            deferrals.append(req)
            end_q = H - 1
            if turn is not None:
                same_cycle = [
                    q for a in alts for t in a.turns if t.cycle == turn.cycle for q in t.seats
                ]
                end_q = max(same_cycle, default=H - 1)
            qs = list(range(qi, end_q + 1))
            fp.quarters.update(qs)
            fp.cells.update((d.id, q) for q in range(qi, H))
            fp.cells.update(_turn_cells(trial, qs))
            eff.text = tr("{dept} defers its turn of {quarter} ({decision})", dept=d.label,
                          quarter=e.quarter, decision=req.decision.value)
        elif e.kind is EventKind.PROMOTION:
            assert e.staff is not None
            s = staff[e.staff]
            dl = e.deadline if e.deadline is not None else s.promotion_deadline
            if dl is not None and dl - first < frozen and not any(
                q <= dl - first for q in pub_q[s.id]
            ):
                issues.append(
                    Issue(loc(e, "deadline"),
                          tr("deadline {deadline} is in a frozen quarter (up to {frozen}) and "
                             "{name} has not served by then", deadline=dl, frozen=frozen_text,
                             name=s.label))
                )
                continue
            s.promotion_candidate = True
            s.promotion_deadline = dl
            last = min(H - 1, dl - first) if dl is not None else H - 1
            qs = list(range(frozen, last + 1))
            fp.persons.add(s.id)
            fp.quarters.update(qs)
            fp.cells.update(_turn_cells(data, qs))
            fp.cells.update((s.department, q) for q in open_q)
            eff.text = (tr("{name} is a promotion candidate, deadline {deadline}", name=s.label,
                           deadline=dl) if dl else
                        tr("{name} is a promotion candidate", name=s.label))
        elif e.kind is EventKind.REDISPATCH:
            assert e.staff is not None
            s = staff[e.staff]
            dl = H - 1 if e.deadline is None else e.deadline - first
            prior = redispatched.get(s.id)
            if prior is not None:
                # seed 篇1 四(三): a failed rotation is re-dispatched once (安排其重新下乡);
                # a second term would be met by the same extra rotation: silently void
                where = str(dataclasses.replace(loc(prior), column=None))
                issues.append(Issue(loc(e, "staff"), (
                    tr("{name} is already re-dispatched for the failed rotation of {quarter} "
                       "by event {first} ({where}): a failed rotation is re-dispatched once; "
                       "remove one of the two events", name=s.label, quarter=e.quarter,
                       first=prior.id, where=where)
                    if e.quarter is not None and e.quarter == prior.quarter else
                    tr("{name} is already re-dispatched by event {first} ({where}): a person "
                       "is re-dispatched once in a re-plan (one extra rotation would answer "
                       "both events); give the latest failed rotation only, and re-plan again "
                       "after it if it fails too", name=s.label, first=prior.id,
                       where=where))))
                continue
            redispatched[s.id] = e
            if e.quarter is not None and (e.quarter - first) not in pub_q[s.id]:
                eff.warnings.append(tr(
                    "{event}: {name} does not serve in {quarter} in the published roster",
                    event=e.id, name=s.label, quarter=e.quarter))
            if dl < frozen:
                issues.append(
                    Issue(loc(e, "deadline"),
                          tr("deadline {deadline} is in a frozen quarter (up to {frozen})",
                             deadline=e.deadline, frozen=frozen_text))
                )
                continue
            if frozen >= H:
                issues.append(
                    Issue(loc(e), tr("every quarter of the programme is frozen: nowhere to "
                                     "re-dispatch"))
                )
                continue
            redispatch.append(RedispatchTerm(s.id, frozen, dl, e.id))
            qs = list(range(frozen, dl + 1))
            fp.persons.add(s.id)
            fp.quarters.update(qs)
            fp.cells.update(_turn_cells(data, qs))
            eff.text = tr("{name} serves again between {first} and {last}, as early as possible",
                          name=s.label, first=_q(data, frozen), last=_q(data, dl))
        elif e.kind is EventKind.SEATS:
            assert e.center is not None and e.quarter is not None and e.seats is not None
            qi = e.quarter - first
            c = centers[e.center]
            if qi < frozen:
                issues.append(
                    Issue(loc(e, "quarter"),
                          tr("{quarter} is frozen (started or announced, up to {frozen}); seats "
                             "can change from a later quarter", quarter=e.quarter,
                             frozen=frozen_text))
                )
                continue
            seat_changes.append((c.id, qi, e.seats))
            qs = list(range(qi, H))
            fp.quarters.update(qs)
            fp.centers.update((c.id, q) for q in qs)
            fp.cells.update(_turn_cells(data, qs))
            eff.text = tr("{center} has {seats} seats from {quarter}", center=c.label,
                          seats=e.seats, quarter=e.quarter)
        else:
            eff.text = (
                tr("money only (no roster change): the penalty is in the ledger")
                if e.kind is EventKind.RECALL
                else tr("money only (no roster change): the refusal fine is in the ledger")
            )
        footprints.append(fp)
        effects.append(eff)
    if issues:
        raise InputError(issues)
    new = dataclasses.replace(
        data,
        staff=[staff[s.id] for s in data.staff],
        unavailability=unav,
        deferrals=deferrals,
        seat_changes=seat_changes,
        replan=ReplanTerms(
            published={(a.staff, a.quarter): a.center for a in published.assignments},
            frozen=frozen,
            redispatch=redispatch,
        ),
    )
    return new, footprints, effects


def _event_columns() -> tuple[ColumnSpec, ...]:
    from assignments.roster.events import EVENT_SHEETS

    return EVENT_SHEETS[0].columns


def attribute(
    data: RosterData, cells: Sequence[tuple[str, int, str | None, str | None]],
    footprints: Sequence[Footprint],
) -> list[Change]:
    """Name the event(s) behind every change.

    A change is caused *directly* by the events that name its person, else by those that
    touch its department in its quarter, else by those that change its center's seats then.
    Any other change is a knock-on effect: it is linked to the changes that share its person,
    its department or its quarter (the scopes of every rule and objective level), and takes
    the causes of the nearest directly caused change. A change with no path to any event is
    reported without a cause (the published roster was not optimal for the earlier levels).
    """
    dept = {s.id: s.department for s in data.staff}
    changes = [Change(sid, q, b, a) for sid, q, b, a in cells]
    direct: list[list[str]] = []
    for ch in changes:
        d = dept[ch.staff]
        found: list[str] = []
        for test, how in (
            (lambda f, ch=ch: ch.staff in f.persons, "person"),
            (lambda f, ch=ch, d=d: (d, ch.quarter) in f.cells, "cell"),
            (lambda f, ch=ch: (ch.before, ch.quarter) in f.centers
             or (ch.after, ch.quarter) in f.centers, "center"),
        ):
            found = [f.event for f in footprints if test(f)]
            if found:
                ch.causes = found
                ch.how = how
                break
        direct.append(found)
    # knock-on effects: breadth-first from the directly caused changes
    n = len(changes)
    by_key: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    for i, ch in enumerate(changes):
        by_key[("p", ch.staff)].append(i)
        by_key[("c", dept[ch.staff], ch.quarter)].append(i)
        by_key[("q", ch.quarter)].append(i)
        by_key[("d", dept[ch.staff])].append(i)
    dist = [0 if direct[i] else -1 for i in range(n)]
    via: list[str] = ["" for _ in range(n)]
    causes: list[set[str]] = [set(direct[i]) for i in range(n)]
    queue = deque(i for i in range(n) if direct[i])
    while queue:
        i = queue.popleft()
        ch = changes[i]
        for key, label in (
            (("p", ch.staff), "person"),
            (("c", dept[ch.staff], ch.quarter), "cell"),
            (("q", ch.quarter), "quarter"),
            (("d", dept[ch.staff]), "department"),
        ):
            for j in by_key[key]:
                if dist[j] == -1:
                    dist[j] = dist[i] + 1
                    via[j] = label
                    causes[j] = set(causes[i])
                    queue.append(j)
                elif dist[j] == dist[i] + 1 and not direct[j]:
                    causes[j] |= causes[i]
    for i, ch in enumerate(changes):
        if direct[i]:
            continue
        if dist[i] > 0:
            ch.causes = sorted(causes[i], key=_event_order(footprints))
            ch.how = "knock-on"
            ch.via = via[i]
    return changes


def _how(how: str) -> str:
    return {
        "person": tr("the event names the person"),
        "cell": tr("the event touches the department's seats in this quarter"),
        "center": tr("the event changes the center's seats"),
        "none": tr("no event: the published roster was not optimal for the earlier levels"),
    }[how]


def _via(via: str, quarter: str) -> str:
    return {
        "person": tr("the same person"),
        "cell": tr("the same department and quarter"),
        "quarter": tr("the same quarter {q}", q=quarter),
        "department": tr("the same department"),
    }[via]


def _event_order(footprints: Sequence[Footprint]) -> Any:
    order = {f.event: k for k, f in enumerate(footprints)}
    return lambda e: order.get(e, len(order))


@speaks_lang
def replan(
    data: RosterData,
    published: RosterSolution,
    events: EventLog | Sequence[Event] = (),
    *,
    as_of: dt.date | None = None,
    announce: int | None = None,
    minimize_changes: bool = True,
    time_limit: float = 60.0,
    seed: int = 0,
    num_workers: int = 2,
    deterministic: bool = False,
    engine: str = "auto",
    explain: bool = True,
    progress: bool = False,
    lang: str = "zh",
    on_progress: Any = None,
    stop: Any = None,
) -> ReplanOutcome:
    """Re-plan ``published`` after ``events``: frozen quarters kept, as few changes as possible.

    Parameters
    ----------
    data
        The roster problem (the workbook the published roster was made from).
    published
        The published roster (:func:`read_published`).
    events
        Events (:func:`assignments.roster.events.read_events`); none gives back the published
        roster when it is optimal for the workbook, as ``roster solve`` proves it.
    as_of
        The re-planning date; default: the events file's 重排日期, else the latest 报告日期 of
        the events, else today.
    announce
        Quarters announced after the running one (frozen too); default: the events file's
        公布季度数, else the workbook's (default 1).
    minimize_changes
        Whether changes are an objective level (``False`` re-solves from scratch with the
        frozen quarters kept: the comparison of ``scripts/bench_replan.py``).
    time_limit, seed, num_workers, deterministic, engine, explain, progress, lang
        As for :func:`assignments.roster.solve`.
    on_progress, stop
        As for :func:`assignments.roster.solve` (a web page's progress and cancel button):
        a stopped re-plan returns the best roster found so far, checked.

    Raises
    ------
    InputError
        Events that cannot be applied (located).
    """
    from assignments.roster.solve import solve

    log = events if isinstance(events, EventLog) else None
    event_list = list(events.events if isinstance(events, EventLog) else events)
    when = as_of or (log.as_of if log else None)
    source = "given"
    if when is None:
        reported = [e.reported for e in event_list if e.reported is not None]
        when = max(reported) if reported else dt.date.today()
        source = tr("the latest report date of the events") if reported else tr("today")
    horizon = announce if announce is not None else (
        log.announce if log and log.announce is not None else data.policy.announce_quarters
    )
    frozen = frozen_count(data, when, horizon)
    _check_frozen_seats(data, published, frozen)
    new, footprints, effects = apply_events(data, event_list, published, frozen, log=log)
    assert new.replan is not None
    new.replan.minimize_changes = minimize_changes
    warnings = [w for eff in effects for w in eff.warnings]
    if source != "given":
        warnings.append(tr("re-planning date {date} ({source})", date=when, source=source))
    if frozen >= data.policy.quarters:
        warnings.append(tr("every quarter of the programme is frozen: nothing can change"))
    result = solve(
        new,
        time_limit=time_limit,
        seed=seed,
        num_workers=num_workers,
        deterministic=deterministic,
        engine=engine,
        explain=explain,
        progress=progress,
        lang=lang,
        on_progress=on_progress,
        stop=stop,
    )
    result.warnings = [*warnings, *result.warnings]
    changes: list[Change] = []
    if result.solution is not None:
        changes = attribute(new, changed_cells(new, result.solution), footprints)
        result.stats["changes"] = len(changes)
    result.stats.update({"as_of": str(when), "announce": horizon, "frozen_quarters": frozen})
    return ReplanOutcome(
        data=new,
        published=published,
        result=result,
        changes=changes,
        effects=effects,
        as_of=when,
        announce=horizon,
        frozen=frozen,
        warnings=warnings,
    )


def _check_frozen_seats(data: RosterData, published: RosterSolution, frozen: int) -> None:
    """A frozen quarter of the published roster must fill every center's seats."""
    count: dict[tuple[str, int], int] = defaultdict(int)
    for a in published.assignments:
        count[(a.center, a.quarter)] += 1
    issues = []
    for q in range(min(frozen, data.policy.quarters)):
        for c in data.centers:
            n, need = count[(c.id, q)], data.center_seats(c.id, q)
            if n != need:
                issues.append(
                    Issue(
                        Location(record=tr("published roster, {quarter}", quarter=_q(data, q))),
                        tr("{center} has {n} people in frozen quarter {quarter}, its seats are "
                           "{need}; a frozen quarter is kept as published, so the published "
                           "roster must be complete there", center=c.label, n=n,
                           quarter=_q(data, q), need=need),
                    )
                )
    if issues:
        raise InputError(issues)


# ------------------------------------------------------------------ tables

def _kind_label(kind: str) -> str:
    return {"removed": tr("removed"), "added": tr("added"),
            "moved": tr("moved to another center")}[kind]


@speaks_lang
def changes_table(outcome: ReplanOutcome, *, lang: str = "zh") -> pd.DataFrame:
    """The 变更 (changes) sheet: one row per change, with its cause."""
    data = outcome.data
    staff = {s.id: s for s in data.staff}
    depts = {d.id: d for d in data.departments}
    centers = {c.id: c for c in data.centers}
    by_id = {e.event.id: e.event for e in outcome.effects}
    columns = [tr("quarter"), tr("staff id"), tr("name"), tr("department"),
               tr("published center"), tr("new center"), tr("change"), tr("cause (events)"),
               trc("changes", "event"), tr("how")]
    rows = []
    for ch in outcome.changes:
        s = staff[ch.staff]
        rows.append(
            {
                tr("quarter"): _q(data, ch.quarter),
                tr("staff id"): ch.staff,
                tr("name"): s.label,
                tr("department"): depts[s.department].label,
                tr("published center"): centers[ch.before].label
                if ch.before
                else "",
                tr("new center"): centers[ch.after].label if ch.after else "",
                tr("change"): _kind_label(ch.kind),
                tr("cause (events)"): "、".join(ch.causes),
                trc("changes", "event"): "；".join(
                    by_id[e].describe(data) for e in ch.causes if e in by_id
                ),
                tr("how"): ch.why(data, lang),
            }
        )
    return pd.DataFrame(rows, columns=columns)


@speaks_lang
def events_table(outcome: ReplanOutcome, *, lang: str = "zh") -> pd.DataFrame:
    """The 事件 (events) sheet: every event and what the re-planner did with it."""
    zh = lang == "zh"  # the event kind's name
    caused: dict[str, int] = defaultdict(int)
    for ch in outcome.changes:
        for e in ch.causes:
            caused[e] += 1
    rows = []
    for eff in outcome.effects:
        e = eff.event
        rows.append(
            {
                tr("id"): e.id,
                tr("kind"): e.kind.zh if zh else e.kind.value,
                tr("event"): e.describe(outcome.data),
                tr("effect"): eff.text,
                tr("changes caused"): caused[e.id],
                tr("warnings"): "；".join(eff.warnings),
            }
        )
    return pd.DataFrame(rows)


@speaks_lang
def summary_lines(outcome: ReplanOutcome, *, lang: str = "zh") -> list[str]:
    """The re-planning part of the printed summary."""
    data = outcome.data
    fz = (
        f"{_q(data, 0)}–{_q(data, outcome.frozen - 1)}"
        if outcome.frozen
        else tr("none")
    )
    lines = [
        tr("Re-planning date: {date}   frozen quarters: {frozen} (started or announced, "
           "announce horizon {announce})", date=outcome.as_of, frozen=fz,
           announce=outcome.announce),
        tr("Events: {events}   changes: {changes}", events=len(outcome.effects),
           changes=str(len(outcome.changes)) if outcome.result.solution is not None else "—"),
    ]
    centers = {c.id: c.label for c in data.centers}
    staff = {x.id: x for x in data.staff}
    for ch in outcome.changes[:30]:
        s = staff[ch.staff]
        before = centers.get(ch.before or "", "")
        after = centers.get(ch.after or "", "")
        what = {"removed": f"- {before}", "added": f"+ {after}"}.get(
            ch.kind, f"{before} → {after}"
        )
        lines.append(
            f"  {_q(data, ch.quarter)} {s.label}: {what}  ["
            + ("、".join(ch.causes) or "—") + "]"
        )
    if len(outcome.changes) > 30:
        lines.append(tr("  … {n} more in the changes sheet", n=len(outcome.changes) - 30))
    return lines
