"""Pipeline settings: add, rename, reorder and remove stages, set their
probability and rotting limit, create and rename pipelines. Every change is
validated by the service and undoable with u."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label

from pipetui.domain.errors import ValidationError
from pipetui.domain.pipeline import Stage, check_probability, check_rotting_days
from pipetui.domain.text import clean_text
from pipetui.services import inputs
from pipetui.services import pipelines as service
from pipetui.services.pipelines import PipelineWithStages
from pipetui.services.undo import undoable_pipeline
from pipetui.services.workspace import Workspace
from pipetui.ui import rtl
from pipetui.ui.messages import DatabaseChanged
from pipetui.ui.screens.opener import open_screen
from pipetui.ui.screens.pipeline_picker import StagePicker
from pipetui.ui.screens.prompt import PromptForm, Spec


@dataclass(frozen=True)
class StageValues:
    """Checked values of the stage form."""

    name: str
    probability: int
    rotting_days: int | None


def check_stage(values: dict[str, str]) -> StageValues:
    """Name required; probability 0–100; rotting days empty or at least 1."""
    name = values["name"].strip()
    if not name:
        raise ValidationError("name", "must not be empty")
    probability = inputs.whole_number(values["probability"], field="probability") or 0
    rotting = inputs.whole_number(values["rotting"], field="rotting")
    return StageValues(
        name,
        check_probability(probability),
        check_rotting_days(rotting, field="rotting"),
    )


def check_name(values: dict[str, str]) -> str:
    """A non-empty name."""
    if not values["name"].strip():
        raise ValidationError("name", "must not be empty")
    return values["name"]


STAGE_WIDTH = 36


def _b(key: str, action: str, description: str, show: bool = True) -> Binding:
    return Binding(key, action, description, show=show, id=f"stages.{action}")


class PipelineSettings(ModalScreen[None]):
    """The stages of one pipeline in a table, edited by keyboard."""

    BINDINGS = [
        _b("a", "add", "Add stage"),
        _b("e,enter", "edit", "Edit stage"),
        _b("K,shift+up", "move(-1)", "Move up"),
        _b("J,shift+down", "move(1)", "Move down"),
        _b("d,delete", "remove", "Remove stage"),
        _b("N", "new_pipeline", "New pipeline", show=False),
        _b("R", "rename_pipeline", "Rename pipeline", show=False),
        _b("escape,q", "close", "Back"),
        # A modal screen hides the app's keys, so undo is bound here too.
        Binding("u", "app.undo", "Undo", id="stages.undo"),
    ]

    def __init__(self, workspace: Workspace, pipeline_id: int | None) -> None:
        super().__init__(classes="form-screen")
        self.workspace = workspace
        self.pipeline_id = pipeline_id
        self.item: PipelineWithStages | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="form settings"):
            yield Label("", id="settings-title", markup=False)
            yield DataTable(cursor_type="row", zebra_stripes=True)
            yield Label(
                "a add · e edit · K/J move · d remove · N new pipeline · R rename · u undo",
                classes="form-help",
            )

    def on_mount(self) -> None:
        """Load the stages."""
        table = self.query_one(DataTable)
        table.add_column("#", width=3)
        table.add_column("Stage", width=STAGE_WIDTH)
        table.add_column("Probability", width=12)
        table.add_column("Rots after", width=12)
        self.reload()

    def on_database_changed(self, _message: DatabaseChanged) -> None:
        """An undo (or another process) changed the stages: show them again."""
        self.reload()

    @work(thread=True, exclusive=True, group="settings")
    def reload(self, select: int | None = None) -> None:
        """Read the pipeline's stages and show them."""
        items = service.list_pipelines(self.workspace.db)
        item = next((i for i in items if i.pipeline.id == self.pipeline_id), items[0])
        self.app.call_from_thread(self._show, item, select)

    def _show(self, item: PipelineWithStages, select: int | None) -> None:
        self.item = item
        self.pipeline_id = item.pipeline.id
        name = clean_text(item.pipeline.name, single_line=True)
        self.query_one("#settings-title", Label).update(rtl.sentence(f"Stages of {name}"))
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        for stage in item.stages:
            table.add_row(
                str(stage.position),
                # Cut here at its logical end, not by the table at its visual end.
                Content(rtl.field(clean_text(stage.name, single_line=True), STAGE_WIDTH)),
                f"{stage.probability} %",
                f"{stage.rotting_days} days" if stage.rotting_days else "never",
                key=str(stage.id),
            )
        ids = [s.id for s in item.stages]
        target = ids.index(select) if select in ids else min(row, len(ids) - 1)
        table.move_cursor(row=max(0, target))
        table.focus()

    @property
    def stage(self) -> Stage | None:
        """The stage under the cursor."""
        if self.item is None or not self.item.stages:
            return None
        row = self.query_one(DataTable).cursor_row
        return self.item.stages[min(row, len(self.item.stages) - 1)]

    def _apply(self, label: str, change: Callable[[], Any], select: int | None = None) -> None:
        if self.pipeline_id is not None:
            self._run(label, change, select)

    @work(thread=True, group="settings-write")
    def _run(self, label: str, change: Callable[[], Any], select: int | None) -> None:
        assert self.pipeline_id is not None
        try:
            with self.app.own_write():  # type: ignore[attr-defined]
                result, entry = undoable_pipeline(self.pipeline_id, label, change)
        except ValidationError as error:
            self.app.call_from_thread(self.notify, str(error), severity="warning")
            return
        except Exception as error:  # the transaction rolled back; the app carries on
            self.app.call_from_thread(self.notify, f"Nothing was saved: {error}", severity="error")
            return
        self.app.call_from_thread(self.app.push_undo, entry)  # type: ignore[attr-defined]
        self.app.call_from_thread(self.notify, f"{label} · u to undo", timeout=3)
        chosen = result.id if isinstance(result, Stage) else select
        self.reload(chosen)

    def _pipeline_name(self) -> str | None:
        return self.item.pipeline.name if self.item else None

    def action_add(self) -> None:
        """A new stage after the current one."""
        position = (self.stage.position + 1) if self.stage else 1
        pipeline = self._pipeline_name()

        def save(values: StageValues | None) -> None:
            if values is not None:
                self._apply(
                    f"added stage {values.name!r}",
                    lambda: service.add_stage(
                        self.workspace.db,
                        pipeline=pipeline,
                        name=values.name,
                        position=position,
                        probability=values.probability,
                        rotting_days=values.rotting_days,
                    ),
                )

        self.app.push_screen(PromptForm("New stage", _stage_specs(None), check_stage), save)

    def action_edit(self) -> None:
        """Rename the stage, set its probability and rotting limit."""
        stage = self.stage
        if stage is None:
            return

        def save(values: StageValues | None) -> None:
            if values is None:
                return

            self._apply(
                f"edited stage {values.name!r}",
                lambda: service.edit_stage(
                    self.workspace.db,
                    stage_id=stage.id,
                    name=values.name,
                    probability=values.probability,
                    rotting_days=values.rotting_days,
                ),
            )

        self.app.push_screen(PromptForm("Edit stage", _stage_specs(stage), check_stage), save)

    def action_move(self, delta: int) -> None:
        """Move the stage up or down one place."""
        stage, pipeline = self.stage, self._pipeline_name()
        if stage is None or self.item is None:
            return
        position = stage.position + delta
        if not 1 <= position <= len(self.item.stages):
            return
        self._apply(
            f"moved stage {stage.name!r}",
            lambda: service.move_stage(
                self.workspace.db, pipeline=pipeline, stage=stage.name, position=position
            ),
            select=stage.id,
        )

    def action_remove(self) -> None:
        """Remove the stage; if it has deals, first ask where they go."""
        if self.stage is not None:
            self._remove(self.stage)

    @work(thread=True, group="settings-write")
    def _remove(self, stage: Stage) -> None:
        assert self.item is not None
        pipeline = self._pipeline_name()
        others = [s for s in self.item.stages if s.id != stage.id]

        def remove(move_to: str | None) -> None:
            self._apply(
                f"removed stage {stage.name!r}",
                lambda: service.remove_stage(
                    self.workspace.db, pipeline=pipeline, stage=stage.name, move_to=move_to
                ),
            )

        if service.deals_in_stage(self.workspace.db, stage.id) == 0:
            self.app.call_from_thread(remove, None)
            return

        def picked(stage_id: int | None) -> None:
            if stage_id is not None:
                remove(next(s.name for s in others if s.id == stage_id))

        title = f"Remove {stage.name}: move its deals to…"
        self.app.call_from_thread(open_screen, self.app, lambda: StagePicker(title, others), picked)

    def action_new_pipeline(self) -> None:
        """Create a pipeline with the default stages and show it."""

        def save(name: str | None) -> None:
            if name is not None:
                self._create(name)

        self.app.push_screen(PromptForm("New pipeline", [Spec("name", "Name")], check_name), save)

    @work(thread=True, group="settings-write")
    def _create(self, name: str) -> None:
        try:
            with self.app.own_write():  # type: ignore[attr-defined]
                pipeline = service.add_pipeline(self.workspace.db, name=name)
        except ValidationError as error:
            self.app.call_from_thread(self.notify, str(error), severity="warning")
            return
        self.app.call_from_thread(self._switch_to, pipeline.id)

    def _switch_to(self, pipeline_id: int) -> None:
        self.pipeline_id = pipeline_id
        self.reload()

    def action_rename_pipeline(self) -> None:
        """Rename this pipeline."""
        current = self._pipeline_name()

        def save(name: str | None) -> None:
            if name is not None:
                self._apply(
                    f"renamed pipeline to {name!r}",
                    lambda: service.rename_pipeline(
                        self.workspace.db, pipeline=current, new_name=name
                    ),
                )

        spec = [Spec("name", "Name", current or "")]
        self.app.push_screen(PromptForm("Rename pipeline", spec, check_name), save)

    def action_close(self) -> None:
        """Back to the board."""
        self.dismiss(None)


def _stage_specs(stage: Stage | None) -> list[Spec]:
    return [
        Spec("name", "Name", stage.name if stage else ""),
        Spec("probability", "Win probability %", str(stage.probability) if stage else "0"),
        Spec(
            "rotting",
            "Rots after (days, empty: never)",
            str(stage.rotting_days) if stage and stage.rotting_days else "",
        ),
    ]
