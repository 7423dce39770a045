"""For every test: the process's local time zone is UTC (and `time.tzset` has
seen it), so local dates and times in output do not depend on the machine.
Tests about other zones set their own and put UTC back."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

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
