"""Every main screen at the smallest supported terminal (80×24) and a large one
(160×50), in Textual's built-in dark and light themes: board, deal form, BANT
form, contacts, contact form, timeline, Today and the funnel screen.

Data: journey_data.seed_journey (Hebrew, Arabic, CJK and Latin contacts, deals
in several stages, touchpoints and follow-ups); clock frozen at 2026-11-20 10:00
UTC. Update after an intended change with:
.venv/bin/pytest tests/ui/test_sizes_themes_snapshots.py --snapshot-update
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from journey_data import BY_NAME, DANA, seed_journey
from textual.pilot import Pilot
from ui_helpers import focus_card, make_app, press, settle, steady

from pipetui.services.workspace import Workspace

Steps = Callable[[Pilot[None]], Awaitable[None]]

SIZES = {"80x24": (80, 24), "160x50": (160, 50)}
THEMES = ("textual-dark", "textual-light")


@pytest.fixture
def journey(workspace: Workspace) -> Workspace:
    seed_journey(workspace)
    return workspace


async def _board(pilot: Pilot[None]) -> None:
    await steady(pilot)


async def _deal_form(pilot: Pilot[None]) -> None:
    await press(pilot, "n")


async def _bant_form(pilot: Pilot[None]) -> None:
    await focus_card(pilot, "Proposal", "Website redesign")
    await press(pilot, "b")


async def _contacts(pilot: Pilot[None]) -> None:
    await press(pilot, "C")


async def _contact_form(pilot: Pilot[None]) -> None:
    await press(pilot, "C", "n")


async def _timeline(pilot: Pilot[None]) -> None:
    await press(pilot, "C", *["j"] * BY_NAME.index(DANA), "enter")


async def _today(pilot: Pilot[None]) -> None:
    await press(pilot, "a")


async def _funnel(pilot: Pilot[None]) -> None:
    await press(pilot, "F")


SCREENS: dict[str, Steps] = {
    "board": _board,
    "deal_form": _deal_form,
    "bant_form": _bant_form,
    "contacts": _contacts,
    "contact_form": _contact_form,
    "timeline": _timeline,
    "today": _today,
    "funnel": _funnel,
}


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("screen", SCREENS)
def test_screen(snap_compare: Any, journey: Workspace, screen: str, size: str, theme: str) -> None:
    """The screen as a seller sees it at this size and in this theme."""

    async def show(pilot: Pilot[None]) -> None:
        pilot.app.theme = theme
        await settle(pilot)
        await SCREENS[screen](pilot)
        await steady(pilot)

    app = make_app(journey)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=show)
