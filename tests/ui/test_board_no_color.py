"""A seller whose terminal is set up with NO_COLOR (https://no-color.org) gets
the board in greys: the cards too, though a column draws its own lines without
Textual's per-line styling (a stage move's speed, issue 21)."""

from __future__ import annotations

import pytest
from rich.color import Color
from textual.geometry import Region
from ui_helpers import board, make_app, settle

from pipetui.services.workspace import Workspace


def _colours(colour: Color | None) -> tuple[int, int, int] | None:
    if colour is None or colour.triplet is None:
        return None
    return (colour.triplet.red, colour.triplet.green, colour.triplet.blue)


async def test_cards_are_drawn_in_greys_under_no_color(
    sales: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    async with make_app(sales).run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        deal_list = board(pilot).deal_list
        assert deal_list is not None and deal_list.total > 0
        drawn = deal_list.render_lines(Region(0, 0, deal_list.size.width, deal_list.size.height))
        text = "".join(segment.text for strip in drawn for segment in strip)
        card = board(pilot).card
        assert card is not None and card.title[:6] in text  # (the cards are there)
        colours = {
            found
            for strip in drawn
            for segment in strip
            if segment.style is not None
            for found in (_colours(segment.style.color), _colours(segment.style.bgcolor))
            if found is not None
        }
        assert colours, "the cards have colours to turn grey"
        assert all(red == green == blue for red, green, blue in colours), colours


async def test_cards_keep_their_colours_without_it(sales: Workspace) -> None:
    async with make_app(sales).run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        deal_list = board(pilot).deal_list
        assert deal_list is not None
        drawn = deal_list.render_lines(Region(0, 0, deal_list.size.width, deal_list.size.height))
        colours = {
            found
            for strip in drawn
            for segment in strip
            if segment.style is not None
            for found in (_colours(segment.style.color), _colours(segment.style.bgcolor))
            if found is not None
        }
        assert any(not red == green == blue for red, green, blue in colours), colours
