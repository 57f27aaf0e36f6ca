"""The second engine: a *linear* CP-SAT model solved by HiGHS through MathOpt.

The CP-SAT model stays the single place where a model's constraints are written; this module
copies its variables and linear constraints into a MathOpt ``ModelProto`` — kept as the source
of truth, with the bounds in NumPy arrays, and handed to MathOpt's core solver directly (the
Python ``mathopt.Model`` wrapper spent more time on 100,000-variable rosters than HiGHS did).

Two ways to solve:

* :meth:`HighsLinear.solve` — one objective, as a MIP (used stage by stage or weighted);
* :meth:`HighsLinear.solve_levels` — several objective levels in lexicographic order, each
  level's LP relaxation first; when it is integral the level is proven optimal and the model is
  restricted to the LP's optimal face for the next level (see :func:`_solve_levels`).

Models with enforcement literals or non-linear constraints are refused (use CP-SAT for those).
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Generic, TypeVar

import numpy as np
from ortools.math_opt import model_parameters_pb2, model_pb2, result_pb2, solution_pb2
from ortools.sat.python import cp_model, cp_model_helper

from assignments.core.solver import CpRun, SolveParams, SolveStatus

__all__ = ["FOLD_MAX_COEFFICIENT", "HighsLinear", "LevelRun", "Relaxation"]

T = TypeVar("T")

FOLD_MAX_COEFFICIENT = 1e6
"""Consecutive levels are folded into one objective (exact lexicographic weights) while no
folded coefficient exceeds this, so the LP stays well scaled."""

_FACE_TOLERANCE = 1e-6
_INTEGRAL = 1e-6
_BIG = 2**62


class _LinearValues:
    """Reads variable and expression values from a HiGHS solution, like ``CpSolver.value``."""

    def __init__(self, values: Any) -> None:
        self.values = [round(v) for v in values]

    def value(self, expr: Any) -> int:
        if isinstance(expr, int):
            return expr
        if isinstance(expr, cp_model.IntVar):
            return self.values[expr.index]
        flat = cp_model_helper.FlatIntExpr(expr)
        total = sum(c * self.values[v.index] for v, c in zip(flat.vars, flat.coeffs, strict=True))
        return int(total + flat.offset)


@dataclass
class _Outcome:
    """One HiGHS call, read off the result proto."""

    reason: int
    primal: np.ndarray | None  # variable values of a feasible solution
    objective: float | None
    dual_bound: float
    reduced_costs: np.ndarray | None = None
    duals: np.ndarray | None = None
    seconds: float = 0.0


@dataclass
class Relaxation:
    """The LP relaxation of one objective (:meth:`HighsLinear.relax`).

    ``values`` and ``reduced_costs`` (one per model variable) are ``None`` unless ``status`` is
    ``OPTIMAL``; ``objective`` is then the LP optimum, a lower bound of the MIP's.
    """

    status: SolveStatus
    objective: float | None
    values: np.ndarray | None
    reduced_costs: np.ndarray | None
    seconds: float


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


class HighsLinear:
    """Solve a *linear* CP-SAT model with HiGHS (MathOpt), incrementally.

    Constraints added to the CP-SAT model after the first solve (e.g. "level <= value" between
    lexicographic stages) are copied on the next solve. :attr:`last` keeps the last solution's
    variable values (a MIP start for the next solve).
    """

    def __init__(self, model: cp_model.CpModel) -> None:
        self.model = model
        self.mp = model_pb2.ModelProto(name="assignments")
        self.n = 0
        self.synced = 0
        self.lb = np.zeros(0)
        self.ub = np.zeros(0)
        self.row_lb: list[float] = []
        self.row_ub: list[float] = []
        self.last: np.ndarray | None = None

    # ------------------------------------------------------------------ model copy
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
        lo = dom[0] if dom[0] > -_BIG else -math.inf
        hi = dom[-1] if dom[-1] < _BIG else math.inf
        return lo, hi, list(lin.vars), list(lin.coeffs)

    def _sync(self) -> None:
        """Copy the variables and constraints added to the CP-SAT model since the last call."""
        proto = self.model.proto
        variables = proto.variables
        if len(variables) > self.n:
            new = list(variables)[self.n :]
            self.mp.variables.ids.extend(range(self.n, self.n + len(new)))
            lbs = [float(v.domain[0]) for v in new]
            ubs = [float(v.domain[len(v.domain) - 1]) for v in new]
            self.lb = np.concatenate([self.lb, lbs])
            self.ub = np.concatenate([self.ub, ubs])
            self.n += len(new)
        constraints = proto.constraints
        if len(constraints) > self.synced:
            lc = self.mp.linear_constraints
            matrix = self.mp.linear_constraint_matrix
            rows: list[int] = []
            cols: list[int] = []
            coefs: list[float] = []
            k = len(self.row_lb)
            for c in list(constraints)[self.synced :]:
                row = self._row(c)
                if row is None:
                    continue
                lo, hi, vs, cs = row
                lc.ids.append(k)
                self.row_lb.append(lo)
                self.row_ub.append(hi)
                merged: dict[int, float] = {}
                for i, coef in zip(vs, cs, strict=True):
                    merged[i] = merged.get(i, 0.0) + coef
                for i in sorted(merged):
                    if merged[i]:
                        rows.append(k)
                        cols.append(i)
                        coefs.append(merged[i])
                k += 1
            matrix.row_ids.extend(rows)
            matrix.column_ids.extend(cols)
            matrix.coefficients.extend(coefs)
            self.synced = len(constraints)

    # ------------------------------------------------------------------ one HiGHS call
    def _set_objective(self, coeff: dict[int, float], offset: float) -> None:
        obj = self.mp.objective
        obj.Clear()
        obj.maximize = False
        obj.offset = offset
        ids = sorted(i for i, c in coeff.items() if c)
        obj.linear_coefficients.ids.extend(ids)
        obj.linear_coefficients.values.extend(coeff[i] for i in ids)

    def _call(
        self,
        params: SolveParams,
        time_limit: float,
        *,
        integer: bool,
        hint: np.ndarray | None = None,
        cutoff: float | None = None,
        options: Mapping[str, Any] | None = None,
    ) -> _Outcome:
        from ortools.math_opt.core.python import solver as core_solver
        from ortools.math_opt.python import mathopt

        mp = self.mp
        v = mp.variables
        del v.lower_bounds[:], v.upper_bounds[:], v.integers[:]
        v.lower_bounds.extend(self.lb.tolist())
        v.upper_bounds.extend(self.ub.tolist())
        v.integers.extend([integer] * self.n)
        lc = mp.linear_constraints
        del lc.lower_bounds[:], lc.upper_bounds[:]
        lc.lower_bounds.extend(self.row_lb)
        lc.upper_bounds.extend(self.row_ub)
        if params.budget is not None:  # never past the solve's budget
            time_limit = params.budget.grant(time_limit, "highs")
        sp = mathopt.SolveParameters(
            time_limit=timedelta(seconds=max(0.05, time_limit)),
            random_seed=params.seed,
            enable_output=params.log,
            **(
                {"relative_gap_tolerance": 0.0, "absolute_gap_tolerance": 0.5}
                if integer
                else {"lp_algorithm": mathopt.LPAlgorithm.DUAL_SIMPLEX}
            ),
        )
        if cutoff is not None and integer:  # prune every node whose bound exceeds it
            sp.highs.double_options["objective_bound"] = cutoff
        for key, val in (options or {}).items():  # further HiGHS options, by type
            if isinstance(val, bool):
                sp.highs.bool_options[key] = val
            elif isinstance(val, int):
                sp.highs.int_options[key] = val
            elif isinstance(val, float):
                sp.highs.double_options[key] = val
            else:
                sp.highs.string_options[key] = str(val)
        msp = model_parameters_pb2.ModelSolveParametersProto()
        if hint is not None and integer:
            h = msp.solution_hints.add()
            h.variable_values.ids.extend(range(self.n))
            h.variable_values.values.extend(hint.tolist())
        start = time.perf_counter()
        # MathOpt's HiGHS ignores a SolveInterrupter (measured with OR-Tools 9.15: an interrupt
        # after 0.5 s of an 8 s run ended at 8 s), so a stop takes effect when this call ends;
        # the time cap above keeps the budget's deadline.
        res = core_solver.solve(
            mp,
            mathopt.SolverType.HIGHS.value,
            mathopt.StreamableSolverInitArguments().to_proto(),
            sp.to_proto(),
            msp,
            (lambda lines: print("\n".join(lines), file=sys.stderr)) if params.log else None,
            mathopt.CallbackRegistration().to_proto(),
            None,
            None,
        )
        seconds = time.perf_counter() - start
        out = _Outcome(
            reason=res.termination.reason,
            primal=None,
            objective=None,
            dual_bound=float(res.termination.objective_bounds.dual_bound),
            seconds=seconds,
        )
        for sol in res.solutions:
            if sol.HasField("primal_solution") and out.primal is None and (
                sol.primal_solution.feasibility_status == solution_pb2.SOLUTION_STATUS_FEASIBLE
            ):
                out.primal = self._dense(sol.primal_solution.variable_values)
                out.objective = float(sol.primal_solution.objective_value)
            if sol.HasField("dual_solution") and out.reduced_costs is None:
                out.reduced_costs = self._dense(sol.dual_solution.reduced_costs)
                out.duals = self._dense(sol.dual_solution.dual_values, len(self.row_lb))
        return out

    def _dense(self, vec: Any, size: int | None = None) -> np.ndarray:
        arr = np.zeros(self.n if size is None else size)
        ids = np.fromiter(vec.ids, dtype=np.int64, count=len(vec.ids))
        arr[ids] = np.fromiter(vec.values, dtype=float, count=len(vec.values))
        return arr

    @staticmethod
    def _flat(expr: Any) -> tuple[dict[int, float], float]:
        if isinstance(expr, int):
            return {}, float(expr)
        flat = cp_model_helper.FlatIntExpr(expr)
        coeff: dict[int, float] = {}
        for v, c in zip(flat.vars, flat.coeffs, strict=True):
            coeff[v.index] = coeff.get(v.index, 0.0) + c
        return coeff, float(flat.offset)

    def set_start(self, values: Mapping[Any, int] | Sequence[float]) -> None:
        """The MIP start of the next solve: CP-SAT variable -> value (variables left out start
        at 0), or one value per variable of the model in index order."""
        self._sync()
        start = np.zeros(self.n)
        if isinstance(values, Mapping):
            for var, value in values.items():
                start[var.index] = value
        else:
            start[: len(values)] = np.asarray(values, dtype=float)
        self.last = start

    # ------------------------------------------------------------------ single objective
    def solve(
        self,
        objective: Any,
        params: SolveParams,
        extract: Callable[[Any], T],
        hint: Mapping[Any, int] | None = None,
        cutoff: float | None = None,
        options: Mapping[str, Any] | None = None,
    ) -> CpRun[T]:
        """Minimise ``objective`` (a CP-SAT linear expression) under the model's constraints,
        as a MIP, starting from ``hint`` (see :meth:`set_start`) or else from the previous
        solution (:attr:`last`) when there is one.

        With ``cutoff``, only solutions of objective at most ``cutoff`` are sought (HiGHS'
        ``objective_bound``: nodes whose bound exceeds it are pruned, a start above it is not
        used). A finished search then proves one of two things: a solution at most ``cutoff``
        (status ``OPTIMAL``) is optimal, and *any other* finished outcome — ``INFEASIBLE``, or
        ``OPTIMAL`` with a solution above ``cutoff`` (HiGHS reports that too, measured) — means
        that no solution reaches ``cutoff``; the reported ``bound`` is then not a proof and the
        caller must read the outcome against ``cutoff`` (as :mod:`assignments.knapsack.ladder`
        does; ``tests/funding/test_funding_ladder.py`` pins this reading on random programs).

        ``options``: further HiGHS options by name (bool, int, float or string values), e.g.
        ``{"mip_heuristic_run_feasibility_jump": False}``; none by default.
        """
        if hint is not None:
            self.set_start(hint)
        self._sync()
        coeff, offset = self._flat(objective)
        self._set_objective(coeff, offset)
        start = self.last if self.last is not None and len(self.last) == self.n else None
        if start is not None and cutoff is not None and offset + sum(
                c * start[i] for i, c in coeff.items()) > cutoff:
            start = None
        out = self._call(params, params.time_limit, integer=True, hint=start, cutoff=cutoff,
                         options=options)
        if out.reason == result_pb2.TERMINATION_REASON_OPTIMAL:
            status = SolveStatus.OPTIMAL
        elif out.reason == result_pb2.TERMINATION_REASON_INFEASIBLE:
            status = SolveStatus.INFEASIBLE
        elif out.primal is not None:
            status = SolveStatus.FEASIBLE
        else:
            status = SolveStatus.UNKNOWN
        values = None
        objective_value = bound = None
        if out.primal is not None and status is not SolveStatus.INFEASIBLE:
            reader = _LinearValues(out.primal)
            self.last = np.array(reader.values, dtype=float)
            values = extract(reader)
            objective_value = float(reader.value(objective))
            if status is SolveStatus.OPTIMAL:
                bound = objective_value
            elif math.isfinite(out.dual_bound):  # integer objective: round the bound up
                bound = float(math.ceil(out.dual_bound - 1e-6))
        return CpRun(status, objective_value, bound, out.seconds, values,
                     stats={"engine": "highs"})

    # ------------------------------------------------------------------ LP and bounds
    def relax(self, objective: Any, params: SolveParams) -> Relaxation:
        """The LP relaxation minimising ``objective`` under the current bounds (dual simplex),
        with the reduced costs, e.g. for reduced-cost fixing (:meth:`bounds`)."""
        self._sync()
        coeff, offset = self._flat(objective)
        self._set_objective(coeff, offset)
        out = self._call(params, params.time_limit, integer=False)
        if out.reason == result_pb2.TERMINATION_REASON_OPTIMAL and out.primal is not None:
            return Relaxation(SolveStatus.OPTIMAL, out.objective, out.primal,
                              out.reduced_costs, out.seconds)
        infeasible = out.reason in (result_pb2.TERMINATION_REASON_INFEASIBLE,
                                    result_pb2.TERMINATION_REASON_INFEASIBLE_OR_UNBOUNDED)
        return Relaxation(SolveStatus.INFEASIBLE if infeasible else SolveStatus.UNKNOWN, None,
                          None, None, out.seconds)

    def bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """Copies of the variables' current lower and upper bounds (in index order)."""
        self._sync()
        return self.lb.copy(), self.ub.copy()

    def set_bounds(self, lower: np.ndarray, upper: np.ndarray) -> None:
        """Replace the variables' bounds (for the HiGHS copy only; e.g. fixings, then undone)."""
        self._sync()
        self.lb = np.asarray(lower, dtype=float).copy()
        self.ub = np.asarray(upper, dtype=float).copy()

    def read(self, values: Sequence[float], extract: Callable[[Any], T]) -> T:
        """``extract`` of a vector of variable values (rounded to integers)."""
        return extract(_LinearValues(values))

    # ------------------------------------------------------------------ lexicographic levels
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
        ``False`` to stop (the run is then marked ``stopped``). The bounds are restricted as
        levels are fixed: use one :class:`HighsLinear` per lexicographic solve.
        """
        self._sync()
        saved = (self.lb.copy(), self.ub.copy(), list(self.row_lb), list(self.row_ub))
        run = _solve_levels(self, levels, params, extract, on_level, label, explicit=False)
        if run is None:  # pragma: no cover - numerical safety net, not seen on the instances
            self.lb, self.ub = saved[0], saved[1]
            self.row_lb, self.row_ub = saved[2], saved[3]
            run = _solve_levels(self, levels, params, extract, on_level, label, explicit=True)
            assert run is not None
        return run

    def _add_row(self, coeff: dict[int, float], ub: float) -> None:
        """Append the row ``sum(coeff * x) <= ub`` to the HiGHS copy only."""
        k = len(self.row_lb)
        self.mp.linear_constraints.ids.append(k)
        self.row_lb.append(-math.inf)
        self.row_ub.append(ub)
        ids = sorted(i for i, c in coeff.items() if c)
        m = self.mp.linear_constraint_matrix
        m.row_ids.extend([k] * len(ids))
        m.column_ids.extend(ids)
        m.coefficients.extend(coeff[i] for i in ids)


def _lex_weights(ubs: list[int]) -> list[int]:
    out = []
    acc = 1
    for ub in reversed(ubs):
        out.append(acc)
        acc *= max(0, ub) + 1
    return out[::-1]


def _fold_groups(
    levels: list[tuple[str, Any, int]], flats: dict[str, tuple[dict[int, float], float]]
) -> list[list[tuple[str, int]]]:
    """Group consecutive levels whose exact lexicographic fold stays well scaled.

    Returns groups of ``(name, weight)``; within a group a level's weight exceeds the largest
    value the levels after it (in the group) can take together, so minimising the weighted sum
    is the lexicographic order.
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
                w * max((abs(c) for c in flats[n][0].values()), default=0)
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


def _solve_levels(
    eng: HighsLinear,
    levels: list[tuple[str, Any, int]],
    params: SolveParams,
    extract: Callable[[Any], T],
    on_level: Callable[[str, int, float, bool], bool] | None,
    label: str,
    explicit: bool,
) -> LevelRun[T] | None:
    """Minimise ``levels`` lexicographically, each level's LP relaxation first.

    Consecutive levels are folded into one objective with exact weights while that stays well
    scaled (:data:`FOLD_MAX_COEFFICIENT`). For each group:

    1. the LP relaxation is solved (dual simplex). When its optimum is integral it is the
       group's optimum, proven. The model is then restricted to the LP's optimal face —
       variables with a nonzero reduced cost fixed at their bound, rows with a nonzero dual
       made equalities — which by complementary slackness are exactly the solutions keeping
       the group's value; no dense "level <= value" row is needed (such rows slowed the next
       LP several times over on the roster);
    2. otherwise the group is solved as a MIP from the previous solution, the row
       "group <= value" is added and variables whose reduced cost exceeds the LP gap are fixed.

    With ``explicit``, an integral LP adds the row "group <= value" instead of restricting the
    model to the optimal face. Returns ``None`` when a face restriction let an earlier level
    slip (numerical tolerance; the caller repeats with ``explicit``).
    """
    start = time.perf_counter()
    deadline = start + params.time_limit
    flats = {n: eng._flat(e) for n, e, _ub in levels}
    groups = _fold_groups(levels, flats)
    run: LevelRun[T] = LevelRun(SolveStatus.OPTIMAL, None)
    last = eng.last if eng.last is not None and len(eng.last) == eng.n else None

    def value_of(name: str, x: np.ndarray) -> int:
        coeff, offset = flats[name]
        return round(offset + sum(c * x[i] for i, c in coeff.items()))

    def group_objective(group: list[tuple[str, int]]) -> tuple[dict[int, float], float]:
        coeff: dict[int, float] = {}
        offset = 0.0
        for name, w in group:
            c, o = flats[name]
            offset += w * o
            for i, v in c.items():
                coeff[i] = coeff.get(i, 0.0) + w * v
        return coeff, offset

    for gi, group in enumerate(groups):
        names = [n for n, _w in group]
        remaining = deadline - time.perf_counter()
        if remaining <= 0.05:
            run.status = SolveStatus.FEASIBLE if run.values is not None else SolveStatus.UNKNOWN
            break
        t0 = time.perf_counter()
        coeff, offset = group_objective(group)
        eng._set_objective(coeff, offset)
        lp = eng._call(params, remaining, integer=False)
        if lp.reason in (result_pb2.TERMINATION_REASON_INFEASIBLE,
                         result_pb2.TERMINATION_REASON_INFEASIBLE_OR_UNBOUNDED):
            # after the first group the previous solution is feasible, so only numerically
            run.status = SolveStatus.INFEASIBLE if gi == 0 else SolveStatus.FEASIBLE
            break
        if lp.reason != result_pb2.TERMINATION_REASON_OPTIMAL or lp.primal is None:
            run.status = SolveStatus.FEASIBLE if run.values is not None else SolveStatus.UNKNOWN
            break
        x = lp.primal
        rounded = np.round(x)
        integral = bool(np.all(np.abs(x - rounded) <= _INTEGRAL))
        z_lp = float(lp.objective if lp.objective is not None else 0.0)
        kind = "lp"
        proven = True
        bound_total = z_lp
        if integral and not explicit:
            assert lp.reduced_costs is not None and lp.duals is not None
            free = eng.lb < eng.ub
            rc = lp.reduced_costs
            up = free & (rc > _FACE_TOLERANCE)
            down = free & (rc < -_FACE_TOLERANCE)
            eng.ub[up] = eng.lb[up]
            eng.lb[down] = eng.ub[down]
            for k, y in enumerate(lp.duals.tolist()):
                if eng.row_lb[k] == eng.row_ub[k]:
                    continue
                if y > _FACE_TOLERANCE:
                    eng.row_ub[k] = eng.row_lb[k]
                elif y < -_FACE_TOLERANCE:
                    eng.row_lb[k] = eng.row_ub[k]
        elif integral:
            eng._add_row(coeff, math.floor(z_lp - offset + 1e-6))
        else:
            kind = "mip"
            mip = eng._call(params, max(0.1, deadline - time.perf_counter()), integer=True,
                            hint=last)
            if mip.primal is None:
                run.status = SolveStatus.FEASIBLE if run.values is not None else (
                    SolveStatus.INFEASIBLE
                    if mip.reason == result_pb2.TERMINATION_REASON_INFEASIBLE
                    else SolveStatus.UNKNOWN
                )
                break
            rounded = np.round(mip.primal)
            proven = mip.reason == result_pb2.TERMINATION_REASON_OPTIMAL
            total = sum(w * value_of(n, rounded) for n, w in group)
            if not proven and math.isfinite(mip.dual_bound):
                bound_total = max(z_lp, mip.dual_bound)
            eng._add_row(coeff, float(total) - offset)
            if lp.reduced_costs is not None:  # reduced-cost fixing against the LP gap
                slack = total - z_lp + _FACE_TOLERANCE
                free = eng.lb < eng.ub
                rc = lp.reduced_costs
                up = free & (rc > slack) & (x <= eng.lb + 1e-9)
                down = free & (rc < -slack) & (x >= eng.ub - 1e-9)
                eng.ub[up] = eng.lb[up]
                eng.lb[down] = eng.ub[down]
            if not proven:
                run.status = SolveStatus.FEASIBLE
        last = rounded
        run.values = extract(_LinearValues(rounded))
        stop = False
        for k, (name, _w) in enumerate(group):
            val = value_of(name, rounded)
            run.levels[name] = val
            if proven:
                b = float(val)
            elif k == 0 and math.isfinite(bound_total):
                # the group's value is an integer >= bound_total, and the levels after the
                # first add at most weight - 1 to it
                g = math.ceil(bound_total - 1e-6)
                b = float(math.ceil((g - (group[0][1] - 1)) / group[0][1]))
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
    eng.last = last
    # a face restriction must not have let an earlier level slip (numerical tolerance)
    slipped = (
        run.values is not None
        and last is not None
        and not explicit
        and any(value_of(n, last) != v for n, v in run.levels.items())
    )
    return None if slipped else run
