"""Notes on deals from the command line (issue 17): `deal add --notes`,
`deal edit --notes`, shown by `deal show` (text and --json), found by
`deal list --search`, kept by `export` and `import`."""

from __future__ import annotations

from pathlib import Path

from cli_harness import Cli

HEBREW = "ביקשו הצעה מעודכנת\nלהתקשר ביום ראשון"
ARABIC = "يريدون خصمًا"


def test_a_deal_added_with_notes_shows_them(cli: Cli) -> None:
    deal = cli.add_deal("Audit", "--notes", HEBREW)
    assert deal["notes"] == HEBREW

    shown = cli.deal(deal["id"])
    assert shown["notes"] == HEBREW
    out = cli.ok("deal", "show", str(deal["id"])).out
    # (on a pipe, lines are printed in logical order, as stored)
    assert "         notes: ביקשו הצעה מעודכנת\n                להתקשר ביום ראשון\n" in out


def test_deal_show_without_notes_prints_no_notes_line(cli: Cli) -> None:
    deal = cli.add_deal("Audit")
    assert deal["notes"] is None
    assert "notes:" not in cli.ok("deal", "show", str(deal["id"])).out


def test_editing_notes_replaces_them_and_empty_clears_them(cli: Cli) -> None:
    deal = cli.add_deal("Audit", "--notes", "first")
    edited = cli.json("deal", "edit", str(deal["id"]), "--notes", ARABIC)
    assert edited["notes"] == ARABIC
    assert edited["version"] == deal["version"] + 1

    cleared = cli.json("deal", "edit", str(deal["id"]), "--notes", "")
    assert cleared["notes"] is None


def test_notes_edit_from_a_stale_view_is_refused(cli: Cli) -> None:
    deal = cli.add_deal("Audit", "--notes", "first")
    cli.ok("deal", "edit", str(deal["id"]), "--notes", "second")
    with cli.unchanged():
        message = cli.fails(
            "deal",
            "edit",
            str(deal["id"]),
            "--notes",
            "third",
            "--if-version",
            str(deal["version"]),
            field="deal",
        )
    assert "changed" in message


def test_deal_list_search_finds_words_in_notes_in_any_script_and_case(cli: Cli) -> None:
    cli.add_deal("Audit", "--notes", HEBREW)
    cli.add_deal("Retainer", "--notes", f"{ARABIC}, Big DISCOUNT")
    cli.add_deal("Other")

    def titles(*words: str) -> list[str]:
        return [d["title"] for d in cli.json("deal", "list", "--search", " ".join(words))]

    assert titles("ראשון") == ["Audit"]
    assert titles("خصمًا") == ["Retainer"]
    assert titles("discount", "big") == ["Retainer"]
    assert titles("audit", "discount") == []
    assert titles("100%") == []


def test_notes_survive_a_csv_export_and_import(cli: Cli, tmp_path: Path) -> None:
    cli.add_deal("Audit", "--notes", HEBREW)
    out = tmp_path / "deals.csv"
    cli.ok("export", "--kind", "deals", "--out", str(out))
    other = Cli(tmp_path / "other.db")
    other.ok("import", str(out))

    (deal,) = other.json("deal", "list")
    assert deal["notes"] == HEBREW


def test_a_new_contact_name_on_add_is_created_and_said(cli: Cli) -> None:
    out = cli.ok("deal", "add", "Audit", "--contact", "דנה").out
    assert out.splitlines()[0] == "Added contact 'דנה'"
