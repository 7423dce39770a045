"""What every screen on the customer's side can do in one key: log a
touchpoint (t), plan a next step (o), mark one done (d), delete a contact.

Plain functions of the app, awaited from a screen's worker: each asks with its
form (awaited, `push_screen_wait`), writes through `pipetui.ui.writes.write`
(undoable: `u` takes back this window's newest change, whatever it was) and
returns whether something was written, so the screen reloads what it shows.

Use cases and forms are imported inside the functions: none of them is needed
for the first frame.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from pipetui.ui.writes import write

if TYPE_CHECKING:
    from pipetui.ui.app import PipetuiApp


def _said(label: str) -> str:
    return f"{label[:1].upper()}{label[1:]}"


async def _write_row(
    app: PipetuiApp,
    change: Callable[[], Any],
    label: Callable[[Any], str],
    table: str,
    row_id: int | None = None,
) -> bool:
    """Write one row (`row_id` None: add one) undoably, named `label(result)`."""
    from pipetui.services.undo import AnyUndo, undoable_row

    def run() -> tuple[Any, AnyUndo]:
        result, entry = undoable_row(table, "", change, row_id=row_id)
        return result, replace(entry, label=label(result))

    done = await write(app, run, lambda result: _said(label(result)))
    return done is not None


async def log_touch(app: PipetuiApp, contact_id: int, who: str, deal_id: int | None = None) -> bool:
    """Ask for a touchpoint with contact `contact_id` (on `deal_id`) and log it
    (the user's own kinds are read first: the form completes and checks them)."""
    from pipetui.domain.journey import kind_label
    from pipetui.services.touchpoints import log_touchpoint, own_kinds
    from pipetui.ui.screens.journey_forms import new_kind_form, touch_form

    workspace = app.workspace  # `.db` is read in threads: it may still be opening
    kinds = await asyncio.to_thread(lambda: own_kinds(workspace.db))
    r = await app.push_screen_wait(touch_form(who, kinds))
    if r is None:
        return False
    new_stage = await app.push_screen_wait(new_kind_form(r.kind)) if r.new_kind else None
    if r.new_kind and new_stage is None:
        return False
    return await _write_row(
        app,
        lambda: log_touchpoint(
            workspace.db,
            contact=f"#{contact_id}",
            kind=r.kind,
            summary=r.summary,
            channel=r.channel,
            direction=r.direction,
            at=r.at,
            deal_id=deal_id,
            score=r.score,
            new_kind_stage=new_stage,
        ),
        lambda t: f"logged {kind_label(t.kind)} with {who!r}",
        "touchpoint",
    )


async def plan_followup(
    app: PipetuiApp, about: str, *, deal_id: int | None = None, contact_id: int | None = None
) -> bool:
    """Ask for a next step on a deal or a contact and add it."""
    from pipetui.services.followups import add_followup
    from pipetui.ui.screens.journey_forms import followup_form

    r = await app.push_screen_wait(followup_form(about))
    if r is None:
        return False
    contact = None if contact_id is None else f"#{contact_id}"
    return await _write_row(
        app,
        lambda: add_followup(
            app.workspace.db, title=r.title, due=r.due, deal_id=deal_id, contact=contact
        ),
        lambda f: f"next step for {about!r} on {f.due.isoformat()}: {f.title}",
        "followup",
    )


async def mark_done(app: PipetuiApp, followup_id: int, title: str) -> bool:
    """Mark a follow-up done."""
    from pipetui.services.followups import complete_followup

    return await _write_row(
        app,
        lambda: complete_followup(app.workspace.db, followup_id),
        lambda _: f"done: {title}",
        "followup",
        followup_id,
    )


async def delete_contact(app: PipetuiApp, contact_id: int, name: str) -> bool:
    """Delete a contact, asking first when they have deals or touchpoints."""
    from pipetui.services.contacts import contact_use
    from pipetui.services.contacts import delete_contact as delete
    from pipetui.services.undo import undoable_contact
    from pipetui.ui.screens.confirm import ConfirmScreen

    workspace = app.workspace
    use = await asyncio.to_thread(lambda: contact_use(workspace.db, contact_id))
    if use.any:
        question = f"Delete {name!r}? They have {use.text()}. (u undoes it)"
        if not await app.push_screen_wait(ConfirmScreen(question)):
            return False
    label = f"deleted contact {name!r}"
    done = await write(
        app,
        lambda: undoable_contact(contact_id, label, lambda: delete(workspace.db, f"#{contact_id}")),
        lambda _: _said(label),
    )
    return done is not None
