"""The roster as a CP-SAT model: decisions, named constraint families, objective levels.

The only module of ``roster`` that imports ``ortools``. Decisions (made first, by
:func:`_decisions`):

* ``served[p, q]``: person ``p`` serves quarter ``q`` (created only where rule R2, the turn
  schedule and rule R6 allow it);
* ``z[q, c, k]``: how many people of class ``k`` (title × requested specialty) go to center
  ``c`` in quarter ``q`` — people of one class are interchangeable for the centers, so the
  center choice is aggregated (this keeps the city and regional instances small);
* ``give[d, q]`` / ``credit[t, q]`` / ``swap[d, q]``: the seat ledger of rule R6 (a
  pulled-forward candidate takes a seat from the department whose turn it is and is credited
  to their own next turn; the giver fills a credited seat later);
* ``redo[p, q]`` / ``redo_give[d, q]``: rule R10 re-dispatch seats (re-planning).

Then every hard family of :data:`assignments.roster.rules.RULES` adds its constraints, one
small function each, in the order of :data:`FAMILIES` (as PyJobShop's
``Constraints.add_constraints``); a family only reads the decisions, so the order does not
change the model — it is the order the rules are listed in and explained. Last,
:func:`_levels` states the objective levels (soft rules ``R-obj1`` … ``R-obj5``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from assignments.core.conflict import Guards
from assignments.roster.data import RosterData
from assignments.roster.rules import RULES
from assignments.roster.schedule import Schedule, Service, Turn, classify, previous_turn
from assignments.roster.solution import fairness_unit, ranks

__all__ = ["FAMILIES", "RosterModel", "build_model"]

LinearExpr = Any
Klass = tuple[bool, str | None]
"""(holds a title the title rule counts, requested specialty or ``None``)."""


@dataclass
class RosterModel:
    """A built CP-SAT model with handles to read the roster back."""

    data: RosterData
    schedule: Schedule
    model: cp_model.CpModel
    served: dict[tuple[str, int], cp_model.IntVar]
    service: dict[tuple[str, int], Service]
    z: dict[tuple[int, str, Klass], cp_model.IntVar]
    klass: dict[str, Klass]
    give: dict[tuple[str, int], cp_model.IntVar]
    credit: dict[tuple[int, int], cp_model.IntVar]  # (turn index, quarter) -> seats credited
    swap: dict[tuple[str, int], cp_model.IntVar]  # (giving department, quarter) -> seats filled
    split: dict[tuple[str, int], tuple[cp_model.IntVar, cp_model.IntVar, Service]]
    turns: list[Turn]
    levels: dict[str, LinearExpr]
    level_ub: dict[str, int]
    literals: list[tuple[cp_model.IntVar, str, tuple[Any, ...]]] = field(default_factory=list)
    variables: list[cp_model.IntVar] = field(default_factory=list)  # for hints between stages
    engine: str = "cpsat"
    stages: list[dict[str, Any]] = field(default_factory=list)  # how the levels went
    redo: dict[tuple[str, int], cp_model.IntVar] = field(default_factory=dict)  # R10 extra seat
    redo_give: dict[tuple[str, int], cp_model.IntVar] = field(default_factory=dict)
    # (giver, quarter given, credited turn index, credit quarter or None) -> seats (R6 swap)
    pairs: dict[tuple[str, int, int, int | None], cp_model.IntVar] = field(default_factory=dict)
    redo_turn: dict[tuple[str, int], Turn] = field(default_factory=dict)  # R10 payback turn


class _Build(Guards):
    """What the family functions share while the model is built: the data, the decisions and
    the guard literals of explain mode."""

    def __init__(self, data: RosterData, schedule: Schedule, explain: bool) -> None:
        self.data = data
        self.schedule = schedule
        self.explain = explain
        self.m = cp_model.CpModel()
        self.H = data.policy.quarters
        self.first = data.policy.first_quarter
        self.avail = data.available()
        self.rank = ranks(data)
        self.literals: list[tuple[cp_model.IntVar, str, tuple[Any, ...]]] = []
        self.families = RULES.families
        self.all_vars: list[cp_model.IntVar] = []
        self.staff_of = {s.id: s for s in data.staff}
        self.members_of: dict[str, list[Any]] = defaultdict(list)
        for s in data.staff:
            self.members_of[s.department].append(s)
        requested = {sp for c in data.centers for sp in c.specialty_weights()}
        # people are interchangeable for the centers when they agree on what the centers look
        # at: whether their title counts for the title rule, and a specialty some center asks for
        rule_titles = set(data.policy.title_rule.titles)
        self.klass: dict[str, Klass] = {}
        for s in data.staff:
            spec = data.specialty(s)
            self.klass[s.id] = (s.title in rule_titles, spec if spec in requested else None)
        # decisions (filled by _decisions)
        self.served: dict[tuple[str, int], cp_model.IntVar] = {}
        self.service: dict[tuple[str, int], Service] = {}
        self.split: dict[tuple[str, int], tuple[cp_model.IntVar, cp_model.IntVar, Service]] = {}
        self.redo: dict[tuple[str, int], cp_model.IntVar] = {}
        self.z: dict[tuple[int, str, Klass], cp_model.IntVar] = {}
        self.classes: dict[int, list[Klass]] = {}  # quarter -> classes present
        self.give: dict[tuple[str, int], cp_model.IntVar] = {}
        self.credit: dict[tuple[int, int], cp_model.IntVar] = {}
        self.swap: dict[tuple[str, int], cp_model.IntVar] = {}
        self.redo_give: dict[tuple[str, int], cp_model.IntVar] = {}
        self.pairs: dict[tuple[str, int, int, int | None], cp_model.IntVar] = {}
        self.redo_turn: dict[tuple[str, int], Turn] = {}  # R10 seat: the turn that pays back
        self.turns = schedule.turns
        self.turn_index = {id(t): i for i, t in enumerate(self.turns)}
        self.pull_quarters: list[int] = []
        self.credit_quarters: list[int] = []
        self.swap_pairs: list[tuple[str, int]] = []
        self.givers: set[tuple[str, int]] = set()
        self.by_q: dict[int, list[str]] = defaultdict(list)
        self.redo_in_q: dict[int, list[tuple[str, cp_model.IntVar]]] = defaultdict(list)
        # the seat ledger's terms, by (department, quarter) / quarter / turn index
        self.own: dict[tuple[str, int], list[cp_model.IntVar]] = defaultdict(list)
        self.pulled_into: dict[int, list[cp_model.IntVar]] = defaultdict(list)
        self.credited_to: dict[int, list[cp_model.IntVar]] = defaultdict(list)
        self.title_short: list[LinearExpr] = []  # R8 when soft: missing seats (level "mix")

    # ---------------------------------------------------------------- helpers

    def allowed(self, s: Any, q: int) -> bool:
        """May ``s`` serve ``q`` at all (R2 availability, R7 no repeat across the programme
        start)? In explain mode everything is allowed and the families guard it instead."""
        if self.explain:
            return True
        if not self.avail[s.id][q]:
            return False
        return not (q == 0 and s.last_served is not None and s.last_served == self.first - 1)

    def occupied(self, sid: str, q: int) -> list[cp_model.IntVar]:
        """The variables saying that ``sid`` serves quarter ``q`` (any kind of service)."""
        return [v for v in (self.served.get((sid, q)), self.redo.get((sid, q))) if v is not None]

    def one_cycle(self, sid: str, q: int) -> int | None:
        """The cycle ``served[sid, q]`` counts in, when it counts in just one."""
        return None if (sid, q) in self.split else self.service[(sid, q)].cycle

    def new_bool(self, name: str) -> cp_model.IntVar:
        v = self.m.new_bool_var(name)
        self.all_vars.append(v)
        return v

    def new_int(self, lo: int, hi: int, name: str) -> cp_model.IntVar:
        v = self.m.new_int_var(lo, hi, name)
        self.all_vars.append(v)
        return v


def _decisions(b: _Build, prune: bool) -> None:
    """Every decision variable: who may serve when (R2, R4 turns, R6 pull-forward and seat
    swap, R10 re-dispatch), the class counts per center and the seat-ledger counters."""
    data, schedule, m = b.data, b.schedule, b.m
    H = b.H
    options = [
        (s, q, svc)
        for s in data.staff
        for q in range(H)
        if (svc := classify(schedule, s.department, q, s.promotion_candidate)) is not None
        and b.allowed(s, q)
    ]
    # pruning relies on fairness alone telling colleagues apart: not when re-planning (frozen
    # quarters and the changes level name particular people)
    prune = prune and not b.explain and data.replan is None
    keep = (_dominated(data, schedule, options, b.klass, b.rank, b.allowed) if prune
            else (lambda s, q: True))

    def add(s: Any, q: int, svc: Service) -> None:
        b.served[(s.id, q)] = b.new_bool(f"x[{s.id},{q}]")
        b.service[(s.id, q)] = svc

    for s, q, svc in options:
        if keep(s, q):
            add(s, q, svc)
    # seat swap (R6): a department that gives a seat to a pulled-forward candidate fills the
    # seat the candidate's department does not need at its turn
    b.pull_quarters = sorted({q for (_sid, q), svc in b.service.items() if svc.kind == "pulled"})
    credited_turns = {id(svc.turn): svc.turn for svc in b.service.values()
                      if svc.kind == "pulled"}
    # R10 re-dispatch (re-planning): in a quarter without their department's turn, a
    # re-dispatched person takes a seat of a department whose turn it is, paid back like a
    # pulled-forward candidate's: the person's own department's next turn sends one fewer and
    # the giver fills that seat (the failing department pays for the extra rotation)
    replan = data.replan
    redo_opts: list[tuple[Any, int]] = []
    for term in replan.redispatch if replan else []:
        s = b.staff_of[term.staff]
        for q in range(max(0, term.earliest), min(term.deadline, H - 1) + 1):
            if (s, q) in redo_opts or schedule.turn_at(s.department, q) is not None:
                continue
            if not b.avail[s.id][q] or not b.allowed(s, q) or not schedule.turns_in(q):
                continue
            nxt = schedule.next_turn(s.department, q)
            assert nxt is not None  # one cycle more than the programme is laid out
            b.redo_turn[(s.id, q)] = nxt
            redo_opts.append((s, q))
            credited_turns[id(nxt)] = nxt
    b.credit_quarters = sorted({q for t in credited_turns.values() if t for q in t.seats})
    b.givers = {(t.dept, q) for q in b.pull_quarters for t in schedule.turns_in(q)}
    b.givers |= {(t.dept, q) for _s, q in redo_opts for t in schedule.turns_in(q)}
    b.swap_pairs = sorted({(d, q2) for d, q in b.givers for q2 in b.credit_quarters if q2 > q})
    # a candidate who could be pulled forward in q2 may instead fill a swapped seat there:
    # served = pulled + swap, two options counted in their own cycles
    for d, q2 in b.swap_pairs:
        prev = previous_turn(schedule, d, q2)
        if prev is None:
            continue
        for s in b.members_of[d]:
            key = (s.id, q2)
            if key not in b.served:
                if b.allowed(s, q2) and keep(s, q2):
                    add(s, q2, Service("swap", prev))
            elif b.service[key].kind == "pulled" and key not in b.split:
                a = b.new_bool(f"pull[{s.id},{q2}]")
                c = b.new_bool(f"swapc[{s.id},{q2}]")
                m.add(b.served[key] == a + c)
                b.split[key] = (a, c, Service("swap", prev))
    for sid, q in b.served:
        b.by_q[q].append(sid)
    for s, q in redo_opts:
        b.redo[(s.id, q)] = b.new_bool(f"redo[{s.id},{q}]")
        if (s.id, q) in b.served:
            m.add(b.served[(s.id, q)] + b.redo[(s.id, q)] <= 1)
    for (sid, q), v in b.redo.items():
        b.redo_in_q[q].append((sid, v))
    # class counts per center: z[q, c, k] adds up to the people of class k serving in q
    for q in range(H):
        members: dict[Klass, list[cp_model.IntVar]] = defaultdict(list)
        for sid in b.by_q[q]:
            members[b.klass[sid]].append(b.served[(sid, q)])
        for sid, v in b.redo_in_q[q]:
            members[b.klass[sid]].append(v)
        b.classes[q] = list(members)
        for c in data.centers:
            seats = data.center_seats(c.id, q)
            for k, vs in members.items():
                b.z[(q, c.id, k)] = b.new_int(0, min(seats, len(vs)), f"z[{q},{c.id},{k}]")
        for k, vs in members.items():
            m.add(sum(b.z[(q, c.id, k)] for c in data.centers) == sum(vs))
    # the seat ledger (R4 + R6): who fills a department's own seats, who was pulled forward
    for (sid, q), svc in b.service.items():
        v = b.served[(sid, q)]
        if (sid, q) in b.split:
            v, w, _ = b.split[(sid, q)]
            b.own[(b.staff_of[sid].department, q)].append(w)
        if svc.kind == "pulled":
            b.pulled_into[q].append(v)
            assert svc.turn is not None
            b.credited_to[b.turn_index[id(svc.turn)]].append(v)
        else:
            b.own[(b.staff_of[sid].department, q)].append(v)
    for q in b.pull_quarters:
        for t in schedule.turns_in(q):
            if (t.dept, q) not in b.give:
                b.give[(t.dept, q)] = b.new_int(0, schedule.demand(t.dept, q),
                                                f"give[{t.dept},{q}]")
    for key, v in b.redo.items():  # R10: credited to the own department's next turn
        b.credited_to[b.turn_index[id(b.redo_turn[key])]].append(v)
    for ti in b.credited_to:
        t = b.turns[ti]
        for q, n in t.seats.items():
            b.credit[(ti, q)] = b.new_int(0, n, f"credit[{t.dept},{t.cycle},{q}]")
    for d, q2 in b.swap_pairs:
        n = sum(1 for s in b.members_of[d] if (s.id, q2) in b.served)
        b.swap[(d, q2)] = b.new_int(0, n, f"swap[{d},{q2}]")
    for q, items in sorted(b.redo_in_q.items()):
        if not items:
            continue
        for t in schedule.turns_in(q):
            if (t.dept, q) not in b.redo_give:
                b.redo_give[(t.dept, q)] = b.new_int(0, schedule.demand(t.dept, q),
                                                     f"redo_give[{t.dept},{q}]")


# ------------------------------------------------------------------------ hard families
def _seats(b: _Build) -> None:
    """R1 seats: every center receives exactly its seats each quarter."""
    for q in range(b.H):
        for c in b.data.centers:
            seats = b.data.center_seats(c.id, q)
            total = sum(b.z[(q, c.id, k)] for k in b.classes[q])
            b.enforce(b.m.add(total == seats), "seats", (c.id, q))


def _availability(b: _Build) -> None:
    """R2 whole quarter: nobody serves a quarter overlapping their unavailable days.

    Outside explain mode no variable exists for such a quarter (:meth:`_Build.allowed`);
    in explain mode each person's unavailable quarters are closed under one guard."""
    if not b.explain:
        return
    for s in b.data.staff:
        blocked = [q for q in range(b.H) if (s.id, q) in b.served and not b.avail[s.id][q]]
        if blocked:
            lits = b.lit("availability", (s.id,))
            for q in blocked:
                b.m.add(b.served[(s.id, q)] == 0).only_enforce_if(lits)


def _order(b: _Build) -> None:
    """R4 published order: each department fills its turn's seats, less the seats given to
    (R6 pull) or credited for pulled-forward candidates and to re-dispatched people (R10),
    plus the swapped seats it fills."""
    credit_at: dict[tuple[str, int], list[cp_model.IntVar]] = defaultdict(list)
    for (ti, q), v in b.credit.items():
        credit_at[(b.turns[ti].dept, q)].append(v)
    keys = {(t.dept, q) for t in b.turns for q in t.seats} | set(b.own)
    for d, q in sorted(keys):
        need = b.schedule.demand(d, q)
        ct = b.m.add(
            sum(b.own[(d, q)])
            == need
            - b.give.get((d, q), 0)
            - sum(credit_at[(d, q)])
            + b.swap.get((d, q), 0)
            - b.redo_give.get((d, q), 0)
        )
        b.enforce(ct, "order", (d, q))


def _pull(b: _Build) -> None:
    """R6 promotion, the seat ledger: a pulled-forward candidate takes a seat of a department
    whose turn it is and is credited to their own department's next turn; the department that
    gave the seat fills the very seat the credit frees at that turn (the seat swap, pair by
    pair; none inside the programme when the credit lies beyond it); only for a candidate's
    first service."""
    m = b.m
    # the seat swap, pair by pair: y[G, q, t, k] candidates pulled into G's seats in quarter q
    # and credited to quarter k of their department's turn t (k None: beyond the programme);
    # G fills exactly those seats in k (swap), so the giver gets its seat back when the
    # candidate's department sends one fewer
    pulled_at: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
    for (sid, q), svc in b.service.items():
        if svc.kind == "pulled":
            assert svc.turn is not None
            v = b.split[(sid, q)][0] if (sid, q) in b.split else b.served[(sid, q)]
            pulled_at[(q, b.turn_index[id(svc.turn)])].append(v)
    for key, v in b.redo.items():  # R10 re-dispatch seats are paid back the same way
        pulled_at[(key[1], b.turn_index[id(b.redo_turn[key])])].append(v)
    by_give: dict[tuple[str, int], list[Any]] = defaultdict(list)
    by_credit: dict[tuple[int, int | None], list[Any]] = defaultdict(list)
    by_swap: dict[tuple[str, int], list[Any]] = defaultdict(list)
    for (q, ti), vs in sorted(pulled_at.items()):
        t = b.turns[ti]
        slots: list[int | None] = [*sorted(t.seats), *([None] if t.beyond else [])]
        ys = []
        for g in sorted({u.dept for u in b.schedule.turns_in(q)}):
            for k in slots:
                y = b.new_int(0, len(vs), f"pair[{g},{q},{t.dept},{t.cycle},{k}]")
                b.pairs[(g, q, ti, k)] = y
                ys.append(y)
                by_give[(g, q)].append(y)
                by_credit[(ti, k)].append(y)
                if k is not None:
                    by_swap[(g, k)].append(y)
        b.enforce(m.add(sum(ys) == sum(vs)), "pull", ("quarter", q))
    for key in sorted(set(b.give) | set(b.redo_give)):
        given = b.give.get(key, 0) + b.redo_give.get(key, 0)
        b.enforce(m.add(given == sum(by_give[key])), "pull", ("quarter", key[1]))
    for (ti, k), v in b.credit.items():
        t = b.turns[ti]
        b.enforce(m.add(v == sum(by_credit[(ti, k)])), "pull", ("turn", t.dept, t.cycle))
    for (d, k), v in b.swap.items():
        b.enforce(m.add(v == sum(by_swap[(d, k)])), "pull", ("swap", k))
    missing = [key for key in by_swap if key not in b.swap]
    for key in missing:  # a giver without anyone who could fill the seat then
        b.enforce(m.add(sum(by_swap[key]) == 0), "pull", ("swap", key[1]))
    for ti in b.credited_to:  # a turn absorbs at most its seats beyond the programme
        if by_credit[(ti, None)]:
            m.add(sum(by_credit[(ti, None)]) <= b.turns[ti].beyond)
    for key, v in b.swap.items():  # a swapped seat is filled by a real person of the department
        m.add(v <= sum(b.own[key]))
    # a candidate is pulled forward only for their first rural service of the programme:
    # pairwise, a pull-forward in q excludes every service before q. (Not "pv + sum(before)
    # <= 1", which also forbids two earlier services when the pull-forward is not used.)
    for (sid, q), svc in b.service.items():
        if svc.kind != "pulled":
            continue
        pv = b.split[(sid, q)][0] if (sid, q) in b.split else b.served[(sid, q)]
        for v in (v for r in range(q) for v in b.occupied(sid, r)):
            m.add(pv + v <= 1)


def _deadline(b: _Build) -> None:
    """R6 promotion deadline: a candidate with a deadline inside the programme serves by it."""
    for s in b.data.staff:
        if s.promotion_deadline is None:
            continue
        dl = s.promotion_deadline - b.first
        if dl >= b.H:
            continue
        served = [v for q in range(dl + 1) for v in b.occupied(s.id, q)]
        b.enforce(b.m.add(sum(served) >= 1), "deadline", (s.id,))


def _once(b: _Build) -> None:
    """R7 once per cycle: a person serves at most once in each cycle (a seat swap counts in the
    cycle of the turn that gave the seat)."""
    by_cycle: dict[tuple[str, int], list[cp_model.IntVar]] = defaultdict(list)
    for (sid, q), svc in b.service.items():
        if (sid, q) in b.split:
            a, c, alt = b.split[(sid, q)]
            by_cycle[(sid, svc.cycle)].append(a)
            by_cycle[(sid, alt.cycle)].append(c)
        else:
            by_cycle[(sid, svc.cycle)].append(b.served[(sid, q)])
    for (sid, cyc), vs in by_cycle.items():
        if len(vs) > 1:
            b.enforce(b.m.add(sum(vs) <= 1), "once", (sid, cyc))


def _consecutive(b: _Build) -> None:
    """R7 never two consecutive quarters (also across the programme start and for R10
    re-dispatch seats)."""
    m = b.m
    if b.explain:  # outside explain mode no such variable exists (_Build.allowed)
        for s in b.data.staff:
            if s.last_served is not None and s.last_served == b.first - 1 and (s.id, 0) in b.served:
                m.add(b.served[(s.id, 0)] == 0).only_enforce_if(b.lit("consecutive", (s.id, -1)))
    for sid, q in list(b.served):
        if (sid, q + 1) in b.served:
            c = b.one_cycle(sid, q)
            if not b.explain and c is not None and c == b.one_cycle(sid, q + 1):
                continue  # implied by "once per cycle"
            ct = m.add(b.served[(sid, q)] + b.served[(sid, q + 1)] <= 1)
            b.enforce(ct, "consecutive", (sid, q))
    for sid, q in sorted({(sid, q + dq) for sid, q in b.redo for dq in (-1, 0)}):
        pair = b.occupied(sid, q) + b.occupied(sid, q + 1)
        if len(pair) > 1 and ((sid, q) in b.redo or (sid, q + 1) in b.redo):
            b.enforce(m.add(sum(pair) <= 1), "consecutive", (sid, q))


def _title(b: _Build) -> None:
    """R8 title mix: enough seats of the required titles at each center and quarter (hard), or
    the missing seats counted in the ``mix`` level (soft)."""
    data = b.data
    for q in range(b.H):
        for c in data.centers:
            seats = data.center_seats(c.id, q)
            need = (c.min_intermediate if c.min_intermediate is not None
                    else data.policy.title_rule.required(seats))
            need = min(need, seats)
            have = sum(b.z[(q, c.id, k)] for k in b.classes[q] if k[0])
            if data.policy.title_mix_hard:
                b.enforce(b.m.add(have >= need), "title", (c.id, q))
            elif data.policy.title_weight:
                short = b.m.new_int_var(0, need, f"short[{c.id},{q}]")
                b.m.add(have + short >= need)
                b.title_short.append(short)


def _frozen(b: _Build) -> None:
    """R9 frozen quarters (re-planning): the quarters already started or announced are kept
    exactly as published, people and centers."""
    replan = b.data.replan
    if replan is None or replan.frozen <= 0:
        return
    m = b.m
    for q in range(min(replan.frozen, b.H)):
        lits = b.lit("frozen", (q,))

        def hold(ct: cp_model.Constraint, lits: list[cp_model.IntVar] = lits) -> None:
            if lits:
                ct.only_enforce_if(lits)

        pub_here = {sid for (sid, qq) in replan.published if qq == q}
        for sid in b.by_q[q]:
            hold(m.add(b.served[(sid, q)] == int(sid in pub_here)))
        counts: dict[tuple[str, Klass], int] = defaultdict(int)
        for sid in pub_here:
            if (sid, q) not in b.served:  # the rules no longer allow it: a conflict
                hold(m.add_bool_or([]))
                continue
            counts[(replan.published[(sid, q)], b.klass[sid])] += 1
        for (cid, k), n in counts.items():
            if (q, cid, k) in b.z:
                hold(m.add(b.z[(q, cid, k)] == n))


def _redispatch(b: _Build) -> None:
    """R10 re-dispatch (re-planning): every re-dispatched person serves once more inside their
    window; in a quarter without their department's turn, in a seat given up by a department
    whose turn it is."""
    replan = b.data.replan
    if replan is None:
        return
    for q, items in sorted(b.redo_in_q.items()):
        gs = [b.redo_give[(t.dept, q)] for t in b.schedule.turns_in(q)
              if (t.dept, q) in b.redo_give]
        if items:
            ct = b.m.add(sum(gs) == sum(v for _sid, v in items))
            b.enforce(ct, "redispatch", ("quarter", q))
    for term in replan.redispatch:
        window = range(max(0, term.earliest), min(term.deadline, b.H - 1) + 1)
        vs = [v for q in window for v in b.occupied(term.staff, q)]
        ct = b.m.add(sum(vs) >= 1) if vs else b.m.add_bool_or([])
        b.enforce(ct, "redispatch", (term.staff,))


FAMILIES: list[tuple[str, Callable[[_Build], None]]] = [
    ("seats", _seats),
    ("availability", _availability),
    ("order", _order),
    ("pull", _pull),
    ("deadline", _deadline),
    ("once", _once),
    ("consecutive", _consecutive),
    ("title", _title),  # also collects the soft title shortfall read by _levels ("mix")
    ("frozen", _frozen),
    ("redispatch", _redispatch),
]
"""The hard families in build order, keyed as in :data:`assignments.roster.rules.RULES`.
Every family reads only the decisions made by :func:`_decisions`, so none depends on
another; ``title`` must run before :func:`_levels` (it fills ``_Build.title_short``)."""


def build_model(
    data: RosterData,
    schedule: Schedule,
    *,
    explain: bool = False,
    prune: bool = True,
) -> RosterModel:
    """Build the CP-SAT model of ``data`` under one turn ``schedule``.

    Parameters
    ----------
    data
        The validated problem.
    schedule
        The published order after deferrals (one of :func:`schedule.alternatives`).
    explain
        Put a guard literal on every hard-rule instance (families of
        :data:`~assignments.roster.rules.RULES`) so that an infeasible model can name the
        rules and records that conflict.
    prune
        Leave out the options of non-candidates that no optimal roster uses (see
        :func:`_dominated`); exact for every objective level except ``changes``. Off with
        ``explain`` and when re-planning.
    """
    b = _Build(data, schedule, explain)
    _decisions(b, prune)
    for _name, add_family in FAMILIES:
        add_family(b)
    levels, ub = _levels(b)
    return RosterModel(
        data=data,
        schedule=schedule,
        model=b.m,
        served=b.served,
        service=b.service,
        z=b.z,
        klass=b.klass,
        give=b.give,
        credit=b.credit,
        swap=b.swap,
        split=b.split,
        turns=b.turns,
        levels=levels,
        level_ub=ub,
        literals=b.literals,
        variables=b.all_vars,
        redo=b.redo,
        redo_give=b.redo_give,
        pairs=b.pairs,
        redo_turn=b.redo_turn,
    )


# ------------------------------------------------------------------------ objective levels
def _levels(b: _Build) -> tuple[dict[str, LinearExpr], dict[str, int]]:
    """The objective levels (soft rules R-obj1 … R-obj5) and an upper bound of each."""
    data, m, H = b.data, b.m, b.H
    replan = data.replan
    levels: dict[str, LinearExpr] = {}
    ub: dict[str, int] = {}
    # R-obj1 promotion: candidates served early (and re-dispatched people early in their window)
    promo_terms: list[LinearExpr] = []
    n_cand = 0
    for s in data.staff:
        if not s.promotion_candidate:
            continue
        n_cand += 1
        mine = [q for q in range(H) if (s.id, q) in b.served]
        cycles = {b.one_cycle(s.id, q) for q in mine}
        if len(cycles) == 1 and None not in cycles:
            # at most one service ("once per cycle"): cost = its quarter index, H if none
            promo_terms.append(H - sum((H - q) * b.served[(s.id, q)] for q in mine))
            continue
        # u[q] = 1 iff the candidate has served at or before q (a chain: u[q] <= u[q-1] +
        # served[q]); cost = H - sum(u)
        us: list[Any] = []
        for q in range(H):
            if not us and (s.id, q) not in b.served:
                continue
            u = m.new_bool_var(f"u[{s.id},{q}]")
            m.add(u <= (us[-1] if us else 0) + b.served.get((s.id, q), 0))
            us.append(u)
        promo_terms.append(H - sum(us))
    redo_span = 0
    for term in replan.redispatch if replan else []:  # R10: re-dispatched as early as possible
        window = list(range(max(0, term.earliest), min(term.deadline, H - 1) + 1))
        redo_span += len(window)
        us = []
        for q in window:
            before = [v for r in window if r <= q for v in b.occupied(term.staff, r)]
            if before:
                u = m.new_bool_var(f"u_redo[{term.staff},{q}]")
                m.add(u <= sum(before))
                us.append(u)
        promo_terms.append(len(window) - sum(us))
    levels["promotion"] = sum(promo_terms)
    ub["promotion"] = H * n_cand + redo_span
    # R-obj2 departures from the published baseline order
    base = _baseline(data)
    dev_terms = []
    sent_by: dict[tuple[str, int], list[cp_model.IntVar]] = defaultdict(list)
    for (sid, q), v in b.served.items():
        sent_by[(b.staff_of[sid].department, q)].append(v)
    for q, items in b.redo_in_q.items():
        for sid, v in items:
            sent_by[(b.staff_of[sid].department, q)].append(v)
    for d in data.departments:
        for q in range(H):
            bq = base.demand(d.id, q)
            if bq == 0:
                continue
            dev = m.new_int_var(0, bq, f"dev[{d.id},{q}]")
            m.add(dev >= bq - sum(sent_by[(d.id, q)]))
            dev_terms.append(dev)
    levels["departures"] = sum(dev_terms)
    ub["departures"] = data.seats_per_quarter * H
    # R-obj3 mix: the soft title shortfall (family "title") and requested specialties
    spec_miss: list[LinearExpr] = []
    for q in range(H):
        for c in data.centers:
            for spec, w in c.specialty_weights().items():
                ks = [k for k in b.classes[q] if k[1] == spec]
                if not ks:
                    spec_miss.append(w)
                    continue
                cov = m.new_bool_var(f"cov[{c.id},{q},{spec}]")
                m.add(sum(b.z[(q, c.id, k)] for k in ks) >= cov)
                spec_miss.append(w * (1 - cov))
    levels["mix"] = data.policy.title_weight * sum(b.title_short) + sum(spec_miss)
    ub["mix"] = data.policy.title_weight * data.seats_per_quarter * H + H * sum(
        w for c in data.centers for w in c.specialty_weights().values()
    )
    # R-obj4 fairness: a person's k-th service costs B*(past + k - 1) + rank (solution.
    # fairness_unit), i.e. n*(B*past + rank) + B*n(n-1)/2 for n services: the linear part on
    # the service variables, the convex part B*e with e >= k*n - k(k+1)/2 (k = 1..K-1, the
    # chords of n(n-1)/2; exact at integer n once minimised) for people who may serve K >= 2
    # times
    unit = fairness_unit(data)
    fair_terms: list[LinearExpr] = []
    most = 1
    for s in data.staff:
        vs = [v for q in range(H) for v in b.occupied(s.id, q)]
        if not vs:
            continue
        fair_terms.append((unit * s.times_served + b.rank[s.id]) * sum(vs))
        fair_cycles: set[int] = set()
        for q in range(H):
            if (s.id, q) in b.service:
                fair_cycles.add(b.service[(s.id, q)].cycle)
                if (s.id, q) in b.split:
                    fair_cycles.add(b.split[(s.id, q)][2].cycle)
        k_max = min(len(vs), (H + 1) // 2)
        if not any(sid == s.id for sid, _q in b.redo):
            k_max = min(k_max, len(fair_cycles))
        most = max(most, k_max)
        if k_max >= 2:
            e = m.new_int_var(0, k_max * (k_max - 1) // 2, f"fair_extra[{s.id}]")
            for k in range(1, k_max):
                m.add(e >= k * sum(vs) - k * (k + 1) // 2)
            fair_terms.append(unit * e)
    levels["fairness"] = sum(fair_terms)
    ub["fairness"] = (sum(data.quarter_seats()) + len(replan.redispatch if replan else [])) * (
        unit * (max((s.times_served for s in data.staff), default=0) + most)
    )
    # R-obj5 changes to the published roster (re-planning)
    levels["changes"] = 0
    ub["changes"] = 0
    if replan is not None and replan.minimize_changes:
        levels["changes"], ub["changes"] = _changes(data, m, b.served, b.redo, b.z, b.klass,
                                                    b.occupied)
    return levels, ub


def _changes(
    data: RosterData,
    m: cp_model.CpModel,
    served: dict[tuple[str, int], cp_model.IntVar],
    redo: dict[tuple[str, int], cp_model.IntVar],
    z: dict[tuple[int, str, tuple[bool, str | None]], cp_model.IntVar],
    klass: dict[str, tuple[bool, str | None]],
    occupied: Any,
) -> tuple[LinearExpr, int]:
    """Level 5, changes to the published roster outside the frozen quarters: people removed
    from a quarter, people added to one, and people kept in a quarter but moved to another
    center (counted from the class counts ``z``; the placement of names keeps everyone else at
    their published center). Returns the expression and an upper bound."""
    assert data.replan is not None
    pub = data.replan.published
    frozen = data.replan.frozen
    H = data.policy.quarters
    terms: list[LinearExpr] = []
    kept: dict[tuple[int, str, tuple[bool, str | None]], list[cp_model.IntVar]] = defaultdict(list)
    n_pub = 0
    for (sid, q), cid in sorted(pub.items()):
        if not frozen <= q < H:
            continue
        n_pub += 1
        occ = occupied(sid, q)
        terms.append(1 - sum(occ))  # removed (1 when the person can no longer serve then)
        kept[(q, cid, klass[sid])] += occ
    for key in sorted({*served, *redo}):
        if key[1] >= frozen and key not in pub:
            terms.append(sum(occupied(*key)))  # added
    for (q, cid, k), occ in kept.items():  # insertion order: published (staff, quarter)
        if not occ:
            continue
        moved = m.new_int_var(0, len(occ), f"moved[{q},{cid},{k}]")
        m.add(moved >= sum(occ) - z.get((q, cid, k), 0))
        terms.append(moved)
    open_seats = sum(data.quarter_seats()[frozen:])
    return sum(terms), 2 * n_pub + open_seats


def _dominated(
    data: RosterData,
    schedule: Schedule,
    options: list[tuple[Any, int, Service]],
    klass: dict[str, tuple[bool, str | None]],
    rank: dict[str, int],
    allowed: Any,
) -> Any:
    """Which options of non-candidates an optimal roster may use: ``keep(person, quarter)``.

    A department ``d`` never uses more than ``N_d`` distinct people in the programme: summing
    its seat-ledger rows, its services are its turns' seats plus the candidates credited beyond
    the horizon, less the swapped seats that fall beyond it. So if a non-candidate ``p``
    serves in quarter ``q`` and ``N_d`` colleagues of the same class (title rule, requested
    specialty) who could also serve in ``q`` rank before ``p``, one of them serves nowhere:
    giving ``p``'s seat to them keeps every rule and every level but fairness, which strictly
    improves (ranked before ``p``, they have no more past rotations, so their first service,
    ``B × past_r + rank_r``, costs less than ``p``'s last, ``B × (past_p + n − 1) + rank_p``).
    Repeating this ends (fairness falls each time), so some optimal roster of every
    stage uses no option of a non-candidate at position ``>= N_d`` among the colleagues of
    its class who may serve in ``q``. (Not valid for the ``changes`` level, which may prefer
    the person of a published roster.)
    """
    H = data.policy.quarters
    credited: dict[int, set[str]] = defaultdict(set)
    turn_of: dict[int, Turn] = {}
    for s, _q, svc in options:
        if svc.kind == "pulled" and svc.turn is not None:
            credited[id(svc.turn)].add(s.id)
            turn_of[id(svc.turn)] = svc.turn
    cap: dict[str, int] = defaultdict(int)
    for t in schedule.turns:
        cap[t.dept] += sum(t.seats.values())
    for key, people in credited.items():
        t = turn_of[key]
        cap[t.dept] += min(t.beyond, len(people))
    members: dict[str, list[Any]] = defaultdict(list)
    for s in data.staff:
        members[s.department].append(s)
    position: dict[tuple[str, int], int] = {}
    for people in members.values():
        people.sort(key=lambda s: rank[s.id])
        for q in range(H):
            seen: dict[tuple[bool, str | None], int] = defaultdict(int)
            for s in people:
                if allowed(s, q):
                    position[(s.id, q)] = seen[klass[s.id]]
                    seen[klass[s.id]] += 1
    staff_dept = {s.id: s.department for s in data.staff}
    candidates = {s.id for s in data.staff if s.promotion_candidate}

    def keep(s: Any, q: int) -> bool:
        if s.id in candidates:
            return True
        return position.get((s.id, q), 0) < cap[staff_dept[s.id]]

    return keep


def _baseline(data: RosterData) -> Schedule:
    from assignments.roster.schedule import baseline

    return baseline(data)
