"""A script that read a deal or contact with --json can change it only if it is
still what it read: `--if-version N` (the JSON's "version")."""

from __future__ import annotations

from cli_harness import Cli


def test_a_script_moves_a_deal_only_if_nobody_changed_it_since_it_read_it(cli: Cli) -> None:
    deal = cli.add_deal("Gamma", "--value", "5000", "--stage", "Proposal")
    assert deal["version"] == 1
    cli.ok("deal", "edit", "1", "--value", "999")  # someone else, in between
    with cli.unchanged():
        message = cli.fails("deal", "move", "1", "Negotiation", "--if-version", "1", field="deal")
    assert (
        message == "deal 1 changed elsewhere (version 2, this view showed 1); nothing was written"
    )

    moved = cli.json("deal", "move", "1", "Negotiation", "--if-version", "2")
    assert (moved["stage"], moved["version"]) == ("Negotiation", 3)


def test_every_deal_change_takes_if_version(cli: Cli) -> None:
    cli.add_deal("Gamma", "--value", "5000")
    cli.ok("deal", "edit", "1", "--title", "Gamma 2")
    stale = "1"
    with cli.unchanged():
        for words in (
            ("deal", "won", "1"),
            ("deal", "lost", "1", "--reason", "price"),
            ("deal", "edit", "1", "--title", "x"),
            ("deal", "delete", "1"),
            ("deal", "qualify", "1", "--budget", "yes"),
            ("deal", "disqualify", "1", "--budget", "no"),
        ):
            cli.fails(*words, "--if-version", stale, field="deal")
    assert cli.json("deal", "won", "1", "--if-version", "2")["status"] == "won"
    assert cli.json("deal", "reopen", "1", "--if-version", "3")["version"] == 4


def test_a_contact_edit_takes_if_version(cli: Cli) -> None:
    cli.ok("contact", "add", "Dana")
    cli.ok("contact", "edit", "Dana", "--company", "Acme")
    with cli.unchanged():
        cli.fails("contact", "edit", "Dana", "--role", "CFO", "--if-version", "1", field="contact")
    assert cli.json("contact", "edit", "Dana", "--role", "CFO", "--if-version", "2")["role"] == (
        "CFO"
    )


def test_a_version_that_is_not_a_number_is_a_usage_error(cli: Cli) -> None:
    cli.add_deal("Gamma")
    with cli.unchanged():
        cli.usage_error("deal", "won", "1", "--if-version", "two", mentions="--if-version")
        cli.usage_error("deal", "won", "1", "--if-version", "0", mentions="--if-version")
