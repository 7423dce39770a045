"""The funnel's running summary must always equal what a rebuild from the deals
and their history gives, whatever path the writes took: use cases, undo,
stage reorders and removals, edits, deletes."""

from __future__ import annotations

import contextlib
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pipetui.domain.bant import Answer
from pipetui.domain.errors import ValidationError
from pipetui.domain.money import Money
from pipetui.services import deals, pipelines, qualification, undo
from pipetui.store import board, funnel_facts
from pipetui.store.database import Database, open_database

START = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
Summary = dict[tuple[object, ...], tuple[object, ...]]


def _summary(db: Database) -> Summary:
    with db.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT pipeline_id, day, fact, stage_id, currency,"
            " n, amount, amount_own, ms, open_n, open_start FROM funnel_fact"
        )
        return {tuple(row[:5]): tuple(row[5:]) for row in rows}


def _rebuilt(db: Database) -> Summary:
    with db.write() as conn:
        funnel_facts.rebuild(conn)
    return _summary(db)


def _board_sums_agree(db: Database) -> None:
    """The board's header sums read from the summary are the deals' own sums."""
    with db.read_rows() as rows:
        stages = {int(i): int(p) for i, p in rows("SELECT id, probability FROM stage", {})}
        assert board.open_facts(rows, stages) == board.open_deals(rows, stages)


def test_the_boards_sums_are_exact_past_32_bits_read_from_the_summary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # amounts past 2**32 go to the summary's high rows (`funnel_facts.HIGH`)
    assert board.FACT_HIGH == funnel_facts.HIGH
    monkeypatch.setenv("PIPETUI_NOW", START.isoformat())
    db = open_database(str(tmp_path / "p.db"), now=START)
    try:
        for value, probability in ((999_999_999_999_999, None), (2**40 + 7, 35), (12_345, None)):
            for currency in ("USD", "ILS"):
                deals.add_deal(
                    db, title="big", value=Money(value, currency), probability=probability
                )
        with db.read_rows() as rows:
            stages = {int(i): int(p) for i, p in rows("SELECT id, probability FROM stage", {})}
            found = board.open_facts(rows, stages)
        first = [row for row in found if row.currency == "USD"]
        assert [(row.deals, row.value_minor) for row in first] == [
            (3, 999_999_999_999_999 + 2**40 + 7 + 12_345)
        ]
        _board_sums_agree(db)
    finally:
        db.dispose()


def _step(db: Database, rng: random.Random, entries: list[undo.UndoEntry]) -> None:
    """One random thing a seller (or the settings screen) might do."""
    with db.read() as conn:
        ids = [row[0] for row in conn.exec_driver_sql("SELECT id FROM deal")]
    choice = rng.randrange(10)
    if choice < 3 or not ids:
        currency = rng.choice(["USD", "ILS", "EUR"])
        probability = rng.choice([None, None, 35])
        deals.add_deal(
            db,
            title=f"deal {rng.randrange(1000)}",
            value=Money(rng.randrange(1, 10_000) * 100, currency),
            probability=probability,
        )
        return
    deal_id = rng.choice(ids)
    change = rng.choice(
        [
            lambda: deals.step_deal(db, deal_id, steps=rng.choice([1, 1, 2, -1])),
            lambda: deals.win_deal(db, deal_id),
            lambda: deals.lose_deal(db, deal_id, reason="price"),
            lambda: deals.reopen_deal(db, deal_id),
            lambda: deals.edit_deal(db, deal_id, value=Money(rng.randrange(1, 99) * 100, "USD")),
            lambda: deals.edit_deal(db, deal_id, probability=rng.choice([None, 80])),
            lambda: deals.delete_deal(db, deal_id),
            lambda: qualification.qualify_deal(db, deal_id, {"budget": {"status": Answer.NO}}),
        ]
    )
    try:
        _, entry = undo.undoable(deal_id, "change", change)
    except ValidationError:
        return  # not allowed in this state (won twice, step past the end...)
    entries.append(entry)
    if rng.random() < 0.3:
        with contextlib.suppress(ValidationError):
            undo.undo(db, entries.pop())


@pytest.mark.parametrize("seed", range(6))
def test_the_summary_equals_a_rebuild_after_any_mix_of_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    rng = random.Random(seed)
    now = START
    monkeypatch.setenv("PIPETUI_NOW", now.isoformat())
    db = open_database(str(tmp_path / "p.db"), now=now)
    entries: list[undo.UndoEntry] = []
    try:
        for _ in range(60):
            now += timedelta(hours=rng.randrange(1, 72), seconds=rng.randrange(60))
            monkeypatch.setenv("PIPETUI_NOW", now.isoformat())
            _step(db, rng, entries)
            _board_sums_agree(db)
        assert _summary(db) == _rebuilt(db)
    finally:
        db.dispose()


def test_reordering_and_removing_stages_keep_the_summary_true(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PIPETUI_NOW", START.isoformat())
    db = open_database(str(tmp_path / "p.db"), now=START)
    try:
        first = deals.add_deal(db, title="a", value=Money(100, "USD")).view.deal.id
        deals.add_deal(db, title="b", value=Money(200, "USD"), stage="Proposal")
        deals.move_deal(db, first, stage="Negotiation")
        deals.move_deal(db, first, stage="Qualification")
        pipelines.move_stage(db, pipeline=None, stage="Negotiation", position=1)
        assert _summary(db) == _rebuilt(db)
        pipelines.remove_stage(db, pipeline=None, stage="Qualification", move_to="Proposal")
        assert _summary(db) == _rebuilt(db)
        _, entry = undo.undoable_pipeline(
            1,
            "moved a stage",
            lambda: pipelines.move_stage(db, pipeline=None, stage="Proposal", position=1),
        )
        undo.undo(db, entry)
        assert _summary(db) == _rebuilt(db)
    finally:
        db.dispose()


def test_nothing_is_left_behind_when_every_deal_is_gone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PIPETUI_NOW", START.isoformat())
    db = open_database(str(tmp_path / "p.db"), now=START)
    try:
        made = [deals.add_deal(db, title=t, value=Money(100, "USD")).view.deal.id for t in "abc"]
        deals.step_deal(db, made[0], steps=2)
        deals.win_deal(db, made[1])
        for deal_id in made:
            deals.delete_deal(db, deal_id)
        assert _summary(db) == {}
    finally:
        db.dispose()
