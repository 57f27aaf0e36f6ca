"""``mentoring check``: a pairing plan edited by hand (the 结对 sheet ``solve`` writes), checked
against the workbook's rules, row by row, and compared with the optimum.

:func:`read_plan` reads the 结对 / pairs sheet (Chinese or English headers, as written by
:func:`assignments.mentoring.report.mentoring_tables`): 师傅工号 and 徒弟工号 (a 工号 or a
unique name), and, when present, the suggested periods of both directions. A row that cannot be
read (no such teacher, an ambiguous name, a period that is not ``周一第3节`` / ``Mon P3``) is an
:class:`InputError` naming file, sheet, row and column. :func:`check_plan` then runs the
independent checker (:func:`assignments.mentoring.solution.check`) with each pair's row, so
every broken rule names the rows it concerns; :func:`assignments.mentoring.solution.
idle_same_school` adds the warning-level findings.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assignments.core.errors import InputError, Issue
from assignments.core.i18n import tr
from assignments.core.io import ColumnSpec, SheetSpec, read_tables
from assignments.core.rules import Violation
from assignments.mentoring.data import MentoringData, parse_weekday
from assignments.mentoring.solution import (
    MentorPair,
    MentorSolution,
    check,
    idle_same_school,
    objective_levels,
)

__all__ = ["PLAN_SHEET", "Plan", "PlanCheck", "check_plan", "parse_periods", "read_plan"]

C = ColumnSpec
PLAN_SHEET = SheetSpec(
    "pairs", "结对", "pairs",
    (
        C("mentor", "师傅工号", "mentor id", note="teacher id or unique name"),
        C("mentee", "徒弟工号", "mentee id", note="teacher id or unique name"),
        C("mentor_obs", "师傅听徒弟课(建议节次)", "mentor observes mentee (suggested periods)",
          required=False, note="周一第3节、周三第4节"),
        C("mentee_obs", "徒弟听师傅课(建议节次)", "mentee observes mentor (suggested periods)",
          required=False, note="周一第1节、周二第2节"),
    ),
    aliases=("结对方案", "plan"),
)
"""The sheet ``mentoring check`` reads (the 结对 sheet of ``pairs.xlsx``)."""

_SLOT_ZH = re.compile(r"^(周[一二三四五六日天]|星期[一二三四五六日天])第?(\d{1,2})节?$")
_SLOT_EN = re.compile(r"^([A-Za-z]{3,9})\s*P?(\d{1,2})$")


def parse_periods(text: Any) -> list[tuple[int, int]]:
    """``周一第3节、周三第4节`` or ``Mon P3, Wed P4`` -> [(1, 3), (3, 4)]; empty -> []. The
    "…(+n)" of a list cut by 建议节次数 is dropped (the periods shown are checked)."""
    if text is None:
        return []
    raw = unicodedata.normalize("NFKC", str(text)).strip()
    if not raw:
        return []
    raw = re.sub(r"\s*\.\.\.\s*\(\+\d+\)\s*$", "", raw)  # "…(+2)" of older outputs
    out = []
    for part in re.split(r"[、,;，；]", raw):
        part = part.strip()
        if not part:
            continue
        m = _SLOT_ZH.match(part.replace(" ", "")) or _SLOT_EN.match(part)
        if m is None:
            raise ValueError(tr("'{text}' is not a period like 周一第3节 or Mon P3", text=part))
        day, period = parse_weekday(m.group(1)), int(m.group(2))
        if not 1 <= period <= 12:
            raise ValueError(tr("'{text}': period {period} is outside 1–12", text=part,
                                period=period))
        out.append((day, period))
    return out


@dataclass
class Plan:
    """A plan read from a sheet: the solution and where each pair's row is."""

    solution: MentorSolution
    rows: dict[tuple[str, str], str] = field(default_factory=dict)
    source: str = ""


def _resolver(data: MentoringData) -> tuple[dict[str, str], dict[str, list[str]]]:
    names: dict[str, list[str]] = {}
    for t in data.teachers:
        if t.name:
            names.setdefault(t.name, []).append(t.id)
    return {t.id: t.id for t in data.teachers}, names


def read_plan(data: MentoringData, path: str | Path) -> Plan:
    """Read the 结对 sheet of ``path`` against ``data``; every unreadable cell is reported at
    once (:class:`InputError`, file, sheet, row, column)."""
    table = read_tables(path, [PLAN_SHEET])["pairs"]
    ids, names = _resolver(data)
    issues: list[Issue] = []
    pairs: list[MentorPair] = []
    rows: dict[tuple[str, str], str] = {}
    forced = {(f.mentor, f.mentee) for f in data.forced}
    for row in table.rows:
        got: dict[str, str] = {}
        for key in ("mentor", "mentee"):
            value = row.values.get(key)
            ref = "" if value is None else str(value).strip()
            if ref.endswith(".0") and ref[:-2].isdigit():
                ref = ref[:-2]
            if ref in ids:
                got[key] = ref
            elif len(names.get(ref, [])) == 1:
                got[key] = names[ref][0]
            elif ref in names:
                listed = "、".join(names[ref])
                issues.append(Issue(table.loc(row, key), tr(
                    "'{ref}' names {n} teachers: {listed}; give the 工号", ref=ref,
                    n=len(names[ref]), listed=listed)))
            else:
                issues.append(Issue(table.loc(row, key), tr("unknown teacher '{ref}'",
                                                            ref=ref)))
        periods: dict[str, tuple[tuple[int, int], ...] | None] = {}
        for key in ("mentor_obs", "mentee_obs"):
            if key not in table.columns:
                periods[key] = None
                continue
            try:
                periods[key] = tuple(parse_periods(row.values.get(key)))
            except ValueError as exc:
                issues.append(Issue(table.loc(row, key), str(exc)))
        if len(got) == 2 and len(periods) == 2:
            m, e = got["mentor"], got["mentee"]
            pairs.append(MentorPair(m, e, (m, e) in forced, periods["mentor_obs"],
                                    periods["mentee_obs"]))
            where = str(table.loc(row))
            rows[(m, e)] = (rows[(m, e)] + tr(", row {row}", row=row.number) if (m, e) in rows
                            else where)
    if issues:
        raise InputError(issues)
    return Plan(MentorSolution(pairs), rows, str(path))


@dataclass
class PlanCheck:
    """What ``mentoring check`` found: broken rules, warnings, and the plan's levels."""

    violations: list[Violation]
    warnings: list[Violation]
    levels: dict[str, int]
    unpaired_mandatory: list[str]


def check_plan(data: MentoringData, plan: Plan) -> PlanCheck:
    """Every broken rule of the plan (with its rows), the warning-level findings, the plan's
    objective levels and its mandatory mentees left unpaired."""
    sol = plan.solution
    violations = check(data, sol, plan.rows)
    warnings = []
    for w in idle_same_school(data, sol):
        pair = next((k for k in plan.rows if w.message.startswith(f"{k[0]} – {k[1]}:")), None)
        where = f"{plan.rows[pair]}: " if pair is not None else ""
        warnings.append(Violation(w.rule, where + w.message))
    known = [p for p in sol.pairs if p.mentor in data.teacher and p.mentee in data.teacher]
    levels = objective_levels(data, MentorSolution(known))
    paired = {p.mentee for p in sol.pairs}
    unpaired = [t.id for t in data.teachers if data.is_mandatory(t) and t.id not in paired]
    return PlanCheck(violations, warnings, levels, unpaired)
