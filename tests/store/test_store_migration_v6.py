"""Schema v6 (issue 17): notes on deals. A v5 database (SQLite or PostgreSQL)
is migrated in place: its deals have no notes, are found by their titles as
before (their search key needs no rewrite), and from then on take notes that
search finds too."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import inspect, select
from sqlalchemy.engine import Connection

from db_targets import Targets
from pipetui.domain.text import search_key
from pipetui.services import deals
from pipetui.services.deal_query import DealFilter, list_deals
from pipetui.store import engine as engines
from pipetui.store import migrations, tables
from pipetui.store.database import open_database
from pipetui.store.seed import seed_default_pipeline

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def _v5_schema(connection: Connection) -> None:
    """A database as pipetui 5 made it: every table, deals without notes, stamped 5."""
    tables.METADATA.create_all(connection)
    connection.exec_driver_sql("ALTER TABLE deal DROP COLUMN notes")
    connection.exec_driver_sql("DROP TABLE goal")  # (v7 added it)
    connection.exec_driver_sql("DROP TABLE funnel_count")  # (v7 added it)
    connection.exec_driver_sql("ALTER TABLE deal DROP COLUMN tags")  # (v7 added it)
    connection.execute(tables.SCHEMA_VERSION.insert().values(version=5))
    seed_default_pipeline(connection, now=NOW)
    stage = connection.execute(
        select(tables.STAGE.c.id, tables.STAGE.c.pipeline_id).order_by(tables.STAGE.c.id)
    ).first()
    assert stage is not None
    connection.exec_driver_sql(
        "INSERT INTO deal (title, search_key, pipeline_id, stage_id, status, rank, value_minor,"
        " currency, created_at, updated_at, stage_entered_at)"
        f" VALUES ('ביקורת שנתית', 'ביקורת שנתית', {stage.pipeline_id}, {stage.id}, 'open', 0,"
        " 500, 'ILS',"
        " '2026-01-01 00:00:00', '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
    )


def _make_v5(target: str) -> None:
    engine, read_engine = engines.make_engines(engines.database_url(target))
    try:
        with engine.begin() as connection:
            _v5_schema(connection)
    finally:
        engine.dispose()
        read_engine.dispose()


def test_a_v5_database_gets_deal_notes(new_target: Targets) -> None:
    target = new_target("v5.db")
    _make_v5(target)

    db = open_database(target, now=NOW)
    try:
        assert db.migration is not None
        assert (db.migration.from_version, db.migration.to_version) == (5, migrations.LATEST)
        with db.read() as conn:
            assert "notes" in {c["name"] for c in inspect(conn).get_columns("deal")}
        (old,) = list_deals(db, DealFilter(search="שנתית"))
        assert old.deal.notes is None
        assert [v.deal.id for v in deals.search_deals(db, "ביקורת")] == [old.deal.id]

        deals.edit_deal(db, old.deal.id, notes="לחזור אליהם בינואר\nمع عرض جديد")

        (found,) = list_deals(db, DealFilter(search="בינואר عرض"))
        assert found.deal.notes == "לחזור אליהם בינואר\nمع عرض جديد"
        with db.read() as conn:
            key = conn.execute(select(tables.DEAL.c.search_key)).scalar()
        assert key == search_key("ביקורת שנתית", "לחזור אליהם בינואר\nمع عرض جديد")
    finally:
        db.dispose()
