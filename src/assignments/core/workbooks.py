"""Reading the other workbooks offices have: old Excel ``.xls`` (BIFF), OpenDocument ``.ods``
and WPS's ``.et``, with the limits of :mod:`assignments.core.xlsx` checked before anything is
expanded.

The cells are read by python-calamine, as for ``.xlsx``. calamine reads an ``.xls`` or ``.ods``
file whole when it opens it (a sheet's cells fill the rectangle from its first to its last
cell), so a small file naming a far cell would cost gigabytes: each file is scanned first.

- ``.xls``: at most :data:`MAX_XLS_MB` megabytes on disk; the compound file is parsed here
  (directory, allocation tables, the ``Workbook`` stream) and the BIFF records walked: the
  cells' extent (rows × columns from A1) must stay within :data:`assignments.core.xlsx.MAX_ROWS`
  and :data:`~assignments.core.xlsx.MAX_CELLS` (over all sheets together), and the cells whose
  number format shows a percentage are found. An encrypted file is refused.
- ``.ods``: a zip archive, checked as an ``.xlsx`` is (member count, total expanded size,
  ratios, every member decompressed once in bounded chunks); ``content.xml`` is parsed as it
  is decompressed (no DTD accepted), counting repeated rows and cells, so the extent of the
  non-empty cells is known before calamine opens the file; cells of the ``percentage`` type and
  formulas without a value are found.

Percentages: a cell formatted as a percentage in ``.xls`` (number format ``0%`` …) or of the
``percentage`` type in ``.ods`` is read as :class:`assignments.core.xlsx.Percent` (``"25%"``),
as for ``.xlsx``. Dates come out as dates (calamine reads the date formats).

Which reader a file gets is decided by its content, not only its name: an ``.xlsx`` saved with
an ``.xls`` name (as some systems export) is read as ``.xlsx``, a WPS ``.et`` is read as the
``.xls`` or ``.xlsx`` it is inside; a web page saved as ``.xls`` gets a message saying so.
"""

from __future__ import annotations

import struct
import xml.parsers.expat
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assignments.core import xlsx
from assignments.core.errors import InputError, Issue, Location
from assignments.core.i18n import tr

__all__ = ["MAX_XLS_MB", "WORKBOOK_SUFFIXES", "read_any", "sniff"]

#: Largest ``.xls`` file read, in megabytes (an ``.xls`` holds at most 65,536 rows × 256 columns
#: a sheet; offices' files stay far below).
MAX_XLS_MB = 64

#: The workbook file names read (others: CSV folders, JSON, YAML).
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".et", ".ods")

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MB = 1 << 20


def _loc(path: Path) -> Location:
    return Location(str(path))


def _unreadable(path: Path, kind: str, reason: object) -> InputError:
    if kind == "ods":
        return InputError(Issue(_loc(path), tr("not a readable OpenDocument .ods spreadsheet "
                                               "({reason})", reason=reason)))
    return InputError(Issue(_loc(path), tr("not a readable Excel .xls workbook ({reason})",
                                           reason=reason)))


# ---------------------------------------------------------------- which reader


def sniff(path: Path) -> str | None:
    """What the file holds: ``"xlsx"``, ``"xls"``, ``"ods"``; ``None`` when it is none of them
    (the reader chosen by the suffix then says why it cannot read it).

    Raises
    ------
    InputError
        For a web page or XML saved under a workbook name, and for a zip archive that is no
        workbook (e.g. a ``.docx`` renamed): they say what the file is.
    """
    try:
        with path.open("rb") as fh:
            head = fh.read(512)
    except OSError:
        return None
    if head.startswith(_OLE):
        return "xls"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as zf:
                names = set(zf.namelist())
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            return None
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "content.xml" in names:
            return "ods"
        raise InputError(Issue(_loc(path), tr(
            "the file is a zip archive but not a workbook (no xl/workbook.xml or content.xml): "
            "save it from Excel or WPS as .xlsx")))
    text = head.lstrip(b"\xef\xbb\xbf\xff\xfe\xfe\xff \t\r\n\x00").lower()
    if text.startswith(b"<"):
        raise InputError(Issue(_loc(path), tr(
            "the file is a web page (HTML) or XML under a workbook name, not a workbook: open "
            "it in Excel or WPS and save it as .xlsx")))
    return None


def read_any(path: Path) -> xlsx.Workbook:
    """A workbook of any kind of :data:`WORKBOOK_SUFFIXES`, chosen by content (then by name).

    Raises
    ------
    InputError
        Located: unreadable, encrypted, larger than the limits, or not a workbook.
    """
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise _unreadable(path, "xls", exc) from None
    if size == 0:
        raise InputError(Issue(_loc(path), tr("the file is empty (0 bytes)")))
    kind = sniff(path)
    if kind is None:
        suffix = path.suffix.lower()
        kind = "ods" if suffix == ".ods" else "xls" if suffix in (".xls", ".et") else "xlsx"
        if kind != "xlsx":
            raise _unreadable(path, kind, tr("unknown content"))
    if kind == "xlsx":
        return xlsx.read_workbook(path)
    if kind == "ods":
        return _read_ods(path)
    return _read_xls(path)


# ---------------------------------------------------------------- what the scans find


@dataclass
class _Scan:
    """A sheet's extent (1-based last row and column of a non-empty cell), its percent cells as
    rectangles ``(row0, row1, col0, col1)`` (0-based, ends excluded) and formulas without a
    value."""

    max_row: int = 0
    max_col: int = 0
    percent: list[tuple[int, int, int, int]] = field(default_factory=list)
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)


def _too_far(path: Path, name: str, rows: int, cols: int) -> InputError:
    return xlsx.too_large(path, tr(
        "sheet {sheet} reaches row {row:,} and column {col:,} ({cells:,} cells), more than the "
        "{rows:,} rows or {max_cells:,} cells read per sheet", sheet=name, row=rows, col=cols,
        cells=rows * cols, rows=xlsx.MAX_ROWS, max_cells=xlsx.MAX_CELLS))


def _calamine(path: Path, kind: str, scans: list[_Scan | None]) -> xlsx.Workbook:
    """Every worksheet's cells from A1 read by calamine, percent cells as ``Percent``;
    ``scans`` in the order of the workbook's sheets (calamine's order)."""
    from python_calamine import CalamineError, SheetTypeEnum

    book = xlsx.Workbook()
    try:
        wb = xlsx.open_calamine(path, (".ods",) if kind == "ods" else (".xls",))
    except (CalamineError, OSError, ValueError) as exc:
        raise _unreadable(path, kind, exc) from None
    try:
        for k, meta in enumerate(wb.sheets_metadata):
            if meta.typ != SheetTypeEnum.WorkSheet:
                continue
            rows = wb.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
            cells = [[xlsx._read_cell(v) for v in row] for row in rows]
            scan = scans[k] if k < len(scans) else None
            if scan is not None:
                for r0, r1, c0, c1 in scan.percent:
                    for i in range(r0, min(r1, len(cells))):
                        row = cells[i]
                        for j in range(c0, min(c1, len(row))):
                            v = row[j]
                            if isinstance(v, int | float) and not isinstance(v, bool):
                                row[j] = xlsx.Percent(float(v))
                if scan.formulas:
                    book.formulas[meta.name] = dict(scan.formulas)
            book.sheets[meta.name] = cells
    except (CalamineError, ValueError) as exc:
        raise _unreadable(path, kind, exc) from None
    except BaseException as exc:  # the reader's Rust panics derive from BaseException
        if type(exc).__name__ != "PanicException":
            raise
        raise _unreadable(path, kind, tr("a cell the reader cannot convert: {reason}; e.g. a "
                                         "huge number formatted as a date", reason=exc)) from None
    finally:
        wb.close()
    return book


# ---------------------------------------------------------------- .ods

_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_CELLS = (f"{_TABLE} table-cell", f"{_TABLE} covered-table-cell")


class _OdsScan:
    """``content.xml`` walked with expat as it is decompressed: rows and cells counted with
    their repeats; refused as soon as the non-empty extent passes the limits."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.sheets: list[tuple[str, _Scan]] = []
        self.depth = 0  # nested tables (a table inside a cell) are not sheets
        self.scan: _Scan | None = None
        self.name = ""
        self.row = 0  # 0-based index of the current row
        self.row_rep = 1
        self.row_used = False
        self.col = 0
        self.cell: tuple[int, str | None, str | None] | None = None  # repeat, type, formula
        self.cell_used = False
        p = xml.parsers.expat.ParserCreate(namespace_separator=" ")
        p.StartElementHandler = self.start
        p.EndElementHandler = self.end
        p.CharacterDataHandler = self.text
        p.StartDoctypeDeclHandler = self.doctype
        p.EntityDeclHandler = self.doctype
        self.parser = p

    def doctype(self, *_: Any) -> None:
        raise _unreadable(self.path, "ods", tr("content.xml declares a DTD"))

    @staticmethod
    def _repeat(attrs: dict[str, str], key: str) -> int:
        text = attrs.get(f"{_TABLE} {key}", "1")
        return int(text) if text.isdigit() and int(text) > 0 else 1

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == f"{_TABLE} table":
            self.depth += 1
            if self.depth == 1:
                self.name = attrs.get(f"{_TABLE} name", f"Sheet{len(self.sheets) + 1}")
                self.scan = _Scan()
                self.row = 0
            return
        if self.depth != 1 or self.scan is None:
            return
        if name == f"{_TABLE} table-row":
            self.row_rep = self._repeat(attrs, "number-rows-repeated")
            self.row_used = False
            self.col = 0
        elif name in _CELLS:
            self.cell = (self._repeat(attrs, "number-columns-repeated"),
                         attrs.get(f"{_OFFICE} value-type"), attrs.get(f"{_TABLE} formula"))
            self.cell_used = self.cell[1] is not None
        elif self.cell is not None:  # text:p and the like inside a cell
            self.cell_used = True

    def text(self, data: str) -> None:
        if self.cell is not None and data.strip():
            self.cell_used = True

    def end(self, name: str) -> None:
        if name == f"{_TABLE} table":
            if self.depth == 1 and self.scan is not None:
                self.sheets.append((self.name, self.scan))
                self.scan = None
            self.depth -= 1
            return
        if self.depth != 1 or self.scan is None:
            return
        scan = self.scan
        if name in _CELLS and self.cell is not None:
            rep, kind, formula = self.cell
            if self.cell_used:
                self.row_used = True
                scan.max_col = max(scan.max_col, self.col + rep)
                if kind == "percentage":
                    scan.percent.append((self.row, self.row + self.row_rep, self.col,
                                         self.col + rep))
            if formula is not None and kind is None and len(scan.formulas) < 1000:
                scan.formulas[(self.row, self.col)] = formula.split(":", 1)[-1]
            self.col += rep
            self.cell = None
        elif name == f"{_TABLE} table-row":
            if self.row_used:
                scan.max_row = self.row + self.row_rep
                if (scan.max_row > xlsx.MAX_ROWS
                        or scan.max_row * scan.max_col > xlsx.MAX_CELLS):
                    raise _too_far(self.path, self.name, scan.max_row, scan.max_col)
            self.row += self.row_rep

    def feed(self, chunks: Iterable[bytes]) -> list[tuple[str, _Scan]]:
        try:
            for chunk in chunks:
                self.parser.Parse(chunk, False)
            self.parser.Parse(b"", True)
        except xml.parsers.expat.ExpatError as exc:
            raise _unreadable(self.path, "ods", f"content.xml: {exc}") from None
        return self.sheets


def _read_ods(path: Path) -> xlsx.Workbook:
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise _unreadable(path, "ods", exc) from None
    sheets: list[tuple[str, _Scan]] = []
    with zf:
        infos = zf.infolist()
        xlsx._check_directory(path, infos)
        fp = zf.fp
        assert fp is not None
        for info in infos:
            if info.is_dir():
                continue
            chunks = xlsx._member_chunks(fp, zf, info, path)
            if info.filename == "content.xml":
                sheets = _OdsScan(path).feed(chunks)
            else:
                for _ in chunks:  # verified, not kept
                    pass
    return _calamine(path, "ods", [scan for _, scan in sheets])


# ---------------------------------------------------------------- .xls

_FREE, _END = 0xFFFFFFFF, 0xFFFFFFFE


def _ole_stream(path: Path, data: bytes, names: tuple[str, ...]) -> bytes:
    """The first stream of ``names`` (case-insensitive) of a compound file (the container of
    ``.xls``), following its sector chains with a guard against loops."""

    def bad(why: str) -> InputError:
        return _unreadable(path, "xls", why)

    if len(data) < 512:
        raise bad(tr("truncated"))
    shift, mini_shift = struct.unpack_from("<HH", data, 0x1E)
    if not 7 <= shift <= 16 or not 2 <= mini_shift < shift:
        raise bad(tr("damaged header"))
    size = 1 << shift
    n_fat, first_dir = struct.unpack_from("<II", data, 0x2C)
    cutoff, first_minifat, _n_minifat, first_difat, n_difat = struct.unpack_from(
        "<IIIII", data, 0x38)
    n_sectors = (len(data) + size - 1) // size - 1

    def sector(k: int) -> bytes:
        if k >= n_sectors:
            raise bad(tr("sector {n} beyond the end of the file", n=k))
        return data[(k + 1) * size:(k + 2) * size]

    fat_ids = [x for x in struct.unpack_from("<109I", data, 0x4C) if x != _FREE]
    k, seen = first_difat, 0
    while k not in (_FREE, _END) and seen <= n_difat and seen < n_sectors:
        vals = struct.unpack(f"<{size // 4}I", sector(k))
        fat_ids += [x for x in vals[:-1] if x != _FREE]
        k, seen = vals[-1], seen + 1
    fat_ids = fat_ids[:max(n_fat, 0)]
    fat: list[int] = []
    for k in fat_ids:
        fat.extend(struct.unpack(f"<{size // 4}I", sector(k)))

    def chain(start: int, table: list[int], limit: int) -> list[int]:
        out: list[int] = []
        k = start
        while k not in (_FREE, _END):
            if k >= len(table) or len(out) >= limit:
                raise bad(tr("broken sector chain"))
            out.append(k)
            k = table[k]
        return out

    directory = b"".join(sector(k) for k in chain(first_dir, fat, n_sectors))
    entries: dict[str, tuple[int, int]] = {}
    root: tuple[int, int] | None = None
    for off in range(0, len(directory) - 127, 128):
        e = directory[off:off + 128]
        n_len = min(struct.unpack_from("<H", e, 0x40)[0], 64)
        name = e[:max(n_len - 2, 0)].decode("utf-16-le", "replace")
        kind = e[0x42]
        start, length = struct.unpack_from("<II", e, 0x74)
        if kind == 5:
            root = (start, length)
        elif kind == 2:
            entries.setdefault(name.lower(), (start, length))
    found = next((entries[n.lower()] for n in names if n.lower() in entries), None)
    if found is None:
        raise bad(tr("no Workbook stream: not an Excel workbook"))
    start, length = found
    if length > len(data):
        raise bad(tr("a stream longer than the file"))
    if length >= cutoff:
        body = b"".join(sector(k) for k in chain(start, fat, n_sectors))
        return body[:length]
    if root is None:
        raise bad(tr("no root entry"))
    mini_stream = b"".join(sector(k) for k in chain(root[0], fat, n_sectors))
    minifat: list[int] = []
    for k in chain(first_minifat, fat, n_sectors):
        minifat.extend(struct.unpack(f"<{size // 4}I", sector(k)))
    msize = 1 << mini_shift
    body = b"".join(mini_stream[k * msize:(k + 1) * msize]
                    for k in chain(start, minifat, len(minifat)))
    return body[:length]


_BOF, _EOF, _SHEET, _XF, _FORMAT, _FILEPASS = 0x0809, 0x000A, 0x0085, 0x00E0, 0x041E, 0x002F
_ONE_CELL = {0x0203, 0x027E, 0x00FD, 0x0204, 0x0205, 0x0006, 0x00D6}  # number, rk, sst, ...
_MULRK = 0x00BD


def _biff_scan(path: Path, stream: bytes) -> list[_Scan | None]:
    """The worksheets' extents and percent cells, by walking the BIFF records: refused when
    the cells of all sheets together reach beyond the limits, or when the file is encrypted."""
    formats: dict[int, str] = {9: "0%", 10: "0.00%"}
    xf_formats: list[int] = []
    names: dict[int, tuple[int, str]] = {}  # offset of a sheet's BOF -> its position, name
    scans: list[_Scan | None] = []
    current: _Scan | None = None
    cur_name = ""
    biff8 = True
    percent_xf: set[int] | None = None
    total = 0
    pos, end = 0, len(stream)
    while pos + 4 <= end:
        typ, length = struct.unpack_from("<HH", stream, pos)
        body = stream[pos + 4:pos + 4 + length]
        start = pos
        pos += 4 + length
        if typ == _BOF:
            version, dt = struct.unpack_from("<HH", body + b"\0\0\0\0", 0)
            if start == 0:
                biff8 = version == 0x0600
            if start in names and dt == 0x0010:
                k, cur_name = names[start]
                current = scans[k] = _Scan()
                if percent_xf is None:
                    percent_xf = {i for i, f in enumerate(xf_formats)
                                  if xlsx._is_percent_code(formats.get(f, ""))}
            else:
                current = None
            continue
        if typ == _EOF:
            if current is not None:
                total += current.max_row * current.max_col
                if total > xlsx.MAX_CELLS:
                    raise _too_far(path, cur_name, current.max_row, current.max_col)
            current = None
            continue
        if current is None:  # the workbook globals
            if typ == _FILEPASS:
                raise InputError(Issue(_loc(path), tr("the workbook is encrypted: save it "
                                                      "without a password")))
            if typ == _SHEET and len(body) >= 6:
                offset = struct.unpack_from("<I", body, 0)[0]
                names[offset] = (len(scans), _biff_text(body[6:], biff8, short=True))
                scans.append(None)
            elif typ == _XF and len(body) >= 4:
                xf_formats.append(struct.unpack_from("<H", body, 2)[0])
            elif typ == _FORMAT and len(body) >= 3:
                fid = struct.unpack_from("<H", body, 0)[0]
                formats[fid] = _biff_text(body[2:], biff8, short=False)
            continue
        if typ in _ONE_CELL and len(body) >= 6:
            row, col, ixf = struct.unpack_from("<HHH", body, 0)
            c0, c1, xfs = col, col + 1, [ixf]
        elif typ == _MULRK and len(body) >= 6:
            row, c0 = struct.unpack_from("<HH", body, 0)
            c1 = struct.unpack_from("<H", body, len(body) - 2)[0] + 1
            xfs = [struct.unpack_from("<H", body, 4 + 6 * k)[0]
                   for k in range(max(0, (len(body) - 6) // 6))]
        else:
            continue
        current.max_row = max(current.max_row, row + 1)
        current.max_col = max(current.max_col, c1)
        if current.max_row * current.max_col + total > xlsx.MAX_CELLS:
            raise _too_far(path, cur_name, current.max_row, current.max_col)
        if percent_xf:
            for k, ixf in enumerate(xfs):
                if ixf in percent_xf:
                    current.percent.append((row, row + 1, c0 + k, c0 + k + 1))
    return scans


def _biff_text(raw: bytes, biff8: bool, *, short: bool) -> str:
    """A BIFF string: in BIFF8 a length (1 byte for sheet names, else 2), flags and the
    characters (1 byte each, or UTF-16); in BIFF5 a length and bytes."""
    try:
        if not biff8:
            n = raw[0]
            return raw[1:1 + n].decode("latin-1")
        if short:
            n, flags, rest = raw[0], raw[1], raw[2:]
        else:
            n, flags = struct.unpack_from("<HB", raw, 0)
            rest = raw[3:]
        if flags & 0x01:
            return rest[:2 * n].decode("utf-16-le", "replace")
        return rest[:n].decode("latin-1")
    except (IndexError, struct.error):
        return ""


def _read_xls(path: Path) -> xlsx.Workbook:
    try:
        size = path.stat().st_size
        if size > MAX_XLS_MB * _MB:
            raise xlsx.too_large(path, tr("more than {mb} MB", mb=MAX_XLS_MB))
        data = path.read_bytes()
    except OSError as exc:
        raise _unreadable(path, "xls", exc) from None
    try:
        stream = _ole_stream(path, data, ("Workbook", "Book"))
    except struct.error as exc:
        raise _unreadable(path, "xls", exc) from None
    del data
    scans = _biff_scan(path, stream)
    del stream
    return _calamine(path, "xls", scans)
