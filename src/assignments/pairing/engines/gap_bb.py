"""Lagrangian depth-first branch-and-bound for the generalised assignment problem (GAP), after
Posta, Ferland & Michelon (2012), "An exact method with variable fixing for solving the
generalized assignment problem" (Comput. Optim. Appl. 53), used here as a time-limited
heuristic that also proves lower bounds.

The GAP: each job ``j`` goes to exactly one agent ``i``; agent ``i``'s load ``Σ_j a_ij x_ij``
stays within ``b_i``; minimise ``Σ c_ij x_ij``. Relaxing "each job on one agent" with
multipliers ``u`` gives one 0/1 knapsack per agent (:mod:`gap_lagrange`)::

    L(u) = Σ_{j placed} c_{σ(j) j} + Σ_{j free} u_j − Σ_i max { Σ_{j free} (u_j − c_ij) x_ij :
                                                        Σ_j a_ij x_ij ≤ b_i − placed load_i }

At each node of a depth-first search (some jobs placed, some pairs forbidden) the decision
problem "is there an assignment of cost ≤ T?" is narrowed:

* a few subgradient steps (Polyak step towards ``T + 1``) re-optimise ``u`` for the node;
* forward and backward knapsack tables (per agent, over the residual capacity) give, for every
  pair, the exact bound with ``x_ij`` forced to 1, and for the pairs the knapsacks chose, with
  ``x_ij`` forced to 0 (:func:`_penalties`); a pair whose forced-in bound exceeds ``T`` is
  forbidden, a pair whose forced-out bound exceeds ``T`` is fixed (job placed), a job with one
  allowed agent left is placed, a job with none prunes the node, as does a bound above ``T``;
* binary branching on a pair (job placed on agent / pair forbidden), the placing child first;
  by default (rule 1) the free job whose placement the relaxation is most sure of (largest gap
  between its two smallest forced-in penalties, plus a little random noise), on the agent of
  the smallest penalty — so each dive is a Lagrangian-guided construction whose leaves are
  assignments of cost ≤ T; ``T`` is kept at (incumbent − 1), a branch-and-bound with
  variable fixing;
* restarts from the root after ``restart_nodes`` nodes without a new incumbent (the noise
  makes each dive different; a lower ``T`` fixes more at the top);
* a greedy repair of the knapsacks' choice (:func:`_repair`) gives the root's incumbent
  (optionally also at nodes; on OR-Library type D it cost nodes and found nothing the leaves
  did not).

On OR-Library d20100 (8 s, one core) it finds 6185–6192 (best known 6185); the root bound is
6177, and proving optimality this way would need far more nodes (the decision tree grows
about 2–3× per unit of ``T`` above the bound).

When the search space is exhausted, no assignment of cost ≤ ``T`` exists: ``T + 1`` is a proven
lower bound (and the incumbent, if any, is optimal); to prove bounds, pass ``target`` with
``restart_nodes=0, noise=0, rule=2`` (most constrained job first: fewest nodes to exhaust).
All node work is compiled (numba, ``cache=True, nogil=True``: it can run in a thread); the
search runs in chunks of nodes so the caller watches the clock. numba is imported with this
module.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field

import numpy as np
from numba import njit

__all__ = ["BBStats", "branch_and_bound", "lagrangian_bound", "ready", "warm_up"]

_EPS = 1e-6
_INF = 1e30

# node outcomes
_PRUNED = 0
_LEAF = 1
_BRANCH = 2


@dataclass
class BBStats:
    """What the search did.

    Attributes
    ----------
    nodes
        Nodes processed (bound + fixing + repair).
    root_bound
        The root's Lagrangian bound (``ceil``).
    incumbents
        ``(seconds since start, cost)`` for each improving assignment found.
    exhausted
        ``True`` when the search space was exhausted (the returned lower bound is then
        ``min(best cost, T + 1)``), ``False`` when it stopped at the deadline or node limit.
    max_depth
        Deepest stack size reached.
    restarts
        Restarts from the root.
    seconds
        Wall time spent.
    """

    nodes: int = 0
    root_bound: int = 0
    incumbents: list[tuple[float, int]] = field(default_factory=list)
    exhausted: bool = False
    max_depth: int = 0
    seconds: float = 0.0
    restarts: int = 0


# --------------------------------------------------------------------------------------------
# compiled kernels
# --------------------------------------------------------------------------------------------


@njit(cache=True, nogil=True)
def _residual(b: np.ndarray, used: np.ndarray, i: int) -> int:
    return int(b[i] - used[i])


@njit(cache=True, nogil=True)
def _lagrange(c, a, b, allowed, asg, used, u, x, pre):  # type: ignore[no-untyped-def]
    """L(u) for the node and the knapsacks' choice ``x`` (m, n) bool (forward DP only).

    ``pre`` is a scratch table (n + 1, max b + 1). Returns ``-inf`` never; a node whose placed
    loads exceed a capacity must not reach here.
    """
    m, n = c.shape
    total = 0.0
    for j in range(n):
        if asg[j] >= 0:
            total += c[asg[j], j]
        else:
            total += u[j]
    items = np.empty(n, np.int64)
    for i in range(m):
        r = b[i] - used[i]
        k = 0
        for j in range(n):
            x[i, j] = False
            if asg[j] < 0 and allowed[i, j] and a[i, j] <= r and u[j] - c[i, j] > 0:
                items[k] = j
                k += 1
        for cc in range(r + 1):
            pre[0, cc] = 0.0
        for t in range(k):
            j = items[t]
            w = a[i, j]
            v = u[j] - c[i, j]
            for cc in range(r + 1):
                best = pre[t, cc]
                if cc >= w:
                    alt = pre[t, cc - w] + v
                    if alt > best:
                        best = alt
                pre[t + 1, cc] = best
        total -= pre[k, r]
        cc = r
        for t in range(k - 1, -1, -1):
            if pre[t + 1, cc] > pre[t, cc]:
                j = items[t]
                x[i, j] = True
                cc -= a[i, j]
    return total


@njit(cache=True, nogil=True)
def _penalties(c, a, b, allowed, asg, used, u, x, pin, pout, pre, suf):  # type: ignore[no-untyped-def]
    """L(u) for the node, the knapsacks' choice ``x``, and per free pair the exact increase of
    the bound when ``x_ij`` is forced to 1 (``pin``; ``_INF`` when the pair cannot be used)
    and, for chosen pairs, when it is forced to 0 (``pout``; 0 elsewhere)."""
    m, n = c.shape
    total = 0.0
    for j in range(n):
        if asg[j] >= 0:
            total += c[asg[j], j]
        else:
            total += u[j]
    items = np.empty(n, np.int64)
    for i in range(m):
        r = b[i] - used[i]
        k = 0
        for j in range(n):
            x[i, j] = False
            pout[i, j] = 0.0
            pin[i, j] = _INF
            if asg[j] < 0 and allowed[i, j] and a[i, j] <= r and u[j] - c[i, j] > 0:
                items[k] = j
                k += 1
        for cc in range(r + 1):
            pre[0, cc] = 0.0
            suf[k, cc] = 0.0
        for t in range(k):
            j = items[t]
            w = a[i, j]
            v = u[j] - c[i, j]
            for cc in range(r + 1):
                best = pre[t, cc]
                if cc >= w:
                    alt = pre[t, cc - w] + v
                    if alt > best:
                        best = alt
                pre[t + 1, cc] = best
        for t in range(k - 1, -1, -1):
            j = items[t]
            w = a[i, j]
            v = u[j] - c[i, j]
            for cc in range(r + 1):
                best = suf[t + 1, cc]
                if cc >= w:
                    alt = suf[t + 1, cc - w] + v
                    if alt > best:
                        best = alt
                suf[t, cc] = best
        opt = pre[k, r]
        total -= opt
        cc = r
        for t in range(k - 1, -1, -1):
            if pre[t + 1, cc] > pre[t, cc]:
                x[i, items[t]] = True
                cc -= a[i, items[t]]
        # positive items: combine prefix and suffix tables
        for t in range(k):
            j = items[t]
            w = a[i, j]
            v = u[j] - c[i, j]
            if x[i, j]:
                best = -_INF
                for cc in range(r + 1):
                    s = pre[t, cc] + suf[t + 1, r - cc]
                    if s > best:
                        best = s
                pout[i, j] = max(opt - best, 0.0)
                pin[i, j] = 0.0
            else:
                rem = r - w
                best = -_INF
                for cc in range(rem + 1):
                    s = pre[t, cc] + suf[t + 1, rem - cc]
                    if s > best:
                        best = s
                pin[i, j] = max(opt - (best + v), 0.0)
        # non-positive items (never in the knapsack optimum): best of the others within r - w
        for j in range(n):
            if asg[j] < 0 and allowed[i, j] and a[i, j] <= r and u[j] - c[i, j] <= 0:
                pin[i, j] = max(opt - (pre[k, r - a[i, j]] + u[j] - c[i, j]), 0.0)
    return total


@njit(cache=True, nogil=True)
def _subgrad(c, a, b, allowed, asg, used, u, x, pre, target, steps, lam):  # type: ignore[no-untyped-def]
    """``steps`` subgradient steps from ``u`` (Polyak, towards ``target``), in place; ``u``
    ends at the best multipliers met. Returns the best L(u)."""
    m, n = c.shape
    best_val = -_INF
    best_u = u.copy()
    cur = u.copy()
    g = np.zeros(n)
    for _ in range(steps):
        val = _lagrange(c, a, b, allowed, asg, used, cur, x, pre)
        if val > best_val:
            best_val = val
            best_u[:] = cur
        norm = 0.0
        for j in range(n):
            if asg[j] >= 0:
                g[j] = 0.0
                continue
            s = 1.0
            for i in range(m):
                if x[i, j]:
                    s -= 1.0
            g[j] = s
            norm += s * s
        if norm == 0.0 or val >= target:
            break
        step = lam * (target - val) / norm
        for j in range(n):
            cur[j] += step * g[j]
    u[:] = best_u
    return best_val


@njit(cache=True, nogil=True)
def _place(a, b, allowed, asg, used, i, j):  # type: ignore[no-untyped-def]
    """Place free job ``j`` on agent ``i`` and forbid the pairs that no longer fit. Returns
    ``False`` when the capacity is exceeded."""
    m, n = a.shape
    asg[j] = i
    used[i] += a[i, j]
    for k in range(m):
        allowed[k, j] = False
    r = b[i] - used[i]
    if r < 0:
        return False
    for jj in range(n):
        if asg[jj] < 0 and allowed[i, jj] and a[i, jj] > r:
            allowed[i, jj] = False
    return True


@njit(cache=True, nogil=True)
def _repair(c, a, b, asg, used, x, u, out):  # type: ignore[no-untyped-def]
    """A feasible assignment (``out``) from the node's placed jobs and the knapsacks' choice,
    or cost ``_INF``: chosen jobs kept (cheapest chosen agent with room), the others placed by
    regret on ``c − u``, then shift and swap descent over all jobs. Returns the cost."""
    m, n = c.shape
    load = used.copy()
    for j in range(n):
        out[j] = asg[j]
    # jobs chosen by the knapsacks: the cheapest chosen agent with room
    for j in range(n):
        if out[j] >= 0:
            continue
        bi = -1
        for i in range(m):
            if x[i, j] and load[i] + a[i, j] <= b[i] and (bi < 0 or c[i, j] < c[bi, j]):
                bi = i
        if bi >= 0:
            out[j] = bi
            load[bi] += a[bi, j]
    # the rest by regret
    while True:
        best_j, best_i, best_reg = -1, -1, -_INF
        ejected = False
        for j in range(n):
            if out[j] >= 0:
                continue
            f1, f2, i1 = _INF, _INF, -1
            for i in range(m):
                if load[i] + a[i, j] <= b[i]:
                    s = c[i, j] - u[j] + a[i, j] / max(b[i] - load[i], 1)
                    if s < f1:
                        f2 = f1
                        f1 = s
                        i1 = i
                    elif s < f2:
                        f2 = s
            if i1 < 0:
                if not _eject(c, a, b, out, load, asg, j):
                    return _INF
                ejected = True  # loads changed: choose again
                break
            reg = f2 - f1
            if reg > best_reg:
                best_reg, best_j, best_i = reg, j, i1
        if ejected:
            continue
        if best_j < 0:
            break
        out[best_j] = best_i
        load[best_i] += a[best_i, best_j]
    _descent(c, a, b, out, load)
    tot = 0
    for j in range(n):
        tot += c[out[j], j]
    return float(tot)


@njit(cache=True, nogil=True)
def _eject(c, a, b, out, load, asg, j):  # type: ignore[no-untyped-def]
    """Place job ``j``, which fits nowhere, on some agent ``i`` after moving one of ``i``'s
    jobs ``k`` (not fixed by the node) to an agent ``h`` with room; the cheapest such move.
    Returns ``False`` when there is none."""
    m, n = c.shape
    best, bi, bk, bh = _INF, -1, -1, -1
    for i in range(m):
        for k in range(n):
            if out[k] != i or asg[k] >= 0:
                continue
            if load[i] - a[i, k] + a[i, j] > b[i]:
                continue
            for h in range(m):
                if h == i or load[h] + a[h, k] > b[h]:
                    continue
                d = c[i, j] + c[h, k] - c[i, k]
                if d < best:
                    best, bi, bk, bh = d, i, k, h
    if bi < 0:
        return False
    load[bi] += a[bi, j] - a[bi, bk]
    load[bh] += a[bh, bk]
    out[bk] = bh
    out[j] = bi
    return True


@njit(cache=True, nogil=True)
def _descent(c, a, b, out, load):  # type: ignore[no-untyped-def]
    """First-improvement shift and swap descent on a feasible assignment, in place."""
    m, n = c.shape
    improved = True
    while improved:
        improved = False
        for j in range(n):
            p = out[j]
            for i in range(m):
                if i != p and c[i, j] < c[p, j] and load[i] + a[i, j] <= b[i]:
                    load[p] -= a[p, j]
                    load[i] += a[i, j]
                    out[j] = i
                    p = i
                    improved = True
        if improved:
            continue
        for j1 in range(n):
            p = out[j1]
            for j2 in range(j1 + 1, n):
                q = out[j2]
                if q == p:
                    continue
                gain = c[p, j1] + c[q, j2] - c[q, j1] - c[p, j2]
                if gain <= 0:
                    continue
                if (load[p] - a[p, j1] + a[p, j2] <= b[p]
                        and load[q] - a[q, j2] + a[q, j1] <= b[q]):
                    load[p] += a[p, j2] - a[p, j1]
                    load[q] += a[q, j1] - a[q, j2]
                    out[j1] = q
                    out[j2] = p
                    p = q
                    improved = True


@njit(cache=True, nogil=True)
def _seed(seed):  # type: ignore[no-untyped-def]
    """Seed numba's random generator (used for tie-breaking noise)."""
    np.random.seed(seed)


@njit(cache=True, nogil=True)
def _node(c, a, b, allowed, asg, used, u, x, pin, pout, pre, suf, tmax, ip, fp,
          inc, inc_cost, do_repair, rep_buf, choice):  # type: ignore[no-untyped-def]
    """Process one node in place: subgradient, penalties, fixing to a fixpoint, repair.

    ``tmax`` is an array of one: the current target T (lowered when the repair finds a cheaper
    assignment, which is copied into ``inc``/``inc_cost``). ``ip`` = (subgradient steps,
    branching rule, subgradient in every fixing round?), ``fp`` = (Polyak factor, noise,
    Polyak target while there is no incumbent).
    Returns the outcome and, for ``_BRANCH``, the pair to branch on in ``choice``
    (agent, job).
    """
    m, n = c.shape
    steps = ip[0]
    rule = ip[1]
    lam = fp[0]
    noise = fp[1]
    for rnd in range(50):
        T = tmax[0]
        if steps > 0 and (rnd == 0 or ip[2] != 0):
            # Polyak target T + 1; without a target yet, 1 % above the root bound
            tgt = T + 1.0 if T < 1e14 else fp[2]
            _subgrad(c, a, b, allowed, asg, used, u, x, pre, tgt, steps, lam)
        L = _penalties(c, a, b, allowed, asg, used, u, x, pin, pout, pre, suf)
        if do_repair and rnd == 0:
            cost = _repair(c, a, b, asg, used, x, u, rep_buf)
            if cost < inc_cost[0]:
                inc_cost[0] = cost
                inc[:] = rep_buf
                if cost - 1.0 < tmax[0]:
                    tmax[0] = cost - 1.0
                    T = tmax[0]
        if L > T + _EPS:
            return _PRUNED
        changed = False
        nfree = 0
        for j in range(n):
            if asg[j] >= 0:
                continue
            nfree += 1
            cnt = 0
            last = -1
            fix1 = -1
            for i in range(m):
                if not allowed[i, j]:
                    continue
                if L + pin[i, j] > T + _EPS:
                    allowed[i, j] = False
                    changed = True
                else:
                    cnt += 1
                    last = i
                    if x[i, j] and L + pout[i, j] > T + _EPS:
                        fix1 = i
            if cnt == 0:
                return _PRUNED
            if fix1 >= 0 or cnt == 1:
                k = fix1 if fix1 >= 0 else last
                if not _place(a, b, allowed, asg, used, k, j):
                    return _PRUNED
                changed = True
                nfree -= 1
        if nfree == 0:
            tot = 0.0
            for j in range(n):
                tot += c[asg[j], j]
            if tot < inc_cost[0]:
                inc_cost[0] = tot
                inc[:] = asg
            if tot - 1.0 < tmax[0]:
                tmax[0] = tot - 1.0
            return _LEAF
        if not changed:
            break
    # branching pair. Per free job: p1 <= p2 the two smallest forced-in penalties (agent i1
    # of p1, cheapest cost among ties), nx the number of knapsacks that chose it, cnt its
    # allowed agents. rule 0: a job chosen by 0 or several knapsacks first, then the largest
    # p2 - p1; rule 1: the largest p2 - p1 (the relaxation's most confident placement);
    # rule 2: the fewest allowed agents, then the largest p2 - p1; rule 3: a job chosen by 0
    # or several knapsacks first, then the smallest p2 - p1. The job goes to i1.
    best_j, best_i = -1, -1
    best_key0, best_key1 = -_INF, -_INF
    for j in range(n):
        if asg[j] >= 0:
            continue
        nx = 0
        cnt = 0
        p1, p2, i1 = _INF, _INF, -1
        for i in range(m):
            if not allowed[i, j]:
                continue
            cnt += 1
            if x[i, j]:
                nx += 1
            p = pin[i, j]
            if p < p1 or (p == p1 and i1 >= 0 and c[i, j] < c[i1, j]):
                p2 = p1
                p1 = p
                i1 = i
            elif p < p2:
                p2 = p
        reg = p2 - p1
        if noise > 0:
            reg += noise * np.random.random()
        if rule == 0:
            key0 = 1.0 if nx != 1 else 0.0
            key1 = reg
        elif rule == 1:
            key0 = 0.0
            key1 = reg
        elif rule == 2:
            key0 = -float(cnt)
            key1 = reg
        else:
            key0 = 1.0 if nx != 1 else 0.0
            key1 = -reg
        if key0 > best_key0 or (key0 == best_key0 and key1 > best_key1):
            best_key0, best_key1, best_j, best_i = key0, key1, j, i1
    choice[0] = best_i
    choice[1] = best_j
    return _BRANCH


@njit(cache=True, nogil=True)
def _search(c, a, b, s_allowed, s_asg, s_used, s_u, sp_arr, x, pin, pout, pre, suf, tmax,
            ip, fp, inc, inc_cost, repair_every, node_limit, stop_first, counters,
            rep_buf):  # type: ignore[no-untyped-def]
    """Depth-first search over the explicit stack, at most ``node_limit`` nodes; resumable.

    ``sp_arr[0]`` is the stack size (0: search exhausted). ``counters``: nodes, max depth.
    With ``stop_first`` it returns right after an improving assignment is found.
    Returns 1 when it stopped on a found assignment, 2 when the stack is full (the caller
    grows it and calls again), 0 otherwise.
    """
    choice = np.zeros(2, np.int64)
    done = 0
    while sp_arr[0] > 0 and done < node_limit:
        if sp_arr[0] + 1 > s_allowed.shape[0]:
            return 2
        sp = sp_arr[0] - 1
        sp_arr[0] = sp
        allowed = s_allowed[sp]
        asg = s_asg[sp]
        used = s_used[sp]
        u = s_u[sp]
        counters[0] += 1
        done += 1
        before = inc_cost[0]
        do_rep = repair_every > 0 and counters[0] % repair_every == 1 % repair_every
        out = _node(c, a, b, allowed, asg, used, u, x, pin, pout, pre, suf, tmax, ip, fp,
                    inc, inc_cost, do_rep, rep_buf, choice)
        if out == _BRANCH:
            i, j = choice[0], choice[1]
            # right child (pair forbidden) stays at sp, left child (job placed) at sp + 1
            s_allowed[sp + 1] = allowed
            s_asg[sp + 1] = asg
            s_used[sp + 1] = used
            s_u[sp + 1] = u
            allowed[i, j] = False
            ok = _place(a, b, s_allowed[sp + 1], s_asg[sp + 1], s_used[sp + 1], i, j)
            sp_arr[0] = sp + 2 if ok else sp + 1
            if sp_arr[0] > counters[1]:
                counters[1] = sp_arr[0]
        if stop_first and inc_cost[0] < before:
            return 1
    return 0


@njit(cache=True, nogil=True)
def _root(c, a, b, u, pre, iters, lam, inc, inc_cost):  # type: ignore[no-untyped-def]
    """Root subgradient (Held–Karp) from ``u``, in place (``u`` ends at the best multipliers);
    the target is the incumbent's cost, or 1 % above the bound without one."""
    m, n = c.shape
    allowed = np.ones((m, n), np.bool_)
    for i in range(m):
        for j in range(n):
            allowed[i, j] = a[i, j] <= b[i]
    asg = -np.ones(n, np.int64)
    used = np.zeros(m, np.int64)
    x = np.zeros((m, n), np.bool_)
    g = np.zeros(n)
    best = -_INF
    best_u = u.copy()
    out = np.zeros(n, np.int64)
    stall = 0
    for it in range(iters):
        val = _lagrange(c, a, b, allowed, asg, used, u, x, pre)
        improved = val > best + 1e-9
        if improved:
            best = val
            best_u[:] = u
            stall = 0
        else:
            stall += 1
            if stall >= 20:
                lam /= 2.0
                stall = 0
        if improved or it % 5 == 0:
            cost = _repair(c, a, b, asg, used, x, u, out)
            if cost < inc_cost[0]:
                inc_cost[0] = cost
                inc[:] = out
        if lam < 1e-4 or math.ceil(best - _EPS) >= inc_cost[0]:
            break
        norm = 0.0
        for j in range(n):
            s = 1.0
            for i in range(m):
                if x[i, j]:
                    s -= 1.0
            g[j] = s
            norm += s * s
        if norm == 0.0:
            break
        tgt = inc_cost[0] if inc_cost[0] < _INF / 2 else best * 1.01 + 1.0
        step = lam * max(tgt - val, 1e-3) / norm
        for j in range(n):
            u[j] += step * g[j]
    u[:] = best_u
    return best


# --------------------------------------------------------------------------------------------
# Python driver
# --------------------------------------------------------------------------------------------


def lagrangian_bound(
    cost: np.ndarray, load: np.ndarray, budget: np.ndarray, *, steps: int = 600,
    start: np.ndarray | None = None, lam: float = 2.0, upper: float = math.inf,
) -> tuple[float, np.ndarray, np.ndarray | None, float]:
    """Root Lagrangian bound by compiled subgradient steps (Held–Karp, step factor halved
    after 20 steps without progress), with the repair heuristic every 5 steps.

    ``start`` defaults to the LP duals (:func:`gap_lagrange.lp_multipliers`) when SciPy finds
    them, else each job's second-cheapest cost. Returns ``(best L(u), its u, best assignment
    found or None, its cost)``.
    """
    from assignments.pairing.engines.gap_lagrange import lp_multipliers

    c = np.ascontiguousarray(cost, dtype=np.int64)
    a = np.ascontiguousarray(load, dtype=np.int64)
    b = np.ascontiguousarray(budget, dtype=np.int64)
    m, n = c.shape
    if start is None:
        start = lp_multipliers(c.astype(float), a, b)
        if start is None:
            srt = np.sort(c, axis=0)
            start = (srt[1] if m > 1 else srt[0]).astype(float)
    u = np.asarray(start, dtype=float).copy()
    inc = np.full(n, -1, np.int64)
    inc_cost = np.array([min(upper, _INF)])
    pre = np.zeros((n + 1, int(b.max()) + 1))
    best = _root(c, a, b, u, pre, steps, lam, inc, inc_cost)
    if inc_cost[0] < min(upper, _INF):
        return best, u, inc, float(inc_cost[0])
    return best, u, None, math.inf


def branch_and_bound(
    cost: np.ndarray,
    load: np.ndarray,
    budget: np.ndarray,
    *,
    deadline: float,
    upper: float | None = None,
    seed: int = 0,
    target: float | None = None,
    node_steps: int = 10,
    node_lam: float = 0.5,
    sub_every_round: bool = False,
    rule: int = 1,
    noise: float = 0.6,
    restart_nodes: int = 1000,
    restart_on_improve: bool = False,
    root_steps: int = 600,
    repair_every: int = 0,
    chunk: int = 64,
    max_nodes: int | None = None,
    start: np.ndarray | None = None,
    stack: int | None = None,
) -> tuple[np.ndarray | None, float, int, BBStats]:
    """Lagrangian depth-first branch-and-bound with variable fixing (a time-limited heuristic).

    Parameters
    ----------
    cost, load, budget
        (m, n) integer costs (minimised), (m, n) integer loads, (m,) integer capacities.
    deadline
        ``time.perf_counter()`` value at which to stop.
    upper
        Cost of a known feasible assignment: only cheaper ones are searched for.
    seed
        Seed of the tie-breaking noise (only used when ``noise`` > 0).
    target
        Search only for assignments of cost ≤ ``target`` (default: unbounded until the repair
        heuristic finds one, then incumbent − 1).
    node_steps, node_lam, sub_every_round
        Subgradient steps per node, their Polyak factor, and whether they are repeated in
        every fixing round of a node (else only in its first).
    rule, noise
        Branching rule (see :func:`_node`) and random noise added to its regret key.
    restart_nodes, restart_on_improve
        Restart the search from the root (with the current target, so with more fixing)
        after this many nodes without a new incumbent (0: never), and/or at each new
        incumbent. A proof of the bound needs the last search to run to exhaustion. A dive
        needs up to ``n`` nodes to reach a leaf: keep ``restart_nodes`` well above ``n``
        (1000 was tuned on n = 100 and 200; on n = 400, 100 and 250 never reached a leaf).
    root_steps
        Subgradient steps at the root.
    repair_every
        Run the repair heuristic every this many nodes (0: never).
    chunk, max_nodes
        Nodes per compiled call (between clock checks); overall node limit.
    start
        Root multipliers (default: LP duals, then subgradient).
    stack
        Initial capacity of the node stack (doubled when full; default ``2 n + 64``).

    Returns
    -------
    tuple
        ``(assignment or None, its cost (inf without one), proven lower bound, stats)``. The
        lower bound is the root bound, or, when the search was exhausted, ``T + 1`` for the
        final target ``T`` (capped by the best cost).
    """
    t0 = time.perf_counter()
    c = np.ascontiguousarray(cost, dtype=np.int64)
    a = np.ascontiguousarray(load, dtype=np.int64)
    b = np.ascontiguousarray(budget, dtype=np.int64)
    m, n = c.shape
    stats = BBStats()
    val, u, root_inc, root_cost = lagrangian_bound(
        c, a, b, steps=root_steps, start=start,
        upper=math.inf if upper is None else upper)
    root_lb = math.ceil(val - _EPS)
    stats.root_bound = root_lb
    cap = math.inf
    if upper is not None:
        cap = upper - 1
    if target is not None:
        cap = min(cap, target)
    tmax = np.array([min(cap, 1e15)], dtype=float)
    depth = max(2, stack if stack is not None else min(m * n + 2, 2 * n + 64))
    s_allowed = np.zeros((depth, m, n), np.bool_)
    s_asg = np.full((depth, n), -1, np.int64)
    s_used = np.zeros((depth, m), np.int64)
    s_u = np.zeros((depth, n))
    s_allowed[0] = a <= b[:, None]  # (depth >= 2: a pop and two pushes need one slot more)
    s_u[0] = u
    sp = np.array([1], np.int64)
    x = np.zeros((m, n), np.bool_)
    pin = np.zeros((m, n))
    pout = np.zeros((m, n))
    width = int(b.max()) + 1
    pre = np.zeros((n + 1, width))
    suf = np.zeros((n + 1, width))
    inc = np.full(n, -1, np.int64)
    beat = _INF if upper is None else min(float(upper), _INF)
    inc_cost = np.array([beat])  # only assignments cheaper than ``upper`` are kept
    rep_buf = np.zeros(n, np.int64)
    counters = np.zeros(2, np.int64)
    if root_inc is not None and root_cost < beat:
        inc_cost[0] = root_cost
        inc[:] = root_inc
        tmax[0] = min(tmax[0], root_cost - 1.0)
    ip = np.array([node_steps, rule, 1 if sub_every_round else 0], np.int64)
    fp = np.array([node_lam, noise, val + abs(val) * 0.01 + 1.0])
    _seed(seed)
    root_allowed = s_allowed[0].copy()
    last = _INF
    since = 0
    limit = max_nodes if max_nodes is not None else 2**62
    while sp[0] > 0 and counters[0] < limit and time.perf_counter() < deadline:
        k = int(min(chunk, limit - counters[0]))
        before = int(counters[0])
        status = _search(c, a, b, s_allowed, s_asg, s_used, s_u, sp, x, pin, pout, pre, suf,
                         tmax, ip, fp, inc, inc_cost, repair_every, k, restart_on_improve,
                         counters, rep_buf)
        if status == 2:
            s_allowed = np.concatenate([s_allowed, np.zeros_like(s_allowed)])
            s_asg = np.concatenate([s_asg, np.full_like(s_asg, -1)])
            s_used = np.concatenate([s_used, np.zeros_like(s_used)])
            s_u = np.concatenate([s_u, np.zeros_like(s_u)])
        since += int(counters[0]) - before
        improved = inc_cost[0] < last
        if improved:
            last = float(inc_cost[0])
            stats.incumbents.append((time.perf_counter() - t0, int(last)))
            since = 0
        if sp[0] > 0 and ((restart_on_improve and improved)
                          or (restart_nodes > 0 and since >= restart_nodes)):
            stats.restarts += 1
            since = 0
            s_allowed[0] = root_allowed
            s_asg[0] = -1
            s_used[0] = 0
            s_u[0] = u
            sp[0] = 1
    stats.nodes = int(counters[0])
    stats.max_depth = int(counters[1])
    stats.exhausted = bool(sp[0] == 0)
    stats.seconds = time.perf_counter() - t0
    best_cost = float(inc_cost[0]) if inc_cost[0] < beat else math.inf
    lower = root_lb
    if stats.exhausted:
        proven = math.floor(tmax[0] + _EPS) + 1
        lower = max(root_lb, min(proven, int(best_cost)) if math.isfinite(best_cost)
                    else proven)
    if math.isfinite(best_cost):
        return inc.copy(), best_cost, lower, stats
    return None, math.inf, lower, stats


_READY = threading.Event()
_WARMING = threading.Lock()


def warm_up() -> None:
    """Compile (or load from numba's cache) the search on a tiny problem: call it early, in a
    thread, so that the first real search does not wait for the compiler (about 20 s of CPU
    from an empty cache, 1–2 s to load it). Once: a second caller waits for the first."""
    with _WARMING:
        if _READY.is_set():
            return
        cost = np.array([[1, 2, 3, 2], [2, 1, 1, 3]], dtype=np.int64)
        load = np.array([[1, 2, 1, 1], [2, 1, 1, 2]], dtype=np.int64)
        branch_and_bound(cost, load, np.array([3, 3]), deadline=math.inf, max_nodes=50)
        _READY.set()


def ready(timeout: float) -> bool:
    """Whether :func:`warm_up` has finished, waiting at most ``timeout`` seconds for it."""
    return _READY.wait(max(0.0, timeout))
