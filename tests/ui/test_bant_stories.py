"""BANT qualification as a salesperson does it on the board: b opens the form on
the focused card, the score follows every status picked, ctrl+s saves, ctrl+d
and D drop the lead (u takes it back), v shows only one verdict, and the deal
screen shows the answers and how they changed.

Each story reads its outcome back from the database through the services and
from what the screen shows (the form's score line and fields, the status line,
the cards and column headers).
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Input, Label, Static
from ui_helpers import board, column, focus_card, make_app, press, settle, titles, type_text

from pipetui.domain.bant import Answer, AnswerPatch, CriterionAnswer, Thresholds, Verdict
from pipetui.domain.bidi import visual
from pipetui.domain.board import CARD_HEIGHT
from pipetui.domain.deal_status import DealStatus
from pipetui.domain.money import Money
from pipetui.domain.typed_dates import DATE_FORMS
from pipetui.services import deals as deal_service
from pipetui.services.qualification import qualify_deal
from pipetui.services.workspace import Workspace
from pipetui.ui.screens.bant_form import BantForm
from pipetui.ui.screens.board import BoardScreen
from pipetui.ui.screens.deal_detail import DealDetailScreen
from pipetui.ui.widgets.card_lines import VERDICT_MARKS
from pipetui.ui.widgets.stage_column import header_lines
from table_dump import PAGES

SIZE = (160, 50)
CRITERIA = ("budget", "authority", "need", "timeline")


# -- typing, reading the screen and the database -----------------------------------------


class T(str):
    """Text to type, as opposed to the name of a key to press."""


async def keys(pilot: Pilot[None], *steps: str) -> None:
    """Press keys and type texts (`T`) in order, then wait like `press`."""
    for step in steps:
        if isinstance(step, T):
            await type_text(pilot, step)
        else:
            await pilot.press(step)
    await press(pilot)


def drawn(widget: Widget, width: int = 200) -> str:
    """A widget's first line as the terminal draws it (markup would be consumed)."""
    return "".join(s.text for s in widget.render_lines(Region(0, 0, width, 1))[0]).strip()


def form(pilot: Pilot[None]) -> BantForm:
    """The BANT form, which must be the screen on top."""
    screen = pilot.app.screen
    assert isinstance(screen, BantForm), f"expected the BANT form, got {screen!r}"
    return screen


def score(pilot: Pilot[None]) -> str:
    """The form's live score line."""
    return str(form(pilot).query_one(".bant-score", Static).content)


def score_class(pilot: Pilot[None]) -> str:
    """Which verdict colour the score line has."""
    line = form(pilot).query_one(".bant-score", Static)
    verdicts = {"-qualified", "-in-progress", "-disqualified", "-not-assessed"}
    [found] = [c for c in line.classes if c in verdicts]
    return found


def field_error(pilot: Pilot[None], name: str) -> str:
    """The error line under the form's field `name` ("" when none)."""
    return str(form(pilot).fields[name].error.content)


def focused_id(pilot: Pilot[None]) -> str | None:
    focused = pilot.app.focused
    return focused.id if focused is not None else None


def status_line(pilot: Pilot[None]) -> str:
    """What the board's status line says."""
    return str(board(pilot).query_one("#status", Static).content)


def title_line(pilot: Pilot[None]) -> str:
    return str(board(pilot).query_one("#board-title", Static).content)


def header(pilot: Pilot[None], stage: str) -> str:
    """The first line of a column header: "Proposal  1/3"."""
    return "".join(text for text, _ in header_lines(column(pilot, stage).summary)[0])


def card_mark(pilot: Pilot[None]) -> str:
    """The verdict mark drawn at the end of the focused card's title line."""
    deal_list = board(pilot).deal_list
    assert deal_list is not None
    y = deal_list.cursor * CARD_HEIGHT - int(deal_list.scroll_offset.y)
    return "".join(s.text for s in deal_list.render_line(y)).rstrip(" │┃")[-1]


def answers(ws: Workspace, deal_id: int) -> dict[str, CriterionAnswer]:
    return deal_service.show_deal(ws.db, deal_id).answers


def bant_history(ws: Workspace, deal_id: int) -> list[str]:
    """The deal's answer changes, oldest first, as the deal screen words them."""
    return [d.change.describe() for d in deal_service.show_deal(ws.db, deal_id).answer_history]


# Tables of figures derived from the deals: an undo rebuilds their rows with new
# row ids, so they are compared without their id column.
DERIVED = {"funnel_fact"}


def dump(ws: Workspace) -> dict[str, list[str]]:
    """Every row of every table of the board's database file (order-independent)."""
    path = Path(ws.db.engine.url.database)  # type: ignore[arg-type]
    with closing(sqlite3.connect(path)) as conn:
        names = [n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        names = [n for n in names if n not in PAGES]  # (the search indexes: by their content)
        rows = {}
        for name in names:
            columns = [c[1] for c in conn.execute(f'PRAGMA table_info("{name}")')]
            if name in DERIVED:
                columns = [c for c in columns if c != "id"]
            listed = ", ".join(f'"{c}"' for c in columns)
            rows[name] = sorted(repr(r) for r in conn.execute(f'SELECT {listed} FROM "{name}"'))
        return rows


def undo_stack(pilot: Pilot[None]) -> list[object]:
    return pilot.app.undo_stack  # type: ignore[attr-defined,no-any-return]


# -- 1. filling the form -----------------------------------------------------------------


async def test_the_form_filled_by_keyboard_alone_saves_every_answer_with_its_history(
    sales: Workspace,
) -> None:
    async with make_app(sales).run_test(size=SIZE) as pilot:
        await settle(pilot)
        deal_id = await focus_card(pilot, "Proposal", "Website redesign")
        assert card_mark(pilot) == VERDICT_MARKS[Verdict.NOT_ASSESSED]

        await press(pilot, "b")
        assert drawn(form(pilot).query_one(".form-title", Label)) == "Qualify: Website redesign"
        assert focused_id(pilot) == "status-budget"
        # Budget: yes, 12,000 (the deal's currency), a note.
        await keys(pilot, "4", "tab", T("12,000"), "tab", T("approved in Q3"))
        # Authority: partial, the CFO, no note.
        await keys(pilot, "tab", "3", "tab", T("CFO"), "tab")
        assert focused_id(pilot) == "input-authority-note"
        # Need: yes, the pain in their words.
        await keys(pilot, "tab", "4", "tab", T("invoices take a week"))
        # Timeline: no, but a target date.
        await keys(pilot, "tab", "2", "tab", T("2027-03-01"))
        assert focused_id(pilot) == "input-timeline-date"
        assert score(pilot) == "62 % · in progress — Timeline is not yet met"
        assert answers(sales, deal_id) == {}  # nothing is saved before ctrl+s

        await press(pilot, "ctrl+s")

        assert isinstance(pilot.app.screen, BoardScreen)
        assert answers(sales, deal_id) == {
            "budget": CriterionAnswer(
                Answer.YES, amount=Money(1_200_000, "USD"), note="approved in Q3"
            ),
            "authority": CriterionAnswer(Answer.PARTIAL, who="CFO"),
            "need": CriterionAnswer(Answer.YES, note="invoices take a week"),
            "timeline": CriterionAnswer(Answer.NO, target_date=date(2027, 3, 1)),
        }
        assert bant_history(sales, deal_id) == [
            "Budget: unknown → yes (amount $12,000.00; note changed)",
            "Authority: unknown → partial (who decides: CFO)",
            "Need: unknown → yes (note changed)",
            "Timeline: unknown → no (target date 2027-03-01)",
        ]
        assert status_line(pilot) == "BANT for 'Website redesign': in progress, 62 % · u to undo"
        card = board(pilot).card
        assert card is not None and card.deal_id == deal_id  # the cursor stayed on it
        assert card.verdict is Verdict.IN_PROGRESS
        assert card_mark(pilot) == VERDICT_MARKS[Verdict.IN_PROGRESS]
        assert deal_service.show_deal(sales.db, deal_id).view.deal.status is DealStatus.OPEN

        # Reopened, the form shows what was saved; ctrl+s on it changes nothing.
        await press(pilot, "b")
        shown = {k: p.value for k, p in form(pilot).pickers.items()}
        assert shown == dict(
            zip(CRITERIA, (Answer.YES, Answer.PARTIAL, Answer.YES, Answer.NO), strict=True)
        )
        typed = {name: f.value for name, f in form(pilot).fields.items()}
        assert typed == {
            "budget-amount": "$12,000.00",
            "budget-note": "approved in Q3",
            "authority-who": "CFO",
            "authority-note": "",
            "need-note": "invoices take a week",
            "timeline-date": "2027-03-01",
        }
        # Authority yes and Timeline partial: every criterion met, 7/8 → qualified.
        await press(pilot, "tab", "tab", "tab", "right")
        await press(pilot, "tab", "tab", "tab", "tab", "tab", "3")
        assert (focused_id(pilot), score(pilot)) == (
            "status-timeline",
            "87 % · qualified — All criteria met",
        )
        await press(pilot, "ctrl+s")
        assert bant_history(sales, deal_id)[4:] == [
            "Authority: partial → yes",
            "Timeline: no → partial",
        ]
        assert board(pilot).card.verdict is Verdict.QUALIFIED  # type: ignore[union-attr]
        assert card_mark(pilot) == VERDICT_MARKS[Verdict.QUALIFIED]
        assert status_line(pilot) == "BANT for 'Website redesign': qualified, 87 % · u to undo"

        # u takes back only the last save.
        await press(pilot, "u")
        assert answers(sales, deal_id)["authority"].status is Answer.PARTIAL
        assert answers(sales, deal_id)["timeline"].status is Answer.NO
        assert len(bant_history(sales, deal_id)) == 4
        assert board(pilot).card.verdict is Verdict.IN_PROGRESS  # type: ignore[union-attr]


async def test_the_score_line_follows_each_status_as_it_is_picked(sales: Workspace) -> None:
    async with make_app(sales).run_test(size=SIZE) as pilot:
        await settle(pilot)
        deal_id = await focus_card(pilot, "Prospecting", "Cold lead")
        await press(pilot, "b")
        seen = [(score(pilot), score_class(pilot))]

        async def pick(*keys: str) -> None:
            await pilot.press(*keys)
            seen.append((score(pilot), score_class(pilot)))

        await pick("4")  # budget yes
        await pick("left")  # budget partial
        await pick("tab", "tab", "tab", "3")  # authority partial
        await pick("l")  # authority yes
        await pick("tab", "tab", "tab", "4")  # need yes
        await pick("tab", "tab", "right", "right", "right")  # timeline: no, partial, yes
        await pick("left")  # timeline partial
        await pick("shift+tab", "shift+tab", "shift+tab", "shift+tab", "shift+tab", "2")
        await pick("1")  # authority unknown

        assert seen == [
            ("0 % · not assessed — No answers yet", "-not-assessed"),
            ("25 % · in progress — Authority, Need, Timeline are not yet met", "-in-progress"),
            ("12 % · in progress — Authority, Need, Timeline are not yet met", "-in-progress"),
            ("25 % · in progress — Need, Timeline are not yet met", "-in-progress"),
            ("37 % · in progress — Need, Timeline are not yet met", "-in-progress"),
            ("62 % · in progress — Timeline is not yet met", "-in-progress"),
            ("87 % · qualified — All criteria met", "-qualified"),
            ("75 % · qualified — All criteria met", "-qualified"),
            ("50 % · disqualified — Authority is no", "-disqualified"),
            ("50 % · in progress — Authority is not yet met", "-in-progress"),
        ]
        assert focused_id(pilot) == "status-authority"
        # Stepping stops at the ends.
        await pilot.press("left", "left")
        assert form(pilot).pickers["authority"].value is Answer.UNKNOWN
        # None of it was saved.
        assert answers(sales, deal_id) == {}
        assert bant_history(sales, deal_id) == []


async def test_escape_closes_the_form_with_nothing_saved(sales: Workspace) -> None:
    deal_id = 2  # Annual licence
    qualify_deal(sales.db, deal_id, {"budget": {"status": Answer.PARTIAL}})
    async with make_app(sales).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await focus_card(pilot, "Proposal", "Annual licence")
        before, rows = answers(sales, deal_id), dump(sales)

        await keys(pilot, "b", "4", "tab", T("999"), "tab", "tab", "2", "tab", T("Nobody"))
        assert score(pilot).startswith("25 % · disqualified")
        await press(pilot, "escape")

        assert isinstance(pilot.app.screen, BoardScreen)
        assert answers(sales, deal_id) == before
        assert dump(sales) == rows
        assert undo_stack(pilot) == []
        assert board(pilot).card.verdict is Verdict.IN_PROGRESS  # type: ignore[union-attr]
        # Opened again, it shows what is saved, not what was typed before escape.
        await press(pilot, "b")
        assert form(pilot).pickers["budget"].value is Answer.PARTIAL
        assert form(pilot).pickers["authority"].value is Answer.UNKNOWN
        assert form(pilot).fields["budget-amount"].value == ""
        assert form(pilot).fields["authority-who"].value == ""


# -- 2. bad input --------------------------------------------------------------------


BAD_AMOUNTS = {
    "12,34": "not an amount: '12,34' (e.g. 1,200.50)",
    "-500": "must not be negative: '-500'",
    "12 XYZ": "unknown currency 'XYZ' (use an ISO 4217 code)",
    "1.234": "USD has 2 decimal places: '1.234'",
    "lots": "not an amount: 'lots' (e.g. 1,200.50)",
}
BAD_DATES = ["2027-02-30", "01/03/2027", "the week after"]


async def test_a_bad_amount_is_shown_at_its_field_and_nothing_is_saved_until_fixed(
    sales: Workspace,
) -> None:
    async with make_app(sales).run_test(size=SIZE) as pilot:
        await settle(pilot)
        deal_id = await focus_card(pilot, "Proposal", "Website redesign")
        rows = dump(sales)
        await keys(pilot, "b", "4", "tab", "tab", T("ok"), "shift+tab")

        for typed, message in BAD_AMOUNTS.items():
            await keys(pilot, "home", "ctrl+k", T(typed), "ctrl+s")

            assert isinstance(pilot.app.screen, BantForm), typed
            assert focused_id(pilot) == "input-budget-amount"  # at the bad field
            assert field_error(pilot, "budget-amount") == message
            assert "invalid" in form(pilot).fields["budget-amount"].classes
            assert field_error(pilot, "timeline-date") == ""
            # What was typed is still there to fix; nothing was saved.
            assert form(pilot).fields["budget-amount"].value == typed
            assert form(pilot).fields["budget-note"].value == "ok"
            assert dump(sales) == rows
            assert undo_stack(pilot) == []
        # The error is shown at its field even when the save comes from another one.
        await keys(pilot, "tab", "ctrl+s")
        assert focused_id(pilot) == "input-budget-amount"
        assert field_error(pilot, "budget-amount") == BAD_AMOUNTS["lots"]

        # Fixed, enter in the field saves.
        await keys(pilot, "home", "ctrl+k", T("1,250.50"), "enter")

        assert isinstance(pilot.app.screen, BoardScreen)
        assert answers(sales, deal_id) == {
            "budget": CriterionAnswer(Answer.YES, amount=Money(125_050, "USD"), note="ok")
        }


async def test_a_bad_date_is_shown_at_its_field_and_nothing_is_saved_until_fixed(
    sales: Workspace,
) -> None:
    async with make_app(sales).run_test(size=SIZE) as pilot:
        await settle(pilot)
        deal_id = await focus_card(pilot, "Negotiation", "Support plan")
        rows = dump(sales)
        await keys(pilot, "b", *["tab"] * 8)
        assert focused_id(pilot) == "status-timeline"
        await keys(pilot, "3", "tab")

        for typed in BAD_DATES:
            await keys(pilot, "home", "ctrl+k", T(typed), "ctrl+s")

            assert isinstance(pilot.app.screen, BantForm), typed
            assert focused_id(pilot) == "input-timeline-date"
            assert field_error(pilot, "timeline-date") == (
                f"not a date: {typed!r} (use {DATE_FORMS})"
            )
            assert field_error(pilot, "budget-amount") == ""
            assert score(pilot) == "12 % · in progress — Budget, Authority, Need are not yet met"
            assert dump(sales) == rows

        await keys(pilot, "home", "ctrl+k", T("2027-02-28"), "enter")

        assert isinstance(pilot.app.screen, BoardScreen)
        assert answers(sales, deal_id) == {
            "timeline": CriterionAnswer(Answer.PARTIAL, target_date=date(2027, 2, 28))
        }
        assert bant_history(sales, deal_id) == [
            "Timeline: unknown → partial (target date 2027-02-28)"
        ]


# -- 3. dropping a lead: ctrl+d in the form, D on the board -----------------------------


async def test_ctrl_d_with_budget_no_disqualifies_the_deal_and_u_restores_it_exactly(
    sales: Workspace,
) -> None:
    deal_id = 1  # Website redesign
    qualify_deal(
        sales.db,
        deal_id,
        {"budget": {"status": Answer.PARTIAL}, "need": {"status": Answer.YES, "note": "slow"}},
    )
    async with make_app(sales).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await focus_card(pilot, "Proposal", "Website redesign")
        before, rows = answers(sales, deal_id), dump(sales)
        assert header(pilot, "Proposal") == "Proposal  3"

        await press(pilot, "b", "2")
        assert score(pilot) == "25 % · disqualified — Budget is no"
        await press(pilot, "ctrl+d")

        assert isinstance(pilot.app.screen, BoardScreen)
        deal = deal_service.show_deal(sales.db, deal_id).view.deal
        assert (deal.status, deal.lost_reason) == (DealStatus.LOST, "Disqualified: Budget")
        assert answers(sales, deal_id)["budget"] == CriterionAnswer(Answer.NO)
        assert bant_history(sales, deal_id)[-1] == "Budget: partial → no"
        assert "Website redesign" not in titles(column(pilot, "Proposal"))
        assert header(pilot, "Proposal") == "Proposal  2"
        assert status_line(pilot) == "lost 'Website redesign': Disqualified: Budget · u to undo"

        await press(pilot, "u")

        deal = deal_service.show_deal(sales.db, deal_id).view.deal
        assert (deal.status, deal.lost_reason, deal.closed_at) == (DealStatus.OPEN, None, None)
        assert answers(sales, deal_id) == before
        assert dump(sales) == rows
        assert "Website redesign" in titles(column(pilot, "Proposal"))
        assert header(pilot, "Proposal") == "Proposal  3"


async def test_ctrl_d_is_refused_with_a_note_when_nothing_is_answered_no(
    sales: Workspace,
) -> None:
    async with make_app(sales).run_test(size=SIZE) as pilot:
        await settle(pilot)
        deal_id = await focus_card(pilot, "Proposal", "Pilot project")
        rows = dump(sales)

        await press(pilot, "b", "3", "ctrl+d")

        assert form(pilot)  # still open
        assert score(pilot) == (
            "12 % · in progress — set the criterion that fails to no (key 2) to disqualify"
        )
        assert dump(sales) == rows
        # Answering no makes it possible; the note gives way to the reason.
        await press(pilot, "tab", "tab", "tab", "2")
        assert score(pilot) == "12 % · disqualified — Authority is no"
        await press(pilot, "ctrl+d")
        deal = deal_service.show_deal(sales.db, deal_id).view.deal
        assert (deal.status, deal.lost_reason) == (DealStatus.LOST, "Disqualified: Authority")


async def test_ctrl_d_disqualifies_from_a_text_field_too(sales: Workspace) -> None:
    async with make_app(sales).run_test(size=SIZE) as pilot:
        await settle(pilot)
        deal_id = await focus_card(pilot, "Proposal", "Website redesign")
        await keys(pilot, "b", "2", "tab", "tab", T("none left"), "home")
        assert focused_id(pilot) == "input-budget-note"

        await press(pilot, "ctrl+d")

        detail = deal_service.show_deal(sales.db, deal_id)
        deal = detail.view.deal
        assert (deal.status, deal.lost_reason) == (DealStatus.LOST, "Disqualified: Budget")
        assert detail.answers["budget"].note == "none left"  # not cut by ctrl+d


async def test_D_on_a_card_whose_budget_is_no_disqualifies_it_and_u_restores_it(
    sales: Workspace,
) -> None:
    deal_id = 4  # Support plan
    qualify_deal(
        sales.db,
        deal_id,
        {"budget": {"status": Answer.NO, "note": "frozen"}, "need": {"status": Answer.YES}},
    )
    async with make_app(sales).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await focus_card(pilot, "Negotiation", "Support plan")
        assert board(pilot).card.verdict is Verdict.DISQUALIFIED  # type: ignore[union-attr]
        assert card_mark(pilot) == VERDICT_MARKS[Verdict.DISQUALIFIED]
        before, rows = answers(sales, deal_id), dump(sales)

        await press(pilot, "D")

        deal = deal_service.show_deal(sales.db, deal_id).view.deal
        assert (deal.status, deal.lost_reason) == (DealStatus.LOST, "Disqualified: Budget")
        assert answers(sales, deal_id) == before  # D changes no answer
        assert column(pilot, "Negotiation").deal_list.total == 0
        assert header(pilot, "Negotiation") == "Negotiation  0"
        assert status_line(pilot) == "lost 'Support plan': Disqualified: Budget · u to undo"
        # A lost deal cannot be dropped again (with closed deals shown).
        await press(pilot, "c")
        await focus_card(pilot, "Negotiation", "Support plan")
        await press(pilot, "D")
        assert status_line(pilot) == "This deal is already lost"
        await press(pilot, "c")

        await press(pilot, "u")

        deal = deal_service.show_deal(sales.db, deal_id).view.deal
        assert (deal.status, deal.lost_reason) == (DealStatus.OPEN, None)
        assert dump(sales) == rows
        assert titles(column(pilot, "Negotiation")) == ["Support plan"]


@pytest.mark.parametrize(
    "patch",
    [
        {},  # not assessed
        {"budget": {"status": Answer.YES}, "timeline": {"status": Answer.UNKNOWN}},
    ],
    ids=["not-assessed", "in-progress"],
)
async def test_D_on_a_card_with_no_no_answer_leaves_it_open_and_says_why(
    sales: Workspace, patch: dict[str, AnswerPatch]
) -> None:
    deal_id = 3  # Pilot project
    if patch:
        qualify_deal(sales.db, deal_id, patch)
    async with make_app(sales).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await focus_card(pilot, "Proposal", "Pilot project")
        rows = dump(sales)

        await press(pilot, "D")

        assert deal_service.show_deal(sales.db, deal_id).view.deal.status is DealStatus.OPEN
        assert dump(sales) == rows
        assert undo_stack(pilot) == []
        assert status_line(pilot) == (
            "nothing disqualifies this deal yet: no criterion is answered no (b to qualify)"
        )
        assert "-warning" in board(pilot).query_one("#status", Static).classes
        assert "Pilot project" in titles(column(pilot, "Proposal"))


# -- 4. only one verdict: v --------------------------------------------------------------


async def test_v_cycles_the_verdict_filter_and_columns_show_only_matching_cards(
    sales: Workspace,
) -> None:
    yes = AnswerPatch(status=Answer.YES)
    everything_yes = dict.fromkeys(CRITERIA, yes)
    qualify_deal(sales.db, 1, everything_yes)  # Website redesign: qualified
    qualify_deal(sales.db, 2, {"budget": yes})  # Annual licence: in progress
    qualify_deal(sales.db, 4, {"authority": {"status": Answer.NO}})  # Support plan
    # Pilot project and Cold lead: not assessed.
    async with make_app(sales).run_test(size=SIZE) as pilot:
        await settle(pilot)
        stages = ("Prospecting", "Proposal", "Negotiation")

        def shown() -> dict[str, list[str]]:
            return {s: titles(column(pilot, s)) for s in stages}

        every = shown()
        assert every == {
            "Prospecting": ["Cold lead"],
            "Proposal": ["Pilot project", "Annual licence", "Website redesign"],
            "Negotiation": ["Support plan"],
        }
        assert title_line(pilot) == "Sales"

        await press(pilot, "v")
        assert title_line(pilot) == "Sales · BANT: only qualified (v)"
        assert status_line(pilot) == "Only qualified deals · v: only in progress"
        assert shown() == {"Prospecting": [], "Proposal": ["Website redesign"], "Negotiation": []}
        assert [header(pilot, s) for s in stages] == [
            "Prospecting  0/1",
            "Proposal  1/3",
            "Negotiation  0/1",
        ]
        # The cursor went to the first match.
        assert board(pilot).card.title == "Website redesign"  # type: ignore[union-attr]

        await press(pilot, "v")
        assert title_line(pilot) == "Sales · BANT: only in progress (v)"
        assert shown() == {"Prospecting": [], "Proposal": ["Annual licence"], "Negotiation": []}
        assert header(pilot, "Proposal") == "Proposal  1/3"

        await press(pilot, "v")
        assert title_line(pilot) == "Sales · BANT: only disqualified (v)"
        assert shown() == {"Prospecting": [], "Proposal": [], "Negotiation": ["Support plan"]}
        assert header(pilot, "Negotiation") == "Negotiation  1"  # all of it is shown

        await press(pilot, "v")
        assert title_line(pilot) == "Sales · BANT: only not assessed (v)"
        assert status_line(pilot) == "Only not assessed deals · v: every deal"
        assert shown() == {
            "Prospecting": ["Cold lead"],
            "Proposal": ["Pilot project"],
            "Negotiation": [],
        }
        assert header(pilot, "Proposal") == "Proposal  1/3"

        # A deal qualified while the filter is on leaves the filtered column.
        await focus_card(pilot, "Proposal", "Pilot project")
        await press(pilot, "b", "4", "ctrl+s")
        assert answers(sales, 3)["budget"].status is Answer.YES
        assert shown()["Proposal"] == []
        assert header(pilot, "Proposal") == "Proposal  0/3"

        await press(pilot, "v")
        assert title_line(pilot) == "Sales"
        assert status_line(pilot) == "Every deal again · v: only qualified"
        assert shown() == every
        assert header(pilot, "Proposal") == "Proposal  3"


async def test_the_board_and_the_form_use_the_thresholds_of_the_settings(
    sales: Workspace,
) -> None:
    """[bant] qualified_score = 4, disqualify_on = ["timeline"]."""
    sales.settings = sales.settings._replace(
        bant=Thresholds(qualified_score=4, disqualify_on=("timeline",))
    )
    partial = AnswerPatch(status=Answer.PARTIAL)
    qualify_deal(sales.db, 2, dict.fromkeys(CRITERIA, partial))  # 4/8
    qualify_deal(sales.db, 4, {"budget": AnswerPatch(status=Answer.NO)})
    async with make_app(sales).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await focus_card(pilot, "Proposal", "Annual licence")
        assert board(pilot).card.verdict is Verdict.QUALIFIED  # type: ignore[union-attr]
        await focus_card(pilot, "Negotiation", "Support plan")
        assert board(pilot).card.verdict is Verdict.IN_PROGRESS  # type: ignore[union-attr]

        await keys(pilot, "b", *["tab"] * 8, "2")
        assert score(pilot) == "0 % · disqualified — Timeline is no"
        await keys(pilot, "shift+tab", "shift+tab", "3")  # need partial
        assert score(pilot) == "12 % · disqualified — Timeline is no"
        await keys(pilot, "ctrl+d")

        deal = deal_service.show_deal(sales.db, 4).view.deal
        assert (deal.status, deal.lost_reason) == (DealStatus.LOST, "Disqualified: Timeline")


# -- 5. the deal screen ------------------------------------------------------------------


async def test_the_deal_screen_shows_answers_and_history_and_b_there_opens_the_form(
    sales: Workspace,
) -> None:
    deal_id = 2  # Annual licence
    qualify_deal(
        sales.db,
        deal_id,
        {
            "budget": {"status": Answer.PARTIAL, "amount": Money(800_000, "ILS")},
            "authority": {"status": Answer.YES, "who": "Omar"},
        },
    )
    async with make_app(sales).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await focus_card(pilot, "Proposal", "Annual licence")

        await press(pilot, "enter")
        detail = pilot.app.screen
        assert isinstance(detail, DealDetailScreen)
        text = detail.content.plain
        assert "BANT  in progress · 37 % · Need, Timeline are not yet met" in text
        assert "Budget  partial · ₪8,000.00" in text
        assert "Authority  yes · Omar" in text
        assert "Need  unknown" in text
        history = text[text.index("History") : text.index("Touchpoints")]
        assert "(b: qualify)" in history
        assert "Budget: unknown → partial (amount ₪8,000.00)" in history
        assert "Authority: unknown → yes (who decides: Omar)" in history
        assert history.index("entered Proposal") < history.index("Budget: unknown")

        await press(pilot, "b")

        assert drawn(form(pilot).query_one(".form-title", Label)) == "Qualify: Annual licence"
        assert not any(isinstance(s, DealDetailScreen) for s in pilot.app.screen_stack)
        assert form(pilot).pickers["budget"].value is Answer.PARTIAL
        assert form(pilot).fields["budget-amount"].value == "₪8,000.00"
        assert form(pilot).fields["authority-who"].value == "Omar"
        await press(pilot, "4", "ctrl+s")

        assert answers(sales, deal_id)["budget"] == CriterionAnswer(
            Answer.YES, amount=Money(800_000, "ILS")
        )
        assert status_line(pilot) == "BANT for 'Annual licence': in progress, 50 % · u to undo"
        await press(pilot, "enter")
        text = pilot.app.screen.content.plain  # type: ignore[attr-defined]
        assert "Budget  yes · ₪8,000.00" in text
        history = text[text.index("History") : text.index("Touchpoints")]
        assert "Budget: partial → yes" in history
        assert history.index("Budget: unknown → partial") < history.index("Budget: partial → yes")


# -- 6. user text: any script, never markup -----------------------------------------------


async def test_hebrew_and_arabic_typed_in_the_form_are_saved_exactly(sales: Workspace) -> None:
    who = "מנכ״ל — דנה כהן"
    need = "العميلُ يحتاج نظامَ فواتير «جديد»"
    budget_note = "תקציב 2027 אושר (כמעט)"
    async with make_app(sales).run_test(size=SIZE) as pilot:
        await settle(pilot)
        deal_id = await focus_card(pilot, "Proposal", "Website redesign")

        await keys(pilot, "b", "3", "tab", "tab", T(budget_note))
        await keys(pilot, "tab", "4", "tab", T(who), "tab", "tab", "4", "tab", T(need))
        assert form(pilot).query_one("#input-need-note", Input).value == need
        await press(pilot, "ctrl+s")

        saved = answers(sales, deal_id)
        assert saved["budget"].note == budget_note
        assert saved["authority"].who == who
        assert saved["need"].note == need
        assert bant_history(sales, deal_id)[1] == f"Authority: unknown → yes (who decides: {who})"
        # Shown back as typed, in the form and on the deal screen.
        await press(pilot, "b")
        assert form(pilot).fields["authority-who"].value == who
        # Clicking the heading runs nothing.
        await pilot.click(form(pilot).query_one(".form-title", Label))
        await pilot.pause()
        assert pilot.app.return_code is None and pilot.app.is_running
        assert isinstance(pilot.app.screen, BantForm)
        assert form(pilot).fields["need-note"].value == need
        await press(pilot, "escape", "enter")
        text = pilot.app.screen.content.plain  # type: ignore[attr-defined]
        # (the deal screen draws each answer laid out for the terminal)
        assert f"Authority  yes · {visual(who)}" in text
        assert f"Need  yes · {visual(need)}" in text


async def test_a_title_that_looks_like_markup_shows_literally_in_the_form(
    workspace: Workspace,
) -> None:
    title = "[@click=app.quit]x[/]"
    deal_service.add_deal(workspace.db, title=title, value=Money(500, "USD"))
    async with make_app(workspace).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "b")

        heading = form(pilot).query_one(".form-title", Label)
        assert drawn(heading) == f"Qualify: {title}"

        who = "[red]CFO[/]"
        await keys(pilot, "4", "tab", "tab", "tab", "4", "tab", T(who), "ctrl+s")
        assert isinstance(pilot.app.screen, BoardScreen)
        assert status_line(pilot) == f"BANT for '{title}': in progress, 50 % · u to undo"
        [saved] = deal_service.list_deals(workspace.db)
        assert answers(workspace, saved.deal.id)["authority"].who == who
        await press(pilot, "b")
        assert form(pilot).fields["authority-who"].value == who
        # Clicking the heading runs nothing.
        await pilot.click(form(pilot).query_one(".form-title", Label))
        await pilot.pause()
        assert pilot.app.return_code is None and pilot.app.is_running
        assert isinstance(pilot.app.screen, BantForm)
