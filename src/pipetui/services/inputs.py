"""Turning what a person typed (CLI option or form field) into domain values.

One parser per kind of field, each naming the field in its error, so the CLI and
the TUI forms refuse bad input with the same words.
"""

from __future__ import annotations

from datetime import date, datetime

from pipetui.domain.dates import parse_date, parse_datetime
from pipetui.domain.errors import ValidationError
from pipetui.domain.money import Money, check_currency, parse_money
from pipetui.domain.pipeline import check_probability


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


def optional_date(text: str | None, *, field: str) -> date | None:
    """A YYYY-MM-DD date, or None for empty input."""
    return parse_date(text, field=field) if text and text.strip() else None


def optional_datetime(text: str | None, *, field: str) -> datetime | None:
    """An ISO 8601 date-time, or None for empty input."""
    return parse_datetime(text, field=field) if text and text.strip() else None


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
