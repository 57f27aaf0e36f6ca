"""``solve``: the allocation's entry point — one budget, the lexicographic levels, the checker.

``solve`` makes the solve's one :class:`~assignments.core.budget.Budget` (with
:func:`~assignments.core.solver.solve_params`), builds the model, and hands its objective levels
to the one level runner (:func:`assignments.core.levels.solve_levels`) with one of two
backends:

* :class:`~assignments.knapsack.ladder.LadderBackend` — HiGHS, each level by the exact
  reduced-cost ladder on the model with one-hot levels (the default);
* :class:`FundingStages` — CP-SAT (optionally seeded by the LP core search,
  :func:`assignments.knapsack.core.core_search`) or plain HiGHS (optionally seeded by RENS,
  :func:`assignments.knapsack.core.rens`); each level starts from the previous level's plan
  completed greedily.

Every sub-solve, the conflict search of an infeasible plan and the checker draw from the same
budget; a stop request ends the solve with the best plan so far, checked, marked ``stopped``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from typing import Any

from ortools.sat.python import cp_model_helper

from assignments.core.budget import ProgressCallback, StopFlag
from assignments.core.errors import SolutionCheckError
from assignments.core.highs import HighsLinear
from assignments.core.i18n import tr
from assignments.core.levels import Level, LevelResult, LevelsRun, LevelState, solve_levels
from assignments.core.solver import (
    CpRun,
    Result,
    SolveParams,
    SolveStatus,
    relative_gap,
    run_cpsat,
    solve_params,
)
from assignments.funding.data import FundingData, Problem, problem, unit_word
from assignments.funding.greedy import greedy
from assignments.funding.model import FundingModel, build_model
from assignments.funding.rules import MAXIMISED, RULES
from assignments.funding.solution import (
    FundingSolution,
    check,
    coverage,
    level_order,
    objective_levels,
)
from assignments.knapsack.core import core_search, lp_relaxation, rens
from assignments.knapsack.ladder import LadderBackend

__all__ = [
    "AUTO_HIGHS_PROJECTS",
    "ENGINES",
    "STRATEGIES",
    "FundingStages",
    "main_level",
    "solve",
    "stages_of",
]

AUTO_HIGHS_PROJECTS = 0
"""``engine="auto"`` hands libraries with more projects than this to HiGHS (the reduced-cost
ladder), smaller ones to CP-SAT; decided before the model is built (the HiGHS model has one-hot
levels, :func:`build_model`). Zero: every library goes to HiGHS — measured faster everywhere
(county 0.3 s proven against CP-SAT's 2.5–9 s, which sometimes ends unproven at 10 s; province
proven in about 5 s where CP-SAT has no bound), and the 50-scenario sweep all optimal in a
fraction of CP-SAT's time (docs/funding.md). CP-SAT stays selectable (``engine="cpsat"``)."""

ENGINES = ("auto", "cpsat", "highs")
STRATEGIES = ("auto", "plain", "core", "rens", "ladder")

_MAIN = ("benefit", "priority", "spent")
_FIRST = ("assign_short", "milestone_short", "unmet", "shortfall")
"""The levels before the main one: the soft F6 shortfalls and coverage."""


def main_level(order: list[str]) -> str:
    """The level reported as the objective: the first one after the coverage levels (and the
    soft F6 shortfalls)."""
    return next(n for n in order if n not in _FIRST)


def _all_stages(fm: FundingModel, order: list[str]) -> list[tuple[str, Any]]:
    """Every stage, constants included: coverage (unmet and ‰ short folded exactly), then each
    level."""
    out: list[tuple[str, Any]] = []
    for name in order:
        if name == "unmet":  # where the order puts it (after the soft F6 levels, if any)
            k = len(fm.prob.targets)
            if k:
                out.append(("coverage",
                            (1000 * k + 1) * fm.levels["unmet"] + fm.levels["shortfall"]))
            continue
        if name == "shortfall":
            continue
        out.append((name, fm.levels[name]))
    return out


def stages_of(fm: FundingModel, order: list[str]) -> list[tuple[str, Any]]:
    """The stages a solver minimises (constant ones left out): coverage, then each level."""
    return [(n, e) for n, e in _all_stages(fm, order) if not isinstance(e, int)]


def _extract(fm: FundingModel) -> Callable[[Any], dict[str, Any]]:
    def extract(solver: Any) -> dict[str, Any]:
        level = {j: int(solver.value(e)) if not isinstance(e, int) else e
                 for j, e in fm.level.items()}
        return {
            "level": level,
            "alloc": fm.allocation(solver.value),
            "hint": {v: int(solver.value(v)) for v in fm.decision},
        }

    return extract


def _solution(prob: Problem, values: dict[str, Any]) -> FundingSolution:
    level = [values["level"].get(j, 0) for j in range(prob.n)]
    return FundingSolution(level=level, alloc=dict(values["alloc"]), unit=prob.unit)


def _stage_value(data: FundingData, prob: Problem, sol: FundingSolution, name: str) -> int:
    """A stage's value (minimisation form) of an allocation, as the checker computes it."""
    lv = objective_levels(data, sol, prob)
    if name == "coverage":
        return (1000 * len(prob.targets) + 1) * lv["unmet"] + lv["shortfall"]
    return -lv[name] if name in MAXIMISED else lv[name]


def _stage_values(data: FundingData, prob: Problem, sol: FundingSolution,
                  names: list[str]) -> list[int]:
    """Every stage's value of an allocation (minimisation form), the checker's levels computed
    once (:func:`_stage_value` computes them for one stage; on 2,000 projects they take about
    0.4 s)."""
    lv = objective_levels(data, sol, prob)
    return [(1000 * len(prob.targets) + 1) * lv["unmet"] + lv["shortfall"] if n == "coverage"
            else (-lv[n] if n in MAXIMISED else lv[n]) for n in names]


POST_FACTOR = 1.5
"""The work after the levels (checking the plan, its levels once or twice, the floor's
comparison, the reasons) is reserved up front as this multiple of what the same work took on
the starting plan in this very solve (a measure of the size and of the machine's speed now)."""


def _full_values(fm: FundingModel, data: FundingData, prob: Problem,
                 sol: FundingSolution) -> list[int]:
    """Every variable's value for an allocation (a complete start for HiGHS and the ladder)."""
    cov = coverage(data, sol, prob)
    return fm.full_values(sol, [(c.shortfall, c.permille) for c in cov])


class FundingStages:
    """The allocation's levels by CP-SAT or plain HiGHS: a backend of
    :func:`assignments.core.levels.solve_levels`.

    Per level: the coverage level is skipped when the starting plan already meets its LP
    bound; the main level (benefit or priority) starts from the previous level's plan completed
    greedily (``hints``) and, by ``strategy``, is first searched on an LP core (CP-SAT,
    ``"core"``) or by RENS (HiGHS, ``"rens"``); ``keep`` adds ``level <= value`` to the model.
    :attr:`previous` is the last level's plan (set by the caller's ``hint_of``).
    """

    def __init__(self, fm: FundingModel, data: FundingData, prob: Problem, *, engine: str,
                 strategy: str, hints: bool, start: FundingSolution | None) -> None:
        self.fm = fm
        self.data = data
        self.prob = prob
        self.engine = engine
        self.strategy = strategy
        self.hints = hints
        self.start = start  # a checked plan to start the first level from
        self.linear = HighsLinear(fm.model) if engine == "highs" else None
        self.previous: dict[str, Any] | None = None
        self.first = True
        self.log: dict[str, dict[str, Any]] = {}

    # ------------------------------------------------------------------ the Backend protocol
    def minimize(self, expr: Any, params: SolveParams, extract: Callable[[Any], Any],
                 hint: Mapping[Any, int] | None, label: str) -> CpRun[Any]:
        """One level (see the class docstring)."""
        name = label.rsplit(":", 1)[-1]
        start = self.start if self.first else None
        first, self.first = self.first, False
        if self.hints and self.previous is not None and name in ("benefit", "priority"):
            start = greedy(self.data, self.prob, start=_solution(self.prob, self.previous),
                           coverage=False)
            hint = self.fm.hint_values(start)
        if first and name == "coverage" and start is not None:
            met = self._start_meets_bound(expr, start, extract)
            if met is not None:
                return met
        if self.linear is not None:
            return self._highs(name, expr, params, extract, start)
        return self._cpsat(name, expr, params, extract, hint, label)

    def keep(self, expr: Any, value: int) -> None:
        """``expr <= value`` for the levels that follow."""
        if not isinstance(expr, int):
            self.fm.model.add(expr <= value)

    # ------------------------------------------------------------------ the engines
    def _start_meets_bound(self, expr: Any, start: FundingSolution,
                           extract: Callable[[Any], Any]) -> CpRun[Any] | None:
        """The starting plan as the coverage level's optimum when it meets the LP bound (every
        target that can be met is met), else ``None``."""
        flat = cp_model_helper.FlatIntExpr(expr)
        floor = flat.offset  # targets nothing in the library can meet
        value = _stage_value(self.data, self.prob, start, "coverage")
        if value > floor:  # the LP relaxation may prove the start optimal all the same
            lp = lp_relaxation(self.fm.model, expr, solver="highs")
            if lp:
                floor = math.ceil(flat.offset - 1e-6 + sum(
                    co * lp[v.index][0] for v, co in zip(flat.vars, flat.coeffs, strict=True)))
        if value > floor:
            return None
        values = HighsLinear(self.fm.model).read(
            _full_values(self.fm, self.data, self.prob, start), extract)
        self.log["coverage"] = {"note": "the start meets the lower bound"}
        return CpRun(SolveStatus.OPTIMAL, float(value), float(value), 0.0, values,
                     stats={"engine": self.engine})

    def _highs(self, name: str, expr: Any, params: SolveParams, extract: Callable[[Any], Any],
               start: FundingSolution | None) -> CpRun[Any]:
        assert self.linear is not None
        p = params
        if self.strategy == "rens" and name in ("benefit", "priority"):
            t0 = time.perf_counter()
            items = [self.fm.whole[j] for j in sorted(self.fm.whole)]
            found, log = rens(self.fm.model, items, expr, p.with_time(p.time_limit * 0.4),
                              extract)
            self.log[name] = {"rens": log}
            if found is not None:
                better = _solution(self.prob, found[0])
                if start is None or found[1][name] <= _stage_value(self.data, self.prob,
                                                                   start, name):
                    start = better
            p = p.with_time(max(0.1, p.time_limit - (time.perf_counter() - t0)))
        if start is not None:  # a complete MIP start (HiGHS wants every variable)
            self.linear.set_start(_full_values(self.fm, self.data, self.prob, start))
        return self.linear.solve(expr, p, extract)

    def _cpsat(self, name: str, expr: Any, params: SolveParams, extract: Callable[[Any], Any],
               hint: Mapping[Any, int] | None, label: str) -> CpRun[Any]:
        p = params
        found = None
        if self.strategy == "core" and name in ("benefit", "priority"):
            t0 = time.perf_counter()
            items = [self.fm.whole[j] for j in sorted(self.fm.whole)]
            found = core_search(self.fm.model, items, expr, p, extract,
                                decision=self.fm.decision)
            self.log[name] = {"core_search": found.log}
            if found.values is not None:
                hint = found.hint
                p = p.with_time(max(0.05, p.time_limit - (time.perf_counter() - t0))
                                if not p.deterministic else p.time_limit * 0.3)
        if isinstance(expr, int):
            self.fm.model.clear_objective()
        else:
            self.fm.model.minimize(expr)
        run = run_cpsat(self.fm.model, p, extract, label=label, hint=hint)
        if run.values is None and found is not None and found.values is not None:
            run.values, run.status = found.values, SolveStatus.FEASIBLE  # keep the core's plan
            run.objective = found.objective
        return run


def _shares(names: list[str], ladder: bool, deterministic: bool) -> list[float]:
    """Each level's share of the time: the share of what is left (the last level all of it);
    in deterministic mode fixed shares of the limit."""
    if deterministic:
        weights = [0.2 if n == "coverage" else (0.6 if n in _MAIN else 0.2) for n in names]
        return [w / sum(weights) for w in weights]
    # the ladder proves the coverage and idle levels by their LP as a rule: the main level
    # gets most of the time
    return [1.0 if i == len(names) - 1 else
            (0.3 if n in ("coverage", *_FIRST) else (0.85 if ladder else 0.7))
            for i, n in enumerate(names)]


def solve(
    data: FundingData,
    *,
    time_limit: float = 30.0,
    seed: int = 0,
    num_workers: int = 2,
    deterministic: bool = False,
    preset: str | None = None,
    engine: str = "auto",
    on_progress: ProgressCallback | None = None,
    stop: StopFlag | None = None,
    progress: bool = False,
    log: bool = False,
    explain: bool = True,
    initial_solution: FundingSolution | None = None,
    strategy: str = "auto",
    hints: bool = True,
    **cp_sat_params: Any,
) -> Result[FundingSolution]:
    """Solve an allocation problem: the best plan under every switched-on rule of DOMAIN §F.

    Parameters
    ----------
    data
        A validated problem (:func:`read_funding`, or derived from one).
    time_limit, seed, num_workers, deterministic
        Solver settings (see :class:`~assignments.core.solver.SolveParams`); the time limit
        covers everything: every level, the ladder's rungs, the core search, the conflict
        search of an infeasible plan.
    preset
        Name of a CP-SAT parameter preset in ``configs/`` (``default``, ``fast``, ``quality``).
    engine
        ``"cpsat"``, ``"highs"`` (the same linear model solved by HiGHS through MathOpt) or
        ``"auto"``: HiGHS with the reduced-cost ladder (CP-SAT only up to
        :data:`AUTO_HIGHS_PROJECTS` projects, now none, or when a preset or CP-SAT parameters
        are given; measured, see docs/funding.md).
    on_progress
        Called with a :class:`~assignments.core.budget.Progress` (level, incumbent, bound,
        elapsed) for the starting plan, improving CP-SAT solutions and every finished level.
    stop
        An event (``is_set()``); once set, the solve ends with the best plan so far, checked,
        and ``result.stopped``.
    progress, log
        Improving solutions / the solver's log on stderr.
    explain
        When no plan exists, search for the rules and records that conflict (within the
        budget).
    initial_solution
        An allocation to start from (e.g. the base case of a scenario); default: the greedy
        plan (:func:`assignments.funding.greedy.greedy`) when ``hints``.
    strategy
        ``"plain"`` (the whole model), ``"core"`` (CP-SAT: for the main level, first an LP-based
        core search that seeds the full solve), ``"rens"`` (HiGHS: first the main level with
        every whole project the LP relaxation decides fixed), ``"ladder"`` (HiGHS: every level
        by the exact reduced-cost ladder on the model with one-hot levels,
        :mod:`assignments.knapsack.ladder`) or ``"auto"``: ``ladder`` for HiGHS, ``plain`` for
        CP-SAT.
    hints
        Start from the greedy allocation (first level) and each main level from the previous
        level's allocation completed greedily.
    cp_sat_params
        Further CP-SAT parameters.

    Returns
    -------
    Result
        ``objective`` is the main level (weighted beneficiaries by default; priority score or
        money allocated for the other objectives) in its natural sense, ``bound`` its proven
        bound; ``objectives`` holds every level recomputed by the checker; ``levels`` every
        level the solver ran (state, value and bound in minimisation form); ``stats`` the money
        unit, the stages and the model size.

    Raises
    ------
    ValueError
        An unknown engine or strategy, or a time limit that is not positive.
    SolutionCheckError
        The independent checker rejected the solver's plan (a bug).
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown engine '{engine}'; use auto, cpsat or highs")
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown strategy '{strategy}'; use auto, plain, core, rens or ladder")
    params = solve_params(time_limit=time_limit, seed=seed, num_workers=num_workers,
                          deterministic=deterministic, preset=preset, on_progress=on_progress,
                          stop=stop, progress=progress, log=log, extra=cp_sat_params)
    budget = params.budget
    assert budget is not None
    t0 = budget.start
    prob = problem(data)
    warnings = [*data.warnings, *prob.warnings]
    order = level_order(data)
    if engine == "auto":  # CP-SAT parameters asked for: the caller means CP-SAT
        engine = "highs" if prob.n > AUTO_HIGHS_PROJECTS and not params.extra else "cpsat"
    if strategy == "auto":  # measured: the ladder proves the province optimal (docs/funding.md)
        strategy = "ladder" if engine == "highs" else "plain"
    ladder_on = strategy == "ladder" and engine == "highs"
    fm = build_model(prob, levels=order, onehot=ladder_on)
    all_stages = _all_stages(fm, order)
    shares = _shares([n for n, _e in all_stages], ladder_on, params.deterministic)
    levels = [Level(n, e, share=sh) for (n, e), sh in zip(all_stages, shares, strict=True)]
    stats: dict[str, Any] = {
        "model": "funding",
        "unit_yuan": prob.unit,
        "unit_exact": prob.exact,
        "periods": prob.periods,
        "objective_order": order,
        "main_level": main_level(order),
        "seed": seed,
        "workers": num_workers,
        "deterministic": deterministic,
        "time_limit": time_limit,
        "preset": preset,
        "engine": engine,
        "strategy": strategy,
        "variables": len(fm.model.proto.variables),
        "constraints": len(fm.model.proto.constraints),
        "build_seconds": round(time.perf_counter() - t0, 3),
    }
    t_greedy = time.perf_counter()
    if initial_solution is None and hints:
        initial_solution = greedy(data, prob)
    t_greedy = time.perf_counter() - t_greedy
    names = [n for n, _e in all_stages]
    t_check = time.perf_counter()
    start = initial_solution if initial_solution is not None and not check(
        data, initial_solution, prob) else None
    t_check = time.perf_counter() - t_check
    t_levels = 0.0
    base: list[int] | None = None  # the start plan's stage values
    if start is not None and all_stages:
        t_levels = time.perf_counter()
        base = _stage_values(data, prob, start, names)
        t_levels = time.perf_counter() - t_levels
        budget.report(names[0], base[0], None, "start plan")
    # the work after the levels, measured on the start plan (the checker, the levels of the
    # engine's plan and of the start, the reasons): reserved up front, so the levels end early
    # enough for it; without a start plan the idle machine's per-project figure
    post = max(0.1, POST_FACTOR * (2 * t_check + 3 * t_levels), 0.0005 * prob.n)
    stats["post_reserved"] = round(post, 3)

    extract = _extract(fm)
    if start is not None and (budget.remaining() - post < ENGINE_FLOOR * stats["build_seconds"]
                              or budget.stopped()):
        # no time for the engines (their set-up alone takes about as long as the build): the
        # checked start plan, the phase named as cut short
        if not budget.stopped():
            budget.cut_short("engine")
        return _floor(data, prob, order, start, levels, initial_solution, warnings, stats,
                      budget, budget.stopped())
    backend: LadderBackend | FundingStages
    hint: Any = None
    if ladder_on:
        backend = LadderBackend(fm.model)
        if start is not None:
            hint = _full_values(fm, data, prob, start)
    else:
        backend = FundingStages(fm, data, prob, engine=engine, strategy=strategy, hints=hints,
                                start=start)
        if initial_solution is not None:
            hint = fm.hint_values(initial_solution)
    staged = [lv.name for lv in levels if not lv.constant]
    done: list[str] = []

    def hint_of(values: dict[str, Any]) -> Any:
        """The next level starts from this level's plan; before a level that only gains from
        more money spent (benefit, priority, idle) the plan is first completed greedily, so the
        level starts at least from the greedy completion (the stages backend completes it
        itself); the ladder wants every variable's value."""
        done.append(staged[len(done)] if len(done) < len(staged) else "")
        if isinstance(backend, FundingStages):
            backend.previous = values
            return values["hint"]
        nxt = staged[len(done)] if len(done) < len(staged) else None
        if not hints or nxt not in ("benefit", "priority", "idle") \
                or budget.remaining() < 3 * t_greedy + 0.5:  # no time for a completion
            return None
        plan = greedy(data, prob, start=_solution(prob, values), coverage=False)
        if check(data, plan, prob):
            return None
        return _full_values(fm, data, prob, plan)

    # the levels end early enough to leave time for the checker and the greedy floor
    with budget.holding_back(post, most=1.0):
        run = solve_levels(backend, levels, params, extract, hint=hint, hint_of=hint_of,
                           label="funding")
    if any(r.state is LevelState.NOT_REACHED for r in run.levels.values()) \
            and not run.stopped:
        budget.cut_short("levels")
    stats["stages"] = _stage_log(run, backend)
    for key in ("core_search", "rens"):
        for entry in backend.log.values():
            if key in entry:
                stats[key] = entry[key]
    stopped = run.stopped

    if run.values is None:
        stopped = stopped or budget.stopped()
        if start is not None and run.status is not SolveStatus.INFEASIBLE:
            # no level finished in time (or a stop came first): the checked start plan
            if not stopped:
                budget.cut_short("levels")
            return _floor(data, prob, order, start, levels, initial_solution, warnings, stats,
                          budget, stopped)
        lines: list[str] = []
        if run.status is SolveStatus.INFEASIBLE and explain:
            from assignments.funding.explain import explain_infeasible

            lines = explain_infeasible(data, prob, params)
        elif stopped:
            lines = ["Stopped before any plan was found."]
        elif run.status is not SolveStatus.INFEASIBLE:
            lines = [f"No plan was found within {time_limit:g} s and none was proven "
                     "impossible; try a longer --time-limit."]
        status = run.status if run.status is not SolveStatus.INVALID else SolveStatus.UNKNOWN
        return Result(status, runtime=budget.elapsed(), explanation=lines, warnings=warnings,
                      stats=stats, stopped=stopped,
                      levels={n: r.as_dict() for n, r in run.levels.items()})

    sol = _solution(prob, run.values)
    warnings += budget.deterministic_note(params.deterministic)
    mine: list[int] | None = None  # the engine's plan's stage values
    if run.status is not SolveStatus.OPTIMAL and hints and "spent" not in order \
            and budget.remaining() < POST_FACTOR * t_greedy + post:
        budget.cut_short("completion")  # no time left to complete the plan greedily
    elif run.status is not SolveStatus.OPTIMAL and hints and "spent" not in order:
        # an unproven plan completed greedily (more projects: coverage no worse, more
        # beneficiaries, less idle money) when that is better and keeps every rule
        done_plan = greedy(data, prob, start=sol, coverage=False)
        new = _stage_values(data, prob, done_plan, names)
        old = mine = _stage_values(data, prob, sol, names)
        if not check(data, done_plan, prob) and new < old:
            mine = new
            sol = done_plan
            stats["completed_greedily"] = True
            run.status = SolveStatus.FEASIBLE
            # a level's bound holds while every level before it kept its value
            same = {n for i, n in enumerate(names) if new[:i] == old[:i]}
            value = dict(zip(names, new, strict=True))
            run.levels = {
                lv.name: LevelResult(lv.name, LevelState.CONSTANT if lv.constant
                                     else LevelState.NOT_REACHED, value[lv.name], None)
                for lv in levels} | {
                n: LevelResult(n, LevelState.FEASIBLE, value[n], r.bound if n in same else None)
                for n, r in run.levels.items()}
    if start is not None and run.status is not SolveStatus.OPTIMAL:
        # the floor: an unproven plan lexicographically worse than the checked start plan (the
        # greedy baseline by default) gives way to it, and the result says so
        if mine is None:
            mine = _stage_values(data, prob, sol, names)
        assert base is not None
        stats["floor"] = {"engine": mine, "start": base}
        if base < mine:
            return _floor(data, prob, order, start, levels, initial_solution, warnings, stats,
                          budget, stopped)
    return _result(data, prob, order, sol, run.status, run.levels, run, warnings, stats,
                   budget, stopped)


ENGINE_FLOOR = 1.0
"""The engines start only when the time left (after the reserve for the work after them) is
at least this multiple of the model's build time: setting them up (the ladder's HiGHS copy of
the model) takes about as long as the build, measured on 2,000 projects (1.6 s against 1.7 s)."""


def _floor(data: FundingData, prob: Problem, order: list[str], start: FundingSolution,
           levels: list[Level], initial: FundingSolution | None, warnings: list[str],
           stats: dict[str, Any], budget: Any, stopped: bool = False) -> Result[FundingSolution]:
    """The checked start plan (the greedy baseline by default) as the result, not proven, with
    the note saying so."""
    stats.setdefault("floor", "start")
    warnings.append(_FLOOR_NOTE[0] if initial is start else _FLOOR_NOTE[1])
    return _result(data, prob, order, start, SolveStatus.FEASIBLE,
                   _not_reached(levels, data, prob, start), None, warnings, stats, budget,
                   stopped)


def cut_short_note(stats: dict[str, Any], time_limit: float) -> list[str]:
    """The phases the time limit cut short or skipped (``stats["cut_short"]``), in words."""
    cut = stats.get("cut_short") or []
    if not cut:
        return []
    return [tr("the {seconds:g} s time limit cut short: {phases}; the plan is the best found "
               "in time (checked), not proven; give a longer --time-limit for a better one",
               seconds=time_limit, phases=", ".join(cut))]


_FLOOR_NOTE = (
    "the engine's plan was not better than the greedy baseline within the time limit: the "
    "greedy plan (checked) is returned; give a longer --time-limit for a better one "
    "(求解器方案未优于贪心基线方案，已返回经检查的贪心方案)",
    "the engine's plan was not better than the starting plan within the time limit: the "
    "starting plan (checked) is returned (求解器方案未优于初始方案，已返回经检查的初始方案)",
)


def _not_reached(levels: list[Level], data: FundingData, prob: Problem,
                 sol: FundingSolution) -> dict[str, LevelResult]:
    """Every level of a plan no level run improved: its value, state "not reached"."""
    values = _stage_values(data, prob, sol, [lv.name for lv in levels])
    return {lv.name: LevelResult(lv.name, LevelState.CONSTANT if lv.constant
                                 else LevelState.NOT_REACHED, v, None)
            for lv, v in zip(levels, values, strict=True)}


def _stage_log(run: LevelsRun[Any], backend: LadderBackend | FundingStages
               ) -> list[dict[str, Any]]:
    """One entry per level run: stage, status, value, bound, seconds (and the ladder's rungs)."""
    out = []
    for st in run.stats.get("stages", []):
        name = st["level"]
        r = run.levels.get(name)
        out.append({"stage": name, "status": st["status"],
                    "value": None if r is None else r.value,
                    "bound": None if r is None else r.bound,
                    "seconds": st["seconds"], **backend.log.get(name, {})})
    return out


def _result(data: FundingData, prob: Problem, order: list[str], sol: FundingSolution,
            status: SolveStatus, levels: dict[str, LevelResult], run: LevelsRun[Any] | None,
            warnings: list[str], stats: dict[str, Any], budget: Any,
            stopped: bool) -> Result[FundingSolution]:
    """Check the plan independently and make the :class:`Result` (its runtime and the phases
    cut short from ``budget``)."""
    violations = check(data, sol, prob)
    if violations:
        raise SolutionCheckError("the checker rejected the solver's allocation:\n"
                                 + "\n".join(f"{RULES.label(v.rule, 'en')}: {v.message}"
                                             for v in violations[:20]))
    mine = objective_levels(data, sol, prob)
    if run is not None:
        _compare(data, prob, sol, run, mine)
    main = main_level(order)
    objective = float(mine[main])
    main_run = levels.get(main)
    b = None if main_run is None else main_run.bound
    bound = None if b is None else float(-b if main in MAXIMISED else b)
    if status is SolveStatus.OPTIMAL or (main_run is not None
                                         and main_run.state is LevelState.CONSTANT):
        bound = objective
    cov = coverage(data, sol, prob)
    explanation = [tr("{target}: short by {amount}", target=c.target.label,
                      amount=_short_text(prob, c)) for c in cov if not c.met]
    from assignments.funding.explain import milestone_lines

    explanation += milestone_lines(data, sol, prob)
    explanation += _idle_reasons(data, prob, sol)
    if budget.cut_phases:
        stats["cut_short"] = list(budget.cut_phases)
        warnings = warnings + cut_short_note(stats, budget.time_limit)
    return Result(
        status=status,
        objective=objective,
        bound=bound,
        gap=relative_gap(objective, bound),
        runtime=budget.elapsed(),
        solution=sol,
        objectives={n: float(mine[n]) for n in order},
        explanation=explanation,
        warnings=warnings,
        stats=stats,
        stopped=stopped,
        levels={n: r.as_dict() for n, r in levels.items()},
    )


def _idle_reasons(data: FundingData, prob: Problem, sol: FundingSolution) -> list[str]:
    """Why money stays idle, per source: the least money an unfunded project it may pay would
    still need (its minimum, or its whole cost), against what the source has left."""
    T = len(prob.periods)
    spent = sol.by_source_period(len(prob.source_ids), T)
    out = []
    for s, sid in enumerate(prob.source_ids):
        left = sum(prob.budget[s]) - sum(spent[s])
        if left <= 0:
            continue
        needs = [prob.min_funding[j] if prob.partial[j] and prob.min_funding[j] else
                 (min(1, prob.cost[j]) if prob.partial[j] else prob.cost[j])
                 for j in range(prob.n) if sol.level[j] == 0 and s in prob.eligible[j]
                 and not prob.excluded[j]]
        if needs:
            why = tr("the least an unfunded project it may pay still needs is {need} 元, or "
                     "other rules bind", need=f"{min(needs) * prob.unit:,}")
        else:
            why = tr("no unfunded project it may pay")
        out.append(tr("idle money {source}: {money} 元 not allocated: {why}", source=sid,
                      money=f"{left * prob.unit:,}", why=why))
    return out


def _short_text(prob: Problem, c: Any) -> str:
    if c.target.kind == "money":
        return f"{c.shortfall * prob.unit:,} 元"
    return f"{c.shortfall} {unit_word(c.target.unit_text)}"


def _compare(data: FundingData, prob: Problem, sol: FundingSolution,
             run: LevelsRun[Any], levels: dict[str, int] | None = None) -> None:
    """The checker's levels must be at least as good as the solver's claims (equal for the
    last level when every level is proven).

    Helper variables (shortfalls, partial beneficiaries) are bounds that are pushed tight only
    while their own level is optimised, so the recomputed value may be better, never worse.
    """
    staged = [n for n, r in run.levels.items() if r.state is not LevelState.CONSTANT]
    lv = levels if levels is not None else objective_levels(data, sol, prob)
    for i, name in enumerate(staged):
        said = run.levels[name].value
        if said is None:
            continue
        mine = ((1000 * len(prob.targets) + 1) * lv["unmet"] + lv["shortfall"]
                if name == "coverage" else (-lv[name] if name in MAXIMISED else lv[name]))
        last = i == len(staged) - 1
        if mine > said or (last and run.status is SolveStatus.OPTIMAL and mine != said):
            raise SolutionCheckError(f"objective level '{name}': solver {said}, checker {mine}")
