"""scripts/city_proof.py: the instrumented engine run and the MathOpt cross-check it measures
with, on the district (fast): the captured fairness MIP re-solved by SCIP and HiGHS gives the
engine's proven fairness, and the engine's helpers are restored afterwards."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy.sparse import csr_matrix

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def city_proof():  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(ROOT / "scripts"))
    spec = importlib.util.spec_from_file_location("city_proof", ROOT / "scripts" / "city_proof.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("solver", ["scip", "highs"])
def test_mathopt_solves_a_small_mip(city_proof, solver: str) -> None:  # type: ignore[no-untyped-def]
    # max 5a + 4b + 3c (minimise the negation) with 2a + 3b + c <= 4 (a, b, c in {0, 1}),
    # and a continuous d <= 0.5 with d <= c, costing −1: optimum a = c = 1, d = 0.5 → −8.5
    a = csr_matrix(np.array([[2.0, 3.0, 1.0, 0.0], [0.0, 0.0, -1.0, 1.0]]))
    status, value, bound = city_proof._mathopt(
        a, np.array([-np.inf, -np.inf]), np.array([4.0, 0.0]), np.array([-5.0, -4.0, -3.0, -1.0]),
        3, np.zeros(4), np.array([1.0, 1.0, 1.0, 0.5]), solver, 10.0)
    assert status == "optimal"
    assert value == pytest.approx(-8.5)
    assert bound == pytest.approx(-8.5, abs=0.5)


def test_instrumented_run_captures_the_fairness_mip(city_proof) -> None:  # type: ignore[no-untyped-def]
    from assignments.pairing.engines import reduce_split as rs

    before = (rs._lag_solve, rs._fairness, rs._milp)
    r, _comps, fair = city_proof._instrumented_run(ROOT / "instances/mentoring/district.xlsx", 20)
    assert (rs._lag_solve, rs._fairness, rs._milp) == before
    assert r.status.value == "optimal"
    assert fair, "the district's quality level is proven, so its fairness MIP runs"
    status, value, _bound = city_proof._mathopt(*city_proof._fairness_mip(fair), "highs", 60)
    assert status == "optimal"
    assert round(value) == r.objectives["fairness"]
