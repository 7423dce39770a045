"""The board as a salesperson uses it: move deals along, take it back with u,
close and reopen them, filter, open details, switch pipelines, edit stages, and
see what another process wrote.

Each story reads its outcome back from the database through the services and
from what the board shows (column headers, the focused column's cursor).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Footer, Input, OptionList
from textual.widgets._footer import FooterKey
from ui_helpers import board, column, focus_card, make_app, press, settle, titles

from pipetui.domain.bidi import visual
from pipetui.domain.deal import DealView
from pipetui.domain.deal_status import DealStatus
from pipetui.domain.money import Money
from pipetui.services import clock
from pipetui.services import deals as deal_service
from pipetui.services.deals import DealFilter
from pipetui.services.pipelines import add_pipeline
from pipetui.services.workspace import Workspace
from pipetui.store.database import open_database
from pipetui.ui import app as app_module
from pipetui.ui.app import PipetuiApp
from pipetui.ui.messages import BoardLoaded, DatabaseChanged
from pipetui.ui.screens.board import FILTER_PAUSE, BoardScreen
from pipetui.ui.screens.deal_detail import DealDetailScreen
from pipetui.ui.screens.deal_form import DealForm
from pipetui.ui.screens.pipeline_picker import PipelinePicker, StagePicker
from pipetui.ui.screens.pipeline_settings import PipelineSettings
from pipetui.ui.screens.prompt import PromptForm
from pipetui.ui.screens.welcome import WelcomeScreen
from pipetui.ui.widgets.deal_list import DealList

SIZE = (160, 50)
ALL = DealFilter(statuses=tuple(DealStatus))


# -- reading the board and the database ---------------------------------------


def headers(pilot: Pilot[None]) -> dict[str, tuple[int, dict[str, str]]]:
    """Every column header's open count and open value per currency."""
    return {
        col.summary.stage.name: (col.summary.open_count, col.summary.open_value.as_json())
        for col in board(pilot).columns.values()
    }


def focused_list(pilot: Pilot[None]) -> DealList:
    """The column that has the keyboard."""
    deal_list = board(pilot).deal_list
    assert deal_list is not None, f"no column focused: {pilot.app.focused!r}"
    return deal_list


def stage_id(pilot: Pilot[None], stage: str) -> int:
    """The id of the stage shown by the column `stage`."""
    return column(pilot, stage).stage_id


def deal_named(ws: Workspace, title: str) -> DealView:
    """The deal called `title`, whatever its status."""
    found = [v for v in deal_service.list_deals(ws.db, ALL) if v.deal.title == title]
    assert len(found) == 1, f"{len(found)} deals called {title!r}"
    return found[0]


def history(ws: Workspace, deal_id: int) -> list[tuple[str | None, str, str]]:
    """A deal's stage history as (from stage, to stage, to status) rows."""
    detail = deal_service.show_deal(ws.db, deal_id)
    names = detail.stage_names
    return [
        (names.get(c.from_stage_id) if c.from_stage_id else None, names[c.to_stage_id], c.to_status)
        for c in detail.history
    ]


def notes(app: PipetuiApp) -> list[tuple[str, str]]:
    """Record every notification (message, severity) the app shows from now on."""
    seen: list[tuple[str, str]] = []
    real = app.notify

    def notify(message: str, **kwargs: object) -> None:
        seen.append((str(message), str(kwargs.get("severity", "information"))))
        real(message, **kwargs)  # type: ignore[arg-type]

    app.notify = notify  # type: ignore[method-assign]
    return seen


# -- 1. moving a deal, its history, and undo -------------------------------------------------


async def test_L_moves_a_proposal_deal_to_negotiation_enter_shows_it_u_takes_it_back(
    sales: Workspace,
) -> None:
    async with make_app(sales).run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = headers(pilot)
        assert before["Proposal"] == (3, {"ILS": "12000.00", "USD": "6200.50"})
        assert before["Negotiation"] == (1, {"USD": "900.00"})
        deal_id = await focus_card(pilot, "Proposal", "Website redesign")
        history_before = history(sales, deal_id)

        await press(pilot, "L")

        assert deal_named(sales, "Website redesign").stage_name == "Negotiation"
        assert history(sales, deal_id) == [
            *history_before,
            ("Proposal", "Negotiation", DealStatus.OPEN),
        ]
        after = headers(pilot)
        assert after["Proposal"] == (2, {"ILS": "12000.00", "USD": "5000.00"})
        assert after["Negotiation"] == (2, {"USD": "2100.50"})
        assert "Website redesign" not in titles(column(pilot, "Proposal"))
        # The cursor went with the deal, so L again would act on it.
        assert focused_list(pilot).stage_id == stage_id(pilot, "Negotiation")
        assert board(pilot).card.title == "Website redesign"  # type: ignore[union-attr]

        # enter opens the deal: its stage history shows the move.
        await press(pilot, "enter")
        detail = pilot.app.screen
        assert isinstance(detail, DealDetailScreen)
        text = detail.content.plain
        assert text.startswith("Website redesign")
        assert f"{visual('דנה כהן')} · Negev Solar" in text  # as a terminal must receive it
        history_text = text[text.index("History") : text.index("Touchpoints")]
        assert "entered Proposal" in history_text
        assert "Proposal → Negotiation" in history_text
        await press(pilot, "escape")
        assert pilot.app.screen_stack[-1] is board(pilot)
        assert not any(isinstance(s, DealDetailScreen) for s in pilot.app.screen_stack)

        await press(pilot, "u")

        assert deal_named(sales, "Website redesign").stage_name == "Proposal"
        assert history(sales, deal_id) == history_before
        assert headers(pilot) == before
        assert "Website redesign" in titles(column(pilot, "Proposal"))


async def test_two_moves_back_are_undone_one_at_a_time(sales: Workspace) -> None:
    async with make_app(sales).run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = headers(pilot)
        deal_id = await focus_card(pilot, "Proposal", "Annual licence")
        start = history(sales, deal_id)

        await press(pilot, "H")
        assert deal_named(sales, "Annual licence").stage_name == "Needs assessment"
        assert headers(pilot)["Needs assessment"] == (1, {"USD": "5000.00"})
        await press(pilot, "shift+left")
        assert deal_named(sales, "Annual licence").stage_name == "Initial contact"
        assert history(sales, deal_id)[len(start) :] == [
            ("Proposal", "Needs assessment", DealStatus.OPEN),
            ("Needs assessment", "Initial contact", DealStatus.OPEN),
        ]
        assert headers(pilot)["Needs assessment"] == (0, {})
        assert headers(pilot)["Initial contact"] == (1, {"USD": "5000.00"})

        await press(pilot, "u")
        assert deal_named(sales, "Annual licence").stage_name == "Needs assessment"
        assert history(sales, deal_id) == [
            *start,
            ("Proposal", "Needs assessment", DealStatus.OPEN),
        ]
        await press(pilot, "u")
        assert deal_named(sales, "Annual licence").stage_name == "Proposal"
        assert history(sales, deal_id) == start
        assert headers(pilot) == before

        seen = notes(pilot.app)
        await press(pilot, "u")
        assert seen == [("Nothing to undo", "information")]


async def test_L_on_a_card_another_window_changed_is_refused_and_the_board_refreshed(
    tmp_path: Path, sales: Workspace
) -> None:
    """Both windows show Website redesign; the other one (or a CLI) changes it
    first. L here must not act on what it no longer shows: nothing is written,
    the board is read again, and L then works on the deal as it is."""
    async with make_app(sales).run_test(size=SIZE) as pilot:
        await settle(pilot)
        deal_id = await focus_card(pilot, "Proposal", "Website redesign")
        start = history(sales, deal_id)
        other = open_database(str(tmp_path / "board.db"), now=clock.now())
        try:
            deal_service.edit_deal(other, deal_id, value=Money(99_900, "USD"))
        finally:
            other.dispose()
        seen = notes(pilot.app)

        await press(pilot, "L")

        assert deal_named(sales, "Website redesign").stage_name == "Proposal"
        assert history(sales, deal_id) == start
        assert seen == [
            (
                "Not moved 'Website redesign': it changed elsewhere, board refreshed. "
                "Nothing was written",
                "warning",
            )
        ]
        assert headers(pilot)["Proposal"][1]["USD"] == "5999.00"  # the other's value shows
        assert board(pilot).card.title == "Website redesign"  # type: ignore[union-attr]

        await press(pilot, "L")
        assert deal_named(sales, "Website redesign").stage_name == "Negotiation"
        await press(pilot, "u")
        view = deal_named(sales, "Website redesign")
        assert (view.stage_name, view.deal.value) == ("Proposal", Money(99_900, "USD"))


# -- 2. moves that must be refused ----------------------------------------------


async def test_L_on_the_last_stage_and_moving_a_won_deal_are_refused(sales: Workspace) -> None:
    async with make_app(sales).run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = headers(pilot)
        support = await focus_card(pilot, "Negotiation", "Support plan")
        start = history(sales, support)
        seen = notes(pilot.app)

        await press(pilot, "L")

        assert seen == [("the deal is already in the last stage", "warning")]
        assert deal_named(sales, "Support plan").stage_name == "Negotiation"
        assert history(sales, support) == start
        assert headers(pilot) == before
        assert pilot.app.undo_stack == []  # type: ignore[attr-defined]

        pilot_project = await focus_card(pilot, "Proposal", "Pilot project")
        await press(pilot, "w")
        await press(pilot, "c")
        await focus_card(pilot, "Proposal", "Pilot project")
        won = history(sales, pilot_project)
        seen.clear()

        await press(pilot, "L", "H")

        assert [s for _, s in seen] == ["warning", "warning"]
        assert "Reopen" in seen[0][0]
        view = deal_named(sales, "Pilot project")
        assert (view.stage_name, view.deal.status) == ("Proposal", DealStatus.WON)
        assert history(sales, pilot_project) == won


# -- 3. moving around ----------------------------------------------------------


async def test_cursor_keys_move_between_cards_and_columns(sales: Workspace) -> None:
    for n in range(40):
        deal_service.add_deal(
            sales.db, title=f"Lead {n:02}", value=Money(100 * n, "USD"), stage="Qualification"
        )
    async with make_app(sales).run_test(size=SIZE) as pilot:
        await settle(pilot)

        def at() -> tuple[int, int]:
            deal_list = focused_list(pilot)
            return deal_list.stage_id, deal_list.cursor

        ids = {name: stage_id(pilot, name) for name in headers(pilot)}
        assert at() == (ids["Prospecting"], 0)
        footer_keys = list(board(pilot).query_one(Footer).query(FooterKey))
        assert footer_keys
        await pilot.press("l")
        assert at() == (ids["Qualification"], 0)
        await pilot.press("right", "l", "right")
        assert at() == (ids["Proposal"], 0)
        await pilot.press("right", "l")  # stops at the last column
        assert at() == (ids["Negotiation"], 0)
        await pilot.press("h")
        assert at() == (ids["Proposal"], 0)

        await pilot.press("j")
        assert at() == (ids["Proposal"], 1)
        await pilot.press("down", "j")  # stops at the last card
        assert at() == (ids["Proposal"], 2)
        await pilot.press("k")
        assert at() == (ids["Proposal"], 1)
        await pilot.press("up", "up")
        assert at() == (ids["Proposal"], 0)
        await pilot.press("G")
        assert at() == (ids["Proposal"], 2)
        assert board(pilot).card == column(pilot, "Proposal").deal_list._cards[2]
        await pilot.press("g")
        assert at() == (ids["Proposal"], 0)
        await pilot.press("end")
        assert at() == (ids["Proposal"], 2)
        await pilot.press("home")
        assert at() == (ids["Proposal"], 0)

        await pilot.press("left", "h", "h", "h")
        assert at() == (ids["Prospecting"], 0)
        await pilot.press("h", "left")  # stops at the first column
        assert at() == (ids["Prospecting"], 0)
        # The keys are the same in every column: the footer was not rebuilt (DESIGN.md §4).
        assert list(board(pilot).query_one(Footer).query(FooterKey)) == footer_keys

        # A long column: page keys move a screenful, the end keys go all the way.
        await press(pilot, "l")
        deal_list = focused_list(pilot)
        assert (deal_list.stage_id, deal_list.total) == (ids["Qualification"], 40)
        step = deal_list.size.height // 4
        assert step > 1
        await press(pilot, "pagedown")
        assert deal_list.cursor == step
        await press(pilot, "pagedown", "pagedown", "pagedown", "pagedown")
        assert deal_list.cursor == 39  # clamped to the last card
        assert deal_list.scroll_offset.y > 0
        # The last card is on screen and drawn (its page was loaded on the way down).
        screen_row = 39 * 4 - int(deal_list.scroll_offset.y)
        assert 0 <= screen_row < deal_list.size.height
        assert "Lead 00" in "".join(s.text for s in deal_list.render_line(screen_row))
        assert board(pilot).card.title == "Lead 00"  # type: ignore[union-attr]
        await press(pilot, "pageup")
        assert deal_list.cursor == 39 - step
        await press(pilot, "g")
        assert (deal_list.cursor, deal_list.scroll_offset.y) == (0, 0)
        await press(pilot, "G")
        assert deal_list.cursor == 39
        assert board(pilot).card.title == "Lead 00"  # type: ignore[union-attr]


# -- 4. won, closed deals, reopen --------------------------------------------------


async def test_won_deal_leaves_the_column_shows_with_c_and_r_reopens_it(
    sales: Workspace,
) -> None:
    async with make_app(sales).run_test(size=SIZE) as pilot:
        await settle(pilot)
        deal_id = await focus_card(pilot, "Negotiation", "Support plan")
        start = history(sales, deal_id)
        seen = notes(pilot.app)
        await press(pilot, "r")  # it is open: nothing to reopen
        assert [s for _, s in seen] == ["warning"]
        assert history(sales, deal_id) == start

        await press(pilot, "w")

        assert deal_named(sales, "Support plan").deal.status is DealStatus.WON
        assert headers(pilot)["Negotiation"] == (0, {})
        assert column(pilot, "Negotiation").deal_list.total == 0
        assert history(sales, deal_id)[-1] == ("Negotiation", "Negotiation", DealStatus.WON)

        await press(pilot, "c")

        negotiation = column(pilot, "Negotiation")
        assert negotiation.deal_list.total == 1
        card = negotiation.deal_list.current
        assert card is not None and card.title == "Support plan"
        assert card.status is DealStatus.WON
        assert "✔ won" in "".join(s.text for s in negotiation.deal_list.render_line(2))
        assert headers(pilot)["Negotiation"] == (0, {})  # the header counts open deals
        assert "with closed deals" in str(board(pilot).query_one("#board-title").render())

        await focus_card(pilot, "Negotiation", "Support plan")
        await press(pilot, "r")

        assert deal_named(sales, "Support plan").deal.status is DealStatus.OPEN
        assert history(sales, deal_id)[-1] == ("Negotiation", "Negotiation", DealStatus.OPEN)
        assert headers(pilot)["Negotiation"] == (1, {"USD": "900.00"})
        assert board(pilot).card.status is DealStatus.OPEN  # type: ignore[union-attr]

        await press(pilot, "c")
        assert column(pilot, "Negotiation").deal_list.total == 1
        assert "closed" not in str(board(pilot).query_one("#board-title").render())


# -- 5. filter ----------------------------------------------------------------


async def typing_pause(pilot: Pilot[None]) -> None:
    """The filter applies once typing pauses: wait for that, then for its read."""
    await pilot.pause(FILTER_PAUSE + 0.1)
    await press(pilot)


async def test_filter_by_hebrew_contact_and_latin_title_then_escape_clears(
    sales: Workspace,
) -> None:
    async with make_app(sales).run_test(size=SIZE) as pilot:
        await settle(pilot)
        totals = {n: column(pilot, n).deal_list.total for n in headers(pilot)}

        await press(pilot, "slash")
        await press(pilot, *"דנה")
        await typing_pause(pilot)

        assert board(pilot).query_one("#filter", Input).value == "דנה"
        proposal = column(pilot, "Proposal")
        assert proposal.deal_list.total == 1
        assert titles(proposal) == ["Website redesign"]
        assert column(pilot, "Negotiation").deal_list.total == 0
        assert column(pilot, "Prospecting").deal_list.total == 0
        assert proposal.summary.open_count == 3  # the header still knows the whole column

        await press(pilot, "escape")
        assert {n: column(pilot, n).deal_list.total for n in headers(pilot)} == totals
        assert board(pilot).deal_list is not None

        await press(pilot, "slash")
        await press(pilot, *"WEBSITE")
        await typing_pause(pilot)
        assert column(pilot, "Proposal").deal_list.total == 1
        assert titles(column(pilot, "Proposal")) == ["Website redesign"]
        await press(pilot, "enter")  # back to the cards, on the first match, filter kept
        assert focused_list(pilot).stage_id == stage_id(pilot, "Proposal")
        assert board(pilot).card.title == "Website redesign"  # type: ignore[union-attr]
        assert column(pilot, "Proposal").deal_list.total == 1
        await press(pilot, "escape")  # clears the filter, stays on the card
        assert {n: column(pilot, n).deal_list.total for n in headers(pilot)} == totals
        assert focused_list(pilot).stage_id == stage_id(pilot, "Proposal")
        await press(pilot, "escape")  # nothing to clear: nothing moves
        assert focused_list(pilot).stage_id == stage_id(pilot, "Proposal")


# -- 8. pipelines and stages --------------------------------------------------------


async def test_slash_at_once_after_start_filters(sales: Workspace) -> None:
    """The filter field is mounted after the first frame (it is hidden there);
    a `/` typed before that mounts it then, and nothing typed is lost."""
    async with make_app(sales).run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"WEBSITE")
        await typing_pause(pilot)
        await settle(pilot)
        assert board(pilot).query_one("#filter", Input).value == "WEBSITE"
        assert titles(column(pilot, "Proposal")) == ["Website redesign"]
        assert column(pilot, "Negotiation").deal_list.total == 0
        await press(pilot, "escape")
        assert board(pilot).query_one("#filter", Input).value == ""
        assert column(pilot, "Negotiation").deal_list.total > 0


async def test_p_switches_to_another_pipeline(sales: Workspace) -> None:
    consulting = add_pipeline(sales.db, name="Consulting")
    deal_service.add_deal(
        sales.db, title="Audit", value=Money(70_000, "EUR"), pipeline="Consulting"
    )
    async with make_app(sales).run_test(size=SIZE) as pilot:
        await settle(pilot)
        sales_stages = list(headers(pilot))

        await press(pilot, "p")
        picker = pilot.app.screen
        assert isinstance(picker, PipelinePicker)
        await press(pilot, "down", "enter")

        assert board(pilot).pipeline_id == consulting.id
        assert "Consulting" in str(board(pilot).query_one("#board-title").render())
        first = next(iter(board(pilot).columns.values()))
        assert first.summary.stage.pipeline_id == consulting.id
        assert titles(first) == ["Audit"]
        shown = [t for col in board(pilot).columns.values() for t in titles(col)]
        assert shown == ["Audit"]
        assert sum(count for count, _ in headers(pilot).values()) == 1

        await press(pilot, "p")
        await press(pilot, "escape")  # escape keeps the pipeline
        assert board(pilot).pipeline_id == consulting.id
        await press(pilot, "p")
        await press(pilot, "up", "enter")
        assert list(headers(pilot)) == sales_stages


async def test_stage_settings_add_a_stage_and_it_shows_on_the_board(sales: Workspace) -> None:
    async with make_app(sales).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "S")
        assert isinstance(pilot.app.screen, PipelineSettings)

        await press(pilot, "a")
        form = pilot.app.screen
        assert isinstance(form, PromptForm)
        form.fields["name"].input.value = "Contract sent"
        form.fields["probability"].input.value = "90"
        await press(pilot, "enter")

        settings = pilot.app.screen
        assert isinstance(settings, PipelineSettings)
        assert settings.query_one(DataTable).row_count == 7
        await press(pilot, "escape")

        names = list(headers(pilot))
        assert names == [
            "Prospecting",
            "Contract sent",
            "Qualification",
            "Initial contact",
            "Needs assessment",
            "Proposal",
            "Negotiation",
        ]
        assert column(pilot, "Contract sent").summary.stage.probability == 90
        assert column(pilot, "Contract sent").deal_list.total == 0


async def test_removing_a_stage_with_deals_asks_where_they_go_and_u_undoes_it(
    sales: Workspace,
) -> None:
    async with make_app(sales).run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = headers(pilot)
        await press(pilot, "S")
        settings = pilot.app.screen
        assert isinstance(settings, PipelineSettings)
        await press(pilot, "down", "down", "down", "down")
        assert settings.stage is not None and settings.stage.name == "Proposal"

        await press(pilot, "d")
        assert isinstance(pilot.app.screen, StagePicker)
        await press(pilot, "escape")  # changed my mind: nothing is removed
        assert pilot.app.screen is settings
        assert [s.name for s in settings.item.stages][4] == "Proposal"  # type: ignore[union-attr]
        assert deal_named(sales, "Website redesign").stage_name == "Proposal"

        await press(pilot, "d")

        picker = pilot.app.screen
        assert isinstance(picker, StagePicker)
        options = picker.query_one(OptionList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert "Proposal" not in prompts
        await press(pilot, *["down"] * prompts.index("Negotiation"), "enter")
        await press(pilot, "y")  # "Remove the stage Proposal and move its 3 deals to …?"

        assert pilot.app.screen is settings
        assert "Proposal" not in [s.name for s in settings.item.stages]  # type: ignore[union-attr]
        moved = [deal_named(sales, t).stage_name for t in ("Website redesign", "Pilot project")]
        assert moved == ["Negotiation", "Negotiation"]

        await press(pilot, "u")  # undo works from the settings screen too

        assert deal_named(sales, "Website redesign").stage_name == "Proposal"
        assert deal_named(sales, "Annual licence").stage_name == "Proposal"
        assert deal_named(sales, "Support plan").stage_name == "Negotiation"
        assert settings.query_one(DataTable).row_count == 6  # the table shows it back
        await press(pilot, "escape")
        assert headers(pilot) == before


# -- 9. another process writing ------------------------------------------------------


async def test_board_shows_a_deal_written_by_someone_else(sales: Workspace) -> None:
    async with make_app(sales).run_test(size=SIZE) as pilot:
        await settle(pilot)
        app = pilot.app
        assert isinstance(app, PipetuiApp)
        app._read_version()  # the baseline
        await settle(pilot)

        deal_service.add_deal(
            sales.db, title="From the CLI", value=Money(5_000, "USD"), stage="Proposal"
        )
        assert column(pilot, "Proposal").deal_list.total == 3
        app._read_version()
        await settle(pilot)

        assert column(pilot, "Proposal").deal_list.total == 4
        assert "From the CLI" in titles(column(pilot, "Proposal"))
        assert headers(pilot)["Proposal"][0] == 4

        deal_service.win_deal(sales.db, deal_named(sales, "Support plan").deal.id)
        app.screen.post_message(DatabaseChanged())
        await settle(pilot)
        assert headers(pilot)["Negotiation"] == (0, {})

        # A write while a dialog is open shows on the board once it closes.
        await focus_card(pilot, "Proposal", "Pilot project")
        await press(pilot, "enter")
        assert isinstance(app.screen, DealDetailScreen)
        deal_service.add_deal(
            sales.db, title="While reading", value=Money(5_000, "USD"), stage="Proposal"
        )
        app._read_version()
        await settle(pilot)
        await press(pilot, "escape")
        assert column(pilot, "Proposal").deal_list.total == 5
        assert "While reading" in titles(column(pilot, "Proposal"))


async def test_the_watcher_notices_another_connection(
    tmp_path: Path, sales: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app_module, "WATCH_SECONDS", 0.25)  # the real watcher, ticking faster
    app = PipetuiApp(sales, watch=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for _ in range(20):  # the first tick: the watcher learns the current version
            if app.seen_version is not None:
                break
            await pilot.pause(0.05)
        assert app.seen_version is not None
        other = open_database(str(tmp_path / "board.db"), now=clock.now())
        try:
            deal_service.add_deal(
                other, title="Other window", value=Money(1_000, "USD"), stage="Prospecting"
            )
        finally:
            other.dispose()
        prospecting = column(pilot, "Prospecting")
        for _ in range(15):  # up to 3 s
            if prospecting.deal_list.total == 2:
                break
            await pilot.pause(0.2)
        assert prospecting.deal_list.total == 2
        assert "Other window" in titles(prospecting)


@pytest.mark.parametrize("theirs", ["a new deal", "a move of the same deal"])
async def test_another_windows_write_just_before_ours_still_shows(
    tmp_path: Path, sales: Workspace, monkeypatch: pytest.MonkeyPatch, theirs: str
) -> None:
    """Another window writes after the watcher's last look and before our next
    key writes: the version our own write notes includes theirs, which the
    board must still show (our move goes through, or is refused as stale)."""
    monkeypatch.setattr(app_module, "WATCH_SECONDS", 3600)  # no tick during the story
    app = PipetuiApp(sales, watch=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app._read_version()  # the watcher's look: the version before theirs
        await settle(pilot)
        assert app.seen_version is not None
        await focus_card(pilot, "Prospecting", "Cold lead")
        other = open_database(str(tmp_path / "board.db"), now=clock.now())
        try:
            if theirs == "a new deal":
                deal_service.add_deal(
                    other, title="Other window", value=Money(1_000, "USD"), stage="Proposal"
                )
            else:
                cold = deal_service.list_deals(other, DealFilter(search="Cold lead"))[0]
                deal_service.move_deal(other, cold.deal.id, stage="Negotiation")
        finally:
            other.dispose()
        await press(pilot, "L")  # ours: written after theirs, before any look
        await settle(pilot)
        if theirs == "a new deal":
            assert "Cold lead" in titles(column(pilot, "Qualification"))
            assert "Other window" in titles(column(pilot, "Proposal"))
            assert headers(pilot)["Proposal"][0] == 4
        else:  # refused as stale: the card shows where the other window put it
            assert titles(column(pilot, "Prospecting")) == []
            assert "Cold lead" in titles(column(pilot, "Negotiation"))
            assert headers(pilot)["Negotiation"][0] == 2


async def test_a_read_of_some_columns_after_a_whole_read_not_yet_shown_reads_them_all(
    sales: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Newest read wins, so a read of the moved columns asked for while a
    whole-board read (another window's change) is still coming would have that
    one dropped, and the rest of the board would never show the change."""
    app = make_app(sales)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = board(pilot)
        asked: list[set[int] | None] = []
        fetch = screen.fetch

        def recorded(*args: Any) -> BoardLoaded:
            asked.append(args[3])  # `only`: the columns read, None for all
            return fetch(*args)

        monkeypatch.setattr(screen, "fetch", recorded)
        stage = column(pilot, "Proposal").stage_id
        screen.load()  # the whole board, for another window's change
        screen.load(only={stage})  # a move's columns, asked before that read is shown
        await settle(pilot)
        screen.load(only={stage})  # and once it is shown, only the columns asked for
        await settle(pilot)
        # (the first read may be dropped before it runs: the newest is the one)
        assert asked[-1] == {stage} and all(only is None for only in asked[:-1])
        assert headers(pilot)["Proposal"][0] == 3


# -- 10. welcome -------------------------------------------------------------------


async def test_empty_database_welcomes_and_d_loads_demo_data(workspace: Workspace) -> None:
    async with make_app(workspace).run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(pilot.app.screen, WelcomeScreen)

        await press(pilot, "d")

        assert isinstance(pilot.app.screen, BoardScreen)
        assert sum(c.deal_list.total for c in board(pilot).columns.values()) > 0
        assert sum(count for count, _ in headers(pilot).values()) > 0
        assert deal_service.list_deals(workspace.db)
        assert board(pilot).deal_list is not None


async def test_empty_database_escape_starts_empty(workspace: Workspace) -> None:
    async with make_app(workspace).run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(pilot.app.screen, WelcomeScreen)

        await press(pilot, "escape")

        assert isinstance(pilot.app.screen, BoardScreen)
        assert list(headers(pilot)) == [
            "Prospecting",
            "Qualification",
            "Initial contact",
            "Needs assessment",
            "Proposal",
            "Negotiation",
        ]
        assert all(count == 0 for count, _ in headers(pilot).values())
        assert deal_service.list_deals(workspace.db, DealFilter(statuses=tuple(DealStatus))) == []
        await press(pilot, "n")  # and the board works: a new deal form opens
        assert isinstance(pilot.app.screen, DealForm)
