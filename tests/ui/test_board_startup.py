"""Start-up: `run_app` reads the first board before the event loop starts and
hands it to the board, which is the app's first screen, so the very first frame
already shows the cards (DESIGN.md §4, the first-frame budget)."""

from __future__ import annotations

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
