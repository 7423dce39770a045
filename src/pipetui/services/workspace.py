"""A workspace: the database plus the user's settings, what every use case needs.

`open_workspace` (the TUI's and the CLI's one way in) opens an up-to-date
SQLite file with the light reader first (`pipetui.store.light`), an up-to-date
PostgreSQL database with psycopg alone (`pipetui.store.light_server`), and the
full store only when something needs it: the TUI then opens it in a worker, so
its first frame does not wait for SQLModel and SQLAlchemy to import, and a CLI
read like `deal list` never imports them at all.

Opening also makes the user's own database file private, and a database this
user cannot write goes the full way, read-only (the light reader would leave a
read-only -shm behind that blocks later writes): see `pipetui.store.db_files`.

Who works (`Workspace.user`, recorded in every history row and the owner of
new deals): `--as NAME`, else PIPETUI_USER, else the database role on a
server and the login name on SQLite (`pipetui.store.actor.default_user`).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from pipetui.domain.users import check_user_name
from pipetui.services import clock, locations
from pipetui.services.settings import Settings, load_settings
from pipetui.store import db_files
from pipetui.store.actor import login_name
from pipetui.store.light import LightReader, open_light
from pipetui.store.light_server import ServerReader, is_server_url, open_light_server
from pipetui.store.rows import RowSource

if TYPE_CHECKING:
    from pipetui.store.database import Database

USER_ENV = "PIPETUI_USER"


def chosen_user(option: str | None) -> str | None:
    """Who the user said they are: `--as` (refused on `as` if it is no name),
    else PIPETUI_USER (refused on PIPETUI_USER; empty counts as unset); None
    when neither says, for the default to decide."""
    if option is not None:
        return check_user_name(option, field="as")
    from_env = os.environ.get(USER_ENV)
    if from_env:
        return check_user_name(from_env, field=USER_ENV)
    return None


class Workspace:
    """The database and settings one pipetui process works with."""

    def __init__(
        self,
        db: Database | None,
        settings: Settings,
        *,
        target: str | None = None,
        reader: LightReader | ServerReader | None = None,
        warnings: list[str] | None = None,
        user: str | None = None,
    ) -> None:
        if db is None and target is None:
            raise ValueError("a workspace needs an open database or a target to open")
        self._db = db
        self._target = target
        self._reader = reader
        self._user = user
        self._looked = False
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
                self._db = open_database(self._target, now=clock.now(), user=self._user)
            return self._db

    @property
    def user(self) -> str | None:
        """Who works here: the open database's user, else the one it will get
        (None: not known)."""
        if self._db is not None:
            return self._db.user
        return self._user

    @property
    def reads(self) -> RowSource:
        """Where plain-SQL reads go: the light reader if there is one."""
        return self._reader if self._reader is not None else self.db

    def data_version(self) -> int | None:
        """Changes when another process commits (None if the engine cannot say)."""
        if isinstance(self._reader, LightReader):
            return self._reader.data_version()
        if self._reader is not None and self._db is None:
            return None  # not yet: opening the full store here would delay the first frame
        version = self.db.data_version()
        if version is None or self._reader is None:
            return version
        # The first board came through the light reader, before the full store
        # listened for changes (its first look starts it): a change committed
        # in between would go unheard. So from the second look on, one change
        # more is counted: the board reads once more, right after it opened.
        if not self._looked:
            self._looked = True
            return version
        return version + 1

    @property
    def is_server(self) -> bool:
        """Whether the database is on a server (PostgreSQL): others' changes are
        then announced (NOTIFY), so watching for them costs no SQL. A server
        database's first board is read with psycopg alone (`open_workspace`)."""
        if isinstance(self._reader, ServerReader):
            return True
        return self._db is not None and self._db.is_server

    @property
    def counts_own_writes(self) -> bool:
        """Whether `data_version` also moves on this process's own writes
        (SQLite), so a window must note its own; on a server it never does."""
        return not self.is_server

    def close(self) -> None:
        """Release the database's connections."""
        if self._reader is not None:
            self._reader.close()
        if self._db is not None:
            self._db.dispose()


def open_workspace(
    db: str | None = None, *, config: Path | None = None, as_user: str | None = None
) -> Workspace:
    """Open the database (`--db`, PIPETUI_DB or the default file) and the
    settings, working as `as_user` (`--as`; see `chosen_user`).

    The TUI (for its first frame) and the CLI (for reads like `deal list`) both
    open this way: an up-to-date SQLite file or PostgreSQL database is read
    through a light reader (sqlite3 or psycopg alone) and the full store opens
    on first use of `Workspace.db`; anything else (a new file, one to migrate,
    another engine, any failure of the light reader) is opened the full way now.
    """
    user = chosen_user(as_user)  # (a bad name is refused before anything is opened)
    settings = load_settings(config or locations.config_file())
    target = locations.database_target(db, light=True)
    warnings: list[str] = []
    if is_server_url(target):
        server = open_light_server(target)
        if server is not None:
            return Workspace(None, settings, target=target, reader=server, user=user or server.role)
    if "://" not in target:
        path = Path(target).expanduser().resolve()
        warnings = db_files.make_private(path)
        if path.is_file() and db_files.write_refusal(path) is None:
            reader = open_light(path)
            if reader is not None:
                return Workspace(
                    None,
                    settings,
                    target=target,
                    reader=reader,
                    warnings=warnings,
                    user=user or login_name(),
                )
    return _open_full(db, config=config, warnings=warnings, as_user=as_user)


def _open_full(
    db: str | None = None,
    *,
    config: Path | None = None,
    warnings: list[str] | None = None,
    as_user: str | None = None,
) -> Workspace:
    """`open_workspace` the full way: the store (SQLModel, SQLAlchemy) now."""
    from pipetui.store.actor import default_user
    from pipetui.store.database import open_database

    user = chosen_user(as_user)
    settings = load_settings(config or locations.config_file())
    database = open_database(locations.database_target(db), now=clock.now(), user=user)
    if user is None:
        with database.read() as conn:
            database.user = default_user(conn)
    return Workspace(database, settings, warnings=warnings)
