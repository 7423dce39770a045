"""User stories for `pipetui funnel count` (issue 19, item 8): the top of the
funnel without a named person, and `report journey` starting from it."""

from __future__ import annotations

from typing import Any

from cli_harness import Cli


def _named_funnel(cli: Cli, source: str) -> None:
    """20 named contacts from `source` left their details (interest); 5 of
    them asked for a quote (intent); 1 of those bought."""
    for n in range(20):
        name = f"Lead {n}"
        cli.ok("contact", "add", name, "--source", source)
        kind = "purchase" if n < 1 else "quote requested" if n < 5 else "newsletter signup"
        cli.ok("touch", name, "--kind", kind)


def test_100_visitors_and_named_contacts_make_the_funnel_start_at_100(cli: Cli) -> None:
    """The worked example at a tenth (the full one: tests/services/test_funnel_counts.py)."""
    cli.ok("funnel", "count", "awareness", "100", "--source", "Search", "--month", "2026-11")
    _named_funnel(cli, "search")

    data = cli.json("report", "journey")

    assert [s["reached"] for s in data["stages"]] == [100, 20, 5, 5, 1]
    assert [s["conversion_to_next"] for s in data["stages"]][:2] == [0.2, 0.25]
    text = cli.ok("report", "journey").out
    assert "20.0 %" in text and "Overall conversion 1.0 %" in text


def test_a_count_is_set_again_or_added_to_and_listed(cli: Cli) -> None:
    cli.ok("funnel", "count", "awareness", "900", "--source", "חיפוש", "--month", "2026-11")
    again = cli.json(
        "funnel", "count", "awareness", "1000", "--source", "חיפוש", "--month", "2026-11"
    )
    added = cli.json("funnel", "count", "interest", "5", "--month", "2026-11", "--add")
    more = cli.json("funnel", "count", "interest", "7", "--month", "2026-11", "--add")

    assert again["count"] == 1000 and again["source"] == "חיפוש"
    assert (added["count"], more["count"], more["source"]) == (5, 12, None)
    listed = cli.json("funnel", "count", "list")
    assert [(c["month"], c["source"], c["journey_stage"], c["count"]) for c in listed] == [
        ("2026-11", None, "interest", 12),
        ("2026-11", "חיפוש", "awareness", 1000),
    ]
    assert "1,000" in cli.ok("funnel", "count", "list").out


def test_bad_counts_are_refused_and_nothing_is_written(cli: Cli) -> None:
    with cli.unchanged():
        cli.fails("funnel", "count", "awareness", "-3", "--month", "2026-11", field="count")
        cli.fails("funnel", "count", "awareness", "many", "--month", "2026-11", field="count")
        cli.fails("funnel", "count", "purchase", "3", "--month", "2026-11", field="stage")
        cli.fails("funnel", "count", "wandering", "3", "--month", "2026-11", field="stage")
        cli.fails("funnel", "count", "awareness", "3", "--month", "November", field="month")
        cli.fails("funnel", "count", "awareness", "3", field="month")
        cli.fails("funnel", "count", "awareness", "--month", "2026-11", field="count")


def test_counts_outside_the_period_are_left_out(cli: Cli) -> None:
    cli.ok("funnel", "count", "awareness", "300", "--month", "2026-10")
    cli.ok("funnel", "count", "awareness", "1000", "--month", "2026-11")

    november = cli.json("report", "journey", "--since", "2026-11-01", "--until", "2026-11-30")
    every = cli.json("report", "journey")

    def top(data: dict[str, Any]) -> int:
        return int(data["stages"][0]["reached"])

    assert (top(november), top(every)) == (1000, 1300)
