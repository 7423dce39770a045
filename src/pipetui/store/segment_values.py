"""The tags and lead sources in use, with how many deals and contacts carry
each: what the funnel screen's segment picker offers as you type.

Tags are stored comma-separated, so the database groups whole tag columns
(few distinct ones: people reuse their tags) and the caller splits them.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from pipetui.store.tables import CONTACT, DEAL


def tag_columns(conn: Connection) -> list[tuple[str, int]]:
    """Each distinct tags column of deals and contacts ("vip,q4") with how
    many rows carry it."""
    found: list[tuple[str, int]] = []
    for table in (DEAL, CONTACT):
        count = func.count()
        rows = conn.execute(
            select(table.c.tags, count)
            .where(table.c.tags.is_not(None), table.c.tags != "")
            .group_by(table.c.tags)
        )
        found += [(str(tags), int(n)) for tags, n in rows]
    return found


def source_names(conn: Connection) -> list[tuple[str, int]]:
    """Each lead source as written on deals and contacts, with how many rows
    carry it."""
    found: list[tuple[str, int]] = []
    for table in (DEAL, CONTACT):
        count = func.count()
        rows = conn.execute(
            select(table.c.source, count)
            .where(table.c.source.is_not(None), table.c.source != "")
            .group_by(table.c.source)
        )
        found += [(str(source), int(n)) for source, n in rows]
    return found
