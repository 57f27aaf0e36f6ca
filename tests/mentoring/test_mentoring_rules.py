"""Each rule of DOMAIN §M holds in solved pairings and is caught by the checker when broken.

Small hand-made problems, built directly as MentoringData; every solve is checked by the
independent checker (check + objective_levels) inside ``solve`` and again here.
"""

from __future__ import annotations

from typing import Any

import pytest

from assignments.core.rules import Violation
from assignments.core.solver import SolveStatus
from assignments.mentoring import MentorPair, MentorSolution, check, objective_levels, solve
from assignments.mentoring.candidates import build_problem
from assignments.mentoring.data import (
    MentoringData,
    PairRow,
    PastPair,
    Policy,
    Rating,
    School,
    Teacher,
)
from assignments.mentoring.explain import explain_forced
from assignments.mentoring.rules import RULES

LANG = "en"  # these tests read the English messages (msgids); Chinese: test_mentoring_zh_outputs.py

FREE = frozenset({(1, 1), (2, 1), (3, 1)})  # a mentor's lessons
OTHER = frozenset({(1, 2), (2, 2), (3, 2)})  # a mentee's lessons, never at the same time
LATER = frozenset({(1, 4), (2, 4), (3, 4)})  # another school's mentee: room for the trip


def T(tid: str, years: int, **kw: Any) -> Teacher:
    """A teacher of 语文 at school A unless told otherwise."""
    return Teacher(id=tid, school=kw.pop("school", "A"), subjects=kw.pop("subjects", ["语文"]),
                   years=years, grade_band=kw.pop("grade_band", "小学"), **kw)


def mk(*teachers: Teacher, policy: Policy | None = None, lessons: dict[str, Any] | None = None,
       **kw: Any) -> MentoringData:
    """Schools A (urban) and B (rural, weak, 20 min away); lessons default: mentors (≥ 5 years)
    teach FREE, mentees OTHER (LATER at another school than A)."""
    schools = kw.pop("schools", [School(id="A"), School(id="B", area="rural", weak=True)])
    less = {t.id: (FREE if t.years >= 5 else OTHER if t.school == "A" else LATER)
            for t in teachers}
    less.update(lessons or {})
    return MentoringData(policy=policy or Policy(), schools=schools, teachers=list(teachers),
                         lessons=less, travel=kw.pop("travel", {("A", "B"): 20.0,
                                                                ("B", "A"): 20.0}), **kw)


def pairs_of(data: MentoringData, **kw: Any) -> set[tuple[str, str]]:
    res = solve(data, time_limit=10, num_workers=1, deterministic=True, **kw)
    assert res.status is SolveStatus.OPTIMAL, res.explanation
    assert res.solution is not None and check(data, res.solution) == []
    return {(p.mentor, p.mentee) for p in res.solution.pairs}


# ---------------------------------------------------------------- rule 1: who must have a mentor


def test_m1_who_must_have_a_mentor() -> None:
    """Fewer than 3 years, newly transferred, needs upgrading: mandatory; asking: optional."""
    data = mk(T("a", 2), T("b", 3), T("c", 8, new_transfer=True), T("d", 9, needs_upgrade=True),
              T("e", 4, wants_mentor=True))
    assert [data.is_mandatory(t) for t in data.teachers] == [True, False, True, True, False]
    assert [data.is_mentee(t) for t in data.teachers] == [True, False, True, True, True]


# ---------------------------------------------------------------- rule 2: who may mentor


def test_m2_who_may_mentor() -> None:
    """A role or ≥ 10 years qualifies; 可任师傅 = 否 excludes; = 是 includes."""
    data = mk(T("lead", 6, roles=["学科带头人"]), T("old", 10), T("young", 9),
              T("no", 20, can_mentor=False), T("yes", 7, can_mentor=True))
    assert [data.qualifies(t) for t in data.teachers] == [True, True, False, False, True]


def test_m2_more_experienced() -> None:
    """A mentor needs at least 师徒教龄差 more years: 12 vs 11 fails with a gap of 2."""
    policy = Policy(min_gap=2)
    e = T("e", 11, new_transfer=True)
    assert pairs_of(mk(T("m", 12), e, policy=policy, lessons={"e": OTHER})) == set()
    assert pairs_of(mk(T("m", 13), e, policy=policy, lessons={"e": OTHER})) == {("m", "e")}


# ---------------------------------------------------------------- rule 3: same subject


def test_m3_same_subject_hard() -> None:
    """Different subjects never pair under 同学科."""
    assert pairs_of(mk(T("m", 20, subjects=["数学"]), T("e", 1))) == set()


def test_m3_related_subject_at_a_cost() -> None:
    """Under 相关学科, a same-group subject pairs at −20 points, below a same-subject mentor."""
    policy = Policy(subject_rule="related")
    groups = {"语文": "文科", "历史": "文科"}
    data = mk(T("hist", 20, subjects=["历史"]), T("e", 1), policy=policy, groups=groups)
    assert pairs_of(data) == {("hist", "e")}
    mp = build_problem(data)
    assert mp.score_of(0)["related"] == -20
    data = mk(T("hist", 20, subjects=["历史"]), T("same", 20), T("e", 1), policy=policy,
              groups=groups)
    assert pairs_of(data) == {("same", "e")}


# ---------------------------------------------------------------- rule 4: observation possible


def test_m4_timetable_clash() -> None:
    """A mentee busy in all the mentor's lessons cannot observe 15 of them."""
    data = mk(T("m", 20), T("e", 1), lessons={"e": FREE})
    assert pairs_of(data) == set()


def test_m4_teaching_weeks() -> None:
    """One common free period a week: 18 weeks give 18 ≥ 15 observations, 10 weeks only 10."""
    one = {"m": frozenset({(1, 1), (1, 2)}), "e": frozenset({(1, 2), (2, 3)})}
    assert pairs_of(mk(T("m", 20), T("e", 1), lessons=one)) == {("m", "e")}
    assert pairs_of(mk(T("m", 20), T("e", 1), lessons=one,
                       policy=Policy(semester_weeks=10))) == set()


def test_m4_travel_or_partner() -> None:
    """Cross-school: 20 min is fine under 40; under 15 only a partner link allows it."""
    m, e = T("m", 20), T("e", 1, school="B")
    assert pairs_of(mk(m, e)) == {("m", "e")}
    assert pairs_of(mk(m, e, policy=Policy(max_travel=15))) == set()
    linked = [School(id="A"), School(id="B", area="rural", partners=["A"])]
    assert pairs_of(mk(m, e, policy=Policy(max_travel=15), schools=linked)) == {("m", "e")}


# ---------------------------------------------------------------- rule 5: capacity


def test_m5_head_count() -> None:
    """带徒上限 1 (一对一): one of two mentees."""
    data = mk(T("m", 20, capacity=1), T("e1", 1), T("e2", 2))
    assert len(pairs_of(data)) == 1


def test_m5_hours() -> None:
    """Hours: each same-school pair needs 625 min (10.4 h); a 20 h budget holds one, not two,
    and a cross-school pair (+5 × 2 × 30 min) does not fit a 14 h budget at all."""
    data = mk(T("m", 20, hours=20), T("e1", 1), T("e2", 2))
    assert len(pairs_of(data)) == 1
    data = mk(T("m", 20, hours=14), T("e", 1, school="B"))
    assert pairs_of(data) == set()
    assert build_problem(data).problem.candidates == []


# ---------------------------------------------------------------- rule 6: forced, forbidden, past


def test_m6_forced_and_forbidden() -> None:
    """A forced pair is kept against the score; a forbidden pair is never made."""
    base = [T("city", 20, roles=["省级骨干教师"]), T("plain", 15), T("e", 1)]
    assert pairs_of(mk(*base)) == {("city", "e")}
    assert pairs_of(mk(*base, forced=[PairRow(mentor="plain", mentee="e")])) == {("plain", "e")}
    assert pairs_of(mk(*base, forbidden=[PairRow(mentor="city", mentee="e")])) == {("plain", "e")}


def test_m6_forced_pair_breaking_a_rule_is_explained() -> None:
    """A forced pair of different subjects: infeasible, and the message names rule M3 by its
    registry label (Chinese by default, English on request)."""
    data = mk(T("m", 20, subjects=["数学"]), T("e", 1), forced=[PairRow(mentor="m", mentee="e")])
    res = solve(data, time_limit=5, num_workers=1, lang="zh")
    assert res.status is SolveStatus.INFEASIBLE
    assert any("指定结对 m – e" in x and "[M3 同学科]" in x and "m 任教数学，e 任教语文" in x
               for x in res.explanation)
    en = explain_forced(build_problem(data), lang="en")
    assert any("[M3 same subject]" in x for x in en), en


def test_m6_forced_beyond_capacity_is_explained() -> None:
    """Two forced mentees for a mentor of capacity 1: infeasible, naming 带徒上限 (M5)."""
    data = mk(T("m", 20, capacity=1), T("e1", 1), T("e2", 1),
              forced=[PairRow(mentor="m", mentee="e1"), PairRow(mentor="m", mentee="e2")])
    res = solve(data, time_limit=5, num_workers=1, lang="zh")
    assert res.status is SolveStatus.INFEASIBLE
    assert any("[M5 带徒容量·人数]" in x and "带徒上限 1" in x for x in res.explanation)
    res = solve(data, time_limit=5, num_workers=1)
    assert any("[M5 capacity (head count)]" in x and "带徒上限 1" in x for x in res.explanation)


def test_m6_continuity() -> None:
    """Last year's pair scores +30 (bonus) and is kept when 延续结对 = 必须."""
    base = [T("city", 20, roles=["市级骨干教师"]), T("plain", 15), T("e", 2)]
    past = [PastPair(mentor="plain", mentee="e", rating=Rating.GOOD)]
    assert pairs_of(mk(*base)) == {("city", "e")}  # 30 level points
    assert pairs_of(mk(*base, past=past)) == {("plain", "e")}  # +30 continuity wins the tie
    poor = [PastPair(mentor="plain", mentee="e", rating=Rating.POOR)]
    assert pairs_of(mk(*base, past=poor)) == {("city", "e")}
    strong = [T("prov", 20, roles=["省级骨干教师"]), T("plain", 15), T("e", 2)]
    assert pairs_of(mk(*strong, past=past)) == {("prov", "e")}
    assert pairs_of(mk(*strong, past=past, policy=Policy(continuity="required"))) == {
        ("plain", "e")}


# ---------------------------------------------------------------- objective


def test_mandatory_first() -> None:
    """One mentor, a mandatory mentee and an optional one with a higher score: mandatory wins
    (lexicographic); with a small mandatory weight in weighted mode the score wins."""
    m = T("m", 20, capacity=1)
    must = T("must", 1, school="A")
    opt = T("opt", 4, wants_mentor=True, school="B")  # rural + weak: +20
    assert pairs_of(mk(m, must, opt)) == {("m", "must")}
    w = {**Policy().weights, "mandatory": 1, "same_school": 0, "near": 0}
    assert pairs_of(mk(m, must, opt, policy=Policy(objective_mode="weighted", weights=w))) == {
        ("m", "opt")}


def test_fairness_balances_loads() -> None:
    """Two equal mentors, two mentees: one each (fairness), not both with one mentor."""
    data = mk(T("m1", 20), T("m2", 20), T("e1", 1), T("e2", 1))
    assert len({m for m, _e in pairs_of(data)}) == 2


def test_fairness_no_school_drained() -> None:
    """A mentee at B: A's mentor and B's mentor score alike (B's gets no travel); with a
    drain share of 0 % the pair from outside costs fairness points and B's own mentor wins."""
    a = T("a", 20, roles=["市级骨干教师"])
    b = T("b", 20, school="B", roles=["市级骨干教师"])
    e = T("e", 1, school="B")
    data = mk(a, b, e, policy=Policy(drain_share=0))
    assert pairs_of(data) == {("b", "e")}


# ---------------------------------------------------------------- the checker catches


def checker_data(**kw: Any) -> MentoringData:
    """m and m2 (20 years, qualified), young (5 years, no role), mentees e1–e4 (1 year), x
    (数学), far (school C, no travel time), busy (teaches in all m's periods), mid (5 years,
    needs no mentor), senior (new transfer with 25 years), newcomer (new transfer with 15
    years, teaching FREE); m–e1 forced, m–e3 forbidden."""
    return mk(
        T("m", 20), T("m2", 20), T("young", 5), T("e1", 1), T("e2", 1), T("e3", 1), T("e4", 1),
        T("x", 1, subjects=["数学"]), T("far", 1, school="C"), T("busy", 1), T("mid", 5),
        T("senior", 25, new_transfer=True), T("newcomer", 15, new_transfer=True),
        lessons={"busy": FREE, "mid": OTHER, "senior": OTHER},
        schools=[School(id="A"), School(id="B"), School(id="C")],
        forced=[PairRow(mentor="m", mentee="e1")],
        forbidden=[PairRow(mentor="m", mentee="e3")],
        policy=kw.pop("policy", Policy(hours_default=50)),  # far's unknown travel: 40 min
        **kw,
    )


VALID = [("m", "e1"), ("m2", "e2")]


def keys(data: MentoringData, pairs: list[tuple[str, str]]) -> list[str]:
    return sorted({v.rule for v in check(data, MentorSolution([MentorPair(m, e)
                                                                for m, e in pairs]))})


def test_checker_valid_start() -> None:
    """The starting solution of the mutation tests breaks nothing, and so does the solver's
    own answer on the same data."""
    data = checker_data()
    assert keys(data, VALID) == []
    assert pairs_of(data) >= {("m", "e1")}


@pytest.mark.parametrize(
    ("pairs", "rule", "figure"),
    [
        ([*VALID, ("m2", "mid")], "M1", "mid neither must have a mentor"),  # 5 years, no flag
        ([("m", "e1"), ("m2", "e1")], "M1", "e1 has 2 mentors"),  # one mentor each
        ([("m", "e1"), ("young", "e2")], "M2", "5 years of teaching (< 10)"),  # not qualified
        ([*VALID, ("m", "senior")], "M2", "m has 20 years of teaching, senior 25"),  # experience
        ([*VALID, ("newcomer", "e4")], "M2", "newcomer is a mentee this semester"),
        ([*VALID, ("m", "x")], "M3", "m teaches 语文, x 数学"),  # other subject
        ([*VALID, ("m", "busy")], "M4", "0 in 18 weeks < 15 observations"),  # timetable clash
        ([*VALID, ("m", "far")], "M4", "no travel time between A and C"),  # cross-school
        ([("m", "e1"), ("m", "e2"), ("m", "e4")], "M5", "m has 3 mentees, capacity 2"),
        ([("m2", "e2")], "M6", "m – e1 must be kept (forced)"),  # forced pair dropped
        ([*VALID, ("m", "e3")], "M6", "forbidden pair (禁止结对)"),
        ([*VALID, ("m", "ghost")], "M0", "unknown teacher in pair m – ghost"),
    ],
)
def test_checker_reports_exactly_the_broken_rule(
    pairs: list[tuple[str, str]], rule: str, figure: str
) -> None:
    """A valid solution mutated to break one hard rule: the checker reports exactly that rule
    key, with a message locating the pair and giving the recomputed figure."""
    data = checker_data()
    sol = MentorSolution([MentorPair(m, e) for m, e in pairs])
    found = check(data, sol)
    assert sorted({v.rule for v in found}) == [rule], found
    assert all(isinstance(v, Violation) for v in found)
    assert any(figure in v.message for v in found), found
    assert all(v.rule in RULES and RULES.hard(v.rule) for v in found)


def test_checker_continuity_required() -> None:
    """延续结对 = 必须: last year's pair m2–e2 dropped is rule M6 (continuity)."""
    past = [PastPair(mentor="m2", mentee="e2", rating=Rating.GOOD)]
    data = checker_data(past=past, policy=Policy(continuity="required"))
    assert keys(data, VALID) == []
    found = check(data, MentorSolution([MentorPair("m", "e1"), MentorPair("m", "e2")]))
    assert [v.rule for v in found] == ["M6"]
    assert found[0].message.startswith("M6 forced, forbidden, continuity (continuity)")


def test_checker_hours() -> None:
    """Two same-school pairs (20.8 h) against a 20 h budget: rule M5 (hours), figures given."""
    data = mk(T("m", 20, hours=20), T("e1", 1), T("e2", 1))
    sol = MentorSolution([MentorPair("m", "e1"), MentorPair("m", "e2")])
    found = check(data, sol)
    assert [v.rule for v in found] == ["M5"]
    assert "m needs 20.8 h, budget 20.0 h" in found[0].message
    levels = objective_levels(data, sol)
    assert levels["mandatory"] == 0 and levels["fairness"] == 1


def test_checker_is_independent_of_the_candidate_builder() -> None:
    """solution.py imports nothing from candidates.py (build_problem, the pair filters)."""
    import ast
    import inspect

    from assignments.mentoring import solution

    tree = ast.parse(inspect.getsource(solution))
    modules = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    modules |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not any(m and "candidates" in m for m in modules), modules
    assert not any(m and ("ortools" in m or ".model" in m) for m in modules), modules
