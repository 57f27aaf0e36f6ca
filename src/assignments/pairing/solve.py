"""``solve_pairing``: any :class:`PairingProblem` solved, checked, and returned as a Result.

Which engine runs is decided here, in one place — :data:`ENGINE_TABLE`, read top to bottom,
the first row that matches the engine asked for and the problem's shape wins:

=================  ==========================================================  ==============
engine asked       problem shape                                               engine run
=================  ==========================================================  ==============
``highs``          weighted objective                                          ``highs-weighted``
``highs``          lexicographic                                               ``highs``
any other          weighted objective (the reduce engines solve lexicographic  ``weighted``
                   levels only)
``auto``/``cpsat`` assign-all (GAP), quality the only level                    ``gap``
``auto``           not assign-all, more than ``table_reduce_above`` pairs      ``split``
``reduce``         not assign-all                                              ``split``
``reduce``         assign-all                                                  ``colgen``
any                anything else                                               ``cpsat``
=================  ==========================================================  ==============

* ``cpsat`` / ``highs`` — the levels in lexicographic stages through the one level runner
  (:mod:`assignments.pairing.engines.cpsat`, :func:`assignments.core.levels.solve_levels`);
* ``weighted`` / ``highs-weighted`` — one solve of the weighted sum of the levels;
* ``gap`` — CP-SAT prove-then-search, the rescue, then the large-neighbourhood search
  (:func:`assignments.pairing.engines.cpsat.run_gap`);
* ``split`` — the components one by one (:mod:`assignments.pairing.engines.reduce_split`),
  and column generation (``colgen``, :mod:`assignments.pairing.engines.colgen`) when the split
  finds no pairing.

Every threshold the engines use is a field of :class:`~assignments.pairing.params.
EngineParams` (``engine_params=``). The time is the solve's one budget: ``time_limit`` from
the call, ``on_progress`` reports (per level, and every improvement of the search), ``stop``
ends the engines' loops and the best pairing so far is returned, checked, with
``result.stopped``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from assignments.core.errors import SolutionCheckError
from assignments.core.i18n import tr
from assignments.core.levels import LevelState
from assignments.core.solver import Result, SolveParams, SolveStatus, relative_gap, solve_params
from assignments.pairing.check import check_pairing, pairing_levels
from assignments.pairing.engines.cpsat import EngineRun, run_gap, run_levels, run_weighted
from assignments.pairing.explain import forced_conflicts, gap_infeasible
from assignments.pairing.heuristics.greedy import greedy
from assignments.pairing.params import EngineParams, report
from assignments.pairing.problem import Pairing, PairingProblem
from assignments.pairing.warmup import compile_first

__all__ = ["ENGINES", "ENGINE_TABLE", "EngineRow", "choose_engine", "run_pairing",
           "solve_pairing"]

ENGINES = ("auto", "cpsat", "highs", "reduce")
"""The values of ``engine=`` a caller may ask for."""


@dataclass(frozen=True)
class EngineRow:
    """One row of :data:`ENGINE_TABLE`: when ``asked`` holds the engine asked for and
    ``shape(problem, params)`` is true, ``runs`` runs."""

    asked: tuple[str, ...]
    shape: str
    runs: str
    test: Callable[[PairingProblem, EngineParams], bool]


def _weighted(p: PairingProblem, ep: EngineParams) -> bool:
    return p.objective_mode == "weighted"


def _gap(p: PairingProblem, ep: EngineParams) -> bool:
    return p.assign_all and p.objective_mode == "lexicographic" and p.levels() == ["quality"]


def _large(p: PairingProblem, ep: EngineParams) -> bool:
    return (not p.assign_all and p.objective_mode == "lexicographic"
            and len(p.candidates) > ep.table_reduce_above)


def _not_all(p: PairingProblem, ep: EngineParams) -> bool:
    return not p.assign_all


def _always(p: PairingProblem, ep: EngineParams) -> bool:
    return True


ENGINE_TABLE: tuple[EngineRow, ...] = (
    EngineRow(("highs",), "weighted objective", "highs-weighted", _weighted),
    EngineRow(("highs",), "lexicographic", "highs", _always),
    EngineRow(("auto", "cpsat", "reduce"), "weighted objective (the reduce engines solve "
              "lexicographic levels only)", "weighted", _weighted),
    EngineRow(("auto", "cpsat"), "assign-all (GAP), quality the only level", "gap", _gap),
    EngineRow(("auto",), "not assign-all, more than table_reduce_above pairs", "split", _large),
    EngineRow(("reduce",), "not assign-all", "split", _not_all),
    EngineRow(("reduce",), "assign-all", "colgen", _always),
    EngineRow(ENGINES, "anything else", "cpsat", _always),
)
"""The one engine table (module docstring): the first matching row decides."""


def choose_engine(problem: PairingProblem, engine: str = "auto",
                  ep: EngineParams | None = None) -> str:
    """The engine :data:`ENGINE_TABLE` runs for ``engine`` asked on ``problem``."""
    if engine not in ENGINES:
        raise ValueError(tr("unknown engine '{engine}'; use {engines}", engine=engine,
                            engines=", ".join(ENGINES)))
    ep = ep if ep is not None else EngineParams()
    for row in ENGINE_TABLE:
        if engine in row.asked and row.test(problem, ep):
            return row.runs
    raise AssertionError("the engine table has no row for this problem")  # pragma: no cover


def _run_reduce(p: PairingProblem, params: SolveParams, ep: EngineParams, start: set[int],
                engine: str) -> EngineRun:
    from assignments.pairing.engines.colgen import solve_colgen
    from assignments.pairing.engines.reduce_split import solve_split

    out: Any = None
    if engine == "split":
        out = solve_split(p, params, start, ep)
    if out is None and not (params.budget is not None and params.budget.should_end()):
        out = solve_colgen(p, params, start, ep)
    if out is None:
        return EngineRun(SolveStatus.UNKNOWN, None)
    return EngineRun(out.status, out.x, dict(out.values), dict(out.bounds), stats=out.stats)


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
    preset: str | None = None,
    engine: str = "auto",
    on_progress: Any = None,
    stop: Any = None,
    progress: bool = False,
    log: bool = False,
    engine_params: EngineParams | None = None,
    initial_solution: Pairing | None = None,
    improve: bool = True,
    **extra: Any,
) -> Result[Pairing]:
    """Solve a pairing problem; the result is checked before it is returned.

    Parameters
    ----------
    problem
        The pairing problem.
    time_limit, seed, num_workers, deterministic, preset, progress, log
        Solver settings (:func:`assignments.core.solver.solve_params`); the time limit covers
        the whole solve (one budget for every engine, sub-solve, search and rescue).
    engine
        ``"auto"``, ``"cpsat"``, ``"highs"`` or ``"reduce"``: what runs is decided by
        :data:`ENGINE_TABLE` from this and the problem's shape.
    on_progress, stop
        Progress callback (level, incumbent, bound, elapsed: one report per level and per
        improvement) and a stop flag (``threading.Event``): the best pairing so far is then
        returned, checked, with ``result.stopped``.
    engine_params
        The engines' thresholds and shares (default :class:`EngineParams`).
    initial_solution
        A pairing to start from (default: :func:`greedy`).
    improve
        For assign-all problems: the large-neighbourhood search after CP-SAT when it is not
        proven optimal (and the rescue when CP-SAT found nothing).
    extra
        Further CP-SAT parameters.

    Returns
    -------
    Result
        ``objective`` and ``bound`` are the quality level in the problem's sense (total score
        or cost); ``objectives`` holds every level; ``levels`` every level's state, value (the
        problem's sense) and bound; ``stats["level_bounds"]`` the bounds.
    """
    params = solve_params(time_limit=time_limit, seed=seed, num_workers=num_workers,
                          deterministic=deterministic, preset=preset, on_progress=on_progress,
                          stop=stop, progress=progress, log=log, extra=extra)
    return run_pairing(problem, params, engine=engine, engine_params=engine_params,
                       initial_solution=initial_solution, improve=improve)


def run_pairing(
    problem: PairingProblem,
    params: SolveParams,
    *,
    engine: str = "auto",
    engine_params: EngineParams | None = None,
    initial_solution: Pairing | None = None,
    improve: bool = True,
) -> Result[Pairing]:
    """:func:`solve_pairing` with the solve's parameters already made (``params.budget`` is
    the budget: a caller such as the teachers' ``solve`` made it, and spent part of it)."""
    ep = engine_params if engine_params is not None else EngineParams()
    budget = params.budget
    t0 = budget.start if budget is not None else time.perf_counter()
    p = problem
    runs = choose_engine(p, engine, ep)
    stats: dict[str, Any] = {
        "seed": params.seed, "workers": params.workers, "deterministic": params.deterministic,
        "time_limit": params.time_limit, "engine": runs, "engine_asked": engine,
        "mentors": len(p.mentors), "mentees": len(p.mentees), "candidates": len(p.candidates),
        "objective_mode": p.objective_mode, "sense": p.sense,
    }
    conflicts = forced_conflicts(p)
    if conflicts:
        return _none(p, SolveStatus.INFEASIBLE, t0, conflicts, stats)
    if p.assign_all:
        simple = gap_infeasible(p)
        if simple:
            return _none(p, SolveStatus.INFEASIBLE, t0, simple, stats)

    start = initial_solution if initial_solution is not None else greedy(p)
    start_ok = not check_pairing(p, start)
    hint = start.chosen if start_ok or p.assign_all else None
    if start_ok and budget is not None and budget.should_end():
        # no time left for any engine (building and the greedy start took it, or the checks
        # after the engines need it): the greedy start, checked, is the answer — not proven
        budget.cut_short("engine")
        stats["engine"] = "greedy"
        return _finish(p, _greedy_run(p, start, EngineRun(SolveStatus.UNKNOWN, None)), params,
                       t0, stats)
    # numba, first use only: not counted in the limit (after the greedy start, so that a solve
    # with no time left for the engines does not even load them)
    compiled = compile_first(runs, improve)
    if compiled and budget is not None:
        budget.start += compiled
        budget.deadline += compiled
        t0 = budget.start
    if compiled:
        stats["compiled_seconds"] = round(compiled, 1)
    if runs in ("split", "colgen"):
        run = _run_reduce(p, params, ep, set(start.chosen) if start_ok else set(), runs)
        stats["reduce"] = run.stats
    elif runs == "gap":
        run = run_gap(p, params, ep, hint, improve=improve)
        stats.update(run.stats)
    elif runs in ("weighted", "highs-weighted"):
        run = run_weighted(p, params, ep, hint, highs=runs == "highs-weighted")
    else:
        run = run_levels(p, params, ep, hint, highs=runs == "highs")
        stats["stages"] = run.stats.get("stages", [])
    if start_ok and (run.x is None or _worse(p, _levels_of(p, run.x), _levels_of(p, start))):
        # the greedy baseline is the floor: an engine cut short by the time limit (or one that
        # found nothing in time) never returns less than it
        stats["greedy_floor"] = True
        if budget is not None:
            budget.cut_short("engine")
        run = _greedy_run(p, start, run)
    if run.x is None:
        return _no_solution(p, run.status, t0, params, stats)
    return _finish(p, run, params, t0, stats)


def _levels_of(p: PairingProblem, x: list[int] | Pairing) -> dict[str, int]:
    """The levels of a 0/1 vector or a :class:`Pairing`, minimised form."""
    pairing = x if isinstance(x, Pairing) else Pairing([k for k, v in enumerate(x) if v])
    lv = pairing_levels(p, pairing)
    if p.sense == "max":
        lv["quality"] = -lv["quality"]
    return lv


def _worse(p: PairingProblem, a: dict[str, int], b: dict[str, int]) -> bool:
    """Levels ``a`` are worse than ``b`` (minimised forms): the weighted sum in weighted mode;
    else lexicographically, a quality within 质量容差 of ``b``'s counting as good as it."""
    names = p.levels()
    if p.objective_mode == "weighted":
        def total(v: dict[str, int]) -> float:
            return float(sum(p.weights.get(n, 1) * v[n] for n in names))
        return total(a) > total(b)
    for n in names:
        if a[n] == b[n]:
            continue
        if n == "quality" and "fairness" in names and p.quality_tolerance > 0:
            return a[n] > b[n] + math.floor(p.quality_tolerance * abs(b[n]))
        return a[n] > b[n]
    return False


def _greedy_run(p: PairingProblem, start: Pairing, run: EngineRun) -> EngineRun:
    """The greedy start as an engine's answer (not proven), with the bounds ``run`` proved."""
    x = [0] * len(p.candidates)
    for k in start.chosen:
        x[k] = 1
    bounds = {n: b for n, b in run.bounds.items() if n != "weighted"}
    return EngineRun(SolveStatus.FEASIBLE, x, _levels_of(p, start), bounds,
                     stats=dict(run.stats))


def _finish(p: PairingProblem, run: EngineRun, params: SolveParams, t0: float,
            stats: dict[str, Any]) -> Result[Pairing]:
    """Check the engine's pairing, recompute its levels, and make the Result."""
    assert run.x is not None
    names = p.levels()
    pairing = Pairing(sorted(k for k, v in enumerate(run.x) if v))
    violations = check_pairing(p, pairing)
    if violations:
        raise SolutionCheckError("the checker rejected the pairing:\n"
                                 + "\n".join(map(str, violations[:20])))
    recomputed = pairing_levels(p, pairing)

    def minimised(n: str) -> int:
        return -recomputed[n] if n == "quality" and p.sense == "max" else recomputed[n]

    for n, v in run.values.items():
        if n not in recomputed:
            continue
        mine = minimised(n)
        # fairness: the engine's value may over-count (auxiliary variables at an upper bound)
        if (n == "fairness" and mine > v) or (n != "fairness" and mine != v):
            raise SolutionCheckError(f"objective level '{n}': solver {v}, checker {mine}")
    weighted = p.objective_mode == "weighted"
    status = run.status
    objective = float(recomputed["quality"])
    bounds = dict(run.bounds)
    if weighted:
        bound = None
        stats["weighted_objective"] = float(sum(p.weights.get(n, 1) * minimised(n)
                                                for n in names))
        stats["weighted_bound"] = bounds.get("weighted")
    else:
        bound = _user_quality(p, bounds.get("quality"))
        if status is SolveStatus.OPTIMAL:
            bound = objective if p.quality_tolerance == 0 or "fairness" not in names else bound
    levels: dict[str, dict[str, Any]] = {}
    for n in names:
        b = bounds.get(n)
        b = None if b is None or math.isnan(b) else b
        if weighted:
            state = LevelState.WEIGHTED.value
        elif n in run.values:
            state = run.states.get(n) or (LevelState.OPTIMAL.value if b is not None
                                          and b >= minimised(n) - 1e-9
                                          else LevelState.FEASIBLE.value)
        else:
            state = run.states.get(n) or LevelState.NOT_REACHED.value
            if state == LevelState.CONSTANT.value:
                b = float(minimised(n))
        user_bound = _user_quality(p, b) if n == "quality" else b
        levels[n] = {"state": state, "value": recomputed[n], "bound": user_bound}
    stopped = bool(params.budget is not None and params.budget.stopped())
    if stopped and status is SolveStatus.OPTIMAL and any(
            lv["state"] not in (LevelState.OPTIMAL.value, LevelState.CONSTANT.value)
            for lv in levels.values()) and not weighted:
        status = SolveStatus.FEASIBLE
    gap = 0.0 if status is SolveStatus.OPTIMAL else relative_gap(objective, bound)
    if params.budget is not None and params.budget.cut_phases:
        stats["cut_short"] = list(params.budget.cut_phases)
    stats["levels"] = {n: recomputed[n] for n in names}
    stats["level_bounds"] = {
        n: (_user_quality(p, b) if n == "quality" else b) for n, b in bounds.items()
    }
    runtime = time.perf_counter() - t0
    report(params, "done", objective, bound, f"{status.value}, checked")
    return Result(
        status=status,
        objective=objective,
        bound=bound,
        gap=gap,
        runtime=runtime,
        solution=pairing,
        objectives={n: float(recomputed[n]) for n in names},
        stats=stats,
        stopped=stopped,
        levels=levels,
        warnings=[*compile_note(stats),
                  *(params.budget.deterministic_note(params.deterministic)
                    if params.budget is not None else [])],
    )


def compile_note(stats: dict[str, Any]) -> list[str]:
    """Say when this solve compiled the fast engines first (their first use after installing
    without ``assignments warmup``): that time is not part of the time limit, but the person
    waited for it."""
    sec = stats.get("compiled_seconds")
    if not sec:
        return []
    return [tr("first use: the fast engines were compiled first ({seconds:.0f} s, not counted "
               "in the time limit; the solve itself kept its limit); run `assignments warmup` "
               "once after installing to do this ahead", seconds=sec)]


def _none(p: PairingProblem, status: SolveStatus, t0: float, lines: list[str],
          stats: dict[str, Any]) -> Result[Pairing]:
    levels = {n: {"state": LevelState.NOT_REACHED.value, "value": None, "bound": None}
              for n in p.levels()}
    return Result(status, runtime=time.perf_counter() - t0, explanation=lines, stats=stats,
                  levels=levels)


def _no_solution(problem: PairingProblem, status: SolveStatus, t0: float, params: SolveParams,
                 stats: dict[str, Any]) -> Result[Pairing]:
    lines: list[str] = []
    stopped = bool(params.budget is not None and params.budget.stopped())
    if status is SolveStatus.INFEASIBLE:
        lines = gap_infeasible(problem) or [tr(
            "no assignment gives every job an agent within the capacities (proven by the "
            "solver)")]
    elif stopped:
        lines = [tr("the solve was stopped before a pairing was found")]
    else:
        limit = params.budget.time_limit if params.budget is not None else params.time_limit
        lines = [tr("no pairing was found within {seconds:g} s, and none was proven "
                    "impossible; try a longer --time-limit", seconds=limit)]
        if "rescue" in stats:
            rounds = stats["rescue"].get("rescue_rounds", 0)
            lines.append(tr(
                "the local search for a first assignment ran {rounds} round(s) in the time "
                "left; the first such solve on a machine also compiles it (about 10 s of CPU, "
                "kept for later solves)", rounds=rounds))
    res = _none(problem, status if status is not SolveStatus.FEASIBLE else SolveStatus.UNKNOWN,
                t0, lines, stats)
    res.stopped = stopped
    return res
