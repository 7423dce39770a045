"""A card shows its deal's next step: the date of the earliest open follow-up,
at the right of the contact line, in the error colour once it is overdue (as
Pipedrive marks it). Clock: 2026-11-20."""

from __future__ import annotations

from datetime import date

from rich.segment import Segment
from textual.pilot import Pilot
from ui_helpers import board, column, focus_card, make_app, press, settle

from pipetui.domain.bidi import visual
from pipetui.domain.board import CARD_HEIGHT
from pipetui.services.followups import add_followup, complete_followup
from pipetui.services.workspace import Workspace
from pipetui.ui.widgets.card_lines import next_step_label

TODAY = date(2026, 11, 20)


def contact_line(pilot: Pilot[None]) -> list[Segment]:
    """The focused card's second line (contact · company … next step), as drawn."""
    deal_list = board(pilot).deal_list
    assert deal_list is not None
    y = deal_list.cursor * CARD_HEIGHT - int(deal_list.scroll_offset.y) + 1
    return list(deal_list.render_line(y))


def plain(segments: list[Segment]) -> str:
    return "".join(s.text for s in segments).strip(" ▌│┃")


def colour_of(segments: list[Segment], text: str) -> str | None:
    """The colour `text` is drawn in."""
    [found] = [s for s in segments if s.text == text]
    assert found.style is not None and found.style.color is not None
    return found.style.color.name


def test_the_label_is_short_and_names_the_year_only_when_far() -> None:
    assert next_step_label(date(2026, 12, 4), TODAY) == "→ Dec 04"
    assert next_step_label(date(2027, 1, 4), TODAY) == "→ Jan 04"  # next month: no year needed
    assert next_step_label(date(2025, 11, 4), TODAY) == "→ 2025-11-04"
    assert next_step_label(date(2027, 11, 4), TODAY) == "→ 2027-11-04"


async def test_the_card_shows_the_earliest_open_follow_up_and_overdue_in_the_error_colour(
    sales: Workspace,
) -> None:
    website = 1  # "Website redesign", contact דנה כהן · Negev Solar
    later = add_followup(sales.db, title="Demo", due=date(2026, 12, 4), deal_id=website)
    async with make_app(sales).run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await focus_card(pilot, "Proposal", "Website redesign")
        line = contact_line(pilot)
        assert plain(line).startswith(f"{visual('דנה כהן')} · Neg")  # the company gives way
        assert plain(line).endswith("→ Dec 04")
        muted = colour_of(line, "→ Dec 04")
        card = board(pilot).card
        assert card is not None and (card.next_followup, card.followup_overdue) == (
            date(2026, 12, 4),
            False,
        )

        # An earlier one, already overdue, is the next step now, in red.
        overdue = add_followup(sales.db, title="Call back", due=date(2026, 11, 18), deal_id=website)
        board(pilot).load()
        await settle(pilot)
        line = contact_line(pilot)
        assert plain(line).endswith("→ Nov 18")
        red = colour_of(line, "→ Nov 18")
        assert red != muted
        error = pilot.app.theme_variables["text-error"]
        assert red is not None and red.lower() == error.lower()

        # Done: the later one is next again; all done: no date at all.
        complete_followup(sales.db, overdue.id)
        board(pilot).load()
        await settle(pilot)
        assert plain(contact_line(pilot)).endswith("→ Dec 04")
        complete_followup(sales.db, later.id)
        board(pilot).load()
        await settle(pilot)
        assert "→" not in plain(contact_line(pilot))


async def test_a_narrow_card_keeps_the_date_and_cuts_the_names_with_an_ellipsis(
    sales: Workspace,
) -> None:
    add_followup(sales.db, title="Call", due=date(2026, 11, 19), deal_id=1)
    async with make_app(sales).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await focus_card(pilot, "Proposal", "Website redesign")
        shown = plain(contact_line(pilot))
        assert shown.endswith("→ Nov 19")
        assert "…" in shown  # "דנה כהן · Negev Solar" does not fit beside it


async def test_a_deal_without_follow_ups_or_contact_shows_neither(sales: Workspace) -> None:
    async with make_app(sales).run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await focus_card(pilot, "Proposal", "Pilot project")
        assert plain(contact_line(pilot)) == "no contact"
        add_followup(sales.db, title="Intro", due=date(2026, 11, 25), deal_id=3)
        await press(pilot, "c", "c")  # any reload reads the card again
        await focus_card(pilot, "Proposal", "Pilot project")
        line = plain(contact_line(pilot))
        assert line.startswith("no contact") and line.endswith("→ Nov 25")
        assert column(pilot, "Proposal").deal_list.total == 3
