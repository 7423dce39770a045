"""The database file on disk: a file from before pipetui made its files private
is made private (saying so once); a read-only database is read without leaving
files behind that break later writes, and writing to it says why it cannot;
a writer kept waiting by a long import is told what holds the lock."""

from __future__ import annotations

import json
import os
import pwd
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

from pipetui.domain.money import Money
from pipetui.services import deals as deal_service
from pipetui.services.workspace import open_workspace
from pipetui.store import db_files
from pipetui.store import engine as engines
from pipetui.store.database import open_database

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
SCENARIO = Path(__file__).with_name("read_only_scenario.py")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def old_database(tmp_path: Path) -> Path:
    """A database written before pipetui kept its files private: 0644, with a
    0644 -wal and -shm (left by a program that stopped without cleaning up)."""
    path = tmp_path / "old.db"
    open_database(str(path), now=NOW).dispose()
    for suffix in ("", "-wal", "-shm"):
        file = db_files.sidecar(path, suffix)
        file.touch()
        file.chmod(0o644)
    return path


# -- file modes --------------------------------------------------------------------


def test_an_old_world_readable_database_is_made_private_and_said_once(old_database: Path) -> None:
    db = open_database(str(old_database), now=NOW)
    try:
        assert {p.name: _mode(p) for p in old_database.parent.glob("old.db*")} == {
            "old.db": 0o600,
            "old.db-wal": 0o600,
            "old.db-shm": 0o600,
        }
    finally:
        db.dispose()
    assert db.warnings == [
        f"db: {old_database} could be read by other users; made it private: "
        "old.db 0644 -> 0600, old.db-wal 0644 -> 0600, old.db-shm 0644 -> 0600"
    ]
    again = open_database(str(old_database), now=NOW)
    again.dispose()
    assert again.warnings == []


def test_the_workspace_the_cli_opens_carries_the_warning(old_database: Path) -> None:
    """The CLI opens through the light reader first: the file is made private
    before SQLite touches it, and the warning waits on the workspace."""
    workspace = open_workspace(str(old_database))
    try:
        assert len(workspace.warnings) == 1
        assert "could be read by other users" in workspace.warnings[0]
        assert _mode(old_database) == 0o600
    finally:
        workspace.close()


def test_a_shm_left_read_only_by_an_older_read_is_made_writable_again(tmp_path: Path) -> None:
    """An older pipetui reading a 0400 database left a 0400 -shm and -wal; once
    the user made the database 0600 again, every write failed on them."""
    path = tmp_path / "sales.db"
    open_database(str(path), now=NOW).dispose()
    for suffix in ("-wal", "-shm"):
        db_files.sidecar(path, suffix).touch(mode=0o400)
        db_files.sidecar(path, suffix).chmod(0o400)

    warnings = db_files.make_private(path)

    assert _mode(db_files.sidecar(path, "-shm")) == _mode(db_files.sidecar(path, "-wal")) == 0o600
    assert warnings == [
        f"db: {path}: made writable again what an earlier read-only use left read-only: "
        "sales.db-wal 0400 -> 0600, sales.db-shm 0400 -> 0600"
    ]


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another user needs root")
def test_a_database_of_another_user_is_left_alone(old_database: Path) -> None:
    nobody = pwd.getpwnam("nobody")
    for file in old_database.parent.glob("old.db*"):
        os.chown(file, nobody.pw_uid, nobody.pw_gid)

    db = open_database(str(old_database), now=NOW)
    db.dispose()

    assert db.warnings == []
    assert {_mode(p) for p in old_database.parent.glob("old.db*")} == {0o644}


# -- read-only databases -------------------------------------------------------------


def test_a_read_only_database_is_opened_without_locks_unless_a_writer_is_there(
    tmp_path: Path,
) -> None:
    """No -wal and -shm: immutable (a plain or even a mode=ro read would create
    them with the database's 0400 mode). Both there: mode=ro, to follow the
    writer through them. Odd characters in the path are escaped."""
    path = tmp_path / "sales 100% #1?.db"
    path.touch()
    escaped = f"file:{str(tmp_path).replace('%', '%25')}/sales%20100%25%20%231%3F.db"

    assert db_files.read_only_uri(path) == f"{escaped}?mode=ro&immutable=1"
    db_files.sidecar(path, "-wal").touch()
    assert db_files.read_only_uri(path) == f"{escaped}?mode=ro&immutable=1"
    db_files.sidecar(path, "-shm").touch()
    assert db_files.read_only_uri(path) == f"{escaped}?mode=ro"


def _unprivileged() -> list[str] | None:
    """How to run a command as a user that file modes apply to: as is when this
    is not root; as `nobody` through setpriv when it is; None if neither."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    try:
        nobody = pwd.getpwnam("nobody")
    except KeyError:
        return None
    if setpriv is None:
        return None
    return [setpriv, f"--reuid={nobody.pw_uid}", f"--regid={nobody.pw_gid}", "--clear-groups"]


@pytest.fixture
def shared_folder() -> Iterator[Path]:
    """A folder the unprivileged user owns (pytest's tmp_path is root's alone)."""
    folder = Path(tempfile.mkdtemp(prefix="pipetui-ro-"))
    if os.geteuid() == 0:
        nobody = pwd.getpwnam("nobody")
        os.chown(folder, nobody.pw_uid, nobody.pw_gid)
    try:
        yield folder
    finally:
        for root, dirs, _files in os.walk(folder):
            for name in dirs:
                os.chmod(os.path.join(root, name), 0o700)
        shutil.rmtree(folder)


def test_a_read_only_database_reads_exports_and_refuses_writes_saying_why(
    shared_folder: Path,
) -> None:
    """A user's session (read_only_scenario.py) with file modes that apply."""
    prefix = _unprivileged()
    if prefix is None:
        pytest.skip("running as root with no setpriv or no `nobody` user: modes cannot be tested")
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PIPETUI_NOW": NOW.isoformat(),
        "PIPETUI_CONFIG": str(shared_folder / "none.toml"),
        "HOME": str(shared_folder),
        "XDG_DATA_HOME": str(shared_folder / "xdg-data"),
        "XDG_CONFIG_HOME": str(shared_folder / "xdg-config"),
        "PYTHONPATH": os.pathsep.join(p for p in sys.path if p),
    }
    done = subprocess.run(
        [*prefix, sys.executable, str(SCENARIO), str(shared_folder)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    steps = {step["step"]: step for step in map(json.loads, done.stdout.splitlines())}
    db = shared_folder / "data" / "sales.db"

    def ok(name: str) -> dict[str, Any]:
        step = steps[name]
        assert (step["code"], step["err"]) == (0, ""), step
        return step

    def titles(name: str) -> list[str]:
        return sorted(deal["title"] for deal in json.loads(ok(name)["out"]))

    assert titles("list 0400") == ["First"]
    assert ok("list 0400")["files"] == {"sales.db": "0400"}  # nothing left behind
    assert "Prospecting" in ok("report 0400")["out"]
    assert ok("export 0400")["files"] == {"sales.db": "0400"}
    assert steps["add 0400"]["code"] == 2
    assert steps["add 0400"]["err"] == (
        f"pipetui: error: db: the database is read-only ({db}): "
        "the file is not writable by you (mode 0400)\n"
    )
    ok("add after chmod 600")
    assert titles("list read-only folder") == ["First", "Third"]
    ok("export read-only folder")
    assert steps["add read-only folder"]["code"] == 2
    assert steps["add read-only folder"]["err"] == (
        f"pipetui: error: db: the database is read-only ({db}): its folder {db.parent} "
        "is not writable by you, and SQLite must create its -wal and -shm files there "
        "to write\n"
    )
    ok("add after chmod 700")
    # The other program's last commit is still only in its -wal: read through it.
    assert titles("list 0400 while another writes") == ["Fifth", "Renamed", "Third"]
    last = ok("add at the end")
    assert set(last["files"].values()) == {"0600"}
    exported = json.loads((shared_folder / "a.json").read_text(encoding="utf-8"))
    assert exported


# -- a writer kept waiting ------------------------------------------------------------


def test_a_writer_kept_waiting_by_an_import_is_told_what_holds_the_lock(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    importer = open_database(str(db_path), now=NOW)
    monkeypatch.setattr(engines, "BUSY_TIMEOUT_MS", 100)
    other = open_database(str(db_path), now=NOW)
    try:
        with importer.write(holding="importing deals.csv (20,000 rows)"):
            assert db_files.holder_note(db_path).exists()
            assert _mode(db_files.holder_note(db_path)) == 0o600
            with pytest.raises(OperationalError) as refused:
                deal_service.add_deal(other, title="Walk-in", value=Money(100, "USD"))
        assert not db_files.holder_note(db_path).exists()
        message = str(refused.value.orig)
        assert message.startswith(
            "database is locked: another pipetui is importing deals.csv (20,000 rows) "
            f"in process {os.getpid()}, for 0 s now (since "
        )
        assert message.endswith("); gave up after waiting 0.1 s, try again when it has finished")
        deal_service.add_deal(other, title="Walk-in", value=Money(100, "USD"))  # now it can
    finally:
        importer.dispose()
        other.dispose()


def test_a_note_left_by_a_process_that_died_is_ignored(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    importer = open_database(str(db_path), now=NOW)
    monkeypatch.setattr(engines, "BUSY_TIMEOUT_MS", 100)
    other = open_database(str(db_path), now=NOW)
    try:
        with importer.write():
            db_files.holder_note(db_path).write_text(
                json.dumps({"pid": gone.pid, "host": os.uname().nodename, "what": "x", "since": 0})
            )
            with pytest.raises(OperationalError) as refused:
                deal_service.add_deal(other, title="Walk-in", value=Money(100, "USD"))
        assert str(refused.value.orig) == "database is locked"
    finally:
        importer.dispose()
        other.dispose()
