"""Undo for deal changes (move, won, lost, edit, delete), any number of steps.

Before a change we capture the deal's rows; undo restores them exactly, unless
the deal changed again since (another window or the CLI), which is refused
rather than overwriting someone's newer work.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from pipetui.domain.errors import ValidationError
from pipetui.store import snapshots
from pipetui.store.database import Database

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class UndoEntry:
    """One undoable change: what it was called, the rows before, the state after."""

    label: str
    before: snapshots.DealRows
    updated_after: datetime | None


def undoable(
    db: Database, deal_id: int, label: str, change: Callable[[], T]
) -> tuple[T, UndoEntry]:
    """Run `change` (a service call on `deal_id`) and return its result with an
    entry that can undo it."""
    with db.read() as conn:
        before = snapshots.capture(conn, deal_id)
    result = change()
    with db.read() as conn:
        after = snapshots.updated_at(conn, deal_id)
    return result, UndoEntry(label, before, after)


def added(db: Database, deal_id: int, label: str) -> UndoEntry:
    """An entry whose undo removes the deal just added (it did not exist before)."""
    with db.read() as conn:
        after = snapshots.updated_at(conn, deal_id)
    return UndoEntry(label, snapshots.DealRows(deal_id, None, {}, []), after)


def undo(db: Database, entry: UndoEntry | PipelineUndoEntry) -> None:
    """Take back one change: a deal's, or a pipeline's stages."""
    if isinstance(entry, PipelineUndoEntry):
        undo_pipeline(db, entry)
        return
    with db.write() as conn:
        if snapshots.updated_at(conn, entry.before.deal_id) != entry.updated_after:
            raise ValidationError(
                "undo", f"cannot undo {entry.label}: the deal changed again since"
            )
        snapshots.restore(conn, entry.before)


@dataclass(frozen=True, slots=True)
class PipelineUndoEntry:
    """One undoable pipeline/stage edit: the rows before, the history mark after."""

    label: str
    before: snapshots.PipelineRows
    history_after: int


def undoable_pipeline(
    db: Database, pipeline_id: int, label: str, change: Callable[[], T]
) -> tuple[T, PipelineUndoEntry]:
    """Run a stage or pipeline edit and return its result with an undo entry."""
    with db.read() as conn:
        before = snapshots.capture_pipeline(conn, pipeline_id)
    result = change()
    with db.read() as conn:
        after = snapshots.history_max_id(conn)
    return result, PipelineUndoEntry(label, before, after)


def undo_pipeline(db: Database, entry: PipelineUndoEntry) -> None:
    """Restore the pipeline's stages and its deals' places as they were."""
    with db.write() as conn:
        if snapshots.history_max_id(conn) != entry.history_after:
            raise ValidationError("undo", f"cannot undo {entry.label}: deals moved since")
        snapshots.restore_pipeline(conn, entry.before)
