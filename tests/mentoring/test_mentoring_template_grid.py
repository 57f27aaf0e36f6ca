"""The mentoring template tells the user the timetable may be given as grids (issue #19.3/4):
the 课表 header's note says so and the template holds an example grid sheet, 课表-T002, that
reads back (its periods are 赵敏's, none repeating a 课表 row). The reader's notices and period
messages are Chinese in zh."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner
from untranslated import english_runs

from assignments.cli import app
from assignments.core.errors import InputError
from assignments.core.i18n import use_lang
from assignments.mentoring.data import read_mentoring

LANG = "zh"
GRID = "课表-T002"


def _template(path: Path, lang: str = "zh") -> Path:
    r = CliRunner().invoke(app, ["mentoring", "template", str(path), "--lang", lang])
    assert r.exit_code == 0, r.output
    return path


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_template_has_a_grid_example_that_reads_back(tmp_path: Path, lang: str) -> None:
    path = _template(tmp_path / "m.xlsx", lang)
    wb = openpyxl.load_workbook(path)
    names = wb.sheetnames
    assert names[names.index("课表") + 1] == GRID
    assert "课表-" in wb[GRID]["A1"].comment.text
    assert GRID in wb["课表"]["A1"].comment.text  # the 课表 header's note points to it
    with use_lang(lang):
        data = read_mentoring(path)
    grid = {(weekday, period)  # the header row is 1: row 2 is period 1; column B is Monday
            for period, row in enumerate(wb[GRID].iter_rows(min_row=2, values_only=True),
                                         start=1)
            for weekday, cell in enumerate(row[1:], start=1) if cell}
    assert grid and data.lessons_of("T002") == frozenset(grid)
    rows = [r for r in wb["课表"].iter_rows(min_row=2, values_only=True) if r[0]]
    assert rows and all(r[0] != "T002" for r in rows)
    assert data.warnings == []


def test_grid_period_repeated_in_the_rows_is_refused(tmp_path: Path) -> None:
    """The example grid is read: a 课表 row repeating one of its periods is an error."""
    path = _template(tmp_path / "m.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["课表"]
    ws.append(["T002", "赵敏", "周二", "1"])
    wb.save(path)
    with pytest.raises(InputError) as exc:
        read_mentoring(path)
    assert any(i.location.sheet == GRID for i in exc.value.issues), str(exc.value)


def test_no_lessons_notice_and_period_message_in_chinese(tmp_path: Path) -> None:
    path = _template(tmp_path / "m.xlsx")
    wb = openpyxl.load_workbook(path)
    if GRID in wb.sheetnames:
        del wb[GRID]
    ws = wb["课表"]
    for row in range(ws.max_row, 1, -1):
        if ws.cell(row=row, column=1).value == "T002":
            ws.delete_rows(row)
    wb.save(path)
    data = read_mentoring(path)
    notice = [w for w in data.warnings if "T002" in w]
    assert notice, data.warnings
    assert all(not english_runs(w) for w in notice), notice
    ws.cell(row=2, column=4, value="第一节和第三节")
    wb.save(path)
    with pytest.raises(InputError) as exc:
        read_mentoring(path)
    assert not english_runs(str(exc.value)), str(exc.value)
