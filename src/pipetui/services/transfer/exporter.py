"""`pipetui export`: everything out, in a form `pipetui import` takes back.

- Text without control characters (`cleaned`): what another tool wrote into the
  database reaches no terminal or spreadsheet raw.
- CSV, one kind per file, with pipetui's own headers (`formats.OWN_FIELDS`).
  A cell a spreadsheet would run as a formula (starting with = + - @ tab or CR,
  after any quotes) gets one leading quote, unless `raw`; `import` takes that
  quote off again, so the round trip is exact.
- JSON: every kind, plus pipelines with their stages, follow-ups, BANT answers
  and their history and lead-source spend: a full copy that restores into an
  empty database with the same ids and the same report figures.
- vCard (contacts) and iCalendar (open follow-ups), for address books and
  calendars.

Times are ISO 8601 in UTC with every digit they have (microseconds too), money
a decimal amount beside its currency code.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import fields, replace
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, TextIO

from pipetui.domain.contact import Contact
from pipetui.domain.errors import ValidationError
from pipetui.domain.money import Money
from pipetui.domain.text import clean_text
from pipetui.services import clock
from pipetui.services.transfer.formats import KINDS, OWN_FIELDS
from pipetui.services.transfer.ics import write_followups
from pipetui.services.transfer.types import JSON_VERSION
from pipetui.services.transfer.vcard_writer import write_vcards
from pipetui.store import exports as store
from pipetui.store.contacts import list_contacts
from pipetui.store.database import Database

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

FORMATS = ("csv", "json", "vcard", "ics")
EXPORT_KINDS = (*KINDS, "all")
_FORMULA = re.compile(r"^'*[=+\-@\t\r]")


def neutralise(cell: str) -> str:
    """A cell a spreadsheet would run as a formula, made plain text with one
    leading quote (and one more quote before cells already quoted that way, so
    `cells.unescape_formula` can always undo it exactly)."""
    return "'" + cell if _FORMULA.match(cell) else cell


def choose(kind: str | None, fmt: str | None, out: str | None) -> tuple[str, str]:
    """The kind and format to export: as given, else the format from the file's
    extension (else CSV), and the kind each format holds by default."""
    if fmt is None:
        suffix = (out or "").rsplit(".", 1)[-1].casefold() if out and "." in out else ""
        fmt = {"json": "json", "vcf": "vcard", "vcard": "vcard", "ics": "ics"}.get(suffix, "csv")
    if fmt not in FORMATS:
        raise ValidationError("format", f"use {', '.join(FORMATS)}, not {fmt!r}")
    if kind is not None and kind not in EXPORT_KINDS:
        raise ValidationError("kind", f"use {', '.join(EXPORT_KINDS)}, not {kind!r}")
    default = {"csv": "deals", "json": "all", "vcard": "contacts", "ics": "followups"}[fmt]
    kind = kind or default
    if fmt == "csv" and kind == "all":
        raise ValidationError("kind", "a CSV file holds one kind; use --format json for all")
    if fmt == "vcard" and kind != "contacts":
        raise ValidationError("kind", "vCard holds contacts")
    if fmt == "ics" and kind != "followups":
        raise ValidationError("kind", "iCalendar holds follow-ups; leave --kind out")
    return kind, fmt


def iso(value: Any) -> Any:
    """Times (stored as UTC) and dates as ISO 8601 text; anything else as it is."""
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _contact(row: dict[str, Any]) -> dict[str, Any]:
    """A contact's own fields, and (JSON only: CSV writes the headers it has)
    its details: every email and phone with type and preference, address, web
    site, birthday and department."""
    found = {name: iso(row.get(name)) for name in OWN_FIELDS["contacts"]}
    found["details"] = row.get("details", [])
    return found


def _deal(row: dict[str, Any], *, full: bool) -> dict[str, Any]:
    row["value"] = Money(row["value_minor"], row["currency"]).amount_str()
    history = row["history_ids"] if full else row["history"]  # ids beside the pipelines
    row["history"] = [[iso(at), *rest] for at, *rest in history]
    found = {name: iso(row.get(name)) for name in OWN_FIELDS["deals"]}
    if full:
        found["rank"] = row["rank"]
    return found


def _touchpoint(row: dict[str, Any]) -> dict[str, Any]:
    return {name: iso(row.get(name)) for name in OWN_FIELDS["touchpoints"]}


_READERS: dict[str, tuple[Callable[[Any], Iterator[dict[str, Any]]], Callable[..., Any]]] = {
    "contacts": (store.contacts, _contact),
    "deals": (store.deals, _deal),
    "touchpoints": (store.touchpoints, _touchpoint),
}


def records(db: Database, kind: str, *, full: bool = False) -> Iterator[dict[str, Any]]:
    """Every row of a kind as an export record (own field names)."""
    with db.read() as conn:
        yield from _records(conn, kind, full=full)


def _records(conn: Connection, kind: str, *, full: bool) -> Iterator[dict[str, Any]]:
    read, shape = _READERS[kind]
    for row in read(conn):
        yield shape(row, full=full) if kind == "deals" else shape(row)


def cleaned(value: Any) -> Any:
    """A value with the control characters `clean_text` keeps out of the
    database taken out of its text, lists and mappings too: text another tool
    wrote into the database (an escape sequence in a title) reaches no terminal
    or spreadsheet from an export. Text pipetui stored comes out exactly as it is
    (it was cleaned the same way on the way in)."""
    if type(value) is str:  # (not an enum's value: those are pipetui's own words)
        return clean_text(value)
    if isinstance(value, list):
        return [cleaned(item) for item in value]
    if isinstance(value, tuple):
        return tuple(cleaned(item) for item in value)
    if isinstance(value, dict):
        return {key: cleaned(item) for key, item in value.items()}
    return value


def _cleaned_contact(contact: Contact) -> Contact:
    """A contact with its text `cleaned` (for vCard)."""
    changes = {
        f.name: cleaned(value)
        for f in fields(contact)
        if type(value := getattr(contact, f.name)) in (str, tuple)
    }
    return replace(contact, **changes)


def _cell(value: Any) -> str:
    """A value as CSV text, cleaned: lists (a deal's history) as JSON, flags as
    true/false."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return json.dumps(cleaned(value), ensure_ascii=False) if value else ""
    return clean_text(str(value))


PHONE_COLUMNS = frozenset({"phone", "contact_phone"})
_PHONE = re.compile(r"^[+\-][\d\s\-().]*\d[\d\s\-().]*$")


def for_excel(name: str, cell: str) -> str:
    """A phone number that starts like a formula ("+972-50-123-4567"), as the
    text formula Excel shows as the number itself (`="+972-50-123-4567"`, no
    quote); any other cell as `neutralise` makes it. Only digits, spaces and
    `+-().` are ever put inside the quotes, so nothing else can run."""
    if name in PHONE_COLUMNS and _PHONE.match(cell):
        return f'="{cell}"'
    return neutralise(cell)


def write_csv(
    db: Database, kind: str, out: TextIO, *, raw: bool = False, excel: bool = False
) -> int:
    """One kind as CSV; returns the number of rows written. `excel`: with a
    UTF-8 BOM (so Excel reads the text as UTF-8) and phone numbers kept as
    text without a leading quote (`for_excel`)."""
    writer = csv.writer(out, lineterminator="\r\n")
    headers = OWN_FIELDS[kind]
    if excel:
        out.write("\ufeff")
    writer.writerow(headers)
    count = 0
    for record in records(db, kind):
        cells = []
        for name in headers:
            text = _cell(record[name])
            if raw:
                cells.append(text)
            else:
                cells.append(for_excel(name, text) if excel else neutralise(text))
        writer.writerow(cells)
        count += 1
    return count


def write_json(db: Database, kind: str, out: TextIO) -> int:
    """One kind, or everything (`all`), as pipetui's JSON export.

    Everything is read in ONE read transaction (on PostgreSQL REPEATABLE READ,
    READ ONLY): a consistent snapshot while others write, which is what makes
    it a backup of a server database when pg_dump is not at hand."""
    data: dict[str, Any] = {
        "format": "pipetui",
        "version": JSON_VERSION,
        "exported_at": iso(clock.now()),
    }
    kinds = KINDS if kind == "all" else (kind,)
    count = 0
    with db.read() as conn:
        if kind == "all":
            data["pipelines"] = [
                {
                    **{k: iso(v) for k, v in pipe.items() if k != "stages"},
                    "stages": [
                        {k: v for k, v in s.items() if k != "pipeline_id"} for s in pipe["stages"]
                    ],
                }
                for pipe in store.pipelines(conn)
            ]
            data["touchpoint_kinds"] = list(store.table(conn, "touchpoint_kind"))
        for name in ("contacts", "deals", "touchpoints"):
            if name in kinds:
                data[name] = list(_records(conn, name, full=kind == "all"))
                count += len(data[name])
        if kind == "all":
            for section, table, left_out in (
                ("followups", "followup", ()),
                ("qualification", "qualification", ("id",)),
                ("qualification_changes", "qualification_change", ("id",)),
                ("source_spend", "source_spend", ("id", "source_key")),
                ("funnel_counts", "funnel_count", ("id", "source_key")),
                ("goals", "goal", ("source_key",)),
            ):
                data[section] = [
                    {k: iso(v) for k, v in row.items() if k not in left_out}
                    for row in store.table(conn, table)
                ]
    json.dump(cleaned(data), out, ensure_ascii=False, indent=1)
    out.write("\n")
    return count


def write_vcard(db: Database, out: TextIO) -> int:
    """Contacts as vCards."""
    with db.read() as conn:
        contacts = [_cleaned_contact(c) for c in list_contacts(conn, limit=None)]
    out.write(write_vcards(contacts))
    return len(contacts)


def write_ics(db: Database, out: TextIO) -> int:
    """Open follow-ups as all-day events, one VEVENT each."""
    with db.read() as conn:
        rows = cleaned(list(store.followups(conn, open_only=True)))
    out.write(write_followups(rows, clock.now()))
    return len(rows)


def export(
    db: Database, out: TextIO, *, kind: str, fmt: str, raw: bool = False, excel: bool = False
) -> int:
    """Write one export; returns how many rows (or cards, or events) it holds
    (`excel`: a CSV for spreadsheets, see `write_csv`)."""
    if excel and fmt != "csv":
        raise ValidationError("excel", f"is for CSV exports, not {fmt}")
    if fmt == "csv":
        return write_csv(db, kind, out, raw=raw, excel=excel)
    if fmt == "json":
        return write_json(db, kind, out)
    if fmt == "vcard":
        return write_vcard(db, out)
    return write_ics(db, out)
