"""Team mode: a board open on a PostgreSQL database shows what a teammate wrote
within a second, with the real watcher (no table polled: the server announces
every commit, `pipetui.store.change_listener`)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot
from ui_helpers import column, settle, titles

from pipetui.domain.money import Money
from pipetui.services import clock
from pipetui.services import deals as deal_service
from pipetui.services.settings import Settings
from pipetui.services.workspace import Workspace
from pipetui.store.database import open_database
from pipetui.ui.app import SERVER_WATCH_SECONDS, PipetuiApp

SIZE = (160, 50)

pytestmark = pytest.mark.postgresql_only("a teammate's change announced by the server")


@pytest.fixture
def team(new_target: Callable[[str], str]) -> Iterator[Workspace]:
    """A board's workspace on a new PostgreSQL database with one deal."""
    ws = Workspace(open_database(new_target("team"), now=clock.now()), Settings())
    deal_service.add_deal(ws.db, title="Ours", value=Money(1_000, "USD"))
    yield ws
    ws.close()


async def _shows(pilot: Pilot[None], title: str, *, within: float) -> float:
    """Seconds until the Prospecting column shows `title` (fails after `within`)."""
    started = time.monotonic()
    while time.monotonic() - started < within:
        if title in titles(column(pilot, "Prospecting")):
            return time.monotonic() - started
        await pilot.pause(0.05)
    raise AssertionError(f"{title!r} not shown within {within} s")


async def _listening(app: PipetuiApp, pilot: Pilot[None]) -> None:
    for _ in range(40):
        if app.seen_version is not None:
            return
        await pilot.pause(0.05)
    raise AssertionError("the watcher never read a version")


async def test_a_deal_a_teammate_adds_from_the_cli_appears_within_a_second(
    team: Workspace, tmp_path: Path
) -> None:
    assert SERVER_WATCH_SECONDS <= 0.5
    app = PipetuiApp(team, watch=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _listening(app, pilot)
        assert titles(column(pilot, "Prospecting")) == ["Ours"]

        env = {**os.environ, "PIPETUI_CONFIG": str(tmp_path / "none.toml")}
        pipetui = str(Path(sys.executable).parent / "pipetui")
        done = subprocess.run(
            [
                pipetui,
                "--db",
                str(team.db.url),
                "deal",
                "add",
                "Teammate's lead",
                "--value",
                "$500",
            ],
            capture_output=True,
            text=True,
            env=env,
            check=False,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr

        await _shows(pilot, "Teammate's lead", within=1.0)
        assert column(pilot, "Prospecting").deal_list.total == 2


async def test_a_change_through_another_connection_appears_and_our_own_does_not_reload(
    team: Workspace,
) -> None:
    app = PipetuiApp(team, watch=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _listening(app, pilot)
        seen = app.seen_version

        # Our own write (the board's own process) is not taken for a teammate's.
        deal_service.add_deal(team.db, title="Ours too", value=Money(1, "USD"))
        await pilot.pause(0.6)
        assert app.seen_version == seen

        other = open_database(str(team.db.url), now=clock.now())
        try:
            deal_service.add_deal(other, title="Other window", value=Money(2, "USD"))
        finally:
            other.dispose()
        await _shows(pilot, "Other window", within=1.0)
        assert app.seen_version != seen
