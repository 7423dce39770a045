"""Pipeline settings: add, rename, reorder and remove stages, set their
probability and rotting limit, create and rename pipelines. Every change is
validated by the service and undoable with u."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

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
from pipetui.ui.screens.confirm import ConfirmScreen
from pipetui.ui.screens.pipeline_picker import StagePicker
from pipetui.ui.screens.prompt import PromptForm, Spec
from pipetui.ui.writes import write

if TYPE_CHECKING:
    from textual import getters

    from pipetui.store.database import Database
    from pipetui.ui.app import PipetuiApp


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
        Binding("j", "cursor(1)", "Next stage", show=False, id="stages.down"),
        Binding("k", "cursor(-1)", "Previous stage", show=False, id="stages.up"),
        _b("K,shift+up", "move(-1)", "Move up"),
        _b("J,shift+down", "move(1)", "Move down"),
        _b("d,delete", "remove", "Remove stage"),
        _b("N", "new_pipeline", "New pipeline", show=False),
        _b("R", "rename_pipeline", "Rename pipeline", show=False),
        _b("escape", "close", "Back"),  # (q quits, as on every screen: the app's key)
        # A modal screen hides the app's keys, so undo is bound here too.
        Binding("u", "app.undo", "Undo", id="stages.undo"),
    ]

    if TYPE_CHECKING:
        app = getters.app(PipetuiApp)

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
                "j/k select · a add · e edit · K/J move · d remove · N new pipeline · "
                "R rename · u undo",
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

    async def _apply(
        self, label: str, change: Callable[[Database], Any], select: int | None = None
    ) -> None:
        """Write a change to this pipeline undoably, then show the stages again
        (the cursor on the stage it added, or on `select`)."""
        pipeline_id = self.pipeline_id
        if pipeline_id is None:
            return
        workspace = self.workspace
        result = await write(
            self.app,
            lambda: undoable_pipeline(pipeline_id, label, lambda: change(workspace.db)),
            lambda _: label,
            timeout=3,
        )
        if result is not None:
            self.reload(result.id if isinstance(result, Stage) else select)

    def _pipeline_name(self) -> str | None:
        return self.item.pipeline.name if self.item else None

    def action_add(self) -> None:
        """A new stage after the current one."""
        position = (self.stage.position + 1) if self.stage else 1
        self._add(self._pipeline_name(), position)

    @work(group="form")
    async def _add(self, pipeline: str | None, position: int) -> None:
        form = PromptForm("New stage", _stage_specs(None), check_stage)
        values = await self.app.push_screen_wait(form)
        if values is not None:
            await self._apply(
                f"added stage {values.name!r}",
                lambda db: service.add_stage(
                    db,
                    pipeline=pipeline,
                    name=values.name,
                    position=position,
                    probability=values.probability,
                    rotting_days=values.rotting_days,
                ),
            )

    def action_edit(self) -> None:
        """Rename the stage, set its probability and rotting limit."""
        if self.stage is not None:
            self._edit(self.stage)

    @work(group="form")
    async def _edit(self, stage: Stage) -> None:
        form = PromptForm("Edit stage", _stage_specs(stage), check_stage)
        values = await self.app.push_screen_wait(form)
        if values is not None:
            await self._apply(
                f"edited stage {values.name!r}",
                lambda db: service.edit_stage(
                    db,
                    stage_id=stage.id,
                    name=values.name,
                    probability=values.probability,
                    rotting_days=values.rotting_days,
                ),
            )

    def action_move(self, delta: int) -> None:
        """Move the stage up or down one place."""
        stage, pipeline = self.stage, self._pipeline_name()
        if stage is None or self.item is None:
            return
        position = stage.position + delta
        if 1 <= position <= len(self.item.stages):
            self._move(stage, pipeline, position)

    @work(group="write")
    async def _move(self, stage: Stage, pipeline: str | None, position: int) -> None:
        await self._apply(
            f"moved stage {stage.name!r}",
            lambda db: service.move_stage(
                db, pipeline=pipeline, stage=stage.name, position=position
            ),
            select=stage.id,
        )

    def action_cursor(self, delta: int) -> None:
        """j/k: the next or previous stage, as the arrows."""
        table = self.query_one(DataTable)
        if delta > 0:
            table.action_cursor_down()
        else:
            table.action_cursor_up()

    def action_remove(self) -> None:
        """Remove the stage, after asking; if it has deals, first ask where they go."""
        if self.stage is not None and self.item is not None:
            others = [s for s in self.item.stages if s.id != self.stage.id]
            self._remove(self.stage, self._pipeline_name(), others)

    @work(group="form")
    async def _remove(self, stage: Stage, pipeline: str | None, others: list[Stage]) -> None:
        workspace = self.workspace
        move_to: str | None = None
        count = await asyncio.to_thread(lambda: service.deals_in_stage(workspace.db, stage.id))
        name = clean_text(stage.name, single_line=True)
        if count:
            title = f"Remove {name}: move its deals to…"
            chosen = await self.app.push_screen_wait(StagePicker(title, others))
            if chosen is None:
                return
            move_to = next(s.name for s in others if s.id == chosen)
        if not await self.app.push_screen_wait(
            ConfirmScreen(removal_question(name, count, move_to))
        ):
            self.app.notify(f"Kept the stage {name}")
            return
        await self._apply(
            f"removed stage {stage.name!r}",
            lambda db: service.remove_stage(
                db, pipeline=pipeline, stage=stage.name, move_to=move_to
            ),
        )

    def action_new_pipeline(self) -> None:
        """Create a pipeline with the default stages and show it."""
        self._new_pipeline()

    @work(group="form")
    async def _new_pipeline(self) -> None:
        form = PromptForm("New pipeline", [Spec("name", "Name")], check_name)
        name = await self.app.push_screen_wait(form)
        if name is None:
            return
        workspace = self.workspace
        pipeline = await write(
            self.app, lambda: (service.add_pipeline(workspace.db, name=name), None)
        )
        if pipeline is not None:
            self.pipeline_id = pipeline.id
            self.reload()

    def action_rename_pipeline(self) -> None:
        """Rename this pipeline."""
        self._rename(self._pipeline_name())

    @work(group="form")
    async def _rename(self, current: str | None) -> None:
        spec = [Spec("name", "Name", current or "")]
        name = await self.app.push_screen_wait(PromptForm("Rename pipeline", spec, check_name))
        if name is not None:
            await self._apply(
                f"renamed pipeline to {name!r}",
                lambda db: service.rename_pipeline(db, pipeline=current, new_name=name),
            )

    def action_close(self) -> None:
        """Back to the board."""
        self.dismiss(None)


def removal_question(name: str, deals: int, move_to: str | None) -> str:
    """What removing a stage does, asked before it is done (u undoes it too)."""
    if not deals or move_to is None:
        return f"Remove the stage {name}? It holds no deals."
    target = clean_text(move_to, single_line=True)
    held = "1 deal" if deals == 1 else f"{deals:,} deals"
    return f"Remove the stage {name} and move its {held} to {target}?"


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
