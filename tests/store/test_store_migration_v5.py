"""Schema v5 (issue 18): a `contact_detail` table for every email and phone of
a contact with its type and preference, address, web site, birthday and
department. A v4 database (SQLite or PostgreSQL) is migrated in place: its
contacts keep their one email and phone, have no details, and are found by
search as before; from then on an address book's cards keep all of theirs.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from db_targets import Targets
from pipetui.services import contacts
from pipetui.services.transfer import ImportOptions, import_file
from pipetui.store import engine as engines
from pipetui.store import migrations, tables
from pipetui.store.database import open_database
from pipetui.store.seed import seed_default_pipeline

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
VCARDS = Path(__file__).parent.parent / "fixtures" / "imports" / "vcards"


def _v4_schema(connection: Connection) -> None:
    """A database as pipetui 4 made it: every table but v5's, stamped 4."""
    tables.METADATA.create_all(connection)
    connection.exec_driver_sql("DROP TABLE contact_detail")
    connection.exec_driver_sql("ALTER TABLE deal DROP COLUMN notes")  # (v6 added it)
    connection.exec_driver_sql("DROP TABLE goal")  # (v7 added it)
    connection.exec_driver_sql("DROP TABLE funnel_count")  # (v7 added it)
    connection.exec_driver_sql("ALTER TABLE deal DROP COLUMN tags")  # (v7 added it)
    connection.execute(tables.SCHEMA_VERSION.insert().values(version=4))
    seed_default_pipeline(connection, now=NOW)
    connection.exec_driver_sql(
        "INSERT INTO contact (name, sort_name, search_key, email, phone, journey_stage_manual,"
        " created_at, updated_at) VALUES ('דנה כהן', 'דנה כהן', 'דנה כהן dana@example.co.il"
        " +972-50-123-4567', 'dana@example.co.il', '+972-50-123-4567', false,"
        " '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
    )


def _make_v4(target: str) -> None:
    engine, read_engine = engines.make_engines(engines.database_url(target))
    try:
        with engine.begin() as connection:
            _v4_schema(connection)
    finally:
        engine.dispose()
        read_engine.dispose()


def test_a_v4_database_gets_contact_details(new_target: Targets) -> None:
    target = new_target("v4.db")
    _make_v4(target)

    db = open_database(target, now=NOW)
    try:
        assert db.migration is not None
        assert (db.migration.from_version, db.migration.to_version) == (4, migrations.LATEST)
        with db.read() as conn:
            assert "contact_detail" in inspect(conn).get_table_names()
            indexes = {i["name"] for i in inspect(conn).get_indexes("contact_detail")}
            assert "ix_contact_detail_contact" in indexes
        (dana,) = contacts.list_contacts(db, search="dana@example")
        assert (dana.email, dana.phone, dana.details) == (
            "dana@example.co.il",
            "+972-50-123-4567",
            (),
        )

        options = ImportOptions()
        import_file(db, VCARDS / "nine_phones.vcf", options, default_currency="USD")
        (nine,) = contacts.list_contacts(db, search="555 0109")
        assert len(nine.details) == 9
    finally:
        db.dispose()
