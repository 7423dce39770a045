"""User text is never markup and never terminal control.

Deal titles, contact names and stage names that look like Textual markup show
exactly as typed on the cards, the column headers, the deal screen, the toasts and
the command palette; clicking them runs nothing. Control characters never reach
the database.
"""

from __future__ import annotations

import pytest
from textual.command import CommandList, CommandPalette
from textual.content import Content
from textual.geometry import Region
from textual.pilot import Pilot
from textual.strip import Strip
from textual.widgets import Static
from ui_helpers import board, column, make_app, press, settle

from pipetui.domain.deal_status import DealStatus
from pipetui.domain.money import Money
from pipetui.services import deals as deal_service
from pipetui.services.contacts import add_contact
from pipetui.services.deals import DealFilter
from pipetui.services.pipelines import add_pipeline, rename_stage
from pipetui.services.workspace import Workspace
from pipetui.ui.screens.board import BoardScreen
from pipetui.ui.screens.deal_detail import DealDetailScreen
from pipetui.ui.screens.deal_form import DealForm
from pipetui.ui.widgets.stage_column import HEADER_LINES, StageColumn

SIZE = (160, 50)
CLICK = "[@click=app.quit]x[/]"
TITLES = ["Eve [/]", "[b]bold[/b]", CLICK]  # the last one added is on top
CONTACT = "[red]x"
COMPANY = "[i]Co[/i]"
STAGE = "[@click=app.quit]S[/]"


@pytest.fixture
def hostile(workspace: Workspace) -> Workspace:
    """Proposal holds deals whose titles and contact look like markup."""
    add_contact(workspace.db, name=CONTACT, company=COMPANY)
    for title in TITLES:
        deal_service.add_deal(
            workspace.db,
            title=title,
            value=Money(10_000, "USD"),
            stage="Proposal",
            contact=CONTACT if title == CLICK else None,
        )
    return workspace


def status_text(status: Static) -> str:
    """What a status line shows, as drawn (markup would have been consumed)."""
    return "".join(s.text for s in status.render_lines(Region(0, 0, 200, 1))[0]).strip()


def still_running(pilot: Pilot[None]) -> None:
    """Nothing quit the app: no exit code, the board still under the top screen."""
    assert pilot.app.return_code is None
    assert pilot.app.is_running
    assert any(isinstance(s, BoardScreen) for s in pilot.app.screen_stack)


def no_actions(content: Content) -> None:
    """No part of `content` carries a click action or a style from user text."""
    styles = [str(span.style) for span in content.spans]
    assert not [s for s in styles if "@click" in s or "red" in s], styles


def card_text(col: StageColumn) -> list[str]:
    """Every drawn line of the column's cards, as the terminal shows them."""
    deal_list = col.deal_list
    strips: list[Strip] = [deal_list.render_line(y) for y in range(deal_list.total * 4)]
    for strip in strips:
        assert not [seg for seg in strip if seg.style and seg.style.meta], "a card has actions"
    return ["".join(seg.text for seg in strip) for strip in strips]


async def test_cards_toasts_and_forms_keep_user_text_plain_and_clicks_run_nothing(
    hostile: Workspace,
) -> None:
    deal_service.add_deal(hostile.db, title="Red\x1b[31m alert\x07", value=Money(1, "USD"))
    async with make_app(hostile).run_test(size=SIZE) as pilot:
        await settle(pilot)
        proposal = column(pilot, "Proposal")
        lines = card_text(proposal)

        for title in TITLES:
            assert any(title in line for line in lines), f"{title!r} not drawn literally"
        assert any(f"{CONTACT} · {COMPANY}" in line for line in lines)
        assert lines[0].startswith(f"▌ {CLICK}")

        # The title line, then the contact line, of the top card.
        await pilot.click(proposal.deal_list, offset=(4, 0))
        await pilot.click(proposal.deal_list, offset=(4, 1))
        await settle(pilot)
        still_running(pilot)
        assert board(pilot).deal_list is proposal.deal_list
        assert board(pilot).card is not None and board(pilot).card.title == CLICK

        # Toasts quote titles: they must not read them as markup either.
        proposal.deal_list.go_to(2)
        await pilot.pause()
        assert board(pilot).card.title == "Eve [/]"  # type: ignore[union-attr]
        await press(pilot, "w")
        # The board says what happened in its status line, as plain text.
        status = board(pilot).query_one("#status", Static)
        assert status_text(status) == "won 'Eve [/]' · u to undo"
        proposal.deal_list.go_to(1)
        await pilot.pause()
        assert board(pilot).card.title == "[b]bold[/b]"  # type: ignore[union-attr]
        await press(pilot, "H")
        assert status_text(status) == "moved '[b]bold[/b]' to Needs assessment · u to undo"
        still_running(pilot)

        # Control characters never reach the database, from the CLI/services or a form.
        board(pilot).activate(column(pilot, "Prospecting").stage_id)
        await press(pilot, "n")
        form = pilot.app.screen
        assert isinstance(form, DealForm)
        form.fields["title"].input.value = "Form\x1b[2J title"
        form.fields["contact"].input.value = "Mallory\x1b]0;pwned\x07"
        await press(pilot, "enter")  # a new contact: refused until creating it is ticked
        await press(pilot, "space", "ctrl+s")  # (the tick box has the focus)
        stored = {v.deal.title: v for v in deal_service.list_deals(hostile.db)}
        assert {"Red[31m alert", "Form[2J title"} <= set(stored)
        assert stored["Form[2J title"].contact_name == "Mallory]0;pwned"
        lines = card_text(column(pilot, "Prospecting"))
        assert not [line for line in lines if "\x1b" in line or "\x07" in line]
        assert any("Red[31m alert" in line for line in lines)
        assert any("Mallory]0;pwned" in line for line in lines)


async def test_stage_and_pipeline_names_show_literally_in_headers_details_and_palette(
    hostile: Workspace,
) -> None:
    rename_stage(hostile.db, pipeline=None, stage="Proposal", new_name=STAGE)
    add_pipeline(hostile.db, name="[@click=app.quit]P[/]")
    async with make_app(hostile).run_test(size=SIZE) as pilot:
        await settle(pilot)
        col = column(pilot, STAGE)
        drawn = col.render_lines(Region(0, 0, col.size.width, HEADER_LINES))
        assert not [seg for line in drawn for seg in line if seg.style and seg.style.meta]
        # (cut with "…" to leave the count its room; whole in the tooltip)
        assert STAGE.startswith(drawn[0].text[1:].split("…")[0])
        await pilot.hover(col, offset=(2, 0))
        assert STAGE in str(col.tooltip)
        await pilot.click(col, offset=(2, 0))
        await settle(pilot)
        still_running(pilot)

        # The deal screen: the stage history names the stage; the contact as typed.
        board(pilot).activate(col.stage_id)
        col.deal_list.go_to(0)
        await press(pilot, "enter")
        detail = pilot.app.screen
        assert isinstance(detail, DealDetailScreen)
        text = detail.content.plain
        assert text.startswith(CLICK)
        assert f"entered {STAGE}" in text
        assert f"{CONTACT} · {COMPANY}" in text
        no_actions(detail.content)
        await pilot.click(offset=(30, 12))
        still_running(pilot)
        await press(pilot, "escape")

        # The command palette lists the deal and the pipeline as typed.
        await press(pilot, "ctrl+p")
        palette = pilot.app.screen
        assert isinstance(palette, CommandPalette)
        await press(pilot, *"click")
        commands = palette.query_one(CommandList)
        prompts: list[Content] = []
        for _ in range(20):
            prompts = [
                commands.get_option_at_index(i).prompt  # type: ignore[misc]
                for i in range(commands.option_count)
            ]
            if any(CLICK in str(p) for p in prompts):
                break
            await pilot.pause(0.1)
        texts = [p.plain if isinstance(p, Content) else str(p) for p in prompts]
        deal_hits = [t for t in texts if t.startswith(f"Deal: {CLICK}")]
        assert deal_hits, texts
        assert f"Sales › {STAGE}" in deal_hits[0]
        assert any(t.startswith("Switch to pipeline: [@click=app.quit]P[/]") for t in texts)
        for prompt in prompts:
            assert isinstance(prompt, Content)
            no_actions(prompt)

        index = next(i for i, t in enumerate(texts) if t.startswith(f"Deal: {CLICK}"))
        commands.highlighted = index
        await press(pilot, "enter")
        still_running(pilot)
        assert board(pilot).card is not None
        assert board(pilot).card.title == CLICK  # type: ignore[union-attr]
        assert board(pilot).card.status is DealStatus.OPEN  # type: ignore[union-attr]
        assert len(deal_service.list_deals(hostile.db, DealFilter())) == len(TITLES)
