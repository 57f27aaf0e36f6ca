"""From teachers to a pairing problem: the feasible candidate pairs, their scores and loads.

:func:`build_problem` keeps, mentee by mentee, the mentors that pass every pair filter of
:data:`PAIR_FILTERS` — one small function per hard rule of DOMAIN §M, each named by its family
in :data:`assignments.mentoring.rules.RULES`, applied in this order:

========================  ======  =====================================================
family                    rule    filter
========================  ======  =====================================================
``mentee``                M1      :func:`_needs_mentor` (teacher level)
``mentor``                M2      :func:`_may_mentor` (teacher level)
``subject``               M3      :func:`_same_subject`
``experience``            M2      :func:`_more_experienced`
``travel``                M4      :func:`_within_reach`
``observation``           M4      :func:`_observation_possible`
``pair_hours``            M5      :func:`_fits_hours`
``forbidden``             M6      :func:`_not_forbidden`
========================  ======  =====================================================

The filters work on NumPy arrays and timetable bit masks (a :class:`Pool` built once), so that
city-size inputs build in seconds; :func:`exclusions` tells, for one mentee, which filter
excluded each mentor (the unpaired reasons quote it). The checker
(:mod:`assignments.mentoring.solution`) re-reads the same rules with plain loops and imports
nothing from here; the tests compare the two.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from assignments.mentoring.data import MentoringData, Rating, Teacher
from assignments.pairing.problem import Candidate, PairingProblem

__all__ = [
    "COMPONENTS",
    "PAIR_FILTERS",
    "TEACHER_FILTERS",
    "MentorProblem",
    "Pool",
    "Slate",
    "build_problem",
    "exclusions",
]

COMPONENTS: tuple[str, ...] = (
    "pair", "grade", "level", "gap", "rural", "weak", "room", "continuity", "related",
    "preference", "same_school", "near",
)
"""Score terms of a pair, in report order (see :func:`solution.pair_score`)."""


def _masks(data: MentoringData, teachers: list[Teacher]) -> tuple[np.ndarray, np.ndarray]:
    lo = np.zeros(len(teachers), dtype=np.uint64)
    hi = np.zeros(len(teachers), dtype=np.uint64)
    for i, t in enumerate(teachers):
        a = b = 0
        for day, period in data.lessons_of(t.id):
            if day <= 5:
                a |= 1 << ((day - 1) * 12 + period - 1)
            else:
                b |= 1 << ((day - 6) * 12 + period - 1)
        lo[i], hi[i] = a, b
    return lo, hi


_DAY = 12  # periods per day in the bit masks (days 1–5 in ``lo``, 6–7 in ``hi``)


def _within_day(shift: int, low: bool) -> np.uint64:
    """The bits of a 60-bit (5-day) mask whose period within the day is ≥ ``shift`` (``low``
    False) or < 12 − ``shift`` (``low`` True)."""
    m = 0
    for d in range(5):
        for q in range(_DAY):
            if (q < _DAY - shift) if low else (q >= shift):
                m |= 1 << (d * _DAY + q)
    return np.uint64(m)


def _dilate(a: np.ndarray, k: int) -> np.ndarray:
    """Each lesson of the masks ``a`` widened by ``k`` periods on both sides, within its day."""
    out = a.copy()
    for s in range(1, min(k, _DAY - 1) + 1):
        out |= (a << np.uint64(s)) & _within_day(s, False)
        out |= (a >> np.uint64(s)) & _within_day(s, True)
    return out


def periods_blocked(minutes: float, lesson: int, brk: int) -> int:
    """How many periods on each side of an observed lesson an observer travelling ``minutes``
    one way must have free: the periods ``d`` apart whose gap ``(d − 1) × lesson + d × brk``
    is shorter than the trip (0 within a school)."""
    k = 0
    while k < _DAY - 1 and minutes > 0 and k * lesson + (k + 1) * brk < minutes:
        k += 1
    return k


def _popcount(a: np.ndarray) -> np.ndarray:
    if hasattr(np, "bitwise_count"):
        return np.bitwise_count(a).astype(np.int64)
    return np.array([int(v).bit_count() for v in a.tolist()], dtype=np.int64)


# ------------------------------------------------------------------ who is who (M1, M2)


def _needs_mentor(data: MentoringData, t: Teacher) -> bool:
    """M1 (family ``mentee``): a mandatory mentee (fewer than 新教师教龄 years, newly
    transferred, needs upgrading), a teacher asking for a mentor, or a forced pair's mentee."""
    return data.is_mentee(t)


def _may_mentor(data: MentoringData, t: Teacher) -> bool:
    """M2 (family ``mentor``): a role, ≥ 经验教龄 years or 可任师傅 = 是; not a mentee this
    semester; 带徒上限 > 0."""
    return data.is_mentor(t)


TEACHER_FILTERS: tuple[tuple[str, Callable[[MentoringData, Teacher], bool]], ...] = (
    ("mentee", _needs_mentor),
    ("mentor", _may_mentor),
)
"""Who is a mentee and who a possible mentor, keyed by family (rules M1, M2)."""


# ------------------------------------------------------------------ the pool of mentors


@dataclass
class Pool:
    """The mentees and possible mentors of an input as arrays, built once; the pair filters
    read it (mentor ``i`` is ``mentors[i]``, mentee ``j`` is ``mentees[j]``)."""

    data: MentoringData
    mentors: list[Teacher]
    mentees: list[Teacher]
    sidx: dict[str, int]
    years: np.ndarray
    school: np.ndarray
    budget: np.ndarray
    reach: np.ndarray
    travel_load: np.ndarray
    timetable: bool
    m_lo: np.ndarray
    m_hi: np.ndarray
    e_lo: np.ndarray
    e_hi: np.ndarray
    subject_rows: dict[str, np.ndarray]
    related_rows: dict[str, np.ndarray]
    forbidden: set[tuple[str, str]]
    base_load: int

    @classmethod
    def build(cls, data: MentoringData) -> Pool:
        """Arrays of ``data``'s mentors and mentees (rules M1, M2 select them)."""
        p = data.policy
        mentees = [t for t in data.teachers if _needs_mentor(data, t)]
        mentors = [t for t in data.teachers if _may_mentor(data, t)]
        sidx = {s.id: i for i, s in enumerate(data.schools)}
        n_s = len(data.schools)
        # school-to-school reach and travel (only between schools that have people to pair)
        used = sorted({sidx[t.school] for t in mentors} | {sidx[t.school] for t in mentees})
        travel = np.full((n_s, n_s), np.nan)
        reach = np.zeros((n_s, n_s), dtype=bool)
        for a in used:
            for b in used:
                sa, sb = data.schools[a].id, data.schools[b].id
                t = data.travel_minutes(sa, sb)
                partner = a != b and data.partners(sa, sb)
                if t is not None:
                    travel[a, b] = t
                reach[a, b] = a == b or partner or (t is not None and t <= p.max_travel)
        n_m = len(mentors)
        subject_rows: dict[str, np.ndarray] = {}
        for i, t in enumerate(mentors):
            for s in t.subjects:
                subject_rows.setdefault(s, np.zeros(n_m, dtype=bool))[i] = True
        related_rows: dict[str, np.ndarray] = {}  # mentee subject -> mentors of related ones
        if p.subject_rule == "related":
            for s in {x for t in mentees for x in t.subjects}:
                row = np.zeros(n_m, dtype=bool)
                for x, mentors_x in subject_rows.items():
                    if x != s and data.related(s, x):
                        row |= mentors_x
                related_rows[s] = row
        m_lo, m_hi = _masks(data, mentors)
        e_lo, e_hi = _masks(data, mentees)
        return cls(
            data=data, mentors=mentors, mentees=mentees, sidx=sidx,
            years=np.array([t.years for t in mentors], dtype=np.int64),
            school=np.array([sidx[t.school] for t in mentors], dtype=np.int64),
            budget=np.array([data.hour_budget(t) for t in mentors], dtype=np.int64),
            reach=reach, travel_load=np.where(np.isnan(travel), p.max_travel, travel),
            timetable=data.lessons is not None, m_lo=m_lo, m_hi=m_hi, e_lo=e_lo, e_hi=e_hi,
            subject_rows=subject_rows, related_rows=related_rows,
            forbidden={(f.mentor, f.mentee) for f in data.forbidden},
            base_load=p.mentor_observations * p.lesson_minutes + (
                p.mentor_observations + p.mentee_observations) * p.review_minutes,
        )

    def same_subject(self, e: Teacher) -> np.ndarray:
        """Mask over the mentors: teaches one of ``e``'s subjects."""
        out = np.zeros(len(self.mentors), dtype=bool)
        for s in e.subjects:
            row = self.subject_rows.get(s)
            if row is not None:
                out |= row
        return out

    def related_subject(self, e: Teacher) -> np.ndarray:
        """Mask over the mentors: teaches a subject of the same 学科组 as one of ``e``'s, and
        none of ``e``'s own (always empty under 学科要求 = 同学科)."""
        out = np.zeros(len(self.mentors), dtype=bool)
        if not self.related_rows:
            return out
        for s in e.subjects:
            row = self.related_rows.get(s)
            if row is not None:
                out |= row
        return out & ~self.same_subject(e)

    def blocked(self, travel: np.ndarray) -> np.ndarray:
        """Periods each side an observer travelling ``travel`` minutes must have free."""
        p = self.data.policy
        return np.array([periods_blocked(float(t), p.lesson_minutes, p.break_minutes)
                         for t in travel.tolist()], dtype=np.int64)

    def reachable_masks(
        self, j: int, idx: np.ndarray, travel: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Per mentor of ``idx``, bit masks (lo, hi) of (mentee ``j``'s lessons the mentor can
        observe, the mentor's lessons the mentee can observe): the observer teaches neither
        the observed period nor any period too close to it for the one-way ``travel`` there
        and back (:func:`periods_blocked`)."""
        e_lo, e_hi = self.e_lo[j], self.e_hi[j]
        m_lo, m_hi = self.m_lo[idx], self.m_hi[idx]
        a_lo, a_hi = e_lo & ~m_lo, e_hi & ~m_hi
        b_lo, b_hi = m_lo & ~e_lo, m_hi & ~e_hi
        ks = self.blocked(travel)
        for k in set(ks.tolist()) - {0}:
            rows = ks == k
            one = np.array([e_lo], dtype=np.uint64)
            one_hi = np.array([e_hi], dtype=np.uint64)
            a_lo[rows] &= ~_dilate(m_lo[rows], k)
            a_hi[rows] &= ~_dilate(m_hi[rows], k)
            b_lo[rows] &= ~_dilate(one, k)[0]
            b_hi[rows] &= ~_dilate(one_hi, k)[0]
        return a_lo, a_hi, b_lo, b_hi

    def free_periods(self, j: int, idx: np.ndarray, travel: np.ndarray | None = None
                     ) -> tuple[np.ndarray, np.ndarray]:
        """Weekly periods, per mentor of ``idx``: (mentee ``j``'s lessons the mentor can
        observe, the mentor's lessons the mentee can observe), leaving the one-way travel
        time free before and after the observed lesson for a cross-school pair."""
        if travel is None:
            travel = self.travel(self.sidx[self.mentees[j].school], idx)
        a_lo, a_hi, b_lo, b_hi = self.reachable_masks(j, idx, travel)
        return _popcount(a_lo) + _popcount(a_hi), _popcount(b_lo) + _popcount(b_hi)

    def suggested_periods(self, j: int, i: int) -> tuple[list[tuple[int, int]],
                                                         list[tuple[int, int]]]:
        """The weekly periods (weekday, period) suggested for mentor ``i`` and mentee ``j``:
        (mentee's lessons the mentor observes, mentor's lessons the mentee observes)."""
        idx = np.array([i], dtype=np.int64)
        a_lo, a_hi, b_lo, b_hi = self.reachable_masks(j, idx, self.travel(
            self.sidx[self.mentees[j].school], idx))

        def slots(lo: int, hi: int) -> list[tuple[int, int]]:
            out = []
            for bit in range(5 * _DAY):
                if lo >> bit & 1:
                    out.append((bit // _DAY + 1, bit % _DAY + 1))
            for bit in range(2 * _DAY):
                if hi >> bit & 1:
                    out.append((bit // _DAY + 6, bit % _DAY + 1))
            return out

        return slots(int(a_lo[0]), int(a_hi[0])), slots(int(b_lo[0]), int(b_hi[0]))

    def travel(self, se: int, idx: np.ndarray) -> np.ndarray:
        """One-way minutes from each mentor of ``idx`` to school ``se`` (0 within a school;
        unknown travel counts as 最长路程)."""
        return np.where(self.school[idx] == se, 0.0, self.travel_load[self.school[idx], se])

    def load(self, se: int, idx: np.ndarray) -> np.ndarray:
        """Minutes of each mentor's semester the pair takes (observations, reviews, the
        mentor's and the mentee's round trips)."""
        p = self.data.policy
        trips = p.trips + p.mentee_trips
        return self.base_load + np.ceil(trips * 2 * self.travel(se, idx) - 1e-9).astype(np.int64)


@dataclass
class Slate:
    """The mentors still allowed for mentee ``j`` (``e``, at school index ``se``)."""

    j: int
    e: Teacher
    se: int
    idx: np.ndarray


# ------------------------------------------------------------------ the pair filters


def _same_subject(pool: Pool, s: Slate) -> np.ndarray:
    """M3 (family ``subject``): the mentor teaches one of the mentee's subjects, or, under
    学科要求 = 相关学科, a subject of the same 学科组 (scored −相关学科扣分)."""
    return (pool.same_subject(s.e) | pool.related_subject(s.e))[s.idx]


def _more_experienced(pool: Pool, s: Slate) -> np.ndarray:
    """M2 (family ``experience``): the mentor has at least 师徒教龄差 more years of teaching."""
    return pool.years[s.idx] >= s.e.years + pool.data.policy.min_gap


def _within_reach(pool: Pool, s: Slate) -> np.ndarray:
    """M4 (family ``travel``): the same school, a partner link (结对学校), or a known travel
    time ≤ 最长路程."""
    return pool.reach[pool.school[s.idx], s.se]


def _observation_possible(pool: Pool, s: Slate) -> np.ndarray:
    """M4 (family ``observation``): free periods × teaching weeks ≥ 5 lessons the mentor
    observes and ≥ 15 the mentee observes (不设课表: not checked); across schools a period
    counts only when the observer's own lessons leave the travel time free on both sides."""
    if not pool.timetable:
        return np.ones(len(s.idx), dtype=bool)
    p = pool.data.policy
    a, b = pool.free_periods(s.j, s.idx)
    weeks = p.semester_weeks
    return (a * weeks >= p.mentor_observations) & (b * weeks >= p.mentee_observations)


def _fits_hours(pool: Pool, s: Slate) -> np.ndarray:
    """M5 (family ``pair_hours``): the pair alone fits the mentor's 指导时数上限."""
    return pool.load(s.se, s.idx) <= pool.budget[s.idx]


def _not_forbidden(pool: Pool, s: Slate) -> np.ndarray:
    """M6 (family ``forbidden``): not a 禁止结对 pair."""
    if not pool.forbidden:
        return np.ones(len(s.idx), dtype=bool)
    return np.array([(pool.mentors[i].id, s.e.id) not in pool.forbidden for i in s.idx.tolist()],
                    dtype=bool)


PairFilter = Callable[[Pool, Slate], np.ndarray]

PAIR_FILTERS: tuple[tuple[str, PairFilter], ...] = (
    ("subject", _same_subject),  # first: it cuts the slate most
    ("experience", _more_experienced),
    ("travel", _within_reach),
    ("observation", _observation_possible),
    ("pair_hours", _fits_hours),
    ("forbidden", _not_forbidden),
)
"""The hard pair rules, keyed by family (:data:`assignments.mentoring.rules.RULES`), in the
order they are applied; a pair is a candidate when every filter keeps it. The order only
decides which filter an explanation names for a mentor several would exclude."""


def _slate(pool: Pool, j: int) -> Slate:
    e = pool.mentees[j]
    return Slate(j, e, pool.sidx[e.school], np.arange(len(pool.mentors), dtype=np.int64))


def allowed_mentors(pool: Pool, j: int) -> np.ndarray:
    """Indices (sorted) of the mentors every pair filter keeps for mentee ``j``."""
    s = _slate(pool, j)
    for _family, keep in PAIR_FILTERS:
        s.idx = s.idx[keep(pool, s)]
        if not len(s.idx):
            break
    return s.idx


def exclusions(pool: Pool, j: int) -> dict[str, list[int]]:
    """Family -> the mentors (indices) that filter excluded first, for mentee ``j``, in the
    order of :data:`PAIR_FILTERS` (a family that excluded nobody is left out)."""
    s = _slate(pool, j)
    out: dict[str, list[int]] = {}
    for family, keep in PAIR_FILTERS:
        if not len(s.idx):
            break
        mask = keep(pool, s)
        if not mask.all():
            out[family] = s.idx[~mask].tolist()
        s.idx = s.idx[mask]
    return out


# ------------------------------------------------------------------ the problem


@dataclass
class MentorProblem:
    """A pairing problem built from teachers, with the pair details the reports need.

    Attributes
    ----------
    data
        The validated input.
    problem
        The :class:`PairingProblem` (mentor / mentee ids are teacher ids).
    components
        Score term -> array aligned with ``problem.candidates``.
    travel
        One-way minutes of each candidate pair (0 within a school).
    forced_missing
        Pairs that must be kept (forced, or continuity when required) but break a hard rule:
        (mentor, mentee, ``"forced"`` or ``"continuity"``). Forced ones make the problem
        infeasible; continuity ones are only reported.
    pool
        The arrays the pair filters read (for :func:`exclusions`).
    """

    data: MentoringData
    problem: PairingProblem
    components: dict[str, np.ndarray]
    travel: np.ndarray
    forced_missing: list[tuple[str, str, str]] = field(default_factory=list)
    pool: Pool | None = None

    def score_of(self, k: int) -> dict[str, int]:
        """The score terms of candidate ``k``."""
        return {name: int(arr[k]) for name, arr in self.components.items()}

    def filters(self) -> Pool:
        """The :class:`Pool` of the pair filters (built when the problem was not)."""
        if self.pool is None:
            self.pool = Pool.build(self.data)
        return self.pool


def build_problem(data: MentoringData) -> MentorProblem:
    """Enumerate the feasible pairs of ``data`` and build the :class:`PairingProblem`.

    Parameters
    ----------
    data
        A validated mentoring input (:func:`assignments.mentoring.data.read_mentoring`).

    Returns
    -------
    MentorProblem
        The problem, the score terms and travel time of every candidate pair, and the forced
        pairs that cannot be kept.
    """
    p = data.policy
    w = p.weight
    pool = Pool.build(data)
    mentees, mentors, sidx = pool.mentees, pool.mentors, pool.sidx
    n_s = len(data.schools)
    m_level = np.array([data.level_points(t) for t in mentors], dtype=np.int64)
    bands = {b: i for i, b in enumerate(sorted({t.grade_band for t in data.teachers
                                                if t.grade_band is not None}))}
    m_band = np.array([bands.get(t.grade_band, -1) if t.grade_band else -1 for t in mentors],
                      dtype=np.int64)

    good_past = {(q.mentor, q.mentee) for q in data.past if q.rating is not Rating.POOR}
    past_mentees = {e_id for _m, e_id in good_past}
    points: dict[tuple[str, str], int] = {}
    for pref in data.preferences:
        points[(pref.teacher, pref.target)] = max(0, 4 - pref.rank)
    wish_by_mentee: dict[str, dict[str, int]] = {}
    for (a, b), v in points.items():
        if v:
            wish_by_mentee.setdefault(a, {})[b] = wish_by_mentee.get(a, {}).get(b, 0) + v
            wish_by_mentee.setdefault(b, {})[a] = wish_by_mentee.get(b, {}).get(a, 0) + v
    mentor_pos = {t.id: i for i, t in enumerate(mentors)}

    cols: dict[str, list[np.ndarray]] = {name: [] for name in COMPONENTS}
    cand_m: list[np.ndarray] = []
    cand_e: list[np.ndarray] = []
    cand_load: list[np.ndarray] = []
    cand_travel: list[np.ndarray] = []
    for j, e in enumerate(mentees):
        idx = allowed_mentors(pool, j)
        if not len(idx):
            continue
        se = sidx[e.school]
        is_rel = pool.related_subject(e)[idx]
        room = np.zeros(len(idx), dtype=np.int64)
        trav = pool.travel(se, idx)
        if pool.timetable:
            a, b = pool.free_periods(j, idx, trav)
            room = np.minimum(np.minimum(a, b), 10)
        load = pool.load(se, idx)
        n = len(idx)
        gap = pool.years[idx] - e.years
        school = data.school[e.school]
        e_band = bands.get(e.grade_band, -2) if e.grade_band else -2
        cols["pair"].append(np.full(n, w("pair"), dtype=np.int64))
        cols["grade"].append(np.where(m_band[idx] == e_band, w("grade"), 0))
        cols["level"].append(w("level") * m_level[idx])
        cols["gap"].append(np.where((gap >= p.gap_low) & (gap <= p.gap_high), w("gap"), 0))
        cols["rural"].append(np.full(n, w("rural") if school.rural else 0, dtype=np.int64))
        cols["weak"].append(np.full(n, w("weak") if school.weak else 0, dtype=np.int64))
        cols["room"].append(w("room") * room)
        cols["related"].append(np.where(is_rel, -w("related"), 0))
        cols["same_school"].append(np.where(pool.school[idx] == se, w("same_school"), 0))
        close = 1 - trav / p.max_travel if p.max_travel > 0 else (trav == 0).astype(float)
        cols["near"].append(np.floor(w("near") * np.clip(close, 0, 1) + 0.5).astype(np.int64))
        cont = np.zeros(n, dtype=np.int64)
        pref = np.zeros(n, dtype=np.int64)
        wishes = wish_by_mentee.get(e.id)
        if e.id in past_mentees or wishes:  # only then a mentor can score these terms
            for r, i in enumerate(idx.tolist()):
                mid = mentors[i].id
                if (mid, e.id) in good_past:
                    cont[r] = w("continuity")
                if wishes and mid in wishes:
                    pref[r] = w("preference") * wishes[mid]
        cols["continuity"].append(cont)
        cols["preference"].append(pref)
        cand_m.append(idx)
        cand_e.append(np.full(n, j, dtype=np.int64))
        cand_load.append(load)
        cand_travel.append(trav)

    def cat(parts: list[np.ndarray]) -> np.ndarray:
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)

    components = {name: cat(cols[name]).astype(np.int64) for name in COMPONENTS}
    cm, ce, cl = cat(cand_m), cat(cand_e), cat(cand_load).astype(np.int64)
    total = sum(components.values(), np.zeros(len(cm), dtype=np.int64))
    candidates = list(map(Candidate._make, zip(cm.tolist(), ce.tolist(), total.tolist(),
                                               cl.tolist(), strict=True)))
    problem = PairingProblem(
        mentors=[t.id for t in mentors],
        mentees=[t.id for t in mentees],
        candidates=candidates,
        capacity=[data.capacity(t) for t in mentors],
        budget=[data.hour_budget(t) for t in mentors],
        mandatory=[data.is_mandatory(t) for t in mentees],
        sense="max",
        name=data.source or "",
        mentor_group=[sidx[t.school] for t in mentors],
        mentee_group=[sidx[t.school] for t in mentees],
        balance_weight=w("balance"),
        drain_weight=w("drain"),
        objective_mode=p.objective_mode,
        weights={"mandatory": w("mandatory"), "quality": 1, "fairness": 1},
        quality_tolerance=p.quality_tolerance / 100,
    )
    caps = np.zeros(n_s, dtype=np.int64)
    for t in mentors:
        caps[sidx[t.school]] += data.capacity(t)
    problem.drain_limit = [math.floor(p.drain_share / 100 * int(c)) for c in caps]

    # forced pairs, and last year's pairs when continuity is required
    index = problem.index()
    mentee_pos = {t.id: j for j, t in enumerate(mentees)}
    missing: list[tuple[str, str, str]] = []
    wanted: list[tuple[str, str, str]] = [(f.mentor, f.mentee, "forced") for f in data.forced]
    if p.continuity == "required":
        forced_mentees = {f.mentee for f in data.forced}
        wanted += [(q.mentor, q.mentee, "continuity") for q in data.past
                   if q.rating is not Rating.POOR and q.mentee not in forced_mentees]
    for m_id, e_id, why in wanted:
        key: Any = (mentor_pos.get(m_id), mentee_pos.get(e_id))
        if key in index:
            if why == "continuity" and any(pair[1] == key[1] for pair in problem.forced):
                continue
            problem.forced.add(key)
        else:
            missing.append((m_id, e_id, why))
    return MentorProblem(data, problem, components, cat(cand_travel).astype(float), missing,
                         pool)
