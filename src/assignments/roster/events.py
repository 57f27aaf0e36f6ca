"""Events during a rotation programme (DOMAIN §R "Changes", seed 篇1 三(四)), read from a workbook.

One sheet 事件 (events), one row per event; a ``类型`` (kind) column says what happened and
which other columns the row needs:

============  ====================================  =======================================
kind          Chinese (accepted aliases)            needs
============  ====================================  =======================================
unavailable   不可用 (病假, 进修, 休假, 产假, ...)      工号, 开始, 结束
left          离职 (调离, 退休)                       工号, 开始 (the first day away)
deferral      后延申请 (后延)                         科室, 季度; 决定 optional (auto)
promotion     晋升申请 (晋升)                         工号; 期限 optional
redispatch    重新下乡 (考核不合格)                    工号; 季度 (failed rotation) and 期限
                                                    optional
seats         名额变更 (名额)                         卫生院, 季度 (from), 名额
recall        擅自调回 (调回)                         工号, 开始; 结束 optional (return day)
refusal       拒派 (拒不派遣)                         科室, 季度
============  ====================================  =======================================

The first six change the roster (:mod:`assignments.roster.replan`); recalls and refusals are
money (:mod:`assignments.roster.ledger`). An optional sheet 参数 (settings) holds 重排日期
(the re-planning date, "as of") and 公布季度数 (how many quarters after the running one are
announced, default 1).

No solver types here; every problem of the file is reported at once, located (file, sheet,
row, column, event id).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from pydantic import ConfigDict, Field, TypeAdapter, field_validator

from assignments.core.calendar import Quarter
from assignments.core.errors import InputError, Issue, Location
from assignments.core.i18n import N_, current_lang, tr
from assignments.core.io import ColumnSpec, Row, SheetSpec, read_tables
from assignments.core.schema import Day, Schema, check_names, id_text, parse_table
from assignments.roster.data import SHEET, DeferralDecision, DeferralRequest, RosterData

__all__ = [
    "EVENT_SHEETS",
    "Event",
    "EventKind",
    "EventLog",
    "event_records",
    "read_events",
]


class EventKind(str, Enum):
    """What happened (the ``类型`` column)."""

    UNAVAILABLE = "unavailable"
    LEFT = "left"
    DEFERRAL = "deferral"
    PROMOTION = "promotion"
    REDISPATCH = "redispatch"
    SEATS = "seats"
    RECALL = "recall"
    REFUSAL = "refusal"

    @property
    def zh(self) -> str:
        """The Chinese name written in tables and generated event files."""
        return _KIND_ZH[self]

    @property
    def changes_roster(self) -> bool:
        """Whether the re-planner acts on this kind (recalls and refusals are money only)."""
        return self not in (EventKind.RECALL, EventKind.REFUSAL)


_KIND_ZH = {
    EventKind.UNAVAILABLE: "不可用",
    EventKind.LEFT: "离职",
    EventKind.DEFERRAL: "后延申请",
    EventKind.PROMOTION: "晋升申请",
    EventKind.REDISPATCH: "重新下乡",
    EventKind.SEATS: "名额变更",
    EventKind.RECALL: "擅自调回",
    EventKind.REFUSAL: "拒派",
}
_KIND_ALIASES: dict[str, EventKind] = {
    **{k.value: k for k in EventKind},
    **{v: k for k, v in _KIND_ZH.items()},
    "病假": EventKind.UNAVAILABLE,
    "生病": EventKind.UNAVAILABLE,
    "进修": EventKind.UNAVAILABLE,
    "休假": EventKind.UNAVAILABLE,
    "产假": EventKind.UNAVAILABLE,
    "请假": EventKind.UNAVAILABLE,
    "illness": EventKind.UNAVAILABLE,
    "studyleave": EventKind.UNAVAILABLE,
    "leave": EventKind.UNAVAILABLE,
    "调离": EventKind.LEFT,
    "退休": EventKind.LEFT,
    "离开": EventKind.LEFT,
    "后延": EventKind.DEFERRAL,
    "晋升": EventKind.PROMOTION,
    "re-dispatch": EventKind.REDISPATCH,
    "redispatch": EventKind.REDISPATCH,
    "考核不合格": EventKind.REDISPATCH,
    "名额": EventKind.SEATS,
    "seatchange": EventKind.SEATS,
    "调回": EventKind.RECALL,
    "拒不派遣": EventKind.REFUSAL,
    "refused": EventKind.REFUSAL,
}

# columns each kind needs (besides 类型)
_NEEDS: dict[EventKind, tuple[str, ...]] = {
    EventKind.UNAVAILABLE: ("staff", "start", "end"),
    EventKind.LEFT: ("staff", "start"),
    EventKind.DEFERRAL: ("department", "quarter"),
    EventKind.PROMOTION: ("staff",),
    EventKind.REDISPATCH: ("staff",),
    EventKind.SEATS: ("center", "quarter", "seats"),
    EventKind.RECALL: ("staff", "start"),
    EventKind.REFUSAL: ("department", "quarter"),
}

C = ColumnSpec
# the 决定 drop-down: the Chinese decisions (English next/last/auto are accepted too)
_DECISION_CHOICES = ("自动后延", "调至最后一批", "自动")
EVENT_SHEETS: tuple[SheetSpec, ...] = (
    SheetSpec(
        "events",
        "事件",
        "events",
        (
            C("id", "编号", "id", required=False,
              note=N_("event id, quoted in 变更 (default E<row>)"), example="E1"),
            C("kind", "类型", "kind",
              note=N_("what happened: 不可用/离职/后延申请/晋升申请/重新下乡/名额变更/"
                      "擅自调回/拒派 (or 病假, 进修, 休假, 产假, 调离, 后延, 晋升, 名额, 调回, "
                      "拒不派遣)"),
              example="不可用", choices=tuple(_KIND_ZH.values()), open_choices=True),
            C("staff", "工号", "staff", required=False, note=N_("staff id (or a unique name)"),
              example="S04"),
            C("name", "姓名", "name", required=False,
              note=N_("the person's name, checked against the 工号 (a mismatch is an error)"),
              example="刘洋"),
            C("department", "科室", "department", required=False,
              note=N_("department id or name")),
            C("center", "卫生院", "center", required=False, note=N_("center id or name")),
            C("start", "开始", "start", required=False,
              note=N_("first day (unavailable, left, recall)"), example="2027-07-01"),
            C("end", "结束", "end", required=False,
              note=N_("last day (unavailable; recall: the day before returning)"),
              example="2027-09-30"),
            C("quarter", "季度", "quarter", required=False,
              note=N_("deferral/refusal: the turn's quarter; seats: from this quarter; "
                      "re-dispatch: the failed rotation")),
            C("decision", "决定", "decision", required=False,
              note=N_("deferral: next (自动后延) / last (调至最后一批) / auto (自动)"),
              choices=_DECISION_CHOICES, open_choices=True),
            C("seats", "名额", "seats", required=False, note=N_("seats change: the new seats")),
            C("deadline", "期限", "deadline", required=False,
              note=N_("promotion / re-dispatch: last quarter to serve in")),
            C("reason", "原因", "reason", required=False, example="进修"),
            C("reported", "报告日期", "reported", required=False,
              note=N_("when the office heard of it")),
        ),
        aliases=("event", "事件记录", "变动"),
    ),
    SheetSpec(
        "settings",
        "参数",
        "settings",
        (
            C("parameter", "参数", "parameter",
              note=N_("重排日期 (as of) or 公布季度数 (announce)"),
              choices=("重排日期", "公布季度数")),
            C("value", "值", "value", required=False),
            C("note", "说明", "note", required=False),
        ),
        required=False,
        aliases=("设置",),
    ),
)

_DAY: TypeAdapter[dt.date] = TypeAdapter(Day)


def _opt_day(v: Any) -> Any:
    return None if v is None else _DAY.validate_python(v)


def _opt_quarter(v: Any) -> Any:
    return None if v is None or v == "" else Quarter.parse(v)


def parse_kind(v: Any) -> EventKind:
    """An event kind from Chinese or English text."""
    if isinstance(v, EventKind):
        return v
    key = unicodedata.normalize("NFKC", str(v)).strip().lower().replace(" ", "").replace("_", "")
    if key in _KIND_ALIASES:
        return _KIND_ALIASES[key]
    raise ValueError(tr("unknown event kind '{kind}'; expected one of {known}", kind=v,
                        known=", ".join(f"{k.zh} ({k.value})" for k in EventKind)))


class Event(Schema):
    """One event (a row of the 事件 sheet)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    id: str = ""
    kind: EventKind
    staff: str | None = None
    name: str | None = None
    department: str | None = None
    center: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    quarter: Quarter | None = None
    decision: DeferralDecision | None = None
    seats: int | None = Field(default=None, ge=0, le=100)
    deadline: Quarter | None = None
    reason: str | None = None
    reported: dt.date | None = None

    _ids = field_validator("id", "staff", "department", "center", mode="before")(
        lambda v: id_text(v) if v is not None else v
    )
    _kind = field_validator("kind", mode="before")(lambda v: parse_kind(v) if v else v)
    _days = field_validator("start", "end", "reported", mode="before")(_opt_day)
    _quarters = field_validator("quarter", "deadline", mode="before")(_opt_quarter)

    @field_validator("decision", mode="before")
    @classmethod
    def _decision(cls, v: Any) -> Any:
        if v is None:
            return None
        return DeferralRequest.model_validate(
            {"department": "x", "quarter": "2000Q1", "decision": v}
        ).decision

    def describe(self, data: RosterData) -> str:
        """One line in the office's terms, e.g. ``E2 不可用 刘洋 2027-07-01–2027-09-30 (进修)``."""
        staff = {s.id: s for s in data.staff}
        depts = {d.id: d for d in data.departments}
        centers = {c.id: c for c in data.centers}
        zh = current_lang() == "zh"
        parts = [self.id, self.kind.zh if zh else self.kind.value]
        if self.staff:
            parts.append(staff[self.staff].label if self.staff in staff else self.staff)
        if self.department:
            d = depts.get(self.department)
            parts.append(d.label if d else self.department)
        if self.center:
            c = centers.get(self.center)
            parts.append(c.label if c else self.center)
        if self.start:
            parts.append(f"{self.start}" + (f"–{self.end}" if self.end else ""))
        if self.quarter:
            parts.append(str(self.quarter))
        if self.decision:
            parts.append(self.decision.value)
        if self.seats is not None:
            parts.append(tr("{n} seats", n=self.seats))
        if self.deadline:
            parts.append(tr("by {deadline}", deadline=self.deadline))
        text = " ".join(parts)
        return text + (f" ({self.reason})" if self.reason else "")


@dataclass
class EventLog:
    """Events read from one or more files, with where each came from.

    Attributes
    ----------
    events
        In file order (files in the order given).
    locations
        Event id -> its row (for messages).
    as_of
        The re-planning date from a 参数 sheet (重排日期), if any.
    announce
        Quarters announced after the running one (公布季度数), if given.
    warnings
        Notices found while reading.
    """

    events: list[Event] = field(default_factory=list)
    locations: dict[str, Location] = field(default_factory=dict)
    as_of: dt.date | None = None
    announce: int | None = None
    warnings: list[str] = field(default_factory=list)

    def where(self, event_id: str) -> Location:
        """Location of an event's row (file, sheet, row, record)."""
        return self.locations.get(event_id, Location(record=tr("event '{id}'", id=event_id)))


_SETTINGS = {
    "as_of": ("重排日期", "as of", "as-of", "asof", "replan date", "日期"),
    "announce": ("公布季度数", "announce quarters", "announce", "horizon", "公布期"),
}


def _settings(table: Any, issues: list[Issue]) -> tuple[dt.date | None, int | None]:
    as_of: dt.date | None = None
    announce: int | None = None
    if table is None:
        return None, None
    lookup = {
        unicodedata.normalize("NFKC", n).strip().lower().replace(" ", ""): key
        for key, names in _SETTINGS.items()
        for n in (key, *names)
    }
    for row in table.rows:
        name = row.values.get("parameter")
        value = row.values.get("value")
        if name is None:
            continue
        key = lookup.get(unicodedata.normalize("NFKC", str(name)).strip().lower().replace(" ", ""))
        loc = table.loc(row, "value", tr("parameter '{name}'", name=name))
        if key is None:
            issues.append(
                Issue(table.loc(row, "parameter"),
                      tr("unknown parameter '{name}'; known: 重排日期 (as of), 公布季度数 "
                         "(announce)", name=name))
            )
            continue
        if value is None:
            continue
        try:
            if key == "as_of":
                as_of = _DAY.validate_python(value)
            else:
                f = float(unicodedata.normalize("NFKC", str(value)))
                if f != int(f) or f < 0:
                    raise ValueError(tr("expected a whole number ≥ 0, got '{value}'",
                                        value=value))
                announce = int(f)
        except ValueError as exc:
            text = str(exc)
            if "validation error" in text:
                text = tr("expected a date like 2027-03-29, got '{value}'", value=value)
            issues.append(Issue(loc, text))
    return as_of, announce


def read_events(paths: str | Path | Sequence[str | Path], data: RosterData) -> EventLog:
    """Read and validate event workbooks (or CSV folders / JSON / YAML) against a problem.

    Parameters
    ----------
    paths
        One file or several; event ids must be unique across them.
    data
        The roster problem the events refer to (staff, departments, centers, programme).

    Raises
    ------
    InputError
        With every problem found, each naming file, sheet, row, column and event id.
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    log = EventLog()
    issues: list[Issue] = []
    for path in paths:
        _read_one(Path(path), data, log, issues)
    if issues:
        raise InputError(issues)
    return log


def _resolver(items: Sequence[Any], name_attr: str = "name") -> dict[str, str]:
    """id -> id and unique name -> id."""
    out = {x.id: x.id for x in items}
    names: dict[str, list[str]] = {}
    for x in items:
        n = getattr(x, name_attr, None)
        if n:
            names.setdefault(n, []).append(x.id)
    for n, ids in names.items():
        if len(ids) == 1:
            out.setdefault(n, ids[0])
    return out


def _read_one(path: Path, data: RosterData, log: EventLog, issues: list[Issue]) -> None:
    try:
        tables = read_tables(path, EVENT_SHEETS)
    except InputError as exc:
        issues.extend(exc.issues)
        return
    table = tables["events"]
    notices: list[Issue] = []
    # default ids from the row number, so that every change can name its event
    if "id" not in table.columns:
        table.columns["id"] = "编号 (id)"
    for row in table.rows:
        if row.values.get("id") is None:
            row.values["id"] = f"E{row.number - 1}"
    index = parse_table(table, Event, label="event", id_key="id", issues=issues, warnings=notices)
    log.warnings += [str(n) for n in notices]
    as_of, announce = _settings(tables.get("settings"), issues)
    if as_of is not None:
        log.as_of = as_of
    if announce is not None:
        log.announce = announce
    staff_ids = _resolver(data.staff)
    dept_ids = _resolver(data.departments)
    center_ids = _resolver(data.centers)
    first, last = data.policy.first_quarter, data.policy.first_quarter + (data.policy.quarters - 1)
    for i, e in enumerate(index.records):
        def bad(key: str, msg: str, e: Event = e, i: int = i) -> None:
            issues.append(Issue(index.loc(i, key, e.id), msg))

        src: Row | None = index.rows[i]
        for key in _NEEDS[e.kind]:
            if getattr(e, key) is None:
                spec = next(c for c in EVENT_SHEETS[0].columns if c.key == key)
                bad(key, tr("a {kind} ({kind_en}) event needs {column}", kind=e.kind.zh,
                            kind_en=e.kind.value, column=spec.header))
        for key, known, what in (
            ("staff", staff_ids, tr("unknown staff '{value}'")),
            ("department", dept_ids, tr("unknown department '{value}'")),
            ("center", center_ids, tr("unknown center '{value}'")),
        ):
            value = getattr(e, key)
            if value is None:
                continue
            if value in known:
                setattr(e, key, known[value])
            else:
                bad(key, what.format(value=value))
        if e.start and e.end and e.end < e.start:
            bad("end", tr("end date {end} is before start date {start}", end=e.end,
                          start=e.start))
        for key in ("quarter", "deadline"):
            q = getattr(e, key)
            if q is not None and not first <= q <= last:
                bad(key, tr("quarter {quarter} is outside the programme {first}–{last}",
                            quarter=q, first=first, last=last))
        if e.kind is EventKind.DEFERRAL and e.decision is None:
            e.decision = DeferralDecision.AUTO
        if e.id in log.locations:
            prev = log.locations[e.id]
            bad("id", tr("duplicate event id '{id}' (first used in {prev})", id=e.id,
                         prev=prev))
            continue
        log.locations[e.id] = table.loc(src, None, tr("event '{id}'", id=e.id))
        log.events.append(e)
    # a 姓名 beside the 工号 (the id or name resolved above) must be that person's name
    check_names(index, (("staff", "name"),), {s.id: s.name for s in data.staff}, issues,
                sheet=SHEET["staff"].zh, rid_key="id")


def event_records(events: Sequence[Event]) -> list[dict[str, Any]]:
    """Events as records for :func:`core.io.write_input_workbook` (the 事件 sheet format)."""
    out = []
    for e in events:
        rec: dict[str, Any] = {"id": e.id, "kind": e.kind.zh}
        for key in ("staff", "name", "department", "center", "start", "end", "seats", "reason",
                    "reported"):
            v = getattr(e, key)
            if v is not None:
                rec[key] = v
        for key in ("quarter", "deadline"):
            v = getattr(e, key)
            if v is not None:
                rec[key] = str(v)
        if e.decision is not None:
            rec["decision"] = e.decision.value
        out.append(rec)
    return out
