"""Opening the TUI: on a database server, the first board is read while
Textual is imported.

The board's first frame waits for two things: Textual and the screens (an
import, CPU in this process) and the first board's rows. On a server most of
the read is the server's time: a new session's first queries load its
catalogue caches and plan from cold, in another process. So there the read
starts in a thread first and the import runs meanwhile; the app gets the rows
once both are done. This module imports no Textual, so the read starts before
that import.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from pipetui.domain.board import BoardView
from pipetui.services import board as board_service

if TYPE_CHECKING:
    from pipetui.services.board import BoardData
    from pipetui.services.workspace import Workspace


def first_view(workspace: Workspace) -> BoardView:
    """What the board shows first: in team mode (a database server) the user's
    own deals and the unowned ones, everyone's on an SQLite file (its one
    seller's); `m` switches (docs/decisions.md, "Team mode: users and owners")."""
    return BoardView(mine=workspace.is_server and workspace.user is not None, user=workspace.user)


def read_first_board(workspace: Workspace) -> BoardData:
    """The board a new session opens on: the first pipeline, its first pages."""
    return board_service.load_board(
        workspace.reads, None, first_view(workspace), thresholds=workspace.settings.bant, windows={}
    )


class FirstBoard:
    """`read_first_board` in a thread, started at once; `result()` waits for
    it and returns its rows, or raises what the read raised (as if it had been
    read here)."""

    def __init__(self, workspace: Workspace) -> None:
        self._workspace = workspace
        self._data: BoardData | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._read, name="first-board", daemon=True)
        self._thread.start()

    def _read(self) -> None:
        try:
            self._data = read_first_board(self._workspace)
        except BaseException as error:  # handed to the caller of result()
            self._error = error

    def result(self) -> BoardData:
        """The first board's rows, once read."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._data is not None
        return self._data


def run_app(workspace: Workspace) -> None:
    """Open the TUI on `workspace` and return when the user quits.

    On a server the first board is read in a thread while Textual is imported;
    on an SQLite file it is read after, in this thread: there the read is this
    process's own CPU, and sharing the GIL with the import measured slower
    (1,000 deals: 420 → 434 ms first frame; PostgreSQL at 100,000: 563 → 545).
    """
    if workspace.is_server:
        first = FirstBoard(workspace)
        from pipetui.ui.app import open_board  # Textual: imported while the board is read

        open_board(workspace, first.result())
        return
    from pipetui.ui.app import open_board

    open_board(workspace, read_first_board(workspace))
