"""Issue 18, the CSV side: files as Pipedrive, HubSpot, Salesforce and Excel
really write them (tests/fixtures/imports/make_crm_files.py writes them byte
for byte) land field by field; a currency pipetui cannot read, an encoding it
cannot tell or dates that read two ways stop the import with nothing written;
`skip_invalid` imports the good rows and lists the others in a rejects file.

The clock is frozen through PIPETUI_NOW; local time is UTC.
"""

from __future__ import annotations

import csv
import io
import os
import stat
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from db_targets import Targets
from pipetui.domain.deal_status import DealStatus
from pipetui.domain.money import Money
from pipetui.services import clock, contacts, deals, pipelines
from pipetui.services.transfer import (
    ImportFailed,
    ImportOptions,
    ImportSummary,
    export,
    import_file,
)
from pipetui.store.database import Database, open_database
from table_dump import dump

FIXTURES = Path(__file__).parent.parent / "fixtures" / "imports"
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


@pytest.fixture
def db(new_target: Targets, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    monkeypatch.setenv("PIPETUI_NOW", NOW.isoformat())
    database = open_database(new_target("crm.db"), now=clock.now())
    yield database
    database.dispose()


def load(db: Database, name: str | Path, **options: Any) -> ImportSummary:
    path = name if isinstance(name, Path) else FIXTURES / name
    return import_file(db, path, ImportOptions(**options), default_currency="USD")


def refused(db: Database, name: str | Path, **options: Any) -> ImportFailed:
    before = dump(db)
    with pytest.raises(ImportFailed) as failed:
        load(db, name, **options)
    assert dump(db) == before  # nothing written
    return failed.value


def all_deals(db: Database) -> dict[str, deals.DealView]:
    views = deals.list_deals(db, deals.DealFilter(statuses=tuple(DealStatus)))
    return {v.deal.external_id or v.deal.title: v for v in views}


def all_contacts(db: Database) -> dict[str, Any]:
    return {c.name: c for c in contacts.list_contacts(db)}


def stages(db: Database, pipeline: str) -> list[tuple[str, int]]:
    for found in pipelines.list_pipelines(db):
        if found.pipeline.name == pipeline:
            return [(s.name, s.probability) for s in found.stages]
    raise AssertionError(f"no pipeline {pipeline!r}")


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


# --- Pipedrive --------------------------------------------------------------------


def test_pipedrive_currency_of_value_is_each_deals_currency(db: Database) -> None:
    summary = load(db, "pipedrive_deals_currencies.csv")

    assert summary.label == "Pipedrive deals"
    assert summary.created == Counter(stages=3, contacts=3, deals=3)
    found = all_deals(db)
    berlin, dana, austin = found["pipedrive:201"], found["pipedrive:202"], found["pipedrive:203"]
    assert berlin.deal.value == Money(2500000, "EUR")
    assert dana.deal.value == Money(1200000, "ILS")
    assert austin.deal.value == Money(150050, "USD")
    assert (berlin.deal.status, dana.deal.status, austin.deal.status) == (
        DealStatus.OPEN,
        DealStatus.WON,
        DealStatus.LOST,
    )
    assert berlin.deal.probability == 50
    assert berlin.deal.close_date == date(2026, 12, 31)
    assert austin.deal.lost_reason == "Went with a competitor"
    assert berlin.contact_name == "Jonas Müller"
    people = all_contacts(db)
    assert people["Jonas Müller"].email == "jonas@mueller.example"
    assert people["Jonas Müller"].phone == "+49 151 2345678"  # Person - Phone - Mobile
    assert people["Jonas Müller"].company == "Müller GmbH"
    assert people["דנה כהן"].email == "dana@example.co.il"
    # The weighted value's currency is a column for a column pipetui ignores;
    # "Deal - Label" is the deal's tags (issue 19).
    assert summary.ignored == [
        "Deal - Creator",
        "Deal - Weighted value",
        "Deal - Currency of Weighted value",
    ]
    assert (berlin.deal.tags, dana.deal.tags) == (("Hot",), ())


def test_an_amount_whose_currency_cell_is_empty_stops_the_import(
    db: Database, tmp_path: Path
) -> None:
    text = (FIXTURES / "pipedrive_deals_currencies.csv").read_text(encoding="utf-8-sig")
    path = write(tmp_path / "deals.csv", text.replace('"12000","ILS"', '"12000",""'))

    failed = refused(db, path)

    assert failed.lines() == [
        "line 3, column 'Deal - Currency of Value': is empty, so the amount in "
        "'Deal - Value' has no currency"
    ]


def test_a_currency_column_pipetui_does_not_read_stops_the_import(
    db: Database, tmp_path: Path
) -> None:
    path = write(tmp_path / "deals.csv", "Deal - Title,Deal - Value,Deal - Valuta\nA,100,EUR\n")
    write(tmp_path / "deals2.csv", "Deal - Title,Deal - Value,Deal - Money currency\nA,100,EUR\n")

    assert load(db, path, dry_run=True).rows == 1  # "Valuta" means nothing to pipetui
    failed = refused(db, tmp_path / "deals2.csv")

    assert failed.lines() == [
        "line 1, column 'Deal - Money currency': pipetui cannot read this currency column "
        "(for 'Deal - Value')"
    ]


def test_an_amount_naming_its_currency_needs_no_currency_cell(db: Database, tmp_path: Path) -> None:
    path = write(
        tmp_path / "deals.csv",
        "Deal - Title,Deal - Value,Deal - Currency of Value\nA,€500,\nB,,\n",
    )

    load(db, path)

    found = all_deals(db)
    assert found["A"].deal.value == Money(50000, "EUR")
    assert found["B"].deal.value == Money(0, "USD")  # no amount, nothing to assume


def test_pipedrive_people_template_headers_with_stars(db: Database) -> None:
    summary = load(db, "pipedrive_people_template.csv")

    assert summary.label == "Pipedrive contacts"
    assert summary.ignored == []
    people = all_contacts(db)
    jonas, dana = people["Jonas Müller"], people["דנה כהן"]
    assert jonas.company == "Müller GmbH"  # Organization - Name*
    assert jonas.email == "jonas@home.example"  # the work email is empty: the home one
    assert jonas.phone == "+49 151 2345678"  # no work phone: the mobile
    assert jonas.role == "CTO"
    assert jonas.tags == ("Hot lead", "VIP")  # Person - Labels
    assert jonas.notes == "Met at the Berlin fair.\nWants a demo."  # Note - Content
    assert dana.email == "dana@example.co.il"  # the work email first
    assert dana.phone == "+972-3-1234567"
    assert dana.company == 'כהן בע"מ'


def test_pipedrive_deals_template(db: Database) -> None:
    load(db, "pipedrive_deals_template.csv")

    found = all_deals(db)["Renewal 2027"]
    assert found.deal.value == Money(400000, "EUR")
    assert found.stage_name == "Qualified"
    assert found.contact_name == "Jonas Müller"
    jonas = all_contacts(db)["Jonas Müller"]
    assert (jonas.email, jonas.phone, jonas.company) == (
        "jonas@home.example",
        "+49 151 2345678",
        "Müller GmbH",
    )


# --- HubSpot -----------------------------------------------------------------------


def test_hubspot_deals_with_associations_and_a_custom_closed_stage(db: Database) -> None:
    summary = load(db, "hubspot_deals_associations.csv")

    found = all_deals(db)
    # Stages the import adds: by the file's probability, with it (not first seen, 0 %).
    assert stages(db, "Sales Pipeline") == [
        ("Appointment Scheduled", 20),
        ("Qualified To Buy", 40),
        ("Presentation Scheduled", 60),
    ]
    relaunch = found["hubspot:7001"]
    assert relaunch.deal.status is DealStatus.OPEN
    assert relaunch.stage_name == "Presentation Scheduled"
    assert relaunch.contact_name == "Dana Cohen"  # Associated Contact "Name (email)"
    assert relaunch.deal.source == "Organic Search"  # Original Traffic Source
    assert found["hubspot:7002"].contact_name == "Ahmed Hassan"  # the first of two
    assert found["hubspot:7003"].deal.contact_id is None
    won = found["hubspot:7004"]
    assert won.deal.status is DealStatus.WON
    assert won.stage_name == "Presentation Scheduled"  # the last open stage
    assert won.deal.value == Money(500000, "USD")
    lost, dead, cut = found["hubspot:7005"], found["hubspot:7006"], found["hubspot:7007"]
    assert {lost.deal.status, dead.deal.status, cut.deal.status} == {DealStatus.LOST}
    assert dead.deal.closed_at == datetime(2026, 10, 7, 10, 0, tzinfo=UTC)
    open_value = sum(v.deal.value.minor for v in found.values() if v.deal.status is DealStatus.OPEN)
    assert open_value == 500000  # 3,000 + 1,200 + 800: none of the $9,000 dead
    people = all_contacts(db)
    assert people["Dana Cohen"].email == "dana@example.co.il"
    assert people["Dana Cohen"].company == "Cohen Ltd"  # Associated Company
    assert people["Sam Lee"].email == "sam@lee.example"
    assert "stage 'Dead Deals' is closed in the file: 2 deals lost" in summary.notes
    assert "stage 'Closed Won' is closed in the file: 1 deal won" in summary.notes
    assert (
        "Associated Company: not kept on 1 deal naming no contact "
        "(pipetui keeps a company on a contact)" in summary.notes
    )
    assert summary.ignored == []


def test_hubspot_contacts_mobile_phone_company_and_source(db: Database) -> None:
    load(db, "hubspot_contacts_mobile.csv")

    dana = all_contacts(db)["Dana Cohen"]
    assert dana.phone == "+972-50-123-4567"  # Mobile Phone Number (Phone Number empty)
    assert dana.company == "Cohen Ltd"
    assert dana.source == "Organic Search"
    assert dana.journey_stage == "purchase"


# --- Salesforce -------------------------------------------------------------------


def test_a_salesforce_opportunity_export_in_latin_1(db: Database) -> None:
    summary = load(db, "salesforce_opportunities.csv")

    assert summary.label == "Salesforce deals"
    assert summary.notes[0] == (
        "read as Windows-1252 (Western European): the file is not UTF-8 (detected: "
        "letters beyond ASCII read as ü, é, ã, Ñ, ú; if they look wrong, give --encoding)"
    )
    found = all_deals(db)
    muller = found["salesforce:0065g00000AbCdE"]
    assert muller.deal.title == "Müller GmbH Erweiterung"
    assert muller.deal.value == Money(1000000, "EUR")
    assert muller.deal.close_date == date(2026, 12, 31)
    assert muller.deal.source == "Web"
    assert muller.stage_name == "Prospecting"
    cafe = found["salesforce:0065g00000AbCdF"]
    assert cafe.deal.value == Money(2500050, "USD")
    assert cafe.deal.probability == 90
    assert found["salesforce:0065g00000AbCdG"].deal.status is DealStatus.WON
    assert found["salesforce:0065g00000AbCdH"].deal.status is DealStatus.LOST
    assert found["salesforce:0065g00000AbCdH"].deal.value == Money(120000, "CHF")


def test_a_salesforce_contact_export_is_not_a_pipetui_file(db: Database) -> None:
    summary = load(db, "salesforce_contacts.csv")

    assert summary.label == "Salesforce contacts"
    people = all_contacts(db)
    juergen, renee = people["Jürgen Groß"], people["Renée Dubois"]
    assert (juergen.email, juergen.phone, juergen.company, juergen.role, juergen.source) == (
        "juergen@gross.example",
        "+49 171 1111111",  # Mobile, as Phone is empty
        "Groß KG",
        "Einkäufer",
        "Web",
    )
    assert renee.phone == "+33 1 23 45 67 89"


def test_a_file_of_no_known_kind_is_said_so_in_one_line(db: Database, tmp_path: Path) -> None:
    failed = refused(db, write(tmp_path / "x.csv", "Foo,Bar\n1,2\n"))

    assert failed.lines() == [
        "line 1: not a file of a kind pipetui knows (pipetui, Pipedrive, HubSpot or "
        "Salesforce CSV); if it is pipetui's, name the kind (--kind deals|contacts|touchpoints)"
    ]


# --- encodings --------------------------------------------------------------------


def test_an_excel_csv_in_windows_1255(db: Database) -> None:
    summary = load(db, "excel_hebrew_cp1255.csv")

    assert summary.notes[0].startswith("read as Windows-1255 (Hebrew)")
    people = all_contacts(db)
    assert people["דנה כהן"].company == 'כהן בע"מ'
    assert people["דנה כהן"].notes == "לקוחה ותיקה"
    assert people["יוסי לוי"].company == "לוי ושות׳"


def test_an_excel_csv_in_windows_1256(db: Database) -> None:
    summary = load(db, "excel_arabic_cp1256.csv")

    assert summary.notes[0].startswith("read as Windows-1256 (Arabic)")
    found = all_deals(db)
    assert found["صفقة أحمد حسن"].stage_name == "عرض"
    assert found["مشروع سارة"].deal.value == Money(150050, "SAR")


def test_utf_16_with_a_bom_and_utf_8_with_and_without(db: Database, tmp_path: Path) -> None:
    text = "name,email\r\nדנה כהן,dana@example.co.il\r\n"
    write(tmp_path / "a.csv", "\ufeff" + text, "utf-16")
    write(tmp_path / "b.csv", "\ufeff" + text.replace("דנה", "רונה").replace("dana", "rona"))
    write(tmp_path / "c.csv", text.replace("דנה", "מיכל").replace("dana", "michal"))

    for name in ("a.csv", "b.csv", "c.csv"):
        assert load(db, tmp_path / name).notes == []

    assert set(all_contacts(db)) == {"דנה כהן", "רונה כהן", "מיכל כהן"}


def test_an_encoding_option_reads_the_file_in_it(db: Database, tmp_path: Path) -> None:
    """Windows-1250 reads like Windows-1252 (Č is È there): detection cannot
    tell them apart, so its note shows the letters it read, and --encoding
    reads the file right."""
    path = write(tmp_path / "a.csv", "name\r\nŽofie Čapková\r\n", "cp1250")

    dry = load(db, path, dry_run=True)
    assert dry.notes == [
        "read as Windows-1252 (Western European): the file is not UTF-8 (detected: "
        "letters beyond ASCII read as Ž, È, á; if they look wrong, give --encoding)"
    ]
    summary = load(db, path, encoding="cp1250")

    assert summary.notes == []
    assert set(all_contacts(db)) == {"Žofie Čapková"}


def test_an_unknown_encoding_name_is_refused(db: Database) -> None:
    with pytest.raises(Exception, match="unknown encoding 'klingon'"):
        load(db, "excel_hebrew_cp1255.csv", encoding="klingon")


def test_bytes_that_no_one_encoding_explains_are_refused_naming_the_option(
    db: Database, tmp_path: Path
) -> None:
    mixed = "name\r\nדנה\r\n".encode("cp1255") + "أحمد\r\n".encode("cp1256")
    path = tmp_path / "mixed.csv"
    path.write_bytes(mixed)

    failed = refused(db, path)

    assert len(failed.lines()) == 1
    assert "--encoding NAME" in failed.lines()[0]


# --- local formats ------------------------------------------------------------------


def test_day_first_dates_and_decimal_commas_are_detected(db: Database) -> None:
    summary = load(db, "excel_german_local.csv")

    found = all_deals(db)
    assert found["Erweiterung München"].deal.value == Money(120050, "EUR")
    assert found["Erweiterung München"].deal.close_date == date(2026, 3, 12)
    assert found["Wartung"].deal.value == Money(120050, "EUR")  # "1 200,50"
    assert found["Wartung"].deal.close_date == date(2026, 4, 1)
    assert found["Schulung"].deal.value == Money(300000, "EUR")  # "3.000"
    assert summary.notes[1:] == [
        "close_date: 3 values read as DD.MM.YYYY, detected, e.g. 12.03.2026 → 2026-03-12",
        "value: 3 values read as decimal comma, detected, e.g. 1.200,50 € → 1200.50 €",
    ]


def test_dates_that_read_both_ways_are_refused_naming_the_option(db: Database) -> None:
    failed = refused(db, "ambiguous_dates.csv")

    assert failed.lines()[0] == (
        "line 1, column 'close_date': dates like '03/04/2026' could be day first or month "
        "first; give --date-format DD/MM/YYYY or --date-format MM/DD/YYYY"
    )


@pytest.mark.parametrize(
    ("given", "first"), [("DD/MM/YYYY", date(2026, 4, 3)), ("MM/DD/YYYY", date(2026, 3, 4))]
)
def test_a_date_format_option_settles_them(db: Database, given: str, first: date) -> None:
    load(db, "ambiguous_dates.csv", date_format=given)

    assert all_deals(db)["April or March"].deal.close_date == first


def test_one_date_that_can_only_be_day_first_settles_the_file(db: Database, tmp_path: Path) -> None:
    path = write(tmp_path / "d.csv", "title,close_date\nA,03/04/2026\nB,25/04/2026\n")

    load(db, path)

    assert all_deals(db)["A"].deal.close_date == date(2026, 4, 3)


def test_excel_serial_dates(db: Database) -> None:
    summary = load(db, "excel_serial_dates.csv")

    found = all_deals(db)
    assert found["Serial one"].deal.close_date == date(2025, 12, 9)
    assert found["Serial two"].deal.close_date == date(2026, 3, 19)
    assert summary.notes == [
        "close_date: 2 values read as Excel serial days, e.g. 46000 → 2025-12-09"
    ]


def test_amounts_written_both_ways_are_refused(db: Database, tmp_path: Path) -> None:
    path = write(tmp_path / "d.csv", 'title,value,currency\nA,"1.200,50",EUR\nB,1200.50,EUR\n')

    failed = refused(db, path)

    assert failed.lines()[:1] == [
        "line 1, column 'value': amounts are written both with a decimal comma ('1.200,50') "
        "and a decimal point ('1200.50'); correct the file, or give --decimal-comma if every "
        "amount uses a decimal comma"
    ]


def test_a_decimal_comma_option_with_shekels(db: Database, tmp_path: Path) -> None:
    path = write(tmp_path / "d.csv", 'title,value\nA,"1 200,50 ₪"\nB,"3,5 ₪"\n')

    load(db, path, decimal_comma=True)

    found = all_deals(db)
    assert found["A"].deal.value == Money(120050, "ILS")
    assert found["B"].deal.value == Money(350, "ILS")


# --- partial import -----------------------------------------------------------------


def test_skip_invalid_imports_the_good_rows_and_writes_the_rejects(
    db: Database, tmp_path: Path
) -> None:
    path = write(
        tmp_path / "deals.csv",
        "title,value,currency\r\nGood,100,USD\r\n,5,USD\r\n"
        "Bad amount,abc,USD\r\nAlso good,7,EUR\r\n",
    )

    summary = load(db, path, skip_invalid=True)

    assert set(all_deals(db)) == {"Good", "Also good"}
    assert summary.rejected == 2
    rejects = tmp_path / "deals.rejects.csv"
    assert summary.rejects_file == str(rejects)
    assert stat.S_IMODE(os.stat(rejects).st_mode) == 0o600
    rows = list(csv.reader(io.StringIO(rejects.read_text(encoding="utf-8"))))
    assert rows[0] == ["title", "value", "currency", "line", "reason"]
    assert rows[1][:4] == ["", "5", "USD", "3"]
    assert "column 'title'" in rows[1][4]
    assert rows[2][:4] == ["Bad amount", "abc", "USD", "4"]
    assert "not an amount: 'abc'" in rows[2][4]
    assert f"  refused and left out: 2 rows, listed with their reasons in {rejects}" in (
        summary.lines()
    )
    assert "  refused: line 4, column 'value': not an amount: 'abc' (e.g. 1,200.50)" in (
        summary.lines()
    )


def test_skip_invalid_never_overwrites_a_rejects_file(db: Database, tmp_path: Path) -> None:
    path = write(tmp_path / "deals.csv", "title,value\r\nGood,1\r\nBad,x\r\n")
    (tmp_path / "deals.rejects.csv").write_text("mine", encoding="utf-8")

    summary = load(db, path, skip_invalid=True)

    assert (tmp_path / "deals.rejects.csv").read_text(encoding="utf-8") == "mine"
    assert summary.rejects_file == str(tmp_path / "deals.rejects-2.csv")


def test_without_skip_invalid_one_bad_row_stops_everything(db: Database, tmp_path: Path) -> None:
    path = write(tmp_path / "deals.csv", "title,value\r\nGood,1\r\nBad,x\r\n")

    refused(db, path)

    assert not (tmp_path / "deals.rejects.csv").exists()


def test_a_dry_run_with_skip_invalid_writes_no_rejects_file(db: Database, tmp_path: Path) -> None:
    path = write(tmp_path / "deals.csv", "title,value\r\nGood,1\r\nBad,x\r\n")

    summary = load(db, path, skip_invalid=True, dry_run=True)

    assert summary.rejected == 1
    assert not (tmp_path / "deals.rejects.csv").exists()


# --- the dry run's report per column ---------------------------------------------


def test_the_dry_run_reports_every_column(db: Database) -> None:
    summary = load(db, "pipedrive_deals_currencies.csv", dry_run=True)

    report = summary.column_lines()
    assert report[0] == "Columns:"
    assert (
        "  'Deal - Value' → value (amounts parsed, in the currency of "
        "'Deal - Currency of Value')" in report
    )
    assert "  'Deal - Creator': ignored" in report
    assert "  'Person - Email - Work' → contact_email" in report


def test_the_dry_run_says_which_currency_an_amount_without_one_gets(db: Database) -> None:
    summary = load(db, "hubspot_deals_associations.csv", dry_run=True)

    assert (
        "  'Amount' → value (amounts parsed; an amount without its currency is in USD, "
        "the database's default: the file has no currency column)" in summary.column_lines()
    )


# --- export for spreadsheets ---------------------------------------------------------


def test_export_for_excel_has_a_bom_and_phone_numbers_without_a_quote(
    db: Database, new_target: Targets, tmp_path: Path
) -> None:
    """Excel shows `="+972-50-123-4567"` as the number itself; a cell that
    really starts like a formula keeps its quote; pipetui reads both back
    exactly."""
    contacts.add_contact(db, name="Dana", phone="+972-50-123-4567", company="=SUM(A1)")
    out = io.StringIO()

    export(db, out, kind="contacts", fmt="csv", excel=True)

    text = out.getvalue()
    assert text.startswith("\ufeffid,")
    row = next(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert row["phone"] == '="+972-50-123-4567"'
    assert row["company"] == "'=SUM(A1)"
    path = write(tmp_path / "contacts.csv", text)
    other = open_database(new_target("other.db"), now=clock.now())
    try:
        load(other, path)
        dana = all_contacts(other)["Dana"]
        assert (dana.phone, dana.company) == ("+972-50-123-4567", "=SUM(A1)")
    finally:
        other.dispose()
