"""Explanations in the office's terms: why a problem has no solution, why a mentee is unpaired.

* :func:`forced_conflicts` — forced pairs that cannot all hold (a pair that is not allowed, a
  mentee forced to two mentors, more forced mentees or hours than a mentor can take). With
  "at most one mentor" and no forced pairs a pairing always exists (nobody paired), so these
  are the only reasons a teacher problem is infeasible; they are found before solving.
* :func:`explain_forced` — the same for teachers, naming the rule each forced pair breaks.
* :func:`unpaired_reasons` — for each mentee left out: no qualified same-subject mentor, none
  more experienced, none within reach, none free at the right times, or all capacity used.
* :func:`gap_infeasible` — why an assign-all (GAP) instance has no solution, when it is simple.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable

from assignments.mentoring.candidates import MentorProblem
from assignments.mentoring.data import MentoringData, Teacher
from assignments.mentoring.problem import Pairing, PairingProblem
from assignments.mentoring.solution import pair_violations
from assignments.pairing.explain import forced_conflicts, gap_infeasible

__all__ = [
    "capacity_reasons",
    "explain_forced",
    "forced_conflicts",
    "gap_infeasible",
    "unpaired_reasons",
]


def _label(data: MentoringData, tid: str) -> str:
    t = data.teacher.get(tid)
    return f"{t.label} ({tid})" if t is not None and t.name else tid


def explain_forced(mp: MentorProblem) -> list[str]:
    """Why the forced pairs (指定结对) cannot all be kept, in the office's terms."""
    data = mp.data
    lines: list[str] = []
    for m_id, e_id, why in mp.forced_missing:
        if why != "forced":
            continue
        where = data.locations.get(("forced", f"{m_id}->{e_id}"))
        head = f"{where}: " if where is not None else ""
        m, e = data.teacher[m_id], data.teacher[e_id]
        broken = pair_violations(data, m, e)
        text = "; ".join(f"[{v.rule}] {v.message}" for v in broken) or "not an allowed pair"
        lines.append(f"{head}forced pair {_label(data, m_id)} – {_label(data, e_id)} breaks "
                     f"{text}")
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
            lines.append(f"[M5 capacity] {_label(data, t.id)} has {n} forced mentees (指定结对"
                         f"{', continuity' if data.policy.continuity == 'required' else ''}), "
                         f"带徒上限 {cap}")
        if minutes[i] > data.hour_budget(t):
            lines.append(f"[M5 hours] {_label(data, t.id)}'s forced pairs need "
                         f"{minutes[i] / 60:.1f} h, 指导时数上限 {data.hour_budget(t) / 60:.1f} h")
    return lines


_ORDER = ("M3 subject", "M2 experience", "M4 travel", "M4 observation", "M5 hours",
          "M6 forbidden")


def _subject_mentors(data: MentoringData, e: Teacher) -> list[Teacher]:
    p = data.policy
    out = []
    for t in data.teachers:
        if t.id == e.id or not data.is_mentor(t):
            continue
        same = set(t.subjects) & set(e.subjects)
        related = p.subject_rule == "related" and any(
            data.related(a, b) for a in t.subjects for b in e.subjects)
        if same or related:
            out.append(t)
    return out


def _why_no_candidate(data: MentoringData, e: Teacher) -> str:
    p = data.policy
    subj = "、".join(e.subjects)
    mentors = _subject_mentors(data, e)
    if not mentors:
        return (f"no qualified mentor teaches {subj} (学科带头人, 教学能手, 骨干教师 or ≥ "
                f"{p.experience_threshold} years, not a mentee, capacity > 0)")
    first_fail: dict[str, list[tuple[Teacher, str]]] = defaultdict(list)
    for t in mentors:
        broken = {v.rule: v.message for v in pair_violations(data, t, e)}
        for rule in _ORDER:
            if rule in broken:
                first_fail[rule].append((t, broken[rule]))
                break
    n = len(mentors)
    if len(first_fail.get("M2 experience", [])) == n:
        return (f"none of the {n} {subj} mentors has at least {p.min_gap} more years of "
                f"teaching than {e.years}")
    parts = []
    for rule in _ORDER:
        items = first_fail.get(rule, [])
        if not items:
            continue
        what = {
            "M3 subject": "teach another subject",
            "M2 experience": "are not more experienced",
            "M4 travel": f"are too far (> {p.max_travel:g} min, no partner link)",
            "M4 observation": "have too few free periods in common",
            "M5 hours": "lack the hours for the pair",
            "M6 forbidden": "are forbidden pairs",
        }[rule]
        example = f"{items[0][0].label}: {items[0][1]}"
        parts.append(f"{len(items)} {what} (e.g. {example})")
    return f"no allowed mentor among the {n} qualified {subj} mentors: " + "; ".join(parts)


def capacity_reasons(
    problem: PairingProblem,
    pairing: Pairing,
    *,
    label: Callable[[int], str] | None = None,
    load_text: Callable[[int], str] = str,
    no_candidate: Callable[[int], str] | None = None,
    unit: str = "mentees",
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
        What a mentor's head count counts ("mentees", "places").
    """
    p = problem
    name = label or (lambda i: p.mentors[i])
    chosen = pairing.mentor_of(p)
    heads: Counter[int] = Counter()
    used: Counter[int] = Counter()
    for k in pairing.chosen:
        c = p.candidates[k]
        heads[c.mentor] += 1
        used[c.mentor] += c.load
    by_mentee = p.by_mentee()
    out: dict[int, str] = {}
    for e, ks in enumerate(by_mentee):
        if e in chosen:
            continue
        if not ks:
            out[e] = no_candidate(e) if no_candidate else "no candidate pair"
            continue
        full, short, free = [], [], []
        for k in ks:
            c = p.candidates[k]
            cap, budget = p.capacity[c.mentor], p.budget[c.mentor]
            if cap is not None and heads[c.mentor] >= cap:
                full.append(f"{name(c.mentor)} ({heads[c.mentor]}/{cap} {unit})")
            elif budget is not None and used[c.mentor] + c.load > budget:
                short.append(f"{name(c.mentor)} ({load_text(used[c.mentor])}/"
                             f"{load_text(budget)} used, the pair needs {load_text(c.load)})")
            else:
                free.append(name(c.mentor))
        if not free:
            listed = (full + short)[:4]
            more = len(full) + len(short) - len(listed)
            out[e] = (f"all capacity used: the {len(ks)} possible mentor"
                      f"{'s are' if len(ks) > 1 else ' is'} taken: " + ", ".join(listed)
                      + (f" … (+{more})" if more > 0 else ""))
        else:
            out[e] = ("not chosen: " + ", ".join(free[:3])
                      + " had room, but pairing would not improve the objective "
                      "(or the time limit stopped the search)")
    return out


def unpaired_reasons(mp: MentorProblem, pairing: Pairing) -> dict[str, str]:
    """Mentee id -> why they are left unpaired, for every mentee without a mentor."""
    data, p = mp.data, mp.problem
    reasons = capacity_reasons(
        p, pairing,
        label=lambda i: data.teacher[p.mentors[i]].label,
        load_text=lambda minutes: f"{minutes / 60:.1f} h",
        no_candidate=lambda e: _why_no_candidate(data, data.teacher[p.mentees[e]]),
    )
    return {p.mentees[e]: text for e, text in reasons.items()}
