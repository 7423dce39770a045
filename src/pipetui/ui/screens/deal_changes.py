"""A change to one deal from the board (a move, won, lost, BANT, an edit...)
and the forms that ask for one: written undoably through
`pipetui.ui.writes.write`, with the columns it touched read in the same
thread, so the board gets them back in one trip.

The board's actions call these; use cases and forms are imported inside them
(none is needed for the first frame).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from typing import TYPE_CHECKING, Any

from pipetui.domain.deal import DealView
from pipetui.domain.errors import ChangedElsewhere, ValidationError
from pipetui.ui.messages import BoardLoaded
from pipetui.ui.writes import write

if TYPE_CHECKING:
    from pipetui.services.deals import DealDetail
    from pipetui.services.undo import UndoEntry
    from pipetui.store.database import Database
    from pipetui.ui.screens.board import BoardScreen
    from pipetui.ui.screens.deal_form import ContactLookup, DealFormResult


@dataclass(frozen=True)
class DealChange:
    """What to do to which deal, and how to name it."""

    deal_id: int
    stage_id: int
    """The stage the deal is in now (its column is read again)."""
    label: str
    """ "moved 'Audit'": in the status line and for undo."""
    change: Callable[[Database, int], Any]
    """The use case, as `change(db, deal_id)`."""
    follow: bool
    """Put the cursor on the deal afterwards."""


@dataclass(frozen=True)
class Done:
    """A change went through: what to say, and the touched columns read afresh."""

    note: str
    loaded: BoardLoaded


async def write_deal(
    board: BoardScreen, change: DealChange, *, show: Callable[[], bool] | bool = True
) -> bool:
    """Write `change`, keep its undo entry, say what happened and show its
    columns (unless not `show`, asked once the write is done: a later move of
    the same card will). A stale
    view (the deal changed elsewhere) is said and the board refreshed; any other
    refusal (ValidationError) is raised, for the caller to warn or to ask again
    in its form. True when the change went through."""
    # What the thread needs of the board is read here, on the event loop.
    pipeline_id, view = board.pipeline_id, board.view
    windows, generation = board.board_columns.windows(), board.next_generation()
    workspace = board.workspace

    def run() -> tuple[Done, UndoEntry | None]:
        from pipetui.services.undo import undoable

        deal_id, stage_id, label = change.deal_id, change.stage_id, change.label
        # `workspace.db` is read in the thread: it may still be opening.
        result, entry = undoable(deal_id, label, lambda: change.change(workspace.db, deal_id))
        stage_ids = {stage_id}
        summary = getattr(result, "summary", None)
        note = f"{label}: {summary}" if summary else label
        kept: UndoEntry | None = entry
        if not entry.changed:  # saved as it was: nothing to undo
            kept, note = None, f"{note} (nothing changed)"
        if isinstance(result, tuple):
            result = result[0]
        if isinstance(result, DealView):
            stage_ids.add(result.deal.stage_id)
            if result.deal.stage_id != stage_id:
                note = f"{note} to {result.stage_name}"
        focus = deal_id if change.follow else None
        loaded = board.fetch(pipeline_id, view, windows, stage_ids, focus, generation)
        return Done(note, loaded), kept

    try:
        done = await write(board.app, run, lambda d: d.note, ask_again=True, timeout=3)
    except ChangedElsewhere:
        # Another window or a CLI changed the deal after the board read it:
        # nothing was written; show the deal as it is now.
        board.notify(
            f"Not {change.label}: it changed elsewhere, board refreshed. Nothing was written",
            severity="warning",
        )
        board.load(focus_deal=change.deal_id)
        return False
    if done is not None and (show() if callable(show) else show):
        # Shown now, in the same turn of the event loop as the note the write
        # said: one frame with both, not two.
        await board.show_loaded(done.loaded)
    return done is not None


# -- the forms that ask for a change --------------------------------------
# Each is awaited in a worker of the board (`push_screen_wait`): asking again
# after a save the database refused is a loop, with what was typed and why.


async def read_detail(board: BoardScreen, deal_id: int) -> DealDetail | None:
    """A deal's details, read in a thread; None (said why) when it is gone."""
    from pipetui.services.deals import show_deal

    ws = board.workspace
    try:
        return await asyncio.to_thread(lambda: show_deal(ws.db, deal_id, ws.settings))
    except ValidationError as error:
        board.notify(error.message, severity="warning")
        return None


async def open_detail(board: BoardScreen, deal_id: int) -> None:
    """The deal's details; b there goes on to the BANT form."""
    from pipetui.services import clock
    from pipetui.ui.screens.deal_detail import DealDetailScreen

    detail = await read_detail(board, deal_id)
    if detail is None:
        return
    if await board.app.push_screen_wait(DealDetailScreen(detail, clock.now(), board)) == "qualify":
        # Read again: an action in the detail (e, L, r...) changed the deal
        # since `detail` was read, and the form saves with the version it saw.
        await qualify(board, deal_id)


async def qualify(board: BoardScreen, deal_id: int) -> None:
    """The BANT form for a deal."""
    detail = await read_detail(board, deal_id)
    if detail is not None:
        await ask_bant(board, detail)


async def ask_bant(board: BoardScreen, detail: DealDetail) -> None:
    """The BANT form, saved as a qualification or (ctrl+d) a disqualification."""
    from pipetui.services import qualification
    from pipetui.ui.screens.bant_form import BantForm

    deal = detail.view.deal
    thresholds = board.workspace.settings.bant
    form = partial(
        BantForm, deal.title, detail.answers, currency=deal.value.currency, thresholds=thresholds
    )
    asked = form()
    while (result := await board.app.push_screen_wait(asked)) is not None:
        use_case: Callable[..., Any]
        if result.disqualify:
            use_case, label = qualification.disqualify_deal, f"lost {deal.title!r}"
        else:
            use_case, label = qualification.qualify_deal, f"BANT for {deal.title!r}"
        change = partial(
            use_case, patch=result.patch, thresholds=thresholds, seen_version=deal.version
        )
        follow = board.view.show_closed if result.disqualify else True
        try:
            await write_deal(board, DealChange(deal.id, deal.stage_id, label, change, follow))
            return
        except ValidationError as error:
            asked = form(draft=result.draft, error=error)


async def new_deal(board: BoardScreen, stage: str, stage_id: int) -> None:
    """The deal form for a new deal in a stage."""
    from pipetui.ui.screens.deal_form import DealForm

    form = partial(
        DealForm,
        f"New deal in {stage}",
        board.workspace.settings.default_currency,
        contacts=contact_lookup(board),
    )
    asked = form()
    while (result := await board.app.push_screen_wait(asked)) is not None:
        try:
            await _add_deal(board, stage_id, result)
            return
        except ValidationError as error:
            asked = form(draft=result.raw, error=error)


def contact_lookup(board: BoardScreen) -> ContactLookup:
    """The deal form's questions about contacts, answered from the workspace's
    database (read in the form's threads: it may still be opening)."""
    from pipetui.services.contact_lookup import complete_contact_name, match_contact
    from pipetui.ui.screens.deal_form import ContactLookup

    ws = board.workspace
    return ContactLookup(
        complete=lambda typed: complete_contact_name(ws.db, typed),
        match=lambda text: match_contact(ws.db, text),
    )


async def _add_deal(board: BoardScreen, stage_id: int, result: DealFormResult) -> None:
    from pipetui.services import deals as deal_service
    from pipetui.services.undo import undoable_added

    label = f"added {result.title!r}"
    ws = board.workspace

    def add() -> Any:
        return deal_service.add_deal(
            ws.db,
            title=result.title,
            value=result.value,
            stage_id=stage_id,
            contact=result.contact or None,
            source=result.source,
            close_date=result.close_date,
            probability=result.probability,
            notes=result.notes,
            tags=result.tags,
            create_contact=result.new_contact,
        )

    def said(added: Any) -> str:
        new_contact = added.created_contact
        return label + (f" and new contact {new_contact!r}" if new_contact else "")

    def add_undoably() -> tuple[Any, UndoEntry]:
        added, entry = undoable_added(label, add)
        # Undo takes the new contact back too (if still unused then): say so.
        return added, replace(entry, label=said(added))

    added = await write(board.app, add_undoably, said, ask_again=True, timeout=3)
    if added is not None:
        board.load(only={stage_id}, focus_deal=added.view.deal.id)


async def edit_deal(board: BoardScreen, deal_id: int) -> None:
    """The deal form with a deal's fields."""
    from pipetui.services import deals as deal_service
    from pipetui.ui.screens.deal_form import DealForm

    ws = board.workspace
    try:
        view = (await asyncio.to_thread(lambda: deal_service.show_deal(ws.db, deal_id))).view
    except ValidationError as error:
        board.notify(error.message, severity="warning")
        return
    form = partial(
        DealForm,
        f"Edit deal #{deal_id}",
        ws.settings.default_currency,
        view,
        contacts=contact_lookup(board),
    )
    asked = form()
    while (result := await board.app.push_screen_wait(asked)) is not None:
        change = partial(
            deal_service.edit_deal,
            title=result.title,
            value=result.value,
            # Only a changed contact: the form shows a name, and a name may be
            # shared or look like an id.
            contact=result.contact if result.contact != (view.contact_name or "") else None,
            source=result.source,
            close_date=result.close_date,
            probability=result.probability,
            notes=result.notes,
            tags=result.tags,
            seen_version=view.deal.version,
            create_contact=result.new_contact,
        )
        label = f"edited {result.title!r}"
        if result.new_contact:
            label += f" and new contact {result.contact!r}"
        try:
            await write_deal(board, DealChange(deal_id, view.deal.stage_id, label, change, True))
            return
        except ValidationError as error:
            asked = form(draft=result.raw, error=error)


# -- the deal's contact -----------------------------------------------------


async def _card_contact(board: BoardScreen, deal_id: int) -> tuple[int, str] | None:
    """The deal's contact (id and name); None, said why, if it has none."""
    detail = await read_detail(board, deal_id)
    if detail is None:
        return None
    contact_id = detail.view.deal.contact_id
    if contact_id is None:
        board.notify("This deal has no contact (e adds one)", severity="warning")
        return None
    return contact_id, detail.view.contact_name or f"#{contact_id}"


async def log_touch(board: BoardScreen, deal_id: int) -> bool:
    """Log a touchpoint with the deal's contact, on the deal."""
    from pipetui.ui import actions

    contact = await _card_contact(board, deal_id)
    return contact is not None and await actions.log_touch(board.app, *contact, deal_id)


async def open_timeline(board: BoardScreen, deal_id: int) -> None:
    """The deal's contact's timeline."""
    from pipetui.ui.screens.timeline import TimelineScreen

    contact = await _card_contact(board, deal_id)
    if contact is not None:
        board.app.push_screen(TimelineScreen(board.workspace, contact[0]))
