"""Backups that need more than SQLite's online backup API: a PostgreSQL
database through `pg_dump`, and where pipetui keeps the backups it takes by
itself before a schema upgrade on a server.

- `pg_dump --format=custom` reads the whole database in one snapshot (it runs
  in one REPEATABLE READ transaction by design), so the copy is consistent
  while teammates keep writing; `pg_restore` puts it into an empty database.
- Connection parameters come from the URL (`pipetui.store.libpq`); the password
  goes to the child through its PGPASSWORD environment, never on its command
  line. Without one in the URL, libpq finds ~/.pgpass, PGPASSFILE or PGSERVICE
  as it would for psql. pg_dump never prompts (`--no-password`): pipetui may
  run with no terminal.
- Every backup file is created new (O_EXCL, never through a symlink) and 0600.

The backup directory is <user data dir>/backups, computed here with platformdirs
exactly as `pipetui.services.locations.data_dir` does (the store cannot import
the services), and created private (0700).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from sqlalchemy import Engine

from pipetui.store.libpq import libpq_params

APP = "pipetui"
"""platformdirs' application name: the same as `pipetui.services.locations.APP`."""
PG_DUMP_HINT = "install the PostgreSQL client tools (e.g. apt install postgresql-client)"
_STDERR_SHOWN = 600


class BackupError(RuntimeError):
    """A backup could not be made; the message says why, in the user's words."""


def new_private_file(destination: Path) -> int:
    """Create `destination` new and 0600, and return its descriptor (open for
    writing). O_EXCL refuses any existing name, a dangling symlink included: a
    backup never writes into someone else's file (`FileExistsError`)."""
    flags = os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0)
    return os.open(destination, flags, 0o600)


def backup_dir() -> Path:
    """<user data dir>/backups, created private (0700) if missing."""
    from platformdirs import user_data_path

    data = user_data_path(APP, appauthor=False)
    folder = data / "backups"
    for path in (data, folder):
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(path, 0o700)
    return folder


def file_name_part(name: str) -> str:
    """A database name made safe as part of a file name."""
    return re.sub(r"[^\w.-]", "_", name).lstrip(".") or "database"


def pg_dump_path() -> str | None:
    """The `pg_dump` found on PATH, or None."""
    return shutil.which("pg_dump")


def pg_dump_to(engine: Engine, destination: Path) -> Path:
    """Dump the engine's PostgreSQL database to a new 0600 file (custom format),
    then check that `pg_restore` can read it. Raises `BackupError` saying why
    not (no pg_dump, a refused connection, a pg_dump older than the server...);
    no file is left behind then."""
    pg_dump = pg_dump_path()
    if pg_dump is None:
        raise BackupError(f"pg_dump is not on PATH; {PG_DUMP_HINT}")
    params = libpq_params(engine)
    env = dict(os.environ)
    if params.password is not None:
        env["PGPASSWORD"] = params.password
    command = [
        pg_dump,
        "--format=custom",
        "--no-password",
        f"--dbname={params.conninfo()}",
    ]
    handle = new_private_file(destination)
    try:
        with os.fdopen(handle, "wb") as out:
            done = subprocess.run(
                command,
                stdout=out,
                stderr=subprocess.PIPE,
                stdin=subprocess.DEVNULL,
                env=env,
                check=False,
            )
            if done.returncode != 0:
                raise BackupError(f"pg_dump failed: {_last_words(done.stderr)}")
            out.flush()
            os.fsync(out.fileno())
        _check_readable(pg_dump, destination, env)
    except BaseException:
        destination.unlink(missing_ok=True)
        raise
    return destination


def _check_readable(pg_dump: str, dump: Path, env: dict[str, str]) -> None:
    """`pg_restore --list` reads the whole table of contents: a truncated or
    garbled file fails here, not on the day it is needed."""
    pg_restore = Path(pg_dump).with_name("pg_restore")
    found = str(pg_restore) if pg_restore.exists() else shutil.which("pg_restore")
    if found is None:
        return
    done = subprocess.run(
        [found, "--list", str(dump)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env=env,
        check=False,
    )
    if done.returncode != 0:
        raise BackupError(f"the dump does not read back: {_last_words(done.stderr)}")


def _last_words(stderr: bytes) -> str:
    text = " ".join(stderr.decode("utf-8", "replace").split())
    return (text[-_STDERR_SHOWN:] if text else "no message") or "no message"
