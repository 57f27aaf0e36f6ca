"""The shipped examples' print-ready outputs: each model's workbook carries its print setup and
its notice.pdf renders (A4, Chinese text, every name or amount of the solution on it).

One ``solve`` per model (module fixture); the PDFs are read back with pypdfium2 (text, page
size) and their first page rendered to an image that must not be blank.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

pdfium = pytest.importorskip("pypdfium2")

ROOT = Path(__file__).resolve().parents[2]
A4 = (595.3, 841.9)  # points
TITLES = {"roster": "下乡轮转安排通知", "mentoring": "师徒结对名单",
          "funding": "资金分配方案公示表"}
WORKBOOK = {"roster": "roster.xlsx", "mentoring": "pairs.xlsx", "funding": "funding.xlsx"}
MONEY = {"roster": ("费用", "合计(元)"), "funding": ("项目", "安排资金(元)")}


def _solve(model: str, out: Path, *extra: str) -> Path:
    p = subprocess.run(
        [sys.executable, "-m", "assignments.cli", model, "solve",
         str(ROOT / "instances" / model / "tiny.xlsx"), "--out", str(out), "--time-limit", "5",
         *extra],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    return out


@pytest.fixture(scope="module")
def solved(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The three shipped tiny examples solved (zh) into a temporary folder each."""
    base = tmp_path_factory.mktemp("notices")
    return {m: _solve(m, base / m) for m in TITLES}


def _text(pdf: object) -> str:
    return "".join(pdf[i].get_textpage().get_text_range()  # type: ignore[index]
                   for i in range(len(pdf)))  # type: ignore[arg-type]


def _page_image_ok(pdf: object) -> None:
    """The first page renders, A4, with dark pixels on it (not blank)."""
    page = pdf[0]  # type: ignore[index]
    w, h = page.get_size()
    assert sorted((round(w, 1), round(h, 1))) == sorted(A4)
    img = page.render(scale=1).to_pil().convert("L")
    dark = sum(img.histogram()[:128])
    assert dark > 0.002 * img.width * img.height


def _font_covers(text: str) -> None:
    """Every character of the notice is in the embedded font (no tofu boxes)."""
    from reportlab.pdfbase import pdfmetrics

    from assignments.core.notice import notice_font

    name = notice_font()
    if name != "SimHei":  # pragma: no cover - the CID fallback covers GB 2312 itself
        return
    face = pdfmetrics.getFont(name).face
    missing = {ch for ch in text if ch.strip() and ord(ch) not in face.charToGlyph}
    assert not missing


@pytest.mark.parametrize("model", list(TITLES))
def test_notice_pdf(solved: dict[str, Path], model: str) -> None:
    """notice.pdf: A4 pages, the title, page numbers, a rendered first page that is not blank,
    every character in the embedded font."""
    pdf = pdfium.PdfDocument(solved[model] / "notice.pdf")
    text = _text(pdf)
    assert TITLES[model] in text
    assert f"第 1 页 共 {len(pdf)} 页" in text
    _page_image_ok(pdf)
    _font_covers(text)


def test_roster_notice_names_everyone(solved: dict[str, Path]) -> None:
    """Every quarter, its handover day and every person of result.json are on the notice."""
    result = json.loads((solved["roster"] / "result.json").read_text(encoding="utf-8"))
    text = _text(pdfium.PdfDocument(solved["roster"] / "notice.pdf")).replace("\r\n", "\n")
    wb = openpyxl.load_workbook(solved["roster"] / "roster.xlsx")
    head = [c.value for c in wb["排班"][1]]
    names = {r[head.index("姓名")] for r in wb["排班"].iter_rows(min_row=2, values_only=True)}
    assert names and all(n in text for n in names)
    for a in result["assignments"]:
        assert a["quarter"] in text and a["start"] in text and a["end"] in text


def test_mentoring_notice_lists_every_pair(solved: dict[str, Path]) -> None:
    """Every pair of pairs.xlsx (mentor and mentee names) is on the notice; the count too."""
    text = _text(pdfium.PdfDocument(solved["mentoring"] / "notice.pdf"))
    ws = openpyxl.load_workbook(solved["mentoring"] / "pairs.xlsx")["结对"]
    head = [c.value for c in ws[1]]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert rows
    for r in rows:
        assert r[head.index("师傅")] in text and r[head.index("徒弟")] in text
    assert f"共 {len(rows)} 对" in text


def test_funding_notice_totals_the_allocation(solved: dict[str, Path]) -> None:
    """Every funded project is on the notice with its amount, and the total equals the sum of
    the allocation sheet."""
    text = _text(pdfium.PdfDocument(solved["funding"] / "notice.pdf"))
    wb = openpyxl.load_workbook(solved["funding"] / "funding.xlsx")
    ws = wb["项目"]
    head = [c.value for c in ws[1]]
    funded = [r for r in ws.iter_rows(min_row=2, values_only=True)
              if r[head.index("安排资金(元)")]]
    assert funded
    for r in funded:
        assert r[head.index("名称")] in text and f"{r[head.index('安排资金(元)')]:,}" in text
    alloc = wb["分配明细"]
    total = sum(r[-1] for r in alloc.iter_rows(min_row=2, values_only=True))
    assert f"{total:,}" in text and "合计" in text


@pytest.mark.parametrize("model", list(TITLES))
def test_workbook_print_setup(solved: dict[str, Path], model: str) -> None:
    """Every sheet of the shipped example's workbook: A4 fitted to one page wide, header row
    repeated and frozen, auto-filter, page numbers, 宋体; money columns with thousands
    separators; the roster's handover days real dates."""
    wb = openpyxl.load_workbook(solved[model] / WORKBOOK[model])
    for ws in wb:
        assert int(ws.page_setup.paperSize) == 9, ws.title
        assert ws.page_setup.orientation in ("portrait", "landscape")
        assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_title_rows == "$1:$1"
        assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"
        assert ws.auto_filter.ref == f"A1:{ws.cell(1, ws.max_column).column_letter}{ws.max_row}"
        assert ws.freeze_panes == "A2"
        assert ws["A1"].font.name == "宋体" and ws.cell(ws.max_row, 1).font.name == "宋体"
        assert TITLES[model][:4] in ws.oddHeader.center.text
    if model in MONEY:
        sheet, col = MONEY[model]
        ws = wb[sheet]
        j = [c.value for c in ws[1]].index(col) + 1
        assert ws.cell(2, j).number_format == "#,##0"
    if model == "roster":
        ws = wb["排班"]
        assert ws.page_setup.orientation == "landscape"  # 11 columns
        j = [c.value for c in ws[1]].index("交接日") + 1
        assert ws.cell(2, j).is_date and ws.cell(2, j).number_format == "yyyy-mm-dd"


def test_roster_check_reads_the_printed_workbook(solved: dict[str, Path]) -> None:
    """``roster check`` reads the print-ready roster.xlsx back (header in row 1, dates as date
    cells) and finds every rule kept."""
    p = subprocess.run(
        [sys.executable, "-m", "assignments.cli", "roster", "check",
         str(ROOT / "instances" / "roster" / "tiny.xlsx"), str(solved["roster"] / "roster.xlsx")],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr


def test_english_notice(tmp_path: Path) -> None:
    """--lang en: the notice and the page footers are in English."""
    out = _solve("funding", tmp_path / "en", "--lang", "en")
    text = _text(pdfium.PdfDocument(out / "notice.pdf"))
    assert "Fund allocation: public notice" in text and "Page 1 of" in text
    ws = openpyxl.load_workbook(out / "funding.xlsx").worksheets[0]
    assert ws.oddFooter.center.text == "Page &P of &N"
