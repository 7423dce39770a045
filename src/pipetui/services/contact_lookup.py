"""What a typed contact name refers to, before anything is saved: the deal
form completes the name from existing contacts as it is typed, and says when
saving would create a new contact rather than link an existing one.

A name matches a contact when it is equal ignoring case and width (the same
key search uses: "dana levi" is "Dana Levi", Hebrew and Arabic as typed).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pipetui.domain.text import clean_text, search_key
from pipetui.store import contact_names as store
from pipetui.store.database import Database


class Found(StrEnum):
    """What a contact field's text names."""

    NOTHING = "nothing"
    """Empty: the deal has no contact."""
    ONE = "one"
    """Exactly one existing contact (by name, or by #id)."""
    SEVERAL = "several"
    """Several contacts of that name: an id must say which."""
    NEW = "new"
    """A name no contact has: saving creates a contact, if asked to."""
    NO_ID = "no-id"
    """"#42" and there is no contact 42."""


@dataclass(frozen=True, slots=True)
class ContactMatch:
    """The answer for one text: what it names, and the name as stored (ONE) or
    as it would be created (NEW)."""

    found: Found
    name: str = ""


def _as_id(text: str) -> int | None:
    digits = text.removeprefix("#")
    return int(digits) if digits.isascii() and digits.isdigit() else None


def match_contact(db: Database, text: str) -> ContactMatch:
    """What `text` (a name, "42" or "#42") names, as `add_deal` will resolve it."""
    typed = clean_text(text, single_line=True)
    if not typed:
        return ContactMatch(Found.NOTHING)
    contact_id = _as_id(typed)
    with db.read() as conn:
        if contact_id is not None:
            name = store.exists(conn, contact_id)
            return ContactMatch(Found.NO_ID) if name is None else ContactMatch(Found.ONE, name)
        ids = store.ids_named(conn, search_key(typed))
        if len(ids) > 1:
            return ContactMatch(Found.SEVERAL, typed)
        if ids:
            return ContactMatch(Found.ONE, store.exists(conn, ids[0]) or typed)
        return ContactMatch(Found.NEW, typed)


def complete_contact_name(db: Database, typed: str) -> str | None:
    """The first contact name (in name order) starting with `typed`, in any
    case or script; None for nothing typed, an id, or no such contact."""
    if not typed.strip() or _as_id(typed.strip()) is not None:
        return None
    key = search_key(clean_text(typed, single_line=True))
    if typed[-1:].isspace():  # "dana " goes on to "Dana Levi", not "Danae"
        key += " "
    with db.read() as conn:
        return store.first_name_starting(conn, key)
