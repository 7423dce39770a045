"""pipetui's benchmark suite: `make bench` (full) or `--smoke` (in `make test`).

Builds demo databases with the project's own `pipetui demo --deals N`, runs the
real `pipetui` in a 160×50 pseudo-terminal and times frames exactly (see
`pty_harness`), compares with a bare Textual app started the same way, and
measures in-process figures. Writes benchmarks/results/latest.{md,json}.

pipetui's bytecode is compiled first, as any installed copy has it (and as the
bare app's Textual has it): without that, a machine with PYTHONDONTWRITEBYTECODE
set (this one) would compile every pipetui module again at every start.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path
from typing import Any

from import_file import write_export
from import_update import timed_imports
from pty_harness import column_counts, spawn

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
WORK = Path(os.environ.get("PIPETUI_BENCH_WORK", HERE / "work"))
RESULTS = HERE / "results"
SIZE = (160, 50)


def _work() -> Path:
    work = Path(os.environ.get("PIPETUI_BENCH_WORK", WORK))
    work.mkdir(parents=True, exist_ok=True)
    return work


def build(deals: int) -> Path:
    """A demo database with `deals` deals (built once, reused)."""
    path = _work() / f"demo-{deals}.db"
    if not path.exists():
        started = time.perf_counter()
        subprocess.run(
            [str(BIN / "pipetui"), "--db", str(path), "demo", "--deals", str(deals)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        print(f"built {path.name} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return path


def _env(db: Path | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIPETUI")}
    if db is not None:
        env["PIPETUI_DB"] = str(db)
    env["PIPETUI_CONFIG"] = str(_work() / "no-config.toml")
    return env


def first_frame(argv: list[str], env: dict[str, str], ready: str) -> tuple[float, int]:
    """Seconds from spawn to the first frame showing `ready`, and peak RSS (KiB)."""
    term = spawn(argv, env, SIZE)
    seconds = term.wait_frame(lambda text: ready in text) - term.started
    return seconds, term.quit()


def board_session(db: Path, moves: int) -> dict[str, Any]:
    """One TUI run: first frame, focus moves, stage moves, peak RSS."""
    term = spawn([str(BIN / "pipetui")], _env(db), SIZE)
    startup = term.wait_frame(lambda text: "▌" in text) - term.started
    term.drain(1.0)  # keys are timed once start-up work (the full store's import) is over
    focus = [term.key_latency(key) for key in "jjkklhjklhjjkklhjklh"[: max(4, moves * 4)]]
    term.key_latency("g")
    stage = []
    for column in range(moves):
        before = column_counts(term.text())
        if column + 1 >= len(before):
            break

        def moved(text: str, before: list[int] = before, column: int = column) -> bool:
            after = column_counts(text)
            return (
                len(after) == len(before)
                and after[column] == before[column] - 1
                and after[column + 1] == before[column + 1] + 1
            )

        stage.append(term.key_latency("L", moved))
    rss = term.quit()
    return {"startup": startup, "focus": focus, "stage": stage, "rss_kib": rss}


def cli_startup(db: Path) -> float:
    """Wall time of `pipetui deal list --json --limit 20`."""
    started = time.perf_counter()
    subprocess.run(
        [str(BIN / "pipetui"), "deal", "list", "--json", "--limit", "20"],
        env=_env(db),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def in_process(db: Path) -> dict[str, float]:
    """Contact search and the funnel's figures over the store, timed in this
    process (median of 5): the funnel for all time and for the last 90 days
    (budget: under 50 ms at 100,000 deals and 1,000,000 touchpoints)."""
    from datetime import timedelta

    from pipetui.services import clock
    from pipetui.services.contacts import list_contacts
    from pipetui.services.reports import ALL_TIME, Period, funnel_report
    from pipetui.store.database import open_database

    database = open_database(str(db), now=clock.now())
    times = []
    for word in ("cohen", "כהן", "zoë", "لي", "smith"):
        started = time.perf_counter()
        list_contacts(database, search=word, limit=50)
        times.append(time.perf_counter() - started)
    today = clock.today()
    funnel: dict[str, list[float]] = {"funnel_all_time": [], "funnel_90_days": []}
    for _ in range(5):
        for name, period in (
            ("funnel_all_time", ALL_TIME),
            ("funnel_90_days", Period(today - timedelta(days=89), today)),
        ):
            started = time.perf_counter()
            funnel_report(database, period=period)
            funnel[name].append(time.perf_counter() - started)
    database.dispose()
    return {
        "contact_search": statistics.median(times),
        **{name: statistics.median(values) for name, values in funnel.items()},
    }


def csv_import(rows: int) -> float:
    """Seconds to import a Pipedrive-style export of `rows` deals into an empty
    database, in this process: read, check every cell, match, write (budget:
    10 s for 100,000 rows)."""
    from pipetui.services import clock
    from pipetui.services.importer import ImportOptions, import_file
    from pipetui.store.database import open_database

    source = write_export(_work() / f"pipedrive-{rows}.csv", rows)
    target = _work() / f"import-{rows}.db"
    for leftover in target.parent.glob(f"{target.name}*"):
        leftover.unlink()
    database = open_database(str(target), now=clock.now())
    started = time.perf_counter()
    summary = import_file(database, source, ImportOptions(), default_currency="USD")
    elapsed = time.perf_counter() - started
    database.dispose()
    target.unlink()
    assert summary.created["deals"] == rows, summary.lines()
    return elapsed


def update_import(rows: int) -> dict[str, float]:
    """Seconds for `import --on-duplicate update` of a Pipedrive-style export of
    `rows` deals over the same deals, every one of them changed (another value,
    stage or status), against a fresh import of the first file in the same run
    (budget: at most 2x the fresh import); see import_update.py."""
    found = timed_imports(_work(), rows)
    return {
        "update_import_s": round(found["update_changed"], 2),
        "update_import_ratio": round(found["update_changed"] / found["fresh"], 2),
        "update_same_file_s": round(found["update_same"], 2),
    }


def touchpoints(db: Path) -> int:
    """How many touchpoints the database holds."""
    with closing(sqlite3.connect(db)) as conn:
        return int(conn.execute("SELECT count(*) FROM touchpoint").fetchone()[0])


def stats(values: list[float]) -> dict[str, float]:
    """Median and max in milliseconds."""
    if not values:
        return {"median_ms": float("nan"), "max_ms": float("nan")}
    return {
        "median_ms": round(statistics.median(values) * 1000, 1),
        "max_ms": round(max(values) * 1000, 1),
    }


def run(sizes: list[int], runs: int) -> dict[str, Any]:
    """Every measurement at every size."""
    bare = [
        first_frame([sys.executable, str(HERE / "bare_app.py")], _env(None), "bare textual app")
        for _ in range(runs)
    ]
    baseline = statistics.median(t for t, _ in bare)
    results: dict[str, Any] = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
        "when": time.strftime("%Y-%m-%d %H:%M"),
        "runs": runs,
        "bare_first_frame": stats([t for t, _ in bare]),
        "bare_rss_mib": round(max(r for _, r in bare) / 1024, 1),
        "sizes": {},
    }
    for deals in sizes:
        db = build(deals)
        sessions = [board_session(db, moves=5) for _ in range(runs)]
        startup = [s["startup"] for s in sessions]
        results["sizes"][str(deals)] = {
            "first_frame": stats(startup),
            "first_frame_ratio": round(statistics.median(startup) / baseline, 2),
            "focus_move": stats([t for s in sessions for t in s["focus"]]),
            "stage_move": stats([t for s in sessions for t in s["stage"]]),
            "peak_rss_mib": round(max(s["rss_kib"] for s in sessions) / 1024, 1),
            "cli_deal_list": stats([cli_startup(db) for _ in range(runs)]),
            **{k: round(v * 1000, 2) for k, v in in_process(db).items()},
            "touchpoints": touchpoints(db),
            "csv_import_s": round(csv_import(deals), 2),
            **update_import(deals),
        }
        size = results["sizes"][str(deals)]
        size["cli_ratio_to_tui_first_frame"] = round(
            size["cli_deal_list"]["median_ms"] / size["first_frame"]["median_ms"], 2
        )
        print(f"{deals:>7} deals: {json.dumps(size)}", file=sys.stderr)
    return results


def markdown(results: dict[str, Any]) -> str:
    """The results as the table the README shows."""
    lines = [
        f"Machine: {results['machine']}; {results['runs']} runs each; {results['when']}.",
        f"Bare Textual app first frame: {results['bare_first_frame']['median_ms']} ms median.",
        "",
        "| deals | first frame (median / max) | ÷ bare | focus move (median / max) "
        "| stage move (median / max) | peak RSS | `deal list --json` | ÷ first frame "
        "| contact search | `report funnel` (all time / 90 days) | touchpoints "
        "| import of a CSV with as many deals "
        "| update import of it, every deal changed (÷ fresh) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for deals, r in results["sizes"].items():
        lines.append(
            f"| {int(deals):,} | {r['first_frame']['median_ms']} / {r['first_frame']['max_ms']} ms "
            f"| {r['first_frame_ratio']}× | {r['focus_move']['median_ms']} / "
            f"{r['focus_move']['max_ms']} ms | {r['stage_move']['median_ms']} / "
            f"{r['stage_move']['max_ms']} ms | {r['peak_rss_mib']} MiB "
            f"| {r['cli_deal_list']['median_ms']} ms | {r['cli_ratio_to_tui_first_frame']}× "
            f"| {r['contact_search']} ms | {r['funnel_all_time']} / {r['funnel_90_days']} ms "
            f"| {r['touchpoints']:,} | {r['csv_import_s']} s "
            f"| {r['update_import_s']} s ({r['update_import_ratio']}×) |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    """Parse options, run, write the results."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="1k deals, 1 run (for make test)")
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--work", type=Path, default=WORK, help="where databases are built")
    args = parser.parse_args()
    os.environ["PIPETUI_BENCH_WORK"] = str(args.work)
    compileall.compile_dir(HERE.parent / "src", quiet=1)
    sizes = [1000] if args.smoke else [int(s) for s in args.sizes.split(",")]
    runs = 1 if args.smoke else args.runs
    results = run(sizes, runs)
    if args.smoke:
        print(markdown(results))
        return
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=2) + "\n")
    (RESULTS / "latest.md").write_text(markdown(results))
    print(markdown(results))


if __name__ == "__main__":
    main()
