"""Shared fixtures of the whole test tree.

The tree mirrors the package (``tests/core``, ``tests/cli``, ``tests/pairing``,
``tests/roster``, ``tests/mentoring``, ``tests/funding``, ``tests/scripts``); fixture modules
shared by several folders (``mentoring_fixtures.py``) stay here and are importable from any
folder (``pythonpath = ["tests"]`` in ``pyproject.toml``); a folder's own fixtures sit in it
(``tests/roster/roster_fixtures.py``, ``tests/funding/funding_fixtures.py``,
``tests/roster/conftest.py``).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
"""The repository (README, instances/, scripts/)."""

os.environ.setdefault("MPLBACKEND", "Agg")  # plots render without a screen


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository root."""
    return ROOT


@pytest.fixture(scope="session")
def shipped() -> dict[str, Path]:
    """The shipped example workbooks by model: ``shipped["roster"]`` is
    ``instances/roster/tiny.xlsx`` (the README's example)."""
    return {m: ROOT / "instances" / m / "tiny.xlsx" for m in ("roster", "mentoring", "funding")}


ENGLISH_FOLDERS = ("core", "pairing")
"""Test folders that check the messages in English (the package's msgids) unless a module
says ``LANG = "zh"``: the Chinese default is checked there too, and in ``tests/cli``."""


@pytest.fixture(autouse=True)
def _message_language(request: pytest.FixtureRequest):
    """Each test starts in the language its module asks for — ``LANG = "en"`` for a module that
    checks the English messages (the msgids) — else its folder's default: English in
    :data:`ENGLISH_FOLDERS`, Chinese (the default a user gets) elsewhere; the process language
    is put back to Chinese afterwards (a CLI call with ``--lang en`` sets it for the whole
    process, and typer's CliRunner runs commands in this process)."""
    from assignments.core.i18n import set_lang

    folder = Path(str(request.node.fspath)).parent.name
    default = "en" if folder in ENGLISH_FOLDERS else "zh"
    set_lang(getattr(request.module, "LANG", default))
    yield
    set_lang("zh")
