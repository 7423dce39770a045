"""A minimal way to run plain, portable SQL: the `Rows` callable.

The board's queries are written once as SQL text with `:name` parameters and run
either through SQLAlchemy (`Database.read_rows`) or, at start-up, straight through
the sqlite3 driver (`LightReader`), so the first board frame does not wait for
SQLModel and SQLAlchemy to import. Nothing here imports either of them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, date, datetime
from typing import Any, Protocol

Rows = Callable[[str, Mapping[str, Any]], list[tuple[Any, ...]]]
"""Run one SELECT with named parameters; return its rows as tuples."""


class RowSource(Protocol):
    """Anything that can open a read transaction and run plain SQL in it."""

    @property
    def is_server(self) -> bool:
        """A database server (PostgreSQL), not an SQLite file: the SQLite-only
        indexes (`contact_search`, `deal_search`) are not there."""
        ...

    def read_rows(self) -> AbstractContextManager[Rows]:
        """A consistent snapshot to run several SELECTs in."""
        ...


def expand(name: str, values: Sequence[Any]) -> tuple[str, dict[str, Any]]:
    """An IN list as placeholders: ("(:ids_0, :ids_1)", {"ids_0": 1, "ids_1": 2})."""
    if not values:
        return "(NULL)", {}
    names = [f"{name}_{i}" for i in range(len(values))]
    return "(" + ", ".join(f":{n}" for n in names) + ")", dict(zip(names, values, strict=True))


def moment(value: Any) -> datetime | None:
    """A stored time (text without offset, always UTC) as an aware datetime."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromisoformat(str(value)).replace(tzinfo=UTC)


def day(value: Any) -> date | None:
    """A stored date (text YYYY-MM-DD, or a date) as a date."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])
