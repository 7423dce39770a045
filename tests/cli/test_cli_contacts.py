"""User stories for `pipetui contact ...` and `pipetui touch` (the customer's journey)."""

from __future__ import annotations

import pytest
from cli_harness import NOW, USER, Cli

# --- contacts ------------------------------------------------------------------


def test_a_contact_added_with_every_field_is_printed_and_listed(cli: Cli) -> None:
    added = cli.json(
        "contact",
        "add",
        "Dana Levi",
        "--email",
        "dana@acme.example",
        "--phone",
        "+972 50-123-4567",
        "--company",
        "Acme Ltd",
        "--role",
        "CFO",
        "--source",
        "Referral",
        "--notes",
        "Met at the expo.\nPrefers WhatsApp.",
    )
    assert added == {
        "id": 1,
        "name": "Dana Levi",
        "email": "dana@acme.example",
        "phone": "+972 50-123-4567",
        "company": "Acme Ltd",
        "role": "CFO",
        "source": "Referral",
        "notes": "Met at the expo.\nPrefers WhatsApp.",
        "tags": [],
        "journey_stage": None,
        "journey_stage_manual": False,
        "created_at": NOW,
        "external_id": None,
        "version": 1,
        "details": [],
    }
    assert cli.json("contact", "list") == [added]
    shown = cli.json("contact", "show", "Dana Levi")
    assert shown == {**added, "next_step": None, "touchpoints": []}


def test_contact_list_is_sorted_by_name_and_printed_as_a_table(cli: Cli) -> None:
    for name in ("Omer", "anna", "Ben"):
        cli.ok("contact", "add", name, "--company", f"{name} Co")
    assert [c["name"] for c in cli.json("contact", "list")] == ["anna", "Ben", "Omer"]
    lines = cli.ok("contact", "list").out.splitlines()
    assert lines[0].split() == ["ID", "Name", "Company", "Email", "Phone", "Journey", "Tags"]
    assert [line.split()[1] for line in lines[1:]] == ["anna", "Ben", "Omer"]
    assert len(cli.json("contact", "list", "--limit", "2")) == 2


@pytest.fixture
def people(cli: Cli) -> None:
    cli.ok("contact", "add", "דנה כהן", "--company", "חברת אלפא")
    cli.ok("contact", "add", "فاطمة الزهراء", "--email", "fatima@example.com")
    cli.ok("contact", "add", "zoë Ünal", "--company", "École Nord")
    cli.ok("contact", "add", "John Smith", "--phone", "+1 555 0100")


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("דנה", ["דנה כהן"]),
        ("אלפא", ["דנה כהן"]),  # company
        ("فاطمة", ["فاطمة الزهراء"]),
        ("الزهراء", ["فاطمة الزهراء"]),
        ("ZOË", ["zoë Ünal"]),
        ("ünal", ["zoë Ünal"]),
        ("école", ["zoë Ünal"]),
        ("FATIMA@EXAMPLE", ["فاطمة الزهراء"]),  # email
        ("555", ["John Smith"]),  # phone
        ("john smith", ["John Smith"]),
        ("nobody", []),
    ],
)
def test_contact_search_matches_any_script_and_any_case(
    cli: Cli, people: None, search: str, expected: list[str]
) -> None:
    found = cli.json("contact", "list", "--search", search)
    assert [c["name"] for c in found] == expected


def test_contact_search_treats_like_wildcards_literally(cli: Cli) -> None:
    cli.ok("contact", "add", "Dana")
    cli.ok("contact", "add", "100% Corp")
    assert [c["name"] for c in cli.json("contact", "list", "--search", "%")] == ["100% Corp"]
    assert cli.json("contact", "list", "--search", "_") == []


def test_names_in_hebrew_and_arabic_are_kept_exactly(cli: Cli) -> None:
    names = ["דנה כהן", "فاطمة الزهراء", "Zoë Ünal", "山田 太郎 🚀"]
    for name in names:
        cli.ok("contact", "add", name)
    assert sorted(c["name"] for c in cli.json("contact", "list")) == sorted(names)
    for name in names:
        assert cli.json("contact", "show", name)["name"] == name


def test_contact_show_as_text(cli: Cli) -> None:
    cli.ok("contact", "add", "Dana", "--company", "Acme")
    cli.ok("touch", "Dana", "--kind", "call", "--summary", "Intro call")
    text = cli.ok("contact", "show", "1").out
    assert "Dana" in text and "Acme" in text and "consideration" in text
    assert "Intro call" in text


def test_editing_a_contact_changes_and_clears_fields(cli: Cli) -> None:
    cli.ok("contact", "add", "Dana", "--email", "d@acme.example", "--company", "Acme")
    edited = cli.json(
        "contact", "edit", "dana", "--name", "Dana Levi", "--role", "CTO", "--company", ""
    )
    assert (edited["name"], edited["role"], edited["company"], edited["email"]) == (
        "Dana Levi",
        "CTO",
        None,
        "d@acme.example",
    )
    assert cli.json("contact", "list") == [edited]
    assert cli.json("contact", "show", "Dana Levi")["id"] == edited["id"]


def test_a_journey_stage_set_by_hand_sticks_until_auto(cli: Cli) -> None:
    cli.ok("contact", "add", "Dana")
    cli.ok("touch", "Dana", "--kind", "website visit")

    manual = cli.json("contact", "edit", "Dana", "--journey-stage", "Intent")
    assert (manual["journey_stage"], manual["journey_stage_manual"]) == ("intent", True)

    cli.ok("touch", "Dana", "--kind", "call")  # a touchpoint does not override the hand
    assert cli.json("contact", "show", "Dana")["journey_stage"] == "intent"

    auto = cli.json("contact", "edit", "Dana", "--journey-stage", "auto")
    assert (auto["journey_stage"], auto["journey_stage_manual"]) == ("consideration", False)


def test_auto_with_no_touchpoints_clears_the_journey_stage(cli: Cli) -> None:
    cli.ok("contact", "add", "Dana")
    cli.ok("contact", "edit", "Dana", "--journey-stage", "loyalty")
    auto = cli.json("contact", "edit", "Dana", "--journey-stage", "AUTO")
    assert (auto["journey_stage"], auto["journey_stage_manual"]) == (None, False)


# --- touchpoints ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "kind_id", "stage"),
    [
        ("quote requested", "quote_requested", "intent"),
        ("Quote_Requested", "quote_requested", "intent"),
        ("ad seen", "ad_seen", "awareness"),
        ("newsletter signup", "newsletter_signup", "interest"),
        ("CALL", "call", "consideration"),
        ("contract signed", "contract_signed", "purchase"),
        ("support request", "support_request", "retention"),
        ("repeat purchase", "repeat_purchase", "loyalty"),
        ("referral given", "referral_given", "advocacy"),
    ],
)
def test_a_touchpoint_moves_the_contact_along_the_journey(
    cli: Cli, kind: str, kind_id: str, stage: str
) -> None:
    cli.ok("contact", "add", "Dana")
    touch = cli.json("touch", "Dana", "--kind", kind)
    assert (touch["kind"], touch["journey_stage"], touch["at"]) == (kind_id, stage, NOW)
    assert cli.json("contact", "show", "Dana")["journey_stage"] == stage


def test_a_touchpoint_with_every_option(cli: Cli) -> None:
    cli.ok("contact", "add", "Dana")
    cli.add_deal("Acme", "--contact", "Dana")
    touch = cli.json(
        "touch",
        "dana",
        "--kind",
        "survey",
        "--score",
        "9",
        "--deal",
        "1",
        "--channel",
        "WhatsApp",
        "--direction",
        "inbound",
        "--at",
        "2026-11-19T09:30:00+02:00",
        "--summary",
        "Would recommend us",
    )
    assert touch == {
        "id": 1,
        "contact_id": 1,
        "deal_id": 1,
        "kind": "survey",
        "journey_stage": "retention",
        "channel": "WhatsApp",
        "direction": "in",
        "at": "2026-11-19T07:30:00+00:00",
        "summary": "Would recommend us",
        "score": 9,
        "by": USER,
    }
    assert cli.json("contact", "show", "Dana")["touchpoints"] == [touch]
    assert cli.deal(1)["touchpoints"] == [touch]


def test_a_touchpoint_as_text(cli: Cli) -> None:
    cli.ok("contact", "add", "Dana")
    out = cli.ok("touch", "Dana", "--kind", "quote_requested", "--direction", "OUT").out
    assert out == "Logged quote requested #1 (intent) for contact #1\n"


def test_a_backdated_touchpoint_does_not_change_the_current_stage(cli: Cli) -> None:
    cli.ok("contact", "add", "Dana")
    cli.ok("touch", "Dana", "--kind", "proposal sent")
    cli.ok("touch", "Dana", "--kind", "ad seen", "--at", "2026-01-05T12:00:00+00:00")
    shown = cli.json("contact", "show", "Dana")
    assert shown["journey_stage"] == "intent"
    assert [t["kind"] for t in shown["touchpoints"]] == ["proposal_sent", "ad_seen"]


def test_the_journey_may_go_back(cli: Cli) -> None:
    cli.ok("contact", "add", "Dana")
    cli.ok("touch", "Dana", "--kind", "quote requested", "--at", "2026-11-01T10:00:00+00:00")
    cli.ok("touch", "Dana", "--kind", "case study sent", "--at", "2026-11-10T10:00:00+00:00")
    assert cli.json("contact", "show", "Dana")["journey_stage"] == "consideration"


def test_a_touchpoint_on_another_contacts_deal_is_refused(cli: Cli) -> None:
    cli.ok("contact", "add", "Dana")
    cli.add_deal("Omer's deal", "--contact", "Omer")
    with cli.unchanged():
        cli.fails("touch", "Dana", "--kind", "call", "--deal", "1", field="deal")
