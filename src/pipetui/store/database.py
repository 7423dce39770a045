"""Opening a database: engines, schema check and migration, online backup."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.engine import Connection

from pipetui.store import engine as engines
from pipetui.store.migrations import MigrationReport, prepare_schema
from pipetui.store.rows import Rows


class Database:
    """One database: `write()` for a BEGIN IMMEDIATE transaction, `read()` for reads.

    Both are context managers yielding a Connection; leaving the block commits,
    an exception rolls everything back.
    """

    def __init__(self, url: str, engine: Engine, read_engine: Engine) -> None:
        self.url = url
        self.engine = engine
        self.read_engine = read_engine
        self.migration: MigrationReport | None = None
        self._watcher: sqlite3.Connection | None = None
        self._watcher_lock = threading.Lock()

    @property
    def path(self) -> Path | None:
        """The SQLite file, or None for another engine."""
        return engines.sqlite_path(self.url)

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction: everything in the block lands, or nothing does."""
        with self.engine.begin() as connection:
            yield connection

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read transaction with one consistent snapshot."""
        with self.read_engine.connect() as connection:
            try:
                yield connection
            finally:
                connection.rollback()

    @contextmanager
    def read_rows(self) -> Iterator[Rows]:
        """A read transaction for plain SQL (see `pipetui.store.rows`)."""
        with self.read() as connection:

            def rows(sql: str, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
                result = connection.exec_driver_sql(sql, dict(params))
                return [tuple(row) for row in result]

            yield rows

    def backup_to(self, destination: Path) -> Path:
        """Copy the database online (SQLite backup API) to a new 0600 file, then
        check the copy's integrity. Never a file copy: that can tear a live WAL db."""
        source_path = self.path
        if source_path is None:
            raise RuntimeError("backup is only built in for SQLite databases")
        if destination.exists():
            raise FileExistsError(f"{destination} exists; choose another name")
        engines.create_private_file(destination)
        try:
            with sqlite3.connect(source_path) as source, sqlite3.connect(destination) as target:
                source.backup(target)
                target.execute("PRAGMA journal_mode = DELETE")
                result = target.execute("PRAGMA integrity_check").fetchone()[0]
            source.close()
            target.close()
            if result != "ok":
                raise RuntimeError(f"backup failed its integrity check: {result}")
        except BaseException:
            destination.unlink(missing_ok=True)
            raise
        return destination

    def data_version(self) -> int | None:
        """A number that changes when another connection commits (SQLite's
        ``PRAGMA data_version``), so a window can notice other pipetui processes
        writing without polling any table. None for other engines."""
        path = self.path
        if path is None:
            return None
        with self._watcher_lock:
            if self._watcher is None:
                self._watcher = sqlite3.connect(path, check_same_thread=False)
            row = self._watcher.execute("PRAGMA data_version").fetchone()
        return int(row[0]) if row else None

    def dispose(self) -> None:
        """Close every pooled connection."""
        if self._watcher is not None:
            self._watcher.close()
            self._watcher = None
        self.engine.dispose()


def open_database(target: str, *, now: datetime, migrate: bool = True) -> Database:
    """Open (creating if needed) the database at a path or URL, schema up to date.

    Raises `SchemaError` for a database this pipetui cannot use; such a file is
    left exactly as it was.
    """
    url = engines.database_url(target)
    engine, read_engine = engines.make_engines(url)
    database = Database(url, engine, read_engine)
    if migrate:
        try:
            database.migration = prepare_schema(
                engine,
                read_engine,
                backup=lambda version: _backup_before(database, version, now),
                now=now,
            )
            engines.enable_wal(engine)
        except BaseException:
            database.dispose()
            raise
    return database


def _backup_before(database: Database, version: int, now: datetime) -> Path | None:
    path = database.path
    if path is None:
        return None
    stamp = now.strftime("%Y%m%dT%H%M%S")
    return database.backup_to(path.with_name(f"{path.name}.v{version}-{stamp}.bak"))
