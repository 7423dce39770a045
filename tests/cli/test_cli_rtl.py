"""Hebrew and Arabic in the CLI's output (DESIGN.md §6): on a terminal each
table cell and each line said is laid out in visual order, so it reads right on
a terminal that draws left to right, and the columns stay aligned; piped output
and --json stay in logical order, as stored."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from cli_harness import Cli, Script, isolated_env
from cli_harness import on_terminal as run_on_terminal

from pipetui.domain.bidi import visual

RONIT, RONIT_CO = "רונית לוי", "חברת האור בע״מ"
MOHAMMED, MOHAMMED_CO = "محمد علي", "شركة النور 42"
LONG = "אברהם בן דוד מירושלים של זהב ושל נחושת ושל אור"  # over 40 cells


@pytest.fixture
def db(cli: Cli, tmp_path: Path) -> Path:
    """A database with a Hebrew, an Arabic and a Latin contact."""
    cli.ok("contact", "add", RONIT, "--company", RONIT_CO)
    cli.ok("contact", "add", MOHAMMED, "--company", MOHAMMED_CO)
    cli.ok("contact", "add", "Dana Smith", "--company", "Acme")
    cli.ok("contact", "add", LONG)
    return cli.db


def on_terminal(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> list[str]:
    """Run the installed `pipetui` with stdout on a pseudo-terminal; its lines."""
    status, output, stderr = run_on_terminal(
        list(args), {**os.environ, **isolated_env(tmp_path), **(env or {})}, tmp_path
    )
    assert status == 0, stderr
    return output.replace("\r\n", "\n").splitlines()


def column_starts(header: str, names: list[str]) -> list[int]:
    return [header.index(name) for name in names]


def test_contact_list_on_a_terminal_reads_right_to_left_in_aligned_columns(
    db: Path, tmp_path: Path
) -> None:
    lines = on_terminal(tmp_path, "--db", str(db), "contact", "list")
    header, rows = lines[0], lines[1:]
    name_at, company_at, email_at = column_starts(header, ["Name", "Company", "Email"])
    by_name = {row[name_at:company_at].rstrip(): row for row in rows}
    # Each name in visual order, in its own column; the company in the next.
    assert set(by_name) == {
        visual(RONIT),
        visual(MOHAMMED),
        "Dana Smith",
        visual(LONG, 40),
    }
    assert by_name[visual(RONIT)][company_at:email_at].rstrip() == visual(RONIT_CO)
    assert by_name[visual(MOHAMMED)][company_at:email_at].rstrip() == visual(MOHAMMED_CO)
    # Reversed: the first letter of the name is drawn last (rightmost).
    assert visual(RONIT).endswith("ר") and visual(RONIT).startswith("י")
    # A long name is cut at its logical end: the ellipsis on its left.
    long_cell = by_name[visual(LONG, 40)][name_at:company_at].rstrip()
    assert long_cell.startswith("…") and long_cell.endswith("א")
    # Every row's email column starts where the header's does.
    for row in rows:
        assert row[email_at - 2 : email_at] == "  ", row


def test_lines_said_on_a_terminal_are_left_to_right_with_the_name_in_visual_order(
    db: Path, tmp_path: Path
) -> None:
    [line] = on_terminal(tmp_path, "--db", str(db), "contact", "add", "שרה כץ")
    assert line == visual("Added contact #5 'שרה כץ'", None, "L")
    assert line == "Added contact #5 'ץכ הרש'"


@pytest.mark.parametrize("mode", ["off", "terminal"])
def test_with_bidi_off_or_left_to_the_terminal_the_table_is_logical(
    db: Path, tmp_path: Path, mode: str
) -> None:
    lines = on_terminal(tmp_path, "--db", str(db), "contact", "list", env={"PIPETUI_BIDI": mode})
    assert any(RONIT in line for line in lines)
    assert not any(visual(RONIT) in line for line in lines)


def test_piped_output_and_json_stay_in_logical_order(db: Path, tmp_path: Path) -> None:
    script = Script(tmp_path)
    piped = script("--db", str(db), "contact", "list")
    assert piped.code == 0
    assert any(RONIT in line and RONIT_CO in line for line in piped.out.splitlines())
    assert visual(RONIT) not in piped.out
    terminal_json = "\n".join(on_terminal(tmp_path, "--db", str(db), "contact", "list", "--json"))
    assert f'"name": "{RONIT}"' in terminal_json
    assert f'"company": "{MOHAMMED_CO}"' in terminal_json
    assert visual(RONIT) not in terminal_json
