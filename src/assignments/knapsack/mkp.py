"""OR-Library multidimensional knapsack files (``mknap1.txt``, ``mknapcb*.txt``).

The format (``/work/shared/benchmarks/mkp/file-format.txt``): the number of problems, then for
each ``n m optimum``, the ``n`` profits, ``m`` rows of ``n`` weights, the ``m`` capacities, as a
stream of numbers. Fractional profits (mknap1 problem 2) are scaled by a power of ten.
:func:`assignments.funding.mkp.mkp_data` turns an instance into an allocation problem.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assignments.core.errors import InputError, Issue, Location
from assignments.core.i18n import tr
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
        When the file does not hold the numbers its header announces (located by line and
        instance; in the current language).
    """
    p = Path(path)
    if not p.exists():
        raise InputError(Issue(Location(str(p)), tr("file not found")))
    # located refusal past the size (the tokens of a larger file would take gigabytes)
    text = read_text(p, max_mb=MAX_MKP_MB)
    tokens = [(t, line) for line, row in enumerate(text.splitlines(), start=1)
              for t in row.split()]
    pos = 0

    def take(k: int, where: str) -> list[tuple[str, int]]:
        nonlocal pos
        if pos + k > len(tokens):
            last = tokens[-1][1] if tokens else None
            raise InputError(Issue(Location(str(p), row=last, record=where),
                                   tr("the file ends early: {k} numbers expected", k=k)))
        out = tokens[pos: pos + k]
        pos += k
        return out

    def nums(xs: list[tuple[str, int]], where: str) -> list[float]:
        vals = []
        for x, line in xs:
            try:
                vals.append(float(x))
            except ValueError:
                raise InputError(Issue(Location(str(p), row=line, record=where),
                                       tr("'{value}' is not a number", value=x))) from None
        return vals

    def ints(xs: list[tuple[str, int]], where: str) -> list[int]:
        vals = nums(xs, where)
        for v, (_x, line) in zip(vals, xs, strict=True):
            if v != int(v):
                raise InputError(Issue(Location(str(p), row=line, record=where),
                                       tr("weights and capacities must be whole numbers")))
        return [int(v) for v in vals]

    header = tr("header")
    count = ints(take(1, header), header)[0]
    out = []
    for k in range(count):
        where = tr("instance {k}", k=k)
        n, m = ints(take(2, where), where)
        optimum = nums(take(1, where), where)[0]
        raw = take(n, tr("{where} profits", where=where))
        nums(raw, where)
        raw_profits = [x for x, _line in raw]
        decimals = max((len(x.split(".")[1].rstrip("0")) for x in raw_profits if "." in x),
                       default=0)
        scale = 10 ** decimals
        profits = [round(float(x) * scale) for x in raw_profits]
        weights = [ints(take(n, tr("{where} constraint {i}", where=where, i=i + 1)), where)
                   for i in range(m)]
        capacities = ints(take(m, tr("{where} capacities", where=where)), where)
        out.append(MkpInstance(f"{p.name}#{k}", profits, weights, capacities, optimum, scale))
    return out
