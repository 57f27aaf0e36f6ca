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
from dataclasses import dataclass, field, replace
from enum import Enum
from importlib import resources
from typing import Any, Generic, TypeVar

from ortools.sat.python import cp_model

from assignments.core.budget import Budget
from assignments.core.i18n import tr

__all__ = [
    "CpRun",
    "Result",
    "SolveParams",
    "SolveStatus",
    "load_preset",
    "relative_gap",
    "run_cpsat",
    "solve_params",
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

    def text(self, lang: str | None = None) -> str:
        """The status in words for people (最优 / optimal …, in ``lang`` or the current
        language); ``value`` stays the English word programs read (result.json ``status``)."""
        words = {
            SolveStatus.OPTIMAL: tr("optimal", lang=lang),
            SolveStatus.FEASIBLE: tr("feasible (not proven optimal)", lang=lang),
            SolveStatus.INFEASIBLE: tr("infeasible (no solution exists)", lang=lang),
            SolveStatus.UNKNOWN: tr("unknown (no solution found in time)", lang=lang),
            SolveStatus.INVALID: tr("invalid model (a bug: please report it)", lang=lang),
        }
        return words[self]


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
    budget
        The solve's one :class:`~assignments.core.budget.Budget` (time left, progress, stop);
        every run made with these parameters caps its limit at what the budget has left, stops
        when the budget's ``stop`` is set and reports improving solutions to it.
    """

    time_limit: float = 30.0
    seed: int = 0
    workers: int = 2
    deterministic: bool = False
    progress: bool = False
    log: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
    budget: Budget | None = field(default=None, repr=False, compare=False)

    def with_time(self, time_limit: float) -> SolveParams:
        """A copy with another time limit (same budget, seed, workers, ...)."""
        return replace(self, time_limit=time_limit, extra=dict(self.extra))

    def wall_cap(self) -> float:
        """Seconds a run with these parameters may take on the wall clock: its own limit, and
        never past the budget's deadline (:meth:`Budget.grant`: what is left); deterministic
        mode, whose own limit counts work, gets a net of a quarter of the allowed overrun more."""
        cap = float(self.time_limit)
        if self.deterministic:
            cap = cap * 20 + 60  # the deterministic limit decides; the wall clock is a net
            if self.budget is not None:
                cap = min(cap, self.budget.remaining() + 0.25 * self.budget.slack())
        elif self.budget is not None:
            cap = self.budget.grant(cap, "cp-sat")  # never past what is left
        return max(0.01, cap)


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
        raise ValueError(tr("unknown preset '{name}'; available: {presets}", name=name,
                            presets=", ".join(available))) from None
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
    stopped
        The caller's ``stop`` ended the solve early: ``solution`` (if any) is the best found
        until then, checked like any other; ``status`` says whether one exists.
    levels
        Every objective level's state, value and bound (``{name: {state, value, bound}}``), as
        :func:`assignments.core.levels.solve_levels` returns them.
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
    stopped: bool = False
    levels: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def best(self) -> T | None:
        """The best solution found (alias of ``solution``)."""
        return self.solution

    def summary(self) -> dict[str, Any]:
        """JSON-friendly header of the result."""
        return {
            "status": self.status.value,
            "stopped": self.stopped,
            "objective": self.objective,
            "bound": self.bound,
            "gap": self.gap,
            "runtime": round(self.runtime, 3),
            "objectives": self.objectives,
            **self.stats,
            # every level's state (optimal / feasible / not reached / ...), value and bound
            **({"level_states": self.levels} if self.levels else {}),
        }


def solve_params(
    *,
    time_limit: float,
    seed: int = 0,
    num_workers: int = 2,
    deterministic: bool = False,
    preset: str | None = None,
    on_progress: Any = None,
    stop: Any = None,
    progress: bool = False,
    log: bool = False,
    extra: Mapping[str, Any] | None = None,
) -> SolveParams:
    """The parameters of one model solve, with its one :class:`Budget` (made here, now).

    Every model's ``solve`` starts with this: the preset's CP-SAT parameters, then ``extra``;
    ``on_progress`` and ``stop`` go into the budget that every sub-solve draws from.
    """
    if time_limit is None or not time_limit > 0:
        raise ValueError(tr("the time limit must be a positive number of seconds, got {value}",
                            value=time_limit))
    params = {**(load_preset(preset) if preset else {}), **(extra or {})}
    budget = Budget(float(time_limit), on_progress=on_progress, stop=stop)
    return SolveParams(float(time_limit), int(seed), max(1, int(num_workers)),
                       bool(deterministic), bool(progress), bool(log), params, budget)


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
    """Improving solutions: printed to stderr (``params.progress``) and/or sent to the budget's
    progress callback (the level is the run's label after its last ``:``)."""

    def __init__(self, label: str, printing: bool, budget: Budget | None,
                 has_objective: bool) -> None:
        super().__init__()
        self.label = label
        self.printing = printing
        self.budget = budget if budget is not None and budget.on_progress is not None else None
        self.has_objective = has_objective
        self.start = time.perf_counter()
        self.last = -1.0

    def on_solution_callback(self) -> None:
        now = time.perf_counter() - self.start
        obj = self.objective_value if self.has_objective else None
        bound = self.best_objective_bound if self.has_objective else None
        if self.budget is not None:
            self.budget.report(self.label.rsplit(":", 1)[-1], obj, bound, "cp-sat")
        if self.printing and now - self.last >= 1.0:
            self.last = now
            shown = [v if v is None else f"{v:,.0f}" for v in (obj, bound)]
            print(
                f"[{self.label}] {now:6.1f}s  " + tr("objective {value}", value=shown[0])
                + "  " + tr("bound {value}", value=shown[1]),
                file=sys.stderr,
                flush=True,
            )


def _parameters(solver: cp_model.CpSolver, params: SolveParams) -> None:
    p = solver.parameters
    p.num_workers = max(1, int(params.workers))
    p.random_seed = int(params.seed)
    p.log_search_progress = bool(params.log)
    # Ctrl-C belongs to the caller (budget.stop): CP-SAT's own handler aborts the process when
    # the signal reaches another thread, and leaves SIGINT at SIG_DFL after every run
    p.catch_sigint_signal = False
    if params.log:
        p.log_to_stdout = False
        solver.log_callback = lambda line: print(line, file=sys.stderr)
    if params.deterministic:
        # Interleaved search is deterministic whatever the worker count; the deterministic
        # time limit replaces the wall-clock one, which stays only as a net: never past the
        # solve's budget (a run cut by it is flagged ``wall_cut`` in its stats).
        p.interleave_search = True
        p.max_deterministic_time = float(params.time_limit)
    p.max_time_in_seconds = params.wall_cap()
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
    budget = params.budget
    start = time.perf_counter()
    if budget is not None and budget.stopped():
        return CpRun(SolveStatus.UNKNOWN, None, None, 0.0, None, stats={"stopped": True})
    wants_reports = budget is not None and budget.on_progress is not None
    cb = (
        _Progress(label, params.progress, budget, model.has_objective())
        if params.progress or wants_reports
        else None
    )
    if budget is not None:
        with budget.watch(solver.stop_search):
            code = solver.solve(model, cb)
    else:
        code = solver.solve(model, cb)
    runtime = time.perf_counter() - start
    status = _STATUS.get(code, SolveStatus.UNKNOWN)
    wall_cut = bool(params.deterministic and code not in (cp_model.OPTIMAL, cp_model.INFEASIBLE)
                    and solver.wall_time >= 0.98 * solver.parameters.max_time_in_seconds)
    if wall_cut and budget is not None:
        budget.cut = True
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
            "stopped": bool(budget is not None and budget.stopped()),
            "wall_cut": wall_cut,
        },
    )
