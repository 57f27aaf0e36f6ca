"""Mentoring solutions and their independent checkers (no solver imports here).

Two levels of checking, both written without the solver and without the candidate builder:

* :func:`check_pairing` / :func:`pairing_levels` — a :class:`Pairing` of a
  :class:`PairingProblem` (generic files, GAP, school and placement modes): allowed pairs,
  one mentor per mentee, head count, budgets, forced pairs; the objective levels recomputed.
* :func:`check` / :func:`objective_levels` — a :class:`MentorSolution` of teachers, straight
  from the :class:`MentoringData`: every rule of DOMAIN §M re-read pair by pair with plain
  loops over the raw records (who needs a mentor, who may mentor, years, subjects, timetable,
  travel, hours), importing nothing from :mod:`assignments.mentoring.candidates` (whose pair
  filters use vectorised bit masks), and the objective levels recomputed from their
  definitions. Violations are :class:`assignments.core.rules.Violation` keyed by the rule key
  of :data:`assignments.mentoring.rules.RULES` (``M0`` … ``M6``).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from assignments.core.rules import Violation
from assignments.mentoring.data import MentoringData, Rating, Teacher
from assignments.mentoring.rules import RULES
from assignments.pairing.check import check_pairing, pairing_levels

__all__ = [
    "MentorPair",
    "MentorSolution",
    "Violation",
    "check",
    "check_pairing",
    "objective_levels",
    "observation_slots",
    "pair_load",
    "pair_score",
    "pair_violations",
    "pairing_levels",
    "required_pairs",
    "score_lookups",
]



# ------------------------------------------------------------------ teachers


@dataclass(frozen=True)
class MentorPair:
    """A mentor and a mentee (teacher ids); ``forced`` when the office fixed it."""

    mentor: str
    mentee: str
    forced: bool = False


@dataclass
class MentorSolution:
    """The pairs of a semester, and the reason for each mentee left unpaired."""

    pairs: list[MentorPair]
    unpaired: dict[str, str] = field(default_factory=dict)

    def mentor_of(self) -> dict[str, str]:
        """Mentee id -> mentor id."""
        return {p.mentee: p.mentor for p in self.pairs}

    def mentees_of(self) -> dict[str, list[str]]:
        """Mentor id -> mentee ids."""
        out: dict[str, list[str]] = defaultdict(list)
        for p in self.pairs:
            out[p.mentor].append(p.mentee)
        return dict(out)


# The checker's own reading of who is who (rules M1, M2, M5), from the raw records and the
# 方案 figures; the candidate builder reads the same rules through MentoringData's helpers.


def _must_have_mentor(data: MentoringData, t: Teacher) -> bool:
    """M1: fewer than 新教师教龄 years of teaching, newly transferred, or needs upgrading."""
    return t.years < data.policy.novice_years or bool(t.new_transfer) or bool(t.needs_upgrade)


def _is_mentee(data: MentoringData, t: Teacher) -> bool:
    """M1: must have a mentor, asks for one (申请导师), or is a forced pair's mentee."""
    return (_must_have_mentor(data, t) or bool(t.wants_mentor)
            or any(f.mentee == t.id for f in data.forced))


def _qualified(data: MentoringData, t: Teacher) -> bool:
    """M2: 可任师傅 decides when given; else a role or ≥ 经验教龄 years of teaching."""
    if t.can_mentor is not None:
        return bool(t.can_mentor)
    return len(t.roles) > 0 or t.years >= data.policy.experience_threshold


def _capacity(data: MentoringData, t: Teacher) -> int:
    """M5: the teacher's 带徒上限, else the 方案 default."""
    return data.policy.capacity_default if t.capacity is None else t.capacity


def _budget(data: MentoringData, t: Teacher) -> int:
    """M5: the teacher's 指导时数上限 in minutes, else the 方案 default."""
    return round((data.policy.hours_default if t.hours is None else t.hours) * 60)


def _linked(data: MentoringData, a: str, b: str) -> bool:
    """M4: either school lists the other in 结对学校."""
    return b in data.school[a].partners or a in data.school[b].partners


def _related(data: MentoringData, a: str, b: str) -> bool:
    """M3: two subjects of the same 学科组."""
    return a in data.groups and data.groups.get(a) == data.groups.get(b)


def observation_slots(
    data: MentoringData, mentor: Teacher, mentee: Teacher
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Weekly periods for rule M4: (mentee's lessons the mentor is free to observe, mentor's
    lessons the mentee is free to observe), each sorted by weekday and period."""
    mine = data.lessons_of(mentor.id)
    theirs = data.lessons_of(mentee.id)
    return sorted(s for s in theirs if s not in mine), sorted(s for s in mine if s not in theirs)


def _travel_for_load(data: MentoringData, mentor: Teacher, mentee: Teacher) -> float:
    if mentor.school == mentee.school:
        return 0.0
    t = data.travel_minutes(mentor.school, mentee.school)
    return data.policy.max_travel if t is None else t


def pair_load(data: MentoringData, mentor: Teacher, mentee: Teacher) -> int:
    """Minutes of the mentor's semester the pair takes: the lessons they observe, a review talk
    after every observation (both directions), and round trips for a cross-school pair."""
    p = data.policy
    minutes = p.mentor_observations * p.lesson_minutes + (
        p.mentor_observations + p.mentee_observations) * p.review_minutes
    travel = _travel_for_load(data, mentor, mentee)
    return minutes + math.ceil(p.trips * 2 * travel)


def _rank_points(data: MentoringData) -> dict[tuple[str, str], int]:
    return {(w.teacher, w.target): max(0, 4 - w.rank) for w in data.preferences}


def _good_past(data: MentoringData) -> set[tuple[str, str]]:
    """Last year's (mentor, mentee) pairs not rated 差."""
    return {(q.mentor, q.mentee) for q in data.past if q.rating is not Rating.POOR}


ScoreLookups = tuple[dict[tuple[str, str], int], set[tuple[str, str]]]


def score_lookups(data: MentoringData) -> ScoreLookups:
    """The tables :func:`pair_score` reads (wish points, last year's good pairs), built once
    by callers that score many pairs."""
    return _rank_points(data), _good_past(data)


def pair_score(
    data: MentoringData,
    mentor: Teacher,
    mentee: Teacher,
    *,
    lookups: ScoreLookups | None = None,
) -> dict[str, int]:
    """The quality points of a pair, term by term (DOMAIN §M objective, weights in 方案).

    ``lookups`` (:func:`score_lookups`) lets a caller scoring many pairs build its tables once."""
    p = data.policy
    w = p.weight
    same = bool(set(mentor.subjects) & set(mentee.subjects))
    gap = mentor.years - mentee.years
    school = data.school[mentee.school]
    points, good = lookups if lookups is not None else score_lookups(data)
    good_past = (mentor.id, mentee.id) in good
    room = 0
    if data.lessons is not None:
        a, b = observation_slots(data, mentor, mentee)
        room = min(len(a), len(b), 10)
    wishes = points.get((mentee.id, mentor.id), 0) + points.get((mentor.id, mentee.id), 0)
    return {
        "pair": w("pair"),
        "grade": w("grade") if mentor.grade_band is not None
        and mentor.grade_band == mentee.grade_band else 0,
        "level": w("level") * data.level_points(mentor),
        "gap": w("gap") if p.gap_low <= gap <= p.gap_high else 0,
        "rural": w("rural") if school.rural else 0,
        "weak": w("weak") if school.weak else 0,
        "room": w("room") * room,
        "continuity": w("continuity") if good_past else 0,
        "related": 0 if same else -w("related"),
        "preference": w("preference") * wishes,
    }


def pair_violations(data: MentoringData, mentor: Teacher, mentee: Teacher) -> list[Violation]:
    """The hard rules of DOMAIN §M that pairing ``mentor`` with ``mentee`` would break.

    Each :class:`Violation` is keyed by its **family** (``mentee``, ``mentor``, ``heads``,
    ``experience``, ``subject``, ``travel``, ``observation``, ``pair_hours``,
    ``forbidden``): ``RULES.rule(v.rule).key`` is its rule key, ``RULES.label(v.rule, lang)``
    its label. :func:`check` reports them under the rule key.
    """
    p = data.policy
    out: list[Violation] = []
    if mentor.id == mentee.id:
        return [Violation("mentor", f"{mentor.label} cannot mentor themselves")]
    if not _is_mentee(data, mentee):
        out.append(Violation("mentee", f"{mentee.label} neither must have a mentor nor asks "
                                       "for one"))
    if _is_mentee(data, mentor):
        out.append(Violation("mentor", f"{mentor.label} is a mentee this semester"))
    elif not _qualified(data, mentor):
        if mentor.can_mentor is False:
            out.append(Violation("mentor", f"{mentor.label} is marked 可任师傅 = 否"))
        else:
            out.append(Violation(
                "mentor",
                f"{mentor.label} has no mentor role and {mentor.years} years of teaching "
                f"(< {p.experience_threshold})"))
    elif _capacity(data, mentor) == 0:
        out.append(Violation("heads", f"{mentor.label} takes no mentees (带徒上限 0)"))
    if mentor.years < mentee.years + p.min_gap:
        out.append(Violation(
            "experience",
            f"{mentor.label} has {mentor.years} years of teaching, {mentee.label} {mentee.years}"
            f" (a mentor needs at least {p.min_gap} more)"))
    if not set(mentor.subjects) & set(mentee.subjects):
        related = p.subject_rule == "related" and any(
            _related(data, a, b) for a in mentor.subjects for b in mentee.subjects)
        if not related:
            out.append(Violation(
                "subject",
                f"{mentor.label} teaches {'、'.join(mentor.subjects)}, {mentee.label} "
                f"{'、'.join(mentee.subjects)}"
                + (" (not related in 学科组)" if p.subject_rule == "related" else "")))
    if mentor.school != mentee.school and not _linked(data, mentor.school, mentee.school):
        t = data.travel_minutes(mentor.school, mentee.school)
        if t is None:
            out.append(Violation(
                "travel",
                f"no travel time between {data.school[mentor.school].label} and "
                f"{data.school[mentee.school].label} (no 路程 row, no coordinates) and no "
                "partner link"))
        elif t > p.max_travel:
            out.append(Violation(
                "travel",
                f"{data.school[mentor.school].label} → {data.school[mentee.school].label} takes "
                f"{t:g} min (> {p.max_travel:g}) and the schools are not partners"))
    if data.lessons is not None:
        a, b = observation_slots(data, mentor, mentee)
        weeks = p.semester_weeks
        if len(a) * weeks < p.mentor_observations:
            out.append(Violation(
                "observation",
                f"{mentor.label} is free in {len(a)} of {mentee.label}'s "
                f"{len(data.lessons_of(mentee.id))} weekly lessons: {len(a) * weeks} in "
                f"{weeks} weeks < {p.mentor_observations} observations"))
        if len(b) * weeks < p.mentee_observations:
            out.append(Violation(
                "observation",
                f"{mentee.label} is free in {len(b)} of {mentor.label}'s "
                f"{len(data.lessons_of(mentor.id))} weekly lessons: {len(b) * weeks} in "
                f"{weeks} weeks < {p.mentee_observations} observations"))
    load, budget = pair_load(data, mentor, mentee), _budget(data, mentor)
    if load > budget:
        out.append(Violation(
            "pair_hours",
            f"the pair needs {load / 60:.1f} h of {mentor.label}'s time, the budget is "
            f"{budget / 60:.1f} h"))
    if any(f.mentor == mentor.id and f.mentee == mentee.id for f in data.forbidden):
        out.append(Violation("forbidden", f"{mentor.label} – {mentee.label} is a forbidden "
                                          "pair (禁止结对)"))
    return out


def required_pairs(data: MentoringData) -> list[tuple[str, str, str]]:
    """Pairs the solution must contain: (mentor, mentee, family) — ``forced`` pairs, and last
    year's pairs (not rated 差) that can continue when 延续结对 = 必须 (``continuity``)."""
    out = [(f.mentor, f.mentee, "forced") for f in data.forced]
    if data.policy.continuity == "required":
        taken = {f.mentee for f in data.forced}  # one kept pair per mentee: the first feasible
        for q in data.past:
            if q.rating is Rating.POOR or q.mentee in taken:
                continue
            m, e = data.teacher[q.mentor], data.teacher[q.mentee]
            if not pair_violations(data, m, e):
                out.append((q.mentor, q.mentee, "continuity"))
                taken.add(q.mentee)
    return out


def _v(family: str, message: str) -> Violation:
    """A violation under the rule key of ``family``, the family's English label first."""
    return Violation(RULES.rule(family).key, f"{RULES.label(family, 'en')}: {message}")


def check(data: MentoringData, sol: MentorSolution) -> list[Violation]:
    """Every hard rule of DOMAIN §M the solution breaks (empty when it is valid).

    Returns
    -------
    list[Violation]
        Keyed by rule key (``M0`` unknown teacher, ``M1`` … ``M6``), each message locating
        the pair or teacher and giving the figures recomputed here (years, free periods,
        minutes, head counts, hours).
    """
    out: list[Violation] = []
    mentees: Counter[str] = Counter(p.mentee for p in sol.pairs)
    for e, n in mentees.items():
        if n > 1:
            out.append(_v("one_mentor", f"{e} has {n} mentors"))
    mentors = {p.mentor for p in sol.pairs}
    for t in sorted(mentors & set(mentees)):
        out.append(_v("mentor", f"{t} is both a mentor and a mentee"))
    heads: Counter[str] = Counter()
    minutes: Counter[str] = Counter()
    for p in sol.pairs:
        if p.mentor not in data.teacher or p.mentee not in data.teacher:
            out.append(_v("allowed", f"unknown teacher in pair {p.mentor} – {p.mentee}"))
            continue
        m, e = data.teacher[p.mentor], data.teacher[p.mentee]
        for v in pair_violations(data, m, e):
            out.append(_v(v.rule, f"{p.mentor} – {p.mentee}: {v.message}"))
        heads[p.mentor] += 1
        minutes[p.mentor] += pair_load(data, m, e)
    for tid, n in heads.items():
        cap = _capacity(data, data.teacher[tid])
        if n > cap:
            out.append(_v("heads", f"{tid} has {n} mentees, capacity {cap}"))
        budget = _budget(data, data.teacher[tid])
        if minutes[tid] > budget:
            out.append(_v("hours", f"{tid} needs {minutes[tid] / 60:.1f} h, budget "
                                   f"{budget / 60:.1f} h"))
    chosen = {(p.mentor, p.mentee) for p in sol.pairs}
    for m_id, e_id, why in required_pairs(data):
        if (m_id, e_id) not in chosen:
            out.append(_v(why, f"{m_id} – {e_id} must be kept ({why}) but is missing"))
    return out


def objective_levels(data: MentoringData, sol: MentorSolution) -> dict[str, int]:
    """The objective levels recomputed from their definitions.

    ``mandatory`` (MO1): mandatory mentees (rule M1) left unpaired; ``quality`` (MO2): the
    sum of :func:`pair_score` over the pairs; ``fairness`` (MO3): 均衡权重 × Σ n(n−1)/2 over
    mentors with n mentees + 外派权重 × Σ over schools of the pairs given to other schools'
    mentees beyond 外派上限比例 of the school's mentor capacity.
    """
    w = data.policy.weight
    paired = {p.mentee for p in sol.pairs}
    mandatory = sum(1 for t in data.teachers if _must_have_mentor(data, t)
                    and t.id not in paired)
    lookups = score_lookups(data)
    quality = 0
    for p in sol.pairs:
        quality += sum(pair_score(data, data.teacher[p.mentor], data.teacher[p.mentee],
                                  lookups=lookups).values())
    heads = Counter(p.mentor for p in sol.pairs)
    fairness = w("balance") * sum(n * (n - 1) // 2 for n in heads.values())
    given: Counter[str] = Counter()
    for p in sol.pairs:
        school = data.teacher[p.mentor].school
        if school != data.teacher[p.mentee].school:
            given[school] += 1
    capacity: Counter[str] = Counter()
    if given:
        for t in data.teachers:
            if (t.school in given and _qualified(data, t) and not _is_mentee(data, t)
                    and _capacity(data, t) > 0):
                capacity[t.school] += _capacity(data, t)
    for school, n in given.items():
        cap = capacity[school]
        limit = math.floor(data.policy.drain_share / 100 * cap)
        fairness += w("drain") * max(0, n - limit)
    return {"mandatory": mandatory, "quality": quality, "fairness": fairness}
