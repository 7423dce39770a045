"""The funnel's aggregates: a handful of GROUP BY queries whose results are a
few rows per stage, whatever the number of deals (DESIGN.md §2 says what each
figure means; `pipetui.domain.funnel` does the arithmetic).

The cohort is a pipeline's deals, optionally only those created in
[`since`, `until`) (aware UTC instants).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    String,
    and_,
    case,
    cast,
    func,
    literal,
    select,
    union_all,
)
from sqlalchemy.engine import Connection

from pipetui.domain.deal import DealStatus
from pipetui.domain.journey import JourneyStage
from pipetui.store.tables import CONTACT, DEAL, SOURCE_SPEND, STAGE, STAGE_HISTORY, TOUCHPOINT

OPEN, WON, LOST = (s.value for s in (DealStatus.OPEN, DealStatus.WON, DealStatus.LOST))


@dataclass(frozen=True, slots=True)
class Cohort:
    """Which deals (or contacts) the figures are about."""

    pipeline_id: int
    since: datetime | None = None
    until: datetime | None = None


def _created(column: Any, cohort: Cohort) -> list[ColumnElement[bool]]:
    where = []
    if cohort.since is not None:
        where.append(column >= cohort.since)
    if cohort.until is not None:
        where.append(column < cohort.until)
    return where


def _deals(cohort: Cohort) -> list[ColumnElement[bool]]:
    return [DEAL.c.pipeline_id == cohort.pipeline_id, *_created(DEAL.c.created_at, cohort)]


def _seconds(conn: Connection, start: Any, end: Any) -> ColumnElement[Any]:
    """end − start in seconds, in the engine's own date arithmetic."""
    if conn.dialect.name == "sqlite":
        return (func.julianday(end) - func.julianday(start)) * 86_400.0
    return func.extract("epoch", end - start)


def furthest(conn: Connection, cohort: Cohort) -> dict[int, int]:
    """Deals that are not won, by the position of the furthest open stage they
    ever were in (history, or the current stage for a deal without history)."""
    visited = union_all(
        select(STAGE_HISTORY.c.deal_id, STAGE_HISTORY.c.to_stage_id.label("stage_id"))
        .join(DEAL, DEAL.c.id == STAGE_HISTORY.c.deal_id)
        .where(*_deals(cohort), DEAL.c.status != WON),
        select(DEAL.c.id, DEAL.c.stage_id).where(*_deals(cohort), DEAL.c.status != WON),
    ).subquery()
    tops = (
        select(visited.c.deal_id, func.max(STAGE.c.position).label("top"))
        .join(STAGE, and_(STAGE.c.id == visited.c.stage_id, STAGE.c.removed.is_(False)))
        .group_by(visited.c.deal_id)
        .subquery()
    )
    rows = conn.execute(select(tops.c.top, func.count()).group_by(tops.c.top))
    return {int(top): int(count) for top, count in rows}


@dataclass(frozen=True, slots=True)
class OpenRow:
    """Open deals of a stage in one currency; weighted is value × % × 100."""

    stage_id: int
    currency: str
    count: int
    value_minor: int
    weighted_x100: int


def open_deals(conn: Connection, cohort: Cohort) -> list[OpenRow]:
    """Open deals per stage and currency, weighted by the deal's probability or,
    when it has none, its stage's."""
    probability = func.coalesce(DEAL.c.probability, STAGE.c.probability)
    rows = conn.execute(
        select(
            DEAL.c.stage_id,
            DEAL.c.currency,
            func.count(),
            func.sum(DEAL.c.value_minor),
            func.sum(DEAL.c.value_minor * probability),
        )
        .join(STAGE, STAGE.c.id == DEAL.c.stage_id)
        .where(*_deals(cohort), DEAL.c.status == OPEN)
        .group_by(DEAL.c.stage_id, DEAL.c.currency)
    )
    return [OpenRow(int(s), str(c), int(n), int(v), int(w)) for s, c, n, v, w in rows]


def open_by_close_month(conn: Connection, cohort: Cohort) -> list[tuple[str | None, OpenRow]]:
    """Open deals per expected close month (YYYY-MM, None without a date) and
    currency; `stage_id` is 0 (all stages)."""
    probability = func.coalesce(DEAL.c.probability, STAGE.c.probability)
    month = func.substr(cast(DEAL.c.close_date, String), 1, 7)
    rows = conn.execute(
        select(
            month,
            DEAL.c.currency,
            func.count(),
            func.sum(DEAL.c.value_minor),
            func.sum(DEAL.c.value_minor * probability),
        )
        .join(STAGE, STAGE.c.id == DEAL.c.stage_id)
        .where(*_deals(cohort), DEAL.c.status == OPEN)
        .group_by(month, DEAL.c.currency)
        .order_by(month, DEAL.c.currency)
    )
    return [(m, OpenRow(0, str(c), int(n), int(v), int(w))) for m, c, n, v, w in rows]


@dataclass(frozen=True, slots=True)
class ClosedRow:
    """Won or lost deals in one currency: how many, their value, and the total
    seconds from creation to closing."""

    status: str
    currency: str
    count: int
    value_minor: int
    cycle_seconds: float


def closed_deals(conn: Connection, cohort: Cohort) -> list[ClosedRow]:
    """Won and lost deals per currency."""
    cycle = _seconds(conn, DEAL.c.created_at, DEAL.c.closed_at)
    rows = conn.execute(
        select(
            DEAL.c.status,
            DEAL.c.currency,
            func.count(),
            func.sum(DEAL.c.value_minor),
            func.coalesce(func.sum(cycle), 0.0),
        )
        .where(*_deals(cohort), DEAL.c.status.in_([WON, LOST]))
        .group_by(DEAL.c.status, DEAL.c.currency)
    )
    return [ClosedRow(str(s), str(c), int(n), int(v), float(t)) for s, c, n, v, t in rows]


def time_in_stages(conn: Connection, cohort: Cohort, now: datetime) -> dict[int, tuple[int, float]]:
    """Per stage: how many deals spent time in it while open, and the total
    seconds they spent (a stay ends at the next history row; an open deal's
    last stay runs until `now`, a closed one's until it closed)."""
    h = STAGE_HISTORY
    ends = func.lead(h.c.at).over(partition_by=h.c.deal_id, order_by=(h.c.at, h.c.id))
    still = case((DEAL.c.status == OPEN, literal(now, h.c.at.type)), else_=DEAL.c.closed_at)
    stays = (
        select(
            h.c.deal_id,
            h.c.to_stage_id.label("stage_id"),
            h.c.to_status,
            _seconds(conn, h.c.at, func.coalesce(ends, still)).label("seconds"),
        )
        .join(DEAL, DEAL.c.id == h.c.deal_id)
        .where(*_deals(cohort))
        .subquery()
    )
    rows = conn.execute(
        select(stays.c.stage_id, func.count(stays.c.deal_id.distinct()), func.sum(stays.c.seconds))
        .where(stays.c.to_status == OPEN)
        .group_by(stays.c.stage_id)
    )
    return {int(s): (int(n), float(t or 0.0)) for s, n, t in rows}


@dataclass(frozen=True, slots=True)
class SourceRow:
    """Deals from one lead source (as typed) with one status and currency."""

    source: str | None
    status: str
    currency: str
    count: int
    value_minor: int


def by_source(conn: Connection, cohort: Cohort) -> list[SourceRow]:
    """Deals per lead source, status and currency."""
    rows = conn.execute(
        select(
            DEAL.c.source,
            DEAL.c.status,
            DEAL.c.currency,
            func.count(),
            func.sum(DEAL.c.value_minor),
        )
        .where(*_deals(cohort))
        .group_by(DEAL.c.source, DEAL.c.status, DEAL.c.currency)
    )
    return [SourceRow(src, str(s), str(c), int(n), int(v)) for src, s, c, n, v in rows]


@dataclass(frozen=True, slots=True)
class SpendRow:
    """What was spent on a source in a month, in one currency."""

    source: str
    source_key: str
    month: str
    currency: str
    amount_minor: int


def spend(conn: Connection, months: tuple[str, str] | None = None) -> list[SpendRow]:
    """Recorded spend, in the months [first, last] (YYYY-MM) or all."""
    query = select(
        SOURCE_SPEND.c.source,
        SOURCE_SPEND.c.source_key,
        SOURCE_SPEND.c.month,
        SOURCE_SPEND.c.currency,
        SOURCE_SPEND.c.amount_minor,
    ).order_by(SOURCE_SPEND.c.source_key, SOURCE_SPEND.c.month, SOURCE_SPEND.c.currency)
    if months is not None:
        query = query.where(SOURCE_SPEND.c.month.between(*months))
    return [SpendRow(*row) for row in conn.execute(query)]


def set_spend(
    conn: Connection,
    *,
    source: str,
    source_key: str,
    month: str,
    currency: str,
    amount_minor: int,
    now: datetime,
) -> None:
    """Record (or replace) the spend on a source in a month and currency."""
    found = conn.execute(
        select(SOURCE_SPEND.c.id).where(
            SOURCE_SPEND.c.source_key == source_key,
            SOURCE_SPEND.c.month == month,
            SOURCE_SPEND.c.currency == currency,
        )
    ).scalar()
    values = {"source": source, "amount_minor": amount_minor, "updated_at": now}
    if found is None:
        conn.execute(
            SOURCE_SPEND.insert().values(
                source_key=source_key, month=month, currency=currency, **values
            )
        )
    else:
        conn.execute(SOURCE_SPEND.update().where(SOURCE_SPEND.c.id == found).values(**values))


def journey_furthest(
    conn: Connection, since: datetime | None = None, until: datetime | None = None
) -> dict[JourneyStage, int]:
    """Contacts (created in the period) by the furthest journey stage they
    reached, from their touchpoints and their current stage; any stage after
    purchase counts as purchase (a customer in retention has bought)."""
    last = JourneyStage.PURCHASE.rank
    touched = select(TOUCHPOINT.c.contact_id, TOUCHPOINT.c.journey_stage.label("stage"))
    current = select(CONTACT.c.id, CONTACT.c.journey_stage).where(
        CONTACT.c.journey_stage.is_not(None)
    )
    visited = union_all(touched, current).subquery()
    rank = case(
        *((visited.c.stage == stage.value, min(stage.rank, last)) for stage in JourneyStage),
        else_=None,
    )
    tops = (
        select(visited.c.contact_id, func.max(rank).label("top"))
        .join(CONTACT, CONTACT.c.id == visited.c.contact_id)
        .where(*_created(CONTACT.c.created_at, Cohort(0, since, until)))
        .group_by(visited.c.contact_id)
        .subquery()
    )
    rows = conn.execute(
        select(tops.c.top, func.count()).where(tops.c.top.is_not(None)).group_by(tops.c.top)
    )
    by_rank = {stage.rank: stage for stage in JourneyStage}
    return {by_rank[int(top)]: int(count) for top, count in rows}
