"""Goals (`goal`, schema v7) and the actuals they are measured against.

Actuals come from the funnel's own query path, so a goal counts exactly what
`report funnel --since/--until` counts: the running summary
(`funnel_fact_sums.summed`) for a whole pipeline, and the same per-deal facts
(`funnel_facts.contributions`) for the deals of one lead source, which the
summary does not split.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.engine import Connection

from pipetui.domain.goals import PeriodFacts
from pipetui.domain.text import search_key
from pipetui.store import funnel_fact_sums, funnel_facts
from pipetui.store.actor import actor
from pipetui.store.tables import DEAL, GOAL, PIPELINE, STAGE


@dataclass(frozen=True, slots=True)
class GoalRecord:
    """A stored goal with the names of its pipeline and stage."""

    id: int
    metric: str
    period: str
    period_start: date
    period_end: date
    target: int
    currency: str | None
    pipeline_id: int | None
    pipeline: str | None
    stage_id: int | None
    stage: str | None
    stage_position: int | None
    source: str | None
    source_key: str | None
    stage_removed: bool = False
    """The goal's stage was removed from its pipeline (its position is stale)."""


@dataclass(frozen=True, slots=True)
class GoalKey:
    """What makes two goals the same goal (setting it again replaces its target)."""

    metric: str
    period: str
    pipeline_id: int | None
    stage_id: int | None
    source_key: str | None
    currency: str | None


def _same(column: Any, value: Any) -> Any:
    return column.is_(None) if value is None else column == value


def set_goal(
    conn: Connection,
    key: GoalKey,
    *,
    period_start: date,
    period_end: date,
    target: int,
    source: str | None,
    now: datetime,
) -> tuple[int, int | None]:
    """Insert the goal, or replace the target of the same goal; returns its id
    and the target it had before (None when new)."""
    found = conn.execute(
        select(GOAL.c.id, GOAL.c.target).where(
            GOAL.c.metric == key.metric,
            GOAL.c.period == key.period,
            _same(GOAL.c.pipeline_id, key.pipeline_id),
            _same(GOAL.c.stage_id, key.stage_id),
            _same(GOAL.c.source_key, key.source_key),
            _same(GOAL.c.currency, key.currency),
        )
    ).first()
    if found is not None:
        conn.execute(
            GOAL.update()
            .where(GOAL.c.id == found.id)
            .values(target=target, source=source, updated_at=now, by=actor(conn))
        )
        return int(found.id), int(found.target)
    inserted = conn.execute(
        GOAL.insert().values(
            metric=key.metric,
            period=key.period,
            period_start=period_start,
            period_end=period_end,
            target=target,
            currency=key.currency,
            pipeline_id=key.pipeline_id,
            stage_id=key.stage_id,
            source=source,
            source_key=key.source_key,
            created_at=now,
            updated_at=now,
            by=actor(conn),
        )
    )
    assert inserted.inserted_primary_key is not None
    return int(inserted.inserted_primary_key[0]), None


def remove_goal(conn: Connection, goal_id: int) -> bool:
    """Delete a goal; False when there was none with this id."""
    return bool(conn.execute(GOAL.delete().where(GOAL.c.id == goal_id)).rowcount)


def goals(conn: Connection, *, on: date | None = None) -> list[GoalRecord]:
    """Every goal (or those whose period contains the day `on`), by period,
    then metric and id."""
    query = (
        select(
            GOAL.c.id,
            GOAL.c.metric,
            GOAL.c.period,
            GOAL.c.period_start,
            GOAL.c.period_end,
            GOAL.c.target,
            GOAL.c.currency,
            GOAL.c.pipeline_id,
            PIPELINE.c.name,
            GOAL.c.stage_id,
            STAGE.c.name,
            STAGE.c.position,
            GOAL.c.source,
            GOAL.c.source_key,
            STAGE.c.removed,
        )
        .outerjoin(PIPELINE, PIPELINE.c.id == GOAL.c.pipeline_id)
        .outerjoin(STAGE, STAGE.c.id == GOAL.c.stage_id)
        .order_by(GOAL.c.period_start, GOAL.c.period_end, GOAL.c.metric, GOAL.c.id)
    )
    if on is not None:
        query = query.where(GOAL.c.period_start <= on, GOAL.c.period_end > on)
    found = []
    for row in conn.execute(query):
        *fields, removed = tuple(row)
        found.append(replace(GoalRecord(*fields), stage_removed=bool(removed)))
    return found


def _pipeline_ids(conn: Connection, pipeline_id: int | None) -> list[int]:
    if pipeline_id is not None:
        return [pipeline_id]
    return [int(i) for i in conn.execute(select(PIPELINE.c.id)).scalars()]


def _positions(conn: Connection, pipeline_id: int) -> dict[int, int]:
    rows = conn.execute(
        select(STAGE.c.id, STAGE.c.position).where(
            STAGE.c.pipeline_id == pipeline_id, STAGE.c.removed.is_(False)
        )
    )
    return {int(stage_id): int(position) for stage_id, position in rows}


def _into(
    furthest: dict[int, int],
    won_value: dict[str, int],
    positions: dict[int, int],
    fact: str,
    stage_id: int,
    currency: str,
    n: int,
    amount: int,
) -> int:
    """Add one summed fact; returns the won deals it adds."""
    if fact == "reach" and stage_id in positions:
        at = positions[stage_id]
        furthest[at] = furthest.get(at, 0) + n
    elif fact == "won" and n:
        won_value[currency] = won_value.get(currency, 0) + amount
        return n
    return 0


def period_facts(
    conn: Connection,
    *,
    pipeline_id: int | None,
    since: datetime,
    until: datetime,
    source_key: str | None = None,
) -> PeriodFacts:
    """The funnel's facts of the deals created in [since, until), of one
    pipeline (or all of them, added up) and optionally one lead source.

    Furthest positions of different pipelines are added by position, which
    only `leads` (position 1) reads across pipelines."""
    furthest: dict[int, int] = {}
    won_value: dict[str, int] = {}
    won = 0
    for pid in _pipeline_ids(conn, pipeline_id):
        positions = _positions(conn, pid)
        if source_key is None:
            for f in funnel_fact_sums.summed(conn, pid, since, until):
                won += _into(
                    furthest, won_value, positions, f.fact, f.stage_id, f.currency, f.n, f.amount
                )
            continue
        names = _source_names(conn, pid, since, until, source_key)
        if not names:
            continue
        where = and_(
            DEAL.c.pipeline_id == pid,
            DEAL.c.created_at >= since,
            DEAL.c.created_at < until,
            DEAL.c.source.in_(names),
        )
        facts = funnel_facts.contributions(conn, where)
        merged: dict[tuple[str, int, str], list[int]] = {}
        for (_, _, fact, stage_id, currency), vector in facts.items():
            base, shift = (
                (fact[: -len(funnel_facts.HIGH)], 32)
                if fact.endswith(funnel_facts.HIGH)
                else (fact, 0)
            )
            total = merged.setdefault((base, stage_id, currency), [0, 0])
            if not shift:
                total[0] += vector[0]
            total[1] += vector[1] << shift
        for (fact, stage_id, currency), (n, amount) in merged.items():
            won += _into(furthest, won_value, positions, fact, stage_id, currency, n, amount)
    return PeriodFacts(furthest, won, won_value)


def _source_names(
    conn: Connection, pipeline_id: int, since: datetime, until: datetime, source_key: str
) -> list[str]:
    """The lead sources as typed on the period's deals that match `source_key`
    (any case, as `report sources` groups them)."""
    typed = conn.execute(
        select(DEAL.c.source)
        .where(
            DEAL.c.pipeline_id == pipeline_id,
            DEAL.c.created_at >= since,
            DEAL.c.created_at < until,
            DEAL.c.source.is_not(None),
        )
        .distinct()
    ).scalars()
    return [name for name in typed if search_key(name) == source_key]


def known_places(conn: Connection) -> tuple[set[int], set[int]]:
    """The ids of every pipeline and every stage (a restored goal must name them)."""
    pipelines = {int(i) for i in conn.execute(select(PIPELINE.c.id)).scalars()}
    stages = {int(i) for i in conn.execute(select(STAGE.c.id)).scalars()}
    return pipelines, stages
