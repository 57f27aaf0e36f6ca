"""Large-neighbourhood search for assign-all (GAP) problems.

After the first CP-SAT solve, while time is left: pick a few agents (mentors), free every job
(mentee) they hold, and re-solve that sub-problem exactly with CP-SAT under the capacities they
have; keep the result when it is no worse. Agents are picked around a random seed agent, among
those whose jobs could move to it cheaply (so that the freed jobs have somewhere better to
go), and the neighbourhood grows when several rounds bring nothing. Deterministic for a given
seed when the solver runs in deterministic mode.
"""

from __future__ import annotations

import random
import time

import numpy as np

from assignments.core.solver import SolveParams, SolveStatus, run_cpsat
from assignments.mentoring.greedy import dense
from assignments.mentoring.model import build_model
from assignments.mentoring.problem import Candidate, PairingProblem

__all__ = ["improve"]


def _sub_solve(
    problem: PairingProblem,
    assign: np.ndarray,
    agents: list[int],
    cost: np.ndarray,
    load: np.ndarray,
    used: np.ndarray,
    budget: np.ndarray,
    params: SolveParams,
) -> tuple[dict[int, int], float] | None:
    """Re-assign the jobs of ``agents`` among them optimally; (job -> agent, cost) or None."""
    jobs = [int(j) for j in np.flatnonzero(np.isin(assign, agents))]
    if not jobs:
        return None
    residual = {i: int(budget[i] - used[i]) for i in agents}
    for j in jobs:
        residual[int(assign[j])] += int(load[assign[j], j])
    cands: list[Candidate] = []
    for b, j in enumerate(jobs):
        for a, i in enumerate(agents):
            if np.isfinite(cost[i, j]) and load[i, j] <= residual[i]:
                cands.append(Candidate(a, b, int(cost[i, j]), int(load[i, j])))
    sub = PairingProblem(
        mentors=[str(i) for i in agents], mentees=[str(j) for j in jobs], candidates=cands,
        capacity=[None] * len(agents), budget=[residual[i] for i in agents], sense="min",
        assign_all=True,
    )
    pm = build_model(sub)
    pm.model.minimize(pm.levels["quality"])
    pos = {(c.mentor, c.mentee): k for k, c in enumerate(cands)}
    hint = {}
    for b, j in enumerate(jobs):
        k = pos.get((agents.index(int(assign[j])), b))
        if k is not None:
            hint[pm.x[k]] = 1
    run = run_cpsat(pm.model, params, lambda s: [int(s.value(v)) for v in pm.x], hint=hint,
                    label="lns")
    if run.values is None or run.status not in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE):
        return None
    out = {}
    for k, v in enumerate(run.values):
        if v:
            out[jobs[cands[k].mentee]] = agents[cands[k].mentor]
    return out, float(run.objective or 0)


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
        An assign-all problem (head-count capacities are not used by the GAP files).
    x
        The current solution: 0/1 per candidate.
    bound
        A proven lower bound of the (minimised) cost: stop when it is reached.
    deadline
        When to stop.
    params
        Seed, deterministic mode (sub-solves run with one worker).

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
    if m < 3:
        return None
    assign = np.full(n, -1, dtype=np.int64)
    for k, v in enumerate(x):
        if v:
            c = p.candidates[k]
            assign[c.mentee] = c.mentor
    if (assign < 0).any():
        return None
    jobs = np.arange(n)

    def total(a: np.ndarray) -> int:
        return int(cost[a, jobs].sum())

    best = total(assign)
    start = best
    used = np.bincount(assign, weights=load[assign, jobs], minlength=m).astype(np.int64)
    rng = random.Random(params.seed)
    size = min(m, 3)
    fails = 0
    sub_params = SolveParams(
        time_limit=0.5, seed=params.seed, workers=1, deterministic=params.deterministic)
    # relatedness: agents whose current jobs would cost little on agent i
    finite = np.where(np.isfinite(cost), cost, np.nan)
    while time.perf_counter() < deadline - 0.05 and best > bound:
        seed_agent = rng.randrange(m)
        delta = finite[seed_agent, :] - cost[assign, jobs]
        score = np.full(m, np.inf)
        for i in range(m):
            if i != seed_agent:
                mine = delta[assign == i]
                mine = mine[~np.isnan(mine)]
                score[i] = float(mine.min()) if len(mine) else np.inf
        order = [int(i) for i in np.argsort(score) if i != seed_agent]
        pool = order[: max(size * 2, size)]
        agents = [seed_agent, *rng.sample(pool, min(size - 1, len(pool)))]
        remaining = deadline - time.perf_counter()
        sub_params.time_limit = max(0.05, min(0.5, remaining))
        got = _sub_solve(p, assign, agents, cost, load, used, budget, sub_params)
        if got is None:
            fails += 1
        else:
            moves, _ = got
            trial = assign.copy()
            for j, i in moves.items():
                trial[j] = i
            value = total(trial)
            if value < best:
                fails = 0
            else:
                fails += 1
            if value <= best:
                best, assign = value, trial
                used = np.bincount(assign, weights=load[assign, jobs], minlength=m).astype(
                    np.int64)
        if fails >= 10 * m:
            size = min(m, size + 1)
            fails = 0
    if best >= start:
        return None
    out = [0] * len(p.candidates)
    for j in range(n):
        out[int(kidx[assign[j], j])] = 1
    return out, best
