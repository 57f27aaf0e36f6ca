"""``assignments roster check WORKBOOK ROSTER.xlsx`` (issue #16.9): a roster edited by hand in
Excel is checked by the independent checker, every broken rule printed with its rows, and
compared with the optimum on each level; exit 0 clean, 1 rules broken, 2 unreadable."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from assignments.core.calendar import Quarter
from assignments.roster import read_roster

ROOT = Path(__file__).resolve().parents[2]
INST = ROOT / "instances" / "roster"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "assignments.cli", "roster", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def solved(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("check")
    for name in ("tiny", "county_hospital"):
        p = run("solve", str(INST / f"{name}.xlsx"), "--out", str(out / name), "--quiet",
                "--time-limit", "5")
        assert p.returncode == 0, p.stderr
    return {"tiny": out / "tiny" / "roster.xlsx", "county": out / "county_hospital" /
            "roster.xlsx", "dir": out}


def edit(src: Path, dst: Path, cells: list[tuple[int, str, object]]) -> Path:
    """Change cells of the 排班 sheet (row, header, value) as an office would in Excel."""
    wb = openpyxl.load_workbook(src)
    ws = wb["排班"]
    cols = {str(c.value).split(" ")[0]: c.column for c in ws[1]}
    for row, header, value in cells:
        ws.cell(row=row, column=cols[header], value=value)
    wb.save(dst)
    return dst


def test_the_solved_roster_is_clean_and_optimal(solved) -> None:
    p = run("check", str(INST / "tiny.xlsx"), str(solved["tiny"]), "--time-limit", "3",
            "--lang", "en")
    assert p.returncode == 0, p.stdout + p.stderr
    assert "every hard rule holds" in p.stdout and "proven optimal" in p.stdout
    assert "fairness: 12 / 12 — equal" in p.stdout


def test_a_valid_hand_edit_passes(solved) -> None:
    """County: a person in their department's turn replaced by a colleague of the same title
    who is available then and serves nowhere else: every rule holds (exit 0), and the
    comparison shows the fairness level as the optimum or worse."""
    data = read_roster(INST / "county_hospital.xlsx")
    avail = data.available()
    staff = {s.id: s for s in data.staff}
    wb = openpyxl.load_workbook(solved["county"])
    ws = wb["排班"]
    head = [str(c.value) for c in ws[1]]
    col = {h.split(" ")[0]: i for i, h in enumerate(head)}
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    serving = {r[col["工号"]] for r in rows}
    first = data.policy.first_quarter
    choice = None
    for n, r in enumerate(rows, start=2):
        if r[col["类型"]] != "本科室轮次":
            continue
        s = staff[r[col["工号"]]]
        q = Quarter.parse(str(r[col["季度"]])) - first
        if q == 0:
            continue
        mate = next((m for m in data.staff if m.department == s.department
                     and m.title == s.title and m.id not in serving and avail[m.id][q]
                     and not m.promotion_candidate), None)
        if mate is not None:
            choice = (n, mate)
            break
    assert choice is not None
    n, mate = choice
    path = edit(solved["county"], solved["dir"] / "valid.xlsx",
                [(n, "工号", mate.id), (n, "姓名", mate.name)])
    p = run("check", str(INST / "county_hospital.xlsx"), str(path), "--time-limit", "3",
            "--lang", "en")
    assert p.returncode == 0, p.stdout + p.stderr
    assert "every hard rule holds" in p.stdout and "fairness:" in p.stdout


def test_an_invalid_hand_edit_is_reported_with_its_row(solved) -> None:
    """tiny: 陈静 (S05, 普外科, 2027Q3, row 8) moved into row 6 (2027Q2, 周杰's seat) and 周杰
    into her row: her department has no turn in 2027Q2 and she is on study leave then; each
    broken rule names the rows of roster.xlsx it concerns; exit 1."""
    path = edit(solved["tiny"], solved["dir"] / "invalid.xlsx",
                [(7, "工号", "S05"), (9, "工号", "S09")])
    p = run("check", str(INST / "tiny.xlsx"), str(path), "--time-limit", "3", "--lang", "en")
    assert p.returncode == 1, p.stdout + p.stderr
    lines = p.stdout.splitlines()
    r4 = [ln for ln in lines if "[R4" in ln and "S05 (D2) serves in quarter 2" in ln]
    assert r4 and "invalid.xlsx, sheet 排班, row 7, staff 'S05'" in r4[0]
    r2 = [ln for ln in lines if "[R2" in ln and "S05" in ln]
    assert r2 and "row 7" in r2[0]
    assert any("[R4" in ln and "S09" in ln and "row 9" in ln for ln in lines)
    assert "Traceback" not in p.stderr


def test_unreadable_roster_exits_2(solved, tmp_path: Path) -> None:
    path = edit(solved["tiny"], tmp_path / "bad.xlsx", [(3, "工号", "S99")])
    p = run("check", str(INST / "tiny.xlsx"), str(path), "--time-limit", "0")
    assert p.returncode == 2
    assert "bad.xlsx" in p.stderr + p.stdout and "第 3 行" in p.stderr + p.stdout
    assert "S99" in p.stderr + p.stdout and "Traceback" not in p.stderr


def test_replan_names_the_invalid_edit(solved, tmp_path: Path) -> None:
    """`replan --published` with a hand-edited roster says which edits break rules (with
    their rows) instead of undoing them silently."""
    path = edit(solved["tiny"], tmp_path / "pub.xlsx", [(7, "工号", "S05"), (9, "工号", "S09")])
    p = run("replan", str(INST / "tiny.xlsx"), "--published", str(path), "--as-of",
            "2027-01-01", "--horizon", "0", "--out", str(tmp_path / "r"), "--quiet",
            "--time-limit", "5", "--lang", "en")
    assert "breaks" in p.stdout and "pub.xlsx, sheet 排班, row 7, staff 'S05'" in p.stdout, (
        p.stdout + p.stderr)
