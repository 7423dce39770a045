"""Queries and writes for follow-ups."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.engine import Connection, Row

from pipetui.domain.errors import NotFoundError
from pipetui.domain.followup import FollowUp
from pipetui.store.recorder import note_created
from pipetui.store.tables import CONTACT, DEAL, FOLLOWUP


def _followup(row: Row[*tuple[Any, ...]]) -> FollowUp:
    return FollowUp(
        id=row.id,
        title=row.title,
        due=row.due,
        created_at=row.created_at,
        deal_id=row.deal_id,
        contact_id=row.contact_id,
        done_at=row.done_at,
    )


def insert_followup(
    conn: Connection,
    *,
    title: str,
    due: date,
    now: datetime,
    deal_id: int | None = None,
    contact_id: int | None = None,
) -> int:
    """Insert a follow-up; return its id."""
    result = conn.execute(
        insert(FOLLOWUP).values(
            title=title, due=due, created_at=now, deal_id=deal_id, contact_id=contact_id
        )
    )
    assert result.inserted_primary_key is not None
    row_id = int(result.inserted_primary_key[0])
    note_created("followup", row_id)
    return row_id


def get_followup(conn: Connection, followup_id: int) -> FollowUp:
    """The follow-up with this id, else NotFoundError."""
    row = conn.execute(select(FOLLOWUP).where(FOLLOWUP.c.id == followup_id)).first()
    if row is None:
        raise NotFoundError("followup", f"no follow-up with id {followup_id}")
    return _followup(row)


def mark_done(conn: Connection, *, followup_id: int, now: datetime | None) -> None:
    """Mark a follow-up done (or not done again with `now=None`)."""
    conn.execute(update(FOLLOWUP).where(FOLLOWUP.c.id == followup_id).values(done_at=now))


def list_followups(
    conn: Connection,
    *,
    include_done: bool = False,
    deal_id: int | None = None,
    contact_id: int | None = None,
) -> list[FollowUp]:
    """Follow-ups by due date, open ones only unless `include_done`.

    A contact's follow-ups are their own and those on their deals: a next step
    on a deal is one with the deal's contact too."""
    query = select(FOLLOWUP)
    if not include_done:
        query = query.where(FOLLOWUP.c.done_at.is_(None))
    if deal_id is not None:
        query = query.where(FOLLOWUP.c.deal_id == deal_id)
    if contact_id is not None:
        their_deals = select(DEAL.c.id).where(DEAL.c.contact_id == contact_id)
        query = query.where(
            or_(FOLLOWUP.c.contact_id == contact_id, FOLLOWUP.c.deal_id.in_(their_deals))
        )
    query = query.order_by(FOLLOWUP.c.due, FOLLOWUP.c.id)
    return [_followup(row) for row in conn.execute(query)]


@dataclass(frozen=True, slots=True)
class FollowUpLine:
    """A follow-up as a list shows it: with the person it is with, its own
    contact or, on a deal, the deal's contact."""

    followup: FollowUp
    contact_id: int | None
    contact_name: str | None
    deal_title: str | None


def followup_lines(conn: Connection, *, include_done: bool = False) -> list[FollowUpLine]:
    """Follow-ups by due date (open ones unless `include_done`), each with whom
    it is with and its deal's title."""
    deal_contact = CONTACT.alias("deal_contact")
    query = (
        select(
            FOLLOWUP,
            func.coalesce(FOLLOWUP.c.contact_id, DEAL.c.contact_id).label("with_id"),
            func.coalesce(CONTACT.c.name, deal_contact.c.name).label("with_name"),
            DEAL.c.title.label("deal_title"),
        )
        .select_from(FOLLOWUP)
        .outerjoin(DEAL, DEAL.c.id == FOLLOWUP.c.deal_id)
        .outerjoin(CONTACT, CONTACT.c.id == FOLLOWUP.c.contact_id)
        .outerjoin(deal_contact, deal_contact.c.id == DEAL.c.contact_id)
        .order_by(FOLLOWUP.c.due, FOLLOWUP.c.id)
    )
    if not include_done:
        query = query.where(FOLLOWUP.c.done_at.is_(None))
    return [
        FollowUpLine(_followup(row), row.with_id, row.with_name, row.deal_title)
        for row in conn.execute(query)
    ]
