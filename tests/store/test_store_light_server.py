"""The light reader for PostgreSQL (psycopg alone, used for the TUI's first
frame) reads the board exactly as the full store does, only for an up-to-date
database, makes its connection again when the server drops it, and the board
watching a server database that opened lightly reads once more when the full
store starts listening (a change in between is not lost)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from pipetui.domain.bant import Thresholds
from pipetui.domain.board import BoardView
from pipetui.domain.money import Money
from pipetui.services import board, clock
from pipetui.services import deals as deal_service
from pipetui.services.demo import load_demo
from pipetui.services.workspace import open_workspace
from pipetui.store.database import open_database
from pipetui.store.light_server import ServerReader, driver_sql, open_light_server

pytestmark = pytest.mark.postgresql_only("the PostgreSQL light reader")


@pytest.fixture
def demo_url(new_target: Callable[[str], str]) -> str:
    url = new_target("demo")
    database = open_database(url, now=clock.now())
    load_demo(database)
    database.dispose()
    return url


def _reader(url: str) -> ServerReader:
    reader = open_light_server(url)
    assert reader is not None
    return reader


@pytest.mark.parametrize(
    "view",
    [BoardView(), BoardView(show_closed=True), BoardView(search="כהן"), BoardView(search="LTD")],
)
def test_the_light_reader_sees_the_same_board_as_the_full_store(
    demo_url: str, view: BoardView
) -> None:
    database, reader = open_database(demo_url, now=clock.now()), _reader(demo_url)
    for pipeline in board.load_board(database, None, view, thresholds=Thresholds()).pipelines:
        full = board.load_board(database, pipeline.id, view, thresholds=Thresholds())
        light = board.load_board(reader, pipeline.id, view, thresholds=Thresholds())
        assert light == full
        assert any(column.cards for column in full.columns) or view.search
    reader.close()
    database.dispose()


def test_plain_sql_parameters_become_psycopg_ones() -> None:
    sql = "SELECT x::text, '50%' FROM t WHERE a = :a AND b IN (:ids_0, :ids_1) LIMIT :limit"
    assert driver_sql(sql) == (
        "SELECT x::text, '50%%' FROM t WHERE a = %(a)s AND b IN (%(ids_0)s, %(ids_1)s)"
        " LIMIT %(limit)s"
    )


def test_only_an_up_to_date_reachable_database_is_read_lightly(
    new_target: Callable[[str], str], demo_url: str, tmp_path: Path
) -> None:
    assert open_light_server(str(tmp_path / "file.db")) is None
    assert open_light_server(new_target("empty")) is None  # no schema yet: the full way
    assert open_light_server(demo_url.replace("@/", "@/no_such_database_")) is None
    with _reader(demo_url).read_rows() as rows:
        assert rows("SELECT count(*) FROM deal WHERE status = :s", {"s": "open"})[0][0] > 0


def test_a_dropped_connection_is_made_again_at_the_next_read(demo_url: str) -> None:
    reader = _reader(demo_url)
    with reader.read_rows() as rows:
        pid = rows("SELECT pg_backend_pid()", {})[0][0]
    database = open_database(demo_url, now=clock.now())
    with database.engine.connect() as conn:
        conn.exec_driver_sql(f"SELECT pg_terminate_backend({int(pid)})")
    database.dispose()
    with reader.read_rows() as rows:
        assert rows("SELECT count(*) FROM deal", {})[0][0] > 0
    reader.close()


def test_the_tui_reads_a_server_lightly_and_reads_again_once_the_full_store_listens(
    demo_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PIPETUI_CONFIG", str(tmp_path / "none.toml"))
    workspace = open_workspace(demo_url)
    assert isinstance(workspace.reads, ServerReader) and workspace._db is None
    assert workspace.is_server and not workspace.counts_own_writes
    assert workspace.user == workspace.reads.role
    # Before the full store is open, the watcher does not open it (the first
    # frame would wait): nothing to compare yet.
    assert workspace.data_version() is None
    deal_service.add_deal(workspace.db, title="Ours", value=Money(1, "USD"))
    first = workspace.data_version()
    assert first is not None
    # One change more from the second look on: the board reads once more, in
    # case a teammate wrote between the light read and the first look.
    assert workspace.data_version() == first + 1
    assert workspace.data_version() == first + 1
    workspace.close()
