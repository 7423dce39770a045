"""The default pipeline a new database starts with (DESIGN.md §1)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert
from sqlalchemy.engine import Connection

from pipetui.domain.pipeline import DEFAULT_PIPELINE, DEFAULT_STAGES
from pipetui.store.tables import PIPELINE, STAGE


def seed_default_pipeline(connection: Connection, *, now: datetime) -> int:
    """Create pipeline "Sales" with its six stages; return its id."""
    pipeline_id = connection.execute(
        insert(PIPELINE).values(name=DEFAULT_PIPELINE, position=1, created_at=now)
    ).inserted_primary_key
    assert pipeline_id is not None
    connection.execute(
        insert(STAGE),
        [
            {
                "pipeline_id": pipeline_id[0],
                "name": name,
                "position": position,
                "probability": probability,
                "rotting_days": None,
                "removed": False,
            }
            for position, (name, probability) in enumerate(DEFAULT_STAGES, start=1)
        ],
    )
    return int(pipeline_id[0])
