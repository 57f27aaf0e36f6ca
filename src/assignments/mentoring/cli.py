"""``assignments mentoring ...`` commands: solve, validate, template (and the modes of
:mod:`assignments.mentoring.cli_modes`). Thin: parse, read, solve, write."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import typer

from assignments.core.cli import InputPath, SolveSpec, fail, solve_command, template_command
from assignments.core.errors import InputError
from assignments.mentoring.cli_modes import register as register_modes

app = typer.Typer(
    help="M — mentor pairing (师徒结对), school pairing and teacher placement.",
    no_args_is_help=True,
)


def _read(workbook: Path, options: Mapping[str, Any]) -> Any:
    from assignments.mentoring.data import read_mentoring

    return read_mentoring(workbook)


solve_command(app, SolveSpec(
    model="mentoring",
    doc="Pair mentors and mentees; write pairs.xlsx, csv/, result.json and two plots.",
    read=_read,
    engines=("auto", "cpsat", "highs", "reduce"),
    engine_help="auto (default: the reduce engine above 2,000 allowed pairs, else CP-SAT), "
                "cpsat, highs or reduce.",
))


@app.command("validate")
def mentoring_validate(workbook: InputPath) -> None:
    """Check a mentoring workbook without solving: every problem, located; then the counts
    and whether the forced pairs can hold."""
    from assignments.mentoring.candidates import build_problem
    from assignments.mentoring.data import read_mentoring
    from assignments.mentoring.explain import explain_forced, why_no_candidate

    try:
        data = read_mentoring(workbook)
    except InputError as exc:
        fail(str(exc))
    mp = build_problem(data)
    p = mp.problem
    mandatory = sum(p.mandatory)
    without = sum(1 for ks in p.by_mentee() if not ks)
    typer.echo(
        f"{workbook.name}: OK — {len(data.schools)} schools, {len(data.teachers)} teachers, "
        f"{len(p.mentees)} mentees ({mandatory} mandatory), {len(p.mentors)} possible mentors, "
        f"{len(p.candidates)} allowed pairs; {without} mentee(s) without any allowed mentor"
    )
    for j, ks in enumerate(p.by_mentee()):
        if not ks:
            e = data.teacher[p.mentees[j]]
            star = "★" if data.is_mandatory(e) else ""
            typer.echo(f"  {star}{e.label} ({e.id}, {data.school[e.school].label}, "
                       f"{'、'.join(e.subjects)}): {why_no_candidate(mp, j)}")
    for w in data.warnings:
        typer.echo(f"Warning: {w}")
    for m_id, e_id, why in mp.forced_missing:
        if why == "continuity":
            typer.echo(f"Warning: last year's pair {m_id} – {e_id} cannot continue")
    lines = explain_forced(mp)
    if lines:
        for line in lines:
            typer.echo(line, err=True)
        raise typer.Exit(1)


def _examples(records: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    return {
        "teachers": [
            {"id": "T001", "name": "王丽", "school": "S01", "subjects": "语文",
             "grade_band": "小学", "years": 18, "roles": "市级骨干教师", "capacity": 2},
            {"id": "T010", "name": "陈晨", "school": "S01", "subjects": "语文",
             "grade_band": "小学", "years": 1},
        ],
        "timetable": [
            {"teacher": "T001", "weekday": "周一", "periods": "1、3"},
            {"teacher": "T010", "weekday": "周一", "periods": "2、4"},
        ],
        "travel": [{"origin": "S01", "destination": "S02", "minutes": 25}],
        "schools": [*records["schools"],
                    {"id": "S02", "name": "青山村小", "area": "农村", "weak": "是"}],
        "past": [], "forced": [], "forbidden": [], "demand": [],
        "preferences": [{"teacher": "T010", "target": "T001", "rank": 1}],
    }


template_command(app, "mentoring", "assignments.mentoring.data:SHEETS", _examples,
                 "Write an empty mentoring workbook: every sheet with headers, notes and an "
                 "example.")


register_modes(app)
