"""The roster as a CP-SAT model: named constraint families and objective levels.

The only module of ``roster`` that imports ``ortools``. Decisions:

* ``served[p, q]``: person ``p`` serves quarter ``q`` (created only where rule 2, the turn
  schedule and rule 6 allow it);
* ``z[q, c, k]``: how many people of class ``k`` (title × requested specialty) go to center
  ``c`` in quarter ``q`` — people of one class are interchangeable for the centers, so the
  center choice is aggregated (this keeps the city and regional instances small);
* ``give[d, q]`` / ``credit[t, q]``: the seat ledger of rule 6 (a pulled-forward candidate
  takes a seat from the department whose turn it is and is credited to their own next turn).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from assignments.roster.data import RosterData
from assignments.roster.schedule import Schedule, Service, Turn, classify, previous_turn
from assignments.roster.solution import ranks

__all__ = ["FAMILIES", "RosterModel", "build_model"]

LinearExpr = Any


@dataclass(frozen=True)
class Family:
    """A named constraint family: label quoted by reports, hard/soft, one-line description."""

    label: str
    hard: bool
    doc: str


FAMILIES: dict[str, Family] = {
    "seats": Family("R1 seats", True, "every center receives exactly its seats each quarter"),
    "availability": Family(
        "R2 whole quarter", True, "nobody serves a quarter that overlaps their unavailable days"
    ),
    "order": Family(
        "R4 published order",
        True,
        "each department fills its turn's seats, less seats given to or credited "
        "for pulled-forward promotion candidates",
    ),
    "pull": Family(
        "R6 promotion",
        True,
        "a pulled-forward candidate takes a seat of the department whose turn it is "
        "and counts towards their own department's next turn",
    ),
    "deadline": Family("R6 promotion deadline", True, "a candidate serves by their deadline"),
    "once": Family("R7 once per cycle", True, "a person serves at most once per cycle"),
    "consecutive": Family("R7 consecutive", True, "never two consecutive quarters"),
    "title": Family("R8 title mix", True, "enough seats of the required titles at each center"),
    "frozen": Family(
        "R9 frozen quarters",
        True,
        "re-planning keeps the quarters already started or announced exactly as published",
    ),
    "redispatch": Family(
        "R10 re-dispatch",
        True,
        "a person re-dispatched after the assessment serves once more, in a seat given by the "
        "department whose turn it is when their own department has no turn",
    ),
}


@dataclass
class RosterModel:
    """A built CP-SAT model with handles to read the roster back."""

    data: RosterData
    schedule: Schedule
    model: cp_model.CpModel
    served: dict[tuple[str, int], cp_model.IntVar]
    service: dict[tuple[str, int], Service]
    z: dict[tuple[int, str, tuple[bool, str | None]], cp_model.IntVar]
    klass: dict[str, tuple[bool, str | None]]  # (holds a rule title, requested specialty)
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
    stages: list[dict[str, Any]] = field(default_factory=list)  # how the HiGHS levels went
    redo: dict[tuple[str, int], cp_model.IntVar] = field(default_factory=dict)  # R10 extra seat
    redo_give: dict[tuple[str, int], cp_model.IntVar] = field(default_factory=dict)


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
        Put an enforcement literal on every hard-rule instance (families of :data:`FAMILIES`)
        so that an infeasible model can name the rules and records that conflict.
    prune
        Leave out the options of non-candidates that no optimal roster uses (see
        :func:`_dominated`); exact for every objective level except ``changes``. Off with
        ``explain`` and when re-planning.
    """
    m = cp_model.CpModel()
    H = data.policy.quarters
    first = data.policy.first_quarter
    avail = data.available()
    rank = ranks(data)
    literals: list[tuple[cp_model.IntVar, str, tuple[Any, ...]]] = []
    all_vars: list[cp_model.IntVar] = []

    def lit(family: str, key: tuple[Any, ...]) -> list[cp_model.IntVar]:
        if not explain:
            return []
        b = m.new_bool_var(f"{family}{key}")
        literals.append((b, family, key))
        return [b]

    def enforce(ct: cp_model.Constraint, family: str, key: tuple[Any, ...]) -> None:
        lits = lit(family, key)
        if lits:
            ct.only_enforce_if(lits)

    requested: set[str] = {s for c in data.centers for s in c.specialty_weights()}
    # people are interchangeable for the centers when they agree on what the centers look at:
    # whether their title counts for the title rule, and a specialty some center asks for
    rule_titles = set(data.policy.title_rule.titles)
    klass: dict[str, tuple[bool, str | None]] = {}
    for s in data.staff:
        spec = data.specialty(s)
        klass[s.id] = (s.title in rule_titles, spec if spec in requested else None)

    # ---- served[p, q]: rule 2 (availability), rule 4 turns, rule 6 pull-forward and seat swap
    served: dict[tuple[str, int], cp_model.IntVar] = {}
    service: dict[tuple[str, int], Service] = {}

    def allowed(s: Any, q: int) -> bool:
        if explain:
            return True
        if not avail[s.id][q]:
            return False
        return not (q == 0 and s.last_served is not None and s.last_served == first - 1)

    def add(s: Any, q: int, svc: Service) -> None:
        v = m.new_bool_var(f"x[{s.id},{q}]")
        served[(s.id, q)] = v
        service[(s.id, q)] = svc
        all_vars.append(v)

    options = [
        (s, q, svc)
        for s in data.staff
        for q in range(H)
        if (svc := classify(schedule, s.department, q, s.promotion_candidate)) is not None
        and allowed(s, q)
    ]
    # pruning relies on fairness alone telling colleagues apart: not when re-planning (frozen
    # quarters and the changes level name particular people)
    prune = prune and not explain and data.replan is None
    keep = _dominated(data, schedule, options, klass, rank, allowed) if prune \
        else (lambda s, q: True)
    for s, q, svc in options:
        if keep(s, q):
            add(s, q, svc)
    # seat swap (rule 6): a department that gives a seat to a pulled-forward candidate fills the
    # seat the candidate's department does not need at its turn
    pull_quarters = sorted({q for (_sid, q), svc in service.items() if svc.kind == "pulled"})
    credited_turns = {id(svc.turn): svc.turn for svc in service.values() if svc.kind == "pulled"}
    credit_quarters = sorted({q for t in credited_turns.values() if t for q in t.seats})
    givers = {(t.dept, q) for q in pull_quarters for t in schedule.turns_in(q)}
    swap_pairs = sorted({(d, q2) for d, q in givers for q2 in credit_quarters if q2 > q})
    members_of: dict[str, list[Any]] = defaultdict(list)
    for s in data.staff:
        members_of[s.department].append(s)
    # a candidate who could be pulled forward in q2 may instead fill a swapped seat there:
    # served = pulled + swap, two options counted in their own cycles
    split: dict[tuple[str, int], tuple[cp_model.IntVar, cp_model.IntVar, Service]] = {}
    for d, q2 in swap_pairs:
        prev = previous_turn(schedule, d, q2)
        if prev is None:
            continue
        for s in members_of[d]:
            key = (s.id, q2)
            if key not in served:
                if allowed(s, q2) and keep(s, q2):
                    add(s, q2, Service("swap", prev))
            elif service[key].kind == "pulled" and key not in split:
                a = m.new_bool_var(f"pull[{s.id},{q2}]")
                b = m.new_bool_var(f"swapc[{s.id},{q2}]")
                m.add(served[key] == a + b)
                split[key] = (a, b, Service("swap", prev))
                all_vars += [a, b]
    if explain:
        for s in data.staff:
            blocked = [q for q in range(H) if (s.id, q) in served and not avail[s.id][q]]
            if blocked:
                lits = lit("availability", (s.id,))
                for q in blocked:
                    m.add(served[(s.id, q)] == 0).only_enforce_if(lits)
            if s.last_served is not None and s.last_served == first - 1 and (s.id, 0) in served:
                m.add(served[(s.id, 0)] == 0).only_enforce_if(lit("consecutive", (s.id, -1)))

    by_q: dict[int, list[str]] = defaultdict(list)
    for sid, q in served:
        by_q[q].append(sid)
    staff_of = {s.id: s for s in data.staff}

    # ---- R10 re-dispatch (re-planning): in a quarter without their department's turn, a
    # re-dispatched person takes a seat given by a department whose turn it is (not swapped back)
    replan = data.replan
    redo: dict[tuple[str, int], cp_model.IntVar] = {}
    for term in replan.redispatch if replan else []:
        s = staff_of[term.staff]
        for q in range(max(0, term.earliest), min(term.deadline, H - 1) + 1):
            if (s.id, q) in redo or schedule.turn_at(s.department, q) is not None:
                continue
            if not avail[s.id][q] or not allowed(s, q) or not schedule.turns_in(q):
                continue
            redo[(s.id, q)] = m.new_bool_var(f"redo[{s.id},{q}]")
            all_vars.append(redo[(s.id, q)])
            if (s.id, q) in served:
                m.add(served[(s.id, q)] + redo[(s.id, q)] <= 1)
    redo_in_q: dict[int, list[tuple[str, cp_model.IntVar]]] = defaultdict(list)
    for (sid, q), v in redo.items():
        redo_in_q[q].append((sid, v))

    def occupied(sid: str, q: int) -> list[cp_model.IntVar]:
        """The variables saying that ``sid`` serves quarter ``q`` (any kind of service)."""
        return [v for v in (served.get((sid, q)), redo.get((sid, q))) if v is not None]

    # ---- R1 seats and the center choice by class
    z: dict[tuple[int, str, tuple[bool, str | None]], cp_model.IntVar] = {}
    title_short: list[LinearExpr] = []
    spec_miss: list[LinearExpr] = []
    for q in range(H):
        members: dict[tuple[bool, str | None], list[cp_model.IntVar]] = defaultdict(list)
        for sid in by_q[q]:
            members[klass[sid]].append(served[(sid, q)])
        for sid, v in redo_in_q[q]:
            members[klass[sid]].append(v)
        for c in data.centers:
            seats = data.center_seats(c.id, q)
            for k, vs in members.items():
                z[(q, c.id, k)] = m.new_int_var(0, min(seats, len(vs)), f"z[{q},{c.id},{k}]")
                all_vars.append(z[(q, c.id, k)])
            enforce(m.add(sum(z[(q, c.id, k)] for k in members) == seats), "seats", (c.id, q))
            # R8 title mix
            need = (
                c.min_intermediate
                if c.min_intermediate is not None
                else (data.policy.title_rule.required(seats))
            )
            need = min(need, seats)
            have = sum(z[(q, c.id, k)] for k in members if k[0])
            if data.policy.title_mix_hard:
                enforce(m.add(have >= need), "title", (c.id, q))
            elif data.policy.title_weight:
                short = m.new_int_var(0, need, f"short[{c.id},{q}]")
                m.add(have + short >= need)
                title_short.append(short)
            # requested specialties
            for spec, w in c.specialty_weights().items():
                ks = [k for k in members if k[1] == spec]
                if not ks:
                    spec_miss.append(w)
                    continue
                cov = m.new_bool_var(f"cov[{c.id},{q},{spec}]")
                m.add(sum(z[(q, c.id, k)] for k in ks) >= cov)
                spec_miss.append(w * (1 - cov))
        for k, vs in members.items():
            m.add(sum(z[(q, c.id, k)] for c in data.centers) == sum(vs))

    # ---- R4 + R6: the seat ledger of each department and quarter
    turns = schedule.turns
    turn_index = {id(t): i for i, t in enumerate(turns)}
    give: dict[tuple[str, int], cp_model.IntVar] = {}
    credit: dict[tuple[int, int], cp_model.IntVar] = {}
    swap: dict[tuple[str, int], cp_model.IntVar] = {}
    pulled_into: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    credited_to: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    own: dict[tuple[str, int], list[cp_model.IntVar]] = defaultdict(list)  # turn or swap
    for (sid, q), svc in service.items():
        v = served[(sid, q)]
        if (sid, q) in split:
            v, w, _ = split[(sid, q)]
            own[(staff_of[sid].department, q)].append(w)
        if svc.kind == "pulled":
            pulled_into[q].append(v)
            assert svc.turn is not None
            credited_to[turn_index[id(svc.turn)]].append(v)
        else:
            own[(staff_of[sid].department, q)].append(v)
    for q in pull_quarters:
        gs = []
        for t in schedule.turns_in(q):
            if (t.dept, q) not in give:
                give[(t.dept, q)] = m.new_int_var(
                    0, schedule.demand(t.dept, q), f"give[{t.dept},{q}]"
                )
                all_vars.append(give[(t.dept, q)])
                gs.append(give[(t.dept, q)])
        enforce(m.add(sum(gs) == sum(pulled_into[q])), "pull", ("quarter", q))
    beyond_total: list[Any] = []
    for ti, vs in credited_to.items():
        t = turns[ti]
        parts = []
        for q, n in t.seats.items():
            credit[(ti, q)] = m.new_int_var(0, n, f"credit[{t.dept},{t.cycle},{q}]")
            all_vars.append(credit[(ti, q)])
            parts.append(credit[(ti, q)])
        beyond = m.new_int_var(0, t.beyond, f"beyond[{t.dept},{t.cycle}]") if t.beyond else 0
        beyond_total.append(beyond)
        enforce(m.add(sum(parts) + beyond == sum(vs)), "pull", ("turn", t.dept, t.cycle))
    credit_at: dict[tuple[str, int], list[cp_model.IntVar]] = defaultdict(list)
    credit_in_q: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    for (ti, q), v in credit.items():
        credit_at[(turns[ti].dept, q)].append(v)
        credit_in_q[q].append(v)
    for d, q2 in swap_pairs:
        n = sum(1 for s in members_of[d] if (s.id, q2) in served)
        swap[(d, q2)] = m.new_int_var(0, n, f"swap[{d},{q2}]")
        all_vars.append(swap[(d, q2)])
    swap_in_q: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    for (_d, q2), v in swap.items():
        swap_in_q[q2].append(v)
    for q2 in credit_quarters:  # every credited seat is filled by a department that gave one
        enforce(m.add(sum(swap_in_q[q2]) == sum(credit_in_q[q2])), "pull", ("swap", q2))
    giver_depts = sorted({d for d, _q in givers})
    swap_beyond: list[Any] = []
    for d in giver_depts:
        gives = {q: give[(d, q)] for q in pull_quarters if (d, q) in give}
        swaps = {q2: swap[(d, q2)] for q2 in credit_quarters if (d, q2) in swap}
        for r in credit_quarters:  # a seat is filled only after it was given
            lhs = [v for q2, v in swaps.items() if q2 <= r]
            if lhs:
                m.add(sum(lhs) <= sum(v for q, v in gives.items() if q < r))
        later = m.new_int_var(0, data.seats_per_quarter * H, f"swap_beyond[{d}]")
        swap_beyond.append(later)
        m.add(sum(swaps.values()) + later == sum(gives.values()))
    if giver_depts or beyond_total:
        m.add(sum(swap_beyond) == sum(beyond_total))
    for key, v in swap.items():  # a swapped seat is filled by a real person of the department
        m.add(v <= sum(own[key]))
    # a candidate is pulled forward only for their first rural service of the programme
    for (sid, q), svc in service.items():
        if svc.kind != "pulled":
            continue
        pv = split[(sid, q)][0] if (sid, q) in split else served[(sid, q)]
        before = [v for r in range(q) for v in occupied(sid, r)]
        if before:
            m.add(pv + sum(before) <= 1)
    redo_give: dict[tuple[str, int], cp_model.IntVar] = {}
    for q, items in sorted(redo_in_q.items()):  # R10: who gives the re-dispatched their seat
        if not items:
            continue
        gs = []
        for t in schedule.turns_in(q):
            if (t.dept, q) not in redo_give:
                redo_give[(t.dept, q)] = m.new_int_var(
                    0, schedule.demand(t.dept, q), f"redo_give[{t.dept},{q}]"
                )
                all_vars.append(redo_give[(t.dept, q)])
                gs.append(redo_give[(t.dept, q)])
        enforce(m.add(sum(gs) == sum(v for _sid, v in items)), "redispatch", ("quarter", q))
    keys = {(t.dept, q) for t in turns for q in t.seats} | set(own)
    for d, q in sorted(keys):
        need = schedule.demand(d, q)
        g = give.get((d, q), 0)
        enforce(
            m.add(
                sum(own[(d, q)])
                == need
                - g
                - sum(credit_at[(d, q)])
                + swap.get((d, q), 0)
                - redo_give.get((d, q), 0)
            ),
            "order",
            (d, q),
        )

    # ---- R6 deadlines
    for s in data.staff:
        if s.promotion_deadline is None:
            continue
        dl = s.promotion_deadline - first
        if dl >= H:
            continue
        enforce(
            m.add(sum(v for q in range(dl + 1) for v in occupied(s.id, q)) >= 1),
            "deadline",
            (s.id,),
        )

    # ---- R10: every re-dispatched person serves once more inside their window
    for term in replan.redispatch if replan else []:
        window = range(max(0, term.earliest), min(term.deadline, H - 1) + 1)
        vs = [v for q in window for v in occupied(term.staff, q)]
        enforce(
            m.add(sum(vs) >= 1) if vs else m.add_bool_or([]), "redispatch", (term.staff,)
        )

    # ---- R7 once per cycle, never consecutive quarters
    by_cycle: dict[tuple[str, int], list[cp_model.IntVar]] = defaultdict(list)
    for (sid, q), svc in service.items():
        if (sid, q) in split:
            a, b, alt = split[(sid, q)]
            by_cycle[(sid, svc.cycle)].append(a)
            by_cycle[(sid, alt.cycle)].append(b)
        else:
            by_cycle[(sid, svc.cycle)].append(served[(sid, q)])
    for (sid, c), vs in by_cycle.items():
        if len(vs) > 1:
            enforce(m.add(sum(vs) <= 1), "once", (sid, c))

    def one_cycle(sid: str, q: int) -> int | None:
        """The cycle ``served[sid, q]`` counts in, when it counts in just one."""
        return None if (sid, q) in split else service[(sid, q)].cycle

    for sid, q in list(served):
        if (sid, q + 1) in served:
            c = one_cycle(sid, q)
            if not explain and c is not None and c == one_cycle(sid, q + 1):
                continue  # implied by "once per cycle"
            enforce(m.add(served[(sid, q)] + served[(sid, q + 1)] <= 1), "consecutive", (sid, q))
    for sid, q in sorted({(sid, q + dq) for sid, q in redo for dq in (-1, 0)}):
        pair = occupied(sid, q) + occupied(sid, q + 1)
        if len(pair) > 1 and ((sid, q) in redo or (sid, q + 1) in redo):
            enforce(m.add(sum(pair) <= 1), "consecutive", (sid, q))

    # ---- R9 frozen quarters (re-planning): kept exactly as published
    if replan is not None and replan.frozen > 0:
        for q in range(min(replan.frozen, H)):
            lits = lit("frozen", (q,))
            pub_here = {sid for (sid, qq) in replan.published if qq == q}
            for sid in by_q[q]:
                ct = m.add(served[(sid, q)] == int(sid in pub_here))
                if lits:
                    ct.only_enforce_if(lits)
            counts: dict[tuple[str, tuple[bool, str | None]], int] = defaultdict(int)
            for sid in pub_here:
                if (sid, q) not in served:  # the rules no longer allow it: a conflict
                    ct = m.add_bool_or([])
                    if lits:
                        ct.only_enforce_if(lits)
                    continue
                counts[(replan.published[(sid, q)], klass[sid])] += 1
            for (cid, k), n in counts.items():
                if (q, cid, k) in z:
                    ct = m.add(z[(q, cid, k)] == n)
                    if lits:
                        ct.only_enforce_if(lits)

    # ---- objective levels
    levels: dict[str, LinearExpr] = {}
    ub: dict[str, int] = {}
    promo_terms: list[LinearExpr] = []
    n_cand = 0
    for s in data.staff:
        if not s.promotion_candidate:
            continue
        n_cand += 1
        mine = [q for q in range(H) if (s.id, q) in served]
        cycles = {one_cycle(s.id, q) for q in mine}
        if len(cycles) == 1 and None not in cycles:
            # at most one service ("once per cycle"): cost = its quarter index, H if none
            promo_terms.append(H - sum((H - q) * served[(s.id, q)] for q in mine))
            continue
        # u[q] = 1 iff the candidate has served at or before q (a chain: u[q] <= u[q-1] +
        # served[q]); cost = H - sum(u)
        us: list[Any] = []
        for q in range(H):
            if not us and (s.id, q) not in served:
                continue
            u = m.new_bool_var(f"u[{s.id},{q}]")
            m.add(u <= (us[-1] if us else 0) + served.get((s.id, q), 0))
            us.append(u)
        promo_terms.append(H - sum(us))
    redo_span = 0
    for term in replan.redispatch if replan else []:  # R10: re-dispatched as early as possible
        window = list(range(max(0, term.earliest), min(term.deadline, H - 1) + 1))
        redo_span += len(window)
        us = []
        for q in window:
            before = [v for r in window if r <= q for v in occupied(term.staff, r)]
            if before:
                u = m.new_bool_var(f"u_redo[{term.staff},{q}]")
                m.add(u <= sum(before))
                us.append(u)
        promo_terms.append(len(window) - sum(us))
    levels["promotion"] = sum(promo_terms)
    ub["promotion"] = H * n_cand + redo_span
    base = _baseline(data)
    dev_terms = []
    sent_by: dict[tuple[str, int], list[cp_model.IntVar]] = defaultdict(list)
    for (sid, q), v in served.items():
        sent_by[(staff_of[sid].department, q)].append(v)
    for q, items in redo_in_q.items():
        for sid, v in items:
            sent_by[(staff_of[sid].department, q)].append(v)
    for d in data.departments:
        for q in range(H):
            b = base.demand(d.id, q)
            if b == 0:
                continue
            sent = sent_by[(d.id, q)]
            dev = m.new_int_var(0, b, f"dev[{d.id},{q}]")
            m.add(dev >= b - sum(sent))
            dev_terms.append(dev)
    levels["departures"] = sum(dev_terms)
    ub["departures"] = data.seats_per_quarter * H
    levels["mix"] = data.policy.title_weight * sum(title_short) + sum(spec_miss)
    ub["mix"] = data.policy.title_weight * data.seats_per_quarter * H + H * sum(
        w for c in data.centers for w in c.specialty_weights().values()
    )
    levels["fairness"] = sum(rank[sid] * v for (sid, _q), v in served.items()) + sum(
        rank[sid] * v for (sid, _q), v in redo.items()
    )
    top_rank: dict[str, int] = defaultdict(int)
    for s in data.staff:
        top_rank[s.department] = max(top_rank[s.department], rank[s.id])
    ub["fairness"] = H * sum(top_rank[d.id] for d in data.departments) + (
        data.seats_per_quarter * H * max(rank.values(), default=0)
    )
    levels["changes"] = 0
    ub["changes"] = 0
    if replan is not None and replan.minimize_changes:
        levels["changes"], ub["changes"] = _changes(data, m, served, redo, z, klass, occupied)

    rm = RosterModel(
        data=data,
        schedule=schedule,
        model=m,
        served=served,
        service=service,
        z=z,
        klass=klass,
        give=give,
        credit=credit,
        swap=swap,
        split=split,
        turns=turns,
        levels=levels,
        level_ub=ub,
        literals=literals,
        variables=all_vars,
        redo=redo,
        redo_give=redo_give,
    )
    return rm


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
    improves. Repeating this ends (fairness falls each time), so some optimal roster of every
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
