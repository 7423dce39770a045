"""Reading one cell of an import file: each parser takes the cell's text and
returns a value, or refuses with a ValidationError whose message the import
reports at the cell's line and column. The same parsers as the CLI's, with fast
paths for what big exports are mostly made of (plain amounts, repeated times)."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from pipetui.domain.contact import check_tags, optional_text
from pipetui.domain.dates import check_date, parse_datetime
from pipetui.domain.deal_status import DealStatus
from pipetui.domain.errors import ValidationError
from pipetui.domain.journey import JourneyStage, check_score
from pipetui.domain.money import Money, check_currency, check_money, exponent, parse_money
from pipetui.domain.pipeline import check_stage_name
from pipetui.domain.users import check_user_name
from pipetui.services import inputs
from pipetui.services.transfer.formats import HUBSPOT_LIFECYCLE, norm_header
from pipetui.services.transfer.types import StageRef


def forget_times() -> None:
    """Drop the parsed times (a time without offset is local, and the zone may
    differ from one import to the next)."""
    _MOMENTS.clear()


_FORMULA_ESCAPED = re.compile(r"^'+[=+\-@\t\r]")


_EXCEL_PHONE = re.compile(r'^="([+\-][\d\s\-().]*\d[\d\s\-().]*)"$')


def unescape_formula(cell: str) -> str:
    """Undo `export`'s formula neutralisation: one leading quote goes from a cell
    that, without it, would start with = + - @ tab or CR (or another quote), and
    `export --excel`'s `="+972-50-123-4567"` is the phone number again."""
    if cell[:2] == '="':
        phone = _EXCEL_PHONE.match(cell)
        return phone[1] if phone else cell
    return cell[1:] if _FORMULA_ESCAPED.match(cell) else cell


def optional(text: str) -> str | None:
    return optional_text(text)


def tags(text: str) -> str | None:
    """Tags as stored ("vip,hot"): comma-separated, cleaned, a repeat in any
    case kept once (`check_tags`; Pipedrive's labels are written so)."""
    return ",".join(check_tags(text)) or None


def notes(text: str) -> str | None:
    return optional_text(text, single_line=False)


def parse_id(text: str, *, field: str = "id") -> int | None:
    text = text.strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or not 0 < int(text) < 2**62:
        raise ValidationError(field, f"not an id: {text!r}")
    return int(text)


_MOMENTS: dict[str, datetime] = {}


def moment(text: str, field: str = "time") -> datetime | None:
    """A date-time; exports repeat them a lot, so each text is parsed once."""
    found = _MOMENTS.get(text)
    if found is None:
        if not text.strip():
            return None
        if len(_MOMENTS) > 100_000:
            _MOMENTS.clear()
        found = _MOMENTS[text] = parse_datetime(text, field=field)
    return found


def day(text: str, field: str = "date") -> date | None:
    """A date, also written as a date-time (HubSpot writes close dates so): the
    date as written, whatever the time zone."""
    text = text.strip()
    if not text:
        return None
    try:
        found = datetime.fromisoformat(text).date() if len(text) > 10 else date.fromisoformat(text)
    except ValueError:
        raise ValidationError(field, f"not a date: {text!r} (use YYYY-MM-DD)") from None
    return check_date(found, field=field)


def flag(text: str, field: str = "flag") -> bool:
    word = text.strip().casefold()
    if word in ("", "false", "no", "0"):
        return False
    if word in ("true", "yes", "1"):
        return True
    raise ValidationError(field, f"use true or false, not {text!r}")


def lifecycle(text: str) -> JourneyStage | None:
    """HubSpot's lifecycle stage as a journey stage ("Customer" → purchase)."""
    return journey(text, hubspot=True)


def journey(
    text: str, field: str = "journey_stage", *, hubspot: bool = False
) -> JourneyStage | None:
    word = text.strip().casefold()
    if hubspot:
        word = HUBSPOT_LIFECYCLE.get(norm_header(word), word)
    if not word:
        return None
    try:
        return JourneyStage(word)
    except ValueError:
        known = ", ".join(stage.value for stage in JourneyStage)
        raise ValidationError(field, f"unknown journey stage {text!r} (known: {known})") from None


_CURRENCIES: dict[str, str] = {}
_MAX_MINOR = 10**15  # money's own limit: larger amounts go through its check (and fail)
_PLAIN_AMOUNT = re.compile(r"^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$")


def currency(text: str) -> str:
    """An ISO currency code (checked once per code seen)."""
    code = _CURRENCIES.get(text)
    if code is None:
        code = _CURRENCIES[text] = check_currency(text.strip())
    return code


def amount(text: str, currency: str | None, default_currency: str) -> Money:
    """An amount in the row's currency (else the one it names, else the default):
    "1200.50" and "1,200.50" read directly (most cells of a big file), anything
    else through `inputs.money`."""
    plain = _PLAIN_AMOUNT.match(text.strip())
    base = currency or default_currency
    places = exponent(base)
    if plain is None or len(plain[2] or "") > places:
        return inputs.money(text, currency, default_currency)
    whole, fraction = plain[1].replace(",", ""), (plain[2] or "").ljust(places, "0")
    minor = int(whole) * 10**places + int(fraction or "0")
    return Money(minor, base) if minor < _MAX_MINOR else check_money(Money(minor, base))


def names_currency(text: str) -> bool:
    """Whether an amount names its own currency ("€500", "1,200 ILS")."""
    try:
        return parse_money(text, "USD").currency == parse_money(text, "EUR").currency
    except ValidationError:
        return False


def stage_chance(text: str, field: str = "stage_probability") -> int:
    """HubSpot's stage probability, 0 to 1 ("0.2"), as a percentage (20)."""
    try:
        share = Decimal(text.strip())
    except InvalidOperation:
        raise ValidationError(field, f"not a probability from 0 to 1: {text!r}") from None
    if not (share.is_finite() and 0 <= share <= 1):
        raise ValidationError(field, f"not a probability from 0 to 1: {text!r}")
    return int((share * 100).to_integral_value())


def status(text: str, *, field: str = "status") -> DealStatus:
    word = text.strip().casefold()
    if not word:
        return DealStatus.OPEN
    try:
        return DealStatus(word)
    except ValueError:
        raise ValidationError(field, f"use open, won or lost, not {text!r}") from None


def probability(text: str, *, field: str = "probability") -> int | None:
    return inputs.probability(text.strip().removesuffix("%").strip(), field=field)


def rank(text: str) -> int:
    try:
        rank = int(text)
    except ValueError:
        raise ValidationError("rank", f"not a whole number: {text!r}") from None
    if not -(2**62) < rank < 2**62:
        raise ValidationError("rank", f"out of range: {text!r}")
    return rank


def stage_ref(value: object) -> StageRef:
    """A stage in a history row: its name (one clean line) or its id in the file."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**62:
        return value
    if not isinstance(value, str):
        raise ValidationError("history", f"not a stage: {value!r}")
    return check_stage_name(value, field="history")


def user_name(text: str) -> str:
    """An owner, or who made a row: a user name (`check_user_name`)."""
    return check_user_name(text, field="user")


def history_by(value: object) -> str | None:
    """Who made a history row (null: not known)."""
    if value is None:
        return None
    name = text_of(value)
    return check_user_name(name, field="history") if name.strip() else None


def text_of(value: object) -> str:
    if not isinstance(value, str):
        raise ValidationError("history", f"not text: {value!r}")
    return value


def score(text: str) -> int | None:
    return check_score(inputs.whole_number(text, field="score"))
