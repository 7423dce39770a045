"""`contact show` says when the seller last spoke to someone, in the timeline's
words, and what the next step with them is: the earliest open follow-up of the
contact or of one of their deals, as the contacts list counts it. `deal edit
--contact` says so when it adds a contact, as `deal add` does; `next fri` is
refused naming why. Both engines; clock 2026-11-20 10:00 UTC (a Friday)."""

from __future__ import annotations

from cli_harness import Cli


def test_show_gives_the_next_step_from_the_contact_and_their_deals(cli: Cli) -> None:
    cli.ok("contact", "add", "דנה כהן")
    cli.add_deal("אתר חדש", "--contact", "דנה כהן")
    lines = cli.ok("contact", "show", "דנה כהן").out.splitlines()
    assert "     next step: —" in lines
    assert cli.json("contact", "show", "דנה כהן")["next_step"] is None

    cli.ok("followup", "add", "--contact", "דנה כהן", "--title", "שיחה", "--due", "2026-12-04")
    cli.ok("followup", "add", "--deal", "1", "--title", "Demo", "--due", "2026-11-27")
    lines = cli.ok("contact", "show", "דנה כהן").out.splitlines()
    assert "     next step: 2026-11-27 (Fri)" in lines  # the deal's comes first
    assert cli.json("contact", "show", "דנה כהן")["next_step"] == "2026-11-27"

    cli.ok("followup", "add", "--deal", "1", "--title", "Late", "--due", "2026-11-18")
    lines = cli.ok("contact", "show", "דנה כהן").out.splitlines()
    assert "     next step: 2026-11-18 (Wed), overdue" in lines


def test_show_says_the_last_contact_in_the_timelines_words(cli: Cli) -> None:
    cli.ok("contact", "add", "Omar Haddad")
    cli.ok("touch", "Omar Haddad", "--kind", "call", "--at", "2026-11-19T23:50:00+00:00")
    cli.ok("touch", "Omar Haddad", "--kind", "meeting", "--at", "2026-11-25T09:00:00+00:00")
    lines = cli.ok("contact", "show", "Omar Haddad").out.splitlines()
    # the meeting ahead has not happened yet: the call was yesterday
    assert "  last contact: 2026-11-19, last contact yesterday" in lines
    timeline = cli.ok("contact", "timeline", "Omar Haddad").out.splitlines()
    assert "  last contact yesterday" in timeline


def test_deal_edit_with_a_new_contact_says_it_added_them(cli: Cli) -> None:
    cli.add_deal("Acme")
    out = cli.ok("deal", "edit", "1", "--contact", "سارة خليل").out
    assert out.splitlines()[0] == "Added contact 'سارة خليل'"
    assert cli.json("contact", "show", "سارة خليل")["name"] == "سارة خليل"

    out = cli.ok("deal", "edit", "1", "--contact", "سارة خليل").out  # known now: nothing added
    assert "Added contact" not in out
    edited = cli.json("deal", "edit", "1", "--contact", "Noa")
    assert edited["contact"]["name"] == "Noa"  # JSON stays JSON


def test_next_fri_is_refused_as_ambiguous_naming_the_option(cli: Cli) -> None:
    cli.add_deal("Acme")
    with cli.unchanged():
        message = cli.fails("deal", "edit", "1", "--close-date", "next fri", field="close-date")
    assert message == "'next fri' is ambiguous: write fri (the coming Friday) or a date"
