"""The customer's journey: touchpoint kinds, their stages, and where a contact is."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pipetui.domain.errors import ValidationError
from pipetui.domain.journey import (
    TOUCHPOINT_KINDS,
    JourneyStage,
    Touchpoint,
    check_score,
    current_stage,
    kind_label,
    resolve_kind,
)

# DESIGN.md §1, copied by hand: journey stage -> touchpoint kinds; plus issue 19's
# everyday `email` and `message` (conversations, like `call`).
DESIGN_TABLE = {
    "awareness": "ad_seen referral_heard event_met",
    "interest": "website_visit newsletter_signup enquiry",
    "consideration": "call meeting demo case_study_sent email message",
    "intent": "quote_requested proposal_sent trial_started",
    "purchase": "purchase contract_signed",
    "retention": "onboarding support_request check_in survey",
    "loyalty": "repeat_purchase renewal upsell",
    "advocacy": "review referral_given testimonial",
}
KIND_TO_STAGE = {kind: stage for stage, kinds in DESIGN_TABLE.items() for kind in kinds.split()}
T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def touch(id: int, kind: str, days: int) -> Touchpoint:
    return Touchpoint(id, 1, kind, JourneyStage(KIND_TO_STAGE[kind]), T0 + timedelta(days=days))


def test_the_journey_has_the_designs_stages_in_order() -> None:
    assert [s.value for s in JourneyStage] == list(DESIGN_TABLE)
    assert JourneyStage.AWARENESS.rank == 0
    assert JourneyStage.ADVOCACY.rank == 7


def test_the_built_in_kinds_are_exactly_the_designs() -> None:
    assert {k: v.value for k, v in TOUCHPOINT_KINDS.items()} == KIND_TO_STAGE


@pytest.mark.parametrize(("kind", "stage"), sorted(KIND_TO_STAGE.items()))
def test_each_kind_maps_to_its_stage(kind: str, stage: str) -> None:
    assert resolve_kind(kind) == (kind, JourneyStage(stage))
    # The UI shows the kind with spaces, and that form is accepted back.
    assert resolve_kind(kind_label(kind).upper()) == (kind, JourneyStage(stage))


@pytest.mark.parametrize(
    "typed",
    [
        "Quote Requested",
        "quote requested",
        "QUOTE_REQUESTED",
        "  quote   requested ",
        "Quote-Requested",
    ],
)
def test_kinds_are_typed_any_way(typed: str) -> None:
    assert resolve_kind(typed) == ("quote_requested", JourneyStage.INTENT)


@pytest.mark.parametrize("typed", ["webinar", "", "   ", "quote", "quoterequested"])
def test_an_unknown_kind_is_refused(typed: str) -> None:
    with pytest.raises(ValidationError) as caught:
        resolve_kind(typed)
    assert caught.value.field == "kind"


def test_the_user_may_add_kinds() -> None:
    own = {"webinar_attended": JourneyStage.INTEREST, "Trade Fair": JourneyStage.AWARENESS}
    assert resolve_kind("Webinar attended", own) == ("webinar_attended", JourneyStage.INTEREST)
    assert resolve_kind("trade fair", own) == ("trade_fair", JourneyStage.AWARENESS)
    assert resolve_kind("demo", own) == ("demo", JourneyStage.CONSIDERATION)
    with pytest.raises(ValidationError):
        resolve_kind("webinar attended")  # not without the user's table


def test_the_latest_touchpoint_sets_the_stage() -> None:
    journey = [touch(1, "ad_seen", 0), touch(2, "demo", 5), touch(3, "website_visit", 2)]
    assert current_stage(journey) is JourneyStage.CONSIDERATION


def test_going_back_gives_the_latest_stage_not_the_furthest() -> None:
    # Bought, then re-evaluates: back to consideration.
    journey = [touch(1, "quote_requested", 0), touch(2, "purchase", 3), touch(3, "meeting", 9)]
    assert current_stage(journey) is JourneyStage.CONSIDERATION


def test_skipping_stages_is_allowed() -> None:
    journey = [touch(1, "ad_seen", 0), touch(2, "contract_signed", 1)]
    assert current_stage(journey) is JourneyStage.PURCHASE


def test_a_stage_set_by_hand_wins() -> None:
    journey = [touch(1, "renewal", 0)]
    assert current_stage(journey, JourneyStage.ADVOCACY) is JourneyStage.ADVOCACY
    assert current_stage([], JourneyStage.INTENT) is JourneyStage.INTENT


def test_no_touchpoints_no_stage() -> None:
    assert current_stage([]) is None


def test_touchpoints_at_the_same_moment_are_ordered_by_entry() -> None:
    same = [touch(7, "review", 0), touch(3, "call", 0)]
    assert current_stage(same) is JourneyStage.ADVOCACY


@pytest.mark.parametrize("score", [None, 0, 5, 10])
def test_an_nps_answer_is_0_to_10(score: int | None) -> None:
    assert check_score(score) == score


@pytest.mark.parametrize("score", [-1, 11, 100])
def test_an_nps_answer_out_of_range_is_refused(score: int) -> None:
    with pytest.raises(ValidationError) as caught:
        check_score(score, field="nps")
    assert caught.value.field == "nps"
