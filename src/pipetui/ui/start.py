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

import os
import sys
import threading
from typing import TYPE_CHECKING

from pipetui.domain.board import CARD_HEIGHT, BoardView
from pipetui.services import board as board_service

if TYPE_CHECKING:
    from pipetui.services.board import BoardData
    from pipetui.services.workspace import Workspace


def first_view(workspace: Workspace) -> BoardView:
    """What the board shows first: in team mode (a database server) the user's
    own deals and the unowned ones, everyone's on an SQLite file (its one
    seller's); `m` switches (docs/decisions.md, "Team mode: users and owners")."""
    return BoardView(mine=workspace.is_server and workspace.user is not None, user=workspace.user)


def read_first_board(workspace: Workspace, lines: int | None = None) -> BoardData:
    """The board a new session opens on: the first pipeline, its first pages;
    with `lines` (the terminal's height) only the cards that many lines can
    show in each column, and the board reads its whole pages after the first
    frame (`BoardLoaded.screenful`): at 160×50, 13 cards a column instead of
    40, and the first read 11 → 6 ms at 1,000 deals."""
    window = (0, lines // CARD_HEIGHT + 1) if lines else FIRST_PAGES
    return board_service.load_board(
        workspace.reads,
        None,
        first_view(workspace),
        thresholds=workspace.settings.bant,
        windows={},
        default_window=window,
    )


FIRST_PAGES = (0, 40)
"""Each column's first page when the terminal's height is not known."""


def terminal_lines() -> int | None:
    """The height of the terminal the board opens in, or None."""
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).lines if sys.__stdout__ else None
    except (OSError, ValueError):
        return None


class FirstBoard:
    """`read_first_board` in a thread, started at once; `result()` waits for
    it and returns its rows, or raises what the read raised (as if it had been
    read here)."""

    def __init__(self, workspace: Workspace, lines: int | None = None) -> None:
        self._workspace = workspace
        self._lines = lines
        self._data: BoardData | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._read, name="first-board", daemon=True)
        self._thread.start()

    def _read(self) -> None:
        try:
            self._data = read_first_board(self._workspace, self._lines)
        except BaseException as error:  # handed to the caller of result()
            self._error = error

    def result(self) -> BoardData:
        """The first board's rows, once read."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._data is not None
        return self._data


def one_malloc_arena() -> bool:
    """Let every thread of the TUI allocate from C's main heap (glibc only);
    whether glibc took the setting.

    glibc gives each new thread its own arena, up to 8 per core; the board's
    threads (key input, the warm-up that imports the full store, the readers
    and writers) each left one partly used. One arena: peak RSS of a board
    session 81.9 → 79.3 MiB at 100,000 deals (same figures as
    `MALLOC_ARENA_MAX=1`; benchmarks/bench.py's session, VmHWM). The threads
    take turns on the GIL anyway. Called before any thread starts; importing
    ctypes costs ≈1.5 ms, not measurable in the first frame (275 vs 278 ms
    median without, 11 interleaved runs).
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        if not os.confstr("CS_GNU_LIBC_VERSION"):
            return False
    except (ValueError, OSError):  # musl and others: no such name
        return False
    import ctypes

    m_arena_max = -8  # <malloc.h>
    try:
        return bool(ctypes.CDLL(None).mallopt(m_arena_max, 1))
    except (OSError, AttributeError):
        return False


def run_app(workspace: Workspace) -> None:
    """Open the TUI on `workspace` and return when the user quits.

    On a server the first board is read in a thread while Textual is imported;
    on an SQLite file it is read after, in this thread: there the read is this
    process's own CPU, and sharing the GIL with the import measured slower
    (1,000 deals: 420 → 434 ms first frame; PostgreSQL at 100,000: 563 → 545).
    """
    lines = terminal_lines()
    if workspace.is_server:
        first = FirstBoard(workspace, lines)
        from pipetui.ui.app import open_board  # Textual: imported while the board is read

        open_board(workspace, first.result(), screenful=lines is not None)
        return
    from pipetui.ui.app import open_board

    open_board(workspace, read_first_board(workspace, lines), screenful=lines is not None)
