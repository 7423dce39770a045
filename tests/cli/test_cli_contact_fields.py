"""Every field of the contact form from the CLI too (issue 17): `contact add`
and `contact edit` take name, email, phone, company, role, source, notes and
tags; `contact show` prints the notes, tags and how long since the last
contact; bad input exits 2 naming the field and writes nothing."""

from __future__ import annotations

import pytest
from cli_harness import Cli

NOTES = "נפגשנו בכנס בתל אביב.\nتفضل واتساب.\n[@click=app.quit]x[/]"


def test_every_form_field_goes_in_with_add_and_comes_back_in_json(cli: Cli) -> None:
    added = cli.json(
        "contact", "add", "דנה כהן",
        "--email", "dana@negev.example",
        "--phone", "+972 50-123-4567",
        "--company", "Negev Solar",
        "--role", "סמנכ״לית כספים",
        "--source", "כנס",
        "--notes", NOTES,
        "--tags", "vip, לקוח חם ,VIP,, عميل",
    )  # fmt: skip
    assert added["notes"] == NOTES
    assert added["tags"] == ["vip", "לקוח חם", "عميل"]
    assert added["role"] == "סמנכ״לית כספים"
    assert cli.json("contact", "show", "#1")["tags"] == ["vip", "לקוח חם", "عميل"]


def test_edit_replaces_tags_and_notes_and_empty_clears_them(cli: Cli) -> None:
    cli.ok("contact", "add", "Omar Haddad", "--tags", "old", "--notes", "first")
    edited = cli.json("contact", "edit", "Omar Haddad", "--tags", "new, hot", "--notes", "a\nb")
    assert (edited["tags"], edited["notes"], edited["version"]) == (["new", "hot"], "a\nb", 2)
    cleared = cli.json("contact", "edit", "#1", "--tags", "", "--notes", "")
    assert (cleared["tags"], cleared["notes"]) == ([], None)


def test_show_prints_notes_line_by_line_tags_and_the_last_contact(cli: Cli) -> None:
    cli.ok("contact", "add", "דנה כהן", "--notes", NOTES, "--tags", "vip, חם")
    lines = cli.ok("contact", "show", "#1").out.splitlines()
    assert "          tags: vip, חם" in lines
    assert "  last contact: no contact yet" in lines
    start = lines.index("         notes: נפגשנו בכנס בתל אביב.")
    assert lines[start + 1 : start + 3] == [
        "                تفضل واتساب.",
        "                [@click=app.quit]x[/]",
    ]

    cli.ok("touch", "#1", "--kind", "call", "--at", "2026-03-22T15:30:00+00:00")
    lines = cli.ok("contact", "show", "#1").out.splitlines()
    assert "  last contact: 2026-03-22, 243 days since last contact" in lines
    timeline = cli.ok("contact", "timeline", "#1").out.splitlines()
    assert "  243 days since last contact" in timeline


def test_a_contact_without_notes_shows_a_dash(cli: Cli) -> None:
    cli.ok("contact", "add", "Zoë Müller")
    lines = cli.ok("contact", "show", "Zoë Müller").out.splitlines()
    assert "         notes: —" in lines
    assert "          tags: —" in lines


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("contact", "add", "  ", "--email", "a@b.example"), "name"),
        (("contact", "add", "Dana", "--email", "not-an-email"), "email"),
        (("contact", "add", "Dana", "--tags", "ok, " + "x" * 101), "tags"),
        (("contact", "edit", "#1", "--name", ""), "name"),
        (("contact", "edit", "#1", "--email", "dana@"), "email"),
        (("contact", "edit", "#1", "--tags", "y" * 101), "tags"),
    ],
    ids=[
        "add-empty-name",
        "add-bad-email",
        "add-long-tag",
        "edit-empty-name",
        "edit-bad-email",
        "edit-long-tag",
    ],
)
def test_bad_input_exits_2_naming_the_field_and_writes_nothing(
    cli: Cli, args: tuple[str, ...], field: str
) -> None:
    cli.ok("contact", "add", "Existing", "--tags", "keep", "--notes", "kept")
    with cli.unchanged():
        cli.fails(*args, field=field)
