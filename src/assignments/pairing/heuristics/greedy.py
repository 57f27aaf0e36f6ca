"""Greedy pairings: the benchmark baseline and the solver's first hint.

* :func:`greedy` — forced pairs first, then mandatory mentees with the fewest options first,
  each given the best-scoring mentor that still has room (head count and hours), then the
  other mentees the same way.
* :func:`regret_greedy` — for assign-all (GAP) problems: the job whose best agent is most
  ahead of its second best is assigned first (Martello & Toth's MTHG rule), on NumPy arrays.
"""

from __future__ import annotations

import numpy as np

from assignments.pairing.arrays import pair_arrays
from assignments.pairing.problem import Pairing, PairingProblem

__all__ = ["dense", "greedy", "regret_greedy"]


def greedy(problem: PairingProblem) -> Pairing:
    """A valid pairing built greedily (may leave mandatory mentees unpaired)."""
    p = problem
    if p.assign_all:
        return regret_greedy(p)
    sign = 1 if p.sense == "max" else -1
    heads = [0] * len(p.mentors)
    used = [0] * len(p.mentors)
    chosen: list[int] = []
    done: set[int] = set()
    mi, ei, score, load = pair_arrays(p)
    mentor_of, score_of, load_of = mi.tolist(), score.tolist(), load.tolist()

    def fits(k: int) -> bool:
        i = mentor_of[k]
        cap, budget = p.capacity[i], p.budget[i]
        return (cap is None or heads[i] < cap) and (
            budget is None or used[i] + load_of[k] <= budget)

    def take(k: int) -> None:
        i = mentor_of[k]
        heads[i] += 1
        used[i] += load_of[k]
        chosen.append(k)
        done.add(int(ei[k]))

    index = p.index() if p.forced else {}
    for pair in sorted(p.forced):
        if pair in index and pair[1] not in done:
            take(index[pair])
    # each mentee's pairs, best score first, then lower load, then index (lexsort is stable:
    # the index breaks the remaining ties), one block per mentee
    ne = len(p.mentees)
    by_option = np.lexsort((load, -sign * score, ei)).tolist()
    count = np.bincount(ei, minlength=ne)
    first = np.concatenate(([0], np.cumsum(count)[:-1])).tolist() if ne else []
    mandatory = np.array([p.is_mandatory(e) for e in range(ne)], dtype=bool)
    order = np.lexsort((np.arange(ne), count, ~mandatory)).tolist()
    count_l = count.tolist()
    for e in order:
        if e in done:
            continue
        must = bool(mandatory[e])
        for k in by_option[first[e]:first[e] + count_l[e]]:
            if sign * score_of[k] <= 0 and not must:
                break
            if fits(k):
                take(k)
                break
    return Pairing(sorted(chosen))


def dense(problem: PairingProblem) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Cost (to minimise), load, candidate-index and budget arrays (agents × jobs) of a problem;
    missing pairs have infinite cost and index -1."""
    p = problem
    m, n = len(p.mentors), len(p.mentees)
    sign = -1 if p.sense == "max" else 1
    cost = np.full((m, n), np.inf)
    load = np.zeros((m, n), dtype=np.int64)
    kidx = np.full((m, n), -1, dtype=np.int64)
    for k, c in enumerate(p.candidates):
        cost[c.mentor, c.mentee] = sign * c.score
        load[c.mentor, c.mentee] = c.load
        kidx[c.mentor, c.mentee] = k
    big = np.iinfo(np.int64).max // 4
    budget = np.array([big if b is None else b for b in p.budget], dtype=np.int64)
    return cost, load, kidx, budget


def regret_greedy(problem: PairingProblem) -> Pairing:
    """Martello–Toth regret greedy for assign-all problems; may leave jobs unassigned when the
    capacities are tight (the result is then only a partial hint)."""
    p = problem
    cost, load, kidx, budget = dense(p)
    m, n = cost.shape
    left = budget.astype(np.float64)
    heads_left = np.array([np.inf if c is None else c for c in p.capacity], dtype=np.float64)
    todo = np.ones(n, dtype=bool)
    chosen: list[int] = []
    index = p.index()
    for i, e in sorted(p.forced):
        k = index.get((i, e))
        if k is not None and todo[e]:
            chosen.append(k)
            todo[e] = False
            left[i] -= load[i, e]
            heads_left[i] -= 1
    # desirability: the cost; ties broken by the load relative to what is left
    while todo.any():
        jobs = np.flatnonzero(todo)
        feasible = (load[:, jobs] <= left[:, None]) & (heads_left[:, None] >= 1) & np.isfinite(
            cost[:, jobs])
        c = np.where(feasible, cost[:, jobs] + load[:, jobs] / np.maximum(left[:, None], 1),
                     np.inf)
        n_ok = feasible.sum(axis=0)
        if not n_ok.any():
            break
        part = np.sort(c, axis=0)
        best = part[0]
        second = part[1] if m > 1 else np.full(len(jobs), np.inf)
        with np.errstate(invalid="ignore"):
            regret = np.where(n_ok == 1, np.inf, second - best)
        regret = np.where(n_ok == 0, -np.inf, regret)
        r = int(np.argmax(regret))
        j = int(jobs[r])
        i = int(np.argmin(c[:, r]))
        chosen.append(int(kidx[i, j]))
        todo[j] = False
        left[i] -= load[i, j]
        heads_left[i] -= 1
    return Pairing(sorted(chosen))
