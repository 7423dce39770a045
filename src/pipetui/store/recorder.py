"""A hook into write transactions, for undo: the rows a use case touches are
read right after BEGIN and right before COMMIT, in that same transaction, so no
other writer's change can be mistaken for ours (DESIGN.md §5)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Protocol

from sqlalchemy.engine import Connection


class WriteRecorder(Protocol):
    """Watches the write transactions of one use case from inside them (undo's
    before/after capture), so nothing another writer does can slip in between."""

    def began(self, connection: Connection) -> None:
        """Called right after BEGIN, under the write lock, before the change."""

    def ending(self, connection: Connection) -> None:
        """Called after the change, just before COMMIT, still under the lock."""

    def created(self, table: str, row_id: int) -> None:
        """A row the change inserted (its id is known only once inserted)."""


_RECORDER: ContextVar[WriteRecorder | None] = ContextVar("pipetui_write_recorder", default=None)


@contextmanager
def recording(recorder: WriteRecorder) -> Iterator[WriteRecorder]:
    """Every `Database.write()` in this block (in this thread) reports to `recorder`."""
    token = _RECORDER.set(recorder)
    try:
        yield recorder
    finally:
        _RECORDER.reset(token)


def current_recorder() -> WriteRecorder | None:
    """The recorder `recording` set in this thread, or None."""
    return _RECORDER.get()


def note_created(table: str, row_id: int) -> None:
    """Tell the current recorder, if any, that this transaction inserted a row."""
    recorder = _RECORDER.get()
    if recorder is not None:
        recorder.created(table, row_id)
