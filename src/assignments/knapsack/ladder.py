"""The reduced-cost ladder: one lexicographic stage solved exactly with HiGHS, LP first.

For a stage minimising an integer-valued linear expression ``c·x`` (the model holding the
earlier stages' rows), with the LP optimum ``z_LP`` and its reduced costs ``d``, every feasible
``x`` satisfies ``c·x >= z_LP + Σ_j |d_j| × |x_j - bound_j|`` (``bound_j`` the bound the LP
leaves ``x_j`` at; dual feasibility). So a variable whose ``|d_j|`` exceeds ``δ`` keeps its LP
bound in every solution of value at most ``z_LP + δ``: fixing all of them loses no such solution.

The ladder solves the stage as a MIP with the variables of ``|d_j| > δ`` fixed, for a rising
``δ``:

* the sub-MIP's optimum ``z_h`` (or a better known plan) at most ``z_LP + δ`` is the stage's
  optimum — proven, because every better plan lies inside the sub-MIP;
* otherwise no plan reaches ``z_LP + δ`` (a proven bound), and ``δ`` grows to the best known
  plan's gap, so that the next sub-MIP holds it (and every better plan).

``δ`` starts small (most columns fixed, a fast sub-MIP), and the fixings proven for a stage's
value carry over to the later stages, which keep that value as a row. The first sub-MIPs are the
heuristic; the proof is exact in the model's integer units.

:class:`LadderBackend` runs the ladder as a backend of the one level runner
(:func:`assignments.core.levels.solve_levels`): each level is a stage, and its time comes from
the solve's budget (``params.budget``; a stop request ends the rungs with the best plan so far).
Nothing here speaks of projects or money: any linear CP-SAT model with integer-valued levels.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from ortools.sat.python import cp_model

from assignments.core.highs import HighsLinear
from assignments.core.solver import CpRun, SolveParams, SolveStatus

__all__ = ["FIX_SHARE", "GENTLE_RUNGS", "GROWTH", "RENS_RESERVE", "Ladder", "LadderBackend",
           "StageResult"]

FIX_SHARE = 0.7
"""The first sub-MIP fixes about this share of the free columns (those with the largest reduced
costs; a heuristic start — the proof does not depend on it)."""

GROWTH = 1.25
GENTLE_RUNGS = 4
"""After a rung without a plan, ``δ`` grows by :data:`GROWTH` (by 2 after
:data:`GENTLE_RUNGS` such rungs), or to the incumbent's gap."""

RENS_RESERVE = 0.15
"""Share of a stage's time (at most 1 s) kept for RENS when the rungs find no plan."""

_AT_BOUND = 1e-9
_RC_TOL = 1e-7  # relative margin on reduced costs (LP tolerances)


@dataclass
class StageResult:
    """One stage solved by :meth:`Ladder.stage`.

    ``value`` is the stage objective of ``values`` (``None`` without a plan), ``bound`` the
    proven lower bound (equal to ``value`` when ``status`` is ``OPTIMAL``), ``x`` the plan's
    variable values, ``log`` the rungs (δ, free columns, sub-MIP status, value, seconds).
    """

    status: SolveStatus
    value: int | None
    bound: float | None
    values: Any = None
    x: np.ndarray | None = None
    lp: float | None = None
    log: list[dict[str, Any]] = field(default_factory=list)


class Ladder:
    """Lexicographic stages of one model with HiGHS, each by the reduced-cost ladder.

    The fixings proven for a stage's value (``|d_j| > value - z_LP``) are kept for the later
    stages: the caller adds the row ``stage <= value`` to the model after each stage.
    """

    def __init__(self, backend: HighsLinear) -> None:
        self.backend = backend
        self.lb, self.ub = backend.bounds()

    def feasible(self, x: np.ndarray) -> bool:
        """``x`` is an integer point within the current bounds meeting every row of the model
        (as HiGHS sees it)."""
        eng = self.backend
        eng._sync()
        if len(x) != eng.n or np.any(np.abs(x - np.round(x)) > 1e-9):
            return False
        if np.any(x < self.lb - 1e-9) or np.any(x > self.ub + 1e-9):
            return False
        m = eng.mp.linear_constraint_matrix
        rows = np.fromiter(m.row_ids, dtype=np.int64, count=len(m.row_ids))
        cols = np.fromiter(m.column_ids, dtype=np.int64, count=len(m.column_ids))
        coefs = np.fromiter(m.coefficients, dtype=float, count=len(m.coefficients))
        act = np.bincount(rows, weights=coefs * x[cols], minlength=len(eng.row_lb))
        return bool(np.all(act >= np.asarray(eng.row_lb) - 1e-6)
                    and np.all(act <= np.asarray(eng.row_ub) + 1e-6))

    def _fixed(self, x: np.ndarray, rc: np.ndarray, delta: float,
               margin: float) -> tuple[np.ndarray, np.ndarray]:
        """Bounds with every column of reduced cost above ``delta`` fixed at its LP bound."""
        lb, ub = self.lb.copy(), self.ub.copy()
        free = lb < ub
        up = free & (rc > delta + margin) & (x <= lb + _AT_BOUND)
        down = free & (rc < -(delta + margin)) & (x >= ub - _AT_BOUND)
        ub[up] = lb[up]
        lb[down] = ub[down]
        return lb, ub

    def stage(
        self,
        expr: Any,
        params: SolveParams,
        extract: Callable[[Any], Any],
        start: list[int] | np.ndarray | None = None,
        fix_share: float = FIX_SHARE,
    ) -> StageResult:
        """Minimise ``expr`` (integer-valued) under the model's constraints and the proven
        fixings, from the complete plan ``start`` (one value per variable) when given, within
        ``params.time_limit`` seconds."""
        eng = self.backend
        deadline = time.perf_counter() + params.time_limit
        coeff, offset = eng._flat(expr)
        idx = np.fromiter(coeff.keys(), dtype=np.int64, count=len(coeff))
        cvec = np.fromiter(coeff.values(), dtype=float, count=len(coeff))

        def value_of(vec: np.ndarray) -> int:
            return round(offset + float(cvec @ vec[idx]))

        eng.set_bounds(self.lb, self.ub)
        out = StageResult(SolveStatus.UNKNOWN, None, None)
        inc_x: np.ndarray | None = None
        inc: int | None = None
        if start is not None:
            sx = np.asarray(start, dtype=float)
            if self.feasible(sx):
                inc_x, inc = sx, value_of(sx)
        if not coeff:  # a constant objective: any plan is optimal
            if inc is None:
                for presolve in (True, False):  # an "infeasible" is confirmed without presolve
                    run = self._sub_mip(expr, params, extract, None, None, deadline, presolve)
                    if run is not None and run.values is not None and eng.last is not None:
                        inc, inc_x = value_of(eng.last), np.asarray(eng.last, dtype=float)
                        break
                    if run is None or run.status is not SolveStatus.INFEASIBLE:
                        break
                else:
                    out.status = SolveStatus.INFEASIBLE
                    return out
            return self._finish(out, inc, inc_x, inc, extract, proven=inc is not None)
        rel = eng.relax(expr, params.with_time(max(0.1, deadline - time.perf_counter())))
        if rel.status is SolveStatus.INFEASIBLE:
            out.status = SolveStatus.INFEASIBLE
            return out
        if rel.status is not SolveStatus.OPTIMAL or rel.values is None \
                or rel.reduced_costs is None or rel.objective is None:
            return self._finish(out, inc, inc_x, None, extract, proven=False)
        z_lp = float(rel.objective)
        out.lp = z_lp
        margin = _RC_TOL * (1.0 + abs(z_lp)) + 1e-6
        lower = math.ceil(z_lp - margin)
        x, rc = rel.values, rel.reduced_costs
        out.log.append({"rung": "lp", "value": round(z_lp, 3), "seconds": round(rel.seconds, 3)})
        if inc is not None and inc <= lower:  # the start meets the LP bound
            return self._finish(out, inc, inc_x, lower, extract, proven=True, z_lp=z_lp,
                                x=x, rc=rc, margin=margin)
        # the first δ: fix about ``fix_share`` of the free columns (largest reduced costs first)
        free = self.lb < self.ub
        cand = np.abs(rc[free & (((rc > 0) & (x <= self.lb + _AT_BOUND))
                                 | ((rc < 0) & (x >= self.ub - _AT_BOUND)))])
        k = int(fix_share * int(free.sum()))
        delta = float(np.sort(cand)[::-1][k - 1]) if 0 < k <= len(cand) else 0.0
        delta = max(delta, lower - z_lp, 1.0)
        if inc is not None:
            delta = min(delta, inc - z_lp)
        # a tight probe first (plans within one unit of the LP bound's ceiling): cheap when there
        # are none, and HiGHS finds a plan fast when the cutoff is close above the optimum
        planned = delta
        delta = min(delta, lower - z_lp + 1.0)
        proven = False
        rungs = 0
        # a little time is kept for RENS should the rungs find no plan (below)
        rung_deadline = deadline - min(1.0, RENS_RESERVE * params.time_limit)
        budget = params.budget
        while True:
            if rung_deadline - time.perf_counter() <= 0.05:
                break
            if budget is not None and budget.should_end():
                break
            lb, ub = self._fixed(x, rc, delta, margin)
            full = not np.any((lb == ub) & (self.lb < self.ub))
            eng.set_bounds(lb, ub)
            # only plans better than the incumbent and (unless nothing is fixed) inside the
            # rung's guarantee: every plan of value <= top satisfies the fixings
            top = math.floor(z_lp + delta + 1e-9)
            cutoff = None if full else top + 0.5
            if inc is not None:
                cutoff = inc - 0.5 if cutoff is None else min(cutoff, inc - 0.5)
            inside = inc_x is not None and bool(np.all(inc_x >= lb - 1e-9)
                                                and np.all(inc_x <= ub + 1e-9))
            run = self._sub_mip(expr, params, extract, cutoff, inc_x if inside else None,
                                rung_deadline)
            if run is None:
                break
            got = eng.last if run.values is not None else None
            r = run.objective
            out.log.append({"rung": "mip", "delta": round(delta, 3),
                            "free": int((lb < ub).sum()), "cutoff": cutoff,
                            "status": run.status.value, "value": r,
                            "seconds": round(run.runtime, 3)})
            if got is not None and r is not None and (inc is None or r < inc):
                inc, inc_x = int(r), np.asarray(got, dtype=float).copy()
            if run.status not in (SolveStatus.OPTIMAL, SolveStatus.INFEASIBLE):
                break  # the time limit inside the sub-MIP
            # HiGHS with a cutoff: a plan at most the cutoff is the sub-MIP's optimum; any other
            # outcome means that no plan of the sub-MIP reaches the cutoff
            if r is not None and (cutoff is None or r <= cutoff):
                proven = True
                break
            if cutoff is None:  # nothing fixed and no cutoff: the stage has no plan
                # (HiGHS' presolve has claimed infeasibility wrongly once: confirm without it)
                again = self._sub_mip(expr, params, extract, None, None, deadline,
                                      presolve=False)
                if again is None or again.status is not SolveStatus.INFEASIBLE:
                    if again is not None and again.objective is not None:
                        inc, inc_x = int(again.objective), np.asarray(eng.last, dtype=float)
                        proven = again.status is SolveStatus.OPTIMAL
                    break
                out.status = SolveStatus.INFEASIBLE
                eng.set_bounds(self.lb, self.ub)
                return out
            if inc is not None and cutoff >= inc - 0.5:
                proven = True  # no plan better than the incumbent
                break
            lower = max(lower, math.floor(cutoff) + 1)  # no plan reaches the cutoff
            # a gentle rise: HiGHS finds a plan fast when the cutoff is just above the optimum
            # (measured on the province: 2.8 s at 4.5 units above it, no plan in 20 s at 53)
            if planned > delta:  # after the tight probe, the planned first rung
                delta, planned = planned, 0.0
                continue
            rungs += 1
            factor = GROWTH if rungs <= GENTLE_RUNGS else 2.0
            grown = factor * delta if inc is None else min(factor * delta, inc - z_lp)
            delta = max(grown, delta + 1.0)
        if not proven and not (budget is not None and budget.stopped()):
            self._rens(expr, params, extract, x, deadline, out)
            if out.x is not None and (inc is None or (out.value or 0) < inc):
                inc, inc_x = out.value, out.x
        eng.set_bounds(self.lb, self.ub)
        return self._finish(out, inc, inc_x, lower, extract, proven=proven, z_lp=z_lp, x=x,
                            rc=rc, margin=margin)

    def _rens(self, expr: Any, params: SolveParams, extract: Callable[[Any], Any],
              x: np.ndarray, deadline: float, out: StageResult) -> None:
        """RENS, a heuristic for when the rungs found no plan in time: the 0/1 columns the LP
        leaves integral are fixed, HiGHS solves the rest (its plan goes to ``out.value``/``x``)."""
        lb, ub = self.lb.copy(), self.ub.copy()
        near = np.round(x)
        fix = (ub - lb == 1) & (np.abs(x - near) <= 1e-6)
        lb[fix] = ub[fix] = near[fix]
        self.backend.set_bounds(lb, ub)
        run = self._sub_mip(expr, params, extract, None, None, deadline)
        out.log.append({"rung": "rens", "fixed": int(fix.sum()),
                        "status": None if run is None else run.status.value,
                        "value": None if run is None else run.objective,
                        "seconds": None if run is None else round(run.runtime, 3)})
        if run is not None and run.objective is not None and self.backend.last is not None:
            out.value = int(run.objective)
            out.x = np.asarray(self.backend.last, dtype=float).copy()

    def _sub_mip(self, expr: Any, params: SolveParams, extract: Callable[[Any], Any],
                 cutoff: float | None, start: np.ndarray | None, deadline: float,
                 presolve: bool = True) -> Any:
        """One HiGHS MIP under the current bounds; ``None`` when HiGHS fails twice."""
        eng = self.backend
        tries: list[dict[str, Any] | None] = [None, {"presolve": "off"}] if presolve else [
            {"presolve": "off"}]
        for options in tries:
            eng.last = None if start is None else start.copy()
            try:
                return eng.solve(expr, params.with_time(max(0.1, deadline - time.perf_counter())),
                                 extract, cutoff=cutoff, options=options)
            except Exception:  # HiGHS' internal error on some sub-MIPs
                continue  # (transformNewIntegerFeasibleSolution, OR-Tools 9.15): no presolve
        return None

    def _finish(self, out: StageResult, inc: int | None, inc_x: np.ndarray | None,
                lower: int | None, extract: Callable[[Any], Any], *, proven: bool,
                z_lp: float | None = None, x: np.ndarray | None = None,
                rc: np.ndarray | None = None, margin: float = 0.0) -> StageResult:
        if inc is None or inc_x is None:
            out.bound = None if lower is None else float(lower)
            return out
        out.value, out.x = inc, inc_x
        out.values = self.backend.read(inc_x.tolist(), extract)
        out.status = SolveStatus.OPTIMAL if proven else SolveStatus.FEASIBLE
        out.bound = float(inc) if proven else (None if lower is None else float(lower))
        self.backend.last = inc_x.copy()
        if z_lp is not None and x is not None and rc is not None:
            # the later stages keep "stage <= inc": these fixings lose none of their plans
            self.lb, self.ub = self._fixed(x, rc, inc - z_lp, margin)
        return out


class LadderBackend:
    """The ladder as a :class:`~assignments.core.levels.Backend` of a linear CP-SAT model.

    ``minimize`` solves one level by :meth:`Ladder.stage`, started from ``hint`` when it is a
    complete plan (one value per variable of the model, e.g. a greedy plan) and otherwise from
    the previous level's plan; ``keep`` adds ``level <= value`` to the model (HiGHS copies it
    on the next stage). :attr:`log` keeps each stage's LP value and rungs.
    """

    engine = "highs-ladder"

    def __init__(self, model: cp_model.CpModel, fix_share: float = FIX_SHARE) -> None:
        self.model = model
        self.linear = HighsLinear(model)
        self.ladder = Ladder(self.linear)
        self.fix_share = fix_share
        self.log: dict[str, dict[str, Any]] = {}

    def minimize(self, expr: Any, params: SolveParams, extract: Callable[[Any], Any],
                 hint: Mapping[Any, int] | Sequence[float] | np.ndarray | None,
                 label: str) -> CpRun[Any]:
        """One level by the ladder (see the class docstring)."""
        start: Any = self.linear.last
        if hint is not None and not isinstance(hint, Mapping):
            start = hint
        sr = self.ladder.stage(expr, params, extract, start, self.fix_share)
        self.log[label.rsplit(":", 1)[-1]] = {"lp": sr.lp, "ladder": sr.log}
        budget = params.budget
        return CpRun(sr.status, None if sr.value is None else float(sr.value), sr.bound,
                     sum(r.get("seconds") or 0 for r in sr.log), sr.values,
                     stats={"engine": self.engine,
                            "stopped": bool(budget is not None and budget.stopped())})

    def keep(self, expr: Any, value: int) -> None:
        """``expr <= value`` for the levels that follow."""
        if not isinstance(expr, int):
            self.model.add(expr <= value)
