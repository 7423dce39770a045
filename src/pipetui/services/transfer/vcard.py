"""Contacts as vCard 3.0 (RFC 2426), read and written with `vobject`, so address
books (phones, Thunderbird, macOS Contacts) can take pipetui's contacts and give
theirs.

A card's UID carries the contact's identity: its external id, or
"pipetui:contact:ID" when it has none; importing the card again finds the same
contact. The lead source and journey stage travel as X-PIPETUI-* properties.

`vobject` (about 0.13 s to import) is imported by the functions that use it,
so reading a CSV file or exporting one never pays for it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from pipetui.domain.contact import Contact
from pipetui.services.transfer.types import Layout, Problems, Record, Source

_UID = re.compile(r"^pipetui:contact:(\d+)$")
_SOURCE, _STAGE = "x-pipetui-source", "x-pipetui-journey-stage"


def write_vcards(contacts: Iterable[Contact]) -> str:
    """One vCard per contact, CRLF line endings as the RFC asks."""
    import vobject

    cards = []
    for contact in contacts:
        card = vobject.vCard()
        card.add("fn").value = contact.name
        card.add("n").value = vobject.vcard.Name(given=contact.name)
        card.add("uid").value = contact.external_id or f"pipetui:contact:{contact.id}"
        if contact.email:
            email = card.add("email")
            email.value = contact.email
            email.type_param = "INTERNET"
        if contact.phone:
            card.add("tel").value = contact.phone
        if contact.company:
            card.add("org").value = [contact.company]
        if contact.role:
            card.add("title").value = contact.role
        if contact.notes:
            card.add("note").value = contact.notes
        if contact.tags:
            card.add("categories").value = list(contact.tags)
        if contact.source:
            card.add(_SOURCE).value = contact.source
        if contact.journey_stage:
            card.add(_STAGE).value = contact.journey_stage.value
        cards.append(card.serialize())
    return "".join(cards)


def _first(card: Any, name: str) -> str:
    """The value of a card's first `name` property, as text ("" if none)."""
    lines = card.contents.get(name) or []
    if not lines:
        return ""
    value = lines[0].value
    if isinstance(value, list):
        return ", ".join(str(v) for v in value if v) if name == "categories" else str(value[0])
    if name == "n":
        return " ".join(part for part in (value.given, value.family) if part)
    return str(value)


def split_lines(text: str) -> Iterable[tuple[int, str]]:
    """(line number, line) for each line, whatever the line ending."""
    return enumerate(re.split(r"\r\n|\r|\n", text), start=1)


def read_vcards(text: str, name: str) -> Source:
    """Every card of a .vcf file as a contact record; a card vobject cannot read
    is a problem at the line where it begins."""
    problems = Problems()
    records: list[Record] = []
    start, block = 0, []
    for number, line in split_lines(text):
        word = line.strip().upper()
        if word == "BEGIN:VCARD":
            start, block = number, [line]
        elif start:
            block.append(line)
            if word == "END:VCARD":
                records.extend(_card("\r\n".join(block), f"line {start}", problems))
                start, block = 0, []
        elif line.strip():
            problems.add(f"line {number}", None, "text outside any BEGIN:VCARD … END:VCARD")
    if start:
        problems.add(f"line {start}", None, "the card never ends (no END:VCARD)")
    if not records and not problems.total:
        problems.add("line 1", None, "no vCard in the file")
    problems.check(name)
    labels = {
        "name": "FN",
        "email": "EMAIL",
        "phone": "TEL",
        "company": "ORG",
        "role": "TITLE",
        "notes": "NOTE",
        "tags": "CATEGORIES",
        "source": "X-PIPETUI-SOURCE",
        "journey_stage": "X-PIPETUI-JOURNEY-STAGE",
        "external_id": "UID",
        "id": "UID",
    }
    return Source(name, Layout("vcard", "contacts", ()), records, labels)


def _card(text: str, where: str, problems: Problems) -> list[Record]:
    import vobject

    try:
        card = vobject.readOne(text + "\r\n")
    except Exception as error:  # vobject raises several kinds for a malformed card
        problems.add(where, None, f"not a readable vCard: {error}".splitlines()[0])
        return []
    values = {
        "name": _first(card, "fn") or _first(card, "n"),
        "email": _first(card, "email"),
        "phone": _first(card, "tel"),
        "company": _first(card, "org"),
        "role": _first(card, "title"),
        "notes": _first(card, "note"),
        "tags": _first(card, "categories").replace(", ", ","),
        "source": _first(card, _SOURCE),
        "journey_stage": _first(card, _STAGE),
    }
    uid = _first(card, "uid").strip()
    own = _UID.match(uid)
    if own:
        values["id"] = own.group(1)
    elif uid:
        values["external_id"] = uid
    return [Record(where, values)]
