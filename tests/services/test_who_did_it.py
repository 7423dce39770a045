"""Team mode (issue 14), through the use cases on both engines: every history
row records who made it (a stage move or status change, a BANT answer, a
touchpoint), a new deal is its adder's unless given to someone else, and undo
and the export keep both.

Two sellers share one database: Dana and Omar each open it as themselves
(`open_database(..., user=...)`), as the CLI and the TUI do after `--as` or
the defaults (tests/cli/test_cli_owners.py tells those stories).
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest

from pipetui.domain.bant import Answer
from pipetui.domain.deal_status import DealStatus
from pipetui.domain.errors import ValidationError
from pipetui.domain.money import Money
from pipetui.domain.users import OwnerFilter
from pipetui.services import clock, deals, qualification
from pipetui.services.contacts import add_contact
from pipetui.services.deal_query import DealFilter, list_deals
from pipetui.services.journey import contact_timeline
from pipetui.services.touchpoints import log_touchpoint
from pipetui.services.transfer import export
from pipetui.services.undo import undo, undoable
from pipetui.store.database import Database, open_database

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


@pytest.fixture
def team(
    new_target: Callable[[str], str], monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Database, Database]]:
    """One database, open twice: as Dana and as Omar."""
    monkeypatch.setenv("PIPETUI_NOW", NOW.isoformat())
    target = new_target("team.db")
    dana = open_database(target, now=clock.now(), user="dana")
    omar = open_database(target, now=clock.now(), user="עומר")
    yield dana, omar
    omar.dispose()
    dana.dispose()


def test_each_change_records_who_made_it(team: tuple[Database, Database]) -> None:
    dana, omar = team
    deal_id = deals.add_deal(dana, title="Acme", value=Money(100, "USD")).view.deal.id
    deals.step_deal(omar, deal_id, steps=1)
    deals.win_deal(dana, deal_id)
    deals.reopen_deal(omar, deal_id)
    qualification.qualify_deal(omar, deal_id, {"budget": {"status": Answer.YES}})

    detail = deals.show_deal(dana, deal_id)
    assert [(c.to_status, c.by) for c in detail.history] == [
        (DealStatus.OPEN, "dana"),
        (DealStatus.OPEN, "עומר"),
        (DealStatus.WON, "dana"),
        (DealStatus.OPEN, "עומר"),
    ]
    assert [(d.change.criterion, d.by) for d in detail.answer_history] == [("budget", "עומר")]


def test_a_touchpoint_records_who_logged_it_and_the_timeline_shows_it(
    team: tuple[Database, Database],
) -> None:
    dana, omar = team
    add_contact(dana, name="Lior")
    deals.add_deal(dana, title="Pilot", value=Money(0, "USD"), contact="Lior")
    touch = log_touchpoint(omar, contact="Lior", kind="call", summary="asked for a quote")
    assert touch.by == "עומר"

    entries = contact_timeline(dana, "Lior").entries
    who = [(e.touchpoint or e.deal_event).by for e in entries if e.gap is None]  # type: ignore[union-attr]
    assert who == ["עומר", "dana"]


def test_a_new_deal_is_its_adders_unless_given_to_someone(team: tuple[Database, Database]) -> None:
    dana, omar = team
    own = deals.add_deal(dana, title="Own", value=Money(0, "USD")).view.deal
    given = deals.add_deal(dana, title="Given", value=Money(0, "USD"), owner="עומר").view.deal
    shared = deals.add_deal(omar, title="Shared", value=Money(0, "USD"), owner=None).view.deal
    assert (own.owner, given.owner, shared.owner) == ("dana", "עומר", None)
    # who added it is in the history either way
    assert deals.show_deal(dana, given.id).history[0].by == "dana"

    def listed(owners: OwnerFilter | None) -> list[str]:
        return sorted(v.deal.title for v in list_deals(dana, DealFilter(owners=owners)))

    assert listed(OwnerFilter("עומר")) == ["Given"]
    assert listed(OwnerFilter(None)) == ["Shared"]
    assert listed(OwnerFilter.mine("dana")) == ["Own", "Shared"]
    assert listed(None) == ["Given", "Own", "Shared"]

    edited = deals.edit_deal(omar, given.id, owner=None)
    assert edited.deal.owner is None
    with pytest.raises(ValidationError, match="owner: must not be empty"):
        deals.edit_deal(omar, given.id, owner=" \x1b ")


def test_nobody_known_writes_null(new_target: Callable[[str], str]) -> None:
    """A database opened without a user (a script of its own) records NULL:
    "not known", never a guess."""
    db = open_database(new_target("anon.db"), now=NOW)
    try:
        deal = deals.add_deal(db, title="Acme", value=Money(0, "USD")).view.deal
        assert deal.owner is None
        assert deals.show_deal(db, deal.id).history[0].by is None
    finally:
        db.dispose()


def test_undo_gives_the_deal_back_to_its_owner(team: tuple[Database, Database]) -> None:
    dana, omar = team
    deal = deals.add_deal(dana, title="Acme", value=Money(0, "USD")).view.deal
    _, entry = undoable(deal.id, "give", lambda: deals.edit_deal(omar, deal.id, owner="עומר"))
    assert deals.show_deal(dana, deal.id).view.deal.owner == "עומר"

    undo(omar, entry)

    assert deals.show_deal(dana, deal.id).view.deal.owner == "dana"


def test_undoing_a_deletion_brings_back_who_made_its_history(
    team: tuple[Database, Database],
) -> None:
    dana, omar = team
    deal = deals.add_deal(dana, title="Acme", value=Money(0, "USD")).view.deal
    deals.step_deal(omar, deal.id, steps=1)
    _, entry = undoable(deal.id, "delete", lambda: deals.delete_deal(omar, deal.id))

    undo(omar, entry)

    detail = deals.show_deal(dana, deal.id)
    assert detail.view.deal.owner == "dana"
    assert [c.by for c in detail.history] == ["dana", "עומר"]


def test_the_json_export_carries_owners_and_who_did_what(team: tuple[Database, Database]) -> None:
    dana, omar = team
    add_contact(dana, name="Lior")
    deal = deals.add_deal(dana, title="Acme", value=Money(0, "USD"), contact="Lior").view.deal
    deals.step_deal(omar, deal.id, steps=1)
    qualification.qualify_deal(omar, deal.id, {"need": {"status": Answer.PARTIAL}})
    log_touchpoint(omar, contact="Lior", kind="call")
    out = io.StringIO()
    export(dana, out, kind="all", fmt="json")
    data = json.loads(out.getvalue())

    [exported] = data["deals"]
    assert exported["owner"] == "dana"
    assert [row[6] for row in exported["history"]] == ["dana", "עומר"]  # [at, ..., by]
    assert [c["by"] for c in data["qualification_changes"]] == ["עומר"]
    assert [t["by"] for t in data["touchpoints"]] == ["עומר"]
