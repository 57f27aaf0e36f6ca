"""The workbook reader (python-calamine) gives the cells openpyxl gives — the parsers, their
located messages and every shipped instance were written against openpyxl's reading."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from assignments.core.errors import InputError
from assignments.core.io import _raw_excel

ROOT = Path(__file__).resolve().parents[2]
WORKBOOKS = sorted((ROOT / "instances").rglob("*.xlsx"))


def _openpyxl(path: Path) -> dict[str, list[list[Any]]]:
    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)]
                for ws in wb.worksheets}
    finally:
        wb.close()


def _trim(rows: list[list[Any]]) -> list[list[Any]]:
    """Rows without trailing empty rows and columns (the readers pad differently)."""
    rows = [list(r) for r in rows]
    while rows and all(v is None for v in rows[-1]):
        rows.pop()
    width = max((max((i + 1 for i, v in enumerate(r) if v is not None), default=0)
                 for r in rows), default=0)
    return [r[:width] + [None] * (width - len(r[:width])) for r in rows]


def test_shipped_workbooks_exist() -> None:
    assert len(WORKBOOKS) >= 10


@pytest.mark.parametrize("path", WORKBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_same_cells_as_openpyxl(path: Path) -> None:
    ours, ref = _raw_excel(path), _openpyxl(path)
    assert list(ours) == list(ref)
    for sheet in ref:
        assert _trim(ours[sheet]) == _trim(ref[sheet]), sheet


def test_types_positions_and_empty_leading_area(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "表"
    ws["B3"] = 7  # leading empty rows and column: row and column numbers must not shift
    ws["C3"] = 2.5
    ws["D3"] = "文字"
    ws["E3"] = dt.date(2027, 1, 11)
    ws["F3"] = True
    ws["G3"] = "=1+1"
    path = tmp_path / "t.xlsx"
    wb.save(path)
    rows = _raw_excel(path)["表"]
    assert rows[0] == [None] * len(rows[0]) and rows[1] == [None] * len(rows[1])
    third = rows[2]
    assert third[0] is None
    assert third[1] == 7 and isinstance(third[1], int)
    assert third[2] == 2.5 and third[3] == "文字"
    assert third[4] == dt.datetime(2027, 1, 11) and third[5] is True
    assert _trim(rows) == _trim(_openpyxl(path)["表"])


def test_not_a_workbook_is_located(tmp_path: Path) -> None:
    bad = tmp_path / "坏.xlsx"
    bad.write_bytes(b"not a zip file")
    with pytest.raises(InputError) as e:
        _raw_excel(bad)
    assert "坏.xlsx" in str(e.value) and "not a readable Excel" in str(e.value)


def test_xml_entity_bomb_is_refused(tmp_path: Path) -> None:
    """A "billion laughs" worksheet: refused at once with a located message, nothing expanded."""
    import zipfile

    base = tmp_path / "base.xlsx"
    wb = Workbook()
    wb.active["A1"] = "hello"
    wb.save(base)
    tens = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    entities = f'<!DOCTYPE worksheet [<!ENTITY l0 "lol">{tens}]>'
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(base) as zin, zipfile.ZipFile(bomb, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                at = text.index("?>") + 2 if "?>" in text else 0
                text = text[:at] + entities + text[at:]
                data = text.replace("<t>hello</t>", "<t>&l9;</t>").encode()
            zout.writestr(item, data)
    with pytest.raises(InputError) as e:
        _raw_excel(bomb)
    assert "bomb.xlsx" in str(e.value) and "not a readable Excel" in str(e.value)
