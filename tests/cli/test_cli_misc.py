"""The installed command, where the database and settings come from, backup and demo."""

from __future__ import annotations

import json
import sqlite3
import stat
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from cli_harness import ERROR_PREFIX, NOW, Cli, Result, Script

import pipetui

# --- the real entry point ------------------------------------------------------
# Six runs of the installed console script, started side by side once for the
# module (each run spends ~0.7 s importing), then checked one story per test.


@dataclass(frozen=True)
class Installed:
    home: Path
    version: Result
    helped: Result
    added: Result
    listed: Result
    refused: Result
    via_env: Result


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    home = tmp_path_factory.mktemp("installed")
    script = Script(home)
    if not script.path.exists():
        pytest.fail(f"the console script is not installed at {script.path}")
    db = str(home / "p.db")
    first_wave = [
        script.start("--version"),
        script.start("--help"),
        script.start(
            "--db", db, "deal", "add", "עסקה", "--value", "1,200.50", "--contact", "דנה", "--json"
        ),
        script.start("--db", str(home / "refused.db"), "deal", "add", "x", "--value", "1,2,3"),
        script.start("deal", "add", "via env", env={"PIPETUI_DB": str(home / "from-env.db")}),
    ]
    version, helped, added, refused, via_env = map(script.finish, first_wave)
    listed = script("deal", "list", "--json", "--db", db)
    return Installed(home, version, helped, added, listed, refused, via_env)


def test_the_installed_command_shows_its_version_and_help(installed: Installed) -> None:
    version, helped = installed.version, installed.helped
    assert (version.code, version.out, version.err) == (0, f"pipetui {pipetui.__version__}\n", "")
    assert helped.code == 0 and helped.err == ""
    assert helped.out.startswith("usage: pipetui")
    for command in ("deal", "contact", "touch", "followup", "pipeline", "backup", "--db"):
        assert command in helped.out


def test_the_installed_command_adds_and_lists_a_deal(installed: Installed) -> None:
    added, listed = installed.added, installed.listed
    assert (added.code, added.err) == (0, "")
    deal = json.loads(added.out)
    assert deal["value"] == {"amount": "1200.50", "currency": "USD"}
    assert (deal["title"], deal["contact"]["name"], deal["created_at"]) == ("עסקה", "דנה", NOW)
    assert (listed.code, listed.err) == (0, "")
    assert json.loads(listed.out) == [deal]


def test_the_installed_command_refuses_a_bad_value_in_one_line(
    installed: Installed, cli: Cli
) -> None:
    refused = installed.refused
    assert refused.code == 2
    assert refused.out == ""
    assert refused.err.count("\n") == 1
    assert refused.err.startswith(f"{ERROR_PREFIX}value: ")
    assert cli.json("deal", "list", "--all", "--db", str(installed.home / "refused.db")) == []


def test_the_installed_command_uses_pipetui_db_without_db(installed: Installed, cli: Cli) -> None:
    assert (installed.via_env.code, installed.via_env.err) == (0, "")
    from_env = installed.home / "from-env.db"
    assert from_env.is_file()
    assert [d["title"] for d in cli.json("deal", "list", "--db", str(from_env))] == ["via env"]
    assert not (installed.home / "xdg-data" / "pipetui").exists()


# --- where the database comes from (in-process) --------------------------------


def test_db_beats_pipetui_db(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIPETUI_DB", str(tmp_path / "env.db"))
    cli.add_deal("on --db")
    assert not (tmp_path / "env.db").exists()
    from_env = cli("deal", "add", "on env", db=False)
    assert from_env.code == 0, from_env.err
    assert [d["title"] for d in cli.json("deal", "list")] == ["on --db"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="XDG paths are Linux's")
def test_without_db_or_pipetui_db_the_user_data_dir_is_used(cli: Cli, tmp_path: Path) -> None:
    result = cli("deal", "add", "default place", db=False)
    assert result.code == 0, result.err
    default = tmp_path / "xdg-data" / "pipetui" / "pipetui.db"
    assert default.is_file()
    assert stat.S_IMODE(default.parent.stat().st_mode) == 0o700
    assert [d["title"] for d in cli.json("deal", "list", "--db", str(default))] == ["default place"]


def test_db_may_be_an_sqlalchemy_url(cli: Cli, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'url.db'}"
    assert cli.json("deal", "add", "by url", "--db", url)["title"] == "by url"
    assert (tmp_path / "url.db").is_file()


# --- settings file (PIPETUI_CONFIG) ---------------------------------------------


def write_config(tmp_path: Path, text: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("PIPETUI_CONFIG", str(path))
    return path


def test_the_default_currency_comes_from_the_settings_file(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_config(tmp_path, 'default_currency = "EUR"\n', monkeypatch)
    assert cli.add_deal("x", "--value", "5")["value"] == {"amount": "5.00", "currency": "EUR"}
    # A symbol or code typed with the amount still wins.
    assert cli.add_deal("y", "--value", "$5")["value"]["currency"] == "USD"
    assert cli.add_deal("z", "--value", "5", "--currency", "ILS")["value"]["currency"] == "ILS"


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ('default_currency = "EUR\n', "not valid TOML"),
        ('colour = "blue"\n', "colour (line 1): unknown setting"),
        ("qualified_score = 12\n", "qualified_score (line 1): unknown setting"),
        ("[bant]\nqualified_score = 12\n", "bant.qualified_score (line 2)"),
        ('[bant]\ndisqualify_on = ["mood"]\n', "bant.disqualify_on"),
        ('default_currency = "XYZ"\n', "default_currency (line 1): unknown currency"),
        ("default_currency = 5\n", "default_currency"),
    ],
)
def test_a_malformed_settings_file_exits_2_naming_the_key(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, named: str
) -> None:
    cli.add_deal("before")  # with no settings file
    path = write_config(tmp_path, text, monkeypatch)
    result = cli("deal", "add", "x", "--value", "5")
    assert result.code == 2, result
    assert result.out == ""
    assert len(result.err_lines) == 1, result.err
    assert result.err.startswith(f"{ERROR_PREFIX}{path}: ")
    assert named in result.err
    monkeypatch.setenv("PIPETUI_CONFIG", str(tmp_path / "none.toml"))
    assert [d["title"] for d in cli.json("deal", "list")] == ["before"]


# --- backup ----------------------------------------------------------------------


@pytest.mark.sqlite_only("an SQLite copy (a server's backups: test_cli_backup_server.py)")
def test_a_backup_is_a_private_sqlite_file_with_the_same_deals(cli: Cli, tmp_path: Path) -> None:
    cli.add_deal("Acme", "--value", "₪1,200", "--contact", "דנה")
    cli.add_deal("Globex", "--stage", "Proposal")
    cli.ok("deal", "won", "2")
    dest = tmp_path / "backups" / "copy.db"
    dest.parent.mkdir()

    out = cli.ok("backup", str(dest)).out
    assert str(dest) in out

    assert stat.S_IMODE(dest.stat().st_mode) == 0o600
    with sqlite3.connect(dest) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        titles = sorted(row[0] for row in conn.execute("SELECT title FROM deal"))
    conn.close()
    assert titles == ["Acme", "Globex"]
    copy = Cli(dest)
    assert copy.state() == cli.state()


def test_a_backup_never_overwrites_a_file(cli: Cli, tmp_path: Path) -> None:
    cli.add_deal("Acme")
    dest = tmp_path / "precious.db"
    dest.write_bytes(b"do not touch")
    with cli.unchanged():
        message = cli.fails("backup", str(dest), field="dest")
    assert "exists" in message
    assert dest.read_bytes() == b"do not touch"


@pytest.mark.sqlite_only("beside a file (a server's go to the user data directory)")
def test_a_backup_without_dest_goes_beside_the_database(cli: Cli, tmp_path: Path) -> None:
    cli.add_deal("Acme")
    cli.ok("backup")
    [copy] = tmp_path.glob("p-backup-*.db")
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    into_dir = tmp_path / "dir"
    into_dir.mkdir()
    cli.ok("backup", str(into_dir))
    assert len(list(into_dir.glob("p-backup-*.db"))) == 1


# --- demo data -------------------------------------------------------------------


def test_demo_fills_an_empty_database_once(cli: Cli) -> None:
    loaded = cli.ok("demo")
    assert loaded.out.startswith("Loaded demo data")
    deals = cli.json("deal", "list", "--all")
    contacts = cli.json("contact", "list")
    assert deals and contacts
    assert {d["status"] for d in deals} == {"open", "won", "lost"}

    # (Not cli.unchanged(): showing every demo deal one by one takes seconds.)
    again = cli("demo")
    assert again.code == 2, again
    assert len(again.err_lines) == 1, again.err
    assert again.err.startswith(ERROR_PREFIX)
    assert "--force" in again.err
    cli.fails("demo", "--deals", "many", field="deals")
    assert cli.json("deal", "list", "--all") == deals
    assert cli.json("contact", "list") == contacts
