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

from pipetui.domain.board import CARD_HEIGHT
from pipetui.domain.money import Money
from pipetui.services import deals
from pipetui.services.board import BoardData
from pipetui.services.workspace import Workspace
from pipetui.ui.app import PipetuiApp
from pipetui.ui.messages import BoardLoaded
from pipetui.ui.screens.board import BoardScreen, first_board
from pipetui.ui.start import FirstBoard, read_first_board, terminal_lines

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
    finally:  # (what the warm-up froze stays frozen, as after every board test:
        # unfreezing a long-lived test worker's heap made its later full passes slow)
        if not was_enabled:
            gc.disable()


async def test_the_first_read_takes_a_screenful_and_the_whole_pages_follow(
    workspace: Workspace,
) -> None:
    """A terminal 24 lines high shows 6 cards of a column at most: the first
    read (before Textual starts) takes 7, the same count and open value in the
    header as a full read, and the board reads its whole pages once the first
    frame is out (j past the 7th card finds it loaded)."""
    for n in range(30):
        deals.add_deal(
            workspace.db, title=f"Lead {n:02}", value=Money(1_000, "USD"), stage="Prospecting"
        )
    lines = 24
    first = read_first_board(workspace, lines)
    full = read_first_board(workspace)
    prospecting = next(c for c in first.columns if c.summary.stage.name == "Prospecting")
    whole = next(c for c in full.columns if c.summary.stage.name == "Prospecting")
    assert len(prospecting.cards) == lines // CARD_HEIGHT + 1 == 7
    assert len(whole.cards) == 30
    assert prospecting.summary == whole.summary  # the header is the whole column's
    assert [c.deal_id for c in prospecting.cards] == [c.deal_id for c in whole.cards][:7]

    app = PipetuiApp(workspace, watch=False, first=BoardLoaded(first, generation=1, screenful=True))
    async with app.run_test(size=(100, lines)) as pilot:
        await pilot.pause()
        assert len(titles(column(pilot, "Prospecting"))) == 7
        for _ in range(10):  # the pages come 0.25 s after the first frame
            await pilot.pause(0.1)
            if len(titles(column(pilot, "Prospecting"))) > 7:
                break
        await settle(pilot)
        assert titles(column(pilot, "Prospecting")) == [card.title for card in whole.cards]


def test_the_first_read_knows_the_terminal_s_height_or_reads_whole_pages(
    sales: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(os, "get_terminal_size", lambda fd: os.terminal_size((80, 24)))
    assert terminal_lines() == 24

    def no_terminal(fd: int) -> os.terminal_size:
        raise OSError("not a terminal")

    monkeypatch.setattr(os, "get_terminal_size", no_terminal)
    assert terminal_lines() is None
