"""User stories for `pipetui deal qualify|disqualify`: BANT answers from the command
line, read back with `deal show`, scored with the thresholds of the settings file.

Every refusal exits 2 with one line naming the field, and writes nothing (checked
against every row of every table, answer history included).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cli_harness import ERROR_PREFIX, NOW, USER, Cli

from pipetui.domain.typed_dates import DATE_FORMS

CRITERIA = ("budget", "authority", "need", "timeline")
UNASKED = {"status": "unknown", "amount": None, "who": None, "note": None, "target_date": None}
FULL = (
    "--budget", "yes", "--budget-amount", "12,000 ILS",
    "--authority", "partial", "--authority-who", "CFO",
    "--need", "yes", "--need-note", "Quotes take them a week by hand",
    "--timeline", "no", "--timeline-date", "2027-03-01",
)  # fmt: skip


def answer(status: str, **details: Any) -> dict[str, Any]:
    """One criterion's answer as `deal show --json` prints it."""
    return {**UNASKED, "status": status, **details}


def bant(cli: Cli, deal_id: int = 1) -> dict[str, Any]:
    result: dict[str, Any] = cli.deal(deal_id)["bant"]
    return result


def history_texts(cli: Cli, deal_id: int = 1) -> list[str]:
    return [h["text"] for h in bant(cli, deal_id)["history"]]


@pytest.fixture
def acme(cli: Cli) -> dict[str, Any]:
    """One open deal valued in euros (so an amount without currency is in EUR)."""
    return cli.add_deal("Acme renewal", "--value", "5,000", "--currency", "EUR")


def write_config(tmp_path: Path, text: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("PIPETUI_CONFIG", str(path))
    return path


# --- answering -------------------------------------------------------------------


def test_the_full_example_answers_every_criterion_and_deal_show_has_it_all(
    cli: Cli, acme: dict[str, Any]
) -> None:
    qualified = cli.json("deal", "qualify", "1", *FULL)

    # The deal as `deal add` printed it, plus the score and what changed.
    changed = ("updated_at", "version")
    assert {k: qualified[k] for k in acme if k not in changed} == {
        k: v for k, v in acme.items() if k not in changed
    }
    assert qualified["version"] == acme["version"] + 1
    assert qualified["changes"] == [
        "Budget: unknown → yes (amount ₪12,000.00)",
        "Authority: unknown → partial (who decides: CFO)",
        "Need: unknown → yes (note changed)",
        "Timeline: unknown → no (target date 2027-03-01)",
    ]
    score = {
        "score": 5,
        "max_score": 8,
        "percent": 62,
        "verdict": "in progress",
        "reason": "Timeline is not yet met",
    }
    assert {k: qualified["bant"][k] for k in score} == score

    shown = bant(cli)
    assert {k: shown[k] for k in score} == score
    # Whatever `qualify --json` says about the score, `show` says the same.
    assert {k: shown[k] for k in qualified["bant"]} == qualified["bant"]
    assert shown["answers"] == {
        "budget": answer("yes", amount={"amount": "12000.00", "currency": "ILS"}),
        "authority": answer("partial", who="CFO"),
        "need": answer("yes", note="Quotes take them a week by hand"),
        "timeline": answer("no", target_date="2027-03-01"),
    }
    assert shown["history"] == [
        {
            "at": NOW,
            "criterion": "budget",
            "from_status": "unknown",
            "to_status": "yes",
            "details": "amount ₪12,000.00",
            "text": "Budget: unknown → yes (amount ₪12,000.00)",
            "by": USER,
        },
        {
            "at": NOW,
            "criterion": "authority",
            "from_status": "unknown",
            "to_status": "partial",
            "details": "who decides: CFO",
            "text": "Authority: unknown → partial (who decides: CFO)",
            "by": USER,
        },
        {
            "at": NOW,
            "criterion": "need",
            "from_status": "unknown",
            "to_status": "yes",
            "details": "note changed",
            "text": "Need: unknown → yes (note changed)",
            "by": USER,
        },
        {
            "at": NOW,
            "criterion": "timeline",
            "from_status": "unknown",
            "to_status": "no",
            "details": "target date 2027-03-01",
            "text": "Timeline: unknown → no (target date 2027-03-01)",
            "by": USER,
        },
    ]
    # Qualifying leaves the deal open where it was.
    assert cli.deal(1)["status"] == "open"
    assert cli.deal(1)["stage"] == "Prospecting"


def test_qualify_and_show_as_text(cli: Cli, acme: dict[str, Any]) -> None:
    out = cli.ok("deal", "qualify", "1", *FULL).out
    assert out.splitlines() == [
        "Deal #1 'Acme renewal': in progress (62 %): Timeline is not yet met",
        "  Budget: unknown → yes (amount ₪12,000.00)",
        "  Authority: unknown → partial (who decides: CFO)",
        "  Need: unknown → yes (note changed)",
        "  Timeline: unknown → no (target date 2027-03-01)",
    ]
    lines = cli.ok("deal", "show", "1").out.splitlines()
    assert "          BANT: in progress (62 %): Timeline is not yet met" in lines
    assert "        budget: yes · 12000.00 ILS" in lines
    assert "     authority: partial · CFO" in lines
    assert "          need: yes · Quotes take them a week by hand" in lines
    assert "      timeline: no · 2027-03-01" in lines
    history = lines[lines.index("History:") + 1 : lines.index("Touchpoints:")]
    assert history == [
        f"  {NOW}  entered Prospecting · by {USER}",
        f"  {NOW}  Budget: unknown → yes (amount ₪12,000.00) · by {USER}",
        f"  {NOW}  Authority: unknown → partial (who decides: CFO) · by {USER}",
        f"  {NOW}  Need: unknown → yes (note changed) · by {USER}",
        f"  {NOW}  Timeline: unknown → no (target date 2027-03-01) · by {USER}",
    ]


def test_a_partial_update_keeps_the_other_answers(cli: Cli, acme: dict[str, Any]) -> None:
    cli.ok("deal", "qualify", "1", *FULL)
    before = bant(cli)

    changed = cli.json("deal", "qualify", "1", "--authority", "yes")
    assert changed["changes"] == ["Authority: partial → yes"]
    after = bant(cli)
    assert after["answers"] == {
        **before["answers"],
        "authority": answer("yes", who="CFO"),  # who decides is kept
    }
    assert after["history"][:4] == before["history"]
    assert [h["text"] for h in after["history"][4:]] == ["Authority: partial → yes"]

    # A detail alone keeps the status.
    changed = cli.json("deal", "qualify", "1", "--need-note", "Two weeks now")
    assert changed["changes"] == ["Need: note changed"]
    assert bant(cli)["answers"]["need"] == answer("yes", note="Two weeks now")
    assert bant(cli)["history"][-1]["from_status"] == bant(cli)["history"][-1]["to_status"]

    # The same answers again change nothing and add no history.
    rows = cli.state()
    assert cli.ok("deal", "qualify", "1", "--need", "YES", "--authority", " yes ").out.splitlines()[
        1:
    ] == ["  nothing changed"]
    assert cli.json("deal", "qualify", "1", "--need", "yes")["changes"] == []
    assert cli.state() == rows


def test_an_empty_detail_clears_it_and_keeps_the_status(cli: Cli, acme: dict[str, Any]) -> None:
    cli.ok("deal", "qualify", "1", *FULL, "--budget-note", "approved")

    changed = cli.json(
        "deal",
        "qualify",
        "1",
        "--budget-amount",
        "",
        "--authority-who",
        "  ",
        "--timeline-date",
        "",
        "--need-note",
        "",
    )

    assert changed["changes"] == [
        "Budget: amount cleared",
        "Authority: who decides cleared",
        "Need: note cleared",
        "Timeline: target date cleared",
    ]
    assert bant(cli)["answers"] == {
        "budget": answer("yes", note="approved"),
        "authority": answer("partial"),
        "need": answer("yes"),
        "timeline": answer("no"),
    }
    assert changed["bant"]["percent"] == 62  # the statuses, hence the score, stay


@pytest.mark.parametrize(
    ("deal_currency", "typed", "expected"),
    [
        ("EUR", "12,000", {"amount": "12000.00", "currency": "EUR"}),
        ("EUR", "99.5", {"amount": "99.50", "currency": "EUR"}),
        ("JPY", "1,000,000", {"amount": "1000000", "currency": "JPY"}),
        ("ILS", "₪800", {"amount": "800.00", "currency": "ILS"}),
        ("EUR", "$1,200.50", {"amount": "1200.50", "currency": "USD"}),
        ("EUR", "gbp 40", {"amount": "40.00", "currency": "GBP"}),
        ("EUR", "0", {"amount": "0.00", "currency": "EUR"}),
    ],
)
def test_an_amount_without_a_currency_is_in_the_deals_currency(
    cli: Cli, deal_currency: str, typed: str, expected: dict[str, str]
) -> None:
    cli.add_deal("Deal", "--value", "100", "--currency", deal_currency)
    cli.ok("deal", "qualify", "1", "--budget-amount", typed)
    assert bant(cli)["answers"]["budget"] == answer("unknown", amount=expected)


def test_hebrew_and_arabic_details_are_kept_exactly(cli: Cli, acme: dict[str, Any]) -> None:
    who = "מנכ״ל — דנה כהן"
    pain = "العميلُ يحتاج نظامَ فواتير «جديد»\nسطر ثانٍ"
    cli.ok("deal", "qualify", "#1", "--authority", "yes", "--authority-who", who)
    cli.ok("deal", "qualify", "1", "--need-note", pain)
    answers = bant(cli)["answers"]
    assert answers["authority"]["who"] == who
    assert answers["need"]["note"] == pain  # a note may have several lines
    # Who decides is one line; control characters never reach the database.
    cli.ok("deal", "qualify", "1", "--authority-who", "CFO\nand\tCEO\x1b[31m")
    assert bant(cli)["answers"]["authority"]["who"] == "CFO and CEO[31m"


# --- refusals: exit 2, one line naming the field, nothing written --------------------


BAD = [
    (("--budget", "maybe"), "budget", "unknown status 'maybe' (use unknown, no, partial or yes)"),
    (("--timeline", ""), "timeline", "unknown status '' (use unknown, no, partial or yes)"),
    (("--need", "y"), "need", "unknown status 'y' (use unknown, no, partial or yes)"),
    (("--budget-amount", "abc"), "budget-amount", "not an amount: 'abc' (e.g. 1,200.50)"),
    (("--budget-amount", "-5"), "budget-amount", "must not be negative: '-5'"),
    (("--budget-amount=-1,000 EUR",), "budget-amount", "must not be negative: '-1,000 EUR'"),
    (("--budget-amount", "12,34"), "budget-amount", "not an amount: '12,34' (e.g. 1,200.50)"),
    (("--budget-amount", "1.234"), "budget-amount", "EUR has 2 decimal places: '1.234'"),
    (
        ("--budget-amount", "12 XYZ"),
        "budget-amount",
        "unknown currency 'XYZ' (use an ISO 4217 code)",
    ),
    (
        ("--budget-amount", "9" * 22),
        "budget-amount",
        f"amount too large: '{'9' * 22}' (at most €9,999,999,999,999.99)",
    ),
    (
        ("--timeline-date", "2027-13-01"),
        "timeline-date",
        f"not a date: '2027-13-01' (use {DATE_FORMS})",
    ),
    (
        ("--timeline-date", "2027-02-30"),
        "timeline-date",
        f"not a date: '2027-02-30' (use {DATE_FORMS})",
    ),
    (("--timeline-date", "someday"), "timeline-date", f"not a date: 'someday' (use {DATE_FORMS})"),
    # A good answer beside a bad one is not saved either.
    (("--budget", "yes", "--authority", "nope"), "authority", None),
    (("--budget", "yes", "--timeline-date", "03/01/2027"), "timeline-date", None),
]


@pytest.mark.parametrize(
    ("options", "field", "message"),
    [pytest.param(o, f, m, id=" ".join(o)) for o, f, m in BAD],
)
@pytest.mark.parametrize("command", ["qualify", "disqualify"])
def test_bad_input_exits_2_naming_the_field_and_writes_nothing(
    cli: Cli,
    acme: dict[str, Any],
    command: str,
    options: tuple[str, ...],
    field: str,
    message: str | None,
) -> None:
    cli.ok("deal", "qualify", "1", "--budget", "no", "--need", "partial")  # something to keep
    with cli.unchanged():
        said = cli.fails("deal", command, "1", *options, field=field)
    if message is not None:
        assert said == message


@pytest.mark.parametrize("command", ["qualify", "disqualify"])
def test_an_unknown_deal_is_refused(cli: Cli, acme: dict[str, Any], command: str) -> None:
    with cli.unchanged():
        assert cli.fails("deal", command, "99", "--budget", "no", field="deal") == (
            "no deal with id 99"
        )
        assert cli.fails("deal", command, "abc", "--budget", "no", field="deal") == (
            "not an id: 'abc'"
        )
        # A bad answer for a deal that does not exist: the deal is named first.
        cli.fails("deal", command, "99", "--budget", "maybe", field="deal")


def test_qualify_with_no_options_at_all_is_refused(cli: Cli, acme: dict[str, Any]) -> None:
    with cli.unchanged():
        said = cli.fails("deal", "qualify", "1", field="bant")
    assert "--budget" in said


def test_an_option_a_criterion_does_not_have_is_a_usage_error(
    cli: Cli, acme: dict[str, Any]
) -> None:
    with cli.unchanged():
        cli.usage_error("deal", "qualify", "1", "--need-amount", "5", mentions="--need-amount")
        cli.usage_error("deal", "qualify", "1", "--timeline-note", "x", mentions="--timeline-note")
        cli.usage_error("deal", "qualify", "--budget", "yes", mentions="ID")


# --- disqualifying --------------------------------------------------------------------


def test_disqualify_marks_the_deal_lost_naming_the_criterion(
    cli: Cli, acme: dict[str, Any]
) -> None:
    out = cli.ok("deal", "disqualify", "1", "--budget", "no", "--budget-note", "frozen").out
    assert out.splitlines() == ["Lost deal #1 'Acme renewal': Disqualified: Budget"]
    deal = cli.deal(1)
    assert (deal["status"], deal["lost_reason"], deal["closed_at"]) == (
        "lost",
        "Disqualified: Budget",
        NOW,
    )
    assert deal["stage"] == "Prospecting"
    assert deal["history"][-1]["to_status"] == "lost"
    assert deal["bant"]["answers"]["budget"] == answer("no", note="frozen")
    assert deal["bant"]["verdict"] == "disqualified"
    assert cli.json("deal", "list") == []

    # It is lost now: disqualifying again is refused and saves nothing.
    with cli.unchanged():
        assert cli.fails("deal", "disqualify", "1", "--authority", "no", field="deal") == (
            "deal 1 is already lost"
        )


@pytest.mark.parametrize(
    ("answers", "named"),
    [
        (("--authority", "no"), "Authority"),
        (("--budget", "no", "--authority", "no"), "Budget"),  # the first in BANT's order
        (("--authority", "no", "--timeline", "no"), "Authority"),  # one that disqualifies
        (("--need", "no"), "Need"),  # else the first "no" at all
        (("--timeline", "no", "--budget", "yes"), "Timeline"),
    ],
)
def test_disqualify_names_the_criterion_answered_no(
    cli: Cli, acme: dict[str, Any], answers: tuple[str, ...], named: str
) -> None:
    # Answers saved earlier count as well as answers given with the command.
    cli.ok("deal", "qualify", "1", *answers)
    deal = cli.json("deal", "disqualify", "1")
    assert (deal["status"], deal["lost_reason"]) == ("lost", f"Disqualified: {named}")


def test_disqualify_with_nothing_answered_no_is_refused_and_saves_nothing(
    cli: Cli, acme: dict[str, Any]
) -> None:
    cli.ok("deal", "qualify", "1", "--budget", "partial")
    with cli.unchanged():
        said = cli.fails("deal", "disqualify", "1", field="bant")
        assert "no criterion is answered no" in said
        # The answers given with it are not saved either: one transaction.
        cli.fails("deal", "disqualify", "1", "--budget", "yes", "--need", "yes", field="bant")
    assert cli.deal(1)["status"] == "open"


def test_a_won_deal_cannot_be_disqualified(cli: Cli, acme: dict[str, Any]) -> None:
    cli.ok("deal", "won", "1")
    with cli.unchanged():
        assert cli.fails("deal", "disqualify", "1", "--budget", "no", field="deal") == (
            "deal 1 is already won"
        )


def test_a_closed_deal_may_still_be_qualified(cli: Cli, acme: dict[str, Any]) -> None:
    cli.ok("deal", "lost", "1", "--reason", "Went quiet")
    qualified = cli.json("deal", "qualify", "1", "--need", "yes")
    assert (qualified["status"], qualified["lost_reason"]) == ("lost", "Went quiet")
    assert bant(cli)["answers"]["need"]["status"] == "yes"


# --- thresholds from the settings file ---------------------------------------------------


ALL_PARTIAL = ("--budget", "partial", "--authority", "partial", "--need", "partial",
               "--timeline", "partial")  # fmt: skip


def test_the_qualified_score_comes_from_the_settings_file(
    cli: Cli, acme: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    by_default = cli.json("deal", "qualify", "1", *ALL_PARTIAL)["bant"]
    assert (by_default["verdict"], by_default["reason"]) == (
        "in progress",
        "Score 4/8 is below 6",
    )

    write_config(tmp_path, "[bant]\nqualified_score = 4\n", monkeypatch)

    assert (bant(cli)["verdict"], bant(cli)["reason"]) == ("qualified", "All criteria met")
    assert cli.json("deal", "qualify", "1", "--need", "partial")["bant"]["verdict"] == "qualified"
    # Every criterion must still be met, whatever the score.
    assert bant(cli)["percent"] == 50
    cli.ok("deal", "qualify", "1", "--budget", "unknown", "--need", "yes", "--timeline", "yes")
    assert (bant(cli)["verdict"], bant(cli)["reason"]) == (
        "in progress",
        "Budget is not yet met",
    )


def test_disqualify_on_comes_from_the_settings_file(
    cli: Cli, acme: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli.ok("deal", "qualify", "1", "--budget", "no", "--authority", "yes", "--timeline", "no")
    assert (bant(cli)["verdict"], bant(cli)["reason"]) == ("disqualified", "Budget is no")

    write_config(tmp_path, '[bant]\ndisqualify_on = ["timeline"]\n', monkeypatch)
    assert (bant(cli)["verdict"], bant(cli)["reason"]) == ("disqualified", "Timeline is no")
    # The reason a dropped lead gets follows the setting too.
    assert cli.json("deal", "disqualify", "1")["lost_reason"] == "Disqualified: Timeline"

    cli.add_deal("Globex")
    cli.ok("deal", "qualify", "2", "--budget", "no")
    assert (bant(cli, 2)["verdict"], bant(cli, 2)["reason"]) == (
        "in progress",
        "Budget, Authority, Need, Timeline are not yet met",
    )

    write_config(tmp_path, "[bant]\ndisqualify_on = []\n", monkeypatch)
    cli.ok("deal", "qualify", "2", "--authority", "no")
    assert bant(cli, 2)["verdict"] == "in progress"
    # Nothing disqualifies by the settings: the first "no" is still named.
    assert cli.json("deal", "disqualify", "2")["lost_reason"] == "Disqualified: Budget"


@pytest.mark.parametrize(
    ("text", "named"),
    [
        (
            "[bant]\nqualified_score = 9\n",
            "bant.qualified_score (line 2): must be a whole number 0–8",
        ),
        ("[bant]\nqualified_score = -1\n", "bant.qualified_score (line 2)"),
        ("[bant]\nqualified_score = true\n", "bant.qualified_score (line 2)"),
        ('[bant]\nqualified_score = "6"\n', "bant.qualified_score (line 2)"),
        ("[bant]\nqualified_score = 5.5\n", "bant.qualified_score (line 2)"),
        (
            '[bant]\ndisqualify_on = ["budget", "money"]\n',
            "bant.disqualify_on (line 2): must be a list of criteria from "
            "['authority', 'budget', 'need', 'timeline']",
        ),
        ('[bant]\ndisqualify_on = "budget"\n', "bant.disqualify_on (line 2)"),
        ('[bant]\ndisqualify_on = ["Budget"]\n', "bant.disqualify_on (line 2)"),
        ("[bant]\nqualified = 6\n", "bant.qualified (line 2): unknown setting"),
        ("bant = 6\n", "bant (line 1): must be a table: [bant]"),
        ('theme = "x"\n\n[bant]\nqualified_score = 99\n', "bant.qualified_score (line 4)"),
    ],
)
@pytest.mark.parametrize(
    "command", [("deal", "qualify", "1", "--budget", "yes"), ("deal", "show", "1")]
)
def test_a_bad_bant_setting_exits_2_naming_the_key(
    cli: Cli,
    acme: dict[str, Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    text: str,
    named: str,
    command: tuple[str, ...],
) -> None:
    before = cli.state()
    path = write_config(tmp_path, text, monkeypatch)

    result = cli(*command)

    assert result.code == 2, result
    assert result.out == ""
    assert result.err_lines == [result.err_lines[0]]
    line = result.err_lines[0]
    assert line.startswith(f"{ERROR_PREFIX}{path}: {named}"), line
    monkeypatch.setenv("PIPETUI_CONFIG", str(tmp_path / "none.toml"))
    assert cli.state() == before
