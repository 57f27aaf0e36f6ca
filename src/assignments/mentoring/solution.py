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
from collections.abc import Iterable
from dataclasses import dataclass, field

from assignments.core.i18n import current_lang, tr
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
    "gap_minutes",
    "idle_same_school",
    "objective_levels",
    "observation_slots",
    "pair_load",
    "pair_score",
    "pair_travel",
    "pair_violations",
    "pairing_levels",
    "period_violations",
    "required_pairs",
    "score_lookups",
    "slot_conflict",
]



# ------------------------------------------------------------------ teachers


Slots = list[tuple[int, int]]


@dataclass(frozen=True)
class MentorPair:
    """A mentor and a mentee (teacher ids); ``forced`` when the office fixed it; the suggested
    weekly periods (weekday, period) when known: ``mentor_periods`` (mentee's lessons the
    mentor observes) and ``mentee_periods`` (mentor's lessons the mentee observes)."""

    mentor: str
    mentee: str
    forced: bool = False
    mentor_periods: tuple[tuple[int, int], ...] | None = None
    mentee_periods: tuple[tuple[int, int], ...] | None = None


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


def gap_minutes(data: MentoringData, p: int, q: int) -> int:
    """Minutes between the end of the earlier and the start of the later of periods ``p`` and
    ``q`` of one day (period ``n`` starts ``(n − 1) × (每节课分钟 + 课间分钟)`` into the day)."""
    pol = data.policy
    lo, hi = min(p, q), max(p, q)
    end = (lo - 1) * (pol.lesson_minutes + pol.break_minutes) + pol.lesson_minutes
    start = (hi - 1) * (pol.lesson_minutes + pol.break_minutes)
    return start - end


def slot_conflict(data: MentoringData, observer: Teacher, slot: tuple[int, int],
                  travel: float) -> tuple[int, int] | None:
    """The observer's own lesson that keeps them from observing ``slot`` (the same period, or
    one whose gap to it is shorter than the one-way ``travel``), or ``None``."""
    return _Day(data, observer, travel).conflict(slot)


class _Day:
    """An observer's lessons by weekday (each day's periods sorted), and which of them keep
    the observer from a slot for a one-way ``travel``: the tests of :func:`slot_conflict`
    with the lessons indexed once and :func:`gap_minutes` read once per distance in periods
    (the gap between two periods of a day depends on how far apart they are only)."""

    def __init__(self, data: MentoringData, observer: Teacher, travel: float) -> None:
        self.data = data
        self.travel = travel
        self.by_day: dict[int, list[int]] = {}
        for d, q in sorted(data.lessons_of(observer.id)):
            self.by_day.setdefault(d, []).append(q)
        pol = data.policy
        key = (pol.lesson_minutes, pol.break_minutes, travel)
        self.close = _CLOSE.setdefault(key, [True])  # [distance] -> too close (0: same period)

    def _too_close(self, dist: int) -> bool:
        """Lessons ``dist`` periods apart leave less than the travel time between them."""
        close = self.close
        while len(close) <= dist:
            close.append(gap_minutes(self.data, 1, 1 + len(close)) < self.travel)
        return close[dist]

    def conflict(self, slot: tuple[int, int]) -> tuple[int, int] | None:
        """The first lesson (by weekday, then period) keeping the observer from ``slot``."""
        day, period = slot
        lessons = self.by_day.get(day)
        if not lessons:
            return None
        close = self.close
        n = len(close)
        for q in lessons:
            dist = q - period if q >= period else period - q
            if close[dist] if dist < n else self._too_close(dist):
                return (day, q)
        return None


_CLOSE: dict[tuple[float, float, float], list[bool]] = {}
"""(每节课分钟, 课间分钟, one-way travel) -> per distance in periods whether two lessons that
far apart leave less than the travel time between them (:func:`gap_minutes`), filled as read."""


def pair_travel(data: MentoringData, mentor: Teacher, mentee: Teacher) -> float:
    """One-way minutes between the pair's schools (0 within a school; unknown travel, with a
    partner link, counts as 最长路程)."""
    if mentor.school == mentee.school:
        return 0.0
    t = data.travel_minutes(mentor.school, mentee.school)
    return data.policy.max_travel if t is None else t


_travel_for_load = pair_travel


def observation_slots(
    data: MentoringData, mentor: Teacher, mentee: Teacher
) -> tuple[Slots, Slots]:
    """Weekly periods for rule M4: (mentee's lessons the mentor can observe, mentor's lessons
    the mentee can observe), each sorted by weekday and period. Across schools the observer's
    own lessons must leave the one-way travel time free before and after the observed one."""
    travel = pair_travel(data, mentor, mentee)
    theirs = data.lessons_of(mentee.id)
    mine = data.lessons_of(mentor.id)
    return (_free_slots(data, mentor, theirs, travel), _free_slots(data, mentee, mine, travel))


def _free_slots(data: MentoringData, observer: Teacher, slots: Iterable[tuple[int, int]],
                travel: float) -> Slots:
    """The ``slots`` for which :func:`slot_conflict` finds no lesson of the observer (the same
    test, with the observer's lessons indexed by day once instead of scanned per slot)."""
    day = _Day(data, observer, travel)
    return sorted(slot for slot in slots if day.conflict(slot) is None)


def pair_load(data: MentoringData, mentor: Teacher, mentee: Teacher) -> int:
    """Minutes of the mentor's semester the pair takes: the lessons they observe, a review talk
    after every observation (both directions), and, for a cross-school pair, the mentor's
    跨校往返次数 and the mentee's 徒弟跨校往返次数 round trips."""
    p = data.policy
    minutes = p.mentor_observations * p.lesson_minutes + (
        p.mentor_observations + p.mentee_observations) * p.review_minutes
    travel = pair_travel(data, mentor, mentee)
    return minutes + math.ceil((p.trips + p.mentee_trips) * 2 * travel)


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
        "same_school": w("same_school") if mentor.school == mentee.school else 0,
        "near": _near_points(data, pair_travel(data, mentor, mentee)),
    }


def _near_points(data: MentoringData, travel: float) -> int:
    """就近权重 × (1 − travel / 最长路程), at least 0, rounded half up."""
    p = data.policy
    if p.max_travel > 0:
        close = max(0.0, min(1.0, 1 - travel / p.max_travel))
    else:
        close = 1.0 if travel == 0 else 0.0
    return math.floor(p.weight("near") * close + 0.5)


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
        return [Violation("mentor", tr("{mentor} cannot mentor themselves",
                                       mentor=mentor.label))]
    if not _is_mentee(data, mentee):
        out.append(Violation("mentee", tr("{mentee} neither must have a mentor nor asks for one",
                                          mentee=mentee.label)))
    if _is_mentee(data, mentor):
        out.append(Violation("mentor", tr("{mentor} is a mentee this semester",
                                          mentor=mentor.label)))
    elif not _qualified(data, mentor):
        if mentor.can_mentor is False:
            out.append(Violation("mentor", tr("{mentor} is marked 可任师傅 = 否",
                                              mentor=mentor.label)))
        else:
            out.append(Violation(
                "mentor",
                tr("{mentor} has no mentor role and {years} years of teaching (< {threshold})",
                   mentor=mentor.label, years=mentor.years, threshold=p.experience_threshold)))
    elif _capacity(data, mentor) == 0:
        out.append(Violation("heads", tr("{mentor} takes no mentees (带徒上限 0)",
                                         mentor=mentor.label)))
    if mentor.years < mentee.years + p.min_gap:
        out.append(Violation(
            "experience",
            tr("{mentor} has {years} years of teaching, {mentee} {mentee_years} (a mentor needs "
               "at least {gap} more)", mentor=mentor.label, years=mentor.years,
               mentee=mentee.label, mentee_years=mentee.years, gap=p.min_gap)))
    if not set(mentor.subjects) & set(mentee.subjects):
        related = p.subject_rule == "related" and any(
            _related(data, a, b) for a in mentor.subjects for b in mentee.subjects)
        if not related:
            out.append(Violation(
                "subject",
                tr("{mentor} teaches {subjects}, {mentee} {mentee_subjects}",
                   mentor=mentor.label, subjects="、".join(mentor.subjects), mentee=mentee.label,
                   mentee_subjects="、".join(mentee.subjects))
                + (tr(" (not related in 学科组)") if p.subject_rule == "related" else "")))
    if mentor.school != mentee.school and not _linked(data, mentor.school, mentee.school):
        t = data.travel_minutes(mentor.school, mentee.school)
        if t is None:
            out.append(Violation(
                "travel",
                tr("no travel time between {a} and {b} (no 路程 row, no coordinates) and no "
                   "partner link", a=data.school[mentor.school].label,
                   b=data.school[mentee.school].label)))
        elif t > p.max_travel:
            out.append(Violation(
                "travel",
                tr("{a} → {b} takes {minutes} min (> {limit}) and the schools are not partners",
                   a=data.school[mentor.school].label, b=data.school[mentee.school].label,
                   minutes=f"{t:g}", limit=f"{p.max_travel:g}")))
    if data.lessons is not None:
        a, b = observation_slots(data, mentor, mentee)
        weeks = p.semester_weeks
        travel = pair_travel(data, mentor, mentee)
        around = (tr(" (leaving {minutes} min of travel free before and after)",
                     minutes=f"{travel:g}") if travel > 0 else "")
        if len(a) * weeks < p.mentor_observations:
            out.append(Violation(
                "observation",
                tr("{observer} is free in {free} of {observed}'s {lessons} weekly lessons{around}: "
                   "{total} in {weeks} weeks < {needed} observations", observer=mentor.label,
                   free=len(a), observed=mentee.label, lessons=len(data.lessons_of(mentee.id)),
                   around=around, total=len(a) * weeks, weeks=weeks,
                   needed=p.mentor_observations)))
        if len(b) * weeks < p.mentee_observations:
            out.append(Violation(
                "observation",
                tr("{observer} is free in {free} of {observed}'s {lessons} weekly lessons{around}: "
                   "{total} in {weeks} weeks < {needed} observations", observer=mentee.label,
                   free=len(b), observed=mentor.label, lessons=len(data.lessons_of(mentor.id)),
                   around=around, total=len(b) * weeks, weeks=weeks,
                   needed=p.mentee_observations)))
    load, budget = pair_load(data, mentor, mentee), _budget(data, mentor)
    if load > budget:
        out.append(Violation(
            "pair_hours",
            tr("the pair needs {need} h of {mentor}'s time, the budget is {budget} h",
               need=f"{load / 60:.1f}", mentor=mentor.label, budget=f"{budget / 60:.1f}")))
    if any(f.mentor == mentor.id and f.mentee == mentee.id for f in data.forbidden):
        out.append(Violation("forbidden", tr("{mentor} – {mentee} is a forbidden pair (禁止结对)",
                                             mentor=mentor.label, mentee=mentee.label)))
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


def period_violations(
    data: MentoringData, mentor: Teacher, mentee: Teacher, mentor_periods: Slots,
    mentee_periods: Slots,
) -> list[Violation]:
    """The suggested periods of a pair that cannot be used (family ``obs_travel``, rule M4):
    the observed teacher does not teach then, or the observer teaches then or too close to it
    for the one-way travel there and back (:func:`gap_minutes`)."""
    from assignments.mentoring.data import weekday_label

    out: list[Violation] = []
    travel = pair_travel(data, mentor, mentee)
    for observer, observed, slots in ((mentor, mentee, mentor_periods),
                                      (mentee, mentor, mentee_periods)):
        day = _Day(data, observer, travel)
        for slot in slots:
            if slot in data.lessons_of(observed.id) and day.conflict(slot) is None:
                continue  # a usable period: nothing to say (the texts are made for faults)
            text = tr("{weekday} P{period}", weekday=weekday_label(slot[0], current_lang()),
                      period=slot[1])
            if slot not in data.lessons_of(observed.id):
                out.append(Violation("obs_travel", tr(
                    "{observed} does not teach {period}, the period suggested to {observer}",
                    observed=observed.label, period=text, observer=observer.label)))
                continue
            hit = day.conflict(slot)
            if hit is None:
                continue
            if hit == slot:
                why = tr("{observer} teaches {period} too", observer=observer.label, period=text)
            else:
                gap = gap_minutes(data, hit[1], slot[1])
                why = tr("{observer} teaches {period} at {school}, {gap} min apart, and the trip "
                         "to {other} takes {minutes} min", observer=observer.label,
                         period=tr("{weekday} P{period}",
                                   weekday=weekday_label(hit[0], current_lang()), period=hit[1]),
                         school=data.school[observer.school].label, gap=gap,
                         other=data.school[observed.school].label, minutes=f"{travel:g}")
            out.append(Violation("obs_travel", tr("{observer} cannot observe {observed} {period}: "
                                                  "{why}", observer=observer.label,
                                                  observed=observed.label, period=text, why=why)))
    return out


def idle_same_school(data: MentoringData, sol: MentorSolution) -> list[Violation]:
    """Warning-level findings (family ``same_school``, rule MO2): a cross-school pair while a
    teacher of the mentee's own school who teaches one of the mentee's subjects, with whom the
    pair breaks no hard rule (:func:`pair_violations`: qualified, more experienced, timetable,
    hours, not forbidden), has no mentee at all in the plan."""
    busy = {p.mentor for p in sol.pairs} | {p.mentee for p in sol.pairs}
    idle_at: dict[str, list[Teacher]] = {}
    for t in data.teachers:
        if t.id not in busy:
            idle_at.setdefault(t.school, []).append(t)
    out: list[Violation] = []
    gap = data.policy.min_gap
    for pr in sol.pairs:
        m, e = data.teacher.get(pr.mentor), data.teacher.get(pr.mentee)
        if m is None or e is None or m.school == e.school or pr.forced:
            continue
        # the quick tests first: a teacher who fails one of them breaks a rule of
        # pair_violations (M2 years and qualification, M1 not a mentee, 带徒上限 > 0)
        idle = [t for t in idle_at.get(e.school, ())
                if t.id != e.id and t.years >= e.years + gap
                and set(t.subjects) & set(e.subjects)
                and _qualified(data, t) and _capacity(data, t) != 0
                and not _is_mentee(data, t) and not pair_violations(data, t, e)]
        if idle:
            names = "、".join(tr("{name} ({id}, {years} years)", name=t.label, id=t.id,
                                 years=t.years) for t in idle[:5])
            more = f" … (+{len(idle) - 5})" if len(idle) > 5 else ""
            out.append(Violation("same_school", f"{pr.mentor} – {pr.mentee}: " + tr(
                "{mentee} is paired with {mentor} of {school} ({minutes} min) while {names} of "
                "{own} teach {subjects}, could mentor {mentee} and have no mentee",
                mentee=e.label, mentor=m.label, school=data.school[m.school].label,
                minutes=f"{pair_travel(data, m, e):g}", names=names + more,
                own=data.school[e.school].label, subjects="、".join(e.subjects))))
    return out


def _v(family: str, message: str) -> Violation:
    """A violation under the rule key of ``family``, the family's label (in the current
    language) first."""
    return Violation(RULES.rule(family).key, f"{RULES.label(family, current_lang())}: {message}")


def check(data: MentoringData, sol: MentorSolution,
          rows: dict[tuple[str, str], str] | None = None) -> list[Violation]:
    """Every hard rule of DOMAIN §M the solution breaks (empty when it is valid).

    ``rows`` (a plan read from a sheet: (mentor, mentee) -> "file, sheet 结对, row 7") puts
    the rows each violation concerns in front of its message.

    Returns
    -------
    list[Violation]
        Keyed by rule key (``M0`` unknown teacher, ``M1`` … ``M6``), each message locating
        the pair or teacher and giving the figures recomputed here (years, free periods,
        minutes, head counts, hours).
    """
    out: list[Violation] = []
    where = rows or {}

    def at(pred: object) -> str:
        """The rows of the pairs ``pred`` keeps, as a message prefix ("" without rows)."""
        hits = [where[(p.mentor, p.mentee)] for p in sol.pairs
                if (p.mentor, p.mentee) in where and pred(p)]  # type: ignore[operator]
        return "; ".join(dict.fromkeys(hits)) + ": " if hits else ""

    def v(family: str, message: str, pred: object = None) -> Violation:
        return _v(family, (at(pred) if pred is not None and where else "") + message)

    mentees: Counter[str] = Counter(p.mentee for p in sol.pairs)
    for e, n in mentees.items():
        if n > 1:
            out.append(v("one_mentor", tr("{mentee} has {n} mentors", mentee=e, n=n),
                         lambda p, e=e: p.mentee == e))
    mentors = {p.mentor for p in sol.pairs}
    for t in sorted(mentors & set(mentees)):
        out.append(v("mentor", tr("{teacher} is both a mentor and a mentee", teacher=t),
                     lambda p, t=t: t in (p.mentor, p.mentee)))
    heads: Counter[str] = Counter()
    minutes: Counter[str] = Counter()
    for p in sol.pairs:
        row = f"{where[(p.mentor, p.mentee)]}: " if (p.mentor, p.mentee) in where else ""
        if p.mentor not in data.teacher or p.mentee not in data.teacher:
            out.append(_v("allowed", row + tr("unknown teacher in pair {mentor} – {mentee}",
                                              mentor=p.mentor, mentee=p.mentee)))
            continue
        m, e = data.teacher[p.mentor], data.teacher[p.mentee]
        for x in pair_violations(data, m, e):
            out.append(_v(x.rule, f"{row}{p.mentor} – {p.mentee}: {x.message}"))
        if p.mentor_periods is not None or p.mentee_periods is not None:
            for x in period_violations(data, m, e, list(p.mentor_periods or ()),
                                       list(p.mentee_periods or ())):
                out.append(_v(x.rule, f"{row}{p.mentor} – {p.mentee}: {x.message}"))
        heads[p.mentor] += 1
        minutes[p.mentor] += pair_load(data, m, e)
    for tid, n in heads.items():
        cap = _capacity(data, data.teacher[tid])
        if n > cap:
            out.append(v("heads", tr("{mentor} has {n} mentees, capacity {cap}", mentor=tid, n=n,
                                     cap=cap),
                         lambda p, tid=tid: p.mentor == tid))
        budget = _budget(data, data.teacher[tid])
        if minutes[tid] > budget:
            out.append(v("hours", tr("{mentor} needs {need} h, budget {budget} h", mentor=tid,
                                     need=f"{minutes[tid] / 60:.1f}",
                                     budget=f"{budget / 60:.1f}"),
                         lambda p, tid=tid: p.mentor == tid))
    chosen = {(p.mentor, p.mentee) for p in sol.pairs}
    for m_id, e_id, why in required_pairs(data):
        if (m_id, e_id) not in chosen:
            loc = data.locations.get(("forced", f"{m_id}->{e_id}")) if why == "forced" else None
            head = f"{loc}: " if loc is not None and where else ""
            out.append(_v(why, head + (
                tr("{mentor} – {mentee} must be kept (forced) but is missing", mentor=m_id,
                   mentee=e_id) if why == "forced" else
                tr("{mentor} – {mentee} must be kept (continuity) but is missing", mentor=m_id,
                   mentee=e_id))))
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
