"""A column's cards as one line-based widget.

It never builds a widget per deal: it knows the column's total from an
aggregate, keeps a window of loaded cards, and draws only the visible lines
(`render_line`). When it needs cards it has not got, it posts `PageNeeded`; the
screen loads them in a worker and hands them back with `set_page`.
"""

from __future__ import annotations

import weakref

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.app import App
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget

from pipetui.domain.board import CARD_HEIGHT, Card
from pipetui.ui.widgets.card_lines import card_line

_SHARED_STYLES: weakref.WeakKeyDictionary[App[object], dict[bool, dict[str, Style]]] = (
    weakref.WeakKeyDictionary()
)
"""Each app's card styles (plain and under the cursor), worked out by the first
column that draws and used by all: every DealList has the same rules (the
first frame worked them out seven times, ~5 ms a column)."""

_PARTS = (
    "title", "muted", "value", "rotting", "won", "lost", "bar",
    "qualified", "in-progress", "disqualified", "not-assessed", "gap", "overdue",
)  # fmt: skip

CARD_COMPONENTS = frozenset(
    {"deal-list--card", "deal-list--cursor", "deal-list--track"}
    | {f"deal-list--{part}" for part in _PARTS}
)
"""The component classes cards are drawn with (`.deal-list--card` in the CSS).

They are declared once, by the container of the board's columns
(`BoardColumns.COMPONENT_CLASSES`), not by each list: Textual works out every
component class of a widget each time it styles it, twice per widget on the
first frame, which for 16 classes on 6 lists was ~27 ms of it (issue 21)."""


class DealList(ScrollView, can_focus=False, inherit_bindings=False):
    """The cards of one stage, drawn line by line; the board screen owns the keys.

    It never takes focus: the board marks one list `active` and moving between
    columns just repaints two cursors (a focus change would restyle and re-lay out
    the screen, which is most of what a key would cost).
    """

    cursor: reactive[int] = reactive(0, layout=False, repaint=False, always_update=True)
    """Index of the focused card in the column (0 = top)."""

    class PageNeeded(Message):
        """The list wants cards from `offset` on (the screen answers `set_page`)."""

        def __init__(self, deal_list: DealList, offset: int, limit: int, epoch: int) -> None:
            self.deal_list = deal_list
            self.offset = offset
            self.limit = limit
            self.epoch = epoch
            """Which `set_data` the request belongs to: a page asked for before
            newer data arrived is dropped when it comes back."""
            super().__init__()

    def __init__(self, stage_id: int, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.stage_id = stage_id
        self.total = 0
        self._cards: dict[int, Card] = {}
        self._pending: set[int] = set()
        self.epoch = 0
        # Drawn lines by (card, row, width, selected, scroll indicator cell):
        # cards are frozen values, so a reloaded but unchanged card is drawn
        # from here.
        self._lines: LRUCache[tuple[Card | None, int, int, bool, str | None], Strip] = LRUCache(
            2048
        )
        self.active = False
        self._geometry: tuple[int, int, int] | None = None
        """(width, height, scroll y) while `render_lines` draws, else None."""
        self._drawing_styles: tuple[dict[str, Style], dict[str, Style]] | None = None
        """The cards' styles (plain, under the cursor) while `render_lines` draws."""

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
        """Replace everything: a new total and a fresh page (after a change).

        Nothing is repainted when the cards on screen are the ones already
        drawn: a write confirming a move shown at once would otherwise draw both
        columns a second time."""
        fresh = {offset + i: card for i, card in enumerate(cards)}
        unchanged = total == self.total and all(
            self._cards.get(index) == fresh.get(index) for index in self._on_screen()
        )
        self.total = total
        self._cards = fresh
        self._pending.clear()
        self.epoch += 1
        self._set_height(total)
        self.cursor = min(self.cursor, max(0, total - 1))
        if not unchanged:
            self.refresh()

    def _on_screen(self) -> range:
        """The indices of the cards (even partly) on screen."""
        top = int(self.scroll_offset.y) // CARD_HEIGHT
        bottom = (int(self.scroll_offset.y) + self.size.height - 1) // CARD_HEIGHT
        return range(top, min(self.total, bottom + 1))

    def take(self, index: int) -> Card | None:
        """Take card `index` out (a move shown before it is written): the cards
        below it move up one."""
        card = self._cards.get(index)
        self._cards = {i - (i > index): c for i, c in self._cards.items() if i != index}
        self._reshaped(self.total - 1)
        return card

    def put(self, index: int, card: Card) -> None:
        """Put `card` in at `index` (a move shown before it is written): the
        cards from there on move down one."""
        self._cards = {i + (i >= index): c for i, c in self._cards.items()}
        self._cards[index] = card
        self._reshaped(self.total + 1)

    def _reshaped(self, total: int) -> None:
        """After `take` or `put`: pages asked for before are for other indices."""
        self.total = max(0, total)
        self._pending.clear()
        self.epoch += 1
        self._set_height(self.total)
        self.cursor = min(self.cursor, max(0, self.total - 1))
        self.refresh()

    def _set_height(self, total: int) -> None:
        """The scrollable height, set without asking for a new layout: the widget's
        own size never depends on it, and a layout pass repaints the whole board
        (it was most of what a stage move cost)."""
        self.set_reactive(DealList.virtual_size, Size(self.size.width, total * CARD_HEIGHT))
        if self.scroll_y > self.max_scroll_y:
            self.scroll_to(y=self.max_scroll_y, animate=False, immediate=True)

    def set_page(self, offset: int, cards: list[Card], epoch: int) -> None:
        """Add a page of cards; drop far-away ones so memory stays bounded."""
        if epoch != self.epoch:
            return
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
        self.post_message(self.PageNeeded(self, offset, self.page_size, self.epoch))

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

    def _refresh_card(self, index: int) -> None:
        self.refresh_lines(index * CARD_HEIGHT - int(self.scroll_offset.y), CARD_HEIGHT)

    def set_active(self, active: bool) -> None:
        """Show (or hide) this column's cursor."""
        if active != self.active:
            self.active = active
            self._refresh_card(self.cursor)

    class Clicked(Message):
        """A card (or the empty part of the column) was clicked."""

        def __init__(self, deal_list: DealList) -> None:
            self.deal_list = deal_list
            super().__init__()

    def on_click(self, event: events.Click) -> None:
        """A click puts the cursor on the card under the mouse."""
        index = (event.y + int(self.scroll_offset.y)) // CARD_HEIGHT
        if 0 <= index < self.total:
            self.cursor = index
        self.post_message(self.Clicked(self))

    def on_resize(self) -> None:
        """Keep the virtual height in step with the width."""
        self._set_height(self.total)

    # -- drawing ----------------------------------------------------------

    def _styles(self, selected: bool) -> dict[str, Style]:
        key = selected
        cache = _SHARED_STYLES.setdefault(self.app, {})
        if key not in cache:
            holder = self._style_holder()
            card = "deal-list--cursor" if selected else "deal-list--card"
            styles = {
                part.replace("-", " ") if part in ("in-progress", "not-assessed") else part: (
                    holder.get_component_rich_style(f"deal-list--{part}", partial=True)
                )
                for part in _PARTS
            }
            styles["card"] = holder.get_component_rich_style(card)
            styles["gap"] = self.rich_style
            styles["track"] = self.rich_style + holder.get_component_rich_style(
                "deal-list--track", partial=True
            )
            cache[key] = styles
        return cache[key]

    def _style_holder(self) -> Widget:
        """The ancestor declaring `CARD_COMPONENTS` (the board's columns)."""
        for node in self.ancestors:
            if isinstance(node, Widget) and CARD_COMPONENTS <= node.COMPONENT_CLASSES:
                return node
        raise LookupError("a DealList is drawn inside a widget declaring CARD_COMPONENTS")

    def notify_style_update(self) -> None:
        """Theme changed: drop cached styles and lines."""
        _SHARED_STYLES.pop(self.app, None)
        self._lines.clear()
        super().notify_style_update()

    def render_lines(self, crop: Region) -> list[Strip]:
        """Draw `crop`, reading the size and scroll offset once for all its lines
        (each read walks the DOM, and a stage move draws two whole columns).

        A card line is drawn whole, its background and colours in it, so
        Textual's per-line styling (borders, padding, tint, opacity: none of
        which a list has) is skipped unless a rule asks for it. Line filters
        (NO_COLOR, ANSI colours) still apply."""
        self._geometry = (self.size.width, self.size.height, int(self.scroll_offset.y))
        self._drawing_styles = (self._styles(False), self._styles(True))
        try:
            if not self._drawn_whole():
                return super().render_lines(crop)
            _, background = self.background_colors
            filters = self.get_line_filters()
            whole = crop.x == 0 and crop.width >= self._geometry[0]
            strips = []
            for y in crop.line_range:
                strip = self.render_line(y)
                if not whole:
                    strip = strip.crop(crop.x, crop.right)
                for line_filter in filters:
                    strip = strip.apply_filter(line_filter, background)
                strips.append(strip)
            return strips
        finally:
            self._geometry = self._drawing_styles = None

    def _drawn_whole(self) -> bool:
        """Whether `render_line` alone draws this list as its styles say: no
        border, padding, outline, hatch, tint or opacity."""
        styles = self.styles
        return (
            not any(styles.gutter)
            and not any(styles.has_rule(rule) for rule in ("outline", "hatch", "text_opacity"))
            and not styles.tint.a
            and self.opacity == 1.0
        )

    def render_line(self, y: int) -> Strip:
        """One screen line: which card it belongs to, and which of its lines, plus
        one cell of scroll indicator when the column holds more than fits.

        The indicator is drawn here rather than by a ScrollBar widget: Textual
        re-renders every scrollbar on each layout pass, which cost more than the
        cards themselves.
        """
        width, height, scroll_y = self._geometry or (
            self.size.width,
            self.size.height,
            int(self.scroll_offset.y),
        )
        track = self._track(y, scroll_y, height)
        inner = width - 1 if track is not None else width
        index, row = divmod(y + scroll_y, CARD_HEIGHT)
        card = self._cards.get(index) if index < self.total else None
        if card is None and index < self.total:
            self._need(index)
        selected = card is not None and index == self.cursor and self.active
        key = (card, row, inner, selected, track)
        strip = self._lines.get(key)
        if strip is None:
            plain, cursor = self._drawing_styles or (self._styles(False), self._styles(True))
            end = None if track is None else Segment(track, plain["track"])
            if card is None:
                blank = [Segment(" " * inner, plain["gap"])]
                strip = Strip([*blank, end] if end else blank, width)
            else:
                strip = card_line(card, row, inner, cursor if selected else plain, end)
            self._lines[key] = strip
        return strip

    def _track(self, y: int, scroll_y: int, height: int) -> str | None:
        """The indicator cell for screen line `y`: thumb "┃", track "│", or None
        when everything fits."""
        content = self.total * CARD_HEIGHT
        if content <= height or height <= 0:
            return None
        size = max(1, height * height // content)
        start = min(height - size, scroll_y * height // content)
        return "┃" if start <= y < start + size else "│"
