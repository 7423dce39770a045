"""Opening a screen from a worker thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import App
from textual.screen import Screen


def open_screen(
    app: App[Any], make: Callable[[], Screen[Any]], callback: Callable[[Any], None] | None = None
) -> None:
    """Build a screen and push it, on the event loop (widgets must not be built in
    a worker thread): workers call this through `call_from_thread`."""
    app.push_screen(make(), callback)
