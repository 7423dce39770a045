"""The board's `/` filter on an SQLite file reads the deals a word can match
through trigram indexes (schema v9, `pipetui.store.deal_search`), and finds
exactly what reading every deal finds: in any script and case, in a deal's
title or notes or its contact's name, company or email, with LIKE's wildcards
taken literally, after renames and deletions, and in a file from before v9."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipetui.domain.bant import Thresholds
from pipetui.domain.board import BoardView
from pipetui.domain.money import Money
from pipetui.services import board as board_service
from pipetui.services import clock, contacts, deals
from pipetui.store import board as store
from pipetui.store import deal_search
from pipetui.store.database import Database, open_database
from pipetui.store.light import LATEST

THRESHOLDS = Thresholds()


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = open_database(str(tmp_path / "pipeline.db"), now=clock.now())
    contacts.add_contact(database, name="דנה כהן", company="Negev Solar", email="dana@negev.co.il")
    contacts.add_contact(database, name="علي حسن", company="شركة النور")
    contacts.add_contact(database, name="Zoë Smith", company="100% Pure_Ltd")
    for title, who, notes in [
        ("Website redesign", "דנה כהן", None),
        ("אתר חדש", "علي حسن", "צריך עד הקיץ"),
        ("تطبيق الهاتف", "Zoë Smith", None),
        ("Solar panels", None, "roof of 100% recycled_steel"),
        ("CRM rollout", "Zoë Smith", "Smithsonian referral"),
    ]:
        deals.add_deal(database, title=title, value=Money(100_00, "USD"), contact=who, notes=notes)
    return database


def _shown(db: Database, search: str, *, indexed: bool) -> dict[int, list[int]]:
    """Per stage: the ids of the cards the board lists for `search`, read
    through the index (as the board does) or by reading every deal."""
    view = BoardView(search=search)
    with db.read_rows() as rows:
        cards = board_service.card_filter(view, THRESHOLDS, rows)
        if not indexed:
            cards = cards._replace(indexed=())
        stages = store.stages(rows, store.pipelines(rows)[0].id)
        today = clock.today()
        found = {
            s.id: [c.deal_id for c in store.page(rows, s.id, cards, offset=0, limit=9, today=today)]
            for s in stages
        }
        counts = {s.id: store.count(rows, s.id, cards) for s in stages}
    assert {k: len(v) for k, v in found.items()} == counts
    return {k: v for k, v in found.items() if v}


WORDS = [
    "website", "WEBSITE", "Redesign web", "אתר", "כהן", "דנה", "حسن", "النور", "تطبيق",
    "zoë", "ZOË", "smith", "smithsonian", "100%", "pure_ltd", "_st", "negev.co", "קיץ",
    "so", "a", "ni", "zz", "no such words",
]  # fmt: skip


@pytest.mark.parametrize("search", WORDS)
def test_the_index_finds_exactly_what_reading_every_deal_finds(db: Database, search: str) -> None:
    assert _shown(db, search, indexed=True) == _shown(db, search, indexed=False)


def test_words_of_three_characters_or_more_are_narrowed_shorter_ones_are_not(
    db: Database,
) -> None:
    with db.read_rows() as rows:
        narrowed = deal_search.narrowing(rows, ["website", "כהן", "so", "a", "\ufffeab"])
    assert list(narrowed) == ["website", "כהן"]
    found = _shown(db, "כהן", indexed=True)
    assert sum(len(ids) for ids in found.values()) == 1  # Dana's deal, by her name


def test_renamed_and_deleted_deals_are_found_as_they_are_now(db: Database) -> None:
    [website] = [d.deal.id for d in deals.search_deals(db, "website")]
    deals.edit_deal(db, website, title="Portal relaunch")
    assert _shown(db, "website", indexed=True) == {}
    assert sum(map(len, _shown(db, "relaunch", indexed=True).values())) == 1
    deals.delete_deal(db, website)
    assert _shown(db, "relaunch", indexed=True) == {}
    with db.read_rows() as rows:
        left = rows("SELECT count(*) FROM deal_search WHERE deal_search MATCH :q", {"q": '"rel"'})
    assert left == [(0,)]


def test_a_file_from_before_v9_gets_the_index_filled(db: Database, tmp_path: Path) -> None:
    with db.write() as conn:
        for trigger in ("insert", "delete", "update"):
            conn.exec_driver_sql(f"DROP TRIGGER tr_deal_search_{trigger}")
        conn.exec_driver_sql("DROP TABLE deal_search")
        conn.exec_driver_sql("UPDATE pipetui_schema SET version = 8")
    db.dispose()

    again = open_database(str(tmp_path / "pipeline.db"), now=clock.now())
    try:
        assert again.migration is not None
        assert (again.migration.from_version, again.migration.to_version) == (8, LATEST)
        assert sum(map(len, _shown(again, "אתר", indexed=True).values())) == 1
        assert _shown(again, "smith", indexed=True) == _shown(again, "smith", indexed=False)
        deals.add_deal(again, title="Second website", value=Money(1, "USD"))
        assert sum(map(len, _shown(again, "website", indexed=True).values())) == 2
    finally:
        again.dispose()
