"""A person is re-dispatched once in a re-plan (DOMAIN §R Duties, seed 篇1 四(三): all three
items failed -> 安排其重新下乡, once). A second 重新下乡 event for the same person — typed by
the office and also written by ``roster assess``, or the assessment file given twice — would be
answered by the same extra rotation (one of the two silently void): the re-planner refuses it,
located, naming both events; the independent checker flags two re-dispatch terms of one
person (R10)."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest
from roster_ops_fixtures import ROOT, TINY_XLSX, tiny, write_events

from assignments.core.errors import InputError
from assignments.core.solver import SolveStatus
from assignments.roster import check, solve
from assignments.roster.data import RedispatchTerm, ReplanTerms
from assignments.roster.events import read_events
from assignments.roster.replan import replan

LANG = "en"
AS_OF = [{"parameter": "重排日期", "value": "2027-03-29"}]


@pytest.fixture(scope="module")
def published():
    data = tiny()
    r = solve(data, time_limit=10)
    assert r.status is SolveStatus.OPTIMAL
    return data, r.solution


def _files(tmp_path: Path, second: dict) -> list[Path]:
    office = write_events(tmp_path / "office.xlsx", [
        {"id": "E1", "kind": "进修", "staff": "S04", "start": "2027-07-01", "end": "2027-09-30"},
        {"id": "KH1", "kind": "重新下乡", "staff": "S01", "quarter": "2027Q1"},
    ], settings=AS_OF)
    assess = write_events(tmp_path / "assess.xlsx", [second])
    return [office, assess]


def test_the_same_failed_rotation_twice_is_refused(tmp_path: Path, published) -> None:
    data, pub = published
    files = _files(tmp_path, {"id": "KH-S01-2027Q1", "kind": "重新下乡", "staff": "S01",
                              "quarter": "2027Q1"})
    with pytest.raises(InputError) as exc:
        replan(data, pub, read_events(files, data), time_limit=10)
    (issue,) = exc.value.issues
    loc = issue.location
    assert loc.file is not None and loc.file.endswith("assess.xlsx")
    assert (loc.sheet, loc.row) == ("事件", 2) and "KH-S01-2027Q1" in str(loc.record)
    assert "工号" in str(loc.column)
    # the first event: its id, file, sheet and row
    for part in ("KH1", "office.xlsx", "sheet 事件", "row 3", "2027Q1", "once"):
        assert part in issue.message, (part, issue.message)


def test_a_second_failed_rotation_of_the_same_person_is_refused(tmp_path: Path,
                                                                published) -> None:
    """Two different failed rotations in one re-plan: one extra rotation would answer both."""
    data, pub = published
    files = _files(tmp_path, {"id": "K2", "kind": "重新下乡", "staff": "张伟"})
    with pytest.raises(InputError) as exc:
        replan(data, pub, read_events(files, data), time_limit=10)
    (issue,) = exc.value.issues
    assert "K2" in str(issue.location.record) and "KH1" in issue.message
    assert "office.xlsx" in issue.message and "once in a re-plan" in issue.message


def test_two_people_each_once_are_accepted(tmp_path: Path, published) -> None:
    data, pub = published
    other = next(a.staff for a in pub.assignments if a.quarter == 0 and a.staff != "S01")
    files = _files(tmp_path, {"id": "K2", "kind": "重新下乡", "staff": other,
                              "quarter": "2027Q1"})
    out = replan(data, pub, read_events(files, data), time_limit=10)
    assert out.result.solution is not None
    assert check(out.data, out.result.solution) == []
    terms = out.data.replan.redispatch
    assert sorted(t.staff for t in terms) == sorted(["S01", other])


def test_checker_flags_two_terms_of_one_person(published) -> None:
    """Both windows hold the person's one rotation: each term alone is met, two are not."""
    data, pub = published
    q = next(a.quarter for a in pub.assignments if a.staff == "S01")
    terms = [RedispatchTerm("S01", q, q, "K1"), RedispatchTerm("S01", q, q, "K2")]
    pubmap = {(a.staff, a.quarter): a.center for a in pub.assignments}
    one = dataclasses.replace(data, replan=ReplanTerms(pubmap, frozen=0, redispatch=terms[:1]))
    assert [v for v in check(one, pub) if v.rule == "R10"] == []
    two = dataclasses.replace(data, replan=ReplanTerms(pubmap, frozen=0, redispatch=terms))
    found = [v for v in check(two, pub) if v.rule == "R10"]
    assert found and "K1" in found[0].message and "K2" in found[0].message


def test_cli_refuses_the_assessment_file_given_twice(tmp_path: Path) -> None:
    """`roster replan --events A --events A`-like input: exit 2, the message, no traceback."""
    run = lambda *a: subprocess.run(  # noqa: E731
        [sys.executable, "-m", "assignments.cli", "roster", *a], cwd=ROOT, capture_output=True,
        text=True, timeout=300)
    assert run("solve", str(TINY_XLSX), "--out", str(tmp_path / "r"), "--time-limit", "5",
               "--quiet").returncode == 0
    files = _files(tmp_path, {"id": "KH-S01-2027Q1", "kind": "重新下乡", "staff": "S01",
                              "quarter": "2027Q1"})
    p = run("replan", str(TINY_XLSX), "--published", str(tmp_path / "r" / "roster.xlsx"),
            "--events", str(files[0]), "--events", str(files[1]), "--out", str(tmp_path / "o"),
            "--time-limit", "5", "--quiet", "--lang", "en")
    assert p.returncode == 2, (p.stdout, p.stderr)
    assert "Traceback" not in p.stderr
    assert "KH1" in p.stderr and "KH-S01-2027Q1" in p.stderr
    assert not (tmp_path / "o").exists()
