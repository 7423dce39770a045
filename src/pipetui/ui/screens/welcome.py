"""The first screen of an empty database: what the three views are, and an
offer to load demo data to try them, or to import one's own leads."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from pipetui.domain.errors import ValidationError
from pipetui.services.workspace import Workspace

WELCOME = (
    "The board shows your deals by stage: move them along with L and H, win with w.\n"
    "The funnel shows where deals drop off; each contact's journey shows every touchpoint."
)


class WelcomeScreen(ModalScreen[bool]):
    """Shown over an empty board; returns True when demo data was loaded."""

    BINDINGS = [
        Binding("d", "demo", "Load demo data", id="welcome.demo"),
        Binding("i", "import_file", "Import a file", id="welcome.import"),
        Binding("escape,enter", "start", "Start empty", id="welcome.start"),
    ]
    AUTO_FOCUS = "#start"
    """Enter presses the focused button: the one that says "(enter)". (With the
    demo button focused, enter used to load the demo.) q and ctrl+c quit: the
    app's keys (`PipetuiApp.BINDINGS`)."""

    def __init__(self, workspace: Workspace) -> None:
        super().__init__(classes="form-screen")
        self.workspace = workspace

    def compose(self) -> ComposeResult:
        with Vertical(classes="form welcome"):
            yield Label("Welcome to pipetui", classes="form-title")
            yield Static(WELCOME, markup=False)
            yield Button("Load demo data (d)", id="demo", variant="primary")
            yield Button("Import a file: CSV, Pipedrive, HubSpot, vCard (i)", id="import")
            yield Button("Start empty (enter)", id="start")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """The buttons do what their keys do."""
        if event.button.id == "demo":
            self.action_demo()
        elif event.button.id == "import":
            self.action_import_file()
        else:
            self.action_start()

    def action_demo(self) -> None:
        """Fill the database with sample deals, contacts and touchpoints."""
        self.query_one("#demo", Button).disabled = True
        self._load()

    @work(thread=True, exclusive=True)
    def _load(self) -> None:
        from pipetui.services.demo import load_demo

        try:
            load_demo(self.workspace.db)
        except ValidationError as error:
            self.app.call_from_thread(self.notify, error.message, severity="warning")
        self.app.call_from_thread(self.dismiss, True)

    def action_import_file(self) -> None:
        """Open the import screen; back on an empty board, the welcome returns."""
        self._import_file()

    @work(group="form")
    async def _import_file(self) -> None:
        from pipetui.ui.screens.import_screen import ImportScreen

        if await self.app.push_screen_wait(ImportScreen(self.workspace)):
            self.dismiss(True)

    def action_start(self) -> None:
        """Close and start with the empty default pipeline."""
        self.dismiss(False)
