"""The reports' other aggregates: open deals by expected close month, deals by
lead source, spend, and contacts by furthest journey stage (the funnel itself
reads its running summary, `pipetui.store.funnel_facts`).

The cohort is a pipeline's deals, optionally only those created in
[`since`, `until`) (aware UTC instants).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    case,
    extract,
    func,
    select,
    union_all,
)
from sqlalchemy.engine import Connection

from pipetui.domain.deal_status import DealStatus
from pipetui.domain.journey import JourneyStage
from pipetui.domain.segments import EVERY_DEAL, ContactSegment, DealSegment
from pipetui.store.segment_queries import contact_condition, deal_condition
from pipetui.store.sums import joined, sum_columns
from pipetui.store.tables import CONTACT, DEAL, SOURCE_SPEND, STAGE, TOUCHPOINT

OPEN, WON, LOST = (s.value for s in (DealStatus.OPEN, DealStatus.WON, DealStatus.LOST))


@dataclass(frozen=True, slots=True)
class Cohort:
    """Which deals (or contacts) the figures are about."""

    pipeline_id: int
    since: datetime | None = None
    until: datetime | None = None
    segment: DealSegment = EVERY_DEAL
    """Only the deals of this segment (`report … --tag --source`)."""


def _created(
    column: Any, since: datetime | None, until: datetime | None
) -> list[ColumnElement[bool]]:
    where = []
    if since is not None:
        where.append(column >= since)
    if until is not None:
        where.append(column < until)
    return where


def _deals(cohort: Cohort) -> list[ColumnElement[bool]]:
    segment = [] if cohort.segment.empty else [deal_condition(cohort.segment)]
    return [
        DEAL.c.pipeline_id == cohort.pipeline_id,
        *_created(DEAL.c.created_at, cohort.since, cohort.until),
        *segment,
    ]


@dataclass(frozen=True, slots=True)
class MonthRow:
    """Open deals expected to close in a month (YYYY-MM, None without a date),
    in one currency; weighted is value × probability % × 100."""

    month: str | None
    currency: str
    count: int
    value_minor: int
    weighted_x100: int


def open_by_close_month(conn: Connection, cohort: Cohort) -> list[MonthRow]:
    """Open deals per expected close month and currency."""
    probability = func.coalesce(DEAL.c.probability, STAGE.c.probability)
    # A number, year * 100 + month, never a date cast to text: that text
    # follows the server's DateStyle on PostgreSQL ("04/03/2" under SQL, DMY).
    month = extract("year", DEAL.c.close_date) * 100 + extract("month", DEAL.c.close_date)
    rows = conn.execute(
        select(
            month,
            DEAL.c.currency,
            func.count(),
            *sum_columns(DEAL.c.value_minor),
            *sum_columns(DEAL.c.value_minor * probability),
        )
        .join(STAGE, STAGE.c.id == DEAL.c.stage_id)
        .where(*_deals(cohort), DEAL.c.status == OPEN)
        .group_by(month, DEAL.c.currency)
        .order_by(month, DEAL.c.currency)
    )
    return [
        MonthRow(_month(m), str(c), int(n), joined(v_high, v_low), joined(w_high, w_low))
        for m, c, n, v_high, v_low, w_high, w_low in rows
    ]


def _month(number: Any) -> str | None:
    """YYYY-MM from year * 100 + month (SQLite's extract gives an integer,
    PostgreSQL's a numeric)."""
    if number is None:
        return None
    whole = int(number)
    return f"{whole // 100:04d}-{whole % 100:02d}"


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
            *sum_columns(DEAL.c.value_minor),
        )
        .where(*_deals(cohort))
        .group_by(DEAL.c.source, DEAL.c.status, DEAL.c.currency)
    )
    return [
        SourceRow(src, str(s), str(c), int(n), joined(high, low))
        for src, s, c, n, high, low in rows
    ]


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


def _of_segment(segment: ContactSegment | None, now: datetime | None) -> list[Any]:
    if segment is None or segment.empty:
        return []
    assert now is not None, "a contact segment is counted at a time"
    return [contact_condition(segment, now)]


def journey_furthest(
    conn: Connection,
    since: datetime | None = None,
    until: datetime | None = None,
    segment: ContactSegment | None = None,
    now: datetime | None = None,
) -> dict[JourneyStage, int]:
    """Contacts (created in the period, of `segment` when given, its silence
    counted up to `now`) by the furthest journey stage they reached, from
    their touchpoints and their current stage; any stage after purchase
    counts as purchase (a customer in retention has bought)."""
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
        .where(*_created(CONTACT.c.created_at, since, until))
        .where(*_of_segment(segment, now))
        .group_by(visited.c.contact_id)
        .subquery()
    )
    rows = conn.execute(
        select(tops.c.top, func.count()).where(tops.c.top.is_not(None)).group_by(tops.c.top)
    )
    by_rank = {stage.rank: stage for stage in JourneyStage}
    return {by_rank[int(top)]: int(count) for top, count in rows}
