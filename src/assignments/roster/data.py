"""Rotation roster input: entities of DOMAIN §R, the workbook format, and cross-record checks.

No solver types here. :func:`read_roster` turns a workbook (or CSV folder / JSON / YAML) into a
validated :class:`RosterData`; every problem of the file is reported at once, located.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from assignments.core.calendar import HolidayOverride, Quarter, WorkCalendar
from assignments.core.errors import InputError, Issue, Location
from assignments.core.i18n import N_, tr, trc
from assignments.core.io import ColumnSpec, SheetSpec, read_tables
from assignments.core.policy import (
    ORGANISATION,
    ORGANISATION_NOTE,
    Param,
    param_rows,
    parse_int,
    read_params,
)
from assignments.core.schema import (
    CappedIssues,
    Day,
    RecordIndex,
    RecordLocations,
    Schema,
    TextList,
    YesNo,
    check_names,
    id_text,
    parse_table,
    split_list,
)

__all__ = [
    "SHEETS",
    "TITLE_TABLE",
    "Center",
    "DeferralDecision",
    "DeferralRequest",
    "Department",
    "Policy",
    "RedispatchTerm",
    "ReplanTerms",
    "RosterData",
    "Staff",
    "Title",
    "TitleRule",
    "Unavailability",
    "read_roster",
]


class Title(str, Enum):
    """Professional title (职称)."""

    JUNIOR = "初级"
    INTERMEDIATE = "中级"
    ASSOCIATE = "副高"
    SENIOR = "正高"

    @property
    def en(self) -> str:
        return _TITLE_EN[self]


_TITLE_EN = {
    Title.JUNIOR: "junior",
    Title.INTERMEDIATE: "intermediate",
    Title.ASSOCIATE: "associate senior",
    Title.SENIOR: "senior",
}
TITLE_TABLE: dict[str, Title] = {
    # the four levels themselves
    "初级": Title.JUNIOR, "中级": Title.INTERMEDIATE, "副高": Title.ASSOCIATE,
    "正高": Title.SENIOR,
    "初级职称": Title.JUNIOR, "中级职称": Title.INTERMEDIATE, "副高级": Title.ASSOCIATE,
    "正高级": Title.SENIOR,
    # 医 (physicians), 中医 (TCM physicians)
    "医士": Title.JUNIOR, "医师": Title.JUNIOR, "住院医师": Title.JUNIOR,
    "中医士": Title.JUNIOR, "中医师": Title.JUNIOR, "住院中医师": Title.JUNIOR,
    "主治医师": Title.INTERMEDIATE, "主治中医师": Title.INTERMEDIATE,
    "副主任医师": Title.ASSOCIATE, "副主任中医师": Title.ASSOCIATE,
    "主任医师": Title.SENIOR, "主任中医师": Title.SENIOR,
    # 护 (nursing)
    "护士": Title.JUNIOR, "护师": Title.JUNIOR, "主管护师": Title.INTERMEDIATE,
    "副主任护师": Title.ASSOCIATE, "主任护师": Title.SENIOR,
    # 药 (pharmacy), 中药
    "药士": Title.JUNIOR, "药师": Title.JUNIOR, "主管药师": Title.INTERMEDIATE,
    "副主任药师": Title.ASSOCIATE, "主任药师": Title.SENIOR,
    "中药士": Title.JUNIOR, "中药师": Title.JUNIOR, "主管中药师": Title.INTERMEDIATE,
    "副主任中药师": Title.ASSOCIATE, "主任中药师": Title.SENIOR,
    # 技 (medical technicians), 检验 (laboratory)
    "技士": Title.JUNIOR, "技师": Title.JUNIOR, "主管技师": Title.INTERMEDIATE,
    "副主任技师": Title.ASSOCIATE, "主任技师": Title.SENIOR,
    "检验士": Title.JUNIOR, "检验师": Title.JUNIOR, "主管检验师": Title.INTERMEDIATE,
    "副主任检验师": Title.ASSOCIATE, "主任检验师": Title.SENIOR,
    # English
    "junior": Title.JUNIOR, "intermediate": Title.INTERMEDIATE, "associate": Title.ASSOCIATE,
    "associatesenior": Title.ASSOCIATE, "senior": Title.SENIOR,
}
"""Professional titles (职称) and the level (级别) each counts as: the four levels, the health
titles of the 卫生专业技术资格 series (医/中医/护/药/中药/技/检验: 士、师 → 初级, 主治/主管 → 中级,
副主任 → 副高, 主任 → 正高) and English names. A workbook adds or overrides entries in its
optional 职称对照 sheet (职称, 级别). Keys are compared after NFKC, lower case, no spaces or
dashes."""
TITLE_CHOICES: tuple[str, ...] = tuple(k for k in TITLE_TABLE if not k.isascii())
"""The Chinese titles of :data:`TITLE_TABLE`: the template's 职称 drop-down."""
YES_NO = ("是", "否")


def _title_key(v: Any) -> str:
    return unicodedata.normalize("NFKC", str(v)).strip().lower().replace(" ", "").replace("-", "")


def known_titles(extra: dict[str, Title] | None = None) -> str:
    """The known titles by level, for messages: '初级: 住院医师、医师、… ; 中级: …'."""
    table = {**TITLE_TABLE, **(extra or {})}
    parts = []
    for level in Title:
        names = [k for k, t in table.items() if t is level and not k.isascii()]
        parts.append(f"{level.value}: " + "、".join(names))
    return "; ".join(parts)


def parse_title(v: Any, extra: dict[str, Title] | None = None) -> Title:
    """A title level from a title: 初级/中级/副高/正高, a health title of :data:`TITLE_TABLE`
    (主治医师, 副主任中医师, 主管护师 …) or an entry of the workbook's 职称对照 sheet
    (``extra``, keys normalised by :func:`_title_key`)."""
    if isinstance(v, Title):
        return v
    key = _title_key(v)
    if extra and key in extra:
        return extra[key]
    if key in TITLE_TABLE:
        return TITLE_TABLE[key]
    raise ValueError(tr(
        "unknown title '{title}'; known titles — {known} (English: junior, intermediate, "
        "associate, senior); add it to the 职称对照 (title map) sheet with its 级别 (level)",
        title=v, known=known_titles(extra)))


class DeferralDecision(str, Enum):
    """The office's decision on a deferral request (后延申请)."""

    NEXT = "next"  # 自动后延: swap turns with the following department
    LAST = "last"  # 调至最后一批: move to the end of the current cycle
    AUTO = "auto"  # the solver proposes next or last, and says so


_DECISION_ALIASES = {
    "next": DeferralDecision.NEXT,
    "自动后延": DeferralDecision.NEXT,
    "后延": DeferralDecision.NEXT,
    "下一批": DeferralDecision.NEXT,
    "last": DeferralDecision.LAST,
    "调至最后一批": DeferralDecision.LAST,
    "最后一批": DeferralDecision.LAST,
    "最后": DeferralDecision.LAST,
    "auto": DeferralDecision.AUTO,
    "自动": DeferralDecision.AUTO,
    "由系统决定": DeferralDecision.AUTO,
    "待定": DeferralDecision.AUTO,
}


def _quarter(v: Any) -> Quarter | None:
    if v is None or v == "":
        return None
    return Quarter.parse(v)


# ------------------------------------------------------------------ records (one row each)


class Center(Schema):
    """A township health center (受援卫生院)."""

    id: str
    name: str | None = None
    seats: int = Field(3, ge=1, le=100)
    specialties: TextList = Field(default_factory=list)
    min_intermediate: int | None = Field(None, ge=0)

    _id = field_validator("id", mode="before")(lambda v: id_text(v) if v is not None else v)

    @field_validator("seats", mode="before")
    @classmethod
    def _default_seats(cls, v: Any) -> Any:
        return 3 if v is None else v

    @property
    def label(self) -> str:
        return self.name or self.id

    def specialty_weights(self) -> dict[str, int]:
        """Requested specialties with weights: ``儿科:2、中医`` -> {儿科: 2, 中医: 1}."""
        out: dict[str, int] = {}
        for item in self.specialties:
            name, _, w = item.replace("：", ":").partition(":")
            out[name.strip()] = int(w) if w.strip() else 1
        return out

    @field_validator("specialties")
    @classmethod
    def _weights_are_numbers(cls, v: list[str]) -> list[str]:
        for item in v:
            _, sep, w = item.replace("：", ":").partition(":")
            if sep and not w.strip().isdigit():
                raise ValueError(tr(
                    "specialty '{item}': the weight after ':' must be a whole number ≥ 0",
                    item=item))
        return v


class Department(Schema):
    """A department (科室) with its place in the published dispatch order (下乡排序)."""

    id: str
    name: str | None = None
    order: int = Field(ge=1)
    turn_size: int | None = Field(None, ge=1)
    specialty: str | None = None

    _id = field_validator("id", mode="before")(lambda v: id_text(v) if v is not None else v)

    @property
    def label(self) -> str:
        return self.name or self.id


class Staff(Schema):
    """A staff member who may be sent."""

    id: str
    name: str | None = None
    department: str
    title: Title
    title_name: str | None = None  # the title as written (主治医师), when it is not a level
    specialty: str | None = None
    promotion_candidate: YesNo = False
    promotion_deadline: Quarter | None = None
    times_served: int = Field(0, ge=0)
    last_served: Quarter | None = None

    model_config = ConfigDict(arbitrary_types_allowed=True)

    _id = field_validator("id", "department", mode="before")(
        lambda v: id_text(v) if v is not None else v
    )
    _title = field_validator("title", mode="before")(lambda v: parse_title(v) if v else v)
    _q = field_validator("promotion_deadline", "last_served", mode="before")(_quarter)

    @field_validator("times_served", mode="before")
    @classmethod
    def _zero(cls, v: Any) -> Any:
        return 0 if v is None else v

    @property
    def label(self) -> str:
        return self.name or self.id


class Unavailability(Schema):
    """A period in which a person cannot serve (进修, 休假, 产假, ...)."""

    staff: str
    start: Day
    end: Day
    reason: str | None = None
    name: str | None = None  # 姓名 beside 工号: checked against the 人员 sheet

    _id = field_validator("staff", mode="before")(lambda v: id_text(v) if v is not None else v)


class DeferralRequest(Schema):
    """A department's request to defer its turn (后延申请) and the office's decision."""

    department: str
    quarter: Quarter
    decision: DeferralDecision = DeferralDecision.AUTO
    reason: str | None = None

    model_config = ConfigDict(arbitrary_types_allowed=True)

    _id = field_validator("department", mode="before")(lambda v: id_text(v) if v is not None else v)
    _q = field_validator("quarter", mode="before")(_quarter)

    @field_validator("decision", mode="before")
    @classmethod
    def _decision(cls, v: Any) -> Any:
        if v is None:
            return DeferralDecision.AUTO
        if isinstance(v, DeferralDecision):
            return v
        key = unicodedata.normalize("NFKC", str(v)).strip().lower()
        if key in _DECISION_ALIASES:
            return _DECISION_ALIASES[key]
        raise ValueError(tr(
            "unknown decision '{value}'; expected next (自动后延), last (调至最后一批) or auto "
            "(自动)", value=v))


class TitleMapRow(Schema):
    """A row of the optional 职称对照 sheet: a title and the level it counts as."""

    title: str
    level: Title

    @field_validator("level", mode="before")
    @classmethod
    def _level(cls, v: Any) -> Any:
        if v is None or v == "" or isinstance(v, Title):
            return v
        levels = {"初级": Title.JUNIOR, "中级": Title.INTERMEDIATE, "副高": Title.ASSOCIATE,
                  "正高": Title.SENIOR, "junior": Title.JUNIOR,
                  "intermediate": Title.INTERMEDIATE, "associate": Title.ASSOCIATE,
                  "senior": Title.SENIOR}
        key = _title_key(v)
        if key not in levels:
            raise ValueError(tr("unknown level '{value}'; expected 初级, 中级, 副高 or 正高 "
                                "(junior, intermediate, associate, senior)", value=v))
        return levels[key]


class HolidayRow(Schema):
    """A row of the optional 节假日 sheet."""

    day: Day
    kind: str
    name: str | None = None

    @field_validator("kind")
    @classmethod
    def _kind(cls, v: str) -> str:
        key = unicodedata.normalize("NFKC", v).strip().lower()
        if key in {"休", "假", "holiday", "off", "休息", "节假日", "放假"}:
            return "holiday"
        if key in {"班", "work", "workday", "working", "上班", "补班", "工作日"}:
            return "workday"
        raise ValueError(tr("expected 休 (holiday) or 班 (workday), got '{value}'", value=v))


class TitleRule(BaseModel):
    """At least ``minimum`` of a center's seats per quarter hold one of ``titles``.

    ``minimum`` = ``None`` means "a majority of the center's seats".
    """

    titles: tuple[Title, ...] = (Title.INTERMEDIATE,)
    minimum: int | None = None

    def required(self, seats: int) -> int:
        """Seats of these titles needed at a center with ``seats`` seats."""
        return seats // 2 + 1 if self.minimum is None else min(self.minimum, seats)


ObjectiveName = Literal["promotion", "departures", "mix", "fairness", "changes"]
DEFAULT_WEIGHTS: dict[str, int] = {
    "promotion": 1000, "departures": 100, "mix": 10, "fairness": 1, "changes": 1,
}
DEFAULT_ORDER: tuple[ObjectiveName, ...] = ("promotion", "departures", "mix", "fairness", "changes")


class Policy(BaseModel):
    """Programme parameters (the 方案 sheet); every figure of DOMAIN §R is a default here."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    first_quarter: Quarter
    organisation: str | None = None  # 单位名称: page headers and notices
    quarters: int = Field(12, ge=1, le=80)
    subsidy_days_per_month: int = Field(22, ge=0)
    subsidy_per_day: int = Field(20, ge=0)
    subsidy_months: int = Field(3, ge=0)
    reward_per_person: int = Field(1000, ge=0)
    refusal_fine: int = Field(2000, ge=0)
    recall_fine_per_day: int = Field(40, ge=0)
    title_rule: TitleRule = TitleRule()
    title_mix_hard: bool = True
    title_weight: int = Field(10, ge=0)
    objective_mode: Literal["lexicographic", "weighted"] = "lexicographic"
    objective_order: tuple[ObjectiveName, ...] = DEFAULT_ORDER
    weights: dict[str, int] = Field(
        default_factory=lambda: {
            "promotion": 1000,
            "departures": 100,
            "mix": 10,
            "fairness": 1,
            "changes": 1,
        }
    )
    strict_calendar: bool = False
    # ---- operations during the programme (duties, assessment, re-planning; DOMAIN §R 四, 三(四))
    teaching_interval_days: int = Field(14, ge=1)
    teaching_min_sessions: int = Field(4, ge=0)
    teaching_min_gap_days: int = Field(7, ge=0)
    rounds_interval_days: int = Field(7, ge=1)
    rounds_min: int = Field(8, ge=0)
    attendance_min_percent: float = Field(80.0, ge=0, le=100)
    deduction_months: tuple[int, int, int] = (1, 2, 2)
    redispatch_fine: int = Field(500, ge=0)
    leave_written_days: int = Field(3, ge=1)
    announce_quarters: int = Field(1, ge=0)

    _q = field_validator("first_quarter", mode="before")(_quarter)

    @property
    def subsidy_per_rotation(self) -> int:
        """22 days × 20 yuan × 3 months = 1,320 yuan by default."""
        return self.subsidy_days_per_month * self.subsidy_per_day * self.subsidy_months

    @property
    def subsidy_per_month(self) -> int:
        """One month of the rural subsidy (22 days × 20 yuan = 440 yuan by default)."""
        return self.subsidy_days_per_month * self.subsidy_per_day


# ------------------------------------------------------------------ sheets

C = ColumnSpec
SHEETS: tuple[SheetSpec, ...] = (
    SheetSpec(
        "policy",
        "方案",
        "programme",
        (
            C(
                "parameter",
                "参数",
                "parameter",
                note=N_("parameter name (Chinese or English)"),
                example="起始季度",
            ),
            C("value", "值", "value", required=False,
              note=N_("its value (empty: the default)"), example="2027Q1"),
            C("note", "说明", "note", required=False,
              note=N_("meaning, unit, allowed values and default (free text, ignored)")),
        ),
        note="programme parameters, one per row",
    ),
    SheetSpec(
        "centers",
        "卫生院",
        "centers",
        (
            C("id", "编号", "id", note=N_("center id (unique)"), example="WSY1"),
            C("name", "名称", "name", required=False, note=N_("center name (reports show it)"),
              example="石桥镇卫生院"),
            C(
                "seats",
                "名额",
                "seats",
                required=False,
                note=N_("people per quarter, a whole number 1–100 (default 3)"),
                example=3,
            ),
            C(
                "specialties",
                "特色",
                "specialties",
                required=False,
                note=N_("requested specialties, 、-separated, optional whole weight after ':' "
                        "(default weight 1; empty: none)"),
                example="儿科:2、中医",
            ),
            C(
                "min_intermediate",
                "中级最少",
                "min_intermediate",
                required=False,
                note=N_("people of the 方案's 职称要求 titles needed per quarter at this center, "
                        "a whole number ≤ 名额 (default: the 方案's 中级最少, a majority)"),
                example=2,
            ),
        ),
        aliases=("center", "health centers", "受援卫生院"),
    ),
    SheetSpec(
        "departments",
        "科室",
        "departments",
        (
            C("id", "编号", "id", note=N_("department id (unique)"), example="D01"),
            C("name", "名称", "name", required=False,
              note=N_("department name (the 科室 drop-downs of other sheets list it)"),
              example="心内科"),
            C(
                "order",
                "顺序",
                "order",
                note=N_("position in the published dispatch order, a whole number (1 = first)"),
                example=1,
                aliases=("下乡排序", "排序"),
            ),
            C(
                "turn_size",
                "每批人数",
                "turn_size",
                required=False,
                note=N_("people sent when its turn comes, a whole number ≥ 1 (default: all "
                        "seats of one quarter)"),
                example=3,
            ),
            C(
                "specialty",
                "专业",
                "specialty",
                required=False,
                note=N_("default specialty of its staff (default: the department's name)"),
                example="心血管",
            ),
        ),
        aliases=("department",),
    ),
    SheetSpec(
        "staff",
        "人员",
        "staff",
        (
            C("id", "工号", "id", note=N_("staff id (unique)"), example="S001",
              aliases=("编号",)),
            C("name", "姓名", "name", required=False,
              note=N_("name (other sheets' 姓名 are checked against it)"), example="张伟"),
            C("department", "科室", "department",
              note=N_("department name or id of the 科室 sheet"), example="心内科",
              choices="departments.name", open_choices=True),
            C("title", "职称", "title", note=N_("初级/中级/副高/正高, or a title of the title "
              "table (主治医师, 主管护师 …) or of the 职称对照 sheet"), example="主治医师",
              choices=TITLE_CHOICES, open_choices=True),
            C(
                "specialty",
                "专业",
                "specialty",
                required=False,
                note=N_("the person's specialty (default: the department's 专业)"),
                example="心血管",
            ),
            C(
                "promotion_candidate",
                "晋升候选",
                "promotion_candidate",
                required=False,
                note=N_("是/否: needs rural service for promotion (default 否)"),
                example="是",
                choices=YES_NO,
            ),
            C(
                "promotion_deadline",
                "晋升期限",
                "promotion_deadline",
                required=False,
                note=N_("quarter by which a candidate must have served, e.g. 2028Q2 (empty: "
                        "by the end of the programme)"),
                example="2028Q4",
            ),
            C(
                "times_served",
                "下乡次数",
                "times_served",
                required=False,
                note=N_("rotations served before this programme, a whole number (default 0)"),
                example=0,
            ),
            C(
                "last_served",
                "上次下乡",
                "last_served",
                required=False,
                note=N_("quarter of the last rotation before this programme, e.g. 2025Q3 "
                        "(empty: never)"),
                example="2025Q3",
            ),
        ),
        aliases=("people", "人员名单"),
    ),
    SheetSpec(
        "unavailability",
        "不可用",
        "unavailability",
        (
            C("staff", "工号", "staff", note=N_("staff id of the 人员 sheet"), example="S001",
              aliases=("staff_id",), choices="staff.id"),
            C("name", "姓名", "name", required=False,
              note=N_("the person's name, checked against the 工号 (a mismatch is an error)"),
              example="张伟"),
            C(
                "start",
                "开始",
                "start",
                note=N_("first day unavailable, a date"),
                example="2027-03-01",
                aliases=("开始日期",),
            ),
            C(
                "end",
                "结束",
                "end",
                note=N_("last day unavailable, a date"),
                example="2027-08-31",
                aliases=("结束日期",),
            ),
            C("reason", "原因", "reason", required=False,
              note=N_("free text (reports show it)"), example="进修"),
        ),
        required=False,
        aliases=("leave", "leaves", "请假"),
    ),
    SheetSpec(
        "deferrals",
        "后延申请",
        "deferrals",
        (
            C("department", "科室", "department",
              note=N_("department name or id of the 科室 sheet"), example="心内科",
              choices="departments.name", open_choices=True),
            C(
                "quarter",
                "季度",
                "quarter",
                note=N_("the quarter of the turn to defer, e.g. 2027Q3"),
                example="2027Q3",
            ),
            C(
                "decision",
                "决定",
                "decision",
                required=False,
                note=N_("自动后延 (swap with the next department) / 调至最后一批 (to the end of "
                        "the cycle) / 自动 (the solver proposes; default)"),
                example="自动后延",
                choices=("自动后延", "调至最后一批", "自动"),
            ),
            C("reason", "原因", "reason", required=False,
              note=N_("free text (reports show it)"), example="两人进修"),
        ),
        required=False,
        aliases=("deferral requests", "后延"),
    ),
    SheetSpec(
        "title_map",
        "职称对照",
        "title map",
        (
            C("title", "职称", "title", note=N_("a title as written in the 人员 sheet"),
              example="副主任康复治疗师"),
            C("level", "级别", "level", note=N_("the level it counts as: 初级/中级/副高/正高"),
              example="副高", choices=("初级", "中级", "副高", "正高")),
        ),
        required=False,
        note="titles the built-in title table does not know (or counts differently)",
        aliases=("titles", "职称级别"),
    ),
    SheetSpec(
        "holidays",
        "节假日",
        "holidays",
        (
            C("day", "日期", "date", note=N_("a date"), example="2027-10-01"),
            C("kind", "类型", "kind", note=N_("休 (holiday) or 班 (make-up workday)"),
              example="休", choices=("休", "班")),
            C("name", "名称", "name", required=False, note=N_("free text"), example="国庆节"),
        ),
        required=False,
        aliases=("holiday",),
    ),
)
SHEET = {s.key: s for s in SHEETS}

_OBJECTIVE_ALIASES = {
    "promotion": "promotion",
    "晋升": "promotion",
    "departures": "departures",
    "顺序": "departures",
    "mix": "mix",
    "搭配": "mix",
    "职称与特色": "mix",
    "fairness": "fairness",
    "公平": "fairness",
    "changes": "changes",
    "变更": "changes",
}


def _objective_order(value: Any) -> tuple[str, ...]:
    order = []
    for p in split_list(value):
        k = _OBJECTIVE_ALIASES.get(p.strip().lower())
        if k is None:
            raise ValueError(tr(
                "unknown objective '{value}'; expected 晋升/顺序/搭配/公平/变更 (promotion, "
                "departures, mix, fairness, changes)", value=p))
        order.append(k)
    return tuple(order)


def _title_minimum(value: Any) -> int | None:
    text = unicodedata.normalize("NFKC", str(value)).strip()
    return None if text in ("过半", "majority", "多数") else parse_int(value)


def _deduction_months(value: Any) -> tuple[int, ...]:
    parts = [parse_int(p) for p in split_list(value)]
    if len(parts) != 3 or min(parts) < 0:
        raise ValueError(tr(
            "expected three whole months for 1, 2 and 3 failed items, e.g. '1、2、2', got "
            "'{value}'", value=value))
    return tuple(parts)


P = Param
POLICY_PARAMS: tuple[Param, ...] = (
    P("first_quarter", "起始季度", "first quarter", ("开始季度", "start quarter"),
      kind="quarter", required=True, example="2027Q1"),
    P("quarters", "季度数", "number of quarters", ("quarters",), kind="int"),
    P("subsidy_days_per_month", "每月补助天数", "subsidy days per month", ("每月天数",),
      kind="int"),
    P("subsidy_per_day", "每天补助", "subsidy per day", ("每日补助",), kind="int"),
    P("subsidy_months", "补助月数", "subsidy months", kind="int"),
    P("reward_per_person", "科室奖励", "reward per person", ("每人科室奖励",), kind="int"),
    P("refusal_fine", "拒派罚款", "refusal fine", ("拒不派遣罚款",), kind="int"),
    P("recall_fine_per_day", "调回罚款", "recall fine per day", ("擅自调回罚款",), kind="int"),
    P("title_rule.minimum", "中级最少", "title minimum", ("中级职称最少", "min intermediate"),
      parse=_title_minimum),
    P("title_rule.titles", "职称要求", "title rule titles", ("title titles",), kind="list",
      item=parse_title),
    P("title_mix_hard", "职称为硬约束", "title mix hard", ("职称硬约束",), kind="bool"),
    P("title_weight", "职称权重", "title weight", kind="int"),
    P("objective_mode", "目标模式", "objective mode", kind="enum",
      choices={"字典序": "lexicographic", "分层": "lexicographic", "lexicographic": "lexicographic",
               "加权": "weighted", "weighted": "weighted"},
      expected="字典序 or 加权 (lexicographic, weighted)"),
    P("objective_order", "目标顺序", "objective order", parse=_objective_order),
    P("strict_calendar", "严格日历", "strict calendar", kind="bool"),
    P("weights.promotion", "晋升权重", "weight promotion", kind="int"),
    P("weights.departures", "顺序权重", "weight departures", kind="int"),
    P("weights.mix", "搭配权重", "weight mix", kind="int"),
    P("weights.fairness", "公平权重", "weight fairness", kind="int"),
    P("weights.changes", "变更权重", "weight changes", kind="int"),
    P("teaching_interval_days", "授课间隔天数", "teaching interval days", kind="int"),
    P("teaching_min_sessions", "授课最少次数", "teaching minimum sessions", kind="int"),
    P("teaching_min_gap_days", "授课最小间隔天数", "teaching minimum gap days", kind="int"),
    P("rounds_interval_days", "查房间隔天数", "rounds interval days", kind="int"),
    P("rounds_min", "查房最少次数", "rounds minimum", kind="int"),
    P("attendance_min_percent", "考勤最低比例", "attendance minimum percent", kind="percent"),
    P("deduction_months", "扣除补助月数", "deduction months", parse=_deduction_months),
    P("redispatch_fine", "重新下乡罚款", "re-dispatch fine", kind="int"),
    P("leave_written_days", "书面请假天数", "written leave days", kind="int"),
    P("announce_quarters", "公布季度数", "announce quarters", kind="int"),
    ORGANISATION,  # 单位名称: page headers and notices (last: the lists of names stay)
)
"""The 方案 (programme) parameters: Chinese and English names, kinds (defaults: :class:`Policy`)."""

PARAM_NOTES: dict[str, str] = {
    "organisation": ORGANISATION_NOTE,
    "first_quarter": N_("first quarter of the programme (the handover early in its first month)"),
    "quarters": N_("length of the programme, in quarters"),
    "subsidy_days_per_month": N_("working days paid per month of the rural subsidy, days"),
    "subsidy_per_day": N_("rural subsidy per working day, yuan"),
    "subsidy_months": N_("months paid per rotation (a quarter), months"),
    "reward_per_person": N_("reward to the department per person sent, yuan"),
    "refusal_fine": N_("fine of a department that refuses to send, yuan"),
    "recall_fine_per_day": N_("fine per day of a person recalled early without leave, yuan"),
    "title_rule.minimum": N_("people of the 职称要求 titles needed per center and quarter (R4): "
                             "a whole number, or 过半 (a majority of its seats)"),
    "title_rule.titles": N_("titles that count for 中级最少 (R4), 、-separated levels"),
    "title_mix_hard": N_("是: the title rule R4 is hard; 否: a soft goal weighed by 职称权重"),
    "title_weight": N_("points per missing title seat when the title rule is soft"),
    "objective_mode": N_("字典序: the goals in 目标顺序 one after the other; 加权: one weighted "
                         "sum"),
    "objective_order": N_(
        "order of the goals: 晋升、顺序、搭配、公平、变更 (promotion, departures, mix, fairness, "
        "changes)"),
    "strict_calendar": N_("是: a year the holiday calendar does not know is refused (add a 节假日 "
                          "sheet); 否: estimated, with a warning"),
    "weights.promotion": N_("weight of promotion deadlines met (加权 mode), points"),
    "weights.departures": N_("weight of the published dispatch order kept (加权 mode), points"),
    "weights.mix": N_("weight of the title and specialty mix (加权 mode), points"),
    "weights.fairness": N_("weight of fair turns among the staff (加权 mode), points"),
    "weights.changes": N_("weight of changes to a published roster (re-planning), points"),
    "teaching_interval_days": N_("duties: one teaching session due every this many days"),
    "teaching_min_sessions": N_("duties: teaching sessions needed per rotation"),
    "teaching_min_gap_days": N_("duties: days at least between two teaching sessions"),
    "rounds_interval_days": N_("duties: one ward round due every this many days"),
    "rounds_min": N_("duties: ward rounds needed per rotation"),
    "attendance_min_percent": N_("assessment: attendance needed, percent of the working days"),
    "deduction_months": N_("assessment: subsidy months deducted for 1, 2 and 3 failed items"),
    "redispatch_fine": N_("fine when a person must serve again (all items failed), yuan"),
    "leave_written_days": N_("leave of more than this many days needs a written request, days"),
    "announce_quarters": N_("re-planning: quarters announced after the running one (kept as "
                            "published)"),
}
"""What each 方案 parameter means, with its unit (the template's 说明 column)."""


def policy_template_rows() -> list[dict[str, Any]]:
    """The template's 方案 rows: every parameter, its default, meaning, unit and allowed
    values (in the current language)."""
    from assignments.core.i18n import current_lang

    zh = current_lang() == "zh"
    objectives: dict[str, str] = {}
    for k, v in _OBJECTIVE_ALIASES.items():
        if (not k.isascii()) == zh:
            objectives.setdefault(v, k)
    return param_rows(POLICY_PARAMS, Policy, PARAM_NOTES, shown={
        "organisation": trc("template example", "Qingshan County People's Hospital"),
        "title_rule.minimum": trc("template example", "majority"),
        "title_rule.titles": "、".join(t.value if zh else t.en for t in TitleRule().titles),
        "objective_order": "、".join(objectives[k] for k in DEFAULT_ORDER),
        "deduction_months": "、".join(map(str, Policy.model_fields["deduction_months"].default)),
    })


# ------------------------------------------------------------------ re-planning terms


@dataclass(frozen=True)
class RedispatchTerm:
    """A person who must serve once more (re-dispatch after failing every assessment item).

    Attributes
    ----------
    staff
        Staff id.
    earliest, deadline
        Quarter indices: the first and the last quarter the new service may take.
    source
        The event that asked for it (its id), for reports.
    """

    staff: str
    earliest: int
    deadline: int
    source: str = ""


@dataclass
class ReplanTerms:
    """What re-planning adds to a problem (see :mod:`assignments.roster.replan`).

    Attributes
    ----------
    published
        The published roster: (staff id, quarter index) -> center id.
    frozen
        Quarters ``0 .. frozen - 1`` are kept exactly as published (started or announced).
    minimize_changes
        Whether the ``changes`` objective level counts differences from ``published``.
    redispatch
        People who must serve again (rule R10).
    """

    published: dict[tuple[str, int], str]
    frozen: int = 0
    minimize_changes: bool = True
    redispatch: list[RedispatchTerm] = field(default_factory=list)


# ------------------------------------------------------------------ the validated whole


@dataclass
class RosterData:
    """A validated roster problem.

    Attributes
    ----------
    policy
        Programme parameters.
    centers, departments, staff, unavailability, deferrals
        Records in input order; departments sorted by their published order.
    calendar
        Working-day calendar (library + 节假日 sheet).
    source
        Path of the input, for messages.
    warnings
        Notices found while reading (unknown columns ignored, full-width digits converted, ...).
    seat_changes
        ``(center id, first quarter index, seats)``: a center's seats from a quarter on (set by
        re-planning events; :meth:`center_seats`).
    replan
        Re-planning terms (published roster, frozen quarters, re-dispatches), or ``None``.
    """

    policy: Policy
    centers: list[Center]
    departments: list[Department]
    staff: list[Staff]
    unavailability: list[Unavailability] = field(default_factory=list)
    deferrals: list[DeferralRequest] = field(default_factory=list)
    calendar: WorkCalendar = field(default_factory=WorkCalendar)
    source: str | None = None
    warnings: list[str] = field(default_factory=list)
    locations: dict[tuple[str, str], Location] = field(default_factory=dict)
    seat_changes: list[tuple[str, int, int]] = field(default_factory=list)
    replan: ReplanTerms | None = None

    # ---- derived helpers (pure Python; used by the model and the checker alike)
    def center_seats(self, center_id: str, q: int) -> int:
        """Seats of a center in quarter index ``q`` (its 名额, or a later seat change)."""
        seats = next(c.seats for c in self.centers if c.id == center_id)
        for cid, start, n in sorted(self.seat_changes, key=lambda x: x[1]):
            if cid == center_id and start <= q:
                seats = n
        return seats

    def quarter_seats(self) -> list[int]:
        """Seats of all centers in each quarter of the programme."""
        if not self.seat_changes:
            return [self.seats_per_quarter] * self.policy.quarters
        return [
            sum(self.center_seats(c.id, q) for c in self.centers)
            for q in range(self.policy.quarters)
        ]

    @property
    def quarters(self) -> list[Quarter]:
        """The programme's quarters in order."""
        q0 = self.policy.first_quarter
        return [q0 + i for i in range(self.policy.quarters)]

    @property
    def seats_per_quarter(self) -> int:
        """Seats of all centers in one quarter."""
        return sum(c.seats for c in self.centers)

    def turn_size(self, d: Department) -> int:
        """People ``d`` sends when its turn comes (default: all seats of one quarter)."""
        return d.turn_size if d.turn_size is not None else self.seats_per_quarter

    def department_of(self, staff: Staff) -> Department:
        return self._dept_by_id[staff.department]

    @functools.cached_property
    def _dept_by_id(self) -> dict[str, Department]:
        return {d.id: d for d in self.departments}

    def specialty(self, s: Staff) -> str | None:
        """A person's specialty: their own, else their department's, else its name."""
        if s.specialty:
            return s.specialty
        d = self._dept_by_id[s.department]
        return d.specialty or d.label

    def periods(self) -> list[tuple[date, date]]:
        """(handover day, last day) of every quarter."""
        return [self.calendar.quarter_period(q) for q in self.quarters]

    def available(self) -> dict[str, list[bool]]:
        """staff id -> per quarter: no unavailable day overlaps the quarter (rule 2)."""
        periods = self.periods()
        out = {s.id: [True] * len(periods) for s in self.staff}
        for u in self.unavailability:
            for i, (a, b) in enumerate(periods):
                if u.start <= b and a <= u.end:
                    out[u.staff][i] = False
        return out

    def blocking_leave(self, staff_id: str, qi: int) -> Unavailability | None:
        """The first unavailability of a person overlapping quarter ``qi``."""
        a, b = self.periods()[qi]
        return next(
            (u for u in self.unavailability if u.staff == staff_id and u.start <= b and a <= u.end),
            None,
        )

    def where(self, kind: str, rid: str) -> str:
        """'county.xlsx, sheet 人员, row 12' for a record, or '' when unknown."""
        loc = self.locations.get((kind, rid))
        return str(Location(loc.file, loc.sheet, loc.row)) if loc else ""


def _policy(issues: list[Issue], tables: dict[str, Any]) -> Policy | None:
    table = tables.get("policy")
    if table is None:
        return None
    sheet = read_params(table, POLICY_PARAMS)
    raw = dict(sheet.values)
    if "weights" in raw:
        raw["weights"] = {**DEFAULT_WEIGHTS, **raw["weights"]}
    policy = sheet.validate(Policy, raw) if "first_quarter" in raw else None
    issues.extend(sheet.issues)
    return policy


def read_roster(path: str | Path, *, strict_calendar: bool | None = None) -> RosterData:
    """Read and validate a roster workbook (or CSV folder / JSON / YAML).

    Raises
    ------
    InputError
        With every problem of the file, each naming file, sheet, row, column and record.
    """
    tables = read_tables(path, SHEETS, nonempty=("centers", "departments", "staff"))
    issues: list[Issue] = []
    notices: list[Issue] = CappedIssues()  # at most 100 of one kind, the rest counted
    policy = _policy(issues, tables)
    centers = parse_table(
        tables.get("centers"), Center, label="center", id_key="id", issues=issues, warnings=notices
    )
    depts = parse_table(
        tables.get("departments"),
        Department,
        label="department",
        id_key="id",
        issues=issues,
        warnings=notices,
    )
    # the workbook's title map (职称对照) first: staff titles are read through it
    title_rows = parse_table(
        tables.get("title_map"), TitleMapRow, label="title", record_key="title", issues=issues,
        warnings=notices,
    )
    extra_titles = {_title_key(r.title): r.level for r in title_rows}
    if "staff" in tables:
        for row in tables["staff"].rows:
            raw = row.values.get("title")
            if raw is None or raw == "" or isinstance(raw, Title):
                continue
            text = str(raw).strip()
            if text not in {t.value for t in Title}:
                row.values["title_name"] = text
            if _title_key(raw) in extra_titles:
                row.values["title"] = extra_titles[_title_key(raw)]
    staff = parse_table(
        tables.get("staff"), Staff, label="staff", id_key="id", issues=issues, warnings=notices
    )
    unav = parse_table(
        tables.get("unavailability"),
        Unavailability,
        label="staff",
        record_key="staff",
        issues=issues,
        warnings=notices,
    )
    defer = parse_table(
        tables.get("deferrals"),
        DeferralRequest,
        label="department",
        record_key="department",
        issues=issues,
        warnings=notices,
    )
    hol = parse_table(
        tables.get("holidays"), HolidayRow, label="date", issues=issues, warnings=notices
    )

    # ---- cross-record rules
    if "centers" in tables and not tables["centers"].rows:
        issues.append(Issue(Location(str(path), tables["centers"].sheet),
                            tr("no health centers")))
    if "departments" in tables and not tables["departments"].rows:
        issues.append(Issue(Location(str(path), tables["departments"].sheet),
                            tr("no departments")))
    dept_ids = {d.id for d in depts}
    by_name: dict[str, str] = {}
    for d in depts:
        if d.name:
            by_name.setdefault(d.name, d.id)
    orders: dict[int, str] = {}
    for i, d in enumerate(depts.records):
        if d.order in orders:
            issues.append(
                Issue(
                    depts.loc(i, "order", d.id),
                    tr("order {order} is also used by department '{other}'", order=d.order,
                       other=orders[d.order]),
                )
            )
        orders.setdefault(d.order, d.id)

    def resolve_dept(index: RecordIndex[Any], i: int, rec: Any, rid: str | None) -> None:
        ref = rec.department
        if ref in dept_ids or ref in depts.rejected:  # an invalid row is reported already
            return
        if ref in by_name:
            rec.department = by_name[ref]
            return
        issues.append(Issue(index.loc(i, "department", rid),
                            tr("unknown department '{value}'", value=ref)))

    for i, s in enumerate(staff.records):
        resolve_dept(staff, i, s, s.id)
        if s.promotion_deadline is not None and not s.promotion_candidate:
            notices.append(
                Issue(
                    staff.loc(i, "promotion_deadline", s.id),
                    tr("a promotion deadline is given but 晋升候选 is not 是; the person is "
                       "treated as a promotion candidate"),
                )
            )
            s.promotion_candidate = True
    staff_ids = {s.id for s in staff}
    check_names(unav, (("staff", "name"),), {s.id: s.name for s in staff}, issues,
                sheet=SHEET["staff"].zh)
    for i, u in enumerate(unav.records):
        if u.staff not in staff_ids and u.staff not in staff.rejected:
            issues.append(Issue(unav.loc(i, "staff", u.staff),
                                tr("unknown staff '{value}'", value=u.staff)))
        if u.end < u.start:
            issues.append(
                Issue(
                    unav.loc(i, "end", u.staff),
                    tr("end date {end} is before start date {start}", end=u.end, start=u.start),
                )
            )
    for i, r in enumerate(defer.records):
        resolve_dept(defer, i, r, r.department)
    if policy is not None:
        last = policy.first_quarter + (policy.quarters - 1)
        for i, s in enumerate(staff.records):
            dl = s.promotion_deadline
            if dl is not None and dl < policy.first_quarter:
                issues.append(
                    Issue(
                        staff.loc(i, "promotion_deadline", s.id),
                        tr("deadline {deadline} is before the programme starts ({first})",
                           deadline=dl, first=policy.first_quarter),
                    )
                )
        for i, r in enumerate(defer.records):
            if not policy.first_quarter <= r.quarter <= last:
                issues.append(
                    Issue(
                        defer.loc(i, "quarter", r.department),
                        tr("quarter {quarter} is outside the programme {first}–{last}",
                           quarter=r.quarter, first=policy.first_quarter, last=last),
                    )
                )
        for i, c in enumerate(centers.records):
            need = (
                policy.title_rule.required(c.seats)
                if c.min_intermediate is None
                else (c.min_intermediate)
            )
            if c.min_intermediate is not None and c.min_intermediate > c.seats:
                issues.append(
                    Issue(
                        centers.loc(i, "min_intermediate", c.id),
                        tr("{need} intermediate seats asked for, but the center has only "
                           "{seats} seats", need=need, seats=c.seats),
                    )
                )
    for i, d in enumerate(depts.records):
        # every department needs staff
        if not any(s.department == d.id for s in staff):
            notices.append(
                Issue(depts.loc(i, "id", d.id),
                      tr("the department has no staff in the 人员 sheet"))
            )

    overrides: list[HolidayOverride] = []
    for h in hol:
        overrides.append(HolidayOverride(h.day, h.kind == "workday", h.name or ""))
    if issues:
        raise InputError(issues)
    assert policy is not None
    strict = policy.strict_calendar if strict_calendar is None else strict_calendar
    try:
        calendar = WorkCalendar(overrides, strict=strict)
    except ValueError as exc:
        raise InputError(Issue(Location(str(path), tr("节假日 (holidays)")), str(exc))) from None

    locations = RecordLocations((("staff", staff), ("department", depts), ("center", centers)))
    data = RosterData(
        policy=policy,
        centers=list(centers),
        departments=sorted(depts, key=lambda d: d.order),
        staff=list(staff),
        unavailability=list(unav),
        deferrals=list(defer),
        calendar=calendar,
        source=str(path),
        warnings=[str(n) for n in notices],
        locations=locations,
    )
    # strict calendar: touch every handover now so an unknown year fails before solving
    try:
        data.periods()
    except ValueError as exc:
        raise InputError(Issue(Location(str(path), tr("方案 (programme)")), str(exc))) from None
    return data
