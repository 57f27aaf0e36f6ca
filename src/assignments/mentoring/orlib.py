"""OR-Library GAP files are read by :mod:`assignments.pairing.readers.orlib`; re-exported here
for the mentoring CLI (``assignments mentoring gap``)."""

from assignments.pairing.readers.orlib import parse_gap, read_gap

__all__ = ["parse_gap", "read_gap"]
