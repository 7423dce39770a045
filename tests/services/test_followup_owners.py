"""Whose next step a follow-up is: one on a deal is a next step with the deal's
contact too (the contacts list, the contact's timeline, `followup list`), and
a deal with an open follow-up, even an overdue one, has a next step (the Today
list shows it once, under "Follow-ups due"). Run on SQLite and PostgreSQL;
clock frozen at 2026-11-20."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from db_targets import Targets
from pipetui.domain.bant import Answer, AnswerPatch, Thresholds
from pipetui.domain.money import Money
from pipetui.services import clock, deals
from pipetui.services.contacts import add_contact
from pipetui.services.followups import add_followup, complete_followup, followup_lines
from pipetui.services.journey import attention, contact_lines, contact_timeline
from pipetui.services.qualification import qualify_deal
from pipetui.store.database import Database, open_database

TODAY = date(2026, 11, 20)
DAY = timedelta(days=1)
DANA = "דנה כהן"


@pytest.fixture(autouse=True)
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIPETUI_NOW", "2026-11-20T10:00:00+00:00")
    monkeypatch.setenv("TZ", "UTC")


@pytest.fixture
def db(new_target: Targets) -> Iterator[Database]:
    database = open_database(new_target("owners.db"), now=clock.now())
    yield database
    database.dispose()


def deal_for(db: Database, title: str, contact: str | None) -> int:
    return deals.add_deal(
        db, title=title, value=Money(100_000, "ILS"), stage="Proposal", contact=contact
    ).view.deal.id


def test_a_follow_up_on_a_deal_is_a_next_step_with_its_contact(db: Database) -> None:
    dana = add_contact(db, name=DANA, company="Negev Solar").id
    omar = add_contact(db, name="Omar").id
    roof = deal_for(db, "Roof", DANA)
    add_followup(db, title="לשלוח הצעה", due=TODAY + 3 * DAY, deal_id=roof)

    # The contacts list: Dana's next step is her deal's; Omar has none.
    lines = contact_lines(db, [dana, omar])
    assert (lines[dana].next_followup, lines[omar].next_followup) == (TODAY + 3 * DAY, None)
    # Her own, earlier, comes first; once done, the deal's again.
    own = add_followup(db, title="Coffee", due=TODAY + DAY, contact=f"#{dana}")
    assert contact_lines(db, [dana])[dana].next_followup == TODAY + DAY
    complete_followup(db, own.id)
    assert contact_lines(db, [dana])[dana].next_followup == TODAY + 3 * DAY

    # Her timeline lists it; `followup list` names her beside it.
    assert [f.title for f in contact_timeline(db, DANA).followups] == ["לשלוח הצעה"]
    [line] = followup_lines(db)
    assert (line.followup.title, line.contact_id, line.contact_name, line.deal_title) == (
        "לשלוח הצעה",
        dana,
        DANA,
        "Roof",
    )
    assert line.followup.contact_id is None  # it stays the deal's, as stored


def test_a_deal_without_a_contact_and_a_contact_s_own_follow_up(db: Database) -> None:
    walk_in = deal_for(db, "Walk-in", None)
    omar = add_contact(db, name="Omar").id
    add_followup(db, title="Call", due=TODAY, deal_id=walk_in)
    add_followup(db, title="Tea", due=TODAY + DAY, contact="Omar")
    assert [(x.followup.title, x.contact_id, x.deal_title) for x in followup_lines(db)] == [
        ("Call", None, "Walk-in"),
        ("Tea", omar, None),
    ]


def _qualify(db: Database, deal_id: int) -> None:
    yes: AnswerPatch = {"status": Answer.YES}
    qualify_deal(db, deal_id, {"budget": yes, "authority": yes, "need": yes, "timeline": yes})


def test_a_qualified_deal_with_an_overdue_follow_up_is_listed_once_as_due(db: Database) -> None:
    deal_id = deal_for(db, "صفقة", "فاطمة")
    _qualify(db, deal_id)
    found = attention(db, thresholds=Thresholds())
    assert [line.deal_id for line in found.qualified_without_next_step] == [deal_id]

    late = add_followup(db, title="Call back", due=TODAY - 2 * DAY, deal_id=deal_id)
    found = attention(db, thresholds=Thresholds())
    assert [f.deal_id for f in found.followups] == [deal_id]
    assert found.qualified_without_next_step == []

    complete_followup(db, late.id)  # done, nothing planned: no next step again
    found = attention(db, thresholds=Thresholds())
    assert (found.followups, [x.deal_id for x in found.qualified_without_next_step]) == (
        [],
        [deal_id],
    )
