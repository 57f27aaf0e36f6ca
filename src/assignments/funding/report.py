"""Allocation outputs a person reads: Excel/CSV tables, ``result.json``, plots, a summary.

Every amount is in yuan; the model's money unit is stated in the notes sheet, ``result.json`` and
the printed summary. The tables reconcile like a ledger: the allocation sheet, the projects
sheet, the sources sheet and the milestones sheet add up to the same money allocated, and
budget − allocated = idle money.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import pandas as pd

from assignments.core.io import staged_output, write_csv_folder, write_excel, write_json
from assignments.core.solver import Result
from assignments.funding.data import KIND_ZH, FundingData, Problem, problem
from assignments.funding.explain import Reason, project_reasons
from assignments.funding.rules import RULES, SWITCHABLE, figures, level_label, switch_label
from assignments.funding.scenarios import MarginalValue
from assignments.funding.solution import FundingSolution, check, coverage, level_order

__all__ = ["allocation_tables", "result_json", "summary_lines", "write_outputs"]

_SHEETS = {
    "zh": {"allocation": "分配明细", "matrix": "项目×来源", "projects": "项目",
           "sources": "资金来源", "villages": "村覆盖", "targets": "覆盖目标",
           "milestones": "支出进度", "rules": "规则",
           "marginal": "边际价值", "notes": "说明"},
    "en": {"allocation": "allocation", "matrix": "project_x_source", "projects": "projects",
           "sources": "sources", "villages": "village_coverage", "targets": "targets",
           "milestones": "milestones", "rules": "rules", "marginal": "marginal_value",
           "notes": "notes"},
}
_C = {
    "project": ("项目编号", "project"), "name": ("名称", "name"), "category": ("类别", "category"),
    "source": ("资金来源", "source"), "period": ("季度", "period"), "yuan": ("金额(元)", "yuan"),
    "villages": ("村", "villages"), "cost": ("总投资(元)", "full cost (yuan)"),
    "level": ("安排比例(%)", "level (%)"), "funded": ("安排资金(元)", "funded (yuan)"),
    "status": ("状态", "status"), "reason": ("原因", "reason"),
    "per10k": ("每万元加权受益", "weighted beneficiaries per 10,000 yuan"),
    "benefit": ("计入加权受益", "weighted beneficiaries counted"),
    "budget": ("到位资金(元)", "arriving (yuan)"), "spent": ("支出(元)", "spent (yuan)"),
    "available": ("累计可用(元)", "available so far (yuan)"),
    "cum_spent": ("累计支出(元)", "spent so far (yuan)"),
    "idle": ("结余(元)", "left (yuan)"), "kind": ("类型", "kind"),
    "poor": ("贫困村", "poor"), "hardship": ("特困村", "special hardship"),
    "n_projects": ("安排项目数", "projects funded"),
    "n_industry": ("产业项目数", "industry projects"),
    "money": ("获得资金(元)", "money received (yuan)"),
    "target": ("目标", "target"), "requirement": ("要求", "requirement"),
    "achieved": ("达到", "achieved"), "shortfall": ("缺口", "shortfall"), "met": ("达标", "met"),
    "cum_pct": ("累计支出比例(%)", "cumulative spending (%)"),
    "threshold": ("进度要求(%)", "milestone (%)"), "rule": ("规则", "rule"),
    "on": ("开启", "on"), "ok": ("检查通过", "checked"), "doc": ("内容", "meaning"),
    "hard": ("性质", "hard/soft"), "domain": ("依据", "DOMAIN reference"),
    "step": ("增加(元)", "added (yuan)"), "d_benefit": ("加权受益增加", "beneficiaries gained"),
    "d_targets": ("达标目标增加", "targets newly met"),
    "entering": ("新进入项目", "projects entering"), "leaving": ("退出项目", "projects leaving"),
    "type": ("类别", "type"), "text": ("内容", "text"),
}
_STATUS = {"zh": {"full": "安排", "partial": "部分安排", "none": "未安排"},
           "en": {"full": "funded", "partial": "partly funded", "none": "not funded"}}


def _h(key: str, lang: str) -> str:
    zh, en = _C[key]
    return zh if lang == "zh" else en


def allocation_tables(
    data: FundingData, result: Result[FundingSolution], *, lang: str = "zh",
    marginal: list[MarginalValue] | None = None, reasons: dict[int, Reason] | None = None,
) -> dict[str, pd.DataFrame]:
    """The output tables of a solved plan (see the module docstring)."""
    assert result.solution is not None
    sol = result.solution
    prob = problem(data)
    u = prob.unit
    h = lambda k: _h(k, lang)  # noqa: E731
    sheets = _SHEETS[lang]
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
            row[src.id] = by_js[(j, s)] * u
        for t, lab in enumerate(T):
            row[lab] = by_jt[(j, t)] * u
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
            h("level"): lv, h("funded"): fund[j] * u, h("status"): _STATUS[lang][st],
            h("reason"): reasons[j].text if j in reasons else "",
            h("per10k"): round(prob.value[j] * 10_000 / max(1, prob.cost[j] * u), 2),
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
        total_row[h("source")] = "合计" if lang == "zh" else "total"
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
            h("villages"): v.id, h("name"): v.name or "", h("poor"): "是" if v.poor else "",
            h("hardship"): "是" if v.special_hardship else "", h("n_projects"): n_v[v.id],
            h("n_industry"): ind_v[v.id], h("money"): round(money_v[v.id]),
            h("met"): ("是" if all(c.met for c in vt) else "否") if vt else "",
            h("shortfall"): "；".join(_short(prob, c) for c in vt if not c.met),
        })
    villages = pd.DataFrame(vil_rows)
    targets = pd.DataFrame([{
        h("target"): c.target.label,
        h("requirement"): _amount(prob, c.target.requirement, c.target),
        h("achieved"): _amount(prob, c.achieved, c.target),
        h("shortfall"): _amount(prob, c.shortfall, c.target),
        h("met"): "是" if c.met else "否"} for c in cov])

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
                        h("met"): "" if thr is None else ("是" if pct + 1e-9 >= thr else "否")})
    ms_rows.append({h("period"): "安排率" if lang == "zh" else "allocation rate",
                    h("spent"): total * u, h("cum_spent"): prob.total_budget * u,
                    h("cum_pct"): round(100 * total / max(1, prob.total_budget), 2),
                    h("threshold"): 100, h("met"): "是" if total == prob.total_budget else "否"})
    milestones = pd.DataFrame(ms_rows)

    rules = _rules_sheet(data, sol, prob, lang)

    out = {sheets["allocation"]: allocation, sheets["matrix"]: matrix,
           sheets["projects"]: projects, sheets["sources"]: sources,
           sheets["villages"]: villages, sheets["targets"]: targets,
           sheets["milestones"]: milestones, sheets["rules"]: rules}
    if marginal is not None:
        out[sheets["marginal"]] = pd.DataFrame([{
            h("source"): m.source, h("step"): m.step_yuan, h("status"): m.status,
            h("d_benefit"): m.delta.get("benefit", 0.0),
            h("d_targets"): -m.delta.get("unmet", 0.0),
            h("entering"): "、".join(m.entering), h("leaving"): "、".join(m.leaving)}
            for m in marginal])
    out[sheets["notes"]] = pd.DataFrame(_notes(data, result, prob, reasons, lang))
    return out


def _rules_sheet(data: FundingData, sol: FundingSolution, prob: Problem,
                 lang: str) -> pd.DataFrame:
    """The 规则 sheet: every rule of :data:`~assignments.funding.rules.RULES` with the
    instance's figures, whether it is on (which switches are off) and whether the plan keeps it."""
    h = lambda k: _h(k, lang)  # noqa: E731
    zh = lang == "zh"
    yes, no, dash = ("是", "否", "—") if zh else ("yes", "no", "—")
    broken = {RULES.rule(v.rule).key for v in check(data, sol, prob)}
    cov = coverage(data, sol, prob)
    order = level_order(data)
    rows = []
    for row in RULES.table(lang, figures(data.policy)):
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
                on = ("部分，关闭：" if zh else "partly, off: ") + "、".join(
                    switch_label(f) if zh else RULES.family(f).en or f for f in off)
            if key == "F7":
                ok = dash  # the subsidies command checks it
            elif key == "F4":
                ok = yes if all(c.met for c in cov) else (
                    f"{no}（{sum(not c.met for c in cov)} 个未达标）" if zh
                    else f"{no} ({sum(not c.met for c in cov)} not met)")
            else:
                ok = no if key in broken else yes
        rows.append({h("rule"): f"{key} {row['label']}", h("hard"): row["kind"], h("on"): on,
                     h("doc"): row["doc"], h("ok"): ok, h("domain"): row["domain"]})
    return pd.DataFrame(rows)


def _amount(prob: Problem, value: float, tg: Any) -> Any:
    if tg.kind == "money":
        return round(value * prob.unit)
    return round(value, 2) if isinstance(value, float) else value


def _short(prob: Problem, c: Any) -> str:
    if c.target.kind == "money":
        return f"{c.target.label} 缺 {c.shortfall * prob.unit:,} 元"
    return f"{c.target.label} 缺 {c.shortfall} {c.target.unit_text}"


def _notes(data: FundingData, result: Result[FundingSolution], prob: Problem,
           reasons: dict[int, Reason], lang: str) -> list[dict[str, str]]:
    zh = lang == "zh"
    t = _h("type", lang)
    x = _h("text", lang)
    rows = [{t: "单位" if zh else "unit",
             x: (f"计算单位：1 单位 = {prob.unit:,} 元；表中金额均为元" if zh else
                 f"model money unit: 1 unit = {prob.unit:,} yuan; every table is in yuan")}]
    if not prob.exact:
        rows.append({t: "单位" if zh else "unit",
                     x: "部分金额已取整到计算单位（成本向上、预算向下）" if zh else
                     "some amounts were rounded to the unit (costs up, budgets down)"})
    for line in result.explanation:
        rows.append({t: "覆盖缺口" if zh else "coverage", x: line})
    for j, rs in sorted(reasons.items()):
        p = data.projects[j]
        rows.append({t: "未安排原因" if zh else "reason", x: f"{p.id} {p.name or ''}: {rs.text}"})
    for w in result.warnings:
        rows.append({t: "警告" if zh else "warning", x: w})
    return rows


def result_json(data: FundingData, result: Result[FundingSolution], *,
                marginal: list[MarginalValue] | None = None,
                reasons: dict[int, Reason] | None = None) -> dict[str, Any]:
    """The machine-readable result (amounts in yuan; the model unit stated)."""
    prob = problem(data)
    out: dict[str, Any] = {
        "model": "funding", "input": data.source, "name": data.name,
        **result.summary(),
        "money_unit": {"yuan_per_unit": prob.unit, "exact": prob.exact,
                       "note": "amounts below are in yuan"},
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
    out["coverage"] = [{"target": c.target.key, "label": c.target.label,
                        "requirement": _amount(prob, c.target.requirement, c.target),
                        "achieved": _amount(prob, c.achieved, c.target),
                        "shortfall": _amount(prob, c.shortfall, c.target), "met": c.met}
                       for c in coverage(data, sol, prob)]
    if marginal is not None:
        out["marginal_value"] = [m.__dict__ for m in marginal]
    return out


def write_outputs(data: FundingData, result: Result[FundingSolution], out_dir: str | Path, *,
                  lang: str = "zh", marginal: list[MarginalValue] | None = None) -> list[Path]:
    """Write funding.xlsx, csv/, result.json, notice.pdf and the plots into ``out_dir``
    atomically."""
    from assignments.core.plotting import save_figure
    from assignments.funding.notice import NOTICE, print_options, write_notice
    from assignments.funding.plot import plot_milestones, plot_stacked

    out = Path(out_dir)
    written: list[Path] = []
    reasons = (project_reasons(data, result.solution, lang=lang)
               if result.solution is not None else None)
    with staged_output(out) as stage:
        write_json(stage / "result.json", result_json(data, result, marginal=marginal,
                                                      reasons=reasons))
        written.append(out / "result.json")
        if result.solution is None:
            notes = pd.DataFrame({_h("type", lang): ["说明" if lang == "zh" else "explanation"]
                                  * len(result.explanation),
                                  _h("text", lang): result.explanation})
            write_excel(stage / "funding.xlsx", {_SHEETS[lang]["notes"]: notes})
            written.append(out / "funding.xlsx")
            return written
        tables = allocation_tables(data, result, lang=lang, marginal=marginal, reasons=reasons)
        write_excel(stage / "funding.xlsx", tables, options=print_options(data, lang=lang))
        write_csv_folder(stage / "csv", tables)
        write_notice(stage / NOTICE, data, result.solution, lang=lang)
        written += [out / "funding.xlsx", out / "csv", out / NOTICE]
        prob = problem(data)
        sol = result.solution
        by_period_source: dict[str, dict[str, float]] = {t: {} for t in prob.periods}
        by_cat: dict[str, dict[str, float]] = defaultdict(dict)
        for (j, s, t), v in sol.alloc.items():
            d = by_period_source[prob.periods[t]]
            label = data.sources[s].label
            d[label] = d.get(label, 0) + v * prob.unit
            c = data.projects[j].category
            by_cat[c][label] = by_cat[c].get(label, 0) + v * prob.unit
        zh = lang == "zh"
        ax = plot_stacked(by_period_source, title="各季度支出（按资金来源）" if zh else
                          "Spending by period and source", ylabel="万元" if zh else "10,000 yuan",
                          legend_title="资金来源" if zh else "source")
        save_figure(ax.figure, stage / "spending_by_source.png")  # type: ignore[arg-type]
        ax = plot_stacked(dict(sorted(by_cat.items())), title="各类别资金（按来源）" if zh else
                          "Money by category and source", ylabel="万元" if zh else "10,000 yuan",
                          legend_title="资金来源" if zh else "source")
        save_figure(ax.figure, stage / "money_by_category.png")  # type: ignore[arg-type]
        per_t = [sum(v for (_j, _s, t), v in sol.alloc.items() if t == k)
                 for k in range(len(prob.periods))]
        total = max(1, sum(per_t))
        cum = [100 * sum(per_t[: k + 1]) / total for k in range(len(per_t))]
        ax = plot_milestones(prob.periods, cum, {k: 100 * a / b for k, a, b in prob.milestones},
                             lang=lang)
        save_figure(ax.figure, stage / "milestones.png")  # type: ignore[arg-type]
        written += [out / n for n in ("spending_by_source.png", "money_by_category.png",
                                      "milestones.png")]
    return written


def summary_lines(data: FundingData, result: Result[FundingSolution], *, lang: str = "zh",
                  marginal: list[MarginalValue] | None = None, max_reasons: int = 15) -> list[str]:
    """A printed summary: status, money, coverage, reasons, marginal values, warnings."""
    zh = lang == "zh"
    prob = problem(data)
    gap = "—" if result.gap is None else f"{100 * result.gap:.2f}%"
    main = result.stats.get("main_level", "benefit")
    name = level_label(main, lang)
    obj = "—" if result.objective is None else f"{result.objective:,.0f}"
    bound = "—" if result.bound is None else f"{result.bound:,.0f}"
    lines = [("状态" if zh else "Status") + f": {result.status.value}   {name}: {obj}   "
             + ("上界" if zh else "bound") + f": {bound}   gap: {gap}   "
             + ("用时" if zh else "time") + f": {result.runtime:.2f}s",
             ("计算单位" if zh else "Money unit") + f": 1 = {prob.unit:,} 元"]
    sol = result.solution
    if sol is not None:
        fund = sol.funding()
        partial = sum(1 for lv in sol.level if 0 < lv < 100)
        lines.append(
            ("预算" if zh else "Budget") + f": {prob.total_budget * prob.unit:,} 元   "
            + ("安排" if zh else "allocated") + f": {sum(fund) * prob.unit:,} 元   "
            + ("结余" if zh else "idle") + f": {(prob.total_budget - sum(fund)) * prob.unit:,} 元")
        lines.append(
            ("项目" if zh else "Projects") + f": {len(sol.funded())}/{prob.n} "
            + ("安排" if zh else "funded") + (f"（其中部分 {partial}）" if zh
                                               else f" ({partial} partly)"))
        people = sum(p.people * sol.level[j] // 100 for j, p in enumerate(data.projects))
        poor = sum(p.poor_people * sol.level[j] // 100 for j, p in enumerate(data.projects))
        lines.append(("受益人口" if zh else "People") + f": {people:,}   "
                     + ("贫困人口" if zh else "poor people") + f": {poor:,}   "
                     + ("加权受益" if zh else "weighted") + f": "
                     f"{int(result.objectives.get('benefit', 0)):,}")
        cov = coverage(data, sol, prob)
        if cov:
            lines.append(("覆盖目标达标" if zh else "Coverage targets met")
                         + f": {sum(c.met for c in cov)}/{len(cov)}")
        for e in result.explanation[:20]:
            lines.append("  " + e)
        reasons = project_reasons(data, sol, prob, lang=lang)
        for j, rs in list(sorted(reasons.items()))[:max_reasons]:
            p = data.projects[j]
            lines.append(f"  {p.id} {p.name or ''}: {rs.text}")
        if len(reasons) > max_reasons:
            lines.append(f"  … {len(reasons) - max_reasons} "
                         + ("个项目的原因见 项目/说明 表" if zh else "more in the projects sheet"))
    else:
        lines += result.explanation
    if marginal:
        lines.append("下一笔 100,000 元的边际价值：" if zh else
                     "Marginal value of the next 100,000 yuan:")
        for m in marginal:
            gain = m.delta.get("benefit", 0.0)
            lines.append(f"  {m.source}: +{gain:,.0f} " + ("加权受益" if zh else "weighted")
                         + (f"，新进入 {'、'.join(m.entering)}" if m.entering and zh else "")
                         + (f", enter: {', '.join(m.entering)}" if m.entering and not zh else ""))
    for w in result.warnings:
        lines.append(("警告" if zh else "Warning") + f": {w}")
    return lines


def write_scenario_outputs(base: FundingData, outcomes: list[Any], out_dir: str | Path, *,
                           frontier: list[Any] | None = None, lang: str = "zh",
                           all_pairs: bool | None = None) -> list[Path]:
    """Write scenarios.xlsx (comparison, enter/leave diffs, frontier), result.json and plots."""
    from assignments.core.plotting import save_figure
    from assignments.funding.plot import plot_frontier, plot_stacked
    from assignments.funding.scenarios import comparison_table, diff_table, frontier_points

    zh = lang == "zh"
    out = Path(out_dir)
    written: list[Path] = []
    table = comparison_table(outcomes, lang=lang)
    pairs = [(outcomes[0], o) for o in outcomes[1:]]
    if all_pairs or (all_pairs is None and len(outcomes) <= 8):
        pairs = [(a, b) for i, a in enumerate(outcomes) for b in outcomes[i + 1:]]
    diffs = [diff_table(a, b, base, lang=lang) for a, b in pairs]
    diff = pd.concat([d for d in diffs if not d.empty], ignore_index=True) if any(
        not d.empty for d in diffs) else pd.DataFrame()
    funded = pd.DataFrame([{("项目" if zh else "project"): p.id,
                            ("名称" if zh else "name"): p.name or "",
                            ("类别" if zh else "category"): p.category,
                            **{o.name: o.funded.get(p.id, 0) for o in outcomes}}
                           for p in base.projects])
    sheets = {("情景对比" if zh else "comparison"): table,
              ("项目进出" if zh else "enter_leave"): diff,
              ("各情景安排比例" if zh else "levels_by_scenario"): funded}
    fr = None
    if frontier:
        fr = frontier_points(frontier)
        sheets["预算前沿" if zh else "frontier"] = fr
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
        by_cat = {o.name: o.metrics.get("by_category", {}) for o in outcomes}
        ax = plot_stacked(by_cat, title="各情景资金（按类别）" if zh else "Money by category",
                          ylabel="万元" if zh else "10,000 yuan",
                          legend_title="类别" if zh else "category")
        save_figure(ax.figure, stage / "scenarios_by_category.png")  # type: ignore[arg-type]
        by_src = {o.name: o.metrics.get("by_source", {}) for o in outcomes}
        ax = plot_stacked(by_src, title="各情景资金（按来源）" if zh else "Money by source",
                          ylabel="万元" if zh else "10,000 yuan",
                          legend_title="资金来源" if zh else "source")
        save_figure(ax.figure, stage / "scenarios_by_source.png")  # type: ignore[arg-type]
        written += [out / "scenarios_by_category.png", out / "scenarios_by_source.png"]
        if fr is not None and not fr.empty:
            ok = fr[fr["weighted_beneficiaries"].notna()]
            ax = plot_frontier(list(ok["budget_yuan"]), list(ok["weighted_beneficiaries"]),
                               base_budget=problem(base).total_budget * problem(base).unit,
                               lang=lang)
            save_figure(ax.figure, stage / "frontier.png")  # type: ignore[arg-type]
            written.append(out / "frontier.png")
    return written
