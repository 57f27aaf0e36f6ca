"""The pairing problem every mentoring mode reduces to: a generalised assignment problem.

Teachers (:mod:`assignments.mentoring.data`), generic candidate-pair files
(:mod:`assignments.mentoring.generic`) and OR-Library GAP files
(:mod:`assignments.mentoring.orlib`) are all turned into a :class:`PairingProblem`; one
engine (:mod:`assignments.mentoring.model`) solves it, one checker
(:mod:`assignments.mentoring.solution`) verifies it, and an independently written MIP
(:mod:`assignments.mentoring.mip`) cross-checks it. Plain Python, no solver types.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = ["Candidate", "PairingProblem"]


@dataclass(frozen=True)
class Candidate:
    """One allowed (mentor, mentee) pair.

    Attributes
    ----------
    mentor, mentee
        Indices into :attr:`PairingProblem.mentors` / :attr:`PairingProblem.mentees`.
    score
        Integer value of the pair (quality points, or the GAP profit/cost).
    load
        Integer load charged to the mentor's budget (hours in a semester, or the GAP
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
        Load (hours / resource) limit per mentor (``None`` = unlimited).
    mandatory
        Per mentee: pairing them comes before any score (first objective level). In
        ``assign_all`` mode every mentee must be paired (hard), as in the GAP.
    forced
        Pairs ``(mentor, mentee)`` (indices) that must be chosen.
    sense
        ``"max"`` to maximise the total score, ``"min"`` to minimise it.
    assign_all
        Every mentee paired (hard rule) — the classical GAP.
    name
        Instance name for reports.
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
