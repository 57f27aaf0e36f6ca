"""M — mentor pairing (师徒结对 / 导师带徒 / 结对帮扶), DOMAIN §M."""

from assignments.mentoring.candidates import MentorProblem, build_problem
from assignments.mentoring.data import MentoringData, read_mentoring
from assignments.mentoring.orlib import read_gap
from assignments.mentoring.problem import Candidate, Pairing, PairingProblem
from assignments.mentoring.solution import (
    MentorPair,
    MentorSolution,
    check,
    check_pairing,
    objective_levels,
    pairing_levels,
)
from assignments.mentoring.solve import solve, solve_pairing

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
