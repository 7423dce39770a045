"""Logging touchpoints, which also moves a contact along their journey."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pipetui.domain.errors import ValidationError
from pipetui.domain.journey import (
    TOUCHPOINT_KINDS,
    Direction,
    JourneyStage,
    Touchpoint,
    check_new_kind,
    check_score,
    kind_id,
    kind_label,
    parse_stage,
    resolve_kind,
)
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
    new_kind_stage: JourneyStage | None = None,
) -> Touchpoint:
    """Record one interaction; the contact's journey stage follows their latest
    touchpoint unless it was set by hand. With `new_kind_stage`, a kind nobody
    has yet is added at that stage first, in the same transaction (the TUI's
    "new kind" question)."""
    check_score(score)
    with db.write() as conn:
        own = store.custom_kinds(conn)
        if new_kind_stage is not None and kind_id(kind) not in {**TOUCHPOINT_KINDS, **own}:
            store.add_kind(conn, check_new_kind(kind), new_kind_stage)
            own = store.custom_kinds(conn)
        found_kind, stage = resolve_kind(kind, own)
        person = resolve_contact(conn, contact).contact
        if deal_id is not None:
            deal = deal_store.get_deal(conn, deal_id)
            if deal.contact_id not in (None, person.id):
                raise ValidationError("deal", f"deal {deal_id} belongs to another contact")
        touchpoint_id = store.insert_touchpoint(
            conn,
            contact_id=person.id,
            kind=found_kind,
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


@dataclass(frozen=True, slots=True)
class KindLine:
    """One kind of touchpoint as `touch-kind list` and the touchpoint form show it."""

    kind: str
    stage: JourneyStage
    built_in: bool
    uses: int


def list_kinds(db: Database) -> list[KindLine]:
    """Every kind, built-in ones first in journey order, then the user's own by
    name, each with how many touchpoints use it."""
    with db.read() as conn:
        own, uses = store.custom_kinds(conn), store.kind_uses(conn)
    built = [KindLine(k, s, True, uses.get(k, 0)) for k, s in TOUCHPOINT_KINDS.items()]
    built.sort(key=lambda line: line.stage.rank)
    mine = [KindLine(k, own[k], False, uses.get(k, 0)) for k in sorted(own)]
    return built + mine


def add_kind(db: Database, *, name: str, stage: str | JourneyStage) -> tuple[str, JourneyStage]:
    """Add one of the user's own kinds ("webinar" at interest); typed with spaces
    or underscores, any case. Adding it again with the same stage changes
    nothing; with another stage it is refused, because the touchpoints already
    logged keep the stage they were logged with."""
    kind = check_new_kind(name)
    chosen = stage if isinstance(stage, JourneyStage) else parse_stage(stage)
    with db.write() as conn:
        held = store.custom_kinds(conn).get(kind)
        if held is not None and held is not chosen:
            raise ValidationError(
                "kind", f"{kind_label(kind)!r} is already a kind at {held}; remove it first"
            )
        store.add_kind(conn, kind, chosen)
    return kind, chosen


def remove_kind(db: Database, *, name: str) -> str:
    """Remove one of the user's own kinds; refused while a touchpoint uses it
    (it names the touchpoint's kind) and for the built-in ones."""
    kind = kind_id(name)
    if kind in TOUCHPOINT_KINDS:
        raise ValidationError("kind", f"{kind_label(kind)!r} is built in")
    with db.write() as conn:
        if kind not in store.custom_kinds(conn):
            raise ValidationError("kind", f"no kind called {name!r}")
        used = store.kind_uses(conn).get(kind, 0)
        if used:
            raise ValidationError("kind", f"{kind_label(kind)!r} is used by {used} touchpoint(s)")
        store.remove_kind(conn, kind)
    return kind
