"""Funding's printable notice (资金分配方案公示表, ``notice.pdf``) and the print titles of
``funding.xlsx``: every funded project with its place, sources, amount and households."""

from __future__ import annotations

from pathlib import Path

from assignments.core.i18n import tr
from assignments.core.notice import Notice, write_notice_pdf
from assignments.core.printsetup import PrintOptions
from assignments.funding.data import FundingData, problem
from assignments.funding.solution import FundingSolution
from assignments.funding.speak import speaks

__all__ = ["NOTICE", "funding_notice", "print_options", "write_notice"]

#: The notice's file name in the output folder.
NOTICE = "notice.pdf"


def _organisation(data: FundingData) -> str | None:
    """The county's name, when the input gives one (an ``organisation`` plan parameter)."""
    value = getattr(data.policy, "organisation", None)
    return str(value) if value else None


def _period(data: FundingData) -> str:
    periods = data.periods
    return f"{periods[0]}–{periods[-1]}" if len(periods) > 1 else periods[0]


@speaks
def print_options(data: FundingData, *, lang: str | None = None) -> PrintOptions:
    """Page header of ``funding.xlsx`` (the county, 资金分配方案, the plan's periods); the columns
    of the project × source sheet (one per source and per period) declared money."""
    assert lang is not None  # @speaks gives the language in force
    return PrintOptions(title=tr("Fund allocation"),
                        organisation=_organisation(data), period=_period(data),
                        money=[*(s.id for s in data.sources), *data.periods], lang=lang)


@speaks
def funding_notice(data: FundingData, sol: FundingSolution, *, lang: str | None = None
                   ) -> Notice:
    """资金分配方案公示表: one row per funded project (id, name, category, villages, sources,
    amount, households — the column left out when no project states them), in the order of the
    project library, a total row; amounts in 万元 when the input's money unit is 万元, else in
    元."""
    assert lang is not None  # @speaks gives the language in force
    unit = problem(data).unit
    wan = getattr(data.policy, "input_unit", 1) == 10_000
    vname = {v.id: v.label for v in data.villages}
    amount: dict[int, int] = {}
    sources: dict[int, set[int]] = {}
    for (j, s, _t), v in sol.alloc.items():
        amount[j] = amount.get(j, 0) + v * unit
        sources.setdefault(j, set()).add(s)

    def money(yuan: float) -> str:
        return f"{yuan / 10_000:,.2f}" if wan else f"{yuan:,.0f}"

    rows: list[list[str]] = []
    households = 0
    for j, p in enumerate(data.projects):
        if not amount.get(j):
            continue
        name = p.name or p.id
        if 0 < sol.level[j] < 100:
            name += tr(" ({level}% funded)", level=sol.level[j])
        households += p.households
        rows.append([str(len(rows) + 1), p.id, name, p.category,
                     "、".join(vname.get(v, v) for v in p.villages) or (p.township or ""),
                     "、".join(data.sources[s].label for s in sorted(sources[j])),
                     money(amount[j]), str(p.households) if p.households else ""])
    total_yuan = sum(amount.values())
    total = ["", tr("Total"), "", "", "", "", money(total_yuan),
             str(households) if households else ""]
    period = _period(data)
    unit_text = tr("10k yuan") if wan else tr("yuan")
    intro = [tr("The fund allocation of {period}: {n} projects funded, {amount} {unit} in all.",
                period=period, n=len(rows), amount=money(total_yuan), unit=unit_text),
             tr("Objections to the projects or amounts may be raised with the programme office "
                "during the publicity period.")]
    closing = [tr("Publicity period: from ________ to ________"),
               tr("Telephone for objections: ________________")]
    columns = [tr("No."), tr("Project"), tr("Name"), tr("Category"), tr("Place"), tr("Sources"),
               tr("Amount ({unit})", unit=unit_text), tr("Households")]
    widths = [0.5, 0.8, 2.2, 0.9, 1.5, 2.0, 1.3, 0.8]
    if not households:  # no project states its households: no empty column
        columns, widths, total = columns[:-1], widths[:-1], total[:-1]
        rows = [r[:-1] for r in rows]
    return Notice(title=tr("Fund allocation: public notice"),
                  subtitle=[period], columns=columns, rows=rows, intro=intro, closing=closing,
                  organisation=_organisation(data), total=total, numeric=(6, 7),
                  widths=widths, lang=lang)


def write_notice(path: Path, data: FundingData, sol: FundingSolution, *,
                 lang: str | None = None) -> Path:
    """Write :func:`funding_notice` as a PDF to ``path``."""
    return write_notice_pdf(path, funding_notice(data, sol, lang=lang))
