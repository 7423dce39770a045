"""The app of one browser session: `python -m pipetui.web.child`, started by
the server with an argv list (no shell), Textual's web driver selected in its
environment, and the database location in PIPETUI_DB (never on its command
line, where `ps` would show a URL's password).

It is the board as `pipetui` opens it in a terminal, the same `run_app`;
only the terminal check of the CLI is skipped, since stdin and stdout are the
server's pipes here. The TUI is imported inside `main`, in this process only.
"""

from __future__ import annotations

import sys


def main() -> int:
    """Open the workspace named by the environment and run the TUI on it."""
    from pipetui.services.workspace import open_workspace

    try:
        workspace = open_workspace(None)
    except Exception as error:  # (told to the server, which logs the last line)
        sys.stderr.write(f"pipetui: error: cannot open the database: {error}\n")
        return 1
    from pipetui.services.settings import SettingsError
    from pipetui.ui.start import run_app

    try:
        run_app(workspace)
    except SettingsError as error:  # a [keymap] the screens refuse (ui/keymap.py)
        sys.stderr.write(f"pipetui: error: {error}\n")
        return 1
    finally:
        workspace.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
