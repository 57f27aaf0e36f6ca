"""The rules of mentor pairing (DOMAIN §M), once: keys, labels, hard/soft, one-line docs.

Every rule of DOMAIN §M has a key (``M1`` … ``M6``), the objective levels are the soft rules
``MO1`` … ``MO3``, and ``M0`` names the candidate pairs as a whole (a pair exists only when it
passes every pair filter). The families are the code that enforces (part of) a rule:

* the **candidate filters** of :mod:`assignments.mentoring.candidates` (``mentee``,
  ``mentor``, ``subject``, ``experience``, ``travel``, ``observation``, ``pair_hours``,
  ``forbidden``), applied in that order (:data:`candidates.PAIR_FILTERS`);
* the **model families** of the pairing model (``allowed``, ``one_mentor``, ``heads``,
  ``hours``, ``forced``, and the levels ``mandatory``, ``quality``, ``fairness`` with its terms
  ``balance`` and ``drain``); the generic checker reports violations under these names;
* the teacher checker's own parts (``continuity``);
* the school modes' checkers (:mod:`assignments.mentoring.schools`): ``MS`` school-to-school
  pairing and 1+1+1 groups, ``MP`` teacher placement (DOMAIN §M "also in scope").

The checker (:func:`assignments.mentoring.solution.check`) reports :class:`Violation` objects
keyed by rule key; explanations and reports print ``RULES.label(key_or_family, lang)`` and
``RULES.describe(key, figures(data.policy))`` — so a search for ``M4`` finds the filter, the
checker, the explanations and docs/mentoring.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from assignments.core.i18n import current_lang, tr
from assignments.core.rules import Family, Rule, RuleBook

if TYPE_CHECKING:
    from assignments.mentoring.data import Policy

__all__ = ["RULES", "figures", "label", "rule_doc"]

RULES = RuleBook(
    "M",
    [
        Rule("M0", "DOMAIN §M rules 1–6 (the pair filters together)", "可结对", "allowed pair",
             True,
             "a pair exists only when the mentee needs a mentor (M1), the mentor may mentor and "
             "is more experienced (M2), teaches the subject (M3), can observe and be observed "
             "(M4), has the hours for the pair (M5) and the pair is not forbidden (M6)"),
        Rule("M1", "DOMAIN §M rule 1", "必须有师傅", "who must have a mentor", True,
             "fewer than {novice_years} years of teaching, newly transferred (新调入) or "
             "needing upgrading (需提升): must have a mentor; 申请导师 = 是: may have one; one "
             "mentor each"),
        Rule("M2", "DOMAIN §M rule 2", "师傅资格", "who may mentor", True,
             "学科带头人, 教学能手, 骨干教师 or ≥ {experience_threshold} years of teaching "
             "(可任师傅 overrides), not a mentee this semester, and ≥ {min_gap} more years of "
             "teaching than the mentee"),
        Rule("M3", "DOMAIN §M rule 3", "同学科", "same subject", True,
             "the mentor teaches one of the mentee's subjects ({subject_rule_text})"),
        Rule("M4", "DOMAIN §M rule 4", "可以听课", "observation possible", True,
             "the mentor observes ≥ {mentor_observations} of the mentee's lessons and the mentee "
             "≥ {mentee_observations} of the mentor's in {semester_weeks} teaching weeks (free "
             "periods × weeks); a cross-school pair needs travel ≤ {max_travel} min or a "
             "partner link, and a period counts (and is suggested) only when the observer's "
             "own lessons leave the one-way travel free before and after it (periods of "
             "{lesson_minutes} min, {break_minutes} min apart)"),
        Rule("M5", "DOMAIN §M rule 5", "带徒容量", "capacity", True,
             "at most 带徒上限 mentees (default {capacity_default}) and 指导时数上限 hours "
             "(default {hours_default} h) per mentor; a pair takes {pair_minutes} min in a "
             "school, plus {trips} round trips of the mentor and {mentee_trips} of the mentee "
             "across schools"),
        Rule("M6", "DOMAIN §M rule 6", "指定、禁止与延续", "forced, forbidden, continuity",
             True,
             "指定结对 pairs are kept, 禁止结对 pairs never made; last year's pair (not rated 差) "
             "{continuity_text}"),
        Rule("MS", "DOMAIN §M also in scope: school-to-school pairing", "学校结对",
             "school pairing", True,
             "a helper school (帮扶, or urban and not weak) and a helped one (受援, or rural and "
             "weak), one to one or as 1+1+1 groups (高职 + 示范中职 → 中职): categories match, "
             "travel within the limit or a partner link, each helped school one helper (group), "
             "a helper within its 可结对数; the same stage ({school_stage_text})"),
        Rule("MP", "DOMAIN §M also in scope: teacher placement", "支教挂职", "teacher placement",
             True,
             "a volunteer (支教意向 = 是) of the subject from another school fills a 支教需求 row "
             "for its term and grade band ({direction_text}); each teacher placed once; no row "
             "over its number"),
        Rule("MO1", "DOMAIN §M objective (first level)", "必须结对优先",
             "mandatory mentees first", False,
             "every mandatory mentee (M1) paired when at all possible: fewest left unpaired"),
        Rule("MO2", "DOMAIN §M objective (second level)", "结对质量", "pair quality", False,
             "the most quality points: grade band, mentor level, experience gap "
             "{gap_low}–{gap_high} years, rural and weak schools, timetable room, continuity, "
             "wishes, the same school ({same_school} points) then the nearest (up to {near}), "
             "minus related subjects"),
        Rule("MO3", "DOMAIN §M objective (third level)", "公平", "fairness", False,
             "balanced mentor loads (n(n−1)/2 per mentor with n mentees) and no school drained "
             "(pairs given to other schools beyond {drain_share} % of its mentor capacity)"),
    ],
    families=[
        # candidate filters, in the order candidates.py applies them
        Family("mentee", "M1", "徒弟", "mentee",
               "mandatory mentees, teachers asking for a mentor, forced pairs' mentees"),
        Family("mentor", "M2", "资格", "qualified",
               "a role, ≥ {experience_threshold} years or 可任师傅 = 是; not a mentee; "
               "带徒上限 > 0"),
        Family("subject", "M3", None, None,
               "the mentor teaches one of the mentee's subjects ({subject_rule_text})"),
        Family("experience", "M2", "教龄差", "more experienced",
               "the mentor has ≥ {min_gap} more years of teaching than the mentee"),
        Family("travel", "M4", "路程", "travel",
               "a cross-school pair needs travel ≤ {max_travel} min or a partner link"),
        Family("observation", "M4", "课表", "timetable",
               "free periods × {semester_weeks} weeks ≥ {mentor_observations} (mentor observes) "
               "and ≥ {mentee_observations} (mentee observes)"),
        Family("obs_travel", "M4", "听课路程", "time to travel",
               "a suggested period is a lesson of the observed teacher, and the observer "
               "teaches neither then nor within the one-way travel time before or after it"),
        Family("pair_hours", "M5", "单对时数", "hours of the pair",
               "the pair alone fits the mentor's 指导时数上限"),
        Family("forbidden", "M6", "禁止结对", "forbidden", "禁止结对 pairs are never made"),
        # the pairing model's constraint families (and the generic checker's names)
        Family("allowed", "M0", None, None,
               "only candidate pairs (every filter passed) have a variable"),
        Family("one_mentor", "M1", "一人一师", "one mentor each",
               "each mentee has at most one mentor (exactly one in GAP mode)"),
        Family("heads", "M5", "人数", "head count", "each mentor takes at most 带徒上限 mentees"),
        Family("hours", "M5", "时数", "hours",
               "the guidance hours of a mentor's pairs (observations, reviews, travel) fit "
               "指导时数上限"),
        Family("forced", "M6", "指定结对", "forced", "指定结对 pairs are kept"),
        Family("continuity", "M6", "延续结对", "continuity",
               "last year's pair (not rated 差) is kept when 延续结对 = 必须 and still allowed"),
        # the school modes' checkers (schools.py)
        Family("school_roles", "MS", "角色", "roles", "a helper school and a helped school"),
        Family("school_travel", "MS", "路程", "travel",
               "travel within the mode's limit or a partner link"),
        Family("school_category", "MS", "类别", "category", "the schools' categories match"),
        Family("school_one_helper", "MS", "一校一帮", "one helper",
               "each helped school has at most one helper school"),
        Family("school_capacity", "MS", "可结对数", "capacity",
               "a helper school takes at most its 可结对数 partners"),
        Family("school_stage", "MS", "学段一致", "same stage",
               "the schools teach the same stage ({school_stage_text})"),
        Family("group_kinds", "MS", "1+1+1 组成", "1+1+1 kinds",
               "a group is one 高职, one 示范中职 and one 中职"),
        Family("group_travel", "MS", "1+1+1 路程", "1+1+1 travel",
               "each helper reaches the helped school within the limit or is a partner"),
        Family("group_capacity", "MS", "1+1+1 容量", "1+1+1 capacity",
               "a helped school in one group; a helper in at most its 可结对数 groups"),
        Family("place_once", "MP", "一人一处", "placed once", "each teacher is placed once"),
        Family("place_match", "MP", "需求匹配", "fits the demand",
               "a volunteer of the subject from another school, for the term and grade band"),
        Family("place_direction", "MP", "城到乡", "city to rural",
               "a teacher of an urban school to a rural school ({direction_text})"),
        Family("place_demand", "MP", "需求人数", "demand count",
               "no 支教需求 row gets more teachers than it asks for"),
        Family("mandatory", "MO1"),
        Family("quality", "MO2"),
        Family("fairness", "MO3"),
        Family("same_school", "MO2", "同校优先", "same school first",
               "同校权重 {same_school} points for a mentor of the mentee's school, 就近权重 × "
               "(1 − travel / {max_travel} min) for the nearness; the checker warns of a "
               "cross-school pair while a same-subject teacher of the mentee's school who could "
               "mentor them has no mentee"),
        Family("balance", "MO3", "负荷均衡", "balanced loads",
               "均衡权重 × n(n−1)/2 per mentor with n mentees"),
        Family("drain", "MO3", "不抽空学校", "no school drained",
               "外派权重 × pairs a school gives beyond {drain_share} % of its mentor capacity"),
    ],
)
"""The rule book of mentor pairing."""


def figures(policy: Policy) -> dict[str, Any]:
    """The instance's figures that :meth:`RuleBook.describe` fills into the rule texts."""
    p = policy
    pair_minutes = p.mentor_observations * p.lesson_minutes + (
        p.mentor_observations + p.mentee_observations) * p.review_minutes
    return {
        "novice_years": p.novice_years,
        "experience_threshold": p.experience_threshold,
        "min_gap": p.min_gap,
        "subject_rule_text": (tr("same subject only") if p.subject_rule == "same"
                              else tr("or, at a cost, a subject of the same 学科组")),
        "mentor_observations": p.mentor_observations,
        "mentee_observations": p.mentee_observations,
        "semester_weeks": p.semester_weeks,
        "max_travel": f"{p.max_travel:g}",
        "capacity_default": p.capacity_default,
        "hours_default": f"{p.hours_default:g}",
        "pair_minutes": pair_minutes,
        "trips": p.trips,
        "mentee_trips": p.mentee_trips,
        "lesson_minutes": p.lesson_minutes,
        "break_minutes": p.break_minutes,
        "same_school": p.weight("same_school"),
        "near": p.weight("near"),
        "school_stage_text": (tr("小学 with 小学, 初中 with 初中, 高中 with 高中; "
                                 "学校结对学段 = 同学段") if p.school_stage == "exact"
                              else tr("初中 and 高中 may pair; 学校结对学段 = 同类")),
        "direction_text": (tr("urban school to rural school; 支教方向 = 城到乡")
                           if p.placement_direction == "urban_to_rural"
                           else tr("any direction; 支教方向 = 不限")),
        "continuity_text": (tr("is kept when still allowed (延续结对 = 必须)")
                            if p.continuity == "required"
                            else tr("scores 延续权重 points (延续结对 = 加分)")),
        "gap_low": p.gap_low,
        "gap_high": p.gap_high,
        "drain_share": f"{p.drain_share:g}",
    }


def label(key: str) -> str:
    """``RULES.label(key)`` in the current language."""
    return RULES.label(key, current_lang())


def rule_doc(key: str, figs: dict[str, Any] | None = None) -> str:
    """The one-line doc of a rule or family in the current language, with the instance's
    figures (:func:`figures`) filled in: :meth:`RuleBook.describe` (the docs are catalogued
    below, _docs)."""
    return RULES.describe(key, figs)


def _docs() -> None:
    """The rule and family docs above, marked for the catalogue (never called: the docs are
    looked up by their English text in :func:`rule_doc`)."""
    tr('a pair exists only when the mentee needs a mentor (M1), the mentor may'
       ' mentor and is more experienced (M2), teaches the subject (M3), can '
       'observe and be observed (M4), has the hours for the pair (M5) and the '
       'pair is not forbidden (M6)')
    tr('fewer than {novice_years} years of teaching, newly transferred (新调入) '
       'or needing upgrading (需提升): must have a mentor; 申请导师 = 是: may have '
       'one; one mentor each')
    tr('学科带头人, 教学能手, 骨干教师 or ≥ {experience_threshold} years of teaching (可任师傅 '
       'overrides), not a mentee this semester, and ≥ {min_gap} more years of '
       'teaching than the mentee')
    tr("the mentor teaches one of the mentee's subjects ({subject_rule_text})")
    tr("the mentor observes ≥ {mentor_observations} of the mentee's lessons "
       "and the mentee ≥ {mentee_observations} of the mentor's in "
       '{semester_weeks} teaching weeks (free periods × weeks); a cross-school'
       ' pair needs travel ≤ {max_travel} min or a partner link, and a period '
       "counts (and is suggested) only when the observer's own lessons leave "
       'the one-way travel free before and after it (periods of '
       '{lesson_minutes} min, {break_minutes} min apart)')
    tr('at most 带徒上限 mentees (default {capacity_default}) and 指导时数上限 hours '
       '(default {hours_default} h) per mentor; a pair takes {pair_minutes} '
       'min in a school, plus {trips} round trips of the mentor and '
       '{mentee_trips} of the mentee across schools')
    tr("指定结对 pairs are kept, 禁止结对 pairs never made; last year's pair (not "
       'rated 差) {continuity_text}')
    tr('a helper school (帮扶, or urban and not weak) and a helped one (受援, or '
       'rural and weak), one to one or as 1+1+1 groups (高职 + 示范中职 → 中职): '
       'categories match, travel within the limit or a partner link, each '
       'helped school one helper (group), a helper within its 可结对数; the same '
       'stage ({school_stage_text})')
    tr('a volunteer (支教意向 = 是) of the subject from another school fills a 支教需求'
       ' row for its term and grade band ({direction_text}); each teacher '
       'placed once; no row over its number')
    tr('every mandatory mentee (M1) paired when at all possible: fewest left '
       'unpaired')
    tr('the most quality points: grade band, mentor level, experience gap '
       '{gap_low}–{gap_high} years, rural and weak schools, timetable room, '
       'continuity, wishes, the same school ({same_school} points) then the '
       'nearest (up to {near}), minus related subjects')
    tr('balanced mentor loads (n(n−1)/2 per mentor with n mentees) and no '
       'school drained (pairs given to other schools beyond {drain_share} % of'
       ' its mentor capacity)')
    tr("mandatory mentees, teachers asking for a mentor, forced pairs' mentees")
    tr('a role, ≥ {experience_threshold} years or 可任师傅 = 是; not a mentee; 带徒上限'
       ' > 0')
    tr('the mentor has ≥ {min_gap} more years of teaching than the mentee')
    tr('a cross-school pair needs travel ≤ {max_travel} min or a partner link')
    tr('free periods × {semester_weeks} weeks ≥ {mentor_observations} (mentor '
       'observes) and ≥ {mentee_observations} (mentee observes)')
    tr('a suggested period is a lesson of the observed teacher, and the '
       'observer teaches neither then nor within the one-way travel time '
       'before or after it')
    tr("the pair alone fits the mentor's 指导时数上限")
    tr('禁止结对 pairs are never made')
    tr('only candidate pairs (every filter passed) have a variable')
    tr('each mentee has at most one mentor (exactly one in GAP mode)')
    tr('each mentor takes at most 带徒上限 mentees')
    tr("the guidance hours of a mentor's pairs (observations, reviews, travel)"
       ' fit 指导时数上限')
    tr('指定结对 pairs are kept')
    tr("last year's pair (not rated 差) is kept when 延续结对 = 必须 and still "
       'allowed')
    tr('a helper school and a helped school')
    tr("travel within the mode's limit or a partner link")
    tr("the schools' categories match")
    tr('each helped school has at most one helper school')
    tr('a helper school takes at most its 可结对数 partners')
    tr('the schools teach the same stage ({school_stage_text})')
    tr('a group is one 高职, one 示范中职 and one 中职')
    tr('each helper reaches the helped school within the limit or is a partner')
    tr('a helped school in one group; a helper in at most its 可结对数 groups')
    tr('each teacher is placed once')
    tr('a volunteer of the subject from another school, for the term and grade'
       ' band')
    tr('a teacher of an urban school to a rural school ({direction_text})')
    tr('no 支教需求 row gets more teachers than it asks for')
    tr("同校权重 {same_school} points for a mentor of the mentee's school, 就近权重 × "
       '(1 − travel / {max_travel} min) for the nearness; the checker warns of'
       " a cross-school pair while a same-subject teacher of the mentee's "
       'school who could mentor them has no mentee')
    tr('均衡权重 × n(n−1)/2 per mentor with n mentees')
    tr('外派权重 × pairs a school gives beyond {drain_share} % of its mentor '
       'capacity')
