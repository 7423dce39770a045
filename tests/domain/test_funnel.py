"""The funnel's arithmetic (DESIGN.md §2) over aggregates: reached, conversion,
drop-off, bottleneck, win rate, forecast, averages and sales velocity. The
database is not involved here; tests/services/test_reports.py checks the
aggregates against a real history."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipetui.domain.funnel import (
    SECONDS_PER_DAY,
    FunnelInput,
    OpenDeals,
    StageInput,
    at_or_after,
    compute_funnel,
    days_text,
    percent_text,
    ratio,
    round_half_up,
    steps_from_furthest,
    weighted_totals,
)
from pipetui.domain.money import Money

DAY = SECONDS_PER_DAY
MARKETING = ["awareness", "interest", "consideration", "intent", "purchase"]


def stages(*furthest: int) -> list[StageInput]:
    """Stages S1, S2... with these counts of not-won deals by furthest stage."""
    return [StageInput(f"S{i}", i, count) for i, count in enumerate(furthest, start=1)]


# --- the worked examples --------------------------------------------------------


def test_worked_example_100_leads_50_proposals_10_won() -> None:
    # 100 leads; 50 went on to a proposal; 10 of those closed (won).
    # Not won: 50 stayed leads, 40 stopped at the proposal.
    funnel = compute_funnel(
        FunnelInput([StageInput("Lead", 1, 50), StageInput("Proposal", 2, 40)], won=10)
    )

    assert [s.reached for s in funnel.stages] == [100, 50]
    assert [s.conversion_to_next for s in funnel.stages] == [Fraction(1, 2), Fraction(1, 5)]
    assert [s.drop_off for s in funnel.stages] == [50, 40]
    assert funnel.overall_conversion == Fraction(1, 10)
    assert [percent_text(s.conversion_to_next) for s in funnel.stages] == ["50.0 %", "20.0 %"]
    assert percent_text(funnel.overall_conversion) == "10.0 %"
    assert funnel.won == 10
    assert funnel.bottleneck == "Proposal"


def test_worked_example_1000_aware_200_interested_50_intent_10_purchase() -> None:
    # Contacts by furthest stage: 800 only aware, 150 only interested, none stopped
    # at consideration, 40 stopped at intent, 10 bought.
    steps = steps_from_furthest(MARKETING, [800, 150, 0, 40, 10])

    assert [s.reached for s in steps.steps] == [1000, 200, 50, 50, 10]
    assert [s.conversion_to_next for s in steps.steps] == [
        Fraction(1, 5),
        Fraction(1, 4),
        Fraction(1),
        Fraction(1, 5),
        None,
    ]
    assert [percent_text(s.conversion_to_next) for s in steps.steps] == [
        "20.0 %",
        "25.0 %",
        "100.0 %",
        "20.0 %",
        "—",
    ]
    assert [s.drop_off for s in steps.steps] == [800, 150, 0, 40, 0]
    assert steps.overall_conversion == Fraction(1, 100)
    assert percent_text(steps.overall_conversion) == "1.0 %"
    # awareness → interest and intent → purchase both convert 20 %: the earlier wins.
    assert steps.bottleneck == "awareness"


# --- reached, from counts by furthest stage -----------------------------------------


@pytest.mark.parametrize(
    ("furthest", "beyond", "reached"),
    [
        ([], 0, []),
        ([], 7, []),
        ([0, 0, 0], 0, [0, 0, 0]),
        ([1, 2, 3], 0, [6, 5, 3]),
        ([1, 2, 3], 4, [10, 9, 7]),
        ([5], 2, [7]),
        ([0, 0, 4], 0, [4, 4, 4]),
    ],
)
def test_at_or_after_counts_everything_at_or_past_each_step(
    furthest: list[int], beyond: int, reached: list[int]
) -> None:
    assert at_or_after(furthest, beyond) == reached


# --- bottleneck ----------------------------------------------------------------------


def test_the_bottleneck_is_the_lowest_conversion_among_steps_reached_by_at_least_5() -> None:
    # reached: 20, 10, 4, 3 + won 1 → conversions 1/2, 2/5, 3/4, 1/3.
    # S4 converts worst (1/3) but only 3 reached it; S2 (2/5) is the bottleneck.
    funnel = compute_funnel(FunnelInput(stages(10, 6, 1, 2), won=1))
    assert [s.reached for s in funnel.stages] == [20, 10, 4, 3]
    assert funnel.stages[3].conversion_to_next == Fraction(1, 3)
    assert funnel.bottleneck == "S2"


def test_a_step_reached_by_exactly_5_is_a_bottleneck_candidate_and_4_is_not() -> None:
    # reached 10, 5 → conversions 1/2, 0/5: S2 with exactly 5 is the bottleneck.
    assert compute_funnel(FunnelInput(stages(5, 5))).bottleneck == "S2"
    # reached 10, 4 → conversions 2/5, 0/4: S2 has only 4, so S1 is.
    assert compute_funnel(FunnelInput(stages(6, 4))).bottleneck == "S1"


def test_bottleneck_ties_go_to_the_earlier_stage() -> None:
    # reached 40, 20, 10, won 5: every step converts 1/2.
    funnel = compute_funnel(FunnelInput(stages(20, 10, 5), won=5))
    assert {s.conversion_to_next for s in funnel.stages} == {Fraction(1, 2)}
    assert funnel.bottleneck == "S1"
    # The same rate reached by different counts is still a tie: 2/4 == 5/10.
    tied = compute_funnel(FunnelInput(stages(5, 0, 0), won=5))  # 10, 5, 5 → 1/2, 1, 1
    assert tied.bottleneck == "S1"
    later_tie = compute_funnel(FunnelInput(stages(0, 6, 6), won=6))  # 18, 18, 12 → 1, 2/3, 1/2
    assert later_tie.bottleneck == "S3"


def test_no_bottleneck_when_every_step_was_reached_by_fewer_than_5() -> None:
    funnel = compute_funnel(FunnelInput(stages(2, 1, 0), won=1))  # 4, 2, 1
    assert [s.reached for s in funnel.stages] == [4, 2, 1]
    assert funnel.bottleneck is None
    assert steps_from_furthest(MARKETING, [1, 1, 1, 0, 1]).bottleneck is None


def test_the_marketing_funnel_bottleneck_ignores_the_last_step() -> None:
    # The last step (purchase) has no next one, so no conversion to compare.
    steps = steps_from_furthest(["a", "b", "c"], [0, 5, 10])
    assert [s.conversion_to_next for s in steps.steps] == [Fraction(1), Fraction(2, 3), None]
    assert steps.bottleneck == "b"


# --- empty input, one stage ------------------------------------------------------------


def test_no_stages_at_all_gives_none_and_empty_money_without_dividing_by_zero() -> None:
    # Regression: this used to raise ValueError (zip strict) on zero stages.
    funnel = compute_funnel(FunnelInput([]))
    assert funnel.stages == []
    assert (funnel.won, funnel.lost, funnel.open) == (0, 0, 0)
    assert funnel.win_rate is None
    assert funnel.overall_conversion is None
    assert funnel.bottleneck is None
    assert funnel.avg_cycle_days is None
    for totals in (
        funnel.open_value,
        funnel.weighted_forecast,
        funnel.avg_won_value,
        funnel.sales_velocity_per_day,
    ):
        assert dict(totals) == {}
        assert totals.format() == "—"


def test_stages_without_deals_give_zeros_and_none_rates() -> None:
    funnel = compute_funnel(FunnelInput(stages(0, 0, 0)))
    for stage in funnel.stages:
        assert (stage.reached, stage.open, stage.drop_off) == (0, 0, 0)
        assert stage.conversion_to_next is None
        assert stage.avg_days_in_stage is None
        assert dict(stage.open_value) == {} and dict(stage.weighted_value) == {}
    assert funnel.overall_conversion is None
    assert funnel.win_rate is None
    assert funnel.bottleneck is None
    assert dict(funnel.sales_velocity_per_day) == {}


def test_empty_marketing_funnel() -> None:
    steps = steps_from_furthest(MARKETING, [0] * 5)
    assert [s.reached for s in steps.steps] == [0] * 5
    assert [s.conversion_to_next for s in steps.steps] == [None] * 5
    assert [s.drop_off for s in steps.steps] == [0] * 5
    assert steps.overall_conversion is None
    assert steps.bottleneck is None


def test_a_marketing_funnel_without_steps_is_empty_not_an_error() -> None:
    # Regression: this used to raise ValueError (zip strict) on zero steps.
    nothing = steps_from_furthest([], [])
    assert (nothing.steps, nothing.overall_conversion, nothing.bottleneck) == ([], None, None)


def test_only_closed_deals_lost() -> None:
    funnel = compute_funnel(FunnelInput(stages(3, 0), lost=3))
    assert funnel.win_rate == 0
    assert funnel.overall_conversion == 0
    assert dict(funnel.avg_won_value) == {}
    assert funnel.avg_cycle_days is None
    assert dict(funnel.sales_velocity_per_day) == {}


def test_one_stage_converts_straight_to_won() -> None:
    funnel = compute_funnel(
        FunnelInput(
            [StageInput("Only", 1, 3, {"USD": OpenDeals(2, 1000, 1000 * 30)})],
            won=2,
            lost=1,
            won_value={"USD": (500, 2)},
            cycle_seconds=4 * DAY,
        )
    )
    [only] = funnel.stages
    assert only.reached == 5
    assert only.conversion_to_next == Fraction(2, 5)  # won / reached[last]
    assert only.drop_off == 3
    assert funnel.overall_conversion == Fraction(2, 5)
    assert funnel.win_rate == Fraction(2, 3)
    assert funnel.bottleneck == "Only"
    assert funnel.open == 2
    assert funnel.weighted_forecast["USD"] == Money(300, "USD")
    assert funnel.avg_won_value["USD"] == Money(250, "USD")
    assert funnel.avg_cycle_days == 2.0
    # Two won deals are too few for velocity (issue 19: it needs 5).
    assert dict(funnel.sales_velocity_per_day) == {}
    assert funnel.sales_velocity_text() == "— (needs 5 won deals, has 2)"


# --- money -----------------------------------------------------------------------------


def test_money_is_kept_per_currency_and_never_mixed() -> None:
    funnel = compute_funnel(
        FunnelInput(
            [
                StageInput(
                    "A",
                    1,
                    2,
                    {
                        "USD": OpenDeals(1, 10_000, 10_000 * 10),
                        "EUR": OpenDeals(1, 5_000, 5_000 * 10),
                    },
                ),
                StageInput("B", 2, 1, {"USD": OpenDeals(1, 20_000, 20_000 * 50)}),
                StageInput("C", 3, 1, {"JPY": OpenDeals(1, 7, 7 * 50)}),
            ],
            won=6,
            lost=2,
            won_value={"USD": (60_000, 4), "ILS": (1_998, 2)},
            cycle_seconds=6 * 10 * DAY,
        )
    )
    a, b, c = funnel.stages
    assert a.open_value.as_json() == {"EUR": "50.00", "USD": "100.00"}
    assert a.weighted_value.as_json() == {"EUR": "5.00", "USD": "10.00"}
    assert b.open_value.as_json() == {"USD": "200.00"}
    assert c.open_value.as_json() == {"JPY": "7"}
    assert c.weighted_value.as_json() == {"JPY": "4"}  # 3.5 → 4
    assert funnel.open_value.as_json() == {"EUR": "50.00", "JPY": "7", "USD": "300.00"}
    assert funnel.weighted_forecast.as_json() == {"EUR": "5.00", "JPY": "4", "USD": "110.00"}
    assert funnel.avg_won_value.as_json() == {"ILS": "9.99", "USD": "150.00"}
    assert funnel.open == 4
    # Velocity per currency: open deals in it × win rate × its mean won value ÷ cycle.
    # USD: 2 × 3/4 × 15000 ÷ 10 = 2250; ILS: no open deal → 0; EUR, JPY: nothing won.
    assert funnel.sales_velocity_per_day.as_json() == {"ILS": "0.00", "USD": "22.50"}


def test_the_weighted_forecast_rounds_halves_up_once_on_the_total() -> None:
    # Two stages, each weighted 1.5 minor units: each stage shows 2, the total is
    # 3 (rounded once), not 2 + 2.
    funnel = compute_funnel(
        FunnelInput(
            [
                StageInput("A", 1, 1, {"USD": OpenDeals(1, 3, 3 * 50)}),
                StageInput("B", 2, 1, {"USD": OpenDeals(1, 3, 3 * 50)}),
            ]
        )
    )
    assert [s.weighted_value["USD"].minor for s in funnel.stages] == [2, 2]
    assert funnel.weighted_forecast["USD"].minor == 3


@pytest.mark.parametrize(
    ("x100", "minor"),
    [(0, 0), (49, 0), (50, 1), (149, 1), (150, 2), (250, 3), (350, 4), (251, 3), (1000, 10)],
)
def test_weighted_totals_round_halves_up(x100: int, minor: int) -> None:
    assert weighted_totals({"USD": x100})["USD"] == Money(minor, "USD")


@pytest.mark.parametrize(
    ("value", "rounded"),
    [
        (Fraction(0), 0),
        (Fraction(1, 2), 1),
        (Fraction(3, 2), 2),
        (Fraction(5, 2), 3),  # not banker's rounding (which gives 2)
        (Fraction(49, 100), 0),
        (Fraction(-5, 2), -3),
        (Fraction(10**18 + 1, 2), 5 * 10**17 + 1),  # exact, no float on the way
    ],
)
def test_round_half_up(value: Fraction, rounded: int) -> None:
    assert round_half_up(value) == rounded


def test_the_mean_won_value_rounds_halves_up() -> None:
    funnel = compute_funnel(FunnelInput(stages(0), won=2, won_value={"USD": (3, 2), "EUR": (5, 2)}))
    assert funnel.avg_won_value.as_json() == {"EUR": "0.03", "USD": "0.02"}


# --- velocity, cycle, days in stage ----------------------------------------------------


def test_sales_velocity_is_open_deals_times_win_rate_times_mean_won_value_over_cycle() -> None:
    funnel = compute_funnel(
        FunnelInput(
            [StageInput("A", 1, 5, {"USD": OpenDeals(4, 0, 0), "EUR": OpenDeals(2, 0, 0)})],
            won=8,
            lost=2,
            won_value={"USD": (600_000, 6), "EUR": (100_000, 2)},
            cycle_seconds=8 * 10 * DAY,  # mean 10 days
        )
    )
    assert funnel.win_rate == Fraction(4, 5)
    assert funnel.avg_cycle_days == 10.0
    # USD: 4 × 4/5 × 100000 ÷ 10 = 32000; EUR: 2 × 4/5 × 50000 ÷ 10 = 8000.
    assert funnel.sales_velocity_per_day.as_json() == {"EUR": "80.00", "USD": "320.00"}


def test_deals_won_in_no_time_count_a_one_day_cycle_for_velocity() -> None:
    funnel = compute_funnel(
        FunnelInput(
            [StageInput("A", 1, 1, {"USD": OpenDeals(1, 100, 0)})],
            won=5,
            won_value={"USD": (500, 5)},
            cycle_seconds=0.0,
        )
    )
    assert funnel.avg_cycle_days == 0.0
    # The floor (issue 19): 1 open × 1 × 100 ÷ 1 day.
    assert funnel.sales_velocity_per_day.as_json() == {"USD": "1.00"}


def test_cycle_and_days_in_stage_are_means_in_days_to_two_decimals() -> None:
    funnel = compute_funnel(
        FunnelInput(
            [
                StageInput("A", 1, 0, days_deals=2, days_seconds=3 * DAY),
                StageInput("B", 2, 0, days_deals=3, days_seconds=DAY),
                StageInput("C", 3, 0),
            ],
            won=3,
            won_value={"USD": (3, 3)},
            cycle_seconds=10 * DAY,
        )
    )
    assert [s.avg_days_in_stage for s in funnel.stages] == [1.5, 0.33, None]
    assert funnel.avg_cycle_days == 3.33
    assert [days_text(s.avg_days_in_stage) for s in funnel.stages] == ["1.5 d", "0.3 d", "—"]


# --- percentages for people -----------------------------------------------------------


@pytest.mark.parametrize(
    ("rate", "text"),
    [
        (None, "—"),
        (Fraction(0), "0.0 %"),
        (Fraction(1), "100.0 %"),
        (Fraction(1, 2), "50.0 %"),
        (Fraction(1, 3), "33.3 %"),
        (Fraction(2, 3), "66.7 %"),
        (Fraction(7, 12), "58.3 %"),
        (Fraction(1, 16), "6.3 %"),  # 6.25 → 6.3, halves up
        (Fraction(1, 2000), "0.1 %"),  # 0.05 → 0.1
        (Fraction(1, 2001), "0.0 %"),
        (Fraction(1, 100), "1.0 %"),
    ],
)
def test_percent_text(rate: Fraction | None, text: str) -> None:
    assert percent_text(rate) == text


def test_ratio_is_none_without_a_whole() -> None:
    assert ratio(0, 0) is None
    assert ratio(3, 0) is None
    assert ratio(0, 3) == 0
    assert ratio(2, 4) == Fraction(1, 2)


# --- properties ----------------------------------------------------------------------

CURRENCY = st.sampled_from(["USD", "EUR", "JPY"])


@st.composite
def open_deals(draw: st.DrawFn) -> OpenDeals:
    count = draw(st.integers(1, 5))
    values = draw(st.lists(st.integers(0, 10**9), min_size=count, max_size=count))
    probabilities = draw(st.lists(st.integers(0, 100), min_size=count, max_size=count))
    weighted = sum(v * p for v, p in zip(values, probabilities, strict=True))
    return OpenDeals(count, sum(values), weighted)


@st.composite
def funnel_inputs(draw: st.DrawFn) -> FunnelInput:
    stage_list = []
    for i in range(1, draw(st.integers(1, 6)) + 1):
        furthest = draw(st.integers(0, 30))
        waiting = draw(st.dictionaries(CURRENCY, open_deals(), max_size=3))
        stayed = draw(st.integers(0, 10))
        seconds = draw(st.floats(0, 10**8)) if stayed else 0.0
        stage_list.append(StageInput(f"S{i}", i, furthest, waiting, stayed, seconds))
    won = draw(st.integers(0, 30))
    won_value: dict[str, tuple[int, int]] = {}
    if won:
        split = draw(st.lists(CURRENCY, min_size=won, max_size=won))
        for currency in split:
            total, count = won_value.get(currency, (0, 0))
            won_value[currency] = (total + draw(st.integers(0, 10**9)), count + 1)
    return FunnelInput(
        stage_list,
        won=won,
        lost=draw(st.integers(0, 30)),
        won_value=won_value,
        cycle_seconds=draw(st.floats(0, 10**9)) if won else 0.0,
    )


@settings(max_examples=200, deadline=None)
@given(funnel_inputs())
def test_figures_hold_together_whatever_the_aggregates(data: FunnelInput) -> None:
    funnel = compute_funnel(data)
    reached = [s.reached for s in funnel.stages]
    assert reached == sorted(reached, reverse=True)  # never increases along the stages
    if reached:
        assert reached[-1] >= data.won
        assert sum(s.drop_off for s in funnel.stages) == reached[0] - data.won
    for stage in funnel.stages:
        assert stage.drop_off >= 0
        assert stage.conversion_to_next is None or 0 <= stage.conversion_to_next <= 1
        assert (stage.conversion_to_next is None) == (stage.reached == 0)
        for currency, weighted in stage.weighted_value.items():
            assert weighted <= stage.open_value[currency]
    for rate in (funnel.win_rate, funnel.overall_conversion):
        assert rate is None or 0 <= rate <= 1
    assert set(funnel.weighted_forecast) == set(funnel.open_value)
    for currency, weighted in funnel.weighted_forecast.items():
        assert weighted <= funnel.open_value[currency]
    assert funnel.open == sum(s.open for s in funnel.stages)
    if funnel.bottleneck is not None:
        candidates = [s for s in funnel.stages if s.reached >= 5]
        lowest = min(s.conversion_to_next for s in candidates if s.conversion_to_next is not None)
        first = next(s for s in candidates if s.conversion_to_next == lowest)
        assert funnel.bottleneck == first.name
    else:
        assert all(s.reached < 5 for s in funnel.stages)

    # Sales velocity, per currency, by its definition.
    expected = {}
    total_won = data.won
    if total_won >= 5:  # issue 19: withheld below 5 won deals, cycle floored at 1 day
        win_rate = Fraction(data.won, data.won + data.lost)
        cycle = max(Fraction(data.cycle_seconds) / total_won / DAY, Fraction(1))
        for currency, (value, count) in data.won_value.items():
            waiting = sum(s.open[currency].count for s in data.stages if currency in s.open)
            exact = waiting * win_rate * Fraction(value, count) / cycle
            expected[currency] = Money(int(exact + Fraction(1, 2)), currency)
    assert dict(funnel.sales_velocity_per_day) == expected
