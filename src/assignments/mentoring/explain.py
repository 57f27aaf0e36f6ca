"""Explanations in the office's terms: why a problem has no solution, why a mentee is unpaired.

* :func:`forced_conflicts` — forced pairs that cannot all hold (a pair that is not allowed, a
  mentee forced to two mentors, more forced mentees or hours than a mentor can take). With
  "at most one mentor" and no forced pairs a pairing always exists (nobody paired), so these
  are the only reasons a teacher problem is infeasible; they are found before solving.
* :func:`explain_forced` — the same for teachers, naming the rule each forced pair breaks
  (``RULES.label``, Chinese by default, English with ``lang="en"``).
* :func:`unpaired_reasons` — for each mentee left out: no qualified same-subject mentor, or
  the pair filter (rule M2–M6, :data:`candidates.PAIR_FILTERS`) that excluded each qualified
  mentor, or all capacity used.
* :func:`gap_infeasible` — why an assign-all (GAP) instance has no solution, when it is simple.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import numpy as np

from assignments.core.i18n import tr, use_lang
from assignments.mentoring.candidates import MentorProblem, exclusions
from assignments.mentoring.data import MentoringData
from assignments.mentoring.rules import figures, label, rule_doc
from assignments.mentoring.solution import pair_violations
from assignments.pairing.arrays import pair_arrays
from assignments.pairing.explain import forced_conflicts, gap_infeasible
from assignments.pairing.problem import Pairing, PairingProblem

__all__ = [
    "capacity_reasons",
    "explain_forced",
    "forced_conflicts",
    "gap_infeasible",
    "unpaired_reasons",
    "why_no_candidate",
]


def _label(data: MentoringData, tid: str) -> str:
    t = data.teacher.get(tid)
    return f"{t.label} ({tid})" if t is not None and t.name else tid


def explain_forced(mp: MentorProblem, *, lang: str | None = None) -> list[str]:
    """Why the forced pairs (指定结对) cannot all be kept, in the office's terms.

    Each line names the rule a forced pair breaks as ``[M3 同学科]`` (``RULES.label``, in
    ``lang``, default the current language) with the figures the checker recomputed
    (:func:`solution.pair_violations`)."""
    with use_lang(lang):
        return _explain_forced(mp)


def _explain_forced(mp: MentorProblem) -> list[str]:
    data = mp.data
    lines: list[str] = []
    for m_id, e_id, why in mp.forced_missing:
        if why != "forced":
            continue
        where = data.locations.get(("forced", f"{m_id}->{e_id}"))
        head = f"{where}: " if where is not None else ""
        m, e = data.teacher[m_id], data.teacher[e_id]
        broken = pair_violations(data, m, e)
        text = tr("; ").join(f"[{label(v.rule)}] {v.message}" for v in broken) or (
            f"[{label('allowed')}] " + tr("not an allowed pair"))
        lines.append(head + tr("forced pair {mentor} – {mentee} breaks {what}",
                               mentor=_label(data, m_id), mentee=_label(data, e_id), what=text))
    p = mp.problem
    heads: Counter[int] = Counter()
    minutes: Counter[int] = Counter()
    index = p.index()
    for i, e in p.forced:
        heads[i] += 1
        minutes[i] += p.candidates[index[(i, e)]].load
    for i, n in sorted(heads.items()):
        t = data.teacher[p.mentors[i]]
        cap = data.capacity(t)
        if n > cap:
            lines.append(f"[{label('heads')}] " + (
                tr("{mentor} has {n} forced mentees (指定结对, continuity), 带徒上限 {cap}",
                   mentor=_label(data, t.id), n=n, cap=cap)
                if data.policy.continuity == "required" else
                tr("{mentor} has {n} forced mentees (指定结对), 带徒上限 {cap}",
                   mentor=_label(data, t.id), n=n, cap=cap)))
        if minutes[i] > data.hour_budget(t):
            lines.append(f"[{label('hours')}] " + tr(
                "{mentor}'s forced pairs need {need} h, 指导时数上限 {budget} h",
                mentor=_label(data, t.id), need=f"{minutes[i] / 60:.1f}",
                budget=f"{data.hour_budget(t) / 60:.1f}"))
    return lines


def _what(family: str, data: MentoringData) -> str:
    """How the mentors a pair filter excluded are described in an unpaired reason."""
    p = data.policy
    if family == "subject":
        return tr("teach another subject")
    if family == "experience":
        return tr("are not more experienced")
    if family == "travel":
        return tr("are too far (> {minutes} min, no partner link)", minutes=f"{p.max_travel:g}")
    if family == "observation":
        return tr("have too few free periods in common")
    if family == "pair_hours":
        return tr("lack the hours for the pair")
    return tr("are forbidden pairs")


def why_no_candidate(mp: MentorProblem, j: int, lang: str | None = None) -> str:
    """Why mentee ``j`` has no allowed mentor (the rule that excluded each qualified one)."""
    with use_lang(lang):
        return _why_no_candidate(mp, j)


def _why_no_candidate(mp: MentorProblem, j: int) -> str:
    """Why mentee ``j`` has no candidate pair: which pair filter (rule) excluded each qualified
    mentor first (:func:`candidates.exclusions`), with an example and its figures."""
    data = mp.data
    pool = mp.filters()
    e = pool.mentees[j]
    p = data.policy
    subj = "、".join(e.subjects)
    excluded = exclusions(pool, j)
    n = len(pool.mentors) - len(excluded.get("subject", []))
    if n == 0:
        return tr("no qualified mentor teaches {subject} [{rule}] (学科带头人, 教学能手, 骨干教师 "
                  "or ≥ {years} years, not a mentee, capacity > 0: {mentor_rule})",
                  subject=subj, rule=label("subject"), years=p.experience_threshold,
                  mentor_rule=label("mentor"))
    if len(excluded.get("experience", [])) == n:
        return tr("none of the {n} {subject} mentors has at least {gap} more years of teaching "
                  "than {years} [{rule}]", n=n, subject=subj, gap=p.min_gap, years=e.years,
                  rule=label("experience"))
    parts = []
    for family, mentors in excluded.items():
        if family == "subject":
            continue
        t = pool.mentors[mentors[0]]
        detail = next((v.message for v in pair_violations(data, t, e) if v.rule == family),
                      rule_doc(family, figures(p)))
        parts.append(tr("{n} {what} [{rule}] (e.g. {mentor}: {detail})", n=len(mentors),
                        what=_what(family, data), rule=label(family), mentor=t.label,
                        detail=detail))
    return tr("no allowed mentor among the {n} qualified {subject} mentors: ", n=n,
              subject=subj) + tr("; ").join(parts)


def capacity_reasons(
    problem: PairingProblem,
    pairing: Pairing,
    *,
    label: Callable[[int], str] | None = None,
    load_text: Callable[[int], str] = str,
    no_candidate: Callable[[int], str] | None = None,
    unit: str | None = None,
) -> dict[int, str]:
    """Mentee index -> why they are unpaired: no candidate pair, all candidate mentors full
    (head count or load), or not chosen although a mentor had room.

    Parameters
    ----------
    label
        Mentor index -> name in messages (default: the mentor id).
    load_text
        Formats a load (e.g. minutes as hours).
    no_candidate
        Mentee index -> the reason when they have no candidate pair at all.
    unit
        What a mentor's head count counts (default "mentees"; "places").
    """
    p = problem
    name = label or (lambda i: p.mentors[i])
    unit = unit or tr("mentees")
    chosen = pairing.mentor_of(p)
    heads: Counter[int] = Counter()
    used: Counter[int] = Counter()
    forced: Counter[int] = Counter()
    for k in pairing.chosen:
        c = p.candidates[k]
        heads[c.mentor] += 1
        used[c.mentor] += c.load
        if (c.mentor, c.mentee) in p.forced:
            forced[c.mentor] += 1

    def by_forced(i: int) -> str:
        """How many of mentor ``i``'s places forced pairs (指定结对) hold."""
        n = forced[i]
        return tr(", {n} held by a forced pair (指定结对)", n=n) if n == 1 else (
            tr(", {n} held by forced pairs (指定结对)", n=n) if n else "")
    def taken(k: int, full: bool) -> str:
        """Why pair ``k``'s mentor cannot take it: head count full, or the hours short."""
        c = p.candidates[k]
        if full:
            return (f"{name(c.mentor)} ({heads[c.mentor]}/{p.capacity[c.mentor]} {unit}"
                    f"{by_forced(c.mentor)})")
        return name(c.mentor) + " (" + tr(
            "{used}/{budget} used, the pair needs {need}", used=load_text(used[c.mentor]),
            budget=load_text(p.budget[c.mentor] or 0), need=load_text(c.load)
        ) + f"{by_forced(c.mentor)})"

    # each mentee's candidate indices in order (problem.by_mentee(), read for the unpaired)
    _mi, ei, _score, _load = pair_arrays(p)
    order = np.argsort(ei, kind="stable")
    ends = np.cumsum(np.bincount(ei, minlength=len(p.mentees))).tolist()
    out: dict[int, str] = {}
    for e in range(len(p.mentees)):
        if e in chosen:
            continue
        ks = order[(ends[e - 1] if e else 0):ends[e]].tolist()
        if not ks:
            out[e] = no_candidate(e) if no_candidate else tr("no candidate pair")
            continue
        # the pairs sorted by why the mentor cannot take them; texts are made only for the
        # few a reason lists (4 full or short, 3 with room)
        full: list[int] = []
        short: list[int] = []
        free: list[int] = []
        for k in ks:
            c = p.candidates[k]
            cap, budget = p.capacity[c.mentor], p.budget[c.mentor]
            if cap is not None and heads[c.mentor] >= cap:
                full.append(k)
            elif budget is not None and used[c.mentor] + c.load > budget:
                short.append(k)
            else:
                free.append(k)
        if not free:
            listed = [taken(k, k in full) for k in (full + short)[:4]]
            more = len(full) + len(short) - len(listed)
            out[e] = ((tr("all capacity used: the {n} possible mentors are taken: ", n=len(ks))
                       if len(ks) > 1 else
                       tr("all capacity used: the 1 possible mentor is taken: "))
                      + tr(", ").join(listed) + (f" … (+{more})" if more > 0 else ""))
        else:
            out[e] = tr("not chosen: {mentors} had room, but pairing would not improve the "
                        "objective (or the time limit stopped the search)",
                        mentors=tr(", ").join(name(p.candidates[k].mentor) for k in free[:3]))
    return out


def unpaired_reasons(mp: MentorProblem, pairing: Pairing, *, lang: str | None = None
                     ) -> dict[str, str]:
    """Mentee id -> why they are left unpaired, for every mentee without a mentor; a mentee
    without any candidate pair is told which rule (``RULES.label``, in ``lang``) excluded each
    qualified mentor."""
    data, p = mp.data, mp.problem
    with use_lang(lang):
        reasons = capacity_reasons(
            p, pairing,
            label=lambda i: data.teacher[p.mentors[i]].label,
            load_text=lambda minutes: tr("{hours} h", hours=f"{minutes / 60:.1f}"),
            no_candidate=lambda e: _why_no_candidate(mp, e),
        )
    return {p.mentees[e]: text for e, text in reasons.items()}
