"""The office's name (方案 parameter 单位名称, issue #19 point 5): the shipped examples give
one, and it is printed in the page header of each model's Excel output and on its notice PDF
(in Chinese); any of its names is accepted in any model's 方案 sheet; without it nothing is
printed in its place (no empty brackets, no ``None``)."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from assignments.core.notice import Notice, write_notice_pdf
from assignments.core.output import write_excel
from assignments.core.printsetup import PrintOptions

pdfium = pytest.importorskip("pypdfium2")

LANG = "zh"
ROOT = Path(__file__).resolve().parents[2]
NAMES = {"roster": "青山县人民医院", "mentoring": "青山县教育局", "funding": "青山县乡村振兴局"}
WORKBOOK = {"roster": "roster.xlsx", "mentoring": "pairs.xlsx", "funding": "funding.xlsx"}


def _pdf_text(path: Path) -> str:
    pdf = pdfium.PdfDocument(str(path))
    return "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))


def _reader(model: str):
    if model == "roster":
        from assignments.roster import read_roster
        return read_roster
    if model == "mentoring":
        from assignments.mentoring.data import read_mentoring
        return read_mentoring
    from assignments.funding.data import read_funding
    return read_funding


@pytest.mark.parametrize("model", list(NAMES))
def test_shipped_example_prints_the_organisation(model: str, tmp_path: Path) -> None:
    out = tmp_path / model
    p = subprocess.run(
        [sys.executable, "-m", "assignments.cli", model, "solve",
         str(ROOT / "instances" / model / "tiny.xlsx"), "--out", str(out), "--time-limit", "5"],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    name = NAMES[model]
    wb = openpyxl.load_workbook(out / WORKBOOK[model])
    for ws in wb.worksheets:
        assert ws.oddHeader.left.text == name, ws.title
        assert "制表日期" in ws.oddHeader.right.text
    text = _pdf_text(out / "notice.pdf")
    # the title line names the office, and the notice is signed with it
    assert text.startswith(name)
    assert text.count(name) >= 2


@pytest.mark.parametrize("model", list(NAMES))
@pytest.mark.parametrize("alias", ["单位名称", "医院名称", "教育局名称", "县名称", "organisation",
                                   "county"])
def test_every_name_of_the_parameter_is_read(model: str, alias: str, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(ROOT / "instances" / model / "tiny.xlsx")
    ws = wb["方案"]
    row = next(r for r in ws.iter_rows() if r[0].value == "单位名称")
    row[0].value = alias
    row[1].value = "  南山县某单位 "
    path = tmp_path / "in.xlsx"
    wb.save(path)
    assert _reader(model)(path).policy.organisation == "南山县某单位"


@pytest.mark.parametrize("model", list(NAMES))
def test_absent_gives_none(model: str, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(ROOT / "instances" / model / "tiny.xlsx")
    ws = wb["方案"]
    row = next(r for r in ws.iter_rows() if r[0].value == "单位名称")
    ws.delete_rows(row[0].row)
    path = tmp_path / "in.xlsx"
    wb.save(path)
    assert _reader(model)(path).policy.organisation is None


def test_without_organisation_nothing_in_its_place(tmp_path: Path) -> None:
    """No office: the page header has no left part and the notice's title is the title alone,
    signed with the date only — no empty brackets, no ``None``."""
    xlsx = tmp_path / "t.xlsx"
    write_excel(xlsx, {"表": pd.DataFrame({"季度": ["2027Q1"], "金额(元)": [1000]})},
                options=PrintOptions(title="下乡轮转排班表", period="2027Q1–2027Q4",
                                     made=dt.date(2026, 12, 5)))
    ws = openpyxl.load_workbook(xlsx).worksheets[0]
    assert not ws.oddHeader.left.text
    assert ws.oddHeader.center.text == "下乡轮转排班表 — 表"
    assert ws.oddHeader.right.text == "2027Q1–2027Q4  制表日期 2026-12-05"
    pdf = write_notice_pdf(tmp_path / "n.pdf", Notice(
        title="下乡轮转安排通知", columns=["季度", "人员"], rows=[["2027Q1", "张伟"]],
        made=dt.date(2026, 12, 5)))
    text = _pdf_text(pdf)
    assert text.startswith("下乡轮转安排通知")
    assert "None" not in text and "（）" not in text and "()" not in text
    assert "2026年12月5日" in text
