"""Each rule of DOMAIN §F: the solver keeps it, and the independent checker catches a plan that
breaks it (either a plan solved with the rule switched off, or a tampered plan)."""

from __future__ import annotations

from typing import Any

import pytest

from assignments.core.solver import SolveStatus
from assignments.funding.data import (
    SWITCHES,
    FundingData,
    Policy,
    Project,
    ShareRow,
    Source,
    TargetRow,
    Village,
    problem,
)
from assignments.funding.solution import FundingSolution, check, coverage, objective_levels
from assignments.funding.solve import solve

ALL_OFF = dict.fromkeys(SWITCHES, False)


def mini(projects: list[Project], sources: list[Source], *, rules: dict[str, bool] | None = None,
         periods: int = 2, **policy: Any) -> FundingData:
    """A hand-sized problem: the given projects and sources, only the named rules on."""
    pol = Policy(first_period="2027Q1", periods=periods, rules={**ALL_OFF, **(rules or {})},
                 milestones=[(3, 50.0)], **policy)
    return FundingData(policy=pol, sources=sources, projects=projects)


def with_rule(data: FundingData, rule: str, on: bool) -> FundingData:
    """The same problem with one rule switched."""
    pol = data.policy.model_copy(update={"rules": {**data.policy.rules, rule: on}})
    return data.model_copy(update={"policy": pol})


def labels(data: FundingData, sol: FundingSolution) -> set[str]:
    return {v.rule for v in check(data, sol)}


def solved(data: FundingData) -> FundingSolution:
    r = solve(data, time_limit=10, num_workers=1)
    assert r.status is SolveStatus.OPTIMAL, r.explanation
    assert r.solution is not None and not check(data, r.solution)
    return r.solution


# ------------------------------------------------------------------ rules that bind the optimum

def _eligibility() -> FundingData:
    """S1 may pay only 产业; the valuable 教育 project B needs S1's money."""
    return mini([Project(id="A", category="产业", cost=100_000, people=100),
                 Project(id="B", category="教育", cost=100_000, people=300)],
                [Source(id="S1", amount=100_000, categories=["产业"]),
                 Source(id="S2", amount=50_000)])


def _industry() -> FundingData:
    """55% of the central amount (not of the central money used) must go to 产业; the valuable
    project is infrastructure, and only one of the two fits."""
    return mini([Project(id="A", category="产业", cost=60_000, people=10),
                 Project(id="B", category="基础设施", cost=60_000, people=100, labour_share=30)],
                [Source(id="S1", kind="central", amount=100_000)])


def _labour() -> FundingData:
    """Infrastructure project B pays only 10% as wages (< 20%)."""
    return mini([Project(id="A", category="产业", cost=50_000, people=10),
                 Project(id="B", category="基础设施", cost=50_000, people=100, labour_share=10)],
                [Source(id="S1", amount=60_000)])


def _labour_portfolio() -> FundingData:
    """Portfolio scope: the infrastructure funded must pay ≥ 20% wages on average."""
    return mini([Project(id="A", category="基础设施", cost=50_000, people=10, labour_share=30),
                 Project(id="B", category="基础设施", cost=50_000, people=100, labour_share=5),
                 Project(id="C", category="基础设施", cost=50_000, people=90, labour_share=15)],
                [Source(id="S1", amount=100_000)], labour_scope="portfolio")


def _cost_sharing() -> FundingData:
    """教育 is paid 6:4 by S1:S2; S2 alone has the money for it."""
    d = mini([Project(id="A", category="教育", cost=100_000, people=100)],
             [Source(id="S1", amount=30_000), Source(id="S2", amount=100_000)])
    return d.model_copy(update={"sharing": [
        ShareRow(group="G", categories=["教育"], source="S1", share=6),
        ShareRow(group="G", categories=["教育"], source="S2", share=4)]})


def _milestones() -> FundingData:
    """≥ 50% of the money allocated is spent by the end of 2027Q3; B spends it all in 2027Q4."""
    return mini([Project(id="A", category="产业", cost=30_000, people=10, start="2027Q1"),
                 Project(id="B", category="产业", cost=70_000, people=100, start="2027Q4")],
                [Source(id="S1", amount=100_000)], periods=4)


BINDING = [
    ("eligibility", _eligibility, "eligibility"),
    ("industry_share", _industry, "industry_share"),
    ("labour", _labour, "labour"),
    ("labour", _labour_portfolio, "labour"),
    ("cost_sharing", _cost_sharing, "cost_sharing"),
    ("milestones", _milestones, "milestones"),
]


@pytest.mark.parametrize(("rule", "build", "label"), BINDING,
                         ids=[f"{r}-{b.__name__}" for r, b, _l in BINDING])
def test_rule_binds_and_is_checked(rule: str, build: Any, label: str) -> None:
    """Switched off, the optimum breaks the rule and the checker names it; switched on, the
    optimum keeps it and is worse (the rule costs beneficiaries)."""
    data_on = with_rule(build(), rule, True)
    data_off = with_rule(build(), rule, False)
    free = solved(data_off)
    assert label in labels(data_on, free)
    kept = solved(data_on)
    assert label not in labels(data_on, kept)
    assert objective_levels(data_on, kept)["benefit"] < objective_levels(data_off,
                                                                        free)["benefit"]


def test_budget_per_period_without_carry_over() -> None:
    """Without carry-over a quarter's money cannot be spent later: B (all in Q2) gets only Q2's
    half of the budget, so the cheaper Q1 project is funded too."""
    data = mini([Project(id="A", category="产业", cost=50_000, people=10, start="2027Q1"),
                 Project(id="B", category="产业", cost=60_000, people=100, start="2027Q2")],
                [Source(id="S1", amount=100_000)], carry_over=False)
    sol = solved(data)
    assert sol.level == [100, 0]  # 50,000 per quarter: B's 60,000 in Q2 does not fit
    carry = data.model_copy(update={"policy": data.policy.model_copy(
        update={"carry_over": True})})
    assert solved(carry).level == [0, 100]


def test_coverage_comes_first() -> None:
    """The poor village's only industry project is funded although another project has more
    beneficiaries per yuan (coverage first); switched off, it is not."""
    projects = [Project(id="A", category="产业", villages=["V1"], cost=50_000, people=10),
                Project(id="B", category="教育", villages=["V2"], cost=50_000, people=100)]
    villages = [Village(id="V1", poor=True), Village(id="V2")]
    data = mini(projects, [Source(id="S1", amount=50_000)], rules={"poor_village_industry": True})
    data = data.model_copy(update={"villages": villages})
    assert solved(data).level == [100, 0]
    off = with_rule(data, "poor_village_industry", False)
    sol = solved(off)
    assert sol.level == [0, 100]
    cov = coverage(data, sol)
    assert [c.shortfall for c in cov] == [1]


def test_special_hardship_amount_and_declared_targets() -> None:
    """A special-hardship village's amount counts a shared project's money split evenly between
    its villages; declared targets (poor households share, category amount) report shortfalls."""
    projects = [Project(id="A", category="基础设施", villages=["V1", "V2"], cost=100_000,
                        people=50, poor_households=10, labour_share=30),
                Project(id="B", category="产业", villages=["V1"], cost=30_000, people=20,
                        poor_households=5)]
    data = mini(projects, [Source(id="S1", amount=130_000)],
                rules={"special_hardship": True}, special_hardship_amount=90_000)
    data = data.model_copy(update={
        "villages": [Village(id="V1", special_hardship=True, poor_households=20),
                     Village(id="V2", poor_households=20)],
        "targets": [TargetRow(id="T1", kind="poor_household_share", value=50),
                    TargetRow(id="T2", kind="category_amount", category="教育", value=10_000)]})
    sol = solved(data)
    assert sol.level == [100, 100]
    unit = problem(data).unit
    by = {c.target.key: c for c in coverage(data, sol)}
    assert by["hardship:V1"].achieved * unit == 80_000  # 50,000 (half of A) + 30,000 (B)
    assert by["hardship:V1"].shortfall * unit == 10_000
    assert by["hardship:V1"].permille == 112  # ceil(1000 × 10,000 / 90,000)
    assert by["T1"].shortfall == 5  # 15 of 20 poor households needed (50% of 40)
    assert by["T2"].shortfall * unit == 10_000  # nothing in 教育
    assert objective_levels(data, sol)["unmet"] == 3


# ------------------------------------------------------------------ tampered plans


def _base() -> tuple[FundingData, FundingSolution]:
    """Five projects, eligibility on; money in units of 1 yuan."""
    projects = [Project(id="A", category="产业", cost=40_000, people=10, requires=["C"]),
                Project(id="B", category="产业", cost=40_000, people=10, partial=True,
                        min_funding=20_000, curve=[50, 50], excludes=["D"]),
                Project(id="C", category="产业", cost=20_000, people=10, committed=True),
                Project(id="D", category="产业", cost=20_000, people=10),
                Project(id="E", category="产业", cost=10_000, people=1000, excluded=True)]
    data = mini(projects, [Source(id="S1", amount=100_000),
                           Source(id="S2", amount=10_000, categories=["教育"])],
                rules={"eligibility": True})
    return data, solved(data)


def _pay(sol: FundingSolution, j: int, level: int, source: int = 0) -> FundingSolution:
    """``sol`` with project ``j`` set to ``level`` and paid by ``source`` along its curve."""
    from assignments.funding.data import problem

    return _pay_prob(sol, problem(_base_data()), j, level, source)


def _base_data() -> FundingData:
    return _base()[0]


def _pay_prob(sol: FundingSolution, prob: Any, j: int, level: int,
              source: int) -> FundingSolution:
    alloc = {k: v for k, v in sol.alloc.items() if k[0] != j}
    for t, a in enumerate(prob.period_cost[j]):
        if a * level // 100:
            alloc[(j, source, t)] = a * level // 100
    lv = list(sol.level)
    lv[j] = level
    return FundingSolution(level=lv, alloc=alloc, unit=sol.unit)


def test_base_plan_is_valid() -> None:
    """The solved plan keeps every rule: A with C it requires, B partly or whole, C committed."""
    data, sol = _base()
    assert check(data, sol) == []
    assert sol.level[2] == 100 and sol.level[4] == 0
    assert not (sol.level[1] and sol.level[3])


def _curve_broken(sol: FundingSolution) -> FundingSolution:
    """B's money all in the first quarter although its curve is 50/50."""
    out = _pay(sol, 1, 100)
    out.alloc = {k: v for k, v in out.alloc.items() if k[0] != 1}
    out.alloc[(1, 0, 0)] = 40_000
    return out


TAMPER: list[tuple[str, Any, str]] = [
    # C is committed
    ("committed", lambda s: _pay(s, 2, 0), "committed"),
    # E is 不予安排 (excluded)
    ("excluded", lambda s: _pay(s, 4, 100), "excluded"),
    # A requires C
    ("requires", lambda s: _pay(_pay(s, 2, 0), 0, 100), "requires"),
    # B and D exclude each other
    ("excludes", lambda s: _pay(_pay(s, 1, 50), 3, 100), "excludes"),
    # B's minimum is 20,000 yuan
    ("minimum", lambda s: _pay(_pay(s, 3, 0), 1, 10), "minimum"),
    # a whole project is funded whole or not at all
    ("whole", lambda s: _pay(_pay(s, 1, 0), 3, 50), "level"),
    # the money per quarter follows the spending curve
    ("curve", _curve_broken, "curve"),
    # S2 may pay only 教育
    ("eligibility", lambda s: _pay(s, 2, 100, source=1), "eligibility"),
    # S1 has 100,000 yuan: A, B and C in full and D too is 120,000
    ("budget", lambda s: _pay(_pay(_pay(_pay(s, 0, 100), 1, 100), 2, 100), 3, 100),
     "budget"),
]


@pytest.mark.parametrize(("case", "make", "label"), TAMPER, ids=[t[0] for t in TAMPER])
def test_checker_catches_tampered_plan(case: str, make: Any, label: str) -> None:
    """A plan broken on purpose is rejected by the checker with the rule's label."""
    data, sol = _base()
    bad = make(sol)
    assert label in labels(data, bad), (case, check(data, bad))
