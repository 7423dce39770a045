"""First run and the keys that work everywhere: the welcome does what it says,
q quits from every screen that is not a text field (and types a q into one),
ctrl+c quits unless text is selected; the stages dialog moves with j/k and asks
before removing a stage; a second import says what it skipped; the app's own
messages (a screenshot's) keep their styling and say where the file went."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static
from ui_helpers import board, column, focus_card, make_app, press, settle, titles, type_text

from pipetui.domain.pipeline import Stage
from pipetui.services import pipelines
from pipetui.services.workspace import Workspace
from pipetui.ui.screens.board import BoardScreen
from pipetui.ui.screens.confirm import ConfirmScreen
from pipetui.ui.screens.import_screen import ImportScreen
from pipetui.ui.screens.pipeline_picker import StagePicker
from pipetui.ui.screens.pipeline_settings import PipelineSettings
from pipetui.ui.screens.welcome import WelcomeScreen

SIZE = (160, 50)


def stage_names(workspace: Workspace) -> list[str]:
    """The Sales pipeline's stage names, in order, as stored."""
    return [stage.name for stage in _sales_stages(workspace)]


def deal_count(workspace: Workspace) -> int:
    with workspace.db.read() as conn:
        return int(conn.exec_driver_sql("SELECT count(*) FROM deal").scalar() or 0)


def status_line(pilot: Pilot[None]) -> str:
    return str(board(pilot).query_one("#status", Static).render())


# -- the welcome ---------------------------------------------------------------


async def test_enter_on_the_welcome_starts_empty_as_it_says(workspace: Workspace) -> None:
    async with make_app(workspace).run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(pilot.app.screen, WelcomeScreen)

        await press(pilot, "enter")

        assert isinstance(pilot.app.screen, BoardScreen)
        assert deal_count(workspace) == 0  # no demo data was loaded
        assert pilot.app.return_code is None


@pytest.mark.parametrize("key", ["q", "ctrl+c"])
async def test_q_and_ctrl_c_quit_from_the_welcome(workspace: Workspace, key: str) -> None:
    async with make_app(workspace).run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(pilot.app.screen, WelcomeScreen)

        await pilot.press(key)
        await pilot.pause()

        assert pilot.app.return_code == 0
        assert deal_count(workspace) == 0


async def test_d_on_the_welcome_still_loads_the_demo(workspace: Workspace) -> None:
    async with make_app(workspace).run_test(size=SIZE) as pilot:
        await settle(pilot)

        await press(pilot, "d")

        assert isinstance(pilot.app.screen, BoardScreen)
        assert deal_count(workspace) > 0


# -- q everywhere ------------------------------------------------------------------

SCREENS = {
    "contacts": ["C"],
    "today": ["a"],
    "funnel": ["F"],
    "keys help": ["question_mark"],
    "deal detail": ["enter"],
    "stages dialog": ["S"],
    "pipeline picker": ["p"],
    "confirm stage removal": ["S", "j", "d"],
    "contact timeline": ["T"],
}


@pytest.mark.parametrize("keys", list(SCREENS.values()), ids=list(SCREENS))
async def test_q_quits_from_every_screen_that_is_not_a_text_field(
    sales: Workspace, keys: list[str]
) -> None:
    async with make_app(sales).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await focus_card(pilot, "Proposal", "Website redesign")
        await press(pilot, *keys)
        opened = pilot.app.screen
        assert not isinstance(opened, BoardScreen)
        assert not isinstance(pilot.app.focused, Input)

        await pilot.press("q")
        await pilot.pause()

        assert pilot.app.return_code == 0, f"q did not quit from {opened!r}"
        assert deal_count(sales) == 5  # and nothing was deleted on the way out


async def test_q_in_a_text_field_is_a_letter_and_escape_goes_back(sales: Workspace) -> None:
    async with make_app(sales).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "n")  # the new-deal form, its title field focused
        assert isinstance(pilot.app.focused, Input)

        await type_text(pilot, "quote for שלום")
        await pilot.press("q")
        await pilot.pause()

        assert pilot.app.return_code is None
        field = pilot.app.focused
        assert isinstance(field, Input) and field.value == "quote for שלוםq"
        await press(pilot, "escape")
        assert isinstance(pilot.app.screen, BoardScreen)


async def test_ctrl_c_copies_selected_text_in_a_field_and_quits_otherwise(
    sales: Workspace,
) -> None:
    async with make_app(sales).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "n")
        field = pilot.app.focused
        assert isinstance(field, Input)
        await type_text(pilot, "עסקה")
        field.select_all()

        await pilot.press("ctrl+c")
        await pilot.pause()
        assert pilot.app.return_code is None
        assert pilot.app.clipboard == "עסקה"

        field.action_end()
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert pilot.app.return_code == 0


async def test_escape_closes_the_deal_detail_and_q_no_longer_does(sales: Workspace) -> None:
    async with make_app(sales).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await focus_card(pilot, "Proposal", "Website redesign")
        await press(pilot, "enter")
        assert not isinstance(pilot.app.screen, BoardScreen)

        await press(pilot, "escape")

        assert isinstance(pilot.app.screen, BoardScreen)
        assert pilot.app.return_code is None


# -- the stages dialog ---------------------------------------------------------------


async def _stages(pilot: Pilot[None]) -> tuple[PipelineSettings, DataTable[object]]:
    await settle(pilot)
    await press(pilot, "S")
    screen = pilot.app.screen
    assert isinstance(screen, PipelineSettings)
    return screen, screen.query_one(DataTable)


async def test_j_and_k_move_in_the_stages_dialog_like_the_arrows(sales: Workspace) -> None:
    async with make_app(sales).run_test(size=SIZE) as pilot:
        screen, table = await _stages(pilot)
        assert table.cursor_row == 0

        await press(pilot, "j", "j")
        assert table.cursor_row == 2
        assert screen.stage is not None and screen.stage.name == "Initial contact"

        await press(pilot, "k")
        assert table.cursor_row == 1
        assert stage_names(sales)[:3] == ["Prospecting", "Qualification", "Initial contact"]


async def test_d_asks_before_removing_an_empty_stage_and_n_keeps_it(sales: Workspace) -> None:
    async with make_app(sales).run_test(size=SIZE) as pilot:
        await _stages(pilot)
        await press(pilot, "j")  # Qualification: no deals

        await press(pilot, "d")
        question = pilot.app.screen
        assert isinstance(question, ConfirmScreen)
        assert question.question == "Remove the stage Qualification? It holds no deals."
        await press(pilot, "n")

        assert isinstance(pilot.app.screen, PipelineSettings)
        assert "Qualification" in stage_names(sales)

        await press(pilot, "d")
        await press(pilot, "y")
        assert "Qualification" not in stage_names(sales)


async def test_removing_a_stage_with_deals_names_them_and_where_they_go(
    sales: Workspace,
) -> None:
    pipelines.edit_stage(
        sales.db,
        stage_id=next(s.id for s in _sales_stages(sales) if s.name == "Proposal"),
        name="הצעת מחיר",
        probability=60,
        rotting_days=None,
    )
    async with make_app(sales).run_test(size=SIZE) as pilot:
        await _stages(pilot)
        await press(pilot, "j", "j", "j", "j")  # Proposal, renamed: 3 deals

        await press(pilot, "d")
        assert isinstance(pilot.app.screen, StagePicker)
        await press(pilot, "enter")  # the first other stage: Prospecting
        question = pilot.app.screen
        assert isinstance(question, ConfirmScreen)
        assert question.question == (
            "Remove the stage הצעת מחיר and move its 3 deals to Prospecting?"
        )
        await press(pilot, "escape")
        assert "הצעת מחיר" in stage_names(sales)
        assert deal_count(sales) == 5

        await press(pilot, "d", "enter", "y")
        await press(pilot, "escape")
        assert "הצעת מחיר" not in stage_names(sales)
        assert len(titles(column(pilot, "Prospecting"))) == 4


def _sales_stages(workspace: Workspace) -> list[Stage]:
    """The Sales pipeline's stages, in order."""
    (sales,) = [p for p in pipelines.list_pipelines(workspace.db) if p.pipeline.name == "Sales"]
    return list(sales.stages)


# -- a second import -------------------------------------------------------------------


async def test_importing_again_says_already_there_skipped(
    workspace: Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "deals.csv"
    path.write_text("title,value,currency,stage\nחוזה שנתי,1200,ILS,Proposal\n", "utf-8")
    async with make_app(workspace).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "i")
        assert isinstance(pilot.app.screen, ImportScreen)
        await type_text(pilot, str(path))
        await press(pilot, "enter")
        await settle(pilot)
        await press(pilot, "ctrl+s")
        await settle(pilot)
        result = pilot.app.screen.query_one("#import-result", Static)
        assert "new: 1 deals" in str(result.render())

        await press(pilot, "ctrl+s")
        await settle(pilot)

        shown = str(result.render())
        assert "already there, skipped: 1 deals" in shown
        assert "new:" not in shown
        assert deal_count(workspace) == 1


# -- the app's own messages --------------------------------------------------------------


async def _screenshot_from_the_palette(pilot: Pilot[None]) -> None:
    await press(pilot, "ctrl+p")
    await type_text(pilot, "Screenshot")
    await settle(pilot)
    await press(pilot, "enter")
    for _ in range(200):  # (the palette waits 0.1 s; the file is written in a thread)
        await pilot.pause(0.02)
        if any(n.title == "Screenshot" for n in pilot.app._notifications):
            return
        if isinstance(pilot.app.screen, BoardScreen) and "screenshot" in status_line(pilot):
            return
    raise AssertionError("no word about the screenshot")


async def test_without_downloads_a_screenshot_goes_to_the_current_directory_and_says_so(
    sales: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    here = tmp_path / "work"
    here.mkdir()
    monkeypatch.chdir(here)  # HOME is tmp_path, which has no Downloads
    async with make_app(sales).run_test(size=SIZE) as pilot:
        await settle(pilot)

        await _screenshot_from_the_palette(pilot)

        (saved,) = here.glob("*.svg")
        assert status_line(pilot) == f"Saved screenshot to {saved}"  # no raw "[$text-success]"
        assert "Website" in saved.read_text("utf-8")  # (spaces are &#160; in an SVG)


async def test_a_screenshot_note_is_styled_and_user_text_stays_literal(
    sales: Workspace, tmp_path: Path
) -> None:
    from textual.content import Content

    downloads = tmp_path / "Downloads"
    downloads.mkdir()
    async with make_app(sales).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "C")  # a toast screen, not the board's status line
        pilot.app.notify("[b]דנה[/b] [$text-success]x")  # user text: never markup

        await _screenshot_from_the_palette(pilot)

        (saved,) = downloads.glob("*.svg")
        by_title = {n.title: n for n in pilot.app._notifications}
        note = by_title["Screenshot"]
        content = Content.from_markup(note.message) if note.markup else Content(note.message)
        assert content.plain == f"Saved screenshot to {saved}"
        assert any("text-success" in str(span.style) for span in content.spans)
        plain = next(n for n in pilot.app._notifications if n.title != "Screenshot")
        assert not plain.markup
        assert "[b]" in plain.message and "[$text-success]x" in plain.message
