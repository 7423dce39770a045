"""The board's forms: a new deal, editing one, and marking one lost.

Every bad value is shown at its own field and nothing is saved; escape saves
nothing; a good form saves exactly what was typed, and u takes it back.
"""

from __future__ import annotations

from datetime import date

from ui_helpers import board, column, focus_card, make_app, press, settle, titles

from pipetui.domain.deal import DealView
from pipetui.domain.deal_status import DealStatus
from pipetui.domain.money import Money
from pipetui.services import deals as deal_service
from pipetui.services.contacts import add_contact
from pipetui.services.deals import DealFilter
from pipetui.services.workspace import Workspace
from pipetui.ui.screens.board import BoardScreen
from pipetui.ui.screens.deal_form import DealForm
from pipetui.ui.screens.prompt import PromptForm
from pipetui.ui.widgets.field import Field

SIZE = (160, 50)
ALL = DealFilter(statuses=tuple(DealStatus))


def all_deals(ws: Workspace) -> list[DealView]:
    """Every deal in the database, open or closed."""
    return deal_service.list_deals(ws.db, ALL)


def deal_named(ws: Workspace, title: str) -> DealView:
    """The one deal called `title`."""
    found = [v for v in all_deals(ws) if v.deal.title == title]
    assert len(found) == 1, f"{len(found)} deals called {title!r}"
    return found[0]


def error_of(field: Field) -> str:
    """The inline error line under a field, as the user reads it."""
    return str(field.error.render())


def invalid_fields(form: DealForm | PromptForm[object]) -> dict[str, str]:
    """The fields showing an error, with its text."""
    return {name: error_of(f) for name, f in form.fields.items() if f.has_class("invalid")}


# -- 6. the deal form ---------------------------------------------------------------

VALID = {
    "title": "Roof survey",
    "value": "1,250.00",
    "currency": "EUR",
    "contact": "דנה כהן",
    "source": "Referral",
    "close-date": "2026-12-15",
    "probability": "70",
}

BAD_INPUT = [
    # (field, typed, words the error must contain)
    ("title", "   ", "empty"),
    ("value", "-5", "negative"),
    ("value", "abc", "amount"),
    ("currency", "XYZ", "XYZ"),
    ("close-date", "2026-02-30", "date"),
    ("probability", "150", "100"),
    ("probability", "half", "whole number"),
]


async def test_each_bad_field_is_shown_at_that_field_and_nothing_is_saved(
    sales: Workspace,
) -> None:
    async with make_app(sales).run_test(size=SIZE) as pilot:
        await settle(pilot)
        board(pilot).activate(column(pilot, "Needs assessment").stage_id)
        await press(pilot, "n")
        form = pilot.app.screen
        assert isinstance(form, DealForm)
        count = len(all_deals(sales))

        for name, typed, words in BAD_INPUT:
            for field_name, value in VALID.items():
                form.fields[field_name].input.value = value
            form.fields[name].input.value = typed
            await press(pilot, "ctrl+s")

            case = f"{name}={typed!r}"
            assert pilot.app.screen is form, f"{case}: the form closed"
            shown = invalid_fields(form)
            assert list(shown) == [name], f"{case}: errors at {shown}"
            assert words in shown[name], f"{case}: error says {shown[name]!r}"
            assert pilot.app.focused is form.fields[name].input, f"{case}: focus not at the field"
            assert len(all_deals(sales)) == count, f"{case}: something was saved"

        # Escape closes the form with nothing saved, even with every field valid.
        for field_name, value in VALID.items():
            form.fields[field_name].input.value = value
        await press(pilot, "escape")
        assert isinstance(pilot.app.screen, BoardScreen)
        assert len(all_deals(sales)) == count
        assert pilot.app.undo_stack == []  # type: ignore[attr-defined]


async def test_a_valid_form_adds_the_deal_to_the_focused_column_and_u_removes_it(
    sales: Workspace,
) -> None:
    async with make_app(sales).run_test(size=SIZE) as pilot:
        await settle(pilot)
        board(pilot).activate(column(pilot, "Needs assessment").stage_id)
        count = len(all_deals(sales))

        await press(pilot, "n")
        form = pilot.app.screen
        assert isinstance(form, DealForm)
        assert "Needs assessment" in form.heading
        assert form.fields["currency"].value == "USD"  # the database's default
        await press(pilot, *"Roof survey")
        for name, value in VALID.items():
            if name != "title":
                form.fields[name].input.value = value
        await press(pilot, "enter")

        assert isinstance(pilot.app.screen, BoardScreen)
        view = deal_named(sales, "Roof survey")
        assert view.stage_name == "Needs assessment"
        assert view.deal.value == Money(125_000, "EUR")
        assert view.contact_name == "דנה כהן"
        assert view.deal.source == "Referral"
        assert view.deal.close_date == date(2026, 12, 15)
        assert view.deal.probability == 70
        needs = column(pilot, "Needs assessment")
        assert (needs.summary.open_count, needs.summary.open_value.as_json()) == (
            1,
            {"EUR": "1250.00"},
        )
        assert board(pilot).card is not None
        assert board(pilot).card.title == "Roof survey"  # type: ignore[union-attr]

        await press(pilot, "u")

        assert len(all_deals(sales)) == count
        assert "Roof survey" not in [v.deal.title for v in all_deals(sales)]
        assert column(pilot, "Needs assessment").summary.open_count == 0


async def test_e_edits_the_focused_deal(sales: Workspace) -> None:
    async with make_app(sales).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await focus_card(pilot, "Proposal", "Annual licence")
        await press(pilot, "e")
        form = pilot.app.screen
        assert isinstance(form, DealForm)
        form.fields["title"].input.value = "Renamed"
        form.fields["value"].input.value = "-5"
        await press(pilot, "enter")
        assert list(invalid_fields(form)) == ["value"]
        await press(pilot, "escape")  # a bad edit, abandoned: the deal is as it was
        assert deal_named(sales, "Annual licence").deal.value == Money(500_000, "USD")

        await press(pilot, "e")

        form = pilot.app.screen
        assert isinstance(form, DealForm)
        assert {n: f.value for n, f in form.fields.items()} == {
            "title": "Annual licence",
            "value": "5000.00",
            "currency": "USD",
            "contact": "Omar Haddad",
            "source": "",
            "tags": "",
            "close-date": "",
            "probability": "",
        }
        form.fields["title"].input.value = "Annual licence 2027"
        form.fields["probability"].input.value = "75"
        await press(pilot, "enter")

        view = deal_named(sales, "Annual licence 2027")
        assert view.stage_name == "Proposal"
        assert view.deal.value == Money(500_000, "USD")
        assert view.contact_name == "Omar Haddad"
        assert view.deal.probability == 75
        assert "Annual licence 2027" in titles(column(pilot, "Proposal"))

        await press(pilot, "u")
        assert deal_named(sales, "Annual licence").deal.probability is None


async def test_editing_keeps_the_contact_even_when_its_name_looks_like_an_id(
    sales: Workspace,
) -> None:
    # Contacts #1 and #2 exist ("דנה כהן", "Omar Haddad"); #3 is called "1".
    add_contact(sales.db, name="1")
    deal_service.add_deal(sales.db, title="Numbers", value=Money(100, "USD"), contact="#3")
    async with make_app(sales).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await focus_card(pilot, "Prospecting", "Numbers")
        await press(pilot, "e")
        form = pilot.app.screen
        assert isinstance(form, DealForm)
        assert form.fields["contact"].value == "1"
        form.fields["title"].input.value = "Numbers, renamed"
        await press(pilot, "enter")

    view = deal_named(sales, "Numbers, renamed")
    assert (view.deal.contact_id, view.contact_name) == (3, "1")


# -- 4. the lost form --------------------------------------------------------------------


async def test_x_asks_why_the_deal_was_lost_and_when_to_revisit(sales: Workspace) -> None:
    async with make_app(sales).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await focus_card(pilot, "Prospecting", "Cold lead")
        cold = deal_named(sales, "Cold lead").deal.id

        await press(pilot, "x")
        form = pilot.app.screen
        assert isinstance(form, PromptForm)
        await press(pilot, "enter")

        assert pilot.app.screen is form
        assert invalid_fields(form) == {"reason": "say why the deal was lost"}
        assert deal_named(sales, "Cold lead").deal.status is DealStatus.OPEN

        form.fields["reason"].input.value = "no budget"
        form.fields["revisit"].input.value = "2027-13-01"
        await press(pilot, "enter")
        assert list(invalid_fields(form)) == ["revisit"]
        assert "date" in invalid_fields(form)["revisit"]
        assert deal_named(sales, "Cold lead").deal.status is DealStatus.OPEN

        await press(pilot, "escape")
        assert isinstance(pilot.app.screen, BoardScreen)
        assert deal_named(sales, "Cold lead").deal.status is DealStatus.OPEN
        assert deal_service.show_deal(sales.db, cold).followups == []

        await press(pilot, "x")
        form = pilot.app.screen
        assert isinstance(form, PromptForm)
        assert form.fields["reason"].value == ""  # a fresh form
        await press(pilot, *"price", "tab")
        assert pilot.app.focused is form.fields["revisit"].input
        form.fields["revisit"].input.value = "2027-01-15"
        await press(pilot, "enter")

        assert isinstance(pilot.app.screen, BoardScreen)
        view = deal_named(sales, "Cold lead")
        assert view.deal.status is DealStatus.LOST
        assert view.deal.lost_reason == "price"
        detail = deal_service.show_deal(sales.db, cold)
        assert [(f.title, f.due) for f in detail.followups] == [
            ("Revisit: Cold lead", date(2027, 1, 15))
        ]
        prospecting = column(pilot, "Prospecting")
        assert (prospecting.summary.open_count, prospecting.deal_list.total) == (0, 0)

        await press(pilot, "c")
        await focus_card(pilot, "Prospecting", "Cold lead")
        await press(pilot, "x")  # already lost: no form
        assert isinstance(pilot.app.screen, BoardScreen)
