"""Acting on a deal from its detail (enter on a card): every key that acts on
the deal on the board acts on it here too, through the same undoable,
version-checked path. The detail then shows the deal as it is now; won, lost
and delete close it, back to the board where the deal has gone.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from textual.app import App
from textual.pilot import Pilot
from ui_helpers import column, focus_card, make_app, press, settle, titles, type_text

from pipetui.domain.bidi import visual
from pipetui.domain.deal_status import DealStatus
from pipetui.domain.journey import kind_label
from pipetui.domain.money import Money
from pipetui.services import deals as deal_service
from pipetui.services.workspace import Workspace
from pipetui.ui.screens.board import BoardScreen
from pipetui.ui.screens.deal_detail import DealDetailScreen
from pipetui.ui.screens.deal_form import DealForm
from pipetui.ui.screens.help import HelpScreen
from pipetui.ui.screens.prompt import PromptForm
from pipetui.ui.screens.timeline import TimelineScreen

SIZE = (160, 50)


def detail(pilot: Pilot[None]) -> DealDetailScreen:
    """The deal's detail, which must be the screen on top."""
    screen = pilot.app.screen
    assert isinstance(screen, DealDetailScreen), f"expected the detail, got {screen!r}"
    return screen


def text(pilot: Pilot[None]) -> str:
    """What the detail says, as plain text."""
    return detail(pilot).content.plain


def section(pilot: Pilot[None], name: str, following: str) -> str:
    """One section of the detail ("Touchpoints" up to "Follow-ups")."""
    shown = text(pilot)
    return shown[shown.index(name) : shown.index(following) if following else None]


def the_board(pilot: Pilot[None]) -> BoardScreen:
    """The board, under whatever is open."""
    screen = pilot.app.screen_stack[0]
    assert isinstance(screen, BoardScreen)
    return screen


def toasts(app: App[Any]) -> list[str]:
    """What the toasts say (a detail is open, so notes are toasts)."""
    return [n.message for n in app._notifications]


def status_of(ws: Workspace, deal_id: int) -> DealStatus:
    return deal_service.show_deal(ws.db, deal_id).view.deal.status


async def open_detail(pilot: Pilot[None], stage: str, title: str) -> int:
    """Put the cursor on a card and press enter; return the deal id."""
    await settle(pilot)
    deal_id = await focus_card(pilot, stage, title)
    await press(pilot, "enter")
    assert detail(pilot).deal.id == deal_id
    return deal_id


async def test_o_in_the_detail_plans_the_next_step_shown_there_and_on_the_card(
    sales: Workspace,
) -> None:
    async with make_app(sales).run_test(size=SIZE) as pilot:
        deal_id = await open_detail(pilot, "Proposal", "Website redesign")
        assert "none" in section(pilot, "Follow-ups", "")

        await press(pilot, "o")
        form = pilot.app.screen
        assert isinstance(form, PromptForm)
        await type_text(pilot, "לשלוח הצעה")
        await press(pilot, "tab")
        form.fields["due"].input.value = "2026-11-27"
        await press(pilot, "enter")

        # Back on the detail, which shows the new follow-up.
        assert detail(pilot).deal.id == deal_id
        assert f"· 2026-11-27  {visual('לשלוח הצעה')}" in section(pilot, "Follow-ups", "")
        assert any("Next step for 'Website redesign'" in t for t in toasts(pilot.app))
        # The board under it read the card again: it shows the date.
        card = the_board(pilot).card
        assert card is not None and card.next_followup == date(2026, 11, 27)

        await press(pilot, "u")  # undo from the detail: it shows the deal as it is again
        assert "none" in section(pilot, "Follow-ups", "")
        assert deal_service.show_deal(sales.db, deal_id).followups == []


async def test_t_in_the_detail_logs_a_touch_with_the_deal_s_hebrew_contact(
    sales: Workspace,
) -> None:
    async with make_app(sales).run_test(size=SIZE) as pilot:
        deal_id = await open_detail(pilot, "Proposal", "Website redesign")

        await press(pilot, "t")
        form = pilot.app.screen
        assert isinstance(form, PromptForm)
        form.fields["kind"].input.value = "call"
        form.fields["summary"].input.value = "דיברנו על התקציב"
        await press(pilot, "enter")

        touches = deal_service.show_deal(sales.db, deal_id).touchpoints or []
        assert [(t.kind, t.summary, t.contact_id) for t in touches] == [
            ("call", "דיברנו על התקציב", 1)  # דנה כהן
        ]
        touchpoints = section(pilot, "Touchpoints", "Follow-ups")
        assert f"{kind_label('call')}  {visual('דיברנו על התקציב')}" in touchpoints


async def test_t_and_big_t_on_a_deal_without_a_contact_say_why_and_stay(
    sales: Workspace,
) -> None:
    async with make_app(sales).run_test(size=SIZE) as pilot:
        await open_detail(pilot, "Proposal", "Pilot project")
        await press(pilot, "t")
        assert "This deal has no contact (e adds one)" in toasts(pilot.app)
        await press(pilot, "T")
        detail(pilot)  # still here, nothing opened


async def test_big_t_opens_the_contact_s_timeline_and_escape_comes_back(
    sales: Workspace,
) -> None:
    async with make_app(sales).run_test(size=SIZE) as pilot:
        deal_id = await open_detail(pilot, "Proposal", "Annual licence")
        await press(pilot, "T")
        assert isinstance(pilot.app.screen, TimelineScreen)
        await press(pilot, "escape")
        assert detail(pilot).deal.id == deal_id


async def test_e_edits_from_the_detail_and_the_detail_shows_the_edit(sales: Workspace) -> None:
    async with make_app(sales).run_test(size=SIZE) as pilot:
        deal_id = await open_detail(pilot, "Proposal", "Annual licence")

        await press(pilot, "e")
        form = pilot.app.screen
        assert isinstance(form, DealForm)
        form.fields["title"].input.value = "Annual licence 2027"
        await press(pilot, "enter")

        assert detail(pilot).deal.id == deal_id
        assert text(pilot).startswith("Annual licence 2027")
        assert "Annual licence 2027" in titles(column_of(pilot, "Proposal"))

        await press(pilot, "u")
        assert text(pilot).startswith("Annual licence\n")


def column_of(pilot: Pilot[None], stage: str) -> Any:
    """A board column, read under the open detail."""
    for col in the_board(pilot).columns.values():
        if col.summary.stage.name == stage:
            return col
    raise AssertionError(stage)


async def test_l_moves_the_deal_and_the_detail_follows_it(sales: Workspace) -> None:
    async with make_app(sales).run_test(size=SIZE) as pilot:
        deal_id = await open_detail(pilot, "Proposal", "Annual licence")
        await press(pilot, "L")
        assert deal_service.show_deal(sales.db, deal_id).view.stage_name == "Negotiation"
        assert "Sales › Negotiation" in text(pilot)
        assert "Proposal → Negotiation" in section(pilot, "History", "Touchpoints")
        assert "Annual licence" in titles(column_of(pilot, "Negotiation"))


async def test_w_marks_the_deal_won_and_closes_to_the_board_u_undoes(sales: Workspace) -> None:
    async with make_app(sales).run_test(size=SIZE) as pilot:
        deal_id = await open_detail(pilot, "Proposal", "Annual licence")

        await press(pilot, "w")

        assert status_of(sales, deal_id) is DealStatus.WON
        assert isinstance(pilot.app.screen, BoardScreen)
        assert "Annual licence" not in titles(column(pilot, "Proposal"))
        assert any("won 'Annual licence'" in t and "u to undo" in t for t in toasts(pilot.app))

        await press(pilot, "u")
        assert status_of(sales, deal_id) is DealStatus.OPEN
        assert "Annual licence" in titles(column(pilot, "Proposal"))


async def test_x_asks_why_escape_stays_on_the_detail_a_reason_closes_it(
    sales: Workspace,
) -> None:
    async with make_app(sales).run_test(size=SIZE) as pilot:
        deal_id = await open_detail(pilot, "Prospecting", "Cold lead")

        await press(pilot, "x")
        assert isinstance(pilot.app.screen, PromptForm)
        await press(pilot, "escape")
        assert detail(pilot).deal.id == deal_id
        assert status_of(sales, deal_id) is DealStatus.OPEN

        await press(pilot, "x")
        form = pilot.app.screen
        assert isinstance(form, PromptForm)
        form.fields["reason"].input.value = "אין תקציב"
        await press(pilot, "enter")

        view = deal_service.show_deal(sales.db, deal_id).view
        assert (view.deal.status, view.deal.lost_reason) == (DealStatus.LOST, "אין תקציב")
        assert isinstance(pilot.app.screen, BoardScreen)


async def test_a_change_made_elsewhere_after_the_detail_was_read_is_refused(
    sales: Workspace,
) -> None:
    async with make_app(sales).run_test(size=SIZE) as pilot:
        deal_id = await open_detail(pilot, "Proposal", "Annual licence")
        # Another window moves the deal while this detail shows it (the change
        # watcher is off in tests, so the detail still shows Proposal).
        deal_service.move_deal(sales.db, deal_id, stage="Negotiation")

        await press(pilot, "w")

        assert status_of(sales, deal_id) is DealStatus.OPEN  # nothing written
        assert any("changed elsewhere" in t for t in toasts(pilot.app))
        # The detail stays, showing the deal as it is now.
        assert "Sales › Negotiation" in text(pilot)
        await press(pilot, "w")  # now it is what the user sees: it goes through
        assert status_of(sales, deal_id) is DealStatus.WON


async def test_closed_deal_keys_say_why_and_r_reopens_it_from_the_detail(
    sales: Workspace,
) -> None:
    lost = deal_service.add_deal(
        sales.db, title="Gone quiet", value=Money(100, "USD"), stage="Proposal"
    )
    deal_service.lose_deal(sales.db, lost.view.deal.id, reason="silence")
    async with make_app(sales).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "c")  # closed deals shown
        await focus_card(pilot, "Proposal", "Gone quiet")
        await press(pilot, "enter")
        await press(pilot, "w")
        assert "This deal is already lost" in toasts(pilot.app)
        assert detail(pilot).deal.status is DealStatus.LOST

        await press(pilot, "r")
        assert status_of(sales, lost.view.deal.id) is DealStatus.OPEN
        assert "Status  open" in text(pilot)


async def test_the_detail_s_keys_have_ids_and_show_in_the_footer_and_help(
    sales: Workspace,
) -> None:
    async with make_app(sales).run_test(size=SIZE) as pilot:
        await open_detail(pilot, "Proposal", "Annual licence")
        ids = {b.id for b in DealDetailScreen.BINDINGS if hasattr(b, "id")}
        assert {
            "detail.touch",
            "detail.followup",
            "detail.edit",
            "detail.won",
            "detail.lost",
            "detail.timeline",
            "detail.qualify",
            "detail.close",
        } <= ids
        footer = " ".join(str(w.render()) for w in pilot.app.screen.query("FooterKey"))
        for word in ("Log touch", "Next step", "Edit", "Won", "Lost"):
            assert word in footer, footer
        await press(pilot, "question_mark")
        assert isinstance(pilot.app.screen, HelpScreen)
