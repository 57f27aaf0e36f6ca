"""The one CP-SAT runner shared by every model, and the solver-neutral Result.

Nothing outside ``core/solver.py`` and the models' ``model.py`` imports ``ortools``; callers get
a :class:`Result` with the package's own :class:`SolveStatus`, never a CP-SAT object.
"""

from __future__ import annotations

import math
import sys
import time
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from importlib import resources
from typing import Any, Generic, TypeVar

from ortools.sat.python import cp_model, cp_model_helper

__all__ = [
    "CpRun",
    "HighsLinear",
    "Result",
    "SolveParams",
    "SolveStatus",
    "load_preset",
    "relative_gap",
    "run_cpsat",
]

T = TypeVar("T")


class SolveStatus(str, Enum):
    """Outcome of a solve, in the package's own terms."""

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"  # a solution, optimality not proven within the limits
    INFEASIBLE = "infeasible"  # proven: no solution exists
    UNKNOWN = "unknown"  # no solution found within the limits, none proven impossible
    INVALID = "invalid"  # the model itself is wrong (a bug, not a user error)

    @property
    def has_solution(self) -> bool:
        return self in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)


@dataclass
class SolveParams:
    """Solver settings; every CP-SAT run sets workers and a time limit explicitly.

    Attributes
    ----------
    time_limit
        Seconds for the whole solve (split across lexicographic stages).
    seed
        Random seed.
    workers
        Parallel search workers (the machine has 2 cores).
    deterministic
        Same input and seed give the same answer even when the time limit is reached:
        interleaved search and a deterministic time limit.
    progress
        Print improving solutions to stderr (for long runs).
    log
        CP-SAT's own search log on stderr.
    extra
        Further CP-SAT parameters (from a preset or the caller).
    """

    time_limit: float = 30.0
    seed: int = 0
    workers: int = 2
    deterministic: bool = False
    progress: bool = False
    log: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def with_time(self, time_limit: float) -> SolveParams:
        """A copy with another time limit."""
        return SolveParams(
            time_limit,
            self.seed,
            self.workers,
            self.deterministic,
            self.progress,
            self.log,
            dict(self.extra),
        )


def load_preset(name: str) -> dict[str, Any]:
    """CP-SAT parameters from ``configs/<name>.toml`` (shipped with the package)."""
    files = resources.files("assignments") / "configs" / f"{name}.toml"
    try:
        text = files.read_text(encoding="utf-8")
    except FileNotFoundError:
        available = sorted(
            p.name.removesuffix(".toml")
            for p in (resources.files("assignments") / "configs").iterdir()
            if p.name.endswith(".toml")
        )
        raise ValueError(f"unknown preset '{name}'; available: {', '.join(available)}") from None
    data = tomllib.loads(text)
    return dict(data.get("cp_sat", data))


@dataclass
class Result(Generic[T]):
    """What every model's ``solve`` returns.

    Attributes
    ----------
    status
        :class:`SolveStatus`.
    objective
        Objective value of ``solution`` (``None`` without one).
    bound
        Best proven bound on the objective.
    gap
        Relative gap ``|objective - bound| / max(1, |objective|)``.
    runtime
        Wall-clock seconds.
    solution
        The model's own solution object, or ``None``.
    objectives
        Named objective levels (lexicographic order), as recomputed by the checker.
    explanation
        Lines that say why there is no solution, or which soft rules were not fully met.
    warnings
        Notices for the user (calendar estimated, input converted, ...).
    stats
        Seed, workers, stages, model size.
    """

    status: SolveStatus
    objective: float | None = None
    bound: float | None = None
    gap: float | None = None
    runtime: float = 0.0
    solution: T | None = None
    objectives: dict[str, float] = field(default_factory=dict)
    explanation: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        """JSON-friendly header of the result."""
        return {
            "status": self.status.value,
            "objective": self.objective,
            "bound": self.bound,
            "gap": self.gap,
            "runtime": round(self.runtime, 3),
            "objectives": self.objectives,
            **self.stats,
        }


def relative_gap(objective: float | None, bound: float | None) -> float | None:
    """``|objective - bound| / max(1, |objective|)``; ``None`` when either is unknown."""
    if objective is None or bound is None or math.isnan(bound):
        return None
    return abs(objective - bound) / max(1.0, abs(objective))


@dataclass
class CpRun(Generic[T]):
    """One CP-SAT run: status, objective, bound, wall time and the extracted values."""

    status: SolveStatus
    objective: float | None
    bound: float | None
    runtime: float
    values: T | None
    sufficient_assumptions: list[int] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)


_STATUS = {
    cp_model.OPTIMAL: SolveStatus.OPTIMAL,
    cp_model.FEASIBLE: SolveStatus.FEASIBLE,
    cp_model.INFEASIBLE: SolveStatus.INFEASIBLE,
    cp_model.UNKNOWN: SolveStatus.UNKNOWN,
    cp_model.MODEL_INVALID: SolveStatus.INVALID,
}


class _Progress(cp_model.CpSolverSolutionCallback):
    def __init__(self, label: str) -> None:
        super().__init__()
        self.label = label
        self.start = time.perf_counter()
        self.last = -1.0

    def on_solution_callback(self) -> None:
        now = time.perf_counter() - self.start
        if now - self.last >= 1.0:
            self.last = now
            print(
                f"[{self.label}] {now:6.1f}s  objective {self.objective_value:,.0f}  "
                f"bound {self.best_objective_bound:,.0f}",
                file=sys.stderr,
                flush=True,
            )


def _parameters(solver: cp_model.CpSolver, params: SolveParams) -> None:
    p = solver.parameters
    p.num_workers = max(1, int(params.workers))
    p.random_seed = int(params.seed)
    p.log_search_progress = bool(params.log)
    if params.log:
        p.log_to_stdout = False
        solver.log_callback = lambda line: print(line, file=sys.stderr)
    if params.deterministic:
        # Interleaved search is deterministic whatever the worker count; the deterministic
        # time limit replaces the wall-clock one (kept only as a generous safety net).
        p.interleave_search = True
        p.max_deterministic_time = float(params.time_limit)
        p.max_time_in_seconds = float(params.time_limit) * 20 + 60
    else:
        p.max_time_in_seconds = float(params.time_limit)
    for key, value in params.extra.items():
        setattr(p, key, value)


def run_cpsat(
    model: cp_model.CpModel,
    params: SolveParams,
    extract: Callable[[cp_model.CpSolver], T],
    *,
    label: str = "solve",
    hint: Mapping[Any, int] | None = None,
    assumptions: list[Any] | None = None,
) -> CpRun[T]:
    """Solve ``model`` with ``params``; ``extract`` reads values while the solver is alive.

    Parameters
    ----------
    model
        A CP-SAT model built by one of the models' ``model.py``.
    params
        Time limit, seed, workers, deterministic mode, progress.
    extract
        Called with the solver when a solution exists; returns plain Python values.
    hint
        Variable -> value to start from (a previous stage's solution).
    assumptions
        Literals assumed true (used to find conflicting rules when infeasible).
    """
    if hint:
        model.clear_hints()
        for var, value in hint.items():
            model.add_hint(var, value)
    model.clear_assumptions()
    if assumptions:
        model.add_assumptions(assumptions)
    solver = cp_model.CpSolver()
    _parameters(solver, params)
    if assumptions:
        solver.parameters.num_workers = 1  # assumptions core needs a single worker
    start = time.perf_counter()
    cb = _Progress(label) if params.progress else None
    code = solver.solve(model, cb)
    runtime = time.perf_counter() - start
    status = _STATUS.get(code, SolveStatus.UNKNOWN)
    values = extract(solver) if status.has_solution else None
    has_objective = model.has_objective()
    objective = solver.objective_value if status.has_solution and has_objective else None
    bound = solver.best_objective_bound if has_objective and status.has_solution else None
    if status is SolveStatus.OPTIMAL and objective is not None:
        bound = objective
    core = (
        list(solver.sufficient_assumptions_for_infeasibility())
        if (assumptions and status is SolveStatus.INFEASIBLE)
        else []
    )
    return CpRun(
        status=status,
        objective=objective,
        bound=bound,
        runtime=runtime,
        values=values,
        sufficient_assumptions=core,
        stats={
            "branches": solver.num_branches,
            "conflicts": solver.num_conflicts,
            "wall_time": solver.wall_time,
        },
    )


class _LinearValues:
    """Reads variable and expression values from a MathOpt solution, like ``CpSolver.Value``."""

    def __init__(self, values: list[float]) -> None:
        self.values = [round(v) for v in values]

    def value(self, expr: Any) -> int:
        if isinstance(expr, int):
            return expr
        if isinstance(expr, cp_model.IntVar):
            return self.values[expr.index]
        flat = cp_model_helper.FlatIntExpr(expr)
        total = sum(c * self.values[v.index] for v, c in zip(flat.vars, flat.coeffs, strict=True))
        return int(total + flat.offset)


class HighsLinear:
    """Solve a *linear* CP-SAT model with HiGHS through MathOpt (the second engine).

    The CP-SAT model stays the single place where a model's constraints are written; this class
    copies its variables and linear constraints into a MathOpt model, incrementally, so that the
    stages of a lexicographic solve only add their new constraint and objective. Models with
    enforcement literals or non-linear constraints are refused (use CP-SAT for those).
    """

    def __init__(self, model: cp_model.CpModel) -> None:
        from ortools.math_opt.python import mathopt

        self._mathopt = mathopt
        self.model = model
        self.lp = mathopt.Model(name="assignments")
        self.x: list[Any] = []
        self.synced = 0
        self.last: dict[Any, float] | None = None

    @staticmethod
    def _row(c: Any) -> tuple[float, float, list[int], list[int]] | None:
        """A CP-SAT constraint as (lb, ub, vars, coeffs); ``None`` for a constant "true"."""
        if not len(c.enforcement_literal) and c.has_bool_or() and not len(c.bool_or.literals):
            return 1.0, 1.0, [], []  # a constant "false": 0 == 1
        if not len(c.enforcement_literal) and c.has_bool_and() and not len(c.bool_and.literals):
            return None
        if len(c.enforcement_literal) or not c.has_linear():
            raise ValueError("HiGHS engine: the model has a non-linear or enforced constraint")
        lin = c.linear
        dom = list(lin.domain)
        big = 2**62
        lo = dom[0] if dom[0] > -big else -math.inf
        hi = dom[-1] if dom[-1] < big else math.inf
        return lo, hi, list(lin.vars), list(lin.coeffs)

    def _sync(self) -> None:
        proto = self.model.proto
        constraints = list(proto.constraints)
        if not self.x:  # first call: the whole model in one ModelProto (no per-term calls)
            self._build(proto, constraints)
            return
        for v in list(proto.variables)[len(self.x) :]:
            dom = list(v.domain)
            self.x.append(self.lp.add_variable(lb=dom[0], ub=dom[-1], is_integer=True))
        for c in constraints[self.synced :]:
            row = self._row(c)
            if row is None:
                continue
            lo, hi, vs, cs = row
            con = self.lp.add_linear_constraint(lb=lo, ub=hi)
            for i, coef in zip(vs, cs, strict=True):
                con.set_coefficient(self.x[i], coef)
        self.synced = len(constraints)

    def _build(self, proto: Any, constraints: list[Any]) -> None:
        from ortools.math_opt import model_pb2

        mp = model_pb2.ModelProto(name="assignments")
        variables = list(proto.variables)
        mp.variables.ids.extend(range(len(variables)))
        mp.variables.lower_bounds.extend(float(v.domain[0]) for v in variables)
        mp.variables.upper_bounds.extend(float(v.domain[len(v.domain) - 1]) for v in variables)
        mp.variables.integers.extend([True] * len(variables))
        rows: list[int] = []
        cols: list[int] = []
        coefs: list[float] = []
        k = 0
        for c in constraints:
            row = self._row(c)
            if row is None:
                continue
            lo, hi, vs, cs = row
            mp.linear_constraints.ids.append(k)
            mp.linear_constraints.lower_bounds.append(lo)
            mp.linear_constraints.upper_bounds.append(hi)
            merged: dict[int, float] = {}
            for i, coef in zip(vs, cs, strict=True):
                merged[i] = merged.get(i, 0.0) + coef
            for i in sorted(merged):
                if merged[i]:
                    rows.append(k)
                    cols.append(i)
                    coefs.append(merged[i])
            k += 1
        mp.linear_constraint_matrix.row_ids.extend(rows)
        mp.linear_constraint_matrix.column_ids.extend(cols)
        mp.linear_constraint_matrix.coefficients.extend(coefs)
        self.lp = self._mathopt.Model.from_model_proto(mp)
        self.x = [self.lp.get_variable(i) for i in range(len(variables))]
        self.synced = len(constraints)

    def solve(self, objective: Any, params: SolveParams, extract: Callable[[Any], T]) -> CpRun[T]:
        """Minimise ``objective`` (a CP-SAT linear expression) under the model's constraints."""
        from datetime import timedelta

        mathopt = self._mathopt
        self._sync()
        self.lp.objective.clear()
        self.lp.objective.is_maximize = False
        flat = None if isinstance(objective, int) else cp_model_helper.FlatIntExpr(objective)
        self.lp.objective.offset = objective if flat is None else flat.offset
        terms = [] if flat is None else list(zip(flat.vars, flat.coeffs, strict=True))
        for v, c in terms:
            self.lp.objective.set_linear_coefficient(
                self.x[v.index], self.lp.objective.get_linear_coefficient(self.x[v.index]) + c
            )
        sp = mathopt.SolveParameters(
            time_limit=timedelta(seconds=max(0.1, params.time_limit)),
            random_seed=params.seed,
            relative_gap_tolerance=0.0,
            absolute_gap_tolerance=0.5,  # objectives are integers: a gap below 1 is optimal
            enable_output=params.log,
        )
        start = time.perf_counter()
        model_params = None
        if self.last is not None:  # the previous stage's solution stays feasible: a MIP start
            model_params = mathopt.ModelSolveParameters(
                solution_hints=[mathopt.SolutionHint(variable_values=self.last)])
        r = mathopt.solve(self.lp, mathopt.SolverType.HIGHS, params=sp,
                          model_params=model_params)
        runtime = time.perf_counter() - start
        reason = r.termination.reason
        has = r.has_primal_feasible_solution()
        if reason == mathopt.TerminationReason.OPTIMAL:
            status = SolveStatus.OPTIMAL
        elif reason in (mathopt.TerminationReason.INFEASIBLE,):
            status = SolveStatus.INFEASIBLE
        elif has:
            status = SolveStatus.FEASIBLE
        else:
            status = SolveStatus.UNKNOWN
        values = None
        objective_value = bound = None
        if has:
            sol = r.variable_values()
            reader = _LinearValues([sol[x] for x in self.x])
            self.last = {x: float(v) for x, v in zip(self.x, reader.values, strict=True)}
            values = extract(reader)
            objective_value = float(reader.value(objective))
            dual = r.termination.objective_bounds.dual_bound
            if status is SolveStatus.OPTIMAL:
                bound = objective_value
            elif math.isfinite(dual):  # integer objective: round the bound up
                bound = float(math.ceil(dual - 1e-6))
            else:
                bound = None
        return CpRun(status, objective_value, bound, runtime, values, stats={"engine": "highs"})
