"""Every chart of every shipped example (issue #19 point 6): rendered, non-blank, in one
language, nothing clipped by or touching the frame, values on bars, frontier axes from 0, the
source legend by name, the city roster cut into readable yearly charts."""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.image import imread
from matplotlib.patches import Rectangle
from untranslated import english_runs

from assignments.core import plotting
from assignments.core.plotting import figure_texts

ROOT = Path(__file__).resolve().parents[2]
INST = ROOT / "instances"
CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class Chart:
    name: str
    path: Path
    fig: Figure
    texts: list[str] = field(default_factory=list)


@pytest.fixture(autouse=True)
def _isolated_rcparams() -> Iterator[None]:
    with matplotlib.rc_context():
        yield


def _recording(monkeypatch: pytest.MonkeyPatch, *modules: Any) -> list[Chart]:
    """Record every figure saved through ``save_figure`` (with its texts, read as drawn)."""
    charts: list[Chart] = []
    real = plotting.save_figure

    def save(fig: Figure, path: Any) -> Path:
        out = real(fig, path)
        FigureCanvasAgg(fig).draw()  # lay the figure out as saved, then read what it shows
        charts.append(Chart(out.name, out, fig, figure_texts(fig)))
        return out

    monkeypatch.setattr(plotting, "save_figure", save)
    for mod in modules:
        monkeypatch.setattr(mod, "save_figure", save, raising=False)
    return charts


def _render(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
            draw: Callable[[], object], *modules: Any) -> list[Chart]:
    charts = _recording(monkeypatch, *modules)
    with (caplog.at_level(logging.WARNING, logger="matplotlib.font_manager"),
          warnings.catch_warnings(record=True) as records):
        warnings.simplefilter("always")
        draw()
    glyphs = [str(r.message) for r in records if "Glyph" in str(r.message)
              or "missing from" in str(r.message)]
    assert glyphs == [], glyphs  # no tofu boxes
    assert not [r for r in caplog.records if "findfont" in r.getMessage()]
    return charts


def _check_chart(chart: Chart, lang: str, user_words: tuple[str, ...] = ()) -> None:
    """The PNG exists and is not blank; the texts are in ``lang`` (``user_words``, such as the
    office's 单位名称, are the user's data and stay as written); nothing leaves the frame."""
    assert chart.path.is_file() and chart.path.stat().st_size > 5_000, chart.name
    pixels = imread(chart.path)
    colours = np.unique(pixels.reshape(-1, pixels.shape[-1]), axis=0)
    assert len(colours) > 16, f"{chart.name} is blank"
    if lang == "zh":
        bad = [(t, english_runs(t)) for t in chart.texts if english_runs(t)]
        assert bad == [], f"{chart.name}: English in the Chinese chart: {bad}"
    for ax in chart.fig.axes:
        if ax.get_label() == "<colorbar>":
            continue
        labels = [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
        legend = ax.get_legend()
        if legend is not None and legend.get_title().get_text():
            labels.append(legend.get_title().get_text())
        if lang == "en":  # the chart's own words in English (names and places stay Chinese)
            own = [t for t in labels if CJK.search(_without(t, user_words))]
            assert not own, (chart.name, labels)
        _check_inside(chart.name, ax)


def _without(text: str, words: tuple[str, ...]) -> str:
    for w in words:
        if w:
            text = text.replace(w, "")
    return text


def _check_inside(name: str, ax: Axes) -> None:
    """No bar touches or crosses the frame (except standing on the value axis' 0); every text
    drawn on the axes lies inside it."""
    canvas = ax.figure.canvas
    assert isinstance(canvas, FigureCanvasAgg)
    renderer = canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    bars = [p for p in ax.patches if isinstance(p, Rectangle) and p.get_height() != 0
            and p.get_gid() != "band"]  # a roster's shading of every other center band
    for bar in bars:
        box = bar.get_window_extent(renderer)
        assert box.x0 > frame.x0 + 1 and box.x1 < frame.x1 - 1, f"{name}: bar on a side"
        assert box.y1 < frame.y1 - 1, f"{name}: bar touches the top of the frame"
    for text in ax.texts:
        if text.get_gid() == "note":  # a note placed under the title, above the frame
            continue
        box = text.get_window_extent(renderer)
        inside = (box.x0 >= frame.x0 - 1 and box.x1 <= frame.x1 + 1
                  and box.y0 >= frame.y0 - 1 and box.y1 <= frame.y1 + 1)
        assert inside, f"{name}: text {text.get_text()!r} leaves the frame"


def _bars_carry_values(ax: Axes) -> None:
    """Every bar stack carries its value: a text per x position."""
    xs = {round(p.get_x() + p.get_width() / 2, 3) for p in ax.patches
          if isinstance(p, Rectangle) and p.get_height() > 0}
    at = {round(t.xy[0], 3) for t in ax.texts if hasattr(t, "xy")}
    assert xs <= at, f"bars without a value: {sorted(xs - at)}"


# ---------------------------------------------------------------------------- roster


def _city_roster() -> tuple[Any, Any]:
    """The city workbook with every seat of every quarter filled (people taken in turn): the
    size of the real roster (10 centers × 12 quarters × 3 seats, 60 departments), without a
    solve that takes minutes."""
    from assignments.roster.data import read_roster
    from assignments.roster.solution import Assignment, RosterSolution

    data = read_roster(INST / "roster" / "city_hospital.xlsx")
    first = data.policy.first_quarter
    people = iter(data.staff * 10)
    out = []
    for q in range(len(data.quarters)):
        start = data.calendar.handover_day(first + q)
        end = data.calendar.handover_day(first + q + 1) - timedelta(days=1)
        for c in data.centers:
            out += [Assignment(next(people).id, q, c.id, start, end) for _ in range(c.seats)]
    return data, RosterSolution(out)


@pytest.fixture(scope="module")
def rosters() -> dict[str, tuple[Any, Any]]:
    from assignments.roster.data import read_roster
    from assignments.roster.solve import solve

    out = {}
    for name in ("tiny", "county_hospital"):
        data = read_roster(INST / "roster" / f"{name}.xlsx")
        result = solve(data, time_limit=5, num_workers=1, explain=False)
        assert result.solution is not None, name
        out[name] = (data, result.solution)
    out["city_hospital"] = _city_roster()
    return out


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", ["tiny", "county_hospital", "city_hospital"])
def test_roster_charts(rosters: dict[str, tuple[Any, Any]], name: str, lang: str,
                       tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                       caplog: pytest.LogCaptureFixture) -> None:
    """Each roster chart: names and departments on the bars, handover days under the quarters,
    the period in the title, the chart's words in one language; a large roster one per year."""
    from assignments.roster import plot as rplot

    data, sol = rosters[name]
    charts = _render(monkeypatch, caplog,
                     lambda: rplot.write_roster_plots(data, sol, tmp_path, lang=lang))
    names = sorted(c.name for c in charts)
    years = sorted({str(data.policy.first_quarter + a.quarter)[:4] for a in sol.assignments})
    if name == "tiny":
        assert names == ["roster_gantt.png"]
    else:  # 12 quarters: one chart per year, each at most 4 quarters and PAGE_SLOTS bar rows
        assert names == [f"roster_gantt_{y}.png" for y in years]
    staff = {s.id: s for s in data.staff}
    for chart in charts:
        _check_chart(chart, lang, user_words=(data.policy.organisation or "",))
        ax = chart.fig.axes[0]
        quarters = [t.get_text() for t in ax.get_xticklabels()]
        assert 1 <= len(quarters) <= rplot.PAGE_QUARTERS
        handover = "交接日" if lang == "zh" else "handover"
        assert all(handover in q and re.search(r"\d{4}-\d\d-\d\d", q) for q in quarters)
        bar_rows = round(ax.get_ylim()[0])
        assert bar_rows <= rplot.PAGE_SLOTS + 2
        period = quarters[0][:4]
        assert period in ax.get_title()
        shown = " ".join(t.get_text() for t in ax.texts)
        page = [a for a in sol.assignments
                if any(q.startswith(str(data.policy.first_quarter + a.quarter))
                       for q in quarters)]
        assert page and all(staff[a.staff].label in shown for a in page)
        if data.calendar.estimated_years and any(
                str(y) == period for y in data.calendar.estimated_years):
            assert any(("估算" if lang == "zh" else "estimated") in t for t in chart.texts)


def test_roster_pages_split_tall_years_by_centers() -> None:
    """A year whose centers need more bar rows than a chart holds is cut into whole-center
    groups; a small roster stays one chart."""
    import pandas as pd

    from assignments.roster.plot import roster_pages

    rows = pd.DataFrame([{"quarter": f"2027Q{q}", "center": f"卫生院{c}", "department": "儿科",
                          "staff": f"人{q}{c}{k}"}
                         for q in range(1, 5) for c in range(1, 21) for k in range(3)])
    pages = roster_pages(rows)
    assert [k for k, _ in pages] == ["2027_1", "2027_2"]
    assert sum(len(p) for _, p in pages) == len(rows)
    for _k, page in pages:
        assert page.groupby("center").ngroups * 3 <= 40
    assert [k for k, _ in roster_pages(rows[rows["center"] == "卫生院1"])] == [""]


# ---------------------------------------------------------------------------- mentoring


@pytest.fixture(scope="module")
def pairings() -> dict[str, tuple[Any, Any]]:
    from assignments.mentoring.data import read_mentoring
    from assignments.mentoring.solve import solve

    out = {}
    for name in ("tiny", "district", "schools"):
        data = read_mentoring(INST / "mentoring" / f"{name}.xlsx")
        result = solve(data, time_limit=5)
        assert result.solution is not None, name
        out[name] = (data, result.solution)
    return out


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", ["tiny", "district", "schools"])
def test_mentoring_charts(pairings: dict[str, tuple[Any, Any]], name: str, lang: str,
                          tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                          caplog: pytest.LogCaptureFixture) -> None:
    """The load chart is in one language (no "bar", no "h" left in Chinese) with a head count
    on every bar; the heat map's counts and labels render."""
    from assignments.mentoring.plot import plot_mentor_loads, plot_school_heatmap

    data, sol = pairings[name]

    def draw() -> None:
        plotting.save_figure(plot_mentor_loads(sol, data, lang=lang).figure,  # type: ignore[arg-type]
                             tmp_path / "mentor_loads.png")
        plotting.save_figure(plot_school_heatmap(sol, data, lang=lang).figure,  # type: ignore[arg-type]
                             tmp_path / "school_heatmap.png")

    charts = _render(monkeypatch, caplog, draw)
    assert [c.name for c in charts] == ["mentor_loads.png", "school_heatmap.png"]
    for chart in charts:
        _check_chart(chart, lang)
    loads = charts[0].fig.axes[0]
    _bars_carry_values(loads)
    if lang == "zh":
        assert not [t for t in charts[0].texts if re.search(r"\b(bar|h)\b", t)]
        assert any("小时" in t for t in charts[0].texts) or not sol.pairs


# ---------------------------------------------------------------------------- funding


@pytest.fixture(scope="module")
def allocations() -> dict[str, tuple[Any, Any]]:
    from assignments.funding.data import read_funding
    from assignments.funding.solve import solve

    out = {}
    for name in ("tiny", "county"):
        data = read_funding(INST / "funding" / f"{name}.xlsx")
        result = solve(data, time_limit=5)
        assert result.solution is not None, name
        out[name] = (data, result.solution)
    return out


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", ["tiny", "county"])
def test_funding_charts(allocations: dict[str, tuple[Any, Any]], name: str, lang: str,
                        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                        caplog: pytest.LogCaptureFixture) -> None:
    """Stacked bars carry their totals, stand clear of the frame, name the sources."""
    from assignments.funding import plot as fplot

    data, sol = allocations[name]
    charts = _render(monkeypatch, caplog,
                     lambda: fplot.write_allocation_plots(data, sol, tmp_path, lang=lang), fplot)
    assert [c.name for c in charts] == ["spending_by_source.png", "money_by_category.png",
                                        "milestones.png"]
    used = {data.sources[s].label for (_j, s, _t), v in sol.alloc.items() if v > 0}
    for chart in charts:
        _check_chart(chart, lang)
    for chart in charts[:2]:
        ax = chart.fig.axes[0]
        _bars_carry_values(ax)
        legend = ax.get_legend()
        assert legend is not None and {t.get_text() for t in legend.get_texts()} == used
        assert ax.get_ylim()[0] == 0


def test_scenario_charts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                         caplog: pytest.LogCaptureFixture) -> None:
    """The scenario source legend names the sources (not S1, S2 …); the frontier's axes start
    at 0; each language stays in its language."""
    from assignments.funding import plot as fplot
    from assignments.funding.data import read_funding
    from assignments.funding.scenarios import (
        Scenario,
        derive,
        frontier_points,
        frontier_scenarios,
        read_scenarios,
        run_scenarios,
    )

    base = read_funding(INST / "funding" / "county.xlsx")
    sf = read_scenarios(INST / "funding" / "scenarios.yaml", base)
    scen = [Scenario(name="基准"), *sf.scenarios[:2]]
    front = frontier_scenarios(sf.frontier)[::4]
    outs = run_scenarios([derive(base, s) for s in [*scen, *front]], time_limit=2, cores=1)
    main, fr = outs[: len(scen)], frontier_points(outs[len(scen):])
    for lang in ("zh", "en"):
        folder = tmp_path / lang
        charts = _render(monkeypatch, caplog, lambda f=folder, lg=lang: fplot.write_scenario_plots(
            base, main, f, frontier=fr, lang=lg), fplot)
        assert [c.name for c in charts] == ["scenarios_by_category.png",
                                            "scenarios_by_source.png", "frontier.png"]
        for chart in charts:
            _check_chart(chart, lang)
        by_source = charts[1].fig.axes[0]
        legend = [t.get_text() for t in by_source.get_legend().get_texts()]  # type: ignore[union-attr]
        names = {s.label for s in base.sources}
        assert legend and set(legend) <= names
        assert not {s.id for s in base.sources if s.name} & set(legend)
        _bars_carry_values(by_source)
        frontier = charts[2].fig.axes[0]
        assert frontier.get_xlim()[0] == 0 and frontier.get_ylim()[0] == 0
        assert max(fr["weighted_beneficiaries"].dropna()) < frontier.get_ylim()[1]
