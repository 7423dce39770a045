"""Queries and writes for pipelines and stages."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Connection

from pipetui.domain.errors import NotFoundError
from pipetui.domain.pipeline import Pipeline, Stage
from pipetui.store.tables import PIPELINE, STAGE

_STAGE_COLUMNS = (
    STAGE.c.id,
    STAGE.c.pipeline_id,
    STAGE.c.name,
    STAGE.c.position,
    STAGE.c.probability,
    STAGE.c.rotting_days,
)


def pipelines(conn: Connection) -> list[Pipeline]:
    """Every pipeline in display order."""
    rows = conn.execute(
        select(PIPELINE.c.id, PIPELINE.c.name).order_by(PIPELINE.c.position, PIPELINE.c.id)
    )
    return [Pipeline(row.id, row.name) for row in rows]


def get_pipeline(conn: Connection, pipeline_id: int) -> Pipeline:
    """The pipeline with this id, else NotFoundError."""
    row = conn.execute(
        select(PIPELINE.c.id, PIPELINE.c.name).where(PIPELINE.c.id == pipeline_id)
    ).first()
    if row is None:
        raise NotFoundError("pipeline", f"no pipeline with id {pipeline_id}")
    return Pipeline(row.id, row.name)


def stages(conn: Connection, pipeline_id: int) -> list[Stage]:
    """The open stages of a pipeline in position order."""
    rows = conn.execute(
        select(*_STAGE_COLUMNS)
        .where(STAGE.c.pipeline_id == pipeline_id, STAGE.c.removed.is_(False))
        .order_by(STAGE.c.position)
    )
    return [Stage(*row) for row in rows]


def get_stage(conn: Connection, stage_id: int) -> Stage:
    """A stage by id, removed or not (history may point at a removed one)."""
    row = conn.execute(select(*_STAGE_COLUMNS).where(STAGE.c.id == stage_id)).first()
    if row is None:
        raise NotFoundError("stage", f"no stage with id {stage_id}")
    return Stage(*row)


def insert_pipeline(conn: Connection, *, name: str, now: datetime) -> int:
    """Add a pipeline at the end of the list; return its id."""
    last = conn.execute(select(func.max(PIPELINE.c.position))).scalar() or 0
    result = conn.execute(insert(PIPELINE).values(name=name, position=last + 1, created_at=now))
    assert result.inserted_primary_key is not None
    return int(result.inserted_primary_key[0])


def rename_pipeline(conn: Connection, *, pipeline_id: int, name: str) -> None:
    """Give a pipeline a new name."""
    conn.execute(update(PIPELINE).where(PIPELINE.c.id == pipeline_id).values(name=name))


def insert_stage(
    conn: Connection,
    *,
    pipeline_id: int,
    name: str,
    position: int,
    probability: int,
    rotting_days: int | None,
) -> int:
    """Insert a stage at `position`, shifting the later ones down; return its id."""
    conn.execute(
        update(STAGE)
        .where(
            STAGE.c.pipeline_id == pipeline_id,
            STAGE.c.removed.is_(False),
            STAGE.c.position >= position,
        )
        .values(position=STAGE.c.position + 1)
    )
    result = conn.execute(
        insert(STAGE).values(
            pipeline_id=pipeline_id,
            name=name,
            position=position,
            probability=probability,
            rotting_days=rotting_days,
            removed=False,
        )
    )
    assert result.inserted_primary_key is not None
    return int(result.inserted_primary_key[0])


def update_stage(conn: Connection, *, stage_id: int, **values: object) -> None:
    """Change a stage's name, probability or rotting limit."""
    conn.execute(update(STAGE).where(STAGE.c.id == stage_id).values(**values))


def set_positions(conn: Connection, *, order: list[int]) -> None:
    """Renumber stages 1..n in the order of `order` (stage ids)."""
    for position, stage_id in enumerate(order, start=1):
        conn.execute(update(STAGE).where(STAGE.c.id == stage_id).values(position=position))
