"""M — mentor pairing (师徒结对 / 导师带徒 / 结对帮扶), DOMAIN §M.

What speaks of teachers lives here; the pairing engine it uses (and re-exports:
``PairingProblem``, ``solve_pairing``, ``check_pairing``, ``read_gap``, ...) is
:mod:`assignments.pairing`."""

from assignments.mentoring.candidates import MentorProblem, build_problem
from assignments.mentoring.data import MentoringData, read_mentoring
from assignments.mentoring.solution import MentorPair, MentorSolution, check, objective_levels
from assignments.mentoring.solve import solve
from assignments.pairing import (
    Candidate,
    Pairing,
    PairingProblem,
    check_pairing,
    pairing_levels,
    read_gap,
    solve_pairing,
)

__all__ = [
    "Candidate",
    "MentorPair",
    "MentorProblem",
    "MentorSolution",
    "MentoringData",
    "Pairing",
    "PairingProblem",
    "build_problem",
    "check",
    "check_pairing",
    "objective_levels",
    "pairing_levels",
    "read_gap",
    "read_mentoring",
    "solve",
    "solve_pairing",
]
