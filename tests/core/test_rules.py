"""The rule registry: keys, labels in both languages, figures filled in, refusal of mistakes."""

from __future__ import annotations

import pytest

from assignments.core.rules import Family, Rule, RuleBook, Violation

BOOK = RuleBook(
    "F",
    [
        Rule("F2", "DOMAIN §F rule 2", "产业占比", "industry share", True,
             "at least {industry_share:g}% of central linkage funds go to industry"),
        Rule("F4", "DOMAIN §F rule 4", "覆盖目标", "coverage", False, "coverage targets"),
    ],
    families=[Family("industry_share", "F2"), Family("coverage", "F4", zh="缺口", en="shortfall")],
)


def test_labels_by_key_and_family() -> None:
    assert BOOK.label("F2") == "F2 产业占比"
    assert BOOK.label("industry_share", "en") == "F2 industry share"
    assert BOOK.label("coverage") == "F4 覆盖目标·缺口"
    assert BOOK.label("coverage", "en") == "F4 coverage (shortfall)"
    assert BOOK.hard("industry_share") and not BOOK.hard("F4")
    assert "F2" in BOOK and "industry_share" in BOOK and "F9" not in BOOK


def test_figures_are_the_instances() -> None:
    """A 60 % industry share prints as 60 %, not the default 55 %."""
    assert BOOK.describe("F2", {"industry_share": 60}) == (
        "at least 60% of central linkage funds go to industry")
    assert BOOK.table("zh", {"industry_share": 60})[0]["doc"].startswith("at least 60%")
    assert BOOK.table("zh")[1]["kind"] == "软性"


def test_mistakes_in_a_book_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown rule"):
        RuleBook("X", [], families=[Family("a", "X1")])
    r = Rule("X1", "", "甲", "a", True, "")
    with pytest.raises(ValueError, match="twice"):
        RuleBook("X", [r, r])
    with pytest.raises(KeyError):
        BOOK.rule("nothing")


def test_violation_text() -> None:
    assert str(Violation("F2", "48% < 60%")) == "[F2] 48% < 60%"
