"""Explanations of an infeasible roster (#16 point 8): every line belongs to the verified
conflict, names (never ids) throughout, an end-of-cycle deferral refused with the decisions
that can be applied instead, and only suggestions that re-solving verified.

Each instance has four departments with ids K01–K04 (so an id in a line is easy to spot) and
one department that exactly meets its need: a line about it would not belong to the conflict.
"""

from __future__ import annotations

import copy
import dataclasses
import re
from pathlib import Path
from typing import Any

import pytest
from roster_fixtures import Records, write_records

from assignments.core.errors import InputError
from assignments.core.solver import SolveStatus
from assignments.roster import read_roster, solve
from assignments.roster.data import DeferralRequest, RosterData
from assignments.roster.solution import check

NAMES = {"K01": "心内科", "K02": "普外科", "K03": "儿科", "K04": "骨科"}
PEOPLE = {
    "K01": [("P01", "张伟", "中级"), ("P02", "王芳", "中级"), ("P03", "李娜", "副高")],
    "K02": [("P04", "刘洋", "中级"), ("P05", "陈静", "中级"), ("P06", "杨帆", "初级")],
    "K03": [("P07", "赵敏", "中级"), ("P08", "黄磊", "中级"), ("P09", "周杰", "初级")],
    "K04": [("P10", "吴刚", "中级"), ("P11", "徐丽", "中级"), ("P12", "孙强", "初级")],
}
BASE: Records = {
    "policy": [{"parameter": "起始季度", "value": "2027Q1"},
               {"parameter": "季度数", "value": 4}],
    "centers": [{"id": "C01", "name": "石桥镇卫生院", "seats": 3}],
    "departments": [{"id": k, "name": v, "order": i + 1} for i, (k, v) in enumerate(NAMES.items())],
    "staff": [
        {"id": sid, "name": name, "department": d, "title": title}
        for d, people in PEOPLE.items()
        for sid, name, title in people
    ],
    "unavailability": [],
    "deferrals": [],
}
ID = re.compile(r"\b(K0\d|P\d\d|C01)\b")


def _data(tmp_path: Path, edit: Any = None, name: str = "explain.xlsx") -> RosterData:
    rec = copy.deepcopy(BASE)
    if edit is not None:
        edit(rec)
    return read_roster(write_records(tmp_path, rec, name))


def _verified_changes_give_rosters(data: RosterData, result: Any) -> int:
    """Apply each suggestion printed as verified to the data, re-solve, and check the roster."""
    shown = [line for line in result.explanation if "[已验证]" in line or "[verified]" in line]
    suggestions = result.stats.get("suggestions", [])
    assert len(shown) == len(suggestions)
    for s in suggestions:
        changed = dataclasses.replace(data, deferrals=[
            DeferralRequest(department=r["department"], quarter=r["quarter"],
                            decision=r["decision"]) for r in s["deferrals"]])
        r = solve(changed, time_limit=5, explain=False)
        assert r.status.has_solution, s
        assert r.solution is not None and check(changed, r.solution) == []
    return len(suggestions)


def _leave(rec: Records, sid: str, start: str, end: str, reason: str) -> None:
    rec["unavailability"].append({"staff": sid, "start": start, "end": end, "reason": reason})


def test_too_few_available_names_the_conflict_only(tmp_path: Path) -> None:
    """普外科's turn (2027Q2) needs all 3; 陈静 is away. 儿科 (2027Q3) exactly meets its need:
    no line about it; no id; the deferrals that work are verified and really give a roster."""
    data = _data(tmp_path, lambda r: _leave(r, "P05", "2027-04-01", "2027-06-30", "进修"))
    result = solve(data, time_limit=10)
    assert result.status is SolveStatus.INFEASIBLE
    text = "\n".join(result.explanation)
    assert "普外科" in text and "2027Q2" in text and "陈静" in text and "进修" in text
    assert "证实" in text  # the conflict was re-solved alone (Chinese by default)
    assert not ID.search(text), text
    assert "儿科" not in text and "骨科" not in text and "心内科" not in text, text
    assert "2027Q3" not in text and "2027Q4" not in text, text
    assert _verified_changes_give_rosters(data, result) >= 1
    assert "[已验证] 普外科" in text


def test_english_with_lang_en(tmp_path: Path) -> None:
    """The same explanation in English with lang="en"."""
    data = _data(tmp_path, lambda r: _leave(r, "P05", "2027-04-01", "2027-06-30", "进修"))
    result = solve(data, time_limit=10, lang="en")
    text = "\n".join(result.explanation)
    assert "confirms it" in text and "2027Q2; whose turn it is: 普外科 2 available" in text
    assert "[verified] 普外科 requests a deferral" in text
    assert not ID.search(text) and "儿科" not in text


def test_title_mix_conflict_names_center_and_department(tmp_path: Path) -> None:
    """儿科 has 4 staff; with 赵敏 away in 2027Q3 only 黄磊 of its available staff is 中级, but
    石桥镇卫生院 needs 2 of its 3 seats 中级: a title-mix conflict that deferring 儿科 solves.
    骨科 (2027Q4) exactly meets its need: no line about it."""

    def edit(r: Records) -> None:
        r["staff"].append({"id": "P13", "name": "高原", "department": "K03", "title": "初级"})
        _leave(r, "P07", "2027-07-01", "2027-09-30", "产假")

    data = _data(tmp_path, edit)
    result = solve(data, time_limit=10)
    assert result.status is SolveStatus.INFEASIBLE
    text = "\n".join(result.explanation)
    assert "R8" in text and "石桥镇卫生院" in text and "儿科" in text and "2027Q3" in text
    assert not ID.search(text), text
    conflict = [line for line in result.explanation if line.startswith("- ")]
    assert not any("骨科" in line or "心内科" in line or "普外科" in line for line in conflict)
    assert _verified_changes_give_rosters(data, result) >= 1


def test_no_verified_change_is_said_honestly(tmp_path: Path) -> None:
    """儿科 has a single 中级 all year: no deferral helps, so none is suggested (the old text
    said "a deferral request (next or last) would move its turn"), and the output says so."""

    def edit(r: Records) -> None:
        for s in r["staff"]:
            if s["id"] == "P08":
                s["title"] = "初级"

    data = _data(tmp_path, edit)
    result = solve(data, time_limit=10, lang="en")
    assert result.status is SolveStatus.INFEASIBLE
    text = "\n".join(result.explanation)
    assert "儿科" in text and "R8 title mix" in text
    assert "would move its turn" not in text and "[verified]" not in text
    assert "None of the" in text and "makes a roster exist" in text
    assert result.stats.get("suggestions") == []


def test_last_of_cycle_gets_no_deferral_hint(tmp_path: Path) -> None:
    """Two centers, two departments a quarter: 骨科 (last of the cycle) is one short in 2027Q2,
    儿科 fills its 3 seats there exactly. Neither 'next' nor 'last' can move 骨科, so no
    deferral is suggested (the old text said one "would move its turn"); 儿科 is not named."""

    def edit(r: Records) -> None:
        r["centers"].append({"id": "C02", "name": "河口镇卫生院", "seats": 3})
        for d in r["departments"]:
            d["turn_size"] = 3
        r["policy"][1]["value"] = 2
        _leave(r, "P10", "2027-04-01", "2027-06-30", "进修")

    data = _data(tmp_path, edit)
    result = solve(data, time_limit=10, lang="en")
    assert result.status is SolveStatus.INFEASIBLE
    text = "\n".join(result.explanation)
    assert "骨科" in text and "吴刚" in text and "2027Q2" in text
    assert "儿科" not in text and not ID.search(text), text
    assert "would move its turn" not in text and "could move its turn" not in text
    assert "[verified]" not in text and "No change to suggest" in text
    assert len([x for x in result.explanation if "吴刚" in x]) == 1  # told once, not twice


def test_deferral_already_used_is_stated_and_alternatives_verified(tmp_path: Path) -> None:
    """普外科 deferred 'next' into 2027Q3, where 刘洋 is away: the line says the deferral was
    used; deciding 'last' instead (2027Q4) is offered, verified; withdrawing it is not (陈静 is
    away in 2027Q2)."""

    def edit(r: Records) -> None:
        _leave(r, "P05", "2027-04-01", "2027-06-30", "进修")
        _leave(r, "P04", "2027-07-01", "2027-09-30", "休假")
        r["deferrals"].append({"department": "K02", "quarter": "2027Q2", "decision": "next"})

    data = _data(tmp_path, edit)
    result = solve(data, time_limit=10)
    assert result.status is SolveStatus.INFEASIBLE
    text = "\n".join(result.explanation)
    assert "普外科" in text and "已后延" in text and "刘洋" in text
    assert not ID.search(text), text
    assert _verified_changes_give_rosters(data, result) >= 1
    assert "[已验证]普外科的后延申请（2027Q2）改为last" in text.replace(" ", "")
    assert "撤回" not in text


def test_end_of_cycle_next_is_refused_with_the_alternatives(tmp_path: Path) -> None:
    """骨科 is the last department of cycle 1: 'next' is refused; the message names 骨科 (not
    K04), says whether 'last' can be applied, and what can be (verified by re-solving)."""

    def edit(r: Records) -> None:
        r["policy"][1]["value"] = 8
        r["deferrals"].append({"department": "K04", "quarter": "2027Q4", "decision": "next"})

    data = _data(tmp_path, edit)
    with pytest.raises(InputError) as err:
        solve(data, time_limit=10, lang="en")
    msg = str(err.value)
    assert "骨科" in msg and "'K04'" not in msg and "K04" not in msg, msg
    assert "last" in msg  # what 'last' would do is said
    assert "withdrawing the request" in msg and "verified" in msg, msg
    # the verified alternative really gives a roster
    withdrawn = dataclasses.replace(data, deferrals=[])
    r = solve(withdrawn, time_limit=5, explain=False)
    assert r.solution is not None and check(withdrawn, r.solution) == []
    with pytest.raises(InputError) as err_zh:
        solve(data, time_limit=10)
    assert "撤回该申请" in str(err_zh.value) and "已验证" in str(err_zh.value)


def test_cli_prints_the_explanation_in_the_chosen_language(tmp_path: Path) -> None:
    """`roster solve --lang en` reaches the explanation (exit 1: no roster); Chinese by default."""
    from typer.testing import CliRunner

    from assignments.cli import app

    rec = copy.deepcopy(BASE)
    _leave(rec, "P05", "2027-04-01", "2027-06-30", "进修")
    book = write_records(tmp_path, rec, "cli.xlsx")
    runner = CliRunner()
    en = runner.invoke(app, ["roster", "solve", str(book), "--out", str(tmp_path / "en"),
                             "--time-limit", "5", "--lang", "en"])
    assert en.exit_code == 1, en.output
    assert "No roster exists" in en.output and "[verified] 普外科" in en.output
    zh = runner.invoke(app, ["roster", "solve", str(book), "--out", str(tmp_path / "zh"),
                             "--time-limit", "5"])
    assert zh.exit_code == 1, zh.output
    assert "无法排出轮转表" in zh.output and "[已验证] 普外科" in zh.output
    assert not ID.search(zh.output.split("警告")[0])
