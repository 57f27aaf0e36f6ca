"""Cross-checks: CP-SAT (both engines) against the independent HiGHS MIP (funding/mip.py) on
random instances, and property-based instances that must come back with zero violations.

The MIP is written separately from the CP-SAT model (per-period money for every allowed source,
budget stocks, cumulative spending variables, ``==`` level fixing); random instance 116 of an
earlier run of this cross-check exposed a wrong "infeasible" from HiGHS' presolve, and the long
soak run (seeds 21022 and 23050) a wrong "optimal" level from it: the MIP runs without presolve.
"""

from __future__ import annotations

import pytest
from funding_fixtures import random_data
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assignments.core.solver import SolveStatus
from assignments.funding.data import (
    SWITCHES,
    FundingData,
    Policy,
    Project,
    ShareRow,
    Source,
    Village,
)
from assignments.funding.mip import solve_mip
from assignments.funding.solution import check, level_order, objective_levels
from assignments.funding.solve import solve

# + the two soak seeds on which HiGHS presolve gave the reference MIP a wrong "optimal" level
SEEDS = [*range(36), 21022, 23050]


@pytest.mark.parametrize("seed", SEEDS)
def test_cpsat_equals_highs_mip(seed: int) -> None:
    """Both infeasible, or both optimal with equal objective levels; both plans pass the
    checker and the MIP's levels are those the checker recomputes."""
    data = random_data(seed, n_projects=(5, 11))
    r = solve(data, time_limit=30, num_workers=1, explain=False, engine="cpsat")
    m = solve_mip(data, time_limit=60)
    if r.status is SolveStatus.INFEASIBLE:
        assert m.status == "infeasible"
        return
    assert r.status is SolveStatus.OPTIMAL and m.status == "optimal"
    assert r.solution is not None and m.solution is not None
    assert check(data, r.solution) == [] and check(data, m.solution) == []
    order = level_order(data)
    assert {k: int(v) for k, v in r.objectives.items()} == {k: m.levels[k] for k in order}
    mine = objective_levels(data, m.solution)
    assert {k: mine[k] for k in order} == {k: m.levels[k] for k in order}


def test_crosscheck_covers_the_rules() -> None:
    """The random instances exercise what the cross-check is for: infeasible ones, partial
    levels, cost sharing, unmet targets, every rule on somewhere."""
    datas = [random_data(s, n_projects=(5, 11)) for s in SEEDS]
    assert len(SEEDS) >= 30
    assert sum(bool(d.sharing) for d in datas) >= 10
    assert sum(any(p.partial for p in d.projects) for d in datas) >= 20
    assert sum(any(p.committed for p in d.projects) for d in datas) >= 5
    for rule in SWITCHES:
        assert sum(d.policy.on(rule) for d in datas) >= 10, rule


@pytest.mark.parametrize("seed", range(36, 48))
def test_highs_engine_equals_mip(seed: int) -> None:
    """The same CP-SAT model solved by HiGHS (engine="highs") agrees with the MIP too."""
    data = random_data(seed, n_projects=(5, 11))
    r = solve(data, time_limit=30, explain=False, engine="highs")
    m = solve_mip(data, time_limit=60)
    if r.status is SolveStatus.INFEASIBLE:
        assert m.status == "infeasible"
        return
    assert r.status is SolveStatus.OPTIMAL and m.status == "optimal"
    order = level_order(data)
    assert {k: int(v) for k, v in r.objectives.items()} == {k: m.levels[k] for k in order}


# ------------------------------------------------------------------ property-based instances


@st.composite
def problems(draw: st.DrawFn) -> FundingData:
    """A small problem drawn field by field: sources with categories and tranches, projects with
    curves, partial levels, links; villages, cost sharing, rule switches, objective."""
    T = draw(st.integers(1, 3))
    cats = ["产业", "基础设施", "教育"]
    n_src = draw(st.integers(1, 3))
    sources = []
    for i in range(n_src):
        tranches: list[float] = []
        if T >= 2 and draw(st.booleans()):
            a = draw(st.sampled_from([20.0, 50.0, 80.0]))
            tranches = [a, 100.0 - a]
        sources.append(Source(
            id=f"S{i}", kind=draw(st.sampled_from(["central", "province", "county"])),
            amount=draw(st.integers(0, 60)) * 10_000, tranches=tranches,
            categories=draw(st.lists(st.sampled_from(cats), unique=True, max_size=3))))
    villages = [Village(id=f"V{i}", poor=draw(st.booleans()),
                        special_hardship=draw(st.booleans()),
                        poor_households=draw(st.integers(0, 30))) for i in range(2)]
    projects = []
    n = draw(st.integers(1, 7))
    for j in range(n):
        start = draw(st.integers(0, T - 1))
        span = draw(st.integers(1, T - start))
        curve = [] if span == 1 else [50.0, 50.0] if span == 2 else [30.0, 30.0, 40.0]
        partial = draw(st.booleans())
        cost = draw(st.integers(1, 30)) * 10_000
        projects.append(Project(
            id=f"P{j}", category=draw(st.sampled_from(cats)),
            villages=draw(st.lists(st.sampled_from(["V0", "V1"]), min_size=1, max_size=2,
                                   unique=True)),
            cost=cost, partial=partial,
            min_funding=cost * draw(st.sampled_from([0, 0.5])) if partial else None,
            people=draw(st.integers(0, 200)), poor_people=draw(st.integers(0, 50)),
            poor_households=draw(st.integers(0, 20)),
            labour_share=draw(st.sampled_from([0.0, 15.0, 25.0])),
            start=f"2027Q{start + 1}", curve=curve, priority=draw(st.integers(0, 5)),
            committed=draw(st.integers(0, 9)) == 0,
        ))
    if n >= 2 and draw(st.booleans()):
        projects[0].requires = [projects[1].id]
    if n >= 3 and draw(st.booleans()):
        projects[1].excludes = [projects[2].id]
        projects[1].committed = projects[2].committed = False
    sharing = []
    if n_src >= 2 and draw(st.booleans()):
        sharing = [ShareRow(group="G", categories=["教育"], source="S0", share=6),
                   ShareRow(group="G", categories=["教育"], source="S1", share=4)]
        for s in sources[:2]:
            if s.categories and "教育" not in s.categories:
                s.categories.append("教育")
    rules = {r: draw(st.booleans()) for r in SWITCHES}
    policy = Policy(periods=T, carry_over=draw(st.booleans()), rules=rules,
                    objective=draw(st.sampled_from(["coverage", "priority", "cost"])),
                    special_hardship_amount=draw(st.integers(1, 20)) * 10_000,
                    labour_scope=draw(st.sampled_from(["project", "portfolio"])),
                    milestones=[(6, 50.0), (9, 75.0)][: max(0, T - 1)])
    return FundingData(policy=policy, sources=sources, projects=projects, villages=villages,
                       sharing=sharing)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_property_zero_violations(data: FundingData) -> None:
    """Whatever the drawn problem: a plan comes back with zero violations and levels equal to
    the checker's (solve raises otherwise), or no plan is proven to exist and is explained."""
    r = solve(data, time_limit=10, num_workers=1)
    if r.status.has_solution:
        assert r.solution is not None and check(data, r.solution) == []
        levels = objective_levels(data, r.solution)
        assert all(levels[k] == v for k, v in r.objectives.items())
    else:
        assert r.status is SolveStatus.INFEASIBLE
        # the empty plan keeps every rule but committed projects, F2 (a share of the central
        # amount) and F6's assignment of the central money by March
        central = any(s.kind == "central" and s.amount > 0 for s in data.sources)
        assert r.explanation and (any(p.committed for p in data.projects) or (central and (
            data.policy.on("industry_share") or data.policy.on("milestones"))))
