"""User stories for `pipetui goal set|list|remove`: a seller sets targets for a
month or a quarter and reads progress; each actual is what `report funnel
--since --until` counts for the same period; the same goal set again replaces
its target; bad input is refused naming the field with nothing written."""

from __future__ import annotations

from typing import Any

import pytest
from cli_harness import Cli


def _goals(cli: Cli) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = cli.json("goal", "list")
    return found


def _funnel(cli: Cli, since: str, until: str) -> dict[str, Any]:
    report: dict[str, Any] = cli.json("report", "funnel", "--since", since, "--until", until)
    return report


def _november(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """Five deals in November (the clock's month), two from a Hebrew-named
    source, one taken to Proposal, one won; one deal in October that no
    November goal counts."""
    monkeypatch.setenv("PIPETUI_NOW", "2026-10-15T10:00:00+00:00")
    cli.add_deal("Old lead", "--value", "700 ILS")
    monkeypatch.setenv("PIPETUI_NOW", "2026-11-20T10:00:00+00:00")
    won = cli.add_deal("אתר חדש", "--value", "12,500 ILS", "--source", "הפניה")
    proposal = cli.add_deal("Audit", "--value", "3,000 ILS", "--source", "הפניה")
    cli.add_deal("Logo", "--value", "400 USD", "--source", "Ads")
    cli.add_deal("Retainer", "--value", "900 ILS")
    cli.add_deal("Copy", "--value", "100 ILS", "--stage", "Qualification")
    cli.ok("deal", "move", str(proposal["id"]), "Proposal")
    cli.ok("deal", "won", str(won["id"]))


def test_goals_count_what_the_funnel_report_counts_for_their_period(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    _november(cli, monkeypatch)
    cli.ok("goal", "set", "leads", "4", "--month", "2026-11")
    cli.ok("goal", "set", "reached", "4", "--stage", "Proposal", "--month", "2026-11")
    cli.ok("goal", "set", "won", "50,000 ILS", "--quarter", "2026-Q4")
    cli.ok("goal", "set", "leads", "1", "--month", "2026-11", "--source", "הפניה")

    funnel = _funnel(cli, "2026-11-01", "2026-11-30")
    quarter = _funnel(cli, "2026-10-01", "2026-12-31")
    by_metric = {(g["metric"], g["source"]): g for g in _goals(cli)}

    leads = by_metric["leads", None]
    assert leads["actual"] == funnel["stages"][0]["reached"] == 5
    assert (leads["since"], leads["until"]) == ("2026-11-01", "2026-11-30")
    assert leads["share"] == 1.25
    # the 20th of 30 days: 5 × 30 / 20 = 7.5 ≥ 4
    assert (leads["projected"], leads["pace"]) == (7.5, "on track")

    reached = by_metric["reached", None]
    assert (reached["pipeline"], reached["stage"]) == ("Sales", "Proposal")
    assert reached["actual"] == funnel["stages"][4]["reached"] == 2
    assert reached["pace"] == "behind"  # 2 × 30 / 20 = 3 < 4

    won = by_metric["won", None]
    assert quarter["won"] == 1
    assert won["actual"] == {"amount": "12500.00", "currency": "ILS"}
    assert won["actual"]["amount"] == quarter["avg_won_value"]["ILS"]
    assert won["target"] == {"amount": "50000.00", "currency": "ILS"}
    assert won["share"] == 0.25

    # the team's goal of 1 lead from one channel, got 2 (matched in any case)
    source = by_metric["leads", "הפניה"]
    assert (source["actual"], source["share"], source["pace"]) == (2, 2.0, "on track")

    lines = cli.ok("goal", "list").out.splitlines()
    assert any("leads 2026-11 · הפניה" in line and "200.0 %" in line for line in lines)
    assert any("₪12,500.00 of ₪50,000.00" in line and "25.0 %" in line for line in lines)


def test_setting_the_same_goal_again_replaces_its_target_and_says_so(cli: Cli) -> None:
    first = cli.json("goal", "set", "won", "50,000 ILS", "--quarter", "2027-q1")
    assert (first["period"], first["replaced"]) == ("2027-Q1", None)
    assert first["pace"] == "not started"
    again = cli.ok("goal", "set", "won", "₪60,000", "--quarter", "2027-Q1").out
    assert again.startswith(f"Replaced the target of goal #{first['id']}: ₪50,000.00 → ₪60,000.00")
    # another currency is another goal
    cli.ok("goal", "set", "won", "10,000 USD", "--quarter", "2027-Q1")
    goals = _goals(cli)
    assert [(g["id"], g["target"]) for g in goals] == [
        (first["id"], {"amount": "60000.00", "currency": "ILS"}),
        (first["id"] + 1, {"amount": "10000.00", "currency": "USD"}),
    ]


def test_a_goal_is_removed_by_id(cli: Cli) -> None:
    goal = cli.json("goal", "set", "leads", "30", "--month", "2026-12")
    assert cli.ok("goal", "remove", f"#{goal['id']}").out == f"Removed goal #{goal['id']}\n"
    assert _goals(cli) == []
    cli.fails("goal", "remove", str(goal["id"]), field="goal")


def test_past_goals_are_met_or_missed(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    _november(cli, monkeypatch)
    cli.ok("goal", "set", "leads", "1", "--month", "2026-10")
    cli.ok("goal", "set", "leads", "2", "--month", "2026-10", "--pipeline", "sales")
    assert [(g["actual"], g["pace"]) for g in _goals(cli)] == [(1, "met"), (1, "missed")]


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("goal", "set", "visits", "3", "--month", "2026-12"), "metric"),
        (("goal", "set", "leads", "3"), "period"),
        (("goal", "set", "leads", "3", "--month", "2026-12", "--quarter", "2027-Q1"), "period"),
        (("goal", "set", "leads", "3", "--month", "2026-13"), "month"),
        (("goal", "set", "leads", "3", "--quarter", "2027-Q5"), "quarter"),
        (("goal", "set", "leads", "three", "--month", "2026-12"), "target"),
        (("goal", "set", "leads", "0", "--month", "2026-12"), "target"),
        (("goal", "set", "won", "0 ILS", "--month", "2026-12"), "target"),
        (("goal", "set", "won", "12.345 ILS", "--month", "2026-12"), "target"),
        (("goal", "set", "won", "50 XYZ", "--month", "2026-12"), "target"),
        (("goal", "set", "reached", "3", "--month", "2026-12"), "stage"),
        (("goal", "set", "reached", "3", "--stage", "Nope", "--month", "2026-12"), "stage"),
        (("goal", "set", "leads", "3", "--stage", "Proposal", "--month", "2026-12"), "stage"),
        (("goal", "set", "leads", "3", "--month", "2026-12", "--pipeline", "Nope"), "pipeline"),
        (("goal", "set", "leads", "3", "--month", "2026-12", "--source", "  "), "source"),
    ],
)
def test_bad_goals_are_refused_naming_the_field_with_nothing_written(
    cli: Cli, args: tuple[str, ...], field: str
) -> None:
    cli.ok("goal", "set", "leads", "30", "--month", "2026-12")
    with cli.unchanged():
        cli.fails(*args, field=field)


def test_today_shows_the_goals_running_today(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    assert cli.json("today")["goals"] == []
    _november(cli, monkeypatch)
    cli.ok("goal", "set", "leads", "1", "--month", "2026-11", "--source", "הפניה")
    cli.ok("goal", "set", "leads", "30", "--month", "2026-12")  # not running yet

    (goal,) = cli.json("today")["goals"]
    assert (goal["source"], goal["actual"], goal["pace"]) == ("הפניה", 2, "on track")
    lines = cli.ok("today").out.splitlines()
    assert lines[lines.index("Goals:") + 1 :] == [
        "  #1  leads 2026-11 · הפניה  2 of 1  200.0 %  on track"
    ]
