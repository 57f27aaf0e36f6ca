"""``assignments funding subsidies``: household subsidies (到户奖补) with rationing."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from assignments.core.cli import (
    InputPath,
    Lang,
    OutDir,
    Seed,
    TimeLimit,
    Workers,
    check_lang,
    fail,
)
from assignments.core.errors import InputError, UserError
from assignments.core.i18n import tr, trc
from assignments.funding.speak import speaks

__all__ = ["register", "subsidy_tables"]

def _status(status: str) -> str:
    """A household's award status in the current language (足额 / paid)."""
    return {"paid": trc("subsidy status", "paid"), "reduced": tr("reduced"),
            "refused": tr("refused"), "ineligible": tr("not eligible")}[status]


@speaks
def subsidy_tables(data: Any, plan: Any, *, lang: str | None = None) -> dict[str, Any]:
    """The households sheet, the by-village summary and the notes of a subsidy plan."""
    import pandas as pd

    zh = lang == "zh"  # 是/否 in Chinese, True/False in English
    apps = {a.id: a for a in data.applications}
    rows = []
    for aw in plan.awards:
        a = apps[aw.household]
        rows.append({
            trc("households", "household"): a.id, trc("households", "name"): a.name or "",
            tr("village"): a.village or "",
            tr("members"): a.members,
            tr("registered poor"): ("是" if a.poor else "否") if zh
            else a.poor,
            tr("area (mu)"): a.area,
            tr("contiguous (mu)"): a.area if a.contiguous is None
            else a.contiguous,
            tr("entitled (yuan)"): aw.entitled,
            tr("paid (yuan)"): aw.paid,
            tr("status"): _status(aw.status),
            tr("reason"): aw.reason,
        })
    households = pd.DataFrame(rows)
    by_v: dict[str, list[int]] = {}
    for aw in plan.awards:
        v = apps[aw.household].village or "—"
        acc = by_v.setdefault(v, [0, 0, 0, 0])
        acc[0] += 1
        acc[1] += aw.paid > 0
        acc[2] += aw.entitled
        acc[3] += aw.paid
    villages = pd.DataFrame([{tr("village"): v,
                              tr("applied"): x[0],
                              tr("paid"): x[1],
                              tr("entitled (yuan)"): x[2],
                              tr("paid (yuan)"): x[3]}
                             for v, x in sorted(by_v.items())])
    notes = pd.DataFrame({tr("text"): [
        *plan.notes,
        tr("budget {budget} 元, entitled {entitled} 元, paid {paid} 元, left {left} 元",
           budget=f"{plan.budget:,}", entitled=f"{plan.entitled:,}", paid=f"{plan.paid:,}",
           left=f"{plan.unallocated:,}")]})
    return {tr("households"): households,
            tr("by_village"): villages, tr("notes"): notes}


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""

    @app.command("subsidies", help=tr("Household subsidies (到户奖补): entitlements, rationing, "
                                      "a reason per household."))
    def subsidies_cmd(
        workbook: InputPath,
        out: OutDir = Path("out"),
        rule: Annotated[str | None, typer.Option(
            "--rule", help=tr("poorest (贫困优先), pro_rata (按比例) or optimal (受益最优); "
                              "default: the workbook's 配给规则."))] = None,
        budget: Annotated[float | None, typer.Option(
            "--budget", help=tr("Programme budget in yuan (default: 奖补预算, "
                                "4,000,000)."))] = None,
        time_limit: TimeLimit = 30.0,
        seed: Seed = 0,
        workers: Workers = 2,
        lang: Lang = "zh",
    ) -> None:
        """Household subsidies (到户奖补): entitlements, rationing, a reason per household."""
        from assignments.core.io import staged_output, write_csv_folder, write_excel, write_json
        from assignments.funding.data import read_funding
        from assignments.funding.subsidies import (
            allocate_subsidies,
            check_subsidies,
            rationing_text,
        )

        check_lang(lang)
        try:
            data = read_funding(workbook)
            if not data.applications:
                raise UserError(tr("{file}: no 到户申请 (household applications) sheet or it is "
                                   "empty", file=workbook.name))
            plan = allocate_subsidies(data, rule, budget=budget, time_limit=time_limit,
                                      seed=seed, workers=workers)
            violations = check_subsidies(data, plan)
            if violations:
                raise RuntimeError(tr("subsidy plan rejected by the checker: {violations}",
                                      violations="; ".join(map(str, violations[:5]))))
            tables = subsidy_tables(data, plan, lang=lang)
            with staged_output(out) as stage:
                write_excel(stage / "subsidies.xlsx", tables)
                write_csv_folder(stage / "csv", tables)
                write_json(stage / "result.json", {
                    "model": "funding-subsidies", "input": str(workbook), "rule": plan.rule,
                    "status": plan.status.value, "budget_yuan": plan.budget,
                    "entitled_yuan": plan.entitled, "paid_yuan": plan.paid,
                    "unallocated_yuan": plan.unallocated, "notes": plan.notes,
                    "households": [aw.__dict__ for aw in plan.awards]})
        except (InputError, UserError, ValueError) as exc:
            fail(str(exc))
            return
        paid = [aw for aw in plan.awards if aw.paid > 0]
        people = sum(a.members for a in data.applications
                     if any(aw.household == a.id and aw.paid > 0 for aw in paid))
        for n in plan.notes:
            typer.echo(n)
        typer.echo(tr("Rule: {rule}   budget: {budget} 元   paid: {paid} 元   left: {left} 元",
                      rule=rationing_text(plan.rule), budget=f"{plan.budget:,}",
                      paid=f"{plan.paid:,}", left=f"{plan.unallocated:,}"))
        counts = {k: sum(aw.status == k for aw in plan.awards)
                  for k in ("paid", "reduced", "refused", "ineligible")}
        typer.echo(tr("Households: {n}   {counts}   people: {people}", n=len(plan.awards),
                      counts="   ".join(f"{_status(k)} {v}" for k, v in counts.items()),
                      people=f"{people:,}"))
        typer.echo(tr("Written: {files}", files=f"{out / 'subsidies.xlsx'}, {out / 'csv'}, "
                                                f"{out / 'result.json'}"))
