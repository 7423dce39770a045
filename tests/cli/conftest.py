"""Fixtures for the CLI user stories: an isolated environment for every test,
`cli` (in-process, fresh database per test) and `script` (the installed command).
The helpers themselves live in cli_harness.py."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
from cli_harness import Cli, Script, isolated_env

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
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path / "p.db")


@pytest.fixture
def script(tmp_path: Path) -> Script:
    runner = Script(tmp_path)
    if not runner.path.exists():
        pytest.fail(f"the console script is not installed at {runner.path}")
    return runner
