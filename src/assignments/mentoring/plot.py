"""Plots of a pairing, drawn without pyplot; Chinese labels render through core.plotting.

* :func:`plot_mentor_loads` — how many mentors have 0, 1, 2, … mentees, with their hours;
* :func:`plot_school_heatmap` — pairs from mentor schools (rows) to mentee schools (columns),
  by district when there are many schools.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator

from assignments.core.i18n import tr, use_lang
from assignments.core.plotting import new_axes
from assignments.mentoring.data import MentoringData
from assignments.mentoring.solution import MentorSolution, pair_load

__all__ = ["plot_mentor_loads", "plot_school_heatmap"]


def plot_mentor_loads(
    solution: MentorSolution, data: MentoringData, *, ax: Axes | None = None,
    lang: str | None = None,
) -> Axes:
    """Bar chart: number of mentors with 0, 1, 2, … mentees; each bar carries its head count and
    the mean guidance hours of those mentors (``lang``: zh, en or None, the current one)."""
    with use_lang(lang):
        _fig, ax = new_axes(ax, figsize=(7.5, 4.8))
        mentors = [t for t in data.teachers if data.is_mentor(t)]
        heads: Counter[str] = Counter(p.mentor for p in solution.pairs)
        minutes: Counter[str] = Counter()
        for p in solution.pairs:
            minutes[p.mentor] += pair_load(data, data.teacher[p.mentor], data.teacher[p.mentee])
        top = max([data.capacity(t) for t in mentors] + [max(heads.values(), default=0), 1])
        counts = [sum(1 for t in mentors if heads[t.id] == k) for k in range(top + 1)]
        bars = ax.bar(range(top + 1), counts, color="#4472C4", width=0.7)
        for k, bar in enumerate(bars):
            people = [t.id for t in mentors if heads[t.id] == k]
            label = tr("{n} mentors", n=len(people))
            if k and people:
                hours = sum(minutes[t] for t in people) / len(people) / 60
                label += "\n" + tr("mean {hours} h", hours=round(hours, 1))
            ax.annotate(label, (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                        xytext=(0, 3), textcoords="offset points", ha="center", va="bottom",
                        fontsize=8)
        ax.set_xticks(range(top + 1))
        ax.set_xlim(-0.6, top + 0.6)
        ax.set_ylim(0, max(max(counts, default=0) * 1.25, 1.0))
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel(tr("mentees per mentor"))
        ax.set_ylabel(tr("number of mentors"))
        ax.set_title(tr("Mentees per mentor (above each bar: mentors, mean guidance hours)"))
        ax.grid(axis="y", alpha=0.3)
        ax.set_axisbelow(True)
        return ax


def plot_school_heatmap(
    solution: MentorSolution,
    data: MentoringData,
    *,
    ax: Axes | None = None,
    lang: str | None = None,
    max_schools: int = 40,
) -> Axes:
    """Heat map of pair counts between schools (or districts when there are more than
    ``max_schools`` schools with pairs); the counts are written in the cells."""
    with use_lang(lang):
        return _school_heatmap(solution, data, ax=ax, max_schools=max_schools)


def _school_heatmap(solution: MentorSolution, data: MentoringData, *, ax: Axes | None,
                    max_schools: int) -> Axes:
    schools = sorted({data.teacher[p.mentor].school for p in solution.pairs}
                     | {data.teacher[p.mentee].school for p in solution.pairs})
    by_district = len(schools) > max_schools

    def key(tid: str) -> str:
        s = data.school[data.teacher[tid].school]
        return (s.district or "—") if by_district else s.label

    rows = sorted({key(p.mentor) for p in solution.pairs})
    cols = sorted({key(p.mentee) for p in solution.pairs})
    n = max(len(rows), len(cols), 1)
    side = min(4 + 0.35 * n, 24)
    fig, ax = new_axes(ax, figsize=(side + 2, side))
    if not solution.pairs:
        ax.text(0.5, 0.5, tr("no pairs"), ha="center", va="center", transform=ax.transAxes,
                fontsize=14, color="0.4")
        ax.set_title(tr("Pairs by school"))
        ax.set_xticks([])
        ax.set_yticks([])
        return ax
    grid = np.zeros((len(rows), len(cols)), dtype=int)
    ri = {r: i for i, r in enumerate(rows)}
    ci = {c: j for j, c in enumerate(cols)}
    for p in solution.pairs:
        grid[ri[key(p.mentor)], ci[key(p.mentee)]] += 1
    im = ax.imshow(grid, cmap="Blues", aspect="auto", vmin=0, vmax=max(1, int(grid.max())))
    bar = fig.colorbar(im, ax=ax, shrink=0.8)
    bar.locator = MaxNLocator(integer=True)
    bar.update_ticks()
    bar.set_label(tr("pairs"))
    size = 9 if n <= 20 else (8 if n <= 45 else 6)
    ax.set_xticks(range(len(cols)), cols, rotation=60, ha="right", fontsize=size)
    ax.set_yticks(range(len(rows)), rows, fontsize=size)
    if n <= 45:
        for i in range(len(rows)):
            for j in range(len(cols)):
                if grid[i, j]:
                    ax.text(j, i, str(grid[i, j]), ha="center", va="center", fontsize=size,
                            color="white" if grid[i, j] > grid.max() / 2 else "black")
    if by_district:
        ax.set_xlabel(tr("mentee's district"))
        ax.set_ylabel(tr("mentor's district"))
        ax.set_title(tr("Pairs by district"))
    else:
        ax.set_xlabel(tr("mentee's school"))
        ax.set_ylabel(tr("mentor's school"))
        ax.set_title(tr("Pairs by school"))
    return ax
