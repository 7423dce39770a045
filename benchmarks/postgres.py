"""The benchmark's PostgreSQL side: a throwaway server (the tests' own
tests/pg_server.py, loaded by path), its databases, and the budgets the
PostgreSQL column is held to."""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

SERVERS = Path(__file__).resolve().parent.parent / "tests" / "pg_server.py"

BUDGETS = {
    "first_frame_ratio": 1.3,
    "stage_move_ms": 60.0,
    "funnel_ms": 50.0,
    "import_s": 15.0,
}
"""First frame at most 1.3× SQLite's (same deals, same run); stage move median
at most 60 ms; `report funnel` (all time and 90 days) at most 50 ms; an import
of 100,000 rows at most 15 s."""


def pg_servers() -> ModuleType:
    """tests/pg_server.py as a module (start() -> Server | reason)."""
    loaded = sys.modules.get("pg_server")
    if loaded is not None:
        return loaded
    spec = importlib.util.spec_from_file_location("pg_server", SERVERS)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {SERVERS}")
    module = importlib.util.module_from_spec(spec)
    sys.modules["pg_server"] = module  # (its dataclasses look their module up)
    spec.loader.exec_module(module)
    return module


def start() -> Any:
    """A running throwaway server, or why none can be had (a str)."""
    try:
        return pg_servers().start()
    except Exception as error:  # e.g. psycopg missing: no PostgreSQL column, said why
        return f"{type(error).__name__}: {error}"


def _execute(url: str, sql: str, *, autocommit: bool = False) -> list[tuple[Any, ...]]:
    import psycopg

    dsn = url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(dsn, autocommit=autocommit) as connection:
        cursor = connection.execute(sql)
        return cursor.fetchall() if cursor.description else []


def settle(url: str) -> None:
    """VACUUM ANALYZE: the database at rest, as autovacuum leaves it within a
    minute or so of a big load (visibility map set, so the board's counts are
    read from the covering index alone; planner statistics current).

    The throwaway server commits asynchronously (synchronous_commit=off), and
    VACUUM marks a page all-visible only once its rows' commits are on disk
    (hint bits): run right after `pipetui demo`, it set none (relallvisible 0,
    every header sum read the table: 22 ms instead of 6 ms for two columns at
    100,000 deals). One synchronous commit first flushes the WAL before it."""
    _execute(url, "SET synchronous_commit = on; SELECT txid_current()", autocommit=True)
    _execute(url, "VACUUM ANALYZE", autocommit=True)
    # Even so, right after `pipetui demo` exits the first VACUUM can still set
    # no page all-visible (its backend's snapshot is not yet gone; measured:
    # relallvisible 0 of 523 pages, 523 of 523 two seconds later), and every
    # header sum then reads the table (17 ms instead of 4 ms for two columns
    # of 20,000 deals). So VACUUM again until the deals' pages are visible.
    # And a checkpoint: the demo's 30 s of writes are otherwise still being
    # written out by the checkpointer while the board is timed.
    _execute(url, "CHECKPOINT", autocommit=True)
    for _ in range(20):
        pages, visible = _execute(
            url, "SELECT relpages, relallvisible FROM pg_class WHERE relname = 'deal'"
        )[0]
        if visible >= 0.95 * pages:
            return
        time.sleep(0.5)
        _execute(url, "VACUUM ANALYZE", autocommit=True)
    raise RuntimeError(f"the deals' table did not settle: {visible} of {pages} pages visible")


def count_rows(url: str, table: str) -> int:
    """How many rows a table holds."""
    return int(_execute(url, f"SELECT count(*) FROM {table}")[0][0])


def copy_database(server: Any, url: str, prefix: str) -> str:
    """A new database copied from the one at `url` (CREATE DATABASE ... TEMPLATE);
    its URL."""
    template = url.split("@/", 1)[1].split("?", 1)[0]
    return str(server.url(server.new_database(prefix, template=template)))


def judge(column: dict[str, Any]) -> dict[str, bool]:
    """Pass (True) or fail per budget, for what the PostgreSQL column measured."""
    verdicts = {
        "report_funnel": max(column["funnel_all_time"], column["funnel_90_days"])
        <= BUDGETS["funnel_ms"],
        "import": column["csv_import_s"] <= BUDGETS["import_s"],
    }
    if "first_frame" in column:
        ratio = column["first_frame_ratio_to_sqlite"]
        verdicts["first_frame"] = ratio <= BUDGETS["first_frame_ratio"]
        verdicts["stage_move"] = column["stage_move"]["median_ms"] <= BUDGETS["stage_move_ms"]
    if "team_load" in column:
        verdicts["team_load"] = bool(column["team_load"]["passed"])
    return verdicts


def _verdict(column: dict[str, Any], name: str) -> str:
    passed = column.get("budgets", {}).get(name)
    return "" if passed is None else ("pass" if passed else "**FAIL**")


def markdown(results: dict[str, Any]) -> str:
    """The PostgreSQL column beside SQLite's at the same size, with budgets,
    and the team load on both engines."""
    column, team = results["postgresql"], results.get("team_load_sqlite")
    if "skipped" in column:
        return f"PostgreSQL: skipped ({column['skipped']}).\n"
    lite, deals = column["sqlite"], column["deals"]

    def pair(figures: dict[str, Any] | None) -> str:
        return "–" if figures is None else f"{figures['median_ms']} / {figures['max_ms']} ms"

    ratio = column.get("first_frame_ratio_to_sqlite")
    lines = [
        f"PostgreSQL 15 at {deals:,} deals: a throwaway server on this machine (Unix "
        "socket), the database built with `pipetui demo` then VACUUM ANALYZE (as "
        "autovacuum leaves it at rest), beside SQLite at the same size in this run; "
        "medians / max.",
        "",
        "| | SQLite | PostgreSQL | budget | |",
        "|---|---|---|---|---|",
        f"| board first frame | {pair(lite['first_frame'])} | {pair(column.get('first_frame'))} "
        f"{'' if ratio is None else f'({ratio}× SQLite) '}"
        f"| ≤ {BUDGETS['first_frame_ratio']}× SQLite | {_verdict(column, 'first_frame')} |",
        f"| focus move (a key) | {pair(lite['focus_move'])} "
        f"| {pair(column.get('focus_move'))} | | |",
        f"| stage move (L) | {pair(lite['stage_move'])} | {pair(column.get('stage_move'))} "
        f"| ≤ {BUDGETS['stage_move_ms']:g} ms median | {_verdict(column, 'stage_move')} |",
        f"| `report funnel` all time / 90 days | {lite['funnel_all_time']} / "
        f"{lite['funnel_90_days']} ms | {column['funnel_all_time']} / "
        f"{column['funnel_90_days']} ms | ≤ {BUDGETS['funnel_ms']:g} ms "
        f"| {_verdict(column, 'report_funnel')} |",
        f"| import of a CSV of {deals:,} deals | {lite['csv_import_s']} s "
        f"| {column['csv_import_s']} s | ≤ {BUDGETS['import_s']:g} s "
        f"| {_verdict(column, 'import')} |",
        f"| contact search | {lite['contact_search']} ms | {column['contact_search']} ms | | |",
        f"| peak RSS (board) | {lite['peak_rss_mib']} MiB "
        f"| {column.get('peak_rss_mib', '–')} MiB | | |",
        f"| `demo --deals {deals}` | | {column['demo_s']} s | | |",
    ]
    loads = [("SQLite", team), ("PostgreSQL", column.get("team_load"))]
    loads = [(name, load) for name, load in loads if load]
    if loads:
        first = loads[0][1]
        lines += [
            "",
            f"Team load: {first['processes']} processes × {first['writes_per_process']} "
            f"mixed writes on {first['hot_deals']} shared deals of {deals:,} (stage moves, "
            "won / lost / reopen and value edits carrying the version read, touchpoints, "
            "follow-ups), through the services, one user per process.",
            "",
            "| engine | written | refused stale | errors | lost updates | history chain "
            "breaks | purchases not following wins | funnel = rebuild | writes/s "
            "| latency median / p95 | |",
            "|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for name, load in loads:
            lines.append(
                f"| {name} | {load['ok']:,} | {load['refused_stale']} | {load['errors']} "
                f"| {load['lost_updates']} | {load['history_chain_breaks']} "
                f"| {load['purchase_mismatches']} "
                f"| {'yes' if load['funnel_equals_rebuild'] else '**no**'} "
                f"| {load['writes_per_s']} | {load['latency_median_ms']} / "
                f"{load['latency_p95_ms']} ms | {'pass' if load['passed'] else '**FAIL**'} |"
            )
        for name, load in loads:
            lines.extend(f"- {name} error: {message}" for message in load["error_messages"])
    return "\n".join(lines) + "\n"
