"""Driving `pipetui` as a user would, through its real entry point.

`Cli` calls `pipetui.cli.main([...])` in-process (fast) against one database;
`Script` runs the installed console script in a subprocess, for the few tests
that must prove the real entry point works. Both get a frozen clock, no settings
file, and HOME / XDG directories inside the test's tmp_path (`isolated_env`), so
the user's real data and config are never touched.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing, contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
        "XDG_STATE_HOME": str(tmp_path / "xdg-state"),  # where errors.log goes
    }


def table_dump(db: Path, *, versions: bool = True) -> dict[str, list[str]]:
    """Every row of every table of an SQLite file, order-independent: the part of
    "nothing was written" that the CLI cannot show (history, answers, kinds...).
    `versions=False` leaves out the deal and contact version counters (a copy
    starts them again), to compare a copy with its original."""
    with closing(sqlite3.connect(db)) as conn:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]

        def select(table: str) -> str:
            columns = [row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')]
            kept = [f'"{c}"' for c in columns if versions or c != "version"]
            return f'SELECT {", ".join(kept)} FROM "{table}"'

        return {table: sorted(repr(row) for row in conn.execute(select(table))) for table in tables}


def copy_database(source: Path, destination: Path) -> None:
    """Copy a closed SQLite database with any WAL/SHM files beside it."""
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{source}{suffix}").exists():
            shutil.copy2(f"{source}{suffix}", f"{destination}{suffix}")  # modes too: 0600


class Cli:
    """`cli("deal", "add", "x")` runs `pipetui --db <db> deal add x` in-process."""

    def __init__(self, db: Path) -> None:
        self.db = db

    def __call__(self, *args: str, db: Path | bool = True) -> Result:
        """Run one command. `db=False` leaves --db out; a Path uses that database."""
        argv = list(args)
        if db is True:
            argv = ["--db", str(self.db), *argv]
        elif isinstance(db, Path):
            argv = ["--db", str(db), *argv]
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            try:
                code = main(argv)
            except SystemExit as exit_:  # argparse errors, --help, --version
                code = exit_.code if isinstance(exit_.code, int) else 1
        return Result(code, out.getvalue(), err.getvalue())

    def ok(self, *args: str) -> Result:
        """Run a command that must succeed with nothing on stderr."""
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
        """Run a command line argparse refuses (missing or unknown option...): exit 2,
        nothing on stdout, one line "pipetui: error: [COMMAND: ]... (see ... --help)"
        naming the option. Returns that line."""
        result = self(*args)
        assert result.code == 2, (result.code, result.out, result.err)
        assert result.out == ""
        assert len(result.err_lines) == 1, result.err
        line = result.err_lines[0]
        assert line.startswith(ERROR_PREFIX), line
        assert mentions in line, line
        assert line.endswith(" --help)"), line
        return line

    def state(self) -> dict[str, Any]:
        """What a user reads back (every deal, every contact) plus every row of
        every table, for "the database is unchanged"."""
        return {
            "deals": self.json("deal", "list", "--all"),
            "contacts": self.json("contact", "list"),
            "tables": table_dump(self.db),
        }

    @contextmanager
    def unchanged(self, before: dict[str, Any] | None = None) -> Iterator[None]:
        """Assert that the block leaves the database as it was (or as `before`)."""
        if before is None:
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
        return self.finish(self.start(*args, env=env))

    def start(self, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
        """Start a command without waiting: each start costs ~0.7 s of imports,
        so independent command lines are best run side by side."""
        return subprocess.Popen(
            [str(self.path), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            env={**self.env, **(env or {})},
            cwd=self.cwd,
        )

    @staticmethod
    def finish(process: subprocess.Popen[str]) -> Result:
        """Wait for a started command and collect what it did."""
        out, err = process.communicate(timeout=60)
        return Result(process.returncode, out, err)
