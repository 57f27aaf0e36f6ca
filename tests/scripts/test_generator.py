"""The seeded roster generator (scripts/generate_roster.py): deterministic, sized, solvable."""

from __future__ import annotations

import importlib.util
from collections import Counter
from pathlib import Path

import pytest

from assignments.core.solver import SolveStatus
from assignments.roster import check, read_roster, solve

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location(
    "generate_roster", ROOT / "scripts" / "generate_roster.py"
)
assert _spec and _spec.loader
gen = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gen)

SMALL = {"departments": 6, "staff": 40, "centers": 1, "quarters": 6}
SIZES = [
    SMALL,
    {"departments": 12, "staff": 120, "centers": 2, "quarters": 8},
    {"departments": 50, "staff": 700, "centers": 3, "quarters": 12},  # wards 一病区, 二病区
]


def test_same_seed_same_records() -> None:
    """The same arguments and seed give identical records."""
    assert gen.generate(**SIZES[1], seed=7) == gen.generate(**SIZES[1], seed=7)


def test_different_seed_different_records() -> None:
    """A different seed gives different records."""
    assert gen.generate(**SIZES[1], seed=1) != gen.generate(**SIZES[1], seed=2)


@pytest.mark.parametrize("size", SIZES)
def test_sizes_match_arguments(size: dict[str, int]) -> None:
    """Departments, staff, centers, quarters and deferral requests are as asked."""
    rec = gen.generate(**size, seed=3, deferrals=2)
    assert len(rec["departments"]) == size["departments"]
    assert len(rec["staff"]) == size["staff"]
    assert len(rec["centers"]) == size["centers"]
    assert {r["value"] for r in rec["policy"] if r["parameter"] == "季度数"} == {size["quarters"]}
    assert len(rec["deferrals"]) == 2
    assert len({s["id"] for s in rec["staff"]}) == size["staff"]
    assert len({d["name"] for d in rec["departments"]}) == size["departments"]
    assert sorted(d["order"] for d in rec["departments"]) == list(range(1, size["departments"] + 1))


@pytest.mark.parametrize("size", SIZES)
def test_reads_back(tmp_path: Path, size: dict[str, int]) -> None:
    """Every generated workbook reads back with read_roster, records unchanged in number."""
    rec = gen.generate(**size, seed=5)
    data = read_roster(gen.write(tmp_path / "g.xlsx", rec))
    assert len(data.staff) == size["staff"]
    assert len(data.departments) == size["departments"]
    assert data.policy.quarters == size["quarters"]
    assert len(data.unavailability) == len(rec.get("unavailability", []))
    assert len(data.deferrals) == len(rec.get("deferrals", []))
    assert all(c.seats == gen.SEATS_PER_CENTER for c in data.centers)


def test_feasibility_floors() -> None:
    """Each department has turn size + 3 staff, turn size + 2 of them intermediate."""
    rec = gen.generate(departments=25, staff=300, centers=2, quarters=12, seed=1)
    staff = Counter(s["department"] for s in rec["staff"])
    inter = Counter(s["department"] for s in rec["staff"] if s["title"] == "中级")
    for d in rec["departments"]:
        assert staff[d["id"]] >= d["turn_size"] + 3
        assert inter[d["id"]] >= d["turn_size"] + 2
    assert sum(d["turn_size"] for d in rec["departments"]) == 2 * 3 * 12  # one cycle
    titles = Counter(s["title"] for s in rec["staff"])
    assert titles.most_common(1)[0][0] == "中级"


def test_too_few_staff_is_refused() -> None:
    """Asking for fewer staff than the departments' turns need raises a clear ValueError."""
    with pytest.raises(ValueError, match="too few"):
        gen.generate(departments=10, staff=20, centers=2, quarters=12)


def test_cli_preset(tmp_path: Path) -> None:
    """The CLI writes a workbook; explicit sizes override the preset's."""
    out = tmp_path / "cli.xlsx"
    assert gen.main([str(out), "--preset", "county", "--staff", "200", "--seed", "1"]) == 0
    data = read_roster(out)
    assert (len(data.departments), len(data.staff), len(data.centers)) == (25, 200, 2)


def test_small_instance_solves_and_checks(tmp_path: Path) -> None:
    """A small generated instance solves to optimality and passes the independent checker."""
    data = read_roster(gen.write(tmp_path / "small.xlsx", gen.generate(**SMALL, seed=1)))
    r = solve(data, time_limit=30, num_workers=2)
    assert r.status is SolveStatus.OPTIMAL, r.explanation
    assert r.solution is not None
    assert check(data, r.solution) == []
