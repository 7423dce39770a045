"""Anonymous funnel counts (schema v7, table `funnel_count`): how many people
without a name reached a journey stage from a lead source in a month."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from pipetui.domain.journey import JourneyStage
from pipetui.store.actor import actor
from pipetui.store.tables import FUNNEL_COUNT


@dataclass(frozen=True, slots=True)
class CountRow:
    """One stored count: a stage, a source (None: not attributed), a month."""

    journey_stage: JourneyStage
    source: str | None
    source_key: str
    month: str
    count: int
    updated_at: datetime
    by: str | None


def set_count(
    conn: Connection,
    *,
    stage: JourneyStage,
    source: str | None,
    source_key: str,
    month: str,
    count: int,
    now: datetime,
    add: bool = False,
) -> int:
    """Set (or, with `add`, add to) the count of a stage, source and month;
    return the count now stored. The caller holds the write lock."""
    key = (
        FUNNEL_COUNT.c.journey_stage == stage.value,
        FUNNEL_COUNT.c.source_key == source_key,
        FUNNEL_COUNT.c.month == month,
    )
    held = conn.execute(select(FUNNEL_COUNT.c.id, FUNNEL_COUNT.c.count).where(*key)).first()
    total = count + (int(held[1]) if held is not None and add else 0)
    values = {"source": source, "count": total, "updated_at": now, "by": actor(conn)}
    if held is None:
        conn.execute(
            FUNNEL_COUNT.insert().values(
                journey_stage=stage.value, source_key=source_key, month=month, **values
            )
        )
    else:
        conn.execute(FUNNEL_COUNT.update().where(FUNNEL_COUNT.c.id == held.id).values(**values))
    return total


def list_counts(conn: Connection) -> list[CountRow]:
    """Every count, by month, source and journey order."""
    rows = conn.execute(
        select(FUNNEL_COUNT).order_by(
            FUNNEL_COUNT.c.month, FUNNEL_COUNT.c.source_key, FUNNEL_COUNT.c.id
        )
    )
    found = [
        CountRow(
            JourneyStage(row.journey_stage),
            row.source,
            row.source_key,
            row.month,
            int(row._mapping["count"]),
            row.updated_at,
            row.by,
        )
        for row in rows
    ]
    found.sort(key=lambda r: (r.month, r.source_key, r.journey_stage.rank))
    return found


def totals(
    conn: Connection, months: tuple[str, str] | None, source_key: str | None = None
) -> dict[str, tuple[str | None, dict[JourneyStage, int]]]:
    """The counts summed over the months from `months[0]` to `months[1]`
    (None: all), per source key ("" for none): (a source name, count per stage).
    With `source_key`, that source only."""
    query = select(
        FUNNEL_COUNT.c.source_key,
        func.max(FUNNEL_COUNT.c.source),
        FUNNEL_COUNT.c.journey_stage,
        func.sum(FUNNEL_COUNT.c.count),
    ).group_by(FUNNEL_COUNT.c.source_key, FUNNEL_COUNT.c.journey_stage)
    if months is not None:
        query = query.where(FUNNEL_COUNT.c.month.between(*months))
    if source_key is not None:
        query = query.where(FUNNEL_COUNT.c.source_key == source_key)
    found: dict[str, tuple[str | None, dict[JourneyStage, int]]] = {}
    for key, name, stage, total in conn.execute(query):
        entry = found.setdefault(str(key), (name, {}))
        entry[1][JourneyStage(stage)] = int(total)
    return found
