"""Money: integer minor units plus an ISO 4217 code, parsed from what people type."""

from __future__ import annotations

import ast
import inspect
from collections import defaultdict
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipetui.domain import money as money_module
from pipetui.domain.errors import ValidationError
from pipetui.domain.money import (
    CURRENCIES,
    Money,
    MoneyTotals,
    check_currency,
    exponent,
    money_from_decimal,
    parse_money,
)

currencies = st.sampled_from(sorted(CURRENCIES))
amounts = st.builds(Money, st.integers(min_value=0, max_value=10**15 - 1), currencies)


# --- what a salesperson types -------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "default", "expected"),
    [
        ("1,200.50", "USD", Money(120050, "USD")),
        ("1200", "USD", Money(120000, "USD")),
        ("1200", "ILS", Money(120000, "ILS")),
        ("₪1,200", "USD", Money(120000, "ILS")),
        ("12,000 ILS", "USD", Money(1200000, "ILS")),
        ("USD 99", "ILS", Money(9900, "USD")),
        ("usd 5", "ILS", Money(500, "USD")),
        ("5 eur", "USD", Money(500, "EUR")),
        ("$1,234,567.89", "ILS", Money(123456789, "USD")),
        ("€7.5", "USD", Money(750, "EUR")),
        (".5", "USD", Money(50, "USD")),
        ("0", "USD", Money(0, "USD")),
        ("  42  ", "USD", Money(4200, "USD")),
        ("12\u00a0000", "EUR", Money(1200000, "EUR")),
        ("JPY 1,200", "USD", Money(1200, "JPY")),
        ("¥5000", "USD", Money(5000, "JPY")),
        ("KWD 1.234", "USD", Money(1234, "KWD")),
        ("1.5 KWD", "USD", Money(1500, "KWD")),
        ("CHF 90.00", "USD", Money(9000, "CHF")),
    ],
)
def test_typed_amounts_become_exact_minor_units(typed: str, default: str, expected: Money) -> None:
    assert parse_money(typed, default) == expected


@pytest.mark.parametrize(
    ("typed", "default", "why"),
    [
        ("1,20", "USD", "grouping needs three digits"),
        ("1,2000", "USD", "grouping needs three digits"),
        ("12,00.50", "USD", "grouping needs three digits"),
        (",500", "USD", "grouping without a leading digit"),
        ("-5", "USD", "negative"),
        ("USD -5", "ILS", "negative"),
        ("1.234", "USD", "USD has two decimals"),
        ("1.5", "JPY", "JPY has none"),
        ("¥1.5", "USD", "JPY has none"),
        ("1.2345", "KWD", "KWD has three"),
        ("ABC 5", "USD", "ABC is no currency"),
        ("5 XYZ", "USD", "XYZ is no currency"),
        ("", "USD", "empty"),
        ("   ", "USD", "empty"),
        ("USD", "USD", "no number"),
        ("5.", "USD", "dangling point"),
        ("1.2.3", "USD", "two points"),
        ("1e5", "USD", "exponent notation"),
        ("five", "USD", "words"),
        ("USD ₪5", "EUR", "symbol contradicts code"),
        ("10" + "0" * 13, "USD", "beyond the 10**15 minor-unit limit"),
    ],
)
def test_malformed_amounts_are_refused_naming_the_field(typed: str, default: str, why: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_money(typed, default, field="budget.amount")
    assert caught.value.field == "budget.amount", why


def test_the_refusal_says_what_was_typed() -> None:
    with pytest.raises(ValidationError, match="1,20"):
        parse_money("1,20", "USD")


def test_decimal_places_follow_iso_4217() -> None:
    assert (exponent("JPY"), exponent("USD"), exponent("KWD"), exponent("CLF")) == (0, 2, 3, 4)


def test_currency_codes_are_checked_and_upper_cased() -> None:
    assert check_currency(" ils ") == "ILS"
    with pytest.raises(ValidationError) as caught:
        check_currency("ABC", field="default_currency")
    assert caught.value.field == "default_currency"


# --- printing -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("money", "human", "machine"),
    [
        (Money(120050, "USD"), "$1,200.50", "1200.50"),
        (Money(1200000, "ILS"), "₪12,000.00", "12000.00"),
        (Money(9000, "CHF"), "CHF 90.00", "90.00"),
        (Money(1200, "JPY"), "¥1,200", "1200"),
        (Money(1234, "KWD"), "KWD 1.234", "1.234"),
        (Money(5, "USD"), "$0.05", "0.05"),
        (Money(0, "EUR"), "€0.00", "0.00"),
    ],
)
def test_money_prints_per_currency(money: Money, human: str, machine: str) -> None:
    assert money.format() == human
    assert str(money) == human
    assert money.amount_str() == machine


@pytest.mark.parametrize(
    ("minor", "short"),
    [
        (99_900, "$999"),
        (150_000, "$1.5k"),
        (99_994_000, "$999.9k"),
        (99_999_900, "$1M"),  # rounds up into the next unit, never "$1000k"
        (125_000_000, "$1.2M"),
        (1_234_567_890_000, "$12.3B"),
    ],
)
def test_cards_show_a_compact_amount(minor: int, short: str) -> None:
    assert Money(minor, "USD").short() == short


def test_machine_decimals_are_read_exactly_or_refused() -> None:
    assert money_from_decimal("1200.50", "USD") == Money(120050, "USD")
    assert money_from_decimal(Decimal("1200.5"), "USD") == Money(120050, "USD")
    assert money_from_decimal("1200", "JPY") == Money(1200, "JPY")
    assert money_from_decimal("0.001", "KWD") == Money(1, "KWD")
    for bad in ("1.005", "abc", "-1", "NaN", "Infinity", "1e15"):
        with pytest.raises(ValidationError) as caught:
            money_from_decimal(bad, "USD", field="value")
        assert caught.value.field == "value", bad


def test_a_long_decimal_is_refused_not_rounded() -> None:
    """31 significant digits exceed Decimal's default precision; still exact."""
    with pytest.raises(ValidationError):
        money_from_decimal("0.1000000000000000000000000000001", "USD")


def test_machine_decimals_need_a_real_currency() -> None:
    assert money_from_decimal("5", "usd") == Money(500, "USD")
    with pytest.raises(ValidationError) as caught:
        money_from_decimal("5", "ABC")
    assert caught.value.field == "currency"


# --- never mixed, never a float ----------------------------------------------


def test_different_currencies_do_not_add() -> None:
    with pytest.raises(ValueError, match="USD"):
        _ = Money(100, "USD") + Money(100, "ILS")


def test_different_currencies_do_not_compare() -> None:
    assert Money(100, "USD") < Money(200, "USD")
    assert max(Money(300, "ILS"), Money(200, "ILS")) == Money(300, "ILS")
    with pytest.raises(ValueError):
        _ = Money(100, "USD") < Money(200, "ILS")


def test_a_dime_and_two_dimes_make_exactly_thirty_cents() -> None:
    total = parse_money("0.10", "USD") + parse_money("0.20", "USD")
    assert total == parse_money("0.30", "USD")
    assert total.minor == 30
    assert MoneyTotals([Money(10, "USD")] * 3).as_json() == {"USD": "0.30"}


def test_the_money_module_has_no_float_anywhere() -> None:
    tree = ast.parse(inspect.getsource(money_module))
    floats = [
        node.lineno
        for node in ast.walk(tree)
        if (isinstance(node, ast.Constant) and isinstance(node.value, float))
        or (isinstance(node, ast.Name) and node.id == "float")
    ]
    assert floats == []


def test_totals_keep_one_sum_per_currency() -> None:
    totals = MoneyTotals([Money(100, "USD"), Money(250, "ILS"), Money(50, "USD")])
    assert dict(totals) == {"ILS": Money(250, "ILS"), "USD": Money(150, "USD")}
    assert list(totals) == ["ILS", "USD"]
    assert totals.format() == "₪2.50 · $1.50"
    assert MoneyTotals().format() == "—"


# --- properties ---------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(amounts, currencies)
def test_every_amount_survives_printing_and_parsing(money: Money, default: str) -> None:
    code = money.currency
    assert parse_money(money.format(), default) == money
    assert parse_money(money.amount_str() + " " + code, default) == money
    assert parse_money(code + " " + money.amount_str(), default) == money
    assert money_from_decimal(money.amount_str(), code) == money


@settings(max_examples=200, deadline=None)
@given(st.lists(amounts, max_size=30))
def test_totals_equal_a_brute_force_sum_per_currency(moneys: list[Money]) -> None:
    expected: dict[str, int] = defaultdict(int)
    for money in moneys:
        expected[money.currency] += money.minor
    totals = MoneyTotals(moneys)
    assert set(totals) == set(expected)
    for code, minor in expected.items():
        assert totals[code] == Money(minor, code)


@settings(max_examples=200, deadline=None)
@given(amounts, amounts)
def test_addition_only_within_one_currency(a: Money, b: Money) -> None:
    if a.currency == b.currency:
        assert (a + b).minor == a.minor + b.minor
    else:
        with pytest.raises(ValueError):
            _ = a + b
