"""Undo takes a change back exactly, and refuses rather than destroy newer work."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from db_targets import Targets
from pipetui.domain.errors import ValidationError
from pipetui.domain.money import Money
from pipetui.services import clock, deals, followups, pipelines
from pipetui.services.undo import undo, undoable, undoable_pipeline
from pipetui.store.database import Database, open_database


@pytest.fixture
def db(new_target: Targets, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    monkeypatch.setenv("PIPETUI_NOW", "2026-11-20T10:00:00+00:00")
    database = open_database(new_target("u.db"), now=clock.now())
    yield database
    database.dispose()


def test_undoing_a_move_restores_the_stage_and_leaves_no_history(db: Database) -> None:
    deal = deals.add_deal(db, title="Acme", value=Money(100, "USD"), stage="Proposal").view.deal
    _, entry = undoable(deal.id, "move", lambda: deals.step_deal(db, deal.id, steps=1))
    assert deals.show_deal(db, deal.id).view.stage_name == "Negotiation"

    undo(db, entry)

    detail = deals.show_deal(db, deal.id)
    assert detail.view.stage_name == "Proposal"
    assert len(detail.history) == 1  # only "entered Proposal"


def test_undo_refuses_when_a_follow_up_was_added_since(db: Database) -> None:
    deal = deals.add_deal(db, title="Acme", value=Money(100, "USD"), stage="Proposal").view.deal
    _, entry = undoable(deal.id, "move", lambda: deals.step_deal(db, deal.id, steps=1))
    followups.add_followup(db, title="Call back", due=date(2026, 12, 1), deal_id=deal.id)

    with pytest.raises(ValidationError, match="changed since"):
        undo(db, entry)

    detail = deals.show_deal(db, deal.id)
    assert detail.view.stage_name == "Negotiation"
    assert [f.title for f in detail.followups] == ["Call back"]


def test_undoing_a_stage_edit_refuses_when_a_stage_was_added_since(db: Database) -> None:
    sales = pipelines.list_pipelines(db)[0]
    first = sales.stages[0]
    _, entry = undoable_pipeline(
        sales.pipeline.id,
        "rename",
        lambda: pipelines.edit_stage(
            db, stage_id=first.id, name="Leads", probability=7, rotting_days=10
        ),
    )
    pipelines.add_stage(db, pipeline=None, name="Onboarding", probability=90)

    with pytest.raises(ValidationError, match="changed since"):
        undo(db, entry)

    names = [s.name for s in pipelines.list_pipelines(db)[0].stages]
    assert names[0] == "Leads" and "Onboarding" in names


def test_deal_values_are_checked_whatever_parsed_them(db: Database) -> None:
    with pytest.raises(ValidationError) as negative:
        deals.add_deal(db, title="x", value=Money(-1, "USD"))
    assert negative.value.field == "value"
    with pytest.raises(ValidationError) as currency:
        deals.add_deal(db, title="x", value=Money(1, "usd"))
    assert currency.value.field == "currency"
    with pytest.raises(ValidationError) as probability:
        deals.add_deal(db, title="x", value=Money(1, "USD"), probability=150)
    assert probability.value.field == "probability"
    assert deals.list_deals(db) == []
