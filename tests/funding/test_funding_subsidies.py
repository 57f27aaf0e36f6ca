"""Household subsidies (到户奖补), the kumquat case of seed 003 篇一: entitlements, the three
rationing rules, a reason for every cut, and the independent checker."""

from __future__ import annotations

import pytest
from funding_fixtures import COUNTY_XLSX, TINY_XLSX

from assignments.funding.data import Application, read_funding
from assignments.funding.subsidies import allocate_subsidies, check_subsidies, entitlement


@pytest.fixture(scope="module")
def tiny():
    """The tiny workbook with the programme widened to every household (仅限建档立卡 = 否), so
    that its 23,000 yuan of entitlements exceed the 20,000 yuan budget."""
    data = read_funding(TINY_XLSX)
    data.policy.subsidy_registered_only = False
    return data


def test_registered_only_by_default() -> None:
    """Seed 003: only registered poor households (建档立卡) are paid by default — H4 (not
    registered) is ineligible and gets nothing although 1,000 yuan stay unpaid; a plan that pays
    it breaks rule F7 (subsidy_registered)."""
    data = read_funding(TINY_XLSX)
    assert data.policy.subsidy_registered_only
    plan = allocate_subsidies(data, "poorest")
    h4 = next(a for a in plan.awards if a.household == "H4")
    assert (h4.entitled, h4.paid, h4.status) == (0, 0, "ineligible")
    assert "非建档立卡" in h4.reason
    assert plan.paid == 19_000 and plan.unallocated == 1_000
    assert any("1,000" in n and "结余" in n for n in plan.notes)
    assert check_subsidies(data, plan) == []
    h4.paid = 1_000
    assert "subsidy_registered" in {v.rule for v in check_subsidies(data, plan)}


def test_county_no_unregistered_paid() -> None:
    """County: no household outside 建档立卡 is paid (H0019 got 6,500 yuan before); the
    registered households' 3,918,200 yuan fit the budget, 81,800 yuan stay unpaid."""
    data = read_funding(COUNTY_XLSX)
    poor = {a.id: a.poor for a in data.applications}
    for rule in ("poorest", "pro_rata"):
        plan = allocate_subsidies(data, rule)
        h19 = next(a for a in plan.awards if a.household == "H0019")
        assert not poor["H0019"] and h19.paid == 0
        assert plan.paid == sum(a.entitled for a in plan.awards) < 4_000_000
        assert all(a.paid == 0 for a in plan.awards if not poor[a.household])
        assert check_subsidies(data, plan) == []


def test_entitlements_by_hand(tiny) -> None:
    """1,000 yuan per mu, capped at 3,000 yuan per member, nothing below 1 mu contiguous:
    H1 5 mu → 5,000; H2 8 mu but 2 members → 6,000 (cap); H3 0.8 mu contiguous → 0;
    H4 4,000; H5 6,000; H6 2,000."""
    pol = tiny.policy
    got = {a.id: entitlement(a, pol) for a in tiny.applications}
    assert {k: v[0] for k, v in got.items()} == {
        "H1": 5000, "H2": 6000, "H3": 0, "H4": 4000, "H5": 6000, "H6": 2000}
    assert got["H3"][1] == "ineligible" and "低于最低" in got["H3"][2]
    assert "封顶" in got["H2"][2]
    unverified = Application(id="X", members=3, area=3, verified=False)
    assert entitlement(unverified, pol)[0] == 0


def test_poorest_first(tiny) -> None:
    """Budget 20,000 < 23,000 asked: registered poor by income first — H5 (2,500), H1, H2,
    H6 in full (19,000); H4 (not registered) gets the 1,000 left."""
    plan = allocate_subsidies(tiny, "poorest")
    paid = {a.household: a.paid for a in plan.awards}
    assert paid == {"H1": 5000, "H2": 6000, "H3": 0, "H4": 1000, "H5": 6000, "H6": 2000}
    h4 = next(a for a in plan.awards if a.household == "H4")
    assert h4.status == "reduced" and "余额仅 1,000 元" in h4.reason
    assert plan.paid == plan.budget == 20_000
    assert check_subsidies(tiny, plan) == []


def test_pro_rata(tiny) -> None:
    """Everyone gets 20,000 / 23,000 of the entitlement, to the yuan, and the budget is spent."""
    plan = allocate_subsidies(tiny, "pro_rata")
    assert plan.paid == 20_000
    for a in plan.awards:
        assert abs(a.paid - a.entitled * 20_000 / 23_000) < 1
        assert a.entitled == 0 or "按比例" in a.reason
    assert check_subsidies(tiny, plan) == []


def test_optimal_by_beneficiaries(tiny) -> None:
    """Optimal: the households paid in full that benefit the most people, poor members weighing
    3: H1 (12), H2 (6), H5 (18), H6 (3) = 39 for 19,000 yuan beats any set with H4 (3 members,
    not registered: 3), e.g. H1, H4, H5, H6 = 36; 1,000 yuan stay unallocated."""
    plan = allocate_subsidies(tiny, "optimal", time_limit=5)
    paid = {a.household for a in plan.awards if a.paid}
    assert paid == {"H1", "H2", "H5", "H6"}
    assert plan.unallocated == 1000
    h4 = next(a for a in plan.awards if a.household == "H4")
    assert h4.status == "refused" and "受益最优" in h4.reason
    assert check_subsidies(tiny, plan) == []


def test_budget_covers_all(tiny) -> None:
    """With 30,000 yuan nobody is cut."""
    plan = allocate_subsidies(tiny, "poorest", budget=30_000)
    assert plan.paid == 23_000 and all(a.paid == a.entitled for a in plan.awards)


def test_checker_catches_bad_plans(tiny) -> None:
    """Overpaying, cutting without a reason, or paying a richer household before a poorer one
    is caught."""
    plan = allocate_subsidies(tiny, "poorest")
    plan.awards[0].paid += 1
    assert any(v.rule in ("subsidy_amount", "subsidy_budget") for v in check_subsidies(tiny, plan))
    plan = allocate_subsidies(tiny, "poorest")
    h5 = next(a for a in plan.awards if a.household == "H5")
    h4 = next(a for a in plan.awards if a.household == "H4")
    h5.paid, h4.paid = 1000, 4000
    rules = {v.rule for v in check_subsidies(tiny, plan)}
    assert "poorest_first" in rules
    plan = allocate_subsidies(tiny, "pro_rata")
    plan.awards[0].paid -= 5
    plan.awards[0].reason = ""
    rules = {v.rule for v in check_subsidies(tiny, plan)}
    assert {"pro_rata", "subsidy_budget"} <= rules


def test_county_kumquat() -> None:
    """The county's 1,350 kumquat applications, the programme widened to every household:
    entitlements exceed the 4,000,000 yuan programme; each rule spends within it and every
    household has its amount and reason."""
    data = read_funding(COUNTY_XLSX)
    data.policy.subsidy_registered_only = False
    assert len(data.applications) == 1350
    for rule in ("poorest", "pro_rata", "optimal"):
        plan = allocate_subsidies(data, rule, time_limit=10)
        assert plan.entitled > 4_000_000 >= plan.paid
        assert check_subsidies(data, plan) == []
        assert len(plan.awards) == 1350
        assert all(a.reason for a in plan.awards if a.paid < a.entitled)
