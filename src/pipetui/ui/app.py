"""The Textual application: opens the board (or the welcome), keeps the undo
stack, and notices other processes writing to the database."""

from __future__ import annotations

import asyncio
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from textual import events, on, work
from textual.app import App
from textual.binding import Binding
from textual.content import Content
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input

from pipetui.ui import rtl
from pipetui.ui.keymap import apply_keymap
from pipetui.ui.messages import BoardLoaded, DatabaseChanged
from pipetui.ui.screens.board import BoardScreen
from pipetui.ui.writes import write

if TYPE_CHECKING:
    from textual.command import Provider

    from pipetui.services.board import BoardData
    from pipetui.services.undo import AnyUndo
    from pipetui.services.workspace import Workspace

WATCH_SECONDS = 1.0
"""How often the board looks for other processes' writes to an SQLite file."""
SERVER_WATCH_SECONDS = 0.25
"""The same on PostgreSQL: a look reads the notices already received (no SQL),
so it can be frequent enough for a teammate's change to show within a second."""


HERE = Path(__file__).parent
SCREENS_CSS = HERE / "screens.tcss"
"""The styles of every screen but the board (`pipetui.tcss`): parsed when the
first other screen opens, not before the board's first frame."""


def _loaded(module: str, name: str) -> type[Any] | None:
    """A Textual class if its module is already imported, else None: a widget
    of a class never imported cannot exist, and importing TextArea and Select
    here would put them (and tree-sitter's loader) before the first frame."""
    found = sys.modules.get(module)
    return getattr(found, name, None) if found is not None else None


def typing_in(widget: Widget | None) -> bool:
    """Whether keys pressed now are text: a focused input or editable text
    area, or an open select list (which searches as you type)."""
    if isinstance(widget, Input):
        return True
    text_area = _loaded("textual.widgets._text_area", "TextArea")
    if text_area is not None and isinstance(widget, text_area):
        return not widget.read_only
    select = _loaded("textual.widgets._select", "Select")
    return widget is not None and select is not None and isinstance(widget.parent, select)


def has_selection(widget: Widget | None) -> bool:
    """Whether a focused text field has text selected (ctrl+c copies it then)."""
    if isinstance(widget, Input):
        return not widget.selection.is_empty
    text_area = _loaded("textual.widgets._text_area", "TextArea")
    if text_area is not None and isinstance(widget, text_area):
        return bool(widget.selected_text)
    return False


def _board_commands() -> type[Provider]:
    """The palette's provider, imported when the palette first opens."""
    from pipetui.ui.palette import BoardCommands

    return BoardCommands


class PipetuiApp(App[None]):
    """pipetui's TUI: the board first, everything by keyboard."""

    TITLE = "pipetui"
    CSS_PATH = "pipetui.tcss"
    COMMANDS = App.COMMANDS | {_board_commands}
    BINDINGS = [
        # Priority: a modal screen (the welcome, a dialog) would hide an app key,
        # and q must quit from every screen. `check_action` hands the key back to
        # a text field being typed in, which is how "q" reaches a name.
        Binding("q", "quit_app", "Quit", id="quit", priority=True),
        # Textual 8 leaves ctrl+c to "copy"; a terminal user expects it to quit.
        Binding(
            "ctrl+c",
            "interrupt",
            "Quit (copy, with text selected)",
            show=False,
            priority=True,
            id="interrupt",
        ),
        Binding("question_mark", "help", "Keys", id="help", key_display="?"),
        Binding("u", "undo", "Undo", id="undo"),
    ]

    def __init__(
        self, workspace: Workspace, *, watch: bool = True, first: BoardLoaded | None = None
    ) -> None:
        super().__init__()
        apply_keymap(
            self, workspace.settings.keymap
        )  # a bad [keymap] is refused here, before any frame
        rtl.use(workspace.settings.bidi)  # before any screen draws a name
        self.workspace = workspace
        self._first = first
        self.undo_stack: list[AnyUndo] = []
        self.write_lock = asyncio.Lock()
        """Held by each write a key asked for (a stage move, won, lost, an edit on
        the board, undo), so they reach the database in the order of the keys."""
        self.seen_version: int | None = None
        self._own_writes = 0
        self._own_writes_lock = threading.Lock()
        self._watch = watch

    def get_css_variables(self) -> dict[str, str]:
        """The theme's variables, with its text colours raised to WCAG AA where
        they fall short (`pipetui.ui.readable`), whichever theme is in force."""
        from pipetui.ui.readable import readable_variables

        variables = super().get_css_variables()
        variables.update(readable_variables(variables, ansi=self.native_ansi_color))
        self.theme_variables = variables
        return variables

    def _load_screen_css(self, screen: Screen[Any]) -> None:
        """Textual's, and before the first screen other than the board, the
        styles of all the others (`SCREENS_CSS`): the board's first frame
        parses and matches only its own rules."""
        if not isinstance(screen, BoardScreen) and not self.stylesheet.has_source(
            str(SCREENS_CSS), ""
        ):
            self.stylesheet.read(SCREENS_CSS)
            self.stylesheet.reparse()
            self.stylesheet.update(self)
        super()._load_screen_css(screen)

    def get_default_screen(self) -> BoardScreen:
        """The board is the app's own first screen (no blank screen drawn before it)."""
        return BoardScreen(self.workspace, self._first)

    def on_mount(self) -> None:
        """Apply the theme from the settings; watch for other processes' writes."""
        if self.workspace.settings.theme in self.available_themes:
            self.theme = self.workspace.settings.theme
        if self._watch:
            server = self.workspace.is_server
            self.set_interval(
                SERVER_WATCH_SECONDS if server else WATCH_SECONDS, self._check_for_changes
            )
            if server:  # listen from the start: a notice sent before LISTEN is lost
                self._read_version()

    # -- other processes --------------------------------------------------

    def _check_for_changes(self) -> None:
        self._read_version()

    @work(thread=True, exclusive=True, group="watch")
    def _read_version(self) -> None:
        if self._own_writes:  # ours in flight: it would look like someone else's
            return
        version = self.workspace.data_version()
        if version is None or self._own_writes:
            return
        if self.seen_version is not None and version != self.seen_version:
            self.tell_screens()
        self.seen_version = version

    def tell_screens(self, focus_deal: int | None = None) -> None:
        """Tell every screen on the stack that the data changed, not only the top
        one: the board under an open dialog must not stay stale."""
        for screen in list(self.screen_stack):
            screen.post_message(DatabaseChanged(focus_deal))

    @contextmanager
    def own_write(self) -> Iterator[None]:
        """Around our own write (in a worker): the watcher must not take it for
        another process's and reload the whole board. Another process's commit
        since the watcher last looked is not noted away with ours: the screens
        are told of it once ours is done."""
        with self._own_writes_lock:
            alone = self._own_writes == 0
            self._own_writes += 1
        missed = alone and self._changed_elsewhere()
        try:
            yield
        finally:
            self.note_own_write()
            with self._own_writes_lock:
                self._own_writes -= 1
            if missed:
                self.tell_screens()

    def _changed_elsewhere(self) -> bool:
        """Whether another process committed since the watcher last looked
        (where our own writes move the version too, asked only while none of
        ours is in flight; on a server its notices say it anyway)."""
        if not self.workspace.counts_own_writes or self.seen_version is None:
            return False
        version = self.workspace.data_version()
        return version is not None and version != self.seen_version

    def note_own_write(self) -> None:
        """After our own write: don't mistake it for another process's. (On a
        server our own notices are never counted, and noting the version here
        could swallow a teammate's change that arrived meanwhile.)"""
        if self.workspace.counts_own_writes:
            self.seen_version = self.workspace.data_version()

    # -- undo -------------------------------------------------------------

    def push_undo(self, entry: AnyUndo) -> None:
        """Remember a change so `u` can take it back."""
        self.undo_stack.append(entry)

    def action_undo(self) -> None:
        """Take back the last change (repeatable)."""
        self._undo()

    @work(group="write")
    async def _undo(self) -> None:
        # After the writes asked for before `u` (a stage move shown at once is
        # written just after): `u` takes back the last change the user made.
        async with self.write_lock:
            await self._undo_last()

    async def _undo_last(self) -> None:
        from pipetui.services.undo import UndoEntry, undo

        if not self.undo_stack:
            self.notify("Nothing to undo")
            return
        entry = self.undo_stack.pop()

        def take_back() -> tuple[bool, None]:
            undo(self.workspace.db, entry)
            return True, None  # (nothing to undo an undo with)

        undone = await write(
            self, take_back, lambda _: f"Undone: {entry.label}", failed="Nothing was undone"
        )
        if not undone:
            return
        restored = entry.before if isinstance(entry, UndoEntry) else None
        self.tell_screens(restored.deal_id if restored and restored.deal else None)

    def notify(
        self,
        message: str | Content,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Say something to the user. A `str` is never markup, whatever `markup`
        says (Textual's `Widget.notify` passes True by default): messages quote
        deal titles and stage names, which are user text (`Eve [/]` must show as
        typed). The app's own styled messages come as `Content`, in which user
        text is a plain span (`Content.assemble("Saved to ", (path, style))`).

        On the board it goes to the status line, which costs no layout (plain:
        the line has its own colours); elsewhere it is a toast. A `str`
        `message` (and `title`) arrives in logical order and is laid out here,
        once, as a left-to-right sentence (`rtl.sentence`): callers pass text as
        stored, never already laid out; a `Content` is shown as it comes.
        """
        if isinstance(self.screen, BoardScreen):
            self.screen.say(message.plain if isinstance(message, Content) else message, severity)
            return
        text: str | Content
        if isinstance(message, Content):
            # The Content itself, not its `.markup`: Textual's markup escaping
            # doubles a backslash before "[" (typed \[b] would show as \\[b]),
            # and `Content.from_markup`, which the toast calls, returns a
            # Content unchanged.
            text, as_markup = message, True
        else:
            text, as_markup = rtl.sentence(message), False
        super().notify(
            text,  # type: ignore[arg-type]  # (a Content: see above)
            title=rtl.sentence(title),
            severity=severity,
            timeout=timeout,
            markup=as_markup,
        )

    # -- keys that work everywhere ------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """q is a letter while typing in a text field; ctrl+c copies what is
        selected in one. Otherwise both quit (see `BINDINGS`)."""
        if action == "quit_app":
            return not typing_in(self.focused)
        if action == "interrupt":
            return not has_selection(self.focused)
        return super().check_action(action, parameters)

    def action_quit_app(self) -> None:
        """q: quit, from any screen (unless typing, see `check_action`)."""
        self.exit()

    def action_interrupt(self) -> None:
        """ctrl+c: copy text selected with the mouse, else quit."""
        selected = self.screen.get_selected_text()
        if selected:
            self.copy_to_clipboard(selected)
            self.screen.clear_selection()
            self.notify("Copied the selected text; ctrl+c again quits")
            return
        self.exit()

    # -- screenshots (ctrl+p, "Screenshot") ----------------------------------

    def deliver_screenshot(
        self,
        filename: str | None = None,
        path: str | None = None,
        time_format: str | None = None,
    ) -> str | None:
        """Textual's, but saved where `save_folder` says when no folder is given
        (Textual insists on ~/Downloads and fails where there is none)."""
        from pipetui.ui.save_folder import save_folder

        folder = path if path is not None else str(save_folder())
        return super().deliver_screenshot(filename, folder, time_format)

    @on(events.DeliveryComplete)
    def _screenshot_saved(self, event: events.DeliveryComplete) -> None:
        """Say where the screenshot went, in full, styled (not as raw markup)."""
        if event.name != "screenshot":
            return
        event.prevent_default()  # (Textual's own note would show its markup)
        where = "" if event.path is None else str(event.path.resolve())
        self.notify(
            Content.assemble("Saved screenshot to ", (rtl.field(where), "$text-success"))
            if where
            else Content("Saved screenshot"),
            title="Screenshot",
        )

    @on(events.DeliveryFailed)
    def _screenshot_failed(self, event: events.DeliveryFailed) -> None:
        """Say why the screenshot could not be saved, and where it was tried."""
        if event.name != "screenshot":
            return
        event.prevent_default()
        self.notify(f"Could not save the screenshot: {event.exception}", severity="error")

    def action_export(self, what: str = "export") -> None:
        """Export (CSV, JSON, vCard, iCalendar) or, with "backup", back up the
        database: `pipetui export` and `pipetui backup` in a form."""
        from pipetui.ui.screens.export_screen import ExportScreen

        self.push_screen(ExportScreen(self.workspace, backup=what == "backup"))

    def action_help(self) -> None:
        """Show every key of the current screen and the app."""
        from pipetui.ui.screens.help import HelpScreen

        self.push_screen(HelpScreen(self.screen))


@contextmanager
def terminal_bidi(mode: str, stream: TextIO | None) -> Iterator[None]:
    """While the app runs in "app" bidi mode, ask the terminal (if `stream` is
    one) to keep its own bidi off, since pipetui lays the text out itself; give
    the terminal its default back afterwards, even when the app failed."""
    terminal = stream if mode == "app" and stream is not None and stream.isatty() else None
    if terminal is not None:
        terminal.write(rtl.EXPLICIT_MODE)
        terminal.flush()
    try:
        yield
    finally:
        if terminal is not None:
            terminal.write(rtl.IMPLICIT_MODE)
            terminal.flush()


def open_board(workspace: Workspace, first: BoardData, *, screenful: bool = False) -> None:
    """Open the TUI on `workspace`, its first board already read (see
    `pipetui.ui.start.run_app`; `screenful`: only the cards the terminal
    shows), and return when the user quits."""
    app = PipetuiApp(workspace, first=BoardLoaded(first, generation=1, screenful=screenful))
    with terminal_bidi(rtl.mode(), sys.__stdout__):
        app.run()
