"""School-to-school pairing (学校结对, one to one and "1+1+1" groups) and teacher placement
(支教: city teachers to rural schools for a semester or a year).

All three read the same workbook format as the teacher pairing (学校, 路程, 教师, 支教需求
sheets) and reuse the pairing engine:

* **one to one** — helper schools (结对角色 帮扶, or urban and not weak) and helped schools
  (受援, or rural and weak) as a :class:`PairingProblem`: every helped school paired when
  possible (first level), then the best total score: closeness, the helper's strengths
  against the helped school's needs, similar size, same category, an existing partner link;
  a helper takes at most its 可结对数 (default 1).
* **1+1+1 groups** — one higher-vocational college (类别 高职) and one demonstration secondary
  vocational school (示范中职) for each poor-county vocational school (中职, weak or rural):
  most groups first, then the best score (both pairings' scores plus the closeness of the two
  helpers); a CP-SAT model over the allowed triples (:func:`model.build_group_model`).
* **placement** — each 支教需求 row asks for a number of teachers of a subject for a
  semester or a year; volunteers (支教意向 = 是) of that subject (and grade band when both
  give one) from another school fill them: as many places as possible, weak and rural schools
  and stronger teachers first, and no school sends more than a share of its staff.

Each mode has its own checker written from the rules above (not from the models); its
violations are keyed ``MS`` (school pairing, 1+1+1 groups) or ``MP`` (placement) of
:data:`assignments.mentoring.rules.RULES`, each message led by its family's label.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from assignments.core.errors import SolutionCheckError
from assignments.core.i18n import current_lang, tr
from assignments.core.rules import Violation
from assignments.core.solver import Result, SolveParams, SolveStatus, run_cpsat
from assignments.mentoring.data import MentoringData, School, Teacher
from assignments.mentoring.rules import RULES
from assignments.pairing.problem import Candidate, Pairing, PairingProblem
from assignments.pairing.solve import solve_pairing

__all__ = [
    "Group",
    "Placement",
    "category_family",
    "check_groups",
    "check_placement",
    "check_school_pairs",
    "compatible",
    "group_kinds",
    "helpers_and_helped",
    "placement_problem",
    "school_pair_score",
    "school_problem",
    "school_stages",
    "solve_groups",
    "solve_placement",
    "solve_school_pairs",
]


# ------------------------------------------------------------------ one to one


def helpers_and_helped(data: MentoringData) -> tuple[list[School], list[School]]:
    """Helper schools (帮扶) and helped schools (受援): the 结对角色 column, else urban and not
    weak / rural and weak."""
    helpers, helped = [], []
    for s in data.schools:
        role = s.role or ("helper" if not s.rural and not s.weak else
                          "helped" if s.rural and s.weak else None)
        if role == "helper":
            helpers.append(s)
        elif role == "helped":
            helped.append(s)
    return helpers, helped


_FAMILIES = (("幼儿园", "pre"), ("学前", "pre"), ("小学", "primary"), ("初中", "secondary"),
             ("高中", "secondary"), ("中学", "secondary"), ("职", "vocational"))


def category_family(category: str | None) -> str | None:
    """幼儿园 → pre, 小学 → primary, 初中/高中/中学 → secondary, 中职/示范中职/高职 →
    vocational; unknown or empty → None."""
    if not category:
        return None
    return next((fam for key, fam in _FAMILIES if key in category), None)


_STAGES = (("幼儿园", {"pre"}), ("学前", {"pre"}), ("小学", {"primary"}), ("职", {"vocational"}),
           ("初中", {"junior"}), ("高中", {"senior"}), ("中学", {"junior", "senior"}))


def school_stages(category: str | None) -> set[str] | None:
    """The stages a school teaches, from its 类别: 小学 → primary, 初中 → junior, 高中 → senior,
    中学 (完全中学) → junior and senior, 中职/示范中职/高职 → vocational; unknown → None."""
    if not category:
        return None
    return next((set(st) for key, st in _STAGES if key in category), None)


def compatible(a: School, b: School, stage: str = "exact") -> bool:
    """Schools that may pair when both give a category: the same stage (``exact``, the default
    学校结对学段 = 同学段: 初中 not with 高中) or the same family (``family``: 初中 with 高中)."""
    if stage == "family":
        fa, fb = category_family(a.category), category_family(b.category)
        return fa is None or fb is None or fa == fb
    sa, sb = school_stages(a.category), school_stages(b.category)
    return sa is None or sb is None or bool(sa & sb)


def _reach(data: MentoringData, a: School, b: School, max_travel: float) -> float | None:
    """Travel minutes when the pair is allowed (within the limit or partners), else None."""
    t = data.travel_minutes(a.id, b.id)
    if data.partners(a.id, b.id):
        return max_travel if t is None else t
    if t is None or t > max_travel:
        return None
    return t


def school_pair_score(
    data: MentoringData, helper: School, helped: School, travel: float, max_travel: float
) -> dict[str, int]:
    """Points of a school pair: closeness (up to 40), each of the helper's strengths the helped
    school needs (15), similar size (up to 20), same category (20), existing partners (30)."""
    close = round(40 * max(0.0, 1 - travel / max_travel)) if max_travel > 0 else 0
    match = 15 * len(set(helper.strengths) & set(helped.needs))
    size = 0
    if helper.students and helped.students:
        size = round(20 * min(helper.students, helped.students)
                     / max(helper.students, helped.students))
    same = 20 if helper.category and helper.category == helped.category else 0
    link = 30 if data.partners(helper.id, helped.id) else 0
    return {"close": close, "subjects": match, "size": size, "category": same, "link": link}


def school_problem(data: MentoringData, *, max_travel: float = 90.0) -> PairingProblem:
    """The one-to-one school pairing as a :class:`PairingProblem` (helpers mentor)."""
    helpers, helped = helpers_and_helped(data)
    cands = []
    for i, h in enumerate(helpers):
        for j, w in enumerate(helped):
            t = _reach(data, h, w, max_travel)
            if t is not None and compatible(h, w, data.policy.school_stage):
                cands.append(Candidate(i, j, sum(school_pair_score(data, h, w, t, max_travel)
                                                 .values())))
    return PairingProblem(
        mentors=[s.id for s in helpers], mentees=[s.id for s in helped], candidates=cands,
        capacity=[s.pair_capacity for s in helpers], budget=[None] * len(helpers),
        mandatory=[True] * len(helped), name="school pairs",
    )


def _v(family: str, message: str) -> Violation:
    """A violation under the rule key of ``family`` (MS, MP), the family's label first."""
    return Violation(RULES.rule(family).key, f"{RULES.label(family, current_lang())}: {message}")


def _term_labels() -> dict[str, str]:
    """The score terms of a school pair (:func:`school_pair_score`) as column headers."""
    return {"close": tr("nearness points"), "subjects": tr("subject match points"),
            "size": tr("similar size points"), "category": tr("same category points"),
            "link": tr("existing partner points")}


def check_school_pairs(
    data: MentoringData, pairs: list[tuple[str, str]], *, max_travel: float = 90.0
) -> list[Violation]:
    """Rules of the one-to-one mode, re-read from the data: roles, one helper per helped
    school, a helper's 可结对数, travel within the limit or a partner link."""
    helpers, helped = helpers_and_helped(data)
    h_ids, w_ids = {s.id for s in helpers}, {s.id for s in helped}
    out = []
    for h, w in pairs:
        if h not in h_ids or w not in w_ids:
            out.append(_v("school_roles", f"{h} – {w}: "
                          + tr("not a helper and a helped school")))
            continue
        t = data.travel_minutes(h, w)
        if not data.partners(h, w) and (t is None or t > max_travel):
            out.append(_v("school_travel", f"{h} – {w}: " + tr(
                "travel {minutes} min > {limit} and not partners", minutes=t,
                limit=f"{max_travel:g}")))
        ca, cb = data.school[h].category, data.school[w].category
        fa, fb = category_family(ca), category_family(cb)
        if fa is not None and fb is not None and fa != fb:
            out.append(_v("school_category", f"{h} – {w}: " + tr(
                "{a} and {b} do not match", a=ca, b=cb)))
        elif data.policy.school_stage == "exact":
            sa, sb = school_stages(ca), school_stages(cb)
            if sa is not None and sb is not None and not sa & sb:
                out.append(_v("school_stage", f"{data.school[h].label} ({ca}) – "
                                              f"{data.school[w].label} ({cb}): "
                                              + tr("different stages (学校结对学段 = 同学段)")))
    for w, n in Counter(w for _h, w in pairs).items():
        if n > 1:
            out.append(_v("school_one_helper", tr("{school} has {n} helper schools", school=w,
                                                  n=n)))
    for h, n in Counter(h for h, _w in pairs).items():
        if h in data.school and n > data.school[h].pair_capacity:
            out.append(_v("school_capacity", tr("{school} has {n} partners, 可结对数 {cap}",
                                                school=h, n=n,
                                                cap=data.school[h].pair_capacity)))
    return out


def solve_school_pairs(
    data: MentoringData, *, max_travel: float = 90.0, time_limit: float = 30.0, seed: int = 0,
    num_workers: int = 2, deterministic: bool = False,
) -> tuple[Result[Pairing], PairingProblem, pd.DataFrame]:
    """Pair helper and helped schools one to one; checked; returns the result, the problem
    and the table of pairs (with the score terms)."""
    p = school_problem(data, max_travel=max_travel)
    res = solve_pairing(p, time_limit=time_limit, seed=seed, num_workers=num_workers,
                        deterministic=deterministic)
    rows = []
    if res.solution is not None:
        pairs = [(p.mentors[i], p.mentees[e]) for i, e in res.solution.pairs(p)]
        bad = check_school_pairs(data, pairs, max_travel=max_travel)
        if bad:
            raise SolutionCheckError("\n".join(map(str, bad)))
        for h, w in sorted(pairs):
            sh, sw = data.school[h], data.school[w]
            t = _reach(data, sh, sw, max_travel) or 0.0
            terms = school_pair_score(data, sh, sw, t, max_travel)
            labels = _term_labels()
            rows.append({tr("helper school"): sh.label, tr("helped school"): sw.label,
                         tr("travel (min)"): data.travel_minutes(h, w),
                         tr("total score"): sum(terms.values()),
                         **{labels[k]: v for k, v in terms.items()},
                         tr("matching subjects"): "、".join(sorted(set(sh.strengths)
                                                                 & set(sw.needs)))})
    if res.solution is not None:
        from assignments.mentoring.explain import capacity_reasons

        def nothing(e: int) -> str:
            w = data.school[p.mentees[e]]
            if data.policy.school_stage == "exact":
                return tr("no helper school of the same stage ({category}) within {minutes} "
                          "min or linked as a partner", category=w.category or tr("any category"),
                          minutes=f"{max_travel:g}")
            return tr("no helper school of the same kind ({category}) within {minutes} min or "
                      "linked as a partner", category=w.category or tr("any category"),
                      minutes=f"{max_travel:g}")

        reasons = capacity_reasons(p, res.solution, label=lambda i: data.school[p.mentors[i]].label,
                                   no_candidate=nothing, unit=tr("partners"))
        res.explanation += [f"{data.school[p.mentees[e]].label}: {text}"
                            for e, text in reasons.items()]
    return res, p, pd.DataFrame(rows)


# ------------------------------------------------------------------ 1+1+1 groups


@dataclass(frozen=True)
class Group:
    """A 1+1+1 group: a higher-vocational college, a demonstration secondary vocational school
    and the poor-county vocational school they help."""

    college: str
    demo: str
    helped: str
    score: int


def group_kinds(data: MentoringData) -> tuple[list[School], list[School], list[School]]:
    """Higher-vocational colleges (类别 contains 高职), demonstration secondary vocational
    schools (示范 and 中职), and helped vocational schools (中职, not 示范; weak, rural or
    受援)."""
    first, second, third = [], [], []
    for s in data.schools:
        cat = s.category or ""
        if "高职" in cat:
            first.append(s)
        elif "中职" in cat and "示范" in cat:
            second.append(s)
        elif "中职" in cat and (s.weak or s.rural or s.role == "helped"):
            third.append(s)
    return first, second, third


def _group_score(data: MentoringData, a: School, b: School, c: School,
                 max_travel: float) -> int | None:
    ta, tb = _reach(data, a, c, max_travel), _reach(data, b, c, max_travel)
    if ta is None or tb is None:
        return None
    tab = data.travel_minutes(a.id, b.id)
    synergy = 0 if tab is None else round(20 * max(0.0, 1 - tab / max_travel))
    return (sum(school_pair_score(data, a, c, ta, max_travel).values())
            + sum(school_pair_score(data, b, c, tb, max_travel).values()) + synergy)


def check_groups(data: MentoringData, groups: list[Group], *,
                 max_travel: float = 300.0) -> list[Violation]:
    """Rules of 1+1+1 groups, re-read from the data: kinds, each helped school in one group,
    each helper within its 可结对数 of groups, travel to the helped school within the limit."""
    first, second, third = (set(s.id for s in k) for k in group_kinds(data))
    out = []
    for g in groups:
        if g.college not in first or g.demo not in second or g.helped not in third:
            out.append(_v("group_kinds", f"{g}: " + tr("not 高职 + 示范中职 + 中职")))
            continue
        for h in (g.college, g.demo):
            t = data.travel_minutes(h, g.helped)
            if not data.partners(h, g.helped) and (t is None or t > max_travel):
                out.append(_v("group_travel", f"{h} → {g.helped}: " + tr(
                    "{minutes} min > {limit} and not partners", minutes=t,
                    limit=f"{max_travel:g}")))
    for key, pos in (("helped", 2), ("college", 0), ("demo", 1)):
        counts = Counter((g.college, g.demo, g.helped)[pos] for g in groups)
        for sid, n in counts.items():
            cap = 1 if key == "helped" else data.school[sid].pair_capacity
            if n > cap:
                out.append(_v("group_capacity", tr("{school} is in {n} groups (at most {cap})",
                                                   school=sid, n=n, cap=cap)))
    return out


def solve_groups(
    data: MentoringData, *, max_travel: float = 300.0, time_limit: float = 30.0, seed: int = 0,
    num_workers: int = 2, deterministic: bool = False,
) -> tuple[Result[list[Group]], pd.DataFrame]:
    """Form 1+1+1 groups: most helped schools covered, then the best total score; checked."""
    from assignments.mentoring.model import build_group_model

    t0 = time.perf_counter()
    first, second, third = group_kinds(data)
    triples: dict[tuple[int, int, int], int] = {}
    for a, sa in enumerate(first):
        for b, sb in enumerate(second):
            for c, sc in enumerate(third):
                score = _group_score(data, sa, sb, sc, max_travel)
                if score is not None:
                    triples[(a, b, c)] = score
    stats = {"colleges": len(first), "demonstration": len(second), "helped": len(third),
             "triples": len(triples)}
    if not triples:
        why = tr("no allowed group: {a} 高职, {b} 示范中职, {c} helped 中职 schools within "
                 "{minutes} min", a=len(first), b=len(second), c=len(third),
                 minutes=f"{max_travel:g}")
        return Result(SolveStatus.INFEASIBLE, runtime=time.perf_counter() - t0,
                      explanation=[why], stats=stats), pd.DataFrame()
    gm = build_group_model(triples, len(first), len(second), len(third),
                           [s.pair_capacity for s in first], [s.pair_capacity for s in second])
    params = SolveParams(time_limit / 2, seed, num_workers, deterministic)

    def extract(solver: Any) -> list[tuple[int, int, int]]:
        return [key for key, v in gm.t.items() if solver.value(v)]

    gm.model.maximize(gm.covered)
    first_run = run_cpsat(gm.model, params, extract, label="groups:covered")
    if first_run.values is None:
        return Result(first_run.status, runtime=time.perf_counter() - t0, stats=stats), \
            pd.DataFrame()
    covered = round(first_run.objective or 0)
    gm.model.add(gm.covered >= covered)
    gm.model.maximize(gm.score)
    hint = {gm.t[key]: 1 for key in first_run.values}
    second_run = run_cpsat(gm.model, params.with_time(time_limit / 2), extract,
                           label="groups:score", hint=hint)
    run = second_run if second_run.values is not None else first_run
    assert run.values is not None
    groups = [Group(first[a].id, second[b].id, third[c].id, triples[(a, b, c)])
              for a, b, c in sorted(run.values)]
    bad = check_groups(data, groups, max_travel=max_travel)
    if bad:
        raise SolutionCheckError("\n".join(map(str, bad)))
    score = sum(g.score for g in groups)
    optimal = (first_run.status is SolveStatus.OPTIMAL
               and run is second_run and second_run.status is SolveStatus.OPTIMAL)
    status = SolveStatus.OPTIMAL if optimal else SolveStatus.FEASIBLE
    bound = float(score) if optimal else second_run.bound
    left = [s.label for s in third if s.id not in {g.helped for g in groups}]
    res: Result[list[Group]] = Result(
        status, objective=float(score), bound=bound,
        gap=0.0 if optimal else None, runtime=time.perf_counter() - t0, solution=groups,
        objectives={"covered": float(len(groups)), "score": float(score)},
        explanation=[tr("{n} helped school(s) without a group: ", n=len(left))
                     + "、".join(left)]
        if left else [], stats=stats)
    table = pd.DataFrame([{tr("高职 (college)"): data.school[g.college].label,
                           tr("示范中职 (demonstration)"): data.school[g.demo].label,
                           tr("受援中职 (helped)"): data.school[g.helped].label,
                           tr("total score"): g.score} for g in groups])
    return res, table


# ------------------------------------------------------------------ placement (支教)


def _term_text(term: str) -> str:
    """A placement term (``semester``, ``year``) in the current language."""
    return tr("one semester") if term == "semester" else tr("one school year")


@dataclass
class Placement:
    """Placement problem: demand slots as mentees, volunteers as mentors (capacity 1)."""

    problem: PairingProblem
    slots: list[tuple[int, int]] = field(default_factory=list)  # (demand row, copy)


def _term_ok(t: Teacher, term: str) -> bool:
    return t.placement_term is None or t.placement_term == "year" or t.placement_term == term


def placement_score(data: MentoringData, t: Teacher, school: School, band: Any) -> int:
    """Points of placing ``t`` at ``school``: weak school 30, rural 20, the teacher's level
    points, 10 with at least 5 years of teaching, 20 for the requested grade band."""
    return (10 + (30 if school.weak else 0) + (20 if school.rural else 0)
            + data.level_points(t) + (10 if t.years >= 5 else 0)
            + (20 if band is not None and t.grade_band == band else 0))


def placement_allowed(data: MentoringData, t: Teacher, d: Any) -> bool:
    """A volunteer of the subject, from another school, for the term, of the grade band when
    both give one; under 支教方向 = 城到乡 (default) from an urban school to a rural one."""
    direction = (data.policy.placement_direction == "any"
                 or (not data.school[t.school].rural and data.school[d.school].rural))
    return (t.placement and d.subject in t.subjects and t.school != d.school
            and _term_ok(t, d.term) and direction
            and (d.grade_band is None or t.grade_band is None or t.grade_band == d.grade_band))


def placement_problem(data: MentoringData, *, max_share: float = 10.0) -> Placement:
    """Build the placement problem; ``max_share`` % of a school's staff may leave before the
    fairness penalty (at least one teacher)."""
    vols = [t for t in data.teachers if t.placement]
    sidx = {s.id: i for i, s in enumerate(data.schools)}
    slots: list[tuple[int, int]] = []
    names: list[str] = []
    for r, d in enumerate(data.demand):
        for k in range(d.number):
            slots.append((r, k))
            names.append(f"{d.school}/{d.subject}/{k + 1}")
    cands = []
    for i, t in enumerate(vols):
        for j, (r, _k) in enumerate(slots):
            d = data.demand[r]
            if placement_allowed(data, t, d):
                cands.append(Candidate(i, j, placement_score(data, t, data.school[d.school],
                                                             d.grade_band)))
    staff = Counter(t.school for t in data.teachers)
    limit = [max(1, math.floor(max_share / 100 * staff[s.id])) for s in data.schools]
    problem = PairingProblem(
        mentors=[t.id for t in vols], mentees=names, candidates=cands,
        capacity=[1] * len(vols), budget=[None] * len(vols), mandatory=[True] * len(slots),
        name="placement", mentor_group=[sidx[t.school] for t in vols],
        mentee_group=[sidx[data.demand[r].school] for r, _k in slots], drain_limit=limit,
        drain_weight=5,
    )
    return Placement(problem, slots)


def check_placement(data: MentoringData, placed: list[tuple[str, int]],
                    *, max_share: float = 10.0) -> list[Violation]:
    """Rules of placement, re-read from the data: each teacher placed once, as a volunteer of
    the subject from another school, for the term and grade band; no demand row over-filled.
    ``placed`` holds (teacher id, demand row index)."""
    out = []
    for tid, n in Counter(t for t, _r in placed).items():
        if n > 1:
            out.append(_v("place_once", tr("{teacher} is placed {n} times", teacher=tid, n=n)))
    for tid, r in placed:
        t, d = data.teacher[tid], data.demand[r]
        src, dst = data.school[t.school], data.school[d.school]
        if data.policy.placement_direction == "urban_to_rural" and (src.rural or not dst.rural):
            out.append(_v("place_direction", tr(
                "{teacher} ({id}) of {src} ({src_area}) placed at {dst} ({dst_area}), demand row "
                "{row}: 支教方向 = 城到乡 sends teachers of urban schools to rural schools",
                teacher=t.label, id=tid, src=src.label,
                src_area=tr("rural") if src.rural else tr("urban"), dst=dst.label,
                dst_area=tr("rural") if dst.rural else tr("urban"), row=r + 1)))
        if not (t.placement and d.subject in t.subjects and t.school != d.school
                and _term_ok(t, d.term)
                and (d.grade_band is None or t.grade_band is None
                     or t.grade_band == d.grade_band)):
            out.append(_v("place_match", tr("{teacher} does not fit demand row {row} ({school} "
                                            "{subject} {term})", teacher=tid, row=r + 1,
                                            school=d.school, subject=d.subject,
                                            term=_term_text(d.term))))
    for r, n in Counter(r for _t, r in placed).items():
        if n > data.demand[r].number:
            out.append(_v("place_demand", tr("demand row {row} gets {n} > {number}", row=r + 1,
                                             n=n, number=data.demand[r].number)))
    return out


def solve_placement(
    data: MentoringData, *, max_share: float = 10.0, time_limit: float = 30.0, seed: int = 0,
    num_workers: int = 2, deterministic: bool = False,
) -> tuple[Result[Pairing], Placement, dict[str, pd.DataFrame]]:
    """Place volunteers; checked; returns the result, the problem and the output tables."""
    from assignments.mentoring.explain import capacity_reasons

    pl = placement_problem(data, max_share=max_share)
    p = pl.problem
    res = solve_pairing(p, time_limit=time_limit, seed=seed, num_workers=num_workers,
                        deterministic=deterministic)
    tables: dict[str, pd.DataFrame] = {}
    if res.solution is None:
        return res, pl, tables
    placed = [(p.mentors[i], pl.slots[e][0]) for i, e in res.solution.pairs(p)]
    bad = check_placement(data, placed, max_share=max_share)
    if bad:
        raise SolutionCheckError("\n".join(map(str, bad)))
    rows = []
    for tid, r in sorted(placed, key=lambda x: (x[1], x[0])):
        t, d = data.teacher[tid], data.demand[r]
        rows.append({tr("teacher id"): tid, tr("teacher name"): t.label,
                     tr("sending school"): data.school[t.school].label,
                     tr("receiving school"): data.school[d.school].label,
                     tr("placement subject"): d.subject, tr("placement term"): _term_text(d.term),
                     tr("total score"): placement_score(data, t, data.school[d.school],
                                                        d.grade_band)})
    reasons = capacity_reasons(
        p, res.solution, label=lambda i: data.teacher[p.mentors[i]].label,
        no_candidate=lambda e: (
            tr("no volunteer teaches {subject} for a {term} from another school",
               subject=data.demand[pl.slots[e][0]].subject,
               term=_term_text(data.demand[pl.slots[e][0]].term))
            + (tr(" (an urban one: 支教方向 = 城到乡)")
               if data.policy.placement_direction == "urban_to_rural" else "")),
        unit=tr("places"))
    unfilled = [{tr("demand slot"): p.mentees[e], tr("why unfilled"): text}
                for e, text in reasons.items()]
    tables = {tr("安排 placements"): pd.DataFrame(rows),
              tr("未满足 unfilled"): pd.DataFrame(unfilled)}
    return res, pl, tables
