"""The one lexicographic level runner: levels, backends (CP-SAT, HiGHS), ``solve_levels``.

Every model states its objective as an ordered list of :class:`Level` (name, linear expression
to minimise, an upper bound), hands them to :func:`solve_levels` with a backend, and always
gets back **every** level — with its state (optimal, feasible, not reached, constant), its value
at the returned solution and its bound — whatever happened: time out, stop, HiGHS ending early.
The time comes from the solve's one :class:`~assignments.core.budget.Budget` (``params.budget``).

Backends
--------
:class:`CpSatBackend`
    Each level minimised in turn, started from the previous solution, then kept
    (``expr <= value``) while the next is minimised.
:class:`HighsBackend`
    The same CP-SAT model as a MIP through MathOpt's HiGHS (:class:`HighsLinear`): its own
    LP-face method for the levels (see :meth:`HighsLinear.solve_levels`).

Both speak the :class:`Backend` protocol; a third (SCIP, a custom engine) only needs
``minimize`` and ``keep``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Generic, Protocol, TypeVar

from ortools.sat.python import cp_model

from assignments.core.solver import CpRun, SolveParams, SolveStatus, run_cpsat

__all__ = [
    "Backend",
    "CpSatBackend",
    "HighsBackend",
    "Level",
    "LevelResult",
    "LevelState",
    "LevelsRun",
    "default_shares",
    "lexicographic_weights",
    "solve_levels",
    "solve_weighted",
]

T = TypeVar("T")


class LevelState(str, Enum):
    """What became of one objective level."""

    OPTIMAL = "optimal"  # minimised and proven (within the levels before it)
    FEASIBLE = "feasible"  # minimised, not proven
    NOT_REACHED = "not reached"  # time ran out or a stop came before it was minimised
    CONSTANT = "constant"  # nothing can change it (no variable touches it)
    WEIGHTED = "weighted"  # part of one weighted objective, not minimised on its own


@dataclass(frozen=True)
class Level:
    """One objective level: ``expr`` is minimised.

    Attributes
    ----------
    name
        Level name, as the model's rules and reports call it (``"promotion"``).
    expr
        A CP-SAT linear expression (or an ``int`` for a constant level).
    ub
        An upper bound of ``expr`` over every solution (exact lexicographic weights use it).
    share
        Share of the time left that this level may use (default: :func:`default_shares`).
    tolerance
        Relative slack kept when the level is fixed for the next ones (``0``: exact).
    """

    name: str
    expr: Any
    ub: int | None = None
    share: float | None = None
    tolerance: float = 0.0

    @property
    def constant(self) -> bool:
        return isinstance(self.expr, int)


@dataclass
class LevelResult:
    """A level's outcome: state, value at the returned solution, proven bound (or ``None``)."""

    name: str
    state: LevelState
    value: int | None = None
    bound: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"state": self.state.value, "value": self.value, "bound": self.bound}


@dataclass
class LevelsRun(Generic[T]):
    """The outcome of :func:`solve_levels` / :func:`solve_weighted`.

    Attributes
    ----------
    status
        Of the whole run: ``OPTIMAL`` only when every level is optimal.
    values
        What ``extract`` read from the best solution (``None`` without one).
    levels
        **Every** level, in order, with its :class:`LevelResult`.
    stopped
        A stop request ended the run early.
    stats
        Stages (method, seconds), the weighted bound, ...
    """

    status: SolveStatus
    values: T | None
    levels: dict[str, LevelResult] = field(default_factory=dict)
    stopped: bool = False
    stats: dict[str, Any] = field(default_factory=dict)

    def value(self, name: str) -> int | None:
        return self.levels[name].value

    def bound(self, name: str) -> float | None:
        return self.levels[name].bound

    @property
    def values_by_level(self) -> dict[str, int]:
        return {n: r.value for n, r in self.levels.items() if r.value is not None}

    @property
    def bounds_by_level(self) -> dict[str, float]:
        return {n: r.bound for n, r in self.levels.items() if r.bound is not None}

    def first_open(self) -> str | None:
        """The first level not proven optimal (``None`` when all are)."""
        for n, r in self.levels.items():
            if r.state not in (LevelState.OPTIMAL, LevelState.CONSTANT):
                return n
        return None


class Backend(Protocol):
    """What :func:`solve_levels` needs from a solver."""

    engine: str

    def minimize(
        self,
        expr: Any,
        params: SolveParams,
        extract: Callable[[Any], Any],
        hint: Mapping[Any, int] | None,
        label: str,
    ) -> CpRun[Any]:
        """Minimise ``expr`` (``0``: any feasible solution) under the constraints so far."""
        ...

    def keep(self, expr: Any, value: int) -> None:
        """Add ``expr <= value`` for the levels that follow."""
        ...


class CpSatBackend:
    """CP-SAT on a :class:`cp_model.CpModel` (hints: every variable of ``hint_vars``)."""

    engine = "cpsat"

    def __init__(self, model: cp_model.CpModel) -> None:
        self.model = model

    def minimize(self, expr: Any, params: SolveParams, extract: Callable[[Any], Any],
                 hint: Mapping[Any, int] | None, label: str) -> CpRun[Any]:
        if isinstance(expr, int):
            self.model.clear_objective()
        else:
            self.model.minimize(expr)
        return run_cpsat(self.model, params, extract, label=label, hint=hint)

    def keep(self, expr: Any, value: int) -> None:
        if not isinstance(expr, int):
            self.model.add(expr <= value)


class HighsBackend:
    """The same model through HiGHS (:class:`assignments.core.highs.HighsLinear`)."""

    engine = "highs"

    def __init__(self, model: cp_model.CpModel) -> None:
        from assignments.core.highs import HighsLinear

        self.linear = HighsLinear(model)

    def minimize(self, expr: Any, params: SolveParams, extract: Callable[[Any], Any],
                 hint: Mapping[Any, int] | None, label: str) -> CpRun[Any]:
        return self.linear.solve(expr, params, extract)

    def keep(self, expr: Any, value: int) -> None:  # pragma: no cover - levels go native
        raise NotImplementedError("HiGHS levels run through HighsLinear.solve_levels")


def default_shares(n: int) -> list[float]:
    """Share of the time left for each of ``n`` levels: the first (hardest, and it yields the
    first solution) most, the last everything left."""
    if n <= 1:
        return [1.0]
    return [0.8] + [0.5] * (n - 2) + [1.0]


def lexicographic_weights(order: Sequence[str], ub: Mapping[str, int]) -> dict[str, int]:
    """Weights that make a weighted sum order solutions exactly as the lexicographic order does
    (each level's weight exceeds what every later level together can add)."""
    w: dict[str, int] = {}
    acc = 1
    for name in reversed(list(order)):
        w[name] = acc
        acc *= max(0, ub[name]) + 1
    return w


class _Reader(Generic[T]):
    """Wraps the caller's ``extract``: also reads every level's value at the solution."""

    def __init__(self, levels: Sequence[Level], extract: Callable[[Any], T]) -> None:
        self.levels = levels
        self.extract = extract

    def __call__(self, solver: Any) -> tuple[T, dict[str, int]]:
        vals = {lv.name: (lv.expr if lv.constant else round(solver.value(lv.expr)))
                for lv in self.levels}
        return self.extract(solver), vals


OnLevel = Callable[[str, int, float, bool], bool]
"""``on_level(name, value, bound, proven)`` after each level; ``False`` ends the run early
(e.g. a deferral alternative that cannot beat another)."""


def _finish(levels: Sequence[Level], reached: dict[str, LevelResult],
            final: dict[str, int] | None) -> dict[str, LevelResult]:
    out: dict[str, LevelResult] = {}
    for lv in levels:
        if lv.constant:
            out[lv.name] = LevelResult(lv.name, LevelState.CONSTANT, int(lv.expr), float(lv.expr))
        elif lv.name in reached:
            r = reached[lv.name]
            # a later level may improve an earlier unproven one: report the final value
            if final is not None:
                r.value = final[lv.name]
            out[lv.name] = r
        else:
            out[lv.name] = LevelResult(lv.name, LevelState.NOT_REACHED,
                                       final[lv.name] if final is not None else None, None)
    return out


def solve_levels(
    backend: Backend | HighsBackend,
    levels: Sequence[Level],
    params: SolveParams,
    extract: Callable[[Any], T],
    *,
    hint: Mapping[Any, int] | None = None,
    hint_of: Callable[[T], Mapping[Any, int] | None] | None = None,
    on_level: OnLevel | None = None,
    label: str = "solve",
) -> LevelsRun[T]:
    """Minimise ``levels`` in lexicographic order; every level comes back.

    Parameters
    ----------
    backend
        :class:`CpSatBackend` or :class:`HighsBackend` over the model.
    levels
        In priority order. Constant levels need no stage.
    params
        Solver settings; ``params.budget`` (if any) is the solve's budget: each level gets its
        share of the time *left*, and the run ends early on a stop request.
    extract
        Reads plain values from a solution (called while the solver is alive).
    hint, hint_of
        A start for the first level; ``hint_of(values)`` gives the start of the next level
        from the previous level's solution.
    on_level
        See :data:`OnLevel`.
    label
        Prefix of progress lines (``label:level``).

    Returns
    -------
    LevelsRun
        Status ``OPTIMAL`` when every level is proven, ``FEASIBLE`` with a solution otherwise,
        ``INFEASIBLE``/``UNKNOWN``/``INVALID`` without one; ``stopped`` when a stop came.
    """
    budget = params.budget
    staged = [lv for lv in levels if not lv.constant]
    reader = _Reader(levels, extract)
    if isinstance(backend, HighsBackend) and staged:
        return _highs_levels(backend, levels, staged, params, reader, on_level, label)
    if not staged:  # nothing to optimise: any feasible solution
        run = backend.minimize(0, params.with_time(_time(params, 1.0)), reader, hint, label)
        final = run.values[1] if run.values is not None else None
        return LevelsRun(run.status, run.values[0] if run.values is not None else None,
                         _finish(levels, {}, final),
                         stopped=bool(run.stats.get("stopped")))
    shares = default_shares(len(staged))
    reached: dict[str, LevelResult] = {}
    best: tuple[Any, dict[str, int]] | None = None
    status = SolveStatus.OPTIMAL
    stopped = False
    stages: list[dict[str, Any]] = []
    for i, lv in enumerate(staged):
        if budget is not None and budget.should_end() and best is not None:
            stopped = budget.stopped()
            status = SolveStatus.FEASIBLE
            break
        share = lv.share if lv.share is not None else shares[i]
        run = backend.minimize(lv.expr, params.with_time(_time(params, share)), reader, hint,
                               f"{label}:{lv.name}")
        stages.append({"level": lv.name, "status": run.status.value,
                       "seconds": round(run.runtime, 3)})
        if run.stats.get("stopped"):
            stopped = True
        if run.values is None:
            if best is None:
                return LevelsRun(run.status, None, _finish(levels, {}, None), stopped=stopped,
                                 stats={"stages": stages})
            status = SolveStatus.FEASIBLE
            break
        best = run.values
        value = best[1][lv.name]
        proven = run.status is SolveStatus.OPTIMAL
        bound = float(value) if proven else (
            float(run.bound) if run.bound is not None and not math.isnan(run.bound) else None)
        reached[lv.name] = LevelResult(
            lv.name, LevelState.OPTIMAL if proven else LevelState.FEASIBLE, value, bound)
        if budget is not None:
            budget.report(lv.name, value, bound, "level done")
        if not proven:
            status = SolveStatus.FEASIBLE
        if on_level is not None and not on_level(lv.name, value,
                                                  bound if bound is not None else math.nan,
                                                  proven):
            return LevelsRun(SolveStatus.UNKNOWN, None, _finish(levels, reached, None),
                             stopped=stopped, stats={"stages": stages, "pruned": True})
        if stopped:
            break
        if i < len(staged) - 1:
            limit = value + (math.floor(lv.tolerance * abs(value)) if lv.tolerance else 0)
            backend.keep(lv.expr, limit)
            if hint_of is not None:
                hint = hint_of(best[0])
    assert best is not None
    return LevelsRun(status if not stopped else SolveStatus.FEASIBLE, best[0],
                     _finish(levels, reached, best[1]), stopped=stopped,
                     stats={"stages": stages})


def _time(params: SolveParams, share: float) -> float:
    """Seconds for a stage: ``share`` of what the budget has left (of ``params.time_limit``
    without a budget)."""
    if params.budget is None:
        return max(0.05, params.time_limit * share)
    if params.deterministic:
        # deterministic mode: a share of the deterministic time not yet handed out (counted
        # from the limit, never from the clock, so the same stages get the same time on every
        # run); the stages together get at most the limit, so that the wall clock's net at the
        # deadline binds only on a slow machine
        budget = params.budget
        give = max(0.05, min(params.time_limit, budget.det_left) * share)
        budget.det_left = max(0.0, budget.det_left - give)
        return give
    return max(0.05, min(params.time_limit, params.budget.remaining()) * share)


def _highs_levels(
    backend: HighsBackend,
    levels: Sequence[Level],
    staged: list[Level],
    params: SolveParams,
    reader: _Reader,
    on_level: OnLevel | None,
    label: str,
) -> LevelsRun[Any]:
    budget = params.budget
    pruned = [False]

    def hook(name: str, value: int, bound: float, proven: bool) -> bool:
        if budget is not None:
            budget.report(name, value, bound if bound == bound else None, "highs level done")
        if on_level is not None and not on_level(name, value, bound, proven):
            pruned[0] = True
            return False
        return not (budget is not None and budget.stopped())

    specs = [(lv.name, lv.expr, lv.ub if lv.ub is not None else 2**31) for lv in staged]
    run = backend.linear.solve_levels(specs, params.with_time(_time(params, 1.0)), reader,
                                      hook, label=label)
    stopped = bool(budget is not None and budget.stopped())
    stats: dict[str, Any] = {"stages": list(run.stages)}
    if pruned[0]:
        return LevelsRun(SolveStatus.UNKNOWN, None, _finish(levels, {}, None), stopped=stopped,
                         stats={**stats, "pruned": True})
    if run.values is None:
        return LevelsRun(run.status, None, _finish(levels, {}, None), stopped=stopped,
                         stats=stats)
    values, final = run.values
    reached: dict[str, LevelResult] = {}
    for lv in staged:
        if lv.name not in run.levels:
            continue
        b = run.bounds.get(lv.name, math.nan)
        proven = b == b and b >= run.levels[lv.name] - 1e-9
        reached[lv.name] = LevelResult(lv.name,
                                       LevelState.OPTIMAL if proven else LevelState.FEASIBLE,
                                       run.levels[lv.name], b if b == b else None)
    out = _finish(levels, reached, final)
    status = run.status
    if any(r.state not in (LevelState.OPTIMAL, LevelState.CONSTANT) for r in out.values()):
        status = SolveStatus.FEASIBLE if status.has_solution else status
    return LevelsRun(status, values, out, stopped=stopped, stats=stats)


def solve_weighted(
    backend: Backend | HighsBackend,
    levels: Sequence[Level],
    weights: Mapping[str, int],
    params: SolveParams,
    extract: Callable[[Any], T],
    *,
    hint: Mapping[Any, int] | None = None,
    label: str = "solve",
) -> LevelsRun[T]:
    """Minimise one weighted sum of the levels; each level comes back with state ``WEIGHTED``
    (its value at the solution), and ``stats["weighted_bound"]`` the bound of the sum."""
    reader = _Reader(levels, extract)
    expr = sum(weights.get(lv.name, 1) * lv.expr for lv in levels)
    run: CpRun[Any] = backend.minimize(expr, params.with_time(_time(params, 1.0)), reader,
                                       hint, label)
    stopped = bool(run.stats.get("stopped"))
    if run.values is None:
        return LevelsRun(run.status, None, _finish(levels, {}, None), stopped=stopped)
    values, final = run.values
    out = {lv.name: LevelResult(lv.name, LevelState.CONSTANT if lv.constant
                                else LevelState.WEIGHTED, final[lv.name], None)
           for lv in levels}
    return LevelsRun(run.status, values, out, stopped=stopped,
                     stats={"weighted_objective": run.objective, "weighted_bound": run.bound})
