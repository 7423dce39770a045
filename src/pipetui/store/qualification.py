"""Queries and writes for qualification answers (BANT or another framework)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Connection

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
    return {
        row.criterion: CriterionAnswer(
            status=Answer(row.status),
            amount=Money(row.amount_minor, row.currency)
            if row.amount_minor is not None and row.currency
            else None,
            who=row.who,
            note=row.note,
            target_date=row.target_date,
        )
        for row in rows
    }


def save_answers(
    conn: Connection,
    *,
    deal_id: int,
    answers: dict[str, CriterionAnswer],
    now: datetime,
    framework: str = "bant",
) -> None:
    """Replace the given criteria's answers for a deal."""
    for criterion, answer in answers.items():
        conn.execute(
            delete(QUALIFICATION).where(
                QUALIFICATION.c.deal_id == deal_id,
                QUALIFICATION.c.framework == framework,
                QUALIFICATION.c.criterion == criterion,
            )
        )
        conn.execute(
            insert(QUALIFICATION).values(
                deal_id=deal_id,
                framework=framework,
                criterion=criterion,
                status=answer.status.value,
                amount_minor=answer.amount.minor if answer.amount else None,
                currency=answer.amount.currency if answer.amount else None,
                who=answer.who,
                note=answer.note,
                target_date=answer.target_date,
                updated_at=now,
            )
        )
