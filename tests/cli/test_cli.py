"""The command line: solve, validate, template; user mistakes end without a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "instances" / "roster" / "tiny.xlsx"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "assignments.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_validate_ok() -> None:
    """validate on the tiny instance prints OK and the handover days."""
    p = run("roster", "validate", str(TINY), "--lang", "en")
    assert p.returncode == 0, p.stderr
    assert "OK" in p.stdout and "handover 2027-01-04" in p.stdout
    p = run("roster", "validate", str(TINY))  # Chinese by default
    assert p.returncode == 0, p.stderr
    assert "检查通过" in p.stdout and "交接日 2027-01-04" in p.stdout


def test_template_roundtrip(tmp_path: Path) -> None:
    """template writes a workbook that validate accepts."""
    out = tmp_path / "t.xlsx"
    assert run("roster", "template", str(out)).returncode == 0
    p = run("roster", "validate", str(out))
    assert p.returncode == 0, p.stderr


def test_bad_input_has_no_traceback(tmp_path: Path) -> None:
    """A broken workbook gives one located message, exit 2, no traceback, nothing written."""
    bad = tmp_path / "bad.xlsx"
    bad.write_text("not a workbook", encoding="utf-8")
    out = tmp_path / "out"
    p = run("roster", "solve", str(bad), "--out", str(out))
    assert p.returncode == 2
    assert "Traceback" not in p.stderr and "bad.xlsx" in p.stderr
    assert not out.exists()


def test_missing_file_message(tmp_path: Path) -> None:
    """A missing file is named in the message."""
    p = run("roster", "validate", str(tmp_path / "nope.xlsx"))
    assert p.returncode != 0 and "nope.xlsx" in p.stderr and "Traceback" not in p.stderr


def test_solve_english(tmp_path: Path) -> None:
    """--lang en writes English sheet names and headers; seed and workers are recorded."""
    out = tmp_path / "en"
    p = run(
        "roster",
        "solve",
        str(TINY),
        "--out",
        str(out),
        "--lang",
        "en",
        "--seed",
        "7",
        "--workers",
        "1",
        "--time-limit",
        "20",
        "--deterministic",
    )
    assert p.returncode == 0, p.stderr
    sheets = pd.read_excel(out / "roster.xlsx", sheet_name=None, engine="openpyxl")
    assert list(sheets) == ["roster", "departments", "people", "money", "money_summary",
                            "money_by_quarter", "notes", "rules"]
    assert "R8" in set(sheets["rules"]["rule"])
    roster = sheets["roster"]
    assert {"quarter", "handover day", "health center", "name"} <= set(roster.columns)
    assert '"seed": 7' in (out / "result.json").read_text(encoding="utf-8")


def test_bad_lang() -> None:
    """An unknown --lang is refused with a message."""
    p = run("roster", "solve", str(TINY), "--lang", "fr")
    assert p.returncode == 2 and "--lang" in p.stderr


def test_bad_input_exits_2_in_validate_and_solve(tmp_path: Path) -> None:
    """One exit-code convention: a bad input is exit 2 in ``validate`` as in ``solve`` (issue
    #18), for every model, with a located message and no traceback."""
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "人员.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    for model in ("roster", "mentoring", "funding"):
        for cmd in (["validate", str(folder)],
                    ["solve", str(folder), "--out", str(tmp_path / f"out_{model}")]):
            p = run(model, *cmd)
            assert p.returncode == 2, (model, cmd, p.stderr)
            assert "Traceback" not in p.stderr and p.stderr.strip(), (model, cmd)
