"""Pabulib ``.pb`` files (participatory budgeting, https://pabulib.org): reader and greedy rule.

A ``.pb`` file has three ``;``-separated sections, ``META`` (``key;value`` rows: budget,
vote_type, rule, …), ``PROJECTS`` (``project_id;cost;votes;…`` with optional ``score``, ``name``,
``category``, ``selected``) and ``VOTES``. :func:`greedy_by_votes` is the rule most
cities use ("greedy"): projects by votes, each funded if it still fits — a one-dimensional
knapsack. :func:`assignments.funding.pabulib.pb_data` turns an instance into an allocation
problem.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assignments.core.errors import InputError, Issue, Location
from assignments.core.i18n import tr
from assignments.core.io import read_text

__all__ = ["MAX_PB_MB", "PbInstance", "greedy_by_votes", "read_pb"]

#: Largest Pabulib file read, in megabytes (the largest city files with their votes are a
#: few megabytes).
MAX_PB_MB = 32


@dataclass
class PbInstance:
    """A participatory-budgeting instance: META, projects (rows as dicts), the votes count."""

    path: str
    meta: dict[str, str]
    projects: list[dict[str, str]]
    votes: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def budget(self) -> float:
        return float(self.meta["budget"])

    @property
    def rule(self) -> str:
        return self.meta.get("rule", "unknown")

    @property
    def uses_points(self) -> bool:
        """Cumulative / scoring ballots with a ``score`` column: points, not voters, count."""
        return self.meta.get("vote_type") in ("cumulative", "scoring") and all(
            p.get("score") not in (None, "") for p in self.projects)

    def support(self, p: dict[str, str]) -> int:
        """A project's support: its score (points) or its votes."""
        return int(float(p["score"] if self.uses_points else p["votes"]))

    def selected(self) -> list[str] | None:
        """Ids of the projects the city funded (the ``selected`` column), if given."""
        if not self.projects or "selected" not in self.projects[0]:
            return None
        return [p["project_id"] for p in self.projects if p.get("selected", "0").strip() == "1"]


def read_pb(path: str | Path) -> PbInstance:
    """Read a ``.pb`` file.

    Raises
    ------
    InputError
        Located (file, section, line) when a section, the budget or a cost is missing or wrong.
    """
    p = Path(path)
    if not p.exists():
        raise InputError(Issue(Location(str(p)), tr("file not found")))
    text = read_text(p, max_mb=MAX_PB_MB)  # located refusal past the size, UTF-8 or GBK
    sections: dict[str, list[tuple[int, list[str]]]] = {}
    current = None
    reader = csv.reader(io.StringIO(text), delimiter=";", quotechar='"')
    for row in reader:
        line = reader.line_num
        if not row or not any(c.strip() for c in row):
            continue
        head = row[0].strip()
        if len(row) == 1 and head in ("META", "PROJECTS", "VOTES"):
            current = head
            sections[current] = []
            continue
        if current is None:
            raise InputError(Issue(Location(str(p), row=line), tr("expected a META section first")))
        sections[current].append((line, [c.strip() for c in row]))
    for name in ("META", "PROJECTS"):
        if name not in sections or not sections[name]:
            raise InputError(Issue(Location(str(p), name),
                                   tr("missing section {name}", name=name)))
    meta = {r[0]: (r[1] if len(r) > 1 else "") for _ln, r in sections["META"][1:]}
    header = sections["PROJECTS"][0][1]
    projects = []
    for line, r in sections["PROJECTS"][1:]:
        rec = dict(zip(header, r, strict=False))
        for key in ("project_id", "cost"):
            if not rec.get(key):
                raise InputError(Issue(Location(str(p), "PROJECTS", line, key),
                                       tr("missing {key}", key=key)))
        try:
            float(rec["cost"])
            float(rec.get("votes") or 0)
        except ValueError:
            raise InputError(Issue(Location(str(p), "PROJECTS", line, "cost/votes"),
                                   tr("expected numbers"))) from None
        projects.append(rec)
    if "budget" not in meta:
        raise InputError(Issue(Location(str(p), "META"), tr("missing budget")))
    try:
        float(meta["budget"])
    except ValueError:
        raise InputError(Issue(Location(str(p), "META", column="budget"),
                               tr("budget '{value}' is not a number",
                                  value=meta["budget"]))) from None
    votes = max(0, len(sections.get("VOTES", [])) - 1)
    return PbInstance(str(p), meta, projects, votes)


def greedy_by_votes(inst: PbInstance) -> list[str]:
    """The greedy rule: projects by support (votes, or points), most first, ties by lower cost
    then id; each funded if its cost still fits the budget left."""
    left = inst.budget
    chosen = []
    order: list[Any] = sorted(inst.projects,
                              key=lambda r: (-inst.support(r), float(r["cost"]), r["project_id"]))
    for r in order:
        cost = float(r["cost"])
        if cost <= left + 1e-9:
            chosen.append(r["project_id"])
            left -= cost
    return chosen
