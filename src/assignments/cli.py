"""Thin command line: parse, read, solve, write. ``assignments roster solve FILE --out DIR``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from assignments.cli_common import Lang, check_lang, fail
from assignments.core.errors import InputError, UserError
from assignments.funding.cli import app as funding_app
from assignments.mentoring.cli import app as mentoring_app
from assignments.roster.cli_ops import register as register_roster_ops
from assignments.roster.cli_replan import register as register_roster_replan

app = typer.Typer(
    help="Constraint optimisation for rural-support planning (对口支援 / 结对帮扶 / 精准扶贫).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
roster_app = typer.Typer(
    help="R — quarterly rotation roster of support staff (轮转排班).", no_args_is_help=True
)
app.add_typer(roster_app, name="roster")
app.add_typer(mentoring_app, name="mentoring")
app.add_typer(funding_app, name="funding")

_fail = fail
_check_lang = check_lang


@roster_app.command("solve")
def roster_solve(
    workbook: Annotated[
        Path, typer.Argument(help="Input workbook (.xlsx), CSV folder, .json or .yaml.")
    ],
    out: Annotated[Path, typer.Option("--out", help="Output folder.")] = Path("out"),
    time_limit: Annotated[
        float, typer.Option("--time-limit", help="Seconds (whole solve).")
    ] = 60.0,
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 0,
    workers: Annotated[int, typer.Option("--workers", help="CP-SAT workers (cores).")] = 2,
    deterministic: Annotated[
        bool,
        typer.Option(
            "--deterministic",
            help="Same answer for the same input and seed, even when the time limit is hit.",
        ),
    ] = False,
    lang: Lang = "zh",
    preset: Annotated[
        str | None, typer.Option("--preset", help="CP-SAT preset in configs/.")
    ] = None,
    strict_calendar: Annotated[
        bool,
        typer.Option(
            "--strict-calendar", help="Fail when a year is unknown to the holiday calendar."
        ),
    ] = False,
    engine: Annotated[
        str,
        typer.Option("--engine", help="auto (CP-SAT for small models, HiGHS above 1,000 "
                                      "variables), cpsat or highs."),
    ] = "auto",
    progress: Annotated[
        bool, typer.Option("--progress/--quiet", help="Print improving solutions to stderr.")
    ] = True,
) -> None:
    """Solve a roster workbook; write roster.xlsx, csv/, result.json and roster_gantt.png."""
    from assignments.roster import read_roster, solve
    from assignments.roster.report import summary_lines, write_outputs

    _check_lang(lang)
    try:
        data = read_roster(workbook, strict_calendar=strict_calendar or None)
        result = solve(
            data,
            time_limit=time_limit,
            seed=seed,
            num_workers=workers,
            deterministic=deterministic,
            engine=engine,
            preset=preset,
            progress=progress and time_limit >= 10,
        )
        written = write_outputs(data, result, out, lang=lang)
    except (InputError, UserError, ValueError) as exc:
        _fail(str(exc))
        return
    for line in summary_lines(data, result, lang=lang):
        typer.echo(line)
    typer.echo(("已写入" if lang == "zh" else "Written") + ": " + ", ".join(map(str, written)))
    if not result.status.has_solution:
        raise typer.Exit(1)


@roster_app.command("validate")
def roster_validate(
    workbook: Annotated[
        Path, typer.Argument(help="Input workbook (.xlsx), CSV folder, .json or .yaml.")
    ],
    strict_calendar: Annotated[bool, typer.Option("--strict-calendar")] = False,
) -> None:
    """Check a roster workbook without solving: every problem, located."""
    from assignments.roster import read_roster
    from assignments.roster.schedule import ScheduleError, alternatives

    try:
        data = read_roster(workbook, strict_calendar=strict_calendar or None)
        alts = alternatives(data)
    except InputError as exc:
        _fail(str(exc), 1)
        return
    except ScheduleError as exc:
        _fail(f"{workbook.name}, sheet 后延申请 (deferrals): {exc}", 1)
        return
    typer.echo(
        f"{workbook.name}: OK — {len(data.departments)} departments, {len(data.staff)} "
        f"staff, {len(data.centers)} centers ({data.seats_per_quarter} seats a quarter), "
        f"{data.policy.quarters} quarters from {data.policy.first_quarter}, "
        f"{len(data.deferrals)} deferral requests ({len(alts)} schedule alternatives)"
    )
    for q, (a, b) in zip(data.quarters, data.periods(), strict=True):
        typer.echo(f"  {q}: handover {a} (last day {b})")
    for w in [*data.calendar.warnings, *data.warnings]:
        typer.echo(f"Warning: {w}")


@roster_app.command("template")
def roster_template(
    out: Annotated[Path, typer.Argument(help="Where to write the empty workbook (.xlsx).")],
) -> None:
    """Write an empty roster workbook: every sheet with headers, notes and one example row."""
    from assignments.core.io import write_input_workbook
    from assignments.roster.data import SHEETS

    if out.suffix.lower() != ".xlsx":
        _fail(f"{out}: the template is an Excel workbook; use a name ending in .xlsx")
    records = {
        s.key: [{c.key: c.example for c in s.columns if c.example is not None}] for s in SHEETS
    }
    records["departments"] = [
        {"id": "D01", "name": "心内科", "order": 1, "turn_size": 3, "specialty": "心血管"},
        {"id": "D02", "name": "普外科", "order": 2, "turn_size": 3},
    ]
    records["deferrals"] = [
        {"department": "D01", "quarter": "2027Q1", "decision": "next", "reason": "两人进修"}
    ]
    records["policy"] = [
        {"parameter": "起始季度", "value": "2027Q1", "note": "first quarter (e.g. 2027Q1)"},
        {"parameter": "季度数", "value": 12, "note": "number of quarters (default 12)"},
    ]
    write_input_workbook(out, SHEETS, records)
    typer.echo(f"Written: {out}")


register_roster_ops(roster_app)
register_roster_replan(roster_app)


def main() -> None:
    """Console entry point; user mistakes end with a message, never a traceback."""
    try:
        app()
    except (InputError, UserError) as exc:
        print(str(exc), file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
