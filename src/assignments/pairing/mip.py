"""An independent mixed-integer formulation of the pairing problem, solved by HiGHS.

This module exists to cross-check the CP-SAT model (:mod:`assignments.pairing.model`). It is
written from the definitions in :mod:`assignments.pairing.problem` and the checker
(:func:`solution.pairing_levels`), not from the CP-SAT model, and it formulates the levels
differently:

* ``u[e]``: mentee ``e`` stays unpaired, with ``Σ x + u = 1`` (equality instead of "at most
  one"); the mandatory level is ``Σ u`` over mandatory mentees;
* ``n[i]``: a mentor's head count as an integer variable, and the balance term ``n(n−1)/2`` as
  the largest of its tangent lines ``t[i] ≥ (k−1)·n[i] − k(k−1)/2`` for k = 1 … capacity
  (exact at integers);
* the drain term with one excess variable per group, ``ex[g] ≥ out[g] − limit[g]``.

Lexicographic levels are solved in stages through ``ortools.math_opt`` with HiGHS, each level
fixed at its optimum before the next; weighted mode is one solve.
"""

from __future__ import annotations

import math
import time
from datetime import timedelta
from typing import Any

from ortools.math_opt.python import mathopt

from assignments.core.crosscheck import MipResult
from assignments.pairing.problem import Pairing, PairingProblem

__all__ = ["MipResult", "solve_mip"]


def solve_mip(problem: PairingProblem, *, time_limit: float = 60.0) -> MipResult[Pairing]:
    """Solve ``problem`` with HiGHS (stages for lexicographic mode) and return its levels."""
    t0 = time.perf_counter()
    p = problem
    lp = mathopt.Model(name=p.name or "pairing")
    x = [lp.add_binary_variable(name=f"x{k}") for k in range(len(p.candidates))]
    incoming: list[list[int]] = [[] for _ in p.mentees]
    outgoing: list[list[int]] = [[] for _ in p.mentors]
    for k, c in enumerate(p.candidates):
        incoming[c.mentee].append(k)
        outgoing[c.mentor].append(k)
    u: list[Any] = []
    for e, ks in enumerate(incoming):
        if p.assign_all:
            if not ks:  # a job no agent may take
                return MipResult[Pairing]("infeasible", runtime=time.perf_counter() - t0)
            lp.add_linear_constraint(sum(x[k] for k in ks) == 1)
            u.append(0)
        else:
            ue = lp.add_binary_variable(name=f"u{e}")
            lp.add_linear_constraint(sum(x[k] for k in ks) + ue == 1)
            u.append(ue)
    n: list[Any] = []
    for i, ks in enumerate(outgoing):
        cap = p.capacity[i]
        top = len(ks) if cap is None else min(cap, len(ks))
        ni = lp.add_integer_variable(lb=0, ub=top, name=f"n{i}")
        lp.add_linear_constraint(ni == sum(x[k] for k in ks))
        n.append(ni)
        if p.budget[i] is not None and ks:
            lp.add_linear_constraint(
                sum(p.candidates[k].load * x[k] for k in ks) <= p.budget[i])
    pos = {(c.mentor, c.mentee): k for k, c in enumerate(p.candidates)}
    for pair in p.forced:
        if pair not in pos:
            return MipResult[Pairing]("infeasible", runtime=time.perf_counter() - t0)
        lp.add_linear_constraint(x[pos[pair]] == 1)

    exprs: dict[str, Any] = {}
    names = p.levels()
    if "mandatory" in names:
        exprs["mandatory"] = sum(u[e] for e in range(len(p.mentees)) if p.is_mandatory(e))
    sign = -1 if p.sense == "max" else 1
    exprs["quality"] = sum(sign * c.score * x[k] for k, c in enumerate(p.candidates))
    fair_terms: list[tuple[int, Any]] = []
    if "fairness" in names:
        if p.balance_weight:
            for i, ks in enumerate(outgoing):
                cap = p.capacity[i]
                top = len(ks) if cap is None else min(cap, len(ks))
                if top < 2:
                    continue
                ti = lp.add_variable(lb=0, name=f"t{i}")
                for k in range(2, top + 1):
                    lp.add_linear_constraint(ti >= (k - 1) * n[i] - k * (k - 1) // 2)
                fair_terms.append((p.balance_weight, ti))
        if p.drain_weight and p.drain_limit:
            out: dict[int, list[int]] = {}
            for k, c in enumerate(p.candidates):
                if p.mentor_group[c.mentor] != p.mentee_group[c.mentee]:
                    out.setdefault(p.mentor_group[c.mentor], []).append(k)
            for g, ks in sorted(out.items()):
                ex = lp.add_variable(lb=0, name=f"ex{g}")
                lp.add_linear_constraint(ex >= sum(x[k] for k in ks) - p.drain_limit[g])
                fair_terms.append((p.drain_weight, ex))
        exprs["fairness"] = sum(w * v for w, v in fair_terms)

    def run(objective: Any, seconds: float) -> tuple[str, Any]:
        lp.minimize(objective)
        params = mathopt.SolveParameters(
            time_limit=timedelta(seconds=max(0.1, seconds)),
            relative_gap_tolerance=0.0,
            absolute_gap_tolerance=1e-6,
        )
        r = mathopt.solve(lp, mathopt.SolverType.HIGHS, params=params)
        reason = r.termination.reason
        if reason == mathopt.TerminationReason.OPTIMAL:
            return "optimal", r
        if reason in (mathopt.TerminationReason.INFEASIBLE,
                      mathopt.TerminationReason.INFEASIBLE_OR_UNBOUNDED):
            return "infeasible", r
        return ("feasible" if r.has_primal_feasible_solution() else "unknown"), r

    deadline = t0 + time_limit
    status = "optimal"
    result = None
    if p.objective_mode == "weighted":
        status, result = run(sum(p.weights.get(nm, 1) * exprs[nm] for nm in names),
                             deadline - time.perf_counter())
    else:
        for nm in names:
            st, r = run(exprs[nm], deadline - time.perf_counter())
            if st in ("infeasible", "unknown"):
                return MipResult[Pairing](st, runtime=time.perf_counter() - t0)
            if st != "optimal":
                status = "feasible"
            result = r
            value = r.objective_value()
            limit = math.floor(value + 1e-6) if st == "optimal" else value
            if nm == "quality" and p.quality_tolerance > 0:
                limit += math.floor(p.quality_tolerance * abs(round(value)))
            if not isinstance(exprs[nm], int | float):
                lp.add_linear_constraint(exprs[nm] <= limit + 1e-6)
    if status in ("infeasible", "unknown") or result is None:
        return MipResult[Pairing](status, runtime=time.perf_counter() - t0)
    values = result.variable_values()
    chosen = sorted(k for k, v in enumerate(x) if values[v] > 0.5)
    pairing = Pairing(chosen)
    levels: dict[str, int] = {}
    if "mandatory" in names:
        levels["mandatory"] = round(sum(values[u[e]] for e in range(len(p.mentees))
                                        if p.is_mandatory(e)))
    levels["quality"] = sum(p.candidates[k].score for k in chosen)
    if "fairness" in names:  # the MIP's own t / ex variables (tight at its optimum)
        levels["fairness"] = round(sum(w * values[v] for w, v in fair_terms))
    return MipResult(status, levels, pairing, time.perf_counter() - t0)
