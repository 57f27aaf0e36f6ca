"""The candidate pairs: one named filter per rule of DOMAIN §M, the same set as before the split.

The candidate set of :func:`build_problem` is compared with a brute-force filter written here
from DOMAIN §M (plain loops over every teacher pair, reading the raw records), on the shipped
examples and on random small instances; and with fingerprints of the set built by the code
before the filters were split (see :data:`BEFORE`). The rule registry gives every filter and
model family a rule key, each filter's docstring names it, and the unpaired reasons quote it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import math
import re

import pytest
from mentoring_fixtures import DISTRICT_XLSX, TINY_XLSX, random_data

from assignments.mentoring.candidates import (
    PAIR_FILTERS,
    TEACHER_FILTERS,
    MentorProblem,
    build_problem,
    exclusions,
)
from assignments.mentoring.data import MentoringData, Policy, School, Teacher, read_mentoring
from assignments.mentoring.explain import unpaired_reasons
from assignments.mentoring.report import mentoring_tables
from assignments.mentoring.rules import RULES, figures
from assignments.mentoring.solution import MentorSolution
from assignments.pairing.problem import Pairing

LANG = "en"  # these tests read the English messages (msgids); Chinese: test_mentoring_zh_outputs.py

BEFORE = {
    "tiny": (7, "441113ae93583469"),
    "district": (4684, "a272f27acfb77c3d"),
}
"""(candidate count, fingerprint) of the shipped examples: sha256 of the lines
``mentor>mentee:score:load``, one per candidate in order, first 16 hex digits (the same
function as :func:`fingerprint`). First computed with the code before the filters were split
(main at bdc57c7: tiny 8, district 5,376 pairs); recomputed for issue 17 (observation periods
leave the travel time free, the mentee's trips in the load, the 同校/就近 score terms: tiny 7,
district 4,684), each set equal to the brute force below."""


def fingerprint(mp: MentorProblem) -> tuple[int, str]:
    p = mp.problem
    rows = [f"{p.mentors[c.mentor]}>{p.mentees[c.mentee]}:{c.score}:{c.load}"
            for c in p.candidates]
    return len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest()[:16]


# ------------------------------------------------------------------ brute force from DOMAIN §M


def _first_broken(data: MentoringData, m: Teacher, e: Teacher) -> str | None:
    """The first pair rule (family name, in the builder's order) ``m`` – ``e`` breaks, read
    straight from DOMAIN §M and the raw records; None when the pair is allowed. ``m`` is a
    possible mentor and ``e`` a mentee (rules M1, M2 checked by the caller)."""
    p = data.policy
    same = set(m.subjects) & set(e.subjects)
    related = p.subject_rule == "related" and any(
        a != b and a in data.groups and data.groups[a] == data.groups.get(b)
        for a in m.subjects for b in e.subjects)
    if not same and not related:
        return "subject"  # M3
    if m.years - e.years < p.min_gap:
        return "experience"  # M2
    travel = 0.0
    if m.school != e.school:
        t = data.travel_minutes(m.school, e.school)
        linked = (e.school in data.school[m.school].partners
                  or m.school in data.school[e.school].partners)
        if not linked and (t is None or t > p.max_travel):
            return "travel"  # M4
        travel = p.max_travel if t is None else t
    if data.lessons is not None:
        mine, theirs = data.lessons.get(m.id, set()), data.lessons.get(e.id, set())

        def clock(q: int) -> tuple[int, int]:  # minutes into the day: start, end
            start = (q - 1) * (p.lesson_minutes + p.break_minutes)
            return start, start + p.lesson_minutes

        def can_see(observer: set[tuple[int, int]], slot: tuple[int, int]) -> bool:
            s0, s1 = clock(slot[1])
            for d, q in observer:
                o0, o1 = clock(q)
                if d == slot[0] and (q == slot[1] or max(s0 - o1, o0 - s1) < travel):
                    return False
            return True

        watch = len([s for s in theirs if can_see(mine, s)])  # mentee lessons the mentor sees
        seen = len([s for s in mine if can_see(theirs, s)])
        if (watch * p.semester_weeks < p.mentor_observations
                or seen * p.semester_weeks < p.mentee_observations):
            return "observation"  # M4
    minutes = (p.mentor_observations * p.lesson_minutes
               + (p.mentor_observations + p.mentee_observations) * p.review_minutes
               + math.ceil((p.trips + p.mentee_trips) * 2 * travel))
    budget = round((p.hours_default if m.hours is None else m.hours) * 60)
    if minutes > budget:
        return "pair_hours"  # M5
    if any(f.mentor == m.id and f.mentee == e.id for f in data.forbidden):
        return "forbidden"  # M6
    return None


def brute_force(data: MentoringData) -> dict[tuple[str, str], str | None]:
    """(mentor, mentee) -> first broken pair rule, over every possible mentor and mentee."""
    p = data.policy
    forced_mentees = {f.mentee for f in data.forced}

    def mentee(t: Teacher) -> bool:  # M1
        return (t.years < p.novice_years or bool(t.new_transfer) or bool(t.needs_upgrade)
                or bool(t.wants_mentor) or t.id in forced_mentees)

    def mentor(t: Teacher) -> bool:  # M2 (and capacity > 0, M5)
        ok = t.can_mentor if t.can_mentor is not None else (
            len(t.roles) > 0 or t.years >= p.experience_threshold)
        cap = p.capacity_default if t.capacity is None else t.capacity
        return bool(ok) and not mentee(t) and cap > 0

    mentors = [t for t in data.teachers if mentor(t)]
    return {(m.id, e.id): _first_broken(data, m, e)
            for e in data.teachers if mentee(e) for m in mentors}


def candidate_pairs(mp: MentorProblem) -> set[tuple[str, str]]:
    p = mp.problem
    return {(p.mentors[c.mentor], p.mentees[c.mentee]) for c in p.candidates}


@pytest.fixture(scope="module")
def shipped() -> dict[str, MentoringData]:
    return {"tiny": read_mentoring(TINY_XLSX), "district": read_mentoring(DISTRICT_XLSX)}


@pytest.mark.parametrize("name", ["tiny", "district"])
def test_shipped_examples_same_candidates_as_before(
    shipped: dict[str, MentoringData], name: str
) -> None:
    """tiny.xlsx and district.xlsx: the same candidate pairs, scores and loads, in the same
    order, as the builder before the split (count and fingerprint in :data:`BEFORE`)."""
    assert fingerprint(build_problem(shipped[name])) == BEFORE[name]


@pytest.mark.parametrize("name", ["tiny", "district"])
def test_shipped_examples_match_brute_force(shipped: dict[str, MentoringData], name: str) -> None:
    """The candidate pairs are exactly the pairs that break no rule of the brute force, and
    :func:`exclusions` names the same first broken rule for every other pair."""
    data = shipped[name]
    mp = build_problem(data)
    truth = brute_force(data)
    assert candidate_pairs(mp) == {k for k, v in truth.items() if v is None}
    assert len(candidate_pairs(mp)) == BEFORE[name][0]
    pool = mp.filters()
    for j, e in enumerate(pool.mentees):
        for family, mentors in exclusions(pool, j).items():
            for i in mentors:
                assert truth[(pool.mentors[i].id, e.id)] == family


@pytest.mark.parametrize("seed", range(40))
def test_random_instances_match_brute_force(seed: int) -> None:
    """Random small instances (related subjects, travel, forbidden pairs, budgets): the same
    candidate set as the brute force from DOMAIN §M."""
    data = random_data(seed)
    truth = brute_force(data)
    assert candidate_pairs(build_problem(data)) == {k for k, v in truth.items() if v is None}


# ------------------------------------------------------------------ the rule registry


def test_every_domain_rule_is_registered() -> None:
    """M1–M6 hard (DOMAIN §M rules 1–6), the objective levels MO1–MO3 soft, each with both
    labels and a doc line."""
    for n in range(1, 7):
        rule = RULES.rule(f"M{n}")
        assert rule.hard and rule.domain == f"DOMAIN §M rule {n}"
    assert [RULES.hard(k) for k in ("MO1", "MO2", "MO3")] == [False, False, False]
    assert all(r.zh and r.en and r.doc for r in RULES)


def test_every_family_has_a_rule_key() -> None:
    """Every filter family and every family of the pairing model's FAMILIES table names a
    rule of the registry; each filter's docstring starts with that rule key and family."""
    for family, fn in (*TEACHER_FILTERS, *PAIR_FILTERS):
        key = RULES.rule(family).key
        assert (fn.__doc__ or "").startswith(f"{key} (family ``{family}``)"), fn.__name__
    model_families = set(importlib.import_module("assignments.pairing.model").FAMILIES)
    assert {"allowed", "one_mentor", "heads", "hours", "forced"} <= model_families
    for family in model_families:
        assert family in RULES, family
    assert {"mandatory", "quality", "fairness"} <= set(RULES.families)


def test_labels_and_figures() -> None:
    """Labels in both languages; describe() prints the instance's own figures."""
    assert RULES.label("travel") == "M4 可以听课·路程"
    assert RULES.label("travel", "en") == "M4 observation possible (travel)"
    assert RULES.label("subject") == "M3 同学科"
    text = RULES.describe("M4", figures(Policy(max_travel=25, semester_weeks=16)))
    assert "travel ≤ 25 min" in text and "in 16 teaching weeks" in text
    assert "{" not in RULES.describe("M5", figures(Policy()))
    assert all("{" not in RULES.describe(r.key, figures(Policy())) for r in RULES)


# ------------------------------------------------------------------ reasons and reports


def test_unpaired_reasons_quote_the_rule(shipped: dict[str, MentoringData]) -> None:
    """tiny: 孙悦 (T10) has no candidate — both 语文 mentors are too far (M4 travel) — and 吴静
    (T09) shares no free period with the 英语 mentor (M4 timetable); the reasons quote the
    registry labels in the language asked for."""
    mp = build_problem(shipped["tiny"])
    nobody = Pairing([])
    zh = unpaired_reasons(mp, nobody, lang="zh")
    en = unpaired_reasons(mp, nobody, lang="en")
    assert "2 位路程太远（> 40 分钟，且两校无结对关系） [M4 可以听课·路程]" in zh["T10"]
    assert "[M4 可以听课·课表]" in zh["T09"] and "18 周共 0 节 < 听课 5 节" in zh["T09"]
    assert "2 are too far (> 40 min, no partner link) [M4 observation possible (travel)]" in \
        en["T10"]
    assert "[M4 observation possible (timetable)]" in en["T09"]
    assert "0 in 18 weeks < 5 observations" in en["T09"]


def test_unpaired_reason_without_a_subject_mentor() -> None:
    """A mentee whose subject no qualified mentor teaches: the reason names M3 and M2."""
    data = MentoringData(
        policy=Policy(), schools=[School(id="A")],
        teachers=[Teacher(id="m", school="A", subjects=["数学"], years=20),
                  Teacher(id="e", school="A", subjects=["音乐"], years=1)])
    mp = build_problem(data)
    reason = unpaired_reasons(mp, Pairing([]))["e"]
    assert reason.startswith("no qualified mentor teaches 音乐 [M3 same subject]")
    assert "≥ 10 years" in reason and "M2 who may mentor (qualified)" in reason
    reason = unpaired_reasons(mp, Pairing([]), lang="zh")["e"]
    assert reason.startswith("没有任教音乐的合格师傅 [M3 同学科]")
    assert "教龄 ≥ 10 年" in reason and "M2 师傅资格·资格" in reason


def test_report_notes_list_the_rules_with_figures(shipped: dict[str, MentoringData]) -> None:
    """The 说明 sheet has one 规则 row per registered rule, with the input's figures."""
    data = shipped["tiny"]
    data = dataclasses.replace(data, policy=data.policy.model_copy(update={"max_travel": 35}))
    notes = mentoring_tables(data, MentorSolution([]), lang="zh")["说明"]
    rules = notes[notes["类别"] == "规则"]["内容"].tolist()
    assert len(rules) == len(list(RULES))
    m4 = next(x for x in rules if x.startswith("M4 可以听课 (硬性)"))
    assert "≤ 35 分钟" in m4
    assert any(re.match(r"MO3 公平 \(软性\)", x) for x in rules)
    en = mentoring_tables(data, MentorSolution([]), lang="en")["notes"]
    m4 = next(x for x in en["text"] if x.startswith("M4 observation possible (hard)"))
    assert "≤ 35 min" in m4
