"""Money as offices enter it (issue #19 point 3): a money column whose header names its unit
(``金额(万元)``, ``总投资（元）``) is read in that unit, whatever the 方案's 金额单位; an amount
written with 元 or 万 in the cell is read as written."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from assignments.funding.data import parse_money, read_funding

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "instances" / "funding" / "tiny.xlsx"


def _edit(tmp_path: Path, *, unit: str | None = None, headers: dict[str, str] | None = None,
          scale: dict[str, float] | None = None) -> Path:
    """tiny.xlsx with the 方案's 金额单位 set, headers renamed and columns divided by a factor
    (the same money, written in another unit)."""
    wb = load_workbook(TINY)
    if unit is not None:
        ws = wb["方案"]
        ws.append(["金额单位", unit, None])
    for sheet in ("资金来源", "项目库"):
        ws = wb[sheet]
        for cell in ws[1]:
            head = str(cell.value)
            if head in (headers or {}):
                cell.value = (headers or {})[head]
            if head in (scale or {}):
                for row in range(2, ws.max_row + 1):
                    c = ws.cell(row=row, column=cell.column)
                    if isinstance(c.value, int | float):
                        c.value = c.value / (scale or {})[head]
    path = tmp_path / "tiny.xlsx"
    wb.save(path)
    return path


def test_header_in_wan_yuan(tmp_path: Path) -> None:
    """金额(万元) and 总投资（万元） with the amounts in 万元 (100 for 1,000,000): the same
    money as the shipped workbook in 元."""
    base = read_funding(TINY)
    path = _edit(tmp_path,
                 headers={"金额 (amount)": "金额(万元)", "总投资 (cost)": "总投资（万元）"},
                 scale={"金额 (amount)": 10_000, "总投资 (cost)": 10_000})
    data = read_funding(path)
    assert [s.amount for s in data.sources] == [s.amount for s in base.sources]
    assert [p.cost for p in data.projects] == [p.cost for p in base.projects]
    assert data.sources[0].amount == 1_000_000


def test_header_in_yuan_beats_the_file_unit(tmp_path: Path) -> None:
    """A workbook whose 金额单位 is 万元 but whose 总投资 header says （元）: that column in
    yuan; 金额 without a unit in 万元."""
    base = read_funding(TINY)
    path = _edit(tmp_path, unit="万元", headers={"总投资 (cost)": "总投资（元）"},
                 scale={"金额 (amount)": 10_000, "最低资金 (min_funding)": 10_000})
    data = read_funding(path)
    assert [p.cost for p in data.projects] == [p.cost for p in base.projects]
    assert [s.amount for s in data.sources] == [s.amount for s in base.sources]


def test_cell_units_as_written() -> None:
    """``5000元`` is 5,000 yuan and ``120万`` 1,200,000 whatever the column's unit; a plain
    number takes the column's unit."""
    assert parse_money("5000元", 10_000) == 5000
    assert parse_money("5,000 元", 10_000) == 5000
    assert parse_money("120万", 1) == 1_200_000
    assert parse_money("120万元", 1) == 1_200_000
    assert parse_money(12, 10_000) == 120_000
    assert parse_money("12", 10_000) == 120_000
