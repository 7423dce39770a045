"""The contacts screen's list: one line per contact, drawn only where visible.

It holds the ids of every matching contact in order (a few hundred KB at
100,000) and the rows of those it has drawn; for rows it has not got it posts
`RowsNeeded` and the screen reads them in a worker.

The Tags column ("#vip #q4", each tag laid out like a name) is the first to
give way on a narrow terminal: down to 6 cells, then it is left out (at 80
columns the name, company and open value need the line).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from pipetui.domain.contact import days_since_contact, since_contact_short
from pipetui.domain.text import clean_text
from pipetui.ui import rtl
from pipetui.ui.widgets.card_lines import tags_text

if TYPE_CHECKING:
    from pipetui.store.journey import ContactLine

COLUMNS = (
    ("Name", 28),
    ("Company", 20),
    ("Stage", 14),
    ("Last contact", 12),
    ("Next step", 11),
    ("Tags", 16),
)
VALUE_WIDTH = 14
TAGS = 5
"""The Tags column's place in `COLUMNS`."""
TAGS_MIN = 6
NAME_WITH_TAGS = 16
"""The narrowest name the Tags column may take room from (the name's width at 80 columns)."""


def _fitted(width: int) -> tuple[list[int], int]:
    """The columns but the tags in `width` cells, and the cells still missing:
    name and company give way (down to 12 and 8) so the value stays visible."""
    sizes = [w for _, w in COLUMNS[:TAGS]]
    spare = width - (sum(sizes) + len(sizes) + VALUE_WIDTH)
    if spare < 0:
        cut_name = min(sizes[0] - 12, (-spare + 1) // 2)
        sizes[0] -= cut_name
        spare += cut_name
    if spare < 0:
        cut_company = min(sizes[1] - 8, -spare)
        sizes[1] -= cut_company
        spare += cut_company
    return sizes, -spare if spare < 0 else 0


def widths(width: int) -> list[int]:
    """Column widths for a line `width` cells wide (0: left out): the tags
    give way first (16 down to 6 cells), then name and company; where that
    would leave the name under 16 cells, the tags are left out and name and
    company give way as before (down to 12 and 8): on 80 columns the name,
    company and open value need the line."""
    full = [w for _, w in COLUMNS[:TAGS]]
    for tags in range(COLUMNS[TAGS][1], TAGS_MIN - 1, -1):
        sizes, _ = _fitted(width - tags - 1)
        if sizes == full:
            return [*sizes, tags]
    sizes, missing = _fitted(width - TAGS_MIN - 1)
    if not missing and sizes[0] >= NAME_WITH_TAGS:
        return [*sizes, TAGS_MIN]
    return [*_fitted(width)[0], 0]


def _joined(cells: list[str]) -> str:
    """The cells of a line, a left-out (empty) column with no separator."""
    return " ".join(cell for cell in cells if cell)


def _cell(text: str, width: int) -> str:
    text = clean_text(text, single_line=True)
    if cell_len(text) > width:
        text = set_cell_size(text, width - 1) + "…"
    return set_cell_size(text, width)


def _field(text: str, width: int) -> str:
    """A contact's field in its column: cut at its logical end and, Hebrew or
    Arabic, in visual order (DESIGN.md §6), so it never runs into the next."""
    return set_cell_size(rtl.one_line(text, width), width)


def line_text(line: ContactLine | None, width: int, now: datetime) -> str:
    """One contact as a row of fixed-width cells (value takes what is left)."""
    if line is None:
        return _cell("…", width)
    sizes = widths(width)
    cells = (
        line.name,
        line.company or "",
        line.journey_stage or "—",
        since_contact_short(days_since_contact(line.last_touch, now)),
        line.next_followup.isoformat() if line.next_followup else "—",
        "",
    )
    shown = [_field(c, w) for c, w in zip(cells, sizes, strict=True)]
    if sizes[TAGS]:
        shown[TAGS] = set_cell_size(tags_text(line.tags, sizes[TAGS]), sizes[TAGS])
    text = _joined(shown)
    value = " · ".join(line.open_value[c].short() for c in line.open_value) or "—"
    return _cell(f"{text} {value}", width)


def header_text(width: int) -> str:
    """The column titles."""
    titles = (t for t, _ in COLUMNS)
    cells = [_cell(t, w) if w else "" for t, w in zip(titles, widths(width), strict=True)]
    return _cell(_joined(cells) + " Open value", width)


class ContactList(ScrollView, can_focus=True):
    """Contacts, one per line; up/down/page keys move the cursor."""

    COMPONENT_CLASSES = {"contact-list--cursor", "contact-list--row"}
    BINDINGS = [
        Binding("down,j", "move(1)", "Next", show=False, id="contacts.next"),
        Binding("up,k", "move(-1)", "Previous", show=False, id="contacts.previous"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="contacts.page_down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="contacts.page_up"),
        Binding("home,g", "edge(0)", "Top", show=False, id="contacts.top"),
        Binding("end,G", "edge(1)", "Bottom", show=False, id="contacts.bottom"),
    ]

    cursor: reactive[int] = reactive(0, layout=False, always_update=True)

    @dataclass
    class WidthChanged(Message):
        """The rows are drawn `width` cells wide now (the window or the
        scrollbar changed): the title row above them follows."""

        contact_list: ContactList
        width: int

    @dataclass
    class RowsNeeded(Message):
        """The list wants the rows of these contacts."""

        contact_list: ContactList
        ids: list[int]
        epoch: int

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.ids: list[int] = []
        self.rows: dict[int, ContactLine] = {}
        self._pending: set[int] = set()
        self.epoch = 0
        self.now = datetime.now().astimezone()
        self._width = -1
        """The width the rows were last drawn at."""

    def set_ids(self, ids: list[int], now: datetime) -> None:
        """A new list (search or sort changed): forget rows, start at the top."""
        self.ids, self.rows, self._pending, self.now = ids, {}, set(), now
        self.epoch += 1
        self.virtual_size = Size(0, len(ids))  # rows fit the width: no sideways scroll
        self.cursor = 0
        self.scroll_to(y=0, animate=False)
        self.refresh()

    def set_rows(self, rows: dict[int, ContactLine], epoch: int) -> None:
        """Rows read for a request of this list's current epoch."""
        if epoch == self.epoch:
            self.rows.update(rows)
            self._pending.difference_update(rows)
            self.refresh()

    @property
    def current(self) -> ContactLine | None:
        """The contact under the cursor, if its row is loaded."""
        if not self.ids:
            return None
        return self.rows.get(self.ids[min(self.cursor, len(self.ids) - 1)])

    def render_line(self, y: int) -> Strip:
        """One visible line; asks for rows it has not got."""
        index = int(self.scroll_offset.y) + y
        width = self.size.width
        if width != self._width:
            self._width = width
            self.post_message(self.WidthChanged(self, width))
        if index >= len(self.ids):
            return Strip([Segment(" " * width, self.get_component_rich_style("contact-list--row"))])
        contact_id = self.ids[index]
        if contact_id not in self.rows and contact_id not in self._pending:
            self._ask(index)
        part = "contact-list--cursor" if index == self.cursor else "contact-list--row"
        style: Style = self.get_component_rich_style(part)
        return Strip([Segment(line_text(self.rows.get(contact_id), width, self.now), style)])

    def _ask(self, index: int) -> None:
        start = max(0, index - self.size.height)
        wanted = [i for i in self.ids[start : index + 2 * self.size.height] if i not in self.rows]
        self._pending.update(wanted)
        self.post_message(self.RowsNeeded(self, wanted, self.epoch))

    def watch_cursor(self, old: int, new: int) -> None:
        """Keep the cursor on screen and repaint the two lines."""
        top = int(self.scroll_offset.y)
        if new < top:
            self.scroll_to(y=new, animate=False)
        elif new >= top + self.size.height:
            self.scroll_to(y=new - self.size.height + 1, animate=False)
        self.refresh()

    def action_move(self, delta: int) -> None:
        """Next or previous contact."""
        if self.ids:
            self.cursor = max(0, min(len(self.ids) - 1, self.cursor + delta))

    def action_page(self, direction: int) -> None:
        """A screenful up or down."""
        self.action_move(direction * max(1, self.size.height - 1))

    def action_edge(self, bottom: int) -> None:
        """First or last contact."""
        self.cursor = len(self.ids) - 1 if bottom and self.ids else 0

    def on_click(self, event: events.Click) -> None:
        """A click puts the cursor on that line."""
        index = int(self.scroll_offset.y) + event.y
        if 0 <= index < len(self.ids):
            self.cursor = index
