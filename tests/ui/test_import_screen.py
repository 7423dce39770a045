"""The import screen (`I` on the board): a seller picks a Pipedrive export, sees
how its columns map, its first rows and what the import would do, confirms,
and the deals are on the board. A bad file lists its problems by line and
writes nothing. Snapshots: the checked preview, wide and at 80x24.

Update the snapshots after an intended change with:
.venv/bin/pytest tests/ui/test_import_screen.py --snapshot-update
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static
from ui_helpers import make_app, press, settle, type_text

from pipetui.services.workspace import Workspace
from pipetui.ui.screens.board import BoardScreen
from pipetui.ui.screens.import_screen import ImportScreen

SIZE = (160, 50)
NARROW = (80, 24)
PIPEDRIVE = (
    "Deal - ID,Deal - Title,Deal - Value,Deal - Currency,Deal - Pipeline,Deal - Stage,"
    "Deal - Status,Person - Name,Person - Email,Deal - Owner\n"
    '1,חוזה שנתי,"1,200.50",ILS,Main,Qualified,Open,דנה כהן,dana@example.co.il,Me\n'
    "2,عقد صيانة,15000,USD,Main,Proposal Made,Won,أحمد حسن,,Me\n"
    "3,[@click=app.quit]x[/],10,EUR,Main,Qualified,Open,,,Me\n"
)


@pytest.fixture
def export_file(tmp_path: Path) -> Path:
    path = tmp_path / "pipedrive.csv"
    path.write_text(PIPEDRIVE, encoding="utf-8")
    return path


def _count(workspace: Workspace, table: str) -> int:
    with workspace.db.read() as conn:
        return int(conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar() or 0)


def _text(pilot: Pilot[None], selector: str) -> str:
    return str(pilot.app.screen.query_one(selector, Static).render())


async def _open_and_read(pilot: Pilot[None], path: Path) -> None:
    """From the welcome screen of an empty database: i opens the import."""
    await settle(pilot)
    await press(pilot, "i")
    assert isinstance(pilot.app.screen, ImportScreen)
    await type_text(pilot, str(path))
    await press(pilot, "enter")
    await settle(pilot)


async def test_a_pipedrive_export_is_previewed_then_imported(
    workspace: Workspace, export_file: Path
) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await _open_and_read(pilot, export_file)
        result = _text(pilot, "#import-result")
        assert "Would import pipedrive.csv (Pipedrive deals, 3 rows)" in result
        assert "new: 1 pipelines, 2 stages, 2 contacts, 3 deals" in result
        assert "Deal - Title → title" in _text(pilot, "#import-mapping")
        assert "Deal - Owner → owner" in _text(pilot, "#import-mapping")
        assert _count(workspace, "deal") == 0  # the check wrote nothing

        await press(pilot, "ctrl+s")
        await settle(pilot)
        assert "Imported pipedrive.csv" in _text(pilot, "#import-result")
        with workspace.db.read() as conn:
            titles = {t for (t,) in conn.exec_driver_sql("SELECT title FROM deal")}
        assert titles == {"חוזה שנתי", "عقد صيانة", "[@click=app.quit]x[/]"}

        await press(pilot, "escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, BoardScreen)


async def test_a_bad_file_lists_its_problems_and_writes_nothing(
    workspace: Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("title,value,close_date\nA,1,2026-01-01\nB,abc,2026-13-01\n", "utf-8")
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await _open_and_read(pilot, path)
        result = _text(pilot, "#import-result")
        assert "bad.csv: 2 problems, nothing was imported" in result
        assert "line 3, column 'value': not an amount: 'abc'" in result
        assert "line 3, column 'close_date'" in result
        await press(pilot, "ctrl+s")  # refused: nothing checked
        await settle(pilot)
        assert _count(workspace, "deal") == 0


async def test_a_missing_file_is_named(workspace: Workspace, tmp_path: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await _open_and_read(pilot, tmp_path / "nowhere.csv")
        assert "cannot read" in _text(pilot, "#import-result")


async def _steady_preview(pilot: Pilot[None], path: Path) -> None:
    await _open_and_read(pilot, path)
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()


@pytest.mark.parametrize("size", [SIZE, NARROW], ids=["wide", "narrow"])
def test_import_preview_snapshot(snap_compare: Any, workspace: Workspace, size: Any) -> None:
    # A fixed path, as it shows on screen; one per size, as they may run at once.
    path = Path("/tmp") / f"pipetui-snapshot-import-{size[0]}.csv"
    path.write_text(PIPEDRIVE, encoding="utf-8")
    try:
        assert snap_compare(
            make_app(workspace),
            terminal_size=size,
            run_before=lambda pilot: _steady_preview(pilot, path),
        )
    finally:
        path.unlink(missing_ok=True)
