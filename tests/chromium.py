"""A headless Chromium for the browser test: Debian's `chromium`, installed
with apt-get when missing and running as root (as tests/pg_server.py does for
PostgreSQL), driven by Playwright's Python package (`executable_path`: no
browser download of Playwright's own).

`find()` returns the executable's path, or the reason none can be had (the
test then skips with that reason, and tests/web/conftest.py prints it in the
summary).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
"""As the machine notes say: without the background-networking switches,
Chromium hangs on lookups of Google's hosts in a closed network."""


def _which() -> str | None:
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def _install() -> str | None:
    """apt-get install chromium as root; the reason it cannot be had, or None."""
    if os.geteuid() != 0:
        return "Chromium not found, and not root to install it (apt-get install chromium)"
    if shutil.which("apt-get") is None:
        return "Chromium not found, and no apt-get to install it"
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for command in (
        ["apt-get", "update", "-qq"],
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium"],
    ):
        try:
            done = subprocess.run(
                command, env=env, capture_output=True, text=True, check=False, timeout=600
            )
        except subprocess.TimeoutExpired:
            return f"installing Chromium timed out: {' '.join(command)}"
        if done.returncode != 0:
            return f"installing Chromium failed: {' '.join(command)}: {done.stderr[-300:]}"
    return None


def find() -> str:
    """The Chromium executable to use; raises `Unavailable` with the reason."""
    try:
        import playwright  # noqa: F401
    except ImportError:
        raise Unavailable("playwright is not installed (the test extra has it)") from None
    found = _which()
    if found is None:
        reason = _install()
        if reason is not None:
            raise Unavailable(reason)
        found = _which()
        if found is None:
            raise Unavailable("apt-get installed chromium but no chromium executable is on PATH")
    return str(Path(found).resolve())


class Unavailable(Exception):
    """No Chromium can be had here: the message says why."""


_SUMMARY_DONE: Any = None


def summary(terminalreporter: Any) -> None:
    """One line in pytest's summary: whether the browser test ran in a real
    Chromium, or why it skipped (with pytest-xdist the workers' reports arrive
    here too). Called from tests/web/conftest.py's hook; once per run even if
    another conftest calls it as well."""
    global _SUMMARY_DONE
    if _SUMMARY_DONE is terminalreporter.config:
        return
    _SUMMARY_DONE = terminalreporter.config
    skipped = {
        str(report.longrepr[2]).removeprefix("Skipped: ")
        for report in terminalreporter.stats.get("skipped", [])
        if isinstance(report.longrepr, tuple) and "test_browser" in report.nodeid
    }
    for reason in sorted(skipped):
        terminalreporter.write_line(f"browser (Chromium) test SKIPPED: {reason}", yellow=True)
    ran = [
        report
        for report in terminalreporter.stats.get("passed", [])
        if "test_browser" in report.nodeid and report.when == "call"
    ]
    if ran:
        terminalreporter.write_line(
            f"browser test passed in headless Chromium ({len(ran)} run)", green=True
        )
