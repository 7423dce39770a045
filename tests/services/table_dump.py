"""Every row of every table, to show that something changed nothing, or that
undo put everything back. The funnel summary is compared by what it holds,
not by its row ids: a bucket emptied and filled again is the same bucket."""

from __future__ import annotations

from typing import Any

from pipetui.store.database import Database

Dump = dict[str, list[tuple[Any, ...]]]


def _select_all(table: str) -> str:
    if table == "funnel_fact":
        return (
            "SELECT pipeline_id, day, fact, stage_id, currency, n, amount, amount_own,"
            " ms, open_n, open_start FROM funnel_fact ORDER BY 1, 2, 3, 4, 5"
        )
    return f'SELECT * FROM "{table}" ORDER BY 1'


def dump(db: Database) -> Dump:
    """Every table's rows, straight from SQL."""
    with db.read() as conn:
        names = [
            name
            for (name,) in conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        return {
            name: [tuple(row) for row in conn.exec_driver_sql(_select_all(name))] for name in names
        }
