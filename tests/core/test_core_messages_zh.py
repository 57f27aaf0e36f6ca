"""The shared messages are Chinese by default (issue #19): a located problem reads 文件、工作表、
第 N 行、列; the reading, output-folder and CLI messages carry no English sentence."""

from __future__ import annotations

from pathlib import Path

import pytest
from untranslated import english_runs

from assignments.core.errors import InputError, Issue, Location, UserError
from assignments.core.i18n import use_lang
from assignments.core.io import SheetSpec, check_output_dir, read_tables
from assignments.core.policy import parse_percent
from assignments.core.solver import SolveStatus

LANG = "zh"  # the default language (tests/core/conftest.py)


def test_location_in_chinese() -> None:
    loc = Location("/data/roster.xlsx", "人员", 5, "C (科室)", "staff 'S03'")
    assert str(loc) == "roster.xlsx，工作表 人员，第 5 行，列 C (科室)，staff 'S03'"
    issue = Issue(loc, "未知的科室 'D9'")
    assert str(issue).endswith("staff 'S03'：未知的科室 'D9'")
    with use_lang("en"):
        assert str(loc) == "roster.xlsx, sheet 人员, row 5, column C (科室), staff 'S03'"


def test_many_problems_in_chinese() -> None:
    err = InputError([Issue(Location("a.xlsx", "人员", r), "应为整数") for r in (2, 3)])
    assert str(err).startswith("输入中有 2 个问题：\n  - a.xlsx，工作表 人员，第 2 行：应为整数")


def test_reading_messages_in_chinese(tmp_path: Path) -> None:
    book = tmp_path / "none.xlsx"
    with pytest.raises(InputError) as e:
        read_tables(book, [SheetSpec("staff", "人员", "staff", ())])
    assert "文件不存在" in str(e.value) and english_runs(str(e.value)) == []
    (tmp_path / "t.txt").write_text("x", encoding="utf-8")
    with pytest.raises(InputError) as e:
        read_tables(tmp_path / "t.txt", [])
    assert "不支持的文件类型" in str(e.value)
    with pytest.raises(ValueError) as v:
        parse_percent("0.55")
    assert "含义不明确" in str(v.value) and english_runs(str(v.value)) == []


def test_output_folder_message_in_chinese(tmp_path: Path) -> None:
    f = tmp_path / "file"
    f.write_text("x", encoding="utf-8")
    with pytest.raises(UserError) as e:
        check_output_dir(f)
    assert "这是文件，不是文件夹" in str(e.value) and english_runs(str(e.value)) == []


def test_status_words() -> None:
    assert SolveStatus.OPTIMAL.text() == "最优" and SolveStatus.OPTIMAL.value == "optimal"
    assert SolveStatus.FEASIBLE.text("en") == "feasible (not proven optimal)"
