"""User stories for `pipetui touch-kind` (issue 19, item 7): the seller's own
kinds of touchpoint, each mapped to a journey stage, and the everyday `email`
and `message` kinds built in."""

from __future__ import annotations

from cli_harness import Cli


def test_a_webinar_kind_is_added_listed_and_used_for_a_touchpoint(cli: Cli) -> None:
    added = cli.json("touch-kind", "add", "Webinar Attended", "--stage", "Interest")
    assert added == {"kind": "webinar_attended", "journey_stage": "interest", "built_in": False}
    cli.ok("contact", "add", "Dana")

    touch = cli.json("touch", "Dana", "--kind", "webinar attended")

    assert (touch["kind"], touch["journey_stage"]) == ("webinar_attended", "interest")
    kinds = {k["kind"]: k for k in cli.json("touch-kind", "list")}
    assert kinds["webinar_attended"] == {
        "kind": "webinar_attended",
        "journey_stage": "interest",
        "built_in": False,
        "touchpoints": 1,
    }
    assert kinds["call"]["built_in"] and kinds["call"]["journey_stage"] == "consideration"
    assert "webinar attended" in cli.ok("touch-kind", "list").out


def test_an_email_and_a_whatsapp_message_are_logged_with_the_built_in_kinds(cli: Cli) -> None:
    cli.ok("contact", "add", "דנה לוי")

    email = cli.json("touch", "דנה לוי", "--kind", "Email", "--channel", "email")
    message = cli.json("touch", "דנה לוי", "--kind", "message", "--channel", "WhatsApp")

    assert (email["kind"], email["journey_stage"]) == ("email", "consideration")
    assert (message["kind"], message["channel"]) == ("message", "WhatsApp")
    assert cli.json("contact", "show", "דנה לוי")["journey_stage"] == "consideration"


def test_a_kind_in_hebrew_is_kept_as_typed(cli: Cli) -> None:
    cli.ok("touch-kind", "add", "כנס מקצועי", "--stage", "awareness")
    kinds = [k["kind"] for k in cli.json("touch-kind", "list")]
    assert "כנס_מקצועי" in kinds


def test_bad_kinds_are_refused_and_nothing_is_written(cli: Cli) -> None:
    with cli.unchanged():
        assert "built-in" in cli.fails(
            "touch-kind", "add", "call", "--stage", "intent", field="kind"
        )
        cli.fails("touch-kind", "add", "we!b", "--stage", "interest", field="kind")
        cli.fails("touch-kind", "add", "  ", "--stage", "interest", field="kind")
        cli.fails("touch-kind", "add", "webinar", "--stage", "nowhere", field="stage")
        cli.fails("touch-kind", "remove", "nothing", field="kind")
        cli.fails("touch-kind", "remove", "meeting", field="kind")


def test_adding_again_is_harmless_but_another_stage_is_refused(cli: Cli) -> None:
    cli.ok("touch-kind", "add", "webinar", "--stage", "interest")
    cli.ok("touch-kind", "add", "WEBINAR", "--stage", "interest")
    message = cli.fails("touch-kind", "add", "webinar", "--stage", "intent", field="kind")
    assert "already a kind at interest" in message


def test_a_kind_in_use_cannot_be_removed_an_unused_one_can(cli: Cli) -> None:
    cli.ok("touch-kind", "add", "webinar", "--stage", "interest")
    cli.ok("touch-kind", "add", "trade fair", "--stage", "awareness")
    cli.ok("contact", "add", "Dana")
    cli.ok("touch", "Dana", "--kind", "webinar")

    assert "used by 1" in cli.fails("touch-kind", "remove", "webinar", field="kind")
    assert cli.json("touch-kind", "remove", "Trade Fair") == {"removed": "trade_fair"}

    own = [k["kind"] for k in cli.json("touch-kind", "list") if not k["built_in"]]
    assert own == ["webinar"]
    cli.fails("touch", "Dana", "--kind", "trade fair", field="kind")
