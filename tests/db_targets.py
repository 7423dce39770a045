"""New databases for the tests, of either engine (see tests/conftest.py's
`new_target`): a file in the test's folder for SQLite, a new database on the
session's throwaway PostgreSQL server (tests/pg_server.py) for PostgreSQL."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any


class Targets:
    """Makes new databases of one engine: a file path in `folder` for SQLite, a
    new database's URL on the server for PostgreSQL; `drop()` removes the
    server's ones."""

    def __init__(self, server: Any, folder: Path) -> None:
        self.server = server
        self.folder = folder
        self.made: list[str] = []
        self.used: set[str] = set()

    def __call__(self, name: str = "pipetui.db", *, copy_of: str | None = None) -> str:
        """A new database; `copy_of` another target: a copy of it (closed)."""
        if self.server is None:
            path = self.folder / name
            n = 1
            while str(path) in self.used:  # a name asked for again: a new file all the same
                n += 1
                path = self.folder / f"{Path(name).stem}-{n}{Path(name).suffix}"
            self.used.add(str(path))
            if copy_of is not None:
                copy_database(Path(copy_of), path)
            return str(path)
        template = None if copy_of is None else copy_of.split("@/", 1)[1].split("?", 1)[0]
        database = self.server.new_database(template=template)
        self.made.append(database)
        return str(self.server.url(database))

    def drop(self) -> None:
        for database in self.made:
            self.server.drop_database(database)
        self.made.clear()


def copy_database(source: Path, destination: Path) -> None:
    """Copy a closed SQLite database with any WAL/SHM files beside it."""
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{source}{suffix}").exists():
            shutil.copy2(f"{source}{suffix}", f"{destination}{suffix}")  # modes too: 0600
