"""PostgreSQL finds a contact by the start of their name (the deal form's
Contact field completing "dan" to "Dana Cohen") through an index, whatever the
database's collation: `LIKE 'dan%'` uses a btree only in "C" order, so there is
one in `text_pattern_ops`. A database migrated to v7 has it too. (SQLite reads
the prefix as a range of `ix_contact_sort_name`.)"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import event, inspect

from pipetui.services import clock
from pipetui.store import engine as engines
from pipetui.store import tables
from pipetui.store.contact_names import first_name_starting
from pipetui.store.database import Database, open_database
from pipetui.store.seed import seed_default_pipeline

pytestmark = pytest.mark.postgresql_only("PostgreSQL's LIKE and its index")

INDEX = "ix_contact_sort_name_prefix"


def _with_contacts(url: str) -> Database:
    """5,000 contacts (one Hebrew), statistics up to date."""
    db = open_database(url, now=clock.now())
    with db.write() as conn:
        conn.exec_driver_sql(
            "INSERT INTO contact (name, sort_name, search_key, journey_stage_manual,"
            " created_at, updated_at, version)"
            " SELECT 'Person ' || n, 'person ' || n, 'person ' || n, false, now(), now(), 1"
            " FROM generate_series(1, 5000) AS n"
        )
        conn.exec_driver_sql(
            "INSERT INTO contact (name, sort_name, search_key, journey_stage_manual,"
            " created_at, updated_at, version)"
            " VALUES ('דנה כהן', 'דנה כהן', 'דנה כהן', false, now(), now(), 1)"
        )
    with db.engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE contact")
        conn.commit()
    return db


def _plan(db: Database, key: str) -> tuple[str | None, str]:
    """What `first_name_starting` found, and PostgreSQL's plan for its query."""
    seen: list[tuple[str, Any]] = []

    def keep(_conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if "FROM contact" in statement:
            seen.append((statement, params))

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        with db.read() as conn:
            found = first_name_starting(conn, key)
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
    [(statement, params)] = seen
    with db.read() as conn:
        plan = "\n".join(row[0] for row in conn.exec_driver_sql(f"EXPLAIN {statement}", params))
    return found, plan


def test_a_name_prefix_is_found_through_the_pattern_index(new_target: Callable[[str], str]) -> None:
    db = _with_contacts(new_target("prefix"))
    try:
        found, plan = _plan(db, "person 4999")
        assert found == "Person 4999"
        assert INDEX in plan, plan
        assert "Seq Scan" not in plan, plan

        found, plan = _plan(db, "דנה")
        assert found == "דנה כהן"
        assert INDEX in plan, plan
    finally:
        db.dispose()


def test_a_database_migrated_to_v7_has_the_index(new_target: Callable[[str], str]) -> None:
    """A v6 database (as `test_store_migration_v7` makes one, without the
    index) gains it with the v7 step."""
    target = new_target("v6")
    engine, read_engine = engines.make_engines(engines.database_url(target))
    try:
        with engine.begin() as connection:
            tables.METADATA.create_all(connection)
            for sql in (
                "DROP TABLE goal",
                "DROP TABLE funnel_count",
                "ALTER TABLE deal DROP COLUMN tags",
                f"DROP INDEX {INDEX}",
            ):
                connection.exec_driver_sql(sql)
            connection.execute(tables.SCHEMA_VERSION.insert().values(version=6))
            seed_default_pipeline(connection, now=clock.now())
    finally:
        engine.dispose()
        read_engine.dispose()

    db = open_database(target, now=clock.now())
    try:
        assert db.migration is not None and db.migration.from_version == 6
        with db.read() as conn:
            names = {i["name"] for i in inspect(conn).get_indexes("contact")}
    finally:
        db.dispose()
    assert INDEX in names
