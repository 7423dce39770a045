"""Team load: N processes × M mixed writes on one database at once, through the
real services in each process, then a check that nothing was lost.

Each process works as its own user on a shared set of "hot" deals (so they
collide, as a team on one board does) and does what the board and the CLI do:

- stage moves (to the next or previous stage) and closes (won / lost) or
  reopens, each carrying the version the process read just before, as the
  board does (`--if-version`); a deal changed meanwhile is refused
  (`ChangedElsewhere`), which counts as a refused stale edit, not an error;
- value edits, +1 minor unit with the version read (a counter per deal);
- touchpoints and follow-ups on the deal (no version: they add, never change).

Afterwards, per hot deal: its value grew by exactly its successful edits; its
version by its successful moves, edits, closes and reopens; its stage history,
touchpoints and follow-ups by exactly theirs (0 lost updates); its history is
one chain (each row's from-stage and from-status are the previous row's to-,
the last row is where the deal is); its purchase follows its status (a won
deal with a contact has a purchase touchpoint, and no other deal keeps one a
win logged: winning logs it, reopening takes it back, DESIGN.md §1, so those
are not counted with the touchpoints the processes logged); and the funnel
summary equals a rebuild.
Any failure other than a refused stale edit is an error. Throughput is the
successful writes per second of wall time, all processes together.

Run alone: `python team_load.py --deals 100000` (SQLite and a throwaway
PostgreSQL server, see tests/pg_server.py), or from bench.py.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
KINDS = ("move", "edit", "touch", "followup", "close")
WEIGHTS = (30, 25, 20, 10, 15)
DEAL_CHANGES = ("move", "edit", "won", "lost", "reopen")
"""What bumps a deal's version."""
HISTORY_CHANGES = ("move", "won", "lost", "reopen")
"""What adds a stage history row."""


def _open(target: str, user: str | None = None) -> Any:
    from pipetui.services import clock
    from pipetui.store.database import open_database

    return open_database(target, now=clock.now(), user=user)


def hot_deals(target: str, count: int) -> list[int]:
    """`count` deal ids spread evenly over the database (open and closed)."""
    from sqlalchemy import select

    from pipetui.store.tables import DEAL

    db = _open(target)
    with db.read() as conn:
        ids = [int(i) for (i,) in conn.execute(select(DEAL.c.id).order_by(DEAL.c.id))]
    db.dispose()
    step = max(1, len(ids) // count)
    return ids[::step][:count]


def snapshot(db: Any, deal_ids: list[int]) -> dict[int, dict[str, int]]:
    """Per deal: value, version, and how many history rows, touchpoints and
    follow-ups it has."""
    from sqlalchemy import func, not_, select

    from pipetui.store.tables import DEAL, FOLLOWUP, STAGE_HISTORY, TOUCHPOINT
    from pipetui.store.touchpoints import won_purchase

    found: dict[int, dict[str, int]] = {
        i: {"history": 0, "touch": 0, "followup": 0} for i in deal_ids
    }
    with db.read() as conn:
        rows = conn.execute(
            select(DEAL.c.id, DEAL.c.value_minor, DEAL.c.version).where(DEAL.c.id.in_(deal_ids))
        )
        for deal_id, value, version in rows:
            found[deal_id].update(value=int(value), version=int(version))
        logged = not_(won_purchase(TOUCHPOINT.c.deal_id))  # (a win's purchase: `check`)
        for name, table, which in (("history", STAGE_HISTORY, True), ("touch", TOUCHPOINT, logged),
                                   ("followup", FOLLOWUP, True)):  # fmt: skip
            counted = conn.execute(
                select(table.c.deal_id, func.count())
                .where(table.c.deal_id.in_(deal_ids), which)
                .group_by(table.c.deal_id)
            )
            for deal_id, n in counted:
                found[int(deal_id)][name] = int(n)
    return found


def worker(
    target: str, index: int, writes: int, deal_ids: list[int], seed: int, barrier: Barrier
) -> dict[str, Any]:
    """One teammate: `writes` mixed writes on the hot deals, as fast as it can."""
    from pipetui.domain.errors import ChangedElsewhere
    from pipetui.store import deals as deal_store
    from pipetui.store import pipelines as pipeline_store

    rng = random.Random(seed * 1000 + index)
    db = _open(target, user=f"teammate{index}")
    with db.read() as conn:
        stages = {p.id: pipeline_store.stages(conn, p.id) for p in pipeline_store.pipelines(conn)}
    done: list[tuple[str, int, str, float]] = []  # (change, deal, outcome, seconds)
    barrier.wait()
    started = time.perf_counter()
    for _ in range(writes):
        deal_id = rng.choice(deal_ids)
        kind = rng.choices(KINDS, WEIGHTS)[0]
        began = time.perf_counter()
        with db.read() as conn:
            deal = deal_store.get_deal(conn, deal_id)
        change = kind
        try:
            change = _write(db, deal, kind, stages[deal.pipeline_id], rng, index)
            outcome = "ok"
        except ChangedElsewhere:
            outcome = "stale"
        except Exception as error:  # reported, not raised: the check says what went wrong
            outcome = f"error: {type(error).__name__}: {error}"
        done.append((change, deal_id, outcome, time.perf_counter() - began))
    finished = time.perf_counter()
    db.dispose()
    return {"index": index, "done": done, "started": started, "finished": finished}


def _write(db: Any, deal: Any, kind: str, ordered: list[Any], rng: random.Random, who: int) -> str:
    """One write of `kind` on `deal` (as just read); the change it made."""
    from pipetui.domain.money import Money
    from pipetui.services import clock
    from pipetui.services import deals as deal_service
    from pipetui.services.followups import add_followup
    from pipetui.services.touchpoints import log_touchpoint

    seen, deal_id, is_open = deal.version, deal.id, deal.status.value == "open"
    if kind in ("move", "close") and not is_open:
        deal_service.reopen_deal(db, deal_id, seen_version=seen)
        return "reopen"
    if kind == "move":
        here = next(i for i, s in enumerate(ordered) if s.id == deal.stage_id)
        forward = here == 0 or (here + 1 < len(ordered) and rng.random() < 0.5)
        stage = ordered[here + 1 if forward else here - 1].name
        deal_service.move_deal(db, deal_id, stage=stage, seen_version=seen)
    elif kind == "edit":
        value = Money(deal.value.minor + 1, deal.value.currency)
        deal_service.edit_deal(db, deal_id, value=value, seen_version=seen)
    elif kind == "touch":
        log_touchpoint(db, contact=f"#{deal.contact_id}", kind="call",
                       summary=f"team load {who}", deal_id=deal_id)  # fmt: skip
    elif kind == "followup":
        due = clock.today() + timedelta(days=7)
        add_followup(db, title=f"Call back ({who})", due=due, deal_id=deal_id)
    elif rng.random() < 0.5:
        deal_service.win_deal(db, deal_id, seen_version=seen)
        return "won"
    else:
        deal_service.lose_deal(db, deal_id, reason="team load", seen_version=seen)
        return "lost"
    return kind


def _run_worker(
    target: str,
    index: int,
    writes: int,
    deal_ids: list[int],
    seed: int,
    barrier: Barrier,
    results: Any,
) -> None:
    try:
        results.put(worker(target, index, writes, deal_ids, seed, barrier))
    except BaseException as error:
        barrier.abort()
        results.put({"index": index, "failed": f"{type(error).__name__}: {error}"})


def check(db: Any, before: dict[int, dict[str, int]], done: list[Any]) -> dict[str, Any]:
    """Compare the database with what the processes say they did."""
    from sqlalchemy import select

    from pipetui.store import funnel_facts
    from pipetui.store.tables import DEAL, STAGE_HISTORY, TOUCHPOINT
    from pipetui.store.touchpoints import won_purchase

    expected = {i: Counter[str]() for i in before}
    for change, deal_id, outcome, _seconds in done:
        if outcome != "ok":
            continue
        counts = expected[deal_id]
        counts["value"] += change == "edit"
        counts["version"] += change in DEAL_CHANGES
        counts["history"] += change in HISTORY_CHANGES
        counts["touch"] += change == "touch"
        counts["followup"] += change == "followup"
    after = snapshot(db, list(before))
    lost: Counter[str] = Counter()
    for deal_id, was in before.items():
        for name in ("value", "version", "history", "touch", "followup"):
            lost[name] += abs(after[deal_id][name] - was[name] - expected[deal_id][name])
    broken = 0
    with db.read() as conn:
        rows = conn.execute(
            select(STAGE_HISTORY.c.deal_id, STAGE_HISTORY.c.from_stage_id,
                   STAGE_HISTORY.c.to_stage_id, STAGE_HISTORY.c.from_status,
                   STAGE_HISTORY.c.to_status)
            .where(STAGE_HISTORY.c.deal_id.in_(list(before)))
            .order_by(STAGE_HISTORY.c.deal_id, STAGE_HISTORY.c.at, STAGE_HISTORY.c.id)
        ).all()  # fmt: skip
        deals = conn.execute(
            select(DEAL.c.id, DEAL.c.stage_id, DEAL.c.status, DEAL.c.contact_id).where(
                DEAL.c.id.in_(list(before))
            )
        ).all()
        # A deal's purchase touchpoints, and whether its win logged each.
        purchases = conn.execute(
            select(TOUCHPOINT.c.deal_id, won_purchase(TOUCHPOINT.c.deal_id)).where(
                TOUCHPOINT.c.deal_id.in_(list(before)), TOUCHPOINT.c.journey_stage == "purchase"
            )
        ).all()
    where = {int(i): (s, str(st)) for i, s, st, _contact in deals}
    last: dict[int, tuple[Any, Any]] = {}
    for deal_id, from_stage, to_stage, from_status, to_status in rows:
        previous = last.get(deal_id, (None, None))
        broken += (from_stage, from_status) != previous
        last[deal_id] = (to_stage, to_status)
    broken += sum(last.get(deal_id) != place for deal_id, place in where.items())
    won = {int(i) for i, _s, status, contact in deals if status == "won" and contact is not None}
    purchased = {int(i) for i, _by_win in purchases}
    by_win = {int(i) for i, logged_by_win in purchases if logged_by_win}
    purchase_mismatches = len(won - purchased) + len(by_win - won)
    query = (
        "SELECT pipeline_id, day, fact, stage_id, currency, n, amount, amount_own,"
        " ms, open_n, open_start FROM funnel_fact ORDER BY 1, 2, 3, 4, 5"
    )
    with db.engine.connect() as conn:
        transaction = conn.begin()
        kept = [tuple(r) for r in conn.exec_driver_sql(query)]
        funnel_facts.rebuild(conn)
        recount = [tuple(r) for r in conn.exec_driver_sql(query)]
        transaction.rollback()
    return {
        "lost_updates": sum(lost.values()),
        "lost_by_kind": {k: v for k, v in lost.items() if v},
        "history_chain_breaks": broken,
        "purchase_mismatches": purchase_mismatches,
        "funnel_equals_rebuild": kept == recount,
    }


def run_load(
    target: str, *, processes: int = 10, writes: int = 200, hot: int = 500, seed: int = 1
) -> dict[str, Any]:
    """Run the load on `target` (a file path or URL) and check it."""
    deal_ids = hot_deals(target, hot)
    db = _open(target)
    before = snapshot(db, deal_ids)
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(processes)
    results = context.Queue()
    workers = [
        context.Process(
            target=_run_worker, args=(target, i, writes, deal_ids, seed, barrier, results)
        )
        for i in range(processes)
    ]
    for process in workers:
        process.start()
    reports = _collect(results, workers)
    failed = [r["failed"] for r in reports if "failed" in r]
    if failed:
        db.dispose()
        raise RuntimeError(f"team load: a process failed: {failed[0]}")
    done = [entry for report in reports for entry in report["done"]]
    wall = max(r["finished"] for r in reports) - min(r["started"] for r in reports)
    outcomes = Counter("error" if o.startswith("error") else o for _c, _d, o, _s in done)
    errors = sorted({o for _c, _d, o, _s in done if o.startswith("error")})
    latencies = [s for _c, _d, o, s in done if o == "ok"]
    found = check(db, before, done)
    db.dispose()
    result = {
        "processes": processes,
        "writes_per_process": writes,
        "hot_deals": len(deal_ids),
        "ok": outcomes["ok"],
        "refused_stale": outcomes["stale"],
        "errors": outcomes["error"],
        "error_messages": errors[:5],
        "by_change": dict(Counter(c for c, _d, o, _s in done if o == "ok")),
        "wall_s": round(wall, 2),
        "writes_per_s": round(outcomes["ok"] / wall, 1) if wall else 0.0,
        "latency_median_ms": round(statistics.median(latencies) * 1000, 1) if latencies else 0,
        "latency_p95_ms": round(_p95(latencies) * 1000, 1) if latencies else 0,
        **found,
    }
    result["passed"] = passed(result)
    return result


def _collect(results: Any, workers: list[Any], timeout: float = 900) -> list[dict[str, Any]]:
    """Every worker's report; one that died without reporting is a failure."""
    import queue

    reports: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    while len(reports) < len(workers):
        try:
            reports.append(results.get(timeout=1))
        except queue.Empty:
            dead = [p for p in workers if p.exitcode not in (None, 0)]
            if dead or time.monotonic() > deadline:
                for process in workers:
                    process.kill()
                why = f"exit code {dead[0].exitcode}" if dead else "timed out"
                reports.append({"index": -1, "failed": f"a process ended without a report ({why})"})
                break
    for process in workers:
        process.join()
    return reports


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def passed(result: dict[str, Any]) -> bool:
    """0 lost updates, 0 errors, intact histories, purchases that follow the
    wins, the summary a recount."""
    return (
        result["lost_updates"] == 0
        and result["errors"] == 0
        and result["history_chain_breaks"] == 0
        and result["purchase_mismatches"] == 0
        and bool(result["funnel_equals_rebuild"])
    )


def line(engine: str, result: dict[str, Any]) -> str:
    """One result as a line of text."""
    return (
        f"{engine}: {result['processes']} processes × {result['writes_per_process']} writes "
        f"on {result['hot_deals']} hot deals: {result['ok']} written, "
        f"{result['refused_stale']} refused as stale, {result['errors']} errors, "
        f"{result['lost_updates']} lost updates, {result['history_chain_breaks']} history "
        f"chain breaks, {result['purchase_mismatches']} purchases not following the wins, "
        f"funnel = rebuild: {result['funnel_equals_rebuild']}; "
        f"{result['writes_per_s']} writes/s (median {result['latency_median_ms']} ms, "
        f"p95 {result['latency_p95_ms']} ms) -> {'pass' if passed(result) else 'FAIL'}"
    )


def demo_database(target: str, deals: int) -> None:
    """Fill an empty database with `pipetui demo --deals N`."""
    subprocess.run(
        [str(BIN / "pipetui"), "--db", target, "demo", "--deals", str(deals)],
        check=True,
        stdout=subprocess.DEVNULL,
        env={k: v for k, v in os.environ.items() if not k.startswith("PIPETUI")},
    )


def main() -> None:
    """Build the databases (SQLite file, throwaway PostgreSQL server), run, print."""
    import postgres

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--deals", type=int, default=100_000)
    parser.add_argument("--processes", type=int, default=10)
    parser.add_argument("--writes", type=int, default=200)
    parser.add_argument("--hot", type=int, default=500)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--work", type=Path, default=HERE / "work")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    options = {"processes": args.processes, "writes": args.writes, "hot": args.hot}
    results: dict[str, Any] = {}
    if "sqlite" in args.engines:
        built = args.work / f"demo-{args.deals}.db"
        if not built.exists():
            demo_database(str(built), args.deals)
        target = args.work / f"team-{args.deals}.db"
        for leftover in args.work.glob(f"{target.name}*"):
            leftover.unlink()
        shutil.copy2(built, target)
        results["sqlite"] = run_load(str(target), **options)
        print(line("SQLite", results["sqlite"]), flush=True)
    if "postgresql" in args.engines:
        server = postgres.start()
        if isinstance(server, str):
            print(f"PostgreSQL: skipped: {server}")
        else:
            try:
                name = server.new_database("team")
                demo_database(server.url(name), args.deals)
                results["postgresql"] = run_load(server.url(name), **options)
                print(line("PostgreSQL", results["postgresql"]), flush=True)
            finally:
                server.stop()
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
