"""The board's columns, side by side: which one is active, its cursor, and
their widths.

Attributes down: the board hands it fresh data (`show`); it keeps which
column is active and moves the cursor. A column that needs a page of cards it
has not got posts `DealList.PageNeeded`, which bubbles on to the board.
"""

from __future__ import annotations

from textual.containers import Horizontal
from textual.widgets import Static

from pipetui.domain.board import CARD_HEIGHT, Card
from pipetui.services.board import BoardData
from pipetui.ui.widgets.alike_lines import AlikeLines
from pipetui.ui.widgets.deal_list import CARD_COMPONENTS, DealList
from pipetui.ui.widgets.stage_column import HEADER_COMPONENTS, StageColumn

MIN_COLUMN_WIDTH = 24
"""No column gets narrower than this while there is room for one: a card's
title, its contact and company, its value and days stay readable. Columns that
do not fit are scrolled to (`activate`), whole columns at a time."""


class BoardColumns(Horizontal, AlikeLines):
    """One `StageColumn` per stage; one of them active (its cursor shows and
    the keys act on it). No widget focus moves: activating repaints two cursors.

    It declares the component classes of the cards and the headers for all its
    columns (`deal_list.CARD_COMPONENTS`, `stage_column.HEADER_COMPONENTS`):
    styled once here, not once per column."""

    COMPONENT_CLASSES = set(CARD_COMPONENTS | HEADER_COMPONENTS)

    def __init__(self) -> None:
        super().__init__(id="columns")
        self.columns: dict[int, StageColumn] = {}
        self.active: int | None = None
        self._stage_order: list[int] = []
        self.per_view = 1  # how many whole columns the board shows at once
        self._first = 0  # the leftmost column shown

    def same_stages(self, data: BoardData) -> bool:
        """Whether `data` has the stages shown, in the same order."""
        return [s.id for s in data.stages] == self._stage_order

    async def rebuild(self, data: BoardData) -> None:
        """New columns for a pipeline or stages that changed."""
        await self.remove_children()
        self.columns = {c.summary.stage.id: StageColumn(c.summary) for c in data.columns}
        self._stage_order = [s.id for s in data.stages]
        await self.mount_all(self.columns.values())
        if not self.columns:
            await self.mount(
                Static("This pipeline has no stages. Press S to add some.", classes="empty")
            )

    def show(self, data: BoardData) -> None:
        """Fresh figures and cards for the columns `data` has."""
        for column_data in data.columns:
            column = self.columns[column_data.summary.stage.id]
            column.set_summary(column_data.summary)
            column.deal_list.set_data(
                column_data.summary.shown, column_data.offset, column_data.cards
            )

    def size_columns(self, room: int) -> None:
        """As many whole columns as fit in `room` cells at `MIN_COLUMN_WIDTH`
        share it evenly; the rest are scrolled to, a whole column at a time
        (a column is never shown cut off at the edge)."""
        if not self.columns:
            self.styles.width = "1fr"
            return
        count = len(self.columns)
        self.per_view = max(1, min(count, room // MIN_COLUMN_WIDTH))
        width = max(1, room // self.per_view)
        for column in self.columns.values():
            column.styles.width = width
        self.styles.width = width * self.per_view
        self._reveal()

    def _reveal(self) -> None:
        """Scroll so the active column is among the ones shown."""
        order = list(self.columns)
        if self.active not in self.columns:
            return
        index = order.index(self.active)
        if index < self._first:
            self._first = index
        elif index >= self._first + self.per_view:
            self._first = index - self.per_view + 1
        self._first = max(0, min(self._first, len(order) - self.per_view))
        self.call_after_refresh(self._scroll_to_first)
        self._scroll_to_first()

    def _scroll_to_first(self) -> None:
        column = self.columns.get(next(iter(self.columns))) if self.columns else None
        if column is not None and column.styles.width is not None:
            x = self._first * int(column.styles.width.value)
            self.scroll_to(x=x, animate=False, force=True, immediate=True)

    def windows(self) -> dict[int, tuple[int, int]]:
        """The page each column shows now, to reload just that."""
        return {sid: col.deal_list.window() for sid, col in self.columns.items()}

    @property
    def deal_list(self) -> DealList | None:
        """The active column's list."""
        column = self.columns.get(self.active) if self.active is not None else None
        return column.deal_list if column else None

    @property
    def card(self) -> Card | None:
        """The card under the cursor."""
        return self.deal_list.current if self.deal_list else None

    def activate(self, stage_id: int) -> None:
        """Make a column the active one, scrolled into view (by the keys, a
        click, or a jump from the palette to a deal in a column off screen)."""
        previous = self.columns.get(self.active) if self.active is not None else None
        column = self.columns[stage_id]
        self.active = stage_id
        if previous is not None and previous is not column:
            previous.deal_list.set_active(False)
        column.deal_list.set_active(True)
        self._reveal()

    def keep_active(self) -> None:
        """After a reload: the first column is active if the active one is gone."""
        if self.active not in self.columns and self.columns:
            self.activate(next(iter(self.columns)))

    def focus_deal(self, data: BoardData, deal_id: int, index: int) -> None:
        """Put the cursor on deal `deal_id`, at `index` of its column."""
        for column_data in data.columns:
            if any(c.deal_id == deal_id for c in column_data.cards):
                self.activate(column_data.summary.stage.id)
                self.columns[column_data.summary.stage.id].deal_list.go_to(index)

    def go_to_first_match(self) -> None:
        """Activate the first column that has a card (after filtering)."""
        target = next((c.deal_list for c in self.columns.values() if c.deal_list.total), None)
        if target is not None:
            self.activate(target.stage_id)

    def on_deal_list_clicked(self, message: DealList.Clicked) -> None:
        """A click on a column makes it the active one."""
        self.activate(message.deal_list.stage_id)
        self.screen.set_focus(None)

    # -- moving the cursor ----------------------------------------------

    def move_cursor(self, delta: int) -> None:
        """To the next/previous card in the active column."""
        if self.deal_list:
            self.deal_list.move_cursor(delta)

    def page(self, direction: int) -> None:
        """A screenful of cards down or up."""
        if self.deal_list:
            step = max(1, self.deal_list.size.height // 4)
            self.deal_list.move_cursor(direction * step)

    def edge(self, bottom: int) -> None:
        """To the top (0) or bottom (1) of the active column."""
        if self.deal_list:
            self.deal_list.go_to(self.deal_list.total - 1 if bottom else 0)

    def step_column(self, delta: int) -> None:
        """Activate the column to the left/right, keeping the row on screen."""
        lists = [c.deal_list for c in self.columns.values()]
        if not lists:
            return
        current = self.deal_list
        index = lists.index(current) if current in lists else 0
        target = lists[max(0, min(len(lists) - 1, index + delta))]
        if target is current:
            return
        row = current.visible_row() if current else 0
        self.activate(target.stage_id)
        target.go_to(int(target.scroll_offset.y) // CARD_HEIGHT + row)
