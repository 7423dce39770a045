"""The Textual application (placeholder until the board lands)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static

from pipetui.services.pipelines import list_pipelines
from pipetui.services.workspace import Workspace


class PipetuiApp(App[None]):
    """pipetui's TUI."""

    TITLE = "pipetui"
    BINDINGS = [("q", "quit", "Quit")]

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace

    def compose(self) -> ComposeResult:
        yield Header()
        items = list_pipelines(self.workspace.db)
        text = "\n".join(
            f"{item.pipeline.name}: " + " → ".join(s.name for s in item.stages) for item in items
        )
        yield Static(text, markup=False)
        yield Footer()


def run_app(workspace: Workspace) -> None:
    """Open the TUI on `workspace` and return when the user quits."""
    PipetuiApp(workspace).run()
