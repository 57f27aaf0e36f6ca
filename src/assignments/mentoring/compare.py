"""The stable matching beside the optimised pairing: ``assignments mentoring stable``.

Kept apart from :mod:`assignments.mentoring.stable` (the matching and the blocking-pair check,
which the teacher ``solve`` uses) because it runs that ``solve`` itself: one module each way,
no import cycle.
"""

from __future__ import annotations

from assignments.core.solver import Result
from assignments.mentoring.candidates import MentorProblem
from assignments.mentoring.solution import MentorSolution
from assignments.mentoring.stable import (
    blocking_pairs,
    describe_blocking,
    pairing_of,
    stable_matching,
    teacher_preferences,
)

__all__ = ["stable_compare"]


def stable_compare(
    mp: MentorProblem, *, time_limit: float = 60.0, seed: int = 0, num_workers: int = 2,
    lang: str | None = None,
) -> tuple[Result[MentorSolution], list[str]]:
    """Stable matching of a teacher problem, checked, beside the optimised pairing.

    Returns
    -------
    tuple
        The stable matching as a :class:`Result` (its levels recomputed by the checker), and
        printable lines comparing coverage, quality, fairness, blocking pairs and time, in
        ``lang`` (default: the current language).
    """
    from assignments.core.i18n import use_lang

    with use_lang(lang):
        return _stable_compare(mp, time_limit=time_limit, seed=seed, num_workers=num_workers)


def _stable_compare(
    mp: MentorProblem, *, time_limit: float, seed: int, num_workers: int
) -> tuple[Result[MentorSolution], list[str]]:
    import time

    from assignments.core.errors import SolutionCheckError
    from assignments.core.i18n import tr
    from assignments.core.solver import SolveStatus
    from assignments.mentoring.explain import explain_forced, unpaired_reasons
    from assignments.mentoring.solution import (
        MentorPair,
        check,
        check_pairing,
        objective_levels,
    )
    from assignments.mentoring.solve import solve

    data, p = mp.data, mp.problem
    lines = explain_forced(mp)
    if lines:
        return Result(SolveStatus.INFEASIBLE, explanation=lines), lines
    t0 = time.perf_counter()
    prefs = teacher_preferences(mp)
    pairing = stable_matching(p, prefs)
    t_stable = time.perf_counter() - t0
    bad = check_pairing(p, pairing)
    forced = {(p.mentors[i], p.mentees[e]) for i, e in p.forced}
    sol = MentorSolution(
        pairs=sorted((MentorPair(p.mentors[i], p.mentees[e], (p.mentors[i], p.mentees[e])
                                 in forced) for i, e in pairing.pairs(p)),
                     key=lambda x: (x.mentor, x.mentee)),
        unpaired=unpaired_reasons(mp, pairing))
    bad += check(data, sol)
    if bad:
        raise SolutionCheckError("the checker rejected the stable matching:\n"
                                 + "\n".join(map(str, bad[:20])))
    levels = objective_levels(data, sol)
    blocks = blocking_pairs(p, pairing, prefs)
    opt = solve(data, time_limit=time_limit, seed=seed, num_workers=num_workers,
                mentor_problem=mp)
    rows = [(tr("stable matching"), levels, len(sol.pairs), len(blocks), t_stable)]
    if opt.solution is not None:
        opt_pairing = pairing_of(p, [(x.mentor, x.mentee) for x in opt.solution.pairs])
        rows.append((tr("optimised"), objective_levels(data, opt.solution), len(opt.solution.pairs),
                     len(blocking_pairs(p, opt_pairing, prefs)), opt.runtime))
    head = (tr("method"), tr("pairs"), tr("mandatory unpaired"), tr("quality"), tr("fairness"),
            tr("blocking"), tr("time"))
    widths = (16, 6, 19, 9, 9, 9, 8)
    out = [" ".join(_pad(h, w, left=k == 0)
                    for k, (h, w) in enumerate(zip(head, widths, strict=True)))]
    for name, lv, n, nb, secs in rows:
        cells = (name, n, lv["mandatory"], lv["quality"], lv["fairness"], nb, f"{secs:.2f}s")
        out.append(" ".join(_pad(str(c), w, left=k == 0)
                            for k, (c, w) in enumerate(zip(cells, widths, strict=True))))
    out.append(tr("preference lists from the 意愿 sheet, then pair scores; blocking pairs "
                  "counted on those lists") if data.preferences else
               tr("preference lists from pair scores; blocking pairs counted on those lists"))
    result: Result[MentorSolution] = Result(
        SolveStatus.FEASIBLE, objective=float(levels["quality"]), runtime=t_stable,
        solution=sol, objectives={n: float(levels[n]) for n in p.levels()},
        explanation=describe_blocking(mp, blocks) + out,
        warnings=list(data.warnings), stats={"method": "stable matching (mentees propose)",
                                             "blocking_pairs": len(blocks)})
    return result, out


def _pad(text: str, width: int, *, left: bool) -> str:
    """``text`` padded to ``width`` terminal columns (a Chinese character takes two)."""
    import unicodedata

    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    fill = " " * max(0, width - used)
    return text + fill if left else fill + text
