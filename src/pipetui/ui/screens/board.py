"""The board: one column per open stage of the current pipeline.

The board's whole keyboard map is `BoardScreen.BINDINGS`, and every action it
names is a method of `BoardScreen`, here: the footer, the help screen and the
command palette all come from it. The columns (`BoardColumns`) and the filter
field (`FilterBar`) are widgets that keep their own state; a deal's change runs
through `deal_changes`, a customer-side action through `pipetui.ui.actions`,
every write through `pipetui.ui.writes`. A form is awaited in a worker
(`push_screen_wait`), so asking again after a refused save is a loop.

Use cases and forms are imported inside the methods that need them: the full
store (SQLModel, SQLAlchemy) must not load before the first board frame. The
board imports them in a worker right after that frame, so by the time a key
needs one the import is a dictionary lookup.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Awaitable
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Static

from pipetui.domain.bant import Verdict
from pipetui.domain.board import BoardView, Card
from pipetui.domain.deal import DealStatus
from pipetui.domain.errors import ValidationError
from pipetui.services import board as board_service
from pipetui.services.workspace import Workspace
from pipetui.ui import actions, rtl
from pipetui.ui.messages import BoardLoaded, DatabaseChanged
from pipetui.ui.screens import deal_changes
from pipetui.ui.screens.deal_changes import DealChange, write_deal
from pipetui.ui.start import first_view, read_first_board
from pipetui.ui.widgets.board_columns import BoardColumns
from pipetui.ui.widgets.deal_list import DealList
from pipetui.ui.widgets.filter_bar import FILTER_PAUSE, FilterBar
from pipetui.ui.widgets.funnel_pane import FUNNEL_WIDTH, FunnelPane, funnel_width
from pipetui.ui.widgets.key_footer import KeyFooter
from pipetui.ui.widgets.stage_column import HEADER_HELP, StageColumn

if TYPE_CHECKING:
    from textual import getters

    from pipetui.ui.app import PipetuiApp

__all__ = ["FILTER_PAUSE", "BoardScreen", "first_board", "first_view"]

VERDICT_CYCLE = (
    Verdict.QUALIFIED,
    Verdict.IN_PROGRESS,
    Verdict.DISQUALIFIED,
    Verdict.NOT_ASSESSED,
)


def _b(
    key: str, action: str, description: str, *, show: bool = False, display: str | None = None
) -> Binding:
    return Binding(key, action, description, show=show, key_display=display, id=f"board.{action}")


def first_board(workspace: Workspace) -> BoardLoaded:
    """The board a new session opens on, read here (`pipetui.ui.start` reads
    it in a thread while Textual is imported)."""
    return BoardLoaded(read_first_board(workspace), generation=1)


class BoardScreen(Screen[None]):
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
        Binding("E", "app.export", "Export / back up", show=False, id="board.export"),  # (app's)
        _b("escape", "clear_filter", "Clear filter"),
    ]

    AUTO_FOCUS = ""  # nothing takes focus: the screen itself handles the keys
    HELP_NOTE = HEADER_HELP  # `?` explains the column headers' figures
    FOOTER_PRIORITY = (  # what the footer keeps when it is narrow (`KeyFooter`)
        "board.open_deal",
        "board.new_deal",
        "board.edit_deal",
        "board.step(1)",
        "board.won",
        "board.lost",
        "undo",
        "board.filter",
        "board.attention",
        "board.contacts",
        "board.qualify",
        "board.toggle_funnel",
        "quit",
    )

    if TYPE_CHECKING:
        app = getters.app(PipetuiApp)

    def __init__(self, workspace: Workspace, first: BoardLoaded | None = None) -> None:
        super().__init__()
        self.workspace = workspace
        self._first = first
        self.pipeline_id: int | None = None
        self.view = first_view(workspace)
        self.board_columns = BoardColumns()
        self.filter_bar = FilterBar()
        self._clear_status: Timer | None = None
        self._warmed = False
        self._to_first_match = False
        self._generation = 0
        self._shown_generation = 0

    def compose(self) -> ComposeResult:
        yield Static("", id="board-title", markup=False)
        yield self.filter_bar
        with Horizontal(id="body"):
            yield self.board_columns
            yield FunnelPane()
        yield Static("", id="status", markup=False)
        yield KeyFooter()

    # -- the columns ------------------------------------------------------

    @property
    def columns(self) -> dict[int, StageColumn]:
        """The columns by stage id."""
        return self.board_columns.columns

    @property
    def active(self) -> int | None:
        """The active column's stage id."""
        return self.board_columns.active

    @property
    def deal_list(self) -> DealList | None:
        """The active column's list."""
        return self.board_columns.deal_list

    @property
    def card(self) -> Card | None:
        """The card under the cursor."""
        return self.board_columns.card

    def activate(self, stage_id: int) -> None:
        """Make a column the active one: its cursor shows and the keys act on it."""
        self.board_columns.activate(stage_id)

    def open_card(self) -> Card | None:
        """The focused card if its deal is open; else None, saying why."""
        card = self.card
        if card is not None and card.status is not DealStatus.OPEN:
            self.notify(f"This deal is already {card.status.value}", severity="warning")
            return None
        return card

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

    def load(self, *, only: set[int] | None = None, focus_deal: int | None = None) -> None:
        """Reload the board (or only some columns) in a worker."""
        windows = self.board_columns.windows()
        self._load(self.pipeline_id, self.view, windows, only, focus_deal, self.next_generation())

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

    # -- moving around ----------------------------------------------------

    def action_cursor(self, delta: int) -> None:
        """Move to the next/previous card in the column."""
        self.board_columns.move_cursor(delta)

    def action_page(self, direction: int) -> None:
        """Move a screenful of cards."""
        self.board_columns.page(direction)

    def action_edge(self, bottom: int) -> None:
        """Go to the top (0) or bottom (1) of the column."""
        self.board_columns.edge(bottom)

    def action_column(self, delta: int) -> None:
        """Focus the column to the left/right, keeping the row on screen."""
        self.board_columns.step_column(delta)

    # -- changing deals ---------------------------------------------------

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
        card = self.open_card()
        if card is not None:
            self._lose(card.title)

    @work(group="form")
    async def _lose(self, title: str) -> None:
        from pipetui.services.deals import lose_deal
        from pipetui.ui.screens.lost_form import lost_form

        result = await self.app.push_screen_wait(lost_form(title))
        if result is not None:
            change = partial(lose_deal, reason=result.reason, revisit=result.revisit)
            self._change("lost", change, follow=self.view.show_closed)

    def action_disqualify(self) -> None:
        """Drop the focused lead: lost, "Disqualified: <criterion answered no>"."""
        from pipetui.services.qualification import disqualify_deal

        card = self.open_card()
        if card is not None:
            change = partial(disqualify_deal, thresholds=self.workspace.settings.bant)
            self._change("lost", change, follow=self.view.show_closed, hint=" (b to qualify)")

    def _change(self, verb: str, change: Any, *, follow: bool, hint: str = "") -> None:
        """Run a use case (`change(db, deal_id, seen_version=...)`) on the focused
        card's deal, undoably, refused if the deal is no longer what the card
        shows; "<verb> '<title>'" names it in the status line and for undo."""
        card = self.card
        if card is not None:
            version = card.version
            self._write(
                DealChange(
                    card.deal_id,
                    card.stage_id,
                    f"{verb} {card.title!r}",
                    lambda db, deal_id: change(db, deal_id, seen_version=version),
                    follow,
                ),
                hint,
            )

    @work(group="write")
    async def _write(self, change: DealChange, hint: str) -> None:
        try:
            await write_deal(self, change)
        except ValidationError as error:
            self.notify(f"{error.message}{hint}", severity="warning")

    # -- the deal's forms -------------------------------------------------

    def action_open_deal(self) -> None:
        """Open the focused deal's details (b there goes on to the BANT form)."""
        if self.card:
            self.run_worker(deal_changes.open_detail(self, self.card.deal_id), group="form")

    def action_qualify(self) -> None:
        """Open the BANT form for the focused deal."""
        if self.card:
            self.run_worker(deal_changes.qualify(self, self.card.deal_id), group="form")

    def action_new_deal(self) -> None:
        """A new deal in the focused column."""
        column = self.columns.get(self.deal_list.stage_id) if self.deal_list else None
        if column is None and self.columns:
            column = next(iter(self.columns.values()))
        if column is None:
            self.notify("Add a stage first (S)", severity="warning")
            return
        stage = column.summary.stage
        self.run_worker(deal_changes.new_deal(self, stage.name, stage.id), group="form")

    def action_edit_deal(self) -> None:
        """Edit the focused deal in the form."""
        if self.card:
            self.run_worker(deal_changes.edit_deal(self, self.card.deal_id), group="form")

    # -- pipelines --------------------------------------------------------

    def action_switch_pipeline(self) -> None:
        """Pick another pipeline."""
        self._pick_pipeline()

    @work(group="form")
    async def _pick_pipeline(self) -> None:
        from pipetui.services.pipelines import list_pipelines
        from pipetui.ui.screens.pipeline_picker import PipelinePicker

        ws = self.workspace
        items = await asyncio.to_thread(lambda: list_pipelines(ws.db))
        pipelines = [item.pipeline for item in items]
        self.show_pipeline(
            await self.app.push_screen_wait(PipelinePicker(pipelines, self.pipeline_id))
        )

    def action_pipeline_settings(self) -> None:
        """Add, rename, reorder and remove stages."""
        from pipetui.ui.screens.pipeline_settings import PipelineSettings

        self._visit(PipelineSettings(self.workspace, self.pipeline_id))

    @work(group="form")
    async def _visit(self, screen: Screen[Any]) -> None:
        """Open a screen; when it closes, show what it may have changed."""
        await self.app.push_screen_wait(screen)
        self.load()

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
        self.filter_bar.open()

    def on_filter_bar_typed(self, message: FilterBar.Typed) -> None:
        """Typing paused: filter by what is typed."""
        self._apply_filter(message.text)

    def on_filter_bar_entered(self, message: FilterBar.Entered) -> None:
        """Enter: filter now, and go to the first column that has a matching card
        (once the filtered board is in)."""
        self.set_focus(None)
        self._to_first_match = True
        if message.text != self.view.search:
            self._apply_filter(message.text)
        else:
            self._to_first_match = False
            self.board_columns.go_to_first_match()

    def _apply_filter(self, text: str) -> None:
        if text != self.view.search:
            self.view = replace(self.view, search=text)
            self.load()

    def action_clear_filter(self) -> None:
        """Clear the filter and go back to the cards (staying in the column one is in)."""
        self.filter_bar.close()
        self._apply_filter("")
        self.set_focus(None)

    # -- the customer's side ----------------------------------------------

    def action_touch(self) -> None:
        """Log a touchpoint with the focused deal's contact, on that deal."""
        if self.card is not None:
            self._reload_after(deal_changes.log_touch(self, self.card.deal_id))

    def action_followup(self) -> None:
        """Plan the focused deal's next step."""
        if self.card is not None:
            card = self.card
            self._reload_after(actions.plan_followup(self.app, card.title, deal_id=card.deal_id))

    def action_timeline(self) -> None:
        """The focused deal's contact's timeline."""
        if self.card is not None:
            self.run_worker(deal_changes.open_timeline(self, self.card.deal_id), group="form")

    def action_contacts(self) -> None:
        """The contacts screen."""
        from pipetui.ui.screens.contacts import ContactsScreen

        self._visit(ContactsScreen(self.workspace))

    def action_import_file(self) -> None:
        """Import deals, contacts or touchpoints from a file, then reload."""
        from pipetui.ui.screens.import_screen import ImportScreen

        self._reload_after(self.app.push_screen_wait(ImportScreen(self.workspace)))

    def action_attention(self) -> None:
        """What needs the seller today; enter on a deal comes back to it here."""
        self._attention()

    @work(group="form")
    async def _attention(self) -> None:
        from pipetui.ui.screens.attention import AttentionScreen

        chosen = await self.app.push_screen_wait(AttentionScreen(self.workspace))
        if chosen is not None:
            self.jump_to_deal(*chosen)
        else:
            self.load()

    @work(group="form")
    async def _reload_after(self, action: Awaitable[bool | None]) -> None:
        """Await an action (a form, a screen); reload if it changed something."""
        if await action:
            self.load()
