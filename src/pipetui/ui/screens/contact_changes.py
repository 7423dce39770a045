"""Adding and editing a contact from the contacts screen or a timeline: the
contact form, awaited in the screen's worker, then an undoable write.

A save the database refuses (a name or email the use case rejects) reopens the
form with what was typed and why, at the field. An edit carries the version the
form showed (DESIGN.md §5): if someone else changed the contact meanwhile,
nothing is written and the form comes back with their version underneath the
fields this user changed, saying so, so no one's typing is lost.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from pipetui.domain.errors import ChangedElsewhere, ValidationError
from pipetui.ui.writes import write

if TYPE_CHECKING:
    from pipetui.domain.contact import Contact
    from pipetui.services.undo import AnyUndo
    from pipetui.ui.app import PipetuiApp
    from pipetui.ui.screens.contact_form import ContactFormResult


def _said(label: str) -> str:
    return f"{label[:1].upper()}{label[1:]}"


async def new_contact(app: PipetuiApp) -> Contact | None:
    """Ask for a new contact and add it; the contact added, or None."""
    from pipetui.ui.screens.contact_form import ContactForm

    asked = ContactForm("New contact")
    while (result := await app.push_screen_wait(asked)) is not None:
        try:
            return await _add(app, result)
        except ValidationError as error:
            asked = ContactForm("New contact", draft=result.raw, error=error)
    return None


async def _add(app: PipetuiApp, result: ContactFormResult) -> Contact | None:
    from pipetui.services.contacts import add_contact
    from pipetui.services.undo import undoable_contact_added

    workspace = app.workspace  # `.db` is read in the thread: it may still be opening
    label = f"added contact {result.name!r}"
    fields = {name: value or None for name, value in result.fields.items()}

    def run() -> tuple[Contact, AnyUndo]:
        return undoable_contact_added(
            label, lambda: add_contact(workspace.db, name=result.name, **fields)
        )

    return await write(app, run, lambda _: _said(label), ask_again=True)


async def _read(app: PipetuiApp, contact_id: int) -> Contact | None:
    """The contact as it is now, read in a thread; None (said why) when gone."""
    from pipetui.services.contacts import get_contact

    workspace = app.workspace
    try:
        return await asyncio.to_thread(lambda: get_contact(workspace.db, f"#{contact_id}"))
    except ValidationError as error:
        app.notify(error.message, severity="warning")
        return None


def merged(base: dict[str, str], mine: dict[str, str], theirs: dict[str, str]) -> dict[str, str]:
    """What the form shows after a refused stale edit: the fields this user
    changed as they typed them, every other field as the other writer left it."""
    return {name: mine[name] if mine[name] != base[name] else theirs[name] for name in base}


async def edit_contact(app: PipetuiApp, contact_id: int) -> Contact | None:
    """Ask for a contact's new fields and save them; the contact saved, or None."""
    from pipetui.ui.screens.contact_form import ContactForm, contact_values

    contact = await _read(app, contact_id)
    if contact is None:
        return None
    heading = f"Edit contact #{contact_id}"
    asked = ContactForm(heading, contact)
    while (result := await app.push_screen_wait(asked)) is not None:
        try:
            return await _edit(app, contact, result)
        except ChangedElsewhere:
            now = await _read(app, contact_id)
            if now is None:
                return None
            draft = merged(contact_values(contact), result.raw, contact_values(now))
            notice = (
                f"{now.name!r} was changed elsewhere while you typed; nothing was written."
                " Below: their version with your changes on top. ctrl+s saves it."
            )
            asked = ContactForm(heading, now, draft=draft, notice=notice)
            contact = now
        except ValidationError as error:
            asked = ContactForm(heading, contact, draft=result.raw, error=error)
    return None


async def _edit(app: PipetuiApp, contact: Contact, result: ContactFormResult) -> Contact | None:
    from pipetui.services.contacts import edit_contact as edit
    from pipetui.services.undo import undoable_contact
    from pipetui.ui.screens.contact_form import contact_values

    shown = contact_values(contact)
    if {"name": result.name, **result.fields} == shown:
        app.notify(f"Nothing changed for {contact.name!r}")
        return contact
    workspace = app.workspace
    label = f"edited contact {result.name!r}"

    def run() -> tuple[Contact, AnyUndo]:
        return undoable_contact(
            contact.id,
            label,
            lambda: edit(
                workspace.db,
                f"#{contact.id}",
                name=result.name,
                seen_version=contact.version,
                **result.fields,
            ),
        )

    return await write(app, run, lambda _: _said(label), ask_again=True)
