"""The figures after the sale (`pipetui.domain.customers`): median and mean
lifetime value per currency, repeat rate, churn and retention, ROI, and the
journey funnel after purchase, against plain recounts with hypothesis."""

from __future__ import annotations

import statistics
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from pipetui.domain.customers import (
    Churn,
    SourceReturn,
    after_sale_steps,
    lifetime_values,
    median,
    repeat_rate,
    roi,
)

amounts = st.lists(st.integers(min_value=0, max_value=10**15), max_size=30)


def test_median_of_an_even_count_is_the_exact_mean_of_the_middle_two() -> None:
    assert median([100, 1, 3, 2]) == Fraction(5, 2)
    assert median([7]) == 7
    assert median([]) is None


@given(amounts)
def test_median_agrees_with_the_statistics_module(values: list[int]) -> None:
    expected = statistics.median([Fraction(v) for v in values]) if values else None
    assert median(values) == expected


@given(st.dictionaries(st.sampled_from(["ILS", "USD", "EUR"]), amounts))
def test_lifetime_value_per_currency_never_mixes_currencies(
    per_customer: dict[str, list[int]],
) -> None:
    found = {v.currency: v for v in lifetime_values(per_customer)}
    assert set(found) == {c for c, values in per_customer.items() if values}
    for currency, value in found.items():
        values = per_customer[currency]
        assert value.customers == len(values)
        assert value.total_minor == sum(values)
        assert value.mean_minor == Fraction(sum(values), len(values))
        assert value.median_minor == statistics.median([Fraction(v) for v in values])


def test_a_customer_story_in_shekels() -> None:
    """Three customers in ₪: 1,000, 2,000 and 9,000 — mean 4,000, median 2,000."""
    (value,) = lifetime_values({"ILS": [100_000, 200_000, 900_000]})
    assert (value.mean_minor, value.median_minor) == (400_000, 200_000)


def test_repeat_rate_churn_and_retention() -> None:
    assert repeat_rate(1, 4) == Fraction(1, 4)
    assert repeat_rate(0, 0) is None
    churn = Churn(customers=8, churned=2)
    assert (churn.churn, churn.retention) == (Fraction(1, 4), Fraction(3, 4))
    assert Churn(0, 0).retention is None


def test_roi_is_won_less_spend_over_spend() -> None:
    assert roi(300_000, 100_000) == 2
    assert roi(50_000, 100_000) == Fraction(-1, 2)
    assert roi(50_000, 0) is None
    assert SourceReturn("פייסבוק", "ILS", 150, 100).roi == Fraction(1, 2)


@given(st.lists(st.sampled_from(["bought", "loyal", "advocate"]), max_size=50))
def test_after_sale_steps_count_every_customer_who_got_that_far(furthest: list[str]) -> None:
    loyal, advocates = furthest.count("loyal"), furthest.count("advocate")
    steps = after_sale_steps(len(furthest), loyal, advocates)
    reached = [s.reached for s in steps.steps]
    assert reached == [len(furthest), loyal + advocates, advocates]
    first = steps.steps[0].conversion_to_next
    assert first == (Fraction(loyal + advocates, len(furthest)) if furthest else None)
    assert [s.name for s in steps.steps] == ["customers", "repeat/renewal", "advocates"]
