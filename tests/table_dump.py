"""Every row of every table, to show that something changed nothing, or that
undo put everything back. The funnel summary is compared by what it holds,
not by its row ids: a bucket emptied and filled again is the same bucket.

Engine-neutral (SQLite and PostgreSQL): tables and columns come from
SQLAlchemy's inspector, rows are sorted in Python."""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from pipetui.store.database import Database

Dump = dict[str, list[tuple[Any, ...]]]


VERSIONED = ("contact", "deal")
"""Tables whose rows carry a version: a concurrency token of one database, not
data, so a copy (export, import, restore) starts them again at 1."""

_FACT_COLUMNS = (
    "pipeline_id",
    "day",
    "fact",
    "stage_id",
    "currency",
    "n",
    "amount",
    "amount_own",
    "ms",
    "open_n",
    "open_start",
)


RENUMBERED = ("stage_history", "qualification_change")
"""Tables whose row ids a copy numbers anew: no one refers to them, and on
PostgreSQL a rolled-back attempt (a dry run, a failed import) has already used
some numbers of the sequence, which never go back."""


def _columns(conn: Connection, table: str, versions: bool) -> list[str]:
    if table == "funnel_fact":
        return list(_FACT_COLUMNS)
    columns = [str(column["name"]) for column in inspect(conn).get_columns(table)]
    if table in VERSIONED and not versions:
        columns = [c for c in columns if c != "version"]
    if table in RENUMBERED and not versions:
        columns = [c for c in columns if c != "id"]
    return columns


def _key(row: tuple[Any, ...]) -> tuple[tuple[bool, str], ...]:
    return tuple((value is None, repr(value)) for value in row)


PAGES = ("contact_search_data", "contact_search_idx", "deal_search_data", "deal_search_idx")
"""SQLite's trigram indexes of contacts (schema v8) and deals (v9) as pages,
whose bytes depend on the order of writes; what they hold is compared through
`contact_search` and `deal_search` themselves and their `_content` and
`_docsize` tables."""


def dump_connection(conn: Connection, *, versions: bool = True) -> Dump:
    """Every table's rows, read in one snapshot."""
    found: Dump = {}
    for name in sorted(set(inspect(conn).get_table_names()) - set(PAGES)):
        listed = ", ".join(f'"{c}"' for c in _columns(conn, name, versions))
        rows = [tuple(row) for row in conn.exec_driver_sql(f'SELECT {listed} FROM "{name}"')]
        found[name] = sorted(rows, key=_key)
    return found


def dump(db: Database, *, versions: bool = True) -> Dump:
    """Every table's rows, straight from SQL (`versions=False`: as a copy would
    hold them, without the rows' version counters and the history's row ids,
    to compare a copy with its original)."""
    with db.read() as conn:
        return dump_connection(conn, versions=versions)
