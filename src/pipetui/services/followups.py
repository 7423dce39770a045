"""Follow-ups: add a dated next step, mark it done, list what is open."""

from __future__ import annotations

from datetime import date

from pipetui.domain.errors import ValidationError
from pipetui.domain.followup import FollowUp, check_target
from pipetui.domain.text import clean_text
from pipetui.services import clock
from pipetui.services.contacts import resolve_contact
from pipetui.store import deals as deal_store
from pipetui.store import followups as store
from pipetui.store.database import Database


def add_followup(
    db: Database,
    *,
    title: str,
    due: date,
    deal_id: int | None = None,
    contact: str | None = None,
) -> FollowUp:
    """A next step due on `due`, on exactly one deal or one contact."""
    check_target(deal_id, contact)
    clean_title = clean_text(title, single_line=True)
    if not clean_title:
        raise ValidationError("title", "must not be empty")
    with db.write() as conn:
        contact_id = None
        if deal_id is not None:
            deal_store.get_deal(conn, deal_id)
        if contact is not None:
            contact_id = resolve_contact(conn, contact).contact.id
        followup_id = store.insert_followup(
            conn,
            title=clean_title,
            due=due,
            now=clock.now(),
            deal_id=deal_id,
            contact_id=contact_id,
        )
        return store.get_followup(conn, followup_id)


def complete_followup(db: Database, followup_id: int) -> FollowUp:
    """Mark a follow-up done."""
    with db.write() as conn:
        followup = store.get_followup(conn, followup_id)
        if followup.done_at is not None:
            raise ValidationError("followup", f"follow-up {followup_id} is already done")
        store.mark_done(conn, followup_id=followup_id, now=clock.now())
        return store.get_followup(conn, followup_id)


def list_followups(db: Database, *, include_done: bool = False) -> list[FollowUp]:
    """Follow-ups by due date; open ones unless `include_done`."""
    with db.read() as conn:
        return store.list_followups(conn, include_done=include_done)


def followup_lines(db: Database, *, include_done: bool = False) -> list[store.FollowUpLine]:
    """Follow-ups by due date, each with the person it is with (a deal's
    follow-up is with the deal's contact) and its deal's title."""
    with db.read() as conn:
        return store.followup_lines(conn, include_done=include_done)
