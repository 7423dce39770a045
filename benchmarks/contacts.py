"""Contacts at scale (issue 21): `contact list --search WORD` at 100,000
contacts and the contacts screen's sorts by last touch and by value at 50,000,
timed in this process through the same service calls the CLI and the TUI make.

The databases are demos (N deals give N/2 contacts and 10 touchpoints a deal):
200,000 deals for 100,000 contacts, 100,000 deals for 50,000; built once under
`work` and reused.

    .venv/bin/python benchmarks/contacts.py [WORK_DIR]
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

WORDS = ("cohen", "כהן", "zoë", "لي", "smith")
"""The words `bench.py` has always searched for (Latin, Hebrew, a diaeresis, Arabic)."""
RUNS = 5


def demo_db(work: Path, deals: int) -> Path:
    """A demo database with `deals` deals (deals / 2 contacts), built once."""
    from pipetui.services import clock
    from pipetui.services.demo import load_demo
    from pipetui.store.database import open_database

    path = work / f"demo-{deals}.db"
    if not path.exists():
        work.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial.db")
        partial.unlink(missing_ok=True)
        db = open_database(str(partial), now=clock.now())
        try:
            load_demo(db, deals=deals)
        finally:
            db.dispose()
        partial.rename(path)
    return path


def _times(call: Callable[[], object], runs: int) -> list[float]:
    """Milliseconds of `runs` calls (after one untimed call that warms the cache)."""
    call()
    found = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        found.append((time.perf_counter() - started) * 1000)
    return found


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def contact_figures(work: Path) -> dict[str, float]:
    """Median and p95 milliseconds of contact search (100,000 contacts, the five
    words five times each, 50 results as `contact list` shows) and of the
    contacts screen's id read sorted by last touch and by value (50,000)."""
    from pipetui.services import clock
    from pipetui.services.contacts import list_contacts
    from pipetui.services.journey import contact_ids
    from pipetui.store.database import open_database

    figures: dict[str, float] = {}
    db = open_database(str(demo_db(work, 200_000)), now=clock.now())
    try:
        search: list[float] = []
        for word in WORDS:
            search += _times(lambda w=word: list_contacts(db, search=w, limit=50), RUNS)
    finally:
        db.dispose()
    figures["contact_search_100k_ms"] = statistics.median(search)
    figures["contact_search_100k_p95_ms"] = _p95(search)

    db = open_database(str(demo_db(work, 100_000)), now=clock.now())
    try:
        for sort, name in (("last touch", "last_touch"), ("value", "value")):
            times = _times(lambda s=sort: contact_ids(db, sort=s), RUNS)
            figures[f"contacts_sort_{name}_50k_ms"] = statistics.median(times)
            figures[f"contacts_sort_{name}_50k_p95_ms"] = _p95(times)
    finally:
        db.dispose()
    return {k: round(v, 2) for k, v in figures.items()}


if __name__ == "__main__":
    here = Path(__file__).resolve().parent
    print(
        json.dumps(contact_figures(Path(sys.argv[1]) if sys.argv[1:] else here / "work"), indent=1)
    )
