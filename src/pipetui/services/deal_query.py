"""The query behind `deal list`: deals in board order, read with plain SQL
through whichever reader the workspace has, so the CLI can answer before
SQLAlchemy would even have been imported (the light reader; the full store
works the same way). (Not the board's `ui.widgets.deal_list`, which draws a
column's cards.)"""

from __future__ import annotations

from dataclasses import dataclass

from pipetui.domain.deal import DealView
from pipetui.domain.deal_status import DealStatus
from pipetui.domain.pipeline import pick_pipeline, pick_stage
from pipetui.domain.segments import EVERY_DEAL, DealSegment
from pipetui.domain.text import search_key
from pipetui.domain.users import OwnerFilter
from pipetui.store import board as board_store
from pipetui.store.deal_rows import list_views
from pipetui.store.rows import RowSource


@dataclass(frozen=True, slots=True)
class DealFilter:
    """Which deals `deal list` shows."""

    statuses: tuple[DealStatus, ...] = (DealStatus.OPEN,)
    pipeline: str | None = None
    stage: str | None = None
    limit: int | None = None
    owners: OwnerFilter | None = None
    """Whose deals (None: everyone's)."""
    search: str | None = None
    """Words every deal shown contains in its title or notes, or its contact's
    name, company... (any script, any case), as the board's filter `/`."""
    segment: DealSegment = EVERY_DEAL
    """Only deals with every one of its tags, from its source (any case)."""


def list_deals(source: RowSource, deal_filter: DealFilter = DealFilter()) -> list[DealView]:
    """Deals in board order, open ones unless the filter says otherwise; the
    pipeline and stage are named in any case (the first pipeline when only a
    stage is given)."""
    with source.read_rows() as rows:
        pipeline_id = stage_id = None
        if deal_filter.pipeline is not None or deal_filter.stage is not None:
            pipeline_id = pick_pipeline(board_store.pipelines(rows), deal_filter.pipeline).id
            if deal_filter.stage is not None:
                stages = board_store.stages(rows, pipeline_id)
                stage_id = pick_stage(stages, deal_filter.stage).id
        return list_views(
            rows,
            statuses=deal_filter.statuses,
            pipeline_id=pipeline_id,
            stage_id=stage_id,
            limit=deal_filter.limit,
            owners=deal_filter.owners,
            words=search_key(deal_filter.search).split() if deal_filter.search else (),
            segment=deal_filter.segment,
        )
