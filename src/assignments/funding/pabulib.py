"""Pabulib participatory budgets as allocation problems.

A ``.pb`` file (read by :func:`assignments.knapsack.pabulib.read_pb`) becomes one source
holding the budget, one period, every project whole with its cost, and the votes (or the
points, for cumulative and scoring ballots) as its beneficiaries.
"""

from __future__ import annotations

from pathlib import Path

from assignments.funding.data import SWITCHES, FundingData, Policy, Project, Source
from assignments.knapsack.pabulib import PbInstance as PbInstance
from assignments.knapsack.pabulib import greedy_by_votes as greedy_by_votes
from assignments.knapsack.pabulib import read_pb as read_pb

__all__ = ["PbInstance", "greedy_by_votes", "pb_data", "read_pb"]


def pb_data(inst: PbInstance) -> FundingData:
    """The instance as an allocation problem: one source (the budget), one period, whole projects
    with their votes (or points) as beneficiaries."""
    source = Source(id="PB", name=inst.meta.get("unit", "budget"), amount=inst.budget)
    projects = []
    for rec in inst.projects:
        projects.append(Project(
            id=rec["project_id"], name=rec.get("name") or None,
            category=(rec.get("category") or "project").split(",")[0],
            cost=float(rec["cost"]), value_override=inst.support(rec),
            people=int(float(rec.get("votes") or 0)),
        ))
    policy = Policy(period_labels=[inst.meta.get("instance", "budget")], periods=1,
                    carry_over=True, rules=dict.fromkeys(SWITCHES, False), objective="benefit",
                    milestones=[])
    return FundingData(policy=policy, sources=[source], projects=projects,
                       name=Path(inst.path).stem)
