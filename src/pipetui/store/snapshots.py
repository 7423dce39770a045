"""Whole-row snapshots of a deal and everything that hangs off it, for undo.

Restoring puts back the exact rows (same ids), so an undone move leaves no trace
in the stage history and the funnel figures are as if it never happened.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import BindParameter, Table, bindparam, delete, func, insert, select, update
from sqlalchemy.engine import Connection

from pipetui.store import contacts, funnel_facts
from pipetui.store import engine as engines
from pipetui.store.tables import (
    CONTACT,
    CONTACT_DETAIL,
    DEAL,
    FOLLOWUP,
    PIPELINE,
    QUALIFICATION,
    QUALIFICATION_CHANGE,
    STAGE,
    STAGE_HISTORY,
    TOUCHPOINT,
)
from pipetui.store.touchpoints import won_purchase

_CHILDREN: tuple[Table, ...] = (STAGE_HISTORY, QUALIFICATION, QUALIFICATION_CHANGE, FOLLOWUP)


@dataclass(frozen=True, slots=True)
class DealRows:
    """Every row of one deal: the deal, its history, answers (and their history),
    follow-ups, and the ids of the touchpoints linked to it."""

    deal_id: int
    deal: dict[str, Any] | None
    children: dict[str, list[dict[str, Any]]]
    touchpoint_ids: list[int]
    purchases: list[dict[str, Any]] = field(default_factory=list)
    """The whole rows of the purchase touchpoints its win logged (issue 19)."""


_DEAL: BindParameter[int] = bindparam("deal")
_CAPTURE = (
    select(DEAL).where(DEAL.c.id == _DEAL),
    select(TOUCHPOINT.c.id).where(TOUCHPOINT.c.deal_id == _DEAL),
    select(TOUCHPOINT).where(won_purchase(_DEAL)).order_by(TOUCHPOINT.c.id),
    *(select(table).where(table.c.deal_id == _DEAL).order_by(table.c.id) for table in _CHILDREN),
)
"""What `capture` reads: built once, so a server compiles them once."""


def capture(conn: Connection, deal_id: int) -> DealRows:
    """All rows of a deal as they are now (deal None when it does not exist),
    read in one round trip on a server (`engines.select_many`)."""
    found = engines.select_many(conn, _CAPTURE, {"deal": deal_id})
    deal, touchpoints, purchases, *children = found
    return DealRows(
        deal_id=deal_id,
        deal=deal[0] if deal else None,
        children={table.name: rows for table, rows in zip(_CHILDREN, children, strict=True)},
        touchpoint_ids=[int(row["id"]) for row in touchpoints],
        purchases=purchases,
    )


def restore(conn: Connection, rows: DealRows) -> None:
    """Put a deal back exactly as captured (or remove it if it did not exist).

    Touchpoints logged on the deal since stay linked to it: they happened.
    """
    linked_now = conn.execute(select(TOUCHPOINT.c.id).where(TOUCHPOINT.c.deal_id == rows.deal_id))
    touchpoint_ids = sorted({*rows.touchpoint_ids, *(int(tid) for (tid,) in linked_now)})
    buyers = _drop_purchases(conn, rows)
    with funnel_facts.tracked(conn, [rows.deal_id]):
        conn.execute(delete(DEAL).where(DEAL.c.id == rows.deal_id))
        if rows.deal is not None:
            conn.execute(insert(DEAL).values(**rows.deal))
            for table in _CHILDREN:
                if rows.children[table.name]:
                    conn.execute(insert(table), rows.children[table.name])
    if rows.deal is not None and rows.purchases:
        conn.execute(insert(TOUCHPOINT), rows.purchases)
    if touchpoint_ids and rows.deal is not None:
        conn.execute(
            update(TOUCHPOINT)
            .where(TOUCHPOINT.c.id.in_(touchpoint_ids))
            .values(deal_id=rows.deal_id)
        )
    for contact_id in sorted(buyers):
        contacts.follow_latest_touchpoint(conn, contact_id)


def _drop_purchases(conn: Connection, rows: DealRows) -> set[int]:
    """Remove the purchase touchpoints the deal's win logged as they are now
    (and any row that has the id of one to put back); return their contacts
    and those of the rows to put back, whose journey stage then follows."""
    captured = [int(row["id"]) for row in rows.purchases]
    found = TOUCHPOINT.c.id.in_(captured) | won_purchase(rows.deal_id)
    gone = conn.execute(select(TOUCHPOINT.c.contact_id).where(found)).scalars().all()
    conn.execute(delete(TOUCHPOINT).where(found))
    return {int(c) for c in gone} | {int(row["contact_id"]) for row in rows.purchases}


@dataclass(frozen=True, slots=True)
class PipelineRows:
    """A pipeline's own rows and where its deals sit, for undoing stage edits."""

    pipeline: dict[str, Any]
    stages: list[dict[str, Any]]
    deals: list[dict[str, Any]]
    history_max_id: int


def capture_pipeline(conn: Connection, pipeline_id: int) -> PipelineRows:
    """The pipeline, all its stages (removed ones too) and its deals' placement."""
    pipeline = conn.execute(select(PIPELINE).where(PIPELINE.c.id == pipeline_id)).one()
    stages = conn.execute(select(STAGE).where(STAGE.c.pipeline_id == pipeline_id))
    deals = conn.execute(
        select(
            DEAL.c.id,
            DEAL.c.stage_id,
            DEAL.c.rank,
            DEAL.c.stage_entered_at,
            DEAL.c.updated_at,
            DEAL.c.version,
        ).where(DEAL.c.pipeline_id == pipeline_id)
    )
    return PipelineRows(
        pipeline=dict(pipeline._mapping),
        stages=[dict(row._mapping) for row in stages],
        deals=[dict(row._mapping) for row in deals],
        history_max_id=history_max_id(conn),
    )


def history_max_id(conn: Connection) -> int:
    """The newest stage-history row id (0 when there is none)."""
    return int(conn.execute(select(func.max(STAGE_HISTORY.c.id))).scalar() or 0)


def restore_pipeline(conn: Connection, rows: PipelineRows) -> None:
    """Put a pipeline's name, stages and deal placement back as captured, and drop
    the history rows written since (the caller checked nothing else wrote any)."""
    pipeline_id = rows.pipeline["id"]
    conn.execute(update(PIPELINE).where(PIPELINE.c.id == pipeline_id).values(**rows.pipeline))
    known = {stage["id"] for stage in rows.stages}
    conn.execute(delete(STAGE_HISTORY).where(STAGE_HISTORY.c.id > rows.history_max_id))
    for deal in rows.deals:
        conn.execute(update(DEAL).where(DEAL.c.id == deal["id"]).values(**deal))
    for stage in rows.stages:
        conn.execute(update(STAGE).where(STAGE.c.id == stage["id"]).values(**stage))
    conn.execute(delete(STAGE).where(STAGE.c.pipeline_id == pipeline_id, STAGE.c.id.not_in(known)))
    funnel_facts.rebuild(conn, [pipeline_id])


@dataclass(frozen=True, slots=True)
class ContactRows:
    """A contact's own row, its details, touchpoints and follow-ups, and the
    deals that name it (to link them again), for undoing a contact's deletion."""

    contact_id: int
    contact: dict[str, Any] | None
    touchpoints: list[dict[str, Any]]
    followups: list[dict[str, Any]]
    deal_ids: list[int]
    details: list[dict[str, Any]] = field(default_factory=list)


def capture_contact(conn: Connection, contact_id: int) -> ContactRows:
    """Every row of a contact as it is now (contact None when it does not exist)."""
    row = conn.execute(select(CONTACT).where(CONTACT.c.id == contact_id)).first()

    def rows(table: Table) -> list[dict[str, Any]]:
        query = select(table).where(table.c.contact_id == contact_id).order_by(table.c.id)
        return [dict(found._mapping) for found in conn.execute(query)]

    deals = conn.execute(select(DEAL.c.id).where(DEAL.c.contact_id == contact_id))
    return ContactRows(
        contact_id,
        dict(row._mapping) if row else None,
        rows(TOUCHPOINT),
        rows(FOLLOWUP),
        sorted(int(i) for (i,) in deals),
        rows(CONTACT_DETAIL),
    )


def contact_blocker(conn: Connection, rows: ContactRows) -> str | None:
    """Why a deleted contact cannot come back as it was, or None: one of their
    deals was given to someone else or deleted, or a deal one of their
    touchpoints was about is gone."""
    wanted = set(rows.deal_ids)
    free = {
        int(i)
        for (i,) in conn.execute(
            select(DEAL.c.id).where(DEAL.c.id.in_(wanted), DEAL.c.contact_id.is_(None))
        )
    }
    if free != wanted:
        return "one of their deals was changed or deleted since"
    linked = {t["deal_id"] for t in rows.touchpoints + rows.followups if t["deal_id"]}
    found = {int(i) for (i,) in conn.execute(select(DEAL.c.id).where(DEAL.c.id.in_(linked)))}
    if found != linked:
        return "a deal their touchpoints or follow-ups were about was deleted since"
    return None


def restore_contact(conn: Connection, rows: ContactRows) -> None:
    """Put a deleted contact back with their details, touchpoints, follow-ups
    and deal links (the caller checked `contact_blocker`). A touchpoint,
    follow-up or detail whose id was taken since by a new row comes back under
    a new id."""
    conn.execute(delete(CONTACT).where(CONTACT.c.id == rows.contact_id))
    if rows.contact is None:
        return
    conn.execute(insert(CONTACT).values(**rows.contact))
    details = (CONTACT_DETAIL, rows.details)
    for table, found in ((TOUCHPOINT, rows.touchpoints), (FOLLOWUP, rows.followups), details):
        ids = [row["id"] for row in found]
        taken = {int(i) for (i,) in conn.execute(select(table.c.id).where(table.c.id.in_(ids)))}
        for row in found:
            values = {k: v for k, v in row.items() if k != "id" or v not in taken}
            conn.execute(insert(table).values(**values))
    if rows.deal_ids:
        conn.execute(
            update(DEAL).where(DEAL.c.id.in_(rows.deal_ids)).values(contact_id=rows.contact_id)
        )


_ROW_TABLES: dict[str, Table] = {"touchpoint": TOUCHPOINT, "followup": FOLLOWUP}


def capture_row(conn: Connection, table: str, row_id: int) -> dict[str, Any] | None:
    """One touchpoint or follow-up row as it is now (None when it does not exist)."""
    found = _ROW_TABLES[table]
    row = conn.execute(select(found).where(found.c.id == row_id)).first()
    return dict(row._mapping) if row else None


def restore_row(conn: Connection, table: str, row_id: int, before: dict[str, Any] | None) -> None:
    """Put one touchpoint or follow-up back as captured (remove it when it did not
    exist). A contact following their latest touchpoint follows it again."""
    found = _ROW_TABLES[table]
    now = capture_row(conn, table, row_id)
    conn.execute(delete(found).where(found.c.id == row_id))
    if before is not None:
        conn.execute(insert(found).values(**before))
    if table == "touchpoint":
        for contact_id in {r["contact_id"] for r in (now, before) if r is not None}:
            contacts.follow_latest_touchpoint(conn, contact_id)
