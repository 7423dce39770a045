"""Where pipetui keeps its data and settings (platformdirs), created on demand.

Nothing here runs at import time: `main()` calls these functions.
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_config_path, user_data_path

APP = "pipetui"
DB_ENV = "PIPETUI_DB"
CONFIG_ENV = "PIPETUI_CONFIG"


def data_dir() -> Path:
    """The user data directory, created private (0700) if missing."""
    path = user_data_path(APP, appauthor=False)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path, 0o700)
    return path


def database_target(option: str | None) -> str:
    """`--db`, else PIPETUI_DB, else <user data dir>/pipetui.db."""
    if option:
        return option
    from_env = os.environ.get(DB_ENV)
    if from_env:
        return from_env
    return str(data_dir() / "pipetui.db")


def config_file() -> Path:
    """The settings file: PIPETUI_CONFIG, else <user config dir>/config.toml."""
    from_env = os.environ.get(CONFIG_ENV)
    if from_env:
        return Path(from_env)
    return user_config_path(APP, appauthor=False) / "config.toml"
