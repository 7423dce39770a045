"""`pipetui backup` on PostgreSQL: a pg_dump (one consistent snapshot) that
pg_restore puts back row for row; without pg_dump, pipetui's JSON export read
in one REPEATABLE READ, READ ONLY transaction, which `pipetui import` puts back
into an empty database with the same figures. Either way a new 0600 file, a
name that exists is refused, the password never on pg_dump's command line, and
the output says which kind was written and how to restore it."""

from __future__ import annotations

import os
import stat
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from cli_harness import ERROR_PREFIX, Cli, table_dump
from sqlalchemy.engine import make_url

from pipetui.services import backup as backup_service
from pipetui.services import clock
from pipetui.store import database as database_module
from pipetui.store import light as light_module
from pipetui.store import migrations
from pipetui.store.database import Database, open_database

SERVER = pytest.mark.postgresql_only("pg_dump and its fallback are the server's backups")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def restored(pg_server: Any) -> Iterator[Callable[[Path], str]]:
    """pg_restore a dump into a new empty database of the test server; its URL."""
    made: list[str] = []

    def restore(dump: Path) -> str:
        name = pg_server.new_database("restored")
        made.append(name)
        done = subprocess.run(
            [
                "pg_restore",
                "--no-owner",
                "--exit-on-error",
                f"--dbname={pg_server.dsn(name)}",
                dump,
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return str(pg_server.url(name))

    yield restore
    for name in made:
        pg_server.drop_database(name)


@pytest.fixture
def no_pg_dump(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A PATH without pg_dump (the backup runs in-process: nothing else needs PATH)."""
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))


def _fake_tools(folder: Path, pg_dump: str) -> None:
    """A pg_dump (shell script body `pg_dump`) and a pg_restore that accepts anything."""
    folder.mkdir()
    for name, body in (("pg_dump", pg_dump), ("pg_restore", "exit 0")):
        script = folder / name
        script.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
        script.chmod(0o755)


def _funnel(cli: Cli) -> Any:
    return cli.json("report", "funnel")


# -- with pg_dump ---------------------------------------------------------------------


@SERVER
def test_a_server_backup_is_a_pg_dump_that_restores_the_same_rows(
    cli: Cli, tmp_path: Path, restored: Callable[[Path], str]
) -> None:
    cli.ok("demo")
    dest = tmp_path / "team.dump"

    out = cli.ok("backup", str(dest)).out

    assert out.splitlines() == [
        f"Backed up to {dest} (pg_dump custom format, one consistent snapshot)",
        "To restore: create an empty database, then "
        f"pg_restore --no-owner --dbname=NEW_DATABASE {dest}",
    ]
    assert _mode(dest) == 0o600
    assert dest.read_bytes().startswith(b"PGDMP")
    copy = Cli(restored(dest))
    assert table_dump(copy.db) == table_dump(cli.db)  # every row, versions included
    assert _funnel(copy) == _funnel(cli)
    assert copy.state() == cli.state()


@SERVER
def test_without_dest_a_server_backup_goes_to_the_user_backup_directory(
    cli: Cli, tmp_path: Path
) -> None:
    cli.add_deal("Acme")
    cli.ok("backup")
    folder = tmp_path / "xdg-data" / "pipetui" / "backups"  # (isolated_env's XDG_DATA_HOME)
    [made] = folder.glob("t_*-backup-*.dump")
    assert _mode(made) == 0o600
    assert _mode(folder) == 0o700
    into = tmp_path / "into"
    into.mkdir()
    cli.ok("backup", str(into))
    assert len(list(into.glob("t_*-backup-*.dump"))) == 1


@SERVER
def test_the_password_goes_to_pg_dump_in_its_environment_not_its_command_line(
    pg_server: Any,
    new_target: Callable[[str], str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = new_target("p")
    role = f"{pg_server.role}@"
    with_password = url.replace(role, f"{pg_server.role}:s3cr%20t@", 1)  # (trust: accepted)
    assert with_password != url
    seen = tmp_path / "seen"
    _fake_tools(
        tmp_path / "bin",
        f'printf "%s\\n" "$@" > {seen}.args\nprintf "%s" "$PGPASSWORD" > {seen}.env\n'
        'printf "PGDMP fake"',
    )
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}:{os.environ['PATH']}")
    dest = tmp_path / "p.dump"

    Cli(with_password).ok("backup", str(dest))

    args = Path(f"{seen}.args").read_text(encoding="utf-8").splitlines()
    assert "s3cr" not in " ".join(args)
    assert Path(f"{seen}.env").read_text(encoding="utf-8") == "s3cr t"
    assert args[:2] == ["--format=custom", "--no-password"]
    [dbname] = [a for a in args if a.startswith("--dbname=")]
    assert f"dbname={make_url(url).database}" in dbname
    assert f"host={pg_server.socket_dir}" in dbname
    assert dest.read_bytes() == b"PGDMP fake"
    assert _mode(dest) == 0o600


@SERVER
def test_a_failing_pg_dump_leaves_no_file_and_says_why(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli.add_deal("Acme")
    _fake_tools(
        tmp_path / "bin",
        'printf "half a dump"\n'
        'echo "pg_dump: error: aborting because of server version mismatch" >&2\nexit 1',
    )
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}:{os.environ['PATH']}")
    dest = tmp_path / "team.dump"

    with cli.unchanged():
        result = cli("backup", str(dest))

    assert result.code == 1
    assert result.out == ""
    assert result.err_lines == [
        f"{ERROR_PREFIX}backup failed, nothing was written: pg_dump failed: "
        "pg_dump: error: aborting because of server version mismatch"
    ]
    assert not dest.exists()


# -- without pg_dump: the JSON export ---------------------------------------------------


@SERVER
def test_without_pg_dump_the_backup_is_a_json_export_that_imports_into_an_empty_database(
    cli: Cli, tmp_path: Path, new_target: Callable[[str], str], no_pg_dump: None
) -> None:
    cli.ok("demo")
    dest = tmp_path / "team.json"

    out = cli.ok("backup", str(dest)).out

    assert out.splitlines() == [
        f"Backed up to {dest} (pipetui JSON export, one consistent snapshot; "
        "pg_dump was not found on PATH)",
        f"To restore: pipetui --db NEW_EMPTY_DATABASE import {dest}",
    ]
    assert _mode(dest) == 0o600
    copy = Cli(new_target("copy"))
    copy.ok("import", str(dest))
    assert _funnel(copy) == _funnel(cli)
    assert table_dump(copy.db, versions=False) == table_dump(cli.db, versions=False)


@SERVER
def test_the_json_backup_reads_everything_in_one_repeatable_read_read_only_transaction(
    cli: Cli, tmp_path: Path, no_pg_dump: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli.ok("demo")
    db = open_database(str(cli.db), now=clock.now())
    opened: list[tuple[str, str]] = []
    real_read = Database.read

    @contextmanager
    def read(self: Database) -> Iterator[Any]:
        with real_read(self) as conn:
            opened.append(
                (
                    conn.exec_driver_sql("SHOW transaction_isolation").scalar(),
                    conn.exec_driver_sql("SHOW transaction_read_only").scalar(),
                )
            )
            yield conn

    monkeypatch.setattr(Database, "read", read)
    try:
        made = backup_service.back_up(db, tmp_path / "one.json")
    finally:
        db.dispose()
    assert made.kind == "json"
    assert opened == [("repeatable read", "on")]


def test_a_backup_never_replaces_a_file(cli: Cli, tmp_path: Path) -> None:
    _refuses_an_existing_name(cli, tmp_path)


@SERVER
def test_a_json_backup_never_replaces_a_file(cli: Cli, tmp_path: Path, no_pg_dump: None) -> None:
    _refuses_an_existing_name(cli, tmp_path)


def _refuses_an_existing_name(cli: Cli, tmp_path: Path) -> None:
    cli.add_deal("Acme")
    dest = tmp_path / "precious.dump"
    dest.write_bytes(b"do not touch")
    dest.chmod(0o644)

    with cli.unchanged():
        message = cli.fails("backup", str(dest), field="dest")

    assert message == f"{dest} exists; choose another name"
    assert dest.read_bytes() == b"do not touch"
    assert _mode(dest) == 0o644


# -- before a schema upgrade ---------------------------------------------------------------


@SERVER
def test_an_upgrade_that_cannot_back_up_first_is_refused_saying_why(
    cli: Cli, no_pg_dump: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli.add_deal("Acme")
    before = table_dump(cli.db)
    monkeypatch.setattr(
        database_module,
        "prepare_schema",
        partial(
            migrations.prepare_schema,
            steps={migrations.LATEST + 1: _never},
            latest=migrations.LATEST + 1,
        ),
    )
    # (and for the light reader, which reads an up-to-date database alone)
    monkeypatch.setattr(light_module, "LATEST", migrations.LATEST + 1)

    result = cli("deal", "list")

    assert (result.code, result.out) == (1, "")
    [line] = result.err_lines
    assert line.startswith(ERROR_PREFIX)
    assert f"is at schema version {migrations.LATEST} and this pipetui needs version" in line
    assert "backup failed: pg_dump is not on PATH; install the PostgreSQL client tools" in line
    assert line.endswith("The database was not changed")
    assert table_dump(cli.db) == before


def _never(conn: object) -> None:
    raise AssertionError("a step ran without a backup first")
