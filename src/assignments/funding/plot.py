"""Plots of an allocation and of scenarios, drawn without pyplot (CJK labels render).

Every function takes plain tables (``pandas.DataFrame`` / dicts), draws on ``ax`` when given
(else on a new figure) and returns the axes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from matplotlib.axes import Axes

from assignments.core.plotting import department_colors, new_axes

__all__ = ["plot_frontier", "plot_milestones", "plot_stacked"]


def plot_stacked(values: Mapping[str, Mapping[str, float]], *, ax: Axes | None = None,
                 title: str = "", ylabel: str = "万元", scale: float = 10_000.0,
                 legend_title: str = "") -> Axes:
    """Stacked bars: one bar per key of ``values`` (a period or a scenario), stacked by the keys
    of the inner mappings (sources or categories); amounts divided by ``scale``."""
    bars = list(values)
    parts = sorted({k for v in values.values() for k in v})
    _fig, ax = new_axes(ax, figsize=(max(6.0, 1.1 * len(bars) + 3), 5))
    colors = department_colors(parts)
    bottom = [0.0] * len(bars)
    for part in parts:
        heights = [values[b].get(part, 0) / scale for b in bars]
        ax.bar(range(len(bars)), heights, bottom=bottom, color=colors[part], label=part,
               edgecolor="white", linewidth=0.5)
        bottom = [a + b for a, b in zip(bottom, heights, strict=True)]
    ax.set_xticks(range(len(bars)))
    ax.set_xticklabels(bars, rotation=30 if len(bars) > 4 else 0,
                       ha="right" if len(bars) > 4 else "center")
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    if parts:
        ax.legend(title=legend_title or None, fontsize=8, loc="upper left",
                  bbox_to_anchor=(1.01, 1.0))
    ax.grid(axis="y", alpha=0.3)
    return ax


def plot_milestones(periods: Sequence[str], cumulative_pct: Sequence[float],
                    thresholds: Mapping[int, float], *, ax: Axes | None = None,
                    lang: str = "zh") -> Axes:
    """Cumulative spending (% of the money allocated) by period, with the milestone thresholds."""
    _fig, ax = new_axes(ax, figsize=(7, 4.5))
    xs = list(range(len(periods)))
    ax.plot(xs, cumulative_pct, marker="o", color="#1f77b4",
            label="累计支出" if lang == "zh" else "cumulative spending")
    for n, (k, pct) in enumerate(sorted(thresholds.items())):
        ax.scatter([k], [pct], marker="_", s=600, color="#d62728", zorder=3,
                   label=("进度要求" if lang == "zh" else "milestone") if n == 0 else None)
        ax.annotate(f"{pct:g}%", (k, pct), textcoords="offset points", xytext=(16, -4),
                    color="#d62728", fontsize=9)
    ax.set_xticks(xs)
    ax.set_xticklabels(periods)
    ax.set_ylim(0, 105)
    ax.set_ylabel("%")
    ax.set_title("支出进度" if lang == "zh" else "Spending milestones")
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right")
    return ax


def plot_frontier(budget_yuan: Sequence[float], beneficiaries: Sequence[float], *,
                  ax: Axes | None = None, base_budget: float | None = None,
                  lang: str = "zh") -> Axes:
    """The budget–beneficiaries frontier (weighted beneficiaries of the best plan per budget)."""
    _fig, ax = new_axes(ax, figsize=(7, 4.5))
    xs = [b / 10_000 for b in budget_yuan]
    ax.plot(xs, beneficiaries, marker="o", color="#2ca02c")
    if base_budget is not None:
        ax.axvline(base_budget / 10_000, color="grey", linestyle="--",
                   label="基准预算" if lang == "zh" else "base budget")
        ax.legend(loc="lower right")
    ax.set_xlabel("预算（万元）" if lang == "zh" else "budget (10,000 yuan)")
    ax.set_ylabel("加权受益人数" if lang == "zh" else "weighted beneficiaries")
    ax.set_title("预算—受益前沿" if lang == "zh" else "Budget–beneficiaries frontier")
    ax.grid(alpha=0.3)
    return ax
