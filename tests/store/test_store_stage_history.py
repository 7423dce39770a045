"""Every stage move and status change of a deal writes exactly one stage_history
row, in the same transaction as the change; a refused change writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError

from pipetui.domain.deal import StageChange
from pipetui.domain.deal_status import DealStatus
from pipetui.domain.errors import ValidationError
from pipetui.domain.money import Money
from pipetui.services import deals as deal_service
from pipetui.store.database import Database

OPEN, WON, LOST = DealStatus.OPEN, DealStatus.WON, DealStatus.LOST


def _at(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 11, day, hour, 0, tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[datetime], None]:
    """Set the frozen clock (PIPETUI_NOW) to a moment."""

    def set_now(moment: datetime) -> None:
        monkeypatch.setenv("PIPETUI_NOW", moment.isoformat())

    set_now(_at(20))
    return set_now


@pytest.fixture
def stage_ids(db: Database) -> dict[str, int]:
    with db.read() as conn:
        rows = conn.exec_driver_sql("SELECT name, id FROM stage").all()
    return {name: stage_id for name, stage_id in rows}


def _history_rows(db: Database) -> list[tuple[Any, ...]]:
    """Every row of the stage_history table, straight from SQL."""
    with db.read() as conn:
        rows = conn.exec_driver_sql("SELECT * FROM stage_history ORDER BY id").all()
    return [tuple(row) for row in rows]


def _deal_row(db: Database, deal_id: int) -> tuple[Any, ...]:
    with db.read() as conn:
        row = conn.exec_driver_sql(f"SELECT * FROM deal WHERE id = {deal_id}").one()
    return tuple(row)


def _history(db: Database, deal_id: int) -> list[StageChange]:
    return deal_service.show_deal(db, deal_id).history


def _one_more_row(db: Database, deal_id: int, change: Callable[[], object]) -> StageChange:
    """Run `change`; exactly one history row must appear, for this deal. Return it."""
    before = _history_rows(db)
    change()
    after = _history_rows(db)
    assert after[: len(before)] == before
    assert len(after) == len(before) + 1
    return _history(db, deal_id)[-1]


def test_each_move_and_status_change_writes_exactly_one_row(
    db: Database, clock: Callable[[datetime], None], stage_ids: dict[str, int]
) -> None:
    added = deal_service.add_deal(db, title="Fleet renewal", value=Money(4_500_000, "USD"))
    deal_id = added.view.deal.id
    assert _history(db, deal_id) == [
        StageChange(deal_id, _at(20), stage_ids["Prospecting"], OPEN, None, None)
    ]
    assert len(_history_rows(db)) == 1

    clock(_at(21))
    row = _one_more_row(db, deal_id, lambda: deal_service.move_deal(db, deal_id, stage="proposal"))
    assert row == StageChange(
        deal_id, _at(21), stage_ids["Proposal"], OPEN, stage_ids["Prospecting"], OPEN
    )

    clock(_at(22))
    row = _one_more_row(db, deal_id, lambda: deal_service.step_deal(db, deal_id, steps=1))
    assert row == StageChange(
        deal_id, _at(22), stage_ids["Negotiation"], OPEN, stage_ids["Proposal"], OPEN
    )

    clock(_at(23))
    row = _one_more_row(db, deal_id, lambda: deal_service.step_deal(db, deal_id, steps=-1))
    assert row == StageChange(
        deal_id, _at(23), stage_ids["Proposal"], OPEN, stage_ids["Negotiation"], OPEN
    )

    clock(_at(24))
    row = _one_more_row(db, deal_id, lambda: deal_service.win_deal(db, deal_id))
    # Won is a status, not a stage: the deal stays in Proposal.
    assert row == StageChange(
        deal_id, _at(24), stage_ids["Proposal"], WON, stage_ids["Proposal"], OPEN
    )

    clock(_at(25))
    row = _one_more_row(db, deal_id, lambda: deal_service.reopen_deal(db, deal_id))
    assert row == StageChange(
        deal_id, _at(25), stage_ids["Proposal"], OPEN, stage_ids["Proposal"], WON
    )

    clock(_at(26))
    row = _one_more_row(
        db, deal_id, lambda: deal_service.lose_deal(db, deal_id, reason="Went with a rival")
    )
    assert row == StageChange(
        deal_id, _at(26), stage_ids["Proposal"], LOST, stage_ids["Proposal"], OPEN
    )

    clock(_at(27))
    row = _one_more_row(db, deal_id, lambda: deal_service.reopen_deal(db, deal_id))
    assert row == StageChange(
        deal_id, _at(27), stage_ids["Proposal"], OPEN, stage_ids["Proposal"], LOST
    )

    assert len(_history(db, deal_id)) == 8
    assert len(_history_rows(db)) == 8


def test_the_deal_row_changes_with_its_history(
    db: Database, clock: Callable[[datetime], None], stage_ids: dict[str, int]
) -> None:
    deal_id = deal_service.add_deal(db, title="Audit", value=Money(100, "EUR")).view.deal.id

    clock(_at(21))
    moved = deal_service.move_deal(db, deal_id, stage="Needs assessment").deal
    assert (moved.stage_id, moved.stage_entered_at) == (stage_ids["Needs assessment"], _at(21))

    clock(_at(22))
    lost, followup = deal_service.lose_deal(
        db, deal_id, reason="No budget this year", revisit=date(2027, 1, 15)
    )
    assert (lost.deal.status, lost.deal.closed_at) == (LOST, _at(22))
    assert lost.deal.lost_reason == "No budget this year"
    assert lost.deal.stage_entered_at == _at(21)  # a status change is not a move
    assert followup is not None and followup.due == date(2027, 1, 15)

    clock(_at(23))
    reopened = deal_service.reopen_deal(db, deal_id).deal
    assert (reopened.status, reopened.closed_at) == (OPEN, None)
    assert reopened.stage_id == stage_ids["Needs assessment"]


@pytest.mark.parametrize(
    ("status", "attempt", "field"),
    [
        (WON, lambda db, i: deal_service.move_deal(db, i, stage="Negotiation"), "deal"),
        (WON, lambda db, i: deal_service.step_deal(db, i, steps=1), "deal"),
        (LOST, lambda db, i: deal_service.step_deal(db, i, steps=-1), "deal"),
        (WON, lambda db, i: deal_service.win_deal(db, i), "deal"),
        (WON, lambda db, i: deal_service.lose_deal(db, i, reason="late"), "deal"),
        (LOST, lambda db, i: deal_service.win_deal(db, i), "deal"),
        (OPEN, lambda db, i: deal_service.reopen_deal(db, i), "deal"),
        (OPEN, lambda db, i: deal_service.move_deal(db, i, stage="Proposal"), "stage"),
        (OPEN, lambda db, i: deal_service.move_deal(db, i, stage="PROPOSAL"), "stage"),
        (OPEN, lambda db, i: deal_service.move_deal(db, i, stage="Closed won"), "stage"),
        (OPEN, lambda db, i: deal_service.lose_deal(db, i, reason="   "), "reason"),
        (OPEN, lambda db, i: deal_service.move_deal(db, 9_999, stage="Proposal"), "deal"),
    ],
    ids=[
        "move-won",
        "step-won",
        "step-lost",
        "win-won",
        "lose-won",
        "win-lost",
        "reopen-open",
        "move-to-same-stage",
        "move-to-same-stage-any-case",
        "move-to-unknown-stage",
        "lose-without-reason",
        "move-unknown-deal",
    ],
)
def test_a_refused_change_writes_nothing(
    db: Database,
    clock: Callable[[datetime], None],
    status: DealStatus,
    attempt: Callable[[Database, int], object],
    field: str,
) -> None:
    deal_id = deal_service.add_deal(db, title="Steady", value=Money(100, "EUR")).view.deal.id
    deal_service.move_deal(db, deal_id, stage="Proposal")
    if status is WON:
        deal_service.win_deal(db, deal_id)
    elif status is LOST:
        deal_service.lose_deal(db, deal_id, reason="Budget cut")
    history, deal = _history_rows(db), _deal_row(db, deal_id)

    clock(_at(28))
    with pytest.raises(ValidationError) as refusal:
        attempt(db, deal_id)

    assert refusal.value.field == field
    assert _history_rows(db) == history
    assert _deal_row(db, deal_id) == deal


def test_stepping_past_either_end_writes_nothing(db: Database) -> None:
    first = deal_service.add_deal(db, title="At the start", value=Money(1, "EUR")).view.deal.id
    last = deal_service.add_deal(
        db, title="At the end", value=Money(1, "EUR"), stage="Negotiation"
    ).view.deal.id
    history = _history_rows(db)
    rows = (_deal_row(db, first), _deal_row(db, last))

    with pytest.raises(ValidationError, match="first stage"):
        deal_service.step_deal(db, first, steps=-1)
    with pytest.raises(ValidationError, match="last stage"):
        deal_service.step_deal(db, last, steps=1)

    assert _history_rows(db) == history
    assert (_deal_row(db, first), _deal_row(db, last)) == rows


@pytest.mark.parametrize(
    ("status", "change"),
    [
        (OPEN, lambda db, i: deal_service.move_deal(db, i, stage="Negotiation")),
        (OPEN, lambda db, i: deal_service.step_deal(db, i, steps=1)),
        (OPEN, lambda db, i: deal_service.win_deal(db, i)),
        (OPEN, lambda db, i: deal_service.lose_deal(db, i, reason="Too slow")),
        (LOST, lambda db, i: deal_service.reopen_deal(db, i)),
        (None, lambda db, i: deal_service.add_deal(db, title="New", value=Money(1, "EUR"))),
    ],
    ids=["move", "step", "win", "lose", "reopen", "add"],
)
def test_a_change_whose_history_row_fails_does_not_happen(
    db: Database, status: DealStatus | None, change: Callable[[Database, int], object]
) -> None:
    """The history row is written in the change's own transaction: when the
    database refuses the row, the change is rolled back with it."""
    deal_id = deal_service.add_deal(db, title="Atomic", value=Money(100, "EUR")).view.deal.id
    deal_service.move_deal(db, deal_id, stage="Proposal")
    if status is LOST:
        deal_service.lose_deal(db, deal_id, reason="Budget cut")
    with db.read() as conn:
        deals_before = conn.exec_driver_sql("SELECT * FROM deal ORDER BY id").all()
    history = _history_rows(db)
    with db.write() as conn:
        if db.is_server:
            conn.exec_driver_sql(
                "CREATE FUNCTION refuse_history() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                " RAISE EXCEPTION 'history refused'"
                " USING ERRCODE = 'integrity_constraint_violation';"
                " END $$"
            )
            conn.exec_driver_sql(
                "CREATE TRIGGER refuse_history BEFORE INSERT ON stage_history "
                "FOR EACH ROW EXECUTE FUNCTION refuse_history()"
            )
        else:
            conn.exec_driver_sql(
                "CREATE TRIGGER refuse_history BEFORE INSERT ON stage_history "
                "BEGIN SELECT RAISE(ABORT, 'history refused'); END"
            )

    with pytest.raises(IntegrityError, match="history refused"):
        change(db, deal_id)

    with db.read() as conn:
        assert conn.exec_driver_sql("SELECT * FROM deal ORDER BY id").all() == deals_before
    assert _history_rows(db) == history
