"""Where pipetui keeps its data, settings and error log (platformdirs), created
on demand.

Nothing here runs at import time: `main()` calls these functions.
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_config_path, user_data_path, user_log_path

from pipetui.domain.errors import ValidationError

APP = "pipetui"
DB_ENV = "PIPETUI_DB"
CONFIG_ENV = "PIPETUI_CONFIG"
ERROR_LOG = "errors.log"


def data_dir() -> Path:
    """The user data directory, created private (0700) if missing."""
    return _private_dir(user_data_path(APP, appauthor=False))


def log_dir() -> Path:
    """The user log directory (on Linux ~/.local/state/pipetui/log), created
    private (0700): a traceback may quote the user's data."""
    return _private_dir(user_log_path(APP, appauthor=False))


def error_log() -> Path:
    """The file unexpected errors are written to, with their traceback."""
    return log_dir() / ERROR_LOG


def _private_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path, 0o700)
    return path


def database_target(option: str | None, *, light: bool = False) -> str:
    """`--db`, else PIPETUI_DB, else <user data dir>/pipetui.db.

    A given `--db` or PIPETUI_DB is checked here, and refused by the name it came
    under: an empty `--db ""` (which used to fall back to the default database),
    text that is not UTF-8, and a URL pipetui cannot keep data in (in-memory
    SQLite, a missing driver; see `store.engine.check_url`).

    `light`: a PostgreSQL URL is not checked here (that imports SQLAlchemy):
    the caller tries it with psycopg alone (`store.light_server`) and on any
    failure calls this again without `light`.
    """
    if option is not None:
        return _checked(option, "db", light)
    from_env = os.environ.get(DB_ENV)
    if from_env:
        return _checked(from_env, DB_ENV, light)
    return str(data_dir() / "pipetui.db")


def _checked(target: str, field: str, light: bool = False) -> str:
    if not target.strip():
        raise ValidationError(field, "is empty; give a database file or an SQLAlchemy URL")
    try:
        target.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError(field, "not valid UTF-8 text") from None
    if light and target.startswith(("postgresql+psycopg://", "postgresql://", "postgres://")):
        return target
    if "://" in target:  # only then is the store (and SQLAlchemy) needed to check it
        from pipetui.store.engine import check_url

        check_url(target, field=field)
    return target


def config_file() -> Path:
    """The settings file: PIPETUI_CONFIG, else <user config dir>/config.toml."""
    from_env = os.environ.get(CONFIG_ENV)
    if from_env:
        return Path(from_env)
    return user_config_path(APP, appauthor=False) / "config.toml"
