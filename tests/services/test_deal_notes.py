"""Notes on deals (issue 17): written, edited and undone with the deal, found
by search in any script, kept by export, import and backup-restore; and a
contact created for a deal goes away when the deal's creation is undone, if
nobody used it since."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from db_targets import Targets
from pipetui.domain.errors import ChangedElsewhere, ValidationError
from pipetui.domain.money import Money
from pipetui.domain.text import search_key
from pipetui.services import clock, contacts, deals, touchpoints
from pipetui.services.contact_lookup import Found, complete_contact_name, match_contact
from pipetui.services.deal_query import DealFilter, list_deals
from pipetui.services.transfer import ImportOptions, export, import_file
from pipetui.services.undo import undo, undoable, undoable_added
from pipetui.store.database import Database, open_database
from pipetui.store.tables import DEAL

HEBREW = "הלקוח ביקש הנחה של 10%\nלהתקשר אחרי החגים"
ARABIC = "العميل يريد عرضًا جديدًا"


@pytest.fixture
def db(new_target: Targets, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    monkeypatch.setenv("PIPETUI_NOW", "2026-11-20T10:00:00+00:00")
    database = open_database(new_target("notes.db"), now=clock.now())
    yield database
    database.dispose()


def _add(db: Database, title: str = "Audit", **more: object) -> int:
    return deals.add_deal(db, title=title, value=Money(100, "USD"), **more).view.deal.id  # type: ignore[arg-type]


def test_notes_are_kept_line_by_line_with_control_characters_removed(db: Database) -> None:
    deal_id = _add(db, notes=f"  {HEBREW}\x1b[31m\tend\r\n{ARABIC}\u202e ")

    notes = deals.show_deal(db, deal_id).view.deal.notes
    assert notes == f"{HEBREW}[31m\tend\n{ARABIC}"


def test_empty_notes_are_none(db: Database) -> None:
    assert deals.show_deal(db, _add(db, notes="  \n ")).view.deal.notes is None


def test_notes_are_searched_in_any_script_and_case(db: Database) -> None:
    _add(db, "Audit", notes=HEBREW)
    _add(db, "Retainer", notes="Wants the ÉCOLE discount")
    _add(db, "Other")

    assert [v.deal.title for v in deals.search_deals(db, "החגים")] == ["Audit"]
    assert [v.deal.title for v in deals.search_deals(db, "école")] == ["Retainer"]
    listed = list_deals(db, DealFilter(search="ecole"))
    assert listed == []  # (accents are kept: é is not e)
    listed = list_deals(db, DealFilter(search="audit החגים"))
    assert [v.deal.title for v in listed] == ["Audit"]


def test_editing_the_title_keeps_the_notes_searchable_and_back(db: Database) -> None:
    deal_id = _add(db, notes=ARABIC)
    deals.edit_deal(db, deal_id, title="New audit")
    assert [v.deal.id for v in deals.search_deals(db, "العميل")] == [deal_id]

    deals.edit_deal(db, deal_id, notes=None)
    assert deals.search_deals(db, "العميل") == []
    assert [v.deal.id for v in deals.search_deals(db, "new audit")] == [deal_id]


def test_editing_notes_checks_the_version_and_undo_puts_them_back(db: Database) -> None:
    deal_id = _add(db, notes="first")
    seen = deals.show_deal(db, deal_id).view.deal.version
    _, entry = undoable(
        deal_id, "notes", lambda: deals.edit_deal(db, deal_id, notes=HEBREW, seen_version=seen)
    )
    assert deals.show_deal(db, deal_id).view.deal.notes == HEBREW
    with pytest.raises(ChangedElsewhere):
        deals.edit_deal(db, deal_id, notes="stale", seen_version=seen)

    undo(db, entry)

    assert deals.show_deal(db, deal_id).view.deal.notes == "first"
    assert [v.deal.id for v in deals.search_deals(db, "first")] == [deal_id]


def test_a_new_contact_name_is_refused_unless_creating_it_was_chosen(db: Database) -> None:
    with pytest.raises(ValidationError) as refused:
        _add(db, contact="דנ", create_contact=False)
    assert refused.value.field == "contact"
    assert contacts.list_contacts(db) == []
    assert deals.search_deals(db, "audit") == []


def test_undoing_the_deal_removes_the_contact_it_created(db: Database) -> None:
    added, entry = undoable_added(
        "added", lambda: deals.add_deal(db, title="Audit", value=Money(1, "USD"), contact="דנה")
    )
    assert added.created_contact == "דנה"
    assert [c.name for c in contacts.list_contacts(db)] == ["דנה"]

    undo(db, entry)

    assert contacts.list_contacts(db) == []
    assert deals.search_deals(db, "audit") == []


def test_undo_keeps_a_created_contact_someone_used_since(db: Database) -> None:
    added, entry = undoable_added(
        "added", lambda: deals.add_deal(db, title="Audit", value=Money(1, "USD"), contact="Dana")
    )
    contact_id = added.view.deal.contact_id
    assert contact_id is not None
    touchpoints.log_touchpoint(db, contact=str(contact_id), kind="call", summary="hello")

    undo(db, entry)

    assert deals.search_deals(db, "audit") == []
    assert [c.name for c in contacts.list_contacts(db)] == ["Dana"]


def test_undoing_an_edit_that_created_a_contact_removes_it_and_relinks(db: Database) -> None:
    contacts.add_contact(db, name="Old Contact")
    deal_id = _add(db, contact="old contact")
    _, entry = undoable(deal_id, "edit", lambda: deals.edit_deal(db, deal_id, contact="נועה"))
    assert deals.show_deal(db, deal_id).view.contact_name == "נועה"

    undo(db, entry)

    assert deals.show_deal(db, deal_id).view.contact_name == "Old Contact"
    assert [c.name for c in contacts.list_contacts(db)] == ["Old Contact"]


def test_contact_names_complete_and_match_in_any_script_and_case(db: Database) -> None:
    for name in ("Dana Levi", "Danae", "דני כהן", "عمر خالد", "Omer"):
        contacts.add_contact(db, name=name)

    assert complete_contact_name(db, "dan") == "Dana Levi"
    assert complete_contact_name(db, "DANA ") == "Dana Levi"
    assert complete_contact_name(db, "danae") == "Danae"
    assert complete_contact_name(db, "דנ") == "דני כהן"
    assert complete_contact_name(db, "عم") == "عمر خالد"
    assert complete_contact_name(db, "zz") is None
    assert complete_contact_name(db, "#1") is None
    assert complete_contact_name(db, "%") is None

    assert match_contact(db, "dana levi").found is Found.ONE
    assert match_contact(db, "dana levi").name == "Dana Levi"
    assert match_contact(db, "דנ").found is Found.NEW
    assert match_contact(db, "#1").found is Found.ONE
    assert match_contact(db, "#99").found is Found.NO_ID
    assert match_contact(db, "  ").found is Found.NOTHING
    contacts.add_contact(db, name="DANA LEVI")
    assert match_contact(db, "Dana Levi").found is Found.SEVERAL


@pytest.mark.parametrize(("fmt", "kind"), [("csv", "deals"), ("json", "all")])
def test_notes_survive_export_and_import(
    db: Database, new_target: Targets, tmp_path: Path, fmt: str, kind: str
) -> None:
    """A CSV of deals, and a full JSON export (the backup a restore reads)."""
    _add(db, "Audit", notes=HEBREW)
    _add(db, "ערבית", notes=ARABIC)
    written = tmp_path / f"deals.{fmt}"
    with written.open("w", encoding="utf-8", newline="") as out:
        export(db, out, kind=kind, fmt=fmt)

    target = open_database(new_target("other.db"), now=clock.now())
    try:
        import_file(target, written, ImportOptions(), default_currency="USD")
        found = {v.deal.title: v.deal.notes for v in list_deals(target, DealFilter())}
        assert found == {"Audit": HEBREW, "ערבית": ARABIC}
        assert [v.deal.title for v in deals.search_deals(target, "להתקשר")] == ["Audit"]
    finally:
        target.dispose()


def test_an_update_import_of_the_title_keeps_the_notes_in_the_search_key(
    db: Database, tmp_path: Path
) -> None:
    """A fresher Pipedrive export renames a deal; its file has no notes, so the
    deal keeps them, and search still finds it by them and by the new title."""
    header = "Deal - ID,Deal - Title,Deal - Value,Deal - Currency\n"
    first, fresher = tmp_path / "first.csv", tmp_path / "fresher.csv"
    first.write_text(header + "7,Audit,100,USD\n", encoding="utf-8")
    fresher.write_text(header + "7,Big audit,100,USD\n", encoding="utf-8")
    import_file(db, first, ImportOptions(), default_currency="USD")
    (view,) = list_deals(db, DealFilter())
    deals.edit_deal(db, view.deal.id, notes=HEBREW)

    import_file(db, fresher, ImportOptions(on_duplicate="update"), default_currency="USD")

    view = deals.show_deal(db, view.deal.id).view
    assert (view.deal.title, view.deal.notes) == ("Big audit", HEBREW)
    assert [v.deal.id for v in deals.search_deals(db, "big החגים")] == [view.deal.id]
    with db.read() as conn:
        key = conn.execute(select(DEAL.c.search_key).where(DEAL.c.id == view.deal.id)).scalar()
    assert key == search_key("Big audit", HEBREW)
