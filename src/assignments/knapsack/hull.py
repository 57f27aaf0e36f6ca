"""The convex hull of a rounded-down linear staircase, for tight LP relaxations.

A project funded at level ``lv`` percent of a cost ``a`` spends ``floor(a × lv / 100)`` whole
units; :func:`floor_hull` gives the facets that make that floor exact for integer points and
tight in the LP relaxation (no money or benefit for free).
"""

from __future__ import annotations

import math
from itertools import pairwise

__all__ = ["floor_hull"]


def floor_hull(a: int, *, upper: bool = False, lo: int = 1) -> list[tuple[int, int, int]]:
    """Facets of the convex hull of ``g = floor(a × lv / 100)`` over the levels ``lv = lo..100``.

    Lower side (default): each ``(A, B, C)`` is the valid inequality ``A g >= B lv + C f``;
    upper side: ``A g <= B lv + C f`` (``f`` = the 0/1 "on" variable; at ``f = lv = g = 0``
    every facet reads ``0 >= 0``, the perspective form). The lower facets with
    ``100 g <= a lv`` and integer ``g`` leave exactly ``g = floor(a lv / 100)`` (the hull lies
    above ``a lv / 100 - 1``); the upper ones with integer ``g`` (the hull lies below
    ``a lv / 100``) bound ``g`` by the floor. Unlike ``a lv <= 100 g + 99`` they give the LP
    relaxation nothing for free.
    """
    sign = -1 if upper else 1
    hull: list[tuple[int, int]] = []
    for lv in range(max(1, lo), 101):
        pt = (lv, a * lv // 100)
        while len(hull) >= 2:
            (x1, y1), (x2, y2) = hull[-2], hull[-1]
            if sign * ((x2 - x1) * (pt[1] - y1) - (y2 - y1) * (pt[0] - x1)) <= 0:
                hull.pop()
            else:
                break
        hull.append(pt)
    if len(hull) == 1:  # one level only: the ray through it
        (l1, g1), = hull
        d = math.gcd(l1, g1) or 1
        return [(l1 // d, g1 // d, 0)]
    out = []
    for (l1, g1), (l2, g2) in pairwise(hull):
        A, B = l2 - l1, g2 - g1
        C = g1 * A - B * l1
        d = math.gcd(A, B, C) or 1
        out.append((A // d, B // d, C // d))
    return out
