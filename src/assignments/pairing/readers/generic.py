"""Generic mode: a pairing problem given directly as candidate pairs, for offices with their own
scoring.

Input (an Excel workbook, a folder of CSV files, JSON/YAML, or one CSV file holding only the
candidate pairs):

* 候选 (candidates) — 师傅 mentor, 徒弟 mentee, 分数 score, 负荷 load (optional), 指定
  forced (optional 是/否);
* 师傅 (mentors, optional) — 编号 id, 姓名 name, 人数上限 capacity, 负荷上限 budget;
* 徒弟 (mentees, optional) — 编号 id, 姓名 name, 必须结对 mandatory (是/否).

Scores, loads and budgets may have up to two decimals; they are scaled to whole numbers for the
solver (and the scale is reported). The same engine then solves it as any other
:class:`PairingProblem`.
"""

from __future__ import annotations

import math
import shutil
import tempfile
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator

from assignments.core.errors import InputError, Issue, Location
from assignments.core.io import ColumnSpec, SheetSpec, Table, read_tables
from assignments.core.schema import Schema, YesNo, id_text, parse_table

__all__ = ["GENERIC_SHEETS", "GenericData", "read_generic"]


def _id(v: Any) -> Any:
    return id_text(v) if v is not None else v


class CandidateRow(Schema):
    """A row of the 候选 sheet."""

    mentor: str
    mentee: str
    score: float
    load: float = Field(default=0, ge=0)
    forced: YesNo = False

    _ids = field_validator("mentor", "mentee", mode="before")(_id)

    @field_validator("load", mode="before")
    @classmethod
    def _zero(cls, v: Any) -> Any:
        return 0 if v is None else v

    @field_validator("score")
    @classmethod
    def _finite(cls, v: float) -> float:
        if not math.isfinite(v):
            raise ValueError("the score must be a finite number")
        return v


class MentorRow(Schema):
    """A row of the 师傅 sheet."""

    id: str
    name: str | None = None
    capacity: int | None = Field(default=None, ge=0)
    budget: float | None = Field(default=None, ge=0)

    _ids = field_validator("id", mode="before")(_id)


class MenteeRow(Schema):
    """A row of the 徒弟 sheet."""

    id: str
    name: str | None = None
    mandatory: YesNo = False

    _ids = field_validator("id", mode="before")(_id)


C = ColumnSpec
GENERIC_SHEETS: tuple[SheetSpec, ...] = (
    SheetSpec("candidates", "候选", "candidates", (
        C("mentor", "师傅", "mentor", note="mentor id", example="M1", aliases=("导师", "agent")),
        C("mentee", "徒弟", "mentee", note="mentee id", example="E1", aliases=("学员", "job")),
        C("score", "分数", "score", note="the office's score of the pair", example=87.5,
          aliases=("得分", "value", "cost", "profit")),
        C("load", "负荷", "load", required=False, note="hours (or any unit) the pair takes",
          example=12, aliases=("课时", "hours", "resource")),
        C("forced", "指定", "forced", required=False, note="是: the pair must be kept"),
    ), aliases=("pairs", "候选结对")),
    SheetSpec("mentors", "师傅", "mentors", (
        C("id", "编号", "id", note="mentor id", example="M1"),
        C("name", "姓名", "name", required=False, note="shown in the outputs"),
        C("capacity", "人数上限", "capacity", required=False, note="mentees at most",
          example=2),
        C("budget", "负荷上限", "budget", required=False, note="total load at most", example=30),
    ), required=False, aliases=("导师",)),
    SheetSpec("mentees", "徒弟", "mentees", (
        C("id", "编号", "id", note="mentee id", example="E1"),
        C("name", "姓名", "name", required=False, note="shown in the outputs"),
        C("mandatory", "必须结对", "mandatory", required=False, note="是: paired first"),
    ), required=False, aliases=("学员",)),
)


@dataclass
class GenericData:
    """A validated generic pairing problem.

    Attributes
    ----------
    problem
        The :class:`PairingProblem` (scores, loads and budgets scaled to integers).
    score_scale, load_scale
        What scores and loads were multiplied by (1 or 100).
    names
        Id -> name, for mentors and mentees that have one.
    """

    problem: Any
    score_scale: int = 1
    load_scale: int = 1
    names: dict[str, str] = field(default_factory=dict)
    source: str | None = None
    warnings: list[str] = field(default_factory=list)


def _decimals(values: list[float]) -> int:
    most = 0
    for v in values:
        try:
            d = Decimal(str(v)).normalize()
        except InvalidOperation:
            continue
        exp = d.as_tuple().exponent
        if isinstance(exp, int):
            most = max(most, -exp)
    return most


def _tables(path: Path) -> dict[str, Table]:
    if path.suffix.lower() != ".csv" or path.is_dir():
        return read_tables(path, GENERIC_SHEETS)
    if not path.exists():
        raise InputError(Issue(Location(str(path)), "file not found"))
    folder = Path(tempfile.mkdtemp(prefix="assignments-generic-"))
    try:
        shutil.copyfile(path, folder / "candidates.csv")
        try:
            tables = read_tables(folder, GENERIC_SHEETS[:1])
            for t in tables.values():  # CSV rows are read lazily: read them before the copy goes
                t.rows = list(t.rows)
        except InputError as exc:
            raise InputError([
                Issue(replace(i.location, file=str(path), sheet=None), i.message)
                for i in exc.issues]) from None
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    for t in tables.values():
        t.file, t.sheet = str(path), ""
    return tables


def read_generic(
    path: str | Path,
    *,
    sense: Literal["max", "min"] = "max",
    assign_all: bool = False,
    capacity: int | None = 1,
    budget: float | None = None,
) -> GenericData:
    """Read a candidate-pair file into a :class:`GenericData`.

    Parameters
    ----------
    path
        Workbook, CSV folder, JSON/YAML, or a single CSV of candidate pairs.
    sense
        Maximise (scores) or minimise (costs).
    assign_all
        Every mentee must be paired (GAP); otherwise mandatory mentees first.
    capacity, budget
        Defaults for mentors without a 师傅 row (``None`` = unlimited).

    Raises
    ------
    InputError
        With every problem, located by file, sheet, row and column.
    """
    from assignments.pairing.problem import Candidate, PairingProblem

    p = Path(path)
    tables = _tables(p)
    issues: list[Issue] = []
    notices: list[Issue] = []
    cands = parse_table(tables.get("candidates"), CandidateRow, label="mentor",
                        record_key="mentor", issues=issues, warnings=notices)
    mentors = parse_table(tables.get("mentors"), MentorRow, label="mentor", id_key="id",
                          issues=issues, warnings=notices)
    mentees = parse_table(tables.get("mentees"), MenteeRow, label="mentee", id_key="id",
                          issues=issues, warnings=notices)
    if "candidates" in tables and not tables["candidates"].rows:
        issues.append(Issue(Location(str(p), tables["candidates"].sheet or None),
                            "no candidate pairs"))
    known_m = {m.id for m in mentors} if "mentors" in tables else None
    known_e = {e.id for e in mentees} if "mentees" in tables else None
    seen: dict[tuple[str, str], int] = {}
    for i, c in enumerate(cands.records):
        row = cands.rows[i]
        number = row.number if row is not None else 0
        if known_m is not None and c.mentor not in known_m and c.mentor not in mentors.rejected:
            issues.append(Issue(cands.loc(i, "mentor", c.mentor),
                                f"mentor '{c.mentor}' is not in the 师傅 (mentors) sheet"))
        if known_e is not None and c.mentee not in known_e and c.mentee not in mentees.rejected:
            issues.append(Issue(cands.loc(i, "mentee", c.mentor),
                                f"mentee '{c.mentee}' is not in the 徒弟 (mentees) sheet"))
        if (c.mentor, c.mentee) in seen:
            issues.append(Issue(cands.loc(i, "mentee", c.mentor),
                                f"pair {c.mentor} – {c.mentee} is listed twice (first in row "
                                f"{seen[(c.mentor, c.mentee)]})"))
        seen.setdefault((c.mentor, c.mentee), number)
    forced_of: dict[str, str] = {}
    for i, c in enumerate(cands.records):
        if c.forced:
            if c.mentee in forced_of and forced_of[c.mentee] != c.mentor:
                issues.append(Issue(cands.loc(i, "forced", c.mentor),
                                    f"mentee '{c.mentee}' is already forced to "
                                    f"'{forced_of[c.mentee]}'"))
            forced_of.setdefault(c.mentee, c.mentor)
    if issues:
        raise InputError(issues)

    score_dec = _decimals([c.score for c in cands])
    load_dec = _decimals([c.load for c in cands] + [m.budget for m in mentors
                                                    if m.budget is not None]
                         + ([budget] if budget is not None else []))
    warnings = [str(n) for n in notices]
    if score_dec > 2 or load_dec > 2:
        warnings.append("scores and loads are rounded to two decimals")
    s_scale = 100 if score_dec else 1
    l_scale = 100 if load_dec else 1
    if s_scale > 1:
        warnings.append("scores have decimals: the solver works in hundredths")
    m_ids = [m.id for m in mentors] if known_m is not None else []
    e_ids = [e.id for e in mentees] if known_e is not None else []
    for c in cands:
        if c.mentor not in m_ids:
            m_ids.append(c.mentor)
        if c.mentee not in e_ids:
            e_ids.append(c.mentee)
    mi = {m: i for i, m in enumerate(m_ids)}
    ei = {e: i for i, e in enumerate(e_ids)}
    by_id = {m.id: m for m in mentors}
    caps: list[int | None] = []
    budgets: list[int | None] = []
    for m in m_ids:
        row = by_id.get(m)
        caps.append(row.capacity if row is not None and row.capacity is not None else capacity)
        b = row.budget if row is not None and row.budget is not None else budget
        budgets.append(None if b is None else round(b * l_scale))
    mand = {e.id: e.mandatory for e in mentees}
    problem = PairingProblem(
        mentors=m_ids, mentees=e_ids,
        candidates=[Candidate(mi[c.mentor], ei[c.mentee], round(c.score * s_scale),
                              round(c.load * l_scale)) for c in cands],
        capacity=caps, budget=budgets, mandatory=[mand.get(e, False) for e in e_ids],
        forced={(mi[c.mentor], ei[c.mentee]) for c in cands if c.forced},
        sense=sense, assign_all=assign_all, name=p.stem,
    )
    names = {m.id: m.name for m in mentors if m.name} | {e.id: e.name for e in mentees if e.name}
    return GenericData(problem, s_scale, l_scale, names, str(p), warnings)
