"""Fund allocation keeps its time limit (DEVELOPERS.md "Limits are promises").

* every HiGHS and CP-SAT sub-solve of a solve gets a limit no longer than what is left of the
  solve's one deadline (the solver calls are patched to record it; no wall time asserted);
* the work after the levels is reserved up front, measured on the start plan
  (``stats["post_reserved"]``), and the checker's levels of a plan are computed once (on
  2,000 projects each computation takes about 0.4 s: the post work was computing them once per
  level per plan);
* when the time left cannot pay for the engines (patched: the reserve takes it all), the
  checked greedy plan is returned, no worse than the greedy baseline, with the phase named in
  ``stats["cut_short"]`` and a warning.
"""

from __future__ import annotations

import importlib

import pytest
from budget_spies import SubSolveSpy
from funding_fixtures import COUNTY_XLSX

from assignments.core.solver import SolveStatus
from assignments.funding.data import problem, read_funding
from assignments.funding.greedy import greedy
from assignments.funding.solution import check
from assignments.funding.solve import _stage_value, solve

LANG = "en"

S = importlib.import_module("assignments.funding.solve")


@pytest.fixture(scope="module")
def county():
    return read_funding(COUNTY_XLSX)


def _values(data, plan, names):
    prob = problem(data)
    return [_stage_value(data, prob, plan, n) for n in names]


def _greedy_values(data, names):
    return _values(data, greedy(data, problem(data)), names)


@pytest.mark.parametrize("engine", ["auto", "cpsat"])
def test_every_sub_solve_limit_within_what_is_left(county, monkeypatch, engine) -> None:
    spy = SubSolveSpy(monkeypatch)
    r = solve(county, time_limit=2, engine=engine, num_workers=1)
    spy.check()
    assert r.solution is not None and check(county, r.solution) == []


def test_levels_of_a_plan_computed_once(county, monkeypatch) -> None:
    """The floor's comparison and the result use one computation of the checker's levels per
    plan (the start, the engine's plan, its greedy completion), not one per level."""
    calls = []
    real = S.objective_levels

    def counted(*a, **k):
        calls.append(1)
        return real(*a, **k)

    monkeypatch.setattr(S, "objective_levels", counted)
    r = solve(county, time_limit=0.5, num_workers=1)
    assert r.solution is not None and check(county, r.solution) == []
    assert r.stats["post_reserved"] > 0
    assert len(calls) <= 5, len(calls)


def test_no_time_for_the_engines_returns_checked_greedy(county, monkeypatch) -> None:
    """The reserve for the work after the levels takes all the time left (patched factor):
    no engine runs, the checked greedy plan comes back, named as cut short."""
    monkeypatch.setattr(S, "POST_FACTOR", 1e6)
    spy = SubSolveSpy(monkeypatch)
    r = solve(county, time_limit=1.0, num_workers=1)
    assert r.status is SolveStatus.FEASIBLE and r.solution is not None
    assert check(county, r.solution) == []
    names = [n for n, _e in S._all_stages(
        S.build_model(problem(county), levels=S.level_order(county)), S.level_order(county))]
    mine = _values(county, r.solution, names)
    assert mine <= _greedy_values(county, names)  # never worse than the greedy baseline
    assert "engine" in r.stats["cut_short"]
    assert any("cut short" in w and "engine" in w for w in r.warnings)
    assert not [c for c in spy.calls if c[0] in ("highs", "cp-sat")]  # no engine ran


def test_small_limit_plan_checked_not_worse_than_greedy(county) -> None:
    """A small limit: a checked plan at least as good as the greedy baseline; any phase cut is
    named with a warning."""
    r = solve(county, time_limit=0.3, num_workers=1)
    assert r.solution is not None and check(county, r.solution) == []
    names = list(r.levels)
    mine = _values(county, r.solution, names)
    assert mine <= _greedy_values(county, names)
    cut = r.stats.get("cut_short") or []  # a phase cut short is named, with a warning
    assert bool(cut) == any("cut short" in w for w in r.warnings), (cut, r.warnings)
