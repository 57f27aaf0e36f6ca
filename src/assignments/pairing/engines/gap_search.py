"""Compiled local search for the generalised assignment problem (GAP): a weighting local
search with shift, swap and ejection-chain moves (numba).

The search moves through assignments that exceed capacities too, pricing the excess with one
penalty weight per agent (strategic oscillation, after Yagiura, Ibaraki & Glover 2004)::

    f(σ) = Σ_j c[σ(j), j] + Σ_i α_i · max(0, Σ_{j: σ(j)=i} a[i, j] − b_i)

One *round* is a descent on ``f`` to a local optimum, then a weight update:

* moves, tried in this order: **shift** (one job to another agent; first improvement),
  **swap** (two jobs of different agents exchange them; first improvement), and, when neither
  improves, the best **ejection chain** (:func:`_chain`): job ``j1`` leaves its agent, goes
  to the agent of ``j2``, which leaves for the agent of ``j3``, …, the last job either closes
  the cycle at ``j1``'s agent or goes to an agent not yet touched. Every agent is touched at
  most once, so its change depends only on the job that comes in and the one that goes out:
  chains are priced exactly, found by a label-correcting search over chain lengths;
* weights: when the local optimum's ``f`` is not below the best feasible cost (or it is
  feasible), every weight shrinks (``× rates[1]``); otherwise the weight of each agent over
  its capacity grows (up to ``× rates[0]``, in proportion to its excess);
* aspiration: any feasible neighbour cheaper than the best — a shift, a swap or a chain met
  on the way, taken or not — becomes the best;
* after ``stall`` rounds without a new best, the search restarts between the best and
  another elite assignment (path relinking: each job that differs takes either agent).

Bookkeeping (loads, cost) is in integers and kept incrementally; :meth:`GapSearch.check`
compares it with a recomputation. The search runs in chunks of rounds, its state kept in
:class:`GapSearch`, so the caller decides when to stop — by the clock, or in deterministic
mode by counting rounds: the random numbers come from the search's own xorshift generator,
seeded, so the same seed gives the same moves. ``nogil``: a thread runs it while CP-SAT
works in another (:mod:`assignments.pairing.engines.lns`).

numba is imported with this module: import it lazily (only on the GAP solve path).
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["GapSearch", "warm_up"]

# state slots (int64 array)
_IT, _BEST, _LAST, _CUR, _MOVES, _FEAS, _RESTARTS, _CHAINS, _ASPIRED, _WORK = range(10)
# parameter slots (float64 array)
_UP, _DOWN, _AMIN, _STALL, _KICK, _AMAX = 0, 1, 2, 3, 4, 5
_NO = np.int64(2**62)


@njit(cache=True, nogil=True)
def _rand(rng: np.ndarray) -> float:  # pragma: no cover - compiled
    """xorshift64* → a float in [0, 1)."""
    x = rng[0]
    x ^= x >> np.uint64(12)
    x ^= x << np.uint64(25)
    x ^= x >> np.uint64(27)
    rng[0] = x
    y = (x * np.uint64(2685821657736338717)) >> np.uint64(11)
    return float(y) * (1.0 / 9007199254740992.0)


@njit(cache=True, nogil=True)
def _randint(rng: np.ndarray, k: int) -> int:  # pragma: no cover - compiled
    r = int(_rand(rng) * k)
    return r if r < k else k - 1


@njit(cache=True, nogil=True)
def _excess(u: int, b: int) -> int:  # pragma: no cover - compiled
    return u - b if u > b else 0


@njit(cache=True, nogil=True)
def _recount(cost: np.ndarray, load: np.ndarray, assign: np.ndarray,
             used: np.ndarray) -> int:  # pragma: no cover - compiled
    used[:] = 0
    total = 0
    for j in range(assign.shape[0]):
        i = assign[j]
        used[i] += load[i, j]
        total += cost[i, j]
    return total


@njit(cache=True, nogil=True)
def _chain(cost: np.ndarray, load: np.ndarray, budget: np.ndarray, allowed: np.ndarray,
           assign: np.ndarray, used: np.ndarray, alpha: np.ndarray, depth: int,
           lab: np.ndarray, mask: np.ndarray, pred: np.ndarray,
           out: np.ndarray, labc: np.ndarray, labx: np.ndarray, asp: np.ndarray, cur: int,
           excess: int, best_cost: int, near: np.ndarray, members: np.ndarray,
           count: np.ndarray) -> float:  # pragma: no cover - compiled
    """The best ejection chain on the penalised cost, or 0.0 when none improves.

    A chain moves job ``j1`` off its agent, ``j1`` into the agent of ``j2`` (which leaves
    it), ``j2`` into the agent of ``j3``, …, and the last job either into the first agent
    (a cycle) or into any agent not yet touched (a path); every agent is touched at most
    once, so each agent's change depends only on the job that comes in and the job that
    goes out, and the chain's value is exact. Found by a label-correcting search over chain
    lengths (one label per length and last job; agents in a bit mask, so at most 63
    agents). ``out`` receives the chain's jobs then the closing agent (``-1`` ends it);
    returns the change of the penalised cost (< 0).

    Aspiration: the cheapest chain met on the way that gives a feasible assignment cheaper
    than ``best_cost`` (from ``cur`` and total ``excess``) is kept in ``asp`` (found, length,
    last job, closing agent, its cost), whether or not it is the best on the penalised cost;
    ``asp[5]`` counts the (agent, job) pairs looked at (work)."""
    m, n = cost.shape
    best = -1e-9
    best_k, best_j, best_close = -1, -1, -1
    asp[0] = 0
    asp[4] = best_cost
    for j in range(n):
        p = assign[j]
        ex = _excess(used[p], budget[p])
        dx = _excess(used[p] - load[p, j], budget[p]) - ex
        lab[0, j] = alpha[p] * dx - cost[p, j]
        labc[0, j] = -cost[p, j]
        labx[0, j] = dx
        mask[0, j] = np.uint64(1) << np.uint64(p)
        pred[0, j] = -1
    for k in range(depth):
        # close every label of length k: the ejected job j into an agent
        for j in range(n):
            v = lab[k, j]
            if v >= 1e300:
                continue
            # first agent of the chain
            f = j
            for kk in range(k, 0, -1):
                f = pred[kk, f]
            s = assign[f]
            asp[5] += m
            for r in range(m):
                if not allowed[r, j]:
                    continue
                if r == s:
                    if k == 0:
                        continue
                    # cycle: j replaces j1 at its agent instead of the plain removal
                    dx = (_excess(used[s] - load[s, f] + load[s, j], budget[s])
                          - _excess(used[s] - load[s, f], budget[s]))
                    dc = cost[s, j]
                elif (mask[k, j] >> np.uint64(r)) & np.uint64(1):
                    continue
                else:
                    dx = _excess(used[r] + load[r, j], budget[r]) - _excess(used[r], budget[r])
                    dc = cost[r, j]
                d = dc + alpha[r] * dx
                if v + d < best:
                    best, best_k, best_j, best_close = v + d, k, j, r
                if excess + labx[k, j] + dx == 0 and cur + labc[k, j] + dc < asp[4]:
                    asp[0], asp[1], asp[2], asp[3] = 1, k, j, r
                    asp[4] = cur + labc[k, j] + dc
        if k + 1 >= depth:
            break
        for j in range(n):
            lab[k + 1, j] = 1e300
        if k == 0:  # the jobs of each agent
            count[:] = 0
            for j in range(n):
                members[assign[j], count[assign[j]]] = j
                count[assign[j]] += 1
        for j in range(n):
            v = lab[k, j]
            if v >= 1e300:
                continue
            mk = mask[k, j]
            asp[5] += m
            for q in range(m):
                if (mk >> np.uint64(q)) & np.uint64(1) or not near[q, j]:
                    continue
                asp[5] += count[q]
                for t in range(count[q]):
                    j2 = members[q, t]
                    dx = (_excess(used[q] - load[q, j2] + load[q, j], budget[q])
                          - _excess(used[q], budget[q]))
                    dc = cost[q, j] - cost[q, j2]
                    d = dc + alpha[q] * dx
                    if v + d < lab[k + 1, j2]:
                        lab[k + 1, j2] = v + d
                        labc[k + 1, j2] = labc[k, j] + dc
                        labx[k + 1, j2] = labx[k, j] + dx
                        mask[k + 1, j2] = mk | (np.uint64(1) << np.uint64(q))
                        pred[k + 1, j2] = j
    if best_k < 0:
        return 0.0
    _trace(pred, best_k, best_j, best_close, out)
    return best


@njit(cache=True, nogil=True)
def _trace(pred: np.ndarray, k: int, j: int, close: int,
           out: np.ndarray) -> None:  # pragma: no cover - compiled
    """Write the chain of length ``k`` ending with job ``j`` into ``out``."""
    n = out.shape[0] - 1
    for kk in range(k, -1, -1):
        out[kk] = j
        j = pred[kk, j]
    out[k + 1] = -1
    out[n] = close


@njit(cache=True, nogil=True)
def _apply_chain(cost: np.ndarray, load: np.ndarray, assign: np.ndarray, used: np.ndarray,
                 out: np.ndarray) -> int:  # pragma: no cover - compiled
    """Apply the chain in ``out``; returns the change of the (plain) cost."""
    n = assign.shape[0]
    k = 0
    while k < n and out[k] >= 0:
        k += 1
    # destinations: job t goes to the old agent of job t + 1, the last to the closing agent
    dc = 0
    dest = np.empty(k, dtype=np.int64)
    for t in range(k - 1):
        dest[t] = assign[out[t + 1]]
    dest[k - 1] = out[n]
    for t in range(k):
        j = out[t]
        p = assign[j]
        i = dest[t]
        used[p] -= load[p, j]
        used[i] += load[i, j]
        dc += cost[i, j] - cost[p, j]
        assign[j] = i
    return dc


@njit(cache=True, nogil=True)
def _remember(pool: np.ndarray, pool_cost: np.ndarray, assign: np.ndarray,
              cur: int) -> None:  # pragma: no cover - compiled
    """Keep a feasible assignment among the elite ones when it is new and better than the
    worst of them."""
    worst = 0
    for r in range(pool_cost.shape[0]):
        if pool_cost[r] > pool_cost[worst]:
            worst = r
        if pool_cost[r] == cur:
            same = True
            for j in range(assign.shape[0]):
                if pool[r, j] != assign[j]:
                    same = False
                    break
            if same:
                return
    if cur < pool_cost[worst]:
        pool[worst, :] = assign
        pool_cost[worst] = cur


@njit(cache=True, nogil=True)
def _wls(cost: np.ndarray, load: np.ndarray, budget: np.ndarray, allowed: np.ndarray,
         assign: np.ndarray, used: np.ndarray, alpha: np.ndarray, best: np.ndarray,
         state: np.ndarray, rng: np.ndarray, par: np.ndarray,
         iters: int, work_stop: int, depth: int, lab: np.ndarray, mask: np.ndarray,
         pred: np.ndarray, out: np.ndarray, pool: np.ndarray,
         pool_cost: np.ndarray, labc: np.ndarray, labx: np.ndarray, asp: np.ndarray,
         out2: np.ndarray, spare: np.ndarray, keep_best: np.ndarray, near: np.ndarray,
         members: np.ndarray, count: np.ndarray) -> int:  # pragma: no cover - compiled
    """``iters`` rounds of the weighting local search: a descent on the penalised cost (shift,
    swap, then ejection-chain moves), then a weight update (see the module's text) — fewer
    when the work counter (``state[_WORK]``: pairs looked at) reaches ``work_stop`` (≥ 0)."""
    m, n = cost.shape
    best_cost = state[_BEST]
    cur = state[_CUR]
    up, down, amin, amax = par[_UP], par[_DOWN], par[_AMIN], par[_AMAX]
    stall, kick = int(par[_STALL]), int(par[_KICK])
    excess = 0
    for i in range(m):
        excess += _excess(used[i], budget[i])
    done = 0
    eps = 1e-9
    work = 0
    asp[5] = 0
    while done < iters:
        if work_stop >= 0 and state[_WORK] + work >= work_stop:
            break
        done += 1
        state[_IT] += 1
        improved = True
        while improved:
            improved = False
            off = _randint(rng, n)
            for jj in range(n):
                j = jj + off
                if j >= n:
                    j -= n
                work += m
                p = assign[j]
                ex_p = _excess(used[p], budget[p])
                new_ex_p = _excess(used[p] - load[p, j], budget[p])
                base = alpha[p] * (new_ex_p - ex_p) - cost[p, j]
                ioff = _randint(rng, m)
                for ii in range(m):
                    i = ii + ioff
                    if i >= m:
                        i -= m
                    if i == p or not allowed[i, j]:
                        continue
                    ex_i = _excess(used[i], budget[i])
                    new_ex_i = _excess(used[i] + load[i, j], budget[i])
                    d = base + cost[i, j] + alpha[i] * (new_ex_i - ex_i)
                    if (excess + new_ex_p + new_ex_i - ex_p - ex_i == 0
                            and cur + cost[i, j] - cost[p, j] < best_cost and d >= -eps):
                        # aspiration: a feasible neighbour cheaper than the best
                        best[:] = assign
                        best[j] = i
                        best_cost = cur + cost[i, j] - cost[p, j]
                        state[_LAST] = state[_IT]
                        state[_ASPIRED] += 1
                    if d < -eps:
                        excess += new_ex_p + new_ex_i - ex_p - ex_i
                        used[p] -= load[p, j]
                        used[i] += load[i, j]
                        cur += cost[i, j] - cost[p, j]
                        assign[j] = i
                        state[_MOVES] += 1
                        if excess == 0 and cur < best_cost:
                            best_cost = cur
                            best[:] = assign
                            state[_LAST] = state[_IT]
                        improved = True
                        break
            if improved:
                continue
            for jj in range(n):
                j1 = jj + off
                if j1 >= n:
                    j1 -= n
                p = assign[j1]
                work += n
                for j2 in range(n):
                    q = assign[j2]
                    if q == p or not allowed[q, j1] or not allowed[p, j2]:
                        continue
                    ex_p = _excess(used[p], budget[p])
                    ex_q = _excess(used[q], budget[q])
                    new_ex_p = _excess(used[p] - load[p, j1] + load[p, j2], budget[p])
                    new_ex_q = _excess(used[q] - load[q, j2] + load[q, j1], budget[q])
                    dc = cost[q, j1] + cost[p, j2] - cost[p, j1] - cost[q, j2]
                    d = dc + alpha[p] * (new_ex_p - ex_p) + alpha[q] * (new_ex_q - ex_q)
                    if (excess + new_ex_p + new_ex_q - ex_p - ex_q == 0
                            and cur + dc < best_cost and d >= -eps):
                        best[:] = assign
                        best[j1] = q
                        best[j2] = p
                        best_cost = cur + dc
                        state[_LAST] = state[_IT]
                        state[_ASPIRED] += 1
                    if d < -eps:
                        excess += new_ex_p + new_ex_q - ex_p - ex_q
                        used[p] += load[p, j2] - load[p, j1]
                        used[q] += load[q, j1] - load[q, j2]
                        cur += dc
                        assign[j1] = q
                        assign[j2] = p
                        state[_MOVES] += 1
                        if excess == 0 and cur < best_cost:
                            best_cost = cur
                            best[:] = assign
                            state[_LAST] = state[_IT]
                        improved = True
                        break
                if improved:
                    break
            if improved or depth <= 0:
                continue
            gain = _chain(cost, load, budget, allowed, assign, used, alpha, depth, lab, mask,
                          pred, out, labc, labx, asp, cur, excess, best_cost, near,
                          members, count)
            work += asp[5]
            asp[5] = 0
            if asp[0]:
                # a feasible chain cheaper than the best, met on the way: keep it
                _trace(pred, asp[1], asp[2], asp[3], out2)
                best[:] = assign
                spare[:] = used
                got = cur + _apply_chain(cost, load, best, spare, out2)
                if got == asp[4]:
                    best_cost = got
                    state[_LAST] = state[_IT]
                    state[_ASPIRED] += 1
                else:
                    best[:] = keep_best
            keep_best[:] = best
            if gain < 0:
                cur += _apply_chain(cost, load, assign, used, out)
                excess = 0
                for i in range(m):
                    excess += _excess(used[i], budget[i])
                state[_MOVES] += 1
                state[_CHAINS] += 1
                if excess == 0 and cur < best_cost:
                    best_cost = cur
                    best[:] = assign
                    state[_LAST] = state[_IT]
                improved = True
        if excess == 0:
            state[_FEAS] += 1
        # weights: the local optimum's penalised cost against the best feasible cost
        pen = float(cur)
        top = 0
        for i in range(m):
            e = _excess(used[i], budget[i])
            pen += alpha[i] * e
            top = max(top, e)
        if top == 0 or pen >= best_cost - eps:
            for i in range(m):
                alpha[i] = max(amin, alpha[i] * down)
        else:
            for i in range(m):
                e = _excess(used[i], budget[i])
                if e > 0:
                    alpha[i] = min(amax, alpha[i] * (1.0 + (up - 1.0) * e / top))
        if excess == 0:
            _remember(pool, pool_cost, assign, cur)
        if state[_IT] - state[_LAST] > stall and best_cost < _NO:
            # restart between the best and another elite assignment (path relinking), or
            # from the best with a few random shifts
            other = -1
            filled = 0
            for r in range(pool_cost.shape[0]):
                if pool_cost[r] < _NO and pool_cost[r] > best_cost:
                    filled += 1
            if filled > 0:
                pick = _randint(rng, filled)
                for r in range(pool_cost.shape[0]):
                    if pool_cost[r] < _NO and pool_cost[r] > best_cost:
                        if pick == 0:
                            other = r
                            break
                        pick -= 1
            assign[:] = best
            if other >= 0:
                for j in range(n):
                    if pool[other, j] != best[j] and _rand(rng) < 0.5:
                        assign[j] = pool[other, j]
            else:
                for _ in range(kick):
                    j = _randint(rng, n)
                    i = _randint(rng, m)
                    if allowed[i, j]:
                        assign[j] = i
            cur = _recount(cost, load, assign, used)
            excess = 0
            for i in range(m):
                excess += _excess(used[i], budget[i])
            state[_LAST] = state[_IT]
            state[_RESTARTS] += 1
    state[_BEST] = best_cost
    state[_CUR] = cur
    state[_WORK] += work
    return done


class GapSearch:
    """A resumable weighting local search with ejection chains on one GAP (minimised costs).

    Parameters
    ----------
    cost
        (m, n) costs; entries outside ``allowed`` are ignored (may be ``inf``); the others
        must be whole numbers.
    load, budget
        (m, n) integer loads and (m,) integer capacities.
    start
        A starting assignment (job -> agent, an allowed pair for every job); it may exceed
        capacities. When it is feasible, the search never returns anything worse.
    allowed
        (m, n) bool: pairs the search may use (default: every pair with a finite cost).
    seed
        Seed of the search's own random numbers (its moves depend on nothing else).
    rates
        Factors that raise (at most, for the agent with the largest excess) and lower the
        penalty weights.
    depth
        The longest ejection chain, in jobs (0: none; chains need at most 63 agents).
    stall
        Rounds without a new best before the search restarts between the best and another
        elite assignment (default ``3 n``).
    elite
        How many good feasible assignments it keeps for those restarts.
    """

    def __init__(self, cost: np.ndarray, load: np.ndarray, budget: np.ndarray,
                 start: np.ndarray, *, allowed: np.ndarray | None = None, seed: int = 0,
                 rates: tuple[float, float] = (1.2, 0.9), depth: int = 6,
                 stall: int | None = None, elite: int = 10) -> None:
        m, n = cost.shape
        finite = np.isfinite(cost)
        ok = finite if allowed is None else (allowed & finite)
        start = np.asarray(start, dtype=np.int64)
        if start.shape != (n,) or (start < 0).any() or (start >= m).any():
            raise ValueError("the start must give every job an agent")
        if not ok[start, np.arange(n)].all():
            raise ValueError("the start uses a pair that is not allowed")
        self.finite_cost = np.asarray(cost, dtype=np.float64)
        self.cost = np.where(ok, cost, 0).astype(np.int64)
        if not np.array_equal(self.cost[ok], np.asarray(cost)[ok]):
            raise ValueError("costs must be whole numbers")
        self.load = np.ascontiguousarray(load, dtype=np.int64)
        self.budget = np.ascontiguousarray(budget, dtype=np.int64)
        self.allowed = np.ascontiguousarray(ok)
        self.near = self.allowed.copy()
        self.assign = start.copy()
        self.used = np.zeros(m, dtype=np.int64)
        cur = int(_recount(self.cost, self.load, self.assign, self.used))
        self.best = start.copy()
        feasible = bool((self.used <= self.budget).all())
        self.state = np.array([0, cur if feasible else _NO, 0, cur, 0, 0, 0, 0, 0, 0],
                              dtype=np.int64)
        mixed = (int(seed) * 0x9E3779B97F4A7C15 + 0x2545F4914F6CDD1D) % 2**64
        self.rng = np.array([mixed or 1], dtype=np.uint64)  # xorshift: never zero
        # first weights: the cost range per unit of load (the search adapts them)
        span = float(self.cost[ok].max() - self.cost[ok].min()) if ok.any() else 1.0
        per_unit = max(1.0, span) / max(1.0, float(self.load[ok].mean()) if ok.any() else 1.0)
        self.alpha = np.full(m, per_unit)
        self.par = np.array([rates[0], rates[1], per_unit * 1e-3,
                             stall if stall is not None else 3 * n, max(2, n // 20),
                             per_unit * 1e4], dtype=np.float64)
        # work arrays of the ejection chains and the elite pool
        self.depth = min(depth, m) if m <= 63 else 0
        rows = max(1, self.depth)
        self.lab = np.full((rows, n), 1e300)
        self.labc = np.zeros((rows, n), dtype=np.int64)
        self.labx = np.zeros((rows, n), dtype=np.int64)
        self.mask = np.zeros((rows, n), dtype=np.uint64)
        self.pred = np.zeros((rows, n), dtype=np.int64)
        self.out = np.zeros(n + 1, dtype=np.int64)
        self.out2 = np.zeros(n + 1, dtype=np.int64)
        self.asp = np.zeros(6, dtype=np.int64)
        self.members = np.zeros((m, n), dtype=np.int64)
        self.count = np.zeros(m, dtype=np.int64)
        self.pool = np.zeros((elite, n), dtype=np.int64)
        self.pool_cost = np.full(elite, _NO, dtype=np.int64)
        self.iterations = 0

    def run(self, rounds: int, work: int | None = None) -> int:
        """Run this many more rounds (descent + weight update; releases the GIL), or fewer when
        ``work`` more units of :attr:`work` have been spent (the round that crosses it
        finishes); returns the best cost so far (``2**62`` while no feasible assignment has
        been seen)."""
        stop = -1 if work is None else int(self.state[_WORK]) + int(work)
        self.iterations += int(_wls(self.cost, self.load, self.budget, self.allowed,
                                    self.assign, self.used, self.alpha, self.best,
                                    self.state, self.rng, self.par, int(rounds), stop,
                                    self.depth, self.lab, self.mask,
                                    self.pred, self.out, self.pool, self.pool_cost,
                                    self.labc, self.labx, self.asp, self.out2,
                                    np.zeros_like(self.used), self.best.copy(),
                                    self.near, self.members, self.count))
        return int(self.state[_BEST])

    @property
    def stats(self) -> dict[str, int]:
        """Counters: rounds, moves, rounds ending feasible, restarts, ejection chains applied,
        feasible neighbours kept by aspiration."""
        st = self.state
        return {"rounds": int(st[_IT]), "moves": int(st[_MOVES]), "feasible": int(st[_FEAS]),
                "restarts": int(st[_RESTARTS]), "chains": int(st[_CHAINS]),
                "aspired": int(st[_ASPIRED])}

    @property
    def work(self) -> int:
        """Work done so far, in (agent, job) pairs looked at by the moves: a measure of time
        that depends only on the search's own steps (deterministic mode budgets it)."""
        return int(self.state[_WORK])

    @property
    def best_cost(self) -> int | None:
        """Cost of the best feasible assignment seen, or ``None``."""
        c = int(self.state[_BEST])
        return None if c >= _NO else c

    def offer(self, assign: np.ndarray, value: int, *, move: bool = True) -> bool:
        """Adopt a feasible assignment found elsewhere when it is cheaper than the best (as the
        best; with ``move``, the search also continues from it). Returns whether it was
        adopted."""
        if value >= int(self.state[_BEST]):
            return False
        a = np.asarray(assign, dtype=np.int64)
        jobs = np.arange(a.shape[0])
        if not self.allowed[a, jobs].all():  # pairs it uses become allowed
            if not np.isfinite(self.finite_cost[a, jobs]).all():
                raise ValueError("the offered assignment uses a forbidden pair")
            self.allowed[a, jobs] = True
            self.cost[a, jobs] = self.finite_cost[a, jobs]
        used = np.zeros_like(self.used)
        if int(_recount(self.cost, self.load, a, used)) != value or (used > self.budget).any():
            raise ValueError("the offered assignment is not feasible or its cost is wrong")
        self.best[:] = a
        self.state[_BEST] = value
        self.state[_LAST] = self.state[_IT]
        if move:
            self.assign[:] = a
            self.used[:] = used
            self.state[_CUR] = value
        return True

    def restrict(self, keep: np.ndarray) -> None:
        """Use only the pairs of ``keep`` from now on (e.g. those the Lagrangian reduced-cost
        fixing leaves), and those the current and the best assignments use."""
        jobs = np.arange(self.assign.shape[0])
        mask = self.allowed & keep
        mask[self.assign, jobs] = True
        mask[self.best, jobs] = True
        self.allowed[:] = mask
        self.near &= mask

    def focus(self, near: np.ndarray) -> None:
        """Ejection chains move a job only into the agents ``near`` marks for it (a heuristic
        restriction that makes them faster; shifts and swaps still use every allowed pair)."""
        self.near[:] = near & self.allowed

    def check(self) -> None:
        """Raise when the running bookkeeping (loads, current cost) differs from a
        recomputation, or the best assignment is infeasible or priced wrong."""
        used = np.zeros_like(self.used)
        cur = int(_recount(self.cost, self.load, self.assign, used))
        if not np.array_equal(used, self.used) or cur != int(self.state[_CUR]):
            raise AssertionError("local search bookkeeping differs from a recomputation")
        if self.best_cost is not None:
            best = int(_recount(self.cost, self.load, self.best, used))
            if best != self.best_cost or (used > self.budget).any():
                raise AssertionError("the best assignment is infeasible or priced wrong")


def warm_up() -> None:
    """Compile (or load from numba's cache) the search on a tiny problem: call it early, in a
    thread, so that the first real search does not wait for the compiler."""
    cost = np.array([[1.0, 2.0, 3.0], [2.0, 1.0, 1.0]])
    load = np.ones((2, 3), dtype=np.int64)
    search = GapSearch(cost, load, np.array([2, 2]), np.array([0, 0, 1]))
    search.run(2)
    search.offer(np.array([0, 1, 1]), 4)
    search.check()
