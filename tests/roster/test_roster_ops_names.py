"""姓名 beside 工号 in the operations workbooks (issue #19.4): the events and activity-log
readers refuse a name that does not match the id with a located message (the same check as the
main workbook's 不可用 sheet); the ``ops-template`` workbooks carry every column, 姓名 beside
工号 with a note, and drop-downs from the hidden options sheet where the choices are fixed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from roster_ops_fixtures import ROOT, TINY_XLSX, tiny, write_events

from assignments.core.errors import InputError
from assignments.core.io import write_input_workbook
from assignments.roster.assess import LOG_SHEETS, read_logs
from assignments.roster.events import EVENT_SHEETS, read_events

LANG = "en"


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "assignments.cli", "roster", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def _events(path: Path, name: str) -> Path:
    return write_events(path, [
        {"id": "E7", "kind": "进修", "staff": "S04", "name": "刘 洋", "start": "2027-07-01",
         "end": "2027-09-30"},
        {"id": "E8", "kind": "病假", "staff": "S09", "name": name, "start": "2027-05-01",
         "end": "2027-05-20"},
    ])


def test_events_name_mismatch_is_a_located_error(tmp_path: Path) -> None:
    path = _events(tmp_path / "ev.xlsx", "王芳")
    with pytest.raises(InputError) as exc:
        read_events(path, tiny())
    (issue,) = exc.value.issues  # the matching 刘 洋 (a space) is accepted
    loc = issue.location
    assert (loc.sheet, loc.row) == ("事件", 3)
    assert loc.column is not None and "姓名" in loc.column
    assert loc.file is not None and loc.file.endswith("ev.xlsx")
    assert "E8" in str(loc.record)
    assert "王芳" in issue.message and "S09" in issue.message and "周杰" in issue.message


def test_events_with_matching_names_read(tmp_path: Path) -> None:
    log = read_events(_events(tmp_path / "ev.xlsx", "周杰"), tiny())
    assert [(e.id, e.staff, e.name) for e in log.events] == [
        ("E7", "S04", "刘 洋"), ("E8", "S09", "周杰")]


def test_shipped_events_and_logs_without_names_still_read() -> None:
    data = tiny()
    assert len(read_events(ROOT / "instances/roster/tiny_events.xlsx", data).events) == 3
    assert read_logs(ROOT / "instances/roster/tiny_logs.xlsx", data).teaching.records


@pytest.mark.parametrize("sheet", ["teaching", "leave"])
def test_logs_name_mismatch_is_a_located_error(tmp_path: Path, sheet: str) -> None:
    rows = {
        "teaching": [{"staff": "S01", "name": "张伟", "day": "2027-01-11"},
                     {"staff": "S01", "name": "张三", "day": "2027-01-25"}],
        "rounds": [{"staff": "S01", "day": "2027-01-06"}],
        "attendance": [{"staff": "S01", "day": "2027-01-04"}],
        "leave": [{"staff": "S01", "start": "2027-02-08", "end": "2027-02-09"}],
    }
    if sheet == "leave":
        rows["teaching"].pop()
        rows["leave"][0]["name"] = "张三"
    path = write_input_workbook(tmp_path / "logs.xlsx", LOG_SHEETS, rows)
    with pytest.raises(InputError) as exc:
        read_logs(path, tiny())
    (issue,) = exc.value.issues
    loc = issue.location
    title = next(s.zh for s in LOG_SHEETS if s.key == sheet)
    assert (loc.sheet, loc.row) == (title, 3 if sheet == "teaching" else 2)
    assert "姓名" in str(loc.column) and "S01" in str(loc.record)
    assert "张三" in issue.message and "张伟" in issue.message


def test_replan_refuses_a_wrong_name_exit_2(tmp_path: Path) -> None:
    """The CLI: one located message, exit 2, no traceback, nothing written."""
    ev = _events(tmp_path / "ev.xlsx", "王芳")
    roster = tmp_path / "r"
    assert _cli("solve", str(TINY_XLSX), "--out", str(roster), "--time-limit", "5",
                "--quiet").returncode == 0
    p = _cli("replan", str(TINY_XLSX), "--published", str(roster / "roster.xlsx"),
             "--events", str(ev), "--out", str(tmp_path / "o"), "--time-limit", "5",
             "--quiet", "--lang", "en")
    assert p.returncode == 2, (p.stdout, p.stderr)
    assert "Traceback" not in p.stderr
    assert "ev.xlsx" in p.stderr and "E8" in p.stderr and "王芳" in p.stderr
    assert not (tmp_path / "o").exists()


def _headers(ws) -> list[str]:
    return [c.value for c in ws[1]]


@pytest.mark.parametrize("kind", ["events", "logs"])
def test_ops_template_every_column_name_beside_id_and_dropdowns(tmp_path: Path,
                                                                  kind: str) -> None:
    out = tmp_path / f"{kind}.xlsx"
    p = _cli("ops-template", kind, str(out))
    assert p.returncode == 0, p.stderr
    wb = openpyxl.load_workbook(out)
    specs = EVENT_SHEETS if kind == "events" else LOG_SHEETS
    for spec in specs:
        ws = wb[spec.zh]
        heads = _headers(ws)
        assert heads == [c.header for c in spec.columns], spec.key  # every column
        if "工号 (staff)" in heads:
            j = heads.index("工号 (staff)")
            assert heads[j + 1] == "姓名 (name)"
            note = ws.cell(row=1, column=j + 2).comment
            assert note is not None and "工号" in note.text
    assert wb["选项"].sheet_state == "hidden"
    validated = {(ws.title, ws.cell(row=1, column=openpyxl.utils.column_index_from_string(
        str(dv.sqref).split(":")[0].rstrip("0123456789"))).value)
        for ws in wb.worksheets for dv in ws.data_validations.dataValidation}
    want = ({("事件", "类型 (kind)"), ("事件", "决定 (decision)")} if kind == "events" else
            {("考勤", "状态 (status)"), ("请假", "卫生院批准 (center approved)"),
             ("请假", "电话报备 (phone note)"), ("请假", "书面说明 (written note)")})
    assert want <= validated


@pytest.mark.parametrize("kind", ["events", "logs"])
def test_ops_template_example_rows_read_back(tmp_path: Path, kind: str) -> None:
    """The template's example rows are valid input (against the README's tiny example)."""
    out = tmp_path / f"{kind}.xlsx"
    assert _cli("ops-template", kind, str(out)).returncode == 0
    if kind == "events":
        assert read_events(out, tiny()).events
    else:
        assert read_logs(out, tiny()).teaching.records
