"""End to end, as a seller would: `pipetui serve` on a database of demo deals,
the printed link opened in a real headless Chromium, the board drawn, `L`
pressed, and the focused deal is in the next stage, in the database.

Chromium is Debian's (installed by tests/chromium.py when missing), driven by
Playwright with `executable_path`; the test skips, saying why, only when no
Chromium can be had.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from web_helpers import free_port

import chromium

PIPETUI = str(Path(sys.executable).with_name("pipetui"))
TOKEN = "browser-test-token-0123456789"


def stages_of_deals(db: Path) -> dict[int, tuple[str, int, int]]:
    """Every open deal: (pipeline name, stage position, stage id), by deal id."""
    with contextlib.closing(sqlite3.connect(db)) as conn:
        rows = conn.execute(
            "SELECT deal.id, pipeline.name, stage.position, stage.id FROM deal "
            "JOIN stage ON stage.id = deal.stage_id "
            "JOIN pipeline ON pipeline.id = deal.pipeline_id WHERE deal.status = 'open'"
        ).fetchall()
    return {deal: (pipeline, position, stage) for deal, pipeline, position, stage in rows}


def history_to(db: Path, deal: int) -> list[tuple[int | None, int]]:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        return conn.execute(
            "SELECT from_stage_id, to_stage_id FROM stage_history WHERE deal_id = ? ORDER BY id",
            (deal,),
        ).fetchall()


RECORD_RTL_DRAWING = """
window.pipetuiRtlDrawn = [];
[window.CanvasRenderingContext2D, window.OffscreenCanvasRenderingContext2D].forEach((kind) => {
  if (!kind) return;
  const fillText = kind.prototype.fillText;
  kind.prototype.fillText = function (text, ...rest) {
    const rtl = /[\\u0590-\\u06FF\\uFB1D-\\uFEFF]/;
    if (rtl.test(text)) window.pipetuiRtlDrawn.push(text);
    return fillText.call(this, text, ...rest);
  };
});
"""
"""Records every string with Hebrew or Arabic letters the page draws on a canvas
(xterm.js draws the terminal's glyphs with fillText)."""


def children_of(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            if int(stat.read_text().rsplit(") ", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
    return found


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path, subprocess.Popen[str]]]:
    """`pipetui serve` for real, on a database in tmp_path filled by `pipetui demo`."""
    env = dict(
        os.environ,
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_STATE_HOME=str(tmp_path / "state"),
        PIPETUI_SERVE_TOKEN=TOKEN,
    )
    env.pop("PIPETUI_DB", None)
    db = tmp_path / "deals.db"
    subprocess.run([PIPETUI, "demo", "--db", str(db)], env=env, check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen(
        [PIPETUI, "serve", "--db", str(db), "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        first = server.stdout.readline()
        assert first.startswith("pipetui serve: open http://127.0.0.1:"), first
        url = first.split("open ", 1)[1].strip()
        assert url == f"http://127.0.0.1:{port}/?token={TOKEN}"
        yield url, db, server
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_browser_shows_the_board_and_L_moves_the_deal_in_the_database(served) -> None:
    try:
        executable = chromium.find()
    except chromium.Unavailable as reason:
        pytest.skip(str(reason))
    from playwright.sync_api import sync_playwright

    url, db, server = served
    before = stages_of_deals(db)
    received = bytearray()
    requested: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, args=chromium.LAUNCH_ARGS, headless=True
        )
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 800})
            page.on("request", lambda request: requested.append(request.url))
            page.on(
                "websocket",
                lambda socket: socket.on(
                    "framereceived",
                    lambda frame: received.extend(frame if isinstance(frame, bytes) else b""),
                ),
            )
            page.add_init_script(RECORD_RTL_DRAWING)
            page.goto(url)
            assert page.url == url.split("?")[0]  # the token left the address bar
            assert "token" not in page.url
            deadline = time.monotonic() + 20
            while b"Prospecting" not in received or b"Negotiation" not in received:
                assert time.monotonic() < deadline, "the board never arrived in the browser"
                page.wait_for_timeout(100)
            page.wait_for_timeout(300)  # (the app settles its focus after the first frame)

            # Hebrew and Arabic names arrive laid out by the app, in the order a
            # terminal draws its cells; the page must not reorder them again.
            # A canvas applies the bidi algorithm within each string it draws:
            # each one must be a single cell's letter, placed by the terminal.
            drawn = page.evaluate("() => window.pipetuiRtlDrawn")
            assert len(drawn) >= 10, drawn  # the demo's Hebrew and Arabic names were drawn
            assert all(len(text) == 1 for text in drawn), drawn

            # The app runs in a child of the server, started directly, with the
            # database in its environment, not on its command line.
            [child] = children_of(server.pid)
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")
            assert cmdline[:3] == [sys.executable.encode(), b"-m", b"pipetui.web.child"]
            assert not any(str(db).encode() in part for part in cmdline)
            environ = Path(f"/proc/{child}/environ").read_bytes().split(b"\0")
            assert f"PIPETUI_DB={db}".encode() in environ
            assert not any(part.startswith(b"PIPETUI_SERVE_TOKEN=") for part in environ)

            page.focus("textarea.xterm-helper-textarea")
            page.keyboard.press("Shift+L")
            deadline = time.monotonic() + 10
            while (after := stages_of_deals(db)) == before:
                assert time.monotonic() < deadline, "L moved no deal in the database"
                time.sleep(0.1)
            page.screenshot(path=str(db.with_name("board.png")))
        finally:
            browser.close()

    moved = {deal: (before[deal], after[deal]) for deal in before if before[deal] != after[deal]}
    assert len(moved) == 1, moved
    [(deal, ((pipeline, position, stage), (pipeline_after, position_after, stage_after)))] = (
        moved.items()
    )
    assert pipeline_after == pipeline
    assert position_after == position + 1  # the next stage
    assert history_to(db, deal)[-1] == (stage, stage_after)
    # Everything the page loaded came from the server itself.
    origin = url.split("/?")[0]
    assert requested and all(r.startswith(origin + "/") for r in requested), requested
