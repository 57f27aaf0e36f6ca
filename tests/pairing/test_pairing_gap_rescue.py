"""When CP-SAT finds no assignment of an assign-all (GAP) problem in its share of the time (the
80 × 1,600 literature problems), the local search looks for a first one
(:func:`assignments.pairing.engines.lns.first_assignment`) and the large-neighbourhood search
improves it until the time limit, instead of "no pairing found" after a fifth of the time."""

from __future__ import annotations

import importlib
import math

import pytest
from test_pairing_gap_search import _gap

from assignments.core.solver import CpRun, SolveParams, SolveStatus
from assignments.pairing import EngineParams, check_pairing, pairing_levels, solve_pairing
from assignments.pairing.engines import lns
from assignments.pairing.engines.lns import first_assignment, improve
from assignments.pairing.problem import Candidate, Pairing, PairingProblem

cpsat_engine = importlib.import_module("assignments.pairing.engines.cpsat")


def _cost(p: PairingProblem, x: list[int]) -> int:
    pairing = Pairing(sorted(k for k, v in enumerate(x) if v))
    assert check_pairing(p, pairing) == []
    return int(pairing_levels(p, pairing)["quality"])


@pytest.mark.parametrize("seed", range(8))
def test_first_assignment_is_feasible_and_priced_right(seed: int) -> None:
    p = _gap(seed, 6, 40, tight=0.85, missing=0.2 if seed % 2 else 0.0)
    found = first_assignment(p, SolveParams(1.0, seed, 1, True))
    assert found is not None
    x, value = found
    assert sum(x) == len(p.mentees)
    assert _cost(p, x) == value


def test_first_assignment_deterministic_and_out_of_scope() -> None:
    p = _gap(3, 5, 30, tight=0.8)
    params = SolveParams(1.0, 4, 1, True)
    assert first_assignment(p, params) == first_assignment(p, params)
    heads = PairingProblem(p.mentors, p.mentees, p.candidates, capacity=[2] * len(p.mentors),
                           budget=p.budget, sense="min", assign_all=True)
    assert first_assignment(heads, params) is None  # head counts: not a GAP
    lonely = PairingProblem(["a"], ["j", "k"], [Candidate(0, 0, 1, 1)], capacity=[None],
                            budget=[5], sense="min", assign_all=True)
    assert first_assignment(lonely, params) is None  # a job without a pair


def test_improve_without_a_bound_searches() -> None:
    """No bound yet (NaN, as when CP-SAT found nothing): the search still runs."""
    p = _gap(5, 6, 40, tight=0.9)
    x, value = first_assignment(p, SolveParams(1.0, 0, 1, True)) or ([], 0)
    better = improve(p, x, float("nan"), SolveParams(1.0, 0, 1, True))
    assert better is not None and better[1] < value
    assert _cost(p, better[0]) == better[1]


def test_solve_rescues_when_cpsat_finds_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """CP-SAT made to find nothing: the result is a checked feasible pairing, not "no pairing"."""
    def nothing(*_args: object, **_kw: object) -> CpRun[object]:
        return CpRun(SolveStatus.UNKNOWN, None, None, 0.0, None)

    monkeypatch.setattr(cpsat_engine, "_prove_then_search", nothing)
    p = _gap(7, 8, 60, tight=0.85)
    r = solve_pairing(p, time_limit=2.0, num_workers=2, seed=0, deterministic=True)
    assert r.status is SolveStatus.FEASIBLE
    assert r.solution is not None
    assert check_pairing(p, r.solution) == []
    assert r.objective == pairing_levels(p, r.solution)["quality"]
    assert r.stats["rescue"]["rescue_cost"] >= r.objective
    again = solve_pairing(p, time_limit=2.0, num_workers=2, seed=0, deterministic=True)
    assert again.solution == r.solution


def test_large_problems_skip_the_lagrangian() -> None:
    """Above ``lns_lagrange_max_work`` the Lagrangian step is skipped; the search still
    improves."""
    p = _gap(9, 6, 40, tight=0.9)
    x, value = first_assignment(p, SolveParams(1.0, 0, 1, True)) or ([], 0)
    stats: dict[str, object] = {}
    better = improve(p, x, -math.inf, SolveParams(1.0, 0, 1, True),
                     EngineParams(lns_lagrange_max_work=1.0), stats=stats)
    assert stats["lagrange_skipped"] is True and "lagrange_bound" not in stats
    assert better is not None and better[1] < value and _cost(p, better[0]) == better[1]


@pytest.mark.parametrize("early", [True, False])
def test_large_problems_load_the_search_before_cpsat(monkeypatch: pytest.MonkeyPatch,
                                                     early: bool) -> None:
    """From ``table_gap_warm_early_pairs`` candidate pairs the local search is loaded (compiled
    on a new machine) before CP-SAT starts; below, only once CP-SAT's first phase has not proven the
    problem — and a problem that phase proves never loads it."""
    events: list[str] = []
    real = cpsat_engine.run_cpsat

    def cpsat(*args: object, **kw: object) -> object:
        events.append("cpsat")
        return real(*args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(cpsat_engine, "run_cpsat", cpsat)
    monkeypatch.setattr(cpsat_engine, "warm_search", lambda _ep: events.append("warm"))
    ep = EngineParams(table_gap_warm_early_pairs=1 if early else 10**9)
    p = _gap(2, 3, 8, tight=0.9)  # proven by CP-SAT's first phase
    r = solve_pairing(p, time_limit=5.0, num_workers=2, seed=0, deterministic=True,
                      engine_params=ep)
    assert r.status is SolveStatus.OPTIMAL and r.solution is not None
    assert check_pairing(p, r.solution) == []
    assert "cpsat" in events
    assert events[0] == "warm" if early else "warm" not in events


def test_no_first_assignment_says_what_ran(monkeypatch: pytest.MonkeyPatch) -> None:
    """Neither CP-SAT nor the local search found an assignment: "no pairing" says so, with the
    local search's rounds and its first-use compilation, and returns no solution."""
    def nothing(*_args: object, **_kw: object) -> CpRun[object]:
        return CpRun(SolveStatus.UNKNOWN, None, None, 0.0, None)

    def no_rescue(_p: object, _params: object, _ep: object,
                  stats: dict[str, object]) -> None:
        stats["rescue_rounds"] = 3

    monkeypatch.setattr(cpsat_engine, "_prove_then_search", nothing)
    monkeypatch.setattr(lns, "first_assignment", no_rescue)
    r = solve_pairing(_gap(7, 8, 60, tight=0.85), time_limit=2.0, num_workers=2, seed=0,
                      deterministic=True)
    assert r.status is SolveStatus.UNKNOWN and r.solution is None
    assert r.explanation[0].startswith("no pairing was found within 2 s")
    assert "ran 3 round(s)" in r.explanation[1] and "compiles" in r.explanation[1]
