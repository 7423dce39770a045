"""Helpers shared by the TUI tests (import as `from ui_helpers import ...`)."""

from __future__ import annotations

from textual.pilot import Pilot

from pipetui.services.workspace import Workspace
from pipetui.ui.app import PipetuiApp


def make_app(workspace: Workspace) -> PipetuiApp:
    """The app without the once-a-second change watcher (tests drive it)."""
    return PipetuiApp(workspace, watch=False)


async def settle(pilot: Pilot[None]) -> None:
    """Wait until every worker finished and the screen caught up."""
    for _ in range(4):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
