"""`deal show ID` as text prints the deal's touchpoints and follow-ups (as
--json has them), and `followup list` names whom each follow-up is with: a
deal's follow-up is with the deal's contact. Clock: 2026-11-20 10:00 UTC."""

from __future__ import annotations

from cli_harness import Cli


def section(out: str, name: str) -> list[str]:
    """The lines under a heading ("Touchpoints:"), up to the next heading."""
    lines = out.splitlines()
    start = lines.index(name) + 1
    end = next((i for i in range(start, len(lines)) if not lines[i].startswith(" ")), len(lines))
    return lines[start:end]


def test_deal_show_prints_touchpoints_and_follow_ups(cli: Cli) -> None:
    cli.add_deal("גג סולארי", "--contact", "דנה כהן", "--value", "500")
    cli.ok(
        "touch", "דנה כהן", "--kind", "call", "--summary", "דיברנו על התקציב",
        "--channel", "phone", "--direction", "out", "--deal", "1", "--at", "2026-11-18T09:30",
    )  # fmt: skip
    cli.ok("touch", "דנה כהן", "--kind", "meeting", "--deal", "1", "--at", "2026-11-19T12:00")
    cli.ok("followup", "add", "--deal", "1", "--due", "2026-11-25", "--title", "לשלוח הצעה")
    cli.ok("followup", "add", "--deal", "1", "--due", "2026-11-17", "--title", "Call back")
    cli.ok("followup", "add", "--deal", "1", "--due", "2026-11-16", "--title", "Intro")
    cli.ok("followup", "done", "3")

    out = cli.ok("deal", "show", "1").out

    assert section(out, "Touchpoints:") == [
        "  2026-11-18 09:30  call (phone, outbound)  דיברנו על התקציב · by sam",
        "  2026-11-19 12:00  meeting · by sam",
    ]
    assert section(out, "Follow-ups:") == [
        "  #3  2026-11-16 (done)  Intro",
        "  #2  2026-11-17 (overdue)  Call back",
        "  #1  2026-11-25  לשלוח הצעה",
    ]
    shown = cli.deal(1)
    assert len(shown["touchpoints"]) == 2 and len(shown["followups"]) == 3


def test_deal_show_says_none_when_there_are_none(cli: Cli) -> None:
    cli.add_deal("Quiet")
    out = cli.ok("deal", "show", "1").out
    assert section(out, "Touchpoints:") == ["  (none)"]
    assert section(out, "Follow-ups:") == ["  (none)"]


def test_followup_list_names_the_deal_s_contact(cli: Cli) -> None:
    cli.add_deal("Acme", "--contact", "Dana")
    cli.add_deal("Walk-in")
    cli.ok("contact", "add", "Omer")
    cli.ok("followup", "add", "--deal", "1", "--due", "2026-11-25", "--title", "Call")
    cli.ok("followup", "add", "--deal", "2", "--due", "2026-11-26", "--title", "Visit")
    cli.ok("followup", "add", "--contact", "Omer", "--due", "2026-11-27", "--title", "Tea")

    rows = [line.split() for line in cli.ok("followup", "list").out.splitlines()[1:]]
    assert [(row[-3], row[-2], row[-1]) for row in rows] == [
        ("Call", "1", "Dana"),
        ("Visit", "2", "—"),  # a deal without a contact
        ("Tea", "—", "Omer"),
    ]
    # The JSON keeps the follow-up as stored: on the deal, not on Dana.
    assert [(f["deal_id"], f["contact_id"]) for f in cli.json("followup", "list")] == [
        (1, None),
        (2, None),
        (None, 2),
    ]
