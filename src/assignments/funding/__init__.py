"""F — fund allocation and scenarios (资金分配 / 项目库).

The public API::

    from assignments.funding import read_funding, solve, check, RULES

Rooms: ``data`` (input, the integer ``Problem``), ``rules`` (every DOMAIN §F rule once),
``model`` (CP-SAT families), ``solve``, ``solution`` (the independent checker), ``explain``,
``report``, ``plot``, ``cli``; and ``greedy``, ``scenarios``, ``subsidies``, ``mip`` (the
independent cross-check MIP), ``mkp`` / ``pabulib`` (benchmark files as allocation problems).
The generic knapsack machinery (the reduced-cost ladder, the LP core search) is
:mod:`assignments.knapsack`.
"""

from __future__ import annotations

from assignments.funding.data import (
    FundingData,
    Policy,
    Problem,
    Project,
    Source,
    problem,
    read_funding,
)
from assignments.funding.explain import explain_infeasible, project_reasons
from assignments.funding.greedy import greedy
from assignments.funding.report import write_outputs
from assignments.funding.rules import RULES
from assignments.funding.scenarios import (
    Scenario,
    derive,
    marginal_values,
    read_scenarios,
    run_scenarios,
)
from assignments.funding.solution import FundingSolution, check, coverage, objective_levels
from assignments.funding.solve import solve
from assignments.funding.subsidies import allocate_subsidies, check_subsidies

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
