"""Parsing and printing dates and times the same way everywhere.

Times are timezone-aware UTC everywhere; input without an offset is local time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from pipetui.domain.errors import ValidationError


def parse_date(text: str, *, field: str = "date") -> date:
    """A calendar date written as YYYY-MM-DD."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError as error:
        raise ValidationError(field, f"not a date: {text!r} (use YYYY-MM-DD)") from error


def parse_datetime(text: str, *, field: str = "at") -> datetime:
    """A moment as ISO 8601 ("2026-11-20T10:00", "2026-11-20 10:00+02:00", or a date).

    Returns aware UTC. A time without an offset is taken as local time.
    """
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError as error:
        raise ValidationError(field, f"not a date-time: {text!r} (use YYYY-MM-DDTHH:MM)") from error
    try:
        return to_utc(moment)
    except (OverflowError, OSError, ValueError) as error:
        # "0001-01-01T00:00+01:00" is a valid ISO text whose UTC moment is before year 1.
        raise ValidationError(field, f"out of range: {text!r}") from error


def to_utc(moment: datetime) -> datetime:
    """Normalise to aware UTC, treating a naive input as local time."""
    if moment.tzinfo is None:
        moment = moment.astimezone()
    return moment.astimezone(UTC)


def iso_utc(moment: datetime | None) -> str | None:
    """ISO 8601 with an explicit UTC offset, for JSON: "2026-11-20T08:00:00+00:00"."""
    if moment is None:
        return None
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


def iso_date(day: date | None) -> str | None:
    """YYYY-MM-DD or None."""
    return day.isoformat() if day else None


def days_between(start: datetime, end: datetime) -> int:
    """Whole days from `start` to `end`, never negative."""
    return max(0, (end - start).days)
