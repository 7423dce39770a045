"""Queries for the customer's side: the contacts list (sorted id lists, rows
fetched a page at a time), a contact's deal events for the timeline, the
attention list, and the journey figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    Integer,
    and_,
    case,
    column,
    exists,
    func,
    or_,
    select,
    text,
)
from sqlalchemy.engine import Connection

from pipetui.domain.bant import Thresholds, Verdict
from pipetui.domain.deal_status import DealStatus
from pipetui.domain.money import Money, MoneyTotals
from pipetui.domain.segments import EVERY_CONTACT, ContactSegment, stored_tags
from pipetui.domain.text import search_key
from pipetui.store.board import verdict_ids
from pipetui.store.contact_search import word_conditions
from pipetui.store.contact_sorts import last_touch_key
from pipetui.store.rows import day, moment
from pipetui.store.segment_queries import contact_condition
from pipetui.store.sums import joined, sum_columns
from pipetui.store.tables import CONTACT, DEAL, FOLLOWUP, STAGE, STAGE_HISTORY, TOUCHPOINT

OPEN, WON = DealStatus.OPEN.value, DealStatus.WON.value


def _last_touch(now: datetime, contact: Any = CONTACT.c.id) -> Any:
    """The contact's latest touchpoint up to `now` (one dated later, a meeting
    logged ahead, has not happened yet): one lookup on ix_touchpoint_contact_at."""
    return (
        select(func.max(TOUCHPOINT.c.at))
        .where(TOUCHPOINT.c.contact_id == contact, TOUCHPOINT.c.at <= now)
        .scalar_subquery()
    )


def last_contact(conn: Connection, contact_id: int, now: datetime) -> datetime | None:
    """When the contact was last touched, up to `now` (None: never)."""
    return moment(conn.execute(select(_last_touch(now, contact_id))).scalar())


def contact_ids(
    conn: Connection,
    *,
    search: str = "",
    sort: str = "name",
    now: datetime,
    segment: ContactSegment = EVERY_CONTACT,
) -> list[int]:
    """Every contact matching `search` (any script, any case, every word), in
    `sort` order (`CONTACT_SORTS`): name, last touch (latest first), open deal
    value (largest first, in minor units whatever the currency) or days since
    contact (the longest silence first); never touched (up to `now`) last.
    Ids only: the screen keeps the list and asks for the rows it draws.
    `segment`: only its contacts (tag, journey stage, source, silence)."""
    query = select(CONTACT.c.id)
    if not segment.empty:
        query = query.where(contact_condition(segment, now))
    query = query.where(*word_conditions(conn, search_key(search).split()))
    if sort == "last touch" and _no_touch_ahead(conn, now):
        # SQLite, every kept last touch is the one up to now: ix_contact_last_touch
        # in its own order (never touched last: SQLite's NULLs are last in DESC).
        query = query.order_by(CONTACT.c.last_touch_at.desc(), CONTACT.c.sort_name)
    elif sort in ("last touch", "days since contact"):
        touched = last_touch_key(now)  # (kept on the contact: one column read)
        order = touched.desc() if sort == "last touch" else touched.asc()
        query = query.order_by(touched.is_(None), order, CONTACT.c.sort_name)
    elif sort == "value":  # (kept on the contact, in the order of ix_contact_open_value)
        kept = (CONTACT.c.open_value_high.desc(), CONTACT.c.open_value_low.desc())
        query = query.order_by(*kept, CONTACT.c.sort_name)
    else:
        query = query.order_by(CONTACT.c.sort_name)
    result = conn.execute(query.order_by(CONTACT.c.id))
    try:  # (the driver's rows as they are: a Row per id was half the time at 50,000)
        return [int(i) for (i,) in result.cursor.fetchall()]
    finally:
        result.close()


def _no_touch_ahead(conn: Connection, now: datetime) -> bool:
    """SQLite: whether no contact's kept last touch is after `now` (a meeting
    logged ahead), so the kept column is the sort key as it is."""
    if conn.dialect.name != "sqlite":
        return False
    ahead = select(CONTACT.c.id).where(CONTACT.c.last_touch_at > now).limit(1)
    return conn.execute(ahead).first() is None


@dataclass(frozen=True, slots=True)
class ContactLine:
    """One row of the contacts screen."""

    id: int
    name: str
    company: str | None
    journey_stage: str | None
    last_touch: datetime | None
    next_followup: date | None
    open_value: MoneyTotals
    tags: tuple[str, ...] = ()
    """The contact's tags (the list's Tags column)."""


def contact_lines(conn: Connection, ids: Sequence[int], now: datetime) -> dict[int, ContactLine]:
    """The rows of these contacts (a screenful), by id; the last touch is the
    latest up to `now`."""
    if not ids:
        return {}
    # A follow-up on one of the contact's deals is a next step with them too:
    # the earliest of their own (ix_followup_contact) and their deals' (by
    # ix_deal_contact, then ix_followup_deal), two index lookups, not one OR.
    next_followup = (
        select(func.min(FOLLOWUP.c.due))
        .where(FOLLOWUP.c.contact_id == CONTACT.c.id, FOLLOWUP.c.done_at.is_(None))
        .scalar_subquery()
    )
    next_on_deals = (
        select(func.min(FOLLOWUP.c.due))
        .select_from(DEAL)
        .join(FOLLOWUP, FOLLOWUP.c.deal_id == DEAL.c.id)
        .where(DEAL.c.contact_id == CONTACT.c.id, FOLLOWUP.c.done_at.is_(None))
        .scalar_subquery()
    )
    rows = conn.execute(
        select(
            CONTACT.c.id,
            CONTACT.c.name,
            CONTACT.c.company,
            CONTACT.c.journey_stage,
            _last_touch(now),
            next_followup,
            next_on_deals,
            CONTACT.c.tags,
        ).where(CONTACT.c.id.in_(list(ids)))
    )
    values: dict[int, MoneyTotals] = {}
    for contact_id, currency, high, low in conn.execute(
        select(DEAL.c.contact_id, DEAL.c.currency, *sum_columns(DEAL.c.value_minor))
        .where(DEAL.c.contact_id.in_(list(ids)), DEAL.c.status == OPEN)
        .group_by(DEAL.c.contact_id, DEAL.c.currency)
    ):
        total = Money(joined(high, low), str(currency))
        values.setdefault(int(contact_id), MoneyTotals()).add(total)
    return {
        int(i): ContactLine(
            int(i),
            str(name),
            company,
            stage,
            touched,
            min((d for d in (day(own), day(on_deals)) if d is not None), default=None),
            values.get(int(i), MoneyTotals()),
            stored_tags(tags),
        )
        for i, name, company, stage, touched, own, on_deals, tags in rows
    }


@dataclass(frozen=True, slots=True)
class DealEvent:
    """A stage move or status change of one of the contact's deals."""

    at: datetime
    deal_id: int
    title: str
    from_stage: str | None
    to_stage: str
    from_status: str | None
    to_status: str
    by: str | None = None
    """Who made the change (None: not known)."""

    def text(self) -> str:
        """ "'Audit': Proposal → Negotiation", "'Audit' won", "'Audit' entered Lead"."""
        title = repr(self.title)
        if self.from_stage is None:
            return f"deal {title} entered {self.to_stage}"
        if self.from_status != self.to_status:
            return f"deal {title} " + ("reopened" if self.to_status == OPEN else self.to_status)
        return f"deal {title}: {self.from_stage} → {self.to_stage}"


def deal_events(conn: Connection, contact_id: int, *, limit: int) -> list[DealEvent]:
    """The newest history rows of the contact's deals, newest first."""
    from_stage = STAGE.alias("from_stage")
    rows = conn.execute(
        select(
            STAGE_HISTORY.c.at,
            DEAL.c.id,
            DEAL.c.title,
            from_stage.c.name,
            STAGE.c.name,
            STAGE_HISTORY.c.from_status,
            STAGE_HISTORY.c.to_status,
            STAGE_HISTORY.c.by,
        )
        .join(DEAL, DEAL.c.id == STAGE_HISTORY.c.deal_id)
        .join(STAGE, STAGE.c.id == STAGE_HISTORY.c.to_stage_id)
        .outerjoin(from_stage, from_stage.c.id == STAGE_HISTORY.c.from_stage_id)
        .where(DEAL.c.contact_id == contact_id)
        .order_by(STAGE_HISTORY.c.at.desc(), STAGE_HISTORY.c.id.desc())
        .limit(limit)
    )
    return [DealEvent(*row) for row in rows]


def lifetime_value(conn: Connection, contact_id: int) -> tuple[MoneyTotals, int]:
    """The sum of the contact's won deals per currency, and how many there are."""
    totals, count = MoneyTotals(), 0
    for currency, high, low, n in conn.execute(
        select(DEAL.c.currency, *sum_columns(DEAL.c.value_minor), func.count())
        .where(DEAL.c.contact_id == contact_id, DEAL.c.status == WON)
        .group_by(DEAL.c.currency)
    ):
        totals.add(Money(joined(high, low), str(currency)))
        count += int(n)
    return totals, count


@dataclass(frozen=True, slots=True)
class DealLine:
    """A deal on the attention list."""

    deal_id: int
    pipeline_id: int
    title: str
    stage: str
    contact_id: int | None
    contact: str | None
    value: Money
    idle_since: datetime
    rotting_days: int | None


def _deal_lines(conn: Connection, query: Any, limit: int) -> list[DealLine]:
    last_touch = (
        select(func.max(TOUCHPOINT.c.at)).where(TOUCHPOINT.c.deal_id == DEAL.c.id).scalar_subquery()
    )
    contact_touch = (
        select(func.max(TOUCHPOINT.c.at))
        .where(TOUCHPOINT.c.contact_id == DEAL.c.contact_id)
        .scalar_subquery()
    )
    rows = conn.execute(
        query.add_columns(
            DEAL.c.id,
            DEAL.c.pipeline_id,
            DEAL.c.title,
            STAGE.c.name,
            DEAL.c.contact_id,
            CONTACT.c.name,
            DEAL.c.value_minor,
            DEAL.c.currency,
            DEAL.c.stage_entered_at,
            last_touch,
            contact_touch,
            STAGE.c.rotting_days,
        )
        .join(STAGE, STAGE.c.id == DEAL.c.stage_id)
        .outerjoin(CONTACT, CONTACT.c.id == DEAL.c.contact_id)
        .limit(limit)
    )
    lines = []
    for i, p, t, s, ci, c, v, cur, entered, *touches, days in rows:
        moments = [m for m in (moment(x) for x in (entered, *touches)) if m is not None]
        lines.append(DealLine(i, p, t, s, ci, c, Money(int(v), str(cur)), max(moments), days))
    return lines


def _no_next_step(today: date) -> Any:
    return ~exists().where(
        FOLLOWUP.c.deal_id == DEAL.c.id, FOLLOWUP.c.done_at.is_(None), FOLLOWUP.c.due >= today
    )


def _no_open_followup() -> Any:
    """No follow-up left to do on the deal, whenever it was due: one overdue is
    still its next step (late), and the list shows it under "Follow-ups due"."""
    return ~exists().where(FOLLOWUP.c.deal_id == DEAL.c.id, FOLLOWUP.c.done_at.is_(None))


def rotting_deals(conn: Connection, today: date, now: datetime, limit: int) -> list[DealLine]:
    """Open deals idle longer than their stage allows and with no follow-up
    planned: nothing since `now` − (limit + 1) days, neither entering the stage
    nor a touchpoint on the deal or its contact (`rot_state`'s rule, in SQL, one
    query per stage with a limit), longest idle first."""
    lines: list[DealLine] = []
    limits = conn.execute(
        select(STAGE.c.id, STAGE.c.rotting_days).where(
            STAGE.c.rotting_days.is_not(None), STAGE.c.removed.is_(False)
        )
    )
    for stage_id, days in limits:
        since = now - timedelta(days=int(days) + 1)
        touched = exists().where(
            TOUCHPOINT.c.at > since,
            or_(
                TOUCHPOINT.c.deal_id == DEAL.c.id,
                and_(DEAL.c.contact_id.is_not(None), TOUCHPOINT.c.contact_id == DEAL.c.contact_id),
            ),
        )
        query = (
            select()
            .select_from(DEAL)
            .where(
                DEAL.c.stage_id == stage_id,
                DEAL.c.status == OPEN,
                DEAL.c.stage_entered_at <= since,
                ~touched,
                _no_next_step(today),
            )
            .order_by(DEAL.c.stage_entered_at, DEAL.c.id)
        )
        lines += _deal_lines(conn, query, limit)
    lines.sort(key=lambda line: (line.idle_since, line.deal_id))
    return lines[:limit]


def qualified_without_next_step(
    conn: Connection, today: date, thresholds: Thresholds, limit: int
) -> list[DealLine]:
    """Open deals BANT calls qualified that have no next step: no open
    follow-up at all (an overdue one is a next step, listed as due)."""
    ids, params, among = verdict_ids(Verdict.QUALIFIED, thresholds)
    assert among
    qualified = text(ids).bindparams(**params).columns(column("deal_id", Integer))
    query = (
        select()
        .select_from(DEAL)
        .where(DEAL.c.status == OPEN, _no_open_followup(), DEAL.c.id.in_(qualified))
        .order_by(DEAL.c.stage_entered_at, DEAL.c.id)
    )
    return _deal_lines(conn, query, limit)


def due_followups(conn: Connection, today: date, limit: int) -> list[tuple[Any, ...]]:
    """Open follow-ups due today or before, oldest first, with what they are about:
    (id, title, due, deal id, deal title, pipeline id, contact id, contact name)."""
    deal_contact = CONTACT.alias("deal_contact")
    rows = conn.execute(
        select(
            FOLLOWUP.c.id,
            FOLLOWUP.c.title,
            FOLLOWUP.c.due,
            DEAL.c.id,
            DEAL.c.title,
            DEAL.c.pipeline_id,
            func.coalesce(FOLLOWUP.c.contact_id, DEAL.c.contact_id),
            func.coalesce(CONTACT.c.name, deal_contact.c.name),
        )
        .outerjoin(DEAL, DEAL.c.id == FOLLOWUP.c.deal_id)
        .outerjoin(CONTACT, CONTACT.c.id == FOLLOWUP.c.contact_id)
        .outerjoin(deal_contact, deal_contact.c.id == DEAL.c.contact_id)
        .where(FOLLOWUP.c.done_at.is_(None), FOLLOWUP.c.due <= today)
        .order_by(FOLLOWUP.c.due, FOLLOWUP.c.id)
        .limit(limit)
    )
    return [tuple(row) for row in rows]


def _of(segment: ContactSegment | None, now: datetime | None) -> list[Any]:
    """The condition on CONTACT keeping the segment's contacts (none: all)."""
    if segment is None or segment.empty:
        return []
    return [contact_condition(segment, now or datetime.now(UTC))]


def scores(
    conn: Connection,
    since: datetime | None,
    until: datetime | None,
    segment: ContactSegment | None = None,
    now: datetime | None = None,
) -> list[int]:
    """Every score given on a touchpoint in the period (NPS answers), by the
    contacts of `segment`."""
    query = select(TOUCHPOINT.c.score).where(TOUCHPOINT.c.score.is_not(None))
    if narrowed := _of(segment, now):
        query = query.join(CONTACT, CONTACT.c.id == TOUCHPOINT.c.contact_id).where(*narrowed)
    if since is not None:
        query = query.where(TOUCHPOINT.c.at >= since)
    if until is not None:
        query = query.where(TOUCHPOINT.c.at < until)
    return [int(s) for (s,) in conn.execute(query)]


def by_current_stage(
    conn: Connection, segment: ContactSegment | None = None, now: datetime | None = None
) -> dict[str | None, int]:
    """Contacts (of `segment`) per current journey stage (None: no touchpoint yet)."""
    rows = conn.execute(
        select(CONTACT.c.journey_stage, func.count())
        .where(*_of(segment, now))
        .group_by(CONTACT.c.journey_stage)
    )
    return {stage: int(n) for stage, n in rows}


def repeat_customers(
    conn: Connection,
    segment: ContactSegment | None = None,
    now: datetime | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> tuple[int, int]:
    """(customers of `segment`: contacts with a purchase in the period, those
    with two or more): the count `report customers` makes
    (`pipetui.store.customers.per_customer`), so both reports agree."""
    from pipetui.store.customers import per_customer

    per = per_customer(since, until, None)
    query = select(
        func.count(), func.coalesce(func.sum(case((per.c.n >= 2, 1), else_=0)), 0)
    ).select_from(per)
    if narrowed := _of(segment, now):
        query = query.join(CONTACT, CONTACT.c.id == per.c.contact_id).where(*narrowed)
    row = conn.execute(query).one()
    return int(row[0]), int(row[1])
