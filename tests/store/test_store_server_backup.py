"""A schema upgrade on PostgreSQL backs the database up first, as on SQLite:
a pg_dump in <user data dir>/backups that pg_restore puts back as it was. A
backup that cannot be made stops the upgrade, saying why, before anything is
written."""

from __future__ import annotations

import stat
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.engine import Connection
from sqlalchemy.pool import NullPool

from pipetui.domain.money import Money
from pipetui.services import contacts as contact_service
from pipetui.services import deals as deal_service
from pipetui.services import locations
from pipetui.store import backups, migrations, tables
from pipetui.store import database as database_module
from pipetui.store.database import Database, open_database
from pipetui.store.light import SchemaError
from table_dump import Dump, dump, dump_connection

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
CURRENT = migrations.LATEST
NEXT = CURRENT + 1

pytestmark = pytest.mark.postgresql_only("pg_dump before a server's upgrade")


def _step_next(conn: Connection) -> None:
    """A step to NEXT that changes schema and data (as test_store_migrations')."""
    conn.exec_driver_sql("CREATE TABLE deal_note (id INTEGER PRIMARY KEY, body TEXT)")
    conn.exec_driver_sql("INSERT INTO deal_note (id, body) SELECT id, title FROM deal")
    conn.exec_driver_sql("UPDATE deal SET value_minor = value_minor * 100")
    conn.exec_driver_sql("ALTER TABLE deal ADD COLUMN priority INTEGER")


def _with_next_step(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        database_module,
        "prepare_schema",
        partial(migrations.prepare_schema, steps={NEXT: _step_next}, latest=NEXT),
    )


def _version(db: Database) -> int | None:
    with db.read() as conn:
        return migrations.read_version(conn)


def _dump_url(url: str) -> Dump:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return dump_connection(conn)
    finally:
        engine.dispose()


@pytest.fixture
def filled(db: Database) -> Iterator[tuple[str, Dump]]:
    """A database at the current schema with data; its URL and every row of it."""
    deal = deal_service.add_deal(db, title="Website redesign", value=Money(1_200_050, "USD"))
    deal_service.win_deal(db, deal.view.deal.id)
    deal_service.add_deal(db, title="Support plan — 日本", value=Money(90_000, "JPY"))
    contact_service.add_contact(db, name="محمد علي", email="m@example.com")
    rows = dump(db)
    db.dispose()
    yield str(db.url), rows


def test_an_upgrade_on_a_server_writes_a_pg_dump_first(
    filled: tuple[str, Dump], pg_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, before = filled
    _with_next_step(monkeypatch)

    migrated = open_database(url, now=NOW)
    try:
        assert _version(migrated) == NEXT
    finally:
        migrated.dispose()

    name = migrated.engine.url.database
    folder = locations.data_dir() / "backups"
    made = folder / f"{name}.v{CURRENT}-20261120T100000.dump"
    assert migrated.migration == migrations.MigrationReport(False, CURRENT, NEXT, made)
    assert stat.S_IMODE(made.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700

    # The dump holds the database as it was before the step.
    target = pg_server.new_database("restored")
    try:
        done = subprocess.run(
            [
                "pg_restore",
                "--no-owner",
                "--exit-on-error",
                f"--dbname={pg_server.dsn(target)}",
                made,
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        restored = _dump_url(pg_server.url(target))
    finally:
        pg_server.drop_database(target)
    assert restored == before
    assert [row[-1] for row in restored["pipetui_schema"]] == [CURRENT]  # (id, version)


def test_without_pg_dump_the_upgrade_is_refused_and_nothing_changes(
    filled: tuple[str, Dump], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, before = filled
    _with_next_step(monkeypatch)
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))

    with_password = url.replace("@/", ":s3cr@/", 1)  # (the test server trusts: accepted)
    assert with_password != url

    with pytest.raises(SchemaError) as refused:
        open_database(with_password, now=NOW)

    message = str(refused.value)
    assert f"is at schema version {CURRENT}" in message
    assert "backup failed: pg_dump is not on PATH" in message
    assert message.endswith("The database was not changed")
    assert "s3cr" not in message
    assert _dump_url(url) == before
    with create_engine(url, poolclass=NullPool).connect() as conn:
        assert conn.execute(select(tables.SCHEMA_VERSION.c.version)).scalar() == CURRENT
    assert list((locations.data_dir() / "backups").glob("*")) == []


def test_a_failing_pg_dump_leaves_no_half_backup_behind(
    filled: tuple[str, Dump], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, before = filled
    _with_next_step(monkeypatch)
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "pg_dump").write_text(
        "#!/bin/sh\nprintf 'PGDMP half'\necho 'pg_dump: error: connection lost' >&2\nexit 1\n",
        encoding="utf-8",
    )
    (fake / "pg_dump").chmod(0o755)
    monkeypatch.setenv("PATH", str(fake))

    with pytest.raises(SchemaError, match="pg_dump failed: pg_dump: error: connection lost"):
        open_database(url, now=NOW)

    assert _dump_url(url) == before
    assert list((locations.data_dir() / "backups").glob("*")) == []


def test_the_backup_directory_is_the_user_data_directory_s(tmp_path: Path) -> None:
    assert backups.backup_dir() == locations.data_dir() / "backups"
    assert str(backups.backup_dir()).startswith(str(tmp_path))  # (the fixtures' XDG_DATA_HOME)
