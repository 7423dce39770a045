"""User stories for `pipetui followup add|done|list`: the seller's dated next steps.

The clock is frozen at 2026-11-20 (see cli_harness.NOW).
"""

from __future__ import annotations

import pytest
from cli_harness import NOW, Cli


@pytest.fixture
def acme(cli: Cli) -> None:
    """Deal #1 "Acme" for contact #1 Dana, and contact #2 Omer with no deal."""
    cli.add_deal("Acme", "--contact", "Dana")
    cli.ok("contact", "add", "Omer")


def test_a_followup_on_a_deal(cli: Cli, acme: None) -> None:
    added = cli.json("followup", "add", "--deal", "1", "--due", "2026-11-25", "--title", "Call")
    assert added == {
        "id": 1,
        "title": "Call",
        "due": "2026-11-25",
        "deal_id": 1,
        "contact_id": None,
        "done": False,
        "done_at": None,
        "created_at": NOW,
    }
    assert cli.json("followup", "list") == [added]
    assert cli.deal(1)["followups"] == [added]


def test_a_followup_on_a_contact_by_name_or_id(cli: Cli, acme: None) -> None:
    by_name = cli.json(
        "followup", "add", "--contact", "omer", "--due", "2026-12-01", "--title", "Coffee"
    )
    by_id = cli.json("followup", "add", "--contact", "2", "--due", "2026-12-02", "--title", "Tea")
    assert (by_name["contact_id"], by_name["deal_id"]) == (2, None)
    assert by_id["contact_id"] == 2


def test_followups_are_listed_by_due_date_and_marked(cli: Cli, acme: None) -> None:
    for due, title in [
        ("2026-12-01", "Later"),
        ("2026-11-20", "Today"),
        ("2026-11-18", "Overdue"),
    ]:
        cli.ok("followup", "add", "--deal", "1", "--due", due, "--title", title)

    assert [f["title"] for f in cli.json("followup", "list")] == ["Overdue", "Today", "Later"]
    lines = cli.ok("followup", "list").out.splitlines()
    marks = {line.split()[-3]: line for line in lines[1:]}
    assert "overdue" in marks["Overdue"]
    assert "today" in marks["Today"]
    assert "overdue" not in marks["Later"] and "today" not in marks["Later"]


def test_done_followups_leave_the_list_but_not_the_record(cli: Cli, acme: None) -> None:
    cli.ok("followup", "add", "--deal", "1", "--due", "2026-11-21", "--title", "Call")
    cli.ok("followup", "add", "--contact", "Omer", "--due", "2026-11-22", "--title", "Email")

    done = cli.json("followup", "done", "1")
    assert (done["done"], done["done_at"]) == (True, NOW)

    assert [f["title"] for f in cli.json("followup", "list")] == ["Email"]
    everything = cli.json("followup", "list", "--all")
    assert [(f["title"], f["done"]) for f in everything] == [("Call", True), ("Email", False)]
    assert "done" in cli.ok("followup", "list", "--all").out.splitlines()[1]


def test_marking_a_followup_done_twice_is_refused(cli: Cli, acme: None) -> None:
    cli.ok("followup", "add", "--deal", "1", "--due", "2026-11-21", "--title", "Call")
    assert cli.ok("followup", "done", "#1").out == "Done: follow-up #1 Call\n"
    with cli.unchanged():
        message = cli.fails("followup", "done", "1", field="followup")
    assert "already done" in message


def test_followup_titles_keep_their_script_and_lose_control_characters(
    cli: Cli, acme: None
) -> None:
    added = cli.json(
        "followup", "add", "--deal", "1", "--due", "2026-11-21", "--title", "להתקשר \x1b[2J לדנה"
    )
    assert added["title"] == "להתקשר [2J לדנה"
    assert cli.json("followup", "list")[0]["title"] == "להתקשר [2J לדנה"


def test_an_empty_followup_list(cli: Cli) -> None:
    assert cli.json("followup", "list") == []
    assert cli.ok("followup", "list").out.splitlines()[-1] == "(none)"
