"""Logging a touchpoint (t) and planning a follow-up (o), from a card, a
contact or a timeline: small forms with the same parsers as the CLI.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial

from pipetui.domain.errors import ValidationError
from pipetui.domain.journey import (
    TOUCHPOINT_KINDS,
    Direction,
    JourneyStage,
    check_new_kind,
    check_score,
    kind_id,
    kind_label,
    parse_stage,
    resolve_kind,
)
from pipetui.domain.text import clean_text
from pipetui.domain.typed_dates import SHORT_FORMS
from pipetui.services import clock, inputs
from pipetui.ui.screens.prompt import PromptForm, Spec


@dataclass(frozen=True)
class TouchResult:
    """A checked touchpoint, ready for `log_touchpoint`."""

    kind: str
    channel: str | None
    direction: Direction | None
    at: datetime | None
    summary: str | None
    score: int | None
    new_kind: bool = False
    """The kind is none of the known ones: the user is asked for its journey
    stage (`new_kind_form`) and it is added with the touchpoint."""


def check_touch(
    values: dict[str, str], custom_kinds: Mapping[str, JourneyStage] | None = None
) -> TouchResult:
    """Kind is required (any spelling: "quote requested", built in or the
    user's own); the rest optional."""
    kind = values["kind"].strip()
    if not kind:
        raise ValidationError("kind", "what happened? e.g. call, meeting, proposal sent")
    try:
        resolve_kind(kind, custom_kinds)
        new_kind = False
    except ValidationError as unknown:
        try:  # a name that can be a kind is offered as a new one
            check_new_kind(kind)
        except ValidationError:
            raise unknown from None
        new_kind = True
    direction_text = values["direction"].strip().casefold()
    direction = None
    if direction_text:
        aliases = {"in": Direction.INBOUND, "inbound": Direction.INBOUND}
        aliases |= {"out": Direction.OUTBOUND, "outbound": Direction.OUTBOUND}
        if direction_text not in aliases:
            raise ValidationError("direction", "in or out")
        direction = aliases[direction_text]
    return TouchResult(
        kind=kind,
        channel=clean_text(values["channel"], single_line=True) or None,
        direction=direction,
        at=inputs.optional_datetime(values["at"], field="at"),
        summary=clean_text(values["summary"]) or None,
        score=check_score(inputs.whole_number(values["score"], field="score")),
        new_kind=new_kind,
    )


def check_new_kind_stage(values: dict[str, str]) -> JourneyStage:
    """The journey stage of a kind being added, typed any case."""
    if not values["stage"].strip():
        raise ValidationError("stage", "which journey stage does it mark? e.g. interest")
    return parse_stage(values["stage"])


def new_kind_form(kind: str) -> PromptForm[JourneyStage]:
    """Asked when a touchpoint names a kind nobody has yet: its journey stage
    adds it (as `touch-kind add`); escape logs nothing."""
    stages = tuple(stage.value for stage in JourneyStage)
    return PromptForm(
        f"New kind: {kind_label(kind_id(kind))}",
        [
            Spec(
                "stage",
                "Its journey stage (→ completes)",
                placeholder="interest",
                suggestions=stages,
            )
        ],
        check_new_kind_stage,
    )


def touch_form(
    who: str, custom_kinds: Mapping[str, JourneyStage] | None = None
) -> PromptForm[TouchResult]:
    """The "log a touchpoint" dialog for `who` (a contact, or a deal's contact)."""
    kinds = tuple(kind_label(k) for k in (*TOUCHPOINT_KINDS, *(custom_kinds or {})))
    return PromptForm(
        f"Log a touchpoint: {who}",
        [
            Spec("kind", "Kind (→ completes)", placeholder="call", suggestions=kinds),
            Spec("summary", "Summary", placeholder="what was said or done"),
            Spec("channel", "Channel (optional)", placeholder="phone, email, WhatsApp…"),
            Spec("direction", "Direction (optional)", placeholder="in or out"),
            Spec(
                "at",
                "When (empty: now)",
                placeholder="yesterday 14:30, -2d, 2026-11-20T10:00",
                date="datetime",
            ),
            Spec("score", "Score 0–10 (optional, e.g. NPS)"),
        ],
        partial(check_touch, custom_kinds=custom_kinds),
    )


@dataclass(frozen=True)
class FollowUpResult:
    """A checked follow-up, ready for `add_followup`."""

    title: str
    due: date


def check_followup(values: dict[str, str]) -> FollowUpResult:
    """A title and a due date are both required."""
    title = clean_text(values["title"], single_line=True)
    if not title:
        raise ValidationError("title", "say what the next step is")
    due = inputs.optional_date(values["due"], field="due")
    if due is None:
        raise ValidationError("due", f"when? {SHORT_FORMS}")
    return FollowUpResult(title, due)


def followup_form(about: str) -> PromptForm[FollowUpResult]:
    """The "next step" dialog (due tomorrow unless changed)."""
    tomorrow = clock.today() + timedelta(days=1)
    return PromptForm(
        f"Next step: {about}",
        [
            Spec("title", "What", placeholder="e.g. send the revised proposal"),
            Spec("due", "Due", tomorrow.isoformat(), "tomorrow, +3d, fri, YYYY-MM-DD", date="date"),
        ],
        check_followup,
    )
