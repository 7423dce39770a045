"""Looking contacts up by name as a name is being typed (the deal form's
Contact field): the first name starting with what was typed, and how many
contacts have exactly a name. Both read only `sort_name` (the name's search
key, NFKC-casefolded) through its index, so they cost the same at 100,000
contacts as at ten."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from pipetui.store.tables import CONTACT

_LAST = "\U0010ffff"
"""The highest code point: every key starting with `k` sorts before `k + _LAST`."""


def first_name_starting(conn: Connection, key: str) -> str | None:
    """The name of the first contact (in name order) whose `sort_name` starts
    with `key` (a `search_key`), or None.

    On SQLite the prefix is a range of the index (binary order is code point
    order); a server's collation may order otherwise, so there it is LIKE."""
    column = CONTACT.c.sort_name
    found: ColumnElement[bool]
    if conn.dialect.name == "sqlite":
        found = (column >= key) & (column < key + _LAST)
    else:
        found = column.startswith(key, autoescape=True)
    query = select(CONTACT.c.name).where(found).order_by(column, CONTACT.c.id).limit(1)
    name = conn.execute(query).scalar()
    return None if name is None else str(name)


def ids_named(conn: Connection, key: str, *, limit: int = 2) -> list[int]:
    """Ids of (up to `limit`) contacts whose `sort_name` is exactly `key`."""
    query = select(CONTACT.c.id).where(CONTACT.c.sort_name == key).order_by(CONTACT.c.id)
    return [int(i) for (i,) in conn.execute(query.limit(limit))]


def exists(conn: Connection, contact_id: int) -> str | None:
    """The name of contact `contact_id`, None when there is no such contact."""
    name = conn.execute(select(CONTACT.c.name).where(CONTACT.c.id == contact_id)).scalar()
    return None if name is None else str(name)
