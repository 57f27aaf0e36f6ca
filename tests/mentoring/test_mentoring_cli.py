"""The mentoring command line: solve, validate, template and the other modes; user mistakes end
with a located message, exit 2, no traceback and nothing written; the docs' example runs."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
from mentoring_fixtures import ROOT, TINY_XLSX, tiny_records, write_records

SCHOOLS_XLSX = ROOT / "instances" / "mentoring" / "schools.xlsx"
DOC = ROOT / "docs" / "mentoring.md"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("assignments")
    base = [exe] if exe else [sys.executable, "-m", "assignments.cli"]
    return subprocess.run([*base, *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_docs_example_command(tmp_path: Path) -> None:
    """The first command of docs/mentoring.md (proposed for the README) runs and gives the pairs
    worked out by hand there."""
    block = re.search(r"```bash\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert block, "docs/mentoring.md has no bash block"
    cmd = block.group(1).strip().splitlines()[0].split()
    assert cmd[:4] == ["assignments", "mentoring", "solve", "instances/mentoring/tiny.xlsx"]
    cmd[cmd.index("--out") + 1] = str(tmp_path / "tiny")
    p = run(*cmd[1:])
    assert p.returncode == 0, p.stderr
    result = json.loads((tmp_path / "tiny" / "result.json").read_text(encoding="utf-8"))
    assert result["status"] == "optimal"
    assert result["objectives"] == {"mandatory": 4, "quality": 439, "fairness": 0}
    assert {(x["mentor"], x["mentee"]) for x in result["pairs"]} == {
        ("T01", "T05"), ("T02", "T08"), ("T03", "T06")}
    assert {x["mentee"] for x in result["unpaired"]} == {"T07", "T09", "T10", "T12"}
    assert "王丽 → 陈晨" in p.stdout and "未结对" in p.stdout


def test_validate_and_template(tmp_path: Path) -> None:
    """validate prints counts; a template validates; a non-.xlsx template name is refused."""
    p = run("mentoring", "validate", str(TINY_XLSX), "--lang", "en")
    assert p.returncode == 0 and "12 teachers, 7 mentees (7 mandatory)" in p.stdout
    p = run("mentoring", "validate", str(TINY_XLSX))
    assert p.returncode == 0 and "教师 12 人，徒弟 7 人（必须结对 7 人）" in p.stdout
    out = tmp_path / "t.xlsx"
    assert run("mentoring", "template", str(out)).returncode == 0
    assert run("mentoring", "validate", str(out)).returncode == 0
    p = run("mentoring", "template", str(tmp_path / "t.csv"))
    assert p.returncode == 2 and ".xlsx" in p.stderr


def test_bad_input_nothing_written(tmp_path: Path) -> None:
    """A broken workbook: one located message, exit 2, no traceback, no output folder."""
    rec = tiny_records()
    rec["teachers"][4]["school"] = "S9"
    bad = write_records(tmp_path, rec, "bad.xlsx")
    out = tmp_path / "out"
    p = run("mentoring", "solve", str(bad), "--out", str(out), "--lang", "en")
    assert p.returncode == 2
    assert "Traceback" not in p.stderr
    assert "bad.xlsx, sheet 教师, row 6" in p.stderr and "unknown school 'S9'" in p.stderr
    assert not out.exists()


def test_forced_pair_infeasible_explained(tmp_path: Path) -> None:
    """A forced pair across subjects: exit 1, the rule named, and the notes written."""
    rec = tiny_records()
    rec["forced"] = [{"mentor": "T02", "mentee": "T05", "reason": "校长指定"}]
    path = write_records(tmp_path, rec, "forced.xlsx")
    p = run("mentoring", "validate", str(path))
    assert p.returncode == 1 and "[M3 同学科]" in p.stderr and "第 2 行" in p.stderr
    p = run("mentoring", "solve", str(path), "--out", str(tmp_path / "o"))
    assert p.returncode == 1 and "指定结对 李强 (T02) – 陈晨 (T05) 违反 [M3 同学科]" in p.stdout
    notes = pd.read_excel(tmp_path / "o" / "pairs.xlsx", sheet_name="说明", engine="openpyxl")
    assert notes["内容"].str.contains("M3 同学科").any()


def test_english_and_options(tmp_path: Path) -> None:
    """--lang en, seed, workers, deterministic; bad --lang refused."""
    out = tmp_path / "en"
    p = run("mentoring", "solve", str(TINY_XLSX), "--out", str(out), "--lang", "en", "--seed",
            "3", "--workers", "1", "--deterministic", "--time-limit", "10")
    assert p.returncode == 0, p.stderr
    assert list(pd.read_excel(out / "pairs.xlsx", sheet_name=None, engine="openpyxl")) == [
        "pairs", "mentor_loads", "unpaired", "schools", "notes"]
    result = json.loads((out / "result.json").read_text(encoding="utf-8"))
    assert result["seed"] == 3 and result["workers"] == 1 and result["deterministic"] is True
    assert run("mentoring", "solve", str(TINY_XLSX), "--lang", "fr").returncode == 2


def test_stable_mode(tmp_path: Path) -> None:
    """stable prints both methods side by side and writes the stable matching."""
    p = run("mentoring", "stable", str(TINY_XLSX), "--out", str(tmp_path / "s"), "--lang", "en")
    assert p.returncode == 0, p.stderr
    assert "stable matching" in p.stdout and "optimised" in p.stdout
    assert (tmp_path / "s" / "pairs.xlsx").exists()


def test_generic_csv_and_errors(tmp_path: Path) -> None:
    """generic on one CSV of candidate pairs (decimals), and a located error in it."""
    f = tmp_path / "c.csv"
    f.write_text("师傅,徒弟,分数,负荷\nM1,E1,87.5,10\nM1,E2,60,10\nM2,E2,70.25,10\n",
                 encoding="utf-8")
    p = run("mentoring", "generic", str(f), "--out", str(tmp_path / "g"))
    assert p.returncode == 0, p.stderr
    result = json.loads((tmp_path / "g" / "result.json").read_text(encoding="utf-8"))
    assert {(x["mentor"], x["mentee"]) for x in result["pairs"]} == {("M1", "E1"), ("M2", "E2")}
    assert result["objective"] == 15775  # hundredths: 87.5 + 70.25
    f.write_text("师傅,徒弟,分数\nM1,E1,high\n", encoding="utf-8")
    p = run("mentoring", "generic", str(f), "--out", str(tmp_path / "g2"))
    assert p.returncode == 2 and "c.csv，第 2 行，列 C (分数)" in p.stderr
    assert "应为数字" in p.stderr and not (tmp_path / "g2").exists()


def test_gap_command(tmp_path: Path) -> None:
    """gap prints a batch table; a wrong --problem is refused."""
    gap1 = ROOT / "instances" / "mentoring" / "gap" / "gap1.txt"
    p = run("mentoring", "gap", str(gap1), "--sense", "max", "--problem", "1", "--out",
            str(tmp_path / "r"))
    assert p.returncode == 0, p.stderr
    assert "gap1-1" in p.stdout and "optimal" in p.stdout and "336" in p.stdout
    assert run("mentoring", "gap", str(gap1), "--problem", "9").returncode == 2
    assert run("mentoring", "gap", str(gap1), "--sense", "up").returncode == 2


def test_schools_and_placement(tmp_path: Path) -> None:
    """schools (one to one, 1+1+1) and placement on the demo workbook."""
    p = run("mentoring", "schools", str(SCHOOLS_XLSX), "--out", str(tmp_path / "p"))
    assert p.returncode == 0, p.stderr
    pairs = pd.read_excel(tmp_path / "p" / "school_pairs.xlsx", engine="openpyxl")
    assert set(zip(pairs["帮扶学校"], pairs["受援学校"], strict=True)) == {
        ("城关一小", "青山村小"), ("实验小学", "石桥小学"), ("城关中学", "白沙中学"),
        ("育才中学", "河口中学")}
    p = run("mentoring", "schools", str(SCHOOLS_XLSX), "--groups", "--out", str(tmp_path / "g"))
    assert p.returncode == 0, p.stderr
    assert "市职业技术学院 | 第一职业中学 | 青山县职业中学" in p.stdout
    p = run("mentoring", "placement", str(SCHOOLS_XLSX), "--out", str(tmp_path / "pl"),
            "--lang", "en")
    assert p.returncode == 0, p.stderr
    assert "places filled: 4/6" in p.stdout


def test_docs_document_every_column() -> None:
    """docs/mentoring.md lists every sheet and column (both languages) and every parameter."""
    from assignments.mentoring.data import POLICY_PARAMS, SHEETS
    from assignments.pairing.readers.generic import GENERIC_SHEETS

    text = DOC.read_text(encoding="utf-8")
    for sheet in (*SHEETS, *GENERIC_SHEETS):
        assert f"#### {sheet.zh} ({sheet.en})" in text, sheet.key
        for c in sheet.columns:
            assert f"| {c.zh} | {c.en} |" in text, (sheet.key, c.key)
    for param in POLICY_PARAMS:
        assert param.zh in text, param.zh
