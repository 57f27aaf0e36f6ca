"""``@speaks_lang``: run a function of the roster package in the language of its ``lang``
argument, so the :func:`~assignments.core.i18n.tr` calls inside (and in what it calls) follow
it. Called without ``lang`` (or with ``None``), the function gets the current language
(:func:`~assignments.core.i18n.current_lang`: Chinese unless ``--lang en`` or ``use_lang``)."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar, cast

from assignments.core.i18n import current_lang, use_lang

F = TypeVar("F", bound=Callable[..., Any])

__all__ = ["speaks_lang"]


def speaks_lang(fn: F) -> F:
    """Decorate a function with a ``lang`` parameter: its body runs ``with use_lang(lang)``."""
    sig = inspect.signature(fn)

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        bound = sig.bind_partial(*args, **kwargs)
        lang = bound.arguments.get("lang") or current_lang()
        bound.arguments["lang"] = lang
        with use_lang(lang):
            return fn(*bound.args, **bound.kwargs)

    return cast(F, wrapper)
