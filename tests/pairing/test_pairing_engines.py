"""The engine table, the engine parameters, and the one budget of ``solve_pairing``: weighted
problems solved as weighted whatever the engine asked (the ``reduce`` bug), tiny limits and
stops answered with a checked pairing or a clear "none", progress reported per level."""

from __future__ import annotations

import importlib
import threading
from pathlib import Path

import pytest
from test_pairing_gap_search import _gap

from assignments.core.budget import Progress
from assignments.core.solver import CpRun, SolveStatus
from assignments.pairing import (
    ENGINE_TABLE,
    Candidate,
    EngineParams,
    Pairing,
    PairingProblem,
    check_pairing,
    choose_engine,
    pairing_levels,
    solve_pairing,
)
from assignments.pairing.mip import solve_mip

cpsat_engine = importlib.import_module("assignments.pairing.engines.cpsat")


def weighted_three() -> PairingProblem:
    """Weighted mode where the weighted optimum leaves a mandatory mentee unpaired: e1 (50) and
    e2 (49) beat e0 (mandatory, worth 1 point of penalty): −98, while solving the levels in
    order pairs e0 first (−52 in the weighted sum)."""
    return PairingProblem(
        ["m0", "m1"], ["e0", "e1", "e2"],
        [Candidate(0, 0, 1, 0), Candidate(0, 1, 50, 0), Candidate(1, 2, 49, 0),
         Candidate(1, 0, 2, 0)],
        capacity=[1, 1], budget=[None, None], mandatory=[True, False, False],
        objective_mode="weighted", weights={"mandatory": 1, "quality": 1, "fairness": 1})


def _weighted_value(p: PairingProblem, pairing: Pairing) -> int:
    lv = pairing_levels(p, pairing)
    q = -lv["quality"] if p.sense == "max" else lv["quality"]
    return sum(p.weights.get(n, 1) * (q if n == "quality" else lv[n]) for n in lv)


@pytest.mark.parametrize("engine", ["auto", "cpsat", "reduce", "highs"])
def test_weighted_problem_is_solved_weighted(engine: str) -> None:
    """Regression: ``engine="reduce"`` solved the levels lexicographically in weighted mode
    (−52 reported optimal where the weighted optimum is −98). Every engine now agrees with
    CP-SAT and with the independent MIP."""
    p = weighted_three()
    reference = solve_pairing(p, time_limit=5, engine="cpsat")
    r = solve_pairing(p, time_limit=5, engine=engine)
    assert r.status is SolveStatus.OPTIMAL and r.solution is not None
    assert check_pairing(p, r.solution) == []
    assert r.stats["weighted_objective"] == _weighted_value(p, r.solution) == -98
    assert reference.stats["weighted_objective"] == -98
    mip = solve_mip(p)
    assert mip.solution is not None and _weighted_value(p, mip.solution) == -98
    assert all(lv["state"] == "weighted" for lv in r.levels.values())


def test_engine_table() -> None:
    """The table decides, from the engine asked and the problem's shape."""
    ep = EngineParams()
    small = weighted_three()
    small.objective_mode = "lexicographic"
    gap = _gap(1, 3, 8, tight=0.9)
    big = PairingProblem([f"m{i}" for i in range(30)], [f"e{j}" for j in range(100)],
                         [Candidate(i, j, 1, 0) for i in range(30) for j in range(100)],
                         capacity=[5] * 30, budget=[None] * 30)
    assert choose_engine(small, "auto", ep) == "cpsat"
    assert choose_engine(small, "reduce", ep) == "split"
    assert choose_engine(big, "auto", ep) == "split"
    assert choose_engine(big, "auto", ep.replace(table_reduce_above=10**6)) == "cpsat"
    assert choose_engine(gap, "auto", ep) == "gap"
    assert choose_engine(gap, "reduce", ep) == "colgen"
    assert choose_engine(gap, "highs", ep) == "highs"
    assert choose_engine(weighted_three(), "reduce", ep) == "weighted"
    assert choose_engine(weighted_three(), "highs", ep) == "highs-weighted"
    assert {row.runs for row in ENGINE_TABLE} >= {"cpsat", "gap", "split", "colgen", "weighted"}
    with pytest.raises(ValueError, match="unknown engine"):
        choose_engine(small, "fast", ep)


def test_engine_params_from_toml(tmp_path: Path) -> None:
    """The shipped file holds the defaults; a file overrides only what it names; unknown names
    are refused."""
    assert EngineParams.shipped() == EngineParams()
    path = tmp_path / "mine.toml"
    path.write_text("[split]\nkernel_component = 0\n[lns]\nbb_share = 0.0\n"
                    "[table]\nstage_shares = [[1.0], [0.5, 1.0], [0.1, 0.5, 1.0]]\n",
                    encoding="utf-8")
    ep = EngineParams.from_toml(path)
    assert ep.split_kernel_component == 0 and ep.lns_bb_share == 0.0
    assert ep.stage_shares(2) == [0.5, 1.0]
    assert ep.split_full_mip_max == EngineParams().split_full_mip_max
    path.write_text("[split]\nkernel_componnet = 0\n", encoding="utf-8")
    with pytest.raises(ValueError, match="kernel_componnet"):
        EngineParams.from_toml(path)


@pytest.mark.parametrize("engine", ["cpsat", "reduce", "highs"])
def test_every_level_comes_back(engine: str) -> None:
    """``result.levels`` has every level with its state, value and bound (problem's sense)."""
    p = weighted_three()
    p.objective_mode = "lexicographic"
    p.balance_weight = 1
    r = solve_pairing(p, time_limit=5, engine=engine)
    assert r.solution is not None and check_pairing(p, r.solution) == []
    assert list(r.levels) == p.levels() == ["mandatory", "quality", "fairness"]
    recomputed = pairing_levels(p, r.solution)
    for n, lv in r.levels.items():
        assert lv["value"] == recomputed[n]
        assert lv["state"] in ("optimal", "feasible", "constant")
    assert r.levels["quality"]["value"] == 52  # e0 paired first (to m1, 2), then e1 (50)


def test_progress_reports_each_level() -> None:
    p = weighted_three()
    p.objective_mode = "lexicographic"
    seen: list[Progress] = []
    r = solve_pairing(p, time_limit=5, on_progress=seen.append)
    assert r.status is SolveStatus.OPTIMAL
    levels = {e.level for e in seen}
    assert {"mandatory", "quality"} <= levels
    assert all(e.elapsed >= 0 for e in seen)


@pytest.mark.parametrize("engine", ["auto", "reduce"])
def test_stop_before_start_returns_a_clear_answer(engine: str) -> None:
    """A stop already set: no traceback; a checked pairing marked stopped, or none with a line
    that says it was stopped."""
    stop = threading.Event()
    stop.set()
    p = _gap(4, 5, 30, tight=0.85)
    r = solve_pairing(p, time_limit=5, stop=stop, engine=engine)
    assert r.stopped
    if r.solution is not None:
        assert check_pairing(p, r.solution) == []
        assert r.status in (SolveStatus.FEASIBLE, SolveStatus.OPTIMAL)
    else:
        assert r.status is SolveStatus.UNKNOWN
        assert "stopped" in r.explanation[0]


def test_stop_during_the_search_returns_the_best_so_far() -> None:
    """A stop set while the large-neighbourhood search runs ends it early with the best
    assignment found, checked."""
    p = _gap(11, 10, 120, tight=0.85)
    stop = threading.Event()

    def on_progress(e: Progress) -> None:
        if e.message.startswith("lns") or e.message == "cp-sat":
            stop.set()

    r = solve_pairing(p, time_limit=20, stop=stop, on_progress=on_progress)
    assert r.stopped and r.solution is not None
    assert check_pairing(p, r.solution) == []
    assert r.objective == pairing_levels(p, r.solution)["quality"]


def test_rescue_draws_from_the_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    """CP-SAT made to find nothing: the rescue runs with the solve's own budget (its deadline is
    the budget's, not "at least a tenth of the limit" past it); a pairing or a clear "none"."""
    from assignments.pairing.engines import lns
    from assignments.pairing.params import deadline_of

    def nothing(*_a: object, **_k: object) -> CpRun[object]:
        return CpRun(SolveStatus.UNKNOWN, None, None, 0.0, None)

    seen: list[tuple[float, float]] = []
    real = lns.first_assignment

    def spy(p, params, ep, stats):  # type: ignore[no-untyped-def]
        assert params.budget is not None
        seen.append((deadline_of(params), params.budget.deadline))
        return real(p, params, ep, stats)

    monkeypatch.setattr(cpsat_engine, "_prove_then_search", nothing)
    monkeypatch.setattr(lns, "first_assignment", spy)
    p = _gap(7, 8, 60, tight=0.85)
    r = solve_pairing(p, time_limit=1.5)
    assert len(seen) == 1 and seen[0][0] == seen[0][1]
    if r.solution is None:
        assert r.status is SolveStatus.UNKNOWN
        assert r.explanation[0].startswith("no pairing was found within 1.5 s")
    else:
        assert check_pairing(p, r.solution) == []


@pytest.mark.parametrize("limit", [0.01, 0.2])
def test_tiny_time_limits(limit: float) -> None:
    """A tiny limit: a checked pairing or a clear "none yet", never a traceback."""
    for p in (_gap(3, 6, 50, tight=0.85), weighted_three()):
        r = solve_pairing(p, time_limit=limit)
        if r.solution is not None:
            assert check_pairing(p, r.solution) == []
        else:
            assert r.status in (SolveStatus.UNKNOWN, SolveStatus.INFEASIBLE)
            assert r.explanation
