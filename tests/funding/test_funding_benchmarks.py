"""The allocation engine on literature sets: OR-Library MKP (mknap1 optima, by solving) and
Pabulib participatory budgets (the greedy-by-votes rule reproduces the cities' selections)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from funding_fixtures import MKP_DIR, PB_DIR

from assignments.core.errors import InputError
from assignments.core.solver import SolveStatus
from assignments.funding.mkp import mkp_data, read_mkp, solve_mkp
from assignments.funding.pabulib import greedy_by_votes, pb_data, read_pb
from assignments.funding.solution import check
from assignments.funding.solve import solve

LANG = "en"  # these tests read the English messages (msgids)

MKNAP1 = read_mkp(MKP_DIR / "mknap1.txt")


@pytest.mark.parametrize("k", range(7))
def test_mknap1_optimum_by_solving(k: int) -> None:
    """Each of the 7 mknap1 problems is solved to proven optimality and reaches the optimum
    printed in the file (problem 1 has fractional profits: scaled by 10)."""
    inst = MKNAP1[k]
    r = solve_mkp(inst, time_limit=30, method="cpsat")
    assert r.status is SolveStatus.OPTIMAL
    assert r.objective is not None
    assert r.objective / inst.scale == pytest.approx(inst.optimum)
    data = mkp_data(inst)
    assert r.solution is not None and check(data, r.solution) == []
    # each constraint is a period budget of the one source
    spent = r.solution.by_source_period(1, inst.m)[0]
    assert all(s <= c for s, c in zip(spent, inst.capacities, strict=True))


def test_mknap1_file_layout() -> None:
    """The reader follows the header counts: 7 problems, the sizes of the OR-Library file."""
    assert [(i.n, i.m) for i in MKNAP1] == [(6, 10), (10, 10), (15, 10), (20, 10), (28, 10),
                                            (39, 5), (50, 5)]
    assert MKNAP1[1].scale == 10 and MKNAP1[1].optimum == pytest.approx(8706.1)


def test_core_search_on_mknapcb1() -> None:
    """The LP-based core search (method "core") in deterministic mode: the same plan twice,
    within 1% of the proven optimum of 5.100-00 (24381, BEST_KNOWN.md) after one unit of
    deterministic time, every core plan valid (the gap figures are the benchmark's job)."""
    inst = read_mkp(MKP_DIR / "mknapcb1.txt")[0]
    a = solve_mkp(inst, time_limit=1, method="core", deterministic=True)
    b = solve_mkp(inst, time_limit=1, method="core", deterministic=True)
    assert a.solution is not None and b.solution is not None
    assert a.solution.level == b.solution.level
    assert a.objective is not None and a.objective >= 0.99 * 24381
    # the cores in order, as many as the solve's budget allows (its wall clock is a net even in
    # deterministic mode: a loaded machine runs fewer)
    cores = [c["core"] for c in a.stats["core_search"]]
    assert cores and cores == ["e30", "r40", "e45", "r55"][: len(cores)]
    assert all(-c["value"] <= a.objective for c in a.stats["core_search"])
    assert check(mkp_data(inst), a.solution) == []


def test_mkp_reader_errors(tmp_path: Path) -> None:
    """A truncated file names the instance where the numbers run out."""
    bad = tmp_path / "short.txt"
    bad.write_text("2\n 3 1 0\n 1 2 3\n 1 1 1\n 2\n 3 1 0\n 4 5\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_mkp(bad)
    assert "short.txt" in str(err.value) and "instance 1" in str(err.value)


PB_FILES = sorted(PB_DIR.glob("*.pb"))


def test_pabulib_greedy_reproduces_selected() -> None:
    """On every file whose META says rule;greedy and that has a selected column, the greedy
    rule (projects by votes, each funded if it still fits) picks exactly the city's projects."""
    checked = 0
    for path in PB_FILES:
        inst = read_pb(path)
        if inst.rule != "greedy" or inst.selected() is None:
            continue
        assert sorted(greedy_by_votes(inst)) == sorted(inst.selected() or []), path.name
        checked += 1
    assert checked == 2  # the two Warszawa files; Toulouse and Częstochowa have no selected


@pytest.mark.parametrize("path", PB_FILES, ids=[p.stem[:30] for p in PB_FILES])
def test_pabulib_allocation(path: Path) -> None:
    """The allocator maximises the votes funded within the budget: at least as many as the
    greedy rule, never more money than the budget."""
    inst = read_pb(path)
    data = pb_data(inst)
    r = solve(data, time_limit=20, num_workers=1)
    assert r.status is SolveStatus.OPTIMAL and r.solution is not None
    greedy_votes = sum(inst.support(p) for p in inst.projects
                       if p["project_id"] in greedy_by_votes(inst))
    assert r.objective is not None and r.objective >= greedy_votes
    spent = sum(data.projects[j].cost for j in r.solution.funded())
    assert spent <= inst.budget


def test_chicago_optimum_beats_greedy() -> None:
    """Chicago 36th Ward 2017: greedy funds the one project costing the whole budget (150
    votes); the optimum funds the other seven (416 votes)."""
    path = next(p for p in PB_FILES if "Chicago" in p.name)
    inst = read_pb(path)
    assert greedy_by_votes(inst) == ["617"]
    r = solve(pb_data(inst), time_limit=20, num_workers=1)
    assert r.objective == 416


def test_pb_reader_errors(tmp_path: Path) -> None:
    """A .pb file without a budget, or with a cost that is not a number, is located."""
    f = tmp_path / "x.pb"
    f.write_text("META\nkey;value\nnum_projects;1\nPROJECTS\nproject_id;cost;votes\n1;10;3\n",
                 encoding="utf-8")
    with pytest.raises(InputError, match=re.escape("x.pb, sheet META: missing budget")):
        read_pb(f)
    f.write_text("META\nkey;value\nbudget;100\nPROJECTS\nproject_id;cost;votes\n1;ten;3\n",
                 encoding="utf-8")
    with pytest.raises(InputError, match=re.escape("x.pb, sheet PROJECTS, row 6")):
        read_pb(f)
