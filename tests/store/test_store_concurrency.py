"""Two pipetui processes working on one database at once lose nothing.

Each worker process does 300 read-modify-write transactions on one deal: read its
value, wait a moment (the window in which the other process could slip in), write
value + 1. The workers start together (a go-file both wait for after their
imports) and pause briefly between transactions, so their commits interleave.

With pipetui's `Database.write()` (a real BEGIN IMMEDIATE) all 600 land. The
contrast is the reason for that recipe: Python's sqlite3 in its default mode
runs the SELECT outside any transaction and only BEGINs (deferred) at the
UPDATE, so the other process's increments are silently overwritten.

Starting an interpreter that imports the store costs most of these tests' time,
so the same two pipetui workers first race to open a brand-new file (as two
pipetui windows started at once on a first run would), then do their 300
transactions; each of the two tests checks its part of that one run.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from racers import race

from pipetui.domain.money import Money
from pipetui.services import deals as deal_service
from pipetui.store.database import open_database

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)

ROUNDS = 300
WORKERS = ("a", "b")
INSIDE_S = 0.0005  # between a transaction's read and its write
BETWEEN_S = 0.001  # between two transactions of one worker

# Runs in a fresh interpreter: `python -c WORKER '<json args>'`. Prints one JSON line.
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

    def open_fresh():
        fresh = open_database(args["fresh"], now=now)
        fresh.dispose()
        return fresh.migration.created

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
deadline = time.monotonic() + 60
while not go.exists():
    if time.monotonic() > deadline:
        sys.exit("the go signal never came")
    time.sleep(0.0005)

report = {}
if args.get("fresh"):
    try:
        report["created"] = open_fresh()
    except Exception as error:
        report["open_error"] = f"{type(error).__name__}: {error}".splitlines()[0]

applied, errors = 0, []
started = time.monotonic()
for _ in range(args["rounds"]):
    try:
        transaction()
        applied += 1
    except Exception as error:
        errors.append(f"{type(error).__name__}: {error}".splitlines()[0])
    time.sleep(args["between"])
report.update(applied=applied, errors=errors, start=started, end=time.monotonic())
print(json.dumps(report))
"""


@dataclass(frozen=True)
class Run:
    """What the two workers did, and the deal's value afterwards."""

    reports: list[dict[str, Any]]
    final_value: int
    commit_order: list[str]

    @property
    def applied(self) -> int:
        return sum(r["applied"] for r in self.reports)

    @property
    def errors(self) -> list[str]:
        return [e for r in self.reports for e in r["errors"]]

    @property
    def switches(self) -> int:
        """How often the next commit came from the other worker."""
        return sum(1 for x, y in pairwise(self.commit_order) if x != y)

    @property
    def overlapped(self) -> bool:
        """Whether the two workers' transaction loops ran at the same time."""
        (start_a, end_a), (start_b, end_b) = [(r["start"], r["end"]) for r in self.reports]
        return start_a < end_b and start_b < end_a


def _contended_deal(path: Path) -> int:
    """A database with a deal worth 0, and a table logging which worker committed when."""
    db = open_database(str(path), now=NOW)
    try:
        deal = deal_service.add_deal(db, title="Contended", value=Money(0, "EUR")).view.deal
        with db.write() as conn:
            conn.exec_driver_sql(
                "CREATE TABLE commit_log (seq INTEGER PRIMARY KEY, worker TEXT NOT NULL)"
            )
    finally:
        db.dispose()
    return deal.id


def _run_workers(folder: Path, mode: str, *, fresh: Path | None = None) -> Run:
    """Start both workers, release them together, wait for them, read the outcome."""
    db_path = folder / f"{mode}.db"
    deal_id = _contended_deal(db_path)
    go = folder / f"go-{mode}"
    env = {
        **os.environ,
        "PIPETUI_NOW": NOW.isoformat(),
        "HOME": str(folder / "home"),
        "XDG_DATA_HOME": str(folder / "xdg-data"),
        "XDG_CONFIG_HOME": str(folder / "xdg-config"),
    }
    env.pop("PIPETUI_DB", None)
    args = [
        {
            "mode": mode,
            "db": str(db_path),
            "fresh": str(fresh) if fresh else None,
            "deal_id": deal_id,
            "name": name,
            "rounds": ROUNDS,
            "inside": INSIDE_S,
            "between": BETWEEN_S,
            "now": NOW.isoformat(),
            "ready": str(folder / f"ready-{mode}-{name}"),
        }
        for name in WORKERS
    ]
    reports = race(WORKER, args, go, env, timeout=60)
    plain = sqlite3.connect(db_path)
    try:
        final = plain.execute("SELECT value_minor FROM deal WHERE id = ?", (deal_id,)).fetchone()
        order = [row[0] for row in plain.execute("SELECT worker FROM commit_log ORDER BY seq")]
    finally:
        plain.close()
    return Run(reports, final[0], order)


@pytest.fixture(scope="module")
def pipetui_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Run, Path]:
    """One run of two pipetui workers, and the new file they both opened first."""
    folder = tmp_path_factory.mktemp("concurrency")
    fresh = folder / "fresh.db"
    return _run_workers(folder, "pipetui", fresh=fresh), fresh


def test_two_processes_each_adding_300_to_one_deal_end_at_600(
    pipetui_run: tuple[Run, Path],
) -> None:
    run, _ = pipetui_run
    assert run.errors == []
    assert run.applied == 2 * ROUNDS
    assert run.final_value == 2 * ROUNDS
    # They really ran at the same time, their commits interleaving. How often
    # is the scheduler's: a full suite on a loaded 2-core machine once gave
    # only 3 switches (each worker commits in bursts), so ask for interleaving
    # (A…B…A), not a count.
    assert run.overlapped
    assert run.switches >= 2, run.switches


def test_two_processes_opening_a_new_file_at_once_both_succeed(
    pipetui_run: tuple[Run, Path],
) -> None:
    """One creates the schema, the other finds it made (this used to fail on the
    version row, or on switching the file to WAL)."""
    run, fresh = pipetui_run
    assert [r.get("open_error") for r in run.reports] == [None, None]
    assert sorted(r["created"] for r in run.reports) == [False, True]
    plain = sqlite3.connect(fresh)
    try:
        versions = plain.execute("SELECT version FROM pipetui_schema").fetchall()
        pipelines = plain.execute("SELECT name FROM pipeline").fetchall()
        stages = plain.execute("SELECT count(*) FROM stage").fetchone()
        mode = plain.execute("PRAGMA journal_mode").fetchone()
    finally:
        plain.close()
    assert len(versions) == 1
    assert pipelines == [("Sales",)]
    assert stages == (6,)
    assert mode == ("wal",)


def test_contrast_plain_sqlite3_default_mode_loses_updates_between_processes(
    tmp_path: Path,
) -> None:
    """The reason for the recipe, same workload without it. With a 0.5 ms window
    between read and write and hundreds of interleaved commits, some increments
    are overwritten (or, at worst, fail): never do all 600 land cleanly."""
    run = _run_workers(tmp_path, "plain")

    assert run.overlapped
    lost = run.applied - run.final_value
    assert lost > 0 or run.errors, (run.applied, run.final_value)


def test_contrast_the_lost_update_step_by_step(tmp_path: Path) -> None:
    """The same loss, deterministic: two default-mode connections interleaved by hand."""
    path = tmp_path / "steps.db"
    deal_id = _contended_deal(path)
    read = "SELECT value_minor FROM deal WHERE id = ?"
    write = "UPDATE deal SET value_minor = ? WHERE id = ?"
    first, second = sqlite3.connect(path), sqlite3.connect(path)
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
