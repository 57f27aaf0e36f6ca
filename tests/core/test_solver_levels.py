"""The HiGHS lexicographic engine (``HighsLinear.solve_levels``) against CP-SAT, level by level.

Random small integer programs — binary and small-integer variables, random linear rows, two or
three random objective levels — are solved lexicographically twice: by CP-SAT, one stage at a
time with the previous levels bounded by their optimum, and by ``solve_levels`` (LP relaxation
first, optimal-face restriction when integral, MIP when fractional, folded levels). Both must
report the same level values, and ``solve_levels``'s solution must satisfy every row. The
random rows make fractional LPs common, so both of the engine's paths are exercised (checked).
"""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

import pytest
from ortools.sat.python import cp_model

from assignments.core.highs import HighsLinear
from assignments.core.solver import SolveParams, SolveStatus, run_cpsat


def _instance(seed: int) -> tuple[cp_model.CpModel, list[Any], list[tuple[str, Any, int]], list]:
    rng = random.Random(seed)
    m = cp_model.CpModel()
    n = rng.randint(4, 9)
    xs = [m.new_int_var(0, rng.choice((1, 1, 2, 3)), f"x{i}") for i in range(n)]
    rows = []
    for _ in range(rng.randint(2, 6)):
        coefs = [rng.randint(-2, 4) for _ in xs]
        lhs = sum(c * x for c, x in zip(coefs, xs, strict=True))
        kind = rng.random()
        if kind < 0.45:
            rhs = rng.randint(1, 3 * n)
            m.add(lhs <= rhs)
            rows.append((coefs, None, rhs))
        elif kind < 0.9:
            rhs = rng.randint(0, n)
            m.add(lhs >= rhs)
            rows.append((coefs, rhs, None))
        else:
            rhs = rng.randint(0, n)
            m.add(lhs == rhs)
            rows.append((coefs, rhs, rhs))
    levels = []
    for k in range(rng.randint(2, 3)):
        coefs = [rng.randint(-5, 5) for _ in xs]
        expr = sum(c * x for c, x in zip(coefs, xs, strict=True)) + rng.randint(0, 3)
        ub = sum(abs(c) * 3 for c in coefs) + 3
        # a wide upper bound on some levels keeps them in groups of their own
        levels.append((f"L{k}", expr, ub if rng.random() < 0.5 else ub * 10**6))
    return m, xs, levels, rows


def _cpsat_levels(m: cp_model.CpModel, levels: list[tuple[str, Any, int]]) -> dict[str, int] | None:
    params = SolveParams(time_limit=10, workers=1)
    out: dict[str, int] = {}
    for name, expr, _ub in levels:
        m.minimize(expr)
        run = run_cpsat(m, params, lambda s, e=expr: int(s.value(e)))
        if run.status is SolveStatus.INFEASIBLE:
            return None
        assert run.status is SolveStatus.OPTIMAL
        assert run.values is not None
        out[name] = run.values
        m.add(expr <= run.values)
    return out


@pytest.fixture(scope="module")
def methods() -> Counter[str]:
    return Counter()


@pytest.mark.parametrize("seed", range(60))
def test_solve_levels_agrees_with_cpsat(seed: int, methods: Counter[str]) -> None:
    """Same lexicographic optimum as CP-SAT stage by stage; the solution keeps every row."""
    m, xs, levels, rows = _instance(seed)
    run = HighsLinear(m).solve_levels(
        levels, SolveParams(time_limit=10, workers=1), lambda s: [s.value(x) for x in xs]
    )
    ref = _cpsat_levels(m, levels)  # after: CP-SAT adds its level rows to the model
    if ref is None:
        assert run.status is SolveStatus.INFEASIBLE
        return
    assert run.status is SolveStatus.OPTIMAL, run.status
    assert run.levels == ref
    assert run.bounds == {k: float(v) for k, v in ref.items()}
    assert run.values is not None
    for coefs, lo, hi in rows:
        lhs = sum(c * v for c, v in zip(coefs, run.values, strict=True))
        assert (lo is None or lhs >= lo) and (hi is None or lhs <= hi)
    for stage in run.stages:
        methods[stage["method"]] += 1


def test_both_paths_were_exercised(methods: Counter[str]) -> None:
    """The table above reached both the integral-LP path and the MIP path (runs last)."""
    assert methods["lp"] >= 10 and methods["mip"] >= 10, methods
