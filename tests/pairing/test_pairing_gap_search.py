"""The compiled GAP local search (:mod:`assignments.pairing.engines.gap_search`): every best
assignment it reports passes the independent checker (random instances, tight capacities
included), is never worse than a feasible start, reaches the brute-force optimum on small
instances, repeats itself for the same seed, and its running bookkeeping (loads, cost) equals
a recomputation after every chunk of rounds; also the large-neighbourhood search with the local
search beside it, deterministic."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from assignments.core.solver import SolveParams
from assignments.pairing import EngineParams, check_pairing, pairing_levels, solve_pairing
from assignments.pairing.engines.gap_search import GapSearch
from assignments.pairing.engines.lns import improve
from assignments.pairing.heuristics.greedy import dense
from assignments.pairing.problem import Candidate, Pairing, PairingProblem


def _gap(seed: int, m: int, n: int, tight: float, missing: float = 0.0) -> PairingProblem:
    """A random GAP (costs falling as loads rise, like OR-Library type D); ``tight`` scales
    the capacities (1.0: the average load share), ``missing`` drops that share of pairs."""
    rng = np.random.default_rng(seed)
    load = rng.integers(1, 40, size=(m, n))
    cost = 60 - load + rng.integers(0, 15, size=(m, n))
    budget = np.maximum(load.max(axis=1), (tight * load.mean(axis=0).sum() / m).astype(int))
    keep = rng.random((m, n)) >= missing
    keep[rng.integers(0, m, size=n), np.arange(n)] = True  # every job keeps an agent
    cands = [Candidate(i, j, int(cost[i, j]), int(load[i, j])) for i in range(m)
             for j in range(n) if keep[i, j]]
    return PairingProblem(
        mentors=[f"a{i}" for i in range(m)], mentees=[f"j{j}" for j in range(n)],
        candidates=cands, capacity=[None] * m, budget=[int(b) for b in budget], sense="min",
        assign_all=True, name=f"random-{seed}",
    )


def _pairing(p: PairingProblem, assign: np.ndarray) -> Pairing:
    _, _, kidx, _ = dense(p)
    return Pairing(sorted(int(kidx[assign[j], j]) for j in range(len(p.mentees))))


def _cheapest(p: PairingProblem) -> np.ndarray:
    """Each job on its cheapest agent: usually over capacity (a start the search repairs)."""
    cost, _, _, _ = dense(p)
    return np.argmin(cost, axis=0).astype(np.int64)


def _checked(p: PairingProblem, search: GapSearch) -> int | None:
    """The search's best, checked independently: feasible, priced right; its bookkeeping equal
    to a recomputation."""
    search.check()
    cost, load, _, _ = dense(p)
    jobs = np.arange(len(p.mentees))
    a = search.assign
    used = np.bincount(a, weights=load[a, jobs], minlength=len(p.mentors))
    assert np.array_equal(used, search.used)  # running loads = recomputed
    assert int(cost[a, jobs].sum()) == int(search.state[3])  # running cost = recomputed
    if search.best_cost is None:
        return None
    pairing = _pairing(p, search.best)
    assert check_pairing(p, pairing) == []
    assert pairing_levels(p, pairing)["quality"] == search.best_cost
    return search.best_cost


def _brute(p: PairingProblem) -> float:
    cost, load, _, budget = dense(p)
    m, n = cost.shape
    best = math.inf
    jobs = np.arange(n)
    for combo in itertools.product(range(m), repeat=n):
        a = np.array(combo)
        if not np.isfinite(cost[a, jobs]).all():
            continue
        if (np.bincount(a, weights=load[a, jobs], minlength=m) <= budget).all():
            best = min(best, float(cost[a, jobs].sum()))
    return best


@pytest.mark.parametrize(("seed", "tight"), [(1, 0.8), (2, 1.0), (3, 1.3), (4, 0.9), (5, 1.1)])
def test_feasible_and_bookkeeping_on_random_gaps(seed: int, tight: float) -> None:
    """From an over-capacity start (tight capacities, missing pairs): after every chunk of
    rounds the best passes the checker and the loads and cost equal a recomputation."""
    p = _gap(seed, 6, 40, tight, missing=0.2)
    cost, load, _, budget = dense(p)
    search = GapSearch(cost, load, budget, _cheapest(p), seed=seed)
    values = []
    for _ in range(8):
        search.run(25)
        values.append(_checked(p, search))
    found = [v for v in values if v is not None]
    assert found, "no feasible assignment found"
    assert found == sorted(found, reverse=True)  # the best never gets worse
    assert search.stats["rounds"] == 200


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_never_worse_than_a_feasible_start(seed: int) -> None:
    """Started from a feasible assignment (the engine's CP-SAT phase), the best is never
    worse; also after an offer and a restriction of the allowed pairs."""
    p = _gap(seed, 5, 30, 1.0)
    start = solve_pairing(p, time_limit=0.2, num_workers=1, improve=False, seed=seed,
                          deterministic=True)
    assert start.solution is not None and start.objective is not None
    cost, load, _, budget = dense(p)
    a0 = np.full(len(p.mentees), -1, dtype=np.int64)
    for k in start.solution.chosen:
        c = p.candidates[k]
        a0[c.mentee] = c.mentor
    search = GapSearch(cost, load, budget, a0, seed=seed)
    assert search.best_cost == start.objective
    search.run(50)
    first = _checked(p, search)
    assert first is not None and first <= start.objective
    # restricting the pairs keeps those of the current and the best assignment
    keep = np.zeros_like(search.allowed)
    search.restrict(keep)
    jobs = np.arange(len(p.mentees))
    assert search.allowed[search.best, jobs].all() and search.allowed[search.assign, jobs].all()
    search.run(20)
    second = _checked(p, search)
    assert second is not None and second <= first
    # an offer worse than the best is refused; a wrong price is an error
    assert not search.offer(search.best, second)
    with pytest.raises(ValueError):
        search.offer(a0, second - 1)


@pytest.mark.parametrize("seed", range(6))
def test_reaches_the_brute_force_optimum(seed: int) -> None:
    """Small instances (3 agents × 7 jobs, capacities as tight as still feasible): the search
    finds the optimum that enumeration gives."""
    for tight in np.arange(0.7, 3.0, 0.1):
        p = _gap(100 + seed, 3, 7, float(tight))
        opt = _brute(p)
        if math.isfinite(opt):
            break
    cost, load, _, budget = dense(p)
    search = GapSearch(cost, load, budget, _cheapest(p), seed=seed)
    search.run(300)
    assert _checked(p, search) == opt


def test_same_seed_same_search() -> None:
    """Rounds, not the clock, drive the search: the same seed gives the same moves, the same
    best and the same bookkeeping."""
    p = _gap(7, 8, 60, 0.9)
    cost, load, _, budget = dense(p)
    runs = []
    for _ in range(2):
        s = GapSearch(cost, load, budget, _cheapest(p), seed=3)
        for _ in range(4):
            s.run(30)
        runs.append((s.best.copy(), s.best_cost, s.assign.copy(), s.alpha.copy(), s.stats))
    assert np.array_equal(runs[0][0], runs[1][0]) and runs[0][1] == runs[1][1]
    assert np.array_equal(runs[0][2], runs[1][2]) and np.array_equal(runs[0][3], runs[1][3])
    assert runs[0][4] == runs[1][4]


def test_work_budget_stops_the_search() -> None:
    """``run(rounds, work=W)``: the search stops in the round that crosses ``W`` more work
    (pairs looked at), the counter only grows, and it is the same for the same seed — the
    deterministic mode's measure of time."""
    p = _gap(11, 8, 60, 0.9)
    cost, load, _, budget = dense(p)
    counts = []
    for _ in range(2):
        s = GapSearch(cost, load, budget, _cheapest(p), seed=5)
        s.run(1)
        one = s.work  # about one round's work
        assert one > 0
        s.run(10**9, work=20 * one)
        assert 20 * one <= s.work - one < 20 * one + 10 * one
        before = s.work
        s.run(3)
        assert s.work > before
        _checked(p, s)
        counts.append((s.work, s.iterations, s.best_cost))
    assert counts[0] == counts[1]


def test_bad_start_refused() -> None:
    p = _gap(8, 3, 6, 1.0)
    cost, load, _, budget = dense(p)
    with pytest.raises(ValueError, match="every job an agent"):
        GapSearch(cost, load, budget, np.array([0, 1, 2]))
    fractional = cost + 0.5
    with pytest.raises(ValueError, match="whole numbers"):
        GapSearch(fractional, load, budget, _cheapest(p))


def test_lns_with_the_search_deterministic() -> None:
    """The large-neighbourhood search with the local search in a thread beside it: checked,
    never worse than its start, and the same result twice in deterministic mode (the clock
    plays no part: the deadline has passed before the sub-solve rounds)."""
    p = _gap(9, 8, 60, 0.9)
    start = solve_pairing(p, time_limit=0.3, num_workers=1, improve=False, seed=1,
                          deterministic=True)
    assert start.solution is not None and start.objective is not None
    chosen = set(start.solution.chosen)
    x = [int(k in chosen) for k in range(len(p.candidates))]
    params = SolveParams(time_limit=0.9, seed=2, workers=2, deterministic=True)
    runs = []
    for _ in range(2):
        stats: dict[str, object] = {}
        out = improve(p, x, -math.inf, params, stats=stats)
        assert "search" in stats  # the local search ran
        assert stats["bb_nodes"] > 0  # so did the branch-and-bound, for a number of nodes
        runs.append(out)
    assert runs[0] == runs[1]
    if runs[0] is not None:
        xs, value = runs[0]
        pairing = Pairing([k for k, v in enumerate(xs) if v])
        assert check_pairing(p, pairing) == []
        assert value == pairing_levels(p, pairing)["quality"] < start.objective


@pytest.mark.parametrize("seed", [4, 5, 6])
def test_branch_and_bound_phase_with_forbidden_pairs(seed: int) -> None:
    """The branch-and-bound step of the large-neighbourhood search on GAPs with forbidden
    pairs (given to it as loads above the capacity): what it returns is feasible, uses only
    allowed pairs, is priced right (checked independently), costs at least the optimum (CP-SAT,
    proven), and its bound is at most the optimum."""
    from concurrent.futures import ThreadPoolExecutor

    from assignments.pairing.engines.gap_lagrange import lp_multipliers
    from assignments.pairing.engines.lns import _bb_phase

    p = _gap(seed, 5, 18, 0.85, missing=0.35)
    exact = solve_pairing(p, time_limit=30, num_workers=2, improve=False, seed=0)
    assert exact.status.value == "optimal" and exact.objective is not None
    opt = exact.objective
    cost, load, _, budget = dense(p)
    u = lp_multipliers(cost, load, budget)
    assert u is not None
    chosen = {p.candidates[k].mentee: p.candidates[k].mentor for k in exact.solution.chosen}
    start = np.array([chosen[j] for j in range(len(p.mentees))], dtype=np.int64)
    stats: dict[str, object] = {}
    with ThreadPoolExecutor(max_workers=1) as helper:
        # pretend the start costs far more: the search must find assignments below that
        assign, best, bound = _bb_phase(cost, load, budget, u, start, opt + 500, -math.inf,
                                        1.0, SolveParams(time_limit=2, seed=seed, workers=2,
                                                         deterministic=True),
                                        [], helper, stats, EngineParams())
    assert stats["bb_nodes"] > 0
    assert bound <= opt <= best
    pairing = _pairing(p, assign)
    assert check_pairing(p, pairing) == []
    assert best < opt + 500  # found by the branch-and-bound (checked there and here)
    assert pairing_levels(p, pairing)["quality"] == best
