"""The web pages without a browser (NiceGUI's simulated ``user``): upload → located messages,
clean upload → solve in a worker process → tables → zip, cancel, a second solve refused, the
language switch."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
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
    return " ".join(str(getattr(e, "text", "")) for e in _marked(user, marker))


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
