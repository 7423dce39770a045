"""The board's `/` filter at 100,000 deals: the deals a word can match are
found through trigram indexes, not by reading every open deal (issue 21).

What matches is unchanged: every word (`search_key`-folded) must occur in the
deal's `search_key` (title and notes) or in its contact's (name, company,
emails, phones) as a substring; that `LIKE` stays in every query, and the
index only narrows the deals it is checked on, so it can never change what is
found.

On SQLite, `deal_search` is an FTS5 table of trigrams of each deal's key,
kept by triggers on `deal` whoever writes it (like `contact_search`,
`pipetui.store.contact_rollups`). A word of three or more characters narrows
to the deals holding all its trigrams, plus the deals of the contacts holding
them, when there are fewer than `MOST_CANDIDATES` of each; a shorter word, or
a common one, keeps the scan (the board's pages stop early when many deals
match). PostgreSQL keeps the plain condition (pg_trgm is an extension a
server may not have).

This module never imports SQLAlchemy: the TUI's board reads through it.
"""

from __future__ import annotations

from typing import Any, Protocol

from pipetui.store.rows import Rows

MOST_CANDIDATES = 20_000
"""Candidates (deals, or contacts) from which a word is common enough that
reading the column in board order finds its cards sooner."""

_PAD = "'  '"
"""Two spaces after every stored key, as `contact_search` has them."""

_CREATE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS deal_search USING fts5("
    "key, tokenize = 'trigram case_sensitive 1', detail = none)",
    "CREATE TRIGGER IF NOT EXISTS tr_deal_search_insert AFTER INSERT ON deal BEGIN"
    f" INSERT INTO deal_search (rowid, key) VALUES (NEW.id, NEW.search_key || {_PAD});"
    " END",
    "CREATE TRIGGER IF NOT EXISTS tr_deal_search_delete AFTER DELETE ON deal BEGIN"
    " DELETE FROM deal_search WHERE rowid = OLD.id;"
    " END",
    "CREATE TRIGGER IF NOT EXISTS tr_deal_search_update"
    " AFTER UPDATE OF id, search_key ON deal"
    " WHEN OLD.id IS NOT NEW.id OR OLD.search_key IS NOT NEW.search_key BEGIN"
    " DELETE FROM deal_search WHERE rowid = OLD.id;"
    f" INSERT INTO deal_search (rowid, key) VALUES (NEW.id, NEW.search_key || {_PAD});"
    " END",
)


class _Connection(Protocol):
    """What the DDL needs of a SQLAlchemy connection (not imported here)."""

    @property
    def dialect(self) -> Any: ...

    def exec_driver_sql(self, statement: str) -> Any: ...


def create(connection: _Connection) -> None:
    """SQLite: the trigram index of deals and the triggers that keep it."""
    if connection.dialect.name == "sqlite":
        for statement in _CREATE:
            connection.exec_driver_sql(statement)


def fill(connection: _Connection) -> None:
    """SQLite: index every deal (a database from before schema v9), anew."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("DELETE FROM deal_search")
        connection.exec_driver_sql(
            f"INSERT INTO deal_search (rowid, key) SELECT id, search_key || {_PAD} FROM deal"
        )


def trigrams(word: str) -> str | None:
    """The FTS5 query every key holding `word` matches, or None for a word the
    index cannot narrow (under three characters; FTS5 keeps U+FFFE and U+FFFF
    as U+FFFD, so their trigrams would not match)."""
    if len(word) < 3 or "\ufffe" in word or "\uffff" in word:
        return None
    grams = dict.fromkeys(word[i : i + 3] for i in range(len(word) - 2))
    return " AND ".join('"' + gram.replace('"', '""') + '"' for gram in grams)


def narrowing(rows: Rows, words: list[str]) -> dict[str, str]:
    """SQLite: the words the index narrows, with their FTS5 queries: those of
    three characters or more that fewer than `MOST_CANDIDATES` deals and
    fewer than as many contacts hold (two short counts in the index)."""
    found: dict[str, str] = {}
    for word in words:
        query = trigrams(word)
        if query is None:
            continue
        counts = rows(
            "SELECT (SELECT count(*) FROM (SELECT 1 FROM deal_search"
            " WHERE deal_search MATCH :q LIMIT :most)),"
            " (SELECT count(*) FROM (SELECT 1 FROM contact_search"
            " WHERE contact_search MATCH :q LIMIT :most))",
            {"q": query, "most": MOST_CANDIDATES},
        )[0]
        if all(int(count) < MOST_CANDIDATES for count in counts):
            found[word] = query
    return found


def candidates_sql(name: str) -> str:
    """The deals a word's query (parameter `name`) can match: its own key, or
    its contact's, holds every trigram of the word."""
    return (
        f"d.id IN (SELECT rowid FROM deal_search WHERE deal_search MATCH :{name}"
        " UNION ALL SELECT x.id FROM deal x WHERE x.contact_id IN"
        f" (SELECT rowid FROM contact_search WHERE contact_search MATCH :{name}))"
    )
