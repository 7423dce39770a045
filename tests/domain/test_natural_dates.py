"""Dates as a seller types them (`tomorrow`, `+2w`, `fri`, `next month`), read
against many a `today`: month ends, leap years, every weekday. Files stay strict
(`parse_date` still refuses the words)."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipetui.domain.dates import parse_date
from pipetui.domain.errors import ValidationError
from pipetui.domain.typed_dates import (
    DATE_FORMS,
    UnreadableDate,
    add_months,
    day_label,
    iso_with_weekday,
    parse_typed_date,
    parse_typed_datetime,
)

FRIDAY = date(2026, 11, 20)
"""The tests' fixed today (tests/ui/conftest.py): a Friday."""

days = st.dates(min_value=date(1950, 1, 1), max_value=date(2150, 12, 31))


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("today", "2026-11-20"),
        ("tomorrow", "2026-11-21"),
        ("yesterday", "2026-11-19"),
        ("+3d", "2026-11-23"),
        ("+2w", "2026-12-04"),
        ("+1m", "2026-12-20"),
        ("+1y", "2027-11-20"),
        ("-3d", "2026-11-17"),
        ("- 2 weeks", "2026-11-06"),
        ("in 3 days", "2026-11-23"),
        ("in a week", "2026-11-27"),
        ("in 2 months", "2027-01-20"),
        ("3 days ago", "2026-11-17"),
        ("a month ago", "2026-10-20"),
        ("fri", "2026-11-27"),  # today is Friday: the next one
        ("friday", "2026-11-27"),
        ("sat", "2026-11-21"),
        ("Thurs", "2026-11-26"),
        ("mon", "2026-11-23"),
        ("last fri", "2026-11-13"),
        ("last thu", "2026-11-19"),
        ("next week", "2026-11-23"),  # Monday of next week
        ("next month", "2026-12-20"),
        ("next year", "2027-11-20"),
        ("2026-12-04", "2026-12-04"),
        ("  TOMORROW  ", "2026-11-21"),
        ("Next   Month", "2026-12-20"),
        ("היום", "2026-11-20"),
        ("מחר", "2026-11-21"),
        ("\u200fאתמול\u200f", "2026-11-19"),  # with the marks an RTL paste carries
    ],
)
def test_a_typed_date_means_what_a_seller_means(typed: str, meant: str) -> None:
    assert parse_typed_date(typed, today=FRIDAY) == date.fromisoformat(meant)


@pytest.mark.parametrize(
    ("today", "typed", "meant"),
    [
        (date(2026, 1, 31), "+1m", date(2026, 2, 28)),
        (date(2028, 1, 31), "next month", date(2028, 2, 29)),  # leap year
        (date(2028, 2, 29), "+1y", date(2029, 2, 28)),
        (date(2028, 2, 29), "in 4 years", date(2032, 2, 29)),
        (date(2026, 3, 31), "-1m", date(2026, 2, 28)),
        (date(2026, 12, 31), "tomorrow", date(2027, 1, 1)),
        (date(2026, 12, 15), "next month", date(2027, 1, 15)),
        (date(2026, 1, 1), "yesterday", date(2025, 12, 31)),
        (date(2026, 11, 22), "next week", date(2026, 11, 23)),  # Sunday → the next day
        (date(2026, 11, 23), "next week", date(2026, 11, 30)),  # Monday → a week on
        (date(2026, 11, 26), "fri", date(2026, 11, 27)),  # Thursday → the next day
    ],
)
def test_months_clamp_to_the_month_end_and_the_year_turns(
    today: date, typed: str, meant: date
) -> None:
    assert parse_typed_date(typed, today=today) == meant


@given(days, st.integers(0, 6), st.sampled_from([3, 4, 5, 6, 7, 9]))
def test_a_weekday_is_the_next_one_strictly_after_today(today: date, weekday: int, n: int) -> None:
    name = calendar.day_name[weekday].lower()[:n]
    day = parse_typed_date(name, today=today)
    assert day.weekday() == weekday
    assert 1 <= (day - today).days <= 7
    last = parse_typed_date(f"last {name}", today=today)
    assert last.weekday() == weekday
    assert 1 <= (today - last).days <= 7


@given(days)
def test_next_week_is_the_coming_monday(today: date) -> None:
    day = parse_typed_date("next week", today=today)
    assert day.weekday() == 0
    assert 1 <= (day - today).days <= 7


@given(days, st.integers(-240, 240))
def test_moving_by_months_keeps_the_day_or_the_month_end(today: date, months: int) -> None:
    moved = parse_typed_date(f"{months:+d}m", today=today)
    assert (moved.year * 12 + moved.month) - (today.year * 12 + today.month) == months
    last = calendar.monthrange(moved.year, moved.month)[1]
    assert moved.day == min(today.day, last)
    assert moved == add_months(today, months)


@given(days, st.integers(0, 3000))
def test_days_and_weeks_are_plain_arithmetic(today: date, n: int) -> None:
    assert parse_typed_date(f"+{n}d", today=today) == today + timedelta(days=n)
    assert parse_typed_date(f"in {n} days", today=today) == today + timedelta(days=n)
    assert parse_typed_date(f"-{n}d", today=today) == today - timedelta(days=n)
    assert parse_typed_date(f"{n} days ago", today=today) == today - timedelta(days=n)
    assert parse_typed_date(f"+{n // 7}w", today=today) == today + timedelta(weeks=n // 7)


@given(days)
def test_an_iso_date_is_itself_whatever_today_is(day: date) -> None:
    assert parse_typed_date(day.isoformat(), today=FRIDAY) == day


@pytest.mark.parametrize(
    "typed",
    ["", "someday", "fr", "t", "next f", "+3", "3d", "+3x", "in days", "tomorow", "31/12/2026"],
)
def test_anything_else_is_refused_naming_the_field_and_listing_the_forms(typed: str) -> None:
    with pytest.raises(UnreadableDate) as caught:
        parse_typed_date(typed, today=FRIDAY, field="due")
    assert caught.value.field == "due"
    assert caught.value.message == f"not a date: {typed!r} (use {DATE_FORMS})"


@pytest.mark.parametrize("typed", ["+999999d", "+200y", "-150y", "2200-01-01"])
def test_a_date_outside_the_supported_years_is_refused(typed: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_typed_date(typed, today=FRIDAY, field="close-date")
    assert caught.value.field == "close-date"
    assert "out of range (years 1900–2199)" in caught.value.message
    assert not isinstance(caught.value, UnreadableDate)


def test_files_stay_strict_the_words_are_for_typing_only() -> None:
    with pytest.raises(ValidationError):
        parse_date("tomorrow")


NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("now", NOW),
        ("today", NOW),  # a word alone: the current time of day
        ("yesterday", datetime(2026, 11, 19, 10, 0, tzinfo=UTC)),
        ("-3d", datetime(2026, 11, 17, 10, 0, tzinfo=UTC)),
        ("yesterday 14:30", datetime(2026, 11, 19, 14, 30, tzinfo=UTC)),
        ("Yesterday at 9:05", datetime(2026, 11, 19, 9, 5, tzinfo=UTC)),
        ("14:30", datetime(2026, 11, 20, 14, 30, tzinfo=UTC)),
        ("last mon 08:00", datetime(2026, 11, 16, 8, 0, tzinfo=UTC)),
        ("אתמול 14:30", datetime(2026, 11, 19, 14, 30, tzinfo=UTC)),
        ("2026-11-01T09:00", datetime(2026, 11, 1, 9, 0, tzinfo=UTC)),
        ("2026-11-01 09:00+02:00", datetime(2026, 11, 1, 7, 0, tzinfo=UTC)),
        ("2026-11-01", datetime(2026, 11, 1, 10, 0, tzinfo=UTC)),  # that day, as a word
    ],
)
def test_a_typed_moment_is_a_day_and_a_time(typed: str, meant: datetime) -> None:
    assert parse_typed_datetime(typed, now=NOW) == meant


@pytest.mark.parametrize("typed", ["garbage", "yesterday 25:00", "14:60", "next 10:00"])
def test_a_moment_that_is_none_is_refused_naming_the_field(typed: str) -> None:
    with pytest.raises(UnreadableDate) as caught:
        parse_typed_datetime(typed, now=NOW, field="at")
    assert caught.value.field == "at"
    assert caught.value.message.startswith(f"not a date-time: {typed!r} (use YYYY-MM-DDTHH:MM")


def test_a_moment_in_new_york_is_local_time_across_the_clock_change(in_new_york: None) -> None:
    # 2026-11-01 01:00 EST falls back; "yesterday" at 10:00 local the day after.
    now = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)  # 10:00 EST
    assert parse_typed_datetime("yesterday", now=now) == datetime(2026, 11, 1, 15, 0, tzinfo=UTC)
    assert parse_typed_datetime("-2d 10:00", now=now) == datetime(2026, 10, 31, 14, 0, tzinfo=UTC)
    # A time the clocks skip is refused when typed, not moved.
    spring = datetime(2026, 3, 9, 6, 30, tzinfo=UTC)  # 02:30 EDT on the day after
    with pytest.raises(ValidationError, match="does not exist"):
        parse_typed_datetime("yesterday 02:30", now=spring, field="at")
    # ...but "yesterday" at now's time of day, which did not exist then, is 24 hours ago.
    assert parse_typed_datetime("yesterday", now=spring) == spring - timedelta(days=1)


def test_resolved_dates_are_shown_with_their_weekday() -> None:
    assert day_label(date(2026, 12, 4)) == "Fri 2026-12-04"
    assert iso_with_weekday(date(2026, 12, 4)) == "2026-12-04 (Fri)"
