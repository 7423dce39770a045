"""Opening a database: engines, schema check and migration, online backup."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError

from pipetui.domain.errors import ValidationError
from pipetui.store import db_files
from pipetui.store import engine as engines
from pipetui.store.light import LATEST, SchemaError
from pipetui.store.migrations import MigrationReport, prepare_schema
from pipetui.store.recorder import current_recorder
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
        self.read_only = engines.write_refused(engine)
        """Why this database cannot be written (it was opened read-only), or None."""
        self.warnings: list[str] = []
        """What opening it changed or found that the user should hear once (a
        file made private); the CLI prints them on stderr."""
        self._watcher: sqlite3.Connection | None = None
        self._watcher_lock = threading.Lock()

    @property
    def path(self) -> Path | None:
        """The SQLite file, or None for another engine."""
        return engines.sqlite_path(self.url)

    @contextmanager
    def write(self, *, holding: str | None = None) -> Iterator[Connection]:
        """A write transaction: everything in the block lands, or nothing does.

        A `recording` recorder sees the rows right after BEGIN and right before
        COMMIT, inside this same transaction.

        `holding` says what a long write does ("importing deals.csv (20,000
        rows)"): while it holds the write lock, another writer that gives up
        waiting says so instead of a bare "database is locked". A read-only
        database refuses with a ValidationError on `db` saying why."""
        if self.read_only is not None:
            raise ValidationError("db", self.read_only)
        recorder = current_recorder()
        path = self.path
        with self._begin() as connection:
            note = db_files.leave_note(path, holding) if holding and path else None
            try:
                if recorder is not None:
                    recorder.began(connection)
                yield connection
                if recorder is not None:
                    recorder.ending(connection)
            finally:
                db_files.take_note_away(note)  # before COMMIT: still ours

    @contextmanager
    def _begin(self) -> Iterator[Connection]:
        """`engine.begin()`, with "database is locked" explained when the
        holder of the write lock left a note saying what it does."""
        with self.engine.connect() as connection:
            try:
                transaction = connection.begin()
            except OperationalError as error:
                explained = self._explain_busy(error)
                if explained is None:
                    raise
                raise explained from error
            with transaction:
                yield connection

    def _explain_busy(self, error: OperationalError) -> OperationalError | None:
        original, path = error.orig, self.path
        if path is None or not isinstance(original, sqlite3.OperationalError):
            return None
        code = getattr(original, "sqlite_errorcode", 0)
        if code & 0xFF != sqlite3.SQLITE_BUSY:
            return None
        holder = db_files.who_holds(path)
        if holder is None:
            return None
        waited = engines.BUSY_TIMEOUT_MS // 1000
        detail = sqlite3.OperationalError(
            f"database is locked: another pipetui is {holder}; gave up after waiting "
            f"{waited} s, try again when it has finished"
        )
        detail.sqlite_errorcode = code
        return OperationalError(error.statement, error.params, detail)

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
        # Created here, new and 0600, never through a symlink (O_EXCL refuses any
        # existing name, a dangling symlink included): a backup never writes
        # into someone else's file.
        flags = os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0)
        os.close(os.open(destination, flags, 0o600))
        try:
            with self.connect_sqlite() as source, sqlite3.connect(destination) as target:
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
                self._watcher = self.connect_sqlite()
            row = self._watcher.execute("PRAGMA data_version").fetchone()
        return int(row[0]) if row else None

    def connect_sqlite(self) -> sqlite3.Connection:
        """A plain sqlite3 connection to the file, as pipetui may open it: a
        database it cannot write is opened read-only, leaving no -shm or -wal
        behind (`db_files.read_only_uri`). Only for SQLite."""
        path = self.path
        if path is None:
            raise RuntimeError("not an SQLite database")
        if self.read_only is None:
            return sqlite3.connect(path, check_same_thread=False)
        uri = db_files.read_only_uri(path)
        return sqlite3.connect(uri, uri=True, check_same_thread=False)

    def dispose(self) -> None:
        """Close every pooled connection."""
        if self._watcher is not None:
            self._watcher.close()
            self._watcher = None
        self.engine.dispose()


def open_database(target: str, *, now: datetime, migrate: bool = True) -> Database:
    """Open (creating if needed) the database at a path or URL, schema up to date.

    Raises `SchemaError` for a database this pipetui cannot use; such a file is
    left exactly as it was. The user's own database file (and -wal, -shm) is
    made private first, saying so in `warnings`; one that cannot be written is
    opened read-only (`read_only` says why), and refused if it would need a
    schema upgrade.
    """
    url = engines.database_url(target)
    path = engines.sqlite_path(url)
    warnings = db_files.make_private(path) if path is not None else []
    engine, read_engine = engines.make_engines(url)
    database = Database(url, engine, read_engine)
    database.warnings = warnings
    refused = database.read_only

    def backup(version: int) -> Path | None:
        if refused is not None:
            raise SchemaError(
                f"{refused}; it is at schema version {version} and this pipetui needs "
                f"version {LATEST}: make it writable once so it can be upgraded"
            )
        return _backup_before(database, version, now)

    if migrate:
        try:
            database.migration = prepare_schema(engine, read_engine, backup=backup, now=now)
            if refused is None:
                engines.enable_wal(engine)
        except BaseException as error:
            database.dispose()
            if refused is not None and isinstance(error, ValidationError):
                raise SchemaError(
                    f"{refused}; it holds no pipetui tables yet, and creating them needs writing"
                ) from error
            raise
    return database


def _backup_before(database: Database, version: int, now: datetime) -> Path | None:
    path = database.path
    if path is None:
        return None
    stamp = now.strftime("%Y%m%dT%H%M%S")
    return database.backup_to(path.with_name(f"{path.name}.v{version}-{stamp}.bak"))
