"""Shared fixtures of the roster tests (``tests/roster``).

The fixture modules of this folder (``roster_fixtures.py``: the tiny workbook and record
editing; ``roster_ops_fixtures.py``: events, logs and published rosters) are imported by name
(``from roster_fixtures import TINY_XLSX``): pytest puts this folder on ``sys.path``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assignments.roster import RosterData, read_roster

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def county() -> RosterData:
    """``instances/roster/county_hospital.xlsx``: 25 departments, 6 seats a quarter, one
    ``next`` and one ``auto`` deferral (two schedule alternatives); read once per session."""
    return read_roster(ROOT / "instances" / "roster" / "county_hospital.xlsx")


@pytest.fixture(autouse=True)
def _process_language_back_to_chinese():
    """A CLI test with ``--lang en`` sets the process language; the next test starts in the
    default (Chinese) again."""
    yield
    from assignments.core.i18n import set_lang

    set_lang("zh")
