"""The tags and lead sources in use, with how many deals and contacts carry
each: what the funnel screen's segment picker offers as you type.

Tags are stored comma-separated, so the database groups whole tag columns
(few distinct ones: people reuse their tags) and the caller splits them.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from pipetui.store.tables import CONTACT, DEAL


def _in_use(conn: Connection, column: str) -> list[tuple[str, int]]:
    """Each distinct non-empty value of `column` on deals and contacts, with
    how many rows carry it (a value on both tables comes twice)."""
    found: list[tuple[str, int]] = []
    for table in (DEAL, CONTACT):
        value = table.c[column]
        rows = conn.execute(
            select(value, func.count()).where(value.is_not(None), value != "").group_by(value)
        )
        found += [(str(text), int(n)) for text, n in rows]
    return found


def tag_columns(conn: Connection) -> list[tuple[str, int]]:
    """Each distinct tags column of deals and contacts ("vip,q4") with how
    many rows carry it."""
    return _in_use(conn, "tags")


def source_names(conn: Connection) -> list[tuple[str, int]]:
    """Each lead source as written on deals and contacts, with how many rows
    carry it."""
    return _in_use(conn, "source")
