"""An independent mixed-integer formulation of the rotation roster, solved by HiGHS.

This module exists to cross-check the CP-SAT model (:mod:`assignments.roster.model`): it is
written from the rules of DOMAIN §R and the checker (:func:`solution.check`,
:func:`solution.objective_levels`), not from the CP-SAT model, and it formulates them
differently:

* ``x[p, q, c]``: person ``p`` serves quarter ``q`` at center ``c`` (explicit center choice, no
  aggregation by class);
* every service has an explicit *mode* per person — ``turn`` (the department's own turn),
  ``pulled`` (a promotion candidate pulled forward, rule 6) or ``swap`` (filling, at a
  candidate's department's turn, a seat the department gave earlier) — and a pulled-forward
  candidate chooses, per person, the department whose seat they take (``give``) and the
  quarter of their own department's next turn they are credited to (``credit``, or beyond the
  programme);
* the promotion level picks each candidate's first quarter with "first service" binaries.

Where the checker is the reference, this model follows it — notably a promotion candidate
may fill a swapped seat like anyone of their department (``candidate_swaps``). One rule is
stricter than the checker: a turn absorbs at most its own seats of credited candidates.

Only :mod:`assignments.roster.schedule` (which *defines* the published order) and
:func:`solution.ranks` are shared with the CP-SAT model. The solver is HiGHS through
``ortools.math_opt``; lexicographic levels are solved in stages, each level fixed at its
optimum before the next.
"""

from __future__ import annotations

import itertools
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from ortools.math_opt.python import mathopt

from assignments.core.crosscheck import MipResult
from assignments.roster.data import DEFAULT_ORDER, RosterData
from assignments.roster.schedule import Schedule, alternatives, baseline, classify, previous_turn
from assignments.roster.solution import Assignment, RosterSolution, ranks

__all__ = ["MipResult", "RosterMipResult", "build_mip", "solve_mip"]

LEVELS: tuple[str, ...] = DEFAULT_ORDER


RosterMipResult = MipResult[RosterSolution]
"""What :func:`solve_mip` returns: :class:`assignments.core.crosscheck.MipResult` with the
roster read back from the MIP as ``solution`` (checked by :func:`solution.check`), the levels
of every objective of ``DEFAULT_ORDER``, and ``stats["alternatives"]`` (deferral alternatives
solved)."""


@dataclass
class _Mip:
    """One built MIP (one schedule alternative) with handles to read the roster back."""

    data: RosterData
    schedule: Schedule
    model: mathopt.Model
    x: dict[tuple[str, int, str], mathopt.Variable]
    mode: dict[tuple[str, int, str], mathopt.Variable]  # (person, quarter, turn|swap|pulled)
    give: dict[tuple[str, int, str], mathopt.Variable]  # (person, quarter, giving department)
    credit: dict[tuple[str, int, int | None], mathopt.Variable]  # None: beyond the programme
    levels: dict[str, Any]
    redo_give: dict[tuple[str, int, str], mathopt.Variable] = field(default_factory=dict)
    redo_credit: dict[tuple[str, int, int | None], mathopt.Variable] = field(default_factory=dict)


def _sum(terms: list[Any]) -> Any:
    return mathopt.fast_sum(terms) if terms else 0.0


def _le(m: mathopt.Model, lhs: Any, rhs: Any) -> None:
    """``lhs <= rhs`` (either side may be a constant)."""
    m.add_linear_constraint(ub=0.0, expr=lhs - rhs)


def _eq(m: mathopt.Model, lhs: Any, rhs: Any) -> None:
    """``lhs == rhs`` (either side may be a constant; a false constant one is infeasible)."""
    m.add_linear_constraint(lb=0.0, ub=0.0, expr=lhs - rhs)


def build_mip(data: RosterData, schedule: Schedule, *, candidate_swaps: bool = True) -> _Mip:
    """The MIP of ``data`` under one turn ``schedule`` (one of :func:`schedule.alternatives`).

    ``candidate_swaps=False`` forbids a promotion candidate to fill a swapped seat in a quarter
    without their department's turn (the checker allows it; see :func:`solve_mip`).
    """
    m = mathopt.Model(name="roster")
    H = data.policy.quarters
    first = data.policy.first_quarter
    avail = data.available()
    rank = ranks(data)
    any_candidate = any(s.promotion_candidate for s in data.staff) or bool(
        data.replan and data.replan.redispatch)  # R10 seats are paid back by seat swaps

    x: dict[tuple[str, int, str], mathopt.Variable] = {}
    mode: dict[tuple[str, int, str], mathopt.Variable] = {}
    cycle_of: dict[tuple[str, int, str], int] = {}
    give: dict[tuple[str, int, str], mathopt.Variable] = {}
    credit: dict[tuple[str, int, int | None], mathopt.Variable] = {}
    credit_turn: dict[tuple[Any, ...], int] = {}  # -> index of the credited turn
    turn_index = {id(t): i for i, t in enumerate(schedule.turns)}
    replan = data.replan
    # R10 (re-planning): quarters in which a re-dispatched person may take a seat of another turn
    redo_window: dict[str, set[int]] = defaultdict(set)
    for term in replan.redispatch if replan else []:
        redo_window[term.staff].update(range(max(0, term.earliest), min(term.deadline, H - 1) + 1))
    redo_give: dict[tuple[str, int, str], mathopt.Variable] = {}
    redo_credit: dict[tuple[str, int, int | None], mathopt.Variable] = {}

    served: dict[tuple[str, int], Any] = {}
    for s in data.staff:
        d = s.department
        for q in range(H):
            if not avail[s.id][q]:
                continue  # rule 2
            if q == 0 and s.last_served is not None and s.last_served == first - 1:
                continue  # rule 7 across the programme start
            modes: dict[str, int] = {}
            own_turn = schedule.turn_at(d, q)
            svc = classify(schedule, d, q, s.promotion_candidate)
            if own_turn is not None:
                modes["turn"] = own_turn.cycle
                if any_candidate:
                    modes["swap"] = own_turn.cycle
            else:
                if svc is not None and svc.kind == "pulled":
                    modes["pulled"] = svc.cycle
                prev = previous_turn(schedule, d, q)
                if (
                    any_candidate
                    and prev is not None
                    and (candidate_swaps or not s.promotion_candidate)
                ):
                    modes["swap"] = prev.cycle
                if q in redo_window[s.id] and schedule.turns_in(q):
                    modes["redo"] = -1  # outside the cycles of rule 7
            if not modes:
                continue
            xs = []
            for c in data.centers:
                v = m.add_binary_variable(name=f"x[{s.id},{q},{c.id}]")
                x[(s.id, q, c.id)] = v
                xs.append(v)
            served[(s.id, q)] = _sum(xs)
            m.add_linear_constraint(served[(s.id, q)] <= 1)  # rule 2: one center, whole quarter
            mvars = []
            for kind, cyc in modes.items():
                mv = m.add_binary_variable(name=f"mode[{s.id},{q},{kind}]")
                mode[(s.id, q, kind)] = mv
                cycle_of[(s.id, q, kind)] = cyc
                mvars.append(mv)
            m.add_linear_constraint(_sum(mvars) == served[(s.id, q)])
            if "pulled" in modes:
                pv = mode[(s.id, q, "pulled")]
                # pulled forward only for the first service of the programme
                # (aggregated: n * pulled + services before <= n, for n possible services
                # before; vacuous when the pull-forward is not used)
                earlier = [served[(s.id, r)] for r in range(q) if (s.id, r) in served]
                if earlier:
                    n = len(earlier)
                    m.add_linear_constraint(n * pv + _sum(earlier) <= n)
                # the seat comes from a department whose turn it is
                gs = []
                for e in sorted({t.dept for t in schedule.turns_in(q)}):
                    g = m.add_binary_variable(name=f"give[{s.id},{q},{e}]")
                    give[(s.id, q, e)] = g
                    gs.append(g)
                _eq(m, _sum(gs), pv)
                # ... and is credited to a quarter of the own department's next turn
                assert svc is not None and svc.turn is not None
                t = svc.turn
                ti = turn_index[id(t)]
                cs = []
                slots: list[int | None] = [*sorted(t.seats), *([None] if t.beyond > 0 else [])]
                for k in slots:
                    cv = m.add_binary_variable(name=f"credit[{s.id},{q},{k}]")
                    credit[(s.id, q, k)] = cv
                    credit_turn[(s.id, q, k)] = ti
                    cs.append(cv)
                m.add_linear_constraint(_sum(cs) == pv)
            if "redo" in modes:  # the seat comes from a department whose turn it is
                rs = []
                for e in sorted({t.dept for t in schedule.turns_in(q)}):
                    g = m.add_binary_variable(name=f"redo_give[{s.id},{q},{e}]")
                    redo_give[(s.id, q, e)] = g
                    rs.append(g)
                _eq(m, _sum(rs), mode[(s.id, q, "redo")])
                # ... paid back at the own department's next turn (one fewer sent there)
                nt = schedule.next_turn(d, q)
                assert nt is not None
                rcs = []
                for k in [*sorted(nt.seats), *([None] if nt.beyond > 0 else [])]:
                    cv = m.add_binary_variable(name=f"redo_credit[{s.id},{q},{k}]")
                    redo_credit[(s.id, q, k)] = cv
                    credit_turn[("redo", s.id, q, k)] = turn_index[id(nt)]
                    rcs.append(cv)
                _eq(m, _sum(rcs), mode[(s.id, q, "redo")])

    staff_of = {s.id: s for s in data.staff}

    # ---- rule 1: exact seats; rule 8: title mix; requested specialties
    titles = set(data.policy.title_rule.titles)
    title_short: list[Any] = []
    spec_miss: list[Any] = []
    spec_const = 0
    for c in data.centers:
        weights = c.specialty_weights()
        for q in range(H):
            seats = data.center_seats(c.id, q)
            need = (
                c.min_intermediate
                if c.min_intermediate is not None
                else (data.policy.title_rule.required(seats))
            )
            need = min(need, seats)
            here = [(sid, v) for (sid, qq, cid), v in x.items() if qq == q and cid == c.id]
            _eq(m, _sum([v for _, v in here]), seats)
            have = _sum([v for sid, v in here if staff_of[sid].title in titles])
            if data.policy.title_mix_hard:
                _le(m, need, have)
            elif data.policy.title_weight and need > 0:
                short = m.add_integer_variable(lb=0.0, ub=float(need), name=f"short[{c.id},{q}]")
                m.add_linear_constraint(have + short >= need)
                title_short.append(short)
            for spec, w in weights.items():
                if w == 0:
                    continue
                who = [v for sid, v in here if data.specialty(staff_of[sid]) == spec]
                if not who:
                    spec_const += w
                    continue
                cov = m.add_binary_variable(name=f"cov[{c.id},{q},{spec}]")
                m.add_linear_constraint(cov <= _sum(who))
                spec_miss.append(w * (1 - cov))

    # ---- rules 4 and 6: the seat ledger
    turn_mode: dict[tuple[str, int], list[Any]] = defaultdict(list)
    swap_mode: dict[tuple[str, int], list[Any]] = defaultdict(list)
    for (sid, q, kind), v in mode.items():
        if kind == "turn":
            turn_mode[(staff_of[sid].department, q)].append(v)
        elif kind == "swap":
            swap_mode[(staff_of[sid].department, q)].append(v)
    gives: dict[tuple[str, int], list[Any]] = defaultdict(list)
    for (_sid, q, e), v in give.items():
        gives[(e, q)].append(v)
    credits: dict[tuple[str, int], list[Any]] = defaultdict(list)
    credits_by_turn: dict[tuple[int, int | None], list[Any]] = defaultdict(list)
    beyond_all: list[Any] = []
    for gkey, v in redo_give.items():  # R10 seats count as given, paid back like R6 seats
        gives[(gkey[2], gkey[1])].append(v)
    for tkey, ckey, v in [*((ck, ck, v) for ck, v in credit.items()),
                          *((("redo", *ck), ck, v) for ck, v in redo_credit.items())]:
        sid, _q, k = ckey
        credits_by_turn[(credit_turn[tkey], k)].append(v)
        if k is None:
            beyond_all.append(v)
        else:
            credits[(staff_of[sid].department, k)].append(v)
    dept_ids = [dep.id for dep in data.departments]
    for did in dept_ids:
        for q in range(H):
            dq = (did, q)
            # people in the own turn = turn seats - seats given away - seats credited to the
            # department's candidates served earlier (swap fillers are counted on top)
            _eq(
                m,
                _sum(turn_mode[dq]),
                schedule.demand(did, q)
                - _sum(gives[dq])
                - _sum(credits[dq]),
            )
            # a swapped seat is filled only after the department gave one
            _le(
                m,
                _sum([v for r in range(q + 1) for v in swap_mode[(did, r)]]),
                _sum([v for r in range(q) for v in gives[(did, r)]]),
            )
    for q in range(H):  # every credited seat is filled by a seat swap in its quarter
        _eq(
            m,
            _sum([v for did in dept_ids for v in swap_mode[(did, q)]]),
            _sum([v for did in dept_ids for v in credits[(did, q)]]),
        )
    # seats given and not swapped back = candidates credited beyond the programme
    _eq(
        m,
        _sum([*give.values(), *redo_give.values()])
        - _sum([v for vs in swap_mode.values() for v in vs]),
        _sum(beyond_all),
    )
    # the seat swap pair by pair: the department whose seat a candidate took fills, in the
    # quarter the candidate is credited to, the seat that credit frees (pair[p, q, e, k] =
    # give[p, q, e] * credit[p, q, k], linearised)
    repaid: dict[tuple[str, int], list[Any]] = defaultdict(list)
    credit_of: dict[tuple[str, int, str], list[tuple[int | None, Any]]] = defaultdict(list)
    for (sid, q, k), cv in credit.items():
        credit_of[(sid, q, "pulled")].append((k, cv))
    for (sid, q, k), cv in redo_credit.items():
        credit_of[(sid, q, "redo")].append((k, cv))
    for kind_, (sid, q, e), g in [*(("pulled", gk, g) for gk, g in give.items()),
                                  *(("redo", gk, g) for gk, g in redo_give.items())]:
        for k, cv in credit_of[(sid, q, kind_)]:
            pv = m.add_binary_variable(name=f"pair[{sid},{q},{e},{k}]")
            m.add_linear_constraint(pv <= g)
            m.add_linear_constraint(pv <= cv)
            m.add_linear_constraint(pv >= g + cv - 1)
            if k is not None:
                repaid[(e, k)].append(pv)
    for did in dept_ids:
        for q in range(H):
            if repaid[(did, q)] or swap_mode[(did, q)]:
                _eq(m, _sum(swap_mode[(did, q)]), _sum(repaid[(did, q)]))
    # a turn absorbs at most its own seats: no more candidates credited to a quarter of it (or
    # beyond the programme) than the turn has seats there. check() bounds the credits only per
    # department and quarter, and not at all beyond the programme; the rule (and CP-SAT) does.
    for (ti, k), vs in credits_by_turn.items():
        t = schedule.turns[ti]
        cap = t.beyond if k is None else t.seats[k]
        m.add_linear_constraint(_sum(vs) <= cap)

    # ---- rule 6 deadlines
    for s in data.staff:
        if s.promotion_deadline is None:
            continue
        dl = s.promotion_deadline - first
        if dl >= H:
            continue
        _le(m, 1, _sum([served[(s.id, q)] for q in range(dl + 1) if (s.id, q) in served]))

    # ---- rule 10 (re-planning): a re-dispatched person serves once more inside the window
    for term in replan.redispatch if replan else []:
        window = range(max(0, term.earliest), min(term.deadline, H - 1) + 1)
        _le(m, 1, _sum([served[(term.staff, q)] for q in window if (term.staff, q) in served]))
    # ---- rule 9 (re-planning): frozen quarters exactly as published
    if replan is not None:
        for (sid, q), cid in replan.published.items():
            if q < replan.frozen and (sid, q, cid) not in x:
                _eq(m, 0, 1)  # the rules no longer allow a frozen assignment: infeasible
        for (sid, q, cid), v in x.items():
            if q < replan.frozen:
                _eq(m, v, 1 if replan.published.get((sid, q)) == cid else 0)

    # ---- rule 7: once per cycle, never two consecutive quarters
    per_cycle: dict[tuple[str, int], list[Any]] = defaultdict(list)
    for mkey, v in mode.items():
        if mkey[2] == "redo":
            continue
        per_cycle[(mkey[0], cycle_of[mkey])].append(v)
    for vs in per_cycle.values():
        if len(vs) > 1:
            m.add_linear_constraint(_sum(vs) <= 1)
    for (sid, q), e in served.items():
        if (sid, q + 1) in served:
            m.add_linear_constraint(e + served[(sid, q + 1)] <= 1)

    # ---- objective levels
    levels: dict[str, Any] = {}
    promo: list[Any] = []
    for s in data.staff:
        if not s.promotion_candidate:
            continue
        firsts = []
        for q in range(H):
            if (s.id, q) in served:
                f = m.add_binary_variable(name=f"first[{s.id},{q}]")
                m.add_linear_constraint(f <= served[(s.id, q)])
                firsts.append((q, f))
        if firsts:
            m.add_linear_constraint(_sum([f for _, f in firsts]) <= 1)
        promo.append(H + _sum([(q - H) * f for q, f in firsts]))
    for t_i, term in enumerate(replan.redispatch if replan else []):  # as early as possible
        lo, hi = max(0, term.earliest), min(term.deadline, H - 1)
        span = hi - lo + 1
        firsts = []
        for q in range(lo, hi + 1):
            if (term.staff, q) in served:
                f = m.add_binary_variable(name=f"first_redo[{t_i},{term.staff},{q}]")
                m.add_linear_constraint(f <= served[(term.staff, q)])
                firsts.append((q, f))
        if firsts:
            m.add_linear_constraint(_sum([f for _, f in firsts]) <= 1)
        promo.append(span + _sum([(q - lo - span) * f for q, f in firsts]))
    levels["promotion"] = _sum(promo)
    base = baseline(data)
    dev = []
    for did in dept_ids:
        members = [s.id for s in data.staff if s.department == did]
        for q in range(H):
            b = base.demand(did, q)
            if b == 0:
                continue
            v = m.add_integer_variable(lb=0.0, ub=float(b), name=f"dev[{did},{q}]")
            m.add_linear_constraint(
                v + _sum([served[(sid, q)] for sid in members if (sid, q) in served]) >= b
            )
            dev.append(v)
    levels["departures"] = _sum(dev)
    levels["mix"] = data.policy.title_weight * _sum(title_short) + _sum(spec_miss) + spec_const
    # fairness: nth[p, k] = 1 iff p serves at least k times in the roster (a staircase,
    # nth[p, k] >= nth[p, k + 1], summing to p's services); the k-th service costs
    # B * (past + k - 1) + rank, B the size of the largest department
    unit = max(Counter(s.department for s in data.staff).values(), default=1)
    fair: list[Any] = []
    for s in data.staff:
        mine = [served[(s.id, q)] for q in range(H) if (s.id, q) in served]
        if not mine:
            continue
        nth = [m.add_binary_variable(name=f"nth[{s.id},{k}]") for k in range(1, len(mine) + 1)]
        for a, b in itertools.pairwise(nth):
            m.add_linear_constraint(b <= a)
        _eq(m, _sum(nth), _sum(mine))
        fair += [(unit * (s.times_served + k) + rank[s.id]) * v for k, v in enumerate(nth)]
    levels["fairness"] = _sum(fair)
    levels["changes"] = 0.0
    if replan is not None and replan.minimize_changes:
        # outside the frozen quarters: a published (person, quarter, center) not kept counts 1
        # (removed or moved), a person serving a quarter they were not published in counts 1
        changes: list[Any] = []
        for (sid, q), cid in replan.published.items():
            if replan.frozen <= q < H:
                changes.append(1 - x[(sid, q, cid)] if (sid, q, cid) in x else 1.0)
        for (sid, q), e in served.items():
            if q >= replan.frozen and (sid, q) not in replan.published:
                changes.append(e)
        levels["changes"] = _sum(changes)
    return _Mip(data, schedule, m, x, mode, give, credit, levels, redo_give, redo_credit)


def _stage_order(data: RosterData) -> list[str]:
    order: list[str] = list(data.policy.objective_order)
    order += [n for n in LEVELS if n not in order]
    if data.replan is None or not data.replan.minimize_changes:
        order = [n for n in order if n != "changes"]
    return order


_REASONS = mathopt.TerminationReason


def _run(mip: _Mip, objective: Any, seconds: float) -> tuple[str, mathopt.SolveResult | None]:
    mip.model.minimize(objective)
    params = mathopt.SolveParameters(
        time_limit=timedelta(seconds=max(0.05, seconds)),
        relative_gap_tolerance=0.0,
        absolute_gap_tolerance=0.1,  # every objective takes whole values
    )
    res = mathopt.solve(mip.model, mathopt.SolverType.HIGHS, params=params)
    reason = res.termination.reason
    if reason == _REASONS.OPTIMAL:
        return "optimal", res
    if reason in (_REASONS.INFEASIBLE, _REASONS.INFEASIBLE_OR_UNBOUNDED):
        return "infeasible", None
    if res.has_primal_feasible_solution():
        return "feasible", res
    return "unknown", None


def _value(res: mathopt.SolveResult, expr: Any) -> int:
    if isinstance(expr, int | float):
        return round(expr)
    return round(mathopt.evaluate_expression(expr, res.variable_values()))


def _solve_one(
    data: RosterData, schedule: Schedule, seconds: float, candidate_swaps: bool
) -> tuple[str, dict[str, int], _Mip, mathopt.SolveResult | None]:
    mip = build_mip(data, schedule, candidate_swaps=candidate_swaps)
    deadline = time.perf_counter() + seconds
    if data.policy.objective_mode == "weighted":
        w = data.policy.weights
        status, res = _run(mip, _sum([w.get(n, 1) * mip.levels[n] for n in LEVELS]), seconds)
        if res is None:
            return status, {}, mip, None
        return status, {n: _value(res, mip.levels[n]) for n in LEVELS}, mip, res
    stages = _stage_order(data)
    status = "optimal"
    last: mathopt.SolveResult | None = None
    for i, name in enumerate(stages):
        left = max(0.05, deadline - time.perf_counter()) / (len(stages) - i)
        st, res = _run(mip, mip.levels[name], left)
        if res is None:
            if last is None:
                return st, {}, mip, None
            status = "feasible"
            break
        last = res
        if st != "optimal":
            status = "feasible"
        value = _value(res, mip.levels[name])
        # every level is an integer combination of integer variables: "< value + 1" is exact
        _le(mip.model, mip.levels[name], value + 0.5)
    assert last is not None
    return status, {n: _value(last, mip.levels[n]) for n in LEVELS}, mip, last


def _roster(mip: _Mip, res: mathopt.SolveResult) -> RosterSolution:
    data = mip.data
    vals = res.variable_values()
    periods = data.periods()
    out: list[Assignment] = []
    for (sid, q, cid), v in sorted(mip.x.items()):
        if vals[v] < 0.5:
            continue
        kind = next(
            k
            for k in ("turn", "swap", "pulled", "redo")
            if (sid, q, k) in mip.mode and vals[mip.mode[(sid, q, k)]] > 0.5
        )
        seat_from = credit_q = None
        if kind == "redo":
            seat_from = next(
                e
                for (p, qq, e), g in mip.redo_give.items()
                if p == sid and qq == q and vals[g] > 0.5
            )
            credit_q = next(
                k for (p, qq, k), c in mip.redo_credit.items()
                if p == sid and qq == q and vals[c] > 0.5
            )
        if kind == "pulled":
            seat_from = next(
                e for (p, qq, e), g in mip.give.items() if p == sid and qq == q and vals[g] > 0.5
            )
            credit_q = next(
                k for (p, qq, k), c in mip.credit.items() if p == sid and qq == q and vals[c] > 0.5
            )
        start, end = periods[q]
        out.append(
            Assignment(
                staff=sid,
                quarter=q,
                center=cid,
                start=start,
                end=end,
                kind=kind,
                seat_from=seat_from,
                credit_quarter=credit_q,
            )
        )
    deferrals, not_needed = mip.schedule.requests(data)
    return RosterSolution(assignments=out, deferrals=deferrals, not_needed=not_needed)


def solve_mip(
    data: RosterData,
    *,
    time_limit: float = 60.0,
    solver: str = "highs",
    candidate_swaps: bool = True,
) -> MipResult[RosterSolution]:
    """Solve ``data`` with the independent MIP; the best roster over every deferral alternative.

    Parameters
    ----------
    data
        A validated problem.
    time_limit
        Seconds for every alternative and stage together.
    solver
        ``"highs"`` (the MIP solver bundled with ortools' math_opt).
    candidate_swaps
        Whether a promotion candidate may fill a swapped seat (rule 6 seat swap) in a quarter
        without their department's turn. The checker (:func:`solution.check`) allows it, so
        ``True`` is the reference reading; ``False`` reproduces a narrower reading, to isolate
        disagreements with another model.

    Raises
    ------
    schedule.ScheduleError
        When the deferral requests cannot be applied.
    """
    if solver.lower() != "highs":
        raise ValueError(f"solver '{solver}' is not supported; use 'highs'")
    t0 = time.perf_counter()
    alts = alternatives(data)
    order = _stage_order(data)
    best: tuple[tuple[int, ...], str, dict[str, int], RosterSolution] | None = None
    statuses: list[str] = []
    for i, alt in enumerate(alts):
        share = max(0.1, (time_limit - (time.perf_counter() - t0)) / (len(alts) - i))
        status, levels, mip, res = _solve_one(data, alt, share, candidate_swaps)
        statuses.append(status)
        if res is None:
            continue
        if data.policy.objective_mode == "weighted":
            key: tuple[int, ...] = (sum(data.policy.weights.get(n, 1) * levels[n] for n in LEVELS),)
        else:
            key = tuple(levels[n] for n in order)
        if best is None or key < best[0]:
            best = (key, status, levels, _roster(mip, res))
    runtime = time.perf_counter() - t0
    if best is None:
        status = "infeasible" if all(s == "infeasible" for s in statuses) else "unknown"
        return MipResult(status, runtime=runtime, stats={"alternatives": len(alts)})
    key, _status, levels, sol = best
    final = "optimal" if all(s in ("optimal", "infeasible") for s in statuses) else "feasible"
    if data.policy.objective_mode == "weighted":
        objective = float(key[0])
    else:
        objective = 0.0
        for v in key:  # fold for information only: a mixed radix large enough for these levels
            objective = objective * 1_000_000 + v
    return MipResult(
        final,
        levels=levels,
        runtime=runtime,
        objective=objective,
        solution=sol,
        stats={"alternatives": len(alts)},
    )
