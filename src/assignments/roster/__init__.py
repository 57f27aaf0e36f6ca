"""R — the rotation roster (城乡医院对口支援轮转), DOMAIN §R.

The public face: read a workbook, solve it, check a roster, name the rules::

    from assignments.roster import read_roster, solve, check, RULES

    data = read_roster("instances/roster/tiny.xlsx")
    result = solve(data, time_limit=10)
    assert check(data, result.solution) == []
    print(RULES.label("R4", "zh"))  # R4 下乡排序
"""

from assignments.roster.data import RosterData as RosterData
from assignments.roster.data import read_roster as read_roster
from assignments.roster.rules import RULES as RULES
from assignments.roster.solution import Assignment as Assignment
from assignments.roster.solution import RosterSolution as RosterSolution
from assignments.roster.solution import check as check
from assignments.roster.solution import objective_levels as objective_levels
from assignments.roster.solve import solve as solve

__all__ = [
    "RULES",
    "Assignment",
    "RosterData",
    "RosterSolution",
    "check",
    "objective_levels",
    "read_roster",
    "solve",
]
