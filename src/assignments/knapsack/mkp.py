"""OR-Library multidimensional knapsack files (``mknap1.txt``, ``mknapcb*.txt``).

The format (``/work/shared/benchmarks/mkp/file-format.txt``): the number of problems, then for
each ``n m optimum``, the ``n`` profits, ``m`` rows of ``n`` weights, the ``m`` capacities, as a
stream of numbers. Fractional profits (mknap1 problem 2) are scaled by a power of ten.
:func:`assignments.funding.mkp.mkp_data` turns an instance into an allocation problem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from assignments.core.errors import InputError, Issue, Location
from assignments.core.io import read_text

__all__ = ["MAX_MKP_MB", "MkpInstance", "read_mkp"]

#: Largest OR-Library multidimensional knapsack file read, in megabytes (mknapcb files are
#: under 1 MB).
MAX_MKP_MB = 16


@dataclass
class MkpInstance:
    """One multidimensional knapsack problem.

    Attributes
    ----------
    name
        ``file#index`` (0-based index in the file).
    profits
        Item profits, multiplied by ``scale`` (integers).
    weights
        ``weights[i][j]``: weight of item ``j`` in constraint ``i``.
    capacities
        Right-hand sides.
    optimum
        The file's optimum (0 when unknown), unscaled.
    scale
        Profits were multiplied by this to make them integers.
    """

    name: str
    profits: list[int]
    weights: list[list[int]]
    capacities: list[int]
    optimum: float
    scale: int = 1

    @property
    def n(self) -> int:
        return len(self.profits)

    @property
    def m(self) -> int:
        return len(self.capacities)


def read_mkp(path: str | Path) -> list[MkpInstance]:
    """Every instance of an OR-Library MKP file.

    Raises
    ------
    InputError
        When the file does not hold the numbers its header announces (located by instance).
    """
    p = Path(path)
    if not p.exists():
        raise InputError(Issue(Location(str(p)), "file not found"))
    # located refusal past the size (the tokens of a larger file would take gigabytes)
    tokens = re.findall(r"\S+", read_text(p, max_mb=MAX_MKP_MB))
    pos = 0

    def take(k: int, where: str) -> list[str]:
        nonlocal pos
        if pos + k > len(tokens):
            raise InputError(Issue(Location(str(p), record=where),
                                   f"the file ends early: {k} numbers expected"))
        out = tokens[pos: pos + k]
        pos += k
        return out

    def ints(xs: list[str], where: str) -> list[int]:
        try:
            vals = [float(x) for x in xs]
        except ValueError as exc:
            raise InputError(Issue(Location(str(p), record=where), str(exc))) from None
        if any(v != int(v) for v in vals):
            raise InputError(Issue(Location(str(p), record=where),
                                   "weights and capacities must be whole numbers"))
        return [int(v) for v in vals]

    count = ints(take(1, "header"), "header")[0]
    out = []
    for k in range(count):
        where = f"instance {k}"
        n, m = ints(take(2, where), where)
        optimum = float(take(1, where)[0])
        raw_profits = take(n, where + " profits")
        decimals = max((len(x.split(".")[1].rstrip("0")) for x in raw_profits if "." in x),
                       default=0)
        scale = 10 ** decimals
        profits = [round(float(x) * scale) for x in raw_profits]
        weights = [ints(take(n, f"{where} constraint {i + 1}"), where) for i in range(m)]
        capacities = ints(take(m, where + " capacities"), where)
        out.append(MkpInstance(f"{p.name}#{k}", profits, weights, capacities, optimum, scale))
    return out
