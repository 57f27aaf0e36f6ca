"""Issue #19 point 1: one message catalogue — no Chinese/English pair written inline in the code.

A sentence a person reads is written once, in English, as ``tr("...")`` (or ``trc(context,
"...")``), its Chinese in ``locale/zh/LC_MESSAGES/<domain>.po``. This test scans every module of
``src/assignments`` with :mod:`ast` for the shapes an inline pair takes:

* a conditional expression choosing between a Chinese and an English text
  (``"中文" if zh else "English"``, nested ones included);
* a dict keyed ``"zh"`` and ``"en"`` (``{"zh": {...}, "en": {...}}``);
* a (Chinese, English) tuple inside a dict or a table (``{"key": ("名称", "name")}``,
  ``[("key", "状态", "status"), ...]``);
* a call given a Chinese text and an English phrase (``_t(lang, "中文", "English text")``);
* an ``if``/``else`` on the language whose branches write Chinese and English texts.

The allow-list below names the places where both languages are data, each with its reason.
"""

from __future__ import annotations

import ast
import re
import textwrap
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "assignments"
LANG = "zh"
CJK = re.compile(r"[\u3400-\u9fff]")
LATIN = re.compile(r"[A-Za-z]{2,}")

# (module, owner: the top-level name or function/class path holding the pair) -> reason
ALLOWED: dict[tuple[str, str], str] = {
    ("funding/rules.py", "RULES"): "the rule registry: each rule's Chinese and English label "
                                   "is its record (DEVELOPERS.md), shown through RULES.label",
    ("mentoring/rules.py", "RULES"): "the rule registry (as funding/rules.py)",
    ("roster/rules.py", "RULES"): "the rule registry (as funding/rules.py)",
    ("funding/data.py", "POLICY_PARAMS"): "the 方案 parameters' Chinese and English names: "
                                          "names the reader accepts (input aliases)",
    ("mentoring/data.py", "POLICY_PARAMS"): "input aliases (as funding/data.py)",
    ("roster/data.py", "POLICY_PARAMS"): "input aliases (as funding/data.py)",
    ("funding/data.py", "SHEETS"): "input sheet and column specs: the bilingual headers and "
                                   "aliases the reader accepts",
    ("mentoring/data.py", "SHEETS"): "input sheet and column specs (as funding/data.py)",
    ("roster/data.py", "SHEETS"): "input sheet and column specs (as funding/data.py)",
    ("mentoring/check_plan.py", "PLAN_SHEET"): "the columns of a plan read back (aliases)",
    ("roster/assess.py", "LOG_SHEETS"): "input sheet and column specs of the activity logs",
    ("roster/replan.py", "PUBLISHED_SHEETS"): "the columns of a published roster read back",
    ("funding/handcheck.py", "_COLS"): "the columns of allocation.xlsx read back (aliases)",
    ("mentoring/schools.py", "_FAMILIES"): "school-name fragments mapped to stage-family keys "
                                           "(data, never shown)",
    ("roster/explain.py", "Suggestion.as_dict"): "result.json keeps a suggestion in both "
                                                 "languages for programs; its texts come from "
                                                 "the catalogue (_suggestion)",
    ("web/app.py", "_header"): "the language switch names each language in itself "
                               "(中文 / English)",
}


def _kinds(node: ast.AST) -> set[str]:
    """``zh``/``en`` of the literal texts an expression can give (its literal pieces)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value
    elif isinstance(node, ast.JoinedStr):
        text = "".join(v.value for v in node.values
                       if isinstance(v, ast.Constant) and isinstance(v.value, str))
    elif isinstance(node, ast.IfExp):
        return _kinds(node.body) | _kinds(node.orelse)
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _kinds(node.left) | _kinds(node.right)
    elif isinstance(node, ast.Tuple | ast.List):
        return set().union(*(_kinds(e) for e in node.elts))
    else:
        return set()
    return {"zh"} if CJK.search(text) else {"en"} if LATIN.search(text) else set()


def _pair(a: ast.AST, b: ast.AST) -> bool:
    return {frozenset(_kinds(a)), frozenset(_kinds(b))} == {frozenset({"zh"}), frozenset({"en"})}


def _language_test(test: ast.AST) -> bool:
    return bool(re.search(r"""\blang\b|\bzh\b|\ben\b|current_lang\(\)|['"](zh|en)['"]""",
                          ast.unparse(test)))


def _branch_kinds(stmts: list[ast.stmt]) -> set[str]:
    return set().union(*(_kinds(n) for st in stmts for n in ast.walk(st)
                         if isinstance(n, ast.Constant | ast.JoinedStr)))


def inline_pairs(source: str, module: str) -> list[tuple[str, int, str, str]]:
    """(module, line, owner, shape) of every inline Chinese/English pair of ``source``."""
    tree = ast.parse(source)
    parents = {ch: node for node in ast.walk(tree) for ch in ast.iter_child_nodes(node)}

    def owner(node: ast.AST) -> str:
        names = []
        while node in parents:
            node = parents[node]
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.append(node.name)
            elif isinstance(node, ast.Assign | ast.AnnAssign) and parents.get(node) is tree:
                target = node.targets[0] if isinstance(node, ast.Assign) else node.target
                names.append(ast.unparse(target))
        return ".".join(reversed(names)) or "<module>"

    found = []
    for node in ast.walk(tree):
        shape = None
        if isinstance(node, ast.IfExp) and _pair(node.body, node.orelse):
            shape = "conditional expression"
        elif isinstance(node, ast.Dict):
            if {"zh", "en"} <= {k.value for k in node.keys if isinstance(k, ast.Constant)}:
                shape = "dict keyed zh/en"
        elif isinstance(node, ast.Tuple | ast.List):
            in_table = isinstance(parents.get(node), ast.Dict | ast.Tuple | ast.List)
            kinds = [_kinds(e) for e in node.elts]
            if (in_table and 2 <= len(kinds) <= 3 and all(kinds)
                    and sum("zh" in k for k in kinds) == 1 and {"en"} in kinds):
                shape = "(Chinese, English) tuple"
        elif isinstance(node, ast.Call):
            kinds = [_kinds(a) for a in node.args]
            if {"zh"} in kinds and any(k == {"en"} and " " in ast.unparse(a)
                                       for k, a in zip(kinds, node.args, strict=True)):
                shape = "call given a Chinese and an English text"
        elif isinstance(node, ast.If) and node.orelse and _language_test(node.test):
            a, b = _branch_kinds(node.body), _branch_kinds(node.orelse)
            if ("zh" in a and "en" in b and "zh" not in b) or \
                    ("en" in a and "zh" in b and "zh" not in a):
                shape = "if/else on the language"
        if shape:
            found.append((module, getattr(node, "lineno", 0), owner(node), shape))
    return found


@cache
def _scan_src() -> list[tuple[str, int, str, str]]:
    out = []
    for path in sorted(SRC.rglob("*.py")):
        module = path.relative_to(SRC).as_posix()
        out += inline_pairs(path.read_text(encoding="utf-8"), module)
    return out


def test_no_inline_chinese_english_pairs() -> None:
    """Every people-facing text is in the catalogue: no inline pair outside the allow-list."""
    bad = [f"{m}:{line} in {owner}: {shape}" for m, line, owner, shape in _scan_src()
           if (m, owner) not in ALLOWED]
    assert bad == [], ("texts paired inline: write tr(\"English\") and put the Chinese in the "
                       "domain's .po (scripts/i18n.py update)\n" + "\n".join(bad))


def test_every_allowed_place_still_holds_a_pair() -> None:
    """The allow-list does not outlive the code it excuses."""
    seen = {(m, owner) for m, _line, owner, _shape in _scan_src()}
    assert sorted(set(ALLOWED) - seen) == []


def test_the_scan_finds_each_shape() -> None:
    """The scan is not blind: each shape of inline pair is found, and catalogued code is not."""
    code = textwrap.dedent('''
        HEAD = {"name": ("名称", "name")}
        ROWS = [("status", "状态", "status")]
        SHEETS = {"zh": {"notes": "说明"}, "en": {"notes": "notes"}}

        def f(zh, lang, v):
            a = "季度" if zh else "quarter"
            b = ("是" if v else "否") if lang == "zh" else ("yes" if v else "no")
            c = f"{v}骨干教师" if lang == "zh" else f"{v} key teacher"
            d = _t(lang, "以下改动", "Changes that make a roster exist")
            if lang == "en":
                e = f"seat from {v}"
            else:
                e = f"占用{v}席位"
            return a, b, c, d, e

        def g(lang, v):
            return tr("yes", lang=lang) if v else tr("no", lang=lang), trc("column", "name")
        ''')
    found = inline_pairs(code, "x.py")
    shapes = sorted({(owner, shape) for _m, _l, owner, shape in found})
    assert shapes == [
        ("HEAD", "(Chinese, English) tuple"),
        ("ROWS", "(Chinese, English) tuple"),
        ("SHEETS", "dict keyed zh/en"),
        ("f", "call given a Chinese and an English text"),
        ("f", "conditional expression"),
        ("f", "if/else on the language"),
    ]
    assert sum(1 for *_, owner, shape in found if shape == "conditional expression") == 3
    assert not [x for x in found if x[2] == "g"]
