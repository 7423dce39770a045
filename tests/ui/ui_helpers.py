"""Helpers shared by the TUI tests (import as `from ui_helpers import ...`)."""

from __future__ import annotations

import asyncio
import time

from textual import events
from textual.app import App
from textual.keys import _character_to_key
from textual.pilot import Pilot
from textual.widgets import Input
from textual.worker import WorkerState

from pipetui.services.workspace import Workspace
from pipetui.ui.app import PipetuiApp
from pipetui.ui.screens.board import BoardScreen
from pipetui.ui.widgets.stage_column import StageColumn


def make_app(workspace: Workspace) -> PipetuiApp:
    """The app without the once-a-second change watcher (tests drive it)."""
    return PipetuiApp(workspace, watch=False)


def busy(app: App[object]) -> bool:
    """Whether a worker is still at work. A worker waiting for the answer to a
    form or screen it opened (`push_screen_wait`) is not: the user has to answer
    first. (Each screen on the stack that someone awaits has one such worker.)"""
    running = [w for w in app.workers if w.state in (WorkerState.PENDING, WorkerState.RUNNING)]
    awaited = sum(
        1
        for screen in app.screen_stack
        for waiting in screen._result_callbacks
        if waiting.future is not None and not waiting.future.done()
    )
    return len(running) > awaited


async def idle(pilot: Pilot[None], limit: float = 60) -> None:
    """Wait until no worker is busy (`busy`), for at most `limit` seconds."""
    deadline = time.monotonic() + limit
    while busy(pilot.app):
        assert time.monotonic() < deadline, f"workers still busy: {list(pilot.app.workers)}"
        await asyncio.sleep(0.002)


async def settle(pilot: Pilot[None]) -> None:
    """Wait until every worker finished (or waits for an answer) and the screen
    caught up."""
    for _ in range(4):
        await idle(pilot)
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
        await idle(pilot)
        await pilot.pause()
        if round_ and not busy(pilot.app):
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


async def focus_card(pilot: Pilot[None], stage: str, title: str) -> int:
    """Put the board's cursor on the card `title` in column `stage`; return its deal id."""
    col = column(pilot, stage)
    board(pilot).activate(col.stage_id)
    col.deal_list.go_to(titles(col).index(title))
    await pilot.pause()
    card = board(pilot).card
    assert card is not None and card.title == title
    return card.deal_id


async def steady(pilot: Pilot[None]) -> None:
    """Settle, stop the text fields' cursors blinking, and wait for the layout to
    catch up with the last update (for a snapshot). On a busy machine the
    funnel screen was once taken with its figures updated but not yet laid
    out: the new text drawn in the old one-line region."""
    await settle(pilot)
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()
    await laid_out(pilot)


async def laid_out(pilot: Pilot[None], limit: float = 5) -> None:
    """Wait until the screen has no layout, repaint or widget refresh pending
    (at most `limit` seconds: something that animates is never still)."""
    deadline = time.monotonic() + limit
    screen = pilot.app.screen
    while screen._layout_required or screen._repaint_required or screen._dirty_widgets:
        if time.monotonic() > deadline:
            break
        await pilot.pause(0.01)
    await pilot.pause()
