"""A `[keymap]` the board's screens refuse stops `pipetui` before the board
opens: the message names the setting and its line, the exit status is 2 (bad
input), and the terminal is left as it was (no board was drawn)."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

from cli_harness import Cli, isolated_env


def open_board(tmp_path: Path, config: Path, db: Path) -> tuple[int, str, str]:
    """`pipetui --db DB` on a pseudo-terminal with `config`: status, screen, stderr."""
    master, slave = pty.openpty()
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "pipetui"), "--db", str(db)],
        stdin=slave,
        stdout=slave,
        stderr=subprocess.PIPE,
        env={**os.environ, **isolated_env(tmp_path), "PIPETUI_CONFIG": str(config)},
        cwd=tmp_path,
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


def test_an_unknown_binding_id_in_the_keymap_stops_the_board_with_its_line(
    cli: Cli, tmp_path: Path
) -> None:
    cli.ok("deal", "add", "Kiosk rollout", "--value", "1200 USD")
    config = tmp_path / "config.toml"
    config.write_text('[keymap]\n"board.won" = "W"\n"board.wonn" = "V"\n', encoding="utf-8")
    status, screen, stderr = open_board(tmp_path, config, cli.db)
    assert status == 2
    assert 'keymap."board.wonn" (line 3): unknown binding id' in stderr
    assert 'did you mean "board.won"' in stderr
    assert "Kiosk rollout" not in screen  # the board never drew


def test_a_key_given_to_two_bindings_of_one_screen_is_refused(cli: Cli, tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[keymap]\n"board.won" = "x"\n', encoding="utf-8")
    status, _screen, stderr = open_board(tmp_path, config, cli.db)
    assert status == 2
    assert 'keymap."board.won" (line 2): "x" is also the key of "board.lost"' in stderr
