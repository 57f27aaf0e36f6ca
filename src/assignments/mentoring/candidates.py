"""From teachers to a pairing problem: the feasible candidate pairs, their scores and loads.

:func:`build_problem` enumerates, mentee by mentee, the mentors of the same (or, when
configured, a related) subject and keeps those that pass every hard pair rule of DOMAIN §M:
rule 2 (qualified, more experienced), rule 3 (subject), rule 4 (free periods for 5 / 15
observations in the semester's teaching weeks; travel under the limit or a partner link for
cross-school pairs), rule 5 (the pair alone fits the mentor's hour budget) and rule 6
(forbidden pairs). It works on NumPy arrays and timetable bit masks, so that city-size inputs
build in seconds; the checker (:mod:`assignments.mentoring.solution`) re-reads the same rules
with plain loops, and the tests compare the two.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from assignments.mentoring.data import MentoringData, Rating, Teacher
from assignments.mentoring.problem import Candidate, PairingProblem

__all__ = ["COMPONENTS", "MentorProblem", "build_problem"]

COMPONENTS: tuple[str, ...] = (
    "pair", "grade", "level", "gap", "rural", "weak", "room", "continuity", "related",
    "preference",
)
"""Score terms of a pair, in report order (see :func:`solution.pair_score`)."""


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
    """

    data: MentoringData
    problem: PairingProblem
    components: dict[str, np.ndarray]
    travel: np.ndarray
    forced_missing: list[tuple[str, str, str]] = field(default_factory=list)

    def score_of(self, k: int) -> dict[str, int]:
        """The score terms of candidate ``k``."""
        return {name: int(arr[k]) for name, arr in self.components.items()}


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


def _popcount(a: np.ndarray) -> np.ndarray:
    if hasattr(np, "bitwise_count"):
        return np.bitwise_count(a).astype(np.int64)
    return np.array([int(v).bit_count() for v in a.tolist()], dtype=np.int64)


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
    mentees = [t for t in data.teachers if data.is_mentee(t)]
    mentors = [t for t in data.teachers if data.is_mentor(t)]
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
    travel_load = np.where(np.isnan(travel), p.max_travel, travel)

    # mentor arrays
    m_years = np.array([t.years for t in mentors], dtype=np.int64)
    m_school = np.array([sidx[t.school] for t in mentors], dtype=np.int64)
    m_budget = np.array([data.hour_budget(t) for t in mentors], dtype=np.int64)
    m_level = np.array([data.level_points(t) for t in mentors], dtype=np.int64)
    bands = {b: i for i, b in enumerate(sorted({t.grade_band for t in data.teachers
                                                if t.grade_band is not None}))}
    m_band = np.array([bands.get(t.grade_band, -1) if t.grade_band else -1 for t in mentors],
                      dtype=np.int64)
    timetable = data.lessons is not None
    m_lo, m_hi = _masks(data, mentors)
    e_lo, e_hi = _masks(data, mentees)
    by_subject: dict[str, list[int]] = {}
    for i, t in enumerate(mentors):
        for s in t.subjects:
            by_subject.setdefault(s, []).append(i)
    subj_arr = {s: np.array(v, dtype=np.int64) for s, v in by_subject.items()}
    related_of: dict[str, list[str]] = {}  # mentee subject -> mentors' related subjects
    if p.subject_rule == "related":
        for s in {x for t in mentees for x in t.subjects}:
            related_of[s] = [x for x in by_subject if x != s and data.related(s, x)]

    forbidden = {(f.mentor, f.mentee) for f in data.forbidden}
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

    base_load = p.mentor_observations * p.lesson_minutes + (
        p.mentor_observations + p.mentee_observations) * p.review_minutes
    weeks = p.semester_weeks
    cols: dict[str, list[np.ndarray]] = {name: [] for name in COMPONENTS}
    cand_m: list[np.ndarray] = []
    cand_e: list[np.ndarray] = []
    cand_load: list[np.ndarray] = []
    cand_travel: list[np.ndarray] = []
    empty = np.zeros(0, dtype=np.int64)
    for j, e in enumerate(mentees):
        same = [subj_arr[s] for s in e.subjects if s in subj_arr]
        same_idx = np.unique(np.concatenate(same)) if same else empty
        rel_idx = empty
        if related_of:
            rel = [subj_arr[x] for s in e.subjects for x in related_of.get(s, ())
                   if x not in e.subjects]
            if rel:
                rel_idx = np.setdiff1d(np.unique(np.concatenate(rel)), same_idx)
        idx = np.concatenate([same_idx, rel_idx])
        if not len(idx):
            continue
        is_rel = np.concatenate([np.zeros(len(same_idx), bool), np.ones(len(rel_idx), bool)])
        se = sidx[e.school]
        ok = m_years[idx] >= e.years + p.min_gap
        ok &= reach[m_school[idx], se]
        room = np.zeros(len(idx), dtype=np.int64)
        if timetable:
            # mentor observes the mentee: the mentee's lessons in which the mentor is free
            a = _popcount(e_lo[j] & ~m_lo[idx]) + _popcount(e_hi[j] & ~m_hi[idx])
            # mentee observes the mentor: the mentor's lessons in which the mentee is free
            b = _popcount(m_lo[idx] & ~e_lo[j]) + _popcount(m_hi[idx] & ~e_hi[j])
            ok &= (a * weeks >= p.mentor_observations) & (b * weeks >= p.mentee_observations)
            room = np.minimum(np.minimum(a, b), 10)
        trav = np.where(m_school[idx] == se, 0.0, travel_load[m_school[idx], se])
        load = base_load + np.ceil(p.trips * 2 * trav - 1e-9).astype(np.int64)
        ok &= load <= m_budget[idx]
        if forbidden:
            ok &= np.array([(mentors[i].id, e.id) not in forbidden for i in idx.tolist()],
                           dtype=bool)
        if not ok.any():
            continue
        idx, is_rel, room, load, trav = idx[ok], is_rel[ok], room[ok], load[ok], trav[ok]
        order = np.argsort(idx, kind="stable")
        idx, is_rel, room, load, trav = (v[order] for v in (idx, is_rel, room, load, trav))
        n = len(idx)
        gap = m_years[idx] - e.years
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
    return MentorProblem(data, problem, components, cat(cand_travel).astype(float), missing)
