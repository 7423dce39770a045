"""Engine set-up: where SQLite's defaults would lose data, this makes it safe.

- WAL journal (set once the schema check passed), ``synchronous=NORMAL``,
  ``busy_timeout`` and ``foreign_keys=ON`` on every connection.
- Real ``BEGIN IMMEDIATE`` write transactions, following SQLAlchemy's documented
  recipe for the sqlite3 driver ("Serializable isolation / Savepoints /
  Transactional DDL"): the driver's own implicit transactions are switched off and
  SQLAlchemy's ``begin`` emits the BEGIN itself. Without it, two processes doing
  read-modify-write lose about half their updates silently.
- Read-only work goes through `read_engine`, whose BEGIN is deferred, so readers
  never queue behind writers in WAL mode.
- A file this user cannot write is opened read-only without leaving files
  behind (`pipetui.store.db_files`), and its writes are refused saying why.

This is the only place with SQLite-specific SQL; everything else stays portable.
"""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.pool import NullPool

from pipetui.domain.errors import ValidationError
from pipetui.store import db_files

BUSY_TIMEOUT_MS = 15_000
_READ_ONLY = "pipetui_read_only"
_WRITE_REFUSED = "pipetui_write_refused"


def database_url(target: str) -> str:
    """An SQLAlchemy URL from a file path or a URL (anything with "://"),
    refused (`ValidationError` on `db`) where no data could be kept: see
    `check_url`."""
    if "://" in target:
        check_url(target)
        return target
    if not target.strip():
        raise ValidationError("db", "is empty; give a database file or an SQLAlchemy URL")
    return f"sqlite:///{Path(target).expanduser().resolve()}"


def check_url(url: str, *, field: str = "db") -> None:
    """Refuse a URL that would "work" and lose the data, or fail deep inside
    SQLAlchemy: not a URL at all, an unknown database, in-memory SQLite (gone
    when the command ends), or a database whose driver is not installed.

    `field` names where the URL came from (`db`, or `PIPETUI_DB`).
    """
    try:
        parsed = make_url(url)
        dialect = parsed.get_dialect()
    except NoSuchModuleError:
        name = url.split("://", 1)[0]
        raise ValidationError(field, f"unknown database {name!r} in the URL") from None
    except ArgumentError:
        raise ValidationError(field, "not a file path or an SQLAlchemy URL") from None
    backend, database = parsed.get_backend_name(), parsed.database or ""
    if backend == "sqlite" and (
        not database or ":memory:" in database or parsed.query.get("mode") == "memory"
    ):
        message = "an in-memory SQLite database loses everything when pipetui exits"
        raise ValidationError(field, f"{message}; give a file path")
    try:
        dialect.import_dbapi()
    except ImportError as error:
        if backend == "postgresql":
            message = "the PostgreSQL driver is not installed: pip install 'pipetui[postgres]'"
        else:
            message = f"the {backend} driver is not installed ({error})"
        raise ValidationError(field, message) from None


def sqlite_path(url: str) -> Path | None:
    """The database file of an SQLite URL, or None (another engine, or in memory)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def create_private_file(path: Path) -> None:
    """Create `path` (if missing) readable by its owner only, whatever the umask.

    SQLite gives the -wal and -shm files the mode of the database file, so
    creating the database 0600 keeps all three private.
    """
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)


def make_engines(url: str) -> tuple[Engine, Engine]:
    """The write engine and the read-only engine for `url` (they share one pool).

    An SQLite file that cannot be written (`db_files.write_refusal`) is opened
    read-only, leaving no file behind (`db_files.read_only_uri`), one
    connection per use so each sees a writer that came or went; its write
    engine refuses every write transaction with a `ValidationError` saying why.
    """
    path = sqlite_path(url)
    if path is None:
        engine = create_engine(url, pool_pre_ping=True)
        return engine, engine.execution_options(**{_READ_ONLY: True})
    if not path.parent.is_dir():
        raise FileNotFoundError(f"directory does not exist: {path.parent}")
    if not path.exists():
        create_private_file(path)
    refused = db_files.write_refusal(path)
    if refused is None:
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 15})
    else:

        def connect() -> sqlite3.Connection:
            uri = db_files.read_only_uri(path)
            return sqlite3.connect(uri, uri=True, check_same_thread=False, timeout=15)

        engine = create_engine(url, creator=connect, poolclass=NullPool)
    event.listen(engine, "connect", _on_sqlite_connect)
    event.listen(engine, "begin", _on_sqlite_begin)
    if refused is not None:
        reason = f"the database is read-only ({path}): {refused}"
        engine = engine.execution_options(**{_WRITE_REFUSED: reason})
    return engine, engine.execution_options(**{_READ_ONLY: True})


def write_refused(engine: Engine) -> str | None:
    """Why this engine cannot write (its database is read-only), or None."""
    reason = engine.get_execution_options().get(_WRITE_REFUSED)
    return str(reason) if reason else None


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Stop pysqlite from issuing its own BEGIN; SQLAlchemy's begin event does it.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def _on_sqlite_begin(connection: Connection) -> None:
    options = connection.get_execution_options()
    read_only = options.get(_READ_ONLY, False)
    if not read_only and options.get(_WRITE_REFUSED):
        raise ValidationError("db", str(options[_WRITE_REFUSED]))
    connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def enable_wal(engine: Engine) -> None:
    """Switch an SQLite file to WAL; persistent, so done once after the schema check.

    When several processes open a new file at once, they all try the switch
    together; SQLite then fails all but one with "database is locked" at once,
    without waiting (its deadlock avoidance skips the busy timeout). So a busy
    switch is retried until the file is in WAL, by us or by the other process.
    """
    if sqlite_path(engine.url.render_as_string(hide_password=False)) is None:
        return
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    raw = engine.raw_connection()  # outside any transaction: WAL cannot change inside one
    try:
        cursor = raw.cursor()
        while True:
            try:
                cursor.execute("PRAGMA journal_mode")
                row = cursor.fetchone()
                if row is None or str(row[0]).lower() != "wal":
                    cursor.execute("PRAGMA journal_mode = WAL")
                break
            except sqlite3.OperationalError as error:
                busy = getattr(error, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_BUSY
                if not busy or time.monotonic() > deadline:
                    raise
                time.sleep(0.005)
        cursor.close()
    finally:
        raw.close()
