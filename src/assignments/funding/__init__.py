"""F — fund allocation and scenarios (资金分配 / 项目库).

The public API, loaded on first use (so that ``assignments --help`` does not load the solvers)::

    from assignments.funding import read_funding, solve, check, RULES

Rooms: ``data`` (input, the integer ``Problem``), ``rules`` (every DOMAIN §F rule once),
``model`` (CP-SAT families), ``solve``, ``solution`` (the independent checker), ``explain``,
``report``, ``plot``, ``cli``; and ``greedy``, ``scenarios``, ``subsidies``, ``mip`` (the
independent cross-check MIP), ``mkp`` / ``pabulib`` (benchmark files as allocation problems).
The generic knapsack machinery (the reduced-cost ladder, the LP core search) is
:mod:`assignments.knapsack`.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = [
    "RULES",
    "FundingData",
    "FundingSolution",
    "Policy",
    "Problem",
    "Project",
    "Scenario",
    "Source",
    "allocate_subsidies",
    "check",
    "check_subsidies",
    "coverage",
    "derive",
    "explain_infeasible",
    "greedy",
    "marginal_values",
    "objective_levels",
    "problem",
    "project_reasons",
    "read_funding",
    "read_scenarios",
    "run_scenarios",
    "solve",
    "write_outputs",
]

_WHERE = {
    "RULES": "rules",
    "FundingData": "data", "Policy": "data", "Problem": "data", "Project": "data",
    "Source": "data", "problem": "data", "read_funding": "data",
    "FundingSolution": "solution", "check": "solution", "coverage": "solution",
    "objective_levels": "solution",
    "solve": "solve",
    "greedy": "greedy",
    "explain_infeasible": "explain", "project_reasons": "explain",
    "Scenario": "scenarios", "derive": "scenarios", "marginal_values": "scenarios",
    "read_scenarios": "scenarios", "run_scenarios": "scenarios",
    "allocate_subsidies": "subsidies", "check_subsidies": "subsidies",
    "write_outputs": "report",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(f"assignments.funding.{_WHERE[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
