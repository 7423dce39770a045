"""The customer's journey: touchpoint kinds and the journey stage each implies."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from pipetui.domain.errors import ValidationError


class JourneyStage(StrEnum):
    """Stages of the customer's journey, before and after purchase, in order."""

    AWARENESS = "awareness"
    INTEREST = "interest"
    CONSIDERATION = "consideration"
    INTENT = "intent"
    PURCHASE = "purchase"
    RETENTION = "retention"
    LOYALTY = "loyalty"
    ADVOCACY = "advocacy"

    @property
    def rank(self) -> int:
        """Position in the journey, 0 for awareness."""
        return list(JourneyStage).index(self)


class Direction(StrEnum):
    """Who started the interaction."""

    INBOUND = "in"
    OUTBOUND = "out"


# The one table of built-in kinds (DESIGN.md §1). Users may add more in the store.
TOUCHPOINT_KINDS: Mapping[str, JourneyStage] = {
    **dict.fromkeys(("ad_seen", "referral_heard", "event_met"), JourneyStage.AWARENESS),
    **dict.fromkeys(("website_visit", "newsletter_signup", "enquiry"), JourneyStage.INTEREST),
    **dict.fromkeys(
        ("call", "meeting", "email", "message", "demo", "case_study_sent"),
        JourneyStage.CONSIDERATION,
    ),
    **dict.fromkeys(("quote_requested", "proposal_sent", "trial_started"), JourneyStage.INTENT),
    **dict.fromkeys(("purchase", "contract_signed"), JourneyStage.PURCHASE),
    **dict.fromkeys(
        ("onboarding", "support_request", "check_in", "survey"), JourneyStage.RETENTION
    ),
    **dict.fromkeys(("repeat_purchase", "renewal", "upsell"), JourneyStage.LOYALTY),
    **dict.fromkeys(("review", "referral_given", "testimonial"), JourneyStage.ADVOCACY),
}


WON_DEAL_CHANNEL = "pipeline"
"""The channel of the `purchase` touchpoint that winning a deal logs (linked to
the deal): the mark by which re-opening the deal, or undoing its win, finds the
touchpoint to take back. A purchase logged by hand is never taken back."""

KIND_MAX = 100
"""The longest kind identifier (the store's column)."""


def kind_id(text: str) -> str:
    """The stable identifier of a kind typed any way: "Quote requested" → quote_requested."""
    return "_".join(text.strip().casefold().replace("-", " ").replace("_", " ").split())


def kind_label(kind: str) -> str:
    """How the UI shows a kind: "quote_requested" → "quote requested"."""
    return kind.replace("_", " ")


def resolve_kind(
    text: str, extra: Mapping[str, JourneyStage] | None = None, *, field: str = "kind"
) -> tuple[str, JourneyStage]:
    """The kind identifier and its journey stage, from built-ins or the user's own kinds."""
    kind = kind_id(text)
    own = {kind_id(key): stage for key, stage in (extra or {}).items()}
    table = {**TOUCHPOINT_KINDS, **own}
    if kind not in table:
        raise ValidationError(field, f"unknown kind {text!r} (e.g. call, meeting, quote requested)")
    return kind, table[kind]


def check_new_kind(text: str, *, field: str = "kind") -> str:
    """A kind the user adds: letters, digits, spaces or underscores (any case,
    any script); returned as its identifier ("Webinar attended" → webinar_attended)."""
    kind = kind_id(text)
    if not kind:
        raise ValidationError(field, "name the kind (e.g. webinar)")
    if len(kind) > KIND_MAX:
        raise ValidationError(field, f"at most {KIND_MAX} characters")
    if not all(ch.isalnum() or ch == "_" for ch in kind):
        raise ValidationError(field, f"use letters, digits, spaces or underscores, not {text!r}")
    if kind in TOUCHPOINT_KINDS:
        raise ValidationError(field, f"{kind_label(kind)!r} is a built-in kind")
    return kind


def parse_stage(text: str, *, field: str = "stage") -> JourneyStage:
    """A journey stage typed any case ("Interest")."""
    wanted = text.strip().casefold()
    for stage in JourneyStage:
        if stage.value == wanted:
            return stage
    names = ", ".join(s.value for s in JourneyStage)
    raise ValidationError(field, f"unknown journey stage {text!r} (one of {names})")


def check_score(score: int | None, *, field: str = "score") -> int | None:
    """A touchpoint score (an NPS answer) is 0 to 10."""
    if score is not None and not 0 <= score <= 10:
        raise ValidationError(field, f"must be between 0 and 10, got {score}")
    return score


@dataclass(frozen=True, slots=True)
class Touchpoint:
    """One interaction on a contact's journey."""

    id: int
    contact_id: int
    kind: str
    journey_stage: JourneyStage
    at: datetime
    channel: str | None = None
    direction: Direction | None = None
    summary: str | None = None
    deal_id: int | None = None
    score: int | None = None
    by: str | None = None
    """Who logged it (None: not known)."""


def current_stage(
    touchpoints: list[Touchpoint], manual: JourneyStage | None = None
) -> JourneyStage | None:
    """A contact's stage: set by hand, else that of their latest touchpoint."""
    if manual is not None:
        return manual
    if not touchpoints:
        return None
    return max(touchpoints, key=lambda t: (t.at, t.id)).journey_stage


MARKETING_STAGES = (
    JourneyStage.AWARENESS,
    JourneyStage.INTEREST,
    JourneyStage.CONSIDERATION,
    JourneyStage.INTENT,
    JourneyStage.PURCHASE,
)
"""The marketing funnel's steps (DESIGN.md §2): up to the purchase."""

COUNTABLE_STAGES = MARKETING_STAGES[:-1]
"""Stages an anonymous count may be entered for: a purchase has a customer, who
is a contact (and anything after it too)."""


def _cumulative(furthest: Sequence[int]) -> list[int]:
    padded = [*furthest, *[0] * (len(MARKETING_STAGES) - len(furthest))]
    return [sum(padded[k:]) for k in range(len(MARKETING_STAGES))]


def _with_unnamed(reached: Sequence[int], counts: Mapping[JourneyStage, int]) -> list[int]:
    """`reached` plus the fewest unnamed people that make every count true:
    from the last stage back, as many as stage k still lacks reach exactly k
    (and so every stage before it: a sign-up was a visitor first)."""
    found, unnamed = list(reached), 0
    for k in reversed(range(len(MARKETING_STAGES))):
        unnamed += max(0, counts.get(MARKETING_STAGES[k], 0) - (reached[k] + unnamed))
        found[k] = reached[k] + unnamed
    return found


@dataclass(frozen=True, slots=True)
class SourceCounts:
    """The anonymous counts of one lead source (`funnel count`), with that
    source's named contacts by the furthest marketing stage they reached."""

    counts: Mapping[JourneyStage, int]
    named: Sequence[int] = ()


def marketing_reached(
    named: Sequence[int],
    by_source: Sequence[SourceCounts] = (),
    unattributed: Mapping[JourneyStage, int] | None = None,
) -> list[int]:
    """How many people reached each marketing stage, named or not (DESIGN.md §2).

    `named` holds every contact in the cohort by the furthest marketing stage
    they reached. An anonymous count (`funnel count`) is the total that reached
    a stage from its source, as a web-analytics tool measures it: the people
    who later left their name are among them. So the funnel adds the fewest
    unnamed people that make every count true, never count plus contacts: per
    source against that source's contacts; then a count without a source
    against everyone, as a total over all sources.
    """
    reached = _cumulative(named)
    for source in by_source:
        own = _cumulative(source.named)
        extra = [a - b for a, b in zip(_with_unnamed(own, source.counts), own, strict=True)]
        reached = [r + e for r, e in zip(reached, extra, strict=True)]
    return _with_unnamed(reached, unattributed or {})


def furthest_from_reached(reached: Sequence[int]) -> list[int]:
    """The counts by furthest stage that give `reached` (non-increasing)."""
    return [a - b for a, b in zip(reached, [*reached[1:], 0], strict=True)]
