"""Every screen is readable in the built-in dark and light themes: each run of
text on screen has at least WCAG AA contrast (4.5:1) against what it is drawn
on, computed from the colours the screen really renders (`contrast_helpers`).

What is not checked, and why (WCAG 1.4.3 and 1.4.11):
- box drawing and block characters (borders, scrollbars, the funnel's bars):
  graphics, not text;
- the screen below a modal dialog, which shows through faded: it is inactive
  while the dialog takes every key;
- nothing else: placeholders, muted figures, footer keys, the card cursor and
  the lists' selection are all held to 4.5:1.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from contrast_helpers import low_contrast
from textual.pilot import Pilot
from ui_helpers import make_app, press, settle

from pipetui.services.demo import load_demo
from pipetui.services.settings import Settings
from pipetui.services.workspace import Workspace
from pipetui.store.database import open_database
from pipetui.ui.screens.board import BoardScreen

THEMES = ("textual-dark", "textual-light")
SIZES = ((80, 24), (160, 50))

SCREENS = {  # what to press on the board to see it (escape comes back)
    "board": (),
    "board with the funnel pane": ("f",),
    "board with closed deals": ("c",),
    "deal form": ("n",),
    "BANT form": ("b",),
    "contacts": ("C",),
    "timeline": ("T",),
    "today": ("a",),
    "funnel screen": ("F",),
    "deal detail": ("enter",),
    "help": ("question_mark",),
    "stages dialog": ("S",),
    "import": ("I",),
}
CLOSE = {"board with the funnel pane": ("f",), "board with closed deals": ("c",)}


def _workspace(tmp_path: Path, theme: str, *, demo: bool) -> Workspace:
    from pipetui.services import clock

    ws = Workspace(
        open_database(str(tmp_path / "contrast.db"), now=clock.now()), Settings(theme=theme)
    )
    if demo:
        load_demo(ws.db)
    return ws


def _report(pilot: Pilot[None], where: str, theme: str, size: tuple[int, int]) -> list[str]:
    return [f"{where} ({theme}, {size[0]}×{size[1]}): {f}" for f in low_contrast(pilot.app)]


async def _back_to_board(pilot: Pilot[None]) -> None:
    for _ in range(3):
        if isinstance(pilot.app.screen, BoardScreen):
            return
        await press(pilot, "escape")
    assert isinstance(pilot.app.screen, BoardScreen), pilot.app.screen


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("theme", THEMES)
async def test_every_screen_reads_at_aa_contrast(
    tmp_path: Path, theme: str, size: tuple[int, int]
) -> None:
    """Demo data (Hebrew, Arabic, CJK names; overdue, rotting, won and lost
    deals), every screen the board leads to, at 80×24 and 160×50."""
    ws = _workspace(tmp_path, theme, demo=True)
    failures: list[str] = []
    try:
        async with make_app(ws).run_test(size=size) as pilot:
            await settle(pilot)
            assert pilot.app.current_theme.name == theme
            for where, keys in SCREENS.items():
                for key in keys:
                    await press(pilot, key)
                await settle(pilot)
                if where not in CLOSE and keys:  # it did open (else: a test of the board)
                    assert not isinstance(pilot.app.screen, BoardScreen), where
                failures += _report(pilot, where, theme, size)
                for key in CLOSE.get(where, ()):
                    await press(pilot, key)
                await _back_to_board(pilot)
    finally:
        ws.close()
    assert not failures, "text below 4.5:1:\n" + "\n".join(failures)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("theme", THEMES)
async def test_the_welcome_screen_reads_at_aa_contrast(
    tmp_path: Path, theme: str, size: tuple[int, int]
) -> None:
    """An empty database opens on the welcome screen."""
    ws = _workspace(tmp_path, theme, demo=False)
    try:
        async with make_app(ws).run_test(size=size) as pilot:
            await settle(pilot)
            assert not isinstance(pilot.app.screen, BoardScreen)
            failures = _report(pilot, "welcome", theme, size)
    finally:
        ws.close()
    assert not failures, "text below 4.5:1:\n" + "\n".join(failures)


async def test_the_check_finds_unreadable_text(tmp_path: Path) -> None:
    """The check is not blind: grey on grey is reported, with its text."""
    from textual.widgets import Static

    ws = _workspace(tmp_path, "textual-light", demo=True)
    try:
        async with make_app(ws).run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            note = Static("שלום faint note", id="faint", markup=False)
            note.styles.color = "#b0b0b0"
            note.styles.background = "#d0d0d0"
            await pilot.app.screen.mount(note)
            await pilot.pause()
            found = low_contrast(pilot.app)
    finally:
        ws.close()
    assert any("faint note" in f.text for f in found), found
