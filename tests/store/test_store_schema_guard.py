"""A database pipetui cannot use is refused before anything is written: the file
is byte-for-byte as it was, with no backup, -wal or -shm left beside it."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from pipetui.domain.money import Money
from pipetui.services import deals as deal_service
from pipetui.store import migrations, tables
from pipetui.store.database import Database, open_database
from table_dump import dump_connection

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def _settle(path: Path) -> None:
    """Fold any WAL content into the main file, so its hash covers everything."""
    plain = sqlite3.connect(path)
    try:
        plain.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        plain.close()


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _folder(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir())


def _refused(path: Path) -> migrations.SchemaError:
    """Open `path`, which must be refused without a change; return the error."""
    _settle(path)
    digest, files = _sha256(path), _folder(path)
    with pytest.raises(migrations.SchemaError) as refusal:
        open_database(str(path), now=NOW)
    assert _sha256(path) == digest
    assert _folder(path) == files
    return refusal.value


def _refused_server(url: str) -> migrations.SchemaError:
    """Open the server database at `url`, which must be refused with every
    table exactly as it was; return the error."""
    engine = create_engine(url, poolclass=NullPool)

    def everything() -> object:
        with engine.connect() as conn:
            return dump_connection(conn)

    before = everything()
    with pytest.raises(migrations.SchemaError) as refusal:
        open_database(url, now=NOW)
    assert everything() == before
    engine.dispose()
    return refusal.value


def test_a_database_from_a_newer_pipetui_is_refused_untouched(db: Database) -> None:
    deal_service.add_deal(db, title="Keep me", value=Money(5_000, "EUR"))
    with db.write() as conn:
        conn.execute(tables.SCHEMA_VERSION.update().values(version=migrations.LATEST + 1))
    db.dispose()

    error = _refused(db.path) if db.path is not None else _refused_server(db.url)

    message = str(error)
    assert f"schema version {migrations.LATEST + 1}" in message
    assert "newer" in message
    assert "upgrade pipetui" in message
    assert "not changed" in message


def test_a_database_of_another_application_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "invoices.db"
    plain = sqlite3.connect(path)
    plain.execute("CREATE TABLE invoice (id INTEGER PRIMARY KEY, total INTEGER)")
    plain.execute("INSERT INTO invoice (total) VALUES (4200)")
    plain.commit()
    plain.close()

    error = _refused(path)

    assert "not a pipetui database" in str(error)
    plain = sqlite3.connect(path)
    try:
        # Not even switched to WAL (that would rewrite the header).
        assert plain.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    finally:
        plain.close()


def test_a_file_that_is_not_a_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("Call Dana about the renewal.\n" * 20, encoding="utf-8")
    files = _folder(path)
    digest = _sha256(path)

    with pytest.raises(migrations.SchemaError, match="not a database pipetui can read"):
        open_database(str(path), now=NOW)

    assert _sha256(path) == digest
    assert _folder(path) == files
