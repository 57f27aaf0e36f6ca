"""The pairing problem as a CP-SAT model: named constraint families and objective levels.

With :mod:`assignments.pairing.engines` the only place of ``pairing`` that builds CP-SAT models
(besides the cross-check :mod:`assignments.pairing.mip`). One Boolean ``x[k]`` per candidate
pair of a :class:`~assignments.pairing.problem.PairingProblem`; pairs that are not candidates
(for teachers: those that break a hard rule of DOMAIN §M) have no variable at all. Every
constraint is linear, so the same model also runs through HiGHS
(:class:`assignments.core.highs.HighsLinear`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from assignments.pairing.problem import PairingProblem

__all__ = ["FAMILIES", "PairingModel", "build_model"]

LinearExpr = Any


FAMILIES: dict[str, str] = {
    "allowed": "only the problem's candidate pairs exist (a domain decides which: mentoring's "
               "rule M0 and its filters)",
    "one_mentor": "each mentee (job) has at most one mentor (agent); exactly one when every "
                  "mentee must be assigned (GAP)",
    "heads": "each mentor takes at most its head-count capacity",
    "hours": "the loads of a mentor's pairs fit its load budget",
    "forced": "forced pairs are kept",
    "mandatory": "level 1: mandatory mentees left unpaired",
    "quality": "level 2: the pairs' total score (or cost)",
    "balance": "level 3: n(n−1)/2 per mentor with n mentees, summed",
    "drain": "level 3: pairs a group's mentors give to other groups beyond its share",
}
"""The model's constraint families and levels, in build order, by name; the generic engine
speaks of no domain rule — a domain's registry gives each name its rule key and labels
(:data:`assignments.mentoring.rules.RULES`)."""


@dataclass
class PairingModel:
    """A built CP-SAT model with handles to read the pairing back.

    Attributes
    ----------
    levels
        Level name -> linear expression to *minimise* (``quality`` is negated when the
        problem maximises).
    level_bounds
        Level name -> (lowest, highest) value the expression can take, for folding levels.
    """

    problem: PairingProblem
    model: cp_model.CpModel
    x: list[cp_model.IntVar]
    levels: dict[str, LinearExpr]
    level_bounds: dict[str, tuple[int, int]]
    aux: list[cp_model.IntVar] = field(default_factory=list)
    balance: list[tuple[list[int], list[cp_model.IntVar]]] = field(default_factory=list)
    drain: list[tuple[list[int], cp_model.IntVar, int]] = field(default_factory=list)

    def hint_for(self, chosen: set[int]) -> dict[Any, int]:
        """A complete hint (pairs and fairness helpers) for the chosen candidate indices."""
        hint: dict[Any, int] = {v: int(k in chosen) for k, v in enumerate(self.x)}
        for ks, ys in self.balance:
            n = sum(1 for k in ks if k in chosen)
            for j, y in enumerate(ys):  # ys[j] stands for "at least j + 2 mentees"
                hint[y] = int(n >= j + 2)
        for ks, ex, limit in self.drain:
            hint[ex] = max(0, sum(1 for k in ks if k in chosen) - limit)
        return hint


@dataclass
class _Lists:
    """Candidate indices by mentee and by mentor, computed once per model."""

    mentee: list[list[int]]
    mentor: list[list[int]]


def _total(x: list[Any], ks: list[int], coeffs: list[int] | None = None) -> Any:
    if coeffs is None:
        return cp_model.LinearExpr.sum([x[k] for k in ks])
    return cp_model.LinearExpr.weighted_sum([x[k] for k in ks], coeffs)


def _one_mentor(m: cp_model.CpModel, p: PairingProblem, x: list[Any], lists: _Lists) -> None:
    """Each mentee at most one mentor; exactly one in assign-all (GAP) mode."""
    for ks in lists.mentee:
        if p.assign_all:
            m.add(_total(x, ks) == 1)
        elif len(ks) > 1:
            m.add(_total(x, ks) <= 1)


def _heads(m: cp_model.CpModel, p: PairingProblem, x: list[Any], lists: _Lists) -> None:
    """Each mentor takes at most their capacity (head count)."""
    for i, ks in enumerate(lists.mentor):
        cap = p.capacity[i]
        if cap is not None and cap < len(ks):
            m.add(_total(x, ks) <= cap)


def _hours(m: cp_model.CpModel, p: PairingProblem, x: list[Any], lists: _Lists) -> None:
    """The loads of a mentor's pairs fit their budget."""
    for i, ks in enumerate(lists.mentor):
        budget = p.budget[i]
        loads = [p.candidates[k].load for k in ks]
        if budget is None or sum(loads) <= budget:
            continue
        for k, load in zip(ks, loads, strict=True):
            if load > budget:
                m.add(x[k] == 0)
        cap = p.capacity[i]
        if cap is not None and sum(sorted(loads)[-cap:]) <= budget:
            continue  # the heaviest pairs the head count allows fit anyway
        m.add(_total(x, ks, loads) <= budget)


def _forced(m: cp_model.CpModel, p: PairingProblem, x: list[Any], lists: _Lists) -> None:
    """Forced pairs are chosen (a forced pair without a candidate is refused before)."""
    index = p.index()
    for pair in sorted(p.forced):
        m.add(x[index[pair]] == 1)


def build_model(problem: PairingProblem, *, fairness: bool = True) -> PairingModel:
    """Build the CP-SAT model of ``problem``.

    Parameters
    ----------
    problem
        The pairing problem; every forced pair must be one of its candidates.
    fairness
        Build the fairness level (its helper variables); ``False`` for solves that stop
        before it.

    Returns
    -------
    PairingModel
        The model, its variables and its objective levels (all to be minimised).
    """
    p = problem
    m = cp_model.CpModel()
    x = [m.new_bool_var(f"x{k}") for k in range(len(p.candidates))]
    lists = _Lists(p.by_mentee(), p.by_mentor())
    for family in (_one_mentor, _heads, _hours, _forced):
        family(m, p, x, lists)

    levels: dict[str, LinearExpr] = {}
    bounds: dict[str, tuple[int, int]] = {}
    if "mandatory" in p.levels():
        mand = [k for k, c in enumerate(p.candidates) if p.is_mandatory(c.mentee)]
        n_mand = sum(1 for e in range(len(p.mentees)) if p.is_mandatory(e))
        levels["mandatory"] = n_mand - _total(x, mand) if mand else n_mand
        bounds["mandatory"] = (0, n_mand)
    sign = -1 if p.sense == "max" else 1
    scored = [k for k, c in enumerate(p.candidates) if c.score]
    levels["quality"] = (_total(x, scored, [sign * p.candidates[k].score for k in scored])
                         if scored else 0)
    lo = hi = 0
    for ks in lists.mentee:
        vals = [sign * p.candidates[k].score for k in ks]
        lo += min([0, *vals]) if not p.assign_all else min(vals, default=0)
        hi += max([0, *vals]) if not p.assign_all else max(vals, default=0)
    bounds["quality"] = (lo, hi)

    aux: list[Any] = []
    balance: list[tuple[list[int], list[Any]]] = []
    drain: list[tuple[list[int], Any, int]] = []
    if fairness and p.has_fairness():
        tv: list[Any] = []
        tc: list[int] = []
        hi = 0
        if p.balance_weight:
            for i, ks in enumerate(lists.mentor):
                cap = p.capacity[i]
                top = len(ks) if cap is None else min(cap, len(ks))
                if top < 2:
                    continue
                ys = [m.new_bool_var(f"y[{i},{n}]") for n in range(2, top + 1)]
                aux += ys
                balance.append((ks, ys))
                m.add(cp_model.LinearExpr.sum(ys) >= _total(x, ks) - 1)
                tv += ys
                tc += [p.balance_weight * (n - 1) for n in range(2, top + 1)]
                hi += p.balance_weight * top * (top - 1) // 2
        if p.drain_weight and p.drain_limit:
            outside: dict[int, list[int]] = {}
            for k, c in enumerate(p.candidates):
                g = p.mentor_group[c.mentor]
                if g != p.mentee_group[c.mentee]:
                    outside.setdefault(g, []).append(k)
            for g, ks in sorted(outside.items()):
                limit = p.drain_limit[g]
                if len(ks) <= limit:
                    continue
                ex = m.new_int_var(0, len(ks) - limit, f"drain[{g}]")
                aux.append(ex)
                drain.append((ks, ex, limit))
                m.add(ex >= _total(x, ks) - limit)
                tv.append(ex)
                tc.append(p.drain_weight)
                hi += p.drain_weight * (len(ks) - limit)
        levels["fairness"] = cp_model.LinearExpr.weighted_sum(tv, tc) if tv else 0
        bounds["fairness"] = (0, hi)
    return PairingModel(p, m, x, levels, bounds, aux, balance, drain)
