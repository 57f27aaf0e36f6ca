"""Shared, pyplot-free plotting helpers.

Everything here works on a headless machine without any GUI backend and without system
font packages: figures are built with :class:`matplotlib.figure.Figure` directly, and
Chinese text is rendered with the CJK fonts shipped inside the ``mplfonts`` wheel.
"""

from __future__ import annotations

import importlib.util
import warnings
from collections.abc import Sequence
from os import PathLike
from pathlib import Path
from typing import Any

import matplotlib
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.figure import Figure

__all__ = [
    "CJKFontWarning",
    "department_colors",
    "figure_texts",
    "new_axes",
    "save_figure",
    "setup_cjk_font",
]

# Font files inside the ``mplfonts`` package, best first (sans-serif before serif/mono).
_MPLFONTS_FILES: tuple[str, ...] = (
    "NotoSansCJKsc-Regular.otf",
    "SimHei.ttf",
    "SourceHanSerifSC-Regular.otf",
    "NotoSerifCJKsc-Regular.otf",
    "SourceHanMonoSC-Regular.otf",
    "NotoSansMonoCJKsc-Regular.otf",
)

# System font families that cover simplified Chinese, tried when mplfonts is unavailable.
_SYSTEM_FAMILIES: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "SimHei",
    "Microsoft YaHei",
)

# Cached outcome of the font search: {"done": bool, "family": str | None}.
_STATE: dict[str, Any] = {"done": False, "family": None}

_PALETTES: tuple[str, ...] = ("tab20", "tab20b", "tab20c")

RGBA = tuple[float, float, float, float]


class CJKFontWarning(UserWarning):
    """No font able to render Chinese characters could be found for matplotlib."""


def _mplfonts_font_dir() -> Path | None:
    """Directory holding mplfonts' bundled font files, located without importing it."""
    try:
        spec = importlib.util.find_spec("mplfonts")
    except (ImportError, ValueError):
        return None
    if spec is None:
        return None
    roots = list(spec.submodule_search_locations or [])
    if not roots and spec.origin:
        roots = [str(Path(spec.origin).parent)]
    for root in roots:
        font_dir = Path(root) / "fonts"
        if font_dir.is_dir():
            return font_dir
    return None


def _register_font_file(path: Path) -> str | None:
    """Register one font file with matplotlib and return its family name (None on error)."""
    try:
        known = {Path(entry.fname) for entry in font_manager.fontManager.ttflist}
        if path not in known:
            font_manager.fontManager.addfont(str(path))
        name = font_manager.FontProperties(fname=str(path)).get_name()
    except (OSError, RuntimeError, ValueError):
        return None
    return name or None


def _find_cjk_family() -> str | None:
    font_dir = _mplfonts_font_dir()
    if font_dir is not None:
        for filename in _MPLFONTS_FILES:
            path = font_dir / filename
            if path.is_file():
                family = _register_font_file(path)
                if family:
                    return family
    for family in _SYSTEM_FAMILIES:
        try:
            font_manager.fontManager.findfont(
                font_manager.FontProperties(family=family), fallback_to_default=False
            )
        except ValueError:
            continue
        return family
    return None


def _apply_rc(family: str) -> None:
    rc = matplotlib.rcParams
    rest = [name for name in rc["font.sans-serif"] if name != family]
    rc["font.sans-serif"] = [family, *rest]
    rc["font.family"] = "sans-serif"
    rc["axes.unicode_minus"] = False


def setup_cjk_font() -> str | None:
    """Make matplotlib able to render Chinese text; return the font family used.

    The font files bundled with the ``mplfonts`` package are registered in-memory (nothing
    is written to disk); failing that, common system CJK families are tried. The chosen
    family is put first in ``rcParams["font.sans-serif"]``. The search runs once; later
    calls re-apply the rcParams (cheap, in case they were reset) and return the cached
    family. When no CJK font exists a single :class:`CJKFontWarning` is emitted and
    ``None`` is returned.
    """
    if not _STATE["done"]:
        _STATE["family"] = _find_cjk_family()
        _STATE["done"] = True
        if _STATE["family"] is None:
            warnings.warn(
                "No CJK font found for matplotlib: Chinese labels may show as empty boxes. "
                "Fix: `pip install mplfonts` (bundles Noto Sans CJK SC) or install a system "
                "font such as Noto Sans CJK SC / WenQuanYi Zen Hei.",
                CJKFontWarning,
                stacklevel=2,
            )
    family: str | None = _STATE["family"]
    if family is not None:
        _apply_rc(family)
    return family


def new_axes(
    ax: Axes | None = None, *, figsize: tuple[float, float] = (10, 6)
) -> tuple[Figure, Axes]:
    """Return ``(figure, axes)``: the given axes and its root figure, or a fresh pair.

    New figures are plain :class:`~matplotlib.figure.Figure` objects (no pyplot, no GUI
    backend); the CJK font is set up first.
    """
    if ax is not None:
        parent = ax.figure
        fig = parent if isinstance(parent, Figure) else parent.figure
        return fig, ax
    setup_cjk_font()
    fig = Figure(figsize=figsize)
    return fig, fig.add_subplot()


def save_figure(fig: Figure, path: str | PathLike[str]) -> Path:
    """Save ``fig`` as PNG (150 dpi, tight bounding box), creating parent directories.

    A ``.png`` suffix is appended when ``path`` has none. Returns the written path.
    """
    out = Path(path)
    if not out.suffix:
        out = out.with_suffix(".png")
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, format="png", dpi=150, bbox_inches="tight")
    return out


def _palette() -> list[RGBA]:
    colors: list[RGBA] = []
    for name in _PALETTES:
        cmap = matplotlib.colormaps[name]
        n = int(cmap.N)
        # Strong shades (even indices) before their light partners, so that small sets of
        # departments get clearly different colours.
        order = [*range(0, n, 2), *range(1, n, 2)]
        for i in order:
            r, g, b, a = cmap(i)
            colors.append((float(r), float(g), float(b), float(a)))
    return colors


def department_colors(names: Sequence[str]) -> dict[str, RGBA]:
    """Map each distinct name to an RGBA colour, deterministically.

    Duplicates are dropped (first appearance wins) and the distinct names are sorted, so
    the same set of departments always gets the same colours regardless of input order.
    Colours come from tab20, then tab20b and tab20c (60 distinct colours), cycling after.
    """
    unique = sorted(dict.fromkeys(str(name) for name in names))
    palette = _palette()
    return {name: palette[i % len(palette)] for i, name in enumerate(unique)}


def figure_texts(fig: Figure) -> list[str]:
    """Every visible text of ``fig`` (titles, labels, tick labels, legend, annotations): what
    a reader sees, for checking that a chart is in one language."""
    from matplotlib.text import Text

    return [t.get_text() for t in fig.findobj(Text)
            if t.get_visible() and t.get_text().strip()]
