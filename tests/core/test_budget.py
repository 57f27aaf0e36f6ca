"""The one time budget: time left, progress reports, and a stop that ends CP-SAT and HiGHS runs.

Small models whose search would take far longer than the test (a hard pigeonhole-like
feasibility model) show that a set stop event or an exhausted budget ends the run quickly; no
timing assertion: the tests assert the run ended and says so (status, ``stopped`` flag).
"""

from __future__ import annotations

import threading

import pytest
from ortools.sat.python import cp_model

from assignments.core.budget import Budget, Progress
from assignments.core.highs import HighsLinear
from assignments.core.i18n import use_lang
from assignments.core.solver import SolveParams, SolveStatus, run_cpsat, solve_params


def _hard_model(n: int = 50) -> tuple[cp_model.CpModel, list[cp_model.IntVar]]:
    """A market-split instance (Cornuéjols & Dawande): 5 equality rows with random coefficients
    0..99 over ``n`` binaries, right-hand side half the row sum — notoriously hard for every
    solver at this size (each run here lasts until it is stopped)."""
    import random

    rng = random.Random(7)
    m = cp_model.CpModel()
    x = [m.new_bool_var(f"x{j}") for j in range(n)]
    for _ in range(5):
        a = [rng.randint(0, 99) for _ in range(n)]
        m.add(sum(c * v for c, v in zip(a, x, strict=True)) == sum(a) // 2)
    return m, x


def test_budget_time_accounting() -> None:
    """remaining() shrinks from the limit, seconds() takes a share of it, slack is max(1 s, 5 %)."""
    b = Budget(10.0)
    assert 9.0 < b.remaining() <= 10.0
    assert 4.0 < b.seconds(0.5) <= 5.0
    assert b.seconds(0.1, floor=20.0) <= 10.0  # never more than what is left
    assert not b.should_end()
    assert b.slack() == 1.0
    assert Budget(100.0).slack() == pytest.approx(5.0)
    assert Budget(0.0).should_end()


def test_stop_flag_and_progress_errors() -> None:
    """A set event ends the budget; an exception in the progress callback does not escape."""
    stop = threading.Event()
    seen: list[Progress] = []

    def bad(p: Progress) -> None:
        seen.append(p)
        raise RuntimeError("display broke")

    b = Budget(60.0, stop=stop, on_progress=bad)
    b.report("quality", 5, 3)
    assert seen and seen[0].level == "quality" and seen[0].gap == pytest.approx(2 / 5)
    assert not b.should_end()
    stop.set()
    assert b.stopped() and b.should_end()


def test_stop_ends_a_cpsat_run() -> None:
    """A stop set from another thread ends a CP-SAT run that has a 60 s limit."""
    m, _x = _hard_model()
    stop = threading.Event()
    params = solve_params(time_limit=60, num_workers=2, stop=stop)
    threading.Timer(0.5, stop.set).start()
    run = run_cpsat(m, params, lambda s: None)
    assert run.status is SolveStatus.UNKNOWN
    assert run.stats["stopped"] is True
    assert run.runtime < 30  # generous: without the stop it would run 60 s


def test_budget_caps_a_longer_stage_limit() -> None:
    """A stage asking for 60 s gets only what the solve's 1 s budget has left."""
    m, _x = _hard_model()
    params = solve_params(time_limit=1.0, num_workers=1)
    run = run_cpsat(m, params.with_time(60.0), lambda s: None)
    assert run.status is SolveStatus.UNKNOWN
    assert run.stats["wall_time"] < 10


def test_stop_before_the_run_returns_at_once() -> None:
    stop = threading.Event()
    stop.set()
    m, _x = _hard_model(10)
    run = run_cpsat(m, solve_params(time_limit=60, stop=stop), lambda s: None)
    assert run.status is SolveStatus.UNKNOWN and run.stats["stopped"]


def test_progress_reports_improving_cpsat_solutions() -> None:
    """on_progress receives the run's level (the label after its last ':') with objective and
    bound of improving solutions."""
    m = cp_model.CpModel()
    xs = [m.new_int_var(0, 10, f"x{i}") for i in range(5)]
    m.add(sum(xs) >= 17)
    m.minimize(sum((i + 1) * x for i, x in enumerate(xs)))
    seen: list[Progress] = []
    params = solve_params(time_limit=10, num_workers=1, on_progress=seen.append)
    run = run_cpsat(m, params, lambda s: [s.value(x) for x in xs], label="demo:quality")
    assert run.status is SolveStatus.OPTIMAL
    assert seen and all(p.level == "quality" for p in seen)
    assert seen[-1].incumbent == run.objective


def test_highs_keeps_the_budget_deadline() -> None:
    """HiGHS (MathOpt) asked for 60 s inside a solve with a 1 s budget ends with that budget
    (MathOpt's HiGHS ignores interrupters, so a stop acts between HiGHS calls; the deadline is
    kept by the time limit given to each call)."""
    m, x = _hard_model()
    params = SolveParams(60.0, budget=Budget(1.0))
    run = HighsLinear(m).solve(sum(x), params, lambda s: None)
    assert run.status in (SolveStatus.UNKNOWN, SolveStatus.INFEASIBLE, SolveStatus.FEASIBLE)
    assert run.runtime < 30


def test_solve_params_rejects_a_non_positive_limit() -> None:
    with pytest.raises(ValueError, match="time limit"):
        solve_params(time_limit=0)
    p = solve_params(time_limit=5, preset="fast", num_workers=0)
    assert p.workers == 1 and p.budget is not None and p.extra


def test_deterministic_note_only_when_the_wall_clock_cut_the_work() -> None:
    """A deterministic solve whose work an engine reports cut by the wall clock says its result
    may not be reproducible; otherwise, or when not deterministic, nothing is said."""
    b = Budget(0.0)
    assert b.deterministic_note(True) == []
    b.cut = True
    assert b.deterministic_note(True)[0].startswith("deterministic mode: the 0 s time limit")
    with use_lang("zh"):
        assert b.deterministic_note(True)[0].startswith("确定性模式：0 秒的时间上限")
    assert b.deterministic_note(False) == []


def test_a_cpsat_run_cut_by_the_wall_clock_marks_the_budget() -> None:
    """Deterministic CP-SAT with a large deterministic limit inside a 0.5 s budget: the wall
    clock ends it, the run says ``wall_cut`` and the budget is marked cut."""
    m, _x = _hard_model()
    params = solve_params(time_limit=0.5, num_workers=1, deterministic=True)
    run = run_cpsat(m, params.with_time(60.0), lambda s: None)
    assert run.stats["wall_cut"] and params.budget is not None and params.budget.cut
