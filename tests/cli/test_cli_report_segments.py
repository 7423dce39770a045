"""Every report narrowed to a segment (issue 19, item 6): `report funnel|
forecast|sources --tag --source` count the deals with the tag (on the deal
or on its contact) from the lead source; `report journey --tag --source`
the contacts with the tag from the source. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from cli_harness import Cli

HEBREW = "לקוח חם"


def _story(cli: Cli) -> None:
    """Dan Cohen is a VIP customer; one deal of someone else is tagged vip
    itself; two deals are nobody's segment."""
    cli.ok("contact", "add", "דן כהן", "--tags", f"VIP, {HEBREW}", "--source", "Web")
    cli.ok("contact", "add", "Sam Lee", "--source", "Referral")
    dan1 = cli.add_deal("Dan 1", "--contact", "דן כהן", "--value", "1000", "--source", "Web")
    dan2 = cli.add_deal("Dan 2", "--contact", "דן כהן", "--value", "500", "--source", "Referral")
    own = cli.add_deal("Own", "--tags", "vip", "--value", "200", "--source", "web")
    other = cli.add_deal("Other", "--contact", "Sam Lee", "--value", "300", "--source", "Web")
    cli.add_deal("Loose", "--value", "50")
    cli.ok("deal", "move", str(dan1["id"]), "Proposal")
    cli.ok("deal", "won", str(dan1["id"]))
    cli.ok("deal", "lost", str(dan2["id"]), "--reason", "Price")
    cli.ok("deal", "move", str(own["id"]), "Qualification")
    cli.ok("deal", "move", str(other["id"]), "Qualification")
    cli.ok("touch", "דן כהן", "--kind", "purchase")
    cli.ok("touch", "Sam Lee", "--kind", "call")


def test_the_funnel_of_a_tag_counts_the_deals_tagged_or_whose_contact_is(cli: Cli) -> None:
    _story(cli)
    funnel = cli.json("report", "funnel", "--tag", "vip")
    assert [s["reached"] for s in funnel["stages"]] == [3, 2, 1, 1, 1, 1]
    assert (funnel["won"], funnel["lost"], funnel["open"]) == (1, 1, 1)
    assert funnel["cohort"] == {"tags": ["vip"], "source": None}
    assert funnel["open_value"] == {"USD": "200.00"}

    everyone = cli.json("report", "funnel")
    assert "cohort" not in everyone
    assert everyone["stages"][0]["reached"] == 5

    out = cli.ok("report", "funnel", "--tag", HEBREW).out
    assert out.splitlines()[0] == f"Sales · all time · tag {HEBREW}"


def test_a_tag_and_a_source_narrow_together(cli: Cli) -> None:
    _story(cli)
    funnel = cli.json("report", "funnel", "--tag", "VIP", "--source", "WEB")
    assert [s["reached"] for s in funnel["stages"]][:2] == [2, 2]  # Dan 1 and Own
    assert (funnel["won"], funnel["open"]) == (1, 1)

    sources = cli.json("report", "sources", "--tag", "vip")
    found = {s["source"]: (s["deals"], s["won"], s["lost"]) for s in sources["sources"]}
    assert found == {"Web": (2, 1, 0), "Referral": (1, 0, 1)}

    forecast = cli.json("report", "forecast", "--source", "web")
    open_counts = [s["open"] for s in forecast["stages"]]
    assert open_counts[:2] == [0, 2]  # Own and Other, both in Qualification


def test_the_journey_of_a_tag_counts_its_contacts(cli: Cli) -> None:
    _story(cli)
    journey = cli.json("report", "journey", "--tag", HEBREW)
    assert [s["reached"] for s in journey["stages"]] == [1, 1, 1, 1, 1]
    referral = cli.json("report", "journey", "--source", "referral")
    assert [s["reached"] for s in referral["stages"]] == [1, 1, 1, 0, 0]


def test_a_bad_cohort_option_exits_2(cli: Cli) -> None:
    _story(cli)
    assert "one tag" in cli.fails("report", "funnel", "--tag", "a,b", field="tag")
    assert cli.json("report", "funnel", "--tag", "nobody")["stages"][0]["reached"] == 0
