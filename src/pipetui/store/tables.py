"""SQLModel tables for everything in DESIGN.md §1, indexed for the board, the
funnel aggregation and per-contact timelines.

Times are timezone-aware UTC (SQLModel stores them as UTC). Money is
`<name>_minor` (integer minor units) beside a three-letter `currency`. Text
that people search keeps a `search_key` (NFKC-casefolded) so search is
case-insensitive in every script on any engine.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Column, Index, Integer, Table, UniqueConstraint, event
from sqlalchemy.engine import Connection
from sqlmodel import Field, SQLModel

from pipetui.store import contact_rollups, deal_search


def _version_column() -> Column[int]:
    """A row's version (schema v3): 1 when inserted, one more on every change, so a
    change asked for from a view can check that the row is still what the view
    showed (DESIGN.md §5)."""
    return Column("version", Integer, nullable=False, default=1, server_default="1")


class SchemaVersionRow(SQLModel, table=True):
    """One row: the schema version this database is at (portable, not PRAGMA)."""

    __tablename__ = "pipetui_schema"
    id: int = Field(default=1, primary_key=True)
    version: int


class PipelineRow(SQLModel, table=True):
    """A pipeline; names are unique case-insensitively (checked by the service)."""

    __tablename__ = "pipeline"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    position: int = 0
    created_at: datetime


class StageRow(SQLModel, table=True):
    """A stage of a pipeline. A removed stage stays for its history (`removed`)."""

    __tablename__ = "stage"
    __table_args__ = (Index("ix_stage_pipeline_position", "pipeline_id", "removed", "position"),)
    id: int | None = Field(default=None, primary_key=True)
    pipeline_id: int = Field(foreign_key="pipeline.id", ondelete="RESTRICT")
    name: str = Field(max_length=200)
    position: int
    probability: int
    rotting_days: int | None = None
    removed: bool = False


class ContactRow(SQLModel, table=True):
    """A person. `journey_stage_manual` says the stage was set by hand."""

    __tablename__ = "contact"
    __table_args__ = (
        Index("ix_contact_sort_name", "sort_name", "id"),
        Index("ix_contact_email", "email"),
        # and on PostgreSQL `CONTACT_NAME_PREFIX_INDEX`, below
    )
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=300)
    sort_name: str = Field(max_length=300)
    search_key: str
    email: str | None = None
    phone: str | None = None
    company: str | None = None
    role: str | None = None
    source: str | None = None
    notes: str | None = None
    tags: str | None = None
    journey_stage: str | None = None
    journey_stage_manual: bool = False
    external_id: str | None = Field(default=None, unique=True)
    created_at: datetime
    updated_at: datetime
    version: int = Field(default=1, sa_column=_version_column())
    last_touch_at: datetime | None = None
    """The latest of the contact's touchpoints, at any date (schema v8): kept
    by triggers on `touchpoint` (`pipetui.store.contact_rollups`), never written here."""
    open_value_high: int = Field(
        default=0, sa_column=Column(BigInteger, nullable=False, default=0, server_default="0")
    )
    open_value_low: int = Field(
        default=0, sa_column=Column(BigInteger, nullable=False, default=0, server_default="0")
    )
    """The sum of the contact's open deals' values in two exact parts (schema
    v8, `pipetui.store.sums`), kept by triggers on `deal` like `last_touch_at`."""


class ContactDetailRow(SQLModel, table=True):
    """One email, phone, address, web site, birthday or department of a contact
    (schema v5), in the order the contact's source gave them. `label` is the
    type ("work", "cell"); `pref` marks the preferred one of its kind."""

    __tablename__ = "contact_detail"
    __table_args__ = (Index("ix_contact_detail_contact", "contact_id", "position"),)
    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contact.id", ondelete="CASCADE")
    kind: str = Field(max_length=20)
    label: str | None = Field(default=None, max_length=100)
    value: str
    pref: bool = False
    position: int


class DealRow(SQLModel, table=True):
    """A deal. `rank` orders cards within a stage (smaller first);
    `stage_entered_at` is kept beside the history so cards need no join."""

    __tablename__ = "deal"
    __table_args__ = (
        Index("ix_deal_board", "stage_id", "status", "rank", "id"),
        Index("ix_deal_pipeline_status", "pipeline_id", "status", "created_at"),
        # Covers the column headers' sums (and counts), so they never touch the
        # table itself, for everyone's deals or one owner's (schema v4).
        Index(
            "ix_deal_stage_values",
            "stage_id",
            "status",
            "currency",
            "value_minor",
            "probability",
            "owner",
        ),
        Index("ix_deal_contact", "contact_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=500)
    search_key: str
    pipeline_id: int = Field(foreign_key="pipeline.id", ondelete="RESTRICT")
    stage_id: int = Field(foreign_key="stage.id", ondelete="RESTRICT")
    status: str = Field(max_length=10)
    rank: int = Field(sa_column=Column(BigInteger, nullable=False))
    value_minor: int = Field(sa_column=Column(BigInteger, nullable=False))
    currency: str = Field(max_length=3)
    probability: int | None = None
    close_date: date | None = None
    source: str | None = None
    lost_reason: str | None = None
    contact_id: int | None = Field(default=None, foreign_key="contact.id", ondelete="SET NULL")
    external_id: str | None = Field(default=None, unique=True)
    created_at: datetime
    updated_at: datetime
    stage_entered_at: datetime
    closed_at: datetime | None = None
    version: int = Field(default=1, sa_column=_version_column())
    owner: str | None = None
    """Whose deal it is (schema v4); NULL: nobody's, the team's."""
    notes: str | None = None
    """Free text about the deal, any script, line breaks kept (schema v6);
    searched through `search_key` with the title."""
    tags: str | None = None
    """Comma-separated segment tags, as on contacts (schema v7)."""


class StageHistoryRow(SQLModel, table=True):
    """Every stage move and status change of a deal, written with the change."""

    __tablename__ = "stage_history"
    __table_args__ = (
        Index("ix_history_deal_at", "deal_id", "at"),
        Index("ix_history_to_stage", "to_stage_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    deal_id: int = Field(foreign_key="deal.id", ondelete="CASCADE")
    at: datetime
    from_stage_id: int | None = Field(default=None, foreign_key="stage.id")
    to_stage_id: int = Field(foreign_key="stage.id")
    from_status: str | None = None
    to_status: str
    imported: bool = False
    by: str | None = None
    """Who made the change (schema v4; NULL: not known)."""


class TouchpointKindRow(SQLModel, table=True):
    """A kind of touchpoint the user added, mapped to a journey stage."""

    __tablename__ = "touchpoint_kind"
    kind: str = Field(primary_key=True, max_length=100)
    journey_stage: str


class TouchpointRow(SQLModel, table=True):
    """One interaction on a contact's journey."""

    __tablename__ = "touchpoint"
    __table_args__ = (
        Index("ix_touchpoint_contact_at", "contact_id", "at"),
        Index("ix_touchpoint_deal_at", "deal_id", "at"),
        Index("ix_touchpoint_at", "at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contact.id", ondelete="CASCADE")
    deal_id: int | None = Field(default=None, foreign_key="deal.id", ondelete="SET NULL")
    kind: str = Field(max_length=100)
    journey_stage: str
    channel: str | None = None
    direction: str | None = None
    at: datetime
    summary: str | None = None
    score: int | None = None
    by: str | None = None
    """Who logged it (schema v4; NULL: not known)."""


class FollowUpRow(SQLModel, table=True):
    """A dated next step on a deal or a contact."""

    __tablename__ = "followup"
    __table_args__ = (
        Index("ix_followup_open_due", "done_at", "due"),
        Index("ix_followup_deal", "deal_id", "done_at", "due"),
        Index("ix_followup_contact", "contact_id", "done_at", "due"),
    )
    id: int | None = Field(default=None, primary_key=True)
    deal_id: int | None = Field(default=None, foreign_key="deal.id", ondelete="CASCADE")
    contact_id: int | None = Field(default=None, foreign_key="contact.id", ondelete="CASCADE")
    title: str
    due: date
    created_at: datetime
    done_at: datetime | None = None


class QualificationRow(SQLModel, table=True):
    """One criterion's answer for a deal, in any framework (BANT by default)."""

    __tablename__ = "qualification"
    __table_args__ = (UniqueConstraint("deal_id", "framework", "criterion"),)
    id: int | None = Field(default=None, primary_key=True)
    deal_id: int = Field(foreign_key="deal.id", ondelete="CASCADE")
    framework: str = Field(max_length=30)
    criterion: str = Field(max_length=30)
    status: str = Field(max_length=10)
    amount_minor: int | None = Field(default=None, sa_column=Column(BigInteger))
    currency: str | None = None
    who: str | None = None
    note: str | None = None
    target_date: date | None = None
    updated_at: datetime


class QualificationChangeRow(SQLModel, table=True):
    """When an answer changed, and what: "Budget: partial → yes" (schema v2)."""

    __tablename__ = "qualification_change"
    __table_args__ = (Index("ix_qualification_change_deal_at", "deal_id", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    deal_id: int = Field(foreign_key="deal.id", ondelete="CASCADE")
    framework: str = Field(max_length=30)
    criterion: str = Field(max_length=30)
    from_status: str = Field(max_length=10)
    to_status: str = Field(max_length=10)
    details: str | None = None
    at: datetime
    by: str | None = None
    """Who saved the answer (schema v4; NULL: not known)."""


class SourceSpendRow(SQLModel, table=True):
    """What the user spent on a lead source in a month, per currency (schema v2):
    the base of cost per lead and customer acquisition cost."""

    __tablename__ = "source_spend"
    __table_args__ = (UniqueConstraint("source_key", "month", "currency"),)
    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=200)
    source_key: str = Field(max_length=200)
    month: str = Field(max_length=7)
    amount_minor: int = Field(sa_column=Column(BigInteger, nullable=False))
    currency: str = Field(max_length=3)
    updated_at: datetime


class GoalRow(SQLModel, table=True):
    """A seller's target for a period (schema v7): new leads, won value (per
    currency) or deals reaching a stage, optionally for one pipeline or lead
    source. `period_end` is exclusive; `target` is a count, or minor units of
    `currency` for a money goal."""

    __tablename__ = "goal"
    __table_args__ = (Index("ix_goal_period", "period_start", "period_end"),)
    id: int | None = Field(default=None, primary_key=True)
    metric: str = Field(max_length=20)
    period: str = Field(max_length=10)
    period_start: date
    period_end: date
    target: int = Field(sa_column=Column(BigInteger, nullable=False))
    currency: str | None = Field(default=None, max_length=3)
    pipeline_id: int | None = Field(default=None, foreign_key="pipeline.id", ondelete="CASCADE")
    stage_id: int | None = Field(default=None, foreign_key="stage.id", ondelete="CASCADE")
    source: str | None = Field(default=None, max_length=200)
    source_key: str | None = Field(default=None, max_length=200)
    created_at: datetime
    updated_at: datetime
    by: str | None = None


class FunnelCountRow(SQLModel, table=True):
    """How many people without a name reached a journey stage from a source in
    a month (schema v7): visitors, ad views, sign-ups entered in bulk, so the
    marketing funnel can start before there are contacts. `source_key` is ""
    when no source is given, so the unique key holds."""

    __tablename__ = "funnel_count"
    __table_args__ = (UniqueConstraint("journey_stage", "source_key", "month"),)
    id: int | None = Field(default=None, primary_key=True)
    journey_stage: str = Field(max_length=20)
    source: str | None = Field(default=None, max_length=200)
    source_key: str = Field(default="", max_length=200)
    month: str = Field(max_length=7)
    count: int = Field(sa_column=Column(BigInteger, nullable=False))
    updated_at: datetime
    by: str | None = None


class FunnelFactRow(SQLModel, table=True):
    """The funnel summed per pipeline and UTC day of creation (schema v2); see
    `pipetui.store.funnel_facts` for what each fact means."""

    __tablename__ = "funnel_fact"
    __table_args__ = (UniqueConstraint("pipeline_id", "day", "fact", "stage_id", "currency"),)
    id: int | None = Field(default=None, primary_key=True)
    pipeline_id: int = Field(foreign_key="pipeline.id", ondelete="CASCADE")
    day: str = Field(max_length=10)
    fact: str = Field(max_length=10)
    stage_id: int
    currency: str = Field(max_length=3)
    n: int = Field(sa_column=Column(BigInteger, nullable=False))
    amount: int = Field(sa_column=Column(BigInteger, nullable=False))
    amount_own: int = Field(sa_column=Column(BigInteger, nullable=False))
    ms: int = Field(sa_column=Column(BigInteger, nullable=False))
    open_n: int = Field(sa_column=Column(BigInteger, nullable=False))
    open_start: int = Field(sa_column=Column(BigInteger, nullable=False))


METADATA = SQLModel.metadata


def _table(model: type[SQLModel]) -> Table:
    """The Core table of a model: typed columns (`TABLE.c.name`) for queries."""
    table = model.__table__  # type: ignore[attr-defined]
    assert isinstance(table, Table)
    return table


SCHEMA_VERSION = _table(SchemaVersionRow)
PIPELINE = _table(PipelineRow)
STAGE = _table(StageRow)
CONTACT = _table(ContactRow)
CONTACT_DETAIL = _table(ContactDetailRow)
DEAL = _table(DealRow)
STAGE_HISTORY = _table(StageHistoryRow)
TOUCHPOINT_KIND = _table(TouchpointKindRow)
TOUCHPOINT = _table(TouchpointRow)
FOLLOWUP = _table(FollowUpRow)
QUALIFICATION = _table(QualificationRow)
QUALIFICATION_CHANGE = _table(QualificationChangeRow)
SOURCE_SPEND = _table(SourceSpendRow)
FUNNEL_FACT = _table(FunnelFactRow)
GOAL = _table(GoalRow)
FUNNEL_COUNT = _table(FunnelCountRow)


def _rollups(_table: Table, connection: Connection, **_: object) -> None:
    contact_rollups.create_triggers(connection)
    contact_rollups.create_search(connection)
    deal_search.create(connection)


event.listen(TOUCHPOINT, "after_create", _rollups)
"""Contact figures and the search indexes kept by triggers (`contact_rollups`,
`contact_search`, `deal_search`), once their tables exist."""

CONTACT_NAME_PREFIX_INDEX = (
    "CREATE INDEX IF NOT EXISTS ix_contact_sort_name_prefix ON contact (sort_name text_pattern_ops)"
)
"""PostgreSQL (schema v7): a name prefix (LIKE 'dan%', the deal form's Contact
field) uses a btree only in "C" order, whatever the database's collation.
SQLite reads the prefix as a range of `ix_contact_sort_name`. Plain DDL, not an
`Index(postgresql_ops=…)`: checking that argument imports SQLAlchemy's
PostgreSQL dialect (2.2 MiB) into every process, SQLite files included."""


def _name_prefix_index(_table: Table, connection: Connection, **_: object) -> None:
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(CONTACT_NAME_PREFIX_INDEX)


event.listen(CONTACT, "after_create", _name_prefix_index)
