"""Dates typed on the command line as a seller says them: `--due tomorrow`,
`--close-date "next month"`, `--at "yesterday 14:30"`. The confirmation shows
the date the words meant; a word that means no date exits 2 naming the option,
and nothing is written. The clock is fixed at Friday 2026-11-20 10:00 UTC."""

from __future__ import annotations

import pytest
from cli_harness import Cli

from pipetui.domain.typed_dates import DATE_FORMS


def test_followup_add_due_tomorrow_says_which_day_that_is(cli: Cli) -> None:
    cli.add_deal("Acme renewal")
    out = cli.ok("followup", "add", "--deal", "1", "--due", "tomorrow", "--title", "Call").out
    assert out == "Added follow-up #1 due 2026-11-21 (Sat): Call\n"
    [followup] = cli.json("followup", "list")
    assert followup["due"] == "2026-11-21"


@pytest.mark.parametrize(
    ("typed", "due"),
    [
        ("+2w", "2026-12-04"),
        ("FRI", "2026-11-27"),
        ("in 3 days", "2026-11-23"),
        ("מחר", "2026-11-21"),
    ],
)
def test_followup_add_reads_relative_words(cli: Cli, typed: str, due: str) -> None:
    cli.ok("contact", "add", "דנה כהן")
    added = cli.json("followup", "add", "--contact", "דנה כהן", "--due", typed, "--title", "לחזור")
    assert (added["due"], added["title"]) == (due, "לחזור")


def test_deal_add_close_next_month_prints_the_resolved_date(cli: Cli) -> None:
    out = cli.ok("deal", "add", "Widget order", "--close-date", "next month").out
    assert out.splitlines() == [
        "Added deal #1 'Widget order': Sales › Prospecting, open, $0.00",
        "Expected close 2026-12-20 (Sun)",
    ]
    assert cli.deal(1)["close_date"] == "2026-12-20"

    cli.ok("deal", "edit", "1", "--close-date", "+1m")
    assert cli.deal(1)["close_date"] == "2026-12-20"
    edited = cli.ok("deal", "edit", "1", "--close-date", "last fri").out
    assert edited.splitlines()[-1] == "Expected close 2026-11-13 (Fri)"


def test_deal_lost_revisit_in_three_months(cli: Cli) -> None:
    cli.add_deal("Acme")
    out = cli.ok("deal", "lost", "1", "--reason", "budget", "--revisit", "+3m").out
    assert "Follow-up #1 on 2027-02-20 (Sat): " in out


def test_touch_at_yesterday_afternoon(cli: Cli) -> None:
    cli.ok("contact", "add", "Dana")
    out = cli.ok("touch", "Dana", "--kind", "call", "--at", "yesterday 14:30").out
    assert out == "Logged call #1 (consideration) for contact #1 at Thu 2026-11-19 14:30\n"
    [touch] = cli.json("contact", "timeline", "Dana")["entries"]
    assert touch["at"] == "2026-11-19T14:30:00+00:00"


def test_report_since_a_relative_day_names_the_period(cli: Cli) -> None:
    cli.add_deal("Acme")
    # A value starting with "-" is glued to its option (argparse's rule)...
    out = cli.ok("report", "funnel", "--since=-30d", "--until", "today").out
    assert "created 2026-10-21 to 2026-11-20" in out
    # ...or written in words.
    out = cli.ok("report", "funnel", "--since", "30 days ago").out
    assert "created 2026-10-21 to today" in out


def test_qualify_timeline_date_next_month(cli: Cli) -> None:
    cli.add_deal("Acme")
    out = cli.ok("deal", "qualify", "1", "--timeline", "yes", "--timeline-date", "next month").out
    assert "Timeline: unknown → yes (target date 2026-12-20)" in out
    shown = cli.json("deal", "qualify", "1", "--timeline", "yes")["bant"]["answers"]["timeline"]
    assert shown["target_date"] == "2026-12-20"


@pytest.mark.parametrize(
    ("command", "field"),
    [
        (("followup", "add", "--deal", "1", "--title", "Call", "--due", "someday"), "due"),
        (("deal", "add", "x", "--close-date", "the 5th"), "close-date"),
        (("deal", "edit", "1", "--close-date", "tomorow"), "close-date"),
        (("deal", "lost", "1", "--reason", "x", "--revisit", "soon"), "revisit"),
        (("touch", "Dana", "--kind", "call", "--at", "the other day"), "at"),
        (("report", "funnel", "--since", "last quarter"), "since"),
        (("deal", "qualify", "1", "--timeline-date", "Q3"), "timeline-date"),
    ],
)
def test_a_word_that_is_no_date_exits_2_naming_the_option_and_writes_nothing(
    cli: Cli, command: tuple[str, ...], field: str
) -> None:
    cli.ok("contact", "add", "Dana")
    cli.add_deal("Acme")
    with cli.unchanged():
        message = cli.fails(*command, field=field)
    assert message.startswith("not a date")
    assert "(use YYYY-MM-DD" in message


def test_the_refusal_lists_every_accepted_form(cli: Cli) -> None:
    cli.add_deal("Acme")
    message = cli.fails("deal", "edit", "1", "--close-date", "someday", field="close-date")
    assert message == f"not a date: 'someday' (use {DATE_FORMS})"
