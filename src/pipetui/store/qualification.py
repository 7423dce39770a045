"""Queries and writes for qualification answers (BANT or another framework)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection, Row

from pipetui.domain.bant import Answer, CriterionAnswer
from pipetui.domain.money import Money
from pipetui.store.tables import QUALIFICATION


def answers(conn: Connection, deal_id: int, framework: str = "bant") -> dict[str, CriterionAnswer]:
    """The saved answers of a deal, by criterion key."""
    rows = conn.execute(
        select(QUALIFICATION).where(
            QUALIFICATION.c.deal_id == deal_id, QUALIFICATION.c.framework == framework
        )
    )
    return {row.criterion: _answer(row) for row in rows}


def _answer(row: Row[*tuple[Any, ...]]) -> CriterionAnswer:
    amount = None
    if row.amount_minor is not None and row.currency:
        amount = Money(row.amount_minor, row.currency)
    return CriterionAnswer(
        status=Answer(row.status),
        amount=amount,
        who=row.who,
        note=row.note,
        target_date=row.target_date,
    )
