"""Print setup of the Excel outputs (``write_excel``), read back with openpyxl."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from assignments.core.output import write_excel
from assignments.core.printsetup import (
    FONT,
    PrintOptions,
    is_money_header,
    prepare_frame,
)


def _book(tmp_path: Path, sheets: dict[str, pd.DataFrame], **kw: object) -> openpyxl.Workbook:
    path = write_excel(tmp_path / "out.xlsx", sheets, **kw)  # type: ignore[arg-type]
    return openpyxl.load_workbook(path)


def test_page_setup_of_a_narrow_table(tmp_path: Path) -> None:
    """Three short columns: A4 portrait, one page wide, header repeated, page numbers in the
    footer, auto-filter over the table, header frozen, every cell in 宋体."""
    df = pd.DataFrame({"季度": ["2027Q1", "2027Q2", "2027Q3"], "姓名": ["张伟", "王芳", "孙强"],
                       "人次": [1, 2, 3]})
    ws = _book(tmp_path, {"排班": df})["排班"]
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.page_setup.orientation == "portrait"
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$1:$1"
    assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"
    assert ws.auto_filter.ref == "A1:C4"
    assert ws.freeze_panes == "A2"
    assert {c.font.name for row in ws.iter_rows() for c in row} == {FONT}
    assert all(c.font.b for c in ws[1])
    # the header stays in row 1: the table reads back as it was written
    back = pd.read_excel(tmp_path / "out.xlsx", sheet_name="排班", engine="openpyxl")
    assert list(back.columns) == list(df.columns)
    assert back["姓名"].tolist() == ["张伟", "王芳", "孙强"]


@pytest.mark.parametrize(
    ("columns", "text", "orientation"),
    [
        (9, "x", "landscape"),  # more than 8 columns
        (8, "x", "portrait"),  # 8 short columns fit a portrait page
        (3, "长" * 40, "landscape"),  # few columns, but wider than a portrait page
    ],
)
def test_wide_tables_print_landscape(tmp_path: Path, columns: int, text: str,
                                     orientation: str) -> None:
    """Landscape when a table has more than 8 columns or is wider than a portrait page."""
    df = pd.DataFrame({f"列{j}": [text] for j in range(columns)})
    ws = _book(tmp_path, {"表": df})["表"]
    assert ws.page_setup.orientation == orientation


def test_page_header_names_organisation_title_period_and_date(tmp_path: Path) -> None:
    """The title goes into the page header (left organisation, centre title and sheet, right
    period and date made); ``&`` is kept literal; English words with lang=en."""
    opts = PrintOptions(title="排班表 A&B", organisation="市第一人民医院", period="2027Q1–2027Q4",
                        made=dt.date(2027, 1, 2))
    ws = _book(tmp_path, {"排班": pd.DataFrame({"a": [1]})}, options=opts)["排班"]
    assert ws.oddHeader.left.text == "市第一人民医院"
    assert ws.oddHeader.center.text == "排班表 A&&B — 排班"
    assert ws.oddHeader.right.text == "2027Q1–2027Q4  制表日期 2027-01-02"
    en = PrintOptions(lang="en", made=dt.date(2027, 1, 2))
    ws = _book(tmp_path, {"roster": pd.DataFrame({"a": [1]})}, options=en)["roster"]
    assert ws.oddFooter.center.text == "Page &P of &N"
    assert ws.oddHeader.center.text == "roster" and ws.oddHeader.right.text == "made 2027-01-02"


def test_dates_become_real_excel_dates(tmp_path: Path) -> None:
    """ISO date texts and date objects become date cells (yyyy-mm-dd); a declared date column
    also reads 2027/1/4; a column mixing dates and other text is left as text."""
    df = pd.DataFrame({
        "交接日": ["2027-01-04", "2027-04-06"],
        "结束日": [dt.date(2027, 4, 5), None],
        "开始": ["2027/1/4", "2027年4月6日"],
        "备注": ["2027-01-04", "待定"],
    })
    ws = _book(tmp_path, {"s": df}, options=PrintOptions(dates=["开始"]))["s"]
    assert ws["A2"].value == dt.datetime(2027, 1, 4) and ws["A2"].number_format == "yyyy-mm-dd"
    assert ws["B2"].value == dt.datetime(2027, 4, 5) and ws["B2"].number_format == "yyyy-mm-dd"
    assert ws["B3"].value is None
    assert ws["C3"].value == dt.datetime(2027, 4, 6) and ws["C3"].number_format == "yyyy-mm-dd"
    assert ws["D2"].value == "2027-01-04" and ws["D2"].number_format == "General"


def test_money_columns_get_thousands_separators(tmp_path: Path) -> None:
    """Money columns (recognised by their header, or declared) show thousands separators, with
    two decimals when a value has a fraction; rates, counts and id columns do not."""
    df = pd.DataFrame({
        "资金来源": ["S1", "S2"],  # ids, not numbers
        "金额(元)": [400000, 1250000],
        "安排资金（万元）": [12.5, 40.0],
        "累计可用(元)": [1000000, None],  # numbers with a gap
        "S1": [300000, 0],  # declared
        "每万元加权受益": [9.0, 7.33],  # a rate
        "人次": [3, 4],
    })
    ws = _book(tmp_path, {"s": df}, options=PrintOptions(money=["S1"]))["s"]
    formats = {c.value: ws.cell(row=2, column=c.column).number_format for c in ws[1]}
    assert formats == {
        "资金来源": "General",
        "金额(元)": "#,##0",
        "安排资金（万元）": "#,##0.00",
        "累计可用(元)": "#,##0",
        "S1": "#,##0",
        "每万元加权受益": "General",
        "人次": "General",
    }
    assert ws["B3"].value == 1250000  # the value stays a number


@pytest.mark.parametrize(
    ("header", "money"),
    [
        ("金额(元)", True),
        ("安排资金(元)", True),
        ("总投资（万元）", True),
        ("funded (yuan)", True),
        ("budget_yuan", True),
        ("每万元加权受益", False),  # a rate per 10,000 yuan
        ("weighted beneficiaries per 10,000 yuan", False),
        ("人次", False),
        ("安排比例(%)", False),
    ],
)
def test_money_headers(header: str, money: bool) -> None:
    """Which headers name money."""
    assert is_money_header(header) is money


def test_prepare_frame_leaves_the_input_alone() -> None:
    """Converting date texts works on a copy: the caller's table (also written as CSV) keeps its
    texts."""
    df = pd.DataFrame({"交接日": ["2027-01-04"]})
    out, formats = prepare_frame(df, PrintOptions())
    assert df["交接日"].tolist() == ["2027-01-04"]
    assert out["交接日"].tolist() == [dt.date(2027, 1, 4)] and formats == {0: "yyyy-mm-dd"}


def test_empty_table_keeps_its_header(tmp_path: Path) -> None:
    """A table with no rows still gets a filter and print titles on its header row."""
    ws = _book(tmp_path, {"空": pd.DataFrame({"工号": [], "姓名": []})})["空"]
    assert ws.auto_filter.ref == "A1:B1" and ws.print_title_rows == "$1:$1"
    assert ws["A1"].font.name == FONT
