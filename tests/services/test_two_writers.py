"""Two windows (or a window and a CLI) on one database: a change asked for from
a stale view is refused, and undo takes back only what its own window did,
never another writer's change (DESIGN.md §5)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date

import pytest

from db_targets import Targets
from pipetui.domain.errors import ChangedElsewhere, ValidationError
from pipetui.domain.money import Money
from pipetui.services import clock, contacts, deals, followups, touchpoints
from pipetui.services.undo import AnyUndo, undo, undoable, undoable_added, undoable_row
from pipetui.store.database import Database, open_database


@pytest.fixture
def db(new_target: Targets, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    monkeypatch.setenv("PIPETUI_NOW", "2026-11-20T10:00:00+00:00")
    database = open_database(new_target("two.db"), now=clock.now())
    yield database
    database.dispose()


def _other_window(db: Database) -> Database:
    """A second process's own connection to the same file."""
    return open_database(db.url, now=clock.now())


def _history_rows(db: Database, deal_id: int) -> int:
    return len(deals.show_deal(db, deal_id).history)


def _gamma(db: Database) -> int:
    return deals.add_deal(
        db, title="Gamma", value=Money(5000, "USD"), stage="Needs assessment"
    ).view.deal.id


def test_both_windows_press_L_on_what_they_showed_and_the_second_is_refused(db: Database) -> None:
    gamma = _gamma(db)
    other = _other_window(db)
    shown = deals.show_deal(db, gamma).view.deal.version  # both boards show this version

    _, first = undoable(
        gamma, "moved", lambda: deals.step_deal(db, gamma, steps=1, seen_version=shown)
    )
    with pytest.raises(ChangedElsewhere, match="changed elsewhere"):
        deals.step_deal(other, gamma, steps=1, seen_version=shown)

    view = deals.show_deal(db, gamma)
    assert view.view.stage_name == "Proposal"  # one stage, not two
    assert _history_rows(db, gamma) == 2
    undo(db, first)
    assert deals.show_deal(db, gamma).view.stage_name == "Needs assessment"
    assert _history_rows(db, gamma) == 1


def test_undo_in_each_window_takes_back_only_its_own_move(db: Database) -> None:
    gamma = _gamma(db)
    other = _other_window(db)
    seen = deals.show_deal(db, gamma).view.deal.version
    _, mine = undoable(
        gamma, "moved", lambda: deals.step_deal(db, gamma, steps=1, seen_version=seen)
    )
    seen = deals.show_deal(other, gamma).view.deal.version  # the other board refreshed
    _, theirs = undoable(
        gamma, "moved", lambda: deals.step_deal(other, gamma, steps=1, seen_version=seen)
    )
    assert _history_rows(db, gamma) == 3

    with pytest.raises(ValidationError, match="the deal changed since"):
        undo(db, mine)  # their move came after mine: mine cannot go alone
    assert _history_rows(db, gamma) == 3
    assert deals.show_deal(db, gamma).view.stage_name == "Negotiation"
    undo(other, theirs)
    assert _history_rows(db, gamma) == 2
    undo(db, mine)  # now mine is the newest change again
    assert _history_rows(db, gamma) == 1
    assert deals.show_deal(db, gamma).view.stage_name == "Needs assessment"


def test_a_cli_edit_landing_during_a_change_survives_its_undo(db: Database) -> None:
    """The CLI's `deal edit --value 999` commits after the window read the deal
    but before its change's transaction: the undo entry is taken inside that
    transaction, so undo puts back the stage and keeps the CLI's value."""
    gamma = _gamma(db)
    cli = _other_window(db)

    def cli_edit() -> None:
        deals.edit_deal(cli, gamma, value=Money(99900, "USD"))

    def change() -> object:
        writer = threading.Thread(target=cli_edit)  # another process, in effect
        writer.start()
        writer.join()
        return deals.step_deal(db, gamma, steps=1)

    _, entry = undoable(gamma, "moved", change)
    undo(db, entry)

    view = deals.show_deal(db, gamma).view
    assert view.stage_name == "Needs assessment"
    assert view.deal.value == Money(99900, "USD")


def test_a_cli_edit_after_the_change_makes_undo_refuse_and_keeps_it(db: Database) -> None:
    gamma = _gamma(db)
    _, entry = undoable(gamma, "moved", lambda: deals.step_deal(db, gamma, steps=1))
    deals.edit_deal(_other_window(db), gamma, value=Money(99900, "USD"))

    with pytest.raises(ValidationError, match="cannot undo moved: the deal changed since"):
        undo(db, entry)
    view = deals.show_deal(db, gamma).view
    assert (view.stage_name, view.deal.value) == ("Proposal", Money(99900, "USD"))


def test_every_change_needs_the_version_its_view_showed(db: Database) -> None:
    gamma = _gamma(db)
    stale = deals.show_deal(db, gamma).view.deal.version
    deals.edit_deal(db, gamma, title="Gamma 2")
    attempts = [
        lambda: deals.move_deal(db, gamma, stage="Negotiation", seen_version=stale),
        lambda: deals.win_deal(db, gamma, seen_version=stale),
        lambda: deals.lose_deal(db, gamma, reason="price", seen_version=stale),
        lambda: deals.edit_deal(db, gamma, title="x", seen_version=stale),
        lambda: deals.delete_deal(db, gamma, seen_version=stale),
    ]
    before = deals.show_deal(db, gamma)
    for attempt in attempts:
        with pytest.raises(ChangedElsewhere):
            attempt()
    assert deals.show_deal(db, gamma) == before
    fresh = before.view.deal.version
    assert deals.win_deal(db, gamma, seen_version=fresh).deal.version == fresh + 1
    with pytest.raises(ChangedElsewhere):
        deals.reopen_deal(db, gamma, seen_version=fresh)


def test_a_contact_edit_from_a_stale_view_is_refused(db: Database) -> None:
    dana = contacts.add_contact(db, name="Dana")
    contacts.edit_contact(_other_window(db), "#1", company="Acme")
    with pytest.raises(ChangedElsewhere, match="contact 'Dana' changed elsewhere"):
        contacts.edit_contact(db, "#1", role="CFO", seen_version=dana.version)
    assert contacts.get_contact(db, "#1").role is None
    now = contacts.get_contact(db, "#1")
    assert contacts.edit_contact(db, "#1", role="CFO", seen_version=now.version).role == "CFO"


def test_undo_after_logging_a_touchpoint_takes_back_the_touchpoint_not_an_older_move(
    db: Database,
) -> None:
    gamma = _gamma(db)
    contacts.add_contact(db, name="Dana")
    stack: list[AnyUndo] = []
    _, moved = undoable(gamma, "moved", lambda: deals.step_deal(db, gamma, steps=1))
    stack.append(moved)
    _, logged = undoable_row(
        "touchpoint",
        "logged call",
        lambda: touchpoints.log_touchpoint(db, contact="Dana", kind="call"),
    )
    stack.append(logged)
    assert contacts.get_contact(db, "Dana").journey_stage is not None

    undo(db, stack.pop())

    assert contacts.contact_with_touchpoints(db, "Dana")[1] == []
    assert contacts.get_contact(db, "Dana").journey_stage is None
    assert deals.show_deal(db, gamma).view.stage_name == "Proposal"  # the move stays
    undo(db, stack.pop())
    assert deals.show_deal(db, gamma).view.stage_name == "Needs assessment"


def test_follow_ups_added_and_done_are_undone_and_refused_once_changed(db: Database) -> None:
    gamma = _gamma(db)
    plan, added = undoable_row(
        "followup",
        "next step",
        lambda: followups.add_followup(db, title="Call", due=date(2026, 12, 1), deal_id=gamma),
    )
    _, done = undoable_row(
        "followup", "done", lambda: followups.complete_followup(db, plan.id), row_id=plan.id
    )
    undo(db, done)
    assert followups.list_followups(db)[0].done_at is None
    followups.complete_followup(_other_window(db), plan.id)  # someone else ticks it
    with pytest.raises(ValidationError, match="it changed since"):
        undo(db, added)
    assert [f.title for f in followups.list_followups(db, include_done=True)] == ["Call"]


def test_undoing_an_added_deal_removes_it_unless_it_was_changed_since(db: Database) -> None:
    added, entry = undoable_added(
        "added", lambda: deals.add_deal(db, title="New", value=Money(1, "USD"))
    )
    undo(db, entry)
    assert deals.list_deals(db) == []

    added, entry = undoable_added(
        "added", lambda: deals.add_deal(db, title="New", value=Money(1, "USD"))
    )
    deals.step_deal(_other_window(db), added.view.deal.id, steps=1)
    with pytest.raises(ValidationError, match="the deal changed since"):
        undo(db, entry)
    assert [v.deal.title for v in deals.list_deals(db)] == ["New"]


def test_an_undoable_change_must_be_one_transaction(db: Database) -> None:
    gamma = _gamma(db)

    def two_transactions() -> None:
        deals.edit_deal(db, gamma, title="A")
        deals.edit_deal(db, gamma, title="B")

    with pytest.raises(RuntimeError, match="one write transaction"):
        undoable(gamma, "two", two_transactions)
