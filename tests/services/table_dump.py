"""Every row of every table, to show that something changed nothing, or that
undo put everything back. The funnel summary is compared by what it holds,
not by its row ids: a bucket emptied and filled again is the same bucket."""

from __future__ import annotations

from typing import Any

from pipetui.store.database import Database

Dump = dict[str, list[tuple[Any, ...]]]


VERSIONED = ("contact", "deal")
"""Tables whose rows carry a version: a concurrency token of one database, not
data, so a copy (export, import, restore) starts them again at 1."""


def _select_all(conn: Any, table: str, versions: bool) -> str:
    if table in VERSIONED and not versions:
        columns = [row[1] for row in conn.exec_driver_sql(f'PRAGMA table_info("{table}")')]
        listed = ", ".join(f'"{c}"' for c in columns if c != "version")
        return f'SELECT {listed} FROM "{table}" ORDER BY 1'
    if table == "funnel_fact":
        return (
            "SELECT pipeline_id, day, fact, stage_id, currency, n, amount, amount_own,"
            " ms, open_n, open_start FROM funnel_fact ORDER BY 1, 2, 3, 4, 5"
        )
    return f'SELECT * FROM "{table}" ORDER BY 1'


def dump(db: Database, *, versions: bool = True) -> Dump:
    """Every table's rows, straight from SQL (`versions=False`: without the rows'
    version counters, to compare a copy with its original)."""
    with db.read() as conn:
        names = [
            name
            for (name,) in conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        return {
            name: [tuple(row) for row in conn.exec_driver_sql(_select_all(conn, name, versions))]
            for name in names
        }
