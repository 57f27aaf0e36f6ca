"""Fund allocation input: entities of DOMAIN §F, the workbook format, and cross-record checks.

No solver types here. :func:`read_funding` turns a workbook (or CSV folder / JSON / YAML) into a
validated :class:`FundingData`; every problem of the file is reported at once, located.
:func:`problem` turns the data into the integer :class:`Problem` that the model, the checker, the
independent MIP and the greedy baseline all read: money in whole *units* (a power of ten of
yuan, chosen so that totals stay far below CP-SAT's 32-bit activity limits, see or-tools#5293),
each project's spending per period, eligible sources, coverage targets.
"""

from __future__ import annotations

import math
import re
import unicodedata
from contextvars import ContextVar
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from assignments.core.calendar import Quarter
from assignments.core.errors import InputError, Issue, Location
from assignments.core.i18n import N_, current_lang, tr, trc
from assignments.core.io import ColumnSpec, SheetSpec, Table, read_tables
from assignments.core.policy import (
    ORGANISATION,
    ORGANISATION_NOTE,
    Param,
    param_rows,
    parse_percent,
    read_params,
)
from assignments.core.schema import (
    CappedIssues,
    RecordIndex,
    Schema,
    TextList,
    YesNo,
    id_text,
    parse_table,
    split_list,
)
from assignments.funding.rules import RULES as RULEBOOK
from assignments.funding.rules import SWITCHABLE, switch_label

__all__ = [
    "MONEY_LIMIT",
    "REACH_FIELDS",
    "RULES",
    "SHEETS",
    "SWITCHES",
    "Application",
    "FundingData",
    "Policy",
    "Problem",
    "Project",
    "ReachGroup",
    "ShareRow",
    "Source",
    "Target",
    "TargetRow",
    "Village",
    "default_warnings",
    "money_text",
    "parse_money",
    "problem",
    "read_funding",
    "unit_name",
    "unit_word",
]

MONEY_LIMIT = 1_000_000
"""Largest money total, in model units, that :func:`problem` accepts before coarsening the unit.

With percentages kept to denominators of at most 1,000, every linear constraint of the model then
has an activity below 10^9 (< 2^31 ≈ 2.1 × 10^9): far from the 32-bit accumulation that
or-tools#5293 shows can silently corrupt CP-SAT's presolve.
"""

SWITCHES: dict[str, str] = {
    name: f"{RULEBOOK.rule(name).key} {switch_label(name)}: {RULEBOOK.label(name, 'en')}"
    for name in SWITCHABLE
}
"""The switchable rules of DOMAIN §F (:data:`assignments.funding.rules.SWITCHABLE`), each as
``"F2 产业占比: F2 industry share"`` (key, the name a policy sheet writes, label); budgets and
the project library's marks always hold. Their texts live in :mod:`assignments.funding.rules`."""

RULES = SWITCHES
"""The name the policy-sheet parser reads (:func:`_parse_policy`, being unified with the other
models' parsers); new code uses :data:`SWITCHES`."""

_RULE_NAMES: dict[str, str] = {
    **{name: name for name in SWITCHABLE},
    **{switch_label(name): name for name in SWITCHABLE},
    **{switch_label(name) + "规则": name for name in SWITCHABLE},
    "industryshare": "industry_share",
    "labor": "labour",
    "poorvillageindustry": "poor_village_industry",
    "贫困村产业覆盖": "poor_village_industry",
    "specialhardship": "special_hardship",
    "特困村资金": "special_hardship",
    "costsharing": "cost_sharing",
}


def rule_name(text: str) -> str:
    """A switch's key from its Chinese or English name (``产业占比`` -> ``industry_share``)."""
    key = re.sub(r"[\s_\-]+", "", unicodedata.normalize("NFKC", str(text)).strip().lower())
    for k in (key, str(text).strip()):
        if k in _RULE_NAMES:
            return _RULE_NAMES[k]
    raise ValueError(tr("unknown rule '{rule}'; known: {known}", rule=text, known=tr(", ").join(
        f"{k} ({switch_label(k)})" for k in SWITCHABLE)))


UNIT_NAMES: dict[int, str] = {1: "元", 100: "百元", 1000: "千元", 10_000: "万元",
                              100_000: "十万元", 1_000_000: "百万元"}
"""The money units a workbook may be written in (its 金额单位), by yuan per unit."""


def unit_name(input_unit: int) -> str:
    """The name of a money unit (``10_000`` -> ``万元``): the unit every output speaks."""
    return UNIT_NAMES.get(input_unit, f"×{input_unit:,} 元")


def money_text(yuan: float, input_unit: int = 1) -> str:
    """An amount in the workbook's own unit: ``1,120,000 元`` or, for a 万元 workbook,
    ``112 万元`` (up to four decimals, trailing zeros dropped). Outputs never speak of the
    model's internal money units."""
    v = yuan / input_unit
    if input_unit == 1:
        return f"{v:,.0f} 元"
    text = f"{v:,.4f}".rstrip("0").rstrip(".")
    return f"{text} {unit_name(input_unit)}"


def unit_word(unit_text: str) -> str:
    """The unit of a coverage target (:attr:`Target.unit_text`: 个, 元, 户, 人) in the current
    language."""
    return {"个": trc("target unit", "projects"), "户": trc("target unit", "households"),
            "人": trc("target unit", "people")}.get(unit_text, unit_text)


# ------------------------------------------------------------------ cell parsers

_WAN = re.compile(r"^([+-]?[\d.,]+)\s*(万元|万|w)$", re.I)
_YUAN = re.compile(r"^([+-]?[\d.,\s]+)元$")
_INPUT_UNIT: ContextVar[int] = ContextVar("funding_input_unit", default=1)
_COLUMN_UNITS: ContextVar[dict[str, int] | None] = ContextVar("funding_column_units",
                                                               default=None)


def parse_money(v: Any, unit: int | None = None) -> Any:
    """A money cell in yuan: ``1200000``, ``1,200,000``, ``120万`` / ``120万元`` (= 1,200,000),
    ``5000元`` (= 5,000).

    Plain numbers are multiplied by ``unit`` (the unit the column's header names, e.g.
    ``金额(万元)``) or else by the file's 金额单位 (money unit) while a file is read; an amount
    written with 万 is always ten-thousands of yuan, one written with 元 always yuan.
    """
    if v is None:
        return v
    scale = unit if unit is not None else _INPUT_UNIT.get()
    if isinstance(v, int | float) and not isinstance(v, bool):
        return float(v) * scale
    text = unicodedata.normalize("NFKC", str(v)).strip()
    m = _WAN.match(text)
    y = _YUAN.match(text)
    if y:
        text, scale = y.group(1), 1
    elif m:
        text, scale = m.group(1), 10_000
    text = text.replace(",", "").replace(" ", "")
    try:
        return float(text) * scale
    except ValueError:
        raise ValueError(tr("expected an amount of money, got '{value}'", value=v)) from None


def _money_column(v: Any, info: ValidationInfo) -> Any:
    """A money column's cell: in the unit its header names (``总投资（万元）``), else in the
    file's 金额单位 (:func:`parse_money`)."""
    units = _COLUMN_UNITS.get() or {}
    return parse_money(v, units.get(info.field_name or ""))


def _numbers(v: list[float]) -> str:
    """``10、20`` (zh) / ``10, 20`` (en): a list of numbers as a message quotes it."""
    return tr(", ").join(f"{x:g}" for x in v)


def _percent(v: Any) -> Any:
    """A percentage cell by the one rule of :func:`assignments.core.policy.parse_percent`."""
    return None if v is None else parse_percent(v)


def _number_list(v: Any) -> Any:
    if v is None or v == "":
        return []
    if isinstance(v, int | float) and not isinstance(v, bool):
        return [float(v)]
    out = []
    for part in split_list(v):
        text = unicodedata.normalize("NFKC", part).strip().rstrip("%")
        try:
            out.append(float(text))
        except ValueError:
            raise ValueError(tr("expected numbers separated by 、 or commas, got '{value}'",
                                value=v)) from None
    return out


def _opt_id(v: Any) -> Any:
    return id_text(v) if v is not None else v


_KINDS = {
    "central": "central",
    "中央": "central",
    "中央衔接": "central",
    "中央财政衔接资金": "central",
    "中央衔接资金": "central",
    "province": "province",
    "省级": "province",
    "省": "province",
    "自治区": "province",
    "city": "city",
    "市级": "city",
    "市": "city",
    "county": "county",
    "县级": "county",
    "县": "county",
    "统筹整合": "county",
    "统筹整合涉农资金": "county",
    "eastwest": "east_west",
    "east_west": "east_west",
    "东西部协作": "east_west",
    "donation": "donation",
    "社会捐赠": "donation",
    "捐赠": "donation",
    "other": "other",
    "其他": "other",
}
KIND_ZH = {
    "central": "中央衔接",
    "province": "省级",
    "city": "市级",
    "county": "县级整合",
    "east_west": "东西部协作",
    "donation": "社会捐赠",
    "other": "其他",
}


def _kind(v: Any) -> Any:
    if v is None or v == "":
        return "other"
    key = unicodedata.normalize("NFKC", str(v)).strip().lower().replace(" ", "").replace("-", "")
    if key in _KINDS:
        return _KINDS[key]
    raise ValueError(tr("unknown source kind '{value}'; expected 中央衔接, 省级, 市级, 县级, "
                        "东西部协作, 社会捐赠 or 其他", value=v))


# ------------------------------------------------------------------ records (one row each)


class Record(Schema):
    """Base of the funding records: an empty cell means the field's default."""

    @model_validator(mode="before")
    @classmethod
    def _empty_is_default(cls, v: Any) -> Any:
        if isinstance(v, dict):
            return {k: x for k, x in v.items() if x is not None}
        return v


class Source(Record):
    """A funding source (资金来源) with its amount for the plan and the categories it may fund."""

    id: str
    name: str | None = None
    kind: str = "other"
    amount: float = Field(ge=0)
    tranches: list[float] = Field(default_factory=list)
    categories: TextList = Field(default_factory=list)
    per_period: list[float] | None = None  # MKP: the amount of every period, given directly

    _id = field_validator("id", mode="before")(_opt_id)
    _money = field_validator("amount", mode="before")(_money_column)
    _kind = field_validator("kind", mode="before")(_kind)
    _tr = field_validator("tranches", mode="before")(_number_list)

    @field_validator("tranches")
    @classmethod
    def _tranches_sum(cls, v: list[float]) -> list[float]:
        if v and (any(x < 0 for x in v) or abs(sum(v) - 100) > 0.01):
            raise ValueError(tr("the tranches must be percentages ≥ 0 adding up to 100, got "
                                "{values}", values=_numbers(v)))
        return v

    @property
    def label(self) -> str:
        return self.name or self.id

    def may_fund(self, category: str) -> bool:
        """Whether the source may pay for ``category`` (an empty list means every category)."""
        return not self.categories or category in self.categories


class Project(Record):
    """A project of the project library (项目库)."""

    id: str
    name: str | None = None
    category: str
    villages: TextList = Field(default_factory=list)
    township: str | None = None
    cost: float = Field(gt=0)
    min_funding: float | None = Field(default=None, ge=0)
    partial: YesNo = False
    households: int = Field(default=0, ge=0)
    people: int = Field(default=0, ge=0)
    poor_households: int = Field(default=0, ge=0)
    poor_people: int = Field(default=0, ge=0)
    labour_share: float = Field(default=0.0, ge=0, le=100)
    start: str | None = None
    curve: list[float] = Field(default_factory=list)
    priority: float = Field(default=0.0, ge=0)
    requires: TextList = Field(default_factory=list)
    excludes: TextList = Field(default_factory=list)
    committed: YesNo = False
    excluded: YesNo = False
    value_override: int | None = Field(default=None, ge=0)  # MKP / Pabulib: the benefit
    period_costs: list[float] | None = None  # MKP: spending per period given directly

    _id = field_validator("id", mode="before")(_opt_id)
    _money = field_validator("cost", "min_funding", mode="before")(_money_column)
    _pct = field_validator("labour_share", mode="before")(_percent)
    _curve = field_validator("curve", mode="before")(_number_list)
    _zero = field_validator(
        "households", "people", "poor_households", "poor_people", "priority", mode="before"
    )(lambda v: 0 if v is None else v)

    @field_validator("start", mode="before")
    @classmethod
    def _start(cls, v: Any) -> Any:
        if v is None or v == "":
            return None
        return str(Quarter.parse(v))

    @field_validator("curve")
    @classmethod
    def _curve_sum(cls, v: list[float]) -> list[float]:
        if v and (any(x < 0 for x in v) or abs(sum(v) - 100) > 0.01):
            raise ValueError(tr("the spending curve must be percentages ≥ 0 adding up to 100, "
                                "got {values}", values=_numbers(v)))
        return v

    @property
    def label(self) -> str:
        return self.name or self.id


class Village(Record):
    """A village (村): poor village (贫困村), special-hardship village (特困村), its population."""

    id: str
    name: str | None = None
    township: str | None = None
    poor: YesNo = False
    special_hardship: YesNo = False
    households: int = Field(default=0, ge=0)
    poor_households: int = Field(default=0, ge=0)
    population: int = Field(default=0, ge=0)
    poor_population: int = Field(default=0, ge=0)

    _id = field_validator("id", mode="before")(_opt_id)
    _zero = field_validator(
        "households", "poor_households", "population", "poor_population", mode="before"
    )(lambda v: 0 if v is None else v)

    @property
    def label(self) -> str:
        return self.name or self.id


class ShareRow(Record):
    """One row of a cost-sharing group (成本分担): a source and its share of the cost."""

    group: str
    categories: TextList = Field(default_factory=list)
    source: str
    share: int = Field(ge=1, le=1000)

    _id = field_validator("group", "source", mode="before")(_opt_id)


TargetKind = Literal[
    "village_industry", "village_amount", "poor_household_share", "poor_people", "category_amount"
]
_TARGET_KINDS: dict[str, TargetKind] = {
    "villageindustry": "village_industry",
    "村产业项目": "village_industry",
    "产业项目": "village_industry",
    "villageamount": "village_amount",
    "村资金": "village_amount",
    "村最低资金": "village_amount",
    "poorhouseholdshare": "poor_household_share",
    "贫困户受益比例": "poor_household_share",
    "poorpeople": "poor_people",
    "贫困人口受益": "poor_people",
    "categoryamount": "category_amount",
    "类别资金": "category_amount",
}


class TargetRow(Record):
    """A declared coverage target (覆盖目标) beyond the built-in rules of F4."""

    id: str
    kind: TargetKind
    value: float = Field(gt=0)
    village: str | None = None
    category: str | None = None
    note: str | None = None

    _id = field_validator("id", "village", mode="before")(_opt_id)
    @field_validator("value", mode="before")
    @classmethod
    def _value(cls, v: Any, info: ValidationInfo) -> Any:
        if info.data.get("kind") in ("village_amount", "category_amount"):
            return parse_money(v)
        return _percent(v)

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, v: Any) -> Any:
        if v is None:
            return v
        key = re.sub(r"[\s_\-]+", "", unicodedata.normalize("NFKC", str(v)).strip().lower())
        if key in _TARGET_KINDS:
            return _TARGET_KINDS[key]
        raise ValueError(tr(
            "unknown target kind '{value}'; expected 村产业项目, 村资金, 贫困户受益比例, "
            "贫困人口受益 or 类别资金 (village_industry, village_amount, poor_household_share, "
            "poor_people, category_amount)", value=v))


class Application(Record):
    """A household's application for the per-mu planting subsidy (到户奖补, seed 003 篇一)."""

    id: str
    name: str | None = None
    village: str | None = None
    members: int = Field(ge=1, le=50)
    poor: YesNo = True
    area: float = Field(ge=0, le=10_000)
    contiguous: float | None = Field(default=None, ge=0)
    income: float | None = Field(default=None, ge=0)
    verified: YesNo = True

    _id = field_validator("id", "village", mode="before")(_opt_id)

    @field_validator("verified", mode="before")
    @classmethod
    def _verified(cls, v: Any) -> Any:
        return True if v is None or v == "" else v

    @field_validator("poor", mode="before")
    @classmethod
    def _poor(cls, v: Any) -> Any:
        return True if v is None or v == "" else v

    @property
    def label(self) -> str:
        return self.name or self.id


ObjectiveName = Literal["coverage", "priority", "cost", "benefit"]
Rationing = Literal["poorest", "pro_rata", "optimal"]


class Policy(BaseModel):
    """Plan parameters (the 方案 sheet); every figure of DOMAIN §F is a default here.

    Money fields are in yuan (the file's 金额单位 already applied).
    """

    model_config = ConfigDict(frozen=False)

    first_period: str = "2027Q1"
    organisation: str | None = None  # 单位名称: page headers and notices
    periods: int = Field(default=4, ge=1, le=40)
    period_labels: list[str] | None = None  # MKP / Pabulib: periods that are not quarters
    carry_over: bool = True
    input_unit: int = 1
    model_unit: int | None = None  # None: chosen automatically
    rules: dict[str, bool] = Field(default_factory=lambda: dict.fromkeys(SWITCHES, True))
    industry_share: float = Field(default=55.0, ge=0, le=100)
    industry_category: str = "产业"
    labour_share: float = Field(default=20.0, ge=0, le=100)
    labour_category: str = "基础设施"
    labour_scope: Literal["project", "portfolio"] = "project"
    special_hardship_amount: float = Field(default=10_000_000.0, ge=0)
    milestones: list[tuple[int, float]] = Field(
        default_factory=lambda: [(6, 50.0), (9, 75.0), (12, 95.0)]
    )  # (month, percent) by the end of that month
    partial_step: int = 5  # F0: a partial project's level in steps of this percent (1: any)
    assign_month: int = Field(default=3, ge=1, le=12)  # F6: money assigned by this month's end
    assign_share: float = Field(default=100.0, ge=0, le=100)  # of the central money arrived
    milestone_mode: Literal["hard", "soft"] = "hard"  # F6: a constraint, or least shortfall
    objective: ObjectiveName = "coverage"
    weight_people: int = Field(default=1, ge=0, le=1000)
    weight_poor_people: int = Field(default=2, ge=0, le=1000)
    weight_households: int = Field(default=0, ge=0, le=1000)
    weight_poor_households: int = Field(default=0, ge=0, le=1000)
    idle_level: bool = True  # third level: least idle money (off for MKP benchmarks)
    subsidy_rate: float = Field(default=1000.0, ge=0)  # yuan per mu
    subsidy_min_area: float = Field(default=1.0, ge=0)  # mu, contiguous (redacted in the seed)
    subsidy_cap_per_member: float = Field(default=3000.0, ge=0)
    subsidy_budget: float = Field(default=4_000_000.0, ge=0)
    subsidy_registered_only: bool = True  # F7: 建档立卡户 only (seed 003); 否 widens it
    rationing: Rationing = "poorest"

    @field_validator("partial_step")
    @classmethod
    def _step(cls, v: int) -> int:
        if v not in (1, 2, 4, 5, 10, 20, 25, 50, 100):
            raise ValueError(tr("部分安排步长 {step}%: use a divisor of 100 (1, 2, 4, 5, 10, 20, "
                                "25, 50 or 100)", step=v))
        return v

    def on(self, rule: str) -> bool:
        """Whether a switchable rule is on."""
        return self.rules.get(rule, True)

    @field_validator("first_period", mode="before")
    @classmethod
    def _q(cls, v: Any) -> Any:
        return str(Quarter.parse(v)) if v is not None else v


# ------------------------------------------------------------------ sheets

C = ColumnSpec
YES_NO = ("是", "否")
KIND_CHOICES = ("中央衔接", "省级", "市级", "县级", "东西部协作", "社会捐赠", "其他")
CATEGORY_CHOICES = ("产业", "基础设施", "教育", "医疗", "住房", "就业", "人居环境")
"""The common project categories: the template's 类别 drop-down (others may be typed)."""
SHEETS: tuple[SheetSpec, ...] = (
    SheetSpec(
        "policy",
        "方案",
        "plan",
        (
            C("parameter", "参数", "parameter", note="parameter name (Chinese or English)",
              example="起始季度"),
            C("value", "值", "value", required=False, note="its value", example="2027Q1"),
            C("note", "说明", "note", required=False, note="free text, ignored"),
        ),
        required=False,
        note="plan parameters and rule switches, one per row (all optional)",
        aliases=("programme", "parameters", "policy"),
    ),
    SheetSpec(
        "sources",
        "资金来源",
        "sources",
        (
            C("id", "编号", "id", note="source id", example="S1"),
            C("name", "名称", "name", required=False, example="中央财政衔接资金",
              note=N_("source name (reports show it)")),
            C("kind", "类型", "kind", required=False,
              note="中央衔接/省级/市级/县级/东西部协作/社会捐赠/其他 (rule F2 reads 中央衔接)",
              example="中央衔接", choices=KIND_CHOICES),
            C("amount", "金额", "amount", note="money available for the plan (in 金额单位)",
              example=30_000_000),
            C("tranches", "分期到位", "tranches", required=False,
              note="percent arriving in each period, e.g. 40、30、30 (default: all at the start)",
              example="50、50"),
            C("categories", "可用类别", "categories", required=False,
              note="categories it may pay for, 、-separated (empty: any)",
              example="产业、基础设施", choices=CATEGORY_CHOICES, open_choices=True),
        ),
        aliases=("资金", "funds", "funding sources"),
    ),
    SheetSpec(
        "projects",
        "项目库",
        "projects",
        (
            C("id", "编号", "id", note="project id", example="P001"),
            C("name", "名称", "name", required=False, example="滑皮金桔种植基地",
              note=N_("project name (reports show it)")),
            C("category", "类别", "category", note="产业/基础设施/教育/医疗/住房/就业/人居环境/…",
              example="产业", choices=CATEGORY_CHOICES, open_choices=True),
            C("villages", "村", "villages", required=False,
              note="village ids or names, 、-separated", example="V01",
              choices="villages.id", open_choices=True),
            C("township", "乡镇", "township", required=False, example="大将镇",
              note=N_("township (for information and reports)")),
            C("cost", "总投资", "cost", note="full cost (in 金额单位)", example=2_000_000,
              aliases=("投资", "费用", "full cost")),
            C("min_funding", "最低资金", "min_funding", required=False,
              note="minimum viable funding of a partial project (default: any amount)",
              example=500_000),
            C("partial", "可部分资助", "partial", required=False,
              note="是: may be funded partly (in 1% steps); 否: whole or nothing", example="否",
              choices=YES_NO),
            C("households", "受益户数", "households", required=False, example=120,
              note=N_("households that benefit, a whole number (default 0)")),
            C("people", "受益人口", "people", required=False, example=450,
              note=N_("people who benefit, a whole number (default 0)")),
            C("poor_households", "受益贫困户", "poor_households", required=False, example=40,
              note=N_("poor households that benefit, a whole number (default 0)")),
            C("poor_people", "受益贫困人口", "poor_people", required=False, example=150,
              note=N_("poor people who benefit, a whole number (default 0)")),
            C("labour_share", "劳务报酬比例", "labour_share", required=False,
              note="percent of the cost paid as local labour wages (以工代赈)", example=0),
            C("start", "开始季度", "start", required=False,
              note="quarter spending starts (default: the first period)", example="2027Q1"),
            C("curve", "支出进度", "curve", required=False,
              note="percent spent in each quarter from the start, e.g. 40、30、30 "
                   "(default: all in the start quarter)", example="40、30、30"),
            C("priority", "优先级", "priority", required=False,
              note="priority score (objective 优先级)", example=5),
            C("requires", "依赖项目", "requires", required=False,
              note="projects that must be funded for this one to be funded",
              choices="projects.id", open_choices=True),
            C("excludes", "互斥项目", "excludes", required=False,
              note="projects that cannot be funded together with this one",
              choices="projects.id", open_choices=True),
            C("committed", "已承诺", "committed", required=False,
              note="是: must be funded (whole, or at least its minimum)", example="否",
              choices=YES_NO),
            C("excluded", "不予安排", "excluded", required=False,
              note="是: must not be funded", example="否", choices=YES_NO),
        ),
        aliases=("项目", "project library"),
    ),
    SheetSpec(
        "villages",
        "村",
        "villages",
        (
            C("id", "编号", "id", note="village id", example="V01"),
            C("name", "名称", "name", required=False, example="大坡村", note=N_("village name")),
            C("township", "乡镇", "township", required=False, example="大将镇"),
            C("poor", "贫困村", "poor", required=False, note="是/否", example="是",
              choices=YES_NO),
            C("special_hardship", "特困村", "special_hardship", required=False, note="是/否",
              example="否", choices=YES_NO),
            C("households", "户数", "households", required=False, example=420,
              note=N_("households of the village, a whole number (default 0)")),
            C("poor_households", "贫困户数", "poor_households", required=False, example=95,
              note=N_("poor households of the village, a whole number (default 0)")),
            C("population", "人口", "population", required=False, example=1600,
              note=N_("people of the village, a whole number (default 0)")),
            C("poor_population", "贫困人口", "poor_population", required=False, example=350,
              note=N_("poor people of the village, a whole number (default 0)")),
        ),
        required=False,
        aliases=("villages", "村庄"),
    ),
    SheetSpec(
        "sharing",
        "成本分担",
        "cost sharing",
        (
            C("group", "分担组", "group", note="group id (one row per source)", example="G1"),
            C("categories", "类别", "categories", required=False,
              note="categories paid by this group (on any row of the group)", example="教育"),
            C("source", "资金来源", "source", note="source id", example="S2",
              choices="sources.id"),
            C("share", "比例", "share", note="the source's share, e.g. 6 (for 6:4)", example=6),
        ),
        required=False,
        aliases=("cost-sharing", "分担"),
    ),
    SheetSpec(
        "targets",
        "覆盖目标",
        "targets",
        (
            C("id", "编号", "id", note="target id", example="T1"),
            C("kind", "类型", "kind",
              note="村产业项目/村资金/贫困户受益比例/贫困人口受益/类别资金",
              example="贫困户受益比例",
              choices=("村产业项目", "村资金", "贫困户受益比例", "贫困人口受益", "类别资金")),
            C("value", "目标值", "value",
              note="count, amount (金额单位), percent or people, by kind", example=60),
            C("village", "村", "village", required=False, note="for village targets",
              choices="villages.id"),
            C("category", "类别", "category", required=False,
              note="for 村产业项目 (default 产业) and 类别资金", choices=CATEGORY_CHOICES,
              open_choices=True),
            C("note", "说明", "note", required=False, note=N_("free text")),
        ),
        required=False,
        aliases=("coverage targets", "目标"),
    ),
    SheetSpec(
        "applications",
        "到户申请",
        "applications",
        (
            C("id", "户编号", "id", note="household id", example="H0001", aliases=("编号",)),
            C("name", "户主", "name", required=False, example="韦家福",
              note=N_("head of the household")),
            C("village", "村", "village", required=False, example="V01",
              choices="villages.id"),
            C("members", "家庭人口", "members", note="household members", example=4),
            C("poor", "建档立卡", "poor", required=False, note="是/否 (default 是)",
              example="是", choices=YES_NO),
            C("area", "申报面积", "area", note="mu planted", example=3.5),
            C("contiguous", "连片面积", "contiguous", required=False,
              note="largest naturally contiguous plot, mu (default: the whole area)"),
            C("income", "人均纯收入", "income", required=False,
              note="yuan per person (rationing 贫困优先: lowest first)", example=3200),
            C("verified", "验收合格", "verified", required=False, note="是/否 (default 是)",
              example="是", choices=YES_NO),
        ),
        required=False,
        aliases=("household applications", "奖补申请"),
    ),
)
SHEET = {s.key: s for s in SHEETS}


def _template_sheets() -> tuple[SheetSpec, ...]:
    """:data:`SHEETS` with every sheet's and column's note in the current language (the
    template's header comments; the notes are catalogued in :func:`_notes`)."""
    from dataclasses import replace

    from assignments.core.i18n import catalogue

    # looked up by their English text (the msgids of _notes; English: the text itself)
    table = catalogue(current_lang())
    return tuple(replace(sp, note=table.get(sp.note, sp.note),
                         columns=tuple(replace(c, note=table.get(c.note, c.note))
                                       for c in sp.columns))
                 for sp in SHEETS)


def __getattr__(name: str) -> Any:
    """``TEMPLATE_SHEETS``: :func:`_template_sheets`, made when asked for, in the language in
    force then (``funding template`` writes it)."""
    if name == "TEMPLATE_SHEETS":
        return _template_sheets()
    raise AttributeError(name)


def _notes() -> None:
    """The notes of :data:`SHEETS`, marked for the catalogue (never called: a note is looked up
    by its English text in :func:`_template_sheets`)."""
    tr('plan parameters and rule switches, one per row (all optional)')
    tr('parameter name (Chinese or English)')
    tr('its value')
    tr('free text, ignored')
    tr('source id')
    tr('中央衔接/省级/市级/县级/东西部协作/社会捐赠/其他 (rule F2 reads 中央衔接)')
    tr('money available for the plan (in 金额单位)')
    tr('percent arriving in each period, e.g. 40、30、30 (default: all at the start)')
    tr('categories it may pay for, 、-separated (empty: any)')
    tr('project id')
    tr('产业/基础设施/教育/医疗/住房/就业/人居环境/…')
    tr('village ids or names, 、-separated')
    tr('full cost (in 金额单位)')
    tr('minimum viable funding of a partial project (default: any amount)')
    tr('是: may be funded partly (in 1% steps); 否: whole or nothing')
    tr('percent of the cost paid as local labour wages (以工代赈)')
    tr('quarter spending starts (default: the first period)')
    tr('percent spent in each quarter from the start, e.g. 40、30、30 (default: all in the '
       'start quarter)')
    tr('priority score (objective 优先级)')
    tr('projects that must be funded for this one to be funded')
    tr('projects that cannot be funded together with this one')
    tr('是: must be funded (whole, or at least its minimum)')
    tr('是: must not be funded')
    tr('village id')
    tr('是/否')
    tr('group id (one row per source)')
    tr('categories paid by this group (on any row of the group)')
    tr("the source's share, e.g. 6 (for 6:4)")
    tr('target id')
    tr('村产业项目/村资金/贫困户受益比例/贫困人口受益/类别资金')
    tr('count, amount (金额单位), percent or people, by kind')
    tr('for village targets')
    tr('for 村产业项目 (default 产业) and 类别资金')
    tr('household id')
    tr('household members')
    tr('是/否 (default 是)')
    tr('mu planted')
    tr('largest naturally contiguous plot, mu (default: the whole area)')
    tr('yuan per person (rationing 贫困优先: lowest first)')

_OBJECTIVES = {
    "coverage": "coverage", "覆盖优先": "coverage", "受益优先": "coverage", "覆盖": "coverage",
    "priority": "priority", "优先级": "priority",
    "cost": "cost", "最小成本": "cost", "成本": "cost",
    "benefit": "benefit", "受益": "benefit",
}
_RATIONING = {
    "poorest": "poorest", "贫困优先": "poorest", "最贫困优先": "poorest",
    "prorata": "pro_rata", "pro_rata": "pro_rata", "按比例": "pro_rata", "比例": "pro_rata",
    "optimal": "optimal", "受益最优": "optimal", "最优": "optimal",
}
_UNITS = {"元": 1, "yuan": 1, "1": 1, "百元": 100, "100": 100, "千元": 1000, "1000": 1000,
          "万元": 10_000, "万": 10_000, "10000": 10_000, "十万元": 100_000, "百万元": 1_000_000}


def _norm(text: Any) -> str:
    return re.sub(r"[\s_\-:：]+", "", unicodedata.normalize("NFKC", str(text)).strip().lower())


def parse_milestones(v: Any) -> list[tuple[int, float]]:
    """``6月:50、9月:75、12月:95`` -> [(6, 50.0), (9, 75.0), (12, 95.0)] (month, percent)."""
    out: list[tuple[int, float]] = []
    for part in split_list(v):
        text = unicodedata.normalize("NFKC", part).replace("：", ":").replace("%", "")
        m = re.match(r"^\s*(\d{1,2})\s*月?\s*(?:底|末)?\s*[:=]\s*([\d.]+)\s*$", text)
        if not m:
            raise ValueError(tr("milestone '{value}' not understood; write e.g. "
                                "6月:50、9月:75、12月:95", value=part))
        month = int(m.group(1))
        pct = parse_percent(m.group(2) + ("%" if "%" in part else ""))  # 6月:0.5 is ambiguous
        if not 1 <= month <= 12 or not 0 <= pct <= 100:
            raise ValueError(tr("milestone '{value}': month 1–12 and percent 0–100 expected",
                                value=part))
        out.append((month, pct))
    return out


def _unit(value: Any, *, auto: bool = False) -> int | None:
    text = _norm(value).removesuffix(".0")
    if auto and text in ("auto", "自动"):
        return None  # chosen automatically
    if text not in _UNITS:
        raise ValueError(tr("unknown money unit '{value}'; expected 元, 百元, 千元 or 万元",
                            value=value))
    return _UNITS[text]


def _choice(value: Any, choices: dict[str, str], error: str) -> str:
    """A 方案 choice by its Chinese or English name (compared as the other parameters are),
    else ``error`` (already in the current language)."""
    from assignments.core.policy import normalize_name

    table = {normalize_name(k): v for k, v in choices.items()}
    text = normalize_name(value)
    if text in table:
        return table[text]
    raise ValueError(error)


def _rule_param(rule: str) -> Param:
    zh = RULES[rule].split(":")[0].split(" ", 1)[1]  # "F2 产业占比: ..." -> 产业占比
    extra = ("特困村资金规则",) if rule == "special_hardship" else ()
    return Param(f"rules.{rule}", f"{zh}规则", rule, (zh, f"规则:{rule}", f"rule:{rule}", *extra),
                 kind="bool")


P = Param
POLICY_PARAMS: tuple[Param, ...] = (
    P("first_period", "起始季度", "first quarter", ("开始季度", "first period"), kind="quarter"),
    P("periods", "期数", "periods", ("季度数", "number of quarters"), kind="int"),
    P("carry_over", "结转", "carry over", ("资金结转",), kind="bool"),
    P("input_unit", "金额单位", "money unit", parse=_unit),
    P("model_unit", "计算单位", "model unit", parse=lambda v: _unit(v, auto=True)),
    P("industry_share", "产业占比", "industry share", kind="percent",
      switch="rules.industry_share"),
    P("industry_category", "产业类别", "industry category"),
    P("labour_share", "劳务报酬比例", "labour share", ("以工代赈比例",), kind="percent",
      switch="rules.labour"),
    P("labour_category", "以工代赈类别", "labour category"),
    P("labour_scope", "以工代赈口径", "labour scope", kind="enum",
      choices={"项目": "project", "project": "project", "总体": "portfolio",
               "portfolio": "portfolio"}, expected="项目 or 总体 (project, portfolio)"),
    P("special_hardship_amount", "特困村最低资金", "special hardship amount", parse=parse_money,
      switch="rules.special_hardship"),
    P("milestones", "支出进度节点", "milestones", parse=parse_milestones,
      switch="rules.milestones"),
    P("partial_step", "部分安排步长", "partial step", ("安排比例步长", "level step"),
      kind="int"),
    P("assign_month", "安排期限", "assignment month", ("资金安排期限",), kind="int"),
    P("assign_share", "资金安排率", "assignment share", ("安排率",), kind="percent",
      switch="rules.milestones"),
    P("milestone_mode", "支出进度执行方式", "milestone mode",
      ("支出进度方式", "资金安排执行方式", "milestone enforcement"), kind="enum",
      choices={"硬性": "hard", "硬": "hard", "hard": "hard", "软性": "soft", "软": "soft",
               "soft": "soft"}, expected="硬性 or 软性 (hard, soft)"),
    P("objective", "目标", "objective", parse=lambda v: _choice(v, _OBJECTIVES, tr(
        "unknown objective '{value}'; expected 覆盖优先, 优先级 or 最小成本 "
        "(coverage, priority, cost)", value=v))),
    P("weight_people", "人口权重", "weight people", kind="int"),
    P("weight_poor_people", "贫困人口权重", "weight poor people", kind="int"),
    P("weight_households", "户数权重", "weight households", kind="int"),
    P("weight_poor_households", "贫困户权重", "weight poor households", kind="int"),
    P("subsidy_rate", "奖补标准", "subsidy rate", ("每亩奖补",), kind="float"),
    P("subsidy_min_area", "最小连片面积", "subsidy min area", ("最低面积",), kind="float"),
    P("subsidy_cap_per_member", "人均上限", "subsidy cap per member", ("人均奖补上限",),
      kind="float"),
    P("subsidy_budget", "奖补预算", "subsidy budget", ("奖补资金",), parse=parse_money),
    P("subsidy_registered_only", "仅限建档立卡", "registered only",
      ("奖补仅限建档立卡户", "subsidy registered only"), kind="bool"),
    P("rationing", "配给规则", "rationing", parse=lambda v: _choice(v, _RATIONING, tr(
        "unknown rationing rule '{value}'; expected 贫困优先, 按比例 or 受益最优 "
        "(poorest, pro_rata, optimal)", value=v))),
    *(_rule_param(r) for r in RULES),
    ORGANISATION,  # 单位名称: page headers and notices (last: the lists of names stay)
)
"""The 方案 (plan) parameters and rule switches (defaults: :class:`Policy`). A name is
claimed by the first parameter listing it: 产业占比 is the share (``关`` on its row still
switches rule F2 off), 产业占比规则 the switch."""
PARAM_NOTES: dict[str, str] = {
    "organisation": ORGANISATION_NOTE,
    "milestone_mode": N_("how rule F6 (money assigned by March, spending milestones) applies: "
                         "hard, a plan must meet it; soft, the shortfall is made as small as "
                         "possible first and reported"),
    "first_period": N_("first quarter of the plan"),
    "periods": N_("number of periods (quarters) of the plan"),
    "carry_over": N_("是: money not spent in a period carries over to the next"),
    "input_unit": N_("unit of every money column of the workbook: 元, 百元, 千元 or 万元"),
    "model_unit": N_("unit the solver counts in: 元 … 万元, or 自动 (chosen from the amounts)"),
    "industry_share": N_("F2: share of the central funds for industry projects, percent (关: "
                         "rule off)"),
    "industry_category": N_("F2: the category that counts as industry"),
    "labour_share": N_("F3: share of the cost paid as local labour wages, percent (关: rule "
                       "off)"),
    "labour_category": N_("F3: the category the labour share applies to"),
    "labour_scope": N_("F3: 项目 (every project) or 总体 (the portfolio as a whole)"),
    "special_hardship_amount": N_("F4: money at least for each special-hardship village, in "
                                  "金额单位 (关: rule off)"),
    "milestones": N_("F6: share of the money spent by the end of each month, e.g. "
                     "6月:50、9月:75、12月:95 (关: rule off)"),
    "partial_step": N_("F0: a partial project's level in steps of this percent: 1, 2, 4, 5, 10, "
                       "20, 25, 50 or 100"),
    "assign_month": N_("F6: money assigned to projects by the end of this month, 1–12"),
    "assign_share": N_("F6: share of the arrived central money assigned by then, percent"),
    "objective": N_("what the plan maximises: 覆盖优先 (beneficiaries), 优先级 (priority "
                    "scores) or 最小成本 (least cost)"),
    "weight_people": N_("points per person who benefits (覆盖优先)"),
    "weight_poor_people": N_("points per poor person who benefits (覆盖优先)"),
    "weight_households": N_("points per household that benefits (覆盖优先)"),
    "weight_poor_households": N_("points per poor household that benefits (覆盖优先)"),
    "subsidy_rate": N_("planting subsidy per mu, yuan"),
    "subsidy_min_area": N_("smallest contiguous area that earns the subsidy, mu"),
    "subsidy_cap_per_member": N_("subsidy at most per household member, yuan"),
    "subsidy_budget": N_("money for the planting subsidy, in 金额单位"),
    "subsidy_registered_only": N_("是: registered poor households (建档立卡户) only"),
    "rationing": N_("when the subsidy money is short: 贫困优先 (lowest income first), 按比例 "
                    "(pro rata) or 受益最优 (most beneficiaries)"),
}
"""What each 方案 parameter means, with its unit (the template's 说明 column); the rule
switches are described from the rule registry (:func:`policy_template_rows`)."""


def policy_template_rows() -> list[dict[str, Any]]:
    """The template's 方案 rows: every parameter and rule switch, its default, meaning, unit
    and allowed values (in the current language)."""
    notes = dict(PARAM_NOTES)
    for rule in RULES:
        notes[f"rules.{rule}"] = tr("是: rule {rule} applies (default); 否: switched off",
                                    rule=RULEBOOK.label(rule, current_lang()))
    return param_rows(POLICY_PARAMS, Policy, notes, shown={
        "organisation": trc("template example", "Qingshan County Rural Revitalisation Office"),
        "input_unit": trc("template example", "yuan"),
        "model_unit": trc("template example", "auto"),
        "special_hardship_amount": int(Policy().special_hardship_amount),
        "milestones": "、".join(f"{m}月:{p:g}" for m, p in Policy().milestones),
        "objective": trc("template example", "coverage"),
        "rationing": trc("template example", "poorest"),
    })


# policy parameter -> names accepted in the 方案 sheet
_POLICY_KEYS: dict[str, tuple[str, ...]] = {p.key: p.names for p in POLICY_PARAMS}


def _parse_policy(issues: list[Issue], table: Table | None) -> Policy | None:
    if table is None:
        return Policy()
    sheet = read_params(table, POLICY_PARAMS)
    raw = dict(sheet.values)
    raw["rules"] = {**dict.fromkeys(RULES, True), **raw.get("rules", {})}
    policy = sheet.validate(Policy, raw)
    issues.extend(sheet.issues)
    return policy


def _header_units(table: Table | None) -> dict[str, int]:
    """Yuan per unit of the money columns whose header names a unit (``金额(万元)``)."""
    if table is None:
        return {}
    known = {**_UNITS, "亿元": 100_000_000}
    return {key: known[_norm(unit)] for key, unit in table.units.items() if _norm(unit) in known}


def _input_unit(table: Table | None) -> int:
    """The file's 金额单位 (money unit), looked up before anything else is parsed."""
    if table is None:
        return 1
    names = {_norm(n) for n in ("input_unit", *_POLICY_KEYS["input_unit"])}
    for row in table.rows:
        if _norm(row.values.get("parameter")) in names and row.values.get("value") is not None:
            text = _norm(row.values["value"]).removesuffix(".0")
            return _UNITS.get(text, 1)  # an unknown unit is reported by _parse_policy
    return 1


# ------------------------------------------------------------------ the validated whole


class FundingData(BaseModel):
    """A validated fund-allocation problem.

    Scenarios are derived from it with ``model_copy(update=...)``; nothing is cached on it, so a
    derived copy never carries stale figures (:func:`problem` recomputes the integer view).

    Attributes
    ----------
    policy
        Plan parameters and rule switches (money in yuan).
    sources, projects, villages, sharing, targets, applications
        Records in input order (money in yuan).
    source
        Path of the input, for messages.
    warnings
        Notices found while reading.
    locations
        ``(kind, id) -> Location`` of every record, for messages.
    name
        A short name (scenario name, MKP instance).
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    policy: Policy = Field(default_factory=Policy)
    sources: list[Source]
    projects: list[Project]
    villages: list[Village] = Field(default_factory=list)
    sharing: list[ShareRow] = Field(default_factory=list)
    targets: list[TargetRow] = Field(default_factory=list)
    applications: list[Application] = Field(default_factory=list)
    source: str | None = None
    warnings: list[str] = Field(default_factory=list)
    locations: dict[tuple[str, str], Location] = Field(default_factory=dict)
    name: str = "base"

    @property
    def periods(self) -> list[str]:
        """Labels of the plan's periods (quarters, or MKP constraints)."""
        if self.policy.period_labels is not None:
            return list(self.policy.period_labels)
        q0 = Quarter.parse(self.policy.first_period)
        return [str(q0 + i) for i in range(self.policy.periods)]

    def where(self, kind: str, rid: str) -> str:
        """``county.xlsx, sheet 项目库, row 12`` for a record, or ``''`` when unknown."""
        loc = self.locations.get((kind, rid))
        return str(Location(loc.file, loc.sheet, loc.row)) if loc else ""

    def project(self, pid: str) -> Project:
        """The project with id ``pid``."""
        return next(p for p in self.projects if p.id == pid)


def read_funding(path: str | Path) -> FundingData:
    """Read and validate a fund-allocation workbook (or CSV folder / JSON / YAML).

    Raises
    ------
    InputError
        With every problem of the file, each naming file, sheet, row, column and record.
    """
    tables = read_tables(path, SHEETS, nonempty=("sources", "projects"))
    issues: list[Issue] = []
    notices: list[Issue] = CappedIssues()  # at most 100 of one kind, the rest counted
    token = _INPUT_UNIT.set(_input_unit(tables.get("policy")))
    try:
        policy = _parse_policy(issues, tables.get("policy"))
        units = _COLUMN_UNITS.set(_header_units(tables.get("sources")))
        src = parse_table(tables.get("sources"), Source, label=tr("source"), id_key="id",
                          issues=issues, warnings=notices)
        _COLUMN_UNITS.reset(units)
        units = _COLUMN_UNITS.set(_header_units(tables.get("projects")))
        prj = parse_table(tables.get("projects"), Project, label=tr("project"), id_key="id",
                          issues=issues, warnings=notices)
        _COLUMN_UNITS.reset(units)
        vil = parse_table(tables.get("villages"), Village, label=tr("village"), id_key="id",
                          issues=issues, warnings=notices)
        shr = parse_table(tables.get("sharing"), ShareRow, label=tr("group"), record_key="group",
                          issues=issues, warnings=notices)
        tgt = parse_table(tables.get("targets"), TargetRow, label=tr("target"), id_key="id",
                          issues=issues, warnings=notices)
        app = parse_table(tables.get("applications"), Application, label=tr("household"),
                          id_key="id", issues=issues, warnings=notices)
    finally:
        _INPUT_UNIT.reset(token)
    if "sources" in tables and not tables["sources"].rows:
        issues.append(Issue(Location(str(path), tables["sources"].sheet),
                            tr("no funding sources")))
    if "projects" in tables and not tables["projects"].rows:
        issues.append(Issue(Location(str(path), tables["projects"].sheet), tr("no projects")))
    if policy is not None:
        _cross_checks(issues, notices, policy, src, prj, vil, shr, tgt, app)
    if issues:
        raise InputError(issues)
    assert policy is not None
    locations: dict[tuple[str, str], Location] = {}
    indexes: tuple[tuple[str, RecordIndex[Any]], ...] = (
        ("source", src), ("project", prj), ("village", vil), ("target", tgt),
        ("household", app))
    for kind, index in indexes:
        for i, rec in enumerate(index.records):
            locations[(kind, rec.id)] = index.loc(i)
    for i, row in enumerate(shr.records):
        locations.setdefault(("group", row.group), shr.loc(i))
    data = FundingData(
        policy=policy,
        sources=list(src),
        projects=list(prj),
        villages=list(vil),
        sharing=list(shr),
        targets=list(tgt),
        applications=list(app),
        source=str(path),
        warnings=[str(n) for n in notices],
        locations=locations,
        name=Path(path).stem,
    )
    try:
        problem(data)  # unit choice and curve checks: fail here, located, not in the solver
    except ValueError as exc:
        raise InputError(Issue(Location(str(path)), str(exc))) from None
    data.warnings.extend(default_warnings(data))
    return data


def default_warnings(data: FundingData) -> list[str]:
    """Validation warnings about figures nobody set (rule F4): a default special-hardship
    amount that, over the special-hardship villages, is larger than the whole budget."""
    pol = data.policy
    hard = [v for v in data.villages if v.special_hardship]
    if not hard or not pol.on("special_hardship") or \
            "special_hardship_amount" in pol.model_fields_set:
        return []
    budget = sum(s.amount for s in data.sources)
    need = pol.special_hardship_amount * len(hard)
    if need <= budget:
        return []
    u = pol.input_unit
    return [tr("default special-hardship amount {amount} (特困村最低资金, not set in 方案): "
               "{n} special-hardship village(s) need {need}, more than the whole budget "
               "{budget}; set 特困村最低资金 in the 方案 sheet",
               amount=money_text(pol.special_hardship_amount, u), n=len(hard),
               need=money_text(need, u), budget=money_text(budget, u))]


_OVER_SHOWN = 10
"""Project rows declaring more poor people than their villages hold, listed one by one (the
rest counted in one notice)."""


def _cross_checks(
    issues: list[Issue], notices: list[Issue], policy: Policy,
    src: RecordIndex[Source], prj: RecordIndex[Project], vil: RecordIndex[Village],
    shr: RecordIndex[ShareRow], tgt: RecordIndex[TargetRow], app: RecordIndex[Application],
) -> None:
    source_ids = {s.id for s in src} | src.rejected
    project_ids = {p.id for p in prj} | prj.rejected
    village_ids = {v.id for v in vil} | vil.rejected
    village_by_name = {v.name: v.id for v in vil if v.name}
    categories = {p.category for p in prj}
    periods = _period_labels(policy)
    for i, s in enumerate(src.records):
        if s.tranches and len(s.tranches) > len(periods):
            issues.append(Issue(src.loc(i, "tranches", s.id),
                                tr("{n} tranches given, the plan has {periods} periods",
                                   n=len(s.tranches), periods=len(periods))))
        for c in s.categories:
            if c not in categories:
                notices.append(Issue(src.loc(i, "categories", s.id),
                                     tr("no project has category '{category}'", category=c)))
    over: list[tuple[int, Issue]] = []  # projects declaring more than their villages hold
    for i, p in enumerate(prj.records):
        fixed = []
        for v in p.villages:
            if v in village_ids:
                fixed.append(v)
            elif v in village_by_name:
                fixed.append(village_by_name[v])
            elif vil.table is not None:
                issues.append(Issue(prj.loc(i, "villages", p.id),
                                    tr("unknown village '{village}'", village=v)))
        if vil.table is not None:
            p.villages = fixed
        # declared beneficiaries above what the villages named hold (counted capped: warn)
        by_id = {v.id: v for v in vil}
        named = [by_id[v] for v in p.villages if v in by_id]
        for key, total_key in (("poor_people", "poor_population"),
                               ("poor_households", "poor_households")):
            have = [getattr(v, total_key) for v in named]
            if named and all(h > 0 for h in have) and getattr(p, key) > sum(have):
                over.append((i, Issue(prj.loc(i, key, p.id), tr(
                    "declares {n} {what}, more than the {total} its villages ({villages}) "
                    "hold; people reached are counted per village, at most the village totals",
                    n=f"{getattr(p, key):,}", what=tr("poor people") if key == "poor_people"
                    else tr("poor households"), total=f"{sum(have):,}",
                    villages=tr(", ").join(v.id for v in named)))))
        for key in ("requires", "excludes"):
            for ref in getattr(p, key):
                if ref not in project_ids:
                    issues.append(Issue(prj.loc(i, key, p.id),
                                        tr("unknown project '{project}'", project=ref)))
                elif ref == p.id:
                    issues.append(Issue(prj.loc(i, key, p.id),
                                        tr("a project cannot name itself")))
        if p.min_funding is not None and p.min_funding > p.cost + 1e-9:
            issues.append(Issue(prj.loc(i, "min_funding", p.id),
                                tr("minimum funding {minimum} is above the full cost {cost}",
                                   minimum=f"{p.min_funding:,.0f}", cost=f"{p.cost:,.0f}")))
        if p.min_funding is not None and not p.partial:
            notices.append(Issue(prj.loc(i, "min_funding", p.id),
                                 tr("a minimum is given for a project funded whole or not at "
                                    "all; it is ignored")))
        if p.committed and p.excluded:
            issues.append(Issue(prj.loc(i, "excluded", p.id),
                                tr("a project cannot be both 已承诺 (committed) and 不予安排 "
                                   "(excluded)")))
        if p.start is not None and p.start not in periods:
            issues.append(Issue(prj.loc(i, "start", p.id),
                                tr("start quarter {start} is outside the plan "
                                   "({first}–{last})", start=p.start, first=periods[0],
                                   last=periods[-1])))
        elif p.curve:
            first = periods.index(p.start) if p.start is not None else 0
            if first + len(p.curve) > len(periods):
                issues.append(Issue(prj.loc(i, "curve", p.id),
                                    tr("{n} quarters of spending from {start} run past the "
                                       "plan's last period {last}", n=len(p.curve),
                                       start=periods[first], last=periods[-1])))
    notices.extend(issue for _i, issue in over[:_OVER_SHOWN])
    rest = {i for i, _x in over[_OVER_SHOWN:]} - {i for i, _x in over[:_OVER_SHOWN]}
    if rest:
        notices.append(Issue(prj.table.loc(None) if prj.table is not None else Location(), tr(
            "… {n} more project rows declare more poor people or poor households than their "
            "villages hold (all projects: {people} poor people and {households} poor "
            "households declared, the villages hold {v_people} and {v_households})",
            n=len(rest), people=f"{sum(p.poor_people for p in prj):,}",
            households=f"{sum(p.poor_households for p in prj):,}",
            v_people=f"{sum(v.poor_population for v in vil):,}",
            v_households=f"{sum(v.poor_households for v in vil):,}")))
    # cost sharing
    group_cats: dict[str, set[str]] = {}
    group_rows: dict[str, list[int]] = {}
    for i, r in enumerate(shr.records):
        if r.source not in source_ids:
            issues.append(Issue(shr.loc(i, "source", r.group),
                                tr("unknown source '{source}'", source=r.source)))
        group_cats.setdefault(r.group, set()).update(r.categories)
        group_rows.setdefault(r.group, []).append(i)
    cat_group: dict[str, str] = {}
    src_by_id = {s.id: s for s in src}
    for g, cats in group_cats.items():
        rows = group_rows[g]
        if not cats:
            issues.append(Issue(shr.loc(rows[0], "categories", g),
                                tr("cost-sharing group '{group}' names no category",
                                   group=g)))
        seen_src: set[str] = set()
        for i in rows:
            r = shr.records[i]
            if r.source in seen_src:
                issues.append(Issue(shr.loc(i, "source", g),
                                    tr("source '{source}' appears twice in group '{group}'",
                                       source=r.source, group=g)))
            seen_src.add(r.source)
            s = src_by_id.get(r.source)
            if s is not None and policy.on("eligibility"):
                for c in cats:
                    if not s.may_fund(c):
                        issues.append(Issue(shr.loc(i, "source", g),
                                            tr("source '{source}' shares the cost of "
                                               "'{category}' but its 可用类别 do not include "
                                               "'{category}'", source=r.source, category=c)))
        for c in sorted(cats):
            if c in cat_group and cat_group[c] != g:
                issues.append(Issue(shr.loc(rows[0], "categories", g),
                                    tr("category '{category}' is in two cost-sharing groups "
                                       "('{first}' and '{group}')", category=c,
                                       first=cat_group[c], group=g)))
            cat_group.setdefault(c, g)
    for i, t in enumerate(tgt.records):
        if t.kind in ("village_industry", "village_amount"):
            if t.village is None:
                continue  # every poor village (village_industry) / every special-hardship one
            if t.village in village_by_name and t.village not in village_ids:
                t.village = village_by_name[t.village]
            elif t.village not in village_ids:
                issues.append(Issue(tgt.loc(i, "village", t.id),
                                    tr("unknown village '{village}'", village=t.village)))
        if t.kind == "category_amount" and not t.category:
            issues.append(Issue(tgt.loc(i, "category", t.id),
                                tr("a 类别资金 (category_amount) target needs a category")))
        if t.kind == "poor_household_share" and t.value > 100:
            issues.append(Issue(tgt.loc(i, "value", t.id),
                                tr("a share is a percentage ≤ 100, got {value}",
                                   value=f"{t.value:g}")))
        if t.kind in ("village_industry", "poor_people") and t.value != int(t.value):
            issues.append(Issue(tgt.loc(i, "value", t.id),
                                tr("expected a whole number, got {value}",
                                   value=f"{t.value:g}")))
    for i, a in enumerate(app.records):
        if a.village is not None and vil.table is not None:
            if a.village in village_by_name and a.village not in village_ids:
                a.village = village_by_name[a.village]
            elif a.village not in village_ids:
                issues.append(Issue(app.loc(i, "village", a.id),
                                    tr("unknown village '{village}'", village=a.village)))
        if a.contiguous is not None and a.contiguous > a.area + 1e-9:
            issues.append(Issue(app.loc(i, "contiguous", a.id),
                                tr("contiguous area {contiguous} mu is larger than the "
                                   "declared area {area} mu", contiguous=f"{a.contiguous:g}",
                                   area=f"{a.area:g}")))


def _period_labels(policy: Policy) -> list[str]:
    if policy.period_labels is not None:
        return list(policy.period_labels)
    q0 = Quarter.parse(policy.first_period)
    return [str(q0 + i) for i in range(policy.periods)]


# ------------------------------------------------------------------ the integer problem


@dataclass
class Target:
    """A coverage target in integers (rule F4 and the 覆盖目标 sheet).

    ``kind`` says how a project contributes: ``count`` (1 per funded project), ``money``
    (``coef / denom`` of its funding, in units) or ``people`` (``floor(coef × level / 100)``).
    """

    key: str
    label: str
    kind: Literal["count", "money", "people"]
    requirement: int
    members: list[tuple[int, int]]  # (project index, coefficient)
    denom: int = 1
    unit_text: str = ""
    village: str | None = None
    reach: str | None = None
    """A ``people`` target counted per village (capped by the village totals): the project
    field it counts (``poor_people``, ``poor_households``), summed over
    ``Problem.reach[reach]``; ``members`` then lists the projects that declare it."""


REACH_FIELDS: dict[str, str] = {"people": "population", "poor_people": "poor_population",
                                "households": "households",
                                "poor_households": "poor_households"}
"""Project beneficiary field -> the village total that caps it (people reached per village)."""


@dataclass
class ReachGroup:
    """People of one beneficiary field reached in one village, capped by the village's total.

    ``min(cap, floor(Σ mult × floor(coef × level_j / 100) / den))`` over ``members``
    ``(project, coef, mult)``: a project in ``k`` villages counts ``1/k`` of its declared figure
    in each (``mult = den / k``); ``cap`` 0 means not capped (the village sheet gives no total,
    or the group of projects without a known village, ``village`` ``None``).
    """

    village: str | None
    cap: int
    den: int
    members: list[tuple[int, int, int]]

    def count(self, level: list[int]) -> int:
        """The group's people reached at the projects' funding levels (percent)."""
        num = sum(m * (c * level[j] // 100) for j, c, m in self.members)
        got = num // self.den
        return min(self.cap, got) if self.cap > 0 else got

    @property
    def may_bind(self) -> bool:
        """Whether the cap or the split can make the count differ from the declared sum."""
        return self.den > 1 or (self.cap > 0 and sum(c for _j, c, _m in self.members) > self.cap)


def reach_groups(data: FundingData, field_name: str,
                 projects: set[int] | None = None) -> list[ReachGroup]:
    """The per-village groups of one beneficiary field (see :class:`ReachGroup`), over the
    given projects (default: all)."""
    vil = {v.id: v for v in data.villages}
    per_v: dict[str, list[tuple[int, int, int]]] = {}
    loose: list[tuple[int, int, int]] = []
    for j, p in enumerate(data.projects):
        c = getattr(p, field_name)
        if c <= 0 or (projects is not None and j not in projects):
            continue
        vs = [v for v in p.villages if v in vil]
        if not vs:
            loose.append((j, c, 1))
            continue
        for v in vs:
            per_v.setdefault(v, []).append((j, c, len(vs)))
    out = [ReachGroup(None, 0, 1, loose)] if loose else []
    for v, mem in per_v.items():
        den = math.lcm(*[k for _j, _c, k in mem])
        out.append(ReachGroup(v, getattr(vil[v], REACH_FIELDS[field_name]), den,
                              [(j, c, den // k) for j, c, k in mem]))
    return out


@dataclass
class Problem:
    """The allocation problem in whole money units; shared by model, checker, MIP and greedy.

    Attributes
    ----------
    unit
        Yuan per model unit (a power of ten).
    exact
        Whether every amount of the input is a whole number of units (no rounding).
    periods
        Period labels.
    budget
        ``budget[s][t]``: units of source ``s`` arriving in period ``t``.
    cost, period_cost, min_funding
        Full cost ``A_j``, spending per period ``a_jt`` (summing to ``A_j``), minimum viable
        funding (units; 0 = none) of every project.
    partial
        Whether a project may be funded in 1% steps (else whole or nothing).
    value, priority
        Weighted beneficiaries and priority score (integers) of every project.
    eligible
        Source indices that may pay for each project (rule F1, eligibility).
    share
        Project -> ``[(source, ratio), ...]`` of its cost-sharing group (rule F5).
    targets
        Coverage targets (rule F4 and declared ones).
    milestones
        ``(period index, numerator, denominator)``: cumulative spending by the end of the period
        is at least ``num/den`` of the money allocated (rule F6).
    industry
        ``(num, den, central sources, industry projects)`` of rule F2, or ``None``.
    labour
        ``(scope, per-mille threshold, infrastructure projects, per-mille share per project)``
        of rule F3, or ``None``.
    """

    unit: int
    exact: bool
    periods: list[str]
    carry_over: bool
    budget: list[list[int]]
    cost: list[int]
    period_cost: list[list[int]]
    min_funding: list[int]
    partial: list[bool]
    value: list[int]
    priority: list[int]
    eligible: list[list[int]]
    share: dict[int, list[tuple[int, int]]]
    targets: list[Target]
    milestones: list[tuple[int, int, int]]
    industry: tuple[int, int, list[int], list[int]] | None
    labour: tuple[str, int, list[int], list[int]] | None
    committed: list[bool]
    excluded: list[bool]
    requires: list[tuple[int, int]]
    excludes: list[tuple[int, int]]
    project_ids: list[str]
    source_ids: list[str]
    warnings: list[str] = field(default_factory=list)
    step: int = 1
    """A partial project's level is a multiple of this percent (the 方案's 部分安排步长)."""
    assignment: tuple[int, int, int, list[int]] | None = None
    """``(period index, num, den, sources)`` of rule F6's first milestone: each of these sources
    (the central linkage funds, seed 001: 中央提前下达资金; none: no such rule) assigns at least
    ``num/den`` of the money it has by the end of that period (DOMAIN §F rule 6: 100 % by the
    end of March), or ``None``."""
    reach: dict[str, list[ReachGroup]] = field(default_factory=dict)
    """Beneficiary field -> its per-village groups over every project (people reached, capped
    by the village totals): the fields the objective weighs or a target counts."""
    benefit_weights: dict[str, int] = field(default_factory=dict)
    """Beneficiary field -> its weight in the objective (the 方案's 人口权重 …); the weighted
    beneficiaries are ``Σ weight × people reached`` over :attr:`benefit_reach`, plus
    ``floor(value × level / 100)`` of the projects whose value is given (``value_override``)."""
    benefit_reach: dict[str, list[ReachGroup]] = field(default_factory=dict)
    """The groups of the objective: over the projects without a given value."""
    value_given: list[int] = field(default_factory=list)
    """Projects whose benefit is given (MKP / Pabulib ``value_override``): counted as it is."""
    milestone_soft: bool = False
    """Rule F6 (``milestones`` and ``assignment``) is soft (the 方案's 支出进度执行方式 = 软性):
    its shortfalls are objective levels (``assign_short``, ``milestone_short``), not
    constraints."""

    @property
    def n(self) -> int:
        return len(self.cost)

    @property
    def total_budget(self) -> int:
        return sum(map(sum, self.budget))

    def to_yuan(self, units: float) -> float:
        """Units -> yuan."""
        return units * self.unit


def _spread(total: int, weights: list[float]) -> list[int]:
    """``total`` split by percentage ``weights`` (largest remainder; sums to ``total``)."""
    if not weights:
        return [total]
    raw = [total * w / 100.0 for w in weights]
    base = [math.floor(r + 1e-9) for r in raw]
    rest = total - sum(base)
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - base[i]), i))
    for i in order[:rest]:
        base[i] += 1
    return base


def _ratio(pct: float) -> tuple[int, int]:
    """A percentage as a fraction num/den with den ≤ 1000 (so 55 -> 11/20)."""
    f = Fraction(pct / 100).limit_denominator(1000)
    return f.numerator, f.denominator


def value_of(p: Project, policy: Policy) -> int:
    """Weighted beneficiaries of a fully funded project (poor people weigh more by default)."""
    if p.value_override is not None:
        return p.value_override
    return (policy.weight_people * p.people + policy.weight_poor_people * p.poor_people
            + policy.weight_households * p.households
            + policy.weight_poor_households * p.poor_households)


def _rounding_warning(data: FundingData, unit: int) -> str:
    """What rounding to the money unit costs, in yuan: the budget lost (sources rounded down),
    the costs added (projects rounded up), and every source that rounds to nothing."""
    lost = [(s, round(s.amount) - math.floor(round(s.amount) / unit) * unit)
            for s in data.sources]
    added = sum(math.ceil(round(p.cost) / unit) * unit - round(p.cost) for p in data.projects)
    budget_lost = sum(x for _, x in lost)
    zeroed = [s for s in data.sources if round(s.amount) > 0 and round(s.amount) < unit]
    text = tr("amounts rounded to the money unit of {unit} 元 (costs up, budgets down): "
              "budgets lose {lost} 元, project costs gain {added} 元", unit=f"{unit:,}",
              lost=f"{budget_lost:,}", added=f"{added:,}")
    if zeroed:
        names = tr(", ").join(f"'{s.id}' ({round(s.amount):,} 元)" for s in zeroed[:10])
        more = f" … +{len(zeroed) - 10}" if len(zeroed) > 10 else ""
        text += tr("; source(s) {sources} round to 0 and fund nothing", sources=names + more)
    return text + tr(" (amounts in whole multiples of {unit} 元 stay exact)", unit=f"{unit:,}")


def problem(data: FundingData) -> Problem:
    """The integer view of ``data`` (see :class:`Problem`).

    Raises
    ------
    ValueError
        When a committed or fixed unit leaves amounts too large for the model.
    """
    pol = data.policy
    periods = data.periods
    T = len(periods)
    warnings: list[str] = []
    yuan = [round(s.amount) for s in data.sources] + [round(p.cost) for p in data.projects]
    yuan += [round(p.min_funding) for p in data.projects if p.min_funding]
    if pol.on("special_hardship"):
        yuan.append(round(pol.special_hardship_amount))
    yuan += [round(t.value) for t in data.targets if t.kind in ("village_amount",
                                                                "category_amount")]
    total = max(sum(round(s.amount) for s in data.sources),
                sum(round(p.cost) for p in data.projects), 1)
    needed = 1  # the finest unit that keeps totals within MONEY_LIMIT units
    while total / needed > MONEY_LIMIT:
        needed *= 10
    unit = pol.model_unit or needed
    if pol.model_unit is None and total / unit > MONEY_LIMIT * 10:
        raise ValueError(tr("money unit {unit} 元 leaves totals of {units} units; use a larger "
                            "计算单位 (model unit) such as {needed} 元", unit=f"{unit:,}",
                            units=f"{total / unit:,.0f}", needed=f"{needed:,}"))
    exact = all(v % unit == 0 for v in yuan)
    if not exact:
        warnings.append(_rounding_warning(data, unit))
    pidx = {p.id: j for j, p in enumerate(data.projects)}
    sidx = {s.id: i for i, s in enumerate(data.sources)}

    budget = []
    for s in data.sources:
        amount = math.floor(round(s.amount) / unit)
        if s.per_period is not None:
            per = [math.floor(round(x) / unit) for x in s.per_period]
            budget.append(per + [0] * (T - len(per)))
        elif s.tranches:
            budget.append(_spread(amount, s.tranches) + [0] * (T - len(s.tranches)))
        elif pol.carry_over:
            budget.append([amount] + [0] * (T - 1))
        else:
            budget.append(_spread(amount, [100.0 / T] * T))

    cost, pcost, minf, value, prio = [], [], [], [], []
    for p in data.projects:
        a = math.ceil(round(p.cost) / unit)
        cost.append(a)
        if p.period_costs is not None:
            pc = [math.ceil(round(x) / unit) for x in p.period_costs]
            pc += [0] * (T - len(pc))
            cost[-1] = sum(pc)
        else:
            first = periods.index(p.start) if p.start is not None else 0
            pc = [0] * T
            for k, amt in enumerate(_spread(a, p.curve or [100.0])):
                if first + k >= T:
                    raise ValueError(tr("project '{project}': its spending runs past the last "
                                        "period", project=p.id))
                pc[first + k] = amt
        pcost.append(pc)
        minf.append(math.ceil(round(p.min_funding) / unit) if p.partial and p.min_funding else 0)
        value.append(value_of(p, pol))
        prio.append(round(p.priority))

    eligible = []
    for p in data.projects:
        eligible.append([i for i, s in enumerate(data.sources)
                         if not pol.on("eligibility") or s.may_fund(p.category)])

    share: dict[int, list[tuple[int, int]]] = {}
    if pol.on("cost_sharing") and data.sharing:
        groups: dict[str, list[ShareRow]] = {}
        for r in data.sharing:
            groups.setdefault(r.group, []).append(r)
        cat_group = {c: g for g, rows in groups.items() for r in rows for c in r.categories}
        for j, p in enumerate(data.projects):
            g = cat_group.get(p.category)
            if g is None:
                continue
            share[j] = [(sidx[r.source], r.share) for r in groups[g]]
            eligible[j] = sorted(sidx[r.source] for r in groups[g])

    # ---- coverage targets (F4 built-ins, then the declared ones)
    targets: list[Target] = []
    vil = {v.id: v for v in data.villages}
    ind_cat = pol.industry_category

    def projects_in(vid: str, category: str | None = None) -> list[int]:
        return [j for j, p in enumerate(data.projects)
                if vid in p.villages and (category is None or p.category == category)]

    def money_members(vid: str) -> tuple[list[tuple[int, int]], int]:
        js = projects_in(vid)
        denom = math.lcm(*[len(data.projects[j].villages) for j in js]) if js else 1
        return [(j, denom // len(data.projects[j].villages)) for j in js], denom

    if pol.on("poor_village_industry"):
        for v in data.villages:
            if v.poor:
                targets.append(Target(f"industry:{v.id}",
                                      tr("poor village {village}: at least 1 {category} "
                                         "project", village=v.label, category=ind_cat),
                                      "count", 1, [(j, 1) for j in projects_in(v.id, ind_cat)],
                                      unit_text="个", village=v.id))
    if pol.on("special_hardship"):
        need = math.ceil(round(pol.special_hardship_amount) / unit)
        for v in data.villages:
            if v.special_hardship and need > 0:
                mem, den = money_members(v.id)
                amount = money_text(pol.special_hardship_amount, pol.input_unit)
                targets.append(Target(f"hardship:{v.id}",
                                      tr("special-hardship village {village}: at least "
                                         "{amount}", village=v.label, amount=amount),
                                      "money", need, mem, den, unit_text="元", village=v.id))
    for t in data.targets:
        if t.kind == "village_industry":
            cat = t.category or ind_cat
            vids = [t.village] if t.village else [v.id for v in data.villages if v.poor]
            for vid in vids:
                label = tr("{target}: village {village} at least {n} {category} projects",
                           target=t.id, village=vil[vid].label, n=int(t.value), category=cat)
                targets.append(Target(f"{t.id}:{vid}", label,
                                      "count", int(t.value),
                                      [(j, 1) for j in projects_in(vid, cat)], unit_text="个",
                                      village=vid))
        elif t.kind == "village_amount":
            need = math.ceil(round(t.value) / unit)
            vids = ([t.village] if t.village
                    else [v.id for v in data.villages if v.special_hardship])
            for vid in vids:
                mem, den = money_members(vid)
                targets.append(Target(f"{t.id}:{vid}",
                                      tr("{target}: village {village} at least {amount}",
                                         target=t.id, village=vil[vid].label,
                                         amount=money_text(t.value, pol.input_unit)),
                                      "money", need, mem, den, unit_text="元", village=vid))
        elif t.kind == "category_amount":
            need = math.ceil(round(t.value) / unit)
            mem = [(j, 1) for j, p in enumerate(data.projects) if p.category == t.category]
            targets.append(Target(t.id, tr("{target}: {category} at least {amount}",
                                           target=t.id, category=t.category,
                                           amount=money_text(t.value, pol.input_unit)),
                                  "money", need, mem, 1, unit_text="元"))
        elif t.kind == "poor_household_share":
            total_ph = sum(v.poor_households for v in data.villages)
            need = math.ceil(t.value * total_ph / 100 - 1e-9)
            if need > 0:
                targets.append(Target(t.id, tr("{target}: ≥ {pct}% of poor households reached "
                                               "({n} households)", target=t.id,
                                               pct=f"{t.value:g}", n=need),
                                      "people", need,
                                      [(j, p.poor_households) for j, p in enumerate(data.projects)
                                       if p.poor_households], unit_text="户",
                                      reach="poor_households"))
        elif t.kind == "poor_people":
            targets.append(Target(t.id, tr("{target}: ≥ {n} poor people reached", target=t.id,
                                           n=int(t.value)), "people",
                                  int(t.value),
                                  [(j, p.poor_people) for j, p in enumerate(data.projects)
                                   if p.poor_people], unit_text="人", reach="poor_people"))

    milestones: list[tuple[int, int, int]] = []
    if pol.on("milestones") and pol.period_labels is None:
        q0 = Quarter.parse(pol.first_period)
        for month, pct in pol.milestones:
            q = Quarter(q0.year, (month - 1) // 3 + 1)
            if (month % 3) != 0:
                warnings.append(tr("milestone {month}月 falls inside {quarter}; checked at its "
                                   "end", month=month, quarter=q))
            k = q - q0
            if 0 <= k < T:
                num, den = _ratio(pct)
                milestones.append((k, num, den))
            else:
                warnings.append(tr("milestone {month}月 ({quarter}) is outside the plan; not "
                                   "checked", month=month, quarter=q))

    assignment = None
    if pol.on("milestones") and pol.period_labels is None and pol.assign_share > 0:
        q0 = Quarter.parse(pol.first_period)
        k = Quarter(q0.year, (pol.assign_month - 1) // 3 + 1) - q0
        if 0 <= k < T:
            srcs = [i for i, s in enumerate(data.sources) if s.kind == "central"]
            num, den = _ratio(pol.assign_share)
            if srcs:
                assignment = (k, num, den, srcs)
    industry = None
    if pol.on("industry_share"):
        central = [i for i, s in enumerate(data.sources) if s.kind == "central"]
        if central and pol.industry_share > 0:
            num, den = _ratio(pol.industry_share)
            industry = (num, den, central,
                        [j for j, p in enumerate(data.projects) if p.category == ind_cat])
    labour = None
    if pol.on("labour") and pol.labour_share > 0:
        infra = [j for j, p in enumerate(data.projects) if p.category == pol.labour_category]
        labour = (pol.labour_scope, round(pol.labour_share * 10), infra,
                  [round(p.labour_share * 10) for p in data.projects])

    # people reached, per village and capped by the village totals (objective and targets)
    weights = {"people": pol.weight_people, "poor_people": pol.weight_poor_people,
               "households": pol.weight_households,
               "poor_households": pol.weight_poor_households}
    given = [j for j, p in enumerate(data.projects) if p.value_override is not None]
    own = set(range(len(data.projects))) - set(given)
    reach = {f: reach_groups(data, f)
             for f in REACH_FIELDS if weights[f] > 0 or any(t.reach == f for t in targets)}
    benefit_reach = {f: (reach[f] if not given else reach_groups(data, f, own))
                     for f in REACH_FIELDS if weights[f] > 0}

    requires = [(pidx[p.id], pidx[r]) for p in data.projects for r in p.requires if r in pidx]
    excludes = sorted({tuple(sorted((pidx[p.id], pidx[r]))) for p in data.projects
                       for r in p.excludes if r in pidx})  # type: ignore[misc]
    return Problem(
        unit=unit, exact=exact, periods=periods, carry_over=pol.carry_over, budget=budget,
        cost=cost, period_cost=pcost, min_funding=minf,
        partial=[p.partial for p in data.projects], value=value, priority=prio,
        eligible=eligible, share=share, targets=targets, milestones=milestones,
        industry=industry, labour=labour,
        committed=[p.committed for p in data.projects],
        excluded=[p.excluded for p in data.projects],
        requires=requires, excludes=excludes,  # type: ignore[arg-type]
        project_ids=[p.id for p in data.projects], source_ids=[s.id for s in data.sources],
        warnings=warnings, assignment=assignment, step=pol.partial_step,
        reach=reach, benefit_weights={f: w for f, w in weights.items() if w > 0},
        benefit_reach=benefit_reach, value_given=given,
        milestone_soft=pol.milestone_mode == "soft" and bool(milestones or assignment),
    )
