"""The roster keeps its time limit (DEVELOPERS.md "Limits are promises").

* every HiGHS and CP-SAT sub-solve (levels, first roster, deferral alternatives) gets a limit
  no longer than what is left of the solve's one deadline (solver calls patched to record it;
  no wall time asserted);
* when no level finishes in time (patched: HiGHS' level runner finds nothing), the roster that
  HiGHS found first without an objective is returned — checked by the independent checker,
  not proven, the phase named in ``stats["cut_short"]`` with a warning — instead of no roster
  (the city hospital at 5–10 s had none). The roster has no rule-abiding greedy baseline
  (the office's greedy breaks rules), so "never worse than greedy" reads: a checked roster
  whenever any was found;
* a HiGHS run is not started when its set-up alone (about a model build) would pass the
  deadline: the result says the levels were cut short.
"""

from __future__ import annotations

import importlib

import pytest
from budget_spies import SubSolveSpy

from assignments.core.highs import HighsLinear, LevelRun
from assignments.core.solver import SolveStatus
from assignments.roster import solve
from assignments.roster.solution import check

LANG = "en"

S = importlib.import_module("assignments.roster.solve")


@pytest.mark.parametrize("engine", ["highs", "cpsat"])
def test_every_sub_solve_limit_within_what_is_left(county, monkeypatch, engine) -> None:
    spy = SubSolveSpy(monkeypatch)
    monkeypatch.setattr(S, "FIRST_ROSTER_BELOW", 1e6, raising=False)  # the first-roster run too
    r = solve(county, time_limit=1.5, engine=engine, num_workers=1, explain=False)
    spy.check()
    if r.solution is not None:  # R11 is reported as a warning on an unproven roster
        assert [v for v in check(county, r.solution) if v.rule != "R11"] == []


def test_no_level_in_time_returns_the_first_roster_checked(county, monkeypatch) -> None:
    monkeypatch.setattr(S, "FIRST_ROSTER_BELOW", 1e6, raising=False)

    def nothing(self, levels, params, extract, on_level=None, label="solve"):
        return LevelRun(SolveStatus.UNKNOWN, None)  # as when the first MIP is cut by the limit

    monkeypatch.setattr(HighsLinear, "solve_levels", nothing)
    r = solve(county, time_limit=20, engine="highs", num_workers=1, explain=False)
    assert r.solution is not None
    assert r.status is SolveStatus.FEASIBLE
    assert [v for v in check(county, r.solution) if v.rule != "R11"] == []
    assert r.stats["first_roster"] is True
    assert "levels" in r.stats["cut_short"]
    assert any("cut short" in w and "levels" in w for w in r.warnings)
    assert {s["state"] for n, s in r.levels.items()} <= {"not reached", "constant"}
    assert r.objectives  # the checker's levels of the roster returned


def test_highs_not_started_when_its_set_up_would_pass_the_deadline(county, monkeypatch
                                                                   ) -> None:
    # no HiGHS set-up fits in what is left
    monkeypatch.setattr(S, "NEXT_ALTERNATIVE_SHARE", 1e6, raising=False)
    spy = SubSolveSpy(monkeypatch)
    r = solve(county, time_limit=5, engine="highs", num_workers=1, explain=False)
    assert r.solution is None and r.status is SolveStatus.UNKNOWN
    assert "levels" in r.stats["cut_short"]
    assert not [c for c in spy.calls if c[0] == "highs"]
