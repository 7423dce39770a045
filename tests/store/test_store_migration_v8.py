"""Schema v8 (issue 21): each contact's last touch and open deal value kept on
the contact by triggers, and (SQLite) a trigram index of search keys. A v7
database, SQLite or PostgreSQL, is migrated in place: the figures are filled
from the existing touchpoints and deals, its contacts are found by search as
before, and later writes keep everything in step."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.engine import Connection

from db_targets import Targets
from pipetui.domain.money import Money
from pipetui.services import contacts, deals, journey, touchpoints
from pipetui.store import engine as engines
from pipetui.store import tables
from pipetui.store.database import open_database
from pipetui.store.light import LATEST
from pipetui.store.seed import seed_default_pipeline

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def _v7_schema(connection: Connection) -> None:
    """A database as pipetui 7 made it: no kept figures, no search index, no
    triggers; a Hebrew contact with an open deal and a touch, an Arabic one."""
    tables.METADATA.create_all(connection)
    if connection.dialect.name == "sqlite":
        for name in ("touchpoint_rollup_insert", "touchpoint_rollup_delete",
                     "touchpoint_rollup_update", "deal_rollup_insert", "deal_rollup_delete",
                     "deal_rollup_update", "contact_search_insert", "contact_search_delete",
                     "contact_search_update"):  # fmt: skip
            connection.exec_driver_sql(f"DROP TRIGGER tr_{name}")
        connection.exec_driver_sql("DROP TABLE contact_search_terms")
        connection.exec_driver_sql("DROP TABLE contact_search")
    else:
        connection.exec_driver_sql("DROP TRIGGER tr_touchpoint_rollup ON touchpoint")
        connection.exec_driver_sql("DROP TRIGGER tr_deal_rollup ON deal")
        connection.exec_driver_sql("DROP FUNCTION pipetui_touchpoint_rollup()")
        connection.exec_driver_sql("DROP FUNCTION pipetui_deal_rollup()")
    connection.exec_driver_sql("DROP INDEX ix_contact_open_value")
    connection.exec_driver_sql("DROP INDEX IF EXISTS ix_contact_last_touch")  # (v9, SQLite)
    for column in ("last_touch_at", "open_value_high", "open_value_low"):
        connection.exec_driver_sql(f"ALTER TABLE contact DROP COLUMN {column}")
    connection.execute(tables.SCHEMA_VERSION.insert().values(version=7))
    seed_default_pipeline(connection, now=NOW)
    stage = connection.execute(
        select(tables.STAGE.c.id, tables.STAGE.c.pipeline_id).order_by(tables.STAGE.c.id)
    ).first()
    assert stage is not None
    for name in ("דנה כהן", "علي"):
        connection.exec_driver_sql(
            "INSERT INTO contact (name, sort_name, search_key, journey_stage_manual,"
            " created_at, updated_at, version)"
            f" VALUES ('{name}', '{name}', '{name}', false,"
            " '2026-01-01 00:00:00', '2026-01-01 00:00:00', 1)"
        )
    connection.exec_driver_sql(
        "INSERT INTO deal (title, search_key, pipeline_id, stage_id, contact_id, status, rank,"
        " value_minor, currency, created_at, updated_at, stage_entered_at)"
        f" VALUES ('ביקורת', 'ביקורת', {stage.pipeline_id}, {stage.id}, 1, 'open', 0,"
        " 5000000000, 'ILS', '2026-01-01 00:00:00', '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
    )
    connection.exec_driver_sql(
        "INSERT INTO touchpoint (contact_id, kind, journey_stage, at)"
        " VALUES (2, 'call', 'interest', '2026-11-01 09:00:00')"
    )


def _make_v7(target: str) -> None:
    engine, read_engine = engines.make_engines(engines.database_url(target))
    try:
        with engine.begin() as connection:
            _v7_schema(connection)
    finally:
        engine.dispose()
        read_engine.dispose()


def test_a_v7_database_gets_its_contacts_figures_and_search_index(new_target: Targets) -> None:
    target = new_target("v7.db")
    _make_v7(target)

    db = open_database(target, now=NOW)
    try:
        assert db.migration is not None
        assert (db.migration.from_version, db.migration.to_version) == (7, LATEST)
        c = tables.CONTACT.c
        with db.read() as conn:
            rows = conn.execute(
                select(c.name, c.last_touch_at, c.open_value_high, c.open_value_low).order_by(c.id)
            ).all()
        assert [(name, high, low) for name, _, high, low in rows] == [
            ("דנה כהן", 5000000000 >> 32, 5000000000 & 0xFFFFFFFF),
            ("علي", 0, 0),
        ]
        assert rows[0][1] is None
        assert rows[1][1] is not None and rows[1][1].replace(tzinfo=UTC) == datetime(
            2026, 11, 1, 9, 0, tzinfo=UTC
        )
        assert [x.name for x in contacts.list_contacts(db, search="כהן", limit=50)] == ["דנה כהן"]
        assert [x.name for x in contacts.list_contacts(db, search="لي", limit=50)] == ["علي"]
        assert journey.contact_ids(db, sort="value") == [1, 2]
        assert journey.contact_ids(db, sort="last touch") == [2, 1]

        # Writes after the migration keep it all in step.
        touchpoints.log_touchpoint(db, contact="דנה כהן", kind="call", at=NOW - timedelta(hours=1))
        deals.add_deal(db, title="עוד", value=Money(10**12, "ILS"), contact="علي")
        contacts.edit_contact(db, "1", name="Dana Cohen")
        assert journey.contact_ids(db, sort="last touch") == [1, 2]
        assert journey.contact_ids(db, sort="value") == [2, 1]
        assert [x.name for x in contacts.list_contacts(db, search="cohen", limit=50)] == [
            "Dana Cohen"
        ]
        assert contacts.list_contacts(db, search="כהן", limit=50) == []
    finally:
        db.dispose()
