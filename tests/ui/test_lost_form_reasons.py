"""Issue 19 in the TUI: the lost form (x) offers the reasons already used,
completed as you type in any script; the funnel screen (F) says why deals
are lost, as `pipetui report losses` does; velocity says why it is withheld."""

from __future__ import annotations

from textual.widgets import Label, Static
from ui_helpers import focus_card, make_app, press, settle

from pipetui.domain.deal_status import DealStatus
from pipetui.services import deals
from pipetui.services.deal_query import list_deals
from pipetui.services.workspace import Workspace
from pipetui.store import deals as deal_store
from pipetui.ui.screens.funnel import FunnelScreen
from pipetui.ui.screens.lost_form import LostForm
from pipetui.ui.widgets.losses_section import LossesSection

SIZE = (160, 50)


def deal_id(workspace: Workspace, title: str) -> int:
    return next(v.deal.id for v in list_deals(workspace.db) if v.deal.title == title)


def status_and_reason(workspace: Workspace, deal: int) -> tuple[DealStatus, str | None]:
    with workspace.db.read() as conn:
        view = deal_store.get_view(conn, deal)
    return view.deal.status, view.deal.lost_reason


async def test_x_offers_the_reasons_used_before_and_completes_a_hebrew_one(
    sales: Workspace,
) -> None:
    deals.lose_deal(sales.db, deal_id(sales, "Pilot project"), reason="מחיר גבוה מדי")
    deals.lose_deal(sales.db, deal_id(sales, "Support plan"), reason="Went with a competitor")
    cold = deal_id(sales, "Cold lead")
    async with make_app(sales).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await focus_card(pilot, "Prospecting", "Cold lead")
        await press(pilot, "x")
        form = pilot.app.screen
        assert isinstance(form, LostForm)
        await settle(pilot)
        assert sorted(form.reasons) == sorted(["מחיר גבוה מדי", "Went with a competitor"])
        hint = str(form.query_one("#lost-reasons", Label).render())
        assert hint.startswith("used before: ")
        # Typing the start of a reason used before and → takes the whole of it.
        await press(pilot, "מ", "ח")
        await settle(pilot)
        await press(pilot, "right")
        assert form.fields["reason"].value == "מחיר גבוה מדי"
        await press(pilot, "enter")
        await settle(pilot)
    assert status_and_reason(sales, cold) == (DealStatus.LOST, "מחיר גבוה מדי")


async def test_a_new_reason_can_still_be_typed_and_case_does_not_matter(
    sales: Workspace,
) -> None:
    deals.lose_deal(sales.db, deal_id(sales, "Support plan"), reason="Price too high")
    cold = deal_id(sales, "Cold lead")
    async with make_app(sales).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await focus_card(pilot, "Prospecting", "Cold lead")
        await press(pilot, "x")
        form = pilot.app.screen
        assert isinstance(form, LostForm)
        await settle(pilot)
        await press(pilot, *"PR")
        await settle(pilot)
        assert form.fields["reason"].input._suggestion.casefold() == "price too high"
        await press(pilot, *"esent budget cut")  # ignores the completion
        await press(pilot, "enter")
        await settle(pilot)
    assert status_and_reason(sales, cold) == (DealStatus.LOST, "PResent budget cut")


async def test_the_funnel_screen_says_why_deals_are_lost(sales: Workspace) -> None:
    deals.lose_deal(sales.db, deal_id(sales, "Pilot project"), reason="מחיר גבוה מדי")
    deals.lose_deal(sales.db, deal_id(sales, "Support plan"), reason="מחיר גבוה מדי")
    deals.lose_deal(sales.db, deal_id(sales, "Cold lead"), reason="[b]Timing[/b]")
    async with make_app(sales).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "F")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, FunnelScreen)
        text = str(screen.query_one(LossesSection).render())
        assert "Why deals are lost" in text
        assert "Lost 3 · value €100.00 · ₪12,000.00 · $900.00" in text
        # Hebrew laid out by rtl.field (visual order on screen), markup kept literal.
        assert "[b]Timing[/b]" in text
        assert "66.7 %" in text and "33.3 %" in text
        assert "Proposal" in text and "Negotiation" in text
        figures = str(screen.query_one("#funnel-figures", Static).render())
        assert "— (needs 5 won deals, has 0)" in figures
