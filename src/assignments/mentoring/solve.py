"""``solve``: mentor pairing's entry points — the pairing engine and the teacher solve.

* :func:`solve_pairing` solves any :class:`PairingProblem` (teachers, generic files, GAP,
  schools, placement): the objective levels in lexicographic stages (or one weighted solve),
  each stage started from the previous solution (the first from a greedy pairing), checked by
  :func:`check_pairing` before it is returned. Assign-all (GAP) problems: CP-SAT with one
  worker and the stronger LP first, then the portfolio (:func:`_prove_then_search`, together
  :data:`CPSAT_SHARE_BEFORE_LNS` of the time), then, when not proven, the Lagrangian-guided
  large-neighbourhood search :func:`assignments.mentoring.lns.improve` (CP-SAT sub-solves beside
  the compiled local search of :mod:`assignments.mentoring.gap_search`), whose Lagrangian bound
  is reported too.
* :func:`solve` solves a teachers' workbook: builds the candidate pairs, explains forced pairs
  that cannot hold, solves, and checks the pairs again from the raw data with the independent
  teacher checker (:func:`assignments.mentoring.solution.check`) and its objective
  recomputation.
"""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Callable
from typing import Any

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
from assignments.mentoring.candidates import MentorProblem, build_problem
from assignments.mentoring.data import MentoringData
from assignments.mentoring.explain import (
    explain_forced,
    forced_conflicts,
    gap_infeasible,
    unpaired_reasons,
)
from assignments.mentoring.greedy import greedy
from assignments.mentoring.model import build_model
from assignments.mentoring.problem import Pairing, PairingProblem
from assignments.mentoring.solution import (
    MentorPair,
    MentorSolution,
    check,
    check_pairing,
    objective_levels,
    pairing_levels,
)

__all__ = ["SolutionCheckError", "solve", "solve_pairing"]


class SolutionCheckError(RuntimeError):
    """The independent checker rejected a solver result: a bug, never a user error."""


ENGINES = ("auto", "cpsat", "highs", "reduce")
REDUCE_ABOVE = 2_000
"""``engine="auto"`` solves problems with more candidate pairs than this (lexicographic, not
assign-all) by column generation and reduced-cost fixing (:mod:`assignments.mentoring.colgen`)."""
CPSAT_SHARE_BEFORE_LNS = 0.2
"""Assign-all (GAP) problems: CP-SAT gets this share of the time, the large-neighbourhood search
(:mod:`assignments.mentoring.lns`) the rest (measured better than CP-SAT alone on types C, D, E)."""
PROVE_SHARE = 0.5
"""Of the CP-SAT share of an assign-all problem: the part for one worker with the stronger LP
(:func:`_prove_then_search`)."""
WARM_EARLY_PAIRS = 20_000
"""Assign-all problems with this many candidate pairs or more load (compile) the local search at
the start, beside CP-SAT, instead of after CP-SAT's first phase: that phase never proves them
(gap1–12 have at most 600 pairs and are proven there; the 80 × 1,600 literature files 128,000)."""


def _shares(n: int) -> list[float]:
    """Fraction of the remaining time each stage gets (the quality stage is the hard one)."""
    return {1: [1.0], 2: [0.3, 1.0], 3: [0.2, 0.8, 1.0]}[n]


def _user_quality(problem: PairingProblem, cost: float | None) -> float | None:
    if cost is None or (isinstance(cost, float) and math.isnan(cost)):
        return None
    return -cost if problem.sense == "max" else cost


def solve_pairing(
    problem: PairingProblem,
    *,
    time_limit: float = 30.0,
    seed: int = 0,
    num_workers: int = 2,
    deterministic: bool = False,
    progress: bool = False,
    log: bool = False,
    engine: str = "auto",
    preset: str | None = None,
    initial_solution: Pairing | None = None,
    improve: bool = True,
    **cp_sat_params: Any,
) -> Result[Pairing]:
    """Solve a pairing problem; the result is checked before it is returned.

    Parameters
    ----------
    problem
        The pairing problem.
    time_limit, seed, num_workers, deterministic, progress, log
        Solver settings (:class:`assignments.core.solver.SolveParams`); the time limit covers
        every stage.
    engine
        ``"cpsat"``, ``"highs"`` (the same linear model through MathOpt's HiGHS),
        ``"reduce"`` (column generation, reduced-cost fixing, then CP-SAT on the pairs that
        remain: :mod:`assignments.mentoring.colgen`) or ``"auto"`` (``reduce`` above
        :data:`REDUCE_ABOVE` candidate pairs, else ``cpsat``).
    preset
        Name of a CP-SAT parameter preset in ``configs/``.
    initial_solution
        A pairing to start from (default: :func:`greedy`).
    improve
        For assign-all problems: large-neighbourhood search after the first solve when it is
        not proven optimal.
    cp_sat_params
        Further CP-SAT parameters.

    Returns
    -------
    Result
        ``objective`` and ``bound`` are the quality level in the problem's sense (total score
        or cost); ``objectives`` holds every level; ``stats["level_bounds"]`` their bounds.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown engine '{engine}'; use {' or '.join(ENGINES)}")
    extra = {**(load_preset(preset) if preset else {}), **cp_sat_params}
    params = SolveParams(time_limit, seed, num_workers, deterministic, progress, log, extra)
    t0 = time.perf_counter()
    deadline = t0 + time_limit
    p = problem
    stats: dict[str, Any] = {
        "seed": seed, "workers": num_workers, "deterministic": deterministic,
        "time_limit": time_limit, "engine": engine, "mentors": len(p.mentors),
        "mentees": len(p.mentees), "candidates": len(p.candidates),
        "objective_mode": p.objective_mode, "sense": p.sense,
    }
    conflicts = forced_conflicts(p)
    if conflicts:
        return Result(SolveStatus.INFEASIBLE, runtime=time.perf_counter() - t0,
                      explanation=conflicts, stats=stats)
    if p.assign_all:
        simple = gap_infeasible(p)
        if simple:
            return Result(SolveStatus.INFEASIBLE, runtime=time.perf_counter() - t0,
                          explanation=simple, stats=stats)

    start = initial_solution if initial_solution is not None else greedy(p)
    start_ok = not check_pairing(p, start)
    names = p.levels()
    status = SolveStatus.OPTIMAL
    values: dict[str, Any] | None = None
    level_values: dict[str, int] = {}
    level_bounds: dict[str, float] = {}
    if engine == "auto":
        large = len(p.candidates) > REDUCE_ABOVE and p.objective_mode == "lexicographic"
        engine = "reduce" if large and not p.assign_all else "cpsat"
        stats["engine"] = engine
    if engine == "reduce":
        from assignments.mentoring.colgen import solve_levels

        outcome = solve_levels(p, params, set(start.chosen) if start_ok else set(), deadline)
        if outcome is None:
            return _no_solution(p, SolveStatus.UNKNOWN, time.perf_counter() - t0, time_limit,
                                stats)
        status = outcome.status
        values = {"x": outcome.x, "aux": {}, "levels": dict(outcome.values)}
        level_values = dict(outcome.values)
        level_bounds = dict(outcome.bounds)
        stats["reduce"] = outcome.stats
    else:
        pm = build_model(p)
        hint: dict[Any, int] | None = None
        if start_ok or p.assign_all:
            picked = set(start.chosen)
            hint = {v: int(k in picked) for k, v in enumerate(pm.x)}
        backend = HighsLinear(pm.model) if engine == "highs" else None

        def extract(solver: Any) -> dict[str, Any]:
            if backend is None:
                sol = solver.response_proto.solution
                xs = [int(sol[v.index]) for v in pm.x]
                aux = {v: int(sol[v.index]) for v in pm.aux}
            else:
                xs = [int(solver.value(v)) for v in pm.x]
                aux = {}
            levels = {n: int(solver.value(e)) for n, e in pm.levels.items()
                      if not isinstance(e, int)}
            return {"x": xs, "aux": aux, "levels": levels}

        def run(expr: Any, stage: SolveParams, label: str, h: dict[Any, int] | None) -> Any:
            if backend is not None:
                return backend.solve(expr, stage, extract)
            if isinstance(expr, int):
                pm.model.clear_objective()
            else:
                pm.model.minimize(expr)
            return run_cpsat(pm.model, stage, extract, label=label, hint=h)

        if p.objective_mode == "weighted":
            w = p.weights
            expr = sum(w.get(n, 1) * pm.levels[n] for n in names)
            out = run(expr, params, "pairing", hint)
            if out.values is None:
                return _no_solution(p, out.status, time.perf_counter() - t0, time_limit, stats)
            status, values = out.status, out.values
            assert values is not None
            level_values = dict(values["levels"])
            level_bounds = {"weighted": out.bound if out.bound is not None else float("nan")}
        else:
            # a level that is a constant (e.g. no candidate pair touches it) needs no stage
            for name in names:
                if isinstance(pm.levels[name], int):
                    level_values[name] = level_bounds[name] = pm.levels[name]
            staged = [n for n in names if n not in level_values] or ["feasibility"]
            shares = _shares(len(staged))
            lns_after = p.assign_all and improve and staged == ["quality"] and engine == "cpsat"
            if lns_after and len(p.candidates) >= WARM_EARLY_PAIRS:
                # CP-SAT's first phase will not prove a problem this large: the local search
                # compiles now, beside it (an empty numba cache costs ~10 s of CPU)
                _warm_search()
            for i, name in enumerate(staged):
                remaining = max(0.05, deadline - time.perf_counter())
                expr = pm.levels.get(name, 0)
                # assign-all: CP-SAT first, the large-neighbourhood search gets the rest
                share = CPSAT_SHARE_BEFORE_LNS if lns_after else shares[i]
                if lns_after:
                    def run_quality(st: SolveParams, lb: str, h: dict[Any, int] | None,
                                    e: Any = expr) -> Any:
                        return run(e, st, lb, h)

                    # deterministic mode: from the time limit, not from the wall clock
                    seconds = (params.time_limit if params.deterministic else remaining) * share
                    out = _prove_then_search(run_quality, params, seconds, hint,
                                             lambda xs: dict(zip(pm.x, xs, strict=True)))
                else:
                    out = run(expr, params.with_time(remaining * share), f"pairing:{name}", hint)
                if (out.values is None and lns_after and out.status is SolveStatus.UNKNOWN
                        and improve):
                    # CP-SAT found no assignment in its share: the local search looks for one
                    # in half the time left — at least a tenth of the limit, even when CP-SAT
                    # overran it (a pairing a little late rather than none) — and the search
                    # below improves it
                    from assignments.mentoring.lns import first_assignment

                    rescue: dict[str, Any] = {}
                    now = time.perf_counter()
                    found = first_assignment(
                        p, now + max(0.1 * time_limit, 0.5 * (deadline - now)), params, rescue)
                    stats["rescue"] = rescue
                    if found is not None:
                        rescued: dict[str, Any] = {"x": found[0], "aux": {},
                                                   "levels": {name: found[1]}}
                        out = CpRun(SolveStatus.FEASIBLE, found[1], out.bound, out.runtime,
                                    rescued)
                if out.values is None:
                    if i == 0:
                        return _no_solution(p, out.status, time.perf_counter() - t0, time_limit,
                                            stats)
                    status = SolveStatus.FEASIBLE
                    break
                values = out.values
                assert values is not None
                if out.status is not SolveStatus.OPTIMAL:
                    status = SolveStatus.FEASIBLE
                if name == "feasibility":
                    break
                level_values[name] = round(out.objective or 0)
                level_bounds[name] = out.bound if out.bound is not None else float("nan")
                if (p.assign_all and improve and name == "quality" and i == len(staged) - 1
                        and out.status is not SolveStatus.OPTIMAL
                        and (params.deterministic
                             or deadline - time.perf_counter() > 0.5)):
                    from assignments.mentoring.lns import improve as lns_improve

                    lns_stats: dict[str, Any] = {}
                    better = lns_improve(p, values["x"], level_bounds[name], deadline, params,
                                         stats=lns_stats)
                    stats["lns"] = lns_stats
                    if "lagrange_bound" in lns_stats:  # a proven bound as well
                        level_bounds[name] = max(lns_stats["lagrange_bound"], level_bounds[name]
                                                 if not math.isnan(level_bounds[name])
                                                 else -math.inf)
                    if better is not None:
                        values = {"x": better[0], "aux": {}, "levels": {name: better[1]}}
                        level_values[name] = better[1]
                    if level_values[name] <= level_bounds[name]:
                        status = SolveStatus.OPTIMAL
                if i < len(staged) - 1:
                    limit = level_values[name]
                    if name == "quality" and p.quality_tolerance > 0:
                        limit += math.floor(p.quality_tolerance * abs(limit))
                    pm.model.add(pm.levels[name] <= limit)
                hint = {v: x for v, x in zip(pm.x, values["x"], strict=True)}
                hint.update(values["aux"])
    assert values is not None
    pairing = Pairing(sorted(k for k, v in enumerate(values["x"]) if v))
    violations = check_pairing(p, pairing)
    if violations:
        raise SolutionCheckError("the checker rejected the pairing:\n"
                                 + "\n".join(map(str, violations[:20])))
    recomputed = pairing_levels(p, pairing)
    solver_levels = dict(values["levels"])
    for n in names:
        mine = recomputed[n] if n != "quality" else (
            -recomputed[n] if p.sense == "max" else recomputed[n])
        if n not in solver_levels:
            continue
        if (n == "fairness" and mine > solver_levels[n]) or (n != "fairness"
                                                             and mine != solver_levels[n]):
            raise SolutionCheckError(f"objective level '{n}': solver {solver_levels[n]}, "
                                     f"checker {mine}")
    objective = float(recomputed["quality"])
    q_bound = level_bounds.get("quality")
    if p.objective_mode == "weighted":
        q_bound = None
        bound = level_bounds.get("weighted")
        stats["weighted_objective"] = float(sum(
            p.weights.get(n, 1) * (-recomputed[n] if n == "quality" and p.sense == "max"
                                   else recomputed[n]) for n in names))
        stats["weighted_bound"] = bound
    bound = _user_quality(p, q_bound)
    if status is SolveStatus.OPTIMAL and p.objective_mode != "weighted":
        bound = objective if p.quality_tolerance == 0 or "fairness" not in names else bound
    gap = 0.0 if status is SolveStatus.OPTIMAL else relative_gap(objective, bound)
    stats["levels"] = {n: recomputed[n] for n in names}
    stats["level_bounds"] = {
        n: (_user_quality(p, b) if n == "quality" else b) for n, b in level_bounds.items()
    }
    return Result(
        status=status,
        objective=objective,
        bound=bound,
        gap=gap,
        runtime=time.perf_counter() - t0,
        solution=pairing,
        objectives={n: float(recomputed[n]) for n in names},
        stats=stats,
    )


@functools.cache
def _warm_search() -> None:
    """Compile (or load from numba's cache) the GAP local search in a background thread while
    CP-SAT works: the large-neighbourhood search uses it later. Once per process (a large
    problem starts it early, and the call after CP-SAT's first phase then does nothing)."""
    import threading

    from assignments.mentoring.lns import BB_SHARE, SEARCH_LANES

    if SEARCH_LANES <= 0:
        return

    def work() -> None:
        from assignments.mentoring.gap_search import warm_up

        warm_up()
        if BB_SHARE > 0:
            from assignments.mentoring.gap_bb import warm_up as warm_bb

            warm_bb()

    # not a daemon: a process that ends first waits for the compile, so that numba's cache is
    # written and later runs load it (once per installation; up to about 30 s)
    threading.Thread(target=work, daemon=False, name="gap-search-warm-up").start()


def _prove_then_search(
    run: Callable[[SolveParams, str, dict[Any, int] | None], CpRun[Any]],
    params: SolveParams,
    seconds: float,
    hint: dict[Any, int] | None,
    hint_of: Callable[[list[int]], dict[Any, int]],
) -> CpRun[Any]:
    """Assign-all (GAP) problems: CP-SAT with one worker and the stronger LP relaxation
    (``linearization_level`` 2) for :data:`PROVE_SHARE` of ``seconds`` — it proves the small
    literature problems fastest, measured — then, when not proven, the full portfolio
    (``params.workers``) from its solution for the rest (meanwhile the local search of the
    large-neighbourhood search that follows is compiled or loaded in a thread:
    :func:`_warm_search`). Returns the better run, with the larger of the two bounds."""
    t0 = time.perf_counter()
    prove = SolveParams(seconds * PROVE_SHARE, params.seed, 1, params.deterministic,
                        params.progress, params.log, {"linearization_level": 2, **params.extra})
    first = run(prove, "pairing:quality:prove", hint)
    if first.status in (SolveStatus.OPTIMAL, SolveStatus.INFEASIBLE, SolveStatus.INVALID):
        return first
    _warm_search()  # not proven: the local search will be needed
    left = seconds * (1 - PROVE_SHARE)
    if not params.deterministic:
        left = seconds - (time.perf_counter() - t0)
    if left < 0.05:
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


def _no_solution(problem: PairingProblem, status: SolveStatus, runtime: float,
                 time_limit: float, stats: dict[str, Any]) -> Result[Pairing]:
    lines: list[str] = []
    if status is SolveStatus.INFEASIBLE:
        lines = gap_infeasible(problem) or [
            "no assignment gives every job an agent within the capacities (proven by the solver)"
        ]
    else:
        lines = [f"no pairing was found within {time_limit:g} s, and none was proven "
                 "impossible; try a longer --time-limit"]
        if "rescue" in stats:
            rounds = stats["rescue"].get("rescue_rounds", 0)
            lines.append(
                f"the local search for a first assignment ran {rounds} round(s); the first such "
                "solve on a machine also compiles it (about 10 s of CPU, kept for later solves)")
    return Result(status, runtime=runtime, explanation=lines, stats=stats)


def solve(
    data: MentoringData,
    *,
    time_limit: float = 30.0,
    seed: int = 0,
    num_workers: int = 2,
    deterministic: bool = False,
    progress: bool = False,
    log: bool = False,
    engine: str = "auto",
    preset: str | None = None,
    mentor_problem: MentorProblem | None = None,
    **cp_sat_params: Any,
) -> Result[MentorSolution]:
    """Pair mentors and mentees under every rule of DOMAIN §M; checked independently.

    Parameters
    ----------
    data
        A validated input (:func:`assignments.mentoring.data.read_mentoring`).
    time_limit, seed, num_workers, deterministic, progress, log, engine, preset
        Solver settings (see :func:`solve_pairing`).
    mentor_problem
        The built candidate pairs, when the caller has them already.
    cp_sat_params
        Further CP-SAT parameters.

    Returns
    -------
    Result
        ``objective``: total quality points; ``objectives``: mandatory mentees unpaired,
        quality, fairness; the :class:`MentorSolution` with a reason for every mentee left
        unpaired; ``explanation``: why there is no solution, or what was left out.
    """
    t0 = time.perf_counter()
    mp = mentor_problem if mentor_problem is not None else build_problem(data)
    p = mp.problem
    warnings = list(data.warnings)
    for m_id, e_id, why in mp.forced_missing:
        if why == "continuity":
            warnings.append(f"last year's pair {m_id} – {e_id} cannot continue (it breaks a hard "
                            "rule now); the mentee is paired anew")
    build_time = time.perf_counter() - t0
    lines = explain_forced(mp)
    if lines:
        return Result(SolveStatus.INFEASIBLE, runtime=time.perf_counter() - t0,
                      explanation=lines, warnings=warnings,
                      stats={"mentors": len(p.mentors), "mentees": len(p.mentees),
                             "candidates": len(p.candidates)})
    res = solve_pairing(
        p, time_limit=max(0.1, time_limit - build_time), seed=seed, num_workers=num_workers,
        deterministic=deterministic, progress=progress, log=log, engine=engine, preset=preset,
        **cp_sat_params,
    )
    res.stats["build_time"] = round(build_time, 3)
    if res.solution is None:
        return Result(res.status, runtime=time.perf_counter() - t0,
                      explanation=res.explanation, warnings=warnings, stats=res.stats)
    pairing = res.solution
    forced = {(p.mentors[i], p.mentees[e]) for i, e in p.forced}
    pairs = [MentorPair(p.mentors[i], p.mentees[e], (p.mentors[i], p.mentees[e]) in forced)
             for i, e in pairing.pairs(p)]
    sol = MentorSolution(pairs=sorted(pairs, key=lambda x: (x.mentor, x.mentee)),
                         unpaired=unpaired_reasons(mp, pairing))
    violations = check(data, sol)
    if violations:
        raise SolutionCheckError("the checker rejected the pairs:\n"
                                 + "\n".join(map(str, violations[:20])))
    recomputed = objective_levels(data, sol)
    for n, v in res.objectives.items():
        if recomputed[n] != v:
            raise SolutionCheckError(f"objective level '{n}': engine {v}, checker {recomputed[n]}")
    explanation = []
    if data.preferences:
        from assignments.mentoring.stable import (
            blocking_pairs,
            describe_blocking,
            pairing_of,
            teacher_preferences,
        )

        prefs = teacher_preferences(mp)
        blocks = blocking_pairs(p, pairing_of(p, [(x.mentor, x.mentee) for x in sol.pairs]),
                                prefs, stated_only=True)
        res.stats["blocking_pairs"] = len(blocks)
        if blocks:
            explanation.append(f"stability check: {len(blocks)} blocking pair(s) among the "
                               "stated wishes (意愿)")
            explanation += describe_blocking(mp, blocks)
    unpaired_mandatory = [e for e in sol.unpaired if data.is_mandatory(data.teacher[e])]
    if unpaired_mandatory:
        explanation.append(f"{len(unpaired_mandatory)} mandatory mentee(s) left unpaired; "
                           "reasons in the 未结对 (unpaired) sheet")
    return Result(
        status=res.status,
        objective=res.objective,
        bound=res.bound,
        gap=res.gap,
        runtime=time.perf_counter() - t0,
        solution=sol,
        objectives={n: float(recomputed[n]) for n in res.objectives},
        explanation=explanation,
        warnings=warnings,
        stats=res.stats,
    )
