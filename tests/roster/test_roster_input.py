"""Roster input: malformed files are rejected with located messages; every format reads alike."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from roster_fixtures import (
    SHEET_EN,
    Records,
    raw_sheets,
    read_records,
    staff_index,
    summary,
    tiny_records,
    write_raw,
    write_records,
)

from assignments.core.errors import InputError
from assignments.core.i18n import use_lang
from assignments.roster.data import read_roster

LANG = "en"  # these tests read the English messages (msgids); Chinese: see tests/core

# ------------------------------------------------------------------ building broken inputs

Build = Callable[[Path], Path]


@pytest.fixture(autouse=True)
def _english():
    """These tests read the messages in English (``--lang en``); the Chinese default is
    asserted by :func:`test_roster_messages_are_chinese_by_default`."""
    with use_lang("en"):
        yield


def _staff(rec: Records, sid: str) -> dict[str, Any]:
    return rec["staff"][staff_index(rec, sid)]


def edited(edit: Callable[[Records], Any]) -> Build:
    """A builder writing TINY with one edit through ``write_input_workbook``."""

    def build(tmp_path: Path) -> Path:
        rec = tiny_records()
        edit(rec)
        return write_records(tmp_path, rec, "bad.xlsx")

    return build


def raw(edit: Callable[[dict[str, list[list[Any]]]], Any]) -> Build:
    """A builder writing TINY cell by cell with openpyxl, after editing the raw rows."""

    def build(tmp_path: Path) -> Path:
        sheets = raw_sheets(tiny_records())
        edit(sheets)
        return write_raw(tmp_path / "bad.xlsx", sheets)

    return build


def file_bytes(name: str, content: bytes) -> Build:
    """A builder writing a file with the given bytes."""

    def build(tmp_path: Path) -> Path:
        path = tmp_path / name
        path.write_bytes(content)
        return path

    return build


def _drop_column(sheets: dict[str, list[list[Any]]], sheet: str, header: str) -> None:
    rows = sheets[sheet]
    j = rows[0].index(header)
    for r in rows:
        del r[j]


# TINY rows (header = row 1): 人员 S01..S12 -> rows 2..13, 科室 D1..D4 -> rows 2..5,
# 卫生院 WSY1 -> row 2, 不可用 S05 -> row 2, 后延申请 D2 -> row 2;
# 方案 起始季度 -> row 2, 季度数 -> row 3.
# 人员 columns: A 工号, B 姓名, C 科室, D 职称, E 晋升候选, F 晋升期限.
CASES: list[tuple[str, Build, list[str]]] = [
    # required sheet 人员 (staff) is absent
    (
        "missing-sheet",
        edited(lambda r: r.pop("staff")),
        ["bad.xlsx", "sheet 人员", "missing sheet 人员 (staff)"],
    ),
    # required column 职称 (title) is absent from 人员
    (
        "missing-column",
        raw(lambda s: _drop_column(s, "人员", "职称")),
        ["bad.xlsx", "sheet 人员", "row 1", "column 职称 (title)", "missing column"],
    ),
    # a staff member's department is not in 科室
    (
        "unknown-department",
        edited(lambda r: _staff(r, "S03").update(department="D9")),
        ["bad.xlsx", "sheet 人员", "row 4", "column C", "staff 'S03'", "unknown department 'D9'"],
    ),
    # staff ids must be unique
    (
        "duplicate-staff-id",
        edited(lambda r: _staff(r, "S04").update(id="S03")),
        [
            "bad.xlsx",
            "sheet 人员",
            "row 5",
            "column A",
            "staff 'S03'",
            "duplicate staff id 'S03'",
            "first used in row 4",
        ],
    ),
    # title must be 初级/中级/副高/正高
    (
        "unknown-title",
        edited(lambda r: _staff(r, "S03").update(title="教授")),
        ["bad.xlsx", "sheet 人员", "row 4", "column D", "staff 'S03'", "unknown title '教授'"],
    ),
    # an unavailable period ends before it starts
    (
        "end-before-start",
        edited(lambda r: r["unavailability"][0].update(end="2027-03-01")),
        [
            "bad.xlsx",
            "sheet 不可用",
            "row 2",
            "column C",
            "staff 'S05'",
            "end date 2027-03-01 is before start date 2027-04-01",
        ],
    ),
    # seats must be at least 1
    (
        "negative-seats",
        edited(lambda r: r["centers"][0].update(seats=-1)),
        ["bad.xlsx", "sheet 卫生院", "row 2", "column C", "center 'WSY1'", "must be at least 1"],
    ),
    # a deferral names a department that does not exist
    (
        "deferral-unknown-department",
        edited(lambda r: r["deferrals"][0].update(department="D9")),
        [
            "bad.xlsx",
            "sheet 后延申请",
            "row 2",
            "column A",
            "department 'D9'",
            "unknown department 'D9'",
        ],
    ),
    # text in a number column
    (
        "seats-text",
        edited(lambda r: r["centers"][0].update(seats="三")),
        [
            "bad.xlsx",
            "sheet 卫生院",
            "row 2",
            "column C",
            "center 'WSY1'",
            "expected a whole number, got '三'",
        ],
    ),
    # a date that does not exist
    (
        "unparseable-date",
        edited(lambda r: r["unavailability"][0].update(start="2027-13-45")),
        [
            "bad.xlsx",
            "sheet 不可用",
            "row 2",
            "column B",
            "staff 'S05'",
            "expected a date like 2027-01-04, got '2027-13-45'",
        ],
    ),
    # a quarter that does not exist
    (
        "unparseable-quarter",
        edited(lambda r: r["deferrals"][0].update(quarter="2027Q5")),
        [
            "bad.xlsx",
            "sheet 后延申请",
            "row 2",
            "column B",
            "department 'D2'",
            "Cannot parse quarter '2027Q5'",
        ],
    ),
    # a deferral decision must be next / last / auto
    (
        "unknown-decision",
        edited(lambda r: r["deferrals"][0].update(decision="maybe")),
        [
            "bad.xlsx",
            "sheet 后延申请",
            "row 2",
            "column C",
            "department 'D2'",
            "unknown decision 'maybe'",
        ],
    ),
    # two departments share a place in the published order
    (
        "duplicate-order",
        edited(lambda r: r["departments"][2].update(order=2)),
        [
            "bad.xlsx",
            "sheet 科室",
            "row 4",
            "column C",
            "department 'D3'",
            "order 2 is also used by department 'D2'",
        ],
    ),
    # a leave for a staff id not in 人员
    (
        "unknown-staff-in-leave",
        edited(lambda r: r["unavailability"][0].update(staff="S99")),
        ["bad.xlsx", "sheet 不可用", "row 2", "column A", "staff 'S99'", "unknown staff 'S99'"],
    ),
    # an empty file is not a workbook
    ("empty-file", file_bytes("empty.xlsx", b""), ["empty.xlsx", "the file is empty (0 bytes)"]),
    # a text file renamed to .xlsx
    (
        "not-a-workbook",
        file_bytes("notes.xlsx", "张伟,心内科\n".encode()),
        ["notes.xlsx", "not a readable Excel .xlsx workbook"],
    ),
    # only workbooks, CSV folders, JSON and YAML are read
    (
        "unsupported-suffix",
        file_bytes("roster.txt", b"S01,D1\n"),
        ["roster.txt", "unsupported file type '.txt'"],
    ),
    # the programme needs its first quarter
    (
        "missing-first-quarter",
        edited(lambda r: r["policy"].pop(0)),
        [
            "bad.xlsx",
            "sheet 方案",
            "column 值 (value)",
            "parameter 起始季度 (first quarter) is required",
        ],
    ),
    # a promotion deadline before the programme starts
    (
        "deadline-before-start",
        edited(lambda r: _staff(r, "S12").update(promotion_deadline="2026Q4")),
        [
            "bad.xlsx",
            "sheet 人员",
            "row 13",
            "column F",
            "staff 'S12'",
            "deadline 2026Q4 is before the programme starts (2027Q1)",
        ],
    ),
    # a deferral for a quarter after the programme ends
    (
        "deferral-outside-programme",
        edited(lambda r: r["deferrals"][0].update(quarter="2029Q1")),
        [
            "bad.xlsx",
            "sheet 后延申请",
            "row 2",
            "column B",
            "department 'D2'",
            "quarter 2029Q1 is outside the programme 2027Q1–2027Q4",
        ],
    ),
    # the published order starts at 1
    (
        "order-zero",
        edited(lambda r: r["departments"][0].update(order=0)),
        ["bad.xlsx", "sheet 科室", "row 2", "column C", "department 'D1'", "must be at least 1"],
    ),
    # number of quarters written in Chinese numerals
    (
        "quarters-text",
        edited(lambda r: r["policy"][1].update(value="四")),
        [
            "bad.xlsx",
            "sheet 方案",
            "row 3",
            "column B",
            "parameter '季度数'",
            "expected a whole number, got '四'",
        ],
    ),
    # 晋升候选 must be yes/no
    (
        "candidate-not-yes-no",
        edited(lambda r: _staff(r, "S12").update(promotion_candidate="也许")),
        ["bad.xlsx", "sheet 人员", "row 13", "column E", "staff 'S12'", "expected yes/no"],
    ),
    # a holiday row must be 休 or 班
    (
        "holiday-kind",
        edited(lambda r: r.update(holidays=[{"day": "2027-01-04", "kind": "放风"}])),
        ["bad.xlsx", "sheet 节假日", "row 2", "column B", "expected 休 (holiday) or 班 (workday)"],
    ),
    # an intermediate minimum larger than the center's seats
    (
        "min-intermediate-above-seats",
        edited(lambda r: r["centers"][0].update(min_intermediate=5)),
        [
            "bad.xlsx",
            "sheet 卫生院",
            "row 2",
            "column D",
            "center 'WSY1'",
            "5 intermediate seats asked for, but the center has only 3 seats",
        ],
    ),
    # an unknown programme parameter
    (
        "unknown-parameter",
        edited(lambda r: r["policy"].append({"parameter": "颜色", "value": "红"})),
        ["bad.xlsx", "sheet 方案", "row 5", "column A", "unknown parameter '颜色'"],
    ),
    # the same column twice in one sheet
    (
        "duplicate-column",
        raw(lambda s: [row.append(row[3]) for row in s["人员"]]),
        ["bad.xlsx", "sheet 人员", "row 1", "column G (职称)", "appears twice"],
    ),
]


@pytest.mark.parametrize(("build", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_malformed_input_is_located(tmp_path: Path, build: Build, expected: list[str]) -> None:
    """A malformed input raises one InputError naming file, sheet, row, column and record."""
    path = build(tmp_path)
    with pytest.raises(InputError) as info:
        read_roster(path)
    message = str(info.value)
    for part in expected:
        assert part in message, f"{part!r} not in {message!r}"
    assert len(info.value.issues) == 1, message  # no follow-up noise from the same mistake


@pytest.mark.parametrize(("case", "chinese"), [
    ("unknown-department", "未知科室“D9”"),
    ("end-before-start", "结束日期 2027-03-01 早于开始日期 2027-04-01"),
])
def test_roster_messages_are_chinese_by_default(tmp_path: Path, case: str, chinese: str) -> None:
    """A validation message is shown to people: Chinese unless English is asked for (the
    location words are the core's)."""
    build = next(c[1] for c in CASES if c[0] == case)
    path = build(tmp_path)
    with use_lang("zh"), pytest.raises(InputError) as info:
        read_roster(path)
    assert chinese in str(info.value) and "bad.xlsx" in str(info.value)


def test_case_table_is_large_enough() -> None:
    """The table covers at least 18 distinct malformed inputs."""
    assert len({c[0] for c in CASES}) == len(CASES) >= 18


def test_issue_location_fields(tmp_path: Path) -> None:
    """The Issue of an unknown department carries every part of its location as fields."""
    path = edited(lambda r: _staff(r, "S03").update(department="D9"))(tmp_path)
    with pytest.raises(InputError) as info:
        read_roster(path)
    (issue,) = info.value.issues
    loc = issue.location
    assert Path(loc.file or "").name == "bad.xlsx"
    assert (loc.sheet, loc.row, loc.record) == ("人员", 4, "staff 'S03'")
    assert loc.column is not None and loc.column.startswith("C ")


def test_all_errors_reported_at_once(tmp_path: Path) -> None:
    """Three independent mistakes in one workbook give one InputError with three issues."""

    def edit(r: Records) -> None:
        _staff(r, "S03").update(title="教授")  # 人员 row 4
        r["centers"][0].update(seats="三")  # 卫生院 row 2
        r["deferrals"][0].update(decision="maybe")  # 后延申请 row 2

    with pytest.raises(InputError) as info:
        read_records(tmp_path, edit)
    issues = info.value.issues
    assert len(issues) == 3, str(info.value)
    where = {(i.location.sheet, i.location.row) for i in issues}
    assert where == {("人员", 4), ("卫生院", 2), ("后延申请", 2)}
    assert str(info.value).startswith("3 problems in the input:")


def test_full_width_digits_accepted_with_warning(tmp_path: Path) -> None:
    """名额 = "３" (full-width) reads as 3 and leaves a located warning."""
    data = read_records(tmp_path, lambda r: r["centers"][0].update(seats="３"))
    assert data.centers[0].seats == 3
    text = "\n".join(data.warnings)
    for part in ("roster.xlsx", "sheet 卫生院", "row 2", "column C", "full-width digits '３'"):
        assert part in text, text


@pytest.fixture()
def reference(tmp_path: Path) -> dict[str, Any]:
    """What the TINY workbook reads as."""
    return summary(read_roster(write_records(tmp_path, tiny_records(), "tiny.xlsx")))


def test_english_sheet_and_column_names(tmp_path: Path, reference: dict[str, Any]) -> None:
    """A workbook with English sheet names and headers reads the same data."""
    sheets = raw_sheets(tiny_records(), english=True)
    assert "staff" in sheets and sheets["staff"][0][:4] == ["id", "name", "department", "title"]
    path = write_raw(tmp_path / "english.xlsx", sheets)
    assert summary(read_roster(path)) == reference


def test_csv_folder_reads_the_same(tmp_path: Path, reference: dict[str, Any]) -> None:
    """A folder of CSV files (one per sheet) reads the same data."""
    folder = tmp_path / "roster_csv"
    folder.mkdir()
    for name, rows in raw_sheets(tiny_records()).items():
        with (folder / f"{name}.csv").open("w", encoding="utf-8-sig", newline="") as fh:
            csv.writer(fh).writerows([["" if v is None else v for v in r] for r in rows])
    data = read_roster(folder)
    assert summary(data) == reference
    assert [s.id for s in data.staff] == [f"S{i:02d}" for i in range(1, 13)]


def test_json_reads_the_same(tmp_path: Path, reference: dict[str, Any]) -> None:
    """A JSON file of {sheet: [records]} with English sheet names reads the same data."""
    path = tmp_path / "roster.json"
    doc = {SHEET_EN[k]: v for k, v in tiny_records().items()}
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    assert summary(read_roster(path)) == reference


def test_yaml_reads_the_same(tmp_path: Path, reference: dict[str, Any]) -> None:
    """A YAML file of {sheet: [records]} reads the same data."""
    path = tmp_path / "roster.yaml"
    path.write_text(yaml.safe_dump(tiny_records(), allow_unicode=True), encoding="utf-8")
    data = read_roster(path)
    assert summary(data) == reference
    assert [(c.id, c.seats) for c in data.centers] == [("WSY1", 3)]
    assert [d.id for d in data.departments] == ["D1", "D2", "D3", "D4"]


def test_json_error_names_sheet_and_row(tmp_path: Path) -> None:
    """Errors in a JSON file are located too (row = record number + 1, as in a sheet)."""
    rec = tiny_records()
    _staff(rec, "S03")["title"] = "教授"
    path = tmp_path / "roster.json"
    path.write_text(json.dumps(rec, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_roster(path)
    message = str(info.value)
    for part in ("roster.json", "sheet staff", "row 4", "staff 'S03'", "unknown title"):
        assert part in message, message
