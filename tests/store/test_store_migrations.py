"""Schema migrations: backed up first, then all steps and the new stamp in one
transaction; a failing step leaves the file exactly as it was."""

from __future__ import annotations

import sqlite3
import stat
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from pipetui.domain.money import Money
from pipetui.services import contacts as contact_service
from pipetui.services import deals as deal_service
from pipetui.store import database as database_module
from pipetui.store import engine as engines
from pipetui.store import migrations
from pipetui.store.database import Database, open_database

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def _fill(db: Database) -> None:
    """Some data of every kind a step might touch."""
    won = deal_service.add_deal(
        db, title="Website redesign", value=Money(1_200_050, "USD"), contact="Dana Levi"
    )
    deal_service.win_deal(db, won.view.deal.id)
    deal_service.add_deal(db, title="Support plan — 日本", value=Money(90_000, "JPY"))
    contact_service.add_contact(db, name="محمد علي", email="m@example.com")


def _dump(path: Path) -> dict[str, Any]:
    """Everything in the file: schema objects, every row of every table, the version."""
    plain = sqlite3.connect(path)
    try:
        schema = plain.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
        ).fetchall()
        names = [row[1] for row in schema if row[0] == "table"]
        rows = {
            name: plain.execute(f'SELECT * FROM "{name}" ORDER BY rowid').fetchall()
            for name in names
        }
        version = plain.execute("SELECT version FROM pipetui_schema").fetchall()
    finally:
        plain.close()
    return {"schema": schema, "rows": rows, "version": version}


def _columns(db: Database) -> dict[str, list[tuple[str, str, bool]]]:
    """Table -> (column, type, nullable), as SQLAlchemy's inspector sees it."""
    with db.read() as conn:
        inspector = inspect(conn)
        return {
            table: [
                (c["name"], str(c["type"]), c["nullable"]) for c in inspector.get_columns(table)
            ]
            for table in sorted(inspector.get_table_names())
        }


def _version(db: Database) -> int | None:
    with db.read() as conn:
        return migrations.read_version(conn)


def _backup_into(db: Database, folder: Path, calls: list[Any]) -> Callable[[int], Path]:
    """A backup callback like open_database's, noting the version it saw on disk."""

    def backup(version: int) -> Path:
        calls.append(("backup", version, _version(db)))
        return db.backup_to(folder / f"before-v{version}.bak")

    return backup


def _step_2(calls: list[Any]) -> migrations.Step:
    """A realistic step: a new table with data, a changed column, a new column."""

    def step(conn: Connection) -> None:
        calls.append(("step", 2))
        conn.exec_driver_sql("CREATE TABLE deal_note (id INTEGER PRIMARY KEY, body TEXT)")
        conn.exec_driver_sql("INSERT INTO deal_note (body) SELECT title FROM deal")
        conn.exec_driver_sql("UPDATE deal SET value_minor = value_minor * 100")
        conn.exec_driver_sql("ALTER TABLE deal ADD COLUMN priority INTEGER")
        conn.exec_driver_sql("CREATE INDEX ix_deal_priority ON deal (priority)")
        conn.exec_driver_sql("DELETE FROM contact WHERE email IS NOT NULL")

    return step


def _check_backup(path: Path, expected: dict[str, Any]) -> None:
    """The backup opens, passes integrity_check, is private and holds `expected`."""
    assert path.is_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not path.with_name(path.name + "-wal").exists()
    plain = sqlite3.connect(path)
    try:
        assert plain.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert plain.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    finally:
        plain.close()
    assert _dump(path) == expected


def test_a_new_database_is_created_stamped_and_seeded(db: Database) -> None:
    assert db.migration == migrations.MigrationReport(True, 0, migrations.LATEST)
    assert _version(db) == migrations.LATEST
    with db.read() as conn:
        stages = conn.exec_driver_sql("SELECT name FROM stage ORDER BY position").all()
    assert [s[0] for s in stages] == [
        "Prospecting",
        "Qualification",
        "Initial contact",
        "Needs assessment",
        "Proposal",
        "Negotiation",
    ]


def test_opening_an_up_to_date_database_changes_nothing(db: Database, db_path: Path) -> None:
    _fill(db)
    before = _dump(db_path)
    again = open_database(str(db_path), now=NOW)
    again.dispose()
    assert again.migration == migrations.MigrationReport(False, 1, 1)
    assert _dump(db_path) == before
    assert sorted(p.name for p in db_path.parent.iterdir() if p.suffix == ".bak") == []


def test_a_failing_step_leaves_schema_data_and_version_as_they_were(
    db: Database, db_path: Path, tmp_path: Path
) -> None:
    _fill(db)
    before = _dump(db_path)
    columns_before = _columns(db)
    calls: list[Any] = []

    def step_3(conn: Connection) -> None:
        calls.append(("step", 3))
        # Step 2's work is visible here, inside the same transaction...
        assert conn.exec_driver_sql("SELECT count(*) FROM deal_note").scalar() == 2
        raise RuntimeError("step 3 is broken")

    with pytest.raises(RuntimeError, match="step 3 is broken"):
        migrations.prepare_schema(
            db.engine,
            db.read_engine,
            backup=_backup_into(db, tmp_path, calls),
            now=NOW,
            steps={2: _step_2(calls), 3: step_3},
            latest=3,
        )

    # ...and gone afterwards: both steps ran, and nothing of them is left.
    assert calls == [("backup", 1, 1), ("step", 2), ("step", 3)]
    assert _dump(db_path) == before
    assert _columns(db) == columns_before
    assert "deal_note" not in _columns(db)
    assert _version(db) == 1
    with db.read() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    # The backup taken first is a sound copy of the same data.
    _check_backup(tmp_path / "before-v1.bak", before)


def test_a_successful_migration_backs_up_first_then_applies_every_step(
    db: Database, db_path: Path, tmp_path: Path
) -> None:
    _fill(db)
    before = _dump(db_path)
    calls: list[Any] = []

    def step_3(conn: Connection) -> None:
        calls.append(("step", 3))
        conn.exec_driver_sql("UPDATE deal SET priority = 1")

    report = migrations.prepare_schema(
        db.engine,
        db.read_engine,
        backup=_backup_into(db, tmp_path, calls),
        now=NOW,
        steps={2: _step_2(calls), 3: step_3},
        latest=3,
    )

    backup = tmp_path / "before-v1.bak"
    assert report == migrations.MigrationReport(False, 1, 3, backup)
    assert calls == [("backup", 1, 1), ("step", 2), ("step", 3)]
    assert _version(db) == 3
    columns = _columns(db)
    assert [c[0] for c in columns["deal_note"]] == ["id", "body"]
    assert "priority" in [c[0] for c in columns["deal"]]
    with db.read() as conn:
        values = conn.exec_driver_sql("SELECT value_minor, priority FROM deal ORDER BY id").all()
        contacts = conn.exec_driver_sql("SELECT count(*) FROM contact").scalar()
    assert [tuple(v) for v in values] == [(120_005_000, 1), (9_000_000, 1)]
    assert contacts == 1  # the contact with an email went, "Dana Levi" stayed
    # The backup holds the database as it was before any step.
    _check_backup(backup, before)

    # Run again at the same version: nothing to do, no second backup.
    again = migrations.prepare_schema(
        db.engine,
        db.read_engine,
        backup=_backup_into(db, tmp_path, calls),
        now=NOW,
        steps={2: _step_2(calls), 3: step_3},
        latest=3,
    )
    assert again == migrations.MigrationReport(False, 3, 3)
    assert len(calls) == 3


def test_a_failing_backup_stops_the_migration_before_any_step(db: Database, db_path: Path) -> None:
    _fill(db)
    before = _dump(db_path)
    calls: list[Any] = []

    def backup(version: int) -> Path:
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        migrations.prepare_schema(
            db.engine,
            db.read_engine,
            backup=backup,
            now=NOW,
            steps={2: _step_2(calls)},
            latest=2,
        )
    assert calls == []
    assert _dump(db_path) == before


def test_open_database_backs_up_beside_the_file_before_migrating(
    db: Database, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(db)
    db.dispose()
    before = _dump(db_path)
    monkeypatch.setattr(
        database_module,
        "prepare_schema",
        partial(migrations.prepare_schema, steps={2: _step_2([])}, latest=2),
    )

    migrated = open_database(str(db_path), now=NOW)
    migrated.dispose()

    backup = db_path.with_name("pipetui.db.v1-20261120T100000.bak")
    assert migrated.migration == migrations.MigrationReport(False, 1, 2, backup)
    _check_backup(backup, before)
    assert _dump(db_path)["version"] == [(2,)]


def _stale_first_read(monkeypatch: pytest.MonkeyPatch, stale: int) -> None:
    """Make prepare_schema's first look at the version see `stale`, as if another
    process changed the file right after that look."""
    real = migrations.read_version
    seen: list[int | None] = []

    def read_version(conn: Connection) -> int | None:
        seen.append(real(conn))
        return stale if len(seen) == 1 else seen[-1]

    monkeypatch.setattr(migrations, "read_version", read_version)


def test_a_database_another_process_just_created_is_not_created_twice(
    db: Database, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(db)
    before = _dump(db_path)
    engine, read_engine = engines.make_engines(db.url)
    _stale_first_read(monkeypatch, 0)
    try:
        report = migrations.prepare_schema(
            engine, read_engine, backup=lambda version: None, now=NOW
        )
    finally:
        engine.dispose()
    assert report == migrations.MigrationReport(False, 1, 1)
    assert _dump(db_path) == before  # no second "Sales" pipeline, no second version row


def test_a_migration_another_process_just_ran_is_not_run_again(
    db: Database, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(db)
    calls: list[Any] = []
    steps = {2: _step_2(calls)}
    backup = _backup_into(db, tmp_path, calls)
    migrations.prepare_schema(
        db.engine, db.read_engine, backup=backup, now=NOW, steps=steps, latest=2
    )
    migrated = _dump(db_path)
    calls.clear()
    _stale_first_read(monkeypatch, 1)

    report = migrations.prepare_schema(
        db.engine,
        db.read_engine,
        backup=lambda version: tmp_path / "unused.bak",
        now=NOW,
        steps=steps,
        latest=2,
    )

    assert calls == []  # step 2 did not run a second time
    assert report.from_version == report.to_version == 2
    assert _dump(db_path) == migrated
