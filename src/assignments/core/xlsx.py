"""Reading ``.xlsx`` workbooks safely: size limits checked before anything is expanded, cell
values as Excel shows them (percent-formatted numbers) and formulas without a computed value
found.

The cells are read by python-calamine (Rust; its XML parser expands no entities). Before it
runs, the archive is inspected with :mod:`zipfile` and every member is decompressed once in
bounded chunks, so that a "zip bomb" is refused before anything large is held in memory:

- the central directory: at most :data:`MAX_MEMBERS` members, at most
  :data:`MAX_UNCOMPRESSED_MB` megabytes in total once expanded, no member larger than
  :data:`RATIO_FLOOR_MB` expanding more than :data:`MAX_RATIO` times;
- the members themselves (the directory can lie): decompressed in chunks of
  :data:`CHUNK` bytes and refused as soon as one yields more than it declares;
- the worksheets: the cell references are scanned during the same pass; calamine fills the
  rectangle from A1 to the last cell, so a sheet reaching beyond :data:`MAX_ROWS` rows or
  :data:`MAX_CELLS` cells (rows × columns) is refused before it is read.

Shipped workbooks expand to at most 2 MB and 12 times; real ones of this project stay far
below the limits. The limits are module constants: change them here (or monkeypatch them) to
read larger files.
"""

from __future__ import annotations

import html
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from assignments.core.errors import InputError, Issue, Location
from assignments.core.i18n import tr

__all__ = [
    "CHUNK",
    "MAX_CELLS",
    "MAX_MEMBERS",
    "MAX_RATIO",
    "MAX_ROWS",
    "MAX_UNCOMPRESSED_MB",
    "RATIO_FLOOR_MB",
    "Percent",
    "Workbook",
    "read_workbook",
]

#: Largest total size of the archive's members once expanded, in megabytes.
MAX_UNCOMPRESSED_MB = 512
#: Largest expansion ratio (expanded / compressed) of a member larger than RATIO_FLOOR_MB.
MAX_RATIO = 100
#: Members expanding to less than this many megabytes may have any ratio.
RATIO_FLOOR_MB = 1
#: Largest number of members of the archive.
MAX_MEMBERS = 10_000
#: Largest number of rows of one sheet, also of one CSV file (Excel's own limit is 1,048,576;
#: with MAX_CELLS it keeps the largest accepted CSV folder under 1 GB to validate:
#: scripts/bench_io.py, README "Input limits").
MAX_ROWS = 500_000
#: Largest number of cells (rows × columns from A1) of one sheet, also of one CSV file.
MAX_CELLS = 6_000_000
#: Bytes decompressed at a time.
CHUNK = 1 << 20

_MB = 1 << 20


class Percent(str):
    """A number formatted as a percentage in Excel (typed ``25%``, stored as 0.25).

    A ``str`` (``"25%"``), as typed, so that the percentage columns' parsers, which accept
    ``"25%"``, read 25 and other numeric columns refuse it with a located message instead of
    silently reading 0.25. The stored number is kept in :attr:`fraction`.
    """

    fraction: float

    def __new__(cls, fraction: float) -> Percent:
        shown = round(fraction * 100, 9)
        text = f"{int(shown)}%" if shown == int(shown) else f"{shown!r}%"
        obj = super().__new__(cls, text)
        obj.fraction = fraction
        return obj


@dataclass
class Workbook:
    """The cells of a workbook's worksheets, from A1, by rows, and what needs a message.

    Attributes
    ----------
    sheets
        Rows of cells by sheet name, in the workbook's order (cached values of formulas;
        percent-formatted numbers as :class:`Percent`).
    formulas
        By sheet name: ``{(row, column): formula}`` (0-based) of the formula cells that hold
        no computed value (workbooks written by scripts): their cells read as empty.
    """

    sheets: dict[str, list[list[Any]]] = field(default_factory=dict)
    formulas: dict[str, dict[tuple[int, int], str]] = field(default_factory=dict)


def too_large(path: Path | str, what: str) -> InputError:
    """The located refusal of an oversized input (Chinese and English)."""
    return InputError(Issue(Location(str(path)), tr("the file is too large or damaged: {what}",
                                                    what=what)))


def _unreadable(path: Path, exc: object) -> InputError:
    return InputError(Issue(Location(str(path)), tr("not a readable Excel .xlsx workbook "
                                                    "({reason})", reason=exc)))


# ---------------------------------------------------------------- the archive


def _check_directory(path: Path, infos: list[zipfile.ZipInfo]) -> None:
    """Refuse by the central directory alone: member count, total size, ratios."""
    if len(infos) > MAX_MEMBERS:
        raise too_large(path, tr("{n:,} members in the archive, more than {limit:,}",
                                 n=len(infos), limit=MAX_MEMBERS))
    total = sum(i.file_size for i in infos)
    if total > MAX_UNCOMPRESSED_MB * _MB:
        raise too_large(path, tr("expands to more than {limit} MB ({mb:,.0f} MB)",
                                 limit=MAX_UNCOMPRESSED_MB, mb=total / _MB))
    for i in infos:
        if i.flag_bits & 0x1:
            raise InputError(Issue(Location(str(path)),
                                   tr("the workbook is encrypted (member {member}): save it "
                                      "without a password", member=i.filename)))
        ratio = i.file_size / max(i.compress_size, 1)
        if i.file_size > RATIO_FLOOR_MB * _MB and ratio > MAX_RATIO:
            raise too_large(path, tr("member {member} expands {ratio:,.0f} times, more than "
                                     "{limit}", member=i.filename, ratio=ratio, limit=MAX_RATIO))


def _member_chunks(fp: IO[bytes], zf: zipfile.ZipFile, info: zipfile.ZipInfo,
                   path: Path) -> Iterator[bytes]:
    """The member's bytes in chunks, decompressed from its raw data (not trusting the declared
    size): refused as soon as it yields more than it declares."""
    declared = info.file_size
    produced = 0

    def count(data: bytes) -> bytes:
        nonlocal produced
        produced += len(data)
        if produced > declared:
            raise too_large(path, tr("member {member} expands beyond the {n:,} bytes it "
                                     "declares (the archive is damaged or crafted)",
                                     member=info.filename, n=declared))
        return data

    if info.compress_type == zipfile.ZIP_DEFLATED:
        fp.seek(info.header_offset)
        head = fp.read(30)
        if len(head) < 30 or head[:4] != b"PK\x03\x04":
            raise _unreadable(path, tr("bad local header of {member}", member=info.filename))
        n, e = struct.unpack("<HH", head[26:30])
        fp.seek(info.header_offset + 30 + n + e)
        left = info.compress_size
        d = zlib.decompressobj(-15)
        try:
            while left > 0:
                raw = fp.read(min(CHUNK, left))
                if not raw:
                    raise _unreadable(path, tr("member {member} is truncated",
                                               member=info.filename))
                left -= len(raw)
                data = d.decompress(raw, CHUNK)
                yield count(data)
                while d.unconsumed_tail:
                    yield count(d.decompress(d.unconsumed_tail, CHUNK))
            yield count(d.flush())
        except zlib.error as exc:
            raise _unreadable(path, f"member {info.filename}: {exc}") from None
        if produced != declared:
            raise _unreadable(path, tr("member {member} is damaged (size mismatch)",
                                       member=info.filename))
        return
    # stored (and any other method zipfile can read): zipfile stops at the declared size
    try:
        with zf.open(info) as fh:
            while chunk := fh.read(CHUNK):
                yield count(chunk)
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError,
            zlib.error) as exc:
        raise _unreadable(path, f"member {info.filename}: {exc}") from None


# ---------------------------------------------------------------- workbook parts

_SHEET = re.compile(rb"<(?:\w+:)?sheet\b([^>]*)>")
_ATTR = re.compile(rb'([\w:]+)\s*=\s*(?:"([^"]*)"|\'([^\']*)\')')
_REL = re.compile(rb"<(?:\w+:)?Relationship\b([^>]*)>")
_XF_BLOCK = re.compile(rb"<(?:\w+:)?cellXfs\b.*?</(?:\w+:)?cellXfs>", re.S)
_XF = re.compile(rb"<(?:\w+:)?xf\b([^>]*)>")
_NUMFMT = re.compile(rb"<(?:\w+:)?numFmt\b([^>]*)>")


def _attrs(text: bytes) -> dict[str, str]:
    out = {}
    for m in _ATTR.finditer(text):
        name = m.group(1).decode("utf-8", "replace").split(":")[-1]
        value = m.group(2) if m.group(2) is not None else m.group(3)
        out[name] = html.unescape(value.decode("utf-8", "replace"))
    return out


def _is_percent_code(code: str) -> bool:
    """Whether an Excel number format shows a percentage (``0%``, ``0.0%``; not ``"%"`` text)."""
    code = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", code)
    return "%" in code.split(";")[0]


def _percent_styles(styles: bytes) -> set[int]:
    """Indices of the cell formats (``s`` attribute of cells) that show percentages."""
    codes = {9: "0%", 10: "0.00%"}
    for m in _NUMFMT.finditer(styles):
        a = _attrs(m.group(1))
        if a.get("numFmtId", "").isdigit():
            codes[int(a["numFmtId"])] = a.get("formatCode", "")
    block = _XF_BLOCK.search(styles)
    if block is None:
        return set()
    out = set()
    for k, m in enumerate(_XF.finditer(block.group(0))):
        fid = _attrs(m.group(1)).get("numFmtId", "0")
        if fid.isdigit() and _is_percent_code(codes.get(int(fid), "")):
            out.add(k)
    return out


def _sheet_parts(parts: dict[str, bytes]) -> dict[str, str]:
    """Worksheet name -> its member in the archive, from workbook.xml and its relations."""
    wb = parts.get("xl/workbook.xml", b"")
    rels = {}
    for m in _REL.finditer(parts.get("xl/_rels/workbook.xml.rels", b"")):
        a = _attrs(m.group(1))
        target = a.get("Target", "")
        target = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        rels[a.get("Id", "")] = re.sub(r"[^/]+/\.\./", "", target)
    out = {}
    for m in _SHEET.finditer(wb):
        a = _attrs(m.group(1))
        if "name" in a and a.get("id") in rels:
            out[a["name"]] = rels[a["id"]]
    return out


# ---------------------------------------------------------------- worksheet scan

_REF = re.compile(rb'\sr="([A-Z]{1,3})([0-9]{1,9})"')
_CELL_START = re.compile(rb"<(?:\w+:)?c[\s>/]")
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")
_TOKEN = re.compile(rb"<(?:\w+:)?(row|c)(?=[\s>/])([^>]*?)(/?)>")
_CELL_END = re.compile(rb"</(?:\w+:)?c>")
_F = re.compile(rb"<(?:\w+:)?f\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?f>)", re.S)
_V = re.compile(rb"<(?:\w+:)?v\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?v>)", re.S)
_ROW_END = re.compile(rb"</(?:\w+:)?row>")


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _split_ref(ref: str) -> tuple[int, int] | None:
    m = re.fullmatch(r"([A-Z]{1,3})([0-9]{1,9})", ref)
    if m is None:
        return None
    return int(m.group(2)) - 1, _col_number(m.group(1).encode()) - 1


@dataclass
class _SheetScan:
    max_row: int = 0  # 1-based, 0 when empty
    max_col: int = 0
    percent: set[tuple[int, int]] = field(default_factory=set)
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)


def _cut(buf: bytes) -> int:
    """Where the buffer can be cut without splitting a cell: after its last ``</row>`` or
    ``</c>`` (0 when there is none)."""
    tail = max(0, len(buf) - 65536)
    last = 0
    for rx in (_ROW_END, _CELL_END):
        for m in rx.finditer(buf, tail):
            last = max(last, m.end())
    if last == 0 and tail:
        for rx in (_ROW_END, _CELL_END):
            for m in rx.finditer(buf):
                last = max(last, m.end())
    return last


class _Walker:
    """Cell positions in document order, for sheets whose cells (or rows) omit ``r``."""

    def __init__(self) -> None:
        self.row = -1
        self.col = -1

    def walk(self, buf: bytes, scan: _SheetScan, percent: set[int]) -> None:
        for m in _TOKEN.finditer(buf):
            a = _attrs(m.group(2))
            if m.group(1) == b"row":
                r = a.get("r", "")
                self.row = int(r) - 1 if r.isdigit() else self.row + 1
                self.col = -1
                continue
            at = _split_ref(a.get("r", ""))
            if at is None:
                self.col += 1
                at = (max(self.row, 0), self.col)
            self.row, self.col = max(self.row, at[0]), at[1]
            scan.max_row = max(scan.max_row, at[0] + 1)
            scan.max_col = max(scan.max_col, at[1] + 1)
            s = a.get("s", "")
            if s.isdigit() and int(s) in percent:
                scan.percent.add(at)
            if m.group(3):  # <c .../>: no formula, no value
                continue
            end = _CELL_END.search(buf, m.end())
            if end is None:
                continue
            _formula(buf[m.end():end.start()], a, at, scan)


def _formula(inner: bytes, a: dict[str, str], at: tuple[int, int], scan: _SheetScan) -> None:
    f = _F.search(inner)
    if f is None:
        return
    v = _V.search(inner)
    cached = v is not None and (bool(v.group(1)) or a.get("t") in ("str", "s", "inlineStr"))
    if not cached:
        text = html.unescape((f.group(1) or b"").decode("utf-8", "replace"))
        scan.formulas[at] = "=" + text if text else "(shared formula)"


def _cell_count(buf: bytes) -> int:
    """Cell start tags in ``buf``: plain counts of ``<c `` / ``<c>`` / ``<c/`` (fast), the regex
    only where a namespace prefix (``<x:c ...>``) may occur."""
    if b":c" in buf:
        return len(_CELL_START.findall(buf))
    return buf.count(b"<c ") + buf.count(b"<c>") + buf.count(b"<c/") + buf.count(b"<c\t") \
        + buf.count(b"<c\n") + buf.count(b"<c\r")


def _last_token(buf: bytes, tail: int = 8192) -> list[tuple[bytes, bytes, bytes]]:
    """The last ``<row>`` or ``<c>`` tag of ``buf`` (as a one-item list of ``_TOKEN`` groups):
    searched in the buffer's tail first (a chunk ends at a tag boundary, so the tail's last
    complete tag is the buffer's), the whole buffer only when the tail holds none."""
    found = _TOKEN.findall(buf[-tail:]) if len(buf) > tail else []
    if not found:
        found = _TOKEN.findall(buf)
    return found[-1:]


def _scan_sheet(chunks: Iterator[bytes], percent: set[int]) -> _SheetScan:
    """One pass over a worksheet's XML: extent of the cells, percent-styled cells, formulas
    without a cached value. Cell-by-cell work only where needed (formulas, percent styles,
    cells without ``r``); the extent otherwise comes from the references alone."""
    scan = _SheetScan()
    walker = _Walker()
    pct_attr = (re.compile(rb'\ss="(?:' + b"|".join(str(k).encode() for k in sorted(percent))
                           + rb')"') if percent else None)
    carry = b""
    for chunk in [*chunks, None]:
        if chunk is None:
            buf, carry = carry, b""
        else:
            buf = carry + chunk
            at = _cut(buf)
            buf, carry = buf[:at], buf[at:]
        if not buf:
            continue
        refs = _REF.findall(buf)
        walk = (len(refs) != _cell_count(buf) or _FORMULA_TAG.search(buf) is not None
                or (pct_attr is not None and pct_attr.search(buf) is not None))
        if walk:
            walker.walk(buf, scan, percent)
            continue
        if refs:
            scan.max_row = max(scan.max_row, max(int(r) for r in {r for _, r in refs}))
            scan.max_col = max(scan.max_col,
                               max(_col_number(c) for c in {c for c, _ in refs}))
        last = _last_token(buf)  # keep the walker's position for later chunks
        for kind, attrs, _ in last:
            a = _attrs(attrs)
            if kind == b"row" and a.get("r", "").isdigit():
                walker.row, walker.col = int(a["r"]) - 1, -1
            elif kind == b"c" and (at2 := _split_ref(a.get("r", ""))) is not None:
                walker.row, walker.col = at2
    return scan


# ---------------------------------------------------------------- reading


def _read_cell(value: Any) -> Any:
    """A cell as openpyxl gives it (what the parsers were written against): empty cells are
    ``None``, whole numbers ``int``, dates ``datetime`` at midnight."""
    import datetime as dt

    if isinstance(value, str):
        return value if value != "" else None
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)
    return value


def _inspect(path: Path) -> tuple[dict[str, str], dict[str, _SheetScan]]:
    """Check the archive and scan its worksheets; sheet name -> member, member -> scan."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise _unreadable(path, exc) from None
    with zf:
        infos = zf.infolist()
        _check_directory(path, infos)
        small = {}
        small_names = ("xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml")
        by_name = {i.filename: i for i in infos}
        fp = zf.fp
        assert fp is not None
        for name in small_names:
            if name in by_name:
                small[name] = b"".join(_member_chunks(fp, zf, by_name[name], path))
        parts = _sheet_parts(small)
        percent = _percent_styles(small.get("xl/styles.xml", b""))
        sheet_members = set(parts.values())
        scans: dict[str, _SheetScan] = {}
        for info in infos:
            if info.filename in small_names or info.is_dir():
                continue
            chunks = _member_chunks(fp, zf, info, path)
            if info.filename in sheet_members:
                scans[info.filename] = _scan_sheet(chunks, percent)
            else:
                for _ in chunks:  # verified, not kept
                    pass
    for name, member in parts.items():
        scan = scans.get(member)
        if scan is None:
            continue
        if scan.max_row > MAX_ROWS or scan.max_row * scan.max_col > MAX_CELLS:
            raise too_large(path, tr(
                "sheet {sheet} reaches row {row:,} and column {col:,} ({cells:,} cells), more "
                "than the {rows:,} rows or {max_cells:,} cells read per sheet", sheet=name,
                row=scan.max_row, col=scan.max_col, cells=scan.max_row * scan.max_col,
                rows=MAX_ROWS, max_cells=MAX_CELLS))
    return parts, scans


def open_calamine(path: Path, suffixes: tuple[str, ...]) -> Any:
    """calamine's workbook: opened by name when the suffix is one of ``suffixes``, else by
    content (a workbook saved under another kind's name: the file is held in memory once,
    within the limits already checked)."""
    from python_calamine import CalamineWorkbook

    if path.suffix.lower() in suffixes:
        return CalamineWorkbook.from_path(str(path))
    with path.open("rb") as fh:
        return CalamineWorkbook.from_filelike(fh)


def read_workbook(path: Path) -> Workbook:
    """Every worksheet's cells (cached values of formulas), from A1, by rows.

    Read with python-calamine (Rust; about 15 times faster than openpyxl's reader on the 5,000-
    mentee city workbook, 0.3 s against 5.4 s; its XML parser expands no entities, so XML bombs
    and external entities do not apply) after the archive has passed the size limits of this
    module; cells normalised to openpyxl's types, percent-formatted numbers as
    :class:`Percent`.

    Raises
    ------
    InputError
        The file is empty, not a workbook, encrypted, or larger than the limits (located).
    """
    from python_calamine import CalamineError, SheetTypeEnum

    try:
        size = path.stat().st_size
    except OSError as exc:
        raise _unreadable(path, exc) from None
    if size == 0:
        raise InputError(Issue(Location(str(path)), tr("the file is empty (0 bytes)")))
    parts, scans = _inspect(path)
    book = Workbook()
    try:
        wb = open_calamine(path, (".xlsx", ".xlsm"))
    except (CalamineError, OSError, ValueError) as exc:
        raise _unreadable(path, exc) from None
    try:
        for meta in wb.sheets_metadata:
            if meta.typ != SheetTypeEnum.WorkSheet:  # chart sheets hold no table
                continue
            scan = scans.get(parts.get(meta.name, ""), _SheetScan())
            rows = wb.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
            cells = [[_read_cell(v) for v in row] for row in rows]
            for i, j in scan.percent:
                if i < len(cells) and j < len(cells[i]):
                    v = cells[i][j]
                    if isinstance(v, int | float) and not isinstance(v, bool):
                        cells[i][j] = Percent(float(v))
            book.sheets[meta.name] = cells
            if scan.formulas:
                book.formulas[meta.name] = dict(scan.formulas)
    except (CalamineError, ValueError) as exc:
        raise _unreadable(path, exc) from None
    except BaseException as exc:  # the reader's Rust panics derive from BaseException
        if type(exc).__name__ != "PanicException":
            raise
        raise _unreadable(path, tr("a cell the reader cannot convert: {reason}; e.g. a huge "
                                   "number formatted as a date", reason=exc)) from None
    finally:
        wb.close()
    return book
