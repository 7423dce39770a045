"""Queries and writes for contacts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Connection, Row

from pipetui.domain.contact import Contact
from pipetui.domain.errors import NotFoundError, check_version
from pipetui.domain.journey import JourneyStage
from pipetui.domain.text import search_key
from pipetui.store.recorder import note_created
from pipetui.store.tables import CONTACT, DEAL, FOLLOWUP, TOUCHPOINT
from pipetui.store.touchpoints import latest as latest_touchpoint

_COLUMNS = (
    CONTACT.c.id,
    CONTACT.c.name,
    CONTACT.c.created_at,
    CONTACT.c.email,
    CONTACT.c.phone,
    CONTACT.c.company,
    CONTACT.c.role,
    CONTACT.c.source,
    CONTACT.c.notes,
    CONTACT.c.tags,
    CONTACT.c.journey_stage,
    CONTACT.c.journey_stage_manual,
    CONTACT.c.external_id,
    CONTACT.c.version,
)
SEARCHED = ("name", "email", "company", "phone")


def _contact(row: Row[*tuple[Any, ...]]) -> Contact:
    return Contact(
        id=row.id,
        name=row.name,
        created_at=row.created_at,
        email=row.email,
        phone=row.phone,
        company=row.company,
        role=row.role,
        source=row.source,
        notes=row.notes,
        tags=tuple(t for t in (row.tags or "").split(",") if t),
        journey_stage=JourneyStage(row.journey_stage) if row.journey_stage else None,
        journey_stage_manual=row.journey_stage_manual,
        external_id=row.external_id,
        version=row.version,
    )


def contact_keys(values: dict[str, Any]) -> dict[str, Any]:
    """The derived sort and search columns for a contact's text fields."""
    return {
        "sort_name": search_key(values["name"]),
        "search_key": search_key(*(values.get(name) for name in SEARCHED)),
    }


def get_contact(conn: Connection, contact_id: int) -> Contact:
    """The contact with this id, else NotFoundError naming the field `contact`."""
    row = conn.execute(select(*_COLUMNS).where(CONTACT.c.id == contact_id)).first()
    if row is None:
        raise NotFoundError("contact", f"no contact with id {contact_id}")
    return _contact(row)


def find_by_name(conn: Connection, name: str) -> list[Contact]:
    """Contacts whose name equals `name` ignoring case (in any script)."""
    rows = conn.execute(select(*_COLUMNS).where(CONTACT.c.sort_name == search_key(name)))
    return [_contact(row) for row in rows]


def list_contacts(
    conn: Connection, *, search: str | None = None, limit: int | None = None, offset: int = 0
) -> list[Contact]:
    """Contacts by name; `search` matches name, email, company or phone in any case."""
    query = select(*_COLUMNS)
    if search:
        words = search_key(search).split()
        query = query.where(*(CONTACT.c.search_key.contains(w, autoescape=True) for w in words))
    query = query.order_by(CONTACT.c.sort_name, CONTACT.c.id).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return [_contact(row) for row in conn.execute(query)]


def insert_contact(conn: Connection, *, now: datetime, **values: Any) -> int:
    """Insert a contact from cleaned values; return its id."""
    result = conn.execute(
        insert(CONTACT).values(created_at=now, updated_at=now, **values, **contact_keys(values))
    )
    assert result.inserted_primary_key is not None
    contact_id = int(result.inserted_primary_key[0])
    note_created("contact", contact_id)
    return contact_id


def lock_contact(conn: Connection, contact_id: int, *, seen_version: int | None = None) -> Contact:
    """The contact, locked for this write transaction, refused with
    `ChangedElsewhere` when the caller's view showed another version."""
    row = conn.execute(
        select(*_COLUMNS).where(CONTACT.c.id == contact_id).with_for_update()
    ).first()
    if row is None:
        raise NotFoundError("contact", f"no contact with id {contact_id}")
    contact = _contact(row)
    check_version("contact", f"contact {contact.name!r}", seen=seen_version, now=contact.version)
    return contact


def update_contact(conn: Connection, *, contact: Contact, now: datetime, **changes: Any) -> None:
    """Change some fields of a contact, keeping its search columns in step."""
    merged = {
        "name": contact.name,
        "email": contact.email,
        "company": contact.company,
        "phone": contact.phone,
        **changes,
    }
    conn.execute(
        update(CONTACT)
        .where(CONTACT.c.id == contact.id)
        .values(updated_at=now, **changes, **contact_keys(merged), version=CONTACT.c.version + 1)
    )


def set_journey_stage(
    conn: Connection, *, contact_id: int, stage: JourneyStage | None, manual: bool
) -> None:
    """Record a contact's current journey stage and whether it was set by hand."""
    conn.execute(
        update(CONTACT)
        .where(CONTACT.c.id == contact_id)
        .values(
            journey_stage=stage.value if stage else None,
            journey_stage_manual=manual,
            version=CONTACT.c.version + 1,
        )
    )


def follow_latest_touchpoint(conn: Connection, contact_id: int) -> None:
    """A contact whose journey stage was not set by hand takes the stage of their
    latest touchpoint (none left: no stage)."""
    manual = conn.execute(
        select(CONTACT.c.journey_stage_manual).where(CONTACT.c.id == contact_id)
    ).scalar()
    if manual is None or manual:
        return
    latest = latest_touchpoint(conn, contact_id)
    set_journey_stage(
        conn, contact_id=contact_id, stage=latest.journey_stage if latest else None, manual=False
    )


def usage(conn: Connection, contact_id: int) -> tuple[int, int, int]:
    """(deals, touchpoints, follow-ups) that name the contact."""
    counts = [
        conn.execute(select(func.count()).where(table.c.contact_id == contact_id)).scalar()
        for table in (DEAL, TOUCHPOINT, FOLLOWUP)
    ]
    return int(counts[0] or 0), int(counts[1] or 0), int(counts[2] or 0)


def delete_contact(conn: Connection, contact_id: int) -> None:
    """Delete a contact; touchpoints and follow-ups cascade, deals are unlinked."""
    conn.execute(delete(CONTACT).where(CONTACT.c.id == contact_id))
