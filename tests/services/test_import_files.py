"""User stories for `pipetui import`, one file format at a time: a seller moving
from Pipedrive or HubSpot (or from another pipetui) brings their deals and
contacts over, in Hebrew, Arabic, Japanese or with emoji, and finds every row
as it was: the exact text, the money in minor units, won and lost deals,
new stages appended in the order the file first names them, people matched
to the contacts already here. Importing the same file again adds nothing;
--dry-run shows the same summary and writes nothing.

The clock is frozen through PIPETUI_NOW; local time is UTC. The files are in
tests/fixtures/imports/.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from db_targets import Targets
from pipetui.domain.deal_status import DealStatus
from pipetui.domain.errors import ValidationError
from pipetui.domain.journey import JourneyStage
from pipetui.domain.money import Money
from pipetui.services import clock, contacts, deals, pipelines
from pipetui.services.transfer import ImportFailed, ImportOptions, ImportSummary, import_file
from pipetui.store.database import Database, open_database
from table_dump import dump

FIXTURES = Path(__file__).parent.parent / "fixtures" / "imports"
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
DANA, AHMED = "דנה כהן", "أحمد حسن"
PIPEDRIVE_TITLES = {
    "pipedrive:101": "חידוש רישיון — דנה כהן",
    "pipedrive:102": "صفقة أحمد حسن",
    "pipedrive:103": "東京 expansion 🚀",
    "pipedrive:104": "Empty optional fields",
}
FILES = (
    "pipedrive_deals.csv",
    "hubspot_deals.csv",
    "hubspot_contacts.csv",
    "own_contacts.csv",
    "own_deals.csv",
    "contacts.vcf",
)
# What each fixture holds, by kind (what a second import skips).
ROWS = {
    "pipedrive_deals.csv": Counter(deals=4),
    "hubspot_deals.csv": Counter(deals=4),
    "hubspot_contacts.csv": Counter(contacts=4),
    "own_contacts.csv": Counter(contacts=3),
    "own_deals.csv": Counter(deals=4),
    "contacts.vcf": Counter(contacts=3),
}


@pytest.fixture
def db(new_target: Targets, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    monkeypatch.setenv("PIPETUI_NOW", NOW.isoformat())
    database = open_database(new_target("import.db"), now=clock.now())
    yield database
    database.dispose()


def load(db: Database, name: str | Path, **options: Any) -> ImportSummary:
    """Import a fixture (by name) or any file (by path), USD by default."""
    path = name if isinstance(name, Path) else FIXTURES / name
    return import_file(db, path, ImportOptions(**options), default_currency="USD")


def all_deals(db: Database) -> dict[str, deals.DealView]:
    """Every deal (open, won, lost) by external id, else by title."""
    views = deals.list_deals(db, deals.DealFilter(statuses=tuple(DealStatus)))
    return {v.deal.external_id or v.deal.title: v for v in views}


def all_contacts(db: Database) -> dict[str, Any]:
    return {c.name: c for c in contacts.list_contacts(db)}


def stage_names(db: Database, pipeline: str) -> list[str]:
    for found in pipelines.list_pipelines(db):
        if found.pipeline.name == pipeline:
            return [s.name for s in found.stages]
    raise AssertionError(f"no pipeline {pipeline!r}")


def stored_bytes(db: Database, sql: str) -> list[bytes]:
    """Text columns exactly as the database holds them: the UTF-8 bytes (SQLite:
    CAST AS BLOB; PostgreSQL: convert_to, its UTF-8 encoding of the text)."""
    if db.is_server:
        sql = re.sub(r"CAST\((\w+) AS BLOB\)", r"convert_to(\1, 'UTF8')", sql)
    with db.read() as conn:
        return [bytes(row[0]) for row in conn.exec_driver_sql(sql)]


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


# --- Pipedrive ----------------------------------------------------------------


def test_pipedrive_deals_land_with_exact_text_minor_units_and_statuses(db: Database) -> None:
    """A Pipedrive export (UTF-8 with a BOM) brings four deals: open, won, lost,
    and one with every optional cell empty."""
    summary = load(db, "pipedrive_deals.csv")

    assert summary.label == "Pipedrive deals"
    assert summary.rows == 4
    assert summary.created == Counter(stages=2, contacts=3, deals=4)
    assert summary.ignored == []
    found = all_deals(db)
    assert {k: v.deal.title for k, v in found.items()} == PIPEDRIVE_TITLES

    renewal = found["pipedrive:101"]
    assert renewal.deal.value == Money(120050, "ILS")  # "1,200.50" ILS
    assert renewal.deal.status is DealStatus.OPEN
    assert renewal.stage_name == "Proposal"
    assert renewal.deal.close_date == date(2026, 12, 31)
    assert renewal.deal.created_at == datetime(2026, 10, 1, 9, 0, tzinfo=UTC)
    assert renewal.deal.closed_at is None
    assert renewal.contact_name == DANA
    assert renewal.deal.owner == "Noa"  # "Deal - Owner"

    won = found["pipedrive:102"]
    assert won.deal.value == Money(300000, "USD")  # "3,000"
    assert won.deal.status is DealStatus.WON
    assert won.deal.closed_at == datetime(2026, 11, 1, 12, 0, tzinfo=UTC)  # Deal - Won time
    assert won.contact_name == AHMED

    lost = found["pipedrive:103"]
    assert lost.deal.value == Money(500000, "JPY")  # no minor unit: "500,000" is 500000
    assert lost.deal.status is DealStatus.LOST
    assert lost.deal.lost_reason == "Budget cut 💸"
    assert lost.deal.closed_at == datetime(2026, 11, 10, 8, 0, tzinfo=UTC)  # Deal - Lost time
    assert lost.contact_name == "山田 太郎"

    bare = found["pipedrive:104"]
    assert bare.deal.value == Money(0, "USD")  # empty value and currency: the default
    assert bare.deal.status is DealStatus.OPEN
    assert (bare.deal.close_date, bare.deal.contact_id, bare.deal.source) == (None, None, None)
    assert bare.deal.created_at == NOW

    # Byte-exact, as SQLite holds them: no normalisation, no reordering of RTL text.
    assert stored_bytes(db, "SELECT CAST(title AS BLOB) FROM deal ORDER BY external_id") == [
        title.encode("utf-8") for _id, title in sorted(PIPEDRIVE_TITLES.items())
    ]
    people = all_contacts(db)
    assert set(people) == {DANA, AHMED, "山田 太郎"}
    dana = people[DANA]
    assert (dana.email, dana.phone, dana.company) == (
        "dana@example.co.il",
        "+972-50-123-4567",
        'כהן בע"מ',
    )
    assert stored_bytes(db, "SELECT CAST(name AS BLOB) FROM contact ORDER BY id") == [
        DANA.encode(),
        AHMED.encode(),
        "山田 太郎".encode(),
    ]


def test_new_stages_are_appended_in_first_appearance_order_and_listed(db: Database) -> None:
    """Stages the board does not have are added after its last stage, in the
    order the file first names them, and the summary says so."""
    summary = load(db, "pipedrive_deals.csv")

    assert summary.new_stages == ["Sales: Contract sent", "Sales: Demo scheduled"]
    assert summary.new_pipelines == []
    assert stage_names(db, "Sales") == [
        "Prospecting",
        "Qualification",
        "Initial contact",
        "Needs assessment",
        "Proposal",
        "Negotiation",
        "Contract sent",
        "Demo scheduled",
    ]
    assert summary.lines() == [
        "Imported pipedrive_deals.csv (Pipedrive deals, 4 rows):",
        "  new: 2 stages, 3 contacts, 4 deals",
        "  new stages (appended): Sales: Contract sent, Sales: Demo scheduled",
    ]


def test_people_on_deals_are_matched_by_email_then_exact_name_else_created(
    db: Database,
) -> None:
    """Dana is already here under another name but the same email (any case);
    Ahmed is here with no email, under the exact same name; only Yamada is new."""
    contacts.add_contact(db, name="Dana K.", email="DANA@Example.CO.IL")
    contacts.add_contact(db, name=AHMED)

    summary = load(db, "pipedrive_deals.csv")

    assert summary.created["contacts"] == 1
    found = all_deals(db)
    assert found["pipedrive:101"].contact_name == "Dana K."
    assert found["pipedrive:102"].contact_name == AHMED
    assert found["pipedrive:103"].contact_name == "山田 太郎"
    assert sorted(all_contacts(db)) == sorted(["Dana K.", AHMED, "山田 太郎"])


def test_the_pipeline_option_puts_every_deal_in_a_new_pipeline(db: Database) -> None:
    """--pipeline overrides the file's Deal - Pipeline column; a pipeline that
    does not exist is created, its stages in first-appearance order."""
    summary = load(db, "pipedrive_deals.csv", pipeline="צנרת 2026")

    assert summary.new_pipelines == ["צנרת 2026"]
    assert summary.new_stages == [
        "צנרת 2026: Proposal",
        "צנרת 2026: Contract sent",
        "צנרת 2026: Demo scheduled",
    ]
    assert summary.created == Counter(pipelines=1, stages=3, contacts=3, deals=4)
    assert {v.pipeline_name for v in all_deals(db).values()} == {"צנרת 2026"}
    assert stage_names(db, "צנרת 2026") == ["Proposal", "Contract sent", "Demo scheduled"]
    assert len(stage_names(db, "Sales")) == 6  # untouched


def test_the_pipeline_option_finds_an_existing_pipeline_in_any_case(db: Database) -> None:
    pipelines.add_pipeline(db, name="Renewals")
    summary = load(db, "own_deals.csv", pipeline="RENEWALS")

    assert summary.new_pipelines == []
    assert {v.pipeline_name for v in all_deals(db).values()} == {"Renewals"}


def test_an_empty_pipeline_option_is_refused(db: Database) -> None:
    before = dump(db)
    with pytest.raises(ValidationError) as refused:
        load(db, "own_deals.csv", pipeline="  ")
    assert refused.value.field == "pipeline"
    assert dump(db) == before


# --- HubSpot ------------------------------------------------------------------


def test_hubspot_deals_closed_won_and_lost_become_statuses(db: Database) -> None:
    """HubSpot's "Closed Won" and "Closed Lost" stages are statuses: the won
    deal sits in the pipeline's last stage, the lost one in its first, closed
    on their Close Date. The pipeline "Sales Pipeline" is new."""
    summary = load(db, "hubspot_deals.csv")

    assert summary.label == "HubSpot deals"
    assert summary.new_pipelines == ["Sales Pipeline"]
    assert summary.new_stages == [
        "Sales Pipeline: Appointment Scheduled",
        "Sales Pipeline: Contract Sent",
    ]
    assert summary.created == Counter(pipelines=1, stages=2, contacts=3, deals=4)
    assert stage_names(db, "Sales Pipeline") == ["Appointment Scheduled", "Contract Sent"]
    found = all_deals(db)
    assert {k: (v.deal.title, v.deal.status, v.stage_name) for k, v in found.items()} == {
        "hubspot:9001": ("עסקת דנה כהן", DealStatus.OPEN, "Appointment Scheduled"),
        "hubspot:9002": ("مشروع أحمد حسن", DealStatus.WON, "Contract Sent"),
        "hubspot:9003": ("北京 pilot 🐉", DealStatus.LOST, "Appointment Scheduled"),
        "hubspot:9004": ("Bare deal", DealStatus.OPEN, "Contract Sent"),
    }
    assert found["hubspot:9001"].deal.value == Money(120050, "USD")
    assert found["hubspot:9002"].deal.value == Money(2500000, "USD")
    assert found["hubspot:9003"].deal.value == Money(9999, "USD")
    assert found["hubspot:9004"].deal.value == Money(0, "USD")
    assert found["hubspot:9001"].deal.close_date == date(2026, 12, 15)
    assert found["hubspot:9002"].deal.close_date == date(2026, 11, 5)  # written with a time
    assert found["hubspot:9002"].deal.closed_at == datetime(2026, 11, 5, 14, 30, tzinfo=UTC)
    assert found["hubspot:9003"].deal.closed_at == datetime(2026, 10, 20, tzinfo=UTC)
    assert found["hubspot:9004"].deal.closed_at is None
    # First and Last Name make the deal's contact.
    assert found["hubspot:9001"].contact_name == DANA
    assert found["hubspot:9002"].contact_name == AHMED
    assert found["hubspot:9003"].contact_name == "李 雷"
    assert all_contacts(db)[AHMED].phone == "+966 50 000 0000"


def test_hubspot_contacts_join_their_names_and_map_the_lifecycle_stage(db: Database) -> None:
    summary = load(db, "hubspot_contacts.csv")

    assert summary.label == "HubSpot contacts"
    assert summary.created == Counter(contacts=4)
    assert summary.ignored == ["Contact owner"]
    people = all_contacts(db)
    assert set(people) == {DANA, AHMED, "solo@example.com", "美咲 佐藤 😀"}
    dana = people[DANA]
    assert dana.external_id == "hubspot:501"
    assert dana.email == "Dana@Example.co.il"  # kept as written
    assert dana.phone == "+972-50-123-4567"
    assert dana.company == 'כהן בע"מ'
    assert dana.source == "Offline Sources"
    assert (dana.journey_stage, dana.journey_stage_manual) == (JourneyStage.PURCHASE, True)
    assert dana.created_at == datetime(2026, 1, 10, tzinfo=UTC)
    ahmed = people[AHMED]
    assert (ahmed.external_id, ahmed.email, ahmed.journey_stage) == (
        "hubspot:502",
        None,
        JourneyStage.INTEREST,
    )
    assert people["solo@example.com"].email == "solo@example.com"  # no name: the email
    misaki = people["美咲 佐藤 😀"]
    assert misaki.journey_stage is JourneyStage.CONSIDERATION  # Marketing Qualified Lead
    assert misaki.source == "Direct Traffic"


def test_hubspot_contacts_match_contacts_already_here(db: Database) -> None:
    """After pipetui's own contacts: Dana by her email in another case, Ahmed
    (no email in either file) by his exact name; two people are new."""
    load(db, "own_contacts.csv")
    summary = load(db, "hubspot_contacts.csv")

    assert summary.created == Counter(contacts=2)
    assert summary.skipped == Counter(contacts=2)
    assert all_contacts(db)[DANA].email == "dana@example.co.il"  # skipped, not changed


def test_an_amount_naming_its_currency_keeps_it_when_there_is_no_currency_column(
    db: Database, tmp_path: Path
) -> None:
    """HubSpot's Amount has no currency column beside it; an amount written
    with its symbol or code ("₪30", "1,200 ILS") is in that currency."""
    path = write_csv(
        tmp_path / "amounts.csv",
        [["Deal Name", "Amount"], [DANA, "₪30"], [AHMED, "1,200 ILS"], ["Euro", "€500"]],
    )

    load(db, path)

    found = all_deals(db)
    assert found[DANA].deal.value == Money(3000, "ILS")
    assert found[AHMED].deal.value == Money(120000, "ILS")
    assert found["Euro"].deal.value == Money(50000, "EUR")


def test_headers_match_without_case_spaces_or_underscores(db: Database, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "odd.csv",
        [
            ["\ufeffRECORD_ID", "deal_name", " DealStage ", "AMOUNT", "close_date"],
            ["77", DANA, "closed_won", "1,200.50", "2026-11-01"],
        ],
    )
    summary = load(db, path)

    assert summary.label == "HubSpot deals"
    assert summary.ignored == []
    deal = all_deals(db)["hubspot:77"]
    assert (deal.deal.title, deal.deal.status, deal.deal.value) == (
        DANA,
        DealStatus.WON,
        Money(120050, "USD"),
    )


# --- pipetui's own CSV, and vCard ---------------------------------------------


def test_own_contacts_csv_keeps_every_field(db: Database) -> None:
    summary = load(db, "own_contacts.csv")

    assert summary.label == "pipetui CSV contacts"
    assert summary.created == Counter(contacts=3)
    people = all_contacts(db)
    dana = people[DANA]
    assert dana.phone == "+972-50-123-4567"  # export's formula quote taken off
    assert dana.company == 'כהן בע"מ'
    assert dana.role == "מנכ״ל"
    assert dana.notes == "שורה ראשונה\nשורה שנייה"
    assert dana.tags == ("vip", "חם")
    assert (dana.journey_stage, dana.journey_stage_manual) == (JourneyStage.PURCHASE, True)
    assert dana.created_at == datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
    ahmed = people[AHMED]
    assert ahmed.external_id == "crm:77"  # a pipetui file's external ids are kept as they are
    assert (ahmed.email, ahmed.phone, ahmed.notes, ahmed.tags) == (None, None, None, ())
    wang = people["王小明 🙂"]
    assert (wang.email, wang.journey_stage, wang.journey_stage_manual) == (
        "wang@example.cn",
        JourneyStage.INTEREST,
        False,
    )
    # The file's ids are free here, so they are kept.
    assert {c.name: c.id for c in people.values()} == {DANA: 1, AHMED: 2, "王小明 🙂": 3}


def test_own_deals_csv_brings_statuses_values_and_contacts(db: Database) -> None:
    summary = load(db, "own_deals.csv")

    assert summary.label == "pipetui CSV deals"
    assert summary.created == Counter(stages=1, contacts=2, deals=4)
    assert summary.new_stages == ["Sales: Onboarding"]
    found = all_deals(db)
    renewal = found["חידוש רישיון — דנה כהן"]
    assert (renewal.deal.id, renewal.deal.status, renewal.stage_name) == (
        1,
        DealStatus.OPEN,
        "Proposal",
    )
    assert renewal.deal.value == Money(120050, "ILS")
    assert (renewal.deal.probability, renewal.deal.source) == (70, "Referral")
    assert renewal.contact_name == DANA
    won = found["صفقة أحمد حسن"]
    assert (won.deal.status, won.deal.value, won.stage_name) == (
        DealStatus.WON,
        Money(300000, "USD"),
        "Negotiation",
    )
    assert won.deal.closed_at == NOW
    lost = found["東京 expansion 🚀"]
    assert (lost.deal.status, lost.deal.value, lost.deal.lost_reason, lost.stage_name) == (
        DealStatus.LOST,
        Money(500000, "JPY"),
        "Budget cut",
        "Onboarding",
    )
    bare = found["Empty optional fields"]
    assert (bare.pipeline_name, bare.stage_name, bare.deal.status) == (
        "Sales",
        "Prospecting",
        DealStatus.OPEN,
    )
    assert (bare.deal.value, bare.deal.contact_id) == (Money(0, "USD"), None)


def test_vcard_contacts_keep_their_text_uid_and_pipetui_properties(db: Database) -> None:
    summary = load(db, "contacts.vcf")

    assert summary.label == "vCard contacts"
    assert summary.created == Counter(contacts=3)
    people = all_contacts(db)
    dana = people[DANA]
    assert (dana.email, dana.phone, dana.company, dana.role, dana.external_id) == (
        "dana@example.co.il",
        "+972-50-123-4567",
        'כהן בע"מ',
        "מנכ״ל",
        "phone-contact-1",
    )
    ahmed = people[AHMED]
    assert (ahmed.email, ahmed.notes, ahmed.tags) == (
        "ahmed@example.com",
        "يفضل واتساب",
        ("vip", "شريك"),
    )
    yamada = people["山田 太郎 🎌"]
    assert (yamada.source, yamada.journey_stage) == ("Conference", JourneyStage.INTEREST)


# --- every format: dry run, second import, duplicates -------------------------


@pytest.mark.parametrize("name", FILES)
def test_a_dry_run_writes_nothing_and_says_what_the_import_would_do(
    new_target: Targets, name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PIPETUI_NOW", NOW.isoformat())
    dry_db = open_database(new_target("dry.db"), now=clock.now())
    real_db = open_database(new_target("real.db"), now=clock.now())
    before = dump(dry_db)

    dry = load(dry_db, name, dry_run=True)

    assert dump(dry_db) == before
    real = load(real_db, name)
    assert (dry.created, dry.skipped, dry.new_pipelines, dry.new_stages) == (
        real.created,
        real.skipped,
        real.new_pipelines,
        real.new_stages,
    )
    assert dry.lines()[0] == real.lines()[0].replace("Imported", "Would import", 1)
    assert dry.lines()[1:-1] == real.lines()[1:]
    assert dry.lines()[-1] == "Nothing was written (a dry run)."


@pytest.mark.parametrize("name", FILES)
def test_importing_the_same_file_again_skips_every_row(name: str, db: Database) -> None:
    load(db, name)
    before = dump(db)

    again = load(db, name)

    assert +again.created == Counter()
    assert +again.updated == Counter()
    assert again.skipped == ROWS[name]
    assert again.new_stages == again.new_pipelines == []
    assert dump(db) == before


def test_a_pipetui_file_imported_twice_beside_other_deals_adds_nothing_the_second_time(
    db: Database,
) -> None:
    """The database already has deal #1; the file's deals (ids 1-4) get new ids
    on the first import, and the second import must find them again."""
    deals.add_deal(db, title="Already here", value=Money(100, "USD"))
    load(db, "own_deals.csv")
    before = dump(db)

    again = load(db, "own_deals.csv")

    assert again.skipped == Counter(deals=4)
    assert +again.created == Counter()
    assert dump(db) == before


def test_on_duplicate_update_changes_the_value(db: Database, tmp_path: Path) -> None:
    load(db, "pipedrive_deals.csv")
    edited = (FIXTURES / "pipedrive_deals.csv").read_text(encoding="utf-8-sig")
    assert '"1,200.50",ILS' in edited
    path = tmp_path / "pipedrive_deals.csv"
    path.write_text(edited.replace('"1,200.50",ILS', '"2,000.75",ILS'), encoding="utf-8")

    summary = load(db, path, on_duplicate="update")

    assert +summary.created == Counter()
    assert summary.updated == Counter(deals=4)
    found = all_deals(db)
    assert found["pipedrive:101"].deal.value == Money(200075, "ILS")
    assert found["pipedrive:101"].deal.updated_at == NOW
    assert found["pipedrive:102"].deal.value == Money(300000, "USD")  # as it was
    assert found["pipedrive:102"].deal.status is DealStatus.WON
    assert len(found) == 4


def test_on_duplicate_update_changes_a_contact(db: Database, tmp_path: Path) -> None:
    load(db, "own_contacts.csv")
    edited = (FIXTURES / "own_contacts.csv").read_text(encoding="utf-8")
    path = tmp_path / "own_contacts.csv"
    path.write_text(edited.replace("'+972-50-123-4567", "+972-3-555-0000"), encoding="utf-8")

    summary = load(db, path, on_duplicate="update")

    assert summary.updated == Counter(contacts=3)
    dana = all_contacts(db)[DANA]
    assert dana.phone == "+972-3-555-0000"
    assert contacts.list_contacts(db, search="555-0000") == [dana]  # search key rebuilt


def test_on_duplicate_update_closes_a_hubspot_deal_now_closed_won(
    db: Database, tmp_path: Path
) -> None:
    load(db, "hubspot_deals.csv")
    edited = (FIXTURES / "hubspot_deals.csv").read_text(encoding="utf-8")
    path = tmp_path / "hubspot_deals.csv"
    path.write_text(edited.replace("Appointment Scheduled", "Closed Won"), encoding="utf-8")

    summary = load(db, path, on_duplicate="update")

    assert summary.updated["deals"] == 4
    assert all_deals(db)["hubspot:9001"].deal.status is DealStatus.WON


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "pipedrive_deals.csv",
            [
                "line 2: deal #1 exists (חידוש רישיון — דנה כהן)",
                "line 3: deal #2 exists (صفقة أحمد حسن)",
                "line 4: deal #3 exists (東京 expansion 🚀)",
                "line 5: deal #4 exists (Empty optional fields)",
            ],
        ),
        (
            # Dana's notes take two lines: Ahmed's row starts on line 4.
            "own_contacts.csv",
            [
                "line 2: contact #1 exists (דנה כהן)",
                "line 4: contact #2 exists (أحمد حسن)",
                "line 5: contact #3 exists (王小明 🙂)",
            ],
        ),
        (
            "contacts.vcf",
            [
                "line 1: contact #1 exists (דנה כהן)",
                "line 11: contact #2 exists (أحمد حسن)",
                "line 19: contact #3 exists (山田 太郎 🎌)",
            ],
        ),
    ],
)
def test_on_duplicate_error_lists_every_duplicate_and_writes_nothing(
    db: Database, name: str, expected: list[str]
) -> None:
    load(db, name)
    before = dump(db)

    with pytest.raises(ImportFailed) as failed:
        load(db, name, on_duplicate="error")

    assert failed.value.lines() == expected
    assert failed.value.total == len(expected)
    assert failed.value.field == "file"
    assert str(failed.value) == (f"file: {name}: {len(expected)} problems, nothing was imported")
    assert dump(db) == before


def test_an_unknown_on_duplicate_choice_is_refused(db: Database) -> None:
    with pytest.raises(ValidationError) as refused:
        load(db, "own_deals.csv", on_duplicate="merge")
    assert refused.value.field == "on-duplicate"


# --- what lands, exactly -------------------------------------------------------


def test_control_characters_are_stripped_from_titles_and_names(
    db: Database, tmp_path: Path
) -> None:
    """C0 (NUL, BEL, ESC, BS), DEL, C1 (NEL, CSI) and the bidi override U+202E
    and isolate U+2066 go; tab and line breaks in a title become one space;
    notes keep their line break. Hebrew and Arabic stay byte-exact."""
    path = write_csv(
        tmp_path / "hostile.csv",
        [
            ["Deal - Title", "Person - Name", "Deal - Lost reason", "Deal - Status"],
            [
                "\x00\x01Acme\x07 \x1bCorp\x7f\x85\u202e\u2066",
                "\u202eדנה\x9b כהן\x08",
                "line1\r\nline2\x0c\u202e",
                "lost",
            ],
            ["Tab\tand\nnewline", "\u202e" + AHMED + "\x1b", "", "open"],
        ],
    )

    load(db, path)

    found = all_deals(db)
    assert set(found) == {"Acme Corp", "Tab and newline"}
    assert found["Acme Corp"].contact_name == DANA
    assert found["Acme Corp"].deal.lost_reason == "line1\nline2"
    assert found["Tab and newline"].contact_name == AHMED
    assert sorted(stored_bytes(db, "SELECT CAST(name AS BLOB) FROM contact")) == sorted(
        [DANA.encode(), AHMED.encode()]
    )


def test_an_imported_deal_history_is_marked_imported(db: Database) -> None:
    """A deal imported without history entered its stage when created and, if
    closed, closed when it did: every such row says imported."""
    load(db, "pipedrive_deals.csv")
    found = all_deals(db)

    won = deals.show_deal(db, found["pipedrive:102"].deal.id)
    assert [(c.from_status, c.to_status, c.at, c.imported) for c in won.history] == [
        (None, DealStatus.OPEN, datetime(2026, 9, 1, 10, 0, tzinfo=UTC), True),
        (DealStatus.OPEN, DealStatus.WON, datetime(2026, 11, 1, 12, 0, tzinfo=UTC), True),
    ]
    open_deal = deals.show_deal(db, found["pipedrive:101"].deal.id)
    assert [(c.to_status, c.imported) for c in open_deal.history] == [(DealStatus.OPEN, True)]
    with db.read() as conn:
        flags = {row[0] for row in conn.exec_driver_sql("SELECT imported FROM stage_history")}
    assert flags == {1}


def test_a_full_json_export_restores_into_an_empty_database_exactly(
    new_target: Targets, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`export --format json` into a new database: every table as it was."""
    from pipetui.services.followups import add_followup
    from pipetui.services.touchpoints import log_touchpoint
    from pipetui.services.transfer import export

    contacts.add_contact(db, name=DANA, email="dana@example.co.il")
    renewal = deals.add_deal(
        db, title="חידוש 🚀", value=Money(120050, "ILS"), contact=DANA, stage="Proposal"
    ).view.deal
    deals.step_deal(db, renewal.id, steps=1)
    won = deals.add_deal(db, title="صفقة", value=Money(300000, "USD"), contact=AHMED).view.deal
    deals.win_deal(db, won.id)
    log_touchpoint(db, contact=DANA, kind="call", summary="שיחה", deal_id=renewal.id)
    add_followup(db, title="לחזור", due=date(2026, 12, 1), deal_id=renewal.id)
    path = tmp_path / "all.json"
    with path.open("w", encoding="utf-8") as out:
        export(db, out, kind="all", fmt="json")
    restored = open_database(new_target("restored.db"), now=clock.now())
    empty = dump(restored)

    dry = load(restored, path, dry_run=True)

    assert dump(restored) == empty
    summary = load(restored, path)
    assert summary.created == dry.created

    assert summary.created == Counter(
        # (touchpoints: the one logged, and the won deal's purchase, issue 19)
        {"pipelines": 1, "contacts": 2, "deals": 2, "touchpoints": 2, "follow-ups": 1}
    )
    assert dump(restored, versions=False) == dump(db, versions=False)


def test_touchpoints_exported_as_csv_import_into_another_database(
    new_target: Targets, db: Database, tmp_path: Path
) -> None:
    """Touchpoints name their contact and deal; in a database that has both
    (here from the contacts and deals CSV), they land on them, once."""
    from pipetui.services.touchpoints import log_touchpoint
    from pipetui.services.transfer import export

    contacts.add_contact(db, name=DANA, email="dana@example.co.il")
    deal = deals.add_deal(db, title="עסקה", value=Money(100, "USD"), contact=DANA).view.deal
    log_touchpoint(
        db, contact=DANA, kind="call", summary="=1+1 שיחה", deal_id=deal.id, score=9,
        at=datetime(2026, 11, 1, 9, 0, tzinfo=UTC),
    )  # fmt: skip
    log_touchpoint(db, contact=DANA, kind="demo", at=datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    files = {}
    for kind in ("contacts", "deals", "touchpoints"):
        files[kind] = tmp_path / f"{kind}.csv"
        with files[kind].open("w", encoding="utf-8", newline="") as out:
            export(db, out, kind=kind, fmt="csv")
    other = open_database(new_target("other.db"), now=clock.now())
    load(other, files["contacts"])
    load(other, files["deals"])

    summary = load(other, files["touchpoints"])

    assert summary.label == "pipetui CSV touchpoints"
    assert summary.created == Counter(touchpoints=2)
    assert dump(other)["touchpoint"] == dump(db)["touchpoint"]
    again = load(other, files["touchpoints"])
    assert again.skipped == Counter(touchpoints=2)
