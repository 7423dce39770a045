"""Messages that cross from workers and screens to the board.

Each sets its fields in its own `__init__`, as Textual's messages do, rather
than being a dataclass: a dataclass's methods are compiled from source when
its module is imported (~1.4 M instructions a message on CPython 3.11), and
the board's first frame imports these (issue 21).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

from pipetui.services.board import BoardData

if TYPE_CHECKING:
    from pipetui.services.undo import PipelineUndoEntry, UndoEntry


class BoardLoaded(Message):
    """Fresh board data from a worker (all columns, or only `partial` ones)."""

    def __init__(
        self,
        data: BoardData,
        partial: bool = False,
        focus_deal: int | None = None,
        focus_index: int | None = None,
        generation: int = 0,
        screenful: bool = False,
    ) -> None:
        self.data = data
        self.partial = partial
        self.focus_deal = focus_deal
        self.focus_index = focus_index
        self.generation = generation
        """Which request this answers; older answers than what is shown are dropped."""
        self.screenful = screenful
        """Only the cards one screen shows (the first frame's read): the board
        reads its whole pages after that frame."""
        super().__init__()


class DealChanged(Message):
    """A change went through: refresh `stage_ids`, focus `deal_id`, keep `undo`."""

    def __init__(
        self,
        stage_ids: set[int],
        deal_id: int | None,
        undo: UndoEntry | PipelineUndoEntry | None,
        note: str,
        loaded: BoardLoaded | None = None,
    ) -> None:
        self.stage_ids = stage_ids
        self.deal_id = deal_id
        self.undo = undo
        self.note = note
        self.loaded = loaded
        """The touched columns, already read in the worker that made the change."""
        super().__init__()


class DatabaseChanged(Message):
    """Another process (TUI or CLI) wrote to the database, or an undo did."""

    def __init__(self, focus_deal: int | None = None) -> None:
        self.focus_deal = focus_deal
        """The deal to put the cursor on afterwards (the one an undo restored)."""
        super().__init__()
