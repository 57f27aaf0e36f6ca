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
from assignments.core.i18n import tr


def parse_day(text: str | None, option: str) -> dt.date | None:
    """A date given on the command line (2027-03-29, 2027/3/29 or 2027年3月29日)."""
    if text is None:
        return None
    from pydantic import TypeAdapter, ValidationError

    from assignments.core.schema import Day

    try:
        return TypeAdapter(Day).validate_python(text)
    except ValidationError:
        fail(tr("{option} expects a date like 2027-03-29, got '{text}'", option=option,
                text=text))


def register(app: typer.Typer) -> None:
    """Add ``replan`` and ``check`` to the ``roster`` command group."""
    register_check(app)

    @app.command("replan", help=tr(
        "Re-plan a published roster after events: frozen quarters kept, fewest changes, every "
        "change listed with its cause (sheet 变更)."))
    def roster_replan(
        workbook: InputPath,
        published: Annotated[
            Path,
            typer.Option("--published", help=tr("The published roster (roster.xlsx of `roster "
                                                "solve` or of an earlier replan).")),
        ],
        events: Annotated[
            list[Path] | None,
            typer.Option("--events", help=tr("Events workbook (事件 sheet); repeat for several, "
                                             "e.g. the events written by `roster assess`.")),
        ] = None,
        out: OutDir = Path("out"),
        as_of: Annotated[
            str | None,
            typer.Option("--as-of", help=tr("Re-planning date (default: 重排日期 of the events "
                                           "file, else the latest 报告日期, else today).")),
        ] = None,
        horizon: Annotated[
            int | None,
            typer.Option("--horizon", min=0, help=tr("Quarters announced after the running one, "
                                                     "kept frozen too (default 1).")),
        ] = None,
        time_limit: TimeLimit = 60.0,
        seed: Seed = 0,
        workers: Workers = 2,
        deterministic: Deterministic = False,
        lang: Lang = "zh",
        engine: Annotated[
            str, typer.Option("--engine", help=tr("auto, cpsat or highs."))
        ] = "auto",
        progress: Annotated[
            bool, typer.Option("--progress/--quiet", help=tr("Print improving solutions."))
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
            edits, n_edits = hand_check_lines(data, published, lang)
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
                lang=lang,
                progress=progress and time_limit >= 10,
            )
            sheets = {
                tr("changes", lang=lang): changes_table(outcome, lang=lang),
                tr("events", lang=lang): events_table(outcome, lang=lang),
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
        if n_edits:
            typer.echo(tr(
                "Warning: the published roster {published} breaks {n} rule(s) (hand edits?); "
                "the re-plan cannot keep those assignments. Valid edits are kept as published "
                "in frozen quarters and, in open quarters, are the reference of the "
                "fewest-changes level (kept unless levels 1–4 improve without them):",
                lang=lang, published=published, n=n_edits))
            for line in edits:
                typer.echo(line)
        for line in roster_summary(outcome.data, outcome.result, lang=lang):
            typer.echo(line)
        for line in summary_lines(outcome, lang=lang):
            typer.echo(line)
        typer.echo(tr("Written: {paths}", paths=", ".join(map(str, written))))
        if not outcome.result.status.has_solution:
            raise typer.Exit(1)


def hand_check_lines(data, path: Path, lang: str) -> tuple[list[str], int]:
    """Lines for every finding of a roster file (each with its rows) and the number of hard
    rules broken. Soft rules (R11 fair turns, …) come after the hard ones, marked as notes:
    they make the roster worse on an objective level, not invalid."""
    from assignments.roster.hand_check import check_hand_edited
    from assignments.roster.rules import RULES, label

    found = check_hand_edited(data, path)
    hard: list[str] = []
    soft: list[str] = []
    for p in found.problems:
        where = "; ".join(str(loc) for loc in p.rows) or tr(
            "{path} (the roster as a whole)", lang=lang, path=path)
        key = p.violation.rule
        is_hard = key not in RULES or RULES.hard(key)
        mark = "" if is_hard else tr(" (soft rule, a note)", lang=lang)
        (hard if is_hard else soft).append(
            f"  [{label(key, lang)}]{mark} {p.violation.message} — {where}")
    return hard + soft, len(hard)


def register_check(app: typer.Typer) -> None:
    """Add ``check`` to the ``roster`` command group."""

    @app.command("check", help=tr(
        "Check a roster edited by hand: every broken rule with its rows of ROSTER.xlsx, and how "
        "the roster compares with the optimum on each objective level. Exit 0: no rule broken; "
        "1: rules broken; 2: unreadable input."))
    def roster_check(
        workbook: InputPath,
        roster: Annotated[Path, typer.Argument(
            help=tr("The roster to check (roster.xlsx, its 排班 sheet possibly edited by hand)."))],
        time_limit: Annotated[float, typer.Option(
            "--time-limit", help=tr("Seconds for the solve that gives the optimum to compare "
                                    "with (0: no comparison)."))] = 10.0,
        workers: Workers = 2,
        lang: Lang = "zh",
    ) -> None:
        """Check a roster edited by hand: every broken rule with its rows of ROSTER.xlsx, and
        how the roster compares with the optimum on each objective level. Exit 0: no rule
        broken; 1: rules broken; 2: unreadable input."""
        from assignments.roster import read_roster, solve
        from assignments.roster.hand_check import check_hand_edited
        from assignments.roster.report import status_text
        from assignments.roster.rules import level_label
        from assignments.roster.solution import objective_levels

        check_lang(lang)
        if time_limit < 0:
            fail(tr("--time-limit must not be negative"))
        try:
            data = read_roster(workbook)
            found = check_hand_edited(data, roster)
            lines, broken = hand_check_lines(data, roster, lang)
        except (InputError, UserError, ValueError) as exc:
            fail(str(exc))
        n = len(found.solution.assignments)
        if broken:
            typer.echo(tr("{roster}: {n} rows, {broken} broken rule(s):", roster=roster, n=n,
                          broken=broken))
        else:
            typer.echo(tr("{roster}: {n} rows, every hard rule holds", roster=roster, n=n))
        for line in lines:
            typer.echo(line)
        mine = objective_levels(data, found.solution)
        if time_limit > 0:
            best = solve(data, time_limit=time_limit, num_workers=workers, explain=False)
            if best.solution is None:
                typer.echo(tr("  optimum: none found in {seconds} s ({status})",
                              seconds=f"{time_limit:g}", status=status_text(best.status)))
            else:
                opt = best.objectives
                state = tr("proven optimal") if best.status.value == "optimal" else tr(
                    "best found in {seconds} s, not proven optimal", seconds=f"{time_limit:g}")
                typer.echo(tr("Compared with the optimum (smaller is better; {state}):",
                              state=state))
                proven = best.status.value == "optimal"
                decided = False
                for level, value in opt.items():
                    if level not in mine:
                        continue
                    gap = mine[level] - int(value)
                    if decided:
                        verdict = tr("(a lower level: the comparison is decided above)")
                    elif gap == 0:
                        verdict = tr("equal")
                    elif gap > 0:
                        verdict = tr("worse by {gap}", gap=gap)
                    elif broken:
                        verdict = tr("better by {gap} (by breaking the rules above)", gap=-gap)
                    elif not proven:
                        verdict = tr("better by {gap} (the solve did not reach the optimum in "
                                     "time; raise --time-limit)", gap=-gap)
                    else:
                        verdict = tr("better by {gap} (contradicts the proven optimum: please "
                                     "report this)", gap=-gap)
                    decided = decided or gap != 0
                    typer.echo(f"  {level_label(level, lang)}: {mine[level]} / "
                               f"{int(value)} — {verdict}")
        if broken:
            raise typer.Exit(1)
