"""``solve``: a teachers' workbook paired under every rule of DOMAIN §M.

Builds the candidate pairs (:func:`assignments.mentoring.candidates.build_problem`), explains
forced pairs that cannot hold, solves the pairing problem with the pairing engines
(:func:`assignments.pairing.solve.run_pairing`, the same budget), and checks the pairs again
from the raw data with the independent teacher checker
(:func:`assignments.mentoring.solution.check`) and its objective recomputation.
"""

from __future__ import annotations

import time
from typing import Any

from assignments.core.errors import SolutionCheckError
from assignments.core.i18n import current_lang, tr, use_lang
from assignments.core.solver import Result, SolveStatus, solve_params
from assignments.mentoring.candidates import MentorProblem, build_problem
from assignments.mentoring.data import MentoringData
from assignments.mentoring.explain import explain_forced, unpaired_reasons
from assignments.mentoring.rules import RULES
from assignments.mentoring.solution import (
    MentorPair,
    MentorSolution,
    check,
    idle_same_school,
    objective_levels,
)
from assignments.pairing.params import EngineParams
from assignments.pairing.solve import run_pairing

__all__ = ["solve"]


def solve(
    data: MentoringData,
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
    mentor_problem: MentorProblem | None = None,
    engine_params: EngineParams | None = None,
    lang: str | None = None,
    **extra: Any,
) -> Result[MentorSolution]:
    """Pair mentors and mentees under every rule of DOMAIN §M; checked independently.

    Parameters
    ----------
    data
        A validated input (:func:`assignments.mentoring.data.read_mentoring`).
    time_limit, seed, num_workers, deterministic, preset, engine, on_progress, stop, progress, log
        The one solve signature (see :func:`assignments.pairing.solve.solve_pairing`): one
        budget from the start of this call covers building the pairs, the engines and the
        checks; ``stop`` returns the best pairing so far, checked, with ``result.stopped``.
    mentor_problem
        The built candidate pairs, when the caller has them already.
    engine_params
        The pairing engines' thresholds (:class:`assignments.pairing.params.EngineParams`).
    lang
        The language of the reasons, warnings and explanations (default: the current one).
    extra
        Further CP-SAT parameters.

    Returns
    -------
    Result
        ``objective``: total quality points; ``objectives``: mandatory mentees unpaired,
        quality, fairness; ``levels``: each level's state, value and bound; the
        :class:`MentorSolution` with a reason for every mentee left unpaired;
        ``explanation``: why there is no solution, or what was left out.
    """
    with use_lang(lang):
        return _solve(data, time_limit=time_limit, seed=seed, num_workers=num_workers,
                      deterministic=deterministic, preset=preset, engine=engine,
                      on_progress=on_progress, stop=stop, progress=progress, log=log,
                      mentor_problem=mentor_problem, engine_params=engine_params, **extra)


POST_SECONDS_PER_TEACHER = 0.0002
"""The checker, the reasons and the stability check after the engines, per teacher, on an idle
machine (the 11,000-teacher city: 1.6 s of CPU since these were made array-based; 5 s before)."""
POST_SHARE_OF_BUILD = 2.5
"""... and as a multiple of the time building the candidate pairs took in this very solve (a
measure of this machine's speed now: the 11,000-teacher city builds its pairs in 0.9 s of CPU
and needs 1.6–1.8 s after the engines; on the 2-core machine at load 8 both take 4–6 times
longer in wall-clock time)."""


def post_seconds(teachers: int, build_seconds: float) -> float:
    """The time reserved up front for the work after the engines: the larger of the idle
    machine's per-teacher figure and a share of the measured build time."""
    return max(POST_SECONDS_PER_TEACHER * teachers, POST_SHARE_OF_BUILD * build_seconds)


def cut_short_note(stats: dict[str, Any], time_limit: float) -> list[str]:
    """Say which phases the time limit cut short or skipped (``stats["cut_short"]``), and
    when the greedy start was returned because the engines did not beat it in time."""
    cut = stats.get("cut_short") or []
    if not cut:
        return []
    lines = [tr("the {seconds:g} s time limit cut short: {phases}; the plan is the best found "
                "in time (checked), not proven; give a longer --time-limit for a better one",
                seconds=time_limit, phases=", ".join(cut))]
    if stats.get("engine") == "greedy" or stats.get("greedy_floor"):
        lines.append(tr("the greedy pairing (the baseline) is returned: no engine improved on "
                        "it within the time limit"))
    return lines


def _solve(
    data: MentoringData, *, time_limit: float, seed: int, num_workers: int,
    deterministic: bool, preset: str | None, engine: str, on_progress: Any, stop: Any,
    progress: bool, log: bool, mentor_problem: MentorProblem | None,
    engine_params: EngineParams | None, **extra: Any,
) -> Result[MentorSolution]:
    params = solve_params(time_limit=time_limit, seed=seed, num_workers=num_workers,
                          deterministic=deterministic, preset=preset, on_progress=on_progress,
                          stop=stop, progress=progress, log=log, extra=extra)
    t0 = time.perf_counter()
    mp = mentor_problem if mentor_problem is not None else build_problem(data)
    p = mp.problem
    warnings = list(data.warnings)
    for m_id, e_id, why in mp.forced_missing:
        if why == "continuity":
            warnings.append(tr("last year's pair {mentor} – {mentee} cannot continue (it breaks a "
                               "hard rule now); the mentee is paired anew", mentor=m_id,
                               mentee=e_id))
    build_time = time.perf_counter() - t0
    lines = explain_forced(mp)
    if lines:
        return Result(SolveStatus.INFEASIBLE, runtime=time.perf_counter() - t0,
                      explanation=lines, warnings=warnings,
                      stats={"mentors": len(p.mentors), "mentees": len(p.mentees),
                             "candidates": len(p.candidates)})
    # the checker, the reasons and the stability check after the engines take time that grows
    # with the teachers and with the machine's load (post_seconds): the engines end that much
    # earlier — or are skipped, the greedy start returned — so that the whole solve keeps
    # its limit
    post = post_seconds(len(data.teachers), build_time)
    if params.budget is not None:
        with params.budget.holding_back(post, most=1.0):
            res = run_pairing(p, params, engine=engine, engine_params=engine_params)
    else:
        res = run_pairing(p, params, engine=engine, engine_params=engine_params)
    t_post = time.perf_counter()
    res.stats["build_time"] = round(build_time, 3)
    res.stats["post_reserved"] = round(post, 3)
    warnings += res.warnings
    if res.solution is None:
        return Result(res.status, runtime=time.perf_counter() - t0,
                      explanation=res.explanation, warnings=warnings, stats=res.stats,
                      stopped=res.stopped, levels=res.levels)
    pairing = res.solution
    forced = {(p.mentors[i], p.mentees[e]) for i, e in p.forced}
    pool = mp.filters()
    pairs = []
    chosen = pairing.pairs(p)
    periods = pool.suggested_many(chosen) if pool.timetable else [(None, None)] * len(chosen)
    for (i, e), (a, b) in zip(chosen, periods, strict=True):
        pairs.append(MentorPair(p.mentors[i], p.mentees[e], (p.mentors[i], p.mentees[e]) in forced,
                                None if a is None else tuple(a), None if b is None else tuple(b)))
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
    for v in idle_same_school(data, sol):
        warnings.append(f"[{RULES.label('same_school', current_lang())}] {v.message}")
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
            explanation.append(tr("stability check: {n} blocking pair(s) among the stated "
                                  "wishes (意愿)", n=len(blocks)))
            explanation += describe_blocking(mp, blocks)
    unpaired_mandatory = [e for e in sol.unpaired if data.is_mandatory(data.teacher[e])]
    if unpaired_mandatory:
        explanation.append(tr("{n} mandatory mentee(s) left unpaired; reasons in the 未结对 "
                              "(unpaired) sheet", n=len(unpaired_mandatory)))
    if res.stopped:
        explanation.append(tr("stopped on request: the best pairing found so far (checked)"))
    res.stats["post_seconds"] = round(time.perf_counter() - t_post, 3)
    warnings += cut_short_note(res.stats, params.budget.time_limit if params.budget else 0.0)
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
        stopped=res.stopped,
        levels=res.levels,
    )
