"""Opening a database: engines, schema check and migration, online backup."""

from __future__ import annotations

import functools
import os
import sqlite3
import threading
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, TextClause, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError

from pipetui.domain.errors import ValidationError
from pipetui.store import backups, db_files
from pipetui.store import engine as engines
from pipetui.store.actor import USER_KEY
from pipetui.store.change_listener import ChangeListener
from pipetui.store.libpq import libpq_params
from pipetui.store.light import LATEST, SchemaError
from pipetui.store.migrations import MigrationReport, prepare_schema
from pipetui.store.recorder import current_recorder
from pipetui.store.rows import Rows

CHANGES_CHANNEL = "pipetui_changes"
"""The PostgreSQL NOTIFY channel every write transaction signals on commit."""


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
        self._listener: ChangeListener | None = None
        self.user: str | None = None
        """Who writes through this database (`--as`, PIPETUI_USER, else the
        database role on a server or the login name on SQLite); history rows
        record it (`pipetui.store.actor`)."""
        self.token = uuid.uuid4().hex
        """This process's mark on its change notices (PostgreSQL NOTIFY), so a
        window does not take its own writes for another user's."""

    @property
    def is_server(self) -> bool:
        """Whether this is a database server (PostgreSQL), not an SQLite file."""
        return self.engine.dialect.name != "sqlite"

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
            connection.info[USER_KEY] = self.user
            try:
                if holding and self.is_server:
                    # Seen by a writer that waits for the lock (`engines.held_by`).
                    connection.execute(
                        text("SELECT set_config('application_name', :what, true)"),
                        {"what": f"pipetui: {holding}"[:63]},
                    )
                if recorder is not None:
                    recorder.began(connection)
                yield connection
                if recorder is not None:
                    recorder.ending(connection)
            finally:
                connection.info.pop(USER_KEY, None)
                db_files.take_note_away(note)  # before COMMIT: still ours

    @contextmanager
    def _begin(self) -> Iterator[Connection]:
        """`engine.begin()`, with "database is locked" explained when the
        holder of the write lock left a note saying what it does."""
        with self.engine.connect() as connection:
            if self.is_server:
                # NOTIFY every listening window when this commits (sent by the
                # begin hook with the write lock: `engines.NOTIFY_KEY`).
                connection.info[engines.NOTIFY_KEY] = (CHANGES_CHANNEL, self.token)
            try:
                transaction = connection.begin()
            except OperationalError as error:
                explained = self._explain_busy(error)
                if explained is None:
                    raise
                raise explained from error
            finally:
                connection.info.pop(engines.NOTIFY_KEY, None)  # (the hook took it)
            with transaction:
                yield connection

    def _explain_busy(self, error: OperationalError) -> OperationalError | None:
        original, path = error.orig, self.path
        waited = f"{engines.BUSY_TIMEOUT_MS / 1000:g}"
        if path is None and getattr(original, "sqlstate", None) == "55P03":
            # PostgreSQL's lock_timeout on the write lock: say who holds it.
            with self.read() as connection:
                holder = engines.held_by(connection)
            what = (
                f"another client holds the write lock: {holder}"
                if holder
                else ("another client held the write lock")
            )
            reason = RuntimeError(
                f"database is busy: {what}; gave up after waiting {waited} s, "
                "try again when it has finished"
            )
            return OperationalError(error.statement, error.params, reason)
        if path is None or not isinstance(original, sqlite3.OperationalError):
            return None
        code = getattr(original, "sqlite_errorcode", 0)
        if code & 0xFF != sqlite3.SQLITE_BUSY:
            return None
        holder = db_files.who_holds(path)
        if holder is None:
            return None
        detail = sqlite3.OperationalError(
            f"database is locked: another pipetui is {holder}; gave up after waiting "
            f"{waited} s, try again when it has finished"
        )
        detail.sqlite_errorcode = code
        return OperationalError(error.statement, error.params, detail)

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read transaction with one consistent snapshot.

        On a server it ends with COMMIT when all went well: the same as a
        ROLLBACK for a READ ONLY transaction, but psycopg forgets its prepared
        statements at every ROLLBACK, so every read would be planned again
        (about a quarter of a stage move's time in the database)."""
        with self.read_engine.connect() as connection:
            try:
                yield connection
            except BaseException:
                connection.rollback()
                raise
            if self.is_server:
                connection.commit()
            else:
                connection.rollback()

    @contextmanager
    def read_rows(self) -> Iterator[Rows]:
        """A read transaction for plain SQL (see `pipetui.store.rows`)."""
        with self.read() as connection:

            def rows(sql: str, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
                result = connection.execute(_text(sql), dict(params))
                return [tuple(row) for row in result]

            yield rows

    def backup_to(self, destination: Path) -> Path:
        """Copy the database online to a new 0600 file and check the copy.

        SQLite: the backup API (never a file copy: that can tear a live WAL
        database), then ``integrity_check``. PostgreSQL: ``pg_dump
        --format=custom``, one consistent snapshot, then ``pg_restore --list``
        (`pipetui.store.backups`); `BackupError` when pg_dump is missing or
        fails. The file is created new (`FileExistsError` for any existing
        name, a symlink included) and removed again if the backup fails."""
        source_path = self.path
        if source_path is None:
            if self.engine.dialect.name != "postgresql":
                raise backups.BackupError(
                    f"backup is built in for SQLite and PostgreSQL, not {self.engine.dialect.name}"
                )
            return backups.pg_dump_to(self.engine, destination)
        os.close(backups.new_private_file(destination))
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
        """A number that changes when another connection commits, so a window
        can notice other pipetui processes writing without polling any table:
        SQLite's ``PRAGMA data_version``; on PostgreSQL a count of other
        sessions' change notices (`ChangeListener`: no SQL, no waiting). None
        for other engines."""
        path = self.path
        if path is None:
            return self._server_version()
        with self._watcher_lock:
            if self._watcher is None:
                self._watcher = self.connect_sqlite()
            row = self._watcher.execute("PRAGMA data_version").fetchone()
        return int(row[0]) if row else None

    @property
    def counts_own_writes(self) -> bool:
        """Whether `data_version` also moves on this Database's own commits
        (SQLite) or only on other sessions' (PostgreSQL: ours carry `token`)."""
        return not self.is_server

    def _server_version(self) -> int | None:
        if self.engine.dialect.name != "postgresql":
            return None
        with self._watcher_lock:
            if self._listener is None:
                self._listener = ChangeListener(
                    libpq_params(self.engine), channel=CHANGES_CHANNEL, own_token=self.token
                )
            listener = self._listener
        return listener.version()

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
        """Close every pooled connection, and the change listener."""
        if self._watcher is not None:
            self._watcher.close()
            self._watcher = None
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        self.engine.dispose()


@functools.lru_cache(maxsize=256)
def _text(sql: str) -> TextClause:
    """Plain SQL with `:name` parameters, bound by SQLAlchemy for any driver
    (psycopg's own placeholders are `%(name)s`)."""
    return text(sql)


def open_database(
    target: str, *, now: datetime, migrate: bool = True, user: str | None = None
) -> Database:
    """Open (creating if needed) the database at a path or URL, schema up to date.

    `user` is who writes through it (`Database.user`, recorded in history rows;
    None: not known). Who that is by default (the database role, the login
    name) is for the caller to say: `pipetui.store.actor.default_user`.

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
    database.user = user
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
    """The backup every schema upgrade takes first: beside an SQLite file; for a
    PostgreSQL database, a pg_dump in <user data dir>/backups (a server has no
    "beside"). A server backup that cannot be made stops the upgrade
    (`SchemaError`) before anything is written."""
    path = database.path
    stamp = now.strftime("%Y%m%dT%H%M%S")
    if path is not None:
        return database.backup_to(path.with_name(f"{path.name}.v{version}-{stamp}.bak"))
    if not database.is_server:
        return None
    name = backups.file_name_part(database.engine.url.database or "postgres")
    try:
        destination = backups.backup_dir() / f"{name}.v{version}-{stamp}.dump"
        return database.backup_to(destination)
    except (backups.BackupError, OSError) as error:
        where = database.engine.url.render_as_string(hide_password=True)
        raise SchemaError(
            f"{where} is at schema version {version} and this pipetui needs version "
            f"{LATEST}; it backs a database up before upgrading it, and that backup "
            f"failed: {error}. The database was not changed"
        ) from error
