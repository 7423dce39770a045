"""`losses_report` from a real database agrees with a brute-force recount of
the deal rows, whatever happened: deals lost with any reason (in any case,
any script), disqualified, won, reopened and lost again, in any currency,
over any period of closing days."""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from pipetui.domain.bant import Answer
from pipetui.domain.losses import NO_REASON
from pipetui.domain.money import Money
from pipetui.domain.text import search_key
from pipetui.services import clock, deals
from pipetui.services.qualification import disqualify_deal
from pipetui.services.reports import ALL_TIME, Period, losses_report, lost_reasons
from pipetui.store import pipelines as pipeline_store
from pipetui.store.database import Database, open_database
from pipetui.store.tables import DEAL, STAGE

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
STAGES = ["Lead", "Proposal", "Negotiation"]


@pytest.fixture(autouse=True)
def _utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Period days are local days: run in UTC."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    monkeypatch.setenv("PIPETUI_NOW", T0.isoformat())
    yield
    if before is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = before
    time.tzset()


def new_db(folder: str) -> Database:
    db = open_database(str(Path(folder) / "l.db"), now=clock.now())
    with db.write() as conn:
        pipeline_id = pipeline_store.insert_pipeline(conn, name="Test", now=clock.now())
        for position, name in enumerate(STAGES, start=1):
            pipeline_store.insert_stage(
                conn,
                pipeline_id=pipeline_id,
                name=name,
                position=position,
                probability=10,
                rotting_days=None,
            )
    return db


REASON = st.sampled_from(["Price", "price", " PRICE ", "Timing", "מחיר", "التوقيت", "Ghosted"])
operation = st.one_of(
    st.tuples(st.just("move"), st.integers(0, 7), st.sampled_from(STAGES)),
    st.tuples(st.just("lose"), st.integers(0, 7), REASON),
    st.tuples(st.just("disqualify"), st.integers(0, 7), st.sampled_from(["budget", "authority"])),
    st.tuples(st.just("win"), st.integers(0, 7)),
    st.tuples(st.just("reopen"), st.integers(0, 7)),
)
programs = st.tuples(
    st.lists(
        st.tuples(st.sampled_from(["ILS", "USD", "JPY"]), st.integers(0, 10**12)),
        min_size=1,
        max_size=8,
    ),
    st.lists(st.tuples(operation, st.integers(1, 40)), max_size=30),
    st.none() | st.tuples(st.integers(-1, 8), st.integers(-1, 8)),
)


def play(db: Database, program: Any) -> Period:
    """Add the deals, then play the operations an hour or more apart (a
    refused one, e.g. losing a won deal, changes nothing)."""
    values, operations, cohort = program
    ids = [
        deals.add_deal(
            db, title=f"D{i}", value=Money(minor, currency), pipeline="Test", stage="Lead"
        ).view.deal.id
        for i, (currency, minor) in enumerate(values)
    ]
    now = T0
    for (kind, index, *rest), hours in operations:
        now += timedelta(hours=hours)
        os.environ["PIPETUI_NOW"] = now.isoformat()
        deal_id = ids[index % len(ids)]
        try:
            if kind == "move":
                deals.move_deal(db, deal_id, stage=rest[0])
            elif kind == "lose":
                deals.lose_deal(db, deal_id, reason=rest[0])
            elif kind == "disqualify":
                disqualify_deal(db, deal_id, {rest[0]: {"status": Answer.NO}})
            elif kind == "win":
                deals.win_deal(db, deal_id)
            else:
                deals.reopen_deal(db, deal_id)
        except Exception as error:  # refused: the deal was not in a state for it
            assert type(error).__name__ == "ValidationError", error
    if cohort is None:
        return ALL_TIME
    first, last = sorted(cohort)
    return Period(T0.date() + timedelta(days=first), T0.date() + timedelta(days=last))


def recount(db: Database, period: Period) -> list[tuple[str | None, str, str, int]]:
    """The lost deals of the period, one by one, straight from the rows."""
    with db.read() as conn:
        rows = conn.execute(
            select(
                DEAL.c.lost_reason,
                STAGE.c.name,
                DEAL.c.currency,
                DEAL.c.value_minor,
                DEAL.c.closed_at,
                DEAL.c.status,
            ).join(STAGE, STAGE.c.id == DEAL.c.stage_id)
        ).all()
    first = period.since or date.min
    last = period.until or date.max
    return [
        (reason, stage, currency, value)
        for reason, stage, currency, value, closed, status in rows
        if status == "lost" and first <= closed.replace(tzinfo=UTC).date() <= last
    ]


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(program=programs)
def test_the_losses_match_a_recount_of_the_lost_deals(program: Any) -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = new_db(folder)
        try:
            period = play(db, program)
            losses = losses_report(db, pipeline="Test", period=period).losses
            truth = recount(db, period)
        finally:
            db.dispose()
    lost = len(truth)
    assert losses.lost == lost

    def key(reason: str | None) -> str:
        return search_key((reason or "").strip())

    for line in losses.by_reason:
        mine = [d for d in truth if key(d[0]) == ("" if line.name == NO_REASON else key(line.name))]
        assert line.count == len(mine) > 0, line.name
        assert line.share == Fraction(len(mine), lost)
        assert line.value.as_json() == money(mine)
    assert sum(line.count for line in losses.by_reason) == lost
    assert [s.name for s in losses.by_stage] == STAGES
    for line in losses.by_stage:
        assert line.value.as_json() == money([d for d in truth if d[1] == line.name])
    for line in losses.by_criterion:
        mine = [d for d in truth if (d[0] or "") == f"Disqualified: {line.name}"]
        assert line.count == len(mine), line.name
    assert losses.value.as_json() == money(truth)


def money(deals_: list[tuple[str | None, str, str, int]]) -> dict[str, str]:
    sums: dict[str, int] = {}
    for _, _, currency, value in deals_:
        sums[currency] = sums.get(currency, 0) + value
    return {c: Money(v, c).amount_str() for c, v in sorted(sums.items())}


def test_a_lost_reason_is_offered_and_a_reopened_deal_leaves_the_losses(
    tmp_path: Path,
) -> None:
    db = new_db(str(tmp_path))
    try:
        deal = deals.add_deal(db, title="שלום", value=Money(500, "ILS"), pipeline="Test")
        deal_id = deal.view.deal.id
        deals.lose_deal(db, deal_id, reason="  מחיר גבוה  ")
        assert [r.name for r in losses_report(db, pipeline="Test").losses.by_reason] == [
            "מחיר גבוה"
        ]
        assert lost_reasons(db) == ["מחיר גבוה"]
        deals.reopen_deal(db, deal_id)
        assert losses_report(db, pipeline="Test").losses.lost == 0
        assert lost_reasons(db) == []  # reopening clears the reason
    finally:
        db.dispose()
