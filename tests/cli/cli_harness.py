"""Driving `pipetui` as a user would, through its real entry point.

`Cli` calls `pipetui.cli.main([...])` in-process (fast) against one database;
`Script` runs the installed console script in a subprocess, for the few tests
that must prove the real entry point works. Both get a frozen clock, no settings
file, and HOME / XDG directories inside the test's tmp_path (`isolated_env`), so
the user's real data and config are never touched.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from pipetui.cli import main

NOW = "2026-11-20T10:00:00+00:00"
ERROR_PREFIX = "pipetui: error: "


@dataclass(frozen=True)
class Result:
    """What one command did: exit status, stdout and stderr."""

    code: int
    out: str
    err: str

    @property
    def json(self) -> Any:
        return json.loads(self.out)

    @property
    def err_lines(self) -> list[str]:
        return self.err.splitlines()


def isolated_env(tmp_path: Path) -> dict[str, str]:
    """The environment every pipetui run in these tests gets."""
    return {
        "PIPETUI_NOW": NOW,
        "PIPETUI_CONFIG": str(tmp_path / "none.toml"),
        "HOME": str(tmp_path / "home"),
        "XDG_DATA_HOME": str(tmp_path / "xdg-data"),
        "XDG_CONFIG_HOME": str(tmp_path / "xdg-config"),
    }


class Cli:
    """`cli("deal", "add", "x")` runs `pipetui --db <tmp db> deal add x` in-process."""

    def __init__(self, db: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.db = db
        self._capsys = capsys

    def __call__(self, *args: str, db: Path | None | bool = True) -> Result:
        """Run one command. `db=False` leaves --db out; a Path uses that database."""
        argv = list(args)
        if db is True:
            argv = ["--db", str(self.db), *argv]
        elif isinstance(db, Path):
            argv = ["--db", str(db), *argv]
        self._capsys.readouterr()
        try:
            code = main(argv)
        except SystemExit as exit_:  # argparse errors, --help, --version
            code = exit_.code if isinstance(exit_.code, int) else 1
        out, err = self._capsys.readouterr()
        return Result(code, out, err)

    def ok(self, *args: str) -> Result:
        """Run a command that must succeed silently on stderr."""
        result = self(*args)
        assert result.code == 0, result.err
        assert result.err == ""
        return result

    def json(self, *args: str) -> Any:
        """Run a command with --json and return what it printed, parsed."""
        return self.ok(*args, "--json").json

    def fails(self, *args: str, field: str) -> str:
        """Run a command that must be refused: exit 2, nothing on stdout, and one
        stderr line "pipetui: error: FIELD: message". Returns the message."""
        result = self(*args)
        assert result.code == 2, (result.code, result.out, result.err)
        assert result.out == ""
        assert len(result.err_lines) == 1, result.err
        line = result.err_lines[0]
        assert line.startswith(f"{ERROR_PREFIX}{field}: "), line
        return line.removeprefix(f"{ERROR_PREFIX}{field}: ")

    def usage_error(self, *args: str, mentions: str) -> str:
        """Run a command argparse refuses: exit 2, usage then "error:" naming the option."""
        result = self(*args)
        assert result.code == 2, (result.code, result.out, result.err)
        last = result.err_lines[-1]
        assert "error:" in last and mentions in last, result.err
        assert "Traceback" not in result.err
        return last

    def state(self) -> dict[str, Any]:
        """Everything a user can read back: deals (all statuses) and their
        history, contacts and their touchpoints, follow-ups (done too), pipelines."""
        contacts = self.json("contact", "list")
        deals = self.json("deal", "list", "--all")
        return {
            "deals": deals,
            "history": [self.deal(d["id"])["history"] for d in deals],
            "contacts": contacts,
            "touchpoints": [
                self.json("contact", "show", str(c["id"]))["touchpoints"] for c in contacts
            ],
            "followups": self.json("followup", "list", "--all"),
            "pipelines": self.json("pipeline", "list"),
        }

    @contextmanager
    def unchanged(self) -> Iterator[None]:
        """Assert that the block leaves everything a user can read back as it was."""
        before = self.state()
        yield
        assert self.state() == before

    def deal(self, deal_id: int) -> dict[str, Any]:
        """`deal show ID --json`."""
        result: dict[str, Any] = self.json("deal", "show", str(deal_id))
        return result

    def add_deal(self, title: str, *options: str) -> dict[str, Any]:
        """`deal add TITLE ... --json`."""
        result: dict[str, Any] = self.json("deal", "add", title, *options)
        return result


class Script:
    """The installed `pipetui` console script, run in a subprocess."""

    def __init__(self, tmp_path: Path) -> None:
        self.path = Path(sys.executable).parent / "pipetui"
        self.env = {**os.environ, **isolated_env(tmp_path)}
        self.env.pop("PIPETUI_DB", None)
        self.cwd = tmp_path

    def __call__(self, *args: str, env: dict[str, str] | None = None) -> Result:
        done = subprocess.run(
            [str(self.path), *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            env={**self.env, **(env or {})},
            cwd=self.cwd,
            timeout=60,
            check=False,
        )
        return Result(done.returncode, done.stdout, done.stderr)
