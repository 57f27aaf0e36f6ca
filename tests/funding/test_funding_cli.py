"""The ``assignments funding`` command line, and the example of docs/funding.md.

User mistakes end with one located message, exit code 2, no traceback, nothing written.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
from funding_fixtures import MKP_DIR, PB_DIR, ROOT, TINY_XLSX

DOC = ROOT / "docs" / "funding.md"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "assignments.cli", "funding", *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)


def _doc_commands() -> list[str]:
    text = DOC.read_text(encoding="utf-8")
    block = re.search(r"```bash\n(.*?)```", text, re.S)
    assert block, "docs/funding.md has no bash block"
    return [ln for ln in block.group(1).splitlines() if ln.strip() and not ln.startswith("#")]


def test_doc_example_runs(tmp_path: Path) -> None:
    """The quick-start command of docs/funding.md gives the plan the page works out by hand,
    and prints the summary the page shows."""
    cmds = _doc_commands()
    assert cmds == ["assignments funding solve instances/funding/tiny.xlsx --out out/tiny"]
    args = cmds[0].split()[2:]
    args[args.index("--out") + 1] = str(tmp_path / "tiny")
    p = run(*args)
    assert p.returncode == 0, p.stderr
    # the summary printed in the page is what the command prints (but for the time)
    shown = re.search(r"```text\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert shown
    strip = lambda s: re.sub(r"用时: [\d.]+s", "", s)  # noqa: E731
    for line in shown.group(1).splitlines():
        assert strip(line) in strip(p.stdout), line
    out = tmp_path / "tiny"
    result = json.loads((out / "result.json").read_text(encoding="utf-8"))
    assert result["status"] == "optimal" and result["objective"] == 1276
    assert result["money_unit"]["yuan_per_unit"] == 10
    levels = {p["project"]: p["level"] for p in result["projects"]}
    assert levels == {"P1": 100, "P2": 100, "P3": 100, "P4": 0, "P5": 75, "P6": 100}
    sheets = pd.read_excel(out / "funding.xlsx", sheet_name=None, engine="openpyxl")
    assert list(sheets) == ["分配明细", "项目×来源", "项目", "资金来源", "村覆盖", "覆盖目标",
                            "支出进度", "规则", "边际价值", "说明"]
    assert (out / "milestones.png").exists() and (out / "csv" / "项目.csv").exists()


def test_doc_lists_every_sheet_and_column() -> None:
    """The input format reference lists every sheet and column, in both languages."""
    from assignments.funding.data import SHEETS

    text = DOC.read_text(encoding="utf-8")
    for sheet in SHEETS:
        assert f"#### {sheet.zh} ({sheet.en})" in text
        for c in sheet.columns:
            assert f"| {c.zh} | {c.en} |" in text, (sheet.key, c.key)


def test_validate_and_template(tmp_path: Path) -> None:
    """validate prints the figures of a good workbook; template writes one that validates."""
    p = run("validate", str(TINY_XLSX))
    assert p.returncode == 0, p.stderr
    assert "通过 — 资金来源 2 个（1,600,000 元），项目 6 个" in p.stdout
    out = tmp_path / "t.xlsx"
    assert run("template", str(out)).returncode == 0
    p = run("validate", str(out))
    assert p.returncode == 0, p.stderr


def test_bad_input_no_traceback_nothing_written(tmp_path: Path) -> None:
    """A broken workbook: one located message, exit 2, no traceback, no output folder."""
    bad = tmp_path / "bad.xlsx"
    bad.write_text("not a workbook", encoding="utf-8")
    out = tmp_path / "out"
    p = run("solve", str(bad), "--out", str(out))
    assert p.returncode == 2
    assert "bad.xlsx" in p.stderr and "Traceback" not in p.stderr
    assert not out.exists()
    p = run("validate", str(tmp_path / "nope.xlsx"))
    assert p.returncode == 2 and "nope.xlsx：文件不存在" in p.stderr  # Chinese by default
    p = run("solve", str(TINY_XLSX), "--out", str(out), "--lang", "fr")
    assert p.returncode == 2 and "--lang 只能是 zh 或 en" in p.stderr
    p = run("solve", str(TINY_XLSX), "--out", str(out), "--engine", "gurobi")
    assert p.returncode == 2 and "未知的求解引擎" in p.stderr and "Traceback" not in p.stderr
    assert not out.exists()


def test_english_solve_options(tmp_path: Path) -> None:
    """--lang en, seed, workers, deterministic, no marginal values: English sheets."""
    out = tmp_path / "en"
    p = run("solve", str(TINY_XLSX), "--out", str(out), "--lang", "en", "--seed", "7",
            "--workers", "1", "--deterministic", "--no-marginal", "--time-limit", "20")
    assert p.returncode == 0, p.stderr
    sheets = pd.read_excel(out / "funding.xlsx", sheet_name=None, engine="openpyxl")
    assert "allocation" in sheets and "marginal_value" not in sheets
    result = json.loads((out / "result.json").read_text(encoding="utf-8"))
    assert result["seed"] == 7 and result["workers"] == 1 and result["deterministic"]


def test_subsidies_command(tmp_path: Path) -> None:
    """subsidies writes every household's amount and reason; --rule picks the rationing."""
    out = tmp_path / "sub"
    p = run("subsidies", str(TINY_XLSX), "--out", str(out), "--rule", "pro_rata")
    assert p.returncode == 0, p.stderr
    # only registered households (建档立卡) by default: H4 is not, 19,000 of 20,000 paid
    assert "实发: 19,000 元" in p.stdout and "非建档立卡" in p.stdout
    table = pd.read_excel(out / "subsidies.xlsx", sheet_name="到户奖补", engine="openpyxl")
    assert len(table) == 6 and table["实发(元)"].sum() == 19_000
    p = run("subsidies", str(TINY_XLSX), "--out", str(out), "--rule", "lottery")
    assert p.returncode == 2 and "未知配给规则 'lottery'" in p.stderr
    p = run("subsidies", str(TINY_XLSX), "--out", str(out), "--rule", "lottery", "--lang", "en")
    assert p.returncode == 2 and "unknown rationing rule 'lottery'" in p.stderr


def test_scenarios_command(tmp_path: Path) -> None:
    """scenarios: the base and two variations side by side, with a small frontier."""
    sf = tmp_path / "s.yaml"
    sf.write_text("scenarios:\n  - name: 少一成\n    budget: -10%\n  - name: 无以工代赈\n"
                  "    rules: {以工代赈: 关}\nfrontier:\n  budget: [80%, 120%]\n  steps: 3\n",
                  encoding="utf-8")
    out = tmp_path / "scen"
    p = run("scenarios", str(TINY_XLSX), "--scenarios", str(sf), "--out", str(out),
            "--time-limit", "10")
    assert p.returncode == 0, p.stderr
    assert "无以工代赈" in p.stdout
    sheets = pd.read_excel(out / "scenarios.xlsx", sheet_name=None, engine="openpyxl")
    assert list(sheets["情景对比"].columns) == ["指标", "基准", "少一成", "无以工代赈"]
    assert len(sheets["预算前沿"]) == 3
    for png in ("scenarios_by_category.png", "scenarios_by_source.png", "frontier.png"):
        assert (out / png).exists()
    bad = tmp_path / "bad.yaml"
    bad.write_text("scenarios:\n  - name: x\n    force_in: [P99]\n", encoding="utf-8")
    p = run("scenarios", str(TINY_XLSX), "--scenarios", str(bad), "--out", str(tmp_path / "b"),
            "--lang", "en")
    assert p.returncode == 2 and "unknown project 'P99'" in p.stderr
    assert not (tmp_path / "b").exists()


def test_mkp_and_pb_commands(tmp_path: Path) -> None:
    """mkp prints the batch table; pb allocates a city budget and compares with greedy."""
    p = run("mkp", str(MKP_DIR / "mknap1.txt"), "--instances", "0-1", "--method", "cpsat")
    assert p.returncode == 0, p.stderr
    assert "mknap1.txt#0" in p.stdout and "3,800.0" in p.stdout and "8,706.1" in p.stdout
    pb = next(PB_DIR.glob("Poland_Warszawa_2017*.pb"))
    p = run("pb", str(pb), "--out", str(tmp_path / "pb"), "--lang", "en")
    assert p.returncode == 0, p.stderr
    assert "selected column: matches" in p.stdout
    p = run("mkp", str(MKP_DIR / "mknap1.txt"), "--instances", "9")
    assert p.returncode == 2 and "0–6" in p.stderr and "--instances 9" in p.stderr
