"""`report customers` through the service: a customer's story, then every
figure after the sale against a brute-force recount over random contacts,
touchpoints, deals and spend (hypothesis), on SQLite and PostgreSQL."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert

from db_targets import Targets
from pipetui.domain.errors import ValidationError
from pipetui.domain.journey import JourneyStage
from pipetui.domain.money import Money
from pipetui.domain.text import search_key
from pipetui.services import clock, deals
from pipetui.services.contacts import add_contact
from pipetui.services.customers import customers_report
from pipetui.services.reports import ALL_TIME, Period, set_source_spend
from pipetui.services.touchpoints import log_touchpoint
from pipetui.store import pipelines as pipeline_store
from pipetui.store.contacts import contact_keys
from pipetui.store.database import Database, open_database
from pipetui.store.tables import CONTACT, DEAL, SOURCE_SPEND, TOUCHPOINT

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
DAY = timedelta(days=1)


@pytest.fixture(autouse=True)
def _fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """The app's clock at NOW (tests/conftest.py already makes local time UTC)."""
    monkeypatch.setenv("PIPETUI_NOW", NOW.isoformat())


@pytest.fixture
def db(new_target: Targets) -> Iterator[Database]:
    database = open_database(str(new_target("c.db")), now=clock.now())
    yield database
    database.dispose()


def test_a_customer_buys_twice_recommends_and_is_retained(db: Database) -> None:
    """Dana (Hebrew name, source "פייסבוק") buys ₪1,000, renews for ₪3,000 and
    leaves a review; Omar bought $500 two years ago and never again."""
    add_contact(db, name="דנה כהן", source="פייסבוק")
    add_contact(db, name="Omar Haddad", source="Search")
    log_touchpoint(db, contact="Omar Haddad", kind="purchase", at=NOW - 700 * DAY)
    for title, minor, currency, contact in (
        ("First order", 100_000, "ILS", "דנה כהן"),
        ("Renewal", 300_000, "ILS", "דנה כהן"),
    ):
        deal = deals.add_deal(
            db, title=title, value=Money(minor, currency), contact=contact, source="פייסבוק"
        )
        deals.win_deal(db, deal.view.deal.id)
    log_touchpoint(db, contact="דנה כהן", kind="review", at=NOW - DAY, score=10)
    log_touchpoint(db, contact="Omar Haddad", kind="survey", at=NOW - DAY, score=3)
    set_source_spend(db, source="פייסבוק", month="2026-11", amount=Money(200_000, "ILS"))

    report = customers_report(db)
    assert (report.customers, report.repeat_customers) == (2, 1)
    assert report.repeat_rate == Fraction(1, 2)
    (ils,) = report.lifetime
    assert (ils.currency, ils.customers, ils.mean_minor, ils.median_minor) == (
        "ILS",
        1,
        400_000,
        400_000,
    )
    assert (report.churn.customers, report.churn.churned) == (2, 1)
    assert report.churn.retention == Fraction(1, 2)
    assert [s.reached for s in report.steps.steps] == [2, 1, 1]
    assert report.nps.score == 0  # one promoter, one detractor
    assert [(name, n.score) for name, n in report.nps_by_source] == [
        ("Search", -100),
        ("פייסבוק", 100),
    ]
    (facebook,) = [r for r in report.returns if r.source == "פייסבוק"]
    assert (facebook.won_minor, facebook.spend_minor, facebook.roi) == (400_000, 200_000, 1)
    only = customers_report(db, source="פייסבוק", churn_days=30)
    assert (only.customers, only.churn.churned) == (1, 0)
    with pytest.raises(ValidationError) as refused:
        customers_report(db, churn_days=0)
    assert refused.value.field == "churn_days"


# --- brute force --------------------------------------------------------------------

SOURCES = [None, "Search", "search", "פייסבוק"]
STAGES = list(JourneyStage)
days_ago = st.integers(min_value=0, max_value=900)
touch = st.tuples(
    st.integers(0, 5), st.sampled_from(STAGES), days_ago, st.none() | st.integers(0, 10)
)
deal = st.tuples(
    st.none() | st.integers(0, 5),
    st.sampled_from(["won", "won", "open", "lost"]),
    st.sampled_from(["ILS", "USD"]),
    st.integers(0, 10**12),
    days_ago,
    st.sampled_from(SOURCES),
    st.booleans(),  # a purchase touchpoint linked to it
)
worlds = st.tuples(
    st.lists(st.sampled_from(SOURCES), min_size=6, max_size=6),
    st.lists(touch, max_size=25),
    st.lists(deal, max_size=12),
    st.lists(st.tuples(st.sampled_from(SOURCES[1:]), st.integers(0, 10**6)), max_size=3),
    st.none() | st.tuples(days_ago, st.integers(0, 400)),
    st.none() | st.sampled_from(SOURCES[1:]),
    st.integers(1, 800),
)


def _load(db: Database, world: Any) -> tuple[list[int], list[dict[str, Any]], list[dict[str, Any]]]:
    sources, touches, won_deals, spends, _, _, _ = world
    with db.write() as conn:
        for table in (TOUCHPOINT, DEAL, CONTACT, SOURCE_SPEND):
            conn.execute(delete(table))
        pipeline = pipeline_store.pipelines(conn)[0]
        stage = pipeline_store.stages(conn, pipeline.id)[0]
        ids = []
        for i, source in enumerate(sources):
            values = {"name": f"Contact {i}", "source": source}
            result = conn.execute(
                insert(CONTACT).values(
                    created_at=NOW, updated_at=NOW, **values, **contact_keys(values)
                )
            )
            ids.append(int(result.inserted_primary_key[0]))  # type: ignore[index]
        deal_rows = []
        tps: list[dict[str, Any]] = []
        for contact, status, currency, minor, ago, source, linked in won_deals:
            at = NOW - ago * DAY
            row = {
                "contact_id": None if contact is None else ids[contact],
                "status": status,
                "currency": currency,
                "value_minor": minor,
                "source": source,
                "closed_at": at if status != "open" else None,
            }
            result = conn.execute(
                insert(DEAL).values(
                    title="D",
                    search_key="d",
                    pipeline_id=pipeline.id,
                    stage_id=stage.id,
                    rank=0,
                    created_at=at - DAY,
                    updated_at=at,
                    stage_entered_at=at - DAY,
                    **row,
                )
            )
            row["id"] = int(result.inserted_primary_key[0])  # type: ignore[index]
            deal_rows.append(row)
            if linked and status == "won" and contact is not None:
                tps.append(
                    {
                        "contact_id": ids[contact],
                        "deal_id": row["id"],
                        "kind": "purchase",
                        "journey_stage": "purchase",
                        "at": at,
                        "score": None,
                    }
                )
        for contact, stage_, ago, score in touches:
            tps.append(
                {
                    "contact_id": ids[contact],
                    "deal_id": None,
                    "kind": "x",
                    "journey_stage": stage_.value,
                    "at": NOW - ago * DAY,
                    "score": score,
                }
            )
        if tps:
            conn.execute(insert(TOUCHPOINT), tps)
    for source, minor in spends:
        set_source_spend(db, source=source, month="2026-06", amount=Money(minor, "ILS"))
    return ids, deal_rows, tps


def _recount(
    world: Any, ids: list[int], deal_rows: list[dict[str, Any]], tps: list[dict[str, Any]]
) -> dict[str, Any]:
    sources, _, _, spends, span, wanted, churn_days = world
    if span is None:
        since = until = None
    else:
        first = (NOW - span[0] * DAY).date()
        since = datetime.combine(first, datetime.min.time(), UTC)
        until = since + (span[1] + 1) * DAY
    source_of = dict(zip(ids, sources, strict=True))

    def in_period(at: datetime, upto: datetime | None = until) -> bool:
        return (since is None or at >= since) and (upto is None or at < upto)

    def cohort(contact: int) -> bool:
        return wanted is None or search_key(source_of[contact] or "") == search_key(wanted)

    purchase_stages = {"purchase", "loyalty"}
    linked = {t["deal_id"] for t in tps if t["deal_id"] and t["journey_stage"] in purchase_stages}
    events = [(t["contact_id"], t["at"]) for t in tps if t["journey_stage"] in purchase_stages]
    events += [
        (d["contact_id"], d["closed_at"])
        for d in deal_rows
        if d["status"] == "won" and d["contact_id"] is not None and d["id"] not in linked
    ]
    events = [(c, at) for c, at in events if cohort(c)]
    bought: dict[int, int] = defaultdict(int)
    for contact, at in events:
        if in_period(at):
            bought[contact] += 1
    in_tps = [t for t in tps if in_period(t["at"])]
    advocates = {
        c
        for c in bought
        if any(t["contact_id"] == c and t["journey_stage"] == "advocacy" for t in in_tps)
    }
    loyal = {
        c
        for c in bought
        if c not in advocates
        and (
            bought[c] >= 2
            or any(t["contact_id"] == c and t["journey_stage"] == "loyalty" for t in in_tps)
        )
    }
    ended = until is not None and until < NOW
    end = until if until is not None and ended else NOW
    last: dict[int, datetime] = {}
    for contact, at in events:
        if not ended or at < end:
            last[contact] = max(last.get(contact, at), at)
    per: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    won_by: dict[tuple[str, str], int] = defaultdict(int)
    for d in deal_rows:
        if d["status"] != "won" or not in_period(d["closed_at"]):
            continue
        if d["contact_id"] is not None and cohort(d["contact_id"]):
            per[d["currency"]][d["contact_id"]] += d["value_minor"]
        if wanted is None or search_key(d["source"] or "") == search_key(wanted):
            won_by[(search_key(d["source"] or ""), d["currency"])] += d["value_minor"]
    months_in = span is None or (
        since is not None
        and until is not None
        and since.strftime("%Y-%m") <= "2026-06" <= (until - DAY).strftime("%Y-%m")
    )
    spent: dict[tuple[str, str], int] = {}
    for source, minor in spends:  # a later figure for the same source and month replaces
        if months_in and (wanted is None or search_key(source) == search_key(wanted)):
            spent[(search_key(source), "ILS")] = minor
    scores = [
        (t["contact_id"], t["score"])
        for t in in_tps
        if t["score"] is not None and cohort(t["contact_id"])
    ]
    return {
        "customers": len(bought),
        "repeat": sum(1 for n in bought.values() if n >= 2),
        "steps": [len(bought), len(loyal) + len(advocates), len(advocates)],
        "churn": (len(last), sum(1 for at in last.values() if at < end - churn_days * DAY)),
        "ltv": {c: sorted(v.values()) for c, v in per.items()},
        "roi": {key: (won_by.get(key, 0), spent.get(key, 0)) for key in {*won_by, *spent}},
        "nps": (
            sum(1 for _, s in scores if s >= 9),
            sum(1 for _, s in scores if 7 <= s <= 8),
            sum(1 for _, s in scores if s <= 6),
        ),
    }


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(world=worlds)
def test_every_figure_matches_a_brute_force_recount(db: Database, world: Any) -> None:
    ids, deal_rows, tps = _load(db, world)
    span, wanted, churn_days = world[4], world[5], world[6]
    period = ALL_TIME
    if span is not None:
        first = (NOW - span[0] * DAY).date()
        period = Period(first, first + timedelta(days=span[1]))
    report = customers_report(db, period=period, source=wanted, churn_days=churn_days)
    expected = _recount(world, ids, deal_rows, tps)
    assert report.customers == expected["customers"]
    assert report.repeat_customers == expected["repeat"]
    assert [s.reached for s in report.steps.steps] == expected["steps"]
    assert (report.churn.customers, report.churn.churned) == expected["churn"]
    assert {v.currency: v for v in report.lifetime}.keys() == expected["ltv"].keys()
    for value in report.lifetime:
        values = expected["ltv"][value.currency]
        assert value.mean_minor == Fraction(sum(values), len(values))
        middle = len(values) // 2
        assert value.median_minor == (
            values[middle] if len(values) % 2 else Fraction(values[middle - 1] + values[middle], 2)
        )
    got_roi = {
        (search_key(r.source) if r.source != "(no source)" else "", r.currency): (
            r.won_minor,
            r.spend_minor,
        )
        for r in report.returns
    }
    assert got_roi == expected["roi"]
    nps = report.nps
    assert (nps.promoters, nps.passives, nps.detractors) == expected["nps"]
