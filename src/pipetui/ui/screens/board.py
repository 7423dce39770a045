"""The board: one column per open stage of the current pipeline.

The board's whole keyboard map is `BoardScreen.BINDINGS`, and every action it
names is a method of `BoardScreen`, here: the footer, the help screen and the
command palette all come from it. The columns (`BoardColumns`) and the filter
field (`FilterBar`) are widgets that keep their own state; what the board reads
and when it shows it is `board_loading.BoardLoading`, its base. A stage move is
shown at once and written after (`board_moves`); any other deal's change runs
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
from collections.abc import Awaitable
from functools import partial
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Static

from pipetui.domain.bant import Verdict
from pipetui.domain.board import Card
from pipetui.domain.deal_status import DealStatus
from pipetui.domain.errors import ValidationError
from pipetui.services.workspace import Workspace
from pipetui.ui import actions
from pipetui.ui.messages import BoardLoaded
from pipetui.ui.screens.board_loading import BoardLoading
from pipetui.ui.start import first_view, read_first_board
from pipetui.ui.widgets.alike_lines import AlikeLines
from pipetui.ui.widgets.deal_list import DealList
from pipetui.ui.widgets.filter_bar import FILTER_PAUSE, FilterBar
from pipetui.ui.widgets.funnel_pane import FunnelPane
from pipetui.ui.widgets.key_footer import KeyFooter
from pipetui.ui.widgets.stage_column import HEADER_HELP, StageColumn

if TYPE_CHECKING:
    from textual import getters

    from pipetui.ui.app import PipetuiApp
    from pipetui.ui.screens.deal_changes import DealChange

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


class BoardBody(Horizontal, AlikeLines):
    """The columns and the funnel pane side by side (lines all alike: `AlikeLines`)."""


class BoardScreen(BoardLoading):
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

    def compose(self) -> ComposeResult:
        yield Static("", id="board-title", markup=False)
        with BoardBody(id="body"):
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
        """Move the focused deal to the next/previous stage (`board_moves.step`)."""
        from pipetui.ui.screens import board_moves

        board_moves.step(self, steps)

    def action_won(self) -> None:
        """Mark the focused deal won."""
        from pipetui.services.deals import win_deal

        self.change_focused("won", win_deal, follow=self.view.show_closed)

    def action_reopen(self) -> None:
        """Reopen the focused closed deal."""
        from pipetui.services.deals import reopen_deal

        if self.card is not None and self.card.status is DealStatus.OPEN:
            self.notify("This deal is open; press c to see closed deals", severity="warning")
            return
        self.change_focused("reopened", reopen_deal, follow=True)

    def action_delete_deal(self) -> None:
        """Delete the focused deal (u brings it back)."""
        from pipetui.services.deals import delete_deal

        self.change_focused("deleted", delete_deal, follow=False)

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
            self.change_focused("lost", change, follow=self.view.show_closed)

    def action_disqualify(self) -> None:
        """Drop the focused lead: lost, "Disqualified: <criterion answered no>"."""
        from pipetui.services.qualification import disqualify_deal

        card = self.open_card()
        if card is not None:
            change = partial(disqualify_deal, thresholds=self.workspace.settings.bant)
            self.change_focused(
                "lost", change, follow=self.view.show_closed, hint=" (b to qualify)"
            )

    def change_focused(self, verb: str, change: Any, *, follow: bool, hint: str = "") -> None:
        """Run a use case (`change(db, deal_id, seen_version=...)`) on the focused
        card's deal, undoably, refused if the deal is no longer what the card
        shows; "<verb> '<title>'" names it in the status line and for undo."""
        from pipetui.ui.screens.deal_changes import DealChange

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
        from pipetui.ui.screens.deal_changes import write_deal

        try:
            async with self.app.write_lock:  # after the moves asked for before
                await write_deal(self, change)
        except ValidationError as error:
            self.notify(f"{error.message}{hint}", severity="warning")

    # -- the deal's forms -------------------------------------------------

    def action_open_deal(self) -> None:
        """Open the focused deal's details (b there goes on to the BANT form)."""
        from pipetui.ui.screens import deal_changes

        if self.card:
            self.run_worker(deal_changes.open_detail(self, self.card.deal_id), group="form")

    def action_qualify(self) -> None:
        """Open the BANT form for the focused deal."""
        from pipetui.ui.screens import deal_changes

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
        from pipetui.ui.screens import deal_changes

        stage = column.summary.stage
        self.run_worker(deal_changes.new_deal(self, stage.name, stage.id), group="form")

    def action_edit_deal(self) -> None:
        """Edit the focused deal in the form."""
        from pipetui.ui.screens import deal_changes

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
        self.view = self.view._replace(show_closed=not self.view.show_closed)
        self.load()

    def action_toggle_funnel(self) -> None:
        """Show or hide the funnel beside the board."""
        pane = self.query_one(FunnelPane)
        pane.toggle_class("shown")
        self._size_columns()
        if pane.has_class("shown"):
            self._load_funnel(self.pipeline_id)

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
        self.view = self.view._replace(verdict=following)
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
        self.view = self.view._replace(mine=not self.view.mine)
        self.say("Your deals and unowned ones" if self.view.mine else "Everyone's deals")
        self._to_first_match = True
        self.load()

    async def action_filter(self) -> None:
        """Type to filter cards by title, contact or company."""
        await self.mount_filter()
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
            self.view = self.view._replace(search=text)
            self.load()

    def action_clear_filter(self) -> None:
        """Clear the filter and go back to the cards (staying in the column one is in)."""
        self.filter_bar.close()
        self._apply_filter("")
        self.set_focus(None)

    # -- the customer's side ----------------------------------------------

    def action_touch(self) -> None:
        """Log a touchpoint with the focused deal's contact, on that deal."""
        from pipetui.ui.screens import deal_changes

        if self.card is not None:
            self._reload_after(deal_changes.log_touch(self, self.card.deal_id))

    def action_followup(self) -> None:
        """Plan the focused deal's next step."""
        if self.card is not None:
            card = self.card
            self._reload_after(actions.plan_followup(self.app, card.title, deal_id=card.deal_id))

    def action_timeline(self) -> None:
        """The focused deal's contact's timeline."""
        from pipetui.ui.screens import deal_changes

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
