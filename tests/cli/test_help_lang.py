"""Every command's ``--help`` is Chinese by default and English with ``--lang en`` (issue #19).

Help texts are built when the command line is imported, in the language of the raw command line
(``--lang`` / ``ASSIGNMENTS_LANG``): each language is rendered in a fresh interpreter, which
walks every command of the app (groups included) and prints each ``--help`` page.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from untranslated import english_runs

ROOT = Path(__file__).resolve().parents[2]

WALK = r"""
import json, sys
import click, typer
from typer.testing import CliRunner
from assignments.cli import app

root = typer.main.get_command(app)
pages = {}

def walk(cmd, path):
    r = CliRunner().invoke(app, [*path, "--help"], prog_name="assignments", terminal_width=200)
    pages[" ".join(path) or "(app)"] = r.output
    for name, sub in sorted(getattr(cmd, "commands", {}).items()):
        walk(sub, [*path, name])

walk(root, [])
json.dump(pages, sys.stdout)
"""

BOX = re.compile(r"[─│╭╮╰╯]")
# Chinese in an English page: a run of 6+ Chinese characters, or any with Chinese punctuation
# (the deliberate pairs such as "sheet 人员 (staff)" or "(对口支援 / 结对帮扶)" are shorter)
CHINESE = re.compile(r"[\u4e00-\u9fff]*[，。；：“”（）、][\u4e00-\u9fff]*|[\u4e00-\u9fff]{6,}")


def _pages(lang: str) -> dict[str, str]:
    env = {**os.environ, "ASSIGNMENTS_LANG": lang, "COLUMNS": "200", "NO_COLOR": "1",
           "TERM": "dumb", "PYTHONPATH": str(ROOT / "src")}
    p = subprocess.run([sys.executable, "-c", WALK], capture_output=True, text=True, env=env,
                       cwd=ROOT, timeout=300)
    assert p.returncode == 0, p.stderr
    pages: dict[str, str] = json.loads(p.stdout)
    return {k: BOX.sub(" ", v) for k, v in pages.items()}


@pytest.fixture(scope="module")
def zh_pages() -> dict[str, str]:
    return _pages("zh")


@pytest.fixture(scope="module")
def en_pages() -> dict[str, str]:
    return _pages("en")


def test_every_command_is_walked(zh_pages: dict[str, str]) -> None:
    for name in ("(app)", "roster solve", "roster validate", "mentoring solve", "funding solve",
                 "batch", "warmup"):
        assert name in zh_pages


def test_chinese_help_has_no_english_sentence(zh_pages: dict[str, str]) -> None:
    bad = {cmd: runs for cmd, page in zh_pages.items() if (runs := english_runs(page))}
    assert bad == {}, "\n".join(f"{cmd}: {runs}" for cmd, runs in bad.items())


def test_english_help_has_no_chinese_sentence(en_pages: dict[str, str]) -> None:
    bad = {cmd: found for cmd, page in en_pages.items()
           if (found := [m for m in CHINESE.findall(page) if m.strip("，。；：“”（）、")])}
    assert bad == {}, "\n".join(f"{cmd}: {runs}" for cmd, runs in bad.items())


def test_no_bool_type_shown(zh_pages: dict[str, str], en_pages: dict[str, str]) -> None:
    """A flag takes no value: no ``<bool>`` beside it (``--help`` included)."""
    bad = [cmd for cmd, page in {**zh_pages, **en_pages}.items() if "<bool>" in page]
    assert bad == []
    assert "--deterministic" in en_pages["roster solve"]


def test_typer_words_follow_the_language(zh_pages: dict[str, str],
                                         en_pages: dict[str, str]) -> None:
    zh, en = zh_pages["roster solve"], en_pages["roster solve"]
    assert "用法：" in zh and "显示本帮助并退出。" in zh and "[默认：out]" in zh
    assert "Usage:" in en and "Show this message and exit." in en and "[default: out]" in en


@pytest.mark.parametrize("how", ["--lang en", "--lang=en", "env"])
def test_lang_on_the_command_line_sets_the_help(how: str) -> None:
    env = {**os.environ, "COLUMNS": "200", "PYTHONPATH": str(ROOT / "src")}
    env.pop("ASSIGNMENTS_LANG", None)
    args = ["roster", "solve", "--help"]
    if how == "env":
        env["ASSIGNMENTS_LANG"] = "en"
    else:
        args += how.split()
    p = subprocess.run([sys.executable, "-m", "assignments", *args], capture_output=True,
                       text=True, env=env, cwd=ROOT, timeout=120)
    assert p.returncode == 0, p.stderr
    assert "Output folder." in p.stdout and "输出文件夹" not in p.stdout


def test_usage_errors_in_chinese() -> None:
    env = {**os.environ, "COLUMNS": "200", "PYTHONPATH": str(ROOT / "src")}
    env.pop("ASSIGNMENTS_LANG", None)
    p = subprocess.run([sys.executable, "-m", "assignments", "roster", "solve", "x.xlsx",
                        "--time-limit", "abc"], capture_output=True, text=True, env=env,
                       cwd=ROOT, timeout=120)
    assert p.returncode == 2
    assert "'--time-limit' 的值无效：应为数字" in p.stderr
    assert english_runs(BOX.sub(" ", p.stderr)) == []
