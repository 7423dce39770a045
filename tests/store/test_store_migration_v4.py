"""Schema v4 (team mode, issue 14): an owner on deals and a `by` on every
history row, NULL in every row from before ("not known"; an unowned deal is
the team's), on SQLite and PostgreSQL alike; and on PostgreSQL, the time
columns pipetui's v2 step made without a time zone become `timestamptz`, so a
database migrated from v1 ends with the same types as a new one.

A v1 database on PostgreSQL is built from the frozen v1 file of
test_store_migrations (its schema as pipetui 1's `create_all` made it on a
server, its rows copied over), and an old v3 one by running the v2 step as it
was before it was mended (`timestamp without time zone`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import MetaData, create_engine, inspect
from sqlalchemy.engine import Connection
from sqlalchemy.pool import NullPool
from test_store_migrations import NOW, V1_TABLES, _make_v1

from pipetui.domain.money import Money
from pipetui.services import deals as deal_service
from pipetui.services.touchpoints import log_touchpoint
from pipetui.store import engine as engines
from pipetui.store import migrations, tables
from pipetui.store.database import Database, open_database
from pipetui.store.light import open_light

# pipetui 1's tables in an order their foreign keys allow
V1_ORDER = (
    "pipetui_schema", "pipeline", "stage", "contact", "touchpoint_kind", "deal",
    "stage_history", "touchpoint", "followup", "qualification",
)  # fmt: skip
LATER = ("qualification_change", "source_spend", "funnel_fact", "contact_detail")
"""Tables v2 (and v5) added."""
V7_TABLES = ("goal", "funnel_count")
"""Tables v7 added."""
WHO = {"deal": "owner", "stage_history": "by", "qualification_change": "by", "touchpoint": "by"}
"""The columns v4 added."""


def _pg_v1(url: str, folder: Path) -> None:
    """A version-1 PostgreSQL database holding the frozen v1 rows."""
    source = folder / "v1-source.db"
    _make_v1(source)
    engine = create_engine(url, poolclass=NullPool)
    lite = create_engine(f"sqlite:///{source}", poolclass=NullPool)
    try:
        with engine.begin() as conn:
            tables.METADATA.create_all(conn)  # what a server got: timestamptz columns
            for name in LATER:
                conn.exec_driver_sql(f"DROP TABLE {name}")
            for table in ("deal", "contact"):
                conn.exec_driver_sql(f"ALTER TABLE {table} DROP COLUMN version")
            conn.exec_driver_sql("ALTER TABLE deal DROP COLUMN notes")  # (v6 added it)
            for name in V7_TABLES:
                conn.exec_driver_sql(f"DROP TABLE {name}")
            conn.exec_driver_sql("ALTER TABLE deal DROP COLUMN tags")  # (v7 added it)
            for table, column in WHO.items():
                if table in V1_TABLES:
                    conn.exec_driver_sql(f'ALTER TABLE {table} DROP COLUMN "{column}"')
            conn.exec_driver_sql(  # (went with the owner column)
                "CREATE INDEX ix_deal_stage_values ON deal"
                " (stage_id, status, currency, value_minor, probability)"
            )
            old, new = MetaData(), MetaData()
            old.reflect(lite)
            new.reflect(conn)
            with lite.connect() as reading:
                for name in V1_ORDER:
                    rows = [
                        _utc(dict(r._mapping)) for r in reading.execute(old.tables[name].select())
                    ]
                    conn.execute(new.tables[name].insert(), rows)
            for name in V1_ORDER:
                if "id" in new.tables[name].c and name != "pipetui_schema":
                    conn.exec_driver_sql(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'),"
                        f" (SELECT max(id) FROM {name}))"
                    )
    finally:
        engine.dispose()
        lite.dispose()


def _utc(row: dict[str, Any]) -> dict[str, Any]:
    """SQLite hands times back without their zone; they are UTC."""
    return {
        k: v.replace(tzinfo=UTC) if isinstance(v, datetime) and v.tzinfo is None else v
        for k, v in row.items()
    }


def _old_v2_step(connection: Connection) -> None:
    """The v2 step as pipetui 2 and 3 ran it: its times without a time zone."""
    migrations.STEPS[2](connection)
    if connection.dialect.name == "postgresql":
        for table, column in (("qualification_change", "at"), ("source_spend", "updated_at")):
            connection.exec_driver_sql(
                f"ALTER TABLE {table} ALTER COLUMN {column} TYPE timestamp without time zone"
                f" USING {column} AT TIME ZONE 'UTC'"
            )


def _to_v3(target: str) -> None:
    """Bring a v1 database to v3 as an older pipetui did (its v2 step; no
    backup: these databases are throwaway)."""
    engine, read_engine = engines.make_engines(engines.database_url(target))
    steps = {**migrations.STEPS, 2: _old_v2_step}
    try:
        migrations.prepare_schema(
            engine, read_engine, backup=lambda _v: None, now=NOW, steps=steps, latest=3
        )
    finally:
        engine.dispose()


@pytest.fixture
def v1(new_target: Callable[[str], str], backend: str, tmp_path: Path) -> str:
    """A version-1 database of this run's engine, with the frozen v1 rows."""
    target = new_target("pipetui.db")
    if backend == "sqlite":
        _make_v1(Path(target))
    else:
        _pg_v1(engines.database_url(target), tmp_path)
    return target


@pytest.fixture
def migrated(v1: str) -> Iterator[Database]:
    """The v1 database opened (so migrated) by this pipetui, as dana."""
    database = open_database(v1, now=NOW, user="dana")
    yield database
    database.dispose()


def _types(db: Database) -> dict[tuple[str, str], str]:
    """Every time column's type (PostgreSQL's own words)."""
    with db.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT table_name, column_name, data_type FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND data_type LIKE 'timestamp%%'"
        )
        return {(t, c): d for t, c, d in rows}


def _who(db: Database) -> dict[str, list[Any]]:
    with db.read() as conn:
        return {
            table: [v for (v,) in conn.exec_driver_sql(f'SELECT "{column}" FROM {table}')]
            for table, column in WHO.items()
        }


def test_a_v3_database_gets_owners_and_who_as_not_known(v1: str, backend: str) -> None:
    _to_v3(v1)  # as an older pipetui left it
    db = open_database(v1, now=NOW, user="dana")
    try:
        assert db.migration is not None
        assert (db.migration.from_version, db.migration.to_version) == (3, migrations.LATEST)
        assert _who(db) == {
            "deal": [None, None, None],
            "stage_history": [None] * 5,
            "qualification_change": [],
            # (v7 logged the won deal's purchase on its contact's journey: by nobody)
            "touchpoint": [None, None, None],
        }
        with db.read() as conn:
            indexes = {i["name"]: i["column_names"] for i in inspect(conn).get_indexes("deal")}
        assert indexes["ix_deal_stage_values"][-1] == "owner"

        # From now on every change says who made it.
        deal_service.step_deal(db, 1, steps=1)
        log_touchpoint(db, contact="#1", kind="call")
        new = deal_service.add_deal(db, title="Fresh", value=Money(0, "USD")).view.deal
        assert new.owner == "dana"
        assert [c.by for c in deal_service.show_deal(db, 1).history][-1] == "dana"
        who = _who(db)
        assert who["touchpoint"] == [None, None, None, "dana"]
        assert sorted(who["deal"], key=lambda owner: owner or "") == [None, None, None, "dana"]
    finally:
        db.dispose()
    if backend == "sqlite":  # the light reader takes a v4 file
        reader = open_light(Path(v1))
        assert reader is not None
        reader.close()


@pytest.mark.postgresql_only("time zones are PostgreSQL's column types")
def test_times_an_old_v2_step_made_without_a_zone_become_timestamptz(v1: str) -> None:
    _to_v3(v1)
    written = datetime(2026, 11, 12, 16, 40, 0, 250000)
    engine = create_engine(engines.database_url(v1), poolclass=NullPool)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(
                "INSERT INTO qualification_change"
                " (deal_id, framework, criterion, from_status, to_status, at)"
                " VALUES (1, 'bant', 'budget', 'unknown', 'partial', %(at)s)",
                {"at": written},
            )
            found = conn.exec_driver_sql(
                "SELECT data_type FROM information_schema.columns"
                " WHERE table_name = 'qualification_change' AND column_name = 'at'"
            ).scalar()
        assert found == "timestamp without time zone"  # the old step's work
    finally:
        engine.dispose()

    db = open_database(v1, now=NOW)
    try:
        types = _types(db)
        assert set(types.values()) == {"timestamp with time zone"}, types
        assert ("qualification_change", "at") in types
        assert ("source_spend", "updated_at") in types
        with db.read() as conn:
            at = conn.exec_driver_sql("SELECT at FROM qualification_change").scalar()
        assert at == written.replace(tzinfo=UTC)  # the same moment, read as the UTC it was
    finally:
        db.dispose()


@pytest.mark.postgresql_only("time zones are PostgreSQL's column types")
def test_a_v1_database_on_postgresql_ends_with_the_types_of_a_new_one(
    migrated: Database, new_target: Callable[[str], str]
) -> None:
    assert migrated.migration is not None
    assert (migrated.migration.from_version, migrated.migration.to_version) == (
        1,
        migrations.LATEST,
    )
    fresh = open_database(new_target("fresh"), now=NOW)
    try:
        assert set(_types(migrated).values()) == {"timestamp with time zone"}
        assert _types(migrated) == _types(fresh)
        with migrated.read() as conn, fresh.read() as other:
            for table in sorted(inspect(other).get_table_names()):
                mine = [(c["name"], str(c["type"])) for c in inspect(conn).get_columns(table)]
                theirs = [(c["name"], str(c["type"])) for c in inspect(other).get_columns(table)]
                assert sorted(mine) == sorted(theirs), table
    finally:
        fresh.dispose()
    # the v1 rows read as they were written, in UTC
    shown = deal_service.show_deal(migrated, 1)
    assert shown.view.deal.updated_at == datetime(2026, 11, 12, 16, 45, tzinfo=UTC)
    assert [c.by for c in shown.history] == [None, None]


@pytest.mark.sqlite_only("the file itself, as SQLite describes it")
def test_a_v4_file_has_the_new_columns_where_a_new_file_has_them(migrated: Database) -> None:
    path = migrated.path
    assert path is not None
    plain = sqlite3.connect(path)
    try:
        for table, column in WHO.items():
            names = [row[1] for row in plain.execute(f'PRAGMA table_info("{table}")')]
            # (v6 added notes after it, v7 tags)
            later = ["notes", "tags"] if table == "deal" else []
            # added last, as the model declares it
            assert names[-1 - len(later) :] == [column, *later], table
    finally:
        plain.close()
