"""The files offices have (issue #19 point 3): old Excel ``.xls``, OpenDocument ``.ods``, WPS-saved
``.xlsx`` with a wrong sheet dimension, and CSV folders in GBK; each model's tiny example in
each form reads to the same data and solves to the same objective as the ``.xlsx``; bombs and
damaged or renamed files end in one located message (exit 2, no traceback)."""

from __future__ import annotations

import datetime as dt
import json
import re
import resource
import time
import zipfile
import zlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from openpyxl import load_workbook
from test_io_hostile import READERS, _plain

from assignments.core import workbooks, xlsx
from assignments.core.errors import InputError
from assignments.core.i18n import use_lang
from assignments.core.io import ColumnSpec, SheetSpec, _raw_sheets, read_tables

ROOT = Path(__file__).resolve().parents[2]
INSTANCES = ROOT / "instances"
MODELS = ("roster", "mentoring", "funding")


def _rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * resource.getpagesize() / 2**20


# ---------------------------------------------------------------- writing the other formats


def _cells(workbook: Path) -> dict[str, list[list[Any]]]:
    """Every sheet's cells as openpyxl reads them, with their number formats."""
    wb = load_workbook(workbook)
    return {ws.title: [[(c.value, c.number_format) for c in row] for row in ws.iter_rows()]
            for ws in wb.worksheets}


def to_xls(workbook: Path, out: Path, sheets: dict[str, list[list[Any]]] | None = None) -> Path:
    """The workbook as old Excel (BIFF8, xlwt): dates and percent formats kept."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    styles: dict[str, Any] = {}

    def style(fmt: str) -> Any:
        if fmt not in styles:
            styles[fmt] = xlwt.easyxf(num_format_str=fmt)
        return styles[fmt]

    for name, rows in (sheets or _cells(workbook)).items():
        ws = book.add_sheet(name)
        for i, row in enumerate(rows):
            for j, (value, fmt) in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, dt.datetime | dt.date):
                    ws.write(i, j, value, style("yyyy-mm-dd"))
                elif "%" in fmt and isinstance(value, int | float):
                    ws.write(i, j, value, style(fmt))
                else:
                    ws.write(i, j, value)
    book.save(str(out))
    return out


def to_ods(workbook: Path, out: Path, sheets: dict[str, list[list[Any]]] | None = None) -> Path:
    """The workbook as OpenDocument (odfpy): dates as ``date`` cells, percent-formatted numbers
    as ``percentage`` cells."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    for name, rows in (sheets or _cells(workbook)).items():
        table = Table(name=name)
        for row in rows:
            tr = TableRow()
            for value, fmt in row:
                if value is None:
                    tr.addElement(TableCell())
                    continue
                if isinstance(value, bool):
                    cell = TableCell(valuetype="boolean", booleanvalue=str(value).lower())
                elif isinstance(value, dt.datetime | dt.date):
                    cell = TableCell(valuetype="date", datevalue=value.isoformat())
                elif isinstance(value, int | float):
                    kind = "percentage" if "%" in fmt else "float"
                    cell = TableCell(valuetype=kind, value=value)
                else:
                    cell = TableCell(valuetype="string")
                cell.addElement(P(text=str(value)))
                tr.addElement(cell)
            table.addElement(tr)
        doc.spreadsheet.addElement(table)
    doc.save(str(out))
    return out


def gbk_folder(workbook: Path, folder: Path) -> Path:
    """The workbook's sheets as CSV files in GBK, as Excel and WPS save them on Chinese
    Windows."""
    folder.mkdir()
    for name, df in pd.read_excel(workbook, sheet_name=None, dtype=object,
                                  engine="calamine").items():
        df.to_csv(folder / f"{name}.csv", index=False, encoding="gbk")
    return folder


def wps_dimension(workbook: Path, out: Path) -> Path:
    """The workbook with every sheet's ``<dimension>`` saying ``A1``, as WPS can write it."""
    with zipfile.ZipFile(workbook) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename.startswith("xl/worksheets/sheet"):
                data, n = re.subn(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1"/>',
                                  data)
                assert n == 1
            z.writestr(info, data)
    return out


# ---------------------------------------------------------------- each model, each form

WRITERS = {"xls": to_xls, "ods": to_ods}


@pytest.mark.parametrize("kind", ["xls", "ods"])
@pytest.mark.parametrize(("model", "reader"), READERS, ids=[m for m, _ in READERS])
def test_model_reads_xls_and_ods(tmp_path: Path, model: str, reader: Any, kind: str) -> None:
    """Each model's tiny example saved as .xls / .ods reads to the same data as the .xlsx."""
    workbook = INSTANCES / model / "tiny.xlsx"
    other = WRITERS[kind](workbook, tmp_path / f"tiny.{kind}")
    got, want = _plain(reader(other)), _plain(reader(workbook))
    assert got == want
    assert len(str(got)) > 500


@pytest.mark.parametrize(("model", "reader"), READERS, ids=[m for m, _ in READERS])
def test_wps_wrong_dimension_reads_every_cell(tmp_path: Path, model: str, reader: Any) -> None:
    """WPS can write ``<dimension ref="A1"/>`` while the cells go further: every cell is read
    anyway (a reader trusting the dimension, as openpyxl's read-only mode does, sees one row)."""
    workbook = INSTANCES / model / "tiny.xlsx"
    wps = wps_dimension(workbook, tmp_path / "tiny.xlsx")
    trusting = load_workbook(wps, read_only=True)
    assert all(ws.max_row == 1 for ws in trusting.worksheets)  # the dimension really lies
    assert _raw_sheets(wps).keys() == _raw_sheets(workbook).keys()
    for name, raw in _raw_sheets(workbook).items():
        assert list(_raw_sheets(wps)[name].rows) == list(raw.rows)
    assert _plain(reader(wps)) == _plain(reader(workbook))


@dataclass
class _Ran:
    returncode: int
    stdout: str
    stderr: str


def _run(*args: str) -> _Ran:
    """The command, run in this process (typer's runner; an exception that escaped the command
    would be a traceback for the user: it fails the test)."""
    from typer.testing import CliRunner

    from assignments.cli import app

    r = CliRunner().invoke(app, list(args))
    if r.exception is not None and not isinstance(r.exception, SystemExit):
        raise r.exception
    return _Ran(r.exit_code, r.stdout, r.stderr)


@cache
def _objective(model: str, path: str, out: str) -> float:
    p = _run(model, "solve", path, "--out", out, "--time-limit", "5", "--deterministic")
    assert p.returncode == 0, p.stdout + p.stderr
    result = json.loads((Path(out) / "result.json").read_text(encoding="utf-8"))
    return float(result["objective"])


@pytest.mark.parametrize("kind", ["xls", "ods", "gbk"])
@pytest.mark.parametrize("model", MODELS)
def test_validate_and_solve_each_form(tmp_path_factory: pytest.TempPathFactory, model: str,
                                      kind: str) -> None:
    """``validate`` passes and ``solve`` reaches the .xlsx's objective for the tiny example as
    .xls, .ods and a GBK CSV folder (the solve's own checker ran: exit 0)."""
    workbook = INSTANCES / model / "tiny.xlsx"
    tmp = tmp_path_factory.mktemp(f"{model}_{kind}")
    if kind == "gbk":
        path = gbk_folder(workbook, tmp / "tiny")
        with pytest.raises(UnicodeDecodeError):
            next(path.glob("*.csv")).read_bytes().decode("utf-8")
    else:
        path = WRITERS[kind](workbook, tmp / f"tiny.{kind}")
    v = _run(model, "validate", str(path))
    assert v.returncode == 0, v.stdout + v.stderr
    want = _objective(model, str(workbook), str(tmp_path_factory.mktemp(f"{model}_xlsx")))
    assert _objective(model, str(path), str(tmp / "out")) == want


# ---------------------------------------------------------------- cells as shown


def test_percent_and_date_cells(tmp_path: Path) -> None:
    """A percent-formatted .xls cell and an .ods ``percentage`` cell read as the percentage
    shown (``Percent``), dates as dates, in both formats."""
    rows = [[("a", "General"), ("b", "General"), ("c", "General")],
            [(0.25, "0%"), (dt.datetime(2027, 1, 5), "yyyy-mm-dd"), ("中文", "General")],
            [(1.5, "0.0%"), (3, "General"), (None, "General")]]
    for kind, write in WRITERS.items():
        path = write(Path("unused"), tmp_path / f"t.{kind}", {"表": rows})
        cells = workbooks.read_any(path).sheets["表"]
        assert cells[1][0] == "25%" and isinstance(cells[1][0], xlsx.Percent), kind
        assert cells[2][0] == "150%" and cells[2][0].fraction == 1.5, kind
        assert cells[1][1] == dt.datetime(2027, 1, 5), kind
        assert cells[1][2] == "中文" and cells[2][1] == 3, kind


@pytest.mark.parametrize("kind", ["xls", "ods"])
def test_percent_cell_in_a_model(tmp_path: Path, kind: str) -> None:
    """funding tiny with a labour share typed ``25%`` (stored 0.25) saved as .xls / .ods: read
    as 25 %, not 0.25 %."""
    from assignments.funding.data import read_funding

    sheets = _cells(INSTANCES / "funding" / "tiny.xlsx")
    rows = sheets["项目库"]
    col = next(j for j, (v, _) in enumerate(rows[0]) if str(v).startswith("劳务报酬比例"))
    rows[1][col] = (0.25, "0%")
    rows[2][col] = (0.125, "0.0%")
    path = WRITERS[kind](Path("unused"), tmp_path / f"pct.{kind}", sheets)
    data = read_funding(path)
    assert [p.labour_share for p in data.projects[:2]] == [25.0, 12.5]


def test_bare_fraction_in_percent_column_is_refused(tmp_path: Path) -> None:
    """A bare 0.25 (no percent format) in a percentage column of an .ods is refused with its
    location (parse_percent), not guessed."""
    from assignments.funding.data import read_funding

    sheets = _cells(INSTANCES / "funding" / "tiny.xlsx")
    rows = sheets["项目库"]
    col = next(j for j, (v, _) in enumerate(rows[0]) if str(v).startswith("劳务报酬比例"))
    rows[1][col] = (0.25, "General")
    path = to_ods(Path("unused"), tmp_path / "bare.ods", sheets)
    with use_lang("en"), pytest.raises(InputError) as e:
        read_funding(path)
    text = str(e.value)
    assert "bare.ods" in text and "项目库" in text and "0.25" in text and "ambiguous" in text


def test_leading_empty_rows_keep_row_numbers(tmp_path: Path) -> None:
    """A header on row 3 of an .xls / .ods: messages name the rows as the file shows them."""
    spec = SheetSpec("t", "表", "table", (ColumnSpec("a", "甲", "a"), ColumnSpec("b", "乙", "b")))
    rows = [[(None, "General")], [(None, "General")],
            [("甲", "General"), ("乙", "General")], [(1, "General"), ("x", "General")]]
    for kind, write in WRITERS.items():
        path = write(Path("unused"), tmp_path / f"t.{kind}", {"表": rows})
        table = read_tables(path, [spec])["t"]
        assert table.header_row == 3, kind
        assert [(r.number, r.values) for r in table.rows] == [(4, {"a": 1, "b": "x"})], kind


# ---------------------------------------------------------------- hostile and damaged files


def _ods_with_content(path: Path, content: bytes, *, method: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet",
                   compress_type=zipfile.ZIP_STORED)
        z.writestr("META-INF/manifest.xml", _MANIFEST)
        z.writestr("content.xml", content, compress_type=method)
    return path


_MANIFEST = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
             '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry '
             'manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.'
             'spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" '
             'manifest:media-type="text/xml"/></manifest:manifest>')


_HEAD = (b'<?xml version="1.0" encoding="UTF-8"?><office:document-content '
         b'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
         b'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
         b'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body>'
         b'<office:spreadsheet><table:table table:name="S">')
_TAIL = b"</table:table></office:spreadsheet></office:body></office:document-content>"


def _refused(path: Path, *needles: str) -> str:
    before = _rss_mb()
    start = time.perf_counter()
    with use_lang("en"), pytest.raises(InputError) as e:
        workbooks.read_any(path)
    elapsed = time.perf_counter() - start
    assert _rss_mb() - before < 500
    assert elapsed < 60  # generous on a shared machine; a bomb takes minutes or is killed
    text = str(e.value)
    assert path.name in text
    for n in needles:
        assert n in text, text
    return text


def _raw_zip(path: Path, members: list[tuple[str, bytes, int, int, int]]) -> Path:
    """A zip of ``(name, data, method, declared size, crc)`` members, the sizes as declared
    (for bombs: the deflate data built cheaply, never expanded here)."""
    import struct

    out, central = bytearray(), bytearray()
    for name, data, method, size, crc in members:
        raw = name.encode()
        off = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0, crc, len(data),
                           size, len(raw), 0) + raw + data
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, method, 0, 0, crc,
                               len(data), size, len(raw), 0, 0, 0, 0, 0, off) + raw
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central),
                      len(out), 0)
    path.write_bytes(bytes(out + central + end))
    return path


def test_ods_zip_bomb_refused(tmp_path: Path) -> None:
    """An .ods whose content.xml expands to 2 GB (2 MB on disk): refused by the archive's
    directory before anything is expanded; and one whose directory lies about the size:
    refused as soon as the member yields more than it declares."""
    c = zlib.compressobj(1, zlib.DEFLATED, -15)
    block = c.compress(bytes(1 << 24)) + c.flush(zlib.Z_FULL_FLUSH)
    stream = block * 128 + c.flush(zlib.Z_FINISH)  # 2 GB of zeros
    mime = b"application/vnd.oasis.opendocument.spreadsheet"
    members = [("mimetype", mime, 0, len(mime), zlib.crc32(mime)),
               ("content.xml", stream, 8, 1 << 31, 0)]
    bomb = _raw_zip(tmp_path / "bomb.ods", members)
    assert bomb.stat().st_size < 10 * 2**20
    _refused(bomb, "too large or damaged", "expands to more than 512 MB")
    members[1] = ("content.xml", stream, 8, 1000, 0)
    liar = _raw_zip(tmp_path / "liar.ods", members)
    _refused(liar, "too large or damaged", "declares")


def test_ods_repeated_cells_refused(tmp_path: Path) -> None:
    """A 2 KB .ods whose repeated rows and cells make 100 million non-empty cells: refused
    while content.xml is read, before calamine fills them."""
    row = (b'<table:table-row table:number-rows-repeated="100000"><table:table-cell '
           b'office:value-type="float" office:value="1" table:number-columns-repeated="1000"/>'
           b'</table:table-row>')
    path = _ods_with_content(tmp_path / "rep.ods", _HEAD + row + _TAIL)
    assert path.stat().st_size < 4096
    _refused(path, "too large or damaged", "sheet S")


def test_ods_trailing_empty_repeats_are_read(tmp_path: Path) -> None:
    """LibreOffice's trailing empty rows and columns (repeated to the sheet's end) cost
    nothing."""
    row = (b'<table:table-row><table:table-cell office:value-type="string"><text:p>x</text:p>'
           b'</table:table-cell><table:table-cell table:number-columns-repeated="16383"/>'
           b'</table:table-row><table:table-row table:number-rows-repeated="1048575">'
           b'<table:table-cell table:number-columns-repeated="16384"/></table:table-row>')
    path = _ods_with_content(tmp_path / "lo.ods", _HEAD + row + _TAIL)
    assert workbooks.read_any(path).sheets == {"S": [["x"]]}


def test_ods_dtd_refused(tmp_path: Path) -> None:
    """An entity declaration (billion laughs) in content.xml is refused."""
    dtd = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
           b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>')
    path = _ods_with_content(tmp_path / "dtd.ods", dtd + _HEAD[38:] + _TAIL)
    _refused(path, "DTD")


def test_xls_far_cell_refused(tmp_path: Path) -> None:
    """A 6 KB .xls with a cell at IV65536 (calamine would hold 16.7 million cells, over 500 MB):
    refused from its records before calamine opens it."""
    import xlwt

    book = xlwt.Workbook()
    ws = book.add_sheet("远")
    ws.write(0, 0, 1)
    ws.write(65535, 255, 1)
    path = tmp_path / "far.xls"
    book.save(str(path))
    assert path.stat().st_size < 10_000
    _refused(path, "too large or damaged", "sheet 远", "65,536")


def test_xls_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = to_xls(Path("unused"), tmp_path / "t.xls", {"S": [[("a", "General")]]})
    monkeypatch.setattr(workbooks, "MAX_XLS_MB", 0)
    _refused(path, "more than 0 MB")


@pytest.mark.parametrize(("name", "content", "needle"), [
    ("junk.xls", b"\x00\x01junk" * 100, "not a readable Excel .xls workbook"),
    ("junk.ods", b"\x00\x01junk" * 100, "not a readable OpenDocument .ods"),
    ("page.xls", "<html><body><table><tr><td>甲</td></tr></table></body></html>".encode(),
     "web page"),
    ("cut.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "not a readable Excel"),
    ("report.et", b"\x00\x01junk" * 100, "not a readable Excel .xls workbook"),
])
def test_damaged_or_renamed_is_located(tmp_path: Path, name: str, content: bytes,
                                       needle: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    _refused(path, needle)


def test_docx_renamed_is_located(tmp_path: Path) -> None:
    path = tmp_path / "letter.ods"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("word/document.xml", "<w/>")
    _refused(path, "zip archive but not a workbook")


@pytest.mark.parametrize("name", ["tiny.xls", "tiny.et", "tiny.ods"])
def test_xlsx_under_another_name_is_read(tmp_path: Path, name: str) -> None:
    """An .xlsx saved under an .xls / .et / .ods name (as some systems export) is read as the
    .xlsx it is; an .xls named .et (WPS) as .xls."""
    src = INSTANCES / "roster" / "tiny.xlsx"
    path = tmp_path / name
    path.write_bytes(src.read_bytes())
    assert workbooks.read_any(path).sheets == xlsx.read_workbook(src).sheets
    et = to_xls(src, tmp_path / "wps.xls")
    renamed = et.rename(tmp_path / "wps.et")
    assert workbooks.read_any(renamed).sheets == workbooks.read_any(to_xls(
        src, tmp_path / "again.xls")).sheets


@pytest.mark.parametrize("model", MODELS)
def test_cli_damaged_xls_exit_2(tmp_path: Path, model: str) -> None:
    """``validate`` and ``solve`` of a damaged .xls: one located message, exit 2, no
    traceback."""
    path = tmp_path / "坏.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\xff" * 2000)
    for args in (["validate", str(path)], ["solve", str(path), "--out", str(tmp_path / "o")]):
        p = _run(model, *args)
        assert p.returncode == 2, p.stdout + p.stderr
        assert "Traceback" not in p.stderr
        assert "坏.xls" in p.stdout + p.stderr
