"""Comparison over time: the prior period and the change of every figure.

A report compared with an earlier period shows each figure "then → now
(change)". The change depends on what the figure is: a count changes by a
whole number, a rate by percentage points, a duration by days, money by a
percentage per currency (never across currencies). Everything stays an exact
fraction until it is shown; a change is none when either side is none.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from fractions import Fraction

from pipetui.domain.errors import ValidationError
from pipetui.domain.funnel import round_half_up

COMPARE_CHOICES = ("previous", "year")


class Kind(StrEnum):
    """What a figure measures, which decides how its change is told."""

    COUNT = "count"
    RATE = "rate"
    DAYS = "days"
    MONEY = "money"


UNITS = {Kind.COUNT: "count", Kind.RATE: "points", Kind.DAYS: "days", Kind.MONEY: "%"}
"""The unit of each kind's change (JSON `unit`)."""


@dataclass(frozen=True, slots=True)
class Figure:
    """One comparable figure. `value` is an int (count), a Fraction of 1
    (rate), a Fraction of days (days), or amounts per currency (money, in any
    one unit per currency: a percentage change does not depend on it); None
    when the figure has no value (nothing to divide by)."""

    kind: Kind
    value: int | Fraction | Mapping[str, Fraction] | None


def count(value: int | None) -> Figure:
    """A count."""
    return Figure(Kind.COUNT, value)


def rate(value: Fraction | None) -> Figure:
    """A rate, as a fraction of 1."""
    return Figure(Kind.RATE, value)


def days(value: Fraction | float | None) -> Figure:
    """A duration in days; a float (a figure already rounded for display) is
    taken at its decimal value, exactly."""
    if isinstance(value, float):
        value = Fraction(str(value))
    return Figure(Kind.DAYS, value)


def money(value: Mapping[str, int | Fraction]) -> Figure:
    """Amounts per currency (a currency left out: no value)."""
    return Figure(Kind.MONEY, {currency: Fraction(v) for currency, v in value.items()})


Change = int | Fraction | dict[str, Fraction | None] | None


def percent_change(now: Fraction | int | None, then: Fraction | int | None) -> Fraction | None:
    """(now − then) / then × 100; none when either is none or then is 0."""
    if now is None or then is None or then == 0:
        return None
    return (Fraction(now) - Fraction(then)) * 100 / Fraction(then)


def change(now: Figure, then: Figure) -> Change:
    """The change from `then` to `now` (same kind): a count's difference, a
    rate's difference in percentage points, a duration's difference in days,
    money's percentage change per currency (a currency on one side only: none)."""
    if now.kind is not then.kind:
        raise ValueError(f"cannot compare {now.kind} with {then.kind}")
    if now.kind is Kind.MONEY:
        later = now.value if isinstance(now.value, Mapping) else {}
        earlier = then.value if isinstance(then.value, Mapping) else {}
        return {
            currency: percent_change(later.get(currency), earlier.get(currency))
            for currency in sorted({*later, *earlier})
        }
    if now.value is None or then.value is None:
        return None
    assert not isinstance(now.value, Mapping) and not isinstance(then.value, Mapping)
    if now.kind is Kind.COUNT:
        return int(now.value) - int(then.value)
    difference = Fraction(now.value) - Fraction(then.value)
    return difference * 100 if now.kind is Kind.RATE else difference


# --- the prior period ---------------------------------------------------------------


def _year_earlier(day: date) -> date:
    """The same date a year earlier; 29 February becomes the 28th."""
    if day.year == 1:
        raise ValidationError("compare", "no year before this one on the calendar")
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def prior_period(since: date, until: date, how: str) -> tuple[date, date]:
    """The period to compare [since, until] with: "previous", the period of
    equal length just before; "year", the same dates one year earlier."""
    if how == "previous":
        length = (until - since).days + 1
        try:
            return since - timedelta(days=length), since - timedelta(days=1)
        except OverflowError:
            raise ValidationError("compare", "no period before this one on the calendar") from None
    if how == "year":
        return _year_earlier(since), _year_earlier(until)
    raise ValidationError("compare", f"compare with {' or '.join(COMPARE_CHOICES)}")


# --- for people ---------------------------------------------------------------------


def _signed(value: Fraction, decimals: int) -> str:
    scaled = round_half_up(abs(value) * 10**decimals)
    whole, part = divmod(scaled, 10**decimals)
    digits = f"{whole:,}" + (f".{part:0{decimals}d}" if decimals else "")
    if scaled == 0:
        return "±" + digits
    return ("+" if value > 0 else "−") + digits


def change_text(kind: Kind, value: Change) -> str:
    """A change for people: "+2", "−12.5 pts", "+3.0 d", "ILS +20.0 %"; "—" for none."""
    if kind is Kind.MONEY:
        if not isinstance(value, dict) or not value:
            return "—"
        return ", ".join(
            f"{currency} {'—' if v is None else _signed(v, 1) + ' %'}"
            for currency, v in value.items()
        )
    if value is None or isinstance(value, dict):
        return "—"
    if kind is Kind.COUNT:
        return _signed(Fraction(value), 0)
    return _signed(Fraction(value), 1) + (" pts" if kind is Kind.RATE else " d")


def change_json(kind: Kind, value: Change) -> dict[str, object]:
    """A change for scripts: {"change": 25.0, "unit": "points"}; money as
    {"change": {"ILS": -20.0}, "unit": "%"}; a count stays whole."""
    if isinstance(value, dict):
        shown: object = {c: None if v is None else float(v) for c, v in value.items()}
    elif value is None or isinstance(value, int):
        shown = value
    else:
        shown = float(value)
    return {"change": shown, "unit": UNITS[kind]}


# --- any report's figures, from its JSON form ----------------------------------------

RATE_KEYS = ("rate", "conversion", "conversion_to_next", "share", "churn", "retention", "roi")
"""Keys (or key endings, after "_") of rates, as fractions of 1."""
SCORE_KEYS = ("score",)
"""Keys of scores from −100 to 100 (NPS): compared in points, like rates."""
SKIPPED_KEYS = frozenset({"id", "position", "version", "probability", "churn_days"})
"""Whole numbers that are settings or identities, not figures."""
IDENTITY_KEYS = ("name", "source", "month", "reason", "stage", "criterion", "pipeline")
"""What names an item of a list (a stage, a source): the first found, plus its currency."""
RATE_DENOMINATOR = 10**7
"""A rate's JSON float is turned back into the fraction it came from: exact
for every count below ten million."""


def _is_rate_key(key: str) -> bool:
    return key in RATE_KEYS or any(key.endswith("_" + ending) for ending in RATE_KEYS)


def _is_currency(code: str) -> bool:
    return len(code) == 3 and code.isascii() and code.isalpha() and code.isupper()


def _decimal(text: object) -> Fraction | None:
    if not isinstance(text, str):
        return None
    try:
        return Fraction(text)
    except ValueError:
        return None


def _amounts(value: Mapping[str, object]) -> dict[str, Fraction] | None:
    """Money in its JSON forms: {"ILS": "12.50", ...} or {"amount", "currency"}."""
    if set(value) == {"amount", "currency"} and isinstance(value["currency"], str):
        amount = _decimal(value["amount"])
        return None if amount is None else {value["currency"]: amount}
    if not value:  # money in no currency (nothing won, nothing spent)
        return {}
    found = {code: _decimal(v) for code, v in value.items()}
    currencies = value and all(_is_currency(code) for code in value)
    if currencies and all(v is not None for v in found.values()):
        return {code: v for code, v in found.items() if v is not None}
    return None


def _item_name(item: Mapping[str, object], index: int) -> str:
    name = next(
        (str(item[key]) for key in IDENTITY_KEYS if isinstance(item.get(key), str | int)),
        str(index + 1),
    )
    currency = item.get("currency")
    return f"{name} {currency}" if isinstance(currency, str) else name


def _leaf(key: str, value: object) -> Figure | None:
    if key in SKIPPED_KEYS or isinstance(value, bool):
        return None
    if _is_rate_key(key) or key in SCORE_KEYS:
        if value is not None and not isinstance(value, int | float):
            return None
        exact = None if value is None else Fraction(value).limit_denominator(RATE_DENOMINATOR)
        if exact is not None and key in SCORE_KEYS:
            exact /= 100
        return rate(exact)
    if "days" in key.split("_"):
        if value is None or isinstance(value, int | float):
            return days(None if value is None else Fraction(str(value)))
        return None
    if isinstance(value, int):
        return count(value)
    return None


def figures_from_json(data: object, prefix: str = "") -> dict[str, Figure]:
    """Every figure of a report's JSON form, by a dotted name ("stages.Proposal.
    conversion_to_next", "won_value"): whole numbers are counts; keys naming a
    rate (`…rate`, `conversion…`, `share`, `churn`, `retention`, `roi`) rates;
    `score` an NPS score; keys with "days" durations; money (decimal strings
    per currency code) amounts. Texts, dates and settings are left out. One
    walk serves every report, so `--compare` applies to all of them."""
    found: dict[str, Figure] = {}
    if isinstance(data, Mapping):
        amounts = _amounts(data)
        if amounts is not None:
            found[prefix.rstrip(".")] = money(amounts)
            return found
        for key, value in data.items():
            name = f"{prefix}{key}"
            if isinstance(value, Mapping | list):
                found.update(figures_from_json(value, name + "."))
            else:
                figure = _leaf(str(key), value)
                if figure is not None:
                    found[name] = figure
    elif isinstance(data, list):
        for index, item in enumerate(data):
            label = _item_name(item, index) if isinstance(item, Mapping) else str(index + 1)
            found.update(figures_from_json(item, f"{prefix}{label}."))
    return found


def value_text(figure: Figure) -> str:
    """A figure for people: "12", "50.0 %", "3.5 d", "ILS 1,200.50"; "—" for none."""
    value = figure.value
    if isinstance(value, Mapping):
        if not value:
            return "—"
        return ", ".join(f"{code} {_amount_text(v)}" for code, v in sorted(value.items()))
    if value is None:
        return "—"
    if figure.kind is Kind.COUNT:
        return f"{int(value):,}"
    if figure.kind is Kind.RATE:
        tenths = round_half_up(abs(Fraction(value)) * 1000)
        sign = "−" if value < 0 and tenths else ""
        return f"{sign}{tenths // 10}.{tenths % 10} %"
    tenths = round_half_up(abs(Fraction(value)) * 10)
    return f"{'−' if value < 0 and tenths else ''}{tenths // 10:,}.{tenths % 10} d"


def _amount_text(value: Fraction) -> str:
    cents = round_half_up(abs(value) * 100)
    whole, part = divmod(cents, 100)
    return f"{'−' if value < 0 and cents else ''}{whole:,}.{part:02d}"


@dataclass(frozen=True, slots=True)
class Row:
    """One line of a comparison: the figure then, now, and the change."""

    name: str
    kind: Kind
    then: Figure | None
    now: Figure | None
    change: Change

    def text(self) -> str:
        """ "then → now (change)"."""
        then = value_text(self.then) if self.then else "—"
        now = value_text(self.now) if self.now else "—"
        return f"{then} → {now} ({change_text(self.kind, self.change)})"


def compare_rows(now: Mapping[str, Figure], then: Mapping[str, Figure]) -> list[Row]:
    """Every figure of either side, in `now`'s order (then those only before)."""
    rows = []
    for name in [*now, *(n for n in then if n not in now)]:
        later, earlier = now.get(name), then.get(name)
        kind = (later or earlier).kind  # type: ignore[union-attr]
        if later and earlier and later.kind is earlier.kind:
            delta = change(later, earlier)
        else:
            delta = {} if kind is Kind.MONEY else None
        rows.append(Row(name, kind, earlier, later, delta))
    return rows


def changes_json(rows: list[Row]) -> dict[str, dict[str, object]]:
    """{"won": {"change": 2, "unit": "count"}, ...}: the `change` of `--compare --json`."""
    return {row.name: change_json(row.kind, row.change) for row in rows}
