"""Fuzzing the readers (issue #18): hypothesis-generated workbooks, CSV folders and JSON files
(random types, encodings, empty rows, huge numbers, merged header cells) read with the roster
and funding sheet specs and readers end in a valid read or an ``InputError`` — never another
exception. (It found that a huge number formatted as a date made the workbook reader panic.)"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assignments.core.errors import InputError
from assignments.core.io import SheetSpec, read_tables
from assignments.funding.data import SHEETS as FUNDING
from assignments.roster.data import SHEETS as ROSTER

SPECS: list[SheetSpec] = [*ROSTER, *FUNDING]
HEADERS = sorted({h for s in SPECS for c in s.columns for h in (c.zh, c.en, c.header)})
SHEET_NAMES = [*sorted({n for s in SPECS for n in (s.zh, s.en)}), "其他", "Sheet1"]

cells = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.sampled_from(["", " ", "25%", "１２", "2027Q1", "是", "=1+1", "#N/A", "１,０００"]),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(9999, 1, 1)),
)
headers = st.lists(st.one_of(st.sampled_from(HEADERS), st.text(max_size=8), st.none()),
                   min_size=0, max_size=6)


@st.composite
def sheets(draw: st.DrawFn) -> dict[str, list[list[Any]]]:
    out = {}
    for name in draw(st.lists(st.sampled_from(SHEET_NAMES), min_size=1, max_size=4, unique=True)):
        head = draw(headers)
        rows = draw(st.lists(st.lists(cells, max_size=len(head) + 2), max_size=5))
        out[name] = [head, *rows]
    return out


def _check(path: Path) -> None:
    """The raw reader with each model's specs, then the models' readers: a valid read or an
    InputError with at least one message."""
    from assignments.funding.data import read_funding
    from assignments.roster.data import read_roster

    calls = [lambda: read_tables(path, ROSTER), lambda: read_tables(path, FUNDING),
             lambda: read_roster(path), lambda: read_funding(path)]
    for call in calls:
        try:
            call()
        except InputError as exc:
            assert exc.issues and str(exc)


SETTINGS = settings(max_examples=25, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(sheets(), st.booleans(), st.sampled_from(["0%", "0.0%", "General", "yyyy-mm-dd"]))
def test_fuzz_workbooks(book: dict[str, list[list[Any]]], merge: bool, fmt: str) -> None:
    """Workbooks with random cells, number formats and merged header cells."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)  # type: ignore[arg-type]
    for name, rows in book.items():
        ws = wb.create_sheet(name[:31])
        for i, row in enumerate(rows, start=1):
            for j, v in enumerate(row, start=1):
                if isinstance(v, float) and v != v:
                    v = None  # openpyxl cannot write NaN
                if isinstance(v, str) and any(ord(ch) < 32 for ch in v):
                    continue  # not allowed in XML
                cell = ws.cell(row=i, column=j, value=v)
                if isinstance(v, int | float) and not isinstance(v, bool):
                    cell.number_format = fmt
        if merge and rows and len(rows[0]) >= 2:
            ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=2)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "f.xlsx"
        try:
            wb.save(path)
        except (ValueError, TypeError, OverflowError):
            return  # openpyxl refuses the value: no file to read
        _check(path)


@SETTINGS
@given(sheets(), st.sampled_from(["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16", "latin-1"]),
       st.sampled_from([",", ";", "\t"]))
def test_fuzz_csv_folders(book: dict[str, list[list[Any]]], encoding: str, sep: str) -> None:
    """CSV folders in random encodings (some undecodable) and delimiters."""
    import csv

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "csv"
        folder.mkdir()
        for name, rows in book.items():
            with (folder / f"{name.replace('/', '_')}.csv").open(
                "w", encoding=encoding, errors="replace", newline=""
            ) as fh:
                csv.writer(fh, delimiter=sep).writerows(
                    [["" if v is None else str(v) for v in r] for r in rows])
        _check(folder)
        (folder / "bad.csv").write_bytes(b"\xff\xfe\x00" + bytes(range(256)))
        _check(folder)


@SETTINGS
@given(st.recursive(cells.filter(lambda v: not isinstance(v, dt.date | float)),
                    lambda inner: st.one_of(st.lists(inner, max_size=3),
                                            st.dictionaries(st.sampled_from(HEADERS + SHEET_NAMES),
                                                            inner, max_size=4)),
                    max_leaves=20))
def test_fuzz_json(data: Any) -> None:
    """JSON files of any shape."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "f.json"
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        _check(path)
