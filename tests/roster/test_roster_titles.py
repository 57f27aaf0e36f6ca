"""Issue #16 point 10: real titles map to the four levels through a documented table that the
workbook can extend (职称对照); an unknown title is a located error listing the known ones;
职称要求 = 中级、副高、正高 makes 副高 and 正高 count for the title rule."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from roster_fixtures import ROOT, read_records, tiny_records, write_records

from assignments.core.errors import InputError
from assignments.core.i18n import use_lang
from assignments.core.solver import SolveStatus
from assignments.roster import check, solve
from assignments.roster.data import TITLE_TABLE, Title, parse_title

LANG = "en"  # these tests read the English messages (msgids); Chinese: see tests/core

CASES = [
    ("主治中医师", Title.INTERMEDIATE), ("副主任中医师", Title.ASSOCIATE),
    ("主管护师", Title.INTERMEDIATE), ("主任护师", Title.SENIOR),
    ("主治医师", Title.INTERMEDIATE), ("住院医师", Title.JUNIOR),
    ("主任医师", Title.SENIOR), ("副主任医师", Title.ASSOCIATE), ("医师", Title.JUNIOR),
    ("护师", Title.JUNIOR), ("护士", Title.JUNIOR), ("药师", Title.JUNIOR),
    ("主管药师", Title.INTERMEDIATE), ("技师", Title.JUNIOR), ("主管技师", Title.INTERMEDIATE),
    ("副主任护师", Title.ASSOCIATE), ("主任中医师", Title.SENIOR), ("中级", Title.INTERMEDIATE),
    (" 主治医师 ", Title.INTERMEDIATE), ("Associate", Title.ASSOCIATE),
]


@pytest.mark.parametrize(("text", "level"), CASES)
def test_title_table(text: str, level: Title) -> None:
    assert parse_title(text) is level


def test_staff_titles_read_through_the_table(tmp_path: Path) -> None:
    def edit(rec: dict) -> None:
        for row, (text, _level) in zip(rec["staff"], CASES, strict=False):
            row["title"] = text
    data = read_records(tmp_path, edit)
    for s, (text, level) in zip(data.staff, CASES, strict=False):
        assert s.title is level
        assert s.title_name == (None if text in {t.value for t in Title} else text.strip())


def test_unknown_title_is_located(tmp_path: Path) -> None:
    def edit(rec: dict) -> None:
        rec["staff"][2]["title"] = "康复治疗师"
    with use_lang("en"), pytest.raises(InputError) as err:
        read_records(tmp_path, edit)
    msg = str(err.value)
    assert "sheet 人员, row 4, column D (职称 (title)), staff 'S03'" in msg
    assert "unknown title '康复治疗师'" in msg
    for known in ("主治医师", "副主任中医师", "主管护师", "主任护师", "职称对照"):
        assert known in msg
    with use_lang("zh"), pytest.raises(InputError) as err:  # Chinese, the same known titles
        read_records(tmp_path, edit)
    msg = str(err.value)
    assert "未知的职称“康复治疗师”" in msg
    for known in ("主治医师", "副主任中医师", "主管护师", "主任护师", "职称对照"):
        assert known in msg
    rec = tiny_records()
    rec["staff"][2]["title"] = "康复治疗师"
    path = write_records(tmp_path, rec, "bad_title.xlsx")
    p = subprocess.run([sys.executable, "-m", "assignments.cli", "roster", "validate", str(path)],
                       cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert p.returncode == 2 and "Traceback" not in p.stderr
    assert "列 D (职称 (title))" in p.stderr and "康复治疗师" in p.stderr  # Chinese by default


def test_workbook_title_map_extends_and_overrides(tmp_path: Path) -> None:
    def edit(rec: dict) -> None:
        rec["staff"][0]["title"] = "康复治疗师"
        rec["staff"][1]["title"] = "主治医师"
        rec["title_map"] = [{"title": "康复治疗师", "level": "中级"},
                            {"title": "主治医师", "level": "副高"}]
    data = read_records(tmp_path, edit)
    assert (data.staff[0].title, data.staff[0].title_name) == (Title.INTERMEDIATE, "康复治疗师")
    assert data.staff[1].title is Title.ASSOCIATE  # the workbook overrides the table
    assert TITLE_TABLE["主治医师"] is Title.INTERMEDIATE  # and leaves the table alone

    def bad(rec: dict) -> None:
        rec["title_map"] = [{"title": "康复治疗师", "level": "师"}]
    with use_lang("en"), pytest.raises(InputError) as err:
        read_records(tmp_path, bad, name="bad_map.xlsx")
    assert "sheet 职称对照, row 2, column B (级别 (level))" in str(err.value)
    assert "unknown level '师'" in str(err.value)


def test_senior_titles_count_when_the_policy_says_so(tmp_path: Path) -> None:
    """心内科 sends 副主任医师 (副高) and 主任医师 (正高) instead of 中级: infeasible under the
    default rule (majority 中级), feasible with 职称要求 = 中级、副高、正高, where they count."""
    def edit(rec: dict, rule: str | None) -> None:
        for row in rec["staff"]:
            if row["id"] in ("S01", "S02"):
                row["title"] = "副主任医师" if row["id"] == "S01" else "主任医师"
        if rule:
            rec["policy"].append({"parameter": "职称要求", "value": rule})
    default = read_records(tmp_path, lambda r: edit(r, None), name="default.xlsx")
    res = solve(default, time_limit=5, num_workers=2)
    assert res.status is SolveStatus.INFEASIBLE
    assert any("R8" in line for line in res.explanation)
    data = read_records(tmp_path, lambda r: edit(r, "中级、副高、正高"), name="senior.xlsx")
    assert data.policy.title_rule.titles == (Title.INTERMEDIATE, Title.ASSOCIATE, Title.SENIOR)
    res = solve(data, time_limit=5, num_workers=2)
    assert res.status is SolveStatus.OPTIMAL and res.solution is not None
    assert check(data, res.solution) == []
    staff = {s.id: s for s in data.staff}
    q1 = [staff[a.staff] for a in res.solution.assignments if a.quarter == 0]
    # 2 of the 3 seats need a counted title: 心内科 has only 副高 and 正高 people
    counted = [s for s in q1 if s.title in data.policy.title_rule.titles]
    assert len(counted) >= 2
    assert {s.title for s in counted} <= {Title.ASSOCIATE, Title.SENIOR}
