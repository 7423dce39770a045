"""Undo, any number of steps, for what this window did: deal changes (add, move,
won, lost, reopen, edit, delete, BANT), pipeline edits, contacts added, edited
or deleted, touchpoints logged and follow-ups added or done.

The rows a change can touch are read inside the change's own write transaction,
right after BEGIN and right before COMMIT (`pipetui.store.recorder`), so another
writer's change can never be taken for ours. Undo then checks and restores in
one write transaction: it puts the "before" rows back only if everything still
is exactly as the change left it, and refuses otherwise, so it never destroys
someone else's work (DESIGN.md §5).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy.engine import Connection

from pipetui.domain.errors import ValidationError
from pipetui.store import snapshots
from pipetui.store.database import Database
from pipetui.store.recorder import recording

T = TypeVar("T")
S = TypeVar("S")

NewRows = Mapping[str, list[int]]
"""The ids of the rows a change inserted, by table name."""


class _Capture(Generic[S]):
    """Reads the rows a change can touch inside its write transaction."""

    def __init__(self, capture: Callable[[Connection, NewRows], S | None]) -> None:
        self._capture = capture
        self.new_rows: dict[str, list[int]] = {}
        self.before: S | None = None
        self.after: S | None = None
        self.transactions = 0

    def began(self, connection: Connection) -> None:
        """Read the "before" rows: nothing can have changed them since BEGIN."""
        self.transactions += 1
        if self.transactions > 1:  # a second transaction could not be undone as one
            raise RuntimeError("an undoable change must run in one write transaction")
        self.before = self._capture(connection, {})

    def ending(self, connection: Connection) -> None:
        """Read the "after" rows, still under the write lock."""
        self.after = self._capture(connection, self.new_rows)

    def created(self, table: str, row_id: int) -> None:
        """Remember a row the change inserted."""
        self.new_rows.setdefault(table, []).append(row_id)


def _run(
    capture: Callable[[Connection, NewRows], S | None], change: Callable[[], T]
) -> tuple[T, S | None, S | None]:
    """Run `change` with its rows captured inside its transaction."""
    recorder: _Capture[S] = _Capture(capture)
    with recording(recorder):
        result = change()
    return result, recorder.before, recorder.after


@dataclass(frozen=True, slots=True)
class UndoEntry:
    """One undoable deal change: its name, the deal's rows before and after,
    and the contacts the change created for it (typing a new name in the deal
    form's Contact field), as they were when it committed."""

    label: str
    before: snapshots.DealRows
    after: snapshots.DealRows
    created_contacts: tuple[snapshots.ContactRows, ...] = ()

    @property
    def changed(self) -> bool:
        """False when the change left every row as it was (nothing to undo)."""
        return self.before != self.after


_DealCapture = tuple[snapshots.DealRows, tuple[snapshots.ContactRows, ...]]


def _with_contacts(conn: Connection, new: NewRows, deal_id: int) -> _DealCapture:
    """The deal's rows, and those of every contact the change created (none
    at BEGIN: `new` is filled only by then)."""
    made = tuple(snapshots.capture_contact(conn, i) for i in new.get("contact", []))
    return snapshots.capture(conn, deal_id), made


def undoable(deal_id: int, label: str, change: Callable[[], T]) -> tuple[T, UndoEntry]:
    """Run `change` (a service call on `deal_id`, one write transaction) and
    return its result with an entry that can undo it."""
    result, before, after = _run(lambda c, new: _with_contacts(c, new, deal_id), change)
    if before is None or after is None:
        raise RuntimeError("an undoable change must write")
    return result, UndoEntry(label, before[0], after[0], after[1])


def undoable_added(label: str, change: Callable[[], T]) -> tuple[T, UndoEntry]:
    """Run a change that adds a deal; its undo removes the deal again (and the
    contact it created for it, if nobody used that contact since)."""

    def capture(conn: Connection, new: NewRows) -> _DealCapture | None:
        return _with_contacts(conn, new, new["deal"][0]) if new.get("deal") else None

    result, _before, after = _run(capture, change)
    if after is None:
        raise RuntimeError("the change added no deal")
    rows, made = after
    return result, UndoEntry(label, snapshots.DealRows(rows.deal_id, None, {}, []), rows, made)


@dataclass(frozen=True, slots=True)
class PipelineUndoEntry:
    """One undoable pipeline/stage edit: its name, the rows before and after."""

    label: str
    before: snapshots.PipelineRows
    after: snapshots.PipelineRows


def undoable_pipeline(
    pipeline_id: int, label: str, change: Callable[[], T]
) -> tuple[T, PipelineUndoEntry]:
    """Run a stage or pipeline edit and return its result with an undo entry."""
    result, before, after = _run(lambda c, _new: snapshots.capture_pipeline(c, pipeline_id), change)
    if before is None or after is None:
        raise RuntimeError("an undoable change must write")
    return result, PipelineUndoEntry(label, before, after)


@dataclass(frozen=True, slots=True)
class ContactUndoEntry:
    """One undoable contact deletion: the contact's rows before and after."""

    label: str
    before: snapshots.ContactRows
    after: snapshots.ContactRows


def undoable_contact(
    contact_id: int, label: str, change: Callable[[], T]
) -> tuple[T, ContactUndoEntry]:
    """Run a change to a contact (its deletion) and return an entry to undo it."""
    result, before, after = _run(lambda c, _new: snapshots.capture_contact(c, contact_id), change)
    if before is None or after is None:
        raise RuntimeError("an undoable change must write")
    return result, ContactUndoEntry(label, before, after)


def undoable_contact_added(label: str, change: Callable[[], T]) -> tuple[T, ContactUndoEntry]:
    """Run a change that adds a contact; its undo removes the contact again
    (refused once anything was logged for them or they were edited)."""

    def capture(conn: Connection, new: NewRows) -> snapshots.ContactRows | None:
        added = new.get("contact")
        return snapshots.capture_contact(conn, added[0]) if added else None

    result, _before, after = _run(capture, change)
    if after is None:
        raise RuntimeError("the change added no contact")
    nothing = snapshots.ContactRows(after.contact_id, None, [], [], [])
    return result, ContactUndoEntry(label, nothing, after)


@dataclass(frozen=True, slots=True)
class RowUndoEntry:
    """One undoable touchpoint or follow-up change: that one row before (None:
    it was added) and after."""

    label: str
    table: str
    row_id: int
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def undoable_row(
    table: str, label: str, change: Callable[[], T], *, row_id: int | None = None
) -> tuple[T, RowUndoEntry]:
    """Run a change that adds a row of `table` (`row_id` None) or changes row
    `row_id`, and return an entry that takes it back."""

    def capture(conn: Connection, new: NewRows) -> tuple[int, dict[str, Any] | None] | None:
        added = new.get(table)
        target = row_id if row_id is not None else (added[0] if added else None)
        return None if target is None else (target, snapshots.capture_row(conn, table, target))

    result, before, after = _run(capture, change)
    if after is None:
        raise RuntimeError(f"the change wrote no {table}")
    return result, RowUndoEntry(label, table, after[0], before[1] if before else None, after[1])


AnyUndo = UndoEntry | PipelineUndoEntry | ContactUndoEntry | RowUndoEntry


def undo(db: Database, entry: AnyUndo) -> None:
    """Take back one change, if nothing has changed since; else refuse, naming it."""
    with db.write() as conn:
        blocker = _blocker(conn, entry)
        if blocker is not None:
            raise ValidationError("undo", f"cannot undo {entry.label}: {blocker}")
        if isinstance(entry, ContactUndoEntry):
            snapshots.restore_contact(conn, entry.before)
        elif isinstance(entry, PipelineUndoEntry):
            snapshots.restore_pipeline(conn, entry.before)
        elif isinstance(entry, RowUndoEntry):
            snapshots.restore_row(conn, entry.table, entry.row_id, entry.before)
        else:
            # A contact the change created goes too, but only if it is still
            # exactly as created: not edited, with no touchpoint, follow-up or
            # other deal since (else it is someone's data now, and stays).
            unused = [
                made.contact_id
                for made in entry.created_contacts
                if snapshots.capture_contact(conn, made.contact_id) == made
            ]
            snapshots.restore(conn, entry.before)
            for contact_id in unused:
                snapshots.restore_contact(conn, snapshots.ContactRows(contact_id, None, [], [], []))


def _blocker(conn: Connection, entry: AnyUndo) -> str | None:
    """Why `entry` cannot be undone now (read under the write lock), or None."""
    if isinstance(entry, ContactUndoEntry):
        if snapshots.capture_contact(conn, entry.before.contact_id) != entry.after:
            return "it changed since"
        if entry.after.contact is not None:  # an edit or an addition: nothing was unlinked
            return None
        return snapshots.contact_blocker(conn, entry.before)
    if isinstance(entry, PipelineUndoEntry):
        if snapshots.capture_pipeline(conn, entry.before.pipeline["id"]) != entry.after:
            return "the pipeline or its deals changed since"
        return None
    if isinstance(entry, RowUndoEntry):
        if snapshots.capture_row(conn, entry.table, entry.row_id) != entry.after:
            return "it changed since"
        return None
    if snapshots.capture(conn, entry.before.deal_id) != entry.after:
        return "the deal changed since"
    return None
