"""The board's queries: per-column aggregates in SQL, and one page of cards at a
time (the index on stage, status, rank, id serves both the page and its count).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, case, exists, func, or_, select
from sqlalchemy.engine import Connection

from pipetui.domain.deal import DealStatus
from pipetui.store.tables import CONTACT, DEAL, FOLLOWUP, STAGE, TOUCHPOINT


@dataclass(frozen=True, slots=True)
class AggregateRow:
    """Open deals of one stage in one currency."""

    stage_id: int
    currency: str
    count: int
    value_minor: int
    weighted_minor_x100: int


@dataclass(frozen=True, slots=True)
class CardRow:
    """The columns a card needs, straight from SQL."""

    deal_id: int
    title: str
    status: str
    value_minor: int
    currency: str
    stage_id: int
    stage_entered_at: datetime
    contact_name: str | None
    company: str | None
    last_touch: datetime | None
    has_future_followup: bool


def aggregates(
    conn: Connection, pipeline_id: int, stage_ids: Sequence[int] | None = None
) -> list[AggregateRow]:
    """Count, value and weighted value (×100) of open deals per stage and currency.

    Read from the covering index alone: no join to the stage table per deal. Deals
    without their own probability are summed apart and weighted with their
    stage's probability afterwards.
    """
    stages = {
        stage_id: probability
        for stage_id, probability in conn.execute(
            select(STAGE.c.id, STAGE.c.probability).where(STAGE.c.pipeline_id == pipeline_id)
        )
    }
    ids = list(stages) if stage_ids is None else [i for i in stage_ids if i in stages]
    own = DEAL.c.probability.is_not(None)
    query = (
        select(
            DEAL.c.stage_id,
            DEAL.c.currency,
            func.count(),
            func.sum(DEAL.c.value_minor),
            func.sum(case((own, 0), else_=DEAL.c.value_minor)),
            func.sum(case((own, DEAL.c.value_minor * DEAL.c.probability), else_=0)),
        )
        .where(DEAL.c.stage_id.in_(ids), DEAL.c.status == DealStatus.OPEN.value)
        .group_by(DEAL.c.stage_id, DEAL.c.currency)
    )
    return [
        AggregateRow(
            int(stage_id),
            str(currency),
            int(count),
            int(value),
            int(plain) * stages[stage_id] + int(weighted),
        )
        for stage_id, currency, count, value, plain, weighted in conn.execute(query)
    ]


def _filters(
    stage_id: int, statuses: Sequence[DealStatus], words: Sequence[str]
) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [
        DEAL.c.stage_id == stage_id,
        DEAL.c.status.in_([s.value for s in statuses]),
    ]
    for word in words:
        conditions.append(
            or_(
                DEAL.c.search_key.contains(word, autoescape=True),
                CONTACT.c.search_key.contains(word, autoescape=True),
            )
        )
    return conditions


def count(
    conn: Connection, stage_id: int, statuses: Sequence[DealStatus], words: Sequence[str] = ()
) -> int:
    """How many cards a column lists under the current view."""
    query = select(func.count()).select_from(DEAL)
    if words:
        query = query.outerjoin(CONTACT, CONTACT.c.id == DEAL.c.contact_id)
    return int(conn.execute(query.where(*_filters(stage_id, statuses, words))).scalar() or 0)


def page(
    conn: Connection,
    stage_id: int,
    statuses: Sequence[DealStatus],
    *,
    offset: int,
    limit: int,
    today: date,
    words: Sequence[str] = (),
) -> list[CardRow]:
    """One page of a column's cards in board order (rank, id)."""
    # Two index-driven lookups (by deal, by contact) rather than one OR that scans.
    deal_touch = (
        select(func.max(TOUCHPOINT.c.at)).where(TOUCHPOINT.c.deal_id == DEAL.c.id).scalar_subquery()
    )
    contact_touch = (
        select(func.max(TOUCHPOINT.c.at))
        .where(TOUCHPOINT.c.contact_id == DEAL.c.contact_id)
        .scalar_subquery()
    )
    future_followup = exists().where(
        FOLLOWUP.c.deal_id == DEAL.c.id, FOLLOWUP.c.done_at.is_(None), FOLLOWUP.c.due >= today
    )
    query = (
        select(
            DEAL.c.id,
            DEAL.c.title,
            DEAL.c.status,
            DEAL.c.value_minor,
            DEAL.c.currency,
            DEAL.c.stage_id,
            DEAL.c.stage_entered_at,
            CONTACT.c.name,
            CONTACT.c.company,
            deal_touch,
            contact_touch,
            future_followup,
        )
        .outerjoin(CONTACT, CONTACT.c.id == DEAL.c.contact_id)
        .where(*_filters(stage_id, statuses, words))
        .order_by(DEAL.c.rank, DEAL.c.id)
        .offset(offset)
        .limit(limit)
    )
    return [
        CardRow(*row[:9], _latest(row[9], row[10]), bool(row[11])) for row in conn.execute(query)
    ]


def _latest(*moments: datetime | None) -> datetime | None:
    known = [m for m in moments if m is not None]
    return max(known) if known else None


def index_of(
    conn: Connection,
    deal_id: int,
    stage_id: int,
    statuses: Sequence[DealStatus],
    words: Sequence[str] = (),
) -> int | None:
    """The position of a deal in its column under the current view, or None."""
    target = conn.execute(select(DEAL.c.rank, DEAL.c.id).where(DEAL.c.id == deal_id)).first()
    if target is None:
        return None
    query = select(func.count()).select_from(DEAL)
    if words:
        query = query.outerjoin(CONTACT, CONTACT.c.id == DEAL.c.contact_id)
    rank, key = target
    before = or_(DEAL.c.rank < rank, and_(DEAL.c.rank == rank, DEAL.c.id < key))
    return int(
        conn.execute(query.where(*_filters(stage_id, statuses, words), before)).scalar() or 0
    )
