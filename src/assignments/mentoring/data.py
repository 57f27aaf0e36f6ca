"""Mentor pairing input: the entities of DOMAIN §M, the workbook format, cross-record checks.

No solver types here. :func:`read_mentoring` turns a workbook (or CSV folder / JSON / YAML)
into a validated :class:`MentoringData`; every problem of the file is reported at once, each
naming file, sheet, row, column and record.

Sheets (Chinese or English names): 方案 (policy), 学校 (schools), 教师 (teachers), 课表
(timetable), 路程 (travel), 历史结对 (past pairs), 指定结对 (forced pairs), 禁止结对
(forbidden pairs), 意愿 (preferences), 学科组 (subject groups), 支教需求 (placement demand).
The timetable may also come as grid sheets (``课表-T001``, ``课表-七年级2班``: periods down,
weekdays across), merged with the 课表 rows: see :mod:`assignments.mentoring.grid`.
"""

from __future__ import annotations

import functools
import math
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from dataclasses import replace as dc_replace
from enum import Enum
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator

from assignments.core.errors import InputError, Issue, Location
from assignments.core.i18n import N_, current_lang, tr, trc
from assignments.core.io import ColumnSpec, SheetSpec, Table, read_tables
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
    RecordIndex,
    RecordLocations,
    Schema,
    TextList,
    YesNo,
    check_names,
    id_text,
    parse_table,
    parse_yes_no,
)

__all__ = [
    "SHEETS",
    "Demand",
    "GradeBand",
    "KeyLevel",
    "Lesson",
    "MentoringData",
    "PairRow",
    "PastPair",
    "Policy",
    "Preference",
    "Rating",
    "Role",
    "School",
    "Teacher",
    "TravelRow",
    "read_mentoring",
    "weekday_label",
]


def _norm(v: Any) -> str:
    return unicodedata.normalize("NFKC", str(v)).strip().lower().replace(" ", "")


def _id(v: Any) -> Any:
    return id_text(v) if v is not None else v


# ------------------------------------------------------------------ enumerations


class GradeBand(str, Enum):
    """Grade band (学段)."""

    KINDERGARTEN = "幼儿园"
    PRIMARY = "小学"
    JUNIOR = "初中"
    SENIOR = "高中"
    VOCATIONAL = "中职"

    @property
    def en(self) -> str:
        return {
            "幼儿园": "kindergarten",
            "小学": "primary",
            "初中": "junior secondary",
            "高中": "senior secondary",
            "中职": "vocational",
        }[self.value]


_BAND_ALIASES = {
    "幼儿园": GradeBand.KINDERGARTEN, "学前": GradeBand.KINDERGARTEN,
    "kindergarten": GradeBand.KINDERGARTEN, "preschool": GradeBand.KINDERGARTEN,
    "小学": GradeBand.PRIMARY, "primary": GradeBand.PRIMARY,
    "初中": GradeBand.JUNIOR, "junior": GradeBand.JUNIOR, "juniorsecondary": GradeBand.JUNIOR,
    "高中": GradeBand.SENIOR, "senior": GradeBand.SENIOR, "seniorsecondary": GradeBand.SENIOR,
    "中职": GradeBand.VOCATIONAL, "职高": GradeBand.VOCATIONAL,
    "vocational": GradeBand.VOCATIONAL,
}


def _alias(v: Any, kind: type, table: dict[str, Any], expected: str) -> Any:
    """``v`` looked up (normalised) in ``table``; ``None`` and members of ``kind`` pass;
    ``expected`` is the message (a catalogued msgid with a ``{v}`` field) otherwise."""
    if v is None or isinstance(v, kind):
        return v
    key = _norm(v)
    if key in table:
        return table[key]
    raise ValueError(tr(expected, v=v))


_GRADE_BAND_MSG = N_("unknown grade band '{v}'; expected 幼儿园, 小学, 初中, 高中 or 中职 "
                     "(kindergarten, primary, junior, senior, vocational)")
_LEVEL_MSG = N_("unknown key-teacher level '{v}'; expected 校级, 县级, 市级 or 省级 (school, "
                "county, city, province)")


def parse_band(v: Any) -> GradeBand | None:
    """A grade band from Chinese or English text; empty means unknown."""
    return _alias(v, GradeBand, _BAND_ALIASES,
                  _GRADE_BAND_MSG)


class KeyLevel(int, Enum):
    """Level of a key teacher (骨干教师级别); higher is stronger."""

    SCHOOL = 1
    COUNTY = 2
    CITY = 3
    PROVINCE = 4

    @property
    def zh(self) -> str:
        return {1: "校级", 2: "县级", 3: "市级", 4: "省级"}[self.value]

    @property
    def en(self) -> str:
        return {1: "school", 2: "county", 3: "city", 4: "province"}[self.value]


_LEVEL_ALIASES = {
    "校级": KeyLevel.SCHOOL, "校": KeyLevel.SCHOOL, "school": KeyLevel.SCHOOL,
    "县级": KeyLevel.COUNTY, "区级": KeyLevel.COUNTY, "县": KeyLevel.COUNTY,
    "区": KeyLevel.COUNTY, "county": KeyLevel.COUNTY, "district": KeyLevel.COUNTY,
    "市级": KeyLevel.CITY, "市": KeyLevel.CITY, "city": KeyLevel.CITY,
    "省级": KeyLevel.PROVINCE, "省": KeyLevel.PROVINCE, "province": KeyLevel.PROVINCE,
    "provincial": KeyLevel.PROVINCE,
}


def parse_level(v: Any) -> KeyLevel | None:
    """A key-teacher level (校级/县级/市级/省级, school/county/city/province)."""
    return _alias(v, KeyLevel, _LEVEL_ALIASES,
                  _LEVEL_MSG)


class Role(str, Enum):
    """A teacher's role that qualifies them as a mentor (DOMAIN §M rule 2)."""

    LEADER = "学科带头人"
    EXPERT = "教学能手"
    KEY = "骨干教师"

    @property
    def en(self) -> str:
        return {"学科带头人": "subject leader", "教学能手": "teaching expert",
                "骨干教师": "key teacher"}[self.value]


_LEVEL_PREFIXES = (
    ("省", KeyLevel.PROVINCE), ("市", KeyLevel.CITY), ("县", KeyLevel.COUNTY),
    ("区", KeyLevel.COUNTY), ("校", KeyLevel.SCHOOL), ("province", KeyLevel.PROVINCE),
    ("city", KeyLevel.CITY), ("county", KeyLevel.COUNTY), ("school", KeyLevel.SCHOOL),
)


def parse_role(v: Any) -> tuple[Role, KeyLevel | None]:
    """``市级骨干教师`` -> (KEY, CITY); ``学科带头人`` -> (LEADER, None)."""
    text = _norm(v)
    if "带头人" in text or text in ("subjectleader", "leader"):
        return Role.LEADER, None
    if "能手" in text or text in ("teachingexpert", "expert"):
        return Role.EXPERT, None
    if "骨干" in text or text.endswith("keyteacher") or text == "key":
        level = None
        for prefix, lv in _LEVEL_PREFIXES:
            if text.startswith(prefix):
                level = lv
                break
        return Role.KEY, level
    raise ValueError(tr(
        "unknown role '{v}'; expected 学科带头人, 教学能手 or (省级/市级/县级/校级)骨干教师 "
        "(subject leader, teaching expert, key teacher)", v=v))


class Rating(str, Enum):
    """How last year's pair worked (评价)."""

    GOOD = "好"
    FAIR = "一般"
    POOR = "差"


_RATING_ALIASES = {
    "好": Rating.GOOD, "优": Rating.GOOD, "优秀": Rating.GOOD, "良": Rating.GOOD,
    "良好": Rating.GOOD, "good": Rating.GOOD, "一般": Rating.FAIR, "中": Rating.FAIR,
    "合格": Rating.FAIR, "fair": Rating.FAIR, "ok": Rating.FAIR, "差": Rating.POOR,
    "不合格": Rating.POOR, "poor": Rating.POOR, "bad": Rating.POOR,
}

_WEEKDAYS = {
    "1": 1, "2": 2, "3": 3, "4": 4, "5": 5, "6": 6, "7": 7,
    "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "日": 7, "天": 7,
    "mon": 1, "monday": 1, "tue": 2, "tuesday": 2, "wed": 3, "wednesday": 3,
    "thu": 4, "thursday": 4, "fri": 5, "friday": 5, "sat": 6, "saturday": 6,
    "sun": 7, "sunday": 7,
}
_WEEKDAY_ZH = {1: "周一", 2: "周二", 3: "周三", 4: "周四", 5: "周五", 6: "周六", 7: "周日"}
_WEEKDAY_EN = {1: "Mon", 2: "Tue", 3: "Wed", 4: "Thu", 5: "Fri", 6: "Sat", 7: "Sun"}


def parse_weekday(v: Any) -> int:
    """周一/星期一/礼拜一/一/Mon/Monday/1 -> 1 ... 7."""
    if isinstance(v, int | float) and not isinstance(v, bool) and float(v).is_integer():
        v = int(v)
    text = _norm(v)
    for prefix in ("星期", "礼拜", "周"):
        text = text.removeprefix(prefix)
    if text in _WEEKDAYS:
        return _WEEKDAYS[text]
    raise ValueError(tr("unknown weekday '{v}'; expected 周一 … 周日, Mon … Sun or 1 … 7", v=v))


def weekday_label(day: int, lang: str | None = None) -> str:
    """1 -> 周一 (zh) or Mon (en); default: the current language."""
    return (_WEEKDAY_ZH if (lang or current_lang()) == "zh" else _WEEKDAY_EN)[day]


def _periods(v: Any) -> Any:
    """``3`` or ``1、3、5`` or ``1-3`` -> [1, 3, 5] / [1, 2, 3]."""
    if v is None:
        return []
    if isinstance(v, int | float) and not isinstance(v, bool):
        if not float(v).is_integer():
            raise ValueError(tr("expected period numbers like 3 or 1、3、5, got '{value}'",
                                value=v))
        return [int(v)]
    out: list[int] = []
    text = unicodedata.normalize("NFKC", str(v))
    for part in text.replace("，", ",").replace("、", ",").replace(";", ",").split(","):
        part = part.strip().removeprefix("第").removesuffix("节")
        if not part:
            continue
        try:
            if "-" in part or "~" in part:
                a, b = part.replace("~", "-").split("-", 1)
                lo, hi = int(a), int(b)
                if hi < lo:
                    raise ValueError
                out += list(range(lo, hi + 1))
            else:
                out.append(int(float(part)))
        except ValueError:
            raise ValueError(tr("expected period numbers like 3 or 1、3、5, got '{value}'",
                                value=v)) from None
    return out


# ------------------------------------------------------------------ records


class School(Schema):
    """A school (学校)."""

    id: str
    name: str | None = None
    area: Literal["urban", "rural"] = "urban"
    weak: YesNo = False
    district: str | None = None
    lon: float | None = Field(default=None, ge=-180, le=180)
    lat: float | None = Field(default=None, ge=-90, le=90)
    partners: TextList = Field(default_factory=list)
    category: str | None = None
    students: int | None = Field(default=None, ge=0)
    strengths: TextList = Field(default_factory=list)
    needs: TextList = Field(default_factory=list)
    role: Literal["helper", "helped"] | None = None
    pair_capacity: int = Field(default=1, ge=0)

    _ids = field_validator("id", mode="before")(_id)

    @field_validator("partners", mode="after")
    @classmethod
    def _partner_ids(cls, v: list[str]) -> list[str]:
        return [id_text(p) for p in v]

    @field_validator("area", mode="before")
    @classmethod
    def _area(cls, v: Any) -> Any:
        if v is None:
            return "urban"
        key = _norm(v)
        if key in ("城区", "城市", "城镇", "县城", "市区", "urban", "city", "town"):
            return "urban"
        if key in ("农村", "乡村", "乡镇", "村", "rural", "village", "countryside"):
            return "rural"
        raise ValueError(tr("expected 城区 (urban) or 农村 (rural), got '{v}'", v=v))

    @field_validator("role", mode="before")
    @classmethod
    def _role(cls, v: Any) -> Any:
        if v is None:
            return None
        key = _norm(v)
        if key in ("帮扶", "帮扶方", "支援", "helper", "strong", "support"):
            return "helper"
        if key in ("受援", "受援方", "被帮扶", "helped", "weak", "supported"):
            return "helped"
        raise ValueError(tr("expected 帮扶 (helper) or 受援 (helped), got '{v}'", v=v))

    @field_validator("pair_capacity", mode="before")
    @classmethod
    def _one(cls, v: Any) -> Any:
        return 1 if v is None else v

    @property
    def label(self) -> str:
        return self.name or self.id

    @property
    def rural(self) -> bool:
        return self.area == "rural"


class Teacher(Schema):
    """A teacher (教师): a possible mentor, a mentee, or neither."""

    id: str
    name: str | None = None
    school: str
    subjects: TextList
    grade_band: GradeBand | None = None
    years: int = Field(ge=0, le=60)
    title: str | None = None
    roles: TextList = Field(default_factory=list)
    key_level: KeyLevel | None = None
    new_transfer: YesNo = False
    needs_upgrade: YesNo = False
    wants_mentor: YesNo = False
    can_mentor: bool | None = None
    capacity: int | None = Field(default=None, ge=0, le=50)
    hours: float | None = Field(default=None, ge=0, le=2000)
    placement: YesNo = False
    placement_term: Literal["semester", "year"] | None = None

    _ids = field_validator("id", "school", mode="before")(_id)
    _band = field_validator("grade_band", mode="before")(parse_band)
    _level = field_validator("key_level", mode="before")(parse_level)

    @field_validator("subjects")
    @classmethod
    def _some_subject(cls, v: list[str]) -> list[str]:
        if not v:
            raise ValueError(tr("at least one subject is required (学科)"))
        return v

    @field_validator("roles")
    @classmethod
    def _known_roles(cls, v: list[str]) -> list[str]:
        for item in v:
            parse_role(item)
        return v

    @field_validator("can_mentor", mode="before")
    @classmethod
    def _tri(cls, v: Any) -> Any:
        if v is None:
            return None
        if isinstance(v, str) and _norm(v) in ("auto", "自动", ""):
            return None
        return parse_yes_no(v)

    @field_validator("placement_term", mode="before")
    @classmethod
    def _term(cls, v: Any) -> Any:
        return _parse_term(v)

    @property
    def label(self) -> str:
        return self.name or self.id

    @functools.cached_property
    def parsed_roles(self) -> list[tuple[Role, KeyLevel | None]]:
        return [parse_role(r) for r in self.roles]

    @property
    def main_subject(self) -> str:
        return self.subjects[0]


def _parse_term(v: Any) -> Any:
    if v is None:
        return None
    key = _norm(v)
    if key in ("学期", "一学期", "半年", "semester", "term"):
        return "semester"
    if key in ("学年", "一年", "年", "year", "schoolyear"):
        return "year"
    raise ValueError(tr("expected 学期 (semester) or 学年 (year), got '{v}'", v=v))


class Lesson(Schema):
    """A row of the timetable (课表): a teacher teaches on a weekday in these periods."""

    teacher: str
    weekday: int
    periods: list[int]
    klass: str | None = None
    name: str | None = None  # 姓名 beside 工号: checked against the 教师 sheet

    _ids = field_validator("teacher", mode="before")(_id)
    _day = field_validator("weekday", mode="before")(lambda v: parse_weekday(v) if v else v)
    _p = field_validator("periods", mode="before")(_periods)

    @field_validator("periods")
    @classmethod
    def _range(cls, v: list[int]) -> list[int]:
        if not v:
            raise ValueError(tr("at least one period number is required (节次)"))
        bad = [p for p in v if not 1 <= p <= 12]
        if bad:
            raise ValueError(tr("period {period} is outside 1–12", period=bad[0]))
        return v


class TravelRow(Schema):
    """A travel time between two schools (路程)."""

    origin: str
    destination: str
    minutes: float = Field(ge=0, le=1440)

    _ids = field_validator("origin", "destination", mode="before")(_id)


class PairRow(Schema):
    """A (mentor, mentee) pair of the forced or forbidden sheet."""

    mentor: str
    mentee: str
    reason: str | None = None
    mentor_name: str | None = None  # 师傅姓名 / 徒弟姓名: checked against the 教师 sheet
    mentee_name: str | None = None

    _ids = field_validator("mentor", "mentee", mode="before")(_id)


class PastPair(Schema):
    """Last year's pair (历史结对), for continuity."""

    mentor: str
    mentee: str
    year: str | None = None
    rating: Rating | None = None
    mentor_name: str | None = None  # 师傅姓名 / 徒弟姓名: checked against the 教师 sheet
    mentee_name: str | None = None

    _ids = field_validator("mentor", "mentee", mode="before")(_id)

    @field_validator("year", mode="before")
    @classmethod
    def _year(cls, v: Any) -> Any:
        return None if v is None else id_text(v)

    @field_validator("rating", mode="before")
    @classmethod
    def _rating(cls, v: Any) -> Any:
        return _alias(v, Rating, _RATING_ALIASES, "rating '{v}'; expected 好/一般/差 "
                      "(good/fair/poor)")


class Preference(Schema):
    """One ranked wish (意愿): ``teacher`` would like to be paired with ``target``."""

    teacher: str
    target: str
    rank: int = Field(ge=1, le=100)
    name: str | None = None  # 姓名 / 意向对象姓名: checked against the 教师 sheet
    target_name: str | None = None

    _ids = field_validator("teacher", "target", mode="before")(_id)


class SubjectGroup(Schema):
    """A subject and its group (学科组 / 教研组), for the related-subject fallback."""

    subject: str
    group: str


class Demand(Schema):
    """A rural school's request for placed (支教) teachers."""

    school: str
    subject: str
    number: int = Field(default=1, ge=1, le=200)
    term: Literal["semester", "year"] = "semester"
    grade_band: GradeBand | None = None
    note: str | None = None

    _ids = field_validator("school", mode="before")(_id)
    _band = field_validator("grade_band", mode="before")(parse_band)

    @field_validator("number", mode="before")
    @classmethod
    def _one(cls, v: Any) -> Any:
        return 1 if v is None else v

    @field_validator("term", mode="before")
    @classmethod
    def _term(cls, v: Any) -> Any:
        return "semester" if v is None else _parse_term(v)


# ------------------------------------------------------------------ policy

ContinuityMode = Literal["bonus", "required"]


class Policy(BaseModel):
    """Pairing parameters (the 方案 sheet); every figure of DOMAIN §M is a default here.

    Attributes
    ----------
    semester_weeks
        Teaching weeks in the semester (18).
    mentor_observations, mentee_observations
        Lessons the mentor observes of the mentee (5) and the mentee of the mentor (15).
    novice_years
        Teachers with fewer years of teaching must have a mentor (3).
    experience_threshold
        Teachers with at least this many years may mentor without a role (10).
    min_gap
        A mentor has at least this many more years of teaching than the mentee (1).
    subject_rule
        ``same`` (hard: same subject) or ``related`` (same group allowed at a cost).
    max_travel
        Longest travel time in minutes for a cross-school pair without a partner link (40).
    speed, road_factor
        km/h and road/straight-line factor used with coordinates (30, 1.3).
    capacity_default, hours_default
        Mentees per mentor (2; 1 = one to one) and guidance hours per semester (30).
    lesson_minutes, review_minutes, trips
        Minutes of one lesson (45), of one review talk after an observation (20), and the
        mentor's round trips per semester for a cross-school pair (5).
    break_minutes
        Minutes between two periods (10): the 课表 gives period numbers, not clock times, so
        period ``p`` starts ``(p − 1) × (lesson_minutes + break_minutes)`` minutes into the day;
        an observer from another school needs the one-way travel time free between their own
        lessons and the observed one (rule M4).
    mentee_trips
        The mentee's round trips per semester for a cross-school pair (15: one per observed
        lesson); they count in the pair's load with the mentor's ``trips``.
    school_stage
        School pairing: ``exact`` (the same stage: 小学 with 小学, 初中 with 初中; a 中学
        covers 初中 and 高中) or ``family`` (初中 with 高中 allowed).
    placement_direction
        Placement: ``urban_to_rural`` (teachers of urban schools to rural schools, DOMAIN §M)
        or ``any``.
    continuity
        ``bonus`` (keeping last year's pair scores points) or ``required``.
    objective_mode
        ``lexicographic`` (mandatory mentees, then quality, then fairness) or ``weighted``.
    quality_tolerance
        Percent of the best quality the fairness stage may give up (0).
    drain_share
        Percent of a school's mentor capacity that may go to other schools' mentees before
        the fairness penalty applies (50).
    gap_low, gap_high
        The sensible experience gap, in years (5–20).
    weights
        Points of the score and fairness terms (see :data:`DEFAULT_WEIGHTS`).
    periods_listed
        Suggested observation periods listed per direction (0: every one).
    organisation
        The education bureau or school publishing the pairs (单位名称): page headers and the
        notice; ``None`` prints nothing in its place.
    """

    organisation: str | None = None
    semester_weeks: int = Field(default=18, ge=1, le=30)
    mentor_observations: int = Field(default=5, ge=0, le=200)
    mentee_observations: int = Field(default=15, ge=0, le=200)
    novice_years: int = Field(default=3, ge=0, le=60)
    experience_threshold: int = Field(default=10, ge=0, le=60)
    min_gap: int = Field(default=1, ge=0, le=60)
    subject_rule: Literal["same", "related"] = "same"
    max_travel: float = Field(default=40, ge=0, le=1440)
    speed: float = Field(default=30, gt=0, le=200)
    road_factor: float = Field(default=1.3, ge=1, le=5)
    capacity_default: int = Field(default=2, ge=0, le=50)
    hours_default: float = Field(default=30, ge=0, le=2000)
    lesson_minutes: int = Field(default=45, ge=1, le=240)
    review_minutes: int = Field(default=20, ge=0, le=240)
    trips: int = Field(default=5, ge=0, le=200)
    continuity: ContinuityMode = "bonus"
    objective_mode: Literal["lexicographic", "weighted"] = "lexicographic"
    quality_tolerance: float = Field(default=0, ge=0, le=100)
    drain_share: float = Field(default=50, ge=0, le=100)
    gap_low: int = Field(default=5, ge=0, le=60)
    gap_high: int = Field(default=20, ge=0, le=60)
    break_minutes: int = Field(default=10, ge=0, le=240)
    mentee_trips: int = Field(default=15, ge=0, le=200)
    school_stage: Literal["exact", "family"] = "exact"
    placement_direction: Literal["urban_to_rural", "any"] = "urban_to_rural"
    periods_listed: int = Field(default=0, ge=0, le=50)
    weights: dict[str, int] = Field(default_factory=lambda: dict(DEFAULT_WEIGHTS))

    def weight(self, name: str) -> int:
        """A weight by name (defaults filled in)."""
        return self.weights.get(name, DEFAULT_WEIGHTS[name])


DEFAULT_WEIGHTS: dict[str, int] = {
    "pair": 10,  # base points of any pair (an optional mentee paired is worth something)
    "grade": 20,  # same grade band
    "level": 1,  # times the mentor's level points (province 40 … school 10)
    "gap": 10,  # experience gap within [gap_low, gap_high]
    "rural": 10,  # mentee at a rural school (以城带乡)
    "weak": 10,  # mentee at a weak school (以强带弱)
    "room": 1,  # per common free weekly period (up to 10)
    "continuity": 30,  # last year's pair kept
    "related": 20,  # penalty of a related-subject (not same-subject) pair
    "preference": 5,  # per preference point (rank 1 = 3 points, 2 = 2, 3 = 1)
    "same_school": 40,  # mentor at the mentee's own school
    "near": 20,  # times (1 − travel / 最长路程), at least 0: the nearer the better
    "balance": 1,  # fairness: n(n-1)/2 per mentor with n mentees
    "drain": 5,  # fairness: per pair beyond a school's outside share
    "mandatory": 1000,  # weighted mode only: per mandatory mentee left unpaired
}
LEVEL_POINTS: dict[Any, int] = {
    KeyLevel.PROVINCE: 40, KeyLevel.CITY: 30, KeyLevel.COUNTY: 20, KeyLevel.SCHOOL: 10,
    Role.LEADER: 25, Role.EXPERT: 20,
}
"""Points of a mentor's level: province > city > county > school key teacher; a subject
leader counts 25, a teaching expert 20, a key teacher without a level as a school one."""

def _whole(value: Any) -> int:
    number = parse_int(value) if not isinstance(value, bool) else -1
    if number < 0:
        raise ValueError(tr("expected a whole number ≥ 0, got '{v}'", v=value))
    return number


def _weight(key: str, zh: str, en: str) -> Param:
    return Param(f"weights.{key}", zh, en, parse=_whole)


_SUBJECT_RULE = {"同学科": "same", "same": "same", "硬": "same", "hard": "same",
                 "相关学科": "related", "related": "related", "软": "related", "soft": "related"}
_CONTINUITY = {"加分": "bonus", "bonus": "bonus", "必须": "required", "required": "required",
               "保持": "required"}
_OBJECTIVE_MODE = {"字典序": "lexicographic", "分层": "lexicographic",
                   "lexicographic": "lexicographic", "加权": "weighted", "weighted": "weighted"}
_SCHOOL_STAGE = {"同学段": "exact", "严格": "exact", "exact": "exact", "same": "exact",
                 "同类": "family", "放宽": "family", "family": "family", "relaxed": "family"}
_DIRECTION = {"城到乡": "urban_to_rural", "城区到农村": "urban_to_rural",
              "urban_to_rural": "urban_to_rural", "urbantorural": "urban_to_rural",
              "不限": "any", "any": "any"}
P = Param
POLICY_PARAMS: tuple[Param, ...] = (
    P("semester_weeks", "学期教学周数", "semester weeks", ("教学周数", "teaching weeks")),
    P("mentor_observations", "师傅听课节数", "mentor observations", ("师傅听课",)),
    P("mentee_observations", "徒弟听课节数", "mentee observations", ("徒弟听课",)),
    P("novice_years", "新教师教龄", "novice years", ("教龄不满",)),
    P("experience_threshold", "经验教龄", "experience threshold", ("师傅教龄门槛",)),
    P("min_gap", "师徒教龄差", "min experience gap", ("最小教龄差", "minimum gap")),
    P("subject_rule", "学科要求", "subject rule", ("同学科", "same subject"), kind="enum",
      choices=_SUBJECT_RULE),
    P("max_travel", "最长路程", "max travel", ("最长路程(分钟)", "max travel minutes")),
    P("speed", "车速", "speed", ("车速(km/h)",)),
    P("road_factor", "路程系数", "road factor"),
    P("capacity_default", "默认带徒人数", "capacity default", ("带徒人数", "capacity")),
    P("hours_default", "默认指导时数", "hours default", ("指导时数", "hour budget")),
    P("lesson_minutes", "每节课分钟", "lesson minutes", ("课时长度",)),
    P("review_minutes", "评课分钟", "review minutes"),
    P("trips", "跨校往返次数", "trips", ("往返次数", "cross-school trips")),
    P("continuity", "延续结对", "continuity", kind="enum", choices=_CONTINUITY),
    P("objective_mode", "目标模式", "objective mode", kind="enum", choices=_OBJECTIVE_MODE),
    P("quality_tolerance", "质量容差", "quality tolerance", ("质量容差(%)",), kind="percent"),
    P("drain_share", "外派上限比例", "drain share", ("外派比例", "outside share"),
      kind="percent"),
    P("gap_low", "理想教龄差下限", "gap low"),
    P("gap_high", "理想教龄差上限", "gap high"),
    P("break_minutes", "课间分钟", "break minutes", ("课间",)),
    P("mentee_trips", "徒弟跨校往返次数", "mentee trips", ("徒弟往返次数",)),
    P("school_stage", "学校结对学段", "school stage", ("学段匹配", "stage match"),
      kind="enum", choices=_SCHOOL_STAGE),
    P("placement_direction", "支教方向", "placement direction", kind="enum",
      choices=_DIRECTION),
    P("periods_listed", "建议节次数", "periods listed"),
    _weight("pair", "结对基础分", "weight pair"),
    _weight("grade", "学段权重", "weight grade"),
    _weight("level", "级别权重", "weight level"),
    _weight("gap", "教龄差权重", "weight gap"),
    _weight("rural", "农村权重", "weight rural"),
    _weight("weak", "薄弱权重", "weight weak"),
    _weight("room", "课表余量权重", "weight room"),
    _weight("continuity", "延续权重", "weight continuity"),
    _weight("related", "相关学科扣分", "weight related"),
    _weight("preference", "意愿权重", "weight preference"),
    _weight("same_school", "同校权重", "weight same school"),
    _weight("near", "就近权重", "weight near"),
    _weight("balance", "均衡权重", "weight balance"),
    _weight("drain", "外派权重", "weight drain"),
    _weight("mandatory", "必须结对权重", "weight mandatory"),
    ORGANISATION,  # 单位名称: page headers and notices (last: the lists of names stay)
)
"""The 方案 (policy) parameters: Chinese and English names, kinds (defaults: :class:`Policy`)."""

PARAM_NOTES: dict[str, str] = {
    "organisation": ORGANISATION_NOTE,
    "semester_weeks": N_("teaching weeks of the semester, weeks"),
    "mentor_observations": N_("lessons the mentor observes of the mentee per semester, lessons"),
    "mentee_observations": N_("lessons the mentee observes of the mentor per semester, lessons"),
    "novice_years": N_("teachers with fewer years of teaching must have a mentor, years"),
    "experience_threshold": N_("teachers with at least this many years may mentor without a "
                               "role, years"),
    "min_gap": N_("a mentor has at least this many more years of teaching, years"),
    "subject_rule": N_("同学科: the same subject only; 相关学科: a subject of the same 学科组 "
                       "allowed at a cost"),
    "max_travel": N_("longest one-way travel of a cross-school pair without a partner link, "
                     "minutes"),
    "speed": N_("travel speed used with coordinates, km/h"),
    "road_factor": N_("road distance / straight-line distance, used with coordinates"),
    "capacity_default": N_("mentees per mentor when 带徒上限 is empty (1 = one to one)"),
    "hours_default": N_("guidance hours per semester when 指导时数上限 is empty, hours"),
    "lesson_minutes": N_("length of one lesson, minutes"),
    "review_minutes": N_("review talk after an observed lesson, minutes"),
    "trips": N_("the mentor's round trips per semester for a cross-school pair"),
    "continuity": N_("加分: keeping last year's pair scores points; 必须: it must be kept"),
    "objective_mode": N_("字典序: mandatory mentees, then quality, then fairness; 加权: one "
                         "weighted sum"),
    "quality_tolerance": N_("share of the best quality the fairness stage may give up, percent"),
    "drain_share": N_("share of a school's mentor capacity that may go to other schools "
                      "before the fairness penalty, percent"),
    "gap_low": N_("the sensible experience gap from, years"),
    "gap_high": N_("the sensible experience gap up to, years"),
    "break_minutes": N_("break between two periods, minutes"),
    "mentee_trips": N_("the mentee's round trips per semester for a cross-school pair"),
    "school_stage": N_("school pairing: 同学段 (the same stage) or 同类 (初中 with 高中 allowed)"),
    "placement_direction": N_("placement: 城到乡 (urban to rural schools) or 不限 (any)"),
    "periods_listed": N_("suggested observation periods listed per direction (0: every one)"),
    "weights.pair": N_("points of any pair"),
    "weights.grade": N_("points of the same grade band"),
    "weights.level": N_("times the mentor's level points (province 40 … school 10)"),
    "weights.gap": N_("points of an experience gap within the sensible range"),
    "weights.rural": N_("points of a mentee at a rural school"),
    "weights.weak": N_("points of a mentee at a weak school"),
    "weights.room": N_("points per common free weekly period (up to 10)"),
    "weights.continuity": N_("points of last year's pair kept"),
    "weights.related": N_("points taken off a related-subject pair"),
    "weights.preference": N_("points per preference point (rank 1 = 3, 2 = 2, 3 = 1)"),
    "weights.same_school": N_("points of a mentor at the mentee's own school"),
    "weights.near": N_("times (1 − travel / 最长路程): the nearer the better"),
    "weights.balance": N_("fairness: n(n−1)/2 per mentor with n mentees"),
    "weights.drain": N_("fairness: per pair beyond a school's outside share"),
    "weights.mandatory": N_("weighted mode only: per mandatory mentee left unpaired"),
}
"""What each 方案 parameter means, with its unit (the template's 说明 column)."""


def policy_template_rows() -> list[dict[str, Any]]:
    """The template's 方案 rows: every parameter, its default, meaning, unit and allowed
    values (in the current language)."""
    example = trc("template example", "Qingshan County Education Bureau")
    return param_rows(POLICY_PARAMS, Policy, PARAM_NOTES, shown={"organisation": example})


# ------------------------------------------------------------------ sheets

C = ColumnSpec
YES_NO = ("是", "否")
SUBJECT_CHOICES = ("语文", "数学", "英语", "物理", "化学", "生物", "政治", "道德与法治", "历史",
                   "地理", "科学", "信息技术", "音乐", "体育", "美术", "心理健康")
"""Common subjects: the template's 学科 drop-down (other subjects may be typed)."""
BAND_CHOICES = tuple(b.value for b in GradeBand)


def _teacher_name(what: str) -> ColumnSpec:
    zh = "师傅姓名" if what == "mentor" else "徒弟姓名"
    return C(f"{what}_name", zh, f"{what} name", required=False,
             note=N_("the teacher's name, checked against the 工号 (a mismatch is an error)"))


SHEETS: tuple[SheetSpec, ...] = (
    SheetSpec(
        "policy", "方案", "policy",
        (
            C("parameter", "参数", "parameter", note=N_("parameter name (Chinese or English)"),
              example="学期教学周数"),
            C("value", "值", "value", required=False,
              note=N_("its value (empty: the default)"), example=18),
            C("note", "说明", "note", required=False,
              note=N_("meaning, unit, allowed values and default (free text, ignored)")),
        ),
        required=False, note="pairing parameters, one per row (all optional)",
        aliases=("parameters", "参数", "programme"),
    ),
    SheetSpec(
        "schools", "学校", "schools",
        (
            C("id", "编号", "id", note=N_("school id (unique)"), example="S01"),
            C("name", "名称", "name", required=False, note=N_("school name"), example="城关一小"),
            C("area", "城乡", "area", required=False,
              note=N_("城区 (urban) or 农村 (rural) (default 城区)"), example="城区",
              choices=("城区", "农村")),
            C("weak", "薄弱学校", "weak", required=False,
              note=N_("是/否: a weak school (default 否)"), example="否", choices=YES_NO),
            C("district", "区县", "district", required=False,
              note=N_("district or 学区 (plots group by it)"), example="城关区"),
            C("lon", "经度", "longitude", required=False,
              note=N_("longitude in degrees, for travel times (give both or neither)"),
              example=104.06),
            C("lat", "纬度", "latitude", required=False,
              note=N_("latitude in degrees, for travel times (give both or neither)"),
              example=30.67),
            C("partners", "结对学校", "partners", required=False,
              note=N_("ids of partner schools (existing links), 、-separated (empty: none)")),
            C("category", "类别", "category", required=False,
              note=N_("school pairing: 幼儿园/小学/初中/高中/中职/示范中职/高职 …"),
              example="小学", choices=("幼儿园", "小学", "初中", "高中", "中学", "九年一贯制",
                                        "中职", "示范中职", "高职"), open_choices=True),
            C("students", "学生数", "students", required=False,
              note=N_("school pairing: number of students"), example=800),
            C("strengths", "优势学科", "strengths", required=False,
              note=N_("school pairing: subjects it is strong in, 、-separated"),
              example="数学、英语"),
            C("needs", "薄弱学科", "needs", required=False,
              note=N_("school pairing: subjects it needs help in, 、-separated"),
              example="英语"),
            C("role", "结对角色", "role", required=False,
              note=N_("school pairing: 帮扶 (helper) / 受援 (helped); empty: from 城乡 and 薄弱"),
              choices=("帮扶", "受援")),
            C("pair_capacity", "可结对数", "pair_capacity", required=False,
              note=N_("school pairing: partners a helper school takes, a whole number "
                      "(default 1)"), example=1),
        ),
        aliases=("school",),
    ),
    SheetSpec(
        "teachers", "教师", "teachers",
        (
            C("id", "工号", "id", note=N_("teacher id (unique)"), example="T001",
              aliases=("编号",)),
            C("name", "姓名", "name", required=False,
              note=N_("teacher's name (other sheets' 姓名 are checked against it)"),
              example="王丽"),
            C("school", "学校", "school", note=N_("school id or name of the 学校 sheet"),
              example="S01", choices="schools.id", open_choices=True),
            C("subjects", "学科", "subjects", note=N_("subject(s), 、-separated"), example="语文",
              choices=SUBJECT_CHOICES, open_choices=True),
            C("grade_band", "学段", "grade_band", required=False,
              note=N_("幼儿园/小学/初中/高中/中职 (empty: unknown)"), example="小学",
              choices=BAND_CHOICES),
            C("years", "教龄", "years", note=N_("years of teaching, a whole number 0–60"),
              example=12),
            C("title", "职称", "title", required=False,
              note=N_("professional title (for information)"), example="一级教师",
              choices=("正高级教师", "高级教师", "一级教师", "二级教师", "三级教师"),
              open_choices=True),
            C("roles", "荣誉", "roles", required=False,
              note=N_("学科带头人、教学能手、(省/市/县/校级)骨干教师, 、-separated (empty: none)"),
              example="市级骨干教师", aliases=("角色",),
              choices=("学科带头人", "教学能手", "省级骨干教师", "市级骨干教师", "县级骨干教师",
                       "校级骨干教师"), open_choices=True),
            C("key_level", "骨干级别", "key_level", required=False,
              note=N_("校级/县级/市级/省级 (when 荣誉 says only 骨干教师)"),
              choices=("校级", "县级", "市级", "省级")),
            C("new_transfer", "新调入", "new_transfer", required=False,
              note=N_("是/否: newly transferred, must have a mentor (default 否)"),
              example="否", choices=YES_NO),
            C("needs_upgrade", "需提升", "needs_upgrade", required=False,
              note=N_("是/否: needs upgrading (需要专业再提升/升格), must have a mentor "
                      "(default 否)"), example="否", choices=YES_NO),
            C("wants_mentor", "申请导师", "wants_mentor", required=False,
              note=N_("是/否: asks for a mentor without having to (default 否)"), example="否",
              choices=YES_NO),
            C("can_mentor", "可任师傅", "can_mentor", required=False,
              note=N_("是: may mentor; 否: may not; empty or 自动: by role and years"),
              example="自动", choices=("是", "否", "自动")),
            C("capacity", "带徒上限", "capacity", required=False,
              note=N_("mentees at most, a whole number 0–50 (default: the 方案's "
                      "默认带徒人数, 2)"), example=2),
            C("hours", "指导时数上限", "hours", required=False,
              note=N_("guidance hours per semester at most, hours 0–2000 (default: the "
                      "方案's 默认指导时数, 30)"), example=30),
            C("placement", "支教意向", "placement", required=False,
              note=N_("placement mode: 是 = volunteers for 支教 (default 否)"), example="否",
              choices=YES_NO),
            C("placement_term", "支教期限", "placement_term", required=False,
              note=N_("placement mode: 学期 (semester) or 学年 (year)"),
              choices=("学期", "学年")),
        ),
        aliases=("teacher", "教师名单"),
    ),
    SheetSpec(
        "timetable", "课表", "timetable",
        (
            C("teacher", "工号", "teacher",
              note=N_("teacher id of the 教师 sheet. The timetable may also be given as grids "
                      "(periods down, weekdays across), one sheet per teacher or class named "
                      "课表-<工号, 姓名 or 班级>: see the 课表-T002 sheet"),
              example="T001", aliases=("教师",), choices="teachers.id"),
            C("name", "姓名", "name", required=False,
              note=N_("the teacher's name, checked against the 工号 (a mismatch is an error)"),
              example="王丽"),
            C("weekday", "星期", "weekday", note=N_("周一 … 周五"), example="周一",
              choices=("周一", "周二", "周三", "周四", "周五", "周六", "周日")),
            C("periods", "节次", "periods", note=N_("period numbers 1–12, e.g. 2 or 1、3、5"),
              example="1、3"),
            C("klass", "班级", "class", required=False,
              note=N_("class taught (for information)"), example="三(2)班"),
        ),
        required=False, aliases=("timetables", "课程表"),
    ),
    SheetSpec(
        "travel", "路程", "travel",
        (
            C("origin", "起点", "from", note=N_("school id"), example="S01",
              choices="schools.id"),
            C("destination", "终点", "to", note=N_("school id"), example="S02",
              choices="schools.id"),
            C("minutes", "分钟", "minutes",
              note=N_("travel time one way, minutes 0–1440 (the other way: the same unless "
                      "given)"), example=25),
        ),
        required=False, aliases=("travel times", "路程时间"),
    ),
    SheetSpec(
        "past", "历史结对", "past pairs",
        (
            C("mentor", "师傅", "mentor", note=N_("teacher id"), example="T001",
              choices="teachers.id"),
            _teacher_name("mentor"),
            C("mentee", "徒弟", "mentee", note=N_("teacher id"), example="T010",
              choices="teachers.id"),
            _teacher_name("mentee"),
            C("year", "学年", "year", required=False, note=N_("school year of the pair"),
              example="2024-2025"),
            C("rating", "评价", "rating", required=False, note=N_("好/一般/差 (empty: unknown)"),
              example="好", choices=("好", "一般", "差")),
        ),
        required=False, aliases=("past", "history", "上年结对"),
    ),
    SheetSpec(
        "forced", "指定结对", "forced pairs",
        (
            C("mentor", "师傅", "mentor", note=N_("teacher id or unique name"), example="T001",
              choices="teachers.id", open_choices=True),
            _teacher_name("mentor"),
            C("mentee", "徒弟", "mentee", note=N_("teacher id or unique name"), example="T010",
              choices="teachers.id", open_choices=True),
            _teacher_name("mentee"),
            C("reason", "原因", "reason", required=False, note=N_("free text")),
        ),
        required=False, aliases=("forced",),
    ),
    SheetSpec(
        "forbidden", "禁止结对", "forbidden pairs",
        (
            C("mentor", "师傅", "mentor", note=N_("teacher id or unique name"), example="T001",
              choices="teachers.id", open_choices=True),
            _teacher_name("mentor"),
            C("mentee", "徒弟", "mentee", note=N_("teacher id or unique name"), example="T011",
              choices="teachers.id", open_choices=True),
            _teacher_name("mentee"),
            C("reason", "原因", "reason", required=False, note=N_("free text")),
        ),
        required=False, aliases=("forbidden",),
    ),
    SheetSpec(
        "preferences", "意愿", "preferences",
        (
            C("teacher", "工号", "teacher", note=N_("who states the wish (teacher id)"),
              example="T010", aliases=("教师",), choices="teachers.id"),
            C("name", "姓名", "name", required=False,
              note=N_("the teacher's name, checked against the 工号 (a mismatch is an error)"),
              example="陈晨"),
            C("target", "意向对象", "target", note=N_("the teacher they would like (teacher id)"),
              example="T001", choices="teachers.id"),
            C("target_name", "意向对象姓名", "target name", required=False,
              note=N_("the teacher's name, checked against the 工号 (a mismatch is an error)"),
              example="王丽"),
            C("rank", "顺位", "rank", note=N_("1 = first choice, a whole number 1–100"),
              example=1),
        ),
        required=False, aliases=("wishes", "志愿"),
    ),
    SheetSpec(
        "subjects", "学科组", "subject groups",
        (
            C("subject", "学科", "subject", note=N_("a subject as written in 学科"),
              example="物理", choices=SUBJECT_CHOICES, open_choices=True),
            C("group", "组", "group", note=N_("subjects of one group are related"),
              example="理科"),
        ),
        required=False, aliases=("subjects", "教研组"),
    ),
    SheetSpec(
        "demand", "支教需求", "placement demand",
        (
            C("school", "学校", "school", note=N_("school id"), example="S05",
              choices="schools.id"),
            C("subject", "学科", "subject", note=N_("the subject wanted"), example="英语",
              choices=SUBJECT_CHOICES, open_choices=True),
            C("number", "人数", "number", required=False,
              note=N_("teachers wanted, a whole number 1–200 (default 1)"), example=1),
            C("term", "期限", "term", required=False,
              note=N_("学期 (semester) or 学年 (year) (default 学期)"), example="学年",
              choices=("学期", "学年")),
            C("grade_band", "学段", "grade_band", required=False,
              note=N_("teachers of this band only (when they give one)"), example="小学",
              choices=BAND_CHOICES),
            C("note", "说明", "note", required=False, note=N_("free text")),
        ),
        required=False, aliases=("demand",),
    ),
)
SHEET = {s.key: s for s in SHEETS}


# ------------------------------------------------------------------ the validated whole


@dataclass
class MentoringData:
    """A validated mentoring problem.

    Attributes
    ----------
    policy
        Pairing parameters.
    schools, teachers
        Records in input order.
    lessons
        Teacher id -> set of weekly (weekday, period) slots taught; ``None`` when the input has
        no timetable at all (rule M4's timetable part is then not checked).
    travel
        (school, school) -> minutes, as given in the 路程 sheet (both directions filled in).
    past, forced, forbidden, preferences, demand
        Records of the optional sheets.
    groups
        Subject -> subject group (学科组).
    source
        Path of the input, for messages.
    warnings
        Notices found while reading.
    locations
        (kind, id) -> where the record came from.
    """

    policy: Policy
    schools: list[School]
    teachers: list[Teacher]
    lessons: dict[str, frozenset[tuple[int, int]]] | None = None
    travel: dict[tuple[str, str], float] = field(default_factory=dict)
    past: list[PastPair] = field(default_factory=list)
    forced: list[PairRow] = field(default_factory=list)
    forbidden: list[PairRow] = field(default_factory=list)
    preferences: list[Preference] = field(default_factory=list)
    groups: dict[str, str] = field(default_factory=dict)
    demand: list[Demand] = field(default_factory=list)
    source: str | None = None
    warnings: list[str] = field(default_factory=list)
    locations: dict[tuple[str, str], Location] = field(default_factory=dict)

    # ---- lookups
    @functools.cached_property
    def school(self) -> dict[str, School]:
        """School id -> school."""
        return {s.id: s for s in self.schools}

    @functools.cached_property
    def teacher(self) -> dict[str, Teacher]:
        """Teacher id -> teacher."""
        return {t.id: t for t in self.teachers}

    def lessons_of(self, tid: str) -> frozenset[tuple[int, int]]:
        """The weekly slots a teacher teaches (empty without a timetable)."""
        if self.lessons is None:
            return frozenset()
        return self.lessons.get(tid, frozenset())

    # ---- who is who (DOMAIN §M rules 1 and 2)
    def mandatory_reasons(self, t: Teacher) -> list[str]:
        """Why ``t`` must have a mentor (rule M1); empty when they need not."""
        out = []
        if t.years < self.policy.novice_years:
            out.append(tr("{years} years of teaching (< {limit})", years=t.years,
                          limit=self.policy.novice_years))
        if t.new_transfer:
            out.append(tr("newly transferred"))
        if t.needs_upgrade:
            out.append(tr("needs upgrading"))
        return out

    def is_mandatory(self, t: Teacher) -> bool:
        """Rule M1: fewer than ``novice_years`` years, newly transferred, or needs upgrading
        (the conditions of :meth:`mandatory_reasons`, without making its texts)."""
        return t.years < self.policy.novice_years or bool(t.new_transfer) or bool(
            t.needs_upgrade)

    def is_mentee(self, t: Teacher) -> bool:
        """Mandatory mentees and teachers who ask for a mentor, or are a forced pair's mentee."""
        return self.is_mandatory(t) or t.wants_mentor or t.id in self._forced_mentees

    @functools.cached_property
    def _forced_mentees(self) -> set[str]:
        return {f.mentee for f in self.forced}

    def qualifies(self, t: Teacher) -> bool:
        """Rule M2 (who may mentor): a role, long experience, or marked 可任师傅 = 是."""
        if t.can_mentor is not None:
            return t.can_mentor
        return bool(t.roles) or t.years >= self.policy.experience_threshold

    def is_mentor(self, t: Teacher) -> bool:
        """A possible mentor: qualifies, is not a mentee this semester, has capacity."""
        return self.qualifies(t) and not self.is_mentee(t) and self.capacity(t) > 0

    def capacity(self, t: Teacher) -> int:
        """Mentees at most (rule M5)."""
        return self.policy.capacity_default if t.capacity is None else t.capacity

    def hour_budget(self, t: Teacher) -> int:
        """Guidance budget per semester, in minutes."""
        hours = self.policy.hours_default if t.hours is None else t.hours
        return round(hours * 60)

    def level_points(self, t: Teacher) -> int:
        """The mentor's level: province 40 > city 30 > county 20 > school 10 key teacher;
        subject leader 25, teaching expert 20; none 0 (:data:`LEVEL_POINTS`)."""
        best = 0
        for role, level in t.parsed_roles:
            if role is Role.KEY:
                lv = level or t.key_level or KeyLevel.SCHOOL
                best = max(best, LEVEL_POINTS[lv])
            else:
                best = max(best, LEVEL_POINTS[role])
        if t.key_level is not None:
            best = max(best, LEVEL_POINTS[t.key_level])
        return best

    def level_label(self, t: Teacher, lang: str = "zh") -> str:
        """The strongest role in words (``市级骨干教师``)."""
        best: tuple[int, str] = (0, "")
        for role, level in t.parsed_roles:
            if role is Role.KEY:
                lv = level or t.key_level or KeyLevel.SCHOOL
                text = tr("{level} key teacher", lang=lang, level=lv.zh if lang == "zh" else lv.en)
                best = max(best, (LEVEL_POINTS[lv], text))
            else:
                best = max(best, (LEVEL_POINTS[role], role.value if lang == "zh" else role.en))
        if t.key_level is not None and LEVEL_POINTS[t.key_level] > best[0]:
            lv = t.key_level
            text = tr("{level} key teacher", lang=lang, level=lv.zh if lang == "zh" else lv.en)
            best = (LEVEL_POINTS[lv], text)
        if best[0] == 0 and t.years >= self.policy.experience_threshold:
            return tr("{years} years", lang=lang, years=t.years)
        return best[1]

    # ---- places
    def travel_minutes(self, a: str, b: str) -> float | None:
        """One-way travel time between schools: the 路程 sheet, else coordinates, else None."""
        if a == b:
            return 0.0
        if (a, b) in self.travel:
            return self.travel[(a, b)]
        sa, sb = self.school[a], self.school[b]
        if None in (sa.lon, sa.lat, sb.lon, sb.lat):
            return None
        assert sa.lon is not None and sa.lat is not None and sb.lon is not None
        assert sb.lat is not None
        km = _haversine(sa.lat, sa.lon, sb.lat, sb.lon) * self.policy.road_factor
        return math.ceil(km / self.policy.speed * 60)

    def partners(self, a: str, b: str) -> bool:
        """Whether the schools have an existing partner link (either side lists the other)."""
        return b in self.school[a].partners or a in self.school[b].partners

    def related(self, s1: str, s2: str) -> bool:
        """Whether two different subjects belong to the same subject group."""
        g1, g2 = self.groups.get(s1), self.groups.get(s2)
        return g1 is not None and g1 == g2

    def where(self, kind: str, rid: str) -> str:
        """'district.xlsx, sheet 教师, row 12' for a record, or '' when unknown."""
        loc = self.locations.get((kind, rid))
        return str(Location(loc.file, loc.sheet, loc.row)) if loc else ""


def _haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    r = 6371.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(min(1.0, math.sqrt(h)))


# ------------------------------------------------------------------ reading


def _policy(issues: list[Issue], table: Table | None) -> Policy:
    sheet = read_params(table, POLICY_PARAMS)
    raw = dict(sheet.values)
    if "weights" in raw:
        raw["weights"] = {**DEFAULT_WEIGHTS, **raw["weights"]}
    policy = sheet.validate(Policy, raw) if table is not None else Policy()
    if policy is not None and policy.gap_low > policy.gap_high:
        sheet.add("gap_low", tr("理想教龄差下限 {low} is above 理想教龄差上限 {high}",
                                low=policy.gap_low, high=policy.gap_high))
    issues.extend(sheet.issues)
    return policy or Policy()


def read_mentoring(
    path: str | Path, *, required: tuple[str, ...] = ("schools", "teachers")
) -> MentoringData:
    """Read and validate a mentoring workbook (or CSV folder / JSON / YAML).

    Parameters
    ----------
    path
        The input file or folder.
    required
        Sheet keys that must be present: ``("schools", "teachers")`` for pairing teachers,
        ``("schools",)`` for school pairing, ``("schools", "teachers", "demand")`` for
        teacher placement.

    Returns
    -------
    MentoringData
        The validated problem.

    Raises
    ------
    InputError
        With every problem of the file, each naming file, sheet, row, column and record.
    """
    specs = [dc_replace(s, required=s.key in required) for s in SHEETS]
    others: dict[str, Any] = {}  # sheets of no spec: timetable grids among them (grid.py)
    tables = read_tables(path, specs, nonempty=("schools", "teachers"), others=others)
    issues: list[Issue] = []
    notices: list[Issue] = CappedIssues()  # at most 100 of one kind, the rest counted
    policy = _policy(issues, tables.get("policy"))

    def parse(key: str, model: type[Any], label: str, **kw: Any) -> RecordIndex[Any]:
        return parse_table(tables.get(key), model, label=label, issues=issues, warnings=notices,
                           **kw)

    schools = parse("schools", School, "school", id_key="id")
    teachers = parse("teachers", Teacher, "teacher", id_key="id")
    lessons = parse("timetable", Lesson, "teacher", record_key="teacher")
    travel_rows = parse("travel", TravelRow, "school", record_key="origin")
    past = parse("past", PastPair, "mentor", record_key="mentor")
    forced = parse("forced", PairRow, "mentor", record_key="mentor")
    forbidden = parse("forbidden", PairRow, "mentor", record_key="mentor")
    prefs = parse("preferences", Preference, "teacher", record_key="teacher")
    groups_idx = parse("subjects", SubjectGroup, "subject", record_key="subject")
    demand = parse("demand", Demand, "school", record_key="school")

    for key, what in (("schools", tr("no schools")), ("teachers", tr("no teachers"))):
        if key in tables and not tables[key].rows:
            issues.append(Issue(Location(str(path), tables[key].sheet), what))

    # ---- references: schools
    school_ids = {s.id for s in schools}
    school_by_name: dict[str, str] = {}
    for s in schools:
        if s.name:
            school_by_name.setdefault(s.name, s.id)

    def school_ref(index: RecordIndex[Any], i: int, rec: Any, key: str, rid: str) -> None:
        ref = getattr(rec, key)
        if ref in school_ids or ref in schools.rejected:
            return
        if ref in school_by_name:
            setattr(rec, key, school_by_name[ref])
            return
        issues.append(Issue(index.loc(i, key, rid), tr("unknown school '{ref}'", ref=ref)))

    for i, s in enumerate(schools.records):
        for p in s.partners:
            if p not in school_ids and p not in school_by_name and p not in schools.rejected:
                issues.append(Issue(schools.loc(i, "partners", s.id),
                                    tr("unknown partner school '{ref}'", ref=p)))
            if p == s.id:
                issues.append(Issue(schools.loc(i, "partners", s.id),
                                    tr("a school cannot be its own partner")))
        s.partners = [school_by_name.get(p, p) for p in s.partners]
        if (s.lon is None) != (s.lat is None):
            issues.append(Issue(schools.loc(i, "lon" if s.lon is None else "lat", s.id),
                                tr("give both 经度 (longitude) and 纬度 (latitude), or neither")))
    for i, t in enumerate(teachers.records):
        school_ref(teachers, i, t, "school", t.id)
        if t.can_mentor is None and t.hours is not None and t.hours == 0 and t.capacity:
            notices.append(Issue(teachers.loc(i, "hours", t.id),
                                 tr("指导时数上限 is 0: the teacher cannot take any mentee")))
    travel: dict[tuple[str, str], float] = {}
    travel_seen: dict[tuple[str, str], int] = {}
    for i, r in enumerate(travel_rows.records):
        school_ref(travel_rows, i, r, "origin", r.origin)
        school_ref(travel_rows, i, r, "destination", r.origin)
        if r.origin == r.destination:
            issues.append(Issue(travel_rows.loc(i, "destination", r.origin),
                                tr("origin and destination are the same school")))
            continue
        key = (r.origin, r.destination)
        if key in travel_seen:
            issues.append(Issue(
                travel_rows.loc(i, "destination", r.origin),
                tr("travel {a} → {b} is given twice (first in row {row})", a=r.origin,
                   b=r.destination, row=travel_seen[key])))
            continue
        row = travel_rows.rows[i]
        travel_seen[key] = row.number if row is not None else 0
        travel[key] = r.minutes
    for (a, b), v in list(travel.items()):
        travel.setdefault((b, a), v)
    for i, d in enumerate(demand.records):
        school_ref(demand, i, d, "school", d.school)

    # ---- references: teachers
    teacher_ids = {t.id for t in teachers}

    def teacher_ref(index: RecordIndex[Any], i: int, rec: Any, key: str, rid: str) -> bool:
        ref = getattr(rec, key)
        if ref in teacher_ids:
            return True
        if ref not in teachers.rejected:
            issues.append(Issue(index.loc(i, key, rid), tr("unknown teacher '{ref}'", ref=ref)))
        return False

    slots: dict[str, dict[tuple[int, int], int]] = defaultdict(dict)
    for i, les in enumerate(lessons.records):
        if not teacher_ref(lessons, i, les, "teacher", les.teacher):
            continue
        row = lessons.rows[i]
        number = row.number if row is not None else 0
        for p in les.periods:
            slot = (les.weekday, p)
            if slot in slots[les.teacher]:
                issues.append(Issue(
                    lessons.loc(i, "periods", les.teacher),
                    tr("{weekday} period {period} is already taught by this teacher (row {row}): "
                       "one teacher cannot teach two lessons at once",
                       weekday=weekday_label(les.weekday), period=p,
                       row=slots[les.teacher][slot])))
                continue
            slots[les.teacher][slot] = number
    teachers_named: dict[str, list[Teacher]] = defaultdict(list)
    for t in teachers:
        if t.name:
            teachers_named[t.name].append(t)

    def named_ref(index: RecordIndex[Any], i: int, rec: Any, key: str, rid: str) -> bool:
        """A teacher given by 工号 or by a name (指定结对, 禁止结对): a unique name becomes the
        工号; an ambiguous one is refused with the teachers it may mean."""
        ref = getattr(rec, key)
        if ref not in teacher_ids and ref not in teachers.rejected and ref in teachers_named:
            named = teachers_named[ref]
            if len(named) == 1:
                setattr(rec, key, named[0].id)
                return True
            listed = "、".join(f"{t.id} ({school_label(t.school)}, {'、'.join(t.subjects)})"
                              for t in named)
            issues.append(Issue(index.loc(i, key, rid),
                                tr("'{ref}' names {n} teachers: {listed}; give the 工号",
                                   ref=ref, n=len(named), listed=listed)))
            return False
        return teacher_ref(index, i, rec, key, rid)

    def school_label(sid: str) -> str:
        s = next((x for x in schools if x.id == sid), None)
        return s.label if s is not None else sid

    # ---- timetable grids (课表-工号/姓名, 课表-班级): merged with the row form
    grid_sheets = 0
    if others and "teachers" in tables:
        from assignments.mentoring.grid import read_grids

        grid_lessons, grid_sheets = read_grids(Path(path), others, teachers.records,
                                               teachers.rejected, school_label, issues, notices)
        row_sheet = lessons.table.sheet if lessons.table is not None else None
        grid_at: dict[tuple[str, tuple[int, int]], Location] = {}
        for g in grid_lessons:
            slot = (g.weekday, g.period)
            if slot in slots[g.teacher]:
                first = grid_at.get((g.teacher, slot)) or Location(
                    sheet=row_sheet, row=slots[g.teacher][slot])
                issues.append(Issue(g.where, tr(
                    "{weekday} period {period} of this teacher is already given ({where}): one "
                    "teacher cannot teach two lessons at once", weekday=weekday_label(g.weekday),
                    period=g.period, where=str(dc_replace(first, file=None, record=None)))))
                continue
            slots[g.teacher][slot] = 0
            grid_at[(g.teacher, slot)] = g.where

    for index in (past, forced, forbidden):
        ref_of = teacher_ref if index is past else named_ref
        for i, r in enumerate(index.records):
            ok = ref_of(index, i, r, "mentor", r.mentor)
            ok = ref_of(index, i, r, "mentee", r.mentor) and ok
            if ok and r.mentor == r.mentee:
                issues.append(Issue(index.loc(i, "mentee", r.mentor),
                                    tr("a teacher cannot be their own mentor")))
    forced_of: dict[str, tuple[str, int]] = {}
    forced_set = set()
    for i, r in enumerate(forced.records):
        row = forced.rows[i]
        if r.mentee in forced_of and forced_of[r.mentee][0] != r.mentor:
            issues.append(Issue(
                forced.loc(i, "mentee", r.mentor),
                tr("mentee '{mentee}' is already forced to mentor '{mentor}' (row {row}); a mentee "
                   "has one mentor", mentee=r.mentee, mentor=forced_of[r.mentee][0],
                   row=forced_of[r.mentee][1])))
        forced_of.setdefault(r.mentee, (r.mentor, row.number if row is not None else 0))
        forced_set.add((r.mentor, r.mentee))
    for i, r in enumerate(forbidden.records):
        if (r.mentor, r.mentee) in forced_set:
            issues.append(Issue(forbidden.loc(i, "mentee", r.mentor),
                                tr("the pair {mentor} – {mentee} is both forced (指定结对) and "
                                   "forbidden (禁止结对)", mentor=r.mentor, mentee=r.mentee)))
    names = {t.id: t.name for t in teachers}
    teachers_sheet = SHEET["teachers"].zh
    check_names(lessons, (("teacher", "name"),), names, issues, sheet=teachers_sheet)
    for index in (past, forced, forbidden):
        check_names(index, (("mentor", "mentor_name"), ("mentee", "mentee_name")), names,
                    issues, sheet=teachers_sheet, rid_key="mentor")
    check_names(prefs, (("teacher", "name"), ("target", "target_name")), names, issues,
                sheet=teachers_sheet, rid_key="teacher")
    seen_rank: dict[tuple[str, int], int] = {}
    seen_target: set[tuple[str, str]] = set()
    for i, p in enumerate(prefs.records):
        ok = teacher_ref(prefs, i, p, "teacher", p.teacher)
        ok = teacher_ref(prefs, i, p, "target", p.teacher) and ok
        if not ok:
            continue
        if p.teacher == p.target:
            issues.append(Issue(prefs.loc(i, "target", p.teacher),
                                tr("a teacher cannot state a wish for themselves")))
        row = prefs.rows[i]
        if (p.teacher, p.rank) in seen_rank:
            issues.append(Issue(prefs.loc(i, "rank", p.teacher),
                                tr("rank {rank} is used twice by this teacher (row {row})",
                                   rank=p.rank, row=seen_rank[(p.teacher, p.rank)])))
        seen_rank.setdefault((p.teacher, p.rank), row.number if row is not None else 0)
        if (p.teacher, p.target) in seen_target:
            issues.append(Issue(prefs.loc(i, "target", p.teacher),
                                tr("'{target}' is ranked twice by this teacher",
                                   target=p.target)))
        seen_target.add((p.teacher, p.target))
    groups: dict[str, str] = {}
    for i, g in enumerate(groups_idx.records):
        if g.subject in groups and groups[g.subject] != g.group:
            issues.append(Issue(groups_idx.loc(i, "group", g.subject),
                                tr("subject '{subject}' is already in group '{group}'",
                                   subject=g.subject, group=groups[g.subject])))
        groups.setdefault(g.subject, g.group)

    if issues:
        raise InputError(issues)

    # ---- notices (the data is valid; the office may want to know)
    lesson_map: dict[str, frozenset[tuple[int, int]]] | None = None
    if "timetable" in tables or grid_sheets:
        lesson_map = {tid: frozenset(s) for tid, s in slots.items()}
    elif "teachers" in required and "demand" not in required:
        notices.append(Issue(Location(str(path)),
                             tr("no 课表 (timetable) sheet: rule M4 (observation possible) is "
                                "checked for travel only, not for free periods")))
    if policy.subject_rule == "related" and not groups:
        notices.append(Issue(Location(str(path), "方案 (policy)"),
                             tr("学科要求 is 相关学科 but there is no 学科组 sheet: no subjects "
                                "are related, so only same-subject pairs are possible")))
    locations = RecordLocations((("teacher", teachers), ("school", schools)))
    for i, r in enumerate(forced.records):
        locations[("forced", f"{r.mentor}->{r.mentee}")] = forced.loc(i)
    data = MentoringData(
        policy=policy,
        schools=list(schools),
        teachers=list(teachers),
        lessons=lesson_map,
        travel=travel,
        past=list(past),
        forced=list(forced),
        forbidden=list(forbidden),
        preferences=list(prefs),
        groups=groups,
        demand=list(demand),
        source=str(path),
        locations=locations,
    )
    if lesson_map is not None:
        for i, t in enumerate(teachers.records):
            if t.id not in lesson_map and (data.is_mentee(t) or data.is_mentor(t)):
                notices.append(Issue(teachers.loc(i, "id", t.id),
                                     tr("the teacher has no lessons in the 课表 (timetable) "
                                        "sheet or a timetable grid: nobody can observe them")))
    data.warnings = [str(n) for n in notices]
    return data
