"""R — the rotation roster (城乡医院对口支援轮转), DOMAIN §R."""

from assignments.roster.data import RosterData, read_roster
from assignments.roster.solution import RosterSolution, check, objective_levels
from assignments.roster.solve import solve

__all__ = ["RosterData", "RosterSolution", "check", "objective_levels", "read_roster", "solve"]
