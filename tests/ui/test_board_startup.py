"""Start-up: `run_app` reads the first board before the event loop starts and
hands it to the board, which is the app's first screen, so the very first frame
already shows the cards (DESIGN.md §4, the first-frame budget)."""

from __future__ import annotations

from typing import Any

import pytest
from ui_helpers import column, settle, titles

from pipetui.services.workspace import Workspace
from pipetui.ui.app import PipetuiApp
from pipetui.ui.screens.board import BoardScreen, first_board

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
