"""Hebrew and Arabic read correctly on a terminal that draws cells left to right
as it receives them (DESIGN.md §6): the board lays out every name on its own.

The tests read the board's cells exactly as the terminal is sent them and check
that each name arrives in visual order (Hebrew reversed, Arabic shaped and
reversed), inside its own column; that `bidi = "off"` sends the stored order;
that the status line quotes a Hebrew title in visual order inside an English
sentence; and that the terminal is told to keep its own bidi off while we run.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.style import Style
from textual.command import CommandList, CommandPalette
from textual.content import Content
from textual.geometry import Region
from textual.pilot import Pilot
from textual.strip import Strip
from textual.widgets import Static
from ui_helpers import board, column, make_app, press, settle, titles, type_text

from pipetui.domain.bant import Verdict
from pipetui.domain.bidi import visual
from pipetui.domain.board import Card
from pipetui.domain.deal_status import DealStatus
from pipetui.domain.money import Money
from pipetui.services import clock
from pipetui.services import deals as deal_service
from pipetui.services.contacts import add_contact
from pipetui.services.pipelines import rename_stage
from pipetui.services.settings import Settings
from pipetui.services.workspace import Workspace
from pipetui.store.database import open_database
from pipetui.ui import app as app_module
from pipetui.ui import rtl
from pipetui.ui.screens.help import HelpScreen, bidi_note
from pipetui.ui.start import run_app
from pipetui.ui.widgets.card_lines import card_line

SIZE = (160, 50)
HE_STAGE = "הצעת מחיר"
AR_STAGE = "تفاوض نهائي"
HE_TITLE = "אתר חדש לחברה"
AR_CONTACT = "محمد علي"
AR_COMPANY = "شركة النور"
AR_TITLE = "موقع جديد"
HE_CONTACT = "דנה כהן"
LONG_HE_TITLE = "הסכם שירות שנתי לכל סניפי החברה בצפון"


def rtl_workspace(tmp_path: Path, bidi: str) -> Workspace:
    """The Sales pipeline with a Hebrew and an Arabic stage, and deals whose
    titles and contacts are Hebrew and Arabic."""
    ws = Workspace(open_database(str(tmp_path / "rtl.db"), now=clock.now()), Settings(bidi=bidi))
    rename_stage(ws.db, pipeline=None, stage="Proposal", new_name=HE_STAGE)
    rename_stage(ws.db, pipeline=None, stage="Negotiation", new_name=AR_STAGE)
    add_contact(ws.db, name=AR_CONTACT, company=AR_COMPANY)
    add_contact(ws.db, name=HE_CONTACT)
    for title, stage, contact in [
        (LONG_HE_TITLE, HE_STAGE, None),
        (HE_TITLE, HE_STAGE, AR_CONTACT),  # the last added is on top
        (AR_TITLE, AR_STAGE, HE_CONTACT),
    ]:
        deal_service.add_deal(
            ws.db, title=title, value=Money(100_000, "ILS"), stage=stage, contact=contact
        )
    return ws


@pytest.fixture
def app_ws(tmp_path: Path) -> Iterator[Workspace]:
    ws = rtl_workspace(tmp_path, "app")
    yield ws
    ws.close()


@pytest.fixture
def off_ws(tmp_path: Path) -> Iterator[Workspace]:
    ws = rtl_workspace(tmp_path, "off")
    yield ws
    ws.close()


def cells(strip: Strip) -> str:
    """A drawn line, one character per terminal cell, in the order sent (every
    character used here takes one cell; a zero-width mark would stay with its
    letter)."""
    out: list[str] = []
    for segment in strip:
        for ch in segment.text:
            if cell_len(ch) == 0 and out:
                out[-1] += ch
            else:
                out.append(ch)
    assert all(cell_len(c) == 1 for c in out), "a wide character: cell positions would shift"
    return "".join(out)


def screen_cells(pilot: Pilot[None]) -> list[str]:
    """Every line of the terminal as sent to it."""
    return [cells(strip) for strip in pilot.app.screen._compositor.render_strips()]


def occurrences(lines: list[str], needle: str) -> list[tuple[int, int]]:
    """(row, first cell) of every place `needle` is drawn."""
    found = []
    for row, line in enumerate(lines):
        start = line.find(needle)
        while start >= 0:
            found.append((row, start))
            start = line.find(needle, start + 1)
    return found


def assert_in_column(pilot: Pilot[None], stage: str, drawn: str) -> None:
    """`drawn` is on screen, and every time wholly inside `stage`'s column."""
    region = column(pilot, stage).region
    places = occurrences(screen_cells(pilot), drawn)
    assert places, f"{drawn!r} is not drawn"
    for row, start in places:
        assert region.x <= start and start + len(drawn) <= region.right, (
            f"{drawn!r} at cells {start}–{start + len(drawn)} of row {row}, "
            f"outside the {stage!r} column ({region.x}–{region.right})"
        )


async def test_hebrew_and_arabic_names_arrive_in_visual_order_inside_their_columns(
    app_ws: Workspace,
) -> None:
    async with make_app(app_ws).run_test(size=SIZE) as pilot:
        await settle(pilot)
        lines = screen_cells(pilot)
        # Read as a left-to-right terminal shows them: Hebrew reversed...
        assert visual(HE_TITLE) == HE_TITLE[::-1]
        assert visual(HE_STAGE) == HE_STAGE[::-1]
        for stage, drawn in [
            (HE_STAGE, visual(HE_STAGE)),
            (HE_STAGE, visual(HE_TITLE)),
            (HE_STAGE, f"{visual(AR_CONTACT)} · {visual(AR_COMPANY)}"),  # each on its own
            (AR_STAGE, visual(AR_STAGE)),
            (AR_STAGE, visual(AR_TITLE)),
            (AR_STAGE, visual(HE_CONTACT)),
        ]:
            assert_in_column(pilot, stage, drawn)
        # ...and never in the stored order, which such a terminal shows mirrored.
        for logical in (HE_STAGE, HE_TITLE, AR_STAGE, AR_TITLE, AR_CONTACT, HE_CONTACT):
            assert not occurrences(lines, logical), f"{logical!r} sent in logical order"

        # A title too long for the card is cut at its logical end: the ellipsis is
        # on the left, where a Hebrew reader's eye ends.
        cut = visual(LONG_HE_TITLE, 21)
        assert cut.startswith("… ") and cut.endswith(visual("הסכם שירות"))
        assert_in_column(pilot, HE_STAGE, cut)

        # The status line, after moving the Hebrew deal on: an English sentence
        # reading left to right, quoting the title and naming the stage in visual
        # order.
        he_column = column(pilot, HE_STAGE)
        board(pilot).activate(he_column.stage_id)
        he_column.deal_list.go_to(0)
        await pilot.pause()
        card = board(pilot).card
        assert card is not None and card.title == HE_TITLE
        await press(pilot, "L")
        assert HE_TITLE in titles(column(pilot, AR_STAGE))
        status = board(pilot).query_one("#status", Static)
        said = cells(status.render_lines(Region(0, 0, SIZE[0], 1))[0]).strip()
        assert said == f"moved '{HE_TITLE[::-1]}' to {visual(AR_STAGE)} · u to undo"
        assert said == visual(f"moved {HE_TITLE!r} to {AR_STAGE} · u to undo", None, "L")


async def test_with_bidi_off_the_stored_order_is_sent(off_ws: Workspace) -> None:
    async with make_app(off_ws).run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert rtl.mode() == "off"
        lines = screen_cells(pilot)
        for stage, name in [
            (HE_STAGE, HE_STAGE),
            (HE_STAGE, HE_TITLE),
            (HE_STAGE, f"{AR_CONTACT} · {AR_COMPANY}"),
            (AR_STAGE, AR_STAGE),
            (AR_STAGE, AR_TITLE),
            (AR_STAGE, HE_CONTACT),
        ]:
            assert_in_column(pilot, stage, name)
        for name in (HE_STAGE, HE_TITLE, AR_STAGE, HE_CONTACT):
            assert not occurrences(lines, visual(name)), f"{name!r} laid out with bidi off"
        # Cut at the logical end too: the ellipsis follows the stored text.
        assert_in_column(pilot, HE_STAGE, LONG_HE_TITLE[:20] + "…")


async def test_the_palette_finds_a_hebrew_deal_by_its_stored_text_and_shows_it_laid_out(
    app_ws: Workspace,
) -> None:
    async with make_app(app_ws).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "ctrl+p")
        palette = pilot.app.screen
        assert isinstance(palette, CommandPalette)
        await type_text(pilot, "חדש")  # typed in logical order, as a user types
        commands = palette.query_one(CommandList)
        prompts: list[Content] = []
        for _ in range(30):
            await settle(pilot)
            prompts = [
                commands.get_option_at_index(i).prompt  # type: ignore[misc]
                for i in range(commands.option_count)
            ]
            if any("Deal: " in p.plain for p in prompts):
                break
        first_lines = [p.plain.splitlines()[0] for p in prompts]
        assert f"Deal: {visual(HE_TITLE)}" in first_lines, first_lines
        assert f"Deal: {HE_TITLE}" not in first_lines
        index = first_lines.index(f"Deal: {visual(HE_TITLE)}")
        assert visual(HE_STAGE) in prompts[index].plain  # the help line: pipeline › stage
        commands.highlighted = index
        await press(pilot, "enter")
        card = board(pilot).card
        assert card is not None and card.title == HE_TITLE


async def test_the_help_screen_and_the_palette_say_where_to_choose_the_layout(
    app_ws: Workspace,
) -> None:
    async with make_app(app_ws).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "question_mark")
        help_screen = pilot.app.screen
        assert isinstance(help_screen, HelpScreen)
        assert "Hebrew/Arabic: bidi = app|terminal|off in config.toml" in help_screen.content.plain
        assert "(now: app)" in help_screen.content.plain
        await press(pilot, "escape")

        await press(pilot, "ctrl+p")
        await type_text(pilot, "hebrew")
        commands = pilot.app.screen.query_one(CommandList)
        for _ in range(30):
            await settle(pilot)
            if commands.option_count:
                break
        prompt = commands.get_option_at_index(0).prompt
        assert isinstance(prompt, Content) and prompt.plain == "Hebrew/Arabic layout (bidi = app)"
        commands.highlighted = 0
        await press(pilot, "enter")
        status = board(pilot).query_one("#status", Static)
        said = cells(status.render_lines(Region(0, 0, SIZE[0], 1))[0]).strip()
        assert said == bidi_note("app")


def test_contact_and_company_are_each_laid_out_and_the_company_cut_at_its_logical_end() -> None:
    rtl.use("app")
    card = Card(
        deal_id=1,
        title=HE_TITLE,
        status=DealStatus.OPEN,
        value=Money(100, "ILS"),
        stage_id=1,
        days_in_stage=1,
        verdict=Verdict.NOT_ASSESSED,
        contact_name=AR_CONTACT,
        company="חברת הבנייה הגדולה",
    )
    styles = {
        name: Style()
        for name in (
            "card", "bar", "gap", "title", "muted", "value", "rotting", "won", "lost",
            *(v.value for v in Verdict),
        )
    }  # fmt: skip
    line = cells(card_line(card, 1, 24, styles))
    # 22 cells of text: the contact (8), " · ", and 11 cells of the company.
    company = visual("חברת הבנייה הגדולה", 11)
    assert company == "…" + "חברת הבניי"[::-1]
    assert line == f"▌ {visual(AR_CONTACT)} · {company}"
    assert cells(card_line(card, 0, 24, styles)).startswith(f"▌ {HE_TITLE[::-1]}")


class FakeTerminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("mode", "stream", "expected"),
    [
        ("app", FakeTerminal(), rtl.EXPLICIT_MODE + rtl.IMPLICIT_MODE),
        ("terminal", FakeTerminal(), ""),
        ("off", FakeTerminal(), ""),
        ("app", io.StringIO(), ""),  # not a terminal: piped output stays clean
    ],
)
def test_the_terminal_keeps_its_own_bidi_off_only_while_the_app_lays_text_out(
    mode: str, stream: io.StringIO, expected: str
) -> None:
    with app_module.terminal_bidi(mode, stream):
        assert stream.getvalue() == expected[: len(expected) // 2]
    assert stream.getvalue() == expected


def test_run_app_restores_the_terminal_even_when_the_app_fails(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    terminal = FakeTerminal()
    seen_while_running: list[str] = []

    def run(self: app_module.PipetuiApp) -> None:
        seen_while_running.append(terminal.getvalue())
        raise RuntimeError("boom")

    monkeypatch.setattr(sys, "__stdout__", terminal)
    monkeypatch.setattr(app_module.PipetuiApp, "run", run)
    ws = rtl_workspace(tmp_path, "app")
    try:
        with pytest.raises(RuntimeError, match="boom"):
            run_app(ws)
    finally:
        ws.close()
    assert seen_while_running == ["\x1b[8l"]
    assert terminal.getvalue() == "\x1b[8l\x1b[8h"
