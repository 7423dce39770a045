"""The reads and writes behind an import: every key an import matches rows by,
loaded once as plain tuples, and bulk writes of the rows it adds."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, delete, func, select, update
from sqlalchemy.engine import Connection

from pipetui.domain.pipeline import DEFAULT_PIPELINE, DEFAULT_STAGES
from pipetui.store.tables import (
    CONTACT,
    DEAL,
    FOLLOWUP,
    FUNNEL_FACT,
    METADATA,
    PIPELINE,
    SOURCE_SPEND,
    STAGE,
    TOUCHPOINT,
    TOUCHPOINT_KIND,
)

_CHUNK = 900


def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def naive_utc(moment: datetime) -> datetime:
    """A time as the database hands it back (UTC, no tzinfo), for comparing."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


@dataclass(slots=True)
class ContactKeys:
    """Every contact by the keys an import matches on."""

    by_external: dict[str, int] = field(default_factory=dict)
    by_email: dict[str, int] = field(default_factory=dict)
    by_name: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    names: dict[int, str] = field(default_factory=dict)


def contact_keys(conn: Connection) -> ContactKeys:
    """Ids by external id, email (any case; the oldest wins) and exact name."""
    keys = ContactKeys()
    rows = conn.execute(
        select(CONTACT.c.id, CONTACT.c.name, CONTACT.c.email, CONTACT.c.external_id).order_by(
            CONTACT.c.id
        )
    )
    for contact_id, name, email, external_id in rows:
        keys.names[contact_id] = name
        keys.by_name[name].append(contact_id)
        if email:
            keys.by_email.setdefault(email.casefold(), contact_id)
        if external_id:
            keys.by_external[external_id] = contact_id
    return keys


@dataclass(slots=True)
class DealKeys:
    """Every deal by the keys an import matches on: (title, pipeline, contact,
    stage, status) per id, and ids by external id."""

    rows: dict[int, tuple[str, int, int | None, int, str]] = field(default_factory=dict)
    by_external: dict[str, int] = field(default_factory=dict)
    min_rank: int = 0


def deal_keys(conn: Connection) -> DealKeys:
    """Every deal's keys, as tuples (100,000 deals read in about 0.1 s)."""
    keys = DealKeys()
    rows = conn.execute(
        select(
            DEAL.c.id,
            DEAL.c.title,
            DEAL.c.pipeline_id,
            DEAL.c.contact_id,
            DEAL.c.stage_id,
            DEAL.c.status,
            DEAL.c.external_id,
        )
    )
    for deal_id, title, pipeline_id, contact_id, stage_id, status, external_id in rows:
        keys.rows[deal_id] = (title, pipeline_id, contact_id, stage_id, status)
        if external_id:
            keys.by_external[external_id] = deal_id
    keys.min_rank = int(conn.execute(select(func.min(DEAL.c.rank))).scalar() or 0)
    return keys


def all_stages(conn: Connection) -> list[tuple[int, int, str, int, bool]]:
    """(id, pipeline id, name, position, removed) of every stage."""
    rows = conn.execute(
        select(STAGE.c.id, STAGE.c.pipeline_id, STAGE.c.name, STAGE.c.position, STAGE.c.removed)
    )
    return [(int(a), int(b), str(c), int(d), bool(e)) for a, b, c, d, e in rows]


def all_pipelines(conn: Connection) -> list[tuple[int, str]]:
    """(id, name) of every pipeline."""
    return [(int(i), str(n)) for i, n in conn.execute(select(PIPELINE.c.id, PIPELINE.c.name))]


def max_id(conn: Connection, table: str) -> int:
    """The largest id in a table (0 when empty)."""
    column = METADATA.tables[table].c.id
    return int(conn.execute(select(func.max(column))).scalar() or 0)


def taken_ids(conn: Connection, table: str, ids: Sequence[int]) -> set[int]:
    """Which of `ids` a table already uses."""
    column = METADATA.tables[table].c.id
    found: set[int] = set()
    for chunk in _chunks(list(ids)):
        found.update(int(i) for (i,) in conn.execute(select(column).where(column.in_(chunk))))
    return found


def touch_keys(conn: Connection, contact_ids: Sequence[int]) -> set[tuple[Any, ...]]:
    """(contact, kind, at, summary) of the touchpoints of these contacts."""
    found: set[tuple[Any, ...]] = set()
    columns = (TOUCHPOINT.c.contact_id, TOUCHPOINT.c.kind, TOUCHPOINT.c.at, TOUCHPOINT.c.summary)
    for chunk in _chunks(sorted(set(contact_ids))):
        rows = conn.execute(select(*columns).where(TOUCHPOINT.c.contact_id.in_(chunk)))
        found.update((c, k, naive_utc(at), s) for c, k, at, s in rows)
    return found


def has_data(conn: Connection) -> bool:
    """Whether any contact, deal, touchpoint, follow-up or source spend exists."""
    for table in (CONTACT, DEAL, TOUCHPOINT, FOLLOWUP, SOURCE_SPEND):
        if conn.execute(select(table.c.id).limit(1)).first():
            return True
    return False


def is_fresh(conn: Connection) -> bool:
    """No data, and the pipelines are as a new database has them (the default
    "Sales" and its six stages, or none): a restore may replace them."""
    if has_data(conn) or conn.execute(select(TOUCHPOINT_KIND.c.kind).limit(1)).first():
        return False
    pipes = conn.execute(select(PIPELINE.c.name)).all()
    if not pipes:
        return True
    stages = conn.execute(
        select(STAGE.c.name, STAGE.c.probability, STAGE.c.rotting_days, STAGE.c.removed).order_by(
            STAGE.c.position
        )
    ).all()
    seeded = [(name, probability, None, False) for name, probability in DEFAULT_STAGES]
    return [tuple(p) for p in pipes] == [(DEFAULT_PIPELINE,)] and [
        tuple(s) for s in stages
    ] == seeded


def clear_pipelines(conn: Connection) -> None:
    """Remove every pipeline and stage of a database without deals, so a full
    export can be restored with its own."""
    conn.execute(delete(FUNNEL_FACT))
    conn.execute(delete(STAGE))
    conn.execute(delete(PIPELINE))
    conn.execute(delete(TOUCHPOINT_KIND))


def update_rows(conn: Connection, table: str, rows: list[tuple[int, dict[str, Any]]]) -> None:
    """Set some columns of some rows by id."""
    target = METADATA.tables[table]
    for row_id, values in rows:
        if values:
            conn.execute(update(target).where(target.c.id == row_id).values(**values))


def follow_latest_touchpoints(conn: Connection, contact_ids: Sequence[int]) -> None:
    """Give these contacts (unless set by hand) their latest touchpoint's stage."""
    latest = (
        select(TOUCHPOINT.c.journey_stage)
        .where(TOUCHPOINT.c.contact_id == CONTACT.c.id)
        .order_by(TOUCHPOINT.c.at.desc(), TOUCHPOINT.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    for chunk in _chunks(sorted(set(contact_ids))):
        conn.execute(
            update(CONTACT)
            .where(and_(CONTACT.c.id.in_(chunk), CONTACT.c.journey_stage_manual.is_(False)))
            .values(journey_stage=func.coalesce(latest, CONTACT.c.journey_stage))
        )
