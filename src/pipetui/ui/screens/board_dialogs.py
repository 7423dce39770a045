"""The board's data and changes: reading columns in workers, running a change on
a deal (undoably, in a worker), the deal detail, the deal form (new and edit),
the pipeline picker and settings, and jumping to a deal from the palette.

The base of `BoardScreen`, which adds the columns' widgets and the key map.

Use cases are imported inside the methods that call them, not at the top: the
full store (SQLModel, SQLAlchemy) must not load before the first board frame.
The app imports them in a worker right after that frame, so by the time a key
needs one the import is a dictionary lookup.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual import work

from pipetui.domain.bant import CriterionAnswer
from pipetui.domain.board import BoardView, Card
from pipetui.domain.deal import DealStatus, DealView
from pipetui.domain.errors import ChangedElsewhere, ValidationError
from pipetui.services import board as board_service
from pipetui.services import clock
from pipetui.services.workspace import Workspace
from pipetui.ui.messages import BoardLoaded, DealChanged
from pipetui.ui.screens.journey_actions import JourneyActions
from pipetui.ui.screens.opener import open_screen
from pipetui.ui.widgets.deal_list import DealList
from pipetui.ui.widgets.stage_column import StageColumn

if TYPE_CHECKING:
    from pipetui.services.deals import DealDetail
    from pipetui.services.undo import UndoEntry
    from pipetui.ui.screens.bant_form import BantFormResult
    from pipetui.ui.screens.deal_form import DealFormResult


class BoardDialogs(JourneyActions):
    """What the board does to deals, and the screens it opens for that."""

    workspace: Workspace
    pipeline_id: int | None
    view: BoardView
    columns: dict[int, StageColumn]
    active: int | None
    _generation: int

    # -- loading ----------------------------------------------------------

    def load(self, *, only: set[int] | None = None, focus_deal: int | None = None) -> None:
        """Reload the board (or only some columns) in a worker."""
        self._load(
            self.pipeline_id, self.view, self.windows(), only, focus_deal, self.next_generation()
        )

    def next_generation(self) -> int:
        """A number for a new read, larger than every earlier one."""
        self._generation += 1
        return self._generation

    def windows(self) -> dict[int, tuple[int, int]]:
        """The page each column shows now, to reload just that."""
        return {sid: col.deal_list.window() for sid, col in self.columns.items()}

    @work(thread=True, exclusive=True, group="load")
    def _load(
        self,
        pipeline_id: int | None,
        view: BoardView,
        windows: dict[int, tuple[int, int]],
        only: set[int] | None,
        focus_deal: int | None,
        generation: int,
    ) -> None:
        self.post_message(self.fetch(pipeline_id, view, windows, only, focus_deal, generation))

    def fetch(
        self,
        pipeline_id: int | None,
        view: BoardView,
        windows: dict[int, tuple[int, int]],
        only: set[int] | None,
        focus_deal: int | None,
        generation: int,
    ) -> BoardLoaded:
        """Read what the board (or some columns) should show; called in workers."""
        data = board_service.load_board(
            self.workspace.reads,
            pipeline_id,
            view,
            thresholds=self.workspace.settings.bant,
            windows=windows,
            only=only,
            focus_deal=focus_deal,
        )
        return BoardLoaded(data, only is not None, focus_deal, data.focus_index, generation)

    async def show_loaded(self, message: BoardLoaded) -> None:
        """Show board data (BoardScreen implements it)."""
        raise NotImplementedError

    @property
    def deal_list(self) -> DealList | None:
        """The focused column's list."""
        column = self.columns.get(self.active) if self.active is not None else None
        return column.deal_list if column else None

    @property
    def card(self) -> Card | None:
        """The focused card."""
        return self.deal_list.current if self.deal_list else None

    def open_card(self) -> Card | None:
        """The focused card if its deal is open; else None, saying why."""
        card = self.card
        if card is not None and card.status is not DealStatus.OPEN:
            self.notify(f"This deal is already {card.status.value}", severity="warning")
            return None
        return card

    # -- changes ----------------------------------------------------------

    def _change(self, verb: str, change: Callable[..., Any], *, follow: bool) -> None:
        """Run a use case (`change(db, deal_id, seen_version=...)`) on the focused
        card's deal in a worker, undoably, refused if the deal is no longer what
        the card shows; "<verb> '<title>'" names it in the status line and undo."""
        card = self.card
        if card is not None:
            label = f"{verb} {card.title!r}"
            version = card.version
            # `workspace.db` is read in the worker: it may still be opening.
            self._run_change(
                card.deal_id,
                card.stage_id,
                label,
                lambda deal_id: change(self.workspace.db, deal_id, seen_version=version),
                follow,
            )

    def _run_change(
        self,
        deal_id: int,
        stage_id: int,
        label: str,
        change: Callable[[int], Any],
        follow: bool,
        on_error: Callable[[ValidationError], None] | None = None,
    ) -> None:
        """Start a change; what the worker needs of the screen is read here, on the
        event loop, not from the worker's thread."""
        state = (self.pipeline_id, self.view, self.windows(), self.next_generation())
        self._change_worker(deal_id, stage_id, label, change, follow, on_error, state)

    @work(thread=True, group="write")
    def _change_worker(
        self,
        deal_id: int,
        stage_id: int,
        label: str,
        change: Callable[[int], Any],
        follow: bool,
        on_error: Callable[[ValidationError], None] | None,
        state: tuple[int | None, BoardView, dict[int, tuple[int, int]], int],
    ) -> None:
        from pipetui.services.undo import undoable

        try:
            with self.app.own_write():  # type: ignore[attr-defined]
                result, entry = undoable(deal_id, label, lambda: change(deal_id))
        except ChangedElsewhere:
            self.app.call_from_thread(self.changed_elsewhere, label, deal_id)
            return
        except ValidationError as error:
            if on_error is not None:
                self.app.call_from_thread(on_error, error)
            else:
                self.app.call_from_thread(self.notify, error.message, severity="warning")
            return
        except Exception as error:  # the transaction rolled back; the app carries on
            self.app.call_from_thread(self.report_failure, error)
            return
        stage_ids = {stage_id}
        summary = getattr(result, "summary", None)
        note = f"{label}: {summary}" if summary else label
        undo_entry: UndoEntry | None = entry
        if not entry.changed:  # saved as it was: nothing to undo
            undo_entry, note = None, f"{note} (nothing changed)"
        if isinstance(result, tuple):
            result = result[0]
        if isinstance(result, DealView):
            stage_ids.add(result.deal.stage_id)
            if result.deal.stage_id != stage_id:
                note = f"{note} to {result.stage_name}"
        focus = deal_id if follow else None
        # Read the two columns in this same worker: one trip back to the screen.
        pipeline_id, view, windows, generation = state
        loaded = self.fetch(pipeline_id, view, windows, stage_ids, focus, generation)
        self.post_message(DealChanged(stage_ids, focus, undo_entry, note, loaded))

    def changed_elsewhere(self, label: str, deal_id: int) -> None:
        """Another window or a CLI changed the deal after this board read it:
        nothing was written; show the deal as it is now."""
        self.notify(
            f"Not {label}: it changed elsewhere, board refreshed. Nothing was written",
            severity="warning",
        )
        self.load(focus_deal=deal_id)

    def report_failure(self, error: Exception) -> None:
        """A write failed for a reason other than bad input (a locked or full
        database...): nothing was saved, and the user is told so."""
        self.notify(f"Nothing was saved: {error}", severity="error")

    async def on_deal_changed(self, message: DealChanged) -> None:
        """Keep the undo entry, say what happened, show the touched columns."""
        if message.undo is not None:
            self.app.push_undo(message.undo)  # type: ignore[attr-defined]
        undo_hint = " · u to undo" if message.undo is not None else ""
        self.notify(f"{message.note}{undo_hint}", timeout=3)
        if message.loaded is not None:
            await self.show_loaded(message.loaded)
        else:
            self.load(only=message.stage_ids, focus_deal=message.deal_id)

    def action_open_deal(self) -> None:
        """Open the focused deal's details."""
        if self.card:
            self._open_detail(self.card.deal_id)

    def read_detail(self, deal_id: int) -> DealDetail | None:
        """A deal's details, read in the calling worker; None (said why) when it
        is gone."""
        from pipetui.services import deals as deal_service

        try:
            return deal_service.show_deal(self.workspace.db, deal_id, self.workspace.settings)
        except ValidationError as error:
            self.app.call_from_thread(self.notify, error.message, severity="warning")
            return None

    @work(thread=True, group="read")
    def _open_detail(self, deal_id: int) -> None:
        detail = self.read_detail(deal_id)
        if detail is None:
            return
        now = clock.now()

        def then(action: str | None) -> None:
            if action == "qualify":
                self.bant_form(detail.view, detail.answers, None)

        from pipetui.ui.screens.deal_detail import DealDetailScreen

        self.app.call_from_thread(
            open_screen, self.app, lambda: DealDetailScreen(detail, now), then
        )

    def bant_form(
        self,
        view: DealView,
        answers: dict[str, CriterionAnswer],
        retry: tuple[BantFormResult, ValidationError] | None,
    ) -> None:
        """Open the BANT form (`BoardCustomer` does)."""
        raise NotImplementedError

    def action_new_deal(self) -> None:
        """A new deal in the focused column."""
        column = self.columns.get(self.deal_list.stage_id) if self.deal_list else None
        if column is None and self.columns:
            column = next(iter(self.columns.values()))
        if column is None:
            self.notify("Add a stage first (S)", severity="warning")
            return
        stage = column.summary.stage

        self._deal_form(f"New deal in {stage.name}", None, None, column, None)

    def _deal_form(
        self,
        heading: str,
        deal_id: int | None,
        view: DealView | None,
        column: StageColumn | None,
        retry: tuple[DealFormResult, ValidationError] | None,
    ) -> None:
        """Open the form (again, with what was typed and the error, after a save
        failed on something only the database could check, such as the contact)."""
        currency = self.workspace.settings.default_currency

        def save(result: DealFormResult | None) -> None:
            if result is None:
                return
            if deal_id is None and column is not None:
                self._add_deal(heading, column.summary.stage.id, result)
            elif deal_id is not None and view is not None:
                self._edit_deal(heading, deal_id, view, result)

        draft, error = (retry[0].raw, retry[1]) if retry else (None, None)
        from pipetui.ui.screens.deal_form import DealForm

        self.app.push_screen(DealForm(heading, currency, view, draft=draft, error=error), save)

    def _edit_deal(
        self, heading: str, deal_id: int, view: DealView, result: DealFormResult
    ) -> None:
        from pipetui.services import deals as deal_service

        self._run_change(
            deal_id,
            view.deal.stage_id,
            f"edited {result.title!r}",
            lambda deal_id: deal_service.edit_deal(
                self.workspace.db,
                deal_id,
                title=result.title,
                value=result.value,
                # Only a changed contact: the form shows a name, and a name may be
                # shared or look like an id.
                contact=result.contact if result.contact != (view.contact_name or "") else None,
                source=result.source,
                close_date=result.close_date,
                probability=result.probability,
                seen_version=view.deal.version,
            ),
            True,
            lambda error: self._deal_form(heading, deal_id, view, None, (result, error)),
        )

    @work(thread=True, group="write")
    def _add_deal(self, heading: str, stage_id: int, result: DealFormResult) -> None:
        from pipetui.services import deals as deal_service
        from pipetui.services.undo import undoable_added

        db = self.workspace.db
        label = f"added {result.title!r}"
        try:
            with self.app.own_write():  # type: ignore[attr-defined]
                added, entry = undoable_added(
                    label,
                    lambda: deal_service.add_deal(
                        db,
                        title=result.title,
                        value=result.value,
                        stage_id=stage_id,
                        contact=result.contact or None,
                        source=result.source,
                        close_date=result.close_date,
                        probability=result.probability,
                    ),
                )
                deal_id = added.view.deal.id
        except ValidationError as error:
            column = self.columns.get(stage_id)
            self.app.call_from_thread(self._deal_form, heading, None, None, column, (result, error))
            return
        except Exception as error:  # the transaction rolled back; the app carries on
            self.app.call_from_thread(self.report_failure, error)
            return
        note = label + (
            f" and new contact {added.created_contact!r}" if added.created_contact else ""
        )
        self.post_message(DealChanged({stage_id}, deal_id, entry, note))

    def action_edit_deal(self) -> None:
        """Edit the focused deal in the form."""
        if self.card:
            self._open_form(self.card.deal_id)

    @work(thread=True, group="read")
    def _open_form(self, deal_id: int) -> None:
        from pipetui.services import deals as deal_service

        db = self.workspace.db
        try:
            view = deal_service.show_deal(db, deal_id).view
        except ValidationError as error:
            self.app.call_from_thread(self.notify, error.message, severity="warning")
            return

        self.app.call_from_thread(
            self._deal_form, f"Edit deal #{deal_id}", deal_id, view, None, None
        )

    def action_switch_pipeline(self) -> None:
        """Pick another pipeline."""
        self._pick_pipeline()

    @work(thread=True, group="read")
    def _pick_pipeline(self) -> None:
        from pipetui.services.pipelines import list_pipelines
        from pipetui.ui.screens.pipeline_picker import PipelinePicker

        pipelines = [item.pipeline for item in list_pipelines(self.workspace.db)]
        self.app.call_from_thread(
            open_screen,
            self.app,
            lambda: PipelinePicker(pipelines, self.pipeline_id),
            self.show_pipeline,
        )

    def show_pipeline(self, pipeline_id: int | None) -> None:
        """Show another pipeline's board."""
        if pipeline_id is not None and pipeline_id != self.pipeline_id:
            self.pipeline_id = pipeline_id
            self.load()

    def jump_to_deal(self, deal_id: int, pipeline_id: int, closed: bool = False) -> None:
        """Show a deal's pipeline and put the cursor on it (from the palette).

        The filter is cleared, closed deals are shown if this one is closed, and
        everyone's deals (it may be a teammate's), so the deal is always there
        to land on.
        """
        self.pipeline_id = pipeline_id
        self.view = BoardView(self.view.show_closed or closed, "", user=self.view.user)
        self.load(focus_deal=deal_id)

    def action_pipeline_settings(self) -> None:
        """Add, rename, reorder and remove stages."""

        def done(_: object) -> None:
            self.load()

        from pipetui.ui.screens.pipeline_settings import PipelineSettings

        self.app.push_screen(PipelineSettings(self.workspace, self.pipeline_id), done)
