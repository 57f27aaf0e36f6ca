"""Generic candidate-pair files are read by :mod:`assignments.pairing.readers.generic`;
re-exported here for the mentoring CLI (``assignments mentoring pairs``)."""

from assignments.pairing.readers.generic import GENERIC_SHEETS, GenericData, read_generic

__all__ = ["GENERIC_SHEETS", "GenericData", "read_generic"]
