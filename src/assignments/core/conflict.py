"""The one conflict search: which rules and records make a model infeasible.

Each model builds its model in *explain* mode, where every rule instance that could be part of
a conflict is guarded by an assumption literal ``(literal, family, key)``. :func:`find_conflict`
asks CP-SAT for sufficient assumptions, shrinks them one member at a time (deletion; members of
the families named first in ``drop_first`` are tried first, so the set kept speaks of people and
turns rather than of counting rules), and **always re-solves the set alone** to verify it
(CP-SAT's sufficient assumptions can be wrong, or-tools#5141). Its time comes from the solve's
budget (``params.budget``), never from a separate allowance.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from assignments.core.solver import SolveParams, SolveStatus, run_cpsat

__all__ = ["Conflict", "Guards", "find_conflict"]

Guard = tuple[Any, str, tuple[Any, ...]]
"""``(assumption literal, family, key)``."""


class Guards:
    """Mixin of a model builder: guard literals of explain mode.

    A builder sets ``m`` (the :class:`cp_model.CpModel`), ``explain`` and ``literals`` (a list);
    ``families`` (optional) is the model's registry of family names, against which every guard
    is checked. With ``explain`` off, :meth:`enforce` adds nothing: the model is the plain one.
    """

    m: cp_model.CpModel
    explain: bool
    literals: list[Guard]
    families: Any = None

    def lit(self, family: str, key: tuple[Any, ...]) -> list[cp_model.IntVar]:
        """Explain mode: a new guard literal for one instance of ``family``; else nothing."""
        assert self.families is None or family in self.families, family
        if not self.explain:
            return []
        b = self.m.new_bool_var(f"{family}{key}")
        self.literals.append((b, family, key))
        return [b]

    def enforce(self, ct: cp_model.Constraint, family: str, key: tuple[Any, ...]) -> None:
        """Guard ``ct`` by a literal of ``family`` (explain mode)."""
        lits = self.lit(family, key)
        if lits:
            ct.only_enforce_if(lits)


@dataclass
class Conflict:
    """A conflicting set of rule instances.

    Attributes
    ----------
    members
        ``(family, key)`` pairs.
    minimal
        Every member was shown necessary (deletion finished within the time).
    verified
        Re-solving the set alone was proven infeasible.
    infeasible
        The full model was proven infeasible under its assumptions (otherwise ``members`` is
        empty: no conflict was found in time).
    """

    members: list[tuple[str, tuple[Any, ...]]] = field(default_factory=list)
    minimal: bool = False
    verified: bool = False
    infeasible: bool = False

    def __bool__(self) -> bool:
        return bool(self.members)


def _infeasible(model: cp_model.CpModel, subset: Sequence[Guard], params: SolveParams
                ) -> tuple[bool, list[int]]:
    run = run_cpsat(model, params, lambda s: None, label="explain",
                    assumptions=[lit for lit, _f, _k in subset])
    return run.status is SolveStatus.INFEASIBLE, run.sufficient_assumptions


def find_conflict(
    model: cp_model.CpModel,
    guards: Sequence[Guard],
    params: SolveParams,
    *,
    seconds: float,
    drop_first: Sequence[str] = (),
) -> Conflict:
    """Find, shrink and verify a conflicting set of guarded rule instances.

    Parameters
    ----------
    model
        A model built in explain mode (its objective is ignored: cleared here).
    guards
        Every ``(literal, family, key)`` of the model.
    params
        Seed, deterministic mode and the solve's budget (``params.budget``).
    seconds
        The most this search may take (it also ends at the budget's deadline).
    drop_first
        Families whose members deletion tries to drop first.
    """
    model.clear_objective()
    deadline = time.perf_counter() + seconds
    if params.budget is not None:
        deadline = min(deadline, params.budget.deadline)

    def step(share: float, floor: float = 0.2) -> SolveParams:
        left = max(0.0, deadline - time.perf_counter())
        return SolveParams(time_limit=max(floor, min(left, left * share) if left else floor),
                           seed=params.seed, workers=1, deterministic=params.deterministic,
                           budget=params.budget)

    order = {f: i for i, f in enumerate(drop_first)}
    by_index = {lit.index: (lit, f, k) for lit, f, k in guards}
    ok, core_idx = _infeasible(model, guards, step(0.4))
    if not ok:
        return Conflict()
    core = [by_index[i] for i in core_idx if i in by_index] or list(guards)
    core.sort(key=lambda c: order.get(c[1], len(order)))
    minimal = True
    i = 0
    while i < len(core):
        if time.perf_counter() > deadline - 0.1 or (params.budget is not None
                                                    and params.budget.stopped()):
            minimal = False
            break
        trial = core[:i] + core[i + 1:]
        still, smaller = _infeasible(model, trial, step(0.25))
        if still:
            kept = [by_index[j] for j in smaller if j in by_index]
            core = [c for c in kept if c in trial] or trial
            core.sort(key=lambda c: order.get(c[1], len(order)))
            # members before i were shown necessary and stay in front (stable sort)
        else:
            i += 1
    verified, _ = _infeasible(model, core, step(1.0, floor=0.5))
    return Conflict([(f, k) for _lit, f, k in core], minimal, verified, True)
