"""The tags and lead sources a segment can name, most used first: what the
funnel screen's segment picker completes as you type (read once, in a
worker, when the picker opens).

Values are merged in any case (`search_key`: "VIP" and "vip" are one tag, as
every segment filter matches them) and offered as most often written.
"""

from __future__ import annotations

from collections.abc import Iterable

from pipetui.domain.segments import stored_tags
from pipetui.domain.text import clean_text, search_key
from pipetui.store import segment_values as store
from pipetui.store.database import Database


def ranked(used: Iterable[tuple[str, int]], limit: int | None = None) -> list[str]:
    """Values with their counts merged in any case, most used first (then in
    alphabetical order), each as most often written."""
    merged: dict[str, dict[str, int]] = {}
    for value, count in used:
        text = clean_text(value, single_line=True)
        if not text:
            continue
        spellings = merged.setdefault(search_key(text) or text, {})
        spellings[text] = spellings.get(text, 0) + count
    order = sorted(
        ((sum(s.values()), min(s, key=lambda t: (-s[t], t))) for s in merged.values()),
        key=lambda item: (-item[0], search_key(item[1]), item[1]),
    )
    return [text for _, text in order[:limit]]


def used_tags(db: Database) -> list[str]:
    """Every tag on a deal or contact, most used first."""
    with db.read() as conn:
        columns = store.tag_columns(conn)
    return ranked((tag, n) for text, n in columns for tag in stored_tags(text))


def used_sources(db: Database) -> list[str]:
    """Every lead source of a deal or contact, most used first."""
    with db.read() as conn:
        names = store.source_names(conn)
    return ranked(names)
