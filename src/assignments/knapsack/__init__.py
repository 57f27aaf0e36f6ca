"""The multidimensional-knapsack machinery, apart from any project or money.

* :mod:`~assignments.knapsack.ladder` — the reduced-cost ladder: one lexicographic level of a
  linear CP-SAT model solved exactly by HiGHS, LP first, then sub-MIPs with the columns of
  large reduced cost fixed (:class:`Ladder`), and :class:`LadderBackend`, the ladder as a
  backend of the one level runner (:func:`assignments.core.levels.solve_levels`);
* :mod:`~assignments.knapsack.core` — the LP relaxation of a CP-SAT model, the LP-based core
  search (CP-SAT on the items the LP leaves undecided) and RENS (HiGHS);
* :mod:`~assignments.knapsack.hull` — the convex hull of a rounded-down staircase
  ``floor(a × level / 100)`` (tight LP relaxations of partial items);
* :mod:`~assignments.knapsack.mkp`, :mod:`~assignments.knapsack.pabulib` — readers of the
  OR-Library MKP files and of Pabulib participatory budgets (and the cities' greedy rule).

Fund allocation (:mod:`assignments.funding`) is built on it; every time limit comes from the
caller's :class:`~assignments.core.solver.SolveParams` and its budget.
"""

from __future__ import annotations

from assignments.knapsack.core import CORES as CORES
from assignments.knapsack.core import CoreSearch as CoreSearch
from assignments.knapsack.core import core_search as core_search
from assignments.knapsack.core import fixed_copy as fixed_copy
from assignments.knapsack.core import lp_relaxation as lp_relaxation
from assignments.knapsack.core import rens as rens
from assignments.knapsack.hull import floor_hull as floor_hull
from assignments.knapsack.ladder import Ladder as Ladder
from assignments.knapsack.ladder import LadderBackend as LadderBackend
from assignments.knapsack.ladder import StageResult as StageResult
from assignments.knapsack.mkp import MkpInstance as MkpInstance
from assignments.knapsack.mkp import read_mkp as read_mkp
from assignments.knapsack.pabulib import PbInstance as PbInstance
from assignments.knapsack.pabulib import greedy_by_votes as greedy_by_votes
from assignments.knapsack.pabulib import read_pb as read_pb

__all__ = [
    "CORES",
    "CoreSearch",
    "Ladder",
    "LadderBackend",
    "MkpInstance",
    "PbInstance",
    "StageResult",
    "core_search",
    "fixed_copy",
    "floor_hull",
    "greedy_by_votes",
    "lp_relaxation",
    "read_mkp",
    "read_pb",
    "rens",
]
