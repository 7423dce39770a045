"""Helpers shared by the TUI tests (import as `from ui_helpers import ...`)."""

from __future__ import annotations

from textual import events
from textual.keys import _character_to_key
from textual.pilot import Pilot

from pipetui.services.workspace import Workspace
from pipetui.ui.app import PipetuiApp
from pipetui.ui.screens.board import BoardScreen
from pipetui.ui.widgets.stage_column import StageColumn


def make_app(workspace: Workspace) -> PipetuiApp:
    """The app without the once-a-second change watcher (tests drive it)."""
    return PipetuiApp(workspace, watch=False)


async def settle(pilot: Pilot[None]) -> None:
    """Wait until every worker finished and the screen caught up."""
    for _ in range(4):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def board(pilot: Pilot[None]) -> BoardScreen:
    """The board, which must be the screen on top."""
    screen = pilot.app.screen
    assert isinstance(screen, BoardScreen), f"expected the board, got {screen!r}"
    return screen


def column(pilot: Pilot[None], stage: str) -> StageColumn:
    """The board's column for `stage`."""
    for col in board(pilot).columns.values():
        if col.summary.stage.name == stage:
            return col
    raise AssertionError(f"no column {stage!r}")


def titles(col: StageColumn) -> list[str]:
    """Titles of the column's loaded cards, top to bottom."""
    cards = col.deal_list._cards
    return [cards[i].title for i in sorted(cards)]


async def press(pilot: Pilot[None], *keys: str) -> None:
    """Press keys, then wait for the workers they started and the ones those start
    (a change reloads its columns): until two rounds in a row find none running."""
    await pilot.press(*keys)
    for round_ in range(8):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if round_ and not len(pilot.app.workers):
            return


async def type_text(pilot: Pilot[None], text: str) -> None:
    """Type `text` into the focused widget, one key event per character, then wait.

    Faster than `pilot.press(*text)` (which waits for idle after every key) and
    exact: each event carries its character, so punctuation Pilot cannot name
    (Hebrew gershayim ״, Arabic vowel marks) arrives too."""
    for character in text:
        event = events.Key(_character_to_key(character), character)
        event.set_sender(pilot.app)
        pilot.app.post_message(event)
    await pilot.pause()
