"""The ``roster`` command group: ``solve``, ``validate``, ``template`` here; the operations
(``replan``, ``check``, ``duties``, ``assess``, ``ledger``, …) from :mod:`.cli_ops` and
:mod:`.cli_replan` (the same place as ``mentoring/cli.py`` and ``funding/cli.py``, so that
``assignments batch`` finds every model's :class:`~assignments.core.cli.SolveSpec` without
importing the top-level CLI)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

import typer

from assignments.core.cli import (
    InputPath,
    Lang,
    Option,
    SolveSpec,
    check_lang,
    fail,
    solve_command,
    template_command,
)
from assignments.core.errors import InputError
from assignments.core.i18n import tr
from assignments.roster.cli_ops import register as register_roster_ops
from assignments.roster.cli_ops import validate_error, validate_lines
from assignments.roster.cli_replan import register as register_roster_replan

app = typer.Typer(
    help=tr("R — quarterly rotation roster of support staff (轮转排班)."), no_args_is_help=True
)


def _read_roster(workbook: Path, options: Mapping[str, Any]) -> Any:
    from assignments.roster import read_roster

    return read_roster(workbook, strict_calendar=options["strict_calendar"] or None)


solve_command(app, SolveSpec(
    model="roster",
    doc=tr("Solve a roster workbook; write roster.xlsx, csv/, result.json and "
           "roster_gantt.png."),
    read=_read_roster,
    engine_help=tr("auto (CP-SAT for small models, HiGHS above 1,000 variables), cpsat or "
                   "highs."),
    options=(Option("strict_calendar", Annotated[bool, typer.Option(
        "--strict-calendar", help=tr("Fail when a year is unknown to the holiday calendar."))],
        False),),
))


@app.command("validate", help=tr(
    "Check a roster workbook without solving: every problem, located."))
def roster_validate(
    workbook: InputPath,
    strict_calendar: Annotated[bool, typer.Option(
        "--strict-calendar", help=tr("Fail when a year is unknown to the holiday calendar."))]
        = False,
    lang: Lang = "zh",
) -> None:
    """Check a roster workbook without solving: every problem, located."""
    from assignments.roster import read_roster
    from assignments.roster.schedule import ScheduleError, alternatives

    check_lang(lang)
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
    from assignments.roster.data import policy_template_rows

    return {
        "departments": [
            {"id": "D01", "name": "心内科", "order": 1, "turn_size": 3, "specialty": "心血管"},
            {"id": "D02", "name": "普外科", "order": 2, "turn_size": 3, "specialty": "普外"},
        ],
        "staff": [
            {**records["staff"][0]},
            {"id": "S002", "name": "李娜", "department": "普外科", "title": "住院医师",
             "promotion_candidate": "否", "times_served": 0},
        ],
        "deferrals": [{"department": "心内科", "quarter": "2027Q1", "decision": "自动后延",
                       "reason": "两人进修"}],
        "policy": policy_template_rows(),
    }


template_command(app, "roster", "assignments.roster.data:SHEETS", _roster_examples,
                 tr("Write an empty roster workbook: every sheet with headers, notes and one "
                    "example row."))


register_roster_ops(app)
register_roster_replan(app)
