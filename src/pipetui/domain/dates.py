"""Parsing and printing dates and times the same way everywhere.

Times are timezone-aware UTC everywhere; input without an offset is local time.

Every date and time parsed here, and every date checked with `check_date`, is
in years 1900–2199 (`FIRST_DAY`, `LAST_DAY`): far wider than any deal or
follow-up, yet far enough from `date.min` / `date.max` that a day added for a
calendar's end, a period's "until" or a UTC offset never overflows.

A local time the clocks skip (02:30 on a spring-forward day) is refused: it does
not exist, and silently moving it would store a moment nobody typed. A local
time the clocks repeat (01:30 on a fall-back day) is its first occurrence,
fold=0: the earlier one, still on summer time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from pipetui.domain.errors import ValidationError

FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2199, 12, 31)
RANGE_TEXT = f"years {FIRST_DAY.year}–{LAST_DAY.year}"


def check_date(day: date, *, field: str = "date") -> date:
    """`day` if it is within years 1900–2199, else refused naming `field`."""
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValidationError(field, f"{day.isoformat()} is out of range ({RANGE_TEXT})")
    return day


def parse_date(text: str, *, field: str = "date") -> date:
    """A calendar date written as YYYY-MM-DD, within years 1900–2199.

    Strict on purpose: files and stored text use it. What a person types
    (`tomorrow`, `+2w`) goes through `pipetui.domain.typed_dates`."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError as error:
        raise ValidationError(field, f"not a date: {text!r} (use YYYY-MM-DD)") from error
    return check_date(day, field=field)


def parse_datetime(text: str, *, field: str = "at") -> datetime:
    """A moment as ISO 8601 ("2026-11-20T10:00", "2026-11-20 10:00+02:00", or a date).

    Returns aware UTC. A time without an offset is taken as local time (see the
    module's description for the days the clocks change). The date as written
    must be within years 1900–2199.
    """
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError as error:
        raise ValidationError(field, f"not a date-time: {text!r} (use YYYY-MM-DDTHH:MM)") from error
    check_date(moment.date(), field=field)
    try:
        return to_utc(moment, field=field)
    except (OverflowError, OSError) as error:  # a platform whose clock stops short
        raise ValidationError(field, f"out of range: {text!r}") from error


def to_utc(moment: datetime, *, field: str = "at") -> datetime:
    """Normalise to aware UTC, treating a naive input as local time.

    A naive time the local clocks skip is refused (ValidationError naming
    `field`); one they repeat is taken at its first occurrence (fold=0).
    """
    if moment.tzinfo is not None:
        return moment.astimezone(UTC)
    wall = moment.replace(fold=0)
    utc = wall.astimezone(UTC)
    # Back to local wall time: a time in the gap comes back as another time.
    if utc.astimezone().replace(tzinfo=None) != wall:
        raise ValidationError(
            field,
            f"{wall:%Y-%m-%d %H:%M} does not exist on that day in the local time zone"
            " (the clocks skip over it); write a time that exists, or the UTC offset"
            " you mean (e.g. 10:00+02:00)",
        )
    return utc


def local_time(moment: datetime) -> datetime:
    """`moment` in the local time zone, for display. A stored time so near year
    1 or 9999 (written by another tool) that its local time is off the calendar
    is shown in UTC rather than failing."""
    try:
        return moment.astimezone()
    except (OverflowError, OSError, ValueError):
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
