"""Sales velocity stays sane (issue 19): a cycle under a day counts as one day,
and the figure is withheld, with its reason, until 5 deals were won."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from pipetui.domain.funnel import (
    VELOCITY_MIN_WON,
    FunnelInput,
    OpenDeals,
    StageInput,
    compute_funnel,
)

DAY = 86_400


def one_stage(
    open_ils: int, won: int, won_ils: int, cycle_seconds: float, lost: int = 0
) -> FunnelInput:
    """A pipeline of one stage with `open_ils` open shekel deals of ₪1,000."""
    return FunnelInput(
        [StageInput("Proposal", 1, open_ils, {"ILS": OpenDeals(open_ils, open_ils * 100_000, 0)})],
        won=won,
        lost=lost,
        won_value={"ILS": (won_ils, won)} if won else {},
        cycle_seconds=cycle_seconds,
    )


def test_deals_won_within_minutes_no_longer_promise_millions_a_day() -> None:
    # The reported case: deals won minutes after they were created.
    funnel = compute_funnel(one_stage(40, won=6, won_ils=6 * 500_000, cycle_seconds=6 * 7 * 60))
    # 40 open × 1 × ₪5,000 ÷ 1 day (the floor), not ÷ 7 minutes.
    assert funnel.sales_velocity_per_day.as_json() == {"ILS": "200000.00"}
    assert funnel.sales_velocity_withheld is None
    assert funnel.avg_cycle_days == 0.0  # the cycle itself is shown as it is


def test_a_cycle_of_exactly_one_day_and_longer_ones_are_not_changed_by_the_floor() -> None:
    one = compute_funnel(one_stage(2, won=5, won_ils=5 * 1_000, cycle_seconds=5 * DAY))
    ten = compute_funnel(one_stage(2, won=5, won_ils=5 * 1_000, cycle_seconds=5 * 10 * DAY))
    half = compute_funnel(one_stage(2, won=5, won_ils=5 * 1_000, cycle_seconds=5 * DAY / 2))
    assert one.sales_velocity_per_day.as_json() == {"ILS": "20.00"}
    assert half.sales_velocity_per_day.as_json() == {"ILS": "20.00"}  # half a day → one
    assert ten.sales_velocity_per_day.as_json() == {"ILS": "2.00"}


def test_velocity_is_withheld_below_five_won_deals_and_says_why() -> None:
    for won in range(VELOCITY_MIN_WON):
        funnel = compute_funnel(one_stage(3, won=won, won_ils=won * 100, cycle_seconds=won * DAY))
        assert dict(funnel.sales_velocity_per_day) == {}
        assert funnel.sales_velocity_withheld == f"needs 5 won deals, has {won}"
        assert funnel.sales_velocity_text() == f"— (needs 5 won deals, has {won})"
    shown = compute_funnel(one_stage(3, won=5, won_ils=500, cycle_seconds=5 * DAY, lost=5))
    assert shown.sales_velocity_withheld is None
    assert shown.sales_velocity_text() == "₪1.50"  # 3 × 1/2 × ₪1 ÷ 1 day


@settings(max_examples=200, deadline=None)
@given(
    st.integers(0, 50),
    st.integers(0, 30),
    st.integers(0, 30),
    st.integers(0, 10**9),
    st.floats(0, 10**9),
)
def test_velocity_matches_its_rule_whatever_the_inputs(
    open_ils: int, won: int, lost: int, won_total: int, cycle_seconds: float
) -> None:
    funnel = compute_funnel(one_stage(open_ils, won, won_total, cycle_seconds, lost))
    if won < 5:
        assert dict(funnel.sales_velocity_per_day) == {}
        assert funnel.sales_velocity_withheld == f"needs 5 won deals, has {won}"
        return
    cycle = max(Fraction(cycle_seconds) / won / DAY, Fraction(1))
    exact = open_ils * Fraction(won, won + lost) * Fraction(won_total, won) / cycle
    assert funnel.sales_velocity_per_day["ILS"].minor == int(exact + Fraction(1, 2))
    # Never more than if every open deal were won today at the mean value.
    assert exact <= open_ils * Fraction(won_total, won)
