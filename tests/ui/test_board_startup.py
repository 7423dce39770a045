"""Start-up: `run_app` reads the first board before the event loop starts and
hands it to the board, which is the app's first screen, so the very first frame
already shows the cards (DESIGN.md §4, the first-frame budget)."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import weakref
from typing import Any

import pytest
from ui_helpers import column, settle, titles

from pipetui.services.board import BoardData
from pipetui.services.workspace import Workspace
from pipetui.ui.app import PipetuiApp
from pipetui.ui.screens.board import BoardScreen, first_board
from pipetui.ui.start import FirstBoard, read_first_board

SIZE = (160, 50)


async def test_the_board_opens_with_the_cards_read_before_start(
    sales: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads: list[object] = []
    fetch = BoardScreen.fetch

    def counted(self: BoardScreen, *args: Any) -> Any:
        reads.append(args)
        return fetch(self, *args)

    monkeypatch.setattr(BoardScreen, "fetch", counted)
    app = PipetuiApp(sales, watch=False, first=first_board(sales))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert reads == []  # no worker read the board: the cards came with the screen
        assert isinstance(app.screen, BoardScreen)
        assert len(app.screen_stack) == 1  # the board is the first screen, not pushed on one
        assert set(titles(column(pilot, "Proposal"))) == {
            "Website redesign",
            "Annual licence",
            "Pilot project",
        }
        assert titles(column(pilot, "Negotiation")) == ["Support plan"]
        await settle(pilot)
        await pilot.press("L")  # and it works as usual: the active card moves on
        await settle(pilot)
        assert titles(column(pilot, "Qualification")) == ["Cold lead"]
        assert reads  # (the move reloaded its two columns through a worker)


async def test_an_empty_database_still_greets_with_the_welcome(workspace: Workspace) -> None:
    app = PipetuiApp(workspace, watch=False, first=first_board(workspace))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert type(app.screen).__name__ == "WelcomeScreen"


def _cards(data: BoardData) -> list[tuple[str, int, list[int]]]:
    return [
        (c.summary.stage.name, c.summary.open_count, [card.deal_id for card in c.cards])
        for c in data.columns
    ]


def test_the_first_board_read_in_a_thread_is_the_board_read_here(sales: Workspace) -> None:
    """On a server `run_app` reads the first board in a thread while Textual is
    imported (`pipetui.ui.start`): the same rows as reading it in place."""
    assert _cards(FirstBoard(sales).result()) == _cards(read_first_board(sales))


def test_a_first_read_that_fails_fails_where_its_rows_are_asked_for(sales: Workspace) -> None:
    with sales.db.write() as conn:  # a table gone from under the read
        conn.exec_driver_sql("ALTER TABLE pipeline RENAME TO pipeline_gone")
    first = FirstBoard(sales)
    with pytest.raises(Exception, match="no such table: pipeline"):
        first.result()


def test_the_tui_asks_glibc_for_a_single_malloc_arena() -> None:
    """Every thread allocates from one heap (peak RSS −2.6 MiB; ui/start.py).
    In its own process: the setting holds for the process's life."""
    if not sys.platform.startswith("linux") or not _glibc():
        pytest.skip("glibc only: other C libraries have no malloc arenas to limit")
    code = "from pipetui.ui.start import one_malloc_arena; print(one_malloc_arena())"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "True"


def _glibc() -> bool:
    try:
        return bool(os.confstr("CS_GNU_LIBC_VERSION"))
    except (ValueError, OSError):
        return False


async def test_the_warm_up_frees_start_up_cycles_before_freezing_the_rest(
    sales: Workspace,
) -> None:
    """`run_app` keeps the collector off until the warm-up; what start-up left
    in cycles is collected then, not frozen with the objects that live on."""

    class Cycle:
        me: object

    was_enabled = gc.isenabled()
    gc.disable()
    try:
        cycle = Cycle()
        cycle.me = cycle
        gone = weakref.ref(cycle)
        del cycle
        app = PipetuiApp(sales, watch=False, first=first_board(sales))
        async with app.run_test(size=SIZE) as pilot:
            for _ in range(20):  # the warm-up starts 0.25 s after the first frame
                await pilot.pause(0.1)
                if gc.isenabled():
                    break
            await settle(pilot)
            assert gc.isenabled()
            assert gone() is None
    finally:
        gc.unfreeze()
        if not was_enabled:
            gc.disable()
