"""Segment filters as SQLAlchemy conditions, for the reports and the contacts
list (the same rules as the plain SQL of `pipetui.store.segments`), and the
funnel's facts recounted from the deals themselves for a segment: the
running summary (`funnel_facts`) is kept per pipeline and day only, so a
segment's funnel is computed from the base tables (its brute-force path).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, literal, or_, select, true
from sqlalchemy.engine import Connection

from pipetui.domain.segments import ContactSegment, DealSegment, silent_before
from pipetui.store import funnel_fact_sums, funnel_facts
from pipetui.store.segments import tag_pattern
from pipetui.store.tables import CONTACT, DEAL, TOUCHPOINT


def has_tag(column: Any, tag: str) -> ColumnElement[bool]:
    """`column` (comma-separated tags) holds `tag`, in any case."""
    lowered, exact = tag_pattern(tag)
    wrapped = literal(",") + func.coalesce(column, "") + literal(",")
    return or_(func.lower(wrapped).like(lowered, escape="\\"), wrapped.like(exact, escape="\\"))


def same_text(column: Any, value: str) -> ColumnElement[bool]:
    """`column` equals `value` in any case."""
    return or_(func.lower(column) == value.lower(), column == value)


def deal_condition(segment: DealSegment) -> ColumnElement[bool]:
    """The deals of the segment; with `contact_tags`, a tag counts when the
    deal or its contact carries it."""
    parts: list[ColumnElement[bool]] = []
    for tag in segment.tags:
        own = has_tag(DEAL.c.tags, tag)
        if segment.contact_tags:
            theirs = DEAL.c.contact_id.in_(select(CONTACT.c.id).where(has_tag(CONTACT.c.tags, tag)))
            parts.append(or_(own, theirs))
        else:
            parts.append(own)
    if segment.source:
        parts.append(same_text(DEAL.c.source, segment.source))
    if segment.owner:
        parts.append(same_text(DEAL.c.owner, segment.owner))
    return and_(true(), *parts)


def contact_condition(segment: ContactSegment, now: datetime) -> ColumnElement[bool]:
    """The contacts of the segment; silent ones have no touchpoint from the
    cut-off (`silent_before`) up to `now` (a meeting logged ahead has not
    happened yet), never touched included."""
    parts: list[ColumnElement[bool]] = [has_tag(CONTACT.c.tags, tag) for tag in segment.tags]
    if segment.stage is not None:
        parts.append(CONTACT.c.journey_stage == segment.stage.value)
    if segment.source:
        parts.append(same_text(CONTACT.c.source, segment.source))
    if segment.silent_days is not None:
        recent = (
            select(TOUCHPOINT.c.id)
            .where(
                TOUCHPOINT.c.contact_id == CONTACT.c.id,
                TOUCHPOINT.c.at >= silent_before(now, segment.silent_days),
                TOUCHPOINT.c.at <= now,
            )
            .exists()
        )
        parts.append(~recent)
    return and_(true(), *parts)


def segment_facts(
    conn: Connection,
    pipeline_id: int,
    since: datetime | None,
    until: datetime | None,
    segment: DealSegment,
) -> list[funnel_fact_sums.FactSum]:
    """`funnel_fact_sums.summed` for the segment's deals only, recounted from the
    deals and their histories."""
    where = [DEAL.c.pipeline_id == pipeline_id, deal_condition(segment)]
    if since is not None:
        where.append(DEAL.c.created_at >= since)
    if until is not None:
        where.append(DEAL.c.created_at < until)
    merged: dict[tuple[str, int, str], list[int]] = {}
    high = funnel_facts.HIGH
    for key, vector in funnel_facts.contributions(conn, and_(*where)).items():
        _, _, fact, stage_id, currency = key
        base, shift = (fact[: -len(high)], 32) if fact.endswith(high) else (fact, 0)
        total = merged.setdefault((base, stage_id, currency), [0] * len(funnel_facts.VALUES))
        for i, value in enumerate(vector):
            total[i] += value << shift
    return [
        funnel_fact_sums.FactSum(fact, stage_id, currency, *vector)
        for (fact, stage_id, currency), vector in merged.items()
    ]
