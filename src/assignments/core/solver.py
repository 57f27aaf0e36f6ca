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

from ortools.sat.python import cp_model

__all__ = [
    "CpRun",
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


def __getattr__(name: str) -> Any:
    """``HighsLinear`` and ``LevelRun`` live in :mod:`assignments.core.highs` (kept importable
    from here)."""
    if name in ("HighsLinear", "LevelRun"):
        from assignments.core import highs

        return getattr(highs, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
