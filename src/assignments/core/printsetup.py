"""Print setup of the Excel outputs: every sheet a table an office can print as it is.

:func:`assignments.core.output.write_excel` calls :func:`prepare_frame` on each table before
writing it and :func:`apply_print_setup` on the written sheet. What a sheet gets:

- A4 paper, landscape when the table is wide (more than :data:`PORTRAIT_MAX_COLUMNS` columns or
  more than :data:`PORTRAIT_MAX_WIDTH` character widths), portrait otherwise; fitted to one page
  wide (as many pages tall as needed); gridlines printed; centred horizontally.
- The header row repeated on every printed page (print titles), frozen, with an auto-filter.
- A page header: the organisation (left), the document title and sheet name (centre), the
  period and the date made (right); a page footer ``第 &P 页 共 &N 页`` (``Page &P of &N``).
  The title is put in the page header, not in a row above the table: the header row stays row 1,
  so that every reader of our own outputs (``roster check``, ``roster replan --published``,
  ``pandas.read_excel``) reads the sheets as before, and the title shows on every printed page.
- Real Excel dates (``yyyy-mm-dd``) in columns of dates: columns declared in
  :attr:`PrintOptions.dates`, and columns whose every value is a date or an ISO date text
  (``2027-01-04``).
- Money with thousands separators (``#,##0``, or ``#,##0.00`` when a value has a fractional
  part), in the unit the table states: numeric columns declared in :attr:`PrintOptions.money`,
  and numeric columns whose header names a money unit (``(元)``, ``(万元)``, ``yuan``) or money
  (``金额``, ``资金``).
- One font for the whole sheet, :data:`FONT` (宋体, on every Chinese Windows and in WPS), the
  header bold on a light fill; long text wraps at :data:`MAX_WIDTH`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from assignments.core.i18n import tr

__all__ = [
    "DATE_FORMAT",
    "FONT",
    "MAX_WIDTH",
    "PORTRAIT_MAX_COLUMNS",
    "PORTRAIT_MAX_WIDTH",
    "PrintOptions",
    "apply_print_setup",
    "column_widths",
    "display_width",
    "is_money_header",
    "landscape",
    "money_format",
    "prepare_frame",
]

#: The font of every cell (header bold).
FONT = "宋体"
#: Number format of date cells.
DATE_FORMAT = "yyyy-mm-dd"
#: Widest column (in character widths; a Chinese character counts 2); longer text wraps.
MAX_WIDTH = 50
#: A table with more columns is printed landscape.
PORTRAIT_MAX_COLUMNS = 8
#: A table wider than this (sum of column widths, character widths) is printed landscape.
PORTRAIT_MAX_WIDTH = 100

_MONEY_HEADER = re.compile(r"[(（]\s*万?元\s*[)）]|金额|资金|yuan|\bCNY\b|\bRMB\b", re.IGNORECASE)
_PER = re.compile(r"每|\bper\b", re.IGNORECASE)  # 每万元加权受益: a rate, not money
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_ANY_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_HEADER_LIMIT = 80  # characters per header/footer section (Excel allows 255 in all)


@dataclass(frozen=True)
class PrintOptions:
    """What a workbook's printed pages say, and which columns hold money or dates.

    Attributes
    ----------
    title
        The document title (page header, centre, before the sheet name), e.g. ``下乡轮转排班表``.
    organisation
        The hospital, bureau or county (page header, left); omitted when ``None``.
    period
        The period the document covers, e.g. ``2027Q1–2027Q4`` (page header, right).
    made
        The date the document was made (page header, right); today when ``None``.
    money
        Column headers that hold money, in any sheet (besides those recognised by their header:
        :func:`is_money_header`); only numeric columns are formatted.
    dates
        Column headers that hold dates, in any sheet (besides columns of ISO dates).
    lang
        ``zh`` or ``en``: the words of the page header and footer.
    """

    title: str | None = None
    organisation: str | None = None
    period: str | None = None
    made: dt.date | None = None
    money: Collection[str] = ()
    dates: Collection[str] = ()
    lang: str = "zh"


def display_width(text: str) -> int:
    """Width of ``text`` in character widths (a Chinese character counts 2)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def is_money_header(header: object) -> bool:
    """Whether a column header names money: ``(元)``, ``（万元）``, ``金额``, ``资金``, ``yuan``;
    not a rate (``每万元加权受益``, ``… per 10,000 yuan``)."""
    text = str(header)
    return bool(_MONEY_HEADER.search(text)) and not _PER.search(text)


def _as_date(value: Any, *, lenient: bool = False) -> dt.date | None:
    """``value`` as a date: a date, a datetime at midnight, an ISO date text (``2027-01-04``);
    ``lenient`` (declared date columns) also ``2027/1/4``, ``2027.1.4`` and ``2027年1月4日``."""
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime().date() if value == value.normalize() else None
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time() else None
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    m = (_ISO_DATE if not lenient else _ANY_DATE).match(text)
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA \
        or value is pd.NaT or (isinstance(value, str) and not value.strip())


def _numeric(values: list[Any]) -> bool:
    """Whether every (non-missing) value is a number (``bool`` is not)."""
    return all(isinstance(v, int | float | np.integer | np.floating)
               and not isinstance(v, bool | np.bool_) for v in values)


def prepare_frame(df: pd.DataFrame, options: PrintOptions) -> tuple[pd.DataFrame, dict[int, str]]:
    """The table to write, with its date columns as dates, and the number format per column.

    Returns
    -------
    frame, formats
        ``frame`` is ``df`` with every date column's values as :class:`datetime.date` (a copy
        when anything changed); ``formats`` maps a 0-based column position to its number format
        (dates: :data:`DATE_FORMAT`; money: :func:`money_format`).
    """
    formats: dict[int, str] = {}
    out = df
    for j, col in enumerate(df.columns):
        series = df.iloc[:, j]
        values = [v for v in series.tolist() if not _missing(v)]
        if not values:
            continue
        if _numeric(values):
            if str(col) in options.money or is_money_header(col):
                formats[j] = money_format(values)
            continue
        declared = str(col) in options.dates
        if all(_as_date(v, lenient=declared) is not None for v in values):
            if out is df:
                out = df.copy()
            out.isetitem(j, [None if _missing(v) else _as_date(v, lenient=declared)
                             for v in series.tolist()])
            formats[j] = DATE_FORMAT
    return out, formats


def money_format(values: Collection[Any]) -> str:
    """``#,##0`` when every value is whole, else ``#,##0.00``."""
    whole = all(float(v).is_integer() for v in values)
    return "#,##0" if whole else "#,##0.00"


def column_widths(df: pd.DataFrame, formats: dict[int, str]) -> list[int]:
    """Column widths in character widths: the widest of the header and the first 200 values,
    plus 2; at least 8, at most :data:`MAX_WIDTH`."""
    widths = []
    for j, col in enumerate(df.columns):
        fmt = formats.get(j)
        if fmt == DATE_FORMAT:
            texts = [str(col), "2027-01-01"]
        elif fmt is not None:  # money: the thousands separators take room too
            texts = [str(col), *(f"{float(v):,.2f}" if "0.00" in fmt else f"{float(v):,.0f}"
                                 for v in df.iloc[:200, j].tolist() if not _missing(v))]
        else:
            texts = [str(col), *(str(v) for v in df.iloc[:200, j].tolist() if not _missing(v))]
        widest = max(display_width(t) for t in texts) + 2
        widths.append(min(max(widest, 8), MAX_WIDTH))
    return widths


def landscape(widths: list[int]) -> bool:
    """Whether a table of these column widths is printed landscape."""
    return len(widths) > PORTRAIT_MAX_COLUMNS or sum(widths) > PORTRAIT_MAX_WIDTH


def _escape(text: str) -> str:
    """Header/footer text with ``&`` (Excel's code character) kept literal, cut to length."""
    text = text if len(text) <= _HEADER_LIMIT else text[: _HEADER_LIMIT - 1] + "…"
    return text.replace("&", "&&")


def apply_print_setup(ws: Any, df: pd.DataFrame, formats: dict[int, str], options: PrintOptions,
                      *, sheet: str) -> None:
    """Give the written sheet ``ws`` (header in row 1, ``df`` below) its print setup."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.page import PageMargins

    zh = options.lang != "en"
    n_cols, n_rows = len(df.columns), len(df)
    widths = column_widths(df, formats)
    head_font = Font(name=FONT, bold=True, size=11)
    body_font = Font(name=FONT, size=11)
    fill = PatternFill("solid", fgColor="DDEBF7")
    head_align = Alignment(wrap_text=True, vertical="center", horizontal="center")
    wrap = Alignment(wrap_text=True, vertical="top")
    for j in range(1, n_cols + 1):
        cell = ws.cell(row=1, column=j)
        cell.font = head_font
        cell.fill = fill
        cell.alignment = head_align
        ws.column_dimensions[get_column_letter(j)].width = widths[j - 1]
    long_text = {j for j in range(n_cols) if j not in formats and widths[j] >= MAX_WIDTH}
    for row in ws.iter_rows(min_row=2, max_row=n_rows + 1, max_col=n_cols):
        for j, cell in enumerate(row):
            cell.font = body_font
            fmt = formats.get(j)
            if fmt is not None:
                cell.number_format = fmt
            elif j in long_text:
                cell.alignment = wrap

    ws.freeze_panes = "A2"
    if n_cols:
        last = get_column_letter(n_cols)
        ws.auto_filter.ref = f"A1:{last}{n_rows + 1}"
        ws.print_title_rows = "1:1"

    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape(widths) else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins = PageMargins(left=0.5, right=0.5, top=0.75, bottom=0.75, header=0.3,
                                  footer=0.3)
    ws.print_options.horizontalCentered = True
    ws.print_options.gridLines = True

    made = options.made or dt.date.today()
    if options.organisation:
        ws.oddHeader.left.text = _escape(options.organisation)
    ws.oddHeader.center.text = _escape(
        f"{options.title} — {sheet}" if options.title else sheet)
    lang = "zh" if zh else "en"
    right = [options.period or "", tr("made {day}", lang=lang, day=made.isoformat())]
    ws.oddHeader.right.text = _escape("  ".join(r for r in right if r))
    # &P and &N are Excel's page number and page count
    ws.oddFooter.center.text = tr("Page &P of &N", lang=lang)
