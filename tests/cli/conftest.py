"""The command line tests run commands in this process too (typer's CliRunner), and ``--lang``
sets the language of the whole process: it is put back to Chinese, the default, after each
test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assignments.core.i18n import set_lang


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    set_lang("zh")
    yield
    set_lang("zh")
