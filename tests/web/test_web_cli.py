"""``assignments web``: the address, the warning when it is not loopback, the browser switch."""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("nicegui", reason="the web page needs the 'web' extra (NiceGUI)")
from typer.testing import CliRunner

from assignments.cli import app
from assignments.web import is_loopback


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """``ui.run`` and the page registration replaced: the command's arguments are recorded."""
    from nicegui import ui

    import assignments.web.app as web_app

    seen: list[dict[str, Any]] = []
    monkeypatch.setattr(ui, "run", lambda **kw: seen.append(kw))
    monkeypatch.setattr(web_app, "build", lambda: None)
    return seen


def test_default_is_loopback_8080_opening_the_browser(calls: list[dict[str, Any]]) -> None:
    res = CliRunner().invoke(app, ["web"])
    assert res.exit_code == 0, res.output
    assert calls and calls[0]["host"] == "127.0.0.1" and calls[0]["port"] == 8080
    assert calls[0]["show"] is True and calls[0]["language"] == "zh-CN"
    assert "警告" not in res.output and "http://127.0.0.1:8080/" in res.output


def test_other_host_warns_and_no_browser(calls: list[dict[str, Any]]) -> None:
    res = CliRunner().invoke(app, ["web", "--host", "0.0.0.0", "--port", "9001",
                                   "--no-browser"])
    assert res.exit_code == 0, res.output
    assert calls[0]["host"] == "0.0.0.0" and calls[0]["port"] == 9001
    assert calls[0]["show"] is False
    assert "警告" in res.output and "没有登录" in res.output


def test_bad_port_is_a_user_mistake(calls: list[dict[str, Any]],
                                    monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    from assignments.cli import main

    monkeypatch.setattr("sys.argv", ["assignments", "web", "--port", "70000"])
    with pytest.raises(SystemExit) as ex:
        main()
    assert ex.value.code == 2 and not calls
    err = capsys.readouterr().err
    assert "--port" in err and "70000" in err and "Traceback" not in err


@pytest.mark.parametrize(("host", "loop"), [("127.0.0.1", True), ("localhost", True),
                                            ("::1", True), ("127.0.0.2", True),
                                            ("0.0.0.0", False), ("192.168.1.5", False),
                                            ("example.org", False)])
def test_is_loopback(host: str, loop: bool) -> None:
    assert is_loopback(host) is loop
