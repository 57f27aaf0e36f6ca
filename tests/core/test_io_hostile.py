"""Hostile and awkward input files (issue #18): zip bombs, sheets reaching far, GBK and
semicolon CSV folders, percent-formatted cells, formulas without a computed value.

Every case ends in a valid read or one located ``InputError``; bombs are refused before they
are expanded (memory measured with tracemalloc, which sees Python's allocations, and the
process's resident memory, which also sees the Rust reader's)."""

from __future__ import annotations

import resource
import struct
import tracemalloc
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from openpyxl import load_workbook

from assignments.core import xlsx
from assignments.core.errors import InputError
from assignments.core.io import SheetSpec, _raw_excel, read_tables

ROOT = Path(__file__).resolve().parents[2]
INSTANCES = ROOT / "instances"


def _rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * resource.getpagesize() / 2**20


def _refused_cheaply(path: Path, *needles: str) -> str:
    """Read ``path``: it must be refused with a message naming the file and ``needles``, using
    less than 500 MB more memory (Python allocations and resident memory)."""
    before = _rss_mb()
    tracemalloc.start()
    try:
        with pytest.raises(InputError) as e:
            _raw_excel(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 500 * 2**20
    assert _rss_mb() - before < 500
    text = str(e.value)
    assert path.name in text
    for n in needles:
        assert n in text, text
    return text


def _base_members() -> dict[str, bytes]:
    with zipfile.ZipFile(INSTANCES / "roster" / "tiny.xlsx") as z:
        return {i.filename: z.read(i) for i in z.infolist()}


def _first_sheet(members: dict[str, bytes]) -> str:
    return sorted(n for n in members if n.startswith("xl/worksheets/sheet"))[0]


def _deflate_repeat(chunk: bytes, times: int) -> bytes:
    """A raw deflate stream of ``chunk`` repeated ``times`` times, built cheaply: each copy is
    compressed alone (a full flush resets the compressor), so one compressed block repeats."""
    c = zlib.compressobj(1, zlib.DEFLATED, -15)
    block = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
    return block * times + c.flush(zlib.Z_FINISH)


def _with_member(path: Path, name: str, stream: bytes, size: int, crc: int) -> Path:
    """The roster tiny workbook plus (or with replaced) member ``name`` whose deflate data is
    ``stream``, declared as ``size`` bytes with ``crc`` (local header and central directory)."""
    members = _base_members()
    members.setdefault(name, b"")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in members.items():
            z.writestr(n, data)
    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo(name)
    head = info.header_offset
    n, e = struct.unpack("<HH", raw[head + 26:head + 30])
    start = head + 30 + n + e
    new = bytearray(raw[:start]) + stream + raw[start + info.compress_size:]
    delta = len(stream) - info.compress_size
    struct.pack_into("<III", new, head + 14, crc, len(stream), size)
    cd_off = struct.unpack("<I", new[-6:-2])[0] + delta
    struct.pack_into("<I", new, len(new) - 6, cd_off)
    p = cd_off
    while new[p:p + 4] == b"PK\x01\x02":
        nl, el, cl = struct.unpack("<HHH", new[p + 28:p + 34])
        off = struct.unpack("<I", new[p + 42:p + 46])[0]
        if bytes(new[p + 46:p + 46 + nl]).decode() == name:
            struct.pack_into("<III", new, p + 16, crc, len(stream), size)
        elif off > head:
            struct.pack_into("<I", new, p + 42, off + delta)
        p += 46 + nl + el + cl
    path.write_bytes(bytes(new))
    return path


def test_bomb_by_size_refused_before_expanding(tmp_path: Path) -> None:
    """A workbook with a 2 GB member of zeros (2 MB on disk): refused by the central directory
    ("expands to more than 512 MB", in Chinese too), nothing expanded."""
    stream = _deflate_repeat(bytes(1 << 24), 128)  # 2 GB
    bomb = _with_member(tmp_path / "bomb.xlsx", "xl/media/zeros.bin", stream, 1 << 31, 0)
    assert bomb.stat().st_size < 10 * 2**20
    with zipfile.ZipFile(bomb) as z:  # a well-formed archive declaring what it holds
        assert z.getinfo("xl/media/zeros.bin").file_size == 1 << 31
    _refused_cheaply(bomb, "too large or damaged", "文件过大或已损坏",
                     f"more than {xlsx.MAX_UNCOMPRESSED_MB} MB")


def test_bomb_by_ratio_refused(tmp_path: Path) -> None:
    """A 100 MB member of zeros (about 1,000 times its compressed size): the total is allowed,
    the ratio is not."""
    bomb = tmp_path / "ratio.xlsx"
    members = _base_members()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
        z.writestr("xl/media/zeros.bin", bytes(100 * 2**20))
    _refused_cheaply(bomb, "times, more than", "xl/media/zeros.bin")


def test_lying_directory_refused(tmp_path: Path) -> None:
    """A worksheet whose headers declare 1 KB (CRC of its first KB) but whose data expands to
    1 GB: found while decompressing in chunks, refused as soon as it passes what it declares."""
    members = _base_members()
    sheet = _first_sheet(members)
    stream = _deflate_repeat(b" " * (1 << 24), 64)
    bomb = _with_member(tmp_path / "liar.xlsx", sheet, stream, 1024, zlib.crc32(b" " * 1024))
    _refused_cheaply(bomb, "declares")


def test_far_cell_refused_before_reading(tmp_path: Path) -> None:
    """One cell at XFD1048576 (a 20 KB file): the reader would fill 17 billion cells from A1;
    refused from the scan with the sheet named."""
    members = _base_members()
    sheet = _first_sheet(members)
    xml = members[sheet].decode()
    far = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    members[sheet] = xml.replace("</sheetData>", far + "</sheetData>").encode()
    path = tmp_path / "far.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    text = _refused_cheaply(path, f"{xlsx.MAX_ROWS:,}", "cells read per sheet")
    assert "方案" in text  # the first sheet of the roster workbook


def test_far_cell_without_references_refused(tmp_path: Path) -> None:
    """The same reach with cells that omit ``r`` (positions counted, as the reader does)."""
    members = _base_members()
    sheet = _first_sheet(members)
    xml = members[sheet].decode()
    wide = '<row r="60000">' + "<c><v>1</v></c>" * 16384 + "</row>"
    members[sheet] = xml.replace("</sheetData>", wide + "</sheetData>").encode()
    path = tmp_path / "wide.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    _refused_cheaply(path, "cells read per sheet")


def test_limits_are_module_constants(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The shipped workbook passes the limits; lowered limits refuse it (they are read at call
    time)."""
    path = INSTANCES / "funding" / "county.xlsx"
    assert _raw_excel(path)
    monkeypatch.setattr(xlsx, "MAX_UNCOMPRESSED_MB", 0)
    with pytest.raises(InputError, match="expands to more than 0 MB"):
        _raw_excel(path)
    monkeypatch.setattr(xlsx, "MAX_UNCOMPRESSED_MB", 512)
    monkeypatch.setattr(xlsx, "MAX_CELLS", 50)
    with pytest.raises(InputError, match="cells read per sheet"):
        _raw_excel(path)


# ---------------------------------------------------------------- CSV folders


def _csv_folder(workbook: Path, folder: Path, *, encoding: str, sep: str = ",") -> Path:
    """The workbook's sheets as a CSV folder in ``encoding`` (what Excel/WPS write)."""
    folder.mkdir()
    for name, df in pd.read_excel(workbook, sheet_name=None, dtype=object,
                                  engine="calamine").items():
        df.to_csv(folder / f"{name}.csv", index=False, encoding=encoding, sep=sep)
    return folder


def _readers() -> list[tuple[str, Any]]:
    def roster(p: Path) -> Any:
        from assignments.roster.data import read_roster

        return read_roster(p)

    def mentoring(p: Path) -> Any:
        from assignments.mentoring.data import read_mentoring

        return read_mentoring(p)

    def funding(p: Path) -> Any:
        from assignments.funding.data import read_funding

        return read_funding(p)

    return [("roster", roster), ("mentoring", mentoring), ("funding", funding)]


READERS = _readers()


@pytest.mark.parametrize(("model", "reader"), READERS, ids=[m for m, _ in READERS])
@pytest.mark.parametrize(("encoding", "sep"), [("gbk", ","), ("gb18030", ","), ("utf-8", ","),
                                               ("utf-8-sig", ";"), ("gbk", "\t"),
                                               ("utf-16", "\t")])
def test_csv_folder_encodings_and_delimiters(tmp_path: Path, model: str, reader: Any,
                                             encoding: str, sep: str) -> None:
    """Each model's tiny instance, saved as CSV in GBK (Excel/WPS on Chinese Windows), GB18030,
    UTF-8 with and without BOM, with ``;`` or tab: read to the same data as the workbook."""
    workbook = INSTANCES / model / "tiny.xlsx"
    folder = _csv_folder(workbook, tmp_path / "tiny", encoding=encoding, sep=sep)
    if encoding == "gbk":  # the file really is GBK, not UTF-8
        text = next(folder.glob("*.csv")).read_bytes()
        with pytest.raises(UnicodeDecodeError):
            text.decode("utf-8")
    got, want = _plain(reader(folder)), _plain(reader(workbook))
    assert got == want
    assert len(str(got)) > 500  # a real instance was compared


_SKIP = ("source", "path", "file", "warning", "notice", "location")


def _plain(obj: Any) -> Any:
    """A model's data as plain values, without where it was read from (file names, messages)."""
    import dataclasses

    from pydantic import BaseModel

    if isinstance(obj, BaseModel):
        obj = {k: getattr(obj, k) for k in type(obj).model_fields}
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        obj = {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()
                if not any(w in str(k) for w in _SKIP)}
    if isinstance(obj, list | tuple):
        return [_plain(v) for v in obj]
    if hasattr(obj, "__dict__") and type(obj).__module__.startswith("assignments"):
        return _plain(dict(vars(obj)))
    return obj


def test_undecodable_csv_is_located(tmp_path: Path) -> None:
    """Bytes that are neither UTF-8 nor GB18030: a located message (file, line), no
    UnicodeDecodeError."""
    folder = tmp_path / "f"
    folder.mkdir()
    (folder / "表.csv").write_bytes("编号,名称\nA,甲\n".encode() + b"B,\xff\xff\n")
    spec = SheetSpec("t", "表", "table", ())
    with pytest.raises(InputError) as e:
        read_tables(folder, [spec])
    text = str(e.value)
    assert "表.csv" in text and "row 3" in text and "GB18030" in text


def test_unknown_delimiter_gets_a_hint(tmp_path: Path) -> None:
    """A '|'-separated file: the missing-column message says the header is one cell and names
    the delimiter."""
    from assignments.roster.data import read_roster

    folder = _csv_folder(INSTANCES / "roster" / "tiny.xlsx", tmp_path / "csv",
                         encoding="utf-8", sep="|")
    with pytest.raises(InputError) as e:
        read_roster(folder)
    assert "separated by bars" in str(e.value)


def test_csv_huge_field_is_located(tmp_path: Path) -> None:
    """csv module errors (a field over its size limit) become located messages."""
    spec = SheetSpec("t", "表", "table", ())
    folder = tmp_path / "f"
    folder.mkdir()
    (folder / "表.csv").write_bytes(b"a,b\n1,2\n1,\"" + b"x" * (1 << 18) + b"\"\n")
    with pytest.raises(InputError) as e:
        read_tables(folder, [spec])
    assert "表.csv" in str(e.value) and "row 3" in str(e.value)


def test_csv_row_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A CSV file beyond the cell limit is refused while streaming."""
    from assignments.core.io import ColumnSpec

    monkeypatch.setattr(xlsx, "MAX_CELLS", 100)
    folder = tmp_path / "f"
    folder.mkdir()
    (folder / "表.csv").write_text("a,b\n" + "1,2\n" * 100, encoding="utf-8")
    spec = SheetSpec("t", "表", "table", (ColumnSpec("a", "a", "a"),))
    with pytest.raises(InputError, match="文件过大或已损坏"):
        read_tables(folder, [spec])


# ---------------------------------------------------------------- cells as Excel shows them


def test_percent_formatted_cell_reads_as_percent(tmp_path: Path) -> None:
    """funding tiny.xlsx with a project's labour share (劳务报酬比例) typed ``25%`` in Excel
    (stored 0.25, format '0%'): read as 25 %, not 0.25 %."""
    from assignments.funding.data import read_funding

    wb = load_workbook(INSTANCES / "funding" / "tiny.xlsx")
    ws = wb["项目库"]
    col = next(c.column for c in ws[1] if str(c.value).startswith("劳务报酬比例"))
    ws.cell(row=2, column=col, value=0.25).number_format = "0%"
    ws.cell(row=3, column=col, value=0.125).number_format = "0.0%"
    path = tmp_path / "pct.xlsx"
    wb.save(path)
    data = read_funding(path)
    shares = [p.labour_share for p in data.projects[:2]]
    assert shares == [25.0, 12.5]


def test_percent_marker_type() -> None:
    """``Percent`` shows the percentage as typed and keeps the stored fraction."""
    p = xlsx.Percent(0.07)
    assert p == "7%" and p.fraction == 0.07
    assert xlsx.Percent(1.5) == "150%" and xlsx.Percent(0.125) == "12.5%"
    assert xlsx._is_percent_code('0.0%') and not xlsx._is_percent_code('0"%"')


def test_formula_without_value_is_located(tmp_path: Path) -> None:
    """roster tiny.xlsx with 方案 季度数 = "=2*2" written by openpyxl (no cached value): refused
    naming the sheet, row and column, instead of silently reading the default."""
    from assignments.roster.data import read_roster

    wb = load_workbook(INSTANCES / "roster" / "tiny.xlsx")
    ws = wb["方案"]
    ws.append(["季度数", "=2*2", "formula"])
    row = ws.max_row
    path = tmp_path / "formula.xlsx"
    wb.save(path)
    with pytest.raises(InputError) as e:
        read_roster(path)
    text = str(e.value)
    assert "sheet 方案" in text and f"row {row}" in text and "column B" in text
    assert "=2*2" in text and "no computed value" in text


def test_formula_with_cached_value_is_read(tmp_path: Path) -> None:
    """A formula that Excel computed (cached value present) reads as its value."""
    members = _base_members()
    sheet = _first_sheet(members)
    xml = members[sheet].decode()
    extra = ('<row r="40"><c r="A40"><f>2*2</f><v>4</v></c>'
             '<c r="B40" t="str"><f>""</f><v></v></c></row>')
    members[sheet] = xml.replace("</sheetData>", extra + "</sheetData>").encode()
    path = tmp_path / "cached.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    book = xlsx.read_workbook(path)
    name = next(iter(book.sheets))
    assert book.sheets[name][39][0] == 4
    assert not book.formulas.get(name)
