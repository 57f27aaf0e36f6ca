"""Issue #19 point 1 for mentor pairing: every mentoring command on every shipped example speaks
Chinese by default (no English sentence in any output file or printed line) and English with
``--lang en`` (no Chinese sentence but names and the workbook's own words).

Every command runs once per language per module, in this process (short limits); the tests read
the results. ``check`` runs on the plan ``solve`` wrote (not for schools.xlsx, whose solve has no
pair to check); ``placement`` runs on the example with a 支教需求 sheet.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from mentoring_fixtures import ROOT
from typer.testing import CliRunner
from untranslated import JSON_PEOPLE_KEYS, _json_texts, _xlsx_texts, english_runs, scan_folder

EXAMPLES = {name: ROOT / "instances" / "mentoring" / f"{name}.xlsx"
            for name in ("tiny", "district", "schools")}
LIMIT = ["--time-limit", "2"]


def _invoke(*args: str) -> Any:
    from assignments.cli import app
    from assignments.core.i18n import set_lang

    try:
        return CliRunner().invoke(app, ["mentoring", *args])
    finally:
        set_lang("zh")   # --lang sets the process language: leave it as the other tests expect


def _runs(base: Path, lang: str) -> dict[str, Any]:
    """Every mentoring command on every shipped example in ``lang``: name → (result, out)."""
    extra = ["--lang", lang] if lang == "en" else []   # zh is the default: do not ask for it
    runs: dict[str, Any] = {}
    for name, wb in EXAMPLES.items():
        runs[f"validate {name}"] = (_invoke("validate", str(wb), *extra), None)
        out = base / f"solve_{name}"
        runs[f"solve {name}"] = (_invoke("solve", str(wb), "--out", str(out), *LIMIT, *extra),
                                 out)
        if name != "schools":
            plan = base / f"plan_{name}.xlsx"
            shutil.copy(out / "pairs.xlsx", plan)
            runs[f"check {name}"] = (_invoke("check", str(wb), str(plan), *LIMIT, *extra), None)
        out = base / f"stable_{name}"
        runs[f"stable {name}"] = (_invoke("stable", str(wb), "--out", str(out), *LIMIT, *extra),
                                  out)
        out = base / f"schools_{name}"
        runs[f"schools {name}"] = (_invoke("schools", str(wb), "--out", str(out), *LIMIT,
                                           *extra), out)
        out = base / f"groups_{name}"
        runs[f"groups {name}"] = (_invoke("schools", str(wb), "--groups", "--out", str(out),
                                          *LIMIT, *extra), out)
    out = base / "placement_schools"
    runs["placement schools"] = (_invoke("placement", str(EXAMPLES["schools"]), "--out",
                                         str(out), *LIMIT, *extra), out)
    if lang == "zh":   # the template command (core's) has no --lang of its own
        out = base / "template"
        out.mkdir()
        runs["template"] = (_invoke("template", str(out / "mentoring_template.xlsx")), out)
    # a located input mistake (a teacher unknown to the workbook), in the language asked for
    bad = base / "bad_plan.xlsx"
    shutil.copy(base / "plan_tiny.xlsx", bad)
    from openpyxl import load_workbook

    book = load_workbook(bad)
    book.worksheets[0].cell(row=2, column=1, value="T99")
    book.save(bad)
    runs["check bad"] = (_invoke("check", str(EXAMPLES["tiny"]), str(bad), *LIMIT, *extra),
                         None)
    return runs


@pytest.fixture(scope="module")
def zh_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return _runs(tmp_path_factory.mktemp("zh"), "zh")


@pytest.fixture(scope="module")
def en_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return _runs(tmp_path_factory.mktemp("en"), "en")


def _codes_ok(runs: dict[str, Any]) -> None:
    for name, (r, _out) in runs.items():
        want: tuple[int, ...] = (
            (2,) if name == "check bad"
            else (0, 1) if name.startswith(("check", "validate", "groups")) else (0,))
        assert r.exit_code in want, (name, r.exit_code, r.stdout, r.stderr, r.exception)
        assert r.exception is None or isinstance(r.exception, SystemExit), (name, r.exception)


def _lines(r: Any) -> list[tuple[str, str]]:
    return [(stream, line) for stream, text in (("stdout", r.stdout), ("stderr", r.stderr))
            for line in text.splitlines()]


def test_zh_outputs_hold_no_english_sentence(zh_runs: dict[str, Any]) -> None:
    _codes_ok(zh_runs)
    found = []
    for name, (r, out) in zh_runs.items():
        found += [(name, stream, line) for stream, line in _lines(r) if english_runs(line)]
        if out is not None:
            found += [(name, where, text) for where, text, _ in scan_folder(out)]
    assert found == [], "\n".join(map(str, found[:40]))


def test_zh_unpaired_reasons_are_chinese(zh_runs: dict[str, Any]) -> None:
    """The 未结对原因 of the issue: every reason of the unpaired sheet and of result.json is
    Chinese (and there are some, so the test cannot pass empty)."""
    out = zh_runs["solve tiny"][1]
    result = json.loads((out / "result.json").read_text(encoding="utf-8"))
    reasons = [u["reason"] for u in result["unpaired"]]
    assert len(reasons) == 4
    assert all(re.search(r"[\u4e00-\u9fff]{4}", r) and not english_runs(r) for r in reasons)
    assert result["status"] == "optimal" and result["status_text"] == "最优"


CJK = re.compile(r"[\u4e00-\u9fff]+")
_USER_WORDS: set[str] = set()


def _user_words() -> set[str]:
    """The Chinese the workbooks themselves write (names, sheet names, column names, values):
    the user's words, shown as given in English output too."""
    if _USER_WORDS:
        return _USER_WORDS
    from openpyxl import load_workbook

    from assignments.mentoring.data import SHEETS

    for wb_path in EXAMPLES.values():
        wb = load_workbook(wb_path, read_only=True, data_only=True)
        for ws in wb.worksheets:
            _USER_WORDS.update(CJK.findall(ws.title))
            for row in ws.iter_rows(values_only=True):
                for v in row:
                    if isinstance(v, str):
                        _USER_WORDS.update(CJK.findall(v))
    for sheet in SHEETS:   # the input's sheet and column names, quoted in English messages
        _USER_WORDS.update(CJK.findall(sheet.zh))
        for c in sheet.columns:
            _USER_WORDS.update(CJK.findall(c.zh))
    return _USER_WORDS


def _chinese_left(text: str) -> list[str]:
    words = _user_words()
    return [w for w in CJK.findall(text) if w not in words]


# the deliberate "中文 (English)" pairs of English messages: the office's own terms
_TERMS = {"学科带头人", "教学能手", "骨干教师", "新调入", "需提升", "申请导师", "可任师傅",
          "带徒上限", "指导时数上限", "指定结对", "禁止结对", "延续结对", "结对学校", "同学科",
          "学科组", "相关学科", "差", "必须", "加分", "是", "否", "帮扶", "受援", "高职",
          "示范中职",
          "中职", "小学", "初中", "高中", "同学段", "同类", "城到乡", "不限", "支教方向",
          "支教意向", "支教需求", "可结对数", "学校结对学段", "意愿", "未结对", "说明", "课表",
          "路程", "结对", "同校权重", "就近权重", "均衡权重", "外派权重", "延续权重", "周一", "第",
          "节", "经度", "纬度", "城区", "农村", "学期", "学年", "工号", "学科", "节次",
          "理想教龄差下限", "理想教龄差上限", "学科要求", "幼儿园", "校级", "县级", "市级", "省级",
          "周日", "小组", "安排", "未满足", "学校结对", "内容", "受援中职"}


def test_en_outputs_hold_no_chinese_sentence(en_runs: dict[str, Any]) -> None:
    _codes_ok(en_runs)
    found = []
    for name, (r, out) in en_runs.items():
        found += [(name, stream, line) for stream, line in _lines(r)
                  if set(_chinese_left(line)) - _TERMS]
        if out is None:
            continue
        for path in sorted(out.rglob("*")):
            texts: Any = ()
            if path.suffix == ".xlsx":
                texts = _xlsx_texts(path)
            elif path.suffix == ".json":
                texts = _json_texts(json.loads(path.read_text(encoding="utf-8")), path.name,
                                    JSON_PEOPLE_KEYS)
            found += [(name, where, text) for where, text in texts
                      if set(_chinese_left(text)) - _TERMS]
    left = sorted({w for _n, _w, text in found for w in set(_chinese_left(text)) - _TERMS})
    assert found == [], f"{left}\n" + "\n".join(map(str, found[:40]))
