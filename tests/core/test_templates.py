"""The three models' templates (``assignments <model> template OUT.xlsx``): every column each
reader accepts, a note on every header, drop-down lists fed from the hidden 选项 sheet or from
another sheet, every 方案 parameter with its default; a template filled with its example rows
validates; a 姓名 that does not match its 工号 is a located error."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from assignments.cli import app
from assignments.core.output import OPTIONS_SHEET, TEMPLATE_ROWS

LANG = "zh"
MODELS = {
    "roster": ("assignments.roster.data", "SHEETS"),
    "mentoring": ("assignments.mentoring.data", "SHEETS"),
    "funding": ("assignments.funding.data", "SHEETS"),
}


def _cli(*args: str):
    return CliRunner().invoke(app, list(args), prog_name="assignments")


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("templates")
    out = {}
    for model in MODELS:
        path = folder / f"{model}.xlsx"
        r = _cli(model, "template", str(path))
        assert r.exit_code == 0, r.output
        out[model] = path
    return out


def _specs(model: str):
    module, name = MODELS[model]
    return getattr(importlib.import_module(module), name)


def _target(wb: openpyxl.Workbook, formula: str) -> tuple[str, str]:
    """The sheet and range a list validation's ``=name`` points to."""
    name = formula.lstrip("=")
    ref = wb.defined_names[name].attr_text
    sheet, cells = ref.rsplit("!", 1)
    return sheet.strip("'"), cells


@pytest.mark.parametrize("model", list(MODELS))
def test_every_reader_column_with_a_chinese_note(templates: dict[str, Path], model: str) -> None:
    wb = openpyxl.load_workbook(templates[model])
    for spec in _specs(model):
        assert spec.title in wb.sheetnames, spec.title
        ws = wb[spec.title]
        headers = [c.value for c in ws[1]]
        assert headers == [c.header for c in spec.columns], spec.title
        for cell in ws[1]:
            assert cell.comment is not None, (spec.title, cell.value)
            assert re.search(r"[\u4e00-\u9fff]", cell.comment.text), cell.comment.text
            assert "必填" in cell.comment.text or "选填" in cell.comment.text
        assert ws.max_row >= 2, f"{spec.title}: no example row"


@pytest.mark.parametrize("model", list(MODELS))
def test_choice_columns_have_dropdowns_from_the_hidden_sheet(templates: dict[str, Path],
                                                             model: str) -> None:
    wb = openpyxl.load_workbook(templates[model])
    assert wb[OPTIONS_SHEET].sheet_state == "hidden"
    checked = 0
    for spec in _specs(model):
        ws = wb[spec.title]
        letters = {c.key: openpyxl.utils.get_column_letter(j)
                   for j, c in enumerate(spec.columns, start=1)}
        for c in spec.columns:
            if c.choices is None:
                continue
            rng = f"{letters[c.key]}2:{letters[c.key]}{TEMPLATE_ROWS}"
            dvs = [dv for dv in ws.data_validations.dataValidation if rng in str(dv.sqref)]
            assert len(dvs) == 1, (spec.title, c.header)
            dv = dvs[0]
            assert dv.type == "list"
            assert dv.errorStyle == ("warning" if c.open_choices else "stop")
            sheet, cells = _target(wb, dv.formula1)
            if isinstance(c.choices, tuple):
                assert sheet == OPTIONS_SHEET
                values = [row[0].value for row in wb[sheet][cells.replace("$", "")]]
                assert tuple(values) == c.choices
            else:
                other = next(s for s in _specs(model) if s.key == c.choices.split(".")[0])
                assert sheet == other.title
                assert cells.endswith(f"${TEMPLATE_ROWS}")
            checked += 1
    assert checked >= 5


def test_the_roster_dropdowns_named_in_the_issue(templates: dict[str, Path]) -> None:
    """职称 from the title table, 科室 from the 科室 sheet's names, 是/否, 后延 决定."""
    from assignments.roster.data import SHEET, TITLE_TABLE

    staff = {c.key: c for c in SHEET["staff"].columns}
    assert set(staff["title"].choices) <= set(TITLE_TABLE)
    assert staff["department"].choices == "departments.name"
    assert staff["promotion_candidate"].choices == ("是", "否")
    decision = next(c for c in SHEET["deferrals"].columns if c.key == "decision")
    assert decision.choices and "自动后延" in decision.choices


@pytest.mark.parametrize("model", list(MODELS))
def test_policy_sheet_lists_every_parameter(templates: dict[str, Path], model: str) -> None:
    module = importlib.import_module(MODELS[model][0])
    params = module.POLICY_PARAMS
    ws = openpyxl.load_workbook(templates[model])["方案"]
    rows = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True) if r[0]}
    assert set(rows) == {p.zh for p in params}
    for p in params:
        _, value, note = rows[p.zh][:3]
        assert value is not None and note, p.zh
        if not p.required:
            assert "默认" in note, note
    notes = module.PARAM_NOTES
    switches = {p.key for p in params if p.key.startswith("rules.")}
    assert {p.key for p in params} - switches <= set(notes)


@pytest.mark.parametrize("model", list(MODELS))
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_template_filled_with_its_examples_validates(tmp_path: Path, model: str,
                                                     lang: str) -> None:
    path = tmp_path / f"{model}_{lang}.xlsx"
    assert _cli(model, "template", str(path), "--lang", lang).exit_code == 0
    r = _cli(model, "validate", str(path), "--lang", lang)
    assert r.exit_code == 0, r.output
    assert OPTIONS_SHEET not in r.output


def _set(path: Path, sheet: str, header: str, value: str, row: int = 2) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    col = next(c.column for c in ws[1] if c.value == header)
    ws.cell(row=row, column=col, value=value)
    wb.save(path)


@pytest.mark.parametrize(("model", "sheet", "header", "column"), [
    ("roster", "不可用", "姓名 (name)", "B"),
    ("mentoring", "课表", "姓名 (name)", "B"),
    ("mentoring", "意愿", "意向对象姓名 (target name)", "D"),
    ("mentoring", "历史结对", "徒弟姓名 (mentee name)", "D"),
])
def test_a_name_that_does_not_match_the_id_is_a_located_error(
        tmp_path: Path, templates: dict[str, Path], model: str, sheet: str, header: str,
        column: str) -> None:
    path = tmp_path / f"{model}.xlsx"
    path.write_bytes(templates[model].read_bytes())
    _set(path, sheet, header, "错名字")
    r = _cli(model, "validate", str(path))
    assert r.exit_code == 2, r.output
    line = next(x for x in r.output.splitlines() if "错名字" in x)
    assert path.name in line and f"工作表 {sheet}" in line and "第 2 行" in line
    assert f"列 {column}" in line and "与工号" in line and "'" in line  # the record id


def test_a_matching_name_with_spaces_passes(tmp_path: Path, templates: dict[str, Path]) -> None:
    path = tmp_path / "roster.xlsx"
    path.write_bytes(templates["roster"].read_bytes())
    _set(path, "不可用", "姓名 (name)", "张 伟")
    assert _cli("roster", "validate", str(path)).exit_code == 0


def test_english_template_notes(tmp_path: Path) -> None:
    path = tmp_path / "en.xlsx"
    assert _cli("roster", "template", str(path), "--lang", "en").exit_code == 0
    wb = openpyxl.load_workbook(path)
    note = wb["人员"]["A1"].comment.text
    assert "staff id" in note and "Required" in note
    names = {r[0] for r in wb["方案"].iter_rows(min_row=2, values_only=True)}
    assert "first quarter" in names


def test_web_template_download_is_the_same_workbook(tmp_path: Path) -> None:
    from assignments.web.worker import write_template

    out = write_template("mentoring", tmp_path / "m.xlsx", lang="zh")
    wb = openpyxl.load_workbook(out)
    assert wb[OPTIONS_SHEET].sheet_state == "hidden"
    assert "新调入 (new_transfer)" in [c.value for c in wb["教师"][1]]
