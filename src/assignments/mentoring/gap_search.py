"""Compiled tabu search with strategic oscillation for the generalised assignment problem (GAP).

After Yagiura, Ibaraki & Glover (2004, 2006): the search moves through infeasible
assignments too, pricing capacity excess with one penalty weight per agent that adapts during
the search (raised while the agent is over its capacity, lowered while it is not), so it
oscillates around the boundary of the feasible region where the good assignments lie. Each
iteration takes the best admissible move of two neighbourhoods on the penalised cost

    f(σ) = Σ_j c[σ(j), j] + Σ_i α_i · max(0, Σ_{j: σ(j)=i} a[i, j] − b_i)

* **shift**: one job to another agent;
* **swap**: two jobs of different agents exchange their agents;

with a tabu list on (job, agent) pairs — a job may not go back to an agent it left for a
random tenure — and aspiration when a move gives a feasible assignment cheaper than the best
known. After a long run without a new best the search restarts from the best assignment with
a few random shifts. Pairs outside ``allowed`` (e.g. removed by the Lagrangian reduced-cost
fixing, or beyond the few agents where forcing a job costs the bound least) are never used.

The loop is compiled with numba (``nogil``: a thread runs it while CP-SAT works in another)
and runs in chunks of a given number of iterations, the state kept in :class:`TabuSearch`, so
the caller decides when to stop: by the clock, or — in deterministic mode — by counting
iterations (the random numbers come from the search's own xorshift generator, seeded, so the
same seed gives the same moves). Bookkeeping is in integers (costs, loads); the best feasible
assignment is returned with its cost recomputed from it.

numba is imported with this module; import it lazily (only on the GAP solve path).
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["TabuSearch", "warm_up"]

# state slots (int64 array)
_IT, _BEST, _LAST, _CUR, _MOVES, _FEAS, _RESTARTS, _CHAINS = 0, 1, 2, 3, 4, 5, 6, 7
# parameter slots (float64 array)
_TMIN, _TSPAN, _UP, _DOWN, _AMIN, _STALL, _KICK, _AMAX, _JOBTABU = 0, 1, 2, 3, 4, 5, 6, 7, 8
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
def _run(cost: np.ndarray, load: np.ndarray, budget: np.ndarray, allowed: np.ndarray,
         assign: np.ndarray, used: np.ndarray, alpha: np.ndarray, tabu: np.ndarray,
         best: np.ndarray, state: np.ndarray, rng: np.ndarray, par: np.ndarray,
         iters: int, swaps: bool) -> int:  # pragma: no cover - compiled
    """``iters`` tabu-search iterations from the state; returns the number done."""
    m, n = cost.shape
    it = state[_IT]
    best_cost = state[_BEST]
    last = state[_LAST]
    cur = state[_CUR]
    tmin, tspan = int(par[_TMIN]), int(par[_TSPAN])
    up, down, amin, amax = par[_UP], par[_DOWN], par[_AMIN], par[_AMAX]
    stall, kick = int(par[_STALL]), int(par[_KICK])
    jobtabu = par[_JOBTABU] > 0
    excess = 0
    for i in range(m):
        excess += _excess(used[i], budget[i])
    done = 0
    while done < iters:
        done += 1
        it += 1
        bdelta = np.inf
        bkind, bj, bi, bj2 = -1, -1, -1, -1
        off = _randint(rng, n)
        # shift moves
        for jj in range(n):
            j = jj + off
            if j >= n:
                j -= n
            p = assign[j]
            up_p = used[p]
            ex_p = _excess(up_p, budget[p])
            new_ex_p = _excess(up_p - load[p, j], budget[p])
            base = alpha[p] * (new_ex_p - ex_p) - cost[p, j]
            for i in range(m):
                if i == p or not allowed[i, j]:
                    continue
                ex_i = _excess(used[i], budget[i])
                new_ex_i = _excess(used[i] + load[i, j], budget[i])
                d = base + cost[i, j] + alpha[i] * (new_ex_i - ex_i)
                if d < bdelta:
                    if (tabu[m, j] > it) if jobtabu else (tabu[i, j] > it):
                        # aspiration: a feasible assignment better than the best
                        nex = excess - ex_p - ex_i + new_ex_p + new_ex_i
                        if not (nex == 0 and cur + cost[i, j] - cost[p, j] < best_cost):
                            continue
                    bdelta, bkind, bj, bi = d, 0, j, i
        # swap moves
        if swaps:
            for jj in range(n):
                j1 = jj + off
                if j1 >= n:
                    j1 -= n
                p = assign[j1]
                ex_p = _excess(used[p], budget[p])
                for j2 in range(j1 + 1, n):
                    q = assign[j2]
                    if q == p or not allowed[q, j1] or not allowed[p, j2]:
                        continue
                    dc = cost[q, j1] + cost[p, j2] - cost[p, j1] - cost[q, j2]
                    nu_p = used[p] - load[p, j1] + load[p, j2]
                    nu_q = used[q] - load[q, j2] + load[q, j1]
                    ex_q = _excess(used[q], budget[q])
                    new_ex_p = _excess(nu_p, budget[p])
                    new_ex_q = _excess(nu_q, budget[q])
                    d = dc + alpha[p] * (new_ex_p - ex_p) + alpha[q] * (new_ex_q - ex_q)
                    if d < bdelta:
                        if (tabu[m, j1] > it or tabu[m, j2] > it) if jobtabu else (
                                tabu[q, j1] > it or tabu[p, j2] > it):
                            nex = excess - ex_p - ex_q + new_ex_p + new_ex_q
                            if not (nex == 0 and cur + dc < best_cost):
                                continue
                        bdelta, bkind, bj, bi, bj2 = d, 1, j1, q, j2
        if bkind < 0:
            # every move tabu: let the oldest entries expire
            it += tmin
            continue
        if bkind == 0:
            p = assign[bj]
            excess -= _excess(used[p], budget[p]) + _excess(used[bi], budget[bi])
            used[p] -= load[p, bj]
            used[bi] += load[bi, bj]
            excess += _excess(used[p], budget[p]) + _excess(used[bi], budget[bi])
            cur += cost[bi, bj] - cost[p, bj]
            assign[bj] = bi
            tabu[m if jobtabu else p, bj] = it + tmin + _randint(rng, tspan + 1)
        else:
            p, q = assign[bj], assign[bj2]
            excess -= _excess(used[p], budget[p]) + _excess(used[q], budget[q])
            used[p] += load[p, bj2] - load[p, bj]
            used[q] += load[q, bj] - load[q, bj2]
            excess += _excess(used[p], budget[p]) + _excess(used[q], budget[q])
            cur += cost[q, bj] + cost[p, bj2] - cost[p, bj] - cost[q, bj2]
            assign[bj] = q
            assign[bj2] = p
            tabu[m if jobtabu else p, bj] = it + tmin + _randint(rng, tspan + 1)
            tabu[m if jobtabu else q, bj2] = it + tmin + _randint(rng, tspan + 1)
        state[_MOVES] += 1
        if excess == 0:
            state[_FEAS] += 1
        if excess == 0 and cur < best_cost:
            best_cost = cur
            best[:] = assign
            last = it
        # strategic oscillation: raise the weight of an agent over capacity, lower the others
        if excess == 0:
            for i in range(m):
                alpha[i] = max(amin, alpha[i] * down)
        else:
            top = 0
            for i in range(m):
                top = max(top, used[i] - budget[i])
            for i in range(m):
                if used[i] > budget[i]:
                    alpha[i] = min(amax, alpha[i] * (1.0 + (up - 1.0) * (used[i] - budget[i])
                                                      / top))
        if it - last > stall and best_cost < _NO:
            # restart from the best with a few random shifts
            assign[:] = best
            for _ in range(kick):
                j = _randint(rng, n)
                i = _randint(rng, m)
                if allowed[i, j]:
                    assign[j] = i
            cur = _recount(cost, load, assign, used)
            excess = 0
            for i in range(m):
                excess += _excess(used[i], budget[i])
            last = it
            state[_RESTARTS] += 1
    state[_IT] = it
    state[_BEST] = best_cost
    state[_LAST] = last
    state[_CUR] = cur
    return done


@njit(cache=True, nogil=True)
def _chain(cost: np.ndarray, load: np.ndarray, budget: np.ndarray, allowed: np.ndarray,
           assign: np.ndarray, used: np.ndarray, alpha: np.ndarray, depth: int,
           lab: np.ndarray, mask: np.ndarray, pred: np.ndarray,
           out: np.ndarray) -> float:  # pragma: no cover - compiled
    """The best ejection chain on the penalised cost, or 0.0 when none improves.

    A chain moves job ``j1`` off its agent, ``j1`` into the agent of ``j2`` (which leaves
    it), ``j2`` into the agent of ``j3``, …, and the last job either into the first agent
    (a cycle) or into any agent not yet touched (a path); every agent is touched at most
    once, so each agent's change depends only on the job that comes in and the job that
    goes out, and the chain's value is exact. Found by a label-correcting search over chain
    lengths (one label per length and last job; agents in a bit mask, so at most 63
    agents). ``out`` receives the chain's jobs then the closing agent (``-1`` ends it);
    returns the change of the penalised cost (< 0)."""
    m, n = cost.shape
    best = -1e-9
    best_k, best_j, best_close = -1, -1, -1
    for j in range(n):
        p = assign[j]
        ex = _excess(used[p], budget[p])
        lab[0, j] = alpha[p] * (_excess(used[p] - load[p, j], budget[p]) - ex) - cost[p, j]
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
            for r in range(m):
                if not allowed[r, j]:
                    continue
                if r == s:
                    if k == 0:
                        continue
                    # cycle: j replaces j1 at its agent instead of the plain removal
                    ex = _excess(used[s], budget[s])
                    d = (cost[s, j] + alpha[s] * (_excess(used[s] - load[s, f] + load[s, j],
                                                          budget[s]) - ex)
                         - alpha[s] * (_excess(used[s] - load[s, f], budget[s]) - ex))
                elif (mask[k, j] >> np.uint64(r)) & np.uint64(1):
                    continue
                else:
                    d = cost[r, j] + alpha[r] * (_excess(used[r] + load[r, j], budget[r])
                                                 - _excess(used[r], budget[r]))
                if v + d < best:
                    best, best_k, best_j, best_close = v + d, k, j, r
        if k + 1 >= depth:
            break
        for j in range(n):
            lab[k + 1, j] = 1e300
        for j in range(n):
            v = lab[k, j]
            if v >= 1e300:
                continue
            mk = mask[k, j]
            for j2 in range(n):
                q = assign[j2]
                if (mk >> np.uint64(q)) & np.uint64(1) or not allowed[q, j]:
                    continue
                ex = _excess(used[q], budget[q])
                d = (cost[q, j] - cost[q, j2] + alpha[q] * (
                    _excess(used[q] - load[q, j2] + load[q, j], budget[q]) - ex))
                if v + d < lab[k + 1, j2]:
                    lab[k + 1, j2] = v + d
                    mask[k + 1, j2] = mk | (np.uint64(1) << np.uint64(q))
                    pred[k + 1, j2] = j
    if best_k < 0:
        return 0.0
    j = best_j
    for kk in range(best_k, -1, -1):
        out[kk] = j
        j = pred[kk, j]
    out[best_k + 1] = -1
    out[n] = best_close
    return best


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
def _wls(cost: np.ndarray, load: np.ndarray, budget: np.ndarray, allowed: np.ndarray,
         assign: np.ndarray, used: np.ndarray, alpha: np.ndarray, best: np.ndarray,
         state: np.ndarray, rng: np.ndarray, par: np.ndarray,
         iters: int, swaps: bool, depth: int, lab: np.ndarray, mask: np.ndarray,
         pred: np.ndarray, out: np.ndarray) -> int:  # pragma: no cover - compiled
    """``iters`` rounds of the weighting local search: a first-improvement descent on the
    penalised cost (shift, then swap moves), then a weight update."""
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
    while done < iters:
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
            if improved or not swaps:
                continue
            for jj in range(n):
                j1 = jj + off
                if j1 >= n:
                    j1 -= n
                p = assign[j1]
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
            if _chain(cost, load, budget, allowed, assign, used, alpha, depth, lab, mask,
                      pred, out) < 0:
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
        if pen >= best_cost - eps or top == 0:
            for i in range(m):
                alpha[i] = max(amin, alpha[i] * down)
        else:
            for i in range(m):
                e = _excess(used[i], budget[i])
                if e > 0:
                    alpha[i] = min(amax, alpha[i] * (1.0 + (up - 1.0) * e / top))
        if state[_IT] - state[_LAST] > stall and best_cost < _NO:
            assign[:] = best
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
    return done


class TabuSearch:
    """A resumable tabu search with strategic oscillation on one GAP (minimised costs).

    Parameters
    ----------
    cost
        (m, n) costs; entries outside ``allowed`` are ignored (may be ``inf``).
    load, budget
        (m, n) integer loads and (m,) integer capacities.
    allowed
        (m, n) bool: pairs the search may use (default: every pair with a finite cost).
    start
        A starting assignment (job -> agent, an allowed pair for every job); it may exceed
        capacities. When it is feasible, the search never returns anything worse.
    seed
        Seed of the search's own random numbers (moves depend on nothing else).
    swaps
        Use the swap neighbourhood as well as shifts.
    """

    def __init__(self, cost: np.ndarray, load: np.ndarray, budget: np.ndarray,
                 start: np.ndarray, *, allowed: np.ndarray | None = None, seed: int = 0,
                 swaps: bool = True, tenure: tuple[int, int] | None = None,
                 stall: int | None = None, kick: int | None = None,
                 rates: tuple[float, float] = (1.05, 0.98), job_tabu: bool = False,
                 method: str = "tabu", depth: int = 4) -> None:
        self.method = method
        m, n = cost.shape
        self.depth = min(depth, m, 63) if m <= 63 else 0
        self.lab = np.full((max(1, self.depth), n), 1e300)
        self.mask = np.zeros((max(1, self.depth), n), dtype=np.uint64)
        self.pred = np.zeros((max(1, self.depth), n), dtype=np.int64)
        self.out = np.zeros(n + 1, dtype=np.int64)
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
        self.assign = start.copy()
        self.used = np.zeros(m, dtype=np.int64)
        cur = int(_recount(self.cost, self.load, self.assign, self.used))
        self.best = start.copy()
        feasible = bool((self.used <= self.budget).all())
        self.state = np.array([0, cur if feasible else _NO, 0, cur, 0, 0, 0, 0], dtype=np.int64)
        self.tabu = np.zeros((m + 1, n), dtype=np.int64)
        mixed = (int(seed) * 0x9E3779B97F4A7C15 + 0x2545F4914F6CDD1D) % 2**64
        self.rng = np.array([mixed or 1], dtype=np.uint64)  # xorshift: never zero
        # first weights: a cost range per unit of load (the search adapts them)
        span = float(self.cost[ok].max() - self.cost[ok].min()) if ok.any() else 1.0
        per_unit = max(1.0, span) / max(1.0, float(self.load[ok].mean()) if ok.any() else 1.0)
        self.alpha = np.full(m, per_unit)
        tmin, tspan = tenure if tenure is not None else (max(3, n // 20), max(5, n // 10))
        self.par = np.array([tmin, tspan, rates[0], rates[1], per_unit * 1e-3,
                             stall if stall is not None else 20 * n,
                             kick if kick is not None else max(2, n // 20),
                             per_unit * 1e4, float(job_tabu)], dtype=np.float64)
        self.swaps = swaps
        self.iterations = 0

    def run(self, iterations: int) -> int:
        """Run this many more iterations (releases the GIL); returns the best cost so far
        (``2**62`` while no feasible assignment has been seen)."""
        if self.method == "wls":
            self.iterations += int(_wls(self.cost, self.load, self.budget, self.allowed,
                                        self.assign, self.used, self.alpha, self.best,
                                        self.state, self.rng, self.par, int(iterations),
                                        self.swaps, self.depth, self.lab, self.mask,
                                        self.pred, self.out))
            return int(self.state[_BEST])
        self.iterations += int(_run(self.cost, self.load, self.budget, self.allowed,
                                    self.assign, self.used, self.alpha, self.tabu, self.best,
                                    self.state, self.rng, self.par, int(iterations),
                                    self.swaps))
        return int(self.state[_BEST])

    @property
    def best_cost(self) -> int | None:
        """Cost of the best feasible assignment seen, or ``None``."""
        c = int(self.state[_BEST])
        return None if c >= _NO else c

    def offer(self, assign: np.ndarray, value: int) -> bool:
        """Adopt a feasible assignment found elsewhere when it is cheaper than the best: the
        search continues from it. Returns whether it was adopted."""
        if value >= int(self.state[_BEST]):
            return False
        a = np.asarray(assign, dtype=np.int64)
        jobs = np.arange(a.shape[0])
        if not self.allowed[a, jobs].all():  # pairs it uses become allowed
            if not np.isfinite(self.finite_cost[a, jobs]).all():
                raise ValueError("the offered assignment uses a forbidden pair")
            self.allowed[a, jobs] = True
            self.cost[a, jobs] = self.finite_cost[a, jobs]
        self.assign[:] = a
        cur = int(_recount(self.cost, self.load, self.assign, self.used))
        if cur != value or (self.used > self.budget).any():
            raise ValueError("the offered assignment is not feasible or its cost is wrong")
        self.best[:] = a
        self.state[_BEST] = cur
        self.state[_CUR] = cur
        self.state[_LAST] = self.state[_IT]
        return True

    def check(self) -> None:
        """Raise when the running bookkeeping (loads, current cost) differs from a
        recomputation, or the best assignment is infeasible or priced wrong."""
        used = np.zeros_like(self.used)
        cur = int(_recount(self.cost, self.load, self.assign, used))
        if not np.array_equal(used, self.used) or cur != int(self.state[_CUR]):
            raise AssertionError("tabu search bookkeeping differs from a recomputation")
        if self.best_cost is not None:
            best = int(_recount(self.cost, self.load, self.best, used))
            if best != self.best_cost or (used > self.budget).any():
                raise AssertionError("the best assignment is infeasible or priced wrong")


def warm_up() -> None:
    """Compile (or load from numba's cache) the search on a tiny problem: call it early, in a
    thread, so that the first real search does not wait for the compiler."""
    cost = np.array([[1.0, 2.0, 3.0], [2.0, 1.0, 1.0]])
    load = np.ones((2, 3), dtype=np.int64)
    search = TabuSearch(cost, load, np.array([2, 2]), np.array([0, 0, 1]), method="wls")
    search.run(2)
    search.offer(np.array([0, 1, 1]), 4)
    search.check()
