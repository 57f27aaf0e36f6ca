"""Issue #19 point 1 for fund allocation: every command on every shipped example speaks Chinese
by default (no English sentence in any output file or printed line) and English with
``--lang en`` (no Chinese sentence but names and the workbook's own sheet names).

Every command runs once per language per module (short limits); the tests read the results.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from funding_fixtures import COUNTY_XLSX, MKP_DIR, PB_DIR, ROOT, TINY_XLSX
from untranslated import english_runs, scan_folder

SCENARIOS = ROOT / "instances" / "funding" / "scenarios.yaml"
PB = next(PB_DIR.glob("Poland_Warszawa_2017*.pb"))
MKP = MKP_DIR / "mknap1.txt"
EXAMPLES = {"tiny": TINY_XLSX, "county": COUNTY_XLSX}


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "assignments.cli", "funding", *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=900)


def _break_plan(plan: Path, out: Path) -> Path:
    """A hand edit that breaks the rules: the first allocation row's amount raised to
    9,000,000 (beyond every tiny source, and off the project's spending curve)."""
    from openpyxl import load_workbook

    wb = load_workbook(plan)
    ws = next(w for w in wb.worksheets if w.title in ("分配明细", "allocation"))
    head = [c.value for c in ws[1]]
    col = next(i for i, h in enumerate(head, 1) if str(h).startswith(("金额", "amount", "yuan")))
    ws.cell(row=2, column=col, value=9_000_000)
    wb.save(out)
    return out


BAD_INPUT_EDITS = {  # sheet -> cell -> value: mistakes only the funding reader reports
    "资金来源": {"C2": "外资"},                              # unknown source kind
    "项目库": {"E2": "abc", "D3": "V9", "M5": "10、20", "F6": 99_999_999},  # money, village,
}                                                          # curve, minimum above the cost


def _bad_input(out: Path) -> Path:
    from openpyxl import load_workbook

    wb = load_workbook(TINY_XLSX)
    for sheet, cells in BAD_INPUT_EDITS.items():
        for cell, value in cells.items():
            wb[sheet][cell] = value
    wb.save(out)
    return out


def _runs(base: Path, lang: str) -> dict[str, Any]:
    """Every funding command on every shipped example in ``lang``: name → (process, out)."""
    extra = ["--lang", lang] if lang == "en" else []   # zh is the default: do not ask for it
    runs: dict[str, Any] = {}
    for name, wb in EXAMPLES.items():
        runs[f"validate {name}"] = (_run("validate", str(wb), *extra), None)
        out = base / f"solve_{name}"
        runs[f"solve {name}"] = (_run("solve", str(wb), "--out", str(out), "--time-limit", "5",
                                      *extra), out)
        # the plan just written, checked back as a hand-edited plan (and against the best)
        plan = base / f"plan_{name}.xlsx"
        shutil.copy(out / "funding.xlsx", plan)
        runs[f"check {name}"] = (_run("check", str(wb), str(plan), "--time-limit", "3",
                                      *extra), None)
        if name == "tiny":   # the same plan broken by hand: every violation is printed
            broken = _break_plan(plan, base / "plan_broken.xlsx")
            runs["check broken"] = (_run("check", str(wb), str(broken), "--no-optimum",
                                         *extra), None)
        out = base / f"subsidies_{name}"
        runs[f"subsidies {name}"] = (_run("subsidies", str(wb), "--out", str(out),
                                          "--time-limit", "3", *extra), out)
    out = base / "scenarios_county"
    runs["scenarios county"] = (_run("scenarios", str(COUNTY_XLSX), "--scenarios",
                                     str(SCENARIOS), "--out", str(out), "--time-limit", "3",
                                     *extra), out)
    if lang == "zh":   # the template command (core's) has no --lang of its own yet
        out = base / "template"
        out.mkdir()
        runs["template"] = (_run("template", str(out / "funding_template.xlsx")), out)
    out = base / "pb"
    runs["pb"] = (_run("pb", str(PB), "--out", str(out), "--time-limit", "5", *extra), out)
    runs["mkp"] = (_run("mkp", str(MKP), "--instances", "0", *extra), None)
    # a located input mistake, printed in the language asked for
    bad = base / "bad.yaml"
    bad.write_text("scenarios:\n  - name: x\n    force_in: [P99]\n", encoding="utf-8")
    runs["scenarios bad"] = (_run("scenarios", str(TINY_XLSX), "--scenarios", str(bad),
                                  "--out", str(base / "bad"), *extra), None)
    # a workbook with input mistakes: every one located, in the language asked for
    runs["validate bad"] = (_run("validate", str(_bad_input(base / "bad_input.xlsx")), *extra),
                            None)
    return runs


@pytest.fixture(scope="module")
def zh_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return _runs(tmp_path_factory.mktemp("zh"), "zh")


@pytest.fixture(scope="module")
def en_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return _runs(tmp_path_factory.mktemp("en"), "en")


def _codes_ok(runs: dict[str, Any]) -> None:
    for name, (p, _out) in runs.items():
        want = (2 if name in ("scenarios bad", "validate bad") else 1 if name == "check broken"
                else (0, 1) if name.startswith("check") else 0)
        assert p.returncode in (want if isinstance(want, tuple) else (want,)), (name, p.stderr)
        assert "Traceback" not in p.stderr, (name, p.stderr)


def _pb_names() -> list[str]:
    """The Pabulib file's own words (project names, categories, its META rule): the user's."""
    from assignments.funding.pabulib import read_pb

    inst = read_pb(PB)
    words = {str(p.get("name") or "") for p in inst.projects}
    words |= {c.strip() for p in inst.projects for c in str(p.get("category") or "").split(",")}
    return sorted((w for w in words | {str(inst.rule)} if w), key=len, reverse=True)


def _without(text: str, names: list[str]) -> str:
    for n in names:
        text = text.replace(n, " ")
    return text


# what the shared code prints, owned by the core helper (issue #19 point 1 for core): left out
# here until it lands — the executor's description and the level notes of result.json
_CORE = re.compile(r"local pool of \d+ processes|the start meets the lower bound"
                   r"|\d+ problems? in the input")


def test_zh_outputs_hold_no_english_sentence(zh_runs: dict[str, Any]) -> None:
    _codes_ok(zh_runs)
    names = _pb_names()
    found = []
    for name, (p, out) in zh_runs.items():
        for stream, text in (("stdout", p.stdout), ("stderr", p.stderr)):
            for line in text.splitlines():
                line = _CORE.sub(" ", _without(line, names) if name == "pb" else line)
                if english_runs(line):
                    found.append((name, stream, line))
        if out is not None and name != "pb":
            found += [(name, where, text) for where, text, _ in scan_folder(out)
                      if english_runs(_CORE.sub(" ", text))]
    assert found == [], "\n".join(map(str, found[:40]))


def test_zh_pabulib_outputs_are_chinese_but_for_the_names(zh_runs: dict[str, Any]) -> None:
    """pb reads a Polish city's file: its project names stay as written, the rest is Chinese."""
    _p, out = zh_runs["pb"]
    names = _pb_names()
    left = [(w, t) for w, t, _ in scan_folder(out)
            if english_runs(_CORE.sub(" ", _without(t, names)))]
    assert left == [], left[:20]


CJK = re.compile(r"[\u4e00-\u9fff]+")
# names the workbooks and the scenario file write (villages, sources, projects, scenarios,
# categories, sheet names, units) are Chinese in English output too: they are the user's words
_USER_WORDS: set[str] = set()


def _user_words() -> set[str]:
    if _USER_WORDS:
        return _USER_WORDS
    from openpyxl import load_workbook

    for wb_path in EXAMPLES.values():
        wb = load_workbook(wb_path, read_only=True, data_only=True)
        for ws in wb.worksheets:
            _USER_WORDS.update(CJK.findall(ws.title))
            for row in ws.iter_rows(values_only=True):
                for v in row:
                    if isinstance(v, str):
                        _USER_WORDS.update(CJK.findall(v))
    _USER_WORDS.update(CJK.findall(SCENARIOS.read_text(encoding="utf-8")))
    # the words a cell must hold (the accepted source kinds and target kinds an error lists)
    _USER_WORDS.update({"外资", "中央衔接", "省级", "市级", "县级", "东西部协作", "社会捐赠",
                        "其他"})
    # the money unit and the column names the workbook writes (不予安排, 建档立卡, 方案), quoted
    # beside their English in the English texts
    _USER_WORDS.update({"元", "万元", "不予安排", "建档立卡", "方案", "到户申请"})
    return _USER_WORDS


def _chinese_left(text: str) -> list[str]:
    words = _user_words()
    return [w for w in CJK.findall(text) if w not in words]


def test_en_outputs_hold_no_chinese_sentence(en_runs: dict[str, Any]) -> None:
    _codes_ok(en_runs)
    from untranslated import _json_texts, _xlsx_texts  # the same cells the zh scan reads

    found = []
    for name, (p, out) in en_runs.items():
        for stream, text in (("stdout", p.stdout), ("stderr", p.stderr)):
            for line in text.splitlines():
                if _chinese_left(line):
                    found.append((name, stream, line))
        if out is None or name == "template":
            continue   # the template's headers are the workbook's (Chinese) column names
        import json

        for path in sorted(out.rglob("*")):
            texts: Any = ()
            if path.suffix == ".xlsx":
                texts = _xlsx_texts(path)
            elif path.suffix == ".json":
                from untranslated import JSON_PEOPLE_KEYS

                texts = _json_texts(json.loads(path.read_text(encoding="utf-8")), path.name,
                                    JSON_PEOPLE_KEYS)
            for where, text in texts:
                if _chinese_left(text):
                    found.append((name, where, text))
    assert found == [], "\n".join(map(str, found[:40]))


def test_broken_plan_and_bad_input_speak_the_language(zh_runs: dict[str, Any],
                                                     en_runs: dict[str, Any]) -> None:
    """The checker's violations (``funding check`` on a plan broken by hand) and the input
    mistakes (``funding validate``) are the sentences the scans above read: they are there,
    in Chinese by default and in English with --lang en."""
    zh, en = zh_runs["check broken"][0], en_runs["check broken"][0]
    assert "资金来源 S1" in zh.stdout and "的支出进度应为" in zh.stdout, zh.stdout
    assert "source 'S1' pays" in en.stdout and "its curve at 100% needs" in en.stdout, en.stdout
    zh, en = zh_runs["validate bad"][0], en_runs["validate bad"][0]
    for text in ("无法识别资金类型 '外资'", "应为金额，现为 'abc'", "未知村 'V9'",
                 "支出进度应为合计 100 的非负百分数", "高于总投资"):
        assert text in zh.stderr, (text, zh.stderr)
    for text in ("unknown source kind '外资'", "expected an amount of money, got 'abc'",
                 "unknown village 'V9'", "the spending curve must be percentages",
                 "is above the full cost"):
        assert text in en.stderr, (text, en.stderr)


def test_every_rule_doc_and_domain_text_is_catalogued() -> None:
    """Every rule's and family's doc (:meth:`RuleBook.describe`) and every rule's DOMAIN
    reference (``rule.domain``, the 规则 sheet's 出处) has Chinese in the catalogue."""
    from assignments.core.i18n import catalogue, use_lang
    from assignments.funding.rules import RULES, domain_text

    zh = catalogue("zh")
    keys = [r.key for r in RULES] + list(RULES.families)
    with use_lang("en"):  # the msgids (describe() gives the current language)
        docs = {RULES.describe(k) for k in keys}
    missing = sorted(docs - set(zh))
    missing += sorted({r.domain for r in RULES} - set(zh))
    assert missing == [], missing
    with use_lang("zh"):
        assert all(english_runs(domain_text(r.domain)) == [] for r in RULES)


def test_template_notes_are_catalogued_and_chinese(zh_runs: dict[str, Any]) -> None:
    """Every note of the input sheets (the template's header comments) is in the catalogue,
    and the template written by default carries them in Chinese."""
    from openpyxl import load_workbook

    from assignments.core.i18n import catalogue
    from assignments.funding.data import SHEETS

    notes = {t for sp in SHEETS for t in (sp.note, *(c.note for c in sp.columns)) if t}
    assert sorted(notes - set(catalogue("zh"))) == []
    _p, out = zh_runs["template"]
    wb = load_workbook(out / "funding_template.xlsx")
    comments = [c.comment.text for ws in wb.worksheets for c in ws[1] if c.comment]
    assert comments and "参数名（中文或英文）" in comments[0]
    left = [t for t in comments if english_runs(t.replace("required / 必填", "")
                                                 .replace("optional / 选填", ""))]
    assert left == [], left
