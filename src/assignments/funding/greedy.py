"""A greedy allocation by benefit per yuan: the baseline of the benchmark, and a helper of the
explanations (:class:`Ledger` says how much money each source still has in each period).

The greedy funds committed projects first, then one industry project for each poor village that
has none (cheapest per beneficiary first), then the rest by *marginal* weighted beneficiaries
per yuan — the people a project adds, counted per village and capped by the village totals as
the objective counts them, re-evaluated as villages fill (projects adding nobody last); a
project is taken only when the allocation stays valid for every hard rule (budgets, eligibility,
cost sharing, requires / excludes, industry share, work relief, milestones). Partial projects get
the largest level (≥ their minimum) that fits. No solver is used.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field

from assignments.funding.data import FundingData, Problem, ReachGroup, Target, problem
from assignments.funding.solution import FundingSolution

__all__ = ["Ledger", "greedy"]


@dataclass
class Ledger:
    """Money spent so far by source and period, and what each source can still pay."""

    prob: Problem
    spent: list[list[int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.spent:
            self.spent = [[0] * len(self.prob.periods) for _ in self.prob.budget]

    @classmethod
    def of(cls, prob: Problem, sol: FundingSolution) -> Ledger:
        """The ledger of an allocation."""
        led = cls(prob)
        for (_j, s, t), v in sol.alloc.items():
            led.spent[s][t] += v
        return led

    def headroom(self, s: int, t: int) -> int:
        """Units source ``s`` can still pay in period ``t`` (with carry-over: without breaking
        any later period's cumulative limit)."""
        slack = self._slack(s)
        return max(0, min(slack[t:])) if self.prob.carry_over else max(0, slack[t])

    def plan(self, j: int, level: int) -> dict[tuple[int, int, int], int] | None:
        """Money for project ``j`` at ``level`` % from what is left, or ``None`` if it does not fit.

        Sources are used in their order; a cost-sharing group is paid in its ratios.
        """
        p = self.prob
        T = len(p.periods)
        need = [a * level // 100 for a in p.period_cost[j]]
        total = sum(need)
        if total == 0:
            return None if level > 0 else {}
        slack = {s: self._slack(s) for s in p.eligible[j]}

        def room(s: int, t: int) -> int:
            return max(0, min(slack[s][t:])) if p.carry_over else max(0, slack[s][t])

        def take_from(s: int, t: int, amount: int) -> None:
            for k in range(t, T if p.carry_over else t + 1):
                slack[s][k] -= amount

        out: dict[tuple[int, int, int], int] = {}
        if p.industry is not None:  # F2: central money to industry first, to the rest last
            central, ind = set(p.industry[2]), j in set(p.industry[3])
            order_f2 = sorted(p.eligible[j], key=lambda s: (s in central) != ind)
        else:
            order_f2 = list(p.eligible[j])
        if j in p.share:  # F5 per payment: each period's spending split by the ratios
            group = p.share[j]
            R = sum(r for _s, r in group)
            for t, n in enumerate(need):
                if n == 0:
                    continue
                quota = {s: n * r // R for s, r in group}
                rest = n - sum(quota.values())
                for s, _r in sorted(group, key=lambda g: -g[1])[:rest]:
                    quota[s] += 1
                for s, q in quota.items():
                    if q > room(s, t):
                        return None
                    if q > 0:
                        out[(j, s, t)] = q
                        take_from(s, t, q)
            return out
        order = order_f2
        for t, n in enumerate(need):
            for s in order:
                if n == 0:
                    break
                take = min(n, room(s, t))
                if take > 0:
                    out[(j, s, t)] = take
                    take_from(s, t, take)
                    n -= take
            if n:
                return None
        return out

    def _slack(self, s: int) -> list[int]:
        """Money of source ``s`` not yet spent: cumulative per period with carry-over."""
        p = self.prob
        if not p.carry_over:
            return [p.budget[s][t] - self.spent[s][t] for t in range(len(p.periods))]
        out, acc = [], 0
        for t in range(len(p.periods)):
            acc += p.budget[s][t] - self.spent[s][t]
            out.append(acc)
        return out

    def add(self, alloc: dict[tuple[int, int, int], int]) -> None:
        """Book an allocation."""
        for (_j, s, t), v in alloc.items():
            self.spent[s][t] += v


class _Reach:
    """People reached so far per village group (:class:`~assignments.funding.data.ReachGroup`),
    and a project's marginal gain: the weighted people it adds, each village capped at its
    total (a village already full gains nothing from another project there)."""

    def __init__(self, prob: Problem, level: list[int]) -> None:
        self.prob = prob
        self.level = level
        self.groups: list[tuple[int, ReachGroup]] = []  # (weight, group)
        seen: dict[int, int] = {}
        for f, groups in prob.reach.items():
            w = prob.benefit_weights.get(f, 0) if prob.benefit_reach.get(f) is groups else 0
            for g in groups:
                seen[id(g)] = len(self.groups)
                self.groups.append((w, g))
        for f, w in prob.benefit_weights.items():  # groups of the objective only
            for g in prob.benefit_reach.get(f, []):
                if id(g) not in seen:
                    seen[id(g)] = len(self.groups)
                    self.groups.append((w, g))
        self.num = [sum(m * (c * level[j] // 100) for j, c, m in g.members)
                    for _w, g in self.groups]
        self.of: dict[int, list[tuple[int, int, int]]] = {}  # project -> (group, coef, mult)
        for k, (_w, g) in enumerate(self.groups):
            for j, c, m in g.members:
                self.of.setdefault(j, []).append((k, c, m))
        self.given = set(prob.value_given)
        self.index = seen

    @staticmethod
    def _count(g: ReachGroup, num: int) -> int:
        got = num // g.den
        return min(g.cap, got) if g.cap > 0 else got

    def gain(self, j: int, lv: int) -> int:
        """Weighted people project ``j`` adds at level ``lv`` (from its current level)."""
        out = (self.prob.value[j] * lv // 100 - self.prob.value[j] * self.level[j] // 100
               if j in self.given else 0)
        for k, c, m in self.of.get(j, []):
            w, g = self.groups[k]
            if w:
                add = m * (c * lv // 100 - c * self.level[j] // 100)
                out += w * (self._count(g, self.num[k] + add) - self._count(g, self.num[k]))
        return out

    def people(self, field_name: str) -> int:
        """People of one field reached so far (the groups of ``prob.reach``)."""
        return sum(self._count(g, self.num[self.index[id(g)]])
                   for g in self.prob.reach.get(field_name, []))

    def book(self, j: int, old: int, new: int) -> None:
        """Project ``j`` moved from level ``old`` to ``new``."""
        for k, c, m in self.of.get(j, []):
            self.num[k] += m * (c * new // 100 - c * old // 100)


@dataclass
class _Totals:
    """Running totals of the ratio rules (F2, F3 portfolio, F6), checked per added project."""

    prob: Problem
    central_total: int = 0
    central_industry: int = 0
    wages: int = 0
    wage_base: int = 0
    by_period: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.by_period = [0] * len(self.prob.periods)
        p = self.prob
        self.central = set(p.industry[2]) if p.industry else set()
        self.central_amount = sum(sum(p.budget[s]) for s in self.central)
        self.industry = set(p.industry[3]) if p.industry else set()
        self.infra = set(p.labour[2]) if p.labour else set()

    def delta(self, alloc: dict[tuple[int, int, int], int]) -> tuple[int, int, int, int, list[int]]:
        ct = ci = w = wb = 0
        per = [0] * len(self.by_period)
        p = self.prob
        for (j, s, t), v in alloc.items():
            per[t] += v
            if s in self.central:
                ct += v
                if j in self.industry:
                    ci += v
            if j in self.infra and p.labour is not None:
                w += p.labour[3][j] * v
                wb += v
        return ct, ci, w, wb, per

    def ok(self, alloc: dict[tuple[int, int, int], int], j: int) -> bool:
        p = self.prob
        ct, ci, w, wb, per = self.delta(alloc)
        if p.industry is not None:  # the central money not for industry stays within the
            num, den = p.industry[0], p.industry[1]  # part of the amount F2 leaves free
            other = self.central_total + ct - self.central_industry - ci
            if den * other > (den - num) * self.central_amount:
                return False
        if p.labour is not None:
            scope, thr = p.labour[0], p.labour[1]
            if scope == "project" and j in self.infra and p.labour[3][j] < thr:
                return False
            if scope == "portfolio" and self.wages + w < thr * (self.wage_base + wb):
                return False
        total = sum(self.by_period) + sum(per)
        if p.milestone_soft:  # F6 soft: a project may not widen the spending shortfall
            before = self.milestone_short(self.by_period)
            return self.milestone_short([a + b for a, b in zip(self.by_period, per,
                                                                strict=True)]) <= before
        for k, num, den in p.milestones:
            cum = sum(self.by_period[: k + 1]) + sum(per[: k + 1])
            if den * cum < num * total:
                return False
        return True

    def milestone_short(self, per: list[int]) -> int:
        """Units short of the spending milestones (F6) with this spending per period."""
        total = sum(per)
        return sum(max(0, -(-(num * total - den * sum(per[: k + 1])) // den))
                   for k, num, den in self.prob.milestones)

    def add(self, alloc: dict[tuple[int, int, int], int]) -> None:
        ct, ci, w, wb, per = self.delta(alloc)
        self.central_total += ct
        self.central_industry += ci
        self.wages += w
        self.wage_base += wb
        self.by_period = [a + b for a, b in zip(self.by_period, per, strict=True)]


def greedy(data: FundingData, prob: Problem | None = None, *,
           start: FundingSolution | None = None, coverage: bool = True,
           prefer: dict[int, int] | None = None) -> FundingSolution:
    """The greedy allocation (see the module docstring).

    Parameters
    ----------
    data, prob
        The problem (and its integer view).
    start
        An allocation to complete (kept as it is; the greedy only adds projects), e.g. a
        solver's solution of the coverage stage.
    coverage
        Meet the coverage targets first (cheapest project per target unit first).
    prefer
        Project -> level to try first, in this order (e.g. an LP relaxation rounded down); a
        project that does not fit at its level is tried lower, down to its minimum.

    The result is valid for every hard rule of the checker, except committed projects that do
    not fit (they are left out).
    """
    prob = prob if prob is not None else problem(data)
    led = Ledger.of(prob, start) if start is not None else Ledger(prob)
    tot = _Totals(prob)
    if start is not None:
        tot.add(start.alloc)
        sol = FundingSolution(level=list(start.level), alloc=dict(start.alloc), unit=prob.unit)
    else:
        sol = FundingSolution(level=[0] * prob.n, unit=prob.unit)
    forbidden = {j for j in range(prob.n) if prob.excluded[j]}
    fund = sol.funding()
    reach = _Reach(prob, sol.level)

    def try_add(j: int, levels: list[int]) -> bool:
        if j in forbidden or sol.level[j] > 0:
            return False
        if any(sol.level[k] == 0 for a, k in prob.requires if a == j):
            return False
        if any(sol.level[b if a == j else a] > 0 for a, b in prob.excludes if j in (a, b)):
            return False
        for lv in levels:
            alloc = led.plan(j, lv)
            if alloc is None:
                continue
            if tot.ok(alloc, j):
                reach.book(j, sol.level[j], lv)
                sol.level[j] = lv
                sol.alloc.update(alloc)
                led.add(alloc)
                tot.add(alloc)
                fund[j] = sum(alloc.values())
                return True
        return False

    def levels_of(j: int) -> list[int]:
        if not prob.partial[j]:
            return [100]
        lo = 1
        while lo < 100 and sum(a * lo // 100 for a in prob.period_cost[j]) < max(
                1, prob.min_funding[j]):
            lo += 1
        return [lv for lv in range(100, lo - 1, -1) if lv % prob.step == 0]

    ratio = {j: prob.value[j] / max(1, prob.cost[j]) for j in range(prob.n)}
    for j in range(prob.n):
        if prob.committed[j]:
            try_add(j, levels_of(j))
    for j, lv in (prefer or {}).items():
        if lv > 0:
            try_add(j, [x for x in levels_of(j) if x <= lv])
    if coverage:
        def got(tg: Target) -> float:
            if tg.kind == "count":
                return sum(c for j, c in tg.members if sol.level[j] > 0)
            if tg.kind == "people" and tg.reach is not None:  # per village, capped
                return reach.people(tg.reach)
            if tg.kind == "people":
                return sum(c * sol.level[j] // 100 for j, c in tg.members)
            return sum(c * fund[j] for j, c in tg.members)

        def order(tg: Target) -> list[tuple[int, int]]:
            if tg.kind == "count":  # cheapest first
                return sorted(tg.members, key=lambda m: (prob.cost[m[0]], m[0]))
            if tg.kind == "people":  # most target people per unit
                return sorted(tg.members, key=lambda m: (-m[1] / max(1, prob.cost[m[0]]), m[0]))
            return sorted(tg.members, key=lambda m: (-ratio[m[0]], m[0]))

        for tg in prob.targets:
            need = tg.requirement * (tg.denom if tg.kind == "money" else 1)
            for j, _c in order(tg):
                if got(tg) >= need:
                    break
                for a, k in prob.requires:  # what it requires first (one level deep)
                    if a == j and sol.level[k] == 0:
                        try_add(k, levels_of(k))
                try_add(j, levels_of(j))
    if prob.industry is not None:  # F2: industry projects until the central share is reached
        num, den = prob.industry[0], prob.industry[1]
        for j in sorted(prob.industry[3], key=lambda j: (-ratio[j], j)):
            if den * tot.central_industry >= num * tot.central_amount:
                break
            try_add(j, levels_of(j))
    def by_marginal_gain() -> None:
        """The rest by marginal weighted people reached per unit (lazily re-evaluated: a gain
        only falls as villages fill up), a project whose villages are full left out."""
        heap = [(-reach.gain(j, 100) / max(1, prob.cost[j]), j) for j in range(prob.n)
                if sol.level[j] == 0 and j not in forbidden and prob.value[j] > 0]
        heapq.heapify(heap)
        later = []
        while heap:
            key, j = heapq.heappop(heap)
            if sol.level[j] > 0:
                continue
            now = -reach.gain(j, 100) / max(1, prob.cost[j])
            if now >= 0:  # its villages are full: tried last (money spent, nobody more)
                later.append(j)
                continue
            if now > key + 1e-12:  # its gain fell: back in the queue at its new value
                heapq.heappush(heap, (now, j))
                continue
            try_add(j, levels_of(j))
        for j in sorted(later, key=lambda j: (-ratio[j], j)):
            try_add(j, levels_of(j))

    by_marginal_gain()
    if prob.assignment is not None and _reroute(prob, sol, led, tot):
        by_marginal_gain()  # the money freed
    return sol


def _reroute(prob: Problem, sol: FundingSolution, led: Ledger, tot: _Totals) -> bool:
    """F6 assignment: move funded projects' payments from other sources to the central sources
    that have not yet assigned their money by the assignment month (levels unchanged; F2's
    room for non-industry central money kept). Whether anything moved."""
    assert prob.assignment is not None
    k, num, den, srcs = prob.assignment
    moved = False
    for s in srcs:
        have = sum(prob.budget[s][: k + 1]) if prob.carry_over else prob.budget[s][k]
        owed = -((-num * have) // den) - sum(led.spent[s])
        for (j, s2, t), v in sorted(sol.alloc.items()):
            if owed <= 0:
                break
            if s2 in srcs or j in prob.share or s not in prob.eligible[j]:
                continue
            take = min(v, owed, led.headroom(s, t))
            if prob.industry is not None and j not in tot.industry:
                free = ((prob.industry[1] - prob.industry[0]) * tot.central_amount
                        // prob.industry[1]) - (tot.central_total - tot.central_industry)
                take = min(take, max(0, free))
            if take <= 0:
                continue
            led.spent[s2][t] -= take
            led.spent[s][t] += take
            if v == take:
                del sol.alloc[(j, s2, t)]
            else:
                sol.alloc[(j, s2, t)] = v - take
            sol.alloc[(j, s, t)] = sol.alloc.get((j, s, t), 0) + take
            if s in tot.central:
                tot.central_total += take
                if j in tot.industry:
                    tot.central_industry += take
            owed -= take
            moved = True
    return moved
