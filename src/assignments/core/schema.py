"""Validated records: pydantic base, lenient cell types, and located error messages.

Single-field rules live in the record models (field validators); cross-record rules (unknown
references, duplicates) are checked by each model's ``data.py`` with :class:`RecordIndex`,
which remembers where every record came from.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError

from assignments.core.errors import InputError, Issue, Location
from assignments.core.i18n import N_, tr
from assignments.core.io import Row, Table

__all__ = [
    "CappedIssues",
    "Day",
    "RecordIndex",
    "RecordLocations",
    "Schema",
    "TextList",
    "YesNo",
    "check_refs",
    "explain_error",
    "id_text",
    "parse_table",
    "parse_yes_no",
    "raise_if",
    "split_list",
]

_TRUE = {"1", "true", "yes", "y", "是", "对", "√", "✓", "✔", "t", "x"}
_FALSE = {"0", "false", "no", "n", "否", "不", "×", "✗", "f", "", "-"}


def parse_yes_no(v: Any) -> Any:
    if v is None:
        return False
    if isinstance(v, bool):
        return v
    if isinstance(v, int | float) and v in (0, 1):
        return bool(v)
    text = unicodedata.normalize("NFKC", str(v)).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(tr("expected yes/no (是/否), got '{value}'", value=v))


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
)


def _day(v: Any) -> Any:
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    if isinstance(v, int | float) and not isinstance(v, bool) and 20000 < v < 80000:
        return dt.date(1899, 12, 30) + dt.timedelta(days=int(v))  # Excel serial number
    text = unicodedata.normalize("NFKC", str(v)).strip()
    text = text.split(" ")[0].split("T")[0]
    for pat in _DATE_PATTERNS:
        m = pat.match(text)
        if m:
            y, mo, d = (int(g) for g in m.groups())
            try:
                return dt.date(y, mo, d)
            except ValueError:
                break
    raise ValueError(tr("expected a date like 2027-01-04, got '{value}'", value=v))


def split_list(v: Any) -> Any:
    if v is None:
        return []
    if isinstance(v, list | tuple):
        return [str(x).strip() for x in v if str(x).strip()]
    parts = re.split(r"[,，;；、/|]", str(v))
    return [p.strip() for p in parts if p.strip()]


YesNo = Annotated[bool, BeforeValidator(parse_yes_no)]
"""A yes/no cell: 是/否, Y/N, true/false, 1/0, √; empty means no."""

Day = Annotated[dt.date, BeforeValidator(_day)]
"""A date cell: an Excel date, 2027-01-04, 2027/1/4 or 2027年1月4日."""

TextList = Annotated[list[str], BeforeValidator(split_list)]
"""A list in one cell, separated by 、 , ; or /."""


class Schema(BaseModel):
    """Base of every input record: strips text, ignores unknown fields."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="ignore", validate_assignment=False)


M = TypeVar("M", bound=BaseModel)

_NUMERIC_LIKE = re.compile(r"^[\s+\-.,0-9eE%]+$")


def explain_error(err: dict[str, Any]) -> str:
    typ = err.get("type", "")
    got = err.get("input")
    shown = f"'{got}'" if got is not None else tr("nothing")
    if typ == "missing":
        return tr("a value is required here")
    if typ in ("int_parsing", "int_from_float", "int_type"):
        return tr("expected a whole number, got {value}", value=shown)
    if typ in ("float_parsing", "float_type", "decimal_parsing"):
        return tr("expected a number, got {value}", value=shown)
    if typ in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        ctx = err.get("ctx", {})
        bound = next(iter(ctx.values()), "")
        if typ == "greater_than_equal":
            return tr("must be at least {bound}, got {value}", bound=bound, value=shown)
        if typ == "greater_than":
            return tr("must be more than {bound}, got {value}", bound=bound, value=shown)
        if typ == "less_than_equal":
            return tr("must be at most {bound}, got {value}", bound=bound, value=shown)
        return tr("must be less than {bound}, got {value}", bound=bound, value=shown)
    if typ in ("literal_error", "enum"):
        ctx = err.get("ctx", {})
        return tr("expected one of {expected}, got {value}", expected=ctx.get("expected", ""),
                  value=shown)
    if typ in ("string_type",):
        return tr("expected text, got {value}", value=shown)
    msg = str(err.get("msg", tr("invalid value")))
    return msg.removeprefix("Value error, ").removeprefix("Assertion failed, ")


@dataclass
class RecordIndex(Generic[M]):
    """Records of one sheet with their locations, for cross-record checks."""

    table: Table | None
    label: str  # e.g. "staff"
    records: list[M] = field(default_factory=list)
    rows: list[Row | None] = field(default_factory=list)
    rejected: set[str] = field(default_factory=set)  # ids of rows that failed validation

    def loc(self, i: int, key: str | None = None, rid: str | None = None) -> Location:
        """Location of record ``i`` (and column ``key``)."""
        record = _rec(self.label, rid)  # "人员 'S01'" in Chinese, as parse_table's records
        if self.table is None:
            return Location(record=record)
        return self.table.loc(self.rows[i], key, record)

    def __iter__(self):
        return iter(self.records)

    def __len__(self) -> int:
        return len(self.records)


class CappedIssues(list[Issue]):
    """A list of notices keeping at most ``per_kind`` of one kind (same file, sheet and
    message, e.g. "the teacher has no lessons" on 500,000 rows): the rest are counted, and
    iterating yields one more notice per kind saying how many were left out (同类提示另有 N
    条). A reader's notices then take bounded memory and stay readable."""

    def __init__(self, per_kind: int = 100) -> None:
        super().__init__()
        self.per_kind = per_kind
        self._seen: dict[tuple[str | None, str | None, str], int] = {}

    def append(self, issue: Issue) -> None:
        key = (issue.location.file, issue.location.sheet, issue.message)
        n = self._seen[key] = self._seen.get(key, 0) + 1
        if n <= self.per_kind:
            super().append(issue)

    def extend(self, issues: Iterable[Issue]) -> None:
        for issue in issues:
            self.append(issue)

    def __iter__(self) -> Iterator[Issue]:
        yield from super().__iter__()
        for (file, sheet, message), n in self._seen.items():
            if n > self.per_kind:
                left = n - self.per_kind
                yield Issue(Location(file, sheet),
                            tr("… and {n:,} more like this: {message}", n=left,
                               message=message))


def _record_id(rec: Any) -> str:
    return str(rec.id)


class RecordLocations(dict[tuple[str, str], Location]):
    """``(kind, id) -> Location`` of the records of some :class:`RecordIndex` es, each found
    when first asked for (``get``, ``[]``, ``in``) instead of one :class:`Location` held per
    record (about 200 bytes a record of a large sheet). Entries set explicitly are held as in
    a dict; iteration and ``len`` see only those.
    """

    def __init__(self, indexes: Iterable[tuple[str, RecordIndex[Any]]],
                 id_of: Callable[[Any], str] | None = None) -> None:
        super().__init__()
        self._indexes = dict(indexes)
        self._id_of = id_of or _record_id  # a module function: the data pickles (batch, web)
        self._pos: dict[str, dict[str, int]] = {}

    def _find(self, key: Any) -> Location | None:
        if not (isinstance(key, tuple) and len(key) == 2) or key[0] not in self._indexes:
            return None
        kind, rid = key
        index = self._indexes[kind]
        pos = self._pos.get(kind)
        if pos is None:
            pos = self._pos[kind] = {self._id_of(r): i for i, r in enumerate(index.records)}
        i = pos.get(rid)
        return None if i is None else index.loc(i)

    def __missing__(self, key: tuple[str, str]) -> Location:
        loc = self._find(key)
        if loc is None:
            raise KeyError(key)
        return loc

    def get(self, key: Any, default: Any = None) -> Any:
        if dict.__contains__(self, key):
            return dict.__getitem__(self, key)
        loc = self._find(key)
        return default if loc is None else loc

    def __contains__(self, key: object) -> bool:
        return dict.__contains__(self, key) or self._find(key) is not None


def parse_table(
    table: Table | None,
    model: type[M],
    *,
    label: str,
    id_key: str | None = None,
    record_key: str | None = None,
    issues: list[Issue],
    warnings: list[Issue] | None = None,
) -> RecordIndex[M]:
    """Validate every row of ``table`` with ``model``; collect located issues.

    Parameters
    ----------
    table
        The sheet (``None`` when an optional sheet is absent: returns an empty index).
    model
        The pydantic record model; its field names are the column keys.
    label
        How a record is called in messages (``"staff"``).
    id_key
        The id column, quoted in messages and checked for duplicates.
    record_key
        Without an id column: the column that names the record in messages (e.g. the staff
        id of a leave row).
    issues, warnings
        Lists that receive problems (errors) and notices (e.g. full-width digits converted).
    """
    index: RecordIndex[M] = RecordIndex(table, label)
    if table is None:
        return index
    warnings = warnings if warnings is not None else []
    warnings.extend(table.warnings)
    seen: dict[str, int] = {}
    # pydantic gives every record its own set of the fields it was given (about 700 bytes):
    # records given the same fields share one (no code reads model_fields_set)
    fields_sets: dict[frozenset[str], set[str]] = {}
    for row in table.rows:
        values = dict(row.values)
        for k, v in list(values.items()):
            if isinstance(v, str):
                n = unicodedata.normalize("NFKC", v)
                if n != v and _NUMERIC_LIKE.match(n):
                    warnings.append(
                        Issue(table.loc(row, k), tr("full-width digits '{text}' read as "
                                                    "'{digits}'", text=v, digits=n.strip()))
                    )
                    values[k] = n.strip()
        name_key = id_key if id_key is not None else record_key
        rid = None if name_key is None else values.get(name_key)
        rid_s = None if rid is None else _id_text(rid)
        try:
            rec = model.model_validate(values)
        except ValidationError as exc:
            for err in exc.errors():
                key = str(err["loc"][0]) if err.get("loc") else None
                issues.append(
                    Issue(table.loc(row, key, _rec(label, rid_s)), explain_error(dict(err)))
                )
            if id_key is not None and rid_s is not None:
                index.rejected.add(rid_s)
            continue
        if id_key is not None and rid_s is not None:
            if rid_s in seen:
                issues.append(
                    Issue(
                        table.loc(row, id_key, _rec(label, rid_s)),
                        tr("duplicate {label} id '{id}' (first used in row {row})", label=label,
                           id=rid_s, row=seen[rid_s]),
                    )
                )
                continue
            seen[rid_s] = row.number
        given = rec.__pydantic_fields_set__
        shared = fields_sets.setdefault(frozenset(given), given)
        if shared is not given and len(fields_sets) < 1024:
            object.__setattr__(rec, "__pydantic_fields_set__", shared)
        index.records.append(rec)
        # the record keeps its row number only: the cells are validated into the record
        index.rows.append(Row(row.number, _NO_VALUES))
    return index


_NO_VALUES: dict[str, Any] = {}



def _id_text(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return unicodedata.normalize("NFKC", str(v)).strip()


# the record words the models pass as ``label`` (shown in a located message: "staff 'S012'"),
# catalogued so a Chinese message says 人员 'S012'
_RECORD_WORDS = frozenset((
    N_("staff"), N_("mentor"), N_("mentee"), N_("teacher"), N_("school"), N_("department"),
    N_("center"), N_("village"), N_("title"), N_("target"), N_("source"), N_("project"),
    N_("household"), N_("group"), N_("event"), N_("date"),
))


def _rec(label: str, rid: str | None) -> str | None:
    if rid is None:
        return None
    return f"{tr(label) if label in _RECORD_WORDS else label} '{rid}'"


def id_text(v: Any) -> str:
    """An id as text: ``12.0`` -> ``"12"``, full-width digits normalised."""
    return _id_text(v)


def check_refs(
    index: RecordIndex[Any],
    key: str,
    known: Iterable[str] | Callable[[str], bool],
    *,
    what: str,
    id_of: Callable[[Any], str],
    issues: list[Issue],
    optional: bool = False,
) -> None:
    """Check that field ``key`` of every record names a known ``what``; issues are located."""
    ok = known if callable(known) else set(known).__contains__
    for i, rec in enumerate(index.records):
        value = getattr(rec, key)
        if value is None and optional:
            continue
        if not ok(value):
            issues.append(Issue(index.loc(i, key, id_of(rec)),
                                tr("unknown {what} '{value}'", what=what, value=value)))


def raise_if(issues: list[Issue]) -> None:
    """Raise :class:`InputError` with all issues, if any."""
    if issues:
        raise InputError(issues)


def _name_key(text: Any) -> str:
    """A person's name as compared: NFKC, no spaces (``张 伟`` = ``张伟``)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text)))


def check_names(index: RecordIndex[Any], pairs: Iterable[tuple[str, str]],
                names: Mapping[str, str | None], issues: list[Issue], *,
                sheet: str, rid_key: str | None = None) -> None:
    """Every 姓名 of ``index`` against the name its 工号 has in the people sheet.

    ``pairs``: (id field, name field) of the records (``("staff", "name")``; a pair sheet has
    two). ``names``: id -> name of the people sheet (``sheet``, e.g. ``人员``). A 姓名 cell that
    differs from that name (spaces and full-width forms aside) is an error at the name cell: a
    plan built for the wrong person would be silently wrong. An empty 姓名, an unknown id
    (reported elsewhere) or a person without a name in the people sheet is not checked.
    """
    pairs = tuple(pairs)
    for i, rec in enumerate(index.records):
        for id_field, name_field in pairs:
            given = getattr(rec, name_field, None)
            pid = getattr(rec, id_field, None)
            expected = names.get(pid) if pid is not None else None
            if given is None or not str(given).strip() or not expected:
                continue
            if _name_key(given) != _name_key(expected):
                rid = getattr(rec, rid_key or id_field, None)
                issues.append(Issue(
                    index.loc(i, name_field, None if rid is None else str(rid)),
                    tr("姓名 '{given}' does not match 工号 {id}: the {sheet} sheet names "
                       "{id} '{expected}'; correct the 工号 or the 姓名", given=given, id=pid,
                       sheet=sheet, expected=expected)))
