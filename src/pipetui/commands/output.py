"""Printing results: JSON for scripts, aligned plain-text tables for people.

User text is printed as it is stored (control characters were removed on the
way in); widths count wide CJK characters as two columns.
"""

from __future__ import annotations

import json
import sys
import unicodedata
from collections.abc import Sequence
from typing import Any


def print_json(data: Any) -> None:
    """Pretty JSON with non-ASCII text kept as it is (Hebrew stays Hebrew)."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def width(text: str) -> int:
    """Terminal columns `text` takes: wide East Asian characters count two."""
    return sum(
        0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        for ch in text
    )


def _cut(text: str, limit: int) -> str:
    if width(text) <= limit:
        return text
    out = ""
    for ch in text:
        if width(out + ch) > limit - 1:
            break
        out += ch
    return out + "…"


def print_table(
    headers: Sequence[str], rows: Sequence[Sequence[object]], *, max_col: int = 40
) -> None:
    """A plain table with a header line; "—" stands for an empty cell."""
    cells = [[_cut("—" if v in (None, "") else str(v), max_col) for v in row] for row in rows]
    widths = [width(h) for h in headers]
    for row in cells:
        widths = [max(w, width(c)) for w, c in zip(widths, row, strict=True)]

    def line(values: Sequence[str]) -> str:
        return "  ".join(
            v + " " * (w - width(v)) for v, w in zip(values, widths, strict=True)
        ).rstrip()

    sys.stdout.write(line(headers) + "\n")
    for row in cells:
        sys.stdout.write(line(row) + "\n")
    if not rows:
        sys.stdout.write("(none)\n")


def say(message: str) -> None:
    """A one-line confirmation of what a command did."""
    sys.stdout.write(message + "\n")
