"""Thin command line: parse, read, solve, write. ``assignments roster solve FILE --out DIR``."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

import typer

from assignments.batch import register as register_batch
from assignments.core.cli import (
    InputPath,
    Option,
    SolveSpec,
    fail,
    solve_command,
    template_command,
)
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


def _read_roster(workbook: Path, options: Mapping[str, Any]) -> Any:
    from assignments.roster import read_roster

    return read_roster(workbook, strict_calendar=options["strict_calendar"] or None)


solve_command(roster_app, SolveSpec(
    model="roster",
    doc="Solve a roster workbook; write roster.xlsx, csv/, result.json and roster_gantt.png.",
    read=_read_roster,
    engine_help="auto (CP-SAT for small models, HiGHS above 1,000 variables), cpsat or highs.",
    options=(Option("strict_calendar", Annotated[bool, typer.Option(
        "--strict-calendar", help="Fail when a year is unknown to the holiday calendar.")],
        False),),
))


@roster_app.command("validate")
def roster_validate(
    workbook: InputPath,
    strict_calendar: Annotated[bool, typer.Option("--strict-calendar")] = False,
) -> None:
    """Check a roster workbook without solving: every problem, located."""
    from assignments.roster import read_roster
    from assignments.roster.cli_ops import validate_error, validate_lines
    from assignments.roster.schedule import ScheduleError, alternatives

    try:
        data = read_roster(workbook, strict_calendar=strict_calendar or None)
        alts = alternatives(data)
    except InputError as exc:
        fail(str(exc))
        return
    except ScheduleError as exc:
        fail(validate_error(workbook.name, exc))
        return
    for line in validate_lines(workbook.name, data, len(alts)):
        typer.echo(line)


def _roster_examples(records: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    return {
        "departments": [
            {"id": "D01", "name": "心内科", "order": 1, "turn_size": 3, "specialty": "心血管"},
            {"id": "D02", "name": "普外科", "order": 2, "turn_size": 3},
        ],
        "deferrals": [
            {"department": "D01", "quarter": "2027Q1", "decision": "next", "reason": "两人进修"}
        ],
        "policy": [
            {"parameter": "起始季度", "value": "2027Q1", "note": "first quarter (e.g. 2027Q1)"},
            {"parameter": "季度数", "value": 12, "note": "number of quarters (default 12)"},
        ],
    }


template_command(roster_app, "roster", "assignments.roster.data:SHEETS", _roster_examples,
                 "Write an empty roster workbook: every sheet with headers, notes and one "
                 "example row.")


register_roster_ops(roster_app)
register_roster_replan(roster_app)
register_batch(app)


@app.command("warmup")
def warmup_cmd() -> None:
    """Compile the numba engines (GAP local search, branch-and-bound, pairing Lagrangian) into
    the user cache folder once, so that the first solve is as fast as the tenth."""
    from assignments.pairing.warmup import warmup

    try:
        info = warmup()
    except OSError as exc:
        fail(f"warmup: {exc}")
    typer.echo(f"compiled {', '.join(info['engines'])} in {info['seconds']:.1f}s "
               f"(numba cache: {info['cache_dir']})")


def main() -> None:
    """Console entry point; user mistakes end with a message, never a traceback."""
    try:
        app()
    except (InputError, UserError) as exc:
        print(str(exc), file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
