"""Pieces every model's command line shares: failing with a message, common options."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, NoReturn

import typer

__all__ = [
    "Deterministic",
    "InputPath",
    "Lang",
    "OutDir",
    "Seed",
    "TimeLimit",
    "Workers",
    "check_lang",
    "fail",
]

InputPath = Annotated[
    Path, typer.Argument(help="Input workbook (.xlsx), CSV folder, .json or .yaml.")
]
OutDir = Annotated[Path, typer.Option("--out", help="Output folder.")]
TimeLimit = Annotated[float, typer.Option("--time-limit", help="Seconds (whole solve).")]
Seed = Annotated[int, typer.Option("--seed", help="Random seed.")]
Workers = Annotated[int, typer.Option("--workers", help="CP-SAT workers (cores).")]
Deterministic = Annotated[
    bool,
    typer.Option(
        "--deterministic",
        help="Same answer for the same input and seed, even when the time limit is hit.",
    ),
]
Lang = Annotated[str, typer.Option("--lang", help="Output language: zh or en.")]


def fail(message: str, code: int = 2) -> NoReturn:
    """Print ``message`` to stderr and leave with ``code`` (no traceback)."""
    typer.echo(message, err=True)
    raise typer.Exit(code)


def check_lang(lang: str) -> str:
    """Accept ``zh`` or ``en``; anything else is a user mistake."""
    if lang not in ("zh", "en"):
        fail(f"--lang must be zh or en, got '{lang}'")
    return lang
