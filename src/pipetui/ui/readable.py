"""Text colours that stay readable in any theme (WCAG AA, 4.5:1).

Textual's own `$text-accent`, `$text-warning`, `$text-success`, `$text-muted`
and the footer's key colour fall below 4.5:1 on the grey panels of
`textual-light` (2.8:1 for the accent). Rather than hard-code colours per theme,
the app adjusts those variables (`PipetuiApp.get_css_variables`): each starts
from the theme's own colour and is blended towards the theme's foreground only
as far as it takes to reach 4.5:1 on every background pipetui draws text on
(background, surface, panel, the card cursor). Those that already pass are
kept unchanged. Two are always replaced: muted text (Textual's is "auto 60%",
translucent, so how readable it is depends on what is behind it) becomes an
opaque blend of surface and foreground raised to AA, and the block cursor of
lists and tables becomes pipetui's selection colour with the foreground on it.
Every screen, Textual's own widgets included, gets the readable ones without
naming them.
"""

from __future__ import annotations

from textual.color import Color

AA = 4.6  # WCAG AA is 4.5:1; a hair more, for rounding to whole RGB steps
EDGE = 3.0  # WCAG 1.4.11: a text field's edge against what is around it

OVERRIDDEN = (
    "text-accent",
    "text-warning",
    "text-success",
    "text-error",
    "text-primary",
    "footer-key-foreground",
)
"""Theme variables used for text that are raised to AA when they fall short."""


def _luminance(color: Color) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = color.rgb
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: Color, b: Color) -> float:
    """WCAG contrast ratio (1 to 21) of `a` drawn on `b`: a translucent `a`
    (a theme's "#E0E0E099") is what it looks like over `b`."""
    if a.a < 1:
        a = b + a
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _toward(color: Color, target: Color, backgrounds: list[Color], minimum: float) -> Color:
    """`color`, blended towards `target` in small steps until it reaches
    `minimum` against every background (or is `target`)."""
    for step in range(21):
        candidate = color.blend(target, step / 20)
        if min(contrast(candidate, bg) for bg in backgrounds) >= minimum:
            return candidate
    return target


def readable_variables(variables: dict[str, str], *, ansi: bool = False) -> dict[str, str]:
    """Replacements for a theme's text colours (`variables`: the theme's CSS
    variables as Textual generated them) that fall below AA, plus `$readable-*`:
    the selection colour (`$readable-cursor`: the board's card cursor, and
    Textual's `$block-cursor-*` for lists and tables), a text field's box
    (`$readable-edge`) and a primary button's face (`$readable-primary-fill`).
    A text colour that passes on every background is returned unchanged; muted
    text and the block cursor are always replaced (see the module's doc); an
    ANSI theme (`ansi`) keeps the terminal's palette untouched."""
    if ansi:  # the terminal's own palette: its colours are the user's choice
        return {
            "readable-edge": variables["border-blurred"],
            "readable-primary-fill": variables["primary"],
            "readable-cursor": variables["block-cursor-background"],
        }

    def get(name: str) -> Color:
        return Color.parse(variables[name])

    background, surface, panel = get("background"), get("surface"), get("panel")
    foreground, primary, boost = get("foreground"), get("primary"), get("boost")
    cursor = _cursor(surface, primary, foreground)
    backgrounds = [background, surface, panel, panel + boost, surface + boost, cursor]
    out = {
        name: _toward(get(name), foreground, backgrounds, AA).hex
        for name in OVERRIDDEN
        if not variables[name].startswith("ansi")
    }
    muted = _toward(surface.blend(foreground, 0.6), foreground, backgrounds, AA).hex
    out["text-muted"] = out["foreground-muted"] = muted
    edge = panel.blend(foreground, 0.3)
    out["readable-edge"] = _toward(edge, foreground, [panel, surface], EDGE).hex
    out["readable-primary-fill"] = _fill(primary, foreground).hex
    out["readable-cursor"] = out["block-cursor-background"] = cursor.hex
    out["block-cursor-foreground"] = foreground.hex
    return out


def _fill(color: Color, foreground: Color) -> Color:
    """`color` as a button's face, darkened (or lightened) until the text Textual
    puts on it ("auto": black or white, as Textual chooses it) reaches AA,
    also when focus tints it (`background-tint: $foreground 5%`)."""
    black, white = Color(0, 0, 0), Color(255, 255, 255)
    text = color.get_contrast_text(1.0)  # how Textual picks "auto"
    away = black if text.brightness > 0.5 else white
    for step in range(21):
        candidate = color.blend(away, step / 20)
        faces = (candidate, candidate.blend(foreground, 0.05))
        if min(contrast(face.blend(text, 0.87), face) for face in faces) >= AA:  # "auto 87%"
            return candidate
    return away


def _cursor(surface: Color, primary: Color, foreground: Color) -> Color:
    """The selection colour: as much of `primary` over `surface` as leaves the
    foreground at 7:1 (room for coloured text on it to reach 4.5:1)."""
    for alpha in (0.6, 0.5, 0.4, 0.3, 0.25):
        cursor = surface.blend(primary, alpha)
        if contrast(foreground, cursor) >= 7:
            return cursor
    return surface.blend(primary, 0.2)
