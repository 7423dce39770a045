"""Messages that cross from workers and screens to the board."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

from pipetui.services.board import BoardData

if TYPE_CHECKING:
    from pipetui.services.undo import PipelineUndoEntry, UndoEntry


@dataclass
class BoardLoaded(Message):
    """Fresh board data from a worker (all columns, or only `partial` ones)."""

    data: BoardData
    partial: bool = False
    focus_deal: int | None = None
    focus_index: int | None = None
    generation: int = 0
    """Which request this answers; older answers than what is shown are dropped."""
    screenful: bool = False
    """Only the cards one screen shows (the first frame's read): the board reads
    its whole pages after that frame."""


@dataclass
class DealChanged(Message):
    """A change went through: refresh `stage_ids`, focus `deal_id`, keep `undo`."""

    stage_ids: set[int]
    deal_id: int | None
    undo: UndoEntry | PipelineUndoEntry | None
    note: str
    loaded: BoardLoaded | None = None
    """The touched columns, already read in the worker that made the change."""


@dataclass
class DatabaseChanged(Message):
    """Another process (TUI or CLI) wrote to the database, or an undo did."""

    focus_deal: int | None = None
    """The deal to put the cursor on afterwards (the one an undo restored)."""
