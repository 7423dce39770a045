"""Contacts from vCards, read as phones, mail programs and CRMs really write
them (vCard 2.1, 3.0 and 4.0); `vcard_writer` writes them as vCard 3.0.

Reading is pipetui's own (docs/decisions.md, "Contact details and real
vCards"): it works on the file's bytes, so a fold that splits a UTF-8
character is joined before decoding, and each property is decoded in the
charset it declares (2.1's `CHARSET=WINDOWS-1255` on 8-bit text). Any line
ending (LF, CRLF, iOS's CR CR LF), quoted-printable with soft line breaks (a
trailing `=`, as Android and Outlook write 2.1), comment lines (`#`) and
unknown properties are taken; what was left out, and every value that changed
form, is said in the import's summary (`Source.notes`).

A card's UID carries the contact's identity: its external id, or
"pipetui:contact:ID" when it has none; importing the card again finds the same
contact. The lead source and journey stage travel as X-PIPETUI-* properties.
Every EMAIL and TEL keeps its type and preference, with ADR, URL, BDAY and the
department (ORG's second part), as the contact's details.
"""

from __future__ import annotations

import binascii
import codecs
import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from pipetui.domain.contact import ContactDetail, check_email
from pipetui.domain.errors import ValidationError
from pipetui.services.transfer.types import Layout, Problems, Record, Source
from pipetui.services.transfer.vcard_writer import SOURCE_PROPERTY, STAGE_PROPERTY

_UID = re.compile(r"^pipetui:contact:(\d+)$")
_SOURCE, _STAGE = SOURCE_PROPERTY, STAGE_PROPERTY
_BREAK = re.compile(rb"\r*\n|\r")
_NO_LABEL = frozenset({"pref", "internet", "voice", "x400"})
"""TYPE values that say nothing a seller needs (or, `pref`, say it elsewhere)."""
_STRUCTURAL = frozenset({"BEGIN", "END", "VERSION"})
_KEPT = frozenset(
    {"FN", "N", "EMAIL", "TEL", "ORG", "TITLE", "ROLE", "NOTE", "CATEGORIES", "UID", "ADR",
     "URL", "BDAY", _SOURCE, _STAGE}
)  # fmt: skip
_LABELS = {
    "name": "FN",
    "email": "EMAIL",
    "phone": "TEL",
    "company": "ORG",
    "role": "TITLE",
    "notes": "NOTE",
    "tags": "CATEGORIES",
    "source": _SOURCE,
    "journey_stage": _STAGE,
    "external_id": "UID",
    "id": "UID",
    "details": "EMAIL/TEL/ADR/URL/BDAY",
}


# -- reading ---------------------------------------------------------------------


@dataclass(slots=True)
class _Property:
    """One property of a card: its name, parameters and decoded value."""

    name: str
    params: dict[str, list[str]]
    value: str
    line: int

    def types(self) -> list[str]:
        """Every TYPE this property has, lower case (2.1's bare `;WORK;PREF` too)."""
        return [t.casefold() for t in self.params.get("TYPE", []) for t in t.split(",") if t]

    def pref(self) -> int | None:
        """Its preference: 1 (most) to 100; None when not preferred."""
        if "PREF" in self.params:
            number = (self.params["PREF"] or ["1"])[0]
            return int(number) if number.isdigit() else 1
        return 1 if "pref" in self.types() else None

    def label(self) -> str | None:
        """Its type as a seller reads it ("work", "cell"), None when plain."""
        found = [t for t in self.types() if t not in _NO_LABEL]
        return ",".join(dict.fromkeys(found)) or None


@dataclass(slots=True)
class _Report:
    """What the file's properties became, for the summary."""

    kept: Counter[str] = field(default_factory=Counter)
    ignored: Counter[str] = field(default_factory=Counter)
    changed: Counter[str] = field(default_factory=Counter)
    comments: int = 0

    def lines(self) -> list[str]:
        """ "vCard kept: FN (6 cards), EMAIL (5 cards)", "vCard EMAIL: 1 address
        taken out of a display name", "vCard ignored: X-ABUID (12 cards)"."""

        def cards(counts: Counter[str]) -> str:
            return ", ".join(
                f"{name} ({n:,} card{'' if n == 1 else 's'})" for name, n in sorted(counts.items())
            )

        found = [f"vCard kept: {cards(self.kept)}"] if self.kept else []
        for change, count in sorted(self.changed.items()):
            name, what = change.split(" ", 1)
            plural = {"s": "" if count == 1 else "s", "es": "" if count == 1 else "es"}
            found.append(f"vCard {name}: {what.format(n=count, **plural)}")
        if self.ignored:
            found.append(f"vCard ignored: {cards(self.ignored)}")
        if self.comments:
            found.append(f"vCard comment lines ignored: {self.comments:,}")
        return found


def _physical_lines(data: bytes) -> list[tuple[int, bytes]]:
    """(line number, bytes) per line, whatever the line ending: LF, CRLF, a lone
    CR, and CR CR LF (iOS) as ONE break."""
    lines, start, number = [], 0, 1
    for found in _BREAK.finditer(data):
        lines.append((number, data[start : found.start()]))
        start, number = found.end(), number + 1
    if start < len(data):
        lines.append((number, data[start:]))
    return lines


def _is_qp(head: bytes) -> bool:
    """Whether a property's name and parameters say quoted-printable."""
    return b"QUOTED-PRINTABLE" in head.upper()


def _logical_lines(data: bytes) -> list[tuple[int, bytes]]:
    """Unfolded lines, still bytes: a line starting with a space or tab
    continues the one before (the one whitespace taken off); a quoted-printable
    value ending in `=` continues on the next line (a soft break). Joining
    bytes, not text, mends a fold in the middle of a UTF-8 character."""
    found: list[tuple[int, bytes]] = []
    soft = False
    for number, line in _physical_lines(data):
        if found and (soft or (line[:1] in (b" ", b"\t") and found[-1][1])):
            start, text = found[-1]
            text = text[:-1] + line if soft else text + line[1:]
            found[-1] = (start, text)
        else:
            found.append((number, line))
        text = found[-1][1]
        colon = text.find(b":")
        soft = colon > 0 and _is_qp(text[:colon]) and text.endswith(b"=")
    return found


def _split_unquoted(text: str, sep: str) -> list[str]:
    """`text` split at `sep` outside double quotes."""
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
        if char == sep and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def _head(head: str) -> tuple[str, dict[str, list[str]]]:
    """A property's name (its group left out) and parameters; 2.1's bare
    parameters (`TEL;CELL;PREF`) are TYPEs, its bare `QUOTED-PRINTABLE` an
    ENCODING."""
    name, *raw = _split_unquoted(head, ";")
    params: dict[str, list[str]] = {}
    for param in raw:
        key, sep, value = param.partition("=")
        if not sep:
            key, value = (
                ("ENCODING", key)
                if key.upper() in ("QUOTED-PRINTABLE", "BASE64", "8BIT")
                else ("TYPE", key)
            )
        params.setdefault(key.strip().upper(), []).extend(
            v.strip().strip('"') for v in _split_unquoted(value, ",")
        )
    return name.rsplit(".", 1)[-1].strip().upper(), params


def _decode(raw: bytes, params: dict[str, list[str]]) -> str:
    """A value's text: quoted-printable undone, then decoded in its CHARSET
    (UTF-8 when it names none). Raises ValueError saying what is wrong."""
    encoding = (params.get("ENCODING") or [""])[0].upper()
    if encoding == "QUOTED-PRINTABLE":
        raw = binascii.a2b_qp(raw)
    charset = (params.get("CHARSET") or ["utf-8"])[0]
    try:
        codec = codecs.lookup(charset).name
    except LookupError:
        raise ValueError(f"unknown CHARSET {charset!r}") from None
    try:
        return raw.decode(codec)
    except UnicodeDecodeError as error:
        bad = raw[error.start : error.end].hex(" ")
        said = "" if "CHARSET" in params else " (and the property declares no CHARSET)"
        raise ValueError(f"not {charset} text: byte {bad}{said}") from None


_ESCAPES = {"n": "\n", "N": "\n", ",": ",", ";": ";", "\\": "\\", ":": ":"}


def _unescape(text: str) -> str:
    r"""`\n`, `\,`, `\;` and `\\` as the characters they stand for."""
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(0)), text)


def _parts(text: str, sep: str = ";") -> list[str]:
    """A structured value's parts (split at unescaped `sep`), unescaped."""
    return [_unescape(p) for p in re.split(rf"(?<!\\){re.escape(sep)}", text)]


def split_lines(text: str) -> Iterable[tuple[int, str]]:
    """(line number, line) for each line, whatever the line ending."""
    return enumerate(re.split(r"\r\n|\r|\n", text), start=1)


def read_vcards(data: bytes, name: str) -> Source:
    """Every card of a .vcf file as a contact record; what cannot be read is a
    problem at its line, and nothing is imported (as with any file)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        data = data.decode("utf-16").encode("utf-8")
    data = data.removeprefix(codecs.BOM_UTF8)
    problems = Problems()
    report = _Report()
    records: list[Record] = []
    start, block = 0, list[tuple[int, bytes]]()
    for number, raw in _logical_lines(data):
        word = raw.strip().upper()
        if word.startswith(b"#"):
            report.comments += 1
        elif word == b"BEGIN:VCARD":
            start, block = number, []
        elif start and word == b"END:VCARD":
            records.extend(_card(block, f"line {start}", problems, report))
            start, block = 0, []
        elif start:
            if raw.strip():
                block.append((number, raw))
        elif raw.strip():
            problems.add(f"line {number}", None, "text outside any BEGIN:VCARD … END:VCARD")
    if start:
        problems.add(f"line {start}", None, "the card never ends (no END:VCARD)")
    if not records and not problems.total:
        problems.add("line 1", None, "no vCard in the file")
    problems.check(name)
    found = Source(name, Layout("vcard", "contacts", ()), records, dict(_LABELS))
    found.notes.extend(report.lines())
    return found


def _properties(
    block: list[tuple[int, bytes]], problems: Problems, report: _Report
) -> list[_Property]:
    found = []
    for number, raw in block:
        colon = raw.find(b":")
        if colon <= 0:
            problems.add(f"line {number}", None, "not a vCard property (no NAME:value)")
            continue
        try:
            head = raw[:colon].decode("ascii")
        except UnicodeDecodeError:
            problems.add(f"line {number}", None, "a property name that is not ASCII")
            continue
        name, params = _head(head)
        if name in _STRUCTURAL:
            continue
        if name not in _KEPT:
            found.append(_Property(name, params, "", number))  # (counted, never decoded)
            continue
        try:
            value = _decode(raw[colon + 1 :], params)
        except ValueError as error:
            problems.add(f"line {number}", name, str(error))
            continue
        found.append(_Property(name, params, value, number))
    return found


def _card(
    block: list[tuple[int, bytes]], where: str, problems: Problems, report: _Report
) -> list[Record]:
    before = problems.total
    props = _properties(block, problems, report)
    if problems.total > before:
        return []
    by_name: dict[str, list[_Property]] = {}
    for prop in props:
        by_name.setdefault(prop.name, []).append(prop)
    for prop_name in by_name:
        (report.kept if prop_name in _KEPT else report.ignored)[prop_name] += 1

    def first(prop_name: str) -> str:
        found = by_name.get(prop_name)
        return _unescape(found[0].value).strip() if found else ""

    details: list[ContactDetail] = []
    emails = _emails(by_name.get("EMAIL", []), problems, report)
    phones = _phones(by_name.get("TEL", []), report)
    company = department = ""
    if "ORG" in by_name:
        org = [p.strip() for p in _parts(by_name["ORG"][0].value)]
        company = org[0]
        department = ", ".join(p for p in org[1:] if p)
    for found in (emails, phones):
        if len(found) > 1 or any(d.label or d.pref for d in found):
            details.extend(found)
    for prop in by_name.get("ADR", []):
        parts = [p.replace(";", ",").strip() for p in _parts(prop.value)]
        if any(parts):
            details.append(
                ContactDetail("address", ";".join(parts), prop.label(), bool(prop.pref()))
            )
    for prop in by_name.get("URL", []):
        url = _unescape(prop.value).strip()
        if url:
            details.append(ContactDetail("url", url, prop.label(), bool(prop.pref())))
    if first("BDAY"):
        details.append(ContactDetail("birthday", first("BDAY")))
    if department:
        details.append(ContactDetail("department", department))
    name = _name(by_name)
    main_email = _main(emails)
    main_phone = _main(phones)
    if not name:
        name = main_phone or main_email or company
        if name:
            what = "phone" if name == main_phone else "email" if name == main_email else "ORG"
            report.changed[
                f"FN {{n}} card{{s}} without a name, named after its {what} ({where})"
            ] += 1
    notes = [_unescape(p.value) for p in by_name.get("NOTE", [])]
    if len(notes) > 1:
        report.changed["NOTE {n} card{s} with several notes: joined, a blank line between"] += 1
    tags = [t.strip() for p in by_name.get("CATEGORIES", []) for t in _parts(p.value, ",")]
    values = {
        "name": name,
        "email": main_email,
        "phone": main_phone,
        "company": company,
        "role": first("TITLE") or first("ROLE"),
        "notes": "\n\n".join(n for n in notes if n.strip()),
        "tags": ",".join(t for t in dict.fromkeys(tags) if t),
        "source": first(_SOURCE),
        "journey_stage": first(_STAGE),
        "details": json.dumps([_detail_json(d) for d in details], ensure_ascii=False),
    }
    uid = first("UID")
    own = _UID.match(uid)
    if own:
        values["id"] = own.group(1)
    elif uid:
        values["external_id"] = uid
    return [Record(where, values)]


def _name(by_name: dict[str, list[_Property]]) -> str:
    """FN whole (an unescaped comma, as Gmail writes it, is part of the name),
    else N's parts in reading order."""
    if "FN" in by_name:
        full = _unescape(by_name["FN"][0].value).strip()
        if full:
            return full
    if "N" in by_name:
        family, given, *rest = [*_parts(by_name["N"][0].value), "", ""]
        additional, prefix, suffix = [*rest, "", "", ""][:3]
        return " ".join(p.strip() for p in (prefix, given, additional, family, suffix) if p.strip())
    return ""


def _main(found: list[ContactDetail]) -> str:
    """The preferred one (the first when none is), "" when there are none."""
    return next((d.value for d in found if d.pref), found[0].value if found else "")


def _ordered(found: list[tuple[int | None, ContactDetail]]) -> list[ContactDetail]:
    """Details in the card's order, only the most preferred one keeping `pref`
    (vCard 4's PREF=1 beats PREF=2)."""
    ranks = [rank for rank, _d in found if rank is not None]
    best = min(ranks) if ranks else None
    kept, marked = [], False
    for rank, detail in found:
        pref = rank is not None and rank == best and not marked
        marked = marked or pref
        kept.append(ContactDetail(detail.kind, detail.value, detail.label, pref))
    return kept


_DISPLAY = re.compile(r"^\s*(?:\"[^\"]*\"|[^<]*)\s*<\s*([^<>\s]+)\s*>\s*$")


def _emails(props: list[_Property], problems: Problems, report: _Report) -> list[ContactDetail]:
    found: list[tuple[int | None, ContactDetail]] = []
    for prop in props:
        text = _unescape(prop.value).strip()
        if not text:
            continue
        display = _DISPLAY.match(text)
        if display:
            text = display.group(1)
            report.changed["EMAIL {n} address{es} taken out of a display name"] += 1
        if text[:7].casefold() == "mailto:":
            text = text[7:]
            report.changed["EMAIL {n} mailto: prefix{es} removed"] += 1
        try:
            text = check_email(text) or ""
        except ValidationError as error:
            problems.add(f"line {prop.line}", "EMAIL", error.message)
            continue
        found.append((prop.pref(), ContactDetail("email", text, prop.label())))
    return _ordered(found)


def _phones(props: list[_Property], report: _Report) -> list[ContactDetail]:
    found: list[tuple[int | None, ContactDetail]] = []
    for prop in props:
        text = _unescape(prop.value).strip()
        if text[:4].casefold() == "tel:":
            text = text[4:]
            report.changed["TEL {n} tel: prefix{es} removed"] += 1
        if text:
            found.append((prop.pref(), ContactDetail("phone", text, prop.label())))
    return _ordered(found)


def _detail_json(detail: ContactDetail) -> dict[str, object]:
    return {"kind": detail.kind, "label": detail.label, "value": detail.value,
            "pref": detail.pref}  # fmt: skip
