"""The one level runner: lexicographic optima equal brute force, and every level comes back.

Random small binary programs (a few rows, three levels) are solved by ``solve_levels`` with
CP-SAT and with HiGHS; the level values must equal the lexicographic minimum found by
enumerating every 0/1 vector. A run cut short (stop after the first level, no time) must still
return every level with its state — the roster's ``KeyError: 'fairness'`` came from a runner
that returned only the levels it reached.
"""

from __future__ import annotations

import itertools
import random
import threading
from typing import Any

import pytest
from ortools.sat.python import cp_model

from assignments.core.budget import Budget, Progress
from assignments.core.levels import (
    CpSatBackend,
    HighsBackend,
    Level,
    LevelState,
    lexicographic_weights,
    solve_levels,
    solve_weighted,
)
from assignments.core.solver import SolveParams, SolveStatus, solve_params


def _instance(seed: int) -> tuple[cp_model.CpModel, list[Any], list[Level], Any]:
    rng = random.Random(seed)
    n = rng.randint(4, 8)
    m = cp_model.CpModel()
    x = [m.new_bool_var(f"x{i}") for i in range(n)]
    rows = []
    for _ in range(rng.randint(1, 3)):
        a = [rng.randint(-2, 3) for _ in range(n)]
        rhs = rng.randint(0, max(1, sum(max(0, c) for c in a) // 2))
        m.add(sum(c * v for c, v in zip(a, x, strict=True)) >= rhs)
        rows.append((a, rhs))
    objs = [[rng.randint(-3, 4) for _ in range(n)] for _ in range(3)]
    levels = [
        Level(f"L{k}", sum(c * v for c, v in zip(o, x, strict=True)),
              ub=sum(max(0, c) for c in o) - sum(min(0, c) for c in o))
        for k, o in enumerate(objs)
    ]

    def brute() -> tuple[int, ...] | None:
        best = None
        for bits in itertools.product((0, 1), repeat=n):
            if all(sum(c * b for c, b in zip(a, bits, strict=True)) >= r for a, r in rows):
                key = tuple(sum(c * b for c, b in zip(o, bits, strict=True)) for o in objs)
                best = key if best is None or key < best else best
        return best

    return m, x, levels, brute


@pytest.mark.parametrize("backend", [CpSatBackend, HighsBackend])
@pytest.mark.parametrize("seed", range(12))
def test_levels_equal_brute_force(backend: Any, seed: int) -> None:
    """Each level's value equals the brute-force lexicographic minimum; states are optimal."""
    m, x, levels, brute = _instance(seed)
    expected = brute()
    run = solve_levels(backend(m), levels, SolveParams(10.0, workers=1),
                       lambda s: [int(s.value(v)) for v in x])
    if expected is None:
        assert run.status is SolveStatus.INFEASIBLE and run.values is None
        assert set(run.levels) == {"L0", "L1", "L2"}
        return
    assert run.status is SolveStatus.OPTIMAL
    assert tuple(run.levels[f"L{k}"].value for k in range(3)) == expected
    assert all(r.state is LevelState.OPTIMAL for r in run.levels.values())
    # the extracted solution has those level values
    assert run.values is not None


def test_every_level_comes_back_when_stopped_after_the_first() -> None:
    """A stop requested when the first level is done: that level is reported, the others are
    'not reached' but carry their value at the returned solution (never a missing key)."""
    m, x, levels, brute = _instance(3)
    stop = threading.Event()

    def on_progress(p: Progress) -> None:
        if p.message == "level done":
            stop.set()

    params = solve_params(time_limit=10, num_workers=1, stop=stop, on_progress=on_progress)
    run = solve_levels(CpSatBackend(m), levels, params, lambda s: [int(s.value(v)) for v in x])
    assert run.stopped
    assert run.status is SolveStatus.FEASIBLE
    assert run.levels["L0"].state is LevelState.OPTIMAL
    assert run.levels["L0"].value == brute()[0]
    for name in ("L1", "L2"):
        assert run.levels[name].state is LevelState.NOT_REACHED
        assert run.levels[name].value is not None and run.levels[name].bound is None


def test_constant_levels_and_feasibility_only() -> None:
    m = cp_model.CpModel()
    x = m.new_bool_var("x")
    m.add(x == 1)
    run = solve_levels(CpSatBackend(m), [Level("a", 4), Level("b", 0)], SolveParams(5.0),
                       lambda s: s.value(x))
    assert run.status is SolveStatus.OPTIMAL and run.values == 1
    assert run.levels["a"].state is LevelState.CONSTANT and run.levels["a"].value == 4


def test_highs_without_time_returns_every_level() -> None:
    """HiGHS given no time: whatever it reached, every level name is in the result."""
    m, _x, levels, _brute = _instance(5)
    params = SolveParams(1e-3, workers=1, budget=Budget(1e-3))
    run = solve_levels(HighsBackend(m), levels, params, lambda s: None)
    assert set(run.levels) == {"L0", "L1", "L2"}


def test_weighted_equals_brute_force_of_the_sum() -> None:
    m, x, levels, _brute = _instance(7)
    w = {"L0": 3, "L1": 2, "L2": 1}
    run = solve_weighted(CpSatBackend(m), levels, w, SolveParams(10.0, workers=1),
                         lambda s: [int(s.value(v)) for v in x])
    assert run.status is SolveStatus.OPTIMAL and run.values is not None
    total = sum(w[n] * r.value for n, r in run.levels.items() if r.value is not None)
    assert total == run.stats["weighted_objective"]
    assert all(r.state is LevelState.WEIGHTED for r in run.levels.values())


def test_lexicographic_weights_order_like_the_levels() -> None:
    w = lexicographic_weights(["a", "b", "c"], {"a": 5, "b": 3, "c": 9})
    assert w == {"c": 1, "b": 10, "a": 40}
    # one unit of a level outweighs the largest value of every later level together
    assert w["a"] > 3 * w["b"] + 9 * w["c"]
