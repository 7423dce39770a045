"""Pipelines and stages: the default "Sales" pipeline and the rules on a stage."""

from __future__ import annotations

import pytest

from pipetui.domain.errors import ValidationError
from pipetui.domain.pipeline import (
    DEFAULT_PIPELINE,
    DEFAULT_STAGES,
    Pipeline,
    Stage,
    check_probability,
    check_rotting_days,
    find_by_name,
)

STAGES = [
    Stage(1, 1, "Prospecting", 1, 5),
    Stage(2, 1, "Initial contact", 2, 25),
    Stage(3, 1, "Négociation", 3, 80),
]


def test_the_default_pipeline_is_the_designs() -> None:
    # DESIGN.md §1: position, stage, default win probability.
    assert DEFAULT_PIPELINE == "Sales"
    assert list(enumerate(DEFAULT_STAGES, start=1)) == [
        (1, ("Prospecting", 5)),
        (2, ("Qualification", 15)),
        (3, ("Initial contact", 25)),
        (4, ("Needs assessment", 40)),
        (5, ("Proposal", 60)),
        (6, ("Negotiation", 80)),
    ]


@pytest.mark.parametrize("typed", ["initial contact", "INITIAL CONTACT", "  Initial Contact "])
def test_a_stage_is_found_by_name_in_any_case(typed: str) -> None:
    assert find_by_name(STAGES, typed, field="stage").id == 2


def test_names_in_other_scripts_are_found_case_insensitively() -> None:
    assert find_by_name(STAGES, "NÉGOCIATION", field="stage").id == 3


def test_an_unknown_stage_is_refused_listing_the_known_ones() -> None:
    with pytest.raises(ValidationError) as caught:
        find_by_name(STAGES, "Proposal", field="stage")
    assert caught.value.field == "stage"
    assert "Prospecting, Initial contact" in caught.value.message


def test_pipelines_are_found_the_same_way() -> None:
    pipelines = [Pipeline(1, "Sales"), Pipeline(2, "Consulting")]
    assert find_by_name(pipelines, "consulting", field="pipeline") == Pipeline(2, "Consulting")
    with pytest.raises(ValidationError, match="none"):
        find_by_name([], "Sales", field="pipeline")


@pytest.mark.parametrize("value", [0, 1, 50, 100])
def test_a_probability_is_0_to_100(value: int) -> None:
    assert check_probability(value) == value


@pytest.mark.parametrize("value", [-1, 101, 1000])
def test_a_probability_out_of_range_is_refused(value: int) -> None:
    with pytest.raises(ValidationError) as caught:
        check_probability(value, field="stage.probability")
    assert caught.value.field == "stage.probability"


@pytest.mark.parametrize("value", [None, 1, 14, 365])
def test_a_rotting_limit_is_a_positive_number_of_days_or_never(value: int | None) -> None:
    assert check_rotting_days(value) == value


@pytest.mark.parametrize("value", [0, -1])
def test_a_rotting_limit_below_one_day_is_refused(value: int) -> None:
    with pytest.raises(ValidationError) as caught:
        check_rotting_days(value)
    assert caught.value.field == "rotting_days"
