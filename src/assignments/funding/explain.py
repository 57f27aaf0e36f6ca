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
from assignments.core.solver import SolveParams, solve_params
from assignments.funding.data import FundingData, Problem, money_text, problem
from assignments.funding.greedy import Ledger
from assignments.funding.rules import RULES, figures
from assignments.funding.solution import FundingSolution, check

__all__ = [
    "Reason",
    "conflict",
    "explain_infeasible",
    "project_reasons",
]


def _t(lang: str, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


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


def project_reasons(data: FundingData, sol: FundingSolution, prob: Problem | None = None,
                    *, lang: str = "zh") -> dict[int, Reason]:
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
    prob = prob if prob is not None else problem(data)
    pol = data.policy
    iu = pol.input_unit
    led = Ledger.of(prob, sol)
    T = len(prob.periods)
    u = prob.unit
    ratio = [prob.value[j] * 10_000 / max(1, prob.cost[j] * u) for j in range(prob.n)]
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

    def budget_text(f: dict[str, Any], lead: tuple[str, str] | None = None) -> str:
        """``预算不足：…`` (or ``lead`` instead) with the figures of :func:`shortage`."""
        per = f["period"]
        zh_lead, en_lead = lead or ("预算不足：", "budget short: ")
        zh = (f"{zh_lead}{per} 需要 {money(f['need'])}，可用来源当季可支配 "
              f"{money(f['free'])}")
        en = (f"{en_lead}in {per} it needs {money(f['need'])}, its eligible sources can pay "
              f"{money(f['free'])} then")
        if f["left"] > f["free"]:
            zh += (f"（截至 {per} 结余 {money(f['left'])}，其中 {money(f['left'] - f['free'])}"
                   "已用于其后季度的支出）")
            en += (f" ({money(f['left'])} left at the end of {per}, of which "
                   f"{money(f['left'] - f['free'])} is spent in later quarters)")
        zh += f"；至少还差 {money(f['short'])}"
        en += f"; at least {money(f['short'])} more would be needed"
        return _t(lang, zh, en)

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
            text = _t(lang, f"部分安排 {lv}%", f"partly funded at {lv}%")
            if f:
                f.update(level=lv, next_level=nxt)
                text += _t(lang, "：", ": ") + budget_text(
                    f, (f"提高到 {nxt}%：", f"raising it to {nxt}%: "))
            else:
                f = {"level": lv}
                text += _t(lang, "：更多资金会降低目标（或违反其他规则）",
                           ": more would not improve the plan (or would break another rule)")
            out[j] = Reason(j, "partial", text, f)
            continue
        if p.excluded:
            out[j] = Reason(j, "excluded", _t(lang, "标记为不予安排", "marked 不予安排 (excluded)"))
            continue
        if prob.labour and prob.labour[0] == "project" and j in prob.labour[2] \
                and prob.labour[3][j] < prob.labour[1]:
            out[j] = Reason(j, "labour", RULES.label("labour", lang) + _t(
                lang, f"：劳务报酬比例 {p.labour_share:g}% 低于 {pol.labour_share:g}%",
                f": pays {p.labour_share:g}% as labour wages, below {pol.labour_share:g}%"))
            continue
        if not prob.eligible[j]:
            out[j] = Reason(j, "ineligible", _t(
                lang, f"没有资金来源可用于“{p.category}”类项目",
                f"no source may pay for category '{p.category}'"))
            continue
        empty = [t for t in range(T) if prob.period_cost[j][t]
                 and not any((sum(prob.budget[s][: t + 1]) if prob.carry_over
                              else prob.budget[s][t]) > 0 for s in prob.eligible[j])]
        if empty:
            out[j] = Reason(j, "no_money_period", _t(
                lang, f"{prob.periods[empty[0]]} 没有可用来源的资金到位",
                f"no eligible source has money by {prob.periods[empty[0]]}"))
            continue
        req = [k for a, k in prob.requires if a == j and sol.level[k] == 0]
        if req:
            out[j] = Reason(j, "requires", _t(
                lang, f"依赖的项目 {_label(data, req[0])} 未安排",
                f"requires {_label(data, req[0])}, which is not funded"))
            continue
        excl = [b if a == j else a for a, b in prob.excludes
                if j in (a, b) and sol.level[b if a == j else a] > 0]
        if excl:
            out[j] = Reason(j, "excluded_by", _t(
                lang, f"与已安排的项目 {_label(data, excl[0])} 互斥",
                f"excluded by {_label(data, excl[0])}, which is funded"))
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
                out[j] = Reason(j, "minimum", _t(
                    lang, f"低于最低可行资金 {money(f['minimum'])}：",
                    f"below its minimum viable funding {money(f['minimum'])}: ")
                    + budget_text(f), f)
                continue
            rivals = [k for k in competitors(j) if sol.level[k] > 0]
            worst = min(rivals, key=lambda k: (ratio[k], k)) if rivals else None
            base = budget_text(f)
            if worst is not None and ratio[j] <= ratio[worst]:
                f.update(ratio=round(ratio[j], 1), rival=data.projects[worst].id,
                         rival_ratio=round(ratio[worst], 1))
                out[j] = Reason(j, "value", base + _t(
                    lang, f"；每万元受益 {ratio[j]:.1f}，低于已安排的 {_label(data, worst)}"
                          f"（{ratio[worst]:.1f}）",
                    f"; {ratio[j]:.1f} weighted beneficiaries per 10,000 yuan, less than the "
                    f"funded {_label(data, worst)} competing for the same money "
                    f"({ratio[worst]:.1f})"), f)
            elif prob.value[j] == 0 and pol.objective in ("coverage", "benefit"):
                out[j] = Reason(j, "no_benefit", base + _t(
                    lang, "；未填受益人数", "; it declares no beneficiaries"), f)
            else:
                out[j] = Reason(j, "no_money", base, f)
            continue
        # the money is there: which rule would funding it break?
        plan = led.plan(j, lowest)
        if plan is None:
            share = prob.share.get(j)
            out[j] = Reason(j, "cost_sharing" if share else "no_money", _t(
                lang, "成本分担比例下各来源余额不足" if share
                else "预算不足：可用来源的余额不能同时支付它各季度的支出",
                "its cost-sharing sources cannot pay their ratios from what is left" if share
                else "budget short: its eligible sources cannot pay all its quarters from what "
                     "is left"))
            continue
        trial = FundingSolution(level=list(sol.level), alloc={**sol.alloc, **plan}, unit=sol.unit)
        trial.level[j] = lowest
        broken = [v for v in check(data, trial, prob)
                  if v.rule in ("industry_share", "labour", "milestones")]
        if broken:
            rule = RULES.label(broken[0].rule, lang)
            out[j] = Reason(j, "rule", _t(lang, f"安排它会违反 {rule}：{broken[0].message}",
                                          f"funding it would break {rule}: "
                                          f"{broken[0].message}"))
        elif prob.value[j] == 0 and pol.objective in ("coverage", "benefit"):
            out[j] = Reason(j, "no_benefit", _t(lang, "未填受益人数，对目标无贡献",
                                                "it declares no beneficiaries"))
        elif pol.objective == "cost":
            out[j] = Reason(j, "objective", _t(lang, "目标为最小成本：覆盖目标不需要它",
                                               "objective least cost: the targets do not need it"))
        elif pol.objective == "priority" and prob.priority[j] == 0:
            out[j] = Reason(j, "objective", _t(lang, "优先级为 0", "its priority is 0"))
        else:
            out[j] = Reason(j, "time_limit", _t(
                lang, "资金足够但未安排：求解在证明最优前达到时间上限",
                "the money is there: the solve stopped at its time limit before this project "
                "was added"))
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
            lines.append(_t(lang, f"已承诺项目 {L}：没有资金来源可用于“{p.category}”类",
                            f"committed project {L}: no source may pay for category "
                            f"'{p.category}'"))
            continue
        for t in range(T):
            if prob.period_cost[j][t] and not any(
                    (sum(prob.budget[s][: t + 1]) if prob.carry_over else prob.budget[s][t]) > 0
                    for s in prob.eligible[j]):
                lines.append(_t(lang, f"已承诺项目 {L}：{prob.periods[t]} 需要支出，"
                                      "但没有可用来源的资金到位",
                                f"committed project {L} spends in {prob.periods[t]}, but no "
                                f"eligible source has money by then"))
                break
        if prob.labour and prob.labour[0] == "project" and j in prob.labour[2] \
                and prob.labour[3][j] < prob.labour[1]:
            lines.append(_t(lang, f"已承诺项目 {L}：劳务报酬比例 {p.labour_share:g}% "
                                  f"低于 {RULES.label('labour', lang)} 要求的 "
                                  f"{pol.labour_share:g}%",
                            f"committed project {L} pays {p.labour_share:g}% as labour wages, "
                            f"below the {pol.labour_share:g}% of "
                            f"{RULES.label('labour', lang)}"))
    cset = set(committed)
    for a, b in prob.excludes:
        if a in cset and b in cset:
            lines.append(_t(lang, f"已承诺项目 {_label(data, a)} 与 {_label(data, b)} 互斥",
                            f"committed projects {_label(data, a)} and {_label(data, b)} "
                            "exclude each other"))
    for a, b in prob.requires:
        if a in cset and prob.excluded[b]:
            lines.append(_t(lang, f"已承诺项目 {_label(data, a)} 依赖不予安排的项目 "
                                  f"{_label(data, b)}",
                            f"committed project {_label(data, a)} requires "
                            f"{_label(data, b)}, which is marked 不予安排"))
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
    return f"{RULES.label(family, lang)}{_t(lang, '：', ': ')}{detail}"


def _detail(data: FundingData, prob: Problem, family: str, key: tuple[Any, ...],
            lang: str) -> str:
    pol = data.policy
    iu = pol.input_unit
    fig = figures(pol)
    if family == "committed":
        j = key[0]
        need = ", ".join(f"{prob.periods[t]} {yuan(a, prob, iu)}"
                         for t, a in enumerate(prob.period_cost[j]) if a)
        return _t(lang, f"已承诺项目 {_label(data, j)} 必须安排（支出：{need}）",
                  f"committed project {_label(data, j)} must be funded (spending {need})")
    if family == "budget":
        s, t = key
        src = data.sources[s]
        have = sum(prob.budget[s][: t + 1]) if prob.carry_over else prob.budget[s][t]
        by = _t(lang, "截至" if prob.carry_over else "在", "by" if prob.carry_over else "in")
        cats = "、".join(src.categories) if src.categories else _t(lang, "全部", "any")
        return _t(lang, f"资金来源 {src.label} {by} {prob.periods[t]} 只有 {yuan(have, prob, iu)}"
                        f"（可用类别：{cats}）",
                  f"source {src.label} has {yuan(have, prob, iu)} {by} {prob.periods[t]} "
                  f"(categories: {cats})")
    if family == "milestones":
        k = key[0]
        m = next(x for x in prob.milestones if x[0] == k)
        return _t(lang, f"截至 {prob.periods[k]} 至少支出已安排资金的 {100 * m[1] / m[2]:g}%",
                  f"at least {100 * m[1] / m[2]:g}% of the money allocated is spent by the end "
                  f"of {prob.periods[k]}")
    if family == "assignment" and prob.assignment is not None:
        k, num, den, _srcs = prob.assignment
        src = data.sources[key[0]]
        return _t(lang, f"资金来源 {src.label} 截至 {prob.periods[k]} 到位的资金须 "
                        f"{100 * num / den:g}% 安排到项目",
                  f"source {src.label} assigns {100 * num / den:g}% of the money it has by the "
                  f"end of {prob.periods[k]} to projects")
    if family == "industry_share":
        return _t(lang, f"中央衔接资金至少 {fig['industry_share']}% 用于"
                        f"{fig['industry_category']}",
                  RULES.describe("industry_share", fig))
    if family == "labour":
        if key:
            p = data.projects[key[0]]
            return _t(lang, f"{_label(data, key[0])} 劳务报酬比例 {p.labour_share:g}% "
                            f"低于 {fig['labour_share']}%",
                      f"{_label(data, key[0])} pays {p.labour_share:g}% as wages, "
                      f"below {fig['labour_share']}%")
        return _t(lang, f"{fig['labour_category']}整体劳务报酬至少 {fig['labour_share']}%",
                  RULES.describe("labour", fig))
    if family == "cost_sharing":
        j, s = key
        group = prob.share[j]
        ratio = ":".join(str(r) for _s, r in group)
        names = ":".join(data.sources[x].label for x, _r in group)
        return _t(lang, f"{_label(data, j)} 由 {names} 按 {ratio} 分担",
                  f"{_label(data, j)} is paid {ratio} by {names}")
    if family == "requires":
        a, b = key
        return _t(lang, f"{_label(data, a)} 依赖 {_label(data, b)}",
                  f"{_label(data, a)} requires {_label(data, b)}")
    if family == "excludes":
        a, b = key
        return _t(lang, f"{_label(data, a)} 与 {_label(data, b)} 互斥",
                  f"{_label(data, a)} and {_label(data, b)} exclude each other")
    if family == "excluded":
        return _t(lang, f"{_label(data, key[0])} 标记为不予安排",
                  f"{_label(data, key[0])} is marked 不予安排")
    if family == "minimum":
        j = key[0]
        return _t(lang, f"{_label(data, j)} 最低可行资金 {yuan(prob.min_funding[j], prob, iu)}",
                  f"{_label(data, j)} needs at least {yuan(prob.min_funding[j], prob, iu)}")
    if family == "eligibility":
        j = key[0]
        return _t(lang, f"{_label(data, j)} 的支出季度没有可用来源的资金到位",
                  f"no eligible source has money in the quarters {_label(data, j)} spends")
    return RULES.describe(family, fig) + f" {key}"


def explain_infeasible(data: FundingData, prob: Problem | None = None,
                       params: SolveParams | None = None, *, lang: str = "zh") -> list[str]:
    """Why no plan satisfies every switched-on rule, naming the rules and records in conflict.

    ``params`` carries the solve's budget (the search stops at its deadline); without it, a
    budget of 20 s is made here.
    """
    prob = prob if prob is not None else problem(data)
    params = params if params is not None else solve_params(time_limit=20, num_workers=1)
    head = _t(lang, "没有满足全部已开启规则的分配方案。冲突如下：",
              "No allocation satisfies every switched-on rule. These conflict:")
    pre = _precheck(data, prob, lang)
    if pre:
        return [head, *(f"  - {x}" for x in pre)]
    found = conflict(data, prob, params)
    if not found:
        return [_t(lang, "未能在时间内找出冲突的规则；请延长时间上限。",
                   "The conflicting rules could not be found in time; try a longer time limit.")]
    lines = [head, *(f"  - {_render(data, prob, f, k, lang)}" for f, k in found.members)]
    if not found.minimal:
        lines.append(_t(lang, "  （未能在时间内缩到最小）",
                        "  (not shrunk to a minimal set in time)"))
    if not found.verified:
        lines.append(_t(lang, "  （未能在时间内复核这组冲突）",
                        "  (this set could not be re-verified in time)"))
    return lines
