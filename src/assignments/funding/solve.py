"""``solve``: the allocation's entry point — lexicographic stages, checking, a ``Result``."""

from __future__ import annotations

import math
import time
from typing import Any

from ortools.sat.python import cp_model_helper

from assignments.core.highs import HighsLinear
from assignments.core.solver import (
    CpRun,
    Result,
    SolveParams,
    SolveStatus,
    load_preset,
    relative_gap,
    run_cpsat,
)
from assignments.funding.data import FundingData, Problem, problem
from assignments.funding.ladder import Ladder
from assignments.funding.model import FundingModel, build_model, fixed_copy, lp_relaxation
from assignments.funding.solution import (
    LEVELS,
    FundingSolution,
    check,
    coverage,
    level_order,
    objective_levels,
)

__all__ = [
    "AUTO_HIGHS_PROJECTS",
    "CORES",
    "SolutionCheckError",
    "core_search",
    "main_level",
    "rens",
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

CORES: tuple[tuple[str, int], ...] = (("e", 30), ("r", 40), ("e", 45), ("r", 55))
"""Core sub-problems of :func:`core_search`: (ordering, size); ``e`` orders the whole projects by
LP dual efficiency (benefit / dual-weighted money), ``r`` by |reduced cost|, fractional first."""



class SolutionCheckError(RuntimeError):
    """The independent checker rejected a solver result: a bug, never a user error."""


def main_level(order: list[str]) -> str:
    """The level reported as the objective: the first one after the coverage levels."""
    return next(n for n in order if n not in ("unmet", "shortfall"))


def stages_of(fm: FundingModel, order: list[str]) -> list[tuple[str, Any]]:
    """The solve stages: coverage (unmet and ‰ short folded exactly), then each level."""
    out: list[tuple[str, Any]] = []
    if "unmet" in order:
        k = len(fm.prob.targets)
        if k:
            out.append(("coverage", (1000 * k + 1) * fm.levels["unmet"] + fm.levels["shortfall"]))
    for name in order:
        if name in ("unmet", "shortfall"):
            continue
        out.append((name, fm.levels[name]))
    return [(n, e) for n, e in out if not isinstance(e, int)]


def _extract(fm: FundingModel, stage_exprs: list[tuple[str, Any]]):
    def extract(solver: Any) -> dict[str, Any]:
        level = {j: int(solver.value(e)) if not isinstance(e, int) else e
                 for j, e in fm.level.items()}
        alloc = fm.allocation(solver.value)
        return {
            "level": level,
            "alloc": alloc,
            "stages": {n: int(solver.value(e)) for n, e in stage_exprs},
            "hint": {v: int(solver.value(v)) for v in fm.decision},
        }

    return extract


def core_search(fm: FundingModel, expr: Any, params: SolveParams, extract: Any,
                hint: dict[Any, int] | None, share: float = 0.7) -> tuple[dict[str, Any] | None,
                                                                          list[dict[str, Any]]]:
    """LP-based core search for the whole-project decisions of one stage (``expr`` minimised).

    The LP relaxation (GLOP) orders the whole projects two ways (:data:`CORES`); for each core,
    the projects outside it are fixed (to the incumbent, else to the LP's rounded-down value)
    and CP-SAT solves the rest, seeded with the incumbent. The best allocation found is returned
    (to hint the full solve), with a log of the sub-solves. ``share`` of the stage's time is
    spent here, split evenly over the cores.
    """
    ys = [(j, v.index) for j, v in sorted(fm.whole.items())]
    log: list[dict[str, Any]] = []
    if len(ys) <= CORES[0][1]:
        return None, log
    fm.model.minimize(expr)
    lp = lp_relaxation(fm.model, expr)
    if not lp:
        return None, log

    def frac(i: int) -> bool:
        return 1e-6 < lp[i][0] < 1 - 1e-6

    def eff(i: int) -> float:
        _val, rc, c = lp[i]
        if c >= 0:
            return math.inf
        return abs(math.log(max(1e-12, -c) / max(1e-12, rc - c)))

    bands = {"e": sorted(ys, key=lambda y: (not frac(y[1]), eff(y[1]), y[0])),
             "r": sorted(ys, key=lambda y: (not frac(y[1]), abs(lp[y[1]][1]), y[0]))}
    # the cores fix the others to the LP's rounded-down values, not to a hint: measured much
    # better on the MKP sets than starting from the greedy plan
    inc: dict[int, int] = {i: int(lp[i][0] > 1 - 1e-6) for _j, i in ys}
    best: dict[str, Any] | None = None
    best_obj = math.inf
    per = params.time_limit * share / len(CORES)
    deadline = time.perf_counter() + params.time_limit * share
    for band, size in CORES:
        if size >= len(ys):
            break
        if not params.deterministic and time.perf_counter() > deadline:
            break
        core = {i for _j, i in bands[band][:size]}
        fix = {i: inc.get(i, int(lp[i][0] > 1 - 1e-6)) for _j, i in ys if i not in core}
        sub = fixed_copy(fm.model, fix, inc)
        sp = params.with_time(per)
        sp.workers = 1  # measured better than 2 workers on the small core problems
        run = run_cpsat(sub, sp, extract, label=f"core:{band}{size}")
        log.append({"core": f"{band}{size}", "status": run.status.value,
                    "value": run.objective, "seconds": round(run.runtime, 3)})
        if run.values is not None and run.objective is not None and run.objective < best_obj:
            best, best_obj = run.values, run.objective
            inc = {v.index: val for v, val in run.values["hint"].items()}
    return best, log


def rens(fm: FundingModel, expr: Any, params: SolveParams,
         extract: Any) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    """Relaxation-enforced neighbourhood search with HiGHS for one stage (``expr`` minimised).

    The LP relaxation decides most whole projects (0 or 1); those are fixed and HiGHS solves the
    rest — the fractional whole projects, every partial level and the money — as a much
    smaller MIP. Its plan starts the full solve.
    """
    from assignments.core.highs import HighsLinear

    t0 = time.perf_counter()
    fm.model.minimize(expr)
    lp = lp_relaxation(fm.model, expr, solver="highs")
    log: dict[str, Any] = {"lp_seconds": round(time.perf_counter() - t0, 3)}
    if not lp:
        return None, log
    fix = {v.index: round(lp[v.index][0]) for v in fm.whole.values()
           if not 1e-6 < lp[v.index][0] < 1 - 1e-6}
    log["fixed"] = len(fix)
    log["free_whole"] = len(fm.whole) - len(fix)
    sub = fixed_copy(fm.model, fix)
    remaining = max(0.1, params.time_limit - (time.perf_counter() - t0))
    run = HighsLinear(sub).solve(expr, params.with_time(remaining), extract)
    log.update({"status": run.status.value, "value": run.objective,
                "seconds": round(time.perf_counter() - t0, 3)})
    return run.values, log


def _stage_value(data: FundingData, prob: Problem, sol: FundingSolution, name: str) -> int:
    lv = objective_levels(data, sol, prob)
    return -lv[name] if LEVELS[name][2] == "max" else lv[name]


def _solution(prob: Problem, values: dict[str, Any]) -> FundingSolution:
    level = [values["level"].get(j, 0) for j in range(prob.n)]
    return FundingSolution(level=level, alloc=dict(values["alloc"]), unit=prob.unit)


def solve(
    data: FundingData,
    *,
    time_limit: float = 30.0,
    seed: int = 0,
    num_workers: int = 2,
    deterministic: bool = False,
    progress: bool = False,
    log: bool = False,
    preset: str | None = None,
    engine: str = "auto",
    initial_solution: FundingSolution | None = None,
    explain: bool = True,
    strategy: str = "auto",
    hints: bool = True,
    **cp_sat_params: Any,
) -> Result[FundingSolution]:
    """Solve an allocation problem: the best plan under every switched-on rule of DOMAIN §F.

    Parameters
    ----------
    data
        A validated problem (:func:`read_funding`, or derived from one).
    time_limit, seed, num_workers, deterministic, progress, log
        Solver settings (see :class:`~assignments.core.solver.SolveParams`); the time limit
        covers every stage.
    preset
        Name of a CP-SAT parameter preset in ``configs/``.
    engine
        ``"cpsat"``, ``"highs"`` (the same linear model solved by HiGHS through MathOpt) or
        ``"auto"``: HiGHS with the reduced-cost ladder (CP-SAT only up to
        :data:`AUTO_HIGHS_PROJECTS` projects, now none, or when a preset or CP-SAT parameters
        are given; measured, see docs/funding.md).
    initial_solution
        An allocation to start from (a hint; e.g. the base case of a scenario).
    explain
        When no plan exists, search for the rules and records that conflict.
    hints
        Start CP-SAT from the greedy allocation (first stage) and from the previous stage's
        allocation completed greedily (benefit / priority stages).
    strategy
        ``"plain"`` (the whole model), ``"core"`` (CP-SAT: for the main level, first an LP-based
        core search, :func:`core_search`, that seeds the full solve), ``"rens"`` (HiGHS: first
        the main level with every whole project the LP relaxation decides fixed, :func:`rens`),
        ``"ladder"`` (HiGHS: every stage by the exact reduced-cost ladder on the model with
        one-hot levels, :mod:`assignments.funding.ladder`) or ``"auto"``: ``ladder`` for HiGHS,
        ``plain`` for CP-SAT.
    cp_sat_params
        Further CP-SAT parameters.

    Returns
    -------
    Result
        ``objective`` is the main level (weighted beneficiaries by default; priority score or
        money allocated for the other objectives) in its natural sense, ``bound`` its proven
        bound; ``objectives`` holds every level recomputed by the checker; ``stats`` the money
        unit, the stages and the model size.
    """
    if engine not in ("auto", "cpsat", "highs"):
        raise ValueError(f"unknown engine '{engine}'; use auto, cpsat or highs")
    if strategy not in ("auto", "plain", "core", "rens", "ladder"):
        raise ValueError(f"unknown strategy '{strategy}'; use auto, plain, core, rens or ladder")
    extra = {**(load_preset(preset) if preset else {}), **cp_sat_params}
    params = SolveParams(time_limit, seed, num_workers, deterministic, progress, log, extra)
    t0 = time.perf_counter()
    prob = problem(data)
    warnings = [*data.warnings, *prob.warnings]
    order = level_order(data)
    if engine == "auto":  # CP-SAT parameters asked for: the caller means CP-SAT
        engine = "highs" if prob.n > AUTO_HIGHS_PROJECTS and not extra else "cpsat"
    if strategy == "auto":  # measured: the ladder proves the province optimal (docs/funding.md)
        strategy = "ladder" if engine == "highs" else "plain"
    ladder_on = strategy == "ladder" and engine == "highs"
    fm = build_model(prob, levels=order, onehot=ladder_on)
    stages = stages_of(fm, order)
    extract = _extract(fm, stages)
    backend = HighsLinear(fm.model) if engine == "highs" else None
    ladder = Ladder(backend) if ladder_on and backend is not None else None
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
        "engine": engine,
        "strategy": strategy,
        "variables": len(fm.model.proto.variables),
        "constraints": len(fm.model.proto.constraints),
        "build_seconds": round(time.perf_counter() - t0, 3),
    }
    if initial_solution is None and hints:
        from assignments.funding.greedy import greedy

        initial_solution = greedy(data, prob)
    hint: dict[Any, int] | None = fm.hint_values(initial_solution) if initial_solution else None
    hint_sol: FundingSolution | None = initial_solution
    values: dict[str, Any] | None = None
    status = SolveStatus.OPTIMAL
    stage_log: list[dict[str, Any]] = []
    bounds: dict[str, float | None] = {}
    deadline = t0 + time_limit
    if not stages:
        stages_run: list[tuple[str, Any]] = [("feasibility", 0)]
    else:
        stages_run = stages
    for i, (name, expr) in enumerate(stages_run):
        last = i == len(stages_run) - 1
        if params.deterministic:  # fixed shares of the (deterministic) limit, not wall time
            weights = [0.2 if n == "coverage" else (0.6 if n in ("benefit", "priority",
                                                                 "spent") else 0.2)
                       for n, _e in stages_run]
            p = params.with_time(time_limit * weights[i] / sum(weights))
        else:
            remaining = max(0.05, deadline - time.perf_counter())
            # the ladder proves the coverage and idle stages by their LP as a rule: the main
            # level gets most of the time
            share = 1.0 if last else (0.3 if name == "coverage" else
                                      (0.85 if ladder is not None else 0.7))
            p = params.with_time(remaining * share)
        core_values = None
        if i > 0:
            hint_sol = None  # HiGHS starts from its previous solution, unless completed below
        if hints and values is not None and name in ("benefit", "priority") and ladder is None:
            from assignments.funding.greedy import greedy

            done = greedy(data, prob, start=_solution(prob, values), coverage=False)
            hint = fm.hint_values(done)
            hint_sol = done
        if ladder is None and name == "coverage" and initial_solution is not None and not check(
                data, initial_solution, prob):
            floor = cp_model_helper.FlatIntExpr(expr).offset  # targets nothing can meet
            lv = objective_levels(data, initial_solution, prob)
            k = len(prob.targets)
            start = (1000 * k + 1) * lv["unmet"] + lv["shortfall"]
            if start > floor:  # the LP relaxation may prove the start optimal all the same
                lp = lp_relaxation(fm.model, expr, solver="highs")
                flat = cp_model_helper.FlatIntExpr(expr)
                if lp:
                    floor = math.ceil(flat.offset - 1e-6 + sum(
                        co * lp[v.index][0] for v, co in zip(flat.vars, flat.coeffs, strict=True)))
            if start <= floor:
                # the starting allocation meets every target that can be met: optimal as is
                floor = start
                values = {"level": dict(enumerate(initial_solution.level)),
                          "alloc": dict(initial_solution.alloc), "stages": {name: floor},
                          "hint": fm.hint_values(initial_solution)}
                bounds[name] = float(floor)
                stage_log.append({"stage": name, "status": "optimal", "value": float(floor),
                                  "bound": float(floor), "seconds": 0.0,
                                  "note": "the start meets the lower bound"})
                fm.model.add(expr <= floor)
                hint = values["hint"]
                continue
        ladder_log: dict[str, Any] = {}
        if ladder is not None:
            assert backend is not None
            start = None
            if hint_sol is not None and not check(data, hint_sol, prob):
                cov = coverage(data, hint_sol, prob)
                start = fm.full_values(hint_sol, [(c.shortfall, c.permille) for c in cov])
            elif values is not None and backend.last is not None:
                start = backend.last
            sr = ladder.stage(expr, p, extract, start)
            run = CpRun(sr.status, None if sr.value is None else float(sr.value), sr.bound,
                        sum(r["seconds"] or 0 for r in sr.log), sr.values)
            ladder_log = {"lp": sr.lp, "ladder": sr.log}
        elif backend is not None:
            if strategy == "rens" and name in ("benefit", "priority"):
                t_rens = time.perf_counter()
                found, rens_log = rens(fm, expr, p.with_time(p.time_limit * 0.4), extract)
                stats["rens"] = rens_log
                if found is not None:
                    better = _solution(prob, found)
                    if hint_sol is None or found["stages"][name] <= _stage_value(
                            data, prob, hint_sol, name):
                        hint_sol = better
                p = p.with_time(max(0.1, p.time_limit - (time.perf_counter() - t_rens)))
            if hint_sol is not None:  # a complete MIP start (HiGHS wants every variable)
                cov = coverage(data, hint_sol, prob)
                backend.set_start(fm.full_values(
                    hint_sol, [(c.shortfall, c.permille) for c in cov]))
            run = backend.solve(expr, p, extract)
        else:
            if strategy == "core" and name in ("benefit", "priority"):
                t_core = time.perf_counter()
                core_values, core_log = core_search(fm, expr, p, extract, hint)
                stats["core_search"] = core_log
                if core_values is not None:
                    hint = core_values["hint"]
                    p = p.with_time(max(0.05, p.time_limit - (time.perf_counter() - t_core))
                                    if not p.deterministic else p.time_limit * 0.3)
            if isinstance(expr, int):
                fm.model.clear_objective()
            else:
                fm.model.minimize(expr)
            run = run_cpsat(fm.model, p, extract, label=f"funding:{name}", hint=hint)
            if run.values is None and core_values is not None:  # keep the core's allocation
                run.values, run.status = core_values, SolveStatus.FEASIBLE
                run.objective = float(core_values["stages"][name])
        stage_log.append({"stage": name, "status": run.status.value,
                          "value": run.objective, "bound": run.bound,
                          "seconds": round(run.runtime, 3), **ladder_log})
        if run.values is None:
            if i == 0:
                status = run.status
                break
            status = SolveStatus.FEASIBLE
            break
        values = run.values
        bounds[name] = run.bound
        if run.status is not SolveStatus.OPTIMAL:
            status = SolveStatus.FEASIBLE
        if not isinstance(expr, int) and not last:
            fm.model.add(expr <= int(values["stages"][name]))
        hint = values["hint"]
    stats["stages"] = stage_log
    if values is None:
        lines: list[str] = []
        if status is SolveStatus.INFEASIBLE and explain:
            from assignments.funding.explain import explain_infeasible

            lines = explain_infeasible(data, prob, params)
        elif status is not SolveStatus.INFEASIBLE:
            lines = [f"No plan was found within {time_limit:g} s and none was proven "
                     "impossible; try a longer --time-limit."]
        return Result(status, runtime=time.perf_counter() - t0, explanation=lines,
                      warnings=warnings, stats=stats)

    sol = _solution(prob, values)
    violations = check(data, sol, prob)
    if violations:
        raise SolutionCheckError("the checker rejected the solver's allocation:\n"
                                 + "\n".join(map(str, violations[:20])))
    levels = objective_levels(data, sol, prob)
    _compare(levels, values["stages"], stages, fm, status)
    main = main_level(order)
    sign = -1 if LEVELS[main][2] == "max" else 1
    objective = float(levels[main])
    b = bounds.get(main)
    bound = None if b is None else float(sign * b)
    if status is SolveStatus.OPTIMAL:
        bound = objective
    gap = relative_gap(objective, bound)
    cov = coverage(data, sol, prob)
    explanation = [f"{c.target.label}: short by {_short_text(prob, c)}" for c in cov if not c.met]
    return Result(
        status=status,
        objective=objective,
        bound=bound,
        gap=gap,
        runtime=time.perf_counter() - t0,
        solution=sol,
        objectives={n: float(levels[n]) for n in order},
        explanation=explanation,
        warnings=warnings,
        stats=stats,
    )


def _short_text(prob: Problem, c: Any) -> str:
    if c.target.kind == "money":
        return f"{c.shortfall * prob.unit:,} 元"
    return f"{c.shortfall} {c.target.unit_text}"


def _compare(levels: dict[str, int], claimed: dict[str, int], stages: list[tuple[str, Any]],
             fm: FundingModel, status: SolveStatus) -> None:
    """The checker's levels must be at least as good as the solver's claims (equal at the end).

    Helper variables (shortfalls, partial beneficiaries) are bounds that are pushed tight only
    while their own level is optimised, so the recomputed value may be better, never worse.
    """
    k = len(fm.prob.targets)
    for i, (name, _e) in enumerate(stages):
        if name not in claimed:  # a later stage found nothing in its time: no claim to check
            continue
        if name == "coverage":
            mine = (1000 * k + 1) * levels["unmet"] + levels["shortfall"]
        else:
            mine = -levels[name] if LEVELS[name][2] == "max" else levels[name]
        said = claimed[name]
        last = i == len(stages) - 1
        if mine > said or (last and status is SolveStatus.OPTIMAL and mine != said):
            raise SolutionCheckError(f"objective level '{name}': solver {said}, checker {mine}")
