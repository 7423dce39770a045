"""A workspace: the open database plus the user's settings, what every use case needs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipetui.services import clock, locations
from pipetui.services.settings import Settings, load_settings
from pipetui.store.database import Database, open_database


@dataclass
class Workspace:
    """The database and settings one pipetui process works with."""

    db: Database
    settings: Settings

    def close(self) -> None:
        """Release the database's connections."""
        self.db.dispose()


def open_workspace(db: str | None = None, *, config: Path | None = None) -> Workspace:
    """Open the database (`--db`, PIPETUI_DB or the default file) and the settings."""
    settings = load_settings(config or locations.config_file())
    database = open_database(locations.database_target(db), now=clock.now())
    return Workspace(database, settings)
