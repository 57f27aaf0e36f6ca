"""``assignments funding ...`` commands."""

from __future__ import annotations

import typer

from assignments.funding.cli_subsidies import register as register_subsidies

app = typer.Typer(
    help="F — fund allocation (资金分配), household subsidies and scenarios.",
    no_args_is_help=True,
)

register_subsidies(app)
