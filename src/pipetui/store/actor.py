"""Who makes a change: every write transaction knows its user (team mode,
DESIGN.md §5), so history rows can say who moved a deal.

`Database.write()` puts the user in the connection's `info` for the length of
the transaction; store functions that write history read it with `actor`.

Who the user is, when nobody said (`--as`, PIPETUI_USER): the database role
on a server, which the server itself vouches for; the login name on SQLite
(`default_user`).
"""

from __future__ import annotations

import getpass
from typing import TYPE_CHECKING

from pipetui.domain.users import found_user_name

if TYPE_CHECKING:  # (the workspace takes `login_name` from here before SQLAlchemy is imported)
    from sqlalchemy.engine import Connection

USER_KEY = "pipetui_user"


def actor(conn: Connection) -> str | None:
    """The user of this write transaction (None: not known)."""
    name = conn.info.get(USER_KEY)
    return str(name) if name else None


def login_name() -> str | None:
    """The login name of whoever runs pipetui, or None when the system cannot
    say (no LOGNAME/USER and no password entry, as in some containers)."""
    try:
        return found_user_name(getpass.getuser())
    except (OSError, KeyError, ImportError):
        return None


def default_user(conn: Connection) -> str | None:
    """Who writes when nobody said: the database role (`current_user`) on a
    server, else the login name. `conn` may be a read connection (on a
    server, a write one would wait for the write lock)."""
    if conn.dialect.name == "sqlite":
        return login_name()
    role = conn.exec_driver_sql("SELECT current_user").scalar()
    return found_user_name(str(role) if role is not None else None)
