"""For every test: the process's local time zone is UTC (and `time.tzset` has
seen it), so local dates and times in output do not depend on the machine.
Tests about other zones set their own and put UTC back."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import chromium
from db_targets import Targets


@pytest.fixture(autouse=True)
def _local_time_is_utc() -> Iterator[None]:
    before = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if before is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = before
    time.tzset()


@pytest.fixture
def in_new_york() -> None:
    """Local time is New York's for this test: summer time from 2026-03-08
    (02:00 jumps to 03:00) to 2026-11-01 (02:00 falls back to 01:00). The
    autouse fixture above puts the zone back."""
    os.environ["TZ"] = "America/New_York"
    time.tzset()


@pytest.fixture(autouse=True)
def _state_dir_in_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An unexpected error writes its details to errors.log in the user's state
    directory: in a test, that is inside the test's own tmp_path."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))


# --- Both engines -----------------------------------------------------------
# The store, services and CLI suites run on SQLite and on a real PostgreSQL
# server: a test that asks for the `backend` fixture (directly, or through the
# `new_target` / `db` fixtures) runs once per engine. `make test` needs nothing
# started by hand: the first PostgreSQL test starts a throwaway server
# (tests/pg_server.py) and the session stops it. Where no server can be had,
# those tests skip and the summary says why. PIPETUI_TEST_ENGINES=sqlite (or
# postgresql) runs one engine only.

ENGINES = tuple(
    name.strip()
    for name in os.environ.get("PIPETUI_TEST_ENGINES", "sqlite,postgresql").split(",")
    if name.strip()
)
_server_state: dict[str, object] = {}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "sqlite_only(reason): about SQLite itself (files, WAL, the light reader); "
        "runs on SQLite only",
    )
    config.addinivalue_line(
        "markers", "postgresql_only(reason): about the server engine; runs on PostgreSQL only"
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" not in metafunc.fixturenames:
        return
    engines = list(ENGINES)
    if metafunc.definition.get_closest_marker("sqlite_only"):
        engines = [e for e in engines if e == "sqlite"]
    if metafunc.definition.get_closest_marker("postgresql_only"):
        engines = [e for e in engines if e == "postgresql"]
    # Session scope: all SQLite runs first, then all PostgreSQL runs, and a
    # module-scoped fixture (a template database) can be made per engine.
    metafunc.parametrize("backend", engines, indirect=True, scope="session")


@pytest.fixture(scope="session")
def backend(request: pytest.FixtureRequest) -> str:
    """The engine this run of the test uses: "sqlite" or "postgresql"."""
    return str(request.param)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[object]:
    """The session's throwaway PostgreSQL server (started on first use)."""
    import pg_server as servers

    started = servers.start()
    if isinstance(started, str):
        _server_state["skipped"] = started
        pytest.skip(f"no PostgreSQL server: {started}")
    _server_state["server"] = started
    yield started
    started.stop()


@pytest.fixture
def new_target(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Targets]:
    """Make a new, empty database of this run's engine; its --db target: a
    file path in tmp_path for SQLite, a fresh database's URL on the server
    (dropped after the test). `new_target(name, copy_of=target)` copies one."""
    server = request.getfixturevalue("pg_server") if backend == "postgresql" else None
    targets = Targets(server, tmp_path)
    yield targets
    targets.drop()


@pytest.fixture(scope="module")
def module_target(
    backend: str, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[Targets]:
    """`new_target` for a module-scoped fixture (a template built once)."""
    server = request.getfixturevalue("pg_server") if backend == "postgresql" else None
    targets = Targets(server, tmp_path_factory.mktemp("module-db"))
    yield targets
    targets.drop()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Say plainly whether the PostgreSQL runs ran, or why they skipped (with
    pytest-xdist the workers' skips arrive here as reports)."""
    reasons = {
        str(report.longrepr[2]).removeprefix("Skipped: ")
        for report in terminalreporter.stats.get("skipped", [])
        if isinstance(report.longrepr, tuple) and "no PostgreSQL server" in report.longrepr[2]
    }
    skipped = _server_state.get("skipped")
    if skipped:
        reasons.add(f"no PostgreSQL server: {skipped}")
    for reason in sorted(reasons):
        terminalreporter.write_line(f"PostgreSQL tests SKIPPED: {reason}", yellow=True)
    ran = [
        report
        for report in terminalreporter.stats.get("passed", [])
        if "[postgresql" in report.nodeid
    ]
    if ran and not reasons:
        terminalreporter.write_line(
            f"{len(ran)} PostgreSQL test runs passed on a throwaway PostgreSQL server"
        )
    chromium.summary(terminalreporter)  # the browser test's line (tests/chromium.py)
