"""A column's cards as one line-based widget.

It never builds a widget per deal: it knows the column's total from an
aggregate, keeps a window of loaded cards, and draws only the visible lines
(`render_line`). When it needs cards it has not got, it posts `PageNeeded`; the
screen loads them in a worker and hands them back with `set_page`.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.style import Style
from textual import events
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from pipetui.domain.board import Card
from pipetui.ui.widgets.card_lines import CARD_HEIGHT, card_line

_PARTS = (
    "title", "muted", "value", "rotting", "won", "lost", "bar",
    "qualified", "in-progress", "disqualified", "not-assessed", "gap",
)  # fmt: skip


class DealList(ScrollView, can_focus=True, inherit_bindings=False):
    """The cards of one stage, drawn line by line; the board screen owns the keys."""

    COMPONENT_CLASSES = {
        "deal-list--card",
        "deal-list--cursor",
        *(f"deal-list--{part}" for part in _PARTS),
    }

    cursor: reactive[int] = reactive(0, layout=False, always_update=True)
    """Index of the focused card in the column (0 = top)."""

    @dataclass
    class PageNeeded(Message):
        """The list wants cards from `offset` on (the screen answers `set_page`)."""

        deal_list: DealList
        offset: int
        limit: int

    @dataclass
    class CursorMoved(Message):
        """The focused card changed (for the footer/status line)."""

        deal_list: DealList

    def __init__(self, stage_id: int, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.stage_id = stage_id
        self.total = 0
        self._cards: dict[int, Card] = {}
        self._pending: set[int] = set()
        self._style_cache: dict[tuple[bool, bool], dict[str, Style]] = {}

    # -- data -------------------------------------------------------------

    @property
    def page_size(self) -> int:
        """Cards per request: three screens' worth, at least 30."""
        return max(30, 3 * (self.size.height // CARD_HEIGHT + 1))

    @property
    def current(self) -> Card | None:
        """The card under the cursor, if loaded."""
        return self._cards.get(self.cursor)

    def set_data(self, total: int, offset: int, cards: list[Card]) -> None:
        """Replace everything: a new total and a fresh page (after a change)."""
        self.total = total
        self._cards = {offset + i: card for i, card in enumerate(cards)}
        self._pending.clear()
        self.virtual_size = Size(self.size.width, total * CARD_HEIGHT)
        self.cursor = min(self.cursor, max(0, total - 1))
        self.refresh()

    def set_page(self, offset: int, cards: list[Card]) -> None:
        """Add a page of cards; drop far-away ones so memory stays bounded."""
        self._pending.discard(offset)
        keep = range(offset - 2 * self.page_size, offset + 3 * self.page_size)
        self._cards = {i: c for i, c in self._cards.items() if i in keep}
        self._cards.update({offset + i: card for i, card in enumerate(cards)})
        self.refresh()

    def window(self) -> tuple[int, int]:
        """(offset, limit) of the page that covers what is on screen now."""
        top = int(self.scroll_offset.y) // CARD_HEIGHT
        offset = max(0, top - self.page_size // 3)
        return offset, self.page_size

    def _need(self, index: int) -> None:
        offset = max(0, index - self.page_size // 3)
        if any(p <= index < p + self.page_size for p in self._pending):
            return
        self._pending.add(offset)
        self.post_message(self.PageNeeded(self, offset, self.page_size))

    # -- cursor -----------------------------------------------------------

    def move_cursor(self, delta: int) -> None:
        """Move the cursor by `delta` cards, staying inside the column."""
        self.go_to(self.cursor + delta)

    def go_to(self, index: int) -> None:
        """Put the cursor on card `index` (clamped) and scroll it into view."""
        if self.total == 0:
            return
        self.cursor = max(0, min(self.total - 1, index))

    def visible_row(self) -> int:
        """The cursor's row on screen, in cards (to keep it when changing column)."""
        return self.cursor - int(self.scroll_offset.y) // CARD_HEIGHT

    def watch_cursor(self, old: int, new: int) -> None:
        """Repaint the two cards that changed and keep the new one visible."""
        self.scroll_to_region(
            Region(0, new * CARD_HEIGHT, 1, CARD_HEIGHT), animate=False, immediate=True
        )
        self._refresh_card(old)
        self._refresh_card(new)
        self.post_message(self.CursorMoved(self))

    def _refresh_card(self, index: int) -> None:
        self.refresh_lines(index * CARD_HEIGHT - int(self.scroll_offset.y), CARD_HEIGHT)

    def on_focus(self) -> None:
        """The cursor shows only in the focused column."""
        self._refresh_card(self.cursor)
        self.post_message(self.CursorMoved(self))

    def on_blur(self) -> None:
        """Dim the cursor when the column loses focus."""
        self._refresh_card(self.cursor)

    def on_click(self, event: events.Click) -> None:
        """A click puts the cursor on the card under the mouse."""
        index = (event.y + int(self.scroll_offset.y)) // CARD_HEIGHT
        if 0 <= index < self.total:
            self.cursor = index
        self.focus()

    def on_resize(self) -> None:
        """Keep the virtual height in step with the width."""
        self.virtual_size = Size(self.size.width, self.total * CARD_HEIGHT)

    # -- drawing ----------------------------------------------------------

    def _styles(self, selected: bool) -> dict[str, Style]:
        key = (selected, self.has_focus)
        if key not in self._style_cache:
            card = "deal-list--cursor" if selected else "deal-list--card"
            styles = {
                part.replace("-", " ") if part in ("in-progress", "not-assessed") else part: (
                    self.get_component_rich_style(f"deal-list--{part}", partial=True)
                )
                for part in _PARTS
            }
            styles["card"] = self.get_component_rich_style(card)
            styles["gap"] = self.rich_style
            self._style_cache[key] = styles
        return self._style_cache[key]

    def notify_style_update(self) -> None:
        """Theme changed: drop cached styles."""
        self._style_cache.clear()
        super().notify_style_update()

    def render_line(self, y: int) -> Strip:
        """One screen line: which card it belongs to, and which of its lines."""
        width = self.size.width
        line = y + int(self.scroll_offset.y)
        index, row = divmod(line, CARD_HEIGHT)
        if index >= self.total:
            return Strip.blank(width, self._styles(False)["gap"])
        card = self._cards.get(index)
        if card is None:
            self._need(index)
            return Strip.blank(width, self._styles(False)["gap"])
        selected = index == self.cursor and self.has_focus
        return card_line(card, row, width, self._styles(selected))
