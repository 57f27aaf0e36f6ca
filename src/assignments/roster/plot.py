"""Gantt-style grid of a rotation roster (centers × quarters), drawn without pyplot."""

from __future__ import annotations

import math
import re

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import Patch, Rectangle
from matplotlib.transforms import offset_copy

from assignments.core.plotting import department_colors, new_axes, setup_cjk_font

__all__ = ["plot_roster_gantt"]

_REQUIRED = ("quarter", "center", "department", "staff")
_LARGE_ROSTER = 200  # above this many rows, names are omitted and only bars are drawn
_CANDIDATE_MARK = "★"

_LABELS = {
    "zh": {
        "x": "季度",
        "y": "卫生院",
        "title": "下乡轮转排班",
        "candidate": f"{_CANDIDATE_MARK} 晋升候选人",
        "empty": "无排班数据",
        "legend": "科室",
    },
    "en": {
        "x": "Quarter",
        "y": "Health center",
        "title": "Rotation roster",
        "candidate": f"{_CANDIDATE_MARK} promotion candidate",
        "empty": "No assignments",
        "legend": "Department",
    },
}

_PAD = 0.12  # blank space (in slot units) above and below the sub-bars of a center band
_CELL_GAP = 0.04  # horizontal gap on each side of a bar inside a quarter cell
_BAR_GAP = 0.08  # vertical gap between stacked sub-bars (fraction of a slot)


def _prepare(rows: pd.DataFrame) -> pd.DataFrame:
    missing = [col for col in _REQUIRED if col not in rows.columns]
    if missing:
        raise ValueError(f"roster rows are missing column(s): {', '.join(missing)}")
    df = rows.loc[:, list(_REQUIRED)].astype(str)
    if "candidate" in rows.columns:
        df["candidate"] = [bool(v) if pd.notna(v) else False for v in rows["candidate"]]
    else:
        df["candidate"] = False
    return df


def _natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that orders "卫生院2" before "卫生院10"."""
    return tuple(
        (0, int(part)) if part.isascii() and part.isdigit() else (1, part)
        for part in re.split(r"([0-9]+)", text)
        if part
    )


def _text_color(rgba: tuple[float, ...]) -> str:
    r, g, b = rgba[:3]
    luminance = 0.299 * r + 0.587 * g + 0.114 * b
    return "black" if luminance > 0.55 else "white"


def _auto_figsize(n_quarters: int, n_slots: int, show_names: bool) -> tuple[float, float]:
    per_quarter = 1.15 if show_names else 0.45
    per_slot = 0.24 if show_names else 0.07
    width = min(max(3.0 + n_quarters * per_quarter, 8.0), 40.0)
    height = min(max(1.8 + n_slots * per_slot, 3.5), 40.0)
    return width, height


def plot_roster_gantt(
    rows: pd.DataFrame,
    *,
    ax: Axes | None = None,
    title: str | None = None,
    lang: str = "zh",
) -> Axes:
    """Draw the roster as a grid of health centers (rows) by quarters (columns).

    Each (center, quarter) cell holds one sub-bar per assigned person, stacked within the
    center's band, coloured by department and labelled with the person's name; promotion
    candidates get a "★" and a black outline (hatched when names are omitted). Rosters with
    more than 200 rows are drawn without names. Returns the axes drawn on.
    """
    labels = _LABELS["zh"] if lang == "zh" else _LABELS["en"]
    setup_cjk_font()
    df = _prepare(rows)

    quarters = sorted(df["quarter"].unique())
    centers = sorted(df["center"].unique(), key=_natural_key)
    show_names = len(df) <= _LARGE_ROSTER

    # Rows per (center, quarter) cell, sorted so that departments keep their position.
    cells: dict[tuple[str, str], pd.DataFrame] = {
        (str(center), str(quarter)): group.sort_values(["department", "staff"])
        for (center, quarter), group in df.groupby(["center", "quarter"], sort=False)
    }
    # Every center band is as tall as its busiest quarter, so all sub-bars share one height.
    slots = {
        center: max((len(cells[(center, q)]) for q in quarters if (center, q) in cells), default=1)
        for center in centers
    }
    band_heights = {center: slots[center] + 2 * _PAD for center in centers}
    total_height = sum(band_heights.values()) or 1.0

    if ax is None:
        _, ax = new_axes(figsize=_auto_figsize(len(quarters), sum(slots.values()), show_names))
    fig, ax = new_axes(ax)

    colors = department_colors(list(df["department"]))

    # Font size follows the physical height of one slot (in points) on this axes.
    axes_height_pt = ax.get_position().height * fig.get_figheight() * 72.0
    slot_pt = axes_height_pt / total_height
    fontsize = min(8.0, 0.5 * slot_pt)
    if fontsize < 4.0:
        show_names = False

    band_top = 0.0
    tick_positions: list[float] = []
    for band_index, center in enumerate(centers):
        height = band_heights[center]
        if band_index % 2 == 1:
            ax.axhspan(band_top, band_top + height, color="0.94", zorder=0, lw=0)
        tick_positions.append(band_top + height / 2)
        for q_index, quarter in enumerate(quarters):
            group = cells.get((center, quarter))
            if group is None:
                continue
            for slot, rec in enumerate(group.itertuples(index=False)):
                color = colors[str(rec.department)]
                candidate = bool(rec.candidate)
                y = band_top + _PAD + slot + _BAR_GAP / 2
                bar = Rectangle(
                    (q_index + _CELL_GAP, y),
                    1 - 2 * _CELL_GAP,
                    1 - _BAR_GAP,
                    facecolor=color,
                    # In dense (nameless) charts a thin white edge separates adjacent bars.
                    edgecolor="black" if candidate else ("none" if show_names else "white"),
                    linewidth=1.4 if candidate else (0.0 if show_names else 0.4),
                    hatch=None if show_names or not candidate else "////",
                    zorder=2,
                )
                ax.add_patch(bar)
                if show_names:
                    name = f"{_CANDIDATE_MARK}{rec.staff}" if candidate else str(rec.staff)
                    text = ax.text(
                        q_index + _CELL_GAP + 0.04,
                        y + (1 - _BAR_GAP) / 2,
                        name,
                        fontsize=fontsize,
                        color=_text_color(color),
                        ha="left",
                        va="center_baseline",
                        zorder=3,
                    )
                    text.set_clip_path(bar)
        band_top += height

    # Grid lines between cells.
    for x in range(1, len(quarters)):
        ax.axvline(x, color="0.6", lw=0.8, zorder=1)
    band_edge = 0.0
    for center in centers[:-1]:
        band_edge += band_heights[center]
        ax.axhline(band_edge, color="0.6", lw=0.8, zorder=1)

    ax.set_xlim(0, max(len(quarters), 1))
    ax.set_ylim(total_height, 0)  # first center at the top
    ax.set_xticks([i + 0.5 for i in range(len(quarters))], [str(q) for q in quarters])
    ax.set_yticks(tick_positions, [str(c) for c in centers])
    ax.tick_params(axis="both", length=0)
    ax.set_xlabel(labels["x"])
    ax.set_ylabel(labels["y"])
    ax.set_title(labels["title"] if title is None else title)
    for spine in ax.spines.values():
        spine.set_color("0.6")

    if df.empty:
        ax.text(0.5, 0.5, labels["empty"], transform=ax.transAxes, ha="center", va="center")
        return ax

    handles = [
        Patch(facecolor=colors[name], label=name) for name in sorted(colors, key=_natural_key)
    ]
    if bool(df["candidate"].any()):
        handles.append(
            Patch(
                facecolor="white",
                edgecolor="black",
                linewidth=1.4,
                hatch=None if show_names else "////",
                label=labels["candidate"],
            )
        )
    n_departments = len(colors)
    if n_departments <= 40:
        ncol = max(1, math.ceil(len(handles) / 20))
        ax.legend(
            handles=handles,
            title=labels["legend"],
            loc="upper left",
            bbox_to_anchor=(1.01, 1.0),
            ncol=ncol,
            fontsize=8,
            frameon=False,
        )
    else:
        ncol = max(1, math.ceil(len(handles) / 10))
        below = offset_copy(ax.transAxes, fig=fig, y=-36, units="points")
        ax.legend(
            handles=handles,
            title=labels["legend"],
            loc="upper center",
            bbox_to_anchor=(0.5, 0.0),
            bbox_transform=below,
            ncol=ncol,
            fontsize=8,
            frameon=False,
        )
    return ax
