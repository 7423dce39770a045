"""pipetui's benchmark suite: `make bench` (full) or `--smoke` (in `make test`).

Builds demo databases with the project's own `pipetui demo --deals N`, runs the
real `pipetui` in a 160×50 pseudo-terminal and times frames exactly (see
`pty_harness`), compares with a bare Textual app started the same way, and
measures in-process figures. Writes benchmarks/results/latest.{md,json}.

Then the same at 100,000 deals on PostgreSQL (a throwaway server started and
stopped here, tests/pg_server.py; skipped, saying why, where none can be had),
held to its budgets (`postgres.BUDGETS`, printed pass/fail), and the team load
on both engines (`team_load`: 10 processes × 200 mixed writes, nothing lost).

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
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path
from typing import Any

import postgres
import team_load
from import_file import write_export
from import_update import timed_imports
from pty_harness import column_counts, p95, spawn, type_filter

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


def _env(db: Path | str | None) -> dict[str, str]:
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


TYPED = "acme"
"""Typed into the board's filter (`/`), one key at a time."""


def board_session(db: Path | str, moves: int, typing: str = "") -> dict[str, Any]:
    """One TUI run: first frame, focus moves, stage moves, `/` typing (if
    `typing`: per key, to the echo and to the filtered board), peak RSS."""
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
    echo, filtered = type_filter(term, typing) if typing else ([], [])
    rss = term.quit()
    return {
        "startup": startup,
        "focus": focus,
        "stage": stage,
        "filter_echo": echo,
        "filter_board": filtered,
        "rss_kib": rss,
    }


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


def in_process(db: Path | str) -> dict[str, float]:
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


def csv_import(rows: int, target: str | None = None) -> float:
    """Seconds to import a Pipedrive-style export of `rows` deals into an empty
    database (a new SQLite file, or `target`), in this process: read, check
    every cell, match, write (budget: 10 s for 100,000 rows on SQLite, 15 s on
    PostgreSQL)."""
    from pipetui.services import clock
    from pipetui.services.transfer import ImportOptions, import_file
    from pipetui.store.database import open_database

    source = write_export(_work() / f"pipedrive-{rows}.csv", rows)
    path = _work() / f"import-{rows}.db"
    for leftover in path.parent.glob(f"{path.name}*"):
        leftover.unlink()
    database = open_database(target or str(path), now=clock.now())
    started = time.perf_counter()
    summary = import_file(database, source, ImportOptions(), default_currency="USD")
    elapsed = time.perf_counter() - started
    database.dispose()
    path.unlink(missing_ok=True)
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


def touchpoints(db: Path | str) -> int:
    """How many touchpoints the database holds."""
    if isinstance(db, str):
        return postgres.count_rows(db, "touchpoint")
    with closing(sqlite3.connect(db)) as conn:
        return int(conn.execute("SELECT count(*) FROM touchpoint").fetchone()[0])


def stats(values: list[float]) -> dict[str, float]:
    """Median, 95th percentile and max in milliseconds."""
    if not values:
        return {"median_ms": float("nan"), "p95_ms": float("nan"), "max_ms": float("nan")}
    return {
        "median_ms": round(statistics.median(values) * 1000, 1),
        "p95_ms": round(p95(values) * 1000, 1),
        "max_ms": round(max(values) * 1000, 1),
    }


def bare_first_frame() -> tuple[float, int]:
    """One start of the bare Textual app: seconds to its first frame, peak RSS."""
    return first_frame([sys.executable, str(HERE / "bare_app.py")], _env(None), "bare textual app")


def run(sizes: list[int], runs: int, pairs: int = 0) -> dict[str, Any]:
    """Every measurement at every size."""
    results: dict[str, Any] = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
        "when": time.strftime("%Y-%m-%d %H:%M"),
        "runs": runs,
        "sizes": {},
    }
    bare: list[tuple[float, int]] = []
    for deals in sizes:
        size = results["sizes"][str(deals)] = sqlite_size(deals, runs, bare, pairs)
        print(f"{deals:>7} deals: {json.dumps(size)}", file=sys.stderr)
    results["bare_first_frame"] = stats([t for t, _ in bare])
    results["bare_rss_mib"] = round(max(r for _, r in bare) / 1024, 1)
    return results


def first_frame_pairs(db: Path | str, pairs: int) -> dict[str, Any]:
    """The first frame's ratio to the bare app from `pairs` starts of each,
    alternating (bare, then pipetui): five board sessions gave ratios 0.3 apart
    from one run to the next on this 2-core machine (1.33 and 1.62× for the
    same build), too few to say on which side of a budget it is."""
    bare: list[float] = []
    board: list[float] = []
    # One start of each first, not counted: this VM's kernel reclaims idle page
    # cache (DAMON), and a start that reads its files from disk again is slower
    # (after `drop_caches`, the bare app's first start 277-314 ms, the next ones
    # 203-293: three tries, 2026-12-06).
    bare_first_frame()
    first_frame([str(BIN / "pipetui")], _env(db), "▌")
    for _ in range(pairs):
        bare.append(bare_first_frame()[0])
        board.append(first_frame([str(BIN / "pipetui")], _env(db), "▌")[0])
    each = [b / a for a, b in zip(bare, board, strict=True)]
    quartiles = statistics.quantiles(each, n=4) if len(each) > 1 else [each[0]] * 3
    return {
        "pairs": pairs,
        "bare_median_ms": round(statistics.median(bare) * 1000, 1),
        "median_ms": round(statistics.median(board) * 1000, 1),
        "ratio": round(statistics.median(board) / statistics.median(bare), 2),
        "pair_ratio_q1": round(quartiles[0], 2),
        "pair_ratio_q3": round(quartiles[2], 2),
    }


def sqlite_size(
    deals: int, runs: int, bare: list[tuple[float, int]] | None = None, pairs: int = 0
) -> dict[str, Any]:
    """Every measurement at one size on SQLite. The bare app is started before
    each board session (its runs added to `bare`), and the size's ratio is to
    those runs: on a shared machine whose speed drifts over minutes, a ratio
    to bare runs taken minutes earlier moved by ±0.1 between sizes that
    measure the same. With `pairs`, the ratio is also taken from that many
    more starts of each (`first_frame_pairs`)."""
    db = build(deals)
    sessions: list[dict[str, Any]] = []
    here: list[tuple[float, int]] = []
    for _ in range(runs):
        here.append(bare_first_frame())
        sessions.append(board_session(db, moves=5, typing=TYPED))
    if bare is not None:
        bare.extend(here)
    startup = [s["startup"] for s in sessions]
    size = {
        "first_frame": stats(startup),
        "bare_first_frame_ms": round(statistics.median(t for t, _ in here) * 1000, 1),
        "first_frame_ratio": round(
            statistics.median(startup) / statistics.median(t for t, _ in here), 2
        ),
        "focus_move": stats([t for s in sessions for t in s["focus"]]),
        "stage_move": stats([t for s in sessions for t in s["stage"]]),
        "filter_echo": stats([t for s in sessions for t in s["filter_echo"]]),
        "filter_board": stats([t for s in sessions for t in s["filter_board"]]),
        "peak_rss_mib": round(max(s["rss_kib"] for s in sessions) / 1024, 1),
        "cli_deal_list": stats([cli_startup(db) for _ in range(runs)]),
        **{k: round(v * 1000, 2) for k, v in in_process(db).items()},
        "touchpoints": touchpoints(db),
        "csv_import_s": round(csv_import(deals), 2),
        **update_import(deals),
    }
    if pairs:
        size["first_frame_pairs"] = first_frame_pairs(db, pairs)
    size["cli_ratio_to_tui_first_frame"] = round(
        size["cli_deal_list"]["median_ms"] / size["first_frame"]["median_ms"], 2
    )
    return size


def postgres_column(
    deals: int, runs: int, team: dict[str, int] | None, *, board: bool = True
) -> dict[str, Any]:
    """The board (unless not `board`), the funnel and an import at `deals`
    deals on a throwaway PostgreSQL server started and stopped here (the
    database built with `pipetui demo`, then settled as autovacuum would leave
    it), and the team load on a copy of it; {"skipped": why} when no server
    can be had."""
    server = postgres.start()
    if isinstance(server, str):
        print(f"PostgreSQL: skipped: {server}", file=sys.stderr)
        return {"skipped": server}
    try:
        url = str(server.url(server.new_database("bench")))
        started = time.perf_counter()
        team_load.demo_database(url, deals)
        column: dict[str, Any] = {"deals": deals, "demo_s": round(time.perf_counter() - started, 2)}
        postgres.settle(url)
        if board:
            sessions = [board_session(url, moves=5) for _ in range(runs)]
            column.update(
                first_frame=stats([s["startup"] for s in sessions]),
                focus_move=stats([t for s in sessions for t in s["focus"]]),
                stage_move=stats([t for s in sessions for t in s["stage"]]),
                peak_rss_mib=round(max(s["rss_kib"] for s in sessions) / 1024, 1),
            )
        column.update({k: round(v * 1000, 2) for k, v in in_process(url).items()})
        column["touchpoints"] = touchpoints(url)
        target = str(server.url(server.new_database("import")))
        column["csv_import_s"] = round(csv_import(deals, target), 2)
        if team is not None:
            copy = postgres.copy_database(server, url, "team")
            column["team_load"] = team_load.run_load(copy, **team)
    finally:
        server.stop()
    return column


def team_sqlite(deals: int, team: dict[str, int]) -> dict[str, Any]:
    """The team load on a copy of the SQLite demo database of `deals` deals."""
    built = build(deals)
    copy = _work() / f"team-{deals}.db"
    for leftover in copy.parent.glob(f"{copy.name}*"):
        leftover.unlink()
    shutil.copy2(built, copy)
    try:
        return team_load.run_load(str(copy), **team)
    finally:
        for leftover in copy.parent.glob(f"{copy.name}*"):
            leftover.unlink()


def run_postgres(
    results: dict[str, Any], deals: int, runs: int, team: dict[str, int] | None, *, smoke: bool
) -> None:
    """The PostgreSQL column at `deals` deals beside SQLite's at the same size
    (measured now if this run did not), its budgets, and the team load on both
    engines. The smoke run keeps to what is cheap (a few seconds): no board in
    a terminal, the team load on PostgreSQL only."""
    sqlite = results["sizes"].get(str(deals)) or sqlite_size(deals, runs)
    started = time.perf_counter()
    column = postgres_column(deals, runs, team, board=not smoke)
    if "first_frame" in column:
        column["first_frame_ratio_to_sqlite"] = round(
            column["first_frame"]["median_ms"] / sqlite["first_frame"]["median_ms"], 2
        )
    if "skipped" not in column:
        column["budgets"] = postgres.judge(column)
    results["postgresql"] = {"sqlite": sqlite, **column}
    if team is not None and not smoke:
        results["team_load_sqlite"] = team_sqlite(deals, team)
    took = time.perf_counter() - started
    print(postgres.markdown(results) + f"(PostgreSQL and team load: {took:.1f} s)", file=sys.stderr)


def markdown(results: dict[str, Any]) -> str:
    """The results as the table the README shows."""
    lines = [
        f"Machine: {results['machine']}; {results['runs']} runs each; {results['when']}.",
        f"Bare Textual app first frame: {results['bare_first_frame']['median_ms']} ms median"
        " (started before each board session; a size's ratio is to its own runs"
        + (
            ", and to as many more starts of each, alternating: the ÷ bare column's"
            " main figure, with the pairs' middle half)."
            if any("first_frame_pairs" in r for r in results["sizes"].values())
            else ")."
        ),
        "",
        "| deals | first frame (median / p95 / max) | ÷ bare "
        "| focus move (median / p95 / max) | stage move (median / p95 / max) "
        "| `/` typing: echo (median / p95) | filtered board (median / p95) "
        "| peak RSS | `deal list --json` | ÷ first frame "
        "| contact search | `report funnel` (all time / 90 days) | touchpoints "
        "| import of a CSV with as many deals "
        "| update import of it, every deal changed (÷ fresh) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for deals, r in results["sizes"].items():
        lines.append(
            f"| {int(deals):,} | {_three(r['first_frame'])} "
            f"| {_ratio(r)} "
            f"| {_three(r['focus_move'])} | {_three(r['stage_move'])} "
            f"| {_two(r.get('filter_echo'))} | {_two(r.get('filter_board'))} "
            f"| {r['peak_rss_mib']} MiB "
            f"| {r['cli_deal_list']['median_ms']} ms | {r['cli_ratio_to_tui_first_frame']}× "
            f"| {r['contact_search']} ms | {r['funnel_all_time']} / {r['funnel_90_days']} ms "
            f"| {r['touchpoints']:,} | {r['csv_import_s']} s "
            f"| {r['update_import_s']} s ({r['update_import_ratio']}×) |"
        )
    contacts = results.get("contacts")
    if contacts:
        lines += ["", _contacts_table(contacts)]
    if "postgresql" in results:
        lines += ["", postgres.markdown(results)]
    return "\n".join(lines) + "\n"


def _ratio(size: dict[str, Any]) -> str:
    """The first frame ÷ the bare app's: from the alternating starts when
    there are some (with the pairs' middle half), and from the sessions."""
    sessions = f"{size['first_frame_ratio']}× (bare {size.get('bare_first_frame_ms', '—')} ms)"
    pairs = size.get("first_frame_pairs")
    if not pairs:
        return sessions
    return (
        f"**{pairs['ratio']}×** over {pairs['pairs']} starts each ({pairs['median_ms']} / "
        f"{pairs['bare_median_ms']} ms; pairs {pairs['pair_ratio_q1']}–"
        f"{pairs['pair_ratio_q3']}×); sessions {sessions}"
    )


def _three(figures: dict[str, float]) -> str:
    return f"{figures['median_ms']} / {figures.get('p95_ms', '–')} / {figures['max_ms']} ms"


def _two(figures: dict[str, float] | None) -> str:
    if not figures:
        return "–"
    return f"{figures['median_ms']} / {figures['p95_ms']} ms"


CONTACT_FIGURES = (
    ("contact_search_100k", "`contact list --search` at 100,000 contacts"),
    ("contacts_sort_last_touch_50k", "contacts screen sorted by last touch, 50,000 contacts"),
    ("contacts_sort_value_50k", "contacts screen sorted by value, 50,000 contacts"),
)


def contact_results(work: Path) -> dict[str, Any]:
    """`contacts.contact_figures(work)` (another module, issue 21), or
    {"skipped": why} when it is not there."""
    try:
        from contacts import contact_figures  # type: ignore[attr-defined,unused-ignore]
    except ImportError as error:
        print(f"contacts: skipped ({error})", file=sys.stderr)
        return {"skipped": str(error)}
    figures: dict[str, Any] = contact_figures(work)
    return figures


def _contacts_table(contacts: dict[str, Any]) -> str:
    if "skipped" in contacts:
        return f"Contacts at scale: skipped ({contacts['skipped']})."
    lines = ["| contacts | median | p95 |", "|---|---|---|"]
    for key, name in CONTACT_FIGURES:
        if f"{key}_ms" in contacts:
            p95_ms = contacts.get(f"{key}_p95_ms")
            p95_text = "–" if p95_ms is None else f"{p95_ms} ms"
            lines.append(f"| {name} | {contacts[f'{key}_ms']} ms | {p95_text} |")
    return "\n".join(lines)


def main() -> None:
    """Parse options, run, write the results."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="1k deals, 1 run (for make test)")
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--pairs", type=int, default=15, help="more first-frame starts of each, for the ratio"
    )
    parser.add_argument("--postgres", type=int, default=100_000, help="deals (0: none)")
    parser.add_argument("--team", default="10,200", help="processes,writes (0: none)")
    parser.add_argument("--work", type=Path, default=WORK, help="where databases are built")
    args = parser.parse_args()
    os.environ["PIPETUI_BENCH_WORK"] = str(args.work)
    compileall.compile_dir(HERE.parent / "src", quiet=1)
    sizes = [1000] if args.smoke else [int(s) for s in args.sizes.split(",")]
    runs = 1 if args.smoke else args.runs
    # --team PROCESSES,WRITES, or 0 for none (as its help says).
    given = "0,0" if args.team.strip() == "0" else args.team
    processes, writes = (2, 5) if args.smoke else (int(n) for n in given.split(","))
    team = {"processes": processes, "writes": writes, "hot": 20 if args.smoke else 500}
    results = run(sizes, runs, 0 if args.smoke else args.pairs)
    if not args.smoke:
        results["contacts"] = contact_results(args.work)
    deals = min(1000, args.postgres) if args.smoke else args.postgres
    if deals:
        chosen = team if processes and writes else None
        run_postgres(results, deals, runs, chosen, smoke=args.smoke)
    if args.smoke:
        print(markdown(results))
        return
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=2) + "\n")
    (RESULTS / "latest.md").write_text(markdown(results))
    print(markdown(results))


if __name__ == "__main__":
    main()
