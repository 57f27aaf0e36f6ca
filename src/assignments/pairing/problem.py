"""The pairing problem every mentoring mode reduces to: a generalised assignment problem.

Teachers (:mod:`assignments.mentoring.candidates`), generic candidate-pair files
(:mod:`assignments.pairing.readers.generic`), OR-Library GAP files
(:mod:`assignments.pairing.readers.orlib`), school pairing and teacher placement
(:mod:`assignments.mentoring.schools`) are all turned into a :class:`PairingProblem`; one
engine (:mod:`assignments.pairing.model`, :mod:`assignments.mentoring.solve`) solves it, one
checker (:func:`assignments.mentoring.solution.check_pairing`) verifies it, and an
independently written MIP (:mod:`assignments.pairing.mip`) cross-checks it. Plain Python, no
solver types.

Objective levels, in this order (lexicographic by default):

``mandatory``
    mandatory mentees left unpaired (minimised);
``quality``
    total score of the chosen pairs (maximised, or minimised for a cost matrix);
``fairness``
    ``balance_weight`` × Σ over mentors n(n−1)/2 (n = their mentees) + ``drain_weight`` ×
    Σ over groups (schools) the pairs given to other groups beyond ``drain_limit``
    (minimised).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

__all__ = ["LEVELS", "Candidate", "Pairing", "PairingProblem"]

LEVELS: tuple[str, ...] = ("mandatory", "quality", "fairness")
"""Objective levels in their lexicographic order."""


class Candidate(NamedTuple):
    """One allowed (mentor, mentee) pair (an immutable named tuple: a city has hundreds of
    thousands, built in a fraction of a second).

    Attributes
    ----------
    mentor, mentee
        Indices into :attr:`PairingProblem.mentors` / :attr:`PairingProblem.mentees`.
    score
        Integer value of the pair (quality points, or the GAP profit/cost).
    load
        Integer load charged to the mentor's budget (minutes in a semester, or the GAP
        resource use).
    """

    mentor: int
    mentee: int
    score: int
    load: int = 0


@dataclass
class PairingProblem:
    """A capacitated pairing problem: each mentee gets at most (or exactly) one mentor.

    Attributes
    ----------
    mentors, mentees
        Record ids, as in the user's files; the model works with their indices.
    candidates
        The allowed pairs; a pair that is not listed is not allowed (forbidden pairs and
        pairs failing a hard rule are simply absent).
    capacity
        Head-count limit per mentor (``None`` = unlimited).
    budget
        Load (minutes / resource) limit per mentor (``None`` = unlimited).
    mandatory
        Per mentee: pairing them comes before any score (first objective level). Empty means
        nobody is mandatory.
    forced
        Pairs ``(mentor, mentee)`` (indices) that must be chosen.
    sense
        ``"max"`` to maximise the total score, ``"min"`` to minimise it.
    assign_all
        Every mentee paired (hard rule) — the classical GAP.
    name
        Instance name for reports.
    mentor_group, mentee_group
        Group (school) index of each mentor / mentee, for the drain term of ``fairness``;
        empty: no groups.
    drain_limit
        Per group: pairs its mentors may give to other groups' mentees before the penalty.
    balance_weight, drain_weight
        Weights of the two fairness terms (0 = term off).
    objective_mode
        ``"lexicographic"`` or ``"weighted"`` (one solve of the weighted sum of the levels).
    weights
        Level weights in weighted mode (``mandatory``, ``quality``, ``fairness``).
    quality_tolerance
        Fraction (0–1) of the best quality that the fairness stage may give up.
    """

    mentors: list[str]
    mentees: list[str]
    candidates: list[Candidate]
    capacity: list[int | None]
    budget: list[int | None]
    mandatory: list[bool] = field(default_factory=list)
    forced: set[tuple[int, int]] = field(default_factory=set)
    sense: Literal["max", "min"] = "max"
    assign_all: bool = False
    name: str = ""
    mentor_group: list[int] = field(default_factory=list)
    mentee_group: list[int] = field(default_factory=list)
    drain_limit: list[int] = field(default_factory=list)
    balance_weight: int = 0
    drain_weight: int = 0
    objective_mode: Literal["lexicographic", "weighted"] = "lexicographic"
    weights: dict[str, int] = field(
        default_factory=lambda: {"mandatory": 1000, "quality": 1, "fairness": 1}
    )
    quality_tolerance: float = 0.0

    def by_mentee(self) -> list[list[int]]:
        """Candidate indices of each mentee."""
        out: list[list[int]] = [[] for _ in self.mentees]
        for k, c in enumerate(self.candidates):
            out[c.mentee].append(k)
        return out

    def by_mentor(self) -> list[list[int]]:
        """Candidate indices of each mentor."""
        out: list[list[int]] = [[] for _ in self.mentors]
        for k, c in enumerate(self.candidates):
            out[c.mentor].append(k)
        return out

    def index(self) -> dict[tuple[int, int], int]:
        """(mentor, mentee) -> candidate index."""
        return {(c.mentor, c.mentee): k for k, c in enumerate(self.candidates)}

    def is_mandatory(self, e: int) -> bool:
        """Whether mentee ``e`` is mandatory (the first level counts them)."""
        return bool(self.mandatory) and self.mandatory[e]

    def has_fairness(self) -> bool:
        """Whether the fairness level has any term."""
        return self.balance_weight > 0 or (self.drain_weight > 0 and bool(self.drain_limit))

    def levels(self) -> list[str]:
        """The objective levels that apply, in order."""
        out = []
        if not self.assign_all and any(self.mandatory):
            out.append("mandatory")
        out.append("quality")
        if self.has_fairness():
            out.append("fairness")
        return out

    def group_sizes(self) -> dict[int, int]:
        """Mentors per group."""
        out: dict[int, int] = defaultdict(int)
        for g in self.mentor_group:
            out[g] += 1
        return dict(out)


@dataclass
class Pairing:
    """A solution of a :class:`PairingProblem`: the chosen candidate indices.

    Attributes
    ----------
    chosen
        Indices into :attr:`PairingProblem.candidates`, sorted.
    """

    chosen: list[int]

    def pairs(self, problem: PairingProblem) -> list[tuple[int, int]]:
        """The chosen (mentor, mentee) index pairs."""
        return [(problem.candidates[k].mentor, problem.candidates[k].mentee) for k in self.chosen]

    def mentor_of(self, problem: PairingProblem) -> dict[int, int]:
        """Mentee index -> mentor index."""
        return {problem.candidates[k].mentee: problem.candidates[k].mentor for k in self.chosen}
