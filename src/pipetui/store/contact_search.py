"""Finding contacts by any part of their search key (issue 21): at 100,000
contacts a search reads the few contacts that can match, not all of them.

What matches is unchanged: every word of the search (`search_key`-folded, so
any case in any script) must occur somewhere in the contact's `search_key`
(name, company, every email and phone), as a substring. That is still the
condition every query keeps (`LIKE '%word%'`); the index only narrows the
contacts it is checked on, so it can never change what is found.

On SQLite the index is an FTS5 table of trigrams (`contact_search`: the key
and the contact's `sort_name`, no positions), kept by triggers on `contact`
whoever writes it (`pipetui.store.contact_rollups`).
A word of three or more characters narrows to the contacts holding all of its
trigrams. A word of two characters narrows to those holding any trigram that
starts with it (read from the index's vocabulary: the key is stored with two
spaces after it, so even a word at the very end is the start of a trigram).
A one-character word, or a vocabulary too wide, is not narrowed: it is
common, and the name-ordered scan stops at the page's end early.

A page of results (`contact list --search`, 50 by default) is picked from the
contact rows of the candidates the index gives (`page_ids`): reading those rows
by id costs less than reading the key and the name back from the index's own
content (SQLite 3.40, 100,000 contacts: "smith" 13.4 → 6.0 ms, "כהן" 5.5 →
4.4, "لي" 12.7 → 11.8; "zoë" 6.7 → 7.2). PostgreSQL
keeps the plain condition (pg_trgm is an extension a server may not have).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, bindparam, column, text
from sqlalchemy.engine import Connection

from pipetui.store.tables import CONTACT

_MOST_TERMS = 300
"""A two-character word starting more trigrams than this is not narrowed."""
_LAST = "\U0010ffff"
_DENSE = 20_000
"""Candidates from which a word is common enough that the name-ordered scan
fills a page sooner than ordering every candidate would."""


def _quoted(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _narrowing(conn: Connection, word: str) -> str | None:
    """An FTS5 query the contacts whose key holds `word` all match, or None."""
    if "\ufffe" in word or "\uffff" in word:
        return None  # FTS5 keeps these noncharacters as U+FFFD: its terms would not match
    if len(word) >= 3:
        grams = dict.fromkeys(word[i : i + 3] for i in range(len(word) - 2))
        return " AND ".join(_quoted(g) for g in grams)
    if len(word) == 2:
        terms = conn.execute(
            text(
                "SELECT term FROM contact_search_terms WHERE term >= :low AND term < :high"
                " LIMIT :most"
            ),
            {"low": word, "high": word + _LAST, "most": _MOST_TERMS + 1},
        ).scalars()
        found = [str(t) for t in terms]
        if len(found) <= _MOST_TERMS:
            return " OR ".join(_quoted(t) for t in found) or _quoted(word + " ")  # (none)
    return None


def word_conditions(conn: Connection, words: list[str], *, narrow: bool = True) -> list[Any]:
    """Conditions on CONTACT keeping the contacts whose `search_key` holds every
    one of `words` (already `search_key`-folded). `narrow`: through the index
    (for every match; a page of a common word is found sooner without)."""
    conditions: list[Any] = []
    for word in words:
        if (
            narrow
            and conn.dialect.name == "sqlite"
            and (query := _narrowing(conn, word)) is not None
        ):
            conditions.append(
                CONTACT.c.id.in_(
                    text("SELECT rowid FROM contact_search WHERE contact_search MATCH :q")
                    .bindparams(bindparam("q", query, unique=True))
                    .columns(column("rowid", Integer))
                )
            )
        conditions.append(CONTACT.c.search_key.contains(word, autoescape=True))
    return conditions


def _like(word: str) -> str:
    """`LIKE` pattern: `word` anywhere (escaped with `\\`)."""
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def page_ids(
    conn: Connection, words: list[str], *, limit: int, offset: int = 0
) -> list[int] | None:
    """SQLite: the ids of one page of contacts (name order) holding every one
    of `words`, picked among the index's candidates; None where no word narrows (the
    caller's name-ordered scan is then the faster, as it is for a word in
    `_DENSE` contacts or more)."""
    if conn.dialect.name != "sqlite" or not words:
        return None
    queries = [q for q in (_narrowing(conn, w) for w in words) if q is not None]
    if not queries:
        return None
    params: dict[str, Any] = {"q": " AND ".join(f"({q})" for q in queries)}
    candidates = conn.execute(
        text(
            "SELECT count(*) FROM (SELECT 1 FROM contact_search"
            " WHERE contact_search MATCH :q LIMIT :most)"
        ),
        {**params, "most": _DENSE},
    ).scalar()
    if candidates is not None and candidates >= _DENSE:
        return None
    checks = []
    for n, word in enumerate(words):
        params[f"w{n}"] = _like(word)
        checks.append(f" AND search_key LIKE :w{n} ESCAPE '\\'")
    params |= {"limit": limit, "offset": offset}
    found = conn.execute(
        text(
            "SELECT id FROM contact WHERE id IN"
            " (SELECT rowid FROM contact_search WHERE contact_search MATCH :q)"
            + "".join(checks)
            + " ORDER BY sort_name, id LIMIT :limit OFFSET :offset"
        ),
        params,
    )
    return [int(i) for (i,) in found]
