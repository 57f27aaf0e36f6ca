"""Fund allocation as a CP-SAT model: named constraint families and objective levels.

The only module of ``funding`` that imports ``ortools`` (besides the independent ``mip.py``).
Decisions, all in whole money units (:class:`~assignments.funding.data.Problem`):

* ``y[j]`` (whole projects) or ``lv[j]`` ∈ 0..100 with ``f[j]`` (partial projects): the
  funding level in percent and whether the project is funded;
* ``g[j, t] = floor(a[j, t] × level / 100)``: the project's spending in period ``t``, its
  spending curve at that level;
* ``x[j, s, t]``: the part of ``g[j, t]`` paid by source ``s`` (created only for sources that may
  pay for the project and have money by period ``t``), for sources whose money arrives in
  tranches (or without carry-over);
* ``X[j, s]``: the project's money from a *timeless* source — one whose whole amount is there from
  the first period, with carry-over, so that only its total counts; these fill what the
  tranched sources leave of each period (a single such source pays it all, no variable).

Every constraint family is a small function called from the one ordered list :data:`FAMILIES`,
keyed by the family's name in :data:`assignments.funding.rules.RULES` (which gives its rule, its
labels and its doc); with ``explain=True`` each rule instance carries an assumption literal so
that an infeasible plan can name the rules and records that conflict. All constraints are
linear (the model can also be handed to HiGHS), and :func:`check_activity` verifies that no
constraint's activity reaches 2^31 (or-tools#5293).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from assignments.core.conflict import Guards
from assignments.core.i18n import tr
from assignments.funding.data import Problem, ReachGroup
from assignments.funding.rules import RULES
from assignments.funding.solution import FundingSolution
from assignments.knapsack.hull import floor_hull

__all__ = [
    "FAMILIES",
    "FundingModel",
    "build_model",
    "build_subsidy_model",
    "check_activity",
    "min_level",
]

LinearExpr = Any
ACTIVITY_LIMIT = 2**31 - 1


@dataclass
class FundingModel:
    """A built CP-SAT model with handles to read the allocation back."""

    prob: Problem
    model: cp_model.CpModel
    level: dict[int, LinearExpr]  # project -> level expression (0..100)
    funded: dict[int, LinearExpr]  # project -> 0/1 expression
    g: dict[tuple[int, int], LinearExpr]
    x: dict[tuple[int, int, int], LinearExpr]
    X: dict[tuple[int, int], LinearExpr]
    levels: dict[str, LinearExpr]  # minimisation form ("benefit" is -benefit)
    decision: list[cp_model.IntVar] = field(default_factory=list)  # y / lv / x, for hints
    literals: list[tuple[cp_model.IntVar, str, tuple[Any, ...]]] = field(default_factory=list)
    fund: dict[int, LinearExpr] = field(default_factory=dict)
    target_short: list[cp_model.IntVar] = field(default_factory=list)
    whole: dict[int, cp_model.IntVar] = field(default_factory=dict)  # whole project -> y
    defs: list[tuple[Any, ...]] = field(default_factory=list)  # what each variable means
    classes: list[list[int]] = field(default_factory=list)  # routing class -> projects
    cx: dict[tuple[int, int, int], LinearExpr] = field(default_factory=dict)
    cX: dict[tuple[int, int], LinearExpr] = field(default_factory=dict)

    def allocation(self, value: Callable[[Any], int]) -> dict[tuple[int, int, int], int]:
        """The money by project × source × period of a solution (``value`` reads expressions).

        A timeless source's total is spread over the periods in order, filling what the tranched
        sources leave of each period's spending.
        """
        p = self.prob
        T = len(p.periods)

        def read(e: LinearExpr) -> int:
            return e if isinstance(e, int) else int(value(e))

        alloc: dict[tuple[int, int, int], int] = {}
        for key, e in self.x.items():
            v = read(e)
            if v:
                alloc[key] = v
        if not self.X and not self.cX and not self.cx:
            return alloc
        levels = {j: read(e) for j, e in self.level.items()}
        rest: dict[tuple[int, int], int] = {}
        for j, lv in levels.items():
            for t, a in enumerate(p.period_cost[j]):
                rest[(j, t)] = a * lv // 100
        for (j, _s, t), v in alloc.items():
            rest[(j, t)] -= v
        totals = {key: read(e) for key, e in self.X.items()}
        # class flows: each period's tranched money fills the projects' spending in order,
        # then each timeless total fills what is left of the projects' money
        for c, members in enumerate(self.classes):
            for t in range(T):
                for (c2, s, t2), e in self.cx.items():
                    if c2 != c or t2 != t:
                        continue
                    left = read(e)
                    for j in members:
                        take = min(left, rest[(j, t)])
                        if take > 0:
                            alloc[(j, s, t)] = take
                            rest[(j, t)] -= take
                            left -= take
            owed = {j: sum(rest[(j, t)] for t in range(T)) for j in members}
            for (c2, s), e in self.cX.items():
                if c2 != c:
                    continue
                left = read(e)
                for j in members:
                    take = min(left, owed[j])
                    if take > 0:
                        totals[(j, s)] = take
                        owed[j] -= take
                        left -= take
        for (j, s), left in sorted(totals.items()):
            for t in range(T):
                take = min(left, rest.get((j, t), 0))
                if take > 0:
                    alloc[(j, s, t)] = take
                    rest[(j, t)] -= take
                    left -= take
        return alloc

    def full_values(self, sol: FundingSolution, shortfalls: list[tuple[int, int]]) -> list[int]:
        """Every variable's value for an allocation (a complete MIP start for HiGHS).

        ``shortfalls``: ``(shortfall, ‰ short)`` of every target, as the checker computes them.
        """
        p = self.prob
        out = [0] * len(self.model.proto.variables)
        by_js, by_cst, by_cs = self._sums(sol)
        f6 = self._f6_shorts(sol)
        for kind, var, *key in self.defs:
            if kind == "lv":
                val = sol.level[key[0]]
            elif kind == "f":
                val = int(sol.level[key[0]] > 0)
            elif kind == "g":
                val = p.period_cost[key[0]][key[1]] * sol.level[key[0]] // 100
            elif kind == "scaled":
                val = key[1] * sol.level[key[0]] // 100
            elif kind == "reach":
                val = key[0].count(sol.level)
            elif kind == "x":
                val = sol.alloc.get((key[0], key[1], key[2]), 0)
            elif kind == "X":
                val = by_js.get((key[0], key[1]), 0)
            elif kind == "z":
                val = int(sol.level[key[0]] == key[1])
            elif kind == "cx":
                val = by_cst.get((key[0], key[1], key[2]), 0)
            elif kind == "cX":
                val = by_cs.get((key[0], key[1]), 0)
            elif kind == "short":
                val = shortfalls[key[0]][0]
            elif kind == "unmet":
                val = int(shortfalls[key[0]][0] > 0)
            elif kind in ("mshort", "ashort"):
                val = f6[kind][key[0]]
            else:  # pm
                val = shortfalls[key[0]][1]
            out[var.index] = val
        return out

    def _f6_shorts(self, sol: FundingSolution) -> dict[str, dict[int, int]]:
        """The soft F6 shortfalls of an allocation, keyed as the model's variables: milestone
        index -> units short, central source -> units short."""
        p = self.prob
        out: dict[str, dict[int, int]] = {"mshort": {}, "ashort": {}}
        if not p.milestone_soft:
            return out
        per_t = [0] * len(p.periods)
        paid = [0] * len(p.source_ids)
        for (_j, s, t), v in sol.alloc.items():
            per_t[t] += v
            paid[s] += v
        total = sum(per_t)
        for i, (k, num, den) in enumerate(p.milestones):
            out["mshort"][i] = max(0, -(-(num * total - den * sum(per_t[: k + 1])) // den))
        if p.assignment is not None:
            k, num, den, srcs = p.assignment
            for s in srcs:
                have = sum(p.budget[s][: k + 1]) if p.carry_over else p.budget[s][k]
                out["ashort"][s] = max(0, -((-num * have) // den) - paid[s])
        return out

    def _sums(self, sol: FundingSolution) -> tuple[dict[tuple[int, int], int],
                                                    dict[tuple[int, int, int], int],
                                                    dict[tuple[int, int], int]]:
        """An allocation's money by project × source, class × source × period, class × source."""
        cls = {j: c for c, members in enumerate(self.classes) for j in members}
        by_js: dict[tuple[int, int], int] = defaultdict(int)
        by_cst: dict[tuple[int, int, int], int] = defaultdict(int)
        by_cs: dict[tuple[int, int], int] = defaultdict(int)
        for (j, s, t), v in sol.alloc.items():
            by_js[(j, s)] += v
            c = cls.get(j)
            if c is not None:
                by_cst[(c, s, t)] += v
                by_cs[(c, s)] += v
        return by_js, by_cst, by_cs

    def hint_values(self, sol: FundingSolution) -> dict[cp_model.IntVar, int]:
        """Decision-variable values of an allocation, to start a solve from it."""
        out: dict[cp_model.IntVar, int] = {}
        for j, expr in self.level.items():
            if isinstance(expr, cp_model.IntVar):
                out[expr] = sol.level[j]
            f = self.funded.get(j)
            if isinstance(f, cp_model.IntVar):
                out[f] = int(sol.level[j] > 0)
        for key, expr in self.x.items():
            if isinstance(expr, cp_model.IntVar):
                out[expr] = sol.alloc.get(key, 0)
        by_js, by_cst, by_cs = self._sums(sol)
        sums: list[tuple[dict[Any, LinearExpr], dict[Any, int]]] = [
            (self.X, by_js), (self.cx, by_cst), (self.cX, by_cs)]  # type: ignore[list-item]
        for exprs, got in sums:
            for key, expr in exprs.items():
                if isinstance(expr, cp_model.IntVar):
                    out[expr] = got.get(key, 0)
        for (j, t), expr in self.g.items():
            if isinstance(expr, cp_model.IntVar):
                out[expr] = self.prob.period_cost[j][t] * sol.level[j] // 100
        return out


class _Builder(Guards):
    """State shared by the family functions while the model is built."""

    def __init__(self, prob: Problem, explain: bool, aggregate: bool = True,
                 onehot: bool = False) -> None:
        self.p = prob
        self.onehot = onehot and not explain
        self.onehot_z: dict[int, dict[int, cp_model.IntVar]] = {}
        self.m = cp_model.CpModel()
        self.explain = explain
        # route the money of projects outside cost-sharing groups by class (_route_classes);
        # the explaining model keeps one route per project, to name the records
        self.aggregate = aggregate and not explain
        self.industry_set = set(prob.industry[3]) if prob.industry is not None else set()
        self.classes: list[list[int]] = []  # class -> its projects
        self.class_key: list[tuple[tuple[int, ...], bool]] = []
        self.class_index: dict[tuple[tuple[int, ...], bool], int] = {}
        self.class_g: dict[tuple[int, int], list[tuple[int, LinearExpr]]] = defaultdict(list)
        self.cx: dict[tuple[int, int, int], LinearExpr] = {}  # (class, source, period)
        self.cX: dict[tuple[int, int], LinearExpr] = {}  # (class, timeless source)
        self.literals: list[tuple[cp_model.IntVar, str, tuple[Any, ...]]] = []
        self.families = RULES.families
        self.decision: list[cp_model.IntVar] = []
        self.level: dict[int, LinearExpr] = {}
        self.funded: dict[int, LinearExpr] = {}
        self.lv_var: dict[int, cp_model.IntVar] = {}  # partial projects
        self.whole: dict[int, cp_model.IntVar] = {}  # whole projects
        self.defs: list[tuple[Any, ...]] = []  # (kind, variable, *keys) for full_values
        self.g: dict[tuple[int, int], LinearExpr] = {}
        self.x: dict[tuple[int, int, int], LinearExpr] = {}
        self.X: dict[tuple[int, int], LinearExpr] = {}
        self.timeless = {s for s, bud in enumerate(prob.budget)
                         if prob.carry_over and bud[0] > 0 and not any(bud[1:])}
        self.fund: dict[int, LinearExpr] = {}
        self.paid: dict[tuple[int, int], list[LinearExpr]] = defaultdict(list)  # (j, s)
        self.blocked: set[int] = set()
        self.levels: dict[str, LinearExpr] = {}
        self.target_short: list[cp_model.IntVar] = []
        self.reach_cache: dict[int, LinearExpr] = {}  # id(ReachGroup) -> people reached
        self.want: list[str] | None = None  # the objective levels that will be used


    def at_levels(self, j: int, coef: int) -> LinearExpr:
        """``floor(coef × level / 100)`` of a one-hot partial project: a sum over its levels."""
        return sum((coef * k // 100) * v for k, v in self.onehot_z[j].items() if coef * k >= 100)

    def reached(self, groups: list[ReachGroup]) -> LinearExpr:
        """People reached over per-village groups (:class:`~assignments.funding.data.ReachGroup`):
        a group whose cap and split cannot bind is the sum of its projects' scaled figures; any
        other gets ``r ≤ cap`` and ``den × r ≤ Σ mult × floor(coef × level / 100)`` (the people
        of a village counted once, however many funded projects declare them), ``r`` pushed up
        by the levels that count it. Cached: the objective and a target share the variables."""
        terms: list[LinearExpr] = []
        for g in groups:
            key = id(g)
            if key in self.reach_cache:
                terms.append(self.reach_cache[key])
                continue
            inflow = [(mult, self.scaled(j, c)) for j, c, mult in g.members]
            inflow = [(mult, e) for mult, e in inflow if not isinstance(e, int) or e]
            if not inflow:
                e: LinearExpr = 0
            elif not g.may_bind:
                e = sum(x for _m, x in inflow)
            else:
                top = sum(c * mult for _j, c, mult in g.members) // g.den
                r = self.m.new_int_var(0, min(g.cap, top) if g.cap > 0 else top,
                                       f"reach[{g.village}]")
                self.m.add(g.den * r <= sum(mult * x for mult, x in inflow))
                self.defs.append(("reach", r, g))
                e = r
            self.reach_cache[key] = e
            terms.append(e)
        return sum(terms)

    def class_of(self, j: int) -> int | None:
        """The routing class of project ``j`` (``None``: routed on its own)."""
        if not self.aggregate or j in self.p.share:
            return None
        key = (tuple(sorted(self.p.eligible[j])), j in self.industry_set)
        c = self.class_index.get(key)
        if c is None:
            c = self.class_index[key] = len(self.classes)
            self.classes.append([])
            self.class_key.append(key)
        self.classes[c].append(j)
        return c

    def available(self, s: int, t: int) -> bool:
        """Source ``s`` has money by period ``t``."""
        b = self.p.budget[s]
        return (sum(b[: t + 1]) if self.p.carry_over else b[t]) > 0

    def scaled(self, j: int, coef: int) -> LinearExpr:
        """``floor(coef × level_j / 100)`` as an expression (a variable for partial projects)."""
        if coef == 0 or (j in self.blocked and not self.explain):
            return 0
        lv = self.lv_var.get(j)
        if lv is None:  # whole project: 0 or coef
            return coef * self.funded[j]
        if j in self.onehot_z:
            return self.at_levels(j, coef)
        v = self.m.new_int_var(0, coef, f"scaled[{j},{coef}]")
        # maximised (or bounded) where it counts: the upper hull of the floor, tight in the LP
        for ca, cl, cf in floor_hull(coef, upper=True):
            self.m.add(ca * v <= cl * lv + cf * self.funded[j])
        self.defs.append(("scaled", v, j, coef))
        return v


# ------------------------------------------------------------------ the families


def _curve(b: _Builder) -> None:
    """F0 curve: level, funded flag and spending per period of every project, routed to the
    sources that may pay it (F1 eligibility by construction: no other route exists)."""
    p, m = b.p, b.m
    T = len(p.periods)
    for j in range(p.n):
        needs = [t for t in range(T) if p.period_cost[j][t] > 0]
        srcs = {t: [s for s in p.eligible[j] if b.available(s, t)] for t in needs}
        blocked = any(not srcs[t] for t in needs) or not needs
        if blocked:
            b.blocked.add(j)
            if not b.explain:
                b.level[j] = 0
                b.funded[j] = 0
                b.fund[j] = 0
                continue
        if p.partial[j]:
            lv = m.new_int_var(0, 100, f"lv[{j}]")
            f = m.new_bool_var(f"f[{j}]")
            m.add(lv <= 100 * f)
            m.add(lv >= f)
            b.lv_var[j] = lv
            b.level[j], b.funded[j] = lv, f
            b.defs += [("lv", lv, j), ("f", f, j)]
            b.decision += [lv, f]
            if b.onehot:  # one 0/1 per level the project may take: the exact hull in the LP
                z = {k: m.new_bool_var(f"z[{j},{k}]") for k in range(min_level(p, j), 101)
                     if k % p.step == 0}  # F0 level step: only the levels it allows
                m.add(sum(z.values()) == f)
                m.add(sum(k * v for k, v in z.items()) == lv)
                b.defs += [("z", v, j, k) for k, v in z.items()]
                b.onehot_z[j] = z
        else:
            y = m.new_bool_var(f"y[{j}]")
            b.level[j], b.funded[j] = 100 * y, y
            b.whole[j] = y
            b.decision.append(y)
            b.defs.append(("f", y, j))
        total = []
        g: LinearExpr
        # a cost-sharing project pays every period by its ratios (F5 per payment): each of its
        # sources, timeless ones included, gets a variable per period
        per_payment = j in p.share
        timeless = [] if per_payment else [s for s in p.eligible[j] if s in b.timeless]
        tranched: list[LinearExpr] = []
        agg = b.class_of(j)
        for t in needs:
            a = p.period_cost[j][t]
            if j in b.onehot_z:
                g = b.at_levels(j, a)
            elif j in b.lv_var:
                gv = m.new_int_var(0, a, f"g[{j},{t}]")
                lv = b.lv_var[j]
                m.add(100 * gv <= a * lv)
                # g = floor(a lv / 100) from below: the facets of the staircase's lower convex
                # hull in perspective form (0 when not funded), tight in the LP relaxation
                for ca, cl, cf in floor_hull(a):
                    m.add(ca * gv >= cl * lv + cf * b.funded[j])
                g = gv
                b.defs.append(("g", gv, j, t))
            else:
                g = a * b.funded[j]
            b.g[(j, t)] = g
            total.append(g)
            if agg is not None:  # money routed by the project's class (see _route_classes)
                b.class_g[(agg, t)].append((j, g))
                continue
            for s, xv in _route(b, ("x", j), t, g, a, [s for s in srcs[t] if per_payment
                                                       or s not in b.timeless],
                                bool(timeless)).items():
                b.x[(j, s, t)] = xv
                b.paid[(j, s)].append(xv)
                tranched.append(xv)
        b.fund[j] = sum(total)
        if timeless and agg is None:
            for s, xv in _route_rest(b, ("X", j), b.fund[j] - sum(tranched), p.cost[j],
                                     timeless).items():
                b.X[(j, s)] = xv
                b.paid[(j, s)].append(xv)

    _route_classes(b)

def _route(b: _Builder, key: tuple[Any, ...], t: int, g: LinearExpr, ub: int, ss: list[int],
           timeless: bool) -> dict[int, LinearExpr]:
    """Money of the tranched sources ``ss`` for spending ``g`` in period ``t`` (a project's, or a
    class's total): one variable per source, summing to ``g`` (at most ``g`` when timeless
    sources pay the rest); a single source without timeless ones pays ``g`` itself."""
    if len(ss) == 1 and not timeless:
        return {ss[0]: g}
    out: dict[int, LinearExpr] = {}
    for s in ss:
        xv = b.m.new_int_var(0, ub, f"{key[0]}[{key[1]},{s},{t}]")
        b.defs.append((key[0], xv, key[1], s, t))
        b.decision.append(xv)
        out[s] = xv
    if out:
        if timeless:
            b.m.add(sum(out.values()) <= g)  # the timeless sources pay the rest
        else:
            b.m.add(sum(out.values()) == g)
    return out


def _route_rest(b: _Builder, key: tuple[Any, ...], rest: LinearExpr, ub: int,
                timeless: list[int]) -> dict[int, LinearExpr]:
    """The timeless sources' totals paying ``rest`` (one source: ``rest`` itself)."""
    if len(timeless) == 1:
        return {timeless[0]: rest}
    out: dict[int, LinearExpr] = {}
    for s in timeless:
        xv = b.m.new_int_var(0, ub, f"{key[0]}[{key[1]},{s}]")
        b.defs.append((key[0], xv, key[1], s))
        b.decision.append(xv)
        out[s] = xv
    b.m.add(sum(out.values()) == rest)
    return out


def _route_classes(b: _Builder) -> None:
    """Money of the projects routed by class (:attr:`_Builder.aggregate`).

    The projects of a class have the same eligible sources and the same industry flag, and no
    rule looks at how the class's money is split among them: any integer class flows can be
    split into integer project × source × period amounts (:meth:`FundingModel.allocation`: in
    each period the tranched flows fill the projects' spending, then the timeless totals fill
    what is left, a transportation problem with every route open), so routing by class keeps
    the model's meaning with far fewer variables and rows.
    """
    p = b.p
    for c, members in enumerate(b.classes):
        elig = b.class_key[c][0]
        timeless = [s for s in elig if s in b.timeless]
        tranched: list[LinearExpr] = []
        total: list[LinearExpr] = []
        for t in range(len(p.periods)):
            parts = b.class_g.get((c, t))
            if not parts:
                continue
            g = sum(e for _j, e in parts)
            ub = sum(p.period_cost[j][t] for j, _e in parts)
            total.append(g)
            ss = [s for s in elig if s not in b.timeless and b.available(s, t)]
            for s, xv in _route(b, ("cx", c), t, g, ub, ss, bool(timeless)).items():
                b.cx[(c, s, t)] = xv
                tranched.append(xv)
        if timeless and total:
            ub = sum(p.cost[j] for j in members)
            for s, xv in _route_rest(b, ("cX", c), sum(total) - sum(tranched), ub,
                                     timeless).items():
                b.cX[(c, s)] = xv


def _level_step(b: _Builder) -> None:
    """F0 level step: a partial project's level is a multiple of the policy's step (5 %: no
    98–99 % cuts to spend the last yuan; idle money is preferred to a cut below the step)."""
    step = b.p.step
    if step <= 1:
        return
    for j, lv in b.lv_var.items():
        if j in b.onehot_z:  # its one-hot levels are the allowed ones already
            continue
        q = b.m.new_int_var(0, 100 // step, f"q[{j}]")
        b.enforce(b.m.add(lv == step * q), "level_step", (j,))


def _eligibility(b: _Builder) -> None:
    """F1 eligibility: a project no eligible source can pay in one of its periods is unfunded
    (left out of the model outright unless explaining)."""
    for j in sorted(b.blocked):
        if b.explain:
            b.enforce(b.m.add(b.funded[j] == 0), "eligibility", (j,))


def _minimum(b: _Builder) -> None:
    """F0 minimum funding: a funded partial project gets at least its minimum."""
    for j in b.lv_var:
        mn = b.p.min_funding[j]
        if mn > 0:
            b.enforce(b.m.add(b.fund[j] >= mn * b.funded[j]), "minimum", (j,))


def _committed(b: _Builder) -> None:
    """F0 committed: a committed project is funded (wholly, or at some level if partial)."""
    for j in range(b.p.n):
        if not b.p.committed[j]:
            continue
        if j in b.blocked and not b.explain:
            b.m.add_bool_or([])  # cannot be funded: infeasible (explained separately)
            continue
        want = b.funded[j] if j in b.lv_var else b.level[j]
        b.enforce(b.m.add(want == (1 if j in b.lv_var else 100)), "committed", (j,))


def _excluded(b: _Builder) -> None:
    """F0 excluded: a project marked 不予安排 is not funded."""
    for j in range(b.p.n):
        if b.p.excluded[j] and not (j in b.blocked and not b.explain):
            b.enforce(b.m.add(b.funded[j] == 0), "excluded", (j,))


def _requires(b: _Builder) -> None:
    """F0 requires: a project is funded only with the projects it requires."""
    f = b.funded
    for j, k in b.p.requires:
        if isinstance(f[j], int) and f[j] == 0:
            continue
        b.enforce(b.m.add(f[j] <= f[k]), "requires", (j, k))


def _excludes(b: _Builder) -> None:
    """F0 excludes: two projects that exclude each other are not both funded."""
    f = b.funded
    for j, k in b.p.excludes:
        if (isinstance(f[j], int) and f[j] == 0) or (isinstance(f[k], int) and f[k] == 0):
            continue
        b.enforce(b.m.add(f[j] + f[k] <= 1), "excludes", (j, k))


def _budget(b: _Builder) -> None:
    """F1 budget: per source and period (cumulative with carry-over)."""
    p = b.p
    T = len(p.periods)
    by_st: dict[tuple[int, int], list[LinearExpr]] = defaultdict(list)
    for (_j, s, t), v in [*b.x.items(), *b.cx.items()]:
        by_st[(s, t)].append(v)
    by_s: dict[int, list[LinearExpr]] = defaultdict(list)
    for (_j, s), v in [*b.X.items(), *b.cX.items()]:
        by_s[s].append(v)
    for s in range(len(p.source_ids)):
        if s in b.timeless:  # its totals, and the per-period money of cost-sharing projects
            used = by_s[s] + [v for t in range(T) for v in by_st[(s, t)]]
            if used:
                b.enforce(b.m.add(sum(used) <= p.budget[s][0]), "budget", (s, T - 1))
            continue
        acc: list[LinearExpr] = []
        for t in range(T):
            acc = acc + by_st[(s, t)] if p.carry_over else by_st[(s, t)]
            if not acc:
                continue
            cap = sum(p.budget[s][: t + 1]) if p.carry_over else p.budget[s][t]
            b.enforce(b.m.add(sum(acc) <= cap), "budget", (s, t))


def _industry_share(b: _Builder) -> None:
    """F2 industry share of the central linkage funds: the central money paid to industry
    projects is at least the share of the central *amount* (DOMAIN §F rule 2, seed 001:
    中央财政衔接资金用于产业占比达55%以上), not of the central money used."""
    if b.p.industry is None:
        return
    num, den, central, ind = b.p.industry
    ind_set, c_set = set(ind), set(central)
    amount = sum(sum(b.p.budget[s]) for s in c_set)
    if amount == 0:
        return
    money = [(j in ind_set, s, v) for (j, s, _t), v in b.x.items()]
    money += [(j in ind_set, s, v) for (j, s), v in b.X.items()]
    money += [(b.class_key[c][1], s, v) for (c, s, _t), v in b.cx.items()]
    money += [(b.class_key[c][1], s, v) for (c, s), v in b.cX.items()]
    terms = [v for is_ind, s, v in money if is_ind and s in c_set]
    lhs = den * sum(terms) if terms else 0
    if isinstance(lhs, int):
        b.enforce(b.m.add_bool_or([]) if lhs < num * amount else b.m.add_bool_and([]),
                  "industry_share", ())
        return
    b.enforce(b.m.add(lhs >= num * amount), "industry_share", ())


def _labour(b: _Builder) -> None:
    """F3 work relief: per project (filter) or over the infrastructure portfolio."""
    if b.p.labour is None:
        return
    scope, thr, infra, share = b.p.labour
    if scope == "project":
        for j in infra:
            if share[j] < thr and not (isinstance(b.funded[j], int)):
                b.enforce(b.m.add(b.funded[j] == 0), "labour", (j,))
        return
    terms = [(share[j] - thr) * b.fund[j] for j in infra if not isinstance(b.fund[j], int)]
    if terms:
        b.enforce(b.m.add(sum(terms) >= 0), "labour", ())


def _cost_sharing(b: _Builder) -> None:
    """F5 cost sharing, per payment: in every period each group source pays its ratio of the
    project's spending, to within one unit (seed 004: 所需资金由省财政和市县财政按6∶4比例分担 —
    each payment is shared, not only the total)."""
    T = len(b.p.periods)
    for j, group in b.p.share.items():
        if isinstance(b.fund[j], int):
            continue
        R = sum(r for _s, r in group)
        for t in range(T):
            g = b.g.get((j, t))
            if g is None:
                continue
            for s, r in group:
                paid = b.x.get((j, s, t), 0)
                lits = b.lit("cost_sharing", (j, s))
                for ct in (b.m.add(R * paid - r * g <= R - 1),
                           b.m.add(R * paid - r * g >= -(R - 1))):
                    if lits:
                        ct.only_enforce_if(lits)


def _milestones(b: _Builder) -> None:
    """F6 milestones: cumulative spending by a period's end vs the money allocated. Soft
    (:attr:`Problem.milestone_soft`): a shortfall ``short[k] ≥ 0`` per milestone with
    ``den × short ≥ num × allocated − den × spent by then``, summed in the level
    ``milestone_short``."""
    soft: list[LinearExpr] = []
    for i, (k, num, den) in enumerate(b.p.milestones):
        early = [v for (_j, t), v in b.g.items() if t <= k]
        late = [v for (_j, t), v in b.g.items() if t > k]
        if not late:
            continue
        if b.p.milestone_soft:
            top = sum(b.p.cost)
            short = b.m.new_int_var(0, top, f"mshort[{k}]")
            b.m.add(den * short >= num * sum(late) - (den - num) * sum(early))
            b.defs.append(("mshort", short, i))
            soft.append(short)
            continue
        b.enforce(b.m.add((den - num) * sum(early) - num * sum(late) >= 0), "milestones", (k,))
    if b.p.milestone_soft:
        b.levels["milestone_short"] = sum(soft)


def _assignment(b: _Builder) -> None:
    """F6 assignment: each central source assigns to projects at least the share (100 %) of the
    money it has by the end of the assignment month (March), whatever the period it is spent
    in. Soft: ``short[s] ≥ need − paid``, summed in the level ``assign_short``."""
    p = b.p
    if p.assignment is None:
        if p.milestone_soft:
            b.levels["assign_short"] = 0
        return
    k, num, den, srcs = p.assignment
    paid: dict[int, list[LinearExpr]] = defaultdict(list)
    for (_j, s, _t), v in [*b.x.items(), *b.cx.items()]:
        paid[s].append(v)
    for (_j, s), v in [*b.X.items(), *b.cX.items()]:
        paid[s].append(v)
    soft: list[LinearExpr] = []
    for s in srcs:
        have = sum(p.budget[s][: k + 1]) if p.carry_over else p.budget[s][k]
        need = -((-num * have) // den)
        if need <= 0:
            continue
        if p.milestone_soft:
            if not paid[s]:
                soft.append(need)  # nothing can pay it: a constant shortfall
                continue
            short = b.m.new_int_var(0, need, f"ashort[{s}]")
            b.m.add(short >= need - sum(paid[s]))
            b.defs.append(("ashort", short, s, need))
            soft.append(short)
            continue
        if not paid[s]:
            b.enforce(b.m.add_bool_or([]), "assignment", (s,))
            continue
        b.enforce(b.m.add(sum(paid[s]) >= need), "assignment", (s,))
    if p.milestone_soft:
        b.levels["assign_short"] = sum(soft)


def _coverage(b: _Builder) -> None:
    """F4 coverage (soft): shortfall, unmet flag and ‰ short of every target."""
    m = b.m
    unmet: list[LinearExpr] = []
    permille: list[LinearExpr] = []
    for i, tg in enumerate(b.p.targets):
        R = tg.requirement
        live = [(j, c) for j, c in tg.members if not isinstance(b.funded[j], int)]
        if not live:  # nothing in the library can meet it: a constant shortfall
            unmet.append(1)
            permille.append(1000)
            continue
        if tg.kind == "count" and R == 1:  # the usual "at least one project": a tight 0/1
            short = m.new_bool_var(f"short[{i}]")
            b.defs.append(("short", short, i))
            m.add(sum(b.funded[j] for j, _c in live) + short >= 1)
            unmet.append(short)
            permille.append(1000 * short)
            b.target_short.append(short)
            continue
        if tg.kind == "count":
            ach = sum(c * b.funded[j] for j, c in tg.members)
            short = m.new_int_var(0, R, f"short[{i}]")
            m.add(short >= R - ach)
        elif tg.kind == "people":
            ach = (b.reached(b.p.reach[tg.reach]) if tg.reach is not None
                   else sum(b.scaled(j, c) for j, c in tg.members))
            short = m.new_int_var(0, R, f"short[{i}]")
            m.add(short >= R - ach)
        else:
            ach = sum(c * b.fund[j] for j, c in tg.members)
            short = m.new_int_var(0, R, f"short[{i}]")
            m.add(tg.denom * short >= tg.denom * R - ach)
        u = m.new_bool_var(f"unmet[{i}]")
        m.add(short <= R * u)
        pm = m.new_int_var(0, 1000, f"pm[{i}]")
        b.defs += [("short", short, i), ("unmet", u, i), ("pm", pm, i)]
        m.add(R * pm >= 1000 * short)
        unmet.append(u)
        permille.append(pm)
        b.target_short.append(short)
    b.levels["unmet"] = sum(unmet)
    b.levels["shortfall"] = sum(permille)


def _levels(b: _Builder) -> None:
    """The objective levels (rules F.benefit, F.priority, F.spent, F.idle) in minimisation
    form; the coverage levels come from :func:`_coverage`."""
    p = b.p
    # weighted people reached, per village and capped by the village totals (F4 受益人数)
    if b.want is not None and "benefit" not in b.want:
        b.levels["benefit"] = 0  # not used (dropped below): no reach variables for it
    else:
        b.levels["benefit"] = -(sum(b.scaled(j, p.value[j]) for j in p.value_given)
                                + sum(w * b.reached(p.benefit_reach[f])
                                      for f, w in p.benefit_weights.items()))
    b.levels["priority"] = -sum(b.scaled(j, p.priority[j]) for j in range(p.n))
    spent = sum(b.fund.values())
    b.levels["spent"] = spent
    b.levels["idle"] = p.total_budget - spent


FAMILIES: tuple[tuple[str, Callable[[_Builder], None]], ...] = (
    ("curve", _curve),  # first: every later family reads its level, funded, g, x, X variables
    ("level_step", _level_step),  # after curve: the partial projects' levels
    ("eligibility", _eligibility),  # after curve: the projects it found blocked
    ("minimum", _minimum),
    ("committed", _committed),
    ("excluded", _excluded),
    ("requires", _requires),
    ("excludes", _excludes),
    ("budget", _budget),  # after curve: sums the routed money (x, X and the class flows)
    ("industry_share", _industry_share),
    ("labour", _labour),
    ("cost_sharing", _cost_sharing),  # after curve: each project's money by source (paid)
    ("milestones", _milestones),
    ("assignment", _assignment),  # after curve: each central source's money (x, X, class flows)
    ("coverage", _coverage),  # last: its shortfall variables start the objective levels
)
"""The model's constraint families, in build order, keyed by their name in
:data:`assignments.funding.rules.RULES` (rule, labels, doc)."""

def build_model(prob: Problem, *, explain: bool = False, levels: list[str] | None = None,
                aggregate: bool = True, onehot: bool = False) -> FundingModel:
    """Build the CP-SAT model of an allocation problem.

    Parameters
    ----------
    prob
        The integer view of the data (:func:`assignments.funding.data.problem`).
    explain
        Put an assumption literal on every hard-rule instance (families of :data:`FAMILIES`)
        so that an infeasible model can name the rules and records that conflict.
    levels
        The objective levels that will be used (others are not built); default: all.
    aggregate
        Route the money of projects outside cost-sharing groups by class (same eligible sources
        and industry flag) instead of per project (exact; see :func:`_route_classes`); off in
        ``explain`` mode.
    onehot
        Give every partial project one 0/1 variable per level it may take (its minimum level to
        100%), its money per period and beneficiaries being sums over them: the exact convex
        hull of each project's levels in the LP relaxation, at the price of about 50 columns
        per partial project (used with HiGHS; off in ``explain`` mode).
    """
    b = _Builder(prob, explain, aggregate, onehot)
    b.want = levels
    for name, add_family in FAMILIES:
        assert name in RULES.families, name
        add_family(b)
    _levels(b)
    if levels is not None:
        b.levels = {k: v for k, v in b.levels.items() if k in levels}
    if not b.onehot:  # the one-hot model is for HiGHS only: CP-SAT's 32-bit limit does not
        check_activity(b.m)  # apply (and its activity bound, a sum over levels, is loose)
    return FundingModel(
        prob=prob, model=b.m, level=b.level, funded=b.funded, g=b.g, x=b.x, X=b.X,
        levels=b.levels,
        decision=b.decision, literals=b.literals, fund=b.fund, target_short=b.target_short,
        whole=b.whole, defs=b.defs, classes=b.classes, cx=b.cx, cX=b.cX,
    )


def check_activity(model: cp_model.CpModel, limit: int = ACTIVITY_LIMIT) -> None:
    """Raise ``ValueError`` if a linear constraint's activity bound could reach ``limit``.

    The activity bound is ``Σ |coef| × max(|lb|, |ub|)`` over the constraint's variables; keeping it
    below 2^31 keeps CP-SAT's presolve clear of the 32-bit accumulation of or-tools#5293.
    """
    proto = model.proto
    mag = [max(abs(v.domain[0]), abs(v.domain[len(v.domain) - 1])) for v in proto.variables]
    for k, c in enumerate(proto.constraints):
        if not c.has_linear():
            continue
        lin = c.linear
        act = sum(abs(coef) * mag[v if v >= 0 else -v - 1] for v, coef in zip(lin.vars, lin.coeffs,
                                                                               strict=True))
        if act >= limit:
            raise ValueError(tr("constraint {k} ({name}) has an activity bound of {bound}, above "
                                "{limit}: use a larger money unit (计算单位)", k=k,
                                name=c.name or "linear", bound=f"{act:,}", limit=f"{limit:,}"))


def build_subsidy_model(amounts: list[int], values: list[int],
                        budget: int) -> tuple[cp_model.CpModel, list[cp_model.IntVar]]:
    """The household-subsidy rationing "optimal by beneficiaries" as a knapsack.

    ``pay[h]`` = 1 pays household ``h`` its whole entitlement ``amounts[h]`` (yuan); the paid
    total stays within ``budget``; the objective maximises ``Σ values[h] pay[h]`` (weighted
    members of the households paid).
    """
    m = cp_model.CpModel()
    pay = [m.new_bool_var(f"pay[{h}]") for h in range(len(amounts))]
    m.add(sum(a * x for a, x in zip(amounts, pay, strict=True)) <= budget)
    m.maximize(sum(v * x for v, x in zip(values, pay, strict=True)))
    check_activity(m)
    return m, pay


def min_level(prob: Problem, j: int) -> int:
    """The lowest level (1..100 %) at which a partial project gets its minimum funding."""
    lo = 1
    while lo < 100 and sum(a * lo // 100 for a in prob.period_cost[j]) < prob.min_funding[j]:
        lo += 1
    return lo
