"""Lagrangian relaxation of the generalised assignment problem (GAP), on NumPy arrays.

Relaxing "each job on exactly one agent" with multipliers ``u`` (one per job) splits the GAP
into one 0/1 knapsack per agent (Fisher, Jaikumar & Van Wassenhove 1986)::

    L(u) = Σ_j u_j − Σ_i max { Σ_j (u_j − c_ij) x_ij : Σ_j a_ij x_ij ≤ b_i, x_ij ∈ {0, 1} }

Every ``u`` gives a lower bound of the (minimised) cost; subgradient steps raise it. The
knapsacks are solved exactly by dynamic programming over the integer capacities, vectorised over
the agents. The bound is as strong as the LP of the set-partitioning formulation, usually far
above the plain LP bound, and it comes with:

* **reduced-cost fixing** (:func:`fix_by_bound`): the bound of the knapsack with job ``j``
  forced in (or out) of agent ``i``; when it exceeds ``UB − 1``, no assignment cheaper than the
  incumbent ``UB`` uses (or avoids) that pair, so it can be removed from the search — exact;
* a **Lagrangian repair heuristic** (:func:`repair`): the knapsacks' choice, each job kept on
  its cheapest chosen agent, the others placed by regret on the Lagrangian costs, then improved
  by shift moves — a feasible assignment (or ``None``) that the caller checks.

Plain NumPy, no solver; costs and loads must be integers (they are, in a
:class:`~assignments.pairing.problem.PairingProblem`).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np

__all__ = [
    "Dual",
    "Knapsacks",
    "fix_by_bound",
    "knapsacks",
    "lp_multipliers",
    "penalties",
    "repair",
    "shift_descent",
    "subgradient",
]

_NEG = -1e18


@dataclass
class Dual:
    """The best Lagrangian bound found and what came with it.

    Attributes
    ----------
    bound
        A proven lower bound of the minimised cost (``ceil`` of the best ``L(u)``).
    value
        The best ``L(u)`` itself (a float).
    u
        Its multipliers, one per job.
    incumbent
        The cheapest feasible assignment the repair heuristic found (job -> agent), or ``None``.
    incumbent_cost
        Its cost (``math.inf`` without one).
    iterations
        Subgradient steps taken.
    """

    bound: int
    value: float
    u: np.ndarray
    incumbent: np.ndarray | None
    incumbent_cost: float
    iterations: int


class Knapsacks:
    """One 0/1 knapsack per agent (row), solved exactly by dynamic programming over the integer
    capacities, vectorised over the agents; the index arrays that depend only on the loads are
    built once, so the values can change from call to call (subgradient steps).

    Parameters
    ----------
    load
        (m, n) non-negative integer weights.
    budget
        (m,) non-negative integer capacities.
    """

    def __init__(self, load: np.ndarray, budget: np.ndarray) -> None:
        m, n = load.shape
        self.m, self.n = m, n
        self.load = load
        self.budget = budget.astype(np.int64)
        self.top = int(self.budget.max()) if m else 0
        width = self.top + 1
        cols = np.arange(width)
        src = cols[None, None, :] - load.T[:, :, None]  # (n, m, width)
        self.fits: np.ndarray = np.asarray(src >= 0)
        self.flat = (np.arange(m)[None, :, None] * width + np.maximum(src, 0)).astype(np.int64)

    def solve(self, value: np.ndarray, *, keep: bool = True) -> tuple[np.ndarray,
                                                                      np.ndarray | None]:
        """The optimal value of each knapsack (m,), and the (m, n) 0/1 choice (or ``None``).

        ``value`` is (m, n), maximised; an item of value ≤ 0 (or ``-inf``) is never taken.
        """
        m, n = self.m, self.n
        width = self.top + 1
        dp = np.zeros(m * width)
        table = np.zeros((n, m * width), dtype=bool) if keep else None
        pos: np.ndarray = np.asarray(value > 0)
        gain = np.where(pos, value, _NEG).T  # (n, m)
        useful: np.ndarray = np.asarray(pos.any(axis=0))
        for j in range(n):
            if not useful[j]:
                continue
            cand = dp.take(self.flat[j]).reshape(m, width)
            cand += np.where(self.fits[j], gain[j][:, None], _NEG)
            cand = cand.ravel()
            if table is not None:
                better = cand > dp
                table[j] = better
                dp = np.where(better, cand, dp)
            else:
                dp = np.maximum(dp, cand)
        ar = np.arange(m)
        best = dp[ar * width + self.budget]
        if table is None:
            return best, None
        choice = np.zeros((m, n), dtype=bool)
        c = self.budget.copy()
        for j in range(n - 1, -1, -1):
            if not useful[j]:
                continue
            took = table[j, ar * width + c]
            choice[:, j] = took
            c = c - np.where(took, self.load[:, j], 0)
        return best, choice

    def prefix_tables(self, value: np.ndarray, reverse: bool = False) -> np.ndarray:
        """``out[j, i, c]``: best value of agent ``i``'s items ``< j`` (``≥ j`` when
        ``reverse``) within weight ``c``; shape (n + 1, m, top + 1)."""
        m, n = self.m, self.n
        width = self.top + 1
        out = np.zeros((n + 1, m, width))
        dp = np.zeros(m * width)
        pos: np.ndarray = np.asarray(value > 0)
        gain = np.where(pos, value, _NEG).T
        order = range(n - 1, -1, -1) if reverse else range(n)
        for step, j in enumerate(order):
            if pos[:, j].any():
                cand = dp.take(self.flat[j]).reshape(m, width)
                cand += np.where(self.fits[j], gain[j][:, None], _NEG)
                dp = np.maximum(dp, cand.ravel())
            out[n - 1 - step if reverse else step + 1] = dp.reshape(m, width)
        return out


def knapsacks(
    value: np.ndarray, load: np.ndarray, budget: np.ndarray, *, keep: bool = True
) -> tuple[np.ndarray, np.ndarray | None]:
    """Solve one 0/1 knapsack per agent (see :class:`Knapsacks`; a one-off call)."""
    return Knapsacks(load, budget).solve(value, keep=keep)


def lp_multipliers(cost: np.ndarray, load: np.ndarray, budget: np.ndarray) -> np.ndarray | None:
    """The LP relaxation's duals of "each job on one agent" (HiGHS through SciPy): a start for
    :func:`subgradient` whose bound is already the LP bound or better. ``None`` when the LP
    has no optimum (infeasible capacities)."""
    from scipy.optimize import linprog
    from scipy.sparse import coo_matrix

    m, n = cost.shape
    ii, jj = np.nonzero(np.isfinite(cost))
    var = np.arange(len(ii))
    a_eq = coo_matrix((np.ones(len(ii)), (jj, var)), shape=(n, len(ii)))
    a_ub = coo_matrix((load[ii, jj].astype(float), (ii, var)), shape=(m, len(ii)))
    res = linprog(cost[ii, jj], A_ub=a_ub, b_ub=budget.astype(float), A_eq=a_eq,
                  b_eq=np.ones(n), bounds=(0, 1), method="highs")
    if res.status != 0:
        return None
    return np.asarray(res.eqlin.marginals, dtype=float)


def _finite_costs(cost: np.ndarray) -> np.ndarray:
    """Costs with a forbidden pair (``inf``) priced above any whole assignment, so that no
    knapsack ever takes it."""
    finite = np.isfinite(cost)
    big = float(np.abs(np.where(finite, cost, 0)).max(initial=0)) * 2 + 1
    return np.where(finite, cost, big * cost.shape[1])


def _lagrange_value(cost: np.ndarray, u: np.ndarray, best: np.ndarray) -> float:
    return float(u.sum() - best.sum())


def _cost_of(cost: np.ndarray, assign: np.ndarray) -> float:
    return float(cost[assign, np.arange(cost.shape[1])].sum())


def shift_descent(
    assign: np.ndarray, cost: np.ndarray, load: np.ndarray, budget: np.ndarray
) -> np.ndarray:
    """Improve a feasible assignment by moving single jobs to cheaper agents with room, and by
    swapping two jobs of different agents, until no such move improves it."""
    a = assign.copy()
    m, n = cost.shape
    jobs = np.arange(n)
    used = np.bincount(a, weights=load[a, jobs], minlength=m).astype(np.int64)
    improved = True
    while improved:
        improved = False
        cur = cost[a, jobs]
        room = budget - used
        fits = load <= room[:, None]
        gain = np.where(fits & np.isfinite(cost), cur[None, :] - cost, 0.0)
        gain[a, jobs] = 0.0
        i, j = np.unravel_index(int(np.argmax(gain)), gain.shape)
        if gain[i, j] > 0:
            used[a[j]] -= load[a[j], j]
            used[i] += load[i, j]
            a[j] = i
            improved = True
            continue
        # swaps: job j1 (on agent p) <-> job j2 (on agent q)
        best_gain, best_pair = 0.0, None
        for j1 in range(n):
            p = a[j1]
            q = a  # agents of every j2
            g = (cur[j1] + cur) - (cost[q, j1] + cost[p, jobs])
            room_q = budget[q] - used[q] + load[q, jobs] - load[q, j1]
            room_p = budget[p] - used[p] + load[p, j1] - load[p, jobs]
            ok = (q != p) & (room_q >= 0) & (room_p >= 0) & np.isfinite(g)
            g = np.where(ok, g, 0.0)
            k = int(np.argmax(g))
            if g[k] > best_gain + 1e-9:
                best_gain, best_pair = float(g[k]), (j1, k)
        if best_pair is not None:
            j1, j2 = best_pair
            p, q = a[j1], a[j2]
            used[p] += load[p, j2] - load[p, j1]
            used[q] += load[q, j1] - load[q, j2]
            a[j1], a[j2] = q, p
            improved = True
    return a


def repair(
    choice: np.ndarray, cost: np.ndarray, load: np.ndarray, budget: np.ndarray,
    u: np.ndarray,
) -> np.ndarray | None:
    """A feasible assignment from the knapsacks' choice (job -> agent), or ``None``.

    Jobs chosen by one agent stay there, jobs chosen by several stay on the cheapest of them;
    the rest are placed by regret on the Lagrangian cost ``c_ij − u_j`` relative to the load,
    where they fit. A shift/swap descent then improves the result.
    """
    m, n = cost.shape
    jobs = np.arange(n)
    assign = np.full(n, -1, dtype=np.int64)
    used = np.zeros(m, dtype=np.int64)
    # chosen jobs, cheapest first, while they fit (a job chosen twice keeps its cheaper agent)
    ci, cj = np.nonzero(choice)
    order = np.argsort(cost[ci, cj], kind="stable")
    for r in order:
        i, j = int(ci[r]), int(cj[r])
        if assign[j] < 0 and used[i] + load[i, j] <= budget[i]:
            assign[j] = i
            used[i] += load[i, j]
    todo = np.flatnonzero(assign < 0)
    while len(todo):
        room = budget - used
        ok = (load[:, todo] <= room[:, None]) & np.isfinite(cost[:, todo])
        if not ok.any(axis=0).all():
            return None
        score = np.where(ok, cost[:, todo] - u[todo][None, :]
                         + load[:, todo] / np.maximum(room[:, None], 1), np.inf)
        part = np.sort(score, axis=0)
        second = part[1] if m > 1 else np.full(len(todo), np.inf)
        regret = np.where(np.isinf(second), np.inf, second - part[0])
        r = int(np.argmax(regret))
        j = int(todo[r])
        i = int(np.argmin(score[:, r]))
        assign[j] = i
        used[i] += load[i, j]
        todo = np.delete(todo, r)
    assert (np.bincount(assign, weights=load[assign, jobs], minlength=m) <= budget).all()
    return shift_descent(assign, cost, load, budget)


def subgradient(
    cost: np.ndarray,
    load: np.ndarray,
    budget: np.ndarray,
    *,
    upper: float = math.inf,
    incumbent: np.ndarray | None = None,
    max_iter: int = 300,
    deadline: float = math.inf,
    repair_every: int = 10,
    start: np.ndarray | None = None,
    step: float = 2.0,
) -> Dual:
    """Raise the Lagrangian bound by subgradient steps (Held–Karp step size).

    Parameters
    ----------
    cost, load, budget
        (m, n) minimised costs (``inf`` = pair not allowed), (m, n) integer loads, (m,) integer
        capacities.
    upper, incumbent
        The cost of a known feasible assignment and the assignment (job -> agent), if any.
    max_iter, deadline
        Stop after this many steps, or at ``time.perf_counter()`` ``deadline``; also when the
        bound reaches ``upper`` (the incumbent is then optimal) or the step size vanishes.
    repair_every
        Run :func:`repair` on the knapsacks' choice every this many steps (and whenever the
        bound improves), keeping the cheapest feasible assignment.
    start, step
        Initial multipliers (default: each job's second-cheapest cost) and step factor.

    Returns
    -------
    Dual
        The best bound, its multipliers and the best incumbent.
    """
    m = cost.shape[0]
    cmat = _finite_costs(cost)
    if start is not None:
        u = start.astype(float).copy()
    else:
        srt = np.sort(cmat, axis=0)
        u = (srt[1] if m > 1 else srt[0]).astype(float)
    best_val, best_u = -math.inf, u.copy()
    inc = None if incumbent is None else incumbent.copy()
    inc_cost = upper
    lam, stall = step, 0
    it = 0
    ks = Knapsacks(load, budget)
    for it in range(1, max_iter + 1):
        vals, choice = ks.solve(u[None, :] - cmat)
        assert choice is not None
        val = _lagrange_value(cmat, u, vals)
        improved = val > best_val + 1e-9
        if improved:
            best_val, best_u, stall = val, u.copy(), 0
        else:
            stall += 1
            if stall >= 20:
                lam, stall = lam / 2, 0
        if improved or it % repair_every == 1:
            a = repair(choice, cost, load, budget, u)
            if a is not None:
                c = _cost_of(cost, a)
                if c < inc_cost:
                    inc, inc_cost = a, c
        if math.ceil(best_val - 1e-6) >= inc_cost or lam < 1e-4:
            break
        if time.perf_counter() > deadline:
            break
        g = 1.0 - choice.sum(axis=0)
        norm = float((g * g).sum())
        if norm == 0:  # the knapsacks' choice is an assignment: optimal for the relaxation
            a = np.argmax(choice, axis=0)
            c = _cost_of(cost, a)
            if c < inc_cost:
                inc, inc_cost = a.astype(np.int64), c
            break
        target = inc_cost if math.isfinite(inc_cost) else best_val + abs(best_val) * 0.05 + 1
        u = u + lam * max(target - val, 1e-3) / norm * g
    bound = math.ceil(best_val - 1e-6) if math.isfinite(best_val) else -(2**62)
    return Dual(bound, best_val, best_u, inc, inc_cost, it)


def penalties(cost: np.ndarray, load: np.ndarray, budget: np.ndarray, u: np.ndarray) -> tuple[
        float, np.ndarray]:
    """The Lagrangian value ``L(u)`` and, per pair (i, j), how much the bound rises when job
    ``j`` is forced into agent ``i``'s knapsack (≥ 0; ``inf`` when it cannot be).

    Exact: prefix and suffix knapsack tables give the best knapsack with the item in, for
    every item at once.
    """
    m, n = cost.shape
    finite = np.isfinite(cost)
    cmat = _finite_costs(cost)
    value = u[None, :] - cmat
    ks = Knapsacks(load, budget)
    top = ks.top
    pre = ks.prefix_tables(value)
    suf = ks.prefix_tables(value, reverse=True)  # suf[j]: items >= j
    base = pre[n][np.arange(m), budget]
    lag = float(u.sum() - base.sum())
    pen = np.full((m, n), np.inf)
    cols = np.arange(top + 1)
    rows = np.arange(m)[:, None]
    for j in range(n):
        rem = budget - load[:, j]  # capacity left for the other items when j is in
        idx = rem[:, None] - cols[None, :]
        ok = (idx >= 0) & (rem >= 0)[:, None]
        both = np.where(ok, pre[j] + suf[j + 1][rows, np.maximum(idx, 0)], _NEG)
        with_j = both.max(axis=1) + value[:, j]
        pen[:, j] = np.where((rem >= 0) & finite[:, j], np.maximum(base - with_j, 0.0), np.inf)
    return lag, pen


def fix_by_bound(
    cost: np.ndarray, load: np.ndarray, budget: np.ndarray, u: np.ndarray, upper: float
) -> np.ndarray:
    """Pairs that no assignment cheaper than ``upper`` can use (reduced-cost fixing).

    For each pair (i, j) the Lagrangian bound is recomputed with job ``j`` forced into agent
    ``i``'s knapsack (:func:`penalties`); when it exceeds ``upper − 1`` (integer costs), every
    assignment using that pair costs at least ``upper``.

    Returns
    -------
    numpy.ndarray
        (m, n) bool: ``True`` where the pair can be dropped when searching for an assignment
        cheaper than ``upper``. Forbidden pairs (infinite cost) are ``True``.
    """
    lag, pen = penalties(cost, load, budget, u)
    return ~(lag + pen <= upper - 1 + 1e-6)
