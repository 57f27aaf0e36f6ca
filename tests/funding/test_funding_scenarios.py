"""Scenarios: derived from the base with model_copy, solved through any Executor, compared side
by side with the projects that enter or leave and why."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from funding_fixtures import ROOT, TINY_XLSX

from assignments.core.errors import InputError
from assignments.core.i18n import use_lang
from assignments.funding.data import read_funding
from assignments.funding.scenarios import (
    Frontier,
    Scenario,
    change_amount,
    comparison_table,
    default_pool_size,
    derive,
    diff_table,
    frontier_scenarios,
    read_scenarios,
    run_scenarios,
)


@pytest.fixture(scope="module")
def base():
    return read_funding(TINY_XLSX)


def test_change_amounts() -> None:
    """+N, -N, =N, ±P%, ×F, with 万."""
    assert change_amount(1000, "+10%") == pytest.approx(1100)
    assert change_amount(1000, "-25%") == 750
    assert change_amount(1000, "+500") == 1500
    assert change_amount(1000, "+1万") == 11_000
    assert change_amount(1000, "=300") == 300
    assert change_amount(1000, "×1.5") == 1500
    with pytest.raises(ValueError):
        change_amount(1000, "+lots")


def test_derive_copies_and_keeps_the_base(base) -> None:
    """A derived scenario changes only what it declares; the base is left as it was."""
    sc = Scenario(name="x", budget="-10%", sources={"S2": "+100000"},
                  rules={"产业占比": "关"}, weights={"贫困人口": 4},
                  force_in=["P6"], force_out=["P1"], objective="优先级")
    d = derive(base, sc)
    assert [s.amount for s in d.sources] == [900_000, 640_000]
    assert [s.amount for s in base.sources] == [1_000_000, 600_000]
    assert d.policy.rules["industry_share"] is False and base.policy.rules["industry_share"]
    assert d.policy.weight_poor_people == 4 and base.policy.weight_poor_people == 2
    assert d.policy.objective == "priority" and base.policy.objective == "coverage"
    assert d.project("P6").committed and not base.project("P6").committed
    assert d.project("P1").excluded and not base.project("P1").excluded
    assert d.projects[1] is base.projects[1]  # unchanged records are shared, not copied
    assert d.name == "x"


def test_read_example_scenarios() -> None:
    """The example scenario file reads against the county: 6 scenarios and a 9-step frontier."""
    county = read_funding(ROOT / "instances" / "funding" / "county.xlsx")
    sf = read_scenarios(ROOT / "instances" / "funding" / "scenarios.yaml", county)
    assert len(sf.scenarios) == 6
    assert sf.frontier is not None
    assert [round(f, 2) for f in sf.frontier.factors()] == [0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2,
                                                            1.3, 1.4]


def test_scenario_file_errors_located(tmp_path: Path, base) -> None:
    """Unknown ids, a bad change, an unknown key and a duplicate name come back together,
    each naming the scenario."""
    f = tmp_path / "s.yaml"
    f.write_text(
        "scenarios:\n"
        "  - name: a\n    sources: {S9: +10%}\n"
        "  - name: b\n    force_in: [P99]\n"
        "  - name: c\n    budget: +lots\n"
        "  - name: a\n    colour: red\n"
        "extra: 1\n", encoding="utf-8")
    with pytest.raises(InputError) as err, use_lang("en"):   # the English messages
        read_scenarios(f, base)
    text = str(err.value)
    assert "s.yaml, scenario 1 'a': unknown source 'S9'" in text
    assert "scenario 2 'b': force_in: unknown project 'P99'" in text
    assert "scenario 3 'c': expected an amount of money, got 'lots'" in text
    assert "scenario 4 'a': unknown key 'colour'" in text
    assert "unknown key(s): extra" in text


def test_pool_size_does_not_oversubscribe() -> None:
    """Processes × workers never exceed the cores."""
    assert default_pool_size(50, 2) == (2, 1)
    assert default_pool_size(1, 2) == (1, 2)
    assert default_pool_size(3, 8) == (3, 2)


def test_any_executor_gives_the_same_results(base) -> None:
    """The default process pool and a thread pool (any Executor) agree scenario by scenario."""
    scen = [Scenario(name="base"), Scenario(name="-25%", budget="-25%"),
            Scenario(name="no F3", rules={"labour": False})]
    datas = [derive(base, s) for s in scen]
    procs = run_scenarios(datas, time_limit=10)
    with ThreadPoolExecutor(max_workers=2) as ex:
        threads = run_scenarios(datas, time_limit=10, executor=ex)
    assert [o.name for o in procs] == ["base", "-25%", "no F3"]
    assert [o.result.objectives for o in procs] == [o.result.objectives for o in threads]
    assert all(o.result.status.value == "optimal" for o in procs)


def test_comparison_and_diff(base) -> None:
    """Side by side: one column per scenario; P4 enters when work relief is off, with the
    reason it was out in the base (its wage share)."""
    scen = [Scenario(name="base"), Scenario(name="no F3", rules={"labour": False})]
    outs = run_scenarios([derive(base, s) for s in scen], time_limit=10,
                         executor=ThreadPoolExecutor(max_workers=1))
    table = comparison_table(outs)
    assert list(table.columns) == ["指标", "base", "no F3"]
    row = table.set_index("指标").loc["安排项目数"]
    assert row["base"] == 5
    diff = diff_table(outs[0], outs[1], base)
    p4 = diff[diff["项目"] == "P4"].iloc[0]
    assert p4["变化"] == "进入" and "以工代赈" in p4["原因"]
    assert set(diff["项目"]) >= {"P4"}


def test_frontier_never_gets_worse_with_more_money(base) -> None:
    """Over a budget range the lexicographic optimum (unmet, ‰ short, −beneficiaries) never
    worsens as the budget grows — among the budgets the library can absorb: F2 (a share of the
    central amount) and F6 (the central money assigned by March) are hard, so a budget the
    library cannot use has no plan, and says why."""
    fr = Frontier(budget=("50%", "150%"), steps=5)
    outs = run_scenarios([derive(base, s) for s in frontier_scenarios(fr)], time_limit=10,
                         executor=ThreadPoolExecutor(max_workers=2))
    solved = [o for o in outs if o.result.status.has_solution]
    assert solved and solved[0] is outs[0]
    for o in outs:
        if not o.result.status.has_solution:
            text = "\n".join(o.result.explanation)
            assert "F2" in text or "F6" in text
    keys = [(o.result.objectives["unmet"], o.result.objectives["shortfall"],
             -o.result.objectives["benefit"]) for o in solved]
    assert keys == sorted(keys, reverse=True)
    budgets = [o.metrics["budget_yuan"] for o in outs]
    assert budgets == [800_000, 1_200_000, 1_600_000, 2_000_000, 2_400_000]


def test_comparison_says_why_a_scenario_has_no_plan(base) -> None:
    """A budget the library cannot absorb (+40 % on tiny: F2 wants 55 % of the whole central
    amount in industry) has no plan; the comparison table's last row says why, naming the
    conflicting rule, and a scenario with a plan has an empty cell there."""
    from assignments.funding.scenarios import no_plan_reason

    scen = [Scenario(name="base"), Scenario(name="+40%", budget="+40%")]
    outs = run_scenarios([derive(base, s) for s in scen], time_limit=10,
                         executor=ThreadPoolExecutor(max_workers=1))
    assert outs[0].result.solution is not None and outs[1].result.solution is None
    table = comparison_table(outs).set_index("指标")
    why = table.loc["无方案原因"]
    assert why["base"] == "" and "F2" in why["+40%"] and "产业" in why["+40%"]
    assert no_plan_reason(outs[1]) == why["+40%"]


def test_frontier_sheet_says_why_a_point_has_no_plan(base) -> None:
    """A frontier point without a plan carries the reason in its own column."""
    from assignments.funding.scenarios import frontier_points, frontier_sheet

    fr = Frontier(budget=("100%", "140%"), steps=2)
    outs = run_scenarios([derive(base, s) for s in frontier_scenarios(fr)], time_limit=10,
                         executor=ThreadPoolExecutor(max_workers=1))
    sheet = frontier_sheet(frontier_points(outs))
    why = dict(zip(sheet["情景"], sheet["无方案原因"], strict=True))
    assert [o.result.solution is None for o in outs] == [False, True]
    assert why[outs[0].name] == "" and "F2" in why[outs[1].name]
