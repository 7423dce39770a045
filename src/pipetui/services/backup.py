"""`pipetui backup`: a consistent copy of the database, of the best kind the
engine and the machine allow, and how to put it back.

- ``sqlite`` (an SQLite file): SQLite's online backup, integrity-checked;
  restore by using the copy as ``--db``.
- ``pg_dump`` (PostgreSQL, pg_dump on PATH): ``pg_dump --format=custom``, one
  snapshot by design; restore with ``pg_restore`` into an empty database.
- ``json`` (PostgreSQL, no pg_dump): pipetui's full JSON export, read in ONE
  REPEATABLE READ, READ ONLY transaction; restore with ``pipetui import`` into
  an empty database.

Every kind writes a new file (O_EXCL, never through a symlink), 0600, and
leaves none behind when it fails.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

from pipetui.store import backups
from pipetui.store.database import Database

Kind = Literal["sqlite", "pg_dump", "json"]

BackupError = backups.BackupError


@dataclass(frozen=True, slots=True)
class Backup:
    """A backup written: where, and which kind (see the module doc)."""

    path: Path
    kind: Kind

    def lines(self) -> list[str]:
        """What to tell the user: what was written and how to restore it."""
        where = str(self.path)
        if self.kind == "sqlite":
            return [
                f"Backed up to {where} (SQLite copy, integrity check: ok)",
                f"To restore: use it as the database (pipetui --db {where}) or copy it "
                "over the database file while no pipetui has it open",
            ]
        if self.kind == "pg_dump":
            return [
                f"Backed up to {where} (pg_dump custom format, one consistent snapshot)",
                "To restore: create an empty database, then "
                f"pg_restore --no-owner --dbname=NEW_DATABASE {where}",
            ]
        return [
            f"Backed up to {where} (pipetui JSON export, one consistent snapshot; "
            "pg_dump was not found on PATH)",
            f"To restore: pipetui --db NEW_EMPTY_DATABASE import {where}",
        ]


def kind_for(db: Database) -> Kind:
    """The kind of backup `back_up` writes for this database, on this machine."""
    if db.path is not None:
        return "sqlite"
    return "pg_dump" if backups.pg_dump_path() is not None else "json"


def default_destination(db: Database, now: datetime) -> Path:
    """Where a backup goes when no DEST is given: beside an SQLite file; for a
    server database, in <user data dir>/backups (a server has no "beside")."""
    return default_folder(db) / default_name(db, now)


def default_folder(db: Database) -> Path:
    """Beside an SQLite file, else the user's backup directory (created 0700)."""
    path = db.path
    return path.parent if path is not None else backups.backup_dir()


def default_name(db: Database, now: datetime) -> str:
    """<database>-backup-<local time>.<db|dump|json>."""
    path = db.path
    stem = path.stem if path is not None else db.engine.url.database or "postgres"
    suffix = {"sqlite": "db", "pg_dump": "dump", "json": "json"}[kind_for(db)]
    stamp = f"{now.astimezone():%Y%m%d-%H%M%S}"
    return f"{backups.file_name_part(stem)}-backup-{stamp}.{suffix}"


def back_up(db: Database, destination: Path) -> Backup:
    """Write a new backup file at `destination` (`FileExistsError` if the name
    is taken, `BackupError` if pg_dump fails)."""
    kind = kind_for(db)
    if kind == "json":
        _json_backup(db, destination)
    else:
        db.backup_to(destination)
    return Backup(destination, kind)


def _json_backup(db: Database, destination: Path) -> None:
    from pipetui.services.transfer import write_json  # (only a server without pg_dump)

    handle = backups.new_private_file(destination)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            write_json(db, "all", out)  # one read transaction: one snapshot
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        destination.unlink(missing_ok=True)
        raise
