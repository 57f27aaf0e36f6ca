"""``solve``: the roster's entry point — deferral alternatives, objective levels, checking.

Every deferral alternative (:func:`schedule.alternatives`) is built as a model and its levels
run through the one level runner (:func:`assignments.core.levels.solve_levels`, backends
CP-SAT and HiGHS; :func:`~assignments.core.levels.solve_weighted` in weighted mode), which
always returns every level with its state. The solve's one budget
(:func:`assignments.core.solver.solve_params`) is shared by the alternatives, their stages and
the conflict search; a stop request ends the solve with the best roster so far, checked.
"""

from __future__ import annotations

import dataclasses
import math
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from assignments.core.budget import Budget, ProgressCallback, StopFlag
from assignments.core.errors import InputError, Issue, Location, SolutionCheckError
from assignments.core.i18n import current_lang, tr, use_lang
from assignments.core.levels import (
    CpSatBackend,
    HighsBackend,
    Level,
    LevelResult,
    LevelsRun,
    LevelState,
    lexicographic_weights,
    solve_levels,
    solve_weighted,
)
from assignments.core.solver import Result, SolveParams, SolveStatus, solve_params
from assignments.roster.data import DEFAULT_ORDER, DeferralDecision, RosterData
from assignments.roster.explain import (
    Suggestion,
    _decision,
    conflict_lines,
    explain_soft,
    find_conflict,
    suggestion_candidates,
    suggestion_lines,
    verify_suggestions,
)
from assignments.roster.model import RosterModel, build_model
from assignments.roster.rules import RULES
from assignments.roster.schedule import Schedule, ScheduleError, alternatives
from assignments.roster.solution import Assignment, RosterSolution, check, objective_levels, ranks

__all__ = ["AUTO_HIGHS_VARIABLES", "solve"]


def _order(data: RosterData) -> list[str]:
    """Every objective level in the policy's priority order."""
    order: list[str] = list(data.policy.objective_order)
    return order + [x for x in DEFAULT_ORDER if x not in order]


def _stages(data: RosterData, rm: RosterModel) -> list[str]:
    """The levels that need a solver stage (constant levels need none)."""
    return [name for name in _order(data) if not isinstance(rm.levels[name], int)]


AUTO_HIGHS_VARIABLES = 1000
"""``engine="auto"`` hands models with more decision variables than this to HiGHS."""

FIRST_ROSTER_SHARE = 1.0
"""On HiGHS, any roster (the model without an objective) is sought first, for at most this
share of the time left (it ends at the first roster found): HiGHS finds one in about 2.4 s
on the city hospital, where the first level's MIP takes 7–8 s and, cut by a 5–10 s limit,
had found none. That roster is the MIP start of the levels and, when no level finishes in
time, the roster returned (checked, its levels not reached, the result not proven)."""

HIGHS_OVERRUN = 0.5
"""HiGHS' runs of a deferral alternative end this multiple of a model build before the
deadline (HiGHS passes its own time limit by up to about that much)."""

FIRST_ROSTER_BELOW = 10.0
"""... when the time left is less than this multiple of the model's build time (with more, the
levels' own MIPs find rosters in time, and the extra run would only slow them: on the city
hospital at 30 s the levels are proven without it)."""

POST_SECONDS_PER_STAFF_QUARTER = 3e-5
"""The work after the levels (reading the roster back, the independent checker, its levels,
the reasons) grows with staff × quarters: 25 ms for the county's 300 × 12 on the idle 2-core
machine, 0.67 s for the city's 2,000 × 12 at load 8; this much per staff-quarter is reserved up
front (the levels end that much earlier)."""

FIRST_ALTERNATIVE_SHARE = 0.75
"""Share of the time left for the first deferral alternative solved in turn (the others share
the rest and are pruned as soon as they cannot beat it)."""

POST_MOST = 1 / 3
"""... but never more than this share of the time left (the roster has no checked baseline to
fall back on: the levels keep most of the time)."""

NEXT_ALTERNATIVE_SHARE = 2.0
"""A further deferral alternative is started only when the time left is at least this
multiple of the time building one model took (about what HiGHS needs to set up and presolve
it, which its time limit does not interrupt: given 1.3 s on the city hospital it took 1.8 s);
else it is skipped and named in ``cut_short``."""


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


def _sub(params: SolveParams, seconds: float, parts: int = 1) -> SolveParams:
    """Parameters for one part of the solve (a deferral alternative) that may use ``seconds``
    of what the solve's budget has left: a child budget with the same progress callback and
    stop flag, whose deadline never passes the solve's. In deterministic mode the part gets
    ``1/parts`` of the deterministic limit and the solve's own budget as its wall-clock net."""
    budget = params.budget
    if budget is None:
        return params.with_time(max(0.05, seconds))
    if params.deterministic:
        return params.with_time(params.time_limit / max(1, parts))
    seconds = max(0.0, min(seconds, budget.remaining()))
    p = params.with_time(max(0.05, seconds))
    p.budget = Budget(seconds, on_progress=budget.on_progress, stop=budget.stop)
    return p


def _solve_schedule(
    data: RosterData,
    schedule: Schedule,
    params: SolveParams,
    engine: str = "auto",
    incumbent: tuple[int, ...] | None = None,
    race: tuple[_Race, int] | None = None,
    rm: RosterModel | None = None,
    setup: float = 0.0,
) -> tuple[RosterModel, LevelsRun[dict[str, Any]]]:
    """Solve one schedule alternative through :func:`core.levels.solve_levels` (or
    :func:`solve_weighted`); the run returned always holds every level.

    With an ``incumbent`` (the best level vector of another alternative, lexicographic mode),
    the levels stop as soon as a proven bound shows this alternative cannot beat it, and
    ``race`` does the same against alternatives solved in other threads: the run then has no
    values and ``stats["pruned"]``.
    """
    t_build = time.perf_counter()
    rm = rm if rm is not None else build_model(data, schedule)
    t_build = time.perf_counter() - t_build
    setup = max(setup, t_build)
    if engine == "auto":
        engine = "highs" if len(rm.variables) > AUTO_HIGHS_VARIABLES else "cpsat"
    rm.engine = engine
    cpsat = engine != "highs"
    stages = _stages(data, rm)
    levels = [Level(n, rm.levels[n], rm.level_ub[n]) for n in _order(data)]
    budget = params.budget
    if not cpsat and stages and budget is not None and not params.deterministic \
            and budget.remaining() < NEXT_ALTERNATIVE_SHARE * setup:
        # HiGHS' set-up and presolve (about a build's time) are not cut by its time limit:
        # not started when they alone would run past the deadline
        budget.cut_short("levels")
        return rm, LevelsRun(SolveStatus.UNKNOWN, None, _levels_of(levels, None),
                             stats={"stages": [], "build_seconds": t_build, "no_time": True})
    if not cpsat and budget is not None and not params.deterministic:
        # HiGHS ends up to about half a build's time past its own limit (presolve, set-up, its
        # coarse clock checks; measured on the city hospital under load: 0.8–1 s): its runs
        # end that much before the deadline
        params = _sub(params, budget.remaining() - HIGHS_OVERRUN * setup)
        budget = params.budget
    backend = CpSatBackend(rm.model) if cpsat else HighsBackend(rm.model)

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
            "pairs": {k: solver.value(v) for k, v in rm.pairs.items()},
            "hint": {v: solver.value(v) for v in rm.variables} if cpsat else None,
        }

    first: tuple[dict[str, Any], dict[str, int]] | None = None
    first_stage: dict[str, Any] | None = None
    if isinstance(backend, HighsBackend) and stages and (
            budget is None or budget.remaining() < FIRST_ROSTER_BELOW * setup):
        first, first_stage = _first_roster(rm, backend, params, extract)
        if first_stage["status"] == SolveStatus.INFEASIBLE.value:  # no roster at all
            return rm, LevelsRun(SolveStatus.INFEASIBLE, None, _levels_of(levels, None),
                                 stats={"stages": [first_stage], "build_seconds": t_build})
        if first is not None and budget is not None \
                and budget.remaining() < NEXT_ALTERNATIVE_SHARE * setup:
            # no time for a level's MIP (its set-up and presolve would pass the deadline)
            budget.cut_short("levels")
            return rm, LevelsRun(SolveStatus.FEASIBLE, first[0], _levels_of(levels, first[1]),
                                 stats={"stages": [first_stage], "build_seconds": t_build,
                                        "first_roster": True})

    def finish(run: LevelsRun[dict[str, Any]]) -> LevelsRun[dict[str, Any]]:
        """The first roster when no level finished in time (not pruned, not proven
        impossible): checked like any other, every level "not reached"."""
        if first_stage is not None:
            run.stats["stages"] = [first_stage, *run.stats.get("stages", [])]
        run.stats["build_seconds"] = t_build
        if (run.values is None and first is not None and not run.stats.get("pruned")
                and run.status is not SolveStatus.INFEASIBLE):
            run = LevelsRun(SolveStatus.FEASIBLE, first[0], _levels_of(levels, first[1]),
                            stopped=run.stopped, stats={**run.stats, "first_roster": True})
        return run

    if data.policy.objective_mode == "weighted" and stages:
        weights = {n: data.policy.weights.get(n, 1) for n in stages}
        return rm, finish(solve_weighted(backend, levels, weights, params, extract,
                                         label="roster"))

    proven: list[int] = []
    tied = [True]

    def on_level(name: str, value: int, bound: float, is_proven: bool) -> bool:
        """``False`` (stop) when this alternative can no longer beat another one."""
        i = stages.index(name)
        if incumbent is not None and i < len(incumbent) and tied[0]:
            if bound == bound and bound > incumbent[i]:
                return False
            if value < incumbent[i]:
                tied[0] = False
        if race is not None and is_proven and len(proven) == i:
            proven.append(value)
            if race[0].beaten(race[1], tuple(proven)):
                return False
        return True

    run = solve_levels(
        backend,
        levels,
        params,
        extract,
        hint_of=(lambda v: v["hint"]) if cpsat else None,
        on_level=on_level if (incumbent is not None or race is not None) else None,
        label="roster",
    )
    run = finish(run)
    rm.stages = list(run.stats.get("stages", []))
    return rm, run


def _first_roster(
    rm: RosterModel, backend: HighsBackend, params: SolveParams,
    extract: Callable[[Any], dict[str, Any]],
) -> tuple[tuple[dict[str, Any], dict[str, int]] | None, dict[str, Any]]:
    """Any roster of the model (no objective) by HiGHS, for at most
    :data:`FIRST_ROSTER_SHARE` of the time left: the MIP start of the levels (HiGHS keeps it,
    :attr:`HighsLinear.last`) and the fallback when no level finishes in time. Returns the
    roster (``extract``'s values and every level's value) or ``None``, and the stage entry."""
    budget = params.budget
    left = budget.remaining() if budget is not None else params.time_limit
    t0 = time.perf_counter()
    seconds = (budget.grant(FIRST_ROSTER_SHARE * left, "first-roster") if budget is not None
               else FIRST_ROSTER_SHARE * left)
    if seconds <= 0.05:
        if budget is not None:
            budget.cut_short("first-roster")
        return None, {"levels": ["first roster"], "method": "skipped", "seconds": 0.0,
                      "status": SolveStatus.UNKNOWN.value}

    def read(solver: Any) -> tuple[dict[str, Any], dict[str, int]]:
        return extract(solver), {n: e if isinstance(e, int) else round(solver.value(e))
                                 for n, e in rm.levels.items()}

    run = backend.linear.solve(0, params.with_time(seconds), read)
    stage = {"levels": ["first roster"], "method": "feasibility", "status": run.status.value,
             "seconds": round(time.perf_counter() - t0, 3)}
    return run.values, stage


def _levels_of(levels: list[Level], values: dict[str, int] | None) -> dict[str, LevelResult]:
    """Every level "not reached" (constant levels constant), with its value at a roster."""
    return {lv.name: LevelResult(lv.name, LevelState.CONSTANT, int(lv.expr), float(lv.expr))
            if lv.constant else
            LevelResult(lv.name, LevelState.NOT_REACHED,
                        None if values is None else values[lv.name], None)
            for lv in levels}


def _roster(rm: RosterModel, values: dict[str, Any]) -> RosterSolution:
    data = rm.data
    rank = ranks(data)
    periods = data.periods()
    by_q: dict[int, list[str]] = defaultdict(list)
    for (sid, q), v in values["served"].items():
        if v:
            by_q[q].append(sid)
    for (sid, q), v in values.get("redo", {}).items():
        if v:
            by_q[q].append(sid)
    assignments: list[Assignment] = []
    staff = {s.id: s for s in data.staff}
    # rule-6 ledger: which department gave the seat, which quarter of the own turn is credited
    seat_from: dict[tuple[str, int], str] = {}
    credit_q: dict[tuple[str, int], int | None] = {}
    turn_index = {id(t): i for i, t in enumerate(rm.turns)}
    for q, sids in sorted(by_q.items()):
        # pulled-forward candidates: the (giver, credit quarter) pairs of the seat swap (R6)
        pulled: dict[int, list[str]] = defaultdict(list)
        for sid in sorted(sids, key=lambda s: (rank[s], s)):
            if _kind(rm, values, sid, q) == "pulled":
                pulled[turn_index[id(rm.service[(sid, q)].turn)]].append(sid)
            elif _kind(rm, values, sid, q) == "redo":  # R10: paid back the same way
                pulled[turn_index[id(rm.redo_turn[(sid, q)])]].append(sid)
        for ti, people in pulled.items():
            slots = [(g, k) for (g, qq, tj, k), n in sorted(
                values["pairs"].items(), key=lambda kv: (kv[0][0], kv[0][3] is None, kv[0][3]))
                if qq == q and tj == ti for _ in range(n)]
            for sid, (g, k) in zip(people, slots, strict=True):
                seat_from[(sid, q)] = g
                credit_q[(sid, q)] = k
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
                        credit_quarter=credit_q.get((sid, q)) if ledger else None,
                    )
                )
    deferrals, not_needed = rm.schedule.requests(data)
    return RosterSolution(assignments=assignments, deferrals=deferrals, not_needed=not_needed)


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


RACE_MIN_BUILDS = 10.0
"""Deferral alternatives race in threads only when the time left after building their models
is at least this multiple of one model's build time; with less, two HiGHS runs sharing the
cores found no roster at all (city hospital at 5–10 s), so the alternatives run in turn and the
first one gets the time to find a roster."""


def _parallel(
    data: RosterData, alts: list[Schedule], params: SolveParams, engine: str
) -> tuple[list[tuple[RosterModel, LevelsRun[dict[str, Any]]]] | None,
           list[RosterModel | None] | None, float]:
    """Solve deferral alternatives in threads when they all go to HiGHS (it releases the GIL and
    runs one thread a solve) and there is time for it (:data:`RACE_MIN_BUILDS`); ``None`` when
    they should run one after the other (CP-SAT uses every worker itself, or a single worker
    was asked for), with the models built so far and the seconds one took to build."""
    if params.workers < 2 or engine == "cpsat":
        return None, None, 0.0
    budget = params.budget
    models: list[RosterModel | None] = [None] * len(alts)
    t0 = time.perf_counter()
    for k, alt in enumerate(alts):
        models[k] = build_model(data, alt)
        per_model = (time.perf_counter() - t0) / (k + 1)
        left = budget.remaining() if budget is not None else params.time_limit
        if left < per_model * (RACE_MIN_BUILDS + len(alts) - k - 1):  # no time for a race
            return None, models, per_model
    built = [m for m in models if m is not None]
    if engine == "auto" and any(len(m.variables) <= AUTO_HIGHS_VARIABLES for m in built):
        return None, models, per_model
    threads = min(params.workers, len(alts))
    share = _sub(params, left * threads / len(alts), len(alts) // threads)
    race = _Race()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        futures = [
            pool.submit(_solve_schedule, data, alt, share, "highs", None, (race, k), built[k])
            for k, alt in enumerate(alts)
        ]
        return [f.result() for f in futures], models, per_model


def _better(a: tuple[int, ...], b: tuple[int, ...] | None) -> bool:
    return b is None or a < b


def solve(
    data: RosterData,
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
    lang: str | None = None,
    **cp_sat_params: Any,
) -> Result[RosterSolution]:
    """Solve a roster problem: the best roster under every rule of DOMAIN §R, checked.

    Parameters
    ----------
    data
        A validated problem (:func:`read_roster`).
    time_limit
        Seconds for the whole solve: every deferral alternative, every level and the conflict
        search draw from one budget; the solve ends at most ``max(1 s, 5 %)`` after it.
    seed, num_workers, deterministic
        Solver settings (see :class:`SolveParams`).
    preset
        Name of a CP-SAT parameter preset in ``configs/`` (e.g. ``"default"``).
    engine
        ``"cpsat"``, ``"highs"`` (the same model through MathOpt's HiGHS; the roster model is
        linear) or ``"auto"``: CP-SAT up to :data:`AUTO_HIGHS_VARIABLES` decision variables,
        HiGHS above (measured faster there, see the README's benchmark section). Explanations
        of infeasibility always use CP-SAT (they need assumptions).
    on_progress
        Called with a :class:`~assignments.core.budget.Progress` (level, incumbent, bound,
        elapsed) for improving solutions and finished levels.
    stop
        A :class:`threading.Event` (or anything with ``is_set()``): when set, the solve ends
        with the best roster so far, checked, and ``result.stopped``.
    progress, log
        Print improving solutions / CP-SAT's search log to stderr.
    explain
        When no roster exists, search for the smallest set of rules and records that conflict
        and the deferral changes that would make a roster exist, each verified by a short
        re-solve (with the time the budget has left); when a deferral request cannot be
        applied, the decisions that can, verified the same way.
    lang
        Language of the explanation, warning and refusal lines: ``"zh"`` or ``"en"``
        (default: the current language, :func:`~assignments.core.i18n.current_lang`).
    cp_sat_params
        Further CP-SAT parameters.

    Returns
    -------
    Result
        Status, objective (the lexicographic levels folded into one number), bound, gap,
        runtime, the :class:`RosterSolution`, named levels (``objectives``, recomputed by the
        checker; ``levels``, every level's state, value and bound), explanations, warnings.

    Raises
    ------
    InputError
        Deferral requests that cannot be applied (located).
    ValueError
        An unknown engine or preset, or a time limit that is not positive.
    """
    lang = lang or current_lang()
    if engine not in ("auto", "cpsat", "highs"):
        raise ValueError(f"unknown engine '{engine}'; use auto, cpsat or highs")
    params = solve_params(
        time_limit=time_limit,
        seed=seed,
        num_workers=num_workers,
        deterministic=deterministic,
        preset=preset,
        on_progress=on_progress,
        stop=stop,
        progress=progress,
        log=log,
        extra=cp_sat_params,
    )
    budget = params.budget
    assert budget is not None
    warnings = [*data.calendar.warnings, *data.warnings]
    try:
        with use_lang(lang):  # the refusal's reason is read in the solve's language
            alts = alternatives(data)
    except ScheduleError as exc:
        with use_lang(lang):
            raise _refused(data, exc, params, lang, explain) from None
    best: tuple[RosterModel, LevelsRun[dict[str, Any]]] | None = None
    best_key: tuple[int, ...] | None = None
    statuses: list[SolveStatus] = []
    engines_used: set[str] = set()
    pruned = 0
    skipped = 0
    stopped = False
    unproven = False  # an alternative whose optimum is not known could still be better
    lexi = data.policy.objective_mode != "weighted"
    # the work after the levels (read back, checker, levels, reasons), reserved up front
    post = max(0.05, POST_SECONDS_PER_STAFF_QUARTER * len(data.staff) * data.policy.quarters)
    outcomes = models = None
    build_seconds = 0.0  # one model's build: about what setting up a HiGHS run takes too
    if lexi and len(alts) > 1:
        with budget.holding_back(post, most=POST_MOST):
            outcomes, models, build_seconds = _parallel(data, alts, params, engine)
    for k, alt in enumerate(alts):
        if outcomes is not None:
            rm, run = outcomes[k]
        else:
            no_time = k > 0 and budget.remaining() - post < NEXT_ALTERNATIVE_SHARE * build_seconds
            if (best is not None and budget.should_end()) or no_time:
                skipped = len(alts) - k  # time is up or a stop came: keep the best so far
                unproven = True
                if not budget.stopped():
                    budget.cut_short("alternatives")
                break
            with budget.holding_back(post, most=POST_MOST):
                # while no roster is known, the first alternative may use most of the time
                # (finding any roster comes first); the others share what is left
                share = (FIRST_ALTERNATIVE_SHARE if best is None and k == 0 and len(alts) > 1
                         else 1 / (len(alts) - k))
                part = _sub(params, budget.remaining() * share, len(alts))
                rm, run = _solve_schedule(data, alt, part, engine, best_key if lexi else None,
                                          rm=models[k] if models is not None else None,
                                          setup=build_seconds)
            build_seconds = max(build_seconds, float(run.stats.get("build_seconds", 0.0)))
        engines_used.add(rm.engine)
        statuses.append(run.status)
        stopped = stopped or run.stopped
        if run.values is None:
            if run.stats.get("pruned"):
                pruned += 1
            elif run.status is not SolveStatus.INFEASIBLE:
                unproven = True
            continue
        if run.status is not SolveStatus.OPTIMAL:
            unproven = True
        stages = _stages(data, rm)
        lv = {n: run.levels[n].value for n in stages}
        if data.policy.objective_mode == "weighted":
            key: tuple[int, ...] = (
                sum(data.policy.weights.get(n, 1) * int(lv[n] or 0) for n in stages),
            )
        else:
            key = tuple(int(lv[n] or 0) for n in stages)
        if _better(key, best_key):
            best_key, best = key, (rm, run)
    stopped = stopped or budget.stopped()
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
        "alternatives_skipped": skipped,
        "post_reserved": round(post, 3),
    }
    if best is not None and not stopped and (
            best[1].stats.get("first_roster")
            or any(r.state is LevelState.NOT_REACHED for r in best[1].levels.values())):
        budget.cut_short("levels")  # a level not reached in time
    if best is not None and best[1].stats.get("first_roster"):
        stats["first_roster"] = True
    stats["build_seconds"] = round(build_seconds, 3)
    if best is None:
        return _no_roster(data, alts, params, statuses, stopped, explain, warnings, stats,
                          lang)
    rm, run = best
    assert params.budget is not None
    warnings += params.budget.deterministic_note(params.deterministic)
    return _checked(data, rm, run, unproven, stopped, warnings, stats, params, lang)


def cut_short_note(stats: dict[str, Any], time_limit: float, lang: str) -> list[str]:
    """The phases the time limit cut short or skipped (``stats["cut_short"]``), in words."""
    cut = stats.get("cut_short") or []
    if not cut:
        return []
    return [tr("the {seconds:g} s time limit cut short: {phases}; the plan is the best found "
               "in time (checked), not proven; give a longer --time-limit for a better one",
               lang=lang, seconds=time_limit, phases=", ".join(cut))]


def _dept_label(data: RosterData, dept: str) -> str:
    """A department's name (with its id only when the name is missing)."""
    return next((d.label for d in data.departments if d.id == dept), dept)


class _FirstRoster:
    """Progress callback and stop flag of a verifying re-solve: it stops at the first roster
    found (that roster is then checked), at the caller's stop, or at the caller's deadline."""

    def __init__(self, budget: Budget | None) -> None:
        self.found = threading.Event()
        self.budget = budget

    def __call__(self, p: Any) -> None:
        if p.incumbent is not None:
            self.found.set()

    def is_set(self) -> bool:
        return self.found.is_set() or (self.budget is not None and self.budget.should_end())


def _roster_exists(data: RosterData, params: SolveParams, seconds: float) -> bool | None:
    """Re-solve a changed instance for at most ``seconds`` (never past ``params.budget``'s
    deadline): ``True`` when a roster is found and the independent checker accepts it,
    ``False`` when none exists, ``None`` when neither is known in time."""
    budget = params.budget
    if budget is not None:
        seconds = min(seconds, budget.remaining())
    if seconds <= 0.05:
        return None
    flag = _FirstRoster(budget)
    try:
        r = solve(data, time_limit=seconds, seed=params.seed, num_workers=1,
                  deterministic=params.deterministic, engine="cpsat", on_progress=flag,
                  stop=flag, explain=False)
    except ScheduleError:
        return False
    except (InputError, SolutionCheckError):
        return None
    if r.solution is not None:
        return True  # read back and accepted by the checker in _checked
    return False if r.status is SolveStatus.INFEASIBLE else None


def _dec(dec: DeferralDecision, lang: str) -> str:
    return _decision(dec, lang)


def _named(data: RosterData, text: str) -> str:
    """A schedule message with department ids (``'K03'``, ``“K03”``) replaced by their
    names."""
    for d in data.departments:
        text = text.replace(f"'{d.id}'", d.label).replace(f"“{d.id}”", d.label)
    return text


def _refused(
    data: RosterData, exc: ScheduleError, params: SolveParams, lang: str, explain: bool
) -> InputError:
    from assignments.roster.explain import layouts

    """The located refusal of deferral requests that cannot be applied, by department name;
    with ``explain``, for each request whose withdrawal lets the others apply: which other
    decision can be applied instead and whether a roster then exists (a short re-solve)."""
    budget = params.budget
    reason = _named(data, str(exc))
    parts: list[str] = []  # decisions that can be applied, with what re-solving showed
    notes: list[str] = []  # decisions that cannot be applied either
    record = None
    for k, r in enumerate(data.deferrals if explain else []):
        rest = data.deferrals[:k] + data.deferrals[k + 1:]
        try:
            alternatives(dataclasses.replace(data, deferrals=rest))
        except ScheduleError:
            continue  # not (only) this request
        name = _dept_label(data, r.department)
        record = f"{name} {r.quarter} {r.decision.value}"
        options: list[tuple[str, list[Any]]] = []
        as_withdrawn = layouts(dataclasses.replace(data, deferrals=rest))
        for dec in (DeferralDecision.NEXT, DeferralDecision.LAST):
            if dec is r.decision:
                continue
            changed = [*rest[:k], r.model_copy(update={"decision": dec}), *rest[k:]]
            try:
                alternatives(dataclasses.replace(data, deferrals=changed))
            except ScheduleError as why:
                if r.decision is not DeferralDecision.AUTO:
                    notes.append(tr("'{decision}' cannot be applied either ({why})", lang=lang,
                                    decision=_dec(dec, lang), why=_named(data, str(why))))
                continue
            if layouts(dataclasses.replace(data, deferrals=changed)) == as_withdrawn:
                notes.append(tr("'{decision}' is not needed: it moves no turn (the same as "
                                "withdrawing the request)", lang=lang, decision=_dec(dec, lang)))
                continue
            options.append((tr("deciding '{decision}'", lang=lang, decision=_dec(dec, lang)),
                            changed))
        options.append((tr("withdrawing the request (the turn stays where it is)", lang=lang),
                        rest))
        for i, (what, deferrals) in enumerate(options):
            left = budget.seconds(1 / (len(options) - i)) if budget is not None else 1.0
            ok = _roster_exists(dataclasses.replace(data, deferrals=deferrals), params, left)
            if ok:
                state = tr("can be applied, verified: re-solving it gives a roster that "
                           "passes the independent checker", lang=lang)
            elif ok is False:
                state = tr("can be applied, but no roster exists with it either", lang=lang)
            else:
                state = tr("can be applied, but whether a roster then exists was not "
                           "verified within the time limit", lang=lang)
            parts.append(tr("{what}: {state}", lang=lang, what=what, state=state))
        break
    message = reason
    sep = tr("; ", lang=lang)
    if notes:
        message += sep + sep.join(notes)
    if parts:
        message += tr(". Instead: ", lang=lang) + sep.join(parts)
    return InputError(Issue(Location(data.source, "后延申请 (deferrals)", record=record),
                            message))


def _no_roster(
    data: RosterData,
    alts: list[Schedule],
    params: SolveParams,
    statuses: list[SolveStatus],
    stopped: bool,
    explain: bool,
    warnings: list[str],
    stats: dict[str, Any],
    lang: str = "zh",
) -> Result[RosterSolution]:
    """The result without a roster: proven impossible (with the conflicting rules and the
    verified changes when ``explain``), stopped, or none found in time."""
    budget = params.budget
    assert budget is not None
    status = (
        SolveStatus.INFEASIBLE
        if statuses and len(statuses) == len(alts)
        and all(s is SolveStatus.INFEASIBLE for s in statuses)
        else SolveStatus.UNKNOWN
    )
    lines: list[str] = []
    if status is SolveStatus.INFEASIBLE and explain:
        candidates: list[Suggestion] = []
        seen: set[tuple[tuple[str, str, str], ...]] = set()
        for k, alt in enumerate(alts):
            if k == 0 and budget.remaining() < NEXT_ALTERNATIVE_SHARE * stats.get(
                    "build_seconds", 0.0):  # the conflict search builds a model first
                budget.cut_short("explain")
                lines.append(tr("no time was left to explain why no roster exists (the time "
                                "limit was reached); give a longer --time-limit", lang=lang))
                break
            if k > 0 and budget.should_end():  # the first gets a small floor, no others
                budget.cut_short("explain")
                lines.append(tr("({n} other deferral alternative(s) not explained: the time "
                                "limit was reached)", lang=lang, n=len(alts) - k))
                break
            if len(alts) > 1:
                lines.append(tr("With deferrals {choices}:", lang=lang, choices=tr(
                    ", ", lang=lang).join(f"{_dept_label(data, d)} → {_dec(dec, lang)}"
                                          for (d, _c), dec in alt.auto.items())))
            # the conflict search gets its share of what the budget has left; the rest is
            # for verifying the changes it suggests
            found = find_conflict(data, alt, params,
                                  seconds=budget.seconds(0.6 / (len(alts) - k)))
            lines += conflict_lines(data, alt, found, lang)
            if found:
                for cand in suggestion_candidates(data, alt, found):
                    key = tuple(sorted((r.department, str(r.quarter), r.decision.value)
                                       for r in cand.deferrals))
                    if key not in seen:
                        seen.add(key)
                        candidates.append(cand)
        if candidates or lines:
            tried = verify_suggestions(
                data, candidates, lambda d, sec: _roster_exists(d, params, sec),
                budget.remaining(), budget)
            lines += suggestion_lines(candidates, tried, lang)
            stats["suggestions"] = [c.as_dict() for c in candidates if c.verified]
    elif status is SolveStatus.UNKNOWN and stopped:
        lines.append(tr("The solve was stopped after {seconds} s, before any roster was found "
                        "(none was proven impossible).", lang=lang,
                        seconds=f"{budget.elapsed():.1f}"))
    elif status is SolveStatus.UNKNOWN:
        budget.cut_short("levels")
        lines.append(tr("No roster was found within the time limit of {seconds} s, and none "
                        "was proven impossible; try a longer --time-limit.", lang=lang,
                        seconds=f"{params.time_limit:g}"))
    if budget.cut_phases:
        stats["cut_short"] = list(budget.cut_phases)
    return Result(
        status,
        runtime=budget.elapsed(),
        explanation=lines,
        warnings=warnings,
        stats=stats,
        stopped=stopped,
    )


def _checked(
    data: RosterData,
    rm: RosterModel,
    run: LevelsRun[dict[str, Any]],
    unproven: bool,
    stopped: bool,
    warnings: list[str],
    stats: dict[str, Any],
    params: SolveParams,
    lang: str = "zh",
) -> Result[RosterSolution]:
    """The best roster, read back, checked by the independent checker, with its levels."""
    budget = params.budget
    assert budget is not None and run.values is not None
    status = run.status
    if unproven and status is SolveStatus.OPTIMAL:
        status = SolveStatus.FEASIBLE
    sol = _roster(rm, run.values)
    violations = check(data, sol)
    # R11 (fair turns) holds for every optimal roster in which fairness is not traded for
    # another level that the move would worsen (changes to a published roster); otherwise it
    # is reported as a warning, never silently
    order = _order(data)
    changes_ahead = (
        data.replan is not None and data.replan.minimize_changes
        and (data.policy.objective_mode == "weighted"
             or order.index("changes") < order.index("fairness"))
    )
    if status is not SolveStatus.OPTIMAL or changes_ahead:
        why = (tr("the roster is not proven optimal", lang=lang)
               if status is not SolveStatus.OPTIMAL
               else tr("fewer changes to the published roster weigh more than fairness",
                       lang=lang))
        warnings = warnings + [
            tr("[{label}] {message} ({why})", lang=lang, label=RULES.label("R11", lang),
               message=x.message, why=why)
            for x in violations if x.rule == "R11"
        ]
        violations = [x for x in violations if x.rule != "R11"]
    if violations:
        raise SolutionCheckError(
            "the checker rejected the solver's roster:\n" + "\n".join(map(str, violations[:20]))
        )
    recomputed = objective_levels(data, sol)
    stages = _stages(data, rm)
    weighted = data.policy.objective_mode == "weighted"
    lv = {n: run.levels[n].value for n in stages}
    # The model's level expressions are upper bounds of the true levels (helper variables such
    # as dev and u are only pushed tight while their own level is minimised), so the checker's
    # value may be lower than the solver's for an earlier level, never higher; the level
    # optimised last is tight.
    for i, n in enumerate(stages):
        last = i == len(stages) - 1
        solver_value = lv[n]
        if solver_value is None or recomputed[n] > solver_value or (
            last and status is SolveStatus.OPTIMAL and not weighted
            and recomputed[n] != solver_value
        ):
            raise SolutionCheckError(
                f"objective level '{n}': solver {solver_value}, checker {recomputed[n]}"
            )
    lb = {n: run.levels[n].bound for n in stages}
    open_level: str | None = None
    if weighted:
        w = {n: data.policy.weights.get(n, 1) for n in stages}
        objective = float(sum(w[n] * recomputed[n] for n in stages))
        wb = run.stats.get("weighted_bound")
        bound = float(wb) if wb is not None and not math.isnan(wb) else objective
    else:
        w = lexicographic_weights(stages, rm.level_ub)
        objective = float(sum(w[n] * recomputed[n] for n in stages))
        bound_total = 0  # in integers: the folded number exceeds a float's 2**53
        for n in stages:
            b = lb[n]
            if b is None or math.isnan(b) or b < recomputed[n] - 1e-9:  # first level not proven
                bound_total += w[n] * (math.ceil(b - 1e-9) if b is not None and b == b else 0)
                open_level = n
                break
            bound_total += w[n] * recomputed[n]
        bound = float(bound_total)
    gap = (0.0 if status is SolveStatus.OPTIMAL
           else abs(objective - bound) / max(1.0, abs(objective)))
    # the folded number's gap is dwarfed by the higher levels; report the gap of the first
    # level not proven optimal instead (the levels before it are optimal)
    if open_level is not None and status is not SolveStatus.OPTIMAL:
        b = lb[open_level]
        v = recomputed[open_level]
        gap = abs(v - (b if b is not None and b == b else 0.0)) / max(1.0, abs(v))
        stats["gap_level"] = open_level
    if rm.stages:
        stats["stages"] = rm.stages
    stats.update(
        {
            "levels": {n: recomputed[n] for n in stages},
            "level_bounds": {n: b for n, b in lb.items() if b is not None},
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
            "deferrals_not_needed": [
                {"department": d, "quarter": str(data.policy.first_quarter + q),
                 "decision": dec.value}
                for d, q, dec in sol.not_needed
            ],
        }
    )
    names = {dep.id: dep.label for dep in data.departments}
    for d, q, dec in sol.not_needed:  # R5: a request that would move nothing
        warnings.append(tr(
            "deferral request of {dept} for {quarter} ('{decision}') not needed: it would "
            "change nobody's seats; the department's deferral of the cycle is not used",
            lang=lang, dept=names.get(d, d), quarter=data.policy.first_quarter + q,
            decision=dec.value))
    budget.report("check", objective, bound, "roster checked")
    if budget.cut_phases:
        stats["cut_short"] = list(budget.cut_phases)
        warnings = warnings + cut_short_note(stats, budget.time_limit, lang)
    result: Result[RosterSolution] = Result(
        status=status,
        objective=objective,
        bound=bound,
        gap=gap,
        runtime=budget.elapsed(),
        solution=sol,
        objectives={n: float(recomputed[n]) for n in stages},
        warnings=warnings,
        stats=stats,
        stopped=stopped,
        levels={n: r.as_dict() for n, r in run.levels.items()},
    )
    result.explanation = explain_soft(data, sol, rm.schedule, lang)
    return result
