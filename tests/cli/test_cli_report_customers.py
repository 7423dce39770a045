"""`pipetui report customers`: what happened after the sale — lifetime value
per currency (mean and exact median), repeat-purchase rate, churn and
retention with a settable window, the journey after purchase, ROI per lead
source from `source spend`, and NPS by source — as JSON and as text."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_harness import Cli


def at(monkeypatch: pytest.MonkeyPatch, moment: str) -> None:
    monkeypatch.setenv("PIPETUI_NOW", moment)


@pytest.fixture
def customers(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> Cli:
    """Dana (from "פייסבוק") buys ₪1,000 and ₪4,000 and writes a review; Omar
    (from Search) bought $300 in 2025 and answered a survey with 4; Lea buys
    $500 now. ₪2,000 was spent on פייסבוק in November."""
    at(monkeypatch, "2025-06-01T09:00:00+00:00")
    cli.ok("contact", "add", "Omar Haddad", "--source", "Search")
    cli.add_deal(
        "Old order", "--value", "300 USD", "--contact", "Omar Haddad", "--source", "Search"
    )
    cli.ok("deal", "won", "1")
    at(monkeypatch, "2026-11-10T09:00:00+00:00")
    cli.ok("contact", "add", "דנה כהן", "--source", "פייסבוק")
    cli.ok("contact", "add", "Lea", "--source", "search")
    for title, value, contact in (
        ("First", "1000 ILS", "דנה כהן"),
        ("Second", "4000 ILS", "דנה כהן"),
        ("Lea's", "500 USD", "Lea"),
    ):
        deal = cli.add_deal(title, "--value", value, "--contact", contact, "--source", "פייסבוק")
        cli.ok("deal", "won", str(deal["id"]))
    cli.ok("touch", "דנה כהן", "--kind", "review", "--score", "10")
    cli.ok("touch", "Omar Haddad", "--kind", "survey", "--score", "4")
    cli.ok("source", "spend", "פייסבוק", "2026-11", "2000 ILS")
    at(monkeypatch, "2026-11-20T10:00:00+00:00")
    return cli


def test_customers_json_has_every_figure(customers: Cli) -> None:
    found = customers.json("report", "customers")
    assert (found["customers"], found["repeat_customers"], found["repeat_rate"]) == (3, 1, 1 / 3)
    assert found["lifetime_value"] == {
        "customers": {"ILS": 1, "USD": 2},
        "total": {"ILS": "5000.00", "USD": "800.00"},
        "mean": {"ILS": "5000.00", "USD": "400.00"},
        "median": {"ILS": "5000.00", "USD": "400.00"},
    }
    assert (found["churn_days"], found["churn_customers"], found["churned"]) == (365, 3, 1)
    assert (found["churn"], found["retention"]) == (1 / 3, 2 / 3)
    assert [(s["name"], s["reached"]) for s in found["after_sale"]] == [
        ("customers", 3),
        ("repeat/renewal", 1),
        ("advocates", 1),
    ]
    roi = {(r["source"], r["currency"]): r for r in found["roi_by_source"]}
    assert roi[("פייסבוק", "ILS")] == {
        "source": "פייסבוק",
        "currency": "ILS",
        "won_value": "5000.00",
        "spend": "2000.00",
        "roi": 1.5,
    }
    assert roi[("Search", "USD")]["roi"] is None
    assert found["nps"]["score"] == 0.0
    assert [(s["source"], s["score"]) for s in found["nps_by_source"]] == [
        ("Search", -100.0),
        ("פייסבוק", 100.0),
    ]


def test_the_churn_window_comes_from_the_option_or_the_setting(
    customers: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert customers.json("report", "customers", "--churn-days", "1000")["churned"] == 0
    settings = tmp_path / "settings.toml"
    settings.write_text("churn_days = 5\n", encoding="utf-8")
    monkeypatch.setenv("PIPETUI_CONFIG", str(settings))
    found = customers.json("report", "customers")
    assert (found["churn_days"], found["churned"]) == (5, 3)
    customers.fails("report", "customers", "--churn-days", "0", field="churn-days")


def test_a_period_and_a_source_narrow_the_customers(customers: Cli) -> None:
    found = customers.json("report", "customers", "--since", "2026-11-01", "--source", "SEARCH")
    assert found["source"] == "SEARCH"
    assert (found["customers"], found["lifetime_value"]["total"]) == (1, {"USD": "500.00"})
    hebrew = customers.json("report", "customers", "--source", "פייסבוק")
    assert hebrew["customers"] == 1


def test_customers_text_a_person_can_read(customers: Cli) -> None:
    out = customers.ok("report", "customers").out
    assert "Customers 3 · repeat customers 1 · repeat-purchase rate 33.3 %" in out
    assert "Churn 33.3 % (1 of 3 without a purchase in 365 days) · retention 66.7 %" in out
    assert "₪5,000.00" in out and "$400.00" in out
    assert "פייסבוק" in out and "150.0 %" in out
    assert "NPS ±0 (2 answers)" in out or "NPS 0 (2 answers)" in out
    by_source = out[out.index("NPS by source") :]
    assert "answers)" not in by_source  # the score, and its answers in their own column


def test_an_empty_database_prints_zeros_and_dashes(cli: Cli) -> None:
    found = cli.json("report", "customers")
    assert (found["customers"], found["repeat_rate"], found["churn"]) == (0, None, None)
    assert found["lifetime_value"]["mean"] == {} and found["nps"]["score"] is None
    assert "Customers 0" in cli.ok("report", "customers").out


def test_a_bad_churn_days_setting_is_refused_naming_it(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = tmp_path / "bad.toml"
    settings.write_text('churn_days = "a year"\n', encoding="utf-8")
    monkeypatch.setenv("PIPETUI_CONFIG", str(settings))
    result = cli("report", "customers")
    assert (result.code, result.out) == (2, "")
    assert "churn_days (line 1): must be a whole number of days" in result.err
