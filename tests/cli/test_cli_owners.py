"""User stories for team mode's "who did it" (issue 14): who a user is (`--as`,
PIPETUI_USER, else the database role on PostgreSQL and the login name on
SQLite), whose each deal is (`--owner`, `deal list --owner/--mine`), and who
made each history row (`deal show`, the contact's timeline).

Every other CLI test runs as "sam" (PIPETUI_USER, `cli_harness.isolated_env`);
the stories about the defaults take that away.
"""

from __future__ import annotations

from typing import Any

import pytest
from cli_harness import NOW, USER, Cli, table_dump
from sqlalchemy.engine import make_url

LONG = "x" * 101


def titles(deals: list[dict[str, Any]]) -> list[str]:
    return sorted(d["title"] for d in deals)


# --- who I am ------------------------------------------------------------------


def test_as_names_who_made_each_change_and_whose_a_new_deal_is(cli: Cli) -> None:
    added = cli.json("--as", "dana", "deal", "add", "Acme", "--contact", "Lior")
    assert added["owner"] == "dana"
    cli.ok("--as", "omar", "deal", "move", "1", "Proposal")
    cli.ok("deal", "won", "1", "--as", "עומר כהן")  # (after the command, too)

    shown = cli.deal(1)
    assert shown["owner"] == "dana"  # moving it does not make it omar's
    assert [(h["to_stage"], h["to_status"], h["by"]) for h in shown["history"]] == [
        ("Prospecting", "open", "dana"),
        ("Proposal", "open", "omar"),
        ("Proposal", "won", "עומר כהן"),
    ]
    lines = cli.ok("deal", "show", "1").out.splitlines()
    assert "         owner: dana" in lines
    assert lines[lines.index("Touchpoints:") - 3 : lines.index("Touchpoints:")] == [
        f"  {NOW}  entered Prospecting · by dana",
        f"  {NOW}  Prospecting → Proposal · by omar",
        f"  {NOW}  won · by עומר כהן",
    ]


def test_pipetui_user_says_who_unless_as_says_otherwise(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PIPETUI_USER", "noa")
    assert cli.add_deal("By the environment")["owner"] == "noa"
    assert cli.json("--as", "dana", "deal", "add", "By the option")["owner"] == "dana"
    monkeypatch.setenv("PIPETUI_USER", "")  # empty: as if unset
    cli.ok("deal", "add", "Nobody said")  # the default then: role or login name


@pytest.mark.sqlite_only("the login name is SQLite's default")
def test_on_sqlite_the_default_is_the_login_name(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PIPETUI_USER")
    monkeypatch.setenv("LOGNAME", "lena")  # what getpass reads first
    assert cli.add_deal("Acme")["owner"] == "lena"
    assert cli.deal(1)["history"][0]["by"] == "lena"


def _role_url(cli: Cli, role: str) -> str:
    """The test's new database, owned by a new login role `role`, and its URL
    as that role (the throwaway server trusts every local connection)."""
    cli.sql(
        "DO $$ BEGIN CREATE ROLE "
        + role
        + " LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$"
    )
    url = make_url(cli.url)
    cli.sql(f'ALTER DATABASE "{url.database}" OWNER TO {role}')
    return url.set(username=role).render_as_string(hide_password=False)


@pytest.mark.postgresql_only("the database role is the server's default")
def test_on_postgresql_the_default_is_the_database_role(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PIPETUI_USER")
    monkeypatch.setenv("LOGNAME", "someone_else")  # not used on a server
    as_role = Cli(_role_url(cli, "lena_sales"))
    assert as_role.add_deal("Acme")["owner"] == "lena_sales"
    as_role.ok("deal", "move", "1", "Proposal")
    assert [h["by"] for h in as_role.deal(1)["history"]] == ["lena_sales", "lena_sales"]
    # --as still says otherwise (a shared role, a person's name)
    assert as_role.json("--as", "Lena Levi", "deal", "add", "Beta")["owner"] == "Lena Levi"


# --- whose deal -----------------------------------------------------------------


@pytest.fixture
def team_deals(cli: Cli) -> Cli:
    """Deals of dana's, of omar's and of nobody's, added by sam."""
    cli.ok("deal", "add", "Mine", "--owner", "dana")
    cli.ok("deal", "add", "His", "--owner", "omar")
    cli.ok("deal", "add", "Nobody's", "--owner", "")
    cli.ok("deal", "add", "Sam's")  # the one who adds it, by default
    return cli


def test_deals_are_listed_by_owner(team_deals: Cli) -> None:
    cli = team_deals
    every = {d["title"]: d["owner"] for d in cli.json("deal", "list")}
    assert every == {"Mine": "dana", "His": "omar", "Nobody's": None, "Sam's": USER}

    assert titles(cli.json("deal", "list", "--owner", "omar")) == ["His"]
    assert titles(cli.json("deal", "list", "--owner", "")) == ["Nobody's"]
    # Mine: my deals and the unowned ones (nobody's deal is the team's)
    assert titles(cli.json("--as", "dana", "deal", "list", "--mine")) == ["Mine", "Nobody's"]
    assert titles(cli.json("deal", "list", "--mine")) == ["Nobody's", "Sam's"]

    table = cli.ok("deal", "list", "--owner", "omar").out.splitlines()
    assert table[0].split()[-2:] == ["Owner", "Days"]
    assert table[1].split()[-2:] == ["omar", "0"]


def test_a_deal_is_given_to_someone_else_or_to_nobody(team_deals: Cli) -> None:
    cli = team_deals
    assert cli.json("deal", "edit", "2", "--owner", "dana")["owner"] == "dana"
    assert titles(cli.json("deal", "list", "--owner", "dana")) == ["His", "Mine"]
    assert cli.json("deal", "edit", "2", "--owner", "")["owner"] is None
    assert titles(cli.json("deal", "list", "--owner", "")) == ["His", "Nobody's"]
    assert cli.deal(2)["version"] == 3  # two changes, each one version up


def test_mine_and_owner_cannot_be_asked_together(team_deals: Cli) -> None:
    team_deals.usage_error("deal", "list", "--mine", "--owner", "dana", mentions="--owner")


# --- the customer's timeline ------------------------------------------------------


def test_the_timeline_says_who_logged_each_touch_and_moved_each_deal(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PIPETUI_NOW", "2026-11-18T10:00:00+00:00")
    cli.ok("--as", "dana", "deal", "add", "Acme pilot", "--contact", "Lior")
    monkeypatch.setenv("PIPETUI_NOW", "2026-11-19T10:00:00+00:00")
    cli.ok("--as", "omar", "touch", "Lior", "--kind", "demo", "--summary", "went well")
    monkeypatch.setenv("PIPETUI_NOW", NOW)
    cli.ok("--as", "noa", "deal", "won", "1")

    timeline = cli.json("contact", "timeline", "Lior")
    assert [(e["type"], e["by"]) for e in timeline["entries"]] == [
        ("touchpoint", "noa"),  # winning the deal logged the purchase (issue 19)
        ("deal", "noa"),
        ("touchpoint", "omar"),
        ("deal", "dana"),
    ]
    touches = cli.json("contact", "show", "Lior")["touchpoints"]
    assert [(t["kind"], t["by"]) for t in touches] == [("purchase", "noa"), ("demo", "omar")]
    lines = cli.ok("contact", "timeline", "Lior").out.splitlines()
    assert lines[5:] == [
        "  2026-11-20 10:00  purchase  Acme pilot · by noa",
        "  2026-11-20 10:00  deal 'Acme pilot' won · by noa",
        "  2026-11-19 10:00  demo  went well · by omar",
        "  2026-11-18 10:00  deal 'Acme pilot' entered Prospecting · by dana",
    ]


def test_bant_answers_say_who_gave_them(cli: Cli) -> None:
    cli.add_deal("Acme")
    cli.ok("--as", "omar", "deal", "qualify", "1", "--budget", "yes")
    [change] = cli.deal(1)["bant"]["history"]
    assert (change["text"], change["by"]) == ("Budget: unknown → yes", "omar")
    lines = cli.ok("deal", "show", "1").out.splitlines()
    assert lines[lines.index("Touchpoints:") - 1] == f"  {NOW}  Budget: unknown → yes · by omar"


# --- bad names ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "field"),
    [
        (("--as", ""), "as"),
        (("--as", "   "), "as"),
        (("--as", "\x1b\x07\u202e"), "as"),  # nothing left once control characters go
        (("--as", LONG), "as"),
        (("deal", "add", "Acme", "--as", LONG), "as"),
        (("deal", "add", "Acme", "--owner", LONG), "owner"),
        (("deal", "add", "Acme", "--owner", "\x1b"), "owner"),
        (("deal", "edit", "1", "--owner", "\t\n"), "owner"),
        (("deal", "list", "--owner", LONG), "owner"),
    ],
    ids=[
        "empty-as",
        "blank-as",
        "controls-only",
        "too-long-as",
        "as-after-command",
        "too-long-owner",
        "control-owner",
        "blank-owner-edit",
        "list-owner",
    ],
)
def test_a_bad_name_exits_2_naming_the_field_and_writes_nothing(
    cli: Cli, words: tuple[str, ...], field: str
) -> None:
    cli.add_deal("Acme")
    before = table_dump(cli.db)
    command = list(words) if words[0] != "--as" else [*words, "deal", "add", "Other"]
    message = cli.fails(*command, field=field)
    assert message in ("must not be empty", "is longer than 100 characters")
    assert table_dump(cli.db) == before


def test_a_bad_pipetui_user_is_refused_by_its_name(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli.add_deal("Acme")
    before = table_dump(cli.db)
    monkeypatch.setenv("PIPETUI_USER", LONG)
    assert cli.fails("deal", "add", "Other", field="PIPETUI_USER") == (
        "is longer than 100 characters"
    )
    # --as wins over a bad PIPETUI_USER: it is never read then
    monkeypatch.setenv("PIPETUI_USER", "\x07")
    assert table_dump(cli.db) == before
    assert cli.json("--as", "dana", "deal", "add", "Other")["owner"] == "dana"


@pytest.mark.sqlite_only("a server always knows its role")
def test_mine_needs_to_know_who_i_am(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """On SQLite with no login name to be had (some containers), --mine asks
    for --as rather than guessing; what is written then says nobody."""
    monkeypatch.delenv("PIPETUI_USER")
    monkeypatch.setattr("pipetui.services.workspace.login_name", lambda: None)
    monkeypatch.setattr("pipetui.store.actor.login_name", lambda: None)
    assert cli.add_deal("Acme")["owner"] is None
    assert cli.deal(1)["history"][0]["by"] is None
    assert "--as" in cli.fails("deal", "list", "--mine", field="mine")
