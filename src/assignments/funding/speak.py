"""The language of a funding function: :func:`speaks` runs a function that takes ``lang`` in
that language (:func:`assignments.core.i18n.use_lang`), so every :func:`~assignments.core.i18n.tr`
inside it — and in the helpers it calls — speaks it; ``lang=None`` (the default) keeps the
language in force (the CLI's ``--lang``, Chinese by default)."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from assignments.core.i18n import use_lang

__all__ = ["speaks", "status_text"]

P = ParamSpec("P")
R = TypeVar("R")


def speaks(fn: Callable[P, R]) -> Callable[P, R]:
    """Run ``fn`` in the language of its ``lang`` argument; ``fn`` sees ``lang`` as the language
    in force (never None)."""
    sig = inspect.signature(fn)

    @functools.wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        bound = sig.bind_partial(*args, **kwargs)
        lang = bound.arguments.get("lang")
        with use_lang(lang) as now:
            bound.arguments["lang"] = now
            return fn(*bound.args, **bound.kwargs)

    return run


def status_text(status: object) -> str:
    """A solve status (``optimal``, ``feasible`` …, as ``result.json`` keeps it for programs)
    in the current language, for people (``最优``)."""
    from assignments.core.i18n import tr

    value = getattr(status, "value", status)
    words = {"optimal": tr("optimal"), "feasible": tr("feasible (not proven optimal)"),
             "infeasible": tr("infeasible"), "unknown": tr("no plan found"),
             "invalid": tr("invalid model"), "failed": tr("failed"),
             "not reached": tr("not reached"), "constant": tr("constant"),
             "weighted": tr("weighted")}
    return words.get(str(value), str(value))
