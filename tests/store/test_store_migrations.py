"""Schema migrations: backed up first, then all steps and the new stamp in one
transaction; a failing step leaves the file exactly as it was."""

from __future__ import annotations

import sqlite3
import stat
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from pipetui.domain.bant import Answer
from pipetui.domain.bant_history import AnswerChange
from pipetui.domain.money import Money
from pipetui.services import contacts as contact_service
from pipetui.services import deals as deal_service
from pipetui.services.qualification import qualify_deal
from pipetui.store import database as database_module
from pipetui.store import engine as engines
from pipetui.store import migrations
from pipetui.store.database import Database, open_database

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)

# The fake steps below migrate a database of this pipetui's own version to the
# next two versions, whatever LATEST is: these tests need no change on a bump.
CURRENT = migrations.LATEST
NEXT = CURRENT + 1
AFTER_NEXT = CURRENT + 2


def _fill(db: Database) -> None:
    """Some data of every kind a step might touch."""
    won = deal_service.add_deal(
        db, title="Website redesign", value=Money(1_200_050, "USD"), contact="Dana Levi"
    )
    deal_service.win_deal(db, won.view.deal.id)
    deal_service.add_deal(db, title="Support plan — 日本", value=Money(90_000, "JPY"))
    contact_service.add_contact(db, name="محمد علي", email="m@example.com")


def _dump(path: Path) -> dict[str, Any]:
    """Everything in the file: schema objects, every row of every table, the version."""
    plain = sqlite3.connect(path)
    try:
        schema = plain.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
        ).fetchall()
        names = [row[1] for row in schema if row[0] == "table"]
        rows = {
            # (sorted here: the trigram index's own tables have no rowid)
            name: sorted(plain.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr)
            for name in names
        }
        version = plain.execute("SELECT version FROM pipetui_schema").fetchall()
    finally:
        plain.close()
    return {"schema": schema, "rows": rows, "version": version}


def _columns(db: Database) -> dict[str, list[tuple[str, str, bool]]]:
    """Table -> (column, type, nullable), as SQLAlchemy's inspector sees it."""
    with db.read() as conn:
        inspector = inspect(conn)
        return {
            table: [
                (c["name"], str(c["type"]), c["nullable"]) for c in inspector.get_columns(table)
            ]
            for table in sorted(inspector.get_table_names())
        }


def _version(db: Database) -> int | None:
    with db.read() as conn:
        return migrations.read_version(conn)


def _backup_into(db: Database, folder: Path, calls: list[Any]) -> Callable[[int], Path]:
    """A backup callback like open_database's, noting the version it saw on disk."""

    def backup(version: int) -> Path:
        calls.append(("backup", version, _version(db)))
        return db.backup_to(folder / f"before-v{version}.bak")

    return backup


def _step_next(calls: list[Any]) -> migrations.Step:
    """A realistic step to NEXT: a new table with data, a changed column, a new column."""

    def step(conn: Connection) -> None:
        calls.append(("step", NEXT))
        conn.exec_driver_sql("CREATE TABLE deal_note (id INTEGER PRIMARY KEY, body TEXT)")
        conn.exec_driver_sql("INSERT INTO deal_note (body) SELECT title FROM deal")
        conn.exec_driver_sql("UPDATE deal SET value_minor = value_minor * 100")
        conn.exec_driver_sql("ALTER TABLE deal ADD COLUMN priority INTEGER")
        conn.exec_driver_sql("CREATE INDEX ix_deal_priority ON deal (priority)")
        conn.exec_driver_sql("DELETE FROM contact WHERE email IS NOT NULL")

    return step


def _check_backup(path: Path, expected: dict[str, Any]) -> None:
    """The backup opens, passes integrity_check, is private and holds `expected`."""
    assert path.is_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not path.with_name(path.name + "-wal").exists()
    plain = sqlite3.connect(path)
    try:
        assert plain.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert plain.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    finally:
        plain.close()
    assert _dump(path) == expected


def test_a_new_database_is_created_stamped_and_seeded(db: Database) -> None:
    assert db.migration == migrations.MigrationReport(True, 0, migrations.LATEST)
    assert _version(db) == migrations.LATEST
    with db.read() as conn:
        stages = conn.exec_driver_sql("SELECT name FROM stage ORDER BY position").all()
    assert [s[0] for s in stages] == [
        "Prospecting",
        "Qualification",
        "Initial contact",
        "Needs assessment",
        "Proposal",
        "Negotiation",
    ]


@pytest.mark.sqlite_only  # reads the file and its .bak copies
def test_opening_an_up_to_date_database_changes_nothing(db: Database, db_path: Path) -> None:
    _fill(db)
    before = _dump(db_path)
    again = open_database(str(db_path), now=NOW)
    again.dispose()
    assert again.migration == migrations.MigrationReport(False, CURRENT, CURRENT)
    assert _dump(db_path) == before
    assert sorted(p.name for p in db_path.parent.iterdir() if p.suffix == ".bak") == []


@pytest.mark.sqlite_only  # reads the file and its .bak copies
def test_a_failing_step_leaves_schema_data_and_version_as_they_were(
    db: Database, db_path: Path, tmp_path: Path
) -> None:
    _fill(db)
    before = _dump(db_path)
    columns_before = _columns(db)
    calls: list[Any] = []

    def step_after_next(conn: Connection) -> None:
        calls.append(("step", AFTER_NEXT))
        # The previous step's work is visible here, inside the same transaction...
        assert conn.exec_driver_sql("SELECT count(*) FROM deal_note").scalar() == 2
        raise RuntimeError("the last step is broken")

    with pytest.raises(RuntimeError, match="the last step is broken"):
        migrations.prepare_schema(
            db.engine,
            db.read_engine,
            backup=_backup_into(db, tmp_path, calls),
            now=NOW,
            steps={NEXT: _step_next(calls), AFTER_NEXT: step_after_next},
            latest=AFTER_NEXT,
        )

    # ...and gone afterwards: both steps ran, and nothing of them is left.
    assert calls == [("backup", CURRENT, CURRENT), ("step", NEXT), ("step", AFTER_NEXT)]
    assert _dump(db_path) == before
    assert _columns(db) == columns_before
    assert "deal_note" not in _columns(db)
    assert _version(db) == CURRENT
    with db.read() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    # The backup taken first is a sound copy of the same data.
    _check_backup(tmp_path / f"before-v{CURRENT}.bak", before)


@pytest.mark.sqlite_only  # reads the file and its .bak copies
def test_a_successful_migration_backs_up_first_then_applies_every_step(
    db: Database, db_path: Path, tmp_path: Path
) -> None:
    _fill(db)
    before = _dump(db_path)
    calls: list[Any] = []

    def step_after_next(conn: Connection) -> None:
        calls.append(("step", AFTER_NEXT))
        conn.exec_driver_sql("UPDATE deal SET priority = 1")

    report = migrations.prepare_schema(
        db.engine,
        db.read_engine,
        backup=_backup_into(db, tmp_path, calls),
        now=NOW,
        steps={NEXT: _step_next(calls), AFTER_NEXT: step_after_next},
        latest=AFTER_NEXT,
    )

    backup = tmp_path / f"before-v{CURRENT}.bak"
    assert report == migrations.MigrationReport(False, CURRENT, AFTER_NEXT, backup)
    assert calls == [("backup", CURRENT, CURRENT), ("step", NEXT), ("step", AFTER_NEXT)]
    assert _version(db) == AFTER_NEXT
    columns = _columns(db)
    assert [c[0] for c in columns["deal_note"]] == ["id", "body"]
    assert "priority" in [c[0] for c in columns["deal"]]
    with db.read() as conn:
        values = conn.exec_driver_sql("SELECT value_minor, priority FROM deal ORDER BY id").all()
        contacts = conn.exec_driver_sql("SELECT count(*) FROM contact").scalar()
    assert [tuple(v) for v in values] == [(120_005_000, 1), (9_000_000, 1)]
    assert contacts == 1  # the contact with an email went, "Dana Levi" stayed
    # The backup holds the database as it was before any step.
    _check_backup(backup, before)

    # Run again at the same version: nothing to do, no second backup.
    again = migrations.prepare_schema(
        db.engine,
        db.read_engine,
        backup=_backup_into(db, tmp_path, calls),
        now=NOW,
        steps={NEXT: _step_next(calls), AFTER_NEXT: step_after_next},
        latest=AFTER_NEXT,
    )
    assert again == migrations.MigrationReport(False, AFTER_NEXT, AFTER_NEXT)
    assert len(calls) == 3


@pytest.mark.sqlite_only  # reads the file and its .bak copies
def test_a_failing_backup_stops_the_migration_before_any_step(db: Database, db_path: Path) -> None:
    _fill(db)
    before = _dump(db_path)
    calls: list[Any] = []

    def backup(version: int) -> Path:
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        migrations.prepare_schema(
            db.engine,
            db.read_engine,
            backup=backup,
            now=NOW,
            steps={NEXT: _step_next(calls)},
            latest=NEXT,
        )
    assert calls == []
    assert _dump(db_path) == before


@pytest.mark.sqlite_only  # reads the file and its .bak copies
def test_open_database_backs_up_beside_the_file_before_migrating(
    db: Database, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(db)
    db.dispose()
    before = _dump(db_path)
    monkeypatch.setattr(
        database_module,
        "prepare_schema",
        partial(migrations.prepare_schema, steps={NEXT: _step_next([])}, latest=NEXT),
    )

    migrated = open_database(str(db_path), now=NOW)
    migrated.dispose()

    backup = db_path.with_name(f"pipetui.db.v{CURRENT}-20261120T100000.bak")
    assert migrated.migration == migrations.MigrationReport(False, CURRENT, NEXT, backup)
    _check_backup(backup, before)
    assert _dump(db_path)["version"] == [(NEXT,)]


def _stale_first_read(monkeypatch: pytest.MonkeyPatch, stale: int) -> None:
    """Make prepare_schema's first look at the version see `stale`, as if another
    process changed the file right after that look."""
    real = migrations.read_version
    seen: list[int | None] = []

    def read_version(conn: Connection) -> int | None:
        seen.append(real(conn))
        return stale if len(seen) == 1 else seen[-1]

    monkeypatch.setattr(migrations, "read_version", read_version)


@pytest.mark.sqlite_only  # reads the file and its .bak copies
def test_a_database_another_process_just_created_is_not_created_twice(
    db: Database, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(db)
    before = _dump(db_path)
    engine, read_engine = engines.make_engines(db.url)
    _stale_first_read(monkeypatch, 0)
    try:
        report = migrations.prepare_schema(
            engine, read_engine, backup=lambda version: None, now=NOW
        )
    finally:
        engine.dispose()
    assert report == migrations.MigrationReport(False, CURRENT, CURRENT)
    assert _dump(db_path) == before  # no second "Sales" pipeline, no second version row


@pytest.mark.sqlite_only  # reads the file and its .bak copies
def test_a_migration_another_process_just_ran_is_not_run_again(
    db: Database, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(db)
    calls: list[Any] = []
    steps = {NEXT: _step_next(calls)}
    backup = _backup_into(db, tmp_path, calls)
    migrations.prepare_schema(
        db.engine, db.read_engine, backup=backup, now=NOW, steps=steps, latest=NEXT
    )
    migrated = _dump(db_path)
    calls.clear()
    _stale_first_read(monkeypatch, CURRENT)

    report = migrations.prepare_schema(
        db.engine,
        db.read_engine,
        backup=lambda version: tmp_path / "unused.bak",
        now=NOW,
        steps=steps,
        latest=NEXT,
    )

    assert calls == []  # the step did not run a second time
    assert report.from_version == report.to_version == NEXT
    assert _dump(db_path) == migrated


# -- The real migrations, from a genuine version-1 file ------------------------

V1_SCHEMA = """
CREATE TABLE pipetui_schema (
    id INTEGER NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (id)
);
CREATE TABLE pipeline (
    id INTEGER NOT NULL,
    name VARCHAR(200) NOT NULL,
    position INTEGER NOT NULL,
    created_at DATETIME NOT NULL,
    PRIMARY KEY (id)
);
CREATE TABLE contact (
    id INTEGER NOT NULL,
    name VARCHAR(300) NOT NULL,
    sort_name VARCHAR(300) NOT NULL,
    search_key VARCHAR NOT NULL,
    email VARCHAR,
    phone VARCHAR,
    company VARCHAR,
    role VARCHAR,
    source VARCHAR,
    notes VARCHAR,
    tags VARCHAR,
    journey_stage VARCHAR,
    journey_stage_manual BOOLEAN NOT NULL,
    external_id VARCHAR,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    PRIMARY KEY (id),
    UNIQUE (external_id)
);
CREATE INDEX ix_contact_email ON contact (email);
CREATE INDEX ix_contact_sort_name ON contact (sort_name, id);
CREATE TABLE touchpoint_kind (
    kind VARCHAR(100) NOT NULL,
    journey_stage VARCHAR NOT NULL,
    PRIMARY KEY (kind)
);
CREATE TABLE stage (
    id INTEGER NOT NULL,
    pipeline_id INTEGER NOT NULL,
    name VARCHAR(200) NOT NULL,
    position INTEGER NOT NULL,
    probability INTEGER NOT NULL,
    rotting_days INTEGER,
    removed BOOLEAN NOT NULL,
    PRIMARY KEY (id),
    FOREIGN KEY(pipeline_id) REFERENCES pipeline (id) ON DELETE RESTRICT
);
CREATE INDEX ix_stage_pipeline_position ON stage (pipeline_id, removed, position);
CREATE TABLE deal (
    id INTEGER NOT NULL,
    title VARCHAR(500) NOT NULL,
    search_key VARCHAR NOT NULL,
    pipeline_id INTEGER NOT NULL,
    stage_id INTEGER NOT NULL,
    status VARCHAR(10) NOT NULL,
    rank BIGINT NOT NULL,
    value_minor BIGINT NOT NULL,
    currency VARCHAR(3) NOT NULL,
    probability INTEGER,
    close_date DATE,
    source VARCHAR,
    lost_reason VARCHAR,
    contact_id INTEGER,
    external_id VARCHAR,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    stage_entered_at DATETIME NOT NULL,
    closed_at DATETIME,
    PRIMARY KEY (id),
    FOREIGN KEY(pipeline_id) REFERENCES pipeline (id) ON DELETE RESTRICT,
    FOREIGN KEY(stage_id) REFERENCES stage (id) ON DELETE RESTRICT,
    FOREIGN KEY(contact_id) REFERENCES contact (id) ON DELETE SET NULL,
    UNIQUE (external_id)
);
CREATE INDEX ix_deal_stage_values ON deal (stage_id, status, currency, value_minor, probability);
CREATE INDEX ix_deal_pipeline_status ON deal (pipeline_id, status, created_at);
CREATE INDEX ix_deal_contact ON deal (contact_id);
CREATE INDEX ix_deal_board ON deal (stage_id, status, rank, id);
CREATE TABLE stage_history (
    id INTEGER NOT NULL,
    deal_id INTEGER NOT NULL,
    at DATETIME NOT NULL,
    from_stage_id INTEGER,
    to_stage_id INTEGER NOT NULL,
    from_status VARCHAR,
    to_status VARCHAR NOT NULL,
    imported BOOLEAN NOT NULL,
    PRIMARY KEY (id),
    FOREIGN KEY(deal_id) REFERENCES deal (id) ON DELETE CASCADE,
    FOREIGN KEY(from_stage_id) REFERENCES stage (id),
    FOREIGN KEY(to_stage_id) REFERENCES stage (id)
);
CREATE INDEX ix_history_to_stage ON stage_history (to_stage_id);
CREATE INDEX ix_history_deal_at ON stage_history (deal_id, at);
CREATE TABLE touchpoint (
    id INTEGER NOT NULL,
    contact_id INTEGER NOT NULL,
    deal_id INTEGER,
    kind VARCHAR(100) NOT NULL,
    journey_stage VARCHAR NOT NULL,
    channel VARCHAR,
    direction VARCHAR,
    at DATETIME NOT NULL,
    summary VARCHAR,
    score INTEGER,
    PRIMARY KEY (id),
    FOREIGN KEY(contact_id) REFERENCES contact (id) ON DELETE CASCADE,
    FOREIGN KEY(deal_id) REFERENCES deal (id) ON DELETE SET NULL
);
CREATE INDEX ix_touchpoint_deal_at ON touchpoint (deal_id, at);
CREATE INDEX ix_touchpoint_at ON touchpoint (at);
CREATE INDEX ix_touchpoint_contact_at ON touchpoint (contact_id, at);
CREATE TABLE followup (
    id INTEGER NOT NULL,
    deal_id INTEGER,
    contact_id INTEGER,
    title VARCHAR NOT NULL,
    due DATE NOT NULL,
    created_at DATETIME NOT NULL,
    done_at DATETIME,
    PRIMARY KEY (id),
    FOREIGN KEY(deal_id) REFERENCES deal (id) ON DELETE CASCADE,
    FOREIGN KEY(contact_id) REFERENCES contact (id) ON DELETE CASCADE
);
CREATE INDEX ix_followup_deal ON followup (deal_id, done_at, due);
CREATE INDEX ix_followup_contact ON followup (contact_id, done_at, due);
CREATE INDEX ix_followup_open_due ON followup (done_at, due);
CREATE TABLE qualification (
    id INTEGER NOT NULL,
    deal_id INTEGER NOT NULL,
    framework VARCHAR(30) NOT NULL,
    criterion VARCHAR(30) NOT NULL,
    status VARCHAR(10) NOT NULL,
    amount_minor BIGINT,
    currency VARCHAR,
    who VARCHAR,
    note VARCHAR,
    target_date DATE,
    updated_at DATETIME NOT NULL,
    PRIMARY KEY (id),
    UNIQUE (deal_id, framework, criterion),
    FOREIGN KEY(deal_id) REFERENCES deal (id) ON DELETE CASCADE
);
"""
"""Schema version 1 exactly as pipetui 1 created it (its `create_all`, in its
order), frozen here so later changes to the models cannot change this "v1"."""

V1_ROWS = """
INSERT INTO pipetui_schema VALUES (1, 1);
INSERT INTO pipeline VALUES
    (1, 'Sales', 1, '2026-11-01 09:00:00.000000'),
    (2, 'שותפים', 2, '2026-11-02 09:30:00.000000');
INSERT INTO stage VALUES
    (1, 1, 'Prospecting', 1, 5, NULL, 0),
    (2, 1, 'Qualification', 2, 15, NULL, 0),
    (3, 1, 'Initial contact', 3, 25, NULL, 0),
    (4, 1, 'Needs assessment', 4, 40, NULL, 0),
    (5, 1, 'Proposal', 5, 60, NULL, 0),
    (6, 1, 'Negotiation', 6, 80, NULL, 0),
    (7, 2, 'היכרות', 1, 10, 14, 0),
    (8, 2, 'مفاوضات', 2, 50, NULL, 1);
INSERT INTO contact VALUES
    (1, 'דנה לוי', 'לוי דנה', 'דנה לוי', 'dana@example.co.il', '+972-3-555-0101',
     'אקמה בע"מ', 'סמנכ"לית רכש', 'referral', 'נפגשנו בכנס', 'vip,ת"א', 'consideration', 0,
     'crm-17', '2026-11-03 08:00:00.000000', '2026-11-10 12:15:30.250000'),
    (2, 'محمد علي', 'علي محمد', 'محمد علي', 'm@example.com', NULL, 'شركة النخيل', NULL, NULL,
     NULL, NULL, 'purchase', 1, NULL, '2026-11-04 08:00:00.000000',
     '2026-11-04 08:00:00.000000');
INSERT INTO touchpoint_kind VALUES ('סדנה', 'consideration');
INSERT INTO deal VALUES
    (1, 'עיצוב אתר — שלב ב', 'עיצוב אתר — שלב ב', 1, 2, 'open', 1000, 1200050, 'ILS', 30,
     '2026-12-31', 'referral', NULL, 1, 'crm-deal-9', '2026-11-05 09:00:00.000000',
     '2026-11-12 16:45:00.000000', '2026-11-12 16:45:00.000000', NULL),
    (2, 'خطة دعم سنوية', 'خطة دعم سنوية', 1, 6, 'won', 2000, 90000, 'USD', NULL, NULL, NULL,
     NULL, 2, NULL, '2026-11-06 09:00:00.000000', '2026-11-15 11:00:00.000000',
     '2026-11-08 10:00:00.000000', '2026-11-15 11:00:00.000000'),
    (3, 'Support plan — 日本', 'support plan — 日本', 2, 7, 'lost', -4611686018427387904,
     9000000000, 'JPY', NULL, NULL, NULL, 'Disqualified: budget', NULL, NULL,
     '2026-11-07 09:00:00.000000', '2026-11-16 09:00:00.000000',
     '2026-11-07 09:00:00.000000', '2026-11-16 09:00:00.000000');
INSERT INTO stage_history VALUES
    (1, 1, '2026-11-05 09:00:00.000000', NULL, 1, NULL, 'open', 0),
    (2, 1, '2026-11-12 16:45:00.000000', 1, 2, 'open', 'open', 0),
    (3, 2, '2026-11-06 09:00:00.000000', NULL, 6, NULL, 'open', 1),
    (4, 2, '2026-11-15 11:00:00.000000', 6, 6, 'open', 'won', 0),
    (5, 3, '2026-11-16 09:00:00.000000', 7, 7, 'open', 'lost', 0);
INSERT INTO touchpoint VALUES
    (1, 1, 1, 'סדנה', 'consideration', 'זום', 'out', '2026-11-10 12:15:30.250000',
     'הצגנו את ההצעה; ביקשה "עוד יום"', 4),
    (2, 2, NULL, 'purchase', 'purchase', NULL, 'in', '2026-11-15 11:00:00.000000', NULL, NULL);
INSERT INTO followup VALUES
    (1, 1, NULL, 'להתקשר לדנה אחרי החג', '2026-11-25', '2026-11-12 16:50:00.000000', NULL),
    (2, NULL, 2, 'متابعة التجديد', '2026-11-18', '2026-11-15 11:05:00.000000',
     '2026-11-18 08:30:00.000000');
INSERT INTO qualification VALUES
    (1, 1, 'bant', 'budget', 'partial', 1200000, 'ILS', NULL, 'תקציב מאושר חלקית', NULL,
     '2026-11-12 16:40:00.000000'),
    (2, 1, 'bant', 'authority', 'yes', NULL, NULL, 'דנה לוי', NULL, NULL,
     '2026-11-12 16:40:00.000000'),
    (3, 3, 'bant', 'budget', 'no', NULL, NULL, NULL, 'لا توجد ميزانية', NULL,
     '2026-11-16 09:00:00.000000'),
    (4, 1, 'bant', 'timeline', 'yes', NULL, NULL, NULL, NULL, '2027-01-15',
     '2026-11-12 16:40:00.000000');
"""
"""Rows in every v1 table, in Hebrew, Arabic and Japanese, in the formats
SQLAlchemy writes on SQLite (datetimes with microseconds, booleans as 0/1)."""

V1_TABLES = {
    "pipetui_schema",
    "pipeline",
    "stage",
    "contact",
    "touchpoint_kind",
    "deal",
    "stage_history",
    "touchpoint",
    "followup",
    "qualification",
}


def _make_v1(path: Path) -> None:
    """A schema-v1 file with data, left in WAL mode as pipetui leaves every file."""
    plain = sqlite3.connect(path)
    try:
        plain.execute("PRAGMA foreign_keys = ON")
        plain.executescript(f"BEGIN;\n{V1_SCHEMA}\n{V1_ROWS}\nCOMMIT;")
        assert plain.execute("PRAGMA foreign_key_check").fetchall() == []
        assert plain.execute("PRAGMA journal_mode = WAL").fetchone() == ("wal",)
    finally:
        plain.close()
    dumped = _dump(path)
    assert dumped["version"] == [(1,)]
    assert set(dumped["rows"]) == V1_TABLES
    assert all(dumped["rows"][table] for table in V1_TABLES)


def _schema(path: Path) -> dict[tuple[str, str], dict[str, Any]]:
    """Every table and index as SQLite describes it: columns (type, NOT NULL,
    default, primary key), foreign keys with their ON DELETE/ON UPDATE, indexes
    with their columns and uniqueness, and the DDL with whitespace normalised."""
    plain = sqlite3.connect(path)
    try:
        objects = plain.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()
        schema: dict[tuple[str, str], dict[str, Any]] = {}
        for kind, name, table, sql in objects:
            entry: dict[str, Any] = {
                "table": table,
                "sql": " ".join(sql.replace("(", " ( ").split()) if sql else None,
            }
            if kind == "table":
                entry["columns"] = plain.execute(f'PRAGMA table_xinfo("{name}")').fetchall()
                entry["foreign_keys"] = plain.execute(
                    f'PRAGMA foreign_key_list("{name}")'
                ).fetchall()
                entry["indexes"] = sorted(
                    row[1:] for row in plain.execute(f'PRAGMA index_list("{name}")')
                )
            else:
                entry["columns"] = plain.execute(f'PRAGMA index_xinfo("{name}")').fetchall()
            schema[(kind, name)] = entry
    finally:
        plain.close()
    return schema


def _sqlalchemy_schema(db: Database) -> dict[str, Any]:
    """The same, as SQLAlchemy's inspector reports it (what the models are checked against)."""
    with db.read() as conn:
        inspector = inspect(conn)
        return {
            table: {
                "columns": [
                    (c["name"], str(c["type"]), c["nullable"], c["default"])
                    for c in inspector.get_columns(table)
                ],
                "primary_key": inspector.get_pk_constraint(table)["constrained_columns"],
                "foreign_keys": sorted(
                    (
                        tuple(fk["constrained_columns"]),
                        fk["referred_table"],
                        tuple(fk["referred_columns"]),
                        tuple(sorted(fk["options"].items())),
                    )
                    for fk in inspector.get_foreign_keys(table)
                ),
                "indexes": sorted(
                    (i["name"], tuple(i["column_names"]), i["unique"])
                    for i in inspector.get_indexes(table)
                ),
                "unique": sorted(
                    tuple(u["column_names"]) for u in inspector.get_unique_constraints(table)
                ),
            }
            for table in sorted(inspector.get_table_names())
        }


def test_a_version_1_database_is_backed_up_and_migrated_to_the_latest_schema(
    db_path: Path, tmp_path: Path
) -> None:
    _make_v1(db_path)
    before = _dump(db_path)

    migrated = open_database(str(db_path), now=NOW)
    try:
        backup = db_path.with_name(f"pipetui.db.v1-{NOW:%Y%m%dT%H%M%S}.bak")
        assert migrated.migration == migrations.MigrationReport(False, 1, migrations.LATEST, backup)
        assert _version(migrated) == migrations.LATEST
        # The backup beside the file is the version-1 file, every row included.
        _check_backup(backup, before)
        assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".bak") == [backup.name]

        # Every row that was there is there unchanged; only the stamp moved.
        after = _dump(db_path)
        assert after["version"] == [(migrations.LATEST,)]
        for table in V1_TABLES - {"pipetui_schema"}:
            # v3 gave deals and contacts a version counter, 1 for every old row;
            # v4 an owner to deals and a "by" to history rows, NULL: not known;
            # v6 notes to deals, none; v7 tags to deals, none
            added = {
                "deal": (1, None, None, None),
                "contact": (1,),
                "stage_history": (None,),
                "touchpoint": (None,),
            }.get(table, ())
            rows = after["rows"][table]
            if table == "contact":  # v8 keeps figures on contacts (test_store_migration_v8)
                rows = [r[:-3] for r in rows]
            if table == "touchpoint":  # v7 logged the won deal's purchase (issue 19)
                kept = len(before["rows"][table])
                rows, logged = rows[:kept], rows[kept:]
                assert [(r[1], r[2], r[3]) for r in logged] == [(2, 2, "purchase")]
            assert rows == [(*r, *added) for r in before["rows"][table]], table
        assert after["rows"]["qualification_change"] == []

        # The migrated file has exactly the schema a new file gets.
        fresh = open_database(str(tmp_path / "fresh.db"), now=NOW)
        try:
            assert _schema(db_path) == _schema(tmp_path / "fresh.db")
            assert _sqlalchemy_schema(migrated) == _sqlalchemy_schema(fresh)
        finally:
            fresh.dispose()
        with migrated.read() as conn:
            foreign_keys = conn.exec_driver_sql(
                "PRAGMA foreign_key_list(qualification_change)"
            ).all()
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        assert [(fk[2], fk[3], fk[4], fk[6]) for fk in foreign_keys] == [
            ("deal", "deal_id", "id", "CASCADE")
        ]

        # The old data reads through the services, and the answers' history works.
        shown = deal_service.show_deal(migrated, 1)
        assert shown.view.deal.title == "עיצוב אתר — שלב ב"
        assert shown.answers["budget"].status is Answer.PARTIAL
        assert shown.answers["budget"].amount == Money(1_200_000, "ILS")
        assert shown.answer_history == []

        qualified = qualify_deal(migrated, 1, {"budget": {"status": Answer.YES}})
        change = AnswerChange("budget", Answer.PARTIAL, Answer.YES)
        assert qualified.changes == [change]
        shown = deal_service.show_deal(migrated, 1)
        assert [dated.change for dated in shown.answer_history] == [change]
        assert shown.answer_history[0].at.replace(tzinfo=UTC) == NOW
        assert shown.answers["budget"].status is Answer.YES
        assert shown.answers["budget"].amount == Money(1_200_000, "ILS")
        assert shown.answers["authority"].who == "דנה לוי"
        assert deal_service.show_deal(migrated, 3).answer_history == []

        # Deleting the deal takes its answers' history with it (ON DELETE CASCADE).
        with migrated.write() as conn:
            conn.exec_driver_sql("DELETE FROM deal WHERE id = 1")
        with migrated.read() as conn:
            left = conn.exec_driver_sql("SELECT count(*) FROM qualification_change").scalar()
        assert left == 0
    finally:
        migrated.dispose()


def test_a_failing_version_2_step_leaves_the_version_1_file_as_it_was(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _make_v1(db_path)
    before = _dump(db_path)
    columns: list[str] = []
    real_step = migrations.STEPS[2]

    def broken(conn: Connection) -> None:
        real_step(conn)
        columns.extend(c["name"] for c in inspect(conn).get_columns("qualification_change"))
        raise RuntimeError("the v2 step is broken")

    monkeypatch.setitem(migrations.STEPS, 2, broken)

    with pytest.raises(RuntimeError, match="the v2 step is broken"):
        open_database(str(db_path), now=NOW)

    assert "at" in columns  # the table was made, inside the transaction...
    after = _dump(db_path)  # ...and nothing of it is left
    assert after == before
    assert after["version"] == [(1,)]
    assert "qualification_change" not in after["rows"]
    plain = sqlite3.connect(db_path)
    try:
        assert plain.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        plain.close()
    # The backup made first is the same version-1 file.
    _check_backup(db_path.with_name(f"pipetui.db.v1-{NOW:%Y%m%dT%H%M%S}.bak"), before)

    # Once the step works again the file migrates (a minute later: a new backup name).
    monkeypatch.setitem(migrations.STEPS, 2, real_step)
    retried = open_database(str(db_path), now=NOW + timedelta(minutes=1))
    retried.dispose()
    assert _dump(db_path)["version"] == [(migrations.LATEST,)]
