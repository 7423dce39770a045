"""The customer's journey as a salesperson uses it: find a contact in any script
on the contacts screen (C), sort them, read a timeline with its non-linear path
and long silences, log touchpoints (t) and plan next steps (o) from the
timeline, a card and the attention list (a), mark follow-ups done (d), jump
from the attention list to a rotting deal, and delete a contact (asked first,
u takes it back).

Each story reads its outcome back from the database through the services and
from what the screen draws. Data: journey_data.seed_journey, clock frozen at
2026-11-20 10:00 UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from journey_data import (
    ARABIC_SUMMARY,
    BY_LAST_TOUCH,
    BY_NAME,
    BY_VALUE,
    DANA,
    DANA_PATH,
    HEBREW_SUMMARY,
    JOSE,
    LAYLA,
    OMAR,
    OMAR_AR,
    QUOTE_SUMMARY,
    ROTTING_STAGE,
    WANG,
    YOSSI,
    ZOE,
    JourneyIds,
    seed_journey,
)
from rich.cells import cell_len
from sqlalchemy import text
from textual.app import App
from textual.content import Content
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Input, Label, OptionList, Static
from ui_helpers import board, column, focus_card, make_app, press, settle, titles, type_text

from pipetui.domain.bidi import visual
from pipetui.domain.board import CARD_HEIGHT
from pipetui.domain.errors import ValidationError
from pipetui.domain.followup import FollowUp
from pipetui.domain.journey import Direction, JourneyStage, Touchpoint
from pipetui.services import deals as deal_service
from pipetui.services.contacts import add_contact, contact_with_touchpoints, get_contact
from pipetui.services.followups import add_followup, list_followups
from pipetui.services.touchpoints import log_touchpoint
from pipetui.services.workspace import Workspace
from pipetui.ui.screens.attention import AttentionScreen
from pipetui.ui.screens.board import BoardScreen
from pipetui.ui.screens.confirm import ConfirmScreen
from pipetui.ui.screens.contacts import SEARCH_PAUSE, ContactsScreen
from pipetui.ui.screens.prompt import PromptForm
from pipetui.ui.screens.timeline import TimelineScreen
from pipetui.ui.widgets.contact_list import ContactList

SIZE = (160, 50)
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
TOMORROW = date(2026, 11, 21)
CLICK = "[@click=app.quit]x[/]"


@pytest.fixture
def journey(workspace: Workspace) -> tuple[Workspace, JourneyIds]:
    """Eight contacts in four scripts with touchpoints, deals and follow-ups."""
    return workspace, seed_journey(workspace)


# -- reading the screens ------------------------------------------------------------------


def drawn(widget: Widget, width: int = 200) -> str:
    """A widget's first line as the terminal draws it (markup would be consumed)."""
    return "".join(s.text for s in widget.render_lines(Region(0, 0, width, 1))[0]).strip()


def contacts(pilot: Pilot[None]) -> ContactsScreen:
    screen = pilot.app.screen
    assert isinstance(screen, ContactsScreen), f"expected the contacts screen, got {screen!r}"
    return screen


def contact_list(pilot: Pilot[None]) -> ContactList:
    return contacts(pilot).query_one(ContactList)


def listed(pilot: Pilot[None]) -> list[str]:
    """The names the contacts screen lists, top to bottom (every row is loaded)."""
    listing = contact_list(pilot)
    assert all(i in listing.rows for i in listing.ids), "some rows were never read"
    return [listing.rows[i].name for i in listing.ids]


def rows_drawn(pilot: Pilot[None]) -> list[str]:
    """The list's non-empty lines as the terminal draws them."""
    listing = contact_list(pilot)
    lines = ["".join(s.text for s in listing.render_line(y)) for y in range(listing.size.height)]
    return [line.rstrip() for line in lines if line.strip()]


def screen_lines(pilot: Pilot[None]) -> list[str]:
    """Every line of the terminal, as drawn (the footer is the last)."""
    strips = pilot.app.screen._compositor.render_strips()
    return ["".join(s.text for s in strip) for strip in strips]


def contacts_title(pilot: Pilot[None]) -> str:
    return str(contacts(pilot).query_one("#contacts-title", Static).content)


async def contact_cursor_to(pilot: Pilot[None], name: str) -> None:
    """Move the contacts list's cursor down to `name` with j."""
    for _ in range(len(contact_list(pilot).ids)):
        current = contact_list(pilot).current
        if current is not None and current.name == name:
            return
        await pilot.press("j")
    raise AssertionError(f"{name!r} is not in the list")


async def search(pilot: Pilot[None], typed: str) -> None:
    """/ then type, then wait out the pause after which the search applies."""
    await press(pilot, "slash")
    assert pilot.app.focused is contacts(pilot).query_one("#contact-search", Input)
    await type_text(pilot, typed)
    await pilot.pause(SEARCH_PAUSE + 0.1)
    await settle(pilot)


def timeline(pilot: Pilot[None]) -> TimelineScreen:
    screen = pilot.app.screen
    assert isinstance(screen, TimelineScreen), f"expected a timeline, got {screen!r}"
    return screen


def timeline_lines(pilot: Pilot[None]) -> list[str]:
    """The timeline's text, line by line, trailing spaces dropped."""
    content = timeline(pilot).query_one("#timeline-text", Static).content
    return [line.rstrip() for line in content.plain.splitlines()]  # type: ignore[union-attr]


def form(pilot: Pilot[None]) -> PromptForm[object]:
    screen = pilot.app.screen
    assert isinstance(screen, PromptForm), f"expected a form, got {screen!r}"
    return screen


def form_title(pilot: Pilot[None]) -> str:
    return drawn(form(pilot).query_one(".form-title", Label))


def field_errors(pilot: Pilot[None]) -> dict[str, str]:
    """Every field's error line that says something."""
    found = {name: str(f.error.content) for name, f in form(pilot).fields.items()}
    return {name: error for name, error in found.items() if error}


def attention(pilot: Pilot[None]) -> AttentionScreen:
    screen = pilot.app.screen
    assert isinstance(screen, AttentionScreen), f"expected the attention list, got {screen!r}"
    return screen


def attention_lines(pilot: Pilot[None]) -> list[tuple[str | None, str]]:
    """(option id, text) of every line of the attention list, headings with id None."""
    listing = attention(pilot).query_one(OptionList)
    lines = []
    for option in listing.options:
        prompt = option.prompt
        lines.append((option.id, prompt.plain if isinstance(prompt, Content) else str(prompt)))
    return lines


def highlighted(pilot: Pilot[None]) -> str | None:
    listing = attention(pilot).query_one(OptionList)
    assert listing.highlighted is not None
    return listing.get_option_at_index(listing.highlighted).id


async def attention_cursor_to(pilot: Pilot[None], option_id: str) -> None:
    """Move the attention list's highlight down to `option_id` with the arrow key."""
    for _ in range(len(attention_lines(pilot))):
        if highlighted(pilot) == option_id:
            return
        await press(pilot, "down")
    raise AssertionError(f"no line {option_id!r}: {attention_lines(pilot)}")


def card_status(pilot: Pilot[None]) -> str:
    """The focused card's third line (value, days in stage, the rotting mark)."""
    deal_list = board(pilot).deal_list
    assert deal_list is not None
    y = deal_list.cursor * CARD_HEIGHT - int(deal_list.scroll_offset.y) + 2
    return "".join(s.text for s in deal_list.render_line(y)).strip(" ▌│┃")


def status_line(pilot: Pilot[None]) -> str:
    return str(board(pilot).query_one("#status", Static).content)


def said(message: str) -> str:
    """A message as the status line and toasts send it: one left-to-right
    sentence, its Hebrew/Arabic in visual order."""
    return visual(message, None, "L")


def toasts(app: App[Any]) -> list[str]:
    """What the toasts on screen say (not the board's status line)."""
    return [n.message for n in app._notifications]


# -- reading the database -------------------------------------------------------------------


def touches(ws: Workspace, contact_id: int) -> list[Touchpoint]:
    """The contact's touchpoints, newest first."""
    return contact_with_touchpoints(ws.db, f"#{contact_id}")[1]


def followups(ws: Workspace) -> dict[int, FollowUp]:
    return {f.id: f for f in list_followups(ws.db, include_done=True)}


def count(ws: Workspace, table: str, contact_id: int) -> int:
    with ws.db.read() as conn:
        query = text(f"SELECT count(*) FROM {table} WHERE contact_id = :c")
        return int(conn.execute(query, {"c": contact_id}).scalar_one())


def deal_contact(ws: Workspace, deal_id: int) -> int | None:
    return deal_service.show_deal(ws.db, deal_id).view.deal.contact_id


# -- 1. finding a contact -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        pytest.param("דנה", [DANA], id="hebrew-first-name"),
        pytest.param("כהן", [DANA, YOSSI], id="hebrew-family-name"),
        pytest.param("ليلى", [LAYLA], id="arabic-first-name"),
        pytest.param("حداد", [LAYLA], id="arabic-not-the-latin-haddad"),
        pytest.param("JOSÉ", [JOSE], id="accented-latin-upper-case"),
        pytest.param("müller", [ZOE], id="accented-latin-lower-case"),
        pytest.param("A\u0301LVAREZ", [JOSE], id="accent-typed-as-a-combining-mark"),
        pytest.param("negev", [DANA], id="company"),
        pytest.param("כהן galil", [YOSSI], id="every-word-across-fields"),
    ],
)
async def test_search_in_any_script_lists_only_the_matches(
    journey: tuple[Workspace, JourneyIds], typed: str, expected: list[str]
) -> None:
    ws, _ = journey
    async with make_app(ws).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "C")
        assert listed(pilot) == BY_NAME
        assert contacts_title(pilot) == "Contacts · 8 contacts · sorted by name (s)"

        await search(pilot, typed)

        assert listed(pilot) == expected
        drawn_rows = rows_drawn(pilot)
        assert len(drawn_rows) == len(expected)
        for row, name in zip(drawn_rows, expected, strict=True):
            assert row.startswith(visual(name))  # as a left-to-right terminal must get it
        found = f"{len(expected)} contact{'s' if len(expected) != 1 else ''}"
        assert contacts_title(pilot) == visual(
            f"Contacts · {found} matching {typed!r} · sorted by name (s)", None, "L"
        )


async def test_enter_returns_to_the_list_and_escape_clears_the_search_then_goes_back(
    journey: tuple[Workspace, JourneyIds],
) -> None:
    ws, _ = journey
    async with make_app(ws).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "C")
        await search(pilot, "ليلى")
        assert listed(pilot) == [LAYLA]

        await press(pilot, "enter")  # back to the list, still searching
        assert pilot.app.focused is contact_list(pilot)
        assert listed(pilot) == [LAYLA]
        await press(pilot, "enter")  # now enter opens the only match
        assert timeline_lines(pilot)[0].startswith(visual(LAYLA))
        await press(pilot, "escape")
        assert listed(pilot) == [LAYLA]

        await press(pilot, "escape")  # clears the search
        assert isinstance(pilot.app.screen, ContactsScreen)
        assert contacts(pilot).query_one("#contact-search", Input).value == ""
        assert listed(pilot) == BY_NAME
        assert pilot.app.focused is contact_list(pilot)

        await press(pilot, "escape")  # back to the board
        assert isinstance(pilot.app.screen, BoardScreen)


async def test_a_search_with_no_match_lists_nothing_and_keys_do_nothing(
    journey: tuple[Workspace, JourneyIds],
) -> None:
    ws, _ = journey
    async with make_app(ws).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "C")
        await search(pilot, "שלום")
        await press(pilot, "enter")
        assert listed(pilot) == []
        assert contacts_title(pilot) == "Contacts · 0 contacts matching 'םולש' · sorted by name (s)"
        for key in ("enter", "t", "o", "delete", "j"):
            await press(pilot, key)
            assert isinstance(pilot.app.screen, ContactsScreen), key


async def test_s_sorts_by_last_touch_open_value_days_since_contact_then_by_name_again(
    journey: tuple[Workspace, JourneyIds],
) -> None:
    ws, _ = journey
    async with make_app(ws).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "C")
        assert listed(pilot) == BY_NAME

        await press(pilot, "s")
        assert contacts_title(pilot) == "Contacts · 8 contacts · sorted by last touch (s)"
        assert listed(pilot) == BY_LAST_TOUCH
        rows = rows_drawn(pilot)
        assert rows[0].startswith(ZOE) and "1 d ago" in rows[0]
        assert rows[-1].startswith(visual(OMAR_AR)) and "—" in rows[-1]

        await press(pilot, "s")
        assert contacts_title(pilot) == "Contacts · 8 contacts · sorted by value (s)"
        assert listed(pilot) == BY_VALUE
        rows = rows_drawn(pilot)
        assert rows[0].startswith(visual(LAYLA)) and rows[0].endswith("€8k")
        assert rows[1].startswith(visual(YOSSI)) and rows[1].endswith("₪3k")

        await press(pilot, "s")
        assert contacts_title(pilot) == "Contacts · 8 contacts · sorted by days since contact (s)"
        # The longest silence first; never touched still last, by name.
        never = [OMAR, OMAR_AR]
        touched = [name for name in BY_LAST_TOUCH if name not in never]
        assert listed(pilot) == [*reversed(touched), *never]
        rows = rows_drawn(pilot)
        assert rows[-1].startswith(visual(OMAR_AR)) and "—" in rows[-1]

        await press(pilot, "s")
        assert listed(pilot) == BY_NAME


async def test_sorting_keeps_the_cursor_on_the_same_contact(
    journey: tuple[Workspace, JourneyIds],
) -> None:
    ws, _ = journey
    async with make_app(ws).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "C")
        await contact_cursor_to(pilot, DANA)
        await press(pilot, "s")
        current = contact_list(pilot).current
        assert current is not None and current.name == DANA
        assert contact_list(pilot).cursor == BY_LAST_TOUCH.index(DANA)


async def test_on_a_narrower_terminal_every_title_stands_over_its_column(
    journey: tuple[Workspace, JourneyIds],
) -> None:
    """100 columns and more contacts than fit: the list draws a scrollbar, and
    the title row is laid out at the rows' own width, not the window's, so the
    titles keep to their columns (and no sideways scrollbar takes a line)."""
    ws, _ = journey
    for n in range(30):
        add_contact(ws.db, name=f"Filler {n:02}", company="Acme", tags="vip")
    async with make_app(ws).run_test(size=(100, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "C")
        listing = contact_list(pilot)
        assert listing.show_vertical_scrollbar and not listing.show_horizontal_scrollbar
        header = str(contacts(pilot).query_one("#contacts-header", Static).content)
        row = next(line for line in rows_drawn(pilot) if line.startswith("Filler 00"))
        assert cell_len(header) == listing.size.width
        for title, value in (("Company", "Acme"), ("Tags", "#vip")):
            assert header.index(title) == row.index(value), (title, header, row)


async def test_the_columns_line_up_in_cells_whatever_the_script(
    journey: tuple[Workspace, JourneyIds],
) -> None:
    """Hebrew, Arabic and accented names are one cell a letter, CJK two: every
    column starts at the same cell on every row."""
    ws, _ = journey
    async with make_app(ws).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "C")
        header = str(contacts(pilot).query_one("#contacts-header", Static).content)
        starts = {w: cell_len(header[: header.index(w)]) for w in ("Company", "Stage", "Last")}
        assert starts == {"Company": 29, "Stage": 50, "Last": 65}
        rows = dict(zip(listed(pilot), rows_drawn(pilot), strict=True))
        for name, company, stage in [
            (DANA, "Negev Solar", "intent"),
            (LAYLA, "شركة النور", "consideration"),
            (JOSE, "Álvarez & Hijos", "interest"),
            (WANG, "北京科技", "interest"),
        ]:
            row = rows[name]
            assert cell_len(row[: row.index(visual(company))]) == starts["Company"], row
            assert cell_len(row[: row.index(stage)]) == starts["Stage"], row
        assert cell_len(rows[WANG]) == cell_len(rows[JOSE])


@pytest.mark.parametrize(("size", "wanted"), [(SIZE, "del Delete"), ((80, 24), "s Sort")])
async def test_the_footer_shows_the_contacts_screen_s_own_keys(
    journey: tuple[Workspace, JourneyIds], size: tuple[int, int], wanted: str
) -> None:
    ws, _ = journey
    async with make_app(ws).run_test(size=size) as pilot:
        await settle(pilot)
        await press(pilot, "C")
        footer = screen_lines(pilot)[-1]
        assert wanted in footer, footer


async def test_at_80_columns_the_next_step_and_the_value_are_still_visible(
    journey: tuple[Workspace, JourneyIds],
) -> None:
    ws, _ = journey
    async with make_app(ws).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "C")
        rows = dict(zip(listed(pilot), rows_drawn(pilot), strict=True))
        assert "2026-11-15" in rows[JOSE], rows[JOSE]
        assert "$2.5k" in rows[OMAR], rows[OMAR]


# -- 2. the timeline ----------------------------------------------------------------------


async def test_the_timeline_shows_a_non_linear_path_gaps_deal_events_and_next_steps(
    journey: tuple[Workspace, JourneyIds],
) -> None:
    ws, _ = journey
    async with make_app(ws).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "C")
        await contact_cursor_to(pilot, DANA)
        await press(pilot, "enter")

        lines = timeline_lines(pilot)
        assert lines[:5] == [
            f"{visual(DANA)}  Negev Solar",
            "Stage intent  · 18 days since last contact",
            f"Path  {DANA_PATH}",
            "NPS   +100 (1 answer)    Lifetime value —",
            "Next  2026-11-25  Send the revised quote",
        ]
        body = [line for line in lines[5:] if line]
        assert body == [
            "Friday 20 November 2026",
            "  10:00  ◆ deal 'Website redesign' entered Proposal",
            "Monday 02 November 2026",
            f"  16:45  ● quote requested (email, inbound)  {visual(QUOTE_SUMMARY)}  intent",
            "      ⋮ 62 days without contact",
            "Tuesday 01 September 2026",
            "  11:00  ● newsletter signup  interest",
            "      ⋮ 73 days without contact",
            "Saturday 20 June 2026",
            f"  10:00  ● demo (Zoom, outbound) · score 9  {visual(ARABIC_SUMMARY)}  consideration",
            "Wednesday 10 June 2026",
            "  14:00  ● website visit  interest",
            "Monday 01 June 2026",
            f"  09:30  ● event met (conference, inbound)  {visual(HEBREW_SUMMARY)}  awareness",
        ]

        await press(pilot, "escape")
        assert isinstance(pilot.app.screen, ContactsScreen)


async def test_the_timeline_s_labels_are_dimmer_than_its_text(
    journey: tuple[Workspace, JourneyIds],
) -> None:
    ws, _ = journey
    async with make_app(ws).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "C")
        await contact_cursor_to(pilot, DANA)
        await press(pilot, "enter")
        static = timeline(pilot).query_one("#timeline-text", Static)
        path_line = static.render_lines(Region(0, 0, 150, 3))[2]
        colours = {
            seg.text.strip(): seg.style.color.triplet
            for seg in path_line
            if seg.text.strip() and seg.style and seg.style.color and seg.style.color.triplet
        }
        label, arrow = colours["Path"], colours["→"]
        assert sum(label) < sum(arrow), (label.hex, arrow.hex)


async def test_a_contact_without_touchpoints_has_an_empty_timeline(
    journey: tuple[Workspace, JourneyIds],
) -> None:
    ws, _ = journey
    async with make_app(ws).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "C")
        await contact_cursor_to(pilot, OMAR_AR)
        await press(pilot, "enter")
        lines = timeline_lines(pilot)
        assert lines[1] == "Stage no touchpoint yet  · no contact yet"
        assert lines[2] == "Path  —"
        assert "No touchpoints yet: t logs one." in lines


async def test_t_on_the_timeline_logs_a_call_in_hebrew_and_the_journey_moves_back(
    journey: tuple[Workspace, JourneyIds],
) -> None:
    ws, ids = journey
    dana = ids.contacts[DANA]
    summary = "שיחה על המחיר — היא שוקלת שוב מול המתחרים"
    before = touches(ws, dana)
    assert get_contact(ws.db, f"#{dana}").journey_stage is JourneyStage.INTENT
    async with make_app(ws).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "C")
        await contact_cursor_to(pilot, DANA)
        await press(pilot, "enter")

        await press(pilot, "t")
        assert form_title(pilot) == f"Log a touchpoint: {visual(DANA)}"
        assert pilot.app.focused is form(pilot).fields["kind"].input
        await type_text(pilot, "call")
        await press(pilot, "tab")
        await type_text(pilot, summary)
        assert touches(ws, dana) == before  # nothing before enter
        await press(pilot, "enter")

        assert isinstance(pilot.app.screen, TimelineScreen)
        after = touches(ws, dana)
        assert after[1:] == before
        new = after[0]
        assert new == Touchpoint(
            id=new.id,
            contact_id=dana,
            kind="call",
            journey_stage=JourneyStage.CONSIDERATION,
            at=NOW,
            summary=summary,
        )
        assert get_contact(ws.db, f"#{dana}").journey_stage is JourneyStage.CONSIDERATION
        lines = timeline_lines(pilot)
        assert lines[1] == "Stage consideration  · last contact today"
        assert lines[2] == f"Path  {DANA_PATH} → consideration"
        day = lines.index("Friday 20 November 2026")
        assert lines[day + 1] == f"  10:00  ● call  {visual(summary)}  consideration"
        assert said(f"Logged call with {DANA!r} · u to undo") in toasts(pilot.app)

        await press(pilot, "escape")  # the list follows
        row = next(r for r in rows_drawn(pilot) if r.startswith(visual(DANA)))
        assert "consideration" in row and "today" in row


async def test_d_on_the_timeline_marks_the_earliest_open_next_step_done(
    journey: tuple[Workspace, JourneyIds],
) -> None:
    ws, ids = journey
    earlier = add_followup(
        ws.db, title="Call back", due=date(2026, 11, 22), contact=f"#{ids.contacts[DANA]}"
    )
    async with make_app(ws).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "C")
        await contact_cursor_to(pilot, DANA)
        await press(pilot, "enter")
        assert timeline_lines(pilot)[4:6] == [
            "Next  2026-11-22  Call back",
            "Next  2026-11-25  Send the revised quote",
        ]

        await press(pilot, "d")

        found = followups(ws)
        assert found[earlier.id].done_at == NOW
        assert found[ids.dana_next].done_at is None
        assert timeline_lines(pilot)[4] == "Next  2026-11-25  Send the revised quote"
        await press(pilot, "d")
        assert followups(ws)[ids.dana_next].done_at == NOW
        assert not any(line.startswith("Next") for line in timeline_lines(pilot))
        await press(pilot, "d")  # nothing left: says so, changes nothing
        assert "No open next step for this contact" in toasts(pilot.app)


async def test_o_on_the_timeline_plans_a_next_step_with_the_contact(
    journey: tuple[Workspace, JourneyIds],
) -> None:
    ws, ids = journey
    layla = ids.contacts[LAYLA]
    async with make_app(ws).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "C")
        await contact_cursor_to(pilot, LAYLA)
        await press(pilot, "enter")
        await press(pilot, "o")
        assert form_title(pilot) == f"Next step: {visual(LAYLA)}"
        assert form(pilot).fields["due"].value == TOMORROW.isoformat()
        await type_text(pilot, "إرسال العرض المعدل")
        await press(pilot, "enter")

        [new] = [f for f in followups(ws).values() if f.contact_id == layla]
        assert (new.title, new.due, new.deal_id, new.done_at) == (
            "إرسال العرض المعدل",
            TOMORROW,
            None,
            None,
        )
        assert f"Next  2026-11-21  {visual('إرسال العرض المعدل')}" in timeline_lines(pilot)


# -- 3. from the board --------------------------------------------------------------------


async def test_t_on_a_card_logs_a_touchpoint_on_that_deal_with_its_contact(
    journey: tuple[Workspace, JourneyIds],
) -> None:
    ws, ids = journey
    dana = ids.contacts[DANA]
    before = touches(ws, dana)
    async with make_app(ws).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await focus_card(pilot, "Proposal", "Website redesign")

        await press(pilot, "t")
        assert form_title(pilot) == f"Log a touchpoint: {visual(DANA)}"
        await type_text(pilot, "prop")
        await press(pilot, "right")  # accepts the completion
        assert form(pilot).fields["kind"].value == "proposal sent"
        await press(pilot, "tab")
        await type_text(pilot, "שלחתי הצעה מעודכנת")
        await press(pilot, "tab")
        await type_text(pilot, "email")
        await press(pilot, "tab")
        await type_text(pilot, "OUT")
        await press(pilot, "tab")
        await type_text(pilot, "2026-11-19T15:30")
        await press(pilot, "enter")

        assert isinstance(pilot.app.screen, BoardScreen)
        after = touches(ws, dana)
        assert after[1:] == before
        assert after[0] == Touchpoint(
            id=after[0].id,
            contact_id=dana,
            kind="proposal_sent",
            journey_stage=JourneyStage.INTENT,
            at=datetime(2026, 11, 19, 15, 30, tzinfo=UTC),
            channel="email",
            direction=Direction.OUTBOUND,
            summary="שלחתי הצעה מעודכנת",
            deal_id=ids.website,
        )
        assert status_line(pilot) == said(f"Logged proposal sent with {DANA!r} · u to undo")

        await press(pilot, "T")  # the card's contact's timeline shows it
        lines = timeline_lines(pilot)
        assert lines[0] == f"{visual(DANA)}  Negev Solar"
        day = lines.index("Thursday 19 November 2026")
        assert lines[day + 1] == (
            f"  15:30  ● proposal sent (email, outbound)  {visual('שלחתי הצעה מעודכנת')}  intent"
        )
        await press(pilot, "escape")
        assert isinstance(pilot.app.screen, BoardScreen)


async def test_u_after_a_touchpoint_takes_back_the_touchpoint_then_the_older_move(
    journey: tuple[Workspace, JourneyIds],
) -> None:
    """`u` undoes this window's newest change, whatever it was: the touchpoint
    just logged, not the board move before it."""
    ws, ids = journey
    dana = ids.contacts[DANA]
    before = touches(ws, dana)
    stage_before = get_contact(ws.db, f"#{dana}").journey_stage
    async with make_app(ws).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await focus_card(pilot, "Proposal", "Website redesign")
        await press(pilot, "L")
        assert deal_service.show_deal(ws.db, ids.website).view.stage_name == "Negotiation"
        await press(pilot, "t")
        await type_text(pilot, "call")
        await press(pilot, "enter")
        assert touches(ws, dana)[0].kind == "call"
        assert status_line(pilot) == said(f"Logged call with {DANA!r} · u to undo")

        await press(pilot, "u")

        assert touches(ws, dana) == before
        assert get_contact(ws.db, f"#{dana}").journey_stage is stage_before
        assert deal_service.show_deal(ws.db, ids.website).view.stage_name == "Negotiation"
        assert status_line(pilot) == said(f"Undone: logged call with {DANA!r}")

        await press(pilot, "u")
        assert deal_service.show_deal(ws.db, ids.website).view.stage_name == "Proposal"
        assert status_line(pilot) == "Undone: moved 'Website redesign'"


async def test_t_and_T_on_a_card_without_a_contact_say_so(
    journey: tuple[Workspace, JourneyIds],
) -> None:
    ws, _ = journey
    async with make_app(ws).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await focus_card(pilot, ROTTING_STAGE, "Old pilot")
        for key in ("t", "T"):
            await press(pilot, key)
            assert isinstance(pilot.app.screen, BoardScreen), key
            assert status_line(pilot) == "This deal has no contact (e adds one)"


async def test_o_on_a_rotting_card_plans_a_next_step_and_the_card_stops_rotting(
    journey: tuple[Workspace, JourneyIds],
) -> None:
    ws, ids = journey
    async with make_app(ws).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await focus_card(pilot, ROTTING_STAGE, "Stale audit")
        card = board(pilot).card
        assert card is not None and card.rotting
        assert card_status(pilot).endswith("rotting")

        await press(pilot, "o")
        assert form_title(pilot) == "Next step: Stale audit"
        assert form(pilot).fields["due"].value == TOMORROW.isoformat()
        await type_text(pilot, "Book the kick-off call")
        await press(pilot, "enter")

        assert isinstance(pilot.app.screen, BoardScreen)
        [new] = [f for f in followups(ws).values() if f.deal_id == ids.stale]
        assert (new.title, new.due, new.contact_id, new.done_at) == (
            "Book the kick-off call",
            TOMORROW,
            None,
            None,
        )
        card = board(pilot).card
        assert card is not None and card.title == "Stale audit"
        assert not card.rotting
        assert "rotting" not in card_status(pilot)
        # The other rotting deal in the column still rots.
        other = next(
            c
            for c in column(pilot, ROTTING_STAGE).deal_list._cards.values()
            if c.title == "Old pilot"
        )
        assert other.rotting

        await press(pilot, "a")  # nor is it on the attention list any more
        ids_listed = [i for i, _ in attention_lines(pilot)]
        assert f"r{ids.stale}" not in ids_listed
        assert f"r{ids.old_pilot}" in ids_listed


# -- 4. the attention list ----------------------------------------------------------------


async def test_the_attention_list_shows_what_needs_the_seller_today(
    journey: tuple[Workspace, JourneyIds],
) -> None:
    ws, ids = journey
    async with make_app(ws).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "a")
        title = str(attention(pilot).query_one("#attention-title", Static).content)
        assert title == "Today: 5 to act on (Friday 20 November)"
        lines = attention_lines(pilot)
        assert [i for i, _ in lines] == [
            None,
            f"f{ids.overdue}",
            f"f{ids.today}",
            None,
            f"r{ids.old_pilot}",
            f"r{ids.stale}",
            None,
            f"q{ids.nour}",
        ]
        texts = [t.strip() for _, t in lines]
        assert texts[0] == "Follow-ups due (2)"
        assert texts[1].startswith("overdue since 2026-11-15")
        assert texts[1].endswith(f"Send the catalogue  {JOSE}")
        assert texts[2].split() == ["today", "Call", "about", "the", "PO", "Galil", "rollout"]
        assert texts[3] == "Rotting deals (2)"
        assert texts[4].split()[:4] == ["idle", "80", "days", "Old"]
        assert texts[4].endswith("Needs assessment · $900.00")
        assert texts[5].split()[:3] == ["idle", "50", "days"]
        assert texts[6] == "Qualified, no next step (1)"
        assert texts[7].endswith("Nour expansion  Proposal · €8,000.00")
        assert highlighted(pilot) == f"f{ids.overdue}"

        await press(pilot, "escape")
        assert isinstance(pilot.app.screen, BoardScreen)


async def test_an_overdue_follow_up_s_date_and_title_are_apart(
    journey: tuple[Workspace, JourneyIds],
) -> None:
    ws, ids = journey
    async with make_app(ws).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "a")
        line = dict(attention_lines(pilot))[f"f{ids.overdue}"]
        assert "2026-11-15 " in line, line
        # Titles line up in one column, whatever the first column says.
        starts = [
            t.index(w)
            for (_, t), w in zip(attention_lines(pilot)[1:3], ("Send", "Call"), strict=True)
        ]
        assert starts[0] == starts[1], attention_lines(pilot)[1:3]


async def test_d_marks_the_overdue_follow_up_done_and_it_leaves_the_list(
    journey: tuple[Workspace, JourneyIds],
) -> None:
    ws, ids = journey
    async with make_app(ws).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "a")
        assert highlighted(pilot) == f"f{ids.overdue}"

        await press(pilot, "d")

        done = followups(ws)
        assert done[ids.overdue].done_at == NOW
        assert done[ids.today].done_at is None
        ids_listed = [i for i, _ in attention_lines(pilot)]
        assert f"f{ids.overdue}" not in ids_listed
        assert attention_lines(pilot)[0][1].strip() == "Follow-ups due (1)"
        title = str(attention(pilot).query_one("#attention-title", Static).content)
        assert title == "Today: 4 to act on (Friday 20 November)"
        assert highlighted(pilot) == f"f{ids.today}"  # the next line, not the top

        await press(pilot, "down", "d")  # on a deal, d explains itself
        assert followups(ws)[ids.today].done_at is None
        assert "d marks a follow-up done; o plans this deal's next step" in toasts(pilot.app)


async def test_enter_on_a_rotting_deal_lands_on_the_board_with_that_card_focused(
    journey: tuple[Workspace, JourneyIds],
) -> None:
    ws, ids = journey
    async with make_app(ws).run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert board(pilot).card is None  # Prospecting, the first column, is empty
        await press(pilot, "a")
        await attention_cursor_to(pilot, f"r{ids.old_pilot}")

        await press(pilot, "enter")

        assert isinstance(pilot.app.screen, BoardScreen)
        card = board(pilot).card
        assert card is not None and card.title == "Old pilot"
        assert board(pilot).active == column(pilot, ROTTING_STAGE).stage_id
        # "Stale audit" (newer) is on top of the column: the cursor went down to it.
        assert titles(column(pilot, ROTTING_STAGE)) == ["Stale audit", "Old pilot"]
        assert card.rotting


async def test_enter_on_a_contact_s_follow_up_opens_their_timeline(
    journey: tuple[Workspace, JourneyIds],
) -> None:
    ws, ids = journey
    async with make_app(ws).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "a")
        assert highlighted(pilot) == f"f{ids.overdue}"
        await press(pilot, "enter")
        lines = timeline_lines(pilot)
        assert lines[0] == f"{JOSE}  Álvarez & Hijos"
        assert "Next  2026-11-15  Send the catalogue" in lines
        await press(pilot, "escape")
        assert isinstance(pilot.app.screen, AttentionScreen)

        # t on a deal without a contact says so and opens nothing.
        await attention_cursor_to(pilot, f"r{ids.old_pilot}")
        await press(pilot, "t")
        assert isinstance(pilot.app.screen, AttentionScreen)
        assert "No contact to log a touchpoint with" in toasts(pilot.app)


async def test_t_and_o_on_the_attention_list_act_on_the_item_s_deal(
    journey: tuple[Workspace, JourneyIds],
) -> None:
    ws, ids = journey
    yossi = ids.contacts[YOSSI]
    async with make_app(ws).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "a")
        await attention_cursor_to(pilot, f"f{ids.today}")
        await press(pilot, "t")
        assert form_title(pilot) == f"Log a touchpoint: {visual(YOSSI)}"
        await type_text(pilot, "call")
        await press(pilot, "tab")
        await type_text(pilot, "ההזמנה בדרך")
        await press(pilot, "enter")
        new = touches(ws, yossi)[0]
        assert (new.kind, new.deal_id, new.summary, new.at) == (
            "call",
            ids.galil,
            "ההזמנה בדרך",
            NOW,
        )

        # o on the qualified deal: it has a next step now, so it leaves the list.
        await attention_cursor_to(pilot, f"q{ids.nour}")
        await press(pilot, "o")
        assert form_title(pilot) == "Next step: Nour expansion"
        await type_text(pilot, "Send the contract")
        await press(pilot, "enter")
        [new_step] = [f for f in followups(ws).values() if f.deal_id == ids.nour]
        assert (new_step.title, new_step.due) == ("Send the contract", TOMORROW)
        ids_listed = [i for i, _ in attention_lines(pilot)]
        assert f"q{ids.nour}" not in ids_listed
        assert all(t.strip() != "Qualified, no next step (1)" for _, t in attention_lines(pilot))


# -- 5. deleting a contact ----------------------------------------------------------------


async def test_deleting_a_contact_asks_n_keeps_them_y_deletes_u_brings_everything_back(
    journey: tuple[Workspace, JourneyIds],
) -> None:
    ws, ids = journey
    dana = ids.contacts[DANA]
    before_touches = touches(ws, dana)
    before_followup = followups(ws)[ids.dana_next]
    assert len(before_touches) == 5
    async with make_app(ws).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "C")
        await contact_cursor_to(pilot, DANA)

        await press(pilot, "delete")
        confirm = pilot.app.screen
        assert isinstance(confirm, ConfirmScreen)
        assert drawn(confirm.query_one(".form-title", Label)) == (
            f"Delete {visual(DANA)!r}? They have 1 deal (kept, without a contact), 5 touchpoints, "
            "1 follow-up. (u undoes it)"
        )
        await press(pilot, "n")
        assert isinstance(pilot.app.screen, ContactsScreen)
        assert touches(ws, dana) == before_touches
        assert listed(pilot) == BY_NAME

        await press(pilot, "delete")
        assert isinstance(pilot.app.screen, ConfirmScreen)
        await press(pilot, "y")

        assert isinstance(pilot.app.screen, ContactsScreen)
        with pytest.raises(ValidationError):
            get_contact(ws.db, f"#{dana}")
        assert count(ws, "touchpoint", dana) == 0
        assert count(ws, "followup", dana) == 0
        assert ids.dana_next not in followups(ws)
        website = deal_service.show_deal(ws.db, ids.website).view
        assert website.deal.title == "Website redesign" and website.deal.contact_id is None
        assert listed(pilot) == [n for n in BY_NAME if n != DANA]
        assert said(f"Deleted contact {DANA!r} · u to undo") in toasts(pilot.app)

        await press(pilot, "u")

        assert get_contact(ws.db, f"#{dana}").name == DANA
        assert touches(ws, dana) == before_touches
        assert followups(ws)[ids.dana_next] == before_followup
        assert deal_contact(ws, ids.website) == dana
        assert listed(pilot) == BY_NAME


async def test_a_contact_with_nothing_attached_is_deleted_without_asking(
    journey: tuple[Workspace, JourneyIds],
) -> None:
    ws, ids = journey
    async with make_app(ws).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "C")
        await contact_cursor_to(pilot, OMAR_AR)
        await press(pilot, "delete")
        assert isinstance(pilot.app.screen, ContactsScreen)
        with pytest.raises(ValidationError):
            get_contact(ws.db, f"#{ids.contacts[OMAR_AR]}")
        assert OMAR_AR not in listed(pilot)
        await press(pilot, "u")
        assert OMAR_AR in listed(pilot)


async def test_escape_at_the_question_keeps_the_contact(
    journey: tuple[Workspace, JourneyIds],
) -> None:
    ws, ids = journey
    async with make_app(ws).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "C")
        await contact_cursor_to(pilot, OMAR)  # one deal, nothing else
        await press(pilot, "delete")
        confirm = pilot.app.screen
        assert isinstance(confirm, ConfirmScreen)
        assert "1 deal (kept, without a contact)" in drawn(confirm.query_one(".form-title", Label))
        await press(pilot, "escape")
        assert get_contact(ws.db, f"#{ids.contacts[OMAR]}").name == OMAR
        assert deal_contact(ws, ids.stale) == ids.contacts[OMAR]


# -- 6. text that looks like markup ---------------------------------------------------------


async def test_a_contact_named_like_markup_shows_literally_and_clicks_run_nothing(
    workspace: Workspace,
) -> None:
    person = add_contact(workspace.db, name=CLICK, company="[b]Co[/b]")
    log_touchpoint(
        workspace.db,
        contact=f"#{person.id}",
        kind="call",
        summary="[red]said[/red] [@click=app.bell]hi[/]",
        channel="[i]phone[/i]",
        at=datetime(2026, 11, 19, 9, 0, tzinfo=UTC),
    )
    async with make_app(workspace).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "C")
        [row] = rows_drawn(pilot)
        assert row.startswith(f"{CLICK}")
        assert "[b]Co[/b]" in row
        listing = contact_list(pilot)
        for y in range(listing.size.height):
            assert not [s for s in listing.render_line(y) if s.style and s.style.meta]
        await pilot.click(listing, offset=(1, 0))
        await pilot.click(listing, offset=(8, 0))
        await settle(pilot)
        assert pilot.app.return_code is None and pilot.app.is_running

        await press(pilot, "enter")
        lines = timeline_lines(pilot)
        assert lines[0] == f"{CLICK}  [b]Co[/b]"
        assert (
            "  09:00  ● call ([i]phone[/i])  [red]said[/red] [@click=app.bell]hi[/]  consideration"
            in lines
        )
        content = timeline(pilot).query_one("#timeline-text", Static).content
        styles = [str(span.style) for span in content.spans]  # type: ignore[union-attr]
        assert not [s for s in styles if "@click" in s or "red" in s or "italic" in s], styles
        text_widget = timeline(pilot).query_one("#timeline-text", Static)
        await pilot.click(text_widget, offset=(2, 0))
        await pilot.click(text_widget, offset=(10, 0))
        await settle(pilot)
        assert pilot.app.return_code is None and pilot.app.is_running
        assert isinstance(pilot.app.screen, TimelineScreen)

        await press(pilot, "t")  # the form's title and the toast keep it too
        assert form_title(pilot) == f"Log a touchpoint: {CLICK}"
        await type_text(pilot, "meeting")
        await press(pilot, "enter")
        assert f"Logged meeting with {CLICK!r} · u to undo" in toasts(pilot.app)
        assert pilot.app.return_code is None and pilot.app.is_running


# -- 7. bad input in the touchpoint form ----------------------------------------------------


BAD_TOUCH = [
    pytest.param(
        {"kind": "tele?pathy"},  # (a name that can be a kind is offered as a new one)
        "kind",
        "unknown kind 'tele?pathy'",
        id="unknown-kind",
    ),
    pytest.param({"kind": ""}, "kind", "what happened?", id="no-kind"),
    pytest.param({"score": "11"}, "score", "must be between 0 and 10, got 11", id="score-11"),
    pytest.param({"score": "ten"}, "score", "not a whole number: 'ten'", id="score-not-a-number"),
    pytest.param(
        {"at": "2026-13-45"},
        "at",
        "not a date-time: '2026-13-45' (use YYYY-MM-DDTHH:MM, ",
        id="bad-date",
    ),
    pytest.param({"at": "2026-02-30T10:00"}, "at", "not a date-time", id="no-such-day"),
    pytest.param({"direction": "sideways"}, "direction", "in or out", id="bad-direction"),
]


@pytest.mark.parametrize(("typed", "field", "error"), BAD_TOUCH)
async def test_bad_input_in_the_touch_form_shows_at_its_field_and_saves_nothing(
    journey: tuple[Workspace, JourneyIds], typed: dict[str, str], field: str, error: str
) -> None:
    ws, ids = journey
    dana = ids.contacts[DANA]
    before = touches(ws, dana)
    values = {"kind": "call", "summary": "סיכום", **typed}
    order = ["kind", "summary", "channel", "direction", "at", "score"]
    async with make_app(ws).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "C")
        await contact_cursor_to(pilot, DANA)
        await press(pilot, "enter", "t")
        for i, name in enumerate(order):
            if i:
                await pilot.press("tab")
            assert pilot.app.focused is form(pilot).fields[name].input
            if values.get(name):
                await type_text(pilot, values[name])
        await press(pilot, "enter")

        assert isinstance(pilot.app.screen, PromptForm), "the form closed"
        errors = field_errors(pilot)
        assert list(errors) == [field]
        assert error in errors[field]
        assert pilot.app.focused is form(pilot).fields[field].input
        assert form(pilot).fields[field].has_class("invalid")
        assert touches(ws, dana) == before

        await press(pilot, "escape")
        assert isinstance(pilot.app.screen, TimelineScreen)
        assert touches(ws, dana) == before
        assert get_contact(ws.db, f"#{dana}").journey_stage is JourneyStage.INTENT
