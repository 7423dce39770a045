"""Undo for deal changes (move, won, lost, edit, delete) and pipeline edits, any
number of steps.

Around a change we capture every row it could touch, before and after; undo
restores the "before" rows exactly, but only if everything still is as the
change left it. Anything newer (a follow-up, an answer, a stage added from the
CLI or another window) makes undo refuse rather than destroy someone's work.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from pipetui.domain.errors import ValidationError
from pipetui.store import snapshots
from pipetui.store.database import Database

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class UndoEntry:
    """One undoable deal change: its name, the deal's rows before and after."""

    label: str
    before: snapshots.DealRows
    after: snapshots.DealRows


@dataclass(frozen=True, slots=True)
class PipelineUndoEntry:
    """One undoable pipeline/stage edit: its name, the rows before and after."""

    label: str
    before: snapshots.PipelineRows
    after: snapshots.PipelineRows


S = TypeVar("S")


def _around(db: Database, capture: Callable[[Any], S], change: Callable[[], T]) -> tuple[T, S, S]:
    """The rows `capture` reads, before and after running `change`."""
    with db.read() as conn:
        before = capture(conn)
    result = change()
    with db.read() as conn:
        after = capture(conn)
    return result, before, after


def undoable(
    db: Database, deal_id: int, label: str, change: Callable[[], T]
) -> tuple[T, UndoEntry]:
    """Run `change` (a service call on `deal_id`) and return its result with an
    entry that can undo it."""
    result, before, after = _around(db, lambda c: snapshots.capture(c, deal_id), change)
    return result, UndoEntry(label, before, after)


def added(db: Database, deal_id: int, label: str) -> UndoEntry:
    """An entry whose undo removes the deal just added (it did not exist before)."""
    with db.read() as conn:
        after = snapshots.capture(conn, deal_id)
    return UndoEntry(label, snapshots.DealRows(deal_id, None, {}, []), after)


def undoable_pipeline(
    db: Database, pipeline_id: int, label: str, change: Callable[[], T]
) -> tuple[T, PipelineUndoEntry]:
    """Run a stage or pipeline edit and return its result with an undo entry."""
    result, before, after = _around(
        db, lambda c: snapshots.capture_pipeline(c, pipeline_id), change
    )
    return result, PipelineUndoEntry(label, before, after)


@dataclass(frozen=True, slots=True)
class ContactUndoEntry:
    """One undoable contact deletion: the contact's rows before and after."""

    label: str
    before: snapshots.ContactRows
    after: snapshots.ContactRows


def undoable_contact(
    db: Database, contact_id: int, label: str, change: Callable[[], T]
) -> tuple[T, ContactUndoEntry]:
    """Run a change to a contact (its deletion) and return an entry to undo it."""
    result, before, after = _around(db, lambda c: snapshots.capture_contact(c, contact_id), change)
    return result, ContactUndoEntry(label, before, after)


AnyUndo = UndoEntry | PipelineUndoEntry | ContactUndoEntry


def undo(db: Database, entry: AnyUndo) -> None:
    """Take back one change, if nothing has changed since."""
    with db.write() as conn:
        if isinstance(entry, ContactUndoEntry):
            if snapshots.capture_contact(conn, entry.before.contact_id) != entry.after:
                raise ValidationError("undo", f"cannot undo {entry.label}: it changed since")
            blocker = snapshots.contact_blocker(conn, entry.before)
            if blocker is not None:
                raise ValidationError("undo", f"cannot undo {entry.label}: {blocker}")
            snapshots.restore_contact(conn, entry.before)
            return
        if isinstance(entry, PipelineUndoEntry):
            now_rows = snapshots.capture_pipeline(conn, entry.before.pipeline["id"])
            if now_rows != entry.after:
                raise ValidationError(
                    "undo", f"cannot undo {entry.label}: the pipeline or its deals changed since"
                )
            snapshots.restore_pipeline(conn, entry.before)
            return
        if snapshots.capture(conn, entry.before.deal_id) != entry.after:
            raise ValidationError("undo", f"cannot undo {entry.label}: the deal changed since")
        snapshots.restore(conn, entry.before)
