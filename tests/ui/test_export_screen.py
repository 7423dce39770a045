"""Export and backup from the TUI (E on the board, or the palette): a seller
picks a format and a file, ctrl+s writes it, and the screen says where it went.
A path that cannot be used is said at the path field and nothing is written."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input, Select, Static
from ui_helpers import make_app, press, settle, type_text

from pipetui.services.workspace import Workspace
from pipetui.ui import rtl
from pipetui.ui.screens.board import BoardScreen
from pipetui.ui.screens.export_screen import ExportScreen

SIZE = (160, 50)


def export_screen(pilot: Pilot[None]) -> ExportScreen:
    screen = pilot.app.screen
    assert isinstance(screen, ExportScreen), f"expected the export screen, got {screen!r}"
    return screen


def result(pilot: Pilot[None]) -> str:
    return str(export_screen(pilot).query_one("#export-result", Static).render())


def path_error(pilot: Pilot[None]) -> str:
    screen = export_screen(pilot)
    if not screen.path_field.has_class("invalid"):
        return ""
    return str(screen.path_field.error.render())


async def open_export(pilot: Pilot[None]) -> ExportScreen:
    await settle(pilot)
    await press(pilot, "E")
    return export_screen(pilot)


async def set_path(pilot: Pilot[None], path: Path | str) -> None:
    field = export_screen(pilot).path_field.input
    field.focus()
    field.value = ""
    await type_text(pilot, str(path))


async def choose(pilot: Pilot[None], selector: str, value: str) -> None:
    export_screen(pilot).query_one(selector, Select).value = value
    await settle(pilot)


async def test_E_exports_the_deals_as_csv_where_the_seller_says(
    sales: Workspace, tmp_path: Path
) -> None:
    target = tmp_path / "עסקאות.csv"
    async with make_app(sales).run_test(size=SIZE) as pilot:
        await open_export(pilot)
        await set_path(pilot, target)

        await press(pilot, "ctrl+s")
        await settle(pilot)

        assert result(pilot).startswith(rtl.sentence(f"Exported 5 deals to {target} (csv)"))
        rows = list(csv.DictReader(target.open(encoding="utf-8")))
        assert {row["title"] for row in rows} >= {"Website redesign", "Pilot project"}
        assert {row["contact_name"] for row in rows} >= {"דנה כהן"}
        assert target.stat().st_mode & 0o777 == 0o600


async def test_the_suggested_path_follows_the_format_and_is_written_in_full(
    sales: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no ~/Downloads: the current directory
    async with make_app(sales).run_test(size=SIZE) as pilot:
        screen = await open_export(pilot)
        assert screen.path_field.value == str(tmp_path / "pipetui-deals-2026-11-20.csv")

        await choose(pilot, "#export-format", "vcard")
        assert screen.path_field.value == str(tmp_path / "pipetui-contacts-2026-11-20.vcf")
        await press(pilot, "ctrl+s")
        await settle(pilot)

        written = tmp_path / "pipetui-contacts-2026-11-20.vcf"
        assert result(pilot).startswith(f"Exported 2 contacts to {written} (vcard)")
        assert "FN:דנה כהן" in written.read_text("utf-8")


async def test_json_of_everything_has_every_kind(sales: Workspace, tmp_path: Path) -> None:
    target = tmp_path / "all.json"
    async with make_app(sales).run_test(size=SIZE) as pilot:
        await open_export(pilot)
        await choose(pilot, "#export-format", "json")
        assert export_screen(pilot).kind == "all"
        await set_path(pilot, target)

        await press(pilot, "ctrl+s")
        await settle(pilot)

        data = json.loads(target.read_text("utf-8"))
        assert {d["title"] for d in data["deals"]} >= {"Cold lead", "Support plan"}
        assert {c["name"] for c in data["contacts"]} == {"דנה כהן", "Omar Haddad"}


async def test_an_existing_file_is_refused_at_the_field_until_replace_is_ticked(
    sales: Workspace, tmp_path: Path
) -> None:
    target = tmp_path / "deals.csv"
    target.write_text("keep me", "utf-8")
    async with make_app(sales).run_test(size=SIZE) as pilot:
        screen = await open_export(pilot)
        await set_path(pilot, target)

        await press(pilot, "ctrl+s")
        await settle(pilot)

        assert path_error(pilot) == f"{target} exists; tick “Replace the file if it exists”"
        assert target.read_text("utf-8") == "keep me"
        assert "Nothing was written" in result(pilot)
        assert isinstance(pilot.app.focused, Input)

        screen.query_one("#export-force", Checkbox).value = True
        await press(pilot, "ctrl+s")
        await settle(pilot)
        assert path_error(pilot) == ""
        assert "Website redesign" in target.read_text("utf-8")


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("{tmp}", "{tmp} is a directory; name a file"),
        ("{tmp}/no/such/folder/x.csv", "no directory {tmp}/no/such/folder"),
        ("   ", "name the file to write"),
    ],
    ids=["a folder", "a missing folder", "nothing"],
)
async def test_a_path_that_cannot_be_written_is_said_at_the_field(
    sales: Workspace, tmp_path: Path, typed: str, said: str
) -> None:
    before = sorted(tmp_path.iterdir())
    async with make_app(sales).run_test(size=SIZE) as pilot:
        await open_export(pilot)
        await set_path(pilot, typed.format(tmp=tmp_path))

        await press(pilot, "ctrl+s")
        await settle(pilot)

        assert path_error(pilot) == said.format(tmp=tmp_path)
        assert sorted(tmp_path.iterdir()) == before


async def test_a_backup_from_the_palette_is_a_working_copy_of_the_database(
    sales: Workspace, tmp_path: Path
) -> None:
    folder = tmp_path / "גיבויים"
    folder.mkdir()
    async with make_app(sales).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "ctrl+p")
        await type_text(pilot, "Back up the database")
        await settle(pilot)
        await press(pilot, "enter")
        screen = export_screen(pilot)
        assert screen.fmt == "backup"
        assert not screen.query_one("#export-what").display
        await set_path(pilot, folder)  # a folder: the default name goes in it

        await press(pilot, "ctrl+s")
        await settle(pilot)

        (copy,) = folder.iterdir()
        assert copy.name.startswith("board-backup-") and copy.suffix == ".db"
        assert result(pilot).startswith(rtl.sentence(f"Backed up to {copy} (SQLite copy"))
        with sqlite3.connect(copy) as conn:
            titles = {t for (t,) in conn.execute("SELECT title FROM deal")}
        assert "Website redesign" in titles and len(titles) == 5

        await press(pilot, "escape")
        assert isinstance(pilot.app.screen, BoardScreen)
