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

from collections import defaultdict
from dataclasses import dataclass, field

from assignments.core.rules import Violation
from assignments.funding.data import FundingData, Problem, Target, problem
from assignments.funding.rules import LEVELS as LEVEL_NAMES
from assignments.funding.rules import MAXIMISED, level_label

__all__ = [
    "LEVELS",
    "FundingSolution",
    "TargetStatus",
    "Violation",
    "check",
    "check_coverage",
    "coverage",
    "level_order",
    "objective_levels",
]

LEVELS: dict[str, tuple[str, str, str]] = {
    name: (level_label(name, "zh"), level_label(name, "en"),
           "max" if name in MAXIMISED else "min")
    for name in LEVEL_NAMES
}
"""Objective levels: Chinese and English names (from the rules ``F.<level>``), and whether
they are minimised or maximised."""


def level_order(data: FundingData) -> list[str]:
    """The lexicographic order of the objective levels for the policy's objective."""
    pol = data.policy
    idle = ["idle"] if pol.idle_level else []
    if pol.objective == "priority":
        return ["unmet", "shortfall", "priority", *idle]
    if pol.objective == "cost":
        return ["unmet", "shortfall", "spent", "benefit"]
    if pol.objective == "benefit":
        return ["benefit", *idle]
    return ["unmet", "shortfall", "benefit", *idle]


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
    if len(sol.level) != n:
        return [Violation("structure", f"{len(sol.level)} levels for {n} projects")]
    if sol.unit != prob.unit:
        out.append(Violation("structure", f"unit {sol.unit} differs from {prob.unit}"))
    per_period = [[0] * T for _ in range(n)]
    for (j, s, t), v in sol.alloc.items():
        if not (0 <= j < n and 0 <= s < S and 0 <= t < T):
            out.append(Violation("structure", f"allocation key {(j, s, t)} out of range"))
            continue
        if not isinstance(v, int) or v <= 0:
            out.append(Violation("structure", f"{pid[j]}/{sname[s]}/{t}: amount {v!r}"))
            continue
        per_period[j][t] += v
    if any(v.rule == "structure" for v in out):
        return out

    # ---- each project: level, spending curve, minimum, committed / excluded
    fund = [sum(row) for row in per_period]
    for j, p in enumerate(data.projects):
        lv = sol.level[j]
        if not 0 <= lv <= 100 or (not p.partial and lv not in (0, 100)):
            out.append(Violation("level",
                                 f"project '{p.id}': level {lv}% "
                                 + ("(whole or nothing)" if not p.partial else "")))
            continue
        if p.partial and lv % pol.partial_step:
            out.append(Violation("level_step",
                                 f"project '{p.id}': level {lv}% is not a multiple of the "
                                 f"{pol.partial_step}% step (部分安排步长)"))
        for t in range(T):
            want = prob.period_cost[j][t] * lv // 100
            if per_period[j][t] != want:
                out.append(Violation("curve",
                                     f"project '{p.id}' gets {per_period[j][t]} units in "
                                     f"{prob.periods[t]}, its curve at {lv}% needs {want}"))
        if lv > 0 and p.partial and fund[j] < prob.min_funding[j]:
            out.append(Violation("minimum",
                                 f"project '{p.id}' gets {fund[j]} units, below its minimum "
                                 f"{prob.min_funding[j]}"))
        if p.excluded and lv > 0:
            out.append(Violation("excluded", f"project '{p.id}' is 不予安排 but funded"))
        if p.committed and (lv == 0 or (not p.partial and lv != 100)):
            out.append(Violation("committed", f"committed project '{p.id}' is not funded"))
    ids = {p.id: j for j, p in enumerate(data.projects)}
    for j, p in enumerate(data.projects):
        if sol.level[j] == 0:
            continue
        for r in p.requires:
            if r in ids and sol.level[ids[r]] == 0:
                out.append(Violation("requires",
                                     f"project '{p.id}' is funded, '{r}' it requires is not"))
        for r in p.excludes:
            if r in ids and sol.level[ids[r]] > 0:
                out.append(Violation("excludes",
                                     f"projects '{p.id}' and '{r}' exclude each other; "
                                     "both are funded"))

    # ---- F1 budgets and eligibility
    eligible = _eligible_sources(data)
    for (j, s, _t) in sol.alloc:
        if s not in eligible[j]:
            out.append(Violation("eligibility",
                                 f"source '{sname[s]}' may not pay for project '{pid[j]}' "
                                 f"({data.projects[j].category})"))
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
                out.append(Violation("budget",
                                     f"source '{sname[s]}' pays {used} units "
                                     + ("up to " if prob.carry_over else "in ")
                                     + f"{prob.periods[t]}, it has {have}"))

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
                                 f"{ind} of the {total} units of central linkage funds go to "
                                 f"{pol.industry_category} ({100 * ind / max(1, total):.1f}% < "
                                 f"{pol.industry_share:g}%)"))

    # ---- F3 work relief
    if pol.on("labour") and pol.labour_share > 0:
        thr = round(pol.labour_share * 10)
        infra = [j for j, p in enumerate(data.projects) if p.category == pol.labour_category]
        if pol.labour_scope == "project":
            for j in infra:
                if sol.level[j] > 0 and round(data.projects[j].labour_share * 10) < thr:
                    out.append(Violation("labour",
                                         f"infrastructure project '{pid[j]}' pays "
                                         f"{data.projects[j].labour_share:g}% as labour wages "
                                         f"(< {pol.labour_share:g}%) and is funded"))
        else:
            wages = sum(round(data.projects[j].labour_share * 10) * fund[j] for j in infra)
            base = sum(fund[j] for j in infra)
            if wages < thr * base:
                out.append(Violation("labour",
                                     f"funded infrastructure pays {wages / max(1, base) / 10:.1f}% "
                                     f"as labour wages (< {pol.labour_share:g}%)"))

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
                                             f"project '{p.id}' in {prob.periods[t]}: source "
                                             f"'{sname[s]}' pays {paid} of {per_period[j][t]} "
                                             f"units, its share is {r}/{R}"))

    # ---- F6 money assigned by the assignment month (the central linkage sources)
    if pol.on("milestones") and pol.period_labels is None and pol.assign_share > 0:
        from assignments.core.calendar import Quarter

        q0 = Quarter.parse(pol.first_period)
        k = Quarter(q0.year, (pol.assign_month - 1) // 3 + 1) - q0
        if 0 <= k < T:
            srcs = [i for i, s in enumerate(data.sources) if s.kind == "central"]
            num, den = _fraction(pol.assign_share)
            for s in srcs:
                have = (sum(prob.budget[s][: k + 1]) if prob.carry_over else prob.budget[s][k])
                paid = sum(spent[s])
                if den * paid < num * have:
                    out.append(Violation("assignment",
                                         f"source '{sname[s]}' assigns {paid} units to projects, "
                                         f"{pol.assign_share:g}% of the {have} units it has by "
                                         f"the end of {prob.periods[k]} is "
                                         f"{-(-num * have // den)}"))

    # ---- F6 spending milestones
    total = sum(fund)
    for k, num, den in prob.milestones:
        cum = sum(per_period[j][t] for j in range(n) for t in range(k + 1))
        if den * cum < num * total:
            out.append(Violation("milestones",
                                 f"by the end of {prob.periods[k]} {cum} of {total} units are "
                                 f"spent ({100 * cum / max(1, total):.1f}% < "
                                 f"{100 * num / den:g}%)"))
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
                                     f"poor village '{v.label}' ({v.id}) has no funded "
                                     f"{pol.industry_category} project"))
    if pol.on("special_hardship") and pol.special_hardship_amount > 0:
        for v in data.villages:
            if not v.special_hardship:
                continue
            money = sum(fund[j] * prob.unit / len(p.villages)
                        for j, p in enumerate(data.projects) if v.id in p.villages)
            if money + 1e-6 < pol.special_hardship_amount:
                out.append(Violation("special_hardship",
                                     f"special-hardship village '{v.label}' ({v.id}) receives "
                                     f"{money:,.0f} 元 < {pol.special_hardship_amount:,.0f} 元"))
    named = {t.key for t in prob.targets if t.key.startswith(("industry:", "hardship:"))}
    for c in coverage(data, sol, prob):
        if c.target.key in named or c.met:
            continue
        out.append(Violation("coverage", f"{c.target.label}: short by {c.shortfall} "
                                         f"{c.target.unit_text}"))
    return out


def _fraction(pct: float) -> tuple[int, int]:
    from fractions import Fraction

    f = Fraction(pct / 100).limit_denominator(1000)
    return f.numerator, f.denominator


def coverage(data: FundingData, sol: FundingSolution,
             prob: Problem | None = None) -> list[TargetStatus]:
    """Every coverage target with what the allocation achieves and its shortfall."""
    prob = prob if prob is not None else problem(data)
    fund = sol.funding()
    out = []
    for tg in prob.targets:
        if tg.kind == "count":
            ach: float = sum(c for j, c in tg.members if sol.level[j] > 0)
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
    return {
        "unmet": sum(1 for c in cov if not c.met),
        "shortfall": sum(c.permille for c in cov),
        "benefit": sum(prob.value[j] * lv // 100 for j, lv in enumerate(sol.level)),
        "priority": sum(prob.priority[j] * lv // 100 for j, lv in enumerate(sol.level)),
        "spent": spent,
        "idle": prob.total_budget - spent,
    }
