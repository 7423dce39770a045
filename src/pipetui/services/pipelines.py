"""Use cases for pipelines and stages: list, resolve by name, add/rename/move stages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipetui.domain.errors import ValidationError
from pipetui.domain.pipeline import (
    DEFAULT_STAGES,
    Pipeline,
    Stage,
    check_probability,
    check_rotting_days,
    check_stage_name,
    pick_pipeline,
    pick_stage,
)
from pipetui.services import clock
from pipetui.store import deals as deal_store
from pipetui.store import funnel_facts
from pipetui.store import pipelines as store
from pipetui.store.database import Database

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection


@dataclass(frozen=True, slots=True)
class PipelineWithStages:
    """A pipeline and its open stages in order."""

    pipeline: Pipeline
    stages: list[Stage]


def resolve_pipeline(conn: Connection, name: str | None) -> Pipeline:
    """The pipeline named `name` (any case), or the first one when None."""
    return pick_pipeline(store.pipelines(conn), name)


def resolve_stage(conn: Connection, pipeline_id: int, name: str | None) -> Stage:
    """The stage named `name` (any case) in a pipeline, or its first stage when None."""
    return pick_stage(store.stages(conn, pipeline_id), name)


def list_pipelines(db: Database) -> list[PipelineWithStages]:
    """Every pipeline with its stages."""
    with db.read() as conn:
        return [PipelineWithStages(p, store.stages(conn, p.id)) for p in store.pipelines(conn)]


def _stage_name(name: str) -> str:
    return check_stage_name(name)


def add_pipeline(db: Database, *, name: str) -> Pipeline:
    """A new pipeline with the default stages, ready to use."""
    cleaned = _stage_name(name)
    with db.write() as conn:
        if any(p.name.casefold() == cleaned.casefold() for p in store.pipelines(conn)):
            raise ValidationError("name", f"a pipeline called {cleaned!r} exists")
        pipeline_id = store.insert_pipeline(conn, name=cleaned, now=clock.now())
        for position, (stage, probability) in enumerate(DEFAULT_STAGES, start=1):
            store.insert_stage(
                conn,
                pipeline_id=pipeline_id,
                name=stage,
                position=position,
                probability=probability,
                rotting_days=None,
            )
        return store.get_pipeline(conn, pipeline_id)


def add_stage(
    db: Database,
    *,
    pipeline: str | None,
    name: str,
    position: int | None = None,
    probability: int = 0,
    rotting_days: int | None = None,
) -> Stage:
    """Insert a stage (at the end unless `position` is given)."""
    cleaned = _stage_name(name)
    check_probability(probability)
    check_rotting_days(rotting_days, field="rotting-days")
    with db.write() as conn:
        owner = resolve_pipeline(conn, pipeline)
        existing = store.stages(conn, owner.id)
        if any(s.name.casefold() == cleaned.casefold() for s in existing):
            raise ValidationError("name", f"{owner.name} already has a stage {cleaned!r}")
        last = len(existing) + 1
        if position is None:
            position = last
        if not 1 <= position <= last:
            raise ValidationError("position", f"must be between 1 and {last}")
        stage_id = store.insert_stage(
            conn,
            pipeline_id=owner.id,
            name=cleaned,
            position=position,
            probability=probability,
            rotting_days=rotting_days,
        )
        return store.get_stage(conn, stage_id)


def rename_stage(db: Database, *, pipeline: str | None, stage: str, new_name: str) -> Stage:
    """Give a stage a new name, unique within its pipeline."""
    cleaned = _stage_name(new_name)
    with db.write() as conn:
        owner = resolve_pipeline(conn, pipeline)
        target = resolve_stage(conn, owner.id, stage)
        for other in store.stages(conn, owner.id):
            if other.id != target.id and other.name.casefold() == cleaned.casefold():
                raise ValidationError("name", f"{owner.name} already has a stage {cleaned!r}")
        store.update_stage(conn, stage_id=target.id, name=cleaned)
        return store.get_stage(conn, target.id)


def move_stage(db: Database, *, pipeline: str | None, stage: str, position: int) -> list[Stage]:
    """Put a stage at another position; the others keep their order."""
    with db.write() as conn:
        owner = resolve_pipeline(conn, pipeline)
        ordered = store.stages(conn, owner.id)
        target = resolve_stage(conn, owner.id, stage)
        if not 1 <= position <= len(ordered):
            raise ValidationError("position", f"must be between 1 and {len(ordered)}")
        ids = [s.id for s in ordered if s.id != target.id]
        ids.insert(position - 1, target.id)
        store.set_positions(conn, order=ids)
        funnel_facts.rebuild(conn, [owner.id])  # which stage is "furthest" may change
        return store.stages(conn, owner.id)


def set_stage(
    db: Database,
    *,
    pipeline: str | None,
    stage: str,
    probability: int | None = None,
    rotting_days: int | None = None,
    clear_rotting: bool = False,
) -> Stage:
    """Change a stage's win probability and/or rotting limit."""
    changes: dict[str, object] = {}
    if probability is not None:
        changes["probability"] = check_probability(probability)
    if rotting_days is not None:
        changes["rotting_days"] = check_rotting_days(rotting_days, field="rotting-days")
    if clear_rotting:
        changes["rotting_days"] = None
    with db.write() as conn:
        owner = resolve_pipeline(conn, pipeline)
        target = resolve_stage(conn, owner.id, stage)
        if changes:
            store.update_stage(conn, stage_id=target.id, **changes)
        return store.get_stage(conn, target.id)


def rename_pipeline(db: Database, *, pipeline: str | None, new_name: str) -> Pipeline:
    """Give a pipeline a new name, unique among pipelines."""
    cleaned = _stage_name(new_name)
    with db.write() as conn:
        target = resolve_pipeline(conn, pipeline)
        for other in store.pipelines(conn):
            if other.id != target.id and other.name.casefold() == cleaned.casefold():
                raise ValidationError("name", f"a pipeline called {cleaned!r} exists")
        store.rename_pipeline(conn, pipeline_id=target.id, name=cleaned)
        return store.get_pipeline(conn, target.id)


def remove_stage(
    db: Database, *, pipeline: str | None, stage: str, move_to: str | None = None
) -> list[Stage]:
    """Remove a stage. Its deals (any status) move to `move_to` first, each move
    recorded in their history; a stage with deals and no `move_to` is refused."""
    now = clock.now()
    with db.write() as conn:
        owner = resolve_pipeline(conn, pipeline)
        target = resolve_stage(conn, owner.id, stage)
        remaining = [s for s in store.stages(conn, owner.id) if s.id != target.id]
        if not remaining:
            raise ValidationError("stage", "a pipeline keeps at least one stage")
        deal_ids = deal_store.ids_in_stage(conn, target.id)
        if deal_ids:
            if move_to is None:
                raise ValidationError(
                    "move-to", f"{target.name} has {len(deal_ids)} deals; say where they go"
                )
            destination = resolve_stage(conn, owner.id, move_to)
            if destination.id == target.id:
                raise ValidationError("move-to", "choose another stage than the one removed")
            for deal_id in deal_ids:
                deal = deal_store.get_deal(conn, deal_id)
                deal_store.move_to_stage(
                    conn, deal=deal, stage_id=destination.id, now=now, summary=False
                )
        store.update_stage(conn, stage_id=target.id, removed=True)
        store.set_positions(conn, order=[s.id for s in remaining])
        funnel_facts.rebuild(conn, [owner.id])  # positions changed: "furthest" may too
        return store.stages(conn, owner.id)


def deals_in_stage(db: Database, stage_id: int) -> int:
    """How many deals (any status) a stage holds."""
    with db.read() as conn:
        return deal_store.deals_in_stage(conn, stage_id)


def edit_stage(
    db: Database, *, stage_id: int, name: str, probability: int, rotting_days: int | None
) -> Stage:
    """Rename a stage and set its probability and rotting limit, in one step."""
    cleaned = _stage_name(name)
    check_probability(probability)
    check_rotting_days(rotting_days, field="rotting-days")
    with db.write() as conn:
        target = store.get_stage(conn, stage_id)
        for other in store.stages(conn, target.pipeline_id):
            if other.id != stage_id and other.name.casefold() == cleaned.casefold():
                raise ValidationError("name", f"this pipeline already has a stage {cleaned!r}")
        store.update_stage(
            conn,
            stage_id=stage_id,
            name=cleaned,
            probability=probability,
            rotting_days=rotting_days,
        )
        return store.get_stage(conn, stage_id)
