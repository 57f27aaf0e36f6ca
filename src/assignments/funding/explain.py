"""Explanations in the office's terms.

* :func:`project_reasons` — why each project is unfunded or only partly funded (excluded, no
  eligible source with money left in its quarters, below its minimum, excluded by a funded
  project, a rule it would break, lower value per yuan than the projects that got the money, …);
* :func:`explain_infeasible` — when no plan exists: the conflicting rules and records, first by
  direct checks (a committed project no source may pay, two committed projects excluding each
  other, …), else by the one conflict search (:func:`assignments.core.conflict.find_conflict`:
  CP-SAT's sufficient assumptions shrunk by deletion and re-verified), within the solve's
  budget.

Every rule is named through :data:`assignments.funding.rules.RULES` (``F2 产业占比``) with the
instance's figures. What the next 100,000 yuan would buy is a scenario run:
:func:`assignments.funding.scenarios.marginal_values`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assignments.core.conflict import Conflict, find_conflict
from assignments.core.i18n import current_lang, tr
from assignments.core.solver import SolveParams, solve_params
from assignments.funding.data import FundingData, Problem, money_text, problem
from assignments.funding.greedy import Ledger, _Reach
from assignments.funding.rules import RULES, figures, rule_doc
from assignments.funding.solution import FundingSolution, check, milestone_shortfalls
from assignments.funding.speak import speaks

__all__ = [
    "Reason",
    "conflict",
    "explain_infeasible",
    "milestone_lines",
    "project_reasons",
]


def yuan(units: float, prob: Problem, input_unit: int = 1) -> str:
    """Model units as money in the workbook's own unit (``1,234,000 元``, ``123.4 万元``)."""
    return money_text(units * prob.unit, input_unit)


@dataclass(frozen=True)
class Reason:
    """Why a project is not (fully) funded: a short code, a sentence, and every figure the
    sentence states (``figures``: name -> value, money in yuan), which
    :func:`assignments.funding.solution.check_reasons` recomputes from the plan alone.

    Figures: ``period`` (the quarter the money is short in), ``need`` (yuan the project — for a
    partial project, its next 1 % — needs that quarter), ``left`` (yuan its eligible sources
    still hold at the end of that quarter, as the 资金来源 sheet's 结余 shows them), ``free``
    (yuan they can still pay that quarter without taking money later quarters already spend),
    ``short`` (at least this much more money would fund it: the sum over its quarters of need −
    free), ``ratio`` / ``rival`` / ``rival_ratio`` (weighted beneficiaries per 10,000 yuan of it
    and of the funded project it is compared with), ``level`` / ``next_level``.
    """

    project: int
    code: str
    text: str
    figures: dict[str, Any] = field(default_factory=dict)


def _label(data: FundingData, j: int) -> str:
    p = data.projects[j]
    return f"{p.id} {p.name}" if p.name else p.id


@speaks
def project_reasons(data: FundingData, sol: FundingSolution, prob: Problem | None = None,
                    *, lang: str | None = None) -> dict[int, Reason]:
    """A reason for every project that is unfunded or only partly funded.

    The checks run in order and the first that applies is the reason: excluded, work relief,
    no eligible source, no eligible source with money in one of its quarters, a required project
    unfunded, excluded by a funded project, the money left (by quarter and eligible source) does
    not cover its minimum / its spending (预算不足, with the amount that would fund it), a rule
    it would break (milestones, industry share), then the objective (no beneficiaries, value per
    yuan, least cost). Every figure a reason states is in :attr:`Reason.figures` (money in
    yuan, written in the workbook's unit) and is recomputed by
    :func:`assignments.funding.solution.check_reasons`.
    """
    lang = lang or current_lang()  # set by @speaks; for the type checker
    prob = prob if prob is not None else problem(data)
    pol = data.policy
    iu = pol.input_unit
    led = Ledger.of(prob, sol)
    T = len(prob.periods)
    u = prob.unit
    # weighted beneficiaries per 10,000 yuan as the plan counts them (per village, capped by
    # the village totals): what an unfunded project would add at 100 %, what a funded one adds
    # at its level (what the plan would lose without it), per yuan it costs / gets
    reach = _Reach(prob, sol.level)
    got = sol.funding()
    ratio = [(-reach.gain(j, 0) * 10_000 / max(1, got[j] * u)) if sol.level[j] > 0
             else reach.gain(j, 100) * 10_000 / max(1, prob.cost[j] * u) for j in range(prob.n)]
    out: dict[int, Reason] = {}

    def money(yuan_: float) -> str:
        return money_text(yuan_, iu)

    def left_at(j: int, t: int) -> int:
        """Units the eligible sources of ``j`` still hold at the end of ``t`` (the sheet's 结余)."""
        total = 0
        for s in prob.eligible[j]:
            if prob.carry_over:
                total += sum(prob.budget[s][: t + 1]) - sum(led.spent[s][: t + 1])
            else:
                total += prob.budget[s][t] - led.spent[s][t]
        return total

    def shortage(j: int, need: list[int]) -> dict[str, Any] | None:
        """Figures of the first quarter whose need exceeds what the sources can still pay."""
        first = None
        short = 0
        for t in range(T):
            if need[t] == 0:
                continue
            free = sum(led.headroom(s, t) for s in prob.eligible[j])
            if free < need[t]:
                short += need[t] - free
                if first is None:
                    first = (t, free)
        if first is None:
            return None
        t, free = first
        return {"period": prob.periods[t], "need": need[t] * u, "left": left_at(j, t) * u,
                "free": free * u, "short": short * u}

    def budget_text(f: dict[str, Any], lead: str | None = None) -> str:
        """``预算不足：…`` (or ``lead`` instead) with the figures of :func:`shortage`."""
        per = f["period"]
        text = (lead or tr("budget short: ")) + tr(
            "in {period} it needs {need}, its eligible sources can pay {free} then",
            period=per, need=money(f["need"]), free=money(f["free"]))
        if f["left"] > f["free"]:
            text += tr(" ({left} left at the end of {period}, of which {later} is spent in later "
                       "quarters)", left=money(f["left"]), period=per,
                       later=money(f["left"] - f["free"]))
        return text + tr("; at least {short} more would be needed", short=money(f["short"]))

    def competitors(j: int) -> list[int]:
        """Funded projects paid by a source of ``j`` in one of ``j``'s quarters."""
        periods = {t for t in range(T) if prob.period_cost[j][t]}
        srcs = set(prob.eligible[j])
        return sorted({k for (k, s, t) in sol.alloc if s in srcs and (t in periods
                                                                       or prob.carry_over)})

    for j, p in enumerate(data.projects):
        lv = sol.level[j]
        if lv == 100:
            continue
        if lv > 0:
            nxt = lv + 1
            while nxt < 100 and not any(a * nxt // 100 - a * lv // 100
                                        for a in prob.period_cost[j]):
                nxt += 1
            need = [a * nxt // 100 - a * lv // 100 for a in prob.period_cost[j]]
            f: dict[str, Any] | None = shortage(j, need)
            text = tr("partly funded at {level}%", level=lv)
            if f:
                f.update(level=lv, next_level=nxt)
                text += tr(": ") + budget_text(f, tr("raising it to {level}%: ", level=nxt))
            else:
                f = {"level": lv}
                text += tr(": more would not improve the plan (or would break another rule)")
            out[j] = Reason(j, "partial", text, f)
            continue
        if p.excluded:
            out[j] = Reason(j, "excluded", tr("marked 不予安排 (excluded)"))
            continue
        if prob.labour and prob.labour[0] == "project" and j in prob.labour[2] \
                and prob.labour[3][j] < prob.labour[1]:
            out[j] = Reason(j, "labour", RULES.label("labour", lang) + tr(
                ": pays {share}% as labour wages, below {required}%",
                share=f"{p.labour_share:g}", required=f"{pol.labour_share:g}"))
            continue
        if not prob.eligible[j]:
            out[j] = Reason(j, "ineligible", tr("no source may pay for category '{category}'",
                                                 category=p.category))
            continue
        empty = [t for t in range(T) if prob.period_cost[j][t]
                 and not any((sum(prob.budget[s][: t + 1]) if prob.carry_over
                              else prob.budget[s][t]) > 0 for s in prob.eligible[j])]
        if empty:
            out[j] = Reason(j, "no_money_period", tr("no eligible source has money by {period}",
                                                      period=prob.periods[empty[0]]))
            continue
        req = [k for a, k in prob.requires if a == j and sol.level[k] == 0]
        if req:
            out[j] = Reason(j, "requires", tr("requires {project}, which is not funded",
                                               project=_label(data, req[0])))
            continue
        excl = [b if a == j else a for a, b in prob.excludes
                if j in (a, b) and sol.level[b if a == j else a] > 0]
        if excl:
            out[j] = Reason(j, "excluded_by", tr("excluded by {project}, which is funded",
                                                  project=_label(data, excl[0])))
            continue
        lowest = 100  # a whole project is funded at 100 % or not at all
        if prob.partial[j]:
            lowest = 1
            while lowest < 100 and sum(a * lowest // 100 for a in prob.period_cost[j]) < max(
                    1, prob.min_funding[j]):
                lowest += 1
        f = shortage(j, [a * lowest // 100 for a in prob.period_cost[j]])
        if f is not None:
            f["next_level"] = lowest
            if prob.partial[j] and prob.min_funding[j]:
                f["minimum"] = prob.min_funding[j] * u
                out[j] = Reason(j, "minimum", tr("below its minimum viable funding {minimum}: ",
                                                 minimum=money(f["minimum"]))
                                + budget_text(f), f)
                continue
            rivals = [k for k in competitors(j) if sol.level[k] > 0]
            worst = min(rivals, key=lambda k: (ratio[k], k)) if rivals else None
            base = budget_text(f)
            if prob.value[j] > 0 and reach.gain(j, 100) == 0 and pol.objective in (
                    "coverage", "benefit"):  # its villages are full: it adds nobody
                f["adds"] = 0
                out[j] = Reason(j, "no_benefit", base + tr(
                    "; it would add nobody: the people of its villages are already counted "
                    "(at most the village totals)"), f)
            elif worst is not None and ratio[j] < ratio[worst]:
                f.update(ratio=round(ratio[j], 1), rival=data.projects[worst].id,
                         rival_ratio=round(ratio[worst], 1))
                out[j] = Reason(j, "value", base + tr(
                    "; {ratio} weighted beneficiaries per 10,000 yuan, less than the funded "
                    "{rival} competing for the same money ({rival_ratio})",
                    ratio=f"{ratio[j]:.1f}", rival=_label(data, worst),
                    rival_ratio=f"{ratio[worst]:.1f}"), f)
            elif prob.value[j] == 0 and pol.objective in ("coverage", "benefit"):
                out[j] = Reason(j, "no_benefit", base + tr("; it declares no beneficiaries"), f)
            else:
                out[j] = Reason(j, "no_money", base, f)
            continue
        # the money is there: which rule would funding it break?
        plan = led.plan(j, lowest)
        if plan is None:
            share = prob.share.get(j)
            out[j] = Reason(j, "cost_sharing" if share else "no_money", tr(
                "its cost-sharing sources cannot pay their ratios from what is left") if share
                else tr("budget short: its eligible sources cannot pay all its quarters from what "
                        "is left"))
            continue
        trial = FundingSolution(level=list(sol.level), alloc={**sol.alloc, **plan}, unit=sol.unit)
        trial.level[j] = lowest
        broken = [v for v in check(data, trial, prob)
                  if v.rule in ("industry_share", "labour", "milestones")]
        widen = None
        if not broken and prob.milestone_soft:  # F6 soft: the shortfall it would add
            before, after = (sum(f.short for f in milestone_shortfalls(data, x, prob)
                                 if f.kind == "milestone") for x in (sol, trial))
            if after > before:
                widen = {"next_level": lowest, "ms_before": before * u, "ms_after": after * u}
        if broken:
            rule = RULES.label(broken[0].rule, lang)
            out[j] = Reason(j, "rule", tr("funding it would break {rule}: {message}",
                                          rule=rule, message=broken[0].message))
        elif widen is not None:
            out[j] = Reason(j, "rule", tr(
                "funding it would widen the shortfall of {rule} (soft) from {before} to {after}",
                rule=RULES.label("milestones", lang), before=money(widen["ms_before"]),
                after=money(widen["ms_after"])), widen)
        elif prob.value[j] == 0 and pol.objective in ("coverage", "benefit"):
            out[j] = Reason(j, "no_benefit", tr("it declares no beneficiaries"))
        elif pol.objective == "cost":
            out[j] = Reason(j, "objective",
                            tr("objective least cost: the targets do not need it"))
        elif pol.objective == "priority" and prob.priority[j] == 0:
            out[j] = Reason(j, "objective", tr("its priority is 0"))
        else:
            out[j] = Reason(j, "time_limit", tr(
                "the money is there: the solve stopped at its time limit before this project "
                "was added"))
    return out


def _projects_text(data: FundingData, prob: Problem, items: list[tuple[int, int]],
                   most: int = 3) -> str:
    """``P1 名称 1,200,000 元、P2 …`` for (project, units), the largest first, at most
    ``most`` (``… n more``)."""
    iu = data.policy.input_unit
    items = sorted(items, key=lambda x: (-x[1], x[0]))
    words = [f"{_label(data, j)} {yuan(v, prob, iu)}" for j, v in items[:most]]
    if len(items) > most:
        words.append(tr("{n} more", n=len(items) - most))
    return tr(", ").join(words)


@speaks
def milestone_lines(data: FundingData, sol: FundingSolution, prob: Problem | None = None,
                    *, lang: str | None = None) -> list[str]:
    """With rule F6 soft (支出进度执行方式 = 软性): one line per F6 requirement the plan does not
    meet — the source short of the money to assign by the assignment month, the spending
    milestone short — with its shortfall (amount and %) and what prevented it (the unfunded
    projects the source may pay, or the funded projects spending after the milestone and the
    unfunded ones spending before it); "every requirement met" when none is short. Hard (the
    default) the plan meets them all: nothing to say. Figures from
    :func:`assignments.funding.solution.milestone_shortfalls` (the checker's)."""
    lang = lang or current_lang()  # set by @speaks; for the type checker
    prob = prob if prob is not None else problem(data)
    pol = data.policy
    if pol.milestone_mode != "soft":
        return []
    found = milestone_shortfalls(data, sol, prob)
    if not found:
        return []
    iu = pol.input_unit
    sidx = {s.id: i for i, s in enumerate(data.sources)}
    out = []
    for f in found:
        if f.short <= 0:
            continue
        if f.kind == "assignment":
            s = sidx[f.source]
            head = tr("{rule} (soft): source {source} assigns {got} to projects, {share}% of "
                      "the {have} it has by the end of {period} is {need}: short by {short} "
                      "({pct}%)", rule=RULES.label("assignment", lang), source=f.source,
                      got=yuan(f.got, prob, iu), share=f"{f.share:g}",
                      have=yuan(f.base, prob, iu), period=f.period, need=yuan(f.need, prob, iu),
                      short=yuan(f.short, prob, iu), pct=f"{f.pct_short:.1f}")
            open_ = [(j, prob.cost[j]) for j in range(prob.n) if sol.level[j] < 100
                     and s in prob.eligible[j] and not prob.excluded[j]]
            if open_:
                why = tr("; projects it may pay, not (fully) funded: {projects} (their reasons "
                         "below)", projects=_projects_text(data, prob, open_))
            else:
                why = tr("; every project it may pay is funded in full")
            out.append(head + why)
            continue
        k = prob.periods.index(f.period)
        head = tr("{rule} (soft): by the end of {period} {got} of the {total} allocated are "
                  "spent ({got_pct}% < {share}%): short by {short} ({pct}% of the money "
                  "allocated)", rule=RULES.label("milestones", lang), period=f.period,
                  got=yuan(f.got, prob, iu), total=yuan(f.base, prob, iu),
                  got_pct=f"{100 * f.got / max(1, f.base):.1f}", share=f"{f.share:g}",
                  short=yuan(f.short, prob, iu), pct=f"{f.pct_short:.1f}")
        late: dict[int, int] = {}
        for (j, _s, t), v in sol.alloc.items():
            if t > k:
                late[j] = late.get(j, 0) + v
        why = tr("; spent after {period} by {projects}", period=f.period,
                 projects=_projects_text(data, prob, list(late.items())))
        early = [(j, sum(prob.period_cost[j][: k + 1]) - sum(
            a * sol.level[j] // 100 for a in prob.period_cost[j][: k + 1]))
            for j in range(prob.n) if sol.level[j] < 100 and not prob.excluded[j]]
        early = [(j, v) for j, v in early if v > 0]
        if early:
            why += tr("; projects spending by then, not (fully) funded: {projects} (their "
                      "reasons below)", projects=_projects_text(data, prob, early))
        else:
            why += tr("; no project left in the library spends by then")
        out.append(head + why)
    if not out:
        out.append(tr("{rule} (soft): every requirement met", rule=RULES.label("F6", lang)))
    return out


# ------------------------------------------------------------------ infeasible plans


def _precheck(data: FundingData, prob: Problem, lang: str) -> list[str]:
    """Conflicts found without a solver: committed projects that cannot be funded at all."""
    lines = []
    committed = [j for j in range(prob.n) if prob.committed[j]]
    T = len(prob.periods)
    pol = data.policy
    for j in committed:
        p = data.projects[j]
        L = _label(data, j)
        if not prob.eligible[j]:
            lines.append(tr("committed project {project}: no source may pay for category "
                            "'{category}'", project=L, category=p.category))
            continue
        for t in range(T):
            if prob.period_cost[j][t] and not any(
                    (sum(prob.budget[s][: t + 1]) if prob.carry_over else prob.budget[s][t]) > 0
                    for s in prob.eligible[j]):
                lines.append(tr("committed project {project} spends in {period}, but no eligible "
                                "source has money by then", project=L, period=prob.periods[t]))
                break
        if prob.labour and prob.labour[0] == "project" and j in prob.labour[2] \
                and prob.labour[3][j] < prob.labour[1]:
            lines.append(tr("committed project {project} pays {share}% as labour wages, below "
                            "the {required}% of {rule}", project=L,
                            share=f"{p.labour_share:g}", required=f"{pol.labour_share:g}",
                            rule=RULES.label("labour", lang)))
    cset = set(committed)
    for a, b in prob.excludes:
        if a in cset and b in cset:
            lines.append(tr("committed projects {a} and {b} exclude each other",
                            a=_label(data, a), b=_label(data, b)))
    for a, b in prob.requires:
        if a in cset and prob.excluded[b]:
            lines.append(tr("committed project {a} requires {b}, which is marked 不予安排",
                            a=_label(data, a), b=_label(data, b)))
    return lines


_DROP_FIRST = ["requires", "excludes", "minimum", "cost_sharing", "labour", "industry_share",
               "milestones", "eligibility", "excluded", "budget", "committed"]
"""Families whose members the conflict search tries to drop first: the conflict kept speaks of
committed projects and budgets, the records a planner changes."""


def conflict(data: FundingData, prob: Problem, params: SolveParams,
             seconds: float | None = None) -> Conflict:
    """The conflicting rule instances of an infeasible plan: the explaining model (every hard
    rule instance guarded, :func:`assignments.funding.model.build_model`) through the one
    conflict search, re-verified, within ``seconds`` and the solve's budget (``params``)."""
    from assignments.funding.model import build_model

    fm = build_model(prob, explain=True, levels=[])
    if seconds is None:
        seconds = params.budget.remaining() if params.budget is not None else params.time_limit
    return find_conflict(fm.model, fm.literals, params, seconds=max(0.5, seconds),
                         drop_first=_DROP_FIRST)


def _render(data: FundingData, prob: Problem, family: str, key: tuple[Any, ...],
            lang: str) -> str:
    """One member of a conflict, in the office's terms, led by its rule's label."""
    detail = _detail(data, prob, family, key, lang)
    return f"{RULES.label(family, lang)}{tr(': ')}{detail}"


def _detail(data: FundingData, prob: Problem, family: str, key: tuple[Any, ...],
            lang: str) -> str:
    pol = data.policy
    iu = pol.input_unit
    fig = figures(pol)
    if family == "committed":
        j = key[0]
        need = ", ".join(f"{prob.periods[t]} {yuan(a, prob, iu)}"
                         for t, a in enumerate(prob.period_cost[j]) if a)
        return tr("committed project {project} must be funded (spending {need})",
                  project=_label(data, j), need=need)
    if family == "budget":
        s, t = key
        src = data.sources[s]
        have = sum(prob.budget[s][: t + 1]) if prob.carry_over else prob.budget[s][t]
        cats = tr(", ").join(src.categories) if src.categories else tr("any")
        kw = dict(source=src.label, have=yuan(have, prob, iu), period=prob.periods[t],
                  categories=cats)
        if prob.carry_over:
            return tr("source {source} has {have} by {period} (categories: {categories})", **kw)
        return tr("source {source} has {have} in {period} (categories: {categories})", **kw)
    if family == "milestones":
        k = key[0]
        m = next(x for x in prob.milestones if x[0] == k)
        return tr("at least {pct}% of the money allocated is spent by the end of {period}",
                  pct=f"{100 * m[1] / m[2]:g}", period=prob.periods[k])
    if family == "assignment" and prob.assignment is not None:
        k, num, den, _srcs = prob.assignment
        src = data.sources[key[0]]
        return tr("source {source} assigns {pct}% of the money it has by the end of {period} "
                  "to projects", source=src.label, pct=f"{100 * num / den:g}",
                  period=prob.periods[k])
    if family == "industry_share":
        return rule_doc("industry_share", fig)
    if family == "labour":
        if key:
            p = data.projects[key[0]]
            return tr("{project} pays {share}% as wages, below {required}%",
                      project=_label(data, key[0]), share=f"{p.labour_share:g}",
                      required=fig["labour_share"])
        return rule_doc("labour", fig)
    if family == "cost_sharing":
        j, s = key
        group = prob.share[j]
        ratio = ":".join(str(r) for _s, r in group)
        names = ":".join(data.sources[x].label for x, _r in group)
        return tr("{project} is paid {ratio} by {sources}", project=_label(data, j),
                  ratio=ratio, sources=names)
    if family == "requires":
        a, b = key
        return tr("{a} requires {b}", a=_label(data, a), b=_label(data, b))
    if family == "excludes":
        a, b = key
        return tr("{a} and {b} exclude each other", a=_label(data, a), b=_label(data, b))
    if family == "excluded":
        return tr("{project} is marked 不予安排", project=_label(data, key[0]))
    if family == "minimum":
        j = key[0]
        return tr("{project} needs at least {minimum}", project=_label(data, j),
                  minimum=yuan(prob.min_funding[j], prob, iu))
    if family == "eligibility":
        j = key[0]
        return tr("no eligible source has money in the quarters {project} spends",
                  project=_label(data, j))
    return rule_doc(family, fig) + f" {key}"


@speaks
def explain_infeasible(data: FundingData, prob: Problem | None = None,
                       params: SolveParams | None = None, *, lang: str | None = None
                       ) -> list[str]:
    """Why no plan satisfies every switched-on rule, naming the rules and records in conflict.

    ``params`` carries the solve's budget (the search stops at its deadline); without it, a
    budget of 20 s is made here.
    """
    prob = prob if prob is not None else problem(data)
    params = params if params is not None else solve_params(time_limit=20, num_workers=1)
    assert lang is not None
    head = tr("No allocation satisfies every switched-on rule. These conflict:")
    pre = _precheck(data, prob, lang)
    if pre:
        return [head, *(f"  - {x}" for x in pre)]
    found = conflict(data, prob, params)
    if not found:
        return [tr("The conflicting rules could not be found in time; try a longer time limit.")]
    lines = [head, *(f"  - {_render(data, prob, f, k, lang)}" for f, k in found.members)]
    if not found.minimal:
        lines.append("  " + tr("(not shrunk to a minimal set in time)"))
    if not found.verified:
        lines.append("  " + tr("(this set could not be re-verified in time)"))
    return lines
