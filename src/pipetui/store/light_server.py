"""Reading an up-to-date PostgreSQL database through psycopg alone.

The SQLite counterpart of this is `pipetui.store.light`: at start-up the TUI
reads its first board through here, so the first frame does not wait for
SQLAlchemy and SQLModel to import (about 0.8 s with the PostgreSQL dialect:
2.3–2.9× the first frame of the same board on SQLite, at 1,000 to 100,000
deals); the full store opens in the background for everything else.

Only a database already at the current schema version is read this way, and
only a URL libpq itself reads the same way (``postgresql://``,
``postgres://``, ``postgresql+psycopg://``): anything else, or any failure
here, returns None and the caller opens the database the full way, which
checks the URL, says what is wrong, and creates or migrates.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from functools import lru_cache
from typing import Any

from pipetui.domain.users import found_user_name
from pipetui.store import light
from pipetui.store.rows import Rows

_SCHEMES = ("postgresql+psycopg://", "postgresql://", "postgres://")
_PARAMETER = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


def is_server_url(target: str) -> bool:
    """Whether `target` is a PostgreSQL URL that libpq reads as SQLAlchemy does."""
    return target.startswith(_SCHEMES)


@lru_cache(maxsize=256)
def driver_sql(sql: str) -> str:
    """Plain SQL with `:name` parameters (`pipetui.store.rows`) in psycopg's
    spelling, `%(name)s`, with a literal % doubled."""
    return _PARAMETER.sub(r"%(\1)s", sql.replace("%", "%%"))


class ServerReader:
    """Plain-SQL reads on one psycopg connection, shared by worker threads.

    A connection the server dropped (a restart, an administrator) is made
    again at the next read, as the full store's pool does (`pool_pre_ping`)."""

    is_server = True

    def __init__(self, conninfo: str, connection: Any, role: str | None) -> None:
        self._conninfo = conninfo
        self._connection = connection
        self._lock = threading.Lock()
        self.role = role
        """The database role this session reads as (`current_user`), as
        `pipetui.store.actor.default_user` would name it."""

    @contextmanager
    def read_rows(self) -> Iterator[Rows]:
        """A read transaction, REPEATABLE READ and READ ONLY, as the full
        store's reads are on a server (`pipetui.store.engine`)."""
        with self._lock:
            connection = self._begin()
            try:

                def rows(sql: str, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
                    return list(connection.execute(driver_sql(sql), dict(params)).fetchall())

                yield rows
            except BaseException:
                if not connection.closed:
                    with suppress(Exception):  # (the error that got here matters more)
                        connection.execute("ROLLBACK")
                raise
            # COMMIT, not ROLLBACK (the same for a read-only transaction):
            # psycopg forgets its prepared statements at every ROLLBACK.
            connection.execute("COMMIT")

    def _begin(self) -> Any:
        import psycopg

        begin = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
        if not self._connection.closed:
            try:
                self._connection.execute(begin)
                return self._connection
            except psycopg.OperationalError:
                self._connection.close()
        self._connection = _connect(self._conninfo)
        self._connection.execute(begin)
        return self._connection

    def data_version(self) -> int | None:
        """Not known here: on a server, changes are heard by the full store's
        listener (`pipetui.store.change_listener`)."""
        return None

    def close(self) -> None:
        """Close the connection."""
        self._connection.close()


def _connect(conninfo: str) -> Any:
    """A psycopg connection in autocommit (transactions are begun by hand),
    its session set as the full store sets its own (`engine`), without a
    round trip for it."""
    import psycopg
    from psycopg.conninfo import conninfo_to_dict

    ours = "-c TimeZone=UTC -c DateStyle=ISO,YMD"
    given = conninfo_to_dict(conninfo).get("options")  # (the URL's own come first)
    options = f"{given} {ours}" if given else ours
    return psycopg.connect(conninfo, autocommit=True, application_name="pipetui", options=options)


def open_light_server(url: str) -> ServerReader | None:
    """A reader for `url` if it is a PostgreSQL database at the current
    schema version that psycopg can reach, else None (the caller then opens it
    the full way, which says why it cannot, or creates or migrates it)."""
    if not is_server_url(url):
        return None
    try:
        import psycopg
    except ImportError:
        return None
    conninfo = "postgresql://" + url.split("://", 1)[1]
    try:
        connection = _connect(conninfo)
    except (psycopg.Error, ValueError):
        return None
    try:
        found = connection.execute(
            "SELECT (SELECT version FROM pipetui_schema), current_user"
        ).fetchone()
    except psycopg.Error:
        connection.close()
        return None
    if found is None or found[0] is None or int(found[0]) != light.LATEST:
        connection.close()
        return None
    return ServerReader(conninfo, connection, found_user_name(str(found[1])))
