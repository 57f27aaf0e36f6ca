"""The README's first command works and gives the roster the README explains by hand."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```bash\n(.*?)```", text, re.S)
    assert block, "README has no bash block"
    return [ln for ln in block.group(1).splitlines() if ln.strip() and not ln.startswith("#")]


def test_readme_starts_with_two_commands() -> None:
    """The first bash block holds exactly the install+run and install+test commands."""
    cmds = _readme_commands()
    assert len(cmds) == 2
    assert "assignments roster solve instances/roster/tiny.xlsx" in cmds[0]
    assert "pytest" in cmds[1]


def test_readme_example_roster(tmp_path: Path) -> None:
    """Running the README's solve command on tiny.xlsx gives the roster explained there."""
    cmd = _readme_commands()[0].split("&&")[-1].strip().split()
    assert cmd[:3] == ["assignments", "roster", "solve"]
    exe = shutil.which("assignments")
    args = cmd[1:]
    args[args.index("--out") + 1] = str(tmp_path / "tiny")
    base = [exe] if exe else [sys.executable, "-m", "assignments.cli"]
    proc = subprocess.run([*base, *args], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    out = tmp_path / "tiny"
    result = json.loads((out / "result.json").read_text(encoding="utf-8"))
    assert result["status"] == "optimal"
    assert result["levels"] == {"promotion": 0, "departures": 8, "fairness": 12}
    assert result["estimated_years"] == [2027, 2028]
    roster = pd.read_excel(out / "roster.xlsx", sheet_name="排班", engine="openpyxl")
    by_q = roster.groupby("季度")["姓名"].apply(set).to_dict()
    assert by_q == {
        "2027Q1": {"张伟", "王芳", "孙强"},
        "2027Q2": {"赵敏", "黄磊", "周杰"},
        "2027Q3": {"刘洋", "陈静", "杨帆"},
        "2027Q4": {"李娜", "吴刚", "徐丽"},
    }
    starts = roster.groupby("季度")["交接日"].first().dt.strftime("%Y-%m-%d").to_dict()
    assert starts == {
        "2027Q1": "2027-01-04",
        "2027Q2": "2027-04-06",
        "2027Q3": "2027-07-05",
        "2027Q4": "2027-10-08",
    }
    assert (out / "roster_gantt.png").stat().st_size > 10_000
    assert "2027" in proc.stdout and "最优" in proc.stdout  # the summary is Chinese by default


def test_readme_documents_every_column() -> None:
    """The README's input format reference lists every sheet and column, in both languages."""
    from assignments.roster.data import SHEETS

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    for sheet in SHEETS:
        assert f"#### {sheet.zh} ({sheet.en})" in text
        for c in sheet.columns:
            assert f"| {c.zh} | {c.en} |" in text, (sheet.key, c.key)
