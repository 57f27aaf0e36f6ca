"""An allocation and its independent checker (no solver imports here).

:func:`check` lists every violated hard rule of DOMAIN §F; :func:`objective_levels` recomputes
the objective levels and :func:`coverage` every coverage target's shortfall, from the allocation
and the input alone. The rule sets (eligible sources, industry and infrastructure projects,
central sources, cost-sharing groups, committed and excluded projects, requires / excludes) are
derived here again from the records, not taken from the model; only the money figures in units
(budget per period, spending per period, minimum funding, target requirements) come from
:func:`assignments.funding.data.problem`, the input's integer view.

Each :class:`~assignments.core.rules.Violation` names its family of
:data:`assignments.funding.rules.RULES` (``"industry_share"``: rule F2), whose label and doc
reports quote; the message gives the instance's figures.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from assignments.core.i18n import N_, tr, trc
from assignments.core.rules import Violation
from assignments.funding.data import FundingData, Problem, Target, money_text, problem
from assignments.funding.rules import LEVELS as LEVEL_NAMES
from assignments.funding.rules import MAXIMISED, level_label

__all__ = [
    "LEVELS",
    "DefaultUse",
    "FundingSolution",
    "MilestoneShort",
    "Reached",
    "TargetStatus",
    "Violation",
    "benefit",
    "check",
    "check_coverage",
    "check_reached",
    "check_reasons",
    "coverage",
    "defaults_used",
    "level_order",
    "milestone_shortfalls",
    "objective_levels",
    "reached",
]

LEVELS: dict[str, tuple[str, str, str]] = {
    name: (level_label(name, "zh"), level_label(name, "en"),
           "max" if name in MAXIMISED else "min")
    for name in LEVEL_NAMES
}
"""Objective levels: Chinese and English names (from the rules ``F.<level>``), and whether
they are minimised or maximised."""


def level_order(data: FundingData) -> list[str]:
    """The lexicographic order of the objective levels for the policy's objective.

    With rule F6 soft (支出进度执行方式 = 软性) its two shortfalls come first, the money not
    assigned by the assignment month before the spending milestones: F6 keeps the rank it has
    as a hard rule (above every objective level), so a soft F6 changes the plan only where the
    hard rule has no plan at all, and then breaks it as little as possible; the money is
    assigned before its spending is measured (spending milestones first would leave the money
    unassigned, since an empty plan meets every ratio)."""
    pol = data.policy
    idle = ["idle"] if pol.idle_level else []
    soft = (["assign_short", "milestone_short"]
            if pol.milestone_mode == "soft" and pol.on("milestones")
            and pol.period_labels is None else [])
    if pol.objective == "priority":
        return [*soft, "unmet", "shortfall", "priority", *idle]
    if pol.objective == "cost":
        return [*soft, "unmet", "shortfall", "spent", "benefit"]
    if pol.objective == "benefit":
        return [*soft, "benefit", *idle]
    return [*soft, "unmet", "shortfall", "benefit", *idle]


@dataclass
class FundingSolution:
    """An allocation: each project's funding level and the money by project × source × period.

    Attributes
    ----------
    level
        Percent of each project funded (0–100; whole projects 0 or 100).
    alloc
        ``(project index, source index, period index) -> units`` (positive entries only).
    unit
        Yuan per unit.
    """

    level: list[int]
    alloc: dict[tuple[int, int, int], int] = field(default_factory=dict)
    unit: int = 1

    def funding(self) -> list[int]:
        """Units allocated to each project."""
        out = [0] * len(self.level)
        for (j, _s, _t), v in self.alloc.items():
            out[j] += v
        return out

    def funded(self) -> list[int]:
        """Indices of the projects funded (level > 0)."""
        return [j for j, lv in enumerate(self.level) if lv > 0]

    def by_source_period(self, n_sources: int, n_periods: int) -> list[list[int]]:
        """Units spent from each source in each period."""
        out = [[0] * n_periods for _ in range(n_sources)]
        for (_j, s, t), v in self.alloc.items():
            out[s][t] += v
        return out


@dataclass
class TargetStatus:
    """How far a coverage target is met: achieved, shortfall (in its own unit), ‰ short."""

    target: Target
    achieved: float
    shortfall: int
    permille: int

    @property
    def met(self) -> bool:
        return self.shortfall == 0


def _eligible_sources(data: FundingData) -> list[set[int]]:
    """Sources that may pay for each project: category lists, then cost-sharing groups."""
    pol = data.policy
    groups: dict[str, set[str]] = defaultdict(set)
    cats: dict[str, set[str]] = defaultdict(set)
    for r in data.sharing:
        groups[r.group].add(r.source)
        cats[r.group].update(r.categories)
    sid = {s.id: i for i, s in enumerate(data.sources)}
    out = []
    for p in data.projects:
        ok = {i for i, s in enumerate(data.sources)
              if not pol.on("eligibility") or not s.categories or p.category in s.categories}
        if pol.on("cost_sharing"):
            for g, cs in cats.items():
                if p.category in cs:
                    ok = {sid[x] for x in groups[g]}
        out.append(ok)
    return out


def check(data: FundingData, sol: FundingSolution, prob: Problem | None = None) -> list[Violation]:
    """Every violated hard rule of the allocation (empty when it is valid).

    Parameters
    ----------
    data
        The problem.
    sol
        The allocation to check.
    prob
        The integer view of ``data`` (computed when not given).
    """
    prob = prob if prob is not None else problem(data)
    pol = data.policy
    out: list[Violation] = []
    n, S, T = len(data.projects), len(data.sources), len(prob.periods)
    pid = [p.id for p in data.projects]
    sname = [s.id for s in data.sources]

    def m(units: int) -> str:  # money in the workbook's unit, never the model's units
        return money_text(units * prob.unit, pol.input_unit)

    if len(sol.level) != n:
        return [Violation("structure", tr("{levels} levels for {n} projects", levels=len(sol.level),
                                          n=n))]
    if sol.unit != prob.unit:
        out.append(Violation("structure", tr("unit {unit} differs from {want}", unit=sol.unit,
                                              want=prob.unit)))
    per_period = [[0] * T for _ in range(n)]
    for (j, s, t), v in sol.alloc.items():
        if not (0 <= j < n and 0 <= s < S and 0 <= t < T):
            out.append(Violation("structure", tr("allocation key {key} out of range",
                                                  key=str((j, s, t)))))
            continue
        if not isinstance(v, int) or v <= 0:
            out.append(Violation("structure", tr("{where}: amount {amount}",
                                                  where=f"{pid[j]}/{sname[s]}/{t}",
                                                  amount=repr(v))))
            continue
        per_period[j][t] += v
    if any(v.rule == "structure" for v in out):
        return out

    # ---- each project: level, spending curve, minimum, committed / excluded
    fund = [sum(row) for row in per_period]
    for j, p in enumerate(data.projects):
        lv = sol.level[j]
        if not 0 <= lv <= 100 or (not p.partial and lv not in (0, 100)):
            out.append(Violation("level", tr("project '{project}': level {level}%",
                                             project=p.id, level=lv) if p.partial else
                                 tr("project '{project}': level {level}% (whole or nothing)",
                                    project=p.id, level=lv)))
            continue
        if p.partial and lv % pol.partial_step:
            out.append(Violation("level_step",
                                 tr("project '{project}': level {level}% is not a multiple of "
                                    "the {step}% step (部分安排步长)", project=p.id, level=lv,
                                    step=pol.partial_step)))
        for t in range(T):
            want = prob.period_cost[j][t] * lv // 100
            if per_period[j][t] != want:
                out.append(Violation("curve",
                                     tr("project '{project}' gets {amount} in {period}, its "
                                        "curve at {level}% needs {need}", project=p.id,
                                        amount=m(per_period[j][t]), period=prob.periods[t],
                                        level=lv, need=m(want))))
        if lv > 0 and p.partial and fund[j] < prob.min_funding[j]:
            out.append(Violation("minimum",
                                 tr("project '{project}' gets {amount}, below its minimum "
                                    "{minimum}", project=p.id, amount=m(fund[j]),
                                    minimum=m(prob.min_funding[j]))))
        if p.excluded and lv > 0:
            out.append(Violation("excluded", tr("project '{project}' is 不予安排 but funded",
                                                project=p.id)))
        if p.committed and (lv == 0 or (not p.partial and lv != 100)):
            out.append(Violation("committed", tr("committed project '{project}' is not funded",
                                                 project=p.id)))
    ids = {p.id: j for j, p in enumerate(data.projects)}
    for j, p in enumerate(data.projects):
        if sol.level[j] == 0:
            continue
        for r in p.requires:
            if r in ids and sol.level[ids[r]] == 0:
                out.append(Violation("requires",
                                     tr("project '{project}' is funded, '{other}' it requires "
                                        "is not", project=p.id, other=r)))
        for r in p.excludes:
            if r in ids and sol.level[ids[r]] > 0:
                out.append(Violation("excludes",
                                     tr("projects '{project}' and '{other}' exclude each "
                                        "other; both are funded", project=p.id, other=r)))

    # ---- F1 budgets and eligibility
    eligible = _eligible_sources(data)
    for (j, s, _t) in sol.alloc:
        if s not in eligible[j]:
            out.append(Violation("eligibility",
                                 tr("source '{source}' may not pay for project '{project}' "
                                    "({category})", source=sname[s], project=pid[j],
                                    category=data.projects[j].category)))
    spent = sol.by_source_period(S, T)
    for s in range(S):
        have = used = 0
        for t in range(T):
            if prob.carry_over:
                have += prob.budget[s][t]
                used += spent[s][t]
            else:
                have, used = prob.budget[s][t], spent[s][t]
            if used > have:
                out.append(Violation("budget", (
                    tr("source '{source}' pays {amount} up to {period}, it has {have}",
                       source=sname[s], amount=m(used), period=prob.periods[t], have=m(have))
                    if prob.carry_over else
                    tr("source '{source}' pays {amount} in {period}, it has {have}",
                       source=sname[s], amount=m(used), period=prob.periods[t], have=m(have)))))

    # ---- F2 industry share of central linkage funds
    if pol.on("industry_share") and pol.industry_share > 0:
        # measured against the central amount (DOMAIN §F rule 2), not the money used
        central = {i for i, s in enumerate(data.sources) if s.kind == "central"}
        total = sum(sum(prob.budget[s]) for s in central)
        ind = sum(v for (j, s, _t), v in sol.alloc.items()
                  if s in central and data.projects[j].category == pol.industry_category)
        num, den = _fraction(pol.industry_share)
        if den * ind < num * total:
            out.append(Violation("industry_share",
                                 tr("{amount} of {total} of central linkage funds go to "
                                    "{category} ({pct}% < {share}%)", amount=m(ind),
                                    total=m(total), category=pol.industry_category,
                                    pct=f"{100 * ind / max(1, total):.1f}",
                                    share=f"{pol.industry_share:g}")))

    # ---- F3 work relief
    if pol.on("labour") and pol.labour_share > 0:
        thr = round(pol.labour_share * 10)
        infra = [j for j, p in enumerate(data.projects) if p.category == pol.labour_category]
        if pol.labour_scope == "project":
            for j in infra:
                if sol.level[j] > 0 and round(data.projects[j].labour_share * 10) < thr:
                    out.append(Violation("labour",
                                         tr("infrastructure project '{project}' pays {pct}% as "
                                            "labour wages (< {share}%) and is funded",
                                            project=pid[j],
                                            pct=f"{data.projects[j].labour_share:g}",
                                            share=f"{pol.labour_share:g}")))
        else:
            wages = sum(round(data.projects[j].labour_share * 10) * fund[j] for j in infra)
            base = sum(fund[j] for j in infra)
            if wages < thr * base:
                out.append(Violation("labour",
                                     tr("funded infrastructure pays {pct}% as labour wages "
                                        "(< {share}%)", pct=f"{wages / max(1, base) / 10:.1f}",
                                        share=f"{pol.labour_share:g}")))

    # ---- F5 cost sharing
    if pol.on("cost_sharing") and data.sharing:
        groups: dict[str, list[tuple[int, int]]] = defaultdict(list)
        cat_group: dict[str, str] = {}
        sidx = {s.id: i for i, s in enumerate(data.sources)}
        for r in data.sharing:
            groups[r.group].append((sidx[r.source], r.share))
            for c in r.categories:
                cat_group[c] = r.group
        # per payment: every period's spending is shared by the ratios (seed 004)
        for j, p in enumerate(data.projects):
            g = cat_group.get(p.category)
            if g is None or fund[j] == 0:
                continue
            R = sum(r for _s, r in groups[g])
            for t in range(T):
                if per_period[j][t] == 0:
                    continue
                for s, r in groups[g]:
                    paid = sol.alloc.get((j, s, t), 0)
                    if abs(R * paid - r * per_period[j][t]) > R - 1:
                        out.append(Violation("cost_sharing",
                                             tr("project '{project}' in {period}: source "
                                                "'{source}' pays {amount} of {total}, its "
                                                "share is {share}", project=p.id,
                                                period=prob.periods[t], source=sname[s],
                                                amount=m(paid), total=m(per_period[j][t]),
                                                share=f"{r}/{R}")))

    # ---- F6 money assigned by the assignment month, spending milestones: violations when the
    # rule is hard (the default); soft (支出进度执行方式 = 软性), the shortfalls are objective
    # levels (objective_levels) and findings (milestone_shortfalls), not violations
    if pol.milestone_mode != "soft":
        for f in milestone_shortfalls(data, sol, prob):
            if f.short <= 0:
                continue
            if f.kind == "assignment":
                out.append(Violation("assignment",
                                     tr("source '{source}' assigns {amount} to projects, "
                                        "{share}% of the {have} it has by the end of "
                                        "{period} is {need}", source=f.source,
                                        amount=m(f.got), share=f"{pol.assign_share:g}",
                                        have=m(f.base), period=f.period, need=m(f.need))))
            else:
                out.append(Violation("milestones",
                                     tr("by the end of {period} {amount} of {total} are spent "
                                        "({pct}% < {share}%)", period=f.period,
                                        amount=m(f.got), total=m(f.base),
                                        pct=f"{100 * f.got / max(1, f.base):.1f}",
                                        share=f"{f.share:g}")))
    return out


def check_coverage(data: FundingData, sol: FundingSolution,
                   prob: Problem | None = None) -> list[Violation]:
    """Rule F4 (全覆盖), checked as DOMAIN §F rule 4 says: every poor village with at least one
    industry project, every special-hardship village with its amount, every declared target
    met. F4 is minimised first rather than imposed (a library may not allow it), so these are
    not in :func:`check`; a report that says whether F4 holds uses this list."""
    prob = prob if prob is not None else problem(data)
    pol = data.policy
    fund = sol.funding()
    out: list[Violation] = []
    if pol.on("poor_village_industry"):
        for v in data.villages:
            if not v.poor:
                continue
            got = [p.id for j, p in enumerate(data.projects)
                   if v.id in p.villages and p.category == pol.industry_category
                   and sol.level[j] > 0]
            if not got:
                out.append(Violation("poor_village_industry",
                                     tr("poor village '{village}' ({id}) has no funded "
                                        "{category} project", village=v.label, id=v.id,
                                        category=pol.industry_category)))
    if pol.on("special_hardship") and pol.special_hardship_amount > 0:
        for v in data.villages:
            if not v.special_hardship:
                continue
            money = sum(fund[j] * prob.unit / len(p.villages)
                        for j, p in enumerate(data.projects) if v.id in p.villages)
            if money + 1e-6 < pol.special_hardship_amount:
                out.append(Violation("special_hardship",
                                     tr("special-hardship village '{village}' ({id}) receives "
                                        "{amount} 元 < {minimum} 元", village=v.label, id=v.id,
                                        amount=f"{money:,.0f}",
                                        minimum=f"{pol.special_hardship_amount:,.0f}")))
    named = {t.key for t in prob.targets if t.key.startswith(("industry:", "hardship:"))}
    for c in coverage(data, sol, prob):
        if c.target.key in named or c.met:
            continue
        out.append(Violation("coverage", tr("{target}: short by {amount} {unit}",
                                            target=c.target.label, amount=c.shortfall,
                                            unit=c.target.unit_text)))
    return out


def _fraction(pct: float) -> tuple[int, int]:
    from fractions import Fraction

    f = Fraction(pct / 100).limit_denominator(1000)
    return f.numerator, f.denominator


@dataclass
class MilestoneShort:
    """One requirement of rule F6 measured on a plan (:func:`milestone_shortfalls`).

    ``kind`` is ``"assignment"`` (a central source assigns ``share`` % of the ``base`` it has by
    the end of ``period``: ``got`` is the money it pays to projects) or ``"milestone"`` (the
    cumulative spending ``got`` by the end of ``period`` is at least ``share`` % of the money
    allocated, ``base``); ``need`` is the least whole amount meeting it, ``short`` = max(0,
    need − got); money in model units. ``source`` names the source (assignment only)."""

    kind: str
    period: str
    share: float
    base: int
    need: int
    got: int
    short: int
    source: str = ""

    @property
    def pct_short(self) -> float:
        """The shortfall in % of the amount the requirement is measured on."""
        return 100 * self.short / self.base if self.base else 0.0


def milestone_shortfalls(data: FundingData, sol: FundingSolution,
                         prob: Problem | None = None) -> list[MilestoneShort]:
    """Every requirement of rule F6 on the plan, with its shortfall, from the records: the
    central linkage sources (kind ``central``) and the quarters the 方案 names (assignment
    month, milestone months; a month inside a quarter is checked at the quarter's end), the
    money arriving per period and each project's money per period. Empty when F6 is off or the
    periods are not quarters. Hard (the default) a positive shortfall is a violation
    (:func:`check`); soft (支出进度执行方式 = 软性) it is a finding, summed in the objective
    levels ``assign_short`` and ``milestone_short``."""
    from assignments.core.calendar import Quarter

    prob = prob if prob is not None else problem(data)
    pol = data.policy
    if not pol.on("milestones") or pol.period_labels is not None:
        return []
    T = len(prob.periods)
    q0 = Quarter.parse(pol.first_period)
    S = len(data.sources)
    spent = sol.by_source_period(S, T)
    out: list[MilestoneShort] = []
    if pol.assign_share > 0:
        k = Quarter(q0.year, (pol.assign_month - 1) // 3 + 1) - q0
        if 0 <= k < T:
            num, den = _fraction(pol.assign_share)
            for s, src in enumerate(data.sources):
                if src.kind != "central":
                    continue
                have = sum(prob.budget[s][: k + 1]) if prob.carry_over else prob.budget[s][k]
                need = -(-num * have // den)
                got = sum(spent[s])
                if need > 0:
                    out.append(MilestoneShort("assignment", prob.periods[k], pol.assign_share,
                                              have, need, got, max(0, need - got), src.id))
    per_t = [sum(spent[s][t] for s in range(S)) for t in range(T)]
    total = sum(per_t)
    for month, pct in pol.milestones:
        k = Quarter(q0.year, (month - 1) // 3 + 1) - q0
        if not 0 <= k < T:
            continue
        num, den = _fraction(pct)
        need = -(-num * total // den)
        got = sum(per_t[: k + 1])
        out.append(MilestoneShort("milestone", prob.periods[k], pct, total, need, got,
                                  max(0, need - got)))
    return out


def coverage(data: FundingData, sol: FundingSolution,
             prob: Problem | None = None) -> list[TargetStatus]:
    """Every coverage target with what the allocation achieves and its shortfall."""
    prob = prob if prob is not None else problem(data)
    fund = sol.funding()
    out = []
    got: Reached | None = None
    for tg in prob.targets:
        if tg.kind == "count":
            ach: float = sum(c for j, c in tg.members if sol.level[j] > 0)
            short = max(0, tg.requirement - int(ach))
        elif tg.kind == "people" and tg.reach is not None:
            # people reached, counted per village and capped by the village totals
            got = got if got is not None else reached(data, sol)
            ach = got.counted[tg.reach]
            short = max(0, tg.requirement - int(ach))
        elif tg.kind == "people":
            ach = sum(c * sol.level[j] // 100 for j, c in tg.members)
            short = max(0, tg.requirement - int(ach))
        else:
            scaled = sum(c * fund[j] for j, c in tg.members)
            ach = scaled / tg.denom
            short = max(0, -((scaled - tg.requirement * tg.denom) // tg.denom))
        pm = -((-1000 * short) // tg.requirement) if tg.requirement else 0
        out.append(TargetStatus(tg, ach, short, pm))
    return out


def objective_levels(data: FundingData, sol: FundingSolution,
                     prob: Problem | None = None) -> dict[str, int]:
    """Every objective level recomputed from the allocation (see :data:`LEVELS`)."""
    prob = prob if prob is not None else problem(data)
    cov = coverage(data, sol, prob)
    spent = sum(sol.alloc.values())
    f6 = milestone_shortfalls(data, sol, prob)
    return {
        "assign_short": sum(f.short for f in f6 if f.kind == "assignment"),
        "milestone_short": sum(f.short for f in f6 if f.kind == "milestone"),
        "unmet": sum(1 for c in cov if not c.met),
        "shortfall": sum(c.permille for c in cov),
        "benefit": benefit(data, sol),
        "priority": sum(prob.priority[j] * lv // 100 for j, lv in enumerate(sol.level)),
        "spent": spent,
        "idle": prob.total_budget - spent,
    }


def benefit(data: FundingData, sol: FundingSolution) -> int:
    """Weighted beneficiaries (the objective's benefit level), from the records alone: the
    policy's weights times the people reached, counted per village and capped by the village
    totals (:func:`reached`), plus the given value (MKP / Pabulib) of projects that have one."""
    pol = data.policy
    weights = {"people": pol.weight_people, "poor_people": pol.weight_poor_people,
               "households": pol.weight_households,
               "poor_households": pol.weight_poor_households}
    given = {j for j, p in enumerate(data.projects) if p.value_override is not None}
    out = sum((data.projects[j].value_override or 0) * sol.level[j] // 100 for j in given)
    if len(given) < len(data.projects):
        got = reached(data, sol, None if not given else set(range(len(data.projects))) - given)
        out += sum(w * got.counted[k] for k, w in weights.items() if w)
    return out


# ------------------------------------------------------------------ what the outputs state


def _slack(prob: Problem, spent: list[list[int]], s: int) -> list[int]:
    """Money of source ``s`` not spent: cumulative by the end of each period with carry-over."""
    out, acc = [], 0
    for t in range(len(prob.periods)):
        if prob.carry_over:
            acc += prob.budget[s][t] - spent[s][t]
            out.append(acc)
        else:
            out.append(prob.budget[s][t] - spent[s][t])
    return out


def check_reasons(data: FundingData, sol: FundingSolution, reasons: Mapping[int, Any],
                  prob: Problem | None = None) -> list[Violation]:
    """Every figure a reason states, recomputed from the input and the allocation alone.

    ``reasons``: project index -> an object with ``text`` and ``figures`` (money in yuan), as
    :func:`assignments.funding.explain.project_reasons` makes them. For the quarter a reason
    names, ``need`` is the project's spending there at the stated level (or its step from the
    current level), ``left`` what its eligible sources hold at the end of the quarter, ``free``
    what they can still pay then without the money later quarters spend (the least cumulative
    slack from that quarter on), ``short`` the sum over its quarters of need − free, and the
    stated quarter is the first one short; ``ratio`` is weighted beneficiaries per 10,000 yuan.
    Each money figure must also appear in the text, written in the workbook's unit.
    """
    prob = prob if prob is not None else problem(data)
    iu = data.policy.input_unit
    u = prob.unit
    S, T = len(data.sources), len(prob.periods)
    eligible = _eligible_sources(data)
    spent = sol.by_source_period(S, T)
    slack = [_slack(prob, spent, s) for s in range(S)]
    pidx = {p.id: j for j, p in enumerate(data.projects)}
    fund = sol.funding()
    gains: _Gains | None = None
    out: list[Violation] = []
    for j, rs in sorted(reasons.items()):
        f: dict[str, Any] = dict(getattr(rs, "figures", {}) or {})
        text = str(rs.text)
        pid = data.projects[j].id

        def bad(name: str, said: Any, mine: Any, pid: str = pid) -> None:
            out.append(Violation("reason", tr("project '{project}': its reason states {name} "
                                              "= {said}, the plan gives {mine}", project=pid,
                                              name=_figure_name(name), said=said,
                                              mine=mine)))

        mine: dict[str, Any] = {}
        if "period" in f:
            frm, to = sol.level[j], int(f.get("next_level", 100))
            need = [a * to // 100 - a * frm // 100 for a in prob.period_cost[j]]
            free = [sum(max(0, min(slack[s][t:]) if prob.carry_over else slack[s][t])
                        for s in eligible[j]) for t in range(T)]
            short_at = [t for t in range(T) if need[t] > 0 and free[t] < need[t]]
            if not short_at:
                bad(tr("a quarter short of money"), f["period"], tr("none"))
                continue
            t = short_at[0]
            mine = {"period": prob.periods[t], "need": need[t] * u,
                    "left": sum(slack[s][t] for s in eligible[j]) * u, "free": free[t] * u,
                    "short": sum(need[k] - free[k] for k in short_at) * u}
        if "minimum" in f:
            mine["minimum"] = prob.min_funding[j] * u
        if "ratio" in f:  # counted per village, capped: what it adds / what the rival adds
            gains = gains if gains is not None else _Gains(data, sol)
            mine["ratio"] = round(gains.change(j, 100) * 10_000 / max(1, prob.cost[j] * u), 1)
            k = pidx.get(str(f.get("rival")))
            if k is None or sol.level[k] == 0:
                bad(tr("a funded rival"), f.get("rival"), tr("not funded"))
            else:
                mine["rival_ratio"] = round(-gains.change(k, 0) * 10_000
                                            / max(1, fund[k] * u), 1)
        if "adds" in f:  # the weighted people it would add at 100 %, counted capped
            gains = gains if gains is not None else _Gains(data, sol)
            mine["adds"] = gains.change(j, 100)
        if "ms_after" in f:  # F6 soft: the spending shortfall with the project at next_level
            lv = int(f.get("next_level", 100))
            trial = FundingSolution(list(sol.level), dict(sol.alloc), sol.unit)
            trial.level[j] = lv
            for t, a in enumerate(prob.period_cost[j]):
                if a * lv // 100:  # its spending (the source does not matter to F6 milestones)
                    trial.alloc[(j, 0, t)] = trial.alloc.get((j, 0, t), 0) + a * lv // 100
            mine["ms_before"], mine["ms_after"] = (
                sum(x.short for x in milestone_shortfalls(data, plan, prob)
                    if x.kind == "milestone") * u for plan in (sol, trial))
        if "level" in f:
            mine["level"] = sol.level[j]
        for name, value in mine.items():
            said = f.get(name)
            if isinstance(value, float) or isinstance(said, float):
                if said is None or abs(float(said) - float(value)) > 0.051:
                    bad(name, said, value)
            elif said != value:
                bad(name, said, value)
        for name in ("need", "left", "free", "short", "minimum", "ms_before", "ms_after"):
            if name in f and money_text(f[name], iu) not in text:
                bad(tr("{name} (in the text)", name=_figure_name(name)), text,
                    money_text(f[name], iu))
        for name in ("ratio", "rival_ratio"):
            if name in f and f"{float(f[name]):.1f}" not in text:
                bad(tr("{name} (in the text)", name=_figure_name(name)), text,
                    f"{float(f[name]):.1f}")
    return out


class _Gains:
    """Weighted beneficiaries a project adds to a plan (or takes away), counted as
    :func:`benefit` counts them — per village, capped by the village totals — with only the
    villages of that project recomputed (each village's declared amount indexed once)."""

    def __init__(self, data: FundingData, sol: FundingSolution) -> None:
        pol = data.policy
        self.data, self.sol = data, sol
        self.weights = {"people": pol.weight_people, "poor_people": pol.weight_poor_people,
                        "households": pol.weight_households,
                        "poor_households": pol.weight_poor_households}
        self.vil = {v.id: v for v in data.villages}
        self.amount: dict[tuple[str, str], Fraction] = defaultdict(Fraction)
        for j, p in enumerate(data.projects):
            if p.value_override is not None or sol.level[j] == 0:
                continue
            vs = [v for v in p.villages if v in self.vil]
            for pf in REACHED_FIELDS:
                n = getattr(p, pf) * sol.level[j] // 100
                for v in vs:
                    self.amount[(pf, v)] += Fraction(n, len(vs))

    def _count(self, pf: str, v: str, amount: Fraction) -> int:
        cap = getattr(self.vil[v], REACHED_FIELDS[pf])
        return math.floor(amount) if cap <= 0 else min(cap, math.floor(amount))

    def change(self, j: int, level: int) -> int:
        """The weighted beneficiaries gained when project ``j`` moves from its level to
        ``level`` (negative: lost), the other projects as they are."""
        p = self.data.projects[j]
        old = self.sol.level[j]
        if p.value_override is not None:
            return p.value_override * level // 100 - p.value_override * old // 100
        vs = [v for v in p.villages if v in self.vil]
        out = 0
        for pf, w in self.weights.items():
            if not w:
                continue
            d = getattr(p, pf) * level // 100 - getattr(p, pf) * old // 100
            if not vs:
                out += w * d
                continue
            for v in vs:
                a = self.amount[(pf, v)]
                out += w * (self._count(pf, v, a + Fraction(d, len(vs)))
                            - self._count(pf, v, a))
        return out


def _figure_name(name: str) -> str:
    """A figure a reason or report states (``need``, ``poor_people`` …), for people."""
    words = {"period": tr("the quarter short"), "need": tr("the money needed"),
             "left": tr("the money left"), "free": tr("the money free"),
             "short": tr("the shortfall"), "minimum": tr("the minimum"),
             "ratio": tr("beneficiaries per 10,000 yuan"),
             "rival_ratio": tr("the rival's beneficiaries per 10,000 yuan"),
             "level": tr("the funding level"), "people": tr("people reached"),
             "ms_before": tr("the spending shortfall"),
             "adds": tr("the people it would add"),
             "ms_after": tr("the spending shortfall with it"),
             "poor_people": tr("poor people reached"), "households": tr("households reached"),
             "poor_households": tr("poor households reached")}
    return words.get(name, name)


@dataclass
class Reached:
    """People reached by a plan, counted per village and capped by the village's own totals.

    ``declared`` sums what the funded projects declare (a person in two projects counts twice);
    ``counted`` caps each village at its total (a project in several villages counts an equal
    share in each; a village without that total, or a project without a village, is not capped);
    ``capped`` says whether any cap was applied; ``uncapped_villages`` lists the villages whose
    total is not given.
    """

    declared: dict[str, int]
    counted: dict[str, int]
    capped: dict[str, bool]
    uncapped_villages: dict[str, list[str]]


REACHED_FIELDS: dict[str, str] = {"people": "population", "poor_people": "poor_population",
                                  "households": "households",
                                  "poor_households": "poor_households"}
"""Project beneficiary field -> the village total that caps it."""


def reached(data: FundingData, sol: FundingSolution,
            projects: set[int] | None = None) -> Reached:
    """People (and households) reached, per village, capped by the village totals (see
    :class:`Reached`); from the records and the funding levels alone (of the given projects
    only, when ``projects`` is given)."""
    vil = {v.id: v for v in data.villages}
    declared: dict[str, int] = {}
    counted: dict[str, int] = {}
    capped: dict[str, bool] = {}
    missing: dict[str, list[str]] = {}
    for pf, vf in REACHED_FIELDS.items():
        per_v: dict[str, Fraction] = defaultdict(Fraction)
        loose = 0
        total = 0
        for j, p in enumerate(data.projects):
            if projects is not None and j not in projects:
                continue
            n = getattr(p, pf) * sol.level[j] // 100
            total += n
            vs = [v for v in p.villages if v in vil]
            if not vs:
                loose += n
                continue
            for v in vs:
                per_v[v] += Fraction(n, len(vs))
        got = loose
        cut = False
        miss = []
        for v, amount in per_v.items():
            cap = getattr(vil[v], vf)
            if cap <= 0:
                miss.append(v)
                got += math.floor(amount)
            else:
                got += min(cap, math.floor(amount))
                cut = cut or amount > cap
        declared[pf], counted[pf], capped[pf] = total, got, cut
        missing[pf] = sorted(miss)
    return Reached(declared, counted, capped, missing)


def check_reached(data: FundingData, sol: FundingSolution, stated: Mapping[str, int]
                  ) -> list[Violation]:
    """The people a report states (``{"people": …, "poor_people": …}``) against
    :func:`reached`'s per-village count: a figure above the villages' totals is caught."""
    got = reached(data, sol).counted
    return [Violation("beneficiaries", tr("{what}: the report states {said}, counted per "
                                          "village (capped by the village totals) {got}",
                                          what=_figure_name(k), said=f"{v:,}",
                                          got=f"{got[k]:,}"))
            for k, v in stated.items() if k in got and v != got[k]]


@dataclass
class DefaultUse:
    """A policy figure nobody set (not in the 方案 sheet) that the plan uses."""

    key: str
    zh: str
    en: str
    value: str
    binds: bool
    note_zh: str
    note_en: str


def _both(msgid: str, **fields: Any) -> tuple[str, str]:
    """A catalogued message (marked with ``N_``) in Chinese and in English (``result.json``
    keeps both): a field given as a function of the language is called with each language."""
    zh, en = (tr(msgid, lang=lang, **{k: v(lang) if callable(v) else v
                                       for k, v in fields.items()})
              for lang in ("zh", "en"))
    return zh, en


def defaults_used(data: FundingData, sol: FundingSolution | None,
                  prob: Problem | None = None) -> list[DefaultUse]:
    """The policy figures left at their default that apply to this instance, and whether each
    binds the plan: the special-hardship amount when a village falls short of it or gets at
    most 1 % more; a share (industry, milestones, labour on the portfolio) when the plan is
    within 1 percentage point of it; the project-level labour share when it keeps a project
    out; the beneficiary weights whenever the objective counts beneficiaries."""
    prob = prob if prob is not None else problem(data)
    pol = data.policy
    iu = pol.input_unit
    given = pol.model_fields_set
    out: list[DefaultUse] = []
    fund = sol.funding() if sol is not None else [0] * len(data.projects)
    if pol.on("special_hardship") and "special_hardship_amount" not in given:
        hard = [v for v in data.villages if v.special_hardship]
        if hard:
            notes_zh, notes_en, binds = [], [], False
            for v in hard:
                got = sum(Fraction(fund[j] * prob.unit, len(p.villages))
                          for j, p in enumerate(data.projects) if v.id in p.villages)
                if got < pol.special_hardship_amount * Fraction(101, 100):
                    binds = True
                    short = max(0, pol.special_hardship_amount - got)
                    zh, en = (_both(N_("{village} receives {amount}, short by {short}"),
                                    village=v.label, amount=money_text(float(got), iu),
                                    short=money_text(float(short), iu)) if short
                              else _both(N_("{village} receives {amount}"), village=v.label,
                                         amount=money_text(float(got), iu)))
                    notes_zh.append(zh)
                    notes_en.append(en)
            out.append(DefaultUse("special_hardship_amount",
                                  *_both(N_("special hardship amount")),
                                  money_text(pol.special_hardship_amount, iu), binds,
                                  "；".join(notes_zh), "; ".join(notes_en)))
    if sol is not None and pol.on("industry_share") and "industry_share" not in given:
        central = {i for i, s in enumerate(data.sources) if s.kind == "central"}
        tot = sum(v for (j, s, _t), v in sol.alloc.items() if s in central)
        if central and tot:
            ind = sum(v for (j, s, _t), v in sol.alloc.items()
                      if s in central and data.projects[j].category == pol.industry_category)
            pct = 100 * ind / tot
            out.append(DefaultUse("industry_share", *_both(N_("industry share")),
                                  f"{pol.industry_share:g}%", pct < pol.industry_share + 1,
                                  *_both(N_("{pct}% of the central linkage funds go to "
                                            "industry"), pct=f"{pct:.1f}")))
    if pol.on("labour") and "labour_share" not in given:
        infra = [j for j, p in enumerate(data.projects) if p.category == pol.labour_category]
        low = [data.projects[j].id for j in infra
               if data.projects[j].labour_share < pol.labour_share]
        if infra:
            out.append(DefaultUse("labour_share", *_both(N_("labour share")),
                                  f"{pol.labour_share:g}%", bool(low),
                                  *(_both(N_("keeps out: {projects}"),
                                          projects=lambda lang: trc("list", ", ", lang=lang)
                                          .join(low)) if low else ("", ""))))
    if sol is not None and prob.milestones and "milestones" not in given:
        per_t = [0] * len(prob.periods)
        for (_j, _s, t), v in sol.alloc.items():
            per_t[t] += v
        total = sum(per_t)
        tight = []
        for k, num, den in prob.milestones:
            pct = 100 * sum(per_t[: k + 1]) / total if total else 100.0
            if pct < 100 * num / den + 1:
                tight.append(f"{prob.periods[k]} {pct:.1f}%")
        out.append(DefaultUse("milestones", *_both(N_("milestones")),
                              "、".join(f"{m}月:{pct:g}" for m, pct in pol.milestones),
                              bool(tight), "；".join(tight), "; ".join(tight)))
    weights = ("weight_people", "weight_poor_people", "weight_households",
               "weight_poor_households")
    if pol.objective in ("coverage", "benefit") and not any(w in given for w in weights) \
            and not any(p.value_override is not None for p in data.projects):
        out.append(DefaultUse("weights", *_both(N_("beneficiary weights")),
                              f"人口 {pol.weight_people}、贫困人口 +{pol.weight_poor_people}",
                              True, *_both(N_("weighted = {people} × people + {poor} × poor "
                                              "people (per village, capped)"),
                                           people=pol.weight_people,
                                           poor=pol.weight_poor_people)))
    return out
