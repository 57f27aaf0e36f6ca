"""Every text of the Chinese pages is Chinese (issue #20, "a person who never used a terminal"):
after an upload with mistakes (the readers' located messages) and after a solve (progress,
summary, explanations, tables, the what-if and scenario forms), no English sentence is left
(``tests/untranslated.py``)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest

pytest.importorskip("nicegui", reason="the web page needs the 'web' extra (NiceGUI)")
from conftest import wait_until
from test_web_pages import _marked, _one, _upload
from untranslated import _STRIP, english_runs
from web_fixtures import TINY, malformed_roster

pytestmark = pytest.mark.anyio


def _malformed(model: str, folder: Path) -> Path:
    """A tiny example with located mistakes the model's reader refuses."""
    if model == "roster":
        return malformed_roster(folder)
    wb = openpyxl.load_workbook(TINY[model])
    if model == "funding":
        wb["资金来源"].cell(row=2, column=4).value = "很多"  # 金额 (amount)
        wb["项目库"].cell(row=2, column=4).value = "V99"  # 村: unknown village
    else:
        wb["教师"].cell(row=2, column=3).value = "S99"  # 学校: unknown school
        wb["教师"].cell(row=2, column=6).value = "十八"  # 教龄 (years)
    path = folder / f"{model}_broken.xlsx"
    wb.save(path)
    return path


def page_texts(user: Any) -> list[str]:
    """Every text a person reads on the page: labels, input labels and their messages,
    tooltips, table headers and cells, select options."""
    out: list[str] = []
    for e in user.current_layout.descendants():
        if not e.visible:
            continue
        for value in (getattr(e, "text", None), e.props.get("label"),
                      e.props.get("error-message"), e.props.get("text")):
            if isinstance(value, str) and value:
                out.append(value)
        columns = e.props.get("columns")
        if isinstance(columns, list):
            out += [str(c.get("label", "")) for c in columns]
            out += [str(v) for r in e.props.get("rows", []) for k, v in r.items()
                    if not k.startswith("_")]
        options = e.props.get("options")
        if isinstance(options, list):
            out += [str(o.get("label", "")) if isinstance(o, dict) else str(o)
                    for o in options]
    return out


def _english(user: Any) -> list[tuple[str, list[str]]]:
    return [(t, runs) for t in page_texts(user) if (runs := english_runs(t))]


def _words(text: str) -> list[str]:
    """English words left in a short text meant to be Chinese (a level name, a record word):
    single words count here, where english_runs looks for sentences."""
    return re.findall(r"[A-Za-z]{2,}", _STRIP.sub(" ", text))


@pytest.mark.parametrize("model", ["roster", "mentoring", "funding"])
async def test_zh_page_has_no_english_after_a_bad_upload_and_a_solve(
        user: Any, model: str, tmp_path: Path) -> None:
    await user.open(f"/{model}")
    await _upload(user, _malformed(model, tmp_path))
    await wait_until(lambda: _one(user, "issues").rows, timeout=120)
    rows = _one(user, "issues").rows
    assert rows
    assert _english(user) == []
    # the record column names the record in Chinese (人员 'S01', not staff 'S01')
    assert [r["record"] for r in rows if _words(str(r["record"]))] == []
    user.find(marker="example").click()
    await wait_until(lambda: _one(user, "solve").enabled, timeout=120)
    _one(user, "time-limit").value = 5
    user.find(marker="solve").click()
    await wait_until(lambda: "层级" in _one(user, "progress").text, timeout=240)
    assert _english(user) == []
    progress = _one(user, "progress").text  # names its level in Chinese (not "idle")
    assert _words(progress) == [], progress
    await wait_until(lambda: _marked(user, "wi-resolve"), timeout=240)
    assert _marked(user, "verdict")
    assert _english(user) == []
