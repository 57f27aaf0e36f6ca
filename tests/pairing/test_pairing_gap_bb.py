"""The Lagrangian depth-first branch-and-bound for the GAP (gap_bb): its exact knapsack
penalties (against gap_lagrange), and on small random GAPs its assignments (feasibility
recomputed here) and proven bounds against brute force and scipy's MILP."""

from __future__ import annotations

import itertools
import math
import time

import numpy as np
import pytest

from assignments.pairing.engines import gap_bb
from assignments.pairing.engines.gap_bb import branch_and_bound, lagrangian_bound
from assignments.pairing.engines.gap_lagrange import Knapsacks, penalties


def _random_gap(seed: int, m: int, n: int, tight: float) -> tuple[np.ndarray, np.ndarray,
                                                                  np.ndarray]:
    rng = np.random.default_rng(seed)
    cost = rng.integers(5, 50, size=(m, n)).astype(np.int64)
    load = rng.integers(1, 25, size=(m, n)).astype(np.int64)
    budget = np.maximum(load.max(axis=1), (tight * load.sum(axis=1) / m).astype(np.int64))
    return cost, load, budget.astype(np.int64)


def _brute(cost: np.ndarray, load: np.ndarray, budget: np.ndarray) -> float:
    m, n = cost.shape
    jobs = np.arange(n)
    best = math.inf
    for assign in itertools.product(range(m), repeat=n):
        arr = np.array(assign)
        if (np.bincount(arr, weights=load[arr, jobs], minlength=m) <= budget).all():
            best = min(best, float(cost[arr, jobs].sum()))
    return best


def _milp(cost: np.ndarray, load: np.ndarray, budget: np.ndarray) -> float:
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import lil_matrix

    m, n = cost.shape
    eq = lil_matrix((n, m * n))
    cap = lil_matrix((m, m * n))
    for i in range(m):
        for j in range(n):
            eq[j, i * n + j] = 1
            cap[i, i * n + j] = load[i, j]
    res = milp(cost.ravel().astype(float), integrality=np.ones(m * n),
               bounds=Bounds(0, 1),
               constraints=[LinearConstraint(eq.tocsr(), 1, 1),
                            LinearConstraint(cap.tocsr(), -np.inf, budget.astype(float))])
    return float(round(res.fun)) if res.status == 0 else math.inf


def _check(cost: np.ndarray, load: np.ndarray, budget: np.ndarray, assign: np.ndarray) -> float:
    """Feasibility and cost, recomputed independently."""
    m, n = cost.shape
    assert assign.shape == (n,)
    assert ((assign >= 0) & (assign < m)).all()
    used = np.zeros(m, dtype=np.int64)
    total = 0
    for j in range(n):
        used[assign[j]] += load[assign[j], j]
        total += cost[assign[j], j]
    assert (used <= budget).all()
    return float(total)


@pytest.mark.parametrize("seed", range(4))
def test_penalties_match_gap_lagrange(seed: int) -> None:
    cost, load, budget = _random_gap(seed, 4, 15, 0.7)
    m, n = cost.shape
    rng = np.random.default_rng(seed)
    u = cost.min(axis=0) + rng.uniform(0, 10, size=n)
    allowed = load <= budget[:, None]
    asg = np.full(n, -1, np.int64)
    used = np.zeros(m, np.int64)
    x = np.zeros((m, n), np.bool_)
    pin, pout = np.zeros((m, n)), np.zeros((m, n))
    width = int(budget.max()) + 1
    pre, suf = np.zeros((n + 1, width)), np.zeros((n + 1, width))
    val = gap_bb._penalties(cost, load, budget, allowed, asg, used, u, x, pin, pout, pre, suf)
    lag, pen = penalties(cost.astype(float), load, budget, u)
    assert val == pytest.approx(lag)
    fin = np.isfinite(pen)
    assert np.allclose(pin[fin], pen[fin])
    assert (pin[~fin] >= 1e29).all()
    best, choice = Knapsacks(load, budget).solve(u[None, :] - cost)
    assert choice is not None
    # the choice of gap_bb is an optimal knapsack too
    val2 = (np.where(x, u[None, :] - cost, 0)).sum(axis=1)
    assert np.allclose(val2, best)
    assert ((load * x).sum(axis=1) <= budget).all()
    # forced-out penalties, by brute force on the chosen items
    for i in range(m):
        for j in np.flatnonzero(x[i]):
            v = u - cost[i]
            keep = np.ones(n, bool)
            keep[j] = False
            ks = Knapsacks(load[i:i + 1, keep], budget[i:i + 1])
            out, _ = ks.solve((v[keep])[None, :], keep=False)
            assert pout[i, j] == pytest.approx(max(best[i] - out[0], 0.0))


@pytest.mark.parametrize("seed", range(8))
def test_small_gap_against_brute_force(seed: int) -> None:
    for tight in np.arange(0.7, 3.0, 0.1):
        cost, load, budget = _random_gap(seed, 3, 8, float(tight))
        opt = _brute(cost, load, budget)
        if math.isfinite(opt):
            break
    assign, found, lower, stats = branch_and_bound(
        cost, load, budget, deadline=time.perf_counter() + 30)
    assert assign is not None
    assert _check(cost, load, budget, assign) == found
    assert lower <= opt <= found
    assert stats.exhausted  # tiny: the search must finish, proving optimality
    assert found == opt == lower


@pytest.mark.parametrize("seed", range(6))
def test_medium_gap_against_milp(seed: int) -> None:
    cost, load, budget = _random_gap(100 + seed, 5, 25, 0.8)
    opt = _milp(cost, load, budget)
    assert math.isfinite(opt)
    val, _, _, _ = lagrangian_bound(cost, load, budget)
    assert val <= opt + 1e-6
    assign, found, lower, stats = branch_and_bound(
        cost, load, budget, deadline=time.perf_counter() + 30, rule=1, noise=0.3,
        restart_nodes=200, seed=seed)
    assert assign is not None
    assert _check(cost, load, budget, assign) == found
    assert lower <= opt <= found
    if stats.exhausted:
        assert found == opt == lower


def test_node_limit_and_decision_target() -> None:
    cost, load, budget = _random_gap(7, 5, 25, 0.8)
    opt = _milp(cost, load, budget)
    # target below the optimum: nothing can be found; exhausting proves target + 1
    assign, found, lower, stats = branch_and_bound(
        cost, load, budget, deadline=time.perf_counter() + 30, target=opt - 1)
    assert stats.exhausted
    assert lower <= opt
    if assign is not None:  # the root repair may still return a (worse) assignment
        assert _check(cost, load, budget, assign) == found >= opt
    assert lower == opt
    # a node limit stops early with a valid (root) bound
    assign, found, lower, stats = branch_and_bound(
        cost, load, budget, deadline=time.perf_counter() + 30, max_nodes=3, chunk=1)
    assert stats.nodes <= 3
    assert lower <= opt
    if assign is not None:
        assert _check(cost, load, budget, assign) == found >= opt


def test_upper_bound_only_cheaper() -> None:
    cost, load, budget = _random_gap(3, 4, 20, 0.8)
    opt = _milp(cost, load, budget)
    assign, found, lower, stats = branch_and_bound(
        cost, load, budget, deadline=time.perf_counter() + 30, upper=opt)
    assert stats.exhausted
    assert assign is None and found == math.inf
    assert lower == opt


def test_stack_grows() -> None:
    cost, load, budget = _random_gap(18, 5, 30, 0.8)  # needs a search of depth > 2
    opt = _milp(cost, load, budget)
    assign, found, lower, stats = branch_and_bound(
        cost, load, budget, deadline=time.perf_counter() + 30, stack=2, restart_nodes=0,
        rule=2, noise=0.0)
    assert stats.exhausted and stats.max_depth > 2
    assert assign is not None
    assert _check(cost, load, budget, assign) == found == opt == lower
