"""`pipetui report … --compare previous|year`: after a change in process the
seller sees the same figures for the prior period and the change — conversion
in points, cycle time in days, counts, money per currency — as text ("then →
now (change)") and as JSON {"now", "previous", "change"}; all time is refused."""

from __future__ import annotations

import pytest
from cli_harness import Cli


def at(monkeypatch: pytest.MonkeyPatch, moment: str) -> None:
    monkeypatch.setenv("PIPETUI_NOW", moment)


@pytest.fixture
def two_months(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> Cli:
    """October: four deals, one won after 10 days, three lost (win rate 25 %).
    November: four deals, two won after 8 days, one lost ("הצעה" is one)."""
    for month, titles, won, lost in (
        ("10", ["a", "b", "c", "d"], [1], [2, 3, 4]),
        ("11", ["e", "f", "g", "הצעה"], [5, 6], [7]),
    ):
        at(monkeypatch, f"2026-{month}-05T09:00:00+00:00")
        for title in titles:
            cli.add_deal(title, "--value", "1000 ILS")
        at(monkeypatch, f"2026-{month}-{15 if month == '10' else 13}T09:00:00+00:00")
        for deal in won:
            cli.ok("deal", "won", str(deal))
        for deal in lost:
            cli.ok("deal", "lost", str(deal), "--reason", "Price")
    at(monkeypatch, "2026-11-20T10:00:00+00:00")
    return cli


def test_funnel_compared_with_the_previous_month_in_json(two_months: Cli) -> None:
    found = two_months.json(
        "report",
        "funnel",
        "--since",
        "2026-11-01",
        "--until",
        "2026-11-30",
        "--compare",
        "previous",
    )
    assert set(found) == {"now", "previous", "change"}
    assert (found["now"]["since"], found["now"]["until"]) == ("2026-11-01", "2026-11-30")
    assert (found["previous"]["since"], found["previous"]["until"]) == ("2026-10-02", "2026-10-31")
    assert (found["previous"]["won"], found["now"]["won"]) == (1, 2)
    change = found["change"]
    assert change["won"] == {"change": 1, "unit": "count"}
    assert change["lost"] == {"change": -2, "unit": "count"}
    assert change["win_rate"] == {"change": pytest.approx(41.666666, abs=1e-5), "unit": "points"}
    assert change["avg_cycle_days"] == {"change": -2.0, "unit": "days"}
    assert change["avg_won_value"] == {"change": {"ILS": 0.0}, "unit": "%"}
    assert change["stages.Prospecting.reached"] == {"change": 0, "unit": "count"}


def test_funnel_compared_as_text_reads_then_arrow_now(two_months: Cli) -> None:
    out = two_months.ok(
        "report",
        "funnel",
        "--since",
        "2026-11-01",
        "--until",
        "2026-11-30",
        "--compare",
        "previous",
    ).out
    assert "2026-11-01 to 2026-11-30 compared with 2026-10-02 to 2026-10-31" in out
    assert "Then → now (change)" in out
    lines = {line.split("  ")[0]: line for line in out.splitlines()}
    assert "25.0 % → 66.7 % (+41.7 pts)" in lines["win rate"]
    assert "10.0 d → 8.0 d (−2.0 d)" in lines["avg cycle days"]
    assert "1 → 2 (+1)" in lines["won"]


def test_year_compares_the_same_dates_a_year_earlier(two_months: Cli) -> None:
    found = two_months.json("report", "sources", "--since", "2026-11-01", "--compare", "year")
    assert (found["now"]["since"], found["now"]["until"]) == ("2026-11-01", "2026-11-20")
    assert (found["previous"]["since"], found["previous"]["until"]) == ("2025-11-01", "2025-11-20")
    assert found["previous"]["sources"] == []


@pytest.mark.parametrize("report", ["funnel", "forecast", "sources", "journey", "customers"])
def test_every_report_compares(two_months: Cli, report: str) -> None:
    found = two_months.json(
        "report", report, "--since", "2026-11-01", "--until", "2026-11-30", "--compare", "previous"
    )
    assert set(found) == {"now", "previous", "change"}
    assert all(set(c) == {"change", "unit"} for c in found["change"].values())


@pytest.mark.parametrize("report", ["funnel", "journey", "customers"])
def test_all_time_cannot_be_compared_and_says_so(two_months: Cli, report: str) -> None:
    message = two_months.fails("report", report, "--compare", "previous", field="compare")
    assert "--compare" in message and "--since" in message
    message = two_months.fails(
        "report", report, "--until", "2026-11-30", "--compare", "year", "--json", field="compare"
    )
    assert "period" in message


def test_an_unknown_comparison_is_a_usage_error(two_months: Cli) -> None:
    two_months.usage_error(
        "report", "funnel", "--since", "2026-11-01", "--compare", "decade", mentions="--compare"
    )
