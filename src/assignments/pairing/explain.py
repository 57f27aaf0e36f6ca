"""Why a :class:`~assignments.pairing.problem.PairingProblem` has no solution, when the reason
is simple enough to say before solving.

* :func:`forced_conflicts` — forced pairs that cannot all hold (a pair that is not allowed, a
  mentee forced to two mentors, more forced mentees or load than a mentor can take). With "at
  most one mentor" and no forced pairs a pairing always exists (nobody paired), so these are
  the only reasons such a problem is infeasible.
* :func:`gap_infeasible` — why an assign-all (GAP) problem has no solution, when it is simple.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from assignments.core.i18n import tr
from assignments.pairing.problem import PairingProblem

__all__ = ["forced_conflicts", "gap_infeasible"]


def forced_conflicts(problem: PairingProblem) -> list[str]:
    """Forced pairs that cannot all be kept, one line each (empty when they can)."""
    p = problem
    index = p.index()
    lines: list[str] = []
    by_mentee: dict[int, list[int]] = defaultdict(list)
    heads: Counter[int] = Counter()
    load: Counter[int] = Counter()
    for i, e in sorted(p.forced):
        by_mentee[e].append(i)
        k = index.get((i, e))
        if k is None:
            lines.append(tr("forced pair {mentor} – {mentee} is not an allowed pair",
                            mentor=p.mentors[i], mentee=p.mentees[e]))
            continue
        heads[i] += 1
        load[i] += p.candidates[k].load
    for e, ms in by_mentee.items():
        if len(ms) > 1:
            lines.append(tr("{mentee} is forced to {n} mentors: {mentors}", mentee=p.mentees[e],
                            n=len(ms), mentors=", ".join(p.mentors[i] for i in ms)))
    for i, n in heads.items():
        cap = p.capacity[i]
        if cap is not None and n > cap:
            lines.append(tr("{mentor} has {n} forced mentees, capacity {capacity}",
                            mentor=p.mentors[i], n=n, capacity=cap))
        budget = p.budget[i]
        if budget is not None and load[i] > budget:
            lines.append(tr("{mentor}'s forced pairs need {load}, budget {budget}",
                            mentor=p.mentors[i], load=load[i], budget=budget))
    return lines


def gap_infeasible(problem: PairingProblem) -> list[str]:
    """Simple reasons why every mentee (job) cannot be assigned: a job no agent can take, or
    more total minimum load than total capacity. Empty when no simple reason is found."""
    p = problem
    lines = []
    by_mentee = p.by_mentee()
    for e, ks in enumerate(by_mentee):
        fits = [k for k in ks if p.budget[p.candidates[k].mentor] is None
                or p.candidates[k].load <= (p.budget[p.candidates[k].mentor] or 0)]
        if not fits:
            lines.append(tr("job {job} fits no agent (its load exceeds every capacity)",
                            job=p.mentees[e]))
    if all(b is not None for b in p.budget) and not lines:
        need = sum(min(p.candidates[k].load for k in ks) for ks in by_mentee if ks)
        have = sum(b or 0 for b in p.budget)
        if need > have:
            lines.append(tr("the jobs need at least {need} in total, the agents have {have}",
                            need=need, have=have))
    if all(c is not None for c in p.capacity) and sum(c or 0 for c in p.capacity) < len(
            p.mentees):
        lines.append(tr("{jobs} jobs but only {places} places", jobs=len(p.mentees),
                        places=sum(c or 0 for c in p.capacity)))
    return lines
