"""Mentoring input: malformed files are rejected with one located message each (file, sheet,
row, column, record); every format reads alike; valid inputs read as documented."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from mentoring_fixtures import (
    TINY_XLSX,
    Records,
    policy,
    read_records,
    teacher,
    tiny_records,
    write_records,
)

from assignments.core.errors import InputError
from assignments.mentoring.data import SHEETS, KeyLevel, read_mentoring

LANG = "en"  # these tests read the English messages (msgids); Chinese: see tests/core

Build = Callable[[Path], Path]


def edited(edit: Callable[[Records], Any]) -> Build:
    """A builder writing TINY with one edit."""

    def build(tmp_path: Path) -> Path:
        rec = tiny_records()
        edit(rec)
        return write_records(tmp_path, rec, "bad.xlsx")

    return build


def drop_column(sheet: str, key: str) -> Build:
    """A builder writing TINY without one column of one sheet (cell by cell with openpyxl)."""

    def build(tmp_path: Path) -> Path:
        path = write_records(tmp_path, tiny_records(), "bad.xlsx")
        from openpyxl import load_workbook

        wb = load_workbook(path)
        spec = next(s for s in SHEETS if s.key == sheet)
        ws = wb[spec.zh]
        header = next(c.header for c in spec.columns if c.key == key)
        for cell in ws[1]:
            if cell.value == header:
                ws.delete_cols(cell.column)
                break
        wb.save(path)
        return path

    return build


def file_bytes(name: str, content: bytes) -> Build:
    def build(tmp_path: Path) -> Path:
        (tmp_path / name).write_bytes(content)
        return tmp_path / name

    return build


def _set(rec: Records, tid: str, **kw: Any) -> None:
    teacher(rec, tid).update(kw)


def _rows(sheet: str, rows: list[dict[str, Any]]) -> Callable[[Records], None]:
    def edit(rec: Records) -> None:
        rec.setdefault(sheet, []).extend(rows)

    return edit


# TINY rows (header = row 1): 教师 T01..T12 -> rows 2..13; 学校 S1..S3 -> rows 2..4;
# 课表 rows 2.. (T01 has rows 2–6); 路程 rows 2..4; 方案 rows 2..7.
# 教师 columns: A 工号, B 姓名, C 学校, D 学科, E 学段, F 教龄, G 职称, H 荣誉, ...
CASES: list[tuple[str, Build, list[str]]] = [
    # rule: a teacher's school must exist
    ("unknown school", edited(lambda r: _set(r, "T05", school="S9")),
     ["bad.xlsx", "sheet 教师", "row 6", "学校", "teacher 'T05'", "unknown school 'S9'"]),
    # type: years of teaching is a whole number
    ("years not a number", edited(lambda r: _set(r, "T01", years="十八")),
     ["sheet 教师", "row 2", "教龄", "teacher 'T01'", "expected a whole number, got '十八'"]),
    # range: years ≥ 0
    ("negative years", edited(lambda r: _set(r, "T02", years=-1)),
     ["row 3", "教龄", "must be at least 0"]),
    # required column
    ("missing subject column", drop_column("teachers", "subjects"),
     ["sheet 教师", "missing column 学科 (subjects)"]),
    # required sheet
    ("missing teachers sheet", edited(lambda r: r.pop("teachers")),
     ["missing sheet 教师 (teachers)"]),
    # ids are unique
    ("duplicate teacher", edited(lambda r: r["teachers"].append(dict(teacher(r, "T03")))),
     ["row 14", "duplicate teacher id 'T03' (first used in row 4)"]),
    # grade band vocabulary
    ("unknown grade band", edited(lambda r: _set(r, "T04", grade_band="大学")),
     ["row 5", "学段", "unknown grade band '大学'"]),
    # role vocabulary
    ("unknown role", edited(lambda r: _set(r, "T02", roles="名誉校长")),
     ["row 3", "荣誉", "unknown role '名誉校长'"]),
    # timetable weekday
    ("bad weekday", edited(lambda r: r["timetable"][0].update(weekday="周八")),
     ["sheet 课表", "row 2", "星期", "unknown weekday '周八'"]),
    # timetable period range
    ("period 13", edited(lambda r: r["timetable"][0].update(periods="1、13")),
     ["sheet 课表", "row 2", "节次", "period 13 is outside 1–12"]),
    # one teacher, one lesson at a time
    ("double booking", edited(_rows("timetable", [
        {"teacher": "T01", "weekday": "周一", "periods": "2"}])),
     ["sheet 课表", "row", "Mon period 2 is already taught by this teacher (row 2)"]),
    # timetable names a known teacher
    ("timetable unknown teacher", edited(_rows("timetable", [
        {"teacher": "T99", "weekday": "周二", "periods": "1"}])),
     ["sheet 课表", "工号", "unknown teacher 'T99'"]),
    # travel minutes ≥ 0
    ("negative travel", edited(lambda r: r["travel"][0].update(minutes=-5)),
     ["sheet 路程", "row 2", "分钟", "must be at least 0"]),
    # travel names known schools
    ("travel unknown school", edited(lambda r: r["travel"][1].update(destination="S7")),
     ["sheet 路程", "row 3", "终点", "unknown school 'S7'"]),
    # a pair cannot be forced and forbidden
    ("forced and forbidden", edited(lambda r: (
        r.setdefault("forced", []).append({"mentor": "T01", "mentee": "T05"}),
        r.setdefault("forbidden", []).append({"mentor": "T01", "mentee": "T05"}))),
     ["sheet 禁止结对", "row 2", "both forced (指定结对) and forbidden (禁止结对)"]),
    # one mentor per mentee
    ("mentee forced twice", edited(lambda r: r.setdefault("forced", []).extend([
        {"mentor": "T01", "mentee": "T05"}, {"mentor": "T03", "mentee": "T05"}])),
     ["sheet 指定结对", "row 3", "already forced to mentor 'T01' (row 2)"]),
    # a teacher is not their own mentor
    ("self pair", edited(lambda r: r.setdefault("forced", []).append(
        {"mentor": "T01", "mentee": "T01"})),
     ["sheet 指定结对", "row 2", "cannot be their own mentor"]),
    # ranks are unique per teacher
    ("rank twice", edited(_rows("preferences", [{"teacher": "T05", "target": "T03", "rank": 1}])),
     ["sheet 意愿", "row 3", "rank 1 is used twice by this teacher (row 2)"]),
    # policy names
    ("unknown parameter", edited(lambda r: policy(r, "学期长度", 20)),
     ["sheet 方案", "参数", "unknown parameter '学期长度'"]),
    # policy choices
    ("bad subject rule", edited(lambda r: policy(r, "学科要求", "随便")),
     ["sheet 方案", "值", "parameter '学科要求'", "expected one of"]),
    # policy ranges
    ("zero weeks", edited(lambda r: policy(r, "学期教学周数", 0)),
     ["sheet 方案", "row 2", "parameter '学期教学周数'", "must be at least 1"]),
    # school area vocabulary
    ("bad area", edited(lambda r: r["schools"][0].update(area="郊外")),
     ["sheet 学校", "row 2", "城乡", "school 'S1'", "expected 城区 (urban) or 农村 (rural)"]),
    # coordinates come in pairs
    ("latitude only", edited(lambda r: r["schools"][1].update(lat=30.5)),
     ["sheet 学校", "row 3", "经度", "give both"]),
    # partner links name known schools
    ("unknown partner", edited(lambda r: r["schools"][1].update(partners="S1、S8")),
     ["sheet 学校", "row 3", "结对学校", "unknown partner school 'S8'"]),
    # yes/no cells
    ("bad yes/no", edited(lambda r: _set(r, "T08", new_transfer="可能")),
     ["row 9", "新调入", "expected yes/no (是/否), got '可能'"]),
    # file formats
    ("empty file", file_bytes("bad.xlsx", b""), ["bad.xlsx", "the file is empty"]),
    ("not a workbook", file_bytes("bad.xlsx", b"hello"),
     ["bad.xlsx", "not a readable Excel .xlsx workbook"]),
    ("bad json", file_bytes("bad.json", b"{not json"), ["bad.json", "cannot be parsed"]),
]


@pytest.mark.parametrize(("case", "build", "expected"), CASES, ids=[c[0] for c in CASES])
def test_malformed(tmp_path: Path, case: str, build: Build, expected: list[str]) -> None:
    """Each broken input raises InputError whose message names where and what."""
    path = build(tmp_path)
    with pytest.raises(InputError) as err:
        read_mentoring(path)
    message = str(err.value)
    for part in expected:
        assert part in message, (case, part, message)


def test_all_problems_at_once(tmp_path: Path) -> None:
    """Several mistakes in one file are all reported in one message."""

    def edit(rec: Records) -> None:
        _set(rec, "T05", school="S9")
        _set(rec, "T06", years="two")
        rec["travel"][0]["minutes"] = -1

    with pytest.raises(InputError) as err:
        read_records(tmp_path, edit)
    assert len(err.value.issues) == 3
    assert "3 problems in the input" in str(err.value)


def test_formats_read_alike(tmp_path: Path) -> None:
    """The same records as .xlsx, .json and a CSV folder give the same data."""
    rec = tiny_records()
    xlsx = read_mentoring(TINY_XLSX)
    js = tmp_path / "tiny.json"
    js.write_text(json.dumps({s.en: rec[s.key] for s in SHEETS if s.key in rec},
                             ensure_ascii=False), encoding="utf-8")
    from_json = read_mentoring(js)
    folder = tmp_path / "csv"
    folder.mkdir()
    import pandas as pd

    for s in SHEETS:
        if s.key in rec:
            pd.DataFrame(rec[s.key]).to_csv(folder / f"{s.zh}.csv", index=False)
    from_csv = read_mentoring(folder)
    for other in (from_json, from_csv):
        assert [t.model_dump() for t in other.teachers] == [t.model_dump() for t in xlsx.teachers]
        assert other.lessons == xlsx.lessons
        assert other.travel == xlsx.travel
        assert other.policy == xlsx.policy


def test_tiny_reads_as_documented() -> None:
    """Who must have a mentor, who may mentor, levels and travel, as docs/mentoring.md says."""
    data = read_mentoring(TINY_XLSX)
    mandatory = {t.id for t in data.teachers if data.is_mandatory(t)}
    assert mandatory == {"T05", "T06", "T07", "T08", "T09", "T10", "T12"}
    mentors = {t.id for t in data.teachers if data.is_mentor(t)}
    assert mentors == {"T01", "T02", "T03", "T04", "T11"}  # T03 and T11 by years alone
    assert data.level_points(data.teacher["T01"]) == 30  # 市级骨干教师
    assert data.teacher["T01"].parsed_roles[0][1] is KeyLevel.CITY
    assert data.travel_minutes("S2", "S1") == 25  # the 路程 sheet works both ways
    assert data.partners("S1", "S2") and not data.partners("S1", "S3")
    assert data.lessons_of("T09") <= data.lessons_of("T04")  # why 吴静 cannot be observed


def test_coordinates_give_travel(tmp_path: Path) -> None:
    """Without a 路程 row, travel comes from coordinates: km × 1.3 / 30 km/h, rounded up."""

    def edit(rec: Records) -> None:
        rec.pop("travel")
        rec["schools"][0].update(lon=104.0, lat=30.0)
        rec["schools"][1].update(lon=104.1, lat=30.0)  # 9.63 km east

    data = read_records(tmp_path, edit)
    assert data.travel_minutes("S1", "S2") == 26  # 9.63 × 1.3 / 30 × 60 = 25.04 -> 26
    assert data.travel_minutes("S1", "S3") is None


def test_warnings_not_errors(tmp_path: Path) -> None:
    """Unknown columns and a missing timetable are notices, not errors."""

    def edit(rec: Records) -> None:
        rec.pop("timetable")
        policy(rec, "学科要求", "相关学科")

    data = read_records(tmp_path, edit)
    text = " ".join(data.warnings)
    assert "no 课表 (timetable) sheet" in text and "no 学科组 sheet" in text
    assert data.lessons is None
