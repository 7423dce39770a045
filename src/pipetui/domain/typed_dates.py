"""Dates and times as a person types them: `tomorrow`, `+2w`, `fri`, `next month`.

Only for what someone types into a form or a CLI option. Files (imports,
restores) are data and stay strict ISO 8601 through `pipetui.domain.dates`: a
cell saying "tomorrow" means nothing a year later.

The day the words count from is passed in (`today`, `now`): the domain has no
clock. What the words mean, as sellers' tools (Pipedrive, Todoist) read them:

- `today`, `tomorrow`, `yesterday` (and Hebrew היום, מחר, אתמול).
- `+3d`, `-2w`, `+1m`, `+1y`; `in 3 days`, `in a week`; `3 days ago`.
  Months and years keep the day of the month, clamped to the month's end
  (Jan 31 + 1m = Feb 28, or 29 in a leap year).
- A weekday (`fri`, `friday`, any 3+ letters of its name): the next one,
  strictly after today, so `fri` typed on a Friday is a week later (for today,
  type `today`). `last fri`: the latest one strictly before today. `next fri`
  is refused as ambiguous (this week's or next week's?).
- `next week`: Monday of next week; `next month`, `next year`: same day a month
  or a year on (clamped, as above).
- YYYY-MM-DD, as always.

Case and surrounding spaces do not matter. A date-time is any of these with an
optional 24-hour time (`yesterday 14:30`, `fri 9:00`, or just `14:30` for
today); without a time, the current time of day (so `today` is now, and an
ISO date such as 2026-12-05 is that day at this time). ISO 8601 date-times
work as before.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from pipetui.domain.dates import RANGE_TEXT, check_date, local_time, parse_datetime, to_utc
from pipetui.domain.errors import ValidationError

DATE_FORMS = (
    "YYYY-MM-DD, today, tomorrow, yesterday, +3d, -2w, +1m, in 3 days, 3 days ago, "
    "fri (the next Friday), last fri, next week, next month"
)
"""What a typed date may be, for error messages and help texts."""

DATETIME_FORMS = (
    "YYYY-MM-DDTHH:MM, now, 14:30, yesterday 14:30, -3d, last fri 9:00: "
    "any typed date, with an optional 24-hour time"
)
"""What a typed date-time may be."""

SHORT_FORMS = "today, tomorrow, +3d, fri, next month, YYYY-MM-DD"
"""The most common forms, where space is short (a form's live hint)."""

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
"""English weekday abbreviations (not the locale's: output is the same everywhere)."""

_WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAYS = {"today": 0, "now": 0, "tomorrow": 1, "yesterday": -1, "היום": 0, "מחר": 1, "אתמול": -1}
_UNITS = {
    "d": "d", "day": "d", "days": "d",
    "w": "w", "wk": "w", "wks": "w", "week": "w", "weeks": "w",
    "m": "m", "mo": "m", "month": "m", "months": "m",
    "y": "y", "yr": "y", "yrs": "y", "year": "y", "years": "y",
}  # fmt: skip
_COUNT = r"(\d{1,6}|an?|one)"
_UNIT = r"([a-z]+)"
_SIGNED = re.compile(rf"([+-])\s*(\d{{1,6}})\s*{_UNIT}")
_IN = re.compile(rf"in\s+{_COUNT}\s+{_UNIT}")
_AGO = re.compile(rf"{_COUNT}\s*{_UNIT}\s+ago")
_TIME = re.compile(r"(?:(.*?)\s+(?:at\s+)?|)(\d{1,2}):(\d{2})")


class UnreadableDate(ValidationError):
    """The text is no date at all (as opposed to a real date that is refused,
    e.g. out of range): a form shows the short list of forms instead."""


def parse_typed_date(text: str, *, today: date, field: str = "date") -> date:
    """The date `text` means when typed on `today`; see the module's description.

    Refused (naming `field`) when it is none of the forms, or outside years
    1900–2199.
    """
    try:
        day = date.fromisoformat(_visible(text))
    except ValueError:
        words = _normal(text)
        try:
            found = _words(words, today)
        except (OverflowError, ValueError):
            raise ValidationError(
                field, f"{text.strip()!r} is out of range ({RANGE_TEXT})"
            ) from None
        if found is None:
            raise _unreadable(words, text, field) from None
        day = found
    return check_date(day, field=field)


def _unreadable(words: str, text: str, field: str) -> ValidationError:
    """Why `text` is no date: "next fri" could be this week's or next week's
    Friday (sellers use it both ways), so it is refused by name, not as noise."""
    rest = words.removeprefix("next ")
    weekday = _weekday(rest) if rest != words else None
    if weekday is not None:
        name = _WEEKDAY_NAMES[weekday].capitalize()
        return ValidationError(
            field, f"{text.strip()!r} is ambiguous: write {rest} (the coming {name}) or a date"
        )
    return UnreadableDate(field, f"not a date: {text!r} (use {DATE_FORMS})")


def parse_typed_datetime(text: str, *, now: datetime, field: str = "at") -> datetime:
    """The moment `text` means when typed at `now` (aware); returns aware UTC.

    ISO 8601 with a time as `parse_datetime` reads it; else a typed date (an
    ISO date too) with an optional HH:MM local time; without one, the current
    local time of day on that day, so "2026-12-05" means that day as
    `tomorrow` does, not its midnight (which would sort before all of it).
    """
    visible = _visible(text)
    if _is_iso(datetime.fromisoformat, visible) and not _is_iso(date.fromisoformat, visible):
        return parse_datetime(visible, field=field)
    words = _normal(text)
    unreadable = UnreadableDate(field, f"not a date-time: {text!r} (use {DATETIME_FORMS})")
    match = _TIME.fullmatch(words)
    day_words, clock = (match.group(1) or "today", match) if match else (words, None)
    local_now = local_time(now)
    today = local_now.date()
    try:
        day = parse_typed_date(day_words, today=today, field=field)
    except UnreadableDate:
        raise unreadable from None
    if clock is not None:
        hour, minute = int(clock.group(2)), int(clock.group(3))
        if hour > 23 or minute > 59:
            raise unreadable
        return to_utc(datetime.combine(day, time(hour, minute)), field=field)
    if day == today:
        return to_utc(now, field=field)
    try:
        return to_utc(datetime.combine(day, local_now.time().replace(tzinfo=None)), field=field)
    except ValidationError:  # now's time of day does not exist on that day (clocks skip it)
        return to_utc(now + timedelta(days=(day - today).days), field=field)


def day_label(day: date) -> str:
    """A resolved date as shown back to the person who typed it: "Fri 2026-12-04"."""
    return f"{WEEKDAYS[day.weekday()]} {day.isoformat()}"


def moment_label(moment: datetime) -> str:
    """A resolved moment in local time: "Thu 2026-11-19 14:30"."""
    local = local_time(moment)
    return f"{day_label(local.date())} {local:%H:%M}"


def iso_with_weekday(day: date) -> str:
    """A resolved date in the CLI's confirmations, ISO first for scripts that
    grep it: "2026-12-04 (Fri)"."""
    return f"{day.isoformat()} ({WEEKDAYS[day.weekday()]})"


def add_months(day: date, months: int) -> date:
    """`day` moved by whole months, clamped to the end of a shorter month."""
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def _visible(text: str) -> str:
    """`text` without invisible marks (RLM, LRM...: a right-to-left paste
    carries them) or surrounding spaces, case kept (for ISO 8601)."""
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf").strip()


def _is_iso(parse: Callable[[str], object], text: str) -> bool:
    """Whether `parse` (a `fromisoformat`) reads `text`."""
    try:
        parse(text)
    except ValueError:
        return False
    return True


def _normal(text: str) -> str:
    """Casefolded, inner spaces collapsed, invisible marks (RLM, LRM...) dropped:
    text pasted from a right-to-left message often carries them."""
    return " ".join(_visible(text).casefold().split())


def _shift(today: date, count: int, unit: str) -> date:
    if unit == "d":
        return today + timedelta(days=count)
    if unit == "w":
        return today + timedelta(weeks=count)
    return add_months(today, count * (12 if unit == "y" else 1))


def _count(text: str) -> int:
    return 1 if text in ("a", "an", "one") else int(text)


def _weekday(text: str) -> int | None:
    if len(text) < 3:
        return None
    found = [i for i, name in enumerate(_WEEKDAY_NAMES) if name.startswith(text)]
    return found[0] if len(found) == 1 else None


def _words(words: str, today: date) -> date | None:
    """The date the words mean, None when they mean none."""
    if words in _DAYS:
        return today + timedelta(days=_DAYS[words])
    if words == "next week":
        return today + timedelta(days=7 - today.weekday())
    if words in ("next month", "next year"):
        return _shift(today, 1, words[5])
    if (signed := _SIGNED.fullmatch(words)) and signed.group(3) in _UNITS:
        count = int(signed.group(2)) * (-1 if signed.group(1) == "-" else 1)
        return _shift(today, count, _UNITS[signed.group(3)])
    if (ahead := _IN.fullmatch(words)) and ahead.group(2) in _UNITS:
        return _shift(today, _count(ahead.group(1)), _UNITS[ahead.group(2)])
    if (ago := _AGO.fullmatch(words)) and ago.group(2) in _UNITS:
        return _shift(today, -_count(ago.group(1)), _UNITS[ago.group(2)])
    last = words.removeprefix("last ")
    weekday = _weekday(last)
    if weekday is None:
        return None
    if last != words:
        return today - timedelta(days=(today.weekday() - weekday - 1) % 7 + 1)
    return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)
