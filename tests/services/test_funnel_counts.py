"""Anonymous counts at the top of the funnel (issue 19, item 8): the marketing
funnel starts from 1,000 visitors without 1,000 made-up contacts, and named
contacts continue it. The arithmetic (`marketing_reached`) is checked against
a recount that adds the anonymous people one by one."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from db_targets import Targets
from pipetui.domain.journey import (
    MARKETING_STAGES,
    JourneyStage,
    SourceCounts,
    marketing_reached,
)
from pipetui.domain.segments import ContactSegment
from pipetui.services import clock, contacts, funnel_counts, reports
from pipetui.services.touchpoints import log_touchpoint
from pipetui.services.transfer import ImportOptions, import_file, write_json
from pipetui.store.database import Database, open_database

AWARENESS, INTEREST, INTENT = JourneyStage.AWARENESS, JourneyStage.INTEREST, JourneyStage.INTENT


@pytest.fixture
def db(new_target: Targets, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    monkeypatch.setenv("PIPETUI_NOW", "2026-11-20T10:00:00+00:00")
    database = open_database(new_target("c.db"), now=clock.now())
    yield database
    database.dispose()


def _people(db: Database, source: str | None, interest: int, intent: int, bought: int) -> None:
    """`interest` named contacts left their details; `intent` of them asked
    for a quote; `bought` of those bought."""
    for n in range(interest):
        name = f"{source or 'walk-in'} {n}"
        contacts.add_contact(db, name=name, source=source)
        kind = "purchase" if n < bought else "quote requested" if n < intent else "enquiry"
        log_touchpoint(db, contact=name, kind=kind)


def test_the_worked_example_from_1000_visitors_and_named_contacts(db: Database) -> None:
    funnel_counts.set_count(db, stage="awareness", count=1000, month="2026-11", source="Search")
    _people(db, "Search", interest=200, intent=50, bought=10)

    steps = reports.journey_report(db)

    assert [s.reached for s in steps.steps] == [1000, 200, 50, 50, 10]
    rates = [s.conversion_to_next for s in steps.steps]
    assert rates[0] == pytest.approx(0.20) and rates[1] == pytest.approx(0.25)
    assert rates[3] == pytest.approx(0.20)
    assert steps.overall_conversion == pytest.approx(0.01)


def test_counts_are_per_source_and_never_added_to_the_named_ones(db: Database) -> None:
    funnel_counts.set_count(db, stage="awareness", count=100, month="2026-11", source="Search")
    funnel_counts.set_count(db, stage="interest", count=30, month="2026-11", source="search")
    _people(db, "Search", interest=20, intent=5, bought=1)  # fewer than counted: the count
    _people(db, "הפניה", interest=4, intent=0, bought=0)  # no count for referrals: as named

    steps = reports.journey_report(db)
    assert [s.reached for s in steps.steps] == [104, 34, 5, 5, 1]

    only_search = reports.journey_report(db, segment=ContactSegment(source="SEARCH"))
    assert [s.reached for s in only_search.steps] == [100, 30, 5, 5, 1]
    tagged = reports.journey_report(db, segment=ContactSegment(tags=("vip",)))
    assert [s.reached for s in tagged.steps] == [0, 0, 0, 0, 0]  # no tags on the anonymous


def test_a_count_without_a_source_is_a_total_over_every_source(db: Database) -> None:
    funnel_counts.set_count(db, stage="awareness", count=500, month="2026-11")
    _people(db, "Search", interest=20, intent=0, bought=0)
    assert reports.journey_report(db).steps[0].reached == 500
    funnel_counts.set_count(db, stage="awareness", count=5, month="2026-11")
    assert reports.journey_report(db).steps[0].reached == 20  # never below the named


def test_only_the_months_the_period_touches_count(db: Database) -> None:
    funnel_counts.set_count(db, stage="awareness", count=300, month="2026-10")
    funnel_counts.set_count(db, stage="awareness", count=1000, month="2026-11")
    november = reports.Period(date(2026, 11, 1), date(2026, 11, 30))
    assert reports.journey_report(db, period=november).steps[0].reached == 1000
    assert reports.journey_report(db).steps[0].reached == 1300


def test_setting_replaces_and_add_adds(db: Database) -> None:
    funnel_counts.set_count(db, stage="interest", count=10, month="2026-11", source="Ads")
    funnel_counts.set_count(db, stage="interest", count=12, month="2026-11", source="ads")
    added = funnel_counts.set_count(
        db, stage="interest", count="1,000", month="2026-11", source="ADS", add=True
    )
    assert added.count == 1012
    assert [(c.stage, c.count) for c in funnel_counts.list_counts(db)] == [(INTEREST, 1012)]


def test_a_full_export_carries_the_counts_into_a_new_database(
    db: Database, new_target: Targets, tmp_path: Path
) -> None:
    funnel_counts.set_count(db, stage="awareness", count=1000, month="2026-11", source="חיפוש")
    funnel_counts.set_count(db, stage="intent", count=7, month="2026-12")
    out = tmp_path / "all.json"
    with out.open("w", encoding="utf-8") as stream:
        write_json(db, "all", stream)
    exported = json.loads(out.read_text(encoding="utf-8"))["funnel_counts"]
    assert {(c["source"], c["count"]) for c in exported} == {("חיפוש", 1000), (None, 7)}

    copy = open_database(new_target("copy.db"), now=clock.now())
    try:
        import_file(copy, out, ImportOptions(), default_currency="USD")
        assert funnel_counts.list_counts(copy) == funnel_counts.list_counts(db)
    finally:
        copy.dispose()


# --- the arithmetic against a recount ------------------------------------------------

_stage_index = st.integers(min_value=0, max_value=len(MARKETING_STAGES) - 1)
_counts = st.dictionaries(st.sampled_from(MARKETING_STAGES[:-1]), st.integers(0, 60), max_size=4)


def _recount(
    named: list[tuple[int, int]],
    counted: dict[int, dict[JourneyStage, int]],
    total: dict[JourneyStage, int],
) -> list[int]:
    """Add anonymous people one at a time, from the last stage back, until
    every count is met (per source, then over all), and count everyone."""
    people = list(named)  # (source, furthest stage index)
    for source, counts in counted.items():
        for k in reversed(range(len(MARKETING_STAGES))):
            while sum(1 for s, f in people if s == source and f >= k) < counts.get(
                MARKETING_STAGES[k], 0
            ):
                people.append((source, k))
    for k in reversed(range(len(MARKETING_STAGES))):
        while sum(1 for _s, f in people if f >= k) < total.get(MARKETING_STAGES[k], 0):
            people.append((-1, k))
    return [sum(1 for _s, f in people if f >= k) for k in range(len(MARKETING_STAGES))]


@settings(max_examples=200, deadline=None)
@given(
    named=st.lists(st.tuples(st.integers(0, 3), _stage_index), max_size=40),
    counted=st.dictionaries(st.integers(0, 3), _counts, max_size=4),
    total=_counts,
)
def test_marketing_reached_is_the_recount(
    named: list[tuple[int, int]],
    counted: dict[int, dict[JourneyStage, int]],
    total: dict[JourneyStage, int],
) -> None:
    def furthest(people: list[tuple[int, int]]) -> list[int]:
        return [sum(1 for _s, f in people if f == k) for k in range(len(MARKETING_STAGES))]

    by_source = [
        SourceCounts(counts, furthest([p for p in named if p[0] == source]))
        for source, counts in counted.items()
    ]
    reached = marketing_reached(furthest(named), by_source, total)

    assert reached == _recount(named, counted, total)
    assert all(a >= b for a, b in itertools.pairwise(reached))
