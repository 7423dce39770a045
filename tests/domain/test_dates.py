"""Dates and times: ISO 8601 in, aware UTC inside, local time for naive input."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from pipetui.domain.dates import days_between, iso_date, iso_utc, parse_date, parse_datetime
from pipetui.domain.errors import ValidationError

needs_tzset = pytest.mark.skipif(not hasattr(time, "tzset"), reason="time.tzset is POSIX only")


@pytest.fixture
def local_time_is_utc_plus_3() -> Iterator[None]:
    """A fixed local zone (POSIX TZ "XXX-03" is three hours ahead of UTC), no tzdata needed."""
    saved = os.environ.get("TZ")
    os.environ["TZ"] = "XXX-03"
    time.tzset()
    try:
        yield
    finally:
        if saved is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = saved
        time.tzset()


def test_a_date_is_written_yyyy_mm_dd() -> None:
    assert parse_date("2026-11-20") == date(2026, 11, 20)
    assert parse_date(" 2026-02-28 ") == date(2026, 2, 28)


@pytest.mark.parametrize(
    "bad", ["", "tomorrow", "2026-13-01", "2026-02-30", "20/11/2026", "2026-1"]
)
def test_a_bad_date_is_refused_naming_the_field(bad: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_date(bad, field="close_date")
    assert caught.value.field == "close_date"
    assert bad.strip() in caught.value.message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-20T10:00+02:00", datetime(2026, 11, 20, 8, 0, tzinfo=UTC)),
        ("2026-11-20 10:00+02:00", datetime(2026, 11, 20, 8, 0, tzinfo=UTC)),
        ("2026-11-20T10:00:30Z", datetime(2026, 11, 20, 10, 0, 30, tzinfo=UTC)),
        ("2026-11-20T10:00-05:00", datetime(2026, 11, 20, 15, 0, tzinfo=UTC)),
    ],
)
def test_a_moment_with_an_offset_becomes_utc(text: str, expected: datetime) -> None:
    moment = parse_datetime(text)
    assert moment == expected
    assert moment.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    "bad",
    ["", "soon", "2026-11-20T25:00", "2026-11-20T10:00+25:00", "0001-01-01T00:00+01:00"],
)
def test_a_bad_moment_is_refused_naming_the_field(bad: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_datetime(bad, field="at")
    assert caught.value.field == "at"


@needs_tzset
def test_a_moment_without_offset_is_local_time(local_time_is_utc_plus_3: None) -> None:
    moment = parse_datetime("2026-11-20T10:00")
    assert moment == datetime(2026, 11, 20, 7, 0, tzinfo=UTC)
    assert moment.tzinfo is UTC


@needs_tzset
def test_a_date_alone_is_local_midnight(local_time_is_utc_plus_3: None) -> None:
    assert parse_datetime("2026-11-20") == datetime(2026, 11, 19, 21, 0, tzinfo=UTC)


def test_every_parsed_moment_is_aware_utc() -> None:
    for text in ("2026-11-20T10:00", "2026-11-20", "2026-11-20T10:00+09:00"):
        moment = parse_datetime(text)
        assert moment.tzinfo is UTC, text


def test_json_times_carry_an_explicit_utc_offset() -> None:
    jerusalem = timezone(timedelta(hours=2))
    moment = datetime(2026, 11, 20, 10, 0, 0, 123456, tzinfo=jerusalem)
    assert iso_utc(moment) == "2026-11-20T08:00:00+00:00"
    assert iso_utc(None) is None
    assert iso_date(date(2026, 1, 5)) == "2026-01-05"
    assert iso_date(None) is None


def test_days_between_counts_whole_days_and_never_goes_negative() -> None:
    start = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    assert days_between(start, start + timedelta(days=3, hours=23)) == 3
    assert days_between(start, start - timedelta(days=2)) == 0
