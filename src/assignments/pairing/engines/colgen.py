"""Large pairing problems: column generation, reduced-cost fixing, then an exact MIP on the rest.

A city has hundreds of thousands of allowed pairs; CP-SAT's presolve alone outlasts a
30-second budget on all of them. Each objective level is therefore solved in three steps:

1. **Column generation on the LP relaxation.** Start from a few of each mentee's best pairs (and
   the previous solution), solve the LP with HiGHS (SciPy), price every allowed pair with the
   LP duals (NumPy, all pairs at once) and add those with a negative reduced cost, until none
   is left. Any duals give a valid lower bound of the *whole* problem,
   ``LB = y·b + Σ_j min(0, rc_j)`` (forced pairs count ``rc_j``); at convergence it is the LP
   optimum.
2. **Reduced-cost fixing.** With an upper bound ``UB`` (the level's optimum over the generated
   pairs, found by CP-SAT), a pair whose reduced cost exceeds ``UB − LB`` cannot be in any
   solution as good as ``UB`` (``c·x ≥ LB + Σ_{rc_j>0} rc_j x_j`` for every feasible ``x``), so
   it is dropped — exactly, not heuristically.
3. **Exact MIP** (CP-SAT, :func:`model.build_model`) on the pairs that remain; its optimum is
   the optimum of the whole problem, and the proof carries over.

The next level is solved the same way with the previous levels fixed as LP rows and model
constraints. Pure NumPy/SciPy here; the MIP goes through :mod:`assignments.pairing.model`.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import coo_matrix, csr_matrix, hstack, vstack

from assignments.core.highs import HighsLinear
from assignments.core.solver import SolveParams, SolveStatus, run_cpsat
from assignments.pairing.arrays import PairArrays
from assignments.pairing.model import build_model
from assignments.pairing.params import EngineParams, deadline_of, report, stopped
from assignments.pairing.problem import PairingProblem

__all__ = ["LevelOutcome", "solve_colgen"]

_EPS = 1e-7


@dataclass
class LevelOutcome:
    """What :func:`solve_levels` returns.

    Attributes
    ----------
    status
        OPTIMAL when every level was proven, FEASIBLE when a solution exists without proof.
    x
        0/1 per candidate of the whole problem.
    values, bounds
        Level name -> value (minimised form) and proven lower bound.
    stats
        Columns generated, kept after fixing, LP rounds, per level.
    """

    status: SolveStatus
    x: list[int]
    values: dict[str, int]
    bounds: dict[str, float]
    levels: dict[str, int] = field(default_factory=dict)
    stats: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Lp:
    value: float
    x: np.ndarray  # values of the columns
    rc: np.ndarray  # reduced cost of every candidate
    bound: float  # valid lower bound of the whole problem (level constant included)


def _solve_lp(a: PairArrays, level: str, fixed: list[tuple[str, float]], cols: np.ndarray,
              seconds: float = 600.0) -> _Lp:
    """LP of ``level`` over the columns ``cols`` with earlier levels fixed; prices all pairs.
    Raises :class:`_LpFailed` when HiGHS does not finish in ``seconds``."""
    p = a.p
    k = len(cols)
    cost_all = a.coef(level)
    rows: list[Any] = []
    rhs: list[np.ndarray] = []
    ar = np.arange(k)
    ei, mi, load = a.ei[cols], a.mi[cols], a.load[cols].astype(float)

    def block(row_of: np.ndarray, values: np.ndarray, n_rows: int) -> Any:
        return coo_matrix((values, (row_of, ar)), shape=(n_rows, k))

    rows.append(block(ei, np.ones(k), a.ne))
    rhs.append(np.ones(a.ne))
    finite_cap = np.isfinite(a.cap)
    cap_rows = np.flatnonzero(finite_cap)
    cap_pos = -np.ones(a.nm, np.int64)
    cap_pos[cap_rows] = np.arange(len(cap_rows))
    keep = cap_pos[mi] >= 0
    rows.append(coo_matrix((np.ones(keep.sum()), (cap_pos[mi][keep], ar[keep])),
                           shape=(len(cap_rows), k)))
    rhs.append(a.cap[cap_rows])
    bud_rows = np.flatnonzero(np.isfinite(a.budget))
    bud_pos = -np.ones(a.nm, np.int64)
    bud_pos[bud_rows] = np.arange(len(bud_rows))
    keep = bud_pos[mi] >= 0
    rows.append(coo_matrix((load[keep], (bud_pos[mi][keep], ar[keep])),
                           shape=(len(bud_rows), k)))
    rhs.append(a.budget[bud_rows])
    for name, limit in fixed:  # earlier levels: coefficient row ≤ value − the level's constant
        rows.append(csr_matrix(a.coef(name)[cols].reshape(1, -1)))
        rhs.append(np.array([limit - (a.n_mand if name == "mandatory" else 0)]))
    # fairness: balance (n(n-1)/2 via y[i, n]) and drain (excess per group) columns
    aux_cost: list[float] = []
    aux_ub: list[float] = []
    aux_rows: list[tuple[int, int, float]] = []  # (row, aux column, value) in extra rows
    extra_rhs: list[float] = []
    bal_row = -np.ones(a.nm, np.int64)
    drain_row = -np.ones(max(a.n_groups, 1), np.int64)
    if level == "fairness":
        r = 0
        if p.balance_weight:
            per_mentor = np.bincount(a.mi, minlength=a.nm)
            for i in range(a.nm):
                top = int(min(a.cap[i], per_mentor[i]))
                if top < 2:
                    continue
                bal_row[i] = r
                for nn in range(2, top + 1):
                    aux_rows.append((r, len(aux_cost), -1.0))
                    aux_cost.append(p.balance_weight * (nn - 1))
                    aux_ub.append(1.0)
                extra_rhs.append(1.0)
                r += 1
        if a.n_groups:
            for g in range(a.n_groups):
                drain_row[g] = r
                aux_rows.append((r, len(aux_cost), -1.0))
                aux_cost.append(float(p.drain_weight))
                aux_ub.append(np.inf)
                extra_rhs.append(float(p.drain_limit[g]))
                r += 1
        n_extra = r
        x_rows = []
        x_cols = []
        hit = bal_row[mi] >= 0
        x_rows.append(bal_row[mi][hit])
        x_cols.append(ar[hit])
        if a.n_groups:
            out = a.outside[cols]
            x_rows.append(drain_row[a.group[cols]][out])
            x_cols.append(ar[out])
        rr = np.concatenate(x_rows) if x_rows else np.zeros(0, np.int64)
        cc = np.concatenate(x_cols) if x_cols else np.zeros(0, np.int64)
        rows.append(coo_matrix((np.ones(len(rr)), (rr, cc)), shape=(n_extra, k)))
        rhs.append(np.array(extra_rhs))
    n_aux = len(aux_cost)
    a_x = vstack(rows).tocsr()
    if n_aux:
        n_rows = a_x.shape[0]
        offset = n_rows - len(extra_rhs)
        aux = coo_matrix(([v for _r, _c, v in aux_rows],
                          ([offset + r for r, _c, _v in aux_rows], [c for _r, c, _v in aux_rows])),
                         shape=(n_rows, n_aux))
        a_ub = hstack([a_x, aux]).tocsr()
    else:
        a_ub = a_x
    b_ub = np.concatenate(rhs)
    lb = np.zeros(k)
    forced_cols = np.isin(cols, a.forced_idx)
    lb[forced_cols] = 1.0
    c = np.concatenate([cost_all[cols], np.array(aux_cost)])
    bounds = np.column_stack([np.concatenate([lb, np.zeros(n_aux)]),
                              np.concatenate([np.ones(k), np.array(aux_ub)])])
    a_eq = b_eq = None
    if p.assign_all:
        a_eq = a_ub[: a.ne]
        b_eq = b_ub[: a.ne]
        a_ub = a_ub[a.ne:]
        b_ub = b_ub[a.ne:]
    res = linprog(c, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq,
                  bounds=[tuple(b) for b in bounds], method="highs",
                  options={"time_limit": max(0.5, seconds)})
    if res.status != 0:
        raise _LpFailed(str(res.message))
    y = res.ineqlin.marginals
    y_e = res.eqlin.marginals if p.assign_all else y[: a.ne]
    pos = 0 if p.assign_all else a.ne
    y_cap = np.zeros(a.nm)
    y_cap[cap_rows] = y[pos: pos + len(cap_rows)]
    pos += len(cap_rows)
    y_bud = np.zeros(a.nm)
    y_bud[bud_rows] = y[pos: pos + len(bud_rows)]
    pos += len(bud_rows)
    y_fix = y[pos: pos + len(fixed)]
    pos += len(fixed)
    rc = cost_all - y_e[a.ei] - y_cap[a.mi] - y_bud[a.mi] * a.load
    for (name, _limit), yf in zip(fixed, y_fix, strict=True):
        rc = rc - yf * a.coef(name)
    if level == "fairness":
        y_extra = y[pos:]
        if len(y_extra):
            yb = np.where(bal_row >= 0, y_extra[np.maximum(bal_row, 0)], 0.0)
            rc = rc - yb[a.mi]
        if a.n_groups:
            yd = y_extra[drain_row]
            rc = rc - np.where(a.outside, yd[a.group], 0.0)
    # a valid lower bound of the whole problem from these duals (weak duality)
    b_all = b_ub if not p.assign_all else np.concatenate([b_eq, b_ub])  # type: ignore[list-item]
    y_all = y if not p.assign_all else np.concatenate([res.eqlin.marginals, y])
    forced_mask = np.zeros(a.n, bool)
    forced_mask[a.forced_idx] = True
    bound = float(y_all @ b_all + rc[forced_mask].sum() + np.minimum(0.0, rc[~forced_mask]).sum())
    if n_aux:
        aux_rc = np.array(aux_cost) - (a_ub[:, k:].T @ y).ravel()
        bound += float(np.minimum(0.0, aux_rc * np.where(np.isfinite(aux_ub), aux_ub, 0)).sum())
    constant = a.n_mand if level == "mandatory" else 0
    return _Lp(float(res.fun) + constant, res.x[:k], rc, bound + constant)


class _LpFailed(RuntimeError):
    pass


def _initial_columns(a: PairArrays, level: str, keep: np.ndarray, per_mentee: int) -> np.ndarray:
    cost = a.coef(level)
    if level == "fairness":
        cost = (a.sign * a.score).astype(float)  # fairness: start from the best-scoring pairs
    cost = cost + 1e-6 * a.load  # ties: the lighter pair first
    order = np.lexsort((cost, a.ei))
    first = np.searchsorted(a.ei[order], np.arange(a.ne))
    rank = np.arange(a.n) - np.repeat(first, np.diff(np.append(first, a.n)))
    top = order[rank < per_mentee]
    return np.union1d(np.union1d(top, keep), a.forced_idx)


def _restrict(p: PairingProblem, cols: np.ndarray, fix: np.ndarray | None = None
              ) -> PairingProblem:
    """The problem on the candidates ``cols`` only (``fix``: candidates forced in)."""
    from dataclasses import replace

    forced = set(p.forced)
    if fix is not None:
        forced |= {(p.candidates[int(k)].mentor, p.candidates[int(k)].mentee) for k in fix}
    return replace(p, candidates=[p.candidates[int(k)] for k in cols], forced=forced)


def _mip(
    p: PairingProblem,
    cols: np.ndarray,
    level: str,
    fixed: list[tuple[str, int]],
    hint_cols: set[int],
    params: SolveParams,
    highs: bool = False,
    fix: np.ndarray | None = None,
) -> tuple[SolveStatus, set[int] | None, float | None, float | None]:
    """Exact MIP of ``level`` over ``cols`` (earlier levels as constraints; ``fix``: pairs
    forced in, for the LP-guided first solution)."""
    sub = _restrict(p, cols, fix)
    pm = build_model(sub, fairness=level == "fairness")
    for name, limit in fixed:
        expr = pm.levels[name]
        if not isinstance(expr, int):
            pm.model.add(expr <= limit)
    expr = pm.levels.get(level, 0)
    if isinstance(expr, int):
        pm.model.clear_objective()
    else:
        pm.model.minimize(expr)
    hint = pm.hint_for({j for j, k in enumerate(cols.tolist()) if k in hint_cols})
    if highs and not isinstance(expr, int):
        backend = HighsLinear(pm.model)

        def extract_h(solver: Any) -> set[int]:
            return {int(cols[j]) for j, v in enumerate(pm.x) if solver.value(v)}

        run = backend.solve(expr, params, extract_h, hint=hint)
    else:
        def extract(solver: Any) -> set[int]:
            sol = solver.response_proto.solution
            return {int(cols[j]) for j, v in enumerate(pm.x) if sol[v.index]}

        run = run_cpsat(pm.model, params, extract, label=f"reduced:{level}", hint=hint)
    value = run.objective if not isinstance(expr, int) else float(expr)
    return run.status, run.values, value, run.bound if not isinstance(expr, int) else value


def _say(params: SolveParams, text: str) -> None:
    if params.progress:
        import sys

        print(text, file=sys.stderr, flush=True)


def _value(a: PairArrays, level: str, idx: np.ndarray) -> int:
    """A level's value (minimised form) for the chosen candidate indices."""
    if level == "mandatory":
        return a.n_mand - int(a.mand[idx].sum())
    return int((a.sign * a.score[idx]).sum())


def _column_generation(
    a: PairArrays,
    level: str,
    fixed: list[tuple[str, int]],
    cols: np.ndarray,
    allowed: np.ndarray,
    per_mentee: int,
    deadline: float,
    params: SolveParams,
) -> tuple[_Lp, np.ndarray, int]:
    """LP of ``level`` by column generation until no allowed pair prices out, or the bound is
    within one unit of the LP value (the level is an integer: more rounds cannot help)."""
    rounds = 0
    while True:
        rounds += 1
        lp = _solve_lp(a, level, [(n, float(v)) for n, v in fixed], cols,
                       deadline - time.perf_counter())
        neg = np.setdiff1d(np.flatnonzero((lp.rc < -_EPS) & allowed), cols)
        close = lp.value - lp.bound <= max(1.0, 1e-5 * abs(lp.value))
        if not len(neg) or close or time.perf_counter() > deadline or stopped(params):
            return lp, cols, rounds
        order = neg[np.lexsort((lp.rc[neg], a.ei[neg]))]  # the most negative few per mentee
        first = np.searchsorted(a.ei[order], np.unique(a.ei[order]))
        counts = np.diff(np.append(first, len(order)))
        rank = np.arange(len(order)) - np.repeat(first, counts)
        cols = np.union1d(cols, order[rank < per_mentee])





def _mip_rounds(
    a: PairArrays,
    p: PairingProblem,
    stage: str,
    fixed: list[tuple[str, int]],
    cols: np.ndarray,
    lp: _Lp,
    allowed: np.ndarray,
    current: set[int],
    params: SolveParams,
    deadline: float,
    engine: str,
    info: dict[str, Any],
    t_stage: float,
) -> tuple[set[int] | None, int, bool, float | None, np.ndarray, SolveStatus]:
    """A pairing for ``stage``, proven optimal when reduced-cost fixing leaves few enough pairs.

    1. LP-guided pairing: the LP's integral pairs kept, the mentees it splits solved exactly.
    2. Reduced-cost fixing with that upper bound; when the pairs kept are few enough, one exact
       MIP over them proves the optimum of the whole problem.
    3. Otherwise, while time lasts: exact MIPs over neighbourhoods (a random set of mentees
       freed, the others kept), each a little better; no proof.
    """

    def mip(cols_: np.ndarray, hint: set[int], seconds: float, fix: np.ndarray | None = None
            ) -> tuple[SolveStatus, set[int] | None, float | None, float | None]:
        free = len(cols_) - (0 if fix is None else len(fix))  # fixed pairs cost HiGHS nothing
        highs = engine == "highs" or (engine == "auto" and free <= a.ep.colgen_highs_max_columns)
        out = _mip(p, cols_, stage, fixed, hint, params.with_time(max(0.1, seconds)), highs,
                   fix=fix)
        name = "highs" if highs else "cpsat"
        _say(params, f"[reduced:{stage}] MIP on {len(cols_)} pairs ({name}): {out[0].value} "
                     f"{out[2]}, {time.perf_counter() - t_stage:.1f}s")
        return out

    best: set[int] | None = None
    ub: int | None = None
    mip_lb: float | None = None
    status = SolveStatus.UNKNOWN
    lb_int = math.ceil(lp.bound - 1e-6)
    guide = lp
    if stage == "mandatory":
        # the mandatory LP has many optima; let the scores pick one (guidance only: the bound
        # and the fixing come from the mandatory LP itself)
        try:
            guide = _solve_lp(a, "guided", [(n, float(v)) for n, v in fixed], cols,
                              (deadline - time.perf_counter()) / 4)
        except _LpFailed:
            guide = lp
    ones = cols[guide.x > 1 - 1e-6]
    split = ~np.isin(a.ei[cols], a.ei[ones])
    if len(ones) and (split.any() or stage == "fairness"):
        remaining = deadline - time.perf_counter()
        st, got, val, _ = mip(np.union1d(ones, cols[split]), set(),
                              min(a.ep.colgen_guided_seconds, remaining / 3),
                              fix=ones)
        if got is not None:
            best, ub = got, round(val or 0)
            info["lp_guided"] = ub
    elif len(ones) and guide is lp:  # an integral LP: its pairs are a solution of LP value
        best = {int(k) for k in ones}
        constant = a.n_mand if stage == "mandatory" else 0
        ub = round(float(a.coef(stage)[ones].sum()) + constant)
        info["lp_guided"] = ub
    if current and stage != "fairness":  # the pairing we start from is an incumbent too
        now = np.fromiter(current, np.int64, len(current))
        ok = all(_value(a, name, now) <= limit for name, limit in fixed)
        value = _value(a, stage, now)
        if ok and (ub is None or value < ub):
            best, ub = set(current), value
            info["start"] = value
    solved_on: np.ndarray | None = None  # pairs of the last MIP proven optimal
    if best is None:  # no LP-guided pairing: the generated pairs, from the current pairing
        st, got, val, mlb = mip(cols, current, (deadline - time.perf_counter()) / 2)
        status = st
        if got is None:
            return None, 0, False, None, cols, st
        best, ub, mip_lb = got, round(val or 0), mlb
        if st is SolveStatus.OPTIMAL:
            solved_on = cols
    assert best is not None and ub is not None
    rng = np.random.default_rng(params.seed)
    proven = ub <= lb_int
    while not proven and time.perf_counter() < deadline - 0.2 and not stopped(params):
        # c·x ≥ LB + rc_j whenever x_j = 1: pairs with rc_j > UB − LB cannot do better
        kept = np.flatnonzero((lp.rc <= ub - lp.bound + 1e-6) & allowed)
        kept = np.union1d(kept, np.fromiter(best, np.int64, len(best)))
        info["kept"] = len(kept)
        if solved_on is not None and np.isin(kept, solved_on).all():
            proven = True  # the optimum over a superset of the kept pairs
            cols = solved_on
            break
        if len(kept) <= a.ep.colgen_highs_max_columns:
            st, got, val, mlb = mip(kept, best, deadline - time.perf_counter())
            status = st
            if got is not None and round(val or 0) <= ub:
                best, ub, mip_lb = got, round(val or 0), mlb
            proven = st is SolveStatus.OPTIMAL
            cols = kept
            break
        # a neighbourhood: free some mentees (all their kept pairs), keep the others' pairs:
        # unpaired mandatory mentees and those of the mentors they could have, else random
        chosen_arr = np.fromiter(best, np.int64, len(best))
        paired = np.zeros(a.ne, bool)
        paired[a.ei[chosen_arr]] = True
        want = np.flatnonzero(~paired & np.isin(np.arange(a.ne), a.ei[a.mand]))
        rng.shuffle(want)
        free_set: set[int] = set()
        budget_cols = a.ep.colgen_highs_max_columns // 2
        per_mentee_cols = np.bincount(a.ei[kept], minlength=a.ne)
        used_cols = 0
        seeds = list(want[:50]) + list(rng.permutation(a.ne)[:a.ep.colgen_neighbourhood])
        for e in seeds:
            group = [int(e)]
            if not paired[e]:  # the mentees of the mentors this one could have
                ms = np.unique(a.mi[kept[a.ei[kept] == e]])
                group += a.ei[chosen_arr[np.isin(a.mi[chosen_arr], ms)]].tolist()
            for g in group:
                if g not in free_set and used_cols + per_mentee_cols[g] <= budget_cols:
                    free_set.add(g)
                    used_cols += int(per_mentee_cols[g])
            if used_cols >= budget_cols:
                break
        free = np.fromiter(free_set, np.int64, len(free_set))
        in_free = np.isin(a.ei[kept], free)
        keep_fixed = chosen_arr[~np.isin(a.ei[chosen_arr], free)]
        sub = np.union1d(kept[in_free], chosen_arr)
        st, got, val, _ = mip(sub, best, min(5.0, deadline - time.perf_counter()),
                              fix=keep_fixed)
        info["neighbourhoods"] = info.get("neighbourhoods", 0) + 1
        if got is not None and round(val or 0) < ub:
            best, ub = got, round(val or 0)
            proven = ub <= lb_int
    info["ub"] = ub
    if proven:
        status = SolveStatus.OPTIMAL
    return best, ub, proven, mip_lb, cols, status


def solve_colgen(
    problem: PairingProblem,
    params: SolveParams,
    start: set[int],
    ep: EngineParams | None = None,
    *,
    mip_engine: str = "auto",
) -> LevelOutcome | None:
    """Solve the lexicographic levels of a large problem (see the module docstring).

    Parameters
    ----------
    problem
        A pairing problem in lexicographic mode.
    params
        Seed, workers, deterministic mode; the time is ``params.budget``'s (its deadline, and
        its stop: the levels proven so far are kept).
    start
        Candidate indices of a valid starting pairing (e.g. greedy).
    ep
        The engine parameters (``colgen_*`` fields); default :class:`EngineParams`.
    mip_engine
        ``"auto"`` (HiGHS up to ``ep.colgen_highs_max_columns`` pairs, CP-SAT above),
        ``"highs"`` or ``"cpsat"`` for the exact MIPs.

    Returns
    -------
    LevelOutcome or None
        ``None`` when no solution was found in time.
    """
    p = problem
    deadline = deadline_of(params)
    a = PairArrays(p, ep)
    per_mentee = a.ep.colgen_per_mentee
    names = p.levels()
    fixed: list[tuple[str, int]] = []
    current = set(start)
    status = SolveStatus.OPTIMAL
    values: dict[str, int] = {}
    bounds: dict[str, float] = {}
    stats: dict[str, Any] = {}
    allowed = np.ones(a.n, bool)  # pairs that can still be in a solution meeting the levels
    stages = list(names)
    carried = np.zeros(0, np.int64)  # pairs generated by the previous stage (its LP met them)
    for si, stage in enumerate(stages):
        if values and stopped(params):  # the caller asked to stop: the levels so far
            status = SolveStatus.FEASIBLE
            break
        t_stage = time.perf_counter()
        last_stage = si == len(stages) - 1
        now = np.fromiter(current, np.int64, len(current))
        # the mandatory level starts from the best-scoring pairs too (its costs are all -1)
        cols = _initial_columns(a, "quality" if stage == "mandatory" else stage, now,
                                per_mentee)
        cols = np.union1d(cols, carried)
        cols = cols[allowed[cols] | np.isin(cols, now)]
        try:
            lp, cols, rounds = _column_generation(a, stage, fixed, cols, allowed, per_mentee,
                                                  deadline, params)
        except _LpFailed as exc:  # out of time: keep what the earlier stages proved
            _say(params, f"[reduced:{stage}] LP stopped: {exc}")
            if not values:
                return None
            status = SolveStatus.FEASIBLE
            break
        _say(params, f"[reduced:{stage}] LP {lp.value:,.1f} bound {lp.bound:,.1f} after "
                     f"{rounds} round(s), {len(cols)} pairs, {time.perf_counter() - t_stage:.1f}s")
        info: dict[str, Any] = {"lp_rounds": rounds, "columns": len(cols),
                                "lp_bound": round(lp.bound, 3)}
        stats[stage] = info
        stage_deadline = deadline if last_stage else t_stage + a.ep.colgen_stage_share * (
            deadline - t_stage)
        chosen, ub_i, proven, mip_lb, cols, _st = _mip_rounds(
            a, p, stage, fixed, cols, lp, allowed, current, params, stage_deadline, mip_engine,
            info, t_stage)
        info["columns_final"] = len(cols)
        info["seconds"] = round(time.perf_counter() - t_stage, 2)
        carried = cols
        if chosen is None:
            if not values:
                return None
            status = SolveStatus.FEASIBLE
            break
        current = chosen
        if not proven:
            status = SolveStatus.FEASIBLE
        values[stage] = ub_i
        bounds[stage] = float(ub_i) if proven else float(math.ceil(
            max(lp.bound, -math.inf if mip_lb is None else mip_lb) - 1e-6))
        report(params, stage, ub_i, bounds[stage], "colgen")
        limit = ub_i
        if stage == "quality" and p.quality_tolerance > 0:
            limit += math.floor(p.quality_tolerance * abs(ub_i))
        fixed.append((stage, limit))
        if proven and not last_stage:
            # exact: a pair with rc > limit − LB cannot be in a pairing within the limit
            allowed &= lp.rc <= limit - lp.bound + 1e-6
            allowed[a.forced_idx] = True
            info["allowed_after"] = int(allowed.sum())
    x = [0] * a.n
    for k in current:
        x[k] = 1
    return LevelOutcome(status, x, values, bounds, stats=stats)
