"""Input limits of issue #18: bounded memory for large CSV folders, empty main sheets named
first, percentages read by one rule, the funding money unit's rounding stated with figures."""

from __future__ import annotations

import tracemalloc
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from openpyxl import load_workbook

from assignments.core.errors import InputError
from assignments.core.i18n import use_lang
from assignments.core.io import LazyRows, read_tables
from assignments.core.schema import RecordLocations, parse_table

ROOT = Path(__file__).resolve().parents[2]
INSTANCES = ROOT / "instances"


def _reader(model: str) -> Any:
    if model == "roster":
        from assignments.roster.data import read_roster

        return read_roster
    if model == "mentoring":
        from assignments.mentoring.data import read_mentoring

        return read_mentoring
    from assignments.funding.data import read_funding

    return read_funding


# ---------------------------------------------------------------- empty main sheets


@pytest.mark.parametrize(("model", "sheet"), [
    ("roster", "人员"), ("roster", "卫生院"), ("roster", "科室"),
    ("mentoring", "教师"), ("mentoring", "学校"),
    ("funding", "项目库"), ("funding", "资金来源"),
])
def test_empty_main_sheet_is_named_first(tmp_path: Path, model: str, sheet: str) -> None:
    """A main sheet with its header but no rows: the first message names that sheet (file,
    sheet, row 2), not a record of another sheet that refers to it (``unknown staff 'S05'``)."""
    wb = load_workbook(INSTANCES / model / "tiny.xlsx")
    ws = wb[sheet]
    ws.delete_rows(2, ws.max_row)
    path = tmp_path / "empty.xlsx"
    wb.save(path)
    with pytest.raises(InputError) as e:
        _reader(model)(path)
    first = e.value.issues[0]
    assert first.location.file == str(path) and first.location.sheet == sheet
    assert first.location.row == 2
    assert "has a header but no rows" in first.message
    with use_lang("zh"), pytest.raises(InputError) as e:
        _reader(model)(path)
    assert "只有表头没有数据" in e.value.issues[0].message
    assert "unknown" not in str(e.value)


def test_empty_csv_main_sheet_is_named_first(tmp_path: Path) -> None:
    """The same from a CSV folder (rows read lazily: the emptiness is still found)."""
    folder = tmp_path / "tiny"
    folder.mkdir()
    for name, df in pd.read_excel(INSTANCES / "roster" / "tiny.xlsx", sheet_name=None,
                                  dtype=object, engine="calamine").items():
        (df.head(0) if name == "人员" else df).to_csv(folder / f"{name}.csv", index=False)
    with pytest.raises(InputError) as e:
        _reader("roster")(folder)
    assert e.value.issues[0].location.sheet == "人员.csv"
    assert "no rows" in str(e.value.issues[0])


# ---------------------------------------------------------------- memory of large CSV folders


def _grow_roster_csv(folder: Path, copies: int) -> int:
    """The roster tiny instance as a CSV folder with the staff sheet copied ``copies`` times
    (fresh ids); the number of staff rows."""
    folder.mkdir()
    sheets = pd.read_excel(INSTANCES / "roster" / "tiny.xlsx", sheet_name=None, dtype=object,
                           engine="calamine")
    for name, df in sheets.items():
        if name != "人员":
            df.to_csv(folder / f"{name}.csv", index=False)
    staff = sheets["人员"]
    blocks = []
    for k in range(copies):
        block = staff.copy()
        if k:
            block[block.columns[0]] = [f"{v}_{k}" for v in block[block.columns[0]]]
        blocks.append(block)
    grown = pd.concat(blocks)
    grown.to_csv(folder / "人员.csv", index=False)
    return len(grown)


def test_large_csv_is_read_in_bounded_memory(tmp_path: Path) -> None:
    """A 36,000-staff CSV folder is validated with Python allocations below 1,000 bytes a row
    at the peak (before: the rows were held as dicts beside the records, each record held its
    own set of given fields and a Location: about 1,900 bytes a row), which keeps the largest
    CSV the limits accept (500,000 rows, 6,000,000 cells) under 1 GB."""
    from assignments.roster.data import read_roster

    folder = tmp_path / "big"
    rows = _grow_roster_csv(folder, 3000)
    tracemalloc.start()
    try:
        data = read_roster(folder)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(data.staff) == rows
    assert peak / rows < 1000, f"{peak / rows:.0f} bytes a row"


def test_csv_rows_are_read_lazily_and_not_kept(tmp_path: Path) -> None:
    """A CSV sheet's rows are read when parsed; the parsed index keeps row numbers, not cells;
    located messages and duplicate ids still name their rows."""
    from assignments.roster.data import SHEETS, Staff

    folder = tmp_path / "big"
    _grow_roster_csv(folder, 2)
    with (folder / "人员.csv").open("a", encoding="utf-8") as fh:
        fh.write("S01,重复,D01,住院医师\n")
    tables = read_tables(folder, SHEETS)
    assert isinstance(tables["staff"].rows, LazyRows) and tables["staff"].rows
    issues: list[Any] = []
    index = parse_table(tables["staff"], Staff, label="staff", id_key="id", issues=issues)
    assert len(index) == 24 and all(r is not None and not r.values for r in index.rows)
    assert index.rows[0] is not None and index.rows[0].number == 2
    assert len(issues) == 1
    dup = str(issues[0])
    assert "人员.csv" in dup and "row 26" in dup and "first used in row 2" in dup
    # records given the same fields share one set of them
    assert index.records[0].__pydantic_fields_set__ is index.records[5].__pydantic_fields_set__


def test_record_locations_found_when_asked() -> None:
    """``RecordLocations`` answers like the dict it replaces for the records' ids."""
    from assignments.roster.data import read_roster

    data = read_roster(INSTANCES / "roster" / "tiny.xlsx")
    loc = data.locations.get(("staff", data.staff[3].id))
    assert loc is not None and loc.sheet == "人员" and loc.row == 5
    assert ("staff", "nobody") not in data.locations
    assert data.locations.get(("staff", "nobody")) is None
    assert isinstance(data.locations, RecordLocations)
    with pytest.raises(KeyError):
        data.locations[("center", "nowhere")]


# ---------------------------------------------------------------- one rule for percentages

# every percentage column and policy figure of the three models: (model, sheet, where, read)
# where: ("param", name) for a 方案 row, ("column", header prefix) for the first data row
PERCENTS: list[tuple[str, str, tuple[str, str], Any]] = [
    ("roster", "方案", ("param", "考勤最低比例"), lambda d: d.policy.attendance_min_percent),
    ("mentoring", "方案", ("param", "质量容差"), lambda d: d.policy.quality_tolerance),
    ("mentoring", "方案", ("param", "外派上限比例"), lambda d: d.policy.drain_share),
    ("funding", "方案", ("param", "产业占比"), lambda d: d.policy.industry_share),
    ("funding", "方案", ("param", "劳务报酬比例"), lambda d: d.policy.labour_share),
    ("funding", "项目库", ("column", "劳务报酬比例"), lambda d: d.projects[0].labour_share),
    ("funding", "覆盖目标", ("column", "目标值"), lambda d: d.targets[0].value),
    ("funding", "方案", ("param", "支出进度节点"),
     lambda d: d.policy.milestones[0][1]),
]


def _write_percent(tmp_path: Path, model: str, sheet: str, where: tuple[str, str],
                   value: Any, fmt: str | None) -> tuple[Path, int]:
    """tiny.xlsx with ``value`` (number format ``fmt``) at ``where``; the row written."""
    wb = load_workbook(INSTANCES / model / "tiny.xlsx")
    ws = wb[sheet]
    kind, name = where
    if kind == "param":
        row = next((r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == name),
                   ws.max_row + 1)
        ws.cell(row, 1, name)
        col = 2
        if name == "支出进度节点":  # a list of month:percent: the percent is typed in the text
            value = f"12月:{value}" if fmt is None else f"12月:{value * 100:g}%"
            fmt = None
    else:
        row = 2
        col = next(c.column for c in ws[1] if str(c.value).startswith(name))
    cell = ws.cell(row, col, value)
    if fmt:
        cell.number_format = fmt
    path = tmp_path / f"{model}.xlsx"
    wb.save(path)
    return path, row


@pytest.mark.parametrize(("model", "sheet", "where", "read"), PERCENTS,
                         ids=[f"{m}-{w[1]}" for m, _, w, _ in PERCENTS])
def test_percentages_one_rule(tmp_path: Path, model: str, sheet: str, where: tuple[str, str],
                              read: Any) -> None:
    """Every percentage of every model: ``55%`` typed as text, a cell formatted as a percentage
    (stored 0.55) and a bare 55 all read 55 %; a bare 0.55 is refused with its location
    (file, sheet, row) and says it is ambiguous — before, some columns read it as 55 %, others
    as 0.55 % (a project's labour share typed 0.25 became 0.25 %)."""
    for value, fmt in (("55%", None), (0.55, "0%"), (55, None)):
        path, _ = _write_percent(tmp_path, model, sheet, where, value, fmt)
        assert read(_reader(model)(path)) == pytest.approx(55.0), (value, fmt)
    path, row = _write_percent(tmp_path, model, sheet, where, 0.55, None)
    with pytest.raises(InputError) as e:
        _reader(model)(path)
    hits = [i for i in e.value.issues if "ambiguous" in i.message]
    assert len(hits) == 1, str(e.value)
    loc = hits[0].location
    assert loc.file == str(path) and loc.sheet == sheet and loc.row == row
    assert "55%" in hits[0].message and "0.55%" in hits[0].message


# ---------------------------------------------------------------- the funding money unit


def test_money_unit_rounding_states_the_figures(tmp_path: Path) -> None:
    """A 1,000,000,000,000-yuan source makes the money unit 10,000,000 yuan: the 600,000-yuan
    source S2 rounds to 0. The warning names it with its amount and states the budget lost and
    the costs added in yuan (before: only "amounts rounded", the CLI "(rounded)")."""
    from assignments.funding.data import problem, read_funding

    wb = load_workbook(INSTANCES / "funding" / "tiny.xlsx")
    ws = wb["资金来源"]
    col = next(c.column for c in ws[1] if str(c.value).startswith("金额"))
    ws.cell(2, col, 1_000_000_000_000)
    path = tmp_path / "huge.xlsx"
    wb.save(path)
    data = read_funding(path)
    prob = problem(data)
    assert prob.unit == 10_000_000 and not prob.exact
    costs = [round(p.cost) for p in data.projects]
    added = sum(-c % prob.unit for c in costs)
    text = next(w for w in prob.warnings if "rounded" in w)  # English (this module's LANG)
    assert "'S2' (600,000 元) round to 0" in text
    assert "budgets lose 600,000 元" in text and f"costs gain {added:,} 元" in text
    from assignments.core.i18n import use_lang

    with use_lang("zh"):
        zh = [w for w in problem(read_funding(path)).warnings if "取整为 0" in w]
    assert zh and "600,000 元" in zh[0]
    assert prob.budget[1] == [0] * len(prob.budget[1])  # S2 indeed funds nothing


def test_money_unit_exact_says_nothing() -> None:
    """The shipped tiny instance keeps yuan exact: no rounding warning."""
    from assignments.funding.data import problem, read_funding

    prob = problem(read_funding(INSTANCES / "funding" / "tiny.xlsx"))
    assert prob.exact and not any("rounded" in w for w in prob.warnings)


def test_repeated_notices_are_capped_and_counted(tmp_path: Path) -> None:
    """A mentoring CSV folder with 300 teachers without lessons: the reader keeps 100 of those
    notices and says how many more there are (before: one notice per teacher, 300 here,
    900,000 in a 50 MB file)."""
    from assignments.mentoring.data import read_mentoring

    folder = tmp_path / "m"
    folder.mkdir()
    sheets = pd.read_excel(INSTANCES / "mentoring" / "tiny.xlsx", sheet_name=None, dtype=object,
                           engine="calamine")
    for name, df in sheets.items():
        if name != "教师":
            df.to_csv(folder / f"{name}.csv", index=False)
    teachers = sheets["教师"]
    extra = pd.concat([teachers.assign(**{teachers.columns[0]: [f"X{k}_{i}" for i in
                                                                 range(len(teachers))]})
                       for k in range(25)])
    pd.concat([teachers, extra]).to_csv(folder / "教师.csv", index=False)
    data = read_mentoring(folder)
    no_lessons = [w for w in data.warnings if "has no lessons" in w]
    assert len(data.teachers) == len(teachers) * 26
    assert len(no_lessons) == 101  # 100 kept, one saying how many more
    assert "… and 200 more like this" in no_lessons[-1]
    assert "教师.csv" in no_lessons[-1]
