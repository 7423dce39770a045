"""Values that used to be accepted and crash later (issue 13): the largest
amounts summed past 64 bits, dates far from today, local times the clocks skip.
Every sum comes out exact; every date outside years 1900–2199 is refused at the
door naming its field, with nothing written; data already stored out there (by
an older pipetui or another tool) still exports and reports."""

from __future__ import annotations

import os
import time
from datetime import date, datetime
from fractions import Fraction
from typing import Any

import icalendar
import pytest
from cli_harness import NOW, Cli, isolated_env
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.pool import NullPool

from db_targets import Targets
from pipetui.domain.funnel import round_half_up
from pipetui.domain.money import Money
from pipetui.services import deals
from pipetui.store import board, funnel_facts
from pipetui.store.database import Database, open_database
from pipetui.store.light import LightReader, open_light

LARGEST = 10**15 - 1  # minor units: $9,999,999,999,999.99
LARGEST_TEXT = "9,999,999,999,999.99"
PROPOSAL = 60  # the default Proposal stage's probability


def usd(minor: int) -> str:
    return Money(minor, "USD").amount_str()


def weighted(*x100: int) -> int:
    """Σ value × probability, back to minor units (halves up), as the funnel does."""
    return round_half_up(Fraction(sum(x100), 100))


def open_db(cli: Cli) -> Database:
    return open_database(str(cli.db), now=datetime.fromisoformat(NOW))


def summary(cli: Cli) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    """The funnel's running summary with the type of every value as read
    ("integer", or "float" where SQLite turned a sum REAL)."""
    rows = cli.sql(
        "SELECT pipeline_id, day, fact, stage_id, currency, n, amount, amount_own, ms,"
        " open_n, open_start FROM funnel_fact"
    )

    def kinds(values: tuple[Any, ...]) -> str:
        return "".join("integer" if type(v) is int else type(v).__name__ for v in values)

    return {tuple(row[:5]): (*row[5:], kinds(row[5:])) for row in rows}


def _stamp(cli: Cli, moment: str) -> Any:
    """A UTC time as the engine keeps it: SQLAlchemy's text on SQLite, a
    timestamptz on PostgreSQL."""
    if "://" not in str(cli.db):
        return moment if "." in moment else moment + ".000000"
    return datetime.fromisoformat(moment + "+00:00")


def rebuilt(cli: Cli) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    db = open_db(cli)
    try:
        with db.write() as conn:
            funnel_facts.rebuild(conn)
    finally:
        db.dispose()
    return summary(cli)


def board_aggregates(cli: Cli) -> list[board.AggregateRow]:
    """The column headers' figures, read the way the TUI's first frame reads them."""
    reader: LightReader | Database | None
    reader = open_light(cli.path) if "://" not in str(cli.db) else open_db(cli)
    assert reader is not None
    try:
        with reader.read_rows() as rows:
            stages = board.stages(rows, 1)
            return board.aggregates(rows, {s.id: s.probability for s in stages})
    finally:
        reader.close() if isinstance(reader, LightReader) else reader.dispose()


# --- 100 deals of the largest amount, added one by one ------------------------


@pytest.fixture(scope="module")
def hundred_db(tmp_path_factory: pytest.TempPathFactory, module_target: Targets) -> str:
    """100 open deals of $9,999,999,999,999.99 in Proposal, closing in January:
    one from the command line, the rest through the same use case; 94 at their
    own 100 % (together past 2**63 once weighted), one at its own 33 % and five
    at the stage's 60 %. Built once; each test gets its own copy."""
    where = tmp_path_factory.mktemp("hundred")
    with pytest.MonkeyPatch.context() as patch:
        for name, value in isolated_env(where).items():
            patch.setenv(name, value)
        cli = Cli(module_target("hundred.db"))
        cli.ok(
            "deal", "add", "Biggest", "--value", LARGEST_TEXT, "--stage", "Proposal",
            "--probability", "100", "--close-date", "2027-01-15",
        )  # fmt: skip
        db = open_db(cli)
        try:
            for i in range(1, 100):
                deals.add_deal(
                    db,
                    title=f"Big {i}",
                    value=Money(LARGEST, "USD"),
                    stage="Proposal",
                    probability=100 if i < 94 else 33 if i == 94 else None,
                    close_date=date(2027, 1, 15),
                )
        finally:
            db.dispose()
    return str(cli.db)


@pytest.fixture
def hundred(hundred_db: str, new_target: Targets) -> Cli:
    return Cli(new_target("p.db", copy_of=hundred_db))


HUNDRED_VALUE = 100 * LARGEST
HUNDRED_OWN = LARGEST * (94 * 100 + 33)
HUNDRED_WEIGHTED = weighted(HUNDRED_OWN, 5 * LARGEST * PROPOSAL)


def test_the_forecast_of_100_largest_deals_is_exact_to_the_cent(hundred: Cli) -> None:
    report = hundred.json("report", "forecast")

    assert HUNDRED_OWN > 2**63
    assert HUNDRED_WEIGHTED == 97_329_999_999_999_903  # 97.33 × LARGEST, half up
    assert report["open"] == 100
    assert report["open_value"] == {"USD": usd(HUNDRED_VALUE)}
    assert report["weighted_forecast"] == {"USD": usd(HUNDRED_WEIGHTED)}
    proposal = next(s for s in report["stages"] if s["name"] == "Proposal")
    assert proposal["open_value"] == {"USD": usd(HUNDRED_VALUE)}
    assert proposal["weighted_value"] == {"USD": usd(HUNDRED_WEIGHTED)}
    assert report["by_close_month"] == [
        {
            "month": "2027-01",
            "open": 100,
            "open_value": {"USD": usd(HUNDRED_VALUE)},
            "weighted_value": {"USD": usd(HUNDRED_WEIGHTED)},
        }
    ]


def test_the_funnel_of_100_largest_deals_is_exact_to_the_cent(hundred: Cli) -> None:
    report = hundred.json("report", "funnel")

    assert report["open"] == 100
    assert report["open_value"] == {"USD": usd(HUNDRED_VALUE)}
    assert report["weighted_forecast"] == {"USD": usd(HUNDRED_WEIGHTED)}


def test_the_board_reads_the_column_totals_of_100_largest_deals(hundred: Cli) -> None:
    (proposal,) = board_aggregates(hundred)

    assert (proposal.deals, proposal.value_minor) == (100, HUNDRED_VALUE)
    assert proposal.weighted_minor_x100 == HUNDRED_OWN + 5 * LARGEST * PROPOSAL


def test_the_funnel_summary_stays_whole_numbers_equal_to_a_rebuild(hundred: Cli) -> None:
    before = summary(hundred)

    assert before == rebuilt(hundred)
    assert {row[-1] for row in before.values()} == {"integer" * 6}
    # What the summary stores for the open deals with their own probability:
    # low halves in the fact's row, the rest in its "^" row; joined, exact.
    own = next(v for k, v in before.items() if k[2] == "open_own")
    high = next(v for k, v in before.items() if k[2] == "open_own" + funnel_facts.HIGH)
    assert own[0] == 95
    assert own[1] + (high[1] << 32) == 95 * LARGEST
    assert own[2] + (high[2] << 32) == HUNDRED_OWN


# --- past 2**63 in one sum ------------------------------------------------------


def copy_deal(cli: Cli, deal_id: int, times: int) -> None:
    """`times` more rows like deal `deal_id`, written straight into the table as
    another tool (or a bulk path) would: all created the same day, one bucket."""
    engine = create_engine(cli.url, poolclass=NullPool)
    with engine.begin() as conn:
        columns = [
            str(column["name"])
            for column in inspect(conn).get_columns("deal")
            if column["name"] not in ("id", "external_id")
        ]
        names = ", ".join(columns)
        conn.execute(
            text(
                "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < :n)"
                f" INSERT INTO deal ({names}) SELECT {names} FROM deal, k WHERE deal.id = :deal"
            ),
            {"n": times, "deal": deal_id},
        )
    engine.dispose()


def test_sums_past_64_bits_are_exact_in_every_report_and_on_the_board(cli: Cli) -> None:
    many = 9_300  # 9,300 × $9,999,999,999,999.99 is past 2**63 minor units
    cli.ok(
        "deal", "add", "Open", "--value", LARGEST_TEXT, "--stage", "Proposal",
        "--probability", "100", "--source", "Referral", "--close-date", "2027-01-15",
    )  # fmt: skip
    cli.ok("deal", "add", "Won", "--value", LARGEST_TEXT, "--source", "Referral")
    cli.ok("deal", "won", "2")
    copy_deal(cli, 1, many - 1)
    copy_deal(cli, 2, many - 1)
    assert rebuilt(cli)  # as every bulk write does
    total = many * LARGEST
    assert total > 2**63

    forecast = cli.json("report", "forecast")
    funnel = cli.json("report", "funnel")
    (source,) = cli.json("report", "sources")["sources"]
    (proposal,) = board_aggregates(cli)

    assert forecast["open_value"] == forecast["weighted_forecast"] == {"USD": usd(total)}
    assert forecast["by_close_month"][0]["weighted_value"] == {"USD": usd(total)}
    assert funnel["weighted_forecast"] == {"USD": usd(total)}
    assert funnel["avg_won_value"] == {"USD": usd(LARGEST)}
    assert (source["deals"], source["won"], source["won_value"]) == (
        2 * many,
        many,
        {"USD": usd(total)},
    )
    assert (proposal.value_minor, proposal.weighted_minor_x100) == (total, total * 100)
    assert {row[-1] for row in summary(cli).values()} == {"integer" * 6}


# --- dates outside years 1900–2199 are refused at the door ----------------------


@pytest.fixture
def one_deal(cli: Cli) -> Cli:
    cli.ok("deal", "add", "Acme renewal", "--value", "1,200")
    return cli


@pytest.mark.parametrize(
    ("args", "field", "day"),
    [
        (("report", "funnel", "--since", "0001-01-01"), "since", "0001-01-01"),
        (("report", "funnel", "--until", "9999-12-31"), "until", "9999-12-31"),
        (("report", "forecast", "--since", "1899-12-31"), "since", "1899-12-31"),
        (
            ("followup", "add", "--deal", "1", "--title", "Call", "--due", "9999-12-31"),
            "due",
            "9999-12-31",
        ),
        (
            ("deal", "lost", "1", "--reason", "price", "--revisit", "9999-12-31"),
            "revisit",
            "9999-12-31",
        ),
        (("deal", "edit", "1", "--close-date", "2200-01-01"), "close-date", "2200-01-01"),
        (("touch", "1", "--kind", "call", "--at", "0001-01-01T00:00"), "at", "0001-01-01"),
    ],
)
def test_a_date_outside_years_1900_to_2199_is_refused_naming_the_field(
    one_deal: Cli, args: tuple[str, ...], field: str, day: str
) -> None:
    one_deal.ok("contact", "add", "Dana")
    with one_deal.unchanged():
        message = one_deal.fails(*args, field=field)
    assert message == f"{day} is out of range (years 1900–2199)"


# --- local times the clocks skip or repeat ---------------------------------------


def test_a_local_time_the_clocks_skip_is_refused(cli: Cli, in_new_york: None) -> None:
    cli.ok("contact", "add", "Dana")
    with cli.unchanged():
        message = cli.fails(
            "touch", "Dana", "--kind", "call", "--at", "2026-03-08T02:30", field="at"
        )
    assert message.startswith("2026-03-08 02:30 does not exist on that day in the local time zone")


def test_a_repeated_local_time_is_taken_at_its_first_occurrence(
    cli: Cli, in_new_york: None
) -> None:
    cli.ok("contact", "add", "Dana")
    touch = cli.json("touch", "Dana", "--kind", "call", "--at", "2026-11-01T01:30")
    assert touch["at"] == "2026-11-01T05:30:00+00:00"  # 01:30 EDT, not 01:30 EST


# --- dates already stored out there ------------------------------------------------


def test_follow_ups_stored_at_the_ends_of_the_calendar_still_export_as_icalendar(
    one_deal: Cli,
) -> None:
    for title in ("Last day", "First day", "Normal"):
        one_deal.ok("followup", "add", "--deal", "1", "--title", title, "--due", "2027-01-04")
    one_deal.sql("UPDATE followup SET due = '9999-12-31' WHERE title = 'Last day'")
    one_deal.sql("UPDATE followup SET due = '0001-01-01' WHERE title = 'First day'")

    text = one_deal.ok("export", "--format", "ics").out

    events = {
        str(e["summary"]).split(" – ")[0]: e
        for e in icalendar.Calendar.from_ical(text).walk("VEVENT")
    }
    assert events["Last day"].decoded("dtstart") == date.max
    assert "DTEND" not in events["Last day"]  # RFC 5545: a DATE start alone lasts one day
    assert events["First day"].decoded("dtstart") == date.min
    assert events["First day"].decoded("dtend") == date(1, 1, 2)
    assert events["Normal"].decoded("dtend") == date(2027, 1, 5)


def test_deals_stored_at_the_ends_of_the_calendar_still_report(cli: Cli) -> None:
    for title in ("Year one", "Year 9999", "Today"):
        cli.ok("deal", "add", title, "--value", "100", "--close-date", "2027-01-04")
    cli.ok("deal", "won", "2")
    first, last = _stamp(cli, "0001-01-01 00:00:00"), _stamp(cli, "9999-12-31 23:59:59.999999")
    cli.sql(
        "UPDATE deal SET created_at = :t, stage_entered_at = :t, close_date = '0001-01-01'"
        " WHERE id = 1",
        {"t": first},
    )
    cli.sql(
        "UPDATE deal SET created_at = :t, closed_at = :t, close_date = '9999-12-31' WHERE id = 2",
        {"t": last},
    )
    cli.sql("UPDATE stage_history SET at = :t WHERE deal_id = 1", {"t": first})
    rebuilt(cli)

    # West and east of UTC, where local time near year 1 or 9999 is off the calendar.
    for zone in ("America/New_York", "Asia/Tokyo"):
        os.environ["TZ"] = zone
        time.tzset()  # the autouse fixture puts UTC back
        everything = cli.json("report", "funnel")
        this_year = cli.json("report", "funnel", "--since", "2026-01-01", "--until", "2026-12-31")
        widest = cli.json("report", "forecast", "--since", "1900-01-01", "--until", "2199-12-31")
        months = [m["month"] for m in cli.json("report", "forecast")["by_close_month"]]
        cli.json("report", "sources")
        cli.json("report", "journey")

        assert (everything["open"], everything["won"]) == (2, 1), zone
        assert (this_year["open"], this_year["won"]) == (1, 0), zone
        assert widest["open"] == 1, zone
        assert months == ["0001-01", "2027-01"], zone
