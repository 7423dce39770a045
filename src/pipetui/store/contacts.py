"""Queries and writes for contacts."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Connection, Row

from pipetui.domain.contact import Contact, ContactDetail
from pipetui.domain.errors import NotFoundError, check_version
from pipetui.domain.journey import JourneyStage
from pipetui.domain.segments import EVERY_CONTACT, ContactSegment
from pipetui.domain.text import search_key
from pipetui.store.contact_search import page_ids, word_conditions
from pipetui.store.recorder import note_created
from pipetui.store.segment_queries import contact_condition
from pipetui.store.tables import CONTACT, CONTACT_DETAIL, DEAL, FOLLOWUP, TOUCHPOINT
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
SEARCHED_DETAILS = ("email", "phone")
"""The kinds of contact details search finds a contact by (any of their emails
and phones, not only the main ones)."""
_DETAIL_COLUMNS = (
    CONTACT_DETAIL.c.contact_id,
    CONTACT_DETAIL.c.kind,
    CONTACT_DETAIL.c.value,
    CONTACT_DETAIL.c.label,
    CONTACT_DETAIL.c.pref,
)


def _contact(row: Row[*tuple[Any, ...]], details: tuple[ContactDetail, ...] = ()) -> Contact:
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
        details=details,
    )


def contact_keys(
    values: dict[str, Any], details: Iterable[ContactDetail | str] = ()
) -> dict[str, Any]:
    """The derived sort and search columns for a contact's text fields; the
    search key also holds every email and phone among `details` (given as
    details, or as their searched values already picked out)."""
    extra = [
        d if isinstance(d, str) else d.value
        for d in details
        if isinstance(d, str) or d.kind in SEARCHED_DETAILS
    ]
    return {
        "sort_name": search_key(values["name"]),
        "search_key": search_key(*(values.get(name) for name in SEARCHED), *extra),
    }


def details_of(conn: Connection, contact_ids: list[int]) -> dict[int, tuple[ContactDetail, ...]]:
    """The details of these contacts, in their order (read in one query, a
    thousand contacts at a time)."""
    found: dict[int, list[ContactDetail]] = {}
    for start in range(0, len(contact_ids), 1000):
        part = contact_ids[start : start + 1000]
        query = (
            select(*_DETAIL_COLUMNS)
            .where(CONTACT_DETAIL.c.contact_id.in_(part))
            .order_by(CONTACT_DETAIL.c.contact_id, CONTACT_DETAIL.c.position)
        )
        for contact_id, kind, value, label, pref in conn.execute(query):
            found.setdefault(int(contact_id), []).append(
                ContactDetail(kind, value, label, bool(pref))
            )
    return {contact_id: tuple(details) for contact_id, details in found.items()}


def searched_details(conn: Connection, contact_ids: list[int]) -> dict[int, list[str]]:
    """The emails and phones among these contacts' details (for search keys)."""
    return {
        contact_id: [d.value for d in details if d.kind in SEARCHED_DETAILS]
        for contact_id, details in details_of(conn, contact_ids).items()
    }


def _with_details(conn: Connection, rows: Iterable[Row[*tuple[Any, ...]]]) -> list[Contact]:
    found = list(rows)
    details = details_of(conn, [int(row.id) for row in found]) if found else {}
    return [_contact(row, details.get(int(row.id), ())) for row in found]


def detail_rows(contact_id: int, details: Iterable[ContactDetail]) -> list[dict[str, Any]]:
    """A contact's details as rows of `contact_detail` (without ids)."""
    return [
        {"contact_id": contact_id, "kind": d.kind, "label": d.label, "value": d.value,
         "pref": d.pref, "position": n}
        for n, d in enumerate(details)
    ]  # fmt: skip


def set_details(conn: Connection, contact_id: int, details: Iterable[ContactDetail]) -> None:
    """Replace a contact's details (the caller keeps the search key in step)."""
    conn.execute(delete(CONTACT_DETAIL).where(CONTACT_DETAIL.c.contact_id == contact_id))
    rows = detail_rows(contact_id, details)
    if rows:
        conn.execute(insert(CONTACT_DETAIL), rows)


def get_contact(conn: Connection, contact_id: int) -> Contact:
    """The contact with this id, else NotFoundError naming the field `contact`."""
    row = conn.execute(select(*_COLUMNS).where(CONTACT.c.id == contact_id)).first()
    if row is None:
        raise NotFoundError("contact", f"no contact with id {contact_id}")
    return _with_details(conn, [row])[0]


def find_by_name(conn: Connection, name: str) -> list[Contact]:
    """Contacts whose name equals `name` ignoring case (in any script)."""
    rows = conn.execute(select(*_COLUMNS).where(CONTACT.c.sort_name == search_key(name)))
    return _with_details(conn, rows)


def list_contacts(
    conn: Connection,
    *,
    search: str | None = None,
    limit: int | None = None,
    offset: int = 0,
    segment: ContactSegment = EVERY_CONTACT,
    now: datetime | None = None,
) -> list[Contact]:
    """Contacts by name; `search` matches name, company, or any of their emails
    and phones, in any case; `segment` keeps only its contacts (its silence
    counted up to `now`)."""
    query = select(*_COLUMNS)
    words = search_key(search).split() if search else []
    if words and segment.empty and limit is not None:  # one page: from the search index
        page = page_ids(conn, words, limit=limit, offset=offset)
        if page is not None:
            query = query.where(CONTACT.c.id.in_(page)).order_by(CONTACT.c.sort_name, CONTACT.c.id)
            return _with_details(conn, conn.execute(query))
    if not segment.empty:
        assert now is not None, "a segment needs the time it is counted at"
        query = query.where(contact_condition(segment, now))
    if words:
        query = query.where(*word_conditions(conn, words, narrow=limit is None))
    query = query.order_by(CONTACT.c.sort_name, CONTACT.c.id).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return _with_details(conn, conn.execute(query))


def insert_contact(
    conn: Connection, *, now: datetime, details: tuple[ContactDetail, ...] = (), **values: Any
) -> int:
    """Insert a contact from cleaned values (and its details); return its id."""
    keys = contact_keys(values, details)
    result = conn.execute(insert(CONTACT).values(created_at=now, updated_at=now, **values, **keys))
    assert result.inserted_primary_key is not None
    contact_id = int(result.inserted_primary_key[0])
    if details:
        set_details(conn, contact_id, details)
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
    contact = _with_details(conn, [row])[0]
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
    keys = contact_keys(merged, contact.details)
    conn.execute(
        update(CONTACT)
        .where(CONTACT.c.id == contact.id)
        .values(updated_at=now, **changes, **keys, version=CONTACT.c.version + 1)
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
