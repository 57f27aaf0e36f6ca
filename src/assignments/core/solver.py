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
    "LevelRun",
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

    def solve_levels(
        self,
        levels: list[tuple[str, Any, int]],
        params: SolveParams,
        extract: Callable[[Any], T],
        on_level: Callable[[str, int, float, bool], bool] | None = None,
        label: str = "solve",
    ) -> LevelRun[T]:
        """Minimise ``levels`` — ``(name, CP-SAT linear expression, upper bound)`` — in
        lexicographic order, each level's LP relaxation first (see :func:`_solve_levels`).

        ``on_level(name, value, bound, proven)`` is called after each level and may return
        ``False`` to stop (the run is then marked ``stopped``). The model's bounds are
        restricted as levels are fixed: use one :class:`HighsLinear` per lexicographic solve.
        """
        self._sync()
        saved_vars = [(v.lower_bound, v.upper_bound) for v in self.x]
        rows = list(self.lp.linear_constraints())
        saved_rows = [(c.lower_bound, c.upper_bound) for c in rows]
        run = _solve_levels(self, levels, params, extract, on_level, label, explicit=False)
        if run is None:  # pragma: no cover - numerical safety net
            for v, (lo, hi) in zip(self.x, saved_vars, strict=True):
                v.lower_bound, v.upper_bound = lo, hi
            for c, (lo, hi) in zip(rows, saved_rows, strict=True):
                c.lower_bound, c.upper_bound = lo, hi
            run = _solve_levels(self, levels, params, extract, on_level, label, explicit=True)
            assert run is not None
        return run

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


@dataclass
class LevelRun(Generic[T]):
    """One lexicographic solve by :meth:`HighsLinear.solve_levels`.

    Attributes
    ----------
    status
        ``OPTIMAL`` when every level was proven optimal, ``FEASIBLE`` when a solution exists but
        some level is not proven (time limit), ``INFEASIBLE``/``UNKNOWN`` without a solution.
    values
        ``extract`` of the final solution (``None`` without one).
    levels
        Level name -> its value in the final solution.
    bounds
        Level name -> proven lower bound (equal to the value when proven optimal).
    stopped
        ``on_level`` asked to stop (the caller pruned this solve).
    stages
        Per stage: the levels it optimised, ``"lp"`` (the LP optimum was integral, so optimal)
        or ``"mip"`` (a fractional LP, solved as a MIP), and its seconds.
    """

    status: SolveStatus
    values: T | None
    levels: dict[str, int] = field(default_factory=dict)
    bounds: dict[str, float] = field(default_factory=dict)
    stopped: bool = False
    stages: list[dict[str, Any]] = field(default_factory=list)


FOLD_MAX_COEFFICIENT = 1e6
"""Consecutive levels are folded into one objective (exact lexicographic weights) while no
folded coefficient exceeds this, so the LP stays well scaled."""

_FACE_TOLERANCE = 1e-6


def _fold_groups(
    levels: list[tuple[str, Any, int]], flats: dict[str, Any]
) -> list[list[tuple[str, int]]]:
    """Group consecutive levels whose exact lexicographic fold stays well scaled.

    Returns groups of ``(name, weight)``; within a group, ``weight`` of a level exceeds the
    largest value the levels after it (in the group) can take together, so minimising the
    weighted sum is the lexicographic order.
    """
    groups: list[list[tuple[str, int]]] = []
    i = 0
    while i < len(levels):
        group = [levels[i]]
        j = i + 1
        while j < len(levels):
            trial = [*group, levels[j]]
            weights = _lex_weights([ub for _n, _e, ub in trial])
            worst = max(
                w * max((abs(c) for c in flats[n].coeffs), default=0)
                for (n, _e, _u), w in zip(trial, weights, strict=True)
            )
            if worst > FOLD_MAX_COEFFICIENT:
                break
            group = trial
            j += 1
        weights = _lex_weights([ub for _n, _e, ub in group])
        groups.append([(n, w) for (n, _e, _u), w in zip(group, weights, strict=True)])
        i = j
    return groups


def _lex_weights(ubs: list[int]) -> list[int]:
    out = []
    acc = 1
    for ub in reversed(ubs):
        out.append(acc)
        acc *= max(0, ub) + 1
    return out[::-1]


def _solve_levels(
    self: HighsLinear,
    levels: list[tuple[str, Any, int]],
    params: SolveParams,
    extract: Callable[[Any], T],
    on_level: Callable[[str, int, float, bool], bool] | None,
    label: str,
    explicit: bool,
) -> LevelRun[T] | None:
    """Minimise ``levels`` lexicographically, each level's LP relaxation first.

    ``levels`` are ``(name, expression, upper bound)``; consecutive levels are folded into one
    objective with exact weights while that stays well scaled (:data:`FOLD_MAX_COEFFICIENT`).
    For each group:

    1. the LP relaxation is solved (dual simplex). When its optimum is integral it is the
       group's optimum, proven. The model is then restricted to the LP's optimal face —
       variables with a nonzero reduced cost fixed at their bound, rows with a nonzero dual
       made equalities — which by complementary slackness are exactly the solutions keeping
       the group's value; no dense "level <= value" row is needed (such rows slowed the next
       LP several times over on the roster);
    2. otherwise the group is solved as a MIP (HiGHS) from the previous solution, the row
       "group <= value" is added and variables whose reduced cost exceeds the LP gap are fixed.

    With ``explicit``, an integral LP adds the row "group <= value" instead of restricting the
    model to the optimal face. Returns ``None`` when a face restriction let an earlier level
    slip (numerical tolerance; the caller repeats with ``explicit``).
    """
    from datetime import timedelta

    mathopt = self._mathopt
    self._sync()
    start = time.perf_counter()
    deadline = start + params.time_limit
    flats = {n: cp_model_helper.FlatIntExpr(e) for n, e, _ub in levels}
    groups = _fold_groups(levels, flats)
    x = self.x
    for v in x:
        v.integer = False
    rows = list(self.lp.linear_constraints())
    run: LevelRun[T] = LevelRun(SolveStatus.OPTIMAL, None)
    last: dict[Any, float] | None = self.last

    def value_of(name: str, sol: Mapping[Any, float]) -> int:
        f = flats[name]
        return round(f.offset + sum(c * sol[x[v.index]] for v, c in zip(f.vars, f.coeffs,
                                                                           strict=True)))

    def set_objective(group: list[tuple[str, int]]) -> float:
        self.lp.objective.clear()
        self.lp.objective.is_maximize = False
        coeff: dict[int, float] = {}
        offset = 0.0
        for name, w in group:
            f = flats[name]
            offset += w * f.offset
            for v, c in zip(f.vars, f.coeffs, strict=True):
                coeff[v.index] = coeff.get(v.index, 0.0) + w * c
        for i, c in coeff.items():
            if c:
                self.lp.objective.set_linear_coefficient(x[i], c)
        self.lp.objective.offset = offset
        return offset

    def add_row(group: list[tuple[str, int]], ub: float) -> None:
        con = self.lp.add_linear_constraint(ub=ub)
        for name, w in group:
            f = flats[name]
            for v, c in zip(f.vars, f.coeffs, strict=True):
                con.set_coefficient(x[v.index], con.get_coefficient(x[v.index]) + w * c)
            con.upper_bound -= w * f.offset

    for gi, group in enumerate(groups):
        remaining = deadline - time.perf_counter()
        names = [n for n, _w in group]
        if remaining <= 0.05:
            run.status = SolveStatus.FEASIBLE if run.values is not None else SolveStatus.UNKNOWN
            break
        t0 = time.perf_counter()
        set_objective(group)
        sp = mathopt.SolveParameters(
            time_limit=timedelta(seconds=max(0.1, remaining)),
            lp_algorithm=mathopt.LPAlgorithm.DUAL_SIMPLEX,
            random_seed=params.seed,
            enable_output=params.log,
        )
        r = mathopt.solve(self.lp, mathopt.SolverType.HIGHS, params=sp)
        reason = r.termination.reason
        if reason in (mathopt.TerminationReason.INFEASIBLE,
                      mathopt.TerminationReason.INFEASIBLE_OR_UNBOUNDED):
            # after the first group the previous solution is feasible, so only numerically
            run.status = SolveStatus.INFEASIBLE if gi == 0 else SolveStatus.FEASIBLE
            break
        if reason != mathopt.TerminationReason.OPTIMAL:
            run.status = SolveStatus.FEASIBLE if run.values is not None else SolveStatus.UNKNOWN
            break
        sol = r.variable_values()
        integral = all(abs(sol[v] - round(sol[v])) <= 1e-6 for v in x)
        z_lp = float(r.objective_value())
        kind = "lp"
        proven = True
        if integral and not explicit:
            rounded = {v: float(round(sol[v])) for v in x}
            rc = r.reduced_costs()
            duals = r.dual_values()
            for v in x:
                lo, hi = v.lower_bound, v.upper_bound
                if lo == hi:
                    continue
                d = rc[v]
                if d > _FACE_TOLERANCE:
                    v.upper_bound = lo
                elif d < -_FACE_TOLERANCE:
                    v.lower_bound = hi
            for con in rows:
                if con.lower_bound == con.upper_bound:
                    continue
                y = duals[con]
                if y > _FACE_TOLERANCE:
                    con.upper_bound = con.lower_bound
                elif y < -_FACE_TOLERANCE:
                    con.lower_bound = con.upper_bound
        elif integral:
            rounded = {v: float(round(sol[v])) for v in x}
            add_row(group, math.floor(z_lp + 1e-6))
        else:
            kind = "mip"
            for v in x:
                v.integer = True
            sp_mip = mathopt.SolveParameters(
                time_limit=timedelta(seconds=max(0.1, deadline - time.perf_counter())),
                random_seed=params.seed,
                relative_gap_tolerance=0.0,
                absolute_gap_tolerance=0.5,
                enable_output=params.log,
            )
            hints = ([mathopt.SolutionHint(variable_values=last)] if last is not None else [])
            rm_ = mathopt.solve(self.lp, mathopt.SolverType.HIGHS, params=sp_mip,
                                model_params=mathopt.ModelSolveParameters(solution_hints=hints))
            for v in x:
                v.integer = False
            if not rm_.has_primal_feasible_solution():
                run.status = SolveStatus.FEASIBLE if run.values is not None else (
                    SolveStatus.INFEASIBLE
                    if rm_.termination.reason == mathopt.TerminationReason.INFEASIBLE
                    else SolveStatus.UNKNOWN)
                break
            msol = rm_.variable_values()
            rounded = {v: float(round(msol[v])) for v in x}
            proven = rm_.termination.reason == mathopt.TerminationReason.OPTIMAL
            total = sum(w * value_of(n, rounded) for n, w in group)
            dual = rm_.termination.objective_bounds.dual_bound
            bound_total = float(total) if proven else max(z_lp, dual if math.isfinite(dual)
                                                           else -math.inf)
            add_row(group, float(total))
            rc = r.reduced_costs()
            slack = total - z_lp
            for v in x:  # reduced-cost fixing against the LP gap (valid under the new row)
                lo, hi = v.lower_bound, v.upper_bound
                if lo != hi and rc[v] > slack + _FACE_TOLERANCE and sol[v] <= lo + 1e-9:
                    v.upper_bound = lo
                elif lo != hi and rc[v] < -(slack + _FACE_TOLERANCE) and sol[v] >= hi - 1e-9:
                    v.lower_bound = hi
            if not proven:
                run.status = SolveStatus.FEASIBLE
        last = rounded
        reader = _LinearValues([rounded[v] for v in x])
        run.values = extract(reader)
        stop = False
        for k, (name, _w) in enumerate(group):
            val = value_of(name, rounded)
            run.levels[name] = val
            if proven:
                b = float(val)
            elif k == 0:
                b = float(math.ceil(bound_total / group[0][1] - 1e-6)) if math.isfinite(
                    bound_total) else float("nan")
            else:
                b = float("nan")
            run.bounds[name] = b
            if on_level is not None and not on_level(name, val, b, proven):
                stop = True
        run.stages.append({"levels": names, "method": kind,
                           "seconds": round(time.perf_counter() - t0, 3)})
        if params.progress:
            print(f"[{label}:{'+'.join(names)}] highs {kind} "
                  + ", ".join(f"{n} {run.levels[n]}" for n in names)
                  + f" ({time.perf_counter() - t0:.1f}s)", file=sys.stderr, flush=True)
        if stop:
            run.stopped = True
            return run
        if not proven:
            break
    self.last = last
    if run.values is not None and last is not None and not explicit:
        # a face restriction must not have let an earlier level slip (numerical tolerance)
        slipped = [n for n in run.levels if value_of(n, last) != run.levels[n]]
        if slipped:  # pragma: no cover - numerical safety net, not seen on the instances
            return None
    return run

