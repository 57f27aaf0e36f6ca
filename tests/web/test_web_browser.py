"""The page in a real browser: Playwright driving Debian's Chromium (no browser download).

The server is ``assignments web --no-browser`` on a free port, in its own process. Outside CI
these tests skip, saying why, when no Chromium is found; under ``CI=true`` a skip is a failure
(``.ci/run`` installs Chromium). ``WEB_SCREENSHOTS=DIR`` saves a screenshot of each step (the
README's pictures: ``WEB_SCREENSHOTS=docs/img``).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from web_fixtures import ROOT, TINY, malformed_roster

CHROMIUM = next((p for p in (os.environ.get("CHROMIUM"), shutil.which("chromium"),
                             "/usr/bin/chromium", shutil.which("chromium-browser"))
                 if p and Path(p).exists()), None)


def _missing() -> str | None:
    try:
        import nicegui  # noqa: F401
        import playwright  # noqa: F401
    except ImportError as exc:
        return f"the browser tests need the 'test' extra ({exc.name} is not installed)"
    if CHROMIUM is None:
        return ("no Chromium found (apt-get install -y chromium, or set CHROMIUM=/path); "
                "the browser tests need a real browser")
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    reason = _missing()
    if reason is not None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true and {reason}", pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                               args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(browser: Any) -> Iterator[str]:
    port = _free_port()
    # without pytest's variables: NiceGUI would take the server for its own screen test
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env = {**env, "PYTHONPATH": os.pathsep.join(
        [str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]), "MPLBACKEND": "Agg"}
    proc = subprocess.Popen([sys.executable, "-m", "assignments", "web", "--no-browser",
                             "--port", str(port)], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        if proc.poll() is not None:
            raise AssertionError(f"the server ended: {proc.stdout.read() if proc.stdout else ''}")
        time.sleep(0.3)
    else:
        proc.kill()
        raise AssertionError("the server did not start within 120 s")
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True,
                                  locale="zh-CN")
    p = context.new_page()
    p.set_default_timeout(120_000)
    yield p
    context.close()


def _shot(page: Any, name: str) -> None:
    folder = os.environ.get("WEB_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        images = page.locator("img")
        for i in range(images.count()):  # the plots load when scrolled into view
            images.nth(i).scroll_into_view_if_needed()
        with contextlib.suppress(Exception):
            page.wait_for_function("Array.from(document.images).every(i => i.complete)",
                                   timeout=20_000)
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def test_home_page_links_the_three_models(server: str, page: Any) -> None:
    page.goto(server + "/")
    for title in ("轮转排班", "师徒结对", "资金分配"):
        assert page.get_by_role("link", name=title).first.is_visible()
    _shot(page, "web_home")
    page.get_by_text("English").click()
    page.wait_for_url("**lang=en")
    assert page.get_by_text("Rotation roster").first.is_visible()


def test_roster_upload_solve_table_and_zip(server: str, page: Any, tmp_path: Path) -> None:
    page.goto(server + "/roster")
    page.locator("input[type=file]").set_input_files(str(TINY["roster"]))
    page.get_by_text("未发现问题，可以求解").wait_for()
    page.get_by_label("时间上限（秒）", exact=True).fill("5")
    _shot(page, "web_roster_upload")
    page.get_by_role("button", name="求解").click()
    page.get_by_text("独立检查器").wait_for(timeout=240_000)
    assert page.locator(".result-table").first.is_visible()
    assert page.get_by_role("cell", name="石桥镇卫生院").first.is_visible()
    _shot(page, "web_roster_result")
    with page.expect_download() as info:
        page.get_by_role("button", name="下载全部结果（zip）").click()
    target = tmp_path / "result.zip"
    info.value.save_as(target)
    names = zipfile.ZipFile(target).namelist()
    assert {"roster.xlsx", "result.json", "roster_gantt.png"} <= set(names)


def test_malformed_workbook_shows_located_errors(server: str, page: Any, tmp_path: Path) -> None:
    page.goto(server + "/roster")
    page.locator("input[type=file]").set_input_files(str(malformed_roster(tmp_path)))
    page.get_by_text("个问题需要修改").wait_for()
    rows = page.locator(".issues tbody tr")
    texts = [rows.nth(i).inner_text() for i in range(rows.count())]
    assert any("人员" in t and "D99" in t for t in texts), texts
    assert page.get_by_role("button", name="求解").is_disabled()
    _shot(page, "web_roster_errors")
    rows.first.click()
    page.get_by_text("第 2 行").first.wait_for()


@pytest.mark.parametrize("model", ["mentoring", "funding"])
def test_example_solves_on_the_other_pages(server: str, page: Any, model: str) -> None:
    page.goto(server + f"/{model}")
    page.get_by_role("button", name="试用示例").click()
    page.get_by_text("未发现问题，可以求解").wait_for()
    page.get_by_label("时间上限（秒）", exact=True).fill("5")
    page.get_by_role("button", name="求解").click()
    page.get_by_text("独立检查器").wait_for(timeout=240_000)
    assert page.locator(".result-table").first.is_visible()
    _shot(page, f"web_{model}_result")
    if model == "funding":  # the scenario table, solved side by side
        page.get_by_label("每个情景的时间上限（秒）").fill("5")
        page.get_by_role("button", name="运行情景比较").click()
        page.get_by_text("情景对比", exact=True).wait_for(timeout=240_000)
        assert page.get_by_role("columnheader", name="预算减少10%").first.is_visible()
        _shot(page, "web_funding_scenarios")


def test_cancel_a_long_solve(server: str, page: Any) -> None:
    page.goto(server + "/roster")
    county = TINY["roster"].with_name("county_hospital.xlsx")
    page.locator("input[type=file]").set_input_files(str(county))
    page.get_by_text("未发现问题，可以求解").wait_for()
    page.get_by_label("时间上限（秒）", exact=True).fill("5")
    page.get_by_text("高级选项").click()
    page.get_by_label("求解引擎").click()
    page.get_by_role("option", name="cpsat").click()
    page.get_by_role("button", name="求解").click()
    page.get_by_text(re.compile(r"当前最好 \d")).wait_for()
    _shot(page, "web_roster_progress")
    page.get_by_role("button", name="取消").click()
    page.get_by_text("已由您停止").wait_for()
    assert page.get_by_text("独立检查器：每条硬性规则都成立").is_visible()


def test_roster_operations_assess_and_replan(server: str, page: Any) -> None:
    """Section 6 in the browser: solve the tiny roster, upload its events and logs, assess
    (张伟 re-dispatched), re-plan with the frozen quarters (two changes, each with its event)."""
    page.goto(server + "/roster")
    page.locator("input[type=file]").first.set_input_files(str(TINY["roster"]))
    page.get_by_text("未发现问题，可以求解").wait_for()
    page.get_by_label("时间上限（秒）", exact=True).fill("5")
    page.get_by_role("button", name="求解").click()
    page.get_by_text("当前排班：上面求解的方案").wait_for(timeout=240_000)
    folder = TINY["roster"].parent
    page.locator(".ops-upload-events input[type=file]").set_input_files(
        str(folder / "tiny_events.xlsx"))
    page.get_by_text("tiny_events.xlsx：未发现问题").wait_for()
    page.locator(".ops-upload-logs input[type=file]").set_input_files(
        str(folder / "tiny_logs.xlsx"))
    page.get_by_text("tiny_logs.xlsx：未发现问题").wait_for()
    page.get_by_role("button", name="考核", exact=True).click()
    page.get_by_text("1 人需重新下乡").wait_for()
    row = page.locator(".ops-table tbody tr", has_text="张伟").first
    assert "不合格" in row.inner_text() and "880" in row.inner_text()
    page.get_by_text(re.compile(r"冻结季度 2027Q1、2027Q2（已开始")).wait_for()
    page.get_by_role("button", name="重排", exact=True).click()
    page.get_by_text("重排日期 2027-03-29：冻结季度 2027Q1、2027Q2").wait_for(timeout=240_000)
    changes = page.locator(".ops-table tbody tr", has_text="KH-S01-2027Q1")
    assert changes.count() >= 1 and "张伟" in changes.first.inner_text()
    assert page.get_by_text("2 项变更").is_visible()
    _shot(page, "web_roster_operations")
