"""For every test: the process's local time zone is UTC (and `time.tzset` has
seen it), so local dates and times in output do not depend on the machine.
Tests about other zones set their own and put UTC back."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest


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
