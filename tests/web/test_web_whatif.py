"""What-if from the page, without the page: the workbook rewritten with the changes (and
unchanged without any), the plan diff."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from web_fixtures import TINY

from assignments.web.worker import apply_whatif, check_upload, plan_diff, solve_job


class _Box:
    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []

    def put(self, item: dict[str, Any]) -> None:
        self.items.append(item)


def _solve(model: str, workbook: Path, out: Path) -> dict[str, Any]:
    box = _Box()
    solve_job({"model": model, "workbook": str(workbook), "out": str(out), "lang": "en",
               "time_limit": 5, "seed": 0, "workers": 2, "preset": None,
               "engine": "auto"}, box, threading.Event())
    final = box.items[-1]
    assert final["kind"] == "done", final
    return final


@pytest.mark.parametrize("model", ["roster", "mentoring", "funding"])
def test_rewritten_workbook_without_changes_solves_the_same(model: str, tmp_path: Path) -> None:
    copy = apply_whatif(model, TINY[model], [], tmp_path / "copy.xlsx")
    assert check_upload(model, copy, "en")["ok"]
    a = _solve(model, TINY[model], tmp_path / "a")
    b = _solve(model, copy, tmp_path / "b")
    assert a["status"] == b["status"] == "optimal"
    assert a["objectives"] == b["objectives"]


def test_dropping_the_only_industry_project_is_infeasible_and_said(tmp_path: Path) -> None:
    changed = apply_whatif("funding", TINY["funding"], [{"kind": "drop", "a": "P1"}],
                           tmp_path / "drop.xlsx", "en")
    r = _solve("funding", changed, tmp_path / "out")
    assert r["status"] == "infeasible" and not r["has_solution"]
    text = "\n".join(r["summary"] + r["explanation"])
    assert "P1" in text and "F2" in text


def test_unknown_project_is_a_message() -> None:
    from assignments.core.errors import UserError

    with pytest.raises(UserError, match="'P99'"):
        apply_whatif("funding", TINY["funding"], [{"kind": "fund", "a": "P99"}],
                     Path("/nonexistent/x.xlsx"), "en")


def test_budget_change_is_written(tmp_path: Path) -> None:
    from assignments.web.worker import _records

    changed = apply_whatif("funding", TINY["funding"],
                           [{"kind": "budget", "a": "S1", "b": 123456}], tmp_path / "b.xlsx")
    src = {str(r["id"]): r for r in _records("funding", changed)["sources"]}
    assert src["S1"]["amount"] == 123456


def test_plan_diff_roster_mentoring_funding() -> None:
    before = {"objectives": {"a": 1, "b": 2},
              "assignments": [{"staff": "S1", "quarter": "2027Q1", "center": "C1"},
                              {"staff": "S2", "quarter": "2027Q2", "center": "C1"}]}
    after = {"objectives": {"a": 1, "b": 3},
             "assignments": [{"staff": "S1", "quarter": "2027Q2", "center": "C1"},
                             {"staff": "S2", "quarter": "2027Q2", "center": "C1"}]}
    d = plan_diff("roster", before, after)
    assert d["levels"] == [{"level": "a", "before": 1, "after": 1},
                           {"level": "b", "before": 2, "after": 3}]
    assert d["changes"] == [{"what": "S1", "before": "2027Q1 C1", "after": "2027Q2 C1"}]
    m = plan_diff("mentoring", {"pairs": [{"mentor": "T1", "mentee": "T2"}]},
                  {"pairs": [{"mentor": "T1", "mentee": "T3"}]})
    assert m["changes"] == [{"what": "T1 → T2", "before": "✓", "after": "—"},
                            {"what": "T1 → T3", "before": "—", "after": "✓"}]
    f = plan_diff("funding", {"projects": [{"project": "P1", "yuan": 100},
                                           {"project": "P2", "yuan": 0}]},
                  {"projects": [{"project": "P1", "yuan": 50}, {"project": "P2", "yuan": 10}]})
    assert f["changes"] == [{"what": "P1", "before": "100", "after": "50"},
                            {"what": "P2", "before": "—", "after": "10"}]
