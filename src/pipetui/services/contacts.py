"""Use cases for contacts: add, find, list, show and edit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pipetui.domain.contact import Contact, check_email, check_name, check_tags, optional_text
from pipetui.domain.errors import ValidationError
from pipetui.domain.journey import JourneyStage, Touchpoint
from pipetui.domain.segments import EVERY_CONTACT, ContactSegment, change_tags, tags_text
from pipetui.services import clock
from pipetui.store import contacts as store
from pipetui.store import touchpoints as touchpoint_store
from pipetui.store.database import Database

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

_FIELDS = ("email", "phone", "company", "role", "source", "notes", "tags")
"""Every field of a contact besides its name that add and edit take, as text
("tags" comma-separated)."""


@dataclass(frozen=True, slots=True)
class ContactRef:
    """The contact a NAME_OR_ID resolved to, and whether it was just created."""

    contact: Contact
    created: bool


def _clean(fields: dict[str, str | None]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for key, value in fields.items():
        if key == "email":
            cleaned[key] = check_email(value)
        elif key == "notes":
            cleaned[key] = optional_text(value, single_line=False)
        elif key == "tags":
            cleaned[key] = ",".join(check_tags(value or "")) or None
        elif key in _FIELDS:
            cleaned[key] = optional_text(value)
        else:
            raise ValidationError(key, "not a contact field")
    return cleaned


def add_contact(db: Database, *, name: str, **fields: str | None) -> Contact:
    """A new contact; every text field is kept exactly, minus control characters
    (notes keep their line breaks; tags are given comma-separated)."""
    values = {"name": check_name(name), **_clean(fields)}
    with db.write() as conn:
        contact_id = store.insert_contact(conn, now=clock.now(), **values)
        return store.get_contact(conn, contact_id)


def resolve_contact(conn: Connection, name_or_id: str, *, create: bool = False) -> ContactRef:
    """A contact by id ("42", "#42") or by exact name (any case).

    With `create`, an unknown name becomes a new contact (as typing a new person's
    name on a deal does in other CRMs); several contacts of that name is an error.
    """
    text = name_or_id.strip().removeprefix("#")
    if text.isascii() and text.isdigit():
        return ContactRef(store.get_contact(conn, int(text)), False)
    name = check_name(name_or_id, field="contact")
    found = store.find_by_name(conn, name)
    if len(found) == 1:
        return ContactRef(found[0], False)
    if len(found) > 1:
        ids = ", ".join(str(c.id) for c in found)
        raise ValidationError("contact", f"several contacts are called {name!r}; use an id ({ids})")
    if not create:
        raise ValidationError("contact", f"no contact called {name!r}")
    contact_id = store.insert_contact(conn, now=clock.now(), name=name)
    return ContactRef(store.get_contact(conn, contact_id), True)


def get_contact(db: Database, name_or_id: str) -> Contact:
    """A contact by id or exact name."""
    with db.read() as conn:
        return resolve_contact(conn, name_or_id).contact


def list_contacts(
    db: Database,
    *,
    search: str | None = None,
    limit: int | None = None,
    segment: ContactSegment = EVERY_CONTACT,
) -> list[Contact]:
    """Contacts by name, optionally matching `search` in any script and case,
    and only those of `segment` (tag, journey stage, source, silence)."""
    with db.read() as conn:
        return store.list_contacts(
            conn, search=search, limit=limit, segment=segment, now=clock.now()
        )


def edit_contact(
    db: Database,
    name_or_id: str,
    *,
    name: str | None = None,
    journey_stage: str | None = None,
    seen_version: int | None = None,
    **fields: str | None,
) -> Contact:
    """Change some fields; an empty string clears an optional field (tags are
    given comma-separated and replace the contact's tags).

    `journey_stage` set by hand sticks until set to "auto", which goes back to
    following the latest touchpoint. `seen_version`: the contact's version as
    the caller's view showed it (refused with `ChangedElsewhere` if it moved on).
    """
    changes = _clean({k: v for k, v in fields.items() if v is not None})
    if name is not None:
        changes["name"] = check_name(name)
    with db.write() as conn:
        found = resolve_contact(conn, name_or_id).contact
        contact = store.lock_contact(conn, found.id, seen_version=seen_version)
        if changes:
            store.update_contact(conn, contact=contact, now=clock.now(), **changes)
        if journey_stage is not None:
            _set_stage(conn, contact.id, journey_stage)
        return store.get_contact(conn, contact.id)


def tag_contact(
    db: Database, name_or_id: str, changes: list[str], *, seen_version: int | None = None
) -> Contact:
    """Add ("+vip") and remove ("-cold", any case) tags on a contact in one
    write; a bad change refuses them all (`change_tags`)."""
    with db.write() as conn:
        found = resolve_contact(conn, name_or_id).contact
        contact = store.lock_contact(conn, found.id, seen_version=seen_version)
        tags = change_tags(contact.tags, changes)
        if tags != contact.tags:
            store.update_contact(conn, contact=contact, now=clock.now(), tags=tags_text(tags))
        return store.get_contact(conn, contact.id)


def _set_stage(conn: Connection, contact_id: int, text: str) -> None:
    wanted = text.strip().casefold()
    if wanted == "auto":
        latest = touchpoint_store.latest(conn, contact_id)
        stage = latest.journey_stage if latest else None
        store.set_journey_stage(conn, contact_id=contact_id, stage=stage, manual=False)
        return
    try:
        stage = JourneyStage(wanted)
    except ValueError as error:
        names = ", ".join(s.value for s in JourneyStage)
        raise ValidationError("journey-stage", f"unknown stage {text!r} ({names}, auto)") from error
    store.set_journey_stage(conn, contact_id=contact_id, stage=stage, manual=True)


def contact_with_touchpoints(db: Database, name_or_id: str) -> tuple[Contact, list[Touchpoint]]:
    """A contact and their touchpoints, newest first."""
    with db.read() as conn:
        contact = resolve_contact(conn, name_or_id).contact
        return contact, touchpoint_store.for_contact(conn, contact.id)


@dataclass(frozen=True, slots=True)
class ContactUse:
    """What deleting a contact would touch: its deals (they stay, unlinked),
    touchpoints and follow-ups (they go with it)."""

    deals: int
    touchpoints: int
    followups: int

    @property
    def any(self) -> bool:
        """Whether the seller should be asked first."""
        return bool(self.deals or self.touchpoints or self.followups)

    def text(self) -> str:
        """ "2 deals (kept, without contact), 14 touchpoints, 1 follow-up"."""
        parts = []
        for count, word, note in (
            (self.deals, "deal", " (kept, without a contact)"),
            (self.touchpoints, "touchpoint", ""),
            (self.followups, "follow-up", ""),
        ):
            if count:
                parts.append(f"{count} {word}{'s' if count != 1 else ''}{note}")
        return ", ".join(parts) or "nothing else"


def contact_use(db: Database, contact_id: int) -> ContactUse:
    """How many deals, touchpoints and follow-ups name the contact."""
    with db.read() as conn:
        store.get_contact(conn, contact_id)
        return ContactUse(*store.usage(conn, contact_id))


def delete_contact(db: Database, name_or_id: str, *, seen_version: int | None = None) -> Contact:
    """Delete a contact with their touchpoints and follow-ups; their deals stay,
    without a contact (foreign keys do both in the same transaction)."""
    with db.write() as conn:
        found = resolve_contact(conn, name_or_id).contact
        contact = store.lock_contact(conn, found.id, seen_version=seen_version)
        store.delete_contact(conn, contact.id)
        return contact
