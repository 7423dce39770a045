"""The engine set-up that keeps data safe on both engines: write transactions
that hold the write lock from their BEGIN (SQLite's BEGIN IMMEDIATE, the
database's advisory lock on PostgreSQL), readers that never wait for writers
and keep one snapshot, enforced foreign keys; SQLite's PRAGMAs and the server
session's settings on every connection."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.pool import NullPool

from pipetui.domain.money import Money
from pipetui.services import deals as deal_service
from pipetui.store import deals as deal_store
from pipetui.store import engine as engines
from pipetui.store.database import Database

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def _pragmas(conn: Connection) -> dict[str, object]:
    return {
        name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
        for name in ("foreign_keys", "journal_mode", "synchronous", "busy_timeout")
    }


class Impatient:
    """A second client, as another process would be, that never waits for a
    lock and runs exactly the statements it is given (`?` placeholders)."""

    def __init__(self, db: Database) -> None:
        self.server = db.is_server
        if self.server:
            self.engine = create_engine(db.url, poolclass=NullPool)
            self.proxy = self.engine.raw_connection()  # held: NullPool closes it when dropped
            raw: Any = self.proxy.dbapi_connection
            raw.autocommit = True
            self.conn = raw
        else:
            assert db.path is not None
            self.conn = sqlite3.connect(db.path, timeout=0, isolation_level=None)

    def begin_write(self) -> bool:
        """Start a write transaction as pipetui would; False if another holds
        the write lock (nothing is left open then)."""
        if not self.server:
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as error:
                assert "locked" in str(error)
                return False
            return True
        self.conn.execute("BEGIN")
        got = self.conn.execute(f"SELECT pg_try_advisory_xact_lock({engines.WRITE_LOCK})")
        if not got.fetchone()[0]:
            self.conn.execute("ROLLBACK")
            return False
        return True

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        return self.conn.execute(sql.replace("?", "%s") if self.server else sql, params)

    def close(self) -> None:
        self.conn.close()
        if self.server:
            self.engine.dispose()


def _value(db: Database, deal_id: int) -> int:
    with db.read() as conn:
        return deal_store.get_deal(conn, deal_id).value.minor


@pytest.mark.sqlite_only
def test_every_connection_gets_the_safe_pragmas(db: Database) -> None:
    expected = {"foreign_keys": 1, "journal_mode": "wal", "synchronous": 1}
    with db.write() as writer, db.read() as reader:
        for conn in (writer, reader):
            pragmas = _pragmas(conn)
            assert {k: pragmas[k] for k in expected} == expected
            assert isinstance(pragmas["busy_timeout"], int)
            assert pragmas["busy_timeout"] > 0
    # Connections made after the pool is emptied get them too.
    db.dispose()
    with db.read() as conn:
        assert _pragmas(conn)["foreign_keys"] == 1


@pytest.mark.postgresql_only
def test_every_server_session_is_utc_iso_and_waits_for_locks_at_most_15_s(db: Database) -> None:
    with db.write() as writer, db.read() as reader:
        for conn in (writer, reader):
            settings = conn.exec_driver_sql(
                "SELECT current_setting('TimeZone'), current_setting('DateStyle'),"
                " current_setting('lock_timeout')"
            ).one()
            assert tuple(settings) == ("UTC", "ISO, YMD", "15s")
        isolation = reader.exec_driver_sql(
            "SELECT current_setting('transaction_isolation'),"
            " current_setting('transaction_read_only')"
        ).one()
        assert tuple(isolation) == ("repeatable read", "on")  # one snapshot per read block
    db.dispose()
    with db.read() as conn:
        assert conn.exec_driver_sql("SELECT current_setting('TimeZone')").scalar() == "UTC"


def test_a_write_transaction_holds_the_write_lock_from_its_begin(db: Database) -> None:
    other = Impatient(db)
    try:
        # Nothing executed yet in the block, and still no one else may write.
        with db.write():
            assert not other.begin_write()
        assert other.begin_write()  # free again once the block is left
        other.execute("ROLLBACK")
    finally:
        other.close()


def test_a_read_modify_write_cannot_be_interleaved(db: Database) -> None:
    """The step-by-step lost update of plain sqlite3 cannot happen here: once a
    write transaction has read the value, no one else can start writing."""
    deal_id = deal_service.add_deal(db, title="Shared", value=Money(0, "EUR")).view.deal.id
    other = Impatient(db)
    try:
        with db.write() as conn:
            value = deal_store.get_deal(conn, deal_id).value.minor
            assert not other.begin_write()
            deal_store.update_fields(conn, deal_id=deal_id, now=NOW, value_minor=value + 1)
        assert other.begin_write()
        seen = other.execute("SELECT value_minor FROM deal WHERE id = ?", (deal_id,)).fetchone()
        other.execute("UPDATE deal SET value_minor = ? WHERE id = ?", (seen[0] + 1, deal_id))
        other.execute("COMMIT")
    finally:
        other.close()
    assert _value(db, deal_id) == 2


def test_an_open_read_does_not_block_a_writer_and_keeps_its_snapshot(db: Database) -> None:
    deal_id = deal_service.add_deal(db, title="Read me", value=Money(10, "EUR")).view.deal.id
    other = Impatient(db)
    try:
        with db.read() as reader:
            assert deal_store.get_deal(reader, deal_id).value.minor == 10
            # A writer (even one that will not wait a millisecond) gets through.
            assert other.begin_write()
            other.execute("UPDATE deal SET value_minor = 20 WHERE id = ?", (deal_id,))
            other.execute("COMMIT")
            with db.write() as writer:
                deal_store.update_fields(writer, deal_id=deal_id, now=NOW, value_minor=30)
            # The reader still sees its own consistent snapshot.
            assert deal_store.get_deal(reader, deal_id).value.minor == 10
    finally:
        other.close()
    assert _value(db, deal_id) == 30


def test_an_open_write_does_not_block_readers(db: Database) -> None:
    deal_id = deal_service.add_deal(db, title="Busy", value=Money(10, "EUR")).view.deal.id
    impatient_reader = Impatient(db)
    try:
        with db.write() as writer:
            deal_store.update_fields(writer, deal_id=deal_id, now=NOW, value_minor=99)
            # Readers see the last committed value, at once.
            assert _value(db, deal_id) == 10
            row = impatient_reader.execute(
                "SELECT value_minor FROM deal WHERE id = ?", (deal_id,)
            ).fetchone()
            assert row == (10,)
    finally:
        impatient_reader.close()
    assert _value(db, deal_id) == 99


def test_foreign_keys_are_enforced_and_the_whole_transaction_rolls_back(db: Database) -> None:
    with db.read() as conn:
        before = deal_store.count_deals(conn)
        history = conn.exec_driver_sql("SELECT count(*) FROM stage_history").scalar()
        pipeline_id = conn.exec_driver_sql("SELECT id FROM pipeline").scalar()
        stage_id = conn.exec_driver_sql("SELECT min(id) FROM stage").scalar()

    with pytest.raises(IntegrityError, match=r"(?i)foreign key"), db.write() as conn:
        # A good deal first, then one in a stage that does not exist.
        deal_store.insert_deal(
            conn,
            title="Good",
            search_key="good",
            pipeline_id=pipeline_id,
            stage_id=stage_id,
            value=Money(1, "EUR"),
            now=NOW,
        )
        deal_store.insert_deal(
            conn,
            title="Bad",
            search_key="bad",
            pipeline_id=pipeline_id,
            stage_id=9_999,
            value=Money(1, "EUR"),
            now=NOW,
        )

    with db.read() as conn:
        assert deal_store.count_deals(conn) == before
        assert conn.exec_driver_sql("SELECT count(*) FROM stage_history").scalar() == history


def test_a_stage_with_deals_cannot_be_deleted_under_them(db: Database) -> None:
    deal = deal_service.add_deal(db, title="Anchored", value=Money(1, "EUR")).view.deal
    with pytest.raises(IntegrityError, match=r"(?i)foreign key"), db.write() as conn:
        conn.exec_driver_sql(f"DELETE FROM stage WHERE id = {deal.stage_id}")
    with db.read() as conn:
        assert deal_store.get_deal(conn, deal.id).stage_id == deal.stage_id


def test_an_exception_in_a_write_block_rolls_everything_back(db: Database) -> None:
    deal_id = deal_service.add_deal(db, title="Safe", value=Money(10, "EUR")).view.deal.id
    with pytest.raises(RuntimeError, match="changed my mind"), db.write() as conn:
        deal_store.update_fields(conn, deal_id=deal_id, now=NOW, value_minor=11)
        deal_store.delete_deal(conn, deal_id=9_999)
        raise RuntimeError("changed my mind")
    assert _value(db, deal_id) == 10


def _switch_to_wal(engine: Engine, start: threading.Barrier, failures: list[BaseException]) -> None:
    start.wait()
    try:
        engines.enable_wal(engine)
    except BaseException as error:  # collected, asserted by the test
        failures.append(error)


def test_switching_to_wal_from_several_connections_at_once_never_fails(tmp_path: Path) -> None:
    """Several processes opening a new file all switch it to WAL together; SQLite
    refuses all but one at once with "database is locked" (no busy wait)."""
    failures: list[BaseException] = []
    for round_ in range(30):
        path = tmp_path / f"new-{round_}.db"
        plain = sqlite3.connect(path)
        plain.execute("CREATE TABLE t (x)")  # a file in the default rollback mode
        plain.commit()
        plain.close()
        url = engines.database_url(str(path))
        engine_list = [engines.make_engines(url)[0] for _ in range(4)]
        for engine in engine_list:
            engine.raw_connection().close()  # connected before the race
        start = threading.Barrier(len(engine_list))
        threads = [
            threading.Thread(target=_switch_to_wal, args=(engine, start, failures))
            for engine in engine_list
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        for engine in engine_list:
            engine.dispose()
        plain = sqlite3.connect(path)
        mode = plain.execute("PRAGMA journal_mode").fetchone()
        plain.close()
        assert failures == []
        assert mode == ("wal",)
