"""Values at the edges that used to be accepted and crash later: dates far from
today, local times the clocks skip or repeat, and the largest amounts."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from pipetui.domain.dates import (
    check_date,
    local_time,
    parse_date,
    parse_datetime,
    to_utc,
)
from pipetui.domain.errors import ValidationError
from pipetui.domain.money import Money, check_money, money_from_decimal, parse_money

# --- dates: years 1900–2199 ----------------------------------------------------


@pytest.mark.parametrize("text", ["1900-01-01", "2026-11-20", "2199-12-31"])
def test_a_date_within_years_1900_to_2199_is_accepted(text: str) -> None:
    assert parse_date(text, field="due") == date.fromisoformat(text)


@pytest.mark.parametrize("text", ["0001-01-01", "1899-12-31", "2200-01-01", "9999-12-31"])
def test_a_date_outside_years_1900_to_2199_is_refused_naming_the_field(text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_date(text, field="due")
    assert caught.value.field == "due"
    assert str(caught.value) == f"due: {text} is out of range (years 1900–2199)"


@pytest.mark.parametrize("text", ["0001-01-01T00:00", "9999-12-31T23:59", "2200-01-01T00:00Z"])
def test_a_moment_outside_the_range_is_refused_naming_the_field(text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_datetime(text, field="at")
    assert caught.value.field == "at"
    assert "is out of range (years 1900–2199)" in caught.value.message


def test_the_range_is_the_date_as_written_not_its_utc_day() -> None:
    # 23:00 in New York on the last day is already 2200 in UTC: still accepted.
    assert parse_datetime("2199-12-31T23:00-05:00") == datetime(2200, 1, 1, 4, 0, tzinfo=UTC)
    assert parse_datetime("1900-01-01T00:00+05:00") == datetime(1899, 12, 31, 19, 0, tzinfo=UTC)


def test_check_date_guards_dates_that_arrive_as_dates() -> None:
    assert check_date(date(2026, 1, 1), field="close-date") == date(2026, 1, 1)
    with pytest.raises(ValidationError, match=r"^close-date: 9999-12-31 is out of range"):
        check_date(date.max, field="close-date")


def test_a_stored_time_off_the_local_calendar_is_shown_in_utc(in_new_york: None) -> None:
    first = datetime(1, 1, 1, tzinfo=UTC)  # five hours earlier is before year 1
    assert local_time(first) == first
    assert local_time(datetime(2026, 7, 1, 12, tzinfo=UTC)).hour == 8


# --- local times the clocks skip or repeat --------------------------------------


def test_a_local_time_the_clocks_skip_is_refused(in_new_york: None) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_datetime("2026-03-08T02:30", field="at")
    assert caught.value.field == "at"
    assert caught.value.message.startswith(
        "2026-03-08 02:30 does not exist on that day in the local time zone"
    )


def test_around_the_skipped_hour_and_with_an_offset_times_are_accepted(in_new_york: None) -> None:
    assert parse_datetime("2026-03-08T01:59") == datetime(2026, 3, 8, 6, 59, tzinfo=UTC)
    assert parse_datetime("2026-03-08T03:00") == datetime(2026, 3, 8, 7, 0, tzinfo=UTC)
    # An explicit offset says which moment is meant, so nothing is refused.
    assert parse_datetime("2026-03-08T02:30-05:00") == datetime(2026, 3, 8, 7, 30, tzinfo=UTC)


def test_a_repeated_local_time_is_its_first_occurrence_on_summer_time(in_new_york: None) -> None:
    # 01:30 happens twice on 2026-11-01: at 05:30 UTC (EDT) and at 06:30 UTC
    # (EST). pipetui takes the first (fold=0), whatever fold the caller set.
    first = datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
    assert parse_datetime("2026-11-01T01:30") == first
    assert to_utc(datetime(2026, 11, 1, 1, 30, fold=1)) == first
    assert parse_datetime("2026-11-01T02:30") == datetime(2026, 11, 1, 7, 30, tzinfo=UTC)


def test_a_naive_time_the_clocks_skip_is_refused_by_to_utc_too(in_new_york: None) -> None:
    with pytest.raises(ValidationError) as caught:
        to_utc(datetime(2026, 3, 8, 2, 0), field="when")
    assert caught.value.field == "when"


# --- money: the largest amount --------------------------------------------------

LARGEST = 10**15 - 1


def test_the_largest_amount_is_accepted_and_one_more_refused_saying_the_limit() -> None:
    assert parse_money("9,999,999,999,999.99", "USD") == Money(LARGEST, "USD")
    with pytest.raises(ValidationError) as caught:
        parse_money("10,000,000,000,000.00", "USD", field="value")
    assert caught.value.field == "value"
    assert caught.value.message == (
        "amount too large: '10,000,000,000,000.00' (at most $9,999,999,999,999.99)"
    )


def test_every_money_door_names_the_limit_in_the_currency() -> None:
    with pytest.raises(ValidationError, match=r"at most ¥999,999,999,999,999\)$"):
        parse_money("1000000000000000 JPY", "USD")
    with pytest.raises(ValidationError, match=r"at most KWD 999,999,999,999\.999\)$"):
        money_from_decimal("1000000000000", "KWD")
    with pytest.raises(ValidationError, match=r"^amount: amount too large \(at most €"):
        check_money(Money(10**15, "EUR"), field="amount")
    assert check_money(Money(LARGEST, "EUR")) == Money(LARGEST, "EUR")
