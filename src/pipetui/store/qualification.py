"""Queries and writes for qualification answers (BANT or another framework),
and the history of how they changed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection, Row

from pipetui.domain.bant import Answer, CriterionAnswer
from pipetui.domain.bant_history import AnswerChange, DatedChange
from pipetui.domain.money import Money
from pipetui.store.actor import actor
from pipetui.store.tables import DEAL, QUALIFICATION, QUALIFICATION_CHANGE


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


def save_answers(
    conn: Connection,
    deal_id: int,
    after: Mapping[str, CriterionAnswer],
    changes: Sequence[AnswerChange],
    *,
    now: datetime,
    framework: str = "bant",
) -> None:
    """Write the changed criteria's answers and one history row per change (by
    the transaction's user, `actor`), and mark the deal updated; in the
    caller's transaction."""
    existing = {
        criterion: answer_id
        for answer_id, criterion in conn.execute(
            select(QUALIFICATION.c.id, QUALIFICATION.c.criterion).where(
                QUALIFICATION.c.deal_id == deal_id, QUALIFICATION.c.framework == framework
            )
        )
    }
    for change in changes:
        answer = after[change.criterion]
        values = {
            "status": answer.status.value,
            "amount_minor": answer.amount.minor if answer.amount else None,
            "currency": answer.amount.currency if answer.amount else None,
            "who": answer.who,
            "note": answer.note,
            "target_date": answer.target_date,
            "updated_at": now,
        }
        if change.criterion in existing:
            conn.execute(
                update(QUALIFICATION)
                .where(QUALIFICATION.c.id == existing[change.criterion])
                .values(**values)
            )
        else:
            conn.execute(
                insert(QUALIFICATION).values(
                    deal_id=deal_id, framework=framework, criterion=change.criterion, **values
                )
            )
        conn.execute(
            insert(QUALIFICATION_CHANGE).values(
                deal_id=deal_id,
                framework=framework,
                criterion=change.criterion,
                from_status=change.before.value,
                to_status=change.after.value,
                details=change.details,
                at=now,
                by=actor(conn),
            )
        )
    if changes:
        conn.execute(
            update(DEAL)
            .where(DEAL.c.id == deal_id)
            .values(updated_at=now, version=DEAL.c.version + 1)
        )


def history(conn: Connection, deal_id: int, framework: str = "bant") -> list[DatedChange]:
    """A deal's answer changes, oldest first."""
    rows = conn.execute(
        select(QUALIFICATION_CHANGE)
        .where(
            QUALIFICATION_CHANGE.c.deal_id == deal_id,
            QUALIFICATION_CHANGE.c.framework == framework,
        )
        .order_by(QUALIFICATION_CHANGE.c.at, QUALIFICATION_CHANGE.c.id)
    )
    return [
        DatedChange(
            row.at,
            AnswerChange(
                row.criterion, Answer(row.from_status), Answer(row.to_status), row.details
            ),
            row.by,
        )
        for row in rows
    ]
