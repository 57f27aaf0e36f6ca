"""Large-neighbourhood search for assign-all (GAP) problems.

After the first CP-SAT solve, while time is left, two kinds of search share the two cores:

* the compiled local search (:mod:`assignments.pairing.engines.gap_search`: penalty weights on
  capacity excess, shift, swap and ejection-chain moves; numba, frees the GIL) runs in a thread
  from the start (``lns_search_lanes``);
* beside it, first the Lagrangian relaxation of "each job on one agent"
  (:mod:`assignments.pairing.engines.gap_lagrange`, started from the LP duals,
  ``lns_guide_share`` of the time) gives a proven lower bound (everything stops when it is met),
  the cost of forcing each job onto each agent, and the agent each job's knapsack wants; pairs
  that no cheaper assignment can use (reduced-cost fixing, exact) are then removed from both
  searches, and the local search's ejection chains use only the ``lns_search_near`` agents per
  job where forcing it costs the bound least;
* then rounds of CP-SAT sub-solves on the other core: free a share of the jobs (mentees) —
  every job of two agents and random others, random jobs, or jobs the relaxation wants
  elsewhere with every job of both agents (``lns_near_dual`` of the rounds) — let each move to
  its current agent or one of its ``lns_kernel_agents`` agents where forcing it costs the bound
  least, and re-solve that sub-problem (one worker, a short limit). After each round the two
  searches exchange their best assignments (the local search's is checked again first).

Freeing jobs rather than whole agents lets improving chains run through many agents (the moves
type D instances need). The share adapts: it grows while sub-problems are proven optimal
quickly and shrinks when they time out. Deterministic for a given seed when the solver runs in
deterministic mode: the Lagrangian step runs a fixed number of iterations, the local search a
fixed amount of work per sub-solve round (``lns_search_work_rate`` × ``lns_sub_limit``: pairs
looked at, counted by the search — a measure of time that, unlike a count of rounds, hardly
depends on the problem's size or type), and the exchanges happen after both sides stopped, in
a fixed order — nothing depends on the clock.
"""

from __future__ import annotations

import functools
import math
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from assignments.core.solver import SolveParams, SolveStatus, run_cpsat
from assignments.pairing.engines.gap_lagrange import (
    Knapsacks,
    lp_multipliers,
    penalties,
    subgradient,
)
from assignments.pairing.heuristics.greedy import dense
from assignments.pairing.model import build_model
from assignments.pairing.params import EngineParams, deadline_of, report, stopped, wall_net
from assignments.pairing.problem import Candidate, PairingProblem

__all__ = ["first_assignment", "improve"]


def _sub_solve(
    assign: np.ndarray,
    jobs: list[int],
    cost: np.ndarray,
    load: np.ndarray,
    used: np.ndarray,
    budget: np.ndarray,
    params: SolveParams,
    allowed: np.ndarray | None = None,
) -> tuple[dict[int, int], bool] | None:
    """Re-assign ``jobs`` optimally given the others (each to its current agent or one that
    ``allowed`` permits); (job -> agent, proven) or None."""
    m = cost.shape[0]
    residual = budget - used
    for j in jobs:
        residual[assign[j]] += load[assign[j], j]
    cands: list[Candidate] = []
    for b, j in enumerate(jobs):
        ok = np.isfinite(cost[:, j]) & (load[:, j] <= residual)
        if allowed is not None:
            ok &= allowed[:, j]
            ok[assign[j]] = True
        for i in np.flatnonzero(ok).tolist():
            cands.append(Candidate(i, b, int(cost[i, j]), int(load[i, j])))
    sub = PairingProblem(
        mentors=[str(i) for i in range(m)], mentees=[str(j) for j in jobs], candidates=cands,
        capacity=[None] * m, budget=[int(r) for r in residual], sense="min", assign_all=True,
    )
    pm = build_model(sub)
    pm.model.minimize(pm.levels["quality"])
    hint = {v: int(assign[jobs[c.mentee]] == c.mentor) for c, v in zip(cands, pm.x, strict=True)}
    run = run_cpsat(pm.model, params, lambda s: [int(s.value(v)) for v in pm.x], hint=hint,
                    label="lns")
    if run.values is None:
        return None
    moves = {jobs[cands[k].mentee]: cands[k].mentor for k, v in enumerate(run.values) if v}
    return moves, run.status is SolveStatus.OPTIMAL


def _neighbourhood(
    rng: random.Random, assign: np.ndarray, m: int, n: int, share: float,
    wanted: np.ndarray | None = None, near_dual: float = 0.34,
) -> list[int]:
    """Jobs to free: every job of two agents and random others, or random jobs only, or (with
    ``wanted``, the agent each job's Lagrangian knapsack chose) jobs that are not where the
    relaxation wants them, with every job of both agents involved."""
    size = max(4, min(n, int(share * n)))
    r = rng.random()
    if wanted is not None and r < near_dual:
        off = np.flatnonzero((wanted >= 0) & (wanted != assign)).tolist()
        rng.shuffle(off)
        picked: set[int] = set()
        for j in off:
            if len(picked) >= size:
                break
            picked.add(j)
            on = np.flatnonzero((assign == assign[j]) | (assign == wanted[j])).tolist()
            picked.update(on)
        if len(picked) < size:
            rest = [j for j in range(n) if j not in picked]
            picked |= set(rng.sample(rest, min(len(rest), size - len(picked))))
        return sorted(picked)
    if rng.random() < 0.5:
        a1, a2 = rng.sample(range(m), 2)
        picked = set(np.flatnonzero((assign == a1) | (assign == a2)).tolist())
        rest = [j for j in range(n) if j not in picked]
        picked |= set(rng.sample(rest, max(0, min(len(rest), size - len(picked)))))
        return sorted(picked)
    return rng.sample(range(n), size)


def _take_best(searches: list[Any], assign: np.ndarray, best: int, cost: np.ndarray,
               load: np.ndarray, budget: np.ndarray,
               stats: dict[str, Any]) -> tuple[np.ndarray, int]:
    """The local searches' best assignment when it is cheaper than ``best`` — checked again
    here (capacities, cost recomputed) before it is taken — else ``assign`` and ``best``."""
    m, n = cost.shape
    jobs = np.arange(n)
    for ts in searches:
        found = ts.best_cost
        if found is not None and found < best:
            trial = ts.best.astype(np.int64)
            loads = np.bincount(trial, weights=load[trial, jobs], minlength=m)
            if (loads <= budget).all() and int(cost[trial, jobs].sum()) == found:
                assign, best = trial, int(found)
                stats["search_found"] = stats.get("search_found", 0) + 1
    return assign, best


def _search_epoch(search: Any, stop: threading.Event, seconds: float, ep: EngineParams,
                  net: float = math.inf, budget: Any = None) -> None:
    """Run the local search: ``seconds`` worth of work (deterministic mode, when > 0;
    ``lns_search_work_rate``), or short chunks of rounds until ``stop`` is set.

    Deterministic mode runs its work in sixteen slices and gives up at the wall-clock ``net``
    (the solve budget's deadline plus half its allowed overrun): the same work in slices ends at
    the same round as in one call, so the result stays reproducible whenever the net does not
    bind, and the time limit is kept when it does."""
    if seconds > 0:
        target = search.work + _det_work(seconds, ep)
        step = max(1, _det_work(seconds, ep) // 16)
        while search.work < target and time.perf_counter() < net:
            search.run(2**62, work=min(step, target - search.work))
        if search.work < target and budget is not None:
            budget.cut = True  # the wall clock cut the planned work: say so
        return
    chunk = 1  # grows while a chunk takes under lns_search_chunk seconds (large problems: 1 round)
    while not stop.is_set():
        t = time.perf_counter()
        search.run(chunk)
        if time.perf_counter() - t < ep.lns_search_chunk:
            chunk = min(2 * chunk, 64)


def _bb_phase(cost: np.ndarray, load: np.ndarray, budget: np.ndarray, u: np.ndarray,
              assign: np.ndarray, best: int, bound: float, seconds: float,
              params: SolveParams, searches: list[Any], helper: ThreadPoolExecutor,
              stats: dict[str, Any], ep: EngineParams) -> tuple[np.ndarray, int, float]:
    """The Lagrangian branch-and-bound (:mod:`assignments.pairing.engines.gap_bb`) for ``seconds``
    (deterministic mode: ``lns_bb_node_rate`` nodes a second) on this thread, searching only
    for assignments cheaper than ``best``, while the local search runs on the other core;
    every result checked here before it is taken. Returns the best assignment, its cost and
    the bound (raised when the search was exhausted, i.e. proved it)."""
    from assignments.pairing.engines.gap_bb import branch_and_bound

    m, n = cost.shape
    jobs = np.arange(n)
    finite = np.isfinite(cost)
    top = float(np.where(finite, cost, 0).max(initial=0))
    # a forbidden pair gets a load above the capacity: the search never places it
    c = np.where(finite, cost, top).astype(np.int64)
    a = np.where(finite, load, (budget + 1)[:, None]).astype(np.int64)
    det = params.deterministic
    stop = threading.Event()
    running = [helper.submit(_search_epoch, ts, stop, seconds if det else 0, ep,
                             wall_net(params), params.budget)
               for ts in searches]
    try:
        got, value, lower, bb = branch_and_bound(
            c, a, budget, deadline=wall_net(params) if det else time.perf_counter() + seconds,
            upper=best, seed=params.seed, start=u,
            max_nodes=max(1, int(seconds * ep.lns_bb_node_rate)) if det else None)
    finally:
        stop.set()
        for r in running:
            r.result()
    stats["bb_nodes"] = bb.nodes
    stats["bb_restarts"] = bb.restarts
    bound = max(bound, float(lower))
    stats["lagrange_bound"] = max(stats.get("lagrange_bound", -math.inf), bound)
    if got is not None:
        loads = np.bincount(got, weights=load[got, jobs], minlength=m)
        if not finite[got, jobs].all() or (loads > budget).any() or (
                int(cost[got, jobs].sum()) != int(value)):
            raise AssertionError("the branch-and-bound returned an infeasible assignment")
        if value < best:
            assign, best = got.astype(np.int64), int(value)
            stats["bb_cost"] = best
    return (*_take_best(searches, assign, best, cost, load, budget, stats), bound)


def _bb_ready(deadline: float, params: SolveParams, stats: dict[str, Any],
              ep: EngineParams) -> bool:
    """Whether the branch-and-bound's compiled code is loaded (waiting ``lns_bb_wait`` at
    most; deterministic mode: true unless the wall-clock net has passed, the first call compiles
    it). Starts loading it in the background when nobody has."""
    from assignments.pairing.engines.gap_bb import ready, warm_up

    if params.deterministic:
        # the search counts nodes, not seconds; it would only load its code (up to ~1 s) to
        # stop at once when the wall-clock net has already passed
        if time.perf_counter() >= wall_net(params):
            stats["bb_skipped"] = "the time limit was reached before it could start"
            if params.budget is not None:
                params.budget.cut = True
            return False
        return True
    _start_bb_warm_up(warm_up)
    if ready(min(ep.lns_bb_wait, 0.2 * (deadline - time.perf_counter()))):
        return True
    stats["bb_skipped"] = "still being compiled (first use on this machine)"
    return False


@functools.cache
def _start_bb_warm_up(warm_up: Any) -> None:
    # not a daemon: the cache must be written even when the process ends first
    threading.Thread(target=warm_up, daemon=False, name="gap-bb-warm-up").start()


def _as_x(kidx: np.ndarray, assign: np.ndarray, size: int) -> list[int]:
    """The 0/1 vector per candidate of an assignment (job -> agent)."""
    x = [0] * size
    for j, i in enumerate(assign):
        x[int(kidx[i, j])] = 1
    return x


def _det_work(seconds: float, ep: EngineParams) -> int:
    """Deterministic mode: the local-search work that stands for ``seconds``."""
    return max(1, int(seconds * ep.lns_search_work_rate))


def _work(load: np.ndarray, budget: np.ndarray) -> float:
    """Size of one Lagrangian step: agents × jobs × mean usable capacity."""
    m, n = load.shape
    return float(m) * n * float(np.minimum(budget, load.sum(axis=1)).mean())


def first_assignment(
    problem: PairingProblem,
    params: SolveParams,
    ep: EngineParams | None = None,
    stats: dict[str, Any] | None = None,
) -> tuple[list[int], int] | None:
    """A first feasible assignment of an assign-all problem when CP-SAT found none in its share
    (e.g. the 80 × 1,600 literature problems): the compiled local search from every job on its
    cheapest agent (capacities exceeded, then repaired by the penalty weights), until it meets
    a feasible assignment, the budget's deadline or its stop (``params.budget``: the rescue gets
    what is left, never more). Deterministic mode: at most ``lns_rescue_share`` of the time
    limit, counted in the search's work (and never past the budget's deadline either).

    Returns
    -------
    tuple or None
        The 0/1 vector per candidate and its minimised cost, or ``None`` (out of scope: head
        counts or forced pairs; a job without a pair; nothing found in time).
    """
    ep = ep if ep is not None else EngineParams()
    deadline = wall_net(params) if params.deterministic else deadline_of(params)
    p = problem
    stats = {} if stats is None else stats
    if any(c is not None for c in p.capacity) or p.forced:
        return None
    cost, load, kidx, budget = dense(p)
    n = cost.shape[1]
    finite = np.isfinite(cost)
    if n == 0 or not finite.any(axis=0).all():
        return None
    from assignments.pairing.engines.gap_search import GapSearch

    search = GapSearch(cost, load, budget, np.argmin(np.where(finite, cost, np.inf), axis=0),
                       seed=params.seed, rates=ep.lns_search_rates,
                       depth=(ep.lns_search_depth
                              if _work(load, budget) <= ep.lns_lagrange_max_work else 0),
                       stall=ep.lns_search_stall)
    chunk = 1
    allowance = _det_work(ep.lns_rescue_share * params.time_limit, ep)
    while search.best_cost is None:
        if params.deterministic and search.work >= allowance:
            break
        if time.perf_counter() >= deadline or stopped(params):
            break
        t = time.perf_counter()
        search.run(chunk, work=allowance - search.work if params.deterministic else None)
        if params.deterministic or time.perf_counter() - t < ep.lns_search_chunk:
            chunk = min(2 * chunk, 64)
    stats["rescue_rounds"] = search.iterations
    if search.best_cost is None:
        return None
    search.check()
    stats["rescue_cost"] = search.best_cost
    return _as_x(kidx, search.best, len(p.candidates)), search.best_cost


def improve(
    problem: PairingProblem,
    x: list[int],
    bound: float,
    params: SolveParams,
    ep: EngineParams | None = None,
    *,
    guide: bool = True,
    stats: dict[str, Any] | None = None,
) -> tuple[list[int], int] | None:
    """Improve an assign-all solution until the budget's deadline or stop (``params.budget``).

    Parameters
    ----------
    problem
        An assign-all problem without head-count capacities (the GAP).
    x
        The current solution: 0/1 per candidate.
    bound
        A proven lower bound of the (minimised) cost: stop when it is reached.
    params
        Seed and deterministic mode (sub-solves run with one worker); its budget gives the
        deadline, the stop and the progress reports (one per improvement).
    ep
        The engine parameters (``lns_*`` fields); default :class:`EngineParams`.

    Returns
    -------
    tuple or None
        The better 0/1 vector and its minimised cost, or ``None`` when nothing improved.
    """
    ep = ep if ep is not None else EngineParams()
    deadline = deadline_of(params)
    p = problem
    stats = {} if stats is None else stats
    if any(c is not None for c in p.capacity):
        return None
    if math.isnan(bound):  # no bound yet (e.g. CP-SAT found nothing): search until the deadline
        bound = -math.inf
    cost, load, kidx, budget = dense(p)
    m, n = cost.shape
    if m < 2 or n < 4:
        return None
    assign = np.full(n, -1, dtype=np.int64)
    for k, v in enumerate(x):
        if v:
            c = p.candidates[k]
            assign[c.mentee] = c.mentor
    if (assign < 0).any():
        return None
    jobs_all = np.arange(n)
    best = int(cost[assign, jobs_all].sum())
    start = best
    kernel: np.ndarray | None = None
    wanted: np.ndarray | None = None
    exact: np.ndarray | None = None
    near: np.ndarray | None = None
    cores = max(1, min(2, int(params.workers)))
    large = _work(load, budget) > ep.lns_lagrange_max_work
    stats["lagrange_skipped"] = large
    searches: list[Any] = []
    helper: ThreadPoolExecutor | None = None
    if ep.lns_search_lanes > 0:
        # the compiled local search runs in threads beside the Lagrangian step and the
        # sub-solves (it frees the GIL)
        from assignments.pairing.engines.gap_search import GapSearch

        for k in range(min(ep.lns_search_lanes, cores)):
            searches.append(GapSearch(cost, load, budget, assign, seed=params.seed + 7919 * k,
                                      rates=ep.lns_search_rates,
                                      depth=0 if large else ep.lns_search_depth,
                                      stall=ep.lns_search_stall))
        helper = ThreadPoolExecutor(max_workers=len(searches))
        stats["search_found"] = 0
    early = threading.Event()
    running = [] if helper is None else [
        helper.submit(_search_epoch, ts, early,
                      3 * ep.lns_sub_limit if params.deterministic else 0, ep, wall_net(params),
                      params.budget)
        for ts in searches]
    try:
        lagrange = (guide and not large
                    and (params.deterministic or deadline - time.perf_counter() > 1.0))
        if lagrange:
            start_u = lp_multipliers(cost, load, budget)
            until = time.perf_counter() + ep.lns_guide_share * (deadline - time.perf_counter())
            dual = subgradient(cost, load, budget, upper=best, incumbent=assign,
                               max_iter=100 if params.deterministic else 300,
                               deadline=wall_net(params) if params.deterministic else until,
                               repair_every=25, start=start_u,
                               step=0.5 if start_u is not None else 2.0)
            stats["lagrange_bound"] = dual.bound
            stats["lagrange_iterations"] = dual.iterations
            bound = max(bound, dual.bound)
            if dual.incumbent is not None and dual.incumbent_cost < best:
                assign, best = dual.incumbent.astype(np.int64), int(dual.incumbent_cost)
            lag, pen = penalties(cost, load, budget, dual.u)
            _, choice = Knapsacks(load, budget).solve(dual.u[None, :] - np.where(
                np.isfinite(cost), cost, 1e12))
            assert choice is not None
            wanted = np.where(choice.sum(axis=0) == 1, np.argmax(choice, axis=0), -1)
            exact = lag + pen <= best - 1 + 1e-6  # pairs an assignment cheaper than best may use
            rank = np.argsort(np.argsort(pen, axis=0, kind="stable"), axis=0, kind="stable")
            kernel = exact & (rank < ep.lns_kernel_agents)
            near = rank < ep.lns_search_near
            stats["kernel_pairs"] = int(kernel.sum())
            stats["exact_pairs"] = int(exact.sum())
    finally:
        early.set()
        for r in running:
            r.result()
    assign, best = _take_best(searches, assign, best, cost, load, budget, stats)
    trace = stats.setdefault("trace", [(0.0, start, "start")])
    t_start = time.perf_counter()
    trace.append((0.0, best, "lagrange+search"))
    if best < start:
        report(params, "quality", best, bound, "lns: Lagrangian and local search")
    if exact is not None:
        exact &= lag + pen <= best - 1 + 1e-6  # the best may be cheaper now
        if kernel is not None:
            kernel &= exact
        for ts in searches:
            ts.restrict(exact)
            if near is not None:
                ts.focus(near)
    bb_ran = (ep.lns_bb_share > 0 and exact is not None and helper is not None
              and n <= ep.lns_bb_max_jobs
              and best > bound + 1e-9 and _bb_ready(deadline, params, stats, ep))
    if bb_ran:
        assert exact is not None and helper is not None
        left = (0.8 * params.time_limit * (1 - ep.lns_guide_share) if params.deterministic
                else deadline - time.perf_counter())
        assign, best, bound = _bb_phase(cost, load, budget, dual.u, assign, best, bound,
                                        ep.lns_bb_share * left, params, searches, helper, stats, ep)
        trace.append((round(time.perf_counter() - t_start, 2), best, "branch-and-bound"))
        report(params, "quality", best, bound, "lns: branch-and-bound")
        exact &= lag + pen <= best - 1 + 1e-6
        if kernel is not None:
            kernel &= exact
        for ts in searches:
            ts.offer(assign, best)
            ts.restrict(exact)
    rng = random.Random(params.seed)
    share = 0.25
    # parallel sub-solves (CP-SAT frees the GIL) on the cores the searches leave
    lanes = max(0 if searches else 1, cores - len(searches))
    sub = [SolveParams(time_limit=ep.lns_sub_limit, seed=params.seed + k, workers=1,
                       deterministic=params.deterministic, budget=params.budget)
           for k in range(lanes)]
    pool = ThreadPoolExecutor(max_workers=lanes) if lanes > 1 else None
    # deterministic mode: a fixed number of rounds instead of the wall clock (a generous
    # wall-clock safety net stays)
    rest = 1 - ep.lns_bb_share if bb_ran else 1.0
    rounds = (max(1, int(rest * 0.8 * params.time_limit / ep.lns_sub_limit))
              if params.deterministic else -1)
    # deterministic mode counts rounds, not seconds; the budget's deadline (and the overrun it
    # allows) stays a net, since a solve never runs past its limit by more than that
    safety = wall_net(params)
    try:
        while best > bound + 1e-9 and rounds != 0 and not stopped(params) and (
                time.perf_counter() < (safety if params.deterministic else deadline - 0.05)):
            rounds -= 1
            used = np.bincount(assign, weights=load[assign, jobs_all], minlength=m).astype(
                np.int64)
            picks = [_neighbourhood(rng, assign, m, n, share, wanted, ep.lns_near_dual)
                     for _ in range(lanes)]
            limit = ep.lns_sub_limit if params.deterministic else max(
                0.05, min(ep.lns_sub_limit, deadline - time.perf_counter()))
            for s in sub:
                s.time_limit = limit
            args = [(assign, jobs, cost, load, used, budget.copy(), s, kernel)
                    for jobs, s in zip(picks, sub, strict=True)]
            stop = threading.Event()
            running = [] if helper is None else [
                helper.submit(_search_epoch, ts, stop,
                              ep.lns_sub_limit if params.deterministic else 0, ep, safety,
                              params.budget)
                for ts in searches]
            if pool is None:
                results = [_sub_solve(*a) for a in args]
            else:
                results = list(pool.map(lambda a: _sub_solve(*a), args))
            if not args and not params.deterministic:
                stop.wait(min(ep.lns_sub_limit, max(0.0, deadline - 0.05 - time.perf_counter())))
            stop.set()
            for r in running:
                r.result()
            # apply in lane order (deterministic): each result on top of the previous ones
            # when it still fits the capacities and does not make the assignment worse
            for got in results:
                if got is None:
                    share = max(0.05, share * 0.8)
                    continue
                moves, proven = got
                share = min(0.6, share * 1.1) if proven else max(0.05, share * 0.9)
                trial = assign.copy()
                for j, i in moves.items():
                    trial[j] = i
                loads = np.bincount(trial, weights=load[trial, jobs_all], minlength=m)
                if (loads > budget).any():
                    continue
                value = int(cost[trial, jobs_all].sum())
                if value <= best:
                    best, assign = value, trial
            # exchange the incumbents (after every side stopped, in a fixed order:
            # deterministic)
            assign, best = _take_best(searches, assign, best, cost, load, budget, stats)
            if best < trace[-1][1]:
                trace.append((round(time.perf_counter() - t_start, 2), best, "round"))
                report(params, "quality", best, bound, "lns")
            for ts in searches:
                found = ts.best_cost
                if found is None or best < found:
                    ts.offer(assign, best)  # it goes on from the better assignment
        if (params.deterministic and rounds != 0 and best > bound + 1e-9
                and time.perf_counter() >= safety and params.budget is not None):
            params.budget.cut = True  # rounds left when the wall-clock net ended the search
    finally:
        if pool is not None:
            pool.shutdown()
        if helper is not None:
            helper.shutdown()
        if searches:
            stats["search"] = [ts.stats for ts in searches]
    if best >= start:
        return None
    return _as_x(kidx, assign, len(p.candidates)), best
