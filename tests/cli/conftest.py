"""Fixtures for the CLI user stories: an isolated environment for every test and
`cli` (in-process, a fresh database per test). The helpers, including `Script`
for the installed command, live in cli_harness.py."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_harness import Cli, isolated_env

import pipetui.cli

# Building the argparse tree costs more than most commands (argparse looks up
# gettext catalogues for every subparser). A CLI process builds it once; so do
# the in-process tests, sharing one parser. `main()` itself runs unchanged.
_shared_parser = functools.cache(pipetui.cli.build_parser)


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in isolated_env(tmp_path).items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("PIPETUI_DB", raising=False)
    monkeypatch.setattr(pipetui.cli, "build_parser", _shared_parser)


@pytest.fixture
def cli(new_target: Callable[[str], str]) -> Cli:
    """The CLI on a new database of this run's engine (SQLite file or PostgreSQL)."""
    return Cli(new_target("p.db"))
