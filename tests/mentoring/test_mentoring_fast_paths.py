"""The fast paths of the mentoring solve give the results of the plain definitions.

The candidate pairs are filtered for all mentees at once (``allowed_pairs``), the preference
lists, the greedy start and the blocking pairs are computed on arrays, the suggested periods
for all pairs at once and the checker indexes an observer's lessons once. Each is compared
here with the plain reading written in this file (mentee by mentee, ``sorted`` per list, the
scan of ``slot_conflict``), on the shipped district example (about 1,200 teachers, a
mid-size instance) and on random small instances with related subjects, forbidden, forced
and past pairs and wishes. No timing is asserted (``scripts/limits.py`` and
``scripts/mentoring_equivalence.py`` measure and compare the city); one test counts the
filter passes, which no longer grow with the mentees.
"""

from __future__ import annotations

import functools
import random

import pytest
from mentoring_fixtures import DISTRICT_XLSX, random_data

from assignments.mentoring import candidates as cand
from assignments.mentoring.candidates import allowed_mentors, allowed_pairs, build_problem
from assignments.mentoring.data import MentoringData, read_mentoring
from assignments.mentoring.solution import (
    gap_minutes,
    observation_slots,
    slot_conflict,
)
from assignments.mentoring.stable import (
    Preferences,
    blocking_pairs,
    pairing_of,
    score_preferences,
    teacher_preferences,
)
from assignments.pairing.heuristics.greedy import greedy
from assignments.pairing.problem import Candidate, Pairing, PairingProblem

LANG = "en"


@functools.cache
def _district() -> MentoringData:
    return read_mentoring(DISTRICT_XLSX)


def _instances() -> list[MentoringData]:
    return [_district(), *(random_data(seed) for seed in range(40))]


# ------------------------------------------------------------------ plain references


def _greedy_reference(p: PairingProblem) -> list[int]:
    """The greedy start as first written: mentees by (not mandatory, options, index), each
    given its best pair (score, then load, then index) that still fits."""
    sign = 1 if p.sense == "max" else -1
    heads = [0] * len(p.mentors)
    used = [0] * len(p.mentors)
    chosen: list[int] = []
    done: set[int] = set()
    by_mentee = p.by_mentee()

    def fits(k: int) -> bool:
        c = p.candidates[k]
        cap, budget = p.capacity[c.mentor], p.budget[c.mentor]
        return (cap is None or heads[c.mentor] < cap) and (
            budget is None or used[c.mentor] + c.load <= budget)

    def take(k: int) -> None:
        c = p.candidates[k]
        heads[c.mentor] += 1
        used[c.mentor] += c.load
        chosen.append(k)
        done.add(c.mentee)

    index = p.index()
    for pair in sorted(p.forced):
        if pair in index and pair[1] not in done:
            take(index[pair])
    for e in sorted(range(len(p.mentees)),
                    key=lambda e: (not p.is_mandatory(e), len(by_mentee[e]), e)):
        if e in done:
            continue
        for k in sorted(by_mentee[e], key=lambda k: (-sign * p.candidates[k].score,
                                                    p.candidates[k].load, k)):
            if sign * p.candidates[k].score <= 0 and not p.is_mandatory(e):
                break
            if fits(k):
                take(k)
                break
    return sorted(chosen)


def _preferences_reference(p: PairingProblem, mentee_first: dict[int, list[int]],
                           mentor_first: dict[int, list[int]]) -> Preferences:
    """Preference lists with one ``sorted`` per teacher (the first implementation)."""
    sign = 1 if p.sense == "max" else -1
    by_e: list[list[int]] = [[] for _ in p.mentees]
    by_m: list[list[int]] = [[] for _ in p.mentors]
    for k, c in enumerate(p.candidates):
        by_e[c.mentee].append(k)
        by_m[c.mentor].append(k)

    def order(ks: list[int], first: list[int], key_of: str) -> list[int]:
        allowed = {getattr(p.candidates[k], key_of): k for k in ks}
        head = [x for x in first if x in allowed]
        rest = sorted((k for k in ks if getattr(p.candidates[k], key_of) not in set(head)),
                      key=lambda k: (-sign * p.candidates[k].score, p.candidates[k].load,
                                     getattr(p.candidates[k], key_of)))
        return head + [getattr(p.candidates[k], key_of) for k in rest]

    mentee = [order(ks, mentee_first.get(e, []), "mentor") for e, ks in enumerate(by_e)]
    mentor = [order(ks, mentor_first.get(i, []), "mentee") for i, ks in enumerate(by_m)]
    stated = {(i, e) for e, lst in mentee_first.items() for i in lst}
    stated |= {(i, e) for i, lst in mentor_first.items() for e in lst}
    return Preferences(mentee, mentor, stated)


def _conflict_reference(data: MentoringData, observer_id: str, slot: tuple[int, int],
                        travel: float) -> tuple[int, int] | None:
    day, period = slot
    for d, q in sorted(data.lessons_of(observer_id)):
        if d == day and (q == period or gap_minutes(data, q, period) < travel):
            return (d, q)
    return None


# ------------------------------------------------------------------ the candidate pairs


@pytest.mark.parametrize("small_batches", [False, True])
def test_all_pairs_at_once_are_each_mentees_allowed_mentors(
    monkeypatch: pytest.MonkeyPatch, small_batches: bool
) -> None:
    """``allowed_pairs`` (every mentee at once, by subject set, in blocks) lists for each
    mentee exactly the mentors the filters keep for it alone, in index order; blocks of a
    few pairs give the same pairs."""
    if small_batches:
        monkeypatch.setattr(cand, "PAIRS_AT_ONCE", 7)
    for data in _instances():
        pool = cand.Pool.build(data)
        jj, ii = allowed_pairs(pool)
        for j in range(len(pool.mentees)):
            assert ii[jj == j].tolist() == allowed_mentors(pool, j).tolist()
        assert (jj[1:] >= jj[:-1]).all()


def test_the_filters_run_per_subject_set_not_per_mentee(monkeypatch: pytest.MonkeyPatch) -> None:
    """Building the district's pairs runs each pair filter once per set of mentee subjects
    (one block each), not once per mentee (the first implementation: 1 call per mentee)."""
    calls: dict[str, int] = {}

    def counted(family: str, fn: cand.PairFilter) -> cand.PairFilter:
        def run(pool: cand.Pool, s: cand.Slate) -> object:
            calls[family] = calls.get(family, 0) + 1
            return fn(pool, s)
        return run  # type: ignore[return-value]

    monkeypatch.setattr(cand, "PAIR_FILTERS",
                        tuple((f, counted(f, fn)) for f, fn in cand.PAIR_FILTERS))
    data = _district()
    mp = build_problem(data)
    pool = mp.filters()
    sets = {frozenset(e.subjects) for e in pool.mentees}
    assert len(pool.mentees) > 5 * len(sets)
    assert 0 < calls["subject"] <= len(sets)
    assert calls["observation"] <= len(sets)


def test_suggested_periods_are_the_checkers_free_slots() -> None:
    """The periods suggested for all chosen pairs at once are, pair by pair, the ones
    :meth:`Pool.suggested_periods` gives alone and the checker's :func:`observation_slots`."""
    for data in (_district(), *(random_data(seed) for seed in range(15))):
        mp = build_problem(data)
        p, pool = mp.problem, mp.filters()
        pairs = Pairing(_greedy_reference(p)).pairs(p)
        many = pool.suggested_many(pairs)
        assert len(many) == len(pairs)
        for (i, e), (a, b) in zip(pairs, many, strict=True):
            assert (a, b) == pool.suggested_periods(e, i)
            m, t = data.teacher[p.mentors[i]], data.teacher[p.mentees[e]]
            assert (a, b) == observation_slots(data, m, t)


def test_checker_day_index_finds_the_first_conflicting_lesson() -> None:
    """``slot_conflict`` (lessons indexed by day once) names the lesson the plain scan over
    the sorted timetable finds, for every weekday, period and a range of trips."""
    data = _district()
    rng = random.Random(3)
    teachers = rng.sample(data.teachers, 60)
    for t in teachers:
        for travel in (0.0, 5.0, 10.0, 12.0, 25.0, 40.0, 55.5, 90.0, 400.0):
            for day in range(1, 8):
                for period in range(1, 13):
                    assert slot_conflict(data, t, (day, period), travel) == _conflict_reference(
                        data, t.id, (day, period), travel)


# ------------------------------------------------------------------ greedy, preferences


def test_greedy_on_arrays_is_the_plain_greedy() -> None:
    """The greedy start on arrays picks the pairs of the plain greedy: teacher problems
    (forced and past pairs, wishes), the same with the sense turned to costs, and a
    problem with ties and duplicated pairs."""
    for data in _instances():
        p = build_problem(data).problem
        assert greedy(p).chosen == _greedy_reference(p)
        p.sense = "min"
        assert greedy(p).chosen == _greedy_reference(p)
    rng = random.Random(5)
    for _ in range(30):
        n_m, n_e = rng.randint(1, 5), rng.randint(1, 8)
        cands = [Candidate(rng.randrange(n_m), rng.randrange(n_e), rng.randint(-2, 3),
                           rng.randint(0, 4)) for _ in range(rng.randint(0, 25))]
        p = PairingProblem(mentors=[f"m{i}" for i in range(n_m)],
                           mentees=[f"e{j}" for j in range(n_e)], candidates=cands,
                           capacity=[rng.choice([None, 0, 1, 2]) for _ in range(n_m)],
                           budget=[rng.choice([None, 3, 6]) for _ in range(n_m)],
                           mandatory=[rng.random() < 0.5 for _ in range(n_e)])
        assert greedy(p).chosen == _greedy_reference(p)


def test_preference_lists_on_arrays_are_the_sorted_lists() -> None:
    """``score_preferences`` equals one ``sorted`` per teacher, with stated prefixes that
    name allowed, disallowed and repeated teachers; ``teacher_preferences`` on the
    district's wishes too."""
    rng = random.Random(11)
    for data in _instances():
        p = build_problem(data).problem
        ne, nm = len(p.mentees), len(p.mentors)
        mentee_first = {e: [rng.randrange(nm) for _ in range(rng.randint(0, 3))]
                        for e in rng.sample(range(ne), min(ne, 3))} if nm else {}
        mentor_first = {i: [rng.randrange(ne) for _ in range(rng.randint(0, 3))]
                        for i in rng.sample(range(nm), min(nm, 3))} if ne else {}
        got = score_preferences(p, mentee_first, mentor_first)
        want = _preferences_reference(p, mentee_first, mentor_first)
        assert (got.mentee, got.mentor, got.stated) == (want.mentee, want.mentor, want.stated)
    mp = build_problem(_district())
    prefs = teacher_preferences(mp)
    assert prefs.stated
    want = _preferences_reference(mp.problem, {}, {})
    plain = [e for e, lst in enumerate(prefs.mentee)
             if not any((i, e) in prefs.stated for i in lst)]
    assert all(prefs.mentee[e] == want.mentee[e] for e in plain)


def test_blocking_pairs_of_stated_wishes_are_the_stated_blocking_pairs() -> None:
    """Looking only at the stated pairs gives the blocking pairs among all that were
    stated, in the candidates' order; ``pairing_of`` finds the chosen candidates."""
    for data in _instances():
        mp = build_problem(data)
        p = mp.problem
        chosen = _greedy_reference(p)
        pairing = pairing_of(p, [(p.mentors[c.mentor], p.mentees[c.mentee])
                                 for c in (p.candidates[k] for k in chosen)])
        assert pairing.chosen == chosen
        prefs = teacher_preferences(mp)
        every = blocking_pairs(p, pairing, prefs)
        assert blocking_pairs(p, pairing, prefs, stated_only=True) == [
            b for b in every if b in prefs.stated]
