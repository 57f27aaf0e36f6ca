"""The operations commands as a user runs them: the pipeline of docs/roster_operations.md
(solve → assess → replan → duties → ledger on the shipped tiny example) gives the outcome the
document describes; user mistakes end with a located message, exit code 2, no traceback and
nothing written. Also: the document lists every column of the events, logs and roster formats."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
INST = ROOT / "instances" / "roster"
TINY = INST / "tiny.xlsx"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "assignments.cli", "roster", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def doc_commands() -> list[list[str]]:
    """The commands of the first bash block of docs/roster_operations.md."""
    text = (ROOT / "docs" / "roster_operations.md").read_text(encoding="utf-8")
    block = re.search(r"```bash\n(.*?)```", text, re.S)
    assert block, "docs/roster_operations.md has no bash block"
    lines = [ln.split() for ln in block.group(1).splitlines()
             if ln.strip() and not ln.lstrip().startswith("#")]
    assert all(ln[:2] == ["assignments", "roster"] for ln in lines)
    return lines


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory) -> Path:
    """The documented pipeline (solve → assess → replan → duties → ledger), run once with its
    out/ folder moved to a temporary one; each step must succeed."""
    out = tmp_path_factory.mktemp("ops")
    for cmd in doc_commands():
        args = [a.replace("out/", f"{out}/") for a in cmd[2:]]
        if args[0] in ("solve", "replan"):
            args.append("--quiet")
        p = run(*args)
        assert p.returncode == 0, (args, p.stdout, p.stderr)
        (out / f"{args[0]}.log").write_text(p.stdout, encoding="utf-8")
    return out


def test_assess_step(pipeline: Path) -> None:
    """assess prints each rotation's items and writes the re-dispatch event for 张伟."""
    text = (pipeline / "assess.log").read_text(encoding="utf-8")
    assert "张伟: 授课✗ 查房✗ 考勤✗" in text and "重新下乡" in text
    ev = pd.read_excel(pipeline / "tiny_assess" / "redispatch_events.xlsx", sheet_name="事件",
        engine="openpyxl")
    assert list(ev["工号 (staff)"]) == ["S01"]


def test_replan_step(pipeline: Path) -> None:
    """replan keeps 2027Q1–Q2, makes exactly the two changes, each with its event."""
    book = pd.read_excel(pipeline / "tiny_replan" / "roster.xlsx", sheet_name=None,
        engine="openpyxl")
    assert list(book)[:3] == ["排班", "变更", "事件"]
    changes = book["变更"]
    assert sorted(zip(changes["姓名"], changes["变更"], changes["原因事件"], strict=True)) == [
        ("刘洋", "取消", "E2"), ("张伟", "新增", "KH-S01-2027Q1")]
    before = pd.read_excel(pipeline / "tiny" / "roster.xlsx", sheet_name="排班", engine="openpyxl")
    frozen = {"2027Q1", "2027Q2"}
    keep = lambda df: sorted(map(tuple, df[df["季度"].isin(frozen)][["季度", "工号"]].values))  # noqa: E731
    assert keep(book["排班"]) == keep(before)
    log = (pipeline / "replan.log").read_text(encoding="utf-8")
    assert "冻结季度: 2027Q1–2027Q2" in log and "变更: 2" in log


def test_duties_and_ledger_steps(pipeline: Path) -> None:
    """duties writes one calendar per person: 11 (张伟's two rotations share his file);
    ledger writes reconciled views."""
    assert len(list((pipeline / "tiny_duties" / "ics").glob("*.ics"))) == 11
    ledger = pd.read_excel(pipeline / "tiny_ledger" / "ledger.xlsx", sheet_name=None,
        engine="openpyxl")
    assert (ledger["核对"]["一致"] == "是").all()
    assert "各视图核对一致" in (pipeline / "ledger.log").read_text(encoding="utf-8")


def test_no_events_gives_back_the_published_roster(pipeline: Path, tmp_path: Path) -> None:
    """replan without --events: 0 changes, the same roster."""
    p = run("replan", str(TINY), "--published", str(pipeline / "tiny" / "roster.xlsx"),
            "--out", str(tmp_path / "same"), "--as-of", "2027-02-01", "--quiet")
    assert p.returncode == 0, p.stderr
    assert "变更: 0" in p.stdout
    a = pd.read_excel(pipeline / "tiny" / "roster.xlsx", sheet_name="排班", engine="openpyxl")
    b = pd.read_excel(tmp_path / "same" / "roster.xlsx", sheet_name="排班", engine="openpyxl")
    cols = ["季度", "卫生院", "工号"]
    assert sorted(map(tuple, a[cols].values)) == sorted(map(tuple, b[cols].values))


@pytest.mark.parametrize(
    ("args", "needles", "zh_needles"),
    [
        # an events file with an unknown staff id
        (lambda t, p: ["replan", str(TINY), "--published", str(p / "tiny" / "roster.xlsx"),
                       "--events", str(t / "bad_events.xlsx"), "--out", str(t / "o")],
         ["bad_events.xlsx", "sheet 事件", "row 2", "工号", "event 'X1'", "unknown staff"],
         ["bad_events.xlsx", "事件", "工号", "X1", "未知工号“S404”"]),
        # a logs file with a bad date
        (lambda t, p: ["assess", str(TINY), "--logs", str(t / "bad_logs.xlsx"), "--out",
                       str(t / "o")],
         ["bad_logs.xlsx", "sheet 授课", "row 2", "日期", "staff 'S01'", "expected a date"],
         ["bad_logs.xlsx", "授课", "日期", "S01"]),
        # a quarter outside the programme
        (lambda t, p: ["duties", str(TINY), "--roster", str(p / "tiny" / "roster.xlsx"),
                       "--quarter", "2031Q1", "--out", str(t / "o")],
         ["--quarter 2031Q1 is outside the programme"], ["--quarter 2031Q1 不在本期"]),
        # a date that is not a date
        (lambda t, p: ["replan", str(TINY), "--published", str(p / "tiny" / "roster.xlsx"),
                       "--as-of", "tomorrow", "--out", str(t / "o")],
         ["--as-of expects a date"], ["--as-of 应为形如 2027-03-29 的日期"]),
        # a published roster that is not a workbook
        (lambda t, p: ["ledger", str(TINY), "--roster", str(t / "bad_events.txt"), "--out",
                       str(t / "o")],
         ["bad_events.txt", "unsupported file type"], ["bad_events.txt"]),
    ],
)
def test_user_mistakes(pipeline: Path, tmp_path: Path, args, needles, zh_needles) -> None:
    """Exit 2, a located message, no traceback, no output folder — in English with
    ``--lang en``, in Chinese by default (the location words are the core's)."""
    from roster_ops_fixtures import write_events

    from assignments.core.io import write_input_workbook
    from assignments.roster.assess import LOG_SHEETS

    write_events(tmp_path / "bad_events.xlsx", [{"id": "X1", "kind": "病假", "staff": "S404",
                                                 "start": "2027-07-01", "end": "2027-07-02"}])
    write_input_workbook(tmp_path / "bad_logs.xlsx", LOG_SHEETS, {
        "teaching": [{"staff": "S01", "day": "some day"}], "rounds": [], "attendance": []})
    (tmp_path / "bad_events.txt").write_text("x", encoding="utf-8")
    for lang, want in (("en", needles), ("zh", zh_needles)):
        p = run(*args(tmp_path, pipeline), *(["--lang", "en"] if lang == "en" else []))
        assert p.returncode == 2, (p.stdout, p.stderr)
        assert "Traceback" not in p.stderr
        for n in want:
            assert n in p.stderr, (lang, n, p.stderr)
        assert not (tmp_path / "o").exists()


def test_doc_lists_every_column() -> None:
    """docs/roster_operations.md documents every sheet and column, in both languages."""
    from assignments.roster.assess import LOG_SHEETS
    from assignments.roster.events import EVENT_SHEETS
    from assignments.roster.replan import PUBLISHED_SHEETS

    text = (ROOT / "docs" / "roster_operations.md").read_text(encoding="utf-8")
    for sheet in (*EVENT_SHEETS, *LOG_SHEETS, *PUBLISHED_SHEETS):
        assert f"#### {sheet.zh} ({sheet.en})" in text
        for c in sheet.columns:
            assert f"| {c.zh} | {c.en} |" in text, (sheet.key, c.key)
