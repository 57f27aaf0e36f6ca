"""The published order as seats over quarters (DOMAIN §R rules 4 and 5), in plain Python.

List the departments in published order, each repeated as many times as its turn size; cut
that list into consecutive groups of "seats per quarter": group *k* is quarter *k*'s baseline.
When the list is used up a new cycle starts from the top (and the deferral ledger resets).
A deferral moves a department's block inside its cycle: ``next`` (自动后延) moves it to the next
batch — past the departments that follow it until its turn no longer has a seat in the requested
quarter, so it starts in the first later quarter in which other departments serve, and those
it passed move up; ``last`` moves it to the end of the cycle. A request whose move would leave
every department's seats as they were (e.g. ``last`` for a department already sharing the
cycle's last quarter with the departments after it) is *not needed*: nothing moves and the
department's one deferral of the cycle is not used (:attr:`Schedule.not_needed`).

Both the model and the independent checker use this module: it *defines* the published order.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from assignments.core.i18n import tr
from assignments.roster.data import DeferralDecision, DeferralRequest, RosterData

__all__ = [
    "Block",
    "Schedule",
    "ScheduleError",
    "Turn",
    "alternatives",
    "build_schedule",
    "schedule_of",
]

MAX_AUTO_ALTERNATIVES = 64


class ScheduleError(ValueError):
    """A deferral that cannot be applied (explained in the user's terms)."""


@dataclass(frozen=True)
class Block:
    """One department's turn in one cycle, before it is cut into quarters."""

    dept: str
    cycle: int
    size: int


@dataclass
class Turn:
    """A department's turn: how many seats it fills in which quarters.

    Attributes
    ----------
    seats
        quarter index -> seats of this turn in that quarter (inside the horizon only).
    beyond
        Seats of the turn that fall after the last quarter of the programme.
    deferred
        The deferral applied to this turn, if any.
    """

    dept: str
    cycle: int
    position: int
    size: int
    seats: dict[int, int] = field(default_factory=dict)
    beyond: int = 0
    deferred: DeferralDecision | None = None

    @property
    def first(self) -> int | None:
        return min(self.seats) if self.seats else None

    @property
    def last(self) -> int | None:
        return max(self.seats) if self.seats else None


@dataclass
class Schedule:
    """Turns of every department after the deferrals, cut into quarters."""

    turns: list[Turn]
    seats: list[int]
    choices: dict[tuple[str, int], DeferralDecision]  # (dept, cycle) -> applied decision
    auto: dict[tuple[str, int], DeferralDecision] = field(default_factory=dict)
    applied: list[tuple[str, int]] = field(default_factory=list)  # per request: (dept, cycle)
    not_needed: set[int] = field(default_factory=set)  # requests (indices) that move nothing

    _in_q: dict[int, list[Turn]] | None = field(default=None, init=False, repr=False,
                                                compare=False)

    def _index(self) -> dict[int, list[Turn]]:
        """Quarter -> turns with seats in it, in schedule order (built once; turns are not
        changed after the schedule is cut)."""
        if self._in_q is None:
            self._in_q = {}
            for t in self.turns:
                for q, n in t.seats.items():
                    if n > 0:
                        self._in_q.setdefault(q, []).append(t)
        return self._in_q

    def demand(self, dept: str, q: int) -> int:
        """Seats of ``dept``'s turns in quarter ``q``."""
        return sum(t.seats[q] for t in self._index().get(q, ()) if t.dept == dept)

    def turns_in(self, q: int) -> list[Turn]:
        return list(self._index().get(q, ()))

    def turn_at(self, dept: str, q: int) -> Turn | None:
        """The turn of ``dept`` that has seats in quarter ``q``."""
        return next((t for t in self._index().get(q, ()) if t.dept == dept), None)

    def next_turn(self, dept: str, q: int) -> Turn | None:
        """The first turn of ``dept`` starting after quarter ``q`` (may lie beyond the horizon)."""
        best = None
        for t in self.turns:
            if t.dept != dept:
                continue
            start = t.first if t.first is not None else len(self.seats)
            if start > q and (best is None or (best.cycle, best.position) > (t.cycle, t.position)):
                best = t
        return best

    def baseline_equal(self, other: Schedule) -> bool:
        return _signature(self.turns) == _signature(other.turns)

    def decision(self, k: int) -> DeferralDecision | None:
        """The decision applied for request ``k``; ``None`` when the request is not needed."""
        return None if k in self.not_needed else self.choices[self.applied[k]]

    def requests(
        self, data: RosterData
    ) -> tuple[
        list[tuple[str, int, DeferralDecision]], list[tuple[str, int, DeferralDecision]]
    ]:
        """``data``'s deferral requests as ``(department, quarter index, decision)``: those
        applied (``auto`` resolved) and those not needed (with the decision asked for)."""
        first = data.policy.first_quarter
        done, idle = [], []
        for k, r in enumerate(data.deferrals):
            dec = self.decision(k)
            if dec is None:
                idle.append((r.department, r.quarter - first, r.decision))
            else:
                done.append((r.department, r.quarter - first, dec))
        return done, idle


def _signature(turns: Sequence[Turn]) -> dict[tuple[str, int], tuple[Any, int]]:
    """Where every department's turns lie: (department, cycle) -> (seats by quarter, seats
    beyond the programme). Two schedules with the same signature give the same roster."""
    return {(t.dept, t.cycle): (tuple(sorted(t.seats.items())), t.beyond) for t in turns}


def _cycles_needed(sizes: Sequence[int], seats: Sequence[int]) -> int:
    per_cycle = sum(sizes)
    total = sum(seats)
    return max(1, -(-total // per_cycle)) + 1  # one more cycle: turns beyond the horizon


def build_schedule(
    order: Sequence[tuple[str, int]],
    seats: Sequence[int],
    deferrals: Sequence[tuple[str, int, DeferralDecision]] = (),
) -> Schedule:
    """Cut the published order into quarters, applying deferrals in order of their quarter.

    Parameters
    ----------
    order
        ``(department id, turn size)`` in published order.
    seats
        Seats to fill in each quarter of the programme.
    deferrals
        ``(department id, quarter index, next|last)``; the quarter names the turn to defer.

    Raises
    ------
    ScheduleError
        When a deferral names a quarter where the department has no turn, a second deferral
        in the same cycle, or ``next`` for the last department of a cycle.
    """
    sizes = [s for _, s in order]
    n_cycles = _cycles_needed(sizes, seats)
    cycles: list[list[Block]] = [[Block(d, c, s) for d, s in order] for c in range(n_cycles)]
    choices: dict[tuple[str, int], DeferralDecision] = {}
    applied: list[tuple[str, int]] = [("", -1)] * len(deferrals)
    not_needed: set[int] = set()
    for k in sorted(range(len(deferrals)), key=lambda k: deferrals[k][1]):
        dept, q, decision = deferrals[k]
        turns = _cut(cycles, seats, choices)
        turn = next((t for t in turns if t.dept == dept and t.seats.get(q, 0) > 0), None)
        if turn is None:
            mine = [t for t in turns if t.dept == dept and t.seats]
            where = (
                ", ".join(
                    tr("cycle {cycle}: quarter {quarter}", cycle=t.cycle + 1,
                       quarter=t.first + 1)  # type: ignore[operator]
                    for t in mine
                )
                or tr("none inside the programme")
            )
            raise ScheduleError(
                tr("department '{dept}' has no turn in quarter {quarter} of the programme, so "
                   "there is nothing to defer (its turns: {where})", dept=dept, quarter=q + 1,
                   where=where)
            )
        c = turn.cycle
        if (dept, c) in choices:
            raise ScheduleError(
                tr("department '{dept}' already deferred in cycle {cycle}; only one deferral "
                   "per department per cycle is allowed", dept=dept, cycle=c + 1)
            )
        blocks = cycles[c]
        i = next(k for k, b in enumerate(blocks) if b.dept == dept)
        before, saved = _signature(turns), list(blocks)
        if decision is DeferralDecision.NEXT:
            if i == len(blocks) - 1:
                raise ScheduleError(
                    tr("department '{dept}' is the last of cycle {cycle}; 'next' has no "
                       "following department in the cycle to swap with", dept=dept,
                       cycle=c + 1)
                )
            # the next batch: pass the following departments until the turn starts after q
            slot = c * sum(b.size for b in blocks) + sum(b.size for b in blocks[:i])
            end_q = sum(seats[: q + 1])
            j = i
            while slot < end_q and j + 1 < len(blocks):
                j += 1
                slot += blocks[j].size
            if slot < end_q:
                raise ScheduleError(
                    tr("department '{dept}': every department after it in cycle {cycle} also "
                       "serves in quarter {quarter}, so 'next' cannot move its turn to a later "
                       "batch", dept=dept, cycle=c + 1, quarter=q + 1)
                )
            blocks.insert(j, blocks.pop(i))
        elif decision is DeferralDecision.LAST:
            blocks.append(blocks.pop(i))
        else:  # pragma: no cover - AUTO is resolved by alternatives()
            raise ScheduleError("an 'auto' deferral must be resolved before building")
        applied[k] = (dept, c)
        if _signature(_cut(cycles, seats, choices)) == before:
            # the move changes nobody's seats: not needed, the deferral is not used (R5)
            blocks[:] = saved
            not_needed.add(k)
            continue
        choices[(dept, c)] = decision
    return Schedule(
        _cut(cycles, seats, choices), list(seats), choices, applied=applied, not_needed=not_needed
    )


def _cut(
    cycles: list[list[Block]],
    seats: Sequence[int],
    choices: dict[tuple[str, int], DeferralDecision],
) -> list[Turn]:
    bounds = list(itertools.accumulate(seats, initial=0))  # quarter q = [bounds[q], bounds[q+1])
    horizon = bounds[-1]
    turns: list[Turn] = []
    slot = 0
    for cycle in cycles:
        for pos, b in enumerate(cycle):
            t = Turn(b.dept, b.cycle, pos, b.size, deferred=choices.get((b.dept, b.cycle)))
            start, end = slot, slot + b.size
            for q in range(len(seats)):
                lo, hi = max(start, bounds[q]), min(end, bounds[q + 1])
                if hi > lo:
                    t.seats[q] = hi - lo
            t.beyond = max(0, end - max(start, horizon))
            turns.append(t)
            slot = end
    return turns


def data_order(data: RosterData) -> list[tuple[str, int]]:
    """``(department id, turn size)`` in published order."""
    return [(d.id, data.turn_size(d)) for d in data.departments]


def schedule_of(
    data: RosterData, deferrals: Sequence[tuple[str, int, DeferralDecision]] = ()
) -> Schedule:
    """The turn schedule of ``data`` with a solution's applied ``deferrals``."""
    return build_schedule(data_order(data), data.quarter_seats(), deferrals)


def baseline(data: RosterData) -> Schedule:
    """The published order without any deferral."""
    return build_schedule(data_order(data), data.quarter_seats())


def _qi(data: RosterData, r: DeferralRequest) -> int:
    return r.quarter - data.policy.first_quarter  # type: ignore[return-value]


def alternatives(data: RosterData) -> list[Schedule]:
    """Every schedule the office's decisions allow: ``auto`` requests try ``next`` and ``last``.

    Raises
    ------
    ScheduleError
        When no combination of the requests can be applied (the first reason is given), or
        there are too many ``auto`` requests to try them all.
    """
    order = data_order(data)
    seats = data.quarter_seats()
    autos = [r for r in data.deferrals if r.decision is DeferralDecision.AUTO]
    if 2 ** len(autos) > MAX_AUTO_ALTERNATIVES:
        raise ScheduleError(
            tr("{n} deferral requests are marked 'auto'; at most {max} can be left to the "
               "solver — decide the others (next or last)", n=len(autos),
               max=MAX_AUTO_ALTERNATIVES.bit_length() - 1)
        )
    out: list[Schedule] = []
    first_error: ScheduleError | None = None
    for combo in itertools.product(
        (DeferralDecision.NEXT, DeferralDecision.LAST), repeat=len(autos)
    ):
        chosen = dict(zip((id(r) for r in autos), combo, strict=True))
        requests = [
            (r.department, _qi(data, r), chosen.get(id(r), r.decision)) for r in data.deferrals
        ]
        try:
            s = build_schedule(order, seats, requests)
        except ScheduleError as exc:
            first_error = first_error or exc
            continue
        for k, r in enumerate(data.deferrals):
            if r.decision is DeferralDecision.AUTO and k not in s.not_needed:
                s.auto[s.applied[k]] = chosen[id(r)]
        out.append(s)
    # 'auto' never picks a move that changes nothing when one that moves the turn exists, and
    # two choices that lay the turns out alike are one alternative (the first, 'next')
    auto_k = [k for k, r in enumerate(data.deferrals) if r.decision is DeferralDecision.AUTO]
    for k in auto_k:
        if any(k not in s.not_needed for s in out):
            out = [s for s in out if k not in s.not_needed]
    unique: list[Schedule] = []
    for s in out:
        if not any(_signature(u.turns) == _signature(s.turns) for u in unique):
            unique.append(s)
    out = unique
    if not out:
        assert first_error is not None
        raise first_error
    return out


@dataclass(frozen=True)
class Service:
    """How a person of ``dept`` would serve in quarter ``q`` under a schedule.

    ``kind`` is ``"turn"`` (their department's turn has seats in ``q``) or ``"pulled"`` (a
    promotion candidate pulled forward, credited to ``turn``, the department's next turn).
    """

    kind: str
    turn: Turn | None

    @property
    def cycle(self) -> int:
        """The cycle the service counts in (rule 7): that of the credited turn."""
        assert self.turn is not None
        return self.turn.cycle


def classify(schedule: Schedule, dept: str, q: int, candidate: bool) -> Service | None:
    """How a person of ``dept`` may serve in quarter ``q`` in their department's own turn, or
    pulled forward as a promotion candidate; ``None`` when neither applies."""
    turn = schedule.turn_at(dept, q)
    if turn is not None:
        return Service("turn", turn)
    if not candidate:
        return None
    nxt = schedule.next_turn(dept, q)
    return Service("pulled", nxt) if nxt is not None else None


def previous_turn(schedule: Schedule, dept: str, q: int) -> Turn | None:
    """The last turn of ``dept`` that starts before quarter ``q``.

    A department that gave a seat of its turn to a pulled-forward candidate fills it later, at
    the candidate's department's turn (the seat swap of rule 6); that service counts in the
    cycle of the turn that gave the seat.
    """
    best = None
    for t in schedule.turns:
        if (
            t.dept == dept
            and t.first is not None
            and t.first < q
            and (best is None or (t.cycle, t.position) > (best.cycle, best.position))
        ):
            best = t
    return best
