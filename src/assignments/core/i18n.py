"""One message catalogue: every sentence a person reads, in Chinese (default) and English.

A message is written in the code once, in English, as a gettext msgid marked with :func:`tr`::

    tr("{department} has {n} available staff in {quarter}", department=d, n=3, quarter=q)

Its Chinese lives in ``src/assignments/locale/zh/LC_MESSAGES/<domain>.po`` (one file per part of
the package: ``core``, ``roster``, ``mentoring``, ``funding``, ``pairing``; see :func:`domain_of`),
read with Babel's ``.po`` reader at first use and merged into one table. ``scripts/i18n.py``
extracts every ``tr(...)`` msgid of a domain and adds the new ones to its ``.po`` file (keeping
the translations made); ``tests/core/test_i18n.py`` fails when a msgid has no Chinese or when a
translation loses or invents a ``{placeholder}``.

The language is Chinese by default: the CLI sets it for the process from ``--lang``
(:func:`set_lang`, called by ``core.cli.check_lang``); ``with use_lang("en"):`` overrides it in
one context (a model function with a ``lang`` parameter wraps its work so); ``lang=`` overrides
it for one :func:`tr` call.
Placeholders are ``str.format`` fields, filled only when arguments are given (a msgid without
arguments keeps its braces as written). A msgid missing from the catalogue is shown in English
and remembered in :data:`MISSING` (the tests assert it stays empty).
"""

from __future__ import annotations

import contextvars
import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["CONTEXT_SEP", "ENV_VAR", "LANGS", "LOCALE_DIR", "MISSING", "N_", "current_lang",
           "domain_of", "lang_from_argv", "set_lang", "tr", "trc", "use_lang"]

LANGS = ("zh", "en")
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAINS = ("core", "roster", "mentoring", "funding", "pairing", "plots", "web", "knapsack")
MISSING: set[str] = set()
CONTEXT_SEP = "\x04"
"""Between a message's context and its msgid in the tables (gettext's own ``.mo`` convention)."""
ENV_VAR = "ASSIGNMENTS_LANG"
"""The environment variable giving the command line's language when ``--lang`` is not given."""

# the process-wide language (set by the CLI's --lang; seen by every thread) and a context
# override (use_lang: one call, one task); a new process (a scenario's worker) starts in
# Chinese, so code that sends work to other processes passes the language along.
_PROCESS = ["zh"]
_LANG: contextvars.ContextVar[str | None] = contextvars.ContextVar("assignments_lang",
                                                                   default=None)


def current_lang() -> str:
    """The language messages are produced in now (``zh`` unless set)."""
    return _LANG.get() or _PROCESS[0]


def set_lang(lang: str) -> None:
    """Set the language of this process (the CLI's ``--lang``)."""
    if lang not in LANGS:
        raise ValueError(f"language must be one of {', '.join(LANGS)}, got {lang!r}")
    _PROCESS[0] = lang


def lang_from_argv(argv: Sequence[str] | None = None,
                   environ: Mapping[str, str] | None = None) -> str:
    """The language a command line asks for, read before it is parsed (help texts are built
    when the command modules are imported): the last ``--lang X`` / ``--lang=X`` of ``argv``
    (default ``sys.argv``), else ``$ASSIGNMENTS_LANG``, else ``zh``. A value that is not a
    language gives ``zh`` here (the parsed ``--lang`` then reports it)."""
    argv = sys.argv[1:] if argv is None else argv
    environ = os.environ if environ is None else environ
    found: str | None = None
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(argv):
            found = argv[i + 1]
        elif arg.startswith("--lang="):
            found = arg.partition("=")[2]
    if found is None:
        found = environ.get(ENV_VAR, "")
    found = found.strip().lower()
    return found if found in LANGS else "zh"


@contextmanager
def use_lang(lang: str | None) -> Iterator[str]:
    """``with use_lang("en"): ...`` — messages inside in that language (None: unchanged)."""
    if lang is None:
        yield current_lang()
        return
    if lang not in LANGS:
        raise ValueError(f"language must be one of {', '.join(LANGS)}, got {lang!r}")
    token = _LANG.set(lang)
    try:
        yield lang
    finally:
        _LANG.reset(token)


def domain_of(path: Path | str) -> str:
    """The catalogue domain of a source file: ``plots`` for the plot modules (``plot.py``,
    ``core/plotting.py``), else its model folder, else ``core``."""
    parts = Path(path).parts
    if parts and (parts[-1] == "plot.py" or parts[-2:] == ("core", "plotting.py")):
        return "plots"
    for d in DOMAINS:
        if d in parts:
            return d
    return "core"


@cache
def domain_tables(lang: str) -> dict[str, dict[str, str]]:
    """domain → (msgid → translation) for ``lang`` (empty translations left out)."""
    if lang == "en":
        return {}
    from babel.messages.pofile import read_po

    tables: dict[str, dict[str, str]] = {}
    folder = LOCALE_DIR / lang / "LC_MESSAGES"
    for d in DOMAINS:
        po = folder / f"{d}.po"
        if not po.exists():
            continue
        with po.open("rb") as fh:
            cat = read_po(fh, locale=lang)
        tables[d] = {(f"{msg.context}{CONTEXT_SEP}{msg.id}" if msg.context else msg.id):
                     msg.string for msg in cat
                     if msg.id and isinstance(msg.id, str) and isinstance(msg.string, str)
                     and msg.string}
    return tables


@cache
def catalogue(lang: str) -> dict[str, str]:
    """msgid → translation for ``lang`` over every domain (the first domain in
    :data:`DOMAINS` order that translates a msgid gives its entry)."""
    table: dict[str, str] = {}
    for t in domain_tables(lang).values():
        for k, v in t.items():
            table.setdefault(k, v)
    return table


@cache
def _module_domain(module: str) -> str:
    parts = module.split(".")
    return domain_of(Path(*parts[1:]).with_suffix(".py") if len(parts) > 1 else Path(module))


def tr(msgid: str, /, *, lang: str | None = None, **fields: Any) -> str:
    """``msgid`` in the current language (or ``lang``), its ``{fields}`` filled. A msgid is
    looked up in the catalogue of the calling module's domain first (the same short msgid may
    read differently in two domains: a separator, a word), then in every domain."""
    lang = lang or current_lang()
    text = msgid
    if lang != "en":
        caller = sys._getframe(1).f_globals.get("__name__", "")
        found = domain_tables(lang).get(_module_domain(caller), {}).get(msgid)
        if found is None:
            found = catalogue(lang).get(msgid)
        if found is None:
            MISSING.add(msgid)
        else:
            text = found
    return text.format(**fields) if fields else text


def trc(context: str, msgid: str, /, *, lang: str | None = None, **fields: Any) -> str:
    """:func:`tr` with a context (gettext's ``msgctxt``, written ``msgctxt`` in the ``.po``):
    for the same English word read two ways in Chinese within one domain — the column header
    ``event`` is 事件内容 in the changes sheet and 内容 in the events sheet::

        trc("changes sheet", "event")   # 事件内容; "event" in English

    English shows ``msgid``; the context is never shown."""
    lang = lang or current_lang()
    text = msgid
    if lang != "en":
        caller = sys._getframe(1).f_globals.get("__name__", "")
        key = f"{context}{CONTEXT_SEP}{msgid}"
        found = domain_tables(lang).get(_module_domain(caller), {}).get(key)
        if found is None:
            found = catalogue(lang).get(key)
        if found is None:
            MISSING.add(key)
        else:
            text = found
    return text.format(**fields) if fields else text


def N_(msgid: str, /) -> str:
    """Mark ``msgid`` for the catalogue without translating it now (``scripts/i18n.py``
    extracts ``N_("...")`` like ``tr("...")``): for texts kept in data made at import (a rule's
    doc) and translated where they are shown, with ``tr(text)``."""
    return msgid
