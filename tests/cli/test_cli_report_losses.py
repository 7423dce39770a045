"""User stories for `pipetui report losses`: why deals were lost, by reason,
by the stage where they were lost and by BANT criterion; as JSON for a script
and as tables for a person; the cohort is the deals lost in the period."""

from __future__ import annotations

import pytest
from cli_harness import Cli


@pytest.fixture
def lost(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> Cli:
    """Five lost deals and one won, in two currencies:

    #1 Acme ₪10,000 in Proposal, lost 2026-11-02 "Price"
    #2 Globex $500 in Proposal, lost 2026-11-02 "price" (same reason, other case)
    #3 Initech ₪2,000 in Prospecting, disqualified on budget 2026-11-03
    #4 כהן בע"מ ₪3,000 in Qualification, lost 2026-11-20 "מחיר גבוה מדי"
    #5 Hooli ₪1,000 in Prospecting, lost 2026-10-15 "Timing"
    #6 Umbrella ₪9,000 won
    """
    monkeypatch.setenv("PIPETUI_NOW", "2026-10-01T09:00:00+00:00")
    cli.add_deal("Acme", "--value", "10000 ILS", "--stage", "Proposal")
    cli.add_deal("Globex", "--value", "500 USD", "--stage", "Proposal")
    cli.add_deal("Initech", "--value", "2000 ILS")
    cli.add_deal('כהן בע"מ', "--value", "3000 ILS", "--stage", "Qualification")
    cli.add_deal("Hooli", "--value", "1000 ILS")
    cli.add_deal("Umbrella", "--value", "9000 ILS")
    monkeypatch.setenv("PIPETUI_NOW", "2026-10-15T09:00:00+00:00")
    cli.ok("deal", "lost", "5", "--reason", "Timing")
    cli.ok("deal", "won", "6")
    monkeypatch.setenv("PIPETUI_NOW", "2026-11-02T09:00:00+00:00")
    cli.ok("deal", "lost", "1", "--reason", "Price")
    cli.ok("deal", "lost", "2", "--reason", "price")
    monkeypatch.setenv("PIPETUI_NOW", "2026-11-03T09:00:00+00:00")
    cli.ok("deal", "disqualify", "3", "--budget", "no")
    monkeypatch.setenv("PIPETUI_NOW", "2026-11-20T09:00:00+00:00")
    cli.ok("deal", "lost", "4", "--reason", "מחיר גבוה מדי")
    return cli


def test_report_losses_json_by_reason_stage_and_criterion(lost: Cli) -> None:
    data = lost.json("report", "losses")

    assert (data["pipeline"], data["since"], data["until"]) == ("Sales", None, None)
    assert data["lost"] == 5
    assert data["value"] == {"ILS": "16000.00", "USD": "500.00"}  # never summed together
    assert data["by_reason"] == [
        {"reason": "Price", "lost": 2, "value": {"ILS": "10000.00", "USD": "500.00"}, "share": 0.4},
        {"reason": "Disqualified: Budget", "lost": 1, "value": {"ILS": "2000.00"}, "share": 0.2},
        {"reason": "Timing", "lost": 1, "value": {"ILS": "1000.00"}, "share": 0.2},
        {"reason": "מחיר גבוה מדי", "lost": 1, "value": {"ILS": "3000.00"}, "share": 0.2},
    ]
    assert [(s["stage"], s["lost"]) for s in data["by_stage"]] == [
        ("Prospecting", 2),
        ("Qualification", 1),
        ("Initial contact", 0),
        ("Needs assessment", 0),
        ("Proposal", 2),
        ("Negotiation", 0),
    ]
    assert data["disqualified"] == 1
    assert [(c["criterion"], c["lost"], c["share"]) for c in data["by_criterion"]] == [
        ("Budget", 1, 0.2),
        ("Authority", 0, 0.0),
        ("Need", 0, 0.0),
        ("Timeline", 0, 0.0),
    ]


def test_the_period_picks_the_deals_lost_in_it_not_those_created_in_it(lost: Cli) -> None:
    # All were created on 2026-10-01; in November only #1–#4 were lost.
    data = lost.json("report", "losses", "--since", "2026-11-01", "--until", "2026-11-30")
    assert (data["since"], data["until"], data["lost"]) == ("2026-11-01", "2026-11-30", 4)
    assert "Timing" not in [r["reason"] for r in data["by_reason"]]
    early = lost.json("report", "losses", "--until", "2026-11-02")
    assert sorted(r["reason"] for r in early["by_reason"]) == ["Price", "Timing"]


def test_report_losses_text_is_three_tables_a_person_can_read(lost: Cli) -> None:
    out = lost.ok("report", "losses").out
    lines = out.splitlines()
    assert lines[0] == "Sales · all time"
    assert lines[1] == "Lost 5 · value ₪16,000.00 · $500.00"
    assert any(line.split()[:4] == ["Price", "2", "40.0", "%"] for line in lines)
    assert any(line.startswith("מחיר גבוה מדי") for line in lines)
    assert any(line.split()[:2] == ["Budget", "1"] for line in lines)
    assert "Lost in stage" in out and "Disqualified for" in out


def test_report_losses_of_an_empty_database_and_bad_input(cli: Cli) -> None:
    data = cli.json("report", "losses")
    assert (data["lost"], data["by_reason"], data["disqualified"]) == (0, [], 0)
    assert all(s["share"] is None for s in data["by_stage"])
    cli.fails("report", "losses", "--since", "someday", field="since")
    cli.fails("report", "losses", "--pipeline", "Nope", field="pipeline")
