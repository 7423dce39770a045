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

On PostgreSQL (team mode, DESIGN.md §5 and docs/decisions.md "Team mode"):

- ``postgresql://`` means psycopg 3 (``pipetui[postgres]``), not psycopg2.
- Every write transaction first takes one transaction-scoped advisory lock of
  the database (`WRITE_LOCK`), so writers take turns exactly as on SQLite
  (``BEGIN IMMEDIATE``): every read-modify-write, the funnel summary's deltas
  and rebuilds, and schema creation or migration see the latest committed rows
  and cannot interleave. Readers never wait (MVCC). Rows are also locked where
  they are read for a change (``SELECT ... FOR UPDATE``), so the rule holds
  for anything that writes without taking the lock.
- Reads run in REPEATABLE READ, READ ONLY: one snapshot for the whole block,
  as SQLite's deferred BEGIN gives.
- A writer waits at most `BUSY_TIMEOUT_MS` for the lock (``lock_timeout``),
  then fails saying who holds it (`held_by`).

This is the only place with engine-specific SQL; everything else stays portable.
"""

from __future__ import annotations

import functools
import os
import sqlite3
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Select, create_engine, event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.pool import NullPool

from pipetui.domain.errors import ValidationError
from pipetui.store import db_files

BUSY_TIMEOUT_MS = 15_000
WRITE_LOCK = 0x70697065_74756931 & 0x7FFF_FFFF_FFFF_FFFF
"""The key of PostgreSQL's per-database advisory write lock ("pipetui1")."""
_READ_ONLY = "pipetui_read_only"
_WRITE_REFUSED = "pipetui_write_refused"


def database_url(target: str) -> str:
    """An SQLAlchemy URL from a file path or a URL (anything with "://"),
    refused (`ValidationError` on `db`) where no data could be kept: see
    `check_url`."""
    if "://" in target:
        url = server_url(target)
        check_url(url)
        return url
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


def server_url(url: str) -> str:
    """A PostgreSQL URL naming psycopg 3: plain ``postgresql://`` (and
    ``postgres://``, as libpq spells it) would make SQLAlchemy look for
    psycopg2, which pipetui does not use."""
    for plain in ("postgresql://", "postgres://"):
        if url.startswith(plain):
            return "postgresql+psycopg://" + url[len(plain) :]
    return url


def is_server(url: str) -> bool:
    """Whether the URL names a database server (PostgreSQL), not a file."""
    return url.startswith("postgresql")


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
        return _server_engines(url)
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


def _server_engines(url: str) -> tuple[Engine, Engine]:
    engine = create_engine(
        url,
        pool_pre_ping=True,
        pool_size=2,
        connect_args={"application_name": "pipetui"},
    )
    if engine.dialect.name == "postgresql":
        event.listen(engine, "connect", _on_postgresql_connect)
        event.listen(engine, "begin", _on_postgresql_begin)
    read = engine.execution_options(
        **{_READ_ONLY: True}, isolation_level="REPEATABLE READ", postgresql_readonly=True
    )
    return engine, read


def _on_postgresql_connect(dbapi_connection: Any, _record: Any) -> None:
    # Times are handed over with their offset; the session's zone only matters
    # for text casts, which pipetui never uses, but UTC keeps psql sessions and
    # pipetui's own in agreement. DateStyle is fixed for the same reason.
    autocommit = dbapi_connection.autocommit
    dbapi_connection.autocommit = True
    cursor = dbapi_connection.cursor()
    cursor.execute(
        f"SET TIME ZONE 'UTC'; SET DateStyle = 'ISO, YMD'; SET lock_timeout = {BUSY_TIMEOUT_MS}"
    )
    cursor.close()
    dbapi_connection.autocommit = autocommit


NOTIFY_KEY = "pipetui_notify"
"""`Connection.info` key: (channel, token) to NOTIFY when this write commits,
sent with the write lock's statement (one round trip fewer per write; a NOTIFY
is only delivered at COMMIT, and dropped with a rollback, wherever it is sent)."""


def _on_postgresql_begin(connection: Connection) -> None:
    options = connection.get_execution_options()
    if options.get(_READ_ONLY, False):
        return
    notice = connection.info.pop(NOTIFY_KEY, None)
    if notice is None:
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")
    else:
        connection.exec_driver_sql(
            f"SELECT pg_advisory_xact_lock({WRITE_LOCK}), pg_notify(%(channel)s, %(token)s)",
            {"channel": notice[0], "token": notice[1]},
        )


def held_by(connection: Connection) -> str | None:
    """On PostgreSQL, what the session holding the write lock is doing (its
    `application_name`, e.g. "pipetui: importing deals.csv"), or None."""
    row = connection.exec_driver_sql(
        "SELECT a.application_name, a.usename FROM pg_locks l "
        "JOIN pg_stat_activity a ON a.pid = l.pid "
        "WHERE l.locktype = 'advisory' AND l.granted AND l.database = "
        "(SELECT oid FROM pg_database WHERE datname = current_database()) "
        f"AND (l.classid::bigint << 32 | l.objid::bigint) = {WRITE_LOCK} LIMIT 1"
    ).first()
    if row is None:
        return None
    return f"{row[0] or 'another client'} (role {row[1]})"


def select_many(
    connection: Connection, queries: Sequence[Select[Any]], params: dict[str, Any]
) -> list[list[dict[str, Any]]]:
    """The rows of several SELECTs (sharing `params`), as dicts by column name:
    in one round trip on PostgreSQL (psycopg's pipeline mode: every query is
    sent, then one sync), one after the other elsewhere. Undo's snapshot of a
    deal is six small SELECTs, taken twice per change: on a server each one
    cost a round trip.

    Only for queries built once (they are compiled once) whose columns psycopg
    returns as SQLAlchemy would: integers, text, booleans, dates and times, no
    type that converts results."""
    driver = connection.connection.driver_connection
    pipeline = getattr(driver, "pipeline", None)
    if connection.dialect.name != "postgresql" or driver is None or pipeline is None:
        return [
            [dict(row._mapping) for row in connection.execute(query, params)] for query in queries
        ]
    with pipeline():
        cursors = [
            driver.execute(_compiled(query, connection.dialect), params) for query in queries
        ]
    return [_dicts(cursor) for cursor in cursors]


def _dicts(cursor: Any) -> list[dict[str, Any]]:
    names = [column.name for column in cursor.description]  # (built anew at each call)
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


@functools.lru_cache(maxsize=64)
def _compiled(query: Select[Any], dialect: Any) -> str:
    return str(query.compile(dialect=dialect))


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
