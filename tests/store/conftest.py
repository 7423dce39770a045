"""Fixtures for the store tests: a fresh database file in tmp_path per test, a
frozen clock, and HOME / XDG directories inside tmp_path so the user's real data
directory is never touched."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pipetui.store.database import Database, open_database

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIPETUI_NOW", NOW.isoformat())
    monkeypatch.setenv("PIPETUI_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.delenv("PIPETUI_DB", raising=False)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Where this test's database lives (not created yet)."""
    return tmp_path / "pipetui.db"


@pytest.fixture
def db(new_target: Callable[[str], str]) -> Iterator[Database]:
    """A new database at the latest schema with the default pipeline, on this
    run's engine (SQLite file or PostgreSQL)."""
    database = open_database(new_target("pipetui.db"), now=NOW)
    yield database
    database.dispose()
