"""A spy on one solve's time (shared by the roster and funding time-budget tests): every
:class:`Budget` made, and the time limit of every HiGHS (MathOpt) and CP-SAT sub-solve together
with what was left of the solve's deadline (the first budget made) at that moment."""

from __future__ import annotations

from typing import Any

import pytest

from assignments.core.budget import Budget

FLOOR = 0.05
"""The shortest limit a HiGHS run is given (core/highs.py ``_call``)."""
LAG = 0.1
"""What is left is read when the solver is called, a little after the limit was granted (a few
milliseconds; more on a loaded machine): a limit may exceed it by that much."""


class SubSolveSpy:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from ortools.math_opt.core.python import solver as core_solver
        from ortools.sat.python import cp_model

        self.budgets: list[Budget] = []
        self.calls: list[tuple[str, float, float]] = []  # (engine, limit, left of the solve)
        spy = self
        init = Budget.__init__

        def budget_init(self: Budget, *a: Any, **k: Any) -> None:
            init(self, *a, **k)
            spy.budgets.append(self)

        monkeypatch.setattr(Budget, "__init__", budget_init)
        real_highs = core_solver.solve

        def highs(model: Any, kind: Any, init_args: Any, params: Any, *a: Any) -> Any:
            limit = params.time_limit.seconds + params.time_limit.nanos / 1e9
            spy.calls.append(("highs", limit, spy.left()))
            return real_highs(model, kind, init_args, params, *a)

        monkeypatch.setattr(core_solver, "solve", highs)
        real_cp = cp_model.CpSolver.solve

        def cp_solve(self: Any, *a: Any, **k: Any) -> Any:
            spy.calls.append(("cp-sat", float(self.parameters.max_time_in_seconds), spy.left()))
            return real_cp(self, *a, **k)

        monkeypatch.setattr(cp_model.CpSolver, "solve", cp_solve)

    def left(self) -> float:
        """What is left of the solve's own deadline (its first budget), ``inf`` before it."""
        return self.budgets[0].remaining() if self.budgets else float("inf")

    def check(self) -> None:
        """Every sub-solve's limit is at most what was left of the one deadline (HiGHS' own
        floor of :data:`FLOOR` aside); every grant at most what was left then."""
        assert self.calls, "no sub-solve ran"
        for engine, limit, left in self.calls:
            assert limit <= max(left, FLOOR) + LAG, (engine, limit, left)
        for b in self.budgets:
            for phase, given, left in b.grants:
                assert given <= left + 1e-9, (phase, given, left)
