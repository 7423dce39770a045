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

BUSY_TIMEOUT_MS = 15_000
_READ_ONLY = "pipetui_read_only"


def database_url(target: str) -> str:
    """An SQLAlchemy URL from a file path or a URL (anything with "://")."""
    if "://" in target:
        return target
    return f"sqlite:///{Path(target).expanduser().resolve()}"


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
    """The write engine and the read-only engine for `url` (they share one pool)."""
    path = sqlite_path(url)
    if path is None:
        engine = create_engine(url, pool_pre_ping=True)
        return engine, engine.execution_options(**{_READ_ONLY: True})
    if not path.parent.is_dir():
        raise FileNotFoundError(f"directory does not exist: {path.parent}")
    if not path.exists():
        create_private_file(path)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 15})
    event.listen(engine, "connect", _on_sqlite_connect)
    event.listen(engine, "begin", _on_sqlite_begin)
    return engine, engine.execution_options(**{_READ_ONLY: True})


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Stop pysqlite from issuing its own BEGIN; SQLAlchemy's begin event does it.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def _on_sqlite_begin(connection: Connection) -> None:
    read_only = connection.get_execution_options().get(_READ_ONLY, False)
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
