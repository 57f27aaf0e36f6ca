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

import functools
import gc
import itertools
import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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


@functools.lru_cache(maxsize=64)
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


def _dilations(a: np.ndarray) -> np.ndarray:
    """``_dilate(a, k)`` for every ``k`` = 0 … 11, as rows of one table (``[k, i]``): the
    observation masks read it instead of dilating the same masks mentee after mentee."""
    return np.stack([_dilate(a, k) for k in range(_DAY)])


def _slots(lo: int, hi: int) -> list[tuple[int, int]]:
    """The (weekday, period) of the set bits of a week's masks, in order (days 1–5 in ``lo``,
    6–7 in ``hi``)."""
    out = []
    week, weekend = (1 << (5 * _DAY)) - 1, (1 << (2 * _DAY)) - 1
    for base, bits in ((1, lo & week), (6, hi & weekend)):
        while bits:
            low = bits & -bits
            bit = low.bit_length() - 1
            out.append((bit // _DAY + base, bit % _DAY + 1))
            bits ^= low
    return out


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off inside the block (and back on after, when it was
    on): making hundreds of thousands of small tuples then costs a third of the time."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


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
    e_years: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    e_school: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    combo: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    combo_ok: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=bool))
    combo_related: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=bool))
    forbidden_codes: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    _dilated: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None

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
        pool = cls(
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
            e_years=np.array([t.years for t in mentees], dtype=np.int64),
            e_school=np.array([sidx[t.school] for t in mentees], dtype=np.int64),
        )
        # the subject rule depends on a mentee's set of subjects only: one row of mentors per
        # distinct set (``combo``), read by the subject filter for any number of mentees
        combos: dict[frozenset[str], int] = {}
        ok_rows: list[np.ndarray] = []
        rel_rows: list[np.ndarray] = []
        combo = np.zeros(len(mentees), dtype=np.int64)
        for j, e in enumerate(mentees):
            key = frozenset(e.subjects)
            if key not in combos:
                combos[key] = len(combos)
                rel_rows.append(pool.related_subject(e))
                ok_rows.append(pool.same_subject(e) | rel_rows[-1])
            combo[j] = combos[key]
        pool.combo = combo
        pool.combo_ok = np.array(ok_rows, dtype=bool).reshape(len(ok_rows), n_m)
        pool.combo_related = np.array(rel_rows, dtype=bool).reshape(len(rel_rows), n_m)
        m_pos = {t.id: i for i, t in enumerate(mentors)}
        e_pos = {t.id: j for j, t in enumerate(mentees)}
        pool.forbidden_codes = np.array(sorted(
            e_pos[b] * n_m + m_pos[a] for a, b in pool.forbidden if a in m_pos and b in e_pos),
            dtype=np.int64)
        return pool

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
        t = np.asarray(travel, dtype=float)
        # periods_blocked for every entry at once: k counts the leading d = 0, 1, … (at most
        # 11) whose gap d × lesson + (d + 1) × break is shorter than a positive trip
        gaps = np.array([d * p.lesson_minutes + (d + 1) * p.break_minutes
                         for d in range(_DAY - 1)], dtype=float)
        short = (t[:, None] > 0) & (gaps[None, :] < t[:, None])
        return np.cumprod(short, axis=1).sum(axis=1).astype(np.int64)

    def reachable_masks(
        self, j: Any, idx: np.ndarray, travel: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Per mentor of ``idx``, bit masks (lo, hi) of (mentee ``j``'s lessons the mentor can
        observe, the mentor's lessons the mentee can observe): the observer teaches neither
        the observed period nor any period too close to it for the one-way ``travel`` there
        and back (:func:`periods_blocked`)."""
        ks = self.blocked(travel)
        # the observer's lessons widened by k periods (k = 0: the lessons themselves) from the
        # tables made once per pool; a lesson is inside its own widening, so one mask each
        dm_lo, dm_hi, de_lo, de_hi = self.dilated()
        a_lo = self.e_lo[j] & ~dm_lo[ks, idx]
        a_hi = self.e_hi[j] & ~dm_hi[ks, idx]
        b_lo = self.m_lo[idx] & ~de_lo[ks, j]
        b_hi = self.m_hi[idx] & ~de_hi[ks, j]
        return a_lo, a_hi, b_lo, b_hi

    def dilated(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The mentors' and the mentees' lesson masks widened by 0 … 11 periods
        (:func:`_dilations`: ``[k, teacher]``), made on first use."""
        if self._dilated is None:
            self._dilated = (_dilations(self.m_lo), _dilations(self.m_hi),
                             _dilations(self.e_lo), _dilations(self.e_hi))
        return self._dilated

    def free_periods(self, j: Any, idx: np.ndarray, travel: np.ndarray | None = None
                     ) -> tuple[np.ndarray, np.ndarray]:
        """Weekly periods, per mentor of ``idx``: (mentee ``j``'s lessons the mentor can
        observe, the mentor's lessons the mentee can observe), leaving the one-way travel
        time free before and after the observed lesson for a cross-school pair. ``j`` is one
        mentee, or one per entry of ``idx``."""
        if travel is None:
            travel = self.travel(self.e_school[j], idx)
        a_lo, a_hi, b_lo, b_hi = self.reachable_masks(j, idx, travel)
        return _popcount(a_lo) + _popcount(a_hi), _popcount(b_lo) + _popcount(b_hi)

    def suggested_periods(self, j: int, i: int) -> tuple[list[tuple[int, int]],
                                                         list[tuple[int, int]]]:
        """The weekly periods (weekday, period) suggested for mentor ``i`` and mentee ``j``:
        (mentee's lessons the mentor observes, mentor's lessons the mentee observes)."""
        return self.suggested_many([(i, j)])[0]

    def suggested_many(self, pairs: list[tuple[int, int]]
                       ) -> list[tuple[list[tuple[int, int]], list[tuple[int, int]]]]:
        """:meth:`suggested_periods` of many (mentor, mentee) pairs at once, in their order."""
        if not pairs:
            return []
        idx = np.array([i for i, _j in pairs], dtype=np.int64)
        jj = np.array([j for _i, j in pairs], dtype=np.int64)
        masks = [m.tolist() for m in self.reachable_masks(jj, idx, self.travel(
            self.e_school[jj], idx))]
        return [(_slots(a_lo, a_hi), _slots(b_lo, b_hi))
                for a_lo, a_hi, b_lo, b_hi in zip(*masks, strict=True)]

    def travel(self, se: Any, idx: np.ndarray) -> np.ndarray:
        """One-way minutes from each mentor of ``idx`` to school ``se`` (one school, or one
        per entry of ``idx``; 0 within a school; unknown travel counts as 最长路程)."""
        return np.where(self.school[idx] == se, 0.0, self.travel_load[self.school[idx], se])

    def load(self, se: Any, idx: np.ndarray) -> np.ndarray:
        """Minutes of each mentor's semester the pair takes (observations, reviews, the
        mentor's and the mentee's round trips)."""
        p = self.data.policy
        trips = p.trips + p.mentee_trips
        return self.base_load + np.ceil(trips * 2 * self.travel(se, idx) - 1e-9).astype(np.int64)


@dataclass
class Slate:
    """The mentors ``idx`` still allowed for mentee ``j`` (at school index ``se``) — or, when
    ``j`` and ``se`` are arrays (one entry per entry of ``idx``), the pairs (``j[r]``,
    ``idx[r]``) still allowed: the filters read both the same way (:func:`build_problem`
    filters every pair of a city at once)."""

    j: Any
    se: Any
    idx: np.ndarray

    def keep(self, mask: np.ndarray) -> None:
        """Keep the entries ``mask`` selects."""
        self.idx = self.idx[mask]
        if isinstance(self.j, np.ndarray):
            self.j = self.j[mask]
            self.se = self.se[mask]


# ------------------------------------------------------------------ the pair filters


def _same_subject(pool: Pool, s: Slate) -> np.ndarray:
    """M3 (family ``subject``): the mentor teaches one of the mentee's subjects, or, under
    学科要求 = 相关学科, a subject of the same 学科组 (scored −相关学科扣分)."""
    return pool.combo_ok[pool.combo[s.j], s.idx]


def _more_experienced(pool: Pool, s: Slate) -> np.ndarray:
    """M2 (family ``experience``): the mentor has at least 师徒教龄差 more years of teaching."""
    return pool.years[s.idx] >= pool.e_years[s.j] + pool.data.policy.min_gap


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
    return ~np.isin(s.j * len(pool.mentors) + s.idx, pool.forbidden_codes)


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
    return Slate(j, int(pool.e_school[j]), np.arange(len(pool.mentors), dtype=np.int64))


def _filter(pool: Pool, s: Slate) -> Slate:
    """``s`` with only the entries every pair filter keeps."""
    for _family, keep in PAIR_FILTERS:
        s.keep(keep(pool, s))
        if not len(s.idx):
            break
    return s


def allowed_mentors(pool: Pool, j: int) -> np.ndarray:
    """Indices (sorted) of the mentors every pair filter keeps for mentee ``j``."""
    return _filter(pool, _slate(pool, j)).idx


PAIRS_AT_ONCE = 1_000_000
"""Pairs the filters read in one go in :func:`allowed_pairs` (bounds the memory)."""


def allowed_pairs(pool: Pool) -> tuple[np.ndarray, np.ndarray]:
    """Every (mentee, mentor) pair every pair filter keeps, as two index arrays sorted by
    mentee, then mentor — for each mentee exactly :func:`allowed_mentors`, the same filters
    read for many mentees at once: the mentees of one set of subjects (``Pool.combo``), in
    blocks of at most :data:`PAIRS_AT_ONCE` pairs, against the mentors of their subjects."""
    n_m = len(pool.mentors)
    parts_j: list[np.ndarray] = []
    parts_i: list[np.ndarray] = []
    for c in range(len(pool.combo_ok)):
        who = np.flatnonzero(pool.combo == c)
        mentors = np.flatnonzero(pool.combo_ok[c])
        if not len(who) or not len(mentors):
            continue
        rows = max(1, PAIRS_AT_ONCE // len(mentors))
        for start in range(0, len(who), rows):
            block = who[start:start + rows]
            jj = np.repeat(block, len(mentors))
            s = _filter(pool, Slate(jj, pool.e_school[jj], np.tile(mentors, len(block))))
            parts_j.append(s.j)
            parts_i.append(s.idx)
    if not parts_j:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    jj, ii = np.concatenate(parts_j), np.concatenate(parts_i)
    order = np.argsort(jj * n_m + ii, kind="stable")
    return jj[order], ii[order]


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
        s.keep(mask)
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
    points: dict[tuple[str, str], int] = {}
    for pref in data.preferences:
        points[(pref.teacher, pref.target)] = max(0, 4 - pref.rank)
    wish_by_mentee: dict[str, dict[str, int]] = {}
    for (a, b), v in points.items():
        if v:
            wish_by_mentee.setdefault(a, {})[b] = wish_by_mentee.get(a, {}).get(b, 0) + v
            wish_by_mentee.setdefault(b, {})[a] = wish_by_mentee.get(b, {}).get(a, 0) + v
    mentor_pos = {t.id: i for i, t in enumerate(mentors)}

    # every allowed pair at once (mentee by mentee, mentors in index order), then each score
    # term as one array over the pairs
    ce, cm = allowed_pairs(pool)
    n = len(cm)
    se = pool.e_school[ce]
    trav = pool.travel(se, cm)
    room = np.zeros(n, dtype=np.int64)
    if pool.timetable:
        a, b = pool.free_periods(ce, cm, trav)
        room = np.minimum(np.minimum(a, b), 10)
    e_band = np.array([bands.get(e.grade_band, -2) if e.grade_band else -2 for e in mentees],
                      dtype=np.int64)
    e_rural = np.array([data.school[e.school].rural for e in mentees], dtype=bool)
    e_weak = np.array([data.school[e.school].weak for e in mentees], dtype=bool)
    gap = pool.years[cm] - pool.e_years[ce]
    close = 1 - trav / p.max_travel if p.max_travel > 0 else (trav == 0).astype(float)
    # last year's good pairs and the wishes, as (mentee × mentors + mentor) codes
    n_m = len(mentors)
    mentee_pos = {t.id: j for j, t in enumerate(mentees)}
    code = ce * n_m + cm
    past_codes = np.array(sorted({mentee_pos[e_id] * n_m + mentor_pos[m_id]
                                  for m_id, e_id in good_past
                                  if m_id in mentor_pos and e_id in mentee_pos}), dtype=np.int64)
    wish_points = sorted((mentee_pos[e_id] * n_m + mentor_pos[m_id], v)
                         for e_id, wishes in wish_by_mentee.items() if e_id in mentee_pos
                         for m_id, v in wishes.items() if m_id in mentor_pos)
    wish_codes = np.array([c for c, _v in wish_points], dtype=np.int64)
    wish_values = np.array([v for _c, v in wish_points])
    pref = np.zeros(n, dtype=np.int64)
    if len(wish_codes):
        at = np.minimum(np.searchsorted(wish_codes, code), len(wish_codes) - 1)
        hit = wish_codes[at] == code
        pref[hit] = w("preference") * wish_values[at[hit]]
    cont = np.zeros(n, dtype=np.int64)
    cont[np.isin(code, past_codes)] = w("continuity")
    cols = {
        "pair": np.full(n, w("pair"), dtype=np.int64),
        "grade": np.where(m_band[cm] == e_band[ce], w("grade"), 0),
        "level": w("level") * m_level[cm],
        "gap": np.where((gap >= p.gap_low) & (gap <= p.gap_high), w("gap"), 0),
        "rural": np.where(e_rural[ce], w("rural"), 0),
        "weak": np.where(e_weak[ce], w("weak"), 0),
        "room": w("room") * room,
        "continuity": cont,
        "related": np.where(pool.combo_related[pool.combo[ce], cm], -w("related"), 0),
        "preference": pref,
        "same_school": np.where(pool.school[cm] == se, w("same_school"), 0),
        "near": np.floor(w("near") * np.clip(close, 0, 1) + 0.5).astype(np.int64),
    }
    components = {name: np.asarray(cols[name]).astype(np.int64) for name in COMPONENTS}
    cl = pool.load(se, cm).astype(np.int64)
    total = sum(components.values(), np.zeros(n, dtype=np.int64))
    # tuple.__new__ straight from C (Candidate._make per pair costs seconds on a city), with
    # the garbage collector paused: its passes over the new tuples took two thirds of it
    with _gc_paused():
        candidates: list[Candidate] = list(map(tuple.__new__, itertools.repeat(Candidate), zip(
            cm.tolist(), ce.tolist(), total.tolist(), cl.tolist(), strict=True)))
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
    missing: list[tuple[str, str, str]] = []
    wanted: list[tuple[str, str, str]] = [(f.mentor, f.mentee, "forced") for f in data.forced]
    if p.continuity == "required":
        forced_mentees = {f.mentee for f in data.forced}
        wanted += [(q.mentor, q.mentee, "continuity") for q in data.past
                   if q.rating is not Rating.POOR and q.mentee not in forced_mentees]
    index = problem.index() if wanted else {}
    for m_id, e_id, why in wanted:
        key: Any = (mentor_pos.get(m_id), mentee_pos.get(e_id))
        if key in index:
            if why == "continuity" and any(pair[1] == key[1] for pair in problem.forced):
                continue
            problem.forced.add(key)
        else:
            missing.append((m_id, e_id, why))
    return MentorProblem(data, problem, components, trav.astype(float), missing, pool)
