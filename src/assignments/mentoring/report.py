"""Mentoring outputs a person reads: Excel/CSV tables, ``result.json``, plots, a summary.

Sheets (Chinese names by default, English with ``lang="en"``): 结对 (pairs, with the score
term by term, the hours and the suggested weekly observation periods), 师傅负荷 (mentor
loads), 未结对 (unpaired mentees and why), 学校汇总 (school summary), 说明 (notes: the
objective levels under their rule keys, explanations, warnings, and one row per rule of
:data:`assignments.mentoring.rules.RULES` with this input's figures). The
score terms and hours are recomputed here from the data (:func:`solution.pair_score`,
:func:`solution.pair_load`), not taken from the solver.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from assignments.core.i18n import current_lang, tr, trc, use_lang
from assignments.core.io import staged_output, write_csv_folder, write_excel, write_json
from assignments.core.solver import Result
from assignments.mentoring.candidates import COMPONENTS
from assignments.mentoring.data import MentoringData, weekday_label
from assignments.mentoring.rules import RULES, figures, rule_doc
from assignments.mentoring.solution import (
    MentorSolution,
    observation_slots,
    pair_load,
    pair_score,
    score_lookups,
)
from assignments.pairing.problem import Pairing, PairingProblem

__all__ = [
    "BATCH_HEADER",
    "mentoring_tables",
    "pairing_json",
    "pairing_tables",
    "periods_text",
    "result_json",
    "result_row",
    "status_text",
    "summary_lines",
    "write_outputs",
    "write_tables",
]

@cache
def _sheets(lang: str) -> dict[str, str]:
    """The sheet names (Chinese by default, English with ``lang="en"``)."""
    with use_lang(lang):
        return {
            "pairs": trc("sheet", "pairs"),
            "loads": trc("sheet", "mentor_loads"),
            "unpaired": trc("sheet", "unpaired"),
            "schools": trc("sheet", "schools"),
            "notes": trc("sheet", "notes"),
        }


@cache
def _columns(lang: str) -> dict[str, str]:
    """The column headers of the pairs, loads, unpaired, schools and notes sheets."""
    with use_lang(lang):
        return {
            "mentor": trc("column", "mentor id"),
            "mentor_name": trc("column", "mentor name"),
            "mentor_school": trc("column", "mentor's school"),
            "subject": trc("column", "subject"),
            "level": trc("column", "mentor level"),
            "mentor_years": trc("column", "mentor years"),
            "mentee": trc("column", "mentee id"),
            "mentee_name": trc("column", "mentee name"),
            "mentee_school": trc("column", "mentee's school"),
            "mentee_years": trc("column", "mentee years"),
            "why": trc("column", "why a mentor is required"),
            "cross": trc("column", "cross-school"),
            "travel": trc("column", "travel (min)"),
            "score": trc("column", "score"),
            "hours": trc("column", "guidance hours"),
            "mentor_obs": trc("column", "mentor observes mentee (suggested periods)"),
            "mentee_obs": trc("column", "mentee observes mentor (suggested periods)"),
            "forced": trc("column", "forced"),
            "id": trc("column", "id"),
            "name": trc("column", "name"),
            "school": trc("column", "school"),
            "mentees": trc("column", "mentees"),
            "capacity": trc("column", "capacity"),
            "budget": trc("column", "hour budget"),
            "mentee_list": trc("column", "mentee list"),
            "years": trc("column", "years"),
            "mandatory": trc("column", "mandatory"),
            "reason": trc("column", "reason"),
            "area": trc("column", "area"),
            "weak": trc("column", "weak"),
            "teachers": trc("column", "teachers"),
            "to_pair": trc("schools sheet", "mentees"),
            "paired": trc("column", "paired"),
            "left": trc("column", "unpaired"),
            "mentors": trc("column", "mentors"),
            "busy": trc("column", "mentors with mentees"),
            "given": trc("column", "pairs given out"),
            "received": trc("column", "pairs received"),
            "type": trc("column", "type"),
            "text": trc("column", "text"),
            "district": trc("column", "district"),
        }


@cache
def _terms(lang: str) -> dict[str, str]:
    """The score parts, as the pairs sheet names their columns."""
    with use_lang(lang):
        return {
            "pair": trc("score part", "base"),
            "grade": trc("score part", "grade band"),
            "level": trc("score part", "level"),
            "gap": trc("score part", "experience gap"),
            "rural": trc("score part", "rural"),
            "weak": trc("score part", "weak school"),
            "room": trc("score part", "timetable room"),
            "continuity": trc("score part", "continuity"),
            "related": trc("score part", "related subject"),
            "preference": trc("score part", "wishes"),
            "same_school": trc("score part", "same school"),
            "near": trc("score part", "nearness"),
        }


@cache
def _levels(lang: str) -> dict[str, str]:
    """The objective levels' names."""
    with use_lang(lang):
        return {
            "mandatory": trc("objective level", "mandatory unpaired"),
            "quality": trc("objective level", "quality"),
            "fairness": trc("objective level", "fairness"),
        }


def status_text(status: Any) -> str:
    """A solve status (:class:`SolveStatus` or its value) in the current language."""
    value = getattr(status, "value", status)
    return {"optimal": tr("optimal"), "feasible": tr("feasible"),
            "infeasible": tr("infeasible"), "unknown": tr("unknown"),
            "invalid": tr("invalid")}.get(value, value)


def _level_label(name: str, lang: str) -> str:
    """``MO1 必须结对未满足``: an objective level with its rule key (:data:`RULES`)."""
    text = _levels(lang).get(name, name)
    return f"{RULES.rule(name).key} {text}" if name in RULES else text


def _h(key: str, lang: str) -> str:
    return _columns(lang)[key]


def _yes(v: bool, lang: str) -> str:
    return tr("yes", lang=lang) if v else tr("no", lang=lang)


def _slots(data: MentoringData, pr: Any) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """The pair's suggested periods (the solver's, else recomputed from the data)."""
    if pr.mentor_periods is not None and pr.mentee_periods is not None:
        return list(pr.mentor_periods), list(pr.mentee_periods)
    return observation_slots(data, data.teacher[pr.mentor], data.teacher[pr.mentee])


def periods_text(slots: list[tuple[int, int]], limit: int = 0, lang: str = "zh") -> str:
    """``周一第2节、周三第4节`` — every weekly period (or the first ``limit`` when 建议节次数
    is set above 0, and how many more)."""
    limit = limit or len(slots)
    shown = [
        tr("{day} P{period}", lang=lang, day=weekday_label(d, lang), period=p)
        for d, p in slots[:limit]
    ]
    more = len(slots) - len(shown)
    text = ("、" if lang == "zh" else ", ").join(shown)
    if more > 0:
        text += f" …(+{more})" if lang == "zh" else f" … (+{more})"
    return text


def mentoring_tables(
    data: MentoringData,
    sol: MentorSolution,
    result: Result[Any] | None = None,
    *,
    lang: str = "zh",
) -> dict[str, pd.DataFrame]:
    """The output tables: pairs, mentor loads, unpaired mentees, school summary, notes."""
    with use_lang(lang):
        return _mentoring_tables(data, sol, result, lang)


def _mentoring_tables(data: MentoringData, sol: MentorSolution, result: Result[Any] | None,
                      lang: str) -> dict[str, pd.DataFrame]:
    terms = _terms(lang)
    pol = data.policy
    rows = []
    lookups = score_lookups(data)
    for pr in sorted(sol.pairs, key=lambda x: (data.teacher[x.mentor].school, x.mentor, x.mentee)):
        m, e = data.teacher[pr.mentor], data.teacher[pr.mentee]
        score = pair_score(data, m, e, lookups=lookups)
        a, b = _slots(data, pr)
        cross = m.school != e.school
        travel = data.travel_minutes(m.school, e.school) if cross else 0
        common = sorted(set(m.subjects) & set(e.subjects)) or e.subjects
        row: dict[str, Any] = {
            _h("mentor", lang): m.id, _h("mentor_name", lang): m.label,
            _h("mentor_school", lang): data.school[m.school].label,
            _h("subject", lang): "、".join(common), _h("level", lang): data.level_label(m, lang),
            _h("mentor_years", lang): m.years, _h("mentee", lang): e.id,
            _h("mentee_name", lang): e.label,
            _h("mentee_school", lang): data.school[e.school].label,
            _h("mentee_years", lang): e.years,
            _h("why", lang): "、".join(data.mandatory_reasons(e)) or trc("why a mentor",
                                                                          "asked"),
            _h("cross", lang): _yes(cross, lang),
            _h("travel", lang): "" if travel is None else travel,
            _h("score", lang): sum(score.values()),
        }
        for name in COMPONENTS:
            row[terms[name]] = score[name]
        row[_h("hours", lang)] = round(pair_load(data, m, e) / 60, 1)
        if data.lessons is not None:
            row[_h("mentor_obs", lang)] = periods_text(a, pol.periods_listed, lang)
            row[_h("mentee_obs", lang)] = periods_text(b, pol.periods_listed, lang)
        row[_h("forced", lang)] = _yes(pr.forced, lang)
        rows.append(row)
    pairs = pd.DataFrame(rows)

    mentees_of = sol.mentees_of()
    load_rows = []
    for t in data.teachers:
        if not data.is_mentor(t):
            continue
        mine = mentees_of.get(t.id, [])
        minutes = sum(pair_load(data, t, data.teacher[e]) for e in mine)
        load_rows.append({
            _h("id", lang): t.id, _h("name", lang): t.label,
            _h("school", lang): data.school[t.school].label,
            _h("subject", lang): "、".join(t.subjects),
            _h("level", lang): data.level_label(t, lang),
            _h("mentees", lang): len(mine), _h("capacity", lang): data.capacity(t),
            _h("hours", lang): round(minutes / 60, 1),
            _h("budget", lang): round(data.hour_budget(t) / 60, 1),
            _h("mentee_list", lang): "、".join(data.teacher[e].label for e in mine),
        })
    loads = pd.DataFrame(load_rows)

    un_rows = []
    for tid, reason in sol.unpaired.items():
        t = data.teacher[tid]
        un_rows.append({
            _h("id", lang): t.id, _h("name", lang): t.label,
            _h("school", lang): data.school[t.school].label,
            _h("subject", lang): "、".join(t.subjects), _h("years", lang): t.years,
            _h("mandatory", lang): _yes(data.is_mandatory(t), lang),
            _h("why", lang): "、".join(data.mandatory_reasons(t)),
            _h("reason", lang): reason,
        })
    unpaired = pd.DataFrame(un_rows)
    if not unpaired.empty:
        unpaired = unpaired.sort_values(
            [_h("mandatory", lang), _h("school", lang)], ascending=[False, True], kind="stable")

    given: Counter[str] = Counter()
    received: Counter[str] = Counter()
    paired: Counter[str] = Counter()
    busy: dict[str, set[str]] = defaultdict(set)
    for pr in sol.pairs:
        sm, se = data.teacher[pr.mentor].school, data.teacher[pr.mentee].school
        paired[se] += 1
        busy[sm].add(pr.mentor)
        if sm != se:
            given[sm] += 1
            received[se] += 1
    school_rows = []
    for s in data.schools:
        staff = [t for t in data.teachers if t.school == s.id]
        mentees = [t for t in staff if data.is_mentee(t)]
        school_rows.append({
            _h("school", lang): s.label, _h("district", lang): s.district or "",
            _h("area", lang): tr("rural") if s.rural else tr("urban"),
            _h("weak", lang): _yes(s.weak, lang), _h("teachers", lang): len(staff),
            _h("to_pair", lang): len(mentees),
            _h("mandatory", lang): sum(1 for t in mentees if data.is_mandatory(t)),
            _h("paired", lang): paired[s.id], _h("left", lang): len(mentees) - paired[s.id],
            _h("mentors", lang): sum(1 for t in staff if data.is_mentor(t)),
            _h("busy", lang): len(busy[s.id]), _h("given", lang): given[s.id],
            _h("received", lang): received[s.id],
        })
    schools = pd.DataFrame(school_rows)

    notes = []
    if result is not None:
        for n, v in result.objectives.items():
            notes.append({_h("type", lang): tr("objective"),
                          _h("text", lang): f"{_level_label(n, lang)}: {v:g}"})
        for e in result.explanation:
            notes.append({_h("type", lang): tr("explanation"), _h("text", lang): e})
        for w in result.warnings:
            notes.append({_h("type", lang): tr("warning"), _h("text", lang): w})
    kinds = (tr("hard"), tr("soft"))
    figs = figures(pol)
    for rule in RULES:
        kind = kinds[0] if rule.hard else kinds[1]
        notes.append({_h("type", lang): tr("rules"),
                      _h("text", lang): f"{RULES.label(rule.key, lang)} ({kind}): "
                                        f"{rule_doc(rule.key, figs)}"})
    sheets = _sheets(lang)
    return {
        sheets["pairs"]: pairs,
        sheets["loads"]: loads,
        sheets["unpaired"]: unpaired,
        sheets["schools"]: schools,
        sheets["notes"]: pd.DataFrame(notes),
    }


def result_json(data: MentoringData, result: Result[MentorSolution]) -> dict[str, Any]:
    """The machine-readable result."""
    out: dict[str, Any] = {
        "model": "mentoring",
        "input": data.source,
        **result.summary(),
        "status_text": status_text(result.status),
        "warnings": result.warnings,
        "explanation": result.explanation,
    }
    sol = result.solution
    if sol is not None:
        pairs = []
        lookups = score_lookups(data)
        for pr in sorted(sol.pairs, key=lambda x: (x.mentor, x.mentee)):
            m, e = data.teacher[pr.mentor], data.teacher[pr.mentee]
            a, b = _slots(data, pr)
            score = pair_score(data, m, e, lookups=lookups)
            pairs.append({
                "mentor": m.id, "mentee": e.id, "forced": pr.forced,
                "score": sum(score.values()), "score_terms": score,
                "hours": round(pair_load(data, m, e) / 60, 2),
                "mentor_observes": [[d, p] for d, p in a],
                "mentee_observes": [[d, p] for d, p in b],
            })
        out["pairs"] = pairs
        out["unpaired"] = [
            {"mentee": tid, "mandatory": data.is_mandatory(data.teacher[tid]), "reason": r}
            for tid, r in sol.unpaired.items()
        ]
    return out


def write_outputs(
    data: MentoringData, result: Result[MentorSolution], out_dir: str | Path, *,
    lang: str = "zh",
) -> list[Path]:
    """Write pairs.xlsx, csv/, result.json, mentor_loads.png, school_heatmap.png and notice.pdf
    into ``out_dir`` atomically (nothing is written when anything fails)."""
    with use_lang(lang):
        return _write_outputs(data, result, out_dir, lang)


def _write_outputs(data: MentoringData, result: Result[MentorSolution], out_dir: str | Path,
                   lang: str) -> list[Path]:
    from assignments.core.plotting import save_figure
    from assignments.mentoring.notice import NOTICE, print_options, write_notice
    from assignments.mentoring.plot import plot_mentor_loads, plot_school_heatmap

    written: list[Path] = []
    out = Path(out_dir)
    with staged_output(out) as stage:
        write_json(stage / "result.json", result_json(data, result))
        written.append(out / "result.json")
        if result.solution is not None:
            tables = mentoring_tables(data, result.solution, result, lang=lang)
            write_excel(stage / "pairs.xlsx", tables, options=print_options(data, lang=lang))
            write_csv_folder(stage / "csv", tables)
            write_notice(stage / NOTICE, data, result.solution, lang=lang)
            written.append(out / NOTICE)
            ax = plot_mentor_loads(result.solution, data, lang=lang)
            fig = ax.figure
            save_figure(fig, stage / "mentor_loads.png")  # type: ignore[arg-type]
            ax = plot_school_heatmap(result.solution, data, lang=lang)
            save_figure(ax.figure, stage / "school_heatmap.png")  # type: ignore[arg-type]
            written += [out / n for n in ("pairs.xlsx", "csv", "mentor_loads.png",
                                          "school_heatmap.png")]
        else:
            notes = pd.DataFrame({
                _h("type", lang): [tr("explanation")] * len(result.explanation)
                + [tr("warning")] * len(result.warnings),
                _h("text", lang): [*result.explanation, *result.warnings],
            })
            write_excel(stage / "pairs.xlsx", {_sheets(lang)["notes"]: notes})
            written.append(out / "pairs.xlsx")
    return written


def summary_lines(
    data: MentoringData, result: Result[MentorSolution], *, lang: str = "zh", max_rows: int = 15
) -> list[str]:
    """A printed summary: status, levels, counts, some pairs, the unpaired, warnings."""
    with use_lang(lang):
        return _summary_lines(data, result, lang, max_rows)


def _summary_lines(data: MentoringData, result: Result[MentorSolution], lang: str,
                   max_rows: int) -> list[str]:
    s = result.summary()
    gap = "—" if result.gap is None else f"{100 * result.gap:.2f}%"
    lines = [tr("Status: {status}   gap: {gap}   time: {seconds}s",
                status=status_text(result.status), gap=gap, seconds=f"{s['runtime']:.2f}")]
    if result.objectives:
        lines.append(tr("Objective levels") + ": " + ", ".join(
            f"{_level_label(k, lang)} {v:g}" for k, v in result.objectives.items()))
    sol = result.solution
    if sol is not None:
        mentees = [t for t in data.teachers if data.is_mentee(t)]
        mandatory = [t for t in mentees if data.is_mandatory(t)]
        paired = {p.mentee for p in sol.pairs}
        n_mandatory = sum(t.id in paired for t in mandatory)
        lines.append(tr("{pairs} pairs; mandatory mentees paired {mandatory}/{of_mandatory}; "
                        "optional {optional}/{of_optional}", pairs=len(sol.pairs),
                        mandatory=n_mandatory, of_mandatory=len(mandatory),
                        optional=sum(t.id in paired for t in mentees) - n_mandatory,
                        of_optional=len(mentees) - len(mandatory)))
        lookups = score_lookups(data)
        for pr in sorted(sol.pairs, key=lambda x: (x.mentor, x.mentee))[:max_rows]:
            m, e = data.teacher[pr.mentor], data.teacher[pr.mentee]
            cross = tr(" (cross-school)") if m.school != e.school else ""
            lines.append(f"  {m.label} → {e.label}  {'、'.join(e.subjects)}  "
                         f"{data.school[e.school].label}{cross}  "
                         f"{sum(pair_score(data, m, e, lookups=lookups).values())}")
        if len(sol.pairs) > max_rows:
            lines.append(f"  … (+{len(sol.pairs) - max_rows})")
        for tid, reason in list(sol.unpaired.items())[:max_rows]:
            t = data.teacher[tid]
            mark = "★" if data.is_mandatory(t) else ""
            lines.append(tr("Unpaired") + f" {mark}{t.label}: {reason}")
        if len(sol.unpaired) > max_rows:
            lines.append(f"  … (+{len(sol.unpaired) - max_rows})")
    for e in result.explanation[:30]:
        lines.append(e)
    for w in result.warnings[:20]:
        lines.append(tr("Warning") + f": {w}")
    if len(result.warnings) > 20:
        lines.append(tr("… {n} more warnings in the 说明 (notes) sheet",
                        n=len(result.warnings) - 20))
    return lines


# ------------------------------------------------------------------ generic pairing problems


def pairing_tables(
    problem: PairingProblem,
    result: Result[Pairing],
    *,
    names: dict[str, str] | None = None,
    score_scale: int = 1,
    load_scale: int = 1,
    lang: str = "zh",
) -> dict[str, pd.DataFrame]:
    """Tables of a generic pairing (generic files, GAP, schools, placement): pairs, mentor
    loads, unpaired mentees with reasons, notes. Scores and loads are shown in the user's
    units (divided by their scale)."""
    with use_lang(lang):
        return _pairing_tables(problem, result, names=names, score_scale=score_scale,
                               load_scale=load_scale, lang=lang)


def _pairing_tables(problem: PairingProblem, result: Result[Pairing], *,
                    names: dict[str, str] | None, score_scale: int, load_scale: int,
                    lang: str) -> dict[str, pd.DataFrame]:
    from assignments.mentoring.explain import capacity_reasons

    names = names or {}
    p = problem
    pairing = result.solution
    head = {"mentor": trc("pairing column", "mentor"), "mentee": trc("pairing column", "mentee"),
            "mentee_name": trc("pairing column", "mentee name"),
            "name": trc("pairing column", "name"), "score": trc("pairing column", "score"),
            "load": trc("pairing column", "load"), "forced": trc("pairing column", "forced"),
            "count": trc("pairing column", "mentees"), "cap": trc("pairing column", "capacity"),
            "budget": trc("pairing column", "budget"),
            "mandatory": trc("pairing column", "mandatory"),
            "reason": trc("pairing column", "reason")}

    def num(v: int, scale: int) -> float | int:
        return v if scale == 1 else v / scale

    rows, load_rows, un_rows = [], [], []
    if pairing is not None:
        heads = [0] * len(p.mentors)
        used = [0] * len(p.mentors)
        for k in pairing.chosen:
            c = p.candidates[k]
            heads[c.mentor] += 1
            used[c.mentor] += c.load
            m, e = p.mentors[c.mentor], p.mentees[c.mentee]
            rows.append({head["mentor"]: m, head["name"]: names.get(m, ""), head["mentee"]: e,
                         head["mentee_name"]:
                         names.get(e, ""),
                         head["score"]: num(c.score, score_scale),
                         head["load"]: num(c.load, load_scale),
                         head["forced"]: _yes((c.mentor, c.mentee) in p.forced, lang)})
        for i, m in enumerate(p.mentors):
            load_rows.append({head["mentor"]: m, head["name"]: names.get(m, ""),
                              head["count"]: heads[i], head["cap"]: p.capacity[i],
                              head["load"]: num(used[i], load_scale),
                              head["budget"]: None if p.budget[i] is None
                              else num(p.budget[i] or 0, load_scale)})
        reasons = capacity_reasons(p, pairing, load_text=lambda v: f"{num(v, load_scale):g}")
        for e, text in reasons.items():
            un_rows.append({head["mentee"]: p.mentees[e], head["name"]: names.get(p.mentees[e], ""),
                            head["mandatory"]: _yes(p.is_mandatory(e), lang),
                            head["reason"]: text})
    notes = [{"type": tr("objective"), "text": f"{_objective_label(k)}: {v:g}"}
             for k, v in result.objectives.items()]
    notes += [{"type": tr("explanation"), "text": x} for x in result.explanation]
    notes += [{"type": tr("warning"), "text": x} for x in result.warnings]
    if score_scale != 1 or load_scale != 1:
        notes.append({"type": tr("units"),
                      "text": tr("solver units: score × {score}, load × {load}",
                                 score=score_scale, load=load_scale)})
    sheets = _sheets(lang)
    return {sheets["pairs"]: pd.DataFrame(rows), sheets["loads"]: pd.DataFrame(load_rows),
            sheets["unpaired"]: pd.DataFrame(un_rows),
            sheets["notes"]: pd.DataFrame(notes).rename(
                columns={"type": _h("type", lang), "text": _h("text", lang)})}


def _objective_label(name: str) -> str:
    """A generic pairing's objective level (``mandatory``, ``quality``, ``fairness``, or the
    engine's own name) in the current language."""
    return _levels(current_lang()).get(name, name)


def pairing_json(problem: PairingProblem, result: Result[Pairing], *, score_scale: int = 1,
                 load_scale: int = 1) -> dict[str, Any]:
    """Machine-readable result of a generic pairing."""
    out: dict[str, Any] = {"model": "pairing", "instance": problem.name, **result.summary(),
                           "status_text": status_text(result.status),
                           "warnings": result.warnings, "explanation": result.explanation,
                           "score_scale": score_scale, "load_scale": load_scale}
    if result.solution is not None:
        out["pairs"] = [
            {"mentor": problem.mentors[c.mentor], "mentee": problem.mentees[c.mentee],
             "score": problem.candidates[k].score / score_scale,
             "load": problem.candidates[k].load / load_scale}
            for k in result.solution.chosen for c in [problem.candidates[k]]
        ]
    return out


def write_tables(
    out_dir: str | Path, tables: dict[str, pd.DataFrame], data: dict[str, Any], *,
    workbook: str = "pairs.xlsx",
) -> list[Path]:
    """Write a workbook, its CSV folder and result.json atomically."""
    out = Path(out_dir)
    with staged_output(out) as stage:
        write_json(stage / "result.json", data)
        write_excel(stage / workbook, tables)
        write_csv_folder(stage / "csv", tables)
    return [out / "result.json", out / workbook, out / "csv"]


def result_row(name: str, result: Result[Any]) -> str:
    """One line of a batch table: instance, status, objective, bound, gap, time."""
    obj = "—" if result.objective is None else f"{result.objective:,.0f}"
    bound = "—" if result.bound is None else f"{result.bound:,.0f}"
    gap = "—" if result.gap is None else f"{100 * result.gap:.2f}%"
    return (f"{name:<14} {result.status.value:<10} {obj:>12} {bound:>12} {gap:>8} "
            f"{result.runtime:>8.2f}s")


BATCH_HEADER = (f"{'Instance':<14} {'Status':<10} {'Objective':>12} {'Bound':>12} {'Gap':>8} "
                f"{'Time':>9}")
