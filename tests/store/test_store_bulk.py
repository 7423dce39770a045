"""Bulk writes (`pipetui.store.bulk`: imports, restores, `pipetui demo`) on both
engines: every value lands exactly as a row-by-row insert would store it; on
PostgreSQL a big one takes no lock that keeps other users out (no DDL: COPY
into the table with its indexes) and the indexes are all still there; after
bulk writes the id sequences are past every id and the funnel summary equals a
rebuild."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, select, text

from pipetui.domain.money import Money
from pipetui.services import deals as deal_service
from pipetui.services.contacts import add_contact
from pipetui.services.demo import load_demo
from pipetui.services.touchpoints import log_touchpoint
from pipetui.services.transfer import ImportOptions, import_file
from pipetui.store import bulk, funnel_facts
from pipetui.store.database import Database, open_database
from pipetui.store.tables import CONTACT, TOUCHPOINT

SUMMARY = (
    "SELECT pipeline_id, day, fact, stage_id, currency, n, amount, amount_own, ms,"
    " open_n, open_start FROM funnel_fact ORDER BY 1, 2, 3, 4, 5"
)


def _indexes(db: Database, table: str) -> list[str]:
    with db.read() as conn:
        return sorted(str(i["name"]) for i in inspect(conn).get_indexes(table))


def test_text_times_and_nulls_land_exactly(db: Database) -> None:
    tricky = "tab\there, new\nline, back\\slash, \r, ∅, כהן, مرحبا, 👩‍👩‍👧"
    moment = datetime(2026, 3, 29, 1, 30, 5, 123456, tzinfo=timezone(timedelta(hours=3)))
    with db.write() as conn:
        at = bulk.time_column(conn)
        bulk.insert_rows(
            conn,
            "contact",
            ["id", "name", "sort_name", "search_key", "email", "notes", "created_at",
             "updated_at", "journey_stage_manual"],
            [
                (501, tricky, tricky, tricky.casefold(), None, "", at(moment), at(moment), True),
                (502, "\\N", "\\N", "\\n", "\\.", None, at(moment), at(moment), False),
            ],
        )  # fmt: skip
    with db.read() as conn:
        rows = conn.execute(
            select(
                CONTACT.c.id, CONTACT.c.name, CONTACT.c.email, CONTACT.c.notes,
                CONTACT.c.created_at, CONTACT.c.journey_stage_manual,
            ).order_by(CONTACT.c.id)
        ).all()  # fmt: skip
    (a, name, email, notes, created, manual), second = rows
    assert (a, name, email, notes, manual) == (501, tricky, None, "", True)
    assert created.replace(tzinfo=created.tzinfo or UTC) == moment
    assert tuple(second[1:4]) == ("\\N", "\\.", None)


def test_a_big_bulk_write_takes_no_lock_that_keeps_others_out(db: Database) -> None:
    before = _indexes(db, "contact")
    rows = [
        (n, f"Person {n}", f"person {n}", f"person {n}", db.is_server and n % 2 == 0,
         datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC))
        for n in range(1, bulk.REBUILD_INDEXES_FROM + 2)
    ]  # fmt: skip
    columns = ["id", "name", "sort_name", "search_key", "journey_stage_manual"]
    columns += ["created_at", "updated_at"]
    with db.write() as conn:
        times = bulk.time_column(conn)
        bulk.insert_rows(
            conn, "contact", columns, [(*r[:5], times(r[5]), times(r[6])) for r in rows]
        )
        if db.is_server:
            exclusive = conn.exec_driver_sql(
                "SELECT count(*) FROM pg_locks WHERE pid = pg_backend_pid()"
                " AND mode = 'AccessExclusiveLock' AND locktype = 'relation'"
            ).scalar()
            assert exclusive == 0
            # Another user reads meanwhile, without waiting for the import.
            with db.read_engine.connect() as other:
                other.exec_driver_sql("SET lock_timeout = '1s'")
                assert other.execute(select(CONTACT.c.id).limit(1)).all() == []
                other.rollback()
    assert _indexes(db, "contact") == before
    with db.read() as conn:
        assert conn.execute(text("SELECT count(*) FROM contact")).scalar() == len(rows)


def _export(path: Path, rows: int) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(
            [
                "Deal - ID",
                "Deal - Title",
                "Deal - Value",
                "Deal - Currency",
                "Deal - Stage",
                "Deal - Status",
                "Person - Name",
                "Person - Email",
            ]
        )
        for n in range(rows):
            status = ("Open", "Won", "Lost")[n % 3]
            writer.writerow([n + 1, f"Deal {n}", f"{100 + n}.50", "USD", ("Lead", "Demo")[n % 2],
                             status, f"Person {n // 2}", f"p{n // 2}@example.com"])  # fmt: skip
    return path


def _summary(db: Database) -> tuple[list[Any], list[Any]]:
    """The funnel summary as kept, and as a rebuild from the deals makes it."""
    with db.engine.connect() as conn:
        transaction = conn.begin()
        kept = [tuple(r) for r in conn.exec_driver_sql(SUMMARY)]
        funnel_facts.rebuild(conn)
        rebuilt = [tuple(r) for r in conn.exec_driver_sql(SUMMARY)]
        transaction.rollback()
    return kept, rebuilt


def test_after_bulk_writes_new_rows_get_new_ids_and_the_summary_is_a_recount(
    new_target: Any, tmp_path: Path
) -> None:
    db = open_database(new_target("bulk"), now=datetime.now(UTC))
    try:
        load_demo(db, deals=300)
        summary = import_file(
            db, _export(tmp_path / "deals.csv", 200), ImportOptions(), default_currency="USD"
        )
        assert summary.created["deals"] == 200
        kept, rebuilt = _summary(db)
        assert kept == rebuilt and kept
        with db.read() as conn:
            most = {
                table: conn.execute(text(f"SELECT max(id) FROM {table}")).scalar()
                for table in ("deal", "contact", "touchpoint")
            }
        added = deal_service.add_deal(db, title="After the import", value=Money(1, "USD"))
        assert added.view.deal.id == most["deal"] + 1
        person = add_contact(db, name="After the import")
        assert person.id == most["contact"] + 1
        touch = log_touchpoint(db, contact=f"#{person.id}", kind="call")
        assert touch.id == most["touchpoint"] + 1
        deal_service.move_deal(db, added.view.deal.id, stage="Qualification")
        kept, rebuilt = _summary(db)
        assert kept == rebuilt
        with db.read() as conn:
            assert conn.execute(select(TOUCHPOINT.c.id).where(TOUCHPOINT.c.id == touch.id)).all()
    finally:
        db.dispose()


def test_dates_pass_through_bulk_writes_as_dates(db: Database) -> None:
    with db.write() as conn:
        day = bulk.date_column(conn)
        assert day(None) is None
        assert day(date(2027, 1, 15)) in ("2027-01-15", date(2027, 1, 15))


@pytest.mark.postgresql_only("COPY fills only server defaults; INSERT through SQLAlchemy did more")
def test_a_column_left_out_gets_the_default_an_insert_would_give(db: Database) -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    with db.write() as conn:
        columns = ["name", "sort_name", "search_key", "created_at", "updated_at"]
        bulk.insert_rows(conn, "contact", columns, [("Dana", "dana", "dana", now, now)])
    with db.read() as conn:
        found = conn.execute(select(CONTACT.c.journey_stage_manual, CONTACT.c.version)).one()
    assert tuple(found) == (False, 1)


@pytest.mark.postgresql_only("SQLite hands the last id out again; a sequence does not")
def test_moving_sequences_past_bulk_ids_never_moves_them_back(db: Database) -> None:
    ids = [
        deal_service.add_deal(db, title=f"Deal {n}", value=Money(1, "USD")).view.deal.id
        for n in range(3)
    ]
    deal_service.delete_deal(db, ids[-1])
    with db.write() as conn:
        bulk.advance_sequences(conn, ("deal",))
    again = deal_service.add_deal(db, title="Later", value=Money(1, "USD")).view.deal.id
    assert again == ids[-1] + 1
