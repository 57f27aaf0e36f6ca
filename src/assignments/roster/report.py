"""Roster outputs a person reads: tables (Excel/CSV), ``result.json``, the Gantt PNG, a summary."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pandas as pd

from assignments.core.i18n import tr, trc, use_lang
from assignments.core.io import staged_output, write_csv_folder, write_excel, write_json
from assignments.core.solver import Result
from assignments.roster.data import DeferralDecision, RosterData
from assignments.roster.ledger import EntryKind, build_ledger, rotation_money
from assignments.roster.rules import RULES, describe, level_label, source
from assignments.roster.schedule import Schedule, schedule_of
from assignments.roster.solution import RosterSolution

__all__ = [
    "people_table",
    "planned_spread",
    "roster_tables",
    "rules_table",
    "summary_lines",
    "write_outputs",
]

def _kind(kind: str, lang: str) -> str:
    """A rotation's kind (本科室轮次 / own turn)."""
    with use_lang(lang):
        return {"turn": tr("own turn"), "pulled": tr("promotion, pulled forward"),
                "swap": tr("seat swap"), "redo": tr("re-dispatch")}[kind]


def _sheet(key: str, lang: str) -> str:
    """A sheet's name (排班 / roster)."""
    with use_lang(lang):
        return {
            "roster": tr("roster"),
            "departments": tr("departments"),
            "money": tr("money"),
            "money_summary": tr("money_summary"),
            "money_quarter": tr("money_by_quarter"),
            "notes": tr("notes"),
            "rules": tr("rules"),
            "people_stats": tr("people"),
        }[key]


def _h(key: str, lang: str) -> str:
    """A column header (季度 / quarter)."""
    with use_lang(lang):
        return {
            "quarter": tr("quarter"),
            "start": tr("handover day"),
            "end": tr("last day"),
            "center": tr("health center"),
            "staff": tr("staff id"),
            "name": tr("name"),
            "department": tr("department"),
            "title": tr("title"),
            "specialty": tr("specialty"),
            "kind": tr("kind"),
            "note": tr("note"),
            "order": tr("order"),
            "turns": tr("turns"),
            "sent": tr("people sent"),
            "deferrals": tr("deferrals"),
            "pulled": tr("candidates pulled forward"),
            "swaps": tr("seat swaps"),
            "reward": tr("department reward (yuan)"),
            "year": tr("year"),
            "subsidy": tr("rural subsidy (yuan)"),
            "total": tr("total (yuan)"),
            "people": tr("rotations"),
            "type": tr("type"),
            "text": tr("text"),
            "past": tr("past rotations"),
            "planned": tr("planned rotations"),
            "quarters": tr("quarters"),
            "total_rotations": tr("total rotations"),
            "planned_min": tr("planned per person, min"),
            "planned_max": tr("planned per person, max"),
        }[key]


def _turns_text(data: RosterData, sched: Schedule, dept: str) -> str:
    parts = []
    for t in sched.turns:
        if t.dept != dept or not t.seats:
            continue
        where = ", ".join(
            f"{data.policy.first_quarter + q}×{n}" for q, n in sorted(t.seats.items())
        )
        parts.append(f"C{t.cycle + 1}: {where}" + (" …" if t.beyond else ""))
    return "; ".join(parts)


def seat_swaps(data: RosterData, sol: RosterSolution, lang: str = "zh") -> dict[str, list[str]]:
    """Department id -> one line per seat it gave or got back (科室汇总 席位调换).

    Rule R6: a pulled-forward candidate takes a seat of the department whose turn it is; that
    department gets it back at the candidate's department's turn (the quarter the candidate is
    credited to), where the candidate's department sends one fewer and the giver fills the
    seat. Rule R10: a re-dispatched person's seat is paid back the same way, at their own
    department's next turn."""
    staff = {s.id: s for s in data.staff}
    depts = {d.id: d.label for d in data.departments}
    first = data.policy.first_quarter
    fillers: dict[tuple[str, int], list[str]] = defaultdict(list)
    for a in sorted(sol.assignments, key=lambda a: a.staff):
        if a.kind == "swap" and a.staff in staff:
            fillers[(staff[a.staff].department, a.quarter)].append(staff[a.staff].label)
    out: dict[str, list[str]] = defaultdict(list)
    for a in sorted(sol.assignments, key=lambda a: (a.quarter, a.staff)):
        if a.kind not in ("pulled", "redo") or a.staff not in staff or a.seat_from is None:
            continue
        s = staff[a.staff]
        g, d = a.seat_from, s.department
        k = a.credit_quarter
        who = fillers[(g, k)].pop(0) if k is not None and fillers[(g, k)] else ""
        if k is None:
            back = tr("{giver} gets it back after the programme, at {dept}'s next turn",
                      lang=lang, giver=depts[g], dept=depts[d])
        elif who:
            back = tr("{giver} gets it back in {quarter}: {dept} sends one fewer, {who} of "
                      "{giver} fills it", lang=lang, giver=depts[g], quarter=first + k,
                      dept=depts[d], who=who)
        else:
            back = tr("{giver} gets it back in {quarter}: {dept} sends one fewer", lang=lang,
                      giver=depts[g], quarter=first + k, dept=depts[d])
        if a.kind == "redo":
            text = tr("{giver} gave its {quarter} seat to {name} (re-dispatched) ({dept}); "
                      "{back}", lang=lang, giver=depts[g], quarter=first + a.quarter,
                      name=s.label, dept=depts[d], back=back)
        else:
            text = tr("{giver} gave its {quarter} seat to {name} ({dept}); {back}", lang=lang,
                      giver=depts[g], quarter=first + a.quarter, name=s.label, dept=depts[d],
                      back=back)
        out[g].append(text)
        if d != g:
            out[d].append(text)
    return out


def roster_tables(
    data: RosterData, sol: RosterSolution, result: Result[Any] | None = None, *, lang: str = "zh"
) -> dict[str, pd.DataFrame]:
    """The output tables: roster, departments, money (per rotation and summary), notes."""
    staff = {s.id: s for s in data.staff}
    depts = {d.id: d for d in data.departments}
    centers = {c.id: c for c in data.centers}
    first = data.policy.first_quarter
    sched = schedule_of(data, sol.deferrals)
    rows = []
    for a in sorted(sol.assignments, key=lambda a: (a.quarter, a.center, a.staff)):
        s = staff[a.staff]
        note = ""
        if a.kind == "pulled":
            credit = (
                str(first + a.credit_quarter)
                if a.credit_quarter is not None
                else tr("programme end", lang=lang)
            )
            seat = depts[a.seat_from].label if a.seat_from else "?"
            note = tr("seat from {seat}; counts for {department} in {credit}", lang=lang,
                      seat=seat, department=depts[s.department].label, credit=credit)
        elif a.kind == "redo":
            seat = depts[a.seat_from].label if a.seat_from else "?"
            note = tr("re-dispatched after the assessment; seat from {seat}", lang=lang,
                      seat=seat)
        elif a.kind == "swap":
            note = tr("fills the seat its department gave to a promotion candidate", lang=lang)
        rows.append(
            {
                _h("quarter", lang): str(first + a.quarter),
                _h("start", lang): a.start.isoformat(),
                _h("end", lang): a.end.isoformat(),
                _h("center", lang): centers[a.center].label,
                _h("staff", lang): a.staff,
                _h("name", lang): s.label,
                _h("department", lang): depts[s.department].label,
                _h("title", lang): _title_text(s, lang),
                _h("specialty", lang): data.specialty(s) or "",
                _h("kind", lang): _kind(a.kind, lang),
                _h("note", lang): note,
            }
        )
    roster = pd.DataFrame(rows)

    sent = Counter(staff[a.staff].department for a in sol.assignments)
    rewards: Counter[str] = Counter()  # from the ledger (the single source of money figures)
    for e in build_ledger(data, sol.assignments).entries:
        if e.kind is EntryKind.REWARD:
            rewards[e.department] += e.amount
    pulled: dict[str, list[str]] = defaultdict(list)
    for a in sol.assignments:
        if a.kind == "pulled":
            pulled[staff[a.staff].department].append(
                f"{staff[a.staff].label} ({first + a.quarter})"
            )
    deferred: dict[str, list[str]] = defaultdict(list)
    labels = {
        "next": tr("next", lang=lang),
        "last": tr("last", lang=lang),
        "auto": tr("auto", lang=lang),
    }
    asked_auto = {(r.department, r.quarter - first) for r in data.deferrals
                  if r.decision is DeferralDecision.AUTO}
    cycles_of = {d: sorted(c for (dd, c) in sched.choices if dd == d) for d, _, _ in sol.deferrals}
    for d, q, dec in sorted(sol.deferrals, key=lambda r: r[1]):
        c = cycles_of[d].pop(0) if cycles_of[d] else 0
        auto = tr(" (solver)", lang=lang) if (d, q) in asked_auto else ""
        deferred[d].append(f"C{c + 1}: {labels[dec.value]}{auto} ({first + q})")
    for d, q, dec in sol.not_needed:  # R5: a request that would move nothing
        deferred[d].append(tr("{quarter} {decision}: not needed (changes nobody's seats; "
                              "deferral not used)", lang=lang, quarter=first + q,
                              decision=labels[dec.value]))
    swapped = seat_swaps(data, sol, lang)
    people_stats = people_table(data, sol, lang=lang)
    planned = Counter(a.staff for a in sol.assignments)
    spread = planned_spread(data, planned)
    dept_rows = []
    for d in data.departments:
        dept_rows.append(
            {
                _h("order", lang): d.order,
                _h("department", lang): d.label,
                _h("turns", lang): _turns_text(data, sched, d.id),
                _h("sent", lang): sent[d.id],
                _h("planned_min", lang): spread[d.id][0],
                _h("planned_max", lang): spread[d.id][1],
                _h("deferrals", lang): "; ".join(deferred[d.id]),
                _h("pulled", lang): "; ".join(pulled[d.id]),
                _h("swaps", lang): "; ".join(swapped[d.id]),
                _h("reward", lang): rewards[d.id],
            }
        )
    departments = pd.DataFrame(dept_rows)

    # money per rotation from the ledger (the single source of money figures)
    money = rotation_money(data, sol.assignments, lang=lang)
    if not money.empty:
        summary = (
            money.groupby([_h("department", lang), _h("year", lang)], sort=True)
            .agg(
                **{
                    _h("people", lang): (_h("staff", lang), "count"),
                    _h("subsidy", lang): (_h("subsidy", lang), "sum"),
                    _h("reward", lang): (_h("reward", lang), "sum"),
                    _h("total", lang): (_h("total", lang), "sum"),
                }
            )
            .reset_index()
        )
        total_row: dict[str, object] = {c: "" for c in summary.columns}
        total_row[_h("department", lang)] = tr("total", lang=lang)
        for c in (_h("people", lang), _h("subsidy", lang), _h("reward", lang), _h("total", lang)):
            total_row[c] = int(summary[c].sum())
        summary = pd.concat([summary, pd.DataFrame([total_row])], ignore_index=True)
        by_quarter = (
            money.groupby([_h("year", lang), _h("quarter", lang)], sort=True)
            .agg(**{
                _h("people", lang): (_h("staff", lang), "count"),
                _h("subsidy", lang): (_h("subsidy", lang), "sum"),
                _h("reward", lang): (_h("reward", lang), "sum"),
                _h("total", lang): (_h("total", lang), "sum"),
            })
            .reset_index()
        )
    else:
        summary = by_quarter = pd.DataFrame()

    notes = []
    if result is not None:
        for w in result.warnings:
            notes.append(
                {_h("type", lang): tr("warning", lang=lang), _h("text", lang): w}
            )
        for e in result.explanation:
            notes.append(
                {_h("type", lang): tr("explanation", lang=lang), _h("text", lang): e}
            )
    notes.append(
        {
            _h("type", lang): tr("calendar", lang=lang),
            _h("text", lang): data.calendar.source(),
        }
    )
    return {
        _sheet("roster", lang): roster,
        _sheet("departments", lang): departments,
        _sheet("people_stats", lang): people_stats,
        _sheet("money", lang): money,
        _sheet("money_summary", lang): summary,
        _sheet("money_quarter", lang): by_quarter,
        _sheet("notes", lang): pd.DataFrame(notes),
        _sheet("rules", lang): rules_table(data, lang),
    }


def _title_text(s: Any, lang: str) -> str:
    """The title as written with its level (主治医师（中级）), or the level alone."""
    level = s.title.value if lang == "zh" else s.title.en
    if s.title_name and s.title_name != s.title.value:
        return f"{s.title_name}（{level}）" if lang == "zh" else f"{s.title_name} ({level})"
    return level


def planned_spread(data: RosterData, planned: Counter[str]) -> dict[str, tuple[int, int]]:
    """Per department: the fewest and the most rotations a member has in this roster."""
    counts: dict[str, list[int]] = defaultdict(list)
    for s in data.staff:
        counts[s.department].append(planned[s.id])
    return {d.id: (min(counts[d.id], default=0), max(counts[d.id], default=0))
            for d in data.departments}


def people_table(data: RosterData, sol: RosterSolution, *, lang: str = "zh") -> pd.DataFrame:
    """The 人员统计 sheet: every person with past rotations (下乡次数), rotations planned in
    this roster, their quarters, and the total — what fairness (level 4, rule R11) counts."""
    depts = {d.id: d for d in data.departments}
    first = data.policy.first_quarter
    quarters: dict[str, list[int]] = defaultdict(list)
    for a in sol.assignments:
        quarters[a.staff].append(a.quarter)
    rows = []
    for s in sorted(data.staff, key=lambda s: (depts[s.department].order, s.id)):
        qs = sorted(quarters[s.id])
        rows.append(
            {
                _h("staff", lang): s.id,
                _h("name", lang): s.label,
                _h("department", lang): depts[s.department].label,
                _h("title", lang): _title_text(s, lang),
                _h("past", lang): s.times_served,
                _h("planned", lang): len(qs),
                _h("quarters", lang): "、".join(str(first + q) for q in qs),
                _h("total_rotations", lang): s.times_served + len(qs),
            }
        )
    return pd.DataFrame(rows)


def rules_table(data: RosterData, lang: str = "zh") -> pd.DataFrame:
    """The rules of DOMAIN §R from the registry, with this instance's figures: the 规则 sheet."""
    with use_lang(lang):
        head = (tr("rule"), tr("label"), tr("kind"), trc("rules", "source"), tr("doc"))
        rows = RULES.table(lang)
        return pd.DataFrame([dict(zip(head, (r["key"], r["label"], r["kind"], source(r["key"]),
                                             describe(r["key"], data)), strict=True))
                             for r in rows])


def result_json(
    data: RosterData, result: Result[RosterSolution], extra: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The machine-readable result (``extra``: further top-level entries, e.g. re-planning)."""
    first = data.policy.first_quarter
    out: dict[str, Any] = {
        "model": "roster",
        "input": data.source,
        **result.summary(),
        "status_text": status_text(result.status),  # for people; "status" is for programs
        "warnings": result.warnings,
        "explanation": result.explanation,
        **(extra or {}),
    }
    if result.solution is not None:
        out["assignments"] = [
            {
                "staff": a.staff,
                "quarter": str(first + a.quarter),
                "center": a.center,
                "start": a.start.isoformat(),
                "end": a.end.isoformat(),
                "kind": a.kind,
                "seat_from": a.seat_from,
                "credit_quarter": None
                if a.credit_quarter is None
                else str(first + a.credit_quarter),
            }
            for a in sorted(
                result.solution.assignments, key=lambda a: (a.quarter, a.center, a.staff)
            )
        ]
    return out


def write_outputs(
    data: RosterData,
    result: Result[RosterSolution],
    out_dir: str | Path,
    *,
    lang: str = "zh",
    extra_sheets: dict[str, pd.DataFrame] | None = None,
    extra_json: dict[str, Any] | None = None,
) -> list[Path]:
    """Write roster.xlsx, csv/, result.json, the charts (roster_gantt.png, or one per year when
    large: see roster.plot.write_roster_plots) and notice.pdf into ``out_dir`` atomically.

    ``extra_sheets`` are placed right after the roster sheet (re-planning: 变更, 事件);
    ``extra_json`` entries are added to ``result.json``.
    """
    from assignments.roster.notice import NOTICE, print_options, write_notice
    from assignments.roster.plot import write_roster_plots

    written: list[Path] = []
    with staged_output(out_dir) as stage:
        with use_lang(lang):
            write_json(stage / "result.json", result_json(data, result, extra_json))
        written.append(Path(out_dir) / "result.json")
        if result.solution is not None:
            tables = roster_tables(data, result.solution, result, lang=lang)
            if extra_sheets:
                names = list(tables)
                tables = {
                    names[0]: tables[names[0]],
                    **extra_sheets,
                    **{n: tables[n] for n in names[1:]},
                }
            write_excel(stage / "roster.xlsx", tables, options=print_options(data, lang=lang))
            write_csv_folder(stage / "csv", tables)
            write_notice(stage / NOTICE, data, result.solution, lang=lang)
            written.append(Path(out_dir) / NOTICE)
            charts = write_roster_plots(data, result.solution, stage, lang=lang)
            written += [Path(out_dir) / n for n in ("roster.xlsx", "csv", *charts)]
        else:
            notes = pd.DataFrame(
                {
                    _h("type", lang): [tr("explanation", lang=lang)] * len(result.explanation)
                    + [tr("warning", lang=lang)] * len(result.warnings),
                    _h("text", lang): [*result.explanation, *result.warnings],
                }
            )
            write_excel(stage / "roster.xlsx", {_sheet("notes", lang): notes})
            written.append(Path(out_dir) / "roster.xlsx")
    return written


def status_text(status: Any) -> str:
    """A solve status as people read it (``optimal`` → 最优 in Chinese); result.json keeps the
    English value for programs."""
    return {
        "optimal": tr("optimal"),
        "feasible": tr("feasible (not proven optimal)"),
        "infeasible": tr("infeasible"),
        "unknown": tr("unknown (no roster found in the time limit)"),
        "invalid": tr("invalid model"),
    }.get(str(getattr(status, "value", status)), str(getattr(status, "value", status)))


def summary_lines(
    data: RosterData, result: Result[RosterSolution], *, lang: str = "zh", max_rows: int = 40
) -> list[str]:
    """A printed summary: status, figures, the roster (short), explanations, warnings."""
    with use_lang(lang):
        return _summary_lines(data, result, max_rows)


def _summary_lines(data: RosterData, result: Result[RosterSolution], max_rows: int) -> list[str]:
    lines = []
    s = result.summary()
    gap = "—" if result.gap is None else f"{100 * result.gap:.2f}%"
    where = s.get("gap_level")
    head = tr("Status: {status}   gap: {gap}", status=status_text(result.status), gap=gap)
    if where:
        head += f" ({level_label(where)})"
    if data.policy.objective_mode == "weighted" and result.objective is not None:
        head += tr("   objective: {objective}   bound: {bound}",
                   objective=f"{result.objective:,.0f}", bound=f"{result.bound:,.0f}")
    head += tr("   time: {seconds}s   engine: {engine}", seconds=f"{s['runtime']:.2f}",
               engine=s.get("engine", ""))
    lines.append(head)
    if result.objectives:
        lines.append(
            tr("Objective levels (smaller is better): {levels}", levels=", ".join(
                f"{level_label(k)} {v:g}" for k, v in result.objectives.items()))
        )
    sol = result.solution
    if sol is not None:
        staff = {x.id: x for x in data.staff}
        centers = {c.id: c for c in data.centers}
        depts = {d.id: d for d in data.departments}
        first = data.policy.first_quarter
        by_q: dict[int, list[str]] = defaultdict(list)
        for a in sorted(sol.assignments, key=lambda a: (a.quarter, a.center, a.staff)):
            mark = {"pulled": "★", "swap": "↺", "redo": "⟳"}.get(a.kind, "")
            by_q[a.quarter].append(
                f"{centers[a.center].label}:{staff[a.staff].label}{mark}"
                f"({depts[staff[a.staff].department].label})"
            )
        for q in sorted(by_q)[:max_rows]:
            start = next(a.start for a in sol.assignments if a.quarter == q)
            people = by_q[q]
            shown = "、".join(people[:12]) + (
                f" … (+{len(people) - 12})" if len(people) > 12 else ""
            )
            lines.append(f"  {first + q} [{start}] {shown}")
        sent = len(sol.assignments)
        spread = planned_spread(data, Counter(a.staff for a in sol.assignments))
        lo = min((v[0] for v in spread.values()), default=0)
        hi = max((v[1] for v in spread.values()), default=0)
        uneven = [depts[d].label for d, (a, b) in spread.items() if b - a >= 2]
        lines.append(
            tr("Rotations per person in this roster: min {lo}, max {hi}", lo=lo, hi=hi)
            + (tr("; departments differing by 2 or more: {departments}",
                  departments="、".join(uneven)) if uneven else "")
            + tr(" (see sheets people, departments)")
        )
        ledger = build_ledger(data, sol.assignments)
        lines.append(tr("Rotations: {sent}   subsidies: {subsidy} yuan   department rewards: "
                        "{reward} yuan", sent=sent,
                        subsidy=f"{ledger.total(EntryKind.SUBSIDY):,}",
                        reward=f"{ledger.total(EntryKind.REWARD):,}"))
    for e in result.explanation[:30]:
        lines.append(e)
    if len(result.explanation) > 30:
        lines.append(tr("… {n} more in the notes sheet", n=len(result.explanation) - 30))
    for w in result.warnings:
        lines.append(tr("Warning: {warning}", warning=w))
    return lines
