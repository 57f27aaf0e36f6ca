"""The pairing tests check the messages in English (the package's msgids), each test in a process
language set explicitly: ``en`` unless the test module says ``LANG = "zh"`` (the Chinese
default is checked there, and in ``tests/cli``). The language is put back to Chinese after
each test (the CLI's ``--lang`` sets it for the whole process)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assignments.core.i18n import set_lang


@pytest.fixture(autouse=True)
def _message_language(request: pytest.FixtureRequest) -> Iterator[None]:
    set_lang(getattr(request.module, "LANG", "en"))
    yield
    set_lang("zh")
