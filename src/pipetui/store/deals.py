"""Queries and writes for deals and their stage history.

Every stage move and status change writes its history row here, inside the
caller's transaction, so the change and its record land together or not at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, func, insert, or_, select, union_all, update
from sqlalchemy import delete as sql_delete
from sqlalchemy.engine import Connection, Row
from sqlalchemy.sql.elements import ColumnElement

from pipetui.domain.deal import Deal, DealView, StageChange
from pipetui.domain.deal_status import DealStatus
from pipetui.domain.errors import NotFoundError, check_version
from pipetui.domain.money import Money
from pipetui.domain.segments import stored_tags, tags_text
from pipetui.store import funnel_facts
from pipetui.store.actor import actor
from pipetui.store.recorder import note_created
from pipetui.store.tables import CONTACT, DEAL, PIPELINE, STAGE, STAGE_HISTORY

_DEAL_COLUMNS = (
    DEAL.c.id,
    DEAL.c.title,
    DEAL.c.pipeline_id,
    DEAL.c.stage_id,
    DEAL.c.status,
    DEAL.c.value_minor,
    DEAL.c.currency,
    DEAL.c.created_at,
    DEAL.c.updated_at,
    DEAL.c.stage_entered_at,
    DEAL.c.probability,
    DEAL.c.close_date,
    DEAL.c.source,
    DEAL.c.lost_reason,
    DEAL.c.contact_id,
    DEAL.c.closed_at,
    DEAL.c.external_id,
    DEAL.c.version,
    DEAL.c.owner,
    DEAL.c.notes,
    DEAL.c.tags,
)
BUMP = {"version": DEAL.c.version + 1}
"""Every UPDATE of a deal row carries this: the row's version goes up by one."""


def _deal(row: Row[*tuple[Any, ...]]) -> Deal:
    return Deal(
        id=row.id,
        title=row.title,
        pipeline_id=row.pipeline_id,
        stage_id=row.stage_id,
        status=DealStatus(row.status),
        value=Money(row.value_minor, row.currency),
        created_at=row.created_at,
        updated_at=row.updated_at,
        stage_entered_at=row.stage_entered_at,
        probability=row.probability,
        close_date=row.close_date,
        source=row.source,
        lost_reason=row.lost_reason,
        contact_id=row.contact_id,
        closed_at=row.closed_at,
        external_id=row.external_id,
        version=row.version,
        owner=row.owner,
        notes=row.notes,
        tags=stored_tags(row.tags),
    )


def _view_query() -> Select[Any]:
    return (
        select(
            *_DEAL_COLUMNS,
            PIPELINE.c.name.label("pipeline_name"),
            STAGE.c.name.label("stage_name"),
            STAGE.c.position.label("stage_position"),
            STAGE.c.probability.label("stage_probability"),
            STAGE.c.rotting_days,
            CONTACT.c.name.label("contact_name"),
            CONTACT.c.company,
        )
        .join(STAGE, STAGE.c.id == DEAL.c.stage_id)
        .join(PIPELINE, PIPELINE.c.id == DEAL.c.pipeline_id)
        .outerjoin(CONTACT, CONTACT.c.id == DEAL.c.contact_id)
    )


def _view(row: Row[*tuple[Any, ...]]) -> DealView:
    return DealView(
        deal=_deal(row),
        pipeline_name=row.pipeline_name,
        stage_name=row.stage_name,
        stage_position=row.stage_position,
        stage_probability=row.stage_probability,
        rotting_days=row.rotting_days,
        contact_name=row.contact_name,
        company=row.company,
    )


def get_deal(conn: Connection, deal_id: int) -> Deal:
    """The deal with this id, else NotFoundError naming the field `deal`."""
    row = conn.execute(select(*_DEAL_COLUMNS).where(DEAL.c.id == deal_id)).first()
    if row is None:
        raise NotFoundError("deal", f"no deal with id {deal_id}")
    return _deal(row)


def lock_deal(conn: Connection, deal_id: int, *, seen_version: int | None = None) -> Deal:
    """The deal, locked for this write transaction (FOR UPDATE on a server; the
    whole file is already locked by BEGIN IMMEDIATE on SQLite), refused with
    `ChangedElsewhere` when the caller's view showed another version."""
    row = conn.execute(select(*_DEAL_COLUMNS).where(DEAL.c.id == deal_id).with_for_update()).first()
    if row is None:
        raise NotFoundError("deal", f"no deal with id {deal_id}")
    deal = _deal(row)
    check_version("deal", f"deal {deal_id}", seen=seen_version, now=deal.version)
    return deal


def get_view(conn: Connection, deal_id: int) -> DealView:
    """The deal with its pipeline, stage and contact names."""
    row = conn.execute(_view_query().where(DEAL.c.id == deal_id)).first()
    if row is None:
        raise NotFoundError("deal", f"no deal with id {deal_id}")
    return _view(row)


def top_rank(conn: Connection, stage_id: int) -> int:
    """A rank that puts a deal on top of its stage's column.

    The lowest rank per status, each one step down the board's index (stage,
    status, rank): a min over the whole stage would read every index entry of
    it (17,000 at 100,000 deals: 5 ms of every stage move on PostgreSQL)."""
    return int(conn.execute(select(top_rank_sql(stage_id))).scalar_one())


def top_rank_sql(stage_id: int) -> ColumnElement[Any]:
    """`top_rank` as an SQL expression, so an UPDATE can set it without a
    round trip of its own (0 for an empty stage)."""
    lowest = union_all(
        *(
            select(func.min(DEAL.c.rank).label("low")).where(
                DEAL.c.stage_id == stage_id, DEAL.c.status == status.value
            )
            for status in DealStatus
        )
    ).subquery()
    return func.coalesce(select(func.min(lowest.c.low)).scalar_subquery(), 1) - 1


def insert_deal(
    conn: Connection,
    *,
    title: str,
    search_key: str,
    pipeline_id: int,
    stage_id: int,
    value: Money,
    now: datetime,
    status: DealStatus = DealStatus.OPEN,
    probability: int | None = None,
    close_date: date | None = None,
    source: str | None = None,
    contact_id: int | None = None,
    lost_reason: str | None = None,
    closed_at: datetime | None = None,
    created_at: datetime | None = None,
    external_id: str | None = None,
    owner: str | None = None,
    notes: str | None = None,
    tags: tuple[str, ...] = (),
) -> int:
    """Insert a deal and the history row of its entry into its first stage."""
    created = created_at or now
    result = conn.execute(
        insert(DEAL).values(
            title=title,
            search_key=search_key,
            pipeline_id=pipeline_id,
            stage_id=stage_id,
            status=status.value,
            rank=top_rank(conn, stage_id),
            value_minor=value.minor,
            currency=value.currency,
            probability=probability,
            close_date=close_date,
            source=source,
            lost_reason=lost_reason,
            contact_id=contact_id,
            external_id=external_id,
            created_at=created,
            updated_at=now,
            stage_entered_at=created,
            closed_at=closed_at,
            owner=owner,
            notes=notes,
            tags=tags_text(tags),
        )
    )
    assert result.inserted_primary_key is not None
    deal_id = int(result.inserted_primary_key[0])
    note_created("deal", deal_id)
    record_change(
        conn,
        StageChange(deal_id=deal_id, at=created, to_stage_id=stage_id, to_status=DealStatus.OPEN),
    )
    if status is not DealStatus.OPEN:
        record_change(
            conn,
            StageChange(
                deal_id=deal_id,
                at=closed_at or now,
                from_stage_id=stage_id,
                to_stage_id=stage_id,
                from_status=DealStatus.OPEN,
                to_status=status,
            ),
        )
    funnel_facts.add_deals(conn, [deal_id])
    return deal_id


def record_change(conn: Connection, change: StageChange) -> None:
    """Append one row to a deal's stage history, made by the transaction's
    user (`actor`)."""
    conn.execute(
        insert(STAGE_HISTORY).values(
            deal_id=change.deal_id,
            at=change.at,
            from_stage_id=change.from_stage_id,
            to_stage_id=change.to_stage_id,
            from_status=change.from_status.value if change.from_status else None,
            to_status=change.to_status.value,
            imported=change.imported,
            by=actor(conn),
        )
    )


def move_to_stage(
    conn: Connection, *, deal: Deal, stage_id: int, now: datetime, summary: bool = True
) -> None:
    """Put a deal on top of another stage's column and record the move.

    `summary=False` leaves the funnel summary to a `funnel_facts.rebuild` the
    caller runs afterwards (moving a whole stage's deals)."""
    with funnel_facts.tracked(conn, [deal.id] if summary else []):
        _move(conn, deal=deal, stage_id=stage_id, now=now)


def _move(conn: Connection, *, deal: Deal, stage_id: int, now: datetime) -> None:
    conn.execute(
        update(DEAL)
        .where(DEAL.c.id == deal.id)
        .values(
            stage_id=stage_id,
            rank=top_rank_sql(stage_id),
            stage_entered_at=now,
            updated_at=now,
            **BUMP,
        )
    )
    record_change(
        conn,
        StageChange(
            deal_id=deal.id,
            at=now,
            from_stage_id=deal.stage_id,
            to_stage_id=stage_id,
            from_status=deal.status,
            to_status=deal.status,
        ),
    )


def set_status(
    conn: Connection,
    *,
    deal: Deal,
    status: DealStatus,
    now: datetime,
    lost_reason: str | None = None,
) -> None:
    """Close (won/lost) or reopen a deal and record the status change.

    Reopening restarts the deal's time in its stage: it is being worked again.
    """
    values: dict[str, Any] = {"status": status.value, "updated_at": now, "lost_reason": lost_reason}
    if status is DealStatus.OPEN:
        values.update(closed_at=None, stage_entered_at=now)
    else:
        values["closed_at"] = now
    with funnel_facts.tracked(conn, [deal.id]):
        conn.execute(update(DEAL).where(DEAL.c.id == deal.id).values(**values, **BUMP))
        record_change(
            conn,
            StageChange(
                deal_id=deal.id,
                at=now,
                from_stage_id=deal.stage_id,
                to_stage_id=deal.stage_id,
                from_status=deal.status,
                to_status=status,
            ),
        )


def update_fields(conn: Connection, *, deal_id: int, now: datetime, **values: Any) -> None:
    """Change a deal's own fields (not stage or status: those have history)."""
    with funnel_facts.tracked(conn, [deal_id]):
        conn.execute(
            update(DEAL).where(DEAL.c.id == deal_id).values(updated_at=now, **values, **BUMP)
        )


def delete_deal(conn: Connection, *, deal_id: int) -> None:
    """Delete a deal; its history, answers and follow-ups go with it (cascade)."""
    with funnel_facts.tracked(conn, [deal_id]):
        conn.execute(sql_delete(DEAL).where(DEAL.c.id == deal_id))


def history(conn: Connection, deal_id: int) -> list[StageChange]:
    """A deal's stage history, oldest first."""
    rows = conn.execute(
        select(STAGE_HISTORY)
        .where(STAGE_HISTORY.c.deal_id == deal_id)
        .order_by(STAGE_HISTORY.c.at, STAGE_HISTORY.c.id)
    )
    return [
        StageChange(
            deal_id=row.deal_id,
            at=row.at,
            from_stage_id=row.from_stage_id,
            to_stage_id=row.to_stage_id,
            from_status=DealStatus(row.from_status) if row.from_status else None,
            to_status=DealStatus(row.to_status),
            imported=row.imported,
            by=row.by,
        )
        for row in rows
    ]


def count_deals(conn: Connection) -> int:
    """How many deals the database holds (any pipeline, any status)."""
    return int(conn.execute(select(func.count()).select_from(DEAL)).scalar() or 0)


def deals_in_stage(conn: Connection, stage_id: int) -> int:
    """How many deals (any status) sit in a stage."""
    query = select(func.count()).select_from(DEAL).where(DEAL.c.stage_id == stage_id)
    return int(conn.execute(query).scalar() or 0)


def ids_in_stage(conn: Connection, stage_id: int) -> list[int]:
    """Ids of every deal (any status) in a stage."""
    return [int(i) for (i,) in conn.execute(select(DEAL.c.id).where(DEAL.c.stage_id == stage_id))]


def search_views(conn: Connection, words: Sequence[str], *, limit: int) -> list[DealView]:
    """Deals whose title or notes (or contact's name/company) contain every word."""
    query = _view_query()
    for word in words:
        query = query.where(
            or_(
                DEAL.c.search_key.contains(word, autoescape=True),
                CONTACT.c.search_key.contains(word, autoescape=True),
            )
        )
    query = query.order_by(DEAL.c.updated_at.desc()).limit(limit)
    return [_view(row) for row in conn.execute(query)]


def titles_and_notes(
    conn: Connection, deal_ids: Sequence[int]
) -> dict[int, tuple[str, str | None]]:
    """The title and notes of these deals (what their `search_key` is made
    of), read a few thousand ids at a time."""
    found: dict[int, tuple[str, str | None]] = {}
    for start in range(0, len(deal_ids), 5000):
        part = deal_ids[start : start + 5000]
        query = select(DEAL.c.id, DEAL.c.title, DEAL.c.notes).where(DEAL.c.id.in_(part))
        found.update({int(i): (title, notes) for i, title, notes in conn.execute(query)})
    return found
