"""Segments from the command line (issue 19, item 6): tags on deals and
contacts set with `--tags`, changed with `deal tag ID +vip -cold` and
`contact tag NAME +vip -cold`, shown by `show` (text and JSON), and the
filters `deal list --tag --source --owner` and `contact list --tag --stage
--source --silent-days`. Bad input exits 2 and writes nothing."""

from __future__ import annotations

from pathlib import Path

from cli_harness import Cli

HEBREW = "לקוח חם"
ARABIC = "عميل مهم"


def test_a_deal_added_with_tags_keeps_each_once_and_shows_them(cli: Cli) -> None:
    deal = cli.add_deal("Audit", "--tags", f" VIP, {HEBREW}, vip ,,")
    assert deal["tags"] == ["VIP", HEBREW]

    assert cli.deal(deal["id"])["tags"] == ["VIP", HEBREW]
    out = cli.ok("deal", "show", str(deal["id"])).out
    assert f"          tags: VIP, {HEBREW}\n" in out


def test_editing_tags_replaces_them_and_empty_clears_them(cli: Cli) -> None:
    deal = cli.add_deal("Audit", "--tags", "cold")
    edited = cli.json("deal", "edit", str(deal["id"]), "--tags", f"hot, {ARABIC}")
    assert edited["tags"] == ["hot", ARABIC]
    assert edited["version"] == deal["version"] + 1

    cleared = cli.json("deal", "edit", str(deal["id"]), "--tags", "")
    assert cleared["tags"] == []
    assert "          tags: —\n" in cli.ok("deal", "show", str(deal["id"])).out


def test_deal_tag_adds_and_removes_in_any_case(cli: Cli) -> None:
    deal = cli.add_deal("Audit", "--tags", "Cold, partner")

    tagged = cli.json("deal", "tag", str(deal["id"]), "+vip", "-COLD", f"+{HEBREW}", "+VIP")
    assert tagged["tags"] == ["partner", "vip", HEBREW]
    assert tagged["version"] == deal["version"] + 1

    out = cli.ok("deal", "tag", str(deal["id"]), "-partner").out
    assert out == f"Tagged deal #{deal['id']} 'Audit': vip, {HEBREW}\n"


def test_deal_tag_refuses_bad_words_and_writes_nothing(cli: Cli) -> None:
    deal = cli.add_deal("Audit", "--tags", "vip")
    with cli.unchanged():
        assert "start with" in cli.fails(
            "deal", "tag", str(deal["id"]), "+hot", "cold", field="tags"
        )
        assert "name the tag" in cli.fails("deal", "tag", str(deal["id"]), "+", field="tags")
        assert "say what" in cli.fails("deal", "tag", str(deal["id"]), field="tags")
        assert "longer than 100" in cli.fails(
            "deal", "tag", str(deal["id"]), "+" + "x" * 101, field="tags"
        )
        cli.fails("deal", "tag", "99", "+vip", field="deal")


def test_deal_tag_with_an_old_version_is_refused(cli: Cli) -> None:
    deal = cli.add_deal("Audit")
    cli.ok("deal", "tag", str(deal["id"]), "+first")
    with cli.unchanged():
        message = cli.fails(
            "deal", "tag", "--if-version", str(deal["version"]), str(deal["id"]), "+vip",
            field="deal",
        )  # fmt: skip
        assert "changed elsewhere" in message
        # (the option may come after the changes too)
        cli.fails(
            "deal", "tag", str(deal["id"]), "+vip", "--if-version", str(deal["version"]),
            field="deal",
        )  # fmt: skip
    now = cli.deal(deal["id"])["version"]
    assert cli.json("deal", "tag", str(deal["id"]), "+vip", f"--if-version={now}")["tags"] == [
        "first",
        "vip",
    ]


def test_contact_tag_by_a_hebrew_name(cli: Cli) -> None:
    cli.ok("contact", "add", "דן כהן", "--tags", "cold, Lead")

    tagged = cli.json("contact", "tag", "דן כהן", "+vip", "-COLD")
    assert tagged["tags"] == ["Lead", "vip"]
    out = cli.ok("contact", "show", "דן כהן").out
    assert "          tags: Lead, vip\n" in out
    with cli.unchanged():
        cli.fails("contact", "tag", "דן כהן", "vip", field="tags")
        cli.fails("contact", "tag", "Nobody", "+vip", field="contact")
        cli.fails("contact", "tag", "--if-version", "1", "דן כהן", "+x", field="contact")


def _titles(rows: list[dict[str, object]]) -> list[str]:
    return sorted(str(row["title"]) for row in rows)


def test_deal_list_by_tag_source_and_owner(cli: Cli) -> None:
    cli.add_deal("A", "--tags", f"vip, {HEBREW}", "--source", "Web", "--owner", "dana")
    cli.add_deal("B", "--tags", "VIP", "--source", "Referral", "--owner", "noa")
    cli.add_deal("C", "--source", "web")

    assert _titles(cli.json("deal", "list", "--tag", "vip")) == ["A", "B"]
    assert _titles(cli.json("deal", "list", "--tag", "vip", "--tag", HEBREW)) == ["A"]
    assert _titles(cli.json("deal", "list", "--source", "WEB")) == ["A", "C"]
    assert _titles(cli.json("deal", "list", "--tag", "vip", "--owner", "noa")) == ["B"]
    assert cli.json("deal", "list", "--tag", "vi") == []  # a whole tag, not a part
    cli.fails("deal", "list", "--tag", "a,b", field="tag")


def test_contact_list_by_tag_stage_source_and_silence(cli: Cli) -> None:
    cli.ok("contact", "add", "Dan", "--tags", "vip", "--source", "Referral")
    cli.ok("contact", "add", "רות", "--tags", "VIP", "--source", "Web")
    cli.ok("contact", "add", "Sam")
    cli.ok("touch", "Dan", "--kind", "quote requested", "--at=-40d")
    cli.ok("touch", "רות", "--kind", "call", "--at=-2d")

    def names(*options: str) -> list[str]:
        return sorted(c["name"] for c in cli.json("contact", "list", *options))

    assert names("--tag", "vip") == ["Dan", "רות"]
    assert names("--stage", "Intent") == ["Dan"]
    assert names("--source", "referral") == ["Dan"]
    assert names("--silent-days", "30") == ["Dan", "Sam"]  # never touched is silent too
    assert names("--silent-days", "30", "--tag", "vip") == ["Dan"]
    assert names("--silent-days", "2") == ["Dan", "Sam", "רות"]
    assert names("--silent-days", "3") == ["Dan", "Sam"]
    assert "unknown journey stage" in cli.fails("contact", "list", "--stage", "x", field="stage")
    cli.fails("contact", "list", "--silent-days", "soon", field="silent-days")
    table = cli.ok("contact", "list", "--tag", "vip").out
    assert "Tags" in table.splitlines()[0]


def test_deal_tags_survive_csv_export_and_import(cli: Cli, tmp_path: Path) -> None:
    cli.add_deal("Audit", "--tags", f"vip, {ARABIC}")
    out = tmp_path / "deals.csv"
    cli.ok("export", "--kind", "deals", "--format", "csv", "--out", str(out))
    assert "tags" in out.read_text(encoding="utf-8").splitlines()[0].split(",")

    other = Cli(tmp_path / "other.db")
    other.ok("import", str(out))
    assert other.json("deal", "list")[0]["tags"] == ["vip", ARABIC]


def test_a_full_json_export_restores_deal_and_contact_tags(cli: Cli, tmp_path: Path) -> None:
    cli.ok("contact", "add", "דן כהן", "--tags", f"vip, {ARABIC}")
    cli.add_deal("Audit", "--contact", "דן כהן", "--tags", f"{HEBREW}, hot")
    out = tmp_path / "all.json"
    cli.ok("export", "--out", str(out))

    fresh = Cli(tmp_path / "fresh.db")
    fresh.ok("import", str(out))
    assert fresh.json("deal", "list")[0]["tags"] == [HEBREW, "hot"]
    assert fresh.json("contact", "show", "דן כהן")["tags"] == ["vip", ARABIC]
