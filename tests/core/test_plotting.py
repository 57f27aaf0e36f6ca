"""Tests for the pyplot-free plotting helpers and the roster Gantt chart."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator
from pathlib import Path

import matplotlib
import pandas as pd
import pytest
from matplotlib.axes import Axes

from assignments.core import plotting
from assignments.core.plotting import (
    CJKFontWarning,
    department_colors,
    new_axes,
    save_figure,
    setup_cjk_font,
)
from assignments.roster.plot import plot_roster_gantt

LANG = "zh"  # the plots are Chinese by default; the English ones ask for lang="en"


@pytest.fixture(autouse=True)
def _isolated_rcparams() -> Iterator[None]:
    """Restore matplotlib rcParams after each test."""
    with matplotlib.rc_context():
        yield


def _glyph_problems(records: list[warnings.WarningMessage]) -> list[str]:
    messages = [str(record.message) for record in records]
    return [m for m in messages if "missing from" in m or "Glyph" in m]


def _roster() -> pd.DataFrame:
    rows = [
        ("2027Q1", "城关镇卫生院", "心内科", "张伟", False),
        ("2027Q1", "城关镇卫生院", "儿科", "李娜", True),
        ("2027Q1", "青山乡卫生院", "呼吸科", "王芳", False),
        ("2027Q2", "城关镇卫生院", "呼吸科", "刘洋", False),
        ("2027Q2", "青山乡卫生院", "心内科", "陈静", False),
        ("2027Q2", "青山乡卫生院", "儿科", "赵磊", False),
        ("2027Q3", "城关镇卫生院", "儿科", "孙强", False),
        ("2027Q3", "青山乡卫生院", "心内科", "周敏", False),
        ("2027Q3", "青山乡卫生院", "呼吸科", "吴杰", False),
    ]
    return pd.DataFrame(rows, columns=["quarter", "center", "department", "staff", "candidate"])


def test_setup_cjk_font_renders_chinese_without_missing_glyphs(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """setup_cjk_font returns a family and Chinese text renders to PNG with no glyph warnings."""
    family = setup_cjk_font()
    assert isinstance(family, str) and family
    assert setup_cjk_font() == family  # idempotent
    assert matplotlib.rcParams["font.sans-serif"][0] == family
    assert matplotlib.rcParams["axes.unicode_minus"] is False

    with (
        caplog.at_level(logging.WARNING, logger="matplotlib.font_manager"),
        warnings.catch_warnings(record=True) as records,
    ):
        warnings.simplefilter("always")
        fig, ax = new_axes(figsize=(4, 3))
        ax.plot([-1, 0, 1], [1, -1, 0])
        ax.set_title("下乡轮转排班：心内科 张伟 ★")
        ax.set_xlabel("季度")
        out = save_figure(fig, tmp_path / "sub" / "cjk.png")
    assert _glyph_problems(records) == []
    assert not [r for r in caplog.records if "findfont" in r.getMessage()]
    assert out.is_file() and out.stat().st_size > 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_setup_cjk_font_warns_once_when_no_font(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without any CJK font a single CJKFontWarning is emitted and None is returned."""
    monkeypatch.setattr(plotting, "_MPLFONTS_FILES", ())
    monkeypatch.setattr(plotting, "_SYSTEM_FAMILIES", ("No Such CJK Font 123",))
    monkeypatch.setitem(plotting._STATE, "done", False)
    monkeypatch.setitem(plotting._STATE, "family", None)
    with warnings.catch_warnings(record=True) as records:
        warnings.simplefilter("always")
        assert setup_cjk_font() is None
        assert setup_cjk_font() is None
    font_warnings = [r for r in records if issubclass(r.category, CJKFontWarning)]
    assert len(font_warnings) == 1
    assert "pip install mplfonts" in str(font_warnings[0].message)


def test_plot_roster_gantt_zh_writes_png(tmp_path: Path) -> None:
    """The Chinese Gantt chart labels centers on the y axis and saves a PNG without glyph gaps."""
    with warnings.catch_warnings(record=True) as records:
        warnings.simplefilter("always")
        ax = plot_roster_gantt(_roster())
        assert isinstance(ax, Axes)
        fig, _ = new_axes(ax)
        out = save_figure(fig, tmp_path / "gantt.png")
    assert _glyph_problems(records) == []
    assert [t.get_text() for t in ax.get_yticklabels()] == ["城关镇卫生院", "青山乡卫生院"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2027Q1", "2027Q2", "2027Q3"]
    assert ax.get_xlabel() == "季度"
    assert ax.get_ylabel() == "卫生院"
    assert ax.get_title() == "下乡轮转排班"
    texts = [t.get_text() for t in ax.texts]
    assert "张伟 · 心内科" in texts and "★李娜 · 儿科" in texts  # name · department
    legend = ax.get_legend()
    assert legend is not None
    assert {"心内科", "儿科", "呼吸科"} <= {t.get_text() for t in legend.get_texts()}
    assert out.is_file() and out.stat().st_size > 0


def test_plot_roster_gantt_english_labels() -> None:
    """With lang="en" the axes, title and legend are labelled in English."""
    ax = plot_roster_gantt(_roster(), lang="en")
    assert ax.get_xlabel() == "Quarter"
    assert ax.get_ylabel() == "Health center"
    assert ax.get_title() == "Rural rotation roster"
    custom = plot_roster_gantt(_roster(), lang="en", title="Custom")
    assert custom.get_title() == "Custom"


def test_plot_roster_gantt_large_roster_omits_names() -> None:
    """Rosters with more than 200 rows are drawn as coloured bars without names."""
    big = pd.concat([_roster()] * 30, ignore_index=True)
    assert len(big) > 200
    ax = plot_roster_gantt(big)
    assert len(ax.texts) == 0
    assert len(ax.patches) >= len(big)  # one bar per row, plus band shading


def test_department_colors_deterministic_and_distinct() -> None:
    """department_colors is deterministic and gives 20 names 20 distinct colours."""
    names = [f"科室{i}" for i in range(20)]
    first = department_colors(names)
    assert first == department_colors(names)
    assert first == department_colors(list(reversed(names)) + names[:5])
    assert set(first) == set(names)
    assert len(set(first.values())) == 20
    many = department_colors([f"d{i}" for i in range(60)])
    assert len(set(many.values())) == 60
