"""OR-Library generalised assignment (GAP) files as pairing problems.

Format (whitespace-separated integers; line breaks carry no meaning)::

    P                        # number of problems (gap1..gap12, gapa..gapd); absent in the
                             # one-instance files of Yagiura et al. (c10400, e05100, ...)
    for each problem:
      m n                    # agents (mentors), jobs (mentees)
      c[1][1..n] ... c[m][1..n]   # cost (or profit) of giving job j to agent i
      a[1][1..n] ... a[m][1..n]   # resource used by job j on agent i
      b[1..m]                # capacity of each agent

Every job is assigned to exactly one agent (``assign_all``); the sense — minimise the cost or
maximise the profit — is the caller's choice (OR-Library's gap1..gap12 optima are given for
maximisation, the same files are used for minimisation too; gapa..gapd and the Yagiura files
are minimisation problems).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from assignments.core.errors import InputError, Issue, Location
from assignments.core.i18n import tr
from assignments.core.io import read_text
from assignments.pairing.problem import Candidate, PairingProblem

__all__ = ["MAX_GAP_MB", "parse_gap", "read_gap"]

#: Largest GAP file read, in megabytes (the largest OR-Library and Yagiura files are about
#: 1 MB).
MAX_GAP_MB = 16


def _fail(path: str, message: str) -> InputError:
    return InputError(Issue(Location(path), message))


def parse_gap(
    text: str, *, sense: Literal["min", "max"] = "min", name: str = "gap", path: str = ""
) -> list[PairingProblem]:
    """Parse the text of a GAP file into one :class:`PairingProblem` per instance.

    Raises
    ------
    InputError
        When the text is not a GAP file (not integers, wrong counts, negative values), with
        the token position.
    """
    where = path or name
    tokens = text.split()
    values: list[int] = []
    for pos, tok in enumerate(tokens):
        try:
            values.append(int(tok))
        except ValueError:
            raise _fail(where, tr("token {pos} '{token}' is not a whole number", pos=pos + 1,
                                  token=tok[:20])) from None
    if len(values) < 2:
        raise _fail(where, tr("too short for a GAP file (expected 'm n' and the matrices)"))

    def size(m: int, n: int) -> int:
        return 2 + 2 * m * n + m

    if values[0] > 0 and values[1] > 0 and len(values) == size(values[0], values[1]):
        starts, count = [0], 1
    else:
        count = values[0]
        if count < 1:
            raise _fail(where, tr("the first number (problems in the file) is {count}",
                                  count=count))
        starts, pos = [], 1
        for k in range(count):
            if pos + 2 > len(values):
                raise _fail(where, tr("problem {k} of {count} is missing (file ends early)",
                                      k=k + 1, count=count))
            m, n = values[pos], values[pos + 1]
            if m < 1 or n < 1:
                raise _fail(where, tr("problem {k}: m = {m}, n = {n} must be positive",
                                      k=k + 1, m=m, n=n))
            starts.append(pos)
            pos += size(m, n)
        if pos != len(values):
            if pos > len(values):
                raise _fail(where, tr("the file ends early for {count} problem(s) of the sizes "
                                      "it states", count=count))
            raise _fail(where, tr("the file has {extra} extra numbers for {count} problem(s) "
                                  "of the sizes it states", extra=len(values) - pos, count=count))
    problems = []
    for k, pos in enumerate(starts):
        m, n = values[pos], values[pos + 1]
        c0 = pos + 2
        a0 = c0 + m * n
        b0 = a0 + m * n
        cost = values[c0:a0]
        res = values[a0:b0]
        cap = values[b0:b0 + m]
        if any(v < 0 for v in res) or any(v < 0 for v in cap):
            raise _fail(where, tr("problem {k}: resources and capacities must be ≥ 0", k=k + 1))
        cands = [
            Candidate(i, j, cost[i * n + j], res[i * n + j]) for j in range(n) for i in range(m)
        ]
        label = name if len(starts) == 1 else f"{name}-{k + 1}"
        problems.append(PairingProblem(
            mentors=[f"agent{i + 1}" for i in range(m)],
            mentees=[f"job{j + 1}" for j in range(n)],
            candidates=cands,
            capacity=[None] * m,
            budget=list(cap),
            sense=sense,
            assign_all=True,
            name=label,
        ))
    return problems


def read_gap(path: str | Path, *, sense: Literal["min", "max"] = "min") -> list[PairingProblem]:
    """Read an OR-Library / Yagiura GAP file (see :func:`parse_gap`)."""
    p = Path(path)
    if not p.exists():
        raise _fail(str(p), tr("file not found"))
    if p.is_dir():
        raise _fail(str(p), tr("is a folder, expected a GAP text file"))
    # the shared text reader: a located refusal past the size (the tokens of a larger file
    # would take gigabytes), UTF-8 or GBK
    text = read_text(p, max_mb=MAX_GAP_MB)
    return parse_gap(text, sense=sense, name=p.stem, path=str(p))
