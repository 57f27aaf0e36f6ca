"""Thin command line: parse, read, solve, write. ``assignments roster solve FILE --out DIR``."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from assignments.batch import register as register_batch
from assignments.core.cli import (
    Lang,
    check_lang,
    fail,
)
from assignments.core.errors import InputError, UserError
from assignments.core.i18n import tr
from assignments.funding.cli import app as funding_app
from assignments.mentoring.cli import app as mentoring_app
from assignments.roster.cli import app as roster_app

app = typer.Typer(
    help=tr("Constraint optimisation for rural-support planning (对口支援 / 结对帮扶 / 精准扶贫)."),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(roster_app, name="roster")
app.add_typer(mentoring_app, name="mentoring")
app.add_typer(funding_app, name="funding")
register_batch(app)


@app.command("warmup", help=tr(
    "Compile the numba engines (GAP local search, branch-and-bound, pairing Lagrangian) into "
    "the user cache folder once, so that the first solve is as fast as the tenth."))
def warmup_cmd(lang: Lang = "zh") -> None:
    """Compile the numba engines (GAP local search, branch-and-bound, pairing Lagrangian) into
    the user cache folder once, so that the first solve is as fast as the tenth."""
    from assignments.pairing.warmup import warmup

    check_lang(lang)
    try:
        info = warmup()
    except OSError as exc:
        fail(tr("warmup: {message}", message=exc))
    typer.echo(tr("compiled {engines} in {seconds:.1f}s (numba cache: {folder})",
                  engines=", ".join(info["engines"]), seconds=info["seconds"],
                  folder=info["cache_dir"]))


@app.command("web", help=tr(
    "Start the local web page (Chinese, with an English switch) for the three models."))
def web_cmd(
    host: Annotated[str, typer.Option("--host", help=tr(
        "Address to listen on; anything but 127.0.0.1 / localhost is reachable from other "
        "computers (there is no login: a warning is printed)."))] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help=tr("Port."))] = 8080,
    no_browser: Annotated[bool, typer.Option("--no-browser",
                                             help=tr("Do not open the browser."))] = False,
) -> None:
    """Start the local web page (Chinese, with an English switch) for the three models."""
    from assignments.web import serve

    serve(host, port, open_browser=not no_browser)


def main() -> None:
    """Console entry point; user mistakes end with a message, never a traceback."""
    try:
        app()
    except (InputError, UserError) as exc:
        print(str(exc), file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
