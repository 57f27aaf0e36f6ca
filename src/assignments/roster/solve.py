"""``solve``: the roster's entry point — schedule alternatives, lexicographic stages, checking."""

from __future__ import annotations

import math
import sys
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from assignments.core.errors import InputError, Issue, Location
from assignments.core.highs import HighsLinear
from assignments.core.solver import (
    Result,
    SolveParams,
    SolveStatus,
    load_preset,
    run_cpsat,
)
from assignments.roster.data import DEFAULT_ORDER, DeferralDecision, RosterData
from assignments.roster.explain import explain_infeasible, explain_soft
from assignments.roster.model import RosterModel, build_model
from assignments.roster.schedule import Schedule, ScheduleError, alternatives
from assignments.roster.solution import Assignment, RosterSolution, check, objective_levels, ranks

__all__ = ["SolutionCheckError", "lexicographic_weights", "solve"]


class SolutionCheckError(RuntimeError):
    """The independent checker rejected a solver result: a bug, never a user error."""


def lexicographic_weights(order: list[str], ub: dict[str, int]) -> dict[str, int]:
    """Weights that make a weighted sum order solutions exactly like the lexicographic order."""
    w: dict[str, int] = {}
    acc = 1
    for name in reversed(order):
        w[name] = acc
        acc *= ub[name] + 1
    return w


def _stages(data: RosterData, rm: RosterModel) -> list[str]:
    order = list(data.policy.objective_order) + [
        x for x in DEFAULT_ORDER if x not in data.policy.objective_order
    ]
    return [name for name in order if not isinstance(rm.levels[name], int)]


AUTO_HIGHS_VARIABLES = 1000
"""``engine="auto"`` hands models with more decision variables than this to HiGHS."""


class _Race:
    """Proven level prefixes of deferral alternatives solved at the same time (lexicographic).

    An alternative whose proven prefix is beaten by another's, compared on their common length,
    cannot be the best one and stops.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.prefixes: dict[int, tuple[int, ...]] = {}

    def beaten(self, index: int, prefix: tuple[int, ...]) -> bool:
        with self.lock:
            self.prefixes[index] = prefix
            return any(
                other[: min(len(other), len(prefix))] < prefix[: min(len(other), len(prefix))]
                for j, other in self.prefixes.items()
                if j != index
            )


def _solve_schedule(
    data: RosterData,
    schedule: Schedule,
    params: SolveParams,
    engine: str = "auto",
    incumbent: tuple[int, ...] | None = None,
    race: tuple[_Race, int] | None = None,
    rm: RosterModel | None = None,
) -> tuple[SolveStatus, RosterModel, dict[str, Any] | None, dict[str, int], dict[str, float]]:
    """Solve one schedule alternative; returns status, model, values, level values, bounds.

    With an ``incumbent`` (the best level vector of another alternative, lexicographic mode),
    the stages stop as soon as a proven bound shows this alternative cannot beat it; the
    returned values are then ``None`` and the status :attr:`SolveStatus.INFEASIBLE` is not
    claimed (``UNKNOWN`` is returned with ``"pruned"`` in the bounds). ``race`` does the same
    against alternatives solved in other threads.
    """
    rm = rm if rm is not None else build_model(data, schedule)
    m = rm.model
    if engine == "auto":
        engine = "highs" if len(rm.variables) > AUTO_HIGHS_VARIABLES else "cpsat"
    backend = HighsLinear(m) if engine == "highs" else None
    rm.engine = engine
    stages = _stages(data, rm)
    deadline = time.perf_counter() + params.time_limit
    level_values: dict[str, int] = {}
    level_bounds: dict[str, float] = {}
    values: dict[str, Any] | None = None
    status = SolveStatus.OPTIMAL
    hint: dict[Any, int] | None = None

    def extract(solver: Any) -> dict[str, Any]:
        return {
            "served": {k: solver.value(v) for k, v in rm.served.items()},
            "z": {k: solver.value(v) for k, v in rm.z.items()},
            "give": {k: solver.value(v) for k, v in rm.give.items()},
            "credit": {k: solver.value(v) for k, v in rm.credit.items()},
            "swap": {k: solver.value(v) for k, v in rm.swap.items()},
            "split": {k: solver.value(b) for k, (_a, b, _s) in rm.split.items()},
            "redo": {k: solver.value(v) for k, v in rm.redo.items()},
            "redo_give": {k: solver.value(v) for k, v in rm.redo_give.items()},
            "levels": {
                n: int(solver.value(e)) for n, e in rm.levels.items() if not isinstance(e, int)
            },
            "hint": {v: solver.value(v) for v in rm.variables} if backend is None else None,
        }

    def run_stage(expr: Any, p: SolveParams, label: str, hint: dict[Any, int] | None = None):
        if backend is not None:
            run = backend.solve(expr, p, extract)
            if p.progress:
                print(f"[{label}] highs {run.status.value} objective {run.objective} bound "
                      f"{run.bound} ({run.runtime:.1f}s)", file=sys.stderr, flush=True)
            return run
        if isinstance(expr, int):
            m.clear_objective()
        else:
            m.minimize(expr)
        return run_cpsat(m, p, extract, label=label, hint=hint)

    if data.policy.objective_mode == "weighted" and stages:
        w = data.policy.weights
        run = run_stage(sum(w.get(n, 1) * rm.levels[n] for n in stages), params, "roster")
        if run.values is None:
            return run.status, rm, None, {}, {}
        values = run.values
        level_values = dict(values["levels"])
        level_bounds = {"weighted": run.bound if run.bound is not None else float("nan")}
        return run.status, rm, values, level_values, level_bounds

    if not stages:  # nothing to optimise: feasibility only
        run = run_stage(0, params, "roster")
        return run.status, rm, run.values, {}, {}
    if backend is not None:
        return _levels_highs(rm, backend, stages, params, extract, incumbent, race)
    still_tied = True
    proven: tuple[int, ...] = ()
    for i, name in enumerate(stages):
        remaining = max(0.05, deadline - time.perf_counter())
        # the first stage gets most (it is the hardest and yields the first roster), later ones
        # start from the previous solution
        share = 1.0 if i == len(stages) - 1 else (0.8 if i == 0 else 0.5)
        stage_params = params.with_time(remaining * share)
        run = run_stage(rm.levels[name], stage_params, f"roster:{name}", hint)
        if run.values is None:
            if i == 0:
                return run.status, rm, None, {}, {}
            break  # keep the previous stage's solution
        values = run.values
        level_values[name] = round(run.objective or 0)
        level_bounds[name] = run.bound if run.bound is not None else float("nan")
        if run.status is not SolveStatus.OPTIMAL:
            status = SolveStatus.FEASIBLE
        if incumbent is not None and i < len(incumbent) and still_tied:
            bound = level_bounds[name]
            if bound == bound and bound > incumbent[i]:  # cannot beat the incumbent
                return SolveStatus.UNKNOWN, rm, None, {}, {"pruned": 1.0}
            if level_values[name] < incumbent[i]:
                still_tied = False
        if race is not None and run.status is SolveStatus.OPTIMAL and len(proven) == i:
            proven += (level_values[name],)
            if race[0].beaten(race[1], proven):
                return SolveStatus.UNKNOWN, rm, None, {}, {"pruned": 1.0}
        m.add(rm.levels[name] <= level_values[name])
        hint = values["hint"]
    assert values is not None
    # the final solution's own levels: a later stage may improve an earlier unproven level
    level_values = {name: values["levels"][name] for name in stages}
    return status, rm, values, level_values, level_bounds


def _levels_highs(
    rm: RosterModel,
    backend: HighsLinear,
    stages: list[str],
    params: SolveParams,
    extract: Any,
    incumbent: tuple[int, ...] | None,
    race: tuple[_Race, int] | None,
) -> tuple[SolveStatus, RosterModel, dict[str, Any] | None, dict[str, int], dict[str, float]]:
    """The lexicographic stages through HiGHS, LP relaxation first (see
    :meth:`HighsLinear.solve_levels`), with the same pruning against an incumbent or a race
    as the stage loop of :func:`_solve_schedule`."""
    proven: list[int] = []
    still_tied = [True]
    pruned = [False]

    def on_level(name: str, value: int, bound: float, is_proven: bool) -> bool:
        i = stages.index(name)
        if incumbent is not None and i < len(incumbent) and still_tied[0]:
            if bound == bound and bound > incumbent[i]:
                pruned[0] = True
                return False
            if value < incumbent[i]:
                still_tied[0] = False
        if race is not None and is_proven and len(proven) == i:
            proven.append(value)
            if race[0].beaten(race[1], tuple(proven)):
                pruned[0] = True
                return False
        return True

    levels = [(n, rm.levels[n], rm.level_ub[n]) for n in stages]
    run = backend.solve_levels(levels, params, extract, on_level, label="roster")
    if pruned[0]:
        return SolveStatus.UNKNOWN, rm, None, {}, {"pruned": 1.0}
    if run.values is None:
        return run.status, rm, None, {}, {}
    rm.stages = run.stages
    return run.status, rm, run.values, dict(run.levels), dict(run.bounds)


def _roster(rm: RosterModel, values: dict[str, Any]) -> RosterSolution:
    data = rm.data
    rank = ranks(data)
    periods = data.periods()
    by_q: dict[int, list[str]] = defaultdict(list)
    for (sid, q), v in values["served"].items():
        if v:
            by_q[q].append(sid)
    redo_people: dict[int, list[str]] = defaultdict(list)  # R10 re-dispatch seats
    for (sid, q), v in values.get("redo", {}).items():
        if v:
            by_q[q].append(sid)
            redo_people[q].append(sid)
    assignments: list[Assignment] = []
    staff = {s.id: s for s in data.staff}
    # rule-6 ledger: which department gave the seat, which quarter of the own turn is credited
    seat_from: dict[tuple[str, int], str] = {}
    credit_q: dict[tuple[str, int], int | None] = {}
    pulled_by_turn: dict[int, list[tuple[int, str]]] = defaultdict(list)
    turn_index = {id(t): i for i, t in enumerate(rm.turns)}
    for q, sids in sorted(by_q.items()):
        pulled = sorted(
            (s for s in sids if _kind(rm, values, s, q) == "pulled"), key=lambda s: (rank[s], s)
        )
        givers = [d for (d, qq), n in sorted(values["give"].items()) if qq == q for _ in range(n)]
        for sid, d in zip(pulled, givers, strict=True):
            seat_from[(sid, q)] = d
            t = rm.service[(sid, q)].turn
            pulled_by_turn[turn_index[id(t)]].append((q, sid))
        redo_givers = [
            d for (d, qq), n in sorted(values.get("redo_give", {}).items()) if qq == q
            for _ in range(n)
        ]
        for sid, d in zip(sorted(redo_people[q]), redo_givers, strict=True):
            seat_from[(sid, q)] = d
    for ti, items in pulled_by_turn.items():
        slots = [
            qq for (tj, qq), n in sorted(values["credit"].items()) if tj == ti for _ in range(n)
        ]
        for k, (q, sid) in enumerate(sorted(items)):
            credit_q[(sid, q)] = slots[k] if k < len(slots) else None
    # seats swapped back: the giving department's people filling a credited seat
    swap_people: set[tuple[str, int]] = set()
    for (d, q), n in values["swap"].items():
        mine = [s for s in by_q[q] if staff[s].department == d]
        already = [s for s in mine if _kind(rm, values, s, q) == "swap"]
        turn = sorted(
            (s for s in mine if _kind(rm, values, s, q) == "turn"), key=lambda s: (-rank[s], s)
        )
        swap_people.update((s, q) for s in already + turn[: max(0, n - len(already))])
    published = data.replan.published if data.replan is not None else {}
    for q, sids in sorted(by_q.items()):
        by_class: dict[Any, list[str]] = defaultdict(list)
        for sid in sorted(sids, key=lambda s: (rank[s], s)):
            by_class[rm.klass[sid]].append(sid)
        start, end = periods[q]
        placed = _place(data, q, by_class, values["z"], published)
        for c in data.centers:
            for sid in placed[c.id]:
                kind = _kind(rm, values, sid, q)
                if (sid, q) in swap_people:
                    kind = "swap"
                ledger = kind in ("pulled", "redo")
                assignments.append(
                    Assignment(
                        staff=sid,
                        quarter=q,
                        center=c.id,
                        start=start,
                        end=end,
                        kind=kind,
                        seat_from=seat_from.get((sid, q)) if ledger else None,
                        credit_quarter=credit_q.get((sid, q)) if kind == "pulled" else None,
                    )
                )
    deferrals = []
    first = data.policy.first_quarter
    for k, r in enumerate(data.deferrals):
        dept_cycle = rm.schedule.applied[k]
        decision = rm.schedule.choices[dept_cycle]
        deferrals.append((r.department, r.quarter - first, decision))
    return RosterSolution(assignments=assignments, deferrals=deferrals)


def _place(
    data: RosterData,
    q: int,
    by_class: dict[Any, list[str]],
    z: dict[tuple[int, str, Any], int],
    published: dict[tuple[str, int], str],
) -> dict[str, list[str]]:
    """Names onto centers from the class counts ``z`` of quarter ``q``.

    People of a class are interchangeable for the centers; they are placed in rank order, and
    when re-planning, first at the center where the published roster has them, so that exactly
    the moves counted by the ``changes`` level happen.
    """
    out: dict[str, list[str]] = {c.id: [] for c in data.centers}
    for k, people in sorted(by_class.items(), key=lambda kv: str(kv[0])):
        left = list(people)
        room = {c.id: z.get((q, c.id, k), 0) for c in data.centers}
        if published:
            for c in data.centers:
                stay = [p for p in left if published.get((p, q)) == c.id][: room[c.id]]
                out[c.id] += stay
                room[c.id] -= len(stay)
                left = [p for p in left if p not in stay]
        for c in data.centers:
            out[c.id] += left[: room[c.id]]
            left = left[room[c.id] :]
        assert not left, "class counts do not add up"
    return out


def _kind(rm: RosterModel, values: dict[str, Any], sid: str, q: int) -> str:
    if values.get("redo", {}).get((sid, q)):
        return "redo"
    if values["split"].get((sid, q)):
        return "swap"
    return rm.service[(sid, q)].kind


def _parallel(
    data: RosterData, alts: list[Schedule], params: SolveParams, engine: str, t0: float
) -> list[Any] | None:
    """Solve deferral alternatives in threads when they all go to HiGHS (it releases the GIL and
    runs one thread a solve); ``None`` when they should run one after the other (CP-SAT uses
    every worker itself, or a single worker was asked for)."""
    if params.workers < 2 or engine == "cpsat":
        return None
    models = [build_model(data, alt) for alt in alts]
    if engine == "auto" and any(len(m.variables) <= AUTO_HIGHS_VARIABLES for m in models):
        return None
    threads = min(params.workers, len(alts))
    remaining = max(0.1, params.time_limit - (time.perf_counter() - t0))
    share = params.with_time(remaining * threads / len(alts))
    race = _Race()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        futures = [
            pool.submit(_solve_schedule, data, alt, share, "highs", None, (race, k), models[k])
            for k, alt in enumerate(alts)
        ]
        return [f.result() for f in futures]


def _better(a: tuple[int, ...], b: tuple[int, ...] | None) -> bool:
    return b is None or a < b


def solve(
    data: RosterData,
    *,
    time_limit: float = 30.0,
    seed: int = 0,
    num_workers: int = 2,
    deterministic: bool = False,
    progress: bool = False,
    log: bool = False,
    preset: str | None = None,
    explain: bool = True,
    engine: str = "auto",
    **cp_sat_params: Any,
) -> Result[RosterSolution]:
    """Solve a roster problem: the best roster under every rule of DOMAIN §R, checked.

    Parameters
    ----------
    data
        A validated problem (:func:`read_roster`).
    time_limit, seed, num_workers, deterministic, progress, log
        Solver settings (see :class:`SolveParams`); the time limit covers every stage and
        every deferral alternative.
    preset
        Name of a CP-SAT parameter preset in ``configs/`` (e.g. ``"default"``).
    explain
        When no roster exists, search for the smallest set of rules and records that conflict.
    engine
        ``"cpsat"``, ``"highs"`` (the same model through MathOpt's HiGHS; the roster model is
        linear) or ``"auto"``: CP-SAT up to ``AUTO_HIGHS_VARIABLES`` decision variables, HiGHS
        above (measured faster there, see the README's benchmark section). Explanations of
        infeasibility always use CP-SAT (they need assumptions).
    cp_sat_params
        Further CP-SAT parameters.

    Returns
    -------
    Result
        Status, objective (the lexicographic levels folded into one number), bound, gap,
        runtime, the :class:`RosterSolution`, named levels, explanations and warnings.
    """
    extra = {**(load_preset(preset) if preset else {}), **cp_sat_params}
    params = SolveParams(time_limit, seed, num_workers, deterministic, progress, log, extra)
    t0 = time.perf_counter()
    warnings = [*data.calendar.warnings, *data.warnings]
    try:
        alts = alternatives(data)
    except ScheduleError as exc:
        issue = Issue(Location(data.source, "后延申请 (deferrals)"), str(exc))
        raise InputError(issue) from None
    best: tuple[Any, ...] | None = None
    best_key: tuple[int, ...] | None = None
    statuses: list[SolveStatus] = []
    engines_used: set[str] = set()
    pruned = 0
    unproven = False  # an alternative whose optimum is not known could still be better
    if engine not in ("auto", "cpsat", "highs"):
        raise ValueError(f"unknown engine '{engine}'; use auto, cpsat or highs")
    lexi = data.policy.objective_mode != "weighted"
    outcomes = _parallel(data, alts, params, engine, t0) if lexi and len(alts) > 1 else None
    for k, alt in enumerate(alts):
        if outcomes is not None:
            status, rm, values, lv, lb = outcomes[k]
        else:
            share = params.with_time(max(
                0.1, (time_limit - (time.perf_counter() - t0)) / max(1, len(alts) - len(statuses))
            ))
            status, rm, values, lv, lb = _solve_schedule(
                data, alt, share, engine, best_key if lexi else None
            )
        engines_used.add(rm.engine)
        statuses.append(status)
        if values is None:
            if "pruned" in lb:
                pruned += 1
            elif status is not SolveStatus.INFEASIBLE:
                unproven = True
            continue
        if status is not SolveStatus.OPTIMAL:
            unproven = True
        stages = _stages(data, rm)
        if data.policy.objective_mode == "weighted":
            key = (sum(data.policy.weights.get(n, 1) * lv[n] for n in stages),)
        else:
            key = tuple(lv[n] for n in stages)
        if _better(key, best_key):
            best_key, best = key, (status, rm, values, lv, lb)
    stats: dict[str, Any] = {
        "seed": seed,
        "workers": num_workers,
        "deterministic": deterministic,
        "time_limit": time_limit,
        "alternatives": len(alts),
        "calendar": data.calendar.source(),
        "calendar_library_version": data.calendar.library_version,
        "estimated_years": data.calendar.estimated_years,
        "objective_mode": data.policy.objective_mode,
        "engine": ",".join(sorted(engines_used)),
        "alternatives_pruned": pruned,
    }
    if best is None:
        status = (
            SolveStatus.INFEASIBLE
            if all(s is SolveStatus.INFEASIBLE for s in statuses)
            else SolveStatus.UNKNOWN
        )
        lines: list[str] = []
        if status is SolveStatus.INFEASIBLE and explain:
            for alt in alts:
                if len(alts) > 1:
                    lines.append(
                        "With deferrals "
                        + ", ".join(f"{d} → {dec.value}" for (d, _c), dec in alt.auto.items())
                        + ":"
                    )
                lines += explain_infeasible(data, alt, params)
        elif status is SolveStatus.UNKNOWN:
            lines.append(
                f"No roster was found within {time_limit:g} s, and none was proven "
                "impossible; try a longer --time-limit."
            )
        return Result(
            status,
            runtime=time.perf_counter() - t0,
            explanation=lines,
            warnings=warnings,
            stats=stats,
        )

    status, rm, values, lv, lb = best
    if unproven and status is SolveStatus.OPTIMAL:
        status = SolveStatus.FEASIBLE
    sol = _roster(rm, values)
    violations = check(data, sol)
    if violations:
        raise SolutionCheckError(
            "the checker rejected the solver's roster:\n" + "\n".join(map(str, violations[:20]))
        )
    recomputed = objective_levels(data, sol)
    stages = _stages(data, rm)
    # The model's level expressions are upper bounds of the true levels (helper variables such
    # as dev and u are only pushed tight while their own level is minimised), so the checker's
    # value may be lower than the solver's for an earlier level, never higher; the level
    # optimised last is tight.
    for i, n in enumerate(stages):
        last = i == len(stages) - 1 or data.policy.objective_mode == "weighted"
        if recomputed[n] > lv[n] or (last and status is SolveStatus.OPTIMAL
                                     and recomputed[n] != lv[n]
                                     and data.policy.objective_mode != "weighted"):
            raise SolutionCheckError(
                f"objective level '{n}': solver {lv[n]}, checker {recomputed[n]}"
            )
    open_level: str | None = None
    if data.policy.objective_mode == "weighted":
        w = {n: data.policy.weights.get(n, 1) for n in stages}
        objective = float(sum(w[n] * recomputed[n] for n in stages))
        bound = float(lb.get("weighted", objective))
    else:
        w = lexicographic_weights(stages, rm.level_ub)
        objective = float(sum(w[n] * recomputed[n] for n in stages))
        bound_total = 0  # in integers: the folded number exceeds a float's 2**53
        for n in stages:
            b = lb.get(n, float("nan"))
            if b != b or b < recomputed[n] - 1e-9:  # first level not proven optimal
                bound_total += w[n] * (math.ceil(b - 1e-9) if b == b else 0)
                open_level = n
                break
            bound_total += w[n] * recomputed[n]
        bound = float(bound_total)
    gap = (
        0.0
        if status is SolveStatus.OPTIMAL
        else (abs(objective - bound) / max(1.0, abs(objective)))
    )
    # the folded number's gap is dwarfed by the higher levels; report the gap of the first
    # level not proven optimal instead (the levels before it are optimal)
    if open_level is not None and status is not SolveStatus.OPTIMAL:
        b = lb.get(open_level, float("nan"))
        v = recomputed[open_level]
        gap = abs(v - (b if b == b else 0.0)) / max(1.0, abs(v))
        stats["gap_level"] = open_level
    if rm.stages:
        stats["highs_stages"] = rm.stages
    stats.update(
        {
            "levels": {n: recomputed[n] for n in stages},
            "level_bounds": {n: lb[n] for n in lb},
            "weights": w,
            "deferrals_applied": [
                {
                    "department": d,
                    "quarter": str(data.policy.first_quarter + q),
                    "decision": dec.value,
                    "chosen_by_solver": any(
                        r.decision is DeferralDecision.AUTO and r.department == d
                        for r in data.deferrals
                    ),
                }
                for d, q, dec in sol.deferrals
            ],
        }
    )
    result: Result[RosterSolution] = Result(
        status=status,
        objective=objective,
        bound=bound,
        gap=gap,
        runtime=time.perf_counter() - t0,
        solution=sol,
        objectives={n: float(recomputed[n]) for n in stages},
        warnings=warnings,
        stats=stats,
    )
    result.explanation = explain_soft(data, sol, rm.schedule)
    return result
