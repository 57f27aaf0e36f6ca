"""``assignments mentoring ...`` commands: solve, validate, template (and the modes of
:mod:`assignments.mentoring.cli_modes`). Thin: parse, read, solve, write."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

import typer

from assignments.core.cli import (
    InputPath,
    Lang,
    SolveSpec,
    TimeLimit,
    check_lang,
    fail,
    solve_command,
    template_command,
)
from assignments.core.errors import InputError
from assignments.core.i18n import tr
from assignments.mentoring.cli_modes import register as register_modes

app = typer.Typer(
    help=tr("M — mentor pairing (师徒结对), school pairing and teacher placement."),
    no_args_is_help=True,
)


def _read(workbook: Path, options: Mapping[str, Any]) -> Any:
    from assignments.mentoring.data import read_mentoring

    return read_mentoring(workbook)


solve_command(app, SolveSpec(
    model="mentoring",
    doc=tr("Pair mentors and mentees; write pairs.xlsx, csv/, result.json and two plots."),
    read=_read,
    engines=("auto", "cpsat", "highs", "reduce"),
    engine_help=tr("auto (default: the reduce engine above 2,000 allowed pairs, else CP-SAT), "
                   "cpsat, highs or reduce."),
))


@app.command("validate", help=tr(
    "Check a mentoring workbook without solving: every problem, located; then the counts and "
    "whether the forced pairs can hold."))
def mentoring_validate(workbook: InputPath, lang: Lang = "zh") -> None:
    """Check a mentoring workbook without solving: every problem, located; then the counts
    and whether the forced pairs can hold."""
    from assignments.mentoring.candidates import build_problem
    from assignments.mentoring.data import read_mentoring
    from assignments.mentoring.explain import explain_forced, why_no_candidate

    check_lang(lang)
    try:
        data = read_mentoring(workbook)
    except InputError as exc:
        fail(str(exc))
    mp = build_problem(data)
    p = mp.problem
    mandatory = sum(p.mandatory)
    without = sum(1 for ks in p.by_mentee() if not ks)
    typer.echo(tr(
        "{file}: OK — {schools} schools, {teachers} teachers, {mentees} mentees ({mandatory} "
        "mandatory), {mentors} possible mentors, {pairs} allowed pairs; {without} mentee(s) "
        "without any allowed mentor", file=workbook.name, schools=len(data.schools),
        teachers=len(data.teachers), mentees=len(p.mentees), mandatory=mandatory,
        mentors=len(p.mentors), pairs=len(p.candidates), without=without))
    for j, ks in enumerate(p.by_mentee()):
        if not ks:
            e = data.teacher[p.mentees[j]]
            star = "★" if data.is_mandatory(e) else ""
            typer.echo(f"  {star}{e.label} ({e.id}, {data.school[e.school].label}, "
                       f"{'、'.join(e.subjects)}): {why_no_candidate(mp, j)}")
    for w in data.warnings:
        typer.echo(tr("Warning") + f": {w}")
    for m_id, e_id, why in mp.forced_missing:
        if why == "continuity":
            typer.echo(tr("Warning") + ": " + tr("last year's pair {mentor} – {mentee} cannot "
                                                 "continue", mentor=m_id, mentee=e_id))
    lines = explain_forced(mp)
    if lines:
        for line in lines:
            typer.echo(line, err=True)
        raise typer.Exit(1)


@app.command("check", help=tr(
    "Check a plan edited by hand (the 结对 sheet that solve writes) against the workbook: every "
    "broken rule with its sheet and row, then the plan against the optimum. Exit 0 when no hard "
    "rule is broken, 1 when one is, 2 when a file cannot be read."))
def mentoring_check(
    workbook: InputPath,
    plan: Annotated[Path, typer.Argument(help=tr("The edited plan: pairs.xlsx (sheet 结对)."))],
    time_limit: TimeLimit = 10.0,
    lang: Lang = "zh",
) -> None:
    """Check a plan edited by hand (the 结对 sheet that solve writes) against the workbook:
    every broken rule with its sheet and row, then the plan against the optimum. Exit 0 when
    no hard rule is broken, 1 when one is, 2 when a file cannot be read."""
    from assignments.mentoring.check_plan import check_plan, read_plan
    from assignments.mentoring.data import read_mentoring
    from assignments.mentoring.report import _level_label
    from assignments.mentoring.rules import RULES
    from assignments.mentoring.solve import solve

    check_lang(lang)
    if not plan.exists():
        fail(tr("{path}: no such file", path=plan))
    try:
        data = read_mentoring(workbook)
        found = check_plan(data, read_plan(data, plan))
    except InputError as exc:
        fail(str(exc))
    for v in found.violations:
        typer.echo(f"[{RULES.label(v.rule, lang)}] {v.message}")
    for w in found.warnings:
        typer.echo(tr("note") + f": [{RULES.label('same_school', lang)}] {w.message}")
    typer.echo(tr("check passed: no hard rule broken") if not found.violations
               else tr("{n} hard rule(s) broken", n=len(found.violations)))
    if found.unpaired_mandatory:
        names = "、".join(data.teacher[t].label for t in found.unpaired_mandatory)
        typer.echo(tr("mandatory mentees unpaired") + f": {names}")
    res = solve(data, time_limit=time_limit)
    for name, value in found.levels.items():
        best = res.objectives.get(name)
        other = "—" if best is None else f"{best:g}"
        typer.echo(tr("{level}: this plan {value}, optimum {best}",
                      level=_level_label(name, lang), value=f"{value:g}", best=other))
    if res.solution is None:
        typer.echo(tr("the solve found no plan"))
    elif res.gap == 0:
        typer.echo(tr("optimum: proven optimal"))
    elif res.bound is not None:
        typer.echo(tr("optimum: best found within the limit (bound {bound})",
                      bound=f"{res.bound:g}"))
    if found.violations:
        raise typer.Exit(1)


def _examples(records: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    from assignments.mentoring.data import policy_template_rows

    return {
        "policy": policy_template_rows(),
        "teachers": [
            {"id": "T001", "name": "王丽", "school": "S01", "subjects": "语文",
             "grade_band": "小学", "years": 18, "title": "高级教师", "roles": "市级骨干教师",
             "can_mentor": "自动", "capacity": 2, "hours": 30},
            {"id": "T002", "name": "赵敏", "school": "S02", "subjects": "语文",
             "grade_band": "小学", "years": 15, "roles": "县级骨干教师"},
            {"id": "T010", "name": "陈晨", "school": "S01", "subjects": "语文",
             "grade_band": "小学", "years": 1, "new_transfer": "否", "needs_upgrade": "否",
             "wants_mentor": "是"},
        ],
        "timetable": [
            {"teacher": "T001", "name": "王丽", "weekday": "周一", "periods": "1、3"},
            {"teacher": "T010", "name": "陈晨", "weekday": "周一", "periods": "2、4"},
        ],  # 赵敏 (T002): the 课表-T002 grid sheet (_grid_example)
        "travel": [{"origin": "S01", "destination": "S02", "minutes": 25}],
        "schools": [*records["schools"],
                    {"id": "S02", "name": "青山村小", "area": "农村", "weak": "是"}],
        "past": [{"mentor": "T001", "mentor_name": "王丽", "mentee": "T010",
                  "mentee_name": "陈晨", "year": "2024-2025", "rating": "好"}],
        "forced": [{"mentor": "T001", "mentor_name": "王丽", "mentee": "T010",
                    "mentee_name": "陈晨", "reason": "延续上年结对"}],
        "forbidden": [{"mentor": "T002", "mentor_name": "赵敏", "mentee": "T010",
                       "mentee_name": "陈晨", "reason": "回避亲属"}],
        "demand": [{"school": "S02", "subject": "英语", "number": 1, "term": "学年",
                    "grade_band": "小学", "note": "英语教师缺编"}],
        "preferences": [{"teacher": "T010", "name": "陈晨", "target": "T001",
                         "target_name": "王丽", "rank": 1}],
    }


def _grid_example() -> list[Any]:
    """The template's 课表-T002 sheet: the timetable of 赵敏 as a grid (periods down, weekdays
    across), the form schools keep; her periods are given only here (none in the 课表 rows: a
    period given twice is an error)."""
    from assignments.core.output import ExtraSheet

    lesson = "语文 四(1)班"
    rows: list[list[Any]] = [
        [tr("period"), "星期一", "星期二", "星期三", "星期四", "星期五"],
        ["第1节", None, lesson, None, lesson, None],
        ["第2节", lesson, lesson, None, None, lesson],
        ["第3节", None, None, lesson, None, None],
        ["第4节", None, None, None, lesson, None],
        ["第5节", lesson, None, None, None, None],
    ]
    note = tr("The timetable may also be given as grids, the form schools keep: periods down "
              "(第1节, 第2节 …), weekdays across (星期一 … 星期五), one sheet per teacher named "
              "课表-<工号 or 姓名> (every non-empty cell is a lesson of that teacher) or per class "
              "named 课表-<班级> (each cell names the teacher, e.g. 语文 张敏). Grids are merged "
              "with the rows of the 课表 sheet; a period given twice for one teacher is an error. "
              "This sheet is 赵敏's (T002) timetable; delete it if you do not use grids.")
    return [ExtraSheet("课表-T002", rows, note, after="timetable")]


template_command(app, "mentoring", "assignments.mentoring.data:SHEETS", _examples,
                 tr("Write an empty mentoring workbook: every sheet with headers, notes and an "
                    "example."), extra=_grid_example)


register_modes(app)
