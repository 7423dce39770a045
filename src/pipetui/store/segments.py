"""Segment filters as plain, portable SQL (`pipetui.store.rows`): a tag among
a comma-separated column, a source or owner in any case. The board and
`deal list` read through this module without importing SQLAlchemy; the
reports and the contacts list use the same rules as SQLAlchemy expressions
(`pipetui.store.segment_queries`).

"In any case" is `lower()` on both sides, plus an exact match: PostgreSQL
lowers every script, SQLite only ASCII, so on SQLite a tag in a cased
non-Latin script ("École") is found as written or in its stored case.
"""

from __future__ import annotations

from pipetui.domain.segments import DealSegment


def like_escaped(text: str) -> str:
    """`text` with LIKE's wildcards escaped (ESCAPE '\\')."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def tag_pattern(tag: str) -> tuple[str, str]:
    """The LIKE patterns that find `tag` in ",a,b," : lowered, and as written."""
    return f"%,{like_escaped(tag.lower())},%", f"%,{like_escaped(tag)},%"


def tag_sql(column: str, tag: str, name: str) -> tuple[str, dict[str, object]]:
    """`column` (comma-separated tags) holds `tag`, in any case."""
    lowered, exact = tag_pattern(tag)
    wrapped = f"(',' || coalesce({column}, '') || ',')"
    sql = f"(lower{wrapped} LIKE :{name}_l ESCAPE '\\' OR {wrapped} LIKE :{name}_e ESCAPE '\\')"
    return sql, {f"{name}_l": lowered, f"{name}_e": exact}


def same_text_sql(column: str, value: str, name: str) -> tuple[str, dict[str, object]]:
    """`column` equals `value` in any case."""
    sql = f"(lower({column}) = :{name}_l OR {column} = :{name}_e)"
    return sql, {f"{name}_l": value.lower(), f"{name}_e": value}


def deal_segment_sql(segment: DealSegment, deal: str = "d") -> tuple[str, dict[str, object]]:
    """The segment as an SQL condition on the deal table aliased `deal` ("1 = 1"
    when it narrows nothing). Only the deal's own tags: lists and the board
    show what the deal carries."""
    parts: list[str] = []
    params: dict[str, object] = {}
    for i, tag in enumerate(segment.tags):
        sql, more = tag_sql(f"{deal}.tags", tag, f"seg_tag{i}")
        parts.append(sql)
        params.update(more)
    for column, value in (("source", segment.source), ("owner", segment.owner)):
        if value:
            sql, more = same_text_sql(f"{deal}.{column}", value, f"seg_{column}")
            parts.append(sql)
            params.update(more)
    return " AND ".join(parts) or "1 = 1", params
