"""The aggregates after the sale (`pipetui.domain.customers` defines them):
purchases per customer, churn at a moment, won value per customer and
currency, won value per deal source, NPS answers per contact source.

A purchase is a touchpoint in the purchase or loyalty stage, or a won deal
with no such touchpoint linked to it (its closing time is the purchase's).
`sources`, when given, narrows everything to contacts (or, for ROI, deals)
whose lead source is one of these values as stored; `tags` to contacts
carrying every one of them (for ROI, deals that carry it or whose contact does).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, case, func, select, union_all
from sqlalchemy.engine import Connection

from pipetui.domain.customers import ADVOCACY_STAGES, PURCHASE_STAGES
from pipetui.domain.deal_status import DealStatus
from pipetui.domain.journey import JourneyStage
from pipetui.domain.segments import DealSegment
from pipetui.store.segment_queries import deal_condition, has_tag
from pipetui.store.sums import joined, sum_columns
from pipetui.store.tables import CONTACT, DEAL, TOUCHPOINT

WON = DealStatus.WON.value
_PURCHASE = [stage.value for stage in PURCHASE_STAGES]
_ADVOCACY = [stage.value for stage in ADVOCACY_STAGES]


def _between(
    column: Any, since: datetime | None, until: datetime | None
) -> list[ColumnElement[bool]]:
    where = []
    if since is not None:
        where.append(column >= since)
    if until is not None:
        where.append(column < until)
    return where


def _contacts(sources: Sequence[str] | None, tags: Sequence[str]) -> list[ColumnElement[bool]]:
    """The conditions on CONTACT narrowing to the cohort (none: everyone)."""
    where = [has_tag(CONTACT.c.tags, tag) for tag in tags]
    if sources is not None:
        where.append(CONTACT.c.source.in_(list(sources)))
    return where


def _won_at() -> ColumnElement[Any]:
    """When a won deal was won (imported ones may lack a closing time)."""
    return func.coalesce(DEAL.c.closed_at, DEAL.c.updated_at)


def _purchases(
    since: datetime | None,
    until: datetime | None,
    sources: Sequence[str] | None,
    tags: Sequence[str] = (),
) -> Any:
    """Every purchase in [since, until): contact_id and at."""
    linked = (
        select(TOUCHPOINT.c.id)
        .where(TOUCHPOINT.c.deal_id == DEAL.c.id, TOUCHPOINT.c.journey_stage.in_(_PURCHASE))
        .exists()
    )
    touched = select(TOUCHPOINT.c.contact_id, TOUCHPOINT.c.at.label("at")).where(
        TOUCHPOINT.c.journey_stage.in_(_PURCHASE), *_between(TOUCHPOINT.c.at, since, until)
    )
    won = select(DEAL.c.contact_id, _won_at().label("at")).where(
        DEAL.c.status == WON,
        DEAL.c.contact_id.is_not(None),
        ~linked,
        *_between(_won_at(), since, until),
    )
    events = union_all(touched, won).subquery()
    query = select(events.c.contact_id, events.c.at)
    narrowed = _contacts(sources, tags)
    if narrowed:
        query = query.join(CONTACT, CONTACT.c.id == events.c.contact_id).where(*narrowed)
    return query.subquery()


def per_customer(
    since: datetime | None,
    until: datetime | None,
    sources: Sequence[str] | None,
    tags: Sequence[str] = (),
) -> Any:
    """Per customer (a contact with a purchase in the period): `contact_id`, `n`
    purchases and the `last` one's time; a subquery."""
    events = _purchases(since, until, sources, tags)
    return (
        select(
            events.c.contact_id,
            func.count().label("n"),
            func.max(events.c.at).label("last"),
        )
        .group_by(events.c.contact_id)
        .subquery()
    )


@dataclass(frozen=True, slots=True)
class AfterSale:
    """Customers with a purchase in the period and how far they went on:
    `repeat` with two purchases or more; by furthest step, `loyal` (a repeat
    purchase or a loyalty touchpoint, not an advocate) and `advocates` (an
    advocacy touchpoint in the period)."""

    customers: int
    repeat: int
    loyal: int
    advocates: int


def after_sale(
    conn: Connection,
    since: datetime | None,
    until: datetime | None,
    sources: Sequence[str] | None = None,
    tags: Sequence[str] = (),
) -> AfterSale:
    """Counted in SQL, one row."""
    customers = per_customer(since, until, sources, tags)
    flags = (
        select(
            TOUCHPOINT.c.contact_id,
            func.max(
                case((TOUCHPOINT.c.journey_stage == JourneyStage.LOYALTY.value, 1), else_=0)
            ).label("loyal"),
            func.max(case((TOUCHPOINT.c.journey_stage.in_(_ADVOCACY), 1), else_=0)).label(
                "advocate"
            ),
        )
        .where(*_between(TOUCHPOINT.c.at, since, until))
        .group_by(TOUCHPOINT.c.contact_id)
        .subquery()
    )
    advocate = func.coalesce(flags.c.advocate, 0) == 1
    loyal = (customers.c.n >= 2) | (func.coalesce(flags.c.loyal, 0) == 1)
    row = conn.execute(
        select(
            func.count(),
            func.coalesce(func.sum(case((customers.c.n >= 2, 1), else_=0)), 0),
            func.coalesce(func.sum(case((~advocate & loyal, 1), else_=0)), 0),
            func.coalesce(func.sum(case((advocate, 1), else_=0)), 0),
        ).select_from(customers.outerjoin(flags, flags.c.contact_id == customers.c.contact_id))
    ).one()
    return AfterSale(*(int(value) for value in row))


def churned(
    conn: Connection,
    end: datetime,
    days: int,
    sources: Sequence[str] | None = None,
    *,
    upto: datetime | None = None,
    tags: Sequence[str] = (),
) -> tuple[int, int]:
    """(customers with a purchase before `upto` (None: any), those whose latest
    such purchase is more than `days` days before `end`)."""
    customers = per_customer(None, upto, sources, tags)
    row = conn.execute(
        select(
            func.count(),
            func.coalesce(
                func.sum(case((customers.c.last < end - timedelta(days=days), 1), else_=0)), 0
            ),
        ).select_from(customers)
    ).one()
    return int(row[0]), int(row[1])


def won_per_customer(
    conn: Connection,
    since: datetime | None,
    until: datetime | None,
    sources: Sequence[str] | None = None,
    tags: Sequence[str] = (),
) -> dict[str, list[int]]:
    """Each customer's won value (deals won in the period) per currency, in
    ascending order: the ordered values a median needs."""
    query = (
        select(DEAL.c.currency, *sum_columns(DEAL.c.value_minor))
        .where(
            DEAL.c.status == WON,
            DEAL.c.contact_id.is_not(None),
            *_between(_won_at(), since, until),
        )
        .group_by(DEAL.c.contact_id, DEAL.c.currency)
    )
    narrowed = _contacts(sources, tags)
    if narrowed:
        query = query.join(CONTACT, CONTACT.c.id == DEAL.c.contact_id).where(*narrowed)
    found: dict[str, list[int]] = {}
    for currency, high, low in conn.execute(query):
        found.setdefault(str(currency), []).append(joined(high, low))
    return {currency: sorted(values) for currency, values in found.items()}


@dataclass(frozen=True, slots=True)
class WonBySource:
    """Deals won in the period from one lead source (as typed), in one currency."""

    source: str | None
    currency: str
    won_minor: int


def won_by_source(
    conn: Connection,
    since: datetime | None,
    until: datetime | None,
    sources: Sequence[str] | None = None,
    tags: Sequence[str] = (),
) -> list[WonBySource]:
    """Won value per deal source and currency (of the deals tagged, on the
    deal or its contact, with every one of `tags`)."""
    query = (
        select(DEAL.c.source, DEAL.c.currency, *sum_columns(DEAL.c.value_minor))
        .where(DEAL.c.status == WON, *_between(_won_at(), since, until))
        .group_by(DEAL.c.source, DEAL.c.currency)
    )
    if sources is not None:
        query = query.where(DEAL.c.source.in_(list(sources)))
    if tags:
        query = query.where(deal_condition(DealSegment(tags=tuple(tags), contact_tags=True)))
    return [
        WonBySource(source, str(currency), joined(high, low))
        for source, currency, high, low in conn.execute(query)
    ]


@dataclass(frozen=True, slots=True)
class ScoreRow:
    """NPS answers in the period from contacts of one source (as typed)."""

    source: str | None
    promoters: int
    passives: int
    detractors: int


def scores_by_source(
    conn: Connection,
    since: datetime | None,
    until: datetime | None,
    sources: Sequence[str] | None = None,
    tags: Sequence[str] = (),
) -> list[ScoreRow]:
    """Promoters (9–10), passives (7–8) and detractors (0–6) per contact source."""
    score = TOUCHPOINT.c.score
    query: Select[Any] = (
        select(
            CONTACT.c.source,
            func.coalesce(func.sum(case((score >= 9, 1), else_=0)), 0),
            func.coalesce(func.sum(case(((score >= 7) & (score <= 8), 1), else_=0)), 0),
            func.coalesce(func.sum(case((score <= 6, 1), else_=0)), 0),
        )
        .join(CONTACT, CONTACT.c.id == TOUCHPOINT.c.contact_id)
        .where(score.is_not(None), *_between(TOUCHPOINT.c.at, since, until))
        .group_by(CONTACT.c.source)
    )
    query = query.where(*_contacts(sources, tags))
    return [ScoreRow(source, int(p), int(m), int(d)) for source, p, m, d in conn.execute(query)]


def known_sources(conn: Connection) -> list[str]:
    """Every lead source as stored on contacts and deals (to match a typed one)."""
    contacts = select(CONTACT.c.source.label("source")).where(CONTACT.c.source.is_not(None))
    deals = select(DEAL.c.source.label("source")).where(DEAL.c.source.is_not(None))
    both = union_all(contacts, deals).subquery()
    return [str(s) for (s,) in conn.execute(select(both.c.source).distinct())]
