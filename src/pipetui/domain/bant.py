"""BANT qualification: which leads deserve the seller's time (DESIGN.md §1).

The criteria are data (`BANT`), so another framework (MEDDIC, CHAMP) is another
`Framework` value, not another code path. Scoring: yes 2, partial 1, no/unknown 0.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from types import MappingProxyType
from typing import NamedTuple, TypedDict

from pipetui.domain.errors import ValidationError
from pipetui.domain.money import Money, check_money
from pipetui.domain.text import clean_text


class Answer(StrEnum):
    """How far one criterion is met."""

    UNKNOWN = "unknown"
    NO = "no"
    PARTIAL = "partial"
    YES = "yes"

    @property
    def points(self) -> int:
        """yes = 2, partial = 1, no or unknown = 0."""
        return _POINTS.get(self, 0)


class Detail(StrEnum):
    """The kind of detail a criterion records beside its answer."""

    AMOUNT = "amount"
    WHO = "who"
    NOTE = "note"
    DATE = "date"

    @property
    def attribute(self) -> str:
        """The `CriterionAnswer` field that holds this detail."""
        return "target_date" if self is Detail.DATE else self.value


_POINTS = {Answer.YES: 2, Answer.PARTIAL: 1}


class Verdict(StrEnum):
    """The outcome of qualification."""

    QUALIFIED = "qualified"
    IN_PROGRESS = "in progress"
    DISQUALIFIED = "disqualified"
    NOT_ASSESSED = "not assessed"


_DETAIL_LABELS = {
    Detail.AMOUNT: "Amount",
    Detail.WHO: "Who decides",
    Detail.NOTE: "Note",
    Detail.DATE: "Target date",
}


class Criterion(NamedTuple):
    """One question of a framework and the details it records; `labels` names a
    detail where the generic name ("Note") would not say what to write."""

    key: str
    label: str
    details: tuple[Detail, ...]
    labels: Mapping[Detail, str] = MappingProxyType({})

    def detail_label(self, detail: Detail) -> str:
        """What a form calls this detail: "The pain in their words"."""
        return self.labels.get(detail, _DETAIL_LABELS[detail])


class Framework(NamedTuple):
    """A qualification framework as data: its name and its criteria in order."""

    name: str
    criteria: tuple[Criterion, ...]

    def criterion(self, key: str) -> Criterion:
        """The criterion called `key`, else a clear error."""
        for criterion in self.criteria:
            if criterion.key == key:
                return criterion
        raise ValidationError("criterion", f"unknown criterion {key!r}")


BANT = Framework(
    "bant",
    (
        Criterion("budget", "Budget", (Detail.AMOUNT, Detail.NOTE)),
        Criterion("authority", "Authority", (Detail.WHO, Detail.NOTE)),
        Criterion("need", "Need", (Detail.NOTE,), {Detail.NOTE: "The pain in their words"}),
        Criterion("timeline", "Timeline", (Detail.DATE,)),
    ),
)


class Thresholds(NamedTuple):
    """The settings that turn a score into a verdict (config file `[bant]`)."""

    qualified_score: int = 6
    disqualify_on: tuple[str, ...] = ("budget", "authority")


DEFAULT_THRESHOLDS = Thresholds()
"""The thresholds of a fresh config file."""


class CriterionAnswer(NamedTuple):
    """The answer to one criterion with its details."""

    status: Answer = Answer.UNKNOWN
    amount: Money | None = None
    who: str | None = None
    note: str | None = None
    target_date: date | None = None


class AnswerPatch(TypedDict, total=False):
    """Some fields of one criterion's answer, to change (None clears a detail)."""

    status: Answer
    amount: Money | None
    who: str | None
    note: str | None
    target_date: date | None


class Assessment(NamedTuple):
    """Score and verdict of a set of answers, with the reason for the verdict."""

    score: int
    max_score: int
    verdict: Verdict
    reason: str
    answers: Mapping[str, CriterionAnswer] = MappingProxyType({})

    @property
    def percent(self) -> int:
        """The score as a whole percentage, 0–100 (rounded down)."""
        return self.score * 100 // self.max_score if self.max_score else 0


def parse_answer(text: str, *, field: str) -> Answer:
    """An answer typed as unknown/no/partial/yes, any case."""
    try:
        return Answer(text.strip().casefold())
    except ValueError as error:
        raise ValidationError(
            field, f"unknown status {text!r} (use unknown, no, partial or yes)"
        ) from error


def assess(
    answers: Mapping[str, CriterionAnswer],
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    framework: Framework = BANT,
) -> Assessment:
    """Score the answers and decide the verdict (DESIGN.md §1).

    Disqualified when a criterion in `disqualify_on` is "no"; qualified when every
    criterion is at least partial and the score reaches the threshold; otherwise
    in progress. With no answer given at all the deal is "not assessed".
    """
    max_score = 2 * len(framework.criteria)
    statuses = {c.key: answers.get(c.key, CriterionAnswer()).status for c in framework.criteria}
    score = sum(status.points for status in statuses.values())
    labels = {c.key: c.label for c in framework.criteria}
    if all(status is Answer.UNKNOWN for status in statuses.values()):
        return Assessment(score, max_score, Verdict.NOT_ASSESSED, "No answers yet", answers)
    for key in thresholds.disqualify_on:
        if statuses.get(key) is Answer.NO:
            return Assessment(
                score, max_score, Verdict.DISQUALIFIED, f"{labels[key]} is no", answers
            )
    weak = [labels[key] for key, status in statuses.items() if status.points == 0]
    if not weak and score >= thresholds.qualified_score:
        return Assessment(score, max_score, Verdict.QUALIFIED, "All criteria met", answers)
    if weak:
        reason = f"{', '.join(weak)} {'is' if len(weak) == 1 else 'are'} not yet met"
    else:
        reason = f"Score {score}/{max_score} is below {thresholds.qualified_score}"
    return Assessment(score, max_score, Verdict.IN_PROGRESS, reason, answers)


def check_thresholds(
    qualified_score: object, disqualify_on: object, framework: Framework = BANT
) -> Thresholds:
    """Validate thresholds read from the config file, naming the bad key."""
    max_score = 2 * len(framework.criteria)
    if (
        isinstance(qualified_score, bool)  # TOML `true` is not a score of 1
        or not isinstance(qualified_score, int)
        or not 0 <= qualified_score <= max_score
    ):
        raise ValidationError("bant.qualified_score", f"must be a whole number 0–{max_score}")
    keys = {c.key for c in framework.criteria}
    if not isinstance(disqualify_on, list) or not all(
        isinstance(k, str) and k in keys for k in disqualify_on
    ):
        raise ValidationError(
            "bant.disqualify_on", f"must be a list of criteria from {sorted(keys)}"
        )
    return Thresholds(qualified_score, tuple(disqualify_on))


def detail_field(criterion: str, detail: Detail) -> str:
    """How a detail is named in errors, CLI options and form fields: `budget-amount`."""
    return f"{criterion}-{detail.value}"


def check_answer(criterion: Criterion, answer: CriterionAnswer) -> CriterionAnswer:
    """An answer with its text cleaned, refusing details the criterion does not
    record (Need has no amount) and negative amounts; errors name the field."""
    for detail in Detail:
        if detail not in criterion.details and getattr(answer, detail.attribute) is not None:
            raise ValidationError(
                detail_field(criterion.key, detail),
                f"{criterion.label} has no {detail.value}",
            )
    if answer.amount is not None:
        name = detail_field(criterion.key, Detail.AMOUNT)
        try:
            check_money(answer.amount, field=name)
        except ValidationError as error:  # a bad currency too is this field's
            raise ValidationError(name, error.message) from error
    who = clean_text(answer.who, single_line=True) if answer.who else ""
    note = clean_text(answer.note) if answer.note else ""
    return answer._replace(who=who or None, note=note or None)


def disqualifying(
    answers: Mapping[str, CriterionAnswer],
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    framework: Framework = BANT,
) -> Criterion | None:
    """The criterion to name when the seller drops this lead: the first "no"
    among those that disqualify by the settings, else the first "no" at all;
    None when nothing is "no" (there is no reason to give yet)."""
    no = [
        c for c in framework.criteria if answers.get(c.key, CriterionAnswer()).status is Answer.NO
    ]
    first = [c for c in no if c.key in thresholds.disqualify_on]
    return next(iter(first or no), None)


def disqualified_reason(criterion: Criterion) -> str:
    """The lost reason a disqualified deal gets: "Disqualified: Budget"."""
    return f"Disqualified: {criterion.label}"
