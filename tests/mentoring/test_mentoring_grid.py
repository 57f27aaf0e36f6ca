"""Timetables as the grids schools keep (issue 19.3): one sheet a teacher (课表-T01, 课表 王丽)
or a class (课表-城关一小1班, cells naming the teacher), periods down and weekdays across,
merged cells, 上午/下午 numbering, titles and notes; read alike to the 课表 rows, solved alike;
unknown teachers, unreadable period labels, ambiguous names and conflicts refused, located."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from mentoring_fixtures import ROOT, TINY_XLSX, Records, generator, teacher, tiny_records

from assignments.core.errors import InputError, Issue
from assignments.mentoring import check, read_mentoring, solve
from assignments.mentoring.data import MentoringData

LANG = "en"  # the messages are asserted in English (msgids); the zh run is at the end

TINY_GRID = ROOT / "instances" / "mentoring" / "tiny_grid.xlsx"


def _grids(tmp_path: Path, form: str, rec: Records | None = None, name: str = "g.xlsx") -> Path:
    """TINY written with its timetable as grid sheets (openpyxl, scripts/generate_mentoring.py
    ``write_grids``): per teacher, per class, or mixed."""
    return generator.write_grids(tmp_path / name, rec or tiny_records(), form)


def _edit(path: Path, edit: Any) -> Path:
    from openpyxl import load_workbook

    wb = load_workbook(path)
    edit(wb)
    wb.save(path)
    return path


def _issues(path: Path) -> list[Issue]:
    with pytest.raises(InputError) as err:
        read_mentoring(path)
    return err.value.issues


@pytest.fixture(scope="module")
def row_form() -> MentoringData:
    return read_mentoring(TINY_XLSX)


@pytest.mark.parametrize("form", ["teacher", "class", "mixed"])
def test_grids_read_as_the_rows(tmp_path: Path, row_form: MentoringData, form: str) -> None:
    """Each teacher's busy periods from the grids are exactly the 课表 rows' (merged double
    periods, 下午 numbered again from 1, the 午休 row, the title and the note included)."""
    path = _grids(tmp_path, form)
    from openpyxl import load_workbook

    wb = load_workbook(path)
    grids = [ws for ws in wb.worksheets if ws.title.startswith("课表")]
    assert "课表" not in wb.sheetnames and grids
    # the workbook exercises merged lesson cells (openpyxl reads their lower cells as empty)
    assert any(r.min_row != r.max_row and r.min_col == r.max_col
               for ws in grids for r in ws.merged_cells.ranges)
    data = read_mentoring(path)
    assert data.lessons is not None and row_form.lessons is not None
    assert sum(map(len, data.lessons.values())) == sum(map(len, row_form.lessons.values())) > 50
    assert data.lessons == row_form.lessons
    assert data.warnings == row_form.warnings


def test_merged_cells_count_for_every_row(tmp_path: Path, row_form: MentoringData) -> None:
    """Unmerging the double periods (keeping the text in the top cell only) loses the lower
    periods: the merged ranges are what gives them."""
    def unmerge(wb: Any) -> None:
        for ws in wb.worksheets:
            for r in list(ws.merged_cells.ranges):
                if r.min_col == r.max_col and r.min_col > 2:  # a lesson over two periods
                    ws.unmerge_cells(str(r))

    data = read_mentoring(_edit(_grids(tmp_path, "teacher"), unmerge))
    assert data.lessons is not None and row_form.lessons is not None
    lost = {(t, s) for t, slots in row_form.lessons.items() for s in slots} \
        - {(t, s) for t, slots in data.lessons.items() for s in slots}
    assert lost and ("T01", (1, 2)) in lost  # 王丽 周一 1、2 is one merged cell


def test_shipped_tiny_grid(row_form: MentoringData) -> None:
    """instances/mentoring/tiny_grid.xlsx (S1's teachers by class, the others by teacher)
    reads as tiny.xlsx, and solves to the same objective with a checker-clean plan."""
    data = read_mentoring(TINY_GRID)
    assert data.lessons == row_form.lessons
    a = solve(row_form, time_limit=5, num_workers=2)
    b = solve(data, time_limit=5, num_workers=2)
    assert a.solution is not None and b.solution is not None
    assert b.objectives == a.objectives and b.objective == a.objective
    assert check(data, b.solution) == []
    assert {(p.mentor, p.mentee) for p in b.solution.pairs} \
        == {(p.mentor, p.mentee) for p in a.solution.pairs}


def test_class_grids_solve_alike(tmp_path: Path, row_form: MentoringData) -> None:
    data = read_mentoring(_grids(tmp_path, "class"))
    a = solve(row_form, time_limit=5, num_workers=2)
    b = solve(data, time_limit=5, num_workers=2)
    assert b.solution is not None and b.objectives == a.objectives
    assert check(data, b.solution) == []


def test_grid_beside_the_rows(tmp_path: Path, row_form: MentoringData) -> None:
    """A teacher's grid sheet beside the 课表 rows of the others is merged with them; a sheet
    named by the bare 工号 with a weekday header is a grid too."""
    from openpyxl import load_workbook

    grid = load_workbook(_grids(tmp_path, "teacher"))
    rec = tiny_records()
    rec["timetable"] = [r for r in rec["timetable"] if r["teacher"] != "T03"]
    path = generator.write(tmp_path / "both.xlsx", rec)
    wb = load_workbook(path)
    ws = wb.create_sheet("T03")
    for row in grid["课表-T03"].iter_rows(values_only=True):
        ws.append(row)
    for r in grid["课表-T03"].merged_cells.ranges:
        ws.merge_cells(str(r))
    wb.save(path)
    assert read_mentoring(path).lessons == row_form.lessons
    # the same lessons given twice (rows and grid) are refused, naming both places
    rec = tiny_records()
    path = generator.write(tmp_path / "twice.xlsx", rec)
    wb = load_workbook(path)
    ws = wb.create_sheet("课表-T03")
    for row in grid["课表-T03"].iter_rows(values_only=True):
        ws.append(row)
    wb.save(path)
    issues = _issues(path)
    first = issues[0]
    assert first.location.sheet == "课表-T03" and first.location.row == 3
    assert first.location.column == "C (星期一)" and first.location.record == "teacher 'T03'"
    assert "Mon period 1 of this teacher is already given (sheet 课表, row 12)" in first.message


def test_unknown_teacher_sheet(tmp_path: Path) -> None:
    path = _edit(_grids(tmp_path, "teacher"), lambda wb: setattr(wb["课表-T03"], "title",
                                                                  "课表-T99"))
    [issue] = _issues(path)
    assert issue.location.sheet == "课表-T99" and Path(issue.location.file or "").name == "g.xlsx"
    assert "'T99' in the sheet name is neither the 工号 or 姓名 of a teacher" in issue.message


def test_unknown_teacher_in_a_class_cell(tmp_path: Path) -> None:
    def edit(wb: Any) -> None:
        wb["课表-城关一小1班"]["B5"] = "语文 王五"  # 周一 period 4 (陈晨 in tiny)

    [issue] = _issues(_edit(_grids(tmp_path, "class"), edit))
    assert (issue.location.sheet, issue.location.row, issue.location.column) == (
        "课表-城关一小1班", 5, "B (周一)")
    assert "'语文 王五' names no teacher of the 教师 sheet" in issue.message


def test_unreadable_period_label(tmp_path: Path) -> None:
    """A row with lessons needs a readable period; a label row without lessons (午休) and the
    note below the grid are not refused."""
    def edit(wb: Any) -> None:
        wb["课表-T03"]["B5"] = "早读"  # was 第3节; 张敏 teaches 周五 第3节

    [issue] = _issues(_edit(_grids(tmp_path, "teacher"), edit))
    assert (issue.location.sheet, issue.location.row, issue.location.column) == (
        "课表-T03", 5, "B (节次)")
    assert "cannot read the period label '早读'" in issue.message


def test_ambiguous_names(tmp_path: Path) -> None:
    """A name two teachers share is refused with the candidates, in a sheet name and in a class
    cell alike (as 指定结对 does)."""
    rec = tiny_records()
    teacher(rec, "T06")["name"] = "李强"  # T02 is 李强: 课表 李强 names two teachers
    issues = _issues(_grids(tmp_path, "teacher", rec))
    on_sheet = [i for i in issues if i.location.sheet == "课表 李强"]
    assert on_sheet and "'李强' names 2 teachers: T02 (城关一小, 数学)、T06 (青山村小, 语文); " \
        "give the 工号" in on_sheet[0].message
    rec = tiny_records()
    teacher(rec, "T05")["name"] = "王丽"  # T01 is 王丽, named so in the class cells
    issues = _issues(_grids(tmp_path, "class", rec, "c.xlsx"))
    assert issues and all("'王丽' names 2 teachers: T01" in i.message for i in issues)
    assert issues[0].location.sheet.startswith("课表-城关一小")
    assert issues[0].location.column is not None and issues[0].location.row is not None


def test_period_labels_and_weekdays() -> None:
    from assignments.mentoring.grid import _label, _weekday, grid_kind

    assert _label("第1节") == (None, 1) and _label("上午第3节") == ("morning", 3)
    assert _label("第十一节") == (None, 11) and _label("2") == (None, 2)
    assert _label("下午") == ("afternoon", None) and _label("8:00-8:45") == (None, None)
    assert _label("1 (8:00-8:45)") == (None, 1) and _label("早读") == (None, None)
    assert [_weekday(x) for x in ("星期一", "周二", "三", "Thu", "Friday", 1, "1")] == \
        [1, 2, 3, 4, 5, None, None]
    assert grid_kind("课表") is None and grid_kind("timetable") is None
    assert grid_kind("课表-T001") == ("prefixed", "T001")
    assert grid_kind("课表 张敏") == ("prefixed", "张敏")
    assert grid_kind("课程表：七年级2班") == ("prefixed", "七年级2班")
    assert grid_kind("张敏") == ("bare", "张敏")


def test_tiny_grid_in_chinese(tmp_path: Path) -> None:
    """validate and solve on the shipped grid example print and write Chinese only."""
    from typer.testing import CliRunner
    from untranslated import english_runs, scan_folder

    from assignments.cli import app
    from assignments.core.i18n import set_lang

    try:
        out = tmp_path / "out"
        runs = [CliRunner().invoke(app, ["mentoring", "validate", str(TINY_GRID)]),
                CliRunner().invoke(app, ["mentoring", "solve", str(TINY_GRID), "--out", str(out),
                                         "--time-limit", "5"])]
    finally:
        set_lang("zh")
    for r in runs:
        assert r.exit_code == 0, r.output
        assert english_runs(r.output) == []
    assert "439" in runs[1].output
    assert scan_folder(out) == []


def test_csv_folder_grids(tmp_path: Path, row_form: MentoringData) -> None:
    """A CSV folder: each grid a file (课表-T01.csv, GBK as Excel on Chinese Windows saves it),
    every cell written out (a CSV has no merged cells)."""
    import csv

    from openpyxl import load_workbook

    rec = tiny_records()
    folder = tmp_path / "csv"
    folder.mkdir()
    from assignments.mentoring.data import SHEETS

    for s in SHEETS:
        if s.key in rec and s.key != "timetable":
            cols = list(dict.fromkeys(k for r in rec[s.key] for k in r))
            with (folder / f"{s.zh}.csv").open("w", encoding="utf-8", newline="") as f:
                w = csv.writer(f)
                w.writerow(cols)
                w.writerows([r.get(c) for c in cols] for r in rec[s.key])
    wb = load_workbook(_grids(tmp_path, "teacher"))
    for ws in wb.worksheets:
        if not ws.title.startswith("课表"):
            continue
        cells = [list(r) for r in ws.iter_rows(values_only=True)]
        for rng in ws.merged_cells.ranges:  # written out as a person would in a CSV
            for r in range(rng.min_row, rng.max_row + 1):
                for c in range(rng.min_col, rng.max_col + 1):
                    cells[r - 1][c - 1] = cells[rng.min_row - 1][rng.min_col - 1]
        with (folder / f"{ws.title}.csv").open("w", encoding="gbk", newline="") as f:
            csv.writer(f).writerows(cells)
    assert read_mentoring(folder).lessons == row_form.lessons


def test_period_twice_and_out_of_range(tmp_path: Path) -> None:
    """Without a 下午 label the restarted numbering is a period given twice; 第13节 is out of
    1–12; both located."""
    def edit(wb: Any) -> None:
        ws = wb["课表-T11"]  # 郑华: 周一 5、6, 周三 5 (下午 第1节、第2节)
        ws["A8"] = None
        ws.unmerge_cells("A8:A9")
        ws["A8"] = None
        ws["B9"] = "第13节"

    issues = _issues(_edit(_grids(tmp_path, "teacher"), edit))
    where = {(i.location.sheet, i.location.row, i.location.column): i.message for i in issues}
    assert where == {
        ("课表-T11", 8, "B (节次)"): "period 1 is already the label of row 3",
        ("课表-T11", 9, "B (节次)"): "period 13 is outside 1–12",
    }
