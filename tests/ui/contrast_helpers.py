"""WCAG contrast of what a screen really draws.

The screen is rendered the way a terminal gets it (the compositor's full update,
modal screens blended over the ones below), and every cell of visible text is
checked: its foreground against its background, after reverse video and dim are
applied, with the WCAG 2.x relative-luminance formula.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len
from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from textual.app import App
from textual.geometry import Region

AA = 4.5  # WCAG 2.x level AA for normal text (1.4.3)
DIM_FACTOR = 0.66  # textual.filter.DimFilter's default: how far dim text fades


@dataclass(frozen=True)
class Failure:
    """Text drawn with too little contrast: where, what, and the two colours."""

    row: int
    text: str
    ratio: float
    foreground: str
    background: str

    def __str__(self) -> str:
        return (
            f"row {self.row}: {self.text!r} {self.foreground} on {self.background}"
            f" = {self.ratio:.2f}:1"
        )


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(rgb: tuple[int, int, int]) -> float:
    """WCAG relative luminance of an sRGB colour."""
    r, g, b = (_channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ratio(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    """WCAG contrast ratio, 1 to 21."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _rgb(color: Color | None, default: tuple[int, int, int]) -> tuple[int, int, int]:
    if color is None or color.is_default:
        return default
    triplet = color.get_truecolor()
    return (triplet.red, triplet.green, triplet.blue)


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def _colors(
    style: Style, default_fg: tuple[int, int, int], default_bg: tuple[int, int, int]
) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    fg, bg = _rgb(style.color, default_fg), _rgb(style.bgcolor, default_bg)
    if style.reverse:
        fg, bg = bg, fg
    if style.dim:
        fg = tuple(round(b + (f - b) * DIM_FACTOR) for f, b in zip(fg, bg, strict=True))  # type: ignore[assignment]
    return fg, bg


def is_text(text: str) -> bool:
    """Whether `text` has a character that reads as text. Box drawing and block
    elements (borders, scrollbars, the funnel's bars, U+2500–U+259F) are graphics:
    WCAG 1.4.3 does not apply to them (1.4.11 asks 3:1 of a control's edge)."""
    return any(not ch.isspace() and not 0x2500 <= ord(ch) <= 0x259F for ch in text)


def screen_lines(app: App[Any]) -> list[list[Segment]]:
    """The current screen as the terminal would get it, one list of segments a row."""
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    rows: list[list[Segment]] = []
    for line in update.strips:  # type: ignore[union-attr]
        rows.append([segment for strip in line for segment in strip])
    return rows


def _front(app: App[Any]) -> list[Region] | None:
    """Where a modal screen draws its own widgets (None: the whole screen counts).

    The screens below a modal one show through it faded: that text is inactive
    (WCAG 1.4.3 exempts "part of an inactive user interface component"), as the
    dialog on top takes every key."""
    if not app._background_screens:
        return None
    return [child.region for child in app.screen.children if child.display]


def low_contrast(app: App[Any], minimum: float = AA) -> list[Failure]:
    """Every run of visible text on screen whose contrast is below `minimum`."""
    theme = app.current_theme
    default_fg = _rgb(Color.parse(theme.foreground or "#e0e0e0"), (224, 224, 224))
    default_bg = _rgb(Color.parse(theme.background or "#121212"), (18, 18, 18))
    failures: dict[tuple[str, str, str], Failure] = {}
    front = _front(app)
    for row, segments in enumerate(screen_lines(app)):
        x = 0
        for segment in segments:
            text, style = segment.text, segment.style
            start, x = x, x + cell_len(text)
            if segment.control or style is None or not is_text(text):
                continue
            if front is not None and not any(
                r.contains(start, row) or r.contains(x - 1, row) for r in front
            ):
                continue
            fg, bg = _colors(style, default_fg, default_bg)
            value = ratio(fg, bg)
            if value < minimum:
                key = (text.strip(), str(fg), str(bg))
                failures.setdefault(
                    key,
                    Failure(row, text.strip(), value, _hex(fg), _hex(bg)),
                )
    return list(failures.values())
