"""The funnel in the TUI: the pane beside the board (f) follows every move,
and the full screen (F) shows forecast, sources and journey for a period."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Static
from ui_helpers import board, make_app, press, settle

from pipetui.domain.money import Money
from pipetui.services import deals
from pipetui.services.demo import load_demo
from pipetui.services.reports import funnel_report
from pipetui.services.workspace import Workspace
from pipetui.ui.screens.funnel import FunnelScreen, quarter_start
from pipetui.ui.screens.welcome import WelcomeScreen
from pipetui.ui.widgets.funnel_pane import FunnelPane

SIZE = (160, 50)


def pane_text(pilot: Pilot[None]) -> str:
    """What the pane shows, as plain text."""
    pane = pilot.app.screen.query_one(FunnelPane)
    return str(pane.render())


async def test_f_shows_the_funnel_and_hides_it_again(sales: Workspace) -> None:
    async with make_app(sales).run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = board(pilot).query_one(FunnelPane)
        assert not pane.display
        await press(pilot, "f")
        assert pane.display
        text = pane_text(pilot)
        # Sales: 5 deals; three entered at Proposal and one at Negotiation,
        # so every stage before them was reached by them too.
        assert "Funnel · Sales · all time" in text
        assert "Prospecting" in text and "Negotiation" in text
        expected = funnel_report(sales.db).funnel
        assert [s.reached for s in expected.stages] == [5, 4, 4, 4, 4, 1]
        assert "25.0 %" in text  # Proposal → Negotiation: 1 of 4
        assert "◀ bottleneck" in text
        await press(pilot, "f")
        assert not pane.display


async def test_the_pane_follows_a_deal_moved_on_the_board(sales: Workspace) -> None:
    async with make_app(sales).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f")
        before = funnel_report(sales.db).funnel
        assert before.stages[5].reached == 1
        # The first column's card (Cold lead) goes all the way to Negotiation.
        await press(pilot, "L", "L", "L", "L", "L")
        after = funnel_report(sales.db).funnel
        assert after.stages[5].reached == 2
        assert "Negotiation" in pane_text(pilot)
        pane = board(pilot).query_one(FunnelPane)
        assert pane.report is not None
        assert pane.report.funnel == after


async def test_winning_a_deal_shows_in_the_win_rate(sales: Workspace) -> None:
    async with make_app(sales).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f")
        assert "Win rate      —" in pane_text(pilot)
        await press(pilot, "w")
        assert "Win rate      100.0 %" in pane_text(pilot)
        assert "Won/lost/open 1 / 0 / 4" in pane_text(pilot)


async def test_an_empty_pipeline_shows_dashes_not_errors(workspace: Workspace) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        if isinstance(app.screen, WelcomeScreen):  # an empty database greets first
            await press(pilot, "escape")
        await press(pilot, "f")
        text = pane_text(pilot)
        assert "Win rate      —" in text
        assert "Overall       —" in text
        assert "Open value    —" in text


async def test_the_funnel_screen_changes_period_and_pipeline(sales: Workspace) -> None:
    deals.add_deal(sales.db, title="Consulting gig", value=Money(5_000, "USD"))
    async with make_app(sales).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "F")
        screen = pilot.app.screen
        assert isinstance(screen, FunnelScreen)
        figures = screen.figures
        assert figures is not None
        assert figures.report.period.since is None
        text = str(screen.query_one("#funnel-figures", Static).render())
        assert "Forecast by expected close month" in text
        assert "Lead sources" in text
        assert "Contacts by furthest journey stage" in text
        await press(pilot, "t")
        assert screen.figures is not None
        period = screen.figures.report.period
        assert (period.since, period.until) == (date(2026, 10, 1), date(2026, 11, 20))
        assert "2026-10-01 – 2026-11-20" in str(
            screen.query_one("#funnel-figures", Static).render()
        )
        await press(pilot, "escape")
        assert not isinstance(pilot.app.screen, FunnelScreen)


@pytest.mark.parametrize("day,start", [("2026-11-20", "2026-10-01"), ("2026-03-31", "2026-01-01")])
def test_a_quarter_starts_on_its_first_month(day: str, start: str) -> None:
    assert quarter_start(date.fromisoformat(day)) == date.fromisoformat(start)


def test_the_pane_with_demo_data(snap_compare: Any, workspace: Workspace) -> None:
    load_demo(workspace.db)

    async def open_pane(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)

    assert snap_compare(make_app(workspace), terminal_size=SIZE, run_before=open_pane)


def test_the_pane_of_an_empty_pipeline(snap_compare: Any, sales: Workspace) -> None:
    from pipetui.services.pipelines import add_pipeline

    add_pipeline(sales.db, name="Consulting — ייעוץ")

    async def empty_pane(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)

    assert snap_compare(make_app(sales), terminal_size=SIZE, run_before=empty_pane)
