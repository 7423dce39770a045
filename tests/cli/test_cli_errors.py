"""Bad input is refused the same way everywhere: exit status 2, one line on stderr
("pipetui: error: FIELD: ..."), nothing on stdout, and nothing written.

Every case runs against the same small database and checks, through the CLI,
that deals (with history), contacts (with touchpoints), follow-ups and
pipelines read back exactly as before.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cli_harness import Cli, isolated_env

from db_targets import Targets


@pytest.fixture(scope="module")
def template(
    tmp_path_factory: pytest.TempPathFactory, module_target: Targets
) -> tuple[str, dict[str, Any]]:
    """Built once: #1 open "Acme" (Dana, Proposal, a call logged), #2 won "Globex"
    (Omer), follow-up #1 done. Returns the file and its state."""
    home = tmp_path_factory.mktemp("template")
    with pytest.MonkeyPatch.context() as env:
        for name, value in isolated_env(home).items():
            env.setenv(name, value)
        env.delenv("PIPETUI_DB", raising=False)
        cli = Cli(module_target("p.db"))
        cli.add_deal("Acme", "--value", "1,000", "--stage", "Proposal", "--contact", "Dana")
        cli.add_deal("Globex", "--value", "500", "--contact", "Omer")
        cli.ok("deal", "won", "2")
        cli.ok("touch", "Dana", "--kind", "call", "--deal", "1")
        cli.ok("followup", "add", "--deal", "1", "--due", "2026-11-25", "--title", "Call")
        cli.ok("followup", "done", "1")
        return str(cli.db), cli.state()


@pytest.fixture
def populated(template: tuple[str, dict[str, Any]], new_target: Targets) -> Cli:
    """A fresh copy of the template database for this test (either engine)."""
    return Cli(new_target("p.db", copy_of=template[0]))


@pytest.fixture
def before(template: tuple[str, dict[str, Any]]) -> dict[str, Any]:
    """The template's state, read once."""
    return template[1]


BAD_INPUT = [
    # deal add
    pytest.param(["deal", "add", "x", "--stage", "Nope"], "stage", id="unknown-stage"),
    pytest.param(["deal", "add", "x", "--pipeline", "Nope"], "pipeline", id="unknown-pipeline"),
    pytest.param(["deal", "add", "x", "--value", "-5"], "value", id="negative-value"),
    pytest.param(["deal", "add", "x", "--value=-0.01"], "value", id="negative-cents"),
    pytest.param(["deal", "add", "x", "--value", "1,2,3"], "value", id="bad-grouping"),
    pytest.param(["deal", "add", "x", "--value", "abc"], "value", id="letters"),
    pytest.param(["deal", "add", "x", "--value", "12abc"], "value", id="trailing-letters"),
    pytest.param(["deal", "add", "x", "--value", "1.234"], "value", id="too-many-decimals"),
    pytest.param(["deal", "add", "x", "--value", "5", "--currency", "XYZ"], "currency",
                 id="unknown-currency"),
    pytest.param(["deal", "add", "x", "--value", "5 XYZ"], "value", id="unknown-code-in-value"),
    pytest.param(["deal", "add", "x", "--value", "5 EUR", "--currency", "USD"], "currency",
                 id="two-currencies"),
    pytest.param(["deal", "add", "x", "--close-date", "2026-02-30"], "close-date", id="feb-30"),
    pytest.param(["deal", "add", "x", "--close-date", "someday"], "close-date", id="words"),
    pytest.param(["deal", "add", ""], "title", id="empty-title"),
    pytest.param(["deal", "add", "  \x1b\x07 "], "title", id="control-only-title"),
    pytest.param(["deal", "add", "x" * 501], "title", id="long-title"),
    pytest.param(["deal", "add", "x", "--probability", "101"], "probability", id="prob-101"),
    pytest.param(["deal", "add", "x", "--probability", "-1"], "probability", id="prob-neg"),
    pytest.param(["deal", "add", "x", "--probability", "50%"], "probability", id="prob-pct"),
    pytest.param(["deal", "add", "x", "--contact", "99"], "contact", id="unknown-contact-id"),
    pytest.param(["deal", "add", "x", "--contact", "New Person", "--stage", "Nope"], "stage",
                 id="no-contact-created-on-failure"),
    # unknown or malformed deal ids
    pytest.param(["deal", "show", "99"], "deal", id="show-unknown"),
    pytest.param(["deal", "show", "abc"], "deal", id="show-not-an-id"),
    pytest.param(["deal", "show", "0"], "deal", id="show-zero"),
    pytest.param(["deal", "move", "99", "Proposal"], "deal", id="move-unknown"),
    pytest.param(["deal", "won", "99"], "deal", id="won-unknown"),
    pytest.param(["deal", "lost", "99", "--reason", "x"], "deal", id="lost-unknown"),
    pytest.param(["deal", "reopen", "99"], "deal", id="reopen-unknown"),
    pytest.param(["deal", "edit", "99", "--title", "y"], "deal", id="edit-unknown"),
    pytest.param(["deal", "delete", "99"], "deal", id="delete-unknown"),
    # moving and closing
    pytest.param(["deal", "move", "1", "Nope"], "stage", id="move-unknown-stage"),
    pytest.param(["deal", "move", "1", "proposal"], "stage", id="move-to-same-stage"),
    pytest.param(["deal", "move", "2", "Proposal"], "deal", id="move-won-deal"),
    pytest.param(["deal", "won", "2"], "deal", id="won-twice"),
    pytest.param(["deal", "lost", "2", "--reason", "x"], "deal", id="lose-won-deal"),
    pytest.param(["deal", "reopen", "1"], "deal", id="reopen-open-deal"),
    pytest.param(["deal", "lost", "1", "--reason", ""], "reason", id="empty-reason"),
    pytest.param(["deal", "lost", "1", "--reason", "x", "--revisit", "2026-13-01"], "revisit",
                 id="bad-revisit"),
    # editing
    pytest.param(["deal", "edit", "1"], "deal", id="edit-nothing"),
    pytest.param(["deal", "edit", "1", "--title", ""], "title", id="edit-empty-title"),
    pytest.param(["deal", "edit", "1", "--currency", "EUR"], "value", id="currency-no-value"),
    pytest.param(["deal", "edit", "1", "--value", "abc"], "value", id="edit-bad-value"),
    pytest.param(["deal", "edit", "1", "--probability", "101"], "probability",
                 id="edit-prob-101"),
    pytest.param(["deal", "edit", "1", "--close-date", "2026-02-30"], "close-date",
                 id="edit-feb-30"),
    pytest.param(["deal", "list", "--stage", "Nope"], "stage", id="list-unknown-stage"),
    pytest.param(["deal", "list", "--limit", "-1"], "limit", id="negative-deal-limit"),
    pytest.param(["contact", "list", "--limit", "-1"], "limit", id="negative-contact-limit"),
    # touchpoints
    pytest.param(["touch", "Dana", "--kind", "carrier pigeon"], "kind", id="unknown-kind"),
    pytest.param(["touch", "Dana", "--kind", "survey", "--score", "11"], "score", id="score-11"),
    pytest.param(["touch", "Dana", "--kind", "survey", "--score", "-1"], "score", id="score-neg"),
    pytest.param(["touch", "Dana", "--kind", "survey", "--score", "nine"], "score",
                 id="score-word"),
    pytest.param(["touch", "Dana", "--kind", "call", "--direction", "sideways"], "direction",
                 id="sideways"),
    pytest.param(["touch", "Dana", "--kind", "call", "--at", "garbage"], "at", id="at-garbage"),
    pytest.param(["touch", "Dana", "--kind", "call", "--at", "2026-11-31T10:00"], "at",
                 id="at-nov-31"),
    pytest.param(["touch", "Dana", "--kind", "call", "--deal", "99"], "deal", id="touch-no-deal"),
    pytest.param(["touch", "Nobody", "--kind", "call"], "contact", id="touch-no-contact"),
    # follow-ups
    pytest.param(["followup", "add", "--deal", "99", "--due", "2026-12-01", "--title", "x"],
                 "deal", id="followup-unknown-deal"),
    pytest.param(["followup", "add", "--contact", "Nobody", "--due", "2026-12-01", "--title",
                  "x"], "contact", id="followup-unknown-contact"),
    pytest.param(["followup", "add", "--deal", "1", "--due", "soon", "--title", "x"], "due",
                 id="followup-bad-due"),
    pytest.param(["followup", "add", "--deal", "1", "--due", "2026-12-01", "--title", " "],
                 "title", id="followup-empty-title"),
    pytest.param(["followup", "done", "1"], "followup", id="done-twice"),
    pytest.param(["followup", "done", "99"], "followup", id="done-unknown"),
    # contacts
    pytest.param(["contact", "add", ""], "name", id="contact-empty-name"),
    pytest.param(["contact", "add", "X", "--email", "not-an-email"], "email", id="bad-email"),
    pytest.param(["contact", "show", "Nobody"], "contact", id="contact-unknown"),
    pytest.param(["contact", "edit", "Dana", "--journey-stage", "bliss"], "journey-stage",
                 id="unknown-journey-stage"),
    pytest.param(["contact", "edit", "Dana", "--name", ""], "name", id="edit-empty-name"),
    pytest.param(["contact", "edit", "Dana", "--email", "a@b"], "email", id="edit-bad-email"),
]  # fmt: skip


@pytest.mark.parametrize(("argv", "field"), BAD_INPUT)
def test_bad_input_exits_2_naming_the_field_and_changes_nothing(
    populated: Cli, before: dict[str, Any], argv: list[str], field: str
) -> None:
    with populated.unchanged(before):
        message = populated.fails(*argv, field=field)
    assert message.strip()
    assert "Traceback" not in message


def test_an_unknown_stage_error_lists_the_known_ones(populated: Cli) -> None:
    message = populated.fails("deal", "add", "x", "--stage", "Nope", field="stage")
    assert "Prospecting" in message and "Negotiation" in message


def test_the_message_quotes_what_was_typed(populated: Cli) -> None:
    assert "'2026-02-30'" in populated.fails(
        "deal", "add", "x", "--close-date", "2026-02-30", field="close-date"
    )
    assert "'sideways'" in populated.fails(
        "touch", "Dana", "--kind", "call", "--direction", "sideways", field="direction"
    )
    assert "not an amount: 'abc'" in populated.fails(
        "deal", "add", "x", "--value", "abc", field="value"
    )


def test_two_contacts_with_one_name_must_be_told_apart_by_id(populated: Cli) -> None:
    populated.ok("contact", "add", "Dana")  # a second Dana
    with populated.unchanged():
        message = populated.fails("deal", "add", "x", "--contact", "dana", field="contact")
    assert "id" in message
    assert populated.add_deal("x", "--contact", "3")["contact"]["id"] == 3


def test_add_stage_names_the_rotting_days_option_as_typed(populated: Cli) -> None:
    with populated.unchanged():
        populated.fails("pipeline", "add-stage", "X", "--rotting-days", "0", field="rotting-days")


USAGE_ERRORS = [
    pytest.param(["deal", "lost", "1"], "--reason", id="lost-without-reason"),
    pytest.param(["followup", "add", "--due", "2026-12-01", "--title", "x"], "--deal",
                 id="followup-neither-target"),
    pytest.param(["followup", "add", "--deal", "1", "--contact", "Dana", "--due", "2026-12-01",
                  "--title", "x"], "--contact", id="followup-both-targets"),
    pytest.param(["followup", "add", "--deal", "1", "--title", "x"], "--due", id="no-due"),
    pytest.param(["touch", "Dana"], "--kind", id="touch-without-kind"),
    pytest.param(["deal", "list", "--status", "pending"], "--status", id="unknown-status"),
    pytest.param(["deal", "list", "--limit", "ten"], "--limit", id="limit-not-a-number"),
    pytest.param(["deal", "frobnicate"], "frobnicate", id="unknown-action"),
    pytest.param(["deal"], "ACTION", id="missing-action"),
    pytest.param(["deal", "add", "x", "--colour", "red"], "--colour", id="unknown-option"),
]  # fmt: skip


@pytest.mark.parametrize(("argv", "mentions"), USAGE_ERRORS)
def test_malformed_command_lines_exit_2_in_one_line(
    populated: Cli, before: dict[str, Any], argv: list[str], mentions: str
) -> None:
    with populated.unchanged(before):
        populated.usage_error(*argv, mentions=mentions)


@pytest.mark.parametrize("where", ["no/such/dir/p.db", "."], ids=["missing-dir", "a-directory"])
def test_a_database_that_cannot_be_opened_exits_1_with_one_line(
    cli: Cli, tmp_path: Path, where: str
) -> None:
    result = cli("deal", "list", db=tmp_path / where)
    assert result.code == 1, result
    assert len(result.err_lines) == 1, result.err
    assert result.err_lines[0].startswith("pipetui: error: db: cannot open "), result.err


def test_a_file_that_is_not_a_database_exits_1(cli: Cli, tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite" * 100)
    result = cli("deal", "list", db=junk)
    assert result.code == 1, result
    assert len(result.err_lines) == 1
    assert result.err_lines[0].startswith("pipetui: error: ")
    assert junk.read_bytes() == b"this is not sqlite" * 100


def test_a_missing_required_option_is_named_with_its_command(populated: Cli) -> None:
    line = populated.usage_error("deal", "lost", "1", mentions="--reason")
    assert line == (
        "pipetui: error: deal lost: the following arguments are required: --reason "
        "(see pipetui deal lost --help)"
    )


def test_help_for_a_subcommand_still_shows_its_usage(cli: Cli) -> None:
    helped = cli("deal", "lost", "--help")
    assert helped.code == 0 and helped.err == ""
    assert helped.out.startswith("usage: pipetui deal lost")
    assert "--reason TEXT" in helped.out and "--revisit" in helped.out


def test_digits_of_other_scripts_are_names_or_bad_ids_never_a_crash(populated: Cli) -> None:
    # "²" and "٣" pass str.isdigit() but are not ids: a contact name, a bad deal id.
    deal = populated.add_deal("Superscript", "--contact", "²")
    assert deal["contact"]["name"] == "²"
    with populated.unchanged():
        populated.fails("deal", "show", "٣", field="deal")
