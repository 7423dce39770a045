"""How long since the last contact, as the contacts list and the timeline read
it from the database (the latest touchpoint up to now, found in SQL), the
sort that puts the longest silence first, and undo of the contact form's
writes. SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from db_targets import Targets
from pipetui.domain.errors import ValidationError
from pipetui.domain.money import Money
from pipetui.services import clock, deals
from pipetui.services.contacts import add_contact, edit_contact, get_contact
from pipetui.services.followups import add_followup
from pipetui.services.journey import contact_ids, contact_lines, contact_timeline
from pipetui.services.touchpoints import log_touchpoint
from pipetui.services.undo import undo, undoable_contact, undoable_contact_added
from pipetui.store.database import Database, open_database
from table_dump import dump

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def at(month: int, day: int) -> datetime:
    return datetime(2026, month, day, 10, 0, tzinfo=UTC)


@pytest.fixture
def db(new_target: Targets, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    monkeypatch.setenv("PIPETUI_NOW", NOW.isoformat())
    database = open_database(new_target("s.db"), now=clock.now())
    yield database
    database.dispose()


def test_the_longest_silence_comes_first_and_never_touched_last(db: Database) -> None:
    ids = {name: add_contact(db, name=name).id for name in ("Avi", "Ben", "דנה", "عمر")}
    log_touchpoint(db, contact="Avi", kind="call", at=at(11, 10))
    log_touchpoint(db, contact="דנה", kind="call", at=at(3, 22))
    log_touchpoint(db, contact="عمر", kind="call", at=at(9, 1))
    order = contact_ids(db, sort="days since contact")
    assert order == [ids["דנה"], ids["عمر"], ids["Avi"], ids["Ben"]]
    assert contact_timeline(db, "דנה").days_since_contact == 243
    assert contact_timeline(db, "Ben").days_since_contact is None


def test_a_touchpoint_dated_later_is_not_the_last_contact(db: Database) -> None:
    """A meeting logged ahead has not happened: the silence is still counted
    from the call before it, in the list and on the timeline."""
    dana = add_contact(db, name="Dana")
    log_touchpoint(db, contact="Dana", kind="call", at=at(10, 1))
    log_touchpoint(db, contact="Dana", kind="meeting", at=at(12, 1))
    assert contact_lines(db, [dana.id])[dana.id].last_touch == at(10, 1)
    timeline = contact_timeline(db, "Dana")
    assert (timeline.last_contact, timeline.days_since_contact) == (at(10, 1), 50)


# -- undo of the contact form's writes --------------------------------------------


def test_undoing_an_edit_puts_every_row_back_deals_touchpoints_and_follow_ups_included(
    db: Database,
) -> None:
    dana = add_contact(db, name="דנה כהן", notes="ראשון", tags="vip")
    deals.add_deal(db, title="Solar", value=Money(100, "USD"), stage="Proposal", contact="#1")
    log_touchpoint(db, contact="#1", kind="call", at=at(10, 1), deal_id=1)
    add_followup(db, title="Call back", due=NOW.date(), contact="#1")
    seen = get_contact(db, "#1").version  # (the call moved her journey stage on)
    before = dump(db)
    edited, entry = undoable_contact(
        dana.id,
        "edited",
        lambda: edit_contact(
            db, "#1", company="שמש", notes="שני\nשלישי", tags="", seen_version=seen
        ),
    )
    assert (edited.company, edited.notes, edited.tags) == ("שמש", "שני\nשלישי", ())
    undo(db, entry)
    assert dump(db) == before


def test_undoing_an_added_contact_removes_it_unless_something_was_logged_since(
    db: Database,
) -> None:
    before = dump(db)
    added, entry = undoable_contact_added("added", lambda: add_contact(db, name="Omar"))
    undo(db, entry)
    assert dump(db) == before

    added, entry = undoable_contact_added("added", lambda: add_contact(db, name="Layla"))
    log_touchpoint(db, contact=f"#{added.id}", kind="call")
    with pytest.raises(ValidationError, match="it changed since"):
        undo(db, entry)
    assert get_contact(db, f"#{added.id}").name == "Layla"
