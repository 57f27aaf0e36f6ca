"""The one key-value sheet reader (方案 / policy): typed values, located messages, unknown names
listed in the user's language, and the three models' parameter tables read through it."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel, Field

from assignments.core.io import ColumnSpec, Row, SheetSpec, Table
from assignments.core.policy import (
    Param,
    normalize_name,
    parse_bool,
    parse_percent,
    read_params,
)

SPEC = SheetSpec("policy", "方案", "policy", (
    ColumnSpec("parameter", "参数", "parameter"),
    ColumnSpec("value", "值", "value", required=False),
))


def table(rows: list[tuple[Any, Any]]) -> Table:
    """A 方案 sheet as the reader gives it: the header is row 1, data from row 2."""
    return Table(SPEC, "plan.xlsx", "方案", {"parameter": "A (参数)", "value": "B (值)"},
                 [Row(i + 2, {"parameter": k, "value": v}) for i, (k, v) in enumerate(rows)])


PARAMS = (
    Param("first_quarter", "起始季度", "first quarter", kind="quarter", required=True,
          example="2027Q1"),
    Param("quarters", "季度数", "number of quarters", kind="int"),
    Param("share", "产业占比", "industry share", kind="percent", switch="rules.share"),
    Param("tolerance", "质量容差", "quality tolerance", kind="percent"),
    Param("hard", "职称为硬约束", "title mix hard", kind="bool"),
    Param("mode", "目标模式", "objective mode", kind="enum",
          choices={"字典序": "lexicographic", "加权": "weighted"}),
    Param("titles", "职称要求", "titles", kind="list"),
    Param("weights.fairness", "公平权重", "weight fairness", kind="int"),
    Param("rules.share", "产业占比规则", "share rule", kind="bool"),
)


class Pol(BaseModel):
    first_quarter: Any
    quarters: int = Field(12, ge=1)
    share: float = 55.0
    weights: dict[str, int] = Field(default_factory=dict)
    rules: dict[str, bool] = Field(default_factory=dict)


@pytest.mark.parametrize(("cell", "want"), [
    (55, 55.0), ("55", 55.0), ("55%", 55.0), ("55 %", 55.0), ("５５％", 55.0), ("0.5%", 0.5),
    (1, 1.0), (80, 80.0), (0, 0.0), ("100%", 100.0), ("12.5", 12.5),
])
def test_percent_forms(cell: Any, want: float) -> None:
    """55 and 55% mean 55 %; a marked 0.5% stays 0.5 %; 1 is 1 % (one rule everywhere)."""
    assert parse_percent(cell) == pytest.approx(want)


@pytest.mark.parametrize("cell", [0.55, "0.55", "０.５５", 0.005])
def test_bare_fraction_is_ambiguous(cell: Any) -> None:
    """A bare number strictly between 0 and 1 is refused, saying how to write either
    meaning (never guessed: 0.55 could be 55 % or 0.55 %)."""
    with pytest.raises(ValueError, match="ambiguous") as e:
        parse_percent(cell)
    assert "%" in str(e.value) and "比例含义不明确" in str(e.value)


def test_percent_refused() -> None:
    with pytest.raises(ValueError, match="expected a percentage like 55 or 55%, got 'half'"):
        parse_percent("half")


@pytest.mark.parametrize(("cell", "want"), [
    ("是", True), ("否", False), ("yes", True), ("No", False), ("TRUE", True), ("false", False),
    (1, True), (0, False), ("1", True), ("0", False), ("开", True), ("关", False),
    ("on", True), ("off", False), (True, True),
])
def test_bools(cell: Any, want: bool) -> None:
    assert parse_bool(cell) is want


@pytest.mark.parametrize("cell", ["也许", "maybe", 2, ""])
def test_bool_refused(cell: Any) -> None:
    with pytest.raises(ValueError, match="expected yes/no"):
        parse_bool(cell)


def test_values_typed_and_nested() -> None:
    """Each kind parsed; dotted keys nested; names matched whatever the spacing and case."""
    sheet = read_params(table([
        ("起始季度", "2027年第2季度"), ("Number Of Quarters", "8"), ("产业占比", "60%"),
        ("quality_tolerance", "0.5%"), ("职称为硬约束", "否"), ("目标模式", "加权"),
        ("职称要求", "中级、副高"), ("公平权重", 3), ("季度数 ", None),
    ]), PARAMS)
    assert sheet.issues == []
    assert str(sheet.values["first_quarter"]) == "2027Q2"
    assert sheet.values["quarters"] == 8
    assert sheet.values["share"] == 60.0
    assert sheet.values["tolerance"] == 0.5  # marked: 0.5 %
    assert sheet.values["hard"] is False
    assert sheet.values["mode"] == "weighted"
    assert sheet.values["titles"] == ["中级", "副高"]
    assert sheet.values["weights"] == {"fairness": 3}
    assert sheet.get("weights.fairness") == 3


def test_switch_word_sets_the_rule() -> None:
    """产业占比 = 关 switches the rule off instead of being a (bad) percentage."""
    sheet = read_params(table([("起始季度", "2027Q1"), ("产业占比", "关")]), PARAMS)
    assert sheet.issues == []
    assert sheet.values["rules"] == {"share": False} and "share" not in sheet.values


def test_unknown_name_lists_known_names_in_the_users_language() -> None:
    sheet = read_params(table([("起始季度", "2027Q1"), ("颜色", "红"), ("colour", "red")]),
                        PARAMS)
    zh, en = (str(i) for i in sheet.issues)
    assert zh.startswith("plan.xlsx, sheet 方案, row 3, column A (参数): unknown parameter '颜色'")
    assert "known: 起始季度, 季度数, 产业占比" in zh and "first quarter" not in zh
    assert en.startswith("plan.xlsx, sheet 方案, row 4, column A (参数): unknown parameter "
                         "'colour'")
    assert "known: first quarter, number of quarters, industry share" in en and "起始" not in en


@pytest.mark.parametrize(("name", "cell", "message"), [
    ("季度数", "四", "expected a whole number, got '四'"),
    ("起始季度", "明年", "明年"),
    ("产业占比", "half", "expected a percentage like 55 or 55%, got 'half'"),
    ("职称为硬约束", "也许", "expected yes/no"),
    ("目标模式", "随便", "expected one of 加权, 字典序, got '随便'"),
])
def test_refused_value_is_located(name: str, cell: Any, message: str) -> None:
    """A refused value: file, sheet, row, the value column and the parameter as written."""
    sheet = read_params(table([("起始季度", "2027Q1"), (name, cell)]), PARAMS)
    where = f"plan.xlsx, sheet 方案, row 3, column B (值), parameter '{name}': "
    msgs = [str(i) for i in sheet.issues]
    assert len(msgs) == 1 and msgs[0].startswith(where) and message in msgs[0], msgs


def test_required_parameter_missing() -> None:
    sheet = read_params(table([("季度数", 4)]), PARAMS)
    assert [str(i) for i in sheet.issues] == [
        "plan.xlsx, sheet 方案, column 值 (value): parameter 起始季度 (first quarter) is "
        "required, e.g. 2027Q1"]


def test_validate_locates_model_errors_on_the_users_row() -> None:
    """The model's own range check (quarters ≥ 1) is reported on the row that set it."""
    sheet = read_params(table([("起始季度", "2027Q1"), ("number of quarters", 0)]), PARAMS)
    assert sheet.validate(Pol, sheet.values) is None
    (issue,) = sheet.issues
    assert str(issue).startswith("plan.xlsx, sheet 方案, row 3, column B (值), parameter "
                                 "'number of quarters': must be at least 1")
    ok = read_params(table([("起始季度", "2027Q1"), ("公平权重", 2)]), PARAMS)
    pol = ok.validate(Pol, ok.values)
    assert pol is not None and pol.weights == {"fairness": 2} and pol.quarters == 12


def test_no_sheet_gives_nothing() -> None:
    sheet = read_params(None, PARAMS)
    assert not sheet.present and sheet.values == {} and sheet.issues == []


@pytest.mark.parametrize("module", ["roster", "mentoring", "funding"])
def test_model_names_are_not_shadowed(module: str) -> None:
    """Each model's Chinese and English names reach their own parameter (or, for funding's
    rule switches, the parameter whose 关/开 sets that switch)."""
    import importlib

    params = importlib.import_module(f"assignments.{module}.data").POLICY_PARAMS
    first: dict[str, Param] = {}
    for p in params:
        for n in (*p.names, p.key):
            first.setdefault(normalize_name(n), p)
    for p in params:
        for n in (p.zh, p.en):
            got = first[normalize_name(n)]
            assert got is p or got.switch == p.key, (module, n, got.key)


def _roster_policy(rows: list[tuple[str, Any]]) -> Any:
    from assignments.roster.data import _policy

    issues: list[Any] = []
    pol = _policy(issues, {"policy": table([("起始季度", "2027Q1"), *rows])})
    return pol, [str(i) for i in issues]


def test_roster_reads_percent_forms_and_weights() -> None:
    """考勤最低比例 as a cell formatted as 80 %, 80% or 80 is 80 %; a bare 0.8 is refused as
    ambiguous; a weight keeps the others' defaults."""
    from assignments.core.xlsx import Percent

    for cell in (Percent(0.8), "80%", 80):
        pol, issues = _roster_policy([("考勤最低比例", cell), ("公平权重", 5)])
        assert issues == [] and pol.attendance_min_percent == pytest.approx(80.0)
        assert pol.weights["fairness"] == 5 and pol.weights["promotion"] == 1000
    pol, issues = _roster_policy([("考勤最低比例", 0.8)])
    assert len(issues) == 1 and "考勤最低比例" in str(issues[0]) and "ambiguous" in str(issues[0])
    pol, issues = _roster_policy([("中级最少", "过半"), ("职称要求", "中级、副高")])
    assert issues == [] and pol.title_rule.minimum is None and len(pol.title_rule.titles) == 2


def test_funding_share_by_english_name_and_switches() -> None:
    """`industry share = 60` sets the share; 产业占比规则 = 关 and 产业占比 = 关 switch F2 off."""
    from assignments.funding.data import _parse_policy

    issues: list[Any] = []
    pol = _parse_policy(issues, table([("industry share", 60), ("劳务报酬比例", "25%")]))
    assert issues == [] and pol is not None
    assert pol.industry_share == 60 and pol.labour_share == 25 and pol.on("industry_share")
    for name in ("产业占比规则", "产业占比", "rule:industry_share"):
        pol = _parse_policy(issues, table([(name, "关")]))
        assert issues == [] and pol is not None and not pol.on("industry_share"), name
        assert pol.industry_share == 55


def test_mentoring_unknown_english_name() -> None:
    from assignments.mentoring.data import _policy

    issues: list[Any] = []
    _policy(issues, table([("semester length", 20)]))
    (msg,) = (str(i) for i in issues)
    assert "unknown parameter 'semester length'; known: semester weeks, mentor observations" in msg
