"""Other users' writes on PostgreSQL, noticed without polling any table.

Every write transaction ends with ``pg_notify(channel, token)``
(`Database.write`), delivered to every listening session when it commits. A
`ChangeListener` keeps one connection of its own, in autocommit, that LISTENs on
that channel; `version()` takes in what has arrived without waiting (no SQL, no
round trip: it reads what is already on the socket) and counts the notices whose
payload is not our own token. The board's watcher compares that count between
ticks, as it compares SQLite's ``PRAGMA data_version``.

A notice sent while no one listens is lost. So when the connection drops (the
server restarted, an administrator ended the session, the network went away) the
listener reconnects on the next look and counts one change: the window reloads
once rather than miss what happened meanwhile. A server that cannot be reached
is tried again at most every `RETRY_SECONDS`.
"""

from __future__ import annotations

import select
import threading
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import psycopg

    from pipetui.store.libpq import LibpqParams

RETRY_SECONDS = 1.0
LISTENER_NAME = "pipetui: listening for changes"
"""The listening session's `application_name`, as `pg_stat_activity` shows it."""

_LIBPQ_DEFAULTS = {
    # A listener that waits on a dead TCP peer would never hear of it: keepalives
    # make the kernel notice (libpq ignores them on a Unix socket).
    "keepalives": "1",
    "keepalives_idle": "30",
    "keepalives_interval": "10",
    "keepalives_count": "3",
    "connect_timeout": "5",
}


class ChangeListener:
    """A count of other sessions' committed writes, read without blocking."""

    def __init__(self, params: LibpqParams, *, channel: str, own_token: str) -> None:
        self._params = params
        self._channel = channel
        self._token = own_token
        self._connection: psycopg.Connection[Any] | None = None
        self._count = 0
        self._missed = False
        """Notices may have been lost (a dropped or failed connection): count
        one change when listening again."""
        self._next_try = 0.0
        self._lock = threading.Lock()

    def version(self) -> int:
        """The number of changes heard so far (plus one per reconnection)."""
        import psycopg

        with self._lock:
            if self._connection is None:
                self._connect()
            if self._connection is not None:
                try:
                    self._count += self._drain(self._connection)
                except psycopg.Error:
                    self._drop()
                    self._connect()
            return self._count

    def _connect(self) -> None:
        import psycopg

        now = time.monotonic()
        if now < self._next_try:
            return
        try:
            connection = psycopg.connect(
                self._params.conninfo(secrets=True, **_LIBPQ_DEFAULTS),
                autocommit=True,
                application_name=LISTENER_NAME,
            )
        except psycopg.Error:
            self._missed = True
            self._next_try = now + RETRY_SECONDS
            return
        try:
            connection.execute(f'LISTEN "{self._channel}"')
        except psycopg.Error:
            connection.close()
            self._missed = True
            self._next_try = now + RETRY_SECONDS
            return
        self._connection = connection
        if self._missed:
            self._count += 1
            self._missed = False

    def _drain(self, connection: psycopg.Connection[Any]) -> int:
        """Other sessions' notices that have arrived, without waiting. A
        connection the server just ended shows its error first and its end
        right behind it: a second look while the socket is still readable
        sees the end now rather than on the next tick."""
        changes = 0
        for _ in range(3):
            for notice in connection.notifies(timeout=0):
                if notice.payload != self._token:
                    changes += 1
            readable, _, _ = select.select([connection.fileno()], [], [], 0)
            if not readable:
                break
        return changes

    def _drop(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        self._missed = True

    def close(self) -> None:
        """Stop listening."""
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None
