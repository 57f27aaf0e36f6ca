"""Plots of an allocation and of scenarios, drawn without pyplot (CJK labels render).

Every ``plot_*`` function takes plain tables (``pandas.DataFrame`` / dicts), draws on ``ax`` when
given (else on a new figure) and returns the axes; the amounts are written on the bars, the
axes start at 0 and leave room above the tallest bar. :func:`write_allocation_plots` and
:func:`write_scenario_plots` write the PNG files of ``funding solve`` and ``funding
scenarios``. Every text goes through the message catalogue (``tr``, domain ``plots``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter

from assignments.core.i18n import tr, use_lang
from assignments.core.plotting import department_colors, new_axes, save_figure

if TYPE_CHECKING:
    import pandas as pd

    from assignments.funding.data import FundingData
    from assignments.funding.solution import FundingSolution

__all__ = ["plot_frontier", "plot_milestones", "plot_stacked", "write_allocation_plots",
           "write_scenario_plots"]

_HEADROOM = 1.15  # the value axis goes this far above the tallest bar (room for its total)


def _amount(v: float) -> str:
    """An amount as printed on a bar: thousands separators, one decimal below 100."""
    return f"{v:,.1f}" if abs(v) < 100 and v != int(v) else f"{v:,.0f}"


def _thousands(ax: Axes, axis: str = "y") -> None:
    fmt = FuncFormatter(lambda v, _pos: f"{v:,.0f}")
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def plot_stacked(values: Mapping[str, Mapping[str, float]], *, ax: Axes | None = None,
                 title: str = "", ylabel: str | None = None, scale: float = 10_000.0,
                 legend_title: str = "", labels: Mapping[str, str] | None = None) -> Axes:
    """Stacked bars: one bar per key of ``values`` (a period or a scenario), stacked by the keys
    of the inner mappings (sources or categories); amounts divided by ``scale`` (万元 by
    default). ``labels`` names the parts in the legend (a source's name for its id). Each bar
    carries its total above it and each segment tall enough its amount inside."""
    bars = list(values)
    parts = sorted({k for v in values.values() for k in v})
    names = {p: (labels or {}).get(p, p) for p in parts}
    _fig, ax = new_axes(ax, figsize=(max(7.0, 1.25 * len(bars) + 4), 5.2))
    colors = department_colors(parts)
    bottom = [0.0] * len(bars)
    totals = [sum(values[b].values()) / scale for b in bars]
    top = max(totals, default=0.0) or 1.0
    for part in parts:
        heights = [values[b].get(part, 0) / scale for b in bars]
        drawn = ax.bar(range(len(bars)), heights, bottom=bottom, color=colors[part],
                       label=names[part], edgecolor="white", linewidth=0.6, width=0.7)
        for rect, h in zip(drawn, heights, strict=True):
            if h >= 0.07 * top:
                r, g, b, _a = colors[part]
                dark = 0.299 * r + 0.587 * g + 0.114 * b < 0.55
                ax.text(rect.get_x() + rect.get_width() / 2, rect.get_y() + h / 2, _amount(h),
                        ha="center", va="center", fontsize=7,
                        color="white" if dark else "black")
        bottom = [a + b for a, b in zip(bottom, heights, strict=True)]
    for i, total in enumerate(totals):
        ax.annotate(_amount(total), (i, total), xytext=(0, 3), textcoords="offset points",
                    ha="center", va="bottom", fontsize=8)
    ax.set_xticks(range(len(bars)))
    ax.set_xticklabels(bars, rotation=30 if len(bars) > 4 else 0,
                       ha="right" if len(bars) > 4 else "center")
    ax.set_xlim(-0.6, len(bars) - 0.4)
    ax.set_ylim(0, top * _HEADROOM)
    _thousands(ax)
    ax.set_ylabel(tr("10,000 yuan") if ylabel is None else ylabel)
    if title:
        ax.set_title(title)
    if parts:
        ax.legend(title=legend_title or None, fontsize=8, loc="upper left",
                  bbox_to_anchor=(1.01, 1.0))
    ax.grid(axis="y", alpha=0.3)
    ax.set_axisbelow(True)
    return ax


def plot_milestones(periods: Sequence[str], cumulative_pct: Sequence[float],
                    thresholds: Mapping[int, float], *, ax: Axes | None = None,
                    lang: str | None = None) -> Axes:
    """Cumulative spending (% of the money allocated) by period, with the milestone thresholds;
    every point carries its percentage."""
    with use_lang(lang):
        _fig, ax = new_axes(ax, figsize=(7.5, 4.8))
        xs = list(range(len(periods)))
        ax.plot(xs, cumulative_pct, marker="o", color="#1f77b4", label=tr("cumulative spending"))
        for x, pct in zip(xs, cumulative_pct, strict=True):
            ax.annotate(f"{pct:.0f}%", (x, pct), textcoords="offset points", xytext=(-6, 6),
                        ha="right", va="bottom", fontsize=8, color="#1f77b4")
        for n, (k, pct) in enumerate(sorted(thresholds.items())):
            ax.scatter([k], [pct], marker="_", s=600, color="#d62728", zorder=3,
                       label=tr("milestone required") if n == 0 else None)
            ax.annotate(f"≥{pct:g}%", (k, pct), textcoords="offset points", xytext=(16, -4),
                        color="#d62728", fontsize=8)
        ax.set_xticks(xs)
        ax.set_xticklabels(periods)
        ax.set_xlim(-0.5, max(len(periods) - 0.5, 0.5))
        ax.set_ylim(0, 112)
        ax.set_ylabel(tr("% of the money allocated"))
        ax.set_title(tr("Spending milestones"))
        ax.grid(alpha=0.3)
        ax.legend(loc="lower right")
        return ax


def plot_frontier(budget_yuan: Sequence[float], beneficiaries: Sequence[float], *,
                  ax: Axes | None = None, base_budget: float | None = None,
                  lang: str | None = None) -> Axes:
    """The budget–beneficiaries frontier (weighted beneficiaries of the best plan per budget);
    both axes start at 0, every point carries its value."""
    with use_lang(lang):
        _fig, ax = new_axes(ax, figsize=(7.5, 4.8))
        xs = [b / 10_000 for b in budget_yuan]
        ax.plot(xs, beneficiaries, marker="o", color="#2ca02c",
                label=tr("best plan for the budget"))
        for x, y in zip(xs, beneficiaries, strict=True):
            ax.annotate(f"{y:,.0f}", (x, y), textcoords="offset points", xytext=(0, -10),
                        ha="center", va="top", fontsize=7, color="#2c6e2c", zorder=4,
                        bbox={"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none",
                              "alpha": 0.85})
        if base_budget is not None:
            ax.axvline(base_budget / 10_000, color="grey", linestyle="--",
                       label=tr("base budget"))
        ax.legend(loc="lower right")
        ax.set_xlim(0, max([*xs, (base_budget or 0) / 10_000], default=1.0) * 1.08 or 1.0)
        ax.set_ylim(0, max(beneficiaries, default=1.0) * _HEADROOM or 1.0)
        _thousands(ax, "x")
        _thousands(ax, "y")
        ax.set_xlabel(tr("budget (10,000 yuan)"))
        ax.set_ylabel(tr("weighted beneficiaries"))
        ax.set_title(tr("Budget–beneficiaries frontier"))
        ax.grid(alpha=0.3)
        return ax


def write_allocation_plots(data: FundingData, sol: FundingSolution, folder: Path, *,
                           lang: str | None = None) -> list[str]:
    """Write spending_by_source.png, money_by_category.png and milestones.png; return the
    names."""
    from assignments.funding.data import problem

    with use_lang(lang):
        prob = problem(data)
        by_period_source: dict[str, dict[str, float]] = {t: {} for t in prob.periods}
        by_cat: dict[str, dict[str, float]] = defaultdict(dict)
        for (j, s, t), v in sol.alloc.items():
            d = by_period_source[prob.periods[t]]
            label = data.sources[s].label
            d[label] = d.get(label, 0) + v * prob.unit
            c = data.projects[j].category
            by_cat[c][label] = by_cat[c].get(label, 0) + v * prob.unit
        ax = plot_stacked(by_period_source, title=tr("Spending by period and source"),
                          legend_title=tr("funding source"))
        save_figure(ax.figure, folder / "spending_by_source.png")  # type: ignore[arg-type]
        ax = plot_stacked(dict(sorted(by_cat.items())), title=tr("Money by category and source"),
                          legend_title=tr("funding source"))
        save_figure(ax.figure, folder / "money_by_category.png")  # type: ignore[arg-type]
        per_t = [sum(v for (_j, _s, t), v in sol.alloc.items() if t == k)
                 for k in range(len(prob.periods))]
        total = max(1, sum(per_t))
        cum = [100 * sum(per_t[: k + 1]) / total for k in range(len(per_t))]
        ax = plot_milestones(prob.periods, cum,
                             {k: 100 * a / b for k, a, b in prob.milestones})
        save_figure(ax.figure, folder / "milestones.png")  # type: ignore[arg-type]
    return ["spending_by_source.png", "money_by_category.png", "milestones.png"]


def write_scenario_plots(base: FundingData, outcomes: list[Any], folder: Path, *,
                         frontier: pd.DataFrame | None = None,
                         lang: str | None = None) -> list[str]:
    """Write scenarios_by_category.png, scenarios_by_source.png (sources by name) and, with a
    frontier, frontier.png; return the names."""
    from assignments.funding.data import problem

    names = ["scenarios_by_category.png", "scenarios_by_source.png"]
    with use_lang(lang):
        by_cat = {o.name: o.metrics.get("by_category", {}) for o in outcomes}
        ax = plot_stacked(by_cat, title=tr("Money by scenario and category"),
                          legend_title=tr("category"))
        save_figure(ax.figure, folder / names[0])  # type: ignore[arg-type]
        by_src = {o.name: o.metrics.get("by_source", {}) for o in outcomes}
        ax = plot_stacked(by_src, title=tr("Money by scenario and source"),
                          legend_title=tr("funding source"),
                          labels={s.id: s.label for s in base.sources})
        save_figure(ax.figure, folder / names[1])  # type: ignore[arg-type]
        if frontier is not None and not frontier.empty:
            ok = frontier[frontier["weighted_beneficiaries"].notna()]
            prob = problem(base)
            ax = plot_frontier(list(ok["budget_yuan"]), list(ok["weighted_beneficiaries"]),
                               base_budget=prob.total_budget * prob.unit)
            save_figure(ax.figure, folder / "frontier.png")  # type: ignore[arg-type]
            names.append("frontier.png")
    return names
