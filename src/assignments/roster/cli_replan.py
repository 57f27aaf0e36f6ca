"""``assignments roster replan``: republish a roster after events (thin: parse, read, solve,
write)."""

from __future__ import annotations

import datetime as dt
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


def parse_day(text: str | None, option: str) -> dt.date | None:
    """A date given on the command line (2027-03-29, 2027/3/29 or 2027年3月29日)."""
    if text is None:
        return None
    from pydantic import TypeAdapter, ValidationError

    from assignments.core.schema import Day

    try:
        return TypeAdapter(Day).validate_python(text)
    except ValidationError:
        fail(f"{option} expects a date like 2027-03-29, got '{text}'")


def register(app: typer.Typer) -> None:
    """Add ``replan`` to the ``roster`` command group."""

    @app.command("replan")
    def roster_replan(
        workbook: InputPath,
        published: Annotated[
            Path,
            typer.Option("--published", help="The published roster (roster.xlsx of `roster "
                                             "solve` or of an earlier replan)."),
        ],
        events: Annotated[
            list[Path] | None,
            typer.Option("--events", help="Events workbook (事件 sheet); repeat for several, "
                                          "e.g. the events written by `roster assess`."),
        ] = None,
        out: OutDir = Path("out"),
        as_of: Annotated[
            str | None,
            typer.Option("--as-of", help="Re-planning date (default: 重排日期 of the events "
                                        "file, else the latest 报告日期, else today)."),
        ] = None,
        horizon: Annotated[
            int | None,
            typer.Option("--horizon", min=0, help="Quarters announced after the running one, "
                                                  "kept frozen too (default 1)."),
        ] = None,
        time_limit: TimeLimit = 60.0,
        seed: Seed = 0,
        workers: Workers = 2,
        deterministic: Deterministic = False,
        lang: Lang = "zh",
        engine: Annotated[
            str, typer.Option("--engine", help="auto, cpsat or highs.")
        ] = "auto",
        progress: Annotated[
            bool, typer.Option("--progress/--quiet", help="Print improving solutions.")
        ] = True,
    ) -> None:
        """Re-plan a published roster after events: frozen quarters kept, fewest changes,
        every change listed with its cause (sheet 变更)."""
        from assignments.roster import read_roster
        from assignments.roster.events import read_events
        from assignments.roster.replan import (
            changes_table,
            events_table,
            read_published,
            replan,
            summary_lines,
        )
        from assignments.roster.report import summary_lines as roster_summary
        from assignments.roster.report import write_outputs

        check_lang(lang)
        when = parse_day(as_of, "--as-of")
        try:
            data = read_roster(workbook)
            pub = read_published(published, data)
            log = read_events(events or [], data)
            outcome = replan(
                data,
                pub,
                log,
                as_of=when,
                announce=horizon,
                time_limit=time_limit,
                seed=seed,
                num_workers=workers,
                deterministic=deterministic,
                engine=engine,
                progress=progress and time_limit >= 10,
            )
            sheets = {
                ("变更" if lang == "zh" else "changes"): changes_table(outcome, lang=lang),
                ("事件" if lang == "zh" else "events"): events_table(outcome, lang=lang),
            }
            extra = {
                "replan": {
                    "published": str(published),
                    "events": [str(p) for p in events or []],
                    "as_of": str(outcome.as_of),
                    "announce": outcome.announce,
                    "frozen_quarters": [
                        str(data.policy.first_quarter + q) for q in range(outcome.frozen)
                    ],
                    "changes": [
                        {
                            "staff": ch.staff,
                            "quarter": str(data.policy.first_quarter + ch.quarter),
                            "before": ch.before,
                            "after": ch.after,
                            "kind": ch.kind,
                            "causes": ch.causes,
                            "how": ch.how,
                        }
                        for ch in outcome.changes
                    ],
                }
            }
            written = write_outputs(
                outcome.data, outcome.result, out, lang=lang, extra_sheets=sheets,
                extra_json=extra,
            )
        except (InputError, UserError, ValueError) as exc:
            fail(str(exc))
        for line in roster_summary(outcome.data, outcome.result, lang=lang):
            typer.echo(line)
        for line in summary_lines(outcome, lang=lang):
            typer.echo(line)
        typer.echo(("已写入" if lang == "zh" else "Written") + ": " + ", ".join(map(str, written)))
        if not outcome.result.status.has_solution:
            raise typer.Exit(1)
