"""Segments in the TUI (issue 19, item 6): the board's `/` filter takes
`tag:` `owner:` `source:` tokens besides words; the contacts screen's `/`
search takes `tag:` `stage:` `source:` `silent:` tokens. Both are counted
by the database (the lists are paged), and a token being typed that does
not parse yet says so without emptying the list."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Input, Static
from ui_helpers import board, column, focus_card, make_app, press, settle, titles, type_text

from pipetui.services import deals
from pipetui.services.contacts import add_contact, tag_contact
from pipetui.services.touchpoints import log_touchpoint
from pipetui.services.workspace import Workspace
from pipetui.ui.screens.contacts import SEARCH_PAUSE, ContactsScreen
from pipetui.ui.screens.deal_detail import DealDetailScreen
from pipetui.ui.screens.deal_form import DealForm
from pipetui.ui.widgets.contact_list import ContactList
from pipetui.ui.widgets.filter_bar import FILTER_PAUSE

SIZE = (160, 50)
HEBREW = "לקוח-חם"


async def _filter_board(pilot: Pilot[None], typed: str) -> None:
    await press(pilot, "slash")
    await type_text(pilot, typed)
    await pilot.pause(FILTER_PAUSE + 0.1)
    await press(pilot)  # (the filter's read)


async def test_the_board_filter_finds_deals_by_tag_owner_and_source(sales: Workspace) -> None:
    ids = {v.deal.title: v.deal.id for v in deals.list_deals(sales.db)}
    deals.tag_deal(sales.db, ids["Website redesign"], ["+VIP", f"+{HEBREW}"])
    deals.tag_deal(sales.db, ids["Support plan"], ["+vip"])
    deals.edit_deal(sales.db, ids["Annual licence"], source="Web", owner="dana")
    deals.edit_deal(sales.db, ids["Pilot project"], source="web")
    async with make_app(sales).run_test(size=SIZE) as pilot:
        await settle(pilot)

        await _filter_board(pilot, "tag:vip")
        assert titles(column(pilot, "Proposal")) == ["Website redesign"]
        assert titles(column(pilot, "Negotiation")) == ["Support plan"]
        assert column(pilot, "Prospecting").deal_list.total == 0

        await press(pilot, "escape")
        await _filter_board(pilot, f"tag:{HEBREW} website")
        assert titles(column(pilot, "Proposal")) == ["Website redesign"]
        assert column(pilot, "Negotiation").deal_list.total == 0

        await press(pilot, "escape")
        await _filter_board(pilot, "source:WEB")
        assert sorted(titles(column(pilot, "Proposal"))) == ["Annual licence", "Pilot project"]

        await press(pilot, "escape")
        await _filter_board(pilot, "source:web owner:Dana")
        assert titles(column(pilot, "Proposal")) == ["Annual licence"]
        assert board(pilot).query_one("#filter", Input).value == "source:web owner:Dana"


def _contacts(pilot: Pilot[None]) -> ContactsScreen:
    screen = pilot.app.screen
    assert isinstance(screen, ContactsScreen), screen
    return screen


def _names(pilot: Pilot[None]) -> list[str]:
    listing = _contacts(pilot).query_one(ContactList)
    assert all(i in listing.rows for i in listing.ids), "some rows were never read"
    return sorted(listing.rows[i].name for i in listing.ids)


async def _search(pilot: Pilot[None], typed: str) -> None:
    if _contacts(pilot).query_one("#contact-search", Input).value:
        await press(pilot, "escape")  # clears the search; the list has the keys
    await press(pilot, "slash")
    await type_text(pilot, typed)
    await pilot.pause(SEARCH_PAUSE + 0.1)
    await settle(pilot)


async def test_the_contacts_search_takes_tag_stage_source_and_silence(
    workspace: Workspace,
) -> None:
    db = workspace.db
    add_contact(db, name="דן כהן", tags="vip", source="Referral")
    add_contact(db, name="Ruth", tags="VIP", source="Web")
    add_contact(db, name="Sam")
    tag_contact(db, "Sam", [f"+{HEBREW}"])
    log_touchpoint(db, contact="דן כהן", kind="quote requested", at=None)
    log_touchpoint(db, contact="Ruth", kind="call")
    async with make_app(workspace).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "C")
        assert _names(pilot) == ["Ruth", "Sam", "דן כהן"]

        await _search(pilot, "tag:vip")
        assert _names(pilot) == ["Ruth", "דן כהן"]
        await _search(pilot, "tag:vip stage:intent")
        assert _names(pilot) == ["דן כהן"]
        await _search(pilot, "source:WEB")
        assert _names(pilot) == ["Ruth"]
        await _search(pilot, f"tag:{HEBREW}")
        assert _names(pilot) == ["Sam"]
        await _search(pilot, "silent:1")
        assert _names(pilot) == ["Sam"]  # never touched; the others today

        await _search(pilot, "stage:int")  # still being typed
        title = str(_contacts(pilot).query_one("#contacts-title", Static).content)
        assert "unknown journey stage 'int'" in title
        assert _names(pilot) == ["Ruth", "Sam", "דן כהן"]  # the list stays as it was


def _tags_of(ws: Workspace, title: str) -> tuple[str, ...]:
    return next(v.deal.tags for v in deals.list_deals(ws.db) if v.deal.title == title)


async def test_the_deal_form_sets_tags_the_detail_shows_them_and_u_takes_them_back(
    sales: Workspace,
) -> None:
    async with make_app(sales).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await focus_card(pilot, "Proposal", "Annual licence")
        await press(pilot, "e")
        form = pilot.app.screen
        assert isinstance(form, DealForm)
        assert form.fields["tags"].value == ""
        form.fields["tags"].input.value = "x" * 101 + ", vip"
        await press(pilot, "enter")
        assert form.fields["tags"].has_class("invalid")  # shown at the field, nothing saved
        assert _tags_of(sales, "Annual licence") == ()

        form.fields["tags"].input.value = f"VIP, {HEBREW}, vip"
        await press(pilot, "enter")
        assert _tags_of(sales, "Annual licence") == ("VIP", HEBREW)

        await press(pilot, "enter")  # the detail
        screen = pilot.app.screen
        assert isinstance(screen, DealDetailScreen)
        assert "Tags" in screen.content.plain
        assert "VIP" in screen.content.plain
        await press(pilot, "escape")

        await press(pilot, "e")
        form = pilot.app.screen
        assert isinstance(form, DealForm)
        assert form.fields["tags"].value == f"VIP, {HEBREW}"
        await press(pilot, "escape")

        await press(pilot, "u")
        assert _tags_of(sales, "Annual licence") == ()
