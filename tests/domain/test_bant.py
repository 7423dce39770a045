"""BANT: which leads deserve the seller's time (DESIGN.md §1)."""

from __future__ import annotations

import itertools

import pytest

from pipetui.domain.bant import (
    BANT,
    Answer,
    Assessment,
    CriterionAnswer,
    Thresholds,
    Verdict,
    assess,
    check_thresholds,
    parse_answer,
)
from pipetui.domain.errors import ValidationError

CRITERIA = ("budget", "authority", "need", "timeline")
STATUSES = ("unknown", "no", "partial", "yes")


def oracle(statuses: dict[str, str]) -> tuple[int, str]:
    """DESIGN.md §1, read literally, plus the documented "not assessed" extension."""
    points = {"yes": 2, "partial": 1, "no": 0, "unknown": 0}
    score = sum(points[s] for s in statuses.values())
    if all(s == "unknown" for s in statuses.values()):
        return score, "not assessed"
    if statuses["budget"] == "no" or statuses["authority"] == "no":
        return score, "disqualified"
    if all(s in ("partial", "yes") for s in statuses.values()) and score >= 6:
        return score, "qualified"
    return score, "in progress"


def answers(**statuses: str) -> dict[str, CriterionAnswer]:
    return {key: CriterionAnswer(Answer(value)) for key, value in statuses.items()}


def verdict(**statuses: str) -> Assessment:
    return assess(answers(**statuses))


@pytest.mark.parametrize(
    "combo", list(itertools.product(STATUSES, repeat=4)), ids=lambda c: "-".join(c)
)
def test_every_combination_of_answers_matches_the_design(combo: tuple[str, ...]) -> None:
    statuses = dict(zip(CRITERIA, combo, strict=True))
    result = assess(answers(**statuses))
    assert (result.score, result.verdict.value) == oracle(statuses)
    assert result.max_score == 8
    assert 0 <= result.percent <= 100
    assert result.percent == result.score * 100 // 8


@pytest.mark.parametrize(
    ("budget", "authority", "need", "timeline", "expected"),
    [
        # Score 6 with every criterion at least partial: qualified.
        ("yes", "yes", "partial", "partial", Verdict.QUALIFIED),
        # Score 5, all at least partial: one point short.
        ("yes", "partial", "partial", "partial", Verdict.IN_PROGRESS),
        # Score 6 but Timeline unknown: not every criterion is met.
        ("yes", "yes", "yes", "unknown", Verdict.IN_PROGRESS),
        # Need "no" is a weakness, not a reason to drop the lead.
        ("yes", "yes", "no", "yes", Verdict.IN_PROGRESS),
        # One known "no" that does not disqualify: assessed, in progress.
        ("unknown", "unknown", "unknown", "no", Verdict.IN_PROGRESS),
    ],
)
def test_the_verdict_at_each_boundary(
    budget: str, authority: str, need: str, timeline: str, expected: Verdict
) -> None:
    result = verdict(budget=budget, authority=authority, need=need, timeline=timeline)
    assert result.verdict is expected


@pytest.mark.parametrize("lacking", ["budget", "authority"])
def test_no_budget_or_no_authority_drops_the_lead_even_when_the_rest_is_yes(lacking: str) -> None:
    statuses = dict.fromkeys(CRITERIA, "yes") | {lacking: "no"}
    result = assess(answers(**statuses))
    assert result.verdict is Verdict.DISQUALIFIED
    assert result.reason == f"{lacking.title()} is no"
    assert result.score == 6


def test_a_lead_nobody_has_asked_about_is_not_assessed() -> None:
    assert assess({}).verdict is Verdict.NOT_ASSESSED
    assert verdict(budget="unknown").verdict is Verdict.NOT_ASSESSED
    assert assess({}).percent == 0


def test_all_yes_is_qualified_at_100_percent() -> None:
    result = verdict(budget="yes", authority="yes", need="yes", timeline="yes")
    assert (result.verdict, result.score, result.percent) == (Verdict.QUALIFIED, 8, 100)


def test_in_progress_reasons_name_what_is_missing() -> None:
    assert verdict(budget="yes", authority="yes", need="yes").reason == ("Timeline is not yet met")
    assert verdict(budget="yes", authority="yes").reason == "Need, Timeline are not yet met"
    low = verdict(budget="partial", authority="partial", need="partial", timeline="partial")
    assert low.reason == "Score 4/8 is below 6"


def test_percent_rounds_down() -> None:
    assert verdict(budget="partial").percent == 12  # 1/8 = 12.5 %
    assert verdict(budget="yes", authority="partial", need="partial").percent == 50


def test_a_stricter_qualified_score_needs_every_yes() -> None:
    strict = Thresholds(qualified_score=8)
    almost = answers(budget="yes", authority="yes", need="yes", timeline="partial")
    assert assess(almost).verdict is Verdict.QUALIFIED
    assert assess(almost, strict).verdict is Verdict.IN_PROGRESS
    everything = answers(budget="yes", authority="yes", need="yes", timeline="yes")
    assert assess(everything, strict).verdict is Verdict.QUALIFIED


def test_disqualifying_criteria_are_a_setting() -> None:
    on_need = Thresholds(disqualify_on=("need",))
    no_need = answers(budget="yes", authority="yes", need="no", timeline="yes")
    no_budget = answers(budget="no", authority="yes", need="yes", timeline="yes")
    assert assess(no_need, on_need).verdict is Verdict.DISQUALIFIED
    assert assess(no_need, on_need).reason == "Need is no"
    assert assess(no_budget, on_need).verdict is Verdict.IN_PROGRESS
    assert assess(no_budget, Thresholds(disqualify_on=())).verdict is Verdict.IN_PROGRESS


def test_thresholds_from_the_config_file_are_checked() -> None:
    assert check_thresholds(8, ["need"]) == Thresholds(8, ("need",))
    assert check_thresholds(0, []) == Thresholds(0, ())


@pytest.mark.parametrize("bad", [-1, 9, "6", 6.0, True, None])
def test_a_bad_qualified_score_names_its_setting(bad: object) -> None:
    with pytest.raises(ValidationError) as caught:
        check_thresholds(bad, ["budget"])
    assert caught.value.field == "bant.qualified_score"


@pytest.mark.parametrize("bad", ["budget", ["money"], [1], None, ("budget",)])
def test_bad_disqualifying_criteria_name_their_setting(bad: object) -> None:
    with pytest.raises(ValidationError) as caught:
        check_thresholds(6, bad)
    assert caught.value.field == "bant.disqualify_on"


def test_answers_are_typed_in_any_case() -> None:
    assert parse_answer(" Partial ", field="need") is Answer.PARTIAL
    with pytest.raises(ValidationError) as caught:
        parse_answer("maybe", field="need")
    assert caught.value.field == "need"


def test_the_framework_lists_bant_in_order() -> None:
    assert [c.key for c in BANT.criteria] == list(CRITERIA)
    assert BANT.criterion("authority").label == "Authority"
    with pytest.raises(ValidationError):
        BANT.criterion("champion")
