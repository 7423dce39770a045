"""kill -9 at a random moment: whatever a crash (a power cut, the OOM killer, a
closed terminal) interrupts, the database it leaves is whole.

Real `pipetui` processes (the installed console script, in an isolated
environment) work on one SQLite file and get SIGKILL at a seeded random moment:
mid-import, mid-move, mid-demo. After every kill, before anything else opens the
file:

- SQLite finds it sound: `PRAGMA integrity_check` is ok, `foreign_key_check` empty;
- an import is all or nothing: of the file's deals, none or all are there, and
  when none are, nothing else of the file (contacts, stages...) is either;
- `demo` is all or nothing: the database is exactly as a finished demo leaves
  it, or exactly as a new one (or, killed before it made its tables, has none);
- every deal's stage history is a chain ending where the deal is now, and no
  history row was written without its deal change (each adds one to the deal's
  version, and a killed move leaves one change or none, never half of one);
- the funnel's running summary equals a recount.

PIPETUI_CRASH_ITERATIONS sets the processes per workload (default 3, for
`make test`; `make soak` runs 200), PIPETUI_CRASH_SEED another sequence of
moments. The moments are seeded, but what a moment hits depends on the
machine's speed, so a failure prints the seed, the iteration and the command.
"""

from __future__ import annotations

import contextlib
import csv
import importlib.util
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

from pipetui.store import funnel_facts
from pipetui.store.database import open_database

ITERATIONS = int(os.environ.get("PIPETUI_CRASH_ITERATIONS", "3"))
SEED = int(os.environ.get("PIPETUI_CRASH_SEED", "13"))
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
ROWS = 3000
"""Rows per imported file: enough that the import holds the write lock for a
few hundred milliseconds, so a kill often lands inside it."""
FILES_PER_DATABASE = 3
"""Imports that landed before the loop starts again on a new database, so a
long soak does not grow one file to hundreds of thousands of deals."""
FUNNEL = (
    "SELECT pipeline_id, day, fact, stage_id, currency, n, amount, amount_own,"
    " ms, open_n, open_start FROM funnel_fact ORDER BY 1, 2, 3, 4, 5"
)
Stop = Callable[[subprocess.Popen[bytes]], object]


@dataclass(frozen=True)
class Run:
    """What one process did: its exit status (-9 when the kill ended it)."""

    args: tuple[str, ...]
    pid: int
    code: int
    seconds: float
    stderr: str

    @property
    def killed(self) -> bool:
        """Whether the kill ended it (rather than it finishing first)."""
        return self.code == -signal.SIGKILL

    def ended_well(self, where: str) -> None:
        """A process ends by finishing its work or by the kill, never by an error
        ("database is locked" after an earlier kill would be one)."""
        assert self.code in (0, -signal.SIGKILL), (
            f"{where}: pipetui {' '.join(self.args)} exited {self.code}: {self.stderr}"
        )


class Pipetui:
    """The installed console script, started against files in one folder."""

    def __init__(self, tmp_path: Path) -> None:
        self.path = Path(sys.executable).parent / "pipetui"
        self.env = {
            **os.environ,
            "PIPETUI_CONFIG": str(tmp_path / "none.toml"),
            "HOME": str(tmp_path / "home"),
            "XDG_DATA_HOME": str(tmp_path / "xdg-data"),
            "XDG_CONFIG_HOME": str(tmp_path / "xdg-config"),
            "XDG_STATE_HOME": str(tmp_path / "xdg-state"),
        }
        self.env.pop("PIPETUI_DB", None)
        self.folder = tmp_path
        self.log = tmp_path / "stderr.log"

    def __call__(self, *args: str | Path, stop: Stop | None = None, now: datetime = NOW) -> Run:
        """Run one command; `stop`, if given, waits for the moment to kill it."""
        argv = tuple(str(a) for a in args)
        started = time.monotonic()
        with self.log.open("wb") as stderr:
            process = subprocess.Popen(
                [str(self.path), *argv],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
                env={**self.env, "PIPETUI_NOW": now.isoformat()},
                cwd=self.folder,
            )
            try:
                if stop is not None:
                    stop(process)
                    process.kill()  # does nothing if it has finished
                code = process.wait(timeout=120)
            finally:
                if process.poll() is None:
                    process.kill()
                    process.wait()
        seconds = time.monotonic() - started
        stderr_text = self.log.read_text(encoding="utf-8", errors="replace")
        return Run(argv, process.pid, code, seconds, stderr_text)


def after(seconds: float) -> Stop:
    """Kill `seconds` after the start (unless it has finished by then)."""

    def stop(process: subprocess.Popen[bytes]) -> None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=seconds)

    return stop


def moment(rng: random.Random, seconds: float) -> Stop:
    """Kill a command that takes `seconds` to run at a random moment, mostly in
    the last 40 % of its life (measured: from opening the database to exiting,
    which is where it writes), sometimes while it is still starting."""
    share = rng.uniform(0.6, 1.05) if rng.random() < 0.85 else rng.uniform(0, 0.6)
    return after(seconds * share)


def holds_the_lock(db: Path, pid: int) -> bool:
    """Whether process `pid` is inside its import's write transaction: an import
    leaves a note beside the database from just after BEGIN to just before
    COMMIT (`db_files.leave_note`); a killed one leaves it behind."""
    try:
        note = json.loads((db.parent / f"{db.name}-writer").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(note, dict) and note.get("pid") == pid


def inside_the_import(db: Path, seconds: float) -> Stop:
    """Kill `seconds` after the import took the write lock."""

    def stop(process: subprocess.Popen[bytes]) -> None:
        while process.poll() is None:
            if holds_the_lock(db, process.pid):
                after(seconds)(process)
                return
            time.sleep(0.002)

    return stop


def timing_the_lock(db: Path, seen: list[float]) -> Stop:
    """Never kill; collect when (seconds since the start) the import was seen
    holding the write lock."""

    def stop(process: subprocess.Popen[bytes]) -> None:
        started = time.monotonic()
        while process.poll() is None:
            if holds_the_lock(db, process.pid):
                seen.append(time.monotonic() - started)
            time.sleep(0.002)

    return stop


# -- what must hold after every kill ------------------------------------------------


@contextlib.contextmanager
def connect(db: Path) -> Iterator[sqlite3.Connection]:
    """A plain sqlite3 connection, closed after the block."""
    with closing(sqlite3.connect(db)) as conn:
        yield conn


def has_tables(db: Path) -> bool:
    with connect(db) as conn:
        found = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'deal'").fetchone()
        return found is not None


def check_sound(db: Path) -> None:
    """The first opener after the kill recovers the WAL (or journal); then SQLite
    finds nothing broken."""
    with connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


def check_histories(db: Path) -> dict[int, tuple[int, int]]:
    """Every deal's history starts from nothing, each row starts where the one
    before ended, and the last ends where the deal is now. Returns each deal's
    (version, history rows), for "no history row without its deal change"."""
    with connect(db) as conn:
        deals = {
            row[0]: row[1:]
            for row in conn.execute("SELECT id, stage_id, status, closed_at, version FROM deal")
        }
        history: dict[int, list[tuple[Any, ...]]] = {deal_id: [] for deal_id in deals}
        for deal_id, *row in conn.execute(
            "SELECT deal_id, from_stage_id, to_stage_id, from_status, to_status"
            " FROM stage_history ORDER BY deal_id, at, id"
        ):
            history[deal_id].append(tuple(row))
    for deal_id, (stage_id, status, closed_at, _version) in deals.items():
        rows = history[deal_id]
        assert rows, f"deal {deal_id} has no history"
        assert rows[0][0] is None and rows[0][2] is None, (deal_id, rows[0])
        for earlier, later in pairwise(rows):
            assert (later[0], later[2]) == (earlier[1], earlier[3]), (deal_id, earlier, later)
        assert (rows[-1][1], rows[-1][3]) == (stage_id, status), (deal_id, rows[-1], status)
        assert (closed_at is None) == (status == "open"), (deal_id, status, closed_at)
    return {deal_id: (deals[deal_id][3], len(rows)) for deal_id, rows in history.items()}


def check_funnel(db: Path) -> None:
    """The funnel's running summary equals a recount (rebuilt, compared, rolled back)."""
    database = open_database(str(db), now=NOW, migrate=False)
    try:
        with database.engine.connect() as conn:
            transaction = conn.begin()
            kept = [tuple(r) for r in conn.exec_driver_sql(FUNNEL)]
            funnel_facts.rebuild(conn)
            recount = [tuple(r) for r in conn.exec_driver_sql(FUNNEL)]
            transaction.rollback()
    finally:
        database.dispose()
    assert kept == recount


def check_whole(db: Path) -> dict[int, tuple[int, int]]:
    """Everything that must hold after any kill; returns `check_histories`."""
    check_sound(db)
    if not has_tables(db):
        return {}
    versions = check_histories(db)
    check_funnel(db)
    return versions


def counts(db: Path) -> dict[str, int]:
    """Rows per table."""
    with connect(db) as conn:
        names = [n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}


def dump(db: Path) -> dict[str, list[str]]:
    """Every row of every table, order-independent."""
    with connect(db) as conn:
        names = [n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {n: sorted(repr(r) for r in conn.execute(f'SELECT * FROM "{n}"')) for n in names}


def new_database(folder: Path) -> Path:
    """A database as `pipetui` makes a new file (schema, default pipeline)."""
    path = folder / "new.db"
    open_database(str(path), now=NOW).dispose()
    return path


@dataclass
class Tally:
    """What the kills hit, printed for `make soak` (run with -s)."""

    name: str
    outcomes: dict[str, int] = field(default_factory=dict)

    def add(self, outcome: str) -> None:
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1

    def report(self) -> None:
        print(f"\n{self.name} (seed {SEED}): {self.outcomes}")


# -- the workloads ------------------------------------------------------------------


def pipedrive_export(folder: Path) -> list[list[str]]:
    """The import benchmark's Pipedrive-style export (benchmarks/import_file.py)."""
    script = Path(__file__).resolve().parent.parent / "benchmarks" / "import_file.py"
    spec = importlib.util.spec_from_file_location("import_file", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    path = module.write_export(folder / "export.csv", ROWS)
    with path.open(newline="", encoding="utf-8") as source:
        return list(csv.reader(source))


def export_number(folder: Path, rows: list[list[str]], n: int) -> tuple[Path, set[str]]:
    """The export with deal ids and titles of its own (the same people): the
    file, and the external ids its deals get."""
    path = folder / f"deals-{n}.csv"
    numbered = [[str(n * 1_000_000 + int(row[0])), f"{row[1]} #{n}", *row[2:]] for row in rows[1:]]
    with path.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows([rows[0], *numbered])
    return path, {f"pipedrive:{row[0]}" for row in numbered}


def external_ids(db: Path) -> set[str]:
    """The external ids of every deal (an imported deal's "pipedrive:<id>")."""
    with connect(db) as conn:
        return {i for (i,) in conn.execute("SELECT external_id FROM deal") if i is not None}


def test_a_killed_import_leaves_none_or_all_of_its_deals(tmp_path: Path) -> None:
    rng, run, tally = random.Random(f"{SEED}-import"), Pipetui(tmp_path), Tally("import")
    rows = pipedrive_export(tmp_path)
    fresh = counts(new_database(tmp_path))  # a kill may leave the new file with no tables
    databases = 1
    db = tmp_path / "import-1.db"
    number = 1
    path, ids = export_number(tmp_path, rows, number)
    # The first import runs to its end: how long one takes, and holds the lock.
    seen: list[float] = []
    first = run("--db", db, "import", path, stop=timing_the_lock(db, seen))
    assert first.code == 0, first.stderr
    check_whole(db)
    assert external_ids(db) == ids
    held = max(max(seen) - min(seen), 0.05) if seen else 0.2
    landed = [ids]  # the files imported into this database
    number += 1
    path, ids = export_number(tmp_path, rows, number)
    for iteration in range(ITERATIONS):
        where = f"seed {SEED}, iteration {iteration}"
        before = counts(db) or fresh
        if rng.random() < 0.6:  # mostly while it holds the write lock...
            stop = inside_the_import(db, rng.uniform(0, held * 1.3))
        else:  # ...else at any moment of its life
            stop = moment(rng, first.seconds)
        done = run("--db", db, "import", path, stop=stop)
        done.ended_well(where)
        mid_write = holds_the_lock(db, done.pid)
        check_whole(db)
        present = external_ids(db)
        for earlier in landed:
            assert earlier <= present, f"{where}: a finished import lost deals"
        found = len(ids & present)
        assert found in (0, ROWS), f"{where}: {found} of the {ROWS} deals of {path.name}"
        if found == 0:
            assert done.killed, f"{where}: finished, yet imported nothing"
            assert (counts(db) or fresh) == before, f"{where}: no deal imported, yet rows were"
            tally.add("nothing (killed inside its transaction)" if mid_write else "nothing")
            continue
        tally.add("all (killed after its commit)" if done.killed else "all (finished)")
        landed.append(ids)
        if len(landed) == FILES_PER_DATABASE:  # start again on a new database
            for old in db.parent.glob(f"{db.name}*"):
                old.unlink()
            databases += 1
            db, landed = tmp_path / f"import-{databases}.db", []
        path.unlink()
        number += 1
        path, ids = export_number(tmp_path, rows, number)
    tally.report()


def next_change(
    rng: random.Random, db: Path, deal_id: int
) -> tuple[tuple[str, ...], tuple[int, str]]:
    """A change a user could make to the deal now, and the (stage, status) it
    leaves the deal in: an open deal is moved, won or lost; a closed one reopened."""
    with connect(db) as conn:
        pipeline_id, stage_id, status = conn.execute(
            "SELECT pipeline_id, stage_id, status FROM deal WHERE id = ?", (deal_id,)
        ).fetchone()
        stages = conn.execute(
            "SELECT id, name FROM stage WHERE pipeline_id = ? AND id != ?", (pipeline_id, stage_id)
        ).fetchall()
    if status != "open":
        return ("deal", "reopen", str(deal_id)), (stage_id, "open")
    roll = rng.random()
    if roll < 0.6:
        target_id, name = rng.choice(stages)
        return ("deal", "move", str(deal_id), name), (target_id, "open")
    if roll < 0.8:
        return ("deal", "won", str(deal_id)), (stage_id, "won")
    return ("deal", "lost", str(deal_id), "--reason", "Went quiet"), (stage_id, "lost")


def last_change(db: Path, deal_id: int) -> tuple[int, str]:
    with connect(db) as conn:
        row = conn.execute(
            "SELECT to_stage_id, to_status FROM stage_history WHERE deal_id = ?"
            " ORDER BY at DESC, id DESC LIMIT 1",
            (deal_id,),
        ).fetchone()
    return int(row[0]), str(row[1])


def test_killed_moves_leave_every_history_a_chain(tmp_path: Path) -> None:
    rng, run, tally = random.Random(f"{SEED}-moves"), Pipetui(tmp_path), Tally("moves")
    db = tmp_path / "moves.db"
    run("--db", db, "demo").ended_well("the demo to move deals in")
    with connect(db) as conn:
        deal_ids = rng.sample(sorted(i for (i,) in conn.execute("SELECT id FROM deal")), 4)
    versions = check_whole(db)
    typical = 0.0  # seconds a command takes here, from those that finish
    for iteration in range(ITERATIONS):
        deal_id = rng.choice(deal_ids)
        args, expected = next_change(rng, db, deal_id)
        where = f"seed {SEED}, iteration {iteration}, deal {deal_id}"
        # The first and one in three of the others run to their end (timing
        # the rest), which are killed.
        stop = None if iteration == 0 or rng.random() < 1 / 3 else moment(rng, typical)
        clock = NOW + timedelta(minutes=iteration + 1)
        done = run("--db", db, *args, stop=stop, now=clock)
        done.ended_well(where)
        if stop is None:
            typical = done.seconds
        now = check_whole(db)
        changed = {
            i: (now[i][0] - versions[i][0], now[i][1] - versions[i][1])
            for i in versions
            if now[i] != versions[i]
        }
        assert set(changed) <= {deal_id}, f"{where}: other deals changed: {changed}"
        step = changed.get(deal_id, (0, 0))
        assert step in ((0, 0), (1, 1)), f"{where}: (versions, history rows) added: {step}"
        if not done.killed:
            assert step == (1, 1), f"{where}: {' '.join(args)} finished but changed nothing"
        if step == (1, 1):
            assert last_change(db, deal_id) == expected, f"{where}: {' '.join(args)}"
        tally.add(("changed" if step[0] else "unchanged") + (", killed" if done.killed else ""))
        versions = now
    tally.report()


def test_a_killed_demo_leaves_all_of_it_or_an_empty_database(tmp_path: Path) -> None:
    rng, run, tally = random.Random(f"{SEED}-demo"), Pipetui(tmp_path), Tally("demo")
    empty = dump(new_database(tmp_path))
    # The small realistic set, and a scaled one whose write takes long enough
    # that a kill often lands inside it; each first run to its end, for reference.
    variants: list[tuple[str, ...]] = [("demo",), ("demo", "--deals", "1500")]
    finished: dict[tuple[str, ...], tuple[dict[str, list[str]], float]] = {}
    for variant in variants:
        reference = tmp_path / f"finished-{len(finished)}.db"
        done = run("--db", reference, *variant)
        done.ended_well(f"{' '.join(variant)} run to its end")
        check_whole(reference)
        finished[variant] = dump(reference), done.seconds
    databases = 1
    db = tmp_path / "demo-1.db"
    for iteration in range(ITERATIONS):
        variant = variants[iteration % len(variants)]
        expected, seconds = finished[variant]
        where = f"seed {SEED}, iteration {iteration}: {' '.join(variant)}"
        done = run("--db", db, *variant, stop=moment(rng, seconds))
        done.ended_well(where)
        check_whole(db)
        state = dump(db)
        if state == expected:
            tally.add("all (killed after its commit)" if done.killed else "all (finished)")
            for old in db.parent.glob(f"{db.name}*"):
                old.unlink()
            databases += 1
            db = tmp_path / f"demo-{databases}.db"
            continue
        assert done.killed, f"{where}: finished, yet the demo data is not all there"
        assert state in ({}, empty), f"{where}: part of the demo data: {counts(db)}"
        tally.add("empty database" if state else "no tables yet")
    tally.report()
