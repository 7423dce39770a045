"""A teammate's write on PostgreSQL is noticed without polling any table: every
write transaction NOTIFYs on commit, and `Database.data_version()` counts the
notices of other sessions (its own are marked with its token and left out).
A listener whose connection drops reconnects and counts one change, so a window
reloads once instead of missing what happened while it was deaf."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from pipetui.domain.money import Money
from pipetui.services import deals as deal_service
from pipetui.store.change_listener import LISTENER_NAME, ChangeListener
from pipetui.store.database import Database, open_database
from pipetui.store.libpq import LibpqParams

NOW_TEXT = "2026-11-20T10:00:00+00:00"
NOW = datetime.fromisoformat(NOW_TEXT)

pytestmark = pytest.mark.postgresql_only("LISTEN/NOTIFY is the server's")


def _changed(db: Database, since: int, *, seconds: float = 3.0) -> int:
    """data_version as soon as it differs from `since` (or `since` after `seconds`)."""
    deadline = time.monotonic() + seconds
    while True:
        version = db.data_version()
        assert version is not None
        if version != since or time.monotonic() > deadline:
            return version
        time.sleep(0.02)


def _after_a_while(db: Database) -> int | None:
    """data_version once any notice in flight has surely arrived."""
    time.sleep(0.3)
    return db.data_version()


def _listeners(db: Database) -> list[int]:
    """The backend pids of pipetui listening sessions on db's database."""
    with db.read() as conn:
        rows = conn.execute(
            text(
                "SELECT pid FROM pg_stat_activity "
                "WHERE application_name = :name AND datname = current_database()"
            ),
            {"name": LISTENER_NAME},
        )
        return [int(row[0]) for row in rows]


def test_a_write_through_another_database_changes_the_version_and_our_own_does_not(
    db: Database, new_target: Callable[[str], str]
) -> None:
    assert not db.counts_own_writes
    first = db.data_version()
    assert first is not None

    deal_service.add_deal(db, title="Ours", value=Money(1_000, "USD"))
    assert _after_a_while(db) == first  # our own write is not someone else's

    other = open_database(str(db.url), now=NOW)
    try:
        deal_service.add_deal(other, title="Theirs", value=Money(2_000, "USD"))
    finally:
        other.dispose()
    after_theirs = _changed(db, first)
    assert after_theirs != first

    # Reading (a read transaction sends nothing) changes nothing.
    deal_service.list_deals(db)
    assert _after_a_while(db) == after_theirs


def test_a_cli_process_writing_changes_the_version(db: Database) -> None:
    before = db.data_version()
    assert before is not None
    done = subprocess.run(
        [str(Path(sys.executable).parent / "pipetui"), "--db", str(db.url), "deal", "add", "CLI"],
        capture_output=True,
        text=True,
        env=dict(os.environ),  # (the fixtures' frozen clock and private HOME)
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert _changed(db, before) != before
    assert [view.deal.title for view in deal_service.list_deals(db)] == ["CLI"]


def test_a_dropped_listener_reconnects_and_counts_one_change(db: Database) -> None:
    before = db.data_version()
    assert before is not None
    [pid] = _listeners(db)
    with db.read() as conn:
        assert conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()

    after_drop = _changed(db, before)
    assert after_drop == before + 1  # the reload that covers what was missed
    [again] = _listeners(db)
    assert again != pid

    # Listening again: the next write elsewhere is heard.
    other = open_database(str(db.url), now=NOW)
    try:
        deal_service.add_deal(other, title="After the drop", value=Money(1, "USD"))
    finally:
        other.dispose()
    assert _changed(db, after_drop) > after_drop


def test_dispose_closes_the_listener(new_target: Callable[[str], str]) -> None:
    db = open_database(new_target("live.db"), now=NOW)
    watcher = open_database(str(db.url), now=NOW)
    try:
        assert db.data_version() is not None
        assert len(_listeners(watcher)) == 1
        db.dispose()
        deadline = time.monotonic() + 5
        while _listeners(watcher) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _listeners(watcher) == []
    finally:
        db.dispose()
        watcher.dispose()


def test_an_unreachable_server_is_tried_again_later_without_raising(tmp_path: Path) -> None:
    nowhere = LibpqParams({"host": str(tmp_path), "dbname": "gone"}, {})
    listener = ChangeListener(nowhere, channel="pipetui_changes", own_token="t")
    started = time.monotonic()
    assert [listener.version() for _ in range(5)] == [0] * 5
    assert time.monotonic() - started < 2  # (one attempt; the next after RETRY_SECONDS)
    listener.close()
