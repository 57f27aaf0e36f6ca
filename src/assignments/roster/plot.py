"""Charts of a rotation roster (centers × quarters), drawn without pyplot.

:func:`plot_roster_gantt` draws one chart: health centers down, quarters across, one labelled
bar per person sent (name and department, ★ for a promotion candidate), the handover day under
each quarter. :func:`roster_pages` cuts a large roster into charts a person can read (one per
year, and groups of centers when a year is still too tall); :func:`write_roster_plots` writes
them as ``roster_gantt.png`` (a small roster) or ``roster_gantt_<year>[_<n>].png``. Every text
goes through the message catalogue (``tr``, domain ``plots``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import Patch, Rectangle
from matplotlib.transforms import offset_copy

from assignments.core.i18n import current_lang, tr, use_lang
from assignments.core.plotting import department_colors, new_axes, setup_cjk_font

if TYPE_CHECKING:
    from assignments.roster.data import RosterData
    from assignments.roster.solution import RosterSolution

__all__ = ["plot_roster_gantt", "roster_pages", "roster_plot_rows", "write_roster_plots"]

_REQUIRED = ("quarter", "center", "department", "staff")
_LARGE_ROSTER = 200  # above this many rows in ONE chart, names are omitted (use roster_pages)
_CANDIDATE_MARK = "★"
#: A roster fits one chart when it has at most this many quarters and bar rows (slots) ...
PAGE_QUARTERS = 4
PAGE_SLOTS = 40
#: ... else it is drawn one year per chart, centers split in groups of at most PAGE_SLOTS rows.
_LEGEND_MAX = 24  # more departments than this: no colour legend (each bar names its department)

_PAD = 0.14  # blank space (in slot units) above and below the sub-bars of a center band
_CELL_GAP = 0.04  # horizontal gap on each side of a bar inside a quarter cell
_BAR_GAP = 0.12  # vertical gap between stacked sub-bars (fraction of a slot)
_FONT = 8.0  # points: bar labels of a chart with names


def _prepare(rows: pd.DataFrame) -> pd.DataFrame:
    missing = [col for col in _REQUIRED if col not in rows.columns]
    if missing:
        raise ValueError(f"roster rows are missing column(s): {', '.join(missing)}")
    df = rows.loc[:, list(_REQUIRED)].astype(str)
    if "candidate" in rows.columns:
        df["candidate"] = [bool(v) if pd.notna(v) else False for v in rows["candidate"]]
    else:
        df["candidate"] = False
    for col in ("start", "end"):
        df[col] = [str(v) if pd.notna(v) and v != "" else "" for v in rows[col]] \
            if col in rows.columns else ""
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


def _width_em(text: str) -> float:
    """Printed width of ``text`` in ems (a CJK character is one em, a Latin one about half)."""
    return sum(1.0 if ord(ch) > 0x2E80 else 0.58 for ch in text)


def _bar_label(staff: str, department: str, candidate: bool) -> str:
    name = f"{_CANDIDATE_MARK}{staff}" if candidate else staff
    return tr("{name} · {department}", name=name, department=department)


def _slots(df: pd.DataFrame) -> dict[str, int]:
    """Bar rows of each center: its busiest quarter's head count."""
    counts = df.groupby(["center", "quarter"]).size()
    out: dict[str, int] = {}
    for key, n in counts.items():
        where = str(key[0]) if isinstance(key, tuple) else str(key)
        out[where] = max(out.get(where, 1), int(n))
    return out


def _quarter_label(quarter: str, group: pd.DataFrame) -> str:
    starts = sorted(s for s in group["start"] if s)
    if not starts:
        return quarter
    # the handover day most people of the quarter start on (a re-planned seat may start later)
    common = max(set(starts), key=lambda s: (starts.count(s), -starts.index(s)))
    return quarter + "\n" + tr("handover {date}", date=common)


def _auto_figsize(n_quarters: int, n_slots: int, show_names: bool,
                  label_em: float) -> tuple[float, float]:
    if show_names:
        per_quarter = max(1.3, (label_em + 1.5) * _FONT / 72.0 + 0.15)
        per_slot = 0.26
    else:
        per_quarter, per_slot = 0.45, 0.07
    width = min(max(2.5 + n_quarters * per_quarter, 8.0), 40.0)
    height = min(max(2.0 + n_slots * per_slot, 3.5), 40.0)
    return width, height


def plot_roster_gantt(
    rows: pd.DataFrame,
    *,
    ax: Axes | None = None,
    title: str | None = None,
    lang: str | None = None,
    note: str | None = None,
) -> Axes:
    """Draw the roster as a grid of health centers (rows) by quarters (columns).

    ``rows`` has columns quarter, center, department, staff and optionally candidate (bool),
    start and end (ISO dates: the handover day is shown under the quarter). Each (center,
    quarter) cell holds one bar per person, stacked within the center's band, coloured by
    department and labelled ``name · department``; promotion candidates get a ★ and a black
    outline (hatched when names are omitted). A chart with more than 200 rows is drawn without
    names (cut it with :func:`roster_pages`). ``note`` is printed in red under the title.
    ``lang``: zh, en or None (the current language). Returns the axes drawn on.
    """
    with use_lang(lang):
        return _plot_roster_gantt(rows, ax=ax, title=title, note=note)


def _plot_roster_gantt(rows: pd.DataFrame, *, ax: Axes | None, title: str | None,
                       note: str | None) -> Axes:
    setup_cjk_font()
    df = _prepare(rows)

    quarters = sorted(df["quarter"].unique())
    centers = sorted(df["center"].unique(), key=_natural_key)
    show_names = len(df) <= _LARGE_ROSTER

    cells: dict[tuple[str, str], pd.DataFrame] = {
        (str(center), str(quarter)): group.sort_values(["department", "staff"])
        for (center, quarter), group in df.groupby(["center", "quarter"], sort=False)
    }
    slots = _slots(df)
    band_heights = {center: slots.get(center, 1) + 2 * _PAD for center in centers}
    total_height = sum(band_heights.values()) or 1.0
    label_em = max((_width_em(_bar_label(str(r.staff), str(r.department), bool(r.candidate)))
                    for r in df.itertuples(index=False)), default=4.0)

    if ax is None:
        _, ax = new_axes(figsize=_auto_figsize(len(quarters), sum(slots.values()) or 1,
                                               show_names, label_em))
    fig, ax = new_axes(ax)

    colors = department_colors(list(df["department"]))

    # The label font follows the physical size of one bar (in points) on this axes.
    axes_height_pt = ax.get_position().height * fig.get_figheight() * 72.0
    axes_width_pt = ax.get_position().width * fig.get_figwidth() * 72.0
    slot_pt = axes_height_pt / total_height
    cell_pt = axes_width_pt / max(len(quarters), 1) * (1 - 2 * _CELL_GAP) - 6
    fontsize = min(_FONT, 0.55 * slot_pt, cell_pt / max(label_em, 1.0))
    if fontsize < 4.5:
        show_names = False

    band_top = 0.0
    tick_positions: list[float] = []
    for band_index, center in enumerate(centers):
        height = band_heights[center]
        if band_index % 2 == 1:
            ax.axhspan(band_top, band_top + height, color="0.95", zorder=0, lw=0,
                       gid="band")
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
                    edgecolor="black" if candidate else ("none" if show_names else "white"),
                    linewidth=1.2 if candidate else (0.0 if show_names else 0.4),
                    hatch=None if show_names or not candidate else "////",
                    zorder=2,
                )
                ax.add_patch(bar)
                if show_names:
                    text = ax.text(
                        q_index + _CELL_GAP + 0.03,
                        y + (1 - _BAR_GAP) / 2,
                        _bar_label(str(rec.staff), str(rec.department), candidate),
                        fontsize=fontsize,
                        color=_text_color(color),
                        ha="left",
                        va="center_baseline",
                        zorder=3,
                    )
                    text.set_clip_path(bar)
        band_top += height

    for x in range(1, len(quarters)):
        ax.axvline(x, color="0.6", lw=0.8, zorder=1)
    band_edge = 0.0
    for center in centers[:-1]:
        band_edge += band_heights[center]
        ax.axhline(band_edge, color="0.6", lw=0.8, zorder=1)

    ax.set_xlim(0, max(len(quarters), 1))
    ax.set_ylim(total_height, 0)  # first center at the top
    by_quarter = {str(q): g for q, g in df.groupby("quarter")}
    ax.set_xticks([i + 0.5 for i in range(len(quarters))],
                  [_quarter_label(str(q), by_quarter[str(q)]) for q in quarters])
    ax.set_yticks(tick_positions, [str(c) for c in centers])
    ax.tick_params(axis="both", length=0)
    ax.set_xlabel(tr("Quarter"))
    ax.set_ylabel(tr("Health center"))
    ax.set_title(tr("Rural rotation roster") if title is None else title,
                 pad=24 if note else 8, fontsize=12)
    if note:
        ax.annotate(note, xy=(0.5, 1.0), xycoords="axes fraction", xytext=(0, 22),
                    textcoords="offset points", ha="center", va="top", fontsize=8,
                    color="darkred", gid="note")  # above the frame, under the title
    for spine in ax.spines.values():
        spine.set_color("0.6")

    if df.empty:
        ax.text(0.5, 0.5, tr("No assignments"), transform=ax.transAxes, ha="center",
                va="center")
        return ax

    handles: list[Patch] = []
    if len(colors) <= _LEGEND_MAX or not show_names:
        handles = [Patch(facecolor=colors[name], label=name)
                   for name in sorted(colors, key=_natural_key)]
    if bool(df["candidate"].any()):
        handles.append(Patch(facecolor="white", edgecolor="black", linewidth=1.2,
                             hatch=None if show_names else "////",
                             label=tr("{mark} promotion candidate", mark=_CANDIDATE_MARK)))
    if not handles:
        return ax
    if len(handles) <= 40:
        ax.legend(handles=handles, title=tr("Department") if len(handles) > 1 else None,
                  loc="upper left", bbox_to_anchor=(1.01, 1.0),
                  ncol=max(1, math.ceil(len(handles) / 20)), fontsize=8, frameon=False)
    else:
        below = offset_copy(ax.transAxes, fig=fig, y=-28, units="points")
        ax.legend(handles=handles, title=tr("Department"), loc="upper center",
                  bbox_to_anchor=(0.5, 0.0), bbox_transform=below,
                  ncol=max(1, math.ceil(len(handles) / 10)), fontsize=8, frameon=False)
    return ax


def roster_pages(rows: pd.DataFrame, *, max_quarters: int = PAGE_QUARTERS,
                 max_slots: int = PAGE_SLOTS) -> list[tuple[str, pd.DataFrame]]:
    """Cut a roster into readable charts: ``[(key, rows)]``.

    A roster of at most ``max_quarters`` quarters and ``max_slots`` bar rows is one chart (key
    ``""``); a larger one is one chart per year (key ``"2027"``), and a year whose centers need
    more than ``max_slots`` bar rows is split into groups of whole centers (``"2027_1"``, …).
    """
    df = _prepare(rows)
    slots = _slots(df)
    if df["quarter"].nunique() <= max_quarters and sum(slots.values()) <= max_slots:
        return [("", rows)]
    pages: list[tuple[str, pd.DataFrame]] = []
    years = sorted({q[:4] for q in df["quarter"]})
    for year in years:
        sub = rows[df["quarter"].str[:4] == year]
        sub_slots = _slots(df[df["quarter"].str[:4] == year])
        groups: list[list[str]] = [[]]
        used = 0
        for center in sorted(sub_slots, key=_natural_key):
            if groups[-1] and used + sub_slots[center] > max_slots:
                groups.append([])
                used = 0
            groups[-1].append(center)
            used += sub_slots[center]
        if len(groups) == 1:
            pages.append((year, sub))
            continue
        for n, group in enumerate(groups, start=1):
            pages.append((f"{year}_{n}", sub[sub["center"].astype(str).isin(group)]))
    return pages


def roster_plot_rows(data: RosterData, sol: RosterSolution) -> pd.DataFrame:
    """The rows :func:`plot_roster_gantt` draws: quarter, center, department, staff (names),
    candidate, start and end (ISO dates) of every assignment."""
    staff = {s.id: s for s in data.staff}
    depts = {d.id: d for d in data.departments}
    centers = {c.id: c for c in data.centers}
    first = data.policy.first_quarter
    return pd.DataFrame(
        [
            {
                "quarter": str(first + a.quarter),
                "center": centers[a.center].label if a.center in centers else a.center,
                "department": depts[staff[a.staff].department].label
                if staff[a.staff].department in depts else staff[a.staff].department,
                "staff": staff[a.staff].label,
                "candidate": staff[a.staff].promotion_candidate,
                "start": a.start.isoformat(),
                "end": a.end.isoformat(),
            }
            for a in sol.assignments
        ],
        columns=["quarter", "center", "department", "staff", "candidate", "start", "end"],
    )


def _title(organisation: str | None, period: str) -> str:
    if organisation:
        return tr("{organisation}: rural rotation roster, {period}",
                  organisation=organisation, period=period)
    return tr("Rural rotation roster, {period}", period=period)


def _period(quarters: Sequence[str]) -> str:
    qs = sorted(quarters)
    return f"{qs[0]}–{qs[-1]}" if len(qs) > 1 else (qs[0] if qs else "")


def write_roster_plots(data: RosterData, sol: RosterSolution, folder: Path, *,
                       lang: str | None = None) -> list[str]:
    """Write the roster's charts into ``folder``; return their file names.

    ``roster_gantt.png`` when the roster fits one chart, else ``roster_gantt_<year>.png`` per
    year (``roster_gantt_<year>_<n>.png`` per group of centers when a year is too tall); the
    title names the hospital (the ``organisation`` parameter, when given) and the period, and a
    red note warns when holidays of a year are estimated.
    """
    from assignments.core.plotting import save_figure
    from assignments.roster.notice import _organisation

    names: list[str] = []
    with use_lang(lang):
        rows = roster_plot_rows(data, sol)
        estimated = [int(y) for y in data.calendar.estimated_years]
        pages = roster_pages(rows)
        organisation = _organisation(data)
        per_year: dict[str, int] = {}
        for key, _page in pages:
            per_year[key.split("_")[0]] = per_year.get(key.split("_")[0], 0) + 1
        for key, page in pages:
            quarters = [str(q) for q in page["quarter"].unique()]
            year, _, part = key.partition("_")
            if not key:
                period = _period(quarters)
            elif part:
                period = tr("year {year}, part {part} of {parts}", year=year, part=part,
                            parts=per_year[year])
            else:
                period = tr("year {year}", year=year)
            # a year page warns about its own year's estimated holidays; one chart about all
            years = [y for y in estimated if not key or str(y) == year]
            note = None
            if years:
                sep = "、" if current_lang() == "zh" else ", "
                note = tr("Note: the holidays of {years} are estimated (not in the calendar "
                          "library); check the handover days", years=sep.join(map(str, years)))
            ax = plot_roster_gantt(page, title=_title(organisation, period), note=note)
            name = "roster_gantt.png" if not key else f"roster_gantt_{key}.png"
            fig, _ = new_axes(ax)
            save_figure(fig, folder / name)
            names.append(name)
    return names
