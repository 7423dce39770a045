"""Sales data is private: the database, its -wal and -shm, backups and the data
directory are readable by their owner only, whatever the umask says."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pipetui.domain.money import Money
from pipetui.services import deals as deal_service
from pipetui.services import locations
from pipetui.store.database import open_database

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    """The common 022 umask, which alone would make new files world-readable."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_database_and_its_wal_and_shm_are_private(tmp_path: Path) -> None:
    path = tmp_path / "sales.db"
    db = open_database(str(path), now=NOW)
    try:
        deal_service.add_deal(db, title="Private", value=Money(100, "USD"))
        with db.read() as conn:  # a connection is open, so -wal and -shm exist
            conn.exec_driver_sql("SELECT count(*) FROM deal").scalar()
            wal, shm = path.with_name("sales.db-wal"), path.with_name("sales.db-shm")
            assert wal.exists() and shm.exists()
            assert {p.name: _mode(p) for p in (path, wal, shm)} == {
                "sales.db": 0o600,
                "sales.db-wal": 0o600,
                "sales.db-shm": 0o600,
            }
    finally:
        db.dispose()


def test_a_backup_is_private(tmp_path: Path) -> None:
    db = open_database(str(tmp_path / "sales.db"), now=NOW)
    try:
        deal_service.add_deal(db, title="Private", value=Money(100, "USD"))
        backup = db.backup_to(tmp_path / "copy.db")
    finally:
        db.dispose()
    assert backup == tmp_path / "copy.db"
    assert _mode(backup) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("copy")) == ["copy.db"]


def test_a_backup_never_overwrites_a_file(tmp_path: Path) -> None:
    db = open_database(str(tmp_path / "sales.db"), now=NOW)
    existing = tmp_path / "keep.db"
    existing.write_bytes(b"someone else's file")
    try:
        with pytest.raises(FileExistsError):
            db.backup_to(existing)
    finally:
        db.dispose()
    assert existing.read_bytes() == b"someone else's file"


def test_the_data_directory_is_created_private(tmp_path: Path) -> None:
    # The autouse fixture in conftest points XDG_DATA_HOME and HOME into tmp_path.
    folder = locations.data_dir()
    assert folder == tmp_path / "xdg-data" / "pipetui"
    assert _mode(folder) == 0o700
    assert Path(locations.database_target(None)) == folder / "pipetui.db"


def test_an_existing_data_directory_is_made_private(tmp_path: Path) -> None:
    folder = tmp_path / "xdg-data" / "pipetui"
    folder.mkdir(parents=True, mode=0o755)
    assert _mode(folder) == 0o755
    assert locations.data_dir() == folder
    assert _mode(folder) == 0o700
