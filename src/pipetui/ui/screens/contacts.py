"""The contacts screen (C): search in any script, sort, open a timeline, add
or edit a contact, log a touchpoint, plan a next step, delete (asking first,
undoable).

The matching ids come in one read; rows are read only for the lines drawn.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, Static

from pipetui.domain.contact import CONTACT_SORTS
from pipetui.domain.errors import ValidationError
from pipetui.services import clock
from pipetui.services.workspace import Workspace
from pipetui.ui import actions, rtl
from pipetui.ui.messages import DatabaseChanged
from pipetui.ui.widgets.contact_list import ContactList, header_text
from pipetui.ui.widgets.field import LaidOutInput
from pipetui.ui.widgets.key_footer import KeyFooter

if TYPE_CHECKING:
    from textual import getters

    from pipetui.ui.app import PipetuiApp

SEARCH_PAUSE = 0.15
SEARCH_HINT = "Search name, email, company, phone · tag:vip stage:intent source:X silent:30"
"""The search field says what it takes: words, and segment tokens."""


class ContactsScreen(Screen[None]):
    """Every contact, one line each."""

    BINDINGS = [
        Binding("escape", "back", "Board", id="contacts.back"),
        Binding("slash", "search", "Search", key_display="/", id="contacts.search"),
        Binding("s", "sort", "Sort", id="contacts.sort"),
        Binding("enter", "open", "Timeline", id="contacts.open"),
        Binding("n", "new", "New contact", id="contacts.new", tooltip="Add a contact"),
        Binding("e", "edit", "Edit", id="contacts.edit", tooltip="Edit the contact's fields"),
        Binding("t", "touch", "Log touch", id="contacts.touch"),
        Binding("o", "followup", "Next step", id="contacts.followup"),
        Binding("delete", "delete", "Delete", key_display="del", id="contacts.delete"),
    ]

    if TYPE_CHECKING:
        app = getters.app(PipetuiApp)

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        self.sort = CONTACT_SORTS[0]
        self.search = ""
        self._timer: Timer | None = None
        self._select: int | None = None
        """A contact to put the cursor on when the list is next read (one just added)."""

    def compose(self) -> ComposeResult:
        yield Static("", id="contacts-title", markup=False)
        yield LaidOutInput(placeholder=SEARCH_HINT, id="contact-search")
        yield Static("", id="contacts-header", markup=False)
        yield ContactList(id="contacts")
        yield KeyFooter()

    def on_mount(self) -> None:
        """Read the list; keys go to it."""
        self.query_one(ContactList).focus()
        self.reload()

    def on_contact_list_width_changed(self, message: ContactList.WidthChanged) -> None:
        """The title row is laid out at the rows' own width (the list's, less its
        scrollbar), so every title stands over its column."""
        self.query_one("#contacts-header", Static).update(header_text(message.width))

    def reload(self) -> None:
        """Read the matching ids again (search, sort or data changed)."""
        self._read_ids(self.search, self.sort)

    def on_database_changed(self, _message: DatabaseChanged) -> None:
        """Another window, the CLI or an undo changed the data."""
        self.reload()

    @work(thread=True, exclusive=True, group="contact-ids")
    def _read_ids(self, search: str, sort: str) -> None:
        from pipetui.services.journey import contact_ids

        try:
            ids = contact_ids(self.workspace.db, search=search, sort=sort)
        except ValidationError as error:  # a token being typed: "stage:int"
            self.app.call_from_thread(self._bad_filter, error, search, sort)
            return
        self.app.call_from_thread(self._show_ids, ids, search, sort)

    def _bad_filter(self, error: ValidationError, search: str, sort: str) -> None:
        """Say what is wrong with the filter; the list stays as it was."""
        if (search, sort) == (self.search, self.sort):
            self.query_one("#contacts-title", Static).update(
                rtl.sentence(f"Contacts · {error.field}: {error.message}")
            )

    def _show_ids(self, ids: list[int], search: str, sort: str) -> None:
        if (search, sort) != (self.search, self.sort):
            return  # an older read
        listing = self.query_one(ContactList)
        keep = listing.current.id if listing.current else None
        if self._select is not None:
            keep, self._select = self._select, None
        listing.set_ids(ids, clock.now())
        if keep in ids:
            listing.cursor = ids.index(keep)
        found = f"{len(ids):,} contact{'s' if len(ids) != 1 else ''}"
        what = f" matching {search!r}" if search else ""
        self.query_one("#contacts-title", Static).update(
            rtl.sentence(f"Contacts · {found}{what} · sorted by {sort} (s)")
        )

    def on_contact_list_rows_needed(self, message: ContactList.RowsNeeded) -> None:
        """Read the rows the list is about to draw."""
        self._read_rows(message.contact_list, message.ids, message.epoch)

    @work(thread=True, group="contact-rows")
    def _read_rows(self, listing: ContactList, ids: list[int], epoch: int) -> None:
        from pipetui.services.journey import contact_lines

        rows = contact_lines(self.workspace.db, ids)
        self.app.call_from_thread(listing.set_rows, rows, epoch)

    # -- keys -------------------------------------------------------------

    def action_search(self) -> None:
        """Type to search."""
        self.query_one("#contact-search", Input).focus()

    @on(Input.Changed, "#contact-search")
    def _typed(self, event: Input.Changed) -> None:
        if self._timer is not None:
            self._timer.stop()
        text = event.value.strip()
        self._timer = self.set_timer(SEARCH_PAUSE, lambda: self._apply(text))

    def _apply(self, text: str) -> None:
        if text != self.search:
            self.search = text
            self.reload()

    @on(Input.Submitted, "#contact-search")
    def _searched(self) -> None:
        self._apply(self.query_one("#contact-search", Input).value.strip())
        self.query_one(ContactList).focus()

    def action_sort(self) -> None:
        """Name, then last touch, open value, days since contact (longest first)."""
        self.sort = CONTACT_SORTS[(CONTACT_SORTS.index(self.sort) + 1) % len(CONTACT_SORTS)]
        self.reload()

    def action_back(self) -> None:
        """Clear the search first; then back to the board."""
        field = self.query_one("#contact-search", Input)
        if field.has_focus or field.value:
            field.value = ""
            self._apply("")
            self.query_one(ContactList).focus()
            return
        self.dismiss(None)

    def action_open(self) -> None:
        """The contact's timeline."""
        line = self.query_one(ContactList).current
        if line is not None:
            from pipetui.ui.screens.timeline import TimelineScreen

            self._timeline(TimelineScreen(self.workspace, line.id))

    @work(group="form")
    async def _timeline(self, timeline: Screen[None]) -> None:
        await self.app.push_screen_wait(timeline)
        self.reload()

    def action_new(self) -> None:
        """The contact form for a new contact; the cursor goes to them."""
        self._new()

    @work(group="form")
    async def _new(self) -> None:
        from pipetui.ui.screens.contact_changes import new_contact

        added = await new_contact(self.app)
        if added is not None:
            self._select = added.id
            self.reload()

    def action_edit(self) -> None:
        """The contact form with the contact's fields."""
        line = self.query_one(ContactList).current
        if line is not None:
            self._edit(line.id)

    @work(group="form")
    async def _edit(self, contact_id: int) -> None:
        from pipetui.ui.screens.contact_changes import edit_contact

        if await edit_contact(self.app, contact_id) is not None:
            self.reload()

    def action_touch(self) -> None:
        """Log a touchpoint with the contact."""
        line = self.query_one(ContactList).current
        if line is not None:
            self._touch(line.id, line.name)

    @work(group="form")
    async def _touch(self, contact_id: int, name: str) -> None:
        if await actions.log_touch(self.app, contact_id, name):
            self.reload()

    def action_followup(self) -> None:
        """Plan a next step with the contact."""
        line = self.query_one(ContactList).current
        if line is not None:
            self._followup(line.id, line.name)

    @work(group="form")
    async def _followup(self, contact_id: int, name: str) -> None:
        if await actions.plan_followup(self.app, name, contact_id=contact_id):
            self.reload()

    def action_delete(self) -> None:
        """Delete the contact, asking first when they have deals or touchpoints."""
        line = self.query_one(ContactList).current
        if line is not None:
            self._delete(line.id, line.name)

    @work(group="form")
    async def _delete(self, contact_id: int, name: str) -> None:
        if await actions.delete_contact(self.app, contact_id, name):
            self.reload()
