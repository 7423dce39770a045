"""Screenshot the board as a browser shows it through `pipetui serve`.

Starts `pipetui serve` on a fresh demo database (frozen clock, as
make_screenshots.py), opens the printed link in Debian's headless Chromium
driven by Playwright, waits until the board has arrived over the websocket,
and writes screenshots/board-browser.png. Needs the test extra (playwright) and
`chromium` (apt-get install chromium). Run by hand; not part of `make test`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PIPETUI = str(Path(sys.executable).with_name("pipetui"))
FROZEN_NOW = "2026-11-20T10:00:00+00:00"  # the same clock as make_screenshots.py
OUT = HERE / "board-browser.png"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def main() -> int:
    """Serve, open, wait for the board, screenshot."""
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        sys.stderr.write("no chromium: apt-get install chromium\n")
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(
            os.environ,
            PIPETUI_NOW=FROZEN_NOW,
            XDG_CONFIG_HOME=f"{tmp}/config",
            XDG_DATA_HOME=f"{tmp}/data",
            XDG_STATE_HOME=f"{tmp}/state",
        )
        env.pop("PIPETUI_DB", None)
        db = f"{tmp}/demo.db"
        subprocess.run([PIPETUI, "demo", "--db", db], env=env, check=True, capture_output=True)
        server = subprocess.Popen(
            [PIPETUI, "serve", "--db", db, "--port", "8765"],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert server.stdout is not None
            url = server.stdout.readline().split("open ", 1)[1].strip()
            received = bytearray()
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=chromium, args=CHROMIUM_ARGS, headless=True
                )
                page = browser.new_page(viewport={"width": 1280, "height": 720})
                page.on(
                    "websocket",
                    lambda socket: socket.on(
                        "framereceived",
                        lambda frame: received.extend(frame if isinstance(frame, bytes) else b""),
                    ),
                )
                page.goto(url)
                deadline = time.monotonic() + 30
                while b"Negotiation" not in received and time.monotonic() < deadline:
                    page.wait_for_timeout(100)
                page.focus("textarea.xterm-helper-textarea")  # (the app shows its focus)
                page.wait_for_timeout(1500)
                page.screenshot(path=str(OUT))
                browser.close()
        finally:
            server.terminate()
            server.wait(10)
    print(f"wrote {OUT.relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
