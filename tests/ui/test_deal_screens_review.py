"""The deal's detail and form, in the corners a daily user meets (issue 17,
review): b after an action in the detail qualifies the deal as it is now; a
database failure while the contact is checked is said at the Contact field;
enter and ctrl+s together save once; a deal gone under two reads closes its
detail once; long note lines are cut, never wrapped; and notes are one field,
laid out in both forms while not being typed in.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

from sqlalchemy.exc import OperationalError
from textual.pilot import Pilot
from ui_helpers import board, column, focus_card, make_app, press, settle, type_text

from pipetui.domain.bant import Answer
from pipetui.domain.bidi import cell_width
from pipetui.domain.errors import ValidationError
from pipetui.services import deals as deal_service
from pipetui.services.workspace import Workspace
from pipetui.ui import rtl
from pipetui.ui.screens.bant_form import BantForm
from pipetui.ui.screens.board import BoardScreen
from pipetui.ui.screens.contact_form import ContactForm
from pipetui.ui.screens.deal_detail import DealDetailScreen
from pipetui.ui.screens.deal_form import DealForm
from pipetui.ui.widgets.field import NotesField

SIZE = (160, 50)
LONG_HEBREW = "הלקוח ביקש הצעה מעודכנת עם הנחה לשנה הראשונה ותמיכה מורחבת " * 4
NOTES = "ביקשו הנחה\nלהתקשר ביום ראשון"


def toasts(pilot: Pilot[None]) -> list[str]:
    return [n.message for n in pilot.app._notifications]


def deals_titled(ws: Workspace, title: str) -> int:
    return sum(v.deal.title == title for v in deal_service.search_deals(ws.db, title, limit=50))


async def open_detail(pilot: Pilot[None], stage: str, title: str) -> DealDetailScreen:
    await settle(pilot)
    await focus_card(pilot, stage, title)
    await press(pilot, "enter")
    screen = pilot.app.screen
    assert isinstance(screen, DealDetailScreen)
    return screen


async def open_new_form(pilot: Pilot[None]) -> DealForm:
    await settle(pilot)
    board(pilot).activate(column(pilot, "Prospecting").stage_id)
    await press(pilot, "n")
    form = pilot.app.screen
    assert isinstance(form, DealForm)
    return form


async def type_in(pilot: Pilot[None], form: DealForm, name: str, text: str) -> None:
    form.fields[name].input.focus()
    await pilot.pause()
    await type_text(pilot, text)
    await press(pilot)


def row(widget: Any, y: int) -> str:
    """One row of a widget as it is drawn."""
    return "".join(s.text for s in widget.render_line(y)).rstrip()


# -- b after an action in the detail ------------------------------------------


async def test_b_after_moving_the_deal_in_its_detail_saves_the_bant_answers(
    sales: Workspace,
) -> None:
    async with make_app(sales).run_test(size=SIZE) as pilot:
        detail = await open_detail(pilot, "Proposal", "Annual licence")
        deal_id = detail.deal.id
        await press(pilot, "L")  # this window changes the deal: a new version
        assert "Sales › Negotiation" in detail.content.plain

        await press(pilot, "b")
        assert isinstance(pilot.app.screen, BantForm)
        await press(pilot, "4", "ctrl+s")  # budget: yes

        answers = deal_service.show_deal(sales.db, deal_id).answers
        assert answers["budget"].status is Answer.YES
        assert not any("changed elsewhere" in t for t in toasts(pilot))
        assert isinstance(pilot.app.screen, BoardScreen)


# -- the Contact field when saving ----------------------------------------------


async def test_a_database_error_while_the_contact_is_checked_is_shown_at_the_field(
    sales: Workspace,
) -> None:
    async with make_app(sales).run_test(size=SIZE) as pilot:
        form = await open_new_form(pilot)
        await type_in(pilot, form, "title", "Solar roof")
        await type_in(pilot, form, "contact", "נועה")

        def lost(_text: str) -> Any:
            raise OperationalError("SELECT", {}, Exception("server closed the connection"))

        assert form.contacts is not None
        working = form.contacts
        form.contacts = replace(working, match=lost)  # the connection is lost
        await press(pilot, "ctrl+s")

        assert pilot.app.screen is form  # the app carries on, the form keeps what was typed
        error = str(form.fields["contact"].error.render())
        assert error.startswith("could not check the contact: ")
        assert "server closed the connection" in error
        assert pilot.app.focused is form.fields["contact"].input
        assert deals_titled(sales, "Solar roof") == 0

        form.contacts = working  # the database is back: saving asks for the new contact
        await press(pilot, "ctrl+s")
        assert pilot.app.screen is form
        assert "no contact is called" in str(form.fields["contact"].error.render())


async def test_a_contact_changed_while_it_was_checked_is_refused_with_a_reason(
    sales: Workspace,
) -> None:
    async with make_app(sales).run_test(size=SIZE) as pilot:
        form = await open_new_form(pilot)
        await type_in(pilot, form, "title", "Solar roof")
        await type_in(pilot, form, "contact", "Omar Haddad")
        contact = form.fields["contact"].input
        assert form.contacts is not None
        working = form.contacts

        def typed_on_meanwhile(text: str) -> Any:
            pilot.app.call_from_thread(setattr, contact, "value", "דנה כהן")
            return working.match(text)

        form.contacts = replace(working, match=typed_on_meanwhile)
        await press(pilot, "ctrl+s")

        assert pilot.app.screen is form
        error = str(form.fields["contact"].error.render())
        assert error == "the contact changed while it was checked: save again"
        assert deals_titled(sales, "Solar roof") == 0

        form.contacts = working
        await press(pilot, "ctrl+s")  # saved with what is in the field now
        [view] = deal_service.search_deals(sales.db, "Solar roof")
        assert view.contact_name == "דנה כהן"


async def test_enter_and_ctrl_s_at_once_add_the_deal_once(sales: Workspace) -> None:
    async with make_app(sales).run_test(size=SIZE) as pilot:
        form = await open_new_form(pilot)
        await type_in(pilot, form, "title", "Solar roof")
        await type_in(pilot, form, "contact", "דנה כהן")

        # Both wait on the contact's lookup in a thread: only one may save.
        await asyncio.gather(form.action_save(), form.action_save())
        await settle(pilot)

        assert deals_titled(sales, "Solar roof") == 1
        assert isinstance(pilot.app.screen, BoardScreen)
        assert len(pilot.app.screen_stack) == 1


# -- the detail --------------------------------------------------------------------


async def test_a_deal_deleted_elsewhere_closes_its_detail_once(sales: Workspace) -> None:
    async with make_app(sales).run_test(size=SIZE) as pilot:
        detail = await open_detail(pilot, "Proposal", "Annual licence")
        deal_service.delete_deal(sales.db, detail.deal.id)

        # A write's read and a DatabaseChanged's read both find it gone.
        await asyncio.gather(detail.refresh_detail(), detail.refresh_detail())
        await settle(pilot)

        assert isinstance(pilot.app.screen, BoardScreen)  # the board stays
        assert len(pilot.app.screen_stack) == 1
        assert "Annual licence" not in [
            v.deal.title for v in deal_service.search_deals(sales.db, "Annual")
        ]


async def test_a_long_hebrew_note_line_is_cut_to_the_detail_and_recut_on_resize(
    sales: Workspace,
) -> None:
    [view] = deal_service.search_deals(sales.db, "Annual licence")
    deal_service.edit_deal(sales.db, view.deal.id, notes=f"{LONG_HEBREW}\nshort line")
    async with make_app(sales).run_test(size=(80, 24)) as pilot:
        detail = await open_detail(pilot, "Proposal", "Annual licence")
        await settle(pilot)

        def notes_lines() -> list[str]:
            text = detail.content.plain
            return text[text.index("Notes\n") :].split("\n")[1:3]

        shown = detail.query_one("#deal-detail")
        long, short = notes_lines()
        room = shown.size.width - 4
        assert long == "  " + rtl.field(LONG_HEBREW.strip(), room)
        assert "…" in long and cell_width(long) <= shown.size.width
        assert short == "  short line"

        await pilot.resize_terminal(120, 30)
        await settle(pilot)
        wider, _ = notes_lines()
        assert cell_width(long) < cell_width(wider) <= shown.size.width
        assert wider == "  " + rtl.field(LONG_HEBREW.strip(), shown.size.width - 4)


# -- one notes field ---------------------------------------------------------------


async def test_both_forms_have_the_same_notes_field_laid_out_while_not_typed_in(
    sales: Workspace,
) -> None:
    async with make_app(sales).run_test(size=SIZE) as pilot:
        form = await open_new_form(pilot)
        assert isinstance(form.notes, NotesField)
        notes = form.notes.input
        notes.text = NOTES
        await type_in(pilot, form, "title", "Solar roof")

        # Not focused: each line in visual order, as every other field shows it.
        assert [row(notes, 0), row(notes, 1)] == [rtl.field(line) for line in NOTES.split("\n")]
        notes.focus()
        await pilot.pause()
        # Typed in: logical order, so the cursor means what it shows.
        assert [row(notes, 0), row(notes, 1)] == NOTES.split("\n")

        await press(pilot, "escape")
        pilot.app.push_screen(ContactForm("New contact"))
        await pilot.pause()
        contact_form = pilot.app.screen
        assert isinstance(contact_form, ContactForm)
        assert isinstance(contact_form.fields["notes"], NotesField)


async def test_a_refused_note_is_shown_under_the_notes_of_the_deal_form(
    sales: Workspace,
) -> None:
    async with make_app(sales).run_test(size=SIZE) as pilot:
        await settle(pilot)
        # The form as it reopens after the database refused the notes.
        form = DealForm(
            "New deal",
            "USD",
            draft={"title": "Solar roof", "notes": NOTES},
            error=ValidationError("notes", "is too long"),
        )
        pilot.app.push_screen(form)
        await pilot.pause()
        assert str(form.notes.error.render()) == "is too long"
        assert form.notes.has_class("invalid")
        assert pilot.app.focused is form.notes.input
        assert form.notes.value == NOTES
