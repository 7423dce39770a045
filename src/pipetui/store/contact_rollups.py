"""Figures about a contact kept on the contact row (schema v8, issue 21), so the
contacts screen sorts 50,000 contacts reading their own columns instead of
looking up 50,000 maxima among a million touchpoints or sums among the deals:

- `last_touch_at`: the latest `at` of the contact's touchpoints, at any date
  (one logged ahead too; NULL: none). The screen counts touches up to now
  (`pipetui.store.contact_sorts`).
- `open_value_high`, `open_value_low`: the sum of their open deals'
  `value_minor` (every currency together, as the sort always did) in the exact
  two-part form of `pipetui.store.sums`: high = the high halves' sum plus the
  carry out of the low halves, low = the low 32 bits. Sorting by (high, low)
  is sorting by the exact sum, at any size; 0, 0 without open deals.

The database keeps them with triggers on `touchpoint` and `deal`: every writer
(the TUI, the CLI, an import, a merge, a restore, undo, the demo's bulk rows,
COPY on PostgreSQL, a cascade) keeps them right without knowing they are there.
A new touchpoint only raises `last_touch_at`, a new open deal only adds to the
value (no lookup: a bulk insert drops and rebuilds the indexes); anything else
reads the contact's figure again through `ix_touchpoint_contact_at` or
`ix_deal_contact` (one contact's rows).
"""

from __future__ import annotations

from sqlalchemy.engine import Connection

_TOUCH = "(SELECT max(at) FROM touchpoint WHERE contact_id = {who})"
_HIGH = (
    "(SELECT coalesce(sum(value_minor >> 32), 0)"
    " + (CAST(coalesce(sum(value_minor & 4294967295), 0) AS BIGINT) >> 32)"
    " FROM deal WHERE contact_id = {who} AND status = 'open')"
)
_LOW = (
    "(SELECT CAST(coalesce(sum(value_minor & 4294967295), 0) AS BIGINT) & 4294967295"
    " FROM deal WHERE contact_id = {who} AND status = 'open')"
)


def _touch(who: str) -> str:
    return f"UPDATE contact SET last_touch_at = {_TOUCH.format(who=who)} WHERE id = {who};"


def _raise(who: str) -> str:
    return (
        f"UPDATE contact SET last_touch_at = {who}.at"
        f" WHERE id = {who}.contact_id AND (last_touch_at IS NULL OR last_touch_at < {who}.at);"
    )


def _add(who: str) -> str:
    """Add a new open deal's value to its contact's two parts, exactly: the low
    part and the value's low half are each below 2**32, so their sum is below
    2**33; no lookup (a bulk insert may have dropped `ix_deal_contact`)."""
    low = f"(open_value_low + ({who}.value_minor & 4294967295))"
    return (
        f"UPDATE contact SET open_value_high = open_value_high + ({who}.value_minor >> 32)"
        f" + ({low} >> 32), open_value_low = {low} & 4294967295"
        f" WHERE id = {who}.contact_id;"
    )


def _value(who: str) -> str:
    return (
        f"UPDATE contact SET open_value_high = {_HIGH.format(who=who)},"
        f" open_value_low = {_LOW.format(who=who)} WHERE id = {who};"
    )


_INDEX = (
    "CREATE INDEX IF NOT EXISTS ix_contact_open_value"
    " ON contact (open_value_high DESC, open_value_low DESC, sort_name, id)"
)
"""The value sort as an index walk (DESC columns: no SQLAlchemy model index)."""

LAST_TOUCH_INDEX = (
    "CREATE INDEX IF NOT EXISTS ix_contact_last_touch"
    " ON contact (last_touch_at DESC, sort_name, id)"
)
"""SQLite (schema v9): the last-touch sort as an index walk when no contact's
latest touch is ahead of now (`pipetui.store.journey.contact_ids`); SQLite
puts NULLs (never touched) last in a DESC order, as that sort wants them."""

_SQLITE = (
    _INDEX,
    LAST_TOUCH_INDEX,
    "CREATE TRIGGER IF NOT EXISTS tr_touchpoint_rollup_insert AFTER INSERT ON touchpoint"
    f" BEGIN {_raise('NEW')} END",
    "CREATE TRIGGER IF NOT EXISTS tr_touchpoint_rollup_delete AFTER DELETE ON touchpoint"
    f" BEGIN {_touch('OLD.contact_id')} END",
    "CREATE TRIGGER IF NOT EXISTS tr_touchpoint_rollup_update"
    " AFTER UPDATE OF contact_id, at ON touchpoint"
    f" BEGIN {_touch('OLD.contact_id')} {_touch('NEW.contact_id')} END",
    "CREATE TRIGGER IF NOT EXISTS tr_deal_rollup_insert AFTER INSERT ON deal"
    " WHEN NEW.contact_id IS NOT NULL AND NEW.status = 'open'"
    f" BEGIN {_add('NEW')} END",
    "CREATE TRIGGER IF NOT EXISTS tr_deal_rollup_delete AFTER DELETE ON deal"
    " WHEN OLD.contact_id IS NOT NULL AND OLD.status = 'open'"
    f" BEGIN {_value('OLD.contact_id')} END",
    "CREATE TRIGGER IF NOT EXISTS tr_deal_rollup_update"
    " AFTER UPDATE OF contact_id, status, value_minor ON deal"
    f" BEGIN {_value('OLD.contact_id')} {_value('NEW.contact_id')} END",
)
_POSTGRESQL = (
    _INDEX,
    "CREATE OR REPLACE FUNCTION pipetui_touchpoint_rollup() RETURNS trigger"
    " LANGUAGE plpgsql AS $$ BEGIN"
    f" IF TG_OP IN ('UPDATE', 'DELETE') THEN {_touch('OLD.contact_id')} END IF;"
    f" IF TG_OP = 'INSERT' THEN {_raise('NEW')} END IF;"
    f" IF TG_OP = 'UPDATE' THEN {_touch('NEW.contact_id')} END IF;"
    " RETURN NULL; END $$",
    "DROP TRIGGER IF EXISTS tr_touchpoint_rollup ON touchpoint",
    "CREATE TRIGGER tr_touchpoint_rollup"
    " AFTER INSERT OR DELETE OR UPDATE OF contact_id, at ON touchpoint"
    " FOR EACH ROW EXECUTE FUNCTION pipetui_touchpoint_rollup()",
    "CREATE OR REPLACE FUNCTION pipetui_deal_rollup() RETURNS trigger"
    " LANGUAGE plpgsql AS $$ BEGIN"
    " IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.contact_id IS NOT NULL THEN"
    f" {_value('OLD.contact_id')} END IF;"
    " IF TG_OP = 'INSERT' AND NEW.contact_id IS NOT NULL AND NEW.status = 'open' THEN"
    f" {_add('NEW')} END IF;"
    " IF TG_OP = 'UPDATE' AND NEW.contact_id IS NOT NULL THEN"
    f" {_value('NEW.contact_id')} END IF;"
    " RETURN NULL; END $$",
    "DROP TRIGGER IF EXISTS tr_deal_rollup ON deal",
    "CREATE TRIGGER tr_deal_rollup"
    " AFTER INSERT OR DELETE OR UPDATE OF contact_id, status, value_minor ON deal"
    " FOR EACH ROW EXECUTE FUNCTION pipetui_deal_rollup()",
)


def create_triggers(connection: Connection) -> None:
    """The triggers that keep the figures (once `contact`, `deal` and
    `touchpoint` exist; `tables` runs this after creating `touchpoint`)."""
    statements = _POSTGRESQL if connection.dialect.name == "postgresql" else _SQLITE
    for statement in statements:
        connection.exec_driver_sql(statement)


def backfill(connection: Connection) -> None:
    """Every contact's figures from their touchpoints and deals (one statement)."""
    connection.exec_driver_sql(
        "UPDATE contact SET"
        f" last_touch_at = {_TOUCH.format(who='contact.id')},"
        f" open_value_high = {_HIGH.format(who='contact.id')},"
        f" open_value_low = {_LOW.format(who='contact.id')}"
    )


# -- the search index (`pipetui.store.contact_search`) ------------------------

_PAD = "'  '"
"""Two spaces after every stored key (`pipetui.store.contact_search`)."""

_CREATE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS contact_search USING fts5("
    "key, sort_name UNINDEXED, tokenize = 'trigram case_sensitive 1', detail = none)",
    "CREATE VIRTUAL TABLE IF NOT EXISTS contact_search_terms USING fts5vocab(contact_search, row)",
    "CREATE TRIGGER IF NOT EXISTS tr_contact_search_insert AFTER INSERT ON contact BEGIN"
    " INSERT INTO contact_search (rowid, key, sort_name)"
    f" VALUES (NEW.id, NEW.search_key || {_PAD}, NEW.sort_name);"
    " END",
    "CREATE TRIGGER IF NOT EXISTS tr_contact_search_delete AFTER DELETE ON contact BEGIN"
    " DELETE FROM contact_search WHERE rowid = OLD.id;"
    " END",
    "CREATE TRIGGER IF NOT EXISTS tr_contact_search_update"
    " AFTER UPDATE OF id, search_key, sort_name ON contact BEGIN"
    " DELETE FROM contact_search WHERE rowid = OLD.id;"
    " INSERT INTO contact_search (rowid, key, sort_name)"
    f" VALUES (NEW.id, NEW.search_key || {_PAD}, NEW.sort_name);"
    " END",
)


def create_search(connection: Connection) -> None:
    """SQLite: the trigram index and the triggers that keep it (nothing elsewhere)."""
    if connection.dialect.name == "sqlite":
        for statement in _CREATE:
            connection.exec_driver_sql(statement)


def fill_search(connection: Connection) -> None:
    """SQLite: index every contact (a database from before schema v8), anew."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("DELETE FROM contact_search")
        connection.exec_driver_sql(
            "INSERT INTO contact_search (rowid, key, sort_name)"
            f" SELECT id, search_key || {_PAD}, sort_name FROM contact"
        )
