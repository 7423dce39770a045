"""Usable at 80×24 (and at 100×30, 160×50): the footer shows whole keys and
always `? Keys`; columns keep a readable width and the board scrolls to the
active one (from the keys, and from the command palette); forms show their
heading when they open and scroll to the field that has focus; nothing wraps
that should stay on one line, and what is cut ends with "…"."""

from __future__ import annotations

import pytest
from rich.cells import cell_len
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Label, OptionList, Static
from textual.widgets._footer import FooterKey
from ui_helpers import board, column, make_app, press, settle, type_text

from pipetui.domain.bidi import visual
from pipetui.domain.money import Money
from pipetui.services import deals
from pipetui.services.deal_query import DealFilter, list_deals
from pipetui.services.demo import load_demo
from pipetui.services.pipelines import add_stage
from pipetui.services.workspace import Workspace
from pipetui.ui.screens.attention import AttentionScreen
from pipetui.ui.screens.bant_form import BantForm
from pipetui.ui.screens.deal_form import DealForm
from pipetui.ui.screens.funnel import FunnelScreen
from pipetui.ui.screens.help import HelpScreen
from pipetui.ui.widgets.board_columns import MIN_COLUMN_WIDTH
from pipetui.ui.widgets.funnel_pane import FunnelPane
from pipetui.ui.widgets.key_footer import KeyFooter
from pipetui.ui.widgets.stage_column import HEADER_HELP, HEADER_LINES, header_tooltip

SMALL = (80, 24)


@pytest.fixture
def demo(workspace: Workspace) -> Workspace:
    """The demo data: six stages of Sales, long names in many scripts."""
    load_demo(workspace.db)
    return workspace


def footer_keys(pilot: Pilot[None]) -> list[tuple[str, str]]:
    """(key, description) of each key the footer shows, left to right."""
    footer = pilot.app.screen.query_one(KeyFooter)
    return [(k.key_display, k.description) for k in footer.query(FooterKey)]


def screen_text(pilot: Pilot[None]) -> list[str]:
    """The screen's rows as plain text."""
    strips = pilot.app.screen._compositor.render_strips()
    return ["".join(segment.text for segment in strip) for strip in strips]


def shows(outer: Widget, inner: Widget) -> bool:
    """Whether `inner` is drawn whole inside `outer`'s visible region."""
    return inner.region.height > 0 and outer.region.contains_region(inner.region)


def on_screen(outer: Widget, inner: Widget) -> int:
    """How many of `inner`'s columns of cells `outer` shows."""
    return inner.region.intersection(outer.region).width


# -- the footer ------------------------------------------------------------


async def test_the_footer_at_80x24_shows_whole_keys_and_ends_with_help(demo: Workspace) -> None:
    async with make_app(demo).run_test(size=SMALL) as pilot:
        await settle(pilot)
        keys = footer_keys(pilot)
        bottom = screen_text(pilot)[-1]

    assert keys[-1] == ("?", "Keys")
    for key, description in [("⏎", "Open"), ("n", "New"), ("e", "Edit"), ("u", "Undo")]:
        assert (key, description) in keys
    # every key is drawn whole: no word cut at the terminal's edge
    assert bottom.rstrip().endswith("? Keys"), bottom
    for _, description in keys:
        assert description in bottom


async def test_the_footer_at_160x50_has_room_for_every_key(demo: Workspace) -> None:
    async with make_app(demo).run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        keys = dict(footer_keys(pilot))

    for key in ("C", "a", "f", "q", "u", "/", "L"):
        assert key in keys, keys
    assert list(keys)[-1] == "?"


async def test_other_screens_footers_end_with_help_at_80x24(demo: Workspace) -> None:
    """Contacts, Today, the funnel screen: `? Keys` last, whole keys before it.
    (Where a text field has focus, `?` types a "?" and the footer says so by
    not offering it: the import screen's path field.)"""
    async with make_app(demo).run_test(size=SMALL) as pilot:
        await settle(pilot)
        for key in ("C", "a", "F", "I"):
            await press(pilot, key)
            keys, bottom = footer_keys(pilot), screen_text(pilot)[-1].rstrip()
            if key != "I":
                assert keys[-1] == ("?", "Keys"), pilot.app.screen
            assert bottom.endswith(keys[-1][1]), bottom
            assert all(description in bottom for _, description in keys)
            await press(pilot, "escape")


# -- columns and scrolling -------------------------------------------------


async def test_columns_keep_a_readable_width_and_the_board_scrolls_to_the_active_one(
    demo: Workspace,
) -> None:
    async with make_app(demo).run_test(size=SMALL) as pilot:
        await settle(pilot)
        area = board(pilot).board_columns
        widths = {c.size.width for c in board(pilot).columns.values()}
        whole = [c for c in board(pilot).columns.values() if shows(area, c)]
        cut = [
            c
            for c in board(pilot).columns.values()
            if 0 < on_screen(area, c) < c.region.width  # partly on screen
        ]
        assert min(widths) >= MIN_COLUMN_WIDTH - 1  # (less the column's edge)
        assert len(whole) == 3 and not cut

        await press(pilot, "l", "l", "l", "l", "l")  # to Negotiation, the sixth

        active = board(pilot).columns[board(pilot).active or 0]
        assert active.summary.stage.name == "Negotiation"
        assert shows(area, active)
        assert "Negotiation" in screen_text(pilot)[1]

        await press(pilot, "h", "h", "h", "h", "h")

        assert shows(area, column(pilot, "Prospecting"))


async def test_the_funnel_pane_narrows_so_two_columns_stay_readable(demo: Workspace) -> None:
    async with make_app(demo).run_test(size=SMALL) as pilot:
        await settle(pilot)
        await press(pilot, "f")
        pane = pilot.app.screen.query_one(FunnelPane)
        area = board(pilot).board_columns
        seen = [c for c in board(pilot).columns.values() if on_screen(area, c)]
        text = str(pane.render())

        assert all(shows(area, c) for c in seen)
        assert len(seen) == 2
        assert min(c.region.width for c in seen) >= MIN_COLUMN_WIDTH
        # no line of the pane wraps: each fits its width
        assert pane.size.width < 46
        assert max(cell_len(line) for line in text.splitlines()) <= pane.content_size.width


async def test_at_160x50_the_funnel_pane_leaves_whole_columns(demo: Workspace) -> None:
    async with make_app(demo).run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await press(pilot, "f")
        area = board(pilot).board_columns
        seen = [c for c in board(pilot).columns.values() if on_screen(area, c)]

        assert all(shows(area, c) for c in seen)
        assert min(c.region.width for c in seen) >= MIN_COLUMN_WIDTH
        assert not shows(area, column(pilot, "Negotiation"))  # scrolled to, not squeezed


async def test_a_deal_chosen_in_the_palette_is_scrolled_into_view(demo: Workspace) -> None:
    """The deal is in the last column, off screen at 80×24."""
    negotiation = list_deals(demo.db, DealFilter(pipeline="Sales", stage="Negotiation"))
    assert negotiation
    title = negotiation[0].deal.title
    async with make_app(demo).run_test(size=SMALL) as pilot:
        await settle(pilot)
        assert not shows(board(pilot).board_columns, column(pilot, "Negotiation"))

        await press(pilot, "ctrl+p")
        await type_text(pilot, title)
        for _ in range(100):  # the palette searches in a worker
            await pilot.pause(0.02)
            if f"Deal: {title}" in "\n".join(screen_text(pilot)):
                break
        await press(pilot, "enter")
        await settle(pilot)

        card = board(pilot).card
        assert card is not None and card.title == title
        assert shows(board(pilot).board_columns, column(pilot, "Negotiation"))


# -- forms -----------------------------------------------------------------


async def test_the_new_deal_form_opens_with_its_heading_and_scrolls_to_each_field(
    demo: Workspace,
) -> None:
    async with make_app(demo).run_test(size=SMALL) as pilot:
        await settle(pilot)
        await press(pilot, "n")
        form = pilot.app.screen
        assert isinstance(form, DealForm)
        box = form.query_one(".form")
        heading = form.query_one(".form-title", Label)

        assert shows(box, heading)
        assert "New deal in Prospecting" in "\n".join(screen_text(pilot))
        for _ in range(8):
            focused = pilot.app.focused
            assert focused is not None and shows(box, focused), focused
            await press(pilot, "tab")


async def test_the_bant_form_reaches_timeline_with_the_score_and_keys_in_view(
    demo: Workspace,
) -> None:
    async with make_app(demo).run_test(size=SMALL) as pilot:
        await settle(pilot)
        await press(pilot, "b")
        form = pilot.app.screen
        assert isinstance(form, BantForm)
        answers = form.query_one(".bant-answers")
        timeline = form.query_one("#input-timeline-date")
        for _ in range(12):
            focused = pilot.app.focused
            assert focused is not None and shows(answers, focused), focused
            if focused is timeline:
                break
            await press(pilot, "tab")

        assert pilot.app.focused is timeline
        text = "\n".join(screen_text(pilot))
        assert "Timeline" in text and "ctrl+s save" in text and "%" in text
        assert shows(pilot.app.screen, form.query_one(".bant-keys"))


# -- lines that must not wrap ----------------------------------------------


async def test_today_rows_stay_on_one_line_at_80x24(demo: Workspace) -> None:
    async with make_app(demo).run_test(size=SMALL) as pilot:
        await settle(pilot)
        await press(pilot, "a")
        assert isinstance(pilot.app.screen, AttentionScreen)
        listing = pilot.app.screen.query_one(OptionList)
        rows = screen_text(pilot)[listing.region.y : listing.region.bottom]

    shown = [row for row in rows if row.strip()]
    assert shown
    starts = ("   overdue", "   today", "   idle", "   ● qualified")
    for row in shown:  # an item or a heading: never the wrapped end of an item
        assert row.startswith(starts) or not row.startswith("  "), row
    assert any(row.rstrip().endswith("…") for row in shown)


async def test_forecast_and_source_lines_fit_at_80x24(demo: Workspace) -> None:
    async with make_app(demo).run_test(size=SMALL) as pilot:
        await settle(pilot)
        await press(pilot, "F")
        assert isinstance(pilot.app.screen, FunnelScreen)
        figures = pilot.app.screen.query_one("#funnel-figures", Static)
        text = str(figures.render())
        width = figures.content_size.width

    assert "Forecast by expected close month" in text
    assert max(cell_len(line) for line in text.splitlines()) <= width


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (160, 50)], ids=str)
async def test_column_headers_never_wrap_and_say_what_was_left_out(
    workspace: Workspace, size: tuple[int, int]
) -> None:
    """Many currencies in one stage, a long Hebrew stage name: the header keeps
    whole figures, ends with "…" when some are left out, and never a " ·"."""
    add_stage(
        workspace.db,
        pipeline=None,
        name="משא ומתן ארוך מאוד עם הלקוח",
        probability=70,
        rotting_days=14,
    )
    for currency in ("USD", "EUR", "ILS", "GBP", "JPY", "CHF"):
        deals.add_deal(
            workspace.db,
            title=f"Deal in {currency}",
            value=Money(123_456_700, currency),
            stage="משא ומתן ארוך מאוד עם הלקוח",
        )
    async with make_app(workspace).run_test(size=size) as pilot:
        await settle(pilot)
        header = next(
            c for c in board(pilot).columns.values() if c.summary.stage.name.startswith("משא")
        )
        board(pilot).activate(header.summary.stage.id)
        await settle(pilot)
        drawn = header.header_text()
        tooltip = str(header_tooltip(header.summary))
        width = header.outer_size.width

    assert len(drawn) == HEADER_LINES
    # One cell of room each side of the figures, then the column's border.
    lines = [line[1:-2] for line in drawn]
    for line, whole in zip(lines, drawn, strict=True):
        assert cell_len(whole) == width, whole
        assert whole[0] == whole[-2] == " ", whole
        assert not line.rstrip().endswith("·"), line
    assert lines[1].rstrip().endswith("…") and lines[2].rstrip().endswith("…")
    assert visual("משא ומתן ארוך מאוד עם הלקוח") in tooltip  # laid out (DESIGN §6)
    assert "Weighted at 70 % win probability" in tooltip
    assert "Rotting after 14 days" in tooltip


async def test_a_count_like_3_of_2_is_explained_in_the_tooltip_and_in_help(
    sales: Workspace,
) -> None:
    """With closed deals shown, Proposal shows 3 cards of which 2 are open."""
    from pipetui.services.deals import win_deal

    won = next(v for v in list_deals(sales.db) if v.deal.title == "Pilot project")
    win_deal(sales.db, won.deal.id)
    async with make_app(sales).run_test(size=SMALL) as pilot:
        await settle(pilot)
        await press(pilot, "c")
        header = column(pilot, "Proposal")
        assert header.header_text()[0][:-2].rstrip().endswith("3/2")
        board(pilot).activate(header.stage_id)  # (scrolled to: off screen at this size)
        await settle(pilot)
        await pilot.hover(header, offset=(2, 0))
        assert "3 cards shown (closed deals with c, or a filter) of 2 open deals" in str(
            header.tooltip
        )

        await press(pilot, "question_mark")
        assert isinstance(pilot.app.screen, HelpScreen)
        text = str(pilot.app.screen.content)

    assert HEADER_HELP in text
    assert '"3/2": 3 cards shown' in text


async def test_the_touchpoint_form_opens_with_its_heading_at_80x24(demo: Workspace) -> None:
    """Every modal form (here the prompt behind t): heading in view at open,
    the field with focus in view as tab moves on."""
    async with make_app(demo).run_test(size=SMALL) as pilot:
        await settle(pilot)
        await press(pilot, "t")
        box = pilot.app.screen.query_one(".form")

        assert shows(box, pilot.app.screen.query_one(".form-title", Label))
        for _ in range(6):
            focused = pilot.app.focused
            assert focused is not None and shows(box, focused), focused
            await press(pilot, "tab")
