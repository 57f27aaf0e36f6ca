"""OR-Library multidimensional knapsack files → the allocation engine (DOMAIN §F, multi-period).

The format (``/work/shared/benchmarks/mkp/file-format.txt``): the number of problems, then for
each ``n m optimum``, the ``n`` profits, ``m`` rows of ``n`` weights, the ``m`` capacities, as a
stream of numbers. Each instance becomes a :class:`~assignments.funding.data.FundingData` with one
source whose budget per *period* is a knapsack capacity (no carry-over), and one all-or-nothing
project per item whose spending in period ``i`` is its weight in constraint ``i`` and whose
benefit is its profit; every rule of §F is off and the only objective level is the benefit.
Fractional profits (mknap1 problem 2) are scaled by a power of ten.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from assignments.core.errors import InputError, Issue, Location
from assignments.core.solver import Result
from assignments.funding.data import RULES, FundingData, Policy, Project, Source
from assignments.funding.solution import FundingSolution

__all__ = ["MkpInstance", "mkp_data", "read_mkp", "solve_mkp"]


@dataclass
class MkpInstance:
    """One multidimensional knapsack problem.

    Attributes
    ----------
    name
        ``file#index`` (0-based index in the file).
    profits
        Item profits, multiplied by ``scale`` (integers).
    weights
        ``weights[i][j]``: weight of item ``j`` in constraint ``i``.
    capacities
        Right-hand sides.
    optimum
        The file's optimum (0 when unknown), unscaled.
    scale
        Profits were multiplied by this to make them integers.
    """

    name: str
    profits: list[int]
    weights: list[list[int]]
    capacities: list[int]
    optimum: float
    scale: int = 1

    @property
    def n(self) -> int:
        return len(self.profits)

    @property
    def m(self) -> int:
        return len(self.capacities)


def read_mkp(path: str | Path) -> list[MkpInstance]:
    """Every instance of an OR-Library MKP file.

    Raises
    ------
    InputError
        When the file does not hold the numbers its header announces (located by instance).
    """
    p = Path(path)
    if not p.exists():
        raise InputError(Issue(Location(str(p)), "file not found"))
    tokens = re.findall(r"\S+", p.read_text(encoding="utf-8", errors="replace"))
    pos = 0

    def take(k: int, where: str) -> list[str]:
        nonlocal pos
        if pos + k > len(tokens):
            raise InputError(Issue(Location(str(p), record=where),
                                   f"the file ends early: {k} numbers expected"))
        out = tokens[pos: pos + k]
        pos += k
        return out

    def ints(xs: list[str], where: str) -> list[int]:
        try:
            vals = [float(x) for x in xs]
        except ValueError as exc:
            raise InputError(Issue(Location(str(p), record=where), str(exc))) from None
        if any(v != int(v) for v in vals):
            raise InputError(Issue(Location(str(p), record=where),
                                   "weights and capacities must be whole numbers"))
        return [int(v) for v in vals]

    count = ints(take(1, "header"), "header")[0]
    out = []
    for k in range(count):
        where = f"instance {k}"
        n, m = ints(take(2, where), where)
        optimum = float(take(1, where)[0])
        raw_profits = take(n, where + " profits")
        decimals = max((len(x.split(".")[1].rstrip("0")) for x in raw_profits if "." in x),
                       default=0)
        scale = 10 ** decimals
        profits = [round(float(x) * scale) for x in raw_profits]
        weights = [ints(take(n, f"{where} constraint {i + 1}"), where) for i in range(m)]
        capacities = ints(take(m, where + " capacities"), where)
        out.append(MkpInstance(f"{p.name}#{k}", profits, weights, capacities, optimum, scale))
    return out


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
                    rules=dict.fromkeys(RULES, False), objective="benefit", idle_level=False,
                    milestones=[])
    return FundingData(policy=policy, sources=[source], projects=projects, name=inst.name)


def solve_mkp(inst: MkpInstance, *, time_limit: float = 10.0, seed: int = 0, workers: int = 2,
              method: str = "core", deterministic: bool = False) -> Result[FundingSolution]:
    """Solve one MKP instance with the allocation engine.

    ``method``: ``cpsat`` (plain CP-SAT), ``core`` (LP-based core search seeding CP-SAT, see
    :func:`assignments.funding.solve.core_search`) or ``highs`` (the same model by HiGHS).
    The objective is in scaled profit units (divide by ``inst.scale``).
    """
    from assignments.funding.solve import solve

    if method not in ("cpsat", "core", "highs"):
        raise ValueError(f"unknown method '{method}'; use cpsat, core or highs")
    return solve(mkp_data(inst), time_limit=time_limit, seed=seed, num_workers=workers,
                 deterministic=deterministic, engine="highs" if method == "highs" else "cpsat",
                 strategy={"core": "core", "highs": "auto"}.get(method, "plain"), explain=False)
