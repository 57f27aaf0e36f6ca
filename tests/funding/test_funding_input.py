"""Funding input: malformed files are rejected with located messages; every format reads alike."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from funding_fixtures import (
    TINY_XLSX,
    Records,
    project,
    raw_sheets,
    tiny_records,
    write_raw,
    write_records,
)

from assignments.core.errors import InputError
from assignments.funding.data import SHEETS, problem, read_funding

LANG = "en"  # these tests read the English messages (msgids); Chinese: see tests/core

Build = Callable[[Path], Path]


@pytest.fixture(autouse=True)
def _english() -> Any:
    """These tests read the English messages (the Chinese default is asserted in
    test_funding_zh_outputs.py)."""
    from assignments.core.i18n import use_lang

    with use_lang("en"):
        yield


def edited(edit: Callable[[Records], Any]) -> Build:
    """Writes the tiny records with one edit through ``write_input_workbook``."""

    def build(tmp_path: Path) -> Path:
        rec = tiny_records()
        edit(rec)
        return write_records(tmp_path, rec, "bad.xlsx")

    return build


def raw(edit: Callable[[dict[str, list[list[Any]]]], Any]) -> Build:
    """Writes the tiny records cell by cell after editing the raw rows."""

    def build(tmp_path: Path) -> Path:
        sheets = raw_sheets(tiny_records())
        edit(sheets)
        return write_raw(tmp_path / "bad.xlsx", sheets)

    return build


def _drop_column(sheets: dict[str, list[list[Any]]], sheet: str, header: str) -> None:
    rows = sheets[sheet]
    j = rows[0].index(header)
    for r in rows:
        del r[j]


def _set(sheet: str, pid: str, **values: Any) -> Callable[[Records], None]:
    def edit(rec: Records) -> None:
        next(r for r in rec[sheet] if r.get("id", r.get("group")) == pid).update(values)

    return edit


# tiny rows (header = row 1): 项目库 P1..P6 -> rows 2..7; 资金来源 S1, S2 -> rows 2, 3;
# 村 V1..V3 -> rows 2..4; 方案 起始季度 -> row 2; 到户申请 H1..H6 -> rows 2..7.
CASES: list[tuple[str, Build, list[str]]] = [
    # a required sheet (项目库) is absent
    ("missing-sheet", edited(lambda r: r.pop("projects")),
     ["bad.xlsx", "missing sheet 项目库 (projects)"]),
    # a required column (总投资) is absent
    ("missing-column", raw(lambda s: _drop_column(s, "项目库", "总投资 (cost)")),
     ["bad.xlsx", "sheet 项目库", "row 1", "missing column 总投资 (cost)"]),
    # a project names a village that is not in 村
    ("unknown-village", edited(_set("projects", "P3", villages="V9")),
     ["sheet 项目库", "row 4", "村 (villages)", "project 'P3'", "unknown village 'V9'"]),
    # project ids must be unique
    ("duplicate-project", edited(_set("projects", "P4", id="P3")),
     ["sheet 项目库", "row 5", "project 'P3'", "duplicate project id 'P3'", "first used in row 4"]),
    # the full cost must be positive
    ("negative-cost", edited(_set("projects", "P2", cost=-5)),
     ["sheet 项目库", "row 3", "总投资", "project 'P2'", "must be more than 0"]),
    # a cost must be an amount of money
    ("cost-not-money", edited(_set("projects", "P2", cost="五十万")),
     ["sheet 项目库", "row 3", "总投资", "expected an amount of money, got '五十万'"]),
    # a spending curve adds up to 100 %
    ("curve-sum", edited(_set("projects", "P2", curve="50、40")),
     ["sheet 项目库", "row 3", "支出进度", "project 'P2'", "adding up to 100"]),
    # the start quarter lies inside the plan
    ("start-outside", edited(_set("projects", "P6", start="2028Q2")),
     ["sheet 项目库", "row 7", "开始季度", "project 'P6'", "outside the plan"]),
    # the curve cannot run past the last quarter
    ("curve-past-end", edited(_set("projects", "P6", curve="50、50")),
     ["sheet 项目库", "row 7", "支出进度", "run past the plan's last period 2027Q4"]),
    # requires names a known project
    ("requires-unknown", edited(_set("projects", "P1", requires="P42")),
     ["sheet 项目库", "row 2", "依赖项目", "project 'P1'", "unknown project 'P42'"]),
    # the minimum funding is not above the cost
    ("minimum-above-cost", edited(_set("projects", "P5", min_funding=300_000)),
     ["sheet 项目库", "row 6", "最低资金", "above the full cost"]),
    # a project cannot be committed and excluded at once
    ("committed-and-excluded", edited(_set("projects", "P1", committed="是", excluded="是")),
     ["sheet 项目库", "row 2", "不予安排", "cannot be both"]),
    # a labour-wage share is a percentage
    ("labour-over-100", edited(_set("projects", "P2", labour_share=120)),
     ["sheet 项目库", "row 3", "劳务报酬比例", "must be at most 100"]),
    # a source's tranches add up to 100 %
    ("tranches-sum", edited(_set("sources", "S2", tranches="50、30")),
     ["sheet 资金来源", "row 3", "分期到位", "source 'S2'", "adding up to 100"]),
    # the source kind is one of the known kinds
    ("source-kind", edited(_set("sources", "S1", kind="世界银行")),
     ["sheet 资金来源", "row 2", "类型", "unknown source kind '世界银行'"]),
    # a cost-sharing row names a known source
    ("sharing-unknown-source", edited(lambda r: r.__setitem__("sharing", [
        {"group": "G1", "categories": "医疗", "source": "S9", "share": 6},
        {"group": "G1", "categories": "医疗", "source": "S2", "share": 4}])),
     ["sheet 成本分担", "row 2", "资金来源", "group 'G1'", "unknown source 'S9'"]),
    # a category belongs to one cost-sharing group only
    ("category-two-groups", edited(lambda r: r.__setitem__("sharing", [
        {"group": "G1", "categories": "医疗", "source": "S2", "share": 1},
        {"group": "G2", "categories": "医疗", "source": "S2", "share": 1}])),
     ["sheet 成本分担", "row 3", "in two cost-sharing groups"]),
    # a village's poor flag is yes or no
    ("poor-flag", edited(_set("villages", "V1", poor="也许")),
     ["sheet 村", "row 2", "贫困村", "village 'V1'", "expected yes/no"]),
    # the plan parameters are known ones
    ("unknown-parameter", edited(lambda r: r["policy"].append(
        {"parameter": "年度预算", "value": 1})),
     ["sheet 方案", "row 8", "参数", "unknown parameter '年度预算'"]),
    # milestones are written month:percent
    ("bad-milestone", edited(lambda r: r["policy"].append(
        {"parameter": "支出进度节点", "value": "六月一半"})),
     ["sheet 方案", "row 8", "值", "not understood"]),
    # a coverage target kind is known
    ("target-kind", edited(_set("targets", "T1", kind="全部脱贫")),
     ["sheet 覆盖目标", "row 2", "类型", "unknown target kind '全部脱贫'"]),
    # a household's contiguous plot is part of its area
    ("contiguous-too-large", edited(_set("applications", "H1", contiguous=9)),
     ["sheet 到户申请", "row 2", "连片面积", "household 'H1'", "larger than the declared area"]),
    # the file is not a workbook at all
    ("not-a-workbook", lambda tmp: _bytes(tmp / "bad.xlsx", b"not a zip"),
     ["bad.xlsx", "not a readable Excel .xlsx workbook"]),
]


def _bytes(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


@pytest.mark.parametrize(("case", "build", "expected"), CASES, ids=[c[0] for c in CASES])
def test_malformed_input_is_located(tmp_path: Path, case: str, build: Build,
                                    expected: list[str]) -> None:
    """Each broken workbook is rejected; the message names file, sheet, row, column, record."""
    path = build(tmp_path)
    with pytest.raises(InputError) as err:
        read_funding(path)
    message = str(err.value)
    for part in expected:
        assert part in message, (case, part, message)


def test_at_least_fifteen_malformed_cases() -> None:
    """The table above keeps at least 15 kinds of broken input."""
    assert len(CASES) >= 15


def test_every_problem_reported_at_once(tmp_path: Path) -> None:
    """Three independent mistakes come back together, one line each."""
    rec = tiny_records()
    project(rec, "P1")["cost"] = -1
    project(rec, "P2")["villages"] = "V8"
    rec["sources"][0]["kind"] = "月球"
    with pytest.raises(InputError) as err:
        read_funding(write_records(tmp_path, rec, "bad.xlsx"))
    assert len(err.value.issues) == 3
    assert str(err.value).startswith("3 problems in the input")


def test_tiny_reads() -> None:
    """The tiny workbook reads: 2 sources, 6 projects, 3 villages, 4 quarters, yuan ×10 units."""
    data = read_funding(TINY_XLSX)
    prob = problem(data)
    assert [s.id for s in data.sources] == ["S1", "S2"]
    assert len(data.projects) == 6 and len(data.villages) == 3
    assert prob.periods == ["2027Q1", "2027Q2", "2027Q3", "2027Q4"]
    assert prob.total_budget * prob.unit == 1_600_000
    assert prob.exact
    # P2's 500,000 yuan spent 50/50 in Q2 and Q3
    assert [a * prob.unit for a in prob.period_cost[1]] == [0, 250_000, 250_000, 0]


def _as_records() -> dict[str, list[dict[str, Any]]]:
    rec = tiny_records()
    return {next(s.en for s in SHEETS if s.key == k): v for k, v in rec.items()}


def test_json_yaml_csv_read_alike(tmp_path: Path) -> None:
    """The same records as .json (English sheet names), .yaml and a CSV folder give the same
    problem as the workbook."""
    import csv

    base = problem(read_funding(TINY_XLSX))
    js = tmp_path / "tiny.json"
    js.write_text(json.dumps(_as_records(), ensure_ascii=False), encoding="utf-8")
    ym = tmp_path / "tiny.yaml"
    ym.write_text(yaml.safe_dump(_as_records(), allow_unicode=True), encoding="utf-8")
    folder = tmp_path / "csv"
    folder.mkdir()
    for name, rows in raw_sheets(tiny_records()).items():
        with (folder / f"{name}.csv").open("w", encoding="utf-8-sig", newline="") as fh:
            csv.writer(fh).writerows(rows)
    for path in (js, ym, folder):
        other = problem(read_funding(path))
        assert other.budget == base.budget and other.period_cost == base.period_cost, path
        assert other.value == base.value and len(other.targets) == len(base.targets), path


def test_money_in_wan_yuan(tmp_path: Path) -> None:
    """金额单位 = 万元 scales every money column; an amount written '50万' is 500,000 yuan."""
    rec = tiny_records()
    rec["policy"].append({"parameter": "金额单位", "value": "万元"})
    for s in rec["sources"]:
        s["amount"] = s["amount"] / 10_000
    for p in rec["projects"]:
        p["cost"] = p["cost"] / 10_000
        if "min_funding" in p:
            p["min_funding"] = "10万"
    rec["policy"] = [r for r in rec["policy"] if r["parameter"] not in ("特困村最低资金",
                                                                         "奖补预算")]
    rec["policy"] += [{"parameter": "特困村最低资金", "value": 50},
                      {"parameter": "奖补预算", "value": 2}]
    data = read_funding(write_records(tmp_path, rec))
    base = read_funding(TINY_XLSX)
    assert [s.amount for s in data.sources] == [s.amount for s in base.sources]
    assert [p.cost for p in data.projects] == [p.cost for p in base.projects]
    assert data.project("P5").min_funding == 100_000
    assert data.policy.special_hardship_amount == 500_000
    assert data.policy.subsidy_budget == 20_000


def test_english_headers_and_rule_switches(tmp_path: Path) -> None:
    """English headers work; 产业占比 = 关 switches rule F2 off while 产业占比 = 60 sets it."""
    rec = tiny_records()
    rec["policy"] += [{"parameter": "产业占比", "value": "关"},
                      {"parameter": "劳务报酬比例", "value": "25%"},
                      {"parameter": "支出进度规则", "value": "否"}]
    sheets = raw_sheets(rec)
    for rows in sheets.values():
        rows[0] = [h.split(" (")[1].rstrip(")") for h in rows[0]]
    data = read_funding(write_raw(tmp_path / "en.xlsx", sheets))
    assert data.policy.rules["industry_share"] is False
    assert data.policy.rules["milestones"] is False
    assert data.policy.labour_share == 25
    assert problem(data).milestones == []


def test_unit_coarsened_and_stated(tmp_path: Path) -> None:
    """Large amounts get a coarser money unit (totals within 1,000,000 units), flagged when
    some amount had to be rounded."""
    rec = tiny_records()
    for s in rec["sources"]:
        s["amount"] *= 1000
    for p in rec["projects"]:
        p["cost"] = p["cost"] * 1000 + 7  # not a whole number of the coarse unit
    prob = problem(read_funding(write_records(tmp_path, rec)))
    assert prob.unit == 10_000
    assert not prob.exact
    assert any("rounded" in w for w in prob.warnings)
    assert max(sum(prob.cost), prob.total_budget) <= 1_000_000
