"""Tables in and out, chosen by file suffix.

Inputs: a workbook (``.xlsx``; old Excel ``.xls``, OpenDocument ``.ods`` and WPS ``.et``
through :mod:`assignments.core.workbooks`), a folder of ``.csv`` files (one per sheet), a ``.json``
or ``.yaml`` file holding ``{sheet: [ {column: value}, ... ]}``. Sheet and column names are
accepted in Chinese or English (see each model's ``SheetSpec`` list). Every cell keeps its
location so that validation messages can name file, sheet, row and column.

Hostile files are refused with a located message before they cost much: workbooks larger
than the limits of :mod:`assignments.core.xlsx` (zip bombs, sheets reaching row 500,001),
CSV files beyond its row and cell limits; CSV files are read one row at a time in UTF-8 or
GB18030/GBK with their delimiter found (:mod:`assignments.core.encoding`). Numbers formatted as
percentages in Excel are read as the percentage shown (``"25%"``); a formula cell without a
computed value is refused with its location.

Outputs (:mod:`assignments.core.output`, re-exported here) are written into a staging folder
and swapped in whole, so that an output folder is always the complete old result or the
complete new one.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assignments.core import workbooks, xlsx
from assignments.core.encoding import open_csv
from assignments.core.errors import InputError, Issue, Location, os_reason
from assignments.core.i18n import tr
from assignments.core.output import check_output_dir as check_output_dir
from assignments.core.output import output_lock as output_lock
from assignments.core.output import staged_output as staged_output
from assignments.core.output import write_csv_folder as write_csv_folder
from assignments.core.output import write_excel as write_excel
from assignments.core.output import write_input_workbook as write_input_workbook
from assignments.core.output import write_json as write_json
from assignments.core.xlsx import Percent as Percent
from assignments.core.xlsx import _read_cell as _read_cell

__all__ = [
    "ColumnSpec",
    "LazyRows",
    "Percent",
    "Row",
    "SheetSpec",
    "Table",
    "check_output_dir",
    "load_data",
    "normalize_header",
    "output_lock",
    "read_frames",
    "read_tables",
    "read_text",
    "staged_output",
    "write_csv_folder",
    "write_excel",
    "write_input_workbook",
    "write_json",
]

SUPPORTED = (".xlsx", ".xlsm", ".xls", ".et", ".ods", ".json", ".yaml", ".yml", "folder of .csv")


@dataclass(frozen=True)
class ColumnSpec:
    """A column of an input sheet.

    Attributes
    ----------
    key
        The name used in code (and in JSON/YAML files).
    zh, en
        The Chinese and English header; both are accepted, with or without the other in
        brackets (``"科室 (department)"``).
    required
        Whether the column must be present.
    note
        One line for the template and the README's format reference.
    example
        The example value in the template's example row.
    aliases
        Further accepted headers.
    choices
        The template's drop-down list: the values (a tuple; written to the hidden 选项 sheet),
        or ``"sheet.column"`` (sheet and column keys): the values of another sheet's column
        (``"departments.name"``: the names of the 科室 sheet, rows the user adds included).
    open_choices
        Other values are accepted too (a title of the 职称对照 sheet, a department id): the
        drop-down then warns instead of refusing.
    """

    key: str
    zh: str
    en: str
    required: bool = True
    note: str = ""
    example: Any = None
    aliases: tuple[str, ...] = ()
    choices: tuple[str, ...] | str | None = None
    open_choices: bool = False

    @property
    def header(self) -> str:
        """Header as written by templates and outputs."""
        return f"{self.zh} ({self.en})"

    def accepts(self) -> set[str]:
        """Normalised headers that map to this column."""
        names = {self.key, self.zh, self.en, self.header, *self.aliases}
        return {normalize_header(n) for n in names}


@dataclass(frozen=True)
class SheetSpec:
    """An input sheet: its names and columns."""

    key: str
    zh: str
    en: str
    columns: tuple[ColumnSpec, ...]
    required: bool = True
    note: str = ""
    aliases: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        """Sheet name as written by templates."""
        return self.zh

    def label(self) -> str:
        """``科室 (departments)`` for messages."""
        return f"{self.zh} ({self.en})"

    def accepts(self) -> set[str]:
        """Normalised sheet names that map to this sheet."""
        return {normalize_header(n) for n in (self.key, self.zh, self.en, *self.aliases)}


@dataclass(slots=True)
class Row:
    """One data row: values by column key, and where it came from."""

    number: int
    values: dict[str, Any]


@dataclass
class Table:
    """One sheet read from a file, with column letters for messages."""

    spec: SheetSpec
    file: str
    sheet: str
    columns: dict[str, str] = field(default_factory=dict)  # key -> "C (科室)"
    rows: list[Row] | LazyRows = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    header_row: int = 1  # the row of the header (rows above it were empty)
    units: dict[str, str] = field(default_factory=dict)  # key -> money unit in its header

    def loc(self, row: Row | int | None = None, key: str | None = None, record: str | None = None):
        """Location of a row (and column) of this table."""
        number = row.number if isinstance(row, Row) else row
        column = None
        if key is not None:
            column = self.columns.get(key)
            if column is None:
                spec = next((c for c in self.spec.columns if c.key == key), None)
                column = spec.header if spec else key
        return Location(self.file, self.sheet, number, column, record)


class LazyRows:
    """The data rows of a CSV sheet, read from the file each time they are iterated.

    A CSV folder's rows are not held in memory: :func:`~assignments.core.schema.parse_table`
    reads them once, validating each row as it comes (a 1,000,000-row sheet would take about
    400 bytes a row as :class:`Row` objects). :func:`read_tables` has read the file once before
    (holding nothing), so a file past the row and cell limits is refused before any record is
    built. ``bool()`` reads up to the first data row; ``len()`` reads the whole file once.
    """

    def __init__(self, raw: Iterable[list[Any]], skip: int, cols: list[tuple[int, str]]) -> None:
        self._raw = raw
        self._skip = skip  # rows before the first data row (the header and any above it)
        self._cols = cols
        self._len: int | None = None

    def __iter__(self) -> Iterator[Row]:
        rows = iter(self._raw)
        for _ in range(self._skip):
            if next(rows, None) is None:
                return iter(())
        return _data_rows(rows, self._skip + 1, self._cols)

    def __bool__(self) -> bool:
        return next(iter(self), None) is not None

    def __len__(self) -> int:
        if self._len is None:
            self._len = sum(1 for _ in self)
        return self._len


def _data_rows(rows: Iterator[list[Any]], first: int, cols: list[tuple[int, str]]
               ) -> Iterator[Row]:
    """``rows`` as :class:`Row` (values by column key; empty rows left out), numbered from
    ``first`` (1-based, as the file shows them)."""
    clean = _cleaner()
    width = cols[-1][0] + 1 if cols else 0
    for i, r in enumerate(rows, start=first):
        if len(r) < width:
            values = {key: clean(r[j]) for j, key in cols if j < len(r)}
        else:
            values = {key: clean(r[j]) for j, key in cols}
        if all(v is None for v in values.values()):
            continue
        yield Row(number=i, values=values)


def normalize_header(name: object) -> str:
    """Normalise a header or sheet name: NFKC, lower case, no spaces, dashes or underscores."""
    text = unicodedata.normalize("NFKC", str(name)).strip().lower()
    return re.sub(r"[\s_\-./]+", "", text)


def _header_candidates(header: str) -> list[str]:
    """A header and its parts: ``"科室 (department)"`` -> whole, ``科室``, ``department``."""
    text = unicodedata.normalize("NFKC", header)
    out = [normalize_header(text)]
    parts = re.split(r"[()（）\[\]/|]", text)
    out += [normalize_header(p) for p in parts if p.strip()]
    return out


_MONEY_UNIT = re.compile(r"^(元|百元|千元|万元|十万元|百万元|亿元|yuan)$")


def header_unit(header: str) -> str | None:
    """The money unit a header names in brackets: ``金额(万元)``, ``总投资（元）`` -> ``万元``,
    ``元``; ``None`` when it names none."""
    text = unicodedata.normalize("NFKC", header)
    for part in re.findall(r"[(\[]([^()\[\]]*)[)\]]", text):
        unit = re.sub(r"\s+", "", part).lower()
        if _MONEY_UNIT.match(unit):
            return unit
    return None


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date()
        return value
    if isinstance(value, float) and value != value:  # NaN
        return None
    return value


# ---------------------------------------------------------------- reading raw sheets


@dataclass
class _Raw:
    """One sheet as read: its rows (read lazily for CSV), formula cells without a value,
    and a hint for the messages about missing columns."""

    rows: Iterable[list[Any]]
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)


def _raw_sheets(path: Path) -> dict[str, _Raw]:
    """Every sheet of the file (rows from A1, header first)."""
    suffix = path.suffix.lower()
    if path.is_dir():
        try:
            files = sorted(f for f in path.glob("*.csv") if f.is_file())
        except OSError as exc:
            raise InputError(Issue(Location(str(path)), tr("cannot be read: {reason}",
                                                           reason=os_reason(exc)))) from None
        if not files:
            raise InputError(Issue(Location(str(path)), tr("the folder holds no .csv files")))
        return {f.stem: _Raw(_csv_rows(f)) for f in files}
    if suffix in workbooks.WORKBOOK_SUFFIXES:
        book = workbooks.read_any(path)
        return {name: _Raw(rows, book.formulas.get(name, {})) for name, rows in book.sheets.items()}
    if suffix in (".json", ".yaml", ".yml"):
        return {name: _Raw(rows) for name, rows in _raw_records(path).items()}
    raise InputError(
        Issue(
            Location(str(path)),
            tr("unsupported file type '{kind}'; use one of: {kinds}", kind=suffix or path.name,
               kinds=", ".join(tr("folder of .csv") if s == "folder of .csv" else s
                               for s in SUPPORTED)),
        )
    )


class _csv_rows:
    """The rows of a CSV file, decoded and split only when iterated (sheets no model reads are
    never decoded)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __iter__(self) -> Iterator[list[Any]]:
        return iter(open_csv(self.path))


def _raw_excel(path: Path) -> dict[str, list[list[Any]]]:
    """Every sheet's cells (cached values of formulas), from A1, by rows: see
    :func:`assignments.core.xlsx.read_workbook`."""
    return xlsx.read_workbook(path).sheets


def _count_nodes(data: Any, limit: int) -> None:
    """Walk the loaded data counting its values (YAML aliases counted at each use): raises
    ValueError past ``limit`` (an alias bomb)."""
    stack = [data]
    n = 0
    while stack:
        item = stack.pop()
        n += 1
        if n > limit:
            raise ValueError
        if isinstance(item, Mapping):
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)


def read_text(path: str | os.PathLike[str], *, max_mb: float | None = None) -> str:
    """A text file given by the user, whole: refused with a located message when it is larger
    than ``max_mb`` megabytes (default :data:`assignments.core.xlsx.MAX_UNCOMPRESSED_MB`),
    cannot be read, or is neither UTF-8 nor GB18030/GBK (what Chinese Windows writes)."""
    p = Path(path)
    loc = Location(str(p))
    limit = xlsx.MAX_UNCOMPRESSED_MB if max_mb is None else max_mb
    try:
        size = p.stat().st_size
        if size > limit * 2**20:
            raise xlsx.too_large(p, tr("more than {mb} MB", mb=f"{limit:g}"))
        raw = p.read_bytes()
    except OSError as exc:
        raise InputError(Issue(loc, tr("cannot be read: {reason}",
                                       reason=os_reason(exc)))) from None
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    raise InputError(Issue(loc, tr("cannot be decoded as UTF-8 or GB18030/GBK text: save "
                                   "it as UTF-8")))


def load_data(path: str | os.PathLike[str], *, max_mb: float | None = None,
              max_values: int | None = None) -> Any:
    """A JSON or YAML file given by the user, parsed (by the suffix: ``.json`` is JSON, else
    YAML with the safe loader): the file within :func:`read_text`'s limits, and at most
    ``max_values`` values once YAML aliases are expanded (default
    :data:`assignments.core.xlsx.MAX_CELLS`; a "billion laughs" alias bomb is refused before
    any consumer walks it). Every refusal is located."""
    p = Path(path)
    loc = Location(str(p))
    text = read_text(p, max_mb=max_mb)
    if not text.strip():
        raise InputError(Issue(loc, tr("the file is empty")))
    try:
        if p.suffix.lower() == ".json":
            data = json.loads(text)
        else:
            import yaml

            data = yaml.safe_load(text)
    except RecursionError:
        raise InputError(Issue(loc, tr("cannot be parsed: nested too deeply"))) from None
    except Exception as exc:  # json.JSONDecodeError, yaml.YAMLError
        raise InputError(Issue(loc, tr("cannot be parsed: {reason}", reason=exc))) from None
    del text
    limit = xlsx.MAX_CELLS if max_values is None else max_values
    try:
        _count_nodes(data, limit)
    except ValueError:
        raise xlsx.too_large(p, tr("more than {n:,} values (e.g. YAML aliases)",
                                   n=limit)) from None
    return data


def _raw_records(path: Path) -> dict[str, list[list[Any]]]:
    loc = Location(str(path))
    data = load_data(path)
    if not isinstance(data, Mapping):
        raise InputError(Issue(loc, tr("expected a mapping of sheet name -> list of records")))
    out: dict[str, list[list[Any]]] = {}
    for sheet, records in data.items():
        if isinstance(records, Mapping):  # a single record, e.g. the policy sheet
            records = [records]
        if not isinstance(records, list) or not all(isinstance(r, Mapping) for r in records):
            raise InputError(
                Issue(Location(str(path), str(sheet)),
                      tr("expected a list of records (mappings)"))
            )
        headers: list[Any] = []
        seen: set[Any] = set()
        for r in records:
            for k in r:
                if k not in seen:
                    seen.add(k)
                    headers.append(k)
        rows: list[list[Any]] = [list(headers)]
        rows += [[r.get(h) for h in headers] for r in records]
        out[str(sheet)] = rows
    return out


def read_frames(path: str | os.PathLike[str], pick: Callable[[str], bool]
                ) -> tuple[dict[str, Any], list[str]]:
    """The sheets ``pick`` accepts (by name) as ``pandas.read_excel(path, sheet_name=None,
    dtype=object)`` gives them, read by the shared reader instead: the size limits of
    :mod:`assignments.core.xlsx` (zip bombs refused before expanding), ``.xls``/``.ods``/``.et``
    and CSV folders too, percent-formatted numbers as :class:`Percent` (``"25%"``).

    As pandas: the first row is the header (an empty header cell is ``Unnamed: j``, a repeated
    one ``name.1``), empty cells are NaN, the empty rows at the end are left out, and row
    ``i`` of the frame is row ``i + 2`` of the sheet (empty rows inside are kept).

    Returns
    -------
    tuple
        The frames by sheet name, and the names of all the file's sheets (for messages).

    Raises
    ------
    InputError
        Located: the file cannot be read or is too large; a picked sheet holds a formula
        without a computed value (sheet, row, column).
    """
    import pandas as pd

    p = Path(path)
    if not p.exists():
        raise InputError(Issue(Location(str(p)), tr("file not found")))
    raw = _raw_sheets(p)
    frames: dict[str, Any] = {}
    issues: list[Issue] = []
    for name, sheet in raw.items():
        if not pick(name):
            continue
        rows = [list(r) for r in sheet.rows]
        while rows and all(_clean(v) is None for v in rows[-1]):
            rows.pop()
        if not rows:
            frames[name] = pd.DataFrame()
            continue
        width = max(len(r) for r in rows)
        header: list[Any] = []
        seen: dict[Any, int] = {}
        for j in range(width):
            h = rows[0][j] if j < len(rows[0]) else None
            h = f"Unnamed: {j}" if h is None or (isinstance(h, float) and h != h) else h
            if h in seen:
                seen[h] += 1
                h = f"{h}.{seen[h]}"
            seen.setdefault(h, 0)
            header.append(h)
        nan = float("nan")
        body = [[nan if v is None else v for v in r] + [nan] * (width - len(r))
                for r in rows[1:]]
        frames[name] = pd.DataFrame(body, columns=header, dtype=object)
        label = f"{name}.csv" if p.is_dir() else name
        for (i, j), formula in sorted(sheet.formulas.items()):
            if i > 0 and j < width:
                issues.append(Issue(
                    Location(str(p), label, i + 1, f"{_column_letter(j)} ({header[j]})"),
                    tr("formula {formula} has no computed value (the file was written by a "
                       "program, not saved by Excel): open and save the file in Excel or WPS, "
                       "or type the value", formula=formula)))
    if issues:
        raise InputError(issues)
    return frames, list(raw)


# ---------------------------------------------------------------- mapping to specs


def read_tables(path: str | os.PathLike[str], specs: Sequence[SheetSpec], *,
                nonempty: Iterable[str] = (),
                others: dict[str, Iterable[list[Any]]] | None = None) -> dict[str, Table]:
    """Read the sheets described by ``specs`` from a workbook, CSV folder, JSON or YAML file.

    Parameters
    ----------
    path
        The input file or folder.
    specs
        The sheets the model knows; each is looked up by its Chinese or English name.

    nonempty
        Keys of the sheets that need at least one data row (a model's main sheets, e.g. the
        staff): a header without rows is refused here, naming the sheet, before any record of
        another sheet is checked against it (``unknown staff 'S05'`` would say less).
    others
        When given, filled with the rows (from A1) of every sheet no spec claimed, by sheet name
        (CSV: file stem), for a model reading free-form sheets (mentoring's timetable grids).

    Returns
    -------
    dict
        Tables by sheet key; optional sheets that are absent are missing from the dict.

    Raises
    ------
    InputError
        Listing every missing sheet or column, and every empty main sheet, at once.
    """
    p = Path(path)
    if not p.exists():
        raise InputError(Issue(Location(str(p)), tr("file not found")))
    must_fill = set(nonempty)
    raw = _raw_sheets(p)
    by_norm = {normalize_header(name): name for name in raw}
    issues: list[Issue] = []
    tables: dict[str, Table] = {}
    claimed: set[str] = set()
    for spec in specs:
        found = next((by_norm[n] for n in spec.accepts() if n in by_norm), None)
        if found is not None:
            claimed.add(found)
        if found is None:
            if spec.required:
                issues.append(
                    Issue(
                        Location(str(p), spec.label()),
                        tr("missing sheet {sheet}; the file has: {sheets}", sheet=spec.label(),
                           sheets=", ".join(raw) or tr("no sheets")),
                    )
                )
            continue
        table, sheet_issues = _to_table(p, found, raw[found], spec)
        issues += sheet_issues
        tables[spec.key] = table
        if spec.key in must_fill and table.columns and not sheet_issues and not table.rows:
            issues.append(Issue(
                table.loc(table.header_row + 1),
                tr("sheet {sheet} has a header but no rows: at least one row is needed",
                   sheet=spec.label())))
    if issues:
        raise InputError(issues)
    if others is not None:
        others.update((name, r.rows) for name, r in raw.items() if name not in claimed)
    return tables


def _delimiter_hint(header: list[Any]) -> str:
    """A hint when the header is one cell holding another delimiter (``a;b;c``)."""
    cells = [v for v in header if _clean(v) is not None]
    if len(cells) == 1 and isinstance(cells[0], str):
        for sep, name in ((";", tr("semicolons ';'")), ("\t", tr("tabs")),
                          ("|", tr("bars '|'"))):
            if cells[0].count(sep) >= 1:
                return tr(" (the header is one cell '{cell}': the columns seem to be separated "
                          "by {separator}; save the file as CSV with commas)",
                          cell=cells[0][:60], separator=name)
    return ""


def _cleaner() -> Callable[[Any], Any]:
    """:func:`_clean` sharing equal strings (ids and categories repeat on every row: one
    object each instead of one per cell, a large part of a big CSV's memory)."""
    seen: dict[str, str] = {}

    def clean(v: Any) -> Any:
        if type(v) is str:
            v = v.strip()
            if not v:
                return None
            if len(v) <= 32:
                return seen.setdefault(v, v) if len(seen) < 1_000_000 else v
            return v
        return _clean(v)

    return clean


def _to_table(path: Path, name: str, raw: _Raw, spec: SheetSpec) -> tuple[Table, list[Issue]]:
    is_csv = path.is_dir()
    sheet_label = f"{name}.csv" if is_csv else name
    table = Table(spec=spec, file=str(path), sheet=sheet_label)
    issues: list[Issue] = []
    rows = iter(raw.rows)
    # header: first non-empty row
    header: list[Any] | None = None
    header_idx = -1
    for header_idx, r in enumerate(rows):
        if any(_clean(v) is not None for v in r):
            header = r
            table.header_row = header_idx + 1
            break
    if header is None:
        if any(c.required for c in spec.columns) and spec.required:
            issues.append(Issue(table.loc(1), tr("sheet {sheet} is empty (no header row)",
                                                 sheet=spec.label())))
        return table, issues
    col_of: dict[int, str] = {}
    for j, h in enumerate(header):
        if _clean(h) is None:
            continue
        cands = _header_candidates(str(h))
        match = next(
            (c for cand in cands for c in spec.columns if cand in c.accepts()),
            None,
        )
        if match is None:
            table.warnings.append(
                Issue(
                    table.loc(header_idx + 1, None),
                    tr("column {letter} '{header}' is not a known column of {sheet} and is "
                       "ignored", letter=_column_letter(j), header=h, sheet=spec.label()),
                )
            )
            continue
        if match.key in table.columns:
            issues.append(
                Issue(
                    Location(str(path), sheet_label, header_idx + 1, f"{_column_letter(j)} ({h})"),
                    tr("column '{header}' appears twice", header=match.header),
                )
            )
            continue
        col_of[j] = match.key
        table.columns[match.key] = f"{_column_letter(j)} ({h})"
        if (unit := header_unit(str(h))) is not None:
            table.units[match.key] = unit
    hint = None
    for c in spec.columns:
        if c.required and c.key not in table.columns:
            if hint is None:
                hint = _delimiter_hint(header)
            issues.append(
                Issue(
                    Location(str(path), sheet_label, header_idx + 1, c.header),
                    tr("missing column {header}", header=c.header) + hint,
                )
            )
    for (i, j), formula in sorted(raw.formulas.items()):
        if i > header_idx and j in col_of:
            issues.append(Issue(
                table.loc(i + 1, col_of[j]),
                tr("formula {formula} has no computed value (the file was written by a "
                   "program, not saved by Excel): open and save the file in Excel or WPS, or "
                   "type the value", formula=formula)))
    cols = sorted(col_of.items())
    if is_csv:  # read again, one row at a time, when the rows are parsed
        if not issues:
            for _ in rows:  # a first pass holding nothing: a file past the limits is refused
                pass        # here, before any record is built
        table.rows = LazyRows(raw.rows, header_idx + 1, cols)
    else:
        table.rows = list(_data_rows(rows, header_idx + 2, cols))
    return table, issues
