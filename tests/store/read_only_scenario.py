"""A user's session with a read-only database, run by `test_store_read_only.py`
as an unprivileged user (root writes through any file mode, so the modes
would prove nothing as root): `python read_only_scenario.py FOLDER` prints one
JSON object per step (the command, its exit status, stdout, stderr and the
files in the database's folder with their modes).

Every command goes through `pipetui.cli.main`, as the user types it."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import stat
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

from pipetui.cli import main


def files(folder: Path) -> dict[str, str]:
    """The files in the folder, by name, with their modes in octal."""
    return {p.name: f"{stat.S_IMODE(p.stat().st_mode):04o}" for p in sorted(folder.iterdir())}


def run(step: str, folder: Path, *argv: str) -> None:
    """Run one command and print what it did."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["--db", str(folder / "sales.db"), *argv])
    found = {"step": step, "code": code, "out": out.getvalue(), "err": err.getvalue()}
    print(json.dumps({**found, "files": files(folder)}), flush=True)


def scenario(base: Path) -> None:
    """The steps; see test_store_read_only.py for what each must do."""
    folder = base / "data"
    folder.mkdir(mode=0o700)
    db = folder / "sales.db"
    run("first deal", folder, "deal", "add", "First", "--value", "100")
    db.chmod(0o400)
    run("list 0400", folder, "deal", "list", "--json")
    run("report 0400", folder, "report", "funnel")
    export = ("export", "--format", "json", "--out")
    run("export 0400", folder, *export, str(base / "a.json"))
    run("add 0400", folder, "deal", "add", "Second")
    db.chmod(0o600)
    run("add after chmod 600", folder, "deal", "add", "Third")
    folder.chmod(0o500)
    run("list read-only folder", folder, "deal", "list", "--json")
    run("export read-only folder", folder, *export, str(base / "b.json"))
    run("add read-only folder", folder, "deal", "add", "Fourth")
    folder.chmod(0o700)
    run("add after chmod 700", folder, "deal", "add", "Fifth")
    # Another program is writing (its -wal and -shm are there, with a commit
    # not yet copied into the file) when the file becomes read-only.
    writer = sqlite3.connect(db, isolation_level=None)
    writer.execute("PRAGMA wal_autocheckpoint = 0")
    writer.execute("UPDATE deal SET title = 'Renamed' WHERE title = 'First'")
    db.chmod(0o400)
    run("list 0400 while another writes", folder, "deal", "list", "--json")
    writer.close()
    db.chmod(0o600)
    run("add at the end", folder, "deal", "add", "Last")


if __name__ == "__main__":
    os.umask(0o022)
    scenario(Path(sys.argv[1]))
