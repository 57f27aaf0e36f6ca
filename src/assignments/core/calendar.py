"""Quarters, handover days (交接日) and the Chinese working-day calendar.

Rotations in the hospital roster run quarter by quarter.  The handover day of a
quarter is the first Monday of its first month; when that Monday is not a working
day (e.g. it falls inside the National Day golden week) the handover moves to the
next *working* day, where make-up workdays (调休, official working weekends) count
as working days.

Working days are looked up, in this order, in

1. the workbook's optional 节假日 (holidays) sheet, given as :class:`HolidayOverride` rows;
2. the ``chinesecalendar`` package (``import chinese_calendar``) for the years it knows;
3. a rule-based estimate (weekends off; 1 Jan, 清明, 1–5 May and 1–7 Oct are
   holidays) for any other year, which is recorded and reported through
   :attr:`WorkCalendar.warnings` — unless the calendar is *strict*, in which case an
   unknown year raises :class:`CalendarError`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from importlib import metadata
from typing import overload

import chinese_calendar

from assignments.core.i18n import tr

__all__ = [
    "CalendarError",
    "HolidayOverride",
    "Quarter",
    "WorkCalendar",
    "quarter_range",
]

# --------------------------------------------------------------------------- quarters

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}

# "2027Q1", "2027-Q1", "2027 Q1", "2027_q1", "2027/Q1" (after NFKC normalisation)
_RE_Q = re.compile(r"^(\d{4})\s*[-_/.]?\s*[Qq]\s*([1-4])$")
# "2027年第1季度", "2027年一季度", "2027年1季度", "2027年第一季"
_RE_CN = re.compile(r"^(\d{4})\s*年\s*第?\s*([1-4一二三四])\s*季度?$")

def _bad_quarter(text: object) -> ValueError:
    return ValueError(tr("Cannot parse quarter {text}: expected a quarter such as '2027Q1', "
                         "'2027-Q1', '2027 Q1' or '2027年第1季度'", text=repr(text)))


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter, e.g. ``Quarter(2027, 1)`` for January–March 2027.

    Parameters
    ----------
    year : int
        Calendar year (1–9999).
    q : int
        Quarter number, 1–4.

    Raises
    ------
    ValueError
        If ``year`` or ``q`` is out of range.

    Notes
    -----
    Quarters are ordered chronologically and support arithmetic:
    ``Quarter(2026, 4) + 1 == Quarter(2027, 1)``, ``Quarter(2027, 1) - 1 ==
    Quarter(2026, 4)`` and ``Quarter(2027, 2) - Quarter(2026, 4) == 2``.
    """

    year: int
    q: int

    def __post_init__(self) -> None:
        for name, value in (("year", self.year), ("q", self.q)):
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(tr("Quarter {name} must be a whole number, got {value}",
                                    name=name, value=repr(value)))
        if not 1 <= self.q <= 4:
            raise ValueError(tr("Quarter number must be 1–4, got {q}", q=self.q))
        if not 1 <= self.year <= 9999:
            raise ValueError(tr("Year must be 1–9999, got {year}", year=self.year))

    # ------------------------------------------------------------------ parsing
    @classmethod
    def parse(cls, text: str | int | float | date) -> Quarter:
        """Parse a quarter from a spreadsheet cell or command-line value.

        Parameters
        ----------
        text : str or int or float or datetime.date
            Accepted forms:

            * strings ``"2027Q1"``, ``"2027-Q1"``, ``"2027 Q1"``, ``"2027q1"``,
              ``"2027年第1季度"``, ``"2027年一季度"``, ``"2027年1季度"``; full-width
              characters (``"２０２７Ｑ１"``) and surrounding whitespace are allowed;
            * a :class:`datetime.date` (or ``datetime``/``pandas.Timestamp``): the
              quarter containing that day;
            * an ``int`` such as ``20271`` (year followed by quarter digit);
            * a ``float`` such as ``2027.1`` (as Excel stores a typed ``2027.1``),
              or an integral float such as ``20271.0``.

        Returns
        -------
        Quarter
            The parsed quarter.

        Raises
        ------
        ValueError
            If the value is not a recognisable quarter (message in English and Chinese).
        """
        if isinstance(text, Quarter):
            return text
        if isinstance(text, date):  # includes datetime and pandas.Timestamp
            return cls(text.year, (text.month - 1) // 3 + 1)
        if isinstance(text, bool):
            raise _bad_quarter(text)
        if isinstance(text, int):
            if 10000 <= text <= 99999 and 1 <= text % 10 <= 4:
                return cls(text // 10, text % 10)
            raise _bad_quarter(text)
        if isinstance(text, float):
            if text != text or text in (float("inf"), float("-inf")):
                raise _bad_quarter(text)
            if text.is_integer():
                return cls.parse(int(text))
            year_part, _, frac = repr(text).partition(".")
            if len(year_part) == 4 and frac in {"1", "2", "3", "4"}:
                return cls(int(year_part), int(frac))
            raise _bad_quarter(text)
        if not isinstance(text, str):
            raise _bad_quarter(text)
        norm = unicodedata.normalize("NFKC", text).strip()
        for pattern in (_RE_Q, _RE_CN):
            m = pattern.match(norm)
            if m:
                return cls(int(m.group(1)), _CN_DIGITS[m.group(2)])
        raise _bad_quarter(text)

    @classmethod
    def from_date(cls, d: date) -> Quarter:
        """Return the quarter containing ``d``.

        Parameters
        ----------
        d : datetime.date
            Any day.

        Returns
        -------
        Quarter
            The quarter that ``d`` falls in.
        """
        return cls(d.year, (d.month - 1) // 3 + 1)

    # ------------------------------------------------------------------ display
    def __str__(self) -> str:
        """Return the canonical form, e.g. ``"2027Q1"``."""
        return f"{self.year}Q{self.q}"

    # ------------------------------------------------------------------ arithmetic
    def _ordinal(self) -> int:
        return self.year * 4 + (self.q - 1)

    @classmethod
    def _from_ordinal(cls, n: int) -> Quarter:
        year, r = divmod(n, 4)
        return cls(year, r + 1)

    def __add__(self, n: int) -> Quarter:
        """Return the quarter ``n`` quarters later (``n`` may be negative)."""
        if isinstance(n, bool) or not isinstance(n, int):
            return NotImplemented
        return self._from_ordinal(self._ordinal() + n)

    def __radd__(self, n: int) -> Quarter:
        """Support ``n + quarter``."""
        return self.__add__(n)

    @overload
    def __sub__(self, other: Quarter) -> int: ...

    @overload
    def __sub__(self, other: int) -> Quarter: ...

    def __sub__(self, other: Quarter | int) -> int | Quarter:
        """Quarter minus Quarter gives the number of quarters between them;
        Quarter minus int gives an earlier quarter."""
        if isinstance(other, Quarter):
            return self._ordinal() - other._ordinal()
        if isinstance(other, bool) or not isinstance(other, int):
            return NotImplemented
        return self._from_ordinal(self._ordinal() - other)

    # ------------------------------------------------------------------ helpers
    def first_day(self) -> date:
        """Return the first calendar day of the quarter (1 Jan/Apr/Jul/Oct).

        Returns
        -------
        datetime.date
            The quarter's first day.
        """
        return date(self.year, 3 * self.q - 2, 1)

    def last_day(self) -> date:
        """Return the last calendar day of the quarter.

        Returns
        -------
        datetime.date
            31 Mar, 30 Jun, 30 Sep or 31 Dec of the quarter's year.
        """
        if self.q == 4:
            return date(self.year, 12, 31)
        return date(self.year, 3 * self.q + 1, 1) - timedelta(days=1)

    def months(self) -> tuple[int, int, int]:
        """Return the three month numbers of the quarter.

        Returns
        -------
        tuple of int
            e.g. ``(4, 5, 6)`` for Q2.
        """
        first = 3 * self.q - 2
        return (first, first + 1, first + 2)

    def index_from(self, start: Quarter) -> int:
        """Return the 0-based index of this quarter counted from ``start``.

        Parameters
        ----------
        start : Quarter
            The quarter with index 0.

        Returns
        -------
        int
            ``self - start``; negative if this quarter precedes ``start``.
        """
        return self - start


def quarter_range(start: Quarter, n: int) -> list[Quarter]:
    """Return ``n`` consecutive quarters beginning with ``start``.

    Parameters
    ----------
    start : Quarter
        First quarter.
    n : int
        Number of quarters (>= 0).

    Returns
    -------
    list of Quarter
        ``[start, start + 1, ..., start + n - 1]``.

    Raises
    ------
    ValueError
        If ``n`` is negative.
    """
    if n < 0:
        raise ValueError(tr("Number of quarters must be >= 0, got {n}", n=n))
    return [start + i for i in range(n)]


# --------------------------------------------------------------------------- calendar


class CalendarError(ValueError):
    """Working-day information is missing or inconsistent."""


@dataclass
class HolidayOverride:
    """One row of the workbook's optional 节假日 (holidays) sheet.

    Parameters
    ----------
    day : datetime.date
        The day being overridden (a ``datetime``/``pandas.Timestamp`` is reduced
        to its date).
    is_working_day : bool
        ``True`` for a working day (e.g. a 调休 Saturday), ``False`` for a day off.
    name : str, optional
        Free-text label, e.g. ``"国庆节"``.
    """

    day: date
    is_working_day: bool
    name: str = ""

    def __post_init__(self) -> None:
        if isinstance(self.day, datetime):
            self.day = self.day.date()
        if not isinstance(self.day, date):
            raise CalendarError(tr("Holiday override day must be a date, got {value}",
                                   value=repr(self.day)))
        self.is_working_day = bool(self.is_working_day)


def _library_version() -> str:
    version = getattr(chinese_calendar, "__version__", None)
    if isinstance(version, str) and version:
        return version
    try:
        return metadata.version("chinesecalendar")
    except metadata.PackageNotFoundError:  # pragma: no cover - installed under another name
        return "unknown"


def _library_years() -> tuple[int, int]:
    # chinese_calendar itself validates dates against the years of its ``holidays`` table.
    years = [d.year for d in chinese_calendar.holidays]
    if not years:  # pragma: no cover - defensive
        years = [d.year for d in chinese_calendar.workdays]
    return (min(years), max(years))


def _to_date(d: date) -> date:
    if isinstance(d, datetime):
        return d.date()
    if not isinstance(d, date):
        raise TypeError(f"expected a datetime.date, got {type(d).__name__}")
    return d


_MAX_SEARCH_DAYS = 60


class WorkCalendar:
    """Working-day calendar combining overrides, ``chinesecalendar`` and an estimate.

    Parameters
    ----------
    overrides : iterable of HolidayOverride, optional
        Rows of the workbook's 节假日 sheet; they take precedence over everything else.
    strict : bool, default False
        If ``True``, asking about a day in a year ``chinesecalendar`` does not know,
        and for which there is no override for that exact day, raises
        :class:`CalendarError` instead of estimating.

    Raises
    ------
    CalendarError
        If two overrides for the same day disagree on whether it is a working day.
    """

    def __init__(self, overrides: Iterable[HolidayOverride] = (), *, strict: bool = False) -> None:
        self._overrides: dict[date, HolidayOverride] = {}
        for row in overrides:
            previous = self._overrides.get(row.day)
            if previous is not None and previous.is_working_day != row.is_working_day:
                raise CalendarError(tr(
                    "Conflicting 节假日 (holidays) rows for {day}: listed both as a working day "
                    "and as a holiday", day=row.day.isoformat()))
            self._overrides[row.day] = row
        self.strict = strict
        self._version = _library_version()
        self._known = _library_years()
        self._estimated: set[int] = set()
        self._qingming: dict[int, date] = {}
        self._lunar: dict[int, frozenset[date]] = {}

    # ------------------------------------------------------------------ metadata
    @property
    def library_version(self) -> str:
        """Version string of the installed ``chinesecalendar`` package."""
        return self._version

    @property
    def known_years(self) -> tuple[int, int]:
        """First and last year (inclusive) covered by ``chinesecalendar``."""
        return self._known

    @property
    def overrides(self) -> dict[date, HolidayOverride]:
        """A copy of the override rows, keyed by day."""
        return dict(self._overrides)

    @property
    def estimated_years(self) -> list[int]:
        """Years for which at least one answer so far came from the rule-based estimate."""
        return sorted(self._estimated)

    @property
    def warnings(self) -> list[str]:
        """One message per estimated year, in year order (in the current language)."""
        lo, hi = self._known
        return [
            tr("{year}: not in chinesecalendar {version} (knows {lo}–{hi}); working days "
               "estimated from weekends and the usual holidays (no make-up workdays) — add a "
               "节假日 (holidays) sheet to be exact", year=year, version=self._version, lo=lo,
               hi=hi)
            for year in self.estimated_years
        ]

    def source(self) -> str:
        """Describe where working-day information comes from.

        Returns
        -------
        str
            e.g. ``"chinesecalendar 1.11.0 (2004–2026) + 节假日 sheet (3 rows)"``, with
            ``" + estimate for 2027"`` appended once an estimate has been used.
        """
        lo, hi = self._known
        parts = [f"chinesecalendar {self._version} ({lo}–{hi})"]
        if self._overrides:
            n = len(self._overrides)
            parts.append(tr("节假日 sheet ({n} rows)", n=n) if n != 1 else
                         tr("节假日 sheet (1 row)"))
        if self._estimated:
            parts.append(tr("estimate for {years}",
                            years=", ".join(str(y) for y in self.estimated_years)))
        return " + ".join(parts)

    def is_known_year(self, year: int) -> bool:
        """Return whether ``chinesecalendar`` has official data for ``year``.

        Parameters
        ----------
        year : int
            Calendar year.

        Returns
        -------
        bool
            ``True`` if the year is within :attr:`known_years`.
        """
        lo, hi = self._known
        return lo <= year <= hi

    # ------------------------------------------------------------------ day queries
    def is_working_day(self, d: date) -> bool:
        """Return whether ``d`` is an official working day.

        Parameters
        ----------
        d : datetime.date
            The day to check.

        Returns
        -------
        bool
            ``True`` for a working day (including 调休 weekend workdays).

        Raises
        ------
        CalendarError
            In strict mode, for a day in a year unknown to ``chinesecalendar`` that
            has no override.
        """
        d = _to_date(d)
        row = self._overrides.get(d)
        if row is not None:
            return row.is_working_day
        if self.is_known_year(d.year):
            try:
                return bool(chinese_calendar.is_workday(d))
            except NotImplementedError:  # pragma: no cover - range computed from the library
                pass
        if self.strict:
            lo, hi = self._known
            raise CalendarError(tr(
                "{day}: year {year} is not in chinesecalendar {version} (knows {lo}–{hi}) and "
                "the 节假日 (holidays) sheet has no row for this day", day=d.isoformat(),
                year=d.year, version=self._version, lo=lo, hi=hi))
        self._estimated.add(d.year)
        return self._estimate_working_day(d)

    def is_holiday(self, d: date) -> bool:
        """Return whether ``d`` is a day off (weekend or public holiday).

        Parameters
        ----------
        d : datetime.date
            The day to check.

        Returns
        -------
        bool
            ``not self.is_working_day(d)``.
        """
        return not self.is_working_day(d)

    def next_working_day(self, d: date) -> date:
        """Return ``d`` if it is a working day, else the first working day after it.

        Parameters
        ----------
        d : datetime.date
            Starting day.

        Returns
        -------
        datetime.date
            The first working day on or after ``d``.

        Raises
        ------
        CalendarError
            If no working day is found within 60 days (inconsistent overrides).
        """
        day = _to_date(d)
        for _ in range(_MAX_SEARCH_DAYS):
            if self.is_working_day(day):
                return day
            day += timedelta(days=1)
        raise CalendarError(tr("No working day within {n} days after {day}",
                               n=_MAX_SEARCH_DAYS, day=_to_date(d).isoformat()))

    def working_days(self, start: date, end: date) -> list[date]:
        """Return all working days from ``start`` to ``end`` inclusive.

        Parameters
        ----------
        start, end : datetime.date
            Inclusive bounds; an empty list is returned if ``end < start``.

        Returns
        -------
        list of datetime.date
            Working days in chronological order.
        """
        start, end = _to_date(start), _to_date(end)
        days: list[date] = []
        day = start
        while day <= end:
            if self.is_working_day(day):
                days.append(day)
            day += timedelta(days=1)
        return days

    # ------------------------------------------------------------------ quarters
    def handover_day(self, quarter: Quarter) -> date:
        """Return the handover day (交接日) of ``quarter``.

        Parameters
        ----------
        quarter : Quarter
            The quarter whose rotation starts.

        Returns
        -------
        datetime.date
            The first Monday of the quarter's first month, or the next working day
            if that Monday is not a working day.
        """
        first = quarter.first_day()
        monday = first + timedelta(days=(7 - first.weekday()) % 7)
        return self.next_working_day(monday)

    def quarter_period(self, quarter: Quarter) -> tuple[date, date]:
        """Return the days a quarter's rotation covers.

        Parameters
        ----------
        quarter : Quarter
            The quarter.

        Returns
        -------
        tuple of datetime.date
            ``(handover day, day before the next quarter's handover day)``.
        """
        start = self.handover_day(quarter)
        end = self.handover_day(quarter + 1) - timedelta(days=1)
        return (start, end)

    # ------------------------------------------------------------------ estimate
    def _qingming_day(self, year: int) -> date:
        cached = self._qingming.get(year)
        if cached is not None:
            return cached
        result = date(year, 4, 5)
        get_terms = getattr(chinese_calendar, "get_solar_terms", None)
        if get_terms is not None:
            try:
                terms = get_terms(date(year, 4, 1), date(year, 4, 30))
            except (NotImplementedError, ValueError, KeyError):
                terms = []
            for day, name in terms:
                label = str(getattr(name, "value", name)).lower()
                if "清明" in label or "qingming" in label or "pure_brightness" in label:
                    result = _to_date(day)
                    break
        self._qingming[year] = result
        return result

    def _lunar_holidays(self, year: int) -> frozenset[date]:
        """China's public holidays of ``year`` as computed by the ``holidays`` package (its
        lunisolar calendar gives 春节, 端午 and 中秋 for any year); empty without it."""
        cached = self._lunar.get(year)
        if cached is None:
            try:
                import holidays as holidays_lib

                cached = frozenset(holidays_lib.country_holidays("CN", years=year))
            except (ImportError, NotImplementedError, KeyError):  # pragma: no cover
                cached = frozenset()
            self._lunar[year] = cached
        return cached

    def _estimate_working_day(self, d: date) -> bool:
        """Weekends, 元旦, 清明, 1–5 May and 1–7 October are off, and so are the public
        holidays the ``holidays`` package computes (春节, 端午, 中秋 and their observed days);
        make-up workdays (调休) cannot be estimated."""
        if d.weekday() >= 5:
            return False
        if (d.month, d.day) == (1, 1):
            return False
        if d.month == 5 and d.day <= 5:
            return False
        if d.month == 10 and d.day <= 7:
            return False
        if d in self._lunar_holidays(d.year):
            return False
        return d != self._qingming_day(d.year)
