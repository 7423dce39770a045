"""What every screen on the customer's side can do in one key: log a
touchpoint (t), plan a follow-up (o), mark one done, delete a contact.

A mixin for screens with a `workspace`; writes run in thread workers and call
`after_change()` (the screen reloads what it shows) when they went through.
Each write goes on the window's undo stack, so `u` takes back this window's
newest change, whatever it was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from textual import work
from textual.screen import Screen

from pipetui.domain.errors import ValidationError
from pipetui.services.workspace import Workspace

if TYPE_CHECKING:
    from pipetui.services.undo import AnyUndo
    from pipetui.ui.screens.journey_forms import FollowUpResult, TouchResult


class JourneyActions(Screen[Any]):
    """Touchpoints, follow-ups and contact deletion from any screen."""

    workspace: Workspace

    def after_change(self) -> None:
        """Reload what the screen shows (each screen says how)."""

    def log_touch(self, contact_id: int, who: str, deal_id: int | None = None) -> None:
        """Ask for a touchpoint with contact `contact_id` (on `deal_id`) and log it
        (the user's own kinds are read first: the form completes and checks them)."""
        self._touch_form(contact_id, who, deal_id)

    @work(thread=True, group="read")
    def _touch_form(self, contact_id: int, who: str, deal_id: int | None) -> None:
        from pipetui.services.touchpoints import own_kinds
        from pipetui.ui.screens.journey_forms import touch_form

        kinds = own_kinds(self.workspace.db)

        def done(result: TouchResult | None) -> None:
            if result is not None:
                self._log_touch(contact_id, who, deal_id, result)

        self.app.call_from_thread(self.app.push_screen, touch_form(who, kinds), done)

    @work(thread=True, group="write")
    def _log_touch(self, contact_id: int, who: str, deal_id: int | None, r: TouchResult) -> None:
        from pipetui.domain.journey import kind_label
        from pipetui.services.touchpoints import log_touchpoint

        def write() -> Any:
            return log_touchpoint(
                self.workspace.db,
                contact=f"#{contact_id}",
                kind=r.kind,
                summary=r.summary,
                channel=r.channel,
                direction=r.direction,
                at=r.at,
                deal_id=deal_id,
                score=r.score,
            )

        self._write(write, lambda t: f"logged {kind_label(t.kind)} with {who!r}", "touchpoint")

    def plan_followup(
        self, about: str, *, deal_id: int | None = None, contact_id: int | None = None
    ) -> None:
        """Ask for a next step on a deal or a contact and add it."""
        from pipetui.ui.screens.journey_forms import followup_form

        def done(result: FollowUpResult | None) -> None:
            if result is not None:
                self._plan(about, deal_id, contact_id, result)

        self.app.push_screen(followup_form(about), done)

    @work(thread=True, group="write")
    def _plan(
        self, about: str, deal_id: int | None, contact_id: int | None, r: FollowUpResult
    ) -> None:
        from pipetui.services.followups import add_followup

        contact = None if contact_id is None else f"#{contact_id}"
        self._write(
            lambda: add_followup(
                self.workspace.db, title=r.title, due=r.due, deal_id=deal_id, contact=contact
            ),
            lambda f: f"next step for {about!r} on {f.due.isoformat()}: {f.title}",
            "followup",
        )

    @work(thread=True, group="write")
    def mark_done(self, followup_id: int, title: str) -> None:
        """Mark a follow-up done."""
        from pipetui.services.followups import complete_followup

        self._write(
            lambda: complete_followup(self.workspace.db, followup_id),
            lambda _: f"done: {title}",
            "followup",
            followup_id,
        )

    def _write(
        self,
        write: Callable[[], Any],
        said: Callable[[Any], str],
        table: str,
        row_id: int | None = None,
    ) -> None:
        """Run a write (in the calling worker) undoably, say what happened, reload.

        `table` and `row_id` name the row it changes (`row_id` None: it adds one)."""
        from pipetui.services.undo import undoable_row

        self.write_undoably(lambda: undoable_row(table, "", write, row_id=row_id), said)

    def write_undoably(
        self, write: Callable[[], tuple[Any, AnyUndo]], said: Callable[[Any], str]
    ) -> None:
        """Run `write` (returning its result and undo entry) in the calling worker,
        keep the entry for `u` under the name `said(result)`, say it, reload."""
        try:
            with self.app.own_write():  # type: ignore[attr-defined]
                result, entry = write()
        except ValidationError as error:
            self.app.call_from_thread(self.notify, error.message, severity="warning")
            return
        except Exception as error:  # the transaction rolled back; the app carries on
            self.app.call_from_thread(self.notify, f"Nothing was saved: {error}", severity="error")
            return
        label = said(result)
        self.app.call_from_thread(self.app.push_undo, replace(entry, label=label))  # type: ignore[attr-defined]
        self.app.call_from_thread(self.notify, f"{label[:1].upper()}{label[1:]} · u to undo")
        self.app.call_from_thread(self.after_change)
