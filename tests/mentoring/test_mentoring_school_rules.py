"""The school modes' checkers (DOMAIN §M "also in scope"): school pairing and 1+1+1 groups
(rule MS), teacher placement (rule MP) — each solved answer on instances/mentoring/schools.xlsx
passes its checker, and each hand-broken answer is reported under its rule key, the message
led by the broken family's label from the registry."""

from __future__ import annotations

import pytest
from mentoring_fixtures import ROOT

from assignments.mentoring.data import MentoringData, read_mentoring
from assignments.mentoring.rules import RULES
from assignments.mentoring.schools import (
    Group,
    check_groups,
    check_placement,
    check_school_pairs,
    solve_groups,
    solve_placement,
    solve_school_pairs,
)

LANG = "en"  # these tests read the English messages (msgids); Chinese: test_mentoring_zh_outputs.py

SCHOOLS_XLSX = ROOT / "instances" / "mentoring" / "schools.xlsx"
FAST = {"time_limit": 5, "num_workers": 1, "deterministic": True}


@pytest.fixture(scope="module")
def data() -> MentoringData:
    return read_mentoring(SCHOOLS_XLSX)


def families(violations: list) -> list[str]:
    """The family of each violation, read back from its message's label."""
    out = []
    for v in violations:
        fam = [f for f in RULES.families if RULES.rule(f).key == v.rule
               and v.message.startswith(RULES.label(f, "en") + ":")]
        assert len(fam) == 1, v
        out.append(fam[0])
    return sorted(set(out))


def test_school_pairs(data: MentoringData) -> None:
    """U1–R1 … U4–R4 solved and valid; reversed roles, mixed categories, two helpers for one
    school, two schools for one helper: each its MS family."""
    res, p, _table = solve_school_pairs(data, **FAST)
    assert res.solution is not None
    pairs = [(p.mentors[i], p.mentees[e]) for i, e in res.solution.pairs(p)]
    assert check_school_pairs(data, pairs) == []
    cases = {
        "school_roles": [("R1", "U1")],
        "school_category": [("U1", "R3")],  # 小学 helps 初中
        "school_one_helper": [("U1", "R1"), ("U2", "R1")],
        "school_capacity": [("U1", "R1"), ("U1", "R2")],  # 可结对数 1
    }
    for family, broken in cases.items():
        found = check_school_pairs(data, broken)
        assert {v.rule for v in found} == {"MS"}, found
        assert families(found) == [family], found
    far = check_school_pairs(data, [("U1", "R2")], max_travel=0)
    assert families(far) == ["school_travel"] and "> 0 and not partners" in far[0].message


def test_groups(data: MentoringData) -> None:
    """The solved 1+1+1 groups are valid; a group without a 高职, a college in two groups,
    and a travel limit of 0 min: each its MS family."""
    res, _table = solve_groups(data, **FAST)
    assert res.solution and check_groups(data, res.solution) == []
    g = res.solution[0]
    kinds = check_groups(data, [Group(g.demo, g.college, g.helped, 0)])
    assert families(kinds) == ["group_kinds"]
    twice = check_groups(data, [g, Group(g.college, g.demo, "V3", 0)])
    assert {v.rule for v in twice} == {"MS"} and families(twice) == ["group_capacity"]
    far = check_groups(data, [g], max_travel=0)
    assert families(far) == ["group_travel"]


def test_placement(data: MentoringData) -> None:
    """The solved placement is valid; a teacher placed twice, a 语文 teacher on an 英语 row,
    two teachers on a row asking for one: each its MP family."""
    res, pl, _tables = solve_placement(data, **FAST)
    assert res.solution is not None
    p = pl.problem
    placed = [(p.mentors[i], pl.slots[e][0]) for i, e in res.solution.pairs(p)]
    assert check_placement(data, placed) == []
    assert data.demand[0].subject == "英语" and data.demand[0].number == 1
    cases = {
        "place_once": [("P01", 0), ("P01", 0)],  # also two on row 0
        "place_match": [("P03", 0)],  # 语文 teacher, 英语 demand
        "place_demand": [("P01", 0), ("P08", 0)],  # two 英语 teachers, one place
    }
    for family, broken in cases.items():
        found = check_placement(data, broken)
        assert {v.rule for v in found} == {"MP"}, found
        assert family in families(found), found
