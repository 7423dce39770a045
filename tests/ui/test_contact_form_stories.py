"""Adding and editing contacts where a seller expects to (issue 17): n and e on
the contacts screen and the timeline open the contact form (name, email,
phone, company, role, source, notes, tags); ctrl+s saves, escape cancels, bad
input is shown at its field; u takes the change back; an edit made from a stale
view is refused without losing what was typed. The timeline's header shows the
notes and how long since the last contact; the contacts list has that as a
sortable column.

Clock frozen at 2026-11-20 10:00 UTC (conftest), TZ=UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from textual.app import App
from textual.containers import VerticalScroll
from textual.pilot import Pilot
from textual.widgets import Static, TextArea
from ui_helpers import make_app, press, settle, type_text

from pipetui.domain.bidi import visual
from pipetui.domain.contact import Contact
from pipetui.domain.money import Money
from pipetui.services import deals
from pipetui.services.contacts import (
    ContactUse,
    add_contact,
    contact_use,
    edit_contact,
    get_contact,
    list_contacts,
)
from pipetui.services.touchpoints import log_touchpoint
from pipetui.services.workspace import Workspace
from pipetui.ui.screens.contact_form import ContactForm
from pipetui.ui.screens.contacts import ContactsScreen
from pipetui.ui.screens.timeline import TimelineScreen
from pipetui.ui.widgets.contact_list import ContactList

SIZE = (160, 50)
DANA = "דנה כהן"
LAYLA = "ليلى حداد"
NOTES = "נפגשנו בכנס בתל אביב.\nتفضل واتساب.\n[@click=app.quit]x[/]"


@pytest.fixture
def people(workspace: Workspace) -> Workspace:
    """Dana (a deal and a call 243 days ago), Layla (a call this morning), Omar
    (never touched)."""
    dana = add_contact(workspace.db, name=DANA, company="Negev Solar", email="dana@negev.example")
    deals.add_deal(
        workspace.db, title="Solar roof", value=Money(500_000, "USD"), stage="Proposal",
        contact=f"#{dana.id}",
    )  # fmt: skip
    at = datetime(2026, 3, 22, 15, 30, tzinfo=UTC)
    log_touchpoint(workspace.db, contact=f"#{dana.id}", kind="call", at=at)
    layla = add_contact(workspace.db, name=LAYLA, company="شركة النور")
    at = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    log_touchpoint(workspace.db, contact=f"#{layla.id}", kind="meeting", at=at)
    add_contact(workspace.db, name="Omar Haddad")
    return workspace


# -- reading the screen ---------------------------------------------------------------


def form(pilot: Pilot[None]) -> ContactForm:
    screen = pilot.app.screen
    assert isinstance(screen, ContactForm), f"expected the contact form, got {screen!r}"
    return screen


def errors(pilot: Pilot[None]) -> dict[str, str]:
    found = {name: str(f.error.content) for name, f in form(pilot).fields.items()}
    return {name: error for name, error in found.items() if error}


def listing(pilot: Pilot[None]) -> ContactList:
    screen = pilot.app.screen
    assert isinstance(screen, ContactsScreen), f"expected the contacts screen, got {screen!r}"
    return screen.query_one(ContactList)


def rows_drawn(pilot: Pilot[None]) -> list[str]:
    lst = listing(pilot)
    lines = ["".join(s.text for s in lst.render_line(y)) for y in range(lst.size.height)]
    return [line.rstrip() for line in lines if line.strip()]


def timeline_lines(pilot: Pilot[None]) -> list[str]:
    screen = pilot.app.screen
    assert isinstance(screen, TimelineScreen), f"expected a timeline, got {screen!r}"
    content = screen.query_one("#timeline-text", Static).content
    return [line.rstrip() for line in content.plain.splitlines()]  # type: ignore[union-attr]


def toasts(app: App[Any]) -> list[str]:
    return [str(n.message) for n in app._notifications]


def said(message: str) -> str:
    return visual(message, None, "L")


async def cursor_to(pilot: Pilot[None], name: str) -> None:
    await pilot.press("g")
    for _ in range(len(listing(pilot).ids)):
        current = listing(pilot).current
        if current is not None and current.name == name:
            return
        await pilot.press("j")
    raise AssertionError(f"{name!r} is not in the list")


async def fill(pilot: Pilot[None], values: dict[str, str]) -> None:
    """Type into the form's fields (replacing what they hold)."""
    for name, value in values.items():
        field = form(pilot).fields[name]
        if isinstance(field.input, TextArea):
            field.input.focus()
            field.input.clear()
            await pilot.pause()
            for n, line in enumerate(value.split("\n")):
                if n:
                    await pilot.press("enter")
                await type_text(pilot, line)
        else:
            field.input.focus()
            field.input.value = ""
            await pilot.pause()
            await type_text(pilot, value)


def by_name(ws: Workspace, name: str) -> Contact:
    return get_contact(ws.db, name)


# -- new ---------------------------------------------------------------------------------


async def test_n_on_contacts_adds_a_contact_with_every_field_and_u_takes_it_back(
    people: Workspace,
) -> None:
    async with make_app(people).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "C", "n")
        assert pilot.app.focused is form(pilot).fields["name"].input
        await fill(
            pilot,
            {
                "name": "רונית לוי",
                "email": "ronit@levi.example",
                "phone": "+972 52-000-1111",
                "company": "לוי ובניו",
                "role": "מנכ״לית",
                "source": "הפניה",
                "tags": "vip, חם",
                "notes": NOTES,
            },
        )
        await press(pilot, "ctrl+s")

        added = by_name(people, "רונית לוי")
        assert (added.email, added.phone, added.company, added.role, added.source) == (
            "ronit@levi.example", "+972 52-000-1111", "לוי ובניו", "מנכ״לית", "הפניה",
        )  # fmt: skip
        assert added.notes == NOTES
        assert added.tags == ("vip", "חם")
        assert isinstance(pilot.app.screen, ContactsScreen)
        current = listing(pilot).current
        assert current is not None and current.id == added.id  # the cursor is on them
        assert said("Added contact 'רונית לוי' · u to undo") in toasts(pilot.app)

        await press(pilot, "u")
        assert [c.name for c in list_contacts(people.db)] == ["Omar Haddad", DANA, LAYLA]
        assert "רונית לוי" not in [line.name for line in listing(pilot).rows.values()]


async def test_a_bad_email_or_an_empty_name_is_shown_at_its_field_and_nothing_is_written(
    people: Workspace,
) -> None:
    before = list_contacts(people.db)
    async with make_app(people).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "C", "n")
        await fill(pilot, {"email": "dana@"})
        await press(pilot, "ctrl+s")
        assert errors(pilot) == {"name": "must not be empty"}
        assert pilot.app.focused is form(pilot).fields["name"].input

        await fill(pilot, {"name": "Ben"})
        await press(pilot, "ctrl+s")
        assert errors(pilot) == {"email": "not an email address: 'dana@'"}
        assert pilot.app.focused is form(pilot).fields["email"].input

        await press(pilot, "escape")  # cancel: nothing saved
        assert isinstance(pilot.app.screen, ContactsScreen)
    assert list_contacts(people.db) == before


async def test_enter_in_the_notes_starts_a_new_line_and_in_a_field_saves(
    people: Workspace,
) -> None:
    async with make_app(people).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "C", "n")
        await fill(pilot, {"name": "Zoë Müller", "notes": "one\ntwo"})
        assert isinstance(pilot.app.screen, ContactForm)  # enter in notes did not save
        form(pilot).fields["tags"].input.focus()
        await press(pilot, "enter")
        assert by_name(people, "Zoë Müller").notes == "one\ntwo"


# -- edit --------------------------------------------------------------------------------


async def test_e_on_contacts_edits_the_selected_contact_and_u_restores_it(
    people: Workspace,
) -> None:
    dana = by_name(people, DANA)
    async with make_app(people).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "C")
        await cursor_to(pilot, DANA)
        await press(pilot, "e")
        assert form(pilot).fields["name"].value == DANA
        assert form(pilot).fields["email"].value == "dana@negev.example"
        await fill(pilot, {"company": "שמש בנגב", "tags": "solar", "notes": NOTES})
        await press(pilot, "ctrl+s")

        edited = by_name(people, DANA)
        assert (edited.company, edited.tags, edited.notes) == ("שמש בנגב", ("solar",), NOTES)
        assert edited.version == dana.version + 1
        row = next(r for r in rows_drawn(pilot) if r.startswith(visual(DANA)))
        assert visual("שמש בנגב") in row
        assert said(f"Edited contact {DANA!r} · u to undo") in toasts(pilot.app)

        # Her deal and her call stay hers through the edit and its undo.
        await press(pilot, "u")
        assert by_name(people, DANA) == dana
        assert contact_use(people.db, dana.id) == ContactUse(deals=1, touchpoints=1, followups=0)


async def test_an_edit_from_a_stale_view_is_refused_and_the_form_keeps_both_changes(
    people: Workspace,
) -> None:
    async with make_app(people).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "C")
        await cursor_to(pilot, DANA)
        await press(pilot, "e")
        # Meanwhile a teammate (the CLI) changes her phone.
        edit_contact(people.db, DANA, phone="+972 54-999-0000")
        await fill(pilot, {"company": "Negev Solar Ltd"})
        await press(pilot, "ctrl+s")

        assert by_name(people, DANA).company == "Negev Solar"  # nothing written
        shown = form(pilot)
        notice = str(shown.query_one(".form-notice", Static).content)
        assert "changed elsewhere" in notice and "nothing was written" in notice
        assert shown.fields["company"].value == "Negev Solar Ltd"  # what I typed
        assert shown.fields["phone"].value == "+972 54-999-0000"  # what they typed

        await press(pilot, "ctrl+s")
        saved = by_name(people, DANA)
        assert (saved.company, saved.phone) == ("Negev Solar Ltd", "+972 54-999-0000")


async def test_saving_unchanged_writes_nothing(people: Workspace) -> None:
    dana = by_name(people, DANA)
    async with make_app(people).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "C")
        await cursor_to(pilot, DANA)
        await press(pilot, "e", "ctrl+s")
        assert by_name(people, DANA).version == dana.version
        assert said(f"Nothing changed for {DANA!r}") in toasts(pilot.app)


# -- the timeline --------------------------------------------------------------------------


async def test_the_timeline_header_shows_the_silence_and_the_notes_and_e_edits_them(
    people: Workspace,
) -> None:
    notes = "\n".join(["שורה ראשונה", "سطر ثان", "third", "fourth", "fifth"])
    edit_contact(people.db, DANA, notes=notes)
    async with make_app(people).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "C")
        await cursor_to(pilot, DANA)
        await press(pilot, "enter")
        lines = timeline_lines(pilot)
        assert lines[1] == "Stage consideration  · 243 days since last contact"
        assert "      ⋮ 243 days without contact, until today" in lines
        start = lines.index(f"Notes {visual('שורה ראשונה')}")
        assert lines[start + 1 : start + 4] == [
            f"      {visual('سطر ثان')}",
            "      third",
            "      … 2 more lines (e shows all)",
        ]

        await press(pilot, "e")
        assert form(pilot).fields["notes"].value == notes
        await fill(pilot, {"notes": "[b]short[/b]"})
        await press(pilot, "ctrl+s")
        assert isinstance(pilot.app.screen, TimelineScreen)
        assert "Notes [b]short[/b]" in timeline_lines(pilot)  # literal, never markup


async def test_a_long_note_line_is_cut_with_an_ellipsis_to_the_screen(people: Workspace) -> None:
    edit_contact(people.db, DANA, notes="מילה " * 60)
    async with make_app(people).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "C")
        await cursor_to(pilot, DANA)
        await press(pilot, "enter")
        note = next(line for line in timeline_lines(pilot) if line.startswith("Notes "))
        assert note.startswith("Notes …")  # cut at its logical end: the left, in Hebrew
        assert len(note) <= 76


async def test_last_contact_today_and_no_contact_yet(people: Workspace) -> None:
    async with make_app(people).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "C")
        await cursor_to(pilot, LAYLA)
        await press(pilot, "enter")
        assert timeline_lines(pilot)[1] == "Stage consideration  · last contact today"
        await press(pilot, "escape")
        await cursor_to(pilot, "Omar Haddad")
        await press(pilot, "enter")
        assert timeline_lines(pilot)[1] == "Stage no touchpoint yet  · no contact yet"


async def test_n_on_the_timeline_adds_a_contact_and_shows_their_timeline(
    people: Workspace,
) -> None:
    async with make_app(people).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "C")
        await cursor_to(pilot, DANA)
        await press(pilot, "enter", "n")
        await fill(pilot, {"name": "יוסי כהן", "company": "Galil Tech"})
        await press(pilot, "ctrl+s")
        assert timeline_lines(pilot)[0] == f"{visual('יוסי כהן')}  Galil Tech"
        await press(pilot, "u")
        assert [c.name for c in list_contacts(people.db)] == ["Omar Haddad", DANA, LAYLA]


# -- the list's column -------------------------------------------------------------------------


async def test_the_list_shows_days_since_contact_and_s_sorts_by_the_longest_silence(
    people: Workspace,
) -> None:
    async with make_app(people).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "C")
        header = str(pilot.app.screen.query_one("#contacts-header", Static).content)
        assert "Last contact" in header
        rows = {row.split()[0]: row for row in rows_drawn(pilot)}
        assert "243 d ago" in rows[visual(DANA).split()[0]]
        assert "today" in rows[visual(LAYLA).split()[0]]
        for _ in range(3):
            await press(pilot, "s")
        assert [listing(pilot).rows[i].name for i in listing(pilot).ids] == [
            DANA, LAYLA, "Omar Haddad",
        ]  # fmt: skip


# -- 80×24 -----------------------------------------------------------------------------------


async def test_at_80x24_the_form_opens_at_its_heading_and_the_focused_field_stays_visible(
    people: Workspace,
) -> None:
    async with make_app(people).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "C", "n")
        shown = form(pilot)
        scroller = shown.query_one(".form", VerticalScroll)
        assert scroller.max_scroll_y > 0  # it does not fit: it scrolls
        assert scroller.scroll_y == 0  # opened at its heading
        for _ in range(len(shown.fields) - 1):
            await press(pilot, "tab")
            focused = pilot.app.focused
            assert focused is not None
            shown_at = focused.region  # empty when scrolled out of view
            assert shown_at and scroller.region.contains_region(shown_at), focused
        assert pilot.app.focused is shown.fields["notes"].input
        await press(pilot, "tab")  # round again to the top
        assert pilot.app.focused is shown.fields["name"].input
        assert shown.fields["name"].input.region
