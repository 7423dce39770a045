"""A contacts file's tags land as the contact form and the CLI would store them
(`check_tags`): "vip, hot" is two tags, not "vip" and " hot"; a repeat in any
case is kept once; a tag too long is a problem on its line and column, and
nothing is imported. Both engines."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from db_targets import Targets
from pipetui.services import clock, contacts
from pipetui.services.transfer import ImportFailed, ImportOptions, import_file
from pipetui.store.database import Database, open_database
from table_dump import dump

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


@pytest.fixture
def db(new_target: Targets, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    monkeypatch.setenv("PIPETUI_NOW", NOW.isoformat())
    database = open_database(new_target("tags.db"), now=clock.now())
    yield database
    database.dispose()


def contacts_file(tmp_path: Path, *rows: list[str]) -> Path:
    """pipetui's own contacts CSV with the name and tags columns."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows([["name", "tags"], *rows])
    path = tmp_path / "contacts.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def test_tags_in_a_file_are_split_cleaned_and_kept_once(db: Database, tmp_path: Path) -> None:
    path = contacts_file(
        tmp_path, ["דנה כהן", "vip, hot ,VIP,, לקוח חם"], ["Omar Haddad", " , "], ["Zoë", ""]
    )

    import_file(db, path, ImportOptions(), default_currency="USD")

    found = {c.name: c.tags for c in contacts.list_contacts(db)}
    assert found == {"דנה כהן": ("vip", "hot", "לקוח חם"), "Omar Haddad": (), "Zoë": ()}
    # the same as typed in the form or the CLI
    added = contacts.add_contact(db, name="Typed", tags="vip, hot ,VIP,, לקוח חם")
    assert added.tags == found["דנה כהן"]


def test_a_tag_too_long_is_a_problem_on_its_line_and_nothing_is_imported(
    db: Database, tmp_path: Path
) -> None:
    path = contacts_file(tmp_path, ["Dana", "vip"], ["Omar", "ok, " + "x" * 101])
    before = dump(db)

    with pytest.raises(ImportFailed) as failed:
        import_file(db, path, ImportOptions(), default_currency="USD")

    [problem] = failed.value.problems
    assert (problem.where, problem.column) == ("line 3", "tags")
    assert "longer than 100 characters" in problem.message
    assert dump(db) == before
