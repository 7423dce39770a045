"""Exact sums over money in SQL, at any size.

One SUM over minor units (or value × probability) overflows 64 bits long before
a database is big: SQLite raises "integer overflow", its TOTAL() is a float, and
SQLite has no wider integer. So a sum is read as two aggregates, the sums of the
high and of the low 32 bits of each value, and joined exactly in Python: each
half fits for any number of rows below 2**31, and the database still does the
adding. `>>` is arithmetic and `&` two's complement on SQLite and on PostgreSQL
(whose SUM(bigint) is an exact numeric anyway), so negative values split
exactly too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the light reader (board, deal list) must not import SQLAlchemy
    from sqlalchemy.sql.elements import ColumnElement

LOW_BITS = 4294967295
"""2**32 - 1: the low half of a 64-bit integer."""


def sum_sql(expression: str) -> str:
    """The two aggregates, in plain SQL (the light reader's board)."""
    return f"sum(({expression}) >> 32), sum(({expression}) & {LOW_BITS})"


def sum_columns(value: ColumnElement[Any]) -> tuple[ColumnElement[Any], ColumnElement[Any]]:
    """The two aggregates, as SQLAlchemy expressions."""
    from sqlalchemy import BigInteger, func, literal_column

    # The shift count as a literal: PostgreSQL has bigint >> integer, not a
    # bigint parameter on the right.
    shift = literal_column("32", BigInteger)
    return func.sum(value.bitwise_rshift(shift)), func.sum(value.bitwise_and(LOW_BITS))


def joined(high: Any, low: Any) -> int:
    """The exact sum from its two halves (None: no rows). PostgreSQL returns
    sums as numeric (Decimal); int() keeps them exact."""
    return (int(high or 0) << 32) + int(low or 0)
