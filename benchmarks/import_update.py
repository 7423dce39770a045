"""Update imports: `import --on-duplicate update` of N Pipedrive rows over the
same N deals, against a fresh import of them, and what another writer sees
meanwhile. Run alone (`python import_update.py --rows 20000`) or from bench.py.

- fresh: the seed-1 export into an empty database;
- update, every deal changed: the seed-2 export of the same deal ids over it
  (other values, stages and statuses, so every deal is rewritten, most of them
  move, and the funnel summary changes everywhere);
- update, same file again: the seed-2 export once more (nothing to write);
- a concurrent writer: the real CLI runs the changed update import while a
  second CLI runs `deal add` once the import holds the write lock; how long
  `deal add` waited, and whether it succeeded (or what it said).

Times are in-process medians (read, check, match, write), as bench.py's
`csv_import`; the concurrent run times whole CLI processes.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from import_file import write_export

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent


def _fresh_db(path: Path) -> Path:
    for leftover in path.parent.glob(f"{path.name}*"):
        leftover.unlink()
    return path


def timed_imports(work: Path, rows: int, runs: int = 1) -> dict[str, float]:
    """Seconds (median of `runs`) for the fresh, changed-update and same-update
    imports of `rows` rows, in this process."""
    from pipetui.services import clock
    from pipetui.services.transfer import ImportOptions, import_file
    from pipetui.store.database import open_database

    first = write_export(work / f"pipedrive-{rows}.csv", rows)
    second = write_export(work / f"pipedrive-{rows}-seed2.csv", rows, seed=2)
    update = ImportOptions(on_duplicate="update")
    times: dict[str, list[float]] = {"fresh": [], "update_changed": [], "update_same": []}
    for _ in range(runs):
        target = _fresh_db(work / f"update-{rows}.db")
        database = open_database(str(target), now=clock.now())
        for name, source, options in (
            ("fresh", first, ImportOptions()),
            ("update_changed", second, update),
            ("update_same", second, update),
        ):
            started = time.perf_counter()
            summary = import_file(database, source, options, default_currency="USD")
            times[name].append(time.perf_counter() - started)
            done = summary.created if name == "fresh" else summary.updated
            assert done["deals"] == rows, summary.lines()
        database.dispose()
        _fresh_db(target)
    return {name: statistics.median(values) for name, values in times.items()}


def _env(work: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIPETUI")}
    env["PIPETUI_CONFIG"] = str(work / "no-config.toml")
    return env


def concurrent_writer(work: Path, rows: int) -> dict[str, Any]:
    """Run the changed update import with the CLI and, once it holds the write
    lock, `deal add` in another CLI: how long each took and what `deal add` said."""
    first = write_export(work / f"pipedrive-{rows}.csv", rows)
    second = write_export(work / f"pipedrive-{rows}-seed2.csv", rows, seed=2)
    target = _fresh_db(work / f"concurrent-{rows}.db")
    pipetui, env = str(BIN / "pipetui"), _env(work)
    subprocess.run(
        [pipetui, "--db", str(target), "import", str(first)],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    started = time.perf_counter()
    importer = subprocess.Popen(
        [pipetui, "--db", str(target), "import", "--on-duplicate", "update", str(second)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    note = target.with_name(target.name + "-writer")
    lock_seen = _wait_for_lock(target, note, importer)
    writer_started = time.perf_counter()
    writer = subprocess.run(
        [pipetui, "--db", str(target), "deal", "add", "Walk-in", "--value", "100"],
        env=env,
        capture_output=True,
        text=True,
    )
    writer_done = time.perf_counter()
    importer_err = importer.communicate()[1]
    import_done = time.perf_counter()
    _fresh_db(target)
    return {
        "rows": rows,
        "import_s": round(import_done - started, 2),
        "import_exit": importer.returncode,
        "import_stderr": importer_err.strip(),
        "lock_held_when_deal_add_started": lock_seen,
        "deal_add_s": round(writer_done - writer_started, 2),
        "deal_add_exit": writer.returncode,
        "deal_add_stderr": writer.stderr.strip(),
    }


def _wait_for_lock(target: Path, note: Path, importer: subprocess.Popen[str]) -> bool:
    """Wait until the import holds the write lock: its holder note is there
    (this pipetui), or, for a pipetui without notes, a write lock cannot be
    taken at once. False if the import ended first."""
    import sqlite3

    while importer.poll() is None:
        if note.exists():
            return True
        try:
            probe = sqlite3.connect(target, timeout=0, isolation_level=None)
            try:
                probe.execute("BEGIN IMMEDIATE")
                probe.execute("ROLLBACK")
            finally:
                probe.close()
        except sqlite3.OperationalError:
            return True  # locked: by the import, which has read and checked its file
        time.sleep(0.02)
    return False


def main() -> None:
    """Print the figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=HERE / "work")
    parser.add_argument("--no-concurrent", action="store_true")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    figures: dict[str, Any] = {
        name: round(seconds, 2)
        for name, seconds in timed_imports(args.work, args.rows, args.runs).items()
    }
    figures["update_changed_ratio"] = round(figures["update_changed"] / figures["fresh"], 2)
    if not args.no_concurrent:
        figures["concurrent"] = concurrent_writer(args.work, args.rows)
    print(json.dumps(figures, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
