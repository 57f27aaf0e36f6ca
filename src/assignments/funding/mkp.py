"""OR-Library multidimensional knapsack instances as allocation problems (DOMAIN §F, multi-period).

Each instance (read by :func:`assignments.knapsack.mkp.read_mkp`) becomes a
:class:`~assignments.funding.data.FundingData` with one source whose budget per *period* is a
knapsack capacity (no carry-over), and one all-or-nothing project per item whose spending in
period ``i`` is its weight in constraint ``i`` and whose benefit is its profit; every rule of
§F is off and the only objective level is the benefit.
"""

from __future__ import annotations

from assignments.core.i18n import tr
from assignments.core.solver import Result
from assignments.funding.data import SWITCHES, FundingData, Policy, Project, Source
from assignments.funding.solution import FundingSolution
from assignments.funding.solve import solve
from assignments.knapsack.mkp import MkpInstance as MkpInstance
from assignments.knapsack.mkp import read_mkp as read_mkp

__all__ = ["MkpInstance", "mkp_data", "read_mkp", "solve_mkp"]


def mkp_data(inst: MkpInstance) -> FundingData:
    """The instance as an allocation problem (see the module docstring)."""
    labels = [f"c{i + 1}" for i in range(inst.m)]
    source = Source(id="MKP", name="capacity", amount=float(sum(inst.capacities)),
                    per_period=[float(c) for c in inst.capacities])
    projects = [
        Project(id=f"x{j}", category="item",
                cost=float(max(1, sum(inst.weights[i][j] for i in range(inst.m)))),
                period_costs=[float(inst.weights[i][j]) for i in range(inst.m)],
                value_override=inst.profits[j])
        for j in range(inst.n)
    ]
    policy = Policy(period_labels=labels, periods=inst.m, carry_over=False, model_unit=1,
                    rules=dict.fromkeys(SWITCHES, False), objective="benefit", idle_level=False,
                    milestones=[])
    return FundingData(policy=policy, sources=[source], projects=projects, name=inst.name)


def solve_mkp(inst: MkpInstance, *, time_limit: float = 10.0, seed: int = 0, workers: int = 2,
              method: str = "core", deterministic: bool = False) -> Result[FundingSolution]:
    """Solve one MKP instance with the allocation engine.

    ``method``: ``cpsat`` (plain CP-SAT), ``core`` (LP-based core search seeding CP-SAT, see
    :func:`assignments.knapsack.core.core_search`) or ``highs`` (the same model by HiGHS).
    The objective is in scaled profit units (divide by ``inst.scale``).
    """
    if method not in ("cpsat", "core", "highs"):
        raise ValueError(tr("unknown method '{method}'; use cpsat, core or highs",
                            method=method))
    return solve(mkp_data(inst), time_limit=time_limit, seed=seed, num_workers=workers,
                 deterministic=deterministic, engine="highs" if method == "highs" else "cpsat",
                 strategy={"core": "core", "highs": "auto"}.get(method, "plain"), explain=False)
