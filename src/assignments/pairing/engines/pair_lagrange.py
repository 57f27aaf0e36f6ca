"""Lagrangian relaxation of a pairing component's mentee rows: per-mentor pricing, bounds, fixing.

One component of the quality level (module :mod:`assignments.pairing.engines.reduce_split`) is::

    min Σ c_k x_k   s.t.  Σ_{k of e} x_k ≤ 1 (= 1 where mentee e must be paired),
                          Σ_{k of i} x_k ≤ cap_i,  Σ_{k of i} load_k x_k ≤ budget_i,
                          Σ_{k in R} x_k ≥ need_R (a few "at least n − u mandatory paired" rows),
                          x_k = 1 for forced pairs, x ∈ {0, 1}.

Relaxing the mentee rows (multipliers ``λ_e``: ≥ 0 for "≤ 1", free for "= 1") and the
"at least" rows (``μ_R ≥ 0``) leaves one tiny problem per mentor: choose at most ``cap_i``
pairs, forced ones included, within ``budget_i`` minutes, of least reduced cost
``r_k = c_k + λ_e − μ_R``::

    L(λ, μ) = Σ_i min_S Σ_{k ∈ S} r_k − Σ_e λ_e + Σ_R μ_R need_R  ≤  the integer optimum.

With head counts of 2–4 and every pair a large share of the budget, each mentor's problem is
solved exactly by a depth-first branch-and-bound over its pairs of negative reduced cost
(sorted, pruned by the best ``slots`` gains left) — :func:`price`. The best ``L`` over all
multipliers equals the LP bound of the per-mentor-set (column) formulation, which is much
stronger than the compact LP when hours bind. Multipliers come from the compact LP's duals,
then subgradient steps (:func:`subgradient`).

**Fixing** (:func:`forcing_bounds`): ``L`` with pair ``k`` forced in is ``L − z_i + z_i(k)``
(``z_i(k)`` the mentor's best set containing ``k``). No pairing of cost ≤ ``UB − 1`` (integer
costs) uses a pair whose forcing bound exceeds ``UB − 1``: the exact MIP on the pairs left (and
the incumbent's) has the component's optimum. Applied only where every mentor can hold at
most :data:`MAX_SLOTS` pairs (head count and lightest load), which keeps the search tiny.

**Columns** (:func:`columns`): the same argument for a whole set — ``L − z_i + r(S)`` is a
lower bound of every pairing in which mentor ``i`` holds exactly the set ``S`` — so every pairing
of cost ≤ ``T`` is made of sets with ``r(S) ≤ z_i + T − L``. Listing them all (a depth-first
search per mentor over its pairs by increasing reduced cost) gives a set-partitioning MIP (one
set per mentor, each mentee at most / exactly once) whose optimum is the component's whenever
it is ≤ ``T``, and which otherwise proves the optimum above ``T``; its LP bound is the
Lagrangian dual, far above the compact LP's.

Compiled with numba (``cache=True, nogil=True``); import this module lazily.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from numba import njit

__all__ = ["MAX_SLOTS", "Block", "Columns", "Dual", "block", "columns", "forcing_bounds",
           "lagrangian", "price", "subgradient", "warm_up"]

MAX_SLOTS = 6
"""Most pairs one mentor may hold (head count, and budget over the lightest pair) for the
relaxation to be used: the branch-and-bound is exponential in it."""


@dataclass
class Block:
    """One component's pairs, grouped by mentor, with the relaxed rows.

    Attributes
    ----------
    cols
        Candidate indices of the pairs (sorted by mentor, then candidate index).
    start
        Per local mentor, the first position of its pairs in ``cols`` (length mentors + 1).
    cost, load
        Integer cost (minimised) and load per pair.
    forced
        Pairs that must be chosen.
    mentee
        Local mentee index per pair.
    row
        Index of the "at least" row per pair (−1: none).
    need
        Per row, the least number of its pairs to choose.
    equal
        Per local mentee: its row is "= 1" (must be paired).
    cap, budget
        Per local mentor (``budget`` as float, ``inf`` for none; ``cap`` capped at the pairs).
    """

    cols: np.ndarray
    start: np.ndarray
    cost: np.ndarray
    load: np.ndarray
    forced: np.ndarray
    mentee: np.ndarray
    row: np.ndarray
    need: np.ndarray
    equal: np.ndarray
    cap: np.ndarray
    budget: np.ndarray

    @property
    def n_mentees(self) -> int:
        return len(self.equal)


def block(
    cols: np.ndarray,
    mentor: np.ndarray,
    mentee: np.ndarray,
    cost: np.ndarray,
    load: np.ndarray,
    forced: np.ndarray,
    cap: np.ndarray,
    budget: np.ndarray,
    must_pair: np.ndarray,
    rows: list[tuple[np.ndarray, int]],
) -> Block | None:
    """The :class:`Block` of the pairs ``cols`` (global arrays indexed by candidate, ``cap`` and
    ``budget`` by mentor, ``must_pair`` by mentee; ``rows`` = (candidate indices, need)).

    ``None`` when the relaxation does not apply: a mentor could hold more than
    :data:`MAX_SLOTS` pairs, or a pair lies in two "at least" rows."""
    cols = cols[np.lexsort((cols, mentor[cols]))]
    ms, m_row = np.unique(mentor[cols], return_inverse=True)
    es, e_row = np.unique(mentee[cols], return_inverse=True)
    start = np.searchsorted(m_row, np.arange(len(ms) + 1))
    lightest = np.full(len(ms), np.inf)
    np.minimum.at(lightest, m_row, load[cols].astype(float))
    per = np.diff(start).astype(float)
    c = np.minimum(cap[ms], per)
    b = budget[ms].astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        fit = np.where(lightest > 0, np.floor(b / np.maximum(lightest, 1e-300)), np.inf)
    if (np.minimum(c, fit) > MAX_SLOTS).any():
        return None
    row = -np.ones(len(cols), np.int64)
    need = np.zeros(len(rows), np.float64)
    pos = np.searchsorted(cols, np.sort(cols))  # identity helper for lookups below
    del pos
    lookup = np.argsort(cols, kind="stable")
    sorted_cols = cols[lookup]
    for r, (where, nd) in enumerate(rows):
        at = lookup[np.searchsorted(sorted_cols, where)]
        if (row[at] >= 0).any():
            return None
        row[at] = r
        need[r] = nd
    return Block(cols=cols, start=start.astype(np.int64), cost=cost[cols].astype(np.float64),
                 load=load[cols].astype(np.float64), forced=forced[cols].astype(np.bool_),
                 mentee=e_row.astype(np.int64), row=row, need=need,
                 equal=must_pair[es].astype(np.bool_),
                 cap=np.minimum(c, MAX_SLOTS).astype(np.int64), budget=b)


@njit(cache=True, nogil=True)
def _best_set(gain: np.ndarray, w: np.ndarray, m: int, slots: int, room: float,
              skip: int, chosen: np.ndarray) -> tuple[float, int]:
    """Most gain from at most ``slots`` of the first ``m`` items (gains sorted decreasing,
    all > 0) within ``room``, item ``skip`` left out: (gain, count), the items in ``chosen``.

    Depth-first over the items in gain order; a node is cut when its value plus the best
    gains of the places left (no more places than the lightest item left fits in the room
    left) cannot beat the best; the last place is filled by the first item that fits."""
    best = 0.0
    nbest = 0
    if slots <= 0 or m == 0:
        return best, nbest
    prefix = np.empty(m + 1)
    lightest = np.empty(m + 1)  # lightest load among items j..m-1
    prefix[0] = 0.0
    for j in range(m):
        prefix[j + 1] = prefix[j] + (0.0 if j == skip else gain[j])
    lightest[m] = np.inf
    for j in range(m - 1, -1, -1):
        lightest[j] = lightest[j + 1]
        if j != skip and w[j] < lightest[j]:
            lightest[j] = w[j]
    pos = np.zeros(slots + 1, np.int64)
    val = np.zeros(slots + 1)
    used = np.zeros(slots + 1)
    pick = np.zeros(slots + 1, np.int64)
    depth = 0
    pos[0] = 0
    while True:
        j = pos[depth]
        left = room - used[depth] + 1e-9
        r = slots - depth
        if j < m and lightest[j] > 0:
            fit = left / lightest[j]
            if fit < r:
                r = int(fit)
        hi = j + r
        if skip >= j and skip < hi and hi < m:
            hi += 1  # the skipped item frees one of the next places
        if hi > m:
            hi = m
        if j >= m or r <= 0 or val[depth] + prefix[hi] - prefix[j] <= best + 1e-9:
            if depth == 0:
                break
            depth -= 1
            pos[depth] += 1
            continue
        if depth + 1 == slots or r == 1:  # one place left: the first item that fits
            t = j
            while t < m and (t == skip or w[t] > left):
                t += 1
            if t < m and val[depth] + gain[t] > best + 1e-9:
                pick[depth] = t
                best = val[depth] + gain[t]
                nbest = depth + 1
                for q in range(nbest):
                    chosen[q] = pick[q]
            if depth == 0:
                break
            depth -= 1
            pos[depth] += 1
            continue
        if j != skip and w[j] <= left:
            v = val[depth] + gain[j]
            pick[depth] = j
            if v > best + 1e-9:
                best = v
                nbest = depth + 1
                for q in range(nbest):
                    chosen[q] = pick[q]
            val[depth + 1] = v
            used[depth + 1] = used[depth] + w[j]
            pos[depth + 1] = j + 1
            depth += 1
            continue
        pos[depth] += 1
    return best, nbest


@njit(cache=True, nogil=True)
def _sorted_items(a: int, b: int, red: np.ndarray, load: np.ndarray, forced: np.ndarray,
                  items: np.ndarray, gains: np.ndarray, w: np.ndarray) -> int:
    """The pairs ``a..b-1`` of negative reduced cost, not forced, by decreasing gain (−r):
    their positions into ``items``, gains and loads; how many."""
    m = 0
    for k in range(a, b):
        if not forced[k] and red[k] < 0:
            g = -red[k]
            t = m  # insertion sort: a mentor has few such pairs
            while t > 0 and gains[t - 1] < g:
                gains[t] = gains[t - 1]
                items[t] = items[t - 1]
                t -= 1
            gains[t] = g
            items[t] = k
            m += 1
    for t in range(m):
        w[t] = load[items[t]]
    return m


@njit(cache=True, nogil=True)
def _widest(start: np.ndarray) -> int:
    """Most pairs of one mentor (at least 1)."""
    width = 1
    for i in range(len(start) - 1):
        width = max(width, start[i + 1] - start[i])
    return width


@njit(cache=True, nogil=True)
def _price(start: np.ndarray, red: np.ndarray, load: np.ndarray, forced: np.ndarray,
           cap: np.ndarray, budget: np.ndarray, x: np.ndarray, z: np.ndarray) -> float:
    """Every mentor's least reduced cost set: ``x`` (0/1 per pair), ``z`` per mentor; the sum."""
    total = 0.0
    chosen = np.zeros(MAX_SLOTS + 1, np.int64)
    width = _widest(start)
    items = np.empty(width, np.int64)
    gains = np.empty(width)
    w = np.empty(width)
    for i in range(len(start) - 1):
        a, b = start[i], start[i + 1]
        base = 0.0
        slots = cap[i]
        room = budget[i]
        for k in range(a, b):
            x[k] = 0
            if forced[k]:
                x[k] = 1
                base += red[k]
                slots -= 1
                room -= load[k]
        m = _sorted_items(a, b, red, load, forced, items, gains, w)
        best, nb = _best_set(gains, w, m, slots, room, -1, chosen)
        for t in range(nb):
            x[items[chosen[t]]] = 1
        z[i] = base - best
        total += z[i]
    return total


@njit(cache=True, nogil=True)
def _forcing(start: np.ndarray, red: np.ndarray, load: np.ndarray, forced: np.ndarray,
             cap: np.ndarray, budget: np.ndarray, zk: np.ndarray) -> None:
    """Per pair, its mentor's least reduced cost set containing it (``inf`` when none)."""
    chosen = np.zeros(MAX_SLOTS + 1, np.int64)
    width = _widest(start)
    items = np.empty(width, np.int64)
    gains = np.empty(width)
    w = np.empty(width)
    where = np.empty(width, np.int64)
    for i in range(len(start) - 1):
        a, b = start[i], start[i + 1]
        base = 0.0
        slots = cap[i]
        room = budget[i]
        for k in range(a, b):
            where[k - a] = -1
            if forced[k]:
                base += red[k]
                slots -= 1
                room -= load[k]
        m = _sorted_items(a, b, red, load, forced, items, gains, w)
        for t in range(m):
            where[items[t] - a] = t
        for k in range(a, b):
            if forced[k]:
                best, _nb = _best_set(gains, w, m, slots, room, -1, chosen)
                zk[k] = base - best
                continue
            if slots < 1 or load[k] > room + 1e-9:
                zk[k] = np.inf
                continue
            best, _nb = _best_set(gains, w, m, slots - 1, room - load[k], where[k - a], chosen)
            zk[k] = base + red[k] - best


def reduced(b: Block, lam: np.ndarray, mu: np.ndarray) -> np.ndarray:
    """Reduced cost of every pair under the multipliers."""
    red = b.cost + lam[b.mentee]
    has = b.row >= 0
    red[has] -= mu[b.row[has]]
    return red


def _evaluate(b: Block, lam: np.ndarray, mu: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    """``L(λ, μ)``, the choice per pair and each mentor's value (one pricing, no step kept)."""
    x = np.zeros(len(b.cols), np.int64)
    z = np.zeros(len(b.start) - 1)
    state = np.array([-np.inf, 1.0, 0.0, 0.0])
    lam_c = np.asarray(lam, np.float64).copy()
    mu_c = np.asarray(mu, np.float64).copy()
    _ascent(b.start, b.cost, b.mentee, b.row, b.need, b.equal, b.load, b.forced, b.cap,
            b.budget, lam_c, mu_c, np.inf, 1, 1, state, lam_c.copy(), mu_c.copy(), x, z)
    return float(state[0]), x, z


def lagrangian(b: Block, lam: np.ndarray, mu: np.ndarray) -> tuple[float, np.ndarray]:
    """``L(λ, μ)`` (a lower bound of the component's minimised cost) and the pairs chosen."""
    value, x, _z = _evaluate(b, lam, mu)
    return value, x


def price(b: Block, lam: np.ndarray, mu: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per mentor its least reduced-cost set's value, and the 0/1 choice per pair."""
    _value, x, z = _evaluate(b, lam, mu)
    return z, x


def forcing_bounds(b: Block, lam: np.ndarray, mu: np.ndarray) -> np.ndarray:
    """Per pair, ``L(λ, μ)`` with that pair forced into the pairing (``inf`` if it cannot be)."""
    value, _x, z = _evaluate(b, lam, mu)
    zk = np.zeros(len(b.cols))
    _forcing(b.start, reduced(b, lam, mu), b.load, b.forced, b.cap, b.budget, zk)
    mentor = np.repeat(np.arange(len(b.start) - 1), np.diff(b.start))
    return value - z[mentor] + zk


@dataclass
class Dual:
    """The best multipliers found: ``value`` = ``L(λ, μ)``, ``iterations`` taken."""

    value: float
    lam: np.ndarray
    mu: np.ndarray
    iterations: int


@njit(cache=True, nogil=True)
def _ascent(start: np.ndarray, cost: np.ndarray, mentee: np.ndarray, row: np.ndarray,
            need: np.ndarray, equal: np.ndarray, load: np.ndarray, forced: np.ndarray,
            cap: np.ndarray, budget: np.ndarray, lam: np.ndarray, mu: np.ndarray,
            target: float, iterations: int, patience: int, state: np.ndarray,
            best_lam: np.ndarray, best_mu: np.ndarray, x: np.ndarray, z: np.ndarray) -> int:
    """``iterations`` subgradient steps (see :func:`subgradient`); ``state`` = (best L, θ,
    steps without a better L, stop), the best multipliers into ``best_*``, the last choice
    into ``x`` (0/1 per pair) and ``z`` (per mentor); the steps taken. (The one compiled
    entry for pricing too: a first compilation takes seconds per entry.)"""
    n = len(cost)
    red = np.empty(n)
    g_e = np.empty(len(lam))
    g_r = np.empty(len(mu))
    best = state[0]
    theta = state[1]
    stale = int(state[2])
    it = 0
    while it < iterations:
        it += 1
        for k in range(n):
            red[k] = cost[k] + lam[mentee[k]]
            if row[k] >= 0:
                red[k] -= mu[row[k]]
        value = _price(start, red, load, forced, cap, budget, x, z)
        for e in range(len(lam)):
            value -= lam[e]
        for r in range(len(mu)):
            value += mu[r] * need[r]
        if value > best + 1e-9:
            best = value
            for e in range(len(lam)):
                best_lam[e] = lam[e]
            for r in range(len(mu)):
                best_mu[r] = mu[r]
            stale = 0
        else:
            stale += 1
            if stale >= patience:
                theta /= 2.0
                stale = 0
        if best > target - 1.0 + 1e-6 or theta < 1e-4:
            state[3] = 1.0
            break
        for e in range(len(lam)):
            g_e[e] = -1.0
        for r in range(len(mu)):
            g_r[r] = need[r]
        for k in range(n):
            if x[k]:
                g_e[mentee[k]] += 1.0
                if row[k] >= 0:
                    g_r[row[k]] -= 1.0
        norm = 0.0
        for e in range(len(lam)):
            if not equal[e] and lam[e] <= 0.0 and g_e[e] < 0.0:
                g_e[e] = 0.0
            norm += g_e[e] * g_e[e]
        for r in range(len(mu)):
            if mu[r] <= 0.0 and g_r[r] < 0.0:
                g_r[r] = 0.0
            norm += g_r[r] * g_r[r]
        if norm == 0.0:  # the relaxation's choice is feasible: it is optimal
            state[3] = 1.0
            break
        step = theta * max(target - value, 1.0) / norm
        for e in range(len(lam)):
            lam[e] += step * g_e[e]
            if not equal[e] and lam[e] < 0.0:
                lam[e] = 0.0
        for r in range(len(mu)):
            mu[r] = max(0.0, mu[r] + step * g_r[r])
    state[0] = best
    state[1] = theta
    state[2] = stale
    return it


def subgradient(
    b: Block,
    lam: np.ndarray,
    mu: np.ndarray,
    target: float,
    seconds: float,
    *,
    iterations: int = 3000,
    theta: float = 0.5,
    patience: int = 20,
) -> Dual:
    """Subgradient ascent of ``L`` from ``(λ, μ)``, steps ``θ (target − L) / ‖g‖²`` (``target``:
    an upper bound, e.g. the incumbent's cost), ``θ`` halved after ``patience`` steps without
    a better ``L``; stops after ``seconds``, ``iterations``, when ``θ`` is tiny or when
    ``L > target − 1`` (nothing of integer cost below ``target`` is left)."""
    lam = lam.astype(np.float64).copy()
    mu = mu.astype(np.float64).copy()
    lam[~b.equal] = np.maximum(lam[~b.equal], 0.0)
    mu = np.maximum(mu, 0.0)
    best_lam, best_mu = lam.copy(), mu.copy()
    t_end = time.perf_counter() + seconds
    state = np.array([-np.inf, theta, 0.0, 0.0])
    done = 0
    chunk = 10
    x = np.zeros(len(b.cols), np.int64)
    z = np.zeros(len(b.start) - 1)
    while done < iterations and state[3] == 0.0:
        t = time.perf_counter()
        done += _ascent(b.start, b.cost, b.mentee, b.row, b.need, b.equal, b.load, b.forced,
                        b.cap, b.budget, lam, mu, float(target), min(chunk, iterations - done),
                        patience, state, best_lam, best_mu, x, z)
        step = time.perf_counter() - t
        if time.perf_counter() + step > t_end:
            break
        chunk = max(1, min(200, int(0.05 / max(step / chunk, 1e-6))))
    return Dual(float(state[0]), best_lam, best_mu, done)


@njit(cache=True, nogil=True)
def _enumerate(start: np.ndarray, red: np.ndarray, load: np.ndarray, forced: np.ndarray,
               cap: np.ndarray, budget: np.ndarray, thr: np.ndarray, owner: np.ndarray,
               size: np.ndarray, pairs: np.ndarray, nodes: int) -> int:
    """Every mentor ``i``'s feasible sets (forced pairs in) of reduced cost ≤ ``thr[i]``: per
    set its mentor (``owner``), its number of pairs (``size``) and the pairs (a row of
    ``pairs``); how many, or −1 when more than ``len(owner)`` or more than ``nodes`` nodes
    of the search.

    Depth-first over the mentor's other pairs that fit, by increasing reduced cost; a node
    is cut when its value plus the most negative reduced costs of the places left (the next
    ones in that order) exceeds the threshold."""
    limit = len(owner)
    width = _widest(start)
    items = np.empty(width, np.int64)
    vals = np.empty(width)
    fk = np.empty(MAX_SLOTS + 1, np.int64)
    pos = np.zeros(MAX_SLOTS + 2, np.int64)
    val = np.zeros(MAX_SLOTS + 2)
    used = np.zeros(MAX_SLOTS + 2)
    pick = np.zeros(MAX_SLOTS + 2, np.int64)
    n = 0
    for i in range(len(start) - 1):
        a, b = start[i], start[i + 1]
        base = 0.0
        slots = cap[i]
        room = budget[i]
        nf = 0
        for k in range(a, b):
            if forced[k]:
                base += red[k]
                slots -= 1
                room -= load[k]
                fk[nf] = k
                nf += 1
        m = 0
        for k in range(a, b):
            if not forced[k] and load[k] <= room + 1e-9:
                v = red[k]
                t = m  # insertion sort by increasing reduced cost
                while t > 0 and vals[t - 1] > v:
                    vals[t] = vals[t - 1]
                    items[t] = items[t - 1]
                    t -= 1
                vals[t] = v
                items[t] = k
                m += 1
        top = thr[i] + 1e-9
        if slots < 0 or room < -1e-9:
            continue
        depth = 0
        pos[0] = 0
        val[0] = base
        used[0] = 0.0
        if base <= top:  # the forced pairs alone (or no pair)
            if n >= limit:
                return -1
            owner[n] = i
            size[n] = nf
            for q in range(nf):
                pairs[n, q] = fk[q]
            n += 1
        while True:
            nodes -= 1
            if nodes < 0:
                return -1
            j = pos[depth]
            r = slots - depth
            cut = r <= 0 or j >= m
            if not cut:
                low = val[depth]
                for t in range(j, min(m, j + r)):
                    if vals[t] < 0.0:
                        low += vals[t]
                cut = low > top or (vals[j] >= 0.0 and val[depth] + vals[j] > top)
            if cut:
                if depth == 0:
                    break
                depth -= 1
                pos[depth] += 1
                continue
            k = items[j]
            if used[depth] + load[k] <= room + 1e-9:
                v = val[depth] + vals[j]
                pick[depth] = k
                if v <= top:
                    if n >= limit:
                        return -1
                    owner[n] = i
                    size[n] = nf + depth + 1
                    for q in range(nf):
                        pairs[n, q] = fk[q]
                    for q in range(depth + 1):
                        pairs[n, nf + q] = pick[q]
                    n += 1
                val[depth + 1] = v
                used[depth + 1] = used[depth] + load[k]
                pos[depth + 1] = j + 1
                depth += 1
                continue
            pos[depth] += 1
    return n


NODES_PER_SET = 40
"""The listing of mentor sets gives up after this many search steps per set allowed."""


@dataclass
class Columns:
    """Mentor sets (see :func:`columns`): set ``s`` is mentor ``owner[s]``'s pairs
    ``pairs[ptr[s]:ptr[s + 1]]`` (positions into the block's ``cols``)."""

    owner: np.ndarray
    ptr: np.ndarray
    pairs: np.ndarray

    def __len__(self) -> int:
        return len(self.owner)


def columns(b: Block, lam: np.ndarray, mu: np.ndarray, ceiling: float,
            limit: int) -> Columns | None:
    """Every mentor set that can be in a pairing of cost ≤ ``ceiling``: those whose bound
    ``L(λ, μ) − z_i + r(S)`` is at most ``ceiling`` (module doc); ``None`` when there are more
    than ``limit`` (or the search takes more than ``NODES_PER_SET × limit`` steps)."""
    value, _x, z = _evaluate(b, lam, mu)
    thr = z + (ceiling - value) + 1e-6  # float slack: never drop a set at the ceiling
    owner = np.empty(limit, np.int64)
    size = np.empty(limit, np.int64)
    pairs = np.empty((limit, MAX_SLOTS), np.int64)
    n = _enumerate(b.start, reduced(b, lam, mu), b.load, b.forced, b.cap, b.budget, thr,
                   owner, size, pairs, NODES_PER_SET * limit + 1000)
    if n < 0:
        return None
    size = size[:n]
    take = np.arange(MAX_SLOTS)[None, :] < size[:, None]
    return Columns(owner[:n].copy(), np.concatenate([[0], np.cumsum(size)]).astype(np.int64),
                   pairs[:n][take])


def warm_up() -> None:
    """Compile (or load from numba's cache) every kernel on a two-pair block, e.g. in a thread
    while the caller does other work: a first compilation takes several seconds."""
    b = Block(cols=np.arange(2), start=np.array([0, 2]), cost=np.array([-3.0, -2.0]),
              load=np.array([2.0, 3.0]), forced=np.zeros(2, np.bool_),
              mentee=np.array([0, 1]), row=np.array([0, -1]), need=np.array([1.0]),
              equal=np.array([True, False]), cap=np.array([2]), budget=np.array([4.0]))
    lam, mu = np.zeros(2), np.zeros(1)
    lagrangian(b, lam, mu)
    forcing_bounds(b, lam, mu)
    subgradient(b, lam, mu, 0.0, 1.0, iterations=2)
    columns(b, lam, mu, 0.0, 4)
