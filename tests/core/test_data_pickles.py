"""Every model's data pickles: batch solves and the web page's worker process ship it to
another process (a lambda kept in the data broke ``assignments batch``)."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from assignments.funding import read_funding
from assignments.mentoring import read_mentoring
from assignments.roster import read_roster

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("read", "path"), [
    (read_roster, "instances/roster/tiny.xlsx"),
    (read_mentoring, "instances/mentoring/tiny.xlsx"),
    (read_funding, "instances/funding/tiny.xlsx"),
])
def test_data_pickles(read, path: str) -> None:
    data = read(ROOT / path)
    back = pickle.loads(pickle.dumps(data))
    assert type(back) is type(data)
    for name in ("staff", "teachers", "projects", "sources", "departments", "centers"):
        if hasattr(data, name):
            assert getattr(back, name) == getattr(data, name), name
