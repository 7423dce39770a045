"""The one way a screen writes: off the event loop, as the app's own write,
undoable, and never crashing the app on a refused or failed change.

Every screen's change goes through `write`: the board's deal changes, the
customer-side actions (`pipetui.ui.actions`), pipeline settings and undo itself.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, TypeVar

from pipetui.domain.errors import ValidationError

if TYPE_CHECKING:
    from pipetui.services.undo import AnyUndo
    from pipetui.ui.app import PipetuiApp

T = TypeVar("T")

UNDO_HINT = " · u to undo"


async def write(
    app: PipetuiApp,
    change: Callable[[], tuple[T, AnyUndo | None]],
    said: Callable[[T], str] | None = None,
    *,
    ask_again: bool = False,
    failed: str = "Nothing was saved",
    timeout: float | None = None,
) -> T | None:
    """Run `change` (a use case returning its result and undo entry) in a thread,
    marked as the app's own write so the change watcher does not reload for it;
    back on the event loop keep the entry for `u`, say `said(result)` (with the
    undo hint when there is an entry) and return the result.

    A refusal (ValidationError, including a stale edit) is said as a warning and
    None returned; with `ask_again` it is raised instead, for the form that asked
    to show it at its field and ask again. Any other failure rolled the
    transaction back: "<failed>: <error>" is said and None returned.

    Once started, a change finishes in its thread even if the worker that awaits
    it is cancelled (its screen closed meanwhile); its undo entry is kept then
    too. The result is said and returned in the caller's turn of the event
    loop, so what the caller shows next is drawn in the same frame as the note.
    """
    loop = asyncio.get_running_loop()

    def run() -> tuple[T, AnyUndo | None]:
        with app.own_write():
            return change()

    # As `asyncio.to_thread`, keeping the thread's future to finish a cancelled write.
    writing = loop.run_in_executor(None, contextvars.copy_context().run, run)
    try:
        result, entry = await asyncio.shield(writing)
    except asyncio.CancelledError:
        writing.add_done_callback(partial(_keep_undo, app))
        raise
    except ValidationError as error:
        if ask_again:
            raise
        app.notify(error.message, severity="warning")
        return None
    except Exception as error:  # the transaction rolled back; the app carries on
        app.notify(f"{failed}: {error}", severity="error")
        return None
    if entry is not None:
        app.push_undo(entry)
    if said is not None:
        app.notify(said(result) + (UNDO_HINT if entry is not None else ""), timeout=timeout)
    return result


def _keep_undo(app: PipetuiApp, writing: asyncio.Future[tuple[object, AnyUndo | None]]) -> None:
    """A write whose worker was cancelled went through: `u` can still take it back."""
    if not writing.cancelled() and writing.exception() is None:
        _, entry = writing.result()
        if entry is not None:
            app.push_undo(entry)
