"""The reads and writes behind an import: every key an import matches rows by,
loaded once as plain tuples, and bulk writes of the rows it adds."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import and_, bindparam, delete, func, select, update
from sqlalchemy.engine import Connection

from pipetui.domain.pipeline import DEFAULT_PIPELINE, DEFAULT_STAGES
from pipetui.store import bulk
from pipetui.store.tables import (
    CONTACT,
    CONTACT_DETAIL,
    DEAL,
    FOLLOWUP,
    FUNNEL_FACT,
    GOAL,
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
    """Ids by external id, email (any case; the oldest wins; a main email before
    any other) and exact name."""
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
    others = conn.execute(  # every other email of theirs finds them too (after main ones)
        select(CONTACT_DETAIL.c.contact_id, CONTACT_DETAIL.c.value)
        .where(CONTACT_DETAIL.c.kind == "email")
        .order_by(CONTACT_DETAIL.c.contact_id, CONTACT_DETAIL.c.position)
    )
    for contact_id, email in others:
        keys.by_email.setdefault(email.casefold(), contact_id)
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
    """Whether any contact, deal, touchpoint, follow-up, source spend or goal exists."""
    for table in (CONTACT, DEAL, TOUCHPOINT, FOLLOWUP, SOURCE_SPEND, GOAL):
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


def current_values(
    conn: Connection, table: str, ids: Sequence[int], columns: Sequence[str]
) -> dict[int, dict[str, Any]]:
    """Some columns of some rows, by id (read a few hundred ids at a time)."""
    target = METADATA.tables[table]
    found: dict[int, dict[str, Any]] = {}
    for chunk in _chunks(sorted(set(ids))):
        rows = conn.execute(
            select(target.c.id, *(target.c[name] for name in columns)).where(target.c.id.in_(chunk))
        )
        for row_id, *values in rows:
            found[int(row_id)] = dict(zip(columns, values, strict=True))
    return found


def changed_rows(
    conn: Connection, table: str, rows: list[tuple[int, dict[str, Any]]]
) -> list[tuple[int, dict[str, Any]]]:
    """Of the rows (id, values to set), those with a value the table does not
    hold yet, each with only those values: writing the rest would change
    nothing but `updated_at`, and every column set costs its indexes an update
    (SQLite does not look whether the value changed)."""
    wanted = [(row_id, values) for row_id, values in rows if values]
    columns = sorted({name for _row_id, values in wanted for name in values})
    held = current_values(conn, table, [row_id for row_id, _values in wanted], columns)
    found = []
    for row_id, values in wanted:
        here = held.get(row_id)
        if here is None:
            found.append((row_id, values))
            continue
        differ = {name: value for name, value in values.items() if not _same(here[name], value)}
        if differ:
            found.append((row_id, differ))
    return found


def _same(held: Any, value: Any) -> bool:
    """Whether a column already holds `value` (a time as the database hands it
    back, UTC without tzinfo; anything of another type counts as different)."""
    if isinstance(held, datetime) and isinstance(value, datetime):
        return naive_utc(held) == naive_utc(value)
    return type(held) is type(value) and bool(held == value)


def update_rows(
    conn: Connection, table: str, rows: list[tuple[int, dict[str, Any]]], *, now: datetime
) -> None:
    """Set some columns of some rows by id, their `updated_at` to `now` and their
    `version` one up (deal and contact have one, schema v3; DESIGN.md §5): one
    executemany per set of columns, so an import updates thousands of rows with
    a few statements. On SQLite the values go straight to the driver, as in
    `bulk.insert_rows` (20,000 deals: 0.2 s instead of 0.9 s through Core)."""
    target = METADATA.tables[table]
    versioned = "version" in target.c
    shapes: dict[tuple[str, ...], list[tuple[int, dict[str, Any]]]] = defaultdict(list)
    for row_id, values in rows:
        if values:
            shapes[tuple(sorted(values))].append((row_id, values))
    for names, items in shapes.items():
        if conn.dialect.name == "sqlite":
            sets = [f"{name} = ?" for name in (*names, "updated_at")]
            sets += ["version = version + 1"] if versioned else []
            cell = _sqlite_cell(conn)
            conn.exec_driver_sql(
                f"UPDATE {table} SET {', '.join(sets)} WHERE id = ?",
                [(*(cell(v[n]) for n in names), cell(now), row_id) for row_id, v in items],
            )
            continue
        statement = (
            update(target)
            .where(target.c.id == bindparam("row_id"))
            .values({name: bindparam(f"new_{name}") for name in names})
            .values(updated_at=now)
        )
        if versioned:
            statement = statement.values(version=target.c.version + 1)
        params = [{"row_id": i, **{f"new_{k}": v[k] for k in names}} for i, v in items]
        conn.execute(statement, params)


def _sqlite_cell(conn: Connection) -> Callable[[Any], Any]:
    """A value as SQLAlchemy would store it on SQLite (times in UTC)."""
    stamp, day = bulk.time_column(conn), bulk.date_column(conn)

    def cell(value: Any) -> Any:
        if isinstance(value, datetime):
            return stamp(value)
        if isinstance(value, date):
            return day(value)
        return value

    return cell


def count_deals(conn: Connection, pipeline_ids: Iterable[int]) -> int:
    """How many deals these pipelines hold."""
    ids = sorted(set(pipeline_ids))
    query = select(func.count()).select_from(DEAL).where(DEAL.c.pipeline_id.in_(ids))
    return int(conn.execute(query).scalar() or 0)


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
