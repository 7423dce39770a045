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
import pty
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from pipetui.cli import main
from table_dump import dump_connection

NOW = "2026-11-20T10:00:00+00:00"
USER = "sam"
"""Who runs every command (PIPETUI_USER), unless a test says otherwise."""
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
        # Who works (`--as`): the same seller on any machine and either engine;
        # tests/cli/test_cli_owners.py takes it away to see the defaults.
        "PIPETUI_USER": USER,
    }


def table_dump(db: Path | str, *, versions: bool = True) -> dict[str, list[str]]:
    """Every row of every table of a database (a file path or a URL),
    order-independent: the part of "nothing was written" that the CLI cannot
    show (history, answers, kinds...). `versions=False` leaves out the deal and
    contact version counters (a copy starts them again), to compare a copy with
    its original."""
    target = str(db)
    url = target if "://" in target else f"sqlite:///{target}"
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            found = dump_connection(conn, versions=versions)
    finally:
        engine.dispose()
    return {table: sorted(repr(row) for row in rows) for table, rows in found.items()}


class Cli:
    """`cli("deal", "add", "x")` runs `pipetui --db <db> deal add x` in-process.

    `db` is a file path (SQLite) or a database URL (PostgreSQL): the `new_target`
    fixture makes one of the test's engine."""

    def __init__(self, db: Path | str) -> None:
        self.db = db

    @property
    def path(self) -> Path:
        """The SQLite file (for tests about files; they run on SQLite only)."""
        assert "://" not in str(self.db), "an SQLite-only test ran on a server"
        return Path(self.db)

    @property
    def url(self) -> str:
        """The database as an SQLAlchemy URL."""
        target = str(self.db)
        return target if "://" in target else f"sqlite:///{target}"

    def sql(self, statement: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
        """Run one SQL statement straight on the database, as another tool
        would (committed); its rows, if it returns any. `:name` parameters."""
        engine = create_engine(self.url, poolclass=NullPool)
        try:
            with engine.begin() as conn:
                result = conn.execute(text(statement), params or {})
                return [tuple(row) for row in result] if result.returns_rows else []
        finally:
            engine.dispose()

    def __call__(self, *args: str, db: Path | str | bool = True) -> Result:
        """Run one command. `db=False` leaves --db out; a path or URL uses that database."""
        argv = list(args)
        if db is True:
            argv = ["--db", str(self.db), *argv]
        elif isinstance(db, Path | str):
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


def on_terminal(
    argv: list[str], env: dict[str, str], cwd: Path, *, stdin: bool = False
) -> tuple[int, str, str]:
    """Run the installed `pipetui` with `argv`, its stdout (and stdin, when
    `stdin`) on a pseudo-terminal: its exit status, what it wrote to the
    terminal, and its stderr."""
    master, slave = pty.openpty()
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "pipetui"), *argv],
        stdin=slave if stdin else None,
        stdout=slave,
        stderr=subprocess.PIPE,
        env=env,
        cwd=cwd,
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the other end closed (Linux)
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    status = process.wait(timeout=60)
    stderr = process.stderr.read().decode() if process.stderr else ""
    return status, b"".join(chunks).decode("utf-8", "replace"), stderr
