"""User stories for a file `pipetui import` refuses: the seller is told every
problem with its line (the line a row starts on, whatever the line endings or
multi-line cells) and the file's own column name, at most twenty of them, and
nothing at all is written, not even the rows that were fine. A failure while
writing, half-way through, takes back everything written before it.

The database under test already holds contacts, so "unchanged" means something.
The clock is frozen through PIPETUI_NOW; local time is UTC.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from db_targets import Targets
from pipetui.domain.errors import ValidationError
from pipetui.domain.money import Money
from pipetui.services import clock, contacts, deals
from pipetui.services.transfer import ImportFailed, ImportOptions, ImportSummary, import_file
from pipetui.store import bulk
from pipetui.store.database import Database, open_database
from table_dump import dump

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
PIPEDRIVE = "Deal - Title,Deal - Value,Deal - Currency,Deal - Status,Deal - Expected close date"


@pytest.fixture
def db(new_target: Targets, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    monkeypatch.setenv("PIPETUI_NOW", NOW.isoformat())
    database = open_database(new_target("errors.db"), now=clock.now())
    contacts.add_contact(database, name="דנה כהן", email="dana@example.co.il")
    deals.add_deal(database, title="أحمد حسن — تجديد", value=Money(120050, "ILS"))
    yield database
    database.dispose()


def load(db: Database, path: Path, **options: Any) -> ImportSummary:
    return import_file(db, path, ImportOptions(**options), default_currency="USD")


def refused(db: Database, path: Path, **options: Any) -> ImportFailed:
    """Import a file that must be refused; the database must not change."""
    before = dump(db)
    with pytest.raises(ImportFailed) as failed:
        load(db, path, **options)
    assert dump(db) == before
    assert failed.value.field == "file"
    return failed.value


def pipedrive(tmp_path: Path, *rows: str, name: str = "deals.csv") -> Path:
    """A Pipedrive deals file: the header on line 1, then `rows` as written."""
    path = tmp_path / name
    path.write_text("\n".join([PIPEDRIVE, *rows]) + "\n", encoding="utf-8")
    return path


# --- one problem, its line and column -------------------------------------------------


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        pytest.param(
            ["דנה,abc,USD,Open,"],
            "line 2, column 'Deal - Value': not an amount: 'abc' (e.g. 1,200.50)",
            id="value-not-a-number",
        ),
        pytest.param(
            ["دانة,-5,USD,Open,"],
            "line 2, column 'Deal - Value': must not be negative: '-5'",
            id="negative-value",
        ),
        pytest.param(
            ["ok,1,USD,Open,", "東京,1,USD,Open,31/13/2026"],
            "line 3, column 'Deal - Expected close date': not a date: '31/13/2026' "
            "(use YYYY-MM-DD)",
            id="bad-date",
        ),
        pytest.param(
            ["ok,1,USD,Open,", "ok2,2,USD,Open,", "🚀,100,USD,Pending,"],
            "line 4, column 'Deal - Status': use open, won or lost, not 'Pending'",
            id="bad-status",
        ),
        pytest.param(
            ["ok,1,USD,Open,", ",1,USD,Open,"],
            "line 3, column 'Deal - Title': must not be empty",
            id="empty-title",
        ),
        pytest.param(
            ["ok,1.001,USD,Open,"],
            "line 2, column 'Deal - Value': USD has 2 decimal places: '1.001'",
            id="too-many-decimals",
        ),
        pytest.param(
            # The quoted title spans lines 2-3: the next row starts on line 4.
            ['"two\nlines",1,USD,Open,', "short,1,USD"],
            "line 4: has 3 cells; the header has 5",
            id="ragged-row-after-a-multi-line-cell",
        ),
        pytest.param(
            ["ok,1,USD,Open,", '"never closed,2,USD,Open,', "more,3,USD,Open,"],
            "line 3: malformed CSV: a quoted cell is never closed",
            id="unterminated-quote",
        ),
    ],
)
def test_a_bad_cell_is_named_by_line_and_column_and_nothing_is_written(
    db: Database, tmp_path: Path, rows: list[str], expected: str
) -> None:
    failed = refused(db, pipedrive(tmp_path, *rows))

    assert failed.lines() == [expected]
    assert failed.total == 1
    assert str(failed) == "file: deals.csv: 1 problem, nothing was imported"


def test_an_unknown_currency_is_refused_on_its_line(db: Database, tmp_path: Path) -> None:
    failed = refused(db, pipedrive(tmp_path, "ok,1,USD,Open,", "דנה,100,XYZ,Open,"))

    [problem] = failed.problems
    assert problem.where == "line 3"
    assert problem.message == "unknown currency 'XYZ' (use an ISO 4217 code)"


def test_an_unknown_currency_names_the_currency_column(db: Database, tmp_path: Path) -> None:
    failed = refused(db, pipedrive(tmp_path, "דנה,100,XYZ,Open,"))

    assert failed.problems[0].column == "Deal - Currency"


def test_line_numbers_count_crlf_line_endings(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "hubspot.csv"
    path.write_bytes(
        'Record ID,Deal Name,Amount\r\n1,דנה,5\r\n\r\n2,أحمد,"1,2,3"\r\n'.encode("utf-8-sig")
    )

    failed = refused(db, path)

    # The blank line 3 is skipped but counted.
    assert failed.lines() == ["line 4, column 'Amount': not an amount: '1,2,3' (e.g. 1,200.50)"]


def test_every_problem_is_listed_at_once_in_line_order(db: Database, tmp_path: Path) -> None:
    path = pipedrive(
        tmp_path,
        "a,abc,USD,Open,",
        "b,1,USD,Open,tomorrow",
        "c,1,USD",
        "d,1,USD,Maybe,",
        "fine,1,USD,Open,2026-12-31",
    )

    failed = refused(db, path)

    assert failed.lines() == [
        "line 2, column 'Deal - Value': not an amount: 'abc' (e.g. 1,200.50)",
        "line 3, column 'Deal - Expected close date': not a date: 'tomorrow' (use YYYY-MM-DD)",
        "line 4: has 3 cells; the header has 5",
        "line 5, column 'Deal - Status': use open, won or lost, not 'Maybe'",
    ]
    assert str(failed) == "file: deals.csv: 4 problems, nothing was imported"


def test_more_than_twenty_problems_show_twenty_and_how_many_more(
    db: Database, tmp_path: Path
) -> None:
    path = pipedrive(tmp_path, *(f"deal {n},abc,USD,Open," for n in range(25)))

    failed = refused(db, path)

    assert failed.total == 25
    assert len(failed.problems) == 20
    lines = failed.lines()
    assert len(lines) == 21
    assert lines[:20] == [
        f"line {n}, column 'Deal - Value': not an amount: 'abc' (e.g. 1,200.50)"
        for n in range(2, 22)
    ]
    assert lines[20] == "… and 5 more"
    assert str(failed) == "file: deals.csv: 25 problems, nothing was imported"


# --- the file as a whole --------------------------------------------------------------


def test_undecodable_bytes_are_named_by_line(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "deals.csv"
    path.write_bytes(f"{PIPEDRIVE}\nok,1,USD,Open,\nB\xff,2,USD,Open,\n".encode("latin-1"))

    failed = refused(db, path)

    assert failed.lines() == [
        "line 3: not UTF-8 text: byte ff at character 2 "
        "(save the file as UTF-8, or give its encoding: --encoding NAME, e.g. cp1255)"
    ]


def test_undecodable_bytes_after_hebrew_give_the_character_position(
    db: Database, tmp_path: Path
) -> None:
    path = tmp_path / "deals.csv"
    path.write_bytes(f"{PIPEDRIVE}\n".encode() + "דנה".encode() + b"\xff,2,USD,Open,\n")

    failed = refused(db, path)

    assert failed.lines() == [
        "line 2: not UTF-8 text: byte ff at character 4 "
        "(save the file as UTF-8, or give its encoding: --encoding NAME, e.g. cp1255)"
    ]


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b"\n\n", b" , ,\n"])
def test_an_empty_file_has_no_header_row(db: Database, tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(content)

    failed = refused(db, path)

    assert failed.lines() == ["line 1: no header row: the file is empty"]


def test_a_header_only_file_imports_nothing_and_says_so(db: Database, tmp_path: Path) -> None:
    before = dump(db)

    summary = load(db, pipedrive(tmp_path))

    assert summary.rows == 0
    assert summary.lines() == ["Imported deals.csv (Pipedrive deals, 0 rows):", "  nothing to do"]
    assert dump(db) == before


def test_unknown_headers_cannot_tell_the_kind(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "mystery.csv"
    path.write_text("foo,bar\n1,2\n", encoding="utf-8")

    failed = refused(db, path)

    assert failed.lines() == [
        "line 1: not a file of a kind pipetui knows (pipetui, Pipedrive, HubSpot or Salesforce "
        "CSV); if it is pipetui's, name the kind (--kind deals|contacts|touchpoints)"
    ]


def test_a_named_kind_whose_column_is_missing_is_refused(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "mystery.csv"
    path.write_text("foo,bar\n1,2\n", encoding="utf-8")

    failed = refused(db, path, kind="deals")

    assert failed.lines() == ["line 1: no title column"]


def test_json_that_does_not_parse_is_named_by_line(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    path.write_text('{"format": "pipetui",\n "contacts": [\n  {"name": "דנה"},\n', "utf-8")

    failed = refused(db, path)

    [problem] = failed.problems
    assert problem.where.startswith("line ")
    assert problem.message.startswith("not JSON: ")


def test_json_that_is_not_a_pipetui_export_is_refused(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    path.write_text(json.dumps({"contacts": [{"name": "דנה"}]}), encoding="utf-8")

    failed = refused(db, path)

    assert failed.lines() == [
        'file: not a pipetui export (expected an object with "format": "pipetui")'
    ]


def test_a_vcard_that_never_ends_is_named_by_its_first_line(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "people.vcf"
    path.write_text(
        "BEGIN:VCARD\nVERSION:3.0\nFN:أحمد حسن\nEND:VCARD\nBEGIN:VCARD\nVERSION:3.0\nFN:דנה כהן\n",
        encoding="utf-8",
    )

    failed = refused(db, path)

    assert failed.lines() == ["line 5: the card never ends (no END:VCARD)"]


def test_a_file_that_cannot_be_read_is_refused(db: Database, tmp_path: Path) -> None:
    before = dump(db)
    with pytest.raises(ValidationError) as refused_:
        load(db, tmp_path / "missing.csv")
    assert refused_.value.field == "file"
    assert "cannot read" in refused_.value.message
    assert dump(db) == before


# --- a failure while writing ----------------------------------------------------------


def _export_everything(db: Database, path: Path) -> None:
    """A JSON export with contacts, deals, touchpoints and a follow-up."""
    from pipetui.services.followups import add_followup
    from pipetui.services.touchpoints import log_touchpoint
    from pipetui.services.transfer import export

    log_touchpoint(db, contact="דנה כהן", kind="call", summary="שיחה ראשונה 📞")
    add_followup(db, title="לחזור", due=date(2026, 12, 1), contact="דנה כהן")
    with path.open("w", encoding="utf-8") as out:
        export(db, out, kind="all", fmt="json")


def _fail_on(table: str, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make bulk writes to `table` raise; returns the tables written before."""
    written: list[str] = []
    real: Callable[..., None] = bulk.insert_rows

    def insert_rows(conn: Any, name: str, columns: list[str], rows: list[Any]) -> None:
        if name == table:
            raise RuntimeError(f"disk full while writing {name}")
        written.append(name)
        real(conn, name, columns, rows)

    monkeypatch.setattr("pipetui.store.bulk.insert_rows", insert_rows)
    return written


def test_a_write_failure_part_way_through_a_restore_leaves_nothing(
    new_target: Targets, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Restoring a full JSON export into an empty database: pipelines,
    contacts and deals are written, then writing touchpoints fails."""
    path = tmp_path / "all.json"
    _export_everything(db, path)
    empty = open_database(new_target("empty.db"), now=clock.now())
    before = dump(empty)
    written = _fail_on("touchpoint", monkeypatch)

    with pytest.raises(RuntimeError, match="disk full"):
        load(empty, path)

    assert {"pipeline", "stage", "contact", "deal"} <= set(written)
    assert dump(empty) == before
    monkeypatch.undo()
    summary = load(empty, path)  # and the database still takes the import
    assert summary.created["touchpoints"] == 1
    assert dump(empty, versions=False) == dump(db, versions=False)


def test_a_write_failure_part_way_through_a_merge_leaves_nothing(
    new_target: Targets, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same file merged into a database that has data of its own."""
    path = tmp_path / "all.json"
    _export_everything(db, path)
    other = open_database(new_target("other.db"), now=clock.now())
    contacts.add_contact(other, name="Someone else")
    before = dump(other)
    written = _fail_on("touchpoint", monkeypatch)

    with pytest.raises(RuntimeError, match="disk full"):
        load(other, path)

    assert {"contact", "deal", "stage_history"} <= set(written)
    assert dump(other) == before
