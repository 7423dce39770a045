"""Goals' arithmetic (pipetui.domain.goals): periods, reached[k] from the
funnel's facts, the share of the target and the pace, each checked against a
brute-force recount (hypothesis) as the funnel's figures are."""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipetui.domain.errors import ValidationError
from pipetui.domain.goals import (
    GoalPeriod,
    Metric,
    Pace,
    PeriodFacts,
    actual,
    check_count_target,
    check_metric,
    check_money_target,
    month_period,
    period_from_label,
    progress,
    quarter_period,
    reached,
)
from pipetui.domain.money import Money


def test_a_month_and_a_quarter_are_calendar_periods_with_an_exclusive_end() -> None:
    december = month_period("2026-12")
    assert (december.label, december.start, december.end) == (
        "2026-12",
        date(2026, 12, 1),
        date(2027, 1, 1),
    )
    assert (december.last_day, december.days) == (date(2026, 12, 31), 31)
    first = quarter_period("2027-q1")
    assert (first.label, first.start, first.end, first.days) == (
        "2027-Q1",
        date(2027, 1, 1),
        date(2027, 4, 1),
        90,
    )
    assert period_from_label("2027-Q1") == first
    assert period_from_label("2026-12") == december
    assert month_period("2028-2").days == 29


@pytest.mark.parametrize(
    ("text", "field"),
    [("2026-13", "month"), ("26-12", "month"), ("1899-01", "month"), ("2026-00", "month")],
)
def test_a_bad_month_is_refused(text: str, field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        month_period(text)
    assert refused.value.field == field


@pytest.mark.parametrize("text", ["2027-Q0", "2027-Q5", "2027Q1", "Q1-2027", "2200-Q1"])
def test_a_bad_quarter_is_refused(text: str) -> None:
    with pytest.raises(ValidationError) as refused:
        quarter_period(text)
    assert refused.value.field == "quarter"


def test_metrics_and_targets_are_checked() -> None:
    assert check_metric(" Leads ") is Metric.LEADS
    with pytest.raises(ValidationError) as refused:
        check_metric("visits")
    assert refused.value.field == "metric"
    assert check_count_target(30) == 30
    for bad in (0, -1, 10**12):
        with pytest.raises(ValidationError):
            check_count_target(bad)
    with pytest.raises(ValidationError):
        check_money_target(Money(0, "ILS"))


def test_the_worked_example_a_team_wanted_30_leads_from_one_channel_and_got_50() -> None:
    december = month_period("2026-12")
    done = progress(50, 30, december, date(2027, 1, 2))
    assert (done.share, done.pace) == (Fraction(5, 3), Pace.MET)
    # halfway through the 31 days with 14 leads: 14 × 31 / 16 = 27.1 < 30
    midway = progress(14, 30, december, date(2026, 12, 16))
    assert (midway.projected, midway.pace) == (Fraction(14 * 31, 16), Pace.BEHIND)
    assert progress(0, 30, december, date(2026, 11, 30)).pace is Pace.NOT_STARTED
    assert progress(29, 30, december, date(2027, 1, 1)).pace is Pace.MISSED


@st.composite
def _deals(draw: st.DrawFn) -> list[tuple[int, bool, str, int]]:
    """Deals as (furthest stage position 1–6, won, currency, value)."""
    return draw(
        st.lists(
            st.tuples(
                st.integers(1, 6),
                st.booleans(),
                st.sampled_from(["ILS", "USD"]),
                st.integers(0, 2**40),
            ),
            max_size=40,
        )
    )


@given(_deals(), st.integers(1, 6))
def test_actuals_match_a_recount_of_the_deals(
    deals: list[tuple[int, bool, str, int]], position: int
) -> None:
    furthest: dict[int, int] = {}
    won_value: dict[str, int] = {}
    for at, won, currency, value in deals:
        if won:
            won_value[currency] = won_value.get(currency, 0) + value
        else:
            furthest[at] = furthest.get(at, 0) + 1
    facts = PeriodFacts(furthest, sum(1 for d in deals if d[1]), won_value)

    def recount(k: int) -> int:
        return sum(1 for at, won, _, _ in deals if won or at >= k)

    assert actual(Metric.LEADS, facts) == recount(1) == len(deals)
    assert actual(Metric.REACHED, facts, position=position) == recount(position)
    assert reached(facts, position) == recount(position)
    for currency in ("ILS", "USD", "EUR"):
        expected = sum(v for _, won, c, v in deals if won and c == currency)
        assert actual(Metric.WON, facts, currency=currency) == expected


@given(
    st.integers(0, 10**6),
    st.integers(1, 10**6),
    st.sampled_from(["2026-02", "2026-12", "2027-Q1", "2028-Q1"]),
    st.integers(-40, 130),
)
def test_share_and_pace_follow_their_definitions(
    done: int, target: int, label: str, offset: int
) -> None:
    period: GoalPeriod = period_from_label(label)
    today = period.start + timedelta(days=offset)
    found = progress(done, target, period, today)
    assert found.share == Fraction(done, target)
    assert (found.actual, found.target) == (done, target)
    days = [period.start + timedelta(days=i) for i in range(period.days)]
    if today < days[0]:
        assert (found.pace, found.projected) == (Pace.NOT_STARTED, None)
    elif today > days[-1]:
        assert found.projected is None
        assert found.pace is (Pace.MET if done >= target else Pace.MISSED)
    else:
        elapsed = len([day for day in days if day <= today])
        assert found.projected == Fraction(done * len(days), elapsed)
        on_track = done * len(days) >= target * elapsed
        assert found.pace is (Pace.ON_TRACK if on_track else Pace.BEHIND)
