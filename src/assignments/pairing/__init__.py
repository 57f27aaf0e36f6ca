"""The pairing engine: capacitated pairing and generalised assignment (GAP) problems.

Nothing here speaks of teachers. :class:`PairingProblem` (``problem``) is what mentor pairing,
school pairing, placement, generic candidate-pair files and OR-Library GAP files all reduce to;
``model`` is its CP-SAT model, ``check`` the independent checker, ``solve`` the one entry point
with the engine table, ``params`` every engine threshold in one object, ``engines/`` the
engines, ``heuristics/`` the greedy starts, ``readers/`` the OR-Library and generic CSV/Excel
readers, ``mip`` the independent HiGHS cross-check.
"""

from assignments.pairing.check import check_pairing, pairing_levels
from assignments.pairing.params import EngineParams
from assignments.pairing.problem import LEVELS, Candidate, Pairing, PairingProblem
from assignments.pairing.readers.orlib import read_gap
from assignments.pairing.solve import ENGINE_TABLE, choose_engine, run_pairing, solve_pairing

__all__ = [
    "ENGINE_TABLE",
    "LEVELS",
    "Candidate",
    "EngineParams",
    "Pairing",
    "PairingProblem",
    "check_pairing",
    "choose_engine",
    "pairing_levels",
    "read_gap",
    "run_pairing",
    "solve_pairing",
]
