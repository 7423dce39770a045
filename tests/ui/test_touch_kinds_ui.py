"""Own touchpoint kinds in the TUI (issue 19, item 7): the touchpoint form
completes the built-in and the user's kinds, and a kind nobody has yet is
added when the user names its journey stage."""

from __future__ import annotations

from journey_data import DANA, JourneyIds, seed_journey
from textual.pilot import Pilot
from textual.widgets import Label
from ui_helpers import focus_card, make_app, press, settle, type_text

from pipetui.domain.bidi import visual
from pipetui.domain.journey import JourneyStage
from pipetui.services.contacts import contact_with_touchpoints
from pipetui.services.touchpoints import add_kind, own_kinds
from pipetui.services.workspace import Workspace
from pipetui.ui.screens.board import BoardScreen
from pipetui.ui.screens.prompt import PromptForm

SIZE = (160, 50)


def _form(pilot: Pilot[None]) -> PromptForm[object]:
    screen = pilot.app.screen
    assert isinstance(screen, PromptForm), f"expected a form, got {screen!r}"
    return screen


def _title(pilot: Pilot[None]) -> str:
    return str(_form(pilot).query_one(".form-title", Label).content)


async def _open_touch_form(pilot: Pilot[None]) -> None:
    await settle(pilot)
    await focus_card(pilot, "Proposal", "Website redesign")
    await press(pilot, "t")


async def test_an_unknown_kind_asks_for_its_stage_and_is_added_with_the_touchpoint(
    workspace: Workspace,
) -> None:
    ids: JourneyIds = seed_journey(workspace)
    dana = ids.contacts[DANA]
    async with make_app(workspace).run_test(size=SIZE) as pilot:
        await _open_touch_form(pilot)
        await type_text(pilot, "Webinar")
        await press(pilot, "enter")

        assert _title(pilot) == "New kind: webinar"
        await type_text(pilot, "inter")
        await press(pilot, "right")  # accepts the completion
        assert _form(pilot).fields["stage"].value == "interest"
        await press(pilot, "enter")
        await settle(pilot)

        assert isinstance(pilot.app.screen, BoardScreen)
    assert own_kinds(workspace.db) == {"webinar": JourneyStage.INTEREST}
    latest = contact_with_touchpoints(workspace.db, f"#{dana}")[1][0]
    assert (latest.kind, latest.journey_stage) == ("webinar", JourneyStage.INTEREST)


async def test_escape_at_the_new_kind_question_logs_nothing(workspace: Workspace) -> None:
    ids: JourneyIds = seed_journey(workspace)
    dana = ids.contacts[DANA]
    before = contact_with_touchpoints(workspace.db, f"#{dana}")[1]
    async with make_app(workspace).run_test(size=SIZE) as pilot:
        await _open_touch_form(pilot)
        await type_text(pilot, "כנס")
        await press(pilot, "enter")
        assert _title(pilot) == f"New kind: {visual('כנס')}"
        await press(pilot, "escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, BoardScreen)
    assert own_kinds(workspace.db) == {}
    assert contact_with_touchpoints(workspace.db, f"#{dana}")[1] == before


async def test_the_form_completes_email_and_the_users_own_kinds(workspace: Workspace) -> None:
    seed_journey(workspace)
    add_kind(workspace.db, name="trade fair", stage="awareness")
    async with make_app(workspace).run_test(size=SIZE) as pilot:
        await _open_touch_form(pilot)
        await type_text(pilot, "ema")
        await press(pilot, "right")
        assert _form(pilot).fields["kind"].value == "email"
        for _ in "email":
            await press(pilot, "backspace")
        await type_text(pilot, "trade")
        await press(pilot, "right")
        assert _form(pilot).fields["kind"].value == "trade fair"
