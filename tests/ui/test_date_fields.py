"""Typing a date as a seller says it (`+2w`, `tomorrow`, `fri`, `next month`,
Hebrew `מחר`) in the TUI's forms: the date it means shows on the field's label
line as you type, before anything is saved; what is saved is that date.

The clock is fixed at Friday 2026-11-20 10:00 UTC (tests/ui/conftest.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from textual.pilot import Pilot
from ui_helpers import focus_card, make_app, press, settle, type_text

from pipetui.services.contacts import contact_with_touchpoints
from pipetui.services.deals import show_deal
from pipetui.services.followups import list_followups
from pipetui.services.workspace import Workspace
from pipetui.ui.screens.bant_form import BantForm
from pipetui.ui.screens.deal_form import DealForm
from pipetui.ui.screens.prompt import PromptForm
from pipetui.ui.widgets.field import Field

SIZE = (160, 50)


def field(pilot: Pilot[None], name: str) -> Field:
    screen = pilot.app.screen
    assert isinstance(screen, PromptForm | DealForm | BantForm), screen
    return screen.fields[name]


def label_line(pilot: Pilot[None], name: str) -> str:
    """The field's label line as drawn (label, then the resolved date)."""
    return str(field(pilot, name).heading.render()).strip()


async def clear_and_type(pilot: Pilot[None], text: str) -> None:
    await press(pilot, "home", "ctrl+k")
    await type_text(pilot, text)


async def test_typing_plus_2w_shows_the_date_before_saving_and_saves_that_date(
    sales: Workspace,
) -> None:
    async with make_app(sales).run_test(size=SIZE) as pilot:
        await settle(pilot)
        deal_id = await focus_card(pilot, "Negotiation", "Support plan")
        await press(pilot, "o")
        # The due date starts as tomorrow, shown with its weekday.
        assert label_line(pilot, "due") == "Due → Sat 2026-11-21"
        await type_text(pilot, "Send the contract")
        await press(pilot, "tab")

        await clear_and_type(pilot, "+2w")
        assert label_line(pilot, "due") == "Due → Fri 2026-12-04"
        assert list_followups(sales.db) == []  # shown, not saved

        await press(pilot, "enter")
        assert not isinstance(pilot.app.screen, PromptForm)
        [saved] = list_followups(sales.db)
        assert (saved.title, saved.due, saved.deal_id) == (
            "Send the contract",
            date(2026, 12, 4),
            deal_id,
        )


async def test_a_word_that_is_no_date_says_what_works_and_nothing_is_saved(
    sales: Workspace,
) -> None:
    async with make_app(sales).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await focus_card(pilot, "Negotiation", "Support plan")
        await press(pilot, "o")
        await type_text(pilot, "Call back")
        await press(pilot, "tab")

        await clear_and_type(pilot, "someday")
        assert label_line(pilot, "due") == "Due ? not a date yet"
        await press(pilot, "ctrl+s")
        assert isinstance(pilot.app.screen, PromptForm)
        error = str(field(pilot, "due").error.render())
        assert error.startswith("not a date: 'someday' (use YYYY-MM-DD, today, tomorrow")
        assert list_followups(sales.db) == []

        # Hebrew "tomorrow" is understood too; the form then saves.
        await clear_and_type(pilot, "מחר")
        assert label_line(pilot, "due").endswith("→ Sat 2026-11-21")
        await press(pilot, "ctrl+s")
        [saved] = list_followups(sales.db)
        assert saved.due == date(2026, 11, 21)


async def test_next_month_in_the_deal_form_sets_the_expected_close_date(
    sales: Workspace,
) -> None:
    async with make_app(sales).run_test(size=SIZE) as pilot:
        await settle(pilot)
        deal_id = await focus_card(pilot, "Proposal", "Website redesign")
        await press(pilot, "e")
        field(pilot, "close-date").input.focus()
        await clear_and_type(pilot, "next month")
        assert label_line(pilot, "close-date") == "Expected close → Sun 2026-12-20"
        await press(pilot, "ctrl+s")
        await settle(pilot)
        assert show_deal(sales.db, deal_id).view.deal.close_date == date(2026, 12, 20)


async def test_yesterday_at_a_time_logs_the_touchpoint_then(sales: Workspace) -> None:
    async with make_app(sales).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await focus_card(pilot, "Proposal", "Website redesign")
        await press(pilot, "t")
        await type_text(pilot, "call")
        field(pilot, "at").input.focus()
        await type_text(pilot, "Yesterday 14:30")
        assert label_line(pilot, "at") == "When (empty: now) → Thu 2026-11-19 14:30"
        await press(pilot, "ctrl+s")
        await settle(pilot)
        _, touchpoints = contact_with_touchpoints(sales.db, "דנה כהן")
        assert [t.at for t in touchpoints] == [datetime(2026, 11, 19, 14, 30, tzinfo=UTC)]


async def test_the_bant_timeline_date_reads_words_too(sales: Workspace) -> None:
    async with make_app(sales).run_test(size=SIZE) as pilot:
        await settle(pilot)
        deal_id = await focus_card(pilot, "Negotiation", "Support plan")
        await press(pilot, "b")
        field(pilot, "timeline-date").input.focus()
        await clear_and_type(pilot, "fri")
        # On a Friday, "fri" is next week's Friday.
        assert label_line(pilot, "timeline-date").endswith("→ Fri 2026-11-27")
        await press(pilot, "ctrl+s")
        await settle(pilot)
        timeline = show_deal(sales.db, deal_id).answers["timeline"]
        assert timeline.target_date == date(2026, 11, 27)
