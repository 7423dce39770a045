"""User stories for a contact's details on the command line (issue 18): after
importing a phone's address book, `contact show` lists every email and phone
with its type and which is preferred, the address, web site, birthday and
department; `--json` carries them; `contact list --search` finds a person by
any of their phones; `export --format vcard` writes them all back, with TYPE
and PREF, in a file another vCard reader takes."""

from __future__ import annotations

from pathlib import Path

import vobject
from cli_harness import Cli

VCARDS = Path(__file__).parent.parent / "fixtures" / "imports" / "vcards"


def test_contact_show_lists_every_detail(cli: Cli) -> None:
    cli.ok("import", str(VCARDS / "ios6_crcrlf.vcf"))

    lines = cli.ok("contact", "show", "Johnny Appleseed").out.splitlines()

    assert lines[4:6] == [
        "         email: johnny_appleseed@mac.com",
        "         phone: +1 (408) 555-0100",
    ]
    assert lines[8:16] == [
        "        emails: johnny@example.com (home)",
        "                johnny_appleseed@mac.com (work, preferred)",
        "        phones: +1 (408) 555-0100 (cell, preferred)",
        "                +1 (408) 555-0199 (work)",
        "     addresses: 1 Infinite Loop, Cupertino, CA, 95014, United States (work, preferred)",
        "           web: http://www.apple.com (preferred)",
        "      birthday: 1980-04-12",
        "    department: Engineering",
    ]


def test_contact_show_json_carries_the_details(cli: Cli) -> None:
    cli.ok("import", str(VCARDS / "vcard_40.vcf"))

    shown = cli.json("contact", "show", "Simon Perreault")

    assert shown["phone"] == "+1-418-656-9254;ext=102"
    assert shown["details"][:3] == [
        {"kind": "email", "label": "work", "value": "simon.perreault@viagenie.ca", "pref": False},
        {"kind": "email", "label": "home", "value": "simon@example.com", "pref": True},
        {"kind": "phone", "label": "work", "value": "+1-418-656-9254;ext=102", "pref": True},
    ]


def test_search_by_any_phone_and_the_dry_run_lists_properties(cli: Cli) -> None:
    dry = cli.ok("import", str(VCARDS / "nine_phones.vcf"), "--dry-run").out
    assert "  vCard kept: FN (1 card), TEL (1 card)" in dry.splitlines()
    cli.ok("import", str(VCARDS / "nine_phones.vcf"))

    found = cli.json("contact", "list", "--search", "555 0109")

    assert [c["name"] for c in found] == ["Nine Phones"]


def test_vcard_export_writes_every_email_and_phone_with_type_and_pref(cli: Cli) -> None:
    cli.ok("import", str(VCARDS / "gmail_30.vcf"))
    cli.ok("import", str(VCARDS / "ios6_crcrlf.vcf"))

    out = cli.ok("export", "--format", "vcard").out

    cards = {card.fn.value: card for card in vobject.readComponents(out)}
    john = cards["Mr. John Richter, James Doe Sr."]
    emails = [(e.value, e.params.get("TYPE")) for e in john.contents["email"]]
    assert emails == [
        ("john.home@example.com", ["INTERNET", "HOME"]),
        ("john@work.example.com", ["INTERNET", "WORK"]),
        ("jdoe@work.example.com", ["INTERNET", "WORK", "PREF"]),
    ]
    johnny = cards["Johnny Appleseed"]
    assert johnny.org.value == ["Apple Inc.", "Engineering"]
    assert johnny.adr.value.street == "1 Infinite Loop"
    assert johnny.bday.value == "1980-04-12"
    assert [t.value for t in johnny.contents["tel"]] == ["+1 (408) 555-0100", "+1 (408) 555-0199"]
