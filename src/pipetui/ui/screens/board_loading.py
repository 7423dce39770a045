"""Reading and showing the board: the columns' data (in workers, newest read
wins), the pages a column scrolls to, the title and status lines and the
funnel pane's figures. `BoardScreen` (`pipetui.ui.screens.board`) is this
with the keys.
"""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

from rich.cells import cell_len
from textual import work
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Static

from pipetui.domain.board import BoardView
from pipetui.services import board as board_service
from pipetui.services.workspace import Workspace
from pipetui.ui import rtl
from pipetui.ui.messages import BoardLoaded, DatabaseChanged
from pipetui.ui.start import first_view
from pipetui.ui.widgets.alike_lines import AlikeLines
from pipetui.ui.widgets.board_columns import BoardColumns
from pipetui.ui.widgets.deal_list import DealList
from pipetui.ui.widgets.filter_bar import FilterBar
from pipetui.ui.widgets.funnel_pane import FUNNEL_WIDTH, FunnelPane, funnel_width
from pipetui.ui.widgets.stage_column import StageColumn

if TYPE_CHECKING:
    from textual.widget import AwaitMount

    from pipetui.ui.screens.board_moves import Moves


class BoardLoading(Screen[None], AlikeLines):
    """The board's data on screen: what it reads, and when it shows it."""

    def __init__(self, workspace: Workspace, first: BoardLoaded | None = None) -> None:
        super().__init__()
        self.workspace = workspace
        self._first = first
        self.pipeline_id: int | None = None
        self.view = first_view(workspace)
        self.board_columns = BoardColumns()
        self.filter_bar = FilterBar()
        self._filter_mount: AwaitMount | None = None
        self._clear_status: Timer | None = None
        self._warmed = False
        self._to_first_match = False
        self._generation = 0
        self._shown_generation = 0
        self._whole_read = 0  # the generation of the last whole read asked for
        self.moves: Moves | None = None
        """The stage moves in flight, from the first (`board_moves.step`)."""

    # -- loading ----------------------------------------------------------

    async def on_mount(self) -> None:
        """Show the first pipeline's board (read before the app started, when
        `run_app` did, so the first frame already has its cards; else now, in a
        worker), then open the full store in the background (and greet an empty
        database)."""
        first, self._first = self._first, None
        if first is None:
            self.load()
            return
        self._generation = first.generation
        await self.show_loaded(first)

    async def mount_filter(self) -> None:
        """Put the (hidden) filter field under the title: after the first frame,
        which does not show it (mounting and styling it cost the first frame
        18 M of 1,281 M instructions at 1,000 deals), or when `/` comes sooner.
        A `/` while the timer's mount is under way waits for that one."""
        if self._filter_mount is None:
            self._filter_mount = self.mount(self.filter_bar, after="#board-title")
        await self._filter_mount

    @work(thread=True, group="read")
    def _warm_up(self) -> None:
        """Import the use cases and open the full store now, off the first frame,
        so the first key that writes does not wait for them."""
        from pipetui.services import deals, pipelines, undo  # noqa: F401
        from pipetui.ui.screens import (  # noqa: F401
            bant_form,
            board_moves,
            deal_changes,
            deal_detail,
            deal_form,
            journey_forms,
        )

        self.workspace.db  # noqa: B018  (opens the full store)
        # Everything loaded so far lives as long as the app: keep it out of the
        # garbage collector's full passes, which otherwise stall a key now and then.
        # Then the collector runs again (`run_app` kept it off until the first frame).
        # First one pass if the collector was off, or the cycles start-up left
        # (≈5,700 objects, the imports' mostly) would be frozen for good: peak
        # RSS −0.8 MiB, ≈58 ms here. (With the collector on, as in a host
        # process that embeds the app, there is nothing of the kind to free, and a
        # full pass over a large heap would hold the interpreter for long.)
        if not gc.isenabled():
            gc.collect()
        gc.freeze()
        gc.enable()

    def load(self, *, only: set[int] | None = None, focus_deal: int | None = None) -> None:
        """Reload the board (or only some columns) in a worker.

        Some columns are read whole when a whole read asked for earlier has not
        been shown yet: this newer read would have it dropped (newest wins), and
        the other columns would keep what it came to change (a refused move's
        columns read after another window's change elsewhere on the board)."""
        generation = self.next_generation()
        if only is not None and self._whole_read > self._shown_generation:
            only = None
        if only is None:
            self._whole_read = generation
        windows = self.board_columns.windows()
        self._load(self.pipeline_id, self.view, windows, only, focus_deal, generation)

    def next_generation(self) -> int:
        """A number for a new read, larger than every earlier one."""
        self._generation += 1
        return self._generation

    @work(thread=True, exclusive=True, group="load")
    def _load(
        self,
        pipeline_id: int | None,
        view: BoardView,
        windows: dict[int, tuple[int, int]],
        only: set[int] | None,
        focus_deal: int | None,
        generation: int,
    ) -> None:
        self.post_message(self.fetch(pipeline_id, view, windows, only, focus_deal, generation))

    def fetch(
        self,
        pipeline_id: int | None,
        view: BoardView,
        windows: dict[int, tuple[int, int]],
        only: set[int] | None,
        focus_deal: int | None,
        generation: int,
    ) -> BoardLoaded:
        """Read what the board (or some columns) should show; called in threads."""
        data = board_service.load_board(
            self.workspace.reads,
            pipeline_id,
            view,
            thresholds=self.workspace.settings.bant,
            windows=windows,
            only=only,
            focus_deal=focus_deal,
        )
        return BoardLoaded(data, only is not None, focus_deal, data.focus_index, generation)

    async def on_board_loaded(self, message: BoardLoaded) -> None:
        """A worker read fresh board data."""
        await self.show_loaded(message)

    async def show_loaded(self, message: BoardLoaded) -> None:
        """Show fresh data; rebuild the columns only if the stages changed.

        Data read for an older request than what is on screen is dropped (a
        worker cannot be stopped, so a slow old read may arrive late)."""
        if message.generation < self._shown_generation:
            return
        self._shown_generation = message.generation
        data, columns = message.data, self.board_columns
        if self.pipeline_id != data.pipeline.id or not columns.same_stages(data):
            if message.partial:
                self.load(focus_deal=message.focus_deal)
                return
            await columns.rebuild(data)
            self._size_columns()
        self.pipeline_id = data.pipeline.id
        columns.show(data)
        self._show_title(data.pipeline.name)
        if not self._warmed:
            self._warmed = True
            self.set_timer(0.25, self._warm_up)  # after the first frame is out
            self.set_timer(0.25, self.mount_filter)
            if message.screenful:
                self.set_timer(0.25, self.load)
            if data.empty:
                self._welcome()
        if message.focus_deal is not None and message.focus_index is not None:
            columns.focus_deal(data, message.focus_deal, message.focus_index)
        columns.keep_active()
        if self._to_first_match and not message.partial:
            self._to_first_match = False
            columns.go_to_first_match()
        if self.query_one(FunnelPane).has_class("shown"):
            self._load_funnel(self.pipeline_id)

    @work(group="welcome")
    async def _welcome(self) -> None:
        from pipetui.ui.screens.welcome import WelcomeScreen  # only when empty

        await self.app.push_screen_wait(WelcomeScreen(self.workspace))
        self.load()

    def on_deal_list_page_needed(self, message: DealList.PageNeeded) -> None:
        """A column scrolled to cards it has not got: load that page."""
        column = self.board_columns.columns.get(message.deal_list.stage_id)
        if column is not None:
            self._load_page(column, self.view, message.offset, message.limit, message.epoch)

    @work(thread=True, group="pages")
    def _load_page(
        self, column: StageColumn, view: BoardView, offset: int, limit: int, epoch: int
    ) -> None:
        cards = board_service.load_cards(
            self.workspace.reads,
            column.summary.stage,
            view,
            offset=offset,
            limit=limit,
            thresholds=self.workspace.settings.bant,
        )
        self.app.call_from_thread(column.deal_list.set_page, offset, cards, epoch)

    def on_database_changed(self, message: DatabaseChanged) -> None:
        """Another process (or an undo) changed the data: reload what is shown."""
        self.load(focus_deal=message.focus_deal)

    def show_pipeline(self, pipeline_id: int | None) -> None:
        """Show another pipeline's board."""
        if pipeline_id is not None and pipeline_id != self.pipeline_id:
            self.pipeline_id = pipeline_id
            self.load()

    def jump_to_deal(self, deal_id: int, pipeline_id: int, closed: bool = False) -> None:
        """Show a deal's pipeline and put the cursor on it (from the palette).

        The filter is cleared, closed deals are shown if this one is closed, and
        everyone's deals (it may be a teammate's), so the deal is always there
        to land on.
        """
        self.pipeline_id = pipeline_id
        self.view = BoardView(self.view.show_closed or closed, "", user=self.view.user)
        self.load(focus_deal=deal_id)

    # -- the lines around the columns --------------------------------------

    def say(self, message: str, severity: str = "information") -> None:
        """Show a one-line note in the status line (instead of a toast: it never
        changes the layout, so the board does not repaint around it).

        `message` is in logical order; it is laid out here as one left-to-right
        sentence (`rtl.sentence`) and cut to the line at its logical end."""
        status = self.query_one("#status", Static)
        status.update(rtl.sentence(message, self._line_width()), layout=False)
        for level in ("information", "warning", "error"):
            status.set_class(level == severity, f"-{level}")
        if self._clear_status is not None:
            self._clear_status.stop()
        self._clear_status = self.set_timer(6, lambda: status.update("", layout=False))

    def on_resize(self) -> None:
        """Columns share the width, but never get narrower than a readable card."""
        self._size_columns()

    def _size_columns(self) -> None:
        pane = self.query_one(FunnelPane)
        width = funnel_width(self.size.width) if pane.has_class("shown") else 0
        pane.styles.width = width or FUNNEL_WIDTH
        self.board_columns.size_columns(self.size.width - width)

    def _line_width(self) -> int:
        """Cells of text in a full-width line (the title, the status line): the
        terminal's width less their padding, known before the first layout."""
        return max(1, self.app.size.width - 2)

    def _show_title(self, pipeline: str) -> None:
        """The pipeline's name and the view's filters; the names (user text) each
        laid out on their own, the pipeline's cut to what the rest leaves."""
        parts: list[str] = []
        if self.view.show_closed:
            parts.append("with closed deals")
        if self.view.search:
            parts.append(f"filter: {rtl.field(self.view.search, 40)}")
        if self.view.verdict is not None:
            parts.append(f"BANT: only {self.view.verdict.value} (v)")
        if self.view.mine:
            parts.append(f"{rtl.field(self.view.user or '?', 24)}'s and unowned deals (m)")
        elif self.workspace.is_server:
            parts.append("everyone's deals (m)")
        tail = "".join(f" · {part}" for part in parts)
        name = rtl.field(pipeline, max(8, self._line_width() - cell_len(tail)))
        self.query_one("#board-title", Static).update(name + tail, layout=False)

    @work(thread=True, exclusive=True, group="funnel")
    def _load_funnel(self, pipeline_id: int | None) -> None:
        """Read the funnel's figures (SQL aggregates, a few rows per stage)."""
        from pipetui.services.reports import funnel_report

        report = funnel_report(self.workspace.db, pipeline_id=pipeline_id)
        self.app.call_from_thread(self.query_one(FunnelPane).show, report)
