"""Tables in and out, chosen by file suffix.

Inputs: an Excel workbook (``.xlsx``), a folder of ``.csv`` files (one per sheet), a ``.json``
or ``.yaml`` file holding ``{sheet: [ {column: value}, ... ]}``. Sheet and column names are
accepted in Chinese or English (see each model's ``SheetSpec`` list). Every cell keeps its
location so that validation messages can name file, sheet, row and column.

Outputs are written into a staging folder first and moved into place only when everything
has been written, so a failed run leaves nothing half-written.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import json
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from assignments.core.errors import InputError, Issue, Location

__all__ = [
    "ColumnSpec",
    "Row",
    "SheetSpec",
    "Table",
    "normalize_header",
    "read_tables",
    "staged_output",
    "write_csv_folder",
    "write_excel",
    "write_input_workbook",
    "write_json",
]

SUPPORTED = (".xlsx", ".xlsm", ".json", ".yaml", ".yml", "folder of .csv")


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
    """

    key: str
    zh: str
    en: str
    required: bool = True
    note: str = ""
    example: Any = None
    aliases: tuple[str, ...] = ()

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


@dataclass
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
    rows: list[Row] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)

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


def _raw_sheets(path: Path) -> dict[str, list[list[Any]]]:
    """Read every sheet of the file as a list of rows (header first)."""
    suffix = path.suffix.lower()
    if path.is_dir():
        sheets: dict[str, list[list[Any]]] = {}
        for f in sorted(path.glob("*.csv")):
            with f.open(encoding="utf-8-sig", newline="") as fh:
                sheets[f.stem] = [list(r) for r in csv.reader(fh)]
        if not sheets:
            raise InputError(Issue(Location(str(path)), "the folder holds no .csv files"))
        return sheets
    if suffix in (".xlsx", ".xlsm"):
        return _raw_excel(path)
    if suffix in (".json", ".yaml", ".yml"):
        return _raw_records(path)
    raise InputError(
        Issue(
            Location(str(path)),
            f"unsupported file type '{suffix or path.name}'; use one of: {', '.join(SUPPORTED)}",
        )
    )


def _read_cell(value: Any) -> Any:
    """A cell as openpyxl gives it (what the parsers were written against): empty cells are
    ``None``, whole numbers ``int``, dates ``datetime`` at midnight."""
    if isinstance(value, str):
        return value if value != "" else None
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)
    return value


def _raw_excel(path: Path) -> dict[str, list[list[Any]]]:
    """Every sheet's cells (cached values of formulas), from A1, by rows.

    Read with python-calamine (Rust; about 15 times faster than openpyxl's reader on the 5,000-
    mentee city workbook, 0.3 s against 5.4 s; its XML parser expands no entities, so XML bombs
    and external entities do not apply); cells normalised to openpyxl's types by :func:`_read_cell`.
    """
    from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum

    if path.stat().st_size == 0:
        raise InputError(Issue(Location(str(path)), "the file is empty (0 bytes)"))
    out: dict[str, list[list[Any]]] = {}
    try:
        wb = CalamineWorkbook.from_path(str(path))
    except (CalamineError, OSError, ValueError) as exc:
        raise InputError(
            Issue(Location(str(path)), f"not a readable Excel .xlsx workbook ({exc})")
        ) from None
    try:
        for meta in wb.sheets_metadata:
            if meta.typ != SheetTypeEnum.WorkSheet:  # chart sheets hold no table
                continue
            rows = wb.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
            out[meta.name] = [[_read_cell(v) for v in row] for row in rows]
    except (CalamineError, ValueError) as exc:
        raise InputError(
            Issue(Location(str(path)), f"not a readable Excel .xlsx workbook ({exc})")
        ) from None
    finally:
        wb.close()
    return out


def _raw_records(path: Path) -> dict[str, list[list[Any]]]:
    text = path.read_text(encoding="utf-8-sig")
    if not text.strip():
        raise InputError(Issue(Location(str(path)), "the file is empty"))
    try:
        if path.suffix.lower() == ".json":
            data = json.loads(text)
        else:
            import yaml

            data = yaml.safe_load(text)
    except Exception as exc:  # json.JSONDecodeError, yaml.YAMLError
        raise InputError(Issue(Location(str(path)), f"cannot be parsed: {exc}")) from None
    if not isinstance(data, Mapping):
        raise InputError(
            Issue(Location(str(path)), "expected a mapping of sheet name -> list of records")
        )
    out: dict[str, list[list[Any]]] = {}
    for sheet, records in data.items():
        if isinstance(records, Mapping):  # a single record, e.g. the policy sheet
            records = [records]
        if not isinstance(records, list) or not all(isinstance(r, Mapping) for r in records):
            raise InputError(
                Issue(Location(str(path), str(sheet)), "expected a list of records (mappings)")
            )
        headers: list[str] = []
        for r in records:
            for k in r:
                if k not in headers:
                    headers.append(k)
        rows: list[list[Any]] = [list(headers)]
        rows += [[r.get(h) for h in headers] for r in records]
        out[str(sheet)] = rows
    return out


# ---------------------------------------------------------------- mapping to specs


def read_tables(path: str | os.PathLike[str], specs: Sequence[SheetSpec]) -> dict[str, Table]:
    """Read the sheets described by ``specs`` from a workbook, CSV folder, JSON or YAML file.

    Parameters
    ----------
    path
        The input file or folder.
    specs
        The sheets the model knows; each is looked up by its Chinese or English name.

    Returns
    -------
    dict
        Tables by sheet key; optional sheets that are absent are missing from the dict.

    Raises
    ------
    InputError
        Listing every missing sheet or column at once.
    """
    p = Path(path)
    if not p.exists():
        raise InputError(Issue(Location(str(p)), "file not found"))
    raw = _raw_sheets(p)
    by_norm = {normalize_header(name): name for name in raw}
    issues: list[Issue] = []
    tables: dict[str, Table] = {}
    for spec in specs:
        found = next((by_norm[n] for n in spec.accepts() if n in by_norm), None)
        if found is None:
            if spec.required:
                issues.append(
                    Issue(
                        Location(str(p), spec.label()),
                        f"missing sheet {spec.label()}; the file has: "
                        + (", ".join(raw) or "no sheets"),
                    )
                )
            continue
        table, sheet_issues = _to_table(p, found, raw[found], spec)
        issues += sheet_issues
        tables[spec.key] = table
    if issues:
        raise InputError(issues)
    return tables


def _to_table(path: Path, name: str, rows: list[list[Any]], spec: SheetSpec):
    is_csv = path.is_dir()
    sheet_label = f"{name}.csv" if is_csv else name
    table = Table(spec=spec, file=str(path), sheet=sheet_label)
    issues: list[Issue] = []
    # header: first non-empty row
    header_idx = next(
        (i for i, r in enumerate(rows) if any(_clean(v) is not None for v in r)), None
    )
    if header_idx is None:
        if any(c.required for c in spec.columns) and spec.required:
            issues.append(Issue(table.loc(1), f"sheet {spec.label()} is empty (no header row)"))
        return table, issues
    header = rows[header_idx]
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
                    f"column {_column_letter(j)} '{h}' is not a known column of "
                    f"{spec.label()} and is ignored",
                )
            )
            continue
        if match.key in table.columns:
            issues.append(
                Issue(
                    Location(str(path), sheet_label, header_idx + 1, f"{_column_letter(j)} ({h})"),
                    f"column '{match.header}' appears twice",
                )
            )
            continue
        col_of[j] = match.key
        table.columns[match.key] = f"{_column_letter(j)} ({h})"
    for c in spec.columns:
        if c.required and c.key not in table.columns:
            issues.append(
                Issue(
                    Location(str(path), sheet_label, header_idx + 1, c.header),
                    f"missing column {c.header}",
                )
            )
    for i in range(header_idx + 1, len(rows)):
        r = rows[i]
        values = {col_of[j]: _clean(v) for j, v in enumerate(r) if j in col_of}
        if all(v is None for v in values.values()):
            continue
        table.rows.append(Row(number=i + 1, values=values))
    return table, issues


# ---------------------------------------------------------------- writing


@contextlib.contextmanager
def staged_output(out_dir: str | os.PathLike[str]) -> Iterator[Path]:
    """Write outputs into a staging folder; move them into ``out_dir`` only on success."""
    out = Path(out_dir)
    out.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        yield stage
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    out.mkdir(parents=True, exist_ok=True)
    for item in stage.iterdir():
        target = out / item.name
        if target.is_dir():
            shutil.rmtree(target)
        os.replace(item, target)
    shutil.rmtree(stage, ignore_errors=True)


def write_excel(path: Path, sheets: Mapping[str, pd.DataFrame]) -> Path:
    """Write DataFrames as readable sheets: bold frozen header, fitted column widths."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    path.parent.mkdir(parents=True, exist_ok=True)
    with pd.ExcelWriter(path, engine="openpyxl") as xw:
        for name, df in sheets.items():
            df.to_excel(xw, sheet_name=name[:31], index=False)
            ws = xw.sheets[name[:31]]
            ws.freeze_panes = "A2"
            for j, col in enumerate(df.columns, start=1):
                cell = ws.cell(row=1, column=j)
                cell.font = Font(bold=True)
                cell.fill = PatternFill("solid", fgColor="DDEBF7")
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                values = [str(col), *(str(v) for v in df.iloc[:200, j - 1].tolist())]
                width = max(_display_width(v) for v in values) + 2
                ws.column_dimensions[get_column_letter(j)].width = min(max(width, 8), 80)
    return path


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def write_csv_folder(folder: Path, sheets: Mapping[str, pd.DataFrame]) -> Path:
    """Write each table as ``<name>.csv`` in UTF-8 with BOM (opens correctly in Excel)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, df in sheets.items():
        df.to_csv(folder / f"{name}.csv", index=False, encoding="utf-8-sig")
    return folder


def write_json(path: Path, data: Any) -> Path:
    """Write JSON with Chinese text kept readable."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    return path


def write_input_workbook(
    path: Path,
    specs: Sequence[SheetSpec],
    records: Mapping[str, Sequence[Mapping[str, Any]]],
    *,
    with_notes: bool = True,
) -> Path:
    """Write an input workbook in the documented format (templates, generated instances).

    Each sheet gets the ``中文 (english)`` headers of its spec, a comment on each header with
    the column's note, and one row per record (keys are column keys).
    """
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)  # type: ignore[arg-type]
    for spec in specs:
        rows = records.get(spec.key)
        if rows is None:
            continue
        ws = wb.create_sheet(spec.title)
        cols = [c for c in spec.columns if c.required or any(c.key in r for r in rows) or not rows]
        for j, c in enumerate(cols, start=1):
            cell = ws.cell(row=1, column=j, value=c.header)
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="FFF2CC" if c.required else "EDEDED")
            if with_notes and c.note:
                req = "required / 必填" if c.required else "optional / 选填"
                cell.comment = Comment(f"{c.note} ({req})", "assignments")
            width = (
                max(
                    [_display_width(c.header)]
                    + [_display_width(str(r.get(c.key, ""))) for r in rows[:200]]
                )
                + 2
            )
            ws.column_dimensions[get_column_letter(j)].width = min(width, 60)
        for i, r in enumerate(rows, start=2):
            for j, c in enumerate(cols, start=1):
                value = r.get(c.key)
                if value is not None:
                    ws.cell(row=i, column=j, value=_cell(value))
        ws.freeze_panes = "A2"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list | tuple):
        return "、".join(map(str, value))
    if isinstance(value, int | float | str | dt.date):
        return value
    return str(value)
