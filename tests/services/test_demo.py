"""`load_demo` fills a database with data that obeys every rule the real code
keeps (history walks the stages in order, journeys follow the latest touchpoint,
names survive in every script), refuses to mix into real data, and is repeatable."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from db_targets import Targets
from pipetui.domain.bant import Verdict, assess
from pipetui.domain.errors import ValidationError
from pipetui.domain.journey import JourneyStage
from pipetui.services import contacts as contact_service
from pipetui.services import deals as deal_service
from pipetui.services.demo import DemoRefused, load_demo
from pipetui.store import followups as followup_store
from pipetui.store import pipelines as pipeline_store
from pipetui.store import qualification as qualification_store
from pipetui.store import touchpoints as touchpoint_store
from pipetui.store.database import Database, open_database
from pipetui.store.tables import METADATA

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
TABLES = METADATA.tables


@pytest.fixture(autouse=True)
def _frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIPETUI_NOW", NOW.isoformat())


def _open(target: str) -> Database:
    return open_database(target, now=NOW)


@pytest.fixture
def db(new_target: Targets) -> Iterator[Database]:
    database = _open(new_target("t.db"))
    yield database
    database.dispose()


def _rows(db: Database, table: str, order: str = "id") -> list[Any]:
    with db.read() as conn:
        return list(conn.execute(select(TABLES[table]).order_by(TABLES[table].c[order])))


def _count(db: Database, table: str) -> int:
    with db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(TABLES[table])).scalar_one())


def _check_history(db: Database) -> dict[str, int]:
    """Every deal's history: starts with an entry into its pipeline's first stage,
    moves one stage at a time, never goes back in time, and ends where the deal is.
    Returns how often each notable shape was seen."""
    stages = {row.id: row for row in _rows(db, "stage")}
    history: dict[int, list[Any]] = defaultdict(list)
    for row in _rows(db, "stage_history"):
        history[row.deal_id].append(row)
    seen = {"backward": 0, "reopened": 0}
    deals = _rows(db, "deal")
    assert deals
    for deal in deals:
        rows = history[deal.id]
        first, last = rows[0], rows[-1]
        assert first.from_stage_id is None and first.from_status is None
        assert stages[first.to_stage_id].position == 1
        assert (last.to_stage_id, last.to_status) == (deal.stage_id, deal.status)
        assert [r.at for r in rows] == sorted(r.at for r in rows)
        assert deal.created_at == first.at and deal.created_at <= NOW
        moves = [r for r in rows if r.from_stage_id != r.to_stage_id]
        assert deal.stage_entered_at == moves[-1].at
        for row in moves[1:]:
            step = stages[row.to_stage_id].position - stages[row.from_stage_id].position
            assert step in (1, -1) and row.from_status == row.to_status == "open"
            seen["backward"] += step == -1
        assert (deal.closed_at is None) == (deal.status == "open")
        assert (deal.lost_reason is not None) == (deal.status == "lost")
        seen["reopened"] += any(r.from_status == "lost" and r.to_status == "open" for r in rows)
    return seen


def _contacts_off_their_journey(db: Database) -> int:
    """Contacts whose journey stage is not that of their latest touchpoint (by time,
    then id, as the store orders them)."""
    query = (
        "SELECT count(*) FROM contact c WHERE c.journey_stage IS DISTINCT FROM"
        " (SELECT t.journey_stage FROM touchpoint t WHERE t.contact_id = c.id"
        " ORDER BY t.at DESC, t.id DESC LIMIT 1)"
    )
    with db.read() as conn:
        return int(conn.exec_driver_sql(query).scalar_one())


def test_default_demo_fills_three_pipelines_every_stage_and_status(db: Database) -> None:
    summary = load_demo(db)

    assert summary.pipelines >= 3 and 50 <= summary.deals <= 70 and summary.contacts == 40
    with db.read() as conn:
        pipelines = pipeline_store.pipelines(conn)
        sales = next(p for p in pipelines if p.name == "Sales")
        sales_stages = pipeline_store.stages(conn, sales.id)
        extra = [pipeline_store.stages(conn, p.id) for p in pipelines if p.name != "Sales"]
    assert len(pipelines) >= 3 and [p.name for p in pipelines].count("Sales") == 1
    assert len(sales_stages) == 6
    assert any(s.rotting_days for stages in extra for s in stages)
    deals = _rows(db, "deal")
    open_stages = {d.stage_id for d in deals if d.status == "open"}
    assert {s.id for s in sales_stages} <= open_stages
    assert {d.status for d in deals} == {"open", "won", "lost"}
    assert {d.currency for d in deals} >= {"USD", "ILS", "EUR"}
    assert summary == type(summary)(
        summary.pipelines, len(deals), _count(db, "contact"), _count(db, "touchpoint"),
        _count(db, "followup"),
    )  # fmt: skip


def test_names_in_every_script_read_back_exactly(db: Database) -> None:
    load_demo(db)

    for name in ("דנה כהן", "יוסי לוי", "ليلى حداد", "عمر خليل", "Zoë Müller", "José Álvarez",
                 "王芳", "김민준", "Sarah Johnson"):  # fmt: skip
        assert contact_service.get_contact(db, name).name == name
    assert len(contact_service.list_contacts(db, search="müller")) >= 1


def test_history_walks_the_stages_and_ends_where_each_deal_is(db: Database) -> None:
    load_demo(db)

    seen = _check_history(db)
    assert seen["backward"] >= 1 and seen["reopened"] >= 1
    detail = deal_service.show_deal(db, 1)  # the store reads demo rows like its own
    assert detail.history[-1].to_stage_id == detail.view.deal.stage_id


def test_journeys_follow_the_latest_touchpoint(db: Database) -> None:
    load_demo(db)

    touchpoints = _rows(db, "touchpoint")
    assert all(t.at <= NOW for t in touchpoints)
    scores = [t.score for t in touchpoints if t.kind == "survey"]
    assert scores and all(0 <= s <= 10 for s in scores)
    assert all(t.score is None for t in touchpoints if t.kind != "survey")
    with db.read() as conn:
        for contact in _rows(db, "contact"):
            latest = touchpoint_store.latest(conn, contact.id)
            assert latest is not None
            assert contact.journey_stage == latest.journey_stage.value
    assert _contacts_off_their_journey(db) == 0
    stages = {JourneyStage(t.journey_stage) for t in touchpoints}
    assert {JourneyStage.AWARENESS, JourneyStage.PURCHASE, JourneyStage.RETENTION} <= stages


def test_followups_are_overdue_due_today_ahead_and_done(db: Database) -> None:
    load_demo(db)

    today = NOW.astimezone().date()
    with db.read() as conn:
        followups = followup_store.list_followups(conn, include_done=True)
    open_ones = [f for f in followups if f.done_at is None]
    assert any(f.is_overdue(today) for f in followups)
    assert any(f.due == today for f in open_ones)
    assert any(f.due > today for f in open_ones)
    assert any(f.done_at is not None for f in followups)


def test_bant_answers_give_every_verdict(db: Database) -> None:
    load_demo(db)

    deal_ids = {row.deal_id for row in _rows(db, "qualification")}
    assert len(deal_ids) >= 30
    with db.read() as conn:
        verdicts = {assess(qualification_store.answers(conn, d)).verdict for d in deal_ids}
    assert verdicts == {Verdict.QUALIFIED, Verdict.IN_PROGRESS, Verdict.DISQUALIFIED}


def test_refuses_a_database_with_data_and_writes_nothing(db: Database) -> None:
    contact_service.add_contact(db, name="Existing Person")
    before = {t: _count(db, t) for t in TABLES}

    with pytest.raises(ValidationError) as refused:
        load_demo(db)

    assert isinstance(refused.value, DemoRefused) and refused.value.field == "database"
    assert {t: _count(db, t) for t in TABLES} == before


def test_force_adds_to_what_is_there(db: Database) -> None:
    contact_service.add_contact(db, name="Existing Person")
    first = load_demo(db, force=True)
    second = load_demo(db, force=True, seed=8)

    assert _count(db, "deal") == first.deals + second.deals
    assert _count(db, "contact") == 1 + first.contacts + second.contacts
    assert _count(db, "pipeline") == 3  # the demo's pipelines are reused, not doubled
    _check_history(db)
    ranks = [(d.stage_id, d.rank) for d in _rows(db, "deal")]
    assert len(set(ranks)) == len(ranks)


def test_scaled_demo_has_exactly_the_deals_asked_for(db: Database) -> None:
    summary = load_demo(db, deals=1000)

    assert (summary.deals, summary.contacts, summary.touchpoints) == (1000, 500, 10_000)
    assert (_count(db, "deal"), _count(db, "touchpoint"), _count(db, "contact")) == (
        1000, 10_000, 500,
    )  # fmt: skip
    assert summary.pipelines == 1 and summary.followups == _count(db, "followup") > 0
    _check_history(db)
    deals = _rows(db, "deal")
    assert {d.status for d in deals} == {"open", "won", "lost"}
    assert len({d.stage_id for d in deals}) == 6
    assert sum(d.status == "open" for d in deals) > 600
    assert _count(db, "qualification") > 0
    assert _contacts_off_their_journey(db) == 0


@pytest.mark.sqlite_only  # SQLite keeps times as text; PostgreSQL as timestamptz
def test_scaled_demo_writes_times_the_way_the_store_does(db: Database) -> None:
    load_demo(db, deals=5)
    deal_service.add_deal(db, title="Typed by hand", value=deal_service.Money(100, "USD"))

    with db.read() as conn:
        stamps = conn.exec_driver_sql("SELECT created_at FROM deal ORDER BY id").scalars().all()
    assert {len(s) for s in stamps} == {len("2026-11-20 10:00:00.000000")}
    assert stamps[-1] == "2026-11-20 10:00:00.000000" and max(stamps) == stamps[-1]


def test_refuses_a_deal_count_below_one(db: Database) -> None:
    with pytest.raises(ValidationError) as refused:
        load_demo(db, deals=0)
    assert refused.value.field == "deals"


def test_same_seed_same_data(new_target: Targets) -> None:
    def titles_and_values(target: str, seed: int) -> list[tuple[Any, ...]]:
        database = _open(target)
        try:
            load_demo(database, seed=seed)
            return [(d.title, d.value_minor, d.currency) for d in _rows(database, "deal")]
        finally:
            database.dispose()

    first = titles_and_values(new_target("a.db"), 7)
    assert first == titles_and_values(new_target("b.db"), 7)
    assert first != titles_and_values(new_target("c.db"), 8)
