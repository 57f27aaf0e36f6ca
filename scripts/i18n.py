"""Keep the message catalogue in step with the code.

    python scripts/i18n.py update [DOMAIN ...]   # add new tr() msgids to locale/zh/*.po
    python scripts/i18n.py check  [DOMAIN ...]   # list msgids without Chinese; exit 1 if any

Every ``tr("...")`` call of ``src/assignments`` is extracted with Babel (keyword ``tr``; and
``trc("context", "...")``: a msgid with a ``msgctxt``); a file
belongs to the domain of its model folder (``core`` otherwise). ``update`` keeps every
translation already made, adds the new msgids with an empty translation (to fill in), and marks
msgids no longer in the code as obsolete (``#~``) so nothing made is lost.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "assignments"
sys.path.insert(0, str(ROOT / "src"))

from assignments.core.i18n import DOMAINS, LOCALE_DIR, domain_of  # noqa: E402

Key = tuple[str, str | None]  # (msgid, context)


def extract() -> dict[str, dict[Key, list[tuple[str, int]]]]:
    """domain → (msgid, context) → [(file, line)]."""
    out: dict[str, dict[Key, list[tuple[str, int]]]] = defaultdict(lambda: defaultdict(list))
    # Babel warns of every f-string among a call's arguments; the fields passed to tr() are
    # often f-strings (figures formatted), which is right. A msgid that is not a literal is
    # caught by tests/core/test_i18n.py instead.
    import babel.messages.extract as bx

    bx._warn_skipped_fstring = lambda *_a, **_k: None  # type: ignore[attr-defined]
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC)
        for lineno, msg, _comments, ctx in extract_from_file(
                "python", str(path), keywords={"tr": None, "N_": None, "trc": ((1, "c"), 2)}):
            if isinstance(msg, str) and msg:
                out[domain_of(rel)][(msg, ctx or None)].append((str(rel), lineno))
    return out


def po_path(domain: str) -> Path:
    return LOCALE_DIR / "zh" / "LC_MESSAGES" / f"{domain}.po"


def load(domain: str) -> Catalog:
    p = po_path(domain)
    if p.exists():
        with p.open("rb") as fh:
            return read_po(fh, locale="zh")
    return Catalog(locale="zh", domain=domain, project="assignments")


def _made_anywhere() -> dict[Key, str]:
    """Every translation made in any domain, obsolete ones included (a message that moved to
    another domain's file keeps its Chinese)."""
    made: dict[Key, str] = {}
    for d in DOMAINS:
        cat = load(d)
        for msg in [*cat, *cat.obsolete.values()]:
            if isinstance(msg.id, str) and msg.id and isinstance(msg.string, str) and msg.string:
                made.setdefault((msg.id, msg.context or None), msg.string)
    return made


def update(domains: list[str]) -> None:
    found = extract()
    made = _made_anywhere()
    for d in domains:
        cat = load(d)
        new = Catalog(locale="zh", domain=d, project="assignments")
        for (msgid, ctx), where in sorted(found.get(d, {}).items(),
                                          key=lambda kv: (kv[0][0], kv[0][1] or "")):
            old = cat.get(msgid, context=ctx)
            text = old.string if old is not None and old.string else made.get((msgid, ctx), "")
            new.add(msgid, text, locations=where, context=ctx)
        for msg in cat:
            if msg.id and (msg.id, msg.context or None) not in found.get(d, {}) and msg.string:
                new.obsolete[msg.id] = msg
        po_path(d).parent.mkdir(parents=True, exist_ok=True)
        with po_path(d).open("wb") as fh:
            write_po(fh, new, width=100, sort_output=True, include_previous=False)
        todo = sum(1 for m in new if m.id and not m.string)
        print(f"{d}: {len(found.get(d, {}))} messages, {todo} without Chinese -> {po_path(d)}")


def check(domains: list[str]) -> int:
    found = extract()
    bad = 0
    for d in domains:
        cat = load(d)
        for (msgid, ctx), where in sorted(found.get(d, {}).items(),
                                          key=lambda kv: (kv[0][0], kv[0][1] or "")):
            m = cat.get(msgid, context=ctx)
            if m is None or not m.string:
                bad += 1
                what = f"{msgid!r} (context {ctx!r})" if ctx else repr(msgid)
                print(f"{d}: no Chinese for {what} ({where[0][0]}:{where[0][1]})")
    return 1 if bad else 0


if __name__ == "__main__":
    cmd, *ds = sys.argv[1:] or ["check"]
    doms = ds or list(DOMAINS)
    if cmd == "update":
        update(doms)
    elif cmd == "check":
        sys.exit(check(doms))
    else:
        sys.exit(__doc__)
