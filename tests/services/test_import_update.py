"""`import --on-duplicate update`: a seller re-imports a fresher Pipedrive export
over the deals it brought before. Only the deals that differ are rewritten
(their `updated_at` and version move, the others' do not), moves get their
history row, the funnel summary stays equal to a recount whichever way it was
kept, and a file with one bad row writes nothing at all. Speed is measured by
benchmarks/import_update.py, not here."""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from db_targets import Targets
from pipetui.services import clock
from pipetui.services.transfer import ImportFailed, ImportOptions, ImportSummary, import_file
from pipetui.store import db_files, funnel_facts
from pipetui.store.database import Database, open_database
from table_dump import dump

FIRST, LATER = "2026-11-20T10:00:00+00:00", "2026-11-21T09:30:00+00:00"
HEADERS = ["Deal - ID", "Deal - Title", "Deal - Value", "Deal - Currency", "Deal - Pipeline",
           "Deal - Stage", "Deal - Status", "Person - Name", "Person - Email"]  # fmt: skip
STAGES = ["Lead", "Qualified", "Demo", "Proposal"]


@pytest.fixture
def db(new_target: Targets, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    monkeypatch.setenv("PIPETUI_NOW", FIRST)
    database = open_database(new_target("update.db"), now=clock.now())
    yield database
    database.dispose()


def deal_rows(count: int, **changed: dict[str, str]) -> list[dict[str, str]]:
    """`count` deals, two per person; `changed` gives some deals (by Pipedrive
    id, as "d3") other cells."""
    rows = []
    for n in range(1, count + 1):
        row = {"Deal - ID": str(n), "Deal - Title": f"חוזה {n}", "Deal - Value": f"{n},000",
               "Deal - Currency": "USD", "Deal - Pipeline": "Imported",
               "Deal - Stage": STAGES[n % 3], "Deal - Status": "Open",
               "Person - Name": f"דנה {n // 2}",
               "Person - Email": f"p{n // 2}@example.com"}  # fmt: skip
        row.update(changed.get(f"d{n}", {}))
        rows.append(row)
    return rows


def write(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, HEADERS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def load(db: Database, path: Path, **options: Any) -> ImportSummary:
    return import_file(db, path, ImportOptions(**options), default_currency="USD")


def deal_state(db: Database) -> dict[str, dict[str, Any]]:
    """Every deal's row, by external id."""
    with db.read() as conn:
        result = conn.exec_driver_sql("SELECT * FROM deal")
        names = list(result.keys())
        return {
            row[names.index("external_id")]: dict(zip(names, row, strict=True)) for row in result
        }


def history(db: Database, external_id: str) -> list[tuple[Any, ...]]:
    with db.read() as conn:
        sql = (
            "SELECT h.at, h.from_status, h.to_status, f.name, t.name FROM stage_history h"
            " JOIN deal d ON d.id = h.deal_id JOIN stage t ON t.id = h.to_stage_id"
            " LEFT JOIN stage f ON f.id = h.from_stage_id"
            " WHERE d.external_id = :external_id ORDER BY h.at, h.id"
        )
        return [tuple(row) for row in conn.execute(text(sql), {"external_id": external_id})]


def assert_summary_is_a_recount(db: Database) -> None:
    def summary() -> set[tuple[Any, ...]]:
        with db.read() as conn:
            rows = conn.exec_driver_sql(
                "SELECT pipeline_id, day, fact, stage_id, currency,"
                " n, amount, amount_own, ms, open_n, open_start FROM funnel_fact"
            )
            return {tuple(row) for row in rows}

    kept = summary()
    with db.write() as conn:
        funnel_facts.rebuild(conn)
    assert kept == summary()


def test_only_the_deals_that_changed_are_rewritten(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load(db, write(tmp_path / "first.csv", deal_rows(10)))
    before = deal_state(db)
    monkeypatch.setenv("PIPETUI_NOW", LATER)
    fresher = deal_rows(
        10,
        d3={"Deal - Value": "3,500"},
        d5={"Deal - Stage": "Lead"},
        d7={"Deal - Status": "Won"},
    )

    summary = load(db, write(tmp_path / "fresher.csv", fresher), on_duplicate="update")

    assert summary.updated == Counter(deals=10)
    assert +summary.created == Counter()
    assert summary.notes == ["of those updated, already as in the file: 7 deals"]
    after = deal_state(db)
    changed = {key for key in after if after[key] != before[key]}
    assert changed == {"pipedrive:3", "pipedrive:5", "pipedrive:7"}
    assert after["pipedrive:3"]["value_minor"] == 350000
    for key in changed:
        assert str(after[key]["updated_at"]).startswith("2026-11-21 09:30:00")
        if "version" in after[key]:  # schema v3: one change, one version
            assert after[key]["version"] == before[key]["version"] + 1
    assert history(db, "pipedrive:5")[-1][1:] == ("open", "open", "Demo", "Lead")
    assert str(history(db, "pipedrive:5")[-1][0]).startswith("2026-11-21 09:30:00")
    assert history(db, "pipedrive:7")[-1][1:3] == ("open", "won")
    assert str(after["pipedrive:7"]["closed_at"]).startswith("2026-11-21 09:30:00")
    assert_summary_is_a_recount(db)


def test_the_same_file_again_writes_nothing(db: Database, tmp_path: Path) -> None:
    path = write(tmp_path / "deals.csv", deal_rows(10))
    load(db, path)
    before = dump(db)

    summary = load(db, path, on_duplicate="update")

    assert summary.updated == Counter(deals=10)
    assert summary.notes == ["of those updated, already as in the file: 10 deals"]
    assert dump(db) == before


def test_when_most_deals_change_the_summary_is_recounted_and_stays_exact(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every deal moves, wins or changes value (the summary is recounted once
    for the pipeline rather than per deal), and new deals come in the same file."""
    load(db, write(tmp_path / "first.csv", deal_rows(12)))
    monkeypatch.setenv("PIPETUI_NOW", LATER)
    fresher = deal_rows(
        14,
        **{f"d{n}": {"Deal - Stage": STAGES[(n + 1) % 4]} for n in range(1, 13, 3)},
        **{f"d{n}": {"Deal - Status": "Lost"} for n in range(2, 13, 3)},
        **{f"d{n}": {"Deal - Value": "1"} for n in range(3, 13, 3)},
    )

    summary = load(db, write(tmp_path / "fresher.csv", fresher), on_duplicate="update")

    assert summary.updated == Counter(deals=12)
    assert summary.created == Counter(deals=2, contacts=1, stages=1)  # "Proposal"
    assert_summary_is_a_recount(db)


def test_one_bad_row_in_an_update_import_writes_nothing_at_all(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load(db, write(tmp_path / "first.csv", deal_rows(10)))
    before = dump(db)
    monkeypatch.setenv("PIPETUI_NOW", LATER)
    fresher = deal_rows(
        10,
        **{f"d{n}": {"Deal - Value": "9"} for n in range(1, 10)},
        d10={"Deal - Pipeline": "Elsewhere"},
    )

    with pytest.raises(ImportFailed) as failed:
        load(db, write(tmp_path / "fresher.csv", fresher), on_duplicate="update")

    assert "another pipeline" in "\n".join(failed.value.lines())
    assert dump(db) == before
    assert db.path is None or not db_files.holder_note(db.path).exists()


@pytest.mark.sqlite_only  # the note beside the file; a server names it in application_name
def test_while_it_writes_an_import_says_so_beside_the_database(
    db: Database, tmp_path: Path
) -> None:
    """The note a waiting writer reads is there while the import holds the
    write lock (its progress is reported last inside the transaction)."""
    seen: list[bool] = []
    path = write(tmp_path / "deals.csv", deal_rows(4))

    import_file(
        db,
        path,
        ImportOptions(),
        default_currency="USD",
        progress=lambda done, total: seen.append(db_files.holder_note(db.path).exists()),
    )

    assert seen[-1] is True
    assert not db_files.holder_note(db.path).exists()
    assert db_files.who_holds(db.path) is None
