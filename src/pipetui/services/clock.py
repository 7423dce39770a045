"""The current time, in one place so tests, demos and screenshots can fix it.

`PIPETUI_NOW` (ISO 8601) freezes the clock for a process; tests and the
screenshot script use it, users never need to.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime

from pipetui.domain.dates import parse_datetime


def now() -> datetime:
    """Aware UTC now, or the frozen time from PIPETUI_NOW."""
    frozen = os.environ.get("PIPETUI_NOW")
    if frozen:
        return parse_datetime(frozen, field="PIPETUI_NOW")
    return datetime.now(UTC)


def today() -> date:
    """Today's date where the user is."""
    return now().astimezone().date()
