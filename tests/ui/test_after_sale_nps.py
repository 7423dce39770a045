"""The funnel screen's "After the sale" shows the last six months' NPS on one
line ("NPS by month  Jun — · … · Nov +100"), read in the section's worker
with the other figures; narrowed to a segment, it is that segment's, and ROI
by tag shows no spend and says why."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets import Static
from ui_helpers import make_app, press, settle

from pipetui.domain.money import Money
from pipetui.domain.segments import DealSegment
from pipetui.services import contacts, deals
from pipetui.services.customers import customers_report
from pipetui.services.reports import ALL_TIME, SPEND_NOTE, set_source_spend
from pipetui.services.touchpoints import log_touchpoint
from pipetui.services.workspace import Workspace
from pipetui.ui.widgets.after_sale_section import AfterSaleSection, after_sale_content

SIZE = (160, 60)


def text_of(pilot: Pilot[None], selector: str) -> str:
    return str(pilot.app.screen.query_one(selector, Static).render())


@pytest.fixture
def answered(sales: Workspace, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    """דנה כהן answers 10 in November; a stranger answered 0 in July."""
    monkeypatch.setenv("PIPETUI_NOW", "2026-07-15T10:00:00+00:00")
    contacts.add_contact(sales.db, name="Stranger")
    log_touchpoint(sales.db, contact="Stranger", kind="survey", score=0)
    monkeypatch.setenv("PIPETUI_NOW", "2026-11-20T10:00:00+00:00")
    log_touchpoint(sales.db, contact="דנה כהן", kind="survey", score=10)
    return sales


async def test_the_last_six_months_nps_on_one_line(answered: Workspace) -> None:
    async with make_app(answered).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "F")
        await settle(pilot)
        section = pilot.app.screen.query_one(AfterSaleSection)
        assert [m for m, _ in section.nps_months] == [
            "2026-06",
            "2026-07",
            "2026-08",
            "2026-09",
            "2026-10",
            "2026-11",
        ]
        line = next(
            row for row in text_of(pilot, "#after-sale").splitlines() if "NPS by month" in row
        )
        assert line.split("NPS by month")[1].strip() == (
            "Jun — · Jul -100 · Aug — · Sep — · Oct — · Nov +100"
        )


async def test_a_segment_narrows_the_section(answered: Workspace) -> None:
    contacts.tag_contact(answered.db, "דנה כהן", ["+vip"])
    async with make_app(answered).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "F")
        await settle(pilot)
        section = pilot.app.screen.query_one(AfterSaleSection)
        section.load(answered, ALL_TIME, segment=DealSegment(tags=("VIP",), contact_tags=True))
        await settle(pilot)
        assert [v.answers for _, v in section.nps_months] == [0, 0, 0, 0, 0, 1]
        assert section.report is not None and section.report.tags == ("VIP",)


def test_roi_by_tag_says_why_spend_is_not_shown(sales: Workspace) -> None:
    contacts.tag_contact(sales.db, "דנה כהן", ["+vip"])
    won = next(iter(deals.search_deals(sales.db, "Website redesign")))
    deals.win_deal(sales.db, won.deal.id)
    set_source_spend(sales.db, source="Web", month="2026-11", amount=Money(10_000, "USD"))
    report = customers_report(sales.db, tags=("vip",))
    assert report.spend_note == SPEND_NOTE
    assert [(r.won_minor, r.spend_minor, r.roi) for r in report.returns] == [(120_050, None, None)]
    text = str(after_sale_content(report))
    assert "spend —" in text and f"spend and ROI —: {SPEND_NOTE}" in text
    assert "NPS by month" not in text
