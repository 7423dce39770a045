"""The board's first frame parses only the board's styles; every other screen
is styled as before once it opens (the rest of the stylesheet, screens.tcss, is
read when the first of them is pushed: `PipetuiApp._load_screen_css`)."""

from __future__ import annotations

import sys

from textual.color import Color
from ui_helpers import settle

from pipetui.services.workspace import Workspace
from pipetui.ui.app import SCREENS_CSS, PipetuiApp, has_selection, typing_in
from pipetui.ui.screens.board import BoardScreen, first_board

SIZE = (160, 50)


async def test_the_board_opens_without_the_other_screens_styles(sales: Workspace) -> None:
    app = PipetuiApp(sales, watch=False, first=first_board(sales))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
        assert not app.stylesheet.has_source(str(SCREENS_CSS), "")
        # ...and the board is styled: the title bar has the board's own colours.
        title = app.screen.query_one("#board-title")
        assert title.styles.height is not None and title.styles.height.value == 1


async def test_a_form_opened_from_the_board_is_styled_as_a_form(sales: Workspace) -> None:
    app = PipetuiApp(sales, watch=False, first=first_board(sales))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")  # a new deal: the deal form
        await settle(pilot)
        assert type(app.screen).__name__ == "DealForm"
        assert app.stylesheet.has_source(str(SCREENS_CSS), "")
        form = app.screen.query_one(".form")
        assert form.styles.width is not None and form.styles.width.value == 72  # `.form`
        await pilot.press("escape")
        await settle(pilot)
        # Back on the board, which kept its looks after the restyle.
        assert isinstance(app.screen, BoardScreen)
        status = app.screen.query_one("#status")
        assert status.styles.height is not None and status.styles.height.value == 1
        assert isinstance(status.styles.background, Color)


async def test_q_is_a_letter_in_a_notes_field_and_quits_on_the_board(sales: Workspace) -> None:
    """`typing_in` knows a text area without importing TextArea up front."""
    app = PipetuiApp(sales, watch=False, first=first_board(sales))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert not typing_in(app.focused) and not has_selection(app.focused)
        await pilot.press("n")
        await settle(pilot)
        assert "textual.widgets._text_area" in sys.modules  # the form has a notes area
        notes = app.screen.query_one("#input-notes")
        notes.focus()
        await settle(pilot)
        assert typing_in(app.focused)
        await pilot.press("q")
        await settle(pilot)
        assert app.is_running and type(app.screen).__name__ == "DealForm"
