"""Reading the funnel's running summary (`pipetui.store.funnel_facts`, which
writes it): the facts of the deals created in a period, summed exactly.

Whole UTC days come from the summary; the part-days at either end of the
period are recounted from those deals themselves (`funnel_facts.contributions`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import and_, func, select
from sqlalchemy.engine import Connection

from pipetui.store.funnel_facts import HIGH, SPLIT, VALUES, Vector, contributions
from pipetui.store.sums import joined, sum_columns
from pipetui.store.tables import DEAL, FUNNEL_FACT


@dataclass(frozen=True, slots=True)
class FactSum:
    """The summed facts of one (fact, stage, currency)."""

    fact: str
    stage_id: int
    currency: str
    n: int
    amount: int
    amount_own: int
    ms: int
    open_n: int
    open_start: int


def summed(
    conn: Connection, pipeline_id: int, since: datetime | None, until: datetime | None
) -> list[FactSum]:
    """The facts of deals created in [since, until): whole UTC days from the
    summary, the part-days at either end from those deals themselves; each
    value exact, its high row joined in (see `pipetui.store.funnel_facts`)."""
    first = _day_after(since) if since else None
    last = until.astimezone(UTC).date() if until else None  # days before this one
    query = select(
        FUNNEL_FACT.c.fact,
        FUNNEL_FACT.c.stage_id,
        FUNNEL_FACT.c.currency,
        *(
            part
            for name in VALUES
            for part in (
                sum_columns(FUNNEL_FACT.c[name])
                if name in SPLIT
                else (func.sum(FUNNEL_FACT.c[name]),)
            )
        ),
    ).where(FUNNEL_FACT.c.pipeline_id == pipeline_id)
    if first is not None:
        query = query.where(FUNNEL_FACT.c.day >= first.isoformat())
    if last is not None:
        query = query.where(FUNNEL_FACT.c.day < last.isoformat())
    grouped = query.group_by(FUNNEL_FACT.c.fact, FUNNEL_FACT.c.stage_id, FUNNEL_FACT.c.currency)
    merged: dict[tuple[str, int, str], Vector] = {}

    def into(fact: str, stage_id: int, currency: str, vector: Iterable[int]) -> None:
        # A high row's parts count 2**32 each.
        base, shift = (fact[: -len(HIGH)], 32) if fact.endswith(HIGH) else (fact, 0)
        total = merged.setdefault((base, stage_id, currency), [0] * len(VALUES))
        for i, value in enumerate(vector):
            total[i] += value << shift

    for fact, stage_id, currency, *sums in conn.execute(grouped):
        parts = iter(sums)
        into(
            str(fact),
            int(stage_id),
            str(currency),
            [
                joined(next(parts), next(parts)) if name in SPLIT else int(next(parts) or 0)
                for name in VALUES
            ],
        )
    for start, end in _edges(since, until, first, last):
        window = [DEAL.c.pipeline_id == pipeline_id, DEAL.c.created_at >= start]
        if end is not None:
            window.append(DEAL.c.created_at < end)
        for (_, _, fact, stage_id, currency), vector in contributions(conn, and_(*window)).items():
            into(fact, stage_id, currency, vector)
    return [
        FactSum(fact, stage_id, currency, *vector)
        for (fact, stage_id, currency), vector in merged.items()
    ]


def _day_after(moment: datetime) -> date:
    """The first whole UTC day at or after `moment`."""
    utc = moment.astimezone(UTC)
    start = utc.date()
    return (
        start if utc == datetime.combine(start, datetime.min.time(), UTC) else start + timedelta(1)
    )


def _edges(
    since: datetime | None, until: datetime | None, first: date | None, last: date | None
) -> list[tuple[datetime, datetime | None]]:
    """The part-days [since, first) and [last, until) not covered by whole days;
    when the period lies within one day, the period itself."""

    def midnight(day: date) -> datetime:
        return datetime.combine(day, datetime.min.time(), UTC)

    if since is not None and until is not None and (first is None or last is None or first >= last):
        return [(since, until)] if since < until else []
    windows: list[tuple[datetime, datetime | None]] = []
    if since is not None and first is not None and since < midnight(first):
        windows.append((since, midnight(first)))
    if until is not None and last is not None and midnight(last) < until:
        windows.append((midnight(last), until))
    return windows
