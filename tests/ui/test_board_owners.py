"""Team mode on the board (issue 14): whose deals it shows. On an SQLite file
(one seller's) it opens on everyone's deals; `m` narrows it to the seller's own
and the unowned ones (nobody's deal is the team's) and back, the column
headers summing what is shown and the title saying which view is on. A
teammate's card names them, as typed (never markup). On a PostgreSQL database
the board opens on "mine".
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.strip import Strip
from textual.widgets import Static
from ui_helpers import board, column, make_app, press, settle, titles

from pipetui.domain.money import Money
from pipetui.services import clock
from pipetui.services import deals as deal_service
from pipetui.services.settings import Settings
from pipetui.services.workspace import Workspace
from pipetui.store.database import open_database
from pipetui.ui.widgets.stage_column import StageColumn

SIZE = (160, 50)
NOA = "[b]Noa[/]"  # a teammate whose name looks like markup


def _seed(ws: Workspace) -> None:
    """Dana's, Omar's, Noa's and nobody's deals."""
    for title, owner, minor, stage in (
        ("Dana's renewal", "dana", 100_000, "Proposal"),
        ("Omar's audit", "omar", 500_000, "Proposal"),
        ("Open lead", None, 20_000, "Proposal"),
        ("Noa's pilot", NOA, 70_000, "Negotiation"),
    ):
        deal_service.add_deal(
            ws.db, title=title, value=Money(minor, "USD"), stage=stage, owner=owner
        )


@pytest.fixture
def shared(tmp_path: Path) -> Iterator[Workspace]:
    """An SQLite file three sellers' deals are in, opened by Dana."""
    ws = Workspace(
        open_database(str(tmp_path / "board.db"), now=clock.now(), user="dana"), Settings()
    )
    _seed(ws)
    yield ws
    ws.close()


def header(pilot: Pilot[None], stage: str) -> tuple[int, dict[str, str]]:
    summary = column(pilot, stage).summary
    return summary.open_count, summary.open_value.as_json()


def title_line(pilot: Pilot[None]) -> str:
    return str(board(pilot).query_one("#board-title", Static).render())


def card_text(col: StageColumn) -> str:
    """Every drawn line of the column's cards, as the terminal shows them."""
    deal_list = col.deal_list
    strips: list[Strip] = [deal_list.render_line(y) for y in range(deal_list.total * 4)]
    for strip in strips:
        assert not [seg for seg in strip if seg.style and seg.style.meta], "a card has actions"
    return "\n".join("".join(seg.text for seg in strip) for strip in strips)


async def test_m_shows_only_my_deals_and_the_unowned_ones_then_everyones_again(
    shared: Workspace,
) -> None:
    async with make_app(shared).run_test(size=SIZE) as pilot:
        await settle(pilot)
        # One seller's file: everyone's deals, as before team mode.
        assert sorted(titles(column(pilot, "Proposal"))) == [
            "Dana's renewal",
            "Omar's audit",
            "Open lead",
        ]
        assert header(pilot, "Proposal") == (3, {"USD": "6200.00"})
        assert "deals (m)" not in title_line(pilot)
        # A teammate's card says whose it is; Dana's own and the open one need not.
        cards = {c.title: c.owner for c in column(pilot, "Proposal").deal_list._cards.values()}
        assert cards == {"Dana's renewal": None, "Omar's audit": "omar", "Open lead": None}
        assert "omar" in card_text(column(pilot, "Proposal"))
        assert NOA in card_text(column(pilot, "Negotiation"))  # literally

        await press(pilot, "m")

        assert sorted(titles(column(pilot, "Proposal"))) == ["Dana's renewal", "Open lead"]
        assert header(pilot, "Proposal") == (2, {"USD": "1200.00"})  # hers, summed
        assert header(pilot, "Negotiation") == (0, {})
        assert "dana's and unowned deals (m)" in title_line(pilot)

        await press(pilot, "m")

        assert header(pilot, "Proposal") == (3, {"USD": "6200.00"})
        assert titles(column(pilot, "Negotiation")) == ["Noa's pilot"]
        assert "deals (m)" not in title_line(pilot)


async def test_a_deal_i_add_on_my_board_is_mine(shared: Workspace) -> None:
    async with make_app(shared).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "m")
        deal_service.add_deal(shared.db, title="New one", value=Money(1, "USD"), stage="Proposal")
        board(pilot).load()
        await settle(pilot)
        assert "New one" in titles(column(pilot, "Proposal"))
        assert header(pilot, "Proposal")[0] == 3


async def test_without_knowing_who_i_am_m_says_how_to_tell(sales: Workspace) -> None:
    assert sales.user is None
    async with make_app(sales).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "m")
        status = str(board(pilot).query_one("#status", Static).render())
        assert "--as NAME" in status
        assert board(pilot).view.mine is False


@pytest.mark.postgresql_only("team mode: a database server")
async def test_a_team_board_opens_on_mine_and_m_shows_everyones(
    new_target: Callable[[str], str],
) -> None:
    ws = Workspace(open_database(new_target("team"), now=clock.now(), user="dana"), Settings())
    try:
        _seed(ws)
        async with make_app(ws).run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert sorted(titles(column(pilot, "Proposal"))) == ["Dana's renewal", "Open lead"]
            assert header(pilot, "Proposal") == (2, {"USD": "1200.00"})
            assert "dana's and unowned deals (m)" in title_line(pilot)

            await press(pilot, "m")

            assert header(pilot, "Proposal") == (3, {"USD": "6200.00"})
            assert "everyone's deals (m)" in title_line(pilot)
    finally:
        ws.close()


def test_the_timeline_and_the_deal_screen_say_who_did_what(shared: Workspace) -> None:
    """The journey timeline names who logged each touch and moved each deal;
    the deal screen its owner and who made each change (as typed, never markup)."""
    from pipetui.services.journey import contact_timeline
    from pipetui.services.touchpoints import log_touchpoint
    from pipetui.ui.screens.deal_detail import detail_content
    from pipetui.ui.screens.timeline import timeline_content

    omar = open_database(shared.db.url, now=clock.now(), user=NOA)
    try:
        deal = deal_service.add_deal(
            shared.db, title="Pilot", value=Money(0, "USD"), contact="Lior"
        ).view.deal
        log_touchpoint(
            omar, contact="Lior", kind="call", summary="asked for a quote", deal_id=deal.id
        )
        deal_service.step_deal(omar, deal.id, steps=1)
    finally:
        omar.dispose()

    timeline = timeline_content(contact_timeline(shared.db, "Lior")).plain
    assert "asked for a quote  consideration  by [b]Noa[/]" in timeline
    assert "deal 'Pilot': Prospecting → Qualification  by [b]Noa[/]" in timeline
    assert "deal 'Pilot' entered Prospecting  by dana" in timeline

    shown = detail_content(deal_service.show_deal(shared.db, deal.id), clock.now()).plain
    assert "Owner  dana" in shown
    assert "entered Prospecting  by dana" in shown
    assert "Prospecting → Qualification  by [b]Noa[/]" in shown
    assert "call  asked for a quote  by [b]Noa[/]" in shown
