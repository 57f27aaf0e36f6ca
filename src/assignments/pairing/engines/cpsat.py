"""The pairing model (:mod:`assignments.pairing.model`) solved by CP-SAT or HiGHS.

Three entries of the engine table (:mod:`assignments.pairing.solve`):

* :func:`run_levels` — the objective levels in lexicographic stages through the one level
  runner (:func:`assignments.core.levels.solve_levels`), CP-SAT or HiGHS (the same linear
  model through MathOpt, stage by stage), each stage started from the previous solution;
* :func:`run_weighted` — one solve of the weighted sum of the levels;
* :func:`run_gap` — assign-all (GAP) problems whose only level is quality: CP-SAT with one
  worker and the stronger LP first, then the portfolio (:func:`_prove_then_search`, together
  ``table_gap_cpsat_share`` of the time), then, when not proven, the Lagrangian-guided
  large-neighbourhood search (:func:`assignments.pairing.engines.lns.improve`); when CP-SAT
  found no assignment at all, the local search looks for a first one in what is left
  (:func:`assignments.pairing.engines.lns.first_assignment`).

Each returns an :class:`EngineRun` (0/1 per candidate, the levels reached, their bounds); the
caller checks it.
"""

from __future__ import annotations

import functools
import math
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from assignments.core.levels import Level, LevelState, solve_levels, solve_weighted
from assignments.core.solver import CpRun, SolveParams, SolveStatus, run_cpsat
from assignments.pairing.model import PairingModel, build_model
from assignments.pairing.params import EngineParams, deadline_of, stopped
from assignments.pairing.problem import PairingProblem

__all__ = ["EngineRun", "run_gap", "run_levels", "run_weighted"]


@dataclass
class EngineRun:
    """What an engine of the table returns.

    Attributes
    ----------
    status
        ``OPTIMAL`` when every level reached is proven; ``FEASIBLE``; or without a solution,
        ``INFEASIBLE`` / ``UNKNOWN`` / ``INVALID``.
    x
        0/1 per candidate (``None`` without a solution).
    values
        Level name -> value (minimised form) for the levels the engine reached.
    bounds
        Level name -> proven lower bound (minimised form); ``"weighted"`` in weighted mode.
    states
        Level name -> :class:`LevelState` value, when the engine knows it (the level runner).
    stats
        Engine figures (merged into the result's ``stats``).
    """

    status: SolveStatus
    x: list[int] | None
    values: dict[str, int] = field(default_factory=dict)
    bounds: dict[str, float] = field(default_factory=dict)
    states: dict[str, str] = field(default_factory=dict)
    stats: dict[str, Any] = field(default_factory=dict)


class _HighsStages:
    """The level runner's backend for HiGHS stage by stage (the model's constraints copied on
    each solve, ``level <= value`` added to the CP-SAT model between stages)."""

    engine = "highs"

    def __init__(self, pm: PairingModel) -> None:
        from assignments.core.highs import HighsLinear

        self.pm = pm
        self.linear = HighsLinear(pm.model)

    def minimize(self, expr: Any, params: SolveParams, extract: Callable[[Any], Any],
                 hint: Mapping[Any, int] | None, label: str) -> CpRun[Any]:
        return self.linear.solve(expr, params, extract)

    def keep(self, expr: Any, value: int) -> None:
        if not isinstance(expr, int):
            self.pm.model.add(expr <= value)


class _CpSat:
    """The level runner's backend for CP-SAT (the same as :class:`core.levels.CpSatBackend`,
    kept here so that tests may count its runs)."""

    engine = "cpsat"

    def __init__(self, pm: PairingModel) -> None:
        self.pm = pm

    def minimize(self, expr: Any, params: SolveParams, extract: Callable[[Any], Any],
                 hint: Mapping[Any, int] | None, label: str) -> CpRun[Any]:
        if isinstance(expr, int):
            self.pm.model.clear_objective()
        else:
            self.pm.model.minimize(expr)
        return run_cpsat(self.pm.model, params, extract, label=label, hint=hint)

    def keep(self, expr: Any, value: int) -> None:
        if not isinstance(expr, int):
            self.pm.model.add(expr <= value)


def _extract(pm: PairingModel, highs: bool) -> Callable[[Any], dict[str, Any]]:
    def extract(solver: Any) -> dict[str, Any]:
        if highs:
            return {"x": [int(solver.value(v)) for v in pm.x], "aux": {}}
        sol = solver.response_proto.solution
        return {"x": [int(sol[v.index]) for v in pm.x],
                "aux": {v: int(sol[v.index]) for v in pm.aux}}

    return extract


def _hint(pm: PairingModel, start: list[int] | None) -> dict[Any, int] | None:
    if start is None:
        return None
    picked = set(start)
    return {v: int(k in picked) for k, v in enumerate(pm.x)}


def _levels(p: PairingProblem, pm: PairingModel, ep: EngineParams) -> list[Level]:
    names = p.levels()
    staged = [n for n in names if not isinstance(pm.levels[n], int)]
    shares = dict(zip(staged, ep.stage_shares(len(staged)), strict=True)) if staged else {}
    return [Level(n, pm.levels[n], share=shares.get(n),
                  tolerance=p.quality_tolerance if n == "quality" else 0.0) for n in names]


def run_levels(p: PairingProblem, params: SolveParams, ep: EngineParams,
               start: list[int] | None, *, highs: bool = False) -> EngineRun:
    """The lexicographic levels by CP-SAT or HiGHS (the level runner of ``core.levels``)."""
    pm = build_model(p)
    backend: Any = _HighsStages(pm) if highs else _CpSat(pm)
    hint = _hint(pm, start)

    def hint_of(values: dict[str, Any]) -> dict[Any, int]:
        h = dict(zip(pm.x, values["x"], strict=True))
        h.update(values["aux"])
        return h

    run = solve_levels(backend, _levels(p, pm, ep), params, _extract(pm, highs), hint=hint,
                       hint_of=hint_of, label="pairing")
    values = {n: r.value for n, r in run.levels.items()
              if r.value is not None and r.state is not LevelState.NOT_REACHED}
    bounds = {n: (r.bound if r.bound is not None else math.nan) for n, r in run.levels.items()
              if n in values}
    return EngineRun(run.status, run.values["x"] if run.values is not None else None, values,
                     bounds, {n: r.state.value for n, r in run.levels.items()},
                     {"stages": run.stats.get("stages", [])})


def run_weighted(p: PairingProblem, params: SolveParams, ep: EngineParams,
                 start: list[int] | None, *, highs: bool = False) -> EngineRun:
    """One solve of the weighted sum of the levels (``p.weights``)."""
    pm = build_model(p)
    backend: Any = _HighsStages(pm) if highs else _CpSat(pm)
    levels = [Level(n, pm.levels[n]) for n in p.levels()]
    run = solve_weighted(backend, levels, p.weights, params, _extract(pm, highs),
                         hint=_hint(pm, start), label="pairing")
    if run.values is None:
        return EngineRun(run.status, None)
    bound = run.stats.get("weighted_bound")
    return EngineRun(run.status, run.values["x"],
                     {n: r.value for n, r in run.levels.items() if r.value is not None},
                     {"weighted": bound if bound is not None else math.nan},
                     {n: r.state.value for n, r in run.levels.items()})


# ---------------------------------------------------------------------------- assign-all (GAP)


@functools.cache
def _warm_search(lanes: bool, bb: bool) -> None:
    """Compile (or load from numba's cache) the GAP local search in a background thread while
    CP-SAT works: the large-neighbourhood search uses it later. Once per process."""
    if not lanes:
        return

    def work() -> None:
        from assignments.pairing.engines.gap_search import warm_up

        warm_up()
        if bb:
            from assignments.pairing.engines.gap_bb import warm_up as warm_bb

            warm_bb()

    # not a daemon: a process that ends first waits for the compile, so that numba's cache is
    # written and later runs load it (once per installation; up to about 30 s)
    threading.Thread(target=work, daemon=False, name="gap-search-warm-up").start()


def warm_search(ep: EngineParams) -> None:
    """Start compiling the local search (and the branch-and-bound) that ``ep`` will use."""
    _warm_search(ep.lns_search_lanes > 0, ep.lns_bb_share > 0)


def _prove_then_search(
    run: Callable[[SolveParams, str, dict[Any, int] | None], CpRun[Any]],
    params: SolveParams,
    seconds: float,
    hint: dict[Any, int] | None,
    hint_of: Callable[[list[int]], dict[Any, int]],
    ep: EngineParams,
) -> CpRun[Any]:
    """Assign-all (GAP) problems: CP-SAT with one worker and the stronger LP relaxation
    (``linearization_level`` 2) for ``table_gap_prove_share`` of ``seconds`` — it proves the
    small literature problems fastest, measured — then, when not proven, the full portfolio
    (``params.workers``) from its solution for the rest (meanwhile the local search of the
    large-neighbourhood search that follows is compiled or loaded in a thread). Returns the
    better run, with the larger of the two bounds."""
    t0 = time.perf_counter()
    prove = replace(params, time_limit=seconds * ep.table_gap_prove_share, workers=1,
                    extra={"linearization_level": 2, **params.extra})
    first = run(prove, "pairing:quality:prove", hint)
    if first.status in (SolveStatus.OPTIMAL, SolveStatus.INFEASIBLE, SolveStatus.INVALID):
        return first
    warm_search(ep)  # not proven: the local search will be needed
    left = seconds * (1 - ep.table_gap_prove_share)
    if not params.deterministic:
        left = seconds - (time.perf_counter() - t0)
    if left < 0.05 or stopped(params):
        return first
    second = run(params.with_time(left), "pairing:quality",
                 hint_of(first.values["x"]) if first.values is not None else hint)
    if second.values is None:
        return first
    if first.values is None or first.objective is None or (
            second.objective is not None and second.objective <= first.objective):
        best = second
    else:
        best = first
    bounds = [b for b in (first.bound, second.bound) if b is not None]
    bound = max(bounds) if bounds else None
    status = best.status
    if bound is not None and best.objective is not None and bound >= best.objective:
        status = SolveStatus.OPTIMAL
    return CpRun(status, best.objective, bound, first.runtime + second.runtime, best.values)


def run_gap(p: PairingProblem, params: SolveParams, ep: EngineParams,
            start: list[int] | None, *, improve: bool = True) -> EngineRun:
    """Assign-all problems with quality as the only level: prove-then-search by CP-SAT, the
    rescue when it found nothing, then the large-neighbourhood search (module doc)."""
    from assignments.pairing.engines import lns

    pm = build_model(p)
    expr = pm.levels["quality"]
    if isinstance(expr, int) or not improve:
        return run_levels(p, params, ep, start)
    deadline = deadline_of(params)
    stats: dict[str, Any] = {}
    if len(p.candidates) >= ep.table_gap_warm_early_pairs:
        # CP-SAT's first phase will not prove a problem this large: the local search compiles
        # now, beside it (an empty numba cache costs ~10 s of CPU)
        warm_search(ep)
    backend = _CpSat(pm)
    extract = _extract(pm, False)

    def run_quality(st: SolveParams, label: str, h: dict[Any, int] | None) -> CpRun[Any]:
        return backend.minimize(expr, st, extract, h, label)

    remaining = max(0.05, deadline - time.perf_counter())
    # deterministic mode: from the time limit, not from the wall clock
    seconds = (params.time_limit if params.deterministic else remaining) * ep.table_gap_cpsat_share
    out = _prove_then_search(run_quality, params, seconds, _hint(pm, start),
                             lambda xs: dict(zip(pm.x, xs, strict=True)), ep)
    x: list[int] | None = out.values["x"] if out.values is not None else None
    value = round(out.objective) if out.objective is not None else None
    bound = out.bound if out.bound is not None else math.nan
    status = out.status
    if x is None and status is SolveStatus.UNKNOWN and not stopped(params):
        # CP-SAT found no assignment in its share: the local search looks for one in what is
        # left of the budget (it stops at the first), and the search below improves it
        rescue: dict[str, Any] = {}
        found = lns.first_assignment(p, params, ep, rescue)
        stats["rescue"] = rescue
        if found is not None:
            x, value, status = found[0], found[1], SolveStatus.FEASIBLE
    if x is None or value is None:
        return EngineRun(status, None, stats=stats)
    if status is not SolveStatus.OPTIMAL and (
            params.deterministic or deadline - time.perf_counter() > 0.5) and not stopped(params):
        lns_stats: dict[str, Any] = {}
        better = lns.improve(p, x, bound, params, ep, stats=lns_stats)
        stats["lns"] = lns_stats
        if "lagrange_bound" in lns_stats:  # a proven bound as well
            bound = max(lns_stats["lagrange_bound"], bound if not math.isnan(bound) else -math.inf)
        if better is not None:
            x, value = better
        if value <= bound:
            status = SolveStatus.OPTIMAL
    if status is SolveStatus.OPTIMAL:
        bound = max(bound, value) if not math.isnan(bound) else float(value)
    return EngineRun(status if status is SolveStatus.OPTIMAL else SolveStatus.FEASIBLE, x,
                     {"quality": value}, {"quality": bound}, stats=stats)
