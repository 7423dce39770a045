"""Tags where a seller looks (issue 19, item 6): a card ends its value line
with the deal's tags ("$1.2k · 0d #vip #q4"), cut with "…" to the card, and
the contacts list has a Tags column (given up first on a narrow terminal).
User text stays literal; Hebrew tags are laid out like titles. Clock:
2026-11-20."""

from __future__ import annotations

from datetime import datetime

from rich.style import Style

from pipetui.domain.bant import Verdict
from pipetui.domain.bidi import visual
from pipetui.domain.board import Card
from pipetui.domain.deal_status import DealStatus
from pipetui.domain.money import Money, MoneyTotals
from pipetui.services import deals
from pipetui.services.contacts import tag_contact
from pipetui.services.journey import contact_lines
from pipetui.services.segment_values import ranked, used_sources, used_tags
from pipetui.services.workspace import Workspace
from pipetui.store import board as board_store
from pipetui.store.journey import ContactLine
from pipetui.ui.widgets.card_lines import card_line, tags_text
from pipetui.ui.widgets.contact_list import header_text, line_text, widths

HEBREW = "לקוח-חם"
STYLES = {
    **{n: Style() for n in ("card", "gap", "bar", "title", "muted", "value")},
    **{n: Style() for n in ("rotting", "won", "lost", "overdue")},
    **{verdict.value: Style() for verdict in Verdict},
}
NOW = datetime.fromisoformat("2026-11-20T10:00:00+00:00")


def drawn(card: Card, width: int = 24) -> list[str]:
    return ["".join(s.text for s in card_line(card, row, width, STYLES)) for row in range(3)]


def card(**more: object) -> Card:
    values: dict[str, object] = {
        "deal_id": 1,
        "title": "Website redesign",
        "status": DealStatus.OPEN,
        "value": Money(120_000, "USD"),
        "stage_id": 1,
        "days_in_stage": 3,
        "contact_name": "Omar Haddad",
    }
    return Card(**{**values, **more})  # type: ignore[arg-type]


def test_a_card_ends_its_value_line_with_its_tags_and_stays_three_lines() -> None:
    lines = drawn(card(tags=("vip", "q4")))
    assert lines[2].rstrip().endswith("· 3d #vip #q4")
    assert all(len(line) == 24 for line in lines)
    assert drawn(card())[2].rstrip().endswith("· 3d")  # no tags: as before
    assert drawn(card(tags=("vip",)))[:2] == drawn(card())[:2]


def test_tags_too_long_for_the_card_are_cut_with_an_ellipsis_and_the_flag_stays() -> None:
    line = drawn(card(tags=("vip", "renewal-2027", "q4")))[2]
    assert "#vip #ren" in line and line.rstrip().endswith("…")
    assert "q4" not in line
    rotting = drawn(card(tags=("vip", "renewal-2027"), rotting=True))[2]
    assert rotting.rstrip().endswith("#v… rotting")  # the alarm keeps its room


def test_a_tag_is_drawn_as_typed_and_hebrew_in_visual_order() -> None:
    assert "#[b]x[/]" in drawn(card(tags=("[b]x[/]",)), 30)[2]
    assert f"#{visual(HEBREW)} #vip" in drawn(card(tags=(HEBREW, "vip")), 30)[2]
    assert tags_text(("vip", "q4"), 6) == "#vip…"
    assert tags_text(("vip",), 1) == ""


def test_the_card_page_reads_the_deals_tags_in_the_same_query(sales: Workspace) -> None:
    ids = {v.deal.title: v.deal.id for v in deals.list_deals(sales.db)}
    stage = deals.tag_deal(sales.db, ids["Website redesign"], ["+vip", f"+{HEBREW}"]).deal.stage_id
    with sales.db.read_rows() as rows:
        cards = board_store.CardFilter(statuses=(DealStatus.OPEN,))
        page = board_store.page(rows, stage, cards, offset=0, limit=10, today=NOW.date())
    found = {row.title: row.tags for row in page}
    assert found["Website redesign"] == f"vip,{HEBREW}"
    assert found["Annual licence"] is None


def test_the_contacts_list_shows_tags_where_there_is_room(sales: Workspace) -> None:
    tag_contact(sales.db, "Omar Haddad", ["+vip", "+[b]x[/]"])
    lines = contact_lines(sales.db, [c for c in range(1, 3)])
    omar = next(line for line in lines.values() if line.name == "Omar Haddad")
    assert omar.tags == ("vip", "[b]x[/]")
    wide = line_text(omar, 160, NOW)
    assert "#vip #[b]x[/]" in wide
    assert "Tags" in header_text(160)
    # 80 columns: name, company and the open value need the line.
    assert widths(80)[-1] == 0 and "Tags" not in header_text(80)
    assert "#vip" not in line_text(omar, 80, NOW)
    assert len(line_text(omar, 80, NOW)) == 80
    hebrew = ContactLine(9, "דנה כהן", None, None, None, None, MoneyTotals(), (HEBREW,))
    assert f"#{visual(HEBREW)}" in line_text(hebrew, 160, NOW)


def test_tags_and_sources_in_use_are_offered_most_used_first_in_any_case(
    sales: Workspace,
) -> None:
    ids = {v.deal.title: v.deal.id for v in deals.list_deals(sales.db)}
    deals.tag_deal(sales.db, ids["Website redesign"], ["+VIP", f"+{HEBREW}"])
    deals.tag_deal(sales.db, ids["Support plan"], ["+vip"])
    tag_contact(sales.db, "Omar Haddad", ["+vip", "+cold"])
    deals.edit_deal(sales.db, ids["Annual licence"], source="Web")
    deals.edit_deal(sales.db, ids["Pilot project"], source="web")
    deals.edit_deal(sales.db, ids["Cold lead"], source="Web")
    assert used_tags(sales.db) == ["vip", "cold", HEBREW]
    assert used_sources(sales.db) == ["Web"]
    assert ranked([("École", 1), ("école", 2), ("", 5)]) == ["école"]
