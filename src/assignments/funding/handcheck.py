"""``funding check``: verify an allocation edited by hand against the rules, row by row.

:func:`read_plan` reads the allocation sheet the tool writes (分配明细 / allocation: project,
source, quarter, amount in the workbook's unit) back into a
:class:`~assignments.funding.solution.FundingSolution` (each project's level is the one whose
spending curve the amounts follow, else the nearest percent); :func:`check_plan` runs the
independent checker and places every violation on the plan's rows.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assignments.core.errors import InputError, Issue, Location
from assignments.core.i18n import current_lang, tr
from assignments.core.io import read_frames
from assignments.funding.data import FundingData, Problem, problem
from assignments.funding.rules import RULES
from assignments.funding.solution import FundingSolution, check

__all__ = ["PlanIssue", "check_plan", "read_plan"]

_COLS = {"project": ("项目编号", "project"), "source": ("资金来源", "source"),
         "period": ("季度", "period")}


@dataclass
class PlanIssue:
    """A broken rule placed on the plan: sheet, rows, rule label, message."""

    sheet: str
    rows: list[int]
    rule: str
    message: str


def read_plan(path: str | Path, data: FundingData, prob: Problem | None = None
              ) -> tuple[FundingSolution, str, dict[str, list[int]]]:
    """The allocation of a plan workbook, its sheet name and each project's rows.

    Raises
    ------
    InputError
        Located (file, sheet, row, column) when the plan cannot be read.
    """
    prob = prob if prob is not None else problem(data)
    p = Path(path)
    if not p.exists():
        raise InputError(Issue(Location(str(p)), tr("file not found")))
    # the shared reader: size limits (zip bombs refused before expanding), .xls/.ods/.et
    book, sheets = read_frames(p, lambda n: n in ("分配明细", "allocation"))
    sheet = next(iter(book), None)
    if sheet is None:
        raise InputError(Issue(Location(str(p)), tr("no sheet 分配明细 (allocation); sheets: "
                                                    "{sheets}", sheets=tr(", ").join(sheets))))
    df = book[sheet]
    cols: dict[str, str] = {}
    for key, names in _COLS.items():
        col = next((c for c in df.columns if str(c).strip() in names), None)
        if col is None:
            raise InputError(Issue(Location(str(p), sheet, None, names[0]),
                                   tr("column missing")))
        cols[key] = col
    money = next((c for c in df.columns if re.match(r"^(金额|yuan|amount)", str(c).strip())),
                 None)
    if money is None:
        raise InputError(Issue(Location(str(p), sheet, None, "金额"), tr("column missing")))
    pidx = {x.id: j for j, x in enumerate(data.projects)}
    sidx = {x.id: i for i, x in enumerate(data.sources)}
    tidx = {t: k for k, t in enumerate(prob.periods)}
    iu = data.policy.input_unit
    alloc: dict[tuple[int, int, int], int] = {}
    rows: dict[str, list[int]] = {}
    issues: list[Issue] = []
    for i, row in df.iterrows():
        r = int(str(i)) + 2
        pid, sid, per = (str(row[cols[k]]).strip() for k in ("project", "source", "period"))
        if pid in ("nan", ""):
            continue
        for text, table, col, what in (
                (pid, pidx, cols["project"], tr("unknown project '{value}'")),
                (sid, sidx, cols["source"], tr("unknown source '{value}'")),
                (per, tidx, cols["period"], tr("unknown quarter '{value}'"))):
            if text not in table:
                issues.append(Issue(Location(str(p), sheet, r, str(col)),
                                    what.format(value=text)))
        try:
            amount = float(str(row[money]).replace(",", ""))
        except ValueError:
            amount = math.nan
        units = amount * iu / prob.unit
        if not math.isfinite(units) or units < 0 or abs(units - round(units)) > 1e-6:
            issues.append(Issue(Location(str(p), sheet, r, str(money)),
                                tr("amount '{amount}' is not a non-negative multiple of "
                                   "{step} 元", amount=row[money], step=f"{prob.unit:,}")))
            continue
        if pid in pidx and sid in sidx and per in tidx and round(units) > 0:
            key = (pidx[pid], sidx[sid], tidx[per])
            alloc[key] = alloc.get(key, 0) + round(units)
            rows.setdefault(pid, []).append(r)
            rows.setdefault(sid, []).append(r)
    if issues:
        raise InputError(issues)
    fund = [0] * prob.n
    per_t = [[0] * len(prob.periods) for _ in range(prob.n)]
    for (j, _s, t), v in alloc.items():
        fund[j] += v
        per_t[j][t] += v
    level = []
    for j in range(prob.n):
        guess = round(100 * fund[j] / max(1, prob.cost[j]))
        fits = [lv for lv in (guess - 1, guess, guess + 1) if 0 <= lv <= 100 and all(
            a * lv // 100 == per_t[j][t] for t, a in enumerate(prob.period_cost[j]))]
        level.append(fits[0] if fits else min(100, guess))
    return FundingSolution(level=level, alloc=alloc, unit=prob.unit), sheet, rows


def check_plan(data: FundingData, sol: FundingSolution, sheet: str,
               rows: dict[str, list[int]], prob: Problem | None = None) -> list[PlanIssue]:
    """Every broken rule of the plan, on the rows of the projects / sources it names."""
    prob = prob if prob is not None else problem(data)
    out = []
    for v in check(data, sol, prob):
        # the projects and sources a message names (in either language), as whole words
        ids = [x for x in rows if re.search(rf"(?<![A-Za-z0-9_]){re.escape(x)}(?![A-Za-z0-9_])",
                                            v.message)]
        where = sorted({r for x in ids for r in rows.get(x, [])})
        out.append(PlanIssue(sheet, where, RULES.label(v.rule, current_lang()), v.message))
    return out


def plan_summary(data: FundingData, sol: FundingSolution) -> dict[str, Any]:
    """The plan's money and objective levels (recomputed by the checker)."""
    from assignments.funding.solution import objective_levels

    return objective_levels(data, sol)
