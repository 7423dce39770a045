"""A seller whose terminal is set up with NO_COLOR (https://no-color.org) gets
the board in greys: the cards too, though a column draws its own lines without
Textual's per-line styling (a stage move's speed, issue 21)."""

from __future__ import annotations

import pytest
from rich.color import Color
from textual.geometry import Region
from textual.pilot import Pilot
from ui_helpers import board, make_app, settle

from pipetui.services.workspace import Workspace


def _rgb(colour: Color | None) -> tuple[int, int, int] | None:
    if colour is None or colour.triplet is None:
        return None
    return (colour.triplet.red, colour.triplet.green, colour.triplet.blue)


def drawn(pilot: Pilot[None]) -> tuple[str, set[tuple[int, int, int]]]:
    """The focused column as the compositor gets it: its text, and every
    foreground and background colour in it."""
    deal_list = board(pilot).deal_list
    assert deal_list is not None and deal_list.total > 0
    strips = deal_list.render_lines(Region(0, 0, deal_list.size.width, deal_list.size.height))
    segments = [segment for strip in strips for segment in strip]
    colours = {
        found
        for segment in segments
        if segment.style is not None
        for found in (_rgb(segment.style.color), _rgb(segment.style.bgcolor))
        if found is not None
    }
    return "".join(segment.text for segment in segments), colours


async def test_cards_are_drawn_in_greys_under_no_color(
    sales: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    async with make_app(sales).run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        text, colours = drawn(pilot)
        card = board(pilot).card
        assert card is not None and card.title[:6] in text  # (the cards are there)
        assert colours, "the cards have colours to turn grey"
        assert all(red == green == blue for red, green, blue in colours), colours


async def test_cards_keep_their_colours_without_it(sales: Workspace) -> None:
    async with make_app(sales).run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        _, colours = drawn(pilot)
        assert any(not red == green == blue for red, green, blue in colours), colours
