"""NPS answers per month and contact source, in one query (`pipetui.domain.nps`).

The months are the user's local calendar months, so they are given as
instants ([start, end) in UTC, from the service) rather than cut by the
database: a month label joined to its bounds, the same on SQLite and
PostgreSQL, and the `touchpoint.at` index finds each month's answers.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, String, case, func, literal, select, union_all
from sqlalchemy.engine import Connection

from pipetui.domain.nps import NpsCount
from pipetui.domain.segments import ContactSegment
from pipetui.store.segment_queries import contact_condition
from pipetui.store.tables import CONTACT, TOUCHPOINT


def _months(spans: Sequence[tuple[str, datetime, datetime]]) -> Any:
    """(month, start, end) rows as a derived table."""
    rows = [
        select(
            literal(label, String()).label("month"),
            literal(start.astimezone(UTC), DateTime(timezone=True)).label("start"),
            literal(end.astimezone(UTC), DateTime(timezone=True)).label("end"),
        )
        for label, start, end in spans
    ]
    return (union_all(*rows) if len(rows) > 1 else rows[0]).subquery("months")


def by_month(
    conn: Connection,
    spans: Sequence[tuple[str, datetime, datetime]],
    segment: ContactSegment | None = None,
    now: datetime | None = None,
) -> list[NpsCount]:
    """Promoters (9–10), passives (7–8) and detractors (0–6) per month of
    `spans` (label, start, end: each [start, end)) and contact source, of the
    contacts of `segment`. Months and sources without answers are left out."""
    if not spans:
        return []
    months = _months(spans)
    score = TOUCHPOINT.c.score
    query = (
        select(
            months.c.month,
            CONTACT.c.source,
            func.coalesce(func.sum(case((score >= 9, 1), else_=0)), 0),
            func.coalesce(func.sum(case(((score >= 7) & (score <= 8), 1), else_=0)), 0),
            func.coalesce(func.sum(case((score <= 6, 1), else_=0)), 0),
        )
        .select_from(TOUCHPOINT)
        .join(months, (TOUCHPOINT.c.at >= months.c.start) & (TOUCHPOINT.c.at < months.c.end))
        .join(CONTACT, CONTACT.c.id == TOUCHPOINT.c.contact_id)
        .where(score.is_not(None))
        .group_by(months.c.month, CONTACT.c.source)
    )
    if segment is not None and not segment.empty:
        query = query.where(contact_condition(segment, now or datetime.now(UTC)))
    return [
        NpsCount(str(month), source, int(p), int(m), int(d))
        for month, source, p, m, d in conn.execute(query)
    ]
