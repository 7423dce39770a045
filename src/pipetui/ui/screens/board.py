"""The board: one column per open stage of the current pipeline.

The board's whole keyboard map is `BoardScreen.BINDINGS`: the footer, the help
screen and the command palette all come from it. Every database call runs in a
thread worker and comes back as a message; a change reloads only the columns it
touched.
"""

from __future__ import annotations

import gc
from dataclasses import replace
from functools import partial

from rich.cells import cell_len
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.timer import Timer
from textual.widgets import Input, Static

from pipetui.domain.bant import Verdict
from pipetui.domain.board import BoardView
from pipetui.domain.deal import DealStatus
from pipetui.services import board as board_service
from pipetui.services.workspace import Workspace
from pipetui.ui import rtl
from pipetui.ui.messages import BoardLoaded, DatabaseChanged
from pipetui.ui.screens.board_customer import BoardCustomer
from pipetui.ui.widgets.card_lines import CARD_HEIGHT
from pipetui.ui.widgets.deal_list import DealList
from pipetui.ui.widgets.funnel_pane import FunnelPane
from pipetui.ui.widgets.key_footer import KeyFooter
from pipetui.ui.widgets.stage_column import StageColumn

VERDICT_CYCLE = (
    Verdict.QUALIFIED,
    Verdict.IN_PROGRESS,
    Verdict.DISQUALIFIED,
    Verdict.NOT_ASSESSED,
)
MIN_COLUMN_WIDTH = 26
FUNNEL_WIDTH = 46  # the funnel pane's width (pipetui.tcss says the same)
FILTER_PAUSE = 0.15  # seconds without typing before the filter applies


def _b(
    key: str, action: str, description: str, *, show: bool = False, display: str | None = None
) -> Binding:
    return Binding(key, action, description, show=show, key_display=display, id=f"board.{action}")


def first_view(workspace: Workspace) -> BoardView:
    """What the board shows first: in team mode (a database server) the user's
    own deals and the unowned ones, everyone's on an SQLite file (its one
    seller's); `m` switches (docs/decisions.md, "Team mode: users and owners")."""
    return BoardView(mine=workspace.is_server and workspace.user is not None, user=workspace.user)


def first_board(workspace: Workspace) -> BoardLoaded:
    """The board a new session opens on (first pipeline, first pages), read
    before the event loop starts: a few milliseconds through the light reader."""
    data = board_service.load_board(
        workspace.reads, None, first_view(workspace), thresholds=workspace.settings.bant, windows={}
    )
    return BoardLoaded(data, generation=1)


class BoardScreen(BoardCustomer):
    """The kanban board of deals by stage, fully keyboard-driven."""

    BINDINGS = [
        _b("j,down", "cursor(1)", "Next card"),
        _b("k,up", "cursor(-1)", "Previous card"),
        _b("h,left", "column(-1)", "Column left"),
        _b("l,right", "column(1)", "Column right"),
        _b("pagedown", "page(1)", "Page down"),
        _b("pageup", "page(-1)", "Page up"),
        _b("g,home", "edge(0)", "Top of column", display="g"),
        _b("G,end", "edge(1)", "Bottom of column", display="G"),
        _b("L,shift+right", "step(1)", "Next stage", show=True, display="L"),
        _b("H,shift+left", "step(-1)", "Previous stage", display="H"),
        _b("enter", "open_deal", "Open", show=True),
        _b("e", "edit_deal", "Edit", show=True),
        _b("n", "new_deal", "New", show=True),
        _b("w", "won", "Won", show=True),
        _b("x", "lost", "Lost", show=True),
        _b("r", "reopen", "Reopen"),
        _b("b", "qualify", "BANT", show=True),
        _b("D", "disqualify", "Disqualify"),
        _b("delete", "delete_deal", "Delete deal", display="del"),
        _b("c", "toggle_closed", "Closed deals"),
        _b("p", "switch_pipeline", "Pipeline"),
        _b("S", "pipeline_settings", "Stages"),
        _b("slash", "filter", "Filter", show=True, display="/"),
        _b("v", "cycle_verdict", "Only one BANT verdict"),
        _b("m", "toggle_mine", "Mine / everyone's deals"),
        _b("t", "touch", "Log touch"),
        _b("o", "followup", "Next step"),
        _b("T", "timeline", "Contact's timeline"),
        _b("C", "contacts", "Contacts", show=True),
        _b("a", "attention", "Today", show=True),
        _b("f", "toggle_funnel", "Funnel", show=True),
        _b("F", "funnel_screen", "Funnel, forecast, sources"),
        _b("I", "import_file", "Import a file"),
        _b("escape", "clear_filter", "Clear filter"),
    ]

    AUTO_FOCUS = ""  # nothing takes focus: the screen itself handles the keys

    def __init__(self, workspace: Workspace, first: BoardLoaded | None = None) -> None:
        super().__init__()
        self.workspace = workspace
        self._first = first
        self.pipeline_id: int | None = None
        self.view = first_view(workspace)
        self.columns: dict[int, StageColumn] = {}
        self.active: int | None = None
        self._clear_status: Timer | None = None
        self._warmed = False
        self._filter_timer: Timer | None = None
        self._to_first_match = False
        self._generation = 0
        self._shown_generation = 0
        self._stage_order: list[int] = []

    def compose(self) -> ComposeResult:
        yield Static("", id="board-title", markup=False)
        yield Input(placeholder="Filter by title, contact or company", id="filter")
        with Horizontal(id="body"):
            yield Horizontal(id="columns")
            yield FunnelPane()
        yield Static("", id="status", markup=False)
        yield KeyFooter()

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

    @work(thread=True, group="read")
    def _warm_up(self) -> None:
        """Import the use cases and open the full store now, off the first frame,
        so the first key that writes does not wait for them."""
        from pipetui.services import deals, pipelines, undo  # noqa: F401
        from pipetui.ui.screens import bant_form, deal_detail, deal_form, journey_forms  # noqa: F401

        self.workspace.db  # noqa: B018  (opens the full store)
        # Everything loaded so far lives as long as the app: keep it out of the
        # garbage collector's full passes, which otherwise stall a key now and then.
        gc.freeze()

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
        data = message.data
        stage_ids = [s.id for s in data.stages]
        if self.pipeline_id != data.pipeline.id or stage_ids != self._stage_order:
            if message.partial:
                self.load(focus_deal=message.focus_deal)
                return
            await self._rebuild(data)
        self.pipeline_id = data.pipeline.id
        for column_data in data.columns:
            column = self.columns[column_data.summary.stage.id]
            column.set_summary(column_data.summary)
            column.deal_list.set_data(
                column_data.summary.shown, column_data.offset, column_data.cards
            )
        self._show_title(data.pipeline.name)
        if not self._warmed:
            self._warmed = True
            self.set_timer(0.25, self._warm_up)  # after the first frame is out
            if data.empty:
                from pipetui.ui.screens.welcome import WelcomeScreen  # only when empty

                self.app.push_screen(WelcomeScreen(self.workspace), lambda _: self.load())
        if message.focus_deal is not None and message.focus_index is not None:
            for column_data in data.columns:
                if any(c.deal_id == message.focus_deal for c in column_data.cards):
                    self.activate(column_data.summary.stage.id)
                    self.columns[column_data.summary.stage.id].deal_list.go_to(message.focus_index)
        if self.active not in self.columns and self.columns:
            self.activate(next(iter(self.columns)))
        if self._to_first_match and not message.partial:
            self._go_to_first_match()
        if self.query_one(FunnelPane).has_class("shown"):
            self._load_funnel(self.pipeline_id)

    def activate(self, stage_id: int) -> None:
        """Make a column the active one: its cursor shows and the keys act on it.

        No widget focus moves (see `DealList`), so this repaints two cursors only.
        """
        previous = self.columns.get(self.active) if self.active is not None else None
        column = self.columns[stage_id]
        self.active = stage_id
        if previous is not None and previous is not column:
            previous.deal_list.set_active(False)
        column.deal_list.set_active(True)
        container = self.query_one("#columns", Horizontal)
        if not container.region.contains_region(column.region):
            container.scroll_to_widget(column, animate=False)

    def on_deal_list_clicked(self, message: DealList.Clicked) -> None:
        """A click on a column makes it the active one."""
        self.activate(message.deal_list.stage_id)
        self.set_focus(None)

    async def _rebuild(self, data: board_service.BoardData) -> None:
        container = self.query_one("#columns", Horizontal)
        await container.remove_children()
        self.columns = {c.summary.stage.id: StageColumn(c.summary) for c in data.columns}
        self._stage_order = [s.id for s in data.stages]
        await container.mount_all(self.columns.values())
        self._size_columns()
        if not self.columns:
            await container.mount(
                Static("This pipeline has no stages. Press S to add some.", classes="empty")
            )

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
        if not self.columns:
            return
        pane = self.query_one(FunnelPane)
        room = self.size.width - (FUNNEL_WIDTH if pane.has_class("shown") else 0)
        width = max(MIN_COLUMN_WIDTH, room // len(self.columns))
        for column in self.columns.values():
            column.styles.width = width

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

    def on_deal_list_page_needed(self, message: DealList.PageNeeded) -> None:
        """A column scrolled to cards it has not got: load that page."""
        column = self.columns.get(message.deal_list.stage_id)
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

    # -- moving around ----------------------------------------------------

    def action_cursor(self, delta: int) -> None:
        """Move to the next/previous card in the column."""
        if self.deal_list:
            self.deal_list.move_cursor(delta)

    def action_page(self, direction: int) -> None:
        """Move a screenful of cards."""
        if self.deal_list:
            step = max(1, self.deal_list.size.height // 4)
            self.deal_list.move_cursor(direction * step)

    def action_edge(self, bottom: int) -> None:
        """Go to the top (0) or bottom (1) of the column."""
        if self.deal_list:
            self.deal_list.go_to(self.deal_list.total - 1 if bottom else 0)

    def action_column(self, delta: int) -> None:
        """Focus the column to the left/right, keeping the row on screen."""
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

    # -- changes ----------------------------------------------------------

    def action_step(self, steps: int) -> None:
        """Move the focused deal to the next/previous stage."""
        from pipetui.services.deals import step_deal

        if self.card is not None and self.card.status is not DealStatus.OPEN:
            self.notify("Reopen the deal (r) to move it", severity="warning")
            return
        self._change("moved", partial(step_deal, steps=steps), follow=True)

    def action_won(self) -> None:
        """Mark the focused deal won."""
        from pipetui.services.deals import win_deal

        self._change("won", win_deal, follow=self.view.show_closed)

    def action_reopen(self) -> None:
        """Reopen the focused closed deal."""
        from pipetui.services.deals import reopen_deal

        if self.card is not None and self.card.status is DealStatus.OPEN:
            self.notify("This deal is open; press c to see closed deals", severity="warning")
            return
        self._change("reopened", reopen_deal, follow=True)

    def action_delete_deal(self) -> None:
        """Delete the focused deal (u brings it back)."""
        from pipetui.services.deals import delete_deal

        self._change("deleted", delete_deal, follow=False)

    def action_lost(self) -> None:
        """Ask for a reason (and a revisit date), then mark the deal lost."""
        from pipetui.services.deals import lose_deal
        from pipetui.ui.screens.lost_form import LostResult, lost_form

        card = self.open_card()
        if card is None:
            return

        def done(result: LostResult | None) -> None:
            if result is not None:
                change = partial(lose_deal, reason=result.reason, revisit=result.revisit)
                self._change("lost", change, follow=self.view.show_closed)

        self.app.push_screen(lost_form(card.title), done)

    # -- views ------------------------------------------------------------

    def action_toggle_closed(self) -> None:
        """Show or hide won and lost deals in their columns."""
        self.view = replace(self.view, show_closed=not self.view.show_closed)
        self.load()

    def action_toggle_funnel(self) -> None:
        """Show or hide the funnel beside the board."""
        pane = self.query_one(FunnelPane)
        pane.toggle_class("shown")
        self._size_columns()
        if pane.has_class("shown"):
            self._load_funnel(self.pipeline_id)

    @work(thread=True, exclusive=True, group="funnel")
    def _load_funnel(self, pipeline_id: int | None) -> None:
        """Read the funnel's figures (SQL aggregates, a few rows per stage)."""
        from pipetui.services.reports import funnel_report

        report = funnel_report(self.workspace.db, pipeline_id=pipeline_id)
        self.app.call_from_thread(self.query_one(FunnelPane).show, report)

    def action_funnel_screen(self) -> None:
        """The funnel with forecast, sources and journey, for any period."""
        from pipetui.ui.screens.funnel import FunnelScreen

        self.app.push_screen(FunnelScreen(self.workspace, self.pipeline_id))

    def action_cycle_verdict(self) -> None:
        """Show only qualified, then in progress, disqualified, not yet assessed
        deals, then all again."""
        cycle: list[Verdict | None] = [None, *VERDICT_CYCLE]
        index = cycle.index(self.view.verdict) + 1
        following, after = cycle[index % len(cycle)], cycle[(index + 1) % len(cycle)]
        self.view = replace(self.view, verdict=following)
        shown = f"Only {following.value} deals" if following else "Every deal again"
        self.say(f"{shown} · v: {f'only {after.value}' if after else 'every deal'}")
        self._to_first_match = True
        self.load()

    def action_toggle_mine(self) -> None:
        """Show only the user's own deals (and the unowned ones), or everyone's;
        the column headers then sum what is shown."""
        if not self.view.mine and self.view.user is None:
            self.say("Who you are is not known: start pipetui with --as NAME", "warning")
            return
        self.view = replace(self.view, mine=not self.view.mine)
        self.say("Your deals and unowned ones" if self.view.mine else "Everyone's deals")
        self._to_first_match = True
        self.load()

    def action_filter(self) -> None:
        """Type to filter cards by title, contact or company."""
        field = self.query_one("#filter", Input)
        field.add_class("shown")
        field.focus()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        """Filter once typing pauses: at 100,000 deals a filtered board is a scan
        of every open deal, and there is no point in one per keystroke."""
        if self._filter_timer is not None:
            self._filter_timer.stop()
        text = event.value.strip()
        self._filter_timer = self.set_timer(FILTER_PAUSE, lambda: self._apply_filter(text))

    def _apply_filter(self, text: str) -> None:
        if text != self.view.search:
            self.view = replace(self.view, search=text)
            self.load()

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        """Enter: filter now, and go to the first column that has a matching card
        (once the filtered board is in)."""
        self.set_focus(None)
        self._to_first_match = True
        if self._filter_timer is not None:
            self._filter_timer.stop()
        text = self.query_one("#filter", Input).value.strip()
        if text != self.view.search:
            self._apply_filter(text)
        else:
            self._go_to_first_match()

    def _go_to_first_match(self) -> None:
        self._to_first_match = False
        lists = [c.deal_list for c in self.columns.values()]
        target = next((d for d in lists if d.total), None)
        if target is not None:
            self.activate(target.stage_id)

    def action_clear_filter(self) -> None:
        """Clear the filter and go back to the cards (staying in the column one is in)."""
        field = self.query_one("#filter", Input)
        field.remove_class("shown")
        if field.value:
            field.value = ""
        if self._filter_timer is not None:
            self._filter_timer.stop()
        self._apply_filter("")
        self.set_focus(None)
