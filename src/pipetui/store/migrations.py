"""Schema versioning: a small migrator instead of Alembic.

Why not Alembic: pipetui ships its schema inside the app and migrates the user's
file on start; Alembic would add a second configuration system, script
directory and ~0.1 s of imports for what is a list of functions here. What we
keep from it: batch-free portable DDL (every step uses SQLAlchemy, so the same
steps run on PostgreSQL), transactional DDL, and "create_all then stamp" for a
new database.

The version lives in the portable `pipetui_schema` table, not SQLite's
``user_version``, so PostgreSQL gets the same path. The rules:

- A new database: create every table, stamp `LATEST`, seed the default
  pipeline, all in one transaction.
- An older database: back it up online first (SQLite backup API), then run
  every pending step and the new stamp in ONE transaction. If any step fails,
  the transaction rolls back and the file is exactly as before.
- A newer database (from a newer pipetui) is refused before anything is written.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Engine,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    inspect,
    select,
)
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DatabaseError

from pipetui.store import contact_rollups, deal_search, funnel_facts, tables, touchpoints
from pipetui.store.light import LATEST, SchemaError
from pipetui.store.seed import seed_default_pipeline

Step = Callable[[Connection], None]


def _v2_answer_history_and_spend(connection: Connection) -> None:
    """v2: the history of qualification answers ("Budget: partial → yes"), the
    spend per lead source and month, and the funnel's running summary.

    The tables are spelled out here rather than taken from `tables`: a step must
    keep creating what v2 was, whatever later versions do to the model. Times
    are `timestamp with time zone` on PostgreSQL, as in every other table
    (before v4 this step made them without: `_v4_who_did_it` mends those).
    """
    metadata = MetaData()
    Table("deal", metadata, autoload_with=connection)
    Table(
        "qualification_change",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("deal_id", Integer, ForeignKey("deal.id", ondelete="CASCADE"), nullable=False),
        Column("framework", String(30), nullable=False),
        Column("criterion", String(30), nullable=False),
        Column("from_status", String(10), nullable=False),
        Column("to_status", String(10), nullable=False),
        Column("details", String, nullable=True),
        Column("at", DateTime(timezone=True), nullable=False),
        Index("ix_qualification_change_deal_at", "deal_id", "at"),
    ).create(connection)
    Table(
        "source_spend",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("source", String(200), nullable=False),
        Column("source_key", String(200), nullable=False),
        Column("month", String(7), nullable=False),
        Column("amount_minor", BigInteger, nullable=False),
        Column("currency", String(3), nullable=False),
        Column("updated_at", DateTime(timezone=True), nullable=False),
        UniqueConstraint("source_key", "month", "currency"),
    ).create(connection)
    Table("pipeline", metadata, autoload_with=connection)
    Table(
        "funnel_fact",
        metadata,
        Column("id", Integer, primary_key=True),
        Column(
            "pipeline_id", Integer, ForeignKey("pipeline.id", ondelete="CASCADE"), nullable=False
        ),
        Column("day", String(10), nullable=False),
        Column("fact", String(10), nullable=False),
        Column("stage_id", Integer, nullable=False),
        Column("currency", String(3), nullable=False),
        Column("n", BigInteger, nullable=False),
        Column("amount", BigInteger, nullable=False),
        Column("amount_own", BigInteger, nullable=False),
        Column("ms", BigInteger, nullable=False),
        Column("open_n", BigInteger, nullable=False),
        Column("open_start", BigInteger, nullable=False),
        UniqueConstraint("pipeline_id", "day", "fact", "stage_id", "currency"),
    ).create(connection)
    funnel_facts.rebuild(connection)  # derived data: today's code sums the old deals


def _v3_row_versions(connection: Connection) -> None:
    """v3: a version counter on deals and contacts, so a change made from a stale
    view (another window or a CLI wrote in between) is refused, not applied;
    and the funnel summary rewritten in its overflow-proof form.

    ADD COLUMN with a constant default is portable (SQLite and PostgreSQL) and
    fills every existing row with 1.
    """
    for table in ("deal", "contact"):
        connection.exec_driver_sql(
            f"ALTER TABLE {table} ADD COLUMN version INTEGER DEFAULT '1' NOT NULL"
        )
    # The funnel summary now keeps amounts above 32 bits in a row of their own
    # (`funnel_facts`): rewrite it, which also repairs sums SQLite turned REAL.
    funnel_facts.rebuild(connection)


_HISTORY_TABLES = ("stage_history", "qualification_change", "touchpoint")


def _v4_who_did_it(connection: Connection) -> None:
    """v4 (team mode): who made each change and whose each deal is. A `by` on
    every history row (stage moves and status changes, BANT answers,
    touchpoints) and an `owner` on deals, NULL in every row from before ("not
    known"; an unowned deal is the team's). The headers' covering index gets
    the owner, so one owner's column sums stay index-only.

    On PostgreSQL, every time column still `timestamp without time zone` (those
    the v2 step made before it was mended) also becomes `timestamptz`, its
    values read as the UTC they were written in. Nothing to do on SQLite, which
    has no such types.
    """
    for table in _HISTORY_TABLES:
        connection.exec_driver_sql(f'ALTER TABLE {table} ADD COLUMN "by" VARCHAR')
    connection.exec_driver_sql("ALTER TABLE deal ADD COLUMN owner VARCHAR")
    connection.exec_driver_sql("DROP INDEX ix_deal_stage_values")
    connection.exec_driver_sql(
        "CREATE INDEX ix_deal_stage_values ON deal"
        " (stage_id, status, currency, value_minor, probability, owner)"
    )
    if connection.dialect.name == "postgresql":
        _times_with_zone(connection)


def _times_with_zone(connection: Connection) -> None:
    """PostgreSQL: `timestamp without time zone` columns to `timestamptz`, the
    wall times in them taken as UTC (how pipetui writes every time)."""
    found = connection.exec_driver_sql(
        "SELECT table_name, column_name FROM information_schema.columns"
        " WHERE table_schema = current_schema()"
        " AND data_type = 'timestamp without time zone'"
        " ORDER BY table_name, column_name"
    ).all()
    for table, column in found:
        connection.exec_driver_sql(
            f'ALTER TABLE "{table}" ALTER COLUMN "{column}" TYPE timestamptz'
            f" USING \"{column}\" AT TIME ZONE 'UTC'"
        )


def _v5_contact_details(connection: Connection) -> None:
    """v5 (issue 18): every email and phone of a contact with its type and
    preference, and its address, web site, birthday and department, in a child
    table. Contacts from before have none: their one email and phone stay in
    the contact's own columns, which still hold the main ones."""
    metadata = MetaData()
    Table("contact", metadata, autoload_with=connection)
    Table(
        "contact_detail",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("contact_id", Integer, ForeignKey("contact.id", ondelete="CASCADE"), nullable=False),
        Column("kind", String(20), nullable=False),
        Column("label", String(100), nullable=True),
        Column("value", String, nullable=False),
        Column("pref", Boolean, nullable=False),
        Column("position", Integer, nullable=False),
        Index("ix_contact_detail_contact", "contact_id", "position"),
    ).create(connection)


def _v6_deal_notes(connection: Connection) -> None:
    """v6 (issue 17): free-text notes on deals, searched with the title.

    Every deal from before has no notes (NULL), and a deal's `search_key` is
    now made of its title and notes (`search_key(title, notes)`), which for a
    deal without notes is the title's key it already holds: no row needs
    rewriting, so the step costs the same at 100,000 deals as at ten."""
    connection.exec_driver_sql("ALTER TABLE deal ADD COLUMN notes VARCHAR")


def _v7_goals_counts_and_deal_tags(connection: Connection) -> None:
    """v7 (issue 19): sellers' goals, anonymous funnel counts, and tags on
    deals. New tables and a NULL column: no existing row is rewritten."""
    tables.GOAL.create(connection)
    tables.FUNNEL_COUNT.create(connection)
    connection.exec_driver_sql("ALTER TABLE deal ADD COLUMN tags VARCHAR")
    if connection.dialect.name == "postgresql":  # (a contact name prefix, by index: tables.py)
        connection.exec_driver_sql(tables.CONTACT_NAME_PREFIX_INDEX)
    # A won deal is a purchase on its contact's journey: deals won before v7
    # get their purchase touchpoint now, once (issue 19; `sync_purchases`).
    touchpoints.follow_latest(connection, touchpoints.sync_purchases(connection))


def _v8_contact_rollups(connection: Connection) -> None:
    """v8 (issue 21): each contact's latest touchpoint and open deal value kept
    on the contact, by triggers on `touchpoint` and `deal`
    (`pipetui.store.contact_rollups`), so the contacts screen sorts by last
    touch or value through the contact's own columns. Filled once here (one
    UPDATE, index lookups per contact). A database whose tables were made by
    this version's model already has the columns."""
    columns = {c["name"] for c in inspect(connection).get_columns("contact")}
    moment = "TIMESTAMP WITH TIME ZONE" if connection.dialect.name == "postgresql" else "DATETIME"
    for name, kind in (
        ("last_touch_at", moment),
        ("open_value_high", "BIGINT DEFAULT '0' NOT NULL"),
        ("open_value_low", "BIGINT DEFAULT '0' NOT NULL"),
    ):
        if name not in columns:
            connection.exec_driver_sql(f"ALTER TABLE contact ADD COLUMN {name} {kind}")
    contact_rollups.create_triggers(connection)
    contact_rollups.backfill(connection)
    contact_rollups.create_search(connection)  # (SQLite: the trigram index of search keys)
    contact_rollups.fill_search(connection)


def _v9_deal_search(connection: Connection) -> None:
    """v9 (issue 21): (SQLite) a trigram index of deals' search keys, kept by
    triggers on `deal` (`pipetui.store.deal_search`), so the board's `/`
    filter reads the deals a word can match rather than every open deal, and
    an index for the contacts screen's sort by last touch. Filled once here;
    nothing else changes (PostgreSQL: nothing at all)."""
    deal_search.create(connection)
    deal_search.fill(connection)
    if connection.dialect.name == "sqlite":  # (the contacts screen's sort by last touch)
        connection.exec_driver_sql(contact_rollups.LAST_TOUCH_INDEX)


# version -> the step that brings a database from version-1 to version.
STEPS: Mapping[int, Step] = {
    2: _v2_answer_history_and_spend,
    3: _v3_row_versions,
    4: _v4_who_did_it,
    5: _v5_contact_details,
    6: _v6_deal_notes,
    7: _v7_goals_counts_and_deal_tags,
    8: _v8_contact_rollups,
    9: _v9_deal_search,
}


@dataclass(frozen=True, slots=True)
class MigrationReport:
    """What `prepare_schema` did: created, migrated from a version, or nothing."""

    created: bool
    from_version: int
    to_version: int
    backup: Path | None = None


def read_version(connection: Connection) -> int | None:
    """The schema version, 0 for an empty database, None if it is not pipetui's."""
    names = set(inspect(connection).get_table_names())
    if not names:
        return 0
    if tables.SCHEMA_VERSION.name not in names:
        return None
    version = connection.execute(select(tables.SCHEMA_VERSION.c.version)).scalar()
    return int(version) if version is not None else None


def prepare_schema(
    engine: Engine,
    read_engine: Engine,
    *,
    backup: Callable[[int], Path | None],
    now: datetime,
    steps: Mapping[int, Step] = STEPS,
    latest: int = LATEST,
) -> MigrationReport:
    """Bring the database to `latest`, or refuse it untouched (see module doc).

    The version is read twice: first in a read transaction (so a database that
    needs nothing, or that must be refused, is never locked for writing), then
    again under the write lock, because another process may have created or
    migrated the same file in between (two pipetui processes started at once).
    """
    try:
        with read_engine.connect() as connection:
            version = read_version(connection)
            connection.rollback()
    except DatabaseError as error:
        # A plain DatabaseError is about the file's contents (SQLite: "file is not
        # a database", "disk image is malformed"); locks and I/O are OperationalError.
        if type(error) is not DatabaseError:
            raise
        raise SchemaError(
            f"{engine.url.render_as_string()} is not a database pipetui can read "
            f"({error.orig}); the file was not changed"
        ) from error
    _check_usable(engine, version, latest)
    if version == latest:
        return MigrationReport(False, version, version)
    backup_path = backup(version) if version else None
    with engine.begin() as connection:
        current = read_version(connection)
        _check_usable(engine, current, latest)
        assert current is not None
        if current == latest:
            return MigrationReport(False, current, current, backup_path)
        if current == 0:
            tables.METADATA.create_all(connection)
            connection.execute(tables.SCHEMA_VERSION.insert().values(version=latest))
            seed_default_pipeline(connection, now=now)
            return MigrationReport(True, 0, latest)
        for target in range(current + 1, latest + 1):
            steps[target](connection)
        connection.execute(tables.SCHEMA_VERSION.update().values(version=latest))
    return MigrationReport(False, current, latest, backup_path)


def _check_usable(engine: Engine, version: int | None, latest: int) -> None:
    """Raise SchemaError for a database that is not pipetui's or is newer than `latest`."""
    if version is None:
        raise SchemaError(
            f"{engine.url.render_as_string()} has tables but is not a pipetui database"
        )
    if version > latest:
        raise SchemaError(
            f"this database uses schema version {version}, newer than this pipetui "
            f"understands ({latest}); upgrade pipetui to open it (the file was not changed)"
        )
