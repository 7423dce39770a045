"""SVG snapshots of the customer's side: the contacts screen (wide and 80x24), a
timeline with a non-linear journey in Hebrew and Arabic, and the attention list.
Data: journey_data.seed_journey; clock frozen at 2026-11-20 10:00 UTC.

Update after an intended change with:
.venv/bin/pytest tests/ui/test_journey_snapshots.py --snapshot-update
"""

from __future__ import annotations

from typing import Any

import pytest
from journey_data import BY_NAME, DANA, seed_journey
from textual.pilot import Pilot
from ui_helpers import make_app, press, settle, steady

from pipetui.services.workspace import Workspace

SIZE = (160, 50)
NARROW = (80, 24)


@pytest.fixture
def journey(workspace: Workspace) -> Workspace:
    seed_journey(workspace)
    return workspace


async def _contacts(pilot: Pilot[None]) -> None:
    await settle(pilot)
    await press(pilot, "C")
    await steady(pilot)


async def _dana_timeline(pilot: Pilot[None]) -> None:
    await settle(pilot)
    await press(pilot, "C")
    await press(pilot, *["j"] * BY_NAME.index(DANA), "enter")
    await steady(pilot)


async def _attention(pilot: Pilot[None]) -> None:
    await settle(pilot)
    await press(pilot, "a")
    await steady(pilot)


def test_contacts_screen(snap_compare: Any, journey: Workspace) -> None:
    assert snap_compare(make_app(journey), terminal_size=SIZE, run_before=_contacts)


def test_contacts_screen_narrow_terminal(snap_compare: Any, journey: Workspace) -> None:
    assert snap_compare(make_app(journey), terminal_size=NARROW, run_before=_contacts)


def test_timeline_of_a_non_linear_journey_in_hebrew_and_arabic(
    snap_compare: Any, journey: Workspace
) -> None:
    assert snap_compare(make_app(journey), terminal_size=SIZE, run_before=_dana_timeline)


def test_attention_list(snap_compare: Any, journey: Workspace) -> None:
    assert snap_compare(make_app(journey), terminal_size=SIZE, run_before=_attention)
