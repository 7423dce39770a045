"""A contact's journey as it happened (DESIGN.md §1): the stage they are at and
the path that led there, NPS over their answers, long silences, and when a deal
starts to rot. Plain values, no database."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipetui.domain.board import RotState, rot_state
from pipetui.domain.journey import (
    JourneyStage,
    Touchpoint,
    current_stage,
    resolve_kind,
)
from pipetui.domain.timeline import (
    GAP_DAYS,
    Gap,
    Nps,
    gaps,
    is_due,
    journey_path,
    nps,
    nps_scores,
)

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)
AW, IN, CO, IT, PU, RE, LO, AD = (
    JourneyStage.AWARENESS,
    JourneyStage.INTEREST,
    JourneyStage.CONSIDERATION,
    JourneyStage.INTENT,
    JourneyStage.PURCHASE,
    JourneyStage.RETENTION,
    JourneyStage.LOYALTY,
    JourneyStage.ADVOCACY,
)


def touch(id: int, kind: str, at: datetime | float, score: int | None = None) -> Touchpoint:
    """Touchpoint `id` of contact 1; `at` is a moment or days after T0."""
    moment = at if isinstance(at, datetime) else T0 + timedelta(days=at)
    kind_id, stage = resolve_kind(kind)
    return Touchpoint(id, 1, kind_id, stage, moment, score=score)


# --- the stage a contact is at, and the path that led there -----------------------


def test_the_latest_touchpoint_sets_the_stage_whatever_the_input_order() -> None:
    journey = [
        touch(3, "quote requested", 20),
        touch(1, "ad seen", 0),
        touch(4, "check in", 40),
        touch(2, "website visit", 7),
    ]
    assert current_stage(journey) is RE
    assert current_stage(list(reversed(journey))) is RE
    assert journey_path(journey) == [AW, IN, IT, RE]


def test_a_non_linear_journey_stays_non_linear() -> None:
    # Interested, then back to considering, back to interest, then a quote.
    journey = [
        touch(1, "ad seen", 0),
        touch(2, "enquiry", 1),
        touch(3, "demo", 2),
        touch(4, "newsletter signup", 3),
        touch(5, "quote requested", 4),
    ]
    assert journey_path(journey) == [AW, IN, CO, IN, IT]
    assert current_stage(journey) is IT


def test_the_path_may_skip_stages_and_go_back_after_buying() -> None:
    journey = [
        touch(1, "referral heard", 0),
        touch(2, "contract signed", 1),  # straight to purchase
        touch(3, "meeting", 30),  # re-evaluating
        touch(4, "renewal", 60),
    ]
    assert journey_path(journey) == [AW, PU, CO, LO]
    # The current stage is the latest, not the furthest reached.
    assert current_stage(journey[:3]) is CO


def test_repeats_of_one_stage_in_a_row_show_once_but_a_return_shows_again() -> None:
    journey = [
        touch(1, "call", 0),
        touch(2, "meeting", 1),
        touch(3, "demo", 2),
        touch(4, "onboarding", 3),
        touch(5, "case study sent", 4),
        touch(6, "call", 5),
    ]
    assert journey_path(journey) == [CO, RE, CO]


def test_touchpoints_at_one_moment_are_ordered_by_id_for_path_and_stage() -> None:
    same = [touch(9, "review", 0), touch(2, "call", 0), touch(5, "purchase", 0)]
    assert journey_path(same) == [CO, PU, AD]
    assert current_stage(same) is AD


def test_a_stage_set_by_hand_wins_over_the_latest_touchpoint() -> None:
    journey = [touch(1, "ad seen", 0), touch(2, "testimonial", 5)]
    assert current_stage(journey, manual=IN) is IN
    # The path is what happened, whatever the seller set by hand.
    assert journey_path(journey) == [AW, AD]


def test_no_touchpoints_no_path_and_no_stage() -> None:
    assert journey_path([]) == []
    assert current_stage([]) is None


@given(
    st.lists(
        st.tuples(st.integers(0, 400), st.sampled_from(["ad seen", "enquiry", "demo", "renewal"])),
        max_size=12,
    )
)
def test_the_path_ends_at_the_current_stage_and_never_repeats_in_a_row(
    items: list[tuple[int, str]],
) -> None:
    journey = [touch(i + 1, kind, days) for i, (days, kind) in enumerate(items)]
    path = journey_path(journey)
    assert all(a is not b for a, b in itertools.pairwise(path))
    assert (path[-1] if path else None) is current_stage(journey)
    assert set(path) == {t.journey_stage for t in journey}


# --- NPS --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "counted_as"),
    [
        (0, "detractor"),
        (5, "detractor"),
        (6, "detractor"),
        (7, "passive"),
        (8, "passive"),
        (9, "promoter"),
        (10, "promoter"),
    ],
)
def test_each_answer_counts_on_the_right_side_of_the_boundaries(
    score: int, counted_as: str
) -> None:
    counted = nps([score])
    assert (counted.promoters, counted.passives, counted.detractors) == (
        counted_as == "promoter",
        counted_as == "passive",
        counted_as == "detractor",
    )
    assert counted.answers == 1
    assert counted.score == {"promoter": 100, "passive": 0, "detractor": -100}[counted_as]


def test_the_designs_example_promoters_minus_detractors_over_all_answers() -> None:
    counted = nps([10, 9, 9, 7, 3])
    assert counted == Nps(promoters=3, passives=1, detractors=1)
    assert counted.score == 40
    assert counted.text() == "+40 (5 answers)"


def test_passives_count_in_the_denominator() -> None:
    # 1 promoter, 1 detractor, 2 passives: 0; 2 promoters, 2 passives: +50.
    assert nps([9, 6, 7, 8]).score == 0
    assert nps([9, 10, 7, 8]).score == 50
    assert nps([0, 0, 0, 8]).score == -75


def test_all_passives_give_zero() -> None:
    counted = nps([7, 8, 7, 8, 8])
    assert counted == Nps(0, 5, 0)
    assert counted.score == 0
    number, rest = counted.text().split(" ", 1)
    assert int(number) == 0
    assert rest == "(5 answers)"


def test_no_answers_no_score() -> None:
    counted = nps([])
    assert counted == Nps(0, 0, 0)
    assert counted.answers == 0
    assert counted.score is None
    assert counted.text() == "—"


def test_the_score_is_exact() -> None:
    assert nps([9, 9, 0]).score == Fraction(100, 3)
    assert nps([10, 0, 0]).score == Fraction(-100, 3)


@pytest.mark.parametrize(
    ("scores", "text"),
    [
        ([10], "+100 (1 answer)"),
        ([0], "-100 (1 answer)"),
        ([9, 7, 7, 7, 7, 7, 7, 7], "+13 (8 answers)"),  # +12.5 rounds away from zero
        ([3, 7, 7, 7, 7, 7, 7, 7], "-13 (8 answers)"),  # -12.5 too
        ([9, *[8] * 39], "+3 (40 answers)"),  # +2.5: not banker's rounding (+2)
        ([6, *[8] * 39], "-3 (40 answers)"),
        ([9, 9, 0], "+33 (3 answers)"),  # 33.33...
        ([9, 9, 8], "+67 (3 answers)"),  # 66.67...
        ([0, 0, 9], "-33 (3 answers)"),
        ([0, 0, 8], "-67 (3 answers)"),
    ],
)
def test_the_text_rounds_half_away_from_zero(scores: list[int], text: str) -> None:
    assert nps(scores).text() == text


@given(st.lists(st.integers(0, 10), min_size=1, max_size=60))
def test_nps_agrees_with_a_brute_force_count(scores: list[int]) -> None:
    promoters = len([s for s in scores if s in (9, 10)])
    detractors = len([s for s in scores if s <= 6])
    counted = nps(scores)
    assert counted.answers == len(scores)
    assert counted.score == Fraction(100 * (promoters - detractors), len(scores))
    assert -100 <= counted.score <= 100
    rounded = (Decimal(100 * (promoters - detractors)) / Decimal(len(scores))).quantize(
        Decimal(1), rounding=ROUND_HALF_UP
    )
    number = counted.text().split(" ")[0]
    assert int(number) == int(rounded)
    assert number.startswith(("+", "-")) or number == "0"


def test_every_touchpoint_score_is_an_answer_including_zero() -> None:
    journey = [
        touch(1, "survey", 0, score=10),
        touch(2, "call", 1),  # no score
        touch(3, "check in", 2, score=0),  # a zero is an answer, not "none"
        touch(4, "review", 3, score=7),  # any touchpoint may carry a score
    ]
    assert nps_scores(journey) == [10, 0, 7]
    assert nps(nps_scores(journey)) == Nps(1, 1, 1)
    assert nps_scores([touch(1, "call", 0)]) == []


# --- silences ---------------------------------------------------------------------


def test_exactly_thirty_days_is_not_a_gap_thirty_one_is() -> None:
    assert GAP_DAYS == 30
    assert gaps([T0, T0 + 30 * DAY]) == []
    assert gaps([T0, T0 + 30 * DAY + timedelta(hours=23, minutes=59)]) == []
    assert gaps([T0, T0 + 31 * DAY]) == [Gap(T0, T0 + 31 * DAY)]
    assert gaps([T0, T0 + 31 * DAY])[0].days == 31


def test_gaps_are_found_in_unsorted_moments_between_neighbours_only() -> None:
    moments = [T0 + 100 * DAY, T0, T0 + 10 * DAY, T0 + 50 * DAY, T0 + 52 * DAY]
    assert gaps(moments) == [
        Gap(T0 + 10 * DAY, T0 + 50 * DAY),
        Gap(T0 + 52 * DAY, T0 + 100 * DAY),
    ]
    assert [g.days for g in gaps(moments)] == [40, 48]


def test_gaps_with_another_limit_and_degenerate_inputs() -> None:
    assert gaps([T0, T0 + 8 * DAY], longer_than=7) == [Gap(T0, T0 + 8 * DAY)]
    assert gaps([T0, T0 + 7 * DAY], longer_than=7) == []
    assert gaps([]) == []
    assert gaps([T0]) == []
    assert gaps([T0, T0, T0]) == []
    assert gaps(iter([T0 + 40 * DAY, T0])) == [Gap(T0, T0 + 40 * DAY)]  # any iterable


def test_gaps_compare_moments_not_wall_clock_text() -> None:
    # 31 days later, written in another zone: still 31 days.
    east = T0.astimezone(timezone(timedelta(hours=14))) + 31 * DAY
    assert [g.days for g in gaps([east, T0])] == [31]
    west = T0.astimezone(timezone(timedelta(hours=-10))) + 30 * DAY
    assert gaps([west, T0]) == []


# --- rotting ----------------------------------------------------------------------

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def rot(limit: int | None, idle: timedelta, *, planned: bool = False) -> RotState:
    return rot_state(
        rotting_days=limit, last_activity=NOW - idle, has_future_followup=planned, now=NOW
    )


def test_a_stage_without_a_limit_never_rots() -> None:
    assert rot(None, 1000 * DAY) == RotState(False, None)


def test_idle_longer_than_the_limit_rots() -> None:
    assert rot(14, 15 * DAY) == RotState(True, None)
    assert rot(14, 400 * DAY) == RotState(True, None)


@pytest.mark.parametrize(
    ("idle", "rots_in"),
    [
        (timedelta(0), 14),
        (DAY, 13),
        (13 * DAY, 1),
        (14 * DAY, 0),  # on the limit: not yet
        (14 * DAY + timedelta(hours=23), 0),  # whole days only
    ],
)
def test_until_then_it_rots_in_n_days(idle: timedelta, rots_in: int) -> None:
    assert rot(14, idle) == RotState(False, rots_in)


def test_a_planned_follow_up_keeps_a_deal_fresh() -> None:
    assert rot(14, 15 * DAY, planned=True) == RotState(False, None)
    assert rot(14, 3 * DAY, planned=True) == RotState(False, None)


def test_without_a_planned_follow_up_the_same_deal_rots() -> None:
    # A past or done follow-up is not a plan: the caller passes False.
    assert rot(3, 4 * DAY, planned=False).rotting
    assert not rot(3, 4 * DAY, planned=True).rotting


def test_a_follow_up_is_due_today_or_overdue() -> None:
    today = NOW.date()
    assert is_due(today, today)
    assert is_due(today - DAY, today)
    assert not is_due(today + DAY, today)


def test_an_nps_of_zero_has_no_sign() -> None:
    assert nps([9, 0, 7]).text() == "0 (3 answers)"
