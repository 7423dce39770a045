"""The customer's journey: touchpoint kinds and the journey stage each implies."""

from __future__ import annotations

from collections.abc import Mapping
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
    **dict.fromkeys(("call", "meeting", "demo", "case_study_sent"), JourneyStage.CONSIDERATION),
    **dict.fromkeys(("quote_requested", "proposal_sent", "trial_started"), JourneyStage.INTENT),
    **dict.fromkeys(("purchase", "contract_signed"), JourneyStage.PURCHASE),
    **dict.fromkeys(
        ("onboarding", "support_request", "check_in", "survey"), JourneyStage.RETENTION
    ),
    **dict.fromkeys(("repeat_purchase", "renewal", "upsell"), JourneyStage.LOYALTY),
    **dict.fromkeys(("review", "referral_given", "testimonial"), JourneyStage.ADVOCACY),
}


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
