"""The roster page's operations (section 6) without a browser, on the shipped tiny example as
docs/roster_operations.md runs it: solve → upload events and logs → assess (张伟 re-dispatched)
→ re-plan with frozen quarters (two changes, each with its event; the diff) → duties (.ics) →
ledger (核对) → everything in the zip; a malformed events file lists located problems; an
uploaded published roster; a re-plan refused while another solve runs."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("nicegui", reason="the web page needs the 'web' extra (NiceGUI)")
import openpyxl
from conftest import wait_until
from web_fixtures import TINY

pytestmark = pytest.mark.anyio

EVENTS = TINY["roster"].with_name("tiny_events.xlsx")
LOGS = TINY["roster"].with_name("tiny_logs.xlsx")


def _marked(user: Any, marker: str) -> list[Any]:
    return [e for e in user.current_layout.descendants() if marker in e._markers]


def _one(user: Any, marker: str) -> Any:
    els = _marked(user, marker)
    assert len(els) == 1, (marker, els)
    return els[0]


def _text(user: Any, marker: str) -> str:
    return " ".join(str(getattr(x, "text", "")) for e in _marked(user, marker)
                    for x in [e, *e.descendants()])


async def _upload(user: Any, marker: str, path: Path) -> None:
    from nicegui.elements.upload_files import SmallFileUpload

    await _one(user, marker).handle_uploads([SmallFileUpload(
        path.name, "application/octet-stream", path.read_bytes())])


def _rows(table: Any) -> list[dict[str, str]]:
    """A table's rows keyed by column label."""
    labels = {c["field"]: c["label"] for c in table.columns}
    return [{labels[k]: str(v) for k, v in r.items() if k in labels} for r in table.rows]


def _table(user: Any, marker: str, column: str) -> list[dict[str, str]]:
    for t in _marked(user, marker):
        if any(c["label"] == column for c in t.columns):
            return _rows(t)
    raise AssertionError(f"no {marker} table with a column {column}")


def _malformed_events(folder: Path) -> Path:
    """tiny_events.xlsx with an unknown person (事件 row 3, 工号) and an unknown kind (row 4)."""
    wb = openpyxl.load_workbook(EVENTS)
    wb["事件"].cell(row=3, column=3).value = "S99"
    wb["事件"].cell(row=4, column=2).value = "出差"
    path = folder / "bad_events.xlsx"
    wb.save(path)
    return path


async def _clean_workbook(user: Any, lang: str = "zh") -> None:
    await user.open(f"/roster?lang={lang}")
    await _upload(user, "upload", TINY["roster"])
    await wait_until(lambda: _marked(user, "ops-upload-events"), timeout=120)
    _one(user, "time-limit").value = 5


async def test_whole_operations_flow_on_the_tiny_example(user: Any, tmp_path: Path) -> None:
    await _clean_workbook(user)
    # nothing to work on before a plan exists: said, not run
    user.find(marker="ops-duties").click()
    await wait_until(lambda: "还没有排班" in _text(user, "ops-duties-note"))

    user.find(marker="solve").click()
    await wait_until(lambda: "上面求解的方案" in _text(user, "ops-roster"), timeout=240)

    # a malformed events file: every problem located, the file not used
    await _upload(user, "ops-upload-events", _malformed_events(tmp_path))
    issues = _one(user, "ops-issues-events")
    await wait_until(lambda: issues.rows)
    by_row = {r["row"]: r for r in issues.rows}
    assert set(by_row) >= {3, 4}, issues.rows
    assert by_row[3]["sheet"].startswith("事件") and "S99" in str(by_row[3])
    assert "出差" in str(by_row[4])
    assert "问题" in _text(user, "ops-status-events") and issues.visible

    await _upload(user, "ops-upload-events", EVENTS)
    await wait_until(lambda: "未发现问题" in _text(user, "ops-status-events"))
    assert not issues.visible
    await _upload(user, "ops-upload-logs", LOGS)
    await wait_until(lambda: "未发现问题" in _text(user, "ops-status-logs"))

    # the events alone leave 2027Q3 without its 中级 (刘洋 on study leave): no roster, the
    # reasons shown, the solved plan stays the current one (and shown above)
    user.find(marker="ops-replan").click()
    await wait_until(lambda: "没有得到重排的排班" in _text(user, "ops-replan-note"), timeout=240)
    assert "R8" in _text(user, "ops-replan-out") or "职称" in _text(user, "ops-replan-out")
    assert "上面求解的方案" in _text(user, "ops-roster")
    assert "每条硬性规则都成立" in _text(user, "verdict")

    # assessment: 张伟 fails all three items and is re-dispatched (docs/roster_operations.md)
    user.find(marker="ops-assess").click()
    await wait_until(lambda: _marked(user, "ops-assess-table"), timeout=60)
    rows = {r["姓名"]: r for r in _table(user, "ops-assess-table", "重新下乡")}
    assert rows["张伟"]["重新下乡"] == "是" and rows["张伟"]["扣除补助(元)"] == "880"
    assert rows["张伟"]["科室罚款(元)"] == "500"
    assert rows["王芳"]["不合格项数"] == "0" and rows["孙强"]["扣除补助(元)"] == "440"
    assert "1 人需重新下乡" in _text(user, "ops-redispatch")
    assert _one(user, "ops-use-redispatch").value is True

    # frozen quarters shown before the re-plan runs: the events file's 重排日期 2027-03-29
    await wait_until(lambda: "2027Q1、2027Q2" in _text(user, "ops-frozen"))
    assert "2027-03-29" in _text(user, "ops-frozen") and "2027Q3" in _text(user, "ops-frozen")

    user.find(marker="ops-replan").click()
    await wait_until(lambda: _marked(user, "ops-replan-frozen"), timeout=240)
    assert "2027Q1、2027Q2" in _text(user, "ops-replan-frozen")
    changes = _table(user, "ops-changes", "原因事件")
    assert {(c["姓名"], c["季度"], c["原因事件"]) for c in changes} == {
        ("张伟", "2027Q3", "KH-S01-2027Q1"), ("刘洋", "2027Q3", "E2")}, changes
    assert "重排后的排班" in _text(user, "ops-roster")
    # the plan above is the re-planned roster, with the diff against the solved one
    diff = {r["what"]: r for r in _one(user, "diff-changes").rows}
    assert set(diff) == {"S01", "S04"}, diff
    assert "2027Q3" in diff["S01"]["after"] and "2027Q3" not in diff["S01"]["before"]
    assert "每条硬性规则都成立" in _text(user, "verdict")

    # duties on the re-planned roster: 11 calendars (张伟's two rotations share his file)
    user.find(marker="ops-duties").click()
    await wait_until(lambda: _marked(user, "ops-duties-table"), timeout=60)
    overview = _table(user, "ops-duties-table", "授课次数")
    assert len(overview) == 12 and {r["授课次数"] for r in overview} <= {"6", "7"}
    user.find(marker="ops-ics-zip").click()
    response = await user.download.next(timeout=30)
    ics = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert len(ics) == 11 and all(n.startswith("ics/") and n.endswith(".ics") for n in ics)
    assert "ics/S01_张伟.ics" in ics
    _one(user, "ops-ics-person").value = "S01_张伟.ics"
    user.find(marker="ops-ics-one").click()
    one = await user.download.next(timeout=30)
    assert one.content.startswith(b"BEGIN:VCALENDAR") and one.content.count(b"BEGIN:VEVENT") > 20

    # ledger: every view adds up (核对), total as documented for the re-planned roster
    user.find(marker="ops-ledger").click()
    await wait_until(lambda: _marked(user, "ops-ledger-table"), timeout=60)
    check = _table(user, "ops-ledger-table", "一致")
    assert check and all(r["一致"] == "是" for r in check), check
    total = next(r for r in check if r["项目"] == "合计")
    assert total["明细"] == total["按人员+科室"] == "24620"
    assert _table(user, "ops-ledger-table", "姓名")  # 按人员
    assert "24,620" in _text(user, "ops-ledger-totals")

    # everything in the page's zip: the re-planned roster, the operations, the solved plan
    user.find(marker="zip").click()
    response = await user.download.next(timeout=30)
    names = set(zipfile.ZipFile(io.BytesIO(response.content)).namelist())
    assert {"roster.xlsx", "result.json", "csv/变更.csv", "ops/assess/assessment.xlsx",
            "ops/assess/redispatch_events.xlsx", "ops/duties/duties.xlsx",
            "ops/ledger/ledger.xlsx", "ops/input/events/tiny_events.xlsx",
            "ops/input/logs/tiny_logs.xlsx", "previous/result-1/roster.xlsx"} <= names, names
    assert "ops/duties/ics/S01_张伟.ics" in names
    # every sentence of the section is in Chinese
    from untranslated import english_runs

    assert not english_runs(_text(user, "ops")), english_runs(_text(user, "ops"))


async def test_uploaded_published_roster_in_english_and_a_replan_refused_while_a_solve_runs(
        user: Any, tmp_path: Path) -> None:
    import multiprocessing as mp
    import threading
    import time

    from assignments.web import app as web_app
    from assignments.web.worker import solve_job

    class Box(list[Any]):
        def put(self, x: Any) -> None:
            self.append(x)

    box = Box()
    solve_job({"model": "roster", "workbook": str(TINY["roster"]), "out": str(tmp_path / "p"),
               "lang": "en", "time_limit": 5, "seed": 0, "workers": 2, "preset": None,
               "engine": "auto"}, box, threading.Event())
    assert box[-1]["kind"] == "done"
    await _clean_workbook(user, "en")
    assert "During the programme" in _text(user, "ops")
    await _upload(user, "ops-upload-roster", tmp_path / "p" / "roster.xlsx")
    await wait_until(lambda: "uploaded roster.xlsx" in _text(user, "ops-roster"))
    assert "12 rotations" in _text(user, "ops-status-roster")

    user.find(marker="ops-duties").click()
    await wait_until(lambda: _marked(user, "ops-duties-table"), timeout=60)
    assert "12 rotations" in _text(user, "ops-duties-summary")
    assert _table(user, "ops-duties-table", "teaching sessions")

    # another solve on the machine: the re-plan is refused with a message
    ctx = mp.get_context("spawn")
    other = ctx.Process(target=time.sleep, args=(120,), daemon=True)
    other.start()
    assert other.is_alive()
    job = web_app._Job(web_app.Session("mentoring", "en"), other, ctx.Queue(), ctx.Event())
    web_app._RUNNING.append(job)
    try:
        user.find(marker="ops-replan").click()
        await wait_until(lambda: "Another solve is running" in _text(user, "ops-replan-note"),
                         timeout=30)
        assert not _marked(user, "ops-replan-frozen")
    finally:
        other.terminate()
        other.join(10)
        web_app._RUNNING.remove(job)

