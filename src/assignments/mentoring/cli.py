"""``assignments mentoring ...`` commands."""

from __future__ import annotations

import typer

from assignments.mentoring.cli_modes import register as register_modes

app = typer.Typer(
    help="M — mentor pairing (师徒结对), school pairing and teacher placement.",
    no_args_is_help=True,
)

register_modes(app)
