"""The component-by-component engine (mentoring/reduce_split.py) is exact.

On small random problems made of several independent blocks (as a city's subjects are), its
levels equal the independent HiGHS MIP's (mentoring/mip.py) stage by stage, and its pairings
pass the checker; also when the first level's LP bound rounds to fewer unpaired mentees than
can be reached, and when every component takes the large-component path (LP, kernel MIP,
second pass).
"""

from __future__ import annotations

import random
from typing import Any

import numpy as np
import pytest
from mentoring_fixtures import random_data

from assignments.core.solver import SolveParams, SolveStatus
from assignments.mentoring import build_problem
from assignments.pairing import (
    Candidate,
    EngineParams,
    PairingProblem,
    check_pairing,
    pairing_levels,
    solve_pairing,
)
from assignments.pairing.engines import reduce_split
from assignments.pairing.engines.reduce_split import components, solve_split
from assignments.pairing.mip import solve_mip
from assignments.pairing.problem import Pairing

PARAMS = SolveParams(20.0, 0, 1, True, False, False, {})


def blocks(seed: int) -> PairingProblem:
    """Two to four independent random blocks (mentors and mentees of one block pair only
    among themselves), schools shared across blocks (the drain term couples them)."""
    rng = random.Random(seed)
    mentors: list[str] = []
    mentees: list[str] = []
    cands: list[Candidate] = []
    cap: list[int | None] = []
    budget: list[int | None] = []
    mandatory: list[bool] = []
    for _b in range(rng.randint(2, 4)):
        m0, e0 = len(mentors), len(mentees)
        m, n = rng.randint(1, 3), rng.randint(2, 5)
        mentors += [f"m{m0 + i}" for i in range(m)]
        mentees += [f"e{e0 + j}" for j in range(n)]
        cap += [rng.choice([None, 1, 2, 3]) for _ in range(m)]
        budget += [rng.choice([None, 8, 12, 20]) for _ in range(m)]
        mandatory += [rng.random() < 0.6 for _ in range(n)]
        cands += [Candidate(m0 + i, e0 + j, rng.randint(-5, 30), rng.randint(1, 9))
                  for i in range(m) for j in range(n) if rng.random() < 0.7]
    p = PairingProblem(
        mentors=mentors, mentees=mentees, candidates=cands, capacity=cap, budget=budget,
        mandatory=mandatory, mentor_group=[rng.randrange(3) for _ in mentors],
        mentee_group=[rng.randrange(3) for _ in mentees],
        drain_limit=[rng.randint(0, 2) for _ in range(3)],
        balance_weight=rng.choice([0, 1, 2]), drain_weight=rng.choice([0, 3]),
        quality_tolerance=rng.choice([0.0, 0.0, 0.1]),
    )
    if cands and rng.random() < 0.3:
        c = rng.choice(cands)
        p.forced = {(c.mentor, c.mentee)}
    return p


def solve_checked(p: PairingProblem, start: set[int] | None = None,
                  ep: EngineParams | None = None) -> dict[str, int]:
    """solve_split's levels (minimised form), after the checker and a recomputation."""
    out = solve_split(p, PARAMS, start or set(), ep)
    assert out is not None
    assert out.status is SolveStatus.OPTIMAL
    pairing = Pairing([k for k, v in enumerate(out.x) if v])
    assert check_pairing(p, pairing) == []
    levels = pairing_levels(p, pairing)  # quality in the problem's sense
    minimised = {**levels, "quality": -levels["quality"] if p.sense == "max"
                 else levels["quality"]}
    assert out.values == minimised
    assert all(out.bounds[n] == out.values[n] for n in out.values
               if n != "quality" or not p.quality_tolerance)
    return levels


def feasible_forced(p: PairingProblem) -> bool:
    if not p.forced:
        return True
    (i, e), = p.forced
    c = next(c for c in p.candidates if (c.mentor, c.mentee) == (i, e))
    return (p.capacity[i] is None or p.capacity[i] >= 1) and (
        p.budget[i] is None or (p.budget[i] or 0) >= c.load)


@pytest.mark.parametrize("seed", range(30))
def test_blocks_equal_the_mip(seed: int) -> None:
    """Several independent blocks: every level equals the independent MIP's."""
    p = blocks(seed)
    if not feasible_forced(p) or p.quality_tolerance:
        p.forced = set()
    p.quality_tolerance = 0.0
    mip = solve_mip(p, time_limit=30)
    assert mip.status == "optimal"
    assert solve_checked(p) == mip.levels


@pytest.mark.parametrize("seed", range(0, 60, 4))
def test_teachers_equal_the_mip(seed: int) -> None:
    """Random teacher problems (lexicographic, no impossible forced pair): the same levels."""
    mp = build_problem(random_data(seed))
    p = mp.problem
    # brought into scope rather than skipped: lexicographic, exact quality level, no impossible
    # forced pair (the tolerance case has its own test below)
    if mp.forced_missing:
        p.forced = set()
    p.objective_mode = "lexicographic"
    p.quality_tolerance = 0.0
    mip = solve_mip(p, time_limit=30)
    assert mip.status == "optimal"
    assert solve_checked(p) == mip.levels


def test_fractional_first_level_is_proven_by_components() -> None:
    """Two blocks, each a mentor (10 h) and two mandatory mentees of 6 h: the LP pairs 1⅔ per
    block (⅔ unpaired in all, rounding up to 1), but each block leaves one unpaired: 2."""
    cands = [Candidate(0, 0, 5, 6), Candidate(0, 1, 7, 6), Candidate(1, 2, 4, 6),
             Candidate(1, 3, 9, 6)]
    p = PairingProblem(mentors=["a", "b"], mentees=["w", "x", "y", "z"], candidates=cands,
                       capacity=[2, 2], budget=[10, 10], mandatory=[True] * 4)
    assert components(p)[0] == 2
    assert solve_checked(p) == {"mandatory": 2, "quality": 16} == solve_mip(p).levels


@pytest.mark.parametrize("seed", range(8))
def test_large_component_path(seed: int) -> None:
    """Every component through the LP, the kernel MIP and the second pass: still exact."""
    ep = EngineParams(split_kernel_component=0, split_kernel_above=0)
    p = blocks(seed + 100)
    p.forced = set()
    p.quality_tolerance = 0.0
    mip = solve_mip(p, time_limit=30)
    assert solve_checked(p, ep=ep) == mip.levels


@pytest.mark.parametrize("seed", range(6))
def test_from_a_start(seed: int) -> None:
    """Started from the greedy pairing (a component it pairs fully needs no first-level MIP):
    the same levels."""
    from assignments.pairing.heuristics.greedy import greedy

    p = blocks(seed + 200)
    p.forced = set()
    p.quality_tolerance = 0.0
    start = greedy(p)
    assert check_pairing(p, start) == []
    assert solve_checked(p, set(start.chosen)) == solve_mip(p, time_limit=30).levels


@pytest.mark.parametrize("seed", range(10))
def test_quality_tolerance(seed: int) -> None:
    """With 质量容差 the fairness level may give up 10 % of the best quality (one row over every
    component): the same mandatory and fairness levels as the independent MIP, and a quality
    within the tolerance of the best."""
    p = blocks(seed + 300)
    p.forced = set()
    mip = assert_tolerance_levels(p)
    res = solve_pairing(p, time_limit=20, num_workers=1, engine="reduce")  # checked inside
    assert res.status is SolveStatus.OPTIMAL
    assert res.objectives["fairness"] == mip.levels["fairness"]


def assert_tolerance_levels(p: PairingProblem, ep: EngineParams | None = None) -> Any:
    """With a 10 % 质量容差 (and balance on): our mandatory and fairness levels are the
    independent MIP's, our quality within the tolerance of the best; the MIP's outcome."""
    p.quality_tolerance = 0.1
    p.balance_weight = p.balance_weight or 1
    best = solve_mip(without_tolerance(p), time_limit=30).levels["quality"]
    mip = solve_mip(p, time_limit=30)
    ours = solve_checked(p, ep=ep)
    assert ours["mandatory"] == mip.levels["mandatory"]
    assert ours["fairness"] == mip.levels["fairness"]
    assert ours["quality"] >= best - int(0.1 * abs(best))
    return mip


def without_tolerance(p: PairingProblem) -> PairingProblem:
    from dataclasses import replace

    return replace(p, quality_tolerance=0.0)


@pytest.mark.parametrize("seed", range(10))
def test_hours_that_cannot_bind(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Head counts of 1–2 and budgets that no mentor's heaviest pairs can exceed: the first
    level comes from a maximum bipartite matching (used, and exact)."""
    used: list[int] = []
    real = reduce_split._matching

    def spy(d: object, cols: object) -> object:
        out = real(d, cols)  # type: ignore[arg-type]
        used.append(out is not None)
        return out

    monkeypatch.setattr(reduce_split, "_matching", spy)
    p = blocks(seed + 400)
    p.forced = set()
    p.quality_tolerance = 0.0
    p.capacity = [1 + (i % 2) for i in range(len(p.mentors))]
    p.budget = [None if i % 3 else 18 for i in range(len(p.mentors))]
    assert solve_checked(p) == solve_mip(p, time_limit=30).levels
    if any(p.mandatory[c.mentee] for c in p.candidates):
        assert used and all(used)  # 2 × the heaviest pair (9) fits 18: never binding


@pytest.mark.parametrize("seed", range(6))
def test_without_kernel_pairing(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """When no kernel MIP finds a pairing in time, each component keeps the first level's pairs
    filled from the LP's and the start's: a valid pairing, the first level still optimal, the
    quality bound still valid."""
    from assignments.pairing.heuristics.greedy import greedy

    real = reduce_split._milp

    def no_kernel(*args: object, **kw: object) -> object:
        if kw.get("gap") == EngineParams().split_kernel_gap:
            return reduce_split._Mip("unknown", None, None, None)
        return real(*args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(reduce_split, "_milp", no_kernel)
    ep = EngineParams(split_lagrangian=False,  # the LP path
                      split_kernel_component=0, split_full_mip_max=-1)
    p = blocks(seed + 500)
    p.forced = set()
    p.quality_tolerance = 0.0
    start = greedy(p)
    out = solve_split(p, PARAMS, set(start.chosen), ep)
    assert out is not None
    pairing = Pairing([k for k, v in enumerate(out.x) if v])
    assert check_pairing(p, pairing) == []
    mip = solve_mip(p, time_limit=30).levels
    levels = pairing_levels(p, pairing)
    assert levels.get("mandatory") == mip.get("mandatory")
    assert out.values["quality"] == -levels["quality"]
    assert out.bounds.get("quality", -1e18) <= -mip["quality"]
    assert out.stats["quality"]["without_pairing"] == out.stats["quality"]["components"]


def lagrangian_setup(monkeypatch: pytest.MonkeyPatch, delta: float
                     ) -> tuple[list[int], EngineParams]:
    """Every component through the Lagrangian path, its first kernel the pairs within
    ``delta`` of L (0: often too few for the optimum, so that the second pass, the steps and
    the survivors' MIP are used); returns a list that counts the relaxations, and the engine
    parameters that send the components there."""
    from assignments.pairing.engines.reduce_split import _lag_start

    used: list[int] = []

    def spy(*args: object, **kw: object) -> object:
        out = _lag_start(*args, **kw)  # type: ignore[arg-type]
        if out is not None:
            used.append(1)
        return out

    monkeypatch.setattr(reduce_split, "_lag_start", spy)
    return used, EngineParams(split_kernel_component=0, split_lag_kernel_delta=delta)


@pytest.mark.parametrize("delta", [0.0, 0.25, 100.0])
@pytest.mark.parametrize("seed", range(8))
def test_lagrangian_path_equals_the_mip(seed: int, delta: float,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Teacher-like blocks (head counts 2–4, hours that bind, mandatory mentees, a forced
    pair): the Lagrangian bound, its kernel (narrow to whole) and survivors MIPs and the
    fairness MIP on the pairs that can be in a pairing of the best quality give every level of
    the independent MIP."""
    from test_pairing_pair_lagrange import teacher_blocks

    _used, ep = lagrangian_setup(monkeypatch, delta)
    p = teacher_blocks(seed + 600, mentees=(4, 8))
    if not feasible_forced(p):
        p.forced = set()
    mip = solve_mip(p, time_limit=30)
    assert mip.status == "optimal"
    assert solve_checked(p, ep=ep) == mip.levels


def test_lagrangian_fairness_on_fewer_pairs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Over several teacher-like problems, the relaxation is used, and the fairness MIP runs on
    the pairs the forcing bounds keep — fewer than all in some — with the MIP's levels."""
    from test_pairing_pair_lagrange import teacher_blocks

    used, ep = lagrangian_setup(monkeypatch, 0.0)
    dropped = 0
    for seed in range(700, 712):
        p = teacher_blocks(seed, mentees=(4, 8), forced=False)
        p.balance_weight = p.balance_weight or 1
        out = solve_split(p, PARAMS, set(), ep)
        assert out is not None and out.status is SolveStatus.OPTIMAL
        mip = solve_mip(p, time_limit=30)
        assert solve_checked(p, ep=ep) == mip.levels
        if "fairness_pairs" in out.stats:
            dropped += out.stats["fairness_pairs"] < len(p.candidates)
    assert used
    assert dropped > 0


@pytest.mark.parametrize("seed", range(6))
def test_lagrangian_fairness_with_tolerance(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """With 质量容差 the pairs kept for the fairness MIP are those within the optimum plus the
    tolerance's slack: the same mandatory and fairness levels as the independent MIP."""
    from test_pairing_pair_lagrange import teacher_blocks

    _used, ep = lagrangian_setup(monkeypatch, 0.0)
    assert_tolerance_levels(teacher_blocks(seed + 800, mentees=(4, 8), forced=False), ep)


def test_lanes_split_by_size() -> None:
    """Two lanes of about equal total size, every component once, each lane smallest first;
    one lane with one worker."""
    from assignments.pairing.engines.reduce_split import _lanes

    sizes = np.array([5, 100, 40, 60, 0, 7])
    todo = [0, 1, 2, 3, 5]
    lanes = _lanes(todo, sizes, 2)
    assert sorted(c for lane in lanes for c in lane) == todo
    assert [sum(int(sizes[c]) for c in lane) for lane in lanes] == [107, 105]
    assert all(list(lane) == sorted(lane, key=lambda c: sizes[c]) for lane in lanes)
    assert _lanes(todo, sizes, 1) == [[0, 5, 2, 3, 1]]
    assert _lanes([], sizes, 2) == []


@pytest.mark.parametrize("seed", range(6))
def test_two_lanes_equal_the_mip(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Components solved in two threads (two workers), through the Lagrangian path and the
    plain MIPs: every level of the independent MIP, with two lanes used."""
    from test_pairing_pair_lagrange import teacher_blocks

    ep = EngineParams()
    if seed % 2:
        _used, ep = lagrangian_setup(monkeypatch, 0.25)
    p = teacher_blocks(seed + 900, mentees=(4, 8))
    if not feasible_forced(p):
        p.forced = set()
    mip = solve_mip(p, time_limit=30)
    assert mip.status == "optimal"
    out = solve_split(p, SolveParams(20.0, 0, 2, True, False, False, {}), set(), ep)
    assert out is not None and out.status is SolveStatus.OPTIMAL
    assert out.stats["quality_lanes"] == 2
    pairing = Pairing([k for k, v in enumerate(out.x) if v])
    assert check_pairing(p, pairing) == []
    assert pairing_levels(p, pairing) == mip.levels  # both in the problem's sense


@pytest.mark.parametrize("seed", range(10))
def test_cpsat_component_equals_highs(seed: int) -> None:
    """The CP-SAT solve of a component's exact problem (small hard components' survivors) has
    HiGHS's optimum, with mentees that must be paired and an "at least" row."""
    from test_pairing_pair_lagrange import teacher_blocks

    from assignments.pairing.arrays import PairArrays
    from assignments.pairing.engines.reduce_split import _cpsat, _milp

    p = teacher_blocks(seed + 1200, mentees=(4, 8))
    p.forced = set()
    d = PairArrays(p)
    cols = np.arange(d.n)
    rng = np.random.default_rng(seed)
    must = np.zeros(d.ne, bool)
    must[rng.choice(d.ne, size=max(1, d.ne // 4), replace=False)] = True
    rows = [(np.flatnonzero(rng.random(d.n) < 0.5), None, 2.0, np.inf)]
    extra = [(w, np.ones(len(w)), lo, hi) for w, _c, lo, hi in rows]
    highs = _milp(d, cols, d.cost[cols], 20.0, must_pair=must, extra=extra)
    cp = _cpsat(d, cols, 20.0, must, extra, np.zeros(0, np.int64))
    assert cp.status == highs.status
    assert cp.value == highs.value
    if cp.x is not None:
        pairing = Pairing(sorted(int(k) for k in cp.x))
        assert check_pairing(p, pairing) == []
        paired = set(d.ei[cp.x].tolist())
        assert {e for e in np.flatnonzero(must) if e in set(d.ei.tolist())} <= paired


def test_survivors_go_to_cpsat(monkeypatch: pytest.MonkeyPatch) -> None:
    """With narrow kernels the survivors' exact solve runs, by CP-SAT for small components, and
    every level still equals the independent MIP."""
    from test_pairing_pair_lagrange import teacher_blocks

    from assignments.pairing.engines.reduce_split import _cpsat

    _used, ep = lagrangian_setup(monkeypatch, 0.0)
    ep = ep.replace(split_set_columns=0)  # no set MIP (it proves them first)
    monkeypatch.setattr(reduce_split, "_lag_improve", lambda *a, **k: None)  # nor steps
    calls: list[int] = []

    def spy(*args: Any, **kw: Any) -> Any:
        calls.append(1)
        return _cpsat(*args, **kw)

    monkeypatch.setattr(reduce_split, "_cpsat", spy)
    for seed in range(12):
        p = teacher_blocks(seed + 600, mentees=(4, 8))
        if not feasible_forced(p):
            p.forced = set()
        mip = solve_mip(p, time_limit=30)
        assert solve_checked(p, ep=ep) == mip.levels
    assert calls


@pytest.mark.parametrize("limit", [50_000, 3])
def test_set_mip_proofs_equal_the_mip(limit: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """With narrow kernels the second pass proves components by the MIP over the mentor sets
    that can beat the incumbent (or, with too many sets, by the survivors' MIP): every level
    equals the independent MIP's, and the set MIP both proves and improves incumbents."""
    from test_pairing_pair_lagrange import teacher_blocks

    from assignments.pairing.engines.reduce_split import _set_mip

    _used, ep = lagrangian_setup(monkeypatch, 0.0)
    ep = ep.replace(split_set_columns=limit,
                    split_lag_kernel_points=1e9)  # poor first incumbents
    runs: list[bool] = []  # the set MIP found a better pairing and proved it optimal

    def spy(*args: Any, **kw: Any) -> Any:
        out = _set_mip(*args, **kw)
        if out is not None:
            sets, low = out
            runs.append(sets.x is not None and sets.value == low <= args[2])
        return out

    monkeypatch.setattr(reduce_split, "_set_mip", spy)
    for seed in range(12):
        p = teacher_blocks(seed + 1300, mentees=(4, 8))
        if not feasible_forced(p):
            p.forced = set()
        mip = solve_mip(p, time_limit=30)
        assert mip.status == "optimal"
        assert solve_checked(p, ep=ep) == mip.levels
    if limit > 3:
        assert any(runs)


def test_rins_improves_large_components(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where the set MIP has too many sets and the survivors' MIP is out of reach (as on the
    city's largest components), MIPs around the incumbent with the pairs it shares with the
    relaxation held improve poor first pairings; every level still equals the independent
    MIP's."""
    from test_pairing_pair_lagrange import teacher_blocks

    from assignments.pairing.engines.reduce_split import _rins

    _used, ep = lagrangian_setup(monkeypatch, 0.0)
    ep = ep.replace(split_set_columns=0, split_full_mip_max=0,
                    split_lag_kernel_points=1e9)  # poor first incumbents
    better: list[bool] = []

    def spy(*args: Any, **kw: Any) -> Any:
        out = _rins(*args, **kw)
        x = args[4]
        better.append(out is not None and out.value < float(args[0].cost[x].sum()))
        return out

    monkeypatch.setattr(reduce_split, "_rins", spy)
    for seed in range(10):
        p = teacher_blocks(seed + 1400, mentees=(4, 8))
        if not feasible_forced(p):
            p.forced = set()
        mip = solve_mip(p, time_limit=30)
        assert mip.status == "optimal"
        assert solve_checked(p, ep=ep) == mip.levels
    assert any(better)
