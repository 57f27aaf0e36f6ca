"""The pairing problem lives in :mod:`assignments.pairing.problem`; re-exported here for the
mentoring modules that still import it from here."""

from assignments.pairing.problem import LEVELS, Candidate, Pairing, PairingProblem

__all__ = ["LEVELS", "Candidate", "Pairing", "PairingProblem"]
