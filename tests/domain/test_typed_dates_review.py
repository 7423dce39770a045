"""Typed dates as a seller pastes and types them (issue 17 review): the marks a
right-to-left message carries never break an ISO date, a bare ISO date in a
date-time field means that day (as `tomorrow` does), and `next fri` says why
it is refused."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from pipetui.domain.errors import ValidationError
from pipetui.domain.typed_dates import UnreadableDate, parse_typed_date, parse_typed_datetime

FRIDAY = date(2026, 11, 20)
NOW = datetime(2026, 11, 20, 10, 30, tzinfo=UTC)
RLM, LRM = "\u200f", "\u200e"


@pytest.mark.parametrize(
    "typed", [f"{RLM}2026-12-04", f"2026-12-04{LRM}", f" {RLM}2026-12-04{RLM} "]
)
def test_an_iso_date_pasted_with_right_to_left_marks_is_read(typed: str) -> None:
    assert parse_typed_date(typed, today=FRIDAY) == date(2026, 12, 4)


def test_an_iso_moment_pasted_with_right_to_left_marks_is_read() -> None:
    moment = parse_typed_datetime(f"{RLM}2026-12-04T09:15{RLM}", now=NOW)
    assert moment == datetime(2026, 12, 4, 9, 15, tzinfo=UTC)


@pytest.mark.parametrize("typed", ["2026-12-05", f"{RLM}2026-12-05", "+15d"])
def test_a_date_alone_in_a_date_time_field_is_that_day_at_the_current_time(typed: str) -> None:
    """Logging a touch "2026-12-05" means that day, like "+15d", not its
    midnight (which would sort before everything that day)."""
    assert parse_typed_datetime(typed, now=NOW) == datetime(2026, 12, 5, 10, 30, tzinfo=UTC)


def test_a_date_and_a_time_keep_the_time() -> None:
    assert parse_typed_datetime("2026-12-05 08:00", now=NOW) == datetime(
        2026, 12, 5, 8, 0, tzinfo=UTC
    )


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("next fri", "'next fri' is ambiguous: write fri (the coming Friday) or a date"),
        ("Next Monday", "'Next Monday' is ambiguous: write monday (the coming Monday) or a date"),
    ],
)
def test_next_and_a_weekday_is_refused_as_ambiguous_not_as_noise(typed: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_typed_date(typed, today=FRIDAY, field="due")
    assert (caught.value.field, caught.value.message) == ("due", message)
    assert not isinstance(caught.value, UnreadableDate)


def test_next_fri_with_a_time_is_refused_as_ambiguous_too() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_typed_datetime("next fri 10:00", now=NOW, field="at")
    assert (
        caught.value.message == "'next fri' is ambiguous: write fri (the coming Friday) or a date"
    )
