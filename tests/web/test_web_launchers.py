"""The no-terminal launchers at the repository root (``启动网页.bat`` for Windows,
``start-web.sh`` for Linux/macOS): each installs the ``web`` extra on first use and starts the
page; the options they pass must be ones ``assignments web`` accepts, and the extra must exist."""

from __future__ import annotations

import re
import shlex
import tomllib
from pathlib import Path

from typer.testing import CliRunner

from assignments.cli import app

ROOT = Path(__file__).resolve().parents[2]
BAT = ROOT / "启动网页.bat"
SH = ROOT / "start-web.sh"


def _web_args(text: str) -> list[str]:
    """The arguments after ``-m assignments web`` on the launcher's line that starts the page."""
    m = re.search(r"-m assignments web([^\r\n]*)", text)
    assert m, "the launcher does not start `assignments web`"
    return [a for a in shlex.split(m.group(1).replace('"$@"', "")) if a]


def test_launchers_install_the_web_extra_and_start_the_page() -> None:
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))[
        "project"]["optional-dependencies"]
    assert "web" in extras and any(d.startswith("nicegui") for d in extras["web"])
    for path in (BAT, SH):
        text = path.read_text(encoding="utf-8")
        assert 'pip install -e ".[web]"' in text, path.name
        args = _web_args(text)
        # the options exist: typer refuses an unknown one (exit 2) before --help is handled
        r = CliRunner().invoke(app, ["web", *args, "--help"])
        assert r.exit_code == 0, (path.name, args, r.output)


def test_windows_launcher_is_a_crlf_utf8_batch_file() -> None:
    """cmd.exe needs CRLF line ends; the Chinese messages need the UTF-8 code page (chcp 65001)
    before the first echo; the first run makes the venv with the ``py`` launcher or python."""
    raw = BAT.read_bytes()
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    text = raw.decode("utf-8")
    lines = text.splitlines()
    chcp = next(i for i, line in enumerate(lines) if line.startswith("chcp 65001"))
    first_echo = next(i for i, line in enumerate(lines) if line.lstrip().startswith("echo ")
                      and "off" not in line)
    assert chcp < first_echo
    assert "py -m venv .venv" in text and r".venv\Scripts\python.exe" in text


def test_unix_launcher_is_executable_and_strict() -> None:
    assert SH.stat().st_mode & 0o111, "start-web.sh is not executable"
    text = SH.read_text(encoding="utf-8")
    assert text.startswith("#!/bin/sh") and "\nset -e\n" in text
    assert "python3 -m venv .venv" in text  # the venv is made on first use
