"""Printing results: JSON for scripts, aligned plain-text tables for people.

Everything printed goes through `clean_text`, the rule that keeps control
characters out of the database: text another tool wrote into it (an escape
sequence in a deal title) reaches the terminal as plain text, never as a
command to it. Text pipetui stored prints exactly as it is, in every script.
Widths count wide CJK characters as two columns.

On a terminal, in the "app" bidi mode (DESIGN.md §6), each table cell and each
line said is laid out in visual order, so Hebrew and Arabic read right on a
terminal that draws left to right; piped output, JSON and every export stay in
logical order (data is never reordered).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any

from pipetui.domain.bidi import cell_width as width
from pipetui.domain.bidi import fit, visual
from pipetui.domain.text import clean_text

_BIDI = ["app"]


def use_bidi(mode: str) -> None:
    """Print from now on in the `bidi` setting's `mode` ("app", "terminal" or
    "off"); called once the settings are read."""
    _BIDI[0] = mode


def _laid_out() -> bool:
    """Whether people's text is laid out here: "app" mode, stdout a terminal."""
    if _BIDI[0] != "app":
        return False
    try:
        return sys.stdout.isatty()
    except (AttributeError, OSError, ValueError):  # (a closed or fake stream)
        return False


def print_json(data: Any) -> None:
    """Pretty JSON with non-ASCII text kept as it is (Hebrew stays Hebrew).

    JSON escapes C0 controls itself, but not DEL, C1 (0x9b starts a terminal
    command on some terminals) or the bidi overrides, so every string is cleaned
    first."""
    sys.stdout.write(json.dumps(_cleaned(data), ensure_ascii=False, indent=2) + "\n")


def _cleaned(value: Any) -> Any:
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list | tuple):
        return [_cleaned(item) for item in value]
    if isinstance(value, dict):
        return {_cleaned(key): _cleaned(item) for key, item in value.items()}
    return value


def _cell(value: object, limit: int, laid_out: bool = False) -> str:
    text = "" if value is None else clean_text(str(value), single_line=True)
    if not text:
        return "—"
    # `visual` cuts at the logical end too, then reorders the field on its own.
    return visual(text, limit) if laid_out else fit(text, limit)


def print_table(
    headers: Sequence[str], rows: Sequence[Sequence[object]], *, max_col: int = 40
) -> None:
    """A plain table with a header line; "—" stands for an empty cell. Each cell
    is one line: a line break or tab in it would break the columns. Widths are
    measured on the cells as printed (laid out, on a terminal)."""
    laid_out = _laid_out()
    cells = [[_cell(v, max_col, laid_out) for v in row] for row in rows]
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
    """A line (or lines) telling what a command did. Each line keeps its
    indentation and loses any control character the user text in it had; on a
    terminal each line is a left-to-right paragraph, its Hebrew or Arabic in
    visual order."""
    text = shown(message)
    if _laid_out():
        text = "\n".join(visual(line, None, "L") for line in text.split("\n"))
    sys.stdout.write(text + "\n")


def shown(message: str) -> str:
    """`message` safe to print: each line cleaned to one line, indentation kept."""
    return "\n".join(
        line[: len(line) - len(line.lstrip(" "))] + clean_text(line, single_line=True)
        for line in message.split("\n")
    )
