"""Fixtures of the web page tests: NiceGUI's browser-free ``user`` (run with anyio, which pytest
already has through NiceGUI's dependencies), the pages of ``web_main.py``."""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

MAIN = Path(__file__).with_name("web_main.py")


@pytest.fixture(autouse=True)
def _process_language() -> Iterator[None]:
    """``solve_job`` sets its (worker) process's language; tests that call it in-process get
    the language back afterwards."""
    from assignments.core.i18n import current_lang, set_lang

    before = current_lang()
    yield
    set_lang(before)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def user() -> AsyncIterator[Any]:
    """A simulated browser on the pages (NiceGUI's ``user`` fixture, made here so that the
    tree needs no pytest-asyncio)."""
    from nicegui import app
    from nicegui.storage import Storage
    from nicegui.testing.user_simulation import user_simulation

    Storage.path = Path(tempfile.mkdtemp(prefix="nicegui-test-storage-")).resolve()
    app.storage = Storage()
    os.environ.setdefault("MPLBACKEND", "Agg")
    async with user_simulation(main_file=MAIN) as u:
        yield u


async def wait_until(check: Callable[[], Any], timeout: float = 180.0,
                     every: float = 0.3) -> Any:
    """Poll ``check`` (the page's timer runs meanwhile) until it returns something truthy."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while True:
        value = check()
        if value:
            return value
        if loop.time() > end:
            raise AssertionError(f"not reached within {timeout} s")
        await asyncio.sleep(every)


def another_user() -> Any:
    """A second browser on the same server (inside the ``user`` fixture's simulation)."""
    import httpx
    from nicegui import core
    from nicegui.testing.user import User

    return User(httpx.AsyncClient(transport=httpx.ASGITransport(core.app),
                                  base_url="http://test"))
