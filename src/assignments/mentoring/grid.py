"""Timetables as the grids schools keep: periods down, weekdays across, one sheet a teacher or
a class.

Besides the row form (the 课表 sheet: one row per teacher and weekday), a workbook (or CSV
folder) may hold grid sheets; all forms are merged into each teacher's weekly busy periods.

Naming rule (which sheets are grids):

- ``课表-<teacher>``: a teacher's own timetable. ``<teacher>`` is the 工号 or the 姓名 of a
  teacher of the 教师 sheet (``课表-T001``, ``课表 张敏``, ``课表_张敏(T001)``); every non-empty
  cell is a lesson of that teacher (the text, a class or subject, is for information).
- ``课表-<class>``: a class's timetable; ``<class>`` contains 班 (``课表-七年级2班``). Each cell
  names the teacher by 工号 or 姓名 (``语文 张敏``, ``数学 T002``); the lesson is that teacher's.
  A cell naming no teacher of the 教师 sheet is refused, unless it is a class activity
  (班会, 自习, 升旗, 大课间, 课间操, 眼保健操, 午休, 社团, 活动, 早读, 晚自习, 阅读, 劳动), which
  is nobody's lesson.
- A sheet named exactly a teacher's 工号 or 姓名 is that teacher's grid when it has a weekday
  header (a notice says so when it has none).
- ``课表`` (or ``课程表``/``timetable``), with no qualifier, is the row form.

``课表`` / ``课程表`` / ``timetable`` prefixes are accepted with any of ``- _ · : ：`` or a space
after them. A qualifier that is neither a teacher nor a class is refused with its location.

Reading a grid: the header row is the first row with at least two weekday cells (星期一 …,
周一 …, 一 … 五 or Mon … Fri; rows above it, a title, are skipped); the columns left of the first
weekday hold the period labels (第1节, 1, 第一节, 上午第1节; 上午/下午/晚上 group labels in
their own column too). When a group (下午) restarts its numbering at 1, its periods continue
after the last one before it (上午 1–4, 下午 1–3 = periods 5–7). A merged cell counts for
every row and column it covers (a double period merged over two rows is two periods); a row
merged across every weekday without a period label (午休, a note) is skipped, as is one with
the same break written in every weekday cell (午休 … 午休), as are empty rows
and columns, rows without lessons (breaks, notes in the label column) and rows below the last
period whose label cells are empty. A row with lessons whose period label cannot be read is
refused with its location. Cells holding only ``-``, ``—``, ``/``, ``无`` or ``空`` are empty.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from assignments.core.errors import Issue, Location
from assignments.core.i18n import tr

__all__ = ["GridLesson", "grid_kind", "read_grids"]

_PREFIX = re.compile(r"^\s*(课程表|课表|timetable)\s*[-_·:：\s]*", re.IGNORECASE)
_SPLIT = re.compile(r"[\s\-_·:：()（）\[\]【】,，、;；/\\|]+")
_PERIOD_DI = re.compile(r"第\s*([0-9]+|[一二两三四五六七八九十]+)\s*(?:节|课|课时)?")
_PERIOD_LEAD = re.compile(r"^([0-9]+|[一二两三四五六七八九十]+)\s*(?:节|课时|课)?(?=$|[\s(（、])")
_GROUPS = {
    "早上": "morning", "早晨": "morning", "上午": "morning", "am": "morning", "morning": "morning",
    "中午": "noon", "noon": "noon",
    "下午": "afternoon", "pm": "afternoon", "afternoon": "afternoon",
    "晚上": "evening", "晚自习": "evening", "evening": "evening",
}
_EMPTY = {"-", "—", "–", "——", "/", "\\", "无", "空", "·"}
ACTIVITIES = ("班会", "自习", "升旗", "大课间", "课间操", "眼保健操", "午休", "社团", "活动",
              "早读", "晚自习", "阅读", "劳动")
"""Words of class activities: a class-grid cell holding one and naming no teacher is nobody's
lesson (not an unknown teacher)."""

_ZH_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
              "九": 9}


@dataclass(frozen=True)
class GridLesson:
    """One busy period read from a grid cell."""

    teacher: str
    weekday: int
    period: int
    text: str | None
    where: Location


class _Teachers:
    """Teacher ids and names for resolving sheet names and cells."""

    def __init__(self, teachers: Iterable[Any], rejected: set[str],
                 school_label: Any) -> None:
        self.ids: dict[str, Any] = {}
        self.named: dict[str, list[Any]] = defaultdict(list)
        for t in teachers:
            self.ids[t.id] = t
            if t.name:
                self.named[t.name].append(t)
        self.rejected = rejected
        self.school_label = school_label

    def listed(self, ref: str) -> str:
        return "、".join(f"{t.id} ({self.school_label(t.school)}, {'、'.join(t.subjects)})"
                        for t in self.named[ref])

    def resolve(self, text: str, *, substrings: bool) -> tuple[list[str], str | None, bool]:
        """Teacher ids named in ``text`` (by 工号 or 姓名), an error message (an ambiguous
        name), and whether a rejected teacher's id was named (already reported)."""
        tokens = [t for t in (text, *_SPLIT.split(text)) if t]
        found: list[str] = []
        ambiguous: list[str] = []
        rejected = False
        for tok in tokens:
            if tok in self.ids:
                found.append(tok)
            elif tok in self.named:
                named = self.named[tok]
                if len(named) == 1:
                    found.append(named[0].id)
                else:
                    ambiguous.append(tok)
            elif tok in self.rejected:
                rejected = True
        if not found and not ambiguous and substrings:
            # a name written without a separator (语文张敏): every substring of 2–8 characters
            # looked up (cost by the cell's length, not by the number of teachers)
            subs = {text[a:b] for a in range(len(text))
                    for b in range(a + 2, min(len(text), a + 8) + 1)}
            hits = [n for n in subs if n in self.named]
            hits = sorted(n for n in hits if not any(n != m and n in m for m in hits))
            for n in hits:
                if len(self.named[n]) == 1:
                    found.append(self.named[n][0].id)
                else:
                    ambiguous.append(n)
            found += [w for w in re.findall(r"[0-9A-Za-z]+", text) if w in self.ids]
        found = list(dict.fromkeys(found))
        if ambiguous:
            # a name of several teachers is fine when the 工号 of one of them is also given
            named_ids = {t.id for n in ambiguous for t in self.named[n]}
            if not (named_ids & set(found)):
                ref = ambiguous[0]
                return found, tr("'{ref}' names {n} teachers: {listed}; give the 工号",
                                 ref=ref, n=len(self.named[ref]), listed=self.listed(ref)), \
                    rejected
        return found, None, rejected


def grid_kind(name: str) -> tuple[Literal["prefixed", "bare"], str] | None:
    """(``prefixed``, qualifier) for ``课表-…`` sheet names; (``bare``, name) otherwise;
    ``None`` for the row-form sheet name itself (``课表``)."""
    text = unicodedata.normalize("NFKC", name).strip()
    m = _PREFIX.match(text)
    if m is None:
        return "bare", text
    rest = text[m.end():].strip()
    if not rest or rest.lower() in ("s",):  # 课表 / timetables: the row form
        return None
    return "prefixed", rest


def _text(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    text = unicodedata.normalize("NFKC", str(v)).strip()
    if not text or text in _EMPTY:
        return None
    return text


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


_DAY_WORDS = {
    "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "日": 7, "天": 7,
    "mon": 1, "monday": 1, "tue": 2, "tuesday": 2, "wed": 3, "wednesday": 3,
    "thu": 4, "thursday": 4, "fri": 5, "friday": 5, "sat": 6, "saturday": 6,
    "sun": 7, "sunday": 7,
}


def _weekday(v: Any) -> int | None:
    """A weekday header cell: 星期一/礼拜一/周一/一/Mon/Monday (text only: numbers are period
    labels, not weekdays; the words of the 课表 rows' 星期 column, data.parse_weekday)."""
    if not isinstance(v, str):
        return None
    text = unicodedata.normalize("NFKC", v).strip().lower().replace(" ", "")
    text = re.sub(r"[(（].*?[)）]", "", text)  # 周一 (Mon)
    for prefix in ("星期", "礼拜", "周"):
        text = text.removeprefix(prefix)
    return _DAY_WORDS.get(text.rstrip("."))


def _zh_number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + _ZH_DIGITS.get(text[1:], 0)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return _ZH_DIGITS[tens] * 10 + (_ZH_DIGITS[ones] if ones else 0)
    return _ZH_DIGITS[text]


def _label(text: str) -> tuple[str | None, int | None]:
    """(group, period number) read from a label cell: ``上午第1节`` -> (morning, 1)."""
    low = text.lower()
    group = None
    for word, g in _GROUPS.items():
        if (re.search(rf"\b{word}\b", low) if word.isascii() else word in low):
            group = g
            low = low.replace(word, " ")
            break
    low = low.strip()
    m = _PERIOD_DI.search(low) or _PERIOD_LEAD.match(low)
    if m is None:
        return group, None
    try:
        return group, _zh_number(m.group(1))
    except (KeyError, ValueError):
        return group, None


def _filled(rows: list[list[Any]], merged: Sequence[tuple[tuple[int, int], tuple[int, int]]]
            ) -> tuple[list[list[Any]], dict[tuple[int, int], int]]:
    """Rows with each merged range's value in every cell it covers, and cell -> range index."""
    out = [list(r) for r in rows]
    where: dict[tuple[int, int], int] = {}
    for k, ((r0, c0), (r1, c1)) in enumerate(merged):
        if r0 >= len(out) or c0 >= len(out[r0]):
            continue
        value = out[r0][c0]
        for r in range(r0, min(r1, len(out) - 1) + 1):
            row = out[r]
            if len(row) <= c1:
                row.extend([None] * (c1 + 1 - len(row)))
            for c in range(c0, c1 + 1):
                if (r, c) != (r0, c0):
                    row[c] = value
                where[(r, c)] = k
    return out, where


@dataclass
class _Sheet:
    """A grid sheet being read: its rows, the file, the issues found."""

    file: str
    label: str  # as shown in messages (CSV: the file name)
    rows: list[list[Any]]
    merged: dict[tuple[int, int], int]

    def loc(self, row: int, column: str | None = None, record: str | None = None) -> Location:
        return Location(self.file, self.label, row, column, record)


def _cells(sheet: _Sheet, issues: list[Issue], *, required: bool
           ) -> list[tuple[int, int, int, str, str]] | None:
    """The lessons of a grid: (weekday, period, row, column text, cell text); ``None`` when
    the sheet has no weekday header (an issue added when ``required``)."""
    rows = sheet.rows
    header = None
    days: dict[int, int] = {}
    for i, r in enumerate(rows):
        found = {j: d for j, v in enumerate(r) if (d := _weekday(v)) is not None}
        if len(found) >= 2:
            header, days = i, found
            break
    if header is None:
        if required:
            issues.append(Issue(sheet.loc(1), tr(
                "no row of weekdays found (星期一 … 星期五, 周一 … 周五, 一 … 五 or Mon … Fri): a "
                "timetable grid has the periods down and the weekdays across")))
        return None
    seen_day: dict[int, int] = {}
    heads: dict[int, str] = {}
    for j, d in sorted(days.items()):
        heads[j] = f"{_letter(j)} ({_text(rows[header][j])})"
        if d in seen_day:
            issues.append(Issue(sheet.loc(header + 1, heads[j]), tr(
                "the weekday is already the header of column {column}",
                column=_letter(seen_day[d]))))
            return []
        seen_day[d] = j
    first = min(days)
    if first == 0:
        issues.append(Issue(sheet.loc(header + 1, heads[0]), tr(
            "no column of period labels left of the weekdays: write 第1节 … in column A")))
        return []
    label_cols = range(first)
    out: list[tuple[int, int, int, str, str]] = []
    parsed: list[tuple[int, str | None, int | None, str | None, int, dict[int, str]]] = []
    for i in range(header + 1, len(rows)):
        r = rows[i]
        labels = [_text(r[j]) if j < len(r) else None for j in label_cols]
        lessons = {j: t for j in days if j < len(r) and (t := _text(r[j])) is not None}
        if not lessons and not any(labels):
            continue
        group, period, label, at = None, None, None, first - 1
        for j, text in enumerate(labels):
            if text is None:
                continue
            g, p = _label(text)
            group = group or g
            if p is not None and period is None:
                period, label, at = p, text, j
            elif label is None and g is None:
                label, at = text, j
        if period is None and lessons:
            cover = {sheet.merged.get((i, j)) for j in days}
            if len(cover) == 1 and None not in cover:  # one cell merged across the week
                continue
            texts = set(lessons.values())
            if len(lessons) == len(days) and (texts == {label} or all(map(_activity, texts))):
                continue  # 午休 written across the week
        parsed.append((i, group, period, label, at, lessons))
    last = max((k for k, p in enumerate(parsed) if p[2] is not None), default=-1)
    seen: dict[int, int] = {}
    current: str | None = None
    offset = top = 0
    new_group = False
    for k, (i, group, period, label, at, lessons) in enumerate(parsed):
        head = _text(rows[header][at]) if at < len(rows[header]) else None
        column = f"{_letter(at)} ({head})" if head else _letter(at)
        if group is not None and group != current:
            current, new_group = group, True
        if period is None:
            if not lessons:
                continue  # a break, a note, a group label on its own row
            if k > last and label is None:
                continue  # a note below the grid (e.g. 制表人), not in the label column
            if label is None:
                issues.append(Issue(sheet.loc(i + 1, column), tr(
                    "the row has lessons but no period label: write 第1节 … 第8节 or 1 … 8")))
            else:
                issues.append(Issue(sheet.loc(i + 1, column), tr(
                    "cannot read the period label '{label}': write 第1节 … 第8节 or 1 … 8",
                    label=label)))
            continue
        if new_group:
            if period + offset <= top:
                offset = top
            new_group = False
        p = period + offset
        top = max(top, p)
        if not 1 <= p <= 12:
            issues.append(Issue(sheet.loc(i + 1, column),
                                tr("period {period} is outside 1–12", period=p)))
            continue
        if p in seen:
            issues.append(Issue(sheet.loc(i + 1, column), tr(
                "period {period} is already the label of row {row}", period=p, row=seen[p])))
            continue
        seen[p] = i + 1
        for j, text in lessons.items():
            out.append((days[j], p, i + 1, heads[j], text))
    return out


def _activity(text: str) -> bool:
    return any(word in text for word in ACTIVITIES)


def read_grids(
    path: Path,
    sheets: dict[str, Iterable[list[Any]]],
    teachers: Iterable[Any],
    rejected: set[str],
    school_label: Any,
    issues: list[Issue],
    notices: list[Issue],
) -> tuple[list[GridLesson], int]:
    """The lessons of every grid sheet among ``sheets`` (the sheets no other spec claimed).

    Returns the lessons and the number of grid sheets read; problems go to ``issues`` (each
    with file, sheet, row, column and teacher), notices to ``notices``.
    """
    book = _Teachers(teachers, rejected, school_label)
    merged = _MergedRanges(path)
    out: list[GridLesson] = []
    n_sheets = 0

    def lessons_of_sheet(sheet: _Sheet, cells: list[tuple[int, int, int, str, str]],
                         tids: list[str], is_class: bool) -> None:
        for day, period, row, column, text in cells:
            if not is_class:
                found = tids
            else:
                found, error, was_rejected = book.resolve(text, substrings=True)
                if error is not None:
                    issues.append(Issue(sheet.loc(row, column), error))
                    continue
                if not found and not was_rejected and not _activity(text):
                    issues.append(Issue(sheet.loc(row, column), tr(
                        "'{text}' names no teacher of the 教师 sheet: write the 工号 or 姓名 "
                        "(e.g. 语文 张敏), or leave class activities (班会, 自习 …) without a "
                        "name", text=text)))
            for tid in found:
                out.append(GridLesson(tid, day, period, text, sheet.loc(
                    row, column, f"{tr('teacher')} '{tid}'")))

    try:
        for name, raw in sheets.items():
            kind = grid_kind(name)
            if kind is None:
                continue
            form, qualifier = kind
            if form == "bare" and qualifier not in book.ids and qualifier not in book.named:
                continue  # any other sheet (说明, Sheet1): not a timetable
            tids, error, was_rejected = book.resolve(qualifier, substrings=False)
            is_class = (form == "prefixed" and not tids and not error
                        and ("班" in qualifier or "class" in qualifier.lower()))
            label = f"{name}.csv" if path.is_dir() else name
            filled, where = _filled([list(r) for r in raw], merged.of(name))
            sheet = _Sheet(str(path), label, filled, where)
            if not is_class and (error or len(tids) != 1):
                if form == "bare" and _cells(sheet, [], required=False) is None:
                    continue  # named like a teacher, but no grid in it
                if not was_rejected:
                    issues.append(Issue(sheet.loc(1), error or (tr(
                        "the sheet name names {n} teachers ({ids}): one teacher's timetable a "
                        "sheet", n=len(tids), ids="、".join(tids)) if tids else tr(
                        "'{ref}' in the sheet name is neither the 工号 or 姓名 of a teacher of "
                        "the 教师 sheet nor a class (a class name contains 班)", ref=qualifier))))
                continue
            cells = _cells(sheet, issues, required=form == "prefixed")
            if cells is None and form == "prefixed":
                continue  # refused: no weekday header (the issue says so)
            if cells is None:
                notices.append(Issue(sheet.loc(1), tr(
                    "the sheet is named like teacher '{ref}' but has no row of weekdays: not "
                    "read as a timetable", ref=qualifier)))
                continue
            n_sheets += 1
            lessons_of_sheet(sheet, cells, tids, is_class)
    finally:
        merged.close()
    return out, n_sheets


class _MergedRanges:
    """Merged cell ranges of a workbook's sheets (0-based, inclusive), read with calamine
    when first asked (the workbook has passed the size checks of
    :mod:`assignments.core.xlsx` already); none for CSV, JSON and YAML inputs."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._book: Any = None
        self._open = not path.is_dir() and path.suffix.lower() not in (".json", ".yaml",
                                                                          ".yml", ".csv")

    def of(self, name: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
        if not self._open:
            return []
        from python_calamine import CalamineError, CalamineWorkbook

        try:
            if self._book is None:
                self._book = CalamineWorkbook.from_path(str(self.path))
            ranges = self._book.get_sheet_by_name(name).merged_cell_ranges
        except (CalamineError, OSError, ValueError, KeyError, AttributeError):
            return []  # a format without merge records (the reader read it before): as read
        return [((a[0], a[1]), (b[0], b[1])) for a, b in (ranges or [])]

    def close(self) -> None:
        if self._book is not None:
            self._book.close()
            self._book = None
