"""One NumPy view of a :class:`~assignments.pairing.problem.PairingProblem`, shared by the
engines that work on arrays (column generation, the component split, the Lagrangians).

One entry per candidate pair (mentor, mentee, score, load, ...), per mentee and per mentor;
plus the :class:`~assignments.pairing.params.EngineParams` of the solve the view was made for,
so that every engine function that receives the view also has its thresholds.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

import numpy as np

from assignments.pairing.params import EngineParams
from assignments.pairing.problem import PairingProblem

if TYPE_CHECKING:
    from assignments.core.budget import Budget

__all__ = ["PairArrays", "pair_arrays"]


def pair_arrays(p: PairingProblem) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Mentor, mentee, score and load of every candidate pair, as four int64 arrays."""
    # straight from the tuples' items (np.array over a list of tuples is ten times slower)
    table = np.fromiter(itertools.chain.from_iterable(p.candidates), dtype=np.int64,
                        count=4 * len(p.candidates)).reshape(-1, 4)
    return table[:, 0], table[:, 1], table[:, 2], table[:, 3]


class PairArrays:
    """The problem as NumPy arrays.

    Attributes
    ----------
    p, ep
        The problem and the engine parameters of this solve.
    n, ne, nm
        Candidate pairs, mentees, mentors.
    mi, ei, score, load
        Per pair: mentor, mentee, score, load (int64).
    mand_e, mand, n_mand
        Per mentee: mandatory; per pair: its mentee is mandatory; how many are.
    cap, budget
        Per mentor: head count and load limits (``inf`` = none).
    forced, forced_idx
        Forced pairs as a mask over the pairs, and as sorted indices.
    sign, cost
        ``-1`` when the problem maximises; the quality cost per pair (minimised form).
    drain, outside, group, limit, n_groups
        The drain term of fairness: whether it is on; per pair whether it crosses groups and its
        mentor's group; per group its limit; the number of groups (0 when off).
    """

    def __init__(self, p: PairingProblem, ep: EngineParams | None = None) -> None:
        self.p = p
        self.ep = ep if ep is not None else EngineParams()
        self.clock: Budget | None = None  # the solve's budget, when an engine runs with one
        self.n = len(p.candidates)
        self.ne, self.nm = len(p.mentees), len(p.mentors)
        self.mi, self.ei, self.score, self.load = pair_arrays(p)
        self.mand_e = np.array([p.is_mandatory(e) for e in range(self.ne)], dtype=bool)
        self.mand = self.mand_e[self.ei]
        self.n_mand = int(self.mand_e.sum())
        self.cap = np.array([np.inf if c is None else c for c in p.capacity], dtype=float)
        self.budget = np.array([np.inf if b is None else b for b in p.budget], dtype=float)
        self.forced = np.zeros(self.n, bool)
        if p.forced:
            index = p.index()
            self.forced[[index[f] for f in p.forced]] = True
        self.forced_idx = np.flatnonzero(self.forced).astype(np.int64)
        self.sign = -1 if p.sense == "max" else 1
        self.cost = (self.sign * self.score).astype(float)  # quality, minimised
        self.drain = bool(p.drain_weight and p.drain_limit)
        if self.drain:
            mg = np.array(p.mentor_group, dtype=np.int64)
            eg = np.array(p.mentee_group, dtype=np.int64)
            self.outside = mg[self.mi] != eg[self.ei]
            self.group = mg[self.mi]
            self.limit = np.array(p.drain_limit, dtype=np.int64)
        else:
            self.outside = np.zeros(self.n, bool)
            self.group = np.zeros(self.n, np.int64)
            self.limit = np.zeros(0, np.int64)
        self.n_groups = len(self.limit)

    def levels(self, chosen: np.ndarray) -> dict[str, int]:
        """The levels (minimised form) of the chosen candidate indices."""
        out: dict[str, int] = {}
        names = self.p.levels()
        if "mandatory" in names:
            paired = np.zeros(self.ne, bool)
            paired[self.ei[chosen]] = True
            out["mandatory"] = int((self.mand_e & ~paired).sum())
        out["quality"] = int((self.sign * self.score[chosen]).sum())
        if "fairness" in names:
            heads = np.bincount(self.mi[chosen], minlength=self.nm)
            value = self.p.balance_weight * int((heads * (heads - 1) // 2).sum())
            if self.drain:
                given = np.bincount(self.group[chosen][self.outside[chosen]],
                                    minlength=len(self.limit))
                value += self.p.drain_weight * int(np.maximum(0, given - self.limit).sum())
            out["fairness"] = value
        return out

    def coef(self, level: str) -> np.ndarray:
        """Per-pair coefficient of a level (minimised form, without its constant);
        ``"guided"``: mandatory pairs first, then scores (to pick among mandatory LP optima)."""
        if level == "guided":
            top = float(np.abs(self.score).max()) if self.n else 1.0
            return 4 * top * self.coef("mandatory") + self.coef("quality")
        if level == "mandatory":
            return -self.mand.astype(float)
        if level == "quality":
            return self.cost.copy()
        return np.zeros(self.n)
