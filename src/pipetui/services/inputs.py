"""Turning what a person typed (CLI option or form field) into domain values.

One parser per kind of field, each naming the field in its error, so the CLI and
the TUI forms refuse bad input with the same words. Dates typed here may be
words (`tomorrow`, `+2w`, `fri`: `pipetui.domain.typed_dates`), counted from
the clock's today; files read by importers stay strict YYYY-MM-DD.
"""

from __future__ import annotations

from datetime import date, datetime

from pipetui.domain.errors import ValidationError
from pipetui.domain.money import Money, check_currency, parse_money
from pipetui.domain.pipeline import check_probability
from pipetui.domain.typed_dates import parse_typed_date, parse_typed_datetime
from pipetui.services import clock


def money(
    text: str | None, currency: str | None, default_currency: str, *, field: str = "value"
) -> Money:
    """An amount, in `currency` if given, else the currency it names, else the default."""
    base = check_currency(currency, field="currency") if currency else default_currency
    if text is None or not text.strip():
        return Money.zero(base)
    parsed = parse_money(text, base, field=field)
    if currency and parsed.currency != base:
        raise ValidationError("currency", f"{text!r} is in {parsed.currency}, not {base}")
    return parsed


def typed_date(text: str, *, field: str) -> date:
    """A date as typed: YYYY-MM-DD or words like `tomorrow`, `+2w`, `fri`."""
    return parse_typed_date(text, today=clock.today(), field=field)


def typed_datetime(text: str, *, field: str) -> datetime:
    """A moment as typed: ISO 8601, or a typed date with an optional HH:MM."""
    return parse_typed_datetime(text, now=clock.now(), field=field)


def optional_date(text: str | None, *, field: str) -> date | None:
    """A typed date (see `typed_date`), or None for empty input."""
    return typed_date(text, field=field) if text and text.strip() else None


def optional_datetime(text: str | None, *, field: str) -> datetime | None:
    """A typed date-time (see `typed_datetime`), or None for empty input."""
    return typed_datetime(text, field=field) if text and text.strip() else None


def whole_number(text: str | int | None, *, field: str) -> int | None:
    """A whole number, or None for empty input."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    try:
        return int(text)
    except (TypeError, ValueError) as error:
        raise ValidationError(field, f"not a whole number: {text!r}") from error


def probability(text: str | int | None, *, field: str = "probability") -> int | None:
    """A win probability 0–100, or None for empty input."""
    value = whole_number(text, field=field)
    return None if value is None else check_probability(value, field=field)
