"""The message catalogue: every ``tr()`` msgid of the code has Chinese, and every translation
keeps exactly the msgid's ``{placeholders}``; the language switch works."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from assignments.core.i18n import catalogue, current_lang, tr, use_lang

ROOT = Path(__file__).resolve().parents[2]
LANG = "zh"  # the default language (tests/core/conftest.py)
FIELD = re.compile(r"(?<!\{)\{([A-Za-z_][A-Za-z0-9_]*)(?:[:!][^}]*)?\}")


def test_every_message_of_the_code_has_chinese() -> None:
    p = subprocess.run([sys.executable, str(ROOT / "scripts" / "i18n.py"), "check"],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stdout + p.stderr


def test_translations_keep_the_placeholders() -> None:
    """A translation uses only fields its msgid has (it may leave out one that only English
    needs, as ``{kind_en}``), and keeps every field that carries a figure or a name."""
    bad = [(msgid, zh) for msgid, zh in catalogue("zh").items()
           if not set(FIELD.findall(zh)) <= set(FIELD.findall(msgid))
           or len(set(FIELD.findall(msgid)) - set(FIELD.findall(zh))
                  - {f for f in FIELD.findall(msgid) if f.endswith("_en")}) > 0]
    assert bad == []


def test_language_switch() -> None:
    msg = ("{year}: not in chinesecalendar {version} (knows {lo}–{hi}); working days "
           "estimated from weekends and the usual holidays (no make-up workdays) — add a "
           "节假日 (holidays) sheet to be exact")
    assert current_lang() == "zh"
    zh = tr(msg, year=2030, version="1.0", lo=2004, hi=2026)
    assert zh.startswith("2030 年不在") and "working days" not in zh
    with use_lang("en"):
        assert tr(msg, year=2030, version="1.0", lo=2004, hi=2026).startswith("2030: not in")
    assert tr(msg, lang="en", year=1, version="v", lo=1, hi=2).startswith("1: not in")
    with pytest.raises(ValueError), use_lang("fr"):
        pass


def test_messages_are_literal_strings() -> None:
    """``tr()``'s msgid is a literal (Babel extracts it statically): an f-string or a variable
    as the first argument could never be found in the catalogue. The rule registries
    (``<model>/rules.py``) are the exception: they look up their rule texts, each catalogued
    by a literal ``tr(..., lang="en")`` where it is written; and a module that marks its
    message constants with ``N_("...")`` may pass them to ``tr`` by name."""
    import ast

    bad = []
    for path in sorted((ROOT / "src" / "assignments").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text)
        marks = "N_(" in text
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id == "tr" and node.args and not marks):
                first = node.args[0]
                if not (isinstance(first, ast.Constant) and isinstance(first.value, str)) \
                        and path.name != "rules.py":
                    bad.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert bad == []
