"""Issue 17, mentor pairing points 11–14 and ``mentoring check``: each point's model, its
independent checker and the outputs a person reads."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from mentoring_fixtures import ROOT, TINY_XLSX, read_records, teacher, tiny_records, write_records

from assignments.core.errors import InputError
from assignments.core.solver import SolveStatus
from assignments.mentoring import MentorPair, MentorSolution, check, read_mentoring, solve
from assignments.mentoring.candidates import build_problem
from assignments.mentoring.data import MentoringData, Policy, School, Teacher
from assignments.mentoring.report import mentoring_tables, periods_text
from assignments.mentoring.rules import RULES
from assignments.mentoring.schools import (
    check_placement,
    check_school_pairs,
    school_problem,
    solve_placement,
)
from assignments.mentoring.solution import (
    idle_same_school,
    observation_slots,
    pair_load,
    period_violations,
)

LANG = "en"  # these tests read the English messages (msgids); Chinese: test_mentoring_zh_outputs.py


def run(*args: str) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("assignments")
    base = [exe] if exe else [sys.executable, "-m", "assignments.cli"]
    return subprocess.run([*base, *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def T(tid: str, years: int, school: str = "A", **kw: Any) -> Teacher:
    return Teacher(id=tid, name=kw.pop("name", tid), school=school,
                   subjects=kw.pop("subjects", ["语文"]), years=years, grade_band="小学", **kw)


def two_schools(*teachers: Teacher, lessons: dict[str, set[tuple[int, int]]],
                policy: Policy | None = None, minutes: float = 25) -> MentoringData:
    """Schools A (urban) and B (rural), ``minutes`` apart."""
    return MentoringData(
        policy=policy or Policy(), schools=[School(id="A"), School(id="B", area="rural")],
        teachers=list(teachers), lessons={k: frozenset(v) for k, v in lessons.items()},
        travel={("A", "B"): minutes, ("B", "A"): minutes})


def pairs(data: MentoringData) -> set[tuple[str, str]]:
    res = solve(data, time_limit=5, num_workers=1, deterministic=True)
    assert res.status is SolveStatus.OPTIMAL and res.solution is not None
    assert check(data, res.solution) == []
    return {(p.mentor, p.mentee) for p in res.solution.pairs}


# ---------------------------------------------------------------- 11: travel around a period

MENTOR = {(1, 1), (2, 3), (3, 1), (4, 1), (5, 1)}  # at school A
MENTEE = {(2, 4), (1, 6), (3, 6), (4, 6), (5, 6)}  # at school B, 25 min away


def test_p11_no_period_next_to_own_lesson() -> None:
    """张敏's case: the mentor teaches 周二第3节 at their own school, 25 min away; the mentee's
    周二第4节 starts 10 min later, so it is neither counted nor suggested (nor the other way)."""
    data = two_schools(T("m", 20), T("e", 1, "B"), lessons={"m": MENTOR, "e": MENTEE})
    m, e = data.teacher["m"], data.teacher["e"]
    watch, seen = observation_slots(data, m, e)
    assert (2, 4) not in watch and (1, 6) in watch
    assert (2, 3) not in seen  # the mentee teaches 周二第4节: no time back
    res = solve(data, time_limit=5, num_workers=1)
    assert res.solution is not None
    pair = res.solution.pairs[0]
    assert pair.mentor_periods is not None and (2, 4) not in pair.mentor_periods
    assert (1, 6) in pair.mentor_periods
    # within one school the next period is fine
    same = two_schools(T("m", 20), T("e", 1), lessons={"m": MENTOR, "e": MENTEE})
    assert (2, 4) in observation_slots(same, same.teacher["m"], same.teacher["e"])[0]


def test_p11_pair_needs_enough_reachable_periods() -> None:
    """Every lesson of the mentee sits next to one of the mentor's: no allowed pair across the
    25-minute road (the same timetables within a school are fine)."""
    lessons = {"m": {(d, 1) for d in range(1, 6)}, "e": {(d, 2) for d in range(1, 6)}}
    far = two_schools(T("m", 20), T("e", 1, "B"), lessons=lessons)
    assert not build_problem(far).problem.candidates
    assert pairs(far) == set()
    near = two_schools(T("m", 20), T("e", 1), lessons=lessons)
    assert pairs(near) == {("m", "e")}
    # break of 30 min: 30 ≥ 25, the next period is reachable again
    wide = two_schools(T("m", 20), T("e", 1, "B"), lessons=lessons,
                       policy=Policy(break_minutes=30))
    assert pairs(wide) == {("m", "e")}


def test_p11_checker_flags_a_period_without_travel_time() -> None:
    """A suggested period next to the observer's own lesson is an M4 violation naming both
    lessons, the gap and the trip; a period the observed teacher does not teach too."""
    data = two_schools(T("m", 20), T("e", 1, "B"), lessons={"m": MENTOR, "e": MENTEE})
    found = check(data, MentorSolution([MentorPair("m", "e", False, ((2, 4), (1, 6)),
                                                   ((1, 1),))]))
    assert [v.rule for v in found] == ["M4"]
    assert "Tue P4" in found[0].message and "Tue P3" in found[0].message
    assert "10 min apart" in found[0].message and "25 min" in found[0].message
    bad = period_violations(data, data.teacher["m"], data.teacher["e"], [(1, 2)], [])
    assert bad and "does not teach" in bad[0].message


def test_p11_mentee_trips_count_in_the_load() -> None:
    """The load of a 25-minute pair: 5 × 45 + 20 × 20 + (5 + 15) round trips × 50 min."""
    data = two_schools(T("m", 20), T("e", 1, "B"), lessons={"m": MENTOR, "e": MENTEE})
    assert pair_load(data, data.teacher["m"], data.teacher["e"]) == 225 + 400 + 20 * 50
    c = build_problem(data).problem.candidates[0]
    assert c.load == 1625
    none = two_schools(T("m", 20), T("e", 1, "B"), lessons={"m": MENTOR, "e": MENTEE},
                       policy=Policy(mentee_trips=0))
    assert pair_load(none, none.teacher["m"], none.teacher["e"]) == 625 + 5 * 50


# ---------------------------------------------------------------- 12: same school first

LOCAL = {"local": {(d, 1) for d in range(1, 6)}, "city": {(d, 1) for d in range(1, 6)},
         "e": {(d, 4) for d in range(1, 6)}}


def test_p12_same_school_mentor_preferred() -> None:
    """秦明's case: a plain 30-year teacher of the mentee's school against a city key teacher
    20 min away: the own school's teacher by default (同校权重 40, 就近权重 20); with both
    weights 0 the key teacher's level wins and the checker warns of the idle local mentor.
    (30 years against 1: no 教龄差 points; the city teacher has 30 level + 10 gap + 10 near.)"""
    people = (T("local", 30, "B"), T("city", 20, "A", roles=["市级骨干教师"]), T("e", 1, "B"))
    data = two_schools(*people, lessons=LOCAL, minutes=20)
    assert pairs(data) == {("local", "e")}
    w = {**Policy().weights, "same_school": 0, "near": 0}
    off = two_schools(*people, lessons=LOCAL, minutes=20, policy=Policy(weights=w))
    res = solve(off, time_limit=5, num_workers=1)
    assert res.solution is not None and {(p.mentor, p.mentee) for p in res.solution.pairs} == {
        ("city", "e")}
    assert any("local" in x and "no mentee" in x for x in res.warnings)
    notes = idle_same_school(off, res.solution)
    assert [v.rule for v in notes] == ["same_school"] and RULES.rule("same_school").key == "MO2"
    assert "local (local, 30 years)" in notes[0].message


def test_p12_no_warning_when_the_local_teacher_cannot_mentor() -> None:
    """A local teacher who may not mentor the mentee (not more experienced) is no finding."""
    people = (T("local", 1, "B", can_mentor=True), T("city", 20, "A"), T("e", 1, "B"))
    data = two_schools(*people, lessons=LOCAL, minutes=20)
    assert idle_same_school(data, MentorSolution([MentorPair("city", "e")])) == []


# ---------------------------------------------------------------- 13: stage and direction


def schools_data(policy: Policy | None = None) -> MentoringData:
    return MentoringData(
        policy=policy or Policy(),
        schools=[School(id="U", name="城关中学", category="初中"),
                 School(id="H", name="白沙第1高级中学", area="rural", weak=True, category="高中"),
                 School(id="R", name="石桥村小", area="rural", weak=True, category="小学"),
                 School(id="R2", name="青山村小", area="rural", category="小学"),
                 School(id="U2", name="实验小学", category="小学")],
        teachers=[T("rural_vol", 10, "R2", placement=True, subjects=["英语"]),
                  T("city_vol", 10, "U2", placement=True, subjects=["英语"])],
        travel={(a, b): 20.0 for a in ("U", "H", "R", "R2", "U2")
                for b in ("U", "H", "R", "R2", "U2") if a != b},
        demand=[],
    )


def test_p13_school_pairing_same_stage() -> None:
    """石桥中学 → 白沙第1高级中学: a 初中 does not help a 高中 by default; 学校结对学段 = 同类
    allows it; the checker names the stages."""
    data = schools_data()
    p = school_problem(data)
    names = {(p.mentors[c.mentor], p.mentees[c.mentee]) for c in p.candidates}
    assert ("U", "H") not in names and ("U2", "R") in names
    found = check_school_pairs(data, [("U", "H")])
    assert [v.rule for v in found] == ["MS"] and "different stages" in found[0].message
    relaxed = schools_data(Policy(school_stage="family"))
    p = school_problem(relaxed)
    assert ("U", "H") in {(p.mentors[c.mentor], p.mentees[c.mentee]) for c in p.candidates}
    assert check_school_pairs(relaxed, [("U", "H")]) == []


def test_p13_placement_city_to_rural() -> None:
    """A teacher of a rural school is not placed, and an urban school gets no volunteer, by
    default (支教方向 = 城到乡); the checker reports both; 不限 allows them."""
    from assignments.mentoring.data import Demand

    data = schools_data()
    data.demand = [Demand(school="R", subject="英语"), Demand(school="U", subject="英语")]
    res, pl, _tables = solve_placement(data, time_limit=5, num_workers=1)
    assert res.solution is not None
    placed = {(pl.problem.mentors[i], pl.slots[e][0]) for i, e in res.solution.pairs(pl.problem)}
    assert placed == {("city_vol", 0)}
    found = check_placement(data, [("rural_vol", 0), ("city_vol", 1)])
    assert [v.rule for v in found] == ["MP", "MP"]
    assert all("城到乡" in v.message for v in found)
    data.policy = Policy(placement_direction="any")
    assert check_placement(data, [("rural_vol", 0)]) == []


# ---------------------------------------------------------------- 14: names, periods, forced


def test_p14_forced_and_forbidden_by_name(tmp_path: Path) -> None:
    """指定结对 and 禁止结对 accept names; an ambiguous name is refused with its teachers."""
    data = read_records(tmp_path, lambda r: r.update(
        forced=[{"mentor": "张敏", "mentee": "黄磊"}],
        forbidden=[{"mentor": "王丽", "mentee": "陈晨"}]))
    assert [(f.mentor, f.mentee) for f in data.forced] == [("T03", "T12")]
    assert [(f.mentor, f.mentee) for f in data.forbidden] == [("T01", "T05")]

    def twin(r: dict[str, Any]) -> None:
        r["teachers"].append({**teacher(r, "T01"), "id": "T21", "school": "S2"})
        r["forced"] = [{"mentor": "王丽", "mentee": "陈晨"}]

    with pytest.raises(InputError) as err:
        read_records(tmp_path, twin, name="twin.xlsx")
    text = str(err.value)
    assert "'王丽' names 2 teachers" in text and "T01" in text and "T21" in text
    assert "指定结对" in text and "row 2" in text


def test_p14_validate_lists_who_has_no_allowed_mentor() -> None:
    p = run("mentoring", "validate", str(TINY_XLSX))
    assert p.returncode == 0
    assert "吴静 (T09" in p.stdout and "孙悦 (T10" in p.stdout


def test_p14_every_suggested_period_shown() -> None:
    slots = [(d, q) for d in range(1, 5) for q in (1, 2)]
    assert periods_text(slots) .count("节") == 8 and "+" not in periods_text(slots)
    assert "(+2)" in periods_text(slots, 6)
    data = read_mentoring(TINY_XLSX)
    res = solve(data, time_limit=5, num_workers=1)
    assert res.solution is not None
    sheet = mentoring_tables(data, res.solution, res)["结对"]
    row = sheet.set_index("徒弟工号").loc["T05"]
    assert row["师傅听徒弟课(建议节次)"].count("节") == 7  # 陈晨's 7 lessons outside 王丽's
    assert "+" not in "".join(sheet["徒弟听师傅课(建议节次)"])


def test_p14_a_place_held_by_a_forced_pair_says_so(tmp_path: Path) -> None:
    """李强 (带徒上限 1) is forced to 杨帆: 周杰's reason says the place is a forced pair's."""
    data = read_records(tmp_path, lambda r: r.update(forced=[{"mentor": "T02",
                                                             "mentee": "T07"}]))
    res = solve(data, time_limit=5, num_workers=1)
    assert res.solution is not None
    assert "held by a forced pair (指定结对)" in res.solution.unpaired["T08"]


# ---------------------------------------------------------------- mentoring check


def _plan(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    p = run("mentoring", "solve", str(TINY_XLSX), "--out", str(out), "--time-limit", "5")
    assert p.returncode == 0, p.stderr
    return out / "pairs.xlsx"


def _edit(path: Path, row: int, header: str, value: Any) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb["结对"]
    col = next(c.column for c in ws[1] if c.value == header)
    ws.cell(row=row, column=col).value = value
    wb.save(path)


def test_check_command(tmp_path: Path) -> None:
    """The tool's own plan passes (exit 0, equal to the optimum); a hand edit that breaks a
    rule is named with its row (exit 1); an unreadable cell is located (exit 2)."""
    plan = _plan(tmp_path)
    ok = run("mentoring", "check", str(TINY_XLSX), str(plan), "--time-limit", "5")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "检查通过" in ok.stdout and "MO2 质量分: 本方案 439, 最优方案 439" in ok.stdout
    # row 2 (王丽 → 陈晨): 陈晨 observes 王丽 at 周二第1节, when 陈晨 teaches herself
    _edit(plan, 2, "徒弟听师傅课(建议节次)", "周二第1节、周一第1节")
    _edit(plan, 3, "徒弟工号", "杨帆")  # 李强 → 杨帆 by name: allowed, a valid edit
    _edit(plan, 3, "师傅听徒弟课(建议节次)", None)  # (周杰's periods do not fit 杨帆)
    _edit(plan, 3, "徒弟听师傅课(建议节次)", None)
    broken = run("mentoring", "check", str(TINY_XLSX), str(plan), "--lang", "en",
                 "--time-limit", "5")
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert "sheet 结对, row 2" in broken.stdout and "Tue P1" in broken.stdout
    assert "row 3" not in broken.stdout
    assert "hard rule(s) broken" in broken.stdout and "optimum" in broken.stdout
    _edit(plan, 4, "师傅工号", "T99")
    bad = run("mentoring", "check", str(TINY_XLSX), str(plan))
    assert bad.returncode == 2 and "第 4 行" in bad.stderr and "T99" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_check_command_hard_rules_by_row(tmp_path: Path) -> None:
    """A mentor of another subject and a mentor over capacity: each rule with its rows."""
    plan = _plan(tmp_path)
    _edit(plan, 2, "师傅工号", "T04")  # 赵刚 (英语) for 陈晨 (语文)
    _edit(plan, 4, "师傅工号", "T02")  # 李强 (带徒上限 1) for 刘洋 too
    p = run("mentoring", "check", str(TINY_XLSX), str(plan), "--time-limit", "5", "--lang", "en")
    assert p.returncode == 1
    assert any("M3" in line and "row 2" in line for line in p.stdout.splitlines())
    assert any("M5" in line and "row 3" in line and "row 4" in line
               for line in p.stdout.splitlines())


def test_records_unchanged() -> None:
    assert "forced" not in tiny_records()
    assert write_records  # the fixtures module's writer is the one the tests use
