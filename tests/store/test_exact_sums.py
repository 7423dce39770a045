"""Sums over money stay exact past 64 bits: SQLite's SUM() raises "integer
overflow" there and TOTAL() is a float, so the store sums the high and low 32
bits apart and joins them in Python."""

from __future__ import annotations

import sqlite3
from contextlib import closing

from sqlalchemy import BigInteger, Column, MetaData, Table, create_engine, select

from pipetui.store.sums import joined, sum_columns, sum_sql

# Past 2**63 in total, with negative values and values around 2**32 on the way.
VALUES = [10**17] * 200 + [2**32 - 1, 2**32, -(2**40) - 7, 0, 1, 2**62]


def test_plain_sql_halves_join_to_the_exact_sum() -> None:
    with closing(sqlite3.connect(":memory:")) as conn:
        conn.execute("CREATE TABLE t (x INTEGER)")
        conn.executemany("INSERT INTO t VALUES (?)", [(v,) for v in VALUES])
        high, low = conn.execute(f"SELECT {sum_sql('x')} FROM t").fetchone()
        empty = conn.execute(f"SELECT {sum_sql('x')} FROM t WHERE x IS NULL").fetchone()
    assert sum(VALUES) > 2**63  # what SUM(x) alone cannot hold
    assert joined(high, low) == sum(VALUES)
    assert joined(*empty) == 0


def test_sqlalchemy_halves_join_to_the_exact_sum() -> None:
    table = Table("t", MetaData(), Column("x", BigInteger))
    engine = create_engine("sqlite://")
    with engine.begin() as conn:
        table.create(conn)
        conn.execute(table.insert(), [{"x": v} for v in VALUES])
        high, low = conn.execute(select(*sum_columns(table.c.x))).one()
        product_high, product_low = conn.execute(
            select(*sum_columns(table.c.x * 3)).where(table.c.x == 10**17)
        ).one()
    assert joined(high, low) == sum(VALUES)
    assert joined(product_high, product_low) == 200 * 3 * 10**17
