"""Queries and writes for touchpoints and the user's own touchpoint kinds."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    and_,
    delete,
    exists,
    func,
    insert,
    literal,
    literal_column,
    select,
    update,
)
from sqlalchemy.engine import Connection, Row

from pipetui.domain.deal_status import DealStatus
from pipetui.domain.journey import WON_DEAL_CHANNEL, Direction, JourneyStage, Touchpoint
from pipetui.store.actor import actor
from pipetui.store.recorder import note_created
from pipetui.store.tables import CONTACT, DEAL, TOUCHPOINT, TOUCHPOINT_KIND

_PURCHASE = JourneyStage.PURCHASE.value


def _touchpoint(row: Row[*tuple[Any, ...]]) -> Touchpoint:
    return Touchpoint(
        id=row.id,
        contact_id=row.contact_id,
        kind=row.kind,
        journey_stage=JourneyStage(row.journey_stage),
        at=row.at,
        channel=row.channel,
        direction=Direction(row.direction) if row.direction else None,
        summary=row.summary,
        deal_id=row.deal_id,
        score=row.score,
        by=row.by,
    )


def custom_kinds(conn: Connection) -> dict[str, JourneyStage]:
    """The kinds the user added, with their journey stages."""
    rows = conn.execute(select(TOUCHPOINT_KIND.c.kind, TOUCHPOINT_KIND.c.journey_stage))
    return {row.kind: JourneyStage(row.journey_stage) for row in rows}


def add_kind(conn: Connection, kind: str, stage: JourneyStage) -> bool:
    """Add (or re-map) one of the user's kinds; False when it was already so."""
    held = conn.execute(
        select(TOUCHPOINT_KIND.c.journey_stage).where(TOUCHPOINT_KIND.c.kind == kind)
    ).scalar()
    if held == stage.value:
        return False
    conn.execute(delete(TOUCHPOINT_KIND).where(TOUCHPOINT_KIND.c.kind == kind))
    conn.execute(insert(TOUCHPOINT_KIND).values(kind=kind, journey_stage=stage.value))
    return True


def remove_kind(conn: Connection, kind: str) -> None:
    """Remove one of the user's kinds (the caller checked it is unused)."""
    conn.execute(delete(TOUCHPOINT_KIND).where(TOUCHPOINT_KIND.c.kind == kind))


def kind_uses(conn: Connection) -> dict[str, int]:
    """How many touchpoints there are of each kind in use."""
    rows = conn.execute(select(TOUCHPOINT.c.kind, func.count()).group_by(TOUCHPOINT.c.kind))
    return {str(kind): int(n) for kind, n in rows}


def insert_touchpoint(
    conn: Connection,
    *,
    contact_id: int,
    kind: str,
    journey_stage: JourneyStage,
    at: datetime,
    channel: str | None = None,
    direction: Direction | None = None,
    summary: str | None = None,
    deal_id: int | None = None,
    score: int | None = None,
) -> int:
    """Insert one touchpoint, logged by the transaction's user (`actor`);
    return its id."""
    result = conn.execute(
        insert(TOUCHPOINT).values(
            contact_id=contact_id,
            kind=kind,
            journey_stage=journey_stage.value,
            at=at,
            channel=channel,
            direction=direction.value if direction else None,
            summary=summary,
            deal_id=deal_id,
            score=score,
            by=actor(conn),
        )
    )
    assert result.inserted_primary_key is not None
    row_id = int(result.inserted_primary_key[0])
    note_created("touchpoint", row_id)
    return row_id


def for_contact(conn: Connection, contact_id: int, *, limit: int | None = None) -> list[Touchpoint]:
    """A contact's touchpoints, newest first."""
    query = (
        select(TOUCHPOINT)
        .where(TOUCHPOINT.c.contact_id == contact_id)
        .order_by(TOUCHPOINT.c.at.desc(), TOUCHPOINT.c.id.desc())
    )
    if limit is not None:
        query = query.limit(limit)
    return [_touchpoint(row) for row in conn.execute(query)]


def for_deal(conn: Connection, deal_id: int) -> list[Touchpoint]:
    """A deal's touchpoints, newest first."""
    query = (
        select(TOUCHPOINT)
        .where(TOUCHPOINT.c.deal_id == deal_id)
        .order_by(TOUCHPOINT.c.at.desc(), TOUCHPOINT.c.id.desc())
    )
    return [_touchpoint(row) for row in conn.execute(query)]


def latest(conn: Connection, contact_id: int) -> Touchpoint | None:
    """A contact's latest touchpoint."""
    found = for_contact(conn, contact_id, limit=1)
    return found[0] if found else None


def won_purchase(deal_id: Any) -> Any:
    """The purchase touchpoints that winning deal `deal_id` logged."""
    # (constants inlined: undo's snapshot sends this query with only `deal` bound)
    return and_(
        TOUCHPOINT.c.deal_id == deal_id,
        TOUCHPOINT.c.kind == literal_column(f"'{_PURCHASE}'"),
        TOUCHPOINT.c.channel == literal_column(f"'{WON_DEAL_CHANNEL}'"),
    )


def won_purchase_rows(conn: Connection, deal_id: int) -> list[dict[str, Any]]:
    """The whole rows of the purchase touchpoints winning the deal logged (for undo)."""
    query = select(TOUCHPOINT).where(won_purchase(deal_id)).order_by(TOUCHPOINT.c.id)
    return [dict(row._mapping) for row in conn.execute(query)]


def drop_won_purchases(conn: Connection, deal_id: int, *, keep: int | None = None) -> set[int]:
    """Remove the purchase touchpoints the deal's win logged (the deal is being
    deleted, or an import brings its own), but touchpoint `keep`; return
    their contacts."""
    which = (
        won_purchase(deal_id) if keep is None else won_purchase(deal_id) & (TOUCHPOINT.c.id != keep)
    )
    found = conn.execute(select(TOUCHPOINT.c.contact_id).where(which))
    contacts = {int(c) for c in found.scalars()}
    if contacts:
        conn.execute(delete(TOUCHPOINT).where(which))
    return contacts


def take_won_purchase(
    conn: Connection, touchpoint_id: int, deal_id: int, values: dict[str, Any]
) -> None:
    """Give the purchase a win logged for `deal_id` with this id an imported
    file's own values for it (its summary, time and who made the sale: the
    import that logged it knew only the deal as it is now, perhaps renamed
    since). Any other touchpoint with that id is left alone."""
    conn.execute(
        update(TOUCHPOINT)
        .where(TOUCHPOINT.c.id == touchpoint_id, won_purchase(TOUCHPOINT.c.deal_id))
        .where(TOUCHPOINT.c.deal_id == deal_id)
        .values(**values)
    )


def sync_purchases(conn: Connection, deal_ids: Sequence[int] | None = None) -> set[int]:
    """Make a won deal a purchase on its contact's journey (DESIGN.md §1).

    For the deals `deal_ids` (None: every deal): a won deal with a contact gets
    a `purchase` touchpoint linked to it, at its closing time, unless one is
    linked to it already (logged by hand, or by an earlier win or import); a
    purchase that a win logged (`WON_DEAL_CHANNEL`) goes when its deal is no
    longer won, or no longer that contact's. Idempotent. Returns the contacts
    whose touchpoints changed: the caller lets them follow their latest one.
    """

    def scoped(column: Any) -> list[Any]:
        return [] if deal_ids is None else [column.in_(list(deal_ids))]

    if deal_ids is not None and not deal_ids:
        return set()
    still_won = exists().where(
        DEAL.c.id == TOUCHPOINT.c.deal_id,
        DEAL.c.status == DealStatus.WON.value,
        DEAL.c.contact_id == TOUCHPOINT.c.contact_id,
    )
    stale = and_(won_purchase(TOUCHPOINT.c.deal_id), ~still_won, *scoped(TOUCHPOINT.c.deal_id))
    stale_rows = conn.execute(select(TOUCHPOINT.c.id, TOUCHPOINT.c.contact_id).where(stale)).all()
    touched = {int(contact_id) for _id, contact_id in stale_rows}
    if stale_rows:
        conn.execute(delete(TOUCHPOINT).where(TOUCHPOINT.c.id.in_([r[0] for r in stale_rows])))
    has_purchase = exists().where(
        TOUCHPOINT.c.deal_id == DEAL.c.id, TOUCHPOINT.c.journey_stage == _PURCHASE
    )
    missing = select(
        DEAL.c.contact_id,
        DEAL.c.id,
        literal(_PURCHASE),
        literal(_PURCHASE),
        literal(WON_DEAL_CHANNEL),
        func.coalesce(DEAL.c.closed_at, DEAL.c.updated_at),
        DEAL.c.title,
        literal(actor(conn)),
    ).where(
        DEAL.c.status == DealStatus.WON.value,
        DEAL.c.contact_id.is_not(None),
        ~has_purchase,
        *scoped(DEAL.c.id),
    )
    adding = {int(row[0]) for row in conn.execute(missing)}
    if adding:
        columns = ["contact_id", "deal_id", "kind", "journey_stage", "channel", "at", "summary"]
        conn.execute(insert(TOUCHPOINT).from_select([*columns, "by"], missing))
    return touched | adding


def follow_latest(conn: Connection, contact_ids: Sequence[int] | set[int]) -> None:
    """Contacts whose stage was not set by hand take their latest touchpoint's."""
    latest = (
        select(TOUCHPOINT.c.journey_stage)
        .where(TOUCHPOINT.c.contact_id == CONTACT.c.id)
        .order_by(TOUCHPOINT.c.at.desc(), TOUCHPOINT.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    ids = sorted(contact_ids)
    for start in range(0, len(ids), 500):
        conn.execute(
            CONTACT.update()
            .where(
                CONTACT.c.id.in_(ids[start : start + 500]),
                CONTACT.c.journey_stage_manual.is_(False),
            )
            .values(journey_stage=latest, version=CONTACT.c.version + 1)
        )
