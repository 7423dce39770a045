"""User stories for `pipetui import` and `pipetui export` on the command line:
a summary on stdout and exit 0; a refused file listed problem by problem on
stderr (exit 2, nothing written); exports to stdout or to a private 0600 file
that is never silently overwritten; vCard and iCalendar that other programs
read; and CSV a spreadsheet opens safely (no cell starts a formula) that
pipetui reads back exactly.
"""

from __future__ import annotations

import csv
import io
import stat
from pathlib import Path

import icalendar
import pytest
import vobject
from cli_harness import ERROR_PREFIX, Cli, table_dump

from db_targets import Targets

FIXTURES = Path(__file__).parent.parent / "fixtures" / "imports"
DANA, AHMED = "דנה כהן", "أحمد حسن"
FORMULA = '=HYPERLINK("x")'
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def hostile(cli: Cli) -> Cli:
    """A database whose text a spreadsheet would run as formulas."""
    cli.ok("contact", "add", FORMULA, "--phone", "+972-50-123-4567", "--email", "x@example.com")
    cli.ok("contact", "add", "@dana", "--company=-Acme", "--notes=-5% off\n=1+1")
    cli.ok("contact", "add", DANA, "--company", "''=quoted already")
    cli.ok("deal", "add", "+1 upsell", "--contact", FORMULA, "--value", "1,200.50")
    cli.ok("deal", "add", "@renewal", "--contact", "@dana")
    return cli


# --- import -------------------------------------------------------------------


def test_import_prints_its_summary_and_the_deals_are_there(cli: Cli) -> None:
    result = cli.ok("import", str(FIXTURES / "pipedrive_deals.csv"))

    assert result.out.splitlines() == [
        "Imported pipedrive_deals.csv (Pipedrive deals, 4 rows):",
        "  new: 2 stages, 3 contacts, 4 deals",
        "  new stages (appended): Sales: Contract sent, Sales: Demo scheduled",
    ]
    listed = {d["title"]: d for d in cli.json("deal", "list", "--all")}
    assert set(listed) == {
        "חידוש רישיון — דנה כהן",
        "صفقة أحمد حسن",
        "東京 expansion 🚀",
        "Empty optional fields",
    }
    renewal = listed["חידוש רישיון — דנה כהן"]
    assert renewal["value"] == {"amount": "1200.50", "currency": "ILS"}
    assert renewal["external_id"] == "pipedrive:101"
    assert renewal["contact"]["name"] == DANA
    assert renewal["owner"] == "Noa"  # Pipedrive's "Deal - Owner"
    assert listed["صفقة أحمد حسن"]["status"] == "won"
    assert listed["東京 expansion 🚀"]["status"] == "lost"


def test_importing_again_says_everything_was_already_there(cli: Cli) -> None:
    cli.ok("import", str(FIXTURES / "hubspot_contacts.csv"))

    with cli.unchanged():
        result = cli.ok("import", str(FIXTURES / "hubspot_contacts.csv"))

    assert result.out.splitlines() == [
        "Imported hubspot_contacts.csv (HubSpot contacts, 4 rows):",
        "  already there, skipped: 4 contacts",
        "  ignored columns: Contact owner",
    ]


def test_a_dry_run_shows_the_summary_and_writes_nothing(cli: Cli) -> None:
    cli.ok("contact", "add", DANA, "--email", "dana@example.co.il")

    with cli.unchanged():
        result = cli.ok("import", str(FIXTURES / "own_deals.csv"), "--dry-run")

    lines = result.out.splitlines()
    assert lines[:5] == [
        "Would import own_deals.csv (pipetui CSV deals, 4 rows):",
        "  new: 1 stages, 1 contacts, 4 deals",
        "  new stages (appended): Sales: Onboarding",
        "Nothing was written (a dry run).",
        "Columns:",  # then one line per column (tests/cli/test_cli_import_crm.py)
    ]
    assert lines[5:8] == ["  'id' → id", "  'title' → title", "  'pipeline' → pipeline"]


def test_the_kind_and_pipeline_options_apply(cli: Cli, tmp_path: Path) -> None:
    people = tmp_path / "people.csv"
    people.write_text(f"name,email\n{DANA},dana@example.co.il\n{AHMED},\n", encoding="utf-8")

    cli.ok("import", str(people), "--kind", "contacts")
    cli.ok("import", str(FIXTURES / "own_deals.csv"), "--pipeline", "Renewals")

    assert sorted(c["name"] for c in cli.json("contact", "list")) == sorted([DANA, AHMED])
    assert {d["pipeline"] for d in cli.json("deal", "list", "--all")} == {"Renewals"}


def test_a_refused_file_lists_its_problems_on_stderr_and_writes_nothing(
    cli: Cli, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        f"Deal - Title,Deal - Value,Deal - Status\n{DANA},abc,Open\n{AHMED},100,Open\n東京,5\n",
        encoding="utf-8",
    )
    cli.ok("contact", "add", "Someone")

    with cli.unchanged():
        result = cli("import", str(bad))

    assert result.code == 2
    assert result.out == ""
    assert result.err_lines == [
        f"{ERROR_PREFIX}file: bad.csv: 2 problems, nothing was imported",
        "  line 2, column 'Deal - Value': not an amount: 'abc' (e.g. 1,200.50)",
        "  line 4: has 2 cells; the header has 3",
    ]


def test_on_duplicate_error_refuses_a_second_import(cli: Cli) -> None:
    cli.ok("import", str(FIXTURES / "contacts.vcf"))

    with cli.unchanged():
        result = cli("import", str(FIXTURES / "contacts.vcf"), "--on-duplicate", "error")

    assert result.code == 2
    assert result.err_lines[0] == (
        f"{ERROR_PREFIX}file: contacts.vcf: 3 problems, nothing was imported"
    )
    assert result.err_lines[1:] == [
        f"  line 1: contact #1 exists ({DANA})",
        f"  line 11: contact #2 exists ({AHMED})",
        "  line 19: contact #3 exists (山田 太郎 🎌)",
    ]


def test_a_missing_file_is_one_error_line(cli: Cli, tmp_path: Path) -> None:
    message = cli.fails("import", str(tmp_path / "nope.csv"), field="file")
    assert message.startswith("cannot read ")


def test_an_unknown_kind_is_a_usage_error(cli: Cli) -> None:
    cli.usage_error("import", str(FIXTURES / "own_deals.csv"), "--kind", "leads", mentions="--kind")


# --- export to files ------------------------------------------------------------


def test_export_to_a_file_is_private_and_says_what_it_wrote(hostile: Cli, tmp_path: Path) -> None:
    out = tmp_path / "deals.csv"

    result = hostile.ok("export", "--out", str(out))

    assert result.out == f"Exported 2 deals to {out} (csv)\n"
    assert mode(out) == 0o600
    rows = cells(out.read_text(encoding="utf-8"))
    assert rows[0][:3] == ["id", "external_id", "title"]
    assert len(rows) == 3
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".deals.csv")] == []


def test_export_refuses_to_overwrite_a_file_without_force(hostile: Cli, tmp_path: Path) -> None:
    out = tmp_path / "contacts.csv"
    out.write_text("keep me\n", encoding="utf-8")
    out.chmod(0o644)

    message = hostile.fails("export", "--kind", "contacts", "--out", str(out), field="out")

    assert message == f"{out} exists; use --force to replace it"
    assert out.read_text(encoding="utf-8") == "keep me\n"

    hostile.ok("export", "--kind", "contacts", "--out", str(out), "--force")

    assert mode(out) == 0o600
    rows = cells(out.read_text(encoding="utf-8"))
    assert rows[0][:3] == ["id", "external_id", "name"]
    assert len(rows) == 4


def test_export_refuses_a_directory_or_a_missing_one(cli: Cli, tmp_path: Path) -> None:
    assert "is a directory" in cli.fails("export", "--out", str(tmp_path), field="out")
    missing = tmp_path / "no" / "such" / "x.csv"
    assert cli.fails("export", "--out", str(missing), field="out") == (
        f"no directory {missing.parent}"
    )


def test_a_csv_cannot_hold_every_kind(cli: Cli) -> None:
    message = cli.fails("export", "--kind", "all", "--format", "csv", field="kind")
    assert "one kind" in message


# --- export to stdout -------------------------------------------------------------


def test_export_writes_csv_to_stdout_by_default(cli: Cli) -> None:
    cli.ok("import", str(FIXTURES / "own_contacts.csv"))

    result = cli.ok("export", "--kind", "contacts")

    rows = cells(result.out)
    header, body = rows[0], rows[1:]
    assert header == [
        "id", "external_id", "name", "email", "phone", "company", "role", "source", "notes",
        "tags", "journey_stage", "journey_stage_manual", "created_at", "updated_at",
    ]  # fmt: skip
    by_name = {row[2]: dict(zip(header, row, strict=True)) for row in body}
    assert set(by_name) == {DANA, AHMED, "王小明 🙂"}
    assert by_name[DANA]["notes"] == "שורה ראשונה\nשורה שנייה"
    assert by_name[DANA]["phone"] == "'+972-50-123-4567"  # neutralised
    assert by_name[AHMED]["external_id"] == "crm:77"


def test_export_vcard_reads_back_in_vobject(cli: Cli) -> None:
    cli.ok("import", str(FIXTURES / "contacts.vcf"))
    cli.ok("contact", "add", "王小明 🙂", "--company", 'כהן, בע"מ; סניף')

    result = cli.ok("export", "--format", "vcard")

    cards = {card.fn.value: card for card in vobject.readComponents(result.out)}
    assert set(cards) == {DANA, AHMED, "山田 太郎 🎌", "王小明 🙂"}
    dana = cards[DANA]
    assert dana.email.value == "dana@example.co.il"
    assert dana.tel.value == "+972-50-123-4567"
    assert dana.uid.value == "phone-contact-1"
    assert cards["王小明 🙂"].org.value == ['כהן, בע"מ; סניף']
    assert cards["山田 太郎 🎌"].contents["x-pipetui-journey-stage"][0].value == "interest"


def test_export_ics_reads_back_in_icalendar(cli: Cli) -> None:
    cli.ok("import", str(FIXTURES / "own_deals.csv"))
    cli.ok("followup", "add", "--deal", "1", "--due", "2026-12-01", "--title", "לחזור לדנה")
    cli.ok("followup", "add", "--contact", AHMED, "--due", "2026-12-03", "--title", "اتصال")

    result = cli.ok("export", "--format", "ics")

    calendar = icalendar.Calendar.from_ical(result.out)
    events = calendar.walk("VEVENT")
    assert [str(e["summary"]) for e in events] == [
        "לחזור לדנה – חידוש רישיון — דנה כהן",
        f"اتصال – {AHMED}",
    ]
    assert [e.decoded("dtstart").isoformat() for e in events] == ["2026-12-01", "2026-12-03"]
    assert [str(e["uid"]) for e in events] == [
        "pipetui-followup-1@pipetui",
        "pipetui-followup-2@pipetui",
    ]


# --- formulas in CSV ----------------------------------------------------------------


@pytest.mark.parametrize("kind", ["contacts", "deals"])
def test_no_exported_csv_cell_starts_a_formula(hostile: Cli, kind: str) -> None:
    rows = cells(hostile.ok("export", "--kind", kind).out)

    every = [cell for row in rows for cell in row]
    assert [cell for cell in every if cell.startswith(FORMULA_START)] == []
    assert f"'{FORMULA}" in every
    if kind == "contacts":
        assert {"'+972-50-123-4567", "'@dana", "'-Acme", "'-5% off\n=1+1"} <= set(every)
        assert "'''=quoted already" in every  # one more quote, so import can undo it
    else:
        assert {"'+1 upsell", "'@renewal"} <= set(every)


def test_raw_export_leaves_cells_as_they_are(hostile: Cli) -> None:
    contacts_csv = cells(hostile.ok("export", "--kind", "contacts", "--raw").out)
    deals_csv = cells(hostile.ok("export", "--kind", "deals", "--raw").out)

    every = {cell for row in contacts_csv + deals_csv for cell in row}
    assert {FORMULA, "+972-50-123-4567", "@dana", "-Acme", "+1 upsell", "@renewal"} <= every
    assert "''=quoted already" in every


def test_a_neutralised_csv_imports_back_to_the_exact_text(hostile: Cli, tmp_path: Path) -> None:
    contacts_csv, deals_csv = tmp_path / "contacts.csv", tmp_path / "deals.csv"
    hostile.ok("export", "--kind", "contacts", "--out", str(contacts_csv))
    hostile.ok("export", "--kind", "deals", "--out", str(deals_csv))
    fresh = tmp_path / "fresh.db"

    for path in (contacts_csv, deals_csv):
        result = hostile("import", str(path), db=fresh)
        assert result.code == 0, result.err

    def people(db: Path | bool) -> list[dict[str, object]]:
        found = hostile("contact", "list", "--json", db=db).json
        return sorted(found, key=lambda c: c["id"])

    def deals(db: Path | bool) -> list[tuple[object, ...]]:
        found = hostile("deal", "list", "--all", "--json", db=db).json
        return sorted((d["id"], d["title"], d["contact"]["name"], d["value"]) for d in found)

    assert people(fresh) == people(True)
    assert deals(fresh) == deals(True)
    assert [c["name"] for c in people(fresh)] == [FORMULA, "@dana", DANA]
    assert people(fresh)[0]["phone"] == "+972-50-123-4567"
    assert people(fresh)[1]["notes"] == "-5% off\n=1+1"
    assert people(fresh)[2]["company"] == "''=quoted already"


def test_a_full_json_export_restores_every_table(
    hostile: Cli, tmp_path: Path, new_target: Targets
) -> None:
    hostile.ok("touch", FORMULA, "--kind", "call", "--summary", "שיחה 📞")
    hostile.ok("followup", "add", "--deal", "1", "--due", "2026-12-01", "--title", "+call back")
    out = tmp_path / "all.json"
    hostile.ok("export", "--out", str(out))  # the format from the extension: everything
    fresh = new_target("fresh.db")

    result = hostile("import", str(out), db=fresh)

    assert result.code == 0, result.err
    assert result.out.splitlines()[0] == "Imported all.json (pipetui JSON all, 6 rows):"
    assert table_dump(fresh, versions=False) == table_dump(hostile.db, versions=False)
