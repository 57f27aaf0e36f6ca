"""Household subsidies (到户奖补), the kumquat case of seed 003 篇一 (DOMAIN §F rule 7).

Only registered poor households (建档立卡户) are eligible (seed 003; 仅限建档立卡 = 否 in the
方案 widens the programme to every household). Each eligible household applying (到户申请) is
entitled to ``rate × area`` yuan (1,000 yuan per mu), capped
at ``cap × members`` (3,000 yuan per household member), and to nothing when its largest
contiguous plot is below the minimum area (a figure redacted in the seed: a parameter) or when
its planting failed the acceptance check (验收). When the entitlements exceed the programme
budget (4,000,000 yuan), the budget is rationed by the declared rule:

* ``poorest`` (贫困优先): registered poor households first, then by lowest income per person;
  each paid in full while the money lasts, the household at the boundary gets what is left;
* ``pro_rata`` (按比例): everybody gets the same share of their entitlement (rounded down to
  the yuan; the yuan left over go one each by largest remainder);
* ``optimal`` (受益最优): the set of households paid in full that benefits the most people
  (poor members weigh ``1 + weight_poor_people / weight_people`` times), solved exactly as a
  knapsack by CP-SAT; what is left (less than any unpaid household's entitlement) stays
  unallocated.

Every household gets its amount and the reason for every reduction or refusal;
:func:`check_subsidies` checks a plan independently.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from assignments.core.i18n import current_lang, tr
from assignments.core.rules import Violation
from assignments.core.solver import SolveParams, SolveStatus, run_cpsat
from assignments.funding.data import Application, FundingData, Policy

__all__ = ["Award", "SubsidyPlan", "allocate_subsidies", "check_subsidies", "entitlement"]

RULE_ZH = {"poorest": "贫困优先", "pro_rata": "按比例", "optimal": "受益最优"}
RULE_EN = {"poorest": "poorest first", "pro_rata": "pro rata",
           "optimal": "for the most beneficiaries"}


def rationing_text(rule: str) -> str:
    """A rationing rule's name in the current language (``贫困优先`` / ``poorest first``)."""
    return (RULE_ZH if current_lang() == "zh" else RULE_EN).get(rule, rule)


@dataclass
class Award:
    """One household's subsidy: entitlement, amount paid (yuan), status and reason."""

    household: str
    entitled: int
    paid: int
    status: str  # paid | reduced | refused | ineligible
    reason: str = ""


@dataclass
class SubsidyPlan:
    """A rationed subsidy plan."""

    rule: str
    budget: int
    awards: list[Award]
    status: SolveStatus = SolveStatus.OPTIMAL
    notes: list[str] = field(default_factory=list)

    @property
    def paid(self) -> int:
        return sum(a.paid for a in self.awards)

    @property
    def entitled(self) -> int:
        return sum(a.entitled for a in self.awards)

    @property
    def unallocated(self) -> int:
        return self.budget - self.paid


def entitlement(app: Application, pol: Policy) -> tuple[int, str, str]:
    """``(yuan, status, reason)`` a household is entitled to before rationing."""
    if pol.subsidy_registered_only and not app.poor:
        return 0, "ineligible", tr("not a registered poor household; the programme is for "
                                   "registered households only")
    if not app.verified:
        return 0, "ineligible", tr("failed the acceptance check")
    plot = app.area if app.contiguous is None else app.contiguous
    if plot + 1e-9 < pol.subsidy_min_area:
        return 0, "ineligible", tr("contiguous area {area} mu below the minimum {minimum} mu",
                                   area=f"{plot:g}", minimum=f"{pol.subsidy_min_area:g}")
    by_area = math.floor(pol.subsidy_rate * app.area + 1e-6)
    cap = math.floor(pol.subsidy_cap_per_member * app.members + 1e-6)
    if by_area > cap:
        return cap, "paid", tr("capped at {cap} 元 per member × {members} (the area gives "
                               "{by_area} 元)", cap=f"{pol.subsidy_cap_per_member:,.0f}",
                               members=app.members, by_area=f"{by_area:,}")
    return by_area, "paid", ""


def _poor_key(app: Application) -> tuple[int, float, str]:
    return (0 if app.poor else 1, app.income if app.income is not None else math.inf, app.id)


def allocate_subsidies(
    data: FundingData,
    rule: str | None = None,
    *,
    budget: float | None = None,
    time_limit: float = 10.0,
    seed: int = 0,
    workers: int = 2,
) -> SubsidyPlan:
    """Ration the household subsidies of ``data.applications`` (see the module docstring).

    Parameters
    ----------
    data
        The workbook with its 到户申请 sheet and the subsidy parameters of its 方案 sheet.
    rule
        ``poorest``, ``pro_rata`` or ``optimal``; default: the workbook's 配给规则.
    budget
        Yuan; default: the workbook's 奖补预算 (4,000,000).
    time_limit, seed, workers
        CP-SAT settings of the ``optimal`` rule.
    """
    pol = data.policy
    rule = rule or pol.rationing
    if rule not in RULE_ZH:
        raise ValueError(tr("unknown rationing rule '{rule}'; use poorest, pro_rata or optimal",
                            rule=rule))
    total_budget = math.floor(pol.subsidy_budget if budget is None else budget)
    apps = data.applications
    base = [entitlement(a, pol) for a in apps]
    awards = [Award(a.id, e, e, st, why) for a, (e, st, why) in zip(apps, base, strict=True)]
    plan = SubsidyPlan(rule, total_budget, awards)
    need = sum(a.entitled for a in awards)
    unregistered = [a for a, app in zip(awards, apps, strict=True)
                    if pol.subsidy_registered_only and not app.poor]
    if unregistered:
        plan.notes.append(tr("{n} households are not registered and are not eligible; the 方案 "
                             "may widen the programme", n=len(unregistered)))
    if need <= total_budget:
        plan.notes.append(tr("entitlements of {need} 元 fit the budget of {budget} 元: all paid "
                             "in full", need=f"{need:,}", budget=f"{total_budget:,}"))
        if need < total_budget:
            plan.notes.append(tr("{left} 元 left: every eligible application is paid in full",
                                 left=f"{total_budget - need:,}"))
        return plan
    plan.notes.append(tr("entitlements of {need} 元 exceed the budget of {budget} 元: rationed "
                         "{rule}", need=f"{need:,}", budget=f"{total_budget:,}",
                         rule=rationing_text(rule)))
    live = [i for i, a in enumerate(awards) if a.entitled > 0]
    if rule == "poorest":
        left = total_budget
        order = sorted(live, key=lambda i: _poor_key(apps[i]))
        for rank, i in enumerate(order, start=1):
            aw = awards[i]
            if aw.entitled <= left:
                left -= aw.entitled
            elif left > 0:
                aw.paid, aw.status = left, "reduced"
                aw.reason = _join(aw.reason, tr("poorest first, rank {rank}: reduced to the "
                                                "{left} 元 left", rank=rank, left=f"{left:,}"))
                left = 0
            else:
                aw.paid, aw.status = 0, "refused"
                aw.reason = _join(aw.reason, tr("poorest first, rank {rank}: budget exhausted "
                                                "before this household", rank=rank))
    elif rule == "pro_rata":
        share = [awards[i].entitled * total_budget for i in live]
        paid = [s // need for s in share]
        rest = total_budget - sum(paid)
        order = sorted(range(len(live)), key=lambda k: (-(share[k] % need), apps[live[k]].id))
        for k in order[:rest]:
            paid[k] += 1
        pct = 100 * total_budget / need
        for k, i in enumerate(live):
            aw = awards[i]
            aw.paid = paid[k]
            if aw.paid < aw.entitled:
                aw.status = "reduced"
                aw.reason = _join(aw.reason, tr("paid pro rata {pct}%", pct=f"{pct:.2f}"))
    else:
        _optimal(plan, apps, live, pol, time_limit, seed, workers)
    return plan


def _optimal(plan: SubsidyPlan, apps: list[Application], live: list[int], pol: Policy,
             time_limit: float, seed: int, workers: int) -> None:
    from assignments.funding.model import build_subsidy_model

    wp, wpp = max(pol.weight_people, 1), pol.weight_poor_people
    amounts = [plan.awards[i].entitled for i in live]
    values = [apps[i].members * (wp + (wpp if apps[i].poor else 0)) for i in live]
    model, pay = build_subsidy_model(amounts, values, plan.budget)
    run = run_cpsat(model, SolveParams(time_limit=time_limit, seed=seed, workers=workers),
                    lambda s: [int(s.value(x)) for x in pay], label="subsidies")
    plan.status = run.status
    if run.values is None:
        raise RuntimeError(f"the subsidy knapsack found no plan ({run.status.value})")
    if run.status is not SolveStatus.OPTIMAL:
        plan.notes.append(tr("for the most beneficiaries: not proven optimal in time (bound "
                             "{bound}, found {found})", bound=f"{run.bound:,.0f}",
                             found=f"{run.objective:,.0f}"))
    for i, x in zip(live, run.values, strict=True):
        if not x:
            aw = plan.awards[i]
            aw.paid, aw.status = 0, "refused"
            aw.reason = _join(aw.reason, tr("for the most beneficiaries: the budget benefits "
                                            "more people paying others in full"))


def _join(a: str, b: str) -> str:
    return f"{a}{tr('; ')}{b}" if a else b


def check_subsidies(data: FundingData, plan: SubsidyPlan) -> list[Violation]:
    """Violations of rule F7 by a subsidy plan, recomputed from the applications alone (each
    names its family of :data:`assignments.funding.rules.RULES`)."""
    pol = data.policy
    out: list[Violation] = []
    by_id = {a.id: a for a in data.applications}
    if plan.paid > plan.budget:
        out.append(Violation("subsidy_budget", f"paid {plan.paid:,} yuan > budget {plan.budget:,}"))
    need = 0
    for aw in plan.awards:
        app = by_id.get(aw.household)
        if app is None:
            out.append(Violation("subsidy_structure", f"unknown household '{aw.household}'"))
            continue
        plot = app.area if app.contiguous is None else app.contiguous
        registered = app.poor or not pol.subsidy_registered_only
        if not registered and aw.paid > 0:
            out.append(Violation("subsidy_registered",
                                 f"household '{app.id}' is not registered (建档立卡) and is paid "
                                 f"{aw.paid:,} yuan; the programme is for registered households "
                                 "only"))
        ok = registered and app.verified and plot + 1e-9 >= pol.subsidy_min_area
        cap = math.floor(pol.subsidy_cap_per_member * app.members + 1e-6)
        right = min(math.floor(pol.subsidy_rate * app.area + 1e-6), cap) if ok else 0
        need += right
        if aw.entitled != right:
            out.append(Violation("subsidy_entitlement",
                                 f"household '{app.id}': entitled {aw.entitled:,}, rules give "
                                 f"{right:,}"))
        if not 0 <= aw.paid <= right:
            out.append(Violation("subsidy_amount",
                                 f"household '{app.id}' paid {aw.paid:,} of {right:,}"))
        if aw.paid < right and not aw.reason:
            out.append(Violation("subsidy_reason",
                                 f"household '{app.id}' reduced without a reason"))
    if len(plan.awards) != len(data.applications):
        out.append(Violation("subsidy_structure", "not every application has an award"))
    if need <= plan.budget and plan.paid != need:
        out.append(Violation("subsidy_budget",
                             "the budget covers every entitlement, yet some are cut"))
    if need > plan.budget and plan.rule in ("poorest", "pro_rata") and plan.paid != plan.budget:
        out.append(Violation("subsidy_budget",
                             f"{plan.rule}: {plan.budget - plan.paid:,} yuan left unallocated"))
    if plan.rule == "poorest" and need > plan.budget:
        order = sorted((a for a in plan.awards if a.entitled > 0),
                       key=lambda a: _poor_key(by_id[a.household]))
        seen_short = False
        for a in order:
            if seen_short and a.paid > 0:
                out.append(Violation("poorest_first",
                                     f"household '{a.household}' is paid after a poorer one "
                                     "was cut"))
            if a.paid < a.entitled:
                seen_short = True
    if plan.rule == "pro_rata" and need > plan.budget:
        for a in plan.awards:
            exact = a.entitled * plan.budget / need
            if abs(a.paid - exact) >= 1:
                out.append(Violation("pro_rata",
                                     f"household '{a.household}' paid {a.paid:,}, its share is "
                                     f"{exact:,.2f}"))
    return out
