"""The libpq connection parameters of a PostgreSQL engine, for the connections
pipetui makes beside SQLAlchemy's pool: the change listener and `pg_dump`.

They come from SQLAlchemy's own reading of the URL (host, port, user, database
and every ``?key=value`` libpq option, several hosts included), so these
connections reach exactly the server and database the engine does. Secrets
(the password) are kept apart: they never go on a command line, where any user
of the machine could read them (`ps`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

_SECRETS = ("password", "sslpassword")
"""libpq options that are secrets: never part of a conninfo string."""


@dataclass(frozen=True, slots=True)
class LibpqParams:
    """Where to connect (`options`, libpq keywords) and the secrets the URL holds."""

    options: dict[str, str]
    secrets: dict[str, str]

    @property
    def password(self) -> str | None:
        """The URL's password, or None (libpq then looks in PGPASSWORD, ~/.pgpass...)."""
        return self.secrets.get("password")

    def conninfo(self, *, secrets: bool = False, **defaults: str) -> str:
        """A libpq connection string; `defaults` are used where the URL does not
        set them. Secrets only with `secrets=True`: for a connection made in
        this process, never for a command line."""
        from psycopg.conninfo import make_conninfo

        chosen = {**defaults, **self.options, **(self.secrets if secrets else {})}
        return make_conninfo("", **chosen)


def libpq_params(engine: Engine) -> LibpqParams:
    """The engine's connection parameters as libpq keywords, secrets apart."""
    _args, params = engine.dialect.create_connect_args(engine.url)
    options: dict[str, str] = {}
    for key, value in params.items():
        if isinstance(value, str | int) and not isinstance(value, bool):
            options[key] = str(value)
    secrets = {key: options.pop(key) for key in _SECRETS if key in options}
    return LibpqParams(options, secrets)
