"""A `[keymap]` the board's screens refuse stops `pipetui` before the board
opens: the message names the setting and its line, the exit status is 2 (bad
input), and the terminal is left as it was (no board was drawn)."""

from __future__ import annotations

import os
from pathlib import Path

from cli_harness import Cli, isolated_env, on_terminal


def open_board(tmp_path: Path, config: Path, db: Path) -> tuple[int, str, str]:
    """`pipetui --db DB` on a pseudo-terminal with `config`: status, screen, stderr."""
    env = {**os.environ, **isolated_env(tmp_path), "PIPETUI_CONFIG": str(config)}
    return on_terminal(["--db", str(db)], env, tmp_path, stdin=True)


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
