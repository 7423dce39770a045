"""`pipetui report nps`: NPS per calendar month (local time), the whole
period's and each lead source's, narrowed by `--tag`/`--source`, as JSON and
as text. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from cli_harness import Cli


def at(monkeypatch: pytest.MonkeyPatch, moment: str) -> None:
    monkeypatch.setenv("PIPETUI_NOW", moment)


@pytest.fixture
def surveyed(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> Cli:
    """Dana (vip, from "פייסבוק") answers 10 in September and 9 in November;
    Omar (from Search) answers 3 in September and 7 in November; nobody in
    October. Today is 4 December 2026."""
    at(monkeypatch, "2026-09-01T09:00:00+00:00")
    cli.ok("contact", "add", "דנה כהן", "--tags", "vip", "--source", "פייסבוק")
    cli.ok("contact", "add", "Omar Haddad", "--source", "Search")
    for who, when, score in (
        ("דנה כהן", "2026-09-10 12:00", "10"),
        ("Omar Haddad", "2026-09-20 12:00", "3"),
        ("דנה כהן", "2026-11-05 12:00", "9"),
        ("Omar Haddad", "2026-11-30 12:00", "7"),
    ):
        cli.ok("touch", who, "--kind", "survey", "--score", score, "--at", when)
    at(monkeypatch, "2026-12-04T10:00:00+00:00")
    return cli


def test_each_month_of_the_period_with_its_answers(surveyed: Cli) -> None:
    found = surveyed.json("report", "nps", "--since", "2026-09-01", "--until", "2026-11-30")
    assert (found["since"], found["until"]) == ("2026-09-01", "2026-11-30")
    assert [
        (m["month"], m["score"], m["promoters"], m["passives"], m["detractors"], m["answers"])
        for m in found["months"]
    ] == [
        ("2026-09", 0.0, 1, 0, 1, 2),
        ("2026-10", None, 0, 0, 0, 0),
        ("2026-11", 50.0, 1, 1, 0, 2),
    ]
    assert (found["nps"]["score"], found["nps"]["answers"]) == (25.0, 4)
    assert [(s["source"], s["score"], s["answers"]) for s in found["nps_by_source"]] == [
        ("Search", -50.0, 2),
        ("פייסבוק", 100.0, 2),
    ]


def test_by_default_the_last_twelve_months(surveyed: Cli) -> None:
    found = surveyed.json("report", "nps")
    assert (found["since"], found["until"]) == ("2026-01-01", "2026-12-04")
    assert [m["month"] for m in found["months"]][::11] == ["2026-01", "2026-12"]
    assert len(found["months"]) == 12
    assert found["nps"]["answers"] == 4

    out = surveyed.ok("report", "nps", "--tag", "VIP").out.splitlines()
    assert out[0] == "NPS by month · answered 2026-01-01 to 2026-12-04 · tag VIP"
    assert out[1].split() == ["Month", "NPS", "Promoters", "Passives", "Detractors", "Answers"]
    assert out[10].split() == ["2026-09", "+100", "1", "0", "0", "1"]
    assert out[11].split() == ["2026-10", "—", "0", "0", "0", "0"]
    assert "Whole period: NPS +100 (2 answers)" in out
    assert any(line.split()[:2] == ["פייסבוק", "+100"] for line in out)


def test_a_source_narrows_the_answers(surveyed: Cli) -> None:
    found = surveyed.json("report", "nps", "--source", "SEARCH", "--since", "2026-11-01")
    assert (found["until"], [m["answers"] for m in found["months"]]) == ("2026-12-04", [1, 0])
    assert found["nps"]["score"] == 0.0


def test_months_are_local_months(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, in_new_york: None
) -> None:
    # 1 November 02:00 UTC is still 31 October in New York.
    at(monkeypatch, "2026-11-02T12:00:00+00:00")
    cli.ok("contact", "add", "Ana")
    cli.ok("touch", "Ana", "--kind", "survey", "--score", "10", "--at", "2026-11-01T02:00:00+00:00")
    found = cli.json("report", "nps", "--since", "2026-10-01")
    assert [(m["month"], m["answers"]) for m in found["months"]] == [
        ("2026-10", 1),
        ("2026-11", 0),
    ]


def test_bad_periods_exit_2_naming_the_field(surveyed: Cli) -> None:
    assert "before" in surveyed.fails(
        "report", "nps", "--since", "2026-11-01", "--until", "2026-10-01", field="until"
    )
    assert "120 months" in surveyed.fails("report", "nps", "--since", "2000-01-01", field="since")
    surveyed.fails("report", "nps", "--since", "someday", field="since")
    # After today (4 December 2026) without --until: refused, not quietly cut.
    assert "after today" in surveyed.fails("report", "nps", "--since", "2026-12-10", field="since")
    planned = surveyed.json("report", "nps", "--since", "2026-12-10", "--until", "2027-01-31")
    assert [m["month"] for m in planned["months"]] == ["2026-12", "2027-01"]
