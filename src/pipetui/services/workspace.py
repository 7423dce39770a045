"""A workspace: the database plus the user's settings, what every use case needs.

The TUI opens an up-to-date SQLite file with the light reader first
(`pipetui.store.light`) and the full store only when something needs it, in a
worker, so its first frame does not wait for SQLModel and SQLAlchemy to import.

Opening also makes the user's own database file private, and a database this
user cannot write goes the full way, read-only (the light reader would leave a
read-only -shm behind that blocks later writes): see `pipetui.store.db_files`.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from pipetui.services import clock, locations
from pipetui.services.settings import Settings, load_settings
from pipetui.store import db_files
from pipetui.store.light import LightReader, open_light
from pipetui.store.rows import RowSource

if TYPE_CHECKING:
    from pipetui.store.database import Database


class Workspace:
    """The database and settings one pipetui process works with."""

    def __init__(
        self,
        db: Database | None,
        settings: Settings,
        *,
        target: str | None = None,
        reader: LightReader | None = None,
        warnings: list[str] | None = None,
    ) -> None:
        if db is None and target is None:
            raise ValueError("a workspace needs an open database or a target to open")
        self._db = db
        self._target = target
        self._reader = reader
        self._lock = threading.Lock()
        self.settings = settings
        self.warnings: list[str] = list(warnings or []) + (db.warnings if db else [])
        """What opening the database changed or found, for the user to hear
        once (e.g. a 0644 file made private): the CLI prints each on stderr
        before the command's output; the TUI cannot print while it runs."""

    @property
    def db(self) -> Database:
        """The full store, opened on first use (the import is the slow part)."""
        with self._lock:
            if self._db is None:
                from pipetui.store.database import open_database  # deferred on purpose

                assert self._target is not None
                self._db = open_database(self._target, now=clock.now())
            return self._db

    @property
    def reads(self) -> RowSource:
        """Where plain-SQL reads go: the light reader if there is one."""
        return self._reader if self._reader is not None else self.db

    def data_version(self) -> int | None:
        """Changes when another process commits (None if the engine cannot say)."""
        if self._reader is not None:
            return self._reader.data_version()
        return self.db.data_version()

    def close(self) -> None:
        """Release the database's connections."""
        if self._reader is not None:
            self._reader.close()
        if self._db is not None:
            self._db.dispose()


def open_workspace(
    db: str | None = None, *, config: Path | None = None, warnings: list[str] | None = None
) -> Workspace:
    """Open the database (`--db`, PIPETUI_DB or the default file) and the settings."""
    from pipetui.store.database import open_database

    settings = load_settings(config or locations.config_file())
    database = open_database(locations.database_target(db), now=clock.now())
    return Workspace(database, settings, warnings=warnings)


def open_workspace_for_tui(db: str | None = None, *, config: Path | None = None) -> Workspace:
    """Like `open_workspace`, but an up-to-date SQLite file is read through the
    light reader and the full store opens later; anything else (a new file, one
    to migrate, another engine) is opened the full way now."""
    settings = load_settings(config or locations.config_file())
    target = locations.database_target(db)
    warnings: list[str] = []
    if "://" not in target:
        path = Path(target).expanduser().resolve()
        warnings = db_files.make_private(path)
        if path.is_file() and db_files.write_refusal(path) is None:
            reader = open_light(path)
            if reader is not None:
                return Workspace(None, settings, target=target, reader=reader, warnings=warnings)
    return open_workspace(db, config=config, warnings=warnings)
