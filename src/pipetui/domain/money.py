"""Money: an integer number of minor units plus an ISO 4217 currency code.

Never a float. Amounts are parsed from what people type ("1,200.50", "1200",
"₪1,200", "12,000 ILS", "USD 99") and formatted per currency; sums are always
kept per currency (see `MoneyTotals`), never silently mixed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from pipetui.domain.errors import ValidationError

# Active ISO 4217 codes. Two decimal places unless listed in _EXPONENTS.
_CODES = """
AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL
BSD BTN BWP BYN BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUP CVE CZK DJF DKK
DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR
ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD
LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK
NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD
SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD
USN UYI UYU UYW UZS VED VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG
"""
_EXPONENTS: dict[str, int] = {
    **dict.fromkeys(
        [
            "BIF",
            "CLP",
            "DJF",
            "GNF",
            "ISK",
            "JPY",
            "KMF",
            "KRW",
            "PYG",
            "RWF",
            "UGX",
            "UYI",
            "VND",
            "VUV",
            "XAF",
            "XOF",
            "XPF",
        ],
        0,
    ),
    **dict.fromkeys(["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"], 3),
    "CLF": 4,
    "UYW": 4,
}
CURRENCIES: frozenset[str] = frozenset(_CODES.split())

# Symbols accepted on input and used on output. A symbol shared by several
# currencies ("$") maps to the most common one on input; the code disambiguates.
SYMBOLS: dict[str, str] = {
    "USD": "$",
    "EUR": "€",
    "GBP": "£",
    "ILS": "₪",
    "JPY": "¥",
    "INR": "₹",
    "KRW": "₩",
    "UAH": "₴",
    "TRY": "₺",
    "NGN": "₦",
    "PHP": "₱",
    "VND": "₫",
    "RUB": "₽",
}
_SYMBOL_TO_CODE = {symbol: code for code, symbol in SYMBOLS.items()}

_AMOUNT = re.compile(r"^(?P<int>\d{1,3}(?:,\d{3})+|\d+)?(?:\.(?P<frac>\d+))?$")
_MAX_MINOR = 10**15
"""Every amount is below this many minor units ($9,999,999,999,999.99): far
beyond any deal, and value × probability (at most 10**17) still fits a 64-bit
integer in one SQL row. Sums over many rows are kept exact by the store
(`pipetui.store.board.exact_sum`), not by this bound."""


def exponent(currency: str) -> int:
    """Number of decimal places of `currency`'s minor unit (JPY 0, USD 2, KWD 3)."""
    return _EXPONENTS.get(currency, 2)


def check_currency(code: str, *, field: str = "currency") -> str:
    """Return `code` upper-cased if it is an ISO 4217 code, else refuse it."""
    normal = code.strip().upper()
    if normal not in CURRENCIES:
        raise ValidationError(field, f"unknown currency {code.strip()!r} (use an ISO 4217 code)")
    return normal


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in minor units of one currency: Money(120050, "USD") is $1,200.50.

    Amounts in different currencies neither add nor compare: there is no rate
    here, so any answer would silently mix them.
    """

    minor: int
    currency: str

    @classmethod
    def zero(cls, currency: str) -> Money:
        """Nothing, in `currency`."""
        return cls(0, currency)

    def _same_currency(self, other: Money, verb: str) -> None:
        if other.currency != self.currency:
            raise ValueError(f"cannot {verb} {other.currency} and {self.currency}")

    def __add__(self, other: Money) -> Money:
        self._same_currency(other, "add")
        return Money(self.minor + other.minor, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same_currency(other, "compare")
        return self.minor < other.minor

    def __le__(self, other: Money) -> bool:
        self._same_currency(other, "compare")
        return self.minor <= other.minor

    def __gt__(self, other: Money) -> bool:
        self._same_currency(other, "compare")
        return self.minor > other.minor

    def __ge__(self, other: Money) -> bool:
        self._same_currency(other, "compare")
        return self.minor >= other.minor

    def decimal(self) -> Decimal:
        """The exact amount in major units."""
        return Decimal(self.minor).scaleb(-exponent(self.currency))

    def amount_str(self) -> str:
        """The machine form: "1200.50", always with the currency's decimals."""
        places = exponent(self.currency)
        sign = "-" if self.minor < 0 else ""
        whole, frac = divmod(abs(self.minor), 10**places)
        return f"{sign}{whole}.{frac:0{places}d}" if places else f"{sign}{whole}"

    def format(self) -> str:
        """The human form: "$1,200.50", "₪12,000.00", "CHF 90.00"."""
        places = exponent(self.currency)
        sign = "-" if self.minor < 0 else ""
        whole, frac = divmod(abs(self.minor), 10**places)
        number = f"{whole:,}" + (f".{frac:0{places}d}" if places else "")
        symbol = SYMBOLS.get(self.currency)
        return f"{sign}{symbol}{number}" if symbol else f"{sign}{self.currency} {number}"

    def short(self) -> str:
        """A compact form for narrow places such as cards: "$1.2k", "₪3.4M"."""
        major = abs(self.minor) // 10 ** exponent(self.currency)
        symbol = SYMBOLS.get(self.currency, self.currency + " ")
        sign = "-" if self.minor < 0 else ""
        text, suffix = str(major), ""
        if major >= 1000:
            for limit, unit in ((10**3, "k"), (10**6, "M"), (10**9, "B")):
                # Round, then move up a unit if that made 1000: 999,999 is "1M", not "1000k".
                scaled = (Decimal(major) / limit).quantize(Decimal("0.1"))
                text, suffix = str(scaled).removesuffix(".0"), unit
                if scaled < 1000:
                    break
        return f"{sign}{symbol}{text}{suffix}"

    def __str__(self) -> str:
        return self.format()


def check_money(money: Money, *, field: str = "value") -> Money:
    """A deal's or a budget's amount: a known currency and not negative."""
    if check_currency(money.currency, field="currency") != money.currency:
        raise ValidationError("currency", f"not an ISO 4217 code: {money.currency!r}")
    if money.minor < 0:
        raise ValidationError(field, "must not be negative")
    if money.minor >= _MAX_MINOR:
        raise ValidationError(field, f"amount too large ({_at_most(money.currency)})")
    return money


def _at_most(currency: str) -> str:
    """The largest amount accepted, for refusals: "at most $9,999,999,999,999.99"."""
    return f"at most {Money(_MAX_MINOR - 1, currency).format()}"


def parse_money(text: str, default_currency: str, *, field: str = "value") -> Money:
    """Parse what a person types into Money, refusing anything ambiguous.

    Accepts grouping commas, a decimal point, a currency symbol or ISO code before
    or after the number ("₪1,200", "1,200.50 USD", "usd 5"). Refuses negative
    amounts, more decimals than the currency has, and malformed grouping.
    """
    raw = text.strip()
    if not raw:
        raise ValidationError(field, "is empty")
    if not any(char.isdigit() for char in raw):  # else "abc" reads as a currency code
        raise ValidationError(field, f"not an amount: {raw!r} (e.g. 1,200.50)")
    currency = default_currency
    body = raw
    coded = re.match(r"^([A-Za-z]{3})(?![A-Za-z])\s*(.*)$", body) or re.match(
        r"^(.*?)(?<![A-Za-z])\s*([A-Za-z]{3})$", body
    )
    if coded:
        first, second = coded.groups()
        letters, body = (first, second) if first.isalpha() else (second, first)
        currency = check_currency(letters, field=field)
    for symbol, symbol_code in _SYMBOL_TO_CODE.items():
        if body.startswith(symbol) or body.endswith(symbol):
            if coded and symbol_code != currency and symbol != "$":
                raise ValidationError(field, f"{symbol} does not match {currency}: {raw!r}")
            currency = currency if coded else symbol_code
            body = body.removeprefix(symbol).removesuffix(symbol).strip()
            break
    body = body.replace("\u00a0", "").replace(" ", "")
    if body.startswith("-"):
        raise ValidationError(field, f"must not be negative: {raw!r}")
    match = _AMOUNT.match(body)
    if not match or (match["int"] is None and match["frac"] is None):
        raise ValidationError(field, f"not an amount: {raw!r} (e.g. 1,200.50)")
    places = exponent(currency)
    frac = match["frac"] or ""
    if len(frac) > places:
        raise ValidationError(field, f"{currency} has {places} decimal places: {raw!r}")
    whole = int((match["int"] or "0").replace(",", ""))
    minor = whole * 10**places + int(frac.ljust(places, "0") or "0")
    code = check_currency(currency, field="currency")
    if minor >= _MAX_MINOR:
        raise ValidationError(field, f"amount too large: {raw!r} ({_at_most(code)})")
    return Money(minor, code)


def money_from_decimal(amount: str | Decimal, currency: str, *, field: str = "value") -> Money:
    """Money from a machine decimal ("1200.50") as written by `Money.amount_str`.

    Exact or refused: an amount with more decimals than the currency has is
    never rounded, however many digits it carries.
    """
    code = check_currency(currency, field="currency")
    try:
        value = Decimal(amount)
    except InvalidOperation as error:
        raise ValidationError(field, f"not a decimal amount: {amount!r}") from error
    if not value.is_finite() or value < 0:
        raise ValidationError(field, f"not a non-negative amount: {amount!r}")
    places = exponent(code)
    if value >= Decimal(_MAX_MINOR).scaleb(-places):
        raise ValidationError(field, f"amount too large: {amount!r} ({_at_most(code)})")
    # Below the limit the quantized value has at most 19 digits, so it is exact;
    # comparing Decimals is exact too, whatever the context's precision.
    quantized = value.quantize(Decimal(1).scaleb(-places))
    if quantized != value:
        raise ValidationError(field, f"{code} has {places} decimal places: {amount!r}")
    return Money(int(quantized.scaleb(places)), code)


class MoneyTotals(Mapping[str, Money]):
    """Sums kept per currency: adding USD to ILS makes two entries, never one."""

    def __init__(self, amounts: Iterable[Money] = ()) -> None:
        self._sums: dict[str, int] = {}
        for money in amounts:
            self.add(money)

    def add(self, money: Money) -> None:
        """Add `money` to its own currency's sum."""
        self._sums[money.currency] = self._sums.get(money.currency, 0) + money.minor

    def __getitem__(self, currency: str) -> Money:
        return Money(self._sums[currency], currency)

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._sums))

    def __len__(self) -> int:
        return len(self._sums)

    def as_json(self) -> dict[str, str]:
        """{"USD": "1200.50", ...}: decimal strings per currency code."""
        return {code: self[code].amount_str() for code in self}

    def format(self, separator: str = " · ") -> str:
        """Human form of every currency's sum, or an em dash when empty."""
        return separator.join(self[code].format() for code in self) or "—"
