"""A roster solution and its independent checker (no solver imports here).

:func:`check` lists every violated hard rule of DOMAIN §R (``Violation("R4", ...)``, keys of
:data:`assignments.roster.rules.RULES`); :func:`objective_levels` recomputes the objective
levels from the roster alone. Every result of :func:`assignments.roster.solve` passes both
before it is returned, and the tests assert it.

The checker is independent of the model: it lays out the published order, the turns, the
cycles and the deferral moves itself (:class:`Layout`, written from DOMAIN §R rules 4 and 5),
and classifies each service (own turn, pulled forward, seat swap) from that layout, importing
nothing that :mod:`assignments.roster.schedule` or the model use to build them.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from assignments.core.i18n import tr
from assignments.core.rules import Violation
from assignments.roster.data import DeferralDecision, RosterData, Staff, Title

__all__ = [
    "Assignment",
    "Layout",
    "RosterSolution",
    "Violation",
    "changed_cells",
    "check",
    "fair_turns",
    "fairness_cost",
    "fairness_unit",
    "objective_levels",
    "ranks",
]


@dataclass(frozen=True)
class Assignment:
    """One person at one center for one whole quarter.

    Attributes
    ----------
    staff, center
        Ids.
    quarter
        Quarter index (0 = the programme's first quarter).
    start, end
        Handover day and the day before the next handover.
    kind
        ``"turn"``: in the department's own turn; ``"pulled"``: a promotion candidate pulled
        forward (rule 6); ``"swap"``: filling, at a candidate's department's turn, the seat
        this department gave to a pulled-forward candidate earlier (the seat swap of rule 6);
        ``"redo"``: a re-dispatched person (rule 10, re-planning) in a seat given by the
        department whose turn it is.
    seat_from
        For a pulled-forward candidate or a re-dispatched person: the department whose turn
        gave up the seat.
    credit_quarter
        For a pulled-forward candidate: the quarter of their own department's turn that sends
        one person fewer (``None`` when that turn lies beyond the programme).
    """

    staff: str
    quarter: int
    center: str
    start: date
    end: date
    kind: str = "turn"
    seat_from: str | None = None
    credit_quarter: int | None = None

    @property
    def pulled_forward(self) -> bool:
        return self.kind == "pulled"


@dataclass
class RosterSolution:
    """The roster: assignments plus the deferrals applied (``auto`` ones resolved), and the
    requests reported "not needed" (无需后延: their move would change nobody's seats, so the
    department's deferral of the cycle is not used; with the decision asked for)."""

    assignments: list[Assignment]
    deferrals: list[tuple[str, int, DeferralDecision]] = field(default_factory=list)
    not_needed: list[tuple[str, int, DeferralDecision]] = field(default_factory=list)

    def by_quarter(self) -> dict[int, list[Assignment]]:
        out: dict[int, list[Assignment]] = defaultdict(list)
        for a in self.assignments:
            out[a.quarter].append(a)
        return out


@dataclass
class _Turn:
    """One department's turn in one cycle, as the checker lays it out."""

    dept: str
    cycle: int
    position: int  # place in its cycle after the deferrals
    seats: dict[int, int]  # quarter index -> seats of this turn there (inside the programme)
    beyond: int  # seats of the turn after the programme's last quarter

    @property
    def start(self) -> int | None:
        return min(self.seats) if self.seats else None


class Layout:
    """The published order laid out over the quarters, with the deferrals applied.

    DOMAIN §R rule 4: list the departments in published order, each repeated as many times as
    its turn size; cut that list into consecutive groups of each quarter's seats — group *k* is
    quarter *k*; when the list is used up a new cycle starts from the top. Rule 5: a deferral
    moves the department's turn inside its cycle — ``next`` (自动后延) to the next batch: it
    goes behind as many of the departments that follow it as it takes for its turn to have no
    seat left in the requested quarter (they move up); ``last`` goes to the end of the cycle —
    once per department and cycle. A move after which every department has the same seats in
    every quarter changes nothing: as an applied deferral it is listed in :attr:`idle` (it
    must not use the department's deferral), and a request reported not needed whose move
    would change something is listed in :attr:`needed`. One cycle more than the programme
    needs is laid out, so that every department's next turn exists (it may lie after the
    programme).

    Raises
    ------
    ValueError
        When a deferral cannot be applied (no turn in that quarter, a second one in a cycle,
        ``next`` for the last department of a cycle or when no later batch exists in it).
    """

    def __init__(
        self,
        data: RosterData,
        deferrals: Sequence[tuple[str, int, DeferralDecision]] = (),
        not_needed: Sequence[tuple[str, int, DeferralDecision]] = (),
    ) -> None:
        self.sizes = {d.id: data.turn_size(d) for d in data.departments}
        self.seats = list(data.quarter_seats())
        per_cycle = sum(self.sizes.values())
        cycles = max(1, -(-sum(self.seats) // max(1, per_cycle))) + 1
        self.cycles: list[list[str]] = [[d.id for d in data.departments] for _ in range(cycles)]
        self.deferred: dict[tuple[str, int], DeferralDecision] = {}
        self.idle: list[tuple[str, int, DeferralDecision]] = []
        self.needed: list[tuple[str, int, DeferralDecision]] = []
        self.turns = self._cut()
        requests = [(r, True) for r in deferrals] + [(r, False) for r in not_needed]
        for (dept, q, decision), used in sorted(requests, key=lambda x: x[0][1]):
            turn = next((t for t in self.turns if t.dept == dept and t.seats.get(q, 0)), None)
            if turn is None:
                raise ValueError(tr("department '{dept}' has no turn in quarter {quarter} to defer",
                                    dept=dept, quarter=q + 1))
            c = turn.cycle
            if not used:  # reported not needed: no decision may move anything
                options = ([DeferralDecision.NEXT, DeferralDecision.LAST]
                           if decision is DeferralDecision.AUTO else [decision])
                for dec in options:
                    moved = self._moved(c, dept, q, dec)
                    if moved is not None and self._layout(c, moved) != self._where():
                        self.needed.append((dept, q, dec))
                continue
            if (dept, c) in self.deferred:
                raise ValueError(tr("department '{dept}' defers twice in cycle {cycle}",
                                    dept=dept, cycle=c + 1))
            moved = self._moved(c, dept, q, decision)
            if moved is None:
                raise ValueError(tr("department '{dept}' in cycle {cycle}: '{decision}' cannot "
                                    "move its turn out of quarter {quarter} (no later batch "
                                    "in the cycle)", dept=dept, cycle=c + 1,
                                    decision=decision.value, quarter=q + 1))
            before = self._where()
            self.cycles[c] = moved
            self.turns = self._cut()
            if self._where() == before:
                self.idle.append((dept, q, decision))
            self.deferred[(dept, c)] = decision

    def _moved(self, c: int, dept: str, q: int, decision: DeferralDecision) -> list[str] | None:
        """Cycle ``c``'s order after deferring ``dept`` (its turn in quarter ``q``); ``None``
        when the move is impossible."""
        order = self.cycles[c]
        i = order.index(dept)
        rest = order[:i] + order[i + 1:]
        if decision is DeferralDecision.LAST:
            return [*rest, dept]
        for j in range(i + 1, len(order)):  # behind order[i+1..j]: the first that leaves q
            trial = [*rest[:j], dept, *rest[j:]]
            if not self._layout(c, trial)[(dept, c)][0].get(q):
                return trial
        return None

    def _layout(
        self, c: int, order: list[str]
    ) -> dict[tuple[str, int], tuple[dict[int, int], int]]:
        saved = self.cycles[c]
        self.cycles[c] = order
        try:
            return {(t.dept, t.cycle): (t.seats, t.beyond) for t in self._cut()}
        finally:
            self.cycles[c] = saved

    def _where(self) -> dict[tuple[str, int], tuple[dict[int, int], int]]:
        return {(t.dept, t.cycle): (t.seats, t.beyond) for t in self.turns}

    def _cut(self) -> list[_Turn]:
        """Walk the seats of every cycle in order and cut them at the quarters' seats."""
        ends = list(itertools.accumulate(self.seats))  # quarter q holds seats [ends[q-1], ends[q])
        horizon = ends[-1] if ends else 0
        turns: list[_Turn] = []
        seat = 0
        for c, order in enumerate(self.cycles):
            for pos, dept in enumerate(order):
                lo, hi = seat, seat + self.sizes[dept]
                here: dict[int, int] = {}
                for q, end in enumerate(ends):
                    start = end - self.seats[q]
                    n = min(hi, end) - max(lo, start)
                    if n > 0:
                        here[q] = n
                turns.append(_Turn(dept, c, pos, here, max(0, hi - max(lo, horizon))))
                seat = hi
        return turns

    def demand(self, dept: str, q: int) -> int:
        """Seats of ``dept``'s turns in quarter ``q``."""
        return sum(t.seats.get(q, 0) for t in self.turns if t.dept == dept)

    def depts_in(self, q: int) -> set[str]:
        """Departments whose turn has seats in quarter ``q``."""
        return {t.dept for t in self.turns if t.seats.get(q, 0)}

    def own_turn(self, dept: str, q: int) -> _Turn | None:
        """The turn of ``dept`` with seats in ``q`` (rule 4)."""
        return next((t for t in self.turns if t.dept == dept and t.seats.get(q, 0)), None)

    def next_turn(self, dept: str, q: int) -> _Turn | None:
        """The first turn of ``dept`` that starts after ``q`` (a pulled-forward candidate is
        credited to it, rule 6); a turn after the programme counts as starting after it."""
        later = [t for t in self.turns if t.dept == dept
                 and (t.start if t.start is not None else len(self.seats)) > q]
        return min(later, key=lambda t: (t.cycle, t.position), default=None)

    def last_turn_before(self, dept: str, q: int) -> _Turn | None:
        """The latest turn of ``dept`` that starts before ``q`` (a seat swap counts in its
        cycle, rule 6)."""
        earlier = [t for t in self.turns if t.dept == dept and t.start is not None
                   and t.start < q]
        return max(earlier, key=lambda t: (t.cycle, t.position), default=None)


def ranks(data: RosterData) -> dict[str, int]:
    """Fairness rank inside each department: 0 = should go first.

    People who have served least go first, then those who served longest ago (never before
    counts as longest ago), then by staff id.
    """
    out: dict[str, int] = {}
    by_dept: dict[str, list[Staff]] = defaultdict(list)
    for s in data.staff:
        by_dept[s.department].append(s)
    for members in by_dept.values():
        members.sort(
            key=lambda s: (
                s.times_served,
                (s.last_served.year, s.last_served.q) if s.last_served else (0, 0),
                s.id,
            )
        )
        for r, s in enumerate(members):
            out[s.id] = r
    return out


def fairness_unit(data: RosterData) -> int:
    """``B``, the weight of one rotation in the fairness level: the size of the largest
    department (so ``B`` exceeds every difference of two fairness ranks).

    A service that is a person's ``k``-th in the roster costs ``B × (past + k − 1) + rank``
    (``past`` = 下乡次数 before the programme, ``rank`` from :func:`ranks`): the cost of a
    person is convex in their total rotations, past and planned, so a colleague with fewer in
    total goes first, and among equal totals the one ranked first (fewer past rotations, then
    longest ago, then staff id).
    """
    sizes = Counter(s.department for s in data.staff)
    return max(sizes.values(), default=1)


def fairness_cost(data: RosterData, planned: dict[str, int]) -> int:
    """The fairness level of a roster that sends each person ``planned[id]`` times:
    ``Σ_p Σ_{k=1..n_p} B × (past_p + k − 1) + rank_p`` (see :func:`fairness_unit`)."""
    rank = ranks(data)
    unit = fairness_unit(data)
    total = 0
    for s in data.staff:
        n = planned.get(s.id, 0)
        total += n * (unit * s.times_served + rank[s.id]) + unit * n * (n - 1) // 2
    return total


def _title_need(data: RosterData, center_id: str, q: int) -> int:
    c = next(c for c in data.centers if c.id == center_id)
    seats = data.center_seats(center_id, q)
    if c.min_intermediate is not None:
        return min(c.min_intermediate, seats)
    return min(data.policy.title_rule.required(seats), seats)


def check(data: RosterData, sol: RosterSolution) -> list[Violation]:
    """Every violated hard rule of DOMAIN §R (an empty list for a valid roster)."""
    v: list[Violation] = []
    H = data.policy.quarters
    staff = {s.id: s for s in data.staff}
    centers = {c.id: c for c in data.centers}
    periods = data.periods()

    # the deferrals must be those the office asked for ('auto' may be resolved either way)
    asked = Counter((r.department, r.quarter - data.policy.first_quarter) for r in data.deferrals)
    given = Counter((d, q) for d, q, _ in [*sol.deferrals, *sol.not_needed])
    if asked != given:
        v.append(
            Violation(
                "R5",
                tr("deferrals applied {given} differ from the requests {asked}",
                   given=sorted(given), asked=sorted(asked)),
            )
        )
    for r in data.deferrals:
        if r.decision is not DeferralDecision.AUTO:
            qi = r.quarter - data.policy.first_quarter
            if (r.department, qi, r.decision) not in [*sol.deferrals, *sol.not_needed]:
                v.append(
                    Violation(
                        "R5",
                        tr("request of '{dept}' for {quarter} was decided '{decision}' but not "
                           "applied so",
                           dept=r.department, quarter=r.quarter, decision=r.decision.value),
                    )
                )
    try:
        lay = Layout(data, list(sol.deferrals), list(sol.not_needed))
    except ValueError as exc:
        return [*v, Violation("R5", str(exc))]
    first_q = data.policy.first_quarter
    for d, q, dec in lay.idle:
        v.append(Violation("R5", tr("the deferral of '{dept}' in {quarter} ('{decision}') moves "
                                    "nothing, yet it uses the department's deferral of the "
                                    "cycle (it is not needed)", dept=d, quarter=first_q + q,
                                    decision=dec.value)))
    for d, q, dec in lay.needed:
        v.append(Violation("R5", tr("the request of '{dept}' for {quarter} is reported not "
                                    "needed, but '{decision}' would move its turn", dept=d,
                                    quarter=first_q + q, decision=dec.value)))

    seen_cell: set[tuple[str, int]] = set()
    for a in sol.assignments:
        if a.staff not in staff:
            v.append(Violation("data", tr("unknown staff '{staff}'", staff=a.staff)))
            continue
        if a.center not in centers:
            v.append(Violation("data", tr("unknown center '{center}'", center=a.center)))
        if not 0 <= a.quarter < H:
            v.append(Violation("data", tr("{staff}: quarter index {quarter} outside programme",
                                             staff=a.staff, quarter=a.quarter)))
            continue
        # R2: one whole quarter, at one center, with no unavailable day
        if (a.staff, a.quarter) in seen_cell:
            v.append(
                Violation(
                    "R2", tr("{staff} is assigned twice in quarter {quarter}", staff=a.staff,
                             quarter=a.quarter + 1)
                )
            )
        seen_cell.add((a.staff, a.quarter))
        lo, hi = periods[a.quarter]
        for u in data.unavailability:
            if u.staff == a.staff and u.start <= hi and lo <= u.end:
                v.append(
                    Violation(
                        "R2",
                        tr("{staff} serves {start}–{end} but is unavailable {from_}–{to} "
                           "({reason})",
                           staff=a.staff, start=lo, end=hi, from_=u.start, to=u.end,
                           reason=u.reason or tr("no reason given")),
                    )
                )
                break
        # R3: handover on the calendar's day
        if (a.start, a.end) != (lo, hi):
            v.append(
                Violation(
                    "R3",
                    tr("{staff} in quarter {quarter} runs {start}–{end}, the calendar says "
                       "{lo}–{hi}",
                       staff=a.staff, quarter=a.quarter + 1, start=a.start, end=a.end, lo=lo,
                       hi=hi),
                )
            )

    # R1: exact seats
    count = Counter((a.center, a.quarter) for a in sol.assignments)
    for c in data.centers:
        for q in range(H):
            if count[(c.id, q)] != data.center_seats(c.id, q):
                v.append(
                    Violation(
                        "R1",
                        tr("center '{center}' has {n} people in quarter {quarter}, needs {need}",
                           center=c.id, n=count[(c.id, q)], quarter=q + 1,
                           need=data.center_seats(c.id, q)),
                    )
                )

    # R4/R6: every service is in the department's turn, a pulled-forward candidate, or a seat
    # swap; the seat ledger of each department and quarter balances
    own: Counter[tuple[str, int]] = Counter()
    swaps: Counter[tuple[str, int]] = Counter()
    give: Counter[tuple[str, int]] = Counter()
    credit: Counter[tuple[str, int]] = Counter()
    redo_give: Counter[tuple[str, int]] = Counter()
    terms = data.replan.redispatch if data.replan is not None else []
    beyond = 0
    turn_credit: Counter[tuple[int, int | None]] = Counter()
    first_service: dict[str, int] = {}
    for a in sol.assignments:
        first_service[a.staff] = min(a.quarter, first_service.get(a.staff, a.quarter))
    cycles_served: dict[str, list[int]] = defaultdict(list)
    for a in sol.assignments:
        s = staff.get(a.staff)
        if s is None or not 0 <= a.quarter < H:
            continue
        own_turn = lay.own_turn(s.department, a.quarter)
        if a.kind == "redo":  # R10: an extra seat, outside the cycles of rule 7
            if not any(t.staff == a.staff and t.earliest <= a.quarter <= t.deadline for t in terms):
                v.append(
                    Violation(
                        "R10",
                        tr("{staff} takes a re-dispatch seat in quarter {quarter} but is not "
                           "re-dispatched for that quarter", staff=a.staff,
                           quarter=a.quarter + 1),
                    )
                )
            if own_turn is not None:
                v.append(
                    Violation(
                        "R10",
                        tr("{staff} takes a re-dispatch seat in quarter {quarter}, where the "
                           "department has its own turn", staff=a.staff, quarter=a.quarter + 1),
                    )
                )
            if a.seat_from not in lay.depts_in(a.quarter):
                v.append(
                    Violation(
                        "R10",
                        tr("{staff}: re-dispatch seat given by '{giver}', which has no turn in "
                           "quarter {quarter}", staff=a.staff, giver=a.seat_from,
                           quarter=a.quarter + 1),
                    )
                )
            else:
                redo_give[(a.seat_from, a.quarter)] += 1
            # the seat is paid back like a pulled-forward candidate's: the person's own
            # department's next turn sends one fewer there, and the giver fills that seat
            back = lay.next_turn(s.department, a.quarter)
            if back is None:
                continue
            if a.credit_quarter is None:
                beyond += 1
                if back.beyond == 0:
                    v.append(Violation("R10", tr("{staff}: re-dispatch seat paid back after the "
                                                 "programme, but the department's next turn "
                                                 "is inside it", staff=a.staff)))
            elif a.credit_quarter not in back.seats:
                v.append(Violation("R10", tr("{staff}: re-dispatch seat paid back in quarter "
                                             "{quarter}, not a quarter of the department's "
                                             "next turn", staff=a.staff,
                                             quarter=a.credit_quarter + 1)))
            else:
                credit[(s.department, a.credit_quarter)] += 1
            continue
        if a.kind == "swap":
            # the seat a department gave earlier, filled at the candidate's turn: it counts in
            # the cycle of the department's own turn here, else of its last turn before
            prev = own_turn or lay.last_turn_before(s.department, a.quarter)
            if prev is None:
                v.append(
                    Violation(
                        "R6",
                        tr("{staff} fills a swapped seat in quarter {quarter}, but the department "
                           "had no turn before", staff=a.staff, quarter=a.quarter + 1),
                    )
                )
                continue
            cycles_served[a.staff].append(prev.cycle)
            own[(s.department, a.quarter)] += 1
            swaps[(s.department, a.quarter)] += 1
            continue
        if own_turn is not None:  # R4: the department's own turn
            cycles_served[a.staff].append(own_turn.cycle)
            own[(s.department, a.quarter)] += 1
            if a.kind != "turn":
                v.append(
                    Violation(
                        "R6",
                        tr("{staff} is marked '{kind}' but serves in the department's own turn",
                           staff=a.staff, kind=a.kind),
                    )
                )
            continue
        # R6: before the department's turn, only a promotion candidate pulled forward, credited
        # to the department's next turn
        credited = lay.next_turn(s.department, a.quarter) if s.promotion_candidate else None
        if credited is None:
            v.append(
                Violation(
                    "R4",
                    tr("{staff} ({dept}) serves in quarter {quarter}, outside the department's "
                       "turn, and is not a promotion candidate", staff=a.staff,
                       dept=s.department, quarter=a.quarter + 1),
                )
            )
            continue
        cycles_served[a.staff].append(credited.cycle)
        if a.kind != "pulled":
            v.append(
                Violation(
                    "R6",
                    tr("{staff} serves before the department's turn but is not marked as pulled "
                       "forward", staff=a.staff),
                )
            )
        elif first_service[a.staff] < a.quarter:
            v.append(
                Violation(
                    "R6",
                    tr("{staff} is pulled forward in quarter {quarter} but already served "
                       "earlier in the programme", staff=a.staff, quarter=a.quarter + 1),
                )
            )
        if a.seat_from not in lay.depts_in(a.quarter):
            v.append(
                Violation(
                    "R6",
                    tr("{staff}: seat given by '{giver}', which has no turn in quarter {quarter}",
                       staff=a.staff, giver=a.seat_from, quarter=a.quarter + 1),
                )
            )
        else:
            give[(a.seat_from, a.quarter)] += 1
        t = credited
        turn_credit[(id(t), a.credit_quarter)] += 1
        if turn_credit[(id(t), a.credit_quarter)] > (
            t.beyond if a.credit_quarter is None else t.seats.get(a.credit_quarter, 0)
        ):
            v.append(
                Violation(
                    "R6",
                    tr("{staff}: more candidates credited to '{dept}''s turn in cycle {cycle} "
                       "than it has seats there", staff=a.staff, dept=t.dept,
                       cycle=t.cycle + 1),
                )
            )
        if a.credit_quarter is None:
            beyond += 1
            if t.beyond == 0:
                v.append(
                    Violation(
                        "R6",
                        tr("{staff}: credited beyond the programme, but the department's next turn "
                           "is inside it", staff=a.staff),
                    )
                )
        elif a.credit_quarter not in t.seats:
            v.append(
                Violation(
                    "R6",
                    tr("{staff}: credited to quarter {quarter}, not a quarter of the "
                       "department's next turn", staff=a.staff,
                       quarter=a.credit_quarter + 1),
                )
            )
        else:
            credit[(s.department, a.credit_quarter)] += 1
    for d in data.departments:
        for q in range(H):
            need = lay.demand(d.id, q)
            key = (d.id, q)
            if own[key] != need - give[key] - credit[key] + swaps[key] - redo_give[key]:
                v.append(
                    Violation(
                        "R4",
                        tr("department '{dept}' sends {n} in quarter {quarter}; its turn has "
                           "{need} seats, {given} given to pulled-forward candidates, {credited} "
                           "credited to its own candidates served earlier, {swapped} swapped "
                           "seats filled", dept=d.id, n=own[key], quarter=q + 1, need=need,
                           given=give[key], credited=credit[key], swapped=swaps[key])
                        + (
                            tr(", {n} given to re-dispatched people", n=redo_give[key])
                            if redo_give[key]
                            else ""
                        ),
                    )
                )
        given = swapped = 0
        for q in range(H):
            if swapped + swaps[(d.id, q)] > given:
                v.append(
                    Violation(
                        "R6",
                        tr("department '{dept}' fills a swapped seat in quarter {quarter} before "
                           "giving one", dept=d.id, quarter=q + 1),
                    )
                )
            given += give[(d.id, q)] + redo_give[(d.id, q)]
            swapped += swaps[(d.id, q)]
        if swapped > given:
            v.append(
                Violation(
                    "R6",
                    tr("department '{dept}' fills {swapped} swapped seats but gave only {given}",
                       dept=d.id, swapped=swapped, given=given),
                )
            )
    for q in range(H):
        filled = sum(n for (d, qq), n in swaps.items() if qq == q)
        credited = sum(n for (d, qq), n in credit.items() if qq == q)
        if filled != credited:
            v.append(
                Violation(
                    "R6",
                    tr("quarter {quarter}: {credited} seats credited to pulled-forward "
                       "candidates, {filled} filled by seat swaps", quarter=q + 1,
                       credited=credited, filled=filled),
                )
            )
    # the seat swap pair by pair: the department whose seat a candidate took fills the seat
    # that the candidate's credit frees at their own department's turn, in that quarter
    repay: Counter[tuple[str, int]] = Counter(
        (a.seat_from or "", a.credit_quarter) for a in sol.assignments
        if a.kind in ("pulled", "redo") and a.credit_quarter is not None
    )
    for d_, q in sorted(set(repay) | set(swaps)):
        if repay[(d_, q)] != swaps[(d_, q)]:
            v.append(
                Violation(
                    "R6",
                    tr("department '{dept}' fills {swapped} swapped seats in quarter {quarter}, "
                       "but {repaid} candidates who took its seats are credited there (the "
                       "giving department fills the seat its candidate frees)", dept=d_,
                       swapped=swaps[(d_, q)], quarter=q + 1, repaid=repay[(d_, q)]),
                )
            )
    if sum(give.values()) + sum(redo_give.values()) - sum(swaps.values()) != beyond:
        v.append(
            Violation(
                "R6", tr("seats given to candidates and seats swapped back do not balance")
            )
        )
    first = data.policy.first_quarter
    for s in data.staff:
        if s.promotion_deadline is None:
            continue
        dl = s.promotion_deadline - first
        if dl < H and not any(a.staff == s.id and a.quarter <= dl for a in sol.assignments):
            v.append(
                Violation(
                    "R6",
                    tr("candidate {staff} has not served by the deadline {deadline}",
                       staff=s.id, deadline=s.promotion_deadline),
                )
            )

    # R10: every re-dispatched person serves once more inside their window; once per re-plan
    # (two terms of one person would both be met by one extra rotation)
    by_staff: dict[str, list[str]] = defaultdict(list)
    for t in terms:
        by_staff[t.staff].append(t.source or "?")
    for sid, sources in by_staff.items():
        if len(sources) > 1:
            v.append(Violation("R10", tr(
                "{staff} is re-dispatched {n} times ({sources}); a person is re-dispatched once "
                "in a re-plan", staff=sid, n=len(sources), sources=tr(", ").join(sources))))
    for t in terms:
        if not any(
            a.staff == t.staff and t.earliest <= a.quarter <= t.deadline for a in sol.assignments
        ):
            v.append(
                Violation(
                    "R10",
                    tr("{staff} is re-dispatched ({source}) but does not serve between quarters "
                       "{earliest} and {deadline}", staff=t.staff,
                       source=t.source or tr("assessment"), earliest=t.earliest + 1,
                       deadline=t.deadline + 1),
                )
            )
    # R9: frozen quarters exactly as published
    if data.replan is not None:
        pub = data.replan.published
        for q in range(min(data.replan.frozen, H)):
            want = {(sid, cid) for (sid, qq), cid in pub.items() if qq == q}
            got = {(a.staff, a.center) for a in sol.assignments if a.quarter == q}
            for sid, cid in sorted(want - got):
                v.append(
                    Violation(
                        "R9",
                        tr("{staff} at '{center}' in frozen quarter {quarter} is missing",
                           staff=sid, center=cid, quarter=q + 1),
                    )
                )
            for sid, cid in sorted(got - want):
                v.append(
                    Violation(
                        "R9",
                        tr("{staff} at '{center}' in frozen quarter {quarter} was not published",
                           staff=sid, center=cid, quarter=q + 1),
                    )
                )

    # R7: once per cycle, never consecutive quarters (also across the programme start)
    served_q: dict[str, list[int]] = defaultdict(list)
    for a in sol.assignments:
        served_q[a.staff].append(a.quarter)
    for sid, cyc in cycles_served.items():
        for c, n in Counter(cyc).items():
            if n > 1:
                v.append(Violation("R7", tr("{staff} serves {n} times in cycle {cycle}",
                                               staff=sid, n=n, cycle=c + 1)))
    for sid, qs in served_q.items():
        qs = sorted(qs)
        for a_, b_ in itertools.pairwise(qs):
            if b_ == a_ + 1:
                v.append(
                    Violation(
                        "R7",
                        tr("{staff} serves in consecutive quarters {a} and {b}", staff=sid,
                           a=a_ + 1, b=b_ + 1),
                    )
                )
        s = staff.get(sid)
        if s and s.last_served is not None and s.last_served == first - 1 and 0 in qs:
            v.append(
                Violation(
                    "R7",
                    tr("{staff} served in {quarter} and again in the first quarter", staff=sid,
                       quarter=s.last_served),
                )
            )

    # R8: title mix (hard only when configured so)
    if data.policy.title_mix_hard:
        for (cid, q), n in sorted(_title_counts(data, sol).items()):
            need = _title_need(data, cid, q)
            if n < need:
                v.append(
                    Violation(
                        "R8",
                        tr("center '{center}' quarter {quarter}: {n} of the required titles, needs "
                           "{need}", center=cid, quarter=q + 1, n=n, need=need),
                    )
                )
    # R11: nobody sent two or more times more than an equally available colleague
    v += fair_turns(data, sol)
    return v


def _cycle_of(lay: Layout, s: Staff, a: Assignment) -> int | None:
    """The cycle of rule 7 a service counts in (``None``: a re-dispatch, outside the cycles)."""
    if a.kind == "redo":
        return None
    own_turn = lay.own_turn(s.department, a.quarter)
    if a.kind == "swap":
        t = own_turn or lay.last_turn_before(s.department, a.quarter)
    elif own_turn is not None:
        t = own_turn
    else:
        t = lay.next_turn(s.department, a.quarter)
    return t.cycle if t is not None else None


def fair_turns(data: RosterData, sol: RosterSolution) -> list[Violation]:
    """Rule R11 (DOMAIN §R objective 4, "nobody goes again while an equally available
    colleague has gone fewer times"): person ``p`` is reported when their total rotations
    (下乡次数 before the programme + services in this roster) exceed a colleague ``r``'s by 2
    or more while ``r`` was *equally available* for one of ``p``'s services, i.e. ``r`` could
    have taken it with every hard rule kept and every other objective level unchanged:

    * same department, same title level (职称级别) and same specialty;
    * ``p`` is neither a promotion candidate nor re-dispatched (rule 10: any service in the
      window may be the one owed), and the service is their department's own turn or a seat
      swap (not a pull-forward or a re-dispatch seat, which are personal), outside the frozen
      quarters of a re-plan;
    * ``r`` is available the whole quarter (rule 2; not right after a 上次下乡 in the previous
      quarter), serves neither that quarter nor the one before or after (rule 7), and has no
      service in the cycle the service counts in (rule 7), and no pull-forward after it
      (rule 6: a pull-forward is a first service).

    Moving such a service from ``p`` to ``r`` lowers the fairness level by at least
    ``B − (rank difference) > 0`` (:func:`fairness_unit`), so a roster optimal with fairness
    ranked before ``changes`` never has one.
    """
    try:
        lay = Layout(data, list(sol.deferrals))
    except ValueError:
        return []  # check() reports the deferrals (R5)
    H = data.policy.quarters
    first = data.policy.first_quarter
    staff = {s.id: s for s in data.staff}
    avail = data.available()
    frozen = data.replan.frozen if data.replan is not None else 0
    mine: dict[str, list[Assignment]] = defaultdict(list)
    for a in sol.assignments:
        if a.staff in staff and 0 <= a.quarter < H:
            mine[a.staff].append(a)
    total = {sid: s.times_served + len(mine[sid]) for sid, s in staff.items()}
    quarters = {sid: {a.quarter for a in mine[sid]} for sid in staff}
    cycles = {sid: {_cycle_of(lay, staff[sid], a) for a in mine[sid]} for sid in staff}
    colleagues: dict[tuple[str, str, str | None], list[Staff]] = defaultdict(list)
    for s in data.staff:
        colleagues[(s.department, s.title.value, data.specialty(s))].append(s)
    redispatched = {t.staff for t in data.replan.redispatch} if data.replan is not None else set()
    out: list[Violation] = []
    for p in data.staff:
        if p.promotion_candidate or p.id in redispatched:
            continue
        reported: set[str] = set()
        for a in sorted(mine[p.id], key=lambda a: a.quarter):
            q = a.quarter
            if a.kind not in ("turn", "swap") or q < frozen:
                continue
            c = _cycle_of(lay, p, a)
            for r in colleagues[(p.department, p.title.value, data.specialty(p))]:
                if r.id == p.id or r.id in reported or total[p.id] < total[r.id] + 2:
                    continue
                if not avail[r.id][q] or (q == 0 and r.last_served == first - 1):
                    continue
                if quarters[r.id] & {q - 1, q, q + 1} or c in cycles[r.id]:
                    continue
                if any(b.kind == "pulled" and b.quarter > q for b in mine[r.id]):
                    continue  # r's pull-forward must stay their first service (rule 6)
                reported.add(r.id)
                out.append(
                    Violation(
                        "R11",
                        tr("{staff} ({label}, {dept}) goes {n} times ({total} with past rotations) "
                           "while {other} ({other_label}), same title, goes {m} times "
                           "({other_total} with past rotations) and could have taken "
                           "{staff}'s place in {quarter}", staff=p.id, label=p.label,
                           dept=p.department, n=len(mine[p.id]), total=total[p.id],
                           other=r.id, other_label=r.label, m=len(mine[r.id]),
                           other_total=total[r.id], quarter=first + q),
                    )
                )
    return out


def _title_counts(data: RosterData, sol: RosterSolution) -> dict[tuple[str, int], int]:
    titles: set[Title] = set(data.policy.title_rule.titles)
    staff = {s.id: s for s in data.staff}
    out = {(c.id, q): 0 for c in data.centers for q in range(data.policy.quarters)}
    for a in sol.assignments:
        s = staff.get(a.staff)
        if s is not None and s.title in titles and (a.center, a.quarter) in out:
            out[(a.center, a.quarter)] += 1
    return out


def objective_levels(data: RosterData, sol: RosterSolution) -> dict[str, int]:
    """Recompute every objective level from the roster (smaller is better).

    * ``promotion``: sum over candidates of the quarter index they serve in (the programme
      length when they do not serve) — served early, served at all;
    * ``departures``: seats moved away from the published baseline order (deferrals and
      pulled-forward candidates);
    * ``mix``: ``title_weight`` × missing required-title seats + weights of requested
      specialties not present at a center in a quarter;
    * ``fairness``: each service that is a person's ``k``-th in the roster costs
      ``B × (past + k − 1) + rank`` (:func:`fairness_unit`): convex in each person's total
      rotations, past and planned, then the fairness rank (0 = should go first);
    * ``changes``: when re-planning, outside the frozen quarters, people removed from a
      quarter, people added to one, and people kept in a quarter at another center (0 without
      a published roster).

    Re-dispatched people (rule 10) add to ``promotion`` the number of quarters between the
    start of their window and their first service in it.
    """
    H = data.policy.quarters
    staff = {s.id: s for s in data.staff}
    served: dict[str, list[int]] = defaultdict(list)
    for a in sol.assignments:
        served[a.staff].append(a.quarter)
    promotion = 0
    for s in data.staff:
        if s.promotion_candidate:
            promotion += min(served[s.id]) if served[s.id] else H
    for t in data.replan.redispatch if data.replan is not None else []:
        lo, hi = max(0, t.earliest), min(t.deadline, H - 1)
        inside = [q for q in served[t.staff] if lo <= q <= hi]
        promotion += (min(inside) - lo) if inside else max(0, hi - lo + 1)
    base = Layout(data)  # the published order without deferrals
    sent = Counter(
        (staff[a.staff].department, a.quarter) for a in sol.assignments if a.staff in staff
    )
    departures = 0
    for d in data.departments:
        for q in range(H):
            departures += max(0, base.demand(d.id, q) - sent[(d.id, q)])
    mix = 0
    if data.policy.title_weight:
        for (cid, q), n in _title_counts(data, sol).items():
            mix += data.policy.title_weight * max(0, _title_need(data, cid, q) - n)
    present: dict[tuple[str, int], set[str | None]] = defaultdict(set)
    for a in sol.assignments:
        if a.staff in staff:
            present[(a.center, a.quarter)].add(data.specialty(staff[a.staff]))
    for c in data.centers:
        for spec, w in c.specialty_weights().items():
            for q in range(H):
                if spec not in present[(c.id, q)]:
                    mix += w
    fairness = fairness_cost(data, Counter(a.staff for a in sol.assignments if a.staff in staff))
    return {
        "promotion": promotion,
        "departures": departures,
        "mix": mix,
        "fairness": fairness,
        "changes": len(changed_cells(data, sol)),
    }


def changed_cells(
    data: RosterData, sol: RosterSolution
) -> list[tuple[str, int, str | None, str | None]]:
    """Differences from the published roster outside the frozen quarters (re-planning).

    Returns
    -------
    list of (staff, quarter index, published center, new center)
        ``None`` as the published center: added; as the new center: removed; both set and
        different: moved to another center. Empty without a published roster.
    """
    if data.replan is None:
        return []
    H = data.policy.quarters
    frozen = data.replan.frozen
    pub = {k: c for k, c in data.replan.published.items() if frozen <= k[1] < H}
    new = {(a.staff, a.quarter): a.center for a in sol.assignments if frozen <= a.quarter < H}
    out: list[tuple[str, int, str | None, str | None]] = []
    for key in sorted(set(pub) | set(new), key=lambda k: (k[1], k[0])):
        before, after = pub.get(key), new.get(key)
        if before != after:
            out.append((key[0], key[1], before, after))
    return out
