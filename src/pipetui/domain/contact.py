"""Contacts: the people deals and touchpoints belong to."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from pipetui.domain.dates import local_time
from pipetui.domain.errors import ValidationError
from pipetui.domain.journey import JourneyStage
from pipetui.domain.text import clean_text, one_line

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


DETAIL_KINDS = ("email", "phone", "url", "address", "birthday", "department")
"""What a contact detail holds (schema v5): every email and phone of a card
with its type and preference, and the card's address, web site, birthday and
department."""

CONTACT_SORTS = ("name", "last touch", "value", "days since contact")
"""How the contacts list can be ordered (the first is the default). "last
touch" puts the latest contact first; "days since contact" the longest silence
first (who has been left waiting); both put contacts never touched last."""

TAG_LIMIT = 100
"""The longest tag, in characters (a label, not a note)."""


@dataclass(frozen=True, slots=True)
class ContactDetail:
    """One more thing known about a contact, as an address book has it: an
    email or phone with its type ("work", "cell") and whether it is the
    preferred one; an address (its vCard parts joined by ";"), web site,
    birthday or department."""

    kind: str
    value: str
    label: str | None = None
    pref: bool = False

    def text(self) -> str:
        """The value as a person reads it: an address's parts joined by commas."""
        if self.kind == "address":
            return ", ".join(part for part in self.value.split(";") if part.strip())
        return self.value


@dataclass(frozen=True, slots=True)
class Contact:
    """A person, with every text field in any script, kept exactly."""

    id: int
    name: str
    created_at: datetime
    email: str | None = None
    phone: str | None = None
    company: str | None = None
    role: str | None = None
    source: str | None = None
    notes: str | None = None
    tags: tuple[str, ...] = field(default_factory=tuple)
    journey_stage: JourneyStage | None = None
    journey_stage_manual: bool = False
    external_id: str | None = None
    version: int = 1
    details: tuple[ContactDetail, ...] = ()
    """Every email and phone with its type (when the source had more than the
    main one, or a type), address, web site, birthday and department."""

    def all_of(self, kind: str) -> list[ContactDetail]:
        """The contact's details of one kind, in their order."""
        return [d for d in self.details if d.kind == kind]


_DETAIL_TITLES = {
    "email": "emails",
    "phone": "phones",
    "address": "addresses",
    "url": "web",
    "birthday": "birthday",
    "department": "department",
}


def detail_pairs(contact: Contact) -> list[tuple[str, str]]:
    """(kind's title, text) per detail, in kind order then their own: ("phones",
    "+1 555 0100 (work, preferred)"); the title only on a kind's first."""
    pairs = []
    for kind, title in _DETAIL_TITLES.items():
        for n, detail in enumerate(contact.all_of(kind)):
            notes = [note for note in (detail.label, "preferred" if detail.pref else None) if note]
            text = detail.text() + (f" ({', '.join(notes)})" if notes else "")
            pairs.append((title if n == 0 else "", text))
    return pairs


def detail_lines(contact: Contact) -> list[str]:
    """The contact's details as lines for a terminal, one per detail under its
    kind: "        phones: +1 555 0100 (work, preferred)", the next of its kind
    under it without a title."""
    return [
        f"{title:>14}: {text}" if title else f"{'':>14}  {text}"
        for title, text in detail_pairs(contact)
    ]


def check_name(name: str, *, field: str = "name") -> str:
    """A contact needs a name on one line."""
    return one_line(name, field=field, limit=300)


def check_email(email: str | None, *, field: str = "email") -> str | None:
    """An email, when given, looks like one (one @, a dot in the domain)."""
    if email is None:
        return None
    cleaned = clean_text(email, single_line=True)
    if not cleaned:
        return None
    if not _EMAIL.match(cleaned):
        raise ValidationError(field, f"not an email address: {cleaned!r}")
    return cleaned


def optional_text(value: str | None, *, single_line: bool = True) -> str | None:
    """Cleaned text, or None when nothing is left."""
    if value is None:
        return None
    cleaned = clean_text(value, single_line=single_line)
    return cleaned or None


def check_tags(tags: str | Iterable[str], *, field: str = "tags") -> tuple[str, ...]:
    """Tags from "vip, מתעניין ,  hot" (or a list): each cleaned to one line,
    empty ones dropped, a repeat (in any case) kept once, in the order given.
    A comma separates tags, so no tag holds one."""
    parts = tags.split(",") if isinstance(tags, str) else [p for t in tags for p in t.split(",")]
    found: dict[str, str] = {}
    for part in parts:
        tag = clean_text(part, single_line=True)
        if len(tag) > TAG_LIMIT:
            raise ValidationError(field, f"tag {tag[:20]!r}… is longer than {TAG_LIMIT} characters")
        if tag:
            found.setdefault(tag.casefold(), tag)
    return tuple(found.values())


def days_since_contact(last: datetime | None, now: datetime) -> int | None:
    """Calendar days from the last contact to `now`, counted in local time (a
    call at 23:50 yesterday was "1 day" ago at 00:10 today); None when there was
    none. A contact dated in the future counts as today."""
    if last is None:
        return None
    return max(0, (local_time(now).date() - local_time(last).date()).days)


def since_contact_text(days: int | None) -> str:
    """The silence in words, for the timeline's header: "243 days since last
    contact", "last contact yesterday", "last contact today", "no contact yet"."""
    if days is None:
        return "no contact yet"
    if days == 0:
        return "last contact today"
    if days == 1:
        return "last contact yesterday"
    return f"{days:,} days since last contact"


def since_contact_short(days: int | None) -> str:
    """The silence in a list's narrow column: "243 d ago", "today", "—"."""
    if days is None:
        return "—"
    return "today" if days == 0 else f"{days:,} d ago"
