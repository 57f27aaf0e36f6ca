"""The rules of fund allocation (DOMAIN §F), once: keys, labels, docs, constraint families.

Every place that names a rule — the model's families (:data:`assignments.funding.model.FAMILIES`
builds them in the order listed here), the checker's violations
(:func:`assignments.funding.solution.check`), the explanations, the 规则 report sheet and the
reasons — speaks through :data:`RULES`, with the instance's real figures
(:func:`figures`): a 60 % industry share prints as 60 %, never as the DOMAIN default. It is
the leaf of the package: it imports nothing from ``funding``.

Rule keys: ``F0`` the project library's own marks (DOMAIN §F *Entities*: minimum funding, whole
or partial, committed, requires / excludes), ``F1``–``F7`` the numbered rules of DOMAIN §F,
and one soft rule per objective level, keyed ``F.<level>`` (DOMAIN §F *Objective*).
"""

from __future__ import annotations

from typing import Any

from assignments.core.i18n import tr
from assignments.core.rules import Family, Rule, RuleBook

__all__ = [
    "LEVELS",
    "MAXIMISED",
    "RULES",
    "SWITCHABLE",
    "domain_text",
    "figures",
    "level_key",
    "level_label",
    "rule_doc",
    "switch_label",
]

_O = "DOMAIN §F Objective"

RULES = RuleBook("F", [
    Rule("F0", "DOMAIN §F Entities (project)", "项目库约束", "project library", True,
         "a project is funded whole or at a level of 1–100 %, at least its minimum viable "
         "funding, along its spending curve; committed, 不予安排, requires and excludes marks "
         "are kept"),
    Rule("F1", "DOMAIN §F rule 1", "预算与类别", "budgets and eligibility", True,
         "no source pays beyond its money ({carry_over}), or for a category it may not fund"),
    Rule("F2", "DOMAIN §F rule 2", "产业占比", "industry share", True,
         "at least {industry_share}% of the central linkage funds (their whole amount, not "
         "only the money used) go to {industry_category} projects"),
    Rule("F3", "DOMAIN §F rule 3", "以工代赈", "work relief", True,
         "{labour_category} projects pay at least {labour_share}% of their cost as local "
         "labour wages ({labour_scope})"),
    Rule("F4", "DOMAIN §F rule 4", "全覆盖", "coverage", False,
         "every poor village gets at least one {industry_category} project, every "
         "special-hardship village at least {special_hardship_amount} 元, and every declared "
         "target is met; unmet targets and their shortfall are minimised first"),
    Rule("F5", "DOMAIN §F rule 5", "成本分担", "cost sharing", True,
         "the categories of a cost-sharing group are paid by its sources in fixed ratios "
         "(e.g. province : county = 6 : 4), payment by payment: every period's spending of a "
         "project is shared by the ratios, to within one unit"),
    Rule("F6", "DOMAIN §F rule 6", "支出进度", "spending milestones", True,
         "{assign_share}% of the central money arrived by the end of month {assign_month} is "
         "assigned to projects; cumulative spending reaches {milestones} of the money "
         "allocated"),
    Rule("F7", "DOMAIN §F rule 7", "到户奖补", "household subsidies", True,
         "{subsidy_scope} get {subsidy_rate} 元 per mu, nothing below "
         "{subsidy_min_area} mu contiguous, at most {subsidy_cap_per_member} 元 per member; "
         "the programme's {subsidy_budget} 元 are rationed {rationing}"),
    Rule("F.assign_short", _O, "资金安排缺口(单位)", "money not assigned (units)", False,
         "with F6 soft (milestone mode soft): the central money short of the "
         "{assign_share}% to be assigned by the end of month {assign_month}, summed over the "
         "sources (minimised first, before every other level)"),
    Rule("F.milestone_short", _O, "支出进度缺口(单位)", "spending milestone shortfall (units)",
         False,
         "with F6 soft (milestone mode soft): the money short of each spending milestone "
         "({milestones}), summed over the milestones (minimised second)"),
    Rule("F.unmet", _O, "未达标覆盖目标", "coverage targets not met", False,
         "the number of coverage targets not met (minimised first)"),
    Rule("F.shortfall", _O, "覆盖缺口(‰合计)", "coverage shortfall (sum of ‰)", False,
         "the sum over the targets of the share short, in ‰ (minimised next)"),
    Rule("F.benefit", _O, "加权受益人数", "weighted beneficiaries", False,
         "beneficiaries weighted {weights} (maximised)"),
    Rule("F.priority", _O, "优先级得分", "priority score", False,
         "the sum of the funded projects' priority scores, pro rata of their level "
         "(maximised)"),
    Rule("F.spent", _O, "安排资金(单位)", "money allocated (units)", False,
         "the money allocated (minimised: the least cost of reaching the targets)"),
    Rule("F.idle", _O, "闲置资金(单位)", "idle money (units)", False,
         "the budget left unallocated (minimised last)"),
], families=[
    # the model's families, in the order model.FAMILIES adds them
    Family("curve", "F0", "支出曲线", "spending curve",
           "a project's money per period is its spending curve at its funding level"),
    Family("level_step", "F0", "安排比例步长", "level step",
           "a partial project is funded in steps of {partial_step}% (no 98–99 % cuts to spend "
           "the last yuan: the money stays idle instead)"),
    Family("eligibility", "F1", "类别限制", "eligibility",
           "a source pays only for the categories it may fund, and only money it has by then"),
    Family("minimum", "F0", "最低资金", "minimum funding",
           "a funded partial project gets at least its minimum viable funding"),
    Family("committed", "F0", "已承诺", "committed", "a committed project is funded"),
    Family("excluded", "F0", "不予安排", "excluded", "a project marked 不予安排 is not funded"),
    Family("requires", "F0", "依赖", "requires",
           "a project is funded only with the projects it requires"),
    Family("excludes", "F0", "互斥", "excludes",
           "two projects that exclude each other are not both funded"),
    Family("budget", "F1", "预算", "budget",
           "no source pays beyond its money in a period ({carry_over})"),
    Family("industry_share", "F2"),
    Family("labour", "F3"),
    Family("cost_sharing", "F5"),
    Family("milestones", "F6"),
    Family("assignment", "F6", "资金安排率", "money assigned",
           "each central linkage source assigns to projects at least {assign_share}% of the "
           "money it has by the end of month {assign_month}"),
    Family("coverage", "F4", "覆盖目标", "coverage targets"),
    # checked (and switched) but not a constraint family of their own in the model
    Family("level", "F0", "安排比例", "funding level",
           "a level is 0–100 %; a whole project is funded 0 or 100 %"),
    Family("structure", "F0", "结构", "structure",
           "the allocation names known projects, sources and periods, with positive whole "
           "amounts"),
    Family("poor_village_industry", "F4", None, None,
           "every poor village gets at least one {industry_category} project"),
    Family("special_hardship", "F4", "特困村", "special-hardship villages",
           "every special-hardship village receives at least {special_hardship_amount} 元"),
    # what the outputs state, recomputed by the checker (solution.check_reasons, .reached)
    Family("reason", "F0", "原因数字", "reason figures",
           "every figure a reason states (money needed, left, free, short; value per yuan) is "
           "the plan's"),
    Family("beneficiaries", "F4", "受益人数", "people reached",
           "people reached are counted per village, at most the village's own totals"),
    # F7, checked by subsidies.check_subsidies
    Family("subsidy_entitlement", "F7", "应得金额", "entitlement",
           "each household's entitlement follows the rate, the minimum area and the cap"),
    Family("subsidy_registered", "F7", "仅限建档立卡", "registered only",
           "only registered poor households (建档立卡) are paid, unless the 方案 widens it"),
    Family("subsidy_amount", "F7", "发放金额", "amount paid",
           "a household is paid between 0 and its entitlement"),
    Family("subsidy_reason", "F7", "核减原因", "reason", "a reduced award states its reason"),
    Family("subsidy_budget", "F7", "奖补预算", "budget",
           "the programme spends at most its budget, and all of it when applications exceed it"),
    Family("poorest_first", "F7", "贫困优先", "poorest first",
           "rationing poorest first: nobody is paid after a poorer household was cut"),
    Family("pro_rata", "F7", "按比例", "pro rata",
           "rationing pro rata: each household gets its share of the budget, to the yuan"),
    Family("subsidy_structure", "F7", "结构", "structure",
           "one award per application, for known households"),
])
"""Every rule of DOMAIN §F and every constraint family of the model and the checkers."""

SWITCHABLE: tuple[str, ...] = ("eligibility", "industry_share", "labour", "poor_village_industry",
                               "special_hardship", "cost_sharing", "milestones")
"""The families a policy sheet (规则:…) or a scenario can switch off; the others always hold."""

LEVELS: tuple[str, ...] = ("assign_short", "milestone_short", "unmet", "shortfall", "benefit",
                           "priority", "spent", "idle")
"""The objective levels (rule ``F.<level>``); :func:`assignments.funding.solution.level_order`
picks and orders them for the policy's objective."""

MAXIMISED = frozenset({"benefit", "priority"})
"""Levels maximised (the model minimises their negation)."""


def level_key(level: str) -> str:
    """The rule key of an objective level (``"benefit"`` -> ``"F.benefit"``); the coverage
    stage (unmet and shortfall folded) is rule F4's."""
    return "F4" if level == "coverage" else f"F.{level}"


def level_label(level: str, lang: str = "zh") -> str:
    """The short name of an objective level (``加权受益人数``), without its key."""
    r = RULES.rule(level_key(level))
    return r.zh if lang == "zh" else r.en


def switch_label(name: str) -> str:
    """The Chinese name of a switch, as a policy sheet writes it (``产业占比``, ``特困村``)."""
    fam = RULES.family(name)
    return fam.zh or RULES.rule(name).zh


def rule_doc(key: str, figs: dict[str, Any] | None = None) -> str:
    """The one-line doc of a rule or family in the current language, with the instance's
    figures (:func:`figures`) filled in: :meth:`RuleBook.describe` (the docs are catalogued
    below, _DOCS)."""
    return RULES.describe(key, figs)


def domain_text(ref: str) -> str:
    """Where DOMAIN.md states a rule (``DOMAIN §F rule 2``) in the current language."""
    return tr(ref)  # every rule's reference is catalogued below (_docs)


def figures(policy: Any) -> dict[str, Any]:
    """The figures the rule texts quote, from an instance's policy
    (:class:`assignments.funding.data.Policy`; this module imports nothing of the package),
    in the current language."""
    pol = policy
    months = tr(", ").join(tr("{pct}% by the end of month {month}", pct=f"{pct:g}", month=m)
                           for m, pct in pol.milestones)
    weights = tr(", ").join(tr("{weight} per {what}", weight=w, what=what) for w, what in (
        (pol.weight_people, tr("person")), (pol.weight_poor_people, tr("poor person")),
        (pol.weight_households, tr("household")),
        (pol.weight_poor_households, tr("poor household")))
        if w)
    return {
        "carry_over": tr("cumulatively, with carry-over") if pol.carry_over
        else tr("in each period"),
        "industry_share": f"{pol.industry_share:g}",
        "industry_category": pol.industry_category,
        "labour_share": f"{pol.labour_share:g}",
        "labour_category": pol.labour_category,
        "labour_scope": (tr("each project") if pol.labour_scope == "project"
                         else tr("over the funded portfolio")),
        "special_hardship_amount": f"{pol.special_hardship_amount:,.0f}",
        "milestones": months or tr("no milestone"),
        "partial_step": f"{getattr(pol, 'partial_step', 1)}",
        "assign_share": f"{getattr(pol, 'assign_share', 100.0):g}",
        "assign_month": f"{getattr(pol, 'assign_month', 3)}",
        "subsidy_rate": f"{pol.subsidy_rate:,g}",
        "subsidy_min_area": f"{pol.subsidy_min_area:g}",
        "subsidy_cap_per_member": f"{pol.subsidy_cap_per_member:,g}",
        "subsidy_budget": f"{pol.subsidy_budget:,.0f}",
        "subsidy_scope": (tr("registered poor households (建档立卡) only")
                          if getattr(pol, "subsidy_registered_only", True)
                          else tr("all applying households (widened by the 方案)")),
        "rationing": {"poorest": tr("poorest first"), "pro_rata": tr("pro rata"),
                      "optimal": tr("for the most beneficiaries")}[pol.rationing],
        "weights": weights or tr("by nothing"),
    }


def _docs() -> None:
    """The rule and family docs above, marked for the catalogue (never called: the docs are
    looked up by their English text in :func:`rule_doc`)."""
    tr('a project is funded whole or at a level of 1–100 %, at least its minimum viable '
       'funding, along its spending curve; committed, 不予安排, requires and excludes marks '
       'are kept')
    tr('no source pays beyond its money ({carry_over}), or for a category it may not '
       'fund')
    tr('at least {industry_share}% of the central linkage funds (their whole amount, not'
       ' only the money used) go to {industry_category} projects')
    tr('{labour_category} projects pay at least {labour_share}% of their cost as local '
       'labour wages ({labour_scope})')
    tr('every poor village gets at least one {industry_category} project, every special-'
       'hardship village at least {special_hardship_amount} 元, and every declared target'
       ' is met; unmet targets and their shortfall are minimised first')
    tr('the categories of a cost-sharing group are paid by its sources in fixed ratios '
       "(e.g. province : county = 6 : 4), payment by payment: every period's spending of"
       ' a project is shared by the ratios, to within one unit')
    tr('{assign_share}% of the central money arrived by the end of month {assign_month} '
       'is assigned to projects; cumulative spending reaches {milestones} of the money '
       'allocated')
    tr('{subsidy_scope} get {subsidy_rate} 元 per mu, nothing below {subsidy_min_area} mu'
       " contiguous, at most {subsidy_cap_per_member} 元 per member; the programme's "
       '{subsidy_budget} 元 are rationed {rationing}')
    tr('with F6 soft (milestone mode soft): the central money short of the '
       '{assign_share}% to be assigned by the end of month {assign_month}, summed over the '
       'sources (minimised first, before every other level)')
    tr('with F6 soft (milestone mode soft): the money short of each spending milestone '
       '({milestones}), summed over the milestones (minimised second)')
    tr('the number of coverage targets not met (minimised first)')
    tr('the sum over the targets of the share short, in ‰ (minimised next)')
    tr('beneficiaries weighted {weights} (maximised)')
    tr("the sum of the funded projects' priority scores, pro rata of their level "
       '(maximised)')
    tr('the money allocated (minimised: the least cost of reaching the targets)')
    tr('the budget left unallocated (minimised last)')
    tr("a project's money per period is its spending curve at its funding level")
    tr('a partial project is funded in steps of {partial_step}% (no 98–99 % cuts to '
       'spend the last yuan: the money stays idle instead)')
    tr('a source pays only for the categories it may fund, and only money it has by then')
    tr('a funded partial project gets at least its minimum viable funding')
    tr('a committed project is funded')
    tr('a project marked 不予安排 is not funded')
    tr('a project is funded only with the projects it requires')
    tr('two projects that exclude each other are not both funded')
    tr('no source pays beyond its money in a period ({carry_over})')
    tr('each central linkage source assigns to projects at least {assign_share}% of the '
       'money it has by the end of month {assign_month}')
    tr('a level is 0–100 %; a whole project is funded 0 or 100 %')
    tr('the allocation names known projects, sources and periods, with positive whole '
       'amounts')
    tr('every poor village gets at least one {industry_category} project')
    tr('every special-hardship village receives at least {special_hardship_amount} 元')
    tr('every figure a reason states (money needed, left, free, short; value per yuan) '
       "is the plan's")
    tr("people reached are counted per village, at most the village's own totals")
    tr("each household's entitlement follows the rate, the minimum area and the cap")
    tr('only registered poor households (建档立卡) are paid, unless the 方案 widens it')
    tr('a household is paid between 0 and its entitlement')
    tr('a reduced award states its reason')
    tr('the programme spends at most its budget, and all of it when applications exceed '
       'it')
    tr('rationing poorest first: nobody is paid after a poorer household was cut')
    tr('rationing pro rata: each household gets its share of the budget, to the yuan')
    tr('one award per application, for known households')
    # where DOMAIN.md states each rule (Rule.domain), shown in the 规则 sheet
    tr('DOMAIN §F Entities (project)')
    tr('DOMAIN §F rule 1')
    tr('DOMAIN §F rule 2')
    tr('DOMAIN §F rule 3')
    tr('DOMAIN §F rule 4')
    tr('DOMAIN §F rule 5')
    tr('DOMAIN §F rule 6')
    tr('DOMAIN §F rule 7')
    tr('DOMAIN §F Objective')
