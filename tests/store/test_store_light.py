"""The light reader (sqlite3 alone, used for the TUI's first frame) reads the
board exactly as the full store does, and is only used for up-to-date files."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipetui.domain.bant import Thresholds
from pipetui.domain.board import BoardView
from pipetui.services import board, clock
from pipetui.services.demo import load_demo
from pipetui.services.workspace import open_workspace
from pipetui.store.database import Database, open_database
from pipetui.store.light import PAGE_CACHE_KIB, open_light


@pytest.fixture
def demo_db(tmp_path: Path) -> Database:
    database = open_database(str(tmp_path / "demo.db"), now=clock.now())
    load_demo(database)
    return database


@pytest.mark.parametrize(
    "view",
    [BoardView(), BoardView(show_closed=True), BoardView(search="כהן"), BoardView(search="LTD")],
)
def test_the_light_reader_sees_the_same_board_as_the_full_store(
    demo_db: Database, view: BoardView
) -> None:
    reader = open_light(demo_db.path)  # type: ignore[arg-type]
    assert reader is not None
    for pipeline in board.load_board(demo_db, None, view, thresholds=Thresholds()).pipelines:
        full = board.load_board(demo_db, pipeline.id, view, thresholds=Thresholds())
        light = board.load_board(reader, pipeline.id, view, thresholds=Thresholds())
        assert light == full
        assert any(column.cards for column in full.columns) or view.search
    reader.close()


def test_the_tui_reads_an_up_to_date_file_lightly_and_opens_a_new_one_fully(
    tmp_path: Path, demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PIPETUI_CONFIG", str(tmp_path / "none.toml"))
    existing = open_workspace(str(demo_db.path))
    assert existing.reads is not existing._db and existing._db is None
    assert existing.data_version() is not None
    existing.close()

    fresh = open_workspace(str(tmp_path / "new.db"))
    assert fresh._db is not None and fresh.reads is fresh._db  # created the full way
    fresh.close()


def test_a_file_that_is_not_up_to_date_is_not_read_lightly(tmp_path: Path) -> None:
    assert open_light(tmp_path / "missing.db") is None
    (tmp_path / "text.db").write_text("not a database")
    assert open_light(tmp_path / "text.db") is None


def test_the_light_reader_keeps_a_small_page_cache_of_its_own(demo_db: Database) -> None:
    """It lives as long as the board: SQLite's default 2,000 KiB cache, filled by
    a filter at 100,000 deals, stayed in the TUI's memory (store/light.py)."""
    reader = open_light(demo_db.path)  # type: ignore[arg-type]
    assert reader is not None
    with reader.read_rows() as rows:
        assert rows("PRAGMA cache_size", {}) == [(-PAGE_CACHE_KIB,)]
        assert PAGE_CACHE_KIB < 2000
    reader.close()
