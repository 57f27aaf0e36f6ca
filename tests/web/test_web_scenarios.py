"""The funding page's scenario table (issue #20 point 7), without a browser: the rows pre-filled
from the shipped scenarios.yaml, edited, validated by the scenario reader of ``funding
scenarios`` (a refused figure: a message in its row, nothing solved), solved in parallel with
progress per scenario, the comparison the command writes for the same scenarios."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("nicegui", reason="the web page needs the 'web' extra (NiceGUI)")
from conftest import wait_until
from test_web_pages import _marked, _one, _text
from web_fixtures import ROOT, TINY

pytestmark = pytest.mark.anyio

COMPARED = "情景对比"


async def _funding_example(user: Any) -> None:
    await user.open("/funding")
    user.find(marker="example").click()
    await wait_until(lambda: _one(user, "solve").enabled, timeout=120)
    await wait_until(lambda: _marked(user, "sc-name"), timeout=60)


def _rows(user: Any) -> list[dict[str, Any]]:
    """The page's scenario rows (their elements are in page order, one of each per row)."""
    names = _marked(user, "sc-name")
    budgets = _marked(user, "sc-budget")
    shares = _marked(user, "sc-fig-industry_share")
    msgs = _marked(user, "sc-row-msg")
    return [{"name": n, "budget": b, "share": s, "msg": m}
            for n, b, s, m in zip(names, budgets, shares, msgs, strict=True)]


def _remove_all(user: Any) -> None:
    for button in list(_marked(user, "sc-remove")):
        for listener in list(button._event_listeners.values()):
            listener.handler(None)


def _add(user: Any) -> None:
    for listener in list(_one(user, "sc-add")._event_listeners.values()):
        listener.handler(None)


async def test_rows_are_prefilled_from_the_shipped_scenarios_with_the_example(user: Any) -> None:
    await _funding_example(user)
    names = [n.value for n in _marked(user, "sc-name")]
    # scenarios.yaml is written for county.xlsx: the scenarios naming its source S5 and its
    # projects P0002/P0003 do not apply to tiny.xlsx and are listed as left out
    assert names == ["预算减少10%", "不设产业占比", "贫困人口权重4", "优先级目标"], names
    left = _text(user, "sc-left-out")
    assert "东西部协作增加500万" in left and "S5" in left
    assert "强制安排P0002排除P0003" in left and "P0002" in left
    rows = _rows(user)
    assert rows[0]["budget"].value == "-10%"
    assert rows[1]["share"].value == "关"  # rules: {产业占比: 关}
    assert _marked(user, "sc-fig-weight_poor_people")[2].value == "4"
    assert _marked(user, "sc-objective")[3].value == "priority"
    assert _one(user, "sc-frontier").value is True
    assert (_one(user, "sc-frontier-lo").value, _one(user, "sc-frontier-hi").value,
            _one(user, "sc-frontier-steps").value) == ("60%", "140%", 9)
    # one column per source of the workbook
    assert [e._markers[-1] for e in _marked(user, "sc-source")][:2] == ["sc-source-S1",
                                                                       "sc-source-S2"]


async def test_an_invalid_figure_shows_a_row_message_and_nothing_runs(user: Any) -> None:
    from assignments.web import app as web_app

    await _funding_example(user)
    rows = _rows(user)
    rows[0]["share"].value = "0.6"  # ambiguous: parse_percent refuses it
    rows[2]["budget"].value = "-abc"
    user.find(marker="sc-run").click()
    await wait_until(lambda: "没有求解" in _text(user, "sc-note"), timeout=60)
    msgs = [r["msg"] for r in _rows(user)]
    assert msgs[0].visible and "0.6" in msgs[0].text and "含义不明确" in msgs[0].text, msgs[0].text
    assert msgs[2].visible and "abc" in msgs[2].text and "金额" in msgs[2].text, msgs[2].text
    assert not msgs[1].visible and not msgs[3].visible
    assert rows[0]["share"].props.get("error") is True
    assert "含义不明确" in rows[0]["share"].props.get("error-message", "")
    assert rows[0]["budget"].props.get("error") is False
    assert not _one(user, "sc-progress").visible
    assert not any(j.kind == "scenarios" for j in web_app._RUNNING if not j.done)
    assert not _marked(user, "sc-table")


def _page_table(user: Any, name: str) -> list[list[str]]:
    from nicegui import ui

    table = next(t for t in _marked(user, f"sc-table-{name}") if isinstance(t, ui.table))
    fields = [c["field"] for c in table.columns]
    return [[c["label"] for c in table.columns]] + [[str(r[f]) for f in fields]
                                                    for r in table.rows]


def _cli_table(spec: str, tmp: Path) -> list[list[str]]:
    """The comparison ``assignments funding scenarios`` writes for the same scenarios."""
    path = tmp / "spec.yaml"
    path.write_text(spec, encoding="utf-8")
    subprocess.run([sys.executable, "-m", "assignments", "funding", "scenarios",
                    str(TINY["funding"]), "--scenarios", str(path), "--out", str(tmp / "cli"),
                    "--time-limit", "5", "--lang", "zh"], check=True, capture_output=True,
                   cwd=ROOT, env={**__import__("os").environ,
                                  "PYTHONPATH": str(ROOT / "src")})
    text = (tmp / "cli" / "csv" / f"{COMPARED}.csv").read_text(encoding="utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


async def test_two_edited_scenarios_run_in_parallel_and_compare_as_the_cli(
        user: Any, tmp_path: Path) -> None:
    await _funding_example(user)
    _remove_all(user)
    assert not _marked(user, "sc-name")
    for _ in range(3):
        _add(user)
    rows = _rows(user)
    rows[0]["name"].value, rows[0]["budget"].value = "预算减少10%", "-10%"
    rows[1]["name"].value, rows[1]["share"].value = "产业占比60", "60"
    rows[2]["name"].value, rows[2]["share"].value = "产业占比80", "80%"
    _one(user, "sc-frontier").value = False
    _one(user, "sc-time-limit").value = 5
    user.find(marker="sc-run").click()
    await wait_until(lambda: _marked(user, "sc-table"), timeout=300)
    progress = {r["name"]: r for r in _one(user, "sc-progress").rows}
    assert set(progress) == {"基准", "预算减少10%", "产业占比60", "产业占比80"}, progress
    assert "最优" in progress["预算减少10%"]["state"]
    assert "无解" in progress["产业占比80"]["state"]  # only 70 % of S1 can go to industry
    assert all(r["seconds"] and r["done"] for r in progress.values())
    page = _page_table(user, COMPARED)
    cli = _cli_table("scenarios:\n"
                     "  - {name: 预算减少10%, budget: -10%}\n"
                     "  - {name: 产业占比60, rules: {产业占比: 60}}\n"
                     "  - {name: 产业占比80, rules: {产业占比: 80%}}\n", tmp_path)
    assert page[0] == cli[0] == ["指标", "基准", "预算减少10%", "产业占比60", "产业占比80"]
    timing = {"用时(秒)", "最优性差距"}
    assert [r for r in page[1:] if r[0] not in timing] == \
        [r for r in cli[1:] if r[0] not in timing]
    figure = {r[0]: r[1:] for r in page[1:]}
    base, minus, sixty, _eighty = figure["加权受益人数"]
    assert minus != base  # 1,210 against 1,276 on tiny.xlsx
    assert sixty == base  # tiny's industry share is 70 %: a 60 % floor does not bind
    assert figure["状态"][3] != figure["状态"][0]
    assert _marked(user, "sc-plot-scenarios_by_category")
    assert _marked(user, "sc-plot-scenarios_by_source")
    assert _marked(user, "sc-table-项目进出")
    user.find(marker="sc-zip").click()
    response = await user.download.next(timeout=30)
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert {"scenarios.xlsx", "result.json", "input/tiny.xlsx"} <= set(names), names


async def test_the_budget_frontier_runs_with_the_scenarios(user: Any) -> None:
    await _funding_example(user)
    _remove_all(user)
    _add(user)
    rows = _rows(user)
    rows[0]["name"].value, rows[0]["budget"].value = "预算减少10%", "-10%"
    _one(user, "sc-frontier-steps").value = 3
    _one(user, "sc-frontier-lo").value = "80%"
    _one(user, "sc-frontier-hi").value = "120%"
    _one(user, "sc-time-limit").value = 5
    assert _one(user, "sc-frontier").value is True  # from scenarios.yaml
    user.find(marker="sc-run").click()
    await wait_until(lambda: _marked(user, "sc-table"), timeout=300)
    names = [r["name"] for r in _one(user, "sc-progress").rows]
    assert names == ["基准", "预算减少10%", "预算 80%", "预算 100%", "预算 120%"], names
    assert _marked(user, "sc-plot-frontier")
    frontier = _page_table(user, "预算前沿")
    assert len(frontier) == 4  # header and three budget points


async def test_cancel_compares_the_scenarios_finished(user: Any) -> None:
    await _funding_example(user)
    _one(user, "sc-frontier-steps").value = 30  # 35 solves in all, two at a time
    _one(user, "sc-time-limit").value = 5
    user.find(marker="sc-run").click()
    progress = _one(user, "sc-progress")
    await wait_until(lambda: any(r.get("done") and r["name"] == "基准" for r in progress.rows),
                     timeout=240)
    user.find(marker="sc-cancel").click()
    await wait_until(lambda: "已取消" in _text(user, "sc-note"), timeout=120)
    states = [r["state"] for r in progress.rows]
    assert "已取消" in states, states
    assert _marked(user, "sc-table")  # the finished ones, the base case among them
    assert _one(user, "sc-run").enabled
