"""Printable notices (``notice.pdf``): a title, a few lines of text, one table, page numbers, A4.

Each model builds a :class:`Notice` from its solution (``roster/notice.py``,
``mentoring/notice.py``, ``funding/notice.py``) and :func:`write_notice_pdf` lays it out with
ReportLab: the title centred, the organisation and the date made, the introduction, the table
(its header row repeated on every page, long cells wrapped), the closing lines, and
``第 N 页 共 M 页`` at the foot of every page. Portrait A4, landscape when the table has more
columns than :data:`PORTRAIT_MAX_COLUMNS`.

Chinese text is set in SimHei, the TrueType font shipped inside the ``mplfonts`` wheel (the one
the plots use), embedded (subset) in the PDF, so that the notice prints the same on every
machine and viewer; without it, ReportLab's built-in CID font ``STSong-Light`` is used (not
embedded: the viewer supplies a Song typeface).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from assignments.core.i18n import tr

__all__ = ["PORTRAIT_MAX_COLUMNS", "Notice", "notice_font", "write_notice_pdf"]

#: A notice whose table has more columns is printed landscape.
PORTRAIT_MAX_COLUMNS = 6


@dataclass
class Notice:
    """A printable notice.

    Attributes
    ----------
    title
        The title (``下乡轮转安排通知``).
    columns
        The table's header.
    rows
        The table's rows (texts; numbers already formatted).
    intro, closing
        Paragraphs before and after the table.
    organisation
        The issuing hospital, bureau or county (before the title: ``青山县人民医院下乡轮转安排
        通知``, and signed at the end); omitted when ``None`` (nothing in its place).
    made
        The date made (today when ``None``).
    widths
        Relative column widths (equal when ``None``).
    numeric
        Positions of columns aligned right (amounts).
    total
        A last row set in bold (totals), or ``None``.
    lang
        ``zh`` or ``en``: the words of the date and the page numbers.
    """

    title: str
    columns: Sequence[str]
    rows: Sequence[Sequence[str]]
    intro: Sequence[str] = ()
    closing: Sequence[str] = ()
    organisation: str | None = None
    made: dt.date | None = None
    widths: Sequence[float] | None = None
    numeric: Sequence[int] = ()
    total: Sequence[str] | None = None
    lang: str = "zh"
    subtitle: Sequence[str] = field(default_factory=tuple)


@functools.cache
def notice_font() -> str:
    """Register the Chinese font with ReportLab once; its name (``SimHei`` or ``STSong-Light``)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFont

    from assignments.core.plotting import _mplfonts_font_dir

    folder = _mplfonts_font_dir()
    if folder is not None and (folder / "SimHei.ttf").is_file():
        try:
            pdfmetrics.registerFont(TTFont("SimHei", str(folder / "SimHei.ttf")))
            return "SimHei"
        except Exception:  # pragma: no cover - a damaged font file
            pass
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))  # pragma: no cover
    return "STSong-Light"  # pragma: no cover


def _date_text(day: dt.date, zh: bool) -> str:
    return tr("{year}-{month:02d}-{day:02d}", lang="zh" if zh else "en", year=day.year,
              month=day.month, day=day.day)


def _numbered_canvas(font: str, zh: bool) -> Any:
    """A canvas class writing ``第 N 页 共 M 页`` at the foot of every page (two passes)."""
    from reportlab.pdfgen import canvas

    class NumberedCanvas(canvas.Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # ReportLab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                width = self._pagesize[0]
                self.setFont(font, 9)
                text = tr("Page {page} of {pages}", lang="zh" if zh else "en",
                          page=self._pageNumber, pages=total)
                self.drawCentredString(width / 2, 24, text)
                super().showPage()
            super().save()

    return NumberedCanvas


def write_notice_pdf(path: Path, notice: Notice) -> Path:
    """Lay ``notice`` out on A4 pages and write it to ``path`` (see the module's notes)."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = notice_font()
    zh = notice.lang != "en"
    n_cols = len(notice.columns)
    size = landscape(A4) if n_cols > PORTRAIT_MAX_COLUMNS else A4
    base = ParagraphStyle("base", fontName=font, fontSize=11, leading=16,
                          wordWrap="CJK" if zh else None)
    title = ParagraphStyle("title", parent=base, fontSize=18, leading=26, alignment=TA_CENTER,
                           spaceAfter=4)
    sub = ParagraphStyle("sub", parent=base, fontSize=10.5, alignment=TA_CENTER)
    right = ParagraphStyle("right", parent=base, alignment=TA_RIGHT)
    text = ParagraphStyle("text", parent=base, firstLineIndent=22 if zh else 0, spaceAfter=4)
    cell = ParagraphStyle("cell", parent=base, fontSize=9.5, leading=13)
    cell_right = ParagraphStyle("cell_right", parent=cell, alignment=TA_RIGHT)
    head = ParagraphStyle("head", parent=cell, alignment=TA_CENTER)

    def para(s: str, style: ParagraphStyle) -> Paragraph:
        return Paragraph(escape(str(s)).replace("\n", "<br/>"), style)

    def line(values: Sequence[str], *, bold: bool = False) -> list[Paragraph]:
        out = []
        for j, v in enumerate(values):
            t = escape(str(v)).replace("\n", "<br/>")
            out.append(Paragraph(f"<b>{t}</b>" if bold else t,
                                 cell_right if j in notice.numeric else cell))
        return out

    made = notice.made or dt.date.today()
    heading = (tr("{organisation}: {title}", lang="zh" if zh else "en",
                  organisation=notice.organisation, title=notice.title)
               if notice.organisation else notice.title)
    story: list[Any] = [para(heading, title)]
    for s in notice.subtitle:
        story.append(para(s, sub))
    story.append(Spacer(1, 4 * mm))
    for s in notice.intro:
        story.append(para(s, text))
    story.append(Spacer(1, 2 * mm))

    margin = 18 * mm
    avail = size[0] - 2 * margin
    rel = list(notice.widths) if notice.widths else [1.0] * n_cols
    col_widths = [avail * w / sum(rel) for w in rel]
    data: list[list[Any]] = [[para(c, head) for c in notice.columns]]
    data += [line(r) for r in notice.rows]
    if notice.total is not None:
        data.append(line(notice.total, bold=True))
    if not notice.rows:
        data.append([para(tr("(none)", lang=notice.lang), cell)] + [""] * (n_cols - 1))
    table = Table(data, colWidths=col_widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDEBF7")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]))
    story.append(table)
    story.append(Spacer(1, 5 * mm))
    for s in notice.closing:
        story.append(para(s, text))
    story.append(Spacer(1, 8 * mm))
    if notice.organisation:
        story.append(para(notice.organisation, right))
    day = _date_text(made, zh)
    story.append(para(day if notice.organisation else
                      tr("Made {day}", lang="zh" if zh else "en", day=day), right))

    path.parent.mkdir(parents=True, exist_ok=True)
    doc = SimpleDocTemplate(str(path), pagesize=size, leftMargin=margin, rightMargin=margin,
                            topMargin=16 * mm, bottomMargin=18 * mm, title=notice.title,
                            author=notice.organisation or "", creator="assignments",
                            invariant=True)
    doc.build(story, canvasmaker=_numbered_canvas(font, zh))
    return path
