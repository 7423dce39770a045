"""The light theme (`theme = "textual-light"` in config.toml): the card's
contact, company and days are readable, the BANT form's text fields have a
visible box, and the footer's keys stand out (they were white on light grey,
boxless, and blue on grey)."""

from __future__ import annotations

from pathlib import Path

from contrast_helpers import AA, ratio, screen_lines
from rich.segment import Segment
from textual.pilot import Pilot
from textual.widgets import Input
from ui_helpers import focus_card, make_app, press, settle

from pipetui.services.settings import load_settings
from pipetui.services.workspace import Workspace
from pipetui.ui.screens.bant_form import BantForm

LIGHT = "textual-light"


def _light(sales: Workspace, tmp_path: Path) -> Workspace:
    """The `sales` data, opened with the light theme read from a config file."""
    config = tmp_path / "config.toml"
    config.write_text('theme = "textual-light"\n', encoding="utf-8")
    sales.settings = load_settings(config)
    return sales


def _segment(pilot: Pilot[None], text: str) -> Segment:
    for row in screen_lines(pilot.app):
        for segment in row:
            if text in segment.text:
                return segment
    raise AssertionError(f"{text!r} is not on screen")


def _contrast(segment: Segment) -> float:
    style = segment.style
    assert style is not None and style.color is not None and style.bgcolor is not None
    fg, bg = style.color.get_truecolor(), style.bgcolor.get_truecolor()
    return ratio((fg.red, fg.green, fg.blue), (bg.red, bg.green, bg.blue))


async def test_cards_contact_company_and_days_are_readable_in_the_light_theme(
    sales: Workspace, tmp_path: Path
) -> None:
    ws = _light(sales, tmp_path)
    async with make_app(ws).run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        assert pilot.app.current_theme.name == LIGHT

        company = _segment(pilot, "Omar Haddad")
        hebrew_company = _segment(pilot, "Negev")  # after דנה כהן, on her card
        days = _segment(pilot, "· 0d")
        await focus_card(pilot, "Proposal", "Annual licence")  # the cursor's colours too
        on_cursor = _segment(pilot, "Omar Haddad")

    for segment in (company, hebrew_company, days, on_cursor):
        assert _contrast(segment) >= AA, segment


async def test_bant_text_fields_have_a_visible_box_in_the_light_theme(
    sales: Workspace, tmp_path: Path
) -> None:
    ws = _light(sales, tmp_path)
    async with make_app(ws).run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await focus_card(pilot, "Proposal", "Website redesign")
        await press(pilot, "b")
        form = pilot.app.screen
        assert isinstance(form, BantForm)
        panel = form.query_one(".form").styles.background
        field = form.query_one("#input-budget-note", Input)
        (left_type, left), (right_type, right) = field.styles.border_left, field.styles.border_right

    assert left_type and right_type  # edges are drawn left and right
    for edge in (left, right):
        # WCAG 1.4.11: a control's boundary at 3:1 against what is around it
        assert ratio(edge.rgb, panel.rgb) >= 3, (edge, panel)


async def test_footer_keys_are_readable_in_the_light_theme(
    sales: Workspace, tmp_path: Path
) -> None:
    ws = _light(sales, tmp_path)
    async with make_app(ws).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        key = _segment(pilot, " ? ")

    assert _contrast(key) >= AA
