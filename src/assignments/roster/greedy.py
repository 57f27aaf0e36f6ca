"""A greedy baseline: "next in the published order", as an office would fill it by hand.

Quarter by quarter, each department whose baseline turn it is sends its first people in line
(fairness rank) who are free that quarter and did not serve the quarter before; when too few
are free it still sends the next in line. Deferral requests and promotion candidates are
ignored; centers are filled round-robin, intermediates first. The independent checker then
counts the rules this breaks — the benchmark's point of comparison.
"""

from __future__ import annotations

from collections import defaultdict

from assignments.roster.data import RosterData, Title
from assignments.roster.schedule import baseline
from assignments.roster.solution import Assignment, RosterSolution, ranks

__all__ = ["greedy_roster"]


def greedy_roster(data: RosterData) -> RosterSolution:
    """The published order filled greedily; may break rules (see :func:`check`)."""
    H = data.policy.quarters
    sched = baseline(data)
    rank = ranks(data)
    avail = data.available()
    periods = data.periods()
    members: dict[str, list[str]] = defaultdict(list)
    for s in sorted(data.staff, key=lambda s: (rank[s.id], s.id)):
        members[s.department].append(s.id)
    title = {s.id: s.title for s in data.staff}
    last: dict[str, int] = {}
    cycle_done: set[tuple[str, int]] = set()
    assignments: list[Assignment] = []
    for q in range(H):
        chosen: list[str] = []
        for t in sched.turns_in(q):
            need = t.seats[q]
            pool = [p for p in members[t.dept] if (p, t.cycle) not in cycle_done]
            free = [p for p in pool if avail[p][q] and last.get(p, -9) != q - 1]
            pick = (free + [p for p in pool if p not in free])[:need]
            for p in pick:
                cycle_done.add((p, t.cycle))
                last[p] = q
            chosen += pick
        chosen.sort(key=lambda p: (title[p] is not Title.INTERMEDIATE, rank[p], p))
        slots = [c.id for c in data.centers for _ in range(c.seats)]
        # round-robin over centers so intermediates spread
        order = sorted(
            range(len(slots)), key=lambda i: (sum(1 for j in range(i) if slots[j] == slots[i]), i)
        )
        start, end = periods[q]
        for i, p in zip(order, chosen, strict=False):
            assignments.append(Assignment(p, q, slots[i], start, end))
    return RosterSolution(assignments=assignments, deferrals=[])
