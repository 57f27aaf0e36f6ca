"""The small CP-SAT model of the "1+1+1" school groups (:func:`build_group_model`).

The pairing model itself is generic: :mod:`assignments.pairing.model`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ortools.sat.python import cp_model

__all__ = ["GroupModel", "build_group_model"]

LinearExpr = Any


@dataclass
class GroupModel:
    """The CP-SAT model of 1+1+1 groups: one variable per allowed (a, b, c) triple."""

    model: cp_model.CpModel
    t: dict[tuple[int, int, int], cp_model.IntVar]
    covered: LinearExpr
    score: LinearExpr


def build_group_model(
    triples: dict[tuple[int, int, int], int],
    n_first: int,
    n_second: int,
    n_third: int,
    cap_first: list[int],
    cap_second: list[int],
) -> GroupModel:
    """Groups of one school of each of three kinds: every third-kind school (the one helped)
    in at most one group; a first/second-kind school in at most its capacity of groups.

    Parameters
    ----------
    triples
        (first, second, third) indices -> integer score of that group; absent = not allowed.
    n_first, n_second, n_third
        Number of schools of each kind.
    cap_first, cap_second
        Groups each first / second-kind school may join.
    """
    m = cp_model.CpModel()
    t = {key: m.new_bool_var(f"t{key}") for key in triples}
    by: list[dict[int, list[Any]]] = [{}, {}, {}]
    for key, v in t.items():
        for pos in range(3):
            by[pos].setdefault(key[pos], []).append(v)
    for vs in by[2].values():
        m.add(sum(vs) <= 1)
    for pos, cap in ((0, cap_first), (1, cap_second)):
        for i, vs in by[pos].items():
            if cap[i] < len(vs):
                m.add(sum(vs) <= cap[i])
    covered = sum(t.values())
    score = sum(s * t[key] for key, s in triples.items() if s)
    return GroupModel(m, t, covered, score)
