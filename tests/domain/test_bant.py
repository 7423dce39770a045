"""BANT: which leads deserve the seller's time (DESIGN.md §1)."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from pipetui.domain.bant import (
    BANT,
    Answer,
    Assessment,
    CriterionAnswer,
    Detail,
    Thresholds,
    Verdict,
    assess,
    check_answer,
    check_thresholds,
    detail_field,
    disqualified_reason,
    disqualifying,
    parse_answer,
)
from pipetui.domain.bant_history import AnswerChange, answer_changes
from pipetui.domain.errors import ValidationError
from pipetui.domain.money import Money

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


# --- Checking one answer before it is saved -------------------------------------

HEBREW = "שלום, דוד כהן"
ARABIC = "مرحبا، أحمد"


def test_a_detail_is_named_like_a_form_field() -> None:
    assert detail_field("budget", Detail.AMOUNT) == "budget-amount"
    assert detail_field("timeline", Detail.DATE) == "timeline-date"


def test_answer_text_loses_control_characters_and_bidi_overrides_but_keeps_every_script() -> None:
    typed = CriterionAnswer(
        Answer.PARTIAL,
        who=f"\u202e{HEBREW}\x1b[31m\n{ARABIC}\u2066",
        note=f"  {ARABIC}\x07\nline two \u202d{HEBREW}\x9b  ",
    )
    checked = check_answer(BANT.criterion("authority"), typed)
    # "who" is one line; the note keeps its line break.
    assert checked.who == f"{HEBREW}[31m {ARABIC}"
    assert checked.note == f"{ARABIC}\nline two {HEBREW}"
    assert checked.status is Answer.PARTIAL


def test_hebrew_and_arabic_answers_pass_through_exactly() -> None:
    typed = CriterionAnswer(Answer.YES, who=HEBREW, note=ARABIC)
    assert check_answer(BANT.criterion("authority"), typed) == typed


def test_text_that_is_only_control_characters_clears_the_detail() -> None:
    typed = CriterionAnswer(Answer.YES, who="\u202e\x1b ", note="\u2066\n")
    checked = check_answer(BANT.criterion("authority"), typed)
    assert (checked.who, checked.note) == (None, None)


@pytest.mark.parametrize(
    ("criterion", "answer", "field"),
    [
        ("need", CriterionAnswer(Answer.YES, amount=Money(100, "USD")), "need-amount"),
        ("need", CriterionAnswer(Answer.YES, who="Dana"), "need-who"),
        ("need", CriterionAnswer(Answer.YES, target_date=date(2027, 1, 1)), "need-date"),
        ("timeline", CriterionAnswer(Answer.YES, note="soon"), "timeline-note"),
        ("budget", CriterionAnswer(Answer.YES, who="CFO"), "budget-who"),
        ("authority", CriterionAnswer(Answer.YES, amount=Money(1, "EUR")), "authority-amount"),
    ],
)
def test_a_detail_the_criterion_does_not_record_is_refused_by_name(
    criterion: str, answer: CriterionAnswer, field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        check_answer(BANT.criterion(criterion), answer)
    assert caught.value.field == field


def test_a_negative_budget_is_refused_naming_the_budget_amount() -> None:
    with pytest.raises(ValidationError) as caught:
        check_answer(BANT.criterion("budget"), CriterionAnswer(Answer.YES, amount=Money(-1, "ILS")))
    assert caught.value.field == "budget-amount"


def test_a_budget_amount_and_a_target_date_are_kept_as_given() -> None:
    budget = CriterionAnswer(Answer.YES, amount=Money(1_200_000, "ILS"), note="approved")
    timeline = CriterionAnswer(Answer.PARTIAL, target_date=date(2027, 3, 31))
    assert check_answer(BANT.criterion("budget"), budget) == budget
    assert check_answer(BANT.criterion("timeline"), timeline) == timeline


# --- What changed between two sets of answers ------------------------------------


def test_only_the_criteria_that_changed_are_listed_in_the_frameworks_order() -> None:
    before = answers(budget="partial", authority="yes", need="no")
    after = {
        "timeline": CriterionAnswer(Answer.YES),
        "need": CriterionAnswer(Answer.NO),  # same as before
        "budget": CriterionAnswer(Answer.YES),
    }
    changes = answer_changes(before, after)
    assert [(c.criterion, c.before, c.after) for c in changes] == [
        ("budget", Answer.PARTIAL, Answer.YES),
        ("timeline", Answer.UNKNOWN, Answer.YES),
    ]
    assert all(c.details is None for c in changes)


def test_nothing_changed_lists_nothing() -> None:
    same = answers(budget="yes", need="partial")
    assert answer_changes(same, dict(same)) == []
    assert answer_changes(same, {}) == []  # a criterion left out keeps its answer
    assert answer_changes({}, {"need": CriterionAnswer()}) == []  # unknown is the default


def test_changed_details_are_described_in_words() -> None:
    before: dict[str, CriterionAnswer] = {}
    after = {
        "budget": CriterionAnswer(Answer.YES, amount=Money(1_200_000, "ILS"), note="approved"),
        "authority": CriterionAnswer(Answer.PARTIAL, who=HEBREW),
        "timeline": CriterionAnswer(Answer.YES, target_date=date(2027, 1, 31)),
    }
    details = {c.criterion: c.details for c in answer_changes(before, after)}
    assert Money(1_200_000, "ILS").format() == "₪12,000.00"
    assert details == {
        "budget": "amount ₪12,000.00; note changed",
        "authority": f"who decides: {HEBREW}",
        "timeline": "target date 2027-01-31",
    }


def test_cleared_details_are_described_as_cleared() -> None:
    before = {
        "budget": CriterionAnswer(Answer.YES, amount=Money(500, "CHF"), note="n"),
        "authority": CriterionAnswer(Answer.YES, who="Dana"),
        "timeline": CriterionAnswer(Answer.YES, target_date=date(2027, 1, 31)),
    }
    after = {
        "budget": CriterionAnswer(Answer.YES),
        "authority": CriterionAnswer(Answer.YES),
        "timeline": CriterionAnswer(Answer.YES),
    }
    changes = answer_changes(before, after)
    assert [(c.criterion, c.details) for c in changes] == [
        ("budget", "amount cleared; note cleared"),
        ("authority", "who decides cleared"),
        ("timeline", "target date cleared"),
    ]
    assert all(c.before is c.after is Answer.YES for c in changes)


def test_a_budget_in_a_currency_without_a_symbol_names_its_code() -> None:
    after = {"budget": CriterionAnswer(Answer.YES, amount=Money(1_200_000, "CHF"))}
    assert answer_changes({}, after)[0].details == "amount CHF 12,000.00"


def test_a_change_describes_its_status_move() -> None:
    change = AnswerChange("budget", Answer.PARTIAL, Answer.YES)
    assert change.describe() == "Budget: partial → yes"


def test_a_change_of_details_only_describes_the_details() -> None:
    change = AnswerChange("budget", Answer.YES, Answer.YES, "amount ₪12,000.00")
    assert change.describe() == "Budget: amount ₪12,000.00"


def test_a_change_of_both_puts_the_details_after_the_status() -> None:
    change = AnswerChange("authority", Answer.UNKNOWN, Answer.PARTIAL, f"who decides: {HEBREW}")
    assert change.describe() == f"Authority: unknown → partial (who decides: {HEBREW})"


def test_describing_a_change_found_by_answer_changes_reads_naturally() -> None:
    before = {"budget": CriterionAnswer(Answer.PARTIAL)}
    after = {"budget": CriterionAnswer(Answer.YES, amount=Money(1_200_000, "ILS"))}
    [change] = answer_changes(before, after)
    assert change.describe() == "Budget: partial → yes (amount ₪12,000.00)"


# --- Which criterion drops the lead ----------------------------------------------


def test_nothing_answered_no_gives_no_reason_to_disqualify() -> None:
    assert disqualifying({}) is None
    assert disqualifying(answers(budget="partial", authority="unknown", need="yes")) is None


def test_a_disqualifying_no_is_named_before_any_other_no() -> None:
    found = disqualifying(answers(need="no", authority="no", timeline="no"))
    assert found is not None and found.key == "authority"


def test_among_disqualifying_noes_the_framework_order_wins() -> None:
    both = answers(budget="no", authority="no")
    reversed_setting = Thresholds(disqualify_on=("authority", "budget"))
    found = disqualifying(both, reversed_setting)
    assert found is not None and found.key == "budget"


def test_without_a_disqualifying_no_the_first_no_at_all_is_named() -> None:
    found = disqualifying(answers(budget="yes", timeline="no", need="no"))
    assert found is not None and found.key == "need"


def test_disqualifying_respects_custom_thresholds() -> None:
    statuses = answers(budget="no", need="no")
    on_need = disqualifying(statuses, Thresholds(disqualify_on=("need",)))
    assert on_need is not None and on_need.key == "need"
    on_nothing = disqualifying(statuses, Thresholds(disqualify_on=()))
    assert on_nothing is not None and on_nothing.key == "budget"


def test_the_lost_reason_names_the_criterion_by_its_label() -> None:
    assert disqualified_reason(BANT.criterion("budget")) == "Disqualified: Budget"
    assert disqualified_reason(BANT.criterion("need")) == "Disqualified: Need"
