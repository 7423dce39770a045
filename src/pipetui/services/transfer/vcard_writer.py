"""Contacts as vCard 3.0 (RFC 2426), for phones, mail programs and CRMs to
read: every email and phone with its TYPE and PREF, the address, URL,
birthday and department; the lead source and journey stage as X-PIPETUI-*
properties, which `vcard` reads back. CRLF line endings, folded at 75 octets,
never inside a UTF-8 character."""

from __future__ import annotations

from collections.abc import Iterable

from pipetui.domain.contact import Contact, ContactDetail

SOURCE_PROPERTY, STAGE_PROPERTY = "X-PIPETUI-SOURCE", "X-PIPETUI-JOURNEY-STAGE"


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")
    ).replace("\r", "")


def _fold(line: str) -> str:
    """A content line folded at 75 octets, never inside a UTF-8 character."""
    out: list[str] = []
    current: list[str] = []
    size = 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > 75:
            out.append("".join(current))
            current, size = [" "], 1
        current.append(char)
        size += width
    out.append("".join(current))
    return "\r\n".join(out) + "\r\n"


def _typed(name: str, detail: ContactDetail, extra: str = "") -> str:
    types = [t for t in (extra, *(detail.label or "").split(",")) if t]
    if detail.pref:
        types.append("PREF")
    params = f";TYPE={','.join(t.upper() for t in types)}" if types else ""
    value = detail.value if name == "ADR" else _escape(detail.value)
    if name == "ADR":  # (its parts are stored joined by ";": escape each, keep the ";")
        value = ";".join(_escape(p) for p in detail.value.split(";"))
    return f"{name}{params}:{value}"


def write_vcards(contacts: Iterable[Contact]) -> str:
    """One vCard 3.0 per contact, CRLF line endings as the RFC asks: every
    email and phone with its TYPE and PREF, address, URL, birthday and the
    department (as ORG's second part)."""
    cards = []
    for contact in contacts:
        lines = ["BEGIN:VCARD", "VERSION:3.0", f"FN:{_escape(contact.name)}"]
        lines.append(f"N:;{_escape(contact.name)};;;")
        uid = contact.external_id or f"pipetui:contact:{contact.id}"
        lines.append(f"UID:{_escape(uid)}")
        emails, phones = contact.all_of("email"), contact.all_of("phone")
        if contact.email and contact.email not in {d.value for d in emails}:
            lines.append(f"EMAIL;TYPE=INTERNET:{_escape(contact.email)}")
        lines.extend(_typed("EMAIL", d, "INTERNET") for d in emails)
        if contact.phone and contact.phone not in {d.value for d in phones}:
            lines.append(f"TEL:{_escape(contact.phone)}")
        lines.extend(_typed("TEL", d) for d in phones)
        department = ", ".join(d.value for d in contact.all_of("department"))
        if contact.company or department:
            org = _escape(contact.company or "")
            lines.append(f"ORG:{org};{_escape(department)}" if department else f"ORG:{org}")
        if contact.role:
            lines.append(f"TITLE:{_escape(contact.role)}")
        lines.extend(_typed("ADR", d) for d in contact.all_of("address"))
        lines.extend(_typed("URL", d) for d in contact.all_of("url"))
        lines.extend(f"BDAY:{_escape(d.value)}" for d in contact.all_of("birthday"))
        if contact.notes:
            lines.append(f"NOTE:{_escape(contact.notes)}")
        if contact.tags:
            lines.append(f"CATEGORIES:{','.join(_escape(t) for t in contact.tags)}")
        if contact.source:
            lines.append(f"{SOURCE_PROPERTY}:{_escape(contact.source)}")
        if contact.journey_stage:
            lines.append(f"{STAGE_PROPERTY}:{contact.journey_stage.value}")
        lines.append("END:VCARD")
        cards.append("".join(_fold(line) for line in lines))
    return "".join(cards)
