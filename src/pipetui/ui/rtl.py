"""How the TUI puts user text on screen in the chosen bidi mode (the `bidi`
setting, DESIGN.md §6): every field through `field`, every sentence of the
app's own that quotes user text through `sentence`.

The mode is a property of the terminal session, set once when the app starts
(`use`), so widgets need no settings object to draw a name.
"""

from __future__ import annotations

from pipetui.domain.bidi import fit, visual
from pipetui.domain.text import clean_text

_MODE = ["app"]

EXPLICIT_MODE = "\x1b[8l"
"""ECMA-48 BDSM reset: a terminal that follows the terminal-wg BiDi
recommendation stops applying its own bidi (pipetui has laid the text out)."""
IMPLICIT_MODE = "\x1b[8h"
"""BDSM set: the terminal's default again, sent on exit."""


def use(mode: str) -> None:
    """Draw from now on in `mode`: "app", "terminal" or "off"."""
    _MODE[0] = mode


def mode() -> str:
    """The mode in force."""
    return _MODE[0]


def field(text: str, width: int | None = None) -> str:
    """One piece of user text (a name, a title, a stage), cut to `width` cells:
    in "app" mode in visual order with its own direction, else as stored."""
    if _MODE[0] == "app":
        return visual(text, width)
    return fit(text, width)


def one_line(text: str, width: int) -> str:
    """A name or title in a cell of `width` (0 or less: nothing): cleaned to one
    line (text another tool stored may hold breaks or controls), then `field`."""
    return field(clean_text(text, single_line=True), max(0, width))


def sentence(text: str, width: int | None = None) -> str:
    """A line of the app's own words that quotes user text ("moved 'X' to Y"):
    one left-to-right paragraph, its right-to-left runs in visual order."""
    if _MODE[0] == "app":
        return visual(text, width, "L")
    return fit(text, width)


def lines(text: str | None, width: int | None = None) -> list[str]:
    """Multi-line user text (notes), one entry a line: each cleaned, laid out on
    its own (a line may be Hebrew, the next not) and cut with an ellipsis to
    `width` cells (None: uncut). Cut, not wrapped: a right-to-left line wrapped
    by the terminal would read its end first."""
    cut = None if width is None else max(0, width)
    return [field(clean_text(line, single_line=True), cut) for line in (text or "").splitlines()]
