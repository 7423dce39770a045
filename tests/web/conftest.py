"""A real `pipetui serve` server on a free loopback port for each test, its
apps played by tests/web/fake_app.py (which records how each was started), and
the one-line summary of the browser test's fate."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from web_helpers import DB_URL, FAKE_APP, TOKEN, Served, free_port

import chromium
from pipetui.web.config import ServeConfig
from pipetui.web.server import PipetuiServer, serve


@pytest.fixture
async def start_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Callable[..., Awaitable[Served]]]:
    """`await start_server(max_sessions=2, ...)`: a server with fake apps,
    stopped (apps and all) at the end of the test."""
    record = tmp_path / "starts.jsonl"
    monkeypatch.setenv("FAKE_APP_RECORD", str(record))
    monkeypatch.setenv("PIPETUI_SERVE_TOKEN", "must-not-reach-the-app-0000")
    running: list[tuple[asyncio.Event, asyncio.Task[None]]] = []

    async def start(**options: Any) -> Served:
        settings: dict[str, Any] = {
            "host": "127.0.0.1",
            "port": free_port(),
            "token": TOKEN,
            "app_argv": (sys.executable, str(FAKE_APP)),
            "app_env": {"PIPETUI_DB": DB_URL},
        }
        settings.update(options)
        config = ServeConfig(**settings)
        server = PipetuiServer(config, log=lambda line: None)
        stop = asyncio.Event()
        listening = asyncio.Event()
        task = asyncio.create_task(
            serve(config, ready=listening.set, stop=stop, server=server, handle_signals=False)
        )
        running.append((stop, task))
        await asyncio.wait_for(listening.wait(), 5)
        return Served(config, server, record)

    yield start
    for stop, task in running:
        stop.set()
        await asyncio.wait_for(task, 15)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """The browser test's line in the summary (see `chromium.summary`)."""
    chromium.summary(terminalreporter)
