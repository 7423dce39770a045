"""The funnel screen (F): `c` compares the period shown with the one just
before ("then → now (change)", the same arithmetic as `report … --compare
previous`), and "After the sale" shows customers, lifetime value, churn, the
journey after purchase and NPS for the same period."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets import Static
from ui_helpers import make_app, press, settle

from pipetui.domain.money import Money
from pipetui.services import deals
from pipetui.services.touchpoints import log_touchpoint
from pipetui.services.workspace import Workspace
from pipetui.ui.screens.funnel import FunnelScreen
from pipetui.ui.widgets.after_sale_section import AfterSaleSection
from pipetui.ui.widgets.compare_section import CompareSection

SIZE = (160, 60)


def text_of(pilot: Pilot[None], selector: str) -> str:
    return str(pilot.app.screen.query_one(selector, Static).render())


@pytest.fixture
def october_and_november(sales: Workspace, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    """A deal lost in October; in November (the fixture's deals) דנה כהן's
    website redesign is won and she gives a 10."""
    monkeypatch.setenv("PIPETUI_NOW", "2026-10-20T10:00:00+00:00")
    lost = deals.add_deal(sales.db, title="October try", value=Money(50_000, "USD"))
    deals.lose_deal(sales.db, lost.view.deal.id, reason="Price")
    monkeypatch.setenv("PIPETUI_NOW", "2026-11-20T10:00:00+00:00")
    won = next(
        v for v in deals.search_deals(sales.db, "Website redesign") if v.deal.title.startswith("W")
    )
    deals.win_deal(sales.db, won.deal.id)
    log_touchpoint(sales.db, contact="דנה כהן", kind="survey", score=10)
    return sales


async def test_c_compares_this_month_with_the_one_before(october_and_november: Workspace) -> None:
    async with make_app(october_and_november).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "F")
        screen = pilot.app.screen
        assert isinstance(screen, FunnelScreen)
        section = screen.query_one(CompareSection)
        assert not section.display
        await press(pilot, "m", "c")
        await settle(pilot)
        assert section.display
        text = text_of(pilot, "#funnel-compare")
        assert "Compared with 2026-10-12 – 2026-10-31" in text
        assert "0.0 % → 100.0 % (+100.0 pts)" in text  # win rate: 0 of 1, then 1 of 1
        assert "conversion Proposal" in text
        lines = [line for line in text.splitlines() if line.strip().startswith("lost")]
        assert lines and "1 → 0 (−1)" in lines[0]
        await press(pilot, "c")
        assert not section.display


async def test_all_time_has_nothing_to_compare_with(sales: Workspace) -> None:
    async with make_app(sales).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "F", "c")
        await settle(pilot)
        assert "pick a period first" in text_of(pilot, "#funnel-compare")


async def test_after_the_sale_shows_the_customers_figures(october_and_november: Workspace) -> None:
    async with make_app(october_and_november).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "F")
        await settle(pilot)
        section = pilot.app.screen.query_one(AfterSaleSection)
        assert section.report is not None
        assert section.report.customers == 1
        text = text_of(pilot, "#after-sale")
        assert "After the sale" in text
        assert "Customers 1 · repeat 0" in text
        assert "LTV USD" in text and "$1,200.50" in text
        assert "NPS +100 (1 answer" in text
        assert "customers" in text and "advocates" in text
