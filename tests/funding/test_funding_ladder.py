"""The reduced-cost ladder (knapsack/ladder.py): exact stage by stage.

* on random instances, every stage's value equals the plain MIP's (HiGHS on the model without
  one-hot levels, no fixing), with the ladder started aggressively (most columns fixed, so that
  it has to climb) and gently;
* the fixings the ladder keeps after a stage never cut off the plain solve's optimal plan;
* HiGHS' cutoff (``objective_bound``) reads as the ladder relies on: a plan at most the cutoff is
  optimal, anything else means that no plan reaches the cutoff.
"""

from __future__ import annotations

import random
import time
from typing import Any

import pytest
from funding_fixtures import random_data
from ortools.sat.python import cp_model

from assignments.core.highs import HighsLinear
from assignments.core.solver import SolveParams, SolveStatus
from assignments.funding.data import problem
from assignments.funding.model import build_model
from assignments.funding.solution import check, coverage, level_order
from assignments.funding.solve import _solution, solve, stages_of
from assignments.knapsack.ladder import Ladder, StageResult

PARAMS = SolveParams(30.0, 0, 1, False, False, False, {})


def _extract(fm: Any, stages: list[tuple[str, Any]]):
    def extract(s: Any) -> dict[str, Any]:
        return {"stages": {n: int(s.value(e)) for n, e in stages},
                "level": {j: int(s.value(e)) if not isinstance(e, int) else e
                          for j, e in fm.level.items()},
                "alloc": fm.allocation(s.value)}
    return extract


def _plain(data: Any) -> list[tuple[str, int, Any]]:
    """Stage values of the plain HiGHS MIP (no one-hot levels, no fixing): (name, value, plan)."""
    prob = problem(data)
    fm = build_model(prob, levels=level_order(data))
    stages = stages_of(fm, level_order(data))
    eng = HighsLinear(fm.model)
    out = []
    for name, expr in stages:
        run = eng.solve(expr, PARAMS, _extract(fm, stages))
        if run.status is SolveStatus.INFEASIBLE:
            return []
        assert run.status is SolveStatus.OPTIMAL and run.objective is not None
        out.append((name, int(run.objective), run.values))
        fm.model.add(expr <= int(run.objective))
    return out


@pytest.mark.parametrize("seed", range(30))
@pytest.mark.parametrize("share", [0.95, 0.5])
def test_ladder_stages_equal_the_plain_mip(seed: int, share: float) -> None:
    data = random_data(1000 + seed, n_projects=(8, 16))
    plain = _plain(data)
    prob = problem(data)
    order = level_order(data)
    fm = build_model(prob, levels=order, onehot=True)
    stages = stages_of(fm, order)
    ladder = Ladder(HighsLinear(fm.model))
    extract = _extract(fm, stages)
    start = None
    for k, (name, expr) in enumerate(stages):
        sr = ladder.stage(expr, PARAMS, extract, start, fix_share=share)
        if not plain:
            assert k == 0 and sr.status is SolveStatus.INFEASIBLE
            return
        assert sr.status is SolveStatus.OPTIMAL, (name, sr.log)
        assert (name, sr.value) == plain[k][:2], sr.log
        assert sr.bound == sr.value
        sol = _solution(prob, sr.values)
        assert check(data, sol, prob) == []
        fm.model.add(expr <= int(sr.value))
        # the fixings kept for the later stages hold the plain solve's optimal plan of this stage
        other = _solution(prob, plain[k][2])
        vec = fm.full_values(other, [(c.shortfall, c.permille) for c in coverage(data, other,
                                                                                  prob)])
        assert ladder.feasible(__import__("numpy").asarray(vec, dtype=float)), name
        start = sr.x


def test_the_ladder_climbs_somewhere() -> None:
    """The aggressive start leaves rungs without a plan on some instances (so the climbing and
    the bounds it proves are exercised), and reduced-cost fixing fixes columns."""
    climbs = fixed = 0
    for seed in range(10):
        data = random_data(1000 + seed, n_projects=(8, 16))
        prob = problem(data)
        order = level_order(data)
        fm = build_model(prob, levels=order, onehot=True)
        stages = stages_of(fm, order)
        ladder = Ladder(HighsLinear(fm.model))
        free = int((ladder.lb < ladder.ub).sum())
        for _name, expr in stages:
            sr = ladder.stage(expr, PARAMS, _extract(fm, stages), None, fix_share=0.95)
            if sr.value is None:
                break
            climbs += sum(r["rung"] == "mip" for r in sr.log) > 1
            fm.model.add(expr <= int(sr.value))
        fixed += free - int((ladder.lb < ladder.ub).sum())
    assert climbs >= 3
    assert fixed > 0


@pytest.mark.parametrize("seed", range(6))
def test_solve_ladder_equals_plain_strategy(seed: int) -> None:
    """``solve`` with the ladder (HiGHS) and plain CP-SAT agree on every level."""
    data = random_data(2000 + seed, n_projects=(10, 18))
    a = solve(data, time_limit=30, num_workers=1, explain=False, engine="highs",
              strategy="ladder")
    b = solve(data, time_limit=30, num_workers=1, explain=False, engine="cpsat",
              strategy="plain")
    assert a.status is b.status
    if a.status is SolveStatus.OPTIMAL:
        assert a.objectives == b.objectives
        assert a.bound == a.objective


def test_highs_cutoff_reads_as_the_ladder_relies_on() -> None:
    """Random small integer programs, cutoffs around the optimum (with and without an offset)."""
    for seed in range(40):
        rnd = random.Random(seed)
        m = cp_model.CpModel()
        xs = [m.new_int_var(0, rnd.choice([1, 1, 3]), f"x{i}") for i in range(rnd.randint(5, 12))]
        for _ in range(rnd.randint(1, 3)):
            m.add(sum(rnd.randint(1, 30) * x for x in xs) <= rnd.randint(30, 150))
        expr = rnd.choice([0, 500]) - sum(rnd.randint(1, 40) * x for x in xs)
        opt = HighsLinear(m).solve(expr, PARAMS, lambda s: None).objective
        assert opt is not None
        for d in (-3, -0.5, 0.5, 2):
            r = HighsLinear(m).solve(expr, PARAMS, lambda s: None, cutoff=opt + d)
            assert r.status in (SolveStatus.OPTIMAL, SolveStatus.INFEASIBLE)
            if r.objective is not None and r.objective <= opt + d:
                assert r.objective == opt
            else:
                assert opt > opt + d


@pytest.mark.parametrize("seed", range(5))
def test_rens_fallback_gives_a_checked_plan(seed: int) -> None:
    """RENS (used when the rungs find no plan in time) returns a valid plan, never better than
    the stage's optimum."""
    import numpy as np

    data = random_data(1000 + seed, n_projects=(8, 16))
    plain = _plain(data)
    if not plain:
        return
    prob = problem(data)
    order = level_order(data)
    fm = build_model(prob, levels=order, onehot=True)
    stages = stages_of(fm, order)
    ladder = Ladder(HighsLinear(fm.model))
    _name, expr = stages[0]
    rel = ladder.backend.relax(expr, PARAMS)
    assert rel.values is not None
    out = StageResult(SolveStatus.UNKNOWN, None, None)
    ladder._rens(expr, PARAMS, _extract(fm, stages), rel.values, time.perf_counter() + 30, out)
    assert out.log and out.log[0]["rung"] == "rens"
    if out.x is None:  # RENS may find nothing (the LP's integral 0/1 columns fixed)
        return
    assert out.value is not None and out.value >= plain[0][1]
    assert ladder.feasible(np.asarray(out.x))
    sol = _solution(prob, ladder.backend.read(out.x.tolist(), _extract(fm, stages)))
    assert check(data, sol, prob) == []
