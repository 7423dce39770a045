"""Regenerate screenshots/*.svg of every main screen from a demo database.

Run with `make screenshots`. The clock is frozen so the pictures only change when
the screens do.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

os.environ.setdefault("PIPETUI_NOW", "2026-11-20T10:00:00+00:00")

from textual.app import App
from textual.pilot import Pilot
from textual.worker import WorkerState

from pipetui.services import clock
from pipetui.services.demo import load_demo
from pipetui.services.settings import Settings
from pipetui.services.workspace import Workspace
from pipetui.store.database import open_database
from pipetui.ui.app import PipetuiApp

HERE = Path(__file__).parent
SIZE = (160, 45)
Steps = Callable[[Pilot[None]], Awaitable[None]]


def _busy(app: App[object]) -> bool:
    """A worker is at work (one awaiting a form it opened is not: the form
    waits for the user)."""
    running = [w for w in app.workers if w.state in (WorkerState.PENDING, WorkerState.RUNNING)]
    awaited = sum(
        1
        for screen in app.screen_stack
        for waiting in screen._result_callbacks
        if waiting.future is not None and not waiting.future.done()
    )
    return len(running) > awaited


async def _settle(pilot: Pilot[None]) -> None:
    for _ in range(4):
        while _busy(pilot.app):
            await asyncio.sleep(0.002)
        await pilot.pause()


async def _press(pilot: Pilot[None], *keys: str) -> None:
    await _settle(pilot)
    await pilot.press(*keys)
    await pilot.pause(0.3)  # the filter applies once typing pauses
    await _settle(pilot)


SHOTS: dict[str, Steps] = {
    "board": lambda p: _press(p, "l", "l", "l", "l", "j"),
    "board-closed-deals": lambda p: _press(p, "c", "l", "l", "l", "l", "l"),
    "deal-detail": lambda p: _press(p, "l", "l", "l", "l", "enter"),
    "deal-form": lambda p: _press(p, "e"),
    "lost-form": lambda p: _press(p, "x"),
    "help": lambda p: _press(p, "question_mark"),
    "pipeline-settings": lambda p: _press(p, "S"),
    "filter": lambda p: _press(p, "slash", *"גולן"),
    "bant-form": lambda p: _press(p, "l", "j", "b", "3", "tab", *"40,000", "tab", "tab", "2"),
    "board-only-qualified": lambda p: _press(p, "v"),
    "funnel-pane": lambda p: _press(p, "f"),
    "funnel-screen": lambda p: _press(p, "F"),
    "contacts": lambda p: _press(p, "C"),
    "contact-form": lambda p: _press(p, "C", "j", "j", "e"),
    "export": lambda p: _press(p, "E"),
    "timeline": lambda p: _press(p, "l", "l", "l", "T"),
    "attention": lambda p: _press(p, "a"),
}


async def _import_preview(pilot: Pilot[None]) -> None:
    """The welcome screen's import (i), reading the sample Pipedrive export."""
    await _press(pilot, "i")
    await pilot.press(*"screenshots/sample-pipedrive-export.csv")
    await _press(pilot, "enter")


async def shoot(name: str, steps: Steps, workspace: Workspace, theme: str | None) -> None:
    """Run the app, play `steps`, save `<name>.svg`."""
    app = PipetuiApp(workspace, watch=False)
    async with app.run_test(size=SIZE) as pilot:
        if theme:
            app.theme = theme
        await steps(pilot)
        path = Path(app.save_screenshot(filename=f"{name}.svg", path=str(HERE)))
    _as_a_terminal_shows_it(path)


def _as_a_terminal_shows_it(path: Path) -> None:
    """Make a browser draw the SVG's text cell by cell, as a terminal does.

    pipetui sends Hebrew and Arabic already laid out (visual order); a browser
    would apply the bidi algorithm to each text run again and mirror it back.
    `unicode-bidi: bidi-override` with `direction: ltr` turns that off, so the
    picture shows what a terminal shows."""
    svg = path.read_text(encoding="utf-8")
    rule = "text { direction: ltr; unicode-bidi: bidi-override; }"
    if rule not in svg:
        svg = svg.replace("<style>", f"<style>\n    {rule}", 1)
    path.write_text(svg, encoding="utf-8")


async def main() -> None:
    """Every screen from one demo database, plus the welcome on an empty one."""
    with tempfile.TemporaryDirectory() as tmp:
        empty = Workspace(open_database(f"{tmp}/empty.db", now=clock.now()), Settings())
        await shoot("welcome", _settle, empty, None)
        os.chdir(HERE.parent)  # the sample's path, as typed, is relative to the checkout
        await shoot("import", _import_preview, empty, None)
        demo = Workspace(open_database(f"{tmp}/demo.db", now=clock.now()), Settings())
        load_demo(demo.db)
        for name, steps in SHOTS.items():
            await shoot(name, steps, demo, None)
        await shoot("board-light-theme", SHOTS["board"], demo, "textual-light")
        demo.close()
        empty.close()
    print(f"wrote {len(SHOTS) + 3} screenshots to {HERE}", file=sys.stderr)


if __name__ == "__main__":
    asyncio.run(main())
