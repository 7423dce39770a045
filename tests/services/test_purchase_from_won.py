"""A won deal is a purchase on its contact's journey (issue 19, item 1): winning
logs a `purchase` touchpoint linked to the deal, re-opening takes it back, undo
is exact, an import does the same once, and the journey report's customers
and conversion agree."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from db_targets import Targets
from pipetui.domain.errors import ValidationError
from pipetui.domain.journey import WON_DEAL_CHANNEL, JourneyStage
from pipetui.domain.money import Money
from pipetui.services import clock, contacts, deals, reports
from pipetui.services.journey import contact_timeline, journey_figures
from pipetui.services.touchpoints import log_touchpoint
from pipetui.services.transfer import ImportOptions, import_file
from pipetui.services.undo import undo, undoable
from pipetui.store import touchpoints as touchpoint_store
from pipetui.store.database import Database, open_database


@pytest.fixture
def db(new_target: Targets, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    monkeypatch.setenv("PIPETUI_NOW", "2026-11-20T10:00:00+00:00")
    database = open_database(new_target("p.db"), now=clock.now())
    yield database
    database.dispose()


def _stage(db: Database, name: str) -> JourneyStage | None:
    return contact_timeline(db, name).stage


def _purchases(db: Database, deal_id: int) -> list[int]:
    with db.read() as conn:
        return [t.id for t in touchpoint_store.for_deal(conn, deal_id) if t.kind == "purchase"]


def _dan_in_consideration(db: Database) -> int:
    """The worked example: Dan Cohen had a meeting; his deal is in Proposal."""
    contacts.add_contact(db, name="Dan Cohen")
    log_touchpoint(db, contact="Dan Cohen", kind="meeting", summary="first meeting")
    added = deals.add_deal(
        db, title="Website", value=Money(500_000, "ILS"), stage="Proposal", contact="Dan Cohen"
    )
    return added.view.deal.id


def test_winning_dans_deal_makes_him_a_customer_and_the_report_agrees(db: Database) -> None:
    deal_id = _dan_in_consideration(db)
    contacts.add_contact(db, name="דנה לוי")  # a second contact, aware only
    log_touchpoint(db, contact="דנה לוי", kind="ad seen")
    assert _stage(db, "Dan Cohen") is JourneyStage.CONSIDERATION

    deals.win_deal(db, deal_id)

    assert _stage(db, "Dan Cohen") is JourneyStage.PURCHASE
    detail = deals.show_deal(db, deal_id)
    [purchase] = [t for t in detail.touchpoints if t.kind == "purchase"]
    assert purchase.channel == WON_DEAL_CHANNEL and purchase.deal_id == deal_id
    assert purchase.summary == "Website"
    steps = reports.journey_report(db)
    customers = journey_figures(db).customers
    assert [s.reached for s in steps.steps] == [2, 1, 1, 1, 1]
    assert customers == steps.steps[-1].reached == 1
    assert steps.overall_conversion == pytest.approx(0.5)


def test_reopening_takes_the_purchase_back_and_the_stage_follows(db: Database) -> None:
    deal_id = _dan_in_consideration(db)
    deals.win_deal(db, deal_id)

    deals.reopen_deal(db, deal_id)

    assert _purchases(db, deal_id) == []
    assert _stage(db, "Dan Cohen") is JourneyStage.CONSIDERATION
    assert journey_figures(db).customers == 0
    assert reports.journey_report(db).steps[-1].reached == 0


def test_a_purchase_logged_by_hand_is_kept_and_not_doubled(db: Database) -> None:
    deal_id = _dan_in_consideration(db)
    log_touchpoint(db, contact="Dan Cohen", kind="purchase", deal_id=deal_id, channel="shop")

    deals.win_deal(db, deal_id)
    assert len(_purchases(db, deal_id)) == 1
    deals.reopen_deal(db, deal_id)

    assert len(_purchases(db, deal_id)) == 1  # the seller's own record stays


def test_a_won_deal_without_a_contact_logs_nothing(db: Database) -> None:
    deal_id = deals.add_deal(db, title="Walk-in", value=Money(100, "USD")).view.deal.id
    deals.win_deal(db, deal_id)
    assert _purchases(db, deal_id) == []


def test_undoing_a_win_removes_its_purchase_exactly(db: Database) -> None:
    deal_id = _dan_in_consideration(db)
    _, entry = undoable(deal_id, "won", lambda: deals.win_deal(db, deal_id))
    assert _stage(db, "Dan Cohen") is JourneyStage.PURCHASE

    undo(db, entry)

    assert _purchases(db, deal_id) == []
    assert _stage(db, "Dan Cohen") is JourneyStage.CONSIDERATION
    assert deals.show_deal(db, deal_id).view.deal.status.value == "open"


def test_undoing_a_reopen_puts_the_same_purchase_back(db: Database) -> None:
    deal_id = _dan_in_consideration(db)
    deals.win_deal(db, deal_id)
    [before] = _purchases(db, deal_id)
    _, entry = undoable(deal_id, "reopen", lambda: deals.reopen_deal(db, deal_id))

    undo(db, entry)

    assert _purchases(db, deal_id) == [before]
    assert _stage(db, "Dan Cohen") is JourneyStage.PURCHASE


def test_undoing_a_win_is_refused_when_a_second_window_reopened_it(db: Database) -> None:
    deal_id = _dan_in_consideration(db)
    _, entry = undoable(deal_id, "won", lambda: deals.win_deal(db, deal_id))
    deals.reopen_deal(db, deal_id)  # the second window
    deals.win_deal(db, deal_id)  # and won it again: a new purchase

    with pytest.raises(ValidationError, match="changed since"):
        undo(db, entry)

    assert len(_purchases(db, deal_id)) == 1
    assert _stage(db, "Dan Cohen") is JourneyStage.PURCHASE


def test_deleting_a_won_deal_takes_its_purchase_and_undo_brings_it_back(db: Database) -> None:
    deal_id = _dan_in_consideration(db)
    deals.win_deal(db, deal_id)
    [purchase] = _purchases(db, deal_id)
    _, entry = undoable(deal_id, "delete", lambda: deals.delete_deal(db, deal_id))
    assert _stage(db, "Dan Cohen") is JourneyStage.CONSIDERATION

    undo(db, entry)

    assert _purchases(db, deal_id) == [purchase]
    assert _stage(db, "Dan Cohen") is JourneyStage.PURCHASE


def test_importing_won_deals_logs_each_purchase_once(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "deals.csv"
    path.write_text(
        "title,value,currency,status,contact_name,closed_at\n"
        "Website,5000,ILS,won,דן כהן,2026-10-01T09:00:00+00:00\n"
        "Audit,100,USD,open,Mary Major,\n",
        encoding="utf-8",
    )
    options = ImportOptions(kind="deals", on_duplicate="update")
    import_file(db, path, options, default_currency="USD")
    import_file(db, path, options, default_currency="USD")  # again: nothing doubles

    timeline = contact_timeline(db, "דן כהן")
    purchases = [e.touchpoint for e in timeline.entries if e.touchpoint]
    assert [(t.kind, t.channel) for t in purchases] == [("purchase", WON_DEAL_CHANNEL)]
    assert purchases[0].at.isoformat().startswith("2026-10-01")
    assert timeline.stage is JourneyStage.PURCHASE
    assert journey_figures(db).customers == reports.journey_report(db).steps[-1].reached == 1


def test_a_full_export_restores_the_purchase_without_doubling_it(
    db: Database, new_target: Targets, tmp_path: Path
) -> None:
    from pipetui.services.transfer import write_json

    deal_id = _dan_in_consideration(db)
    deals.win_deal(db, deal_id)
    out = tmp_path / "all.json"
    with out.open("w", encoding="utf-8") as stream:
        write_json(db, "all", stream)
    copy = open_database(new_target("copy.db"), now=clock.now())
    try:
        import_file(copy, out, ImportOptions(), default_currency="USD")
        data = json.loads(out.read_text(encoding="utf-8"))
        assert sum(t["kind"] == "purchase" for t in data["touchpoints"]) == 1
        assert _purchases(copy, deal_id) == _purchases(db, deal_id)
        assert _stage(copy, "Dan Cohen") is JourneyStage.PURCHASE
    finally:
        copy.dispose()


def test_deals_won_before_v7_get_their_purchase_once(db: Database) -> None:
    """What the v7 migration step runs (`_v7_goals_counts_and_deal_tags`) on a
    database whose won deals have no purchase touchpoint yet."""
    deal_id = _dan_in_consideration(db)
    deals.win_deal(db, deal_id)
    dan = deals.show_deal(db, deal_id).view.deal.contact_id
    assert dan is not None
    with db.write() as conn:  # as a database made before v7 holds it
        touchpoint_store.drop_won_purchases(conn, deal_id)
        touchpoint_store.follow_latest(conn, {dan})
    assert _purchases(db, deal_id) == []

    for _ in range(2):
        with db.write() as conn:
            touchpoint_store.follow_latest(conn, touchpoint_store.sync_purchases(conn))

    assert len(_purchases(db, deal_id)) == 1
    assert _stage(db, "Dan Cohen") is JourneyStage.PURCHASE
