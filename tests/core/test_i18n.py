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
    bad = [(msgid, zh) for msgid, zh in catalogue("zh").items()
           if set(FIELD.findall(msgid)) != set(FIELD.findall(zh))]
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
