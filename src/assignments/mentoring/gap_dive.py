"""Price-and-dive for the generalised assignment problem (GAP): column generation on the
set-partitioning formulation, then dives that fix (job, agent) pairs one at a time.

The set-partitioning LP (one column per agent and *set* of jobs that fits its capacity; each
job covered once, each agent at most one set) has the Lagrangian dual's bound
(:mod:`assignments.mentoring.gap_lagrange`) as its optimum, and its fractional solutions say
which pairs belong together. Its columns are generated (HiGHS, warm-started after every
change; pricing = one exact 0/1 knapsack per agent by dynamic programming, compiled with numba),
seeded with every set within ``delta`` of the best at the Lagrangian multipliers.

A **dive** fixes, round by round, the fractional pair (job, agent) that the LP uses most
(plus a little noise from the caller's random numbers, so dives differ) together with every
pair the LP already uses fully; columns that contradict a fixing are closed (bound 0), new ones
are priced under the fixings (forced jobs in, jobs owned by another agent out), and the LP is
solved again. When it becomes infeasible (an artificial column per job, priced high, is needed),
the last fixing is undone and the pair forbidden (at most ``max_back`` times per dive). A dive
ends with every job fixed or an integral LP: a feasible assignment, found by global
information (on the type D literature problems the local search's attractor is 0.5 % above the
best known, dives polished by the local search reach 0.1–0.3 %).

Branch-and-price heuristics of this kind: Savelsbergh (1997) for the GAP; the dive itself is
the "diving heuristic" of Sadykov, Vanderbeck et al. (2019). No bound is lost: the root LP,
when column generation converged, is a proven lower bound.

numba and highspy are imported with this module: import it lazily (only on the GAP path).
"""

from __future__ import annotations

import math
import os
import sys
import threading
import time

import highspy
import numpy as np
from numba import njit

__all__ = ["PriceDive", "warm_up"]

_BIG = 1e3
"""Cost of an artificial column per job, relative to the largest job cost (keeps every LP
feasible; a dive whose LP needs one is infeasible)."""
_EPS = 1e-6
_QUIET = threading.Lock()
_started = False


def _highs() -> highspy.Highs:
    """A silent HiGHS instance (the first one in a process prints a banner on standard output
    before any option can be set: that line is sent to /dev/null)."""
    global _started
    with _QUIET:
        if _started:
            return highspy.Highs()
        sys.stdout.flush()
        saved = os.dup(1)
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, 1)
            h = highspy.Highs()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
            os.close(devnull)
        _started = True
        return h


@njit(cache=True, nogil=True)
def _list_sets(value: np.ndarray, load: np.ndarray, cap: int, floor: float,
               items: np.ndarray, size: np.ndarray) -> int:  # pragma: no cover - compiled
    """Every set of the items (sorted by value per unit of load, best first) that fits
    ``cap`` and whose value is at least ``floor``, by depth-first search with the fractional
    knapsack bound; written to ``items`` (row per set, item positions) and ``size``. Returns
    the number of sets, or -1 when there are more than ``items`` has rows."""
    n = value.shape[0]
    width = items.shape[1]
    limit = items.shape[0]
    chosen = np.zeros(n, np.bool_)
    state = np.zeros(n + 1, np.int64)
    count = 0
    depth = 0
    val = 0.0
    used = 0
    while depth >= 0:
        if depth == n:
            if val >= floor - 1e-9:
                if count >= limit:
                    return -1
                k = 0
                for j in range(n):
                    if chosen[j]:
                        if k >= width:
                            return -1
                        items[count, k] = j
                        k += 1
                size[count] = k
                count += 1
            depth -= 1
            continue
        s = state[depth]
        if s == 0:
            ub = val
            room = cap - used
            for j in range(depth, n):
                if value[j] <= 0:
                    break
                if load[j] <= room:
                    room -= load[j]
                    ub += value[j]
                else:
                    ub += value[j] * room / load[j]
                    break
            if ub < floor - 1e-9:
                depth -= 1
                continue
            state[depth] = 1
            if load[depth] <= cap - used:
                chosen[depth] = True
                used += load[depth]
                val += value[depth]
                depth += 1
                state[depth] = 0
        elif s == 1:
            if chosen[depth]:
                chosen[depth] = False
                used -= load[depth]
                val -= value[depth]
            state[depth] = 2
            depth += 1
            state[depth] = 0
        else:
            state[depth] = 0
            depth -= 1
    return count


@njit(cache=True, nogil=True)
def _price(cost: np.ndarray, load: np.ndarray, budget: np.ndarray, allowed: np.ndarray,
           owner: np.ndarray, y: np.ndarray, w: np.ndarray, out: np.ndarray,
           gains: np.ndarray) -> None:  # pragma: no cover - compiled
    """Per agent, the set of most value ``Σ (y_j − c_ij)`` within its capacity that holds every
    job it owns and no job owned by another agent (exact 0/1 knapsack by dynamic programming);
    ``gains[i]`` = that value − ``w[i]`` (> 0: a column that improves the LP), ``out[i]`` its
    jobs. ``gains[i]`` = −inf when the owned jobs alone exceed the capacity."""
    m, n = cost.shape
    top = 0
    for i in range(m):
        top = max(top, budget[i])
    dp = np.zeros(top + 1)
    take = np.zeros((n, top + 1), np.bool_)
    for i in range(m):
        cap = budget[i]
        base = 0.0
        for j in range(n):
            out[i, j] = False
            if owner[j] == i:
                cap -= load[i, j]
                base += y[j] - cost[i, j]
                out[i, j] = True
        if cap < 0:
            gains[i] = -math.inf
            continue
        for c in range(cap + 1):
            dp[c] = 0.0
        for j in range(n):
            v = y[j] - cost[i, j]
            if owner[j] != -1 or not allowed[i, j] or v <= 0:
                continue
            wj = load[i, j]
            for c in range(cap + 1):
                take[j, c] = False
            for c in range(cap, wj - 1, -1):
                cand = dp[c - wj] + v
                if cand > dp[c]:
                    dp[c] = cand
                    take[j, c] = True
        gains[i] = base + dp[cap] - w[i]
        c = cap
        for j in range(n - 1, -1, -1):
            v = y[j] - cost[i, j]
            if owner[j] != -1 or not allowed[i, j] or v <= 0:
                continue
            if take[j, c]:
                out[i, j] = True
                c -= load[i, j]


class PriceDive:
    """Column generation and dives on one GAP (minimised costs, integers).

    Parameters
    ----------
    cost
        (m, n) costs, ``inf`` where a pair is not allowed.
    load, budget
        (m, n) integer loads and (m,) integer capacities.
    u
        Lagrangian multipliers (one per job; e.g. :func:`gap_lagrange.subgradient`'s): the
        first columns are every set within ``delta`` of each agent's best at these.
    delta, seed_limit
        Width of that first listing, and the most sets listed per agent (when an agent has
        more, its listing is narrowed).
    """

    def __init__(self, cost: np.ndarray, load: np.ndarray, budget: np.ndarray, u: np.ndarray,
                 *, delta: float = 1.0, seed_limit: int = 2_000) -> None:
        m, n = cost.shape
        self.m, self.n = m, n
        self.allowed = np.ascontiguousarray(np.isfinite(cost))
        self.cost = np.where(self.allowed, cost, 0.0).astype(np.float64)
        self.load = np.ascontiguousarray(load, dtype=np.int64)
        self.budget = np.ascontiguousarray(budget, dtype=np.int64)
        h = _highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("threads", 1)
        self.h = h
        inf = highspy.kHighsInf
        none_i, none_f = np.zeros(0, np.int32), np.zeros(0)
        for _ in range(n):
            h.addRow(1.0, 1.0, 0, none_i, none_f)
        for _ in range(m):
            h.addRow(-inf, 1.0, 0, none_i, none_f)
        big = _BIG * max(1.0, float(np.abs(self.cost).max(initial=0.0)))
        for j in range(n):
            h.addCol(big, 0.0, inf, 1, np.array([j], np.int32), np.ones(1))
        self.lps = 0
        self.iterations = 0
        self._keys: set[bytes] = set()
        self._rows = 1024
        self._agent = np.zeros(self._rows, np.int64)
        self._sets = np.zeros((self._rows, n), np.bool_)
        self._open = np.zeros(self._rows, np.bool_)
        self.k = 0
        self._x = np.zeros(0)
        self.lower: float | None = None
        value = np.asarray(u, dtype=np.float64)[None, :] - np.where(self.allowed, cost, np.inf)
        for i in range(m):
            self._seed(i, value[i], delta, seed_limit)

    # -- columns ---------------------------------------------------------------------------
    def _seed(self, i: int, value: np.ndarray, delta: float, limit: int) -> None:
        keep = np.flatnonzero(np.isfinite(value) & (value > -delta)
                              & (self.load[i] <= self.budget[i]))
        order = keep[np.argsort(-value[keep] / np.maximum(self.load[i, keep], 1), kind="stable")]
        if not len(order):
            return
        vals = np.ascontiguousarray(value[order])
        loads = np.ascontiguousarray(self.load[i, order])
        width = int(min(len(order), max(1, self.budget[i] // max(1, int(loads.min()))) + 1))
        items = np.zeros((limit, width), np.int64)
        size = np.zeros(limit, np.int64)
        top = self._best_value(i, value)
        for d in (delta, delta / 4, 0.0):
            count = _list_sets(vals, loads, int(self.budget[i]), top - d, items, size)
            if count >= 0:
                for r in range(count):
                    mask = np.zeros(self.n, np.bool_)
                    mask[order[items[r, :size[r]]]] = True
                    self.add(i, mask)
                return

    def _best_value(self, i: int, value: np.ndarray) -> float:
        owner = np.full(self.n, -1, np.int64)
        out = np.zeros((self.m, self.n), np.bool_)
        gains = np.zeros(self.m)
        y = np.where(np.isfinite(value), value + self.cost[i], 0.0)
        # price only agent i: the others get an impossible capacity via a copy of the budget
        budget = np.full(self.m, -1, np.int64)
        budget[i] = self.budget[i]
        _price(self.cost, self.load, budget, self.allowed, owner, y, np.zeros(self.m), out,
               gains)
        return float(gains[i])

    def add(self, i: int, mask: np.ndarray) -> bool:
        """Add the column "agent ``i`` holds the jobs of ``mask``" (when new and it fits)."""
        key = np.packbits(mask).tobytes() + int(i).to_bytes(4, "little")
        if key in self._keys or not self.allowed[i, mask].all() or (
                self.load[i, mask].sum() > self.budget[i]):
            return False
        self._keys.add(key)
        jobs = np.flatnonzero(mask)
        idx = np.concatenate([jobs, [self.n + i]]).astype(np.int32)
        self.h.addCol(float(self.cost[i, jobs].sum()), 0.0, highspy.kHighsInf, len(idx), idx,
                      np.ones(len(idx)))
        if self.k == self._rows:
            self._rows *= 2
            self._agent = np.resize(self._agent, self._rows)
            sets = np.zeros((self._rows, self.n), np.bool_)
            sets[:self.k] = self._sets[:self.k]
            self._sets = sets
            self._open = np.resize(self._open, self._rows)
        self._agent[self.k] = i
        self._sets[self.k] = mask
        self._open[self.k] = True
        self.k += 1
        return True

    def add_assignment(self, assign: np.ndarray) -> None:
        """Add the columns of an assignment (job -> agent), e.g. the incumbent."""
        for i in range(self.m):
            self.add(i, np.asarray(assign) == i)

    def _sync(self, allowed: np.ndarray, owner: np.ndarray) -> None:
        """Close the columns that contradict the fixings, reopen the others."""
        k = self.k
        agent, sets = self._agent[:k], self._sets[:k]
        own = owner[None, :] == agent[:, None]
        ok = ~(sets & ~allowed[agent]).any(axis=1)
        ok &= ~(own & ~sets).any(axis=1)
        ok &= ~((owner[None, :] >= 0) & ~own & sets).any(axis=1)
        changed = np.flatnonzero(ok != self._open[:k])
        if len(changed):
            self.h.changeColsBounds(len(changed), (changed + self.n).astype(np.int32),
                                    np.zeros(len(changed)),
                                    np.where(ok[changed], highspy.kHighsInf, 0.0))
        self._open[:k] = ok

    # -- LPs -------------------------------------------------------------------------------
    def _solve(self) -> tuple[float, np.ndarray, np.ndarray]:
        self.h.run()
        if self.h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"HiGHS: {self.h.modelStatusToString(self.h.getModelStatus())}")
        info = self.h.getInfo()
        self.lps += 1
        self.iterations += int(info.simplex_iteration_count)
        sol = self.h.getSolution()
        dual = np.asarray(sol.row_dual)
        self._x = np.asarray(sol.col_value)
        return float(info.objective_function_value), dual[:self.n], dual[self.n:]

    def _generate(self, allowed: np.ndarray, owner: np.ndarray, deadline: float) -> float | None:
        """Column generation to the LP optimum under the fixings; ``None`` past ``deadline``."""
        out = np.zeros((self.m, self.n), np.bool_)
        gains = np.zeros(self.m)
        while True:
            value, y, w = self._solve()
            _price(self.cost, self.load, self.budget, allowed, owner, y, w, out, gains)
            added = 0
            for i in np.flatnonzero(gains > _EPS):
                added += self.add(int(i), out[i].copy())
            if not added:
                return value
            if time.perf_counter() > deadline:
                return None

    def root(self, deadline: float = math.inf) -> float | None:
        """Solve the root LP by column generation; its value (a proven lower bound of the
        cost) is kept in :attr:`lower`. ``None`` when ``deadline`` came first."""
        allowed = self.allowed.copy()
        owner = np.full(self.n, -1, np.int64)
        self._sync(allowed, owner)
        value = self._generate(allowed, owner, deadline)
        if value is not None and self._x[:self.n].max(initial=0.0) <= _EPS:
            self.lower = value
        return value

    def dive(self, rng: np.random.Generator, noise: float = 0.0, *,
             deadline: float = math.inf, max_back: int = 100) -> np.ndarray | None:
        """One dive from the root: an assignment (job -> agent) or ``None`` (infeasible after
        ``max_back`` undone fixings, or ``deadline``). ``noise`` (≥ 0) is added, uniform,
        to the LP values that choose the pair to fix."""
        m, n = self.m, self.n
        allowed = self.allowed.copy()
        owner = np.full(n, -1, np.int64)
        self._sync(allowed, owner)
        stack: list[tuple[int, int, np.ndarray, np.ndarray]] = []
        back = 0
        while True:
            if self._generate(allowed, owner, deadline) is None:
                return None
            x = self._x[n:]
            if self._x[:n].max(initial=0.0) > _EPS:  # infeasible under the fixings
                if not stack or back >= max_back:
                    return None
                i, j, allowed, owner = stack.pop()
                back += 1
                allowed[i, j] = False
                self._sync(allowed, owner)
                continue
            used = np.flatnonzero(x > 1e-9)
            share = np.zeros((m, n))
            np.add.at(share, self._agent[used], x[used, None] * self._sets[used])
            share[:, owner >= 0] = 0.0
            fractional = (share > _EPS) & (share < 1 - _EPS)
            if not fractional.any():  # integral: the LP's sets give every job left an agent
                for k in used:
                    if x[k] > 0.5:
                        free = self._sets[k] & (owner < 0)
                        owner[free] = self._agent[k]
                return owner if (owner >= 0).all() else None
            score = np.where(fractional, share + noise * rng.random(share.shape), -1.0)
            i0, j0 = np.unravel_index(int(np.argmax(score)), score.shape)
            pairs = [(int(i0), int(j0))] + [(int(a), int(b)) for a, b in
                                            np.argwhere(share >= 1 - _EPS)]
            for i, j in pairs:
                stack.append((i, j, allowed.copy(), owner.copy()))
                owner[j] = i
                allowed[:, j] = False
                allowed[i, j] = True
            self._sync(allowed, owner)


def warm_up() -> None:
    """Compile (or load from numba's cache) the pricing and listing on a tiny problem, and
    start HiGHS once (its banner silenced): call it early, in a thread."""
    cost = np.array([[1.0, 2.0, 3.0], [2.0, 1.0, 1.0]])
    load = np.array([[1, 2, 1], [2, 1, 1]], dtype=np.int64)
    dive = PriceDive(cost, load, np.array([2, 2]), np.array([2.0, 2.0, 2.0]))
    dive.root()
    dive.dive(np.random.default_rng(0), 0.1)
