"""Allocation outputs a person reads: Excel/CSV tables, ``result.json``, plots, a summary.

Every amount is in yuan; the model's money unit is stated in the notes sheet, ``result.json`` and
the printed summary. The tables reconcile like a ledger: the allocation sheet, the projects
sheet, the sources sheet and the milestones sheet add up to the same money allocated, and
budget − allocated = idle money.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from assignments.core.i18n import current_lang, tr, trc, use_lang
from assignments.core.io import staged_output, write_csv_folder, write_excel, write_json
from assignments.core.solver import Result
from assignments.funding.data import (
    KIND_ZH,
    FundingData,
    Problem,
    money_text,
    problem,
    unit_name,
    unit_word,
)
from assignments.funding.explain import Reason, project_reasons
from assignments.funding.rules import (
    RULES,
    SWITCHABLE,
    domain_text,
    figures,
    level_label,
    rule_doc,
    switch_label,
)
from assignments.funding.scenarios import MarginalValue
from assignments.funding.solution import (
    FundingSolution,
    check,
    coverage,
    defaults_used,
    level_order,
    milestone_shortfalls,
    reached,
)
from assignments.funding.speak import speaks, status_text

__all__ = ["allocation_tables", "result_json", "summary_lines", "write_outputs"]


@cache
def _sheets(lang: str) -> dict[str, str]:
    """The sheet names (Chinese by default, English with ``lang="en"``)."""
    with use_lang(lang):
        return {
            "allocation": trc("sheet", "allocation"),
            "matrix": trc("sheet", "project_x_source"),
            "projects": trc("sheet", "projects"),
            "sources": trc("sheet", "sources"),
            "villages": trc("sheet", "village_coverage"),
            "targets": trc("sheet", "targets"),
            "milestones": trc("sheet", "milestones"),
            "rules": trc("sheet", "rules"),
            "marginal": trc("sheet", "marginal_value"),
            "notes": trc("sheet", "notes"),
        }


@cache
def _columns(lang: str) -> dict[str, str]:
    """The column headers (money headers in yuan: :func:`_h` names the workbook's unit)."""
    with use_lang(lang):
        return {
            "project": trc("column", "project"),
            "name": trc("column", "name"),
            "category": trc("column", "category"),
            "source": trc("column", "source"),
            "period": trc("column", "period"),
            "yuan": trc("column", "yuan"),
            "villages": trc("column", "villages"),
            "cost": trc("column", "full cost (yuan)"),
            "level": trc("column", "level (%)"),
            "funded": trc("column", "funded (yuan)"),
            "status": trc("column", "status"),
            "reason": trc("column", "reason"),
            "per10k": trc("column", "declared weighted beneficiaries per 10,000 yuan"),
            "benefit": trc("column", "weighted beneficiaries declared (before village caps)"),
            "budget": trc("column", "arriving (yuan)"),
            "spent": trc("column", "spent (yuan)"),
            "available": trc("column", "available so far (yuan)"),
            "cum_spent": trc("column", "spent so far (yuan)"),
            "idle": trc("column", "left (yuan)"),
            "kind": trc("column", "kind"),
            "poor": trc("column", "poor"),
            "hardship": trc("column", "special hardship"),
            "n_projects": trc("column", "projects funded"),
            "n_industry": trc("column", "industry projects"),
            "money": trc("column", "money received (yuan)"),
            "target": trc("column", "target"),
            "requirement": trc("column", "requirement"),
            "achieved": trc("column", "achieved"),
            "shortfall": trc("column", "shortfall"),
            "met": trc("column", "met"),
            "cum_pct": trc("column", "cumulative spending (%)"),
            "threshold": trc("column", "milestone (%)"),
            "rule": trc("column", "rule"),
            "on": trc("column", "on"),
            "ok": trc("column", "checked"),
            "doc": trc("column", "meaning"),
            "hard": trc("column", "hard/soft"),
            "domain": trc("column", "DOMAIN reference"),
            "step": trc("column", "added (yuan)"),
            "d_benefit": trc("column", "beneficiaries gained"),
            "d_targets": trc("column", "targets newly met"),
            "entering": trc("column", "projects entering"),
            "leaving": trc("column", "projects leaving"),
            "type": trc("column", "type"),
            "text": trc("column", "text"),
            "unit": trc("column", "unit"),
            "per_village": trc("column", "achieved, capped per village"),
        }


@cache
def _status(lang: str) -> dict[str, str]:
    """A project's status word: funded, partly funded, not funded."""
    with use_lang(lang):
        return {
            "full": trc("project status", "funded"),
            "partial": trc("project status", "partly funded"),
            "none": trc("project status", "not funded"),
        }


_UNIT_EN = {1: "yuan", 100: "100 yuan", 1000: "1,000 yuan", 10_000: "10,000 yuan",
            100_000: "100,000 yuan", 1_000_000: "1,000,000 yuan"}


def _h(key: str, lang: str, iu: int = 1) -> str:
    """A column header; money headers name the workbook's unit (``金额(万元)``)."""
    text = _columns(lang)[key]
    if iu != 1:
        text = (text.replace("(元)", f"({unit_name(iu)})") if lang == "zh"
                else text.replace("(yuan)", f"({_UNIT_EN.get(iu, f'{iu:,} yuan')})"))
    return text


def _tidy(df: pd.DataFrame) -> pd.DataFrame:
    """Money converted to the workbook's unit: floats rounded to 4 decimals (no 0.1 noise)."""
    for c in df.columns:
        if df[c].dtype.kind == "f":
            df[c] = df[c].round(4)
    return df


@speaks
def allocation_tables(
    data: FundingData, result: Result[FundingSolution], *, lang: str | None = None,
    marginal: list[MarginalValue] | None = None, reasons: dict[int, Reason] | None = None,
) -> dict[str, pd.DataFrame]:
    """The output tables of a solved plan (see the module docstring)."""
    lang = lang or current_lang()  # set by @speaks; for the type checker
    assert result.solution is not None
    sol = result.solution
    prob = problem(data)
    iu = data.policy.input_unit
    u: float = prob.unit if iu == 1 else prob.unit / iu  # model units -> the workbook's unit
    h = lambda k: _h(k, lang, iu)  # noqa: E731
    assert lang is not None
    money_unit = unit_name(iu) if lang == "zh" else _UNIT_EN.get(iu, f"{iu:,} yuan")
    sheets = _sheets(lang)
    reasons = reasons if reasons is not None else project_reasons(data, sol, prob, lang=lang)
    P, S, T = data.projects, data.sources, prob.periods

    alloc_rows = [{h("project"): P[j].id, h("name"): P[j].name or "", h("category"): P[j].category,
                   h("source"): S[s].id, h("period"): T[t], h("yuan"): v * u}
                  for (j, s, t), v in sorted(sol.alloc.items())]
    allocation = pd.DataFrame(alloc_rows, columns=[h(k) for k in ("project", "name", "category",
                                                                    "source", "period", "yuan")])
    fund = sol.funding()
    matrix_rows = []
    by_js: dict[tuple[int, int], int] = defaultdict(int)
    by_jt: dict[tuple[int, int], int] = defaultdict(int)
    for (j, s, t), v in sol.alloc.items():
        by_js[(j, s)] += v
        by_jt[(j, t)] += v
    for j in sol.funded():
        row: dict[str, Any] = {h("project"): P[j].id, h("name"): P[j].name or ""}
        for s, src in enumerate(S):
            row[f"{src.id}({money_unit})"] = by_js[(j, s)] * u
        for t, lab in enumerate(T):
            row[f"{lab}({money_unit})"] = by_jt[(j, t)] * u
        row[h("funded")] = fund[j] * u
        matrix_rows.append(row)
    matrix = pd.DataFrame(matrix_rows)

    proj_rows = []
    vname = {v.id: v.label for v in data.villages}
    for j, p in enumerate(P):
        lv = sol.level[j]
        st = "full" if lv == 100 else ("partial" if lv else "none")
        proj_rows.append({
            h("project"): p.id, h("name"): p.name or "", h("category"): p.category,
            h("villages"): "、".join(vname.get(v, v) for v in p.villages),
            h("cost"): prob.cost[j] * u,
            h("level"): lv, h("funded"): fund[j] * u, h("status"): _status(lang)[st],
            h("reason"): reasons[j].text if j in reasons else "",
            h("per10k"): round(prob.value[j] * 10_000 / max(1, prob.cost[j] * prob.unit), 2),
            h("benefit"): prob.value[j] * lv // 100,
        })
    projects = pd.DataFrame(proj_rows)

    spent = sol.by_source_period(len(S), len(T))
    src_rows = []
    for s, src in enumerate(S):
        avail = used = 0
        for t, lab in enumerate(T):
            avail += prob.budget[s][t]
            used += spent[s][t]
            src_rows.append({
                h("source"): src.id, h("name"): src.name or "",
                h("kind"): KIND_ZH.get(src.kind, src.kind) if lang == "zh" else src.kind,
                h("period"): lab, h("budget"): prob.budget[s][t] * u, h("spent"): spent[s][t] * u,
                h("available"): (avail if prob.carry_over else prob.budget[s][t]) * u,
                h("cum_spent"): (used if prob.carry_over else spent[s][t]) * u,
                h("idle"): ((avail - used) if prob.carry_over
                            else prob.budget[s][t] - spent[s][t]) * u,
            })
    total_row: dict[str, Any] = dict.fromkeys(src_rows[0] if src_rows else [], "")
    if src_rows:
        total_row[h("source")] = tr("total")
        total_row[h("budget")] = prob.total_budget * u
        total_row[h("spent")] = sum(fund) * u
        total_row[h("idle")] = (prob.total_budget - sum(fund)) * u
        src_rows.append(total_row)
    sources = pd.DataFrame(src_rows)

    cov = coverage(data, sol, prob)
    vil_rows = []
    money_v: dict[str, float] = defaultdict(float)
    n_v: dict[str, int] = defaultdict(int)
    ind_v: dict[str, int] = defaultdict(int)
    for j in sol.funded():
        p = P[j]
        for v in p.villages:
            money_v[v] += fund[j] * u / len(p.villages)
            n_v[v] += 1
            if p.category == data.policy.industry_category:
                ind_v[v] += 1
    for v in data.villages:
        vt = [c for c in cov if c.target.village == v.id]
        vil_rows.append({
            h("villages"): v.id, h("name"): v.name or "", h("poor"): tr("yes") if v.poor else "",
            h("hardship"): tr("yes") if v.special_hardship else "", h("n_projects"): n_v[v.id],
            h("n_industry"): ind_v[v.id], h("money"): round(money_v[v.id], 4),
            h("met"): (tr("yes") if all(c.met for c in vt) else tr("no")) if vt else "",
            h("shortfall"): "；".join(_short(prob, c, iu) for c in vt if not c.met),
        })
    villages = pd.DataFrame(vil_rows)
    got = reached(data, sol)
    field = {"户": "poor_households", "人": "poor_people"}
    targets = pd.DataFrame([{
        h("target"): c.target.label,
        h("unit"): money_unit if c.target.kind == "money" else unit_word(c.target.unit_text),
        h("requirement"): _amount(prob, c.target.requirement, c.target, iu),
        h("achieved"): _amount(prob, c.achieved, c.target, iu),
        h("shortfall"): _amount(prob, c.shortfall, c.target, iu),
        h("met"): tr("yes") if c.met else tr("no"),
        h("per_village"): (got.counted[field[c.target.unit_text]]
                           if c.target.kind == "people" and c.target.unit_text in field else "")}
        for c in cov])

    thresholds = {k: 100 * num / den for k, num, den in prob.milestones}
    per_t = [sum(spent[s][t] for s in range(len(S))) for t in range(len(T))]
    total = sum(per_t)
    cum = 0
    ms_rows = []
    for t, lab in enumerate(T):
        cum += per_t[t]
        pct = 100 * cum / total if total else 0.0
        thr = thresholds.get(t)
        ms_rows.append({h("period"): lab, h("spent"): per_t[t] * u, h("cum_spent"): cum * u,
                        h("cum_pct"): round(pct, 2), h("threshold"): "" if thr is None else thr,
                        h("met"): "" if thr is None else (tr("yes") if pct + 1e-9 >= thr
                                                          else tr("no"))})
    ms_rows.append({h("period"): tr("allocation rate"),
                    h("spent"): total * u, h("cum_spent"): prob.total_budget * u,
                    h("cum_pct"): round(100 * total / max(1, prob.total_budget), 2),
                    h("threshold"): 100,
                    h("met"): tr("yes") if total == prob.total_budget else tr("no")})
    milestones = pd.DataFrame(ms_rows)

    rules = _rules_sheet(data, sol, prob, lang)

    out = {sheets["allocation"]: allocation, sheets["matrix"]: matrix,
           sheets["projects"]: projects, sheets["sources"]: sources,
           sheets["villages"]: villages, sheets["targets"]: targets,
           sheets["milestones"]: milestones, sheets["rules"]: rules}
    if marginal is not None:
        out[sheets["marginal"]] = pd.DataFrame([{
            h("source"): m.source, h("step"): m.step_yuan / iu, h("status"): status_text(m.status),
            h("d_benefit"): m.delta.get("benefit", 0.0),
            h("d_targets"): -m.delta.get("unmet", 0.0),
            h("entering"): "、".join(m.entering), h("leaving"): "、".join(m.leaving)}
            for m in marginal])
    out[sheets["notes"]] = pd.DataFrame(_notes(data, result, prob, reasons, lang))
    return {k: _tidy(df) for k, df in out.items()}


def _rules_sheet(data: FundingData, sol: FundingSolution, prob: Problem,
                 lang: str) -> pd.DataFrame:
    """The 规则 sheet: every rule of :data:`~assignments.funding.rules.RULES` with the
    instance's figures, whether it is on (which switches are off) and whether the plan keeps it."""
    h = lambda k: _h(k, lang)  # noqa: E731
    yes, no, dash = tr("yes"), tr("no"), "—"
    fig = figures(data.policy)
    broken = {RULES.rule(v.rule).key for v in check(data, sol, prob)}
    cov = coverage(data, sol, prob)
    order = level_order(data)
    rows = []
    for row in RULES.table(lang):
        key = row["key"]
        if key.startswith("F."):
            on = yes if key[2:] in order else no
            ok = dash
        else:
            switches = [f for f in SWITCHABLE if RULES.rule(f).key == key]
            off = [f for f in switches if not data.policy.on(f)]
            always = key in ("F0", "F1", "F7") or not switches
            if not off:
                on = yes
            elif len(off) == len(switches) and not always:
                on = no
            else:
                on = tr("partly, off: {switches}", switches=tr(", ").join(
                    switch_label(f) if lang == "zh" else RULES.family(f).en or f for f in off))
            if key == "F7":
                ok = dash  # the subsidies command checks it
            elif key == "F4":
                ok = yes if all(c.met for c in cov) else tr(
                    "{no} ({n} not met)", no=no, n=sum(not c.met for c in cov))
            elif key == "F6" and data.policy.milestone_mode == "soft":
                ok = _soft_f6(data, sol, prob, yes, no)
            else:
                ok = no if key in broken else yes
        kind = row["kind"]
        if key == "F6" and data.policy.milestone_mode == "soft":
            kind = tr("soft (milestone mode soft)")
        rows.append({h("rule"): f"{key} {row['label']}", h("hard"): kind, h("on"): on,
                     h("doc"): rule_doc(row["key"], fig), h("ok"): ok,
                     h("domain"): domain_text(row["domain"])})
    return pd.DataFrame(rows)


def _soft_f6(data: FundingData, sol: FundingSolution, prob: Problem, yes: str,
             no: str) -> str:
    """The 规则 sheet's 检查通过 of a soft F6: yes, or no with each shortfall (amount, %)."""
    iu = data.policy.input_unit
    short = [f for f in milestone_shortfalls(data, sol, prob) if f.short > 0]
    if not short:
        return yes
    items = tr(", ").join(
        tr("{what} short by {amount} ({pct}%)",
           what=(f"{f.source} {f.period}" if f.kind == "assignment" else f.period),
           amount=money_text(f.short * prob.unit, iu), pct=f"{f.pct_short:.1f}")
        for f in short)
    return tr("{no} (soft: {items})", no=no, items=items)


def _amount(prob: Problem, value: float, tg: Any, iu: int = 1) -> Any:
    if tg.kind == "money":
        return round(value * prob.unit) if iu == 1 else round(value * prob.unit / iu, 4)
    return round(value, 2) if isinstance(value, float) else value


def _short(prob: Problem, c: Any, iu: int = 1) -> str:
    if c.target.kind == "money":
        return tr("{target} short by {amount}", target=c.target.label,
                  amount=money_text(c.shortfall * prob.unit, iu))
    return tr("{target} short by {amount}", target=c.target.label,
              amount=f"{c.shortfall} {unit_word(c.target.unit_text)}")


def _notes(data: FundingData, result: Result[FundingSolution], prob: Problem,
           reasons: dict[int, Reason], lang: str) -> list[dict[str, str]]:
    t = _h("type", lang)
    x = _h("text", lang)
    iu = data.policy.input_unit
    unit = tr("unit")
    rows = [{t: unit,
             x: tr("money unit: {unit} (as the input); the solver counts in steps of {step} yuan",
                   unit=unit_name(iu) if lang == "zh" else _UNIT_EN.get(iu, unit_name(iu)),
                   step=f"{prob.unit:,}")}]
    if not prob.exact:
        rows.append({t: unit,
                     x: tr("some amounts were rounded to the unit (costs up, budgets down)")})
    for line in result.explanation:
        if not line.startswith("F6 "):  # F6's lines: below, in this language
            rows.append({t: tr("coverage"), x: line})
    if result.solution is not None:
        from assignments.funding.explain import milestone_lines

        for line in milestone_lines(data, result.solution, prob, lang=lang):
            rows.append({t: RULES.label("F6", lang), x: line})
    if result.solution is not None:
        for line in default_lines(data, result.solution, prob, lang, only_binding=False):
            rows.append({t: tr("default used"), x: line})
        rows.append({t: tr("people counted"), x: reached_line(data, result.solution, lang)})
    for j, rs in sorted(reasons.items()):
        p = data.projects[j]
        rows.append({t: tr("reason"), x: f"{p.id} {p.name or ''}: {rs.text}"})
    for w in result.warnings:
        rows.append({t: tr("warning"), x: w})
    return rows


def default_lines(data: FundingData, sol: FundingSolution, prob: Problem,
                  lang: str | None = None, *, only_binding: bool = True) -> list[str]:
    """One line per default policy figure the plan uses (by default: only those that bind):
    ``特困村最低资金 = 10,000,000 元（方案未设置，使用默认值；起作用：石门村 获得 … 缺 …）``."""
    with use_lang(lang) as now:
        out = []
        for d in defaults_used(data, sol, prob):
            if only_binding and not d.binds:
                continue
            note = d.note_zh if now == "zh" else d.note_en
            name = d.zh if now == "zh" else d.en
            state = tr("binds") if d.binds else tr("does not bind")
            if note:
                out.append(tr("{name} = {value} (default used, not set in 方案; {state}: {note})",
                              name=name, value=d.value, state=state, note=note))
            else:
                out.append(tr("{name} = {value} (default used, not set in 方案; {state})",
                              name=name, value=d.value, state=state))
        return out


def reached_line(data: FundingData, sol: FundingSolution, lang: str | None = None) -> str:
    """How people reached are counted: per village, capped by the village totals, and what the
    projects declare when that is more (the same person in two projects)."""
    r = reached(data, sol)
    with use_lang(lang):
        parts = []
        for k, name in (("people", tr("people")), ("poor_people", tr("poor people")),
                        ("poor_households", tr("poor households"))):
            txt = f"{name} {r.counted[k]:,}"
            if r.declared[k] != r.counted[k]:
                txt += tr(" (the projects declare {n}: people in several projects counted "
                          "again)", n=f"{r.declared[k]:,}")
            parts.append(txt)
        missing = sorted({v for k in ("people", "poor_people", "poor_households")
                          for v in r.uncapped_villages[k]})
        head = tr("counted per village, at most each village's population, poor population and "
                  "poor households: ")
        tail = ""
        if missing:
            tail = tr("; not capped where the village sheet gives no total: {villages}",
                      villages=tr(", ").join(missing))
        return head + ("，" if current_lang() == "zh" else ", ").join(parts) + tail


def result_json(data: FundingData, result: Result[FundingSolution], *,
                marginal: list[MarginalValue] | None = None,
                reasons: dict[int, Reason] | None = None) -> dict[str, Any]:
    """The machine-readable result (amounts in yuan; the model unit stated)."""
    prob = problem(data)
    out: dict[str, Any] = {
        "model": "funding", "input": data.source, "name": data.name,
        **result.summary(),
        "money_unit": {"yuan_per_unit": prob.unit, "exact": prob.exact,
                       "input_unit": unit_name(data.policy.input_unit),
                       "yuan_per_input_unit": data.policy.input_unit,
                       "note": tr("amounts below are in yuan (keys ending _yuan / yuan); the "
                                  "tables and texts are in the input's unit")},
        "explanation": result.explanation, "warnings": result.warnings,
        "levels": result.levels,
    }
    sol = result.solution
    if sol is None:
        return out
    reasons = reasons if reasons is not None else project_reasons(data, sol, prob)
    fund = sol.funding()
    out["budget_yuan"] = prob.total_budget * prob.unit
    out["allocated_yuan"] = sum(fund) * prob.unit
    out["idle_yuan"] = (prob.total_budget - sum(fund)) * prob.unit
    out["allocation"] = [{"project": data.projects[j].id, "source": data.sources[s].id,
                          "period": prob.periods[t], "yuan": v * prob.unit}
                         for (j, s, t), v in sorted(sol.alloc.items())]
    out["projects"] = [{"project": p.id, "level": sol.level[j], "yuan": fund[j] * prob.unit,
                        "reason": reasons[j].code if j in reasons else None,
                        "reason_text": reasons[j].text if j in reasons else None}
                       for j, p in enumerate(data.projects)]
    out["defaults_used"] = [d.__dict__ for d in defaults_used(data, sol, prob)]
    r = reached(data, sol)
    out["people_reached"] = {"rule": tr("per village, capped by the village totals"),
                             "counted": r.counted, "declared_by_projects": r.declared,
                             "uncapped_villages": r.uncapped_villages}
    out["coverage"] = [{"target": c.target.key, "label": c.target.label,
                        "requirement": _amount(prob, c.target.requirement, c.target),
                        "achieved": _amount(prob, c.achieved, c.target),
                        "shortfall": _amount(prob, c.shortfall, c.target), "met": c.met}
                       for c in coverage(data, sol, prob)]
    if marginal is not None:
        out["marginal_value"] = [m.__dict__ for m in marginal]
    return out


@speaks
def write_outputs(data: FundingData, result: Result[FundingSolution], out_dir: str | Path, *,
                  lang: str | None = None,
                  marginal: list[MarginalValue] | None = None) -> list[Path]:
    """Write funding.xlsx, csv/, result.json, notice.pdf and the plots into ``out_dir``
    atomically."""
    lang = lang or current_lang()  # set by @speaks; for the type checker
    from assignments.funding.notice import NOTICE, print_options, write_notice
    from assignments.funding.plot import write_allocation_plots

    out = Path(out_dir)
    written: list[Path] = []
    reasons = (project_reasons(data, result.solution, lang=lang)
               if result.solution is not None else None)
    with staged_output(out) as stage:
        write_json(stage / "result.json", result_json(data, result, marginal=marginal,
                                                      reasons=reasons))
        written.append(out / "result.json")
        if result.solution is None:
            assert lang is not None
            notes = pd.DataFrame({_h("type", lang): [tr("explanation")]
                                  * len(result.explanation),
                                  _h("text", lang): result.explanation})
            write_excel(stage / "funding.xlsx", {_sheets(lang)["notes"]: notes})
            written.append(out / "funding.xlsx")
            return written
        tables = allocation_tables(data, result, lang=lang, marginal=marginal, reasons=reasons)
        write_excel(stage / "funding.xlsx", tables, options=print_options(data, lang=lang))
        write_csv_folder(stage / "csv", tables)
        write_notice(stage / NOTICE, data, result.solution, lang=lang)
        written += [out / "funding.xlsx", out / "csv", out / NOTICE]
        charts = write_allocation_plots(data, result.solution, stage, lang=lang)
        written += [out / n for n in charts]
    return written


@speaks
def summary_lines(data: FundingData, result: Result[FundingSolution], *,
                  lang: str | None = None, marginal: list[MarginalValue] | None = None,
                  max_reasons: int = 15) -> list[str]:
    """A printed summary: status, money, coverage, reasons, marginal values, warnings."""
    prob = problem(data)
    gap = "—" if result.gap is None else f"{100 * result.gap:.2f}%"
    main = result.stats.get("main_level", "benefit")
    name = level_label(main, lang or "zh")
    obj = "—" if result.objective is None else f"{result.objective:,.0f}"
    bound = "—" if result.bound is None else f"{result.bound:,.0f}"
    iu = data.policy.input_unit
    lines = [tr("Status: {status}   {name}: {objective}   bound: {bound}   gap: {gap}   "
                "time: {seconds}s", status=status_text(result.status), name=name, objective=obj,
                bound=bound, gap=gap, seconds=f"{result.runtime:.2f}"),
             tr("Money unit: {unit} (solver steps of {step} yuan)",
                unit=unit_name(iu) if lang == "zh" else _UNIT_EN.get(iu, unit_name(iu)),
                step=f"{prob.unit:,}")]
    sol = result.solution
    if sol is not None:
        fund = sol.funding()
        partial = sum(1 for lv in sol.level if 0 < lv < 100)
        lines.append(tr("Budget: {budget}   allocated: {allocated}   idle: {idle}",
                        budget=money_text(prob.total_budget * prob.unit, iu),
                        allocated=money_text(sum(fund) * prob.unit, iu),
                        idle=money_text((prob.total_budget - sum(fund)) * prob.unit, iu)))
        lines.append(tr("Projects: {funded}/{n} funded ({partial} partly)",
                        funded=len(sol.funded()), n=prob.n, partial=partial))
        got = reached(data, sol)
        lines.append(tr("People: {people}   poor people: {poor}   weighted: {weighted} (counted "
                        "per village, at most the village totals)",
                        people=f"{got.counted['people']:,}",
                        poor=f"{got.counted['poor_people']:,}",
                        weighted=f"{int(result.objectives.get('benefit', 0)):,}"))
        lines.append("  " + reached_line(data, sol, lang))
        cov = coverage(data, sol, prob)
        if cov:
            lines.append(tr("Coverage targets met: {met}/{n}", met=sum(c.met for c in cov),
                            n=len(cov)))
        for c in cov:
            if not c.met:
                short = (money_text(c.shortfall * prob.unit, iu) if c.target.kind == "money"
                         else f"{c.shortfall:,} {unit_word(c.target.unit_text)}")
                lines.append("  " + tr("{target}: short by {amount}", target=c.target.label,
                                       amount=short))
        from assignments.funding.explain import milestone_lines

        for line in milestone_lines(data, sol, prob, lang=lang):
            lines.append("  " + line)
        for d in default_lines(data, sol, prob, lang):
            lines.append("  " + tr("default used: {what}", what=d))
        reasons = project_reasons(data, sol, prob, lang=lang)
        for j, rs in list(sorted(reasons.items()))[:max_reasons]:
            p = data.projects[j]
            lines.append(f"  {p.id} {p.name or ''}: {rs.text}")
        if len(reasons) > max_reasons:
            lines.append("  " + tr("… {n} more in the projects sheet",
                                   n=len(reasons) - max_reasons))
    else:
        lines += result.explanation
    if marginal:
        lines.append(tr("Marginal value of the next 100,000 yuan:"))
        for m in marginal:
            gain = m.delta.get("benefit", 0.0)
            if m.entering:
                lines.append("  " + tr("{source}: +{gain} weighted, enter: {projects}",
                                       source=m.source, gain=f"{gain:,.0f}",
                                       projects=tr(", ").join(m.entering)))
            else:
                lines.append("  " + tr("{source}: +{gain} weighted", source=m.source,
                                       gain=f"{gain:,.0f}"))
    for w in result.warnings:
        lines.append(tr("Warning: {text}", text=w))
    return lines


@speaks
def write_scenario_outputs(base: FundingData, outcomes: list[Any], out_dir: str | Path, *,
                           frontier: list[Any] | None = None, lang: str | None = None,
                           all_pairs: bool | None = None) -> list[Path]:
    """Write scenarios.xlsx (comparison, enter/leave diffs, frontier), result.json and plots."""
    lang = lang or current_lang()  # set by @speaks; for the type checker
    from assignments.funding.plot import write_scenario_plots
    from assignments.funding.scenarios import (
        comparison_table,
        diff_table,
        frontier_points,
        frontier_sheet,
    )

    out = Path(out_dir)
    written: list[Path] = []
    table = comparison_table(outcomes, lang=lang)
    pairs = [(outcomes[0], o) for o in outcomes[1:]]  # each scenario against the base
    if all_pairs:
        pairs = [(a, b) for i, a in enumerate(outcomes) for b in outcomes[i + 1:]]
    diffs = [diff_table(a, b, base, lang=lang) for a, b in pairs]
    diff = pd.concat([d for d in diffs if not d.empty], ignore_index=True) if any(
        not d.empty for d in diffs) else pd.DataFrame()
    funded = pd.DataFrame([{tr("project"): p.id, tr("name"): p.name or "",
                            tr("category"): p.category,
                            **{o.name: o.funded.get(p.id, 0) for o in outcomes}}
                           for p in base.projects])
    sheets = {tr("comparison"): table, tr("enter_leave"): diff,
              tr("levels_by_scenario"): funded}
    fr = None
    if frontier:
        fr = frontier_points(frontier)
        sheets[tr("frontier")] = frontier_sheet(fr)
    with staged_output(out) as stage:
        write_excel(stage / "scenarios.xlsx", sheets)
        write_csv_folder(stage / "csv", sheets)
        write_json(stage / "result.json", {
            "model": "funding-scenarios", "input": base.source,
            "scenarios": [{"name": o.name, "status": o.result.status.value,
                           "objective": o.result.objective, "bound": o.result.bound,
                           "gap": o.result.gap, "runtime": round(o.result.runtime, 3),
                           "objectives": o.result.objectives, "metrics": o.metrics,
                           "funded": o.funded, "explanation": o.result.explanation}
                          for o in outcomes],
            "frontier": None if fr is None else fr.to_dict(orient="records"),
        })
        written += [out / "scenarios.xlsx", out / "csv", out / "result.json"]
        charts = write_scenario_plots(base, outcomes, stage, frontier=fr, lang=lang)
        written += [out / n for n in charts]
    return written
