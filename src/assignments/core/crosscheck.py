"""What the second solvers return: the independent MIPs that cross-check each model.

Each model has a MIP written apart from its CP-SAT model (``roster/mip.py``, ``mentoring/mip.py``,
``funding/mip.py``), solved by HiGHS or SCIP through MathOpt; all three return a
:class:`MipResult`, whose solution the model's independent checker then checks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

__all__ = ["MipResult"]

T = TypeVar("T")


@dataclass
class MipResult(Generic[T]):
    """Outcome of a model's cross-check MIP.

    Attributes
    ----------
    status
        ``"optimal"``, ``"feasible"`` (a solution, optimality not proven), ``"infeasible"`` or
        ``"unknown"`` (no solution, none proven impossible).
    levels
        Objective level name -> value of the best solution (every level).
    solution
        The model's own solution object read back from the MIP (``None`` without one).
    runtime
        Wall-clock seconds.
    objective
        Weighted sum or folded levels, for information.
    stats
        Anything else (alternatives solved, ...).
    """

    status: str
    levels: dict[str, int] = field(default_factory=dict)
    solution: T | None = None
    runtime: float = 0.0
    objective: float | None = None
    stats: dict[str, Any] = field(default_factory=dict)
