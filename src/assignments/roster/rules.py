"""The rules of the rotation roster (DOMAIN §R), each once: key, source, labels, hard/soft, doc.

The model (:mod:`assignments.roster.model`) builds its constraint families in the order of
``RULES.families`` (one small function per family); the checker
(:mod:`assignments.roster.solution`) reports :class:`~assignments.core.rules.Violation` objects
keyed by rule (``"R4"``); explanations and reports print ``RULES.label(key, lang)``. The
objective levels are soft rules ``R-obj1`` … ``R-obj5``; each level is also a family named as
the level (``"fairness"``), so ``RULES.label("fairness")`` works too.

======  ==========================  ===============================================
key     families                    where
======  ==========================  ===============================================
R1      seats                       DOMAIN §R hard rule 1
R2      availability                hard rule 2 (whole quarter)
R3      —                           hard rule 3 (handover day; checker only: the
                                    calendar fixes the days)
R4      order                       hard rule 4 (published order)
R5      —                           hard rule 5 (deferrals: the turn schedule;
                                    checker and :mod:`~assignments.roster.schedule`)
R6      pull, deadline              hard rule 6 (promotion priority)
R7      once, consecutive           hard rule 7
R8      title                       hard rule 8 (soft when the policy says so)
R9      frozen                      §R Changes (re-planning keeps published quarters)
R10     redispatch                  §R Duties (3 items failed: dispatched again)
R11     — (level ``fairness``)      objective 4 "nobody goes again while an equally
                                    available colleague has gone fewer times" (checker:
                                    :func:`~assignments.roster.solution.fair_turns`)
RD1–4   —                           §R Duties: the duty calendars (checker only:
                                    :func:`~assignments.roster.duties.check_duties`)
======  ==========================  ===============================================
"""

from __future__ import annotations

from typing import Any

from assignments.core.i18n import current_lang, tr
from assignments.core.rules import Family, Rule, RuleBook

__all__ = ["LEVEL_RULES", "RULES", "describe", "figures", "label", "level_label", "source"]

RULES = RuleBook(
    "R",
    [
        Rule("R1", tr("DOMAIN §R hard rule 1", lang="en"), "席位", "seats", True,
             tr("every center receives exactly its seats each quarter ({seats} a quarter)",
                lang="en")),
        Rule("R2", tr("DOMAIN §R hard rule 2", lang="en"), "整季轮换", "whole quarter", True,
             tr("one person serves one whole quarter at one center; nobody serves a quarter that "
             "overlaps their unavailable days", lang="en")),
        Rule("R3", tr("DOMAIN §R hard rule 3", lang="en"), "交接日", "handover", True,
             tr("a quarter runs from its handover day (first Monday, or the next working day) to "
             "the day before the next handover", lang="en")),
        Rule("R4", tr("DOMAIN §R hard rule 4", lang="en"), "下乡排序", "published order", True,
             tr("departments serve in the published order, each turn its turn size, cut into "
             "groups of {seats} seats a quarter", lang="en")),
        Rule("R5", tr("DOMAIN §R hard rule 5", lang="en"), "后延申请", "deferral", True,
             tr("one deferral per department per cycle: 'next' (the next batch: the first later "
             "quarter in which other departments serve) or 'last' (end of the cycle); a request "
             "that would change nobody's seats is not needed and does not use the deferral",
                lang="en")),
        Rule("R6", tr("DOMAIN §R hard rule 6", lang="en"), "晋升优先", "promotion", True,
             tr("a promotion candidate may be pulled forward into a seat of the department whose "
             "turn it is, and counts towards their own department's turn, where the giving "
             "department fills the seat so freed; a deadline is kept", lang="en")),
        Rule("R7", tr("DOMAIN §R hard rule 7", lang="en"), "每轮一次", "once per cycle", True,
             tr("a person serves at most once per cycle and never in two consecutive quarters",
                lang="en")),
        Rule("R8", tr("DOMAIN §R hard rule 8", lang="en"), "职称结构", "title mix", True,
             tr("at least {title_need} of each center's seats in a quarter hold a {titles} title "
             "({title_kind})", lang="en")),
        Rule("R9", tr("DOMAIN §R Changes", lang="en"), "已公布季度", "frozen quarters", True,
             tr("re-planning keeps the quarters already started or announced exactly as "
             "published", lang="en")),
        Rule("R10", tr("DOMAIN §R Duties and assessment", lang="en"), "重新下乡", "re-dispatch",
             True,
             tr("a person re-dispatched after the assessment serves once more, in a seat given "
             "by the department whose turn it is when their own department has no turn; the "
             "seat is paid back at their own department's next turn; a person is re-dispatched "
             "once in a re-plan (a second 重新下乡 event is refused)", lang="en")),
        Rule("R11", tr("DOMAIN §R objective 4", lang="en"), "公平派遣", "fair turns", False,
             tr("nobody is sent two or more times more (past and planned rotations) than an "
             "equally available colleague of the same department, title and specialty "
             "(checker; an optimal roster with fairness ranked before changes keeps it)",
                lang="en")),
        Rule("R-obj1", tr("DOMAIN §R objective 1", lang="en"), "晋升", "promotion", False,
             tr("promotion candidates served before their deadline and as early as possible",
                lang="en")),
        Rule("R-obj2", tr("DOMAIN §R objective 2", lang="en"), "顺序偏离", "departures", False,
             tr("fewest seats moved away from the published order (deferrals, pull-forwards)",
                lang="en")),
        Rule("R-obj3", tr("DOMAIN §R objective 3", lang="en"), "职称与特色", "mix", False,
             tr("title mix (weight {title_weight} a missing seat) and the centers' requested "
             "specialties", lang="en")),
        Rule("R-obj4", tr("DOMAIN §R objective 4", lang="en"), "公平", "fairness", False,
             tr("inside a department, who has served least — past rotations (下乡次数) and those "
             "planned in this roster — goes first, then who served longest ago", lang="en")),
        Rule("R-obj5", tr("DOMAIN §R objective 5", lang="en"), "变更", "changes", False,
             tr("when re-planning, fewest changes to the published roster", lang="en")),
        # the duty calendars (roster duties; checker: duties.check_duties)
        Rule("RD1", tr("DOMAIN §R Duties", lang="en"), "授课安排", "teaching plan", True,
             tr("one teaching session for each full teaching interval (授课间隔天数) of the "
             "rotation, on working days, consecutive sessions at least the minimum gap apart",
                lang="en")),
        Rule("RD2", tr("DOMAIN §R Duties", lang="en"), "查房安排", "ward-round plan", True,
             tr("exactly one ward round in each calendar week (Monday–Sunday) of the rotation that "
             "has a working day from its third day, never two in one week", lang="en")),
        Rule("RD3", tr("DOMAIN §R Duties", lang="en"), "授课错开", "staggered teaching", True,
             tr("the people at one center in one quarter teach on different days", lang="en")),
        Rule("RD4", tr("DOMAIN §R Duties", lang="en"), "调整说明", "move note", True,
             tr("a duty held off its target day says 顺延自 when held later, 提前自 when earlier",
                lang="en")),
    ],
    families=[
        # hard families, in the order the model builds them (see model.FAMILIES)
        Family("seats", "R1"),
        Family("availability", "R2", doc=tr("nobody serves a quarter that overlaps their "
               "unavailable days", lang="en")),
        Family("order", "R4", doc=tr("each department fills its turn's seats, less seats given "
               "to or credited for pulled-forward promotion candidates", lang="en")),
        Family("pull", "R6", zh="席位调换", en="seat ledger",
               doc=tr("a pulled-forward candidate takes a seat of the department whose turn it "
               "is and counts towards their own department's next turn", lang="en")),
        Family("deadline", "R6", zh="截止期限", en="deadline",
               doc=tr("a candidate serves by their deadline", lang="en")),
        Family("once", "R7", doc=tr("a person serves at most once per cycle", lang="en")),
        Family("consecutive", "R7", zh="不连续", en="consecutive",
               doc=tr("never two consecutive quarters", lang="en")),
        Family("title", "R8"),
        Family("frozen", "R9"),
        Family("redispatch", "R10"),
        # soft families: the objective levels (named as the levels)
        Family("promotion", "R-obj1"),
        Family("departures", "R-obj2"),
        Family("mix", "R-obj3"),
        Family("specialty", "R-obj3", zh="特色专科", en="specialty",
               doc=tr("a center's requested specialty is present each quarter", lang="en")),
        Family("fairness", "R-obj4"),
        Family("changes", "R-obj5"),
    ],
)

LEVEL_RULES: dict[str, str] = {
    "promotion": "R-obj1",
    "departures": "R-obj2",
    "mix": "R-obj3",
    "fairness": "R-obj4",
    "changes": "R-obj5",
}
"""Objective level name -> its soft rule."""


def label(key: str, lang: str = "en") -> str:
    """``RULES.label`` for a rule key or family, the key itself for anything else (``"data"``:
    a record the checker cannot place)."""
    return RULES.label(key, lang) if key in RULES else key


def level_label(level: str, lang: str | None = None) -> str:
    """A level's short name without its key (``"公平"``, ``"fairness"``), in ``lang`` (default:
    the current language)."""
    rule = RULES.rule(LEVEL_RULES[level]) if level in LEVEL_RULES else None
    if rule is None:
        return level
    return rule.zh if (lang or current_lang()) == "zh" else rule.en


def describe(key: str, data: Any) -> str:
    """A rule's (or family's) one-line doc in the current language, with ``data``'s figures
    (the docs are English msgids of the catalogue, marked ``tr(..., lang="en")`` above: the
    registry keeps the English, shown in the current language here)."""
    return RULES.describe(key, figures(data))


def source(key: str) -> str:
    """Where a rule comes from (``DOMAIN §R hard rule 1``), in the current language."""
    return tr(RULES.rule(key).domain)


def figures(data: Any) -> dict[str, Any]:
    """The instance's figures that the rule docs quote (``{seats}``, ``{title_need}``, ...), in
    the current language."""
    rule = data.policy.title_rule
    return {
        "seats": data.seats_per_quarter,
        "quarters": data.policy.quarters,
        "titles": "/".join(t.value for t in rule.titles),
        "title_need": (tr("a majority") if rule.minimum is None else str(rule.minimum)),
        "title_kind": tr("hard") if data.policy.title_mix_hard else tr("soft"),
        "title_weight": data.policy.title_weight,
    }
