"""The figures after the sale (one definition each; README "After the sale").

A **purchase** is a touchpoint in the purchase or loyalty journey stage
(`purchase`, `contract_signed`, `repeat_purchase`, `renewal`, `upsell`, and
the user's own kinds mapped there) or a won deal that has no such touchpoint
linked to it (a won deal logs one; older or imported data may not have it).
A **customer** is a contact with at least one purchase.

The store counts and sums (`pipetui.store.customers`); this module turns the
small results into rates and averages: exact fractions until display, money in
integer minor units per currency, never summed across currencies.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from pipetui.domain.funnel import Steps, ratio, steps_from_furthest
from pipetui.domain.journey import JourneyStage

PURCHASE_STAGES = (JourneyStage.PURCHASE, JourneyStage.LOYALTY)
"""Touchpoints in these journey stages are purchases."""
ADVOCACY_STAGES = (JourneyStage.ADVOCACY,)
"""Touchpoints in these journey stages make a customer an advocate."""
CHURN_DAYS = 365
"""A customer without a purchase in this many days (up to the period's end) has churned."""
AFTER_SALE_STEPS = ("customers", "repeat/renewal", "advocates")


def median(values: Sequence[int]) -> Fraction | None:
    """The middle of the values (the mean of the two middle ones when even), exact."""
    ordered = sorted(values)
    if not ordered:
        return None
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return Fraction(ordered[middle])
    return Fraction(ordered[middle - 1] + ordered[middle], 2)


@dataclass(frozen=True, slots=True)
class LifetimeValue:
    """Won value per customer in one currency, over the customers with won
    deals in that currency."""

    currency: str
    customers: int
    total_minor: int
    mean_minor: Fraction
    median_minor: Fraction


def lifetime_values(per_customer: Mapping[str, Sequence[int]]) -> list[LifetimeValue]:
    """Mean and median lifetime value per currency, from each customer's won
    value in that currency (minor units)."""
    found = []
    for currency in sorted(per_customer):
        values = list(per_customer[currency])
        middle = median(values)
        if middle is None:
            continue
        found.append(
            LifetimeValue(
                currency, len(values), sum(values), Fraction(sum(values), len(values)), middle
            )
        )
    return found


def repeat_rate(repeat_customers: int, customers: int) -> Fraction | None:
    """Customers with two purchases or more over customers."""
    return ratio(repeat_customers, customers)


@dataclass(frozen=True, slots=True)
class Churn:
    """Customers (by the period's end) and those with no purchase in the
    `churn_days` before it."""

    customers: int
    churned: int

    @property
    def churn(self) -> Fraction | None:
        """churned / customers."""
        return ratio(self.churned, self.customers)

    @property
    def retention(self) -> Fraction | None:
        """1 − churn."""
        rate = self.churn
        return None if rate is None else 1 - rate


def roi(won_minor: int, spend_minor: int) -> Fraction | None:
    """Return on spend in one currency: (won value − spend) / spend; none
    without spend."""
    return Fraction(won_minor - spend_minor, spend_minor) if spend_minor else None


@dataclass(frozen=True, slots=True)
class SourceReturn:
    """One lead source in one currency: won value, spend, ROI. `spend_minor`
    is None when the spend cannot be told for the cohort: spend is recorded
    per source and month, so a cohort narrowed by tag has no share of it."""

    source: str
    currency: str
    won_minor: int
    spend_minor: int | None

    @property
    def roi(self) -> Fraction | None:
        """(won − spend) / spend; none without a known spend."""
        return None if self.spend_minor is None else roi(self.won_minor, self.spend_minor)


def after_sale_steps(customers: int, loyal: int, advocates: int) -> Steps:
    """The journey funnel after purchase: customers → repeat/renewal →
    advocates, by the furthest step each customer reached (an advocate has
    reached every step), with the funnel's conversion arithmetic.

    `loyal` and `advocates` count customers whose furthest step is that one."""
    return steps_from_furthest(AFTER_SALE_STEPS, [customers - loyal - advocates, loyal, advocates])
