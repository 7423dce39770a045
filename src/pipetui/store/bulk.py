"""Bulk writes for large loads (`pipetui demo --deals N`, imports): one statement
per thousand rows on SQLite, one COPY per table on PostgreSQL, instead of one
ORM object per row.

No DDL on PostgreSQL: dropping an index takes an ACCESS EXCLUSIVE lock on its
table until the transaction ends, so an import that rebuilt indexes would lock
every other user out (readers too) for as long as it runs. COPY keeps the
indexes and is fast enough with them (docs/decisions.md, "Team mode: bulk
writes and speed on PostgreSQL")."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.engine import Connection

from pipetui.store.tables import METADATA

DAY = 86_400
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# On SQLite, from this many new rows (when more than the table holds), indexes
# are dropped and rebuilt: one sort per index instead of a million random
# B-tree inserts. The file is locked for the whole write anyway.
REBUILD_INDEXES_FROM = 50_000


def sqlite_stamps(now: int) -> Callable[[int], str]:
    """SQLite keeps times as text in SQLAlchemy's layout (UTC, with microseconds);
    writing that text directly, glued from precomputed parts, costs a tenth of a
    datetime conversion per row. Covers the 1,000 days up to `now`."""
    first = now // DAY - 1000
    days = [(EPOCH + timedelta(days=first + n)).strftime("%Y-%m-%d ") for n in range(1002)]
    minutes = [f"{m // 60:02d}:{m % 60:02d}:" for m in range(1440)]
    seconds = [f"{s:02d}.000000" for s in range(60)]
    return lambda t: days[t // DAY - first] + minutes[t % DAY // 60] + seconds[t % 60]


def insert_rows(conn: Connection, name: str, columns: Sequence[str], rows: list[Any]) -> None:
    """Insert rows (tuples or lists in `columns` order) in the caller's transaction.

    On SQLite, multi-row INSERT ... VALUES statements (up to 999 parameters each)
    go straight to the driver's executemany: measured about 3x faster than a Core
    executemany on a million rows. On PostgreSQL, one COPY (`copy_rows`). Other
    engines get a Core executemany."""
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        copy_rows(conn, name, columns, rows)
        if "id" in columns:  # rows with their own ids: later inserts must not reuse one
            advance_sequences(conn, (name,))
        return
    if conn.dialect.name != "sqlite":
        table = METADATA.tables[name]
        conn.execute(insert(table), [dict(zip(columns, row, strict=True)) for row in rows])
        return
    indexes = _indexes_to_rebuild(conn, name, len(rows))
    for index in indexes:
        index.drop(conn)
    head = f"INSERT INTO {name} ({_names(columns)}) VALUES "
    one = "(" + ", ".join("?" * len(columns)) + ")"
    per = max(1, 999 // len(columns))
    whole = len(rows) // per * per
    flat = itertools.chain.from_iterable
    if whole:
        chunks = [tuple(flat(rows[n : n + per])) for n in range(0, whole, per)]
        conn.exec_driver_sql(head + ", ".join([one] * per), chunks)
    if whole < len(rows):
        rest = rows[whole:]
        conn.exec_driver_sql(head + ", ".join([one] * len(rest)), [tuple(flat(rest))])
    for index in indexes:
        index.create(conn)


def _indexes_to_rebuild(conn: Connection, name: str, count: int) -> list[Any]:
    """The indexes an SQLite bulk insert of `count` rows drops and rebuilds:
    all of the table's when the rows are many and more than it holds."""
    if count < REBUILD_INDEXES_FROM:
        return []
    table = METADATA.tables[name]
    held = conn.execute(select(func.count()).select_from(table)).scalar() or 0
    return sorted(table.indexes, key=lambda i: str(i.name)) if count > held else []


def copy_rows(conn: Connection, name: str, columns: Sequence[str], rows: list[Any]) -> None:
    """PostgreSQL: `COPY name (columns) FROM STDIN` through psycopg 3, on the
    driver connection under `conn`, so in its transaction (and under the write
    lock it took). About ten times as fast as an executemany of INSERTs, and
    it only takes the ROW EXCLUSIVE lock any INSERT takes.

    Values go as psycopg dumps them in text format: times with their offset
    into ``timestamptz`` columns, dates, ints, booleans, None as NULL. COPY
    fills a column left out with its server default only, so the table's
    Python-side defaults (what an INSERT through SQLAlchemy would add) are
    added to each row here; a default that is not a plain value goes the
    INSERT way."""
    table = METADATA.tables[name]
    missing = [
        column
        for column in table.columns
        if column.name not in columns and column.default is not None
        and column.server_default is None
    ]  # fmt: skip
    if any(not getattr(column.default, "is_scalar", False) for column in missing):
        conn.execute(insert(table), [dict(zip(columns, row, strict=True)) for row in rows])
        return
    added = tuple(getattr(column.default, "arg", None) for column in missing)
    driver: Any = conn.connection.dbapi_connection
    statement = f"COPY {name} ({_names([*columns, *(c.name for c in missing)])}) FROM STDIN"
    with driver.cursor() as cursor, cursor.copy(statement) as copy:
        write = copy.write_row
        if added:
            for row in rows:
                write((*row, *added))
        else:
            for row in rows:
                write(row)


def _names(columns: Sequence[str]) -> str:
    """A column list, each name quoted (`by`, who made a history row, is an
    SQL keyword)."""
    return ", ".join(f'"{column}"' for column in columns)


def advance_sequences(conn: Connection, tables: Sequence[str]) -> None:
    """After inserting explicit ids, move PostgreSQL's id sequences past them;
    never back (a sequence past the largest id has handed out ids since
    deleted, and does not hand them out again)."""
    if conn.dialect.name != "postgresql":
        return
    for name in tables:
        sequence = f"pg_get_serial_sequence('{name}', 'id')"
        conn.exec_driver_sql(
            f"SELECT setval({sequence}, most) FROM (SELECT max(id) AS most FROM {name}) AS t"
            f" WHERE most > coalesce(pg_sequence_last_value({sequence}), 0)"
        )


def time_column(conn: Connection) -> Callable[[datetime | None], Any]:
    """How a time is passed to `insert_rows`: on SQLite, the text SQLAlchemy
    itself would store (UTC wall time with microseconds); elsewhere the value."""
    if conn.dialect.name != "sqlite":
        return lambda moment: moment

    seen: dict[datetime, str] = {}  # imports repeat times (now, created = entered)

    def text(moment: datetime | None) -> str | None:
        if moment is None:
            return None
        found = seen.get(moment)
        if found is None:
            utc = moment.astimezone(UTC).replace(tzinfo=None)
            found = seen[moment] = utc.isoformat(" ", "microseconds")
        return found

    return text


def date_column(conn: Connection) -> Callable[[date | None], Any]:
    """How a date is passed to `insert_rows` (ISO text on SQLite)."""
    if conn.dialect.name != "sqlite":
        return lambda day: day
    return lambda day: None if day is None else day.isoformat()
