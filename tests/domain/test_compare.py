"""Comparison over time (`pipetui.domain.compare`): the prior period, the
change of each kind of figure (counts, rates in points, days, money per
currency), and any report's figures read from its JSON form; the arithmetic
checked against a plain recount with hypothesis."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipetui.domain.compare import (
    Kind,
    change,
    change_json,
    change_text,
    compare_rows,
    count,
    days,
    figures_from_json,
    money,
    prior_period,
    rate,
    value_text,
)
from pipetui.domain.errors import ValidationError

counts = st.integers(min_value=0, max_value=10**6)
maybe_counts = st.none() | counts


def test_previous_is_the_period_of_equal_length_just_before() -> None:
    assert prior_period(date(2026, 11, 1), date(2026, 11, 30), "previous") == (
        date(2026, 10, 2),
        date(2026, 10, 31),
    )
    # One day: the day before.
    assert prior_period(date(2026, 3, 1), date(2026, 3, 1), "previous") == (
        date(2026, 2, 28),
        date(2026, 2, 28),
    )


def test_year_is_the_same_dates_a_year_earlier_and_29_february_becomes_the_28th() -> None:
    assert prior_period(date(2026, 10, 1), date(2026, 12, 31), "year") == (
        date(2025, 10, 1),
        date(2025, 12, 31),
    )
    assert prior_period(date(2028, 2, 29), date(2028, 3, 31), "year") == (
        date(2027, 2, 28),
        date(2027, 3, 31),
    )


def test_an_unknown_comparison_is_refused_naming_compare() -> None:
    with pytest.raises(ValidationError) as refused:
        prior_period(date(2026, 1, 1), date(2026, 1, 31), "decade")
    assert refused.value.field == "compare"


@given(
    st.dates(min_value=date(1905, 1, 1), max_value=date(2199, 12, 31)),
    st.integers(min_value=0, max_value=800),
)
def test_previous_period_ends_the_day_before_and_has_the_same_length(
    since: date, length: int
) -> None:
    until = date.fromordinal(min(since.toordinal() + length, date(2199, 12, 31).toordinal()))
    first, last = prior_period(since, until, "previous")
    assert (last - first) == (until - since)
    assert last.toordinal() == since.toordinal() - 1


def test_conversion_plus_25_points_and_time_to_close_minus_20_percent() -> None:
    """The issue's story: after a change in process, conversion went from 20 %
    to 45 % (+25 points) and the cycle from 10 to 8 days (−2 days)."""
    assert change(rate(Fraction(45, 100)), rate(Fraction(20, 100))) == 25
    assert change(days(8.0), days(10.0)) == -2
    assert change_text(Kind.RATE, Fraction(25)) == "+25.0 pts"
    assert change_text(Kind.DAYS, Fraction(-2)) == "−2.0 d"


def test_none_on_either_side_gives_no_change() -> None:
    assert change(rate(None), rate(Fraction(1, 2))) is None
    assert change(count(3), count(None)) is None
    assert change(days(None), days(1.5)) is None
    assert change_text(Kind.RATE, None) == "—"


def test_money_changes_per_currency_never_across() -> None:
    now = money({"ILS": 120_000, "USD": 50_000})
    then = money({"ILS": 100_000, "EUR": 7_000})
    assert change(now, then) == {"EUR": None, "ILS": Fraction(20), "USD": None}
    assert change_text(Kind.MONEY, change(now, then)) == "EUR —, ILS +20.0 %, USD —"
    assert change_json(Kind.MONEY, change(now, then)) == {
        "change": {"EUR": None, "ILS": 20.0, "USD": None},
        "unit": "%",
    }


@given(maybe_counts, maybe_counts)
def test_count_change_is_the_difference(now: int | None, then: int | None) -> None:
    expected = None if now is None or then is None else now - then
    assert change(count(now), count(then)) == expected


@given(counts, st.integers(1, 10**6), counts, st.integers(1, 10**6))
def test_rate_change_is_exact_points(a: int, b: int, c: int, d: int) -> None:
    now, then = Fraction(a, b), Fraction(c, d)
    assert change(rate(now), rate(then)) == (now - then) * 100


@given(counts, counts)
def test_money_change_is_the_exact_percentage(now: int, then: int) -> None:
    got = change(money({"USD": now}), money({"USD": then}))
    assert got == {"USD": None if then == 0 else Fraction(100 * (now - then), then)}


@given(st.integers(0, 10**7 - 1), st.integers(1, 10**7 - 1))
def test_a_rate_read_from_json_is_the_exact_fraction_it_came_from(part: int, whole: int) -> None:
    exact = Fraction(min(part, whole), whole)
    figures = figures_from_json({"win_rate": float(exact)})
    assert figures["win_rate"] == rate(exact)


def test_every_figure_of_a_report_json_is_found_by_its_kind() -> None:
    report = {
        "pipeline": "מכירות",
        "since": "2026-10-01",
        "stages": [
            {"name": "Proposal", "position": 5, "reached": 4, "conversion_to_next": 0.25},
            {"name": "עסקה", "reached": 1, "avg_days_in_stage": 2.5, "open_value": {}},
        ],
        "won": 3,
        "win_rate": 0.75,
        "avg_cycle_days": 12.25,
        "sales_velocity_per_day": {"ILS": "1200.50", "USD": "3.00"},
        "value": {"amount": "10.00", "currency": "EUR"},
        "nps": {"score": 40.0, "answers": 5},
        "by_reason": [{"reason": "price", "currency": "USD", "share": 0.5}],
    }
    found = figures_from_json(report)
    assert found == {
        "stages.Proposal.reached": count(4),
        "stages.Proposal.conversion_to_next": rate(Fraction(1, 4)),
        "stages.עסקה.reached": count(1),
        "stages.עסקה.avg_days_in_stage": days(Fraction(5, 2)),
        "stages.עסקה.open_value": money({}),
        "won": count(3),
        "win_rate": rate(Fraction(3, 4)),
        "avg_cycle_days": days(Fraction(49, 4)),
        "sales_velocity_per_day": money({"ILS": Fraction("1200.50"), "USD": 3}),
        "value": money({"EUR": 10}),
        "nps.score": rate(Fraction(2, 5)),
        "nps.answers": count(5),
        "by_reason.price USD.share": rate(Fraction(1, 2)),
    }


def test_rows_read_then_arrow_now_and_the_change() -> None:
    now = figures_from_json({"won": 5, "win_rate": 0.5, "avg_cycle_days": 8.0})
    then = figures_from_json({"won": 3, "win_rate": 0.25, "avg_cycle_days": 10.0, "lost": 1})
    rows = {row.name: row.text() for row in compare_rows(now, then)}
    assert rows == {
        "won": "3 → 5 (+2)",
        "win_rate": "25.0 % → 50.0 % (+25.0 pts)",
        "avg_cycle_days": "10.0 d → 8.0 d (−2.0 d)",
        "lost": "1 → — (—)",
    }
    assert value_text(money({"ILS": Fraction("1234.5")})) == "ILS 1,234.50"
    assert change_json(Kind.COUNT, 2) == {"change": 2, "unit": "count"}
    assert change_json(Kind.RATE, Fraction(25)) == {"change": 25.0, "unit": "points"}
