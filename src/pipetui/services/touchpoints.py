"""Logging touchpoints, which also moves a contact along their journey."""

from __future__ import annotations

from datetime import datetime

from pipetui.domain.errors import ValidationError
from pipetui.domain.journey import Direction, JourneyStage, Touchpoint, check_score, resolve_kind
from pipetui.domain.text import clean_text
from pipetui.services import clock
from pipetui.services.contacts import resolve_contact
from pipetui.store import contacts as contact_store
from pipetui.store import deals as deal_store
from pipetui.store import touchpoints as store
from pipetui.store.database import Database


def parse_direction(text: str | None) -> Direction | None:
    """in/out (also inbound/outbound), or None."""
    if text is None or not text.strip():
        return None
    wanted = text.strip().casefold()
    for direction in Direction:
        if wanted in (direction.value, f"{direction.value}bound"):
            return direction
    raise ValidationError("direction", f"use in or out, not {text!r}")


def log_touchpoint(
    db: Database,
    *,
    contact: str,
    kind: str,
    summary: str | None = None,
    channel: str | None = None,
    direction: Direction | None = None,
    at: datetime | None = None,
    deal_id: int | None = None,
    score: int | None = None,
) -> Touchpoint:
    """Record one interaction; the contact's journey stage follows their latest
    touchpoint unless it was set by hand."""
    check_score(score)
    with db.write() as conn:
        kind_id, stage = resolve_kind(kind, store.custom_kinds(conn))
        person = resolve_contact(conn, contact).contact
        if deal_id is not None:
            deal = deal_store.get_deal(conn, deal_id)
            if deal.contact_id not in (None, person.id):
                raise ValidationError("deal", f"deal {deal_id} belongs to another contact")
        touchpoint_id = store.insert_touchpoint(
            conn,
            contact_id=person.id,
            kind=kind_id,
            journey_stage=stage,
            at=at or clock.now(),
            channel=clean_text(channel, single_line=True) or None if channel else None,
            direction=direction,
            summary=clean_text(summary) or None if summary else None,
            deal_id=deal_id,
            score=score,
        )
        if not person.journey_stage_manual:
            contact_store.follow_latest_touchpoint(conn, person.id)
        return next(t for t in store.for_contact(conn, person.id) if t.id == touchpoint_id)


def own_kinds(db: Database) -> dict[str, JourneyStage]:
    """The kinds of touchpoint the user added, with their journey stages."""
    with db.read() as conn:
        return store.custom_kinds(conn)
