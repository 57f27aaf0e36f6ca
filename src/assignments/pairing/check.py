"""The independent checker of a :class:`~assignments.pairing.problem.Pairing` (no solver here).

Written apart from the model and the engines, from the :class:`PairingProblem` alone: allowed
pairs, one mentor per mentee (exactly one for assign-all problems), head counts, load budgets,
forced pairs (:func:`check_pairing`); the objective levels recomputed from their definitions
(:func:`pairing_levels`). Every engine's pairing passes through both before it is returned.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from assignments.core.i18n import tr
from assignments.core.rules import Violation
from assignments.pairing.problem import Pairing, PairingProblem

__all__ = ["Violation", "check_pairing", "pairing_levels"]


def check_pairing(problem: PairingProblem, pairing: Pairing) -> list[Violation]:
    """Every hard rule of ``problem`` that ``pairing`` breaks (empty when it is valid)."""
    out: list[Violation] = []
    p = problem
    seen: set[int] = set()
    mentor_of: dict[int, list[int]] = defaultdict(list)
    heads: Counter[int] = Counter()
    load: Counter[int] = Counter()
    for k in pairing.chosen:
        if not 0 <= k < len(p.candidates):
            out.append(Violation("allowed", tr("pair #{k} is not a candidate pair", k=k)))
            continue
        if k in seen:
            out.append(Violation("allowed", tr("pair #{k} is chosen twice", k=k)))
            continue
        seen.add(k)
        c = p.candidates[k]
        mentor_of[c.mentee].append(c.mentor)
        heads[c.mentor] += 1
        load[c.mentor] += c.load
    for e, ms in mentor_of.items():
        if len(ms) > 1:
            names = ", ".join(p.mentors[i] for i in ms)
            out.append(Violation("one_mentor", tr("mentee {mentee} has {n} mentors: {mentors}",
                                                  mentee=p.mentees[e], n=len(ms), mentors=names)))
    if p.assign_all:
        for e, name in enumerate(p.mentees):
            if e not in mentor_of:
                out.append(Violation("one_mentor", tr(
                    "{name} is not assigned (GAP: every job is)", name=name)))
    for i, n in heads.items():
        cap = p.capacity[i]
        if cap is not None and n > cap:
            out.append(Violation("heads", tr("mentor {mentor} has {n} mentees, capacity "
                                             "{capacity}", mentor=p.mentors[i], n=n,
                                             capacity=cap)))
    for i, used in load.items():
        budget = p.budget[i]
        if budget is not None and used > budget:
            out.append(Violation("hours", tr("mentor {mentor} has load {load} > budget {budget}",
                                             mentor=p.mentors[i], load=used, budget=budget)))
    chosen = {(p.candidates[k].mentor, p.candidates[k].mentee) for k in seen}
    for i, e in sorted(p.forced):
        if (i, e) not in chosen:
            out.append(Violation("forced", tr("forced pair {mentor} – {mentee} is missing",
                                              mentor=p.mentors[i], mentee=p.mentees[e])))
    return out


def pairing_levels(problem: PairingProblem, pairing: Pairing) -> dict[str, int]:
    """The objective levels of ``pairing`` (``quality`` in the problem's own sense).

    ``mandatory``: mandatory mentees unpaired; ``quality``: the sum of the chosen scores;
    ``fairness``: balance_weight × Σ n(n−1)/2 + drain_weight × Σ excess outside pairs.
    """
    p = problem
    chosen = sorted(set(pairing.chosen))
    paired = {p.candidates[k].mentee for k in chosen}
    out: dict[str, int] = {}
    names = p.levels()
    if "mandatory" in names:
        out["mandatory"] = sum(1 for e in range(len(p.mentees))
                               if p.is_mandatory(e) and e not in paired)
    out["quality"] = sum(p.candidates[k].score for k in chosen)
    if "fairness" in names:
        heads = Counter(p.candidates[k].mentor for k in chosen)
        value = p.balance_weight * sum(n * (n - 1) // 2 for n in heads.values())
        if p.drain_weight and p.drain_limit:
            given: Counter[int] = Counter()
            for k in chosen:
                c = p.candidates[k]
                if p.mentor_group[c.mentor] != p.mentee_group[c.mentee]:
                    given[p.mentor_group[c.mentor]] += 1
            value += p.drain_weight * sum(max(0, n - p.drain_limit[g]) for g, n in given.items())
        out["fairness"] = value
    return out
