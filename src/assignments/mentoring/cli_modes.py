"""``assignments mentoring generic|gap|stable|schools|placement``: the other pairing modes.

Thin: parse, read, solve, write; user mistakes end with a located message and exit 2, nothing
written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from assignments.core.cli import (
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
from assignments.core.i18n import tr

Sense = Annotated[str, typer.Option("--sense", help=tr("max (scores) or min (costs)."))]


def _sense(value: str) -> str:
    if value not in ("max", "min"):
        fail(tr("--sense must be max or min, got '{value}'", value=value))
    return value


def generic(
    file: Annotated[Path, typer.Argument(help=tr("Candidate pairs: .xlsx, CSV folder, one .csv, "
                                                 ".json or .yaml."))],
    out: OutDir = Path("out"),
    sense: Sense = "max",
    assign_all: Annotated[bool, typer.Option("--assign-all", help=tr(
        "Every mentee must be paired (GAP)."))] = False,
    capacity: Annotated[int, typer.Option("--capacity", help=tr(
        "Mentees per mentor when the 师傅 sheet says nothing."))] = 1,
    time_limit: TimeLimit = 60.0,
    seed: Seed = 0,
    workers: Workers = 2,
    deterministic: Deterministic = False,
    lang: Lang = "zh",
) -> None:
    """Solve a pairing given directly as candidate pairs (mentor, mentee, score, load)."""
    from assignments.mentoring.report import (
        pairing_json,
        pairing_tables,
        status_text,
        write_tables,
    )
    from assignments.pairing.readers.generic import read_generic
    from assignments.pairing.solve import solve_pairing

    check_lang(lang)
    try:
        gd = read_generic(file, sense=_sense(sense), assign_all=assign_all,  # type: ignore[arg-type]
                          capacity=capacity)
        res = solve_pairing(gd.problem, time_limit=time_limit, seed=seed, num_workers=workers,
                            deterministic=deterministic)
        res.warnings = gd.warnings + res.warnings
        tables = pairing_tables(gd.problem, res, names=gd.names, score_scale=gd.score_scale,
                                load_scale=gd.load_scale, lang=lang)
        written = write_tables(out, tables, pairing_json(gd.problem, res,
                                                         score_scale=gd.score_scale,
                                                         load_scale=gd.load_scale))
    except (InputError, UserError, ValueError) as exc:
        fail(str(exc))
    score = "—" if res.objective is None else f"{res.objective / gd.score_scale:g}"
    n = 0 if res.solution is None else len(res.solution.chosen)
    typer.echo(tr("Status: {status}   pairs: {n}   score: {score}   time: {seconds}s",
                  status=status_text(res.status), n=n, score=score,
                  seconds=f"{res.runtime:.2f}"))
    for line in res.explanation + res.warnings:
        typer.echo(line)
    _written(written)
    if not res.status.has_solution:
        raise typer.Exit(1)


def gap(
    files: Annotated[list[Path], typer.Argument(help=tr("OR-Library / Yagiura GAP files."))],
    sense: Sense = "min",
    problem: Annotated[int | None, typer.Option("--problem", help=tr(
        "Only problem K of a file (1-based)."))] = None,
    time_limit: Annotated[float, typer.Option("--time-limit", help=tr("Seconds per problem."))]
    = 10.0,
    seed: Seed = 0,
    workers: Workers = 2,
    deterministic: Deterministic = False,
    out: Annotated[Path | None, typer.Option("--out", help=tr("Write result.json here."))]
    = None,
    lang: Lang = "zh",
) -> None:
    """Solve GAP files (every job to exactly one agent); print a batch table."""
    from assignments.core.io import staged_output, write_json
    from assignments.mentoring.report import BATCH_HEADER, pairing_json, result_row
    from assignments.pairing.readers.orlib import read_gap
    from assignments.pairing.solve import solve_pairing

    check_lang(lang)
    _sense(sense)
    try:
        jobs = []
        for f in files:
            problems = read_gap(f, sense=sense)  # type: ignore[arg-type]
            if problem is not None:
                if not 1 <= problem <= len(problems):
                    fail(tr("{file}: --problem {k} but the file has {n}", file=f.name, k=problem,
                            n=len(problems)))
                problems = [problems[problem - 1]]
            jobs += problems
    except InputError as exc:
        fail(str(exc))
    typer.echo(BATCH_HEADER)
    results = []
    for p in jobs:
        res = solve_pairing(p, time_limit=time_limit, seed=seed, num_workers=workers,
                            deterministic=deterministic)
        results.append(pairing_json(p, res))
        typer.echo(result_row(p.name, res))
        for line in res.warnings:
            typer.echo(f"  {line}", err=True)
    if out is not None:
        with staged_output(out) as stage:
            write_json(stage / "result.json", results)
        _written([out / "result.json"])


def stable(
    workbook: InputPath,
    out: OutDir = Path("out"),
    time_limit: TimeLimit = 60.0,
    seed: Seed = 0,
    workers: Workers = 2,
    lang: Lang = "zh",
) -> None:
    """Stable matching (mentees propose; capacities in head count and hours) beside the
    optimised pairing: coverage, quality and blocking pairs of both."""
    from assignments.mentoring.candidates import build_problem
    from assignments.mentoring.compare import stable_compare
    from assignments.mentoring.data import read_mentoring
    from assignments.mentoring.report import write_outputs

    check_lang(lang)
    try:
        data = read_mentoring(workbook)
        mp = build_problem(data)
        result, lines = stable_compare(mp, time_limit=time_limit, seed=seed,
                                       num_workers=workers, lang=lang)
        written = write_outputs(data, result, out, lang=lang)
    except (InputError, UserError, ValueError) as exc:
        fail(str(exc))
    for line in lines:
        typer.echo(line)
    _written(written)
    if not result.status.has_solution:
        raise typer.Exit(1)


def schools(
    workbook: InputPath,
    out: OutDir = Path("out"),
    groups: Annotated[bool, typer.Option("--groups", help=tr(
        "1+1+1 groups (高职 + 示范中职 → 中职) instead of one to one."))] = False,
    max_travel: Annotated[float | None, typer.Option(
        "--max-travel", help=tr("Minutes (default 90 one to one, 300 for groups)."))] = None,
    time_limit: TimeLimit = 30.0,
    seed: Seed = 0,
    workers: Workers = 2,
    deterministic: Deterministic = False,
    lang: Lang = "zh",
) -> None:
    """Pair schools: urban quality schools with rural weak ones, or 1+1+1 groups."""
    from assignments.mentoring.data import read_mentoring
    from assignments.mentoring.report import (
        _objective_label,
        pairing_json,
        status_text,
        write_tables,
    )
    from assignments.mentoring.schools import solve_groups, solve_school_pairs

    check_lang(lang)
    try:
        data = read_mentoring(workbook, required=("schools",))
        if groups:
            res_g, table = solve_groups(data, max_travel=max_travel or 300.0,
                                        time_limit=time_limit, seed=seed, num_workers=workers,
                                        deterministic=deterministic)
            payload = {"model": "school groups", **res_g.summary(),
                       "explanation": res_g.explanation,
                       "groups": [g.__dict__ for g in res_g.solution or []]}
            payload["status_text"] = status_text(res_g.status)
            written = write_tables(out, {tr("小组 groups"): table}, payload,
                                   workbook="school_groups.xlsx")
            status, objectives, expl = res_g.status, res_g.objectives, res_g.explanation
        else:
            res, problem, table = solve_school_pairs(
                data, max_travel=max_travel or 90.0, time_limit=time_limit, seed=seed,
                num_workers=workers, deterministic=deterministic)
            written = write_tables(out, {tr("学校结对 pairs"): table}, pairing_json(problem, res),
                                   workbook="school_pairs.xlsx")
            status, objectives, expl = res.status, res.objectives, res.explanation
    except (InputError, UserError, ValueError) as exc:
        fail(str(exc))
    typer.echo(tr("Status: {status}", status=status_text(status)) + "   " + ", ".join(
        f"{_objective_label(k)} {v:g}" for k, v in objectives.items()))
    for line in [*expl, *data.warnings]:
        typer.echo(line)
    for row in table.head(20).to_dict("records"):
        typer.echo("  " + " | ".join(str(v) for v in list(row.values())[:4]))
    _written(written)
    if not status.has_solution:
        raise typer.Exit(1)


def placement(
    workbook: InputPath,
    out: OutDir = Path("out"),
    max_share: Annotated[float, typer.Option(
        "--max-share", help=tr("Percent of a school's staff that may leave (default 10)."))]
    = 10.0,
    time_limit: TimeLimit = 30.0,
    seed: Seed = 0,
    workers: Workers = 2,
    deterministic: Deterministic = False,
    lang: Lang = "zh",
) -> None:
    """Place city volunteers (支教意向 = 是) in rural schools by subject demand (支教需求)."""
    from assignments.mentoring.data import read_mentoring
    from assignments.mentoring.report import pairing_json, status_text, write_tables
    from assignments.mentoring.schools import solve_placement

    check_lang(lang)
    try:
        data = read_mentoring(workbook, required=("schools", "teachers", "demand"))
        res, pl, tables = solve_placement(data, max_share=max_share, time_limit=time_limit,
                                          seed=seed, num_workers=workers,
                                          deterministic=deterministic)
        written = write_tables(out, tables or {tr("说明 notes"): _notes(res.explanation)},
                               pairing_json(pl.problem, res), workbook="placement.xlsx")
    except (InputError, UserError, ValueError) as exc:
        fail(str(exc))
    slots = len(pl.problem.mentees)
    filled = 0 if res.solution is None else len(res.solution.chosen)
    typer.echo(tr("Status: {status}   places filled: {filled}/{slots}   time: {seconds}s",
                  status=status_text(res.status), filled=filled, slots=slots,
                  seconds=f"{res.runtime:.2f}"))
    for line in res.explanation:
        typer.echo(line)
    _written(written)
    if not res.status.has_solution:
        raise typer.Exit(1)


def _notes(lines: list[str]):  # type: ignore[no-untyped-def]
    import pandas as pd

    return pd.DataFrame({tr("内容 text"): lines})


def _written(paths: list[Path]) -> None:
    """The ``Written: …`` line, in the current language."""
    typer.echo(tr("Written: {paths}", paths=", ".join(map(str, paths))))


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("generic", help=tr(
        "Solve a pairing given directly as candidate pairs (mentor, mentee, score, load)."))(
        generic)
    app.command("gap", help=tr(
        "Solve GAP files (every job to exactly one agent); print a batch table."))(gap)
    app.command("stable", help=tr(
        "Stable matching (mentees propose; capacities in head count and hours) beside the "
        "optimised pairing: coverage, quality and blocking pairs of both."))(stable)
    app.command("schools", help=tr(
        "Pair schools: urban quality schools with rural weak ones, or 1+1+1 groups."))(schools)
    app.command("placement", help=tr(
        "Place city volunteers (支教意向 = 是) in rural schools by subject demand (支教需求)."))(
        placement)
