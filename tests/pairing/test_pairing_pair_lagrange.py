"""The per-mentor Lagrangian of a pairing component (mentoring/pair_lagrange.py) is exact.

On small random teacher-like components (head counts 2–4, a 24-hour budget that pairs of 6–11
hours make bind, mandatory mentees that must be paired, an "at least" row, a forced pair), by
brute force over every pairing: each mentor's pricing equals the best subset; the forcing
bound of a pair equals L with that pair forced; L ≤ the optimum for any multipliers; and no
pair of any pairing is cut by the forcing bounds at that pairing's cost (so fixing never
removes a pair of an optimal pairing).
"""

from __future__ import annotations

import itertools
import math
import random

import numpy as np
import pytest

from assignments.pairing import Candidate, PairingProblem
from assignments.pairing.arrays import PairArrays
from assignments.pairing.engines import pair_lagrange as pl


def teacher_blocks(seed: int, blocks: tuple[int, int] = (2, 3), mentors: tuple[int, int] = (2, 3),
                   mentees: tuple[int, int] = (3, 6), forced: bool = True) -> PairingProblem:
    """Independent blocks of mentors (head count 2–4, 24 hours) and mentees (pairs of 6–11
    hours: two to four fit), about half of the mentees mandatory; schools across blocks."""
    rng = random.Random(seed)
    names_m: list[str] = []
    names_e: list[str] = []
    cands: list[Candidate] = []
    for _b in range(rng.randint(*blocks)):
        m0, e0 = len(names_m), len(names_e)
        m, n = rng.randint(*mentors), rng.randint(*mentees)
        names_m += [f"m{m0 + i}" for i in range(m)]
        names_e += [f"e{e0 + j}" for j in range(n)]
        cands += [Candidate(m0 + i, e0 + j, rng.randint(1, 30), rng.randint(6, 11))
                  for i in range(m) for j in range(n) if rng.random() < 0.75]
    p = PairingProblem(
        mentors=names_m, mentees=names_e, candidates=cands,
        capacity=[rng.choice([2, 3, 3, 4]) for _ in names_m], budget=[24] * len(names_m),
        mandatory=[rng.random() < 0.5 for _ in names_e],
        mentor_group=[rng.randrange(3) for _ in names_m],
        mentee_group=[rng.randrange(3) for _ in names_e],
        drain_limit=[rng.randint(0, 2) for _ in range(3)],
        balance_weight=rng.choice([0, 1, 2]), drain_weight=rng.choice([0, 3]),
    )
    if forced and cands and rng.random() < 0.4:
        c = rng.choice(cands)
        p.forced = {(c.mentor, c.mentee)}
    return p


def component(seed: int) -> tuple[PairArrays, np.ndarray, np.ndarray, list[tuple[np.ndarray, int]]]:
    """One block's pairs as a component: data, pairs, must-pair mentees, "at least" rows."""
    rng = random.Random(seed)
    p = teacher_blocks(seed, blocks=(1, 1), mentors=(2, 3), mentees=(3, 6))
    d = PairArrays(p)
    cols = np.arange(d.n)
    must = np.array([rng.random() < 0.3 for _ in range(d.ne)], dtype=bool)
    rows: list[tuple[np.ndarray, int]] = []
    mand = cols[d.mand[cols] & ~must[d.ei[cols]]]
    if len(mand) and rng.random() < 0.6:
        rows.append((mand, rng.randint(1, max(1, len(np.unique(d.ei[mand]))))))
    return d, cols, must, rows


def pairings(d: PairArrays, cols: np.ndarray, must: np.ndarray,
             rows: list[tuple[np.ndarray, int]]) -> list[tuple[int, list[int]]]:
    """Every feasible pairing of ``cols`` (cost, pairs) by brute force."""
    es = sorted(set(d.ei[cols].tolist()))
    options = {e: [None] + [int(k) for k in cols if d.ei[k] == e] for e in es}
    out = []
    for pick in itertools.product(*(options[e] for e in es)):
        chosen = [k for k in pick if k is not None]
        if any(must[e] and k is None for e, k in zip(es, pick, strict=True)):
            continue
        if any(d.forced[k] and k not in chosen for k in cols.tolist()):
            continue
        heads = np.bincount(d.mi[chosen], minlength=d.nm) if chosen else np.zeros(d.nm)
        hours = (np.bincount(d.mi[chosen], weights=d.load[chosen], minlength=d.nm)
                 if chosen else np.zeros(d.nm))
        if (heads > d.cap).any() or (hours > d.budget).any():
            continue
        if any(len(set(chosen) & set(rc.tolist())) < need for rc, need in rows):
            continue
        out.append((int(d.cost[chosen].sum()), chosen))
    return out


def make_block(d: PairArrays, cols: np.ndarray, must: np.ndarray,
               rows: list[tuple[np.ndarray, int]]) -> pl.Block:
    b = pl.block(cols, d.mi, d.ei, d.cost, d.load, d.forced, d.cap, d.budget, must, rows)
    assert b is not None
    return b


def random_multipliers(b: pl.Block, rng: random.Random) -> tuple[np.ndarray, np.ndarray]:
    lam = np.array([rng.uniform(-40, 10) if eq else rng.uniform(0, 30) for eq in b.equal])
    mu = np.array([rng.uniform(0, 20) for _ in b.need])
    return lam, mu


def best_subset(b: pl.Block, i: int, red: np.ndarray, must_have: int | None = None) -> float:
    """A mentor's least reduced-cost feasible set (forced pairs in), by brute force."""
    ks = list(range(int(b.start[i]), int(b.start[i + 1])))
    best = math.inf
    for size in range(len(ks) + 1):
        for sub in itertools.combinations(ks, size):
            if any(b.forced[k] and k not in sub for k in ks):
                continue
            if must_have is not None and must_have not in sub:
                continue
            if size > b.cap[i] or sum(b.load[k] for k in sub) > b.budget[i]:
                continue
            best = min(best, sum(red[k] for k in sub))
    return best


@pytest.mark.parametrize("seed", range(12))
def test_pricing_and_forcing_equal_brute_force(seed: int) -> None:
    """Each mentor's priced set is its best subset; each pair's forcing bound is L with it in."""
    rng = random.Random(seed)
    d, cols, must, rows = component(seed)
    b = make_block(d, cols, must, rows)
    lam, mu = random_multipliers(b, rng)
    red = pl.reduced(b, lam, mu)
    z, x = pl.price(b, lam, mu)
    value, _x = pl.lagrangian(b, lam, mu)
    forcing = pl.forcing_bounds(b, lam, mu)
    for i in range(len(b.start) - 1):
        assert z[i] == pytest.approx(best_subset(b, i, red), abs=1e-7)
        chosen = range(int(b.start[i]), int(b.start[i + 1]))
        assert sum(red[k] for k in chosen if x[k]) == pytest.approx(z[i], abs=1e-7)
        for k in chosen:
            with_k = best_subset(b, i, red, must_have=k)
            expect = value - z[i] + with_k if math.isfinite(with_k) else math.inf
            assert forcing[k] == pytest.approx(expect, abs=1e-7)


@pytest.mark.parametrize("seed", range(12))
def test_bound_below_every_pairing_and_fixing_keeps_them(seed: int) -> None:
    """For random multipliers and for the subgradient's: L ≤ the optimum, and every pair of
    every feasible pairing has a forcing bound at most that pairing's cost (so no pair of an
    optimal pairing, nor of one within a tolerance, is ever fixed out)."""
    rng = random.Random(100 + seed)
    d, cols, must, rows = component(100 + seed)
    b = make_block(d, cols, must, rows)
    every = pairings(d, cols, must, rows)
    pos = {int(k): t for t, k in enumerate(b.cols.tolist())}
    lam, mu = random_multipliers(b, rng)
    trials = [(lam, mu)]
    if every:
        best = min(c for c, _ in every)
        dual = pl.subgradient(b, np.zeros(b.n_mentees), np.zeros(len(b.need)), best + 5, 2.0)
        trials.append((dual.lam, dual.mu))
        assert dual.value <= best + 1e-6
    for lam_t, mu_t in trials:
        value, _x = pl.lagrangian(b, lam_t, mu_t)
        forcing = pl.forcing_bounds(b, lam_t, mu_t)
        for cost, chosen in every:
            assert value <= cost + 1e-6
            for k in chosen:
                assert forcing[pos[k]] <= cost + 1e-6


def test_subgradient_closes_a_binding_component() -> None:
    """Across components where hours bind the compact LP is above the optimum; the
    Lagrangian's bound after the subgradient is never above it and, summed over these
    components, closes most of the compact LP's gap."""
    from assignments.pairing.engines.reduce_split import _lp

    lp_gap = lag_gap = 0.0
    for seed in range(200, 212):
        d, cols, must, rows = component(seed)
        every = pairings(d, cols, must, rows)
        if not every:
            continue
        best = min(c for c, _ in every)
        extra = [(np.searchsorted(cols, rc), np.ones(len(rc)), float(need), math.inf)
                 for rc, need in rows]
        relaxed = _lp(d, cols, d.cost[cols], 10.0, must, extra)
        assert relaxed is not None
        b = make_block(d, cols, must, rows)
        dual = pl.subgradient(b, relaxed[2], relaxed[3], best + 1, 2.0)
        assert dual.value <= best + 1e-6
        lp_gap += best - relaxed[0]
        lag_gap += best - max(dual.value, relaxed[0])
    assert lp_gap > 0
    assert lag_gap < 0.5 * lp_gap


def test_block_refuses_mentors_with_many_places() -> None:
    """No head count and no budget: a mentor could hold every pair; the relaxation is not used
    (its branch-and-bound is only for a few places per mentor)."""
    cands = [Candidate(0, j, 5, 1) for j in range(pl.MAX_SLOTS + 2)]
    p = PairingProblem(mentors=["a"], mentees=[f"e{j}" for j in range(len(cands))],
                       candidates=cands, capacity=[None], budget=[None])
    d = PairArrays(p)
    assert pl.block(np.arange(d.n), d.mi, d.ei, d.cost, d.load, d.forced, d.cap, d.budget,
                    np.zeros(d.ne, bool), []) is None


@pytest.mark.parametrize("seed", range(12))
def test_columns_are_every_set_below_the_ceiling(seed: int) -> None:
    """The mentor sets listed for a ceiling are exactly the feasible sets (forced pairs in)
    whose bound L − z_i + r(S) is at most the ceiling, by brute force; and every set of every
    pairing of cost at most the ceiling is among them."""
    rng = random.Random(300 + seed)
    d, cols, must, rows = component(300 + seed)
    b = make_block(d, cols, must, rows)
    lam, mu = random_multipliers(b, rng)
    if seed % 2:
        lam, mu = np.zeros(b.n_mentees), np.zeros(len(b.need))
    red = pl.reduced(b, lam, mu)
    z, _x = pl.price(b, lam, mu)
    value, _x = pl.lagrangian(b, lam, mu)
    ceiling = value + rng.uniform(0, 40)
    got = pl.columns(b, lam, mu, ceiling, 100_000)
    assert got is not None
    listed = {(int(i), tuple(sorted(got.pairs[got.ptr[s]: got.ptr[s + 1]].tolist())))
              for s, i in enumerate(got.owner)}
    assert len(listed) == len(got)
    expect = set()
    for i in range(len(b.start) - 1):
        ks = list(range(int(b.start[i]), int(b.start[i + 1])))
        for size in range(len(ks) + 1):
            for sub in itertools.combinations(ks, size):
                if any(b.forced[k] and k not in sub for k in ks):
                    continue
                if size > b.cap[i] or sum(b.load[k] for k in sub) > b.budget[i]:
                    continue
                if value - z[i] + sum(red[k] for k in sub) <= ceiling + 1e-9:
                    expect.add((i, tuple(sub)))
    assert listed == expect
    pos = {int(k): t for t, k in enumerate(b.cols.tolist())}
    mentor = np.repeat(np.arange(len(b.start) - 1), np.diff(b.start))
    for cost, chosen in pairings(d, cols, must, rows):
        if cost <= ceiling:
            at = sorted(pos[k] for k in chosen)
            for i in range(len(b.start) - 1):
                assert (i, tuple(t for t in at if mentor[t] == i)) in listed
    assert pl.columns(b, lam, mu, ceiling, max(0, len(expect) - 1)) is None or not expect
