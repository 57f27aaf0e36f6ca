"""Tests for quarters, handover days and the working-day calendar."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta

import chinese_calendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from assignments.core.calendar import (
    CalendarError,
    HolidayOverride,
    Quarter,
    WorkCalendar,
    quarter_range,
)
from assignments.core.i18n import use_lang

LIB_LO = min(d.year for d in chinese_calendar.holidays)
LIB_HI = max(d.year for d in chinese_calendar.holidays)
UNKNOWN_YEAR = LIB_HI + 1  # 2027 with chinesecalendar 1.11.0


# --------------------------------------------------------------------------- handover days


def test_library_facts_holiday_mondays() -> None:
    """The three Mondays in question really are public holidays in chinese_calendar."""
    for d in (date(2025, 10, 6), date(2026, 4, 6), date(2026, 10, 5)):
        assert d.weekday() == 0
        assert chinese_calendar.is_holiday(d)


@pytest.mark.parametrize(
    ("quarter", "expected"),
    [
        # National Day + Mid-Autumn 2025: Oct 1–8 off, Oct 9 (Thu) first working day.
        (Quarter(2025, 4), date(2025, 10, 9)),
        # Qingming 2026: Apr 4–6 off, Apr 7 (Tue) first working day.
        (Quarter(2026, 2), date(2026, 4, 7)),
        # National Day 2026: Oct 1–7 off (checked with chinesecalendar 1.11.0), Oct 8 (Thu).
        (Quarter(2026, 4), date(2026, 10, 8)),
    ],
)
def test_holiday_monday_moves_handover(quarter: Quarter, expected: date) -> None:
    """A first Monday that is a public holiday moves the handover to the next working day."""
    cal = WorkCalendar()
    assert cal.handover_day(quarter) == expected
    assert cal.is_working_day(expected)
    assert cal.estimated_years == []


def test_ordinary_quarter_handover() -> None:
    """2026Q3 hands over on its first Monday, 2026-07-06."""
    assert WorkCalendar().handover_day(Quarter(2026, 3)) == date(2026, 7, 6)


def test_first_monday_when_quarter_starts_on_monday() -> None:
    """A quarter starting on a working Monday hands over on day 1 (2024-07-01)."""
    assert date(2024, 7, 1).weekday() == 0
    assert WorkCalendar().handover_day(Quarter(2024, 3)) == date(2024, 7, 1)


@pytest.mark.parametrize("saturday", [date(2025, 10, 11), date(2026, 10, 10), date(2026, 2, 28)])
def test_makeup_saturday_is_working_day(saturday: date) -> None:
    """An official make-up Saturday (调休) counts as a working day."""
    assert saturday.weekday() == 5
    assert saturday in chinese_calendar.workdays
    cal = WorkCalendar()
    assert cal.is_working_day(saturday)
    assert not cal.is_holiday(saturday)
    assert cal.next_working_day(saturday) == saturday


def test_makeup_saturday_counted_in_working_days() -> None:
    """working_days() includes the 2025-10-11 make-up Saturday and skips the holiday week."""
    days = WorkCalendar().working_days(date(2025, 9, 30), date(2025, 10, 12))
    assert days == [date(2025, 9, 30), date(2025, 10, 9), date(2025, 10, 10), date(2025, 10, 11)]


def test_next_working_day_skips_weekend() -> None:
    """next_working_day of an ordinary Saturday is the following Monday."""
    assert WorkCalendar().next_working_day(date(2026, 7, 4)) == date(2026, 7, 6)


# --------------------------------------------------------------------------- overrides


def test_override_holiday_monday_moves_handover() -> None:
    """An override declaring 2026-07-06 a holiday moves the 2026Q3 handover to 07-07."""
    cal = WorkCalendar([HolidayOverride(date(2026, 7, 6), False, "医院停诊")])
    assert cal.is_holiday(date(2026, 7, 6))
    assert cal.handover_day(Quarter(2026, 3)) == date(2026, 7, 7)


def test_override_working_day_beats_library() -> None:
    """An override can turn a library holiday (2026-10-05) into a working day."""
    cal = WorkCalendar([HolidayOverride(date(2026, 10, 5), True)])
    assert cal.handover_day(Quarter(2026, 4)) == date(2026, 10, 5)


def test_override_in_unknown_year_is_used() -> None:
    """Overrides for a year unknown to chinese_calendar (2027) are honoured."""
    if UNKNOWN_YEAR != 2027:  # pragma: no cover - only when the library learns 2027
        pytest.skip("library already knows 2027")
    monday = date(2027, 1, 4)
    saturday = date(2027, 1, 9)
    cal = WorkCalendar(
        [
            HolidayOverride(monday, False, "元旦调休"),
            HolidayOverride(saturday, True, "元旦调休"),
        ]
    )
    assert cal.handover_day(Quarter(2027, 1)) == date(2027, 1, 5)
    assert cal.is_working_day(saturday)
    assert not WorkCalendar().is_working_day(saturday)


def test_override_accepts_datetime() -> None:
    """A datetime (as read from Excel) in an override is reduced to its date."""
    row = HolidayOverride(datetime(2026, 7, 6, 0, 0), False)  # type: ignore[arg-type]
    assert row.day == date(2026, 7, 6)
    assert type(row.day) is date
    assert WorkCalendar([row]).is_holiday(date(2026, 7, 6))


def test_conflicting_overrides_rejected() -> None:
    """Two rows for the same day that disagree raise CalendarError."""
    with pytest.raises(CalendarError):
        WorkCalendar(
            [HolidayOverride(date(2026, 7, 6), False), HolidayOverride(date(2026, 7, 6), True)]
        )


# --------------------------------------------------------------------------- unknown years


def test_unknown_year_is_estimated_with_warning() -> None:
    """A year beyond the library gives a warning naming the year and is listed as estimated."""
    cal = WorkCalendar()
    assert cal.warnings == []
    cal.handover_day(Quarter(UNKNOWN_YEAR, 1))
    assert cal.estimated_years == [UNKNOWN_YEAR]
    assert len(cal.warnings) == 1
    with use_lang("en"):
        message = cal.warnings[0]
    assert message.startswith(f"{UNKNOWN_YEAR}:")
    assert f"{LIB_LO}–{LIB_HI}" in message
    assert cal.library_version in message
    assert "节假日" in message
    zh = cal.warnings[0]  # Chinese by default
    assert zh.startswith(f"{UNKNOWN_YEAR} 年不在") and f"{LIB_LO}–{LIB_HI}" in zh
    assert f"estimate for {UNKNOWN_YEAR}" in cal.source()


def test_known_year_produces_no_warning() -> None:
    """Queries inside the library's range never produce warnings."""
    cal = WorkCalendar()
    cal.working_days(date(LIB_HI, 1, 1), date(LIB_HI, 12, 31))
    assert cal.warnings == []
    assert cal.estimated_years == []


def test_estimate_rules_2027() -> None:
    """The estimate treats 1 Jan, 清明 (5 Apr 2027), 1–5 May and 1–7 Oct as holidays."""
    if UNKNOWN_YEAR != 2027:  # pragma: no cover - only when the library learns 2027
        pytest.skip("library already knows 2027")
    cal = WorkCalendar()
    assert cal.is_holiday(date(2027, 1, 1))
    assert cal.is_holiday(date(2027, 4, 5))  # Monday, 清明 by solar term
    assert cal.handover_day(Quarter(2027, 2)) == date(2027, 4, 6)
    assert cal.is_holiday(date(2027, 5, 3))
    assert cal.is_working_day(date(2027, 5, 6))
    assert cal.handover_day(Quarter(2027, 4)) == date(2027, 10, 8)
    assert cal.is_holiday(date(2027, 1, 9))  # Saturday
    assert cal.handover_day(Quarter(2027, 3)) == date(2027, 7, 5)


def test_estimate_lunar_festivals_2027() -> None:
    """The estimate also knows the lunar festivals (from the ``holidays`` package): 春节 week
    (6 Feb 2027), 端午 (9 Jun 2027) and 中秋 (15 Sep 2027) are off; a day after them is not."""
    if UNKNOWN_YEAR != 2027:  # pragma: no cover - only when the library learns 2027
        pytest.skip("library already knows 2027")
    cal = WorkCalendar()
    for day in (date(2027, 2, 8), date(2027, 2, 9), date(2027, 6, 9), date(2027, 9, 15)):
        assert cal.is_holiday(day), day
    for day in (date(2027, 2, 15), date(2027, 6, 10), date(2027, 9, 16)):
        assert cal.is_working_day(day), day
    with use_lang("en"):
        assert "no make-up workdays" in cal.warnings[0]
    assert "不含调休上班日" in cal.warnings[0]


def test_strict_mode_raises_for_unknown_year() -> None:
    """Strict mode raises CalendarError for a day of an unknown year without an override."""
    cal = WorkCalendar(strict=True)
    with pytest.raises(CalendarError, match=str(UNKNOWN_YEAR)):
        cal.is_working_day(date(UNKNOWN_YEAR, 3, 1))
    with pytest.raises(CalendarError):
        cal.handover_day(Quarter(UNKNOWN_YEAR, 2))
    assert cal.estimated_years == []


def test_strict_mode_uses_exact_override() -> None:
    """Strict mode accepts an unknown-year day that has an override, and known years."""
    first_monday = Quarter(UNKNOWN_YEAR, 1).first_day()
    while first_monday.weekday() != 0:
        first_monday += timedelta(days=1)
    cal = WorkCalendar([HolidayOverride(first_monday, True)], strict=True)
    assert cal.handover_day(Quarter(UNKNOWN_YEAR, 1)) == first_monday
    assert cal.handover_day(Quarter(2026, 3)) == date(2026, 7, 6)
    assert cal.warnings == []


def test_calendar_error_is_value_error() -> None:
    """CalendarError subclasses ValueError so generic input-error handling catches it."""
    assert issubclass(CalendarError, ValueError)


# --------------------------------------------------------------------------- periods


def test_quarter_period_ends_day_before_next_handover() -> None:
    """quarter_period ends the day before the next quarter's handover."""
    cal = WorkCalendar()
    assert cal.quarter_period(Quarter(2026, 3)) == (date(2026, 7, 6), date(2026, 10, 7))
    assert cal.quarter_period(Quarter(2025, 4)) == (date(2025, 10, 9), date(2026, 1, 4))


def test_quarter_periods_tile_without_gaps() -> None:
    """Consecutive quarter periods neither overlap nor leave gaps."""
    cal = WorkCalendar()
    quarters = quarter_range(Quarter(2024, 1), 11)
    periods = [cal.quarter_period(q) for q in quarters]
    for (_, end), (next_start, _) in itertools.pairwise(periods):
        assert end + timedelta(days=1) == next_start


def test_source_and_metadata() -> None:
    """source(), library_version and known_years describe the data used."""
    cal = WorkCalendar([HolidayOverride(date(2026, 7, 6), False)])
    assert cal.known_years == (LIB_LO, LIB_HI)
    assert cal.library_version == getattr(chinese_calendar, "__version__", cal.library_version)
    assert cal.source() == (
        f"chinesecalendar {cal.library_version} ({LIB_LO}–{LIB_HI}) + 节假日 sheet (1 row)"
    )
    three = WorkCalendar([HolidayOverride(date(2026, 7, d), False) for d in (6, 7, 8)])
    assert three.source().endswith("节假日 sheet (3 rows)")
    assert WorkCalendar().source() == f"chinesecalendar {cal.library_version} ({LIB_LO}–{LIB_HI})"


def test_working_days_inclusive_and_empty() -> None:
    """working_days includes both ends and is empty for a reversed range."""
    cal = WorkCalendar()
    assert cal.working_days(date(2026, 7, 6), date(2026, 7, 10)) == [
        date(2026, 7, 6) + timedelta(days=i) for i in range(5)
    ]
    assert cal.working_days(date(2026, 7, 10), date(2026, 7, 6)) == []


# --------------------------------------------------------------------------- Quarter


@pytest.mark.parametrize(
    "text",
    [
        "2027Q1",
        "2027-Q1",
        "2027 Q1",
        "2027q1",
        "2027年第1季度",
        "2027年一季度",
        "2027年1季度",
        "２０２７Ｑ１",
        "２０２７年第１季度",
        "  2027Q1 ",
        20271,
        2027.1,
        date(2027, 2, 14),
        datetime(2027, 3, 31, 23, 59),
    ],
)
def test_quarter_parse_accepted_forms(text: str | int | float | date) -> None:
    """All documented spellings parse to 2027Q1."""
    assert Quarter.parse(text) == Quarter(2027, 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026年四季度", Quarter(2026, 4)),
        ("2026-q3", Quarter(2026, 3)),
        ("2025年第二季度", Quarter(2025, 2)),
    ],
)
def test_quarter_parse_other_quarters(text: str, expected: Quarter) -> None:
    """Quarter numbers other than 1 (digits and Chinese numerals) parse correctly."""
    assert Quarter.parse(text) == expected


@pytest.mark.parametrize(
    "text",
    ["2027Q5", "2027Q0", "Q1", "2027", "27Q1", "2027年第五季度", "hello", "", 2027, 2027.5, True],
)
def test_quarter_parse_rejects(text: str | int | float) -> None:
    """Malformed quarters raise ValueError with an English and Chinese message."""
    with pytest.raises(ValueError, match="Cannot parse quarter") as info:
        Quarter.parse(text)
    assert "季度" in str(info.value)


def test_quarter_str_and_helpers() -> None:
    """str, first_day, last_day and months follow the quarter."""
    q = Quarter(2027, 2)
    assert str(q) == "2027Q2"
    assert q.first_day() == date(2027, 4, 1)
    assert q.last_day() == date(2027, 6, 30)
    assert q.months() == (4, 5, 6)
    assert Quarter(2027, 4).months() == (10, 11, 12)
    assert Quarter(2027, 4).last_day() == date(2027, 12, 31)


def test_quarter_invalid_construction() -> None:
    """Quarter numbers outside 1..4 are rejected at construction."""
    with pytest.raises(ValueError):
        Quarter(2027, 5)
    with pytest.raises(ValueError):
        Quarter(2027, 0)


def test_quarter_arithmetic_across_years() -> None:
    """Adding and subtracting quarters crosses year boundaries correctly."""
    assert Quarter(2026, 4) + 1 == Quarter(2027, 1)
    assert Quarter(2027, 1) - 1 == Quarter(2026, 4)
    assert Quarter(2026, 3) + 6 == Quarter(2028, 1)
    assert Quarter(2026, 1) + (-5) == Quarter(2024, 4)
    assert Quarter(2027, 2) - Quarter(2026, 3) == 3
    assert Quarter(2026, 3) - Quarter(2027, 2) == -3
    assert Quarter(2027, 2).index_from(Quarter(2025, 4)) == 6
    assert Quarter(2026, 4) < Quarter(2027, 1) < Quarter(2027, 2)
    assert quarter_range(Quarter(2026, 3), 4) == [
        Quarter(2026, 3),
        Quarter(2026, 4),
        Quarter(2027, 1),
        Quarter(2027, 2),
    ]
    assert quarter_range(Quarter(2026, 3), 0) == []
    with pytest.raises(ValueError):
        quarter_range(Quarter(2026, 3), -1)


quarters = st.builds(Quarter, st.integers(1000, 9000), st.integers(1, 4))


@given(quarters, st.integers(-400, 400))
def test_quarter_add_sub_roundtrip(q: Quarter, n: int) -> None:
    """(q + n) - q == n and (q + n) - n == q for any quarter and offset."""
    assert (q + n) - q == n
    assert (q + n) - n == q
    assert ((q + n) > q) == (n > 0)


@given(quarters)
def test_quarter_str_parse_roundtrip(q: Quarter) -> None:
    """Quarter.parse(str(q)) == q."""
    assert Quarter.parse(str(q)) == q
    assert Quarter.parse(q.first_day()) == q


@given(st.integers(LIB_LO, LIB_HI), st.integers(1, 4))
def test_handover_is_working_day_near_first_monday(year: int, q: int) -> None:
    """Within the library's years the handover is a working day within 16 days of the quarter."""
    quarter = Quarter(year, q)
    cal = WorkCalendar()
    day = cal.handover_day(quarter)
    assert chinese_calendar.is_workday(day)
    assert 0 <= (day - quarter.first_day()).days <= 16
    first_monday = quarter.first_day() + timedelta(days=(7 - quarter.first_day().weekday()) % 7)
    assert day >= first_monday
    assert all(
        not chinese_calendar.is_workday(first_monday + timedelta(days=i))
        for i in range((day - first_monday).days)
    )
