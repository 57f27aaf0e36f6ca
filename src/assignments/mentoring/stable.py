"""Stable matching with capacities (hospital–resident), and the blocking-pair check.

Mentees propose (deferred acceptance, Gale–Shapley / Roth's hospital–resident algorithm): each
free mentee proposes to the best mentor on their list who has not rejected them; a mentor
holds the proposals they like best within their capacity — head count *and* hour budget —
and rejects the rest, least liked first. With head-count capacities only, the result is the
mentee-optimal stable matching; hour budgets are honoured greedily (a matching that fits every
budget may then still have blocking pairs, and :func:`blocking_pairs` lists them).

Preference lists: for teachers, the wishes of the 意愿 sheet come first (by rank), then every
other allowed pair by its quality score; without wishes, lists follow the scores. Only allowed
(candidate) pairs are acceptable. Forced pairs are fixed before the market opens.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from assignments.core.i18n import tr
from assignments.mentoring.candidates import MentorProblem
from assignments.pairing.arrays import pair_arrays
from assignments.pairing.problem import Pairing, PairingProblem

__all__ = [
    "Preferences",
    "blocking_pairs",
    "describe_blocking",
    "pairing_of",
    "score_preferences",
    "stable_matching",
    "teacher_preferences",
]


@dataclass
class Preferences:
    """Ranked lists, best first, over candidate pairs only.

    Attributes
    ----------
    mentee
        Per mentee index: mentor indices.
    mentor
        Per mentor index: mentee indices.
    stated
        (mentor, mentee) pairs that someone named in a wish (the rest follow the scores).
    """

    mentee: list[list[int]]
    mentor: list[list[int]]
    stated: set[tuple[int, int]]

    def rank_of_mentor(self) -> list[dict[int, int]]:
        """Per mentee: mentor -> position in their list."""
        return [{m: r for r, m in enumerate(lst)} for lst in self.mentee]

    def rank_of_mentee(self) -> list[dict[int, int]]:
        """Per mentor: mentee -> position in their list."""
        return [{e: r for r, e in enumerate(lst)} for lst in self.mentor]


def score_preferences(
    problem: PairingProblem,
    mentee_first: dict[int, list[int]] | None = None,
    mentor_first: dict[int, list[int]] | None = None,
) -> Preferences:
    """Lists by pair score (better first; ties by lower load, then index), after the given
    stated prefixes."""
    p = problem
    sign = 1 if p.sense == "max" else -1
    mentee_first = mentee_first or {}
    mentor_first = mentor_first or {}
    mi, ei, score, load = pair_arrays(p)
    cost = -sign * score

    def lists(side: np.ndarray, other: np.ndarray, n: int, first: dict[int, list[int]],
              key_of: str) -> list[list[int]]:
        """Per index of ``side``: the ``other`` ends of its pairs by (cost, load, other end),
        after the stated prefix ``first`` (the stable sort keeps the candidates' order for
        equal keys, as ``sorted`` does)."""
        order = np.lexsort((other, load, cost, side))
        ranked = other[order].tolist()
        side_sorted = side[order]
        count = np.bincount(side, minlength=n).tolist()
        out: list[list[int]] = []
        at = 0
        for x in range(n):
            out.append(ranked[at:at + count[x]])
            at += count[x]
        for x, wanted in first.items():
            if not 0 <= x < n:
                continue
            ks = order[np.searchsorted(side_sorted, x, "left"):
                       np.searchsorted(side_sorted, x, "right")].tolist()
            allowed = {getattr(p.candidates[k], key_of) for k in ks}
            head = [y for y in wanted if y in allowed]
            out[x] = head + [y for y in out[x] if y not in set(head)]
        return out

    mentee = lists(ei, mi, len(p.mentees), mentee_first, "mentor")
    mentor = lists(mi, ei, len(p.mentors), mentor_first, "mentee")
    stated = {(i, e) for e, lst in mentee_first.items() for i in lst}
    stated |= {(i, e) for i, lst in mentor_first.items() for e in lst}
    return Preferences(mentee, mentor, stated)


def teacher_preferences(mp: MentorProblem) -> Preferences:
    """The 意愿 sheet's wishes first (by rank), then the other allowed pairs by score."""
    p = mp.problem
    mi = {t: i for i, t in enumerate(p.mentors)}
    ei = {t: e for e, t in enumerate(p.mentees)}
    mentee_first: dict[int, list[tuple[int, int]]] = {}
    mentor_first: dict[int, list[tuple[int, int]]] = {}
    for w in mp.data.preferences:
        if w.teacher in ei and w.target in mi:
            mentee_first.setdefault(ei[w.teacher], []).append((w.rank, mi[w.target]))
        elif w.teacher in mi and w.target in ei:
            mentor_first.setdefault(mi[w.teacher], []).append((w.rank, ei[w.target]))
    return score_preferences(
        p,
        {e: [x for _r, x in sorted(v)] for e, v in mentee_first.items()},
        {i: [x for _r, x in sorted(v)] for i, v in mentor_first.items()},
    )


def stable_matching(problem: PairingProblem, prefs: Preferences) -> Pairing:
    """Mentee-proposing deferred acceptance with head-count and budget capacities."""
    p = problem
    index = p.index()
    rank = prefs.rank_of_mentee()
    heads = [0 if c is None else c for c in p.capacity]
    unlimited = [c is None for c in p.capacity]
    budget = [b for b in p.budget]
    held: list[list[int]] = [[] for _ in p.mentors]
    fixed: set[int] = set()
    for i, e in sorted(p.forced):
        if (i, e) not in index:
            continue
        fixed.add(e)
        if not unlimited[i]:
            heads[i] -= 1
        if budget[i] is not None:
            budget[i] = (budget[i] or 0) - p.candidates[index[(i, e)]].load
    nxt = [0] * len(p.mentees)
    free = [e for e in range(len(p.mentees)) if e not in fixed]
    while free:
        e = free.pop()
        lst = prefs.mentee[e]
        if nxt[e] >= len(lst):
            continue
        i = lst[nxt[e]]
        nxt[e] += 1
        held[i].append(e)
        held[i].sort(key=lambda x: rank[i][x])
        while held[i] and (
            (not unlimited[i] and len(held[i]) > heads[i])
            or (budget[i] is not None
                and sum(p.candidates[index[(i, x)]].load for x in held[i]) > (budget[i] or 0))
        ):
            free.append(held[i].pop())
    chosen = [index[(i, e)] for i in range(len(p.mentors)) for e in held[i]]
    chosen += [index[pair] for pair in p.forced if pair in index]
    return Pairing(sorted(chosen))


def blocking_pairs(
    problem: PairingProblem, pairing: Pairing, prefs: Preferences, *, stated_only: bool = False
) -> list[tuple[int, int]]:
    """Pairs (mentor, mentee) that would both rather be together than as they are.

    The mentee prefers the mentor to their own (or has none); the mentor has room for them
    (head count and budget) or prefers them to a mentee of theirs whose place they could take
    within the budget. Forced pairs are never broken. With ``stated_only``, only pairs one of
    them named in a wish are reported.
    """
    p = problem
    mentor_of = pairing.mentor_of(p)
    mine: list[list[int]] = [[] for _ in p.mentors]
    used = [0] * len(p.mentors)
    for k in pairing.chosen:
        c = p.candidates[k]
        mine[c.mentor].append(c.mentee)
        used[c.mentor] += c.load
    # problem.index() of the chosen pairs only (a pair listed twice: its last index)
    mi, ei, _score, _load = pair_arrays(p)
    ne = max(len(p.mentees), 1)
    code = mi * ne + ei
    own = np.array(sorted({i * ne + e for i, lst in enumerate(mine) for e in lst}),
                   dtype=np.int64)
    chosen_k = {(int(mi[k]), int(ei[k])): int(k) for k in np.flatnonzero(np.isin(code, own))}
    # the ranks (Preferences.rank_of_mentor / rank_of_mentee), made for the teachers asked
    r_e: dict[int, dict[int, int]] = {}
    r_m: dict[int, dict[int, int]] = {}

    def rank_e(e: int) -> dict[int, int]:
        if e not in r_e:
            r_e[e] = {m: r for r, m in enumerate(prefs.mentee[e])}
        return r_e[e]

    def rank_m(i: int) -> dict[int, int]:
        if i not in r_m:
            r_m[i] = {x: r for r, x in enumerate(prefs.mentor[i])}
        return r_m[i]

    if stated_only:
        # only the stated pairs can be reported: their candidates, in the candidates' order
        codes = np.array(sorted(i * ne + e for i, e in prefs.stated), dtype=np.int64)
        ks = np.flatnonzero(np.isin(code, codes)).tolist()
    else:
        ks = range(len(p.candidates))
    out = []
    for k in ks:
        c = p.candidates[k]
        i, e = c.mentor, c.mentee
        if mentor_of.get(e) == i or (stated_only and (i, e) not in prefs.stated):
            continue
        current = mentor_of.get(e)
        if current is not None and ((current, e) in p.forced
                                    or rank_e(e)[i] >= rank_e(e)[current]):
            continue
        cap, budget = p.capacity[i], p.budget[i]
        room = (cap is None or len(mine[i]) < cap) and (budget is None
                                                         or used[i] + c.load <= budget)
        swap = any(
            rank_m(i)[e] < rank_m(i)[x] and (i, x) not in p.forced
            and (budget is None
                 or used[i] - p.candidates[chosen_k[(i, x)]].load + c.load <= budget)
            for x in mine[i]
        )
        if room or swap:
            out.append((i, e))
    return out


def pairing_of(problem: PairingProblem, pairs: list[tuple[str, str]]) -> Pairing:
    """The :class:`Pairing` of (mentor id, mentee id) pairs."""
    mi = {t: i for i, t in enumerate(problem.mentors)}
    ei = {t: e for e, t in enumerate(problem.mentees)}
    wanted = {(mi[m], ei[e]) for m, e in pairs}
    m_arr, e_arr, _score, _load = pair_arrays(problem)
    # the candidates of the wanted pairs (problem.index() for them, without a dict of all);
    # a pair listed twice keeps its last index, as the dict does
    ne = max(len(problem.mentees), 1)
    codes = np.array(sorted(i * ne + e for i, e in wanted), dtype=np.int64)
    index = {(int(m_arr[k]), int(e_arr[k])): int(k)
             for k in np.flatnonzero(np.isin(m_arr * ne + e_arr, codes))}
    return Pairing(sorted(index[(mi[m], ei[e])] for m, e in pairs))


def describe_blocking(mp: MentorProblem, blocks: list[tuple[int, int]], limit: int = 10
                      ) -> list[str]:
    """Blocking pairs in words."""
    data, p = mp.data, mp.problem
    out = []
    for i, e in blocks[:limit]:
        m, t = data.teacher[p.mentors[i]], data.teacher[p.mentees[e]]
        out.append(tr("blocking pair: {mentor} ({mentor_id}) and {mentee} ({mentee_id}) would "
                      "both rather be paired together", mentor=m.label, mentor_id=m.id,
                      mentee=t.label, mentee_id=t.id))
    if len(blocks) > limit:
        out.append(tr("… and {n} more blocking pairs", n=len(blocks) - limit))
    return out
