"""Deals with the names around them, in plain SQL (`pipetui.store.rows`), so
`pipetui deal list` reads them through the sqlite3 driver alone and starts
without importing SQLAlchemy (DESIGN.md §4: the CLI's start-up budget)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pipetui.domain.deal import Deal, DealView
from pipetui.domain.deal_status import DealStatus
from pipetui.domain.money import Money
from pipetui.domain.segments import EVERY_DEAL, DealSegment, stored_tags
from pipetui.domain.users import OwnerFilter
from pipetui.store.board import owner_condition
from pipetui.store.rows import Rows, day, expand, moment
from pipetui.store.segments import deal_segment_sql

_SELECT = (
    "SELECT d.id, d.title, d.pipeline_id, d.stage_id, d.status, d.value_minor, d.currency,"
    " d.created_at, d.updated_at, d.stage_entered_at, d.probability, d.close_date, d.source,"
    " d.lost_reason, d.contact_id, d.closed_at, d.external_id, d.version,"
    " p.name, s.name, s.position, s.probability, s.rotting_days, c.name, c.company, d.owner,"
    " d.notes, d.tags"
    " FROM deal AS d JOIN pipeline AS p ON p.id = d.pipeline_id"
    " JOIN stage AS s ON s.id = d.stage_id LEFT JOIN contact AS c ON c.id = d.contact_id"
)


def _at(value: Any) -> datetime:
    found = moment(value)
    assert found is not None, "a required time is missing"
    return found


def _view(row: tuple[Any, ...]) -> DealView:
    (deal_id, title, pipeline_id, stage_id, status, minor, currency, created, updated, entered,
     probability, close_date, source, lost_reason, contact_id, closed, external_id, version,
     pipeline, stage, position, stage_probability, rotting, contact, company,
     owner, notes, tags) = row  # fmt: skip
    deal = Deal(
        id=int(deal_id),
        title=str(title),
        pipeline_id=int(pipeline_id),
        stage_id=int(stage_id),
        status=DealStatus(status),
        value=Money(int(minor), str(currency)),
        created_at=_at(created),
        updated_at=_at(updated),
        stage_entered_at=_at(entered),
        probability=probability,
        close_date=day(close_date),
        source=source,
        lost_reason=lost_reason,
        contact_id=contact_id,
        closed_at=moment(closed),
        external_id=external_id,
        version=int(version),
        owner=owner,
        notes=notes,
        tags=stored_tags(tags),
    )
    return DealView(
        deal=deal,
        pipeline_name=str(pipeline),
        stage_name=str(stage),
        stage_position=int(position),
        stage_probability=int(stage_probability),
        rotting_days=rotting,
        contact_name=contact,
        company=company,
    )


def list_views(
    rows: Rows,
    *,
    statuses: Sequence[DealStatus],
    pipeline_id: int | None = None,
    stage_id: int | None = None,
    limit: int | None = None,
    owners: OwnerFilter | None = None,
    words: Sequence[str] = (),
    segment: DealSegment = EVERY_DEAL,
) -> list[DealView]:
    """Deals in board order (pipeline, stage position, rank), as `deal list` shows them.

    `words` (already `search_key`-ed): only deals whose title or notes, or whose
    contact's name, company..., contain every one (as the board's filter `/`);
    `segment`: only deals with its tags, source and owner (any case)."""
    wanted, params = expand("status", [s.value for s in statuses])
    sql = f"{_SELECT} WHERE d.status IN {wanted}"
    for i, word in enumerate(words):
        sql += (
            f" AND (d.search_key LIKE :w{i} ESCAPE '\\'"
            f" OR coalesce(c.search_key, '') LIKE :w{i} ESCAPE '\\')"
        )
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params[f"w{i}"] = f"%{escaped}%"
    if owners is not None:
        condition, more = owner_condition(owners)
        sql += f" AND {condition}"
        params.update(more)
    if not segment.empty:
        condition, more = deal_segment_sql(segment)
        sql += f" AND {condition}"
        params.update(more)
    if pipeline_id is not None:
        sql += " AND d.pipeline_id = :pipeline"
        params["pipeline"] = pipeline_id
    if stage_id is not None:
        sql += " AND d.stage_id = :stage"
        params["stage"] = stage_id
    sql += " ORDER BY p.position, s.position, d.rank, d.id"
    if limit is not None:
        sql += " LIMIT :limit"
        params["limit"] = limit
    return [_view(row) for row in rows(sql, params)]
