"""assignments: constraint optimisation for rural-support planning (rosters, pairing, funds)."""

from assignments.core.errors import InputError, UserError
from assignments.core.solver import Result, SolveParams, SolveStatus

__all__ = ["InputError", "Result", "SolveParams", "SolveStatus", "UserError", "__version__"]

__version__ = "0.1.0"
