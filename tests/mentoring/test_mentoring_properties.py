"""Property-based tests: generated mentoring instances come back with zero violations from the
independent checkers, and the recomputed objective levels equal the solver's."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assignments.core.solver import SolveStatus
from assignments.mentoring import (
    Candidate,
    PairingProblem,
    build_problem,
    check,
    check_pairing,
    objective_levels,
    pairing_levels,
    solve,
    solve_pairing,
)
from assignments.mentoring.data import MentoringData, Policy, School, Teacher
from assignments.mentoring.stable import stable_matching, teacher_preferences
from assignments.pairing.heuristics.greedy import greedy

SUBJECTS = ("语文", "数学")
SLOTS = [(d, p) for d in range(1, 6) for p in range(1, 5)]


@st.composite
def teacher_data(draw: st.DrawFn) -> MentoringData:
    """Two schools, 3–10 teachers with drawn years, subjects, roles, capacity, hours and
    timetables, and a drawn policy."""
    n = draw(st.integers(3, 10))
    teachers = []
    lessons = {}
    for k in range(n):
        tid = f"T{k}"
        teachers.append(Teacher(
            id=tid, school=draw(st.sampled_from(["A", "B"])),
            subjects=[draw(st.sampled_from(SUBJECTS))], years=draw(st.integers(0, 30)),
            roles=draw(st.sampled_from([[], [], ["骨干教师"], ["学科带头人"]])),
            new_transfer=draw(st.booleans()), grade_band=draw(st.sampled_from(["小学", None])),
            capacity=draw(st.sampled_from([None, 1, 2, 3])),
            hours=draw(st.sampled_from([None, 11.0, 25.0])),
        ))
        lessons[tid] = frozenset(draw(st.lists(st.sampled_from(SLOTS), min_size=1, max_size=6)))
    policy = Policy(
        semester_weeks=draw(st.sampled_from([3, 18])),
        capacity_default=draw(st.integers(1, 3)),
        max_travel=draw(st.sampled_from([10.0, 40.0])),
        objective_mode=draw(st.sampled_from(["lexicographic", "weighted"])),
        quality_tolerance=draw(st.sampled_from([0.0, 0.0, 5.0])),
    )
    return MentoringData(
        policy=policy, schools=[School(id="A"), School(id="B", area="rural", weak=True)],
        teachers=teachers, lessons=lessons, travel={("A", "B"): 30.0, ("B", "A"): 30.0},
    )


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(teacher_data())
def test_teacher_solutions_are_valid(data: MentoringData) -> None:
    """Every solve returns pairs the independent checker accepts, with the same levels."""
    res = solve(data, time_limit=10, num_workers=1, deterministic=True)
    assert res.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)
    assert res.solution is not None
    assert check(data, res.solution) == []
    levels = objective_levels(data, res.solution)
    assert all(levels[k] == v for k, v in res.objectives.items())
    # every mentee without a mentor has a reason
    paired = {p.mentee for p in res.solution.pairs}
    mentees = {t.id for t in data.teachers if data.is_mentee(t)}
    assert set(res.solution.unpaired) == mentees - paired


@settings(max_examples=30, deadline=None)
@given(teacher_data())
def test_greedy_and_stable_are_valid(data: MentoringData) -> None:
    """The greedy baseline and the stable matching respect every hard rule."""
    mp = build_problem(data)
    assert check_pairing(mp.problem, greedy(mp.problem)) == []
    assert check_pairing(mp.problem, stable_matching(mp.problem,
                                                     teacher_preferences(mp))) == []


@st.composite
def problems(draw: st.DrawFn) -> PairingProblem:
    """A generic problem: 1–4 mentors, 1–6 mentees, drawn candidate pairs, scores, loads."""
    m, n = draw(st.integers(1, 4)), draw(st.integers(1, 6))
    cands = [Candidate(i, e, draw(st.integers(-3, 20)), draw(st.integers(0, 9)))
             for i in range(m) for e in range(n) if draw(st.booleans())]
    return PairingProblem(
        mentors=[f"m{i}" for i in range(m)], mentees=[f"e{e}" for e in range(n)],
        candidates=cands, capacity=[draw(st.sampled_from([None, 1, 2])) for _ in range(m)],
        budget=[draw(st.sampled_from([None, 5, 12])) for _ in range(m)],
        mandatory=[draw(st.booleans()) for _ in range(n)],
        balance_weight=draw(st.integers(0, 2)),
    )


@settings(max_examples=40, deadline=None)
@given(problems(), st.sampled_from(["cpsat", "reduce"]))
def test_generic_solutions_are_valid(p: PairingProblem, engine: str) -> None:
    """Both engines return valid pairings whose recomputed levels equal the reported ones."""
    res = solve_pairing(p, time_limit=10, num_workers=1, deterministic=True, engine=engine)
    assert res.status is SolveStatus.OPTIMAL and res.solution is not None
    assert check_pairing(p, res.solution) == []
    assert pairing_levels(p, res.solution) == {k: int(v) for k, v in res.objectives.items()}
