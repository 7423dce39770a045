"""User stories for `pipetui pipeline ...`: the stages are the user's to shape."""

from __future__ import annotations

from typing import Any

from cli_harness import Cli

DEFAULT = [
    ("Prospecting", 5),
    ("Qualification", 15),
    ("Initial contact", 25),
    ("Needs assessment", 40),
    ("Proposal", 60),
    ("Negotiation", 80),
]


def stages(cli: Cli, pipeline: str = "Sales") -> list[dict[str, Any]]:
    [found] = [p for p in cli.json("pipeline", "list") if p["name"] == pipeline]
    result: list[dict[str, Any]] = found["stages"]
    return result


def names(cli: Cli, pipeline: str = "Sales") -> list[str]:
    return [s["name"] for s in stages(cli, pipeline)]


def test_a_new_database_has_the_default_sales_pipeline(cli: Cli) -> None:
    [sales] = cli.json("pipeline", "list")
    assert sales["name"] == "Sales"
    assert [(s["name"], s["probability"]) for s in sales["stages"]] == DEFAULT
    assert [s["position"] for s in sales["stages"]] == [1, 2, 3, 4, 5, 6]
    assert all(s["rotting_days"] is None for s in sales["stages"])


def test_pipeline_list_as_text(cli: Cli) -> None:
    lines = cli.ok("pipeline", "list").out.splitlines()
    assert lines[0] == "Sales"
    assert lines[1:] == [f"  {i}. {n} ({p} %)" for i, (n, p) in enumerate(DEFAULT, start=1)]


def test_a_new_pipeline_gets_the_default_stages_and_takes_deals(cli: Cli) -> None:
    out = cli.ok("pipeline", "add", "Consulting").out
    assert out.startswith("Added pipeline #2 'Consulting'")
    assert [p["name"] for p in cli.json("pipeline", "list")] == ["Sales", "Consulting"]
    assert [(s["name"], s["probability"]) for s in stages(cli, "Consulting")] == DEFAULT

    deal = cli.add_deal("Audit", "--pipeline", "CONSULTING", "--stage", "proposal")
    assert (deal["pipeline"], deal["stage"]) == ("Consulting", "Proposal")


def test_adding_a_stage_at_a_position_with_probability_and_rotting_limit(cli: Cli) -> None:
    out = cli.ok(
        "pipeline",
        "add-stage",
        "Contract sent",
        "--position",
        "6",
        "--probability",
        "90",
        "--rotting-days",
        "7",
    ).out
    assert out == "Added stage 6. Contract sent (90 %, rots after 7 d)\n"
    assert names(cli) == [n for n, _ in DEFAULT[:5]] + ["Contract sent", "Negotiation"]
    added = stages(cli)[5]
    assert (added["position"], added["probability"], added["rotting_days"]) == (6, 90, 7)
    assert [s["position"] for s in stages(cli)] == [1, 2, 3, 4, 5, 6, 7]


def test_a_stage_is_added_last_by_default(cli: Cli) -> None:
    cli.ok("pipeline", "add-stage", "Verbal yes")
    last = stages(cli)[-1]
    assert (last["name"], last["position"], last["probability"], last["rotting_days"]) == (
        "Verbal yes",
        7,
        0,
        None,
    )
    # and deals may go there
    cli.add_deal("Acme")
    assert cli.json("deal", "move", "1", "verbal YES")["stage"] == "Verbal yes"


def test_renaming_a_stage_renames_it_on_its_deals(cli: Cli) -> None:
    cli.add_deal("Acme", "--stage", "Proposal")
    assert cli.ok("pipeline", "rename-stage", "proposal", "Offer").out == (
        "Renamed: 5. Offer (60 %)\n"
    )
    assert names(cli)[4] == "Offer"
    assert cli.json("deal", "list")[0]["stage"] == "Offer"
    assert cli.deal(1)["history"][0]["to_stage"] == "Offer"
    # a rename that only changes case is allowed
    cli.ok("pipeline", "rename-stage", "Offer", "OFFER")
    assert names(cli)[4] == "OFFER"


def test_moving_a_stage_keeps_the_others_in_order(cli: Cli) -> None:
    out = cli.ok("pipeline", "move-stage", "negotiation", "1").out
    assert out.splitlines()[0] == "1. Negotiation (80 %)"
    assert names(cli) == ["Negotiation"] + [n for n, _ in DEFAULT[:5]]
    assert [s["position"] for s in stages(cli)] == [1, 2, 3, 4, 5, 6]
    cli.ok("pipeline", "move-stage", "Negotiation", "6")
    assert names(cli) == [n for n, _ in DEFAULT]


def test_a_stage_carries_its_probability_onto_its_deals(cli: Cli) -> None:
    cli.add_deal("Acme", "--stage", "Proposal")
    assert cli.ok("pipeline", "set-stage", "Proposal", "--probability", "55").out == (
        "Updated: 5. Proposal (55 %)\n"
    )
    assert cli.json("deal", "list")[0]["probability"] == 55
    assert stages(cli)[4]["probability"] == 55


def test_a_rotting_limit_is_set_and_cleared(cli: Cli) -> None:
    cli.ok("pipeline", "set-stage", "Proposal", "--rotting-days", "14")
    assert stages(cli)[4]["rotting_days"] == 14
    assert "rots after 14 d" in cli.ok("pipeline", "list").out
    cli.ok("pipeline", "set-stage", "Proposal", "--rotting-days", "0")
    assert stages(cli)[4]["rotting_days"] is None
    cli.ok("pipeline", "set-stage", "Proposal", "--rotting-days", "3")
    cli.ok("pipeline", "set-stage", "Proposal", "--rotting-days", "")
    assert stages(cli)[4]["rotting_days"] is None
    assert stages(cli)[4]["probability"] == 60  # untouched


def test_stages_of_another_pipeline_are_addressed_with_pipeline(cli: Cli) -> None:
    cli.ok("pipeline", "add", "Consulting")
    cli.ok("pipeline", "add-stage", "Scoping", "--pipeline", "consulting", "--position", "1")
    cli.ok("pipeline", "rename-stage", "Proposal", "SOW", "--pipeline", "Consulting")
    assert names(cli, "Consulting")[:1] == ["Scoping"]
    assert "SOW" in names(cli, "Consulting")
    assert names(cli, "Sales") == [n for n, _ in DEFAULT]


def test_duplicate_stage_and_pipeline_names_are_refused(cli: Cli) -> None:
    with cli.unchanged():
        cli.fails("pipeline", "add-stage", "proposal", field="name")
        cli.fails("pipeline", "rename-stage", "Proposal", "NEGOTIATION", field="name")
        cli.fails("pipeline", "add", "sales", field="name")


def test_bad_stage_settings_are_refused(cli: Cli) -> None:
    with cli.unchanged():
        cli.fails("pipeline", "add-stage", "X", "--position", "99", field="position")
        cli.fails("pipeline", "add-stage", "X", "--position", "0", field="position")
        cli.fails("pipeline", "add-stage", "X", "--probability", "101", field="probability")
        cli.fails("pipeline", "add-stage", "", field="name")
        cli.fails("pipeline", "move-stage", "Proposal", "7", field="position")
        cli.fails("pipeline", "move-stage", "Proposal", "first", field="position")
        cli.fails("pipeline", "move-stage", "Nope", "1", field="stage")
        cli.fails("pipeline", "set-stage", "Proposal", "--probability", "-1", field="probability")
        cli.fails("pipeline", "set-stage", "Proposal", "--rotting-days", "-3", field="rotting-days")
        cli.fails("pipeline", "set-stage", "Nope", "--probability", "5", field="stage")
        cli.fails("pipeline", "rename-stage", "Proposal", " ", field="name")
        cli.fails(
            "pipeline", "rename-stage", "Proposal", "X", "--pipeline", "Nope", field="pipeline"
        )
