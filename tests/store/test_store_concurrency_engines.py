"""Several pipetui processes on one database at once, on SQLite and on a real
PostgreSQL server: nothing is lost, no history chain breaks, the funnel summary
stays equal to a recount, and a new database opened by many at once is created
exactly once.

Each worker is a fresh interpreter (as another window, CLI or teammate would
be) that waits for a go signal after its imports, so the workers really run
at the same time; each scenario checks that their work overlapped.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from racers import race

from db_targets import Targets
from pipetui.domain.money import Money
from pipetui.services import deals as deal_service
from pipetui.store import funnel_facts
from pipetui.store.database import Database, open_database
from table_dump import dump

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
PROCESSES = 4

WORKER = r"""
import json, sys, time
from datetime import datetime
from pathlib import Path

args = json.loads(sys.argv[1])
now = datetime.fromisoformat(args["now"])
from pipetui.domain.errors import ValidationError
from pipetui.services import deals as deal_service
from pipetui.store import deals
from pipetui.store.database import open_database

Path(args["ready"]).touch()
go = Path(args["go"])
deadline = time.monotonic() + 60
while not go.exists():
    if time.monotonic() > deadline:
        sys.exit("the go signal never came")
    time.sleep(0.0005)

report = {"start": time.monotonic(), "applied": 0, "errors": []}
try:
    db = open_database(args["db"], now=now)
    report["created"] = db.migration.created
except Exception as error:
    report["errors"].append(f"open: {type(error).__name__}: {error}".splitlines()[0])
    db = None
if db is not None and args["work"] == "increment":
    for _ in range(args["rounds"]):
        try:
            with db.write() as conn:
                value = deals.lock_deal(conn, args["deal"]).value.minor
                time.sleep(0.0005)  # the window another writer would slip into
                deals.update_fields(conn, deal_id=args["deal"], now=now, value_minor=value + 1)
            report["applied"] += 1
        except Exception as error:
            report["errors"].append(f"{type(error).__name__}: {error}".splitlines()[0])
        time.sleep(0.001)
elif db is not None and args["work"] == "moves":
    for n in range(args["rounds"]):
        try:
            deal_service.step_deal(db, args["deal"], steps=1 if n % 2 == 0 else -1)
            report["applied"] += 1
        except ValidationError as error:  # the first or last stage: refused, nothing written
            report.setdefault("refused", 0)
            report["refused"] += 1
        except Exception as error:
            report["errors"].append(f"{type(error).__name__}: {error}".splitlines()[0])
        time.sleep(0.001)
if db is not None:
    db.dispose()
report["end"] = time.monotonic()
print(json.dumps(report))
"""


def _run(folder: Path, target: str, work: str, *, deal: int = 0, rounds: int = 0) -> list[Any]:
    """PROCESSES workers doing `work` on `target`, released together."""
    go = folder / f"go-{work}"
    env = {**os.environ, "PIPETUI_NOW": NOW.isoformat()}
    env.pop("PIPETUI_DB", None)
    args = [
        {
            "db": target,
            "work": work,
            "deal": deal,
            "rounds": rounds,
            "now": NOW.isoformat(),
            "ready": str(folder / f"ready-{work}-{n}"),
        }
        for n in range(PROCESSES)
    ]
    return race(WORKER, args, go, env, timeout=120)


def _overlapped(reports: list[Any]) -> bool:
    """Whether every worker's loop ran while another's did."""
    return all(
        any(r["start"] < o["end"] and o["start"] < r["end"] for o in reports if o is not r)
        for r in reports
    )


def _with_deal(target: str) -> tuple[Database, int]:
    db = open_database(target, now=NOW)
    deal = deal_service.add_deal(db, title="Contended", value=Money(0, "EUR"), stage="Proposal")
    return db, deal.view.deal.id


def test_many_processes_incrementing_one_deal_lose_nothing(
    new_target: Targets, tmp_path: Path
) -> None:
    target = new_target("p.db")
    db, deal_id = _with_deal(target)
    rounds = 60
    try:
        reports = _run(tmp_path, target, "increment", deal=deal_id, rounds=rounds)
        assert [e for r in reports for e in r["errors"]] == []
        assert sum(r["applied"] for r in reports) == PROCESSES * rounds
        assert _overlapped(reports)
        assert deal_service.show_deal(db, deal_id).view.deal.value.minor == PROCESSES * rounds
    finally:
        db.dispose()


def test_many_processes_opening_one_new_database_create_it_once(
    new_target: Targets, tmp_path: Path
) -> None:
    """The first creates the schema; the others wait for it, then find it made
    (on PostgreSQL this failed every time on pg_type's unique index)."""
    target = new_target("fresh.db")

    reports = _run(tmp_path, target, "open")

    assert [r["errors"] for r in reports] == [[]] * PROCESSES
    assert sorted(r["created"] for r in reports) == [False] * (PROCESSES - 1) + [True]
    db = open_database(target, now=NOW)
    try:
        tables = dump(db)
        assert len(tables["pipetui_schema"]) == 1
        assert [row[1] for row in tables["pipeline"]] == ["Sales"]
        assert len(tables["stage"]) == 6
    finally:
        db.dispose()


def test_many_processes_moving_one_deal_keep_its_history_and_the_funnel_exact(
    new_target: Targets, tmp_path: Path
) -> None:
    target = new_target("p.db")
    db, deal_id = _with_deal(target)
    rounds = 40
    try:
        reports = _run(tmp_path, target, "moves", deal=deal_id, rounds=rounds)
        assert [e for r in reports for e in r["errors"]] == []
        assert _overlapped(reports)
        moves = sum(r["applied"] for r in reports)
        assert moves + sum(r.get("refused", 0) for r in reports) == PROCESSES * rounds

        with db.read() as conn:
            history = conn.exec_driver_sql(
                "SELECT from_stage_id, to_stage_id FROM stage_history"
                f" WHERE deal_id = {deal_id} ORDER BY id"
            ).all()
            stage_id = conn.exec_driver_sql(
                f"SELECT stage_id FROM deal WHERE id = {deal_id}"
            ).scalar()
        assert len(history) == 1 + moves  # the creation, then one row per move
        for before, after in pairwise(history):
            assert after[0] == before[1], history  # each move starts where the last ended
        assert history[-1][1] == stage_id

        summary = dump(db)["funnel_fact"]
        with db.write() as conn:
            funnel_facts.rebuild(conn)
        assert dump(db)["funnel_fact"] == summary
    finally:
        db.dispose()


@pytest.mark.postgresql_only
def test_a_writer_waiting_for_a_long_import_says_who_holds_the_lock(
    new_target: Targets, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a server, a writer gives up after the lock timeout naming what the
    holder does (its application_name), not a bare "lock timeout"."""
    from sqlalchemy.exc import OperationalError

    from pipetui.store import engine as engines

    monkeypatch.setattr(engines, "BUSY_TIMEOUT_MS", 300)  # instead of 15 s
    target = new_target("p.db")
    holder, other = open_database(target, now=NOW), open_database(target, now=NOW)
    try:
        with holder.write(holding="importing deals.csv (20,000 rows)"):
            with other.read() as conn:
                role = conn.exec_driver_sql("SELECT current_user").scalar()
                expected = f"pipetui: importing deals.csv (20,000 rows) (role {role})"
                assert engines.held_by(conn) == expected
            with pytest.raises(OperationalError) as waited, other.write():
                pass
        assert str(waited.value.orig) == (
            f"database is busy: another client holds the write lock: {expected};"
            " gave up after waiting 0.3 s, try again when it has finished"
        )
        with other.write():  # free again
            pass
    finally:
        holder.dispose()
        other.dispose()
