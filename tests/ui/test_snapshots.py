"""SVG snapshots of the main screens at a fixed size and clock, cursor blink off.

Update after an intended change with: .venv/bin/pytest tests/ui/test_snapshots.py --snapshot-update
"""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from ui_helpers import make_app, settle, steady

from pipetui.services.workspace import Workspace

SIZE = (160, 50)


def test_board(snap_compare: Any, sales: Workspace) -> None:
    assert snap_compare(make_app(sales), terminal_size=SIZE, run_before=steady)


def test_board_narrow_terminal(snap_compare: Any, sales: Workspace) -> None:
    assert snap_compare(make_app(sales), terminal_size=(80, 24), run_before=steady)


def test_deal_detail(snap_compare: Any, sales: Workspace) -> None:
    async def open_detail(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("l", "l", "l", "l", "enter")
        await steady(pilot)

    assert snap_compare(make_app(sales), terminal_size=SIZE, run_before=open_detail)


def test_deal_form_with_an_error(snap_compare: Any, sales: Workspace) -> None:
    async def bad_value(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"Big deal", "tab", *"12,34", "enter")
        await steady(pilot)

    assert snap_compare(make_app(sales), terminal_size=SIZE, run_before=bad_value)


def test_help_screen(snap_compare: Any, sales: Workspace) -> None:
    async def help_keys(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("question_mark")
        await steady(pilot)

    assert snap_compare(make_app(sales), terminal_size=SIZE, run_before=help_keys)


def test_welcome_screen(snap_compare: Any, workspace: Workspace) -> None:
    assert snap_compare(make_app(workspace), terminal_size=SIZE, run_before=steady)


def test_board_in_a_light_theme(snap_compare: Any, sales: Workspace) -> None:
    async def light(pilot: Pilot[None]) -> None:
        pilot.app.theme = "textual-light"
        await steady(pilot)

    assert snap_compare(make_app(sales), terminal_size=SIZE, run_before=light)
