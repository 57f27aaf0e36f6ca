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

from assignments.core.plotting import new_axes
from assignments.mentoring.data import MentoringData
from assignments.mentoring.solution import MentorSolution, pair_load

__all__ = ["plot_mentor_loads", "plot_school_heatmap"]

_TEXT = {
    "zh": {"loads_title": "师傅带徒人数分布", "x": "带徒人数", "y": "师傅人数",
           "hours": "平均指导时数", "heat_title": "学校间结对（行：师傅学校，列：徒弟学校）",
           "heat_district": "区县间结对（行：师傅，列：徒弟）", "empty": "无结对"},
    "en": {"loads_title": "Mentees per mentor", "x": "mentees", "y": "mentors",
           "hours": "mean guidance hours", "heat_title": "Pairs by school (rows: mentor's, "
           "columns: mentee's)", "heat_district": "Pairs by district (rows: mentor's, columns: "
           "mentee's)", "empty": "no pairs"},
}


def plot_mentor_loads(
    solution: MentorSolution, data: MentoringData, *, ax: Axes | None = None, lang: str = "zh"
) -> Axes:
    """Bar chart: number of mentors with 0, 1, 2, … mentees; each bar notes the mean hours."""
    _fig, ax = new_axes(ax, figsize=(7, 4.5))
    text = _TEXT[lang]
    mentors = [t for t in data.teachers if data.is_mentor(t)]
    heads: Counter[str] = Counter(p.mentor for p in solution.pairs)
    minutes: Counter[str] = Counter()
    for p in solution.pairs:
        minutes[p.mentor] += pair_load(data, data.teacher[p.mentor], data.teacher[p.mentee])
    top = max([data.capacity(t) for t in mentors] + [max(heads.values(), default=0), 1])
    counts = [sum(1 for t in mentors if heads[t.id] == k) for k in range(top + 1)]
    bars = ax.bar(range(top + 1), counts, color="#4472C4")
    for k, bar in enumerate(bars):
        people = [t.id for t in mentors if heads[t.id] == k]
        if k and people:
            hours = sum(minutes[t] for t in people) / len(people) / 60
            ax.annotate(f"{hours:.1f} h", (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                        ha="center", va="bottom", fontsize=8)
    ax.set_xticks(range(top + 1))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(text["x"])
    ax.set_ylabel(text["y"])
    ax.set_title(f"{text['loads_title']} ({text['hours']} / bar)")
    return ax


def plot_school_heatmap(
    solution: MentorSolution,
    data: MentoringData,
    *,
    ax: Axes | None = None,
    lang: str = "zh",
    max_schools: int = 40,
) -> Axes:
    """Heat map of pair counts between schools (or districts when there are more than
    ``max_schools`` schools with pairs)."""
    text = _TEXT[lang]
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
        ax.text(0.5, 0.5, text["empty"], ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
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
    size = 8 if n <= 20 else 6
    ax.set_xticks(range(len(cols)), cols, rotation=60, ha="right", fontsize=size)
    ax.set_yticks(range(len(rows)), rows, fontsize=size)
    if n <= 25:
        for i in range(len(rows)):
            for j in range(len(cols)):
                if grid[i, j]:
                    ax.text(j, i, str(grid[i, j]), ha="center", va="center", fontsize=size,
                            color="white" if grid[i, j] > grid.max() / 2 else "black")
    ax.set_title(text["heat_district" if by_district else "heat_title"])
    return ax
