"""SVG snapshots of BANT qualification: the form as it is filled in, and the board
showing only one verdict. Fixed size and clock, cursor blink off.

Update after an intended change with:
.venv/bin/pytest tests/ui/test_bant_snapshots.py --snapshot-update
"""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from ui_helpers import make_app, press, settle, steady, type_text

from pipetui.domain.bant import Answer, AnswerPatch
from pipetui.services.qualification import qualify_deal
from pipetui.services.workspace import Workspace

SIZE = (160, 50)
NARROW = (80, 24)


async def _open_form(pilot: Pilot[None]) -> None:
    """b on the first card of the first column (Cold lead, in EUR)."""
    await settle(pilot)
    await press(pilot, "b")


async def _partly_filled(pilot: Pilot[None]) -> None:
    """Budget yes with an amount, Authority partial with who decides, the rest
    unknown: in progress, focus in the Authority note."""
    await _open_form(pilot)
    await pilot.press("4", "tab")
    await type_text(pilot, "12,000")
    await pilot.press("tab", "tab", "3", "tab")
    await type_text(pilot, "CFO — דנה כהן")
    await pilot.press("tab")
    await steady(pilot)


def test_bant_form_not_assessed(snap_compare: Any, sales: Workspace) -> None:
    async def empty(pilot: Pilot[None]) -> None:
        await _open_form(pilot)
        await steady(pilot)

    assert snap_compare(make_app(sales), terminal_size=SIZE, run_before=empty)


def test_bant_form_partly_filled_in_progress(snap_compare: Any, sales: Workspace) -> None:
    assert snap_compare(make_app(sales), terminal_size=SIZE, run_before=_partly_filled)


def test_bant_form_disqualified_budget_no(snap_compare: Any, sales: Workspace) -> None:
    async def budget_no(pilot: Pilot[None]) -> None:
        await _open_form(pilot)
        await pilot.press("2", "tab", "tab")
        await type_text(pilot, "frozen until 2028")
        await pilot.press("tab", "4")
        await steady(pilot)

    assert snap_compare(make_app(sales), terminal_size=SIZE, run_before=budget_no)


def test_bant_form_narrow_terminal(snap_compare: Any, sales: Workspace) -> None:
    assert snap_compare(make_app(sales), terminal_size=NARROW, run_before=_partly_filled)


def test_bant_form_narrow_terminal_at_the_last_field(snap_compare: Any, sales: Workspace) -> None:
    """Tabbing to the target date scrolls the form: the date is in view (the score
    line scrolls out of it, and the help line is cut at 80 columns)."""

    async def last_field(pilot: Pilot[None]) -> None:
        await _partly_filled(pilot)
        await pilot.press("tab", "4", "tab", "tab", "3", "tab")
        await type_text(pilot, "2027-03-01")
        await steady(pilot)

    assert snap_compare(make_app(sales), terminal_size=NARROW, run_before=last_field)


def test_board_showing_only_qualified_deals(snap_compare: Any, sales: Workspace) -> None:
    yes, partial = AnswerPatch(status=Answer.YES), AnswerPatch(status=Answer.PARTIAL)
    criteria = ("budget", "authority", "need", "timeline")
    qualify_deal(sales.db, 1, dict.fromkeys(criteria, yes))  # Website redesign
    qualify_deal(sales.db, 4, {**dict.fromkeys(criteria, yes), "need": partial})  # Support plan
    qualify_deal(sales.db, 2, {"budget": yes})  # Annual licence: in progress
    qualify_deal(sales.db, 3, {"budget": AnswerPatch(status=Answer.NO)})  # Pilot project

    async def only_qualified(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await press(pilot, "v")
        await steady(pilot)

    assert snap_compare(make_app(sales), terminal_size=SIZE, run_before=only_qualified)
