"""Schema v7 (issue 19): sellers' goals, anonymous funnel counts and tags on
deals. A v6 database (SQLite or PostgreSQL) is migrated in place: the two new
tables exist and are empty, deals gain a `tags` column left empty, and every
old row reads as it was written."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import inspect, select
from sqlalchemy.engine import Connection

from db_targets import Targets
from pipetui.store import engine as engines
from pipetui.store import tables
from pipetui.store.database import open_database
from pipetui.store.light import LATEST
from pipetui.store.seed import seed_default_pipeline

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def _v6_schema(connection: Connection) -> None:
    """A database as pipetui 6 made it: every table but v7's, deals without
    tags, stamped 6, one deal with Hebrew notes."""
    tables.METADATA.create_all(connection)
    connection.exec_driver_sql("DROP TABLE goal")
    connection.exec_driver_sql("DROP TABLE funnel_count")
    connection.exec_driver_sql("ALTER TABLE deal DROP COLUMN tags")
    connection.execute(tables.SCHEMA_VERSION.insert().values(version=6))
    seed_default_pipeline(connection, now=NOW)
    stage = connection.execute(
        select(tables.STAGE.c.id, tables.STAGE.c.pipeline_id).order_by(tables.STAGE.c.id)
    ).first()
    assert stage is not None
    connection.exec_driver_sql(
        "INSERT INTO deal (title, search_key, pipeline_id, stage_id, status, rank, value_minor,"
        " currency, created_at, updated_at, stage_entered_at, notes)"
        f" VALUES ('ביקורת שנתית', 'ביקורת שנתית', {stage.pipeline_id}, {stage.id}, 'open', 0,"
        " 500, 'ILS',"
        " '2026-01-01 00:00:00', '2026-01-01 00:00:00', '2026-01-01 00:00:00', 'مع عرض')"
    )


def _make_v6(target: str) -> None:
    engine, read_engine = engines.make_engines(engines.database_url(target))
    try:
        with engine.begin() as connection:
            _v6_schema(connection)
    finally:
        engine.dispose()
        read_engine.dispose()


def _deals(conn: Connection) -> list[tuple[object, ...]]:
    d = tables.DEAL.c
    query = select(d.id, d.title, d.status, d.value_minor, d.currency, d.notes, d.version)
    return [tuple(row) for row in conn.execute(query)]


def test_a_v6_database_gets_goals_funnel_counts_and_deal_tags(new_target: Targets) -> None:
    target = new_target("v6.db")
    _make_v6(target)

    db = open_database(target, now=NOW)
    try:
        assert db.migration is not None
        assert (db.migration.from_version, db.migration.to_version) == (6, LATEST)
        with db.read() as conn:
            inspector = inspect(conn)
            names = set(inspector.get_table_names())
            assert {"goal", "funnel_count"} <= names
            assert "tags" in {c["name"] for c in inspector.get_columns("deal")}
            goal_columns = {c["name"] for c in inspector.get_columns("goal")}
            assert {"metric", "period_start", "period_end", "target", "currency"} <= goal_columns
            assert conn.execute(select(tables.GOAL.c.id)).all() == []
            assert conn.execute(select(tables.FUNNEL_COUNT.c.id)).all() == []
            # the old deal is untouched: its text, its version, no tags
            (old,) = _deals(conn)
            assert old[1:] == ("ביקורת שנתית", "open", 500, "ILS", "مع عرض", 1)
            assert conn.execute(select(tables.DEAL.c.tags)).scalar() is None
            version = conn.execute(select(tables.SCHEMA_VERSION.c.version)).scalar()
        assert version == LATEST
    finally:
        db.dispose()
