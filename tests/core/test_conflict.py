"""The one conflict search: the set it returns is minimal, verified, and names the right rules.

A small model with guarded rule instances, where exactly two of them conflict (x >= 3 and
x <= 1) among several harmless ones: the search must return exactly those two, minimal and
verified; a feasible model gives no conflict.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from assignments.core.conflict import find_conflict
from assignments.core.solver import solve_params


def _model(conflicting: bool) -> tuple[cp_model.CpModel, list]:
    m = cp_model.CpModel()
    x = m.new_int_var(0, 10, "x")
    y = m.new_int_var(0, 10, "y")
    guards = []
    for family, key, expr in [
        ("low", ("a",), x >= 3),
        ("high", ("b",), x <= (1 if conflicting else 5)),
        ("other", ("c",), y >= 2),
        ("other", ("d",), x + y <= 15),
        ("other", ("e",), y <= 9),
    ]:
        lit = m.new_bool_var(f"g_{family}_{key[0]}")
        m.add(expr).only_enforce_if(lit)
        guards.append((lit, family, key))
    m.minimize(x + y)  # ignored by the search
    return m, guards


def test_finds_the_two_rules_that_conflict() -> None:
    m, guards = _model(True)
    c = find_conflict(m, guards, solve_params(time_limit=10), seconds=10,
                      drop_first=["other"])
    assert c.infeasible and c.minimal and c.verified
    assert sorted(c.members) == [("high", ("b",)), ("low", ("a",))]


def test_feasible_model_has_no_conflict() -> None:
    m, guards = _model(False)
    c = find_conflict(m, guards, solve_params(time_limit=10), seconds=10)
    assert not c and not c.infeasible
