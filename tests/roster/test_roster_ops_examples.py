"""The shipped county operations examples match today's roster (issue #16.6): regenerate them
with ``PYTHONPATH=src python scripts/make_roster_ops_examples.py`` when this fails."""

from __future__ import annotations

import pytest
from roster_ops_fixtures import ROOT

from assignments.roster import read_roster, solve
from assignments.roster.assess import assess, read_logs
from assignments.roster.events import EventKind, read_events
from assignments.roster.ledger import build_ledger, refusal_problem

COUNTY = ROOT / "instances" / "roster"


@pytest.fixture(autouse=True)
def _english():
    """These tests read the English messages (``use_lang("en")``); the Chinese ones are
    checked by test_roster_zh_outputs.py."""
    from assignments.core.i18n import use_lang

    with use_lang("en"):
        yield


def test_shipped_county_logs_and_events_match_the_roster() -> None:
    """Every record of county_logs.xlsx falls in a rotation of the roster `roster solve`
    gives (no 'record ignored' warning), every 2027Q1 rotation has records (none pending),
    and every refusal (拒派) of county_events.xlsx names a real turn; the ledger books them."""
    data = read_roster(COUNTY / "county_hospital.xlsx")
    # as scripts/make_roster_ops_examples.py solves it: deterministic, so the same roster on
    # any machine (a wall-clock limit on a loaded machine may stop at another roster)
    r = solve(data, time_limit=60, num_workers=2, explain=False, deterministic=True)
    assert r.solution is not None
    rotations = r.solution.assignments
    result = assess(data, read_logs(COUNTY / "county_logs.xlsx", data), rotations,
                    quarters=[0])
    assert [w for w in result.warnings if "ignored" in w] == []
    assert result.rotations and not any(ra.pending for ra in result.rotations)
    assert {ra.rotation.staff for ra in result.rotations} == {
        a.staff for a in rotations if a.quarter == 0}
    log = read_events(COUNTY / "county_events.xlsx", data)
    first = data.policy.first_quarter
    refusals = [e for e in log.events if e.kind is EventKind.REFUSAL]
    assert refusals
    for e in refusals:
        assert refusal_problem(data, rotations, e.department, e.quarter - first) is None
    assert build_ledger(data, rotations, assessment=result, events=log).reconcile() == []
