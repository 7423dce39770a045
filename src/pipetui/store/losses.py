"""The aggregates behind "why deals are lost" (`pipetui.domain.losses`).

The cohort is a pipeline's lost deals closed in [`since`, `until`) (aware
instants; None: open-ended). The database counts and sums them per lost
reason (as written), stage and currency; the domain merges the groups.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from pipetui.domain.deal_status import DealStatus
from pipetui.domain.losses import LostGroup
from pipetui.domain.segments import EVERY_DEAL, DealSegment
from pipetui.store.segment_queries import deal_condition
from pipetui.store.sums import joined, sum_columns
from pipetui.store.tables import DEAL, STAGE

LOST = DealStatus.LOST.value


def lost_groups(
    conn: Connection,
    pipeline_id: int,
    since: datetime | None = None,
    until: datetime | None = None,
    segment: DealSegment = EVERY_DEAL,
) -> list[LostGroup]:
    """Lost deals of the pipeline closed in the period, per reason, stage and
    currency, with their count and exact value."""
    where = [DEAL.c.pipeline_id == pipeline_id, DEAL.c.status == LOST]
    if since is not None:
        where.append(DEAL.c.closed_at >= since)
    if until is not None:
        where.append(DEAL.c.closed_at < until)
    if not segment.empty:
        where.append(deal_condition(segment))
    rows = conn.execute(
        select(
            DEAL.c.lost_reason,
            STAGE.c.name,
            STAGE.c.position,
            DEAL.c.currency,
            func.count(),
            *sum_columns(DEAL.c.value_minor),
        )
        .select_from(DEAL.join(STAGE, STAGE.c.id == DEAL.c.stage_id))
        .where(*where)
        .group_by(DEAL.c.lost_reason, STAGE.c.id, STAGE.c.name, STAGE.c.position, DEAL.c.currency)
    )
    return [
        LostGroup(reason, str(stage), int(position), str(currency), int(n), joined(high, low))
        for reason, stage, position, currency, n, high, low in rows
    ]


def used_reasons(conn: Connection, limit: int = 50) -> list[tuple[str, int]]:
    """Lost reasons as written, with how many deals carry each, most used
    first (every pipeline: a reason is the seller's vocabulary)."""
    count = func.count().label("n")
    rows = conn.execute(
        select(DEAL.c.lost_reason, count)
        .where(DEAL.c.lost_reason.is_not(None), DEAL.c.lost_reason != "")
        .group_by(DEAL.c.lost_reason)
        .order_by(count.desc(), DEAL.c.lost_reason)
        .limit(limit)
    )
    return [(str(reason), int(n)) for reason, n in rows]
