"""User stories for `pipetui deal ...`: add, list, show, move, close, reopen, edit, delete."""

from __future__ import annotations

from typing import Any

import pytest
from cli_harness import NOW, USER, Cli


def ids(deals: list[dict[str, Any]]) -> list[int]:
    return sorted(d["id"] for d in deals)


# --- adding ------------------------------------------------------------------


def test_a_deal_added_with_every_option_is_printed_as_created(cli: Cli) -> None:
    deal = cli.add_deal(
        "Acme renewal",
        "--value",
        "1,200.50",
        "--currency",
        "usd",
        "--pipeline",
        "sales",
        "--stage",
        "needs ASSESSMENT",
        "--contact",
        "Dana Levi",
        "--source",
        "Referral",
        "--close-date",
        "2026-12-31",
        "--probability",
        "70",
    )

    assert deal == {
        "id": 1,
        "title": "Acme renewal",
        "pipeline": "Sales",
        "stage": "Needs assessment",
        "stage_position": 4,
        "status": "open",
        "value": {"amount": "1200.50", "currency": "USD"},
        "probability": 70,
        "probability_override": 70,
        "close_date": "2026-12-31",
        "source": "Referral",
        "lost_reason": None,
        "contact": {"id": deal["contact"]["id"], "name": "Dana Levi"},
        "company": None,
        "owner": USER,  # whoever added it
        "notes": None,
        "tags": [],
        "created_at": NOW,
        "updated_at": NOW,
        "stage_entered_at": NOW,
        "closed_at": None,
        "days_in_stage": 0,
        "external_id": None,
        "version": 1,
    }
    # It is stored as printed, and the new contact exists.
    assert cli.json("deal", "list") == [deal]
    [contact] = cli.json("contact", "list")
    assert contact["name"] == "Dana Levi"
    assert contact["id"] == deal["contact"]["id"]


def test_a_bare_deal_goes_to_the_first_stage_with_no_value(cli: Cli) -> None:
    deal = cli.add_deal("Quick lead")
    assert deal["pipeline"] == "Sales"
    assert (deal["stage"], deal["stage_position"]) == ("Prospecting", 1)
    assert deal["value"] == {"amount": "0.00", "currency": "USD"}
    assert (deal["probability"], deal["probability_override"]) == (5, None)
    assert deal["contact"] is None
    assert deal["close_date"] is None
    assert deal["source"] is None


@pytest.mark.parametrize(
    ("typed", "currency_option", "expected"),
    [
        ("₪1,200", None, {"amount": "1200.00", "currency": "ILS"}),
        ("1,200.50", "eur", {"amount": "1200.50", "currency": "EUR"}),
        ("99 EUR", None, {"amount": "99.00", "currency": "EUR"}),
        ("gbp 12.5", None, {"amount": "12.50", "currency": "GBP"}),
        ("1,000,000", "JPY", {"amount": "1000000", "currency": "JPY"}),
        ("1200", None, {"amount": "1200.00", "currency": "USD"}),
    ],
)
def test_values_are_read_the_way_people_type_them(
    cli: Cli, typed: str, currency_option: str | None, expected: dict[str, str]
) -> None:
    options = ["--value", typed] + (["--currency", currency_option] if currency_option else [])
    deal = cli.add_deal("Deal", *options)
    assert deal["value"] == expected
    assert cli.deal(deal["id"])["value"] == expected


def test_a_stage_may_be_named_in_any_case(cli: Cli) -> None:
    assert cli.add_deal("a", "--stage", "PROPOSAL")["stage"] == "Proposal"
    assert cli.add_deal("b", "--stage", "initial contact")["stage"] == "Initial contact"
    assert cli.add_deal("c", "--stage", "  negotiation ")["stage"] == "Negotiation"


def test_a_deal_links_an_existing_contact_by_name_or_id(cli: Cli) -> None:
    dana = cli.json("contact", "add", "Dana Levi")
    by_name = cli.add_deal("by name", "--contact", "dana levi")
    by_id = cli.add_deal("by id", "--contact", str(dana["id"]))
    by_hash = cli.add_deal("by #id", "--contact", f"#{dana['id']}")

    for deal in (by_name, by_id, by_hash):
        assert deal["contact"] == {"id": dana["id"], "name": "Dana Levi"}
    assert len(cli.json("contact", "list")) == 1


def test_adding_a_deal_for_a_new_contact_says_so(cli: Cli) -> None:
    out = cli.ok("deal", "add", "Widget order", "--value", "50", "--contact", "Noa").out
    assert out.splitlines() == [
        "Added contact 'Noa'",
        "Added deal #1 'Widget order': Sales › Prospecting, open, $50.00",
    ]
    out = cli.ok("deal", "add", "Second order", "--contact", "Noa").out
    assert "Added contact" not in out


def test_db_may_be_given_after_the_subcommand(cli: Cli) -> None:
    result = cli("deal", "add", "late db", "--db", str(cli.db), "--json", db=False)
    assert result.code == 0, result.err
    assert [d["title"] for d in cli.json("deal", "list")] == ["late db"]


# --- listing -----------------------------------------------------------------


@pytest.fixture
def three_outcomes(cli: Cli) -> dict[str, int]:
    """One open, one won and one lost deal."""
    open_ = cli.add_deal("Open one", "--value", "100")["id"]
    won = cli.add_deal("Won one", "--value", "200", "--stage", "Negotiation")["id"]
    lost = cli.add_deal("Lost one", "--value", "300")["id"]
    cli.ok("deal", "won", str(won))
    cli.ok("deal", "lost", str(lost), "--reason", "Went with a competitor")
    return {"open": open_, "won": won, "lost": lost}


def test_deal_list_shows_open_deals_unless_told_otherwise(
    cli: Cli, three_outcomes: dict[str, int]
) -> None:
    everything = sorted(three_outcomes.values())
    assert ids(cli.json("deal", "list")) == [three_outcomes["open"]]
    assert ids(cli.json("deal", "list", "--status", "open")) == [three_outcomes["open"]]
    assert ids(cli.json("deal", "list", "--status", "won")) == [three_outcomes["won"]]
    assert ids(cli.json("deal", "list", "--status", "lost")) == [three_outcomes["lost"]]
    assert ids(cli.json("deal", "list", "--status", "all")) == everything
    assert ids(cli.json("deal", "list", "--all")) == everything


def test_deal_list_as_a_table(cli: Cli, three_outcomes: dict[str, int]) -> None:
    lines = cli.ok("deal", "list", "--all").out.splitlines()
    assert lines[0].split() == [
        "ID", "Title", "Pipeline", "Stage", "Status", "Value", "Contact", "Owner", "Days"
    ]  # fmt: skip
    body = "\n".join(lines[1:])
    assert "Open one" in body and "$100.00" in body
    assert "Won one" in body and "won" in body
    assert "Lost one" in body and "$300.00" in body


def test_an_empty_list_says_none(cli: Cli) -> None:
    assert cli.ok("deal", "list").out.splitlines()[-1] == "(none)"
    assert cli.json("deal", "list") == []


def test_deal_list_filters_by_stage_and_pipeline(cli: Cli) -> None:
    cli.ok("pipeline", "add", "Consulting")
    a = cli.add_deal("a", "--stage", "proposal")["id"]
    cli.add_deal("b")
    c = cli.add_deal("c", "--pipeline", "consulting", "--stage", "proposal")["id"]

    assert ids(cli.json("deal", "list", "--stage", "Proposal")) == [a]
    assert ids(cli.json("deal", "list", "--pipeline", "Consulting")) == [c]
    assert len(cli.json("deal", "list", "--limit", "1")) == 1


# --- show --------------------------------------------------------------------


def test_deal_show_has_history_touchpoints_followups_and_bant(cli: Cli) -> None:
    deal = cli.add_deal("Acme", "--contact", "Dana", "--value", "900")
    cli.ok("deal", "move", "1", "Proposal")
    cli.ok("touch", "Dana", "--kind", "demo", "--deal", "1", "--summary", "Showed the board")
    cli.ok("followup", "add", "--deal", "1", "--due", "2026-11-25", "--title", "Send quote")

    shown = cli.deal(deal["id"])

    assert {k: shown[k] for k in deal} == {
        **deal,
        "stage": "Proposal",
        "stage_position": 5,
        "probability": 60,
        "version": 2,  # one change: the move
    }
    assert [
        (h["from_stage"], h["to_stage"], h["from_status"], h["to_status"]) for h in shown["history"]
    ] == [
        (None, "Prospecting", None, "open"),
        ("Prospecting", "Proposal", "open", "open"),
    ]
    assert all(h["at"] == NOW and h["imported"] is False for h in shown["history"])
    [touch] = shown["touchpoints"]
    assert (touch["kind"], touch["deal_id"], touch["summary"]) == ("demo", 1, "Showed the board")
    [followup] = shown["followups"]
    assert (followup["title"], followup["due"], followup["done"]) == (
        "Send quote",
        "2026-11-25",
        False,
    )
    bant = shown["bant"]
    unasked = {"status": "unknown", "amount": None, "who": None, "note": None, "target_date": None}
    assert bant["answers"] == dict.fromkeys(("budget", "authority", "need", "timeline"), unasked)
    assert (bant["score"], bant["max_score"], bant["percent"], bant["history"]) == (0, 8, 0, [])
    assert bant["verdict"] == "not assessed"


def test_deal_show_as_text(cli: Cli) -> None:
    cli.add_deal("Acme", "--value", "1,200.50", "--contact", "Dana")
    cli.ok("deal", "move", "#1", "qualification")
    lines = cli.ok("deal", "show", "1").out.splitlines()
    text = "\n".join(lines)
    assert "Acme" in text and "$1,200.50" in text and "Dana" in text
    history = lines[: lines.index("Touchpoints:")]  # then touchpoints and follow-ups
    assert history[-2:] == [
        f"  {NOW}  entered Prospecting · by {USER}",
        f"  {NOW}  Prospecting → Qualification · by {USER}",
    ]


# --- moving and closing --------------------------------------------------------


def test_moving_a_deal_records_the_move(cli: Cli) -> None:
    cli.add_deal("Acme")
    moved = cli.json("deal", "move", "1", "NEEDS assessment")
    assert (moved["stage"], moved["probability"]) == ("Needs assessment", 40)
    assert cli.json("deal", "list")[0]["stage"] == "Needs assessment"
    history = cli.deal(1)["history"]
    assert len(history) == 2
    assert (history[-1]["from_stage"], history[-1]["to_stage"]) == (
        "Prospecting",
        "Needs assessment",
    )


def test_a_won_deal_keeps_its_stage_and_leaves_the_open_list(cli: Cli) -> None:
    cli.add_deal("Acme", "--stage", "Negotiation")
    won = cli.json("deal", "won", "1")
    assert (won["status"], won["stage"], won["closed_at"]) == ("won", "Negotiation", NOW)
    assert cli.json("deal", "list") == []
    last = cli.deal(1)["history"][-1]
    assert (last["from_status"], last["to_status"], last["to_stage"]) == (
        "open",
        "won",
        "Negotiation",
    )


def test_a_lost_deal_keeps_its_reason_and_can_be_revisited(cli: Cli) -> None:
    cli.add_deal("Acme", "--stage", "Proposal")
    lost = cli.json("deal", "lost", "1", "--reason", "Budget cut", "--revisit", "2027-03-01")

    assert (lost["status"], lost["stage"], lost["lost_reason"]) == (
        "lost",
        "Proposal",
        "Budget cut",
    )
    assert lost["followup"]["due"] == "2027-03-01"
    assert lost["followup"]["deal_id"] == 1
    [followup] = cli.json("followup", "list")
    assert followup == lost["followup"]
    assert "Acme" in followup["title"]
    assert cli.deal(1)["history"][-1]["to_status"] == "lost"


def test_lost_without_revisit_adds_no_followup(cli: Cli) -> None:
    cli.add_deal("Acme")
    out = cli.ok("deal", "lost", "1", "--reason", "No budget").out
    assert out.startswith("Lost deal #1 'Acme'")
    assert cli.json("followup", "list") == []


def test_a_lost_deal_can_be_reopened_where_it_closed(cli: Cli) -> None:
    cli.add_deal("Acme", "--stage", "Proposal")
    cli.ok("deal", "lost", "1", "--reason", "Went quiet")
    reopened = cli.json("deal", "reopen", "1")

    assert (reopened["status"], reopened["stage"]) == ("open", "Proposal")
    assert reopened["closed_at"] is None
    assert reopened["lost_reason"] is None
    assert ids(cli.json("deal", "list")) == [1]
    statuses = [(h["from_status"], h["to_status"]) for h in cli.deal(1)["history"]]
    assert statuses == [(None, "open"), ("open", "lost"), ("lost", "open")]
    assert f"reopened · by {USER}\nTouchpoints:" in cli.ok("deal", "show", "1").out


def test_a_reopened_deal_can_move_again(cli: Cli) -> None:
    cli.add_deal("Acme")
    cli.ok("deal", "won", "1")
    cli.ok("deal", "reopen", "1")
    assert cli.json("deal", "move", "1", "proposal")["stage"] == "Proposal"


# --- editing and deleting ------------------------------------------------------


def test_editing_changes_the_given_fields_only(cli: Cli) -> None:
    cli.add_deal("Acme", "--value", "100", "--source", "Web", "--contact", "Dana")
    edited = cli.json(
        "deal",
        "edit",
        "1",
        "--title",
        "Acme (3 seats)",
        "--value",
        "300",
        "--currency",
        "EUR",
        "--close-date",
        "2027-01-15",
        "--probability",
        "35",
        "--contact",
        "Omer",
    )
    assert edited["title"] == "Acme (3 seats)"
    assert edited["value"] == {"amount": "300.00", "currency": "EUR"}
    assert edited["close_date"] == "2027-01-15"
    assert (edited["probability"], edited["probability_override"]) == (35, 35)
    assert edited["contact"]["name"] == "Omer"
    assert edited["source"] == "Web"  # untouched
    assert {k: cli.deal(1)[k] for k in edited} == edited
    assert sorted(c["name"] for c in cli.json("contact", "list")) == ["Dana", "Omer"]


def test_an_empty_string_clears_an_optional_field(cli: Cli) -> None:
    cli.add_deal(
        "Acme",
        "--source",
        "Web",
        "--close-date",
        "2026-12-01",
        "--probability",
        "90",
        "--contact",
        "Dana",
    )
    cleared = cli.json(
        "deal",
        "edit",
        "1",
        "--source",
        "",
        "--close-date",
        "",
        "--probability",
        "",
        "--contact",
        "",
    )
    assert cleared["source"] is None
    assert cleared["close_date"] is None
    assert (cleared["probability"], cleared["probability_override"]) == (5, None)
    assert cleared["contact"] is None
    assert cli.json("deal", "list") == [cleared]
    # The contact itself is not deleted, only unlinked.
    assert [c["name"] for c in cli.json("contact", "list")] == ["Dana"]


def test_deleting_a_deal_removes_it_and_its_followups(cli: Cli) -> None:
    cli.add_deal("Keep")
    cli.add_deal("Drop", "--value", "10")
    cli.ok("followup", "add", "--deal", "2", "--due", "2026-12-01", "--title", "Call")

    deleted = cli.json("deal", "delete", "2")

    assert deleted["title"] == "Drop"
    assert [d["title"] for d in cli.json("deal", "list", "--all")] == ["Keep"]
    assert cli.json("followup", "list", "--all") == []
    cli.fails("deal", "show", "2", field="deal")


# --- text in any script, and text that tries to be something else ---------------


@pytest.mark.parametrize(
    ("title", "contact"),
    [
        ("עסקת חידוש שנתית", "דנה כהן"),
        ("صفقة تجديد سنوية", "فاطمة الزهراء"),
        ("Mixed עברית and English 123", "Zoë Ünal-أحمد"),
        ("顧客 🚀 deal", "山田 太郎"),
    ],
)
def test_titles_and_contact_names_in_any_script_round_trip(
    cli: Cli, title: str, contact: str
) -> None:
    added = cli.add_deal(title, "--contact", contact, "--value", "₪1,200")
    [listed] = cli.json("deal", "list")
    assert listed["title"] == added["title"] == title
    assert listed["contact"]["name"] == added["contact"]["name"] == contact
    assert [c["name"] for c in cli.json("contact", "list")] == [contact]
    assert title in cli.ok("deal", "list").out


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Acme\x1b[31m red\x1b[0m", "Acme[31m red[0m"),
        ("bell\x07 and\x00 nul", "bell and nul"),
        ("\u202eevil\u202c deal", "evil deal"),
        ("isolate \u2066x\u2069", "isolate x"),
        ("two\nlines\tand tab", "two lines and tab"),
        ("c1\x9b31m", "c131m"),
    ],
)
def test_control_characters_are_stripped_from_titles(cli: Cli, typed: str, stored: str) -> None:
    added = cli.add_deal(typed)
    assert added["title"] == stored
    assert cli.json("deal", "list")[0]["title"] == stored
    text = cli.ok("deal", "list").out
    assert "\x1b" not in text and "\u202e" not in text


@pytest.mark.parametrize("title", ["[@click=app.quit]x[/]", "[bold red]loud[/]", "$(rm -rf ~)"])
def test_markup_like_titles_are_stored_literally(cli: Cli, title: str) -> None:
    assert cli.add_deal(title)["title"] == title
    assert cli.json("deal", "list")[0]["title"] == title
    assert title in cli.ok("deal", "list").out
