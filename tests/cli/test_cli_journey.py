"""User stories for the customer's side of `pipetui`: logging touchpoints,
follow-ups, `today` (the attention list), `contact timeline`, `contact delete`
and the journey figures of `report journey`.

The clock is frozen at 2026-11-20 10:00 UTC (cli_harness.NOW); a story that
needs the past moves it with `clock_at`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from cli_harness import NOW, USER, Cli

ClockAt = Callable[[str], None]


@pytest.fixture
def clock_at(monkeypatch: pytest.MonkeyPatch) -> ClockAt:
    """Move the frozen clock to an ISO moment ("2026-11-01T10:00:00+00:00")."""

    def move(moment: str) -> None:
        monkeypatch.setenv("PIPETUI_NOW", moment)

    return move


def day(date: str, time: str = "10:00:00") -> str:
    return f"{date}T{time}+00:00"


# --- touch ---------------------------------------------------------------------------


def test_a_touchpoint_logged_from_the_cli_shows_everywhere(cli: Cli) -> None:
    cli.ok("contact", "add", "Dana")
    cli.add_deal("Acme", "--contact", "Dana")
    touch = cli.json(
        "touch",
        "DANA",
        "--kind",
        "Quote Requested",
        "--summary",
        "wants 20 seats",
        "--at",
        "2026-11-18T16:00:00+02:00",
        "--deal",
        "#1",
        "--score",
        "9",
    )
    assert touch == {
        "id": 1,
        "contact_id": 1,
        "deal_id": 1,
        "kind": "quote_requested",
        "journey_stage": "intent",
        "channel": None,
        "direction": None,
        "at": "2026-11-18T14:00:00+00:00",
        "summary": "wants 20 seats",
        "score": 9,
        "by": USER,  # who logged it
    }
    assert cli.json("contact", "show", "1")["journey_stage"] == "intent"
    timeline = cli.json("contact", "timeline", "Dana")
    assert {"type": "touchpoint", **touch} in timeline["entries"]
    assert timeline["nps"] == {"score": 100.0, "answers": 1}


@pytest.mark.parametrize(
    ("options", "field"),
    [
        (("--kind", "carrier pigeon"), "kind"),
        (("--kind", ""), "kind"),
        (("--kind", "survey", "--score", "11"), "score"),
        (("--kind", "survey", "--score", "-1"), "score"),
        (("--kind", "survey", "--score", "9.5"), "score"),
        (("--kind", "survey", "--score", "nine"), "score"),
        (("--kind", "call", "--at", "the other day"), "at"),
        (("--kind", "call", "--at", "2026-02-30T10:00"), "at"),
        (("--kind", "call", "--at", "20/11/2026"), "at"),
        (("--kind", "call", "--deal", "99"), "deal"),
        (("--kind", "call", "--deal", "one"), "deal"),
        (("--kind", "call", "--direction", "sideways"), "direction"),
    ],
)
def test_a_bad_touchpoint_is_refused_naming_the_field_and_nothing_is_written(
    cli: Cli, options: tuple[str, ...], field: str
) -> None:
    cli.ok("contact", "add", "Dana")
    cli.add_deal("Acme", "--contact", "Dana")
    with cli.unchanged():
        cli.fails("touch", "Dana", *options, "--summary", "x", field=field)
        cli.fails("touch", "Dana", *options, "--summary", "x", "--json", field=field)


def test_a_touchpoint_for_an_unknown_contact_is_refused(cli: Cli) -> None:
    with cli.unchanged():
        message = cli.fails("touch", "Nobody", "--kind", "call", field="contact")
    assert "Nobody" in message


# --- follow-ups and today ----------------------------------------------------------


def test_today_lists_due_follow_ups_and_done_takes_them_off(cli: Cli) -> None:
    cli.add_deal("Acme rollout", "--contact", "Dana")
    cli.ok("contact", "add", "Omer")
    late = cli.json(
        "followup", "add", "--deal", "1", "--due", "2026-11-17", "--title", "Send the contract"
    )
    cli.ok("followup", "add", "--contact", "omer", "--due", "2026-11-20", "--title", "Coffee")
    cli.ok("followup", "add", "--contact", "Omer", "--due", "2026-11-21", "--title", "Tomorrow")

    today = cli.json("today")
    assert today == {
        "today": "2026-11-20",
        "followups": [
            {
                "id": 1,
                "title": "Send the contract",
                "due": "2026-11-17",
                "overdue": True,
                "deal_id": 1,
                "deal": "Acme rollout",
                "contact_id": 1,
                "contact": "Dana",
            },
            {
                "id": 2,
                "title": "Coffee",
                "due": "2026-11-20",
                "overdue": False,
                "deal_id": None,
                "deal": None,
                "contact_id": 2,
                "contact": "Omer",
            },
        ],
        "rotting": [],
        "qualified_without_next_step": [],
        "goals": [],
    }
    out = cli.ok("today").out.splitlines()
    assert out == [
        "Follow-ups:",
        "  #1  overdue since 2026-11-17  Send the contract  (Acme rollout)",
        "  #2  today  Coffee  (Omer)",
    ]

    done = cli.json("followup", "done", str(late["id"]))
    assert (done["done"], done["done_at"]) == (True, NOW)
    assert [f["title"] for f in cli.json("today")["followups"]] == ["Coffee"]
    assert [f["title"] for f in cli.json("followup", "list")] == ["Coffee", "Tomorrow"]
    assert len(cli.json("followup", "list", "--all")) == 3


def test_today_with_nothing_to_do(cli: Cli) -> None:
    assert cli.ok("today").out == "Nothing needs you today.\n"
    assert cli.json("today") == {
        "today": "2026-11-20",
        "followups": [],
        "rotting": [],
        "qualified_without_next_step": [],
        "goals": [],
    }


@pytest.fixture
def idle_deal(cli: Cli, clock_at: ClockAt) -> None:
    """Deal #1 'Acme' for Dana in Proposal (rots after 7 days) since 1 Nov; the
    clock is back at 20 Nov."""
    cli.ok("pipeline", "set-stage", "Proposal", "--rotting-days", "7")
    clock_at(day("2026-11-01"))
    cli.add_deal("Acme", "--stage", "proposal", "--contact", "Dana", "--value", "1,200")
    clock_at(NOW)


def test_today_lists_a_rotting_deal(cli: Cli, idle_deal: None) -> None:
    assert cli.json("today")["rotting"] == [
        {
            "deal_id": 1,
            "title": "Acme",
            "stage": "Proposal",
            "contact_id": 1,
            "contact": "Dana",
            "value": {"amount": "1200.00", "currency": "USD"},
            "last_activity": "2026-11-01T10:00:00+00:00",
            "idle_days": 19,
            "rotting_days": 7,
        }
    ]
    assert cli.ok("today").out.splitlines() == [
        "Rotting deals:",
        "  #1  Acme  Proposal  idle 19 days",
    ]


def test_a_touchpoint_takes_a_rotting_deal_off_today(cli: Cli, idle_deal: None) -> None:
    cli.ok("touch", "Dana", "--kind", "call", "--summary", "checked in")
    assert cli.json("today")["rotting"] == []


def test_a_backdated_touchpoint_before_the_stage_entry_does_not(cli: Cli, idle_deal: None) -> None:
    cli.ok("touch", "Dana", "--kind", "call", "--at", "2026-10-01T10:00:00+00:00")
    assert [r["deal_id"] for r in cli.json("today")["rotting"]] == [1]


def test_a_future_follow_up_takes_a_rotting_deal_off_today_a_past_one_does_not(
    cli: Cli, idle_deal: None
) -> None:
    cli.ok("followup", "add", "--deal", "1", "--due", "2026-11-19", "--title", "Was due")
    today = cli.json("today")
    assert [r["deal_id"] for r in today["rotting"]] == [1]
    assert [f["title"] for f in today["followups"]] == ["Was due"]

    cli.ok("followup", "add", "--deal", "1", "--due", "2026-11-27", "--title", "Call")
    today = cli.json("today")
    assert today["rotting"] == []
    assert [f["title"] for f in today["followups"]] == ["Was due"]

    cli.ok("followup", "done", "2")  # the plan is done: nothing planned any more
    assert [r["deal_id"] for r in cli.json("today")["rotting"]] == [1]


QUALIFIED = ("--budget", "yes", "--authority", "yes", "--need", "yes", "--timeline", "yes")


def test_a_qualified_deal_without_a_next_step_until_one_is_planned(cli: Cli) -> None:
    cli.add_deal("Acme", "--contact", "Dana", "--value", "500", "--stage", "Needs assessment")
    cli.add_deal("Half", "--contact", "Omer")
    cli.ok("deal", "qualify", "1", *QUALIFIED)
    cli.ok("deal", "qualify", "2", "--budget", "yes")

    assert cli.json("today")["qualified_without_next_step"] == [
        {
            "deal_id": 1,
            "title": "Acme",
            "stage": "Needs assessment",
            "contact_id": 1,
            "contact": "Dana",
            "value": {"amount": "500.00", "currency": "USD"},
            "last_activity": NOW,
        }
    ]
    assert "Qualified, no next step:" in cli.ok("today").out
    cli.ok("followup", "add", "--deal", "1", "--due", "2026-11-24", "--title", "Proposal")
    assert cli.json("today")["qualified_without_next_step"] == []


# --- contact timeline ----------------------------------------------------------------


@pytest.fixture
def dana_journey(cli: Cli, clock_at: ClockAt) -> None:
    """Dana: an ad on 10 Jul, a demo on 1 Sep (53 days later), deal #1 from
    1 Sep to won on 1 Oct, a survey answered 10 on 1 Nov (60 days after the demo)."""
    cli.ok("contact", "add", "Dana", "--company", "Acme")
    cli.ok("touch", "Dana", "--kind", "ad seen", "--at", day("2026-07-10"))
    clock_at(day("2026-09-01"))
    cli.add_deal("Acme pilot", "--contact", "Dana", "--value", "2,000")
    cli.ok("touch", "Dana", "--kind", "demo", "--deal", "1", "--at", day("2026-09-01", "12:00:00"))
    clock_at(day("2026-10-01"))
    cli.ok("deal", "won", "1")
    clock_at(NOW)
    cli.ok("touch", "Dana", "--kind", "survey", "--score", "10", "--at", day("2026-11-01"))
    cli.ok("followup", "add", "--contact", "Dana", "--due", "2026-12-01", "--title", "Renewal")


def test_contact_timeline_json(cli: Cli, dana_journey: None) -> None:
    timeline = cli.json("contact", "timeline", "dana")

    assert (timeline["id"], timeline["name"], timeline["company"]) == (1, "Dana", "Acme")
    assert timeline["journey_stage"] == "retention"
    assert timeline["path"] == ["awareness", "consideration", "purchase", "retention"]
    assert timeline["nps"] == {"score": 100.0, "answers": 1}
    assert timeline["lifetime_value"] == {"USD": "2000.00"}
    assert timeline["purchases"] == 1
    assert [f["title"] for f in timeline["followups"]] == ["Renewal"]
    entries: list[dict[str, Any]] = timeline["entries"]
    assert [(e["type"], e.get("kind") or e.get("to_status") or e.get("days")) for e in entries] == [
        ("touchpoint", "survey"),
        ("gap", 31),
        ("touchpoint", "purchase"),  # winning the deal logged it (issue 19)
        ("deal", "won"),
        ("touchpoint", "demo"),
        ("gap", 53),
        ("deal", "open"),
        ("touchpoint", "ad_seen"),
    ]
    assert entries[1] == {
        "type": "gap",
        "from": "2026-10-01T10:00:00+00:00",
        "to": "2026-11-01T10:00:00+00:00",
        "days": 31,
    }
    assert (entries[2]["deal_id"], entries[2]["channel"]) == (1, "pipeline")
    assert entries[5]["from"] == "2026-07-10T10:00:00+00:00"
    assert entries[3] == {
        "type": "deal",
        "at": "2026-10-01T10:00:00+00:00",
        "deal_id": 1,
        "title": "Acme pilot",
        "from_stage": "Prospecting",
        "to_stage": "Prospecting",
        "from_status": "open",
        "to_status": "won",
        "by": USER,
    }
    assert entries[0]["score"] == 10
    assert cli.json("contact", "timeline", "#1") == timeline


def test_contact_timeline_as_text(cli: Cli, dana_journey: None) -> None:
    lines = cli.ok("contact", "timeline", "Dana").out.splitlines()
    assert lines[:5] == [
        "Dana · Acme",
        "  stage: retention",
        "  path: awareness → consideration → purchase → retention",
        "  NPS: +100 (1 answer)  lifetime value: $2,000.00",
        "  19 days since last contact",
    ]
    assert lines[5:] == [
        f"  2026-11-01 10:00  survey · by {USER}",
        f"  {'':16}  … 31 days without contact …",
        f"  2026-10-01 10:00  purchase  Acme pilot · by {USER}",
        f"  2026-10-01 10:00  deal 'Acme pilot' won · by {USER}",
        f"  2026-09-01 12:00  demo · by {USER}",
        f"  {'':16}  … 53 days without contact …",
        f"  2026-09-01 10:00  deal 'Acme pilot' entered Prospecting · by {USER}",
        f"  2026-07-10 10:00  ad seen · by {USER}",
    ]


def test_the_timeline_of_an_unknown_contact_is_refused(cli: Cli) -> None:
    assert "Nobody" in cli.fails("contact", "timeline", "Nobody", field="contact")
    cli.fails("contact", "timeline", "Nobody", "--json", field="contact")
    cli.fails("contact", "timeline", "#7", field="contact")


# --- contact delete ----------------------------------------------------------------


def test_a_contact_with_nothing_else_is_deleted_without_asking(cli: Cli) -> None:
    cli.ok("contact", "add", "Dana")
    cli.ok("contact", "add", "Omer")
    out = cli.ok("contact", "delete", "omer").out
    assert out == "Deleted contact #2 'Omer' (nothing else)\n"
    assert [c["name"] for c in cli.json("contact", "list")] == ["Dana"]


@pytest.mark.parametrize("what", ["deal", "touchpoint", "follow-up"])
def test_deleting_a_contact_with_history_needs_yes(cli: Cli, what: str) -> None:
    cli.ok("contact", "add", "Dana")
    if what == "deal":
        cli.add_deal("Acme", "--contact", "Dana")
    elif what == "touchpoint":
        cli.ok("touch", "Dana", "--kind", "call")
    else:
        cli.ok("followup", "add", "--contact", "Dana", "--due", "2026-12-01", "--title", "Call")

    with cli.unchanged():
        message = cli.fails("contact", "delete", "Dana", field="yes")
        cli.fails("contact", "delete", "Dana", "--json", field="yes")
    assert f"1 {what}" in message
    assert "--yes" in message

    deleted = cli.json("contact", "delete", "Dana", "--yes")
    assert (deleted["id"], deleted["name"], deleted["deleted_at"]) == (1, "Dana", NOW)
    assert cli.json("contact", "list") == []


def test_deleting_with_yes_keeps_the_deals_without_a_contact(cli: Cli) -> None:
    cli.add_deal("Acme", "--contact", "Dana")
    cli.add_deal("Beta", "--contact", "Dana")
    cli.ok("touch", "Dana", "--kind", "call", "--deal", "1")
    cli.ok("touch", "Dana", "--kind", "demo")
    cli.ok("followup", "add", "--deal", "1", "--due", "2026-12-01", "--title", "Deal step")
    cli.ok("followup", "add", "--contact", "Dana", "--due", "2026-12-02", "--title", "Call")

    out = cli.ok("contact", "delete", "1", "--yes").out
    assert out == (
        "Deleted contact #1 'Dana' "
        "(2 deals (kept, without a contact), 2 touchpoints, 1 follow-up)\n"
    )
    assert sorted((d["title"], d["contact"]) for d in cli.json("deal", "list")) == [
        ("Acme", None),
        ("Beta", None),
    ]
    assert [f["title"] for f in cli.json("followup", "list")] == ["Deal step"]
    assert cli.deal(1)["touchpoints"] == []


def test_deleting_an_unknown_contact_is_refused(cli: Cli) -> None:
    cli.ok("contact", "add", "Dana")
    with cli.unchanged():
        cli.fails("contact", "delete", "Nobody", "--yes", field="contact")
        cli.fails("contact", "delete", "#9", "--yes", field="contact")


# --- report journey ---------------------------------------------------------------


def test_report_journey_has_nps_customers_and_contacts_by_stage(cli: Cli) -> None:
    for name in ("Dana", "Omer", "Noa", "Avi", "Yael"):
        cli.ok("contact", "add", name)
    for name, score in (("Dana", "10"), ("Dana", "9"), ("Omer", "9"), ("Noa", "7"), ("Avi", "3")):
        cli.ok("touch", name, "--kind", "survey", "--score", score)
    cli.ok("touch", "Noa", "--kind", "quote requested")
    cli.ok("contact", "edit", "Omer", "--journey-stage", "advocacy")
    for title, contact in (("a", "Dana"), ("b", "Dana"), ("c", "Omer")):
        deal = cli.add_deal(title, "--contact", contact)
        cli.ok("deal", "won", str(deal["id"]))
    cli.add_deal("open", "--contact", "Noa")

    data = cli.json("report", "journey")

    assert data["nps"] == {
        "score": 40.0,
        "promoters": 3,
        "passives": 1,
        "detractors": 1,
        "answers": 5,
    }
    assert (data["customers"], data["repeat_customers"]) == (2, 1)
    assert data["contacts_by_stage"] == {
        "awareness": 0,
        "interest": 0,
        "consideration": 0,
        "intent": 1,
        "purchase": 1,  # Dana: her wins came after her survey (issue 19)
        "retention": 1,
        "loyalty": 0,
        "advocacy": 1,
        "none": 1,
    }
    assert set(data) >= {"stages", "overall_conversion", "bottleneck"}
    out = cli.ok("report", "journey").out
    assert "NPS +40 (5 answers) · customers 2 · repeat customers 1" in out
    assert "Contacts now: intent 1 · purchase 1 · retention 1 · advocacy 1 · none 1" in out


def test_report_journey_of_an_empty_database(cli: Cli) -> None:
    data = cli.json("report", "journey")
    assert data["nps"] == {
        "score": None,
        "promoters": 0,
        "passives": 0,
        "detractors": 0,
        "answers": 0,
    }
    assert (data["customers"], data["repeat_customers"]) == (0, 0)
    assert set(data["contacts_by_stage"].values()) == {0}
    assert "NPS — · customers 0 · repeat customers 0" in cli.ok("report", "journey").out


def test_report_journey_nps_of_a_period(cli: Cli) -> None:
    cli.ok("contact", "add", "Dana")
    cli.ok("touch", "Dana", "--kind", "survey", "--score", "0", "--at", day("2026-10-31"))
    cli.ok("touch", "Dana", "--kind", "survey", "--score", "10", "--at", day("2026-11-02"))
    november = cli.json("report", "journey", "--since", "2026-11-01", "--until", "2026-11-30")
    assert (november["nps"]["score"], november["nps"]["answers"]) == (100.0, 1)
    assert cli.json("report", "journey")["nps"]["score"] == 0.0
