"""The money ledger: the figures of DOMAIN §R "Money", one source for every view, and totals
that reconcile across person / department / quarter / year."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from roster_ops_fixtures import ROOT, published_roster, random_problem, tiny

from assignments.core.calendar import Quarter
from assignments.core.errors import InputError
from assignments.roster import solve
from assignments.roster.assess import assess, read_logs
from assignments.roster.events import Event, EventKind, read_events
from assignments.roster.ledger import EntryKind, build_ledger, write_ledger
from assignments.roster.replan import replan

D = dt.date
INST = ROOT / "instances" / "roster"


@pytest.fixture(autouse=True)
def _english():
    """These tests read the English messages (``use_lang("en")``); the Chinese ones are
    checked by test_roster_zh_outputs.py."""
    from assignments.core.i18n import use_lang

    with use_lang("en"):
        yield


@pytest.fixture(scope="module")
def tiny_pipeline():
    """tiny: solved, assessed (tiny_logs), re-planned with tiny_events and the re-dispatch."""
    data = tiny()
    sol = solve(data, time_limit=10).solution
    assert sol is not None
    assessment = assess(data, read_logs(INST / "tiny_logs.xlsx", data), sol.assignments)
    events = read_events(INST / "tiny_events.xlsx", data)
    from assignments.roster.assess import redispatch_events

    out = replan(data, sol, [*events.events, *redispatch_events(data, assessment)],
                 as_of=D(2027, 3, 29), time_limit=10)
    assert out.result.solution is not None
    return data, out.result.solution, assessment, events


def test_tiny_ledger_by_hand(tiny_pipeline) -> None:
    """12 rotations × 1,320 yuan subsidy; 11 × 1,000 reward (张伟's re-dispatch earns none);
    deductions 880 (张伟, 3 items) + 440 (孙强, 1 item); 500 re-dispatch fine (心内科); 王芳's
    recall 2027-03-01–05 = 5 working days × 40 yuan, to her and to 心内科."""
    data, sol, assessment, events = tiny_pipeline
    ledger = build_ledger(data, sol.assignments, assessment=assessment, events=events)
    assert ledger.total(EntryKind.SUBSIDY) == 12 * 22 * 20 * 3
    assert ledger.total(EntryKind.REWARD) == 11 * 1000
    assert ledger.total(EntryKind.DEDUCTION) == -(880 + 440)
    assert ledger.total(EntryKind.REDISPATCH_FINE) == -500
    assert ledger.total(EntryKind.RECALL_PERSON) == ledger.total(EntryKind.RECALL_DEPARTMENT) \
        == -200
    assert ledger.total() == 15840 + 11000 - 1320 - 500 - 400
    assert ledger.reconcile() == []
    views = ledger.views()
    person = views["按人员"].set_index("工号")
    assert person.loc["S01", "合计(元)"] == 2 * 1320 - 880  # two rotations, 2 months deducted
    assert person.loc["S02", "合计(元)"] == 1320 - 200
    dept = views["按科室"].set_index("科室")
    assert dept.loc["心内科", "科室合计(元)"] == 3000 - 500 - 200


def test_views_reconcile_and_the_check_can_fail(tiny_pipeline) -> None:
    """Every view sums to the same totals, per kind; a tampered view is caught."""
    data, sol, assessment, events = tiny_pipeline
    ledger = build_ledger(data, sol.assignments, assessment=assessment, events=events)
    views = ledger.views()
    table = views["核对"]
    assert (table["一致"] == "是").all() and len(table) == len(EntryKind) + 1
    for name in ("按人员", "按科室", "按季度", "按年度"):
        body = views[name].iloc[:-1]
        assert views[name].iloc[-1]["合计(元)"] == body["合计(元)"].sum()
    assert views["按季度"].iloc[:-1]["合计(元)"].sum() == ledger.total()
    tampered = dict(views)
    q = tampered["按季度"].copy()
    q.loc[0, "下乡补助(元)"] += 1
    q.loc[0, "合计(元)"] += 1
    tampered["按季度"] = q
    bad = ledger._reconciliation(tampered, "zh")
    assert set(bad.loc[bad["一致"] == "否", "项目"]) == {"下乡补助", "合计"}


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 5000), recalls=st.integers(0, 3), refusals=st.integers(0, 2))
def test_random_ledgers_reconcile(seed: int, recalls: int, refusals: int) -> None:
    """Random rosters with random recalls and refusals: all views reconcile and the total is
    the sum of the entries."""
    data = random_problem(seed)
    sol = published_roster(data)
    assume(sol is not None)
    periods = data.periods()
    events = []
    for k, a in enumerate(sol.assignments[:recalls]):
        start = periods[a.quarter][0] + dt.timedelta(days=3 + k)
        events.append(Event(id=f"R{k}", kind=EventKind.RECALL, staff=a.staff, start=start,
                            end=start + dt.timedelta(days=k * 3)))
    for k in range(refusals):
        events.append(Event(id=f"F{k}", kind=EventKind.REFUSAL,
                            department=data.departments[k].id,
                            quarter=data.policy.first_quarter + k))
    ledger = build_ledger(data, sol.assignments, events=events)
    assert ledger.reconcile() == []
    assert ledger.total() == sum(e.amount for e in ledger.entries)
    views = ledger.views(lang="en")
    assert views["by year"].iloc[-1]["total (yuan)"] == ledger.total()
    person = views["by person"].iloc[:-1]["total (yuan)"].sum()
    dept_own = views["by department"].iloc[:-1]["department total (yuan)"].sum()
    assert person + dept_own == ledger.total()


def test_recall_counts_working_days_only() -> None:
    """A recall from Saturday 2026-09-26 to the end of the 2026Q3 rotation (2026-10-07) counts
    working days only: 28, 29 and 30 September (the National Day holiday is 1–7 October) =
    3 × 40 = 120 yuan, to the person and to the department."""
    data = random_problem(1)
    data = dataclasses.replace(data, policy=data.policy.model_copy(
        update={"first_quarter": Quarter(2026, 3), "quarters": 2}))
    sol = published_roster(data)
    assert sol is not None
    rot = next(a for a in sol.assignments if a.quarter == 0)
    assert data.periods()[0] == (D(2026, 7, 6), D(2026, 10, 7))
    ev = Event(id="R1", kind=EventKind.RECALL, staff=rot.staff, start=D(2026, 9, 26))
    ledger = build_ledger(data, [rot], events=[ev])
    assert ledger.total(EntryKind.RECALL_PERSON) == -120
    assert ledger.total(EntryKind.RECALL_DEPARTMENT) == -120
    assert "3 working days 2026-09-26–2026-10-07" in ledger.entries[-1].note


def test_recall_of_someone_not_on_rotation_is_located(tmp_path: Path) -> None:
    """A recall dated outside the person's rotations is refused, naming the event row."""
    from roster_ops_fixtures import write_events

    data = tiny()
    sol = solve(data, time_limit=10).solution
    path = write_events(tmp_path / "ev.xlsx", [
        {"id": "R9", "kind": "擅自调回", "staff": "S02", "start": "2027-06-01"}])
    with pytest.raises(InputError) as err:
        build_ledger(data, sol.assignments, events=read_events(path, data))
    text = str(err.value)
    assert "ev.xlsx" in text and "row 2" in text and "event 'R9'" in text
    assert "not on a rotation on 2027-06-01" in text


def test_parameters_drive_the_amounts() -> None:
    """Money figures are 方案 parameters: 25 yuan a day and a 1,500 reward change every view."""
    data = tiny()
    sol = solve(data, time_limit=10).solution
    d2 = dataclasses.replace(data, policy=data.policy.model_copy(
        update={"subsidy_per_day": 25, "reward_per_person": 1500, "refusal_fine": 3000}))
    ev = [Event(id="F1", kind=EventKind.REFUSAL, department="D3", quarter="2027Q2")]
    ledger = build_ledger(d2, sol.assignments, events=ev)
    assert ledger.total(EntryKind.SUBSIDY) == 12 * 22 * 25 * 3
    assert ledger.total(EntryKind.REWARD) == 12 * 1500
    assert ledger.total(EntryKind.REFUSAL_FINE) == -3000
    assert ledger.reconcile() == []


def test_roster_money_sheets_come_from_the_ledger() -> None:
    """The 费用 sheets of `roster solve` add up to the ledger's subsidies and rewards."""
    from assignments.roster.report import roster_tables

    data = tiny()
    r = solve(data, time_limit=10)
    t = roster_tables(data, r.solution, r)
    ledger = build_ledger(data, r.solution.assignments)
    assert t["费用"]["合计(元)"].sum() == ledger.total()
    assert t["科室汇总"]["科室奖励(元)"].sum() == ledger.total(EntryKind.REWARD)


def test_ledger_workbook(tiny_pipeline, tmp_path: Path) -> None:
    """ledger.xlsx holds the entries, the four views and the reconciliation, in English too."""
    data, sol, assessment, events = tiny_pipeline
    ledger = build_ledger(data, sol.assignments, assessment=assessment, events=events)
    write_ledger(ledger, tmp_path / "zh")
    write_ledger(ledger, tmp_path / "en", lang="en")
    zh = pd.read_excel(tmp_path / "zh" / "ledger.xlsx", sheet_name=None, engine="openpyxl")
    en = pd.read_excel(tmp_path / "en" / "ledger.xlsx", sheet_name=None, engine="openpyxl")
    assert list(zh) == ["明细", "按人员", "按科室", "按季度", "按年度", "核对"]
    assert list(en) == ["entries", "by person", "by department", "by quarter", "by year",
                        "reconciliation"]
    assert len(zh["明细"]) == len(ledger.entries)
    assert (en["reconciliation"]["agree"] == "yes").all()
