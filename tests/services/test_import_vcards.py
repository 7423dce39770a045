"""User stories for importing the vCards real tools write (issue 18): a seller
brings their phone's, Outlook's or Gmail's address book over and finds every
person with every email and phone (typed, the preferred one as the main one),
their address, web site, birthday and department; nothing that changed form
goes unsaid, and one odd card never blocks the file.

The fixtures in tests/fixtures/imports/vcards/ are written byte for byte by
make_vcards.py, in the shapes Android, iOS, Outlook, Gmail, ownCloud, Lotus
Notes and vCard 4.0 write. The clock is frozen through PIPETUI_NOW.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from db_targets import Targets
from pipetui.domain.contact import Contact, ContactDetail
from pipetui.services import clock, contacts
from pipetui.services.transfer import (
    ImportFailed,
    ImportOptions,
    ImportSummary,
    export,
    import_file,
)
from pipetui.services.undo import undo, undoable_contact
from pipetui.store.database import Database, open_database

VCARDS = Path(__file__).parent.parent / "fixtures" / "imports" / "vcards"
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
ALL = sorted(p.name for p in VCARDS.glob("*.vcf"))


def email(value: str, label: str | None = None, pref: bool = False) -> ContactDetail:
    return ContactDetail("email", value, label, pref)


def phone(value: str, label: str | None = None, pref: bool = False) -> ContactDetail:
    return ContactDetail("phone", value, label, pref)


@pytest.fixture
def db(new_target: Targets, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    monkeypatch.setenv("PIPETUI_NOW", NOW.isoformat())
    database = open_database(new_target("vcards.db"), now=clock.now())
    yield database
    database.dispose()


@pytest.fixture
def other(new_target: Targets, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    """A second, empty database (where an export is taken back in)."""
    monkeypatch.setenv("PIPETUI_NOW", NOW.isoformat())
    database = open_database(new_target("other.db"), now=clock.now())
    yield database
    database.dispose()


def load(db: Database, name: str | Path, **options: Any) -> ImportSummary:
    path = name if isinstance(name, Path) else VCARDS / name
    return import_file(db, path, ImportOptions(**options), default_currency="USD")


def people(db: Database) -> dict[str, Contact]:
    return {c.name: c for c in contacts.list_contacts(db)}


def kept(contact: Contact) -> tuple[Any, ...]:
    """Everything a contact holds but its id, times and version."""
    return (
        contact.name, contact.email, contact.phone, contact.company, contact.role,
        contact.source, contact.notes, contact.tags, contact.journey_stage,
        contact.external_id, contact.details,
    )  # fmt: skip


# --- each tool's shape ------------------------------------------------------------


def test_android_21_quoted_printable_with_soft_breaks(db: Database) -> None:
    summary = load(db, "android_21_qp.vcf")

    assert summary.created == Counter(contacts=2)
    jose = people(db)["José Núñez"]
    assert (jose.email, jose.phone) == ("jose@example.es", "+34 600 111 222")
    assert jose.notes is not None and jose.notes.strip() == (
        "Ñandú S.A. — cliente desde 2019, prefiere WhatsApp por la mañana; llamar antes de las 11"
    )
    assert jose.details == (
        email("jose@example.es", "home"),
        phone("+34 600 111 222", "cell", pref=True),
        phone("+34 91 555 1234", "home"),
    )
    dana = people(db)["דנה כהן-לוי מהמשרד הראשי בתל אביב"]
    assert (dana.company, dana.phone) == ('כהן בע"מ', "+972-50-123-4567")
    assert dana.details == (
        phone("+972-50-123-4567", "cell"),
        ContactDetail("department", "מכירות"),
    )
    assert "  vCard ignored: X-ANDROID-CUSTOM (1 card)" in summary.lines()


def test_an_iphone_export_with_cr_cr_lf_and_a_photo(db: Database) -> None:
    summary = load(db, "ios6_crcrlf.vcf")

    johnny = people(db)["Johnny Appleseed"]
    assert (johnny.email, johnny.phone, johnny.company, johnny.role) == (
        "johnny_appleseed@mac.com",
        "+1 (408) 555-0100",
        "Apple Inc.",
        "Engineer",
    )
    assert johnny.details == (
        email("johnny@example.com", "home"),
        email("johnny_appleseed@mac.com", "work", pref=True),
        phone("+1 (408) 555-0100", "cell", pref=True),
        phone("+1 (408) 555-0199", "work"),
        ContactDetail(
            "address", ";;1 Infinite Loop;Cupertino;CA;95014;United States", "work", True
        ),
        ContactDetail("url", "http://www.apple.com", None, True),
        ContactDetail("birthday", "1980-04-12"),
        ContactDetail("department", "Engineering"),
    )
    assert johnny.details[4].text() == "1 Infinite Loop, Cupertino, CA, 95014, United States"
    ignored = next(line for line in summary.lines() if "vCard ignored" in line)
    assert "PHOTO (1 card)" in ignored and "X-ABUID (1 card)" in ignored


def test_outlook_hebrew_in_windows_1255(db: Database) -> None:
    summary = load(db, "outlook_21_cp1255.vcf")

    moshe = people(db)["משה לוי"]
    assert (moshe.email, moshe.phone, moshe.company, moshe.role) == (
        "moshe@example.co.il",
        "03-555-1234",
        'אלקטרה בע"מ',
        "מנהל רכש",
    )
    assert moshe.details == (
        email("moshe@example.co.il", None, pref=True),
        phone("03-555-1234", "work"),
        phone("052-555-6789", "cell"),
        ContactDetail("address", ";;רחוב הרצל 1;תל אביב;;6100000;ישראל", "work"),
        ContactDetail("department", "רכש"),
    )
    ignored = next(line for line in summary.lines() if "vCard ignored" in line)
    assert "LABEL (1 card)" in ignored and "X-MS-OL-DEFAULT-POSTAL-ADDRESS" in ignored


def test_declared_shift_jis_and_latin_1(db: Database) -> None:
    load(db, "charsets_21.vcf")

    found = people(db)
    assert found["山田 太郎"].phone == "090-1234-5678"
    assert found["Jürgen Müller"].company == "Bäckerei Müller GmbH"


def test_gmail_keeps_a_comma_in_fn_and_the_preferred_work_email(db: Database) -> None:
    summary = load(db, "gmail_30.vcf")

    john = people(db)["Mr. John Richter, James Doe Sr."]
    assert (john.email, john.phone, john.company, john.tags) == (
        "jdoe@work.example.com",
        "+1 555 0101",
        "Doe & Sons",
        ("myContacts", "Friends"),
    )
    assert john.details == (
        email("john.home@example.com", "home"),
        email("john@work.example.com", "work"),
        email("jdoe@work.example.com", "work", pref=True),
        phone("+1 555 0101", "cell"),
        ContactDetail("url", "https://doe.example.com"),
    )
    assert people(db)["Omega"].email == "omega@example.com"
    assert "  vCard EMAIL: 1 address taken out of a display name" in summary.lines()


def test_vcard_40_drops_tel_prefixes_and_follows_pref_1(db: Database) -> None:
    summary = load(db, "vcard_40.vcf")

    simon = people(db)["Simon Perreault"]
    assert (simon.email, simon.phone, simon.company) == (
        "simon@example.com",
        "+1-418-656-9254;ext=102",
        "Viagenie",
    )
    assert simon.details == (
        email("simon.perreault@viagenie.ca", "work"),
        email("simon@example.com", "home", pref=True),
        phone("+1-418-656-9254;ext=102", "work", pref=True),
        phone("+1-418-262-6501", "work,cell,video,text"),
        phone("+1-555-555-5555"),
        ContactDetail("address", ";Suite D2-630;2875 Laurier;Quebec;QC;G1V 2M2;Canada", "work"),
        ContactDetail("url", "http://nomis80.org", "home"),
        ContactDetail("birthday", "--0203"),
    )
    lines = summary.lines()
    assert "  vCard TEL: 3 tel: prefixes removed" in lines
    assert (
        "  vCard ignored: GENDER (1 card), GEO (1 card), KEY (1 card), LANG (1 card), TZ (1 card)"
        in lines
    )


def test_a_fold_in_the_middle_of_a_utf8_character(db: Database) -> None:
    load(db, "owncloud_fold.vcf")

    (zoe,) = contacts.list_contacts(db)
    assert zoe.name == "Zoë Ærøskøbing-Ünal — Ὀδυσσεύς Ἰθακήσιος 東京都渋谷区"
    assert zoe.notes == "Première ligne\nDeuxième ligne, avec une virgule, et un point-virgule;"


def test_lotus_notes_profile_and_a_comment_line_are_ignored_and_said(db: Database) -> None:
    summary = load(db, "lotus_notes.vcf")

    anne = people(db)["Anne Smith"]
    assert (anne.company, anne.email, anne.phone) == (
        "Acme Corp",
        "anne.smith@acme.example",
        "+44 20 7946 0000",
    )
    assert ContactDetail("department", "Legal") in anne.details
    lines = summary.lines()
    ignored = next(line for line in lines if "vCard ignored" in line)
    assert "PROFILE (1 card)" in ignored and "X-LOTUS-CHILD_UID (1 card)" in ignored
    assert "  vCard comment lines ignored: 1" in lines


def test_a_nameless_phone_only_card_is_named_after_its_phone(db: Database) -> None:
    summary = load(db, "nameless.vcf")

    assert summary.created == Counter(contacts=2)
    assert people(db)["+972 50 765 4321"].phone == "+972 50 765 4321"
    assert "  vCard FN: 1 card without a name, named after its phone (line 6)" in summary.lines()


def test_nine_phones_are_all_kept_and_the_preferred_is_the_main_one(db: Database) -> None:
    load(db, "nine_phones.vcf")

    nine = people(db)["Nine Phones"]
    assert nine.phone == "+1 555 0105"
    assert [(d.value, d.label, d.pref) for d in nine.all_of("phone")] == [
        ("+1 555 0101", "home", False),
        ("+1 555 0102", "work", False),
        ("+1 555 0103", "cell", False),
        ("+1 555 0104", "fax", False),
        ("+1 555 0105", "pager", True),
        ("+1 555 0106", "car", False),
        ("+1 555 0107", "isdn", False),
        ("+1 555 0108", "video", False),
        ("+1 555 0109", "msg", False),
    ]


def test_a_dry_run_says_the_same_and_writes_nothing(db: Database) -> None:
    dry = load(db, "vcard_40.vcf", dry_run=True)

    assert contacts.list_contacts(db) == []
    assert "  vCard TEL: 3 tel: prefixes removed" in dry.lines()
    assert dry.lines()[-1] == "Nothing was written (a dry run)."


def test_a_bad_charset_is_a_problem_at_its_line(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "bad.vcf"
    path.write_bytes(b"BEGIN:VCARD\r\nVERSION:2.1\r\nFN:M\xfcller\r\nEND:VCARD\r\n")

    with pytest.raises(ImportFailed) as failed:
        load(db, path)
    assert failed.value.lines() == [
        "line 3, column 'FN': not utf-8 text: byte fc (and the property declares no CHARSET)"
    ]
    assert contacts.list_contacts(db) == []


# --- every detail is searchable, undoable and goes out again ------------------------


def test_search_finds_a_contact_by_any_of_their_emails_and_phones(db: Database) -> None:
    load(db, "nine_phones.vcf")
    load(db, "gmail_30.vcf")

    assert [c.name for c in contacts.list_contacts(db, search="555 0108")] == ["Nine Phones"]
    found = contacts.list_contacts(db, search="john.home@example")
    assert [c.name for c in found] == ["Mr. John Richter, James Doe Sr."]


def test_search_still_finds_other_phones_after_an_edit(db: Database) -> None:
    load(db, "nine_phones.vcf")
    contacts.edit_contact(db, "Nine Phones", company="Many Lines Ltd")

    assert [c.name for c in contacts.list_contacts(db, search="555 0107")] == ["Nine Phones"]


def test_deleting_a_contact_and_undoing_it_brings_every_detail_back(db: Database) -> None:
    load(db, "ios6_crcrlf.vcf")
    johnny = people(db)["Johnny Appleseed"]

    _deleted, entry = undoable_contact(
        johnny.id, "delete", lambda: contacts.delete_contact(db, f"#{johnny.id}")
    )
    assert contacts.list_contacts(db) == []
    with db.read() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM contact_detail").scalar() == 0
    undo(db, entry)

    back = people(db)["Johnny Appleseed"]
    assert kept(back) == kept(johnny)
    assert back.id == johnny.id


@pytest.mark.parametrize("fmt", ["vcard", "json"])
def test_every_card_survives_export_and_import_exactly(
    db: Database, other: Database, tmp_path: Path, fmt: str
) -> None:
    for name in ALL:
        load(db, name)
    before = {c.name: kept(c) for c in contacts.list_contacts(db)}
    assert len(before) == 14

    out = io.StringIO()
    export(db, out, kind="all" if fmt == "json" else "contacts", fmt=fmt)
    path = tmp_path / ("back.json" if fmt == "json" else "back.vcf")
    path.write_text(out.getvalue(), encoding="utf-8", newline="")
    load(other, path)

    after = {c.name: kept(c) for c in contacts.list_contacts(other)}
    assert after == before


def test_an_update_import_replaces_the_details(db: Database, tmp_path: Path) -> None:
    load(db, "gmail_30.vcf")
    path = tmp_path / "again.vcf"
    path.write_bytes(
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Mr. John Richter\\, James Doe Sr.\r\n"
        b"EMAIL;TYPE=WORK:jdoe@work.example.com\r\nEMAIL;TYPE=HOME;TYPE=PREF:new@example.com\r\n"
        b"END:VCARD\r\n"
    )
    summary = load(db, path, on_duplicate="update")

    assert summary.updated == Counter(contacts=1)
    john = people(db)["Mr. John Richter, James Doe Sr."]
    assert john.email == "new@example.com"
    assert john.details == (
        email("jdoe@work.example.com", "work"),
        email("new@example.com", "home", pref=True),
    )
    assert [c.name for c in contacts.list_contacts(db, search="new@example")] == [john.name]
    assert contacts.list_contacts(db, search="john.home@example") == []
