"""Every report narrows to its cohort (issue 19, item 6): `--tag` and
`--source` change the figures of every `report` subcommand, not just parse.
Narrowed by tag, spend-based figures (cost per lead, CAC, ROI) are "—": spend
is recorded per source and month, not per tag. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from cli_harness import Cli

import pipetui.cli


def at(monkeypatch: pytest.MonkeyPatch, moment: str) -> None:
    monkeypatch.setenv("PIPETUI_NOW", moment)


@pytest.fixture
def shop(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> Cli:
    """Dana (tagged vip, from Web) won one deal, lost one, has one open and
    loves the product (10); Sam (from Ads) the same with a 2; Noa (from Web)
    has one open deal and answers 8. $1,000 was spent on Web and $600 on Ads."""
    at(monkeypatch, "2026-11-10T09:00:00+00:00")
    cli.ok("contact", "add", "Dana", "--tags", "vip", "--source", "Web")
    cli.ok("contact", "add", "Sam", "--source", "Ads")
    cli.ok("contact", "add", "Noa", "--source", "Web")
    for who, source, won, lost, open_ in (
        ("Dana", "Web", "1000", "500", "400"),
        ("Sam", "Ads", "300", "200", "250"),
    ):
        deal = cli.add_deal(f"{who} won", "--contact", who, "--value", won, "--source", source)
        cli.ok("deal", "won", str(deal["id"]))
        deal = cli.add_deal(f"{who} lost", "--contact", who, "--value", lost, "--source", source)
        cli.ok("deal", "lost", str(deal["id"]), "--reason", f"{who}'s reason")
        cli.add_deal(f"{who} open", "--contact", who, "--value", open_, "--source", source)
    cli.add_deal("Noa open", "--contact", "Noa", "--value", "700", "--source", "Web")
    for who, score in (("Dana", "10"), ("Sam", "2"), ("Noa", "8")):
        cli.ok("touch", who, "--kind", "survey", "--score", score)
    cli.ok("source", "spend", "Web", "2026-11", "1000 USD")
    cli.ok("source", "spend", "Ads", "2026-11", "600 USD")
    at(monkeypatch, "2026-11-20T10:00:00+00:00")
    return cli


Figures = Callable[[Any], object]

REPORTS: dict[str, tuple[Figures, tuple[object, object, object]]] = {
    # report: (its figures, (everyone, --tag vip, --source ads))
    "funnel": (
        lambda j: (j["stages"][0]["reached"], j["won"], j["lost"]),
        ((7, 2, 2), (3, 1, 1), (3, 1, 1)),
    ),
    "forecast": (lambda j: sum(s["open"] for s in j["stages"]), (3, 1, 1)),
    "sources": (
        lambda j: sorted((s["source"], s["deals"], s["won"]) for s in j["sources"] if s["deals"]),
        (
            [("Ads", 3, 1), ("Web", 4, 1)],
            [("Web", 3, 1)],
            [("Ads", 3, 1)],
        ),
    ),
    "journey": (
        lambda j: (j["customers"], j["nps"]["answers"], sum(j["contacts_by_stage"].values())),
        ((2, 3, 3), (1, 1, 1), (1, 1, 1)),
    ),
    "losses": (
        lambda j: (j["lost"], sorted(r["reason"] for r in j["by_reason"])),
        (
            (2, ["Dana's reason", "Sam's reason"]),
            (1, ["Dana's reason"]),
            (1, ["Sam's reason"]),
        ),
    ),
    "customers": (
        lambda j: (j["customers"], j["lifetime_value"]["total"], j["nps"]["answers"]),
        (
            (2, {"USD": "1300.00"}, 3),
            (1, {"USD": "1000.00"}, 1),
            (1, {"USD": "300.00"}, 1),
        ),
    ),
    "nps": (
        lambda j: (j["nps"]["answers"], j["nps"]["score"], j["months"][-1]["answers"]),
        ((3, 0.0, 3), (1, 100.0, 1), (1, -100.0, 1)),
    ),
}


def test_the_cohort_test_covers_every_report() -> None:
    parser = pipetui.cli.build_parser()
    commands = next(a for a in parser._actions if a.dest == "command")
    report = commands.choices["report"]  # type: ignore[index]
    reports = next(a for a in report._actions if a.dest == "action")
    assert set(reports.choices) == set(REPORTS)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_every_report_narrows_to_a_tag_and_to_a_source(shop: Cli, name: str) -> None:
    figures, (everyone, vip, ads) = REPORTS[name]
    whole = shop.json("report", name)
    tagged = shop.json("report", name, "--tag", "VIP")
    sourced = shop.json("report", name, "--source", "ads")
    assert (figures(whole), figures(tagged), figures(sourced)) == (everyone, vip, ads)
    assert "cohort" not in whole
    assert tagged["cohort"] == {"tags": ["VIP"], "source": None}
    assert sourced["cohort"] == {"tags": [], "source": "ads"}


def test_sources_by_tag_show_no_spend_and_say_why(shop: Cli) -> None:
    tagged = shop.json("report", "sources", "--tag", "vip")
    assert tagged["spend_note"] == "spend is recorded per source; not split by tag"
    web = next(s for s in tagged["sources"] if s["source"] == "Web")
    assert (web["spend"], web["cost_per_lead"], web["acquisition_cost"]) == (None, None, None)

    out = shop.ok("report", "sources", "--tag", "vip").out
    web_line = next(line for line in out.splitlines() if line.startswith("Web"))
    assert web_line.split()[-3:] == ["—", "—", "—"]
    assert "Spend, per lead and CAC: — (spend is recorded per source; not split by tag)" in out

    # By source alone the spend is the source's own: exact.
    ads = shop.json("report", "sources", "--source", "Ads")
    assert "spend_note" not in ads
    (row,) = [s for s in ads["sources"] if s["source"] == "Ads"]
    assert (row["spend"], row["cost_per_lead"], row["acquisition_cost"]) == (
        {"USD": "600.00"},
        {"USD": "200.00"},
        {"USD": "600.00"},
    )


def test_roi_by_tag_is_unknown_and_by_source_exact(shop: Cli) -> None:
    tagged = shop.json("report", "customers", "--tag", "vip")
    assert tagged["spend_note"] == "spend is recorded per source; not split by tag"
    assert [
        (r["source"], r["won_value"], r["spend"], r["roi"]) for r in tagged["roi_by_source"]
    ] == [("Web", "1000.00", None, None)]
    assert (
        "Spend and ROI: — (spend is recorded per source"
        in shop.ok("report", "customers", "--tag", "vip").out
    )

    ads = shop.json("report", "customers", "--source", "Ads")
    assert "spend_note" not in ads
    assert [(r["source"], r["spend"], r["roi"]) for r in ads["roi_by_source"]] == [
        ("Ads", "600.00", -0.5)
    ]


def test_the_journey_of_a_tag_narrows_nps_customers_and_stages_now(shop: Cli) -> None:
    journey = shop.json("report", "journey", "--tag", "vip")
    assert (journey["nps"]["score"], journey["nps"]["promoters"]) == (100.0, 1)
    assert (journey["customers"], journey["repeat_customers"]) == (1, 0)
    out = shop.ok("report", "journey", "--source", "ads").out
    assert "NPS -100 (1 answer) · customers 1" in out
