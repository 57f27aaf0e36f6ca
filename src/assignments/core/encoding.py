"""Reading CSV files as Excel and WPS save them: the encoding and the delimiter found.

Encodings, tried in this order, each over the whole file before a row is read (a file is
decoded with one encoding, never a mixture):

1. UTF-16 when the file starts with its byte-order mark (Excel's "Unicode text");
2. UTF-8, with or without the byte-order mark (Excel's "CSV UTF-8", most programs);
3. GB18030, which contains GBK and GB2312 (Excel's and WPS's "CSV" on Chinese Windows).

A file that none of them decodes gets a located message (the line of the first byte UTF-8
cannot read), never a ``UnicodeDecodeError``.

The delimiter is the one of ``,`` ``;`` and tab that occurs most often (outside quotes) in the
header line — the first non-empty line; ``,`` when none occurs. (Excel writes ``;`` where the
decimal separator is a comma, and "Unicode text" is tab-delimited.)

Rows are read one at a time (bounded memory); a file with more than
:data:`assignments.core.xlsx.MAX_ROWS` rows or :data:`assignments.core.xlsx.MAX_CELLS` cells
is refused.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from pathlib import Path

from assignments.core import xlsx
from assignments.core.errors import InputError, Issue, Location, os_reason
from assignments.core.i18n import tr

__all__ = ["DELIMITERS", "ENCODINGS", "CsvFile", "open_csv"]

#: Encodings tried, in order, when the file has no UTF-16 byte-order mark.
ENCODINGS = ("utf-8-sig", "gb18030")
#: Delimiters recognised in the header line.
DELIMITERS = (",", ";", "\t")

_CHUNK = 1 << 20


class CsvFile:
    """A CSV file with its encoding and delimiter found; iterate for its rows (lists of str).

    Attributes
    ----------
    path, encoding, delimiter
        As found; ``encoding`` is one of ``utf-16``, ``utf-8-sig``, ``gb18030``.
    """

    def __init__(self, path: Path, encoding: str, delimiter: str) -> None:
        self.path = path
        self.encoding = encoding
        self.delimiter = delimiter

    def __iter__(self) -> Iterator[list[str]]:
        loc = Location(str(self.path.parent), self.path.name)
        cells = 0
        line = 0
        reader = None
        try:
            with self.path.open(encoding=self.encoding, newline="", errors="strict") as fh:
                reader = csv.reader(fh, delimiter=self.delimiter)
                for line, row in enumerate(reader, start=1):
                    cells += len(row)
                    if line > xlsx.MAX_ROWS or cells > xlsx.MAX_CELLS:
                        raise xlsx.too_large(
                            self.path, tr("more than {rows:,} rows or {cells:,} cells",
                                          rows=xlsx.MAX_ROWS, cells=xlsx.MAX_CELLS))
                    yield row
        except csv.Error as exc:
            at = (reader.line_num if reader else 0) or line + 1
            raise InputError(Issue(Location(loc.file, loc.sheet, at),
                                   tr("cannot be read as CSV: {reason}", reason=exc))) from None
        except UnicodeDecodeError as exc:  # changed on disk since the encoding was checked
            raise InputError(Issue(loc, tr("cannot be decoded as {encoding}: {reason}",
                                           encoding=self.encoding, reason=exc))) from None
        except OSError as exc:
            raise InputError(Issue(loc, tr("cannot be read: {reason}",
                                           reason=os_reason(exc)))) from None


def _decodes(path: Path, encoding: str) -> tuple[bool, int]:
    """Whether the whole file decodes strictly; else the 1-based line of the first bad byte."""
    dec = codecs.getincrementaldecoder(encoding)(errors="strict")
    lines = 1
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            try:
                dec.decode(chunk)
            except UnicodeDecodeError as exc:
                return False, lines + chunk[: exc.start].count(b"\n")
            lines += chunk.count(b"\n")
        try:
            dec.decode(b"", final=True)
        except UnicodeDecodeError:
            return False, lines
    return True, 0


def _delimiter(path: Path, encoding: str) -> str:
    """The delimiter counted in the header (first non-empty) line."""
    with path.open(encoding=encoding, newline="") as fh:
        for _ in range(1000):
            line = fh.readline(1 << 16)
            if not line:
                break
            if line.strip():
                outside, quoted = [], False
                for ch in line:
                    if ch == '"':
                        quoted = not quoted
                    elif not quoted:
                        outside.append(ch)
                text = "".join(outside)
                best = max(DELIMITERS, key=text.count)
                return best if text.count(best) else ","
    return ","


def open_csv(path: Path) -> CsvFile:
    """Find the encoding and delimiter of a CSV file.

    Raises
    ------
    InputError
        When no encoding of :data:`ENCODINGS` decodes the file (located by line).
    """
    loc_file, sheet = str(path.parent), path.name
    try:
        with path.open("rb") as fh:
            head = fh.read(4)
        encodings: tuple[str, ...] = (
            ("utf-16",) if head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) else ENCODINGS)
        first_bad = 0
        for enc in encodings:
            ok, bad_line = _decodes(path, enc)
            if ok:
                return CsvFile(path, enc, _delimiter(path, enc))
            first_bad = first_bad or bad_line
    except OSError as exc:
        raise InputError(Issue(Location(loc_file, sheet),
                               tr("cannot be read: {reason}", reason=os_reason(exc)))) from None
    raise InputError(Issue(
        Location(loc_file, sheet, first_bad),
        tr("cannot be decoded as UTF-8 or GB18030/GBK text: save it from Excel or WPS as "
           "\"CSV UTF-8\" or as CSV")))

