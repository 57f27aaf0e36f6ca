"""The rule registry: every DOMAIN rule once, with its key, source, labels and one-line doc.

Each model lists its rules and constraint families in its own ``rules.py``::

    RULES = RuleBook("R", [
        Rule("R4", "DOMAIN §R rule 4", "公布顺序", "published order", True,
             "departments go in the published order, {per_batch} per batch"),
        ...
    ], families=[
        Family("order", "R4", doc="each department fills its turn's seats"),
        ...
    ])

The model builds its families in that order (each family function is looked up by name), the
checker reports :class:`Violation` objects keyed by family or rule, and explanations and
reports print ``RULES.label(key, lang)`` — so a search for ``R4`` finds the model, the checker
and the docs. Texts may carry ``{placeholders}`` that :meth:`RuleBook.describe` fills with the
instance's real figures (a 60 % industry share prints as 60 %).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from assignments.core.i18n import tr, use_lang

__all__ = ["Family", "Rule", "RuleBook", "Violation"]


@dataclass(frozen=True)
class Rule:
    """One rule of DOMAIN.md.

    Attributes
    ----------
    key
        Short key used everywhere (``"R4"``, ``"M5"``, ``"F2"``).
    domain
        Where DOMAIN.md states it (``"DOMAIN §R rule 4"``).
    zh, en
        Short labels in Chinese and English (``"公布顺序"``, ``"published order"``).
    hard
        A hard rule (never broken) or a soft one (an objective level).
    doc
        One line: what the rule asks; may carry ``{placeholders}`` for the instance's figures.
    """

    key: str
    domain: str
    zh: str
    en: str
    hard: bool
    doc: str

    def label(self, lang: str = "zh") -> str:
        """``"R4 公布顺序"`` / ``"R4 published order"``."""
        return f"{self.key} {self.zh if lang == 'zh' else self.en}"


@dataclass(frozen=True)
class Family:
    """A named constraint family of a model: the code that enforces (part of) one rule.

    Attributes
    ----------
    name
        The family's name in the model and the checker (``"order"``).
    rule
        Key of the :class:`Rule` it enforces.
    zh, en
        Optional labels of the family when it is only part of its rule (``"截止期限"``);
        default: the rule's.
    doc
        One line; default: the rule's.
    """

    name: str
    rule: str
    zh: str | None = None
    en: str | None = None
    doc: str | None = None


@dataclass(frozen=True)
class Violation:
    """A broken hard rule: the family (or rule key) and what exactly is wrong."""

    rule: str
    message: str

    def __str__(self) -> str:
        return f"[{self.rule}] {self.message}"


class RuleBook:
    """The rules of one model, and its constraint families in the order the model adds them.

    Parameters
    ----------
    model
        ``"R"``, ``"M"`` or ``"F"``.
    rules
        Every rule of the model's DOMAIN section (and the objective levels, as soft rules).
    families
        The model's constraint families, in build order; each names its rule.
    """

    def __init__(self, model: str, rules: Iterable[Rule], families: Iterable[Family] = ()) -> None:
        self.model = model
        self.rules: dict[str, Rule] = {}
        for r in rules:
            if r.key in self.rules:
                raise ValueError(f"rule {r.key} listed twice")
            self.rules[r.key] = r
        self.families: dict[str, Family] = {}
        for f in families:
            if f.rule not in self.rules:
                raise ValueError(f"family {f.name!r} names unknown rule {f.rule!r}")
            if f.name in self.families:
                raise ValueError(f"family {f.name!r} listed twice")
            self.families[f.name] = f

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules.values())

    def __contains__(self, key: object) -> bool:
        return key in self.rules or key in self.families

    def rule(self, key: str) -> Rule:
        """The rule of a rule key or of a family name."""
        if key in self.rules:
            return self.rules[key]
        if key in self.families:
            return self.rules[self.families[key].rule]
        raise KeyError(f"model {self.model} has no rule or family {key!r}")

    def family(self, name: str) -> Family:
        return self.families[name]

    def hard(self, key: str) -> bool:
        return self.rule(key).hard

    def label(self, key: str, lang: str = "zh") -> str:
        """Label of a rule key or family name: ``"R6 晋升优先"`` or, for a family that is part
        of its rule, ``"R6 晋升优先·截止期限"``."""
        rule = self.rule(key)
        base = rule.label(lang)
        fam = self.families.get(key)
        if fam is not None:
            part = fam.zh if lang == "zh" else fam.en
            if part:
                return f"{base}·{part}" if lang == "zh" else f"{base} ({part})"
        return base

    def describe(self, key: str, figures: Mapping[str, Any] | None = None) -> str:
        """The one-line doc of a rule or family, in the current language (a doc is a catalogue
        msgid, marked ``N_("...")`` where the rule is listed), the instance's ``figures``
        filled in."""
        fam = self.families.get(key)
        text = (fam.doc if fam is not None and fam.doc else None) or self.rule(key).doc
        text = tr(text)
        if figures:
            try:
                return text.format(**figures)
            except (KeyError, IndexError, ValueError):
                return text
        return text

    def table(self, lang: str = "zh", figures: Mapping[str, Any] | None = None
              ) -> list[dict[str, str]]:
        """One row per rule (key, label, hard/soft, source, doc): for the 规则 report sheet."""
        with use_lang(lang if lang in ("zh", "en") else "en"):
            return self._table(lang, figures)

    def _table(self, lang: str, figures: Mapping[str, Any] | None) -> list[dict[str, str]]:
        hard = (tr("hard"), tr("soft"))
        return [
            {
                "key": r.key,
                "label": r.zh if lang == "zh" else r.en,
                "kind": hard[0] if r.hard else hard[1],
                "domain": r.domain,
                "doc": self.describe(r.key, figures),
            }
            for r in self.rules.values()
        ]
