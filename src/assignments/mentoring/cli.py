"""``assignments mentoring ...`` commands: solve, validate, template (and the modes of
:mod:`assignments.mentoring.cli_modes`). Thin: parse, read, solve, write."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from assignments.cli_common import (
    Deterministic,
    InputPath,
    Lang,
    OutDir,
    Seed,
    TimeLimit,
    Workers,
    check_lang,
    fail,
)
from assignments.core.errors import InputError, UserError
from assignments.mentoring.cli_modes import register as register_modes

app = typer.Typer(
    help="M — mentor pairing (师徒结对), school pairing and teacher placement.",
    no_args_is_help=True,
)

Engine = Annotated[str, typer.Option(
    "--engine", help="auto (default: the reduce engine above 2,000 allowed pairs, else CP-SAT), "
                     "cpsat, highs or reduce.")]
Preset = Annotated[str | None, typer.Option("--preset", help="CP-SAT preset in configs/.")]


@app.command("solve")
def mentoring_solve(
    workbook: InputPath,
    out: OutDir = Path("out"),
    time_limit: TimeLimit = 60.0,
    seed: Seed = 0,
    workers: Workers = 2,
    deterministic: Deterministic = False,
    lang: Lang = "zh",
    engine: Engine = "auto",
    preset: Preset = None,
) -> None:
    """Pair mentors and mentees; write pairs.xlsx, csv/, result.json and two plots."""
    from assignments.mentoring.data import read_mentoring
    from assignments.mentoring.report import summary_lines, write_outputs
    from assignments.mentoring.solve import solve

    check_lang(lang)
    try:
        data = read_mentoring(workbook)
        result = solve(data, time_limit=time_limit, seed=seed, num_workers=workers,
                       deterministic=deterministic, engine=engine, preset=preset)
        written = write_outputs(data, result, out, lang=lang)
    except (InputError, UserError, ValueError) as exc:
        fail(str(exc))
    for line in summary_lines(data, result, lang=lang):
        typer.echo(line)
    typer.echo(("已写入" if lang == "zh" else "Written") + ": " + ", ".join(map(str, written)))
    if not result.status.has_solution:
        raise typer.Exit(1)


@app.command("validate")
def mentoring_validate(workbook: InputPath) -> None:
    """Check a mentoring workbook without solving: every problem, located; then the counts
    and whether the forced pairs can hold."""
    from assignments.mentoring.candidates import build_problem
    from assignments.mentoring.data import read_mentoring
    from assignments.mentoring.explain import explain_forced

    try:
        data = read_mentoring(workbook)
    except InputError as exc:
        fail(str(exc), 1)
    mp = build_problem(data)
    p = mp.problem
    mandatory = sum(p.mandatory)
    without = sum(1 for ks in p.by_mentee() if not ks)
    typer.echo(
        f"{workbook.name}: OK — {len(data.schools)} schools, {len(data.teachers)} teachers, "
        f"{len(p.mentees)} mentees ({mandatory} mandatory), {len(p.mentors)} possible mentors, "
        f"{len(p.candidates)} allowed pairs; {without} mentee(s) without any allowed mentor"
    )
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


@app.command("template")
def mentoring_template(
    out: Annotated[Path, typer.Argument(help="Where to write the empty workbook (.xlsx).")],
) -> None:
    """Write an empty mentoring workbook: every sheet with headers, notes and an example."""
    from assignments.core.io import write_input_workbook
    from assignments.mentoring.data import SHEETS

    if out.suffix.lower() != ".xlsx":
        fail(f"{out}: the template is an Excel workbook; use a name ending in .xlsx")
    records = {
        s.key: [{c.key: c.example for c in s.columns if c.example is not None}] for s in SHEETS
    }
    records["teachers"] = [
        {"id": "T001", "name": "王丽", "school": "S01", "subjects": "语文", "grade_band": "小学",
         "years": 18, "roles": "市级骨干教师", "capacity": 2},
        {"id": "T010", "name": "陈晨", "school": "S01", "subjects": "语文", "grade_band": "小学",
         "years": 1},
    ]
    records["timetable"] = [
        {"teacher": "T001", "weekday": "周一", "periods": "1、3"},
        {"teacher": "T010", "weekday": "周一", "periods": "2、4"},
    ]
    records["travel"] = [{"origin": "S01", "destination": "S02", "minutes": 25}]
    records["schools"].append({"id": "S02", "name": "青山村小", "area": "农村", "weak": "是"})
    records["past"] = []
    records["forced"] = []
    records["forbidden"] = []
    records["preferences"] = [{"teacher": "T010", "target": "T001", "rank": 1}]
    records["demand"] = []
    try:
        write_input_workbook(out, SHEETS, records)
    except OSError as exc:
        fail(f"{out}: cannot write ({exc.strerror})")
    typer.echo(f"Written: {out}")


register_modes(app)
