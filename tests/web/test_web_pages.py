"""The web pages without a browser (NiceGUI's simulated ``user``): upload → located messages,
clean upload → solve in a worker process → tables → zip, cancel, a second solve refused, the
language switch."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("nicegui", reason="the web page needs the 'web' extra (NiceGUI)")
from conftest import wait_until
from web_fixtures import TINY, malformed_roster

pytestmark = pytest.mark.anyio


def _upload(user: Any, path: Path) -> Any:
    from nicegui import ui
    from nicegui.elements.upload_files import SmallFileUpload

    up = user.find(ui.upload).elements.pop()
    return up.handle_uploads([SmallFileUpload(path.name, "application/octet-stream",
                                              path.read_bytes())])


def _marked(user: Any, marker: str) -> list[Any]:
    """The page's elements with ``marker``, shown or hidden."""
    return [e for e in user.current_layout.descendants() if marker in e._markers]


def _one(user: Any, marker: str) -> Any:
    els = _marked(user, marker)
    assert len(els) == 1, (marker, els)
    return els[0]


def _text(user: Any, marker: str) -> str:
    """The text of the elements with ``marker`` and of everything inside them."""
    return " ".join(str(getattr(x, "text", "")) for e in _marked(user, marker)
                    for x in [e, *e.descendants()])


async def test_malformed_upload_lists_located_problems(user: Any, tmp_path: Path) -> None:
    from nicegui import ui

    await user.open("/roster")
    await user.should_see("轮转排班")
    await _upload(user, malformed_roster(tmp_path))
    table = _one(user, "issues")
    assert isinstance(table, ui.table)
    await wait_until(lambda: table.rows)
    by_sheet = {r["sheet"]: r for r in table.rows}
    assert "人员" in by_sheet and "卫生院" in by_sheet, table.rows
    assert by_sheet["人员"]["row"] == 2 and "D99" in str(by_sheet["人员"])
    assert by_sheet["卫生院"]["row"] == 2
    assert "问题" in _text(user, "file-status")
    assert table.visible
    assert not _one(user, "solve").enabled


async def test_clean_upload_solves_shows_tables_and_zips(user: Any, tmp_path: Path) -> None:
    from nicegui import ui

    await user.open("/roster")
    await _upload(user, TINY["roster"])
    solve = _one(user, "solve")
    await wait_until(lambda: solve.enabled)
    _one(user, "time-limit").value = 5
    user.find(marker="solve").click()
    await wait_until(lambda: _marked(user, "status"), timeout=240)
    assert "最优" in _text(user, "status") or "可行" in _text(user, "status")
    assert "每条硬性规则都成立" in _text(user, "verdict")
    tables = [e for e in _marked(user, "result-table") if isinstance(e, ui.table)]
    assert tables
    first = tables[0]
    labels = [c["label"] for c in first.columns]
    assert any("卫生院" in str(first.rows) or "季度" in lb for lb in labels), labels
    assert _marked(user, "plot")
    user.find(marker="zip").click()
    response = await user.download.next(timeout=30)
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert "roster.xlsx" in names and "result.json" in names and "roster_gantt.png" in names
    assert any(n.startswith("csv/") for n in names)


async def test_cancel_returns_the_best_plan_so_far_and_a_second_solve_is_refused(
        user: Any) -> None:
    from conftest import another_user

    county = TINY["roster"].with_name("county_hospital.xlsx")
    await user.open("/roster")
    await _upload(user, county)
    await wait_until(lambda: _one(user, "solve").enabled, timeout=120)
    _one(user, "time-limit").value = 5
    _one(user, "engine").value = "cpsat"
    user.find(marker="solve").click()
    assert _one(user, "cancel").enabled

    other = another_user()
    await other.open("/mentoring")
    await _upload(other, TINY["mentoring"])
    await wait_until(lambda: "可以求解" in _text(other, "file-status"), timeout=120)
    # the button is off while another solve runs; its handler refuses as well
    assert not _one(other, "solve").enabled
    from assignments.web import app as web_app

    assert web_app._running() is not None
    note_before = _text(other, "solve-note")
    with other:  # a stale page whose button was still on: the handler itself refuses
        for listener in _one(other, "solve")._event_listeners.values():
            listener.handler(None)
    assert "已有一个求解在运行" in _text(other, "solve-note"), note_before

    # the first progress with a plan, then cancel
    await wait_until(lambda: "当前最好" in _text(user, "progress")
                     and "当前最好 —" not in _text(user, "progress"), timeout=120)
    user.find(marker="cancel").click()
    await wait_until(lambda: _marked(user, "status"), timeout=120)
    status = _text(user, "status")
    assert "已由您停止" in status, status
    assert "每条硬性规则都成立" in _text(user, "verdict")
    assert _marked(user, "result-table")


async def _solve_example(user: Any, model: str) -> None:
    await user.open(f"/{model}")
    user.find(marker="example").click()
    await wait_until(lambda: _one(user, "solve").enabled, timeout=120)
    _one(user, "time-limit").value = 5
    user.find(marker="solve").click()
    await wait_until(lambda: _marked(user, "wi-resolve"), timeout=240)


def _table_with(user: Any, label: str) -> Any:
    from nicegui import ui

    for t in _marked(user, "result-table"):
        if isinstance(t, ui.table) and any(c["label"] == label for c in t.columns):
            return t
    raise AssertionError(f"no result table with a column {label}")


def _column(table: Any, label: str) -> list[str]:
    field = next(c["field"] for c in table.columns if c["label"] == label)
    return [str(r[field]) for r in table.rows]


async def _resolve_and_diff(user: Any) -> list[dict[str, Any]]:
    before = _marked(user, "status")[0]
    user.find(marker="wi-resolve").click()
    await wait_until(lambda: _marked(user, "status") and _marked(user, "status")[0] is not before
                     and _marked(user, "diff"), timeout=240)
    changes = _marked(user, "diff-changes")
    assert _marked(user, "diff-levels")
    return list(changes[0].rows) if changes else []


async def test_whatif_forbid_a_pair_resolves_and_shows_it_left(user: Any) -> None:
    await _solve_example(user, "mentoring")
    pairs = _table_with(user, "师傅工号")
    mentor, mentee = _column(pairs, "师傅工号")[0], _column(pairs, "徒弟工号")[0]
    _one(user, "wi-a").value = mentor
    _one(user, "wi-b").value = mentee
    user.find(marker="wi-forbid").click()
    assert f"{mentor} → {mentee}" in _text(user, "wi-edits").replace("禁止结对", "")
    rows = await _resolve_and_diff(user)
    assert {"what": f"{mentor} → {mentee}", "before": "✓", "after": "—"} in rows, rows
    after = _table_with(user, "师傅工号")
    assert (mentor, mentee) not in set(zip(_column(after, "师傅工号"), _column(after, "徒弟工号"),
                                           strict=True))
    assert "每条硬性规则都成立" in _text(user, "verdict")


async def test_whatif_drop_a_funded_project(user: Any) -> None:
    await _solve_example(user, "funding")
    projects = _table_with(user, "安排资金(元)")
    ids, money = _column(projects, "项目编号"), _column(projects, "安排资金(元)")
    # the last funded project (the first, P1, is the only industry project of the central
    # fund: dropping it is infeasible under F2, which tests/web/test_web_whatif.py shows)
    funded = [i for i, m in zip(ids, money, strict=True)
              if m not in ("", "0") and float(m.replace(",", "")) > 0][-1]
    _one(user, "wi-a").value = funded
    user.find(marker="wi-drop").click()
    rows = await _resolve_and_diff(user)
    row = next(r for r in rows if r["what"] == funded)
    assert row["after"] == "—" and row["before"] != "—"
    assert "每条硬性规则都成立" in _text(user, "verdict"), (_text(user, "status"),
                                                   _text(user, "solve-note"))


async def test_whatif_keep_a_person_out_of_their_quarter(user: Any) -> None:
    await _solve_example(user, "roster")
    plan = _table_with(user, "工号")
    # the promotion candidate pulled forward into 2027Q1 (R6): keeping him out of it is
    # feasible (the others of the tiny roster are each needed where they are)
    kinds = _column(plan, "类型")
    i = kinds.index("晋升提前")
    staff, quarter = _column(plan, "工号")[i], _column(plan, "季度")[i]
    _one(user, "wi-a").value = staff
    _one(user, "wi-b").value = quarter
    user.find(marker="wi-keep-out").click()
    rows = await _resolve_and_diff(user)
    row = next(r for r in rows if r["what"] == staff)
    assert quarter in row["before"] and quarter not in row["after"], row
    assert "每条硬性规则都成立" in _text(user, "verdict")
