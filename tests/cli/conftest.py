"""Fixtures for the CLI user stories: an isolated environment for every test,
`cli` (in-process, fresh database per test) and `script` (the installed command).
The helpers themselves live in cli_harness.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_harness import Cli, Script, isolated_env


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in isolated_env(tmp_path).items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("PIPETUI_DB", raising=False)


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(tmp_path / "p.db", capsys)


@pytest.fixture
def script(tmp_path: Path) -> Script:
    runner = Script(tmp_path)
    if not runner.path.exists():
        pytest.fail(f"the console script is not installed at {runner.path}")
    return runner

