"""The pairing engine on the literature: all 60 OR-Library problems gap1–gap12, solved in both
directions (maximise the first matrix as profit, minimise it as cost), must reach the published
optimum (instances/mentoring/gap/optima.csv), proven optimal, and pass the checker. Also the
GAP reader's located errors.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from mentoring_fixtures import GAP_DIR

from assignments.core.errors import InputError
from assignments.core.solver import SolveStatus
from assignments.pairing import check_pairing, pairing_levels, read_gap, solve_pairing
from assignments.pairing.readers.orlib import parse_gap


def _optima() -> dict[str, list[dict[str, str]]]:
    out: dict[str, list[dict[str, str]]] = {}
    with (GAP_DIR / "optima.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            out.setdefault(row["file"], []).append(row)
    return out


OPTIMA = _optima()


def test_sixty_problems_listed() -> None:
    """Twelve files of five problems each."""
    assert sum(len(v) for v in OPTIMA.values()) == 60


@pytest.mark.parametrize("sense", ["max", "min"])
@pytest.mark.parametrize("name", [f"gap{i}" for i in range(1, 13)])
def test_gap_optima(name: str, sense: str) -> None:
    """Each problem of the file solved to proven optimality with the published value."""
    problems = read_gap(GAP_DIR / f"{name}.txt", sense=sense)  # type: ignore[arg-type]
    rows = OPTIMA[name]
    assert len(problems) == len(rows) == 5
    for p, row in zip(problems, rows, strict=True):
        res = solve_pairing(p, time_limit=20, num_workers=2)
        assert res.status is SolveStatus.OPTIMAL, (p.name, sense)
        assert res.solution is not None
        assert check_pairing(p, res.solution) == []
        assert pairing_levels(p, res.solution)["quality"] == res.objective == int(row[sense])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1 2 3 x", "token 4 'x' is not a whole number"),  # a letter among the numbers
        ("7", "too short"),  # no sizes
        ("2 1 2 5 5 1 1 3 9", "problem 2 of 2 is missing"),  # two problems announced, one given
        ("1 2 2 1 2 3 4 1 1 1 1 5 5 9", "1 extra numbers"),  # one number too many
        ("1 1 2 5 5 -1 1 3", "must be ≥ 0"),  # a negative resource
    ],
)
def test_gap_reader_errors(text: str, message: str) -> None:
    """A broken GAP file gets one message naming the file and what is wrong."""
    with pytest.raises(InputError) as err:
        parse_gap(text, name="bad", path="bad.txt")
    assert message in str(err.value) and "bad.txt" in str(err.value)


def test_gap_reader_single_instance_format(tmp_path: Path) -> None:
    """A Yagiura-style file (no problem count) reads as one problem; jobs fit by hand."""
    f = tmp_path / "e01.txt"
    f.write_text("2 3\n 1 2 3\n 3 2 1\n 2 2 2\n 2 2 2\n 4 4\n", encoding="utf-8")
    (p,) = read_gap(f, sense="min")
    res = solve_pairing(p, time_limit=5, num_workers=1)
    assert res.status is SolveStatus.OPTIMAL
    # agents hold two jobs each at most: job1 → agent1 (1), job3 → agent2 (1), job2 either (2)
    assert res.objective == 4
