"""Queries and writes for touchpoints and the user's own touchpoint kinds."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection, Row

from pipetui.domain.journey import Direction, JourneyStage, Touchpoint
from pipetui.store.actor import actor
from pipetui.store.recorder import note_created
from pipetui.store.tables import TOUCHPOINT, TOUCHPOINT_KIND


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
