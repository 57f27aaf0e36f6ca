"""Large-neighbourhood search for assign-all (GAP) problems.

After the first CP-SAT solve, while time is left, two kinds of search share the two cores:

* the compiled local search (:mod:`assignments.mentoring.gap_search`: penalty weights on
  capacity excess, shift, swap and ejection-chain moves; numba, frees the GIL) runs in a thread
  from the start (:data:`SEARCH_LANES`);
* beside it, first the Lagrangian relaxation of "each job on one agent"
  (:mod:`assignments.mentoring.gap_lagrange`, started from the LP duals, :data:`GUIDE_SHARE` of
  the time) gives a proven lower bound (everything stops when it is met), the cost of forcing
  each job onto each agent, and the agent each job's knapsack wants; pairs that no cheaper
  assignment can use (reduced-cost fixing, exact) are then removed from both searches, and the
  local search's ejection chains use only the :data:`SEARCH_NEAR` agents per job where forcing
  it costs the bound least;
* then rounds of CP-SAT sub-solves on the other core: free a share of the jobs (mentees) —
  every job of two agents and random others, random jobs, or jobs the relaxation wants
  elsewhere with every job of both agents (:data:`NEAR_DUAL` of the rounds) — let each move to
  its current agent or one of its :data:`KERNEL_AGENTS` agents where forcing it costs the bound
  least, and re-solve that sub-problem (one worker, a short limit). After each round the two
  searches exchange their best assignments (the local search's is checked again first).

Freeing jobs rather than whole agents lets improving chains run through many agents (the moves
type D instances need). The share adapts: it grows while sub-problems are proven optimal
quickly and shrinks when they time out. Deterministic for a given seed when the solver runs in
deterministic mode: the Lagrangian step runs a fixed number of iterations, the local search a
fixed amount of work per sub-solve round (:data:`SEARCH_WORK_RATE` × :data:`SUB_LIMIT`: pairs
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
from assignments.mentoring.gap_lagrange import (
    Knapsacks,
    lp_multipliers,
    penalties,
    subgradient,
)
from assignments.mentoring.greedy import dense
from assignments.mentoring.model import build_model
from assignments.mentoring.problem import Candidate, PairingProblem

__all__ = ["BB_SHARE", "GUIDE_SHARE", "KERNEL_AGENTS", "LAGRANGE_MAX_WORK", "SEARCH_LANES",
           "first_assignment", "improve"]

GUIDE_SHARE = 0.15
"""Share of the search time for the Lagrangian relaxation that guides it."""
KERNEL_AGENTS = 4
"""A freed job may move to its current agent or to one of the agents where forcing it costs
the Lagrangian bound least (this many)."""
SUB_LIMIT = 0.3
"""Seconds per sub-solve (deterministic time in deterministic mode)."""
NEAR_DUAL = 0.34
"""Share of the neighbourhoods built around the jobs the Lagrangian relaxation wants elsewhere."""
SEARCH_LANES = 1
"""Threads running the compiled local search (:mod:`assignments.mentoring.gap_search`) beside
the sub-solves (each takes a core from them)."""
SEARCH_RATES = (1.2, 0.9)
"""Local search: factors raising and lowering the penalty weights."""
SEARCH_DEPTH = 6
"""Local search: the longest ejection chain (jobs)."""
SEARCH_NEAR = 8
"""Local search: ejection chains move a job only into the agents where forcing it costs the
Lagrangian bound least (this many)."""
SEARCH_STALL = 300
"""Local search: rounds without a new best before it restarts between two elite assignments."""
SEARCH_WORK_RATE = 1.6e8
"""Deterministic mode: local-search work (pairs looked at, :attr:`GapSearch.work`) that stands
for one second — measured 1.4–2.7e8 per second on a 2-core CI-class machine over GAP files of
5 × 100 to 60 × 900 (a count of rounds varied 0.2–36 ms per round there)."""
SEARCH_CHUNK = 0.02
"""Seconds of local search between two looks at the stop signal (about: whole rounds)."""


LAGRANGE_MAX_WORK = 1e7
"""The Lagrangian step (one knapsack table per agent, about agents × jobs × mean capacity
entries per step) is skipped above this size (:func:`_work`): on the 80 × 1,600 literature
problems (1e8) one step takes seconds. Without its guidance the local search also makes no
ejection chains (unfocused, one round of them took 25 s on a 40 × 1,600 problem)."""
RESCUE_SHARE = 0.4
"""Deterministic mode: the most local-search work spent looking for a first assignment, as a
share of the time limit (× :data:`SEARCH_WORK_RATE`)."""
BB_MAX_JOBS = 1_000
"""No branch-and-bound above this many jobs."""
BB_SHARE = 0.6
"""Share of the time after the Lagrangian step for the Lagrangian branch-and-bound
(:mod:`assignments.mentoring.gap_bb`) on one core beside the local search (0: none)."""
BB_WAIT = 3.0
"""The most seconds (and at most a fifth of the time left) a search waits for the
branch-and-bound's compiled code to load (:func:`gap_bb.warm_up`, started beside CP-SAT);
when it is still being compiled (its first use on a machine: about 20 s), the search goes on
without it. Deterministic mode always waits (so that the result does not depend on it)."""
BB_NODE_RATE = 3_000
"""Deterministic mode: branch-and-bound nodes that stand for one second (measured 2,000–4,000
on the 100–200-job type D files)."""


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
    wanted: np.ndarray | None = None,
) -> list[int]:
    """Jobs to free: every job of two agents and random others, or random jobs only, or (with
    ``wanted``, the agent each job's Lagrangian knapsack chose) jobs that are not where the
    relaxation wants them, with every job of both agents involved."""
    size = max(4, min(n, int(share * n)))
    r = rng.random()
    if wanted is not None and r < NEAR_DUAL:
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


def _search_epoch(search: Any, stop: threading.Event, seconds: float) -> None:
    """Run the local search: ``seconds`` worth of work (deterministic mode, when > 0;
    :data:`SEARCH_WORK_RATE`), or short chunks of rounds until ``stop`` is set."""
    if seconds > 0:
        search.run(2**62, work=_det_work(seconds))
        return
    chunk = 1  # grows while a chunk takes under SEARCH_CHUNK seconds (large problems: 1 round)
    while not stop.is_set():
        t = time.perf_counter()
        search.run(chunk)
        if time.perf_counter() - t < SEARCH_CHUNK:
            chunk = min(2 * chunk, 64)


def _bb_phase(cost: np.ndarray, load: np.ndarray, budget: np.ndarray, u: np.ndarray,
              assign: np.ndarray, best: int, bound: float, seconds: float,
              params: SolveParams, searches: list[Any], helper: ThreadPoolExecutor,
              stats: dict[str, Any]) -> tuple[np.ndarray, int, float]:
    """The Lagrangian branch-and-bound (:mod:`assignments.mentoring.gap_bb`) for ``seconds``
    (deterministic mode: :data:`BB_NODE_RATE` nodes a second) on this thread, searching only
    for assignments cheaper than ``best``, while the local search runs on the other core;
    every result checked here before it is taken. Returns the best assignment, its cost and
    the bound (raised when the search was exhausted, i.e. proved it)."""
    from assignments.mentoring.gap_bb import branch_and_bound

    m, n = cost.shape
    jobs = np.arange(n)
    finite = np.isfinite(cost)
    top = float(np.where(finite, cost, 0).max(initial=0))
    # a forbidden pair gets a load above the capacity: the search never places it
    c = np.where(finite, cost, top).astype(np.int64)
    a = np.where(finite, load, (budget + 1)[:, None]).astype(np.int64)
    det = params.deterministic
    stop = threading.Event()
    running = [helper.submit(_search_epoch, ts, stop, seconds if det else 0)
               for ts in searches]
    try:
        got, value, lower, bb = branch_and_bound(
            c, a, budget, deadline=math.inf if det else time.perf_counter() + seconds,
            upper=best, seed=params.seed, start=u,
            max_nodes=max(1, int(seconds * BB_NODE_RATE)) if det else None)
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


def _bb_ready(deadline: float, params: SolveParams, stats: dict[str, Any]) -> bool:
    """Whether the branch-and-bound's compiled code is loaded (waiting :data:`BB_WAIT` at
    most; deterministic mode: always true, the first call compiles it). Starts loading it in
    the background when nobody has."""
    from assignments.mentoring.gap_bb import ready, warm_up

    if params.deterministic:
        return True
    _start_bb_warm_up(warm_up)
    if ready(min(BB_WAIT, 0.2 * (deadline - time.perf_counter()))):
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


def _det_work(seconds: float) -> int:
    """Deterministic mode: the local-search work that stands for ``seconds``."""
    return max(1, int(seconds * SEARCH_WORK_RATE))


def _work(load: np.ndarray, budget: np.ndarray) -> float:
    """Size of one Lagrangian step: agents × jobs × mean usable capacity."""
    m, n = load.shape
    return float(m) * n * float(np.minimum(budget, load.sum(axis=1)).mean())


def first_assignment(
    problem: PairingProblem,
    deadline: float,
    params: SolveParams,
    stats: dict[str, Any] | None = None,
) -> tuple[list[int], int] | None:
    """A first feasible assignment of an assign-all problem when CP-SAT found none in its share
    (e.g. the 80 × 1,600 literature problems): the compiled local search from every job on its
    cheapest agent (capacities exceeded, then repaired by the penalty weights), until it meets
    a feasible assignment or ``deadline`` (deterministic mode: :data:`RESCUE_SHARE` of the time
    limit, counted in the search's work).

    Returns
    -------
    tuple or None
        The 0/1 vector per candidate and its minimised cost, or ``None`` (out of scope: head
        counts or forced pairs; a job without a pair; nothing found in time).
    """
    p = problem
    stats = {} if stats is None else stats
    if any(c is not None for c in p.capacity) or p.forced:
        return None
    cost, load, kidx, budget = dense(p)
    n = cost.shape[1]
    finite = np.isfinite(cost)
    if n == 0 or not finite.any(axis=0).all():
        return None
    from assignments.mentoring.gap_search import GapSearch

    search = GapSearch(cost, load, budget, np.argmin(np.where(finite, cost, np.inf), axis=0),
                       seed=params.seed, rates=SEARCH_RATES,
                       depth=SEARCH_DEPTH if _work(load, budget) <= LAGRANGE_MAX_WORK else 0,
                       stall=SEARCH_STALL)
    chunk = 1
    allowance = _det_work(RESCUE_SHARE * params.time_limit)
    while search.best_cost is None:
        if params.deterministic:
            if search.work >= allowance:
                break
        elif time.perf_counter() >= deadline:
            break
        t = time.perf_counter()
        search.run(chunk, work=allowance - search.work if params.deterministic else None)
        if params.deterministic or time.perf_counter() - t < SEARCH_CHUNK:
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
    deadline: float,
    params: SolveParams,
    *,
    guide: bool = True,
    stats: dict[str, Any] | None = None,
) -> tuple[list[int], int] | None:
    """Improve an assign-all solution until ``deadline`` (``time.perf_counter()`` seconds).

    Parameters
    ----------
    problem
        An assign-all problem without head-count capacities (the GAP).
    x
        The current solution: 0/1 per candidate.
    bound
        A proven lower bound of the (minimised) cost: stop when it is reached.
    deadline
        When to stop.
    params
        Seed and deterministic mode (sub-solves run with one worker).

    Returns
    -------
    tuple or None
        The better 0/1 vector and its minimised cost, or ``None`` when nothing improved.
    """
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
    large = _work(load, budget) > LAGRANGE_MAX_WORK
    stats["lagrange_skipped"] = large
    searches: list[Any] = []
    helper: ThreadPoolExecutor | None = None
    if SEARCH_LANES > 0:
        # the compiled local search runs in threads beside the Lagrangian step and the
        # sub-solves (it frees the GIL)
        from assignments.mentoring.gap_search import GapSearch

        for k in range(min(SEARCH_LANES, cores)):
            searches.append(GapSearch(cost, load, budget, assign, seed=params.seed + 7919 * k,
                                      rates=SEARCH_RATES, depth=0 if large else SEARCH_DEPTH,
                                      stall=SEARCH_STALL))
        helper = ThreadPoolExecutor(max_workers=len(searches))
        stats["search_found"] = 0
    early = threading.Event()
    running = [] if helper is None else [
        helper.submit(_search_epoch, ts, early, 3 * SUB_LIMIT if params.deterministic else 0)
        for ts in searches]
    try:
        lagrange = (guide and not large
                    and (params.deterministic or deadline - time.perf_counter() > 1.0))
        if lagrange:
            start_u = lp_multipliers(cost, load, budget)
            until = time.perf_counter() + GUIDE_SHARE * (deadline - time.perf_counter())
            dual = subgradient(cost, load, budget, upper=best, incumbent=assign,
                               max_iter=100 if params.deterministic else 300,
                               deadline=math.inf if params.deterministic else until,
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
            kernel = exact & (rank < KERNEL_AGENTS)
            near = rank < SEARCH_NEAR
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
    if exact is not None:
        exact &= lag + pen <= best - 1 + 1e-6  # the best may be cheaper now
        if kernel is not None:
            kernel &= exact
        for ts in searches:
            ts.restrict(exact)
            if near is not None:
                ts.focus(near)
    bb_ran = (BB_SHARE > 0 and exact is not None and helper is not None and n <= BB_MAX_JOBS
              and best > bound + 1e-9 and _bb_ready(deadline, params, stats))
    if bb_ran:
        assert exact is not None and helper is not None
        left = (0.8 * params.time_limit * (1 - GUIDE_SHARE) if params.deterministic
                else deadline - time.perf_counter())
        assign, best, bound = _bb_phase(cost, load, budget, dual.u, assign, best, bound,
                                        BB_SHARE * left, params, searches, helper, stats)
        trace.append((round(time.perf_counter() - t_start, 2), best, "branch-and-bound"))
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
    sub = [SolveParams(time_limit=SUB_LIMIT, seed=params.seed + k, workers=1,
                       deterministic=params.deterministic) for k in range(lanes)]
    pool = ThreadPoolExecutor(max_workers=lanes) if lanes > 1 else None
    # deterministic mode: a fixed number of rounds instead of the wall clock (a generous
    # wall-clock safety net stays)
    rest = 1 - BB_SHARE if bb_ran else 1.0
    rounds = max(1, int(rest * 0.8 * params.time_limit / SUB_LIMIT)) if params.deterministic else -1
    safety = deadline + 10 * params.time_limit + 60
    try:
        while best > bound + 1e-9 and rounds != 0 and time.perf_counter() < (
                safety if params.deterministic else deadline - 0.05):
            rounds -= 1
            used = np.bincount(assign, weights=load[assign, jobs_all], minlength=m).astype(
                np.int64)
            picks = [_neighbourhood(rng, assign, m, n, share, wanted) for _ in range(lanes)]
            limit = SUB_LIMIT if params.deterministic else max(
                0.05, min(SUB_LIMIT, deadline - time.perf_counter()))
            for s in sub:
                s.time_limit = limit
            args = [(assign, jobs, cost, load, used, budget.copy(), s, kernel)
                    for jobs, s in zip(picks, sub, strict=True)]
            stop = threading.Event()
            running = [] if helper is None else [
                helper.submit(_search_epoch, ts, stop,
                              SUB_LIMIT if params.deterministic else 0)
                for ts in searches]
            if pool is None:
                results = [_sub_solve(*a) for a in args]
            else:
                results = list(pool.map(lambda a: _sub_solve(*a), args))
            if not args and not params.deterministic:
                stop.wait(min(SUB_LIMIT, max(0.0, deadline - 0.05 - time.perf_counter())))
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
            for ts in searches:
                found = ts.best_cost
                if found is None or best < found:
                    ts.offer(assign, best)  # it goes on from the better assignment
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
