"""What the tests of `pipetui serve` share: a free port, the fake app, and a
handle on a running server."""

from __future__ import annotations

import json
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipetui.web.config import ServeConfig
from pipetui.web.guard import cookie_value
from pipetui.web.server import PipetuiServer

FAKE_APP = Path(__file__).with_name("fake_app.py")
TOKEN = "test-token-0123456789abcdef"
DB_URL = "postgresql://dana:s3cret-pw@db.internal/crm"


def free_port() -> int:
    """A port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Served:
    """A running server and what the tests need to talk to it."""

    config: ServeConfig
    server: PipetuiServer
    record: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.config.port}"

    @property
    def origin(self) -> str:
        return self.base

    @property
    def cookie(self) -> dict[str, str]:
        """The Cookie header a signed-in browser sends."""
        return {"Cookie": f"{self.config.cookie_name}={cookie_value(self.config.token)}"}

    def starts(self) -> list[dict[str, Any]]:
        """Every app started so far, as fake_app.py recorded it."""
        if not self.record.exists():
            return []
        return [json.loads(line) for line in self.record.read_text().splitlines()]
