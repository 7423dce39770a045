"""Two processes changing the same deal at once lose nothing.

Each worker process does 300 read-modify-write transactions on one deal: read its
value, wait a moment (the window in which the other process could slip in), write
value + 1. The workers start together (a go-file both wait for after their
imports) and pause briefly between transactions, so their commits interleave.

With pipetui's `Database.write()` (a real BEGIN IMMEDIATE) all 600 land. The
contrast is the reason for that recipe: Python's sqlite3 in its default mode
runs the SELECT outside any transaction and only BEGINs (deferred) at the
UPDATE, so the other process's increments are silently overwritten.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path

from pipetui.domain.money import Money
from pipetui.services import deals as deal_service
from pipetui.store.database import Database, open_database

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)

ROUNDS = 300
WORKERS = ("a", "b")

# Runs in a fresh interpreter: `python -c WORKER '<json args>'`.
WORKER = r"""
import json, sqlite3, sys, time
from pathlib import Path

args = json.loads(sys.argv[1])
deal_id = args["deal_id"]
if args["mode"] == "pipetui":
    from datetime import datetime
    from sqlalchemy import text
    from pipetui.store import deals
    from pipetui.store.database import open_database

    now = datetime.fromisoformat(args["now"])
    db = open_database(args["db"], now=now)

    def transaction():
        with db.write() as conn:
            value = deals.get_deal(conn, deal_id).value.minor
            time.sleep(args["inside"])
            deals.update_fields(conn, deal_id=deal_id, now=now, value_minor=value + 1)
            conn.execute(text("INSERT INTO commit_log (worker) VALUES (:w)"), {"w": args["name"]})

else:  # Python's sqlite3 in its default (deferred, legacy) transaction mode
    plain = sqlite3.connect(args["db"])

    def transaction():
        try:
            value = plain.execute(
                "SELECT value_minor FROM deal WHERE id = ?", (deal_id,)
            ).fetchall()[0][0]
            time.sleep(args["inside"])
            plain.execute("UPDATE deal SET value_minor = ? WHERE id = ?", (value + 1, deal_id))
            plain.execute("INSERT INTO commit_log (worker) VALUES (?)", (args["name"],))
            plain.commit()
        except BaseException:
            plain.rollback()
            raise

Path(args["ready"]).touch()
go = Path(args["go"])
deadline = time.monotonic() + 30
while not go.exists():
    if time.monotonic() > deadline:
        sys.exit("the go signal never came")
    time.sleep(0.0005)

applied, errors = 0, []
started = time.monotonic()
for _ in range(args["rounds"]):
    try:
        transaction()
        applied += 1
    except Exception as error:
        errors.append(f"{type(error).__name__}: {error}".splitlines()[0])
    time.sleep(args["between"])
print(json.dumps({"applied": applied, "errors": errors, "start": started, "end": time.monotonic()}))
"""


@dataclass(frozen=True)
class Run:
    """What the two workers did, and the deal's value afterwards."""

    applied: int
    errors: list[str]
    final_value: int
    switches: int
    windows: list[tuple[float, float]]


def _contended_deal(db: Database) -> int:
    """A deal worth 0, and a log table recording which worker committed when."""
    deal = deal_service.add_deal(db, title="Contended", value=Money(0, "EUR")).view.deal
    with db.write() as conn:
        conn.exec_driver_sql(
            "CREATE TABLE commit_log (seq INTEGER PRIMARY KEY, worker TEXT NOT NULL)"
        )
    return deal.id


def _run_workers(tmp_path: Path, db_path: Path, deal_id: int, mode: str) -> Run:
    go = tmp_path / f"go-{mode}"
    processes = []
    for name in WORKERS:
        args = {
            "mode": mode,
            "db": str(db_path),
            "deal_id": deal_id,
            "name": name,
            "rounds": ROUNDS,
            "inside": 0.0005,
            "between": 0.001,
            "now": NOW.isoformat(),
            "ready": str(tmp_path / f"ready-{mode}-{name}"),
            "go": str(go),
        }
        processes.append(
            subprocess.Popen(
                [sys.executable, "-c", WORKER, json.dumps(args)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    try:
        deadline = time.monotonic() + 60
        while not all((tmp_path / f"ready-{mode}-{name}").exists() for name in WORKERS):
            assert all(p.poll() is None for p in processes), "a worker died before the start"
            assert time.monotonic() < deadline, "the workers never got ready"
            time.sleep(0.005)
        go.touch()
        reports = []
        for process in processes:
            out, err = process.communicate(timeout=60)
            assert process.returncode == 0, err
            reports.append(json.loads(out))
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
    with sqlite3.connect(db_path) as plain:
        final = plain.execute("SELECT value_minor FROM deal WHERE id = ?", (deal_id,)).fetchone()
        order = [row[0] for row in plain.execute("SELECT worker FROM commit_log ORDER BY seq")]
    plain.close()
    return Run(
        applied=sum(r["applied"] for r in reports),
        errors=[e for r in reports for e in r["errors"]],
        final_value=final[0],
        switches=sum(1 for x, y in pairwise(order) if x != y),
        windows=[(r["start"], r["end"]) for r in reports],
    )


def _overlap(windows: list[tuple[float, float]]) -> bool:
    (start_a, end_a), (start_b, end_b) = windows
    return start_a < end_b and start_b < end_a


def test_two_processes_each_adding_300_to_one_deal_end_at_600(
    db: Database, db_path: Path, tmp_path: Path
) -> None:
    deal_id = _contended_deal(db)

    run = _run_workers(tmp_path, db_path, deal_id, "pipetui")

    assert run.errors == []
    assert run.applied == 2 * ROUNDS
    assert run.final_value == 2 * ROUNDS
    # They really ran at the same time, their commits interleaving.
    assert _overlap(run.windows)
    assert run.switches >= 10, run.switches


def test_contrast_plain_sqlite3_default_mode_loses_updates_between_processes(
    db: Database, db_path: Path, tmp_path: Path
) -> None:
    """The reason for the recipe, same workload without it. With a 0.5 ms window
    between read and write and hundreds of interleaved commits, some increments
    are overwritten (or, in the worst case, fail): never all 600 land cleanly."""
    deal_id = _contended_deal(db)

    run = _run_workers(tmp_path, db_path, deal_id, "plain")

    assert _overlap(run.windows)
    lost = run.applied - run.final_value
    assert lost > 0 or run.errors, (run.applied, run.final_value)


def test_contrast_the_lost_update_step_by_step(db: Database, db_path: Path) -> None:
    """The same loss, deterministic: two default-mode connections interleaved by hand."""
    deal_id = _contended_deal(db)
    read = "SELECT value_minor FROM deal WHERE id = ?"
    write = "UPDATE deal SET value_minor = ? WHERE id = ?"
    first, second = sqlite3.connect(db_path), sqlite3.connect(db_path)
    try:
        seen_by_first = first.execute(read, (deal_id,)).fetchall()[0][0]
        seen_by_second = second.execute(read, (deal_id,)).fetchall()[0][0]
        first.execute(write, (seen_by_first + 1, deal_id))
        first.commit()
        second.execute(write, (seen_by_second + 1, deal_id))  # no error...
        second.commit()
        final = first.execute(read, (deal_id,)).fetchall()[0][0]
    finally:
        first.close()
        second.close()
    assert final == 1  # ...but two increments made 1: the first one is gone


def test_processes_opening_a_new_database_at_once_all_succeed(tmp_path: Path) -> None:
    """Starting pipetui twice on a fresh file: one creates the schema, the other
    sees it (it used to fail on the version row or on switching to WAL)."""
    path = tmp_path / "fresh.db"
    go = tmp_path / "go-open"
    code = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from datetime import datetime\n"
        "from pipetui.store.database import open_database\n"
        "Path(sys.argv[3]).touch()\n"
        "while not Path(sys.argv[2]).exists(): time.sleep(0.0005)\n"
        "db = open_database(sys.argv[1], now=datetime.fromisoformat(sys.argv[4]))\n"
        "print(db.migration.created if db.migration else None)\n"
    )
    names = [f"ready-open-{n}" for n in range(3)]
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(path), str(go), str(tmp_path / n), NOW.isoformat()],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in names
    ]
    try:
        deadline = time.monotonic() + 60
        while not all((tmp_path / n).exists() for n in names):
            assert all(p.poll() is None for p in processes), "a process died before the start"
            assert time.monotonic() < deadline
            time.sleep(0.005)
        go.touch()
        outcomes = []
        for process in processes:
            out, err = process.communicate(timeout=60)
            assert process.returncode == 0, err
            outcomes.append(out.strip())
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()

    assert outcomes.count("True") == 1, outcomes  # exactly one created it
    db = open_database(str(path), now=NOW)
    try:
        with db.read() as conn:
            versions = conn.exec_driver_sql("SELECT version FROM pipetui_schema").all()
            pipelines = conn.exec_driver_sql("SELECT name FROM pipeline").all()
            stages = conn.exec_driver_sql("SELECT count(*) FROM stage").scalar()
            mode = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
    finally:
        db.dispose()
    assert len(versions) == 1
    assert [p[0] for p in pipelines] == ["Sales"]
    assert stages == 6
    assert mode == "wal"
