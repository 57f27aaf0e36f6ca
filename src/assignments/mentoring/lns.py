"""Large-neighbourhood search for assign-all (GAP) problems.

After the first CP-SAT solve, while time is left: free a random share of the jobs (mentees) —
they may move to any agent (mentor) with the capacity the fixed jobs leave — and re-solve that
sub-problem exactly with CP-SAT (one worker, a short limit), keeping the result when it is no
worse. Freeing jobs rather than whole agents lets improving chains run through many agents
(the moves type D instances need). The share adapts: it grows while sub-problems are proven
optimal quickly and shrinks when they time out. Deterministic for a given seed when the solver
runs in deterministic mode.
"""

from __future__ import annotations

import random
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from assignments.core.solver import SolveParams, SolveStatus, run_cpsat
from assignments.mentoring.greedy import dense
from assignments.mentoring.model import build_model
from assignments.mentoring.problem import Candidate, PairingProblem

__all__ = ["improve"]


def _sub_solve(
    assign: np.ndarray,
    jobs: list[int],
    cost: np.ndarray,
    load: np.ndarray,
    used: np.ndarray,
    budget: np.ndarray,
    params: SolveParams,
) -> tuple[dict[int, int], bool] | None:
    """Re-assign ``jobs`` optimally given the others; (job -> agent, proven) or None."""
    m = cost.shape[0]
    residual = budget - used
    for j in jobs:
        residual[assign[j]] += load[assign[j], j]
    cands: list[Candidate] = []
    for b, j in enumerate(jobs):
        for i in range(m):
            if np.isfinite(cost[i, j]) and load[i, j] <= residual[i]:
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
    rng: random.Random, assign: np.ndarray, m: int, n: int, share: float
) -> list[int]:
    """Jobs to free: every job of two agents and random others, or random jobs only."""
    size = max(4, min(n, int(share * n)))
    if rng.random() < 0.5:
        a1, a2 = rng.sample(range(m), 2)
        picked = set(np.flatnonzero((assign == a1) | (assign == a2)).tolist())
        rest = [j for j in range(n) if j not in picked]
        picked |= set(rng.sample(rest, max(0, min(len(rest), size - len(picked)))))
        return sorted(picked)
    return rng.sample(range(n), size)


def improve(
    problem: PairingProblem,
    x: list[int],
    bound: float,
    deadline: float,
    params: SolveParams,
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
    if any(c is not None for c in p.capacity):
        return None
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
    rng = random.Random(params.seed)
    share = 0.25
    lanes = max(1, min(2, int(params.workers)))  # parallel sub-solves (CP-SAT frees the GIL)
    sub = [SolveParams(time_limit=0.3, seed=params.seed + k, workers=1,
                       deterministic=params.deterministic) for k in range(lanes)]
    pool = ThreadPoolExecutor(max_workers=lanes) if lanes > 1 else None
    try:
        while time.perf_counter() < deadline - 0.05 and best > bound + 1e-9:
            used = np.bincount(assign, weights=load[assign, jobs_all], minlength=m).astype(
                np.int64)
            picks = [_neighbourhood(rng, assign, m, n, share) for _ in range(lanes)]
            limit = max(0.05, min(0.3, deadline - time.perf_counter()))
            for s in sub:
                s.time_limit = limit
            args = [(assign, jobs, cost, load, used, budget.copy(), s)
                    for jobs, s in zip(picks, sub, strict=True)]
            if pool is None:
                results = [_sub_solve(*a) for a in args]
            else:
                results = list(pool.map(lambda a: _sub_solve(*a), args))
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
    finally:
        if pool is not None:
            pool.shutdown()
    if best >= start:
        return None
    out = [0] * len(p.candidates)
    for j in range(n):
        out[int(kidx[assign[j], j])] = 1
    return out, best
