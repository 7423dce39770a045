"""`python -m pipetui` is the `pipetui` command: the same parser, the same
commands, the same exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def run_module(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m pipetui ARGS` in a clean environment rooted at `tmp_path`."""
    env = {
        **os.environ,
        "HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "PIPETUI_NOW": "2026-11-20T10:00:00+00:00",
    }
    env.pop("PIPETUI_DB", None)
    return subprocess.run(
        [sys.executable, "-m", "pipetui", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )


def test_python_m_pipetui_help_lists_the_commands(tmp_path: Path) -> None:
    result = run_module(tmp_path, "--help")

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: pipetui")
    for command in ("deal", "contact", "export", "backup"):
        assert command in result.stdout


def test_python_m_pipetui_adds_and_lists_a_deal_in_hebrew(tmp_path: Path) -> None:
    db = str(tmp_path / "deals.db")

    added = run_module(tmp_path, "deal", "add", "אתר חדש", "--value", "1200", "--db", db)
    listed = run_module(tmp_path, "deal", "list", "--json", "--db", db)

    assert added.returncode == 0, added.stderr
    assert listed.returncode == 0, listed.stderr
    assert [deal["title"] for deal in json.loads(listed.stdout)] == ["אתר חדש"]


def test_python_m_pipetui_exits_2_on_bad_input_like_the_command(tmp_path: Path) -> None:
    result = run_module(tmp_path, "deal", "add", "X", "--value", "lots", "--db", "x.db")

    assert result.returncode == 2
    assert result.stderr.startswith("pipetui: error:")
    assert "value" in result.stderr
