"""Large pairing problems split into independent parts: exact levels part by part.

Mentors pair only with mentees of their subject (or a related one), so a city's candidate
graph falls apart into a few dozen connected components. The levels are solved on them:

1. **mandatory** — the graph of the mandatory mentees' pairs (and forced pairs) has its own
   components; no two share a mentor, so the fewest mandatory mentees left unpaired is the sum
   of each component's minimum, each an exact MIP on that component alone (HiGHS through
   SciPy). A component whose mandatory mentees are all paired in the starting pairing needs
   no MIP (0 is a lower bound). This is exact, and proves what the LP bound of the whole
   problem cannot (its fractional value rounds up to fewer unpaired than can be reached).
2. **quality** — with each mandatory component held at its minimum (every mandatory mentee
   of a component with minimum 0 paired; an "at least n − u paired" row otherwise; both
   are implied by the first level's optimum, since the minima add up), the total score splits
   over the components of the whole candidate graph, solved smallest first, each given its
   share of the time by size. A small component is one exact MIP. A larger one goes through
   the per-mentor Lagrangian (:mod:`assignments.pairing.engines.pair_lagrange`: the mentee rows
   relaxed, multipliers from the compact LP's duals and subgradient steps; with hours that
   bind its bound is far above the compact LP's): an exact MIP on the pairs whose forcing
   bound is within ``split_lag_kernel_delta`` of ``L`` gives the pairing, proven when
   ``⌈L⌉`` meets it, when every pair that could be in a better pairing (forcing bound at most
   ``UB − 1``) was in that MIP, or by an exact MIP over those surviving pairs; the time left
   goes to the components not proven, smallest first: steps aimed at the incumbent, then the
   **set MIP** — every mentor set whose Lagrangian bound (``L − z_i + r(S)``) is at most
   ``UB − 1`` listed, one set per mentor — whose optimum is the component's when it beats
   ``UB`` and proves ``UB`` otherwise (its LP is the Lagrangian dual, not the compact LP);
   with too many sets, a wider kernel and the survivors' MIP. The components run in two lanes
   (threads) of about equal size; in the second pass either lane takes any lane's unproven
   components. Where the relaxation does not apply (a mentor could hold many pairs), the LP
   is the bound and a MIP on the LP's pairs plus a few best and lightest pairs per mentee the
   pairing. The level is proven when every component is; otherwise the
   bound is the sum of the components' bounds.
3. **fairness** — balanced loads are per mentor, but the drain term counts pairs per school
   across components: one MIP with the earlier levels as rows (per component when they are
   proven, which is then the same set of pairings), over the pairs that can be in a pairing
   of the best quality (a pair whose forcing bound exceeds its component's optimum, plus the
   质量容差 slack, cannot: dropped, exactly). It is only run when quality is proven (a
   tie-breaker of an unproven quality level would prove nothing) and at most
   ``split_fairness_mip_max`` pairs are left; otherwise the fairness of the pairing found is
   reported without a bound.

A component where hours cannot bind (head count × heaviest pair within every mentor's budget,
e.g. one mentee per mentor) has its first level solved by a maximum bipartite matching
(Hopcroft–Karp); a large component is proven when its kernel MIP reaches the LP bound (e.g.
when the LP optimum is integral, as with one mentee per mentor).

Every MIP is an exact HiGHS solve (``mip_rel_gap = 0``) of integer data; values are recomputed
from the chosen pairs, never read off a solver's objective. NumPy/SciPy, and numba for the
Lagrangian's pricing (compiled once, then loaded from numba's cache).
"""

from __future__ import annotations

import math
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse import coo_matrix, csr_matrix, vstack
from scipy.sparse.csgraph import connected_components, maximum_bipartite_matching

from assignments.core.solver import SolveParams, SolveStatus
from assignments.pairing.arrays import PairArrays, pair_arrays
from assignments.pairing.params import EngineParams, deadline_of, report, stopped
from assignments.pairing.problem import PairingProblem

__all__ = ["SplitOutcome", "components", "pair_arrays", "solve_split"]


@dataclass
class SplitOutcome:
    """What :func:`solve_split` returns (the same fields as ``colgen.LevelOutcome``)."""

    status: SolveStatus
    x: list[int]
    values: dict[str, int]
    bounds: dict[str, float]
    stats: dict[str, Any]


def components(p: PairingProblem, pairs: np.ndarray | None = None) -> tuple[int, np.ndarray]:
    """Connected components of the mentor–mentee graph of ``pairs`` (default: every candidate).

    Returns
    -------
    (count, labels)
        ``labels`` has one entry per mentor (first) and per mentee (after the mentors).
    """
    nm, ne = len(p.mentors), len(p.mentees)
    mi, ei, _score, _load = pair_arrays(p)
    ks = np.arange(len(mi)) if pairs is None else pairs
    g = coo_matrix((np.ones(len(ks)), (mi[ks], nm + ei[ks])), shape=(nm + ne, nm + ne))
    count, labels = connected_components(g, directed=False)
    return int(count), labels


def _labels(d: PairArrays, pairs: np.ndarray) -> np.ndarray:
    """Component label of every mentor and mentee in the graph of ``pairs``."""
    g = coo_matrix((np.ones(len(pairs)), (d.mi[pairs], d.nm + d.ei[pairs])),
                   shape=(d.nm + d.ne, d.nm + d.ne))
    return connected_components(g, directed=False)[1]


@dataclass
class _Mip:
    status: str  # "optimal", "feasible", "infeasible", "unknown"
    x: np.ndarray | None  # chosen candidate indices
    value: float | None
    bound: float | None  # lower bound of the (minimised) objective
    guide: np.ndarray | None = None  # pairs at 1 in the LP, for a pairing when x is None


def _rows(
    d: PairArrays,
    cols: np.ndarray,
    n_aux: int,
    must_pair: np.ndarray | None,
    extra: list[tuple[np.ndarray, np.ndarray, float, float]] | None,
) -> tuple[csr_matrix, np.ndarray, np.ndarray]:
    """The rows ``lo ≤ A x ≤ hi`` over ``cols`` (then ``n_aux`` auxiliary columns): one mentor
    per mentee (exactly one where ``must_pair``), head counts, hour budgets, ``extra``."""
    k = len(cols)
    ar = np.arange(k)
    es, e_row = np.unique(d.ei[cols], return_inverse=True)
    ms, m_row = np.unique(d.mi[cols], return_inverse=True)
    blocks: list[Any] = []
    lo: list[np.ndarray] = []
    hi: list[np.ndarray] = []
    width = k + n_aux
    blocks.append(coo_matrix((np.ones(k), (e_row, ar)), shape=(len(es), width)))
    lo.append(np.zeros(len(es)) if must_pair is None else must_pair[es].astype(float))
    hi.append(np.ones(len(es)))
    for limit, coef in ((d.cap[ms], np.ones(k)), (d.budget[ms], d.load[cols].astype(float))):
        rows = np.isfinite(limit)
        pos = -np.ones(len(ms), np.int64)
        pos[rows] = np.arange(rows.sum())
        keep = pos[m_row] >= 0
        blocks.append(coo_matrix((coef[keep], (pos[m_row][keep], ar[keep])),
                                 shape=(int(rows.sum()), width)))
        lo.append(np.zeros(int(rows.sum())))
        hi.append(limit[rows])
    if extra:
        r_of = np.concatenate([np.full(len(w), i) for i, (w, _c, _l, _h) in enumerate(extra)])
        blocks.append(coo_matrix((np.concatenate([c for _w, c, _l, _h in extra]),
                                  (r_of, np.concatenate([w for w, _c, _l, _h in extra]))),
                                 shape=(len(extra), width)))
        lo.append(np.array([low for _w, _c, low, _h in extra], dtype=float))
        hi.append(np.array([high for _w, _c, _l, high in extra], dtype=float))
    return vstack(blocks).tocsr(), np.concatenate(lo), np.concatenate(hi)


def _milp(
    d: PairArrays,
    cols: np.ndarray,
    cost: np.ndarray,
    seconds: float,
    *,
    must_pair: np.ndarray | None = None,
    extra: list[tuple[np.ndarray, np.ndarray, float, float]] | None = None,
    aux_cost: np.ndarray | None = None,
    aux_ub: np.ndarray | None = None,
    gap: float = 0.0,
) -> _Mip:
    """MIP over the candidates ``cols``: minimise ``cost`` (one per column, then one per
    auxiliary column) under :func:`_rows` and the forced pairs; exact unless a relative
    ``gap`` is allowed (then "optimal" only means within it)."""
    k = len(cols)
    n_aux = 0 if aux_cost is None else len(aux_cost)
    if k == 0 and n_aux == 0:
        return _Mip("optimal", cols, 0.0, 0.0)
    t_rows = time.perf_counter()
    if _grant(d, seconds, "split-mip") <= 0.0:
        return _Mip("unknown", None, None, None)
    a, lo, hi = _rows(d, cols, n_aux, must_pair, extra)
    lb = np.concatenate([d.forced[cols].astype(float), np.zeros(n_aux)])
    ub = np.concatenate([np.ones(k), np.full(n_aux, np.inf) if aux_ub is None else aux_ub])
    c = np.concatenate([cost, np.zeros(0) if aux_cost is None else aux_cost])
    integrality = np.concatenate([np.ones(k), np.zeros(n_aux)])
    seconds = _grant(d, seconds - (time.perf_counter() - t_rows), "split-mip")
    if seconds <= 0.0:  # building the rows took the time left
        return _Mip("unknown", None, None, None)
    res = milp(c, integrality=integrality, bounds=Bounds(lb, ub),
               constraints=LinearConstraint(a, lo, hi),
               options={"time_limit": seconds, "mip_rel_gap": gap,
                        "presolve": True})
    if res.x is None:
        status = "infeasible" if res.status == 2 else "unknown"
        return _Mip(status, None, None, None)
    chosen = cols[np.round(res.x[:k]) > 0.5]
    bound = getattr(res, "mip_dual_bound", None)
    status = "optimal" if res.status == 0 else "feasible"
    return _Mip(status, chosen, float(res.fun),
                float(res.fun) if status == "optimal" else
                (None if bound is None or not math.isfinite(bound) else float(bound)))


def _lp(
    d: PairArrays,
    cols: np.ndarray,
    cost: np.ndarray,
    seconds: float,
    must_pair: np.ndarray | None,
    extra: list[tuple[np.ndarray, np.ndarray, float, float]] | None,
) -> tuple[float, np.ndarray, np.ndarray, np.ndarray] | None:
    """The LP relaxation of :func:`_milp` (dual simplex): its value (a lower bound) and
    solution, or ``None`` when it does not finish in ``seconds``; also the
    multipliers of the mentee rows (one per mentee of ``cols``, sorted; ≥ 0 for "≤ 1") and of
    the ``extra`` rows (≥ 0 for "≥ need"), in the sign of a Lagrangian lower bound."""
    t_rows = time.perf_counter()
    if _grant(d, seconds, "split-lp") <= 0.0:
        return None
    a, lo, hi = _rows(d, cols, 0, must_pair, extra)
    eq = lo == hi
    up = ~eq & np.isfinite(hi)
    down = ~eq & (lo > 0)
    a_ub = vstack([a[np.flatnonzero(up)], -a[np.flatnonzero(down)]]).tocsr()
    b_ub = np.concatenate([hi[up], -lo[down]])
    seconds = _grant(d, seconds - (time.perf_counter() - t_rows), "split-lp")
    if seconds <= 0.0:
        return None
    res = linprog(cost, A_ub=a_ub, b_ub=b_ub,
                  A_eq=a[np.flatnonzero(eq)] if eq.any() else None,
                  b_eq=lo[eq] if eq.any() else None,
                  bounds=np.column_stack([d.forced[cols].astype(float), np.ones(len(cols))]),
                  method="highs-ds", options={"time_limit": seconds})
    if res.status != 0:
        return None
    dual = np.zeros(len(lo))
    n_up = int(up.sum())
    dual[up] = res.ineqlin.marginals[:n_up]
    dual[down] -= res.ineqlin.marginals[n_up:]
    if eq.any():
        dual[eq] = res.eqlin.marginals
    n_e = len(np.unique(d.ei[cols]))
    n_x = len(extra or [])
    return (float(res.fun), np.asarray(res.x), -dual[:n_e],
            -dual[len(lo) - n_x:] if n_x else np.zeros(0))


def _cpsat(
    d: PairArrays,
    cols: np.ndarray,
    seconds: float,
    must_pair: np.ndarray,
    extra: list[tuple[np.ndarray, np.ndarray, float, float]],
    hint: np.ndarray,
) -> _Mip:
    """The exact problem of :func:`_milp` over ``cols`` (quality cost) by CP-SAT, one worker
    (it runs in a lane's thread), hinted with the pairs ``hint``."""
    from ortools.sat.python import cp_model

    t_model = time.perf_counter()
    if _grant(d, seconds, "split-cpsat") <= 0.0:
        return _Mip("unknown", None, None, None)
    model = cp_model.CpModel()
    x = [model.new_bool_var(f"x{k}") for k in cols]
    es, e_row = np.unique(d.ei[cols], return_inverse=True)
    ms, m_row = np.unique(d.mi[cols], return_inverse=True)
    by_e = np.split(np.argsort(e_row, kind="stable"), np.cumsum(np.bincount(e_row))[:-1])
    by_m = np.split(np.argsort(m_row, kind="stable"), np.cumsum(np.bincount(m_row))[:-1])
    for e, idx in zip(es, by_e, strict=True):
        terms = [x[i] for i in idx]
        if must_pair[e]:
            model.add_exactly_one(terms)
        else:
            model.add_at_most_one(terms)
    for i, idx in zip(ms, by_m, strict=True):
        if math.isfinite(d.cap[i]):
            model.add(sum(x[k] for k in idx) <= int(d.cap[i]))
        if math.isfinite(d.budget[i]):
            model.add(sum(int(d.load[cols[k]]) * x[k] for k in idx) <= int(d.budget[i]))
    for where, coef, lo, hi in extra:
        expr = sum(int(c) * x[k] for k, c in zip(where, coef, strict=True))
        if math.isfinite(lo):
            model.add(expr >= math.ceil(lo - 1e-9))
        if math.isfinite(hi):
            model.add(expr <= math.floor(hi + 1e-9))
    for k in np.flatnonzero(d.forced[cols]):
        model.add(x[k] == 1)
    model.minimize(sum(int(d.cost[c]) * v for c, v in zip(cols, x, strict=True)))
    inside = np.isin(cols, hint)
    for v, h in zip(x, inside, strict=True):
        model.add_hint(v, bool(h))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = _grant(d, seconds - (time.perf_counter() - t_model),
                                                   "split-cpsat")
    if solver.parameters.max_time_in_seconds <= 0.0:
        return _Mip("unknown", None, None, None)
    code = solver.solve(model)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return _Mip("infeasible" if code == cp_model.INFEASIBLE else "unknown", None, None, None)
    chosen = cols[[solver.boolean_value(v) for v in x]]
    value = float(d.cost[chosen].sum())
    optimal = code == cp_model.OPTIMAL
    return _Mip("optimal" if optimal else "feasible", chosen, value,
                value if optimal else float(solver.best_objective_bound))


def _component_quality(
    d: PairArrays,
    cols: np.ndarray,
    seconds: float,
    must_pair: np.ndarray,
    extra: list[tuple[np.ndarray, np.ndarray, float, float]],
    start: np.ndarray,
    per_mentee: int = 1,
) -> _Mip:
    """The quality level of one component: one exact MIP when it is small; otherwise its LP
    (a bound) and an exact MIP on the LP's pairs plus the best ``per_mentee`` and two lightest
    pairs of each mentee (a pairing, not a proof unless it meets the LP bound)."""
    cost = d.cost[cols]
    if len(cols) <= d.ep.split_kernel_component:
        return _milp(d, cols, cost, seconds, must_pair=must_pair, extra=extra)
    t0 = time.perf_counter()
    relaxed = _lp(d, cols, cost, seconds, must_pair, extra)
    if relaxed is None:
        return _Mip("unknown", None, None, None)
    lp_value, x = relaxed[0], relaxed[1]
    kernel = np.union1d(cols[x > 1e-6], _lightest(d, cols, 2))
    kernel = np.union1d(kernel, _best(d, cols, per_mentee))
    kernel = np.union1d(kernel, np.intersect1d(start, cols))
    sub_extra = []
    for where, coef, lo, hi in extra:
        inside = np.isin(cols[where], kernel)
        sub_extra.append((np.searchsorted(kernel, cols[where][inside]), coef[inside], lo, hi))
    left = max(0.05, seconds - (time.perf_counter() - t0))
    best = _milp(d, kernel, d.cost[kernel], left, must_pair=must_pair, extra=sub_extra,
                 gap=d.ep.split_kernel_gap)
    if best.x is None:
        ones = cols[x > 1 - 1e-6]
        return _Mip("unknown", None, None, float(math.ceil(lp_value - 1e-6)),
                    guide=ones[np.argsort(d.cost[ones], kind="stable")])
    best.bound = float(math.ceil(lp_value - 1e-6))
    best.status = "optimal" if best.bound >= (best.value or 0) else "feasible"
    return best


def _sub_extra(
    cols: np.ndarray,
    extra: list[tuple[np.ndarray, np.ndarray, float, float]],
    kernel: np.ndarray,
) -> list[tuple[np.ndarray, np.ndarray, float, float]]:
    """``extra`` rows (positions into ``cols``) restricted to ``kernel`` (sorted, ⊆ cols)."""
    out = []
    for where, coef, lo, hi in extra:
        inside = np.isin(cols[where], kernel)
        out.append((np.searchsorted(kernel, cols[where][inside]), coef[inside], lo, hi))
    return out


@dataclass
class _Lag:
    """A component's Lagrangian state (module :mod:`assignments.pairing.engines.pair_lagrange`)."""

    block: Any
    lam: np.ndarray
    mu: np.ndarray
    value: float  # the best L(λ, μ): a lower bound of the component's minimised cost
    delta: float = 0.0  # the kernel's width above L (grows on each retry)
    forcing: np.ndarray | None = None  # per pair of block.cols, L with the pair forced in
    x: np.ndarray | None = None  # the relaxation's choice (positions in block.cols)


def _lag_start(
    d: PairArrays,
    cols: np.ndarray,
    seconds: float,
    must_pair: np.ndarray,
    extra: list[tuple[np.ndarray, np.ndarray, float, float]],
) -> _Lag | None:
    """The Lagrangian of a component: multipliers from its compact LP's duals, then
    subgradient steps (at most ``split_lag_steps_seconds``) aiming a little above the first
    bound; ``None`` where the relaxation does not apply (or no LP in ``seconds``)."""
    from assignments.pairing.engines import pair_lagrange as pl

    t_end = time.perf_counter() + seconds
    if not d.ep.split_lagrangian:
        return None
    if any((coef != 1).any() or math.isfinite(hi) for _w, coef, _lo, hi in extra):
        return None
    rows = [(cols[w], math.ceil(lo - 1e-9)) for w, _c, lo, _h in extra]
    b = pl.block(cols, d.mi, d.ei, d.cost, d.load, d.forced, d.cap, d.budget, must_pair, rows)
    if b is None:
        return None
    relaxed = _lp(d, cols, d.cost[cols], seconds, must_pair, extra)
    if relaxed is None:
        return None
    _v, _x, lam, mu = relaxed
    first, _ = pl.lagrangian(b, lam, mu)
    target = first + max(1.0, d.ep.split_lag_target * abs(first))
    steps = min(d.ep.split_lag_steps_seconds,
                d.ep.split_lag_steps_share * (t_end - time.perf_counter()))
    steps = _grant(d, steps, "split-lagrange")
    if steps <= 0.0:  # no time for steps: the LP's multipliers
        return _Lag(b, lam, mu, first, d.ep.split_lag_kernel_delta)
    dual = pl.subgradient(b, lam, mu, target, steps)
    return _Lag(b, dual.lam, dual.mu, dual.value, d.ep.split_lag_kernel_delta)


def _lag_improve(lag: _Lag, target: float, seconds: float, d: PairArrays | None = None) -> None:
    """More subgradient steps towards ``target`` (an incumbent's cost); forcing bounds again."""
    from assignments.pairing.engines import pair_lagrange as pl

    if d is not None:
        seconds = _grant(d, seconds, "split-lagrange")
    if seconds <= 0.0:
        return
    dual = pl.subgradient(lag.block, lag.lam, lag.mu, target, seconds)
    if dual.value > lag.value:
        lag.lam, lag.mu, lag.value = dual.lam, dual.mu, dual.value
        lag.forcing = None


def _lag_solve(
    d: PairArrays,
    cols: np.ndarray,
    lag: _Lag,
    seconds: float,
    must_pair: np.ndarray,
    extra: list[tuple[np.ndarray, np.ndarray, float, float]],
    start: np.ndarray,
    old: _Mip | None = None,
    survivors_mip: bool = True,
) -> _Mip:
    """A component's pairing and proof from its Lagrangian.

    An exact MIP on the kernel — the pairs whose forcing bound is within ``lag.delta`` of
    ``L``, the relaxation's choice, the start's and ``old``'s pairs — gives an incumbent
    ``UB``. It is proven optimal when ``⌈L⌉ ≥ UB`` (after subgradient steps aimed at ``UB``),
    or when every pair whose forcing bound is at most ``UB − 1`` (only those can be in a
    cheaper pairing) was in the kernel, or (``survivors_mip``; else the kernel MIP has all
    the time) by the set MIP (:func:`_set_mip`, first when ``old`` is an incumbent already)
    or an exact MIP over those pairs and the incumbent's."""
    from assignments.pairing.engines import pair_lagrange as pl

    t_end = time.perf_counter() + seconds
    b = lag.block
    low = math.ceil(lag.value - 1e-6)  # a lower bound of the component's optimum
    tried = None  # the ceiling at which the set MIP ran
    crowded = False  # too many sets for the set MIP
    if survivors_mip and old is not None and old.x is not None and old.value is not None:
        # an incumbent already: steps aimed at it, then the sets that could beat it
        ub = round(old.value)
        if low < ub:
            _lag_improve(lag, ub, min(d.ep.split_lag_steps_seconds, 0.2 * seconds), d)
            low = max(low, math.ceil(lag.value - 1e-6))
        # first at the least cost the bound allows (few sets: it proves an optimum there at
        # once, else raises the bound by one), then just below the incumbent
        for ceiling in sorted({low, ub - 1}):
            if low >= ub or ceiling < low:
                break
            tried = ceiling
            got = _set_mip(d, lag, ceiling, d.ep.split_set_share * (t_end - time.perf_counter()))
            if got is None:  # too many sets (more still at a higher ceiling) or no time
                crowded = True
                break
            sets, at_least = got
            low = max(low, at_least)
            if sets.x is not None and sets.value is not None and round(sets.value) < ub:
                old = sets
                ub = round(sets.value)
        if low >= ub:
            return _Mip("optimal", old.x, float(ub), float(ub))
    if lag.forcing is None:
        lag.forcing = pl.forcing_bounds(b, lag.lam, lag.mu)
        lag.x = np.flatnonzero(pl.lagrangian(b, lag.lam, lag.mu)[1])
    reach = lag.value + lag.delta
    if survivors_mip and int((lag.forcing <= low + 1e-6).sum()) <= d.ep.split_reach_pairs:
        reach = max(reach, low)  # every pair of a pairing at the bound: one found is optimal
    kernel = np.union1d(b.cols[lag.forcing <= reach + 1e-6],
                        b.cols[lag.x] if lag.x is not None else np.zeros(0, np.int64))
    kernel = np.union1d(kernel, np.intersect1d(start, cols))
    kernel = np.union1d(kernel, cols[d.forced[cols]])
    if old is not None and old.x is not None:
        kernel = np.union1d(kernel, old.x)
    lag.delta *= 2  # a wider kernel next time
    if (crowded and len(cols) > d.ep.split_full_mip_max and old is not None and old.x is not None
            and old.value is not None):  # large: no set MIP, no survivors' MIP to improve it
        better = _rins(d, cols, lag, kernel, old.x, low,
                       d.ep.split_rins_share * (t_end - time.perf_counter()), must_pair, extra)
        if better is not None and better.value is not None and better.value < old.value:
            old = better
            if round(better.value) <= low:  # at the bound: optimal
                return _Mip("optimal", better.x, better.value, better.value)
    share = d.ep.split_lag_kernel_share if survivors_mip else 1.0
    # stopped within about one point of the kernel's own bound (integer costs): not a proof
    gap = 0.0 if survivors_mip else d.ep.split_lag_kernel_points / max(1.0, abs(lag.value))
    r = _milp(d, kernel, d.cost[kernel], share * (t_end - time.perf_counter()),
              must_pair=must_pair, extra=_sub_extra(cols, extra, kernel), gap=gap)
    found = [(round(m.value), i, m.x) for i, m in enumerate((r, old))
             if m is not None and m.x is not None and m.value is not None]
    if not found:
        return _Mip("unknown", None, None, float(math.ceil(lag.value - 1e-6)))
    ub, which, best_x = min(found, key=lambda f: (f[0], f[1]))
    kernel_proven = r.status == "optimal" and which == 0 and gap == 0.0
    if math.ceil(lag.value - 1e-6) < ub and survivors_mip:  # steps aimed at the incumbent
        _lag_improve(lag, ub, min(d.ep.split_lag_steps_seconds,
                                  0.3 * (t_end - time.perf_counter())), d)
        if lag.forcing is None:
            lag.forcing = pl.forcing_bounds(b, lag.lam, lag.mu)
    bound = float(max(low, math.ceil(lag.value - 1e-6)))
    assert lag.forcing is not None
    survivors = b.cols[lag.forcing <= ub - 1 + 1e-6]
    proven = bound >= ub or (kernel_proven and bool(np.isin(survivors, kernel).all()))
    if survivors_mip and not proven and tried != ub - 1:  # the sets that can beat it
        got = _set_mip(d, lag, ub - 1, d.ep.split_set_share * (t_end - time.perf_counter()))
        if got is not None:
            sets, low = got
            if sets.x is not None and sets.value is not None and round(sets.value) < ub:
                best_x, ub = sets.x, round(sets.value)
            bound = max(bound, float(low))
            proven = bound >= ub
    left = t_end - time.perf_counter()
    if (survivors_mip and not proven and 0 < len(survivors) <= d.ep.split_full_mip_max
            and left > 0.1):
        rest = np.union1d(np.union1d(survivors, best_x), cols[d.forced[cols]])
        # small but hard: CP-SAT proves these faster (measured)
        if len(rest) <= d.ep.split_cpsat_pairs:
            r = _cpsat(d, rest, left, must_pair, _sub_extra(cols, extra, rest), best_x)
        else:
            r = _milp(d, rest, d.cost[rest], left, must_pair=must_pair,
                      extra=_sub_extra(cols, extra, rest))
        if r.x is not None and r.value is not None and round(r.value) <= ub:
            best_x, ub = r.x, round(r.value)
        # a finished MIP over every pair that a pairing cheaper than the incumbent may use
        proven = r.status == "optimal"
        if r.bound is not None and not proven:
            bound = max(bound, float(math.ceil(min(r.bound, ub) - 1e-6)))
    value = float(ub)
    return _Mip("optimal" if proven else "feasible", best_x, value,
                value if proven else min(bound, value))


def _rins(
    d: PairArrays,
    cols: np.ndarray,
    lag: _Lag,
    kernel: np.ndarray,
    x: np.ndarray,
    low: int,
    seconds: float,
    must_pair: np.ndarray,
    extra: list[tuple[np.ndarray, np.ndarray, float, float]],
) -> _Mip | None:
    """A better pairing than ``x`` (or ``None``): MIPs on ``kernel`` ∪ ``x`` with the pairs that
    ``x`` and the relaxation's choice share held — all of them first, then a random
    ``split_rins_keep`` of them (a wider neighbourhood) — until ``seconds`` are spent or the bound
    ``low`` is met. A heuristic: what it finds is proven only by the bound."""
    if lag.x is None or seconds < 0.1:
        return None
    t_end = time.perf_counter() + seconds
    rng = np.random.default_rng(len(cols))
    best: _Mip | None = None
    value = float(d.cost[x].sum())
    relaxed = lag.block.cols[lag.x]
    for rnd in range(d.ep.split_rins_rounds):
        left = t_end - time.perf_counter()
        if left < 0.1 or value <= low:
            break
        space = np.union1d(kernel, x)
        agree = np.intersect1d(relaxed, x)
        held = agree if rnd == 0 else agree[rng.random(len(agree)) < d.ep.split_rins_keep]
        hold = (np.searchsorted(space, held), np.ones(len(held)), float(len(held)), math.inf)
        rows = [*_sub_extra(cols, extra, space), hold]
        r = _milp(d, space, d.cost[space], left, must_pair=must_pair, extra=rows)
        if r.x is not None and r.value is not None and round(r.value) < round(value):
            best, x, value = r, r.x, float(round(r.value))
    return best


def _set_mip(d: PairArrays, lag: _Lag, ceiling: int, seconds: float) -> tuple[_Mip, int] | None:
    """The component over the mentor sets that can be in a pairing of cost ≤ ``ceiling``
    (:func:`~assignments.pairing.engines.pair_lagrange.columns`): one set per mentor, each mentee at
    most (or exactly) once, the "at least" rows. Returns its best pairing (``x`` ``None`` when
    none) and a lower bound of the component's optimum — the restricted optimum when it is ≤
    ``ceiling`` (then it is the component's), else ``ceiling + 1``; less when the MIP stops
    early. ``None`` when there are more than ``split_set_columns`` sets or no time. Without
    HiGHS's presolve: on ~40,000 sets it outlasted a 3 s limit by 10 s (and found nothing);
    without it the limit holds, with the same outcomes on the city's other components."""
    from assignments.pairing.engines import pair_lagrange as pl

    t_end = time.perf_counter() + seconds
    b = lag.block
    if _grant(d, seconds, "split-sets") < 0.05:
        return None
    cs = pl.columns(b, lag.lam, lag.mu, float(ceiling), d.ep.split_set_columns)
    if cs is None:
        return None
    nothing = _Mip("infeasible", None, None, None)  # (status not used by the caller)
    if not len(cs):  # some mentor has no set that cheap: nothing of cost ≤ ceiling
        return nothing, ceiling + 1
    n, nm, ne = len(cs), len(b.start) - 1, b.n_mentees
    of = np.repeat(np.arange(n), np.diff(cs.ptr))
    cost = np.bincount(of, weights=b.cost[cs.pairs], minlength=n)
    has = b.row[cs.pairs] >= 0
    a = vstack([coo_matrix((np.ones(len(of)), (b.mentee[cs.pairs], of)), shape=(ne, n)),
                coo_matrix((np.ones(n), (cs.owner, np.arange(n))), shape=(nm, n)),
                coo_matrix((np.ones(int(has.sum())), (b.row[cs.pairs][has], of[has])),
                           shape=(len(b.need), n))]).tocsr()
    lo = np.concatenate([b.equal.astype(float), np.ones(nm), b.need])
    hi = np.concatenate([np.ones(ne), np.ones(nm), np.full(len(b.need), np.inf)])
    seconds = _grant(d, t_end - time.perf_counter(), "split-sets")
    if seconds <= 0.0:
        return None
    res = milp(cost, integrality=np.ones(n), bounds=Bounds(0, 1),
               constraints=LinearConstraint(a, lo, hi),
               options={"time_limit": seconds,
                        "mip_rel_gap": 0.0, "presolve": False})
    if res.x is None:
        if res.status == 2:  # infeasible: no pairing of cost ≤ ceiling
            return nothing, ceiling + 1
        return nothing, math.ceil(lag.value - 1e-6)
    take = np.flatnonzero(np.round(res.x) > 0.5)
    chosen = np.sort(b.cols[cs.pairs[np.isin(of, take)]])
    value = round(float(d.cost[chosen].sum()))
    if res.status == 0:
        low = min(value, ceiling + 1)
    else:
        dual = getattr(res, "mip_dual_bound", None)
        low = math.ceil(lag.value - 1e-6) if dual is None or not math.isfinite(dual) else min(
            math.ceil(dual - 1e-6), ceiling + 1)
    return _Mip("optimal" if res.status == 0 else "feasible", chosen, float(value),
                float(low)), low


def _lightest(d: PairArrays, cols: np.ndarray, per: int) -> np.ndarray:
    """The ``per`` lightest pairs (then best-scoring) of each mentee among ``cols``."""
    order = cols[np.lexsort((d.cost[cols], d.load[cols], d.ei[cols]))]
    first = np.searchsorted(d.ei[order], np.unique(d.ei[order]))
    rank = np.arange(len(order)) - np.repeat(first, np.diff(np.append(first, len(order))))
    return np.sort(order[rank < per])


def _best(d: PairArrays, cols: np.ndarray, per: int) -> np.ndarray:
    """The ``per`` best-scoring pairs (then lightest) of each mentee among ``cols``."""
    order = cols[np.lexsort((d.load[cols], d.cost[cols], d.ei[cols]))]
    first = np.searchsorted(d.ei[order], np.unique(d.ei[order]))
    rank = np.arange(len(order)) - np.repeat(first, np.diff(np.append(first, len(order))))
    return np.sort(order[rank < per])


def _matching(d: PairArrays, cols: np.ndarray) -> np.ndarray | None:
    """A maximum set of ``cols`` pairs with one mentor per mentee and head counts kept, when
    no forced pair is among them and no mentor's hours can bind (head count × heaviest pair
    within the budget): then this is a bipartite matching (mentors copied once per head),
    solved exactly by Hopcroft–Karp. ``None`` otherwise."""
    if d.forced[cols].any():
        return None
    ms, m_row = np.unique(d.mi[cols], return_inverse=True)
    heaviest = np.zeros(len(ms))
    np.maximum.at(heaviest, m_row, d.load[cols].astype(float))
    cap = d.cap[ms]
    if not np.isfinite(cap).all() or (cap * heaviest > d.budget[ms]).any():
        return None
    es, e_row = np.unique(d.ei[cols], return_inverse=True)
    heads = cap.astype(np.int64)
    start = np.concatenate([[0], np.cumsum(heads)])
    reps = heads[m_row]  # every pair once per copy of its mentor
    pair_of = np.repeat(np.arange(len(cols)), reps)
    copy = start[m_row].repeat(reps) + (np.arange(len(pair_of)) - np.repeat(
        np.cumsum(reps) - reps, reps))
    graph = csr_matrix((np.ones(len(pair_of)), (e_row[pair_of], copy)),
                       shape=(len(es), int(start[-1])))
    match = maximum_bipartite_matching(graph, perm_type="column")
    owner = np.repeat(np.arange(len(ms)), heads)
    lookup = {(int(e), int(i)): int(k) for k, e, i in zip(cols.tolist(), e_row.tolist(),
                                                        m_row.tolist(), strict=True)}
    chosen = [lookup[(e, int(owner[col]))] for e, col in enumerate(match.tolist()) if col >= 0]
    return np.array(sorted(chosen), dtype=np.int64)


def _warm_up() -> None:
    from assignments.pairing.engines import pair_lagrange as pl

    pl.warm_up()


def _say(params: SolveParams, text: str) -> None:
    if params.progress:
        import sys

        print(text, file=sys.stderr, flush=True)


def _grant(d: PairArrays, seconds: float, phase: str) -> float:
    """A sub-solve's time limit: ``seconds``, never more than the solve's budget has left
    (:meth:`~assignments.core.budget.Budget.grant`); ``0.0`` (skip it) when below 0.02 s —
    the phase is then recorded as cut short."""
    clock = d.clock
    given = max(0.0, seconds) if clock is None else clock.grant(seconds, phase)
    if given < 0.02:
        if clock is not None:
            clock.cut_short(phase)
        return 0.0
    return given


def solve_split(
    problem: PairingProblem,
    params: SolveParams,
    start: set[int],
    ep: EngineParams | None = None,
) -> SplitOutcome | None:
    """Solve the lexicographic levels of ``problem`` component by component (module doc).

    Parameters
    ----------
    problem
        A pairing problem in lexicographic mode, not assign-all.
    params
        Seed, workers and progress printing; the time is ``params.budget``'s (the run ends by
        its deadline, and early when its stop is set: the components then keep what they have).
    start
        Candidate indices of a valid pairing (e.g. greedy), or empty.
    ep
        The engine parameters (``split_*`` fields); default :class:`EngineParams`.

    Returns
    -------
    SplitOutcome or None
        ``None`` when no pairing satisfying the first level was found in time.
    """
    t0 = time.perf_counter()
    deadline = deadline_of(params)
    d = PairArrays(problem, ep)
    d.clock = params.budget
    p = problem
    names = p.levels()
    # the caller checks the result against the rules and recomputes its levels after this
    deadline -= min(0.15 * max(0.0, deadline - t0), d.ep.split_check_seconds_per_pair * d.n)
    stats: dict[str, Any] = {"engine": "split"}
    # the Lagrangian's kernels compile while level 1 is solved
    if d.n > d.ep.split_kernel_component:
        threading.Thread(target=_warm_up, daemon=True).start()
    values: dict[str, int] = {}
    bounds: dict[str, float] = {}
    status = SolveStatus.OPTIMAL
    start_arr = np.array(sorted(start), dtype=np.int64)

    # ---------------------------------------------------------------- level 1: mandatory
    must_pair = np.zeros(d.ne, bool)  # mentees that every pairing meeting level 1 pairs
    rows: list[tuple[np.ndarray, int]] = []  # (mandatory pairs of a component, min paired)
    base = np.zeros(0, np.int64)  # a pairing that meets level 1 (mandatory pairs only)
    if "mandatory" in names:
        sub = np.flatnonzero(d.mand | d.forced)
        labels = _labels(d, sub)
        comp_of_pair = labels[d.mi[sub]]
        mand_e = np.flatnonzero(d.mand_e)
        comp_of_mentee = labels[d.nm + mand_e]
        order = np.argsort(comp_of_pair, kind="stable")
        cuts = np.searchsorted(comp_of_pair[order], np.arange(labels.max() + 2))
        paired0 = np.zeros(d.ne, bool)
        paired0[d.ei[start_arr]] = True
        in_start = np.zeros(d.n, bool)
        in_start[start_arr] = True
        per_comp_mand = np.bincount(comp_of_mentee, minlength=labels.max() + 1)
        unpaired0 = np.bincount(comp_of_mentee[~paired0[mand_e]], minlength=labels.max() + 1)
        total = lower = 0
        pieces: list[np.ndarray] = []
        n_mip = 0
        for c in np.flatnonzero(per_comp_mand):
            cols = sub[order[cuts[c]: cuts[c + 1]]]
            mandc = cols[d.mand[cols]]
            n_c = int(per_comp_mand[c])
            if unpaired0[c] == 0:  # the start pairs them all: 0 is optimal
                pieces.append(cols[in_start[cols]])
                must_pair[d.ei[mandc]] = True
                continue
            if not len(mandc):  # mandatory mentees without any allowed pair
                total += n_c
                lower += n_c
                continue
            piece = _matching(d, cols)
            if piece is not None:  # hours cannot bind: a maximum matching is exact
                lower += n_c - int(d.mand[piece].sum())
            else:
                n_mip += 1
                left = deadline - time.perf_counter()
                # a pairing of them all proves 0 (a bound): the first one found, on the
                # lightest few pairs per mentee when there are many; else the exact minimum
                few = (_lightest(d, cols, d.ep.split_per_mentee)
                       if len(cols) > d.ep.split_kernel_above else cols)
                few = np.union1d(few, cols[in_start[cols]])
                r = _milp(d, few, d.cost[few], 0.25 * left, must_pair=d.mand_e, gap=1.0)
                if r.x is not None and n_c - int(d.mand[r.x].sum()) == 0:
                    r.bound = -float(n_c)
                    r.status = "optimal"
                else:
                    r = _milp(d, cols, -d.mand[cols].astype(float),
                              0.5 * (deadline - time.perf_counter()))
                if r.x is None and not len(start_arr):
                    _say(params, f"[split:mandatory] no pairing in time ({len(cols)} pairs)")
                    return None
                lower += n_c + math.ceil(r.bound - 1e-6) if r.bound is not None else 0
                if r.status != "optimal":
                    status = SolveStatus.FEASIBLE
                piece = r.x
                if piece is None or (len(start_arr) and int(d.mand[piece].sum())
                                     < n_c - int(unpaired0[c])):  # the start is better
                    piece = cols[in_start[cols]]
            got = n_c - int(d.mand[piece].sum())
            total += got
            pieces.append(piece)
            if got == 0:
                must_pair[d.ei[mandc]] = True
            else:
                rows.append((mandc, n_c - got))
        base = np.concatenate(pieces) if pieces else np.zeros(0, np.int64)
        values["mandatory"] = total
        bounds["mandatory"] = float(lower)
        stats["mandatory"] = {"components": len(np.flatnonzero(per_comp_mand)),
                              "mips": n_mip, "seconds": round(time.perf_counter() - t0, 2)}
        report(params, "mandatory", total, lower, "split")
        _say(params, f"[split:mandatory] {total} unpaired (bound {lower}), {n_mip} MIP(s), "
                     f"{time.perf_counter() - t0:.1f}s")

    # ---------------------------------------------------------------- level 2: quality
    t1 = time.perf_counter()
    labels = _labels(d, np.arange(d.n))
    comp = labels[d.mi]
    order = np.argsort(comp, kind="stable")
    cuts = np.searchsorted(comp[order], np.arange(labels.max() + 2))
    sizes = np.diff(cuts)
    # smallest first, each given its share of the time by size: the small ones are quick, and
    # the largest then get the time the others left
    todo = [int(c) for c in np.argsort(sizes, kind="stable") if sizes[c]]
    has_fair = "fairness" in names
    q_deadline = deadline  # fairness runs when quality is proven, with the time then left
    chosen_parts: list[np.ndarray] = []
    q_value = 0
    q_bound = 0.0
    q_proven = True
    unsolved: list[int] = []
    comp_rows: dict[int, list[tuple[np.ndarray, int]]] = {}
    for cols, need in rows:
        comp_rows.setdefault(int(comp[cols[0]]), []).append((cols, need))
    solved: dict[int, np.ndarray] = {}
    hints = np.union1d(start_arr, base)  # kernels hold a pairing that meets level 1
    # the components in lanes of about equal size, one thread each (HiGHS and the compiled
    # pricing release the GIL): results merged in a fixed order
    lanes = _lanes(todo, sizes, params.workers)
    results: dict[int, _Mip] = {}
    lags: dict[int, _Lag] = {}

    shared = _Shared(lanes_open=max(1, len(lanes)))

    def lane_run(lane: list[int]) -> tuple[dict[int, _Mip], dict[int, _Lag]]:
        return _quality_lane(d, lane, order, cuts, sizes, t1, q_deadline, must_pair,
                             comp_rows, hints, params, shared)

    if len(lanes) <= 1:
        outs = [lane_run(lanes[0] if lanes else [])]
    else:
        with ThreadPoolExecutor(max_workers=len(lanes)) as pool:
            outs = list(pool.map(lane_run, lanes))
    for lane_results, lane_lags in outs:
        results.update(lane_results)
        lags.update(lane_lags)
    stats["quality_lanes"] = len(lanes)
    for c in todo:
        r = results[c]
        if r.x is None:
            unsolved.append(c)
            q_proven = False
            continue
        solved[c] = r.x
        q_value += round(r.value or 0)
        if r.status == "optimal":
            q_bound += round(r.value or 0)
        else:
            q_proven = False
            q_bound += math.ceil(r.bound - 1e-6) if r.bound is not None else -math.inf
    for c in unsolved:  # no solution in time: the first level's pairs, then the LP's and the
        cols = order[cuts[c]: cuts[c + 1]]  # start's where they fit
        guide = results[c].guide
        more = np.intersect1d(start_arr, cols)
        piece = _fill(d, np.intersect1d(base, cols),
                      more if guide is None else np.concatenate([guide, more]))
        solved[c] = piece
        q_value += int(d.cost[piece].sum())
        bound_c = results[c].bound
        q_bound += -math.inf if bound_c is None else math.ceil(bound_c - 1e-6)
    chosen_parts = [solved[c] for c in todo]
    chosen = np.concatenate(chosen_parts) if chosen_parts else np.zeros(0, np.int64)
    lv = d.levels(chosen)
    assert lv["quality"] == q_value
    if "mandatory" in lv:  # quality MIPs keep at least the first level's pairs (may add)
        values["mandatory"] = lv["mandatory"]
    values["quality"] = q_value
    if math.isfinite(q_bound) or q_proven:  # no bound when a component has no pairing
        bounds["quality"] = float(q_value) if q_proven else float(q_bound)
    stats["quality"] = {"components": len(todo), "unproven": int(sum(
        1 for c in todo if results[c].status != "optimal")), "without_pairing": len(unsolved),
        "seconds": round(time.perf_counter() - t1, 2)}
    report(params, "quality", q_value, bounds.get("quality"), "split")
    _say(params, f"[split:quality] {q_value} (bound {bounds.get('quality')}), {len(todo)} "
                 f"component(s), {time.perf_counter() - t1:.1f}s")
    if not q_proven:
        status = SolveStatus.FEASIBLE

    # ---------------------------------------------------------------- level 3: fairness
    if has_fair:
        t2 = time.perf_counter()
        better = None
        keep = None
        if q_proven and lags:  # pairs in no pairing of the best quality: dropped (exact)
            keep = _quality_optimal_pairs(d, chosen, lags, order, cuts, solved)
            stats["fairness_pairs"] = len(keep)
            _say(params, f"[split:fairness] {len(keep)} of {d.n} pairs can be in a pairing "
                         f"of the best quality")
        size = d.n if keep is None else len(keep)
        if (q_proven and deadline - t2 > 0.1 and size <= d.ep.split_fairness_mip_max
                and not stopped(params)):
            better = _fairness(d, chosen, must_pair, rows, order, cuts, todo, solved,
                               deadline - time.perf_counter(), keep)
        if better is not None:
            chosen, fair_status, fair_bound = better
            if fair_status != "optimal":
                status = SolveStatus.FEASIBLE
            bounds["fairness"] = fair_bound
        else:
            status = SolveStatus.FEASIBLE
        lv = d.levels(chosen)
        values["fairness"] = lv["fairness"]
        values["quality"] = lv["quality"]  # lower than the best by at most 质量容差
        report(params, "fairness", values["fairness"], bounds.get("fairness"), "split")
        stats["fairness"] = {"seconds": round(time.perf_counter() - t2, 2),
                             "mip": better is not None}
    return _finish(d, chosen, status, values, bounds, stats)


def _lanes(todo: list[int], sizes: np.ndarray, workers: int) -> list[list[int]]:
    """The components split into ``min(2, workers)`` lanes of about equal total size (the
    largest first to the lighter lane), each lane smallest first."""
    count = max(1, min(2, int(workers), len(todo)))
    lanes: list[list[int]] = [[] for _ in range(count)]
    total = [0] * count
    for c in sorted(todo, key=lambda k: (-int(sizes[k]), k)):
        i = total.index(min(total))
        lanes[i].append(c)
        total[i] += int(sizes[c])
    return [sorted(lane, key=lambda k: (int(sizes[k]), k)) for lane in lanes if lane]


def _quality_lane(
    d: PairArrays,
    todo: list[int],
    order: np.ndarray,
    cuts: np.ndarray,
    sizes: np.ndarray,
    t1: float,
    q_deadline: float,
    must_pair: np.ndarray,
    comp_rows: dict[int, list[tuple[np.ndarray, int]]],
    hints: np.ndarray,
    params: SolveParams,
    shared: _Shared | None = None,
) -> tuple[dict[int, _Mip], dict[int, _Lag]]:
    """The quality level of the components ``todo`` (smallest first) until ``q_deadline``: a
    first pass gives each a pairing and a bound in its share of the time by size, a second
    gives the time left to those not proven, smallest first — taken from every lane's
    components (``shared``), one lane at a time on each. Returns each component's result
    and Lagrangian state (``shared``'s dictionaries)."""
    if shared is None:
        shared = _Shared(lanes_open=1)
    results, lags, extras = shared.results, shared.lags, shared.extras
    exhausted, busy, lock = shared.exhausted, shared.busy, shared.lock
    left_size = float(sizes[todo].sum()) if todo else 1.0
    phase_a = t1 + d.ep.split_first_pass * (q_deadline - t1)
    for c in todo:  # first pass: a pairing (and a bound) for every component
        cols = order[cuts[c]: cuts[c + 1]]
        share = sizes[c] / left_size
        left_size -= sizes[c]
        least = (d.ep.split_min_seconds if sizes[c] <= d.ep.split_kernel_component
                 else d.ep.split_kernel_seconds)
        seconds = min(max(least,
                          share * (phase_a - time.perf_counter())),
                      q_deadline - time.perf_counter())
        extras[c] = [(np.searchsorted(cols, rc), np.ones(len(rc)), float(need), math.inf)
                     for rc, need in comp_rows.get(c, [])]
        if seconds < 0.05 or stopped(params):  # out of time: the first level's pairs (below)
            with lock:
                results[c] = _Mip("unknown", None, None, None)
            continue
        tc = time.perf_counter()
        lag = None
        # its share of the time, not the LP kernel's least
        if sizes[c] > d.ep.split_kernel_component:
            seconds = min(max(d.ep.split_lag_min_seconds, share * (phase_a - tc)), q_deadline - tc)
            lag = _lag_start(d, cols, seconds, must_pair, extras[c])
        if lag is not None:
            r = _lag_solve(d, cols, lag, max(0.05, seconds - (time.perf_counter() - tc)),
                           must_pair, extras[c], hints, survivors_mip=False)
            if r.x is None:  # the LP's kernel (a pairing), the Lagrangian's bound
                r = _component_quality(d, cols, max(0.05, seconds - (time.perf_counter() - tc)),
                                       must_pair, extras[c], hints)
                r.bound = max(r.bound or -math.inf, float(math.ceil(lag.value - 1e-6)))
            left = seconds - (time.perf_counter() - tc)
            if r.status != "optimal" and r.x is not None and left > d.ep.split_steps_after_min:
                # steps aimed at the pairing found: a bound closer to it (cheap)
                _lag_improve(lag, round(r.value or 0),
                             min(d.ep.split_lag_steps_seconds, 0.3 * left), d)
                r.bound = max(r.bound or -math.inf, float(math.ceil(lag.value - 1e-6)))
                if r.bound >= (r.value or 0):
                    r.status = "optimal"
        else:
            r = _component_quality(d, cols, seconds, must_pair, extras[c], hints)
        if lag is not None:
            lags[c] = lag
            _say(params, f"[split:lagrange] component of {len(cols)} pairs: L {lag.value:.2f}")
        with lock:
            results[c] = r
        _say(params, f"[split:quality] component of {len(cols)} pairs: {r.status} {r.value} "
                     f"bound {r.bound} in {time.perf_counter() - tc:.1f}s of {seconds:.1f}s")
    # second pass: the time left to the components not proven (of every lane), smallest first
    with lock:
        shared.lanes_open -= 1
    c = -1
    while time.perf_counter() < q_deadline - 0.2 and not stopped(params):
        with lock:
            busy.discard(c)
            gaps = {c: (math.inf if r.x is None or r.bound is None else (r.value or 0) - r.bound)
                    for c, r in results.items()
                    if r.status != "optimal" and c not in exhausted and c not in busy}
            wait = not gaps and (shared.lanes_open > 0 or bool(busy))
            if not gaps and not wait:
                if shared.last_round or not exhausted:
                    break
                shared.last_round = True  # no progress left: all the time, smallest first
                exhausted.clear()
                continue
            if gaps:
                # without a pairing first, then the smallest (its proof is the cheapest)
                c = min(gaps, key=lambda k: (not math.isinf(gaps[k]), sizes[k]))
                busy.add(c)
            last_round = shared.last_round
        if wait:  # the other lane's components may still come (or fail to be proven)
            c = -1
            time.sleep(0.05)
            continue
        finite = sum(g for g in gaps.values() if math.isfinite(g)) or 1.0
        left = q_deadline - time.perf_counter()
        share = (min(0.25, d.ep.split_min_seconds * 5 / max(left, 1e-9))
                 if math.isinf(gaps[c]) else gaps[c] / finite)
        seconds = left if last_round else min(
            left, max(d.ep.split_again_seconds, left * min(1.0, share)))
        cols = order[cuts[c]: cuts[c + 1]]
        tc = time.perf_counter()
        if c in lags:  # a wider kernel, steps towards the incumbent, the survivors' MIP
            old_r = results[c]
            r = _lag_solve(d, cols, lags[c], seconds, must_pair, extras[c], hints,
                           old_r if old_r.x is not None else None)
        elif len(cols) <= d.ep.split_full_mip_max:
            r = _milp(d, cols, d.cost[cols], seconds, must_pair=must_pair, extra=extras[c])
        else:  # too large for a MIP over every pair: once more with a larger kernel
            with lock:
                exhausted.add(c)
            if seconds < d.ep.split_kernel_seconds:
                continue
            r = _component_quality(d, cols, seconds, must_pair, extras[c], hints,
                                   d.ep.split_kernel_per_mentee)
        old = results[c]
        if not (r.x is not None and (old.x is None or (r.value or 0) < (old.value or 0))) and not (
                r.bound is not None and (old.bound is None or r.bound > old.bound)):
            with lock:
                exhausted.add(c)  # no progress: leave the time to the others
        if r.x is not None and (old.x is None or (r.value or 0) <= (old.value or 0)):
            if old.bound is not None and (r.bound is None or r.bound < old.bound):
                r.bound = old.bound
            results[c] = r
        elif r.bound is not None and (old.bound is None or r.bound > old.bound):
            old.bound = r.bound
        rr = results[c]
        if rr.x is not None and rr.bound is not None and rr.bound >= (rr.value or 0):
            rr.status = "optimal"
        elif rr.status == "optimal" and not (rr.bound is not None
                                             and rr.bound >= (rr.value or 0)):
            rr.status = "feasible"
        _say(params, f"[split:quality] again, {len(cols)} pairs: {rr.status} {rr.value} "
                     f"bound {rr.bound} in {time.perf_counter() - tc:.1f}s of {seconds:.1f}s")
        if r.status != "optimal" and seconds >= q_deadline - tc - 0.2:
            break
    with lock:
        busy.discard(c)
    return results, lags


@dataclass
class _Shared:
    """The quality level's state shared by the lanes (the second pass takes any lane's
    components): results, Lagrangian states, "at least" rows per component; the components
    that made no progress, those being worked on, the lanes still in their first pass."""

    lanes_open: int
    results: dict[int, _Mip] = field(default_factory=dict)
    lags: dict[int, _Lag] = field(default_factory=dict)
    extras: dict[int, list[tuple[np.ndarray, np.ndarray, float, float]]] = field(
        default_factory=dict)
    exhausted: set[int] = field(default_factory=set)
    busy: set[int] = field(default_factory=set)
    last_round: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)


def _fairness(
    d: PairArrays,
    chosen: np.ndarray,
    must_pair: np.ndarray,
    rows: list[tuple[np.ndarray, int]],
    order: np.ndarray,
    cuts: np.ndarray,
    todo: list[int],
    solved: dict[int, np.ndarray],
    seconds: float,
    keep: np.ndarray | None = None,
) -> tuple[np.ndarray, str, float] | None:
    """One MIP of the fairness level over every pair (or the pairs ``keep``, sorted: a superset
    of every pairing that meets the earlier levels), the earlier levels held as rows.

    Returns the pairing, ``"optimal"`` or ``"feasible"`` and the fairness bound, or ``None``
    when HiGHS finds nothing as good as ``chosen`` in time."""
    p = d.p
    cols = np.arange(d.n) if keep is None else keep
    pos = -np.ones(d.n, np.int64)  # column of each candidate (−1: dropped)
    pos[cols] = np.arange(len(cols))
    aux_cost: list[float] = []
    extra: list[tuple[np.ndarray, np.ndarray, float, float]] = []
    n = len(cols)
    if p.balance_weight:
        mi = d.mi[cols]
        per_mentor = np.bincount(mi, minlength=d.nm)
        by_mentor = np.argsort(mi, kind="stable")
        first = np.searchsorted(mi[by_mentor], np.arange(d.nm + 1))
        for i in range(d.nm):
            top = int(min(d.cap[i], per_mentor[i]))
            if top < 2:
                continue
            aux = n + len(aux_cost) + np.arange(top - 1)
            aux_cost += [p.balance_weight * (t - 1) for t in range(2, top + 1)]
            ks = by_mentor[first[i]: first[i + 1]]
            # Σ x − Σ y ≤ 1: the y's count the mentees beyond the first (convex costs)
            extra.append((np.concatenate([ks, aux]),
                          np.concatenate([np.ones(len(ks)), -np.ones(len(aux))]),
                          -math.inf, 1.0))
    aux_ub = [1.0] * len(aux_cost)
    if d.drain:
        for g in range(len(d.limit)):
            ks = np.flatnonzero(d.outside[cols] & (d.group[cols] == g))
            if len(ks) <= d.limit[g]:
                continue
            aux = n + len(aux_cost)
            aux_cost.append(float(p.drain_weight))
            aux_ub.append(math.inf)
            extra.append((np.append(ks, aux), np.append(np.ones(len(ks)), -1.0), -math.inf,
                          float(d.limit[g])))
    for rc, need in rows:
        at = pos[rc]
        extra.append((at[at >= 0], np.ones(int((at >= 0).sum())), float(need), math.inf))
    if p.quality_tolerance > 0:
        q = int(d.cost[chosen].sum())
        limit = q + math.floor(p.quality_tolerance * abs(q))
        extra.append((np.arange(n), d.cost[cols], -math.inf, float(limit)))
    else:  # quality proven per component: each component keeps its optimum
        for c in todo:
            cc = pos[order[cuts[c]: cuts[c + 1]]]
            cc = cc[cc >= 0]
            extra.append((cc, d.cost[cols[cc]], -math.inf, float(d.cost[solved[c]].sum())))
    r = _milp(d, cols, np.zeros(n), seconds, must_pair=must_pair, extra=extra,
              aux_cost=np.array(aux_cost), aux_ub=np.array(aux_ub))
    if r.x is None:
        return None
    if d.levels(r.x)["fairness"] > d.levels(chosen)["fairness"]:
        return None
    bound = r.bound if r.bound is not None else 0.0
    return r.x, r.status, float(math.ceil(bound - 1e-6))


def _quality_optimal_pairs(
    d: PairArrays,
    chosen: np.ndarray,
    lags: dict[int, _Lag],
    order: np.ndarray,
    cuts: np.ndarray,
    solved: dict[int, np.ndarray],
) -> np.ndarray:
    """The pairs that can be in a pairing meeting the proven quality level (within 质量容差):
    a pair of a component with a Lagrangian whose forcing bound exceeds the component's
    optimum plus the tolerance's slack cannot (exact); every other pair is kept."""
    from assignments.pairing.engines import pair_lagrange as pl

    keep = np.ones(d.n, bool)
    slack = 0
    if d.p.quality_tolerance > 0:
        q = int(d.cost[chosen].sum())
        slack = math.floor(d.p.quality_tolerance * abs(q))
    for c, lag in lags.items():
        if lag.forcing is None:
            lag.forcing = pl.forcing_bounds(lag.block, lag.lam, lag.mu)
        best = round(float(d.cost[solved[c]].sum()))
        keep[lag.block.cols] = lag.forcing <= best + slack + 1e-6
        keep[solved[c]] = True  # (always below; kept whatever rounding says)
        assert np.array_equal(np.sort(lag.block.cols), np.sort(order[cuts[c]: cuts[c + 1]]))
    keep[d.forced] = True
    return np.flatnonzero(keep)


def _fill(d: PairArrays, piece: np.ndarray, extra: np.ndarray) -> np.ndarray:
    """``piece`` plus the pairs of ``extra`` (in order) that still fit: mentee unpaired,
    mentor's head count and hours not exceeded."""
    paired = set(d.ei[piece].tolist())
    heads = np.bincount(d.mi[piece], minlength=d.nm).astype(float)
    hours = np.bincount(d.mi[piece], weights=d.load[piece], minlength=d.nm)
    out = list(piece.tolist())
    for k in extra.tolist():
        e, i = int(d.ei[k]), int(d.mi[k])
        if e in paired or heads[i] + 1 > d.cap[i] or hours[i] + d.load[k] > d.budget[i]:
            continue
        paired.add(e)
        heads[i] += 1
        hours[i] += d.load[k]
        out.append(k)
    return np.array(sorted(out), dtype=np.int64)


def _finish(d: PairArrays, chosen: np.ndarray, status: SolveStatus, values: dict[str, int],
            bounds: dict[str, float], stats: dict[str, Any]) -> SplitOutcome:
    x = [0] * d.n
    for k in chosen.tolist():
        x[k] = 1
    return SplitOutcome(status, x, values, bounds, stats)
