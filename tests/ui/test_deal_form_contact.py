"""The deal form's Contact field and Notes (issue 17).

A seller types part of a name: the field completes it from the contacts
already there, in any script and case, and right takes the completion. A name
nobody has is not created silently: the form says a new contact will be
created, refuses to save at the Contact field until that is ticked, and u
takes back the deal and the contact it created together. Notes typed in the
form are saved, shown in the deal's details and found by the board's filter.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input, Static, TextArea
from ui_helpers import board, column, focus_card, make_app, press, settle, titles, type_text

from pipetui.domain.deal import DealView
from pipetui.services import deals as deal_service
from pipetui.services.contacts import list_contacts
from pipetui.services.workspace import Workspace
from pipetui.ui import rtl
from pipetui.ui.screens.board import BoardScreen
from pipetui.ui.screens.deal_detail import DealDetailScreen, detail_content
from pipetui.ui.screens.deal_form import DealForm

SIZE = (160, 50)
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
NOTES = "ביקשו הנחה\nלהתקשר ביום ראשון"


def deal_named(ws: Workspace, title: str) -> DealView | None:
    found = [v for v in deal_service.search_deals(ws.db, title, limit=50) if v.deal.title == title]
    return found[0] if found else None


def contact_names(ws: Workspace) -> list[str]:
    return sorted(c.name for c in list_contacts(ws.db))


async def open_new_form(pilot: Pilot[None]) -> DealForm:
    """The new-deal form, opened with n on the Prospecting column."""
    await settle(pilot)
    board(pilot).activate(column(pilot, "Prospecting").stage_id)
    await press(pilot, "n")
    form = pilot.app.screen
    assert isinstance(form, DealForm)
    return form


async def type_into(pilot: Pilot[None], widget: Input, text: str) -> None:
    """Type `text` into `widget`, key by key, and wait for the lookups' threads."""
    widget.focus()
    await pilot.pause()
    await type_text(pilot, text)
    await press(pilot)


@pytest.mark.parametrize(
    ("typed", "completed"),
    [("דנ", "דנה כהן"), ("omar h", "Omar Haddad"), ("OMAR", "Omar Haddad")],
)
async def test_the_contact_field_completes_from_existing_contacts(
    sales: Workspace, typed: str, completed: str
) -> None:
    async with make_app(sales).run_test(size=SIZE) as pilot:
        form = await open_new_form(pilot)
        contact = form.fields["contact"].input

        await type_into(pilot, contact, typed)
        assert contact._suggestion == completed
        await press(pilot, "right")  # takes the completion

        assert contact.value == completed
        assert not form.create_contact.display  # an existing contact: nothing to create


async def test_a_new_name_is_refused_until_creating_it_is_ticked_and_u_removes_both(
    sales: Workspace,
) -> None:
    async with make_app(sales).run_test(size=SIZE) as pilot:
        form = await open_new_form(pilot)
        await type_into(pilot, form.fields["title"].input, "Solar roof")
        await type_into(pilot, form.fields["contact"].input, "נועה")

        # Before saving, the form says a new contact would be created.
        checkbox = pilot.app.screen.query_one("#create-contact", Checkbox)
        assert checkbox.display and not checkbox.value
        assert str(checkbox.label) == rtl.sentence("Create new contact 'נועה'")

        await press(pilot, "ctrl+s")

        assert pilot.app.screen is form  # refused, at the Contact field
        error = str(form.fields["contact"].error.render())
        assert error == rtl.sentence(
            "no contact is called 'נועה': tick 'Create new contact' below, or pick an existing one"
        )
        assert pilot.app.focused is checkbox
        assert deal_named(sales, "Solar roof") is None
        assert contact_names(sales) == ["Omar Haddad", "דנה כהן"]

        await press(pilot, "space")  # tick it
        await press(pilot, "ctrl+s")

        assert isinstance(pilot.app.screen, BoardScreen)
        view = deal_named(sales, "Solar roof")
        assert view is not None and view.contact_name == "נועה"
        assert contact_names(sales) == sorted(["Omar Haddad", "נועה", "דנה כהן"])
        status = str(board(pilot).query_one("#status", Static).render())
        assert rtl.sentence("added 'Solar roof' and new contact 'נועה'") in status

        await press(pilot, "u")

        assert deal_named(sales, "Solar roof") is None
        assert contact_names(sales) == ["Omar Haddad", "דנה כהן"]


async def test_changing_the_name_after_ticking_asks_again(sales: Workspace) -> None:
    async with make_app(sales).run_test(size=SIZE) as pilot:
        form = await open_new_form(pilot)
        await type_into(pilot, form.fields["title"].input, "Solar roof")
        contact = form.fields["contact"].input
        await type_into(pilot, contact, "Noa")
        form.create_contact.value = True
        await type_into(pilot, contact, "m")  # "Noam": not the name that was ticked

        assert form.create_contact.display and not form.create_contact.value
        await press(pilot, "ctrl+s")
        assert pilot.app.screen is form
        assert contact_names(sales) == ["Omar Haddad", "דנה כהן"]


async def test_an_exact_name_in_another_case_links_the_existing_contact(
    sales: Workspace,
) -> None:
    async with make_app(sales).run_test(size=SIZE) as pilot:
        form = await open_new_form(pilot)
        await type_into(pilot, form.fields["title"].input, "Shop")
        await type_into(pilot, form.fields["contact"].input, "OMAR HADDAD")
        assert not form.create_contact.display

        await press(pilot, "enter")

        assert isinstance(pilot.app.screen, BoardScreen)
        view = deal_named(sales, "Shop")
        assert view is not None and view.contact_name == "Omar Haddad"
        assert contact_names(sales) == ["Omar Haddad", "דנה כהן"]


async def test_notes_are_saved_shown_in_the_details_edited_and_filtered(
    sales: Workspace,
) -> None:
    async with make_app(sales).run_test(size=SIZE) as pilot:
        form = await open_new_form(pilot)
        await type_into(pilot, form.fields["title"].input, "Solar roof")
        notes = pilot.app.screen.query_one("#input-notes", TextArea)
        notes.focus()
        await pilot.pause()
        notes.insert(NOTES)
        await press(pilot, "ctrl+s")

        view = deal_named(sales, "Solar roof")
        assert view is not None and view.deal.notes == NOTES

        # The details show them, each line laid out on its own.
        await focus_card(pilot, "Prospecting", "Solar roof")
        await press(pilot, "enter")
        detail = pilot.app.screen
        assert isinstance(detail, DealDetailScreen)
        shown = detail_content(detail.detail, NOW).plain
        assert f"Notes\n  {rtl.field('ביקשו הנחה')}\n  {rtl.field('להתקשר ביום ראשון')}\n" in shown
        await press(pilot, "escape")

        # Edited in the form (the notes are there to change), u puts them back.
        await focus_card(pilot, "Prospecting", "Solar roof")
        await press(pilot, "e")
        edit = pilot.app.screen
        assert isinstance(edit, DealForm)
        assert edit.notes.value == NOTES
        edit.notes.input.text = "חדש"
        await press(pilot, "ctrl+s")
        view = deal_named(sales, "Solar roof")
        assert view is not None and view.deal.notes == "חדש"
        await press(pilot, "u")
        view = deal_named(sales, "Solar roof")
        assert view is not None and view.deal.notes == NOTES

        # The board's filter finds the deal by a word of its notes.
        await press(pilot, "slash")
        await type_text(pilot, "ראשון")
        await pilot.pause(0.5)
        await press(pilot)
        assert titles(column(pilot, "Prospecting")) == ["Solar roof"]
        assert column(pilot, "Proposal").deal_list.total == 0
