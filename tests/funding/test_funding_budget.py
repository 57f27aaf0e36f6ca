"""The one solve signature of fund allocation: one budget, progress, stop, every level.

* a stop set from the progress callback after its first report ends the solve with a checked
  allocation marked ``stopped``;
* a tiny time limit gives a checked answer or a clear "none yet", never a traceback;
* ``result.levels`` holds every level with its state, whichever engine runs;
* presets load through ``configs/``; a wrong one is a clear error.
"""

from __future__ import annotations

import threading

import pytest
from funding_fixtures import COUNTY_XLSX, TINY_XLSX

from assignments.core.budget import Progress
from assignments.core.solver import SolveStatus
from assignments.funding.data import read_funding
from assignments.funding.solution import check, level_order, objective_levels
from assignments.funding.solve import solve

LANG = "en"  # these tests read the English messages (msgids)


@pytest.fixture(scope="module")
def county():
    return read_funding(COUNTY_XLSX)


@pytest.mark.parametrize("engine", ["auto", "cpsat"])
def test_stop_after_first_report_returns_checked_plan(county, engine: str) -> None:
    """The callback sets ``stop`` on its first report: the allocation returned is checked,
    marked stopped, and every level is listed with its state."""
    stop = threading.Event()
    seen: list[Progress] = []

    def on_progress(p: Progress) -> None:
        seen.append(p)
        stop.set()

    r = solve(county, time_limit=30, num_workers=1, engine=engine, on_progress=on_progress,
              stop=stop)
    assert seen and seen[0].elapsed >= 0
    assert r.stopped
    assert r.status is SolveStatus.FEASIBLE
    assert r.solution is not None and check(county, r.solution) == []
    assert r.objective == objective_levels(county, r.solution)["benefit"]
    assert set(r.levels) == {"coverage", "benefit", "idle"}
    assert any(lv["state"] == "not reached" for lv in r.levels.values())


@pytest.mark.parametrize("engine", ["auto", "cpsat", "highs"])
def test_tiny_time_limit_checked_or_none_yet(county, engine: str) -> None:
    """0.01 s: a checked plan (the greedy start at least) or a clear "none yet"."""
    r = solve(county, time_limit=0.01, num_workers=1, engine=engine)
    if r.solution is None:
        assert r.status is SolveStatus.UNKNOWN and r.explanation
    else:
        assert r.status.has_solution and check(county, r.solution) == []
    assert set(r.levels) == {"coverage", "benefit", "idle"}


def test_tiny_time_limit_without_a_start_says_none_yet(county) -> None:
    """Without the greedy start, a limit too short for any plan says so (or returns one)."""
    r = solve(county, time_limit=0.01, num_workers=1, engine="cpsat", hints=False)
    if r.solution is None:
        assert r.status is SolveStatus.UNKNOWN
        assert "No plan was found" in r.explanation[0]
    else:
        assert check(county, r.solution) == []


@pytest.mark.parametrize("engine", ["auto", "cpsat", "highs"])
def test_every_level_comes_back(engine: str) -> None:
    """Proven optimal on the tiny instance: each level optimal, its value the checker's."""
    data = read_funding(TINY_XLSX)
    r = solve(data, time_limit=20, num_workers=1, engine=engine)
    assert r.status is SolveStatus.OPTIMAL and not r.stopped
    assert r.solution is not None and check(data, r.solution) == []
    assert level_order(data) == ["unmet", "shortfall", "benefit", "idle"]
    assert {n: lv["state"] for n, lv in r.levels.items()} == {
        "coverage": "optimal", "benefit": "optimal", "idle": "optimal"}
    assert r.levels["benefit"]["value"] == -r.objective == -objective_levels(
        data, r.solution)["benefit"]


def test_progress_reports_levels(county) -> None:
    """Reports name the levels, with the incumbent in minimisation form."""
    seen: list[Progress] = []
    r = solve(county, time_limit=30, num_workers=1, on_progress=seen.append)
    assert r.status.has_solution and r.solution is not None
    done = [p for p in seen if p.message == "level done"]
    assert [p.level for p in done] == [n for n in r.levels if n in {p.level for p in done}]
    assert done[-1].incumbent == r.levels[done[-1].level]["value"]


def test_preset_selects_cpsat_and_bad_preset_is_clear() -> None:
    """A preset's CP-SAT parameters mean CP-SAT under ``auto``; an unknown one is a ValueError
    naming the presets there are."""
    data = read_funding(TINY_XLSX)
    r = solve(data, time_limit=20, num_workers=1, preset="fast")
    assert r.stats["engine"] == "cpsat" and r.stats["preset"] == "fast"
    assert r.status is SolveStatus.OPTIMAL and check(data, r.solution) == []
    with pytest.raises(ValueError, match="unknown preset 'nope'; available: default"):
        solve(data, time_limit=5, preset="nope")
    with pytest.raises(ValueError, match="time limit"):
        solve(data, time_limit=0)


@pytest.mark.parametrize(("engine", "strategy"), [("highs", "plain"), ("highs", "rens"),
                                                  ("cpsat", "core"), ("highs", "ladder")])
def test_every_strategy_reaches_the_tiny_optimum(engine: str, strategy: str) -> None:
    """Each backend of the level runner (the ladder; plain HiGHS, RENS, CP-SAT with the core
    search through FundingStages) proves the tiny optimum worked out in docs/funding.md."""
    data = read_funding(TINY_XLSX)
    r = solve(data, time_limit=20, num_workers=1, engine=engine, strategy=strategy)
    assert r.status is SolveStatus.OPTIMAL, r.stats["stages"]
    assert r.solution is not None and check(data, r.solution) == []
    assert r.objectives == {"unmet": 1.0, "shortfall": 34.0, "benefit": 1276.0, "idle": 0.0}
    assert r.stats["strategy"] == strategy and r.stats["engine"] == engine
